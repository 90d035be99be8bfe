//! # Legitimacy shock: slow decline against sudden drop (Epstein 2002, Runs 3 and 4)
//!
//! **Question.** Legitimacy falls from 0.9 in both runs. In Run 3 it declines by 0.01 a tick
//! down to 0.2; in Run 4 it drops at once from 0.9 to 0.7 at tick 77. Epstein's point: a
//! sudden drop brings more people out than a much larger but gradual decline, because under a
//! slow decline the aggrieved turn active one by one and are jailed one by one.
//!
//! **Scenario.** The `epstein-run3` and `epstein-run4` presets (paper rules), 200 ticks,
//! 20 paired replicates (same seed and replicate index in both runs; quick mode: 10).
//!
//! **Charts** (in `out/examples/legitimacy_shock/`): `run3/charts/` and `run4/charts/`, the fan
//! charts of actives and jailed (median, 50 % and 90 % bands) and replicate 0's own series;
//! `peaks.png`, the distributions of the peak number of actives in each run.
//!
//! **Run.** `cargo run --release --example legitimacy_shock` (`IMPUNITY_QUICK=1` for fewer
//! replicates).
//!
//! **Asserts** that the peak after the drop (Run 4, ticks 77 on) exceeds the peak of the slow
//! decline (Run 3, ticks 1 on) by more than 3 standard errors of the paired difference, and in
//! at least 80 % of the pairs (docs/ODD.md measured 20 of 20).

use impunity::charts::{self, ChartOptions};
use impunity::ensemble::{Ensemble, Plan, no_progress};
use impunity::presets;
use impunity::stats::{Paired, mean_sd};
use std::path::Path;

const DROP: usize = 77;

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let replicates = if quick { 10 } else { 20 };
    let seed = 34;
    let out = Path::new("out/examples/legitimacy_shock");
    let s3 = presets::get("epstein-run3").expect("preset");
    let s4 = presets::get("epstein-run4").expect("preset");
    // run 4 against run 3 on the same seeds, in memory (both presets run 200 ticks)
    let ticks = s3.ticks;
    let plan =
        Plan::comparison(s3, vec![("run4".into(), s4)], seed, replicates, ticks).expect("a plan");
    let results = Ensemble::new(plan).run(&no_progress).expect("ran");
    let (r3, r4) = (results.replicates(0), results.replicates(1));
    let peak = |a: &[f64]| a.iter().copied().fold(0.0, f64::max);
    let p3: Vec<f64> = r3.iter().map(|r| peak(&r.active[1..])).collect();
    let p4: Vec<f64> = r4.iter().map(|r| peak(&r.active[DROP..])).collect();
    let paired = Paired::of(&p3, &p4);
    let wins = p4.iter().zip(&p3).filter(|(a, b)| a > b).count();

    let opts = ChartOptions::default();
    let mut written = Vec::new();
    for (p, name) in ["run3", "run4"].into_iter().enumerate() {
        let dir = out.join(name);
        let one = results.only(p).expect("in memory");
        one.write(&dir, std::env::args().collect())
            .expect("write outputs");
        written.extend(charts::draw_dir(&dir, &opts).expect("charts"));
    }
    written.push(
        charts::histogram(
            &[
                ("Run 3, slow decline".into(), p3.clone()),
                ("Run 4, sudden drop (after tick 77)".into(), p4.clone()),
            ],
            None,
            "Peak number of actives: slow decline against sudden drop",
            "peak actives (agents)",
            20,
            &out.join("peaks"),
            &opts,
        )
        .expect("histogram"),
    );

    let (m3, sd3) = mean_sd(&p3).expect("replicates");
    let (m4, sd4) = mean_sd(&p4).expect("replicates");
    let (md, se) = (paired.diff_mean, paired.se());
    println!("Runs 3 and 4, {replicates} paired replicates (seed {seed}):");
    println!("| run | peak actives, mean ± sd | range |");
    println!("|---|---|---|");
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        format!("{lo:.0}-{:.0}", peak(v))
    };
    println!(
        "| 3, slow decline 0.9 → 0.2 | {m3:.1} ± {sd3:.1} | {} |",
        range(&p3)
    );
    println!(
        "| 4, drop 0.9 → 0.7 at tick 77 | {m4:.1} ± {sd4:.1} | {} |",
        range(&p4)
    );
    println!(
        "paired difference (4 − 3): {md:.1} ± {se:.1} (SE); run 4 higher in {wins} of {replicates}"
    );
    for p in &written {
        println!("  {}", p.display());
    }

    assert!(
        md > 3.0 * se,
        "difference {md:.1} is not above 3 SE ({se:.1})"
    );
    assert!(
        wins * 5 >= replicates as usize * 4,
        "the drop wins in only {wins} of {replicates} pairs"
    );
    println!(
        "ok: the sudden drop beats the slow decline by {md:.1} ± {se:.1} actives, in {wins} of {replicates} pairs"
    );
}
