//! The timeline: knobs that change during a run.
//!
//! ```toml
//! [[timeline]]
//! at = 77                                      # before tick 77 runs
//! set = { "communities.citizens.legitimacy" = 0.7 }
//!
//! [[timeline]]
//! from = 10                                    # ramp: linear from the value held at tick 10
//! to = 80                                      # ... to the target at tick 80,
//! every = 1                                    # changed every `every` ticks
//! ramp = { "communities.citizens.legitimacy" = 0.2 }
//! ```
//!
//! A change "at tick t" takes effect before the agents act in tick t, so the row of tick t in
//! the outputs is the first one that shows it. Only knobs the model can change mid-run are
//! allowed (see [`dynamic_key`]); the rest fix the initial state and are refused.

use super::{Scenario, ScenarioError};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// One change, or one linear ramp, of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// The tick at which `set` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<u32>,
    /// The date at which `set` applies (instead of `at`; needs `start_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<super::Date>,
    /// First date of a ramp (instead of `from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<super::Date>,
    /// Last date of a ramp (instead of `to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<super::Date>,
    /// First tick of a ramp (the value held then is the ramp's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    /// Last tick of a ramp, when the target is reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
    /// A ramp changes the value every `every` ticks (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u32>,
    /// Key paths and their new values (with `at`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub set: IndexMap<String, toml::Value>,
    /// Key paths and their targets (with `from` and `to`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub ramp: IndexMap<String, f64>,
    /// Why: a sentence for readers of the scenario.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Whether a key path names a knob that may change during a run.
pub fn dynamic_key(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    matches!(
        parts.as_slice(),
        ["communities", _, "legitimacy"]
            | ["forces", _, "density" | "vision" | "movement"]
            | ["population", "vision" | "movement"]
            | ["activation", "threshold" | "k"]
            | ["policing", "max_jail_term"]
            | ["demography", "birth_rate"]
            | ["policy", ..]
            | [
                "groups",
                _,
                "arms"
                    | "recruit_rate"
                    | "attack_rate"
                    | "battle_rate"
                    | "desertion"
                    | "state_backed"
            ]
            | [
                "forces",
                _,
                "people" | "arrest_rate" | "discipline" | "proficiency"
            ]
            | ["abuse", ..]
            | ["violence", ..]
            | ["justice", ..]
            | ["legitimacy", ..]
            | [
                "missions",
                _,
                "throughput" | "proficiency_gain" | "discipline_gain"
            ]
    )
}

/// Sets `path` (dot-separated) in a TOML tree, creating tables on the way.
pub fn set_path(root: &mut toml::Value, path: &str, value: toml::Value) -> Result<(), String> {
    let mut cur = root;
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{path}` is not a key path (like policy.amnesty.scope)"
        ));
    }
    for (i, part) in parts.iter().enumerate() {
        let table = match cur {
            toml::Value::Table(t) => t,
            _ => {
                return Err(format!(
                    "`{}` is a value, not a table",
                    parts[..i].join(".")
                ));
            }
        };
        if i + 1 == parts.len() {
            table.insert(part.to_string(), value);
            return Ok(());
        }
        cur = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
    unreachable!()
}

/// Reads `path` from a TOML tree.
pub fn get_path<'a>(root: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    path.split('.').try_fold(root, |v, p| v.get(p))
}

impl Scenario {
    /// The scenario with the given key paths changed, validated.
    pub fn with_changes<'a>(
        &self,
        changes: impl IntoIterator<Item = (&'a str, toml::Value)>,
    ) -> Result<Scenario, ScenarioError> {
        let mut tree = toml::Value::try_from(self).expect("a scenario always serialises");
        for (path, v) in changes {
            set_path(&mut tree, path, v).map_err(|m| ScenarioError::new(path, m))?;
        }
        Scenario::from_toml_value(tree)
    }

    /// When the timeline changes `key` (or a key inside it, or the table holding it): one
    /// label per entry, its date or tick (`2018-06-20`, `tick 77`, `ticks 0-70` for a ramp).
    /// A value given for such a key before the run (`--set`, a sweep, a variant) holds only
    /// until then, which is worth telling the user.
    ///
    /// ```
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// assert_eq!(mali.timeline_changes("policy.impunity"), ["2018-06-20"]);
    /// assert!(mali.timeline_changes("policy.conviction").is_empty());
    /// let run3 = impunity::presets::get("epstein-run3").unwrap();
    /// assert_eq!(run3.timeline_changes("communities.citizens.legitimacy"), ["ticks 10-80"]);
    /// ```
    pub fn timeline_changes(&self, key: &str) -> Vec<String> {
        let related = |k: &String| {
            k == key || k.starts_with(&format!("{key}.")) || key.starts_with(&format!("{k}."))
        };
        self.timeline
            .iter()
            .filter(|e| e.set.keys().chain(e.ramp.keys()).any(related))
            .map(|e| {
                // a date as written, else the tick number
                let when = |t: Option<u32>, d: Option<super::Date>| {
                    d.map_or_else(|| t.unwrap_or(0).to_string(), |d| d.to_string())
                };
                match (e.ramp.is_empty(), e.date.or(e.from_date).is_some()) {
                    (true, true) => when(e.at, e.date),
                    (true, false) => format!("tick {}", when(e.at, None)),
                    (false, true) => {
                        format!("{} to {}", when(e.from, e.from_date), when(e.to, e.to_date))
                    }
                    (false, false) => format!("ticks {}-{}", when(e.from, None), when(e.to, None)),
                }
            })
            .collect()
    }

    /// The value at a key path, as TOML.
    pub fn get(&self, path: &str) -> Option<toml::Value> {
        let tree = toml::Value::try_from(self).ok()?;
        get_path(&tree, path).cloned()
    }
}

