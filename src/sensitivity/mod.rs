//! Global sensitivity analysis: which scenario keys move an outcome, and how much.
//!
//! Two methods (the repository's `docs/sensitivity.md` says more):
//!
//! * **Morris** elementary effects ([`morris`]): `r` one-at-a-time trajectories on a p-level
//!   grid, each parameter's effects summarised by mu* (mean absolute effect), mu and sigma,
//!   with bootstrap intervals. Cheap (r (k + 1) points) and meant for screening many keys.
//! * **Sobol** first-order and total indices ([`sobol`]): Saltelli's sampling on an
//!   Owen-scrambled Sobol sequence (n (k + 2) points, n a power of two) and Jansen's
//!   estimators, with bootstrap intervals. For the few keys that matter.
//!
//! The estimators are plain functions of a design on the unit cube and a vector of outputs
//! (testable on functions with known indices). A [`Design`] ties a method to scenario keys
//! and their ranges: it makes an ensemble's [`Point`]s, is recorded as the ensemble's design
//! string (`sensitivity …`, [`Design::text`], read back by [`Design::parse`]), and
//! [`analyse_dir`] turns a finished run directory (its `manifest.json` and `outcomes.csv`)
//! into the rows of `sensitivity.csv` ([`write_csv`]).
//!
//! With R replicates per point the outcome of a point is the mean of its replicates, and
//! [`noise_share`] reports how much of the variance of those means is replicate noise.

pub mod morris;
pub mod sobol;

use crate::ensemble::Point;
use crate::output::fmt_value;
use crate::scenario::{Scenario, ScenarioError, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bootstrap resamples behind every interval of [`analyse_dir`].
pub const RESAMPLES: usize = 1000;

/// Stream of [`crate::rng::design_rng`] the bootstrap resamples are drawn from.
const BOOTSTRAP_STREAM: u64 = 0x5e45_0003;

/// The header of `sensitivity.csv`.
pub const HEADER: &str = "outcome,parameter,method,index,value,low,high";

/// An estimate and its 95 % percentile bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimate from all the data.
    pub value: f64,
    /// 2.5th percentile of the bootstrap estimates.
    pub low: f64,
    /// 97.5th percentile of the bootstrap estimates.
    pub high: f64,
}

