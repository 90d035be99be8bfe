//! What force units do in the conflict model (docs/ODD.md §7.9 and §7.15), by role.
//!
//! * **policing**: Epstein's rule C, with probability `forces.<f>.arrest_rate` per tick (1 in
//!   Epstein's model), then possibly an abuse ([`crate::mechanisms::abuse`]);
//! * **counter-insurgency**: engages fighters it sees in a battle with probability
//!   `violence.engage_rate` ([`crate::mechanisms::battles`]), then policing as above;
//! * **peacekeeping**: moves and deters: attackers and abusers who see peacekeepers are less
//!   likely to kill. Never arrests, never abuses;
//! * **strike**: with probability `violence.strike_rate`, strikes a random jihadist fighter in
//!   its vision, killing it with probability `violence.strike_lethality`; each civilian on a
//!   cell next to the target dies with probability `violence.collateral` (civilians killed by
//!   international forces, or by the state if the striking force is state-side). The strike
//!   is a battle event whose fatalities are the combatants killed; civilians killed form
//!   their own violence-against-civilians event.
//!
//! Every unit moves first (or last, under Mesa's order) to a random free cell in its vision.
//! A trained unit's proficiency is raised by its mission's `proficiency_gain`; its discipline
//! by the mission's `discipline_gain` only while `policy.field_oversight` is on (trainers in
//! the field with the units they trained).
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | role | `forces.<f>.role` | policing, counterinsurgency, peacekeeping, strike | policing (Epstein's cop) |
//! | side | `forces.<f>.side` | state, international | state |
//! | arrest rate | `forces.<f>.arrest_rate` | per tick, [0, 1] | 1 (Epstein) |
//! | discipline | `forces.<f>.discipline` | [0, 1] | 0 |
//! | proficiency | `forces.<f>.proficiency` | [0, 1] | 0 |
//! | strike rate | `violence.strike_rate` | per unit per tick, [0, 1] | 0.1 |
//! | strike lethality | `violence.strike_lethality` | [0, 1] | 0.5 |
//! | collateral | `violence.collateral` | per neighbouring civilian, [0, 1] | 0 |

use super::battles::Party;
use super::violence::FORCE_ACTOR;
use crate::events::{Actor, Event, EventType};
use crate::model::{Model, Perp, Unit};
use crate::rng::Stream;
use crate::rules::TurnOrder;
use crate::scenario::{GroupKind, Role};
use crate::world::AgentId;
use rand::RngExt;

impl Model {
    /// The turn of unit `u` in the conflict model.
    pub(crate) fn conflict_unit_turn(&mut self, u: usize) {
        if self.units[u].dead {
            return;
        }
        let f = self.units[u].force as usize;
        let moves = self.params.unit_moves[f];
        if moves && self.rules.order == TurnOrder::MoveThenAct {
            self.move_in_vision(AgentId::unit(u), Some(f));
        }
        let role = self.params.conflict.as_deref().expect("conflict").forces[f].role;
        match role {
            Role::Policing => self.police(u),
            Role::Counterinsurgency => {
                self.engage(u);
                if !self.units[u].dead {
                    self.police(u);
                }
            }
            Role::Peacekeeping => {}
            Role::Strike => self.strike(u),
        }
        if moves && self.rules.order == TurnOrder::ActThenMove && !self.units[u].dead {
            self.move_in_vision(AgentId::unit(u), Some(f));
        }
    }

    /// Arrest (with the force's arrest rate), then perhaps abuse.
    fn police(&mut self, u: usize) {
        let f = self.units[u].force as usize;
        let rate = self.params.conflict.as_deref().expect("conflict").forces[f].arrest_rate;
        if rate >= 1.0 || self.rng.get(Stream::Policing).random::<f64>() < rate {
            self.arrest_in_vision(u);
        }
        self.unit_abuse(u);
    }

    /// A counter-insurgency unit engages the fighters it sees.
    fn engage(&mut self, u: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let unit = self.units[u];
        let (x, y) = (unit.x as usize, unit.y as usize);
        let shape = &self.params.unit_shape[unit.force as usize];
        let mut seen = Vec::new();
        for (g, &l) in cp.group_layer.iter().enumerate() {
            if cp.groups[g].kind == GroupKind::ProGovernment || cp.groups[g].state_backed {
                continue; // the state does not fight the groups it backs
            }
            let [n] = self.world.layers.count([l], x, y, shape);
            if n > 0 {
                seen.push((g, n));
            }
        }
        if seen.is_empty() {
            return;
        }
        let rate = cp.violence.engage_rate;
        let rng = self.rng.get(Stream::Battle);
        if rng.random::<f64>() >= rate {
            return;
        }
        let total: u32 = seen.iter().map(|s| s.1).sum();
        let mut k = rng.random_range(0..total);
        for (g, n) in seen {
            if k < n {
                let shape = shape.clone();
                self.fight(x, y, &shape, Party::State, Party::Group(g), Actor::State);
                return;
            }
            k -= n;
        }
    }

    /// A strike unit strikes a jihadist fighter it sees.
    fn strike(&mut self, u: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let unit = self.units[u];
        let (x, y) = (unit.x as usize, unit.y as usize);
        let shape = &self.params.unit_shape[unit.force as usize];
        let mut seen = Vec::new();
        for (g, &l) in cp.group_layer.iter().enumerate() {
            if cp.groups[g].kind != GroupKind::Jihadist {
                continue;
            }
            let [n] = self.world.layers.count([l], x, y, shape);
            if n > 0 {
                seen.push((l, n));
            }
        }
        let total: u32 = seen.iter().map(|s| s.1).sum();
        if total == 0 {
            return;
        }
        let v = cp.violence.clone();
        // collateral deaths count against the striking force's side
        let perp = if cp.forces[unit.force as usize].side == crate::scenario::Side::State {
            Perp::State
        } else {
            Perp::International
        };
        let rng = self.rng.get(Stream::Battle);
        if rng.random::<f64>() >= v.strike_rate {
            return;
        }
        let mut k = rng.random_range(0..total);
        let mut target = None;
        for (l, n) in seen {
            if k < n {
                target = Some(self.world.layers.nth_set(l, x, y, shape, k));
                break;
            }
            k -= n;
        }
        let (tx, ty) = target.expect("k < total");
        let id = self.world.cells[self.world.cell(tx, ty)];
        let group = self.persons[id.index()].group;
        let mut dead = 0;
        if self.rng.get(Stream::Battle).random::<f64>() < v.strike_lethality && self.casualty(id) {
            dead += 1;
        }
        // civilians on the cells around the target
        let mut around = Vec::new();
        for l in self.params.community_layer.iter().flatten() {
            self.world
                .layers
                .for_each_set(*l, tx, ty, &self.params.moore, |cx, cy| {
                    around.push((cx, cy))
                });
        }
        around.sort_unstable_by_key(|&(cx, cy)| (cy, cx));
        // (the civilians killed form their own violence-against-civilians event)
        for (cx, cy) in around {
            if v.collateral > 0.0 && self.rng.get(Stream::Battle).random::<f64>() < v.collateral {
                let c = self.world.cells[self.world.cell(cx, cy)].index();
                self.kill_civilian(c, perp, FORCE_ACTOR + unit.force, false);
            }
        }
        let tick = self.tick();
        let region = self.region_at(tx, ty);
        let inst = self.inst.as_deref_mut().expect("conflict state");
        inst.counters.battles += 1;
        inst.counters.battle_deaths += dead;
        inst.events.push(Event {
            tick,
            region,
            x: tx as u16,
            y: ty as u16,
            event_type: EventType::Battles,
            sub_event_type: "strike",
            actor1: Actor::Force(unit.force),
            actor2: Actor::Group(group),
            victim_community: None,
            fatalities: dead as u32,
        });
    }

    /// A unit's proficiency now: its force's, plus training.
    pub(crate) fn unit_proficiency(&self, u: &Unit) -> f64 {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let f = u.force as usize;
        let base = cp.forces[f].proficiency;
        let gain = if u.trained {
            cp.training_gain(f).0
        } else {
            0.0
        };
        (base + gain).min(1.0)
    }

    /// A unit's discipline now: its force's, plus training's share while trainers oversee
    /// conduct in the field.
    pub(crate) fn unit_discipline(&self, u: &Unit) -> f64 {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let f = u.force as usize;
        let base = cp.forces[f].discipline;
        let gain = if u.trained && cp.policy.field_oversight {
            cp.training_gain(f).1
        } else {
            0.0
        };
        (base + gain).min(1.0)
    }
}
