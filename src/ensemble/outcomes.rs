//! Whole-run outcomes of one replicate: the columns of `outcomes.csv`.
//!
//! Epstein's models report, in this order:
//! * `peak_active`, `peak_tick`, `outbursts`, `ticks_above_50`: his outburst statistics of the
//!   active count ([`ActivitySummary`]; an outburst is a run of ticks with more than 50
//!   actives), in agents;
//! * per column of `timeseries.csv`: `final_<metric>` for a level (its value at the last
//!   tick), `<metric>_total` for a per-tick count (summed over the run).
//!
//! The conflict model reports, in people (its agents carry head counts), its
//! headline first:
//! * `civilians_killed`, then `civilians_killed_by_<kind>` for kinds `state`, `progov`,
//!   `militia`, `jihadist`, `bandit`, `international`;
//! * `civilians_killed_<community>` for each community (scenario order);
//! * `recruits_<group>`, `fighters_start_<group>`, `fighters_end_<group>` for each group;
//! * `legitimacy_start_<community>`, `legitimacy_end_<community>`,
//!   `unresolved_end_<community>` for each community (indices);
//! * `abuses`, `abuses_trained` (people killed), `cases_opened`, `cases_investigated`,
//!   `convictions`, `amnesties` (cases), `battles` (events), `battle_deaths` (people);
//! * `cases_<fate>` for fates `pending`, `investigating`, `serving`, `punished`,
//!   `never_investigated`, `acquitted`, `amnestied` (the fate of every case at the end);
//! * `final_<metric>` for the other levels of `timeseries.csv` (`final_active`,
//!   `final_jailed`). The per-tick counts' totals are the ones above; a per-tick count's last
//!   value is no outcome.
//!
//! ```
//! use impunity::{presets, run::run_replicate, ensemble::outcomes};
//! let s = presets::get("epstein-run1").unwrap();
//! let names = outcomes::names(&s).unwrap();
//! assert_eq!(&names[..5], ["peak_active", "peak_tick", "outbursts", "ticks_above_50", "final_quiescent"]);
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

/// Whether outcome `final_<m>` is reported for metric `m` of kind `kind`: levels (stocks)
/// only, never a per-tick count (its last tick says nothing of the run), and in the conflict
/// model not the levels its totals already end with (`fighters_end_<g>`,
/// `legitimacy_end_<c>`, `unresolved_end_<c>`).
fn has_final(conflict: bool, m: &str, kind: MetricKind) -> bool {
    kind == MetricKind::Stock
        && !(conflict
            && ["fighters_", "legitimacy_", "unresolved_"]
                .iter()
                .any(|p| m.starts_with(p)))
}

/// The outcome names of `s`, in column order (an error if its metrics are invalid).
pub fn names(s: &Scenario) -> Result<Vec<String>, PlanError> {
    let metrics = crate::metrics::MetricSet::for_scenario(s).map_err(PlanError::Metrics)?;
    let conflict = is_conflict(s);
    let mut n: Vec<String> = Vec::new();
    if !conflict {
        n.extend(EPSTEIN.map(String::from));
    }
    if conflict {
        n.push("civilians_killed".into());
        n.extend(
            PerpetratorKind::ALL
                .iter()
                .map(|p| format!("civilians_killed_by_{}", p.name())),
        );
        n.extend(
            s.communities
                .keys()
                .map(|c| format!("civilians_killed_{c}")),
        );
        for g in s.groups.keys() {
            n.push(format!("recruits_{g}"));
            n.push(format!("fighters_start_{g}"));
            n.push(format!("fighters_end_{g}"));
        }
        for c in s.communities.keys() {
            n.push(format!("legitimacy_start_{c}"));
            n.push(format!("legitimacy_end_{c}"));
            n.push(format!("unresolved_end_{c}"));
        }
        n.extend(ConflictCounters::SCALAR_NAMES.map(String::from));
        n.extend(FATES.iter().map(|f| format!("cases_{}", f.name())));
    }
    for (m, kind) in metrics.names().iter().zip(metrics.kinds()) {
        if has_final(conflict, m, kind) {
            n.push(format!("final_{m}"));
        } else if !conflict && kind == MetricKind::Flow {
            n.push(format!("{m}_total"));
        }
    }
    Ok(n)
}

/// Epstein's outburst outcomes, reported for his models only.
const EPSTEIN: [&str; 4] = ["peak_active", "peak_tick", "outbursts", "ticks_above_50"];

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
        if has_final(conflict, m, kind) {
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
