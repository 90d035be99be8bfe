//! Experimental designs: which scenario variants (points) a sweep runs.
//!
//! A [`Vary`] (`--vary KEY=SPEC` on the command line) names a scenario key and its values: a
//! list `0,0.25,0.5` or a range `START:END:COUNT` of COUNT evenly spaced values including both
//! ends. A full factorial [`Design::Grid`] crosses every value of every key, the first varying
//! slowest. A Latin hypercube ([`Design::Lhs`]) draws N points in the box of the ranges
//! `START:END`, one per stratum of each key, from a generator seeded by the master seed alone
//! (`src/rng.rs`). [`points`] makes the points of a design from a base scenario.
//!
//! ```
//! use impunity::ensemble::design::{Design, Vary, points};
//! let base = impunity::presets::get("central-mali-2018").unwrap();
//! let vary = [Vary::parse("policy.impunity=0,0.5,1").unwrap(),
//!             Vary::parse("policy.amnesty.scope=0:1:3").unwrap()];
//! assert_eq!(vary[1].labels(), ["0", "0.5", "1"]);
//! let p = points(&base, &vary, Design::Grid, 1).unwrap();
//! assert_eq!(p.len(), 9);
//! assert_eq!(p[1].tags, ["0", "0.5"]);
//! assert_eq!(p[1].scenario.policy.amnesty.scope, 0.5);
//! ```

use super::Point;
use crate::output::fmt_value;
use crate::scenario::{Scenario, ScenarioError, Value};
use rand::RngExt;

/// The values one [`Vary`] gives a key.
#[derive(Clone, Debug, PartialEq)]
enum Values {
    /// An explicit list.
    List(Vec<Value>),
    /// `start:end:count`: `count` evenly spaced values from `start` to `end` (for a Latin
    /// hypercube, `start:end` with no count, the count being ignored if given).
    Range {
        start: f64,
        end: f64,
        count: Option<u64>,
    },
}

/// One varied key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    key: String,
    values: Values,
}

/// How the points of a sweep are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the values (a full factorial), the last key varying fastest.
    Grid,
    /// A Latin hypercube of `samples` points over the ranges.
    Lhs {
        /// Number of points.
        samples: u64,
    },
}

/// What is wrong with a design.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    /// A varied key or its values (`spec` is the text given, or the key).
    #[error("vary {spec}: {reason}")]
    Vary {
        /// The `KEY=SPEC` given, or the key.
        spec: String,
        /// What is wrong.
        reason: VaryError,
    },
    /// A Latin hypercube of no points.
    #[error("a Latin hypercube needs at least one sample")]
    NoSamples,
    /// More points than the limit ([`MAX_POINTS`] unless another is given).
    #[error(
        "the design has {} points, more than the limit of {limit}",
        points.map_or("more than 18446744073709551615".to_string(), |n| n.to_string())
    )]
    TooManyPoints {
        /// Points (`None`: past `u64::MAX`).
        points: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// A point's scenario is invalid.
    #[error("point {index} ({setting}): {source}")]
    Point {
        /// The point.
        index: usize,
        /// Its values, `key=value, …`.
        setting: String,
        /// What is wrong with its scenario.
        #[source]
        source: Box<ScenarioError>,
    },
}

/// What is wrong with one varied key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaryError {
    /// No `=`.
    #[error("expected key.path=values")]
    Format,
    /// Nothing after `=`.
    #[error("no values")]
    NoValues,
    /// A range bound that is not a number.
    #[error("`{0}` is not a number")]
    NotANumber(String),
    /// A range count that is not a whole number.
    #[error("count `{0}` is not a whole number")]
    BadCount(String),
    /// A range of no values.
    #[error("a range needs a count of at least 1")]
    NoCount,
    /// A range with more than three parts.
    #[error("a range is START:END:COUNT")]
    BadRange,
    /// The key is not a key of the scenario.
    #[error(transparent)]
    Key(Box<ScenarioError>),
    /// A grid over a range without a count.
    #[error("a grid range needs a count (START:END:COUNT)")]
    GridNeedsCount,
    /// A Latin hypercube over a list.
    #[error("a Latin hypercube needs a range START:END")]
    LhsNeedsRange,
}

