//! Key paths set to values: [`Scenario::with_changes`] (what `--set`, sweeps, variants and
//! the timeline do), and [`Scenario::get`].
//!
//! A change is made on the scenario's TOML tree, which is then read and validated as a file
//! would be: a changed scenario obeys every rule a written one does.

use super::{Scenario, ScenarioError, Value};

/// Sets `path` (dot-separated) in a TOML tree, creating tables on the way.
pub(crate) fn set_path(
    root: &mut toml::Value,
    path: &str,
    value: toml::Value,
) -> Result<(), String> {
    let mut cur = root;
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{path}` is not a key path (like policy.amnesty.scope)"
        ));
    }
    for (i, part) in parts.iter().enumerate() {
        // an array of tables is entered by an entry's `name` (`timeline.amnesty_law.date`)
        if let toml::Value::Array(entries) = cur {
            if i + 1 == parts.len() {
                return Err(format!(
                    "`{}` is an array: set it whole",
                    parts[..i].join(".")
                ));
            }
            cur = match named_entry(entries, part) {
                Some(e) => e,
                None => {
                    return Err(format!(
                        "`{}` has no entry named `{part}`",
                        parts[..i].join(".")
                    ));
                }
            };
            continue;
        }
        let table = match cur {
            toml::Value::Table(t) => t,
            _ => {
                return Err(format!(
                    "`{}` is a value, not a table",
                    parts[..i].join(".")
                ));
            }
        };
        if i + 1 == parts.len() {
            table.insert(part.to_string(), value);
            return Ok(());
        }
        cur = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
    unreachable!()
}

/// The entry of an array of tables whose `name` is `name`.
fn named_entry<'a>(entries: &'a mut [toml::Value], name: &str) -> Option<&'a mut toml::Value> {
    entries
        .iter_mut()
        .find(|e| e.get("name").and_then(|n| n.as_str()) == Some(name))
}

/// Reads `path` from a TOML tree (entries of an array of tables by their `name`).
pub(crate) fn get_path<'a>(root: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    path.split('.').try_fold(root, |v, p| match v {
        toml::Value::Array(entries) => entries
            .iter()
            .find(|e| e.get("name").and_then(|n| n.as_str()) == Some(p)),
        _ => v.get(p),
    })
}

impl Scenario {
    /// The scenario with the given key paths changed, read and validated as a file would
    /// be; an error names the key path.
    ///
    /// ```
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let t = s.with_changes([("communities.citizens.legitimacy", 0.7)]).unwrap();
    /// assert_eq!(t.communities["citizens"].legitimacy, 0.7);
    /// let e = s.with_changes([("communities.citizens.legitimacy", 1.7)]).unwrap_err();
    /// assert_eq!(e.to_string(), "communities.citizens.legitimacy: 1.7 is outside [0, 1]");
    /// ```
    pub fn with_changes<'a, V: Into<Value>>(
        &self,
        changes: impl IntoIterator<Item = (&'a str, V)>,
    ) -> Result<Scenario, ScenarioError> {
        let mut tree = toml::Value::try_from(self).expect("a scenario always serialises");
        for (path, v) in changes {
            set_path(&mut tree, path, v.into().into_toml())
                .map_err(|m| ScenarioError::new(path, m))?;
        }
        Scenario::from_toml_value(tree)
    }

    /// The value at a key path (`None` when the scenario has no such key).
    pub fn get(&self, path: &str) -> Option<Value> {
        let tree = toml::Value::try_from(self).ok()?;
        get_path(&tree, path).cloned().map(Value::from_toml)
    }
}

#[cfg(test)]
mod tests {
    use crate::presets;

    #[test]
    fn a_named_timeline_entry_is_changed_by_its_name() {
        let s = presets::get("central-mali-2018").unwrap();
        let law = |s: &crate::Scenario| {
            s.timeline
                .iter()
                .find(|e| e.name == "amnesty_law")
                .and_then(|e| e.date)
                .map(|d| d.to_string())
        };
        assert_eq!(law(&s).as_deref(), Some("2018-07-01"));
        let later = s
            .with_changes([(
                "timeline.amnesty_law.date",
                crate::scenario::Value::parse("2019-06-24"),
            )])
            .unwrap();
        assert_eq!(law(&later).as_deref(), Some("2019-06-24"));
        assert_eq!(later.timeline.len(), s.timeline.len(), "no entry added");
        let e = s
            .with_changes([(
                "timeline.amnesty_lwa.date",
                crate::scenario::Value::parse("2019-06-24"),
            )])
            .unwrap_err();
        assert!(
            e.to_string().contains("no entry named `amnesty_lwa`"),
            "{e}"
        );
        assert!(s.check_key("timeline.amnesty_law.date").is_ok());
        assert!(s.check_key("timeline.nothing.date").is_err());
    }

    #[test]
    fn two_entries_may_not_share_a_name() {
        let s = presets::get("central-mali-2018").unwrap();
        let e = s
            .with_changes([(
                "timeline.investigations.name",
                crate::scenario::Value::parse("\"amnesty_law\""),
            )])
            .unwrap_err();
        assert!(e.to_string().contains("already the name"), "{e}");
    }
}
