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
//! allowed (the keys declared `timeline`); the rest fix the initial state and are refused.

use super::{Date, Scenario, Value};
use indexmap::IndexMap;

section! {
    /// One change, or one linear ramp, of the timeline.
    pub struct TimelineEntry: Default {
        /// A name for the entry, unique in the timeline (letters, digits, `_`, `-`), so that
        /// it can be changed from outside: `--set timeline.amnesty_law.date=2019-06-24` moves
        /// the entry named `amnesty_law` (a sweep or a variant may do the same).
        pub name: String = default example("\"amnesty_law\"") range("unique in the timeline") [sparse];
        /// The tick at which `set` applies.
        pub at: Option<u32> = unset example("77") range("≥ 1") [sparse];
        /// The date at which `set` applies, instead of `at`: it falls on tick
        /// floor(days since `start_date` / `days_per_tick`).
        pub date: Option<Date> = unset example("2018-03-01")
            range("needs `start_date`; on a tick ≥ 1") [sparse];
        /// First date of a ramp, instead of `from`.
        pub from_date: Option<Date> = unset example("2018-02-01")
            range("needs `start_date`; not before it") [sparse];
        /// Last date of a ramp, instead of `to`.
        pub to_date: Option<Date> = unset example("2018-04-01")
            range("needs `start_date`; on a later tick than the ramp's start") [sparse];
        /// First tick of a ramp; the value held then is the ramp's start.
        pub from: Option<u32> = unset example("10") [sparse];
        /// Last tick of a ramp, when the target is reached.
        pub to: Option<u32> = unset example("80") range("> `from`") [sparse];
        /// A ramp changes the value every `every` ticks (unset: every tick).
        pub every: Option<u32> = unset example("1") range("≥ 1") [sparse];
        /// Key paths and their new values, with `at`:
        /// `set = { "communities.citizens.legitimacy" = 0.7 }`.
        pub set: IndexMap<String, Value> = default
            example("{ \"communities.x.legitimacy\" = 0.7 }")
            ty("table: key path → value") range("keys marked *timeline*") [sparse];
        /// Key paths and their targets, with `from` and `to`.
        pub ramp: IndexMap<String, f64> = default
            example("{ \"communities.x.legitimacy\" = 0.2 }")
            ty("table: key path → number") range("numeric keys marked *timeline*") [sparse];
        /// Why: a sentence for readers of the scenario.
        pub note: String = default [sparse];
    }
}

