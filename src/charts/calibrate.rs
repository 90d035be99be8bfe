//! Charts of a calibration (`impunity calibrate`), in `DIR/charts/`: one histogram per
//! calibrated key, the posterior against generation 0 (draws from the prior); the pairs of
//! keys; the tolerance and acceptance by generation; the predictive check.
//!
//! The posterior's weighted particles are drawn as an unweighted sample by systematic
//! resampling (1,000 values at cumulative weights (k + ½) / 1000: no randomness, so the chart
//! depends on the posterior alone).

use super::{ChartError, ChartOptions, Draw, histogram, render, style};
use crate::calibrate::Calibration;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Draws every chart of a calibration into `dir/charts/`: [`marginals`], [`pairs`],
/// [`generations`] and [`predictive`]; returns the files written. What `impunity calibrate`
/// draws when it finishes, and `impunity chart DIR` redraws from the directory
/// ([`crate::calibrate::read_finished`]).
pub fn draw_all(
    c: &Calibration,
    keys: &[String],
    checks: &[Check],
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = marginals(c, keys, dir, opts)?;
    written.extend(pairs(c, keys, dir, opts)?);
    written.extend(generations(c, dir, opts)?);
    written.extend(predictive(checks, dir, opts)?);
    Ok(written)
}

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
        files.push(histogram::histogram_fitted(
            &samples,
            &format!("Posterior of {key}"),
            key,
            30,
            &charts.join(format!("posterior-{k}")),
            opts,
        )?);
    }
    Ok(files)
}

/// The finite values of `v` as an axis range, padded by 5 % (a unit range around a single
/// value).
fn span(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in v.filter(|x| x.is_finite()) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo <= 0.0 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

/// Ticks of a log10 axis from `lo` to `hi` (in log10 units): the values 1, 2 and 5 × 10^k in
/// range, or every digit × 10^k when that gives fewer than three; as log10 of the value.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let pick = |digits: &[f64]| -> Vec<f64> {
        let (a, b) = (lo.floor() as i32, hi.ceil() as i32);
        (a..=b)
            .flat_map(|k| digits.iter().map(move |d| (d * 10f64.powi(k)).log10()))
            .filter(|t| *t >= lo && *t <= hi)
            .collect()
    };
    let coarse = pick(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        coarse
    } else {
        pick(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    }
}

/// The tolerance and the acceptance rate by generation.
struct Schedule {
    title: String,
    /// Per generation from 1: index, tolerance, acceptance rate, ESS / particles.
    rows: Vec<(f64, f64, f64, f64)>,
}

impl Draw for Schedule {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        let (x0, x1) = (0.5, self.rows.len() as f64 + 0.5);
        let tol = self
            .rows
            .iter()
            .map(|r| r.1)
            .filter(|t| *t > 0.0 && t.is_finite());
        let (lo, hi) = tol.fold((f64::INFINITY, 0.0f64), |(a, b), t| (a.min(t), b.max(t)));
        let (lo, hi) = if lo.is_finite() && hi > lo {
            (lo / 1.2, hi * 1.2)
        } else if lo.is_finite() {
            (lo / 2.0, lo * 2.0)
        } else {
            (0.1, 10.0)
        };
        let (lo, hi) = (lo.log10(), hi.log10());
        let ticks = log_ticks(lo, hi);
        let mut ch = ChartBuilder::on(&top)
            .margin(16)
            .x_label_area_size(30)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, style::Axis::new(lo, hi, ticks))?;
        ch.configure_mesh()
            .disable_mesh()
            .x_labels(self.rows.len().clamp(1, 20))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_desc("tolerance (log scale)")
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .y_label_formatter(&|v| style::fmt_num(10f64.powf(*v)))
            .draw()?;
        let c0 = style::colour(0);
        let pts: Vec<(f64, f64)> = self
            .rows
            .iter()
            .filter(|r| r.1 > 0.0 && r.1.is_finite())
            .map(|r| (r.0, r.1.log10()))
            .collect();
        ch.draw_series(LineSeries::new(pts.clone(), c0.stroke_width(2)))?;
        ch.draw_series(pts.iter().map(|p| Circle::new(*p, 4, c0.filled())))?;
        let mut ch = ChartBuilder::on(&bottom)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, 0.0..1.05)?;
        ch.configure_mesh()
            .disable_mesh()
            .x_labels(self.rows.len().clamp(1, 20))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("generation")
            .y_desc("share")
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .y_label_formatter(&|v| style::fmt_num(*v))
            .draw()?;
        for (i, name) in ["acceptance rate", "effective sample size / particles"]
            .into_iter()
            .enumerate()
        {
            let c = style::colour(i + 1);
            let pts: Vec<(f64, f64)> = self
                .rows
                .iter()
                .map(|r| (r.0, if i == 0 { r.2 } else { r.3 }))
                .collect();
            ch.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
            ch.draw_series(pts.iter().map(|p| Circle::new(*p, 4, c.filled())))?;
        }
        ch.configure_series_labels()
            .position(SeriesLabelPosition::MiddleRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.4))
            .label_font(style::tick_font())
            .draw()?;
        Ok(())
    }
}

