//! The conflict model's part of a replicate, as one value: its resolved parameters, the state
//! it carries from tick to tick (legitimacy, unresolved injustice, cases, what forces have
//! learned, arms, threat) and the scratch of the current tick (counts, effects on legitimacy,
//! killings waiting to be grouped, events, reusable buffers).
//!
//! A replicate of Epstein's models has no [`Conflict`]; [`crate::Model::step`] matches on it
//! where the step branches.

use super::params::ConflictParams;
#[cfg(doc)]
use crate::events::PerpetratorKind;
use crate::events::{Event, Perpetrator};

/// The conflict model of one replicate.
#[derive(Clone, Debug)]
pub(crate) struct Conflict {
    /// Its parameters, resolved from the scenario (rebuilt when the timeline changes a knob).
    pub params: ConflictParams,
    /// What it carries from one tick to the next.
    pub state: ConflictState,
    /// What one tick accumulates; cleared when the next starts.
    pub tick: ConflictTick,
}

impl Conflict {
    /// The state at tick 0 of a scenario with `communities` communities, whose unresolved
    /// injustice starts at `unresolved`.
    pub fn new(params: ConflictParams, communities: usize, unresolved: Vec<f64>) -> Conflict {
        let groups = params.groups.len();
        debug_assert_eq!(unresolved.len(), communities);
        let prior = Lessons::prior(&params.deterrence);
        let state = ConflictState {
            legitimacy: params.baseline.clone(),
            unresolved,
            disarm_factor: vec![1.0; groups],
            threat: vec![0.0; params.n_regions * communities],
            learned: Deterrence {
                state: prior,
                groups: vec![prior; groups],
            },
            cases: Vec::new(),
            training_carry: vec![0.0; params.missions.len()],
            joining: vec![0.0; groups * communities],
            leaving: vec![0.0; groups * communities],
        };
        let tick = ConflictTick::new(communities, groups, params.n_regions);
        Conflict {
            params,
            state,
            tick,
        }
    }
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fate {
    /// Waiting for the decision to investigate.
    Pending,
    /// Under investigation, verdict due.
    Investigating,
    /// Convicted, serving a sentence.
    Serving,
    /// Sentence served.
    Punished,
    /// Never investigated.
    NeverInvestigated,
    /// Investigated, not convicted.
    Acquitted,
    /// Covered by the amnesty law (before or after a conviction).
    Amnestied,
}

impl Fate {
    /// Lower-case name for outputs.
    pub fn name(self) -> &'static str {
        match self {
            Fate::Pending => "pending",
            Fate::Investigating => "investigating",
            Fate::Serving => "serving",
            Fate::Punished => "punished",
            Fate::NeverInvestigated => "never_investigated",
            Fate::Acquitted => "acquitted",
            Fate::Amnestied => "amnestied",
        }
    }

    /// Whether the case is still moving through the pipeline.
    pub fn open(self) -> bool {
        matches!(self, Fate::Pending | Fate::Investigating | Fate::Serving)
    }
}

/// One abuse event's case.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Case {
    /// Tick of the abuse.
    pub opened: u32,
    /// Who did it.
    pub perpetrator: Perpetrator,
    /// The victims' community (the most numerous one).
    pub community: u8,
    /// Region of the event.
    pub region: u8,
    /// Victims, in people.
    pub victims: u32,
    /// In the law's excluded categories (never amnestied).
    pub excluded: bool,
    /// Uniform draws fixed when the case opens, compared with the knobs when each decision
    /// falls due (investigated iff `u_investigate >= impunity`, convicted iff
    /// `u_convict < conviction`, within the amnesty's scope iff `u_scope < scope`), so that a
    /// knob changes only the decisions it governs.
    pub u_investigate: f64,
    /// See `u_investigate`.
    pub u_convict: f64,
    /// See `u_investigate`.
    pub u_scope: f64,
    /// The tick of the next step (decision, verdict, end of sentence).
    pub next: u32,
    /// Where it stands.
    pub fate: Fate,
}

