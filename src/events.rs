//! Events in the spirit of ACLED's schema: one row of `events.csv` per event.
//!
//! | column | meaning |
//! |---|---|
//! | `event_id` | sequence number within the replicate, from 0 |
//! | `replicate`, `tick`, `date` | when (`date` empty without a calendar) |
//! | `region`, `x`, `y` | where (`region` empty without regions; `x`, `y` are `0,0` for events that have no cell, such as justice decisions) |
//! | `event_type` | `battles`, `remote violence`, `violence against civilians`, `abuses`, `arrests`, `investigations`, `convictions`, `amnesties`, `disarmament`, `recruitment` |
//! | `sub_event_type` | e.g. `armed clash`, `strike`, `attack`, `mass killing`, `extrajudicial killing`, `never investigated` ([`SubEventType`]) |
//! | `actor1`, `actor2` | group, force or community names |
//! | `victim_community` | the victims' community, if any |
//! | `fatalities` | deaths, in people |
//!
//! Events are built inside the crate by one constructor per kind (`Event::battle`,
//! `Event::killings`, …), so that the sub-type, the type it belongs to and the parties always
//! agree; a study reads them ([`crate::Model::events`]). Who did something
//! is a [`Perpetrator`] (a force or an armed group); the columns that count killings by kind
//! of perpetrator use its [`PerpetratorKind`], derived from the force's side or the group's
//! kind.

use crate::scenario::{GroupKind, Scenario};

/// The kind of an event (ACLED's `event_type`, extended with the justice pipeline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// Armed clashes between organised forces.
    Battles,
    /// Strikes from the air on fighters (ACLED's "Explosions/Remote violence", whose
    /// "air/drone strike" events are not battles: ACLED codes them apart).
    RemoteViolence,
    /// Killings of civilians by armed groups or in strikes.
    ViolenceAgainstCivilians,
    /// Extrajudicial killings by state-side forces.
    Abuses,
    /// Arrests by state forces.
    Arrests,
    /// Decisions to investigate a case or not.
    Investigations,
    /// Convictions.
    Convictions,
    /// Amnesties.
    Amnesties,
    /// Disarmament campaigns taking arms.
    Disarmament,
    /// Persons joining armed groups.
    Recruitment,
}

impl EventType {
    /// The name written to `events.csv`.
    pub fn name(self) -> &'static str {
        match self {
            EventType::Battles => "battles",
            EventType::RemoteViolence => "remote violence",
            EventType::ViolenceAgainstCivilians => "violence against civilians",
            EventType::Abuses => "abuses",
            EventType::Arrests => "arrests",
            EventType::Investigations => "investigations",
            EventType::Convictions => "convictions",
            EventType::Amnesties => "amnesties",
            EventType::Disarmament => "disarmament",
            EventType::Recruitment => "recruitment",
        }
    }
}

/// The finer kind of an event (ACLED's `sub_event_type`); each belongs to one [`EventType`].
///
/// ```
/// use impunity::events::{EventType, SubEventType};
/// assert_eq!(SubEventType::MassKilling.name(), "mass killing");
/// assert_eq!(SubEventType::MassKilling.event_type(), EventType::ViolenceAgainstCivilians);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubEventType {
    /// A battle between a group and state units or another group.
    ArmedClash,
    /// A strike on a jihadist fighter (remote violence, not a battle).
    Strike,
    /// An attack on civilians by a group that killed one or nobody.
    Attack,
    /// Killings of several civilians by one group close together in one tick.
    MassKilling,
    /// Civilians killed by an international force's strike.
    StrikeCasualties,
    /// Killings of civilians by state-side forces or pro-government fighters.
    ExtrajudicialKilling,
    /// A case's investigation begins.
    InvestigationOpened,
    /// A case is closed without investigation.
    NeverInvestigated,
    /// A case ends in acquittal.
    Acquitted,
    /// A case ends in conviction.
    Convicted,
    /// A case is closed by the amnesty law.
    Amnestied,
    /// The amnesty law enters into force.
    LawEntersIntoForce,
    /// A disarmament campaign reaches a group.
    MilitiaDisarmed,
    /// Civilians of a community lose arms.
    CiviliansDisarmed,
    /// A person joins an armed group.
    Joined,
}

