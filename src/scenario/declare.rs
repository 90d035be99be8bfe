//! One declaration per key: the [`section!`] macro, and what it builds on.
//!
//! A section of a scenario (`[world]`, `[violence]`, a community, …) is declared once, key by
//! key, with `section!`. Each key gives its field and type, its doc (the key's meaning in
//! `docs/scenario.md`), what holds when it is absent, its range check, whether the timeline
//! may change it, and whether it is written out when it holds its default:
//!
//! ```text
//! section! {
//!     /// Attacks, battles and strikes.
//!     pub struct ViolenceSpec: Default {
//!         /// λ: chance that an attack kills, for a group at arms level 1 against an
//!         /// unarmed household with nobody deterring (0.5: a coin toss).
//!         pub lethality: f64 = default(0.5) check(unit) [timeline];
//!     }
//! }
//! ```
//!
//! * after `=`, what holds when the key is absent: `required` (an error names the key),
//!   `default(value)`, `default` (the type's `Default`), or `unset` (an `Option` left `None`);
//! * `example("…")`: a TOML literal of a valid value; required and unset keys need one (the
//!   test that builds a scenario holding every key uses it), others may give one that shows
//!   more than the default (`["x"]` rather than `[]`);
//! * `ty("…")`: the type in words, when the Rust type does not say it (`rules`, a string or
//!   a table);
//! * `check(range)` or `check(range, "more in words")`: the range check, from the vocabulary
//!   in [`super::ranges`] (`unit`, `nonneg`, `positive`, `finite`, or a [`Range`] of its
//!   own); `range("…")`: the allowed values in words, for a key checked only across keys
//!   ([`super::checks`]);
//! * `read_with("f")`: a function that reads the key instead of its type's `Deserialize`
//!   (it returns an `Option`);
//! * `[timeline sparse]`: flags. `timeline`: the timeline may change the key during a run;
//!   `sparse`: the key is left out of the TOML a scenario writes when it holds its default
//!   (otherwise it is always written).
//!
//! `: Default` after the struct's name gives the section a `Default` made of its keys'
//! defaults (every key then needs one).
//!
//! From one declaration the macro makes the struct with its docs; `Deserialize` (through a
//! shadow struct of `Option`s, so that an absent key takes its declared default and a missing
//! required key reads "missing field `x`", exactly as serde's derive words it); `Serialize`
//! (the fields in order, `sparse` ones skipped at their default); the range checks run by
//! [`Scenario::validate`](super::Scenario::validate); and the rows of the reference
//! ([`super::reference`]), whose types come from [`KeyType`].

use super::ScenarioError;
use indexmap::IndexMap;
use serde::Serialize;

