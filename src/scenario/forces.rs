//! Force units (`[forces.<name>]`): Epstein's cops, and the armies and missions of the
//! conflict model.

use serde::{Deserialize, Serialize};

section! {
    /// A kind of force unit (Epstein's cops; an army, a peacekeeping mission, …).
    pub struct ForceSpec {
        /// What the units do: `policing` units arrest actives in vision and count as cops in
        /// P (Epstein's cops, hence the default); `counterinsurgency` units also engage armed
        /// groups' fighters in vision (`violence.engage_rate`); `peacekeeping` units deter
        /// killings in vision (`violence.peacekeeper_deterrence`), never arrest and never
        /// abuse; `strike` units strike jihadist fighters in vision (`violence.strike_rate`).
        pub role: Role = default(Role::Policing);
        /// `state`: the state's own forces: they may abuse civilians (`abuse.*`), which opens
        /// justice cases and costs legitimacy; they deter attacks in vision
        /// (`violence.state_deterrence`) and fight groups that target the state.
        /// `international` (MINUSMA, Barkhane): none of these; civilians they kill are
        /// counted as theirs.
        pub side: Side = default(Side::State) [sparse];
        /// Share of cells holding a unit (Epstein: 0.04 or 0.074). Give this or `people`,
        /// not both.
        pub density: Option<f64> = unset example("0.04")
            check(unit, "without regions, plus `population.density` and the other forces' \
                         densities ≤ 1")
            [timeline sparse];
        /// Personnel, in people: the force has round(people / `world.people_per_agent`)
        /// units. Give this or `density`, not both.
        pub people: Option<f64> = unset example("400.0") check(people) [timeline sparse];
        /// Vision radius in cells.
        pub vision: f64 = required example("7") check(vision) [timeline];
        /// Whether units move.
        pub movement: bool = default(true) [timeline];
        /// Chance per tick that a policing or counter-insurgency unit that sees actives
        /// arrests one (1: always, as Epstein's cops do). Read by the conflict model only: in
        /// Epstein's models cops always arrest.
        pub arrest_rate: f64 = default(1.0) check(unit) [timeline sparse];
        /// Conduct: a state unit's chance of abusing civilians is multiplied by
        /// (1 − discipline). Training raises it only with `policy.field_oversight`.
        pub discipline: f64 = default(0.0) check(unit) [timeline sparse];
        /// Tactical skill: a unit fights in battles with effectiveness 0.5 + proficiency
        /// (training adds its mission's `proficiency_gain`, up to 1).
        pub proficiency: f64 = default(0.0) check(unit) [timeline sparse];
        /// Regions the units are placed in, at the start and when the timeline adds units;
        /// empty: anywhere. Units then move freely.
        pub regions: Vec<String> = default example("[\"x\"]")
            range("names of regions (needs `world.regions`)") [sparse];
    }
}

/// What a force unit does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Arrests actives in vision and counts as a cop in the arrest-probability estimate
    /// (Epstein's cop).
    #[default]
    Policing,
    /// Policing, plus battles against armed groups' fighters in vision.
    Counterinsurgency,
    /// Deters killings in vision; never arrests, never abuses.
    Peacekeeping,
    /// Strikes fighters in vision, with a risk of civilian casualties.
    Strike,
}

/// Which side a force is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The state's own forces: abuses by them open justice cases and cost legitimacy.
    #[default]
    State,
    /// International forces (MINUSMA, Barkhane): their civilian casualties are their own.
    International,
}
