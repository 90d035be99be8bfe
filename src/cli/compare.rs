//! `impunity compare`.

use super::ensemble::{EnsembleArgs, execute, list, out_dir};
use super::error::{CliError, Result, input};
use super::load::{apply_sets, load_scenario, warn_inert};
use impunity::ensemble::{Plan, Point};
use impunity::output::fmt_value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Preset name or scenario file (the baseline).
    scenario: String,
    /// A variant: `NAME:KEY=VALUE[,KEY=VALUE...]` (repeatable), run on the baseline's seeds.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...", required = true)]
    variant: Vec<String>,
    /// A calibration's posterior.csv (`impunity calibrate`): each of --draws draws from its
    /// last generation sets its parameters, then runs the baseline and every variant on
    /// common random numbers, --replicates replicates per draw (2 or more to tell the
    /// parameters' share of the spread from the replicate noise). Writes posterior-effects.csv
    /// (the effect over the draws) and draws.csv besides the usual files.
    #[arg(long, value_name = "FILE")]
    posterior: Option<PathBuf>,
    /// Draws from the posterior (with --posterior), by systematic resampling of its weights.
    #[arg(long, value_name = "K", requires = "posterior", default_value_t = 40)]
    draws: u64,
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
                    "--variant {v}: expected NAME:KEY=VALUE[,KEY=VALUE], the variant's changes \
                     to the baseline (a shipped variant such as central-mali-2018-no-arming \
                     lists its changes in the header of its file in scenarios/); a scenario \
                     file is run on its own with `impunity run FILE`"
                ))
            })?;
        let name = name.trim();
        if points.iter().any(|p| p.tags[0] == name) {
            return Err(input(format!("--variant {v}: the name `{name}` is taken")));
        }
        let scenario =
            apply_sets(base.clone(), &split_sets(sets), a.ens.ticks).map_err(|e| match e {
                // the variant's changes were not given with --set: do not name it
                CliError::Input(m) => input(format!(
                    "--variant {name}: {}",
                    m.strip_prefix("--set ").unwrap_or(&m)
                )),
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
    let posterior = match &a.posterior {
        Some(path) => Some(read_posterior(path, a.draws, &base)?),
        None => None,
    };
    if let Some(p) = &posterior {
        // Each draw sets its values on every variant, so a variant's own value of a drawn key
        // would be overwritten and its effect silently 0.
        for point in points.iter().skip(1) {
            if let Some(k) = p.keys.iter().find(|k| point.scenario.get(k) != base.get(k)) {
                return Err(input(format!(
                    "--variant {}: sets `{k}`, which the posterior draws; every draw would \
                     overwrite it and the variant's effect through it would be 0. Compare over \
                     a posterior without that key, or without --posterior",
                    point.tags[0]
                )));
            }
        }
    }
    let design_text = match &posterior {
        Some(_) => format!(
            "compare --draws {} --variant {}",
            a.draws,
            a.variant.join(" --variant ")
        ),
        None => format!("compare --variant {}", a.variant.join(" --variant ")),
    };
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
    let per_draw = a.ens.replicates;
    let replicates = match &posterior {
        Some(_) => a.draws.checked_mul(per_draw).ok_or_else(|| {
            input(format!(
                "--draws {} × --replicates {per_draw}: too many replicates",
                a.draws
            ))
        })?,
        None => per_draw,
    };
    let mut plan = Plan::new(
        base,
        vec!["variant".into()],
        points,
        a.ens.seed,
        replicates,
        ticks,
        design_text,
    )?;
    if let Some(p) = &posterior {
        plan = plan
            .with_draws(p.as_draws(a.draws as usize, per_draw))
            .map_err(|e| input(format!("--posterior: {e}")))?;
    }
    let kept_plan = posterior.as_ref().map(|_| plan.clone());
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
        if a.ens.finishes_a_resume() {
            // A finished run resumed: it may have been killed before its charts (or its
            // posterior effects) were written.
            if let Some(plan) = &kept_plan {
                posterior_outputs(plan, &out)?;
            }
            super::chart::after_ensemble(&out, &a.format);
        }
        return Ok(());
    };
    if let (Some(plan), Some(p)) = (&kept_plan, &posterior) {
        let (files, rows) = posterior_outputs(plan, &out)?;
        print_posterior(&a, p, &rows, &shown, &units);
        println!("\nwrote {}, {}", list(done.files()), list(&files));
        super::chart::after_ensemble(&out, &a.format);
        return Ok(());
    }
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

/// Reads `--posterior` and checks its keys against the baseline.
fn read_posterior(
    path: &Path,
    draws: u64,
    base: &impunity::Scenario,
) -> Result<impunity::calibrate::Posterior> {
    if draws == 0 {
        return Err(input("--draws 0: at least one draw"));
    }
    let p = impunity::calibrate::Posterior::read(path)
        .map_err(|e| input(format!("--posterior: {e}")))?;
    if let Some(k) = p.keys.iter().find(|k| base.get(k).is_none()) {
        return Err(input(format!(
            "--posterior {}: `{k}` is not a key of the scenario {}",
            path.display(),
            base.name
        )));
    }
    Ok(p)
}

/// Writes draws.csv and posterior-effects.csv and returns them and the effects.
fn posterior_outputs(
    plan: &Plan,
    out: &Path,
) -> Result<(Vec<PathBuf>, Vec<impunity::calibrate::PosteriorEffect>)> {
    let rows =
        impunity::calibrate::effects(plan, out).map_err(|e| super::error::failed(e.to_string()))?;
    let files = impunity::calibrate::write_outputs(plan, out)
        .map_err(|e| super::error::failed(e.to_string()))?;
    Ok((files, rows))
}

/// The table of effects over the posterior's draws.
fn print_posterior(
    a: &CompareArgs,
    p: &impunity::calibrate::Posterior,
    rows: &[impunity::calibrate::PosteriorEffect],
    shown: &[String],
    units: &std::collections::BTreeMap<String, &'static str>,
) {
    println!(
        "Effects over {} draws from the posterior (generation {} of {}), {} replicate(s) per \
         draw: variant - baseline on the same parameters and seeds.",
        a.draws,
        p.generation,
        a.posterior
            .as_ref()
            .map_or(String::new(), |f| f.display().to_string()),
        a.ens.replicates
    );
    println!(
        "95% CI: t-interval of the mean over the draws (parameter uncertainty and replicate \
         noise); range: 2.5-97.5% of the draw means;"
    );
    println!(
        "param share: the parameters' share of a replicate difference's variance (needs \
         --replicates 2 or more). posterior-effects.csv holds every outcome."
    );
    let mut current = String::new();
    for r in rows {
        let e = &r.effect;
        if !shown.contains(&r.outcome) || (e.mean == 0.0 && e.range_low == e.range_high) {
            continue;
        }
        let d = if units.get(&r.outcome) == Some(&"index") {
            3
        } else {
            1
        };
        if r.variant != current {
            current = r.variant.clone();
            println!(
                "\n{:<34} {:>10} {:>23} {:>23} {:>11}",
                format!("{current} vs baseline"),
                "mean",
                "95% CI",
                "range",
                "param share"
            );
        }
        let share = e.parameter_share();
        println!(
            "{:<34} {:>10.d$} {:>23} {:>23} {:>11}",
            r.outcome,
            e.mean,
            format!("[{:.d$}, {:.d$}]", e.ci_low, e.ci_high),
            format!("[{:.d$}, {:.d$}]", e.range_low, e.range_high),
            if share.is_nan() {
                "-".to_string()
            } else {
                format!("{:.0}%", share * 100.0)
            }
        );
    }
}
