//! Ensembles: many replicates of one or more scenario variants ("points"), run in parallel,
//! in memory or streamed to a directory (resumable, shardable across machines), through one
//! driver, [`Ensemble`].
//!
//! # The unit of work
//! An ensemble is a [`Plan`]: points (a plain run has one; a sweep or a comparison has
//! several), a master seed, a replicate count and a tick count. Its *units* are the pairs
//! (point, replicate), numbered `unit = point * replicates + replicate`. Replicate `r` of
//! every point runs on the random streams of `(seed, r)` alone (`src/rng.rs`): points share
//! their seeds (common random numbers) and a unit's result does not depend on which thread,
//! process, shard or machine runs it.
//!
//! # In memory or in a directory
//! [`Ensemble::run`] keeps every replicate in memory and returns [`Results`]: per point, every
//! replicate's outcomes; for a comparison, the paired comparison as values
//! ([`Results::comparison`]); and the replicates, which [`Results::write`] turns into the
//! files a directory run writes. [`Ensemble::run_in`] streams each finished unit to its own
//! part file in `DIR/.parts/` (whole or absent), and a run killed at any moment loses only the
//! units in flight: run again with [`DirOptions::resume`], units whose part exists are
//! skipped. The parts are then read in unit order, one at a time, into the final files
//! ([`crate::output`]); completion order and thread count never reach the output bytes.
//!
//! # Memory
//! A directory run keeps nothing per replicate: the time series and outcomes stream to the
//! files, the units still to run are found part file by part file, and the statistics of the
//! outcomes that [`Results`] holds (and `compare.csv`) are computed in two passes over a
//! scratch file of the outcomes, the same bits as over values in memory ([`PointResults`]).
//! What grows with the replicate count is the exact percentiles of `summary.csv` (at least
//! one tick of every replicate); [`Plan::memory_estimate`] says how much. [`Ensemble::run`]
//! keeps every replicate in memory: it is asked for them. [`Ensemble::merge`] assembles the directories
//! of shards ([`Shard`]) into the files of one run.
//!
//! # Threads, progress, stopping
//! The units run on the caller's rayon pool (`pool.install(|| ensemble.run(...))`; the library
//! never builds one). The progress callback is told when the run starts, after every tick of
//! every replicate and after every unit ([`Progress`]), from the worker threads; it returns
//! [`ControlFlow::Break`] to stop the run, which then ends with [`EnsembleError::Cancelled`]
//! after the replicates in flight reach their next tick (a directory keeps the finished units
//! and resumes from them).
//!
//! # Inside
//! One file per responsibility: `plan.rs` ([`Plan`], its fingerprint), `plan_file.rs` (its
//! record `.parts/plan.json`), [`design`] (grid, Latin hypercube), `shard.rs` ([`Shard`]),
//! `dir.rs` (resolving and claiming the output directory, resume), `lock.rs` (one process
//! per directory), `checksum.rs` (CRC-32 of parts and manifests), `part.rs` (the part-file
//! format),
//! `assemble.rs` (reading the parts in unit order), `moments.rs` (the outcomes' statistics
//! and the paired comparison, from a scratch file or memory), `compare.rs` (its rows),
//! [`outcomes`], `results.rs` ([`Results`]), `error.rs`, and the driver here. The files
//! themselves are written by [`crate::output`].
//!
//! ```
//! use impunity::ensemble::{DirOptions, DirRun, Ensemble, Plan, no_progress};
//! let s = impunity::presets::get("epstein-run1").unwrap();
//! let ensemble = Ensemble::new(Plan::single(s, 7, 3, 5).unwrap());
//! // In memory:
//! let results = ensemble.run(&no_progress).unwrap();
//! assert_eq!(results.points()[0].replicates(), 3);
//! // Streamed to a directory, resumable:
//! let dir = std::env::temp_dir().join(format!("impunity-doc-ens-{}", std::process::id()));
//! let DirRun::Done(on_disk) = ensemble.run_in(&dir, &DirOptions::default(), &no_progress).unwrap()
//! else { unreachable!() };
//! assert_eq!(on_disk.points(), results.points());
//! let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
//! assert!(summary.starts_with("tick,metric,n,mean,sd,p5,p25,p50,p75,p95\n0,quiescent,3,"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod assemble;
pub(crate) mod checksum;
mod compare;
pub mod design;
mod dir;
mod error;
pub(crate) mod lock;
mod moments;
pub mod outcomes;
mod part;
mod plan;
mod plan_file;
mod results;
mod shard;

