//! The simulation state of one replicate and its step function.
//!
//! A [`Model`] holds, apart:
//!
//! * the **scenario** as it stands now and its timeline;
//! * the **resolved parameters**: the rules, the `Params` every model's turns read, and the
//!   grievance terms derived from legitimacy;
//! * the **persistent state**: the agents on the lattice (`Agents`), the conflict model's
//!   part (`Conflict`: its own resolved parameters, state and per-tick scratch, `None` for
//!   Epstein's models), the random streams and the tick;
//! * the **per-tick scratch**: the tick's counts, the schedule, buffers reused every tick;
//! * the **output settings**: which metrics it reports.
//!
//! The mechanisms live in `src/mechanisms/`, one file each, as functions whose arguments
//! name what they read and write; [`Model::step`] calls them in order.

mod agents;
mod conflict;
mod invariants;
mod params;
mod populate;
mod state;
#[cfg(test)]
pub(crate) mod testing;

pub use agents::{ARMED, FOREVER, NO_GROUP, Person, Status, Unit};
pub(crate) use conflict::{
    Buffers, Conflict, ConflictState, ConflictTick, Deterrence, Killing, LegitimacyEffects, Lessons,
};
pub use conflict::{Case, ConflictCounters, Fate};
pub use invariants::{AgentRef, InvariantError};
pub use params::is_conflict;
pub(crate) use params::{ConflictParams, ForceParams, GroupParams, MissionParams, Params};
pub(crate) use state::Agents;
#[cfg(test)]
pub(crate) use state::LayerMap;

use crate::events::Event;
use crate::mechanisms::{
    TurnInputs, demography, dispatch_turns, grouping, justice, legitimacy, policing, policy,
};
use crate::metrics::{MetricSet, TickStats};
use crate::rng::{Stream, Streams};
use crate::rules::Rules;
use crate::scenario::{Scenario, ScenarioError, TimelineRuntime, Value};
use crate::world::{AgentId, OUTSIDE, World};

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

/// Per community: 1 − L and ω·U, the terms of the grievance rule G = H·(1 − L) + ω·U.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grievance {
    pub one_minus_l: Vec<f64>,
    pub extra: Vec<f64>,
}

/// What one tick uses and forgets: its counts, the schedule, buffers (reused, so that the
/// steady-state step allocates nothing).
#[derive(Clone, Debug, Default)]
struct TickScratch {
    counters: TickCounters,
    order: Vec<AgentId>,
    remap: Vec<u32>,
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
    // the scenario as it stands now, and its timeline
    scenario: Scenario,
    timeline: TimelineRuntime,
    // resolved parameters
    rules: Rules,
    params: Params,
    griev: Grievance,
    // persistent state
    agents: Agents,
    conflict: Option<Box<Conflict>>,
    rng: Streams,
    tick: u32,
    // per-tick scratch
    scratch: TickScratch,
    // output settings
    metrics: MetricSet,
}

