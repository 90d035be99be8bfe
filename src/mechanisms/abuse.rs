//! Abuse: extrajudicial killings by state-side units and pro-government fighters
//! (docs/ODD.md §7.10).
//!
//! A state unit (role policing or counter-insurgency) of n soldiers that sees civilians
//! abuses with probability 1 − e^(−n·a) per tick, a per soldier:
//!
//! ```text
//! a = a₀ · (1 − discipline) · (1 + ρ · alarm) · (1 − E) · exp(−δ_pk · n_pk)
//! ```
//!
//! where a₀ = `abuse.base_rate`; discipline is the force's plus, for trained units while
//! `policy.field_oversight` is on, the training mission's discipline gain; alarm is the unit's
//! memory of recent attacks on its side (one point per battle it took part in, plus one per
//! soldier of its side killed, fading at `abuse.alarm_decay` a tick); ρ = `abuse.retaliation`;
//! E the sanction the state's forces expect, learned from what happened to cases
//! ([`crate::mechanisms::deterrence`]); n_pk the peacekeepers (people) in sight, δ_pk =
//! `violence.peacekeeper_deterrence`.
//!
//! An abuse is a **reprisal** with probability ρ·alarm / (1 + ρ·alarm), the share of the rate
//! alarm adds: it kills max(1, round(M · e^(σ·Z))) people, Z standard normal, M =
//! `abuse.reprisal_median`, σ = `abuse.reprisal_spread` (mass executions after an attack
//! nearby: Boulikessi, Nantaka and Kobaka), at most the victims' community's people in sight.
//! Otherwise it kills one person. The victims' community is drawn in proportion to the
//! civilians of each community in sight, those under suspicion (`abuse.suspected`, by default
//! the communities jihadist groups recruit from) weighted (1 + `policy.profiling`); the
//! victims are drawn from its people in sight, each person equally likely.
//!
//! A pro-government fighter agent of n people that sees civilians kills one with probability
//! 1 − e^(−n·`abuse.progov_rate`·(1 − E_g)), E_g the sanction its group expects, with the same
//! profiling. People killed are counted (`abuses`; by units a training mission has trained
//! also in `abuses_trained`) and as civilians killed by the state or pro-government groups;
//! abuses by the same force within `violence.massacre_radius` in a tick form one event, which
//! opens one justice case.
//!
//! | symbol | key |
//! |---|---|
//! | a₀ | `abuse.base_rate` |
//! | ρ | `abuse.retaliation` |
//! | alarm decay | `abuse.alarm_decay` ([`crate::mechanisms::policy`]) |
//! | M, σ | `abuse.reprisal_median`, `abuse.reprisal_spread` |
//! | E | [`crate::mechanisms::deterrence`] |
//! | profiling | `policy.profiling` |
//! | pro-government rate | `abuse.progov_rate` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::violence::{Killers, kill_among, people_in, per_agent};
use crate::events::Perpetrator;
use crate::model::{Agents, ConflictParams, ConflictTick, Deterrence, Status, Unit};
use crate::rng::Rng;
use crate::scenario::{GroupKind, Side};
use crate::world::Shape;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

/// a, the abuse rate per soldier per tick of a unit that sees civilians:
/// a₀ · (1 − discipline) · (1 + ρ · alarm) · (1 − E) · exp(−δ_pk · n_pk).
pub(crate) fn unit_abuse_rate(cp: &ConflictParams, unit: &Unit, sanction: f64, n_pk: f64) -> f64 {
    cp.abuse.base_rate
        * (1.0 - cp.discipline(unit))
        * (1.0 + cp.abuse.retaliation * unit.alarm as f64)
        * (1.0 - sanction)
        * libm::exp(-cp.violence.peacekeeper_deterrence * n_pk)
}

/// Unit `u` (seeing with `shape`) may kill civilians it sees: reads what the state's forces
/// have `learned`, adds to the `threat` and the tick's counts, draws from the abuse stream.
#[allow(clippy::too_many_arguments)]
pub(crate) fn unit_abuse(
    a: &mut Agents,
    u: usize,
    shape: &Shape,
    cp: &ConflictParams,
    learned: &Deterrence,
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
    let n_pk = if cp.violence.peacekeeper_deterrence > 0.0 {
        people_in(a, &cp.peacekeeper_layers, x, y, shape)
    } else {
        0.0
    };
    let sanction = learned.state.sanction(&cp.deterrence);
    let rate = unit_abuse_rate(cp, &unit, sanction, n_pk);
    let p = per_agent(a.soldiers(u) as f64 * rate);
    if p <= 0.0 {
        return;
    }
    let alarm = cp.abuse.retaliation * unit.alarm as f64;
    let by = Perpetrator::Force(unit.force);
    let killed = abuse_near(a, x, y, shape, p, alarm, by, cp, threat, out, rng);
    if unit.trained {
        out.counters.abuses_trained += killed as u64;
    }
}