pub use compare::CompareRow;
pub use error::{Difference, EnsembleError, PlanError, PlanFileError, Recorded};
pub use plan::{Draws, MAX_TICKS, MAX_UNITS, Plan, Point};
pub use results::{PointResults, Results};
pub use shard::{Shard, ShardError, ShardReason};

use crate::run::ReplicateOutput;
use assemble::{Assembly, assemble};
use dir::{Prepared, parts_dir};
use lock::DirLock;
use part::Unit;
use plan_file::PlanFile;
use rayon::prelude::*;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What a progress callback is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Before the first unit runs: `units` will run now, `already` were on disk (resume).
    Start {
        /// Units to run now.
        units: u64,
        /// Units of this run (or shard) already done by an earlier one.
        already: u64,
    },
    /// One replicate advanced one tick.
    Tick,
    /// One unit (point, replicate) finished (and, in a directory, is on disk).
    Unit,
    /// A resume found the part of this unit damaged (its checksum, unit or shape does not
    /// match): it was set aside (`.parts/p<P>-r<R>.part.damaged`) and the unit runs again.
    /// Told before [`Progress::Start`].
    Damaged {
        /// The point.
        point: usize,
        /// The replicate.
        replicate: u64,
    },
}

/// A progress callback: called from the worker threads; [`ControlFlow::Break`] stops the run.
pub type ProgressFn<'a> = dyn Fn(Progress) -> ControlFlow<()> + Sync + 'a;

/// The path an output directory `dir` is written through: `dir` itself, or, if it holds a
/// `..`, the absolute path the operating system would reach (a `..` after a folder that does
/// not exist yet goes back out of it); refuses a dangling symbolic link, the file system's
/// root and the home directory. [`Ensemble::run_in`] and [`Ensemble::merge`] apply it
/// themselves; a caller that reads the outputs afterwards (charts) uses the same path.
///
/// ```
/// use impunity::ensemble::output_path;
/// assert_eq!(output_path("out/run2".as_ref()).unwrap(), std::path::Path::new("out/run2"));
/// let here = std::env::current_dir().unwrap().canonicalize().unwrap();
/// assert_eq!(output_path("no-such-dir/../out".as_ref()).unwrap(), here.join("out"));
/// assert!(output_path("/".as_ref()).is_err());
/// ```
pub fn output_path(dir: &Path) -> Result<PathBuf, EnsembleError> {
    Ok(dir::working_path(dir, dir::resolve(dir)?))
}

/// Reads a run's `manifest.json`, checking its checksum (a manifest written before manifests
/// carried one is read unchecked): a damaged or edited file is
/// [`EnsembleError::DamagedManifest`].
///
/// ```
/// use impunity::ensemble::{read_manifest, DirOptions, Ensemble, Plan, no_progress};
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// let dir = std::env::temp_dir().join(format!("impunity-doc-manifest-{}", std::process::id()));
/// Ensemble::new(Plan::single(s, 7, 2, 3).unwrap())
///     .run_in(&dir, &DirOptions::default(), &no_progress).unwrap();
/// let path = dir.join("manifest.json");
/// assert_eq!(read_manifest(&path).unwrap().seed, 7);
/// let text = std::fs::read_to_string(&path).unwrap();
/// std::fs::write(&path, text.replace("\"seed\": 7", "\"seed\": 8")).unwrap();
/// assert!(read_manifest(&path).is_err()); // edited: the checksum no longer matches
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_manifest(path: &Path) -> Result<crate::output::Manifest, EnsembleError> {
    let value = dir::read_manifest(path)?;
    serde_json::from_value(value).map_err(|source| EnsembleError::BadManifest {
        path: path.to_path_buf(),
        source,
    })
}

