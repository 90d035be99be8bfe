//! Battles between organised forces: Lanchester-style attrition (docs/ODD.md §7.14).
//!
//! A battle starts when a fighter attacks state units or a rival group's fighters it sees, or
//! when a counter-insurgency unit engages fighters it sees (probability `violence.engage_rate`
//! per tick). The battlefield is the initiator's vision: the initiator and every fighter of the
//! two groups (or every state unit) within it take part. With A and B combatants of
//! effectiveness e_a and e_b (a fighter's is its group's arms level, a unit's 0.5 + proficiency, training included),
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
//! | symbol | key |
//! |---|---|
//! | κ | `violence.attrition` |
//! | engagement | `violence.engage_rate` |
//! | capture | `violence.capture` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::events::{Actor, Event, Position};
use crate::model::{Agents, ConflictParams, ConflictTick, FOREVER, Status};
use crate::rng::Rng;
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

/// Appends the members of `party` within `shape` around (x, y) to `out`.
fn combatants(
    a: &Agents,
    x: usize,
    y: usize,
    shape: &Shape,
    party: Party,
    cp: &ConflictParams,
    out: &mut Vec<AgentId>,
) {
    let one;
    let layers: &[usize] = match party {
        Party::Group(g) => {
            one = [cp.group_layer[g]];
            &one
        }
        Party::State => &cp.state_layers,
    };
    for &l in layers {
        a.world.layers.for_each_set(l, x, y, shape, |tx, ty| {
            out.push(a.at(tx, ty));
        });
    }
}

/// A combatant's effectiveness: a fighter's is its group's arms level, a unit's
/// 0.5 + proficiency (training included).
fn effectiveness(a: &Agents, id: AgentId, cp: &ConflictParams, disarm_factor: &[f64]) -> f64 {
    if id.is_unit() {
        0.5 + cp.proficiency(&a.units[id.index()])
    } else {
        let g = a.persons[id.index()].group as usize;
        cp.arms(g, disarm_factor[g])
    }
}

/// The party's actor in the event: a group, or the force of the first state unit in the
/// battle (the state if none).
fn actor(a: &Agents, party: Party, side: &[AgentId]) -> Actor {
    match party {
        Party::Group(g) => Actor::Group(g as u8),
        Party::State => side
            .iter()
            .find(|id| id.is_unit())
            .map(|id| Actor::Force(a.units[id.index()].force))
            .unwrap_or(Actor::State),
    }
}

/// A battle between `pa` (the initiator, standing at `at`) and `pb` on the battlefield
/// `shape` around `at`: losses by Lanchester's square law (fighters' effectiveness from their
/// group's arms, which `disarm_factor` reduces), drawn from the battle stream; state units
/// remember the fight (alarm); one battle event.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fight(
    a: &mut Agents,
    tick: u32,
    at: (usize, usize),
    shape: &Shape,
    pa: Party,
    pb: Party,
    cp: &ConflictParams,
    disarm_factor: &[f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let (x, y) = at;
    let mut side_a = std::mem::take(&mut out.buf.side_a);
    let mut side_b = std::mem::take(&mut out.buf.side_b);
    side_a.clear();
    side_b.clear();
    combatants(a, x, y, shape, pa, cp, &mut side_a);
    // the initiator fights too, whether or not its vision holds its own cell
    let own = a.at(x, y);
    if !own.is_none() && own != AgentId::BLOCKED && !side_a.contains(&own) {
        side_a.push(own);
    }
    combatants(a, x, y, shape, pb, cp, &mut side_b);
    if !side_a.is_empty() && !side_b.is_empty() {
        let eff = |side: &[AgentId]| {
            side.iter()
                .map(|&id| effectiveness(a, id, cp, disarm_factor))
                .sum::<f64>()
        };
        let (ea, eb) = (eff(&side_a), eff(&side_b));
        let kappa = cp.violence.attrition;
        let loss_a = (kappa * eb).min(side_a.len() as f64) / side_a.len() as f64;
        let loss_b = (kappa * ea).min(side_b.len() as f64) / side_b.len() as f64;
        let mut dead = 0u32;
        let mut state_losses = 0f32;
        for (side, p) in [(&side_a, loss_a), (&side_b, loss_b)] {
            for &id in side.iter() {
                if rng.random::<f64>() < p {
                    dead += casualty(a, id, cp, rng) as u32;
                    if id.is_unit() {
                        state_losses += 1.0;
                    }
                }
            }
        }
        // state units remember the fight
        for &id in side_a.iter().chain(side_b.iter()) {
            if id.is_unit() && !a.units[id.index()].dead {
                a.units[id.index()].alarm += 1.0 + state_losses;
            }
        }
        let actor1 = actor(a, pa, &side_a);
        let actor2 = actor(a, pb, &side_b);
        let region = cp.region_of_cell(&a.world.region, a.world.cell(x, y));
        out.counters.battles += 1;
        out.counters.battle_deaths += dead as u64;
        out.events.push(Event::battle(
            tick,
            region,
            Position::new(x, y),
            actor1,
            actor2,
            dead,
        ));
    }
    out.buf.side_a = side_a;
    out.buf.side_b = side_b;
}