/// A point of a design: (key, value) for every varied key, in order.
type Setting = Vec<(String, Value)>;

impl Vary {
    /// Parses `KEY=v1,v2,...` or `KEY=START:END:COUNT` (or `KEY=START:END` for a Latin
    /// hypercube). Values are TOML (numbers, booleans, arrays, …) or else plain strings.
    ///
    /// ```
    /// use impunity::ensemble::design::Vary;
    /// assert_eq!(Vary::parse("a=0:1:5").unwrap().labels(), ["0", "0.25", "0.5", "0.75", "1"]);
    /// assert_eq!(Vary::parse("rules=paper,mesa").unwrap().labels(), ["paper", "mesa"]);
    /// assert_eq!(Vary::parse("a=0:1:0").unwrap_err().to_string(),
    ///            "vary a=0:1:0: a range needs a count of at least 1");
    /// ```
    pub fn parse(spec: &str) -> Result<Vary, DesignError> {
        let err = |reason| DesignError::Vary {
            spec: spec.to_string(),
            reason,
        };
        let (k, v) = spec.split_once('=').ok_or_else(|| err(VaryError::Format))?;
        let key = k.trim().to_string();
        let v = v.trim();
        if v.is_empty() {
            return Err(err(VaryError::NoValues));
        }
        let values = if v.contains(':') && !v.contains(',') {
            let parts: Vec<&str> = v.split(':').map(str::trim).collect();
            let num = |x: &str| {
                x.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| err(VaryError::NotANumber(x.to_string())))
            };
            match parts.as_slice() {
                [a, b] => Values::Range {
                    start: num(a)?,
                    end: num(b)?,
                    count: None,
                },
                [a, b, c] => {
                    let count: u64 = c
                        .parse()
                        .map_err(|_| err(VaryError::BadCount(c.to_string())))?;
                    if count == 0 {
                        return Err(err(VaryError::NoCount));
                    }
                    Values::Range {
                        start: num(a)?,
                        end: num(b)?,
                        count: Some(count),
                    }
                }
                _ => return Err(err(VaryError::BadRange)),
            }
        } else {
            Values::List(v.split(',').map(|x| Value::parse(x.trim())).collect())
        };
        Ok(Vary { key, values })
    }

    /// The varied key, e.g. `policy.impunity`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Checks the key against `s` (an error names the nearest existing key).
    pub fn check(&self, s: &Scenario) -> Result<(), DesignError> {
        s.check_key(&self.key)
            .map_err(|e| self.error(VaryError::Key(Box::new(e))))
    }

    fn error(&self, reason: VaryError) -> DesignError {
        DesignError::Vary {
            spec: self.key.clone(),
            reason,
        }
    }

    /// The values of a grid (whole numbers of a range become integers).
    fn grid_values(&self) -> Result<Vec<Value>, DesignError> {
        match &self.values {
            Values::List(v) => Ok(v.clone()),
            Values::Range { start, end, count } => {
                let n = count.ok_or_else(|| self.error(VaryError::GridNeedsCount))?;
                Ok((0..n)
                    .map(|i| {
                        let x = if n == 1 {
                            *start
                        } else {
                            start + (end - start) * i as f64 / (n - 1) as f64
                        };
                        number(tidy(x))
                    })
                    .collect())
            }
        }
    }

    /// The values of a grid as they appear in output columns (empty for a range without a
    /// count).
    pub fn labels(&self) -> Vec<String> {
        self.grid_values()
            .unwrap_or_default()
            .iter()
            .map(label)
            .collect()
    }
}

