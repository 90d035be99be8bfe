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
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | λ | `violence.lethality` | probability, [0, 1] | 0.5 |
//! | d_h | `violence.household_defence` | [0, 1] | 0.5: an armed household halves the chance |
//! | δ_pk | `violence.peacekeeper_deterrence` | per unit, ≥ 0 | 0 (off) |
//! | δ_s | `violence.state_deterrence` | per unit, ≥ 0 | 0 (off) |
//! | r_m | `violence.massacre_radius` | cells, ≥ 0 | 5: one village's surroundings |
//!
//! Every killing of a civilian updates the threat to the victim's community in its region
//! (threat-driven recruitment), and, with dynamic legitimacy, costs the state legitimacy in the
//! victim's community (`legitimacy.failure_to_protect` for killings by non-state actors,
//! `legitimacy.abuse` for abuses; killings by jihadists also add `legitimacy.rally`).
//!
//! At the end of the tick, killings by the same actor within `violence.massacre_radius` cells
//! of each other (directly or through a chain) form one event, as massacres appear in the
//! record: one row of `events.csv` with all its fatalities.

use crate::events::{Actor, Event, EventType};
use crate::model::{Killing, Model, Perp, Status};
use crate::rng::Stream;
use crate::world::{AgentId, MAX_ROWS, layer};
use rand::RngExt;

/// `Killing::actor` of an abuse by a unit of force `f`.
pub(crate) const FORCE_ACTOR: u8 = 128;

impl Model {
    /// The turn of fighter `i`.
    pub(crate) fn fighter_turn(&mut self, i: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict model");
        let g = self.persons[i].group as usize;
        let gp = &cp.groups[g];
        if gp.desertion > 0.0 && self.rng.get(Stream::Recruitment).random::<f64>() < gp.desertion {
            self.set_status(i, Status::Quiescent);
            self.persons[i].group = crate::model::NO_GROUP;
            return;
        }
        // move: next to a fellow (cohesion), else to a random free cell in vision
        let (x, y) = (self.persons[i].x as usize, self.persons[i].y as usize);
        let mut rows = [0u8; MAX_ROWS];
        let mut centre = (x, y);
        let mut shape = &gp.shape;
        if gp.cohesion > 0.0 && self.rng.get(Stream::Movement).random::<f64>() < gp.cohesion {
            let l = cp.group_layer[g];
            let [n] = self.world.layers.count([l], x, y, &gp.shape);
            if n > 0 {
                let k = self.rng.get(Stream::Movement).random_range(0..n);
                centre = self.world.layers.nth_set(l, x, y, &gp.shape, k);
                shape = &self.params.near;
            }
        }
        let (cx, cy) = centre;
        let free = self
            .world
            .layers
            .count_clear_rows(layer::OCCUPIED, cx, cy, shape, &mut rows);
        if free > 0 {
            let k = self.rng.get(Stream::Movement).random_range(0..free);
            let (tx, ty) = self
                .world
                .layers
                .nth_clear(layer::OCCUPIED, cx, cy, shape, &rows, k);
            self.move_to(AgentId::person(i), tx, ty);
        }
        self.attack(i);
        self.progov_abuse(i);
    }

    /// Fighter `i` may attack civilians it sees (probability `attack_rate`) and organised
    /// forces it sees (probability `battle_rate`), independently.
    fn attack(&mut self, i: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict model");
        let g = self.persons[i].group as usize;
        let gp = &cp.groups[g];
        if gp.attack_rate <= 0.0 && gp.battle_rate <= 0.0 {
            return;
        }
        let (x, y) = (self.persons[i].x as usize, self.persons[i].y as usize);
        let shape = &gp.shape;
        let layers = &self.world.layers;
        let n_state: u32 =
            if gp.target_state || (gp.attack_rate > 0.0 && cp.violence.state_deterrence > 0.0) {
                cp.state_layers
                    .iter()
                    .map(|&l| layers.count([l], x, y, shape)[0])
                    .sum()
            } else {
                0
            };
        if gp.attack_rate > 0.0 && !gp.target_communities.is_empty() {
            let mut civ = [0u32; 16];
            let mut n_civ = 0;
            for (k, &c) in gp.target_communities.iter().enumerate() {
                let l = self.params.community_layer[c].expect("conflict layers");
                civ[k] = layers.count([l], x, y, shape)[0];
                n_civ += civ[k];
            }
            if n_civ > 0 && self.rng.get(Stream::Violence).random::<f64>() < gp.attack_rate {
                self.raid(g, x, y);
            }
        }
        // organised forces (the fighter may have died above? no: only civilians die there)
        let cp = self.params.conflict.as_deref().expect("conflict model");
        let gp = &cp.groups[g];
        if gp.battle_rate <= 0.0 {
            return;
        }
        let n_state_target = if gp.target_state { n_state } else { 0 };
        let mut enemy = [0u32; 16];
        let mut n_enemy = 0;
        for (k, &h) in gp.target_groups.iter().enumerate() {
            enemy[k] = self
                .world
                .layers
                .count([cp.group_layer[h]], x, y, &gp.shape)[0];
            n_enemy += enemy[k];
        }
        let total = n_state_target + n_enemy;
        if total == 0 || self.rng.get(Stream::Battle).random::<f64>() >= gp.battle_rate {
            return;
        }
        let mut k = self.rng.get(Stream::Battle).random_range(0..total);
        if k < n_state_target {
            self.battle(x, y, g, None);
            return;
        }
        k -= n_state_target;
        let targets = gp.target_groups.clone();
        for (t, &h) in targets.iter().enumerate() {
            if k < enemy[t] {
                self.battle(x, y, g, Some(h));
                return;
            }
            k -= enemy[t];
        }
    }

