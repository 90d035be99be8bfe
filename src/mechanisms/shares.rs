//! Which of k people, chosen among a total with each person equally likely, fall on each of
//! a list of agents holding the total between them: the sequential hypergeometric draws of a
//! raid's victims and of a battle side's losses.

use crate::rng::Rng;
use rand::RngExt;
use rand_distr::{Distribution, HyperGeoError, Hypergeometric};

/// Which of `k` people, chosen among `total` with each person equally likely, fall on each of
/// a list of agents holding the `total` between them: the agents' shares drawn one after
/// another from hypergeometric laws (a raid's victims, a battle side's losses).
pub(crate) struct Shares {
    left: u64,
    to_place: u64,
}

impl Shares {
    /// `k` (at most `total`) to share out among agents holding `total` people.
    pub fn new(total: u64, k: u64) -> Self {
        Shares {
            left: total,
            to_place: k.min(total),
        }
    }

    /// Whether every one of the `k` has been placed.
    pub fn done(&self) -> bool {
        self.to_place == 0
    }

    /// The share of the next agent, which holds `n` of the people left.
    pub fn next(&mut self, n: u64, rng: &mut Rng) -> u64 {
        let k = if n >= self.left {
            self.to_place
        } else {
            match Hypergeometric::new(self.left, n, self.to_place) {
                Ok(h) => h.sample(rng),
                // rand_distr's inverse transform overflows on large populations (a share
                // of 30 or more among tens of thousands); the exact draw by selection then
                Err(HyperGeoError::PopulationTooLarge) => {
                    hypergeometric_by_selection(self.left, n, self.to_place, rng)
                }
                Err(e) => unreachable!("n <= left and k <= left: {e}"),
            }
        };
        self.left -= n.min(self.left);
        self.to_place -= k;
        k
    }
}

/// An exact draw of Hypergeometric(`total`, `n` marked, `k` sampled): people taken one at a
/// time without replacement, each marked with probability (marked left) / (people left);
/// O(min(n, k)) uniforms, using the symmetry H(N, n, k) = H(N, k, n). The fallback of
/// [`Shares::next`] where `rand_distr` refuses the parameters (its inverse transform's
/// product of factorials overflows for large populations).
fn hypergeometric_by_selection(total: u64, n: u64, k: u64, rng: &mut Rng) -> u64 {
    let (picks, mut marked) = (n.min(k), n.max(k));
    let mut left = total;
    let mut hits = 0;
    for _ in 0..picks {
        if marked == 0 {
            break;
        }
        if rng.random::<f64>() * (left as f64) < marked as f64 {
            hits += 1;
            marked -= 1;
        }
        left -= 1;
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share of many people among a large population: rand_distr's hypergeometric refuses
    /// it (PopulationTooLarge, which panicked a calibration at parameters with large bands);
    /// the fallback draws it exactly: every share within its bounds, the shares summing to k,
    /// the first agent's share averaging k n / N.
    #[test]
    fn shares_of_many_people_among_a_large_population_are_drawn_exactly() {
        let (total, n, k) = (200_000u64, 150u64, 1_000u64);
        assert!(
            Hypergeometric::new(total, n, k).is_err(),
            "the case rand_distr refuses"
        );
        let mut rng = <Rng as rand::SeedableRng>::seed_from_u64(3);
        let reps = 4000;
        let mut sum = 0.0;
        for _ in 0..reps {
            let mut s = Shares::new(total, k);
            let first = s.next(n, &mut rng);
            assert!(first <= n);
            sum += first as f64;
            // the rest among agents of 10,000 (the last takes what is left)
            let mut placed = first;
            let mut held = total - n;
            while held > 0 {
                let m = held.min(10_000);
                placed += s.next(m, &mut rng);
                held -= m;
            }
            assert_eq!(placed, k);
            assert!(s.done());
        }
        // mean k n / N = 0.75, variance about 0.75 (1 - n/N)(N - k)/(N - 1) ~ 0.746
        let mean = sum / reps as f64;
        let se = (0.746f64 / reps as f64).sqrt();
        assert!((mean - 0.75).abs() < 4.0 * se, "mean {mean}");
        // and the law at 0, not only its mean: P(0) = C(N - n, k) / C(N, k), exactly
        // prod_i (N - n - i) / (N - i), about 0.47
        let p0: f64 = (0..k)
            .map(|i| (total - n - i) as f64 / (total - i) as f64)
            .product();
        let mut zeros = 0;
        let mut rng = <Rng as rand::SeedableRng>::seed_from_u64(4);
        for _ in 0..reps {
            let mut s = Shares::new(total, k);
            zeros += (s.next(n, &mut rng) == 0) as u32;
        }
        let f0 = zeros as f64 / reps as f64;
        let se0 = (p0 * (1.0 - p0) / reps as f64).sqrt();
        assert!((f0 - p0).abs() < 4.0 * se0, "P(0): {f0} against {p0}");
    }
}
