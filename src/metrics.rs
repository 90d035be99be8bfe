//! Per-tick metrics: the columns of `timeseries.csv`. In the conflict model every count is in
//! people (each agent carries its own number of people); in Epstein's models an agent is a
//! person.
//!
//! A per-tick count (a flow: what happened during the tick) starts with `new_`; a level (a
//! stock: the state at the end of the tick) is named as it is. Their whole-run outcomes
//! (`outcomes.csv`) are `<count>_total` and `<level>_end` (see [`crate::ensemble::outcomes`]).
//!
//! | column | kind | meaning |
//! |---|---|---|
//! | `quiescent`, `active`, `jailed` | level | civilians in each status (jailed includes captured fighters) |
//! | `cops` | level | force units on the lattice (their soldiers, in the conflict model) |
//! | `alive_<community>` | level | living persons of a community, jailed and fighters included |
//! | `new_killed` | count | persons killed by persons during the tick (Epstein's Model II) |
//! | `new_arrests` | count | people arrested during the tick |
//! | `new_births`, `new_deaths_of_age` | count | demography during the tick |
//! | `new_killed_civilians_<perp>` | count | civilians killed, by perpetrator: `state`, `progov`, `militia`, `jihadist`, `bandit`, `international` |
//! | `new_killed_<community>` | count | civilians of a community killed (any perpetrator) |
//! | `fighters_<group>` | level | members of an armed group (not in jail) |
//! | `new_recruits_<group>` | count | people who joined the group |
//! | `new_abuses` | count | people killed in extrajudicial killings |
//! | `new_abuses_trained` | count | of which by units a training mission trained (not in the default set) |
//! | `new_cases_opened`, `new_cases_investigated`, `new_convictions`, `new_amnesties` | count | the justice pipeline, in cases |
//! | `legitimacy_<community>` | level | L: the state's legitimacy in the community's eyes (an index, 0 to 1) |
//! | `unresolved_<community>` | level | U: the community's unresolved-injustice index |
//! | `new_battles`, `new_battle_deaths` | count | battle events, and combatants killed in them (people) |
//!
//! The default set is Model I's `quiescent,active,jailed,cops`; Model II's
//! `alive_<c>…,new_killed,jailed` when some community kills another; the conflict model's
//! (every column above from `new_killed_civilians_state` on but `alive_<c>` and
//! `new_abuses_trained`, plus `active` and `jailed`) when the scenario uses it.
//! `outputs.metrics` in a scenario picks any list.

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
    /// `new_killed`
    Killed,
    /// `new_arrests`
    Arrests,
    /// `new_births`
    Births,
    /// `new_deaths_of_age`
    DeathsOfAge,
    /// `new_killed_civilians_<perp>`
    KilledCivilians(PerpetratorKind),
    /// `new_killed_<community>`
    KilledOf(usize),
    /// `fighters_<group>`
    Fighters(usize),
    /// `new_recruits_<group>`
    Recruits(usize),
    /// `new_abuses`
    Abuses,
    /// `new_abuses_trained`
    AbusesTrained,
    /// `new_cases_opened`
    CasesOpened,
    /// `new_cases_investigated`
    CasesInvestigated,
    /// `new_convictions`
    Convictions,
    /// `new_amnesties`
    Amnesties,
    /// `legitimacy_<community>`
    Legitimacy(usize),
    /// `unresolved_<community>`
    Unresolved(usize),
    /// `new_battles`
    Battles,
    /// `new_battle_deaths`
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

/// What one column of `timeseries.csv` is: the long form of the outputs writes a column
/// `name` as `measure` (with the `new_` prefix of a per-tick count) about `entity` (a
/// perpetrator kind, a community or an armed group; none for a scenario-wide count), in `unit`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// What is measured: `new_killed_civilians`, `legitimacy`, `fighters`, `active`, …
    pub measure: &'static str,
    /// Whom it is about, if anyone.
    pub entity: Option<String>,
    /// `people` or `agents` (counts of persons, [`count_unit`]), `cases`, `battles`, or
    /// `index` (legitimacy, unresolved injustice).
    pub unit: &'static str,
    /// A per-tick count (flow) or a level (stock).
    pub kind: MetricKind,
}

