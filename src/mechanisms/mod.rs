//! The model's rules, one file per mechanism, each a set of functions whose arguments name
//! what the rule reads and writes: the agents on the lattice (`Agents`, by `&mut`), the
//! parameters it reads, the parts of the conflict model's state it updates, the tick's
//! counts and events it adds to, and the random stream it draws from (`rng`, one
//! `Stream` each; the per-agent turns, which draw from several, take them all).
//! [`crate::model::Model::step`] calls them in a fixed order that its documentation lists, as
//! does docs/ODD.md (section 3).
//!
//! | file | rule |
//! |---|---|
//! | [`activation`] | Epstein's rule A: grievance, estimated arrest probability, activity |
//! | `movement` | rule M: move to a random free cell in vision |
//! | `policing` | rule C: arrests, jail terms, releases |
//! | `communal` | Model II: actives kill members of targeted communities |
//! | `demography` | Model II: births and deaths of age |
//! | `recruitment` | joining armed groups: grievance and protection-seeking |
//! | `violence` | fighters' turns, raids on settlements |
//! | `sizes` | the sizes in people drawn per event: bands, and the settlements raids strike |
//! | `grouping` | the tick's killings grouped into events; abuse and militia events open cases |
//! | `battles` | battles between organised forces (Lanchester attrition) |
//! | `operations` | force units by role: policing, counter-insurgency, peacekeeping, strikes |
//! | `abuse` | extrajudicial killings by state-side forces: single killings and reprisals |
//! | `justice` | cases: investigation, verdict, sentence, amnesty; early release |
//! | `deterrence` | the sanction forces and groups expect, learned from cases |
//! | `legitimacy` | legitimacy and unresolved injustice per community |
//! | `policy` | the policy phase: fading threat and alarm, members per region, then arming and training |
//! | `arming` | militia arming and disarmament campaigns |
//! | `training` | training missions |
//!
//! Defaults and ranges of every key named in the modules' tables are in `docs/scenario.md`.

pub(crate) mod abuse;
pub mod activation;
pub(crate) mod arming;
pub(crate) mod battles;
pub(crate) mod communal;
pub(crate) mod demography;
pub(crate) mod deterrence;
pub(crate) mod grouping;
pub(crate) mod justice;
pub(crate) mod legitimacy;
pub(crate) mod movement;
pub(crate) mod operations;
pub(crate) mod policing;
pub(crate) mod policy;
pub(crate) mod pooling;
pub(crate) mod recruitment;
pub(crate) mod shares;
pub(crate) mod sizes;
pub(crate) mod training;
pub(crate) mod violence;

use crate::model::{Agents, Conflict, Grievance, Params, Status, TickCounters};
use crate::rng::{Stream, Streams};
use crate::rules::{Rules, TurnOrder};
use crate::world::{AgentId, Isa, LayerId, Shape};

/// What every turn of a tick reads: the tick, the parameters, the rules, the grievance terms.
#[derive(Clone, Copy)]
pub(crate) struct TurnInputs<'a> {
    /// The current tick.
    pub tick: u32,
    /// The resolved parameters.
    pub params: &'a Params,
    /// The rules in force.
    pub rules: &'a Rules,
    /// Per community, the terms of grievance.
    pub griev: &'a Grievance,
}

/// Hints the CPU to fetch agent `id`'s record (no effect on results).
#[inline(always)]
fn prefetch(a: &Agents, id: AgentId) {
    if id.is_unit() {
        prefetch_ptr(a.units.as_ptr().wrapping_add(id.index()));
    } else {
        prefetch_ptr(a.persons.as_ptr().wrapping_add(id.index()));
    }
}

/// Hints the CPU to fetch the lattice cell agent `id` stands on, whose record an earlier
/// [`prefetch`] brought in (no effect on results).
#[inline(always)]
fn prefetch_cell(a: &Agents, id: AgentId) {
    let (x, y) = a.pos(id);
    prefetch_ptr(a.world.cells.as_ptr().wrapping_add(a.world.cell(x, y)));
}

