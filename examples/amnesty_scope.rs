//! # Amnesty scope and impunity (central Mali)
//!
//! **Question.** Mali's national reconciliation law amnesties crimes "linked to the events" of
//! the crisis, outside crimes against humanity. How do civilians killed and the state's
//! legitimacy in Peul eyes vary with the law's scope (the share of abuse cases it covers) and
//! with impunity (the share of abuse cases never investigated)?
//!
//! **Scenario.** The `central-mali-2018` preset (the law enters into force on 2018-07-01, as
//! on its timeline) swept over `policy.amnesty.scope` × `policy.impunity` (the timeline's
//! mid-2018 change of impunity is removed so that the swept value holds all along). A case is
//! amnestied at its verdict, a year after the investigation starts, so the runs last two years
//! or more. Full size: scope 0, 0.35, 0.7, 1 × impunity 0.5, 0.8, 0.95, 1 agent = 10 people,
//! 8 replicates of 1095 ticks (three years); quick mode (`IMPUNITY_QUICK=1`): scope 0, 1 ×
//! impunity 0.5, 0.95, 1 agent = 200 people, 2 replicates of 730 ticks (a smoke run).
//!
//! **Charts** (in `out/examples/amnesty_scope/`): `charts/sweep-*.png`, heat maps of each
//! outcome's mean over scope × impunity (drawn from `outcomes.csv`, the file format of
//! `impunity sweep`, holding the four outcomes of the table). The sweep runs in memory through
//! `impunity::ensemble` (its points made by `ensemble::design`).
//!
//! **Run.** `cargo run --release --example amnesty_scope`
//!
//! **Asserts** an exact property and a one-sided check: with scope 0 no case is ever amnestied
//! (in every replicate); and, pooling the impunity levels, legitimacy in Peul eyes at full
//! scope does not exceed that at scope 0 by more than 2 standard errors of the paired
//! difference (an amnesty can only lower it).

use impunity::charts::{self, ChartOptions};
use impunity::ensemble::design::{self, Design, Vary};
use impunity::ensemble::{Ensemble, Plan, no_progress};
use impunity::presets;
use impunity::stats::mean_sd;
use std::io::Write;
use std::path::Path;

/// Outcomes: (column of the library's outcomes, in people).
const OUTCOMES: [(&str, bool); 4] = [
    ("killed_civilians_total", true),
    ("amnesties_total", false),
    ("convictions_total", false),
    ("legitimacy_peul_end", false),
];

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let (ppa, replicates, ticks, scopes, impunities): (f64, u64, u32, Vec<f64>, Vec<f64>) = if quick
    {
        (200.0, 2, 730, vec![0.0, 1.0], vec![0.5, 0.95])
    } else {
        (
            10.0,
            8,
            1095,
            vec![0.0, 0.35, 0.7, 1.0],
            vec![0.5, 0.8, 0.95],
        )
    };
    let seed = 2015; // the Algiers agreement
    let out = Path::new("out/examples/amnesty_scope");
    let mut base = presets::get("central-mali-2018")
        .expect("preset")
        .with_changes([("world.people_per_agent", ppa)])
        .expect("valid");
    base.timeline
        .retain(|e| !e.set.keys().any(|k| k == "policy.impunity"));
    let list = |v: &[f64]| v.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
    let vary = [
        Vary::parse(&format!("policy.amnesty.scope={}", list(&scopes))).expect("a list"),
        Vary::parse(&format!("policy.impunity={}", list(&impunities))).expect("a list"),
    ];
    let points: Vec<(f64, f64)> = scopes
        .iter()
        .flat_map(|&sc| impunities.iter().map(move |&im| (sc, im)))
        .collect();
    // a sweep, every (point, replicate) in parallel, in memory
    let design_points = design::points(&base, &vary, Design::Grid, seed).expect("valid points");
    let tags = vary.iter().map(|v| v.key().to_string()).collect();
    let plan = Plan::new(
        base,
        tags,
        design_points,
        seed,
        replicates,
        ticks,
        "grid".into(),
    )
    .expect("a plan");
    let results = Ensemble::new(plan).run(&no_progress).expect("ran");
    let columns: Vec<usize> = OUTCOMES
        .iter()
        .map(|(name, _)| results.outcome(name).expect("an outcome"))
        .collect();
    let at = |p: usize, o: usize| -> Vec<f64> {
        // outcomes are in people already
        results.points()[p].column(columns[o])
    };

    std::fs::create_dir_all(out).expect("output directory");
    let mut f = std::fs::File::create(out.join("outcomes.csv")).expect("outcomes.csv");
    let names: Vec<&str> = OUTCOMES.iter().map(|o| o.0).collect();
    writeln!(
        f,
        "point,policy.amnesty.scope,policy.impunity,replicate,{}",
        names.join(",")
    )
    .unwrap();
    for (p, (scope, impunity)) in points.iter().enumerate() {
        let cols: Vec<Vec<f64>> = (0..OUTCOMES.len()).map(|o| at(p, o)).collect();
        for r in 0..replicates as usize {
            let vs: Vec<String> = cols.iter().map(|c| c[r].to_string()).collect();
            writeln!(f, "{p},{scope},{impunity},{r},{}", vs.join(",")).unwrap();
        }
    }
    drop(f);
    let written = charts::draw_dir(out, &ChartOptions::default()).expect("charts");

    println!(
        "Central Mali, {replicates} replicates of {ticks} ticks per point, 1 agent = {ppa} people (seed {seed})"
    );
    println!(
        "| scope | impunity | civilians killed | amnesties | convictions | legitimacy (Peul) |"
    );
    println!("|---|---|---|---|---|---|");
    for (p, (sc, im)) in points.iter().enumerate() {
        let cell = |o: usize| {
            let (m, sd) = mean_sd(&at(p, o)).unwrap();
            format!("{m:.3} ± {:.3}", sd / (replicates as f64).sqrt())
        };
        println!(
            "| {sc} | {im} | {} | {} | {} | {} |",
            cell(0),
            cell(1),
            cell(2),
            cell(3)
        );
    }
    for p in &written {
        println!("  {}", p.display());
    }

    // exact: scope 0 amnesties nothing
    for (p, (sc, _)) in points.iter().enumerate() {
        if *sc == 0.0 {
            assert!(
                at(p, 1).iter().all(|&a| a == 0.0),
                "cases amnestied at scope 0"
            );
        }
    }
    // one-sided: full scope against none, paired by impunity level and replicate
    let lo = points.iter().position(|p| p.0 == scopes[0]).unwrap();
    let hi = points
        .iter()
        .position(|p| p.0 == *scopes.last().unwrap())
        .unwrap();
    let mut diffs = Vec::new();
    for k in 0..impunities.len() {
        let (a, b) = (at(hi + k, 3), at(lo + k, 3));
        diffs.extend(a.iter().zip(&b).map(|(x, y)| x - y));
    }
    let (dm, dsd) = mean_sd(&diffs).unwrap();
    let se = dsd / (diffs.len() as f64).sqrt();
    assert!(
        dm <= 2.0 * se,
        "full amnesty raised legitimacy by {dm:.4}, beyond 2 SE ({se:.4})"
    );
    println!(
        "ok: no amnesty at scope 0; full scope changes Peul legitimacy by {dm:+.4} ± {se:.4} (SE), not above +2 SE"
    );
}
