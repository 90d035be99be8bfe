//! Epstein's Model II violence: active persons kill members of other communities.
//!
//! After deciding (rule A), an active person of community c kills one person chosen uniformly
//! at random among the free members of the communities c targets
//! (`communities.<c>.kills`) within its vision. Jailed persons are out of reach. The victim is
//! removed at once; its cell is free for the rest of the tick.
//!
//! | symbol | key |
//! |---|---|
//! | targets | `communities.<c>.kills` |
//! | L | `communities.<c>.legitimacy` (in Model II, each group's view of the other group's legitimacy, as in Epstein) |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::{nth_in_vision, overflow_counts};
use crate::model::{Agents, Params, Status, TickCounters};
use crate::rng::Rng;
use crate::world::{LayerId, layer};
use rand::RngExt;

/// At most this many targeted communities per community.
const MAX_TARGETS: usize = 8;

/// Person `i`, if active, kills a random targeted person in its vision (`p.person_shape`).
#[inline(always)]
pub(crate) fn communal_violence(
    a: &mut Agents,
    i: usize,
    p: &Params,
    rng: &mut Rng,
    counters: &mut TickCounters,
) {
    let person = a.persons[i];
    if person.status != Status::Active {
        return;
    }
    let targets = &p.kill_layers[person.community as usize];
    let n_targets = targets.len();
    if n_targets == 0 {
        return;
    }
    let (x, y) = (person.x as usize, person.y as usize);
    let shape = &p.person_shape;
    let mut per: [(LayerId, u32, u32); MAX_TARGETS] = [(layer::OCCUPIED, 0, 0); MAX_TARGETS];
    let mut total = 0;
    for (t, slot) in per.iter_mut().enumerate().take(n_targets.min(MAX_TARGETS)) {
        let l = targets[t];
        let [bits] = a.world.layers.count([l], x, y, shape);
        let extra = if a.world.overflow.is_empty() {
            0
        } else {
            overflow_counts(a, [l], x, y, shape)[0]
        };
        *slot = (l, bits, bits + extra);
        total += bits + extra;
    }
    if total == 0 {
        return;
    }
    let mut k = rng.random_range(0..total);
    for &(l, bits, n) in per.iter().take(n_targets) {
        if k < n {
            let victim = nth_in_vision(a, l, x, y, shape, bits, k);
            a.set_status(victim.index(), Status::Dead);
            counters.killed += 1;
            return;
        }
        k -= n;
    }
}
