//! Armed and communal violence (docs/ODD.md §7.13): fighters' turns, attacks on civilians,
//! and killings grouped into events.
//!
//! On its turn a fighter of group g first may leave the group (probability
//! `groups.<g>.desertion`), then moves: with probability `groups.<g>.cohesion` to a free cell
//! within two cells of a fellow fighter it sees (bands form), otherwise to a random free cell
//! in its vision (radius `groups.<g>.vision`). Then, if it sees civilians it targets, it
//! attacks with probability `groups.<g>.attack_rate`, and each fellow fighter in its vision
//! joins the raid with probability `violence.raid_join` (one attack each); if it sees
//! organised forces it targets, it attacks them with probability `groups.<g>.battle_rate`
//! (state units if `targets.state`, fighters of the groups in `targets.groups`, drawn in
//! proportion to what it sees): a battle ([`crate::mechanisms::battles`]). An
//! attack on a civilian kills with probability
//!
//! ```text
//! p = λ · a_g · (1 − d_h · armed) · exp(−δ_pk · n_pk − δ_s · n_s)
//! ```
//!
//! λ = `violence.lethality`, a_g the group's arms level (its own, plus `policy.militia_arming`
//! if the state backs it, times what disarmament has left), d_h = `violence.household_defence`
//! if the victim's household is armed, n_pk and n_s the peacekeeping and state units in the
//! attacker's vision, δ_pk = `violence.peacekeeper_deterrence`, δ_s =
//! `violence.state_deterrence`.
//!
//! | symbol | key |
//! |---|---|
//! | λ | `violence.lethality` |
//! | d_h | `violence.household_defence` |
//! | δ_pk | `violence.peacekeeper_deterrence` |
//! | δ_s | `violence.state_deterrence` |
//! | r_m | `violence.massacre_radius` ([`crate::mechanisms::grouping`]) |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! Every killing of a civilian updates the threat to the victim's community in its region
//! (threat-driven recruitment), and, with dynamic legitimacy, costs the state legitimacy in the
//! victim's community (`legitimacy.failure_to_protect` for killings by non-state actors,
//! `legitimacy.abuse` for abuses; killings by jihadists also add `legitimacy.rally`).
//!
//! At the end of the tick, killings by the same actor within `violence.massacre_radius` cells
//! of each other (directly or through a chain) form one event, as massacres appear in the
//! record: one row of `events.csv` with all its fatalities ([`crate::mechanisms::grouping`]).

use super::battles::{self, Party};
use crate::events::{Event, Perpetrator, PerpetratorKind, Position};
use crate::model::{
    ARMED, Agents, Conflict, ConflictParams, ConflictState, ConflictTick, Killing, NO_GROUP, Status,
};
use crate::rng::{Rng, Stream, Streams};
use crate::world::{AgentId, MAX_ROWS, Shape, layer};
use rand::RngExt;

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
    if gp.desertion > 0.0 && rng.get(Stream::Recruitment).random::<f64>() < gp.desertion {
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
        &state.learned.group,
        &mut state.threat,
        out,
        rng.get(Stream::Abuse),
    );
}

