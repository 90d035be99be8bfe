//! Armed and communal violence (docs/ODD.md §7.13): fighters' turns, raids on settlements,
//! and killings grouped into events.
//!
//! Every agent stands for n people (the scenario's `world.people_per_agent` at the start,
//! fewer after losses); rates are per person, so that outcomes in people do not depend on
//! the scale.
//!
//! On its turn a fighter agent of group g first may leave the group (each of its people with
//! probability `groups.<g>.desertion`; the agent leaves whole with probability k/n when k of
//! its n people do, by systematic sampling: [`crate::mechanisms::pooling`]), then moves:
//! with probability `groups.<g>.cohesion` to a free cell
//! within two cells of a fellow fighter it sees (they keep together), otherwise to a random free cell
//! in its vision (radius `groups.<g>.vision`). Then, if it sees civilians it targets, it raids
//! with probability 1 − e^(−n·r_a·(1 − E_g)), r_a = `groups.<g>.attack_rate` per person and
//! E_g the sanction the group expects if it answers to the state's justice (militias and
//! pro-government groups: [`crate::mechanisms::deterrence`]); if it sees organised forces it
//! targets, E people of them, it fights with probability 1 − e^(−n·`groups.<g>.battle_rate`·
//! E/φ_e), φ_e = `violence.encounter` (mass action; state units if
//! `targets.state`, fighters of the groups in `targets.groups`, drawn in proportion to what it
//! sees): a battle ([`crate::mechanisms::battles`]).
//!
//! A **raid** is carried out by a **band** of the group: P people, drawn for each raid as
//! max(1, round(M_g · e^(σ·Z))), Z standard normal, M_g = `groups.<g>.band`, σ =
//! `violence.band_spread`, at most the group's fighters. The band is a property of the group,
//! not of the agents: an agent of 100 people does not raid with 100, nor does a band of 40
//! need four agents of 10 in sight, so that the toll does not depend on the scale. The
//! settlement raided holds S people: S_0, the targeted communities' people per cell in the
//! raider's vision times the cells within `violence.settlement_radius`, spread log-normally
//! around it with the same mean, S = round(S_0 · e^(σ_S·Z' − σ_S²/2)), σ_S =
//! `violence.settlement_spread` (villages differ in size), between 1 and the people in sight.
//! The raid kills
//!
//! ```text
//! K ~ Binomial(S, 1 − exp(−β · P · m(a) · D / S)),    m(a) = a (1 + h) / (a + h),
//! D = (1 − d_h · armed share) · exp(−δ_pk · n_pk − δ_s · n_s)
//! ```
//!
//! about β·P·m(a)·D people when the settlement is large, all of it when the party overwhelms
//! it (a village destroyed, as at Ogossagou). a is the group's arms level (its own, plus
//! `policy.militia_arming` if it is in `policy.arming_targets`, times what disarmament has
//! left); m saturates (the first weapons count most); the armed share is that of the
//! settlement's people whose households are armed, 0 when the state disarmed them first
//! (with probability `policy.collusion`, for a group it arms); n_pk and n_s are the
//! peacekeepers and the state's soldiers (people) in the raider's sight. The victims are
//! drawn from the targeted people in sight, each person equally likely.
//!
//! | symbol | key |
//! |---|---|
//! | r_a | `groups.<g>.attack_rate` |
//! | β | `violence.lethality` |
//! | h | `violence.arms_saturation` |
//! | settlement radius | `violence.settlement_radius` |
//! | σ_S | `violence.settlement_spread` |
//! | M_g | `groups.<g>.band` |
//! | σ | `violence.band_spread` |
//! | d_h | `violence.household_defence` |
//! | δ_pk | `violence.peacekeeper_deterrence` |
//! | δ_s | `violence.state_deterrence` |
//! | collusion | `policy.collusion` |
//! | r_m | `violence.massacre_radius` ([`crate::mechanisms::grouping`]) |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! Every person killed adds one to the threat to the victims' community in their region
//! (protection-seeking recruitment), and, with dynamic legitimacy, costs the state
//! legitimacy in the victims' community: `legitimacy.abuse` for an abuse,
//! `legitimacy.failure_to_protect` for a killing by anybody else, plus `legitimacy.proxy`
//! times the state's share of the killers' arms for a group the state arms, minus
//! `legitimacy.rally` for killings by jihadists.
//!
//! At the end of the tick, killings by the same actor within `violence.massacre_radius` cells
//! of each other (directly or through a chain) form one event, as massacres appear in the
//! record: one row of `events.csv` with all its fatalities ([`crate::mechanisms::grouping`]).

