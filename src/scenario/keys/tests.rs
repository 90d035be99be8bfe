//! The key declarations hold together: a scenario made of every key's example reads, required
//! keys are required, absent keys take their declared defaults, presets hold only declared
//! keys, the timeline's message names exactly the keys declared `timeline`; and random
//! changes of any key never panic.

use super::*;
use crate::presets;
use crate::scenario::shape::Presence;
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Clone, Copy)]
enum Tok<'a> {
    Key(&'a str),
    Item,
}

/// `communities.<name>.share` → key `communities`, key `x`, key `share`; `timeline[].at` →
/// key `timeline`, the first item, key `at`.
fn tokens(pattern: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    for part in pattern.split('.') {
        let (key, items) = match part.find("[]") {
            Some(i) => (&part[..i], part[i..].matches("[]").count()),
            None => (part, 0),
        };
        out.push(Tok::Key(if key == "<name>" { "x" } else { key }));
        out.extend(std::iter::repeat_n(Tok::Item, items));
    }
    out
}

fn value(literal: &str) -> toml::Value {
    format!("v = {literal}")
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("`{literal}` is not a TOML value: {e}"))
        .remove("v")
        .unwrap()
}

/// Sets the value at `pattern`, making tables and arrays on the way.
fn put(root: &mut toml::Value, pattern: &str, v: toml::Value) {
    let toks = tokens(pattern);
    let mut cur = root;
    for (i, t) in toks.iter().enumerate() {
        let last = i + 1 == toks.len();
        match *t {
            Tok::Key(k) => {
                let table = cur.as_table_mut().expect("a table on the way");
                if last {
                    table.insert(k.to_string(), v);
                    return;
                }
                cur = table
                    .entry(k.to_string())
                    .or_insert_with(|| toml::Value::Table(Default::default()));
            }
            Tok::Item => {
                if !cur.is_array() {
                    *cur = toml::Value::Array(vec![toml::Value::Table(Default::default())]);
                }
                cur = &mut cur.as_array_mut().unwrap()[0];
            }
        }
    }
}

fn remove(root: &mut toml::Value, pattern: &str) {
    let toks = tokens(pattern);
    let mut cur = root;
    for (i, t) in toks.iter().enumerate() {
        let last = i + 1 == toks.len();
        match *t {
            Tok::Key(k) => {
                let table = cur.as_table_mut().expect("a table on the way");
                if last {
                    table.remove(k);
                    return;
                }
                cur = table.get_mut(k).expect("key on the way");
            }
            Tok::Item => cur = &mut cur.as_array_mut().expect("an array on the way")[0],
        }
    }
}

fn get<'a>(root: &'a toml::Value, pattern: &str) -> Option<&'a toml::Value> {
    tokens(pattern).iter().try_fold(root, |cur, t| match *t {
        Tok::Key(k) => cur.get(k),
        Tok::Item => cur.get(0),
    })
}

/// Keys holding values (not tables).
fn leaves() -> impl Iterator<Item = &'static Row> {
    rows().iter().filter(|r| r.key.shape.keys().is_none())
}

/// A TOML tree holding every key: its example, or else its default.
fn full() -> toml::Value {
    let mut tree = toml::Value::Table(Default::default());
    for r in leaves() {
        let literal = match (&r.key.example, &r.key.presence) {
            (Some(e), _) => e.to_string(),
            (None, Presence::Default(d)) => d.clone(),
            (None, _) => panic!("{}: a required or unset key needs an example", r.path),
        };
        put(&mut tree, &r.path, value(&literal));
    }
    tree
}

fn read(tree: toml::Value) -> Result<Scenario, String> {
    tree.try_into::<Scenario>()
        .map_err(|e| e.message().to_string())
}

#[test]
fn a_scenario_with_every_key_reads() {
    if let Err(e) = read(full()) {
        panic!("the scenario made of every key's example does not read: {e}");
    }
}