/// Counts of one tick of the conflict model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConflictCounters {
    /// Civilians killed, by kind of perpetrator ([`PerpetratorKind`] order).
    pub killed_by: [u64; 6],
    /// Civilians killed, by community.
    pub killed_of: Vec<u64>,
    /// New recruits, by group.
    pub recruits: Vec<u64>,
    /// Abuses (people killed in extrajudicial killings).
    pub abuses: u64,
    /// Abuses by units a training mission has trained (included in `abuses`).
    pub abuses_trained: u64,
    /// Cases opened.
    pub cases_opened: u64,
    /// Cases whose investigation began.
    pub cases_investigated: u64,
    /// Convictions.
    pub convictions: u64,
    /// Amnesties granted.
    pub amnesties: u64,
    /// Battle events.
    pub battles: u64,
    /// Combatants killed in battles (not in strikes: their deaths are in their events).
    pub battle_deaths: u64,
}

impl ConflictCounters {
    /// Names of the scalar counters, in the order of [`ConflictCounters::scalars`]: the
    /// metric names of the time series and the outcome names of a whole run.
    pub const SCALAR_NAMES: [&'static str; 8] = [
        "abuses",
        "abuses_trained",
        "cases_opened",
        "cases_investigated",
        "convictions",
        "amnesties",
        "battles",
        "battle_deaths",
    ];

    /// The scalar counters, in the order of [`ConflictCounters::SCALAR_NAMES`].
    pub fn scalars(&self) -> [u64; 8] {
        [
            self.abuses,
            self.abuses_trained,
            self.cases_opened,
            self.cases_investigated,
            self.convictions,
            self.amnesties,
            self.battles,
            self.battle_deaths,
        ]
    }

    /// Zero counts for `communities` communities and `groups` groups.
    pub fn new(communities: usize, groups: usize) -> Self {
        ConflictCounters {
            killed_of: vec![0; communities],
            recruits: vec![0; groups],
            ..Default::default()
        }
    }

    /// Becomes a copy of `other`, reusing its own vectors' memory.
    pub(crate) fn copy_from(&mut self, other: &ConflictCounters) {
        let ConflictCounters {
            killed_by,
            killed_of,
            recruits,
            abuses,
            abuses_trained,
            cases_opened,
            cases_investigated,
            convictions,
            amnesties,
            battles,
            battle_deaths,
        } = other;
        self.killed_by = *killed_by;
        self.killed_of.clone_from(killed_of);
        self.recruits.clone_from(recruits);
        self.abuses = *abuses;
        self.abuses_trained = *abuses_trained;
        self.cases_opened = *cases_opened;
        self.cases_investigated = *cases_investigated;
        self.convictions = *convictions;
        self.amnesties = *amnesties;
        self.battles = *battles;
        self.battle_deaths = *battle_deaths;
    }

    /// Back to zero, keeping the vectors' lengths (and their memory).
    pub(crate) fn reset(&mut self) {
        let (killed_of, recruits) = (
            std::mem::take(&mut self.killed_of),
            std::mem::take(&mut self.recruits),
        );
        *self = ConflictCounters {
            killed_of,
            recruits,
            ..Default::default()
        };
        self.killed_of.fill(0);
        self.recruits.fill(0);
    }
}

/// What one pool of perpetrators (the state's forces together, or one armed group) has
/// seen of cases against its own: discounted counts of investigation decisions and verdicts
/// (the prior included), from which it expects a sanction
/// ([`crate::mechanisms::deterrence`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Lessons {
    /// Cases investigated.
    pub investigated: f64,
    /// Cases never investigated (amnestied before the decision included).
    pub not_investigated: f64,
    /// Investigated cases that ended in a conviction that stuck.
    pub convicted: f64,
    /// Investigated cases that ended without one (acquitted, amnestied before the verdict,
    /// or amnestied while serving).
    pub not_convicted: f64,
}

/// The sanction forces and armed groups expect for killing civilians, learned from cases.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Deterrence {
    /// The state's forces, pooled: soldiers hear what happens to other units' cases.
    pub state: Lessons,
    /// Per armed group, from its own cases (only groups the state does not fight have any).
    pub groups: Vec<Lessons>,
}

/// What the conflict model carries from one tick to the next.
#[derive(Clone, Debug)]
pub(crate) struct ConflictState {
    /// L per community, now.
    pub legitimacy: Vec<f64>,
    /// Unresolved-injustice index U per community.
    pub unresolved: Vec<f64>,
    /// Per group: the share of its arms disarmament has left (1 = untouched).
    pub disarm_factor: Vec<f64>,
    /// Recent killings of each community's civilians, per region (`region * communities + c`).
    pub threat: Vec<f64>,
    /// What forces and groups have learned from cases.
    pub learned: Deterrence,
    /// Every case opened so far.
    pub cases: Vec<Case>,
    /// Fractional units each mission will train next.
    pub training_carry: Vec<f64>,
    /// Shares of agents owed to each group by recruitment, not yet a whole agent, in
    /// [0, 1) (`group * communities + c`; [`crate::mechanisms::pooling`]).
    pub joining: Vec<f64>,
    /// Shares of agents owed by each group to desertion (same layout).
    pub leaving: Vec<f64>,
}

