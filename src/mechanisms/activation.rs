//! Epstein's activation rule A.
//!
//! A person with hardship H and risk aversion R in a community that grants the state
//! legitimacy L has grievance G = H·(1 − L). Seeing C cops and A_v actives in vision, it
//! estimates its arrest probability as
//!
//! ```text
//! P = 1 − exp(−k · f(C / A)),   A = 1 + A_v
//! ```
//!
//! where f is the exact ratio, floor or round half to even ([`crate::rules::Ratio`]); its net
//! risk is N = R·P. It is active when G − N > T.
//!
//! | symbol | key |
//! |---|---|
//! | T | `activation.threshold` |
//! | k | `activation.k` |
//! | L | `communities.<c>.legitimacy` |
//! | v | `population.vision` |
//!
//! Defaults, ranges and their reasons: `docs/scenario.md`.
//!
//! P only ever takes the values of a small table over (C, A), computed once per parameter
//! change with the portable `libm::exp`, so the rule costs a table look-up and a multiply per
//! agent per tick, and gives the same bits on every platform.

use super::communal::communal_violence;
use super::movement::move_to_nth_free;
use super::overflow_counts;
use crate::model::{Agents, Grievance, Params, Status, TickCounters};
use crate::rng::{Stream, Streams};
use crate::rules::Ratio;
use crate::world::{AgentId, MAX_ROWS, layer};

/// P for every (C, A) a vision set can produce.
#[derive(Clone, Debug)]
pub(crate) struct ArrestTable {
    ratio: Ratio,
    k: f64,
    a_dim: usize,
    c_dim: usize,
    p: Vec<f64>,
}

impl ArrestTable {
    /// The table for a vision set of `cells` cells.
    pub fn new(ratio: Ratio, k: f64, cells: u32) -> ArrestTable {
        let c_dim = cells as usize + 1;
        let a_dim = cells as usize + 2;
        let mut p = vec![0.0; c_dim * a_dim];
        for c in 0..c_dim {
            for a in 1..a_dim {
                p[c * a_dim + a] = arrest_probability(ratio, k, c as u32, a as u32);
            }
        }
        ArrestTable {
            ratio,
            k,
            a_dim,
            c_dim,
            p,
        }
    }

    /// P for C cops and A actives (A counts the agent itself, so A >= 1).
    #[inline(always)]
    pub fn p(&self, c: u32, a: u32) -> f64 {
        let (ci, ai) = (c as usize, a as usize);
        if ci < self.c_dim && ai < self.a_dim {
            self.p[ci * self.a_dim + ai]
        } else {
            // Only reachable when agents share cells (NetLogo's rules).
            arrest_probability(self.ratio, self.k, c, a)
        }
    }
}

/// P = 1 − exp(−k·f(C/A)).
///
/// ```text
/// use impunity::mechanisms::activation::arrest_probability;
/// use impunity::rules::Ratio;
/// // one cop, one active (oneself): P = 1 − e^−2.3 ≈ 0.9
/// assert!((arrest_probability(Ratio::Exact, 2.3, 1, 1) - 0.8997).abs() < 1e-4);
/// // with floor, more actives than cops means no risk at all
/// assert_eq!(arrest_probability(Ratio::Floor, 2.3, 3, 4), 0.0);
/// ```
pub fn arrest_probability(ratio: Ratio, k: f64, c: u32, a: u32) -> f64 {
    1.0 - libm::exp(-k * ratio.apply(c, a))
}

/// Rule A for person `i`, who sees `c` cops and `a_vis` actives: sets it active or
/// quiescent.
#[inline(always)]
pub(crate) fn decide(a: &mut Agents, i: usize, c: u32, a_vis: u32, p: &Params, griev: &Grievance) {
    let person = a.persons[i];
    let prob = p.arrest.p(c, a_vis + 1);
    let k = person.community as usize;
    let g = person.hardship * griev.one_minus_l[k] + griev.extra[k];
    let new = if g - person.risk * prob > p.threshold {
        Status::Active
    } else {
        Status::Quiescent
    };
    if new != person.status {
        a.set_status(i, new);
    }
}

/// Counts cops and actives in person `i`'s vision and applies rule A.
#[inline(always)]
pub(crate) fn look_and_decide(a: &mut Agents, i: usize, p: &Params, griev: &Grievance) {
    let person = a.persons[i];
    let (x, y) = (person.x as usize, person.y as usize);
    let shape = &p.person_shape;
    let [mut c, mut act] = a
        .world
        .layers
        .count([layer::COPS, layer::ACTIVE], x, y, shape);
    if !a.world.overflow.is_empty() {
        let [oc, oa] = overflow_counts(a, [layer::COPS, layer::ACTIVE], x, y, shape);
        c += oc;
        act += oa;
    }
    decide(a, i, c, act, p, griev);
}

