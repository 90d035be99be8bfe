//! The algorithm on toy models with known posteriors.

use super::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// The statistic of the toy model: theta + N(0, sigma) noise drawn from the simulation's seed.
fn noisy(sigma: f64) -> impl Fn(&[f64], u64) -> Result<Vec<f64>, String> + Sync {
    move |t: &[f64], seed: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let z: f64 = StandardNormal.sample(&mut rng);
        Ok(vec![t[0] + sigma * z])
    }
}

fn normal_problem(y: f64) -> Problem {
    Problem {
        priors: vec![Prior::Normal { mu: 0.0, sd: 1.0 }],
        observed: vec![y],
        scale: vec![1.0],
        weight: vec![1.0],
    }
}

fn run(problem: &Problem, settings: &Settings, seed: u64) -> Calibration {
    fresh(problem, settings, seed, &noisy(0.5)).unwrap()
}

/// Prior N(0, 1), one observation y ~ N(theta, 0.5²), y = 1.5: the posterior is normal with
/// mean 1.5 × 1 / (1 + 0.25) = 1.2 and variance 0.25 / 1.25 = 0.2 (sd 0.447).
///
/// ABC with tolerance eps targets the posterior given |y_sim − y| ≤ eps: its noise has the
/// extra variance eps²/3 (a uniform window), which at eps = 0.05 moves the mean by under 0.001
/// and the sd by under 0.1 %. What remains is Monte Carlo error: the sd of the weighted mean
/// is about 0.447 / sqrt(ESS), of the weighted sd about 0.447 / sqrt(2 ESS). The test allows
/// 4 of those standard errors, computed from the run's own ESS.
#[test]
fn the_normal_mean_posterior_is_recovered() {
    let settings = Settings {
        particles: 1000,
        quantile: 0.5,
        max_generations: 30,
        max_simulations: 2_000_000,
        min_acceptance: 0.0,
        final_tolerance: 0.05,
        ..Settings::default()
    };
    let c = run(&normal_problem(1.5), &settings, 11);
    assert_eq!(c.stop, Stop::FinalTolerance);
    let post = c.posterior();
    assert!(post.tolerance <= 0.05);
    let ess = post.ess();
    assert!(ess > 200.0, "ESS {ess}");
    let (m, sd) = (post.mean(0), post.sd(0));
    let (want_m, want_sd) = (1.2, 0.2f64.sqrt());
    assert!(
        (m - want_m).abs() < 4.0 * want_sd / ess.sqrt(),
        "mean {m}, ESS {ess}"
    );
    assert!(
        (sd - want_sd).abs() < 4.0 * want_sd / (2.0 * ess).sqrt(),
        "sd {sd}, ESS {ess}"
    );
    // the tolerances fall, the weights are normalised
    for w in c.generations.windows(2) {
        assert!(w[1].tolerance < w[0].tolerance);
    }
    let total: f64 = post.particles.iter().map(|p| p.weight).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

/// Coverage on synthetic data: 100 truths drawn from the prior N(0, 1), each with its observed
/// statistic simulated, each calibrated; the 90 % central credible interval (weighted 5 % and
/// 95 % quantiles) should hold the truth in about 90 % of repeats. The count is
/// Binomial(100, 0.9) if the intervals are right (sd 3): the band [81, 98] holds it with
/// probability above 0.99. ABC at a finite tolerance is slightly over-dispersed, which errs
/// towards over-coverage; a badly wrong posterior (sd off by a factor 2) covers about 56 % or
/// 99.9 %, far outside.
#[test]
fn credible_intervals_cover_the_truth_about_90_percent_of_the_time() {
    let settings = Settings {
        particles: 300,
        quantile: 0.5,
        max_generations: 30,
        max_simulations: 1_000_000,
        min_acceptance: 0.0,
        final_tolerance: 0.1,
        ..Settings::default()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let repeats = 100;
    let mut inside = 0;
    for r in 0..repeats {
        let truth: f64 = StandardNormal.sample(&mut rng);
        let y = noisy(0.5)(&[truth], rng.random::<u64>()).unwrap()[0];
        let c = run(&normal_problem(y), &settings, 1000 + r);
        let post = c.posterior();
        let (lo, hi) = (post.quantile(0, 0.05), post.quantile(0, 0.95));
        if truth >= lo && truth <= hi {
            inside += 1;
        }
    }
    assert!((81..=98).contains(&inside), "{inside} of {repeats} inside");
}

/// A calibration from scratch (no generations to resume), stored nowhere, never stopped.
fn fresh<E: Send, F: Fn(&[f64], u64) -> Result<Vec<f64>, E> + Sync>(
    problem: &Problem,
    settings: &Settings,
    seed: u64,
    simulate: &F,
) -> Result<Calibration, SmcError<E>> {
    calibrate(
        problem,
        settings,
        seed,
        simulate,
        Vec::new(),
        &mut |_| Ok(()),
        &no_progress,
    )
}

fn two_param_problem() -> Problem {
    Problem {
        priors: vec![
            Prior::Uniform { a: -3.0, b: 3.0 },
            Prior::LogUniform { a: 0.1, b: 10.0 },
        ],
        observed: vec![1.0, 2.0],
        scale: vec![1.0, 0.5],
        weight: vec![1.0, 1.0],
    }
}

fn two_param_sim(t: &[f64], seed: u64) -> Result<Vec<f64>, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let z: f64 = StandardNormal.sample(&mut rng);
    Ok(vec![t[0] + 0.3 * z, t[1] + t[0] * 0.1])
}

fn settings_small() -> Settings {
    Settings {
        particles: 64,
        max_generations: 5,
        replicates: 2,
        batch: 40,
        ..Settings::default()
    }
}

#[test]
fn the_same_seed_gives_the_same_bits_on_one_or_two_threads() {
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| fresh(&two_param_problem(), &settings_small(), 5, &two_param_sim).unwrap())
    };
    let (a, b) = (on(1), on(2));
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.generations.len(), 5);
    // another seed, another posterior
    let c = fresh(&two_param_problem(), &settings_small(), 6, &two_param_sim).unwrap();
    assert_ne!(a.posterior(), c.posterior());
}

