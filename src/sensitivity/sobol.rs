//! The scrambled Sobol sequence, Saltelli's sampling scheme and Jansen's estimators of the
//! first-order and total Sobol indices.

use super::{Estimate, SensitivityError, bootstrap_rng, percentile_interval};
use rand::RngExt;

/// The most points of the Sobol sequence ([`sobol_burley`] supports 2^16).
pub const MAX_SAMPLES: u64 = 1 << 16;

/// The most dimensions of the sequence: a Saltelli design of k parameters uses 2k.
pub const MAX_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// Stream of [`crate::rng::design_rng`] whose first `u32` seeds the scrambling.
const SCRAMBLE_STREAM: u64 = 0x5e45_0001;

/// Point `i` of the Owen-scrambled Sobol sequence in `dims` dimensions (Burley 2020: Joe-Kuo
/// direction numbers, hash-based nested uniform scrambling and shuffling), the scramble
/// drawn from `seed` alone. Coordinates are in [0, 1) with 24 bits of precision.
///
/// Every prefix of 2^m points is stratified in each dimension: each of the intervals
/// [j/2^m, (j+1)/2^m) holds exactly one point.
///
/// ```
/// use impunity::sensitivity::sobol::point;
/// let xs: Vec<f64> = (0..8).map(|i| point(i, 3, 7)[2]).collect();
/// let mut cells: Vec<u32> = xs.iter().map(|x| (x * 8.0) as u32).collect();
/// cells.sort();
/// assert_eq!(cells, [0, 1, 2, 3, 4, 5, 6, 7]);
/// assert_eq!(point(5, 3, 7), point(5, 3, 7));
/// assert_ne!(point(5, 3, 7), point(5, 3, 8));
/// ```
///
/// # Panics
/// If `i >= MAX_SAMPLES` or `dims > MAX_DIMENSIONS`.
pub fn point(i: u64, dims: usize, seed: u64) -> Vec<f64> {
    assert!(i < MAX_SAMPLES && dims <= MAX_DIMENSIONS);
    let s = scramble_seed(seed);
    (0..dims)
        .map(|d| f64::from(sobol_burley::sample(i as u32, d as u32, s)))
        .collect()
}

/// The scramble of `seed`: the first `u32` of its design generator's own stream.
fn scramble_seed(seed: u64) -> u32 {
    let mut rng = crate::rng::design_rng(seed);
    rng.set_stream(SCRAMBLE_STREAM);
    rng.random::<u32>()
}

/// Saltelli's design of `n` base samples over `k` parameters on the unit cube, from one
/// 2k-dimensional scrambled Sobol sequence: row j of matrix A is the first k coordinates of
/// point j, row j of B the last k, and row j of A_B^i is A's row with column i taken from B.
/// The design lists, for each j in turn, A_j, B_j, A_B^1_j, …, A_B^k_j: `n (k + 2)` points.
///
/// `n` must be a power of two (the sequence's balance properties hold for such prefixes), at
/// most [`MAX_SAMPLES`], and `2k` at most [`MAX_DIMENSIONS`].
///
/// ```
/// let d = impunity::sensitivity::sobol::saltelli(4, 2, 1).unwrap();
/// assert_eq!(d.len(), 4 * (2 + 2));
/// let (a, b, ab1) = (&d[0], &d[1], &d[2]);
/// assert_eq!((ab1[0], ab1[1]), (b[0], a[1])); // column 1 from B, the rest from A
/// assert!(impunity::sensitivity::sobol::saltelli(6, 2, 1).is_err());
/// ```
pub fn saltelli(n: u64, k: usize, seed: u64) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check_samples(n)?;
    if k == 0 {
        return Err(SensitivityError::NoParameters);
    }
    if 2 * k > MAX_DIMENSIONS {
        return Err(SensitivityError::TooManyParameters {
            k,
            max: MAX_DIMENSIONS / 2,
        });
    }
    let mut rows = Vec::with_capacity(n as usize * (k + 2));
    for j in 0..n {
        let p = point(j, 2 * k, seed);
        let (a, b) = p.split_at(k);
        rows.push(a.to_vec());
        rows.push(b.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
    }
    Ok(rows)
}

/// Checks a Saltelli sample count: a power of two from 2 to [`MAX_SAMPLES`].
pub fn check_samples(n: u64) -> Result<(), SensitivityError> {
    if n < 2 || !n.is_power_of_two() || n > MAX_SAMPLES {
        return Err(SensitivityError::Samples { n });
    }
    Ok(())
}

/// First-order and total indices of each parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order index S_i of each parameter.
    pub first: Vec<Estimate>,
    /// Total index ST_i of each parameter.
    pub total: Vec<Estimate>,
}

