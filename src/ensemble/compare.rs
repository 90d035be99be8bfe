//! A row of the paired comparison of a comparison's variants with its baseline: `compare.csv`,
//! and [`super::Results::comparison`] (computed by `moments.rs`).

use crate::stats::Paired;

/// One row of `compare.csv`: a variant against the baseline (point 0) on one outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// Variant name (the point's tag).
    pub variant: String,
    /// Outcome name.
    pub outcome: String,
    /// The paired statistics (variant − baseline, replicate by replicate).
    pub paired: Paired,
}
