//! Whole-run outcomes of one replicate: the columns of `outcomes.csv`.
//!
//! An outcome is named after what it is: a per-tick count's whole-run total is the column's
//! name without `new_` and with `_total` (`new_abuses` → `abuses_total`), a level's value at
//! the start or the end of the run is the column's name with `_start` or `_end`
//! (`legitimacy_peul` → `legitimacy_peul_end`). No outcome is the last tick of a per-tick
//! count. [`describe`] gives each outcome's measure, entity and unit, as the long form of the
//! outputs splits them.
//!
//! Epstein's models report, in this order:
//! * `peak_active`, `peak_tick`, `outbursts`, `ticks_above_50`: his outburst statistics of the
//!   active count ([`ActivitySummary`]; an outburst is a run of ticks with more than 50
//!   actives), in agents;
//! * per column of `timeseries.csv`: `<level>_end` (its value at the last tick), or
//!   `<count>_total` (summed over the run).
//!
//! The conflict model reports, in people (its agents carry head counts), its headline first:
//! * `killed_civilians_total`, then `killed_civilians_<kind>_total` for kinds `state`,
//!   `progov`, `militia`, `jihadist`, `bandit`, `international`;
//! * `killed_<community>_total` for each community (scenario order);
//! * `recruits_<group>_total`, `fighters_<group>_start`, `fighters_<group>_end` for each group;
//! * `legitimacy_<community>_start`, `legitimacy_<community>_end`,
//!   `unresolved_<community>_end` for each community (indices);
//! * `abuses_total`, `abuses_trained_total` (people killed), `cases_opened_total`,
//!   `cases_investigated_total`, `convictions_total`, `amnesties_total` (cases),
//!   `battles_total` (battles), `battle_deaths_total` (people);
//! * `cases_<fate>_end` for fates `pending`, `investigating`, `serving`, `punished`,
//!   `never_investigated`, `acquitted`, `amnestied` (the fate of every case at the end);
//! * `<level>_end` for the other levels of `timeseries.csv` (`active_end`, `jailed_end`).
//!
//! ```
//! use impunity::{presets, run::run_replicate, ensemble::outcomes};
//! let s = presets::get("epstein-run1").unwrap();
//! let names = outcomes::names(&s).unwrap();
//! assert_eq!(&names[..5], ["peak_active", "peak_tick", "outbursts", "ticks_above_50", "quiescent_end"]);
//! let v = outcomes::values(&s, &run_replicate(&s, 1, 0, 10));
//! assert_eq!(v.len(), names.len());
//! ```

use crate::events::PerpetratorKind;
use crate::metrics::MetricKind;
use crate::model::{ConflictCounters, is_conflict};
use crate::report::{ConflictTotals, FATES};
use crate::run::ReplicateOutput;
use crate::scenario::Scenario;
use crate::stats::ActivitySummary;

use super::PlanError;

/// Whether the level `m` gets an outcome `<m>_end`: in the conflict model not the levels its
/// own outcomes already end with (`fighters_<g>_end`, `legitimacy_<c>_end`,
/// `unresolved_<c>_end`).
fn has_end(conflict: bool, m: &str, kind: MetricKind) -> bool {
    kind == MetricKind::Stock
        && !(conflict
            && ["fighters_", "legitimacy_", "unresolved_"]
                .iter()
                .any(|p| m.starts_with(p)))
}

/// What one outcome is: its column `name` in `outcomes.csv`, and as the long form of the
/// outputs splits it, the `measure` about an `entity` (a perpetrator kind, a community, an
/// armed group, a case fate; none for a whole-scenario figure) in a `unit`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The column name: `killed_civilians_state_total`, `legitimacy_peul_end`, …
    pub name: String,
    /// The measure: `killed_civilians_total`, `legitimacy_end`, …
    pub measure: String,
    /// Whom it is about, if anyone.
    pub entity: Option<String>,
    /// `people` or `agents` (counts of persons, [`crate::metrics::count_unit`]), `cases`,
    /// `battles`, `index`, `ticks` or `outbursts`.
    pub unit: &'static str,
}

