//! Axis and colour-bar scales with "nice" ticks (1, 2 or 5 × 10ᵏ apart), one number format per
//! scale, and calendar ticks at month or year starts.

use super::style::{AXIS_LIMIT, Axis};
use crate::scenario::Date;

/// A range with its ticks and the one format every number on it is written in.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Scale {
    /// Lower end of the range.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Tick positions, in order.
    pub ticks: Vec<f64>,
    /// Tick labels (as many as `ticks`).
    pub labels: Vec<String>,
    /// Decimals of every number written on this scale.
    pub decimals: usize,
}

/// The nice step (1, 2 or 5 × 10ᵏ) closest to giving `n` intervals over `span`.
pub(crate) fn nice_step(span: f64, n: usize) -> f64 {
    let raw = (span / n.max(1) as f64).abs();
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f < 1.5 {
        1.0
    } else if f < 3.5 {
        2.0
    } else if f < 7.5 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// Decimals needed to write every multiple of `step` exactly (at most 8).
pub(crate) fn decimals(step: f64) -> usize {
    (0..=8)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            // relative, so that a step of 2e-7 is not taken for a whole number at 0 decimals
            x.round() != 0.0 && (x - x.round()).abs() < 1e-6 * x.abs()
        })
        .unwrap_or(8)
}

/// `v` with `decimals` decimals and a thousands separator (`,`) in its whole part: one
/// format for every number of a scale or a chart's cells.
pub(crate) fn fmt_fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    for (k, ch) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero {
        format!("-{out}")
    } else {
        out
    }
}

/// Finite values of `values`, clamped to the drawable range.
fn finite<'a>(values: impl IntoIterator<Item = &'a f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        if v.is_finite() {
            let v = v.clamp(-AXIS_LIMIT, AXIS_LIMIT);
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    lo.is_finite().then_some((lo, hi))
}

impl Scale {
    /// A scale from `lo` to `hi` widened to whole steps, with about `n` intervals.
    pub fn nice(lo: f64, hi: f64, n: usize) -> Scale {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        let step = nice_step(hi - lo, n);
        let (a, b) = ((lo / step).floor(), (hi / step).ceil());
        Scale::with_step(a * step, b * step, step, true)
    }

    /// A scale from `lo` to `hi` exactly, with ticks at the whole steps inside.
    pub fn within(lo: f64, hi: f64, n: usize) -> Scale {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        Scale::with_step(lo, hi, nice_step(hi - lo, n), false)
    }

    fn with_step(lo: f64, hi: f64, step: f64, snap: bool) -> Scale {
        let d = decimals(step);
        let first = if snap { lo } else { (lo / step).ceil() * step };
        let mut ticks = Vec::new();
        let mut k = 0.0;
        while ticks.len() < 60 {
            let t = first + k * step;
            if t > hi + step * 1e-9 {
                break;
            }
            // a tick exactly on a step: no 0.30000000000000004
            let t = (t / step).round() * step;
            ticks.push(if t == 0.0 { 0.0 } else { t });
            k += 1.0;
        }
        let labels = ticks.iter().map(|&t| fmt_fixed(t, d)).collect();
        Scale {
            lo,
            hi,
            ticks,
            labels,
            decimals: d,
        }
    }

    /// The y scale of counts: from 0 (or below, for negative values) to a whole step at or
    /// above the largest value.
    pub fn counts<'a>(values: impl IntoIterator<Item = &'a f64>) -> Scale {
        let (lo, hi) = finite(values).unwrap_or((0.0, 1.0));
        let hi = if hi <= 0.0 && lo >= 0.0 { 1.0 } else { hi };
        Scale::nice(lo.min(0.0), hi.max(0.0), 5)
    }

    /// The y scale of an index or share: the values' own range with a margin (a tenth of the
    /// span each side, at least 0.005), kept inside `bounds` when given, so that a change of
    /// 0.003 shows.
    pub fn fitted<'a>(
        values: impl IntoIterator<Item = &'a f64>,
        bounds: Option<(f64, f64)>,
    ) -> Scale {
        let (lo, hi) = finite(values).unwrap_or((0.0, 1.0));
        let pad = ((hi - lo) * 0.1).max(0.005);
        let (mut a, mut b) = (lo - pad, hi + pad);
        if let Some((min, max)) = bounds {
            a = a.max(min);
            b = b.min(max);
        }
        let s = Scale::nice(a, b, 5);
        match bounds {
            Some((min, max)) if s.lo < min || s.hi > max => {
                Scale::within(s.lo.max(min), s.hi.min(max), 5)
            }
            _ => s,
        }
    }

    /// A number written in this scale's format.
    pub fn fmt(&self, v: f64) -> String {
        fmt_fixed(v, self.decimals)
    }

    /// The label of tick position `v` (the nearest tick's).
    pub fn label(&self, v: f64) -> String {
        self.ticks
            .iter()
            .position(|&t| (t - v).abs() <= (self.hi - self.lo).abs() * 1e-9)
            .map(|k| self.labels[k].clone())
            .unwrap_or_else(|| self.fmt(v))
    }

    /// This scale with as many of its ticks as fit, labelled side by side, on an axis `px`
    /// pixels long (every k-th tick from the first; a label takes about 8 pixels a character
    /// and 16 between labels): a time axis's eight month labels overlap in a narrow panel.
    pub fn fit_width(&self, px: u32) -> Scale {
        let n = self.ticks.len();
        let chars = self
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let fits = (px as usize / (8 * chars + 16)).max(2);
        if n <= fits {
            return self.clone();
        }
        let k = n.div_ceil(fits);
        Scale {
            ticks: self.ticks.iter().copied().step_by(k).collect(),
            labels: self.labels.iter().cloned().step_by(k).collect(),
            ..self.clone()
        }
    }

    /// The plotters axis of this scale (its ticks, and no others).
    pub fn axis(&self) -> Axis {
        Axis::new(self.lo, self.hi, self.ticks.clone())
    }
}

