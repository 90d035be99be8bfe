//! `--mpi`: an ensemble split across MPI ranks (feature `mpi`).
//!
//! Rank 0 opens the output directory ([`Ensemble::open`]: claim, resume checks) and broadcasts
//! which units remain; the k-th remaining unit goes to rank k mod P. Every rank runs its units
//! on its own rayon pool; ranks other than 0 send each finished part ([`Ensemble::run_part`])
//! to rank 0 as soon as it is done (through a bounded channel to their main thread, the only
//! one that calls MPI), and rank 0 stores them beside its own ([`Job::store`]), then finishes
//! the job exactly as a single process would. Parts are the same bytes whichever rank makes
//! them, so the outputs are identical to a single-process run.

use super::ensemble::{EnsembleArgs, say_nothing_to_do};
use super::error::{CliError, Result, failed, input};
use super::progress::Bar;
use impunity::ensemble::{DirOptions, DirRun, Ensemble, EnsembleError, Job, Plan, Results};
use mpi::traits::*;
use rayon::prelude::*;
use std::path::Path;

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

    let units = ensemble.plan().units() as usize;
    let mut done = vec![0u8; units];
    if let Some(job) = &job {
        done.fill(1);
        for u in job.pending() {
            done[u as usize] = 0;
        }
    }
    root.broadcast_into(&mut done[..]);
    let todo: Vec<u64> = (0..units as u64)
        .filter(|&u| done[u as usize] == 0)
        .collect();
    let mine: Vec<u64> = todo
        .iter()
        .enumerate()
        .filter(|(i, _)| *i as u64 % size == rank as u64)
        .map(|(_, &u)| u)
        .collect();
    let pool = a.pool()?;

    let Some(job) = job else {
        // Ranks other than 0: run, and send each part to rank 0.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2 * pool.current_num_threads());
        std::thread::scope(|sc| {
            sc.spawn(|| {
                pool.install(|| {
                    mine.par_iter().with_max_len(1).for_each_with(tx, |tx, &u| {
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

    let remote = todo.len() - mine.len();
    let bar = Bar::new(ensemble.plan().ticks(), a.quiet);
    bar.start(todo.len() as u64);
    std::thread::scope(|sc| -> Result<()> {
        let local = sc.spawn(|| pool.install(|| job.run_units(&mine, &|p| bar.progress(p))));
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
