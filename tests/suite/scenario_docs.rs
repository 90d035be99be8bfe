//! `docs/scenario.md` cannot drift from the code: every key the scenario structs accept has a
//! row in `src/scenario/keys.rs`, every row is a key of the code, documented defaults and
//! "required" are what the code does, and the file is the generated reference.
//!
//! `IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs` regenerates the file.

use impunity::scenario::keys::{self, KEYS, Key, Presence, Shape};
use impunity::{Scenario, presets};
use indexmap::IndexMap;
use std::path::Path;

fn shapes() -> IndexMap<String, Shape> {
    keys::schema()
        .into_iter()
        .map(|f| (f.path, f.shape))
        .collect()
}

/// A table, a table of named tables, or an array of tables: documented with `table(..)`.
fn is_table(shape: &Shape) -> bool {
    let table = Box::new(Shape::Table);
    *shape == Shape::Table || *shape == Shape::Map(table.clone()) || *shape == Shape::Array(table)
}

/// A row to paste into KEYS for an undocumented key.
fn stub(path: &str, shape: &Shape) -> String {
    match shape {
        s if is_table(s) => format!("    table(\"{path}\", false, \"TODO: meaning\"),"),
        _ => format!(
            "    opt(\"{path}\", \"TODO: default as TOML\", \"TODO: range\", \"TODO: meaning\"),  // {}",
            shape.describe()
        ),
    }
}

