//! The invariants behind [`crate::Model::check_invariants`]: every occupant is where the
//! lattice says, the layers agree with the agents, no agent stands on two cells, counts add
//! up.

use super::Status;
use super::state::Agents;
use crate::rules::Countdown;
use crate::world::{AgentId, OUTSIDE, layer};

/// An agent named in an [`InvariantError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentRef {
    /// The person with this index in [`crate::Model::persons`].
    Person(usize),
    /// The force unit with this index in [`crate::Model::units`].
    Unit(usize),
}

impl AgentRef {
    fn of(id: AgentId) -> AgentRef {
        if id.is_unit() {
            AgentRef::Unit(id.index())
        } else {
            AgentRef::Person(id.index())
        }
    }
}

impl std::fmt::Display for AgentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentRef::Person(i) => write!(f, "person {i}"),
            AgentRef::Unit(i) => write!(f, "unit {i}"),
        }
    }
}

/// A broken invariant of a model's state (a bug, never a scenario's fault).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InvariantError {
    /// A dead person was not removed at the end of the tick.
    #[error("dead person {0} kept after the tick")]
    DeadPersonKept(usize),
    /// A destroyed unit was not removed at the end of the tick.
    #[error("dead unit {0} kept after the tick")]
    DeadUnitKept(usize),
    /// A person who is not an occupant (jailed under rules where jail leaves the lattice) is
    /// on the lattice.
    #[error("person {person} ({status:?}) is on the lattice")]
    OnLatticeWhileAway {
        /// The person.
        person: usize,
        /// Its status.
        status: Status,
    },
    /// A person is jailed with no term left under end-of-tick countdown.
    #[error("person {0} is jailed with no term left")]
    JailedWithoutTerm(usize),
    /// An agent is listed as sharing a cell that has no main occupant.
    #[error("{0} shares an empty cell")]
    SharesEmptyCell(AgentRef),
    /// An agent is neither its cell's occupant nor a sharer.
    #[error("{agent} at ({x},{y}) is not on its cell")]
    NotOnItsCell {
        /// The agent.
        agent: AgentRef,
        /// Its column.
        x: usize,
        /// Its row.
        y: usize,
    },
    /// A cell outside every region lies in one.
    #[error("blocked cell {0} lies in a region")]
    BlockedCellInRegion(usize),
    /// A cell names an occupant that does not stand there.
    #[error("cell {0} lists an agent that is not there")]
    StaleCell(usize),
    /// A layer bit disagrees with the occupants.
    #[error("layer {layer} disagrees with the agents at ({x},{y})")]
    LayerMismatch {
        /// The layer.
        layer: usize,
        /// Column.
        x: usize,
        /// Row.
        y: usize,
    },
    /// The lattice holds more or fewer occupants than there are.
    #[error("{found} occupants on the lattice, {expected} expected")]
    OccupantCount {
        /// On the lattice.
        found: usize,
        /// Among the agents.
        expected: usize,
    },
}

/// Checks the invariants of `a` under `countdown`.
pub(super) fn check(a: &Agents, countdown: Countdown) -> Result<(), InvariantError> {
    let w = &a.world;
    let mut seen = vec![0u8; w.n_cells()];
    let mut expect = vec![0u64; w.n_cells()];
    let mut count_id = |id: AgentId| -> Result<(), InvariantError> {
        let (x, y) = a.pos(id);
        let c = w.cell(x, y);
        if w.cells[c] == id {
            seen[c] += 1;
            expect[c] = a.mask(id);
            Ok(())
        } else if w.overflow.contains(&id) {
            if w.cells[c].is_none() {
                return Err(InvariantError::SharesEmptyCell(AgentRef::of(id)));
            }
            Ok(())
        } else {
            Err(InvariantError::NotOnItsCell {
                agent: AgentRef::of(id),
                x,
                y,
            })
        }
    };
    for (i, p) in a.persons.iter().enumerate() {
        if p.status == Status::Dead {
            return Err(InvariantError::DeadPersonKept(i));
        }
        if a.is_occupant(p) {
            count_id(AgentId::person(i))?;
        } else {
            let id = AgentId::person(i);
            if w.cells.contains(&id) || w.overflow.contains(&id) {
                return Err(InvariantError::OnLatticeWhileAway {
                    person: i,
                    status: p.status,
                });
            }
        }
        if p.status == Status::Jailed && p.jail == 0 && countdown == Countdown::EndOfTick {
            return Err(InvariantError::JailedWithoutTerm(i));
        }
    }
    for i in 0..a.units.len() {
        if a.units[i].dead {
            return Err(InvariantError::DeadUnitKept(i));
        }
        count_id(AgentId::unit(i))?;
    }
    for c in 0..w.n_cells() {
        if w.cells[c] == AgentId::BLOCKED {
            if w.region[c] != OUTSIDE {
                return Err(InvariantError::BlockedCellInRegion(c));
            }
            expect[c] = 1 << layer::OCCUPIED;
        } else if !w.cells[c].is_none() && seen[c] != 1 {
            return Err(InvariantError::StaleCell(c));
        }
        let (x, y) = (c % w.width, c / w.width);
        for l in 0..w.layers.len() {
            if w.layers.get(l, x, y) != (expect[c] >> l & 1 == 1) {
                return Err(InvariantError::LayerMismatch { layer: l, x, y });
            }
        }
    }
    let found = w.cells.iter().filter(|c| c.is_agent()).count() + w.overflow.len();
    let expected = a.persons.iter().filter(|p| a.is_occupant(p)).count() + a.units.len();
    if found != expected {
        return Err(InvariantError::OccupantCount { found, expected });
    }
    Ok(())
}