/// What is wrong with a sensitivity design, its outputs or its directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// No parameters to vary.
    #[error("no parameters: give at least one --vary KEY=LO:HI")]
    NoParameters,
    /// More parameters than the sequence has dimensions for.
    #[error("{k} parameters: a Sobol design takes at most {max}")]
    TooManyParameters {
        /// Parameters given.
        k: usize,
        /// The most.
        max: usize,
    },
    /// A Sobol sample count that is not a power of two in range.
    #[error(
        "--samples {n}: a Sobol design needs a power of two from 2 to 65536 (e.g. 64, 128, 256)"
    )]
    Samples {
        /// The count given.
        n: u64,
    },
    /// Too few Morris trajectories.
    #[error("--samples {r}: Morris needs at least 2 trajectories")]
    Trajectories {
        /// The count given.
        r: u64,
    },
    /// Bad Morris levels.
    #[error("--levels {p}: Morris needs an even number of levels, at least 2 (e.g. 4)")]
    Levels {
        /// The levels given.
        p: u64,
    },
    /// A parameter range that is not `KEY=LO:HI` with LO < HI.
    #[error("--vary {spec}: {reason}")]
    Range {
        /// The text given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A key varied twice.
    #[error("--vary {0} given twice")]
    Twice(String),
    /// The outputs do not match the design.
    #[error("expected {expected} outputs, got {got}")]
    Outputs {
        /// What was expected.
        expected: String,
        /// How many there are.
        got: usize,
    },
    /// A Morris design whose consecutive points do not differ in exactly one parameter.
    #[error("point {point} is not one step of a Morris trajectory")]
    NotATrajectory {
        /// The point.
        point: usize,
    },
    /// A method other than morris or sobol.
    #[error("method {0}: expected `morris` or `sobol`")]
    Method(String),
    /// A design string that is not a sensitivity design's.
    #[error("design `{0}` is not a sensitivity design")]
    Design(String),
    /// An outcome that the run does not have.
    #[error("outcome `{name}` is not an outcome of this scenario (it has: {known})")]
    UnknownOutcome {
        /// The name given.
        name: String,
        /// The outcomes there are, comma-separated.
        known: String,
    },
    /// A point's scenario is invalid.
    #[error("point {index} ({setting}): {source}")]
    Point {
        /// The point.
        index: usize,
        /// Its values.
        setting: String,
        /// What is wrong with its scenario.
        #[source]
        source: Box<ScenarioError>,
    },
    /// A file of the run directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// A file of the run directory is not as expected.
    #[error("{}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The generator of the bootstrap resamples: [`crate::rng::design_rng`]`(seed)` on its own
/// stream.
pub(crate) fn bootstrap_rng(seed: u64) -> crate::rng::ChaCha8Rng {
    let mut rng = crate::rng::design_rng(seed);
    rng.set_stream(BOOTSTRAP_STREAM);
    rng
}

/// The 2.5th and 97.5th percentiles of `b` (sorted in place; linear interpolation between
/// order statistics; NaN if `b` is empty or holds a NaN).
pub(crate) fn percentile_interval(b: &mut [f64]) -> (f64, f64) {
    if b.is_empty() || b.iter().any(|v| v.is_nan()) {
        return (f64::NAN, f64::NAN);
    }
    b.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = p * (b.len() - 1) as f64;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        b[lo] + (b[hi] - b[lo]) * (h - lo as f64)
    };
    (q(0.025), q(0.975))
}

/// The share of the variance of point means that is replicate noise, for points with R ≥ 2
/// replicates each (`replicates[p]` holds point p's outputs):
///
/// (mean over points of s²_p) / R  ÷  var over points of the point means,
///
/// where s²_p is the sample variance (divisor R − 1) of point p's replicates. The numerator
/// estimates the variance the averaging leaves in a point mean; the denominator is the
/// variance the indices decompose. Near 0: the indices describe the parameters; near 1 or
/// above: they mostly describe noise (use more replicates). `None` with fewer than 2
/// replicates or 2 points, or when the point means do not vary.
///
/// ```
/// use impunity::sensitivity::noise_share;
/// // Means 1 and 3 (variance 2); within-point variance 0.5, so 0.5 / 2 / 2 = 0.125.
/// assert_eq!(noise_share(&[vec![0.5, 1.5], vec![2.5, 3.5]]), Some(0.125));
/// assert_eq!(noise_share(&[vec![1.0], vec![2.0]]), None);
/// ```
pub fn noise_share(replicates: &[Vec<f64>]) -> Option<f64> {
    let r = replicates.first()?.len();
    if r < 2 || replicates.len() < 2 || replicates.iter().any(|v| v.len() != r) {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let var = |v: &[f64]| {
        let m = mean(v);
        v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64
    };
    let means: Vec<f64> = replicates.iter().map(|v| mean(v)).collect();
    let within: Vec<f64> = replicates.iter().map(|v| var(v)).collect();
    let between = var(&means);
    (between > 0.0).then(|| mean(&within) / r as f64 / between)
}

/// The method of a sensitivity design and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Morris elementary effects: `trajectories` trajectories on a grid of `levels` levels.
    Morris {
        /// Trajectories r.
        trajectories: u64,
        /// Grid levels p (even).
        levels: u64,
    },
    /// Sobol indices from Saltelli's design of `samples` base samples (a power of two).
    Sobol {
        /// Base samples n.
        samples: u64,
    },
}

impl Method {
    /// `morris` or `sobol`.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Morris { .. } => "morris",
            Method::Sobol { .. } => "sobol",
        }
    }
}

