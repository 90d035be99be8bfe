//! What `run`, `sweep` and `compare` share: the ensemble flags, the thread pool, the recorded
//! command line, and running a plan into its directory; and `impunity merge`.

use super::error::{Result, failed, input};
use super::human::human_bytes;
use super::progress::Bar;
use impunity::ensemble::{DirOptions, DirRun, Ensemble, MergeOptions, Plan, Results, Shard};
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
    /// Replicates per point: each point of a sweep, and the baseline and each variant of a
    /// comparison, runs this many, on the same seeds.
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
    /// Also write the long, tidy form of timeseries.csv, outcomes.csv and summary.csv into
    /// DIR/tidy/ (one value per row with its metric, entity and unit; see `impunity tidy`).
    #[arg(long)]
    pub tidy: bool,
    /// `parquet`: also write Parquet copies of the tables (DIR/parquet/*.parquet, and
    /// DIR/tidy/*.parquet with --tidy) for pandas, R or DuckDB to load fast (feature `parquet`,
    /// in the default build). The CSV files are always written.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Run even if the estimated memory exceeds this machine's, the outputs' lower bound the
    /// free disk space, or a sweep has more than 100,000 points (all checked before anything
    /// runs).
    #[arg(long)]
    pub allow_large: bool,
    /// Split the replicates across the MPI ranks of `mpirun -n P impunity ... --mpi`; rank 0
    /// gathers them and writes the outputs (needs a build with `--features mpi`).
    #[arg(long)]
    pub mpi: bool,
    /// The command line to record in the manifest instead of this process's own (`run --from`
    /// records the rerun manifest's, so that the rerun writes the same bytes).
    #[arg(skip)]
    pub command_line: Option<Vec<String>>,
}

/// Set on an MPI rank other than 0 (`--mpi`): it runs its share of the units and leaves every
/// output, charts included, to rank 0 (two ranks drawing the same charts at once collide).
pub static SECONDARY_RANK: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl EnsembleArgs {
    /// Whether this process, given no results by [`execute`], redoes what a finished run
    /// resumed may have been killed before (charts, analyses): a `--resume` that is not a
    /// shard, on rank 0 of an MPI run or on a single process.
    pub fn finishes_a_resume(&self) -> bool {
        self.resume
            && self.shard.is_none()
            && !SECONDARY_RANK.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The command line the outputs record.
    pub fn command_line(&self) -> Vec<String> {
        self.command_line
            .clone()
            .unwrap_or_else(recorded_command_line)
    }

    /// The pool of `--threads` worker threads the ensemble runs on.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.unwrap_or(0))
            .build()
            .map_err(|e| failed(format!("cannot start worker threads: {e}")))
    }
}

