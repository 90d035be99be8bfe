//! ABC-SMC (approximate Bayesian computation by sequential Monte Carlo), generic over a
//! simulator, so that it can be tested on toy models with known posteriors.
//!
//! Generation 0 draws `particles` parameter vectors from the prior and keeps them all (its
//! tolerance is infinite). Generation g ≥ 1 sets its tolerance to the `quantile` of the
//! distances of generation g − 1 (Del Moral, Doucet & Jasra 2012), then proposes candidates:
//! a particle of g − 1 picked by weight, moved by a Gaussian kernel whose variance is twice the
//! weighted variance of g − 1, component by component (Beaumont, Cornuet, Marin & Robert
//! 2009); a candidate outside the prior's support is rejected unsimulated, the others are
//! simulated (`replicates` times, statistics averaged) and kept if their distance is within
//! the tolerance (Toni, Welch, Strelkowa, Ipsen & Stumpf 2009). Kept particles get the
//! importance weight prior(θ) / Σ_j w_j K(θ | θ_j), normalised.
//!
//! # Determinism
//! Candidate `i` of generation `g` draws everything (the particle it moves, the move, the
//! seeds of its simulations) from its own generator, a ChaCha8 stream of (seed, g, i).
//! Candidates are simulated in batches of a fixed size (not depending on the thread count),
//! in parallel on the caller's rayon pool, and accepted in index order until the generation
//! is full: the result is the same bytes on any number of threads.

use super::prior::Prior;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

const TAG: &[u8; 24] = b"impunity/abc-smc/v1     ";

/// The generator of candidate `i` of generation `g` under `seed`: its own key tag, so it never
/// coincides with a simulation's streams.
pub fn candidate_rng(seed: u64, generation: u32, i: u64) -> ChaCha8Rng {
    assert!(i < (1 << 40), "candidate index {i} out of range");
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..].copy_from_slice(TAG);
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream((u64::from(generation) << 40) | i);
    rng
}

/// Processes that run one calibration together (MPI ranks): each runs the same calibration
/// in lockstep and simulates its share of every batch of candidates (candidate k of a batch
/// on process k mod [`Share::size`]); the results are exchanged after each batch, so every
/// process holds every generation, bit for bit those of a single process.
///
/// Every process calls [`Share::all_gather`] at the same points, from the thread that called
/// [`calibrate_shared`]. A process that stops outside a batch (an error storing a
/// generation) leaves the others waiting: the launcher (`mpirun`) ends them.
pub trait Share {
    /// This process's number, from 0.
    fn rank(&self) -> usize;
    /// The number of processes.
    fn size(&self) -> usize;
    /// Every process's `mine`, in rank order (an all-gather).
    fn all_gather(&self, mine: &[u8]) -> Vec<Vec<u8>>;
}

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

    fn batch(&self) -> usize {
        if self.batch == 0 {
            self.particles
        } else {
            self.batch
        }
    }
}

/// One accepted particle.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    /// The parameter values, in the order of the priors.
    pub params: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Its distance to the observed statistics.
    pub distance: f64,
    /// Its simulated statistics (averaged over replicates).
    pub stats: Vec<f64>,
}

/// One finished generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    /// Its index, from 0 (the prior).
    pub index: u32,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// The accepted particles, in the order they were accepted.
    pub particles: Vec<Particle>,
    /// Candidates proposed up to the last one accepted (outside the prior's support
    /// included).
    pub proposed: u64,
    /// Simulations run in this generation (every candidate of every batch run, replicates
    /// counted).
    pub simulations: u64,
}

impl Generation {
    /// Accepted over proposed.
    pub fn acceptance(&self) -> f64 {
        self.particles.len() as f64 / self.proposed.max(1) as f64
    }

    /// Effective sample size of the weights: 1 / Σ w².
    pub fn ess(&self) -> f64 {
        1.0 / self
            .particles
            .iter()
            .map(|p| p.weight * p.weight)
            .sum::<f64>()
    }

    /// The weighted mean of parameter `k`.
    pub fn mean(&self, k: usize) -> f64 {
        self.particles.iter().map(|p| p.weight * p.params[k]).sum()
    }

