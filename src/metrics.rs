//! Per-tick metrics: the columns of `timeseries.csv`. In the conflict model every count is in
//! people (each agent carries its own number of people); in Epstein's models an agent is a
//! person.
//!
//! | column | kind | meaning |
//! |---|---|---|
//! | `quiescent`, `active`, `jailed` | stock | civilians in each status (jailed includes captured fighters) |
//! | `cops` | stock | force units on the lattice (their soldiers, in the conflict model) |
//! | `alive_<community>` | stock | living persons of a community, jailed and fighters included |
//! | `killed` | flow | persons killed by persons during the tick (Epstein's Model II) |
//! | `arrests` | flow | people arrested during the tick |
//! | `births`, `deaths_of_age` | flow | demography during the tick |
//! | `killed_civilians_<perp>` | flow | civilians killed, by perpetrator: `state`, `progov`, `militia`, `jihadist`, `bandit`, `international` |
//! | `killed_<community>` | flow | civilians of a community killed (any perpetrator) |
//! | `fighters_<group>` | stock | members of an armed group (not in jail) |
//! | `recruits_<group>` | flow | people who joined the group |
//! | `abuses` | flow | people killed in extrajudicial killings |
//! | `abuses_trained` | flow | of which by units a training mission trained (not in the default set) |
//! | `cases_opened`, `cases_investigated`, `convictions`, `amnesties` | flow | the justice pipeline |
//! | `legitimacy_<community>` | stock | L: the state's legitimacy in the community's eyes |
//! | `unresolved_<community>` | stock | U: the community's unresolved-injustice index |
//! | `battles`, `battle_deaths` | flow | battle events and combatants killed in them |
//!
//! The default set is Model I's `quiescent,active,jailed,cops`; Model II's
//! `alive_<c>…,killed,jailed` when some community kills another; the conflict model's full set
//! (every column above from `killed_civilians_state` on, plus `active` and `jailed`) when the
//! scenario uses it. `outputs.metrics` in a scenario picks any list.

use crate::events::PerpetratorKind;
use crate::model::{ConflictCounters, Model, Status, is_conflict};
use crate::scenario::Scenario;

/// Counts describing one tick.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TickStats {
    /// Tick number.
    pub tick: u32,
    /// Quiescent persons.
    pub quiescent: u64,
    /// Active persons.
    pub active: u64,
    /// Jailed persons.
    pub jailed: u64,
    /// Force units.
    pub units: u64,
    /// Living persons per community (jailed and fighters included).
    pub alive: Vec<u64>,
    /// Killings by persons this tick (Model II).
    pub killed: u64,
    /// Arrests this tick.
    pub arrests: u64,
    /// Births this tick.
    pub births: u64,
    /// Deaths of age this tick.
    pub deaths_of_age: u64,
    /// Fighters per group.
    pub fighters: Vec<u64>,
    /// The conflict model's counts of the tick (all zero outside it).
    pub conflict: ConflictCounters,
    /// Legitimacy per community.
    pub legitimacy: Vec<f64>,
    /// Unresolved injustice per community.
    pub unresolved: Vec<f64>,
}

impl TickStats {
    /// Overwrites `self` with the statistics of `m`'s current state, reusing its vectors.
    pub(crate) fn fill(&mut self, m: &Model) {
        let s = m.scenario();
        let (nc, ng) = (s.communities.len(), s.groups.len());
        self.tick = m.tick();
        self.quiescent = 0;
        self.active = 0;
        self.jailed = 0;
        self.alive.clear();
        self.alive.resize(nc, 0);
        self.fighters.clear();
        self.fighters.resize(ng, 0);
        self.units = (0..m.units().len())
            .filter(|&u| !m.units()[u].dead)
            .map(|u| m.soldiers(u) as u64)
            .sum();
        for (i, p) in m.persons().iter().enumerate() {
            let n = m.people(i) as u64;
            match p.status {
                Status::Quiescent => self.quiescent += n,
                Status::Active => self.active += n,
                Status::Jailed => self.jailed += n,
                Status::Fighter => self.fighters[p.group as usize] += n,
                Status::Dead => continue,
            }
            self.alive[p.community as usize] += n;
        }
        let c = m.counters();
        self.killed = c.killed as u64;
        self.arrests = c.arrests as u64;
        self.births = c.births as u64;
        self.deaths_of_age = c.deaths_of_age as u64;
        match m.conflict_counters() {
            Some(counters) => {
                self.conflict.copy_from(counters);
                self.legitimacy.clone_from_slice_reusing(&m.legitimacy());
                self.unresolved.clone_from_slice_reusing(m.unresolved());
            }
            None => {
                self.conflict.killed_of.resize(nc, 0);
                self.conflict.recruits.resize(ng, 0);
                self.conflict.reset();
                self.legitimacy.clear();
                self.legitimacy
                    .extend(s.communities.values().map(|c| c.legitimacy));
                self.unresolved.clear();
                self.unresolved.resize(nc, 0.0);
            }
        }
    }