impl SubEventType {
    /// The name written to `events.csv`.
    pub fn name(self) -> &'static str {
        use SubEventType::*;
        match self {
            ArmedClash => "armed clash",
            Strike => "strike",
            Attack => "attack",
            MassKilling => "mass killing",
            StrikeCasualties => "strike casualties",
            ExtrajudicialKilling => "extrajudicial killing",
            InvestigationOpened => "investigation opened",
            NeverInvestigated => "never investigated",
            Acquitted => "acquitted",
            Convicted => "convicted",
            Amnestied => "amnestied",
            LawEntersIntoForce => "law enters into force",
            MilitiaDisarmed => "militia disarmed",
            CiviliansDisarmed => "civilians disarmed",
            Joined => "joined",
        }
    }

    /// The type this sub-type belongs to.
    pub fn event_type(self) -> EventType {
        use SubEventType::*;
        match self {
            ArmedClash => EventType::Battles,
            Strike => EventType::RemoteViolence,
            Attack | MassKilling | StrikeCasualties => EventType::ViolenceAgainstCivilians,
            ExtrajudicialKilling => EventType::Abuses,
            InvestigationOpened | NeverInvestigated | Acquitted => EventType::Investigations,
            Convicted => EventType::Convictions,
            Amnestied | LawEntersIntoForce => EventType::Amnesties,
            MilitiaDisarmed | CiviliansDisarmed => EventType::Disarmament,
            Joined => EventType::Recruitment,
        }
    }
}

/// Who did it: a force or an armed group (the perpetrator of a killing, the defendant of a
/// case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Perpetrator {
    /// A force, by index.
    Force(u8),
    /// An armed group, by index.
    Group(u8),
}

impl Perpetrator {
    /// The perpetrator's name in `s` (empty if the index is unknown).
    pub fn name(self, s: &Scenario) -> &str {
        match self {
            Perpetrator::Force(f) => s.forces.get_index(f as usize).map(|(k, _)| k.as_str()),
            Perpetrator::Group(g) => s.groups.get_index(g as usize).map(|(k, _)| k.as_str()),
        }
        .unwrap_or("")
    }
}

/// The kind of perpetrator a killing of a civilian is counted under (the
/// `killed_civilians_<kind>` columns): a force's by its side, a group's by its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum PerpetratorKind {
    /// State forces.
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

impl PerpetratorKind {
    /// Every kind, in column order.
    pub const ALL: [PerpetratorKind; 6] = [
        PerpetratorKind::State,
        PerpetratorKind::ProGov,
        PerpetratorKind::Militia,
        PerpetratorKind::Jihadist,
        PerpetratorKind::Bandit,
        PerpetratorKind::International,
    ];

    /// Column suffix.
    pub fn name(self) -> &'static str {
        match self {
            PerpetratorKind::State => "state",
            PerpetratorKind::ProGov => "progov",
            PerpetratorKind::Militia => "militia",
            PerpetratorKind::Jihadist => "jihadist",
            PerpetratorKind::Bandit => "bandit",
            PerpetratorKind::International => "international",
        }
    }

    /// The kind of a group.
    pub(crate) fn of_group(k: GroupKind) -> PerpetratorKind {
        match k {
            GroupKind::Jihadist => PerpetratorKind::Jihadist,
            GroupKind::Militia => PerpetratorKind::Militia,
            GroupKind::Bandit => PerpetratorKind::Bandit,
            GroupKind::ProGovernment => PerpetratorKind::ProGov,
        }
    }
}

/// A party to an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// A force, by index.
    Force(u8),
    /// An armed group, by index.
    Group(u8),
    /// A community's civilians, by index.
    Community(u8),
    /// The state's justice system.
    Justice,
    /// The state (policy).
    State,
}

impl From<Perpetrator> for Actor {
    fn from(p: Perpetrator) -> Actor {
        match p {
            Perpetrator::Force(f) => Actor::Force(f),
            Perpetrator::Group(g) => Actor::Group(g),
        }
    }
}

impl Actor {
    /// The actor's name in `s`.
    pub fn name(self, s: &Scenario) -> String {
        match self {
            Actor::Force(i) => Perpetrator::Force(i).name(s).to_string(),
            Actor::Group(i) => Perpetrator::Group(i).name(s).to_string(),
            Actor::Community(i) => s
                .communities
                .get_index(i as usize)
                .map(|(k, _)| format!("{k} civilians"))
                .unwrap_or_default(),
            Actor::Justice => "justice".into(),
            Actor::State => "state".into(),
        }
    }
}

/// A cell of the lattice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Column.
    pub x: u16,
    /// Row.
    pub y: u16,
}

impl Position {
    /// The cell (x, y).
    pub(crate) fn new(x: usize, y: usize) -> Position {
        Position {
            x: x as u16,
            y: y as u16,
        }
    }
}

