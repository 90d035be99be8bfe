//! Epstein's cop rule C, jail terms and releases.
//!
//! A force unit with role `policing` looks at the cells in its vision and, if it sees any
//! active person, arrests one chosen uniformly at random. The arrestee is jailed for a term
//! drawn from J_max (`policing.max_jail_term`) as the rules say ([`crate::rules::JailTerm`]):
//! U(0, J_max) in the paper, 0..J_max−1 in NetLogo, 0..=J_max in Mesa. Terms count down at the
//! end of each tick or on the jailed person's own turn ([`crate::rules::Countdown`]).
//!
//! | symbol | key |
//! |---|---|
//! | J_max | `policing.max_jail_term` (times `policy.sentence_severity`) |
//! | cop vision | `forces.<f>.vision` |
//! | cop density | `forces.<f>.density` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! Where a released person goes: under `paper` rules it left the lattice, so it returns to
//! its cell if that is empty, otherwise to a random empty cell in its vision of that cell,
//! otherwise to a random empty cell anywhere (the paper does not say; this keeps people near
//! where they were arrested). Under `netlogo` it reappears on its cell, sharing it if someone
//! moved in (as NetLogo does). Under `mesa` it never left.

use super::{nth_in_vision, overflow_counts};
use crate::model::{Agents, FOREVER, NO_GROUP, Params, Status, TickCounters};
use crate::rng::{Rng, Stream, Streams};
use crate::rules::{CopAfterArrest, Countdown, JailTerm, JailedCell, Rules, TurnOrder};
use crate::world::{AgentId, MAX_ROWS, Shape, layer};
use rand::RngExt;

/// The turn of force unit `u` in Epstein's models: rules M and C in the rules' order.
#[inline(always)]
pub(crate) fn unit_turn(
    a: &mut Agents,
    u: usize,
    p: &Params,
    rules: &Rules,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    let f = a.units[u].force as usize;
    let moves = p.unit_moves[f];
    let id = AgentId::unit(u);
    let shape = &p.unit_shape[f];
    match rules.order {
        TurnOrder::MoveThenAct => {
            if moves {
                super::movement::move_in_vision(a, id, shape, rng.get(Stream::Movement));
            }
            arrest_in_vision(a, u, p, rules, rng.get(Stream::Policing), counters);
        }
        TurnOrder::ActThenMove => {
            arrest_in_vision(a, u, p, rules, rng.get(Stream::Policing), counters);
            if moves {
                super::movement::move_in_vision(a, id, shape, rng.get(Stream::Movement));
            }
        }
    }
}

/// Rule C for unit `u`: arrest a random active person in vision, if any.
#[inline(always)]
pub(crate) fn arrest_in_vision(
    a: &mut Agents,
    u: usize,
    p: &Params,
    rules: &Rules,
    rng: &mut Rng,
    counters: &mut TickCounters,
) {
    let unit = a.units[u];
    let (x, y) = (unit.x as usize, unit.y as usize);
    let shape = &p.unit_shape[unit.force as usize];
    let [bits] = a.world.layers.count([layer::ACTIVE], x, y, shape);
    let extra = if a.world.overflow.is_empty() {
        0
    } else {
        overflow_counts(a, [layer::ACTIVE], x, y, shape)[0]
    };
    let n = bits + extra;
    if n == 0 {
        return;
    }
    let k = rng.random_range(0..n);
    let target = nth_in_vision(a, layer::ACTIVE, x, y, shape, bits, k);
    let i = target.index();
    let (tx, ty) = (a.persons[i].x as usize, a.persons[i].y as usize);
    jail(a, i, p.max_jail, rules, rng);
    counters.arrests += a.people(i);
    if rules.cop_after_arrest == CopAfterArrest::MoveToArrestee {
        let id = AgentId::unit(u);
        a.vacate(id);
        a.occupy(id, tx, ty);
    }
}

/// Draws a jail term of at most `max_jail` for person `i` and jails it (a zero term under
/// end-of-tick countdown only deactivates it, as in NetLogo).
pub(crate) fn jail(a: &mut Agents, i: usize, max_jail: f64, rules: &Rules, rng: &mut Rng) {
    let jmax = max_jail;
    let term = match rules.jail_term {
        JailTerm::Uniform => {
            if jmax.is_infinite() {
                FOREVER
            } else {
                let j = rng.random::<f64>() * jmax;
                (j.ceil() as u32).max(1)
            }
        }
        // J_max below 1 (J_max × sentence_severity): no whole term below it but 0, drawn
        // without a random number (NetLogo's `random 0` is 0 too).
        JailTerm::BelowMax if (jmax as u32) == 0 => 0,
        JailTerm::BelowMax => rng.random_range(0..jmax as u32),
        JailTerm::UpToMax => rng.random_range(0..=jmax as u32),
    };
    if term == 0 && rules.countdown == Countdown::EndOfTick {
        a.set_status(i, Status::Quiescent);
        return;
    }
    a.persons[i].jail = term;
    a.set_status(i, Status::Jailed);
}

