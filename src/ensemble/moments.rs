//! The statistics of the outcomes that [`super::Results`] holds per point (sum, mean, sample
//! s.d.) and the paired comparison of a comparison, computed without keeping every
//! replicate's outcomes in memory.
//!
//! The numbers are those of [`crate::stats::mean_sd`] and [`crate::stats::Paired::of`], bit
//! for bit: the same two passes (the sum in replicate order, then the sum of squared
//! deviations from that mean in replicate order), taken over rows read back in replicate
//! order rather than over a slice. For a directory run the rows are read back from a scratch
//! file of the outcomes (`.outcome-values.tmp` in the output directory, written in unit order
//! during the assembly and removed at its end: 8 bytes per outcome per unit on disk, a few
//! rows in memory); for a run in memory, from the values it keeps anyway.

use super::{CompareRow, Plan, PointResults};
use crate::stats::Paired;
use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// How many replicates' outcomes of each point a directory run keeps in memory (the first
/// ones): what `impunity run` prints replicate by replicate.
pub(crate) const KEPT: usize = 20;

/// The neutral element of `Iterator::sum` for `f64`, so that a running sum started from it
/// and added to in order is the value `Iterator::sum` gives (`-0.0` since Rust 1.83).
fn zero() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// Where the outcomes of every replicate are read back from, in replicate order.
pub(crate) trait Rows {
    /// Calls `f` with the outcomes of each replicate of point `p`, in replicate order.
    fn each(&self, p: usize, f: &mut dyn FnMut(&[f64])) -> io::Result<()>;
    /// Calls `f` with the outcomes of each replicate of point 0 and of point `v`, replicate by
    /// replicate.
    fn pairs(&self, v: usize, f: &mut dyn FnMut(&[f64], &[f64])) -> io::Result<()>;
}

/// Rows in memory: per point, every replicate's outcomes (replicate-major).
pub(crate) struct InMemory<'a> {
    pub(crate) width: usize,
    pub(crate) points: &'a [Vec<f64>],
}

impl Rows for InMemory<'_> {
    fn each(&self, p: usize, f: &mut dyn FnMut(&[f64])) -> io::Result<()> {
        self.points[p].chunks_exact(self.width).for_each(f);
        Ok(())
    }

    fn pairs(&self, v: usize, f: &mut dyn FnMut(&[f64], &[f64])) -> io::Result<()> {
        let rows = |p: usize| self.points[p].chunks_exact(self.width);
        rows(0).zip(rows(v)).for_each(|(b, x)| f(b, x));
        Ok(())
    }
}

/// The outcomes of every unit, written in unit order to a scratch file (little-endian `f64`,
/// `width` per unit), then read back.
pub(crate) struct Scratch {
    path: PathBuf,
    width: usize,
    replicates: u64,
    w: Option<BufWriter<fs::File>>,
}

impl Scratch {
    /// The scratch file's name in an output directory.
    pub(crate) const NAME: &'static str = ".outcome-values.tmp";

    /// Creates the scratch file of `plan`'s outcomes in `dir`.
    pub(crate) fn create(plan: &Plan, dir: &Path) -> io::Result<Scratch> {
        let path = dir.join(Scratch::NAME);
        let f = fs::File::create(&path)?;
        Ok(Scratch {
            path,
            width: plan.outcome_names().len(),
            replicates: plan.replicates(),
            w: Some(BufWriter::with_capacity(1 << 16, f)),
        })
    }

