//! Charts drawn from a run's output files (PNG by default, SVG on request), so they can be
//! redrawn at any time without rerunning: `impunity chart DIR` or [`draw_dir`].
//!
//! What an output directory supports, by the files in it:
//!
//! | file | charts (in `DIR/charts/`) |
//! |---|---|
//! | `timeseries.csv` | a fan chart per key metric group (median, 50 % band, and the 90 % band when the chart has one or two series; `fan-*.png`), and replicate 0's own time series (`replicate-0.png`); for a sweep or comparison, a chart per key group with a panel per metric and one labelled line and 50 % band per point (baseline and variants, or the swept values), and replicate 0 of each point (`replicate-0-p<point>.png`) |
//! | `snapshots/*.pgm` | the lattice at each captured tick (`lattice-r0-t0100.png`): quiescent persons pale, actives mid-dark (one hue per community), fighters one dark hue per armed group, units black or dark, region borders in black |
//! | `events.csv` + a scenario with regions in `manifest.json` | civilians killed per region, on the scenario's map (`map-killings.png`; one map per point of a sweep or comparison, `map-killings-p<point>.png`, titled with the point, all on one colour scale) |
//! | `outcomes.csv` (`impunity sweep`) | per outcome, a heat map of its mean over two varied knobs with the 95 % interval's half-width in each cell, or the mean with its 95 % interval over one (`sweep-<outcome>.png`) |
//! | `compare.csv` (`impunity compare`) | one forest plot of every outcome × variant: each variant's mean paired difference from the baseline, its 95 % interval and n (`forest.png`) |
//!
//! Every chart has a title, axis labels with units (the manifest's `count_unit`: people for the
//! conflict model, whose files are in people, agents for Epstein's), a legend beside the plots
//! (never over the data) where there is more than one series, ticks at round numbers (1, 2 or
//! 5 × 10ᵏ apart) written in one format per axis, dates at month or year starts on the time
//! axis for calendar scenarios, and colours from the Okabe-Ito palette (safe for colour-blind
//! readers) with distinct line styles, so that series stay apart in greyscale. Text is drawn
//! with DejaVu Sans, embedded in the library (`assets/fonts/`), never a system font.
//!
//! What is drawn and how it is labelled is [`ChartOptions`]: [`ChartSet`] (none, the default
//! key charts, all), a list of outcomes, labels of metrics and outcomes, titles by file stem.
//!
//! ```
//! use impunity::charts::{ChartOptions, draw_dir};
//! let dir = std::env::temp_dir().join(format!("impunity-charts-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("timeseries.csv"),
//!     "replicate,tick,quiescent,active,jailed,cops\n0,0,10,0,0,2\n0,1,8,2,0,2\n1,0,10,0,0,2\n1,1,9,0,1,2\n").unwrap();
//! let written = draw_dir(&dir, &ChartOptions::default()).unwrap();
//! assert!(written.iter().any(|p| p.ends_with("charts/fan-active.png")));
//! assert!(written.iter().any(|p| p.ends_with("charts/replicate-0.png")));
//! // nothing at all
//! let none = ChartOptions { charts: impunity::charts::ChartSet::None, ..ChartOptions::default() };
//! assert!(draw_dir(&dir, &none).unwrap().is_empty());
//! // outcomes asked for must exist
//! let typo = ChartOptions { outcomes: Some(vec!["kiled".into()]), ..ChartOptions::default() };
//! assert!(draw_dir(&dir, &typo).unwrap_err().to_string().contains("unknown outcome `kiled`"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod bar;
pub mod calibrate;
mod compare;
mod data;
mod groups;
mod histogram;
mod lattice;
mod map;
mod options;
mod scale;
mod sensitivity;
mod series;
mod spark;
mod style;
mod sweep;