impl Model {
    /// Builds replicate `replicate` of `scenario` from master seed `seed`: validates the
    /// scenario, places the agents (tick 0).
    pub fn new(scenario: &Scenario, seed: u64, replicate: u64) -> Result<Model, ScenarioError> {
        scenario.validate()?;
        let rules = scenario.rules();
        let (params, layers, conflict) = params::resolve(scenario, &rules);
        let mut world = World::new(
            scenario.world.width as usize,
            scenario.world.height as usize,
            scenario.world.torus,
            scenario.max_radius_during_run().max(1),
            params.extra_layers,
        );
        if let Some(cp) = &conflict {
            // armed groups' fighters and the state's units are sparse: recruitment and
            // persons' looks skip the windows without any
            for &l in &cp.group_layer {
                world.layers.track(l);
            }
            world.layers.track(crate::world::layer::COPS);
        }
        let conflict = conflict.map(|cp| {
            let n = scenario.communities.len();
            let u0 = scenario
                .communities
                .values()
                .map(|c| c.unresolved)
                .collect();
            Box::new(Conflict::new(cp, n, u0))
        });
        let metrics = MetricSet::for_scenario(scenario)
            .map_err(|e| ScenarioError::new("outputs.metrics", e.to_string()).caused_by(e))?;
        let mut m = Model {
            scenario: scenario.clone(),
            timeline: TimelineRuntime::new(scenario),
            rules,
            params,
            griev: Grievance::default(),
            agents: Agents::new(world, layers),
            conflict,
            rng: Streams::new(seed, replicate),
            tick: 0,
            scratch: TickScratch::default(),
            metrics,
        };
        m.refresh_grievance();
        populate::populate(
            &mut m.agents,
            &m.scenario,
            &m.params,
            m.rules.placement,
            m.conflict.is_some(),
            m.rng.get(Stream::Init),
        );
        if let Some(c) = m.conflict.as_mut() {
            // after everything else the set-up draws, so that placement keeps its numbers
            c.state.seed_pools(m.rng.get(Stream::Init));
        }
        crate::world::advise_huge_pages(&m.agents.persons);
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
    pub(crate) fn world(&self) -> &World {
        &self.agents.world
    }

    /// The region index of cell (x, y): `None` without regions and outside every region.
    pub fn region_at(&self, x: u16, y: u16) -> Option<u8> {
        let w = &self.agents.world;
        let r = w.region[w.cell(x as usize, y as usize)];
        (self.scenario.world.regions.is_some() && r != OUTSIDE).then_some(r)
    }

    /// All persons, dead ones of the current tick included until it ends.
    pub fn persons(&self) -> &[Person] {
        &self.agents.persons
    }

    /// All force units.
    pub fn units(&self) -> &[Unit] {
        &self.agents.units
    }

    /// The people person `i` stands for now: in the conflict model, each agent starts as
    /// `world.people_per_agent` people and loses the ones killed or captured; 1 in Epstein's
    /// models.
    ///
    /// ```
    /// use impunity::{Model, presets};
    /// let s = presets::get("central-mali-2018").unwrap();
    /// let m = Model::new(&s, 1, 0).unwrap();
    /// assert_eq!(m.people(0) as f64, s.world.people_per_agent);
    /// let e = Model::new(&presets::get("epstein-run1").unwrap(), 1, 0).unwrap();
    /// assert_eq!(e.people(0), 1);
    /// ```
    pub fn people(&self, i: usize) -> u32 {
        self.agents.people(i)
    }

    /// The soldiers force unit `u` stands for now (1 in Epstein's models).
    pub fn soldiers(&self, u: usize) -> u32 {
        self.agents.soldiers(u)
    }

    /// Events counted during the last tick.
    pub fn counters(&self) -> TickCounters {
        self.scratch.counters
    }

    /// The metric columns this model reports.
    pub fn metrics(&self) -> &MetricSet {
        &self.metrics
    }

    /// Whether the scenario uses the conflict model (armed groups, abuse, justice, …).
    pub fn is_conflict(&self) -> bool {
        self.conflict.is_some()
    }

    /// Events of the last tick (conflict model; empty otherwise).
    pub fn events(&self) -> &[Event] {
        match &self.conflict {
            Some(c) => &c.tick.events,
            None => &[],
        }
    }

    /// Every justice case opened so far (conflict model; empty otherwise).
    pub fn cases(&self) -> &[Case] {
        match &self.conflict {
            Some(c) => &c.state.cases,
            None => &[],
        }
    }

    /// The conflict model's counts of the last tick (`None` for Epstein's models).
    pub fn conflict_counters(&self) -> Option<&ConflictCounters> {
        self.conflict.as_ref().map(|c| &c.tick.counters)
    }

    /// Legitimacy L per community now (for Epstein's models, the scenario's fixed values).
    pub fn legitimacy(&self) -> std::borrow::Cow<'_, [f64]> {
        match &self.conflict {
            Some(c) => (&c.state.legitimacy[..]).into(),
            None => self
                .scenario
                .communities
                .values()
                .map(|c| c.legitimacy)
                .collect::<Vec<_>>()
                .into(),
        }
    }

