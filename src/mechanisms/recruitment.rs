//! Recruitment into armed groups (docs/ODD.md §7.8).
//!
//! On its turn, after deciding whether to be active, a civilian agent (n people) may join a
//! group. Every probability below is per person: the number of the agent's people who join, k,
//! is drawn from the binomial law, as for n persons, and the agent joins whole with
//! probability k/n, by systematic sampling through a pool per group and community
//! ([`crate::mechanisms::pooling`]), so that the mean of the people who join does not depend
//! on the scale and their spread only by the rounding to whole agents. Two channels, each a
//! mechanism of the record:
//!
//! * **grievance** (ideology, anger at abuse): an *active* person of a community the group
//!   recruits from (`groups.<g>.recruits_from`) joins with probability
//!   `recruit_rate · min(1, F/φ)`, F the group's fighters (people) in its vision and φ =
//!   `recruitment.presence`. Abuses raise grievance through legitimacy and unresolved
//!   injustice ([`crate::mechanisms::legitimacy`]), so the abused community's active grow
//!   and the group recruits among them;
//! * **protection** (field studies of young Peul recruits found protection a more common
//!   motive than ideology): a *quiescent* person of a community a group protects
//!   (`groups.<g>.protects`) joins with probability
//!
//!   ```text
//!   r_p · (1 − e^(−θ)) · (1 − L) · min(1, m(a)·F/φ)
//!   ```
//!
//!   r_p = `groups.<g>.protection_rate`; θ the threat to the person's community in its region
//!   (people of it killed there recently, by anybody, the state included, fading at
//!   `violence.threat_decay` a tick, per thousand members in the region); L the state's
//!   legitimacy in the community (people who trust the state to protect them do not take up
//!   arms: the state's failure to protect drives Dogon, Bambara and Peul mobilisation alike);
//!   F the group's fighters in sight, weighted by its arms effect m(a), which state arming
//!   raises ([`crate::mechanisms::violence`]).
//!
//! | symbol | key |
//! |---|---|
//! | grievance rate | `groups.<g>.recruit_rate` |
//! | communities | `groups.<g>.recruits_from` |
//! | r_p | `groups.<g>.protection_rate` |
//! | protected communities | `groups.<g>.protects` |
//! | φ | `recruitment.presence` |
//! | threat decay | `violence.threat_decay` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! A recruit keeps its community; it leaves the group with probability `groups.<g>.desertion`
//! per tick (see [`crate::mechanisms::violence`]).

use super::pooling;
use crate::events::{Event, Position};
use crate::model::{Agents, Conflict, ConflictParams, ConflictTick, Status};
use crate::rng::Rng;
use crate::world::Shape;
use rand::RngExt;

/// min(1, F/φ): how present a group whose fighters in sight count `fighters` people
/// (weighted) is to a person. Linear in the people seen below φ, so that it is the same in
/// expectation whether the people in sight come as many small agents or a few large ones.
#[inline]
pub(crate) fn presence(fighters: f64, phi: f64) -> f64 {
    (fighters / phi).min(1.0)
}

