//! Experimental designs: which scenario variants (points) an ensemble runs.
//!
//! A `--vary KEY=SPEC` names a scenario key (checked like `--set`, with a suggestion for a
//! misspelt key) and its values: a list `0,0.25,0.5` or a range `START:END:COUNT` of COUNT
//! evenly spaced values including both ends. A full factorial [`grid`] crosses every value of
//! every key, the first `--vary` varying slowest. A Latin hypercube ([`lhs`]) draws N points in
//! the box of the ranges `START:END`, one per stratum of each key, from a generator seeded by
//! the master seed alone ([`crate::rng::design_rng`]).
//!
//! ```
//! use impunity::ensemble::design::{Vary, grid};
//! let a = Vary::parse("policy.impunity=0,0.5,1").unwrap();
//! let b = Vary::parse("ticks=10:30:3").unwrap();
//! assert_eq!(b.labels(), ["10", "20", "30"]);
//! let points = grid(&[a, b]).unwrap();
//! assert_eq!(points.len(), 9);
//! assert_eq!(points[1], vec![("policy.impunity".to_string(), toml::Value::Integer(0)),
//!                            ("ticks".to_string(), toml::Value::Integer(20))]);
//! ```

use crate::output::fmt_value;
use crate::scenario::{Scenario, keys};
use rand::RngExt;

/// The values one `--vary` gives a key.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// An explicit list.
    List(Vec<toml::Value>),
    /// `start:end:count`: `count` evenly spaced values from `start` to `end` (for a Latin
    /// hypercube, `start:end` with no count, the count being ignored if given).
    Range {
        /// First value.
        start: f64,
        /// Last value.
        end: f64,
        /// How many values (None when not given).
        count: Option<u64>,
    },
}

/// One varied key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// The key path, e.g. `policy.impunity`.
    pub key: String,
    /// Its values.
    pub values: Values,
}

/// A point of a design: (key, value) for every varied key, in `--vary` order.
pub type Setting = Vec<(String, toml::Value)>;

impl Vary {
    /// Parses `KEY=v1,v2,...` or `KEY=START:END:COUNT` (or `KEY=START:END` for a Latin
    /// hypercube).
    pub fn parse(spec: &str) -> Result<Vary, String> {
        let (k, v) = spec
            .split_once('=')
            .ok_or_else(|| format!("--vary {spec}: expected key.path=values"))?;
        let key = k.trim().to_string();
        let v = v.trim();
        if v.is_empty() {
            return Err(format!("--vary {spec}: no values"));
        }
        let values = if v.contains(':') && !v.contains(',') {
            let parts: Vec<&str> = v.split(':').map(str::trim).collect();
            let num = |x: &str| {
                x.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| format!("--vary {spec}: `{x}` is not a number"))
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
                        .map_err(|_| format!("--vary {spec}: count `{c}` is not a whole number"))?;
                    if count == 0 {
                        return Err(format!(
                            "--vary {spec}: a range needs a count of at least 1"
                        ));
                    }
                    Values::Range {
                        start: num(a)?,
                        end: num(b)?,
                        count: Some(count),
                    }
                }
                _ => return Err(format!("--vary {spec}: a range is START:END:COUNT")),
            }
        } else {
            Values::List(v.split(',').map(|x| parse_value(x.trim())).collect())
        };
        Ok(Vary { key, values })
    }

    /// Checks the key against `s` (an error names the nearest existing key).
    pub fn check(&self, s: &Scenario) -> Result<(), String> {
        keys::check_path(s, &self.key).map_err(|e| format!("--vary {}: {e}", self.key))
    }

    /// The values of a grid, as TOML (whole numbers of a range become integers).
    pub fn grid_values(&self) -> Result<Vec<toml::Value>, String> {
        match &self.values {
            Values::List(v) => Ok(v.clone()),
            Values::Range { start, end, count } => {
                let n = count.ok_or_else(|| {
                    format!(
                        "--vary {}: a grid range needs a count (START:END:COUNT)",
                        self.key
                    )
                })?;
                Ok((0..n)
                    .map(|i| {
                        let x = if n == 1 {
                            *start
                        } else {
                            start + (end - start) * i as f64 / (n - 1) as f64
                        };
                        number(x)
                    })
                    .collect())
            }
        }
    }

    /// The grid values as they appear in output columns.
    pub fn labels(&self) -> Vec<String> {
        self.grid_values()
            .unwrap_or_default()
            .iter()
            .map(label)
            .collect()
    }
}

/// A number as TOML: an integer when whole (so integer keys accept it), else a float.
pub fn number(x: f64) -> toml::Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// A value as written in `points.csv`, `outcomes.csv` and `summary.csv`.
pub fn label(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => fmt_value(*f),
        other => other.to_string(),
    }
}

/// A command-line value as TOML: a number, boolean, array, inline table or `inf`, else a
/// plain string (so `rules=netlogo` needs no quotes).
pub fn parse_value(v: &str) -> toml::Value {
    match format!("x = {v}").parse::<toml::Table>() {
        Ok(mut t) if t.len() == 1 => t.remove("x").expect("parsed key"),
        _ => toml::Value::String(v.to_string()),
    }
}

/// The full factorial design: every combination, the last key varying fastest.
pub fn grid(vary: &[Vary]) -> Result<Vec<Setting>, String> {
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
///
/// ```
/// use impunity::ensemble::design::{Vary, lhs};
/// let v = [Vary::parse("policy.impunity=0:1").unwrap()];
/// let p = lhs(&v, 4, 7).unwrap();
/// let mut strata: Vec<i64> = p.iter()
///     .map(|s| (s[0].1.as_float().unwrap() * 4.0).floor() as i64).collect();
/// strata.sort();
/// assert_eq!(strata, [0, 1, 2, 3]);            // one point per quarter
/// assert_eq!(p, lhs(&v, 4, 7).unwrap());        // same seed, same design
/// ```
pub fn lhs(vary: &[Vary], samples: u64, seed: u64) -> Result<Vec<Setting>, String> {
    if samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    let mut rng = crate::rng::design_rng(seed);
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for v in vary {
        let Values::Range { start, end, .. } = v.values else {
            return Err(format!(
                "--vary {}: a Latin hypercube needs a range START:END",
                v.key
            ));
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
                .map(|(v, c)| (v.key.clone(), toml::Value::Float(c[i])))
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_specs() {
        assert!(Vary::parse("a=0:1:0").unwrap_err().contains("at least 1"));
        assert!(Vary::parse("a").unwrap_err().contains("expected"));
        assert!(Vary::parse("a=x:1:2").unwrap_err().contains("not a number"));
        assert_eq!(
            Vary::parse("a=0:1:5").unwrap().labels(),
            ["0", "0.25", "0.5", "0.75", "1"]
        );
        assert_eq!(Vary::parse("a=2:9:1").unwrap().labels(), ["2"]);
    }
}