/// Draws `charts/generations.png` (or `.svg`) in `dir`: the tolerance of each generation from
/// 1 (log scale; generation 0, the prior, has none) and its acceptance rate and effective
/// sample size over the particles; returns the file, or `None` when the calibration has no
/// generation past 0.
pub fn generations(
    c: &Calibration,
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Option<PathBuf>, ChartError> {
    let rows: Vec<(f64, f64, f64, f64)> = c.generations[1..]
        .iter()
        .map(|g| {
            let n = g.particles.len().max(1) as f64;
            (f64::from(g.index), g.tolerance, g.acceptance(), g.ess() / n)
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let chart = Schedule {
        title: opts.title(
            "generations",
            "Tolerance and acceptance by generation".into(),
        ),
        rows,
    };
    render(&chart, &dir.join("charts").join("generations"), opts).map(Some)
}

/// One target of the predictive check: a row of a calibration's `predictive.csv`.
pub use crate::calibrate::PredictiveRow as Check;

/// The predictive check: per target, the 5–95 % range and the mean under posterior draws,
/// in scale units from the observed value (the distance's own units).
struct Predictive {
    title: String,
    checks: Vec<Check>,
}

impl Predictive {
    fn z(c: &Check, v: f64) -> f64 {
        (v - c.observed) / c.scale
    }

    /// Pixels the statistics' names need on the left (event statistics run to 80 characters).
    fn label_width(checks: &[Check]) -> u32 {
        checks
            .iter()
            .map(|c| c.statistic.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 96) as u32
            * (style::TICK * 45 / 100)
            + 30
    }
}

impl Draw for Predictive {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let n = self.checks.len();
        let label_w = Self::label_width(&self.checks);
        let (lo, hi) = span(
            self.checks
                .iter()
                .flat_map(|c| [Self::z(c, c.p05), Self::z(c, c.p95)])
                .chain([-1.0, 1.0]),
        );
        let names: Vec<String> = self.checks.iter().map(|c| c.statistic.clone()).collect();
        let mut ch = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(label_w)
            .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))?;
        ch.configure_mesh()
            .disable_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                    names[names.len() - 1 - i as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_desc("(simulated − observed) / scale; orange: observed outside 5–95 %")
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .x_label_formatter(&|v| style::fmt_num(*v))
            .draw()?;
        ch.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.mix(0.6).stroke_width(2),
        )))?;
        for (i, c) in self.checks.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let inside = c.observed >= c.p05 && c.observed <= c.p95;
            let colour = if inside {
                style::colour(0)
            } else {
                style::colour(5)
            };
            let (a, b, m) = (Self::z(c, c.p05), Self::z(c, c.p95), Self::z(c, c.mean));
            if a.is_finite() && b.is_finite() {
                ch.draw_series(std::iter::once(PathElement::new(
                    vec![(a, y), (b, y)],
                    colour.stroke_width(4),
                )))?;
            }
            if m.is_finite() {
                ch.draw_series(std::iter::once(Circle::new((m, y), 6, colour.filled())))?;
            }
            let f = style::fmt_num;
            let text = format!(
                "observed {} · simulated mean {} [{}, {}]",
                f(c.observed),
                f(c.mean),
                f(c.p05),
                f(c.p95)
            );
            ch.draw_series(std::iter::once(Text::new(
                text,
                (lo, y + 0.3),
                style::tick_font(),
            )))?;
        }
        Ok(())
    }
}

/// Draws `charts/predictive.png` (or `.svg`) in `dir`: each target's 5–95 % range (line) and
/// mean (dot) under posterior draws, in units of its scale from the observed value (the
/// vertical line); a target whose observed value lies outside the range is drawn in another
/// colour. Returns the file, or `None` without targets.
///
/// ```
/// use impunity::charts::calibrate::{Check, predictive};
/// let checks = vec![
///     Check { statistic: "abuses".into(), observed: 10.0, scale: 5.0, mean: 12.0, p05: 6.0, p95: 19.0 },
///     Check { statistic: "battles".into(), observed: 74.0, scale: 20.0, mean: 35.0, p05: 28.0, p95: 41.0 },
/// ];
/// let dir = std::env::temp_dir().join(format!("impunity-pred-chart-{}", std::process::id()));
/// let file = predictive(&checks, &dir, &Default::default()).unwrap().unwrap();
/// assert!(file.ends_with("charts/predictive.png") && file.is_file());
/// assert!(predictive(&[], &dir, &Default::default()).unwrap().is_none());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn predictive(
    checks: &[Check],
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Option<PathBuf>, ChartError> {
    if checks.is_empty() {
        return Ok(None);
    }
    let chart = Predictive {
        title: opts.title(
            "predictive",
            "Predictive check: targets under posterior draws (5–95 %, mean)".into(),
        ),
        checks: checks.to_vec(),
    };
    // wide enough for the names on the left and a plot of the options' width beside them
    let mut opts = opts.clone();
    opts.width = opts.width.max(Predictive::label_width(checks) + 640);
    render(&chart, &dir.join("charts").join("predictive"), &opts).map(Some)
}