use super::battles::{self, Party};
pub(crate) use super::shares::Shares;
use super::sizes::{band, settlement};
use crate::events::{Event, Perpetrator, PerpetratorKind, Position};
use crate::model::{
    ARMED, Agents, Conflict, ConflictParams, ConflictState, ConflictTick, Killing, NO_GROUP, Status,
};
use crate::rng::{Rng, Stream, Streams};
use crate::world::{AgentId, MAX_ROWS, Shape, layer};
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

/// Whether fighter `i` of group `g` deserts this tick: each of its people with probability
/// `rate`, pooled into whole agents per group and community ([`super::pooling`]).
fn deserts(
    a: &Agents,
    i: usize,
    g: usize,
    rate: f64,
    state: &mut ConflictState,
    rng: &mut Rng,
) -> bool {
    let n = a.people(i);
    let leaving = super::pooling::binomial_by_inversion(n, rate, rng.random::<f64>());
    let nc = state.legitimacy.len();
    let at = g * nc + a.persons[i].community as usize;
    leaving > 0 && super::pooling::goes_whole(&mut state.leaving[at], n, leaving)
}

/// The turn of fighter `i`: desertion (recruitment stream), movement, next to a fellow
/// within `near` of it with the group's cohesion (movement stream), attacks on civilians
/// (violence stream) and on organised forces (battle stream), and, for a pro-government
/// fighter, abuse (abuse stream).
pub(crate) fn fighter_turn(
    a: &mut Agents,
    i: usize,
    tick: u32,
    near: &Shape,
    c: &mut Conflict,
    rng: &mut Streams,
) {
    let Conflict {
        params: cp,
        state,
        tick: out,
    } = c;
    let g = a.persons[i].group as usize;
    let gp = &cp.groups[g];
    if gp.desertion > 0.0 && deserts(a, i, g, gp.desertion, state, rng.get(Stream::Recruitment)) {
        a.set_status(i, Status::Quiescent);
        a.persons[i].group = NO_GROUP;
        return;
    }
    // move: next to a fellow (cohesion), else to a random free cell in vision
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let mut rows = [0u8; MAX_ROWS];
    let mut centre = (x, y);
    let mut shape = &gp.shape;
    let movement = rng.get(Stream::Movement);
    if gp.cohesion > 0.0 && movement.random::<f64>() < gp.cohesion {
        let l = cp.group_layer[g];
        let [n] = a.world.layers.count([l], x, y, &gp.shape);
        if n > 0 {
            let k = movement.random_range(0..n);
            centre = a.world.layers.nth_set(l, x, y, &gp.shape, k);
            shape = near;
        }
    }
    let (cx, cy) = centre;
    let free = a
        .world
        .layers
        .count_clear_rows(layer::OCCUPIED, cx, cy, shape, &mut rows);
    if free > 0 {
        let k = movement.random_range(0..free);
        let (tx, ty) = a
            .world
            .layers
            .nth_clear(layer::OCCUPIED, cx, cy, shape, &rows, k);
        a.move_to(AgentId::person(i), tx, ty);
    }
    attack(a, i, tick, cp, state, out, rng);
    super::abuse::progov_abuse(
        a,
        i,
        cp,
        &state.learned,
        &mut state.threat,
        out,
        rng.get(Stream::Abuse),
    );
}