/// A varied scenario key and its range.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// The scenario key, e.g. `policy.impunity`.
    pub key: String,
    /// Low end of the range.
    pub lo: f64,
    /// High end of the range.
    pub hi: f64,
}

impl Factor {
    /// Parses `KEY=LO:HI` (LO < HI, both finite).
    ///
    /// ```
    /// use impunity::sensitivity::Factor;
    /// assert_eq!(Factor::parse("policy.impunity=0.2:1").unwrap().hi, 1.0);
    /// assert!(Factor::parse("policy.impunity=1:0").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Factor, SensitivityError> {
        let err = |reason: &str| SensitivityError::Range {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let (k, v) = spec
            .split_once('=')
            .ok_or_else(|| err("expected KEY=LO:HI"))?;
        let (lo, hi) = v
            .split_once(':')
            .ok_or_else(|| err("expected a range LO:HI"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| err(&format!("`{}` is not a number", x.trim())))
        };
        let (lo, hi) = (num(lo)?, num(hi)?);
        if lo >= hi {
            return Err(err("the low end must be below the high end"));
        }
        let key = k.trim();
        if key.is_empty() {
            return Err(err("no key"));
        }
        Ok(Factor {
            key: key.to_string(),
            lo,
            hi,
        })
    }

    /// The key's value at `u` in [0, 1] of its range.
    pub fn at(&self, u: f64) -> f64 {
        if u >= 1.0 {
            self.hi
        } else {
            self.lo + (self.hi - self.lo) * u
        }
    }
}

/// A sensitivity design: a method, the varied keys with their ranges, and the outcomes to
/// analyse (empty: every outcome).
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The method and its size.
    pub method: Method,
    /// The varied keys, in order.
    pub factors: Vec<Factor>,
    /// The outcomes analysed (names of `outcomes.csv` columns); empty for all.
    pub outcomes: Vec<String>,
}