impl Outcome {
    fn new(measure: &str, entity: Option<&str>, unit: &'static str) -> Outcome {
        // `<stem>_<entity>_<suffix>` from `<stem>_<suffix>`: the entity goes before the
        // suffix (`_total`, `_start`, `_end`), as in the time series' `<measure>_<entity>`.
        let name = match entity {
            None => measure.to_string(),
            Some(e) => match measure.rsplit_once('_') {
                Some((stem, suffix)) if ["total", "start", "end"].contains(&suffix) => {
                    format!("{stem}_{e}_{suffix}")
                }
                _ => format!("{measure}_{e}"),
            },
        };
        Outcome {
            name,
            measure: measure.to_string(),
            entity: entity.map(String::from),
            unit,
        }
    }
}

/// The headline outcomes of `s`, the ones tables show unless asked for others, in column
/// order: for the conflict model civilians killed (in all and by perpetrator), abuses and the
/// fates of their cases, battles and their deaths, recruits per group and legitimacy at the
/// end per community; for Epstein's models his outburst statistics and the levels at the end.
///
/// ```
/// let mali = impunity::presets::get("central-mali-2018").unwrap();
/// let h = impunity::ensemble::outcomes::headline(&mali).unwrap();
/// assert_eq!(h[0], "killed_civilians_total");
/// assert!(h.iter().any(|n| n == "abuses_total"));
/// assert!(!h.iter().any(|n| n.starts_with("fighters_")));
/// ```
pub fn headline(s: &Scenario) -> Result<Vec<String>, PlanError> {
    let keep = |o: &Outcome| {
        if !is_conflict(s) {
            return !o.name.starts_with("peak_tick");
        }
        matches!(
            o.measure.as_str(),
            "killed_civilians_total"
                | "abuses_total"
                | "cases_opened_total"
                | "convictions_total"
                | "amnesties_total"
                | "battles_total"
                | "battle_deaths_total"
                | "recruits_total"
                | "legitimacy_end"
        ) || (o.measure == "cases_end"
            && matches!(
                o.entity.as_deref(),
                Some("punished" | "never_investigated" | "amnestied")
            ))
    };
    Ok(describe(s)?
        .into_iter()
        .filter(keep)
        .map(|o| o.name)
        .collect())
}

/// The outcome names of `s`, in column order (an error if its metrics are invalid).
pub fn names(s: &Scenario) -> Result<Vec<String>, PlanError> {
    Ok(describe(s)?.into_iter().map(|o| o.name).collect())
}