/// The progress callback that shows nothing and never stops.
pub fn no_progress(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// How [`Ensemble::run_in`] uses its directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirOptions {
    /// Continue an interrupted run: the directory must hold parts (or the finished outputs) of
    /// the same plan and shard; its finished units are kept.
    pub resume: bool,
    /// Replace impunity's outputs in a non-empty directory (any other file is kept); without
    /// it (or `resume`) a non-empty directory is refused, so earlier results are never
    /// overwritten by accident.
    pub force: bool,
    /// Run only this shard's units, for [`Ensemble::merge`]; the outputs are not assembled.
    pub shard: Option<Shard>,
    /// The command line to record in `manifest.json` (and `.parts/plan.json`).
    pub command_line: Vec<String>,
    /// Keep the part files once the outputs are assembled.
    pub keep_parts: bool,
}

/// How [`Ensemble::merge`] treats its output directory and sources.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Replace impunity's outputs in a non-empty output directory (writing into one of the
    /// sources is always allowed).
    pub force: bool,
    /// Keep the sources' part files once merged.
    pub keep_parts: bool,
}

/// How [`Ensemble::run_in`] ended.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // returned once per run: boxing would buy nothing
pub enum DirRun {
    /// The outputs are written: their results (with [`Results::files`]).
    Done(Results),
    /// A shard ran: its parts (`units` of them) are in the directory, for
    /// [`Ensemble::merge`].
    Shard {
        /// Units of the shard (all on disk).
        units: u64,
    },
    /// The directory already held this run's finished outputs (a resume of a finished run):
    /// nothing was run or written.
    AlreadyComplete,
}

/// The driver of an ensemble: runs a [`Plan`] in memory ([`Ensemble::run`]) or into a
/// directory ([`Ensemble::run_in`]), on the caller's rayon pool.
#[derive(Clone, Debug)]
pub struct Ensemble {
    plan: Plan,
    block_bytes: usize,
}

