//! `impunity sweep` and `impunity compare`.

use super::ensemble::{EnsembleArgs, execute, list};
use super::load::{apply_sets, load_scenario};
use super::{Result, input};
use impunity::ensemble::design::{self, Vary, label};
use impunity::ensemble::{Plan, Point};
use impunity::output::fmt_value;
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
}

pub fn sweep(a: SweepArgs) -> Result<()> {
    let base = load_scenario(&a.scenario, &a.ens.set)?;
    let vary: Vec<Vary> = a
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<std::result::Result<_, _>>()
        .map_err(input)?;
    for v in &vary {
        v.check(&base).map_err(input)?;
        super::load::warn_if_timeline_changes(&base, &v.key);
    }
    let mut keys: Vec<&str> = vary.iter().map(|v| v.key.as_str()).collect();
    keys.sort_unstable();
    if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
        return Err(input(format!("--vary {} given twice", w[0])));
    }
    let settings = match a.design.as_str() {
        "grid" => {
            if a.samples.is_some() {
                return Err(input("--samples goes with --design lhs"));
            }
            design::grid(&vary).map_err(input)?
        }
        "lhs" => {
            let n = a
                .samples
                .ok_or_else(|| input("--design lhs needs --samples N"))?;
            design::lhs(&vary, n, a.ens.seed).map_err(input)?
        }
        d => {
            return Err(input(format!("--design {d}: expected `grid` or `lhs`")));
        }
    };
    let mut points = Vec::with_capacity(settings.len());
    for (k, set) in settings.iter().enumerate() {
        let scenario = base
            .with_changes(set.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .map_err(|e| input(format!("point {k} ({}): {e}", show(set))))?;
        points.push(Point {
            tags: set.iter().map(|(_, v)| label(v)).collect(),
            scenario,
        });
    }
    let mut design_text = a.design.clone();
    if let Some(n) = a.samples {
        design_text.push_str(&format!(" samples={n}"));
    }
    for v in &a.vary {
        design_text.push_str(&format!(" --vary {v}"));
    }
    let ticks = a.ens.ticks.unwrap_or(base.ticks);
    let out = a
        .ens
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{}-sweep", base.name)));
    let tag_names = vary.iter().map(|v| v.key.clone()).collect();
    let plan = Plan::new(
        base,
        tag_names,
        points,
        a.ens.seed,
        a.ens.replicates,
        ticks,
        design_text,
    )
    .map_err(input)?;
    let Some(done) = execute(&plan, &a.ens, &out, false)? else {
        return Ok(());
    };
    // A table of point means of the headline outcomes.
    let heads = headline(&plan);
    print!("{:>5}", "point");
    for t in &plan.tag_names {
        print!("  {t:>14}");
    }
    for (_, n) in &heads {
        print!("  {n:>18}");
    }
    println!();
    for (p, pr) in done.points.iter().enumerate() {
        print!("{p:>5}");
        for t in &plan.points[p].tags {
            print!("  {t:>14}");
        }
        for (k, _) in &heads {
            print!("  {:>18.2}", pr.outcome_sums[*k] / pr.replicates as f64);
        }
        println!();
    }
    println!(
        "{} points × {} replicates (means shown); wrote {}",
        plan.points.len(),
        plan.replicates,
        list(&done.files)
    );
    super::chart::after_ensemble(&out);
    Ok(())
}

fn show(set: &design::Setting) -> String {
    set.iter()
        .map(|(k, v)| format!("{k}={}", label(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The outcomes shown in printed tables: (column, name).
fn headline(plan: &Plan) -> Vec<(usize, String)> {
    let want: &[&str] = if impunity::model::is_conflict(&plan.base) {
        &[
            "civilians_killed",
            "civilians_killed_by_state",
            "battle_deaths",
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

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Preset name or scenario file (the baseline).
    scenario: String,
    /// A variant: `NAME:KEY=VALUE[,KEY=VALUE...]` (repeatable), run on the baseline's seeds.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...", required = true)]
    variant: Vec<String>,
    #[command(flatten)]
    ens: EnsembleArgs,
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
    let base = load_scenario(&a.scenario, &a.ens.set)?;
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
        let scenario = apply_sets(base.clone(), &split_sets(sets)).map_err(|e| match e {
            super::CliError::Input(m) => input(format!("--variant {name}: {m}")),
            other => other,
        })?;
        points.push(Point {
            tags: vec![name.to_string()],
            scenario,
        });
    }
    let design_text = format!("compare --variant {}", a.variant.join(" --variant "));
    let ticks = a.ens.ticks.unwrap_or(base.ticks);
    let out = a
        .ens
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{}-compare", base.name)));
    let plan = Plan::new(
        base,
        vec!["variant".into()],
        points,
        a.ens.seed,
        a.ens.replicates,
        ticks,
        design_text,
    )
    .map_err(input)?;
    let Some(done) = execute(&plan, &a.ens, &out, true)? else {
        return Ok(());
    };
    println!(
        "Paired differences (variant - baseline), {} replicates on the same seeds; 95% t-intervals.",
        plan.replicates
    );
    println!(
        "var ratio = var(b) + var(v) over var(v - b): what pairing saves over independent seeds."
    );
    let mut current = String::new();
    for r in &done.comparison {
        let p = &r.paired;
        if p.diff_sd == 0.0 && p.diff_mean == 0.0 {
            continue;
        }
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
            "{:<34} {:>10.3} {:>10.3} {:>10.3} {:>23} {:>5.0}% {:>9}",
            r.outcome,
            p.baseline_mean,
            p.variant_mean,
            p.diff_mean,
            format!("[{:.3}, {:.3}]", p.ci_low, p.ci_high),
            p.share_lower * 100.0,
            ratio
        );
    }
    println!("\nwrote {}", list(&done.files));
    super::chart::after_ensemble(&out);
    Ok(())
}