    /// Fighter `i` of group `g` at (x, y) attacks a civilian in its vision; each fellow
    /// fighter in its vision joins with probability `violence.raid_join`, each attacking a
    /// civilian in the attacker's vision.
    fn raid(&mut self, g: usize, x: usize, y: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict model");
        let join = cp.violence.raid_join;
        let shape = cp.groups[g].shape.clone();
        let mut attackers = 1;
        if join > 0.0 {
            let mut fellows = Vec::new();
            self.world
                .layers
                .for_each_set(cp.group_layer[g], x, y, &shape, |fx, fy| {
                    fellows.push((fx, fy))
                });
            let rng = self.rng.get(Stream::Violence);
            attackers += fellows
                .iter()
                .filter(|&&(fx, fy)| (fx, fy) != (x, y))
                .filter(|_| rng.random::<f64>() < join)
                .count();
        }
        let mut killed = 0;
        for _ in 0..attackers {
            killed += self.attack_civilian(g, x, y, &shape) as u32;
        }
        if killed == 0 {
            // an attack that killed nobody is still an event (fatalities 0)
            let tick = self.tick();
            let region = self.region_at(x, y);
            let inst = self.inst.as_deref_mut().expect("conflict state");
            inst.events.push(Event {
                tick,
                region,
                x: x as u16,
                y: y as u16,
                event_type: EventType::ViolenceAgainstCivilians,
                sub_event_type: "attack",
                actor1: Actor::Group(g as u8),
                actor2: Actor::None,
                victim_community: None,
                fatalities: 0,
            });
        }
    }

    /// One attack by group `g` on a random targeted civilian within `shape` of (x, y); returns
    /// whether it killed.
    fn attack_civilian(
        &mut self,
        g: usize,
        x: usize,
        y: usize,
        shape: &crate::world::Shape,
    ) -> bool {
        let cp = self.params.conflict.as_deref().expect("conflict model");
        let gp = &cp.groups[g];
        let layers = &self.world.layers;
        let mut civ = [0u32; 16];
        let mut n_civ = 0;
        for (k, &c) in gp.target_communities.iter().enumerate() {
            let l = self.params.community_layer[c].expect("conflict layers");
            civ[k] = layers.count([l], x, y, shape)[0];
            n_civ += civ[k];
        }
        if n_civ == 0 {
            return false;
        }
        let mut k = self.rng.get(Stream::Violence).random_range(0..n_civ);
        let mut pick = None;
        for (t, &c) in gp.target_communities.iter().enumerate() {
            if k < civ[t] {
                let l = self.params.community_layer[c].expect("conflict layers");
                pick = Some(layers.nth_set(l, x, y, shape, k));
                break;
            }
            k -= civ[t];
        }
        let (vx, vy) = pick.expect("k < n_civ");
        let v = self.world.cells[self.world.cell(vx, vy)].index();
        let count =
            |ls: &[usize]| -> u32 { ls.iter().map(|&l| layers.count([l], x, y, shape)[0]).sum() };
        let n_pk = count(&cp.peacekeeper_layers);
        let n_state = if cp.violence.state_deterrence > 0.0 {
            count(&cp.state_layers)
        } else {
            0
        };
        let arms = cp.arms(
            g,
            self.inst.as_ref().expect("conflict state").disarm_factor[g],
        );
        let armed = self.persons[v].flags & crate::model::ARMED != 0;
        let v_ = &cp.violence;
        let p = v_.lethality
            * arms
            * if armed {
                1.0 - v_.household_defence
            } else {
                1.0
            }
            * libm::exp(
                -v_.peacekeeper_deterrence * n_pk as f64 - v_.state_deterrence * n_state as f64,
            );
        let perp = gp.perp;
        let killed = self.rng.get(Stream::Violence).random::<f64>() < p;
        if killed {
            self.kill_civilian(v, perp, g as u8, false);
        }
        killed
    }