/// Person `i` (a civilian who has just decided, seeing with `person_shape`) may join an armed
/// group. Reads the groups, the threat to its community, the state's legitimacy there and
/// the members counted this tick; a recruit is counted and recorded as an event.
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
    let (x, y) = (p.x as usize, p.y as usize);
    // group g's fighters in sight, in people (agents in sight times the people an agent
    // stands for at the start)
    let fighters_in_sight = |g: usize| {
        let l = cp.group_layer[g];
        if a.world
            .layers
            .none_near(l, x, y, person_shape.radius() as usize)
        {
            return 0.0;
        }
        let [n] = a.world.layers.count([l], x, y, person_shape);
        n as f64 * a.nominal as f64
    };
    // the agent's people, and those of them not yet drawn to a group this turn (a person
    // joins one group at most)
    let n = a.people(i);
    let mut left = n;
    for g in 0..cp.groups.len() {
        let gp = &cp.groups[g];
        let chance = match p.status {
            Status::Active if gp.recruits >> k & 1 == 1 && gp.recruit_rate > 0.0 => {
                let f = fighters_in_sight(g);
                if f == 0.0 {
                    continue;
                }
                gp.recruit_rate * presence(f, cp.presence)
            }
            Status::Quiescent if gp.protects >> k & 1 == 1 && gp.protection_rate > 0.0 => {
                let r = a.world.region[a.world.cell(x, y)] as usize;
                let at = r * nc + k;
                if state.threat[at] <= 0.0 {
                    continue;
                }
                let f = fighters_in_sight(g);
                if f == 0.0 {
                    continue;
                }
                let theta = 1000.0 * state.threat[at] / out.members[at].max(1.0);
                let m = cp.arms_effect(g, state.disarm_factor[g]);
                let f = f * m;
                let trust = state.legitimacy[k].clamp(0.0, 1.0);
                gp.protection_rate * -libm::expm1(-theta) * (1.0 - trust) * presence(f, cp.presence)
            }
            _ => continue,
        };
        // the agent's people who join, pooled into whole agents (mechanisms::pooling)
        let joining = pooling::binomial_by_inversion(left, chance, rng.random::<f64>());
        left -= joining;
        if joining > 0 && pooling::goes_whole(&mut state.joining[g * nc + k], n, joining) {
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
    out.counters.recruits[g] += a.people(i) as u64;
    out.events
        .push(Event::joined(tick, region, Position::new(x, y), g as u8, c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, set_people, tiny};
    use crate::rng::{Stream, stream_rng};

    const DOZO: &str = "[groups.dozo]\nkind = \"militia\"\nprotects = [\"dogon\"]\n\
                        protection_rate = 1.0\narms = 1.0\nvision = 2\n\
                        [recruitment]\npresence = 0.001\n";

    #[test]
    fn threatened_people_the_state_does_not_protect_join_the_group_that_protects_them() {
        let (p, mut cp, mut a) = tiny(DOZO);
        cp.groups[1].protection_rate = 1e3;
        let mut c = Conflict::new(cp, 2, vec![0.0; 2]);
        let i = place_person(&mut a, 1, Status::Quiescent, 4, 4);
        set_people(&mut a, i, 10);
        let mut rng = stream_rng(1, 0, Stream::Recruitment);
        // no threat: nobody joins
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Quiescent);
        // a killing among the community's members in the region, but no dozo in sight
        c.state.threat[1] = 1.0;
        c.tick.members[1] = 1.0;
        c.state.legitimacy[1] = 0.0;
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(
            a.persons[i].status,
            Status::Quiescent,
            "no protector present"
        );
        // a dozo in sight
        let d = place_person(&mut a, 1, Status::Fighter, 5, 5);
        a.persons[d].group = 1;
        a.set_status(d, Status::Quiescent);
        a.set_status(d, Status::Fighter);
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Fighter);
        assert_eq!(a.persons[i].group, 1, "group 1: dozo");
        assert_eq!(c.tick.counters.recruits, [0, 10], "in people");
        assert_eq!(
            c.tick.events[0].event_type(),
            crate::events::EventType::Recruitment
        );
    }

    #[test]
    fn people_who_trust_the_state_do_not_seek_protection() {
        let (p, mut cp, mut a) = tiny(DOZO);
        cp.groups[1].protection_rate = 1e3;
        let mut c = Conflict::new(cp, 2, vec![0.0; 2]);
        let i = place_person(&mut a, 1, Status::Quiescent, 4, 4);
        let d = place_person(&mut a, 1, Status::Fighter, 5, 5);
        a.persons[d].group = 1;
        a.set_status(d, Status::Quiescent);
        a.set_status(d, Status::Fighter);
        c.state.threat[1] = 1.0;
        c.tick.members[1] = 1.0;
        c.state.legitimacy[1] = 1.0;
        let mut rng = stream_rng(1, 0, Stream::Recruitment);
        for _ in 0..100 {
            recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        }
        assert_eq!(a.persons[i].status, Status::Quiescent, "L = 1: (1 − L) = 0");
    }

    #[test]
    fn the_active_join_the_grievance_group_only_where_it_is_present() {
        let (p, mut cp, mut a) = tiny("[recruitment]\npresence = 0.001\n");
        cp.groups[0].recruit_rate = 1.0;
        let mut c = Conflict::new(cp, 2, vec![0.0; 2]);
        let i = place_person(&mut a, 0, Status::Active, 1, 1);
        let quiet = place_person(&mut a, 0, Status::Quiescent, 1, 2);
        let mut rng = stream_rng(1, 0, Stream::Recruitment);
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Active, "no jihadist in sight");
        place_person(&mut a, 1, Status::Fighter, 2, 2);
        recruitment(&mut a, quiet, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(
            a.persons[quiet].status,
            Status::Quiescent,
            "only the active"
        );
        recruitment(&mut a, i, 3, &p.person_shape, &mut c, &mut rng);
        assert_eq!(a.persons[i].status, Status::Fighter);
        assert_eq!(a.persons[i].group, 0);
        assert_eq!(presence(10.0, 100.0), 0.1);
        assert_eq!(presence(250.0, 100.0), 1.0);
    }
}
