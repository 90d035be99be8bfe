//! `--mpi`: an ensemble split across MPI ranks (feature `mpi`), and a calibration whose
//! batches are shared among them ([`shared`]).
//!
//! Rank 0 opens the output directory ([`Ensemble::open`]: claim, resume checks) and broadcasts
//! which units remain, as ranges of unit numbers (one for a fresh run, so memory does not grow
//! with the units); the k-th remaining unit goes to rank k mod P. Every rank runs its units
//! on its own rayon pool; ranks other than 0 send each finished part ([`Ensemble::run_part`])
//! to rank 0 as soon as it is done (through a bounded channel to their main thread, the only
//! one that calls MPI), and rank 0 stores them beside its own ([`Job::store`]), then finishes
//! the job exactly as a single process would. Parts are the same bytes whichever rank makes
//! them, so the outputs are identical to a single-process run.

use super::ensemble::{EnsembleArgs, say_nothing_to_do};
use super::error::{CliError, Result, failed, input};
use super::progress::Bar;
use impunity::calibrate::Share;
use impunity::ensemble::{DirOptions, DirRun, Ensemble, EnsembleError, Job, Plan, Results};
use mpi::datatype::PartitionMut;
use mpi::traits::*;
use rayon::prelude::*;
use std::path::Path;

/// Units rank 0 lists at a time to run its share.
const CHUNK: usize = 4096;

pub fn execute(plan: Plan, a: &EnsembleArgs, out: &Path) -> Result<Option<Results>> {
    if a.shard.is_some() {
        return Err(input(
            "--mpi and --shard do not mix: MPI ranks are the shards",
        ));
    }
    let (universe, _) = mpi::initialize_with_threading(mpi::Threading::Funneled)
        .ok_or_else(|| failed("MPI was already initialised"))?;
    let world = universe.world();
    let rank = world.rank();
    let size = world.size() as u64;
    let root = world.process_at_rank(0);
    if rank != 0 {
        super::ensemble::SECONDARY_RANK.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let ensemble = Ensemble::new(plan);
    let opts = DirOptions {
        resume: a.resume,
        force: a.force,
        shard: None,
        command_line: a.command_line(),
        keep_parts: false,
    };

    // 0: ready, 1: already complete, 2: refused.
    let mut status = [0u8; 1];
    let mut job: Option<Job<'_>> = None;
    let mut refused: Option<EnsembleError> = None;
    if rank == 0 {
        match ensemble.open(out, &opts) {
            Ok(Some(j)) => job = Some(j),
            Ok(None) => status[0] = 1,
            Err(e) => {
                status[0] = 2;
                refused = Some(e);
            }
        }
    }
    root.broadcast_into(&mut status[..]);
    match (status[0], refused) {
        (1, _) => {
            if rank == 0 {
                say_nothing_to_do(out);
            }
            return Ok(None);
        }
        (2, Some(e)) => return Err(e.into()),
        (2, None) => return Err(input(format!("rank {rank}: rank 0 refused the run"))),
        _ => {}
    }

    // The pending units as ranges (start, end): one range for a fresh run, a few for a
    // resumed one, so no rank lists the units one by one.
    let mut count = [0u64; 1];
    let mut ranges: Vec<u64> = Vec::new();
    if let Some(job) = &job {
        for u in job.pending() {
            match ranges.last_mut() {
                Some(end) if *end == u => *end = u + 1,
                _ => ranges.extend([u, u + 1]),
            }
        }
        count[0] = ranges.len() as u64;
    }
    root.broadcast_into(&mut count[..]);
    ranges.resize(count[0] as usize, 0);
    root.broadcast_into(&mut ranges[..]);
    let todo = ranges.chunks_exact(2).map(|r| r[1] - r[0]).sum::<u64>();
    // the k-th pending unit goes to rank k mod P
    let mine = || {
        ranges
            .chunks_exact(2)
            .flat_map(|r| r[0]..r[1])
            .enumerate()
            .filter(move |(k, _)| *k as u64 % size == rank as u64)
            .map(|(_, u)| u)
    };
    let pool = a.pool()?;

    let Some(job) = job else {
        // Ranks other than 0: run, and send each part to rank 0.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2 * pool.current_num_threads());
        std::thread::scope(|sc| {
            sc.spawn(|| {
                pool.install(|| {
                    mine().par_bridge().for_each_with(tx, |tx, u| {
                        tx.send(ensemble.run_part(u))
                            .expect("the main thread receives until the end");
                    })
                })
            });
            for bytes in rx {
                root.send(&bytes[..]);
            }
        });
        return Ok(None);
    };

    let remote = todo - todo.div_ceil(size);
    let bar = Bar::new(ensemble.plan().ticks(), a.quiet);
    bar.start(todo);
    std::thread::scope(|sc| -> Result<()> {
        // rank 0's share, a chunk of units at a time
        let local = sc.spawn(|| {
            pool.install(|| -> std::result::Result<(), EnsembleError> {
                let mut units = mine();
                loop {
                    let chunk: Vec<u64> = units.by_ref().take(CHUNK).collect();
                    if chunk.is_empty() {
                        return Ok(());
                    }
                    job.run_units(&chunk, &|p| bar.progress(p))?;
                }
            })
        });
        for _ in 0..remote {
            let (bytes, _) = world.any_process().receive_vec::<u8>();
            job.store(&bytes)?;
            bar.remote_unit();
        }
        local
            .join()
            .map_err(|_| CliError::Run("a worker thread panicked".into()))??;
        Ok(())
    })?;
    bar.finish();
    match job.finish()? {
        DirRun::Done(results) => Ok(Some(results)),
        DirRun::Shard { .. } | DirRun::AlreadyComplete => Ok(None),
    }
}

/// The MPI ranks as the processes of a calibration ([`Share`]).
struct Ranks {
    world: mpi::topology::SimpleCommunicator,
}

impl Share for Ranks {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    fn size(&self) -> usize {
        self.world.size() as usize
    }

    fn all_gather(&self, mine: &[u8]) -> Vec<Vec<u8>> {
        let mut counts = vec![0 as mpi::Count; self.size()];
        let len = mpi::Count::try_from(mine.len()).expect("a share under 2 GiB");
        self.world.all_gather_into(&len, &mut counts[..]);
        let displs: Vec<mpi::Count> = counts
            .iter()
            .scan(0, |at, &c| {
                let d = *at;
                *at += c;
                Some(d)
            })
            .collect();
        let total = counts.iter().map(|&c| c as usize).sum();
        if total == 0 {
            return vec![Vec::new(); self.size()]; // MPI refuses an empty receive buffer
        }
        let mut buf = vec![0u8; total];
        {
            let mut parts = PartitionMut::new(&mut buf[..], &counts[..], &displs[..]);
            self.world.all_gather_varcount_into(mine, &mut parts);
        }
        counts
            .iter()
            .zip(&displs)
            .map(|(&c, &d)| buf[d as usize..(d + c) as usize].to_vec())
            .collect()
    }
}

/// Runs `run` as an MPI rank of a calibration (`impunity calibrate --mpi`), on the main
/// thread (every MPI call is made from it) with a global rayon pool of `threads` threads.
pub fn shared<T>(threads: Option<usize>, run: impl FnOnce(Option<&dyn Share>) -> T) -> Result<T> {
    let (universe, _) = mpi::initialize_with_threading(mpi::Threading::Funneled)
        .ok_or_else(|| failed("MPI was already initialised"))?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build_global()
        .map_err(|e| failed(format!("cannot start worker threads: {e}")))?;
    let ranks = Ranks {
        world: universe.world(),
    };
    Ok(run(Some(&ranks)))
}
