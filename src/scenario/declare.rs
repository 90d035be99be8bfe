//! One declaration per key: the `section!` macro.
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
//!         /// unarmed household with nobody deterring.
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
//!   in [`super::ranges`] (`unit`, `nonneg`, `positive`, `finite`, …) or a
//!   [`Range`](super::ranges::Range) of its own; `range("…")`: the allowed values in words,
//!   for a key checked only across keys ([`super::checks`]);
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
//! ([`super::reference()`]), whose types come from [`KeyType`](super::shape::KeyType).

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

        impl $crate::scenario::shape::KeyType for $name {
            fn shape() -> $crate::scenario::shape::Shape {
                $crate::scenario::shape::Shape::Table(<$name>::declared_keys)
            }

            fn check_within(
                &self,
                parent: &str,
                name: &str,
            ) -> Result<(), $crate::scenario::ScenarioError> {
                self.check_keys(&$crate::scenario::shape::join(parent, name))
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
                        $crate::scenario::ranges::Each::each(
                            &self.$field,
                            path,
                            stringify!($field),
                            &$check,
                        )?;
                    })?
                    $crate::scenario::shape::KeyType::check_within(
                        &self.$field,
                        path,
                        stringify!($field),
                    )?;
                )*
                Ok(())
            }

            /// The keys of this section, in declaration order.
            pub(crate) fn declared_keys() -> Vec<$crate::scenario::shape::Key> {
                vec![$(
                    $crate::scenario::shape::Key {
                        name: stringify!($field),
                        doc: concat!($($doc, "\n"),*),
                        shape: <$ty as $crate::scenario::shape::KeyType>::shape(),
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

    (@presence $ty:ty; required) => { $crate::scenario::shape::Presence::Required };
    (@presence $ty:ty; unset) => { $crate::scenario::shape::Presence::Unset };
    (@presence $ty:ty; $($d:tt)*) => {
        $crate::scenario::shape::Presence::Default(
            $crate::scenario::shape::literal::<$ty>(&section!(@value $ty; $($d)*))
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
