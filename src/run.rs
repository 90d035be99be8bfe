//! Running replicates: a scenario, a seed and a replicate index in, rows of metrics out.

use crate::events::Event;
use crate::model::{Case, Model};
use crate::report::ConflictTotals;
use crate::scenario::Scenario;
use crate::stats::ActivitySummary;
use rayon::prelude::*;

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

/// Runs replicate `replicate` of `s` for `ticks` ticks.
///
/// # Panics
/// If `s` is invalid (validate it first; presets always are).
pub fn run_replicate(s: &Scenario, seed: u64, replicate: u64, ticks: u32) -> ReplicateOutput {
    run_replicate_observed(s, seed, replicate, ticks, &|| {})
}

/// [`run_replicate`], calling `after_tick` after every tick (for a progress display; it cannot
/// change the results).
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// let seen = AtomicU32::new(0);
/// let out = impunity::run::run_replicate_observed(&s, 1, 0, 12, &|| {
///     seen.fetch_add(1, Ordering::Relaxed);
/// });
/// assert_eq!(seen.into_inner(), 12);
/// assert_eq!(out.rows, impunity::run::run_replicate(&s, 1, 0, 12).rows);
/// ```
///
/// # Panics
/// If `s` is invalid.
pub fn run_replicate_observed(
    s: &Scenario,
    seed: u64,
    replicate: u64,
    ticks: u32,
    after_tick: &dyn Fn(),
) -> ReplicateOutput {
    let mut m = Model::new(s, seed, replicate).expect("scenario was validated");
    let mut rows = Vec::with_capacity(ticks as usize + 1);
    let mut active = Vec::with_capacity(ticks as usize + 1);
    let record = |m: &Model, rows: &mut Vec<Vec<f64>>, active: &mut Vec<f64>| {
        let st = m.stats();
        let mut row = Vec::with_capacity(m.metrics().names().len());
        m.metrics().values(&st, &mut row);
        rows.push(row);
        active.push(st.active as f64);
    };
    record(&m, &mut rows, &mut active);
    let mut totals = m.institutions().map(|_| ConflictTotals::start(&m));
    let mut events = Vec::new();
    for _ in 0..ticks {
        m.step();
        record(&m, &mut rows, &mut active);
        if let Some(t) = totals.as_mut() {
            t.add_tick(&m);
            events.extend_from_slice(m.events());
        }
        after_tick();
    }
    if let Some(t) = totals.as_mut() {
        t.finish(&m);
    }
    let summary = ActivitySummary::of(&active);
    ReplicateOutput {
        replicate,
        rows,
        active,
        summary,
        events,
        cases: m
            .institutions()
            .map(|i| i.cases.clone())
            .unwrap_or_default(),
        conflict: totals,
    }
}

/// Runs replicates `0..replicates` on the current rayon pool (the caller's; the library never
/// builds one) and returns them in replicate order, whatever order they finish in.
///
/// This keeps every replicate in memory: fine for a few hundred. Large ensembles, sweeps and
/// comparisons go through [`crate::ensemble`], which streams each replicate to disk as it
/// finishes (what `impunity run` does).
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
