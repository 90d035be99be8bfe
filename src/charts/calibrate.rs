//! Charts of a calibration (`impunity calibrate`): one histogram per calibrated key, the
//! posterior against generation 0 (draws from the prior), in `DIR/charts/`.
//!
//! The posterior's weighted particles are drawn as an unweighted sample by systematic
//! resampling (1,000 values at cumulative weights (k + ½) / 1000: no randomness, so the chart
//! depends on the posterior alone).

use super::{ChartError, ChartOptions, histogram};
use crate::calibrate::Calibration;
use std::path::{Path, PathBuf};

/// Values drawn by systematic resampling of the last generation's parameter `k`.
fn resample(c: &Calibration, k: usize, n: usize) -> Vec<f64> {
    let post = c.posterior();
    let mut out = Vec::with_capacity(n);
    let mut cum = 0.0;
    let mut j = 0;
    for i in 0..n {
        let u = (i as f64 + 0.5) / n as f64;
        while j + 1 < post.particles.len() && cum + post.particles[j].weight < u {
            cum += post.particles[j].weight;
            j += 1;
        }
        out.push(post.particles[j].params[k]);
    }
    out
}

/// Draws `charts/posterior-<k>.png` (or `.svg`) in `dir` for each key of `keys` (in the
/// order of the calibration's parameters); returns the files written.
///
/// ```
/// use impunity::calibrate::{Prior, Problem, Settings, calibrate, no_progress};
/// let problem = Problem {
///     priors: vec![Prior::Uniform { a: -5.0, b: 5.0 }],
///     observed: vec![1.0], scale: vec![1.0], weight: vec![1.0],
/// };
/// let settings = Settings { particles: 50, max_generations: 3, ..Settings::default() };
/// let sim = |t: &[f64], _: u64| Ok::<_, String>(vec![t[0]]);
/// let c = calibrate(&problem, &settings, 1, &sim, Vec::new(), &mut |_| Ok(()), &no_progress).unwrap();
/// let dir = std::env::temp_dir().join(format!("impunity-calib-chart-{}", std::process::id()));
/// let files = impunity::charts::calibrate::marginals(&c, &["x".into()], &dir, &Default::default()).unwrap();
/// assert!(files[0].ends_with("charts/posterior-0.png") && files[0].is_file());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn marginals(
    c: &Calibration,
    keys: &[String],
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|source| ChartError::Io {
        path: charts.clone(),
        source,
    })?;
    let prior = &c.generations[0];
    let mut files = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        let samples = vec![
            (
                format!("posterior (generation {})", c.posterior().index),
                resample(c, k, 1000),
            ),
            (
                "generation 0 (prior draws)".to_string(),
                prior.particles.iter().map(|p| p.params[k]).collect(),
            ),
        ];
        files.push(histogram(
            &samples,
            None,
            &format!("Posterior of {key}"),
            key,
            30,
            &charts.join(format!("posterior-{k}")),
            opts,
        )?);
    }
    Ok(files)
}