/// `x` rounded to 12 significant digits: a range's step leaves float noise
/// (0 + 0.6 · 1/3 = 0.19999999999999998), and a grid value should be the number a person
/// would type (0.2). Twelve digits keep every value a range of sensible width can mean.
fn tidy(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// A number of a range: an integer when whole (so integer keys accept it), else a float.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// A value as written in `points.csv`, `outcomes.csv` and `summary.csv` (and hashed into the
/// plan's fingerprint): a string as itself, a float as every other number of the outputs
/// ([`fmt_value`]), anything else (integers, booleans, lists, dates) as TOML writes it.
fn label(v: &Value) -> String {
    match (v.as_str(), v.as_i64(), v.as_f64()) {
        (Some(s), _, _) => s.to_string(),
        (None, None, Some(float)) => fmt_value(float),
        _ => v.to_string(),
    }
}

/// The points of `design` over `vary`, each `base` with its values set (and validated), tagged
/// with the values' labels. A Latin hypercube is drawn from `seed` alone.
///
/// ```
/// use impunity::ensemble::design::{Design, Vary, points};
/// let base = impunity::presets::get("epstein-run1").unwrap();
/// let v = [Vary::parse("communities.citizens.legitimacy=0:1").unwrap()];
/// let p = points(&base, &v, Design::Lhs { samples: 4 }, 7).unwrap();
/// let mut strata: Vec<i64> = p.iter()
///     .map(|p| (p.scenario.communities["citizens"].legitimacy * 4.0).floor() as i64).collect();
/// strata.sort();
/// assert_eq!(strata, [0, 1, 2, 3]);                                   // one per quarter
/// assert_eq!(p, points(&base, &v, Design::Lhs { samples: 4 }, 7).unwrap()); // same seed
/// ```
pub fn points(
    base: &Scenario,
    vary: &[Vary],
    design: Design,
    seed: u64,
) -> Result<Vec<Point>, DesignError> {
    points_up_to(base, vary, design, seed, MAX_POINTS)
}

/// The most points [`points`] makes: more would take minutes to validate and a plan file of
/// hundreds of megabytes; [`points_up_to`] takes another limit.
pub const MAX_POINTS: u64 = 100_000;

/// The number of points `vary` and `design` make, counted without making them (`None` past
/// `u64::MAX`).
pub fn count(vary: &[Vary], design: Design) -> Option<u64> {
    match design {
        Design::Lhs { samples } => Some(samples),
        Design::Grid => vary.iter().try_fold(1u64, |n, v| {
            let k = match &v.values {
                Values::List(l) => l.len() as u64,
                Values::Range { count, .. } => count.unwrap_or(1),
            };
            n.checked_mul(k)
        }),
    }
}

/// [`points`], refusing more than `limit` points ([`DesignError::TooManyPoints`]) before
/// anything is made.
pub fn points_up_to(
    base: &Scenario,
    vary: &[Vary],
    design: Design,
    seed: u64,
    limit: u64,
) -> Result<Vec<Point>, DesignError> {
    match count(vary, design) {
        Some(n) if n <= limit => {}
        n => return Err(DesignError::TooManyPoints { points: n, limit }),
    }
    let settings = match design {
        Design::Grid => grid(vary)?,
        Design::Lhs { samples } => lhs(vary, samples, seed)?,
    };
    let mut points = Vec::with_capacity(settings.len());
    for (index, set) in settings.iter().enumerate() {
        let scenario = base
            .with_changes(set.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .map_err(|source| DesignError::Point {
                index,
                setting: set
                    .iter()
                    .map(|(k, v)| format!("{k}={}", label(v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                source: Box::new(source),
            })?;
        points.push(Point {
            tags: set.iter().map(|(_, v)| label(v)).collect(),
            scenario,
        });
    }
    Ok(points)
}

/// The full factorial design: every combination, the last key varying fastest.
fn grid(vary: &[Vary]) -> Result<Vec<Setting>, DesignError> {
    let mut points: Vec<Setting> = vec![Vec::new()];
    for v in vary {
        let vals = v.grid_values()?;
        let mut next = Vec::with_capacity(points.len() * vals.len());
        for p in &points {
            for x in &vals {
                let mut q = p.clone();
                q.push((v.key.clone(), x.clone()));
                next.push(q);
            }
        }
        points = next;
    }
    Ok(points)
}

/// A Latin hypercube of `samples` points over the ranges of `vary` (each must be a range),
/// drawn from [`crate::rng::design_rng`]`(seed)`: for each key in order, a random permutation
/// of the `samples` strata, then for each point a uniform position inside its stratum.
fn lhs(vary: &[Vary], samples: u64, seed: u64) -> Result<Vec<Setting>, DesignError> {
    if samples == 0 {
        return Err(DesignError::NoSamples);
    }
    let mut rng = crate::rng::design_rng(seed);
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for v in vary {
        let Values::Range { start, end, .. } = v.values else {
            return Err(v.error(VaryError::LhsNeedsRange));
        };
        let mut perm: Vec<u64> = (0..samples).collect();
        for i in (1..perm.len()).rev() {
            let j = rng.random_range(0..=i);
            perm.swap(i, j);
        }
        cols.push(
            perm.iter()
                .map(|&k| {
                    let u = (k as f64 + rng.random::<f64>()) / samples as f64;
                    start + (end - start) * u
                })
                .collect(),
        );
    }
    Ok((0..samples as usize)
        .map(|i| {
            vary.iter()
                .zip(&cols)
                .map(|(v, c)| (v.key.clone(), Value::from(c[i])))
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(spec: &str) -> String {
        match Vary::parse(spec).unwrap_err() {
            DesignError::Vary { reason, .. } => reason.to_string(),
            e => panic!("{e}"),
        }
    }

    #[test]
    fn bad_specs() {
        assert!(reason("a=0:1:0").contains("at least 1"));
        assert!(reason("a").contains("expected"));
        assert!(reason("a=x:1:2").contains("not a number"));
        assert_eq!(Vary::parse("a=2:9:1").unwrap().labels(), ["2"]);
    }

    #[test]
    fn grid_values_carry_no_float_noise() {
        // issue 12: 0:0.6:4 gave 0.19999999999999998 in points.csv, outcomes.csv and the table
        let v = Vary::parse("policy.impunity=0:0.6:4").unwrap();
        assert_eq!(v.labels(), ["0", "0.2", "0.4", "0.6"]);
        assert_eq!(Vary::parse("a=0:1:11").unwrap().labels()[3], "0.3");
        assert_eq!(Vary::parse("a=-1:0.1:12").unwrap().labels()[1], "-0.9");
        let base = crate::presets::get("epstein-run1").unwrap();
        let p = points(&base, &[v], Design::Grid, 1).unwrap();
        assert_eq!(p[1].tags, ["0.2"]);
        assert_eq!(p[1].scenario.policy.impunity, 0.2);
    }

    #[test]
    fn grids_cross_values_first_key_slowest() {
        let a = Vary::parse("policy.impunity=0,0.5,1").unwrap();
        let b = Vary::parse("ticks=10:30:3").unwrap();
        let g = grid(&[a, b]).unwrap();
        assert_eq!(g.len(), 9);
        assert_eq!(
            g[1],
            vec![
                ("policy.impunity".to_string(), Value::from(0)),
                ("ticks".to_string(), Value::from(20))
            ]
        );
    }

    #[test]
    fn values_are_toml_or_plain_strings() {
        let v = Vary::parse("k=0.5, inf, netlogo, 2, true").unwrap();
        assert_eq!(
            v.values,
            Values::List(vec![
                Value::from(0.5),
                Value::from(f64::INFINITY),
                Value::from("netlogo"),
                Value::from(2),
                Value::from(true),
            ])
        );
        assert_eq!(v.labels(), ["0.5", "inf", "netlogo", "2", "true"]);
    }
}
