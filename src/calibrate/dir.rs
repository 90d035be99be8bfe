//! A calibration run into an output directory: claimed and locked as ensembles' directories
//! are, each finished generation stored at once (so that `--resume` continues after a kill),
//! and the outputs written at the end.
//!
//! Files: `posterior.csv`, `generations.csv`, `predictive.csv`, `manifest.json`, and the
//! record of the run in `.calibrate/` (`run.json`, the inputs it must be resumed with, and
//! `gen-NNNN.json`, one per finished generation, every number stored as its exact bits).

use super::config::Config;
use super::smc::{
    Calibration, Generation, Particle, ProgressFn, Share, SmcError, Stop, calibrate_shared,
    candidate_rng,
};
use super::statistic::Statistic;
use crate::ensemble::{EnsembleError, lock::DirLock, output_path};
use crate::output::write_atomic;
use crate::run::run_replicate;
use crate::scenario::Scenario;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files a calibration writes into its directory (besides `.calibrate/`).
pub const FILES: [&str; 4] = [
    "posterior.csv",
    "generations.csv",
    "predictive.csv",
    "manifest.json",
];

/// Draws from the posterior simulated for the predictive check (at most; fewer particles,
/// fewer draws).
pub const PREDICTIVE_DRAWS: usize = 100;

/// The generation index whose candidate streams the predictive check draws from (never a
/// real generation).
const PREDICTIVE_STREAM: u32 = 0xF_FFFF;

/// How [`run_in`] uses its directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirOptions {
    /// Continue an interrupted calibration of the same inputs from its last finished
    /// generation.
    pub resume: bool,
    /// Replace a calibration's outputs already in the directory.
    pub force: bool,
}

/// Why a calibration into a directory failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// The calibration file is wrong for this scenario.
    #[error(transparent)]
    Config(#[from] super::config::ConfigError),
    /// The directory cannot be used (locked, not a directory, …).
    #[error(transparent)]
    Dir(#[from] EnsembleError),
    /// The directory holds files and neither `--resume` nor `--force` was given.
    #[error(
        "{} is not empty ({}); use --resume to continue the calibration there, --force to replace it, or another --out",
        dir.display(), entries.join(", ")
    )]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
        /// What it holds.
        entries: Vec<String>,
    },
    /// `--force` would remove a `manifest.json` that is not a calibration's.
    #[error(
        "{} holds the manifest.json of another kind of run; --force replaces only a calibration's files",
        dir.display()
    )]
    NotOurs {
        /// The directory.
        dir: PathBuf,
    },
    /// `--resume` found no calibration to continue.
    #[error("nothing to resume in {}: it holds no .calibrate/run.json", dir.display())]
    NothingToResume {
        /// The directory.
        dir: PathBuf,
    },
    /// `--resume` with other inputs (scenario, calibration file, seed).
    #[error(
        "{} holds a calibration of other inputs (scenario, calibration file or seed differ); use the same ones to resume, or --force to start again",
        dir.display()
    )]
    Different {
        /// The directory.
        dir: PathBuf,
    },
    /// A stored generation cannot be read.
    #[error("{}: damaged ({reason}); remove it and every later gen-*.json to resume from the generation before", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Process 0 of a shared run ([`run_in_shared`]) refused the directory (it says why).
    #[error("process 0 refused the output directory")]
    Refused,
    /// The algorithm refused its settings or problem.
    #[error("{0}")]
    Invalid(String),
    /// A simulation failed (a parameter value the scenario refuses).
    #[error("a simulation failed: {0}")]
    Simulation(String),
    /// Saving a finished generation failed (a failure, not the caller's input).
    #[error("saving a generation failed: {0}")]
    Store(String),
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A finished calibration's directory cannot be read back ([`super::read_finished`]).
    #[error("{}: {reason}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The progress callback stopped the run; finished generations are on disk.
    #[error("cancelled; the finished generations are kept (rerun with --resume)")]
    Cancelled,
}

