//! Key paths, found from the key declarations: every key of the scenario format (`rows`),
//! whether a path names one ([`check_path`], behind [`Scenario::check_key`]), and whether
//! the timeline may change it (`dynamic_key`).
//!
//! Paths are dotted; `<name>` stands for the names of a table by name
//! (`communities.<name>.share`), `[]` for the entries of an array of tables
//! (`timeline[].at`).

use super::shape::{Key, KeyType, Shape, join};
use super::{Scenario, ScenarioError};
use std::sync::LazyLock;

/// One key of the scenario format, at its path.
pub(crate) struct Row {
    /// Dotted path, `<name>` for names, `[]` for array entries.
    pub path: String,
    /// The key as declared.
    pub key: Key,
}

/// Every key of the scenario format, depth first in declaration order (a table's row comes
/// before the rows of its keys).
pub(crate) fn rows() -> &'static [Row] {
    static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
        let mut out = Vec::new();
        walk(Scenario::declared_keys(), "", &mut out);
        out
    });
    &ROWS
}

fn walk(keys: Vec<Key>, prefix: &str, out: &mut Vec<Row>) {
    for key in keys {
        let path = join(prefix, key.name);
        let inner = match key.shape {
            Shape::Map(_) => format!("{path}.<name>"),
            Shape::Array(_) => format!("{path}[]"),
            _ => path.clone(),
        };
        let children = key.shape.keys();
        out.push(Row { path, key });
        if let Some(children) = children {
            walk(children, &inner, out);
        }
    }
}

/// The row of `pattern` (with `<name>` and `[]` placeholders).
pub(crate) fn find(pattern: &str) -> Option<&'static Row> {
    rows().iter().find(|r| r.path == pattern)
}

/// `path` with names replaced by `<name>` (`communities.x.share` →
/// `communities.<name>.share`), if it walks through declared keys.
fn pattern_of(path: &str) -> Option<String> {
    let mut pattern = String::new();
    let mut at_name = false;
    for seg in path.split('.') {
        if at_name {
            pattern.push_str(".<name>");
            at_name = false;
            continue;
        }
        pattern = join(&pattern, seg);
        at_name = matches!(find(&pattern)?.key.shape, Shape::Map(_));
    }
    Some(pattern)
}

/// The allowed values of the key at `path` in words, as declared (`1 ..= 65,535; width ×
/// height ≤ 2^31` for `world.width`), if it declares any. Array indices (`timeline[0].at`)
/// stand for the entries' keys.
pub(crate) fn declared_range(path: &str) -> Option<&'static str> {
    let mut plain = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                plain.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => plain.push(c),
        }
    }
    // an array's entries: `timeline[].at` is declared as such, names inside are not arrays
    let pattern = match plain.split_once("[]") {
        Some((array, rest)) => format!("{}[]{rest}", pattern_of(array)?),
        None => pattern_of(&plain)?,
    };
    find(&pattern)
        .map(|r| r.key.range.as_str())
        .filter(|r| !r.is_empty())
}

/// Whether a key path names a key the timeline may change during a run (declared
/// `timeline`).
pub(crate) fn dynamic_key(path: &str) -> bool {
    pattern_of(path)
        .and_then(|p| find(&p))
        .is_some_and(|r| r.key.timeline)
}

/// Checks that `path` (`communities.citizens.legitimacy`) names a key of the scenario
/// format and, inside tables by name, a name `s` has; see [`Scenario::check_key`].
pub fn check_path(s: &Scenario, path: &str) -> Result<(), ScenarioError> {
    let tree = toml::Value::try_from(s).ok();
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|p| p.is_empty()) {
        return Err(ScenarioError::new(
            path,
            "not a key path (like communities.citizens.legitimacy)",
        ));
    }
    let children = |pattern: &str| -> Vec<String> {
        rows()
            .iter()
            .filter_map(|r| {
                let (parent, last) = r.path.rsplit_once('.').unwrap_or(("", r.path.as_str()));
                (parent == pattern).then(|| last.to_string())
            })
            .collect()
    };
    // `pattern` is the path so far with names replaced by `<name>`; `at` its shape.
    let mut pattern = String::new();
    let mut at = Scenario::shape();
    for (i, seg) in segs.iter().enumerate() {
        let here = segs[..=i].join(".");
        let before = segs[..i].join(".");
        match at {
            Shape::Map(inner) => {
                let names: Vec<String> = tree
                    .as_ref()
                    .and_then(|t| super::get_path(t, &before))
                    .and_then(|v| v.as_table())
                    .map(|t| t.keys().cloned().collect())
                    .unwrap_or_default();
                if i + 1 < segs.len() && !names.iter().any(|n| n == seg) {
                    let m = match super::error::nearest(seg, names.iter().map(String::as_str)) {
                        Some(best) => format!("unknown name `{seg}`; did you mean `{best}`?"),
                        None => format!(
                            "unknown name `{seg}` (known: {}); to add one, give its whole table as the value",
                            if names.is_empty() {
                                "none".into()
                            } else {
                                names.join(", ")
                            }
                        ),
                    };
                    return Err(ScenarioError::new(here, m));
                }
                pattern = format!("{pattern}.<name>");
                at = *inner;
            }
            Shape::Table(_) | Shape::Any => {
                let valid = children(&pattern);
                if valid.is_empty() {
                    // any TOML value: nothing to check against
                    return Ok(());
                }
                if !valid.iter().any(|v| v == seg) {
                    return Err(ScenarioError::new(
                        here,
                        super::source::unknown_message("key", seg, &valid),
                    ));
                }
                pattern = join(&pattern, seg);
                at = find(&pattern).map_or(Shape::Any, |r| r.key.shape.clone());
            }
            Shape::Array(inner) if i + 1 < segs.len() => {
                // an entry of an array of tables, by its `name`
                let names: Vec<String> = tree
                    .as_ref()
                    .and_then(|t| super::get_path(t, &before))
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e.get("name").and_then(|n| n.as_str()))
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                if !names.iter().any(|n| n == seg) {
                    let m = if names.is_empty() {
                        format!(
                            "`{before}` is an array: set it whole, or give its entries a `name` to change one"
                        )
                    } else {
                        format!(
                            "`{before}` has no entry named `{seg}` (named: {})",
                            names.join(", ")
                        )
                    };
                    return Err(ScenarioError::new(here, m));
                }
                at = *inner;
            }
            Shape::Array(_) => {
                return Err(ScenarioError::new(
                    here,
                    format!("`{before}` is an array: set it whole"),
                ));
            }
            _ => {
                return Err(ScenarioError::new(
                    here,
                    format!("`{before}` is a value, not a table"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
