//! The long, tidy form of a run's tables: one value per row, with what it is beside it, for
//! pandas, R and Arrow to read without reshaping.
//!
//! [`write_tidy`] reads an output directory's `timeseries.csv`, `outcomes.csv` and
//! `summary.csv` (and `points.csv`, `manifest.json`) and writes into `DIR/tidy/`:
//!
//! | file | columns |
//! |---|---|
//! | `timeseries.csv` | `[point,<keys>,]replicate,tick[,date],metric,entity,value,unit` |
//! | `outcomes.csv` | `[point,<keys>,]replicate,outcome,entity,value,unit` |
//! | `summary.csv` | `[point,<keys>,]tick[,date],metric,entity,unit,n,mean,sd,p5,p25,p50,p75,p95` |
//!
//! A wide column is split into what is measured and whom it is about: timeseries.csv's
//! `new_killed_civilians_state` is `metric` `new_killed_civilians` of `entity` `state`,
//! outcomes.csv's `legitimacy_peul_end` is `outcome` `legitimacy_end` of `peul`; a figure about
//! the whole scenario has an empty `entity`. `unit` is `people` or `agents` (counts of persons:
//! the conflict model counts people, Epstein's models agents), `cases`, `battles`, `index`,
//! `ticks` or `outbursts` ([`crate::metrics::Column`], [`crate::ensemble::outcomes::describe`]).
//!
//! For a sweep or comparison every row starts with its point and the point's keys (the varied
//! scenario keys, or `variant`), taken from `points.csv`, in columns whose names need no quoting
//! in a model formula: every character but ASCII letters, digits and `_` becomes `_`
//! (`groups.koglweogo.arms` → `groups_koglweogo_arms`; two keys that would collide are
//! refused). Values are copied as written in the wide files, byte for byte, so the two forms
//! agree exactly.
//!
//! ```
//! use impunity::ensemble::{Ensemble, Plan, no_progress};
//! let dir = std::env::temp_dir().join(format!("impunity-tidy-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let s = impunity::presets::get("epstein-run1").unwrap();
//! let plan = Plan::single(s, 1, 2, 3).unwrap();
//! let results = Ensemble::new(plan).run(&no_progress).unwrap();
//! results.write(&dir, vec!["doc".into()]).unwrap();
//! impunity::output::write_tidy(&dir).unwrap();
//! let ts = std::fs::read_to_string(dir.join("tidy/timeseries.csv")).unwrap();
//! let mut lines = ts.lines();
//! assert_eq!(lines.next(), Some("replicate,tick,metric,entity,value,unit"));
//! assert_eq!(lines.next(), Some("0,0,quiescent,,1120,agents")); // tick 0: nobody active yet
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use super::write_atomic;
use crate::ensemble::outcomes;
use crate::metrics::MetricSet;
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Why the long form could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TidyError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The directory holds no run impunity wrote, or a file of it is not as impunity writes it.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> TidyError + '_ {
    move |source| TidyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn format_err(path: &Path, message: impl Into<String>) -> TidyError {
    TidyError::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A key's column name in the long form: every character but ASCII letters, digits and `_`
/// replaced by `_`, so that R's and statsmodels' formulas need no quoting.
///
/// ```
/// assert_eq!(impunity::output::tidy_name("groups.koglweogo.arms"), "groups_koglweogo_arms");
/// assert_eq!(impunity::output::tidy_name("variant"), "variant");
/// ```
pub fn tidy_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Splits one CSV line into its fields as written (quotes kept), so they can be copied
/// byte for byte.
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

/// Writes `DIR/tidy/{timeseries,outcomes,summary}.csv`, the long form of the run in `dir`
/// (the columns are in `docs/ensembles.md`, "The long form"), and returns the files written. Files the run does not have
/// are skipped. Each file is written atomically.
pub fn write_tidy(dir: &Path) -> Result<Vec<PathBuf>, TidyError> {
    let manifest_path = dir.join("manifest.json");
    let text = fs::read_to_string(&manifest_path).map_err(io_err(&manifest_path))?;
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format_err(&manifest_path, format!("not a manifest: {e}")))?;
    let toml = manifest["scenario_toml"]
        .as_str()
        .ok_or_else(|| format_err(&manifest_path, "no `scenario_toml`"))?;
    let s = Scenario::from_toml_str(toml, "manifest.json")
        .map_err(|e| format_err(&manifest_path, format!("its scenario: {e}")))?;
    let metrics = MetricSet::for_scenario(&s)
        .map_err(|e| format_err(&manifest_path, format!("its metrics: {e}")))?;
    let columns: BTreeMap<&str, (String, String, String)> = metrics
        .names()
        .iter()
        .zip(metrics.columns())
        .map(|(n, c)| {
            (
                n.as_str(),
                (
                    c.measure.to_string(),
                    c.entity.clone().unwrap_or_default(),
                    c.unit.to_string(),
                ),
            )
        })
        .collect();
    let described = outcomes::describe(&s)
        .map_err(|e| format_err(&manifest_path, format!("its outcomes: {e}")))?;
    let outcome_parts: BTreeMap<&str, (String, String, String)> = described
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                (
                    o.measure.clone(),
                    o.entity.clone().unwrap_or_default(),
                    o.unit.to_string(),
                ),
            )
        })
        .collect();
    let points = Points::read(dir)?;
    let tidy = dir.join("tidy");
    fs::create_dir_all(&tidy).map_err(io_err(&tidy))?;
    let mut written = Vec::new();
    for (name, parts, kind) in [
        ("timeseries.csv", &columns, Kind::Timeseries),
        ("outcomes.csv", &outcome_parts, Kind::Outcomes),
        ("summary.csv", &columns, Kind::Summary),
    ] {
        let src = dir.join(name);
        if !src.exists() {
            continue;
        }
        let dst = tidy.join(name);
        convert(&src, &dst, parts, &points, kind)?;
        written.push(dst);
    }
    Ok(written)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Timeseries,
    Outcomes,
    Summary,
}

