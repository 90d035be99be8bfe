//! From scenario text to a [`Scenario`], or to one precise error.
//!
//! Reading a file goes in three steps, each of which can fail with a [`ScenarioError`] that
//! names the key path and, for text, the line and column:
//!
//! 1. the TOML syntax is parsed (`toml`'s parser keeps the span of every key and value);
//! 2. the tree is deserialised into the scenario structs, with `serde_path_to_error` tracking
//!    the key path, so that an unknown key, a wrong type or a missing key names its place;
//! 3. [`Scenario::validate`] checks ranges and cross-references and returns a key path, which
//!    [`locate`] maps back to the span of that value in the text.
//!
//! A [`toml::Value`] tree (from `--set`, [`Scenario::with_changes`] or the
//! [`ScenarioBuilder`](super::ScenarioBuilder)) goes through the same steps 2 and 3, without
//! line numbers.

use super::error::{line_col, nearest};
use super::{Scenario, ScenarioError};
use serde_path_to_error::Segment;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path: a key, or an index into an array of tables.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Parses and deserialises `text` (no validation). Errors carry a key path and a location.
pub(super) fn deserialize_text(text: &str) -> Result<Scenario, ScenarioError> {
    let de = toml::de::Deserializer::parse(text).map_err(|e| {
        let mut err = ScenarioError::new("", syntax_message(e.message()));
        if let Some(span) = e.span() {
            let (l, c) = line_col(text, span.start);
            err = err.at(l, c);
        }
        err.caused_by(e)
    })?;
    serde_path_to_error::deserialize::<_, Scenario>(de).map_err(|e| {
        let steps = steps_of(e.path());
        let inner = e.into_inner();
        let err = explain(&steps, inner.message());
        let err = match inner.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                err.at(l, c)
            }
            None => locate(err, text),
        };
        err.caused_by(inner)
    })
}

/// Deserialises a TOML tree (no validation). Errors carry a key path.
pub(super) fn deserialize_value(tree: toml::Value) -> Result<Scenario, ScenarioError> {
    serde_path_to_error::deserialize::<_, Scenario>(tree).map_err(|e| {
        let steps = steps_of(e.path());
        let inner = e.into_inner();
        explain(&steps, inner.message()).caused_by(inner)
    })
}

/// `err` with the line and column of its key path in `text`, if it has none yet and the path
/// (or the table holding it) can be found.
pub(crate) fn locate(err: ScenarioError, text: &str) -> ScenarioError {
    if err.location.is_some() {
        return err;
    }
    let Ok(root) = DeTable::parse(text) else {
        return err;
    };
    let steps = parse_path(&err.path);
    match span_of(root.get_ref(), &steps) {
        Some(at) => {
            let (l, c) = line_col(text, at);
            err.at(l, c)
        }
        None => err,
    }
}

fn steps_of(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

fn display(steps: &[Step]) -> String {
    let mut s = String::new();
    for st in steps {
        match st {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// `timeline[0].set` → key `timeline`, index 0, key `set`.
fn parse_path(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            out.push(Step::Key(rest[..b].to_string()));
            rest = &rest[b..];
            while let Some(r) = rest.strip_prefix('[') {
                let Some(e) = r.find(']') else { break };
                match r[..e].parse() {
                    Ok(i) => out.push(Step::Index(i)),
                    Err(_) => break,
                }
                rest = &r[e + 1..];
            }
        } else {
            out.push(Step::Key(rest.to_string()));
        }
    }
    out
}

/// Byte offset of the value at `steps`: the deepest value found on the way. Keys may contain
/// dots (`set = { "communities.x.legitimacy" = 0.7 }`), so consecutive key steps are also
/// tried joined, longest first, and a tail that is not found on the way is looked for as a
/// dotted key anywhere below the deepest value reached.
fn span_of(root: &DeTable<'_>, steps: &[Step]) -> Option<usize> {
    let mut table = root;
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    let mut i = 0;
    while i < steps.len() {
        let next = match &steps[i] {
            Step::Key(_) => {
                let keys: Vec<&str> = steps[i..]
                    .iter()
                    .map_while(|s| match s {
                        Step::Key(k) => Some(k.as_str()),
                        Step::Index(_) => None,
                    })
                    .collect();
                (1..=keys.len()).rev().find_map(|n| {
                    let k = keys[..n].join(".");
                    table
                        .iter()
                        .find(|(key, _)| key.get_ref().as_ref() == k)
                        .map(|(_, v)| (v, n))
                })
            }
            Step::Index(n) => value
                .and_then(|v| v.get_ref().as_array())
                .and_then(|a| a.get(*n))
                .map(|v| (v, 1)),
        };
        let Some((v, used)) = next else { break };
        value = Some(v);
        i += used;
        if let Some(t) = v.get_ref().as_table() {
            table = t;
        }
    }
    if i < steps.len() {
        let tail: Vec<&str> = steps[i..]
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            })
            .collect();
        if let Some(at) = find_key(table, &tail.join(".")) {
            return Some(at);
        }
    }
    value.map(|v| v.span().start)
}

