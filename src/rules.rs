//! Implementation details of Epstein's model that change results, each one a switch.
//!
//! Published implementations of Epstein (2002) disagree on details the paper leaves open or
//! that their authors changed. Each detail is a field of [`Rules`]; three named rule sets
//! reproduce the paper as written, NetLogo's *Rebellion* and Mesa 3.3.1's example:
//!
//! | detail | [`RuleSet::Paper`] | [`RuleSet::Netlogo`] | [`RuleSet::Mesa`] |
//! |---|---|---|---|
//! | C/A in P ([`Ratio`]) | exact ratio | floor(C/A) | round half to even |
//! | vision shape ([`VisionShape`]) | Euclidean disc | Euclidean disc | von Neumann diamond |
//! | own cell in vision | no | yes (so an active agent counts itself twice in A) | no |
//! | turn order ([`TurnOrder`]) | move, then act | move, then act | act, then move |
//! | jailed agents in the shuffle | yes | yes | yes |
//! | jail term ([`JailTerm`]) | U(0, J_max) | integer 0..J_max−1 | integer 0..=J_max |
//! | jail countdown ([`Countdown`]) | end of tick | end of tick | on the agent's own turn |
//! | jailed agent ([`JailedCell`]) | leaves the lattice | stays, cell counts as free | keeps its cell |
//! | cop after arrest ([`CopAfterArrest`]) | stays | moves onto the arrestee's cell | stays |
//! | placement ([`Placement`]) | exact counts | exact counts | per cell, by cumulative weights |
//!
//! Two rows of the table in docs/MODEL.md §6 follow from others here rather than being separate switches:
//! *what A counts* is always `1 + actives in vision`, and whether "in vision" includes the own
//! cell is [`Rules::include_center`]; the *movement target* is always a cell without an
//! occupant, and who occupies a cell is decided by [`Rules::jailed`] (under `netlogo` jailed
//! agents are not occupants, so their cells are free).
//!
//! ```
//! use impunity::rules::{Ratio, Rules, RuleSet};
//! let mesa = Rules::from(RuleSet::Mesa);
//! assert_eq!(mesa.ratio, Ratio::RoundHalfEven);
//! assert_eq!(Ratio::RoundHalfEven.apply(5, 2), 2.0); // round(2.5) = 2, as in Python
//! assert_eq!(Ratio::Floor.apply(5, 2), 2.0);
//! assert_eq!(Ratio::Exact.apply(5, 2), 2.5);
//! ```

use serde::{Deserialize, Serialize};

/// A named rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSet {
    /// Epstein (2002) as written.
    Paper,
    /// NetLogo's Rebellion model (Wilensky 2004).
    Netlogo,
    /// Mesa 3.3.1's `epstein_civil_violence` example.
    Mesa,
}

impl RuleSet {
    /// All rule sets.
    pub const ALL: [RuleSet; 3] = [RuleSet::Paper, RuleSet::Netlogo, RuleSet::Mesa];

    /// The lower-case name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            RuleSet::Paper => "paper",
            RuleSet::Netlogo => "netlogo",
            RuleSet::Mesa => "mesa",
        }
    }
}

/// How the cop-to-active ratio C/A enters the arrest probability P = 1 − exp(−k·f(C/A)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ratio {
    /// f(C/A) = C/A, as in the paper.
    Exact,
    /// f(C/A) = floor(C/A), as in NetLogo. Produces punctuated equilibrium.
    Floor,
    /// f(C/A) = round(C/A) with ties to even (Python's `round`), as in Mesa.
    RoundHalfEven,
}

impl Ratio {
    /// f(c/a) for `a >= 1`.
    pub fn apply(self, c: u32, a: u32) -> f64 {
        debug_assert!(a >= 1);
        match self {
            Ratio::Exact => c as f64 / a as f64,
            Ratio::Floor => (c / a) as f64,
            Ratio::RoundHalfEven => {
                let q = c / a;
                let r2 = 2 * (c % a);
                let up = r2 > a || (r2 == a && q % 2 == 1);
                (q + up as u32) as f64
            }
        }
    }
}