impl Design {
    /// A design, checked: at least one factor, no key twice, the method's size valid.
    pub fn new(
        method: Method,
        factors: Vec<Factor>,
        outcomes: Vec<String>,
    ) -> Result<Design, SensitivityError> {
        if factors.is_empty() {
            return Err(SensitivityError::NoParameters);
        }
        let mut keys: Vec<&str> = factors.iter().map(|f| f.key.as_str()).collect();
        keys.sort_unstable();
        if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
            return Err(SensitivityError::Twice(w[0].to_string()));
        }
        match method {
            Method::Morris {
                trajectories,
                levels,
            } => morris::check(trajectories, levels)?,
            Method::Sobol { samples } => {
                sobol::check_samples(samples)?;
                if 2 * factors.len() > sobol::MAX_DIMENSIONS {
                    return Err(SensitivityError::TooManyParameters {
                        k: factors.len(),
                        max: sobol::MAX_DIMENSIONS / 2,
                    });
                }
            }
        }
        Ok(Design {
            method,
            factors,
            outcomes,
        })
    }

    /// The number of points the design runs: r (k + 1) for Morris, n (k + 2) for Sobol.
    pub fn points_count(&self) -> u64 {
        let k = self.factors.len() as u64;
        match self.method {
            Method::Morris { trajectories, .. } => trajectories * (k + 1),
            Method::Sobol { samples } => samples * (k + 2),
        }
    }

    /// The design string recorded in the plan and manifest, e.g.
    /// `sensitivity morris trajectories=10 levels=4 outcomes=peak_active --vary a=0:1`
    /// (`outcomes=` only when outcomes were chosen). [`Design::parse`] reads it back.
    ///
    /// ```
    /// use impunity::sensitivity::{Design, Factor, Method};
    /// let d = Design::new(Method::Sobol { samples: 64 },
    ///     vec![Factor::parse("policy.impunity=0:1").unwrap()], vec!["a".into()]).unwrap();
    /// assert_eq!(d.text(), "sensitivity sobol samples=64 outcomes=a --vary policy.impunity=0:1");
    /// assert_eq!(Design::parse(&d.text()).unwrap(), d);
    /// ```
    pub fn text(&self) -> String {
        let mut t = format!("sensitivity {}", self.method.name());
        match self.method {
            Method::Morris {
                trajectories,
                levels,
            } => t.push_str(&format!(" trajectories={trajectories} levels={levels}")),
            Method::Sobol { samples } => t.push_str(&format!(" samples={samples}")),
        }
        if !self.outcomes.is_empty() {
            t.push_str(&format!(" outcomes={}", self.outcomes.join(",")));
        }
        for f in &self.factors {
            t.push_str(&format!(" --vary {}={}:{}", f.key, f.lo, f.hi));
        }
        t
    }

    /// Reads a design string written by [`Design::text`].
    pub fn parse(text: &str) -> Result<Design, SensitivityError> {
        let bad = || SensitivityError::Design(text.to_string());
        let mut words = text.split_whitespace();
        if words.next() != Some("sensitivity") {
            return Err(bad());
        }
        let method = words.next().ok_or_else(bad)?;
        let (mut r, mut p, mut n, mut outcomes, mut factors) = (None, None, None, vec![], vec![]);
        while let Some(w) = words.next() {
            if w == "--vary" {
                factors.push(Factor::parse(words.next().ok_or_else(bad)?)?);
                continue;
            }
            let (k, v) = w.split_once('=').ok_or_else(bad)?;
            let num = || v.parse::<u64>().map_err(|_| bad());
            match k {
                "trajectories" => r = Some(num()?),
                "levels" => p = Some(num()?),
                "samples" => n = Some(num()?),
                "outcomes" => outcomes = v.split(',').map(str::to_string).collect(),
                _ => return Err(bad()),
            }
        }
        let method = match method {
            "morris" => Method::Morris {
                trajectories: r.ok_or_else(bad)?,
                levels: p.ok_or_else(bad)?,
            },
            "sobol" => Method::Sobol {
                samples: n.ok_or_else(bad)?,
            },
            m => return Err(SensitivityError::Method(m.to_string())),
        };
        Design::new(method, factors, outcomes)
    }

    /// The design's points on the unit cube (one coordinate per factor), drawn from `seed`
    /// alone: [`morris::trajectories`] or [`sobol::saltelli`].
    pub fn unit_points(&self, seed: u64) -> Result<Vec<Vec<f64>>, SensitivityError> {
        let k = self.factors.len();
        match self.method {
            Method::Morris {
                trajectories,
                levels,
            } => morris::trajectories(trajectories, k, levels, seed),
            Method::Sobol { samples } => sobol::saltelli(samples, k, seed),
        }
    }

    /// The ensemble points: `base` with each factor's key set to its value at the unit point
    /// (validated), tagged with the values as the outputs write numbers.
    pub fn points(&self, base: &Scenario, seed: u64) -> Result<Vec<Point>, SensitivityError> {
        let unit = self.unit_points(seed)?;
        let mut points = Vec::with_capacity(unit.len());
        for (index, u) in unit.iter().enumerate() {
            let values: Vec<f64> = self.factors.iter().zip(u).map(|(f, &u)| f.at(u)).collect();
            let scenario = base
                .with_changes(
                    self.factors
                        .iter()
                        .zip(&values)
                        .map(|(f, &v)| (f.key.as_str(), Value::from(v))),
                )
                .map_err(|source| SensitivityError::Point {
                    index,
                    setting: self
                        .factors
                        .iter()
                        .zip(&values)
                        .map(|(f, &v)| format!("{}={}", f.key, fmt_value(v)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    source: Box::new(source),
                })?;
            points.push(Point {
                tags: values.iter().map(|&v| fmt_value(v)).collect(),
                scenario,
            });
        }
        Ok(points)
    }

    /// The indices of every outcome in `outcomes` (one output per replicate:
    /// `outputs[o][point][replicate]`, points in design order), each outcome's point means
    /// analysed by the design's method, bootstrap resamples drawn from `seed`, then a
    /// `noise_share` row per outcome when there are 2 or more replicates.
    pub fn analyse(
        &self,
        outcomes: &[String],
        outputs: &[Vec<Vec<f64>>],
        seed: u64,
    ) -> Result<Vec<Row>, SensitivityError> {
        let k = self.factors.len();
        let unit = self.unit_points(seed)?;
        let mut rows = Vec::new();
        for (name, per_point) in outcomes.iter().zip(outputs) {
            if per_point.len() != unit.len() {
                return Err(SensitivityError::Outputs {
                    expected: format!("{} points of {name}", unit.len()),
                    got: per_point.len(),
                });
            }
            let y: Vec<f64> = per_point
                .iter()
                .map(|v| v.iter().sum::<f64>() / v.len() as f64)
                .collect();
            let mut push = |param: &str, index: &str, e: Estimate| {
                rows.push(Row {
                    outcome: name.clone(),
                    parameter: param.to_string(),
                    method: self.method.name().to_string(),
                    index: index.to_string(),
                    value: e.value,
                    low: Some(e.low),
                    high: Some(e.high),
                })
            };
            match self.method {
                Method::Morris { .. } => {
                    let m = morris::indices(&unit, &y, k, RESAMPLES, seed)?;
                    for (i, f) in self.factors.iter().enumerate() {
                        push(&f.key, "mu_star", m.mu_star[i]);
                        push(&f.key, "mu", m.mu[i]);
                        push(&f.key, "sigma", m.sigma[i]);
                    }
                }
                Method::Sobol { .. } => {
                    let s = sobol::jansen(k, &y, RESAMPLES, seed)?;
                    for (i, f) in self.factors.iter().enumerate() {
                        push(&f.key, "S1", s.first[i]);
                        push(&f.key, "ST", s.total[i]);
                    }
                }
            }
            if let Some(share) = noise_share(per_point) {
                rows.push(Row {
                    outcome: name.clone(),
                    parameter: String::new(),
                    method: self.method.name().to_string(),
                    index: "noise_share".into(),
                    value: share,
                    low: None,
                    high: None,
                });
            }
        }
        Ok(rows)
    }
}

/// One row of `sensitivity.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The outcome (an `outcomes.csv` column).
    pub outcome: String,
    /// The scenario key (empty for `noise_share`).
    pub parameter: String,
    /// `morris` or `sobol`.
    pub method: String,
    /// `mu_star`, `mu`, `sigma`, `S1`, `ST` or `noise_share`.
    pub index: String,
    /// The estimate.
    pub value: f64,
    /// Low end of its 95 % bootstrap interval (none for `noise_share`).
    pub low: Option<f64>,
    /// High end (none for `noise_share`).
    pub high: Option<f64>,
}

