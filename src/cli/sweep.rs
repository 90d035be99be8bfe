//! `impunity sweep`.

use super::ensemble::{EnsembleArgs, execute, list, out_dir};
use super::error::{Result, input};
use super::load::{load_scenario, warn_if_timeline_changes, warn_inert};
use impunity::ensemble::Plan;
use impunity::ensemble::design::{self, Design, Vary};
use std::path::Path;

#[derive(clap::Args)]
pub struct SweepArgs {
    /// Preset name or scenario file.
    scenario: String,
    /// A varied key and its values: `KEY=v1,v2,...` or `KEY=START:END:COUNT` (grid) or
    /// `KEY=START:END` (Latin hypercube). Repeatable; the first varies slowest.
    #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
    vary: Vec<String>,
    /// `grid` (full factorial) or `lhs` (Latin hypercube of --samples points).
    #[arg(long, default_value = "grid")]
    design: String,
    /// Points of a Latin hypercube.
    #[arg(long)]
    samples: Option<u64>,
    #[command(flatten)]
    ens: EnsembleArgs,
    #[command(flatten)]
    format: super::chart::FormatArgs,
}

pub fn sweep(a: SweepArgs) -> Result<()> {
    let base = load_scenario(&a.scenario, &a.ens.set, a.ens.ticks)?;
    let ticks = a.ens.ticks.unwrap_or(base.ticks);
    let vary: Vec<Vary> = a
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<std::result::Result<_, _>>()?;
    for v in &vary {
        v.check(&base)?;
        warn_if_timeline_changes(&base, v.key(), ticks);
    }
    let mut keys: Vec<&str> = vary.iter().map(|v| v.key()).collect();
    keys.sort_unstable();
    if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
        return Err(input(format!("--vary {} given twice", w[0])));
    }
    let how = match a.design.as_str() {
        "grid" => {
            if a.samples.is_some() {
                return Err(input("--samples goes with --design lhs"));
            }
            Design::Grid
        }
        "lhs" => {
            let samples = a
                .samples
                .ok_or_else(|| input("--design lhs needs --samples N"))?;
            Design::Lhs { samples }
        }
        d => {
            return Err(input(format!("--design {d}: expected `grid` or `lhs`")));
        }
    };
    let limit = if a.ens.allow_large {
        u64::MAX
    } else {
        design::MAX_POINTS
    };
    let points = design::points_up_to(&base, &vary, how, a.ens.seed, limit)?;
    let mut design_text = a.design.clone();
    if let Some(n) = a.samples {
        design_text.push_str(&format!(" samples={n}"));
    }
    for v in &a.vary {
        design_text.push_str(&format!(" --vary {v}"));
    }
    let labelled: Vec<(String, &impunity::Scenario)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let values: Vec<String> = vary
                .iter()
                .zip(&p.tags)
                .map(|(v, t)| format!("{}={t}", v.key()))
                .collect();
            (format!("point {i} ({})", values.join(", ")), &p.scenario)
        })
        .collect();
    warn_inert(&labelled, ticks);
    let out = out_dir(a.ens.out.as_ref(), || {
        Path::new("out").join(format!("{}-sweep", base.name))
    })?;
    let tag_names = vary.iter().map(|v| v.key().to_string()).collect();
    let plan = Plan::new(
        base,
        tag_names,
        points,
        a.ens.seed,
        a.ens.replicates,
        ticks,
        design_text,
    )?;
    let chosen = a.format.selected_outcomes(plan.outcome_names())?;
    let Some(done) = execute(plan, &a.ens, &out)? else {
        if a.ens.finishes_a_resume() {
            // A finished run resumed: it may have been killed before its charts were drawn.
            super::chart::after_ensemble(&out, &a.format);
        }
        return Ok(());
    };
    // A table of point means of the headline outcomes (or those --outcomes chose).
    let plan = done.plan();
    let heads: Vec<(usize, String)> = match chosen {
        Some(ks) => ks
            .into_iter()
            .map(|k| (k, plan.outcome_names()[k].clone()))
            .collect(),
        None => headline(plan),
    };
    print!("{:>5}", "point");
    for t in plan.tag_names() {
        print!("  {t:>14}");
    }
    for (_, n) in &heads {
        print!("  {n:>18}");
    }
    println!();
    for (p, pr) in done.points().iter().enumerate() {
        print!("{p:>5}");
        for t in &plan.points()[p].tags {
            print!("  {t:>14}");
        }
        for (k, _) in &heads {
            print!("  {:>18.2}", pr.mean(*k));
        }
        println!();
    }
    println!(
        "{} points × {} replicates (means shown); wrote {}",
        plan.points().len(),
        plan.replicates(),
        list(done.files())
    );
    super::chart::after_ensemble(&out, &a.format);
    Ok(())
}

/// The outcomes shown in printed tables: (column, name).
fn headline(plan: &Plan) -> Vec<(usize, String)> {
    let want: &[&str] = if impunity::model::is_conflict(plan.base()) {
        &[
            "killed_civilians_total",
            "killed_civilians_state_total",
            "battle_deaths_total",
        ]
    } else {
        &["peak_active", "outbursts", "ticks_above_50"]
    };
    want.iter()
        .filter_map(|w| {
            plan.outcome_names()
                .iter()
                .position(|n| n == w)
                .map(|k| (k, w.to_string()))
        })
        .collect()
}