// Public: what a study needs besides `draw_dir` (a histogram of its own values, one sweep
// chart, the terminal summary, the files read back). The single charts `draw_dir` draws and
// the CSV reading behind them are the module's own.
pub use data::{Bands, RunInfo, Timeseries};
pub use histogram::{Reference, histogram};
pub use options::{ChartOptions, ChartSet, Format, check_outcomes, human_label};
pub use sensitivity::sensitivity_charts;
pub use spark::summary;
pub use sweep::sweep_heatmap;

use compare::forest_plot;
use data::{Csv, cumulative, num, point_labels};
use lattice::snapshot_chart;
use map::region_maps;
use series::{fan_charts, fan_charts_points, replicate_chart};

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// What went wrong while drawing.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file did not hold what was expected.
    #[error("{0}")]
    Data(String),
    /// An outcome asked for (`ChartOptions::outcomes`) that the files do not hold.
    #[error("unknown outcome `{name}`; {}", if known.is_empty() {
        "the directory has no outcomes (no outcomes.csv or compare.csv)".to_string()
    } else {
        format!("the outcomes are: {}", known.join(", "))
    })]
    UnknownOutcome {
        /// The name asked for.
        name: String,
        /// The outcomes the files hold.
        known: Vec<String>,
    },
    /// The drawing backend failed.
    #[error("drawing failed: {0}")]
    Draw(String),
}

impl ChartError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> ChartError {
        ChartError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Something that can be drawn on any plotters backend.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Draws `chart` to `stem` + the format's extension (through a temporary file renamed when
/// complete), returning the path.
pub(crate) fn render<D: Draw>(
    chart: &D,
    stem: &Path,
    opts: &ChartOptions,
) -> Result<PathBuf, ChartError> {
    style::register_fonts()?;
    let path = stem.with_extension(opts.format.ext());
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(|e| ChartError::io(d, e))?;
    }
    let size = (opts.width, opts.height);
    match opts.format {
        Format::Png => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = path.with_file_name(format!(".{name}.partial.png"));
            {
                let root = BitMapBackend::new(&tmp, size).into_drawing_area();
                root.fill(&WHITE)?;
                let r = chart.draw(&root).and_then(|_| Ok(root.present()?));
                if let Err(e) = r {
                    drop(root);
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            }
            std::fs::rename(&tmp, &path).map_err(|e| ChartError::io(&path, e))?;
        }
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                root.fill(&WHITE)?;
                chart.draw(&root)?;
                root.present()?;
            }
            crate::output::write_atomic(&path, |w| std::io::Write::write_all(w, text.as_bytes()))
                .map_err(|e| ChartError::io(&path, e))?;
        }
    }
    Ok(path)
}

