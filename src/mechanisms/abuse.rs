//! Abuse: extrajudicial killings by state-side units and pro-government fighters
//! (docs/ODD.md §7.10).
//!
//! A state unit (role policing or counter-insurgency) that sees civilians kills one with
//! probability per tick
//!
//! ```text
//! p = a₀ · (1 − discipline) · (1 + ρ · alarm) · (1 − E_f) · exp(−δ_pk · n_pk)
//! ```
//!
//! where a₀ = `abuse.base_rate`; discipline is the force's plus, for trained units while
//! `policy.field_oversight` is on, the training mission's discipline gain; alarm is the unit's
//! memory of recent attacks on its side (one point per battle it took part in, plus one per
//! loss, fading at `abuse.alarm_decay` a tick): retaliation, as at Boulikessi; ρ =
//! `abuse.retaliation`; E_f the punishment the force *expects*, learned from what happened to
//! its earlier cases ([`crate::mechanisms::justice`]): impunity is something forces discover;
//! n_pk the peacekeeping units in sight, δ_pk = `violence.peacekeeper_deterrence`.
//!
//! The victim's community is drawn in proportion to the civilians of each community in
//! sight, those under suspicion (`abuse.suspected`, by default the communities jihadist
//! groups recruit from) weighted (1 + `policy.profiling`); then one of them uniformly.
//! Pro-government fighters abuse with probability `abuse.progov_rate · (1 − E_g)` per tick
//! when they see civilians, with the same profiling. Each abuse is counted (`abuses`), kills
//! its victim (`killed_civilians_state` or `_progov`; abuses by units a training mission has
//! trained are also counted in `abuses_trained`), and is grouped with nearby abuses by
//! the same force in the tick into one event, which opens one justice case.
//!
//! | symbol | key |
//! |---|---|
//! | a₀ | `abuse.base_rate` |
//! | ρ | `abuse.retaliation` |
//! | alarm decay | `abuse.alarm_decay` ([`crate::mechanisms::policy`]) |
//! | E₀ | `abuse.prior_punishment` (E at tick 0) |
//! | η | `abuse.learning_rate` ([`crate::mechanisms::justice`]) |
//! | profiling | `policy.profiling` |
//! | pro-government rate | `abuse.progov_rate` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::violence::{count, kill_civilian};
use crate::events::Perpetrator;
use crate::model::{Agents, ConflictParams, ConflictTick, ExpectedPunishment, Status, Unit};
use crate::rng::Rng;
use crate::scenario::{GroupKind, Side};
use crate::world::Shape;
use rand::RngExt;

/// The probability per tick that a unit abuses when it sees civilians:
/// a₀ · (1 − discipline) · (1 + ρ · alarm) · (1 − E_f) · exp(−δ_pk · n_pk).
pub(crate) fn unit_abuse_probability(
    cp: &ConflictParams,
    unit: &Unit,
    expected_punishment: f64,
    n_pk: u32,
) -> f64 {
    cp.abuse.base_rate
        * (1.0 - cp.discipline(unit))
        * (1.0 + cp.abuse.retaliation * unit.alarm as f64)
        * (1.0 - expected_punishment)
        * libm::exp(-cp.violence.peacekeeper_deterrence * n_pk as f64)
}

/// Unit `u` (seeing with `shape`) may kill a civilian it sees: reads what its force has
/// `learned`, adds to the `threat` and the tick's counts, draws from the abuse stream.
pub(crate) fn unit_abuse(
    a: &mut Agents,
    u: usize,
    shape: &Shape,
    cp: &ConflictParams,
    learned: &ExpectedPunishment,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let unit = a.units[u];
    let f = unit.force as usize;
    if cp.abuse.base_rate <= 0.0 || cp.forces[f].side != Side::State {
        return;
    }
    let (x, y) = (unit.x as usize, unit.y as usize);
    let n_pk = count(a, &cp.peacekeeper_layers, x, y, shape);
    let p = unit_abuse_probability(cp, &unit, learned.force[f], n_pk);
    if p <= 0.0 {
        return;
    }
    let by = Perpetrator::Force(unit.force);
    if abuse_near(a, x, y, shape, p, by, cp, threat, out, rng) && unit.trained {
        out.counters.abuses_trained += 1;
    }
}

/// Pro-government fighter `i` may kill a civilian it sees, with probability
/// `abuse.progov_rate · (1 − E_g)` (`expected`: per group).
pub(crate) fn progov_abuse(
    a: &mut Agents,
    i: usize,
    cp: &ConflictParams,
    expected: &[f64],
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let g = a.persons[i].group as usize;
    if cp.groups[g].group_kind != GroupKind::ProGovernment || cp.abuse.progov_rate <= 0.0 {
        return;
    }
    if a.persons[i].status != Status::Fighter {
        return;
    }
    let p = cp.abuse.progov_rate * (1.0 - expected[g]);
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let by = Perpetrator::Group(g as u8);
    abuse_near(a, x, y, &cp.groups[g].shape, p, by, cp, threat, out, rng);
}