/// Fighter `i` may attack civilians it sees and organised forces it sees, independently: an
/// agent of n people raids with probability 1 − e^(−n·`attack_rate`·(1 − E_g)) (violence
/// stream), E_g the sanction its group expects if it answers to the state's justice, and
/// fights with probability 1 − e^(−n·`battle_rate`·E/φ_e), E the enemy people in
/// sight (battle stream).
fn attack(
    a: &mut Agents,
    i: usize,
    tick: u32,
    cp: &ConflictParams,
    state: &mut ConflictState,
    out: &mut ConflictTick,
    rng: &mut Streams,
) {
    let g = a.persons[i].group as usize;
    let gp = &cp.groups[g];
    if gp.attack_rate <= 0.0 && gp.battle_rate <= 0.0 {
        return;
    }
    let n = a.people(i) as f64;
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let shape = &gp.shape;
    if gp.attack_rate > 0.0 && !gp.target_communities.is_empty() {
        let n_civ: u32 = gp
            .target_communities
            .iter()
            .map(|&c| a.world.layers.count([cp.community_layer[c]], x, y, shape)[0])
            .sum();
        if n_civ > 0 {
            let sanction = if gp.answerable {
                state.learned.groups[g].sanction(&cp.deterrence)
            } else {
                0.0
            };
            let p = per_agent(n * gp.attack_rate * (1.0 - sanction));
            if rng.get(Stream::Violence).random::<f64>() < p {
                raid(a, g, x, y, tick, cp, state, out, rng.get(Stream::Violence));
            }
        }
    }
    // organised forces (only civilians died in the raid: the fighter is still there)
    if gp.battle_rate <= 0.0 {
        return;
    }
    let n_state_target = if gp.target_state {
        count(a, &cp.state_layers, x, y, shape)
    } else {
        0
    };
    let mut enemy = [0u32; 16];
    let mut n_enemy = 0;
    for (k, &h) in gp.target_groups.iter().enumerate() {
        enemy[k] = a.world.layers.count([cp.group_layer[h]], x, y, shape)[0];
        n_enemy += enemy[k];
    }
    let total = n_state_target + n_enemy;
    if total == 0 {
        return;
    }
    // the enemy people in sight, for the encounter
    let mut enemies = 0.0;
    if n_state_target > 0 {
        enemies += people_in(a, &cp.state_layers, x, y, shape);
    }
    for (k, &h) in gp.target_groups.iter().enumerate() {
        if enemy[k] > 0 {
            enemies += people_in(a, &[cp.group_layer[h]], x, y, shape);
        }
    }
    let rng = rng.get(Stream::Battle);
    let p = per_agent(n * gp.battle_rate * encounter(enemies, cp.violence.encounter));
    if rng.random::<f64>() >= p {
        return;
    }
    let mut k = rng.random_range(0..total);
    let at = (x, y);
    let df = &state.disarm_factor;
    if k < n_state_target {
        battles::fight(
            a,
            tick,
            at,
            shape,
            Party::Group(g),
            Party::State,
            cp,
            df,
            out,
            rng,
        );
        return;
    }
    k -= n_state_target;
    for (t, &h) in gp.target_groups.iter().enumerate() {
        if k < enemy[t] {
            let b = Party::Group(h);
            battles::fight(a, tick, at, shape, Party::Group(g), b, cp, df, out, rng);
            return;
        }
        k -= enemy[t];
    }
}

/// E/φ_e: the encounter with `enemies` people in sight, linear in them (mass action: no
/// saturation, which a few large agents would reach sooner than many small ones, so that the
/// number of battles does not depend on the scale).
#[inline]
pub(crate) fn encounter(enemies: f64, phi: f64) -> f64 {
    enemies / phi
}

/// The chance that an agent acts in a tick when each of its people would at a combined rate
/// `rate` (events per agent per tick): 1 − e^(−rate).
#[inline]
pub(crate) fn per_agent(rate: f64) -> f64 {
    if rate <= 0.0 {
        0.0
    } else {
        -libm::expm1(-rate)
    }
}

/// The occupants of `layers` within `shape` of (x, y), in agents.
#[inline]
pub(crate) fn count(a: &Agents, layers: &[usize], x: usize, y: usize, shape: &Shape) -> u32 {
    layers
        .iter()
        .map(|&l| a.world.layers.count([l], x, y, shape)[0])
        .sum()
}