/// Jansen's estimators (Jansen 1999; Saltelli et al. 2010, Table 2, rows (b) and (f)) over
/// the outputs `y` of a [`saltelli`] design of `k` parameters (in its order: `n (k + 2)`
/// values), with percentile bootstrap intervals (95 %) from `resamples` resamplings of the
/// rows j, drawn from `seed`:
///
/// * V = the sample variance of the 2n values f(A) and f(B);
/// * S_i = (V − Σ_j (f(B)_j − f(A_B^i)_j)² / 2n) / V;
/// * ST_i = Σ_j (f(A)_j − f(A_B^i)_j)² / 2n / V.
///
/// ```
/// use impunity::sensitivity::sobol::{saltelli, jansen};
/// // y = 2 x0 + x1: S = ST = (4/5, 1/5).
/// let d = saltelli(1024, 2, 3).unwrap();
/// let y: Vec<f64> = d.iter().map(|x| 2.0 * x[0] + x[1]).collect();
/// let s = jansen(2, &y, 200, 3).unwrap();
/// assert!((s.first[0].value - 0.8).abs() < 0.02 && (s.total[1].value - 0.2).abs() < 0.02);
/// ```
pub fn jansen(
    k: usize,
    y: &[f64],
    resamples: usize,
    seed: u64,
) -> Result<SobolIndices, SensitivityError> {
    if k == 0 || y.len() % (k + 2) != 0 || y.len() / (k + 2) < 2 {
        return Err(SensitivityError::Outputs {
            expected: format!("a multiple of {} (k + 2), at least 2 (k + 2)", k + 2),
            got: y.len(),
        });
    }
    let n = y.len() / (k + 2);
    let all: Vec<usize> = (0..n).collect();
    let (first, total) = jansen_rows(k, y, &all);
    let mut rng = bootstrap_rng(seed);
    let mut boot_first = vec![Vec::with_capacity(resamples); k];
    let mut boot_total = vec![Vec::with_capacity(resamples); k];
    let mut rows = vec![0; n];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = rng.random_range(0..n);
        }
        let (f, t) = jansen_rows(k, y, &rows);
        for i in 0..k {
            boot_first[i].push(f[i]);
            boot_total[i].push(t[i]);
        }
    }
    let est = |v: f64, b: &mut Vec<f64>| {
        let (low, high) = percentile_interval(b);
        Estimate {
            value: v,
            low,
            high,
        }
    };
    Ok(SobolIndices {
        first: (0..k).map(|i| est(first[i], &mut boot_first[i])).collect(),
        total: (0..k).map(|i| est(total[i], &mut boot_total[i])).collect(),
    })
}

/// Jansen's S_i and ST_i over the rows `rows` (indices j, repeats allowed).
fn jansen_rows(k: usize, y: &[f64], rows: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let w = k + 2;
    let n = rows.len() as f64;
    let (mut sum, mut sum2) = (0.0, 0.0);
    for &j in rows {
        for v in [y[j * w], y[j * w + 1]] {
            sum += v;
            sum2 += v * v;
        }
    }
    let m = sum / (2.0 * n);
    let var = (sum2 - 2.0 * n * m * m) / (2.0 * n - 1.0);
    let mut first = Vec::with_capacity(k);
    let mut total = Vec::with_capacity(k);
    for i in 0..k {
        let (mut db, mut da) = (0.0, 0.0);
        for &j in rows {
            let (a, b, ab) = (y[j * w], y[j * w + 1], y[j * w + 2 + i]);
            db += (b - ab) * (b - ab);
            da += (a - ab) * (a - ab);
        }
        first.push((var - db / (2.0 * n)) / var);
        total.push(da / (2.0 * n) / var);
    }
    (first, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each of the first 2^m points falls in its own interval [j/2^m, (j+1)/2^m), in every
    /// dimension, for every m up to 12, and for two seeds.
    #[test]
    fn prefixes_are_stratified_in_every_dimension() {
        for seed in [1, 99] {
            let dims = 12;
            let pts: Vec<Vec<f64>> = (0..4096).map(|i| point(i, dims, seed)).collect();
            for m in 0..=12u32 {
                let n = 1usize << m;
                for d in 0..dims {
                    let mut seen = vec![false; n];
                    for p in &pts[..n] {
                        let cell = (p[d] * n as f64).floor() as usize;
                        assert!(
                            !seen[cell],
                            "seed {seed}, m {m}, dimension {d}: cell {cell} twice"
                        );
                        seen[cell] = true;
                    }
                }
            }
        }
    }

    /// The first two dimensions of Sobol's sequence form a (0, m, 2)-net, which scrambling
    /// keeps: the first 256 points put exactly one point in each of the 16 × 16 squares of
    /// side 1/16.
    #[test]
    fn first_two_dimensions_form_a_net() {
        let mut count = [[0u32; 16]; 16];
        for i in 0..256 {
            let p = point(i, 2, 5);
            count[(p[0] * 16.0) as usize][(p[1] * 16.0) as usize] += 1;
        }
        assert!(count.iter().flatten().all(|&c| c == 1));
    }

    /// The unscrambled first dimension is van der Corput's sequence, as published: 0, 1/2,
    /// 1/4, 3/4, 1/8, 5/8, 3/8, 7/8.
    #[test]
    fn unscrambled_first_dimension_is_van_der_corput() {
        let got: Vec<f32> = (0..8u32)
            .map(|i| {
                let r = sobol_burley::parts::sobol_rev(i.reverse_bits(), 0);
                r.reverse_bits() as f32 / 4_294_967_296.0
            })
            .collect();
        assert_eq!(got, [0.0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
    }

    #[test]
    fn sample_counts_must_be_powers_of_two() {
        for bad in [0, 1, 3, 6, 100, MAX_SAMPLES * 2] {
            assert!(check_samples(bad).is_err(), "{bad}");
        }
        for good in [2, 64, MAX_SAMPLES] {
            assert!(check_samples(good).is_ok(), "{good}");
        }
    }
}