    /// Living persons (all communities).
    pub fn persons(&self) -> u64 {
        self.alive.iter().sum()
    }

    /// Civilians killed this tick, all perpetrators.
    pub fn civilians_killed(&self) -> u64 {
        self.conflict.killed_by.iter().sum()
    }
}

/// The unit of every count of persons in `s`'s outputs: `people` for the conflict model
/// (whose agents carry head counts, so that it counts people itself), `agents` for Epstein's
/// models (where, as in the paper, an agent is one person and the outputs say `agents`).
///
/// ```
/// use impunity::metrics::count_unit;
/// let mali = impunity::presets::get("central-mali-2018").unwrap();
/// assert_eq!(count_unit(&mali), "people");
/// let epstein = impunity::presets::get("epstein-run1").unwrap();
/// assert_eq!(count_unit(&epstein), "agents");
/// ```
pub fn count_unit(s: &Scenario) -> &'static str {
    if is_conflict(s) { "people" } else { "agents" }
}

/// Whether a column counts events during a tick (a flow, summed over a run) or describes the
/// state at the end of a tick (a stock, read at its end or at its peak).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// Events during the tick (killings, arrests, …).
    Flow,
    /// State at the end of the tick (actives, living persons, legitimacy, …).
    Stock,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Metric {
    /// `quiescent`
    Quiescent,
    /// `active`
    Active,
    /// `jailed`
    Jailed,
    /// `cops`
    Cops,
    /// `alive_<community>`
    Alive(usize),
    /// `killed`
    Killed,
    /// `arrests`
    Arrests,
    /// `births`
    Births,
    /// `deaths_of_age`
    DeathsOfAge,
    /// `killed_civilians_<perp>`
    KilledCivilians(PerpetratorKind),
    /// `killed_<community>`
    KilledOf(usize),
    /// `fighters_<group>`
    Fighters(usize),
    /// `recruits_<group>`
    Recruits(usize),
    /// `abuses`
    Abuses,
    /// `abuses_trained`
    AbusesTrained,
    /// `cases_opened`
    CasesOpened,
    /// `cases_investigated`
    CasesInvestigated,
    /// `convictions`
    Convictions,
    /// `amnesties`
    Amnesties,
    /// `legitimacy_<community>`
    Legitimacy(usize),
    /// `unresolved_<community>`
    Unresolved(usize),
    /// `battles`
    Battles,
    /// `battle_deaths`
    BattleDeaths,
}

impl Metric {
    /// Flow or stock.
    pub(crate) fn kind(&self) -> MetricKind {
        use Metric::*;
        match self {
            Quiescent | Active | Jailed | Cops | Alive(_) | Fighters(_) | Legitimacy(_)
            | Unresolved(_) => MetricKind::Stock,
            _ => MetricKind::Flow,
        }
    }

    /// Whether the column counts persons (in [`count_unit`]), rather
    /// than cases, battles or an index.
    pub(crate) fn counts_persons(&self) -> bool {
        use Metric::*;
        !matches!(
            self,
            CasesOpened
                | CasesInvestigated
                | Convictions
                | Amnesties
                | Legitimacy(_)
                | Unresolved(_)
                | Battles
        )
    }

