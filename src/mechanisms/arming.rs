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
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | arming | `policy.militia_arming` | arms level, [0, 1] | 0: the state arms nobody |
//! | target | `policy.disarmament.target` | none, militias, group, civilians | none |
//! | rate | `policy.disarmament.rate` | share per tick, [0, 1] | 0 |
//! | household arms | `communities.<c>.household_arms` | share of households, [0, 1] | 0 |

use crate::events::{Actor, Event, EventType};
use crate::model::{ARMED, Model};
use crate::rng::Stream;
use crate::scenario::DisarmTarget;
use rand::RngExt;

impl Model {
    /// One tick of the disarmament campaign, if any.
    pub(crate) fn disarmament(&mut self) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let d = cp.policy.disarmament.clone();
        if d.target == DisarmTarget::None || d.rate <= 0.0 {
            return;
        }
        let tick = self.tick();
        let disarmed: Vec<usize> = (0..cp.groups.len())
            .filter(|&g| cp.groups[g].disarmed)
            .collect();
        let community = cp.disarm_community;
        let inst = self.inst.as_deref_mut().expect("conflict state");
        for &g in &disarmed {
            // one event when the campaign reaches a group, not one a day
            let starts = inst.disarm_factor[g] == 1.0;
            inst.disarm_factor[g] *= 1.0 - d.rate;
            if !starts {
                continue;
            }
            inst.events.push(Event {
                tick,
                region: None,
                x: 0,
                y: 0,
                event_type: EventType::Disarmament,
                sub_event_type: "militia disarmed",
                actor1: Actor::State,
                actor2: Actor::Group(g as u8),
                victim_community: None,
                fatalities: 0,
            });
        }
        if let Some(c) = community {
            let mut taken = 0;
            let rng = self.rng.get(Stream::Policy);
            for p in self.persons.iter_mut() {
                if p.community as usize == c && p.flags & ARMED != 0 && rng.random::<f64>() < d.rate
                {
                    p.flags &= !ARMED;
                    taken += 1;
                }
            }
            if taken > 0 {
                let inst = self.inst.as_deref_mut().expect("conflict state");
                inst.events.push(Event {
                    tick,
                    region: None,
                    x: 0,
                    y: 0,
                    event_type: EventType::Disarmament,
                    sub_event_type: "civilians disarmed",
                    actor1: Actor::State,
                    actor2: Actor::Community(c as u8),
                    victim_community: None,
                    fatalities: 0,
                });
            }
        }
    }
}
