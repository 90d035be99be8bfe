//! A finished calibration read back from its directory, to redraw its charts without
//! rerunning anything (`impunity chart DIR`).

use super::dir::{CalibrateError, io, load};
use super::smc::{Calibration, Stop};
use std::fs;
use std::path::Path;

/// One row of `predictive.csv`: a target and its statistic under the posterior's draws.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictiveRow {
    /// The target's statistic, as the calibration file writes it.
    pub statistic: String,
    /// Its observed value.
    pub observed: f64,
    /// Its scale (the distance's divisor).
    pub scale: f64,
    /// The mean of the statistic under posterior draws.
    pub mean: f64,
    /// Its 5 % quantile.
    pub p05: f64,
    /// Its 95 % quantile.
    pub p95: f64,
}

/// A finished calibration read back from its directory ([`read_finished`]).
#[derive(Clone, Debug)]
pub struct Finished {
    /// The generations, as they were run (every number the exact bits stored).
    pub calibration: Calibration,
    /// The calibrated keys, in the calibration file's order.
    pub keys: Vec<String>,
    /// The predictive check, one row per target.
    pub predictive: Vec<PredictiveRow>,
}

/// Whether `dir` holds the `manifest.json` of a calibration (`impunity calibrate`).
pub fn is_calibration_dir(dir: &Path) -> bool {
    fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|m| m["command"] == "calibrate")
}

/// Reads back the calibration `impunity calibrate` finished in `dir` (its `manifest.json`,
/// the generations stored in `.calibrate/` and `predictive.csv`), to redraw its charts
/// without rerunning anything. Refuses a directory whose manifest is not a calibration's, and
/// one whose files disagree (fewer stored generations than the manifest counts, another
/// number of targets).
pub fn read_finished(dir: &Path) -> Result<Finished, CalibrateError> {
    let unreadable = |path: &Path, reason: String| CalibrateError::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let mp = dir.join("manifest.json");
    let text = fs::read_to_string(&mp).map_err(io(&mp))?;
    let m: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| unreadable(&mp, e.to_string()))?;
    if m["command"] != "calibrate" {
        return Err(unreadable(&mp, "not the manifest of a calibration".into()));
    }
    let field = |name: &str| {
        m.get(name)
            .ok_or_else(|| unreadable(&mp, format!("no \"{name}\"")))
    };
    let keys = field("parameters")?
        .as_array()
        .ok_or_else(|| unreadable(&mp, "\"parameters\" is not a list".into()))?
        .iter()
        .map(|p| p["key"].as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| unreadable(&mp, "a parameter without a key".into()))?;
    let stop: Stop = serde_json::from_value(field("stop")?.clone())
        .map_err(|e| unreadable(&mp, format!("\"stop\": {e}")))?;
    let n = field("generations")?
        .as_u64()
        .ok_or_else(|| unreadable(&mp, "\"generations\" is not a count".into()))?
        as usize;
    let record = dir.join(".calibrate");
    let mut generations = load(&record)?;
    if generations.len() < n.max(1) {
        return Err(unreadable(
            &record,
            format!(
                "holds {} finished generation(s), the manifest counts {n}",
                generations.len()
            ),
        ));
    }
    // a record can hold a generation the budget rule gave up (resuming reruns it): the
    // calibration is the generations the manifest counts
    generations.truncate(n);
    let targets = field("targets")?
        .as_array()
        .ok_or_else(|| unreadable(&mp, "\"targets\" is not a list".into()))?;
    let pp = dir.join("predictive.csv");
    let text = fs::read_to_string(&pp).map_err(io(&pp))?;
    let mut predictive = Vec::new();
    for (i, line) in text.lines().skip(1).enumerate() {
        // the statistic may be quoted and hold commas: the numbers are read from the right,
        // the statistic from the manifest
        let cols: Vec<&str> = line.rsplitn(7, ',').collect();
        let num = |j: usize| -> Result<f64, CalibrateError> {
            cols.get(j).and_then(|v| v.parse().ok()).ok_or_else(|| {
                unreadable(
                    &pp,
                    format!("line {}: not a number in column {}", i + 2, 8 - j),
                )
            })
        };
        let t = targets.get(i).ok_or_else(|| {
            unreadable(
                &pp,
                format!("more rows than the manifest's {} targets", targets.len()),
            )
        })?;
        predictive.push(PredictiveRow {
            statistic: t["statistic"].as_str().unwrap_or_default().to_owned(),
            observed: num(5)?,
            scale: num(4)?,
            mean: num(3)?,
            p05: num(2)?,
            p95: num(1)?,
        });
    }
    if predictive.len() != targets.len() {
        return Err(unreadable(
            &pp,
            format!(
                "{} rows for the manifest's {} targets",
                predictive.len(),
                targets.len()
            ),
        ));
    }
    Ok(Finished {
        calibration: Calibration { generations, stop },
        keys,
        predictive,
    })
}
