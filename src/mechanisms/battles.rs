//! Battles between organised forces: Lanchester-style attrition (docs/ODD.md §7.14).
//!
//! A battle starts when a fighter attacks state units or a rival group's fighters it sees, or
//! when a counter-insurgency unit engages fighters it sees (probability `violence.engage_rate`
//! per tick). The battlefield is the initiator's vision: the initiator and every fighter of the
//! two groups (or every state unit) within it take part. With A and B combatants of effectiveness e_a and
//! e_b (a fighter's is its group's arms level, a unit's 0.5 + proficiency, training included),
//! Lanchester's square law over one tick gives expected losses
//!
//! ```text
//! E[losses of A] = min(|A|, κ · Σ_B e_b),   E[losses of B] = min(|B|, κ · Σ_A e_a)
//! ```
//!
//! with κ = `violence.attrition`; each combatant of A dies with probability E[losses]/|A|. A
//! fighter who would die is captured instead (jailed, still a member) with probability
//! `violence.capture`; its sentence is `justice.max_sentence × policy.sentence_severity`
//! ticks. State units in a battle take one point of alarm (retaliation memory) plus one per
//! loss on their side.
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | κ | `violence.attrition` | losses per unit of opposing effectiveness per tick, ≥ 0 | 0.1 |
//! | engagement | `violence.engage_rate` | per unit per tick, [0, 1] | 0.1 |
//! | capture | `violence.capture` | share of fighter losses, [0, 1] | 0 |

use crate::events::{Actor, Event, EventType};
use crate::model::{FOREVER, Model, Status};
use crate::rng::Stream;
use crate::world::{AgentId, Shape};
use rand::RngExt;

/// One side of a battle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Party {
    /// Fighters of a group.
    Group(usize),
    /// State units.
    State,
}

impl Model {
    /// Group `g`'s fighter at (x, y) attacks state units (`None`) or group `h`'s fighters.
    pub(crate) fn battle(&mut self, x: usize, y: usize, g: usize, against: Option<usize>) {
        let shape = self.params.conflict.as_deref().expect("conflict").groups[g]
            .shape
            .clone();
        let b = match against {
            Some(h) => Party::Group(h),
            None => Party::State,
        };
        self.fight(x, y, &shape, Party::Group(g), b, Actor::Group(g as u8));
    }

    /// Members of `party` within `shape` around (x, y).
    fn combatants(&self, x: usize, y: usize, shape: &Shape, party: Party) -> Vec<AgentId> {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let mut out = Vec::new();
        let layers: Vec<usize> = match party {
            Party::Group(g) => vec![cp.group_layer[g]],
            Party::State => cp.state_layers.clone(),
        };
        for l in layers {
            self.world.layers.for_each_set(l, x, y, shape, |tx, ty| {
                out.push(self.world.cells[self.world.cell(tx, ty)]);
            });
        }
        out
    }

    fn effectiveness(&self, id: AgentId) -> f64 {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let inst = self.inst.as_deref().expect("conflict state");
        if id.is_unit() {
            let u = &self.units[id.index()];
            0.5 + self.unit_proficiency(u)
        } else {
            let g = self.persons[id.index()].group as usize;
            cp.arms(g, inst.disarm_factor[g])
        }
    }

    /// A battle between `a` (the initiator, `actor`) and `b` on the battlefield `shape` around
    /// (x, y).
    pub(crate) fn fight(
        &mut self,
        x: usize,
        y: usize,
        shape: &Shape,
        a: Party,
        b: Party,
        actor: Actor,
    ) {
        let mut side_a = self.combatants(x, y, shape, a);
        // the initiator fights too, whether or not its vision holds its own cell
        let own = self.world.cells[self.world.cell(x, y)];
        if !own.is_none() && own != AgentId::BLOCKED && !side_a.contains(&own) {
            side_a.push(own);
        }
        let side_b = self.combatants(x, y, shape, b);
        if side_a.is_empty() || side_b.is_empty() {
            return;
        }
        let eff =
            |m: &Model, side: &[AgentId]| side.iter().map(|&id| m.effectiveness(id)).sum::<f64>();
        let (ea, eb) = (eff(self, &side_a), eff(self, &side_b));
        let kappa = self
            .params
            .conflict
            .as_deref()
            .expect("conflict")
            .violence
            .attrition;
        let loss_a = (kappa * eb).min(side_a.len() as f64) / side_a.len() as f64;
        let loss_b = (kappa * ea).min(side_b.len() as f64) / side_b.len() as f64;
        let mut dead = 0u32;
        let mut state_losses = 0f32;
        for (side, p) in [(&side_a, loss_a), (&side_b, loss_b)] {
            for &id in side.iter() {
                if self.rng.get(Stream::Battle).random::<f64>() < p {
                    dead += self.casualty(id) as u32;
                    if id.is_unit() {
                        state_losses += 1.0;
                    }
                }
            }
        }
        // state units remember the fight
        for &id in side_a.iter().chain(side_b.iter()) {
            if id.is_unit() && !self.units[id.index()].dead {
                self.units[id.index()].alarm += 1.0 + state_losses;
            }
        }
        let opponent = match b {
            Party::Group(h) => Actor::Group(h as u8),
            Party::State => side_b
                .iter()
                .find(|id| id.is_unit())
                .map(|id| Actor::Force(self.units[id.index()].force))
                .unwrap_or(Actor::State),
        };
        let actor = match (actor, a) {
            (Actor::State, Party::State) => side_a
                .iter()
                .find(|id| id.is_unit())
                .map(|id| Actor::Force(self.units[id.index()].force))
                .unwrap_or(Actor::State),
            _ => actor,
        };
        let tick = self.tick();
        let region = self.region_at(x, y);
        let inst = self.inst.as_deref_mut().expect("conflict state");
        inst.counters.battles += 1;
        inst.counters.battle_deaths += dead as u64;
        inst.events.push(Event {
            tick,
            region,
            x: x as u16,
            y: y as u16,
            event_type: EventType::Battles,
            sub_event_type: "armed clash",
            actor1: actor,
            actor2: opponent,
            victim_community: None,
            fatalities: dead,
        });
    }

    /// A combatant falls: a unit is destroyed, a fighter killed or captured. Returns whether
    /// it died.
    pub(crate) fn casualty(&mut self, id: AgentId) -> bool {
        if id.is_unit() {
            let u = id.index();
            if self.units[u].dead {
                return false;
            }
            self.vacate(id);
            self.units[u].dead = true;
            self.scratch_dead = true;
            return true;
        }
        let i = id.index();
        if self.persons[i].status != Status::Fighter {
            return false;
        }
        let cp = self.params.conflict.as_deref().expect("conflict");
        let capture = cp.violence.capture;
        if capture > 0.0 && self.rng.get(Stream::Battle).random::<f64>() < capture {
            let term = (cp.justice.max_sentence as f64 * cp.policy.sentence_severity).round();
            self.persons[i].jail = if term.is_finite() {
                (term as u32).max(1)
            } else {
                FOREVER
            };
            self.set_status(i, Status::Jailed);
            false
        } else {
            self.set_status(i, Status::Dead);
            true
        }
    }
}
