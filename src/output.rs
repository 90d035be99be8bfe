//! Output files: written under a temporary name and renamed when complete, so an interrupted
//! run never leaves a file that looks whole.

use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary name a file is written under before it is renamed to `path`.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Writes `path` through `body`, atomically: the data goes to a temporary file in the same
/// directory, which is flushed, synced and renamed over `path` only if `body` succeeds.
pub fn write_atomic<F>(path: &Path, body: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
{
    let tmp = partial_path(path);
    let file = fs::File::create(&tmp)?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let res = body(&mut w).and_then(|_| w.flush());
    match res {
        Ok(()) => {
            let file = w.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, path)
        }
        Err(e) => {
            drop(w);
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Formats a metric value: whole numbers without a decimal point, others in Rust's shortest
/// round-trip form (the same bytes on every platform).
///
/// ```
/// use impunity::output::fmt_value;
/// assert_eq!(fmt_value(12.0), "12");
/// assert_eq!(fmt_value(0.25), "0.25");
/// assert_eq!(fmt_value(f64::INFINITY), "inf");
/// ```
pub fn fmt_value(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        format!("{}", v as i64)
    } else if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v}")
    }
}

/// The calendar of a scenario with a start date: (date of tick 0, days per tick).
pub type Calendar = Option<(crate::scenario::Date, u32)>;

/// The calendar of `s`, if it has a start date.
pub fn calendar(s: &Scenario) -> Calendar {
    s.start_date.map(|d| (d, s.days_per_tick))
}

/// Writes the header of `timeseries.csv`: `replicate,tick,` (then `date,` for calendar
/// scenarios), then the metrics.
pub fn write_timeseries_header<W: Write>(
    w: &mut W,
    metrics: &[String],
    calendar: Calendar,
) -> io::Result<()> {
    write!(w, "replicate,tick")?;
    if calendar.is_some() {
        write!(w, ",date")?;
    }
    for m in metrics {
        write!(w, ",{m}")?;
    }
    writeln!(w)
}

/// Writes the rows of one replicate (row `t` is tick `t`).
pub fn write_timeseries_rows<W: Write>(
    w: &mut W,
    replicate: u64,
    rows: &[Vec<f64>],
    calendar: Calendar,
) -> io::Result<()> {
    let mut line = String::with_capacity(64);
    for (t, row) in rows.iter().enumerate() {
        line.clear();
        line.push_str(&replicate.to_string());
        line.push(',');
        line.push_str(&t.to_string());
        if let Some((start, days)) = calendar {
            line.push(',');
            line.push_str(&start.plus_days(t as i64 * days as i64).to_string());
        }
        for &v in row {
            line.push(',');
            line.push_str(&fmt_value(v));
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

// The writer of `cases.csv` lives next to the `Case` type (src/events.rs).
pub use crate::events::{CASES_HEADER, write_cases};

/// Everything needed to rerun a run exactly: `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of this crate that produced the outputs.
    pub impunity_version: String,
    /// Scenario (or preset) name.
    pub scenario: String,
    /// Rule-set label (`paper`, `paper+ratio=floor`, …).
    pub rules: String,
    /// Every rule switch in force.
    pub rule_switches: serde_json::Value,
    /// Every parameter of the scenario, as JSON (infinite values as the string `"inf"`).
    pub parameters: serde_json::Value,
    /// Master seed.
    pub seed: u64,
    /// Number of replicates.
    pub replicates: u64,
    /// Ticks per replicate.
    pub ticks: u32,
    /// The command line that produced the outputs.
    pub command_line: Vec<String>,
    /// The resolved scenario, as TOML text that reads back to the same scenario.
    pub scenario_toml: String,
    /// How many people one agent stands for (multiply counts by it).
    pub people_per_agent: f64,
    /// Fingerprint of everything that determines the results (see
    /// [`crate::ensemble::Plan::fingerprint`]); `--resume` compares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// How the points of a sweep or comparison were made (`run` for a plain run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<String>,
    /// Number of points of a sweep or comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
}

impl Manifest {
    /// The manifest of a run of `s`.
    pub fn new(
        s: &Scenario,
        seed: u64,
        replicates: u64,
        ticks: u32,
        command_line: Vec<String>,
    ) -> Manifest {
        let tree = toml::Value::try_from(s).expect("a scenario always serialises");
        Manifest {
            impunity_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: s.name.clone(),
            rules: s.rules.label(),
            rule_switches: serde_json::to_value(s.rules()).expect("rules serialise"),
            parameters: toml_to_json(&tree),
            seed,
            replicates,
            ticks,
            command_line,
            scenario_toml: s.to_toml_string(),
            people_per_agent: s.world.people_per_agent,
            fingerprint: None,
            design: None,
            points: None,
        }
    }

    /// Writes the manifest as pretty JSON (atomically).
    pub fn write(&self, path: &Path) -> io::Result<()> {
        write_atomic(path, |w| {
            serde_json::to_writer_pretty(&mut *w, self)?;
            writeln!(w)
        })
    }
}

/// TOML to JSON, keeping infinite and NaN floats as strings ("inf", "-inf", "nan").
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or_else(|| J::String(fmt_value(*f))),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_nothing_on_failure() {
        let dir = std::env::temp_dir().join(format!("impunity-out-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.csv");
        write_atomic(&p, |w| w.write_all(b"x\n")).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"x\n");
        let q = dir.join("b.csv");
        let r = write_atomic(&q, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(r.is_err());
        assert!(!q.exists());
        assert!(!partial_path(&q).exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
