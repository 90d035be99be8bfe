//! The model's rules, one file per mechanism.
//!
//! | file | rule |
//! |---|---|
//! | [`activation`] | Epstein's rule A: grievance, estimated arrest probability, activity |
//! | [`movement`] | rule M: move to a random free cell in vision |
//! | [`policing`] | rule C: arrests, jail terms, releases |
//! | [`communal`] | Model II: actives kill members of targeted communities |
//! | [`demography`] | Model II: births and deaths of age |
//! | [`recruitment`] | joining armed groups: grievance- and threat-driven |
//! | [`violence`] | fighters' turns, attacks on civilians, killings grouped into events |
//! | [`battles`] | battles between organised forces (Lanchester attrition) |
//! | [`operations`] | force units by role: policing, counter-insurgency, peacekeeping, strikes |
//! | [`abuse`] | extrajudicial killings by state-side forces |
//! | [`justice`] | cases: investigation, verdict, sentence, amnesty; early release |
//! | [`legitimacy`] | legitimacy and unresolved injustice per community |
//! | [`arming`] | militia arming and disarmament campaigns |
//! | [`training`] | training missions; the policy phase |
//!
//! Each mechanism is a set of methods on [`crate::model::Model`]; [`crate::model::Model::step`]
//! calls them in a fixed order that its documentation lists.

pub mod abuse;
pub mod activation;
pub mod arming;
pub mod battles;
pub mod communal;
pub mod demography;
pub mod justice;
pub mod legitimacy;
pub mod movement;
pub mod operations;
pub mod policing;
pub mod recruitment;
pub mod training;
pub mod violence;

use crate::model::{Model, Status};
use crate::rules::TurnOrder;
use crate::world::{AgentId, LayerId, Shape};

impl Model {
    /// Hints the CPU to fetch agent `id`'s record (no effect on results).
    #[inline(always)]
    pub(crate) fn prefetch(&self, id: AgentId) {
        #[cfg(target_arch = "x86_64")]
        {
            let p: *const i8 = if id.is_unit() {
                self.units.as_ptr().wrapping_add(id.index()) as *const i8
            } else {
                self.persons.as_ptr().wrapping_add(id.index()) as *const i8
            };
            // SAFETY: prefetching is a hint and never faults, whatever the address.
            unsafe { core::arch::x86_64::_mm_prefetch(p, core::arch::x86_64::_MM_HINT_T0) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = id;
    }

    /// The turn of person `i`.
    #[inline(always)]
    pub(crate) fn person_turn(&mut self, i: usize) {
        match self.persons[i].status {
            Status::Dead => return,
            Status::Jailed => {
                if self.jailed_turn(i) {
                    return;
                }
            }
            Status::Fighter => {
                self.fighter_turn(i);
                return;
            }
            Status::Quiescent | Status::Active => {}
        }
        match self.rules.order {
            TurnOrder::ActThenMove => self.decide_then_move(i),
            TurnOrder::MoveThenAct => {
                if self.params.person_moves {
                    self.move_in_vision(AgentId::person(i), None);
                }
                self.look_and_decide(i);
                self.communal_violence(i);
            }
        }
        if self.params.conflict.is_some() && self.persons[i].status != Status::Dead {
            self.recruitment(i);
        }
        self.maybe_give_birth(i);
    }
}

/// Counts, per layer, the occupants sharing cells (NetLogo's rules) within `shape` of (x, y).
#[cold]
pub(crate) fn overflow_counts<const N: usize>(
    m: &Model,
    layers: [LayerId; N],
    x: usize,
    y: usize,
    shape: &Shape,
) -> [u32; N] {
    let mut out = [0u32; N];
    for &o in &m.world.overflow {
        let (ox, oy) = m.pos(o);
        if m.world.sees(x, y, ox, oy, shape) {
            let mask = m.mask(o);
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
    m: &Model,
    l: LayerId,
    x: usize,
    y: usize,
    shape: &Shape,
    bits: u32,
    k: u32,
) -> AgentId {
    if k < bits {
        let (tx, ty) = m.world.layers.nth_set(l, x, y, shape, k);
        return m.world.cells[m.world.cell(tx, ty)];
    }
    let mut k = k - bits;
    for &o in &m.world.overflow {
        let (ox, oy) = m.pos(o);
        if m.world.sees(x, y, ox, oy, shape) && m.mask(o) >> l & 1 == 1 {
            if k == 0 {
                return o;
            }
            k -= 1;
        }
    }
    unreachable!("nth_in_vision: k out of range")
}

/// Runs every agent's turn in `order`, with hardware popcount when the CPU has it.
pub(crate) fn dispatch_turns(m: &mut Model, order: &[AgentId]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU supports popcnt, checked just above.
            unsafe { turns_popcnt(m, order) };
            return;
        }
    }
    turns_portable(m, order);
}

/// The turn loop compiled with the `popcnt` instruction: `count_ones` in the inlined
/// lattice code becomes one instruction instead of a dozen.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn turns_popcnt(m: &mut Model, order: &[AgentId]) {
    for (j, &id) in order.iter().enumerate() {
        if let Some(&ahead) = order.get(j + PREFETCH) {
            m.prefetch(ahead);
        }
        m.turn(id);
    }
}

/// How many turns ahead agent records are prefetched: at a million agents the records no
/// longer fit in cache and the shuffled order makes every access a miss.
const PREFETCH: usize = 12;

fn turns_portable(m: &mut Model, order: &[AgentId]) {
    for (j, &id) in order.iter().enumerate() {
        if let Some(&ahead) = order.get(j + PREFETCH) {
            m.prefetch(ahead);
        }
        m.turn(id);
    }
}