/// One event: a model's events of the last tick are [`crate::Model::events`].
///
/// ```
/// use impunity::events::{EventType, SubEventType};
/// let s = impunity::presets::get("central-mali-2018").unwrap()
///     .with_changes([("world.people_per_agent", 100.0)]).unwrap();
/// let mut m = impunity::Model::new(&s, 1, 0).unwrap();
/// let mut events = Vec::new();
/// for _ in 0..40 {
///     m.step();
///     events.extend_from_slice(m.events());
/// }
/// let attack = events.iter().find(|e| e.sub_event_type == SubEventType::Attack).unwrap();
/// assert_eq!(attack.event_type(), EventType::ViolenceAgainstCivilians);
/// assert!(attack.position.is_some());
/// assert!(!attack.actor1.name(&s).is_empty()); // the armed group's name
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Tick it happened in.
    pub tick: u32,
    /// Region index, if the scenario has regions.
    pub region: Option<u8>,
    /// Where, for events that happen on a cell (`None`: justice decisions, laws, campaigns).
    pub position: Option<Position>,
    /// Finer type (its [`SubEventType::event_type`] is the event's type).
    pub sub_event_type: SubEventType,
    /// First party (the initiator).
    pub actor1: Actor,
    /// Second party, if any.
    pub actor2: Option<Actor>,
    /// Victims' community.
    pub victim_community: Option<u8>,
    /// Deaths, in agents.
    pub fatalities: u32,
}

impl Event {
    /// ACLED-style type.
    pub fn event_type(&self) -> EventType {
        self.sub_event_type.event_type()
    }

    /// A battle (`armed clash`) started by `actor1` against `actor2`.
    pub(crate) fn battle(
        tick: u32,
        region: Option<u8>,
        at: Position,
        actor1: Actor,
        actor2: Actor,
        fatalities: u32,
    ) -> Event {
        Event {
            tick,
            region,
            position: Some(at),
            sub_event_type: SubEventType::ArmedClash,
            actor1,
            actor2: Some(actor2),
            victim_community: None,
            fatalities,
        }
    }

    /// A strike by force `force` on a fighter of group `group` at `at`.
    pub(crate) fn strike(
        tick: u32,
        region: Option<u8>,
        at: Position,
        force: u8,
        group: u8,
        fatalities: u32,
    ) -> Event {
        Event {
            tick,
            region,
            position: Some(at),
            sub_event_type: SubEventType::Strike,
            actor1: Actor::Force(force),
            actor2: Some(Actor::Group(group)),
            victim_community: None,
            fatalities,
        }
    }

    /// An attack on civilians by group `group` that killed nobody.
    pub(crate) fn attack_without_deaths(
        tick: u32,
        region: Option<u8>,
        at: Position,
        group: u8,
    ) -> Event {
        Event {
            tick,
            region,
            position: Some(at),
            sub_event_type: SubEventType::Attack,
            actor1: Actor::Group(group),
            actor2: None,
            victim_community: None,
            fatalities: 0,
        }
    }

    /// Killings of civilians grouped into one event: `victims` of mostly `community`, by
    /// `by`, the first of them at `at`. `sub` says which kind (`attack`, `mass killing`,
    /// `strike casualties`, `extrajudicial killing`).
    pub(crate) fn killings(
        tick: u32,
        region: Option<u8>,
        at: Position,
        sub: SubEventType,
        by: Perpetrator,
        community: u8,
        victims: u32,
    ) -> Event {
        Event {
            tick,
            region,
            position: Some(at),
            sub_event_type: sub,
            actor1: by.into(),
            actor2: Some(Actor::Community(community)),
            victim_community: Some(community),
            fatalities: victims,
        }
    }

    /// A step of a case against `by` for abuses of `community`'s civilians (investigation
    /// opened or not, acquittal, conviction, amnesty).
    pub(crate) fn case_step(
        tick: u32,
        region: Option<u8>,
        sub: SubEventType,
        by: Perpetrator,
        community: u8,
    ) -> Event {
        Event {
            tick,
            region,
            position: None,
            sub_event_type: sub,
            actor1: Actor::Justice,
            actor2: Some(by.into()),
            victim_community: Some(community),
            fatalities: 0,
        }
    }

    /// The amnesty law enters into force.
    pub(crate) fn amnesty_law(tick: u32) -> Event {
        Event {
            tick,
            region: None,
            position: None,
            sub_event_type: SubEventType::LawEntersIntoForce,
            actor1: Actor::State,
            actor2: None,
            victim_community: None,
            fatalities: 0,
        }
    }

