//! Births and deaths of age (Epstein's Model II).
//!
//! On its turn, a free person gives birth with probability `birth_rate`: the child appears on
//! a uniformly random empty cell of the parent's Moore neighbourhood (none empty: no birth),
//! belongs to the parent's community, and draws its own hardship and risk aversion from
//! U(0, 1) (children inherit the group, not the temperament). Every person draws a lifespan
//! uniformly from 1..=`max_age` ticks at birth (initial persons at tick 0) and dies when it is
//! reached, in jail or not.
//!
//! | symbol | key |
//! |---|---|
//! | birth rate | `demography.birth_rate` |
//! | maximum age | `demography.max_age` (0: immortal) |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::model::{ARMED, Agents, NO_GROUP, Params, Person, Status, TickCounters};
use crate::rng::Rng;
use crate::world::{AgentId, MAX_ROWS, layer};
use rand::RngExt;

/// Person `i` may give birth (`p.birth_rate`; the child's lifespan from `p.max_age`).
#[inline]
pub(crate) fn maybe_give_birth(
    a: &mut Agents,
    i: usize,
    tick: u32,
    p: &Params,
    rng: &mut Rng,
    counters: &mut TickCounters,
) {
    let rate = p.birth_rate;
    if rate <= 0.0 || !matches!(a.persons[i].status, Status::Quiescent | Status::Active) {
        return;
    }
    if !rng.random_bool(rate) {
        return;
    }
    let parent = a.persons[i];
    let (x, y) = (parent.x as usize, parent.y as usize);
    let mut rows = [0u8; MAX_ROWS];
    let free = a
        .world
        .layers
        .count_clear_rows(layer::OCCUPIED, x, y, &p.moore, &mut rows);
    if free == 0 {
        return;
    }
    let max_age = p.max_age;
    let k = rng.random_range(0..free);
    let hardship = rng.random::<f64>();
    let risk = rng.random::<f64>();
    let dies_at = if max_age > 0 {
        tick.saturating_add(rng.random_range(1..=max_age))
    } else {
        u32::MAX
    };
    let (cx, cy) = a
        .world
        .layers
        .nth_clear(layer::OCCUPIED, x, y, &p.moore, &rows, k);
    let nominal = a.nominal;
    a.push_person(
        Person {
            hardship,
            risk,
            x: cx as u16,
            y: cy as u16,
            jail: 0,
            dies_at,
            status: Status::Quiescent,
            community: parent.community,
            group: NO_GROUP,
            flags: parent.flags & ARMED,
        },
        nominal,
    );
    let id = AgentId::person(a.persons.len() - 1);
    a.occupy(id, cx, cy);
    counters.births += 1;
}

/// The demography phase: persons whose lifespan is over die (`max_age` 0: nobody does).
pub(crate) fn deaths_of_age(a: &mut Agents, tick: u32, max_age: u32, counters: &mut TickCounters) {
    if max_age == 0 {
        return;
    }
    for i in 0..a.persons.len() {
        let p = a.persons[i];
        if p.status != Status::Dead && p.dies_at <= tick {
            a.set_status(i, Status::Dead);
            counters.deaths_of_age += 1;
        }
    }
}
