//! The policy phase at the start of a conflict tick (docs/ODD.md §3, phase 2): the memory of
//! violence fades, the people are counted, and the state's policies act.
//!
//! 1. The threat θ to each community in each region (recent killings of its civilians there,
//!    read by threat-driven recruitment, [`crate::mechanisms::recruitment`]) is multiplied by
//!    1 − `violence.threat_decay`; every unit's alarm (retaliation memory,
//!    [`crate::mechanisms::abuse`]) by 1 − `abuse.alarm_decay`.
//! 2. The living members of each community in each region are counted (θ is read per
//!    thousand members).
//! 3. The disarmament campaign takes its share where units meet fighters
//!    ([`crate::mechanisms::arming`]).
//! 4. Training missions train units ([`crate::mechanisms::training`]).
//!
//! Steps 3 and 4 draw from the policy stream, in that order.
//!
//! | symbol | key |
//! |---|---|
//! | threat decay | `violence.threat_decay` |
//! | alarm decay | `abuse.alarm_decay` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::model::{Agents, ConflictParams, ConflictState, ConflictTick, Unit};
use crate::rng::Rng;

/// Threat and alarm fade: each is multiplied by what its decay keeps.
pub(crate) fn fade(threat: &mut [f64], units: &mut [Unit], threat_decay: f64, alarm_decay: f64) {
    let keep_threat = 1.0 - threat_decay;
    let keep_alarm = (1.0 - alarm_decay) as f32;
    for t in threat.iter_mut() {
        *t *= keep_threat;
    }
    for u in units.iter_mut() {
        u.alarm *= keep_alarm;
    }
}

/// Counts the living members (people) of each of `communities` communities per region into
/// `members` (`region * communities + c`; cells outside every region count nowhere).
pub(crate) fn count_members(a: &Agents, communities: usize, members: &mut [f64]) {
    members.fill(0.0);
    let w = &a.world;
    for (i, p) in a.persons.iter().enumerate() {
        let r = w.region[p.y as usize * w.width + p.x as usize] as usize;
        if let Some(m) = members.get_mut(r * communities + p.community as usize) {
            *m += a.people(i) as f64;
        }
    }
}

/// Counts the living, free fighters (people) of each armed group into `fighters` and the
/// living soldiers of every force (whichever side engages as the state): the largest band
/// and patrol this tick.
pub(crate) fn count_fighters(a: &Agents, out: &mut ConflictTick) {
    out.fighters.fill(0.0);
    for (i, p) in a.persons.iter().enumerate() {
        if p.status == crate::model::Status::Fighter
            && let Some(f) = out.fighters.get_mut(p.group as usize)
        {
            *f += a.people(i) as f64;
        }
    }
    out.soldiers = 0.0;
    for (u, unit) in a.units.iter().enumerate() {
        if !unit.dead {
            out.soldiers += a.soldiers(u) as f64;
        }
    }
}

/// The contact of each disarmed group with the state's forces, into `contact`: over its
/// fighters (people), the mean of min(1, S/φ), S the state's soldiers in a fighter's vision
/// and φ = `recruitment.presence` (a handful of soldiers in sight make contact; per soldier,
/// so that it does not depend on how many soldiers a unit agent stands for).
fn in_contact(a: &Agents, cp: &ConflictParams, contact: &mut [f64]) {
    let mut total = [0f64; 64];
    for (i, p) in a.persons.iter().enumerate() {
        if p.status != crate::model::Status::Fighter {
            continue;
        }
        let g = p.group as usize;
        if g >= contact.len() || !cp.groups[g].disarmed {
            continue;
        }
        let n = a.people(i) as f64;
        total[g.min(63)] += n;
        let (x, y) = (p.x as usize, p.y as usize);
        let soldiers = super::violence::people_in(a, &cp.state_layers, x, y, &cp.groups[g].shape);
        if soldiers > 0.0 {
            contact[g] += n * super::recruitment::presence(soldiers, cp.presence);
        }
    }
    for (g, c) in contact.iter_mut().enumerate() {
        if total[g.min(63)] > 0.0 {
            *c /= total[g.min(63)];
        }
    }
}

/// The policy phase: fading, members per region, disarmament, training.
pub(crate) fn policy_phase(
    tick: u32,
    a: &mut Agents,
    cp: &ConflictParams,
    state: &mut ConflictState,
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    fade(
        &mut state.threat,
        &mut a.units,
        cp.violence.threat_decay,
        cp.abuse.alarm_decay,
    );
    count_members(a, state.legitimacy.len(), &mut out.members);
    count_fighters(a, out);
    let d = &cp.policy.disarmament;
    let mut contact = std::mem::take(&mut out.buf.contact);
    contact.clear();
    contact.resize(cp.groups.len(), 0.0);
    if d.rate > 0.0 && d.enforcement > 0.0 && cp.groups.iter().any(|g| g.disarmed) {
        in_contact(a, cp, &mut contact);
    }
    super::arming::disarmament(
        tick,
        d,
        &cp.groups,
        cp.disarm_community,
        &contact,
        &mut state.disarm_factor,
        &mut a.persons,
        &mut out.events,
        rng,
    );
    out.buf.contact = contact;
    super::training::training(
        &cp.missions,
        &mut state.training_carry,
        a.nominal as f64,
        &mut a.units,
        &mut out.buf.indices,
        rng,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threat_and_alarm_fade_by_what_their_decay_keeps() {
        let mut threat = [4.0, 0.0, 1.0];
        let mut units = [Unit {
            x: 0,
            y: 0,
            force: 0,
            trained: false,
            alarm: 2.0,
            dead: false,
        }];
        fade(&mut threat, &mut units, 0.25, 0.5);
        assert_eq!(threat, [3.0, 0.0, 0.75]);
        assert_eq!(units[0].alarm, 1.0);
    }
}
