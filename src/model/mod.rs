//! The simulation state of one replicate and its step function.
//!
//! A [`Model`] owns the lattice, the agents and one generator per mechanism. The mechanisms
//! themselves live in `src/mechanisms/`, one file each; this module wires them into a tick.

mod agents;
mod institutions;
mod params;
mod place;

pub use agents::{ARMED, FOREVER, NO_GROUP, Person, Status, Unit};
pub(crate) use institutions::Killing;
pub use institutions::{Case, ConflictCounters, Fate, Institutions, Perp, Perpetrator};
pub(crate) use params::Params;
pub use params::is_conflict;

use crate::metrics::{MetricSet, TickStats};
use crate::rng::{Stream, Streams};
use crate::rules::Rules;
use crate::scenario::{Scenario, ScenarioError, TimelineRuntime};
use crate::world::{AgentId, World};

/// Events counted during the current tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickCounters {
    /// Persons killed by persons (Epstein's Model II).
    pub killed: u32,
    /// Arrests made.
    pub arrests: u32,
    /// Births.
    pub births: u32,
    /// Deaths of age.
    pub deaths_of_age: u32,
}

/// One replicate of a scenario.
///
/// ```
/// use impunity::{presets, Model};
/// let s = presets::get("mesa-epstein").unwrap();
/// let mut m = Model::new(&s, 42, 0).unwrap();
/// let people = m.stats().persons();
/// for _ in 0..10 { m.step(); }
/// assert_eq!(m.tick(), 10);
/// assert_eq!(m.stats().persons(), people); // Model I: nobody is born or dies
/// m.check_invariants().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Model {
    scenario: Scenario,
    pub(crate) rules: Rules,
    pub(crate) params: Params,
    pub(crate) world: World,
    pub(crate) persons: Vec<Person>,
    pub(crate) units: Vec<Unit>,
    order: Vec<AgentId>,
    pub(crate) rng: Streams,
    timeline: TimelineRuntime,
    tick: u32,
    pub(crate) counters: TickCounters,
    pub(crate) scratch_dead: bool,
    metrics: MetricSet,
    /// The conflict model's off-lattice state (`None` for Epstein's models).
    pub(crate) inst: Option<Box<Institutions>>,
    /// Per community, the terms of grievance G = H·(1 − L) + ω·U.
    pub(crate) griev: Grievance,
}

/// Per community: 1 − L and ω·U, the terms of the grievance rule.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grievance {
    pub one_minus_l: Vec<f64>,
    pub extra: Vec<f64>,
}

impl Model {
    /// Builds replicate `replicate` of `scenario` from master seed `seed`: validates the
    /// scenario, places the agents (tick 0).
    pub fn new(scenario: &Scenario, seed: u64, replicate: u64) -> Result<Model, ScenarioError> {
        scenario.validate()?;
        let rules = scenario.rules();
        let params = Params::new(scenario, &rules);
        let world = World::new(
            scenario.world.width as usize,
            scenario.world.height as usize,
            scenario.world.torus,
            scenario.max_radius().max(1),
            params.extra_layers,
        );
        let inst = params.conflict.as_ref().map(|c| {
            Box::new(Institutions::new(
                scenario.communities.len(),
                scenario.groups.len(),
                scenario.forces.len(),
                c.n_regions,
                &c.baseline,
                scenario.abuse.prior_punishment,
                scenario.missions.len(),
            ))
        });
        let metrics = MetricSet::for_scenario(scenario)
            .map_err(|m| ScenarioError::new("outputs.metrics", m))?;
        let mut m = Model {
            scenario: scenario.clone(),
            rules,
            params,
            world,
            persons: Vec::new(),
            units: Vec::new(),
            order: Vec::new(),
            rng: Streams::new(seed, replicate),
            timeline: TimelineRuntime::new(scenario),
            tick: 0,
            counters: TickCounters::default(),
            scratch_dead: false,
            metrics,
            inst,
            griev: Grievance::default(),
        };
        m.refresh_grievance();
        m.populate();
        Ok(m)
    }

    /// The current tick (0 before the first step).
    pub fn tick(&self) -> u32 {
        self.tick
    }

    /// The scenario as it stands now (timeline changes applied).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The rules in force.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The lattice.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// All persons, dead ones of the current tick included until it ends.
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// All force units.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Events counted during the last tick.
    pub fn counters(&self) -> TickCounters {
        self.counters
    }

    /// The metric columns this model reports.
    pub fn metrics(&self) -> &MetricSet {
        &self.metrics
    }

    /// Changes knobs now, as a timeline entry would (the same validation applies).
    pub fn set(&mut self, changes: &[(&str, toml::Value)]) -> Result<(), ScenarioError> {
        for (k, _) in changes {
            if !crate::scenario::dynamic_key(k) {
                return Err(ScenarioError::new(*k, "cannot change during a run"));
            }
        }
        let new = self
            .scenario
            .with_changes(changes.iter().map(|(k, v)| (*k, v.clone())))?;
        self.reconfigure(new);
        Ok(())
    }

    fn reconfigure(&mut self, new: Scenario) {
        let amnesty_before = self.scenario.policy.amnesty.in_force;
        self.rules = new.rules();
        let old_target = std::mem::take(&mut self.params.unit_target);
        self.params = Params::new(&new, &self.rules);
        self.scenario = new;
        // only forces whose size the change touched gain or lose units: units lost in
        // battle are not replaced by an unrelated change
        let changed: Vec<bool> = (0..self.params.unit_target.len())
            .map(|f| old_target.get(f) != Some(&self.params.unit_target[f]))
            .collect();
        self.adjust_units(&changed);
        if let Some(inst) = self.inst.as_mut() {
            inst.legitimacy_baseline_changed(&self.params);
        }
        self.refresh_grievance();
        if let Some(inst) = self.inst.as_mut() {
            if !amnesty_before && self.scenario.policy.amnesty.in_force {
                inst.events.push(crate::events::Event {
                    tick: self.tick,
                    region: None,
                    x: 0,
                    y: 0,
                    event_type: crate::events::EventType::Amnesties,
                    sub_event_type: "law enters into force",
                    actor1: crate::events::Actor::State,
                    actor2: crate::events::Actor::None,
                    victim_community: None,
                    fatalities: 0,
                });
            }
        }
    }