/// Flags that change where and how, not what: left out of the recorded command line so that
/// a resumed, re-threaded, sharded or redirected run writes the same manifest.
const NOT_RECORDED: [(&str, bool); 9] = [
    ("--resume", false),
    ("--allow-large", false),
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

/// The formats of an output directory's tables.
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
pub enum Format {
    /// CSV alone.
    Csv,
    /// CSV, and a Parquet copy of each table.
    Parquet,
}

/// Refuses `--format parquet` in a build without Parquet, before anything runs.
pub fn check_format(format: Format) -> Result<()> {
    if format == Format::Parquet && !cfg!(feature = "parquet") {
        return Err(super::error::input(
            "--format parquet: this impunity was built without Parquet (built with \
             --no-default-features); build it with `cargo build --release --features parquet`",
        ));
    }
    Ok(())
}

/// Writes what `--tidy` and `--format` ask for beside a finished run's files; `missing_only`
/// skips what is already there (a finished run resumed).
fn write_extras(a: &EnsembleArgs, out: &Path, missing_only: bool) -> Result<()> {
    if a.tidy && !(missing_only && out.join("tidy").is_dir()) {
        impunity::output::write_tidy(out)?;
    }
    if a.format == Format::Parquet && !(missing_only && out.join("parquet").is_dir()) {
        write_parquet(out)?;
    }
    Ok(())
}

/// The Parquet copies of a run's tables (`--format parquet`).
fn write_parquet(out: &Path) -> Result<Vec<PathBuf>> {
    #[cfg(feature = "parquet")]
    return impunity::output::write_parquet(out).map_err(|e| match e {
        impunity::output::ParquetError::Format { .. } => super::error::input(e.to_string()),
        e => super::error::failed(e.to_string()),
    });
    #[cfg(not(feature = "parquet"))]
    {
        let _ = out;
        check_format(Format::Parquet)?;
        unreachable!("refused above")
    }
}

/// Runs `plan` into `out` on a pool of `--threads` threads with a progress bar: resume and
/// shard as the flags say, then (unless a shard) the outputs are assembled. Returns `None`
/// when there is nothing more to say (a shard, or a finished run resumed).
pub fn execute(plan: Plan, a: &EnsembleArgs, out: &Path) -> Result<Option<Results>> {
    check_format(a.format)?;
    if a.mpi {
        #[cfg(feature = "mpi")]
        {
            let done = super::mpi::execute(plan, a, out)?;
            if done.is_some() {
                write_extras(a, out, false)?;
            }
            return Ok(done);
        }
        #[cfg(not(feature = "mpi"))]
        return Err(super::error::input(
            "--mpi: this impunity was built without MPI (cargo build --profile mpi --features mpi)",
        ));
    }
    let shard = a.shard.as_deref().map(Shard::parse).transpose()?;
    check_resources(&plan, a)?;
    check_disk(&plan, a, out, shard)?;
    let pool = a.pool()?;
    let opts = DirOptions {
        resume: a.resume,
        force: a.force,
        shard,
        command_line: a.command_line(),
        keep_parts: false,
    };
    let bar = Bar::new(plan.ticks(), a.quiet);
    let ensemble = Ensemble::new(plan);
    let run = pool.install(|| ensemble.run_in(out, &opts, &|p| bar.progress(p)));
    bar.finish();
    match run? {
        DirRun::Done(results) => {
            write_extras(a, out, false)?;
            Ok(Some(results))
        }
        DirRun::Shard { units } => {
            eprintln!(
                "shard {}: {units} units in {}; combine the shards with `impunity merge DIR... --out OUT`",
                shard.expect("a shard ran"),
                out.display()
            );
            Ok(None)
        }
        DirRun::AlreadyComplete => {
            write_extras(a, out, true)?;
            say_nothing_to_do(out);
            Ok(None)
        }
    }
}

/// The output directory: `--out`, or else `default`, resolved
/// ([`impunity::ensemble::output_path`]) before anything looks at it.
pub fn out_dir(given: Option<&PathBuf>, default: impl FnOnce() -> PathBuf) -> Result<PathBuf> {
    let p = given.cloned().unwrap_or_else(default);
    Ok(impunity::ensemble::output_path(&p)?)
}

/// The most worker threads `--threads` may ask for.
const MAX_THREADS: usize = 1024;

/// Refuses, before anything is allocated or started, more threads than [`MAX_THREADS`] and a
/// run whose estimated memory ([`Plan::memory_estimate`]) exceeds the machine's (unless
/// `--allow-large`).
fn check_resources(plan: &Plan, a: &EnsembleArgs) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(t) = a.threads.filter(|&t| t > MAX_THREADS) {
        return Err(input(format!(
            "--threads {t}: at most {MAX_THREADS} (this machine has {cores} cores; threads \
             beyond the cores only slow a run down)"
        )));
    }
    let threads = a.threads.filter(|&t| t > 0).unwrap_or(cores) as u64;
    let threads = threads.min(plan.units());
    let need = plan.memory_estimate(threads);
    if let Some(total) = super::scenario_cmds::machine_memory()
        && need > total
        && !a.allow_large
    {
        return Err(input(format!(
            "this run needs about {} of memory ({threads} replicate(s) in flight, {} ticks \
             each, {} units in all), more than this machine's {}; use fewer --threads, \
             --replicates, --ticks or a smaller world, or --allow-large to run anyway",
            human_bytes(need),
            plan.ticks(),
            plan.units(),
            human_bytes(total)
        )));
    }
    Ok(())
}