/// Span start of the value of `key` anywhere below `table`, or else of the key of a value
/// whose dotted key starts with `key.` (`"communities.x.legitimacy" = 0.7` for
/// `communities.x`).
fn find_key(table: &DeTable<'_>, key: &str) -> Option<usize> {
    find_exact(table, key).or_else(|| find_prefix(table, &format!("{key}.")))
}

fn find_prefix(table: &DeTable<'_>, prefix: &str) -> Option<usize> {
    for (k, v) in table.iter() {
        if k.get_ref().starts_with(prefix) {
            return Some(k.span().start);
        }
        if let Some(t) = v.get_ref().as_table() {
            if let Some(at) = find_prefix(t, prefix) {
                return Some(at);
            }
        }
    }
    None
}

fn find_exact(table: &DeTable<'_>, key: &str) -> Option<usize> {
    for (k, v) in table.iter() {
        if k.get_ref().as_ref() == key {
            return Some(v.span().start);
        }
        if let Some(t) = v.get_ref().as_table() {
            if let Some(at) = find_exact(t, key) {
                return Some(at);
            }
        }
    }
    None
}

/// The parser's message, first line only (the span gives the place).
fn syntax_message(m: &str) -> String {
    let m = m.trim();
    let first = m.lines().next().unwrap_or(m);
    format!("invalid TOML: {first}")
}

/// A serde error as a readable message, with the key path it concerns.
///
/// serde's derived code words its errors in a fixed way (`unknown field `x`, expected one of
/// `a`, `b``; `invalid type: string "x", expected u32`; `missing field `x``): they are
/// reworded for people who write scenario files, and unknown names get the nearest valid one
/// suggested.
fn explain(steps: &[Step], message: &str) -> ScenarioError {
    let path = display(steps);
    let m = message.trim();
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let (name, valid) = split_expected(rest);
        return ScenarioError::new(path, unknown_message("key", &name, &valid));
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let (name, valid) = split_expected(rest);
        return ScenarioError::new(path, unknown_message("value", &name, &valid));
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        return ScenarioError::new(path, format!("missing key {rest}"));
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                // a whole number is asked for in the key's own range (`1 ..= 65,535`), not
                // the Rust type's (`0 to 4294967295`), when it declares one
                let range = super::keys::declared_range(&path);
                let wanted = match (expected, range) {
                    ("u8" | "u16" | "u32" | "u64" | "usize", Some(r)) => {
                        format!("a whole number, {r}")
                    }
                    _ => plain_type(expected),
                };
                return ScenarioError::new(path, format!("expected {wanted}, found {found}"));
            }
        }
    }
    ScenarioError::new(path, m.to_string())
}

/// "`x`, expected one of `a`, `b`" → ("x", ["a", "b"]).
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let mut ticks = rest.split('`').skip(1).step_by(2).map(str::to_string);
    let name = ticks.next().unwrap_or_default();
    (name, ticks.collect())
}

