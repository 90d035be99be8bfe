//! Command-line parsing and the subcommands, built on the library's public API alone.
//!
//! `main` parses the command line and calls [`run`]; every error comes back as a [`CliError`]
//! (`src/cli/error.rs` words the library's errors with the flags and picks the exit code), and
//! `main` prints it.

mod calibrate;
mod chart;
mod compare;
mod ensemble;
mod error;
mod human;
mod load;
#[cfg(feature = "mpi")]
mod mpi;
mod progress;
mod report;
mod run;
mod scenario_cmds;
mod sensitivity;
#[cfg(feature = "serve")]
mod serve;
mod sweep;

use error::Result;

use clap::{Parser, Subcommand};
use impunity::presets;
use std::process::ExitCode;

/// The command line.
#[derive(Parser)]
#[command(
    name = "impunity",
    version,
    about = "Agent-based simulation of armed conflict, state abuse and communal violence",
    long_about = "Agent-based simulation of armed conflict, state abuse and communal violence.\n\n\
        Runs scenarios (Epstein's civil-violence model and its extensions) as seeded Monte Carlo \
        replicates and writes tidy CSV files. The same scenario and seed always give the same bytes.",
    after_help = "Examples:\n  impunity presets\n  impunity run epstein-run2 --seed 7 --ticks 500 --replicates 10\n  \
        impunity sweep central-mali-2018 --vary policy.impunity=0:1:5 --replicates 20\n  \
        impunity compare central-mali-2018 --variant narrow-amnesty:policy.amnesty.scope=0 --replicates 50\n\n\
        Ensembles: docs/ensembles.md (resume, shards and merge, Slurm, MPI).\n\nExit codes: 0 success, 2 bad input, 1 failure while running."
)]
pub struct Cli {
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
            row per replicate per tick, tick 0 being the initial state), DIR/outcomes.csv (one \
            row of whole-run outcomes per replicate), DIR/summary.csv (per tick and metric: \
            mean, sd and percentiles across replicates), events.csv and cases.csv (conflict \
            model) and DIR/manifest.json (scenario, rules, every parameter, seed, replicates, \
            ticks, crate version), then prints a short summary. Replicates run in parallel and \
            stream to disk; --resume continues an interrupted run, --shard K/N runs a share \
            for `impunity merge`. An existing, non-empty output directory is refused unless \
            --force (which replaces impunity's own files there) or --resume. --from \
            DIR/manifest.json reruns a recorded run to identical bytes. Draws the charts into DIR/charts/ (see `impunity help chart`; \
            --charts none skips them) and prints a sparkline per key metric; --tidy also writes \
            the long form of the tables into DIR/tidy/.",
        after_help = "Examples:\n  impunity run epstein-run2 --seed 7 --ticks 500 --replicates 4 --out out/run2\n  \
            impunity run --from out/run2/manifest.json --out out/run2-again",
        // the ensemble flags' help speaks of points; a run has one
        mut_arg("replicates", |a| a.help("Replicates of the scenario to run, each on its own \
            random streams (seed, replicate)"))
    )]
    Run(run::RunArgs),
    /// Run a grid or Latin hypercube of scenario variants, every point on the same seeds.
    #[command(
        long_about = "Run a parameter sweep: every point of the design, each with --replicates \
            replicates on the same seeds (common random numbers).\n\n\
            Writes DIR/points.csv (point and varied values), DIR/outcomes.csv (one row per \
            point and replicate), DIR/summary.csv (per point, tick and metric: mean, sd and \
            percentiles across replicates), DIR/timeseries.csv and DIR/manifest.json.",
        after_help = "Examples:\n  impunity sweep central-mali-2018 --vary policy.impunity=0,0.25,0.5,0.75,1 \
            --vary policy.amnesty.scope=0:1:5 --replicates 20\n  impunity sweep epstein-run2 \
            --vary communities.citizens.legitimacy=0.7:0.9 --design lhs --samples 50 --replicates 10"
    )]
    Sweep(sweep::SweepArgs),
    /// Compare variants with the baseline on the same seeds (paired differences, 95% CIs).
    #[command(
        long_about = "Run the baseline and each --variant on the same seeds and report, per \
            outcome, the mean paired difference with a 95% t-interval and the share of replicates \
            where the variant is lower.\n\nWrites DIR/compare.csv, DIR/outcomes.csv (point 0 is \
            the baseline), DIR/summary.csv, DIR/points.csv, DIR/timeseries.csv, DIR/manifest.json.",
        after_help = "Example:\n  impunity compare central-mali-2018 --variant narrow-amnesty:policy.amnesty.scope=0 \
            --replicates 50"
    )]
    Compare(compare::CompareArgs),
    /// Combine shard directories (written with --shard K/N) into the outputs of one run.
    #[command(
        after_help = "Example:\n  impunity run epstein-run2 --replicates 100 --shard 0/2 --out s0\n  \
            impunity run epstein-run2 --replicates 100 --shard 1/2 --out s1\n  \
            impunity merge s0 s1 --out out/run2"
    )]
    Merge(ensemble::MergeArgs),
    /// Morris or Sobol sensitivity of outcomes to scenario keys (writes sensitivity.csv).
    #[command(
        long_about = "Global sensitivity analysis: run a Morris (elementary effects: mu*, mu, \
            sigma) or Sobol (Saltelli sampling on a scrambled Sobol sequence, Jansen's first-order \
            S1 and total ST indices) design over the --vary ranges, every point with --replicates \
            replicates (a point's outcome is their mean), as a sweep runs (--resume, --shard K/N \
            and merge, --threads work the same).\n\nWrites DIR/sensitivity.csv \
            (outcome,parameter,method,index,value,low,high; 95% bootstrap intervals; a \
            noise_share row per outcome with 2+ replicates), charts in DIR/charts/, and the \
            sweep's files (points.csv, outcomes.csv, summary.csv, timeseries.csv, manifest.json). \
            See docs/sensitivity.md.",
        after_help = "Examples:\n  impunity sensitivity epstein-run1 --method morris --samples 10 \
            --vary communities.citizens.legitimacy=0.6:0.9 --vary activation.k=1.5:3 --replicates 2 \
            --ticks 100\n  impunity sensitivity central-mali-2018 --method sobol --samples 64 \
            --vary policy.impunity=0:1 --vary policy.collusion=0:1 --outcomes killed_civilians_total"
    )]
    Sensitivity(sensitivity::SensitivityArgs),
    Chart(chart::ChartArgs),
    Calibrate(calibrate::CalibrateArgs),
    Tidy(ensemble::TidyArgs),
    // Their help texts are in src/cli/scenario_cmds.rs.
    Validate(scenario_cmds::ValidateArgs),
    Show(scenario_cmds::ShowArgs),
    Init(scenario_cmds::InitArgs),
    /// Serve the web explorer: sliders for the policy knobs, paired runs in the browser.
    #[cfg(feature = "serve")]
    #[command(
        long_about = "Serve the web explorer (docs/serve.md) on 127.0.0.1 (--host to change): \
            one page with sliders for the policy knobs and the world settings, that runs the \
            scenario as shipped against the chosen settings on the same seeds (what `impunity \
            compare` runs), streams its progress and draws its results as replicates finish. Prints \
            the page's URL.",
        after_help = "Examples:\n  impunity serve\n  impunity serve central-mali-2018 --port 8080"
    )]
    Serve(serve::ServeArgs),
}

/// Runs the command; the exit code of success, or the error to report.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Presets => {
            let width = presets::names().map(str::len).max().unwrap_or(0);
            for p in presets::ALL {
                println!("{:width$}  {}", p.name, p.summary);
            }
        }
        Command::Run(a) => run::run(a)?,
        Command::Sweep(a) => sweep::sweep(a)?,
        Command::Compare(a) => compare::compare(a)?,
        Command::Merge(a) => ensemble::merge(a)?,
        Command::Sensitivity(a) => sensitivity::sensitivity(a)?,
        Command::Chart(a) => chart::chart(a)?,
        Command::Calibrate(a) => calibrate::calibrate(a)?,
        Command::Tidy(a) => ensemble::tidy(a)?,
        Command::Validate(a) => scenario_cmds::validate(a)?,
        Command::Show(a) => scenario_cmds::show(a)?,
        Command::Init(a) => scenario_cmds::init(a)?,
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::serve(a)?,
    }
    Ok(ExitCode::SUCCESS)
}
