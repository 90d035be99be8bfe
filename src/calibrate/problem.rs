//! What a calibration is asked ([`Problem`]: priors, observed statistics, scales, weights)
//! and how it runs ([`Settings`]).

use super::prior::Prior;
use serde::{Deserialize, Serialize};

/// The calibration problem: priors, observed statistics, their scales and weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// One prior per parameter.
    pub priors: Vec<Prior>,
    /// The observed value of each statistic.
    pub observed: Vec<f64>,
    /// The scale each statistic's difference is divided by (> 0).
    pub scale: Vec<f64>,
    /// The weight of each statistic in the distance (≥ 0).
    pub weight: Vec<f64>,
}

impl Problem {
    /// The distance of simulated statistics `sim`: sqrt(Σ_k w_k ((sim_k − obs_k) / scale_k)²).
    /// A statistic that is not a number (NaN) gives an infinite distance.
    ///
    /// ```
    /// use impunity::calibrate::{Prior, Problem};
    /// let p = Problem {
    ///     priors: vec![Prior::Uniform { a: 0.0, b: 1.0 }],
    ///     observed: vec![10.0, 0.5],
    ///     scale: vec![2.0, 0.1],
    ///     weight: vec![1.0, 4.0],
    /// };
    /// // ((12 - 10) / 2)^2 + 4 ((0.5 - 0.5) / 0.1)^2 = 1
    /// assert_eq!(p.distance(&[12.0, 0.5]), 1.0);
    /// assert!(p.distance(&[f64::NAN, 0.5]).is_infinite());
    /// ```
    pub fn distance(&self, sim: &[f64]) -> f64 {
        let d2: f64 = sim
            .iter()
            .zip(&self.observed)
            .zip(self.scale.iter().zip(&self.weight))
            .map(|((s, o), (sc, w))| w * ((s - o) / sc).powi(2))
            .sum();
        if d2.is_nan() {
            f64::INFINITY
        } else {
            d2.sqrt()
        }
    }

    /// The prior density of a parameter vector (product over parameters).
    pub fn prior_density(&self, theta: &[f64]) -> f64 {
        self.priors
            .iter()
            .zip(theta)
            .map(|(p, &x)| p.density(x))
            .product()
    }

    /// Checks the lengths and values; the reason if wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.priors.is_empty() {
            return Err("no parameter to calibrate".into());
        }
        if self.observed.is_empty() {
            return Err("no target statistic".into());
        }
        if self.scale.len() != self.observed.len() || self.weight.len() != self.observed.len() {
            return Err("observed, scale and weight differ in length".into());
        }
        if let Some(k) = self.scale.iter().position(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(format!("target {k}: scale must be a positive number"));
        }
        if let Some(k) = self
            .weight
            .iter()
            .position(|w| !(w.is_finite() && *w >= 0.0))
        {
            return Err(format!("target {k}: weight must be a number ≥ 0"));
        }
        if let Some(k) = self.observed.iter().position(|o| !o.is_finite()) {
            return Err(format!("target {k}: observed must be a finite number"));
        }
        Ok(())
    }
}

/// How the algorithm runs and when it stops.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Particles per generation.
    pub particles: usize,
    /// The quantile of the previous generation's distances that sets the next tolerance
    /// (0 < q < 1).
    pub quantile: f64,
    /// The most generations, generation 0 (the prior) included.
    pub max_generations: u32,
    /// The budget of simulations (a generation that would exceed it is not finished).
    pub max_simulations: u64,
    /// Stop when a generation's acceptance rate (accepted / proposed) falls below this; a
    /// generation that cannot reach it is given up as soon as it has proposed
    /// particles / min_acceptance candidates.
    pub min_acceptance: f64,
    /// Stop once a generation reaches this tolerance (0: no such target).
    pub final_tolerance: f64,
    /// Simulations per candidate (statistics averaged), each on its own seed.
    pub replicates: u32,
    /// Candidates simulated per batch (a fixed number, so results do not depend on threads;
    /// 0: the number of particles).
    pub batch: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            particles: 200,
            quantile: 0.5,
            max_generations: 10,
            max_simulations: 20_000,
            min_acceptance: 0.01,
            final_tolerance: 0.0,
            replicates: 1,
            batch: 0,
        }
    }
}

impl Settings {
    /// Checks the values; the offending key and the reason if wrong.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.particles < 2 {
            return Err(("particles", "must be at least 2".into()));
        }
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return Err(("quantile", "must be strictly between 0 and 1".into()));
        }
        if self.max_generations < 1 {
            return Err(("max_generations", "must be at least 1".into()));
        }
        if !(0.0..1.0).contains(&self.min_acceptance) {
            return Err(("min_acceptance", "must be in [0, 1)".into()));
        }
        if !(self.final_tolerance >= 0.0 && self.final_tolerance.is_finite()) {
            return Err(("final_tolerance", "must be a number ≥ 0".into()));
        }
        if self.replicates < 1 {
            return Err(("replicates", "must be at least 1".into()));
        }
        if (self.particles as u64) * u64::from(self.replicates) > self.max_simulations {
            return Err((
                "max_simulations",
                format!(
                    "must cover at least one generation (particles × replicates = {})",
                    self.particles as u64 * u64::from(self.replicates)
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn batch(&self) -> usize {
        if self.batch == 0 {
            self.particles
        } else {
            self.batch
        }
    }
}
