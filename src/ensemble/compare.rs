//! The paired comparison of a comparison's variants with its baseline: `compare.csv`, and
//! [`super::Results::comparison`] in memory.

use super::{Plan, PointResults};
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

/// The paired comparison of every later point with point 0, outcome by outcome (variants in
/// point order, outcomes in column order).
pub(crate) fn rows(plan: &Plan, points: &[PointResults]) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let Some(base) = points.first() else {
        return rows;
    };
    for (v, pr) in points.iter().enumerate().skip(1) {
        for (k, name) in plan.outcome_names().iter().enumerate() {
            rows.push(CompareRow {
                variant: plan.points()[v].tags.first().cloned().unwrap_or_default(),
                outcome: name.clone(),
                paired: Paired::of(&base.column(k), &pr.column(k)),
            });
        }
    }
    rows
}