#[test]
fn resuming_after_any_generation_gives_the_same_result() {
    let full = fresh(&two_param_problem(), &settings_small(), 9, &two_param_sim).unwrap();
    for k in 1..full.generations.len() {
        let mut stored = Vec::new();
        let resumed = calibrate(
            &two_param_problem(),
            &settings_small(),
            9,
            &two_param_sim,
            full.generations[..k].to_vec(),
            &mut |g| {
                stored.push(g.index);
                Ok(())
            },
            &no_progress,
        )
        .unwrap();
        assert_eq!(resumed, full);
        let want: Vec<u32> = (k as u32..full.generations.len() as u32).collect();
        assert_eq!(stored, want);
    }
}

#[test]
fn cancelling_keeps_the_finished_generations() {
    let mut stored = Vec::new();
    let stop_after_two = |p: Progress| match p {
        Progress::Generation { generation: 1, .. } => std::ops::ControlFlow::Break(()),
        _ => std::ops::ControlFlow::Continue(()),
    };
    let e = calibrate(
        &two_param_problem(),
        &settings_small(),
        9,
        &two_param_sim,
        Vec::new(),
        &mut |g| {
            stored.push(g.clone());
            Ok(())
        },
        &stop_after_two,
    )
    .unwrap_err();
    assert!(matches!(e, SmcError::Cancelled));
    assert_eq!(stored.len(), 2);
}

#[test]
fn the_budget_and_the_acceptance_rate_stop_the_run() {
    let s = Settings {
        particles: 50,
        max_generations: 100,
        max_simulations: 400,
        min_acceptance: 0.0,
        ..Settings::default()
    };
    let c = fresh(&two_param_problem(), &s, 1, &two_param_sim).unwrap();
    assert_eq!(c.stop, Stop::Budget);
    assert!(c.simulations() <= 400);
    // a statistic the parameters cannot move: acceptance falls to the quantile and below
    let deaf = |_: &[f64], seed: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok::<_, String>(vec![rng.random::<f64>(), 0.0])
    };
    let s = Settings {
        particles: 50,
        max_generations: 100,
        max_simulations: 1_000_000,
        min_acceptance: 0.2,
        ..Settings::default()
    };
    let c = fresh(&two_param_problem(), &s, 1, &deaf).unwrap();
    assert_eq!(c.stop, Stop::MinAcceptance);
    assert!(c.generations.len() < 100);
}

