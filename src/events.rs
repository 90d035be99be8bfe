//! Events in the spirit of ACLED's schema: one row of `events.csv` per event.
//!
//! | column | meaning |
//! |---|---|
//! | `event_id` | sequence number within the replicate, from 0 |
//! | `replicate`, `tick`, `date` | when (`date` empty without a calendar) |
//! | `region`, `x`, `y` | where (`region` empty without regions) |
//! | `event_type` | `battles`, `violence against civilians`, `abuses`, `arrests`, `investigations`, `convictions`, `amnesties`, `disarmament`, `recruitment` |
//! | `sub_event_type` | e.g. `armed clash`, `strike`, `attack`, `mass killing`, `extrajudicial killing`, `never investigated` |
//! | `actor1`, `actor2` | group, force or community names |
//! | `victim_community` | the victims' community, if any |
//! | `fatalities` | deaths, in agents (multiply by the manifest's `people_per_agent` for people) |

use crate::scenario::Scenario;

/// The kind of an event (ACLED's `event_type`, extended with the justice pipeline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// Armed clashes and strikes between organised forces.
    Battles,
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

/// A party to an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// Nobody / not applicable.
    None,
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

impl Actor {
    /// The actor's name in `s`.
    pub fn name(self, s: &Scenario) -> String {
        match self {
            Actor::None => String::new(),
            Actor::Force(i) => s
                .forces
                .get_index(i as usize)
                .map(|(k, _)| k.clone())
                .unwrap_or_default(),
            Actor::Group(i) => s
                .groups
                .get_index(i as usize)
                .map(|(k, _)| k.clone())
                .unwrap_or_default(),
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

/// One event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Tick it happened in.
    pub tick: u32,
    /// Region index, if the scenario has regions.
    pub region: Option<u8>,
    /// Column.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// ACLED-style type.
    pub event_type: EventType,
    /// Finer type.
    pub sub_event_type: &'static str,
    /// First party (the initiator).
    pub actor1: Actor,
    /// Second party.
    pub actor2: Actor,
    /// Victims' community.
    pub victim_community: Option<u8>,
    /// Deaths, in agents.
    pub fatalities: u32,
}

/// The header of `events.csv`.
pub const HEADER: &str = "event_id,replicate,tick,date,region,x,y,event_type,sub_event_type,actor1,actor2,victim_community,fatalities";

/// Writes events as CSV rows (numbered from `first_id`).
pub fn write_rows<W: std::io::Write>(
    w: &mut W,
    s: &Scenario,
    replicate: u64,
    first_id: u64,
    events: &[Event],
) -> std::io::Result<()> {
    let regions: Vec<String> = s
        .world
        .regions
        .as_ref()
        .map(|r| r.legend.values().cloned().collect())
        .unwrap_or_default();
    for (k, e) in events.iter().enumerate() {
        let date = s
            .start_date
            .map(|d| {
                d.plus_days(e.tick as i64 * s.days_per_tick as i64)
                    .to_string()
            })
            .unwrap_or_default();
        let region = e
            .region
            .and_then(|r| regions.get(r as usize))
            .cloned()
            .unwrap_or_default();
        let victim = e
            .victim_community
            .and_then(|c| s.communities.get_index(c as usize))
            .map(|(k, _)| k.as_str())
            .unwrap_or("");
        writeln!(
            w,
            "{},{replicate},{},{date},{region},{},{},{},{},{},{},{victim},{}",
            first_id + k as u64,
            e.tick,
            e.x,
            e.y,
            e.event_type.name(),
            e.sub_event_type,
            e.actor1.name(s),
            e.actor2.name(s),
            e.fatalities
        )?;
    }
    Ok(())
}
