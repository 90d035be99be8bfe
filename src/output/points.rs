//! `points.csv` (sweeps and comparisons): `point,<tags>`, one row per point, its number and
//! the value of each tag column (a varied key, or `variant`). The same columns open every row
//! of `outcomes.csv` and `summary.csv`.

use super::csv_field;
use std::io::{self, Write};

/// The header, `point,<tag names>`.
pub(crate) fn header(tag_names: &[String]) -> String {
    let mut s = String::from("point");
    for t in tag_names {
        s.push(',');
        s.push_str(t);
    }
    s
}

/// The columns of point `p`: `p,<tags>` (fields quoted where needed).
pub(crate) fn columns(p: usize, tags: &[String]) -> String {
    let mut s = p.to_string();
    for t in tags {
        s.push(',');
        s.push_str(&csv_field(t));
    }
    s
}

/// Writes `points.csv` for the tags of each point.
pub(crate) fn write<W: Write>(
    w: &mut W,
    tag_names: &[String],
    tags: &[&[String]],
) -> io::Result<()> {
    writeln!(w, "{}", header(tag_names))?;
    for (p, t) in tags.iter().enumerate() {
        writeln!(w, "{}", columns(p, t))?;
    }
    Ok(())
}