impl Ensemble {
    /// The driver of `plan`.
    pub fn new(plan: Plan) -> Ensemble {
        Ensemble {
            plan,
            block_bytes: crate::output::summary::DEFAULT_BLOCK_BYTES,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Runs every unit in memory, in parallel on the current rayon pool, and returns the
    /// results in unit order. Memory grows with the replicates: every replicate's output (its
    /// time series, events, cases, outcomes) is kept, for [`Results::replicates`] and
    /// [`Results::write`]; for large ensembles use [`Ensemble::run_in`], whose memory does not
    /// ([`Plan::memory_estimate`]).
    pub fn run(&self, progress: &ProgressFn<'_>) -> Result<Results, EnsembleError> {
        let plan = &self.plan;
        let stop = Stop::new(progress);
        stop.tell(Progress::Start {
            units: plan.units(),
            already: 0,
        })?;
        let runs = (0..plan.units() as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|u| {
                let out = self.replicate(u as u64, &stop)?;
                stop.tell(Progress::Unit)?;
                Ok(out)
            })
            .collect::<Result<Vec<_>, EnsembleError>>()?;
        Ok(Results::from_runs(plan.clone(), runs))
    }

    /// [`Ensemble::run`], calling `each` with every unit's number and output as soon as it is
    /// done (from the worker threads, in no set order), e.g. to show results while the rest
    /// runs ([`Results::partial`]). The units are started in replicate order, whatever the
    /// thread count (every point of replicate 0, then of replicate 1, …, taken from one
    /// counter), so that the first replicates complete first and the points of one replicate,
    /// a comparison's pairs, finish close together. The results are those of `run`, bit for
    /// bit.
    ///
    /// ```
    /// use impunity::ensemble::{Ensemble, Plan, no_progress};
    /// use std::sync::Mutex;
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let ens = Ensemble::new(Plan::single(s, 1, 3, 5).unwrap());
    /// let seen = Mutex::new(Vec::new());
    /// let r = ens.run_each(&no_progress, &|u, _| seen.lock().unwrap().push(u)).unwrap();
    /// let mut seen = seen.into_inner().unwrap();
    /// seen.sort();
    /// assert_eq!(seen, [0, 1, 2]);
    /// assert_eq!(r.points(), ens.run(&no_progress).unwrap().points());
    /// ```
    pub fn run_each(
        &self,
        progress: &ProgressFn<'_>,
        each: &(dyn Fn(u64, &ReplicateOutput) + Sync),
    ) -> Result<Results, EnsembleError> {
        let plan = &self.plan;
        let stop = Stop::new(progress);
        stop.tell(Progress::Start {
            units: plan.units(),
            already: 0,
        })?;
        let points = plan.points().len() as u64;
        // One task per unit; each takes the next unit from the counter, so that units start
        // in this order on any number of threads (rayon's splitting would start the second
        // half of the range at once on a second thread).
        let next = std::sync::atomic::AtomicU64::new(0);
        let mut runs = (0..plan.units() as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|_| {
                // replicate-major: the k-th started is point k % points of replicate k / points
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let u = (k % points) * plan.replicates() + k / points;
                let out = self.replicate(u, &stop)?;
                each(u, &out);
                stop.tell(Progress::Unit)?;
                Ok((u, out))
            })
            .collect::<Result<Vec<_>, EnsembleError>>()?;
        runs.sort_by_key(|(u, _)| *u);
        let runs = runs.into_iter().map(|(_, out)| out).collect();
        Ok(Results::from_runs(plan.clone(), runs))
    }

    /// Runs the units into `dir`, in parallel on the current rayon pool: claims the directory
    /// (or checks it holds the same run, with [`DirOptions::resume`]), records the plan, runs
    /// every unit (of the shard) not yet on disk, writing each one's part as soon as it is done,
    /// then (unless a shard) assembles the outputs and removes the parts.
    pub fn run_in(
        &self,
        dir: &Path,
        opts: &DirOptions,
        progress: &ProgressFn<'_>,
    ) -> Result<DirRun, EnsembleError> {
        let Some(job) = self.open(dir, opts)? else {
            return Ok(DirRun::AlreadyComplete);
        };
        let stop = Stop::new(progress);
        for &u in &job.pending.damaged {
            let (point, replicate) = self.plan.unit(u);
            stop.tell(Progress::Damaged { point, replicate })?;
        }
        stop.tell(Progress::Start {
            units: job.todo_count(),
            already: job.pending.done,
        })?;
        job.run_todo(progress)?;
        job.finish()
    }

    /// The first half of [`Ensemble::run_in`], for callers that run some units elsewhere
    /// (MPI ranks): resolves `dir` (symbolic links, `..`; the root and the home directory are
    /// refused), takes its lock (held by the job until it is finished or dropped; another
    /// process holding it is [`EnsembleError::Locked`]), claims and prepares it, checks the
    /// parts already there, and returns the job of running what remains, or `None` if the
    /// directory already holds this run's finished outputs.
    pub fn open(&self, dir: &Path, opts: &DirOptions) -> Result<Option<Job<'_>>, EnsembleError> {
        let dir = dir::working_path(dir, dir::resolve(dir)?);
        let dir = dir.as_path();
        // Checked before the lock (a refused directory gets no lock file), then again under it.
        if !opts.force {
            dir::claim(dir, opts.resume, false)?;
        }
        let lock = DirLock::acquire(dir)?;
        dir::claim(dir, opts.resume, opts.force)?;
        let state = dir::prepare(
            &self.plan,
            dir,
            opts.shard,
            opts.resume,
            opts.command_line.clone(),
        )?;
        if state == Prepared::Complete {
            return Ok(None);
        }
        let pending = dir::pending(&self.plan, dir, opts.shard)?;
        Ok(Some(Job {
            ensemble: self,
            dir: dir.to_path_buf(),
            opts: opts.clone(),
            pending,
            _lock: lock,
        }))
    }

    /// Runs unit `u` and returns its part file's bytes, for another process to store with
    /// [`Job::store`] (the same bytes wherever it runs).
    pub fn run_part(&self, u: u64) -> Vec<u8> {
        let (p, r) = self.plan.unit(u);
        let out = self
            .replicate(u, &Stop::new(&no_progress))
            .expect("never stopped");
        Unit::render(&self.plan, p, r, &out).encode(p, r)
    }

    /// Assembles the directories of the shards of one run (`sources`, written by
    /// [`Ensemble::run_in`] with [`DirOptions::shard`]) into the outputs of that run in `out`,
    /// byte for byte those of a single run. Every source must hold the same plan and every
    /// unit must be in exactly one of them; nothing is written otherwise. The manifest records
    /// the first source's command line.
    pub fn merge(
        sources: &[PathBuf],
        out: &Path,
        opts: &MergeOptions,
    ) -> Result<Results, EnsembleError> {
        let first = sources.first().ok_or(EnsembleError::NothingToMerge)?;
        let real_out = dir::resolve(out)?;
        let out = dir::working_path(out, real_out.clone());
        let mut real_sources = Vec::with_capacity(sources.len());
        for d in sources {
            real_sources.push(dir::resolve(d)?);
        }
        let out_is_source = real_sources.contains(&real_out);
        if !opts.force && !out_is_source {
            dir::claim(&out, false, false)?;
        }
        // Every directory is locked: the output, and the sources whose parts are read (and
        // then removed), so that no shard still being filled is merged half-way.
        let mut locks: Vec<(PathBuf, DirLock)> = Vec::new();
        for (d, real) in sources.iter().zip(real_sources) {
            if !locks.iter().any(|(p, _)| *p == real) && real.is_dir() {
                locks.push((real, DirLock::acquire(d)?));
            }
        }
        let plan = plan_file::read_plan(first)?;
        // Every shard is checked, every part read, before the destination is touched.
        let at = assemble::index_sources(&plan, sources)?;
        assemble::check_parts(&plan, &at)?;
        if !out_is_source {
            locks.push((real_out, DirLock::acquire(&out)?));
        }
        // Writing into one of the shard directories is allowed (it holds only part files).
        if !out_is_source {
            dir::claim(&out, false, opts.force)?;
        }
        let command_line = PlanFile::read(&parts_dir(first).join("plan.json"))?.command_line;
        let how = Assembly {
            command_line,
            remove_parts: !opts.keep_parts,
            block_bytes: crate::output::summary::DEFAULT_BLOCK_BYTES,
        };
        let done = assemble(&plan, sources, &out, how);
        drop(locks);
        done
    }

    /// Runs unit `u`, telling `stop` every tick.
    fn replicate(&self, u: u64, stop: &Stop<'_>) -> Result<ReplicateOutput, EnsembleError> {
        let (p, r) = self.plan.unit(u);
        let s = self.plan.scenario(p, r);
        crate::run::run_replicate_until(s, self.plan.seed(), r, self.plan.ticks(), &|| {
            stop.tell(Progress::Tick)
                .map_or(ControlFlow::Break(()), ControlFlow::Continue)
        })
        .ok_or(EnsembleError::Cancelled)
    }

    #[cfg(test)]
    pub(crate) fn with_block_bytes(mut self, bytes: usize) -> Ensemble {
        self.block_bytes = bytes;
        self
    }
}

/// A directory prepared for a run ([`Ensemble::open`]): the units still to run, and how to
/// run them, store those run elsewhere, and finish.
///
/// For runs split across processes that share the directory through one of them: the
/// binary's MPI path (`impunity run --mpi`) opens the job on rank 0, which runs its share with
/// [`Job::run_units`], stores the parts the other ranks computed with [`Ensemble::run_part`]
/// ([`Job::store`]), then calls [`Job::finish`]. Everyone else calls [`Ensemble::run_in`].
#[derive(Debug)]
pub struct Job<'e> {
    ensemble: &'e Ensemble,
    dir: PathBuf,
    opts: DirOptions,
    pending: dir::Pending,
    _lock: DirLock,
}