    /// The unresolved-injustice index U per community now (conflict model; empty
    /// otherwise).
    pub fn unresolved(&self) -> &[f64] {
        match &self.conflict {
            Some(c) => &c.state.unresolved,
            None => &[],
        }
    }

    /// The sanction the state's forces expect for abuse now, learned from what they have
    /// seen of cases ([`crate::model`]'s deterrence: P(investigated) · (w + (1 − w) ·
    /// P(convicted | investigated) · severity)); `None` outside the conflict model.
    pub fn expected_sanction(&self) -> Option<f64> {
        self.conflict
            .as_deref()
            .map(|c| c.state.learned.state.sanction(&c.params.deterrence))
    }

    /// The sanction each armed group expects for killing civilians now, learned from its own
    /// cases (empty outside the conflict model).
    pub fn expected_sanction_group(&self) -> Vec<f64> {
        match self.conflict.as_deref() {
            Some(c) => c
                .state
                .learned
                .groups
                .iter()
                .map(|l| l.sanction(&c.params.deterrence))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Living members of each armed group now, jailed members excluded (as
    /// [`TickStats::fighters`]).
    pub fn fighters(&self) -> Vec<u64> {
        let mut f = vec![0; self.scenario.groups.len()];
        for p in &self.agents.persons {
            if p.status == Status::Fighter {
                f[p.group as usize] += 1;
            }
        }
        f
    }

    /// Changes knobs now, as a timeline entry would (the same validation applies).
    pub fn set(&mut self, changes: &[(&str, Value)]) -> Result<(), ScenarioError> {
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

    /// Resolves the parameters of `new` (the scenario after a change) and brings the state
    /// in line: forces whose size changed gain or lose units, legitimacy follows a changed
    /// baseline when it has no dynamics, the grievance terms are refreshed, and the amnesty
    /// law's entry into force is recorded.
    fn reconfigure(&mut self, new: Scenario) {
        let amnesty_before = self.scenario.policy.amnesty.in_force;
        self.rules = new.rules();
        let old_target = std::mem::take(&mut self.params.unit_target);
        let (params, layers, cp) = params::resolve(&new, &self.rules);
        self.params = params;
        self.agents.layers = layers;
        self.scenario = new;
        // only forces whose size the change touched gain or lose units: units lost in
        // battle are not replaced by an unrelated change
        let target = &self.params.unit_target;
        let changed: Vec<bool> = (0..target.len())
            .map(|f| old_target.get(f) != Some(&target[f]))
            .collect();
        populate::adjust_units(
            &mut self.agents,
            &self.scenario,
            target,
            &changed,
            self.rng.get(Stream::Timeline),
            &mut self.scratch.remap,
        );
        if let (Some(c), Some(cp)) = (self.conflict.as_deref_mut(), cp) {
            c.params = cp;
            // without dynamics, legitimacy follows a changed baseline at once
            if !c.params.legitimacy.dynamic {
                c.state.legitimacy.clone_from(&c.params.baseline);
            }
            if !amnesty_before && c.params.policy.amnesty.in_force {
                c.tick.events.push(Event::amnesty_law(self.tick));
            }
        }
        self.refresh_grievance();
    }

    /// Recomputes the grievance terms from legitimacy (the scenario's, for Epstein's models).
    fn refresh_grievance(&mut self) {
        match self.conflict.as_deref() {
            Some(c) => legitimacy::refresh_grievance(
                &mut self.griev,
                &c.state.legitimacy,
                &c.state.unresolved,
                c.params.legitimacy.omega,
            ),
            None => {
                let l: Vec<f64> = self.legitimacy().into_owned();
                let u = vec![0.0; l.len()];
                legitimacy::refresh_grievance(&mut self.griev, &l, &u, 0.0);
            }
        }
    }

    /// Advances one tick. The phases, in order (docs/ODD.md, section 3, lists the same
    /// phases with the random stream each draws from; † marks the conflict model's, which
    /// run only when the scenario uses it):
    ///
    /// 0. **Start**: the tick counter advances (the first step is tick 1); the tick's counts
    ///    and events are cleared.
    /// 1. **Timeline**: changes scheduled for this tick are applied; a force whose size the
    ///    change altered gains or loses units to match it (Timeline stream).
    /// 2. **Policy** †: threat and alarm fade, members of each community per region are
    ///    counted, and each group's free fighters and every force's soldiers (the largest
    ///    band and patrol of the tick), the disarmament campaign takes its share, training
    ///    missions train units
    ///    (Policy stream).
    /// 3. **Schedule**: every agent (jailed persons too when the rules say so) is put in a
    ///    freshly shuffled order (Schedule stream).
    /// 4. **Turns**: each agent in that order takes its turn: a person moves and decides
    ///    whether to be active (rules M and A; Model II actives then kill; † a civilian may
    ///    join an armed group; with demography on it may give birth); † a fighter may desert,
    ///    moves, attacks civilians and organised forces, and may abuse; a force unit moves and
    ///    arrests (rule C), † or acts by its role (policing and abuse, counter-insurgency,
    ///    peacekeeping, strikes). Movement, Violence, Recruitment, Demography, Policing,
    ///    Abuse and Battle streams.
    /// 5. **Jail**: under end-of-tick countdown, terms drop by one and those at zero are
    ///    released (Demography stream for a released person's cell).
    /// 6. **Early release** †: while the amnesty law is in force, jailed armed-group members
    ///    may be released (Justice stream, and Demography for the cell).
    /// 7. **Events** †: the tick's killings of civilians are grouped into events; each abuse
    ///    event, and each event of killings by a militia or pro-government group, opens a
    ///    justice case (Justice stream).
    /// 8. **Justice** †: what forces and groups learned fades by `abuse.memory`; cases move
    ///    on (investigation, verdict, sentence, amnesty), with their effects on legitimacy
    ///    and the lessons forces and groups draw from them (no draws).
    /// 9. **Legitimacy** †: legitimacy relaxes to its baseline and takes the tick's effects;
    ///    unresolved injustice decays and grows; the grievance terms are refreshed (no
    ///    draws).
    /// 10. **Demography**: persons whose lifespan is over die (no draws).
    /// 11. **Bookkeeping**: dead persons and destroyed units are removed, the others keeping
    ///     their order (no draws).
    pub fn step(&mut self) {
        // 0. start
        self.tick += 1;
        let tick = self.tick;
        self.scratch.counters = TickCounters::default();
        if let Some(c) = self.conflict.as_deref_mut() {
            c.tick.clear();
        }
        // 1. timeline
        self.apply_timeline();
        // 2. policy †
        if let Some(c) = self.conflict.as_deref_mut() {
            let Conflict {
                params,
                state,
                tick: out,
            } = c;
            let rng = self.rng.get(Stream::Policy);
            policy::policy_phase(tick, &mut self.agents, params, state, out, rng);
        }
        // 3. schedule
        self.build_schedule();
        // 4. turns
        let order = std::mem::take(&mut self.scratch.order);
        let inputs = TurnInputs {
            tick,
            params: &self.params,
            rules: &self.rules,
            griev: &self.griev,
        };
        dispatch_turns(
            &order,
            &mut self.agents,
            inputs,
            self.conflict.as_deref_mut(),
            &mut self.rng,
            &mut self.scratch.counters,
        );
        self.scratch.order = order;
        // 5. jail
        let demography_rng = self.rng.get(Stream::Demography);
        let shape = &self.params.person_shape;
        policing::end_of_tick_jail(&mut self.agents, shape, &self.rules, demography_rng);
        if let Some(c) = self.conflict.as_deref_mut() {
            let Conflict {
                params: cp,
                state,
                tick: out,
            } = c;
            let jp = cp.justice_params();
            // 6. early release †
            let (justice_rng, demography_rng) = self.rng.two(Stream::Justice, Stream::Demography);
            let amnesty = &cp.policy.amnesty;
            justice::early_release(
                &mut self.agents,
                amnesty,
                shape,
                &self.rules,
                justice_rng,
                demography_rng,
            );
            // 7. events †
            let gp = grouping::GroupingParams {
                radius: cp.violence.massacre_radius,
                forces: &cp.forces,
                communities: state.legitimacy.len(),
                groups: &cp.groups,
            };
            grouping::group_killings(
                tick,
                &gp,
                &jp,
                &self.agents.world,
                &mut out.killings,
                &mut state.cases,
                &mut out.counters,
                &mut out.events,
                &mut out.buf,
                justice_rng,
            );
            // 8. justice †
            justice::justice_phase(
                tick,
                &jp,
                &mut state.cases,
                &mut state.learned,
                &mut out.effects,
                &mut out.counters,
                &mut out.events,
            );
            // 9. legitimacy †
            legitimacy::legitimacy_phase(
                &cp.legitimacy,
                &cp.baseline,
                &mut state.legitimacy,
                &mut state.unresolved,
                &mut out.effects,
            );
            legitimacy::refresh_grievance(
                &mut self.griev,
                &state.legitimacy,
                &state.unresolved,
                cp.legitimacy.omega,
            );
        }
        // 10. demography
        let max_age = self.params.max_age;
        demography::deaths_of_age(&mut self.agents, tick, max_age, &mut self.scratch.counters);
        // 11. bookkeeping
        self.agents.remove_dead(&mut self.scratch.remap);
    }

    /// Applies the timeline's changes scheduled for this tick, if any.
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

    /// Puts every agent that takes a turn in a freshly shuffled order.
    fn build_schedule(&mut self) {
        let order = &mut self.scratch.order;
        order.clear();
        let with_jailed = self.rules.shuffle_jailed;
        order.extend(
            self.agents
                .persons
                .iter()
                .enumerate()
                .filter(|(_, p)| with_jailed || p.status != Status::Jailed)
                .map(|(i, _)| AgentId::person(i)),
        );
        order.extend((0..self.agents.units.len()).map(AgentId::unit));
        use rand::seq::SliceRandom;
        order.shuffle(self.rng.get(Stream::Schedule));
    }

    /// Summary counts of the current state.
    pub fn stats(&self) -> TickStats {
        let mut st = TickStats::default();
        st.fill(self);
        st
    }

    /// Summary counts of the current state, written into `st` (whose vectors are reused: a
    /// caller that keeps one `TickStats` across ticks allocates nothing).
    pub fn stats_into(&self, st: &mut TickStats) {
        st.fill(self);
    }

    /// Appends this tick's metric values (in [`Model::metrics`] order) to `row`.
    pub fn metric_row(&self, row: &mut Vec<f64>) {
        let st = self.stats();
        self.metrics.values(&st, row);
    }

    /// Checks the model's invariants: every occupant is where the lattice says, layers agree
    /// with agents, no agent stands on two cells, counts add up.
    pub fn check_invariants(&self) -> Result<(), InvariantError> {
        invariants::check(&self.agents, self.rules.countdown)
    }

    /// Bytes of heap memory held by this replicate's state.
    pub fn heap_bytes(&self) -> usize {
        self.agents.world.heap_bytes()
            + self.agents.persons.capacity() * std::mem::size_of::<Person>()
            + self.agents.units.capacity() * std::mem::size_of::<Unit>()
            + self.scratch.order.capacity() * 4
    }
}