/// Refuses, before anything is written, a run whose outputs cannot fit where they go: the
/// lower bound of what it writes ([`Plan::disk_estimate`], for the units of its shard) against
/// the space available on the file system of `out` (of its nearest existing ancestor, for a
/// directory still to be made). Unless `--allow-large`; not on `--resume`, whose units are
/// partly on disk already (a disk that fills during a run fails it cleanly, and a resume
/// goes on from there). A file system that cannot be asked is not refused.
fn check_disk(plan: &Plan, a: &EnsembleArgs, out: &Path, shard: Option<Shard>) -> Result<()> {
    if a.allow_large || a.resume {
        return Ok(());
    }
    let units = match shard {
        Some(s) => plan.units().div_ceil(s.count),
        None => plan.units(),
    };
    let need = plan.disk_estimate(units);
    let Some(existing) = out
        .ancestors()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .find(|p| p.is_dir())
    else {
        return Ok(());
    };
    match fs4::available_space(existing) {
        Ok(free) if need > free => Err(input(format!(
            "this run writes at least {} to {} ({units} units of {} ticks), more than the {} \
             free there; use fewer --replicates or --ticks, another --out, or --allow-large to \
             run anyway",
            human_bytes(need),
            out.display(),
            plan.ticks(),
            human_bytes(free)
        ))),
        _ => Ok(()),
    }
}

/// Says that `out` already holds this very run (a `--resume` of a finished run).
pub fn say_nothing_to_do(out: &Path) {
    eprintln!(
        "{} already holds the finished outputs of this run; nothing to do",
        out.display()
    );
}

#[derive(clap::Args)]
#[command(
    about = "Write the long, tidy form of an output directory's tables into DIR/tidy/",
    long_about = "Write the long, tidy form of an output directory's tables, from its files \
        alone (no rerun), into DIR/tidy/: timeseries.csv \
        ([point,<keys>,]replicate,tick[,date],metric,entity,value,unit), outcomes.csv \
        ([point,<keys>,]replicate,outcome,entity,value,unit) and summary.csv \
        ([point,<keys>,]tick[,date],metric,entity,unit,n,mean,sd,p5,...,p95). A wide column \
        such as new_killed_civilians_state becomes metric new_killed_civilians of entity \
        state; unit says people, agents, cases, battles or index. The keys of a sweep's points \
        get names a model formula needs no quotes for (dots become underscores). pandas: \
        pd.read_csv('DIR/tidy/timeseries.csv'); R: read.csv('DIR/tidy/timeseries.csv').",
    after_help = "Example:\n  impunity run central-mali-2018 --replicates 4 --out out/mali\n  impunity tidy out/mali"
)]
pub struct TidyArgs {
    /// Output directory of `impunity run`, `sweep`, `compare` or `merge`.
    dir: PathBuf,
    /// `parquet`: also write Parquet copies of the directory's tables and of the long form
    /// (DIR/parquet/*.parquet, DIR/tidy/*.parquet).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

/// `impunity tidy`.
pub fn tidy(a: TidyArgs) -> Result<()> {
    check_format(a.format)?;
    let mut files = impunity::output::write_tidy(&a.dir)?;
    if a.format == Format::Parquet {
        files.extend(write_parquet(&a.dir)?);
    }
    println!("wrote {}", list(&files));
    Ok(())
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
    let opts = MergeOptions {
        force: a.force,
        keep_parts: a.keep,
    };
    let done = Ensemble::merge(&a.dirs, &a.out, &opts)?;
    println!(
        "merged {} shard(s), {} units; wrote {}",
        a.dirs.len(),
        done.plan().units(),
        list(done.files())
    );
    if impunity::sensitivity::is_sensitivity(done.plan().design()) {
        super::sensitivity::after_run(&a.out, true, false)?;
    }
    // a `compare --posterior` run in shards: its effects over the draws
    let files = impunity::calibrate::write_outputs(done.plan(), &a.out)
        .map_err(|e| failed(e.to_string()))?;
    if !files.is_empty() {
        println!("wrote {}", list(&files));
    }
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
