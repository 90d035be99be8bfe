//! The vocabulary of range checks a key declaration names (`check(unit)`): each is the
//! allowed values in words, for the reference, and the test, whose message users see.
//!
//! A check that needs other keys (the shares sum to 1, a name is known, a vision fits the
//! torus) is not a range: it lives in [`super::checks`].

#![allow(non_upper_case_globals)]

use super::ScenarioError;
use super::shape::join;
use indexmap::IndexMap;

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

// ---- the vocabulary

/// A probability or share: [0, 1] (NaN is outside).
pub(crate) const unit: Range<f64> = Range {
    text: "[0, 1]",
    test: |v| {
        if (0.0..=1.0).contains(v) {
            Ok(())
        } else {
            Err(format!("{v} is outside [0, 1]"))
        }
    },
};

/// A weight, count or distance: finite and ≥ 0.
pub(crate) const nonneg: Range<f64> = Range {
    text: "≥ 0, finite",
    test: |v| {
        if v.is_finite() && *v >= 0.0 {
            Ok(())
        } else {
            Err(format!("{v} must be a finite number >= 0"))
        }
    },
};

/// A scale: finite and > 0.
pub(crate) const positive: Range<f64> = Range {
    text: "> 0",
    test: |v| {
        if v.is_finite() && *v > 0.0 {
            Ok(())
        } else {
            Err(format!("{v} must be a finite number > 0"))
        }
    },
};

/// A duration that may be endless: > 0, `inf` allowed (NaN refused).
pub(crate) const positive_or_inf: Range<f64> = Range {
    text: "> 0, or `inf`",
    test: |v| {
        if *v > 0.0 {
            Ok(())
        } else {
            Err(format!("{v} must be a number > 0 (or inf)"))
        }
    },
};

/// A number of people in an event: ≥ 1, finite.
pub(crate) const at_least_one: Range<f64> = Range {
    text: "≥ 1, finite",
    test: |v| {
        if v.is_finite() && *v >= 1.0 {
            Ok(())
        } else {
            Err(format!("{v} must be a finite number >= 1"))
        }
    },
};

/// A spread on a log scale: from 0 to 3 (3: one draw in twenty is 140 times the median;
/// beyond, draws are either 1 or the cap, and the law means nothing).
pub(crate) const spread: Range<f64> = Range {
    text: "[0, 3]",
    test: |v| {
        if (0.0..=3.0).contains(v) {
            Ok(())
        } else {
            Err(format!("{v} is outside [0, 3]"))
        }
    },
};

/// Any finite number.
pub(crate) const finite: Range<f64> = Range {
    text: "finite",
    test: |v| {
        if v.is_finite() {
            Ok(())
        } else {
            Err(format!("{v} must be a finite number"))
        }
    },
};

/// A number of people: finite and ≥ 0 (worded as forces' personnel always was).
pub(crate) const people: Range<f64> = Range {
    text: "≥ 0, finite",
    test: |v| {
        if v.is_finite() && *v >= 0.0 {
            Ok(())
        } else {
            Err(format!("{v} must be a number >= 0"))
        }
    },
};

/// A vision radius in cells: ≥ 0, and no wider than the lattice's halo allows
/// ([`crate::world::MAX_RADIUS`]). Whether it fits a torus is checked across keys.
pub(crate) const vision: Range<f64> = Range {
    text: "≥ 0; floor(v) ≤ 28",
    test: |v| {
        use crate::world::MAX_RADIUS;
        if !(v.is_finite() && *v >= 0.0) {
            Err(format!("{v} must be a number >= 0"))
        } else if v.floor() > MAX_RADIUS as f64 {
            Err(format!(
                "{v} is beyond the largest supported radius, {MAX_RADIUS}"
            ))
        } else {
            Ok(())
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vision_range_names_the_largest_radius() {
        let max = crate::world::MAX_RADIUS;
        assert!(vision.text.ends_with(&format!("≤ {max}")));
        assert!((vision.test)(&(max as f64 + 0.9)).is_ok());
        assert!((vision.test)(&(max as f64 + 1.0)).is_err());
    }

    #[test]
    fn nan_is_outside_every_range() {
        for r in [unit, nonneg, positive, finite, people, vision] {
            assert!((r.test)(&f64::NAN).is_err(), "{}", r.text);
        }
        assert_eq!((unit.test)(&1.5).unwrap_err(), "1.5 is outside [0, 1]");
    }
}
