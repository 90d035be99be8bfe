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
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | recruitment rate | `groups.<g>.recruit_rate` | per person per tick, [0, 1] | 0: no recruitment unless calibrated |
//! | driver | `groups.<g>.driver` | grievance, threat, none | none |
//! | communities | `groups.<g>.recruits_from` | community names | none |
//! | arming gain γ | `policy.arming_recruitment_gain` | ≥ 0 | 1: fully armed doubles the pull |
//! | threat decay | `violence.threat_decay` | per tick, [0, 1] | 0.05: a killing is mostly forgotten after two months |
//!
//! A recruit keeps its community; it leaves the group with probability `groups.<g>.desertion`
//! per tick (see [`crate::mechanisms::violence`]).

use crate::events::{Actor, Event, EventType};
use crate::model::{Model, Status};
use crate::rng::Stream;
use crate::scenario::Driver;
use rand::RngExt;

impl Model {
    /// Person `i` (a civilian who has just decided) may join an armed group.
    #[inline]
    pub(crate) fn recruitment(&mut self, i: usize) {
        let Some(cp) = self.params.conflict.as_deref() else {
            return;
        };
        let p = self.persons[i];
        let c = p.community as usize;
        let inst = self.inst.as_deref().expect("conflict state");
        for g in 0..cp.groups.len() {
            let gp = &cp.groups[g];
            if gp.recruits >> c & 1 == 0 || gp.recruit_rate <= 0.0 {
                continue;
            }
            let chance = match gp.driver {
                Driver::Grievance if p.status == Status::Active => {
                    let [n] = self.world.layers.count(
                        [cp.group_layer[g]],
                        p.x as usize,
                        p.y as usize,
                        &self.params.person_shape,
                    );
                    if n == 0 {
                        continue;
                    }
                    gp.recruit_rate
                }
                Driver::Threat if p.status == Status::Quiescent => {
                    let r = self.world.region[self.world.cell(p.x as usize, p.y as usize)] as usize;
                    let at = r * inst.legitimacy.len() + c;
                    if inst.threat[at] <= 0.0 {
                        continue;
                    }
                    let theta = 1000.0 * inst.threat[at] / inst.members[at].max(1.0);
                    let gain = if gp.state_backed {
                        1.0 + cp.policy.arming_recruitment_gain * cp.arms(g, inst.disarm_factor[g])
                    } else {
                        1.0
                    };
                    (gp.recruit_rate * (1.0 - libm::exp(-theta)) * gain).min(1.0)
                }
                _ => continue,
            };
            if self.rng.get(Stream::Recruitment).random::<f64>() < chance {
                self.join(i, g);
                return;
            }
        }
    }

    /// Person `i` joins group `g`.
    pub(crate) fn join(&mut self, i: usize, g: usize) {
        let c = self.persons[i].community;
        self.persons[i].group = g as u8;
        self.set_status(i, Status::Fighter);
        let (x, y) = (self.persons[i].x, self.persons[i].y);
        let region = self.region_at(x as usize, y as usize);
        let tick = self.tick();
        let inst = self.inst.as_deref_mut().expect("conflict state");
        inst.counters.recruits[g] += 1;
        inst.events.push(Event {
            tick,
            region,
            x,
            y,
            event_type: EventType::Recruitment,
            sub_event_type: "joined",
            actor1: Actor::Group(g as u8),
            actor2: Actor::Community(c),
            victim_community: None,
            fatalities: 0,
        });
    }

    /// The region of cell (x, y), if the scenario has regions.
    pub(crate) fn region_at(&self, x: usize, y: usize) -> Option<u8> {
        self.scenario()
            .world
            .regions
            .as_ref()
            .map(|_| self.world.region[self.world.cell(x, y)])
    }
}