impl Job<'_> {
    /// The units not yet on disk, in unit order, found one at a time (the part file of each
    /// unit is looked for, unless the directory held none): collecting them takes 8 bytes a
    /// unit, which [`Ensemble::run_in`] never does.
    pub fn pending(&self) -> impl Iterator<Item = u64> + '_ {
        self.pending.todo(&self.ensemble.plan)
    }

    /// The units whose part was found damaged (set aside; they are among [`Job::pending`]).
    pub fn damaged(&self) -> &[u64] {
        &self.pending.damaged
    }

    /// How many units [`Job::pending`] gives.
    pub(crate) fn todo_count(&self) -> u64 {
        self.pending.owned - self.pending.done
    }

    /// Runs every pending unit ([`Job::pending`]) in parallel on the current rayon pool,
    /// writing each one's part as soon as it is done, without listing them first.
    fn run_todo(&self, progress: &ProgressFn<'_>) -> Result<(), EnsembleError> {
        let plan = &self.ensemble.plan;
        let stop = Stop::new(progress);
        (0..plan.units() as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|u| u as u64)
            .filter(|&u| self.pending.is_todo(plan, u))
            .try_for_each(|u| self.run_unit(u, &stop))
    }

    /// Runs unit `u` and writes its part.
    fn run_unit(&self, u: u64, stop: &Stop<'_>) -> Result<(), EnsembleError> {
        let ens = self.ensemble;
        let plan = &ens.plan;
        let (p, r) = plan.unit(u);
        let out = ens.replicate(u, stop)?;
        part::write(
            &parts_dir(&self.dir),
            p,
            r,
            &Unit::render(plan, p, r, &out).encode(p, r),
        )?;
        stop.tell(Progress::Unit)
    }

    /// Runs `units` in parallel on the current rayon pool, writing each one's part as soon as
    /// it is done.
    pub fn run_units(&self, units: &[u64], progress: &ProgressFn<'_>) -> Result<(), EnsembleError> {
        let stop = Stop::new(progress);
        units
            .par_iter()
            .with_max_len(1)
            .try_for_each(|&u| self.run_unit(u, &stop))
    }

    /// Stores a part made by [`Ensemble::run_part`] (in another process), under the unit its
    /// header names, atomically.
    pub fn store(&self, bytes: &[u8]) -> Result<(), EnsembleError> {
        let (p, r) =
            part::header(bytes, &self.ensemble.plan).ok_or(EnsembleError::DamagedMessage)?;
        part::write(&parts_dir(&self.dir), p, r, bytes)
    }

    /// Finishes: a shard's parts stay for [`Ensemble::merge`]; otherwise every unit must be on
    /// disk, and the outputs are assembled.
    pub fn finish(self) -> Result<DirRun, EnsembleError> {
        if self.opts.shard.is_some() {
            return Ok(DirRun::Shard {
                units: self.pending.owned,
            });
        }
        let how = Assembly {
            command_line: self.opts.command_line.clone(),
            remove_parts: !self.opts.keep_parts,
            block_bytes: self.ensemble.block_bytes,
        };
        let dir = self.dir.clone();
        let done = assemble(&self.ensemble.plan, std::slice::from_ref(&dir), &dir, how);
        drop(self);
        done.map(DirRun::Done)
    }
}

