//! Battles between organised forces: Lanchester-style attrition in people (docs/ODD.md
//! §7.14).
//!
//! A battle starts when a fighter agent attacks state units or a rival group's fighters it
//! sees (probability 1 − e^(−n·`groups.<g>.battle_rate`·E/φ_e) for an agent of n people
//! seeing E enemy people, φ_e = `violence.encounter`), or when a counter-insurgency unit of n
//! soldiers engages fighters it sees (probability 1 − e^(−n·`violence.engage_rate`·E/φ_e)).
//! The encounter is linear in the enemies seen (mass action), so that the number of battles
//! does not depend on how many people an agent stands for.
//!
//! Each side fights with a **band**: N people drawn for the battle as for a raid
//! ([`crate::mechanisms::violence`]: median `groups.<g>.band`, or `violence.patrol` soldiers
//! for the state, spread `violence.band_spread`, at most the group's fighters or the state's
//! soldiers). The battlefield is the initiator's vision: the initiator and every fighter of
//! the two groups (or every state unit) within it are the side's agents, whose people take
//! its losses. With N_A and N_B people on each side and e_A, e_B their effectiveness per
//! person (the mean over the side's people in the battlefield: a fighter's is its group's arms
//! effect m(a), a soldier's 0.5 + proficiency, training included), Lanchester's square law over
//! one tick gives expected losses
//!
//! ```text
//! L_A = min(N_A, κ · N_B · e_B),   L_B = min(N_B, κ · N_A · e_A)
//! ```
//!
//! with κ = `violence.attrition`; side A loses Binomial(N_A, L_A / N_A) people, drawn from the
//! people of its agents in the battlefield, each equally likely (at most all of them). Each
//! fighter who falls is captured instead of killed with probability
//! `violence.capture` (jailed, still a member, for `justice.max_sentence ×
//! policy.detention_severity` ticks). State units in a battle take one point of alarm
//! (retaliation memory) plus one per soldier their side lost.
//!
//! | symbol | key |
//! |---|---|
//! | κ | `violence.attrition` |
//! | band, patrol | `groups.<g>.band`, `violence.patrol` |
//! | spread | `violence.band_spread` |
//! | engagement | `violence.engage_rate` |
//! | capture | `violence.capture` |
//! | detention | `policy.detention_severity` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::sizes::band;
use super::violence::Shares;
use crate::events::{Actor, Event, Position};
use crate::model::{Agents, ConflictParams, ConflictTick, FOREVER, Status};
use crate::rng::Rng;
use crate::world::{AgentId, Shape};
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

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

/// A combatant agent's effectiveness per person: a fighter's is its group's arms effect, a
/// soldier's 0.5 + proficiency (training included).
fn effectiveness(a: &Agents, id: AgentId, cp: &ConflictParams, disarm_factor: &[f64]) -> f64 {
    if id.is_unit() {
        0.5 + cp.proficiency(&a.units[id.index()])
    } else {
        let g = a.persons[id.index()].group as usize;
        cp.arms_effect(g, disarm_factor[g])
    }
}

