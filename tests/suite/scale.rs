//! Scale invariance: outcomes in people do not depend on how many people one agent stands
//! for (issue 14; docs/ODD.md §4, "Scale").
//!
//! The preset runs half a year at one agent per 25 people and at one per 100, eight
//! replicates each (independent seeds), and the outcomes whose invariance the model claims
//! are compared with Welch's t-test: the test fails when a difference of means exceeds
//! t(0.999, df) of its standard error (a two-sided 0.2 % error rate under invariance).
//! Before the model counted people, abuses, battles and legitimacy changed with the scale
//! (militia killings fell from 485 people at 1:10 to 100 at 1:100 in a year).
//!
//! Not claimed, and printed for the record: the tolls of raids and battles. A super-
//! individual keeps its n people together, so the party of a raid and the strength of a side
//! in battle grow with n (at 1:100 about 1.5 times the militias' toll of 1:25, and more for
//! the jihadists); docs/ODD.md §4 ("Scale") gives the figures and the scales to use.

use impunity::events::PerpetratorKind as Perp;
use impunity::presets;
use impunity::run::{ConflictTotals, run_replicate};

const REPLICATES: u64 = 8;
const TICKS: u32 = 182;

fn ensemble(people_per_agent: f64, seed: u64) -> Vec<ConflictTotals> {
    use rayon::prelude::*;
    let s = presets::get("central-mali-2018")
        .unwrap()
        .with_changes([("world.people_per_agent", people_per_agent)])
        .unwrap();
    (0..REPLICATES)
        .into_par_iter()
        .map(|r| run_replicate(&s, seed, r, TICKS).conflict.unwrap())
        .collect()
}

/// Welch's t statistic and its degrees of freedom.
fn welch(a: &[f64], b: &[f64]) -> (f64, f64) {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        let v = x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (n - 1.0);
        (n, m, v)
    };
    let ((na, ma, va), (nb, mb, vb)) = (stats(a), stats(b));
    let (sa, sb) = (va / na, vb / nb);
    let se = (sa + sb).sqrt();
    let df = (sa + sb).powi(2) / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    (if se > 0.0 { (mb - ma) / se } else { 0.0 }, df)
}

/// t(0.999, df), two-sided 0.2 %, for df ≥ 7 (a conservative step function).
fn critical(df: f64) -> f64 {
    match df {
        d if d >= 14.0 => 3.787,
        d if d >= 10.0 => 4.144,
        d if d >= 8.0 => 4.501,
        _ => 4.785,
    }
}

#[test]
fn outcomes_in_people_are_the_same_at_1_to_25_and_1_to_100() {
    let fine = ensemble(25.0, 3);
    let coarse = ensemble(100.0, 4);
    let outcomes: [(&str, fn(&ConflictTotals) -> f64); 5] = [
        ("people killed in abuses", |t| t.counters.abuses as f64),
        ("abuse cases opened", |t| t.counters.cases_opened as f64),
        ("battle events", |t| t.counters.battles as f64),
        ("Peul legitimacy at the end", |t| t.legitimacy_end[0]),
        ("Dogon legitimacy at the end", |t| t.legitimacy_end[1]),
    ];
    let not_claimed: [(&str, fn(&ConflictTotals) -> f64); 4] = [
        ("civilians killed by militias", |t| {
            t.counters.killed_by[Perp::Militia as usize] as f64
        }),
        ("civilians killed by jihadists", |t| {
            t.counters.killed_by[Perp::Jihadist as usize] as f64
        }),
        ("battle deaths", |t| t.counters.battle_deaths as f64),
        ("JNIM recruits", |t| t.counters.recruits[0] as f64),
    ];
    let mut report = String::new();
    let mut failed = Vec::new();
    for (name, f) in outcomes {
        let a: Vec<f64> = fine.iter().map(f).collect();
        let b: Vec<f64> = coarse.iter().map(f).collect();
        let (t, df) = welch(&a, &b);
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        report.push_str(&format!(
            "{name}: 1:25 {:.3}, 1:100 {:.3}, t {t:.2} (df {df:.1})\n",
            mean(&a),
            mean(&b)
        ));
        if t.abs() > critical(df) {
            failed.push(name);
        }
    }
    for (name, f) in not_claimed {
        let a: Vec<f64> = fine.iter().map(f).collect();
        let b: Vec<f64> = coarse.iter().map(f).collect();
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
        report.push_str(&format!(
            "(not claimed) {name}: 1:25 {:.1}, 1:100 {:.1}\n",
            mean(&a),
            mean(&b)
        ));
    }
    println!("{report}");
    assert!(failed.is_empty(), "scale changes {failed:?}:\n{report}");
    // the runs did something: the comparison is not of zeros
    assert!(
        fine.iter()
            .all(|t| t.counters.killed_by.iter().sum::<u64>() > 0)
    );
}
