//! Morris's elementary effects: random one-at-a-time trajectories on a p-level grid (Morris
//! 1991), summarised by mu* (Campolongo, Cariboni and Saltelli 2007), mu and sigma.

use super::{Estimate, SensitivityError, bootstrap_rng, percentile_interval};
use rand::RngExt;

/// Stream of [`crate::rng::design_rng`] the trajectories are drawn from.
const TRAJECTORY_STREAM: u64 = 0x5e45_0002;

/// `trajectories` random Morris trajectories over `k` parameters on the unit cube's grid of
/// `levels` levels (0, 1/(p−1), …, 1; p even), drawn from `seed` alone: `trajectories (k + 1)`
/// points, trajectory by trajectory.
///
/// Each trajectory starts at a random grid point x* whose coordinates allow a step of
/// Δ = p / (2 (p − 1)), each coordinate oriented up or down at random (Morris 1991's
/// randomised orientation matrix B*), then moves one parameter at a time, in a random order,
/// by ±Δ: consecutive points differ in exactly one coordinate.
///
/// ```
/// let t = impunity::sensitivity::morris::trajectories(3, 2, 4, 1).unwrap();
/// assert_eq!(t.len(), 3 * 3);
/// let moved = t[0].iter().zip(&t[1]).filter(|(a, b)| a != b).count();
/// assert_eq!(moved, 1);
/// let step = (t[0][0] - t[1][0]).abs() + (t[0][1] - t[1][1]).abs();
/// assert!((step - 2.0 / 3.0).abs() < 1e-12); // Δ = p / (2 (p - 1)) = 2/3
/// ```
pub fn trajectories(
    trajectories: u64,
    k: usize,
    levels: u64,
    seed: u64,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check(trajectories, levels)?;
    if k == 0 {
        return Err(SensitivityError::NoParameters);
    }
    let p = levels as f64;
    let delta_steps = levels / 2; // Δ in grid steps
    let mut rng = crate::rng::design_rng(seed);
    rng.set_stream(TRAJECTORY_STREAM);
    let at = |l: u64| l as f64 / (p - 1.0);
    let mut out = Vec::with_capacity(trajectories as usize * (k + 1));
    for _ in 0..trajectories {
        // Grid level of each coordinate, and whether it steps up.
        let mut level: Vec<u64> = Vec::with_capacity(k);
        let mut up: Vec<bool> = Vec::with_capacity(k);
        for _ in 0..k {
            let base = rng.random_range(0..levels - delta_steps);
            let u = rng.random::<bool>();
            level.push(if u { base } else { base + delta_steps });
            up.push(u);
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        out.push(level.iter().map(|&l| at(l)).collect());
        for &i in &order {
            if up[i] {
                level[i] += delta_steps;
            } else {
                level[i] -= delta_steps;
            }
            out.push(level.iter().map(|&l| at(l)).collect());
        }
    }
    Ok(out)
}

/// Checks the trajectory count (at least 2) and the levels (even, at least 2).
pub fn check(trajectories: u64, levels: u64) -> Result<(), SensitivityError> {
    if trajectories < 2 {
        return Err(SensitivityError::Trajectories { r: trajectories });
    }
    if levels < 2 || levels % 2 != 0 || levels > 1 << 20 {
        return Err(SensitivityError::Levels { p: levels });
    }
    Ok(())
}

/// mu*, mu and sigma of each parameter's elementary effects.
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndices {
    /// Mean absolute elementary effect (Campolongo et al. 2007).
    pub mu_star: Vec<Estimate>,
    /// Mean elementary effect (Morris 1991): effects of opposite signs cancel.
    pub mu: Vec<Estimate>,
    /// Standard deviation of the elementary effects (divisor r − 1): non-linearity and
    /// interactions.
    pub sigma: Vec<Estimate>,
}

/// The elementary effects of a [`trajectories`] design `x` (unit cube) with outputs `y`, one
/// per point: for consecutive points of a trajectory that differ in parameter i,
/// EE_i = (y' − y) / (x'_i − x_i), the change of the output per whole range of the parameter
/// (so effects are in the output's unit). Returns, per parameter, its r effects in trajectory
/// order.
pub fn elementary_effects(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    if k == 0 || x.len() != y.len() || x.len() % (k + 1) != 0 || x.is_empty() {
        return Err(SensitivityError::Outputs {
            expected: format!(
                "one per point of a design of a multiple of {} points",
                k + 1
            ),
            got: y.len(),
        });
    }
    let r = x.len() / (k + 1);
    let mut ee = vec![Vec::with_capacity(r); k];
    for t in 0..r {
        for m in 0..k {
            let (a, b) = (t * (k + 1) + m, t * (k + 1) + m + 1);
            let moved: Vec<usize> = (0..k).filter(|&i| x[a][i] != x[b][i]).collect();
            let [i] = moved[..] else {
                return Err(SensitivityError::NotATrajectory { point: b });
            };
            ee[i].push((y[b] - y[a]) / (x[b][i] - x[a][i]));
        }
    }
    if ee.iter().any(|e| e.len() != r) {
        return Err(SensitivityError::NotATrajectory { point: 0 });
    }
    Ok(ee)
}

/// mu*, mu and sigma of the elementary effects of a [`trajectories`] design `x` with outputs
/// `y`, each with a percentile bootstrap interval (95 %) from `resamples` resamplings of the
/// trajectories, drawn from `seed`.
///
/// ```
/// use impunity::sensitivity::morris::{trajectories, indices};
/// let x = trajectories(10, 3, 4, 2).unwrap();
/// let y: Vec<f64> = x.iter().map(|p| 4.0 * p[0] - p[1]).collect(); // x2 does nothing
/// let m = indices(&x, &y, 3, 100, 2).unwrap();
/// assert!((m.mu_star[0].value - 4.0).abs() < 1e-9 && (m.mu[1].value + 1.0).abs() < 1e-9);
/// assert_eq!(m.mu_star[2].value, 0.0);
/// ```
pub fn indices(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    resamples: usize,
    seed: u64,
) -> Result<MorrisIndices, SensitivityError> {
    let ee = elementary_effects(x, y, k)?;
    let r = ee[0].len();
    let stats = |e: &[f64], pick: &[usize]| {
        let n = pick.len() as f64;
        let mu_star = pick.iter().map(|&t| e[t].abs()).sum::<f64>() / n;
        let mu = pick.iter().map(|&t| e[t]).sum::<f64>() / n;
        let ss = pick.iter().map(|&t| (e[t] - mu) * (e[t] - mu)).sum::<f64>();
        (mu_star, mu, (ss / (n - 1.0)).sqrt())
    };
    let all: Vec<usize> = (0..r).collect();
    let mut rng = bootstrap_rng(seed);
    let mut boot = vec![[Vec::new(), Vec::new(), Vec::new()]; k];
    let mut pick = vec![0; r];
    for _ in 0..resamples {
        for p in pick.iter_mut() {
            *p = rng.random_range(0..r);
        }
        for (i, e) in ee.iter().enumerate() {
            let (a, b, c) = stats(e, &pick);
            boot[i][0].push(a);
            boot[i][1].push(b);
            boot[i][2].push(c);
        }
    }
    let mut out = MorrisIndices {
        mu_star: vec![],
        mu: vec![],
        sigma: vec![],
    };
    for (i, e) in ee.iter().enumerate() {
        let v = stats(e, &all);
        let [b0, b1, b2] = &mut boot[i];
        for (dst, value, b) in [
            (&mut out.mu_star, v.0, b0),
            (&mut out.mu, v.1, b1),
            (&mut out.sigma, v.2, b2),
        ] {
            let (low, high) = percentile_interval(b);
            dst.push(Estimate { value, low, high });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function whose importance is known: x0 linear and strong, x1 quadratic (an effect
    /// whose sign changes: mu ≈ its linear part, sigma > 0), x3 weak, x2 absent.
    #[test]
    fn ranks_inputs_of_a_known_function() {
        let k = 4;
        let x = trajectories(40, k, 4, 11).unwrap();
        let f = |p: &[f64]| 10.0 * p[0] + 6.0 * (p[1] - 0.5).powi(2) * 4.0 + 0.5 * p[3];
        let y: Vec<f64> = x.iter().map(|p| f(p)).collect();
        let m = indices(&x, &y, k, 500, 11).unwrap();
        let ms: Vec<f64> = m.mu_star.iter().map(|e| e.value).collect();
        assert!(ms[0] > ms[1] && ms[1] > ms[3] && ms[3] > ms[2], "{ms:?}");
        assert_eq!(ms[2], 0.0);
        assert!((ms[0] - 10.0).abs() < 1e-9 && m.sigma[0].value < 1e-9);
        assert!((ms[3] - 0.5).abs() < 1e-9);
        // x1's effects are ±: sigma large, |mu| well below mu*.
        assert!(m.sigma[1].value > 1.0 && m.mu[1].value.abs() < ms[1]);
        // intervals hold the estimate, and separate x0 from x1
        for e in m.mu_star.iter() {
            assert!(e.low <= e.value && e.value <= e.high);
        }
        assert!(m.mu_star[0].low > m.mu_star[1].high);
    }

    #[test]
    fn trajectories_stay_on_the_grid_and_follow_the_seed() {
        let t = trajectories(20, 5, 6, 3).unwrap();
        for p in t.iter().flatten() {
            let l = p * 5.0;
            assert!((l - l.round()).abs() < 1e-12 && (0.0..=1.0).contains(p));
        }
        assert_eq!(t, trajectories(20, 5, 6, 3).unwrap());
        assert_ne!(t, trajectories(20, 5, 6, 4).unwrap());
        assert!(trajectories(1, 5, 6, 3).is_err());
        assert!(trajectories(4, 5, 5, 3).is_err());
    }
}
