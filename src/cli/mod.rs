//! Command-line parsing and the subcommands.

mod chart;
mod load;
mod run;
mod scenario_cmds;

use clap::{Parser, Subcommand};
use impunity::presets;
use std::process::ExitCode;

/// What went wrong, and which exit code it deserves.
pub enum CliError {
    /// Bad input: usage, scenario, arguments (exit 2).
    Input(String),
    /// Failure while running (exit 1).
    Run(String),
}

pub type Result<T> = std::result::Result<T, CliError>;

pub fn input(m: impl Into<String>) -> CliError {
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
            prints a short summary per replicate and a sparkline per key metric, and draws the \
            charts into DIR/charts/ (see `impunity help chart`; --no-charts skips them).",
        after_help = "Example:\n  impunity run epstein-run2 --seed 7 --ticks 500 --replicates 4 --out out/run2"
    )]
    Run(run::RunArgs),
    Chart(chart::ChartArgs),
    // Their help texts are in src/cli/scenario_cmds.rs.
    Validate(scenario_cmds::ValidateArgs),
    Show(scenario_cmds::ShowArgs),
    Init(scenario_cmds::InitArgs),
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
        Command::Run(a) => run::run(a),
        Command::Chart(a) => chart::chart(a),
        Command::Validate(a) => scenario_cmds::validate(a),
        Command::Show(a) => scenario_cmds::show(a),
        Command::Init(a) => scenario_cmds::init(a),
    }
}
