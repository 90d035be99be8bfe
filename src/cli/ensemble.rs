//! What `run`, `sweep` and `compare` share: the ensemble flags, the thread pool, the progress
//! bar, resume and shard handling; and `impunity merge`.

use super::{CliError, Result, input};
use impunity::ensemble::{
    self, Assembled, EnsembleError, Options, Plan, Prepared, Shard, assemble, prepare,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Flags of every command that runs an ensemble.
#[derive(clap::Args, Clone)]
pub struct EnsembleArgs {
    /// Master seed; replicate r of every point uses the streams derived from (seed, r).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ticks to run (default: the scenario's `ticks`).
    #[arg(long)]
    pub ticks: Option<u32>,
    /// Replicates (per point for sweeps and comparisons).
    #[arg(long, default_value_t = 1)]
    pub replicates: u64,
    /// Output directory (default: out/<scenario name>, out/<name>-sweep, out/<name>-compare).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Change a scenario key, e.g. `--set communities.citizens.legitimacy=0.7` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Continue an interrupted run in the same directory: units already on disk are kept.
    /// Refused if the directory holds a different run (scenario, seed, replicates, design).
    #[arg(long)]
    pub resume: bool,
    /// Run only shard K of N (units u with u % N == K) into the output directory, for
    /// `impunity merge` to combine; K counts from 0.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Split the replicates across the MPI ranks of `mpirun -n P impunity ... --mpi`; rank 0
    /// gathers them and writes the outputs (needs a build with `--features mpi`).
    #[arg(long)]
    pub mpi: bool,
}

/// Flags that change where and how, not what: left out of the recorded command line so that
/// a resumed, re-threaded, sharded or redirected run writes the same manifest.
const NOT_RECORDED: [(&str, bool); 7] = [
    ("--resume", false),
    ("--mpi", false),
    ("--quiet", false),
    ("-q", false),
    ("--threads", true),
    ("--shard", true),
    ("--out", true),
];

/// The command line as recorded in manifests: program name `impunity`, without the flags of
/// [`NOT_RECORDED`].
pub fn recorded_command_line() -> Vec<String> {
    let args: Vec<String> = std::env::args().collect();
    let mut out = vec!["impunity".to_string()];
    let mut skip = false;
    for a in args.into_iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        let hit = NOT_RECORDED
            .iter()
            .find(|(f, _)| a == *f || (a.starts_with(f) && a[f.len()..].starts_with('=')));
        match hit {
            Some((f, takes)) => skip = *takes && a == *f,
            None => out.push(a),
        }
    }
    out
}

pub fn ens_err(e: EnsembleError) -> CliError {
    match e {
        EnsembleError::Input(m) => CliError::Input(m),
        EnsembleError::Io(m) => CliError::Run(m),
    }
}

/// Runs `plan` into `out`: prepares the directory (resume and shard checks), runs the missing
/// units on a pool of `--threads` threads with a progress bar, then (unless a shard) assembles
/// the outputs. Returns `None` for a shard.
pub fn execute(
    plan: &Plan,
    a: &EnsembleArgs,
    out: &Path,
    keep_outcomes: bool,
) -> Result<Option<Assembled>> {
    if a.mpi {
        #[cfg(feature = "mpi")]
        return super::mpi::execute(plan, a, out, keep_outcomes);
        #[cfg(not(feature = "mpi"))]
        return Err(input(
            "--mpi: this impunity was built without MPI (cargo build --profile mpi --features mpi)",
        ));
    }
    let shard = a
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(input)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| CliError::Run(format!("cannot start worker threads: {e}")))?;
    let command_line = recorded_command_line();
    let state = prepare(plan, out, shard, a.resume, command_line.clone()).map_err(ens_err)?;
    if state == Prepared::Complete {
        eprintln!(
            "{} already holds the finished outputs of this run; nothing to do",
            out.display()
        );
        return Ok(None);
    }
    let (count, todo) = ensemble::pending_units(plan, out, shard).map_err(ens_err)?;
    if count.already > 0 {
        eprintln!(
            "resuming: {} of {} units already on disk",
            count.already, count.owned
        );
    }
    let bar = progress_bar(todo.len() as u64, a.quiet);
    let tick = || bar.inc(1);
    pool.install(|| ensemble::run_these(plan, out, &todo, &tick))
        .map_err(ens_err)?;
    bar.finish_and_clear();
    if let Some(s) = shard {
        eprintln!(
            "shard {s}: {} units in {}; combine the shards with `impunity merge DIR... --out OUT`",
            count.owned,
            out.display()
        );
        return Ok(None);
    }
    let opts = Options {
        keep_outcomes,
        command_line,
        ..Options::default()
    };
    assemble(plan, &[out.to_path_buf()], out, &opts)
        .map(Some)
        .map_err(ens_err)
}

pub fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || len < 2 {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(len);
    b.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} units, eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    b
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// Shard directories (written by `--shard K/N`), in any order.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write the combined outputs.
    #[arg(long)]
    out: PathBuf,
    /// Keep the shards' part files (by default they are removed once merged).
    #[arg(long)]
    keep: bool,
}

/// `impunity merge`.
pub fn merge(a: MergeArgs) -> Result<()> {
    let plan = ensemble::read_plan(&a.dirs[0]).map_err(ens_err)?;
    let command_line = ensemble::recorded_command_line(&a.dirs[0]).map_err(ens_err)?;
    let opts = Options {
        command_line,
        remove_parts: !a.keep,
        ..Options::default()
    };
    let done = assemble(&plan, &a.dirs, &a.out, &opts).map_err(ens_err)?;
    println!(
        "merged {} shard(s), {} units; wrote {}",
        a.dirs.len(),
        plan.units(),
        list(&done.files)
    );
    Ok(())
}

/// Paths joined by ", ".
pub fn list(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