/// Pro-government fighter `i` may kill a civilian it sees, with probability
/// 1 − e^(−n·`abuse.progov_rate`·(1 − E_g)) (`learned`: per group).
pub(crate) fn progov_abuse(
    a: &mut Agents,
    i: usize,
    cp: &ConflictParams,
    learned: &Deterrence,
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
    let sanction = learned.groups[g].sanction(&cp.deterrence);
    let p = per_agent(a.people(i) as f64 * cp.abuse.progov_rate * (1.0 - sanction));
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let by = Perpetrator::Group(g as u8);
    abuse_near(
        a,
        x,
        y,
        &cp.groups[g].shape,
        p,
        0.0,
        by,
        cp,
        threat,
        out,
        rng,
    );
}

/// The size of an abuse by a perpetrator whose alarm adds `alarm` (ρ·alarm) to its rate:
/// a reprisal with probability alarm / (1 + alarm), of max(1, round(M·e^(σ·Z))) people;
/// otherwise one person.
pub(crate) fn abuse_size(cp: &ConflictParams, alarm: f64, rng: &mut Rng) -> u32 {
    if alarm <= 0.0 || rng.random::<f64>() >= alarm / (1.0 + alarm) {
        return 1;
    }
    let z: f64 = StandardNormal.sample(rng);
    let size = cp.abuse.reprisal_median * libm::exp(cp.abuse.reprisal_spread * z);
    size.round().clamp(1.0, u32::MAX as f64) as u32
}