/// Rule A then rule M in one look (Mesa's order): counts cops, actives and free cells in
/// one pass, decides (an active then kills, in Model II), then moves to a random free cell
/// seen before deciding. Draws from the violence and movement streams.
#[inline(always)]
pub(crate) fn decide_then_move(
    a: &mut Agents,
    i: usize,
    p: &Params,
    griev: &Grievance,
    rng: &mut Streams,
    counters: &mut TickCounters,
) {
    let person = a.persons[i];
    let (x, y) = (person.x as usize, person.y as usize);
    let shape = &p.person_shape;
    let mut rows = [0u8; MAX_ROWS];
    let layers = &a.world.layers;
    // where the cops' layer is tracked (the conflict model's sparse forces) and its blocks
    // say there is none in sight, their count (0) is not read
    let ([mut c, mut act], free) = if layers.none_near(layer::COPS, x, y, shape.radius() as usize) {
        let ([act], free) =
            layers.count_with_clear_rows([layer::ACTIVE], layer::OCCUPIED, x, y, shape, &mut rows);
        ([0, act], free)
    } else {
        layers.count_with_clear_rows(
            [layer::COPS, layer::ACTIVE],
            layer::OCCUPIED,
            x,
            y,
            shape,
            &mut rows,
        )
    };
    if !a.world.overflow.is_empty() {
        let [oc, oa] = overflow_counts(a, [layer::COPS, layer::ACTIVE], x, y, shape);
        c += oc;
        act += oa;
    }
    decide(a, i, c, act, p, griev);
    communal_violence(a, i, p, rng.get(Stream::Violence), counters);
    if p.person_moves && free > 0 {
        move_to_nth_free(
            a,
            AgentId::person(i),
            x,
            y,
            free,
            &rows,
            shape,
            rng.get(Stream::Movement),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{place_person, place_unit, tiny};

    #[test]
    fn active_when_grievance_beats_net_risk_by_the_threshold() {
        let (p, _, mut a) = tiny("");
        let i = place_person(&mut a, 0, Status::Quiescent, 4, 4);
        a.persons[i].hardship = 1.0;
        a.persons[i].risk = 0.5;
        let mut griev = Grievance::default();
        crate::mechanisms::legitimacy::refresh_grievance(&mut griev, &[0.8, 0.8], &[0.0; 2], 0.0);
        // G = 1 · (1 − 0.8) = 0.2; no cop in sight: P = 0, so G − N = 0.2 > T = 0.1
        look_and_decide(&mut a, i, &p, &griev);
        assert_eq!(a.persons[i].status, Status::Active);
        assert!(a.world.layers.get(layer::ACTIVE, 4, 4));
        // a cop in sight: P = 1 − e^−2.3 ≈ 0.9, N = 0.45
        place_unit(&mut a, 0, 5, 5);
        look_and_decide(&mut a, i, &p, &griev);
        assert_eq!(a.persons[i].status, Status::Quiescent);
        assert!(!a.world.layers.get(layer::ACTIVE, 4, 4));
        // unresolved injustice adds ω·U to grievance
        crate::mechanisms::legitimacy::refresh_grievance(&mut griev, &[0.8, 0.8], &[5.0, 0.0], 0.1);
        look_and_decide(&mut a, i, &p, &griev);
        assert_eq!(a.persons[i].status, Status::Active);
    }

    /// The example of `arrest_probability`'s doc.
    #[test]
    fn arrest_probability_example() {
        // one cop, one active (oneself): P = 1 − e^−2.3 ≈ 0.9
        assert!((arrest_probability(Ratio::Exact, 2.3, 1, 1) - 0.8997).abs() < 1e-4);
        // with floor, more actives than cops means no risk at all
        assert_eq!(arrest_probability(Ratio::Floor, 2.3, 3, 4), 0.0);
    }

    #[test]
    fn table_matches_formula() {
        for ratio in [Ratio::Exact, Ratio::Floor, Ratio::RoundHalfEven] {
            let t = ArrestTable::new(ratio, 2.3, 112);
            for c in 0..=112 {
                for a in 1..=113 {
                    assert_eq!(t.p(c, a), arrest_probability(ratio, 2.3, c, a));
                }
            }
            // beyond the table: computed on the fly
            assert_eq!(t.p(500, 3), arrest_probability(ratio, 2.3, 500, 3));
        }
    }
}
