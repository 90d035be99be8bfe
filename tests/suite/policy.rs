//! Policy effects on `central-mali-2018`: paired runs over a simulated year.
//!
//! Each test runs the preset and a variant with one knob changed on the same seeds (common
//! random numbers: every mechanism draws from its own stream, so the knob changes little but
//! the draws it governs), and checks the direction of the mean paired difference with a
//! one-sided paired t-test at the 1% level: the mean difference must exceed
//! t(0.99, n − 1) standard errors. Under no effect, each test fails by chance with
//! probability at most 1%; the seeds are fixed, so the outcome is the same on every run.
//! The knob changes are wide (impunity 1 → 0, no arming → full arming) so that four
//! replicates resolve them; `examples/policy_effects.rs` measures the realistic changes
//! (docs/calibration.md, "Policy effects").

use impunity::model::Perp;
use impunity::report::ConflictTotals;
use impunity::run::run_replicate;
use impunity::{Scenario, presets};
use std::sync::OnceLock;
use toml::Value;

const REPLICATES: u64 = 4;
/// t(0.99, 3): one-sided 1% quantile of Student's t with 3 degrees of freedom.
const T_99: f64 = 4.541;
const SEED: u64 = 11;

fn year(s: &Scenario) -> Vec<ConflictTotals> {
    use rayon::prelude::*;
    (0..REPLICATES)
        .into_par_iter()
        .map(|r| run_replicate(s, SEED, r, 365).conflict.expect("conflict model"))
        .collect()
}

fn variant(changes: &[(&str, Value)]) -> Scenario {
    presets::get("central-mali-2018")
        .unwrap()
        .with_changes(changes.iter().map(|(k, v)| (*k, v.clone())))
        .expect("valid variant")
}

/// Year totals of a baseline shared by the tests that use it.
fn baseline(changes: &'static [(&'static str, f64)]) -> Vec<ConflictTotals> {
    static BASE: OnceLock<Vec<ConflictTotals>> = OnceLock::new();
    static NO_ARMS: OnceLock<Vec<ConflictTotals>> = OnceLock::new();
    let cell = if changes.is_empty() { &BASE } else { &NO_ARMS };
    cell.get_or_init(|| {
        let ch: Vec<(&str, Value)> = changes.iter().map(|(k, v)| (*k, Value::Float(*v))).collect();
        year(&variant(&ch))
    })
    .clone()
}

/// Asserts that `observe(variant) − observe(baseline)` has the sign of `sign`, at the 1%
/// level; returns the mean difference and its standard error.
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
    let var = year(&variant(&[
        ("policy.impunity", Value::Float(0.0)),
        ("timeline", Value::Array(vec![])),
    ]));
    let no_timeline = year(&variant(&[("timeline", Value::Array(vec![]))]));
    assert_effect(
        &no_timeline,
        &var,
        |t| t.counters.abuses as f64,
        -1.0,
        "abuses, impunity 0.95 → 0 (no timeline)",
    );
}

#[test]
fn broader_amnesty_scope_lowers_the_victims_legitimacy() {
    // the law enters into force on the preset's timeline (1 July); communities are in
    // declaration order: peul first
    let base = year(&variant(&[("policy.amnesty.scope", Value::Float(0.0))]));
    let var = year(&variant(&[("policy.amnesty.scope", Value::Float(1.0))]));
    assert_effect(
        &base,
        &var,
        |t| t.legitimacy_end[0],
        -1.0,
        "Peul legitimacy at year end, amnesty scope 0 → 1",
    );
}

#[test]
fn more_militia_arming_means_more_civilians_killed_by_militias() {
    let base = baseline(&[("policy.militia_arming", 0.0)]);
    let var = year(&variant(&[("policy.militia_arming", Value::Float(0.7))]));
    assert_effect(
        &base,
        &var,
        |t| t.counters.killed_by[Perp::Militia as usize] as f64,
        1.0,
        "civilians killed by militias, arming 0 → 0.7",
    );
}

#[test]
fn field_oversight_means_fewer_abuses_by_trained_units() {
    let base = baseline(&[]);
    let var = year(&variant(&[("policy.field_oversight", Value::Boolean(true))]));
    assert_effect(
        &base,
        &var,
        |t| t.counters.abuses_trained as f64,
        -1.0,
        "abuses by trained units, oversight off → on",
    );
}
