//! The four policy effects of the central-Mali model, measured on paired runs.
//!
//! The question: over a simulated year of `central-mali-2018`, how much does each policy
//! lever move its outcome? Each comparison runs the baseline and a variant with one knob
//! changed on the same seeds (common random numbers), and reports the mean paired
//! difference with its standard error and a 95% interval:
//!
//! | lever | baseline → variant | outcome |
//! |---|---|---|
//! | impunity | 0.95 → 0.2 (no timeline in either arm) | abuses (people killed by state forces) |
//! | amnesty scope | 0.7 → 1.0 | legitimacy of the Peul at year end |
//! | militia arming | 0.3 → 0.7 | civilians killed by militias (people) |
//! | field oversight | off → on | abuses by EUTM-trained units (people) |
//!
//! ```text
//! cargo run --release --example policy_effects -- [--replicates N] [--ticks T] [--people-per-agent P]
//! ```
//!
//! The same comparisons, at a smaller size, are the tests of `tests/suite/policy.rs`; the
//! table this prints is the one in docs/calibration.md ("Policy effects"). It asserts at the
//! end that every effect has the direction the tests require (not in the quick mode of CI,
//! `IMPUNITY_QUICK=1`: 2 replicates of 120 days at 1 agent = 100 people, where the effects
//! are within the noise).

use impunity::run::ConflictTotals;
use impunity::scenario::Value;
use impunity::{Scenario, presets, run::run_replicate};
use rayon::prelude::*;

/// One comparison: a knob change and the outcome it should move.
struct Lever {
    name: &'static str,
    baseline: Vec<(&'static str, Value)>,
    variant: Vec<(&'static str, Value)>,
    outcome: &'static str,
    observe: fn(&Scenario, &ConflictTotals) -> f64,
    /// The sign the difference (variant − baseline) must have.
    sign: f64,
}

fn levers() -> Vec<Lever> {
    let no_timeline = || ("timeline", Value::parse("[]"));
    vec![
        Lever {
            // without the timeline, which sets impunity to 0.8 in June, in both arms
            name: "impunity 0.95 → 0.2",
            baseline: vec![no_timeline()],
            variant: vec![no_timeline(), ("policy.impunity", 0.2.into())],
            outcome: "abuses (people)",
            observe: |s, t| t.counters.abuses as f64 * s.world.people_per_agent,
            sign: -1.0,
        },
        Lever {
            name: "amnesty scope 0.7 → 1",
            baseline: vec![],
            variant: vec![("policy.amnesty.scope", 1.0.into())],
            outcome: "Peul legitimacy at year end",
            observe: |s, t| t.legitimacy_end[s.communities.get_index_of("peul").unwrap()],
            sign: -1.0,
        },
        Lever {
            name: "militia arming 0.3 → 0.7",
            baseline: vec![],
            variant: vec![("policy.militia_arming", 0.7.into())],
            outcome: "civilians killed by militias (people)",
            observe: |s, t| {
                t.counters.killed_by[impunity::events::PerpetratorKind::Militia as usize] as f64
                    * s.world.people_per_agent
            },
            sign: 1.0,
        },
        Lever {
            name: "field oversight off → on",
            baseline: vec![],
            variant: vec![("policy.field_oversight", true.into())],
            outcome: "abuses by trained units (people)",
            observe: |s, t| t.counters.abuses_trained as f64 * s.world.people_per_agent,
            sign: -1.0,
        },
    ]
}

/// Mean, standard error.
fn mean_se(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, (var / n).sqrt())
}

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let mut replicates: u64 = if quick { 2 } else { 10 };
    let mut ticks: u32 = if quick { 120 } else { 365 };
    let mut ppa: f64 = if quick { 100.0 } else { 10.0 };
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
    let base = presets::get("central-mali-2018")
        .expect("preset")
        .with_changes([("world.people_per_agent", ppa)])
        .expect("valid");
    println!(
        "central-mali-2018, {replicates} paired replicates of {ticks} ticks, 1 agent = {ppa} people\n"
    );
    println!("| lever | outcome | baseline | variant | difference (95% CI) |");
    println!("|---|---|---|---|---|");
    let mut wrong = Vec::new();
    for lever in levers() {
        let b = base.with_changes(lever.baseline.clone()).expect("valid");
        let v = base.with_changes(lever.variant.clone()).expect("valid");
        let pairs: Vec<(f64, f64)> = (0..replicates)
            .into_par_iter()
            .map(|r| {
                let tb = run_replicate(&b, 1, r, ticks).conflict.expect("conflict");
                let tv = run_replicate(&v, 1, r, ticks).conflict.expect("conflict");
                ((lever.observe)(&b, &tb), (lever.observe)(&v, &tv))
            })
            .collect();
        let (mb, _) = mean_se(&pairs.iter().map(|p| p.0).collect::<Vec<_>>());
        let (mv, _) = mean_se(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
        let (d, se) = mean_se(&pairs.iter().map(|p| p.1 - p.0).collect::<Vec<_>>());
        println!(
            "| {} | {} | {:.3} | {:.3} | {:+.3} ({:+.3} to {:+.3}) |",
            lever.name,
            lever.outcome,
            mb,
            mv,
            d,
            d - 1.96 * se,
            d + 1.96 * se
        );
        if d * lever.sign <= 0.0 {
            wrong.push(lever.name);
        }
        if quick {
            // at 1 agent = 100 people over 120 days the effects are within the noise: the
            // quick run only checks that the study still runs
            wrong.clear();
        }
    }
    assert!(
        wrong.is_empty(),
        "effects in the wrong direction (or none): {wrong:?}"
    );
}