/// A time axis over `ticks` ticks: at month starts (every 1, 2, 3 or 6 months) or, for runs
/// of more than two years, at year starts, when `dates` (one per tick, `YYYY-MM-DD`) are
/// given; at nice tick numbers otherwise. Positions are in ticks (fractional between two
/// ticks' dates).
pub(crate) fn time_scale(ticks: usize, dates: &[String]) -> Scale {
    let last = ticks.saturating_sub(1).max(1) as f64;
    let parsed: Vec<Option<Date>> = dates.iter().map(|d| Date::parse(d)).collect();
    let (Some(Some(d0)), Some(Some(dn))) = (parsed.first(), parsed.get(ticks.saturating_sub(1)))
    else {
        return Scale::within(0.0, last, 6);
    };
    if ticks < 2 || dn.days <= d0.days {
        return Scale::within(0.0, last, 6);
    }
    let per_tick = (dn.days - d0.days) as f64 / (ticks - 1) as f64;
    let x = |d: Date| (d.days - d0.days) as f64 / per_tick;
    let (y0, m0, _) = d0.to_ymd();
    let months = (dn.days - d0.days) as f64 / 30.44;
    let mut out = Scale {
        lo: 0.0,
        hi: last,
        ticks: Vec::new(),
        labels: Vec::new(),
        decimals: 0,
    };
    if months > 24.0 {
        let years = (months / 12.0).ceil() as i64;
        let every = [1, 2, 5, 10, 20, 50, 100]
            .into_iter()
            .find(|&e| years / e <= 8)
            .unwrap_or(100);
        let mut y = y0 + 1;
        while let Some(d) = Date::ymd(y, 1, 1).filter(|d| d.days <= dn.days) {
            if y % every == 0 {
                out.ticks.push(x(d));
                out.labels.push(format!("{y}"));
            }
            y += 1;
        }
    } else {
        let every = [1u32, 2, 3, 6, 12]
            .into_iter()
            .find(|&e| months / e as f64 <= 8.0)
            .unwrap_or(12);
        let (mut y, mut m) = (y0, m0);
        while let Some(d) = Date::ymd(y, m, 1).filter(|d| d.days <= dn.days) {
            if d.days >= d0.days && (m - 1) % every == 0 {
                out.ticks.push(x(d));
                out.labels.push(d.to_string());
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    if out.ticks.is_empty() {
        return Scale::within(0.0, last, 6);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_axis_keeps_the_labels_that_fit() {
        let s = Scale {
            lo: 0.0,
            hi: 11.0,
            ticks: (0..12).map(f64::from).collect(),
            labels: (1..=12).map(|m| format!("2018-{m:02}")).collect(),
            decimals: 0,
        };
        // 7 characters: 72 pixels a label
        assert_eq!(s.fit_width(900), s);
        let t = s.fit_width(300);
        assert_eq!(t.labels, ["2018-01", "2018-04", "2018-07", "2018-10"]);
        assert_eq!(t.ticks, [0.0, 3.0, 6.0, 9.0]);
        assert_eq!((t.lo, t.hi), (0.0, 11.0));
        assert_eq!(s.fit_width(10).labels.len(), 2, "at least two");
    }

    #[test]
    fn nice_scales_have_round_ticks_and_one_format() {
        let s = Scale::nice(0.0, 6.833, 5);
        assert_eq!(s.labels, ["0", "1", "2", "3", "4", "5", "6", "7"]);
        assert!(s.hi >= 6.833);
        let s = Scale::nice(0.0, 68.12, 5);
        assert_eq!(s.labels, ["0", "10", "20", "30", "40", "50", "60", "70"]);
        let s = Scale::fitted([0.60, 0.61].iter(), Some((0.0, 1.0)));
        assert!(s.lo > 0.5 && s.hi < 0.7, "{s:?}");
        assert!(s.labels.iter().all(|l| l.len() == s.labels[0].len()));
        assert_eq!(fmt_fixed(1313.0, 0), "1,313");
        assert_eq!(fmt_fixed(1340.25, 1), "1,340.2");
        assert_eq!(fmt_fixed(-0.0001, 2), "0.00");
        assert_eq!(decimals(0.25), 2);
        assert_eq!(decimals(2e-7), 7, "a tiny step is no whole number");
        assert_eq!(decimals(0.1 + 0.2), 1);
        let s = Scale::nice(-5.3e-7, 3.3e-7, 5);
        assert!(
            s.labels.iter().any(|l| l != "0" && l != "-0"),
            "{:?}",
            s.labels
        );
        assert_eq!(decimals(200.0), 0);
    }

    #[test]
    fn calendar_ticks_fall_on_month_starts() {
        let d0 = Date::parse("2018-01-15").unwrap();
        let dates: Vec<String> = (0..20).map(|t| d0.plus_days(7 * t).to_string()).collect();
        let s = time_scale(20, &dates);
        assert_eq!(
            s.labels,
            ["2018-02-01", "2018-03-01", "2018-04-01", "2018-05-01"]
        );
        assert!((s.ticks[0] - 17.0 / 7.0).abs() < 1e-9);
        let long: Vec<String> = (0..200).map(|t| d0.plus_days(7 * t).to_string()).collect();
        assert_eq!(time_scale(200, &long).labels[0], "2019");
    }
}