    fn value(&self, st: &TickStats) -> f64 {
        use Metric::*;
        let c = &st.conflict;
        match self {
            Quiescent => st.quiescent as f64,
            Active => st.active as f64,
            Jailed => st.jailed as f64,
            Cops => st.units as f64,
            Alive(k) => st.alive[*k] as f64,
            Killed => st.killed as f64,
            Arrests => st.arrests as f64,
            Births => st.births as f64,
            DeathsOfAge => st.deaths_of_age as f64,
            KilledCivilians(p) => c.killed_by[*p as usize] as f64,
            KilledOf(k) => c.killed_of[*k] as f64,
            Fighters(g) => st.fighters[*g] as f64,
            Recruits(g) => c.recruits[*g] as f64,
            Abuses => c.abuses as f64,
            AbusesTrained => c.abuses_trained as f64,
            CasesOpened => c.cases_opened as f64,
            CasesInvestigated => c.cases_investigated as f64,
            Convictions => c.convictions as f64,
            Amnesties => c.amnesties as f64,
            Legitimacy(k) => st.legitimacy[*k],
            Unresolved(k) => st.unresolved[*k],
            Battles => c.battles as f64,
            BattleDeaths => c.battle_deaths as f64,
        }
    }
}

/// The ordered columns a scenario reports.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSet {
    names: Vec<String>,
    metrics: Vec<Metric>,
    /// [`count_unit`] of the scenario.
    unit: &'static str,
}

/// What is wrong with a scenario's `outputs.metrics` (the scenario's validation reports it at
/// that key path).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// A column listed twice.
    #[error("`{0}` is listed twice")]
    Twice(String),
    /// A name that is no column of this scenario; the message suggests the nearest, or lists
    /// them all.
    #[error("{}", crate::scenario::unknown("metric", .name, .known.iter()))]
    Unknown {
        /// The name given.
        name: String,
        /// Every column this scenario can report.
        known: Vec<String>,
    },
}

impl MetricSet {
    /// The columns for a scenario: `outputs.metrics`, or the default set.
    ///
    /// ```
    /// use impunity::metrics::{MetricError, MetricSet};
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// assert_eq!(MetricSet::for_scenario(&s).unwrap().names(), ["quiescent", "active", "jailed", "cops"]);
    /// let mut t = s.clone();
    /// t.outputs.metrics = vec!["activ".into()];
    /// let e = MetricSet::for_scenario(&t).unwrap_err();
    /// assert!(matches!(e, MetricError::Unknown { .. }));
    /// assert_eq!(e.to_string(), "unknown metric `activ`; did you mean `active`?");
    /// ```
    pub fn for_scenario(s: &Scenario) -> Result<MetricSet, MetricError> {
        let names: Vec<String> = if s.outputs.metrics.is_empty() {
            default_names(s)
        } else {
            s.outputs.metrics.clone()
        };
        let mut metrics = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(MetricError::Twice(n.clone()));
            }
            match parse(s, n) {
                Some(m) => metrics.push(m),
                None => {
                    return Err(MetricError::Unknown {
                        name: n.clone(),
                        known: all_names(s),
                    });
                }
            }
        }
        Ok(MetricSet {
            names,
            metrics,
            unit: count_unit(s),
        })
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Flow or stock, per column.
    ///
    /// ```
    /// use impunity::metrics::{MetricKind, MetricSet};
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// let m = MetricSet::for_scenario(&mali).unwrap();
    /// let kind = |name: &str| m.kinds()[m.names().iter().position(|n| n == name).unwrap()];
    /// assert_eq!(kind("killed_civilians_state"), MetricKind::Flow);
    /// assert_eq!(kind("legitimacy_peul"), MetricKind::Stock);
    /// ```
    pub fn kinds(&self) -> Vec<MetricKind> {
        self.metrics.iter().map(Metric::kind).collect()
    }

    /// Whether each column counts persons (in [`MetricSet::unit`]), in column order.
    pub fn counts_persons(&self) -> Vec<bool> {
        self.metrics.iter().map(Metric::counts_persons).collect()
    }

    /// The unit of the columns that count persons: `people` or `agents`
    /// ([`count_unit`]).
    pub fn unit(&self) -> &'static str {
        self.unit
    }

    /// Appends the values of every column for `st` (counts of persons in [`MetricSet::unit`]).
    pub(crate) fn values(&self, st: &TickStats, out: &mut Vec<f64>) {
        out.extend(self.metrics.iter().map(|m| m.value(st)));
    }
}