#[inline(always)]
fn prefetch_ptr<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint and never faults, whatever the address.
    unsafe {
        core::arch::x86_64::_mm_prefetch(p as *const i8, core::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The turn of agent `id`.
#[inline(always)]
fn turn(
    a: &mut Agents,
    id: AgentId,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    if id.is_unit() {
        match conflict {
            Some(c) => operations::unit_turn(a, id.index(), t, c, rng, counters),
            None => policing::unit_turn(a, id.index(), t.params, t.rules, rng, counters),
        }
    } else {
        person_turn(a, id.index(), t, conflict, rng, counters);
    }
}

/// The turn of person `i`.
#[inline(always)]
fn person_turn(
    a: &mut Agents,
    i: usize,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    let p = t.params;
    match a.persons[i].status {
        Status::Dead => return,
        Status::Jailed => {
            if policing::jailed_turn(a, i, t.rules) {
                return;
            }
        }
        Status::Fighter => {
            if let Some(c) = conflict {
                violence::fighter_turn(a, i, t.tick, &p.near, c, rng);
            }
            return;
        }
        Status::Quiescent | Status::Active => {}
    }
    match t.rules.order {
        TurnOrder::ActThenMove => activation::decide_then_move(a, i, p, t.griev, rng, counters),
        TurnOrder::MoveThenAct => {
            if p.person_moves {
                movement::move_in_vision(
                    a,
                    AgentId::person(i),
                    &p.person_shape,
                    rng.get(Stream::Movement),
                );
            }
            activation::look_and_decide(a, i, p, t.griev);
            communal::communal_violence(a, i, p, rng.get(Stream::Violence), counters);
        }
    }
    if let Some(c) = conflict {
        if a.persons[i].status != Status::Dead {
            recruitment::recruitment(
                a,
                i,
                t.tick,
                &p.person_shape,
                c,
                rng.get(Stream::Recruitment),
            );
        }
    }
    if p.birth_rate > 0.0 {
        demography::maybe_give_birth(a, i, t.tick, p, rng.get(Stream::Demography), counters);
    }
}

/// Counts, per layer, the occupants sharing cells (NetLogo's rules) within `shape` of (x, y).
#[cold]
pub(crate) fn overflow_counts<const N: usize>(
    a: &Agents,
    layers: [LayerId; N],
    x: usize,
    y: usize,
    shape: &Shape,
) -> [u32; N] {
    let mut out = [0u32; N];
    for &o in &a.world.overflow {
        let (ox, oy) = a.pos(o);
        if a.world.sees(x, y, ox, oy, shape) {
            let mask = a.mask(o);
            for k in 0..N {
                out[k] += (mask >> layers[k] & 1) as u32;
            }
        }
    }
    out
}

/// The `k`-th agent (from 0) of layer `l` within `shape` of (x, y), counting the `bits` main
/// occupants first and then the sharers.
#[inline(always)]
pub(crate) fn nth_in_vision(
    a: &Agents,
    l: LayerId,
    x: usize,
    y: usize,
    shape: &Shape,
    bits: u32,
    k: u32,
) -> AgentId {
    if k < bits {
        let (tx, ty) = a.world.layers.nth_set(l, x, y, shape, k);
        return a.at(tx, ty);
    }
    let mut k = k - bits;
    for &o in &a.world.overflow {
        let (ox, oy) = a.pos(o);
        if a.world.sees(x, y, ox, oy, shape) && a.mask(o) >> l & 1 == 1 {
            if k == 0 {
                return o;
            }
            k -= 1;
        }
    }
    unreachable!("nth_in_vision: k out of range")
}

/// Runs every agent's turn in `order`, compiled for the best instruction set the CPU has
/// ([`Isa::current`]; every path gives the same bits).
pub(crate) fn dispatch_turns(
    order: &[AgentId],
    a: &mut Agents,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    // SAFETY (each arm): `Isa::current` only returns paths the CPU supports.
    match Isa::current() {
        #[cfg(target_arch = "x86_64")]
        Isa::X86V3 => unsafe { turns_x86_v3(order, a, t, conflict, rng, counters) },
        #[cfg(target_arch = "x86_64")]
        Isa::Popcnt => unsafe { turns_popcnt(order, a, t, conflict, rng, counters) },
        #[cfg(target_arch = "aarch64")]
        Isa::Neon => unsafe { turns_neon(order, a, t, conflict, rng, counters) },
        Isa::Portable => turns(order, a, t, conflict, rng, counters),
    }
}

/// The turn loop for x86-64-v3 processors (see [`Isa::X86V3`]).
///
/// # Safety
/// The CPU must support every feature enabled here.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt,lzcnt,bmi1,bmi2,avx,avx2")]
unsafe fn turns_x86_v3(
    order: &[AgentId],
    a: &mut Agents,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    turns(order, a, t, conflict, rng, counters)
}

/// The turn loop with the `popcnt` instruction.
///
/// # Safety
/// The CPU must support `popcnt`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn turns_popcnt(
    order: &[AgentId],
    a: &mut Agents,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    turns(order, a, t, conflict, rng, counters)
}

/// The turn loop for AArch64 with NEON.
///
/// # Safety
/// The CPU must support NEON.
#[cfg(target_arch = "aarch64")]
#[target_feature(enable = "neon")]
unsafe fn turns_neon(
    order: &[AgentId],
    a: &mut Agents,
    t: TurnInputs,
    conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    turns(order, a, t, conflict, rng, counters)
}

/// How many turns ahead agent records are prefetched: at a million agents the records no
/// longer fit in cache and the shuffled order makes every access a miss. The cell an agent
/// stands on is prefetched [`PREFETCH_CELL`] turns ahead, once its record has arrived.
const PREFETCH: usize = 24;
/// How many turns ahead the cell an agent stands on is prefetched.
const PREFETCH_CELL: usize = 8;

/// The turn loop itself, inlined into each path above.
#[inline(always)]
fn turns(
    order: &[AgentId],
    a: &mut Agents,
    t: TurnInputs,
    mut conflict: Option<&mut Conflict>,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    for (j, &id) in order.iter().enumerate() {
        if let Some(&ahead) = order.get(j + PREFETCH) {
            prefetch(a, ahead);
        }
        if let Some(&ahead) = order.get(j + PREFETCH_CELL) {
            prefetch_cell(a, ahead);
        }
        turn(a, id, t, conflict.as_deref_mut(), rng, counters);
    }
}