    /// The weighted standard deviation of parameter `k`.
    pub fn sd(&self, k: usize) -> f64 {
        let m = self.mean(k);
        self.particles
            .iter()
            .map(|p| p.weight * (p.params[k] - m).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// The weighted quantile `q` of parameter `k` (the smallest value whose cumulative
    /// weight reaches q).
    pub fn quantile(&self, k: usize, q: f64) -> f64 {
        let mut v: Vec<(f64, f64)> = self
            .particles
            .iter()
            .map(|p| (p.params[k], p.weight))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut c = 0.0;
        for (x, w) in &v {
            c += w;
            if c >= q {
                return *x;
            }
        }
        v.last().map_or(f64::NAN, |x| x.0)
    }
}

/// Why a calibration stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// A generation reached `final_tolerance`.
    FinalTolerance,
    /// `max_generations` generations are done.
    MaxGenerations,
    /// The next generation would have exceeded `max_simulations` (it was given up).
    Budget,
    /// The acceptance rate fell below `min_acceptance` (a generation that could not reach it
    /// was given up).
    MinAcceptance,
    /// The tolerance stopped falling (every distance of a generation equal).
    Stalled,
}

impl Stop {
    /// A short phrase for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::FinalTolerance => "reached the final tolerance",
            Stop::MaxGenerations => "reached max_generations",
            Stop::Budget => "the next generation would exceed max_simulations",
            Stop::MinAcceptance => "the acceptance rate fell below min_acceptance",
            Stop::Stalled => "the tolerance stopped falling",
        }
    }
}

/// What a progress callback is told.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Progress {
    /// A generation starts with this tolerance (infinite for generation 0).
    Start {
        /// The generation.
        generation: u32,
        /// Its tolerance.
        tolerance: f64,
    },
    /// A candidate's simulations are done (called from worker threads).
    Simulated,
    /// A generation is finished (and, for a caller that stores it, about to be stored).
    Generation {
        /// The generation.
        generation: u32,
        /// Particles accepted.
        accepted: usize,
        /// Simulations run so far, all generations.
        simulations: u64,
        /// Its tolerance.
        tolerance: f64,
    },
}

/// A progress callback: [`ControlFlow::Break`] cancels the calibration.
pub type ProgressFn<'a> = dyn Fn(Progress) -> ControlFlow<()> + Sync + 'a;

/// Why a calibration did not finish.
#[derive(Debug, thiserror::Error)]
pub enum SmcError<E> {
    /// The problem or settings are wrong.
    #[error("{0}")]
    Invalid(String),
    /// The simulator failed.
    #[error("simulation failed: {0}")]
    Simulator(E),
    /// Storing a finished generation failed.
    #[error("{0}")]
    Store(String),
    /// The progress callback asked to stop. Finished generations were stored.
    #[error("cancelled")]
    Cancelled,
    /// A simulation failed in another process of a [`Share`] (that process reports it).
    #[error("a simulation failed in process {rank}")]
    Elsewhere {
        /// The process whose simulation failed.
        rank: usize,
    },
}

/// The result of a calibration: every generation, the last being the posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// Every finished generation, from 0.
    pub generations: Vec<Generation>,
    /// Why it stopped.
    pub stop: Stop,
}

impl Calibration {
    /// The last generation: the approximate posterior.
    pub fn posterior(&self) -> &Generation {
        self.generations.last().expect("at least generation 0")
    }

    /// Simulations run, all generations.
    pub fn simulations(&self) -> u64 {
        self.generations.iter().map(|g| g.simulations).sum()
    }
}

/// The unweighted `q` quantile of `d` (the order statistic at ⌈q n⌉).
fn quantile(d: &[f64], q: f64) -> f64 {
    let mut v = d.to_vec();
    v.sort_by(f64::total_cmp);
    let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[k - 1]
}

/// Per-component standard deviations of the perturbation kernel: sqrt(2 × weighted
/// variance) (Beaumont et al. 2009); a component with no spread gets a tiny one relative to
/// its value, so that the kernel density stays finite.
fn kernel_sd(prev: &Generation, dim: usize) -> Vec<f64> {
    (0..dim)
        .map(|k| {
            let s = (2.0f64).sqrt() * prev.sd(k);
            if s > 0.0 {
                s
            } else {
                1e-9 * prev.mean(k).abs().max(1.0)
            }
        })
        .collect()
}

/// What the simulation of one candidate gave.
struct Candidate {
    params: Vec<f64>,
    /// `None`: outside the prior's support (not simulated).
    result: Option<(f64, Vec<f64>)>,
}

