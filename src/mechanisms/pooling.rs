//! People who decide one by one, agents that change whole (docs/ODD.md §7.8): how the
//! people of an agent who join an armed group, or leave one, become whole agents without the
//! spread of the outcome growing with the people an agent stands for.
//!
//! A decision taken per person (join with probability p) but applied to a whole agent of n
//! people gives the right mean (n·p people a turn) but n times the variance of n persons
//! deciding apart: at one agent per 100 people a year's few dozen recruits to a group come as
//! 0 or 100. Instead, the number of the agent's people who go, k, is drawn from the binomial
//! law B(n, p), as for n persons, and the share of the agent they make, k/n, is added to a
//! **pool** (one per group and community); when the pool reaches 1 the agent goes, all of
//! it, and the pool gives up 1. Each pool starts at a uniform number in [0, 1), so this is
//! systematic sampling with inclusion probabilities k/n: an agent goes with probability k/n
//! exactly, whatever its size (killings leave agents of fewer people than the nominal), so
//! that the expected people who go is k, and over a run the agents that go are within one of
//! the sum of the k/n. The people who change are then those of n persons deciding apart,
//! rounded to whole agents: the spread is the persons' plus the rounding, at any scale.
//!
//! At one agent per person (n = 1) the rule is the whole-agent rule, draw for draw: the
//! person goes when its uniform number is below p, and k/n = 1 always crosses the pool.

/// How many of `n` people go, each independently with probability `p`: the binomial law
/// B(n, p) inverted at the uniform number `u` ∈ [0, 1), largest counts for the smallest `u`
/// (k ≥ 1 exactly when `u` < P(K ≥ 1), so that at n = 1 the person goes when `u` < `p`).
///
/// ```text
/// k = max { j : u < P(K ≥ j) }
/// ```
///
/// The sum runs in logs, so it neither underflows for large n nor costs more than a log and
/// an exponential when nobody goes (the usual case: p per tick is small).
pub(crate) fn binomial_by_inversion(n: u32, p: f64, u: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    // P(K ≥ 1) = 1 − (1 − p)^n
    let at_least_one = if n == 1 {
        p
    } else {
        -libm::expm1(n as f64 * libm::log1p(-p))
    };
    if u >= at_least_one {
        return 0;
    }
    // survival s_j = P(K ≥ j), s_(j+1) = s_j − P(K = j); ln P(K = j) by recursion
    let odds = libm::log(p) - libm::log1p(-p);
    let mut ln_pmf = n as f64 * libm::log1p(-p); // ln P(K = 0)
    let mut survival = at_least_one;
    let mut k = 0;
    while k < n && u < survival {
        // P(K = k + 1) from P(K = k)
        ln_pmf += libm::log((n - k) as f64 / (k + 1) as f64) + odds;
        k += 1;
        survival -= libm::exp(ln_pmf);
    }
    k
}