/// The set of cells an agent sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisionShape {
    /// Cells whose centres lie within Euclidean distance v (v = 1.7 gives the 8 Moore
    /// neighbours).
    Disc,
    /// Cells within Manhattan distance floor(v) (von Neumann diamond).
    Diamond,
    /// Cells within Chebyshev distance floor(v) (Moore square).
    Square,
}

/// Within one agent's turn, whether it moves before or after it acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnOrder {
    /// Move, then decide/arrest (paper, NetLogo).
    MoveThenAct,
    /// Decide/arrest, then move (Mesa).
    ActThenMove,
}

/// How a jail term is drawn, given J_max.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JailTerm {
    /// A real number J ~ U(0, J_max); the agent is free again at the first tick at least J
    /// ticks after its arrest (so it misses ceil(J) − 1 turns). Infinite J_max jails for ever.
    Uniform,
    /// An integer uniform on 0..J_max−1 (NetLogo's `random max-jail-term`).
    BelowMax,
    /// An integer uniform on 0..=J_max (Python's `random.randint(0, J_max)`).
    UpToMax,
}

/// When a jail term counts down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Countdown {
    /// Every jailed agent's term drops by one at the end of each tick; at zero it is free.
    EndOfTick,
    /// On its own turn, a jailed agent with term > 0 lowers it by one and does nothing else;
    /// with term 0 it acts as a free agent (Mesa).
    OwnTurn,
}

/// What a jailed agent does to the lattice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JailedCell {
    /// It leaves the lattice; on release it returns to its cell if that is empty, otherwise
    /// to a random empty cell within its vision of it, otherwise to a random empty cell.
    Leave,
    /// It stays on its cell, which counts as free: others may move onto it. On release it is
    /// an occupant again, sharing the cell if someone moved in (as in NetLogo).
    StayFree,
    /// It keeps its cell, which nobody else may enter (Mesa).
    Occupy,
}

/// What a cop does after an arrest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopAfterArrest {
    /// Stays where it is.
    Stay,
    /// Moves onto the arrestee's cell (NetLogo).
    MoveToArrestee,
}

/// How the initial population is placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// round(density × cells) agents of each kind, each on a random empty cell (force units
    /// first, then persons).
    ExactCounts,
    /// Each cell independently holds a person with probability `density`, else a force unit
    /// with probability `cop density`, else nothing (Mesa's cumulative weights).
    PerCell,
}

/// Every switch of the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// f(C/A) in the arrest probability.
    pub ratio: Ratio,
    /// Shape of every vision set.
    pub vision: VisionShape,
    /// Whether an agent's own cell is part of its vision.
    pub include_center: bool,
    /// Move before or after acting.
    pub order: TurnOrder,
    /// Whether jailed agents are part of the shuffled schedule (they only matter when
    /// [`Countdown::OwnTurn`] makes their turn do something).
    pub shuffle_jailed: bool,
    /// Jail-term distribution.
    pub jail_term: JailTerm,
    /// When jail terms count down.
    pub countdown: Countdown,
    /// Whether jailed agents occupy the lattice.
    pub jailed: JailedCell,
    /// Cop movement after an arrest.
    pub cop_after_arrest: CopAfterArrest,
    /// Initial placement.
    pub placement: Placement,
}

