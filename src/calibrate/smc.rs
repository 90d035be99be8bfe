//! ABC-SMC (approximate Bayesian computation by sequential Monte Carlo), generic over a
//! simulator, so that it can be tested on toy models with known posteriors.
//!
//! Generation 0 draws `particles` parameter vectors from the prior and keeps them all (its
//! tolerance is infinite). Generation g ≥ 1 sets its tolerance to the `quantile` of the
//! distances of generation g − 1 (Del Moral, Doucet & Jasra 2012), then proposes candidates:
//! a particle of g − 1 picked by weight, moved by a Gaussian kernel whose variance is twice the
//! weighted variance of g − 1, component by component (Beaumont, Cornuet, Marin & Robert
//! 2009). The kernel steps on each prior's own scale: ln x for a `loguniform` prior (whose
//! values span orders of magnitude and which is uniform in ln x), x otherwise; and it is
//! truncated to the prior's support (a component falling outside is drawn again), so that
//! every candidate is simulated (`replicates` times, statistics averaged) and kept if its
//! distance is within the tolerance (Toni, Welch, Strelkowa, Ipsen & Stumpf 2009). Kept
//! particles get the importance weight prior(u) / Σ_j w_j K(u | u_j) / Z_j on the kernel's
//! scale u, normalised, where Z_j is the mass of parent j's kernel inside the support (so the
//! weights are those of the proposal actually used).
//!
//! # Determinism
//! Candidate `i` of generation `g` draws everything (the particle it moves, the move, the
//! seeds of its simulations) from its own generator, a ChaCha8 stream of (seed, g, i).
//! Candidates are simulated in batches of a fixed size (not depending on the thread count),
//! in parallel on the caller's rayon pool, and accepted in index order until the generation
//! is full: the result is the same bytes on any number of threads.

use super::prior::Prior;
pub use super::problem::{Problem, Settings};
pub use super::share::Share;
use super::share::{decode_candidate, encode_batch};
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
    /// Candidates proposed up to the last one accepted (the kernel draws inside the prior's
    /// support, so all are simulated but for a prior density underflowing to 0).
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

/// Per-component standard deviations of the perturbation kernel, on each prior's kernel
/// scale ([`Prior::to_kernel`]: ln x for `loguniform`, x otherwise): sqrt(2 × weighted
/// variance) (Beaumont et al. 2009); a component with no spread gets a tiny one relative to
/// its value, so that the kernel density stays finite.
fn kernel_sd(prev: &Generation, priors: &[Prior]) -> Vec<f64> {
    priors
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let u = |q: &Particle| p.to_kernel(q.params[k]);
            let m: f64 = prev.particles.iter().map(|q| q.weight * u(q)).sum();
            let v: f64 = prev
                .particles
                .iter()
                .map(|q| q.weight * (u(q) - m).powi(2))
                .sum();
            let s = (2.0f64).sqrt() * v.sqrt();
            if s > 0.0 { s } else { 1e-9 * m.abs().max(1.0) }
        })
        .collect()
}

/// Draws of one component tried before the kernel gives up and keeps the parent's value
/// (never reached in practice: a parent lies inside the support and the kernel's spread is at
/// most about 0.7 of the support's width, so at least 40 % of draws land inside).
const KERNEL_TRIES: u32 = 10_000;

/// One component of a candidate: the parent's value `u` (kernel scale) moved by a normal
/// step of `sd`, redrawn until it falls inside `[lo, hi]` (a normal truncated to the
/// support, so that no candidate is wasted outside the prior).
fn perturb(u: f64, sd: f64, (lo, hi): (f64, f64), rng: &mut ChaCha8Rng) -> f64 {
    for _ in 0..KERNEL_TRIES {
        let z: f64 = StandardNormal.sample(rng);
        let v = u + sd * z;
        if v >= lo && v <= hi {
            return v;
        }
    }
    u
}

/// The standard normal distribution function.
fn std_normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The mass a normal of mean `u` and spread `sd` puts inside `[lo, hi]`: the normaliser of
/// the truncated kernel of [`perturb`].
fn kernel_mass(u: f64, sd: f64, (lo, hi): (f64, f64)) -> f64 {
    std_normal_cdf((hi - u) / sd) - std_normal_cdf((lo - u) / sd)
}

