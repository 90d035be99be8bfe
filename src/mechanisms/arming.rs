//! Militia arming and disarmament (docs/ODD.md §7.16).
//!
//! Arming: a state-backed group's arms level is its own `groups.<g>.arms` plus
//! `policy.militia_arming`, capped at 1; it raises the success of its attacks and its pull on
//! recruits ([`crate::mechanisms::recruitment`]).
//!
//! Disarmament (`policy.disarmament`): each tick, a campaign takes the share `rate` of what is
//! left:
//!
//! * `target = "militias"`: of every militia's and pro-government group's arms;
//! * `target = "group"`, `group = "dozo"`: of one group's arms;
//! * `target = "civilians"`, `community = "peul"`: each armed household of one community loses
//!   its arms with probability `rate`: one-sided disarmament, which leaves that community's
//!   civilians exposed to attack ([`crate::mechanisms::violence`]'s household defence).
//!
//! `events.csv` gets one `disarmament` event when a campaign reaches a group, and one per tick
//! in which civilians lose arms (its `fatalities` column is 0).
//!
//! | symbol | key |
//! |---|---|
//! | arming | `policy.militia_arming` |
//! | target | `policy.disarmament.target` |
//! | rate | `policy.disarmament.rate` |
//! | household arms | `communities.<c>.household_arms` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::events::Event;
use crate::model::{ARMED, GroupParams, Person};
use crate::rng::Rng;
use crate::scenario::{DisarmTarget, DisarmamentSpec};
use rand::RngExt;

/// One tick of the disarmament campaign `d`, if any: the groups it targets lose the share
/// `rate` of their arms (`disarm_factor`), and, for a one-sided campaign against
/// `community`'s civilians, each of their armed households loses its arms with probability
/// `rate` (policy stream). Records one event when the campaign reaches a group and one per
/// tick in which civilians lose arms.
#[allow(clippy::too_many_arguments)]
pub(crate) fn disarmament(
    tick: u32,
    d: &DisarmamentSpec,
    groups: &[GroupParams],
    community: Option<usize>,
    disarm_factor: &mut [f64],
    persons: &mut [Person],
    events: &mut Vec<Event>,
    rng: &mut Rng,
) {
    if d.target == DisarmTarget::None || d.rate <= 0.0 {
        return;
    }
    for (g, gp) in groups.iter().enumerate() {
        if !gp.disarmed {
            continue;
        }
        // one event when the campaign reaches a group, not one a day
        let starts = disarm_factor[g] == 1.0;
        disarm_factor[g] *= 1.0 - d.rate;
        if starts {
            events.push(Event::group_disarmed(tick, g as u8));
        }
    }
    if let Some(c) = community {
        let mut taken = 0;
        for p in persons.iter_mut() {
            if p.community as usize == c && p.flags & ARMED != 0 && rng.random::<f64>() < d.rate {
                p.flags &= !ARMED;
                taken += 1;
            }
        }
        if taken > 0 {
            events.push(Event::civilians_disarmed(tick, c as u8));
        }
    }
}
