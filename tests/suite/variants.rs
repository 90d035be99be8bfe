//! The policy variants of central Mali shipped in `scenarios/`: each must differ from
//! `central-mali-2018` by exactly the change its header announces, so that comparing it with
//! the baseline measures that one policy. The base file may change (recalibration); the
//! variants must follow, and this test says so when they do not.

use impunity::presets;
use toml::Value;

/// The resolved scenario as a TOML tree, without its name and description.
fn tree(name: &str) -> toml::Table {
    let s = presets::get(name).unwrap_or_else(|| panic!("preset {name} exists"));
    let mut t: toml::Table = s
        .to_toml_string()
        .parse()
        .expect("scenario TOML reads back");
    t.remove("name");
    t.remove("description");
    t
}

fn set(t: &mut toml::Table, path: &str, v: Value) {
    let mut keys: Vec<&str> = path.split('.').collect();
    let last = keys.pop().unwrap();
    let mut cur = t;
    for k in keys {
        cur = cur
            .get_mut(k)
            .and_then(Value::as_table_mut)
            .unwrap_or_else(|| panic!("{path}: no table {k}"));
    }
    assert!(cur.contains_key(last), "{path} is not set in the baseline");
    cur.insert(last.into(), v);
}

/// Removes the baseline's timeline entries that set `key`, returning how many there were.
fn drop_timeline_setting(t: &mut toml::Table, key: &str) -> usize {
    let tl = t
        .get_mut("timeline")
        .and_then(Value::as_array_mut)
        .expect("the baseline has a timeline");
    let before = tl.len();
    tl.retain(|e| {
        e.get("set")
            .and_then(Value::as_table)
            .is_none_or(|s| !s.contains_key(key))
    });
    before - tl.len()
}

fn assert_same(variant: &str, expected: toml::Table) {
    let got = tree(variant);
    assert!(
        got == expected,
        "{variant} differs from central-mali-2018 by more than its announced change:\n\
         variant:  {}\nexpected: {}",
        toml::to_string(&got).unwrap(),
        toml::to_string(&expected).unwrap()
    );
}

#[test]
fn prosecution_changes_only_impunity() {
    let mut t = tree("central-mali-2018");
    set(&mut t, "policy.impunity", Value::Float(0.0));
    assert_eq!(drop_timeline_setting(&mut t, "policy.impunity"), 1);
    assert_same("central-mali-2018-prosecution", t);
}

#[test]
fn no_arming_changes_only_militia_arming() {
    let mut t = tree("central-mali-2018");
    set(&mut t, "policy.militia_arming", Value::Float(0.0));
    assert_same("central-mali-2018-no-arming", t);
}

#[test]
fn narrow_amnesty_changes_only_its_scope() {
    let mut t = tree("central-mali-2018");
    set(&mut t, "policy.amnesty.scope", Value::Float(0.0));
    assert_same("central-mali-2018-narrow-amnesty", t);
}

/// The variants really are different scenarios: the change reaches the model (a variant that
/// parsed to the baseline would make every comparison with it a no-op).
#[test]
fn variants_differ_from_the_baseline() {
    let base = tree("central-mali-2018");
    for v in [
        "central-mali-2018-prosecution",
        "central-mali-2018-no-arming",
        "central-mali-2018-narrow-amnesty",
    ] {
        assert!(tree(v) != base, "{v} is the baseline");
    }
}