/// Reads a finished sensitivity run's directory — its `manifest.json` (design string, seed)
/// and `outcomes.csv` (one row per point and replicate) — and analyses it
/// ([`Design::analyse`]). The same directory always gives the same rows, whether it was
/// filled by one process or merged from shards.
pub fn analyse_dir(dir: &Path) -> Result<(Design, Vec<Row>), SensitivityError> {
    let mpath = dir.join("manifest.json");
    let text = std::fs::read_to_string(&mpath).map_err(|source| SensitivityError::Io {
        path: mpath.clone(),
        source,
    })?;
    let file_err = |path: &Path, reason: String| SensitivityError::File {
        path: path.to_path_buf(),
        reason,
    };
    let m: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| file_err(&mpath, e.to_string()))?;
    let design_text = m["design"]
        .as_str()
        .ok_or_else(|| file_err(&mpath, "no design".into()))?;
    let seed = m["seed"]
        .as_u64()
        .ok_or_else(|| file_err(&mpath, "no seed".into()))?;
    let replicates = m["replicates"]
        .as_u64()
        .ok_or_else(|| file_err(&mpath, "no replicates".into()))? as usize;
    let design = Design::parse(design_text)?;
    let opath = dir.join("outcomes.csv");
    let text = std::fs::read_to_string(&opath).map_err(|source| SensitivityError::Io {
        path: opath.clone(),
        source,
    })?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| file_err(&opath, "empty".into()))?
        .split(',')
        .collect();
    let rep_col = header
        .iter()
        .position(|h| *h == "replicate")
        .ok_or_else(|| file_err(&opath, "no replicate column".into()))?;
    let names: Vec<String> = header[rep_col + 1..]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let chosen: Vec<usize> = if design.outcomes.is_empty() {
        (0..names.len()).collect()
    } else {
        design
            .outcomes
            .iter()
            .map(|o| {
                names
                    .iter()
                    .position(|n| n == o)
                    .ok_or_else(|| SensitivityError::UnknownOutcome {
                        name: o.clone(),
                        known: names.join(", "),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let n_points = design.points_count() as usize;
    let mut outputs = vec![vec![Vec::with_capacity(replicates); n_points]; chosen.len()];
    for (ln, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let at = |reason: String| file_err(&opath, format!("line {}: {reason}", ln + 2));
        if cells.len() != header.len() {
            return Err(at(format!(
                "{} fields, expected {}",
                cells.len(),
                header.len()
            )));
        }
        let point: usize = cells[0]
            .parse()
            .ok()
            .filter(|&p| p < n_points)
            .ok_or_else(|| at(format!("point `{}` is not a point of the design", cells[0])))?;
        for (o, &c) in chosen.iter().enumerate() {
            let v = cells[rep_col + 1 + c];
            let x = v.parse::<f64>().unwrap_or(f64::NAN);
            outputs[o][point].push(x);
        }
    }
    if let Some(p) = outputs
        .first()
        .and_then(|o| o.iter().position(|v| v.len() != replicates))
    {
        return Err(file_err(
            &opath,
            format!(
                "point {p} has {} replicates, expected {replicates}",
                outputs[0][p].len()
            ),
        ));
    }
    let chosen_names: Vec<String> = chosen.iter().map(|&c| names[c].clone()).collect();
    let rows = design.analyse(&chosen_names, &outputs, seed)?;
    Ok((design, rows))
}

/// Writes `rows` as `path` (atomically), with the header [`HEADER`]; numbers as every output
/// writes them, `low` and `high` empty where there is no interval.
pub fn write_csv(path: &Path, rows: &[Row]) -> Result<(), SensitivityError> {
    let opt = |v: Option<f64>| v.map(fmt_value).unwrap_or_default();
    crate::output::write_atomic(path, |w| {
        writeln!(w, "{HEADER}")?;
        for r in rows {
            writeln!(
                w,
                "{},{},{},{},{},{},{}",
                r.outcome,
                r.parameter,
                r.method,
                r.index,
                fmt_value(r.value),
                opt(r.low),
                opt(r.high)
            )?;
        }
        Ok(())
    })
    .map_err(|source| SensitivityError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// [`analyse_dir`], then [`write_csv`] to `DIR/sensitivity.csv`; returns the path, the
/// design and the rows.
pub fn write_dir(dir: &Path) -> Result<(PathBuf, Design, Vec<Row>), SensitivityError> {
    let (design, rows) = analyse_dir(dir)?;
    let path = dir.join("sensitivity.csv");
    write_csv(&path, &rows)?;
    Ok((path, design, rows))
}

/// Whether a design string is a sensitivity design's.
pub fn is_sensitivity(design: &str) -> bool {
    design.starts_with("sensitivity ")
}

#[cfg(test)]
mod tests;
