//! One replicate: a scenario, a seed and a replicate index in, rows of metrics, events, cases
//! and whole-run totals out.

use crate::events::Event;
use crate::model::{Case, Model};
pub use crate::report::{ConflictTotals, FATES};
use crate::scenario::Scenario;
use crate::stats::ActivitySummary;
use rayon::prelude::*;
use std::ops::ControlFlow;

/// What one replicate produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicateOutput {
    /// Replicate index.
    pub replicate: u64,
    /// One row per tick (0 = initial state), values in the scenario's metric order.
    pub rows: Vec<Vec<f64>>,
    /// Active persons per tick (whether or not `active` is a column).
    pub active: Vec<f64>,
    /// Outburst statistics of `active`.
    pub summary: ActivitySummary,
    /// Every event of the run, in order (conflict model; empty otherwise).
    pub events: Vec<Event>,
    /// Every justice case, with its fate at the end of the run (conflict model).
    pub cases: Vec<Case>,
    /// Whole-run totals of the conflict model (`None` for Epstein's models).
    pub conflict: Option<ConflictTotals>,
}

/// Runs replicate `replicate` of `s` for `ticks` ticks, on the random streams of
/// (`seed`, `replicate`) alone.
///
/// ```
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// let out = impunity::run::run_replicate(&s, 7, 0, 20);
/// assert_eq!(out.rows.len(), 21); // ticks 0..=20
/// assert_eq!(out, impunity::run::run_replicate(&s, 7, 0, 20)); // same seed, same run
/// ```
///
/// # Panics
/// If `s` is invalid (validate it first; presets always are).
pub fn run_replicate(s: &Scenario, seed: u64, replicate: u64, ticks: u32) -> ReplicateOutput {
    run_replicate_until(s, seed, replicate, ticks, &|| ControlFlow::Continue(()))
        .expect("never stopped")
}

/// [`run_replicate`], calling `after_tick` after every tick (for progress; it cannot change the
/// results) and giving up (`None`) as soon as it returns [`ControlFlow::Break`].
///
/// # Panics
/// If `s` is invalid.
pub(crate) fn run_replicate_until(
    s: &Scenario,
    seed: u64,
    replicate: u64,
    ticks: u32,
    after_tick: &dyn Fn() -> ControlFlow<()>,
) -> Option<ReplicateOutput> {
    let mut m = Model::new(s, seed, replicate).expect("scenario was validated");
    let mut rows = Vec::with_capacity(ticks as usize + 1);
    let mut active = Vec::with_capacity(ticks as usize + 1);
    let mut st = crate::metrics::TickStats::default();
    let mut record = |m: &Model, rows: &mut Vec<Vec<f64>>, active: &mut Vec<f64>| {
        m.stats_into(&mut st);
        let mut row = Vec::with_capacity(m.metrics().names().len());
        m.metrics().values(&st, &mut row);
        rows.push(row);
        active.push(st.active as f64);
    };
    record(&m, &mut rows, &mut active);
    let mut totals = m.is_conflict().then(|| ConflictTotals::start(&m));
    let mut events = Vec::new();
    for _ in 0..ticks {
        m.step();
        record(&m, &mut rows, &mut active);
        if let Some(t) = totals.as_mut() {
            t.add_tick(&m);
            events.extend_from_slice(m.events());
        }
        if after_tick().is_break() {
            return None;
        }
    }
    if let Some(t) = totals.as_mut() {
        t.finish(&m);
    }
    let summary = ActivitySummary::of(&active);
    Some(ReplicateOutput {
        replicate,
        rows,
        active,
        summary,
        events,
        cases: m.cases().to_vec(),
        conflict: totals,
    })
}

/// Runs replicates `0..replicates` on the current rayon pool (the caller's; the library never
/// builds one) and returns them in replicate order, whatever order they finish in.
///
/// This keeps every replicate in memory: fine for a few hundred. Sweeps, comparisons and large
/// ensembles go through [`crate::ensemble::Ensemble`], which also computes outcomes,
/// summaries and paired comparisons, and can stream each replicate to disk as it finishes
/// (what `impunity run` does).
pub fn run_replicates(
    s: &Scenario,
    seed: u64,
    replicates: u64,
    ticks: u32,
) -> Vec<ReplicateOutput> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run_replicate(s, seed, r, ticks))
        .collect()
}