/// Every pair of calibrated keys: the posterior's particles (darker for a larger weight) over
/// the range of the prior draws (generation 0), so that a correlation between two keys (a
/// ridge: the data pin a combination, not each key) shows.
struct Pairs {
    title: String,
    keys: Vec<String>,
    /// Per key, the axis range (generation 0's draws).
    ranges: Vec<(f64, f64)>,
    /// The posterior's particles: values and weight over the largest weight.
    points: Vec<(Vec<f64>, f64)>,
}

impl Draw for Pairs {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let d = self.keys.len();
        let cells = area.split_evenly((d - 1, d - 1));
        let c0 = style::colour(0);
        for (idx, cell) in cells.iter().enumerate() {
            // row r (y key r + 1), column q (x key q); the lower triangle only
            let (r, q) = (idx / (d - 1), idx % (d - 1));
            if q > r {
                continue;
            }
            let (xk, yk) = (q, r + 1);
            let mut b = ChartBuilder::on(cell);
            b.margin(4);
            if q == 0 {
                b.y_label_area_size(70);
            }
            if r == d - 2 {
                b.x_label_area_size(40);
            }
            let (x0, x1) = self.ranges[xk];
            let (y0, y1) = self.ranges[yk];
            let mut ch = b.build_cartesian_2d(x0..x1, y0..y1)?;
            let mut mesh = ch.configure_mesh();
            mesh.disable_mesh()
                .x_labels(4)
                .y_labels(4)
                .label_style(style::tick_font())
                .axis_desc_style(style::tick_font())
                .x_label_formatter(&|v| style::fmt_num(*v))
                .y_label_formatter(&|v| style::fmt_num(*v));
            if q == 0 {
                mesh.y_desc(self.keys[yk].as_str());
            }
            if r == d - 2 {
                mesh.x_desc(self.keys[xk].as_str());
            }
            mesh.draw()?;
            ch.draw_series(
                self.points
                    .iter()
                    .map(|(v, w)| Circle::new((v[xk], v[yk]), 3, c0.mix(0.15 + 0.85 * w).filled())),
            )?;
        }
        Ok(())
    }
}

/// Draws `charts/pairs.png` (or `.svg`) in `dir`: for every pair of keys (lower triangle,
/// keys in the calibration's order), the posterior's particles, shaded by weight, over the
/// range of the prior draws. Square, 260 pixels a panel (at least the options' width).
/// Returns the file, or `None` with fewer than two keys.
///
/// ```
/// use impunity::calibrate::{Prior, Problem, Settings, calibrate, no_progress};
/// use impunity::charts::calibrate::{generations, pairs};
/// let problem = Problem {
///     priors: vec![Prior::Uniform { a: -5.0, b: 5.0 }, Prior::Uniform { a: 0.0, b: 4.0 }],
///     observed: vec![1.0], scale: vec![1.0], weight: vec![1.0],
/// };
/// let settings = Settings { particles: 50, max_generations: 3, ..Settings::default() };
/// // only the sum is observed: the posterior is a ridge x + y = 1
/// let sim = |t: &[f64], _: u64| Ok::<_, String>(vec![t[0] + t[1]]);
/// let c = calibrate(&problem, &settings, 1, &sim, Vec::new(), &mut |_| Ok(()), &no_progress).unwrap();
/// let dir = std::env::temp_dir().join(format!("impunity-pairs-chart-{}", std::process::id()));
/// let keys = ["x".to_string(), "y".to_string()];
/// let file = pairs(&c, &keys, &dir, &Default::default()).unwrap().unwrap();
/// assert!(file.ends_with("charts/pairs.png") && file.is_file());
/// assert!(pairs(&c, &keys[..1], &dir, &Default::default()).unwrap().is_none());
/// let file = generations(&c, &dir, &Default::default()).unwrap().unwrap();
/// assert!(file.ends_with("charts/generations.png") && file.is_file());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn pairs(
    c: &Calibration,
    keys: &[String],
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Option<PathBuf>, ChartError> {
    if keys.len() < 2 {
        return Ok(None);
    }
    let post = c.posterior();
    let wmax = post
        .particles
        .iter()
        .map(|p| p.weight)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let prior = &c.generations[0];
    let ranges = (0..keys.len())
        .map(|k| {
            span(
                prior
                    .particles
                    .iter()
                    .chain(&post.particles)
                    .map(|p| p.params[k]),
            )
        })
        .collect();
    let side = (260 * (keys.len() as u32 - 1) + 60)
        .max(opts.width)
        .min(4000);
    let chart = Pairs {
        title: opts.title(
            "pairs",
            format!("Posterior pairs (generation {})", post.index),
        ),
        keys: keys.to_vec(),
        ranges,
        points: post
            .particles
            .iter()
            .map(|p| (p.params.clone(), p.weight / wmax))
            .collect(),
    };
    let opts = opts.clone().size(side, side);
    render(&chart, &dir.join("charts").join("pairs"), &opts).map(Some)
}
