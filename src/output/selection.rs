//! `summary.csv`'s statistics when one tick of every replicate does not fit in memory: exact,
//! from the scratch file, in memory that does not grow with the number of replicates.
//!
//! The columns (tick, metric) are taken a group of ticks at a time, as many as fit the budget,
//! and the file is read in replicate order several times:
//!
//! * the mean is summed in replicate order in the first pass and the squared deviations in the
//!   second, exactly as [`crate::stats::mean_sd`] sums them, so both are the same bits;
//! * each order statistic a percentile needs is found by a radix search on the values' total
//!   order ([`f64::total_cmp`], the order `Describe` sorts by): a pass counts the values of the
//!   current candidate range by their next 8 bits, the bucket holding the wanted rank becomes
//!   the range, and once the range holds at most [`COLLECT`] values a pass collects and sorts
//!   them (a range narrowed to all 64 bits holds one value, repeated). At most 9 passes;
//! * the percentiles are then [`crate::stats::percentile_by`] of those order statistics: the
//!   same arithmetic as in memory.
//!
//! So every number is the one the in-memory path writes (tested against it byte for byte).

use crate::stats::{Describe, percentile_by};
use std::fs;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// The percentiles of `summary.csv`, in its column order.
const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// Bits a counting pass resolves.
const RADIX: u32 = 8;

/// A candidate range holding at most this many values is collected and sorted.
const COLLECT: u64 = 1024;

/// Bytes of state per column: up to 10 order statistics, each a histogram or a collection.
const COLUMN_BYTES: usize = 10 * ((1 << RADIX) * 8 + COLLECT as usize * 8) + 256;