impl CalibrateError {
    /// Whether the error is the caller's input (exit code 2) rather than a failure (1).
    pub fn is_input(&self) -> bool {
        match self {
            CalibrateError::Dir(e) => e.is_input(),
            CalibrateError::Config(_)
            | CalibrateError::NotEmpty { .. }
            | CalibrateError::NotOurs { .. }
            | CalibrateError::NothingToResume { .. }
            | CalibrateError::Different { .. }
            | CalibrateError::Refused
            | CalibrateError::Invalid(_)
            | CalibrateError::Simulation(_)
            | CalibrateError::Unreadable { .. } => true,
            _ => false,
        }
    }
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CalibrateError + '_ {
    move |source| CalibrateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a calibration into a directory gave.
#[derive(Clone, Debug, PartialEq)]
pub struct DirReport {
    /// Every generation, the last the posterior.
    pub calibration: Calibration,
    /// Generations read back from the directory (`--resume`).
    pub resumed: usize,
    /// The directory written (as [`crate::ensemble::output_path`] resolves it).
    pub dir: PathBuf,
    /// The predictive check: per target (observed, mean, 5 % and 95 % quantiles of the
    /// simulated statistic under posterior draws).
    pub predictive: Vec<(f64, f64, f64, f64)>,
}

/// The simulator of a calibration: the scenario with the parameters set, run for `ticks`
/// ticks as replicate 0 of `seed`, and its statistics.
pub fn simulate(
    s: &Scenario,
    keys: &[String],
    stats: &[Statistic],
    ticks: u32,
    params: &[f64],
    seed: u64,
) -> Result<Vec<f64>, String> {
    let t = s
        .with_changes(keys.iter().map(String::as_str).zip(params.iter().copied()))
        .map_err(|e| e.to_string())?;
    let out = run_replicate(&t, seed, 0, ticks);
    let outcomes = if stats.iter().any(Statistic::needs_outcomes) {
        crate::ensemble::outcomes::values(&t, &out)
    } else {
        Vec::new()
    };
    Ok(stats
        .iter()
        .map(|st| st.value(&t, &out, &outcomes))
        .collect())
}

#[derive(Serialize, Deserialize)]
struct StoredParticle {
    params: Vec<u64>,
    weight: u64,
    distance: u64,
    stats: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
struct StoredGeneration {
    index: u32,
    tolerance: u64,
    proposed: u64,
    simulations: u64,
    particles: Vec<StoredParticle>,
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn floats(v: &[u64]) -> Vec<f64> {
    v.iter().map(|&x| f64::from_bits(x)).collect()
}

fn store(g: &Generation) -> StoredGeneration {
    StoredGeneration {
        index: g.index,
        tolerance: g.tolerance.to_bits(),
        proposed: g.proposed,
        simulations: g.simulations,
        particles: g
            .particles
            .iter()
            .map(|p| StoredParticle {
                params: bits(&p.params),
                weight: p.weight.to_bits(),
                distance: p.distance.to_bits(),
                stats: bits(&p.stats),
            })
            .collect(),
    }
}

fn restore(g: StoredGeneration) -> Generation {
    Generation {
        index: g.index,
        tolerance: f64::from_bits(g.tolerance),
        proposed: g.proposed,
        simulations: g.simulations,
        particles: g
            .particles
            .into_iter()
            .map(|p| Particle {
                params: floats(&p.params),
                weight: f64::from_bits(p.weight),
                distance: f64::from_bits(p.distance),
                stats: floats(&p.stats),
            })
            .collect(),
    }
}

fn gen_path(record: &Path, g: u32) -> PathBuf {
    record.join(format!("gen-{g:04}.json"))
}

/// The version of the ABC-SMC proposal, part of the fingerprint: version 2 moves log-uniform
/// keys on ln x and truncates the kernel to the support (version 1, unnamed in older
/// directories, stepped on the natural scale).
const ALGORITHM: &str = "abc-smc/2";

/// The inputs a run must be resumed with, as text (compared byte for byte).
fn fingerprint(s: &Scenario, config: &Config, seed: u64, ticks: u32) -> String {
    let v = serde_json::json!({
        // the algorithm's version: a run started under another kernel is not resumed
        "algorithm": ALGORITHM,
        "scenario": s.to_toml_string(),
        "seed": seed,
        "ticks": ticks,
        "settings": config.settings,
        "parameters": config.parameters.iter().map(|p| [p.key.clone(), p.prior.to_string()]).collect::<Vec<_>>(),
        "targets": config.targets.iter().map(|t| serde_json::json!({
            "statistic": t.statistic, "observed": t.observed.to_bits(),
            "scale": t.scale.to_bits(), "weight": t.weight.to_bits(),
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
}

/// Claims `dir`: empty (the lock file aside), or with `force` its calibration files removed.
fn claim(dir: &Path, force: bool) -> Result<(), CalibrateError> {
    if !dir.exists() {
        return Ok(());
    }
    let mut entries: Vec<String> = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != crate::ensemble::lock::LOCK_NAME)
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Ok(());
    }
    if !force {
        return Err(CalibrateError::NotEmpty {
            dir: dir.to_path_buf(),
            entries,
        });
    }
    let manifest = dir.join("manifest.json");
    if manifest.is_file() {
        let text = fs::read_to_string(&manifest).map_err(io(&manifest))?;
        let ours = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .is_some_and(|v| v["command"] == "calibrate");
        if !ours {
            return Err(CalibrateError::NotOurs {
                dir: dir.to_path_buf(),
            });
        }
    }
    for name in entries {
        let p = dir.join(&name);
        let ours = FILES.contains(&name.as_str())
            || name == ".calibrate"
            || name == "charts"
            || (name.starts_with('.') && name.ends_with(".partial"));
        if ours {
            let r = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
            r.map_err(io(&p))?;
        }
    }
    Ok(())
}

/// Reads the finished generations stored in `record`, in order.
pub(super) fn load(record: &Path) -> Result<Vec<Generation>, CalibrateError> {
    let mut gens = Vec::new();
    loop {
        let p = gen_path(record, gens.len() as u32);
        if !p.is_file() {
            return Ok(gens);
        }
        let text = fs::read_to_string(&p).map_err(io(&p))?;
        let g: StoredGeneration =
            serde_json::from_str(&text).map_err(|e| CalibrateError::Damaged {
                path: p.clone(),
                reason: e.to_string(),
            })?;
        if g.index != gens.len() as u32 {
            return Err(CalibrateError::Damaged {
                path: p,
                reason: format!("it holds generation {}", g.index),
            });
        }
        gens.push(restore(g));
    }
}

/// Calibrates `s` as `config` says, into `dir`, on the current rayon pool: the calibration
/// ([`calibrate`](super::calibrate)) with the model as simulator ([`simulate`]), then the
/// predictive check and the outputs.
pub fn run_in(
    s: &Scenario,
    config: &Config,
    seed: u64,
    dir: &Path,
    opts: &DirOptions,
    progress: &ProgressFn<'_>,
) -> Result<DirReport, CalibrateError> {
    let report = run_in_shared(s, config, seed, dir, opts, progress, None)?;
    Ok(report.expect("a single process writes the outputs"))
}

/// [`run_in`] by the processes of `share` (MPI ranks), each calling it with the same
/// arguments: process 0 claims (or resumes) `dir`, stores each generation, runs the
/// predictive check and writes the outputs, the same bytes as [`run_in`]; every process
/// simulates its share of each batch ([`super::calibrate_shared`]). Process 0 gets the
/// report, the others `None`. When process 0 refuses the directory, the others get
/// [`CalibrateError::Refused`].
pub fn run_in_shared(
    s: &Scenario,
    config: &Config,
    seed: u64,
    dir: &Path,
    opts: &DirOptions,
    progress: &ProgressFn<'_>,
    share: Option<&dyn Share>,
) -> Result<Option<DirReport>, CalibrateError> {
    let stats = config.statistics(s)?;
    config.check_keys(s)?;
    let ticks = config.ticks.unwrap_or(s.ticks);
    let first = share.is_none_or(|sh| sh.rank() == 0);
    // process 0: the directory, and the generations of a run to resume
    let claimed = if first {
        Some(claim_or_resume(s, config, seed, ticks, dir, opts))
    } else {
        None
    };
    let (dir, lock, done) = match (claimed, share) {
        (Some(c), None) => {
            let (dir, lock, done) = c?;
            (Some(dir), Some(lock), done)
        }
        (c, Some(share)) => {
            // process 0 tells the others whether it goes on, and what it resumes from
            let (message, kept) = match c {
                Some(Ok((dir, lock, done))) => {
                    let stored: Vec<StoredGeneration> = done.iter().map(store).collect();
                    let json = serde_json::to_vec(&stored).expect("serialisable");
                    (json, Some(Ok((dir, lock, done))))
                }
                Some(Err(e)) => (Vec::new(), Some(Err(e))),
                None => (Vec::new(), None),
            };
            let all = share.all_gather(&message);
            match kept {
                Some(Err(e)) => return Err(e),
                Some(Ok((dir, lock, done))) => (Some(dir), Some(lock), done),
                None => {
                    let stored: Vec<StoredGeneration> =
                        serde_json::from_slice(&all[0]).map_err(|_| CalibrateError::Refused)?;
                    (None, None, stored.into_iter().map(restore).collect())
                }
            }
        }
        (None, None) => unreachable!("a single process is process 0"),
    };
    let _lock = lock;
    let resumed = done.len();
    let keys: Vec<String> = config.parameters.iter().map(|p| p.key.clone()).collect();
    let sim = |params: &[f64], seed: u64| simulate(s, &keys, &stats, ticks, params, seed);
    let record = dir.as_ref().map(|d| d.join(".calibrate"));
    let mut keep = |g: &Generation| {
        let Some(record) = &record else {
            return Ok(()); // not process 0: it stores nothing
        };
        let p = gen_path(record, g.index);
        let text = serde_json::to_string(&store(g)).expect("serialisable");
        write_atomic(&p, |w| w.write_all(text.as_bytes()))
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let calibration = calibrate_shared(
        &config.problem(),
        &config.settings,
        seed,
        &sim,
        done,
        &mut keep,
        progress,
        share,
    )
    .map_err(|e| match e {
        SmcError::Invalid(m) => CalibrateError::Invalid(m),
        SmcError::Simulator(m) => CalibrateError::Simulation(m),
        SmcError::Store(m) => CalibrateError::Store(m),
        SmcError::Cancelled => CalibrateError::Cancelled,
        SmcError::Elsewhere { rank } => {
            CalibrateError::Simulation(format!("a simulation failed in process {rank}"))
        }
    })?;
    let Some(dir) = dir else {
        return Ok(None);
    };
    let draws = predictive_draws(&calibration, seed, &sim)?;
    let predictive = summarise(config, &draws);
    write_outputs(
        &dir,
        s,
        config,
        seed,
        ticks,
        &calibration,
        &draws,
        &predictive,
    )?;
    Ok(Some(DirReport {
        calibration,
        resumed,
        dir,
        predictive,
    }))
}

/// Claims `dir` for a new calibration, or checks that it holds this one to resume: the
/// directory (resolved), its lock, and the finished generations.
fn claim_or_resume(
    s: &Scenario,
    config: &Config,
    seed: u64,
    ticks: u32,
    dir: &Path,
    opts: &DirOptions,
) -> Result<(PathBuf, DirLock, Vec<Generation>), CalibrateError> {
    let dir = output_path(dir)?;
    let lock = DirLock::acquire(&dir)?;
    let record = dir.join(".calibrate");
    let run_json = record.join("run.json");
    let print = fingerprint(s, config, seed, ticks);
    let done = if opts.resume {
        if !run_json.is_file() {
            return Err(CalibrateError::NothingToResume { dir });
        }
        if fs::read_to_string(&run_json).map_err(io(&run_json))? != print {
            return Err(CalibrateError::Different { dir });
        }
        load(&record)?
    } else {
        claim(&dir, opts.force)?;
        fs::create_dir_all(&record).map_err(io(&record))?;
        write_atomic(&run_json, |w| w.write_all(print.as_bytes())).map_err(io(&run_json))?;
        Vec::new()
    };
    Ok((dir, lock, done))
}

/// A simulator of parameters and a seed to statistics.
type Simulator<'a> = dyn Fn(&[f64], u64) -> Result<Vec<f64>, String> + Sync + 'a;

/// Draws from the posterior (by weight, each from its own stream) and their simulated
/// statistics.
fn predictive_draws(
    c: &Calibration,
    seed: u64,
    sim: &Simulator<'_>,
) -> Result<Vec<(usize, Vec<f64>)>, CalibrateError> {
    let post = c.posterior();
    let n = post.particles.len().min(PREDICTIVE_DRAWS);
    let mut cum = Vec::with_capacity(post.particles.len());
    let mut acc = 0.0;
    for p in &post.particles {
        acc += p.weight;
        cum.push(acc);
    }
    (0..n as u64)
        .into_par_iter()
        .map(|i| {
            let mut rng = candidate_rng(seed, PREDICTIVE_STREAM, i);
            let u = rng.random::<f64>() * acc;
            let j = cum.partition_point(|&c| c < u).min(cum.len() - 1);
            let s = rng.random::<u64>();
            sim(&post.particles[j].params, s)
                .map(|v| (j, v))
                .map_err(CalibrateError::Simulation)
        })
        .collect()
}

fn summarise(config: &Config, draws: &[(usize, Vec<f64>)]) -> Vec<(f64, f64, f64, f64)> {
    config
        .targets
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut v: Vec<f64> = draws.iter().map(|(_, d)| d[k]).collect();
            v.sort_by(f64::total_cmp);
            let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
            let q = |p: f64| crate::stats::percentile(&v, p);
            (t.observed, mean, q(0.05), q(0.95))
        })
        .collect()
}

/// A number in the outputs: Rust's shortest exact form.
fn num(x: f64) -> String {
    if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x}")
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[allow(clippy::too_many_arguments)]
fn write_outputs(
    dir: &Path,
    s: &Scenario,
    config: &Config,
    seed: u64,
    ticks: u32,
    c: &Calibration,
    draws: &[(usize, Vec<f64>)],
    predictive: &[(f64, f64, f64, f64)],
) -> Result<(), CalibrateError> {
    let keys: Vec<String> = config
        .parameters
        .iter()
        .map(|p| csv_field(&p.key))
        .collect();
    let p = dir.join("posterior.csv");
    write_atomic(&p, |w| {
        writeln!(w, "generation,particle,weight,distance,{}", keys.join(","))?;
        for g in &c.generations {
            for (i, q) in g.particles.iter().enumerate() {
                let vals: Vec<String> = q.params.iter().map(|&x| num(x)).collect();
                writeln!(
                    w,
                    "{},{i},{},{},{}",
                    g.index,
                    num(q.weight),
                    num(q.distance),
                    vals.join(",")
                )?;
            }
        }
        Ok(())
    })
    .map_err(io(&p))?;
    let p = dir.join("generations.csv");
    write_atomic(&p, |w| {
        writeln!(
            w,
            "generation,tolerance,acceptance_rate,ess,proposed,simulations"
        )?;
        for g in &c.generations {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                g.index,
                num(g.tolerance),
                num(g.acceptance()),
                // an effective count: two decimals (equal weights give 100.00000000000006)
                num((g.ess() * 100.0).round() / 100.0),
                g.proposed,
                g.simulations
            )?;
        }
        Ok(())
    })
    .map_err(io(&p))?;
    let p = dir.join("predictive.csv");
    write_atomic(&p, |w| {
        writeln!(w, "target,statistic,observed,scale,mean,p05,p95,inside_90")?;
        for (k, (t, (obs, mean, lo, hi))) in config.targets.iter().zip(predictive).enumerate() {
            writeln!(
                w,
                "{k},{},{},{},{},{},{},{}",
                csv_field(&t.statistic),
                num(*obs),
                num(t.scale),
                num(*mean),
                num(*lo),
                num(*hi),
                *obs >= *lo && *obs <= *hi
            )?;
        }
        Ok(())
    })
    .map_err(io(&p))?;
    let post = c.posterior();
    let manifest = serde_json::json!({
        "command": "calibrate",
        "crate_version": env!("CARGO_PKG_VERSION"),
        "scenario": s.name,
        "seed": seed,
        "ticks": ticks,
        "settings": config.settings,
        "parameters": config.parameters.iter().enumerate().map(|(k, p)| serde_json::json!({
            "key": p.key, "prior": p.prior.to_string(),
            "posterior_mean": post.mean(k), "posterior_sd": post.sd(k),
            "posterior_p05": post.quantile(k, 0.05), "posterior_p95": post.quantile(k, 0.95),
        })).collect::<Vec<_>>(),
        "targets": config.targets.iter().map(|t| serde_json::json!({
            "statistic": t.statistic, "observed": t.observed, "scale": t.scale, "weight": t.weight,
        })).collect::<Vec<_>>(),
        "generations": c.generations.len(),
        "simulations": c.simulations(),
        "predictive_draws": draws.len(),
        "stop": c.stop,
        "stop_reason": Stop::describe(c.stop),
        "files": FILES,
    });
    let p = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).expect("serialisable") + "\n";
    write_atomic(&p, |w| w.write_all(text.as_bytes())).map_err(io(&p))?;
    Ok(())
}
