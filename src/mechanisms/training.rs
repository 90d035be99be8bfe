//! Training missions (docs/ODD.md §7.17), such as the EU Training Mission in Mali.
//!
//! Trainers = `staff − protection − administration` (EUTM: 600 − 400 − 50 = 150). Each tick a
//! mission trains `trainers × throughput` soldiers, that is that many over the soldiers a unit
//! agent stands for in units (fractions carry over), of the forces it trains (`missions.<m>.trains`), chosen uniformly among the untrained. A trained unit's
//! proficiency rises by `proficiency_gain` (battles); its discipline rises by
//! `discipline_gain` only while `policy.field_oversight` is on, that is, while trainers may
//! follow the units they trained into the field. Without oversight training raises tactical
//! skill but leaves conduct unwatched (the oversight gap).
//!
//! | symbol | key |
//! |---|---|
//! | staff | `missions.<m>.staff` |
//! | protection | `missions.<m>.protection` |
//! | administration | `missions.<m>.administration` |
//! | throughput | `missions.<m>.throughput` |
//! | proficiency gain | `missions.<m>.proficiency_gain` |
//! | discipline gain | `missions.<m>.discipline_gain` |
//! | oversight | `policy.field_oversight` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use crate::model::{MissionParams, Unit};
use crate::rng::Rng;

/// One tick of every training mission: each adds `trainers × throughput / per_unit` to its
/// `carry` (`per_unit`: the soldiers one unit agent stands for) and trains the whole part of
/// it in units of the forces it trains, chosen uniformly among the
/// untrained (policy stream). `untrained` is a reusable buffer.
pub(crate) fn training(
    missions: &[MissionParams],
    carry: &mut [f64],
    per_unit: f64,
    units: &mut [Unit],
    untrained: &mut Vec<usize>,
    rng: &mut Rng,
) {
    for (m, mission) in missions.iter().enumerate() {
        carry[m] += mission.trainers * mission.throughput / per_unit;
        let n = carry[m].floor();
        carry[m] -= n;
        let n = n as usize;
        if n == 0 {
            continue;
        }
        untrained.clear();
        untrained.extend((0..units.len()).filter(|&u| {
            !units[u].trained && !units[u].dead && mission.trains >> units[u].force & 1 == 1
        }));
        let n = n.min(untrained.len());
        use rand::seq::SliceRandom;
        let (chosen, _) = untrained.partial_shuffle(rng, n);
        for &u in chosen.iter() {
            units[u].trained = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream_rng};

    fn unit(force: u8) -> Unit {
        Unit {
            x: 0,
            y: 0,
            force,
            trained: false,
            alarm: 0.0,
            dead: false,
        }
    }

    #[test]
    fn trains_whole_units_and_carries_the_fraction() {
        // 1.5 units a tick of force 0 only
        let missions = [MissionParams {
            trainers: 3.0,
            trains: 0b01,
            throughput: 0.5,
            proficiency_gain: 0.2,
            discipline_gain: 0.2,
        }];
        let mut units: Vec<Unit> = [0, 1, 0, 0, 0].map(unit).to_vec();
        let mut carry = [0.0];
        let mut buf = Vec::new();
        let mut rng = stream_rng(5, 0, Stream::Policy);
        training(&missions, &mut carry, 1.0, &mut units, &mut buf, &mut rng);
        assert_eq!(units.iter().filter(|u| u.trained).count(), 1);
        assert_eq!(carry[0], 0.5);
        training(&missions, &mut carry, 1.0, &mut units, &mut buf, &mut rng);
        assert_eq!(units.iter().filter(|u| u.trained).count(), 3);
        training(&missions, &mut carry, 1.0, &mut units, &mut buf, &mut rng);
        // only four units of force 0 exist; force 1's is never trained
        assert_eq!(units.iter().filter(|u| u.trained).count(), 4);
        assert!(!units[1].trained);
    }
}
