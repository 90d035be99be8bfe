//! The source's causal chains on `central-mali-2018`: each is a mechanism, and each test
//! here fails when its channel is cut.
//!
//! Each test runs the preset (at one agent per 50 people, which the model's scale invariance
//! allows: see `scale.rs`) and a variant with one channel opened or cut, on the same seeds
//! (common random numbers: every mechanism draws from its own stream, so a change moves the
//! draws it governs and little else), with the real 2018 timeline in place, and checks the
//! mean paired difference with a one-sided paired t-test at the 1% level: the mean difference
//! must exceed t(0.99, n − 1) standard errors. Under no effect each test fails by chance with
//! probability at most 1%; the seeds are fixed, so the outcome is the same on every run.
//!
//! The first chain, abuse → grievance → jihadist recruitment, is tested here on the preset
//! (`abuse_drives_jihadist_recruitment_through_grievance_on_the_preset`) and on a small world
//! (`mechanisms.rs`). Before people joined groups one by one, pooled into whole agents
//! (src/mechanisms/pooling.rs), it could not be seen on the preset at 1:50: even abuse at 25
//! times the preset's rate against none moved JNIM's recruits by +25 ± 92 people over six
//! paired years, joins coming 50 people at a time. The effects of realistic policy changes
//! are measured, with their intervals, by `examples/policy_effects.rs` (docs/calibration.md,
//! "Policy effects"), whatever they turn out to be.

use impunity::events::Perpetrator;
use impunity::model::Fate;
use impunity::run::ConflictTotals;
use impunity::run::run_replicate;
use impunity::scenario::Value;
use impunity::{Model, Scenario, presets};

const REPLICATES: u64 = 6;

/// t(0.99, n − 1): one-sided 1% quantile of Student's t for `n` pairs (6, 10 or 50).
fn t_99(n: usize) -> f64 {
    match n {
        6 => 3.365,
        10 => 2.821,
        50 => 2.405,
        _ => unreachable!("t(0.99) tabled for 6, 10 and 50 pairs only"),
    }
}
const SEED: u64 = 11;
const DOZO: usize = 1;
const PEUL: usize = 0;

fn year(s: &Scenario) -> Vec<ConflictTotals> {
    years(s, REPLICATES)
}

/// `replicates` replicate-years of `s`.
fn years(s: &Scenario, replicates: u64) -> Vec<ConflictTotals> {
    use rayon::prelude::*;
    (0..replicates)
        .into_par_iter()
        .map(|r| {
            run_replicate(s, SEED, r, 365)
                .conflict
                .expect("conflict model")
        })
        .collect()
}

/// The preset at one agent per 50 people, plus `changes`.
fn preset(changes: &[(&str, Value)]) -> Scenario {
    let mut all = vec![("world.people_per_agent", 50.0.into())];
    all.extend(changes.iter().cloned());
    presets::get("central-mali-2018")
        .unwrap()
        .with_changes(all)
        .expect("valid variant")
}

/// The mean paired difference `observe(b) − observe(a)` and its standard error.
fn paired(
    a: &[ConflictTotals],
    b: &[ConflictTotals],
    observe: fn(&ConflictTotals) -> f64,
) -> (f64, f64) {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| observe(y) - observe(x))
        .collect();
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (m, sd / n.sqrt())
}

/// Asserts that `observe(b) − observe(a)` has the sign of `sign` at the 1% level.
fn assert_effect(
    a: &[ConflictTotals],
    b: &[ConflictTotals],
    observe: fn(&ConflictTotals) -> f64,
    sign: f64,
    what: &str,
) -> f64 {
    let (m, se) = paired(a, b, observe);
    assert!(
        m * sign > t_99(a.len()) * se,
        "{what}: mean paired difference {m:.4} ± {se:.4}"
    );
    m
}

#[test]
fn threatened_people_join_the_group_that_protects_them_when_the_state_does_not() {
    let base = year(&preset(&[]));
    assert!(
        base.iter().map(|t| t.counters.recruits[DOZO]).sum::<u64>() > 0,
        "the Dozo recruit among threatened Dogon and Bambara"
    );
    // cut: nobody seeks the Dozo's protection
    let cut = year(&preset(&[("groups.dozo.protection_rate", 0.0.into())]));
    assert!(cut.iter().all(|t| t.counters.recruits[DOZO] == 0));
    // (that people who trust the state do not seek protection, the factor 1 − L, is the unit
    // test `people_who_trust_the_state_do_not_seek_protection` of src/mechanisms/recruitment.rs:
    // on the preset at 1:50, Dogon and Bambara legitimacy 0.92 → 0.6 moved Dozo recruits by
    // −25 ± 36 people over six paired years, not resolved: lower legitimacy also makes more
    // of them active, and only the quiescent seek protection)
}