/// With probability `p`, kills civilians within `shape` of (x, y), of a community picked with
/// profiling (`abuse_size` people, at most its people in sight); how many died.
#[allow(clippy::too_many_arguments)]
fn abuse_near(
    a: &mut Agents,
    x: usize,
    y: usize,
    shape: &Shape,
    p: f64,
    alarm: f64,
    by: Perpetrator,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) -> u32 {
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
        return 0;
    }
    if rng.random::<f64>() >= p.min(1.0) {
        return 0;
    }
    let size = abuse_size(cp, alarm, rng) as u64;
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
    // the community's people in sight
    let mut victims = std::mem::take(&mut out.buf.indices);
    victims.clear();
    let mut people = 0u64;
    a.world
        .layers
        .for_each_set(cp.community_layer[community], x, y, shape, |vx, vy| {
            let j = a.at(vx, vy).index();
            people += a.people(j) as u64;
            victims.push(j);
        });
    let killers = Killers { by, abuse: true };
    let killed = kill_among(a, &victims, people, size, killers, cp, threat, out, rng);
    out.buf.indices = victims;
    killed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::PerpetratorKind;
    use crate::mechanisms::deterrence::DeterrenceParams;
    use crate::model::testing::{place_person, place_unit, set_people, set_soldiers, tiny};
    use crate::model::{ConflictTick, Lessons};
    use crate::rng::{Stream, stream_rng};

    const CERTAIN: &str = "[abuse]\nbase_rate = 1.0\n\
                           [legitimacy]\ndynamic = true\nabuse = 0.03\n";

    /// Lessons whose expected sanction is `e` under `p` (severity 1, w 0): certain
    /// investigation, conviction with probability about e.
    fn learned(p: &DeterrenceParams, e: f64) -> Deterrence {
        let many = 1e12;
        let l = Lessons {
            investigated: if e > 0.0 { many } else { 0.0 },
            not_investigated: if e > 0.0 { 0.0 } else { many },
            convicted: e * many,
            not_convicted: (1.0 - e) * many,
        };
        assert!((l.sanction(p) - e).abs() < 1e-6 || e == 0.0);
        Deterrence {
            state: l,
            groups: vec![l],
        }
    }

    #[test]
    fn a_unit_that_sees_a_civilian_kills_it_when_nothing_restrains_it() {
        let (p, mut cp, mut a) = tiny(CERTAIN);
        cp.abuse.base_rate = 1e3;
        let u = place_unit(&mut a, 0, 4, 4);
        let v = place_person(&mut a, 1, Status::Quiescent, 5, 4);
        let far = place_person(&mut a, 0, Status::Quiescent, 8, 8);
        let mut threat = vec![0.0; 2];
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(1, 0, Stream::Abuse);
        let shape = &p.unit_shape[0];
        let l = learned(&cp.deterrence, 0.0);
        unit_abuse(&mut a, u, shape, &cp, &l, &mut threat, &mut out, &mut rng);
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
        assert_eq!(out.killings[0].people, 1);
    }

    #[test]
    fn certain_punishment_deters_and_nobody_in_sight_draws_nothing() {
        let (p, mut cp, mut a) = tiny(CERTAIN);
        cp.abuse.base_rate = 1e3;
        cp.deterrence.severity = 1.0;
        let u = place_unit(&mut a, 0, 4, 4);
        place_person(&mut a, 1, Status::Quiescent, 5, 4);
        let mut threat = vec![0.0; 2];
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(1, 0, Stream::Abuse);
        let before = rng.clone();
        let shape = &p.unit_shape[0];
        let l = learned(&cp.deterrence, 1.0);
        assert!(l.state.sanction(&cp.deterrence) > 1.0 - 1e-9);
        let mut certain = l.clone();
        certain.state.not_convicted = 0.0;
        certain.state.convicted = f64::MAX / 4.0;
        unit_abuse(
            &mut a,
            u,
            shape,
            &cp,
            &certain,
            &mut threat,
            &mut out,
            &mut rng,
        );
        assert_eq!(out.counters.abuses, 0, "E = 1: no abuse");
        let (p, mut cp, mut a) = tiny(CERTAIN);
        cp.abuse.base_rate = 1e3;
        let u = place_unit(&mut a, 0, 4, 4);
        place_person(&mut a, 1, Status::Quiescent, 8, 8);
        let shape = &p.unit_shape[0];
        let mut rng = before.clone();
        let l = learned(&cp.deterrence, 0.0);
        unit_abuse(&mut a, u, shape, &cp, &l, &mut threat, &mut out, &mut rng);
        assert_eq!(out.counters.abuses, 0);
        assert_eq!(rng, before, "nobody in sight: no draw");
    }

    #[test]
    fn the_rate_follows_the_rule_and_a_unit_abuses_per_soldier() {
        let (_, cp, mut a) = tiny("[abuse]\nbase_rate = 0.5\nretaliation = 1.0\n");
        let u = place_unit(&mut a, 0, 0, 0);
        a.units[u].alarm = 2.0;
        // 0.5 · (1 − 0) · (1 + 1 · 2) · (1 − 0.25) · e^0
        let r = unit_abuse_rate(&cp, &a.units[u], 0.25, 0.0);
        assert!((r - 0.5 * 3.0 * 0.75).abs() < 1e-12);
        // ten soldiers: 1 − e^(−10 r)
        assert!((per_agent(10.0 * r) - (1.0 - (-10.0 * r).exp())).abs() < 1e-12);
    }

    #[test]
    fn an_alarmed_unit_kills_many_in_a_reprisal_and_a_calm_one_kills_one() {
        let extra = "[abuse]\nreprisal_median = 12\nreprisal_spread = 0.0\n";
        let (p, mut cp, mut a) = tiny(extra);
        cp.abuse.base_rate = 1e3;
        cp.abuse.retaliation = 1e3;
        let u = place_unit(&mut a, 0, 4, 4);
        set_soldiers(&mut a, u, 10);
        let v = place_person(&mut a, 0, Status::Quiescent, 5, 4);
        set_people(&mut a, v, 50);
        let shape = &p.unit_shape[0];
        let l = learned(&cp.deterrence, 0.0);
        let mut threat = vec![0.0; 2];
        let mut out = ConflictTick::new(2, 1, 1);
        let mut rng = stream_rng(3, 0, Stream::Abuse);
        unit_abuse(&mut a, u, shape, &cp, &l, &mut threat, &mut out, &mut rng);
        assert_eq!(out.counters.abuses, 1, "no alarm: a single killing");
        assert_eq!(a.people(v), 49);
        a.units[u].alarm = 10.0;
        unit_abuse(&mut a, u, shape, &cp, &l, &mut threat, &mut out, &mut rng);
        // alarm share 1000·10/(1 + 1000·10): a reprisal of exactly the median (σ = 0)
        assert_eq!(out.counters.abuses, 13);
        assert_eq!(a.people(v), 37);
        assert_eq!(out.killings[1].people, 12);
        assert_eq!(threat[0], 13.0, "threat per person killed");
    }

    #[test]
    fn reprisal_sizes_have_the_median_and_spread_asked_for() {
        let extra = "[abuse]\nreprisal_median = 12\nreprisal_spread = 1.0\n";
        let (_, cp, _) = tiny(extra);
        let mut rng = stream_rng(5, 0, Stream::Abuse);
        let mut sizes: Vec<u32> = (0..20_000)
            .map(|_| abuse_size(&cp, f64::INFINITY, &mut rng))
            .collect();
        sizes.sort_unstable();
        let median = sizes[sizes.len() / 2];
        assert!((11..=13).contains(&median), "median {median}");
        // P(size > 3.6 · median) = P(Z > 1.28) ≈ 0.10
        let tail = sizes.iter().filter(|&&s| s as f64 > 12.0 * 3.6).count() as f64 / 20_000.0;
        assert!((0.08..0.12).contains(&tail), "tail {tail}");
        assert_eq!(abuse_size(&cp, 0.0, &mut rng), 1, "no alarm: one person");
    }
}
