//! The policy variants of central Mali shipped in `scenarios/`: each must differ from
//! `central-mali-2018` by exactly the change its header announces, so that comparing it with
//! the baseline measures that one policy. The base file may change (recalibration); the
//! variants must follow, and this test says so when they do not.

use impunity::{Scenario, presets};

fn preset(name: &str) -> Scenario {
    presets::get(name).unwrap_or_else(|| panic!("preset {name} exists"))
}

/// The preset, named as `like` (name and description are the variant's own).
fn named_as(name: &str, like: &Scenario) -> Scenario {
    let mut s = preset(name);
    s.name.clone_from(&like.name);
    s.description.clone_from(&like.description);
    s
}

/// The baseline with `key` set to `value`, for comparing with `variant`.
fn baseline_with(variant: &Scenario, key: &str, value: f64) -> Scenario {
    named_as("central-mali-2018", variant)
        .with_changes([(key, value)])
        .unwrap_or_else(|e| panic!("{key}: {e}"))
}

/// Removes the timeline entries that set `key`, returning how many there were.
fn drop_timeline_setting(s: &mut Scenario, key: &str) -> usize {
    let before = s.timeline.len();
    s.timeline.retain(|e| !e.set.contains_key(key));
    before - s.timeline.len()
}

fn assert_same(variant: &Scenario, expected: &Scenario) {
    assert!(
        variant == expected,
        "{} differs from central-mali-2018 by more than its announced change:\n\
         variant:  {}\nexpected: {}",
        variant.name,
        variant.to_toml_string(),
        expected.to_toml_string()
    );
}

#[test]
fn prosecution_changes_only_impunity() {
    let v = preset("central-mali-2018-prosecution");
    let mut t = baseline_with(&v, "policy.impunity", 0.0);
    assert_eq!(drop_timeline_setting(&mut t, "policy.impunity"), 1);
    assert_same(&v, &t);
}

#[test]
fn no_arming_changes_only_militia_arming() {
    let v = preset("central-mali-2018-no-arming");
    assert_same(&v, &baseline_with(&v, "policy.militia_arming", 0.0));
}

#[test]
fn narrow_amnesty_changes_only_its_scope() {
    let v = preset("central-mali-2018-narrow-amnesty");
    assert_same(&v, &baseline_with(&v, "policy.amnesty.scope", 0.0));
}

/// The variants really are different scenarios: the change reaches the model (a variant that
/// parsed to the baseline would make every comparison with it a no-op).
#[test]
fn variants_differ_from_the_baseline() {
    for v in [
        "central-mali-2018-prosecution",
        "central-mali-2018-no-arming",
        "central-mali-2018-narrow-amnesty",
    ] {
        let v = preset(v);
        assert!(
            v != named_as("central-mali-2018", &v),
            "{} is the baseline",
            v.name
        );
    }
}