#[test]
fn abuse_drives_jihadist_recruitment_through_grievance_on_the_preset() {
    // abuse at 25 times the preset's rate (0.001 against 0.00004) against none, ten pairs,
    // with protection-seeking recruitment to JNIM off so that the grievance channel is the
    // only one (threat from abuses, the other, is `threatened_people_join...`'s mechanism).
    // Measured on these seeds with `impunity compare` (2026-12-03): +39.5 people (95 % CI
    // +17 to +62); with protection on as well, +45 (+24 to +65); protection alone, +100
    // (+71 to +130); neither, −5 (−16 to +6): the two channels draw on the same Peul, active
    // or quiescent
    let recruits = |extra: &[(&str, Value)]| {
        let run = |rate: f64| {
            let mut ch = vec![
                ("groups.jnim.protection_rate", 0.0.into()),
                ("abuse.base_rate", rate.into()),
            ];
            ch.extend_from_slice(extra);
            years(&preset(&ch), 10)
        };
        (run(0.0), run(0.001))
    };
    let jnim = |t: &ConflictTotals| t.counters.recruits[0] as f64;
    let (none, abuse) = recruits(&[]);
    let d = assert_effect(&none, &abuse, jnim, 1.0, "JNIM recruits, abuse 0 → 0.001");
    // cut: abuses cost the state no legitimacy and leave nothing unresolved
    let (none, abuse) = recruits(&[
        ("legitimacy.abuse", 0.0.into()),
        ("legitimacy.unresolved_per_case", 0.0.into()),
        ("legitimacy.uninvestigated", 0.0.into()),
        ("legitimacy.amnesty", 0.0.into()),
    ]);
    let (dc, se) = paired(&none, &abuse, jnim);
    assert!(
        dc < d / 3.0,
        "with the channel cut abuse still adds {dc:.1} ± {se:.1} recruits (uncut {d:.1})"
    );
}

#[test]
fn killings_by_the_militia_the_state_arms_cost_it_legitimacy_among_the_victims() {
    // fifty pairs, not six: since people join and leave groups one by one, pooled into whole
    // agents (src/mechanisms/pooling.rs), a change of legitimacy moves which agents join
    // from then on, and the paired spread of Peul legitimacy at the end of the year grew.
    // Measured on 20 pairs of other seeds (`impunity compare`, seed 99, 2026-12-03): effect
    // −0.047 (95 % CI −0.085 to −0.009), paired s.d. 0.082; six pairs would detect that
    // effect at the 1 % level about one time in ten, fifty pairs 95 times in a hundred (expected
    // t 4.1 against t(0.99, 49) = 2.41)
    let no_proxy = years(&preset(&[("legitimacy.proxy", 0.0.into())]), 50);
    let proxy = years(&preset(&[("legitimacy.proxy", 0.003.into())]), 50);
    assert_effect(
        &no_proxy,
        &proxy,
        |t| t.legitimacy_end[PEUL],
        -1.0,
        "Peul legitimacy at year end, legitimacy.proxy 0 → 0.003",
    );
    // and none when the state does not arm it (its share of the Dozo's arms is then 0)
    let unarmed = |p: f64| {
        year(&preset(&[
            ("legitimacy.proxy", p.into()),
            ("policy.militia_arming", 0.0.into()),
        ]))
    };
    let (a, b) = (unarmed(0.0), unarmed(0.003));
    assert!(
        a.iter().zip(&b).all(|(x, y)| x == y),
        "without arming, the proxy cost is nothing"
    );
}

#[test]
fn cases_against_militias_follow_their_own_impunity() {
    let dozo = Perpetrator::Group(DOZO as u8);
    let run = |impunity: f64| {
        let s = preset(&[("policy.militia_impunity", impunity.into())]);
        let mut m = Model::new(&s, SEED, 0).unwrap();
        for _ in 0..200 {
            m.step();
        }
        m
    };
    let closed = run(1.0);
    let theirs = |m: &Model| -> Vec<Fate> {
        m.cases()
            .iter()
            .filter(|c| c.perpetrator == dozo)
            .map(|c| c.fate)
            .collect()
    };
    let c = theirs(&closed);
    assert!(!c.is_empty(), "Dozo massacres open cases");
    // never investigated, or closed by the amnesty law before the decision
    let investigated = |f: &Fate| {
        matches!(
            f,
            Fate::Investigating | Fate::Serving | Fate::Punished | Fate::Acquitted
        )
    };
    assert!(
        !c.iter().any(investigated),
        "militia impunity 1: none investigated: {c:?}"
    );
    let open = theirs(&run(0.0));
    assert!(
        open.iter().any(investigated),
        "militia impunity 0: cases are investigated: {open:?}"
    );
}
