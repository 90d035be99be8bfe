//! What `run`, `sweep` and `compare` share: the ensemble flags, the thread pool, the progress
//! bar, resume and shard handling; and `impunity merge`.

use super::{CliError, Result, input};
use impunity::ensemble::{
    self, Assembled, EnsembleError, Options, Plan, Prepared, Progress, Shard, assemble, prepare,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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
    /// Replace impunity's outputs in an existing, non-empty output directory (other files
    /// there are kept). Without it such a directory is refused.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Split the replicates across the MPI ranks of `mpirun -n P impunity ... --mpi`; rank 0
    /// gathers them and writes the outputs (needs a build with `--features mpi`).
    #[arg(long)]
    pub mpi: bool,
    /// The command line to record in the manifest instead of this process's own (`run --from`
    /// records the rerun manifest's, so that the rerun writes the same bytes).
    #[arg(skip)]
    pub command_line: Option<Vec<String>>,
}

/// Flags that change where and how, not what: left out of the recorded command line so that
/// a resumed, re-threaded, sharded or redirected run writes the same manifest.
const NOT_RECORDED: [(&str, bool); 8] = [
    ("--resume", false),
    ("--force", false),
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
    let command_line = a.command_line.clone().unwrap_or_else(recorded_command_line);
    ensemble::claim_dir(out, a.resume, a.force).map_err(ens_err)?;
    let state = prepare(plan, out, shard, a.resume, command_line.clone()).map_err(ens_err)?;
    if state == Prepared::Complete {
        say_nothing_to_do(out);
        return Ok(None);
    }
    let (count, todo) = ensemble::pending_units(plan, out, shard).map_err(ens_err)?;
    if count.already > 0 {
        eprintln!(
            "resuming: {} of {} units already on disk",
            count.already, count.owned
        );
    }
    let bar = Bar::new(todo.len() as u64, plan.ticks, a.quiet);
    pool.install(|| ensemble::run_these(plan, out, &todo, &|p| bar.progress(p)))
        .map_err(ens_err)?;
    bar.finish();
    if let Some(s) = shard {
        eprintln!(
            "shard {s}: {} units in {}; combine the shards with `impunity merge DIR... --out OUT`",
            count.owned,
            out.display()
        );
        return Ok(None);
    }
    assemble_in_place(plan, out, keep_outcomes, command_line).map(Some)
}

/// Writes the final outputs of a run whose parts are all in `out` (one process, or MPI rank 0).
pub fn assemble_in_place(
    plan: &Plan,
    out: &Path,
    keep_outcomes: bool,
    command_line: Vec<String>,
) -> Result<Assembled> {
    let opts = Options {
        keep_outcomes,
        command_line,
        ..Options::default()
    };
    assemble(plan, &[out.to_path_buf()], out, &opts).map_err(ens_err)
}

/// Says that `out` already holds this very run (a `--resume` of a finished run).
pub fn say_nothing_to_do(out: &Path) {
    eprintln!(
        "{} already holds the finished outputs of this run; nothing to do",
        out.display()
    );
}

/// The progress bar of an ensemble on stderr: ticks run (over every replicate), replicates
/// done, rate and time left. Hidden with `--quiet` or when stderr is not a terminal; otherwise
/// it appears once the run has lasted a second, so that short runs print nothing.
pub struct Bar {
    bar: indicatif::ProgressBar,
    live: bool,
    shown: AtomicBool,
    units: u64,
    units_done: AtomicU64,
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    ticks: u64,
}

impl Bar {
    /// A bar for `units` replicates of `ticks` ticks each.
    pub fn new(units: u64, ticks: u32, quiet: bool) -> Bar {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(units * u64::from(ticks)),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "[{bar:20}] {human_pos}/{human_len} ticks, {msg}, {per_sec}, {eta} left",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        let b = Bar {
            bar,
            live: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
            units,
            units_done: AtomicU64::new(0),
            ticks: u64::from(ticks),
        };
        b.bar.set_message(b.replicates(0));
        b
    }

    fn replicates(&self, done: u64) -> String {
        format!("{done}/{} reps", self.units)
    }

    fn show_if_slow(&self) {
        if self.live
            && !self.shown.load(Ordering::Relaxed)
            && self.bar.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    /// What [`ensemble::run_these`] reports.
    pub fn progress(&self, p: Progress) {
        match p {
            Progress::Tick => self.bar.inc(1),
            Progress::Unit => {
                let done = self.units_done.fetch_add(1, Ordering::Relaxed) + 1;
                self.bar.set_message(self.replicates(done));
            }
        }
        self.show_if_slow();
    }

    /// A unit run elsewhere (another MPI rank) has arrived whole.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub fn remote_unit(&self) {
        self.bar.inc(self.ticks);
        self.progress(Progress::Unit);
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
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
    /// Replace impunity's outputs in an existing, non-empty --out directory.
    #[arg(long)]
    force: bool,
}

/// `impunity merge`.
pub fn merge(a: MergeArgs) -> Result<()> {
    let plan = ensemble::read_plan(&a.dirs[0]).map_err(ens_err)?;
    // Writing into one of the shard directories is allowed (it holds only part files).
    let same = |d: &PathBuf| match (d.canonicalize(), a.out.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if !a.dirs.iter().any(same) {
        ensemble::claim_dir(&a.out, false, a.force).map_err(ens_err)?;
    }
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
