//! What force units do in the conflict model (docs/ODD.md §7.9 and §7.15), by role.
//!
//! * **policing**: Epstein's rule C, with probability `forces.<f>.arrest_rate` per tick (1 in
//!   Epstein's model), then possibly an abuse ([`crate::mechanisms::abuse`]);
//! * **counter-insurgency**: a unit of n soldiers that sees E fighters (people) of groups the
//!   state fights engages them in a battle with probability 1 − e^(−n·`violence.engage_rate`·
//!   E/φ_e), φ_e = `violence.encounter` ([`crate::mechanisms::battles`]), then
//!   policing as above;
//! * **peacekeeping**: moves and deters: attackers and abusers who see peacekeepers are less
//!   likely to kill. Never arrests, never abuses;
//! * **strike**: a unit of n people strikes a random jihadist fighter agent in its vision with
//!   probability 1 − e^(−n·`violence.strike_rate`·E/φ_e), E the jihadist people in
//!   sight: it hits `violence.strike_size` of the
//!   agent's people (at most all), each killed (or captured) with probability
//!   `violence.strike_lethality`; each civilian on a cell next to the target dies with
//!   probability `violence.collateral` (civilians killed by international forces, or by the
//!   state if the striking force is state-side). The strike is a battle event whose
//!   fatalities are the combatants killed; civilians killed form their own
//!   violence-against-civilians event.
//!
//! Every unit moves first (or last, under Mesa's order) to a random free cell in its vision.
//! A trained unit's proficiency is raised by its mission's `proficiency_gain`; its discipline
//! by the mission's `discipline_gain` only while `policy.field_oversight` is on (trainers in
//! the field with the units they trained).
//!
//! | symbol | key |
//! |---|---|
//! | role | `forces.<f>.role` |
//! | side | `forces.<f>.side` |
//! | arrest rate | `forces.<f>.arrest_rate` |
//! | discipline | `forces.<f>.discipline` |
//! | proficiency | `forces.<f>.proficiency` |
//! | engagement rate | `violence.engage_rate` |
//! | strike rate | `violence.strike_rate` |
//! | strike size | `violence.strike_size` |
//! | strike lethality | `violence.strike_lethality` |
//! | collateral | `violence.collateral` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.

use super::TurnInputs;
use super::battles::{Party, casualties, fight};
use super::movement::move_in_vision;
use super::violence::{encounter, kill_civilians, people_in, per_agent};
use crate::events::{Event, Perpetrator, Position};
use crate::model::{Agents, Conflict, ConflictParams, ConflictTick, Deterrence, TickCounters};
use crate::rng::{Rng, Stream, Streams};
use crate::rules::TurnOrder;
use crate::scenario::{GroupKind, Role};
use crate::world::{AgentId, Shape};
use rand::RngExt;
use rand_distr::{Binomial, Distribution};

/// The turn of unit `u` in the conflict model: it moves (first or last, as the rules say)
/// and acts by its force's role.
pub(crate) fn unit_turn(
    a: &mut Agents,
    u: usize,
    t: TurnInputs,
    c: &mut Conflict,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    if a.units[u].dead {
        return;
    }
    let f = a.units[u].force as usize;
    let moves = t.params.unit_moves[f];
    let shape = &t.params.unit_shape[f];
    let id = AgentId::unit(u);
    if moves && t.rules.order == TurnOrder::MoveThenAct {
        move_in_vision(a, id, shape, rng.get(Stream::Movement));
    }
    let Conflict {
        params: cp,
        state,
        tick: out,
    } = c;
    match cp.forces[f].role {
        Role::Policing => police(
            a,
            u,
            t,
            cp,
            &state.learned,
            &mut state.threat,
            out,
            rng,
            counters,
        ),
        Role::Counterinsurgency => {
            let battle = rng.get(Stream::Battle);
            engage(a, u, t.tick, shape, cp, &state.disarm_factor, out, battle);
            if !a.units[u].dead {
                police(
                    a,
                    u,
                    t,
                    cp,
                    &state.learned,
                    &mut state.threat,
                    out,
                    rng,
                    counters,
                );
            }
        }
        Role::Peacekeeping => {}
        Role::Strike => {
            let battle = rng.get(Stream::Battle);
            let moore = &t.params.moore;
            strike(
                a,
                u,
                t.tick,
                shape,
                moore,
                cp,
                &mut state.threat,
                out,
                battle,
            );
        }
    }
    if moves && t.rules.order == TurnOrder::ActThenMove && !a.units[u].dead {
        move_in_vision(a, id, shape, rng.get(Stream::Movement));
    }
}

/// Policing in the conflict model: rule C with the force's arrest rate (policing stream),
/// then perhaps an abuse (abuse stream).
#[allow(clippy::too_many_arguments)]
fn police(
    a: &mut Agents,
    u: usize,
    t: TurnInputs,
    cp: &ConflictParams,
    learned: &Deterrence,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    let f = a.units[u].force as usize;
    let rate = cp.forces[f].arrest_rate;
    let policing = rng.get(Stream::Policing);
    if rate >= 1.0 || policing.random::<f64>() < rate {
        super::policing::arrest_in_vision(a, u, t.params, t.rules, policing, counters);
    }
    let shape = &t.params.unit_shape[f];
    super::abuse::unit_abuse(
        a,
        u,
        shape,
        cp,
        learned,
        threat,
        out,
        rng.get(Stream::Abuse),
    );
}

