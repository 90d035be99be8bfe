//! Per-tick metrics: the columns of `timeseries.csv`.
//!
//! | column | meaning |
//! |---|---|
//! | `quiescent`, `active`, `jailed` | persons in each status (agents) |
//! | `cops` | force units on the lattice |
//! | `alive_<community>` | living persons of a community, jailed included |
//! | `killed` | persons killed by persons during the tick (Model II) |
//! | `arrests` | arrests during the tick |
//! | `births`, `deaths_of_age` | demography during the tick |
//!
//! The default set is Model I's `quiescent,active,jailed,cops`, or Model II's
//! `alive_<c>…,killed,jailed` when some community kills another; `outputs.metrics` in a
//! scenario picks any list.

use crate::model::{Model, Status};
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
    /// Living persons per community (jailed included).
    pub alive: Vec<u64>,
    /// Killings by persons this tick.
    pub killed: u64,
    /// Arrests this tick.
    pub arrests: u64,
    /// Births this tick.
    pub births: u64,
    /// Deaths of age this tick.
    pub deaths_of_age: u64,
}

impl TickStats {
    /// The statistics of `m`'s current state.
    pub fn of(m: &Model) -> TickStats {
        let mut st = TickStats {
            tick: m.tick(),
            alive: vec![0; m.scenario().communities.len()],
            units: m.units().len() as u64,
            ..Default::default()
        };
        for p in m.persons() {
            match p.status {
                Status::Quiescent => st.quiescent += 1,
                Status::Active => st.active += 1,
                Status::Jailed => st.jailed += 1,
                Status::Dead => continue,
            }
            st.alive[p.community as usize] += 1;
        }
        let c = m.counters();
        st.killed = c.killed as u64;
        st.arrests = c.arrests as u64;
        st.births = c.births as u64;
        st.deaths_of_age = c.deaths_of_age as u64;
        st
    }

    /// Living persons (all communities).
    pub fn persons(&self) -> u64 {
        self.alive.iter().sum()
    }
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
pub enum Metric {
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
}

/// The ordered columns a scenario reports.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSet {
    names: Vec<String>,
    metrics: Vec<Metric>,
}

impl MetricSet {
    /// The columns for a scenario: `outputs.metrics`, or the default set.
    pub fn for_scenario(s: &Scenario) -> Result<MetricSet, String> {
        let names: Vec<String> = if s.outputs.metrics.is_empty() {
            default_names(s)
        } else {
            s.outputs.metrics.clone()
        };
        let known = all_names(s);
        let mut metrics = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(format!("`{n}` is listed twice"));
            }
            let m = match n.as_str() {
                "quiescent" => Metric::Quiescent,
                "active" => Metric::Active,
                "jailed" => Metric::Jailed,
                "cops" => Metric::Cops,
                "killed" => Metric::Killed,
                "arrests" => Metric::Arrests,
                "births" => Metric::Births,
                "deaths_of_age" => Metric::DeathsOfAge,
                other => match other
                    .strip_prefix("alive_")
                    .and_then(|c| s.communities.get_index_of(c))
                {
                    Some(k) => Metric::Alive(k),
                    None => return Err(crate::scenario::unknown("metric", other, known.iter())),
                },
            };
            metrics.push(m);
        }
        Ok(MetricSet { names, metrics })
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Flow or stock, per column.
    pub fn kinds(&self) -> Vec<MetricKind> {
        self.metrics.iter().map(Metric::kind).collect()
    }

    /// Appends the values of every column for `st`.
    pub fn values(&self, st: &TickStats, out: &mut Vec<f64>) {
        for m in &self.metrics {
            out.push(match m {
                Metric::Quiescent => st.quiescent as f64,
                Metric::Active => st.active as f64,
                Metric::Jailed => st.jailed as f64,
                Metric::Cops => st.units as f64,
                Metric::Alive(k) => st.alive[*k] as f64,
                Metric::Killed => st.killed as f64,
                Metric::Arrests => st.arrests as f64,
                Metric::Births => st.births as f64,
                Metric::DeathsOfAge => st.deaths_of_age as f64,
            });
        }
    }
}

impl Metric {
    /// Flow or stock.
    pub fn kind(&self) -> MetricKind {
        match self {
            Metric::Killed | Metric::Arrests | Metric::Births | Metric::DeathsOfAge => {
                MetricKind::Flow
            }
            Metric::Quiescent
            | Metric::Active
            | Metric::Jailed
            | Metric::Cops
            | Metric::Alive(_) => MetricKind::Stock,
        }
    }
}

fn default_names(s: &Scenario) -> Vec<String> {
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
    v.extend(s.communities.keys().map(|c| format!("alive_{c}")));
    v
}
