//! Epstein's cop rule C, jail terms and releases.
//!
//! A force unit with role `policing` looks at the cells in its vision and, if it sees any
//! active person, arrests one chosen uniformly at random. The arrestee is jailed for a term
//! drawn from J_max (`policing.max_jail_term`) as the rules say ([`crate::rules::JailTerm`]):
//! U(0, J_max) in the paper, 0..J_max−1 in NetLogo, 0..=J_max in Mesa. Terms count down at the
//! end of each tick or on the jailed person's own turn ([`crate::rules::Countdown`]).
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | J_max | `policing.max_jail_term` | ticks, ≥ 0 or `inf` | 30 (NetLogo's default; Epstein uses 15, 30 and ∞ by run) |
//! | cop vision | `forces.<f>.vision` | cells, 0-28 | per scenario (Epstein: 1.7 or 7) |
//! | cop density | `forces.<f>.density` | units per cell, [0, 1] | per scenario (Epstein: 0.04 or 0.074) |
//!
//! Where a released person goes: under `paper` rules it left the lattice, so it returns to
//! its cell if that is empty, otherwise to a random empty cell in its vision of that cell,
//! otherwise to a random empty cell anywhere (the paper does not say; this keeps people near
//! where they were arrested). Under `netlogo` it reappears on its cell, sharing it if someone
//! moved in (as NetLogo does). Under `mesa` it never left.

use super::{nth_in_vision, overflow_counts};
use crate::model::{FOREVER, Model, Status};
use crate::rng::Stream;
use crate::rules::{CopAfterArrest, Countdown, JailTerm, JailedCell, TurnOrder};
use crate::world::{AgentId, MAX_ROWS, layer};
use rand::RngExt;

impl Model {
    /// The turn of force unit `u`.
    #[inline(always)]
    pub(crate) fn unit_turn(&mut self, u: usize) {
        let f = self.units[u].force as usize;
        let moves = self.params.unit_moves[f];
        let id = AgentId::unit(u);
        match self.rules.order {
            TurnOrder::MoveThenAct => {
                if moves {
                    self.move_in_vision(id, Some(f));
                }
                self.arrest_in_vision(u);
            }
            TurnOrder::ActThenMove => {
                self.arrest_in_vision(u);
                if moves {
                    self.move_in_vision(id, Some(f));
                }
            }
        }
    }

    /// Rule C for unit `u`: arrest a random active person in vision, if any.
    #[inline(always)]
    pub(crate) fn arrest_in_vision(&mut self, u: usize) {
        let unit = self.units[u];
        let (x, y) = (unit.x as usize, unit.y as usize);
        let shape = &self.params.unit_shape[unit.force as usize];
        let [bits] = self.world.layers.count([layer::ACTIVE], x, y, shape);
        let extra = if self.world.overflow.is_empty() {
            0
        } else {
            overflow_counts(self, [layer::ACTIVE], x, y, shape)[0]
        };
        let n = bits + extra;
        if n == 0 {
            return;
        }
        let k = self.rng.get(Stream::Policing).random_range(0..n);
        let target = nth_in_vision(self, layer::ACTIVE, x, y, shape, bits, k);
        let i = target.index();
        let (tx, ty) = (self.persons[i].x as usize, self.persons[i].y as usize);
        self.jail(i);
        self.counters.arrests += 1;
        if self.rules.cop_after_arrest == CopAfterArrest::MoveToArrestee {
            let id = AgentId::unit(u);
            self.vacate(id);
            self.occupy(id, tx, ty);
        }
    }

    /// Draws a jail term for person `i` and jails it (a zero term under end-of-tick countdown
    /// only deactivates it, as in NetLogo).
    pub(crate) fn jail(&mut self, i: usize) {
        let jmax = self.params.max_jail;
        let rng = self.rng.get(Stream::Policing);
        let term = match self.rules.jail_term {
            JailTerm::Uniform => {
                if jmax.is_infinite() {
                    FOREVER
                } else {
                    let j = rng.random::<f64>() * jmax;
                    (j.ceil() as u32).max(1)
                }
            }
            JailTerm::BelowMax => rng.random_range(0..jmax as u32),
            JailTerm::UpToMax => rng.random_range(0..=jmax as u32),
        };
        if term == 0 && self.rules.countdown == Countdown::EndOfTick {
            self.set_status(i, Status::Quiescent);
            return;
        }
        self.persons[i].jail = term;
        self.set_status(i, Status::Jailed);
    }

    /// A jailed person's own turn under [`Countdown::OwnTurn`]: returns `true` if the turn is
    /// spent counting down, `false` if the term is over and the person acts.
    #[inline(always)]
    pub(crate) fn jailed_turn(&mut self, i: usize) -> bool {
        if self.rules.countdown != Countdown::OwnTurn {
            return true;
        }
        let j = self.persons[i].jail;
        if j > 0 {
            if j != FOREVER {
                self.persons[i].jail = j - 1;
            }
            return true;
        }
        false
    }

    /// End-of-tick countdown: terms drop by one; persons at zero are released.
    pub(crate) fn end_of_tick_jail(&mut self) {
        if self.rules.countdown != Countdown::EndOfTick {
            return;
        }
        for i in 0..self.persons.len() {
            let p = &mut self.persons[i];
            if p.status != Status::Jailed || p.jail == FOREVER {
                continue;
            }
            p.jail -= 1;
            if p.jail == 0 {
                self.release(i);
            }
        }
    }

    /// Puts person `i` back on the lattice: quiescent, or back in its armed group if it was a
    /// member.
    pub(crate) fn release(&mut self, i: usize) {
        let free = if self.persons[i].group == crate::model::NO_GROUP {
            Status::Quiescent
        } else {
            Status::Fighter
        };
        match self.rules.jailed {
            JailedCell::StayFree | JailedCell::Occupy => self.set_status(i, free),
            JailedCell::Leave => {
                let (x, y) = (self.persons[i].x as usize, self.persons[i].y as usize);
                let spot = if self.world.cells[self.world.cell(x, y)].is_none() {
                    Some((x, y))
                } else {
                    let shape = &self.params.person_shape;
                    let mut rows = [0u8; MAX_ROWS];
                    let free =
                        self.world
                            .layers
                            .count_clear_rows(layer::OCCUPIED, x, y, shape, &mut rows);
                    if free > 0 {
                        let k = self.rng.get(Stream::Demography).random_range(0..free);
                        Some(
                            self.world
                                .layers
                                .nth_clear(layer::OCCUPIED, x, y, shape, &rows, k),
                        )
                    } else {
                        self.random_empty_cell(Stream::Demography)
                    }
                };
                match spot {
                    Some((nx, ny)) => {
                        self.persons[i].x = nx as u16;
                        self.persons[i].y = ny as u16;
                        self.set_status(i, free);
                    }
                    // The lattice is full: try again next tick.
                    None => self.persons[i].jail = 1,
                }
            }
        }
    }
}