#[test]
fn required_keys_are_required_and_absent_keys_take_their_default() {
    let mut wrong = Vec::new();
    for r in rows() {
        let mut tree = full();
        remove(&mut tree, &r.path);
        let last = r.path.rsplit(['.', ']']).next().unwrap_or(&r.path);
        let table = r.key.shape.keys().is_some();
        let outcome = match (&r.key.presence, read(tree)) {
            (Presence::Required, Err(e)) if e.contains(&format!("missing field `{last}`")) => {
                Ok(())
            }
            (Presence::Required, Ok(_)) => Err("declared required, but optional".to_string()),
            (_, Err(e)) => Err(format!("without it the scenario does not read: {e}")),
            (Presence::Default(_), Ok(_)) | (Presence::Unset, Ok(_)) if table => Ok(()),
            (Presence::Unset, Ok(s)) => match get(&toml::Value::try_from(s).unwrap(), &r.path) {
                None => Ok(()),
                Some(v) => Err(format!("declared unset, but defaults to {v}")),
            },
            (Presence::Default(d), Ok(s)) => {
                match get(&toml::Value::try_from(s).unwrap(), &r.path) {
                    None => Ok(()),
                    Some(v) if v.to_string() == *d || (d == "{}" && v.as_table().is_some()) => {
                        Ok(())
                    }
                    Some(v) => Err(format!("declared default {d}, but reads as {v}")),
                }
            }
        };
        if let Err(m) = outcome {
            wrong.push(format!("{}: {m}", r.path));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn sections_with_defaults_default_to_an_empty_table() {
    use crate::scenario::*;
    fn empty<T: for<'de> serde::Deserialize<'de> + Default + PartialEq + std::fmt::Debug>() {
        assert_eq!(toml::from_str::<T>("").unwrap(), T::default());
    }
    empty::<ActivationSpec>();
    empty::<PolicingSpec>();
    empty::<DemographySpec>();
    empty::<LegitimacySpec>();
    empty::<AbuseSpec>();
    empty::<ViolenceSpec>();
    empty::<JusticeSpec>();
    empty::<PolicySpec>();
    empty::<AmnestySpec>();
    empty::<DisarmamentSpec>();
    empty::<Targets>();
    empty::<OutputsSpec>();
    empty::<TimelineEntry>();
    assert_eq!(ViolenceSpec::default().lethality, 0.5);
    assert_eq!(JusticeSpec::default().trial_delay, 180);
}

/// Every key path a TOML tree of a scenario holds, with names as `<name>` and entries as
/// `[]`.
fn paths(tree: &toml::Value) -> Vec<String> {
    fn walk(v: &toml::Value, pattern: &str, out: &mut Vec<String>) {
        let shape = find(pattern).map(|r| &r.key.shape);
        let child = |k: &str| join(pattern, k);
        match (v, shape) {
            (toml::Value::Table(t), Some(Shape::Map(inner))) => {
                if matches!(**inner, Shape::Table(_)) {
                    for v in t.values() {
                        walk(v, &child("<name>"), out);
                    }
                }
            }
            (toml::Value::Table(t), None | Some(Shape::Table(_))) => {
                for (k, v) in t {
                    out.push(child(k));
                    walk(v, &child(k), out);
                }
            }
            (toml::Value::Array(a), Some(Shape::Array(inner))) => {
                if matches!(**inner, Shape::Table(_)) {
                    for v in a {
                        walk(v, &format!("{pattern}[]"), out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(tree, "", &mut out);
    out.sort();
    out.dedup();
    out
}

#[test]
fn presets_and_the_full_scenario_hold_only_declared_keys() {
    let mut trees: Vec<(String, toml::Value)> = presets::ALL
        .iter()
        .map(|p| {
            let s = presets::get(p.name).unwrap();
            (p.name.to_string(), toml::Value::try_from(&s).unwrap())
        })
        .collect();
    let s = read(full()).unwrap();
    trees.push(("every key".into(), toml::Value::try_from(&s).unwrap()));
    for (name, tree) in trees {
        for p in paths(&tree) {
            assert!(find(&p).is_some(), "{name}: `{p}` is not declared");
        }
    }
}

#[test]
fn every_path_is_declared_once() {
    let mut seen = BTreeSet::new();
    for r in rows() {
        assert!(seen.insert(&r.path), "{} twice", r.path);
    }
}

#[test]
fn types_come_from_the_declared_rust_types() {
    let ty = |p: &str| find(p).unwrap().key.shape.describe();
    assert_eq!(ty("world.width"), "integer");
    assert_eq!(ty("world.torus"), "boolean");
    assert_eq!(ty("population.density"), "number");
    assert_eq!(ty("communities"), "tables by name");
    assert_eq!(ty("communities.<name>.kills"), "array of strings");
    assert_eq!(ty("world.regions.population"), "table: name → number");
    assert_eq!(ty("timeline"), "array of tables");
    assert_eq!(ty("timeline[].at"), "integer");
    assert_eq!(ty("start_date"), "date (YYYY-MM-DD)");
    assert_eq!(ty("rules.ratio"), "`exact`, `floor` or `round_half_even`");
    assert_eq!(
        ty("forces.<name>.role"),
        "`policing`, `counterinsurgency`, `peacekeeping` or `strike`"
    );
    assert_eq!(find("rules").unwrap().key.ty, Some("string or table"));
}

#[test]
fn the_timeline_may_change_exactly_the_keys_its_error_message_lists() {
    let declared: BTreeSet<String> = leaves()
        .filter(|r| r.key.timeline)
        .map(|r| r.path.clone())
        .collect();
    let mut listed = BTreeSet::new();
    for item in crate::scenario::checks::CAN_CHANGE.split(", ") {
        let item = item
            .replace("<c>", "<name>")
            .replace("<f>", "<name>")
            .replace("<g>", "<name>")
            .replace("<m>", "<name>");
        let (stem, last) = item.rsplit_once('.').unwrap();
        if last == "*" {
            listed.extend(
                leaves()
                    .filter(|r| r.path.starts_with(&format!("{stem}.")))
                    .map(|r| r.path.clone()),
            );
        } else {
            listed.extend(last.split('|').map(|k| format!("{stem}.{k}")));
        }
    }
    assert_eq!(declared, listed);
    // a table the timeline may change holds only keys it may change
    for r in rows().iter().filter(|r| r.key.timeline) {
        assert!(
            leaves()
                .filter(|l| l.path.starts_with(&format!("{}.", r.path)))
                .all(|l| l.key.timeline),
            "{}",
            r.path
        );
    }
}

#[test]
fn dynamic_keys_are_found_through_names() {
    assert!(dynamic_key("communities.citizens.legitimacy"));
    assert!(dynamic_key("policy.amnesty.scope"));
    assert!(dynamic_key("policy"));
    assert!(dynamic_key("groups.jnim.arms"));
    assert!(!dynamic_key("groups.jnim.vision"));
    assert!(!dynamic_key("communities.citizens"));
    assert!(!dynamic_key("world.width"));
    assert!(!dynamic_key("nonsense.path"));
}

#[test]
fn key_paths_are_checked_against_the_scenario() {
    let s = presets::get("epstein-run1").unwrap();
    let msg = |p: &str| check_path(&s, p).unwrap_err().to_string();
    assert!(check_path(&s, "communities.citizens.legitimacy").is_ok());
    assert!(check_path(&s, "communities.newcomers").is_ok());
    assert!(check_path(&s, "rules.ratio").is_ok());
    assert_eq!(
        msg("communities.citizen.legitimacy"),
        "communities.citizen: unknown name `citizen`; did you mean `citizens`?"
    );
    assert_eq!(
        msg("a..b"),
        "a..b: not a key path (like communities.citizens.legitimacy)"
    );
    assert_eq!(
        msg("timeline.at"),
        "timeline.at: `timeline` is an array: set it whole"
    );
    assert_eq!(msg("ticks.x"), "ticks.x: `ticks` is a value, not a table");
    assert_eq!(
        msg("world.widht"),
        "world.widht: unknown key `widht`; did you mean `width`?"
    );
}

/// Values a mutated number may take.
const ODD: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1.5",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "29",
    "65536",
    "4294967296",
    "\"7\"",
    "true",
    "[]",
    "{}",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_020_401),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any key, under any name, set to an odd value: checking the path and applying the
    /// change never panic, and a change accepted leaves a valid scenario.
    #[test]
    fn random_changes_never_panic(
        preset in 0..presets::ALL.len(),
        key in 0..rows().len(),
        name in prop_oneof![Just("x"), Just("citizens"), Just("cops"), Just("blue"), Just("")],
        odd in 0..ODD.len(),
    ) {
        let s = presets::get(presets::ALL[preset].name).unwrap();
        let path = rows()[key].path.replace("<name>", name).replace("[]", "");
        let v = crate::scenario::Value::parse(ODD[odd]);
        let _ = check_path(&s, &path);
        let _ = dynamic_key(&path);
        if let Ok(changed) = s.with_changes([(path.as_str(), v)]) {
            prop_assert!(changed.validate().is_ok());
        }
    }
}
