//! `impunity run`.

use super::load::load_scenario;
use super::{CliError, Result, input};
use impunity::Scenario;
use impunity::analysis::ActivitySummary;
use impunity::output::{
    Manifest, calendar, write_atomic, write_timeseries_header, write_timeseries_rows,
};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Preset name (see `impunity presets`) or scenario file.
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
    /// Change a scenario key, e.g. `--set communities.citizens.legitimacy=0.7` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    // Charts (src/cli/chart.rs): --snapshots, --no-charts, --svg, --chart-width/height.
    #[command(flatten)]
    charts: super::chart::RunChartArgs,
}

pub fn run(a: RunArgs) -> Result<()> {
    let scenario = load_scenario(&a.scenario, &a.set)?;
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
    let cal = calendar(&scenario);
    let fail =
        |p: &Path, e: std::io::Error| CliError::Run(format!("cannot write {}: {e}", p.display()));
    let ts = out.join("timeseries.csv");
    write_atomic(&ts, |w| {
        write_timeseries_header(w, metrics.names(), cal)?;
        for r in &results {
            write_timeseries_rows(w, r.replicate, &r.rows, cal)?;
        }
        Ok(())
    })
    .map_err(|e| fail(&ts, e))?;
    let mut written = vec![ts];
    if impunity::model::is_conflict(&scenario) {
        let ev = out.join("events.csv");
        write_atomic(&ev, |w| {
            writeln!(w, "{}", impunity::events::HEADER)?;
            for r in &results {
                impunity::events::write_rows(w, &scenario, r.replicate, 0, &r.events)?;
            }
            Ok(())
        })
        .map_err(|e| fail(&ev, e))?;
        let cs = out.join("cases.csv");
        write_atomic(&cs, |w| {
            writeln!(w, "{}", impunity::output::CASES_HEADER)?;
            for r in &results {
                impunity::output::write_cases(w, &scenario, r.replicate, &r.cases)?;
            }
            Ok(())
        })
        .map_err(|e| fail(&cs, e))?;
        written.push(ev);
        written.push(cs);
    }
    let manifest = Manifest::new(
        &scenario,
        a.seed,
        a.replicates,
        ticks,
        std::env::args().collect(),
    );
    let mf = out.join("manifest.json");
    manifest.write(&mf).map_err(|e| fail(&mf, e))?;
    written.push(mf);
    if impunity::model::is_conflict(&scenario) {
        println!(
            "{}",
            impunity::report::ConflictReport::new(&scenario, &results)
        );
    } else {
        print_summary(
            &scenario,
            &results
                .iter()
                .map(|r| (r.replicate, r.summary))
                .collect::<Vec<_>>(),
        );
    }
    println!(
        "wrote {}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Charts hook (src/cli/chart.rs): snapshots, sparkline summary, charts from the files.
    super::chart::after_run(&out, &scenario, a.seed, ticks, &a.charts)?;
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
