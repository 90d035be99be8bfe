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
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | a₀ | `abuse.base_rate` | per unit per tick, [0, 1] | 0: no abuse unless the scenario says so |
//! | ρ | `abuse.retaliation` | per alarm point, ≥ 0 | 0 |
//! | alarm decay | `abuse.alarm_decay` | per tick, [0, 1] | 0.5: anger fades within days |
//! | E₀ | `abuse.prior_punishment` | [0, 1] | 0.5: forces start unsure whether abuse is punished |
//! | η | `abuse.learning_rate` | [0, 1] | 0.1: about ten cases to learn the rule |
//! | profiling | `policy.profiling` | ≥ 0 | 0: no suspicion |
//! | pro-government rate | `abuse.progov_rate` | per fighter per tick, [0, 1] | 0 |

use super::violence::FORCE_ACTOR;
use crate::model::{Model, Perp};
use crate::rng::Stream;
use crate::scenario::{GroupKind, Side};
use crate::world::Shape;
use rand::RngExt;

impl Model {
    /// Unit `u` may kill a civilian it sees.
    pub(crate) fn unit_abuse(&mut self, u: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let unit = self.units[u];
        let f = unit.force as usize;
        if cp.abuse.base_rate <= 0.0 || cp.forces[f].side != Side::State {
            return;
        }
        let inst = self.inst.as_deref().expect("conflict state");
        let (x, y) = (unit.x as usize, unit.y as usize);
        let shape = &self.params.unit_shape[f];
        let n_pk: u32 = cp
            .peacekeeper_layers
            .iter()
            .map(|&l| self.world.layers.count([l], x, y, shape)[0])
            .sum();
        let p = cp.abuse.base_rate
            * (1.0 - self.unit_discipline(&unit))
            * (1.0 + cp.abuse.retaliation * unit.alarm as f64)
            * (1.0 - inst.expected_punishment_force[f])
            * libm::exp(-cp.violence.peacekeeper_deterrence * n_pk as f64);
        if p <= 0.0 {
            return;
        }
        let shape = shape.clone();
        if self.abuse_near(x, y, &shape, p, Perp::State, FORCE_ACTOR + unit.force) && unit.trained {
            self.inst
                .as_deref_mut()
                .expect("conflict state")
                .counters
                .abuses_trained += 1;
        }
    }

    /// Pro-government fighter `i` may kill a civilian it sees.
    pub(crate) fn progov_abuse(&mut self, i: usize) {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let g = self.persons[i].group as usize;
        if cp.groups[g].kind != GroupKind::ProGovernment || cp.abuse.progov_rate <= 0.0 {
            return;
        }
        if self.persons[i].status != crate::model::Status::Fighter {
            return;
        }
        let e = self
            .inst
            .as_deref()
            .expect("conflict state")
            .expected_punishment_group[g];
        let p = cp.abuse.progov_rate * (1.0 - e);
        let (x, y) = (self.persons[i].x as usize, self.persons[i].y as usize);
        let shape = cp.groups[g].shape.clone();
        self.abuse_near(x, y, &shape, p, Perp::ProGov, g as u8);
    }

    /// With probability `p`, kills a civilian within `shape` of (x, y), picked with profiling;
    /// whether it did.
    fn abuse_near(
        &mut self,
        x: usize,
        y: usize,
        shape: &Shape,
        p: f64,
        perp: Perp,
        actor: u8,
    ) -> bool {
        let cp = self.params.conflict.as_deref().expect("conflict");
        let n_comm = self.params.community_layer.len();
        let mut seen = [0u32; 64];
        let mut weight = [0f64; 64];
        let mut total = 0.0;
        for c in 0..n_comm.min(64) {
            let l = self.params.community_layer[c].expect("conflict layers");
            seen[c] = self.world.layers.count([l], x, y, shape)[0];
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
        let rng = self.rng.get(Stream::Abuse);
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
        let l = self.params.community_layer[community].expect("conflict layers");
        let (vx, vy) = self.world.layers.nth_set(l, x, y, shape, k);
        let v = self.world.cells[self.world.cell(vx, vy)].index();
        self.kill_civilian(v, perp, actor, true);
        true
    }
}
