//! Epstein's Model II violence: active persons kill members of other communities.
//!
//! After deciding (rule A), an active person of community c kills one person chosen uniformly
//! at random among the free members of the communities c targets
//! (`communities.<c>.kills`) within its vision. Jailed persons are out of reach. The victim is
//! removed at once; its cell is free for the rest of the tick.
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | targets | `communities.<c>.kills` | community names | none: Model I has no inter-group killing |
//! | L | `communities.<c>.legitimacy` | [0, 1] | in Model II, each group's view of the other group's legitimacy (Epstein) |

use super::nth_in_vision;
use crate::model::{Model, Status};
use crate::rng::Stream;
use crate::world::{LayerId, layer};
use rand::RngExt;

/// At most this many targeted communities per community.
const MAX_TARGETS: usize = 8;

impl Model {
    /// Person `i`, if active, kills a random targeted person in vision.
    #[inline(always)]
    pub(crate) fn communal_violence(&mut self, i: usize) {
        let p = self.persons[i];
        if p.status != Status::Active {
            return;
        }
        let n_targets = self.params.kill_layers[p.community as usize].len();
        if n_targets == 0 {
            return;
        }
        let (x, y) = (p.x as usize, p.y as usize);
        let mut per: [(LayerId, u32, u32); MAX_TARGETS] = [(layer::OCCUPIED, 0, 0); MAX_TARGETS];
        let mut total = 0;
        for (t, slot) in per.iter_mut().enumerate().take(n_targets.min(MAX_TARGETS)) {
            let l = self.params.kill_layers[p.community as usize][t];
            let shape = &self.params.person_shape;
            let [bits] = self.world.layers.count([l], x, y, shape);
            let extra = if self.world.overflow.is_empty() {
                0
            } else {
                super::overflow_counts(self, [l], x, y, shape)[0]
            };
            *slot = (l, bits, bits + extra);
            total += bits + extra;
        }
        if total == 0 {
            return;
        }
        let mut k = self.rng.get(Stream::Violence).random_range(0..total);
        for &(l, bits, n) in per.iter().take(n_targets) {
            if k < n {
                let victim = nth_in_vision(self, l, x, y, &self.params.person_shape, bits, k);
                self.set_status(victim.index(), Status::Dead);
                self.counters.killed += 1;
                return;
            }
            k -= n;
        }
    }
}