/// Fighter `i` may attack civilians it sees (probability `attack_rate`, violence stream)
/// and organised forces it sees (probability `battle_rate`, battle stream), independently.
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
    let (x, y) = (a.persons[i].x as usize, a.persons[i].y as usize);
    let shape = &gp.shape;
    let n_state: u32 =
        if gp.target_state || (gp.attack_rate > 0.0 && cp.violence.state_deterrence > 0.0) {
            count(a, &cp.state_layers, x, y, shape)
        } else {
            0
        };
    if gp.attack_rate > 0.0 && !gp.target_communities.is_empty() {
        let n_civ: u32 = gp
            .target_communities
            .iter()
            .map(|&c| a.world.layers.count([cp.community_layer[c]], x, y, shape)[0])
            .sum();
        if n_civ > 0 && rng.get(Stream::Violence).random::<f64>() < gp.attack_rate {
            raid(a, g, x, y, tick, cp, state, out, rng.get(Stream::Violence));
        }
    }
    // organised forces (only civilians died in the raid: the fighter is still there)
    if gp.battle_rate <= 0.0 {
        return;
    }
    let n_state_target = if gp.target_state { n_state } else { 0 };
    let mut enemy = [0u32; 16];
    let mut n_enemy = 0;
    for (k, &h) in gp.target_groups.iter().enumerate() {
        enemy[k] = a.world.layers.count([cp.group_layer[h]], x, y, shape)[0];
        n_enemy += enemy[k];
    }
    let total = n_state_target + n_enemy;
    let rng = rng.get(Stream::Battle);
    if total == 0 || rng.random::<f64>() >= gp.battle_rate {
        return;
    }
    let mut k = rng.random_range(0..total);
    let at = (x, y);
    if k < n_state_target {
        let df = &state.disarm_factor;
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
            let df = &state.disarm_factor;
            battles::fight(a, tick, at, shape, Party::Group(g), b, cp, df, out, rng);
            return;
        }
        k -= enemy[t];
    }
}

/// The occupants of `layers` within `shape` of (x, y).
#[inline]
pub(crate) fn count(a: &Agents, layers: &[usize], x: usize, y: usize, shape: &Shape) -> u32 {
    layers
        .iter()
        .map(|&l| a.world.layers.count([l], x, y, shape)[0])
        .sum()
}

/// A fighter of group `g` at (x, y) attacks a civilian in its vision; each fellow fighter in
/// its vision joins with probability `violence.raid_join`, each attacking a civilian in the
/// attacker's vision. A raid that kills nobody is still an event.
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
    let join = cp.violence.raid_join;
    let shape = &cp.groups[g].shape;
    let mut attackers = 1;
    if join > 0.0 {
        let mut fellows = std::mem::take(&mut out.buf.cells);
        fellows.clear();
        a.world
            .layers
            .for_each_set(cp.group_layer[g], x, y, shape, |fx, fy| {
                fellows.push((fx, fy))
            });
        attackers += fellows
            .iter()
            .filter(|&&(fx, fy)| (fx, fy) != (x, y))
            .filter(|_| rng.random::<f64>() < join)
            .count();
        out.buf.cells = fellows;
    }
    let mut killed = 0;
    for _ in 0..attackers {
        killed += attack_civilian(a, g, x, y, shape, cp, state, out, rng) as u32;
    }
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

/// The probability that an attack by group `g` kills its victim:
/// λ · a_g · (1 − d_h · armed) · exp(−δ_pk · n_pk − δ_s · n_s).
pub(crate) fn lethality(
    cp: &ConflictParams,
    g: usize,
    disarm_factor: f64,
    armed: bool,
    n_pk: u32,
    n_state: u32,
) -> f64 {
    let v = &cp.violence;
    v.lethality
        * cp.arms(g, disarm_factor)
        * if armed {
            1.0 - v.household_defence
        } else {
            1.0
        }
        * libm::exp(-v.peacekeeper_deterrence * n_pk as f64 - v.state_deterrence * n_state as f64)
}

