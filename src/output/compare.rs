//! `compare.csv` (comparisons): one row per variant and outcome, its paired comparison with
//! the baseline on the same seeds ([`crate::stats::Paired`]).

use super::{csv_field, fmt_value};
use crate::ensemble::CompareRow;
use std::io::{self, Write};

/// The header of `compare.csv`.
pub(crate) const COMPARE_HEADER: &str =
    "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower";

/// Writes `compare.csv`: its header (`variant,outcome,n,baseline_mean,…`, the columns of
/// [`crate::stats::Paired`]), then one line per row.
///
/// ```
/// use impunity::ensemble::CompareRow;
/// use impunity::stats::Paired;
/// let row = CompareRow {
///     variant: "armed".into(),
///     outcome: "killed_civilians_total".into(),
///     paired: Paired::of(&[1.0, 2.0], &[2.0, 4.0]),
/// };
/// let mut csv = Vec::new();
/// impunity::output::write_compare(&mut csv, &[row]).unwrap();
/// let text = String::from_utf8(csv).unwrap();
/// assert_eq!(text.lines().nth(1).unwrap().split(',').take(6).collect::<Vec<_>>(),
///            ["armed", "killed_civilians_total", "2", "1.5", "3", "1.5"]);
/// ```
pub fn write_compare<W: Write>(w: &mut W, rows: &[CompareRow]) -> io::Result<()> {
    writeln!(w, "{COMPARE_HEADER}")?;
    for r in rows {
        let p = &r.paired;
        write!(w, "{},{},{}", csv_field(&r.variant), r.outcome, p.n)?;
        for v in [
            p.baseline_mean,
            p.variant_mean,
            p.diff_mean,
            p.diff_sd,
            p.ci_low,
            p.ci_high,
            p.share_lower,
        ] {
            write!(w, ",{}", fmt_value(v))?;
        }
        writeln!(w)?;
    }
    Ok(())
}
