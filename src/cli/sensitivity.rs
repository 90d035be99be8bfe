//! `impunity sensitivity`: a Morris or Sobol design run as a sweep is, then analysed into
//! `DIR/sensitivity.csv` and charts.

use super::ensemble::{EnsembleArgs, execute, list, out_dir};
use super::error::{Result, failed, input};
use super::load::{load_scenario, warn_if_timeline_changes};
use impunity::ensemble::Plan;
use impunity::sensitivity::{Design, Factor, Method, Row, write_dir};
use std::path::Path;

#[derive(clap::Args)]
pub struct SensitivityArgs {
    /// Preset name or scenario file.
    scenario: String,
    /// A varied key and its range, `KEY=LO:HI` (LO < HI). Repeatable; at least one.
    #[arg(long = "vary", value_name = "KEY=LO:HI")]
    vary: Vec<String>,
    /// `morris` (elementary effects, for screening) or `sobol` (first-order and total
    /// indices).
    #[arg(long)]
    method: String,
    /// Morris: trajectories r (r (k + 1) points for k keys). Sobol: base samples N, a power of
    /// two (N (k + 2) points).
    #[arg(long)]
    samples: u64,
    /// Morris: levels of the grid (even; default 4).
    #[arg(long)]
    levels: Option<u64>,
    /// Outcomes to analyse (names of outcomes.csv columns, comma-separated; default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    outcomes: Vec<String>,
    /// Draw no charts.
    #[arg(long)]
    no_charts: bool,
    /// Draw SVG instead of PNG.
    #[arg(long)]
    svg: bool,
    #[command(flatten)]
    ens: EnsembleArgs,
}

/// `impunity sensitivity`.
pub fn sensitivity(a: SensitivityArgs) -> Result<()> {
    let base = load_scenario(&a.scenario, &a.ens.set, a.ens.ticks)?;
    let ticks = a.ens.ticks.unwrap_or(base.ticks);
    if a.vary.is_empty() {
        return Err(input("give at least one --vary KEY=LO:HI"));
    }
    let mut factors = Vec::new();
    for v in &a.vary {
        let f = Factor::parse(v).map_err(|e| input(e.to_string()))?;
        base.check_key(&f.key)
            .map_err(|e| input(format!("--vary {v}: {e}")))?;
        warn_if_timeline_changes(&base, &f.key, ticks);
        factors.push(f);
    }
    let method = match a.method.as_str() {
        "morris" => Method::Morris {
            trajectories: a.samples,
            levels: a.levels.unwrap_or(4),
        },
        "sobol" => {
            if a.levels.is_some() {
                return Err(input("--levels goes with --method morris"));
            }
            Method::Sobol { samples: a.samples }
        }
        m => return Err(input(format!("--method {m}: expected `morris` or `sobol`"))),
    };
    let known = impunity::ensemble::outcomes::names(&base)?;
    for o in &a.outcomes {
        if !known.contains(o) {
            return Err(input(format!(
                "--outcomes: `{o}` is not an outcome of this scenario (it has: {})",
                known.join(", ")
            )));
        }
    }
    let design =
        Design::new(method, factors, a.outcomes.clone()).map_err(|e| input(e.to_string()))?;
    let limit = if a.ens.allow_large {
        u64::MAX
    } else {
        impunity::ensemble::design::MAX_POINTS
    };
    if design.points_count() > limit {
        return Err(input(format!(
            "the design has {} points, more than the limit of {limit} (--allow-large to run it)",
            design.points_count()
        )));
    }
    let points = design
        .points(&base, a.ens.seed)
        .map_err(|e| input(e.to_string()))?;
    let out = out_dir(a.ens.out.as_ref(), || {
        Path::new("out").join(format!("{}-sensitivity", base.name))
    })?;
    let keys = design.factors.iter().map(|f| f.key.clone()).collect();
    let plan = Plan::new(
        base,
        keys,
        points,
        a.ens.seed,
        a.ens.replicates,
        ticks,
        design.text(),
    )?;
    let Some(done) = execute(plan, &a.ens, &out)? else {
        if a.ens.finishes_a_resume() {
            // A finished run resumed: it may have been killed before its analysis.
            after_run(&out, !a.no_charts, a.svg)?;
        }
        return Ok(());
    };
    println!(
        "{} points × {} replicates; wrote {}",
        done.plan().points().len(),
        done.plan().replicates(),
        list(done.files())
    );
    after_run(&out, !a.no_charts, a.svg)
}

/// Analyses a finished sensitivity run in `out` (also after `impunity merge`): writes
/// `sensitivity.csv`, prints the table, draws the charts.
pub fn after_run(out: &Path, charts: bool, svg: bool) -> Result<()> {
    let (path, design, rows) =
        write_dir(out).map_err(|e| failed(format!("sensitivity analysis: {e}")))?;
    print_table(&design, &rows);
    println!("wrote {}", path.display());
    if charts {
        let mut opts = impunity::charts::ChartOptions::default();
        if svg {
            opts = opts.svg();
        }
        match impunity::charts::sensitivity_charts(out, &rows, &opts) {
            Ok(written) => println!("wrote {}", list(&written)),
            Err(e) => eprintln!("warning: sensitivity charts not drawn: {e}"),
        }
    }
    Ok(())
}

/// The indices, one line per outcome and key, intervals in brackets.
fn print_table(design: &Design, rows: &[Row]) {
    let width = design
        .factors
        .iter()
        .map(|f| f.key.len())
        .max()
        .unwrap_or(9)
        .max(9);
    let mut outcome = "";
    let mut param = "";
    for r in rows {
        if r.outcome != outcome {
            outcome = &r.outcome;
            param = "";
            println!("\n{outcome} ({})", r.method);
        }
        if r.parameter != param || r.parameter.is_empty() {
            if !param.is_empty() {
                println!();
            }
            param = &r.parameter;
            let name = if param.is_empty() {
                "(replicate noise)"
            } else {
                param
            };
            print!("  {name:<width$}");
        }
        match (r.low, r.high) {
            (Some(lo), Some(hi)) => {
                print!("  {}={:.3} [{:.3}, {:.3}]", r.index, r.value, lo, hi)
            }
            _ => print!("  {}={:.3}", r.index, r.value),
        }
        if r.parameter.is_empty() {
            println!();
            param = "";
        }
    }
    if !param.is_empty() {
        println!();
    }
}