/// Keys that earlier versions had, and what replaced them.
const REMOVED: &[(&str, &str)] = &[(
    "raid_join",
    "removed: a raid's party is now a band of the group \
     (`groups.<name>.band` people, spread `violence.band_spread`), whatever the scale",
)];

pub(super) fn unknown_message(what: &str, name: &str, valid: &[String]) -> String {
    let mut m = format!("unknown {what} `{name}`");
    if let Some((_, why)) = REMOVED.iter().find(|(k, _)| *k == name) {
        m.push_str(&format!(": {why}"));
    } else if let Some(best) = nearest(name, valid.iter().map(String::as_str)) {
        m.push_str(&format!("; did you mean `{best}`?"));
    } else if valid.is_empty() {
        m.push_str(" (none are allowed here)");
    } else {
        m.push_str(&format!(" (valid: {})", valid.join(", ")));
    }
    m
}

/// serde's names for Rust types, in words.
fn plain_type(expected: &str) -> String {
    match expected {
        "u8" => "a whole number from 0 to 255".into(),
        "u16" => "a whole number from 0 to 65535".into(),
        "u32" => "a whole number from 0 to 4294967295".into(),
        "u64" | "usize" => "a whole number >= 0".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        other if other.starts_with("struct ") => "a table".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_into_steps() {
        assert_eq!(
            parse_path("timeline[0].set"),
            vec![
                Step::Key("timeline".into()),
                Step::Index(0),
                Step::Key("set".into())
            ]
        );
        assert_eq!(display(&parse_path("a.b[2][3].c")), "a.b[2][3].c");
        assert!(parse_path("").is_empty());
    }

    #[test]
    fn spans_are_found_through_dotted_keys_and_arrays() {
        let text = "a = 1\n[b]\nc = 2\n[[t]]\nx = 1\n[[t]]\nset = { \"p.q\" = 3 }\n";
        let root = DeTable::parse(text).unwrap();
        let at = |p: &str| span_of(root.get_ref(), &parse_path(p)).map(|o| line_col(text, o));
        assert_eq!(at("a"), Some((1, 5)));
        assert_eq!(at("b.c"), Some((3, 5)));
        assert_eq!(at("b"), Some((2, 1)));
        assert_eq!(at("t[1].set.p.q"), Some((7, 17)));
        assert_eq!(at("t[1].p.q"), Some((7, 17)));
        assert_eq!(at("b.zz"), Some((2, 1)));
        assert_eq!(at("zz"), None);
    }

    #[test]
    fn serde_messages_are_reworded() {
        let p = parse_path("world.width");
        assert_eq!(
            explain(&p, "invalid type: string \"abc\", expected u32").message,
            "expected a whole number, 1 ..= 65,535; width × height ≤ 2^31, found string \"abc\""
        );
        // a key with no declared range keeps the type's
        let p = parse_path("timeline[0].every");
        assert_eq!(
            explain(&p, "invalid type: string \"x\", expected u32").message,
            "expected a whole number, ≥ 1, found string \"x\""
        );
        let p = parse_path("missions.eutm.protection");
        assert_eq!(
            explain(&p, "invalid type: string \"x\", expected u32").message,
            "expected a whole number from 0 to 4294967295, found string \"x\""
        );
        let p = parse_path("communities.x.legitimcy");
        let e = explain(
            &p,
            "unknown field `legitimcy`, expected one of `share`, `legitimacy`, `kills`",
        );
        assert_eq!(e.path, "communities.x.legitimcy");
        assert_eq!(
            e.message,
            "unknown key `legitimcy`; did you mean `legitimacy`?"
        );
        assert_eq!(
            explain(&p, "unknown field `zzz`, expected `share` or `kills`").message,
            "unknown key `zzz` (valid: share, kills)"
        );
        // a key earlier versions had says what replaced it
        let p = parse_path("violence.raid_join");
        let m = explain(
            &p,
            "unknown field `raid_join`, expected `band_spread` or `patrol`",
        )
        .message;
        assert!(m.starts_with("unknown key `raid_join`: removed"), "{m}");
        assert!(m.contains("groups.<name>.band"), "{m}");
    }
}