    /// Appends the next unit's outcomes.
    pub(crate) fn push(&mut self, outcomes: &[f64]) -> io::Result<()> {
        debug_assert_eq!(outcomes.len(), self.width);
        let w = self.w.as_mut().expect("written before it is read");
        for v in outcomes {
            w.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    }

    /// Flushes what was written, for reading.
    pub(crate) fn close(&mut self) -> io::Result<()> {
        if let Some(mut w) = self.w.take() {
            w.flush()?;
        }
        Ok(())
    }

    /// Removes the file (dropped, it is removed too, errors ignored: an assembly that fails
    /// leaves no scratch file behind).
    pub(crate) fn remove(mut self) -> io::Result<()> {
        self.w = None;
        let res = fs::remove_file(&self.path);
        self.path = PathBuf::new();
        res
    }

    /// A reader of point `p`'s rows.
    fn open(&self, p: usize) -> io::Result<ScratchReader> {
        let mut f = fs::File::open(&self.path)?;
        let row = self.width as u64 * 8;
        f.seek(SeekFrom::Start(p as u64 * self.replicates * row))?;
        Ok(ScratchReader {
            r: BufReader::with_capacity(1 << 16, f),
            bytes: vec![0; self.width * 8],
            row: vec![0.0; self.width],
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.w = None;
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

struct ScratchReader {
    r: BufReader<fs::File>,
    bytes: Vec<u8>,
    row: Vec<f64>,
}

impl ScratchReader {
    fn next(&mut self) -> io::Result<&[f64]> {
        self.r.read_exact(&mut self.bytes)?;
        for (v, b) in self.row.iter_mut().zip(self.bytes.chunks_exact(8)) {
            *v = f64::from_le_bytes(b.try_into().expect("8 bytes"));
        }
        Ok(&self.row)
    }
}

impl Rows for Scratch {
    fn each(&self, p: usize, f: &mut dyn FnMut(&[f64])) -> io::Result<()> {
        let mut r = self.open(p)?;
        for _ in 0..self.replicates {
            f(r.next()?);
        }
        Ok(())
    }

    fn pairs(&self, v: usize, f: &mut dyn FnMut(&[f64], &[f64])) -> io::Result<()> {
        let (mut b, mut x) = (self.open(0)?, self.open(v)?);
        for _ in 0..self.replicates {
            let base = b.next()?;
            f(base, x.next()?);
        }
        Ok(())
    }
}

/// One pass over the rows: calls the function it is given with each row, in replicate order.
type Passes<'a> = dyn FnMut(&mut dyn FnMut(&[f64])) -> io::Result<()> + 'a;

/// Sums and sums of squared deviations, outcome by outcome, in replicate order: the two
/// passes of [`crate::stats::mean_sd`] over `n` rows of `width` values given by `each`
/// (called twice, the rows in the same order both times). Returns (sum, mean, sd) per
/// outcome; no rows give NaN mean and s.d.
fn moments(width: usize, n: u64, each: &mut Passes<'_>) -> io::Result<Vec<(f64, f64, f64)>> {
    let mut sums = vec![zero(); width];
    each(&mut |row| {
        for (s, v) in sums.iter_mut().zip(row) {
            *s += v;
        }
    })?;
    if n == 0 {
        return Ok(sums.into_iter().map(|s| (s, f64::NAN, f64::NAN)).collect());
    }
    let means: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
    let mut sq = vec![zero(); width];
    if n > 1 {
        each(&mut |row| {
            for ((q, v), m) in sq.iter_mut().zip(row).zip(&means) {
                *q += (v - m) * (v - m);
            }
        })?;
    }
    Ok(sums
        .iter()
        .zip(&means)
        .zip(&sq)
        .map(|((&s, &m), &q)| {
            let sd = if n > 1 {
                (q / (n - 1) as f64).sqrt()
            } else {
                0.0
            };
            (s, m, sd)
        })
        .collect())
}

/// The results of point `p` from `rows` (`n` replicates of `width` outcomes), keeping the
/// outcomes of the first `keep` replicates.
pub(crate) fn point(
    rows: &dyn Rows,
    p: usize,
    width: usize,
    n: u64,
    keep: u64,
) -> io::Result<PointResults> {
    let mut kept = Vec::with_capacity(width * keep.min(n) as usize);
    let mut first = true;
    let stats = moments(width, n, &mut |f| {
        let mut r = 0;
        let res = rows.each(p, &mut |row| {
            if first && r < keep {
                kept.extend_from_slice(row);
            }
            r += 1;
            f(row)
        });
        first = false;
        res
    })?;
    Ok(PointResults::from_parts(width, n as usize, stats, kept))
}

/// The paired comparison of every later point with point 0, outcome by outcome (variants in
/// point order, outcomes in column order): [`Paired::of`] of the two columns, bit for bit.
pub(crate) fn compare_rows(
    plan: &Plan,
    rows: &dyn Rows,
    points: &[PointResults],
) -> io::Result<Vec<CompareRow>> {
    let mut out = Vec::new();
    let Some(base) = points.first() else {
        return Ok(out);
    };
    let width = plan.outcome_names().len();
    let n = plan.replicates();
    for (v, pr) in points.iter().enumerate().skip(1) {
        let mut d = vec![0.0; width];
        let diff = moments(width, n, &mut |f| {
            rows.pairs(v, &mut |b, x| {
                for ((d, x), b) in d.iter_mut().zip(x).zip(b) {
                    *d = x - b;
                }
                f(&d)
            })
        })?;
        let mut lower = vec![0usize; width];
        rows.pairs(v, &mut |b, x| {
            for ((l, x), b) in lower.iter_mut().zip(x).zip(b) {
                *l += usize::from(x < b);
            }
        })?;
        for (k, name) in plan.outcome_names().iter().enumerate() {
            let (_, dm, dsd) = diff[k];
            out.push(CompareRow {
                variant: plan.points()[v].tags.first().cloned().unwrap_or_default(),
                outcome: name.clone(),
                paired: Paired::from_moments(
                    n as usize,
                    base.moments(k),
                    pr.moments(k),
                    (dm, dsd),
                    lower[k],
                ),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::mean_sd;

    /// Values of every sort a sum can trip on: magnitudes far apart, signed zeros, negatives,
    /// from a fixed generator (no `rand` needed).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                match i % 5 {
                    0 => u * 1e9,
                    1 => -u,
                    2 => (u * 100.0).round(),
                    3 => u * 1e-9,
                    _ => 1.0 / 3.0 + u,
                }
            })
            .collect()
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits()
    }

    /// A scratch file dropped before its end (an assembly that failed) is removed.
    #[test]
    fn a_dropped_scratch_file_is_removed() {
        let s = crate::presets::get("epstein-run1").unwrap();
        let plan = Plan::single(s, 1, 2, 1).unwrap();
        let dir = std::env::temp_dir().join(format!("impunity-scratch-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mut scratch = Scratch::create(&plan, &dir).unwrap();
        scratch
            .push(&vec![1.0; plan.outcome_names().len()])
            .unwrap();
        assert!(dir.join(Scratch::NAME).is_file());
        drop(scratch);
        assert!(!dir.join(Scratch::NAME).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// The streamed mean and s.d. are those of `mean_sd` bit for bit, and the streamed
    /// comparison that of `Paired::of`, from memory and from the scratch file alike.
    #[test]
    fn streamed_statistics_are_those_of_the_slices_bit_for_bit() {
        let s = crate::presets::get("epstein-run1").unwrap();
        let v = crate::presets::get("epstein-run2").unwrap();
        for reps in [1u64, 2, 3, 21, 257] {
            let plan =
                Plan::comparison(s.clone(), vec![("v".into(), v.clone())], 1, reps, 1).unwrap();
            let width = plan.outcome_names().len();
            let mut points: Vec<Vec<f64>> = (0..2)
                .map(|p| values(width * reps as usize, reps * 10 + p))
                .collect();
            // A column of signed zeros only, and one where both points are equal.
            for r in 0..reps as usize {
                points[0][r * width] = -0.0;
                points[1][r * width] = -0.0;
                points[1][r * width + 1] = points[0][r * width + 1];
            }
            let dir = std::env::temp_dir()
                .join(format!("impunity-moments-{reps}-{}", std::process::id()));
            fs::create_dir_all(&dir).unwrap();
            let mut scratch = Scratch::create(&plan, &dir).unwrap();
            for p in &points {
                for row in p.chunks_exact(width) {
                    scratch.push(row).unwrap();
                }
            }
            scratch.close().unwrap();
            let mem = InMemory {
                width,
                points: &points,
            };
            let (a, ca) = super::super::Results::statistics(&plan, &mem, reps).unwrap();
            let (b, cb) = super::super::Results::statistics(&plan, &scratch, 5).unwrap();
            scratch.remove().unwrap();
            fs::remove_dir_all(&dir).unwrap();
            // Bit for bit (a NaN interval of one replicate is not `==` to itself).
            assert_eq!(format!("{ca:?}"), format!("{cb:?}"));
            for p in 0..2 {
                assert_eq!(a[p].kept(), reps as usize);
                assert_eq!(b[p].kept(), reps.min(5) as usize);
                for k in 0..width {
                    let col = a[p].column(k);
                    let (m, sd) = mean_sd(&col).unwrap();
                    for got in [&a[p], &b[p]] {
                        assert!(same(got.moments(k).0, m) && same(got.moments(k).1, sd));
                        assert!(same(got.sum(k), col.iter().fold(0.0, |x, y| x + y)));
                        assert_eq!(got.replicates(), reps as usize);
                    }
                    assert_eq!(b[p].replicate(0), a[p].replicate(0));
                }
            }
            for (k, row) in ca.iter().enumerate() {
                let want = Paired::of(&a[0].column(k), &a[1].column(k));
                let got = row.paired;
                for (x, y) in [
                    (got.baseline_mean, want.baseline_mean),
                    (got.variant_mean, want.variant_mean),
                    (got.diff_mean, want.diff_mean),
                    (got.diff_sd, want.diff_sd),
                    (got.ci_low, want.ci_low),
                    (got.ci_high, want.ci_high),
                    (got.share_lower, want.share_lower),
                    (got.unpaired_var, want.unpaired_var),
                ] {
                    assert!(
                        same(x, y),
                        "{reps} replicates, outcome {k}: {got:?} {want:?}"
                    );
                }
                assert_eq!(got.n, want.n);
            }
        }
    }
}
