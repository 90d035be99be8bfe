//! `impunity run`.

use super::ensemble::{EnsembleArgs, execute, list};
use super::load::load_scenario;
use super::{Result, input};
use impunity::Scenario;
use impunity::ensemble::{Assembled, Plan};
use std::path::Path;

#[derive(clap::Args)]
pub struct RunArgs {
    /// Preset name (see `impunity presets`) or scenario file.
    scenario: String,
    #[command(flatten)]
    ens: EnsembleArgs,
    // Charts (src/cli/chart.rs): --snapshots, --no-charts, --svg, --chart-width/height.
    #[command(flatten)]
    charts: super::chart::RunChartArgs,
}

pub fn run(a: RunArgs) -> Result<()> {
    let scenario = load_scenario(&a.scenario, &a.ens.set)?;
    let ticks = a.ens.ticks.unwrap_or(scenario.ticks);
    let out = a
        .ens
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let plan =
        Plan::single(scenario.clone(), a.ens.seed, a.ens.replicates, ticks).map_err(input)?;
    let Some(done) = execute(&plan, &a.ens, &out, false)? else {
        return Ok(());
    };
    print_report(&scenario, &plan, &done);
    println!("wrote {}", list(&done.files));
    // Charts hook (src/cli/chart.rs): snapshots, sparkline summary, charts from the files.
    super::chart::after_run(&out, &scenario, a.ens.seed, ticks, &a.charts)?;
    Ok(())
}

/// The text summary of a plain run: the conflict report, or one line per replicate of
/// Epstein's outburst statistics.
fn print_report(s: &Scenario, plan: &Plan, done: &Assembled) {
    let p = &done.points[0];
    if impunity::model::is_conflict(s) {
        println!(
            "{}",
            impunity::report::ConflictReport::from_sums(
                s,
                p.replicates,
                plan.outcome_names(),
                &p.outcome_sums
            )
        );
        return;
    }
    println!(
        "{} ({}), {} replicate(s)",
        s.name,
        s.rules.label(),
        p.replicates
    );
    println!(
        "{:>9}  {:>11}  {:>9}  {:>9}",
        "replicate", "peak active", "outbursts", "ticks>50"
    );
    // Outcomes 0..4: peak_active, peak_tick, outbursts, ticks_above_50.
    let shown = if p.replicates > 20 { 10 } else { p.head.len() };
    for (r, o) in p.head.iter().take(shown).enumerate() {
        println!(
            "{:>9}  {:>6} @{:<4}  {:>9}  {:>9}",
            r, o[0], o[1], o[2], o[3]
        );
    }
    if p.replicates > 20 {
        println!("{:>9}", "…");
        let n = p.replicates as f64;
        println!(
            "{:>9}  {:>11.1}  {:>9.2}  {:>9.1}",
            "mean",
            p.outcome_sums[0] / n,
            p.outcome_sums[2] / n,
            p.outcome_sums[3] / n
        );
    }
}
