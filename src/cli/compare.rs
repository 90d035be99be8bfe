//! `impunity compare`.

use super::ensemble::{EnsembleArgs, execute, list, out_dir};
use super::error::{CliError, Result, input};
use super::load::{apply_sets, load_scenario, warn_inert};
use impunity::ensemble::{Plan, Point};
use impunity::output::fmt_value;
use std::path::Path;

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Preset name or scenario file (the baseline).
    scenario: String,
    /// A variant: `NAME:KEY=VALUE[,KEY=VALUE...]` (repeatable), run on the baseline's seeds.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...", required = true)]
    variant: Vec<String>,
    #[command(flatten)]
    ens: EnsembleArgs,
    #[command(flatten)]
    format: super::chart::FormatArgs,
}

/// Splits `k=v,k=v` on the commas that start a new `key=` (so array values keep theirs).
fn split_sets(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in s.split(',') {
        match out.last_mut() {
            Some(last) if !piece.contains('=') => {
                last.push(',');
                last.push_str(piece);
            }
            _ => out.push(piece.to_string()),
        }
    }
    out
}

pub fn compare(a: CompareArgs) -> Result<()> {
    let base = load_scenario(&a.scenario, &a.ens.set, a.ens.ticks)?;
    let mut points = vec![Point {
        tags: vec!["baseline".into()],
        scenario: base.clone(),
    }];
    for v in &a.variant {
        let (name, sets) = v
            .split_once(':')
            .filter(|(n, s)| !n.trim().is_empty() && s.contains('='))
            .ok_or_else(|| {
                input(format!(
                    "--variant {v}: expected NAME:KEY=VALUE[,KEY=VALUE]"
                ))
            })?;
        let name = name.trim();
        if points.iter().any(|p| p.tags[0] == name) {
            return Err(input(format!("--variant {v}: the name `{name}` is taken")));
        }
        let scenario =
            apply_sets(base.clone(), &split_sets(sets), a.ens.ticks).map_err(|e| match e {
                CliError::Input(m) => input(format!("--variant {name}: {m}")),
                other => other,
            })?;
        if scenario == base {
            eprintln!(
                "warning: --variant {name}: identical to the baseline ({sets} is what the \
                 baseline already has), so every difference will be 0; give it a value that \
                 differs from the baseline's or leave it out"
            );
        }
        points.push(Point {
            tags: vec![name.to_string()],
            scenario,
        });
    }
    let design_text = format!("compare --variant {}", a.variant.join(" --variant "));
    let ticks = a.ens.ticks.unwrap_or(base.ticks);
    let labelled: Vec<(String, &impunity::Scenario)> = points
        .iter()
        .map(|p| match p.tags[0].as_str() {
            "baseline" => ("the baseline".to_string(), &p.scenario),
            name => (format!("variant {name}"), &p.scenario),
        })
        .collect();
    warn_inert(&labelled, ticks);
    let out = out_dir(a.ens.out.as_ref(), || {
        Path::new("out").join(format!("{}-compare", base.name))
    })?;
    let plan = Plan::new(
        base,
        vec!["variant".into()],
        points,
        a.ens.seed,
        a.ens.replicates,
        ticks,
        design_text,
    )?;
    // The table's outcomes: --outcomes, or the headline ones (checked before the run).
    let shown: Vec<String> = match a.format.selected_outcomes(plan.outcome_names())? {
        Some(ks) => ks
            .into_iter()
            .map(|k| plan.outcome_names()[k].clone())
            .collect(),
        None => impunity::ensemble::outcomes::headline(plan.base())?,
    };
    let units: std::collections::BTreeMap<String, &'static str> =
        impunity::ensemble::outcomes::describe(plan.base())?
            .into_iter()
            .map(|o| (o.name, o.unit))
            .collect();
    let Some(done) = execute(plan, &a.ens, &out)? else {
        if a.ens.resume && a.ens.shard.is_none() {
            // A finished run resumed: it may have been killed before its charts were drawn.
            super::chart::after_ensemble(&out, &a.format);
        }
        return Ok(());
    };
    println!(
        "Paired differences (variant - baseline), {} replicates on the same seeds; 95% t-intervals.",
        done.plan().replicates()
    );
    println!(
        "var ratio = var(b) + var(v) over var(v - b): what pairing saves over independent seeds."
    );
    println!(
        "Headline outcomes with a difference; --outcomes NAMES (or all) for others, compare.csv \
         holds every one."
    );
    let mut current = String::new();
    for r in done.comparison() {
        let p = &r.paired;
        if !shown.contains(&r.outcome) || (p.diff_sd == 0.0 && p.diff_mean == 0.0) {
            continue;
        }
        // people and other counts to one decimal, indices to three
        let d = if units.get(&r.outcome) == Some(&"index") {
            3
        } else {
            1
        };
        if r.variant != current {
            current = r.variant.clone();
            println!(
                "\n{:<34} {:>10} {:>10} {:>10} {:>23} {:>6} {:>9}",
                format!("{current} vs baseline"),
                "baseline",
                "variant",
                "diff",
                "95% CI",
                "lower",
                "var ratio"
            );
        }
        let ratio = if p.diff_sd > 0.0 {
            fmt_value((p.unpaired_var / (p.diff_sd * p.diff_sd) * 100.0).round() / 100.0)
        } else {
            "-".into()
        };
        println!(
            "{:<34} {:>10.d$} {:>10.d$} {:>10.d$} {:>23} {:>5.0}% {:>9}",
            r.outcome,
            p.baseline_mean,
            p.variant_mean,
            p.diff_mean,
            format!("[{:.d$}, {:.d$}]", p.ci_low, p.ci_high),
            p.share_lower * 100.0,
            ratio
        );
    }
    println!("\nwrote {}", list(done.files()));
    super::chart::after_ensemble(&out, &a.format);
    Ok(())
}