#[test]
fn every_key_of_the_code_is_documented() {
    let missing: Vec<String> = shapes()
        .iter()
        .filter(|(p, _)| keys::find(p).is_none())
        .map(|(p, s)| stub(p, s))
        .collect();
    assert!(
        missing.is_empty(),
        "keys without a row in KEYS (src/scenario/keys.rs); add rows like these (req/opt/unset/table, \
         see the module doc), then run IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_documented_key_is_a_key_of_the_code() {
    let shapes = shapes();
    let stale: Vec<&str> = KEYS
        .iter()
        .map(|k| k.path)
        .filter(|p| !shapes.contains_key(*p))
        .collect();
    assert!(
        stale.is_empty(),
        "rows of KEYS that name no key of the code (renamed or removed?): {stale:?}"
    );
}

#[test]
fn rows_fit_their_keys() {
    let shapes = shapes();
    for k in KEYS {
        let Some(shape) = shapes.get(k.path) else {
            continue; // reported by every_documented_key_is_a_key_of_the_code
        };
        let table = is_table(shape);
        if *shape == Shape::Any {
            assert!(
                k.ty.is_some(),
                "{}: read by hand; give its type with .ty(..)",
                k.path
            );
        }
        if table {
            assert!(k.example.is_empty(), "{}: a table; use table(..)", k.path);
        } else {
            assert!(
                !k.example.is_empty(),
                "{}: a value needs an example",
                k.path
            );
            assert!(
                k.presence != Presence::Optional,
                "{}: table(..) is for tables",
                k.path
            );
        }
    }
}

// ---- a scenario holding every documented key, built from the examples

#[derive(Clone, Copy)]
enum Tok<'a> {
    Key(&'a str),
    Item,
}

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

/// Sets the value at `pattern` (`<name>` → `x`, `[]` → the one entry), making tables and
/// arrays on the way (and replacing a value in the way by a table).
fn put(root: &mut toml::Value, pattern: &str, v: toml::Value) {
    let toks = tokens(pattern);
    let mut cur = root;
    for (i, t) in toks.iter().enumerate() {
        let last = i + 1 == toks.len();
        match *t {
            Tok::Key(k) => {
                if !cur.is_table() {
                    *cur = toml::Value::Table(Default::default());
                }
                let table = cur.as_table_mut().unwrap();
                if last {
                    table.insert(k.to_string(), v);
                    return;
                }
                cur = table
                    .entry(k.to_string())
                    .or_insert_with(|| toml::Value::Table(Default::default()));
            }
            Tok::Item => {
                if !cur.is_array() || cur.as_array().unwrap().is_empty() {
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

fn full() -> toml::Value {
    let mut tree = toml::Value::Table(Default::default());
    for k in KEYS.iter().filter(|k| !k.example.is_empty()) {
        put(&mut tree, k.path, value(k.example));
    }
    tree
}

fn same(a: &toml::Value, b: &toml::Value) -> bool {
    match (a, b) {
        (toml::Value::Integer(x), toml::Value::Float(y))
        | (toml::Value::Float(y), toml::Value::Integer(x)) => *x as f64 == *y,
        _ => a == b,
    }
}

fn deserialize(tree: toml::Value) -> Result<Scenario, String> {
    tree.try_into::<Scenario>()
        .map_err(|e| e.message().to_string())
}

#[test]
fn a_scenario_with_every_documented_key_reads() {
    if let Err(e) = deserialize(full()) {
        panic!("the scenario made of every row's example does not read: {e}");
    }
}

#[test]
fn documented_defaults_and_requirements_are_what_the_code_does() {
    let mut wrong = Vec::new();
    for k in KEYS {
        let mut tree = full();
        remove(&mut tree, k.path);
        let last = k.path.rsplit(['.', ']']).next().unwrap_or(k.path);
        let read = deserialize(tree);
        let check = |k: &Key| -> Result<(), String> {
            match (k.presence, read.as_ref()) {
                (Presence::Required, Err(e)) if e.contains(&format!("missing field `{last}`")) => {
                    Ok(())
                }
                (Presence::Required, Ok(_)) => Err("documented as required, but optional".into()),
                (_, Err(e)) => Err(format!("without it the scenario does not read: {e}")),
                (Presence::Optional, Ok(_)) => Ok(()),
                (Presence::Unset, Ok(s)) => {
                    let back = toml::Value::try_from(s).unwrap();
                    match get(&back, k.path) {
                        None => Ok(()),
                        Some(v) => Err(format!("documented as unset, but defaults to {v}")),
                    }
                }
                (Presence::Default(d), Ok(s)) => {
                    let back = toml::Value::try_from(s).unwrap();
                    match get(&back, k.path) {
                        None => Ok(()),
                        Some(v) if same(v, &value(d)) => Ok(()),
                        Some(v) => Err(format!("documented default {d}, but the code gives {v}")),
                    }
                }
            }
        };
        if let Err(m) = check(k) {
            wrong.push(format!("{}: {m}", k.path));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every key path a scenario value holds, with names as `<name>` and entries as `[]`.
fn paths(tree: &toml::Value, shapes: &IndexMap<String, Shape>) -> Vec<String> {
    fn walk(
        v: &toml::Value,
        pattern: &str,
        shapes: &IndexMap<String, Shape>,
        out: &mut Vec<String>,
    ) {
        let child = |k: &str| {
            if pattern.is_empty() {
                k.to_string()
            } else {
                format!("{pattern}.{k}")
            }
        };
        match (v, shapes.get(pattern)) {
            (toml::Value::Table(t), Some(Shape::Map(inner))) => {
                if matches!(**inner, Shape::Table) {
                    for v in t.values() {
                        walk(v, &child("<name>"), shapes, out);
                    }
                }
            }
            (toml::Value::Table(t), None | Some(Shape::Table) | Some(Shape::Any)) => {
                for (k, v) in t {
                    out.push(child(k));
                    walk(v, &child(k), shapes, out);
                }
            }
            (toml::Value::Array(a), Some(Shape::Array(inner))) if **inner == Shape::Table => {
                for v in a {
                    walk(v, &format!("{pattern}[]"), shapes, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(tree, "", shapes, &mut out);
    out.sort();
    out.dedup();
    out
}

#[test]
fn presets_and_the_full_scenario_hold_only_documented_keys() {
    let shapes = shapes();
    let mut trees: Vec<(String, toml::Value)> = presets::ALL
        .iter()
        .map(|p| {
            let s = presets::get(p.name).unwrap();
            (p.name.to_string(), toml::Value::try_from(&s).unwrap())
        })
        .collect();
    let s = deserialize(full()).unwrap();
    trees.push(("every key".into(), toml::Value::try_from(&s).unwrap()));
    for (name, tree) in trees {
        for p in paths(&tree, &shapes) {
            assert!(keys::find(&p).is_some(), "{name}: `{p}` is not in KEYS");
        }
    }
}

#[test]
fn docs_scenario_md_is_the_generated_reference() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario.md");
    let want = keys::reference();
    if std::env::var_os("IMPUNITY_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/scenario.md is not the reference generated from src/scenario/keys.rs; run\n  \
         IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs"
    );
}

/// The first ```toml block of a Markdown file.
fn toml_block(md: &str) -> &str {
    let start = md.find("```toml\n").expect("a ```toml block") + 8;
    let len = md[start..].find("```").expect("closed");
    &md[start..start + len]
}

#[test]
fn the_minimal_scenarios_of_the_readme_and_the_reference_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["README.md", "docs/scenario.md"] {
        let md = std::fs::read_to_string(root.join(file)).unwrap();
        let s = Scenario::from_toml_str(toml_block(&md), file)
            .unwrap_or_else(|e| panic!("{file}'s minimal scenario: {e}"));
        let out = impunity::run::run_replicate(&s, 1, 0, 3);
        assert_eq!(out.rows.len(), 4);
    }
}

#[test]
fn the_readme_shows_real_error_messages() {
    let md =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let minimal = toml_block(&md);
    for (from, to) in [
        ("legitimacy = 0.8", "legitimcy = 0.8"),
        ("legitimacy = 0.8", "legitimacy = 1.5"),
        (
            "width = 40\nheight = 40",
            "width = 1000000\nheight = 1000000",
        ),
    ] {
        assert!(minimal.contains(from));
        let e = Scenario::from_toml_str(&minimal.replace(from, to), "my.toml").unwrap_err();
        let line = format!("error: {e}\n");
        assert!(md.contains(&line), "README.md should show\n{line}");
    }
}