#[test]
fn a_failing_simulator_and_bad_settings_are_errors() {
    let fail = |_: &[f64], _: u64| Err::<Vec<f64>, _>("boom".to_string());
    let e = fresh(&two_param_problem(), &settings_small(), 1, &fail).unwrap_err();
    assert_eq!(e.to_string(), "simulation failed: boom");
    let bad = Settings {
        quantile: 1.5,
        ..settings_small()
    };
    let e = fresh(&two_param_problem(), &bad, 1, &two_param_sim).unwrap_err();
    assert!(e.to_string().starts_with("quantile:"), "{e}");
}

/// Processes of a [`Share`] played by threads: an all-gather through a mutex and a barrier.
struct Threads {
    rank: usize,
    size: usize,
    slots: std::sync::Arc<(std::sync::Mutex<Vec<Vec<u8>>>, std::sync::Barrier)>,
}

impl Share for Threads {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.size
    }
    fn all_gather(&self, mine: &[u8]) -> Vec<Vec<u8>> {
        let (slots, barrier) = &*self.slots;
        slots.lock().unwrap()[self.rank] = mine.to_vec();
        barrier.wait(); // every share is in
        let all = slots.lock().unwrap().clone();
        barrier.wait(); // every process has read them before the next exchange
        all
    }
}

