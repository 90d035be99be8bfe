//! Whole-run outcomes of one replicate: the columns of `outcomes.csv`.
//!
//! Every model reports, in this order:
//! * `peak_active`, `peak_tick`, `outbursts`, `ticks_above_50`: Epstein's outburst statistics
//!   of the active count ([`ActivitySummary`]; an outburst is a run of ticks with more than 50
//!   actives);
//! * `final_<metric>` for every column of `timeseries.csv`: its value at the last tick.
//!
//! The conflict model then adds its whole-run totals ([`ConflictTotals`]), counts in agents
//! (multiply by `people_per_agent` of the manifest for people):
//! * `civilians_killed`, then `civilians_killed_by_<kind>` for kinds `state`, `progov`,
//!   `militia`, `jihadist`, `bandit`, `international`;
//! * `civilians_killed_<community>` for each community (scenario order);
//! * `recruits_<group>`, `fighters_start_<group>`, `fighters_end_<group>` for each group;
//! * `legitimacy_start_<community>`, `legitimacy_end_<community>`,
//!   `unresolved_end_<community>` for each community;
//! * `abuses`, `abuses_trained`, `cases_opened`, `cases_investigated`, `convictions`, `amnesties`, `battles`,
//!   `battle_deaths`;
//! * `cases_<fate>` for fates `pending`, `investigating`, `serving`, `punished`,
//!   `never_investigated`, `acquitted`, `amnestied` (the fate of every case at the end).
//!
//! ```
//! use impunity::{presets, run::run_replicate, ensemble::outcomes};
//! let s = presets::get("epstein-run1").unwrap();
//! let names = outcomes::names(&s).unwrap();
//! assert_eq!(&names[..5], ["peak_active", "peak_tick", "outbursts", "ticks_above_50", "final_quiescent"]);
//! let v = outcomes::values(&run_replicate(&s, 1, 0, 10));
//! assert_eq!(v.len(), names.len());
//! ```

use crate::events::PerpetratorKind;
use crate::model::{ConflictCounters, is_conflict};
use crate::report::{ConflictTotals, FATES};
use crate::run::ReplicateOutput;
use crate::scenario::Scenario;
use crate::stats::ActivitySummary;

use super::PlanError;

/// The outcome names of `s`, in column order (an error if its metrics are invalid).
pub fn names(s: &Scenario) -> Result<Vec<String>, PlanError> {
    let metrics = crate::metrics::MetricSet::for_scenario(s).map_err(PlanError::Metrics)?;
    let mut n: Vec<String> = ["peak_active", "peak_tick", "outbursts", "ticks_above_50"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    n.extend(metrics.names().iter().map(|m| format!("final_{m}")));
    if is_conflict(s) {
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
    Ok(n)
}

/// The outcome values of one replicate, in the order of [`names`].
pub fn values(out: &ReplicateOutput) -> Vec<f64> {
    let a: ActivitySummary = out.summary;
    let mut v = vec![
        a.peak_active,
        a.peak_tick as f64,
        a.outbursts as f64,
        a.ticks_above as f64,
    ];
    if let Some(last) = out.rows.last() {
        v.extend_from_slice(last);
    }
    if let Some(t) = &out.conflict {
        conflict_values(t, &mut v);
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
