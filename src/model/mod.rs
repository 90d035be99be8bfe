//! The simulation state of one replicate and its step function.
//!
//! A [`Model`] owns the lattice, the agents and one generator per mechanism. The mechanisms
//! themselves live in [`crate::mechanisms`], one file each; this module wires them into a tick.

mod agents;
mod place;

pub use agents::{FOREVER, Person, Status, Unit};

use crate::mechanisms::activation::ArrestTable;
use crate::metrics::{MetricSet, TickStats};
use crate::rng::{Stream, Streams};
use crate::rules::Rules;
use crate::scenario::{Scenario, ScenarioError, TimelineRuntime};
use crate::world::{AgentId, LayerId, Shape, World, layer};

/// Runtime parameters derived from the scenario; rebuilt when the timeline changes a knob.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub person_shape: Shape,
    pub person_moves: bool,
    pub unit_shape: Vec<Shape>,
    pub unit_moves: Vec<bool>,
    pub unit_target: Vec<usize>,
    pub threshold: f64,
    /// 1 − L per community.
    pub one_minus_l: Vec<f64>,
    pub arrest: ArrestTable,
    pub max_jail: f64,
    /// Per community: the layers of the communities its actives kill.
    pub kill_layers: Vec<Vec<LayerId>>,
    /// Per community: its free members' layer, if any community targets it.
    pub community_layer: Vec<Option<LayerId>>,
    pub birth_rate: f64,
    pub max_age: u32,
    pub moore: Shape,
}

impl Params {
    fn new(s: &Scenario, rules: &Rules) -> Params {
        let person_shape = Shape::new(rules.vision, s.population.vision, rules.include_center);
        // A community gets a layer of its free members when somebody targets it.
        let targeted: Vec<bool> = s
            .communities
            .keys()
            .map(|name| s.communities.values().any(|c| c.kills.contains(name)))
            .collect();
        let mut next = layer::FIXED;
        let community_layer: Vec<Option<LayerId>> = targeted
            .iter()
            .map(|&t| {
                t.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let kill_layers = s
            .communities
            .values()
            .map(|c| {
                c.kills
                    .iter()
                    .map(|k| {
                        community_layer[s.communities.get_index_of(k).expect("validated")]
                            .expect("targeted")
                    })
                    .collect()
            })
            .collect();
        let cells = s.world.width as f64 * s.world.height as f64;
        Params {
            arrest: ArrestTable::new(rules.ratio, s.activation.k, person_shape.cells()),
            person_shape,
            person_moves: s.population.movement,
            unit_shape: s
                .forces
                .values()
                .map(|f| Shape::new(rules.vision, f.vision, rules.include_center))
                .collect(),
            unit_moves: s.forces.values().map(|f| f.movement).collect(),
            unit_target: s
                .forces
                .values()
                .map(|f| (f.density * cells).round() as usize)
                .collect(),
            threshold: s.activation.threshold,
            one_minus_l: s.communities.values().map(|c| 1.0 - c.legitimacy).collect(),
            max_jail: s.policing.max_jail_term,
            kill_layers,
            community_layer,
            birth_rate: s.demography.birth_rate,
            max_age: s.demography.max_age,
            moore: Shape::moore(),
        }
    }

    /// Number of extra layers beyond the fixed ones.
    fn extra_layers(&self) -> usize {
        self.community_layer.iter().flatten().count()
    }
}

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
            params.extra_layers(),
        );
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
        };
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
        self.rules = new.rules();
        self.params = Params::new(&new, &self.rules);
        self.scenario = new;
        self.adjust_units();
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
    /// 6. **Bookkeeping**: dead agents are removed; the tick counter advances.
    pub fn step(&mut self) {
        self.tick += 1;
        self.counters = TickCounters::default();
        self.apply_timeline();
        self.build_schedule();
        self.run_turns();
        self.end_of_tick_jail();
        self.deaths_of_age();
        self.remove_dead();
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
            self.unit_turn(id.index());
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