/// Declares a section of a scenario; see the [module doc](self).
macro_rules! section {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident $(: $dflt:ident)? {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty = $presence:ident $(($default:expr))?
                    $(example($example:literal))?
                    $(ty($tytext:literal))?
                    $(check($check:expr $(, $note:literal)?))?
                    $(range($rtext:literal))?
                    $(read_with($dw:literal))?
                    $([$($flag:ident)*])?
                ;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Every key optional here; the declared defaults are filled in below.
                #[derive(serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Shadow {
                    $(
                        #[serde(default $(, deserialize_with = $dw)?)]
                        $field: Option<$ty>,
                    )*
                }
                /// The section from what the file gave, or the first required key missing.
                fn fill(sh: Shadow) -> Result<$name, &'static str> {
                    Ok($name {
                        $(
                            $field: match sh.$field {
                                Some(v) => v,
                                None => section!(@absent $field; $ty; $presence $(($default))?),
                            },
                        )*
                    })
                }
                struct Visit;
                impl<'de> serde::de::Visitor<'de> for Visit {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$name, A::Error> {
                        let sh = <Shadow as serde::Deserialize>::deserialize(
                            serde::de::value::MapAccessDeserializer::new(map),
                        )?;
                        fill(sh).map_err(<A::Error as serde::de::Error>::missing_field)
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(
                        self,
                        seq: A,
                    ) -> Result<$name, A::Error> {
                        // serde's derive reads a struct from an array too; so does this.
                        let sh = <Shadow as serde::Deserialize>::deserialize(
                            serde::de::value::SeqAccessDeserializer::new(seq),
                        )?;
                        fill(sh).map_err(<A::Error as serde::de::Error>::missing_field)
                    }
                }
                d.deserialize_struct(stringify!($name), &[$(stringify!($field)),*], Visit)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                // As serde's derive does: the length counts the fields written.
                let skips: &[bool] = &[
                    $(section!(@skip self.$field; $ty; [$($($flag)*)?]; $presence $(($default))?),)*
                ];
                let mut st = s.serialize_struct(
                    stringify!($name),
                    skips.iter().filter(|s| !**s).count(),
                )?;
                let mut skip = skips.iter();
                $(
                    if skip.next() == Some(&true) {
                        st.skip_field(stringify!($field))?;
                    } else {
                        st.serialize_field(stringify!($field), &self.$field)?;
                    }
                )*
                st.end()
            }
        }

        impl $crate::scenario::declare::KeyType for $name {
            fn shape() -> $crate::scenario::declare::Shape {
                $crate::scenario::declare::Shape::Table(<$name>::declared_keys)
            }

            fn check_within(
                &self,
                parent: &str,
                name: &str,
            ) -> Result<(), $crate::scenario::ScenarioError> {
                self.check_keys(&$crate::scenario::declare::join(parent, name))
            }
        }

        impl $name {
            /// Runs the declared range check of every key, in order, descending into
            /// sections; `path` is where this section sits (`""` at the top).
            #[allow(unused_variables)]
            pub(crate) fn check_keys(&self, path: &str) -> Result<(), $crate::scenario::ScenarioError> {
                $(
                    $({
                        #[allow(unused_imports)]
                        use $crate::scenario::ranges::*;
                        $crate::scenario::declare::Each::each(
                            &self.$field,
                            path,
                            stringify!($field),
                            &$check,
                        )?;
                    })?
                    $crate::scenario::declare::KeyType::check_within(
                        &self.$field,
                        path,
                        stringify!($field),
                    )?;
                )*
                Ok(())
            }

            /// The keys of this section, in declaration order.
            pub(crate) fn declared_keys() -> Vec<$crate::scenario::declare::Key> {
                vec![$(
                    $crate::scenario::declare::Key {
                        name: stringify!($field),
                        doc: concat!($($doc, "\n"),*),
                        shape: <$ty as $crate::scenario::declare::KeyType>::shape(),
                        ty: section!(@opt $($tytext)?),
                        presence: section!(@presence $ty; $presence $(($default))?),
                        range: section!(@range $([$check $(, $note)?])? $(($rtext))?),
                        timeline: section!(@has timeline [$($($flag)*)?]),
                        example: section!(@opt $($example)?),
                    },
                )*]
            }
        }

        section!(@default [$($dflt)?] $name { $($field: $ty = $presence $(($default))?,)* });
    };

    // ---- pieces

    // The value of an absent key (`return`s the key's name when it is required).
    (@absent $field:ident; $ty:ty; required) => { return Err(stringify!($field)) };
    (@absent $field:ident; $ty:ty; $($rest:tt)*) => { section!(@value $ty; $($rest)*) };

    (@value $ty:ty; default) => { <$ty as Default>::default() };
    (@value $ty:ty; default($d:expr)) => { $d };
    (@value $ty:ty; unset) => { None };
    (@value $ty:ty; required) => {
        compile_error!("a section with `: Default` needs a default for every key")
    };

    // Whether a field is left out of the TOML written.
    (@skip $v:expr; $ty:ty; $flags:tt; required) => { false };
    (@skip $v:expr; $ty:ty; $flags:tt; $($presence:tt)*) => {
        section!(@has sparse $flags) && $v == section!(@value $ty; $($presence)*)
    };

    (@presence $ty:ty; required) => { $crate::scenario::declare::Presence::Required };
    (@presence $ty:ty; unset) => { $crate::scenario::declare::Presence::Unset };
    (@presence $ty:ty; $($d:tt)*) => {
        $crate::scenario::declare::Presence::Default(
            $crate::scenario::declare::literal::<$ty>(&section!(@value $ty; $($d)*))
        )
    };

    (@range) => { String::new() };
    (@range [$check:expr]) => {{
        #[allow(unused_imports)]
        use $crate::scenario::ranges::*;
        $check.text.to_string()
    }};
    (@range [$check:expr, $note:literal]) => {{
        #[allow(unused_imports)]
        use $crate::scenario::ranges::*;
        format!("{}; {}", $check.text, $note)
    }};
    (@range ($text:literal)) => { $text.to_string() };

    (@opt) => { None };
    (@opt $x:literal) => { Some($x) };

    (@has $want:ident []) => { false };
    (@has timeline [timeline $($rest:ident)*]) => { true };
    (@has sparse [sparse $($rest:ident)*]) => { true };
    (@has $want:ident [$other:ident $($rest:ident)*]) => { section!(@has $want [$($rest)*]) };

    (@default [] $name:ident { $($rest:tt)* }) => {};
    (@default [Default] $name:ident {
        $($field:ident: $ty:ty = $presence:ident $(($default:expr))?,)*
    }) => {
        impl Default for $name {
            fn default() -> Self {
                $name { $($field: section!(@value $ty; $presence $(($default))?),)* }
            }
        }
    };
}

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
    super::Driver,
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

/// A range check: the allowed values in words, and the test, which returns what is wrong.
#[derive(Clone, Copy)]
pub(crate) struct Range<T: 'static> {
    /// The allowed values, as the reference gives them (`[0, 1]`).
    pub text: &'static str,
    /// `Err(message)` for a value outside the range.
    pub test: fn(&T) -> Result<(), String>,
}

/// The values a range check applies to inside a field: the value itself, the value of an
/// `Option` that holds one, or every value of a table by name (`key.name` in errors).
pub(crate) trait Each<T> {
    /// Tests every value with `range`; the first failure names its key path.
    fn each(&self, parent: &str, name: &str, range: &Range<T>) -> Result<(), ScenarioError>;
}

fn failed(path: String, message: String) -> ScenarioError {
    ScenarioError::new(path, message)
}

impl<T> Each<T> for T {
    fn each(&self, parent: &str, name: &str, range: &Range<T>) -> Result<(), ScenarioError> {
        (range.test)(self).map_err(|m| failed(join(parent, name), m))
    }
}

impl<T> Each<T> for Option<T> {
    fn each(&self, parent: &str, name: &str, range: &Range<T>) -> Result<(), ScenarioError> {
        match self {
            Some(v) => v.each(parent, name, range),
            None => Ok(()),
        }
    }
}

impl<T> Each<T> for IndexMap<String, T> {
    fn each(&self, parent: &str, name: &str, range: &Range<T>) -> Result<(), ScenarioError> {
        for (k, v) in self {
            (range.test)(v).map_err(|m| failed(format!("{}.{k}", join(parent, name)), m))?;
        }
        Ok(())
    }
}
