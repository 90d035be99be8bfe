//! The conflict model's state that lives off the lattice: legitimacy and unresolved injustice
//! per community, the justice pipeline's cases, what forces have learned about punishment,
//! arms, threat, and this tick's counts and events.

use crate::events::Event;
use crate::scenario::GroupKind;

/// Who killed a civilian (the `killed_civilians_<perpetrator>` columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Perp {
    /// State forces (abuses).
    State = 0,
    /// Pro-government armed groups.
    ProGov = 1,
    /// Communal militias.
    Militia = 2,
    /// Jihadist groups.
    Jihadist = 3,
    /// Bandits.
    Bandit = 4,
    /// International forces (strikes' civilian casualties).
    International = 5,
}

impl Perp {
    /// Every perpetrator kind, in column order.
    pub const ALL: [Perp; 6] = [
        Perp::State,
        Perp::ProGov,
        Perp::Militia,
        Perp::Jihadist,
        Perp::Bandit,
        Perp::International,
    ];

    /// Column suffix.
    pub fn name(self) -> &'static str {
        match self {
            Perp::State => "state",
            Perp::ProGov => "progov",
            Perp::Militia => "militia",
            Perp::Jihadist => "jihadist",
            Perp::Bandit => "bandit",
            Perp::International => "international",
        }
    }

    /// The perpetrator kind of a group.
    pub fn of_group(k: GroupKind) -> Perp {
        match k {
            GroupKind::Jihadist => Perp::Jihadist,
            GroupKind::Militia => Perp::Militia,
            GroupKind::Bandit => Perp::Bandit,
            GroupKind::ProGovernment => Perp::ProGov,
        }
    }

    /// Whether the state answers for it (its abuses open justice cases).
    pub fn state_side(self) -> bool {
        matches!(self, Perp::State | Perp::ProGov)
    }
}

/// Who committed an abuse: a force or a (pro-government) group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Perpetrator {
    /// Force index.
    Force(u8),
    /// Group index.
    Group(u8),
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
    /// Victims, in agents.
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
    /// Civilians killed, by perpetrator ([`Perp`] order).
    pub killed_by: [u64; 6],
    /// Civilians killed, by community.
    pub killed_of: Vec<u64>,
    /// New recruits, by group.
    pub recruits: Vec<u64>,
    /// Abuses (victims of extrajudicial killings, agents).
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
    /// Combatants killed in battles and strikes.
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

    pub(crate) fn reset(&mut self) {
        let (c, g) = (self.killed_of.len(), self.recruits.len());
        *self = ConflictCounters::new(c, g);
    }
}

/// A killing recorded during the tick, grouped into events at its end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Killing {
    /// Group index, or force index + 128 for abuses by units.
    pub actor: u8,
    pub abuse: bool,
    pub x: u16,
    pub y: u16,
    pub community: u8,
}

/// The conflict model's off-lattice state.
#[derive(Clone, Debug)]
pub struct Institutions {
    /// L per community, now.
    pub legitimacy: Vec<f64>,
    /// Unresolved-injustice index U per community.
    pub unresolved: Vec<f64>,
    /// Changes to L accumulated during the tick, applied at its end.
    pub(crate) d_legitimacy: Vec<f64>,
    /// Additions to U accumulated during the tick.
    pub(crate) d_unresolved: Vec<f64>,
    /// Per group: the share of its arms disarmament has left (1 = untouched).
    pub disarm_factor: Vec<f64>,
    /// Recent killings of each community's civilians, per region (`region * communities + c`).
    pub threat: Vec<f64>,
    /// Living members of each community per region (same indexing), counted each tick.
    pub members: Vec<f64>,
    /// Expected punishment learned by each force.
    pub expected_punishment_force: Vec<f64>,
    /// Expected punishment learned by each (pro-government) group.
    pub expected_punishment_group: Vec<f64>,
    /// Every case opened so far.
    pub cases: Vec<Case>,
    /// Fractional units each mission will train next.
    pub(crate) training_carry: Vec<f64>,
    /// This tick's counts.
    pub counters: ConflictCounters,
    /// Killings of this tick, grouped into events at its end.
    pub(crate) killings: Vec<Killing>,
    /// Events of this tick.
    pub events: Vec<Event>,
}

impl Institutions {
    pub(crate) fn new(
        communities: usize,
        groups: usize,
        forces: usize,
        regions: usize,
        baseline: &[f64],
        prior: f64,
        missions: usize,
    ) -> Self {
        Institutions {
            legitimacy: baseline.to_vec(),
            unresolved: vec![0.0; communities],
            d_legitimacy: vec![0.0; communities],
            d_unresolved: vec![0.0; communities],
            disarm_factor: vec![1.0; groups],
            threat: vec![0.0; regions * communities],
            members: vec![0.0; regions * communities],
            expected_punishment_force: vec![prior; forces],
            expected_punishment_group: vec![prior; groups],
            cases: Vec::new(),
            training_carry: vec![0.0; missions],
            counters: ConflictCounters::new(communities, groups),
            killings: Vec::new(),
            events: Vec::new(),
        }
    }
}