/// With probability `p`, kills a civilian within `shape` of (x, y), picked with profiling;
/// whether it did.
#[allow(clippy::too_many_arguments)]
fn abuse_near(
    a: &mut Agents,
    x: usize,
    y: usize,
    shape: &Shape,
    p: f64,
    by: Perpetrator,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) -> bool {
    let n_comm = cp.community_layer.len();
    let mut seen = [0u32; 64];
    let mut weight = [0f64; 64];
    let mut total = 0.0;
    for c in 0..n_comm.min(64) {
        seen[c] = a.world.layers.count([cp.community_layer[c]], x, y, shape)[0];
        let w = if cp.suspected >> c & 1 == 1 {
            1.0 + cp.policy.profiling
        } else {
            1.0
        };
        weight[c] = seen[c] as f64 * w;
        total += weight[c];
    }
    if total <= 0.0 {
        return false;
    }
    if rng.random::<f64>() >= p.min(1.0) {
        return false;
    }
    let mut u = rng.random::<f64>() * total;
    let mut community = n_comm - 1;
    for c in 0..n_comm.min(64) {
        if u < weight[c] {
            community = c;
            break;
        }
        u -= weight[c];
    }
    while seen[community] == 0 {
        community -= 1; // floating-point edge: fall back to a community that is in sight
    }
    let k = rng.random_range(0..seen[community]);
    let l = cp.community_layer[community];
    let (vx, vy) = a.world.layers.nth_set(l, x, y, shape, k);
    let v = a.at(vx, vy).index();
    kill_civilian(a, v, by, true, cp, threat, out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::PerpetratorKind;
    use crate::model::testing::{place_person, place_unit, tiny};
    use crate::model::{ConflictTick, ExpectedPunishment};
    use crate::rng::{Stream, stream_rng};

    const CERTAIN: &str = "[abuse]\nbase_rate = 1.0\nprior_punishment = 0.0\n\
                           [legitimacy]\ndynamic = true\nabuse = 0.03\n";

    fn learned(e: f64) -> ExpectedPunishment {
        ExpectedPunishment {
            force: vec![e],
            group: vec![e],
        }
    }

    #[test]
    fn a_unit_that_sees_a_civilian_kills_it_when_nothing_restrains_it() {
        let (p, cp, mut a) = tiny(CERTAIN);
        let u = place_unit(&mut a, 0, 4, 4);
        let v = place_person(&mut a, 1, Status::Quiescent, 5, 4);
        let far = place_person(&mut a, 0, Status::Quiescent, 8, 8);
        let mut threat = vec![0.0; 2];
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(1, 0, Stream::Abuse);
        let shape = &p.unit_shape[0];
        unit_abuse(
            &mut a,
            u,
            shape,
            &cp,
            &learned(0.0),
            &mut threat,
            &mut out,
            &mut rng,
        );
        assert_eq!(a.persons[v].status, Status::Dead);
        assert_eq!(a.persons[far].status, Status::Quiescent, "out of sight");
        assert!(a.at(5, 4).is_none());
        assert_eq!(out.counters.abuses, 1);
        assert_eq!(out.counters.killed_by[PerpetratorKind::State as usize], 1);
        assert_eq!(out.counters.killed_of, [0, 1]);
        assert_eq!(threat, [0.0, 1.0], "threat to the victims' community");
        assert_eq!(out.effects.legitimacy, [0.0, -0.03]);
        assert_eq!(out.killings.len(), 1);
        assert_eq!(out.killings[0].by, Perpetrator::Force(0));
        assert!(out.killings[0].abuse);
    }

    #[test]
    fn certain_punishment_deters_and_nobody_in_sight_draws_nothing() {
        let (p, cp, mut a) = tiny(CERTAIN);
        let u = place_unit(&mut a, 0, 4, 4);
        place_person(&mut a, 1, Status::Quiescent, 5, 4);
        let mut threat = vec![0.0; 2];
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(1, 0, Stream::Abuse);
        let before = rng.clone();
        let shape = &p.unit_shape[0];
        unit_abuse(
            &mut a,
            u,
            shape,
            &cp,
            &learned(1.0),
            &mut threat,
            &mut out,
            &mut rng,
        );
        assert_eq!(out.counters.abuses, 0);
        assert_eq!(rng, before, "p = 0: no draw");
        let (p, cp, mut a) = tiny(CERTAIN);
        let u = place_unit(&mut a, 0, 4, 4);
        place_person(&mut a, 1, Status::Quiescent, 8, 8);
        let shape = &p.unit_shape[0];
        unit_abuse(
            &mut a,
            u,
            shape,
            &cp,
            &learned(0.0),
            &mut threat,
            &mut out,
            &mut rng,
        );
        assert_eq!(out.counters.abuses, 0);
        assert_eq!(rng, before, "nobody in sight: no draw");
    }

    #[test]
    fn the_probability_follows_the_rule() {
        let (_, cp, mut a) = tiny("[abuse]\nbase_rate = 0.5\nretaliation = 1.0\n");
        let u = place_unit(&mut a, 0, 0, 0);
        a.units[u].alarm = 2.0;
        // 0.5 · (1 − 0) · (1 + 1 · 2) · (1 − 0.25) · e^0
        let p = unit_abuse_probability(&cp, &a.units[u], 0.25, 0);
        assert!((p - 0.5 * 3.0 * 0.75).abs() < 1e-12);
    }
}