/// The key of `v` in the order of [`f64::total_cmp`].
fn key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// The value of a key.
fn value(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Where the search for one order statistic stands.
enum Search {
    /// The rank lies among the values whose key starts with `prefix`'s top `bits` bits;
    /// `below` values are smaller than all of them. Counting the next [`RADIX`] bits.
    Count {
        prefix: u64,
        bits: u32,
        below: u64,
        counts: Vec<u64>,
    },
    /// As `Count`, collecting the (few) values of the range.
    Collect {
        prefix: u64,
        bits: u32,
        below: u64,
        values: Vec<f64>,
    },
    /// Found.
    Done(f64),
}

fn in_range(k: u64, prefix: u64, bits: u32) -> bool {
    bits == 0 || (k ^ prefix) >> (64 - bits) == 0
}

/// One order statistic being searched: its rank (from 0) and state.
struct OrderStat {
    rank: u64,
    search: Search,
}

impl OrderStat {
    fn new(rank: u64) -> OrderStat {
        OrderStat {
            rank,
            search: Search::Count {
                prefix: 0,
                bits: 0,
                below: 0,
                counts: vec![0; 1 << RADIX],
            },
        }
    }

    fn see(&mut self, k: u64) {
        match &mut self.search {
            Search::Count {
                prefix,
                bits,
                counts,
                ..
            } => {
                if in_range(k, *prefix, *bits) {
                    let b = (k << *bits) >> (64 - RADIX);
                    counts[b as usize] += 1;
                }
            }
            Search::Collect {
                prefix,
                bits,
                values,
                ..
            } => {
                if in_range(k, *prefix, *bits) {
                    values.push(value(k));
                }
            }
            Search::Done(_) => {}
        }
    }

    /// After a pass: narrows the range, or finds the value.
    fn settle(&mut self) {
        let next = match &mut self.search {
            Search::Count {
                prefix,
                bits,
                below,
                counts,
            } => {
                let mut below = *below;
                let (mut bucket, mut count) = (0, 0);
                for (b, &c) in counts.iter().enumerate() {
                    if below + c > self.rank {
                        (bucket, count) = (b as u64, c);
                        break;
                    }
                    below += c;
                }
                let bits = *bits + RADIX;
                let prefix = *prefix | bucket << (64 - bits);
                if bits == 64 {
                    Search::Done(value(prefix))
                } else if count <= COLLECT {
                    Search::Collect {
                        prefix,
                        bits,
                        below,
                        values: Vec::with_capacity(count as usize),
                    }
                } else {
                    counts.fill(0);
                    Search::Count {
                        prefix,
                        bits,
                        below,
                        counts: std::mem::take(counts),
                    }
                }
            }
            Search::Collect { below, values, .. } => {
                values.sort_by(f64::total_cmp);
                Search::Done(values[(self.rank - *below) as usize])
            }
            Search::Done(v) => Search::Done(*v),
        };
        self.search = next;
    }

    fn found(&self) -> Option<f64> {
        match self.search {
            Search::Done(v) => Some(v),
            _ => None,
        }
    }
}

/// The statistics of one column being computed.
struct Column {
    sum: f64,
    mean: f64,
    squares: f64,
    stats: Vec<OrderStat>,
}

/// The ranks (from 0) of the order statistics the percentiles of `n` values read.
fn ranks(n: usize) -> Vec<u64> {
    let mut r = Vec::new();
    for p in PERCENTILES {
        percentile_by(n, p, |i| {
            r.push(i as u64);
            0.0
        });
    }
    r.sort_unstable();
    r.dedup();
    r
}

/// Describes every (tick, metric) column of a scratch file of `replicates` blocks of `ticks`
/// rows of `metrics` values, calling `emit(tick, metric, describe)` in tick then metric order,
/// with at most about `budget` bytes of state (at least one column's).
pub(crate) fn describe_columns(
    scratch: &Path,
    ticks: usize,
    metrics: usize,
    replicates: usize,
    budget: usize,
    mut emit: impl FnMut(usize, usize, Describe) -> io::Result<()>,
) -> io::Result<()> {
    if metrics == 0 || ticks == 0 {
        return Ok(());
    }
    let ranks = ranks(replicates);
    let group = (budget / COLUMN_BYTES / metrics).clamp(1, ticks);
    let mut f = BufReader::with_capacity(1 << 20, fs::File::open(scratch)?);
    let mut pos = 0u64;
    let zero: f64 = std::iter::empty::<f64>().sum();
    let mut t0 = 0;
    while t0 < ticks {
        let bt = group.min(ticks - t0);
        let mut cols: Vec<Column> = (0..bt * metrics)
            .map(|_| Column {
                sum: zero,
                mean: 0.0,
                squares: zero,
                stats: ranks.iter().map(|&r| OrderStat::new(r)).collect(),
            })
            .collect();
        let mut buf = vec![0u8; bt * metrics * 8];
        let mut pass = 0;
        loop {
            for r in 0..replicates {
                let at = ((r * ticks + t0) * metrics * 8) as u64;
                f.seek_relative(at as i64 - pos as i64)?;
                f.read_exact(&mut buf)?;
                pos = at + buf.len() as u64;
                for (c, b) in cols.iter_mut().zip(buf.chunks_exact(8)) {
                    let v = f64::from_le_bytes(b.try_into().expect("8 bytes"));
                    match pass {
                        0 => c.sum += v,
                        1 => c.squares += (v - c.mean) * (v - c.mean),
                        _ => {}
                    }
                    let k = key(v);
                    for s in &mut c.stats {
                        s.see(k);
                    }
                }
            }
            let mut left = false;
            for c in &mut cols {
                if pass == 0 {
                    c.mean = c.sum / replicates as f64;
                }
                for s in &mut c.stats {
                    s.settle();
                    left |= s.found().is_none();
                }
            }
            pass += 1;
            if pass >= 2 && !left {
                break;
            }
        }
        for (i, c) in cols.iter().enumerate() {
            let sd = if replicates > 1 {
                (c.squares / (replicates - 1) as f64).sqrt()
            } else {
                0.0
            };
            let at = |i: usize| {
                c.stats
                    .iter()
                    .find(|s| s.rank == i as u64)
                    .and_then(OrderStat::found)
                    .expect("every rank searched")
            };
            let [p5, p25, p50, p75, p95] = PERCENTILES.map(|p| percentile_by(replicates, p, at));
            let d = Describe {
                n: replicates,
                mean: c.mean,
                sd,
                p5,
                p25,
                p50,
                p75,
                p95,
            };
            emit(t0 + i / metrics, i % metrics, d)?;
        }
        t0 += bt;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_total_cmp() {
        let mut v = vec![
            -f64::INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            1.0,
            3.0,
            f64::INFINITY,
            f64::NAN,
        ];
        v.sort_by(f64::total_cmp);
        for w in v.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} {}", w[0], w[1]);
        }
        for x in v {
            assert_eq!(value(key(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn ranks_are_those_percentiles_read() {
        assert_eq!(ranks(1), [0]);
        assert_eq!(ranks(2), [0, 1]);
        // n = 10: h = 0.45, 2.25, 4.5, 6.75, 8.55
        assert_eq!(ranks(10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // n = 21: h = 1, 5, 10, 15, 19 exactly
        assert_eq!(ranks(21), [1, 5, 10, 15, 19]);
    }
}