/// The people (soldiers, for units) of `layers` within `shape` of (x, y): exact, summed over
/// the agents in sight.
pub(crate) fn people_in(a: &Agents, layers: &[usize], x: usize, y: usize, shape: &Shape) -> f64 {
    let mut n = 0u64;
    for &l in layers {
        if a.world.layers.count([l], x, y, shape)[0] == 0 {
            continue;
        }
        a.world.layers.for_each_set(l, x, y, shape, |cx, cy| {
            let id = a.at(cx, cy);
            n += if id.is_unit() {
                a.soldiers(id.index())
            } else {
                a.people(id.index())
            } as u64;
        });
    }
    n as f64
}

/// A raid by a fighter agent of group `g` at (x, y) on the settlement it sees. Its
/// party is a band of the group: P people drawn by [`band`] (`groups.<g>.band`,
/// `violence.band_spread`, at most the group's fighters). The settlement's S people are drawn
/// by [`settlement`] around the targeted communities' people per cell in the raider's vision
/// times the cells within `violence.settlement_radius` (at most the people in sight). It kills
/// Binomial(S, 1 − e^(−β·P·m(a)·D/S)) of them, D = (1 − d_h·armed share)·e^(−δ_pk·
/// peacekeepers − δ_s·soldiers in sight), the armed share 0 when the state colluded in
/// disarming the victims first (`policy.collusion`, for a group the state arms). The victims
/// are drawn from the people in sight, each person equally likely. A raid that kills nobody
/// is still an event.
#[allow(clippy::too_many_arguments)]
fn raid(
    a: &mut Agents,
    g: usize,
    x: usize,
    y: usize,
    tick: u32,
    cp: &ConflictParams,
    state: &mut ConflictState,
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let gp = &cp.groups[g];
    let v = &cp.violence;
    let shape = &gp.shape;
    let fighters = out.fighters.get(g).copied().unwrap_or(0.0);
    let party = band(gp.band, v.band_spread, fighters, rng);
    // the people in sight
    let mut victims = std::mem::take(&mut out.buf.indices);
    victims.clear();
    let (mut seen, mut armed) = (0u64, 0u64);
    for &c in &gp.target_communities {
        a.world
            .layers
            .for_each_set(cp.community_layer[c], x, y, shape, |cx, cy| {
                let j = a.at(cx, cy).index();
                let n = a.people(j) as u64;
                seen += n;
                if a.persons[j].flags & ARMED != 0 {
                    armed += n;
                }
                victims.push(j);
            });
    }
    let mut killed = 0;
    if seen > 0 {
        let local = seen as f64 / shape.cells().max(1) as f64 * cp.settlement_cells;
        let settlement = settlement(local, v.settlement_spread, seen, rng);
        let colluded = gp.armed_by_state
            && cp.policy.collusion > 0.0
            && rng.random::<f64>() < cp.policy.collusion;
        let armed_share = if colluded {
            0.0
        } else {
            armed as f64 / seen as f64
        };
        let n_pk = if v.peacekeeper_deterrence > 0.0 {
            people_in(a, &cp.peacekeeper_layers, x, y, shape)
        } else {
            0.0
        };
        let n_s = if v.state_deterrence > 0.0 {
            people_in(a, &cp.state_layers, x, y, shape)
        } else {
            0.0
        };
        let force = v.lethality
            * party
            * cp.arms_effect(g, state.disarm_factor[g])
            * defence(cp, armed_share, n_pk, n_s);
        let p = per_agent(force / settlement as f64);
        let toll = if p > 0.0 {
            Binomial::new(settlement, p.min(1.0))
                .expect("p in [0, 1]")
                .sample(rng)
        } else {
            0
        };
        // the toll drawn from the people in sight, each person equally likely
        let by = Perpetrator::Group(g as u8);
        let killing = Killers { by, abuse: false };
        killed = kill_among(
            a,
            &victims,
            seen,
            toll,
            killing,
            cp,
            &mut state.threat,
            out,
            rng,
        );
    }
    out.buf.indices = victims;
    if killed == 0 {
        let region = cp.region_of_cell(&a.world.region, a.world.cell(x, y));
        out.events.push(Event::attack_without_deaths(
            tick,
            region,
            Position::new(x, y),
            g as u8,
        ));
    }
}

