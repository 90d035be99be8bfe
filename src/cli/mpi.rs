//! `--mpi`: an ensemble split across MPI ranks (feature `mpi`).
//!
//! Rank 0 prepares the output directory (resume checks included) and broadcasts which units
//! remain; the k-th remaining unit goes to rank k mod P. Every rank runs its units on its own
//! rayon pool; ranks other than 0 send each finished part to rank 0 as soon as it is done
//! (through a bounded channel to their main thread, the only one that calls MPI), and rank 0
//! stores them beside its own, then assembles the outputs exactly as a single process would.
//! Parts are the same bytes whichever rank makes them, so the outputs are identical to a
//! single-process run.

use super::ensemble::{
    Bar, EnsembleArgs, assemble_in_place, ens_err, recorded_command_line, say_nothing_to_do,
};
use super::{CliError, Result, input};
use impunity::ensemble::{self, Assembled, Plan, Prepared, prepare};
use mpi::traits::*;
use rayon::prelude::*;
use std::path::Path;

pub fn execute(
    plan: &Plan,
    a: &EnsembleArgs,
    out: &Path,
    keep_outcomes: bool,
) -> Result<Option<Assembled>> {
    if a.shard.is_some() {
        return Err(input(
            "--mpi and --shard do not mix: MPI ranks are the shards",
        ));
    }
    let (universe, _) = mpi::initialize_with_threading(mpi::Threading::Funneled)
        .ok_or_else(|| CliError::Run("MPI was already initialised".into()))?;
    let world = universe.world();
    let rank = world.rank();
    let size = world.size() as u64;
    let root = world.process_at_rank(0);
    let command_line = a.command_line.clone().unwrap_or_else(recorded_command_line);

    // 0: ready, 1: already complete, 2: refused.
    let mut status = [0u8; 1];
    let mut refused = None;
    if rank == 0 {
        let claimed = ensemble::claim_dir(out, a.resume, a.force);
        match claimed.and_then(|()| prepare(plan, out, None, a.resume, command_line.clone())) {
            Ok(Prepared::Ready) => {}
            Ok(Prepared::Complete) => status[0] = 1,
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
        (2, Some(e)) => return Err(ens_err(e)),
        (2, None) => return Err(input(format!("rank {rank}: rank 0 refused the run"))),
        _ => {}
    }

    let units = plan.units() as usize;
    let mut done = vec![0u8; units];
    if rank == 0 {
        let (_, todo) = ensemble::pending_units(plan, out, None).map_err(ens_err)?;
        done.fill(1);
        for u in todo {
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| CliError::Run(format!("cannot start worker threads: {e}")))?;

    if rank != 0 {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2 * pool.current_num_threads());
        std::thread::scope(|sc| {
            sc.spawn(|| {
                pool.install(|| {
                    mine.par_iter().with_max_len(1).for_each_with(tx, |tx, &u| {
                        let (p, r) = plan.unit(u);
                        tx.send(ensemble::run_part(plan, p, r))
                            .expect("the main thread receives until the end");
                    })
                })
            });
            for bytes in rx {
                root.send(&bytes[..]);
            }
        });
        return Ok(None);
    }

    let remote = todo.len() - mine.len();
    let bar = Bar::new(todo.len() as u64, plan.ticks, a.quiet);
    std::thread::scope(|sc| -> Result<()> {
        let local = sc
            .spawn(|| pool.install(|| ensemble::run_these(plan, out, &mine, &|p| bar.progress(p))));
        for _ in 0..remote {
            let (bytes, _) = world.any_process().receive_vec::<u8>();
            ensemble::store_part(plan, out, &bytes).map_err(ens_err)?;
            bar.remote_unit();
        }
        local
            .join()
            .map_err(|_| CliError::Run("a worker thread panicked".into()))?
            .map_err(ens_err)
    })?;
    bar.finish();
    assemble_in_place(plan, out, keep_outcomes, command_line).map(Some)
}