    /// Advances one tick. The phases, in order:
    ///
    /// 1. **Timeline**: changes scheduled for this tick are applied (legitimacy, cop density,
    ///    …); force units are added or withdrawn to match a new density.
    /// 2. **Schedule**: every agent (jailed ones too, unless the rules leave them out) is put
    ///    in a freshly shuffled order.
    /// 3. **Turns**: each agent in that order takes its turn:
    ///    a person moves and decides whether to be active (Epstein's rules M and A; Model II
    ///    actives then kill a member of a targeted community in vision; with demography on, it
    ///    may give birth); a force unit moves and arrests a random active in vision (rule C).
    ///    The rules decide whether moving comes before or after acting, and whether a jailed
    ///    agent's turn counts down its term.
    /// 4. **Jail**: under end-of-tick countdown, terms drop by one and those at zero are
    ///    released onto the lattice.
    /// 5. **Demography**: persons whose lifespan is over die.
    /// 6. **Bookkeeping**: dead agents are removed.
    ///
    /// The tick counter advances first, so the first step is tick 1.
    ///
    /// The conflict model (scenarios with armed groups, regions, abuse, missions, …) adds
    /// phases around these: after the timeline, **policy** (fading of threat and alarm, the
    /// count of members per region, disarmament, training); during the turns, recruitment,
    /// attacks, battles, strikes, abuses; between the jail and demography phases, in this
    /// order, **early release** of jailed armed-group members under the amnesty law,
    /// **events** (killings close together in space grouped into one event; abuse events open
    /// cases), the **justice pipeline** (cases decided, tried, amnestied) and **legitimacy**
    /// (relaxation to the baseline plus the tick's effects). Any timeline change also brings
    /// every force back to its nominal size (units lost in battle are replaced).
    /// docs/ODD.md (section 3) lists every phase with the random stream it draws from.
    pub fn step(&mut self) {
        self.tick += 1;
        self.counters = TickCounters::default();
        if let Some(inst) = self.inst.as_mut() {
            inst.counters.reset();
            inst.events.clear();
        }
        self.apply_timeline();
        if self.inst.is_some() {
            self.policy_phase();
        }
        self.build_schedule();
        self.run_turns();
        self.end_of_tick_jail();
        if self.inst.is_some() {
            self.early_release();
            self.group_killings_into_events();
            self.justice_phase();
            self.legitimacy_phase();
        }
        self.deaths_of_age();
        self.remove_dead();
    }

    /// The conflict model's off-lattice state, if the scenario uses it.
    pub fn institutions(&self) -> Option<&Institutions> {
        self.inst.as_deref()
    }

    /// Events of the last tick (conflict model; empty otherwise).
    pub fn events(&self) -> &[crate::events::Event] {
        self.inst
            .as_ref()
            .map(|i| i.events.as_slice())
            .unwrap_or(&[])
    }

    fn apply_timeline(&mut self) {
        if self.scenario.timeline.is_empty() {
            return;
        }
        let changes = self.timeline.changes_at(self.tick, &self.scenario);
        if changes.is_empty() {
            return;
        }
        let new = self
            .scenario
            .with_changes(changes.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .expect("timeline entries were validated with the scenario");
        self.reconfigure(new);
    }

    fn build_schedule(&mut self) {
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        let with_jailed = self.rules.shuffle_jailed;
        order.extend(
            self.persons
                .iter()
                .enumerate()
                .filter(|(_, p)| with_jailed || p.status != Status::Jailed)
                .map(|(i, _)| AgentId::person(i)),
        );
        order.extend((0..self.units.len()).map(AgentId::unit));
        use rand::seq::SliceRandom;
        order.shuffle(self.rng.get(Stream::Schedule));
        self.order = order;
    }

    fn run_turns(&mut self) {
        let order = std::mem::take(&mut self.order);
        crate::mechanisms::dispatch_turns(self, &order);
        self.order = order;
    }

    /// Takes the turn of one agent.
    #[inline(always)]
    pub(crate) fn turn(&mut self, id: AgentId) {
        if id.is_unit() {
            if self.params.conflict.is_some() {
                self.conflict_unit_turn(id.index());
            } else {
                self.unit_turn(id.index());
            }
        } else {
            self.person_turn(id.index());
        }
    }

    /// Summary counts of the current state.
    pub fn stats(&self) -> TickStats {
        TickStats::of(self)
    }

    /// Appends this tick's metric values (in [`Model::metrics`] order) to `row`.
    pub fn metric_row(&self, row: &mut Vec<f64>) {
        let st = self.stats();
        self.metrics.values(&st, row);
    }

    /// Checks the model's invariants: every occupant is where the lattice says, layers agree
    /// with agents, no agent stands on two cells, counts add up.
    pub fn check_invariants(&self) -> Result<(), String> {
        place::check(self)
    }

    /// Bytes of heap memory held by this replicate's state.
    pub fn heap_bytes(&self) -> usize {
        self.world.heap_bytes()
            + self.persons.capacity() * std::mem::size_of::<Person>()
            + self.units.capacity() * std::mem::size_of::<Unit>()
            + self.order.capacity() * 4
    }
}