/// Every outcome of `s`, in column order, with its measure, entity and unit (an error if its
/// metrics are invalid).
///
/// ```
/// use impunity::{presets, ensemble::outcomes};
/// let mali = presets::get("central-mali-2018").unwrap();
/// let o = outcomes::describe(&mali).unwrap();
/// assert_eq!(o[0].name, "killed_civilians_total");
/// let state = o.iter().find(|o| o.name == "killed_civilians_state_total").unwrap();
/// assert_eq!((state.measure.as_str(), state.entity.as_deref(), state.unit),
///            ("killed_civilians_total", Some("state"), "people"));
/// let l = o.iter().find(|o| o.name == "legitimacy_peul_end").unwrap();
/// assert_eq!((l.measure.as_str(), l.unit), ("legitimacy_end", "index"));
/// ```
pub fn describe(s: &Scenario) -> Result<Vec<Outcome>, PlanError> {
    let metrics = crate::metrics::MetricSet::for_scenario(s).map_err(PlanError::Metrics)?;
    let conflict = is_conflict(s);
    let unit = crate::metrics::count_unit(s);
    let mut n: Vec<Outcome> = Vec::new();
    if !conflict {
        n.extend([
            Outcome::new("peak_active", None, unit),
            Outcome::new("peak_tick", None, "ticks"),
            Outcome::new("outbursts", None, "outbursts"),
            Outcome::new("ticks_above_50", None, "ticks"),
        ]);
    }
    if conflict {
        n.push(Outcome::new("killed_civilians_total", None, unit));
        n.extend(
            PerpetratorKind::ALL
                .iter()
                .map(|p| Outcome::new("killed_civilians_total", Some(p.name()), unit)),
        );
        n.extend(
            s.communities
                .keys()
                .map(|c| Outcome::new("killed_total", Some(c), unit)),
        );
        for g in s.groups.keys() {
            n.push(Outcome::new("recruits_total", Some(g), unit));
            n.push(Outcome::new("fighters_start", Some(g), unit));
            n.push(Outcome::new("fighters_end", Some(g), unit));
        }
        for c in s.communities.keys() {
            n.push(Outcome::new("legitimacy_start", Some(c), "index"));
            n.push(Outcome::new("legitimacy_end", Some(c), "index"));
            n.push(Outcome::new("unresolved_end", Some(c), "index"));
        }
        for name in ConflictCounters::SCALAR_NAMES {
            let u = match name {
                "cases_opened" | "cases_investigated" | "convictions" | "amnesties" => "cases",
                "battles" => "battles",
                _ => unit,
            };
            n.push(Outcome::new(&format!("{name}_total"), None, u));
        }
        n.extend(
            FATES
                .iter()
                .map(|f| Outcome::new("cases_end", Some(f.name()), "cases")),
        );
    }
    for ((m, kind), col) in metrics
        .names()
        .iter()
        .zip(metrics.kinds())
        .zip(metrics.columns())
    {
        let entity = col.entity.as_deref();
        if has_end(conflict, m, kind) {
            n.push(Outcome::new(
                &format!("{}_end", col.measure),
                entity,
                col.unit,
            ));
        } else if !conflict && kind == MetricKind::Flow {
            let measure = col.measure.strip_prefix("new_").unwrap_or(col.measure);
            n.push(Outcome::new(&format!("{measure}_total"), entity, col.unit));
        }
    }
    Ok(n)
}

/// The outcome values of one replicate of `s`, in the order of [`names`].
pub fn values(s: &Scenario, out: &ReplicateOutput) -> Vec<f64> {
    let conflict = out.conflict.is_some();
    let mut v = Vec::new();
    if !conflict {
        let a: ActivitySummary = out.summary;
        v.extend([
            a.peak_active,
            a.peak_tick as f64,
            a.outbursts as f64,
            a.ticks_above as f64,
        ]);
    }
    if let Some(t) = &out.conflict {
        conflict_values(t, &mut v);
    }
    let metrics = crate::metrics::MetricSet::for_scenario(s).expect("a validated scenario");
    for (i, (m, kind)) in metrics.names().iter().zip(metrics.kinds()).enumerate() {
        if has_end(conflict, m, kind) {
            v.push(out.rows.last().map_or(f64::NAN, |r| r[i]));
        } else if !conflict && kind == MetricKind::Flow {
            v.push(out.rows.iter().map(|r| r[i]).sum());
        }
    }
    v
}

fn conflict_values(t: &ConflictTotals, v: &mut Vec<f64>) {
    let c = &t.counters;
    v.push(c.killed_by.iter().sum::<u64>() as f64);
    v.extend(c.killed_by.iter().map(|&k| k as f64));
    v.extend(c.killed_of.iter().map(|&k| k as f64));
    for g in 0..c.recruits.len() {
        v.push(c.recruits[g] as f64);
        v.push(t.fighters_start[g] as f64);
        v.push(t.fighters_end[g] as f64);
    }
    for k in 0..t.legitimacy_start.len() {
        v.push(t.legitimacy_start[k]);
        v.push(t.legitimacy_end[k]);
        v.push(t.unresolved_end[k]);
    }
    v.extend(c.scalars().map(|x| x as f64));
    v.extend(t.fates.iter().map(|&k| k as f64));
}