/// Who kills, and whether it is an abuse.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Killers {
    pub by: Perpetrator,
    pub abuse: bool,
}

/// Kills `toll` of the `people` the civilian agents `victims` stand for, each person equally
/// likely (the agents' shares drawn one after another from hypergeometric laws), with the
/// bookkeeping of [`kill_civilians`]; how many died.
#[allow(clippy::too_many_arguments)]
pub(crate) fn kill_among(
    a: &mut Agents,
    victims: &[usize],
    people: u64,
    toll: u64,
    killers: Killers,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) -> u32 {
    let mut shares = Shares::new(people, toll);
    let mut killed = 0;
    for &j in victims {
        if shares.done() {
            break;
        }
        let k = shares.next(a.people(j) as u64, rng);
        if k > 0 {
            let Killers { by, abuse } = killers;
            killed += kill_civilians(a, j, k as u32, by, abuse, cp, threat, out);
        }
    }
    killed
}

/// D, what lowers a raid's toll: (1 − d_h·armed share of the settlement)·e^(−δ_pk·n_pk −
/// δ_s·n_s), n_pk and n_s the peacekeepers and the state's soldiers in the raider's sight.
pub(crate) fn defence(cp: &ConflictParams, armed_share: f64, n_pk: f64, n_s: f64) -> f64 {
    let v = &cp.violence;
    (1.0 - v.household_defence * armed_share)
        * libm::exp(-v.peacekeeper_deterrence * n_pk - v.state_deterrence * n_s)
}

