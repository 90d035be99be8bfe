//! The files of a run: the one module that writes them.
//!
//! A run's output directory holds, whatever produced it (`impunity run`, `sweep`, `compare`,
//! `merge`, or a Rust study writing [`crate::ensemble::Results`]):
//!
//! | file | columns | writer |
//! |---|---|---|
//! | `timeseries.csv` | `[point,]replicate,tick[,date],<metrics>` | [`write_timeseries_header`], [`write_timeseries_rows`] |
//! | `events.csv`, `cases.csv` (conflict model) | `[point,]` + the columns of [`crate::events`] | `events.rs` (next to the types) |
//! | `outcomes.csv` | `[point,<tags>,]replicate,<outcomes>` | `outcomes.rs` |
//! | `summary.csv` | `[point,<tags>,]tick[,date],metric,n,mean,sd,p5,p25,p50,p75,p95` | `summary.rs` |
//! | `points.csv` (sweeps, comparisons) | `point,<tags>` | `points.rs` |
//! | `compare.csv` (comparisons) | `variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower` | [`write_compare`] |
//! | `manifest.json` | scenario, rules, parameters, seed, … | [`Manifest`] |
//! | `tidy/*.csv` (`--tidy`, `impunity tidy`) | the long form of `timeseries.csv`, `outcomes.csv`, `summary.csv`: one value per row with its metric, entity and unit | [`write_tidy`] |
//!
//! Each file is written under a temporary name and renamed when whole ([`write_atomic`]), so an
//! interrupted run never leaves a file that looks complete. `RunFiles` (crate-private) writes
//! them all from the rows of each unit (point, replicate), taken in unit order: from part files
//! on disk (assembly, merge) or from replicates in memory (`Results::write`), so both give the
//! same bytes. A new file or column set is one more writer here and one more line in
//! `RunFiles`.
//!
//! Values are written by [`fmt_value`]: whole numbers without a decimal point, others in Rust's
//! shortest round-trip form, `nan` and `inf` spelt out (the same bytes on every platform).

mod compare;
mod manifest;
mod outcomes;
#[cfg(feature = "parquet")]
mod parquet;
mod points;
mod run_files;
mod selection;
pub(crate) mod summary;
mod tidy;
mod timeseries;

pub(crate) use crate::events::{CASES_HEADER, write_cases};
pub use compare::write_compare;
pub use manifest::Manifest;
#[cfg(feature = "parquet")]
pub use parquet::{ParquetError, write_parquet};
pub(crate) use run_files::{RunFiles, UnitRows};
pub use tidy::{TidyError, tidy_name, write_tidy};
pub use timeseries::{write_timeseries_header, write_timeseries_rows};

use crate::scenario::Scenario;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Every file and folder impunity writes into an output directory: what `--force` (and
/// [`crate::ensemble::Results::write`]) may replace. Anything else there is left alone.
pub(crate) const FILES: [&str; 15] = [
    "timeseries.csv",
    "outcomes.csv",
    "summary.csv",
    "events.csv",
    "cases.csv",
    "points.csv",
    "compare.csv",
    "draws.csv",
    "posterior-effects.csv",
    "manifest.json",
    "charts",
    "snapshots",
    ".parts",
    "tidy",
    "parquet",
];

/// The temporary name a file is written under before it is renamed to `path`
/// (`.NAME.partial`, beside it).
pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Writes `path` through `body`, atomically: the data goes to a temporary file in the same
/// directory (`.NAME.partial`), which is flushed, synced and renamed over `path` only if
/// `body` succeeds; on failure the temporary file is removed.
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("impunity-atomic-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let p = dir.join("a.csv");
/// impunity::output::write_atomic(&p, |w| w.write_all(b"x\n")).unwrap();
/// assert_eq!(std::fs::read(&p).unwrap(), b"x\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
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

/// An output file being written under its temporary name ([`partial_path`]), renamed to its
/// final name by [`AtomicFile::commit`]; dropped uncommitted, the temporary file stays (and
/// `--force` or a rerun replaces it).
pub(crate) struct AtomicFile {
    pub(crate) path: PathBuf,
    pub(crate) tmp: PathBuf,
    pub(crate) w: BufWriter<fs::File>,
}

impl AtomicFile {
    /// Creates the temporary file of `path`.
    pub(crate) fn create(path: PathBuf) -> Result<AtomicFile, crate::ensemble::EnsembleError> {
        let tmp = partial_path(&path);
        let f = fs::File::create(&tmp).map_err(crate::ensemble::EnsembleError::io(&tmp))?;
        Ok(AtomicFile {
            path,
            tmp,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// Flushes, syncs and renames the file to its final name, which it returns.
    pub(crate) fn commit(self) -> Result<PathBuf, crate::ensemble::EnsembleError> {
        use crate::ensemble::EnsembleError;
        let AtomicFile { path, tmp, w } = self;
        let f = w
            .into_inner()
            .map_err(|e| EnsembleError::io(&tmp)(e.into_error()))?;
        f.sync_all().map_err(EnsembleError::io(&tmp))?;
        fs::rename(&tmp, &path).map_err(EnsembleError::io(&path))?;
        Ok(path)
    }
}

/// Formats a value as every output file writes it: whole numbers without a decimal point,
/// others in Rust's shortest round-trip form (the same bytes on every platform).
///
/// ```
/// use impunity::output::fmt_value;
/// assert_eq!(fmt_value(12.0), "12");
/// assert_eq!(fmt_value(0.25), "0.25");
/// assert_eq!(fmt_value(f64::INFINITY), "inf");
/// assert_eq!(fmt_value(f64::NAN), "nan");
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

/// Splits one CSV line as [`csv_field`] writes them into `out`: fields with their quotes
/// removed (`""` inside quotes is one `"`).
pub(crate) fn split_csv_line(line: &str, out: &mut Vec<String>) {
    out.clear();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
}

/// A CSV field, quoted if it holds a comma, quote or newline.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The calendar of a scenario with a start date: (date of tick 0, days per tick).
pub type Calendar = Option<(crate::scenario::Date, u32)>;

/// The calendar of `s`, if it has a start date.
///
/// ```
/// let mali = impunity::presets::get("central-mali-2018").unwrap();
/// let (start, days) = impunity::output::calendar(&mali).unwrap();
/// assert_eq!((start.to_string(), days), ("2018-01-01".to_string(), 1));
/// assert!(impunity::output::calendar(&impunity::presets::get("epstein-run1").unwrap()).is_none());
/// ```
pub fn calendar(s: &Scenario) -> Calendar {
    s.start_date.map(|d| (d, s.days_per_tick))
}

/// Writes `prefix` before every line of `text`.
pub(crate) fn prefixed<W: Write>(w: &mut W, prefix: &str, text: &[u8]) -> io::Result<()> {
    if prefix.is_empty() {
        return w.write_all(text);
    }
    for line in text.split_inclusive(|&c| c == b'\n') {
        w.write_all(prefix.as_bytes())?;
        w.write_all(line)?;
    }
    Ok(())
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

    #[test]
    fn prefixes_every_line() {
        let mut v = Vec::new();
        prefixed(&mut v, "3,", b"a\nb\n").unwrap();
        assert_eq!(v, b"3,a\n3,b\n");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}
