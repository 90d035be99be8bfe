//! Recruitment into armed groups (docs/ODD.md §7.8).
//!
//! On its turn, after deciding whether to be active, a civilian may join a group that recruits
//! from its community:
//!
//! * **grievance-driven** groups (jihadists): an *active* person joins with probability
//!   `recruit_rate` per tick when at least one member of the group is in its vision;
//! * **threat-driven** groups (self-defence militias): a *quiescent* person joins with
//!   probability `recruit_rate · (1 − e^(−θ)) · (1 + γ·a)` where θ is the threat to its
//!   community in its region: recent killings of its civilians there (fading at
//!   `violence.threat_decay` a tick) per thousand members of the community in the region;
//!   a is the group's arms level and γ =
//!   `policy.arming_recruitment_gain` if the state backs the group (0 otherwise): state arming
//!   makes joining likelier.
//!
//! | symbol | key |
//! |---|---|
//! | recruitment rate | `groups.<g>.recruit_rate` |
//! | driver | `groups.<g>.driver` |
//! | communities | `groups.<g>.recruits_from` |
//! | γ | `policy.arming_recruitment_gain` |
//! | threat decay | `violence.threat_decay` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! A recruit keeps its community; it leaves the group with probability `groups.<g>.desertion`
//! per tick (see [`crate::mechanisms::violence`]).

use crate::events::{Event, Position};
use crate::model::{Agents, Conflict, ConflictParams, ConflictTick, Status};
use crate::rng::Rng;
use crate::scenario::Driver;
use crate::world::Shape;
use rand::RngExt;

/// Person `i` (a civilian who has just decided, seeing with `person_shape`) may join an armed
/// group. Reads the groups, the threat to its community and the members counted this tick;
/// a recruit is counted and recorded as an event.
#[inline]
pub(crate) fn recruitment(
    a: &mut Agents,
    i: usize,
    tick: u32,
    person_shape: &Shape,
    c: &mut Conflict,
    rng: &mut Rng,
) {
    let Conflict {
        params: cp,
        state,
        tick: out,
    } = c;
    let p = a.persons[i];
    let k = p.community as usize;
    let nc = state.legitimacy.len();
    for g in 0..cp.groups.len() {
        let gp = &cp.groups[g];
        if gp.recruits >> k & 1 == 0 || gp.recruit_rate <= 0.0 {
            continue;
        }
        let chance = match gp.driver {
            Driver::Grievance if p.status == Status::Active => {
                let [n] = a.world.layers.count(
                    [cp.group_layer[g]],
                    p.x as usize,
                    p.y as usize,
                    person_shape,
                );
                if n == 0 {
                    continue;
                }
                gp.recruit_rate
            }
            Driver::Threat if p.status == Status::Quiescent => {
                let r = a.world.region[a.world.cell(p.x as usize, p.y as usize)] as usize;
                let at = r * nc + k;
                if state.threat[at] <= 0.0 {
                    continue;
                }
                let theta = 1000.0 * state.threat[at] / out.members[at].max(1.0);
                let gain = if gp.state_backed {
                    1.0 + cp.policy.arming_recruitment_gain * cp.arms(g, state.disarm_factor[g])
                } else {
                    1.0
                };
                (gp.recruit_rate * (1.0 - libm::exp(-theta)) * gain).min(1.0)
            }
            _ => continue,
        };
        if rng.random::<f64>() < chance {
            join(a, i, g, tick, cp, out);
            return;
        }
    }
}

/// Person `i` joins group `g`: counted, and recorded as an event.
pub(crate) fn join(
    a: &mut Agents,
    i: usize,
    g: usize,
    tick: u32,
    cp: &ConflictParams,
    out: &mut ConflictTick,
) {
    let c = a.persons[i].community;
    a.persons[i].group = g as u8;
    a.set_status(i, Status::Fighter);
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let region = cp.region_of_cell(&a.world.region, a.world.cell(x, y));
    out.counters.recruits[g] += 1;
    out.events
        .push(Event::joined(tick, region, Position::new(x, y), g as u8, c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, tiny};
    use crate::rng::{Stream, stream_rng};

    #[test]
    fn threat_drives_the_quiescent_into_a_militia() {
        let (p, cp, mut a) = tiny(
            "[groups.dozo]\nkind = \"militia\"\ndriver = \"threat\"\nrecruits_from = [\"dogon\"]\n\
             recruit_rate = 1.0\narms = 0.5\nvision = 2\n",
        );
        let mut c = Conflict::new(cp, 2, 0.5);
        let i = place_person(&mut a, 1, Status::Quiescent, 4, 4);
        let mut rng = stream_rng(1, 0, Stream::Recruitment);
        // no threat: nobody joins, nothing is drawn
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Quiescent);
        // a killing among 1 member of the community in the region: θ = 1000, chance 1
        c.state.threat[1] = 1.0;
        c.tick.members[1] = 1.0;
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Fighter);
        assert_eq!(a.persons[i].group, 1, "group 1: dozo");
        assert_eq!(c.tick.counters.recruits, [0, 1]);
        assert_eq!(
            c.tick.events[0].event_type(),
            crate::events::EventType::Recruitment
        );
    }
}
