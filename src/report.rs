//! Whole-run totals of the conflict model and the text summary printed after a run.
//!
//! ```
//! use impunity::{presets, run::run_replicate, report::ConflictReport};
//! let s = presets::get("central-mali-2018").unwrap()
//!     .with_changes([("world.people_per_agent", toml::Value::Float(200.0))]).unwrap();
//! let out = run_replicate(&s, 1, 0, 5);
//! let report = ConflictReport::new(&s, &[out]);
//! assert!(report.to_string().contains("Civilians killed"));
//! ```

use crate::events::PerpetratorKind;
use crate::model::{ConflictCounters, Fate, Model};
use crate::run::ReplicateOutput;
use crate::scenario::Scenario;
use std::fmt;

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
    pub fn start(m: &Model) -> ConflictTotals {
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
    pub fn add_tick(&mut self, m: &Model) {
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
    pub fn finish(&mut self, m: &Model) {
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

/// The text summary of a conflict run: civilian deaths in people by perpetrator and by
/// community, abuses and their fates, legitimacy at the start and the end. With several
/// replicates, each figure is the mean across them.
#[derive(Clone, Debug)]
pub struct ConflictReport {
    ppa: f64,
    replicates: usize,
    perpetrators: Vec<(String, f64)>,
    communities: Vec<(String, f64, f64, f64, f64)>,
    groups: Vec<(String, f64, f64, f64)>,
    abuses: f64,
    cases: f64,
    fates: Vec<(String, f64)>,
    convictions: f64,
    amnesties: f64,
    battles: f64,
    battle_deaths: f64,
}

impl ConflictReport {
    /// The report over `outputs` (replicates without conflict totals are skipped).
    pub fn new(s: &Scenario, outputs: &[ReplicateOutput]) -> ConflictReport {
        let names = crate::ensemble::outcomes::names(s).unwrap_or_default();
        let rows: Vec<Vec<f64>> = outputs
            .iter()
            .filter(|o| o.conflict.is_some())
            .map(crate::ensemble::outcomes::values)
            .collect();
        let mut sums = vec![0.0; names.len()];
        for r in &rows {
            for (a, b) in sums.iter_mut().zip(r) {
                *a += b;
            }
        }
        ConflictReport::from_sums(s, rows.len(), &names, &sums)
    }

    /// The report from the sums, over `replicates` replicates, of the outcomes `names` (as in
    /// `outcomes.csv`, see [`crate::ensemble::outcomes`]); each figure is sum / replicates.
    pub fn from_sums(
        s: &Scenario,
        replicates: usize,
        names: &[String],
        sums: &[f64],
    ) -> ConflictReport {
        let n = replicates.max(1) as f64;
        let ppa = s.world.people_per_agent;
        let mean = |name: &str| {
            names
                .iter()
                .position(|x| x == name)
                .map_or(0.0, |k| sums[k] / n)
        };
        ConflictReport {
            ppa,
            replicates,
            perpetrators: PerpetratorKind::ALL
                .iter()
                .map(|p| {
                    (
                        p.name().to_string(),
                        mean(&format!("civilians_killed_by_{}", p.name())) * ppa,
                    )
                })
                .collect(),
            communities: s
                .communities
                .keys()
                .map(|c| {
                    (
                        c.clone(),
                        mean(&format!("civilians_killed_{c}")) * ppa,
                        mean(&format!("legitimacy_start_{c}")),
                        mean(&format!("legitimacy_end_{c}")),
                        mean(&format!("unresolved_end_{c}")),
                    )
                })
                .collect(),
            groups: s
                .groups
                .keys()
                .map(|g| {
                    (
                        g.clone(),
                        mean(&format!("fighters_start_{g}")) * ppa,
                        mean(&format!("recruits_{g}")) * ppa,
                        mean(&format!("fighters_end_{g}")) * ppa,
                    )
                })
                .collect(),
            abuses: mean("abuses") * ppa,
            cases: mean("cases_opened"),
            fates: FATES
                .iter()
                .map(|f| {
                    (
                        f.name().replace('_', " "),
                        mean(&format!("cases_{}", f.name())),
                    )
                })
                .collect(),
            convictions: mean("convictions"),
            amnesties: mean("amnesties"),
            battles: mean("battles"),
            battle_deaths: mean("battle_deaths") * ppa,
        }
    }
}

impl fmt::Display for ConflictReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = if self.replicates > 1 {
            format!("mean of {} replicates", self.replicates)
        } else {
            "one replicate".to_string()
        };
        writeln!(f, "People (1 agent = {} people; {scope})", self.ppa)?;
        writeln!(f, "Civilians killed, by perpetrator")?;
        let total: f64 = self.perpetrators.iter().map(|p| p.1).sum();
        for (name, v) in &self.perpetrators {
            writeln!(f, "  {name:<16} {v:>10.0}")?;
        }
        writeln!(f, "  {:<16} {total:>10.0}", "all")?;
        writeln!(
            f,
            "Civilians killed, by community   legitimacy start -> end   unresolved"
        )?;
        for (name, killed, l0, l1, u) in &self.communities {
            writeln!(
                f,
                "  {name:<16} {killed:>10.0}            {l0:.3} -> {l1:.3}        {u:.3}"
            )?;
        }
        writeln!(f, "Armed groups (people)      start   recruits        end")?;
        for (name, a, r, b) in &self.groups {
            writeln!(f, "  {name:<18} {a:>10.0} {r:>10.0} {b:>10.0}")?;
        }
        writeln!(
            f,
            "Abuses: {:.0} people killed by state-side forces, {:.1} cases opened",
            self.abuses, self.cases
        )?;
        let fates: Vec<String> = self
            .fates
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .map(|(k, v)| format!("{k} {v:.1}"))
            .collect();
        writeln!(
            f,
            "  fates at the end: {}",
            if fates.is_empty() {
                "none".into()
            } else {
                fates.join(", ")
            }
        )?;
        writeln!(
            f,
            "  convictions {:.1}, amnesties {:.1}",
            self.convictions, self.amnesties
        )?;
        write!(
            f,
            "Battles: {:.1} events, {:.0} combatants killed",
            self.battles, self.battle_deaths
        )
    }
}