fn parse(s: &Scenario, n: &str) -> Option<Metric> {
    use Metric::*;
    let comm = |rest: &str| s.communities.get_index_of(rest);
    let group = |rest: &str| s.groups.get_index_of(rest);
    Some(match n {
        "quiescent" => Quiescent,
        "active" => Active,
        "jailed" => Jailed,
        "cops" => Cops,
        "killed" => Killed,
        "arrests" => Arrests,
        "births" => Births,
        "deaths_of_age" => DeathsOfAge,
        "abuses" => Abuses,
        "abuses_trained" => AbusesTrained,
        "cases_opened" => CasesOpened,
        "cases_investigated" => CasesInvestigated,
        "convictions" => Convictions,
        "amnesties" => Amnesties,
        "battles" => Battles,
        "battle_deaths" => BattleDeaths,
        _ => {
            if let Some(p) = n.strip_prefix("killed_civilians_") {
                KilledCivilians(*PerpetratorKind::ALL.iter().find(|q| q.name() == p)?)
            } else if let Some(c) = n.strip_prefix("alive_") {
                Alive(comm(c)?)
            } else if let Some(c) = n.strip_prefix("killed_") {
                KilledOf(comm(c)?)
            } else if let Some(g) = n.strip_prefix("fighters_") {
                Fighters(group(g)?)
            } else if let Some(g) = n.strip_prefix("recruits_") {
                Recruits(group(g)?)
            } else if let Some(c) = n.strip_prefix("legitimacy_") {
                Legitimacy(comm(c)?)
            } else if let Some(c) = n.strip_prefix("unresolved_") {
                Unresolved(comm(c)?)
            } else {
                return None;
            }
        }
    })
}

fn default_names(s: &Scenario) -> Vec<String> {
    if is_conflict(s) {
        let mut v: Vec<String> = PerpetratorKind::ALL
            .iter()
            .map(|p| format!("killed_civilians_{}", p.name()))
            .collect();
        v.extend(s.communities.keys().map(|c| format!("killed_{c}")));
        v.extend(s.groups.keys().map(|g| format!("fighters_{g}")));
        v.extend(s.groups.keys().map(|g| format!("recruits_{g}")));
        v.extend(
            [
                "abuses",
                "cases_opened",
                "cases_investigated",
                "convictions",
                "amnesties",
            ]
            .map(String::from),
        );
        v.extend(s.communities.keys().map(|c| format!("legitimacy_{c}")));
        v.extend(s.communities.keys().map(|c| format!("unresolved_{c}")));
        v.extend(["battles", "battle_deaths", "active", "jailed"].map(String::from));
        return v;
    }
    let model2 = s.communities.values().any(|c| !c.kills.is_empty());
    if model2 {
        let mut v: Vec<String> = s.communities.keys().map(|c| format!("alive_{c}")).collect();
        v.push("killed".into());
        v.push("jailed".into());
        v
    } else {
        ["quiescent", "active", "jailed", "cops"]
            .map(String::from)
            .to_vec()
    }
}

fn all_names(s: &Scenario) -> Vec<String> {
    let mut v: Vec<String> = [
        "quiescent",
        "active",
        "jailed",
        "cops",
        "killed",
        "arrests",
        "births",
        "deaths_of_age",
    ]
    .map(String::from)
    .to_vec();
    v.extend(ConflictCounters::SCALAR_NAMES.map(String::from));
    v.extend(
        PerpetratorKind::ALL
            .iter()
            .map(|p| format!("killed_civilians_{}", p.name())),
    );
    for c in s.communities.keys() {
        for pre in ["alive", "killed", "legitimacy", "unresolved"] {
            v.push(format!("{pre}_{c}"));
        }
    }
    for g in s.groups.keys() {
        v.push(format!("fighters_{g}"));
        v.push(format!("recruits_{g}"));
    }
    v
}

/// `Vec::clone_from` for a slice source: the vector's memory is reused.
trait CopyFromSlice {
    fn clone_from_slice_reusing(&mut self, src: &[f64]);
}

impl CopyFromSlice for Vec<f64> {
    fn clone_from_slice_reusing(&mut self, src: &[f64]) {
        self.clear();
        self.extend_from_slice(src);
    }
}
