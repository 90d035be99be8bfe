//! The command line's calls into the scenario API that is being reshaped (a typed value in
//! place of `toml::Value`, a key check on `Scenario`), one helper each, so that the change is
//! made here alone.

use impunity::Scenario;
use impunity::scenario::ScenarioError;

/// Checks that `key` is a key path of `s` (the error suggests the nearest key).
pub fn check_key(s: &Scenario, key: &str) -> std::result::Result<(), ScenarioError> {
    impunity::scenario::keys::check_path(s, key)
}

/// The candidate nearest to `name`, if it is close enough to be a typo.
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    impunity::scenario::nearest(name, candidates)
}

/// A byte count for people (`45.3 TiB`).
pub fn human_bytes(b: u64) -> String {
    impunity::scenario::human_bytes(b)
}

/// `base` with each `(key.path, value)` set, the values written as on the command line
/// (TOML: a number, boolean, array, inline table or `inf`, else a plain string, so that
/// `rules=netlogo` needs no quotes), validated.
pub fn with_values(
    base: &Scenario,
    changes: &[(String, String)],
) -> std::result::Result<Scenario, ScenarioError> {
    base.with_changes(changes.iter().map(|(k, v)| (k.as_str(), parse_value(v))))
}

/// A command-line value as TOML.
fn parse_value(v: &str) -> toml::Value {
    match format!("x = {v}").parse::<toml::Table>() {
        Ok(mut t) if t.len() == 1 => t.remove("x").expect("parsed key"),
        _ => toml::Value::String(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_toml_or_plain_strings() {
        assert_eq!(parse_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_value("inf"), toml::Value::Float(f64::INFINITY));
        assert_eq!(
            parse_value("netlogo"),
            toml::Value::String("netlogo".into())
        );
        assert_eq!(
            parse_value("1\ny = 2"),
            toml::Value::String("1\ny = 2".into())
        );
    }
}