impl TimelineEntry {
    /// The entry's ticks (at, from, to), dates converted with the scenario's calendar.
    pub fn ticks(&self, s: &Scenario) -> (Option<u32>, Option<u32>, Option<u32>) {
        let conv =
            |t: Option<u32>, d: Option<super::Date>| t.or_else(|| d.and_then(|d| s.tick_of(d)));
        (
            conv(self.at, self.date),
            conv(self.from, self.from_date),
            conv(self.to, self.to_date),
        )
    }
}

pub(super) fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    for (i, e) in s.timeline.iter().enumerate() {
        let here = format!("timeline[{i}]");
        let bad = |m: String| Err(ScenarioError::new(here.clone(), m));
        if (e.at.is_some() && e.date.is_some())
            || (e.from.is_some() && e.from_date.is_some())
            || (e.to.is_some() && e.to_date.is_some())
        {
            return bad("give a tick or a date, not both".into());
        }
        for (key, d) in [
            ("date", e.date),
            ("from_date", e.from_date),
            ("to_date", e.to_date),
        ] {
            let Some(d) = d else { continue };
            let at = format!("{here}.{key}");
            let tick_key = match key {
                "date" => "at",
                "from_date" => "from",
                _ => "to",
            };
            match s.start_date {
                None => {
                    return Err(ScenarioError::new(
                        at,
                        format!(
                            "{d}: dates need the scenario's `start_date`, the date of tick 0 (`start_date = YYYY-MM-DD` at the top of the file); or give the tick instead (`{tick_key}`)"
                        ),
                    ));
                }
                Some(start) if d < start => {
                    return Err(ScenarioError::new(
                        at,
                        format!("{d} is before the start date {start}"),
                    ));
                }
                _ => {}
            }
        }
        match e.ticks(s) {
            (Some(t), None, None) => {
                if e.set.is_empty() || !e.ramp.is_empty() || e.every.is_some() {
                    return bad("`at` goes with `set` (and no `ramp` or `every`)".into());
                }
                if t == 0 {
                    return bad("`at` = 0 changes the initial state: edit the value itself".into());
                }
            }
            (None, Some(a), Some(b)) => {
                if e.ramp.is_empty() || !e.set.is_empty() {
                    return bad("`from`/`to` go with `ramp` (and no `set`)".into());
                }
                if b <= a {
                    return bad(format!("`to` ({b}) must be after `from` ({a})"));
                }
                if e.every == Some(0) {
                    return bad("`every` must be at least 1".into());
                }
            }
            _ => return bad("give either `at` with `set`, or `from` and `to` with `ramp`".into()),
        }
        let keys: Vec<&String> = e.set.keys().chain(e.ramp.keys()).collect();
        for k in keys {
            super::keys::check_path(s, k)
                .map_err(|err| ScenarioError::new(format!("{here}.{}", err.path), err.message))?;
            if !dynamic_key(k) {
                return bad(format!(
                    "`{k}` cannot change during a run: it fixes the initial state (knobs that can: communities.<c>.legitimacy, forces.<f>.density|people|vision|movement|arrest_rate|discipline|proficiency, population.vision|movement, activation.*, policing.max_jail_term, demography.birth_rate, policy.*, groups.<g>.arms|recruit_rate|attack_rate|battle_rate|desertion|state_backed, abuse.*, violence.*, justice.*, legitimacy.*, missions.<m>.throughput|proficiency_gain|discipline_gain)"
                ));
            }
        }
        let changes: Vec<(&str, toml::Value)> = e
            .set
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .chain(
                e.ramp
                    .iter()
                    .map(|(k, v)| (k.as_str(), toml::Value::Float(*v))),
            )
            .collect();
        // Each change must leave a valid scenario (timeline entries themselves stripped, so
        // that validation does not recurse).
        let mut bare = s.clone();
        bare.timeline.clear();
        let changed = bare.with_changes(changes).map_err(|err| {
            ScenarioError::new(
                format!("{here}.{}", err.path)
                    .trim_end_matches('.')
                    .to_string(),
                err.message,
            )
        })?;
        // The conflict model's state (layers, institutions) is built at tick 0: a change may
        // not switch it on or off.
        let before = crate::model::is_conflict(s);
        if crate::model::is_conflict(&changed) != before {
            let keys: Vec<&str> = e
                .set
                .keys()
                .chain(e.ramp.keys())
                .map(String::as_str)
                .collect();
            return bad(format!(
                "{} would switch the conflict model {} during the run, but it is on from tick 0 or never (it is on with regions, armed groups, missions, dynamic legitimacy, abuse.base_rate > 0, or a force that is not a state policing force); keep it on for the whole run, e.g. with `legitimacy.dynamic = true` (which changes nothing by itself while the other legitimacy.* weights are 0)",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if before { "off" } else { "on" },
            ));
        }
        for (k, _) in &e.ramp {
            if !matches!(
                bare.get(k),
                Some(toml::Value::Float(_)) | Some(toml::Value::Integer(_))
            ) {
                return bad(format!("`{k}` is not a number, so it cannot ramp"));
            }
        }
    }
    Ok(())
}