/// `points.csv`: the tidy names of its keys and each point's values as written.
struct Points {
    header: String,
    rows: BTreeMap<String, String>,
}

impl Points {
    fn read(dir: &Path) -> Result<Option<Points>, TidyError> {
        let path = dir.join("points.csv");
        if !path.exists() {
            return Ok(None);
        }
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        let mut lines = text.lines();
        let head = lines.next().ok_or_else(|| format_err(&path, "empty"))?;
        let names = fields(head);
        if names.first() != Some(&"point") {
            return Err(format_err(&path, "does not start with `point`"));
        }
        let mut tidy: Vec<String> = vec!["point".into()];
        for n in &names[1..] {
            let t = tidy_name(n.trim_matches('"'));
            if tidy.contains(&t) {
                return Err(format_err(
                    &path,
                    format!("two keys would both be named `{t}` in the long form"),
                ));
            }
            tidy.push(t);
        }
        let mut rows = BTreeMap::new();
        for line in lines {
            let f = fields(line);
            if f.len() != names.len() {
                return Err(format_err(
                    &path,
                    format!("row `{line}` has {} fields", f.len()),
                ));
            }
            rows.insert(f[0].to_string(), f[1..].join(","));
        }
        Ok(Some(Points {
            header: tidy.join(","),
            rows,
        }))
    }
}