/// Adds the share `k`/`n` of an agent of `n` people, `k` of whom go, to `pool` (in [0, 1));
/// whether the agent goes, whole (the pool then gives up 1). With the pool uniform in
/// [0, 1), the agent goes with probability k/n.
pub(crate) fn goes_whole(pool: &mut f64, n: u32, k: u32) -> bool {
    if n == 0 || k == 0 {
        return false;
    }
    *pool += f64::from(k.min(n)) / f64::from(n);
    if *pool >= 1.0 {
        *pool -= 1.0;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};
    use rand::RngExt;

    #[test]
    fn one_person_goes_when_the_draw_is_below_p() {
        for (p, u, k) in [(0.3, 0.299, 1), (0.3, 0.3, 0), (0.3, 0.9, 0), (0.0, 0.0, 0)] {
            assert_eq!(binomial_by_inversion(1, p, u), k, "p {p}, u {u}");
        }
        assert_eq!(binomial_by_inversion(7, 1.0, 0.5), 7);
        assert_eq!(binomial_by_inversion(0, 0.5, 0.1), 0);
    }

    #[test]
    fn the_inversion_draws_the_binomial_law() {
        // B(20, 0.1) over 200,000 draws: each count's frequency within 5 standard errors of
        // its probability, and the mean within 5 of its own
        let (n, p, draws) = (20u32, 0.1, 200_000);
        let mut rng = stream_rng(3, 0, Stream::Recruitment);
        let mut freq = [0u64; 21];
        for _ in 0..draws {
            freq[binomial_by_inversion(n, p, rng.random::<f64>()) as usize] += 1;
        }
        let mut pmf = (1.0f64 - p).powi(n as i32);
        for (j, &f) in freq.iter().enumerate() {
            let se = (pmf * (1.0 - pmf) / draws as f64).sqrt().max(1e-9);
            let got = f as f64 / draws as f64;
            assert!(
                (got - pmf).abs() < 5.0 * se + 1e-6,
                "P(K = {j}) {got} vs {pmf}"
            );
            pmf *= (n - j as u32) as f64 / (j + 1) as f64 * p / (1.0 - p);
        }
        let mean = freq
            .iter()
            .enumerate()
            .map(|(j, &f)| j as f64 * f as f64)
            .sum::<f64>()
            / draws as f64;
        let se = (n as f64 * p * (1.0 - p) / draws as f64).sqrt();
        assert!((mean - 2.0).abs() < 5.0 * se, "mean {mean}");
        // large n, small p: no underflow, mean n·p
        let mut sum = 0u64;
        for _ in 0..20_000 {
            sum += binomial_by_inversion(60_000, 1e-4, rng.random::<f64>()) as u64;
        }
        let mean = sum as f64 / 20_000.0;
        assert!(
            (mean - 6.0).abs() < 5.0 * (6.0f64 / 20_000.0).sqrt(),
            "mean {mean}"
        );
    }

    #[test]
    fn an_agent_goes_with_probability_k_over_n_whatever_its_size() {
        // agents of 10 people among a nominal 50 (killings shrink agents): one of them, with
        // 1 person going, must go one time in ten, not (50 − 10 + 1)/50 as a pool in people
        // with a threshold of its own size would make it
        let mut rng = stream_rng(9, 0, Stream::Recruitment);
        let trials = 100_000;
        let mut went = 0;
        for _ in 0..trials {
            let mut pool = rng.random::<f64>();
            if goes_whole(&mut pool, 10, 1) {
                went += 1;
            }
            assert!((0.0..1.0).contains(&pool));
        }
        let share = went as f64 / trials as f64;
        let se = (0.1f64 * 0.9 / trials as f64).sqrt();
        assert!((share - 0.1).abs() < 5.0 * se, "went {share}");
        // a run of agents of mixed sizes: the agents that go stay within one of the sum of
        // the shares k/n
        let mut pool = rng.random::<f64>();
        let (mut owed, mut gone) = (pool, 0u32);
        for i in 0..10_000u32 {
            let n = 1 + i % 50;
            let k = binomial_by_inversion(n, 0.05, rng.random::<f64>());
            owed += f64::from(k) / f64::from(n);
            if goes_whole(&mut pool, n, k) {
                gone += 1;
            }
            assert!((owed - f64::from(gone) - pool).abs() < 1e-6);
        }
        assert!(gone > 0);
    }

    #[test]
    fn a_pool_turns_people_into_whole_agents_without_bias_or_extra_spread() {
        // 100 agents of 100 people, each person going with probability 0.002 a turn, for 50
        // turns: 1,000 people expected. Whole agents (each going with probability 0.002)
        // give a spread of sqrt(100 · 100 · 0.002 · 50 · 100) ≈ 316 people; persons give
        // sqrt(1,000) ≈ 32; the pool must give the persons' spread (plus rounding to 100).
        let mut rng = stream_rng(5, 0, Stream::Recruitment);
        let (agents, n, p, turns, runs) = (100u32, 100u32, 0.002, 50, 400);
        let mut totals = Vec::new();
        for _ in 0..runs {
            let mut pool = rng.random::<f64>();
            let mut gone = vec![false; agents as usize];
            let mut people = 0u32;
            for _ in 0..turns {
                for g in gone.iter_mut().filter(|g| !**g) {
                    let k = binomial_by_inversion(n, p, rng.random::<f64>());
                    if goes_whole(&mut pool, n, k) {
                        *g = true;
                        people += n;
                    }
                }
            }
            totals.push(people as f64);
        }
        let mean = totals.iter().sum::<f64>() / runs as f64;
        let sd =
            (totals.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
        // fewer people are left to go as agents go: the expectation is a little under 1,000
        let expected = (agents * n) as f64 * (1.0 - (1.0f64 - p).powi(turns));
        assert!(
            (mean - expected).abs() < 5.0 * sd / (runs as f64).sqrt(),
            "mean {mean}"
        );
        assert!(
            sd < 70.0,
            "spread {sd}: the persons' is about 31, whole agents' 300"
        );
        assert!(sd > 15.0, "spread {sd}: the persons' is about 31");
    }
}
