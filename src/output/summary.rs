//! `summary.csv`: per (point,) tick and metric, the number of replicates, mean, sample s.d. and
//! the percentiles 5, 25, 50, 75 and 95 across replicates ([`crate::stats::Describe`]), all
//! exact: `[point,<tags>,]tick[,date],metric,n,mean,sd,p5,p25,p50,p75,p95`.
//!
//! While a point is written, each replicate's per-tick values go to a scratch file
//! (replicate-major); the percentiles are then computed tick block by tick block, a block
//! holding as many ticks as fit in the memory budget, so memory does not grow with the number
//! of replicates times ticks. When not even one tick of every replicate fits the budget, the
//! statistics come from the file itself, a few columns at a time in several passes
//! (`selection.rs`), so memory does not grow with the number of replicates at all; the bytes
//! written are the same either way.

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
    let mut line = String::with_capacity(128);
    let mut emit = |t: usize, j: usize, d: &Describe| {
        row(&mut line, pre, t, cal, &shape.metrics[j], d);
        w.write_all(line.as_bytes())
    };
    // a tick block of every replicate, a column of them, and Describe's sorted copy
    if reps.saturating_mul(m * 8 + 16) > budget {
        return super::selection::describe_columns(scratch, ticks, m, reps, budget, |t, j, d| {
            emit(t, j, &d)
        });
    }
    let per_tick = reps * m * 8;
    let block = (budget / per_tick.max(1)).clamp(1, ticks);
    let mut f = fs::File::open(scratch)?;
    let mut buf = vec![0u8; block * m * 8];
    let mut vals = vec![0.0f64; reps * block * m];
    let mut col = vec![0.0f64; reps];
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
            for j in 0..m {
                for (r, c) in col.iter_mut().enumerate() {
                    *c = vals[r * bt * m + dt * m + j];
                }
                emit(t0 + dt, j, &Describe::of(&col))?;
            }
        }
        t0 += bt;
    }
    Ok(())
}

/// The line of (tick `t`, metric `name`) into `line`.
fn row(line: &mut String, pre: &str, t: usize, cal: Calendar, name: &str, d: &Describe) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `reps` × `ticks` × `metrics` values made by `f(r, t, j)` to a scratch file and
    /// returns the summary rows written with `budget`.
    fn rows(
        dir: &Path,
        (reps, ticks, m): (usize, usize, usize),
        f: &dyn Fn(usize, usize, usize) -> f64,
        budget: usize,
    ) -> String {
        let path = dir.join("scratch");
        let mut bytes = Vec::new();
        for r in 0..reps {
            for t in 0..ticks {
                for j in 0..m {
                    bytes.extend_from_slice(&f(r, t, j).to_le_bytes());
                }
            }
        }
        fs::write(&path, bytes).unwrap();
        let metrics: Vec<String> = (0..m).map(|j| format!("m{j}")).collect();
        let shape = Shape {
            metrics: &metrics,
            ticks,
            replicates: reps,
        };
        let mut out = Vec::new();
        write_rows(&mut out, &path, "3,", &shape, None, budget).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn noise(r: usize, t: usize, j: usize) -> u64 {
        // splitmix64 of the position: a fixed, well-mixed pattern
        let mut z = (r * 1_000_003 + t * 1_009 + j) as u64 ^ 0x9e37_79b9_7f4a_7c15;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The statistics computed on disk, when a tick of every replicate does not fit the
    /// budget, are the bytes computed in memory: for counts with many ties (every order
    /// statistic narrowed to all 64 bits), continuous values of both signs (collected and
    /// sorted), a constant, and one replicate.
    #[test]
    fn on_disk_statistics_are_the_in_memory_bytes() {
        let dir = std::env::temp_dir().join(format!("impunity-sel-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let ties = |r: usize, t: usize, j: usize| (noise(r, t, j) % (3 + t as u64)) as f64;
        let cont = |r: usize, t: usize, j: usize| {
            (noise(r, t, j) as f64 / u64::MAX as f64 - 0.3) * 10f64.powi(j as i32 * 3 - 3)
        };
        let constant = |_: usize, _: usize, _: usize| 7.25;
        let mixed = |r: usize, t: usize, j: usize| {
            if j == 0 { ties(r, t, j) } else { cont(r, t, j) }
        };
        for (shape, f) in [
            ((5_000, 3, 2), &ties as &dyn Fn(usize, usize, usize) -> f64),
            ((3_001, 4, 3), &cont),
            ((2_000, 2, 1), &constant),
            ((1, 3, 2), &mixed),
            ((10, 5, 2), &mixed),
            ((4_321, 3, 2), &mixed),
        ] {
            let in_memory = rows(&dir, shape, f, DEFAULT_BLOCK_BYTES);
            // 1 byte: one column at a time, on disk
            assert_eq!(rows(&dir, shape, f, 1), in_memory, "shape {shape:?}");
            // enough for a few columns per group, not for a tick of every replicate
            assert_eq!(rows(&dir, shape, f, 300_000), in_memory, "shape {shape:?}");
            assert_eq!(in_memory.lines().count(), shape.1 * shape.2);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