/// What the simulation of one candidate gave.
pub(super) struct Candidate {
    pub(super) params: Vec<f64>,
    /// `None`: not simulated, its prior density being 0 (the kernel draws inside the support,
    /// so only a `normal` prior's density underflowing far in its tails gives this).
    pub(super) result: Option<(f64, Vec<f64>)>,
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
    let reps = u64::from(settings.replicates);
    let batch = settings.batch() as u64;
    let sd = prev.map(|p| kernel_sd(p, &problem.priors));
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
                    .zip(&problem.priors)
                    .map(|((&x, &s), p)| {
                        let u = perturb(p.to_kernel(x), s, p.kernel_bounds(), &mut rng);
                        p.from_kernel(u)
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
    // importance weights, on the kernel's scale: the prior density there over the density of
    // the proposal (a mixture of the previous generation's truncated kernels)
    let raw: Vec<f64> = match (prev, &sd) {
        (Some(prev), Some(sd)) => {
            let bounds: Vec<(f64, f64)> = problem.priors.iter().map(Prior::kernel_bounds).collect();
            // each parent's position on the kernel scale and its kernel's mass inside the support
            let parents: Vec<(f64, Vec<f64>)> = prev
                .particles
                .iter()
                .map(|q| {
                    let u: Vec<f64> = q
                        .params
                        .iter()
                        .zip(&problem.priors)
                        .map(|(&x, p)| p.to_kernel(x))
                        .collect();
                    let mass: f64 = u
                        .iter()
                        .zip(sd)
                        .zip(&bounds)
                        .map(|((&u, &s), &b)| kernel_mass(u, s, b))
                        .product();
                    (q.weight / mass, u)
                })
                .collect();
            accepted
                .iter()
                .map(|(theta, _, _)| {
                    let u: Vec<f64> = theta
                        .iter()
                        .zip(&problem.priors)
                        .map(|(&x, p)| p.to_kernel(x))
                        .collect();
                    let denom: f64 = parents
                        .iter()
                        .map(|(w, v)| {
                            w * u
                                .iter()
                                .zip(v)
                                .zip(sd)
                                .map(|((&x, &y), &s)| {
                                    let z = (x - y) / s;
                                    libm::exp(-0.5 * z * z) / s
                                })
                                .product::<f64>()
                        })
                        .sum();
                    let prior: f64 = theta
                        .iter()
                        .zip(&problem.priors)
                        .map(|(&x, p)| p.kernel_density(x))
                        .product();
                    prior / denom
                })
                .collect()
        }
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

/// The progress callback that shows nothing and never stops.
pub fn no_progress(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

#[cfg(test)]
mod kernel_tests {
    use super::*;

    /// The truncated kernel's mass: a half at a bound with a tiny spread, all of it for an
    /// unbounded (normal) prior, and its density over the support integrating to 1 (by the
    /// trapezoid rule) for a parent at the bound and one inside.
    #[test]
    fn the_truncated_kernel_is_normalised() {
        assert!((kernel_mass(0.0, 1e-6, (0.0, 1.0)) - 0.5).abs() < 1e-12);
        assert_eq!(
            kernel_mass(3.0, 2.0, (f64::NEG_INFINITY, f64::INFINITY)),
            1.0
        );
        let (lo, hi) = (-1.0, 2.0);
        for (u, s) in [(lo, 0.8), (0.3, 1.5), (hi, 0.2)] {
            let z = kernel_mass(u, s, (lo, hi));
            let n = 20_000;
            let h = (hi - lo) / n as f64;
            let f = |x: f64| {
                let t = (x - u) / s;
                libm::exp(-0.5 * t * t) / (s * (2.0 * std::f64::consts::PI).sqrt()) / z
            };
            let integral: f64 = (0..n)
                .map(|i| 0.5 * h * (f(lo + i as f64 * h) + f(lo + (i + 1) as f64 * h)))
                .sum();
            assert!((integral - 1.0).abs() < 1e-6, "parent {u}: {integral}");
        }
    }
}
