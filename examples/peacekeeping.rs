//! # Peacekeeping and the time to genocide (Epstein 2002, Model II, Runs 7 and 8)
//!
//! **Question.** In Model II two communities that kill each other end in genocide (Run 7).
//! Does a peacekeeping force (cops that jail killers) delay it, and how does the delay grow
//! with the force's density (Run 8 uses 0.04)?
//!
//! **Scenario.** The `epstein-run8` preset (paper rules, 40 × 40 torus, vision 1.7, L = 0.8,
//! births) with `forces.peacekeepers.density` set to 0, 0.02, 0.04, 0.06 and 0.08;
//! 20 replicates each (quick mode: 12). The time to genocide is the first tick at which one
//! community has nobody left (runs stop at 3000 ticks).
//!
//! **Charts** (in `out/examples/peacekeeping/`): `charts/sweep-time_to_genocide.png`, the
//! median time against density with 50 % and 90 % bands (drawn from `outcomes.csv`, the file
//! format of `impunity sweep`); `density-0.04/charts/`, the living per community over time.
//!
//! **Run.** `cargo run --release --example peacekeeping` (`IMPUNITY_QUICK=1`: fewer replicates).
//!
//! **Asserts** that genocide comes later at density 0.04 than without peacekeepers by more
//! than 2 standard errors of the difference of the means (docs/ODD.md measured 169 ± 70
//! against 95 ± 27 ticks).

use impunity::charts::{self, ChartOptions};
use impunity::ensemble::{Ensemble, Plan, no_progress};
use impunity::stats::mean_sd;
use impunity::{Model, presets};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

const DENSITIES: [f64; 5] = [0.0, 0.02, 0.04, 0.06, 0.08];
const MAX_TICKS: u32 = 3000;

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let replicates: u64 = if quick { 12 } else { 20 };
    let seed = 8;
    let out = Path::new("out/examples/peacekeeping");
    let scenario = |d: f64| {
        presets::get("epstein-run8")
            .expect("preset")
            .with_changes([("forces.peacekeepers.density", d)])
            .expect("valid density")
    };
    // every (density, replicate) in parallel; collected in input order, so the output does not
    // depend on the thread count
    let jobs: Vec<(usize, u64)> = (0..DENSITIES.len())
        .flat_map(|k| (0..replicates).map(move |r| (k, r)))
        .collect();
    let times: Vec<f64> = jobs
        .par_iter()
        .map(|&(k, r)| {
            let mut m = Model::new(&scenario(DENSITIES[k]), seed, r).expect("valid");
            while m.tick() < MAX_TICKS && m.stats().alive.iter().all(|&a| a > 0) {
                m.step();
            }
            m.tick() as f64
        })
        .collect();

    std::fs::create_dir_all(out).expect("output directory");
    let mut f = std::fs::File::create(out.join("outcomes.csv")).expect("outcomes.csv");
    writeln!(
        f,
        "point,forces.peacekeepers.density,replicate,time_to_genocide"
    )
    .unwrap();
    for (&(k, r), t) in jobs.iter().zip(&times) {
        writeln!(f, "{k},{},{r},{t}", DENSITIES[k]).unwrap();
    }
    drop(f);
    let opts = ChartOptions::default();
    let mut written = charts::draw_dir(out, &opts).expect("charts");
    let s = scenario(0.04);
    let dir = out.join("density-0.04");
    let plan = Plan::single(s, seed, replicates, 300).expect("a plan");
    let results = Ensemble::new(plan).run(&no_progress).expect("ran");
    results
        .write(&dir, std::env::args().collect())
        .expect("write outputs");
    written.extend(charts::draw_dir(&dir, &opts).expect("charts"));

    let per = |k: usize| -> Vec<f64> {
        times[k * replicates as usize..(k + 1) * replicates as usize].to_vec()
    };
    println!("Model II (epstein-run8), {replicates} replicates per density (seed {seed}):");
    println!(
        "| peacekeeper density | time to genocide, mean ± sd | median | censored at {MAX_TICKS} |"
    );
    println!("|---|---|---|---|");
    for (k, d) in DENSITIES.iter().enumerate() {
        let mut v = per(k);
        let (m, sd) = mean_sd(&v).expect("replicates");
        v.sort_by(f64::total_cmp);
        let censored = v.iter().filter(|&&t| t >= MAX_TICKS as f64).count();
        println!(
            "| {d} | {m:.0} ± {sd:.0} | {:.0} | {censored} |",
            impunity::stats::percentile(&v, 0.5)
        );
    }
    for p in &written {
        println!("  {}", p.display());
    }
    let (m0, sd0) = mean_sd(&per(0)).unwrap();
    let (m4, sd4) = mean_sd(&per(2)).unwrap();
    let n = replicates as f64;
    let se = (sd0 * sd0 / n + sd4 * sd4 / n).sqrt();
    assert!(
        m4 - m0 > 2.0 * se,
        "peacekeepers at 0.04 delay genocide by {:.0} ticks, not more than 2 SE ({se:.0})",
        m4 - m0
    );
    println!(
        "ok: density 0.04 delays genocide by {:.0} ± {se:.0} ticks (SE)",
        m4 - m0
    );
}
