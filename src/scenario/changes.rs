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

/// Reads `path` from a TOML tree.
pub(crate) fn get_path<'a>(root: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    path.split('.').try_fold(root, |v, p| v.get(p))
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