/// Runs ABC-SMC on `problem` with `simulate(params, seed)`, continuing after the generations
/// of `done` (empty for a new run; those of an interrupted run of the same problem, settings
/// and seed to resume it, which gives the same result as an uninterrupted run). `store` is
/// called with each new finished generation, in order (to write it to disk; an error stops
/// the run). Runs on the current rayon pool.
///
/// ```
/// use impunity::calibrate::{Prior, Problem, Settings, calibrate, no_progress};
/// // a normal mean: statistic = theta + noise
/// let problem = Problem {
///     priors: vec![Prior::Uniform { a: -5.0, b: 5.0 }],
///     observed: vec![1.0],
///     scale: vec![1.0],
///     weight: vec![1.0],
/// };
/// let settings = Settings { particles: 100, max_generations: 4, ..Settings::default() };
/// let sim = |t: &[f64], _seed: u64| Ok::<_, String>(vec![t[0]]);
/// let c = calibrate(&problem, &settings, 7, &sim, Vec::new(), &mut |_| Ok(()), &no_progress).unwrap();
/// assert_eq!(c.generations.len(), 4);
/// let post = c.posterior();
/// assert!((post.mean(0) - 1.0).abs() < 0.2);
/// assert!(post.tolerance < c.generations[1].tolerance);
/// ```
pub fn calibrate<E, F>(
    problem: &Problem,
    settings: &Settings,
    seed: u64,
    simulate: &F,
    done: Vec<Generation>,
    store: &mut dyn FnMut(&Generation) -> Result<(), String>,
    progress: &ProgressFn<'_>,
) -> Result<Calibration, SmcError<E>>
where
    F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync,
    E: Send,
{
    calibrate_shared(
        problem, settings, seed, simulate, done, store, progress, None,
    )
}

/// [`calibrate`], with each batch's candidates shared out among the processes of `share`
/// (`None`: this process alone). Every process gets the same [`Calibration`], that of
/// [`calibrate`] bit for bit; each calls `store` and `progress` (its own simulations, and
/// the other processes' after each batch). A stop asked by `progress` takes effect at the
/// next batch's exchange, in every process.
#[allow(clippy::too_many_arguments)]
pub fn calibrate_shared<E, F>(
    problem: &Problem,
    settings: &Settings,
    seed: u64,
    simulate: &F,
    done: Vec<Generation>,
    store: &mut dyn FnMut(&Generation) -> Result<(), String>,
    progress: &ProgressFn<'_>,
    share: Option<&dyn Share>,
) -> Result<Calibration, SmcError<E>>
where
    F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync,
    E: Send,
{
    // a stop asked while processes share the work waits for the next exchange
    let asked = AtomicBool::new(false);
    let stop_now = |flow: ControlFlow<()>| -> bool {
        if flow.is_break() {
            asked.store(true, Ordering::Relaxed);
        }
        flow.is_break() && share.is_none()
    };
    problem.check().map_err(SmcError::Invalid)?;
    settings
        .check()
        .map_err(|(k, m)| SmcError::Invalid(format!("{k}: {m}")))?;
    let mut gens = done;
    let mut sims: u64 = gens.iter().map(|g| g.simulations).sum();
    loop {
        // stopping rules that follow from the finished generations
        if let Some(last) = gens.last() {
            if settings.final_tolerance > 0.0 && last.tolerance <= settings.final_tolerance {
                return Ok(Calibration {
                    generations: gens,
                    stop: Stop::FinalTolerance,
                });
            }
            if last.index > 0 && last.acceptance() < settings.min_acceptance {
                return Ok(Calibration {
                    generations: gens,
                    stop: Stop::MinAcceptance,
                });
            }
            if gens.len() as u32 >= settings.max_generations {
                return Ok(Calibration {
                    generations: gens,
                    stop: Stop::MaxGenerations,
                });
            }
        }
        let g = gens.len() as u32;
        let tolerance = match gens.last() {
            None => f64::INFINITY,
            Some(prev) => {
                let d: Vec<f64> = prev.particles.iter().map(|p| p.distance).collect();
                let eps = quantile(&d, settings.quantile).max(settings.final_tolerance);
                if eps >= prev.tolerance || d.iter().all(|&x| x == d[0]) {
                    return Ok(Calibration {
                        generations: gens,
                        stop: Stop::Stalled,
                    });
                }
                eps
            }
        };
        if stop_now(progress(Progress::Start {
            generation: g,
            tolerance,
        })) {
            return Err(SmcError::Cancelled);
        }
        let new = match generation(
            problem,
            settings,
            seed,
            g,
            tolerance,
            gens.last(),
            sims,
            simulate,
            progress,
            share,
            &asked,
        )? {
            Ok(new) => new,
            Err(_) if gens.is_empty() => {
                return Err(SmcError::Invalid(
                    "max_simulations does not cover generation 0".into(),
                ));
            }
            Err(stop) => {
                return Ok(Calibration {
                    generations: gens,
                    stop,
                });
            }
        };
        sims += new.simulations;
        store(&new).map_err(SmcError::Store)?;
        let told = progress(Progress::Generation {
            generation: g,
            accepted: new.particles.len(),
            simulations: sims,
            tolerance,
        });
        gens.push(new);
        if stop_now(told) {
            return Err(SmcError::Cancelled);
        }
    }
}

