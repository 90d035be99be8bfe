//! Shared by the central-Mali example studies (`militia_arming`, `oversight_gap`): variants of
//! one scenario run on the same seeds and compared with the first, written as `compare.csv`
//! (the format of `impunity compare`) and printed as a table.

use impunity::Scenario;
use impunity::run::{ReplicateOutput, run_replicate};
use impunity::stats::mean_sd;
use impunity::stats::t975;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// An outcome per replicate: (column in compare.csv, metric, summed over ticks or last value).
pub type Outcome = (&'static str, &'static str, bool);

/// The variants' runs and their outcomes.
pub struct Study {
    /// One scenario per variant, the baseline first.
    pub scenarios: Vec<Scenario>,
    /// `runs[v][r]`: replicate r of variant v.
    pub runs: Vec<Vec<ReplicateOutput>>,
    /// `values[v][o][r]`: outcome o of replicate r of variant v.
    pub values: Vec<Vec<Vec<f64>>>,
}

fn outcome(s: &Scenario, o: &ReplicateOutput, metric: &str, sum: bool) -> f64 {
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
    // counts in people; legitimacy as it is
    if metric.starts_with("legitimacy") {
        v
    } else {
        v * s.world.people_per_agent
    }
}

/// Runs every (variant, replicate) in parallel, collected in input order (the output does not
/// depend on the thread count), and computes the outcomes.
pub fn run(
    base: &Scenario,
    variants: &[(&str, Vec<(&str, toml::Value)>)],
    replicates: u64,
    seed: u64,
    outcomes: &[Outcome],
) -> Study {
    let scenarios: Vec<Scenario> = variants
        .iter()
        .map(|(_, c)| base.with_changes(c.iter().cloned()).expect("valid variant"))
        .collect();
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|v| (0..replicates).map(move |r| (v, r)))
        .collect();
    let mut flat: Vec<ReplicateOutput> = jobs
        .par_iter()
        .map(|&(v, r)| run_replicate(&scenarios[v], seed, r, scenarios[v].ticks))
        .collect();
    let runs: Vec<Vec<ReplicateOutput>> = (0..scenarios.len())
        .map(|_| flat.drain(..replicates as usize).collect())
        .collect();
    let values = scenarios
        .iter()
        .zip(&runs)
        .map(|(s, rs)| {
            outcomes
                .iter()
                .map(|(_, m, sum)| rs.iter().map(|o| outcome(s, o, m, *sum)).collect())
                .collect()
        })
        .collect();
    Study {
        scenarios,
        runs,
        values,
    }
}

/// Mean paired difference of outcome `o` between variants `v` and `w`, and its standard error.
pub fn paired(study: &Study, o: usize, v: usize, w: usize) -> (f64, f64) {
    let d: Vec<f64> = study.values[v][o]
        .iter()
        .zip(&study.values[w][o])
        .map(|(a, b)| a - b)
        .collect();
    let (m, sd) = mean_sd(&d).expect("replicates");
    (m, sd / (d.len() as f64).sqrt())
}

/// Writes `out/compare.csv` (every variant against the first) and prints the table.
pub fn report(
    study: &Study,
    variants: &[(&str, Vec<(&str, toml::Value)>)],
    outcomes: &[Outcome],
    out: &Path,
) {
    std::fs::create_dir_all(out).expect("output directory");
    let mut f = std::fs::File::create(out.join("compare.csv")).expect("compare.csv");
    writeln!(
        f,
        "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower"
    )
    .unwrap();
    println!(
        "| variant | outcome | mean | difference from {}, 95 % CI |",
        variants[0].0
    );
    println!("|---|---|---|---|");
    for (v, (label, _)) in variants.iter().enumerate() {
        for (o, (name, _, _)) in outcomes.iter().enumerate() {
            let b = &study.values[0][o];
            let x = &study.values[v][o];
            let d: Vec<f64> = x.iter().zip(b).map(|(a, c)| a - c).collect();
            let (dm, dsd) = mean_sd(&d).unwrap();
            let half = t975(d.len() as u64 - 1) * dsd / (d.len() as f64).sqrt();
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
        }
    }
}
