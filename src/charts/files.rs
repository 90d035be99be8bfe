//! Writing a set of replicates as the files `impunity run` writes, so that studies run from
//! Rust (the examples) get the same charts as the command line.

use super::ChartError;
use crate::output::{
    Manifest, calendar, write_atomic, write_timeseries_header, write_timeseries_rows,
};
use crate::run::ReplicateOutput;
use crate::scenario::Scenario;
use std::io::Write;
use std::path::Path;

/// Writes `timeseries.csv`, `manifest.json` and, for the conflict model, `events.csv` of
/// `outs` (replicates of `s` run from `seed`) into `dir`, in the formats `impunity run` uses;
/// [`super::draw_dir`] then draws them.
///
/// ```
/// use impunity::{presets, run::run_replicates, charts};
/// let s = presets::get("epstein-run1").unwrap();
/// let outs = run_replicates(&s, 1, 2, 5);
/// let dir = std::env::temp_dir().join(format!("impunity-write-doc-{}", std::process::id()));
/// charts::write_outputs(&dir, &s, 1, &outs).unwrap();
/// let ts = charts::Timeseries::read(&dir.join("timeseries.csv")).unwrap();
/// assert_eq!((ts.replicates.len(), ts.ticks()), (2, 6));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_outputs(
    dir: &Path,
    s: &Scenario,
    seed: u64,
    outs: &[ReplicateOutput],
) -> Result<(), ChartError> {
    std::fs::create_dir_all(dir).map_err(|e| ChartError::io(dir, e))?;
    let metrics = crate::metrics::MetricSet::for_scenario(s).map_err(ChartError::Data)?;
    let cal = calendar(s);
    let ts = dir.join("timeseries.csv");
    write_atomic(&ts, |w| {
        write_timeseries_header(w, metrics.names(), cal)?;
        for r in outs {
            write_timeseries_rows(w, r.replicate, &r.rows, cal)?;
        }
        Ok(())
    })
    .map_err(|e| ChartError::io(&ts, e))?;
    if crate::model::is_conflict(s) {
        let ev = dir.join("events.csv");
        write_atomic(&ev, |w| {
            writeln!(w, "{}", crate::events::HEADER)?;
            for r in outs {
                crate::events::write_rows(w, s, r.replicate, 0, &r.events)?;
            }
            Ok(())
        })
        .map_err(|e| ChartError::io(&ev, e))?;
    }
    let ticks = outs
        .first()
        .map(|r| r.rows.len().saturating_sub(1))
        .unwrap_or(0) as u32;
    let mf = dir.join("manifest.json");
    Manifest::new(
        s,
        seed,
        outs.len() as u64,
        ticks,
        std::env::args().collect(),
    )
    .write(&mf)
    .map_err(|e| ChartError::io(&mf, e))
}
