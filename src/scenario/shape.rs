//! What a key is, as the reference and the key-path checks see it: [`Key`] (one declared
//! key), its [`Presence`], its [`Shape`] (the type as a scenario file writes it), and
//! [`KeyType`], which gives the shape of a Rust type and runs the range checks inside
//! sections.

use super::ScenarioError;
use indexmap::IndexMap;
use serde::Serialize;

/// A key path joined: `parent.name`, or `name` at the top.
pub(crate) fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// A value as the TOML literal a scenario file would hold (`0.5`, `"policing"`, `[]`).
pub(crate) fn literal<T: Serialize>(v: &T) -> String {
    match toml::Value::try_from(v) {
        Ok(toml::Value::Table(t)) if t.is_empty() => "{}".into(),
        Ok(v) => v.to_string(),
        Err(_) => "?".into(),
    }
}

/// One key of a section, as declared.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    /// The field's name: the key.
    pub name: &'static str,
    /// Its doc, one line per doc-comment line: the meaning in the reference.
    pub doc: &'static str,
    /// Its type.
    pub shape: Shape,
    /// Its type in words, when the Rust type does not say it.
    pub ty: Option<&'static str>,
    /// Required, unset, or its default.
    pub presence: Presence,
    /// The allowed values in words ("" when the type says it all).
    pub range: String,
    /// Whether the timeline may change it during a run.
    pub timeline: bool,
    /// A valid value, as a TOML literal (read by the test that builds a scenario holding
    /// every key).
    #[cfg_attr(not(test), allow(dead_code))]
    pub example: Option<&'static str>,
}

impl Key {
    /// The doc as one paragraph.
    pub fn meaning(&self) -> String {
        self.doc
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Whether a key must be given, and what holds when it is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Presence {
    /// The key must be given.
    Required,
    /// The value when the key is absent, as a TOML literal.
    Default(String),
    /// Optional, with no value when absent (the doc says what absence means).
    Unset,
}

/// The type of a key, as a scenario file writes it.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number (integers are accepted).
    Number,
    /// A string.
    String,
    /// A calendar date.
    Date,
    /// One of the strings listed.
    Choice(Vec<&'static str>),
    /// Any TOML value.
    Any,
    /// A table with the keys listed.
    Table(fn() -> Vec<Key>),
    /// A table whose keys are names chosen by the user, each holding the inner shape.
    Map(Box<Shape>),
    /// An array.
    Array(Box<Shape>),
}

impl Shape {
    /// The keys of a table, or of each table of a table by name or array of tables.
    pub fn keys(&self) -> Option<Vec<Key>> {
        match self {
            Shape::Table(keys) => Some(keys()),
            Shape::Map(inner) | Shape::Array(inner) => match **inner {
                Shape::Table(keys) => Some(keys()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The type in words, as `docs/scenario.md` gives it.
    pub fn describe(&self) -> String {
        match self {
            Shape::Table(_) => "table".into(),
            Shape::Map(inner) => match **inner {
                Shape::Table(_) => "tables by name".into(),
                ref x => format!("table: name → {}", x.describe()),
            },
            Shape::Array(inner) => match **inner {
                Shape::Table(_) => "array of tables".into(),
                Shape::Bool => "array of booleans".into(),
                Shape::Integer => "array of integers".into(),
                Shape::Number => "array of numbers".into(),
                Shape::String => "array of strings".into(),
                ref x => format!("array of ({})", x.describe()),
            },
            Shape::Bool => "boolean".into(),
            Shape::Integer => "integer".into(),
            Shape::Number => "number".into(),
            Shape::String => "string".into(),
            Shape::Date => "date (YYYY-MM-DD)".into(),
            Shape::Choice(v) => {
                let quoted: Vec<String> = v.iter().map(|s| format!("`{s}`")).collect();
                match quoted.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => quoted.join(""),
                }
            }
            Shape::Any => "any".into(),
        }
    }
}

/// What a Rust type is as a key of a scenario: its [`Shape`], and the range checks of the
/// keys inside it (sections and collections of sections).
pub(crate) trait KeyType {
    /// The shape of values of this type.
    fn shape() -> Shape;

    /// Runs the declared range checks inside this value, which sits at key `name` of the
    /// section at `parent`. Plain values have none.
    fn check_within(&self, _parent: &str, _name: &str) -> Result<(), ScenarioError> {
        Ok(())
    }
}

macro_rules! plain {
    ($($t:ty => $shape:expr),* $(,)?) => {
        $(impl KeyType for $t {
            fn shape() -> Shape {
                $shape
            }
        })*
    };
}

plain! {
    bool => Shape::Bool,
    u32 => Shape::Integer,
    f64 => Shape::Number,
    String => Shape::String,
    super::Date => Shape::Date,
    super::Value => Shape::Any,
}

/// Enums read from a string: their shape lists the variants, as serde names them.
macro_rules! choices {
    ($($t:ty),* $(,)?) => {
        $(impl KeyType for $t {
            fn shape() -> Shape {
                Shape::Choice(variants::<$t>())
            }
        })*
    };
}

choices! {
    super::Role,
    super::Side,
    super::GroupKind,
    super::DisarmTarget,
    crate::rules::RuleSet,
    crate::rules::Ratio,
    crate::rules::VisionShape,
    crate::rules::TurnOrder,
    crate::rules::JailTerm,
    crate::rules::Countdown,
    crate::rules::JailedCell,
    crate::rules::CopAfterArrest,
    crate::rules::Placement,
}

impl<T: KeyType> KeyType for Option<T> {
    fn shape() -> Shape {
        T::shape()
    }

    fn check_within(&self, parent: &str, name: &str) -> Result<(), ScenarioError> {
        match self {
            Some(v) => v.check_within(parent, name),
            None => Ok(()),
        }
    }
}

impl<T: KeyType> KeyType for Vec<T> {
    fn shape() -> Shape {
        Shape::Array(Box::new(T::shape()))
    }

    fn check_within(&self, parent: &str, name: &str) -> Result<(), ScenarioError> {
        if matches!(T::shape(), Shape::Table(_)) {
            for (i, v) in self.iter().enumerate() {
                v.check_within(parent, &format!("{name}[{i}]"))?;
            }
        }
        Ok(())
    }
}

impl<T: KeyType> KeyType for IndexMap<String, T> {
    fn shape() -> Shape {
        Shape::Map(Box::new(T::shape()))
    }

    fn check_within(&self, parent: &str, name: &str) -> Result<(), ScenarioError> {
        if matches!(T::shape(), Shape::Table(_)) {
            let here = join(parent, name);
            for (k, v) in self {
                v.check_within(&here, k)?;
            }
        }
        Ok(())
    }
}

/// The variants of an enum, as its `Deserialize` names them: serde's derive hands the list
/// to `deserialize_enum`, which is all this deserialiser answers.
fn variants<'de, T: serde::Deserialize<'de>>() -> Vec<&'static str> {
    use serde::de::{self, Visitor};
    use std::cell::Cell;

    struct Names<'a>(&'a Cell<&'static [&'static str]>);

    impl<'de> de::Deserializer<'de> for Names<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not an enum"))
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(variants);
            Err(de::Error::custom("variants read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
            identifier ignored_any
        }
    }

    let names = Cell::new(&[][..]);
    let _ = T::deserialize(Names(&names));
    names.get().to_vec()
}
