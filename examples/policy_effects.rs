//! The policy effects of the central-Mali model, measured on paired runs with the real 2018
//! timeline in place.
//!
//! The question: over a simulated year (or several) of `central-mali-2018`, how much does
//! each realistic policy change move the outcomes a reader cares about? Each comparison runs
//! the baseline and a variant on the same seeds (common random numbers), with the timeline's
//! decisions as they were (the disarmament vow, the investigations announced in June, the
//! amnesty law), and reports the mean paired difference with a 95 % interval (Student's t
//! with n − 1 degrees of freedom). An effect is what the model gives, even when it is zero:
//! nothing here is tuned to make an effect appear.
//!
//! | lever | baseline → variant |
//! |---|---|
//! | prosecution | the preset → `central-mali-2018-prosecution` (impunity 0.95 → 0) |
//! | narrow amnesty | the preset → `central-mali-2018-narrow-amnesty` (scope 0.7 → 0) |
//! | no arming | the preset → `central-mali-2018-no-arming` (militia arming 0.3 → 0) |
//! | field oversight | off → on |
//! | militia prosecution | militia impunity 1 → 0 |
//! | later amnesty law | in force from 2018-07-01 → from 2019-06-24 |
//!
//! Outcomes (people, or a level): abuses, civilians killed by militias, JNIM recruits, Peul
//! legitimacy at the end.
//!
//! ```text
//! cargo run --release --example policy_effects -- [--replicates N] [--ticks T] [--people-per-agent P]
//! ```
//!
//! The table this prints is the one in docs/calibration.md ("Policy effects"). It asserts at
//! the end that the table is reproducible (a pair run again gives the same numbers). With
//! `IMPUNITY_QUICK=1` (CI) it runs 2 replicates of 120 days at 1 agent = 100 people, to
//! check that the study still runs.

use impunity::events::PerpetratorKind;
use impunity::run::ConflictTotals;
use impunity::scenario::Value;
use impunity::{Scenario, presets, run::run_replicate};
use rayon::prelude::*;

/// One comparison: the baseline and the variant.
struct Lever {
    name: &'static str,
    variant_preset: &'static str,
    variant: Vec<(&'static str, Value)>,
}

fn levers() -> Vec<Lever> {
    let lever = |name, variant_preset, variant| Lever {
        name,
        variant_preset,
        variant,
    };
    vec![
        lever(
            "prosecution (impunity 0.95 → 0)",
            "central-mali-2018-prosecution",
            vec![],
        ),
        lever(
            "narrow amnesty (scope 0.7 → 0)",
            "central-mali-2018-narrow-amnesty",
            vec![],
        ),
        lever("no arming (0.3 → 0)", "central-mali-2018-no-arming", vec![]),
        lever(
            "field oversight (off → on)",
            "central-mali-2018",
            vec![("policy.field_oversight", true.into())],
        ),
        lever(
            "militia prosecution (militia impunity 1 → 0)",
            "central-mali-2018",
            vec![("policy.militia_impunity", 0.0.into())],
        ),
        lever(
            "later amnesty law (2018-07-01 → 2019-06-24)",
            "central-mali-2018",
            vec![("timeline.amnesty_law.date", Value::parse("2019-06-24"))],
        ),
    ]
}

type Observe = fn(&Scenario, &ConflictTotals) -> f64;

fn outcomes() -> Vec<(&'static str, Observe)> {
    vec![
        ("abuses (people killed)", |_, t| t.counters.abuses as f64),
        ("civilians killed by militias", |_, t| {
            t.counters.killed_by[PerpetratorKind::Militia as usize] as f64
        }),
        ("JNIM recruits", |s, t| {
            t.counters.recruits[s.groups.get_index_of("jnim").unwrap()] as f64
        }),
        ("Peul legitimacy at the end", |s, t| {
            t.legitimacy_end[s.communities.get_index_of("peul").unwrap()]
        }),
    ]
}

/// Mean, standard error.
fn mean_se(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, (var / n).sqrt())
}

/// t(0.975, df): the two-sided 95 % quantile of Student's t.
fn t975(df: u64) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    T.get(df.max(1) as usize - 1).copied().unwrap_or(1.96)
}

fn with(name: &str, ppa: f64, changes: &[(&'static str, Value)]) -> Scenario {
    let mut all = vec![("world.people_per_agent", ppa.into())];
    all.extend(changes.iter().cloned());
    presets::get(name)
        .expect("preset")
        .with_changes(all)
        .expect("valid")
}

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let mut replicates: u64 = if quick { 2 } else { 12 };
    let mut ticks: u32 = if quick { 120 } else { 365 };
    let mut ppa: f64 = if quick { 100.0 } else { 20.0 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--replicates" => replicates = val().parse().expect("--replicates N"),
            "--ticks" => ticks = val().parse().expect("--ticks T"),
            "--people-per-agent" => ppa = val().parse().expect("--people-per-agent P"),
            other => panic!("unknown argument {other}"),
        }
    }
    let base = with("central-mali-2018", ppa, &[]);
    println!(
        "central-mali-2018 with its 2018 timeline, {replicates} paired replicates of {ticks} ticks, 1 agent = {ppa} people\n"
    );
    println!("| lever | outcome | baseline | variant | difference (95% CI) |");
    println!("|---|---|---|---|---|");
    let base_runs: Vec<ConflictTotals> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            run_replicate(&base, 1, r, ticks)
                .conflict
                .expect("conflict")
        })
        .collect();
    let t = t975(replicates.saturating_sub(1));
    for lever in levers() {
        let v = with(lever.variant_preset, ppa, &lever.variant);
        let var_runs: Vec<ConflictTotals> = (0..replicates)
            .into_par_iter()
            .map(|r| run_replicate(&v, 1, r, ticks).conflict.expect("conflict"))
            .collect();
        for (outcome, observe) in outcomes() {
            let b: Vec<f64> = base_runs.iter().map(|x| observe(&base, x)).collect();
            let w: Vec<f64> = var_runs.iter().map(|x| observe(&v, x)).collect();
            let d: Vec<f64> = b.iter().zip(&w).map(|(x, y)| y - x).collect();
            let ((mb, _), (mv, _), (md, se)) = (mean_se(&b), mean_se(&w), mean_se(&d));
            let fmt = |x: f64| {
                if x.abs() < 10.0 {
                    format!("{x:.3}")
                } else {
                    format!("{x:.1}")
                }
            };
            println!(
                "| {} | {outcome} | {} | {} | {} ({} to {}) |",
                lever.name,
                fmt(mb),
                fmt(mv),
                fmt(md),
                fmt(md - t * se),
                fmt(md + t * se),
            );
        }
    }
    // reproducible: the first baseline replicate again gives the same totals
    let again = run_replicate(&base, 1, 0, ticks)
        .conflict
        .expect("conflict");
    assert_eq!(again, base_runs[0], "same seed, same outcomes");
}