impl From<RuleSet> for Rules {
    fn from(set: RuleSet) -> Rules {
        match set {
            RuleSet::Paper => Rules {
                ratio: Ratio::Exact,
                vision: VisionShape::Disc,
                include_center: false,
                order: TurnOrder::MoveThenAct,
                shuffle_jailed: true,
                jail_term: JailTerm::Uniform,
                countdown: Countdown::EndOfTick,
                jailed: JailedCell::Leave,
                cop_after_arrest: CopAfterArrest::Stay,
                placement: Placement::ExactCounts,
            },
            RuleSet::Netlogo => Rules {
                ratio: Ratio::Floor,
                vision: VisionShape::Disc,
                include_center: true,
                order: TurnOrder::MoveThenAct,
                shuffle_jailed: true,
                jail_term: JailTerm::BelowMax,
                countdown: Countdown::EndOfTick,
                jailed: JailedCell::StayFree,
                cop_after_arrest: CopAfterArrest::MoveToArrestee,
                placement: Placement::ExactCounts,
            },
            RuleSet::Mesa => Rules {
                ratio: Ratio::RoundHalfEven,
                vision: VisionShape::Diamond,
                include_center: false,
                order: TurnOrder::ActThenMove,
                shuffle_jailed: true,
                jail_term: JailTerm::UpToMax,
                countdown: Countdown::OwnTurn,
                jailed: JailedCell::Occupy,
                cop_after_arrest: CopAfterArrest::Stay,
                placement: Placement::PerCell,
            },
        }
    }
}

/// Rule details that cannot work together ([`Rules::check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RulesConflict {
    /// A cop cannot move onto a cell its arrestee keeps.
    #[error(
        "cop_after_arrest = \"move_to_arrestee\" needs jailed agents that free their cell (jailed = \"leave\" or \"stay_free\")"
    )]
    MoveToOccupiedCell,
    /// Own-turn countdown needs the jailed in the schedule.
    #[error("countdown = \"own_turn\" needs jailed agents in the schedule (shuffle_jailed = true)")]
    OwnTurnWithoutJailedTurns,
}

impl Rules {
    /// Combinations that cannot work together.
    ///
    /// ```
    /// use impunity::rules::{Countdown, Rules, RuleSet, RulesConflict};
    /// let mut r = Rules::from(RuleSet::Mesa);
    /// assert_eq!(r.check(), Ok(()));
    /// r.shuffle_jailed = false;
    /// assert_eq!(r.check(), Err(RulesConflict::OwnTurnWithoutJailedTurns));
    /// ```
    pub fn check(&self) -> Result<(), RulesConflict> {
        if self.cop_after_arrest == CopAfterArrest::MoveToArrestee
            && self.jailed == JailedCell::Occupy
        {
            return Err(RulesConflict::MoveToOccupiedCell);
        }
        if self.countdown == Countdown::OwnTurn && !self.shuffle_jailed {
            return Err(RulesConflict::OwnTurnWithoutJailedTurns);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_half_even_matches_python() {
        // Python: round(0.5)=0, round(1.5)=2, round(2.5)=2, round(3.5)=4, round(1/3)=0, round(2/3)=1
        let r = Ratio::RoundHalfEven;
        assert_eq!(r.apply(1, 2), 0.0);
        assert_eq!(r.apply(3, 2), 2.0);
        assert_eq!(r.apply(5, 2), 2.0);
        assert_eq!(r.apply(7, 2), 4.0);
        assert_eq!(r.apply(1, 3), 0.0);
        assert_eq!(r.apply(2, 3), 1.0);
        assert_eq!(r.apply(0, 1), 0.0);
        assert_eq!(r.apply(9, 4), 2.0);
        assert_eq!(r.apply(10, 4), 2.0);
        assert_eq!(r.apply(11, 4), 3.0);
        // exhaustive agreement with an f64 implementation of banker's rounding
        for a in 1..60u32 {
            for c in 0..120u32 {
                let x = c as f64 / a as f64;
                let fl = x.floor();
                let diff = x - fl;
                let want = if diff > 0.5 || (diff == 0.5 && fl % 2.0 == 1.0) {
                    fl + 1.0
                } else {
                    fl
                };
                assert_eq!(r.apply(c, a), want, "c={c} a={a}");
            }
        }
    }

    #[test]
    fn presets_are_consistent() {
        for s in RuleSet::ALL {
            Rules::from(s).check().unwrap();
        }
    }
}
