//! `outcomes.csv`: one row of whole-run outcomes per (point,) replicate:
//! `[point,<tags>,]replicate,<outcomes>` (the outcomes are listed in
//! [`crate::ensemble::outcomes`]).

use super::fmt_value;
use std::io::{self, Write};

/// Writes the header; `point_columns` is `point,<tags>,` or empty.
pub(crate) fn write_header<W: Write>(
    w: &mut W,
    point_columns: &str,
    outcomes: &[String],
) -> io::Result<()> {
    write!(w, "{point_columns}replicate")?;
    for n in outcomes {
        write!(w, ",{n}")?;
    }
    writeln!(w)
}

/// One row: `pre` (`<point>,<tags>,` or empty), the replicate, its outcomes.
pub(crate) fn row(pre: &str, replicate: u64, values: &[f64]) -> String {
    let mut line = format!("{pre}{replicate}");
    for v in values {
        line.push(',');
        line.push_str(&fmt_value(*v));
    }
    line.push('\n');
    line
}