/// Kills up to `n` of the people civilian agent `v` stands for (`by`, an abuse or not) with
/// all the bookkeeping, per person killed: counts, the threat to their community in their
/// region, the tick's effect on legitimacy in their community (an abuse: `legitimacy.abuse`;
/// jihadists: `rally − failure_to_protect`; a group the state arms: `failure_to_protect +
/// proxy · the state's share of its arms`; others: `failure_to_protect`), and a record for
/// this tick's events. Returns how many died.
#[allow(clippy::too_many_arguments)]
pub(crate) fn kill_civilians(
    a: &mut Agents,
    v: usize,
    n: u32,
    by: Perpetrator,
    abuse: bool,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
) -> u32 {
    let p = a.persons[v];
    let k = a.take_people(v, n);
    if k == 0 {
        return 0;
    }
    let c = p.community as usize;
    let r = a.world.region[a.world.cell(p.x as usize, p.y as usize)] as usize;
    let lp = &cp.legitimacy;
    let kind = cp.kind_of(by);
    let nc = out.effects.legitimacy.len();
    let kf = k as f64;
    out.counters.killed_by[kind as usize] += k as u64;
    out.counters.killed_of[c] += k as u64;
    if r < threat.len() / nc {
        threat[r * nc + c] += kf;
    }
    let per_person = match (kind, by) {
        (PerpetratorKind::State | PerpetratorKind::ProGov, _) if abuse => -lp.abuse,
        (PerpetratorKind::Jihadist, _) => lp.rally - lp.failure_to_protect,
        (_, Perpetrator::Group(g)) => {
            -lp.failure_to_protect - lp.proxy * cp.state_share(g as usize)
        }
        _ => -lp.failure_to_protect,
    };
    out.effects.legitimacy[c] += per_person * kf;
    if abuse {
        out.counters.abuses += k as u64;
    }
    out.killings.push(Killing {
        by,
        abuse,
        x: p.x,
        y: p.y,
        community: p.community,
        people: k,
    });
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, place_unit, set_people, set_soldiers, tiny};

    fn conflict(extra: &str) -> (crate::model::Params, Conflict, Agents) {
        let (p, cp, a) = tiny(extra);
        (p, Conflict::new(cp, 2, vec![0.0; 2]), a)
    }

    /// One raid by group 0 from (4, 4) on seed `seed`'s Violence stream; the people it killed.
    fn raid_at_4_4(c: &mut Conflict, a: &mut Agents, seed: u64) -> u64 {
        let mut rng = Streams::new(seed, 0);
        let Conflict {
            params: cp,
            state,
            tick: out,
        } = c;
        raid(a, 0, 4, 4, 1, cp, state, out, rng.get(Stream::Violence));
        out.counters.killed_by.iter().sum::<u64>()
    }

    #[test]
    fn a_raid_that_overwhelms_a_small_settlement_kills_everyone_in_it() {
        let (_, mut c, mut a) = conflict(
            "[violence]\nlethality = 1.0\n\
             [legitimacy]\ndynamic = true\nfailure_to_protect = 0.01\nrally = 0.002\n",
        );
        c.params.groups[0].attack_rate = 1e3;
        c.params.violence.lethality = 1e3;
        c.params.groups[0].battle_rate = 0.0;
        let f = place_person(&mut a, 0, Status::Fighter, 4, 4);
        let v = place_person(&mut a, 1, Status::Quiescent, 4, 5);
        let own = place_person(&mut a, 0, Status::Quiescent, 3, 4);
        let mut rng = Streams::new(1, 0);
        let Conflict {
            params: cp,
            state,
            tick: out,
        } = &mut c;
        attack(&mut a, f, 7, cp, state, out, &mut rng);
        assert_eq!(a.persons[v].status, Status::Dead);
        assert_eq!(a.persons[own].status, Status::Quiescent, "not a target");
        assert_eq!(
            out.counters.killed_by[PerpetratorKind::Jihadist as usize],
            1
        );
        // jihadist killings: rally − failure to protect
        assert!((out.effects.legitimacy[1] - (0.002 - 0.01)).abs() < 1e-15);
        assert_eq!(out.killings[0].by, Perpetrator::Group(0));
        assert!(
            out.events.is_empty(),
            "killings become events at the end of the tick"
        );
    }

    #[test]
    fn a_raid_kills_about_beta_per_raider_in_a_large_settlement_whatever_the_agents_sizes() {
        // β = 0.05, a band of P = 20 raiders at arms 1 (m = 1), no defence: about 1 killed of
        // 5,000 people in sight, whether the raider agent stands for 20 people or 100 and the
        // villagers come as 5 agents of 1,000 or 10 of 500
        let extra = "[violence]\nlethality = 0.05\nsettlement_radius = 2\n";
        let mut total = [0u64; 4];
        let cases = [
            (20u16, 1000u16, 5usize),
            (20, 500, 10),
            (100, 1000, 5),
            (100, 500, 10),
        ];
        for (k, (raider, size, agents)) in cases.into_iter().enumerate() {
            for seed in 0..400 {
                let (_, mut c, mut a) = conflict(extra);
                c.params.groups[0].band = 20.0;
                c.tick.fighters[0] = 1000.0;
                let f = place_person(&mut a, 0, Status::Fighter, 4, 4);
                set_people(&mut a, f, raider);
                let cells = [
                    (4, 2),
                    (3, 3),
                    (4, 3),
                    (5, 3),
                    (2, 4),
                    (3, 4),
                    (5, 4),
                    (6, 4),
                    (3, 5),
                    (4, 5),
                    (5, 5),
                    (4, 6),
                ];
                for &(x, y) in &cells[..agents] {
                    let v = place_person(&mut a, 1, Status::Quiescent, x, y);
                    set_people(&mut a, v, size);
                }
                total[k] += raid_at_4_4(&mut c, &mut a, seed);
            }
        }
        let per_raid = |t: u64| t as f64 / 400.0;
        // β·P = 1 person a raid in every case (400 raids: sd 0.05)
        for t in total {
            assert!((0.8..1.2).contains(&per_raid(t)), "{total:?}");
        }
    }

    #[test]
    fn a_spread_of_settlement_sizes_lets_an_overwhelming_raid_kill_more_than_the_local_size() {
        // a band that destroys whatever it strikes (β·P far above S): its toll is the
        // settlement. At σ_S = 0 never more than S_0 (the density's people on one cell); at
        // σ_S = 1 sometimes over twice S_0 (one raid in nine), with the same mean
        let raids = |spread: f64| -> Vec<u64> {
            (0..300)
                .map(|seed| {
                    let (_, mut c, mut a) = conflict("[violence]\nsettlement_radius = 0\n");
                    c.params.violence.lethality = 1e4;
                    c.params.violence.settlement_spread = spread;
                    c.params.groups[0].band = 100.0;
                    c.tick.fighters[0] = 1000.0;
                    place_person(&mut a, 0, Status::Fighter, 4, 4);
                    for (x, y) in [
                        (4, 2),
                        (3, 3),
                        (5, 3),
                        (2, 4),
                        (6, 4),
                        (3, 5),
                        (5, 5),
                        (4, 6),
                    ] {
                        let v = place_person(&mut a, 1, Status::Quiescent, x, y);
                        set_people(&mut a, v, 2000);
                    }
                    raid_at_4_4(&mut c, &mut a, seed)
                })
                .collect()
        };
        let (_, c, _) = conflict("[violence]\nsettlement_radius = 0\n");
        let s0 = 16_000.0 / c.params.groups[0].shape.cells() as f64 * c.params.settlement_cells;
        assert!(
            s0 < 4_000.0,
            "the test needs S_0 well under the people in sight: {s0}"
        );
        let fixed = raids(0.0);
        assert!(
            fixed.iter().all(|&k| k as f64 <= s0.round()),
            "{s0} {fixed:?}"
        );
        let spread = raids(1.0);
        let over = spread.iter().filter(|&&k| k as f64 > 2.0 * s0).count();
        assert!(
            (10..=70).contains(&over),
            "{over} of 300 raids over 2·S_0 = {}",
            2.0 * s0
        );
        let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len() as f64;
        let (m0, m1) = (mean(&fixed), mean(&spread));
        assert!((m1 / m0 - 1.0).abs() < 0.2, "means {m0} and {m1}");
    }

    #[test]
    fn soldiers_and_armed_households_lower_the_toll_and_collusion_removes_the_defence() {
        let (_, c, _) = conflict(
            "[violence]\nhousehold_defence = 0.5\npeacekeeper_deterrence = 0.1\n\
             state_deterrence = 0.2\n",
        );
        let d = defence(&c.params, 0.5, 1.0, 2.0);
        let want = (1.0 - 0.5 * 0.5) * (-0.1f64 - 0.4).exp();
        assert!((d - want).abs() < 1e-12, "{d} vs {want}");
        assert!((defence(&c.params, 0.0, 0.0, 0.0) - 1.0).abs() < 1e-15);
    }

    /// The toll of 300 raids by the militia (group 1) on armed Peul households, with the
    /// state arming the militia or not and colluding in disarming the victims with
    /// probability `collusion`.
    fn raids_on_armed_households(armed_by_state: bool, collusion: f64) -> u64 {
        let targets = if armed_by_state { "[\"dozo\"]" } else { "[]" };
        let extra = format!(
            "[groups.dozo]\nkind = \"militia\"\ntargets = {{ communities = [\"peul\"] }}\n\
             arms = 1.0\nvision = 2\n\
             [policy]\nmilitia_arming = 0.5\narming_targets = {targets}\ncollusion = {collusion}\n\
             [violence]\nhousehold_defence = 0.9\nlethality = 0.05\nsettlement_radius = 2\n"
        );
        let mut total = 0;
        for seed in 0..300 {
            let (_, mut c, mut a) = conflict(&extra);
            c.params.groups[1].band = 20.0;
            c.tick.fighters[1] = 1000.0;
            let f = place_person(&mut a, 1, Status::Fighter, 4, 4);
            a.persons[f].group = 1;
            for (x, y) in [(3, 4), (5, 4), (4, 3), (4, 5)] {
                let v = place_person(&mut a, 0, Status::Quiescent, x, y);
                set_people(&mut a, v, 1000);
                a.persons[v].flags |= ARMED;
            }
            let mut rng = Streams::new(seed, 0);
            let Conflict {
                params: cp,
                state,
                tick: out,
            } = &mut c;
            raid(&mut a, 1, 4, 4, 1, cp, state, out, rng.get(Stream::Violence));
            total += out.counters.killed_by.iter().sum::<u64>();
        }
        total
    }

    #[test]
    fn collusion_disarms_the_victims_of_the_militia_the_state_arms_and_only_theirs() {
        // every household armed, household_defence 0.9: the defence cuts a raid's force to a
        // tenth (D = 0.1); collusion (the state disarming the villagers before the attack)
        // removes it, so the toll in a large settlement is about ten times as high
        let defended = raids_on_armed_households(true, 0.0);
        let colluded = raids_on_armed_households(true, 1.0);
        assert!(defended > 0, "the defended still lose some");
        assert!(
            colluded as f64 > 5.0 * defended as f64,
            "collusion: {colluded} killed against {defended} without"
        );
        // half the time: between the two
        let half = raids_on_armed_households(true, 0.5);
        assert!(defended < half && half < colluded, "{defended} {half} {colluded}");
        // a militia the state does not arm gets no such help: the same draws, the same toll
        assert_eq!(
            raids_on_armed_households(false, 1.0),
            raids_on_armed_households(false, 0.0)
        );
    }

    #[test]
    fn killings_by_a_state_armed_militia_cost_the_state_in_proportion_to_its_backing() {
        let (_, mut c, mut a) = conflict(
            "[groups.dozo]\nkind = \"militia\"\narms = 0.2\nvision = 2\n\
             [policy]\nmilitia_arming = 0.6\narming_targets = [\"dozo\"]\n\
             [legitimacy]\ndynamic = true\nfailure_to_protect = 0.001\nproxy = 0.004\n",
        );
        let v = place_person(&mut a, 0, Status::Quiescent, 4, 5);
        set_people(&mut a, v, 10);
        let Conflict {
            params: cp,
            state,
            tick: out,
        } = &mut c;
        assert!((cp.state_share(1) - 0.75).abs() < 1e-12);
        assert_eq!(cp.state_share(0), 0.0, "jnim is not armed by the state");
        let by = Perpetrator::Group(1);
        let k = kill_civilians(&mut a, v, 3, by, false, cp, &mut state.threat, out);
        assert_eq!(k, 3);
        assert_eq!(a.people(v), 7);
        let want = -3.0 * (0.001 + 0.004 * 0.75);
        assert!((out.effects.legitimacy[0] - want).abs() < 1e-15);
        assert_eq!(out.killings[0].people, 3);
    }

    #[test]
    fn a_raid_that_kills_nobody_is_still_an_event() {
        let (_, mut c, mut a) = conflict("[violence]\nlethality = 0.0\n");
        c.params.groups[0].attack_rate = 1000.0;
        let f = place_person(&mut a, 0, Status::Fighter, 4, 4);
        place_person(&mut a, 1, Status::Quiescent, 4, 5);
        let mut rng = Streams::new(1, 0);
        let Conflict {
            params: cp,
            state,
            tick: out,
        } = &mut c;
        attack(&mut a, f, 7, cp, state, out, &mut rng);
        assert_eq!(out.events.len(), 1);
        assert_eq!(
            out.events[0].sub_event_type,
            crate::events::SubEventType::Attack
        );
        assert_eq!(out.events[0].fatalities, 0);
        assert_eq!(out.events[0].position, Some(Position::new(4, 4)));
    }

    #[test]
    fn people_in_sight_sum_the_agents_sizes() {
        let (_, c, mut a) = conflict("");
        let u = place_unit(&mut a, 0, 4, 4);
        set_soldiers(&mut a, u, 12);
        let u2 = place_unit(&mut a, 0, 5, 4);
        set_soldiers(&mut a, u2, 3);
        let shape = &c.params.groups[0].shape;
        assert_eq!(people_in(&a, &c.params.state_layers, 4, 5, shape), 15.0);
        assert_eq!(count(&a, &c.params.state_layers, 4, 5, shape), 2);
    }
}