    /// Kills civilian `v` with all the bookkeeping: counts, threat to its community, the
    /// legitimacy effect, and a record for this tick's events. `actor` is a group index, or
    /// [`FORCE_ACTOR`] + force index.
    pub(crate) fn kill_civilian(&mut self, v: usize, perp: Perp, actor: u8, abuse: bool) {
        let p = self.persons[v];
        self.set_status(v, Status::Dead);
        let c = p.community as usize;
        let r = self.world.region[self.world.cell(p.x as usize, p.y as usize)] as usize;
        let lp = &self
            .params
            .conflict
            .as_deref()
            .expect("conflict model")
            .legitimacy;
        let (failure, rally, abuse_cost) = (lp.failure_to_protect, lp.rally, lp.abuse);
        let inst = self.inst.as_deref_mut().expect("conflict state");
        let nc = inst.legitimacy.len();
        inst.counters.killed_by[perp as usize] += 1;
        inst.counters.killed_of[c] += 1;
        if r < inst.threat.len() / nc {
            inst.threat[r * nc + c] += 1.0;
        }
        inst.d_legitimacy[c] += match perp {
            Perp::State | Perp::ProGov if abuse => -abuse_cost,
            Perp::Jihadist => rally - failure,
            _ => -failure,
        };
        if abuse {
            inst.counters.abuses += 1;
        }
        inst.killings.push(Killing {
            actor,
            abuse,
            x: p.x,
            y: p.y,
            community: p.community,
        });
    }

    /// Groups this tick's killings into events: killings by the same actor (and of the same
    /// kind, abuse or attack) within `violence.massacre_radius` of each other, directly or
    /// through a chain, are one event. Abuse events open justice cases.
    pub(crate) fn group_killings_into_events(&mut self) {
        let inst = self.inst.as_deref_mut().expect("conflict state");
        if inst.killings.is_empty() {
            return;
        }
        let kills = std::mem::take(&mut inst.killings);
        let radius = self
            .params
            .conflict
            .as_deref()
            .expect("conflict model")
            .violence
            .massacre_radius;
        let n = kills.len();
        // union-find over killings
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for a in 0..n {
            for b in a + 1..n {
                let (ka, kb) = (kills[a], kills[b]);
                if ka.actor != kb.actor || ka.abuse != kb.abuse {
                    continue;
                }
                let dx = self
                    .world
                    .delta(ka.x as usize, kb.x as usize, self.world.width)
                    as f64;
                let dy = self
                    .world
                    .delta(ka.y as usize, kb.y as usize, self.world.height)
                    as f64;
                if dx * dx + dy * dy <= radius * radius {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        parent[rb.max(ra)] = rb.min(ra);
                    }
                }
            }
        }
        // clusters in order of their first killing
        let mut clusters: Vec<Vec<usize>> = Vec::new();
        let mut slot = vec![usize::MAX; n];
        for i in 0..n {
            let r = find(&mut parent, i);
            if slot[r] == usize::MAX {
                slot[r] = clusters.len();
                clusters.push(Vec::new());
            }
            clusters[slot[r]].push(i);
        }
        let tick = self.tick();
        let n_comm = self.scenario().communities.len();
        for members in clusters {
            let first = kills[members[0]];
            let mut per = vec![0u32; n_comm];
            for &m in &members {
                per[kills[m].community as usize] += 1;
            }
            // the most numerous victims' community (ties: the first declared)
            let community = (0..n_comm)
                .max_by_key(|&c| (per[c], std::cmp::Reverse(c)))
                .expect("communities") as u8;
            let victims = members.len() as u32;
            let actor = if first.actor >= FORCE_ACTOR {
                Actor::Force(first.actor - FORCE_ACTOR)
            } else {
                Actor::Group(first.actor)
            };
            let region = self.region_at(first.x as usize, first.y as usize);
            let international = matches!(actor, Actor::Force(f) if self.params.conflict.as_deref().expect("conflict").forces[f as usize].side == crate::scenario::Side::International);
            let (event_type, sub) = if first.abuse {
                (EventType::Abuses, "extrajudicial killing")
            } else if international {
                (EventType::ViolenceAgainstCivilians, "strike casualties")
            } else if victims > 1 {
                (EventType::ViolenceAgainstCivilians, "mass killing")
            } else {
                (EventType::ViolenceAgainstCivilians, "attack")
            };
            let inst = self.inst.as_deref_mut().expect("conflict state");
            inst.events.push(Event {
                tick,
                region,
                x: first.x,
                y: first.y,
                event_type,
                sub_event_type: sub,
                actor1: actor,
                actor2: Actor::Community(community),
                victim_community: Some(community),
                fatalities: victims,
            });
            if first.abuse {
                let perpetrator = match actor {
                    Actor::Force(f) => crate::model::Perpetrator::Force(f),
                    Actor::Group(g) => crate::model::Perpetrator::Group(g),
                    _ => unreachable!("abuses are by forces or groups"),
                };
                self.open_case(perpetrator, community, region.unwrap_or(0), victims);
            }
        }
    }
}