/// A combatant falls: a unit is destroyed, a fighter killed or, with probability
/// `violence.capture` (battle stream), captured and jailed for `justice.max_sentence ×
/// policy.sentence_severity` ticks. Returns whether it died.
pub(crate) fn casualty(a: &mut Agents, id: AgentId, cp: &ConflictParams, rng: &mut Rng) -> bool {
    if id.is_unit() {
        let u = id.index();
        if a.units[u].dead {
            return false;
        }
        a.destroy_unit(u);
        return true;
    }
    let i = id.index();
    if a.persons[i].status != Status::Fighter {
        return false;
    }
    let capture = cp.violence.capture;
    if capture > 0.0 && rng.random::<f64>() < capture {
        let term = (cp.justice.max_sentence as f64 * cp.policy.sentence_severity).round();
        a.persons[i].jail = if term.is_finite() {
            (term as u32).max(1)
        } else {
            FOREVER
        };
        a.set_status(i, Status::Jailed);
        false
    } else {
        a.set_status(i, Status::Dead);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConflictTick;
    use crate::model::testing::{place_person, place_unit, tiny};
    use crate::rng::{Stream, stream_rng};

    #[test]
    fn a_fighter_who_falls_is_killed_or_captured_and_a_unit_destroyed() {
        let (_, cp, mut a) = tiny("[violence]\ncapture = 1.0\n[justice]\nmax_sentence = 20\n");
        let f = place_person(&mut a, 0, Status::Fighter, 1, 1);
        let u = place_unit(&mut a, 0, 2, 2);
        let mut rng = stream_rng(1, 0, Stream::Battle);
        assert!(
            !casualty(&mut a, AgentId::person(f), &cp, &mut rng),
            "captured"
        );
        assert_eq!(a.persons[f].status, Status::Jailed);
        assert_eq!(a.persons[f].group, 0, "still a member");
        assert_eq!(a.persons[f].jail, 20);
        assert!(casualty(&mut a, AgentId::unit(u), &cp, &mut rng));
        assert!(a.units[u].dead && a.any_dead);
        assert!(a.at(2, 2).is_none());
        assert!(
            !casualty(&mut a, AgentId::unit(u), &cp, &mut rng),
            "falls once"
        );
    }

    #[test]
    fn a_battle_against_state_units_records_both_sides_and_alarms_the_units() {
        // attrition 0: nobody dies, the battle is still fought and recorded
        let (_, cp, mut a) = tiny("[violence]\nattrition = 0.0\n");
        place_person(&mut a, 0, Status::Fighter, 4, 4);
        let u = place_unit(&mut a, 0, 5, 5);
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(1, 0, Stream::Battle);
        let shape = &cp.groups[0].shape;
        let df = [1.0];
        let (pa, pb) = (Party::Group(0), Party::State);
        fight(
            &mut a,
            3,
            (4, 4),
            shape,
            pa,
            pb,
            &cp,
            &df,
            &mut out,
            &mut rng,
        );
        assert_eq!(out.counters.battles, 1);
        assert_eq!(out.counters.battle_deaths, 0);
        let e = out.events[0];
        assert_eq!(
            (e.actor1, e.actor2),
            (Actor::Group(0), Some(Actor::Force(0)))
        );
        assert_eq!(e.position, Some(Position::new(4, 4)));
        assert_eq!(a.units[u].alarm, 1.0);
    }
}
