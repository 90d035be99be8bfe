//! `timeseries.csv`: one row per (point,) replicate and tick, tick 0 being the initial state:
//! `[point,]replicate,tick[,date],<metrics>` (the `date` column for calendar scenarios).
//!
//! ```
//! use impunity::output::{calendar, write_timeseries_header, write_timeseries_rows};
//! let s = impunity::presets::get("epstein-run1").unwrap();
//! let out = impunity::run::run_replicate(&s, 1, 0, 2);
//! let metrics = impunity::metrics::MetricSet::for_scenario(&s).unwrap();
//! let mut csv = Vec::new();
//! write_timeseries_header(&mut csv, metrics.names(), calendar(&s)).unwrap();
//! write_timeseries_rows(&mut csv, 0, &out.rows, calendar(&s)).unwrap();
//! let text = String::from_utf8(csv).unwrap();
//! assert!(text.starts_with("replicate,tick,quiescent,active,jailed,cops\n0,0,"));
//! assert_eq!(text.lines().count(), 1 + 3);
//! ```

use super::{Calendar, fmt_value};
use std::io::{self, Write};

/// Writes the header of `timeseries.csv` (without the `point` column): `replicate,tick,`
/// (then `date,` for calendar scenarios), then the metrics.
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