/// Whether the state fights group `g` (not the groups it backs).
fn hostile(cp: &ConflictParams, g: usize) -> bool {
    cp.groups[g].group_kind != GroupKind::ProGovernment && !cp.groups[g].state_backed
}

/// A counter-insurgency unit of n soldiers (seeing with `shape`) engages the fighters it
/// sees, E people of groups the state fights, with probability 1 − e^(−n·
/// `violence.engage_rate`·E/φ_e): a battle (battle stream).
#[allow(clippy::too_many_arguments)]
fn engage(
    a: &mut Agents,
    u: usize,
    tick: u32,
    shape: &Shape,
    cp: &ConflictParams,
    disarm_factor: &[f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let unit = a.units[u];
    let (x, y) = (unit.x as usize, unit.y as usize);
    let seen = |a: &Agents, g: usize| a.world.layers.count([cp.group_layer[g]], x, y, shape)[0];
    let total: u32 = (0..cp.groups.len())
        .filter(|&g| hostile(cp, g))
        .map(|g| seen(a, g))
        .sum();
    if total == 0 {
        return;
    }
    let layers = |g: usize| [cp.group_layer[g]];
    let enemies: f64 = (0..cp.groups.len())
        .filter(|&g| hostile(cp, g) && seen(a, g) > 0)
        .map(|g| people_in(a, &layers(g), x, y, shape))
        .sum();
    let rate = cp.violence.engage_rate * encounter(enemies, cp.violence.encounter);
    if rng.random::<f64>() >= per_agent(a.soldiers(u) as f64 * rate) {
        return;
    }
    let mut k = rng.random_range(0..total);
    for g in (0..cp.groups.len()).filter(|&g| hostile(cp, g)) {
        let n = seen(a, g);
        if k < n {
            let (pa, pb) = (Party::State, Party::Group(g));
            fight(a, tick, (x, y), shape, pa, pb, cp, disarm_factor, out, rng);
            return;
        }
        k -= n;
    }
}

/// A strike unit of n people (seeing with `shape`) strikes a jihadist fighter agent it sees
/// (E jihadist people in sight), with probability 1 − e^(−n·`violence.strike_rate`·
/// E/φ_e), hitting `violence.strike_size` of its
/// people; civilians on the cells of `moore` around the target may die (battle stream).
#[allow(clippy::too_many_arguments)]
fn strike(
    a: &mut Agents,
    u: usize,
    tick: u32,
    shape: &Shape,
    moore: &Shape,
    cp: &ConflictParams,
    threat: &mut [f64],
    out: &mut ConflictTick,
    rng: &mut Rng,
) {
    let unit = a.units[u];
    let (x, y) = (unit.x as usize, unit.y as usize);
    let jihadist = |g: &usize| cp.groups[*g].group_kind == GroupKind::Jihadist;
    let seen = |a: &Agents, g: usize| a.world.layers.count([cp.group_layer[g]], x, y, shape)[0];
    let total: u32 = (0..cp.groups.len())
        .filter(jihadist)
        .map(|g| seen(a, g))
        .sum();
    if total == 0 {
        return;
    }
    let v = &cp.violence;
    let enemies: f64 = (0..cp.groups.len())
        .filter(jihadist)
        .filter(|&g| seen(a, g) > 0)
        .map(|g| people_in(a, &[cp.group_layer[g]], x, y, shape))
        .sum();
    let rate = v.strike_rate * encounter(enemies, v.encounter);
    if rng.random::<f64>() >= per_agent(a.soldiers(u) as f64 * rate) {
        return;
    }
    let mut k = rng.random_range(0..total);
    let mut target = None;
    for g in (0..cp.groups.len()).filter(jihadist) {
        let n = seen(a, g);
        if k < n {
            target = Some(a.world.layers.nth_set(cp.group_layer[g], x, y, shape, k));
            break;
        }
        k -= n;
    }
    let (tx, ty) = target.expect("k < total");
    let id = a.at(tx, ty);
    let group = a.persons[id.index()].group;
    let hit = (v.strike_size.round() as u64).clamp(1, a.people(id.index()) as u64);
    let falls = Binomial::new(hit, v.strike_lethality)
        .expect("lethality in [0, 1]")
        .sample(rng) as u32;
    let dead = if falls > 0 {
        casualties(a, id, falls, cp, rng).0 as u64
    } else {
        0
    };
    // civilians on the cells around the target
    let mut around = std::mem::take(&mut out.buf.cells);
    around.clear();
    for &l in &cp.community_layer {
        a.world
            .layers
            .for_each_set(l, tx, ty, moore, |cx, cy| around.push((cx, cy)));
    }
    around.sort_unstable_by_key(|&(cx, cy)| (cy, cx));
    // (the civilians killed form their own violence-against-civilians event; they count
    // against the striking force's side)
    let by = Perpetrator::Force(unit.force);
    for &(cx, cy) in &around {
        if v.collateral > 0.0 {
            let c = a.at(cx, cy).index();
            let n = a.people(c) as u64;
            let k = Binomial::new(n, v.collateral)
                .expect("collateral in [0, 1]")
                .sample(rng) as u32;
            if k > 0 {
                kill_civilians(a, c, k, by, false, cp, threat, out);
            }
        }
    }
    out.buf.cells = around;
    let region = cp.region_of_cell(&a.world.region, a.world.cell(tx, ty));
    // a strike is not a battle (ACLED codes air strikes as remote violence): it is counted in
    // neither `battles` nor `battle_deaths`, only as its event
    out.events.push(Event::strike(
        tick,
        region,
        Position::new(tx, ty),
        unit.force,
        group,
        dead as u32,
    ));
}