/// Draws every chart the files in `dir` support into `dir/charts/` and returns their paths
/// (in a fixed order: time series, lattice snapshots, map, sweep, comparison). A directory
/// with none of the files gives an empty list, not an error; so does [`ChartSet::None`],
/// which writes nothing. An outcome in [`ChartOptions::outcomes`] that neither
/// `compare.csv` nor `outcomes.csv` holds is an error ([`ChartError::UnknownOutcome`]) before
/// anything is drawn.
pub fn draw_dir(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>, ChartError> {
    if opts.charts == ChartSet::None {
        return Ok(Vec::new());
    }
    if crate::calibrate::is_calibration_dir(dir) {
        // a calibration's charts, redrawn from its stored generations and predictive check
        let f =
            crate::calibrate::read_finished(dir).map_err(|e| ChartError::Data(e.to_string()))?;
        return calibrate::draw_all(&f.calibration, &f.keys, &f.predictive, dir, opts);
    }
    let oc = dir.join("outcomes.csv");
    let cmp = dir.join("compare.csv");
    if let Some(chosen) = &opts.outcomes {
        // a name nothing holds is refused before anything is drawn
        options::check_outcomes(chosen, &known_outcomes(&oc, &cmp)?)?;
    }
    let out = dir.join("charts");
    let info = RunInfo::read(dir)?;
    let mut written = Vec::new();
    // a sweep's or comparison's files hold several points: each is drawn as its own
    // (labelled) series or chart, never added to or overwritten by another
    let ts_path = dir.join("timeseries.csv");
    let mut points: Vec<u64> = Vec::new();
    if ts_path.exists() {
        let per_point = Timeseries::read_points(&ts_path)?;
        points = per_point.iter().map(|(p, _)| *p).collect();
        if has_points(&ts_path)? {
            let labels = point_labels(dir, &points)?;
            let labelled: Vec<(String, Timeseries)> = labels
                .iter()
                .cloned()
                .zip(per_point.into_iter().map(|(_, t)| t))
                .collect();
            written.extend(fan_charts_points(&labelled, &info, &out, opts)?);
            for (k, (label, ts)) in labelled.iter().enumerate() {
                written.extend(replicate_chart(
                    ts,
                    &info,
                    0,
                    Some((points[k], label)),
                    &out,
                    opts,
                )?);
            }
        } else if let Some((_, ts)) = per_point.into_iter().next() {
            written.extend(fan_charts(&ts, &info, &out, opts)?);
            written.extend(replicate_chart(&ts, &info, 0, None, &out, opts)?);
            points.clear();
        }
    }
    let scenario = info.scenario();
    for shot in crate::snapshot::read_dir(dir).map_err(|e| ChartError::io(dir, e))? {
        written.push(snapshot_chart(&shot, scenario.as_ref(), &out, opts)?);
    }
    let ev = dir.join("events.csv");
    if ev.exists() {
        if let Some(s) = scenario.as_ref().filter(|s| s.world.regions.is_some()) {
            let events = Csv::read(&ev)?;
            if events.col("point").is_some() {
                if points.is_empty() {
                    points = distinct_points(&events)?;
                }
                let labels = point_labels(dir, &points)?;
                let labelled: Vec<(u64, String)> = points.iter().copied().zip(labels).collect();
                written.extend(region_maps(&events, s, &info, Some(&labelled), &out, opts)?);
            } else {
                written.extend(region_maps(&events, s, &info, None, &out, opts)?);
            }
        }
    }
    // a sweep's outcomes start with `point`; a plain run's with `replicate`, and a
    // comparison's are drawn as a forest plot instead
    let swept = std::fs::read_to_string(&oc)
        .map(|t| t.starts_with("point,"))
        .unwrap_or(false);
    if swept && !cmp.exists() {
        written.extend(sweep_heatmap(&oc, None, &out, opts)?);
    }
    if cmp.exists() {
        written.extend(forest_plot(&cmp, &out, opts)?);
    }
    Ok(written)
}

/// The outcomes of a directory: the rows of `compare.csv` if there is one, else the columns
/// of `outcomes.csv` after `replicate` (none without either file).
fn known_outcomes(oc: &Path, cmp: &Path) -> Result<Vec<String>, ChartError> {
    if cmp.exists() {
        return compare::outcome_names(&Csv::read(cmp)?);
    }
    if !oc.exists() {
        return Ok(Vec::new());
    }
    let c = Csv::read(oc)?;
    Ok(match c.col("replicate") {
        Some(r) => c.header[r + 1..].to_vec(),
        None => Vec::new(),
    })
}

/// Whether a CSV file's header starts with `point` (a sweep's or comparison's file).
fn has_points(path: &Path) -> Result<bool, ChartError> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|e| ChartError::io(path, e))?;
    let mut first = String::new();
    std::io::BufReader::new(f)
        .read_line(&mut first)
        .map_err(|e| ChartError::io(path, e))?;
    Ok(first.starts_with("point,"))
}

/// The points of a file with a `point` column, in order of first appearance.
fn distinct_points(csv: &Csv) -> Result<Vec<u64>, ChartError> {
    let Some(pc) = csv.col("point") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<u64> = Vec::new();
    for r in &csv.rows {
        let p: u64 = r[pc]
            .parse()
            .map_err(|_| ChartError::Data(format!("bad point `{}`", r[pc])))?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}
