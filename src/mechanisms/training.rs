//! Training missions (docs/ODD.md §7.17), such as the EU Training Mission in Mali.
//!
//! Trainers = `staff − protection − administration` (EUTM: 600 − 400 − 50 = 150). Each tick a
//! mission trains `trainers × throughput` units (fractions carry over) of the forces it
//! trains (`missions.<m>.trains`), chosen uniformly among the untrained. A trained unit's
//! proficiency rises by `proficiency_gain` (battles); its discipline rises by
//! `discipline_gain` only while `policy.field_oversight` is on, that is, while trainers may
//! follow the units they trained into the field. Without oversight training raises tactical
//! skill but leaves conduct unwatched (the oversight gap).
//!
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | staff | `missions.<m>.staff` | people | EUTM: 600 |
//! | protection | `missions.<m>.protection` | people | EUTM: 400 |
//! | administration | `missions.<m>.administration` | people | EUTM: 50 |
//! | throughput | `missions.<m>.throughput` | units per trainer per tick, ≥ 0 | 0 |
//! | proficiency gain | `missions.<m>.proficiency_gain` | [0, 1] | 0 |
//! | discipline gain | `missions.<m>.discipline_gain` | [0, 1] | 0 |
//! | oversight | `policy.field_oversight` | bool | false: EUTM's trainers may not deploy with their trainees |

use crate::model::Model;
use crate::rng::Stream;

impl Model {
    /// One tick of every training mission.
    pub(crate) fn training(&mut self) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let missions = cp.missions.clone();
        for (m, mission) in missions.iter().enumerate() {
            let inst = self.inst.as_deref_mut().expect("conflict state");
            inst.training_carry[m] += mission.trainers * mission.throughput;
            let n = inst.training_carry[m].floor();
            inst.training_carry[m] -= n;
            let n = n as usize;
            if n == 0 {
                continue;
            }
            let mut untrained: Vec<usize> = (0..self.units.len())
                .filter(|&u| {
                    !self.units[u].trained
                        && !self.units[u].dead
                        && mission.trains >> self.units[u].force & 1 == 1
                })
                .collect();
            let n = n.min(untrained.len());
            use rand::seq::SliceRandom;
            let (chosen, _) = untrained.partial_shuffle(self.rng.get(Stream::Policy), n);
            for &u in chosen.iter() {
                self.units[u].trained = true;
            }
        }
    }

    /// The policy phase at the start of a tick: threat and alarm fade, disarmament, training.
    pub(crate) fn policy_phase(&mut self) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let keep_threat = 1.0 - cp.violence.threat_decay;
        let keep_alarm = (1.0 - cp.abuse.alarm_decay) as f32;
        let inst = self.inst.as_deref_mut().expect("conflict state");
        for t in inst.threat.iter_mut() {
            *t *= keep_threat;
        }
        for u in self.units.iter_mut() {
            u.alarm *= keep_alarm;
        }
        // members of each community per region (threat is read per thousand members)
        let nc = inst.legitimacy.len();
        inst.members.iter_mut().for_each(|m| *m = 0.0);
        for p in &self.persons {
            let r = self.world.region[p.y as usize * self.world.width + p.x as usize] as usize;
            if let Some(m) = inst.members.get_mut(r * nc + p.community as usize) {
                *m += 1.0;
            }
        }
        self.disarmament();
        self.training();
    }
}