/// The people (soldiers) a combatant agent stands for.
fn size(a: &Agents, id: AgentId) -> u32 {
    if id.is_unit() {
        a.soldiers(id.index())
    } else {
        a.people(id.index())
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
        // each side fights with a band (a patrol for the state), whatever the people its
        // agents in the battlefield stand for; they take its losses
        let v = &cp.violence;
        let strength = |party: Party, side: &[AgentId], rng: &mut Rng| {
            let n = match party {
                Party::Group(g) => {
                    let cap = out.fighters.get(g).copied().unwrap_or(0.0);
                    band(cp.groups[g].band, v.band_spread, cap, rng)
                }
                Party::State => band(v.patrol, v.band_spread, out.soldiers, rng),
            };
            // effectiveness per person: the mean over the people in the battlefield
            let (mut people, mut force) = (0.0, 0.0);
            for &id in side {
                let k = size(a, id) as f64;
                people += k;
                force += k * effectiveness(a, id, cp, disarm_factor);
            }
            (n, n * force / people.max(1.0))
        };
        let (na, ea) = strength(pa, &side_a, rng);
        let (nb, eb) = strength(pb, &side_b, rng);
        let kappa = v.attrition;
        let loss_a = ((kappa * eb).min(na) / na).clamp(0.0, 1.0);
        let loss_b = ((kappa * ea).min(nb) / nb).clamp(0.0, 1.0);
        let mut dead = 0u32;
        let mut state_losses = 0f32;
        for (side, n, p) in [(&side_a, na, loss_a), (&side_b, nb, loss_b)] {
            if p <= 0.0 {
                continue;
            }
            let lost = Binomial::new(n as u64, p).expect("p in [0, 1]").sample(rng);
            // the band's losses fall on the people in the battlefield, each equally likely
            let people = side.iter().map(|&id| size(a, id) as u64).sum();
            let mut shares = Shares::new(people, lost);
            for &id in side.iter() {
                if shares.done() {
                    break;
                }
                let here = shares.next(size(a, id) as u64, rng);
                if here == 0 {
                    continue;
                }
                let (killed, _captured) = casualties(a, id, here as u32, cp, rng);
                dead += killed;
                if id.is_unit() {
                    state_losses += here as f32;
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

/// `n` people of a combatant agent fall: soldiers of a unit are killed (the unit is
/// destroyed when none is left); each fighter is killed or, with probability
/// `violence.capture` (battle stream), captured and jailed for `justice.max_sentence ×
/// policy.detention_severity` ticks: the whole agent if all its people are captured, a new
/// jailed agent of the captured otherwise. Returns (killed, captured).
pub(crate) fn casualties(
    a: &mut Agents,
    id: AgentId,
    n: u32,
    cp: &ConflictParams,
    rng: &mut Rng,
) -> (u32, u32) {
    if id.is_unit() {
        return (a.take_soldiers(id.index(), n), 0);
    }
    let i = id.index();
    if a.persons[i].status != Status::Fighter {
        return (0, 0);
    }
    let have = a.people(i);
    let n = n.min(have);
    let capture = cp.violence.capture;
    let captured = if capture > 0.0 && n > 0 {
        if n == 1 {
            (rng.random::<f64>() < capture) as u32
        } else {
            Binomial::new(n as u64, capture)
                .expect("capture in [0, 1]")
                .sample(rng) as u32
        }
    } else {
        0
    };
    let term = (cp.justice.max_sentence as f64 * cp.policy.detention_severity).round();
    let term = if term.is_finite() {
        (term as u32).max(1)
    } else {
        FOREVER
    };
    if captured == have {
        a.persons[i].jail = term;
        a.set_status(i, Status::Jailed);
        return (0, captured);
    }
    let killed = n - captured;
    a.take_people(i, n);
    if captured > 0 {
        let mut p = a.persons[i];
        p.status = Status::Jailed;
        p.jail = term;
        a.add_person(p, captured as u16);
    }
    (killed, captured)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConflictTick;
    use crate::model::testing::{place_person, place_unit, set_people, set_soldiers, tiny};
    use crate::rng::{Stream, stream_rng};

    #[test]
    fn a_fighter_who_falls_is_killed_or_captured_and_a_unit_destroyed() {
        let extra = "[violence]\ncapture = 1.0\n[justice]\nmax_sentence = 20\n\
                     [policy]\ndetention_severity = 0.5\nsentence_severity = 0.1\n";
        let (_, cp, mut a) = tiny(extra);
        let f = place_person(&mut a, 0, Status::Fighter, 1, 1);
        let u = place_unit(&mut a, 0, 2, 2);
        let mut rng = stream_rng(1, 0, Stream::Battle);
        assert_eq!(
            casualties(&mut a, AgentId::person(f), 1, &cp, &mut rng),
            (0, 1),
            "captured"
        );
        assert_eq!(a.persons[f].status, Status::Jailed);
        assert_eq!(a.persons[f].group, 0, "still a member");
        assert_eq!(
            a.persons[f].jail, 10,
            "detention severity, not sentence severity"
        );
        assert_eq!(
            casualties(&mut a, AgentId::unit(u), 1, &cp, &mut rng),
            (1, 0)
        );
        assert!(a.units[u].dead && a.any_dead);
        assert!(a.at(2, 2).is_none());
        assert_eq!(
            casualties(&mut a, AgentId::unit(u), 1, &cp, &mut rng),
            (0, 0),
            "falls once"
        );
    }

    #[test]
    fn losses_of_part_of_an_agent_kill_and_capture_people_apart() {
        let (_, cp, mut a) = tiny("[violence]\ncapture = 0.5\n");
        let f = place_person(&mut a, 0, Status::Fighter, 1, 1);
        set_people(&mut a, f, 40);
        let u = place_unit(&mut a, 0, 3, 3);
        set_soldiers(&mut a, u, 10);
        let mut rng = stream_rng(2, 0, Stream::Battle);
        let (killed, captured) = casualties(&mut a, AgentId::person(f), 30, &cp, &mut rng);
        assert_eq!(killed + captured, 30);
        assert!(killed > 0 && captured > 0, "{killed} {captured}");
        assert_eq!(a.people(f), 10, "the rest fight on");
        assert_eq!(a.persons[f].status, Status::Fighter);
        let jailed = a.persons.len() - 1;
        assert_eq!(a.persons[jailed].status, Status::Jailed);
        assert_eq!(a.people(jailed), captured);
        assert_eq!(a.persons[jailed].group, 0);
        assert_eq!(
            casualties(&mut a, AgentId::unit(u), 4, &cp, &mut rng),
            (4, 0)
        );
        assert_eq!(a.soldiers(u), 6);
        assert!(!a.units[u].dead);
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
