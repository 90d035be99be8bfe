//! Scale invariance: outcomes in people do not depend on how many people one agent stands
//! for (issue 14; docs/ODD.md §4, "Scale").
//!
//! The preset runs half a year at one agent per 10 people (its own scale), per 20, per 50 and
//! per 100, eight replicates each (independent seeds), and every outcome the model claims
//! invariant is compared between 1:10 and each coarser scale with Welch's t-test: the test
//! fails when a difference of means exceeds t(0.999, df) of its standard error (a two-sided
//! 0.2 % error rate per comparison under invariance; 33 comparisons).
//!
//! History: before the model counted people, abuses, battles and legitimacy changed with the
//! scale (militia killings fell from 485 people at 1:10 to 100 at 1:100 in a year); before
//! raids and battles were fought by bands of a size in people, their tolls grew with the
//! scale (a 100-person agent raided with its 100 people: militias killed 1.5 times as many
//! civilians at 1:100 as at 1:25, jihadists three times as many), and before encounters were
//! linear in the enemies seen, one large agent in sight saturated them (fewer battles at
//! 1:100).
//!
//! Recruits: people decide one by one and join a group a whole agent at a time, pooled
//! (src/mechanisms/pooling.rs), so the spread of a year's recruits is the persons' plus the
//! rounding of the total to whole agents (a standard deviation of at most half an agent per
//! pool of a group and community: 50 people at 1:100, where a half-year's Dozo recruits,
//! about 30 people, come as 0, 100 or 200: the Dozo draw on two communities' pools).
//! Their means are compared here; the spread is the pooling's own test. Before the pool, an
//! agent joined whole with each person's probability, and the spread grew as the square root
//! of the people per agent.

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

/// Welch's t statistic and its degrees of freedom, `extra` added to the variance of `b`.
fn welch(a: &[f64], b: &[f64], extra: f64) -> (f64, f64) {
    let ((na, ma, va), (nb, mb, vb)) = (moments(a), moments(b));
    let vb = vb + extra;
    let (sa, sb) = (va / na, vb / nb);
    let se = (sa + sb).sqrt();
    let df = (sa + sb).powi(2) / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    (if se > 0.0 { (mb - ma) / se } else { 0.0 }, df)
}

/// (n, mean, variance).
fn moments(x: &[f64]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (n - 1.0);
    (n, m, v)
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

/// An outcome, and the pools its people are rounded through to whole agents (recruits: one
/// per community the group draws on in the preset; src/mechanisms/pooling.rs).
type Outcome = (&'static str, fn(&ConflictTotals) -> f64, f64);

#[test]
fn outcomes_in_people_are_the_same_at_1_to_10_20_50_and_100() {
    let fine = ensemble(10.0, 3);
    let coarse = [
        (20.0, ensemble(20.0, 4)),
        (50.0, ensemble(50.0, 5)),
        (100.0, ensemble(100.0, 6)),
    ];
    let claimed: [Outcome; 11] = [
        (
            "civilians killed by militias",
            |t| t.counters.killed_by[Perp::Militia as usize] as f64,
            0.0,
        ),
        (
            "civilians killed by jihadists",
            |t| t.counters.killed_by[Perp::Jihadist as usize] as f64,
            0.0,
        ),
        ("people killed in abuses", |t| t.counters.abuses as f64, 0.0),
        (
            "abuse cases opened",
            |t| t.counters.cases_opened as f64,
            0.0,
        ),
        ("battle events", |t| t.counters.battles as f64, 0.0),
        ("battle deaths", |t| t.counters.battle_deaths as f64, 0.0),
        (
            "JNIM fighters at the end",
            |t| t.fighters_end[0] as f64,
            0.0,
        ),
        ("Peul legitimacy at the end", |t| t.legitimacy_end[0], 0.0),
        ("Dogon legitimacy at the end", |t| t.legitimacy_end[1], 0.0),
        ("JNIM recruits", |t| t.counters.recruits[0] as f64, 1.0),
        ("Dozo recruits", |t| t.counters.recruits[1] as f64, 2.0),
    ];
    let mut report = String::new();
    let mut failed = Vec::new();
    let show = |x: &[f64]| {
        let (_, m, v) = moments(x);
        format!("{m:.3} ± {:.3}", v.sqrt())
    };
    for (name, f, pools) in claimed {
        let a: Vec<f64> = fine.iter().map(f).collect();
        report.push_str(&format!("{name}: 1:10 {}", show(&a)));
        for (scale, runs) in &coarse {
            let b: Vec<f64> = runs.iter().map(f).collect();
            // recruits come in whole agents of up to `scale` people: eight replicates of a
            // few agents each can all fall on one value (a sample variance of 0), so the
            // bound of the rounding's variance, a quarter of an agent squared per pool, is
            // added to the sample's (conservative)
            let (t, df) = welch(&a, &b, pools * scale * scale / 4.0);
            report.push_str(&format!(", 1:{scale} {} (t {t:.2})", show(&b)));
            if t.abs() > critical(df) {
                failed.push(format!("{name} at 1:{scale}"));
            }
        }
        report.push('\n');
    }
    println!("{report}");
    assert!(failed.is_empty(), "scale changes {failed:?}:\n{report}");
    // the runs did something: the comparison is not of zeros
    for runs in std::iter::once(&fine).chain(coarse.iter().map(|(_, r)| r)) {
        assert!(
            runs.iter()
                .all(|t| t.counters.killed_by.iter().sum::<u64>() > 0)
        );
        assert!(runs.iter().all(|t| t.counters.battle_deaths > 0));
    }
}
