//! Agent records: small `Copy` structs in plain vectors, no heap objects per agent.

/// What a person is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Status {
    /// Not rebelling.
    Quiescent = 0,
    /// Openly rebelling (Epstein's "active").
    Active = 1,
    /// In jail.
    Jailed = 2,
    /// Killed or died of age; removed at the end of the tick.
    Dead = 3,
    /// A member of an armed group ([`Person::group`]).
    Fighter = 4,
}

/// No armed group.
pub const NO_GROUP: u8 = u8::MAX;

/// [`Person::flags`]: the household is armed.
pub const ARMED: u8 = 1;

/// A jail term that never ends (J_max = ∞).
pub const FOREVER: u32 = u32::MAX;

/// A person (Epstein's "agent"; a civilian of a community in the conflict model).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Person {
    /// H: perceived hardship, U(0, 1).
    pub hardship: f64,
    /// R: risk aversion, U(0, 1).
    pub risk: f64,
    /// Column.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// Ticks of jail left ([`FOREVER`] for life); meaningful while jailed.
    pub jail: u32,
    /// Tick at which the person dies of age (`u32::MAX`: never).
    pub dies_at: u32,
    /// Current status.
    pub status: Status,
    /// Index of the person's community in the scenario.
    pub community: u8,
    /// Armed group of a fighter (also kept in jail), or [`NO_GROUP`].
    pub group: u8,
    /// Bit flags ([`ARMED`]).
    pub flags: u8,
}

/// A force unit (Epstein's "cop"; a squad of an army or a mission in the conflict model).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Column.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// Index of the unit's force in the scenario.
    pub force: u8,
    /// Whether a training mission has trained it.
    pub trained: bool,
    /// Recent attacks on its side that it took part in (retaliation memory; fades each tick).
    pub alarm: f32,
    /// Killed in battle this tick (removed at its end).
    pub dead: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stay_small() {
        assert_eq!(std::mem::size_of::<Person>(), 32);
        assert!(std::mem::size_of::<Unit>() <= 12);
    }
}