/// The ordered columns a scenario reports.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSet {
    names: Vec<String>,
    metrics: Vec<Metric>,
    /// Per column: its measure and entity ([`Column`]).
    columns: Vec<Column>,
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
    /// A per-tick count by its name before per-tick counts took the `new_` prefix.
    #[error(
        "`{name}` is now `{now}`: per-tick counts start with `new_` (levels such as `fighters_<group>` keep their names)"
    )]
    Renamed {
        /// The name given.
        name: String,
        /// Its name now.
        now: String,
    },
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
        let (names, metrics): (Vec<String>, Vec<Metric>) = if s.outputs.metrics.is_empty() {
            default_metrics(s)
                .into_iter()
                .map(|m| (m.name(s), m))
                .unzip()
        } else {
            let all: Vec<(String, Metric)> =
                all_metrics(s).into_iter().map(|m| (m.name(s), m)).collect();
            let mut names = Vec::new();
            let mut metrics = Vec::new();
            for (i, n) in s.outputs.metrics.iter().enumerate() {
                if s.outputs.metrics[..i].contains(n) {
                    return Err(MetricError::Twice(n.clone()));
                }
                match all.iter().find(|(name, _)| name == n) {
                    Some((_, m)) => {
                        names.push(n.clone());
                        metrics.push(m.clone());
                    }
                    None if all.iter().any(|(name, _)| *name == format!("new_{n}")) => {
                        return Err(MetricError::Renamed {
                            name: n.clone(),
                            now: format!("new_{n}"),
                        });
                    }
                    None => {
                        return Err(MetricError::Unknown {
                            name: n.clone(),
                            known: all.into_iter().map(|(name, _)| name).collect(),
                        });
                    }
                }
            }
            (names, metrics)
        };
        let unit = count_unit(s);
        let columns = metrics
            .iter()
            .map(|m| {
                let (measure, entity) = m.parts(s);
                Column {
                    measure,
                    entity,
                    unit: m.unit(unit),
                    kind: m.kind(),
                }
            })
            .collect();
        Ok(MetricSet {
            names,
            metrics,
            columns,
            unit,
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
    /// assert_eq!(kind("new_killed_civilians_state"), MetricKind::Flow);
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

    /// What each column is, in column order: its measure, entity, unit and kind, as the long
    /// form of the outputs writes them.
    ///
    /// ```
    /// use impunity::metrics::{MetricKind, MetricSet};
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// let m = MetricSet::for_scenario(&mali).unwrap();
    /// let k = m.names().iter().position(|n| n == "new_killed_civilians_state").unwrap();
    /// let c = &m.columns()[k];
    /// assert_eq!((c.measure, c.entity.as_deref(), c.unit), ("new_killed_civilians", Some("state"), "people"));
    /// assert_eq!(c.kind, MetricKind::Flow);
    /// let k = m.names().iter().position(|n| n == "legitimacy_peul").unwrap();
    /// assert_eq!(m.columns()[k].unit, "index");
    /// ```
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Appends the values of every column for `st` (counts of persons in [`MetricSet::unit`]).
    pub(crate) fn values(&self, st: &TickStats, out: &mut Vec<f64>) {
        out.extend(self.metrics.iter().map(|m| m.value(st)));
    }
}

impl Metric {
    /// The column's name in `s`: per-tick counts start with `new_` (people killed, recruited,
    /// arrested… during the tick), levels are named as they are (`fighters_<g>`,
    /// `legitimacy_<c>`), so that a count and a level are never mistaken for each other.
    pub(crate) fn name(&self, s: &Scenario) -> String {
        let (measure, entity) = self.parts(s);
        match entity {
            Some(e) => format!("{measure}_{e}"),
            None => measure.to_string(),
        }
    }

    /// The column's measure and the entity it is about (a perpetrator kind, a community or an
    /// armed group), as the long form of the outputs splits them: `new_killed_civilians_state`
    /// is `new_killed_civilians` of `state`.
    pub(crate) fn parts(&self, s: &Scenario) -> (&'static str, Option<String>) {
        use Metric::*;
        let comm = |k: &usize| s.communities.get_index(*k).map(|(n, _)| n.clone());
        let group = |g: &usize| s.groups.get_index(*g).map(|(n, _)| n.clone());
        match self {
            Quiescent => ("quiescent", None),
            Active => ("active", None),
            Jailed => ("jailed", None),
            Cops => ("cops", None),
            Alive(k) => ("alive", comm(k)),
            Killed => ("new_killed", None),
            Arrests => ("new_arrests", None),
            Births => ("new_births", None),
            DeathsOfAge => ("new_deaths_of_age", None),
            KilledCivilians(p) => ("new_killed_civilians", Some(p.name().to_string())),
            KilledOf(k) => ("new_killed", comm(k)),
            Fighters(g) => ("fighters", group(g)),
            Recruits(g) => ("new_recruits", group(g)),
            Abuses => ("new_abuses", None),
            AbusesTrained => ("new_abuses_trained", None),
            CasesOpened => ("new_cases_opened", None),
            CasesInvestigated => ("new_cases_investigated", None),
            Convictions => ("new_convictions", None),
            Amnesties => ("new_amnesties", None),
            Legitimacy(k) => ("legitimacy", comm(k)),
            Unresolved(k) => ("unresolved", comm(k)),
            Battles => ("new_battles", None),
            BattleDeaths => ("new_battle_deaths", None),
        }
    }

    /// The unit of the column's values: `unit` (the scenario's [`count_unit`]) for counts of
    /// persons, `cases` or `battles` for counts of those, `index` for legitimacy and
    /// unresolved injustice.
    pub(crate) fn unit(&self, unit: &'static str) -> &'static str {
        use Metric::*;
        match self {
            CasesOpened | CasesInvestigated | Convictions | Amnesties => "cases",
            Battles => "battles",
            Legitimacy(_) | Unresolved(_) => "index",
            _ => unit,
        }
    }
}

/// Every column `s` can report, in the order `outputs.metrics` lists them in the docs.
fn all_metrics(s: &Scenario) -> Vec<Metric> {
    use Metric::*;
    let mut v = vec![
        Quiescent,
        Active,
        Jailed,
        Cops,
        Killed,
        Arrests,
        Births,
        DeathsOfAge,
        Abuses,
        AbusesTrained,
        CasesOpened,
        CasesInvestigated,
        Convictions,
        Amnesties,
        Battles,
        BattleDeaths,
    ];
    v.extend(PerpetratorKind::ALL.iter().map(|&p| KilledCivilians(p)));
    for c in 0..s.communities.len() {
        v.extend([Alive(c), KilledOf(c), Legitimacy(c), Unresolved(c)]);
    }
    for g in 0..s.groups.len() {
        v.extend([Fighters(g), Recruits(g)]);
    }
    v
}

fn default_metrics(s: &Scenario) -> Vec<Metric> {
    use Metric::*;
    let nc = s.communities.len();
    let ng = s.groups.len();
    if is_conflict(s) {
        let mut v: Vec<Metric> = PerpetratorKind::ALL
            .iter()
            .map(|&p| KilledCivilians(p))
            .collect();
        v.extend((0..nc).map(KilledOf));
        v.extend((0..ng).map(Fighters));
        v.extend((0..ng).map(Recruits));
        v.extend([
            Abuses,
            CasesOpened,
            CasesInvestigated,
            Convictions,
            Amnesties,
        ]);
        v.extend((0..nc).map(Legitimacy));
        v.extend((0..nc).map(Unresolved));
        v.extend([Battles, BattleDeaths, Active, Jailed]);
        return v;
    }
    let model2 = s.communities.values().any(|c| !c.kills.is_empty());
    if model2 {
        let mut v: Vec<Metric> = (0..nc).map(Alive).collect();
        v.extend([Killed, Jailed]);
        v
    } else {
        vec![Quiescent, Active, Jailed, Cops]
    }
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