/// A jailed person's own turn under [`Countdown::OwnTurn`]: returns `true` if the turn is
/// spent counting down, `false` if the term is over and the person acts.
#[inline(always)]
pub(crate) fn jailed_turn(a: &mut Agents, i: usize, rules: &Rules) -> bool {
    if rules.countdown != Countdown::OwnTurn {
        return true;
    }
    let j = a.persons[i].jail;
    if j > 0 {
        if j != FOREVER {
            a.persons[i].jail = j - 1;
        }
        return true;
    }
    false
}

/// The jail phase (end-of-tick countdown): terms drop by one; persons at zero are released
/// ([`release`], which may draw from the demography stream).
pub(crate) fn end_of_tick_jail(a: &mut Agents, person_shape: &Shape, rules: &Rules, rng: &mut Rng) {
    if rules.countdown != Countdown::EndOfTick {
        return;
    }
    for i in 0..a.persons.len() {
        let p = &mut a.persons[i];
        if p.status != Status::Jailed || p.jail == FOREVER {
            continue;
        }
        p.jail -= 1;
        if p.jail == 0 {
            release(a, i, person_shape, rules, rng);
        }
    }
}

/// Puts person `i` back on the lattice: quiescent, or back in its armed group if it was a
/// member. Under rules where jail leaves the lattice, a person whose cell is taken goes to a
/// random free cell in its vision (`person_shape`), else anywhere; `rng` is the demography
/// stream.
pub(crate) fn release(
    a: &mut Agents,
    i: usize,
    person_shape: &Shape,
    rules: &Rules,
    rng: &mut Rng,
) {
    let free = if a.persons[i].group == NO_GROUP {
        Status::Quiescent
    } else {
        Status::Fighter
    };
    match rules.jailed {
        JailedCell::StayFree | JailedCell::Occupy => a.set_status(i, free),
        JailedCell::Leave => {
            let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
            let spot = if a.at(x, y).is_none() {
                Some((x, y))
            } else {
                let mut rows = [0u8; MAX_ROWS];
                let n =
                    a.world
                        .layers
                        .count_clear_rows(layer::OCCUPIED, x, y, person_shape, &mut rows);
                if n > 0 {
                    let k = rng.random_range(0..n);
                    Some(
                        a.world
                            .layers
                            .nth_clear(layer::OCCUPIED, x, y, person_shape, &rows, k),
                    )
                } else {
                    a.random_empty_cell(rng)
                }
            };
            match spot {
                Some((nx, ny)) => {
                    a.persons[i].x = nx as u16;
                    a.persons[i].y = ny as u16;
                    a.set_status(i, free);
                }
                // The lattice is full: try again next tick.
                None => a.persons[i].jail = 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, place_unit, tiny};
    use crate::rng::stream_rng;

    #[test]
    fn a_unit_arrests_the_only_active_in_sight_and_jail_ends_in_release() {
        // paper rules: uniform terms in 1..=J_max, end-of-tick countdown, jail leaves the
        // lattice
        let (p, _, mut a) = tiny("[policing]\nmax_jail_term = 3\n");
        let rules = crate::rules::Rules::from(crate::rules::RuleSet::Paper);
        let u = place_unit(&mut a, 0, 4, 4);
        let quiet = place_person(&mut a, 0, Status::Quiescent, 4, 5);
        let active = place_person(&mut a, 1, Status::Active, 5, 4);
        let mut counters = TickCounters::default();
        let mut rng = stream_rng(1, 0, Stream::Policing);
        arrest_in_vision(&mut a, u, &p, &rules, &mut rng, &mut counters);
        assert_eq!(counters.arrests, 1);
        assert_eq!(a.persons[quiet].status, Status::Quiescent);
        assert_eq!(a.persons[active].status, Status::Jailed);
        assert!((1..=3).contains(&a.persons[active].jail));
        assert!(
            a.at(5, 4).is_none(),
            "jail leaves the lattice under paper rules"
        );
        let mut demography = stream_rng(1, 0, Stream::Demography);
        for _ in 0..3 {
            end_of_tick_jail(&mut a, &p.person_shape, &rules, &mut demography);
        }
        assert_eq!(a.persons[active].status, Status::Quiescent);
        assert_eq!(a.at(5, 4), AgentId::person(active), "back on its own cell");
    }
}
