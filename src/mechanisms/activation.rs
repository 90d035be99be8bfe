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
//! | parameter | key | unit, range | default and why |
//! |---|---|---|---|
//! | T | `activation.threshold` | grievance units, any finite | 0.1, Epstein's value in every run |
//! | k | `activation.k` | per cop-to-active ratio, ≥ 0 | 2.3, so that P ≈ 0.9 with one cop and one active (Epstein) |
//! | L | `communities.<c>.legitimacy` | [0, 1] | per scenario (Epstein: 0.8-0.9) |
//! | v | `population.vision` | cells, 0-28 | per scenario (Epstein: 1.7 or 7) |
//!
//! P only ever takes the values of a small table over (C, A), computed once per parameter
//! change with the portable `libm::exp`, so the rule costs a table look-up and a multiply per
//! agent per tick, and gives the same bits on every platform.

use super::overflow_counts;
use crate::model::{Model, Status};
use crate::rules::Ratio;
use crate::world::{MAX_ROWS, layer};

/// P for every (C, A) a vision set can produce.
#[derive(Clone, Debug)]
pub struct ArrestTable {
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

impl Model {
    /// Rule A for person `i`, who sees `c` cops and `a_vis` actives: sets it active or
    /// quiescent.
    #[inline(always)]
    pub(crate) fn decide(&mut self, i: usize, c: u32, a_vis: u32) {
        let p = self.persons[i];
        let prob = self.params.arrest.p(c, a_vis + 1);
        let c = p.community as usize;
        let g = p.hardship * self.griev.one_minus_l[c] + self.griev.extra[c];
        let new = if g - p.risk * prob > self.params.threshold {
            Status::Active
        } else {
            Status::Quiescent
        };
        if new != p.status {
            self.set_status(i, new);
        }
    }

    /// Counts cops and actives in person `i`'s vision and applies rule A.
    #[inline(always)]
    pub(crate) fn look_and_decide(&mut self, i: usize) {
        let p = self.persons[i];
        let (x, y) = (p.x as usize, p.y as usize);
        let shape = &self.params.person_shape;
        let [mut c, mut a] = self
            .world
            .layers
            .count([layer::COPS, layer::ACTIVE], x, y, shape);
        if !self.world.overflow.is_empty() {
            let [oc, oa] = overflow_counts(self, [layer::COPS, layer::ACTIVE], x, y, shape);
            c += oc;
            a += oa;
        }
        self.decide(i, c, a);
    }

    /// Rule A then rule M in one look (Mesa's order): counts cops, actives and free cells in
    /// one pass, decides, then moves to a random free cell seen before deciding.
    #[inline(always)]
    pub(crate) fn decide_then_move(&mut self, i: usize) {
        let p = self.persons[i];
        let (x, y) = (p.x as usize, p.y as usize);
        let shape = &self.params.person_shape;
        let mut rows = [0u8; MAX_ROWS];
        let ([mut c, mut a], free) = self.world.layers.count_with_clear_rows(
            [layer::COPS, layer::ACTIVE],
            layer::OCCUPIED,
            x,
            y,
            shape,
            &mut rows,
        );
        if !self.world.overflow.is_empty() {
            let [oc, oa] = overflow_counts(self, [layer::COPS, layer::ACTIVE], x, y, shape);
            c += oc;
            a += oa;
        }
        self.decide(i, c, a);
        self.communal_violence(i);
        if self.params.person_moves && free > 0 {
            self.move_to_nth_free(crate::world::AgentId::person(i), x, y, free, &rows, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
