//! [`Value`]: what a key is set to by [`Scenario::with_changes`](super::Scenario::with_changes),
//! the [`ScenarioBuilder`](super::ScenarioBuilder), the timeline and `--set`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value a scenario key can be set to: a number, a string, a boolean, a date, a list or a
/// table, as a scenario file would hold it.
///
/// Build one from Rust values (`0.7.into()`, `"floor".into()`, `vec!["a", "b"].into()`), or
/// read one as the command line does with [`Value::parse`]. Whether it fits the key is
/// checked when the change is applied, with the same messages as a file.
///
/// ```
/// use impunity::scenario::Value;
/// assert_eq!(Value::parse("0.5"), Value::from(0.5));
/// assert_eq!(Value::parse("netlogo"), Value::from("netlogo")); // no quotes needed
/// assert_eq!(Value::parse("[1, 2]"), Value::from(vec![1, 2]));
/// assert_eq!(Value::parse("inf").as_f64(), Some(f64::INFINITY));
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// assert_eq!(s.get("world.width"), Some(Value::from(40)));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Value(toml::Value);

impl Value {
    /// Reads `text` as `--set key=value` does: a TOML value (a number, `true`, `inf`, a date,
    /// `[1, 2]`, `{ share = 0.5 }`, `"quoted"`), or else the text itself as a string, so that
    /// `rules=netlogo` needs no quotes.
    pub fn parse(text: &str) -> Value {
        match format!("x = {text}").parse::<toml::Table>() {
            Ok(mut t) if t.len() == 1 => Value(t.remove("x").expect("parsed key")),
            _ => Value(toml::Value::String(text.to_string())),
        }
    }

    /// The number it holds (an integer as a float), if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.as_float().or(self.0.as_integer().map(|i| i as f64))
    }

    /// The integer it holds, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.as_integer()
    }

    /// The string it holds, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// The boolean it holds, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }

    /// Whether it is a number (integer or float).
    pub fn is_number(&self) -> bool {
        self.0.is_float() || self.0.is_integer()
    }

    /// A TOML value as it is (the scenario module reads and writes TOML trees).
    pub(crate) fn from_toml(v: toml::Value) -> Value {
        Value(v)
    }

    /// The TOML value inside.
    pub(crate) fn into_toml(self) -> toml::Value {
        self.0
    }
}

/// As a TOML literal: `0.5`, `"floor"`, `[1, 2]`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! from {
    ($($t:ty),*) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value(toml::Value::from(v))
            }
        })*
    };
}

from!(f64, f32, i64, i32, u32, bool, String, &str);

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        v.into_iter().collect()
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    /// A list.
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Value {
        Value(toml::Value::Array(
            items.into_iter().map(|v| v.into().0).collect(),
        ))
    }
}

impl From<super::Date> for Value {
    fn from(d: super::Date) -> Value {
        Value::parse(&d.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_as_the_command_line_reads_it() {
        assert_eq!(Value::parse("0.5").as_f64(), Some(0.5));
        assert_eq!(Value::parse("7").as_i64(), Some(7));
        assert_eq!(Value::parse("true").as_bool(), Some(true));
        assert_eq!(Value::parse("\"quoted\"").as_str(), Some("quoted"));
        assert_eq!(Value::parse("1\ny = 2").as_str(), Some("1\ny = 2"));
        assert_eq!(Value::parse("2018-06-20").to_string(), "2018-06-20");
        assert_eq!(
            Value::from(crate::scenario::Date::parse("2018-06-20").unwrap()),
            Value::parse("2018-06-20")
        );
        assert_eq!(
            Value::parse("{ share = 0.5 }").to_string(),
            "{ share = 0.5 }"
        );
    }

    #[test]
    fn lists_are_built_from_rust_values() {
        let v: Value = ["a", "b"].into_iter().collect();
        assert_eq!(v, Value::parse("[\"a\", \"b\"]"));
        assert_eq!(v.to_string(), "[\"a\", \"b\"]");
    }
}
