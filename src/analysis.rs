//! Statistics of a run's time series: Epstein's outbursts and the waiting times between them.
//!
//! An *outburst* is a maximal run of consecutive ticks with more than `threshold` active
//! persons (Epstein and this crate use 50). Its *total activation* is the sum of the active
//! counts over its ticks; the *waiting time* before an outburst is the number of ticks from the
//! end of the previous outburst to its start (the length of the quiet period, plus one).
//!
//! ```
//! use impunity::analysis::outbursts;
//! let active = [0.0, 60.0, 70.0, 10.0, 0.0, 80.0, 5.0];
//! let o = outbursts(&active, 50.0);
//! assert_eq!(o.len(), 2);
//! assert_eq!((o[0].start, o[0].end, o[0].total), (1, 2, 130.0));
//! assert_eq!(o[1].start - o[0].end, 3); // waiting time
//! ```

/// One outburst.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outburst {
    /// First tick above the threshold.
    pub start: usize,
    /// Last tick above the threshold.
    pub end: usize,
    /// Largest count during the outburst.
    pub peak: f64,
    /// Sum of the counts over the outburst's ticks.
    pub total: f64,
}

/// The outbursts of `series` (indexed by tick) above `threshold`. An outburst still running at
/// the last tick is included.
pub fn outbursts(series: &[f64], threshold: f64) -> Vec<Outburst> {
    let mut out = Vec::new();
    let mut cur: Option<Outburst> = None;
    for (t, &v) in series.iter().enumerate() {
        if v > threshold {
            let o = cur.get_or_insert(Outburst {
                start: t,
                end: t,
                peak: v,
                total: 0.0,
            });
            o.end = t;
            o.peak = o.peak.max(v);
            o.total += v;
        } else if let Some(o) = cur.take() {
            out.push(o);
        }
    }
    out.extend(cur);
    out
}

/// Waiting times between consecutive outbursts (`start` of one minus `end` of the previous).
pub fn waiting_times(o: &[Outburst]) -> Vec<f64> {
    o.windows(2)
        .map(|w| (w[1].start - w[0].end) as f64)
        .collect()
}

/// Mean and sample standard deviation (`None` for fewer than two values; s.d. 0 for one).
pub fn mean_sd(x: &[f64]) -> Option<(f64, f64)> {
    if x.is_empty() {
        return None;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = if x.len() > 1 {
        (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Some((mean, sd))
}

/// The per-replicate summary printed after `impunity run`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ActivitySummary {
    /// Largest number of actives in any tick.
    pub peak_active: f64,
    /// Tick of that peak (first one).
    pub peak_tick: usize,
    /// Number of outbursts (> 50 actives).
    pub outbursts: usize,
    /// Ticks with more than 50 actives.
    pub ticks_above: usize,
}

/// Epstein's threshold for an outburst.
pub const OUTBURST_THRESHOLD: f64 = 50.0;

impl ActivitySummary {
    /// The summary of an actives series.
    pub fn of(active: &[f64]) -> ActivitySummary {
        let (peak_tick, peak_active) =
            active
                .iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |b, (t, v)| if v > b.1 { (t, v) } else { b },
                );
        ActivitySummary {
            peak_active: peak_active.max(0.0),
            peak_tick,
            outbursts: outbursts(active, OUTBURST_THRESHOLD).len(),
            ticks_above: active.iter().filter(|&&v| v > OUTBURST_THRESHOLD).count(),
        }
    }
}
