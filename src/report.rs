//! Whole-run totals of one replicate of the conflict model ([`ConflictTotals`], in
//! [`crate::run::ReplicateOutput::conflict`]), summed tick by tick while it runs.

use crate::model::{ConflictCounters, Fate, Model};

/// Totals of one replicate of the conflict model.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictTotals {
    /// The tick counters summed over the run.
    pub counters: ConflictCounters,
    /// Legitimacy per community at tick 0.
    pub legitimacy_start: Vec<f64>,
    /// Legitimacy per community at the end.
    pub legitimacy_end: Vec<f64>,
    /// Unresolved injustice per community at the end.
    pub unresolved_end: Vec<f64>,
    /// Fighters per group at tick 0.
    pub fighters_start: Vec<u64>,
    /// Fighters per group at the end.
    pub fighters_end: Vec<u64>,
    /// Cases per fate at the end ([`Fate`] order: pending, investigating, serving, punished,
    /// never investigated, acquitted, amnestied).
    pub fates: [u64; 7],
}

/// Every case fate, in the order of [`ConflictTotals::fates`].
pub const FATES: [Fate; 7] = [
    Fate::Pending,
    Fate::Investigating,
    Fate::Serving,
    Fate::Punished,
    Fate::NeverInvestigated,
    Fate::Acquitted,
    Fate::Amnestied,
];

impl ConflictTotals {
    /// Totals starting at `m`'s tick-0 state.
    pub(crate) fn start(m: &Model) -> ConflictTotals {
        let st = m.stats();
        let s = m.scenario();
        ConflictTotals {
            counters: ConflictCounters::new(s.communities.len(), s.groups.len()),
            legitimacy_start: st.legitimacy.clone(),
            legitimacy_end: st.legitimacy,
            unresolved_end: st.unresolved,
            fighters_start: st.fighters.clone(),
            fighters_end: st.fighters,
            fates: [0; 7],
        }
    }

    /// Adds the tick just run.
    pub(crate) fn add_tick(&mut self, m: &Model) {
        let Some(c) = m.conflict_counters() else {
            return;
        };
        let t = &mut self.counters;
        for k in 0..6 {
            t.killed_by[k] += c.killed_by[k];
        }
        for (a, b) in t.killed_of.iter_mut().zip(&c.killed_of) {
            *a += b;
        }
        for (a, b) in t.recruits.iter_mut().zip(&c.recruits) {
            *a += b;
        }
        t.abuses += c.abuses;
        t.abuses_trained += c.abuses_trained;
        t.cases_opened += c.cases_opened;
        t.cases_investigated += c.cases_investigated;
        t.convictions += c.convictions;
        t.amnesties += c.amnesties;
        t.battles += c.battles;
        t.battle_deaths += c.battle_deaths;
    }

    /// Records the final state.
    pub(crate) fn finish(&mut self, m: &Model) {
        let st = m.stats();
        self.legitimacy_end = st.legitimacy;
        self.unresolved_end = st.unresolved;
        self.fighters_end = st.fighters;
        for c in m.cases() {
            let k = FATES
                .iter()
                .position(|f| *f == c.fate)
                .expect("every fate listed");
            self.fates[k] += 1;
        }
    }
}