impl ConflictState {
    /// Starts every pool at a uniform number in [0, 1), so that rounding people to whole
    /// agents is unbiased (systematic sampling).
    pub fn seed_pools(&mut self, rng: &mut crate::rng::Rng) {
        use rand::RngExt;
        for pool in self.joining.iter_mut().chain(self.leaving.iter_mut()) {
            *pool = rng.random::<f64>();
        }
    }
}

/// The tick's effects on legitimacy and unresolved injustice, applied at its end
/// ([`crate::mechanisms::legitimacy`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct LegitimacyEffects {
    /// ΔL per community.
    pub legitimacy: Vec<f64>,
    /// ΔU per community.
    pub unresolved: Vec<f64>,
}

impl LegitimacyEffects {
    /// No effect yet, for `communities` communities.
    pub fn new(communities: usize) -> Self {
        LegitimacyEffects {
            legitimacy: vec![0.0; communities],
            unresolved: vec![0.0; communities],
        }
    }
}

/// A killing of a civilian recorded during the tick, grouped into events at its end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Killing {
    /// Who killed.
    pub by: Perpetrator,
    /// Whether it was an abuse (abuse events open cases).
    pub abuse: bool,
    pub x: u16,
    pub y: u16,
    /// The victims' community.
    pub community: u8,
    /// People killed.
    pub people: u32,
}

/// What one tick of the conflict model accumulates, and buffers its phases reuse so that a
/// tick allocates nothing once they have grown.
#[derive(Clone, Debug)]
pub(crate) struct ConflictTick {
    /// This tick's counts.
    pub counters: ConflictCounters,
    /// Changes to L and U accumulated during the tick, applied at its end.
    pub effects: LegitimacyEffects,
    /// Living members of each community per region (`region * communities + c`), counted at
    /// the start of the tick (threat is read per thousand members).
    pub members: Vec<f64>,
    /// Living, free fighters of each armed group (people), counted at the start of the tick:
    /// no band is larger.
    pub fighters: Vec<f64>,
    /// Living soldiers of every force, counted at the start of the tick: no patrol is
    /// larger.
    pub soldiers: f64,
    /// Killings of this tick, grouped into events at its end.
    pub killings: Vec<Killing>,
    /// Events of this tick.
    pub events: Vec<Event>,
    /// Buffers.
    pub buf: Buffers,
}

/// Reusable buffers of the conflict phases (contents meaningless between uses).
#[derive(Clone, Debug, Default)]
pub(crate) struct Buffers {
    /// Union-find parents, cluster slots, first killings, sizes and per-community counts of
    /// the event grouping.
    pub parent: Vec<usize>,
    pub slot: Vec<usize>,
    pub first: Vec<usize>,
    pub size: Vec<u32>,
    pub per: Vec<u32>,
    /// Agents: training candidates, a raid's fellows, a battle's sides, a strike's
    /// neighbourhood.
    pub indices: Vec<usize>,
    pub cells: Vec<(usize, usize)>,
    pub side_a: Vec<crate::world::AgentId>,
    pub side_b: Vec<crate::world::AgentId>,
    /// Per group: the share of its fighters in contact with state units.
    pub contact: Vec<f64>,
}

impl ConflictTick {
    /// Nothing yet, for `communities` communities, `groups` groups and `regions` regions.
    pub(crate) fn new(communities: usize, groups: usize, regions: usize) -> Self {
        ConflictTick {
            counters: ConflictCounters::new(communities, groups),
            effects: LegitimacyEffects::new(communities),
            members: vec![0.0; regions * communities],
            fighters: vec![0.0; groups],
            soldiers: 0.0,
            killings: Vec::new(),
            events: Vec::new(),
            buf: Buffers::default(),
        }
    }

    /// Ready for a new tick: counts at zero, no events (ΔL and ΔU are zeroed by the
    /// legitimacy phase that applies them).
    pub fn clear(&mut self) {
        self.counters.reset();
        self.events.clear();
    }
}
