//! Terminal summaries: one sparkline per key metric.

use super::groups::key_groups;
use super::style::fmt_num;
use super::{Bands, RunInfo, Timeseries, cumulative};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` in at most `width` characters (each the mean of its slice of
/// ticks), scaled from the smallest to the largest value; `NaN`s are skipped.
pub(crate) fn sparkline(values: &[f64], width: usize) -> String {
    let width = width.max(1);
    let n = values.len();
    if n == 0 {
        return String::new();
    }
    let cells = n.min(width);
    let buckets: Vec<f64> = (0..cells)
        .map(|c| {
            let (a, b) = (c * n / cells, ((c + 1) * n / cells).max(c * n / cells + 1));
            let xs: Vec<f64> = values[a..b]
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .collect();
            if xs.is_empty() {
                f64::NAN
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        })
        .collect();
    let (lo, hi) = buckets
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    buckets
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else if hi <= lo {
                BARS[0]
            } else {
                let k = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                BARS[k.min(7)]
            }
        })
        .collect()
}

/// A compact summary of a run for the terminal: for each key metric (the groups of the fan
/// charts, listed in docs/charts.md), a sparkline of its median across replicates over time, and its
/// range and final value (in the run's unit, [`RunInfo::unit`]; flows summed over time).
/// Series that stay zero are left out. Empty for a file with no rows.
///
/// ```
/// use impunity::charts::{summary, RunInfo, Timeseries};
/// let ts = Timeseries::parse("replicate,tick,quiescent,active,jailed,cops\n0,0,9,0,0,1\n0,1,5,4,0,1\n0,2,7,1,1,1\n").unwrap();
/// let s = summary(&ts, &RunInfo::default());
/// assert!(s.contains("active"));
/// assert!(s.lines().any(|l| l.contains("active") && l.contains("▁█▃")));
/// ```
pub fn summary(ts: &Timeseries, info: &RunInfo) -> String {
    let mut out = String::new();
    if ts.replicates.is_empty() || ts.ticks() == 0 {
        return out;
    }
    let n = ts.replicates.len();
    let mut lines: Vec<(String, String, String)> = Vec::new();
    for g in key_groups(&ts.metrics) {
        for (m, label) in &g.metrics {
            let per_rep: Vec<Vec<f64>> = (0..n)
                .map(|k| {
                    let raw = ts.series(k, m).unwrap_or(&[]);
                    if g.cumulative {
                        cumulative(raw)
                    } else {
                        raw.to_vec()
                    }
                })
                .collect();
            if g.metrics.len() > 1 && !per_rep.iter().flatten().any(|&v| v != 0.0) {
                continue;
            }
            let med = Bands::of(&per_rep).p50;
            let (lo, hi) = med
                .iter()
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            let last = med.last().copied().unwrap_or(f64::NAN);
            let name = match g.metrics.len() {
                1 => g.stem.clone(),
                _ => format!("{} {label}", g.stem),
            };
            let name = if g.cumulative {
                format!("{name} (cum.)")
            } else {
                name
            };
            lines.push((
                name,
                sparkline(&med, 40),
                format!("{} .. {}, end {}", fmt_num(lo), fmt_num(hi), fmt_num(last)),
            ));
        }
    }
    let unit = info.count_unit();
    out.push_str(&format!(
        "median over {n} replicate{} ({unit}; {} ticks):\n",
        if n == 1 { "" } else { "s" },
        ts.ticks().saturating_sub(1)
    ));
    let w = lines.iter().map(|l| l.0.chars().count()).max().unwrap_or(0);
    for (name, spark, range) in lines {
        let pad = w - name.chars().count();
        out.push_str(&format!("  {name}{}  {spark}  {range}\n", " ".repeat(pad)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn sparklines_scale_from_the_smallest_to_the_largest_value() {
        assert_eq!(
            sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 8),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[3.0, 3.0], 10), "▁▁");
        assert_eq!(sparkline(&[], 10), "");
        let long: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(sparkline(&long, 10).chars().count(), 10);
    }
}