/// Generation `g` with tolerance `tolerance`, from `prev` (`None`: from the prior), or why it
/// was given up ([`Stop::Budget`], or [`Stop::MinAcceptance`] when it cannot reach the minimum
/// acceptance rate).
#[allow(clippy::too_many_arguments)]
fn generation<E, F>(
    problem: &Problem,
    settings: &Settings,
    seed: u64,
    g: u32,
    tolerance: f64,
    prev: Option<&Generation>,
    sims_before: u64,
    simulate: &F,
    progress: &ProgressFn<'_>,
    share: Option<&dyn Share>,
    asked: &AtomicBool,
) -> Result<Result<Generation, Stop>, SmcError<E>>
where
    F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync,
    E: Send,
{
    let n = settings.particles;
    let dim = problem.priors.len();
    let reps = u64::from(settings.replicates);
    let batch = settings.batch() as u64;
    let sd = prev.map(|p| kernel_sd(p, dim));
    let cumw: Vec<f64> = prev
        .map(|p| {
            let mut c = 0.0;
            p.particles
                .iter()
                .map(|q| {
                    c += q.weight;
                    c
                })
                .collect()
        })
        .unwrap_or_default();
    // past this many proposals the acceptance rate is below min_acceptance
    let max_proposed = if settings.min_acceptance > 0.0 && prev.is_some() {
        (n as f64 / settings.min_acceptance).ceil() as u64
    } else {
        u64::MAX
    };
    let cancelled = AtomicBool::new(asked.load(Ordering::Relaxed) && share.is_none());
    // candidate i's parameters and the seeds of its simulations
    let draw = |i: u64| -> (Vec<f64>, Vec<u64>) {
        let mut rng = candidate_rng(seed, g, i);
        let seeds: Vec<u64> = (0..reps).map(|_| rng.random::<u64>()).collect();
        let params: Vec<f64> = match (prev, &sd) {
            (Some(prev), Some(sd)) => {
                let u: f64 = rng.random::<f64>() * cumw.last().copied().unwrap_or(1.0);
                let j = cumw
                    .partition_point(|&c| c < u)
                    .min(prev.particles.len() - 1);
                prev.particles[j]
                    .params
                    .iter()
                    .zip(sd)
                    .map(|(&x, &s)| {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        x + s * z
                    })
                    .collect()
            }
            _ => problem.priors.iter().map(|p| p.sample(&mut rng)).collect(),
        };
        (params, seeds)
    };
    let propose = |i: u64| -> Result<Candidate, E> {
        let (params, seeds) = draw(i);
        if problem.prior_density(&params) <= 0.0 {
            return Ok(Candidate {
                params,
                result: None,
            });
        }
        let mut mean: Vec<f64> = Vec::new();
        for s in seeds {
            if cancelled.load(Ordering::Relaxed) {
                break;
            }
            let stats = simulate(&params, s)?;
            if mean.is_empty() {
                mean = stats;
            } else {
                for (m, x) in mean.iter_mut().zip(stats) {
                    *m += x;
                }
            }
        }
        for m in &mut mean {
            *m /= reps as f64;
        }
        if progress(Progress::Simulated).is_break() {
            cancelled.store(true, Ordering::Relaxed);
        }
        let d = problem.distance(&mean);
        Ok(Candidate {
            params,
            result: Some((d, mean)),
        })
    };
    let mut accepted: Vec<(Vec<f64>, f64, Vec<f64>)> = Vec::with_capacity(n);
    let mut sims = 0u64;
    let mut proposed = 0u64;
    let mut next = 0u64;
    while accepted.len() < n {
        if sims_before + sims + batch * reps > settings.max_simulations {
            return Ok(Err(Stop::Budget));
        }
        if next >= max_proposed {
            return Ok(Err(Stop::MinAcceptance));
        }
        let results: Vec<Result<Candidate, E>> = match share {
            None => (next..next + batch).into_par_iter().map(propose).collect(),
            Some(share) => {
                let ours = |i: &u64| (i - next) % share.size() as u64 == share.rank() as u64;
                let mine: Vec<u64> = (next..next + batch).filter(ours).collect();
                let done: Vec<Result<Candidate, E>> =
                    mine.par_iter().map(|&i| propose(i)).collect();
                let flag = cancelled.load(Ordering::Relaxed) || asked.load(Ordering::Relaxed);
                let all = share.all_gather(&encode_batch(flag, &done, problem.observed.len()));
                if all.iter().any(|b| b.first() != Some(&0)) {
                    return Err(SmcError::Cancelled);
                }
                let mut done = done.into_iter();
                let mut theirs = Vec::with_capacity(batch as usize);
                for i in next..next + batch {
                    if ours(&i) {
                        theirs.push(done.next().expect("one result per candidate of ours"));
                        continue;
                    }
                    let k = (i - next) as usize;
                    let rank = k % share.size();
                    let decoded =
                        decode_candidate(&all[rank], k / share.size(), problem.observed.len());
                    match decoded {
                        None => return Err(SmcError::Elsewhere { rank }),
                        Some(result) => {
                            if result.is_some() && progress(Progress::Simulated).is_break() {
                                asked.store(true, Ordering::Relaxed);
                            }
                            theirs.push(Ok(Candidate {
                                params: draw(i).0,
                                result,
                            }));
                        }
                    }
                }
                theirs
            }
        };
        if cancelled.load(Ordering::Relaxed) && share.is_none() {
            return Err(SmcError::Cancelled);
        }
        for (k, r) in results.into_iter().enumerate() {
            let c = r.map_err(SmcError::Simulator)?;
            if c.result.is_some() {
                sims += reps;
            }
            if accepted.len() < n {
                if let Some((d, stats)) = c.result {
                    if d <= tolerance {
                        accepted.push((c.params, d, stats));
                        proposed = next + k as u64 + 1;
                    }
                }
            }
        }
        next += batch;
    }
    // importance weights
    let raw: Vec<f64> = match (prev, &sd) {
        (Some(prev), Some(sd)) => accepted
            .iter()
            .map(|(theta, _, _)| {
                let denom: f64 = prev
                    .particles
                    .iter()
                    .map(|q| {
                        q.weight
                            * theta
                                .iter()
                                .zip(&q.params)
                                .zip(sd)
                                .map(|((&x, &y), &s)| {
                                    let z = (x - y) / s;
                                    libm::exp(-0.5 * z * z) / s
                                })
                                .product::<f64>()
                    })
                    .sum();
                problem.prior_density(theta) / denom
            })
            .collect(),
        _ => vec![1.0; accepted.len()],
    };
    let total: f64 = raw.iter().sum();
    let particles = accepted
        .into_iter()
        .zip(raw)
        .map(|((params, distance, stats), w)| Particle {
            params,
            weight: w / total,
            distance,
            stats,
        })
        .collect();
    Ok(Ok(Generation {
        index: g,
        tolerance,
        particles,
        proposed,
        simulations: sims,
    }))
}

