//! Command-line parsing and the subcommands.

use clap::{Parser, Subcommand};
use impunity::analysis::ActivitySummary;
use impunity::output::{Manifest, write_atomic, write_timeseries_header, write_timeseries_rows};
use impunity::{Scenario, presets};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What went wrong, and which exit code it deserves.
pub enum CliError {
    /// Bad input: usage, scenario, arguments (exit 2).
    Input(String),
    /// Failure while running (exit 1).
    Run(String),
}

type Result<T> = std::result::Result<T, CliError>;

fn input(m: impl Into<String>) -> CliError {
    CliError::Input(m.into())
}

#[derive(Parser)]
#[command(
    name = "impunity",
    version,
    about = "Agent-based simulation of armed conflict, state abuse and communal violence",
    long_about = "Agent-based simulation of armed conflict, state abuse and communal violence.\n\n\
        Runs scenarios (Epstein's civil-violence model and its extensions) as seeded Monte Carlo \
        replicates and writes tidy CSV files. The same scenario and seed always give the same bytes.",
    after_help = "Examples:\n  impunity presets\n  impunity run epstein-run2 --seed 7 --ticks 500 --replicates 10\n\nExit codes: 0 success, 2 bad input, 1 failure while running."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the built-in scenarios, one line each.
    #[command(after_help = "Example:\n  impunity presets")]
    Presets,
    /// Run a scenario and write timeseries.csv and manifest.json.
    #[command(
        long_about = "Run a scenario for a number of ticks and replicates.\n\n\
            Writes DIR/timeseries.csv (header `replicate,tick,` then one column per metric, one \
            row per replicate per tick, tick 0 being the initial state) and DIR/manifest.json \
            (scenario, rules, every parameter, seed, replicates, ticks, crate version), then \
            prints a short summary per replicate.",
        after_help = "Example:\n  impunity run epstein-run2 --seed 7 --ticks 500 --replicates 4 --out out/run2"
    )]
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Preset name (see `impunity presets`).
    scenario: String,
    /// Master seed; replicate r uses the streams derived from (seed, r).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Ticks to run (default: the scenario's `ticks`).
    #[arg(long)]
    ticks: Option<u32>,
    /// Number of replicates.
    #[arg(long, default_value_t = 1)]
    replicates: u64,
    /// Output directory (default: out/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

/// Parses the command line, runs, prints errors, returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(CliError::Run(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Presets => {
            let width = presets::names().map(str::len).max().unwrap_or(0);
            for p in presets::ALL {
                println!("{:width$}  {}", p.name, p.summary);
            }
            Ok(())
        }
        Command::Run(a) => run(a),
    }
}

fn load(name: &str) -> Result<Scenario> {
    match presets::get(name) {
        Some(s) => Ok(s),
        None => {
            let names: Vec<String> = presets::names().map(String::from).collect();
            let mut m = format!("unknown preset `{name}`");
            if let Some(best) = impunity::scenario::nearest(name, names.iter().map(|s| s.as_str()))
            {
                m.push_str(&format!("; did you mean `{best}`?"));
            }
            m.push_str(" (`impunity presets` lists them)");
            Err(input(m))
        }
    }
}

fn run(a: RunArgs) -> Result<()> {
    let scenario = load(&a.scenario)?;
    if a.replicates == 0 {
        return Err(input("--replicates must be at least 1"));
    }
    let ticks = a.ticks.unwrap_or(scenario.ticks);
    let out = a
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let threads = a.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Run(format!("cannot start worker threads: {e}")))?;
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::Run(format!("cannot create {}: {e}", out.display())))?;
    let results =
        pool.install(|| impunity::run::run_replicates(&scenario, a.seed, a.replicates, ticks));
    let metrics = impunity::metrics::MetricSet::for_scenario(&scenario).map_err(input)?;
    let ts = out.join("timeseries.csv");
    write_atomic(&ts, |w| {
        write_timeseries_header(w, metrics.names())?;
        for r in &results {
            write_timeseries_rows(w, r.replicate, &r.rows)?;
        }
        Ok(())
    })
    .map_err(|e| CliError::Run(format!("cannot write {}: {e}", ts.display())))?;
    let manifest = Manifest::new(
        &scenario,
        a.seed,
        a.replicates,
        ticks,
        std::env::args().collect(),
    );
    let mf = out.join("manifest.json");
    manifest
        .write(&mf)
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", mf.display())))?;
    print_summary(
        &scenario,
        &results
            .iter()
            .map(|r| (r.replicate, r.summary))
            .collect::<Vec<_>>(),
    );
    println!("wrote {} and {}", ts.display(), mf.display());
    Ok(())
}

fn print_summary(s: &Scenario, rows: &[(u64, ActivitySummary)]) {
    println!(
        "{} ({}), {} replicate(s)",
        s.name,
        s.rules.label(),
        rows.len()
    );
    println!(
        "{:>9}  {:>11}  {:>9}  {:>9}",
        "replicate", "peak active", "outbursts", "ticks>50"
    );
    let shown = if rows.len() > 20 { &rows[..10] } else { rows };
    for (r, a) in shown {
        println!(
            "{:>9}  {:>6} @{:<4}  {:>9}  {:>9}",
            r, a.peak_active, a.peak_tick, a.outbursts, a.ticks_above
        );
    }
    if rows.len() > 20 {
        println!("{:>9}", "…");
        let n = rows.len() as f64;
        let mean =
            |f: &dyn Fn(&ActivitySummary) -> f64| rows.iter().map(|(_, a)| f(a)).sum::<f64>() / n;
        println!(
            "{:>9}  {:>11.1}  {:>9.2}  {:>9.1}",
            "mean",
            mean(&|a| a.peak_active),
            mean(&|a| a.outbursts as f64),
            mean(&|a| a.ticks_above as f64)
        );
    }
}