/// A progress callback that, once it has asked to stop, keeps saying so (replicates in flight
/// on other threads stop at their next tick).
struct Stop<'a> {
    progress: &'a ProgressFn<'a>,
    stopped: AtomicBool,
}

impl<'a> Stop<'a> {
    fn new(progress: &'a ProgressFn<'a>) -> Stop<'a> {
        Stop {
            progress,
            stopped: AtomicBool::new(false),
        }
    }

    fn tell(&self, p: Progress) -> Result<(), EnsembleError> {
        if self.stopped.load(Ordering::Relaxed) {
            return Err(EnsembleError::Cancelled);
        }
        if (self.progress)(p).is_break() {
            self.stopped.store(true, Ordering::Relaxed);
            return Err(EnsembleError::Cancelled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::atomic::AtomicU64;

    fn tmp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("impunity-ens-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    /// Tick blocks of any size give the same exact percentiles, and so does the on-disk path
    /// taken when not even one tick of every replicate fits (budgets 1 and 300 bytes).
    #[test]
    fn summary_independent_of_block_size() {
        let s = crate::presets::get("epstein-run2").unwrap();
        let plan = Plan::single(s, 3, 9, 30).unwrap();
        let summary = |bytes: usize| {
            let dir = tmp(&format!("blocks-{bytes}"));
            let ens = Ensemble::new(plan.clone()).with_block_bytes(bytes);
            ens.run_in(&dir, &DirOptions::default(), &no_progress)
                .unwrap();
            let text = fs::read(dir.join("summary.csv")).unwrap();
            let ts = fs::read_to_string(dir.join("timeseries.csv")).unwrap();
            fs::remove_dir_all(&dir).unwrap();
            (text, ts)
        };
        let (whole, ts) = summary(1 << 30);
        assert_eq!(whole, summary(1).0);
        assert_eq!(whole, summary(300).0);
        assert_eq!(whole, summary(9 * 4 * 8 * 7).0);
        // Spot check one row against the timeseries.
        let active_at_10: Vec<f64> = ts
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == "10")
            .map(|c| c[3].parse().unwrap())
            .collect();
        let d = crate::stats::Describe::of(&active_at_10);
        let text = String::from_utf8(whole).unwrap();
        let row = text.lines().find(|l| l.starts_with("10,active,")).unwrap();
        let f = crate::output::fmt_value;
        assert_eq!(
            row,
            format!(
                "10,active,9,{},{},{},{},{},{},{}",
                f(d.mean),
                f(d.sd),
                f(d.p5),
                f(d.p25),
                f(d.p50),
                f(d.p75),
                f(d.p95)
            )
        );
    }

    /// The files written from memory are those of a directory run, and a comparison's rows
    /// come out the same both ways.
    #[test]
    fn memory_and_directory_give_the_same_files() {
        let base = crate::presets::get("epstein-run3").unwrap();
        let v = crate::presets::get("epstein-run4").unwrap();
        let plan = Plan::comparison(base, vec![("v".into(), v)], 2, 3, 20).unwrap();
        let ens = Ensemble::new(plan);
        let (a, b) = (tmp("mem"), tmp("disk"));
        let mem = ens.run(&no_progress).unwrap();
        mem.write(&a, vec!["x".into()]).unwrap();
        let opts = DirOptions {
            command_line: vec!["x".into()],
            ..DirOptions::default()
        };
        let DirRun::Done(disk) = ens.run_in(&b, &opts, &no_progress).unwrap() else {
            panic!("not done")
        };
        assert_eq!(mem.comparison(), disk.comparison());
        assert_eq!(mem.points(), disk.points());
        let mut names: Vec<_> = fs::read_dir(&b)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names.len(), 6, "{names:?}");
        for n in names {
            assert_eq!(
                fs::read(a.join(&n)).unwrap(),
                fs::read(b.join(&n)).unwrap(),
                "{n:?}"
            );
        }
        assert!(matches!(mem.only(1).unwrap().write(&a, vec![]), Ok(f) if f.len() == 4));
        assert!(disk.write(&a, vec![]).is_err());
        fs::remove_dir_all(&a).unwrap();
        fs::remove_dir_all(&b).unwrap();
    }

    /// Issue 13, item 9: results of a directory run held every replicate's outcomes
    /// (points × replicates × outcomes numbers: 788 MB for 10^8 replicates). They now hold
    /// a fixed count of numbers per point and outcome, whatever the replicate count, with
    /// the statistics of the in-memory run bit for bit.
    #[test]
    fn directory_results_do_not_grow_with_the_replicates() {
        let base = crate::presets::get("epstein-run1").unwrap();
        let v = crate::presets::get("epstein-run2").unwrap();
        let held = |reps: u64| {
            let plan =
                Plan::comparison(base.clone(), vec![("v".into(), v.clone())], 4, reps, 3).unwrap();
            let ens = Ensemble::new(plan);
            let dir = tmp(&format!("held-{reps}"));
            let DirRun::Done(disk) = ens
                .run_in(&dir, &DirOptions::default(), &no_progress)
                .unwrap()
            else {
                panic!("not done")
            };
            assert!(!dir.join(moments::Scratch::NAME).exists());
            fs::remove_dir_all(&dir).unwrap();
            let mem = ens.run(&no_progress).unwrap();
            assert_eq!(disk.comparison(), mem.comparison());
            let width = disk.plan().outcome_names().len();
            for (d, m) in disk.points().iter().zip(mem.points()) {
                assert_eq!(d.replicates(), reps as usize);
                assert_eq!(m.held(), 3 * width + reps as usize * width);
                for k in 0..width {
                    assert_eq!(d.moments(k), m.moments(k));
                    assert_eq!(d.sum(k).to_bits(), m.sum(k).to_bits());
                    assert_eq!(d.interval(k), m.interval(k));
                }
                for r in 0..d.kept() {
                    assert_eq!(d.replicate(r), m.replicate(r));
                }
            }
            disk.points().iter().map(|p| p.held()).sum::<usize>()
        };
        let width = Plan::single(base.clone(), 1, 1, 1)
            .unwrap()
            .outcome_names()
            .len();
        let bound = 2 * (3 + moments::KEPT) * width;
        assert_eq!(held(30), bound);
        assert_eq!(held(90), bound);
    }

    /// A callback that stops the run: a directory keeps what was finished and resumes to the
    /// same bytes as an uninterrupted run.
    #[test]
    fn a_stopped_run_resumes() {
        let s = crate::presets::get("epstein-run1").unwrap();
        let ens = Ensemble::new(Plan::single(s, 5, 6, 10).unwrap());
        let (a, b) = (tmp("stop"), tmp("nonstop"));
        let units = AtomicU64::new(0);
        let stop_after_two = |p: Progress| {
            if p == Progress::Unit && units.fetch_add(1, Ordering::Relaxed) >= 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let opts = DirOptions::default();
        let e = pool.install(|| ens.run_in(&a, &opts, &stop_after_two));
        assert!(matches!(e, Err(EnsembleError::Cancelled)), "{e:?}");
        assert!(matches!(
            ens.run(&stop_after_two),
            Err(EnsembleError::Cancelled)
        ));
        let resume = DirOptions {
            resume: true,
            ..DirOptions::default()
        };
        let started = std::sync::Mutex::new(None);
        let watch = |p: Progress| {
            if let Progress::Start { already, .. } = p {
                *started.lock().unwrap() = Some(already);
            }
            ControlFlow::Continue(())
        };
        ens.run_in(&a, &resume, &watch).unwrap();
        assert_eq!(*started.lock().unwrap(), Some(2));
        ens.run_in(&b, &opts, &no_progress).unwrap();
        for f in [
            "timeseries.csv",
            "outcomes.csv",
            "summary.csv",
            "manifest.json",
        ] {
            assert_eq!(
                fs::read(a.join(f)).unwrap(),
                fs::read(b.join(f)).unwrap(),
                "{f}"
            );
        }
        fs::remove_dir_all(&a).unwrap();
        fs::remove_dir_all(&b).unwrap();
    }
}