/// Converts one wide file.
fn convert(
    src: &Path,
    dst: &Path,
    parts: &BTreeMap<&str, (String, String, String)>,
    points: &Option<Points>,
    kind: Kind,
) -> Result<(), TidyError> {
    let file = fs::File::open(src).map_err(io_err(src))?;
    let mut lines = BufReader::with_capacity(1 << 16, file).lines();
    let head = match lines.next() {
        Some(h) => h.map_err(io_err(src))?,
        None => return Err(format_err(src, "empty")),
    };
    let names: Vec<String> = fields(&head).into_iter().map(String::from).collect();
    let has_point = names.first().map(String::as_str) == Some("point");
    if has_point != points.is_some() {
        return Err(format_err(
            src,
            "its `point` column and points.csv disagree (one without the other)",
        ));
    }
    let n_keys = points
        .as_ref()
        .map_or(0, |p| p.header.split(',').count() - 1);
    // The identifying columns copied to every row, the columns after them.
    let first_value = match kind {
        // [point,]replicate,tick[,date]
        Kind::Timeseries => {
            let date = names.iter().any(|n| n == "date");
            usize::from(has_point) + 2 + usize::from(date)
        }
        // [point,<keys>,]replicate
        Kind::Outcomes => usize::from(has_point) * (1 + n_keys) + 1,
        // [point,<keys>,]tick[,date],metric
        Kind::Summary => {
            let date = names.iter().any(|n| n == "date");
            usize::from(has_point) * (1 + n_keys) + 1 + usize::from(date)
        }
    };
    if names.len() < first_value {
        return Err(format_err(src, "fewer columns than its header needs"));
    }
    // The identifying columns after `point` and its keys.
    let skip = usize::from(has_point)
        * if kind == Kind::Timeseries {
            1
        } else {
            1 + n_keys
        };
    let ids = names[skip..first_value].join(",");
    let prefix = points
        .as_ref()
        .map(|p| format!("{},", p.header))
        .unwrap_or_default();
    let header = match kind {
        Kind::Timeseries => format!("{prefix}{ids},metric,entity,value,unit"),
        Kind::Outcomes => format!("{prefix}{ids},outcome,entity,value,unit"),
        Kind::Summary => format!(
            "{prefix}{ids},metric,entity,unit,{}",
            names[first_value + 1..].join(",")
        ),
    };
    let columns: Vec<&(String, String, String)> = if kind == Kind::Summary {
        Vec::new()
    } else {
        names[first_value..]
            .iter()
            .map(|n| {
                parts
                    .get(n.as_str())
                    .ok_or_else(|| format_err(src, format!("unknown column `{n}`")))
            })
            .collect::<Result<_, _>>()?
    };
    let mut failure = None;
    write_atomic(dst, |w| {
        writeln!(w, "{header}")?;
        for (k, line) in lines.by_ref().enumerate() {
            let line = line?;
            let f = fields(&line);
            if f.len() != names.len() {
                failure = Some(format_err(
                    src,
                    format!(
                        "line {} has {} fields, its header {}",
                        k + 2,
                        f.len(),
                        names.len()
                    ),
                ));
                return Err(io::Error::other("bad row"));
            }
            let point = if has_point {
                let p = points.as_ref().expect("checked above");
                match p.rows.get(f[0]) {
                    Some(keys) if keys.is_empty() => format!("{},", f[0]),
                    Some(keys) => format!("{},{keys},", f[0]),
                    None => {
                        failure = Some(format_err(
                            src,
                            format!("line {}: point {} is not in points.csv", k + 2, f[0]),
                        ));
                        return Err(io::Error::other("bad row"));
                    }
                }
            } else {
                String::new()
            };
            let id = f[skip..first_value].join(",");
            if kind == Kind::Summary {
                let metric = f[first_value];
                let Some((m, e, u)) = parts.get(metric) else {
                    failure = Some(format_err(
                        src,
                        format!("line {}: unknown metric `{metric}`", k + 2),
                    ));
                    return Err(io::Error::other("bad row"));
                };
                writeln!(
                    w,
                    "{point}{id},{m},{e},{u},{}",
                    f[first_value + 1..].join(",")
                )?;
            } else {
                for ((m, e, u), v) in columns.iter().zip(&f[first_value..]) {
                    writeln!(w, "{point}{id},{m},{e},{v},{u}")?;
                }
            }
        }
        Ok(())
    })
    .map_err(|e| failure.take().unwrap_or_else(|| io_err(dst)(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_quotes_and_split_outside_them() {
        assert_eq!(fields("0,\"a,b\",3"), ["0", "\"a,b\"", "3"]);
        assert_eq!(fields("x"), ["x"]);
        assert_eq!(fields("1,,2"), ["1", "", "2"]);
    }

    #[test]
    fn tidy_names_need_no_quoting() {
        assert_eq!(tidy_name("policy.amnesty.scope"), "policy_amnesty_scope");
        assert_eq!(tidy_name("a-b c"), "a_b_c");
    }
}
