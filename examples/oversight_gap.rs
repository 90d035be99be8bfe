//! # The oversight gap: EUTM training with and without trainers in the field (central Mali)
//!
//! **Question.** The EU Training Mission (EUTM) trains Malian army units in camps; its
//! trainers may not follow them into operations. Training raises proficiency; the discipline
//! it teaches holds in the field only where trainers oversee (`policy.field_oversight`). How
//! many abuses (extrajudicial killings by state-side forces) and how much legitimacy in Peul
//! eyes does the gap cost, compared with no training at all?
//!
//! **Scenario.** The `central-mali-2018` preset, one year of daily ticks, with three paired
//! variants: no training (`missions.eutm.throughput = 0`, the baseline), training without field
//! oversight (2018), and training with field oversight (`policy.field_oversight = true`).
//! Replicate r of every variant starts from the same seed. Full size: 1 agent = 10 people,
//! 10 replicates; quick mode (`IMPUNITY_QUICK=1`): 1 agent = 100 people, 3 replicates (a smoke
//! run: at that scale the differences are within noise).
//!
//! **Charts** (in `out/examples/oversight_gap/`): `charts/forest-*.png`, each variant's paired
//! difference from no training with its 95 % interval (from `compare.csv`, the file format of
//! `impunity compare`); `with-oversight/charts/`, the fan charts and the map of killings.
//!
//! **Run.** `cargo run --release --example oversight_gap`
//!
//! **Asserts** a one-sided check of the mechanism: oversight can only lower the abuse rate
//! (discipline enters it as a factor 1 − discipline), so abuses with oversight must not exceed
//! those without it by more than 2 standard errors of the paired difference.

use impunity::analysis::mean_sd;
use impunity::charts::{self, ChartOptions};
use impunity::run::{ReplicateOutput, run_replicate};
use impunity::{Scenario, presets};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// Outcomes per replicate: (column in compare.csv, metric, summed over ticks or last value).
const OUTCOMES: [(&str, &str, bool); 4] = [
    ("abuses", "abuses", true),
    ("civilians_killed_by_state", "killed_civilians_state", true),
    ("cases_opened", "cases_opened", true),
    ("legitimacy_peul_end", "legitimacy_peul", false),
];

fn outcome(s: &Scenario, o: &ReplicateOutput, metric: &str, sum: bool, people: bool) -> f64 {
    let names = impunity::metrics::MetricSet::for_scenario(s).expect("metrics");
    let m = names
        .names()
        .iter()
        .position(|n| n == metric)
        .expect("metric");
    let v = if sum {
        o.rows.iter().skip(1).map(|r| r[m]).sum()
    } else {
        o.rows.last().map(|r| r[m]).unwrap_or(f64::NAN)
    };
    if people {
        v * s.world.people_per_agent
    } else {
        v
    }
}

/// Two-sided 95 % Student t quantile for `df` degrees of freedom.
fn t95(df: usize) -> f64 {
    const T: [f64; 10] = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23];
    match df {
        0 => f64::NAN,
        1..=10 => T[df - 1],
        11..=20 => 2.13,
        21..=30 => 2.06,
        _ => 1.96,
    }
}

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let (ppa, replicates) = if quick { (100.0, 3) } else { (10.0, 10) };
    let seed = 2018;
    let out = Path::new("out/examples/oversight_gap");
    let base = presets::get("central-mali-2018")
        .expect("preset")
        .with_changes([("world.people_per_agent", toml::Value::Float(ppa))])
        .expect("valid");
    let variants: Vec<(&str, Vec<(&str, toml::Value)>)> = vec![
        (
            "no training",
            vec![("missions.eutm.throughput", toml::Value::Float(0.0))],
        ),
        ("training, no field oversight (2018)", vec![]),
        (
            "training with field oversight",
            vec![("policy.field_oversight", toml::Value::Boolean(true))],
        ),
    ];
    let scenarios: Vec<Scenario> = variants
        .iter()
        .map(|(_, c)| base.with_changes(c.iter().cloned()).expect("valid variant"))
        .collect();
    // every (variant, replicate) in parallel, collected in input order (the output does not
    // depend on the thread count)
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|v| (0..replicates).map(move |r| (v, r)))
        .collect();
    let mut flat: Vec<ReplicateOutput> = jobs
        .par_iter()
        .map(|&(v, r)| run_replicate(&scenarios[v], seed, r, scenarios[v].ticks))
        .collect();
    let mut runs: Vec<Vec<ReplicateOutput>> = Vec::new();
    for _ in 0..scenarios.len() {
        runs.push(flat.drain(..replicates as usize).collect());
    }
    // values[v][o][r]
    let values: Vec<Vec<Vec<f64>>> = scenarios
        .iter()
        .zip(&runs)
        .map(|(s, rs)| {
            OUTCOMES
                .iter()
                .map(|(_, m, sum)| {
                    let people = !m.starts_with("legitimacy");
                    rs.iter().map(|o| outcome(s, o, m, *sum, people)).collect()
                })
                .collect()
        })
        .collect();

    std::fs::create_dir_all(out).expect("output directory");
    let mut f = std::fs::File::create(out.join("compare.csv")).expect("compare.csv");
    writeln!(
        f,
        "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower"
    )
    .unwrap();
    println!(
        "Central Mali 2018, {replicates} paired replicates, 1 agent = {ppa} people (seed {seed})"
    );
    println!("| variant | outcome | mean | difference from no training, 95 % CI |");
    println!("|---|---|---|---|");
    let mut check = (0.0, 0.0);
    for (v, (label, _)) in variants.iter().enumerate() {
        for (o, (name, _, _)) in OUTCOMES.iter().enumerate() {
            let b = &values[0][o];
            let x = &values[v][o];
            let d: Vec<f64> = x.iter().zip(b).map(|(a, c)| a - c).collect();
            let (dm, dsd) = mean_sd(&d).unwrap();
            let half = t95(d.len() - 1) * dsd / (d.len() as f64).sqrt();
            let (bm, _) = mean_sd(b).unwrap();
            let (xm, _) = mean_sd(x).unwrap();
            let lower = d.iter().filter(|&&z| z < 0.0).count() as f64 / d.len() as f64;
            if v > 0 {
                writeln!(
                    f,
                    "\"{label}\",{name},{},{bm},{xm},{dm},{dsd},{},{},{lower}",
                    d.len(),
                    dm - half,
                    dm + half
                )
                .unwrap();
            }
            println!(
                "| {label} | {name} | {xm:.3} | {dm:+.3} [{:.3}, {:.3}] |",
                dm - half,
                dm + half
            );
            if v == 2 && *name == "abuses" {
                // with oversight against without: its own paired difference
                let w: Vec<f64> = x.iter().zip(&values[1][o]).map(|(a, c)| a - c).collect();
                let (wm, wsd) = mean_sd(&w).unwrap();
                check = (wm, wsd / (w.len() as f64).sqrt());
            }
        }
    }
    drop(f);
    let opts = ChartOptions::default();
    let mut written = charts::draw_dir(out, &opts).expect("charts");
    let dir = out.join("with-oversight");
    charts::write_outputs(&dir, &scenarios[2], seed, &runs[2]).expect("write outputs");
    written.extend(charts::draw_dir(&dir, &opts).expect("charts"));
    for p in &written {
        println!("  {}", p.display());
    }
    let (dm, se) = check;
    assert!(
        dm <= 2.0 * se,
        "field oversight raised abuses by {dm:.1} people, beyond 2 SE ({se:.1})"
    );
    println!(
        "ok: field oversight changes abuses by {dm:+.1} ± {se:.1} people (SE), not above +2 SE"
    );
}
