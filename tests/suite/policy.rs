//! Policy effects on `central-mali-2018`: paired runs over a simulated year.
//!
//! Each test runs the preset and a variant with one knob changed on the same seeds (common
//! random numbers: every mechanism draws from its own stream, so the knob changes little but
//! the draws it governs), and checks the direction of the mean paired difference with a
//! one-sided paired t-test at the 1% level: the mean difference must exceed
//! t(0.99, n − 1) standard errors. Under no effect, each test fails by chance with
//! probability at most 1%; the seeds are fixed, so the outcome is the same on every run.
//! The knob changes are wide (impunity 0.95 → 0, amnesty scope 0 → 1, arming 0 → 1) and
//! abuse five times the preset's rate, so that four replicates resolve them; `examples/policy_effects.rs` measures the realistic changes
//! (docs/calibration.md, "Policy effects").

use impunity::events::PerpetratorKind as Perp;
use impunity::run::ConflictTotals;
use impunity::run::run_replicate;
use impunity::scenario::Value;
use impunity::{Scenario, presets};
use std::sync::OnceLock;

const REPLICATES: u64 = 4;
/// t(0.99, 3): one-sided 1% quantile of Student's t with 3 degrees of freedom.
const T_99: f64 = 4.541;
const SEED: u64 = 11;

fn year(s: &Scenario) -> Vec<ConflictTotals> {
    use rayon::prelude::*;
    (0..REPLICATES)
        .into_par_iter()
        .map(|r| {
            run_replicate(s, SEED, r, 365)
                .conflict
                .expect("conflict model")
        })
        .collect()
}

/// The preset with abuse five times as frequent (more cases: more signal for the justice
/// levers), a training mission whose oversight matters (discipline gain 0.9), and the
/// amnesty's scope at 0; plus `changes`.
fn variant(changes: &[(&str, Value)]) -> Scenario {
    let mut all = vec![
        ("abuse.base_rate", 0.0005.into()),
        ("missions.eutm.discipline_gain", 0.9.into()),
        ("policy.amnesty.scope", 0.0.into()),
    ];
    all.extend(changes.iter().cloned());
    presets::get("central-mali-2018")
        .unwrap()
        .with_changes(all)
        .expect("valid variant")
}

/// The year totals of `variant(&[])`, shared by the tests that compare with it.
fn baseline() -> &'static [ConflictTotals] {
    static BASE: OnceLock<Vec<ConflictTotals>> = OnceLock::new();
    BASE.get_or_init(|| year(&variant(&[])))
}

/// Asserts that `observe(variant) − observe(baseline)` has the sign of `sign` at the 1%
/// level (one-sided paired t-test).
fn assert_effect(
    base: &[ConflictTotals],
    var: &[ConflictTotals],
    observe: fn(&ConflictTotals) -> f64,
    sign: f64,
    what: &str,
) {
    let d: Vec<f64> = base
        .iter()
        .zip(var)
        .map(|(b, v)| observe(v) - observe(b))
        .collect();
    let n = d.len() as f64;
    let m = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    assert!(
        m * sign > T_99 * se,
        "{what}: mean paired difference {m:.4} ± {se:.4} (per replicate: {d:?})"
    );
}

#[test]
fn lower_impunity_means_fewer_abuses() {
    // the preset's timeline sets impunity to 0.8 in June: both arms go without it
    let no_timeline = ("timeline", Value::parse("[]"));
    let base = year(&variant(std::slice::from_ref(&no_timeline)));
    let var = year(&variant(&[
        no_timeline.clone(),
        ("policy.impunity", 0.0.into()),
    ]));
    assert_effect(
        &base,
        &var,
        |t| t.counters.abuses as f64,
        -1.0,
        "abuses, impunity 0.95 → 0",
    );
}

#[test]
fn broader_amnesty_scope_lowers_the_victims_legitimacy() {
    // the law enters into force on the preset's timeline (1 July); communities are in
    // declaration order: the Peul first
    let var = year(&variant(&[("policy.amnesty.scope", 1.0.into())]));
    assert_effect(
        baseline(),
        &var,
        |t| t.legitimacy_end[0],
        -1.0,
        "Peul legitimacy at year end, amnesty scope 0 → 1",
    );
}

#[test]
fn more_militia_arming_means_more_civilians_killed_by_militias() {
    let base = year(&variant(&[("policy.militia_arming", 0.0.into())]));
    let var = year(&variant(&[("policy.militia_arming", 1.0.into())]));
    assert_effect(
        &base,
        &var,
        |t| t.counters.killed_by[Perp::Militia as usize] as f64,
        1.0,
        "civilians killed by militias, arming 0 → 1",
    );
}

#[test]
fn field_oversight_means_fewer_abuses_by_trained_units() {
    let var = year(&variant(&[("policy.field_oversight", true.into())]));
    assert_effect(
        baseline(),
        &var,
        |t| t.counters.abuses_trained as f64,
        -1.0,
        "abuses by trained units, oversight off → on",
    );
}