impl Scenario {
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
        self.timeline_changes_within(key, u32::MAX)
    }

    /// [`Scenario::timeline_changes`] for a run of `ticks` ticks: only the entries that act
    /// within it (see [`TimelineEntry::acts_within`]). A change the run never reaches does not
    /// undo a value given before the run.
    ///
    /// ```
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// // the change of 2018-06-20 falls on tick 170
    /// assert_eq!(mali.timeline_changes_within("policy.impunity", 365), ["2018-06-20"]);
    /// assert!(mali.timeline_changes_within("policy.impunity", 5).is_empty());
    /// ```
    pub fn timeline_changes_within(&self, key: &str, ticks: u32) -> Vec<String> {
        let related = |k: &str| {
            k == key || k.starts_with(&format!("{key}.")) || key.starts_with(&format!("{k}."))
        };
        self.timeline
            .iter()
            .filter(|e| e.acts_within(self, ticks))
            .filter(|e| e.keys().any(related))
            .map(|e| {
                // a date as written, else the tick number
                let when = |t: Option<u32>, d: Option<Date>| {
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
}

impl Scenario {
    /// Largest radius any agent looks at during the whole run: [`Scenario::max_radius`] at
    /// the start and after each timeline entry that changes a vision or a group's cohesion.
    /// The lattice's halo is this wide, so that a vision the timeline widens mid-run still
    /// fits in it.
    ///
    /// ```
    /// use impunity::scenario::Value;
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// assert_eq!(s.max_radius_during_run(), s.max_radius());
    /// let wider = s
    ///     .with_changes([("timeline", Value::parse(r#"[{at=5,set={"population.vision"=9}}]"#))])
    ///     .unwrap();
    /// assert_eq!(wider.max_radius_during_run(), 9);
    /// ```
    pub fn max_radius_during_run(&self) -> usize {
        let touches = |k: &str| k.ends_with(".vision") || k.ends_with(".cohesion");
        let mut bare: Option<Scenario> = None;
        let mut widest = self.max_radius();
        for e in &self.timeline {
            if !e.keys().any(touches) {
                continue;
            }
            let bare = bare.get_or_insert_with(|| {
                let mut b = self.clone();
                b.timeline.clear();
                b
            });
            let changes = e
                .set
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .chain(e.ramp.iter().map(|(k, v)| (k.as_str(), Value::from(*v))));
            if let Ok(changed) = bare.with_changes(changes) {
                widest = widest.max(changed.max_radius());
            }
        }
        widest
    }
}

impl TimelineEntry {
    /// The keys the entry changes: those it sets, then those it ramps.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.set.keys().chain(self.ramp.keys()).map(String::as_str)
    }

    /// Whether the entry changes anything in a run of `ticks` ticks (ticks 1 to `ticks` run;
    /// a change at tick t applies before tick t runs): a `set` at a tick ≤ `ticks`, or a
    /// ramp whose first change, the tick after `from`, is ≤ `ticks`.
    ///
    /// ```
    /// let run3 = impunity::presets::get("epstein-run3").unwrap(); // a ramp over ticks 10-80
    /// let ramp = &run3.timeline[0];
    /// assert!(ramp.acts_within(&run3, 11));
    /// assert!(!ramp.acts_within(&run3, 10));
    /// ```
    pub fn acts_within(&self, s: &Scenario, ticks: u32) -> bool {
        match self.ticks(s) {
            (Some(at), _, _) => at <= ticks,
            (None, Some(from), Some(_)) => from < ticks,
            _ => false,
        }
    }

    /// The entry's ticks (at, from, to), dates converted with the scenario's calendar.
    pub fn ticks(&self, s: &Scenario) -> (Option<u32>, Option<u32>, Option<u32>) {
        let conv = |t: Option<u32>, d: Option<Date>| t.or_else(|| d.and_then(|d| s.tick_of(d)));
        (
            conv(self.at, self.date),
            conv(self.from, self.from_date),
            conv(self.to, self.to_date),
        )
    }
}

/// Runs a scenario's timeline: which changes apply at each tick.
#[derive(Clone, Debug, Default)]
pub(crate) struct TimelineRuntime {
    /// Start values of ramps, recorded when their `from` tick is reached.
    start: Vec<IndexMap<String, f64>>,
}

impl TimelineRuntime {
    /// A runtime for `s`'s timeline.
    pub(crate) fn new(s: &Scenario) -> Self {
        TimelineRuntime {
            start: vec![IndexMap::new(); s.timeline.len()],
        }
    }

    /// The changes to apply before tick `tick` runs, given the scenario as it stands; call
    /// once per tick, in order.
    pub(crate) fn changes_at(&mut self, tick: u32, s: &Scenario) -> Vec<(String, Value)> {
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
                            let v = s.get(k).and_then(|v| v.as_f64());
                            (k.clone(), v.unwrap_or(0.0))
                        })
                        .collect();
                }
                let every = e.every.unwrap_or(1);
                if tick > a && tick <= b && ((tick - a) % every == 0 || tick == b) {
                    for (k, target) in &e.ramp {
                        let v0 = self.start[i].get(k).copied().unwrap_or(*target);
                        let f = (tick - a) as f64 / (b - a) as f64;
                        out.push((k.clone(), Value::from(v0 + (target - v0) * f)));
                    }
                }
            }
        }
        out
    }
}
