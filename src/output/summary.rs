//! `summary.csv`: per (point,) tick and metric, the number of replicates, mean, sample s.d. and
//! the percentiles 5, 25, 50, 75 and 95 across replicates ([`crate::stats::Describe`]), all
//! exact: `[point,<tags>,]tick[,date],metric,n,mean,sd,p5,p25,p50,p75,p95`.
//!
//! While a point is written, each replicate's per-tick values go to a scratch file
//! (replicate-major); the percentiles are then computed tick block by tick block, a block
//! holding as many ticks as fit in the memory budget (at least one tick: replicates × metrics
//! values), so memory does not grow with the number of replicates times ticks.

use super::{Calendar, fmt_value};
use crate::stats::Describe;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// The memory the percentiles of one tick block may take by default (64 MiB).
pub(crate) const DEFAULT_BLOCK_BYTES: usize = 64 << 20;

/// Writes the header of `summary.csv`; `point_columns` is `point,<tags>,` or empty.
pub(crate) fn write_header<W: Write>(
    w: &mut W,
    point_columns: &str,
    calendar: Calendar,
) -> io::Result<()> {
    let date = if calendar.is_some() { "date," } else { "" };
    writeln!(
        w,
        "{point_columns}tick,{date}metric,n,mean,sd,p5,p25,p50,p75,p95"
    )
}

/// The shape of the values in a scratch file: `replicates` blocks of `ticks` rows of
/// `metrics.len()` f64 values (little-endian), replicate-major.
pub(crate) struct Shape<'a> {
    pub(crate) metrics: &'a [String],
    pub(crate) ticks: usize,
    pub(crate) replicates: usize,
}

/// Writes the summary rows of one point, each prefixed with `pre` (`<point>,<tags>,` or
/// empty), from its scratch file, `budget` bytes of values at a time.
pub(crate) fn write_rows<W: Write>(
    w: &mut W,
    scratch: &Path,
    pre: &str,
    shape: &Shape<'_>,
    cal: Calendar,
    budget: usize,
) -> io::Result<()> {
    let (ticks, m, reps) = (shape.ticks, shape.metrics.len(), shape.replicates);
    if m == 0 {
        return Ok(());
    }
    let per_tick = reps * m * 8;
    let block = (budget / per_tick.max(1)).clamp(1, ticks);
    let mut f = fs::File::open(scratch)?;
    let mut buf = vec![0u8; block * m * 8];
    let mut vals = vec![0.0f64; reps * block * m];
    let mut col = vec![0.0f64; reps];
    let mut line = String::with_capacity(128);
    let mut t0 = 0;
    while t0 < ticks {
        let bt = block.min(ticks - t0);
        for r in 0..reps {
            f.seek(SeekFrom::Start(((r * ticks + t0) * m * 8) as u64))?;
            let b = &mut buf[..bt * m * 8];
            f.read_exact(b)?;
            for (k, c) in b.chunks_exact(8).enumerate() {
                vals[r * bt * m + k] = f64::from_le_bytes(c.try_into().expect("8 bytes"));
            }
        }
        for dt in 0..bt {
            let t = t0 + dt;
            for (j, name) in shape.metrics.iter().enumerate() {
                for (r, c) in col.iter_mut().enumerate() {
                    *c = vals[r * bt * m + dt * m + j];
                }
                let d = Describe::of(&col);
                line.clear();
                line.push_str(pre);
                line.push_str(&t.to_string());
                line.push(',');
                if let Some((start, days)) = cal {
                    line.push_str(&start.plus_days(t as i64 * days as i64).to_string());
                    line.push(',');
                }
                line.push_str(name);
                line.push_str(&format!(",{}", d.n));
                for v in [d.mean, d.sd, d.p5, d.p25, d.p50, d.p75, d.p95] {
                    line.push(',');
                    line.push_str(&fmt_value(v));
                }
                line.push('\n');
                w.write_all(line.as_bytes())?;
            }
        }
        t0 += bt;
    }
    Ok(())
}