/// Bytes per candidate in a batch's exchange: a status byte (0 not simulated, 1 simulated,
/// 2 failed), the distance and `m` statistics as little-endian f64 bits.
fn candidate_bytes(m: usize) -> usize {
    1 + 8 * (1 + m)
}

/// A process's share of a batch, for [`Share::all_gather`]: a stop flag byte, then each
/// candidate.
fn encode_batch<E>(stop: bool, done: &[Result<Candidate, E>], m: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + done.len() * candidate_bytes(m));
    out.push(u8::from(stop));
    for r in done {
        let (status, d, stats): (u8, f64, &[f64]) = match r {
            Ok(Candidate { result: None, .. }) => (0, 0.0, &[]),
            Ok(Candidate {
                result: Some((d, stats)),
                ..
            }) => (1, *d, stats),
            Err(_) => (2, 0.0, &[]),
        };
        out.push(status);
        out.extend_from_slice(&d.to_le_bytes());
        // a stopped candidate may hold fewer statistics: the stop flag says so
        for k in 0..m {
            out.extend_from_slice(&stats.get(k).copied().unwrap_or(0.0).to_le_bytes());
        }
    }
    out
}

/// Candidate `j` of a process's share: `Some(None)` not simulated, `Some(Some((distance,
/// statistics)))`, or `None` if its simulation failed (or the share is too short).
fn decode_candidate(share: &[u8], j: usize, m: usize) -> Option<Option<(f64, Vec<f64>)>> {
    let at = 1 + j * candidate_bytes(m);
    let c = share.get(at..at + candidate_bytes(m))?;
    let f = |k: usize| f64::from_le_bytes(c[1 + 8 * k..9 + 8 * k].try_into().expect("8 bytes"));
    match c[0] {
        0 => Some(None),
        1 => Some(Some((f(0), (1..=m).map(f).collect()))),
        _ => None,
    }
}

/// The progress callback that shows nothing and never stops.
pub fn no_progress(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}