/// Runs a scenario's timeline: which changes apply at each tick.
#[derive(Clone, Debug, Default)]
pub struct TimelineRuntime {
    /// Start values of ramps, recorded when their `from` tick is reached.
    start: Vec<IndexMap<String, f64>>,
}

impl TimelineRuntime {
    /// A runtime for `s`'s timeline.
    pub fn new(s: &Scenario) -> Self {
        TimelineRuntime {
            start: vec![IndexMap::new(); s.timeline.len()],
        }
    }

    /// The changes to apply before tick `tick` runs, given the scenario as it stands; call
    /// once per tick, in order.
    pub fn changes_at(&mut self, tick: u32, s: &Scenario) -> Vec<(String, toml::Value)> {
        let mut out = Vec::new();
        for (i, e) in s.timeline.iter().enumerate() {
            let (at, from, to) = e.ticks(s);
            if at == Some(tick) {
                out.extend(e.set.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            if let (Some(a), Some(b)) = (from, to) {
                if tick == a {
                    self.start[i] = e
                        .ramp
                        .keys()
                        .map(|k| {
                            let v = s
                                .get(k)
                                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)));
                            (k.clone(), v.unwrap_or(0.0))
                        })
                        .collect();
                }
                let every = e.every.unwrap_or(1);
                if tick > a && tick <= b && ((tick - a) % every == 0 || tick == b) {
                    for (k, target) in &e.ramp {
                        let v0 = self.start[i].get(k).copied().unwrap_or(*target);
                        let f = (tick - a) as f64 / (b - a) as f64;
                        out.push((k.clone(), toml::Value::Float(v0 + (target - v0) * f)));
                    }
                }
            }
        }
        out
    }
}