/// Runs `f(share)` on `size` threads standing for processes; their results in rank order.
fn shared<T: Send>(size: usize, f: impl Fn(&dyn Share) -> T + Sync) -> Vec<T> {
    let slots = std::sync::Arc::new((
        std::sync::Mutex::new(vec![Vec::new(); size]),
        std::sync::Barrier::new(size),
    ));
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..size)
            .map(|rank| {
                let share = Threads {
                    rank,
                    size,
                    slots: slots.clone(),
                };
                let f = &f;
                sc.spawn(move || f(&share))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn processes_sharing_the_batches_get_the_single_process_bits() {
    let single = fresh(&two_param_problem(), &settings_small(), 5, &two_param_sim).unwrap();
    for size in [2, 3] {
        let all = shared(size, |share| {
            let mut stored = Vec::new();
            let c = calibrate_shared(
                &two_param_problem(),
                &settings_small(),
                5,
                &two_param_sim,
                Vec::new(),
                &mut |g| {
                    stored.push(g.index);
                    Ok(())
                },
                &no_progress,
                Some(share),
            )
            .unwrap();
            (c, stored)
        });
        for (c, stored) in all {
            assert_eq!(format!("{c:?}"), format!("{single:?}"), "{size} processes");
            assert_eq!(stored.len(), single.generations.len());
        }
    }
}

#[test]
fn a_failure_or_a_stop_in_one_process_ends_every_process() {
    // process 1's simulations fail: it reports its error, the others name it
    let errors = shared(2, |share| {
        let rank = share.rank();
        let sim = move |t: &[f64], seed: u64| {
            if rank == 1 {
                Err("boom".to_string())
            } else {
                two_param_sim(t, seed)
            }
        };
        calibrate_shared(
            &two_param_problem(),
            &settings_small(),
            5,
            &sim,
            Vec::new(),
            &mut |_| Ok(()),
            &no_progress,
            Some(share),
        )
        .unwrap_err()
        .to_string()
    });
    assert_eq!(
        errors,
        [
            "a simulation failed in process 1",
            "simulation failed: boom"
        ]
    );
    // process 0 asks to stop after generation 1: both stop at the next batch's exchange, and
    // both hold generations 0 and 1
    let stops = shared(2, |share| {
        let rank = share.rank();
        let stop = move |p: Progress| match p {
            Progress::Generation { generation: 1, .. } if rank == 0 => {
                std::ops::ControlFlow::Break(())
            }
            _ => std::ops::ControlFlow::Continue(()),
        };
        let mut stored = Vec::new();
        let e = calibrate_shared(
            &two_param_problem(),
            &settings_small(),
            5,
            &two_param_sim,
            Vec::new(),
            &mut |g| {
                stored.push(g.index);
                Ok(())
            },
            &stop,
            Some(share),
        )
        .unwrap_err();
        (matches!(e, SmcError::Cancelled), stored)
    });
    assert_eq!(stops, [(true, vec![0, 1]), (true, vec![0, 1])]);
}

/// The kernel steps on ln x for log-uniform priors and stays inside the support: eight
/// log-uniform parameters over two orders of magnitude, each with its own statistic
/// (ln theta_k + N(0, 0.5) noise), observed at ln 1 = 0. A kernel on the natural scale wasted
/// most candidates outside some prior at once (the central-Mali study of 12 parameters
/// stopped after generation 0 on `min_acceptance`); here the acceptance rate stays above it
/// for five generations and the posterior of each ln theta_k centres on 0.
#[test]
fn many_log_uniform_parameters_keep_a_workable_acceptance_rate() {
    let dim = 8;
    let problem = Problem {
        priors: vec![Prior::LogUniform { a: 0.1, b: 10.0 }; dim],
        observed: vec![0.0; dim],
        scale: vec![1.0; dim],
        weight: vec![1.0; dim],
    };
    let settings = Settings {
        particles: 300,
        quantile: 0.5,
        max_generations: 5,
        max_simulations: 1_000_000,
        min_acceptance: 0.03,
        ..Settings::default()
    };
    let sim = |t: &[f64], seed: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok::<_, String>(
            t.iter()
                .map(|&x| {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    x.ln() + 0.5 * z
                })
                .collect(),
        )
    };
    let c = fresh(&problem, &settings, 3, &sim).unwrap();
    assert_eq!(c.stop, Stop::MaxGenerations, "{:?}", c.stop);
    for g in &c.generations[1..] {
        assert!(
            g.acceptance() >= 0.05,
            "generation {}: {}",
            g.index,
            g.acceptance()
        );
        // every candidate is inside the support, so every one is simulated
        assert!(g.simulations >= g.proposed);
    }
    let post = c.posterior();
    for k in 0..dim {
        let m: f64 = post
            .particles
            .iter()
            .map(|p| p.weight * p.params[k].ln())
            .sum();
        assert!(
            m.abs() < 0.4,
            "parameter {k}: weighted mean of ln theta {m}"
        );
        assert!(
            post.particles
                .iter()
                .all(|p| (0.1..=10.0).contains(&p.params[k]))
        );
    }
}

/// The importance weights are those of the proposal actually used (a truncated kernel on the
/// ln scale): a log-uniform parameter the statistic says nothing about keeps its prior through
/// the generations, while a second, informative one narrows. Under log-uniform(0.01, 100),
/// P(theta < 1) = 1/2 and P(theta < 0.1) = 1/4; weights whose prior density is taken on the
/// natural scale (1/x, with the kernel on ln x) pile the weight on small values and shift both.
/// The allowance is 4 standard errors of a weighted proportion, from the run's own ESS.
#[test]
fn an_uninformed_log_uniform_parameter_keeps_its_prior() {
    let problem = Problem {
        priors: vec![
            Prior::Uniform { a: -5.0, b: 5.0 },
            Prior::LogUniform { a: 0.01, b: 100.0 },
        ],
        observed: vec![1.0],
        scale: vec![1.0],
        weight: vec![1.0],
    };
    let settings = Settings {
        particles: 2000,
        quantile: 0.5,
        max_generations: 5,
        max_simulations: 1_000_000,
        min_acceptance: 0.0,
        ..Settings::default()
    };
    let c = fresh(&problem, &settings, 5, &noisy(0.5)).unwrap();
    assert_eq!(c.stop, Stop::MaxGenerations);
    let post = c.posterior();
    assert!(
        post.sd(0) < 1.0,
        "the informative parameter narrowed: sd {}",
        post.sd(0)
    );
    let ess = post.ess();
    let share = |below: f64| -> f64 {
        post.particles
            .iter()
            .filter(|p| p.params[1] < below)
            .map(|p| p.weight)
            .sum()
    };
    for (below, want) in [(1.0, 0.5), (0.1, 0.25), (10.0, 0.75)] {
        let got = share(below);
        let se = (want * (1.0 - want) / ess).sqrt();
        assert!(
            (got - want).abs() < 4.0 * se,
            "P(theta < {below}) = {got}, want {want} (ESS {ess})"
        );
    }
}