    /// The disarmament campaign reaches group `group`.
    pub(crate) fn group_disarmed(tick: u32, group: u8) -> Event {
        Event {
            tick,
            region: None,
            position: None,
            sub_event_type: SubEventType::MilitiaDisarmed,
            actor1: Actor::State,
            actor2: Some(Actor::Group(group)),
            victim_community: None,
            fatalities: 0,
        }
    }

    /// Civilians of `community` lose arms to the disarmament campaign.
    pub(crate) fn civilians_disarmed(tick: u32, community: u8) -> Event {
        Event {
            tick,
            region: None,
            position: None,
            sub_event_type: SubEventType::CiviliansDisarmed,
            actor1: Actor::State,
            actor2: Some(Actor::Community(community)),
            victim_community: None,
            fatalities: 0,
        }
    }

    /// A civilian of `community` at `at` joins group `group`.
    pub(crate) fn joined(
        tick: u32,
        region: Option<u8>,
        at: Position,
        group: u8,
        community: u8,
    ) -> Event {
        Event {
            tick,
            region,
            position: Some(at),
            sub_event_type: SubEventType::Joined,
            actor1: Actor::Group(group),
            actor2: Some(Actor::Community(community)),
            victim_community: None,
            fatalities: 0,
        }
    }
}

/// The header of `events.csv`.
pub(crate) const HEADER: &str = "event_id,replicate,tick,date,region,x,y,event_type,sub_event_type,actor1,actor2,victim_community,fatalities";

/// The date of tick `tick` under `s`'s calendar, empty without one.
fn date(s: &Scenario, tick: u32) -> String {
    s.start_date
        .map(|d| {
            d.plus_days(tick as i64 * s.days_per_tick as i64)
                .to_string()
        })
        .unwrap_or_default()
}

/// Writes events as CSV rows (numbered from `first_id`).
pub(crate) fn write_rows<W: std::io::Write>(
    w: &mut W,
    s: &Scenario,
    replicate: u64,
    first_id: u64,
    events: &[Event],
) -> std::io::Result<()> {
    let regions = s.region_names();
    for (k, e) in events.iter().enumerate() {
        let date = date(s, e.tick);
        let region = e
            .region
            .and_then(|r| regions.get(r as usize))
            .map(String::as_str)
            .unwrap_or("");
        let victim = e
            .victim_community
            .and_then(|c| s.communities.get_index(c as usize))
            .map(|(k, _)| k.as_str())
            .unwrap_or("");
        // events without a cell are written at 0,0 (the format of today's files)
        let Position { x, y } = e.position.unwrap_or(Position { x: 0, y: 0 });
        let actor2 = e.actor2.map(|a| a.name(s)).unwrap_or_default();
        writeln!(
            w,
            "{},{replicate},{},{date},{region},{x},{y},{},{},{},{actor2},{victim},{}",
            first_id + k as u64,
            e.tick,
            e.event_type().name(),
            e.sub_event_type.name(),
            e.actor1.name(s),
            e.fatalities
        )?;
    }
    Ok(())
}

/// The header of `cases.csv`.
pub(crate) const CASES_HEADER: &str = "case_id,replicate,opened_tick,opened_date,perpetrator,victim_community,region,victims,excluded,fate";

/// Writes one replicate's justice cases (numbered from 0 within the replicate).
pub(crate) fn write_cases<W: std::io::Write>(
    w: &mut W,
    s: &Scenario,
    replicate: u64,
    cases: &[crate::model::Case],
) -> std::io::Result<()> {
    let regions = s.region_names();
    for (k, c) in cases.iter().enumerate() {
        let date = date(s, c.opened);
        let who = c.perpetrator.name(s);
        let community = s
            .communities
            .get_index(c.community as usize)
            .map(|(k, _)| k.as_str())
            .unwrap_or("");
        let region = regions
            .get(c.region as usize)
            .map(String::as_str)
            .unwrap_or("");
        writeln!(
            w,
            "{k},{replicate},{},{date},{who},{community},{region},{},{},{}",
            c.opened,
            c.victims,
            c.excluded,
            c.fate.name()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_keep_the_type_and_the_sub_type_together() {
        let e = Event::battle(
            3,
            None,
            Position::new(4, 5),
            Actor::Group(0),
            Actor::State,
            2,
        );
        assert_eq!(e.event_type(), EventType::Battles);
        assert_eq!(e.sub_event_type.name(), "armed clash");
        assert_eq!(e.position, Some(Position { x: 4, y: 5 }));
        let law = Event::amnesty_law(7);
        assert_eq!(law.event_type(), EventType::Amnesties);
        assert_eq!(law.position, None);
    }
}