/// One attack by group `g` on a random targeted civilian within `shape` of (x, y); returns
/// whether it killed.
#[allow(clippy::too_many_arguments)]
fn attack_civilian(
    a: &mut Agents,
    g: usize,
    x: usize,
    y: usize,
    shape: &Shape,
    cp: &ConflictParams,
    state: &mut ConflictState,
    out: &mut ConflictTick,
    rng: &mut Rng,
) -> bool {
    let gp = &cp.groups[g];
    let layers = &a.world.layers;
    let mut civ = [0u32; 16];
    let mut n_civ = 0;
    for (k, &c) in gp.target_communities.iter().enumerate() {
        civ[k] = layers.count([cp.community_layer[c]], x, y, shape)[0];
        n_civ += civ[k];
    }
    if n_civ == 0 {
        return false;
    }
    let mut k = rng.random_range(0..n_civ);
    let mut pick = None;
    for (t, &c) in gp.target_communities.iter().enumerate() {
        if k < civ[t] {
            pick = Some(layers.nth_set(cp.community_layer[c], x, y, shape, k));
            break;
        }
        k -= civ[t];
    }
    let (vx, vy) = pick.expect("k < n_civ");
    let v = a.at(vx, vy).index();
    let n_pk = count(a, &cp.peacekeeper_layers, x, y, shape);
    let n_state = if cp.violence.state_deterrence > 0.0 {
        count(a, &cp.state_layers, x, y, shape)
    } else {
        0
    };
    let armed = a.persons[v].flags & ARMED != 0;
    let p = lethality(cp, g, state.disarm_factor[g], armed, n_pk, n_state);
    let killed = rng.random::<f64>() < p;
    if killed {
        kill_civilian(
            a,
            v,
            Perpetrator::Group(g as u8),
            false,
            cp,
            &mut state.threat,
            out,
        );
    }
    killed
}

/// Kills civilian `v` (`by`, an abuse or not) with all the bookkeeping: counts, the threat to
/// its community in its region, the tick's effect on legitimacy in its community, and a
/// record for this tick's events.
pub(crate) fn kill_civilian(
    a: &mut Agents,
    v: usize,
    by: Perpetrator,
    abuse: bool,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
) {
    let p = a.persons[v];
    a.set_status(v, Status::Dead);
    let c = p.community as usize;
    let r = a.world.region[a.world.cell(p.x as usize, p.y as usize)] as usize;
    let lp = &cp.legitimacy;
    let kind = cp.kind_of(by);
    let nc = out.effects.legitimacy.len();
    out.counters.killed_by[kind as usize] += 1;
    out.counters.killed_of[c] += 1;
    if r < threat.len() / nc {
        threat[r * nc + c] += 1.0;
    }
    out.effects.legitimacy[c] += match kind {
        PerpetratorKind::State | PerpetratorKind::ProGov if abuse => -lp.abuse,
        PerpetratorKind::Jihadist => lp.rally - lp.failure_to_protect,
        _ => -lp.failure_to_protect,
    };
    if abuse {
        out.counters.abuses += 1;
    }
    out.killings.push(Killing {
        by,
        abuse,
        x: p.x,
        y: p.y,
        community: p.community,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, tiny};

    fn conflict(extra: &str) -> (crate::model::Params, Conflict, Agents) {
        let (p, cp, a) = tiny(extra);
        (p, Conflict::new(cp, 2, 0.5), a)
    }

    #[test]
    fn an_attack_with_certain_lethality_kills_the_civilian_in_sight() {
        let (_, mut c, mut a) = conflict(
            "[violence]\nlethality = 1.0\nraid_join = 0.0\n\
             [legitimacy]\ndynamic = true\nfailure_to_protect = 0.01\nrally = 0.002\n",
        );
        c.params.groups[0].attack_rate = 1.0;
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
    fn lethality_follows_the_rule() {
        let (_, mut c, _) = conflict(
            "[violence]\nlethality = 0.5\nhousehold_defence = 0.5\n\
             peacekeeper_deterrence = 0.1\nstate_deterrence = 0.2\n",
        );
        c.params.groups[0].base_arms = 0.8;
        let p = lethality(&c.params, 0, 0.5, true, 1, 2);
        let want = 0.5 * (0.8 * 0.5) * 0.5 * (-0.1f64 - 0.4).exp();
        assert!((p - want).abs() < 1e-12, "{p} vs {want}");
    }

    #[test]
    fn a_raid_that_kills_nobody_is_still_an_event() {
        let (_, mut c, mut a) = conflict("[violence]\nlethality = 0.0\n");
        c.params.groups[0].attack_rate = 1.0;
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
}
