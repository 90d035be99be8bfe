//! Statistics: the one place the crate computes means, standard deviations, percentiles, paired
//! comparisons and Epstein's outbursts. `summary.csv`, `compare.csv`, the fan charts, the
//! calibration and the examples all use these functions, so a figure means the same wherever
//! it appears.
//!
//! Every sum runs in slice order (replicate order, for an ensemble), so a result never depends
//! on how the work was split between threads, shards or machines.
//!
//! * [`mean_sd`]: mean and sample standard deviation (`None` for no values).
//! * [`percentile`]: Hyndman and Fan's type 7 (R's and NumPy's default).
//! * [`Describe`]: the columns of `summary.csv` (n, mean, s.d., percentiles 5 to 95).
//! * [`Paired`], [`t975`]: a paired comparison with its 95 % t-interval (`compare.csv`).
//! * [`outbursts`], [`waiting_times`], [`ActivitySummary`]: Epstein's outbursts of activity.
//!
//! ```
//! use impunity::stats::{Describe, mean_sd, percentile};
//! let mut x = vec![4.0, 1.0, 3.0, 2.0];
//! assert_eq!(mean_sd(&x), Some((2.5, 1.2909944487358056)));
//! x.sort_by(f64::total_cmp);
//! assert_eq!(percentile(&x, 0.5), 2.5); // type 7: linear interpolation
//! assert_eq!(percentile(&x, 0.25), 1.75);
//! let d = Describe::of(&[1.0, 2.0, 3.0, 4.0]);
//! assert_eq!((d.n, d.mean, d.p50), (4, 2.5, 2.5));
//! ```

/// Mean and sample standard deviation (n − 1 denominator), both summed in slice order; the
/// s.d. of one value is 0, and no values give `None`.
///
/// ```
/// use impunity::stats::mean_sd;
/// assert_eq!(mean_sd(&[2.0, 4.0, 6.0]), Some((4.0, 2.0)));
/// assert_eq!(mean_sd(&[7.0]), Some((7.0, 0.0)));
/// assert_eq!(mean_sd(&[]), None);
/// ```
pub fn mean_sd(x: &[f64]) -> Option<(f64, f64)> {
    let n = x.len();
    if n == 0 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Some((mean, sd))
}

/// The percentile `p` (0..=1, clamped) of **sorted** values, by linear interpolation between
/// order statistics (Hyndman and Fan's type 7, R's and NumPy's default): with
/// `h = (n - 1) p`, `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`. NaN for no
/// values.
///
/// ```
/// use impunity::stats::percentile;
/// let x = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(percentile(&x, 0.5), 2.5);
/// assert_eq!(percentile(&x, 0.25), 1.75);
/// assert_eq!(percentile(&x, 1.0), 4.0);
/// assert_eq!(percentile(&[7.0], 0.05), 7.0);
/// assert!(percentile(&[], 0.5).is_nan());
/// ```
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    percentile_by(sorted.len(), p, |i| sorted[i])
}

/// [`percentile`] of `n` sorted values that `at(i)` gives (the `i`-th smallest, from 0): the
/// same arithmetic on the same order statistics, for values that are not in memory
/// (`summary.csv`'s percentiles over more replicates than fit, `src/output/summary.rs`).
pub(crate) fn percentile_by(n: usize, p: f64, mut at: impl FnMut(usize) -> f64) -> f64 {
    match n {
        0 => f64::NAN,
        1 => at(0),
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            if lo + 1 >= n {
                return at(n - 1);
            }
            let f = h - lo as f64;
            if f == 0.0 {
                at(lo)
            } else {
                let (a, b) = (at(lo), at(lo + 1));
                a + f * (b - a)
            }
        }
    }
}

/// The columns of `summary.csv` for one (tick, metric): `n,mean,sd,p5,p25,p50,p75,p95`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Describe {
    /// Number of values (replicates).
    pub n: usize,
    /// Mean ([`mean_sd`]; NaN for no values).
    pub mean: f64,
    /// Sample standard deviation ([`mean_sd`]; NaN for no values).
    pub sd: f64,
    /// 5th percentile ([`percentile`]).
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Describe {
    /// Describes `x` (in replicate order; the slice is copied to sort it).
    ///
    /// ```
    /// use impunity::stats::Describe;
    /// // numpy.percentile(range(1, 11), [5, 95]) = 1.45, 9.55
    /// let d = Describe::of(&(1..=10).map(f64::from).collect::<Vec<_>>());
    /// assert!((d.p5 - 1.45).abs() < 1e-12 && (d.p95 - 9.55).abs() < 1e-12);
    /// ```
    pub fn of(x: &[f64]) -> Describe {
        let (mean, sd) = mean_sd(x).unwrap_or((f64::NAN, f64::NAN));
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        Describe {
            n: x.len(),
            mean,
            sd,
            p5: percentile(&s, 0.05),
            p25: percentile(&s, 0.25),
            p50: percentile(&s, 0.50),
            p75: percentile(&s, 0.75),
            p95: percentile(&s, 0.95),
        }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the half-width factor of a
/// two-sided 95% interval): exact to three decimals from a table up to 30 degrees of freedom,
/// the Cornish-Fisher expansion in 1/df beyond (error below 1e-5 there). NaN for 0.
///
/// ```
/// use impunity::stats::t975;
/// assert!((t975(1) - 12.706).abs() < 1e-3);
/// assert!((t975(10) - 2.228).abs() < 1e-3);
/// assert!((t975(100) - 1.984).abs() < 1e-3);
/// assert!((t975(1_000_000) - 1.960).abs() < 1e-3);
/// ```
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let n = df as f64;
            let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n.powi(3))
                + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z)
                    / (92160.0 * n.powi(4))
        }
    }
}

/// A paired comparison of one outcome: baseline and variant on the same seeds (the columns of
/// `compare.csv` after `variant,outcome`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Number of pairs.
    pub n: usize,
    /// Mean of the baseline.
    pub baseline_mean: f64,
    /// Mean of the variant.
    pub variant_mean: f64,
    /// Mean of (variant - baseline).
    pub diff_mean: f64,
    /// Sample standard deviation of the differences.
    pub diff_sd: f64,
    /// Lower end of the 95% t-interval of the mean difference (NaN for fewer than two pairs).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// Share of replicates where the variant is strictly lower than the baseline.
    pub share_lower: f64,
    /// Variance of the difference if the two runs had independent seeds, estimated as
    /// var(baseline) + var(variant): compare with `diff_sd²` to see what pairing gains.
    pub unpaired_var: f64,
}

impl Paired {
    /// Compares `variant[r]` with `baseline[r]` (same seeds). No pairs give NaN everywhere.
    ///
    /// ```
    /// use impunity::stats::Paired;
    /// let p = Paired::of(&[10.0, 20.0, 30.0], &[9.0, 18.0, 31.0]);
    /// assert_eq!(p.diff_mean, -1.0 / 3.0 * 2.0);
    /// assert!(p.ci_low < p.diff_mean && p.diff_mean < p.ci_high);
    /// assert_eq!(p.share_lower, 2.0 / 3.0);
    /// ```
    ///
    /// # Panics
    /// If the two slices differ in length.
    pub fn of(baseline: &[f64], variant: &[f64]) -> Paired {
        assert_eq!(
            baseline.len(),
            variant.len(),
            "paired samples differ in size"
        );
        let nan = (f64::NAN, f64::NAN);
        let n = baseline.len();
        let diff: Vec<f64> = variant.iter().zip(baseline).map(|(v, b)| v - b).collect();
        let lower = variant.iter().zip(baseline).filter(|(v, b)| v < b).count();
        Paired::from_moments(
            n,
            mean_sd(baseline).unwrap_or(nan),
            mean_sd(variant).unwrap_or(nan),
            mean_sd(&diff).unwrap_or(nan),
            lower,
        )
    }

    /// The comparison of `n` pairs from the ([`mean_sd`]) mean and s.d. of the baseline, the
    /// variant and their differences, and the number of pairs where the variant is lower:
    /// what [`Paired::of`] computes from the values, for callers that stream them
    /// (`crate::ensemble`'s directory runs).
    pub(crate) fn from_moments(
        n: usize,
        (bm, bsd): (f64, f64),
        (vm, vsd): (f64, f64),
        (dm, dsd): (f64, f64),
        lower: usize,
    ) -> Paired {
        let half = if n > 1 {
            t975(n as u64 - 1) * dsd / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        Paired {
            n,
            baseline_mean: bm,
            variant_mean: vm,
            diff_mean: dm,
            diff_sd: dsd,
            ci_low: dm - half,
            ci_high: dm + half,
            share_lower: if n > 0 {
                lower as f64 / n as f64
            } else {
                f64::NAN
            },
            unpaired_var: bsd * bsd + vsd * vsd,
        }
    }

    /// The standard error of the mean difference, `diff_sd / √n`.
    ///
    /// ```
    /// use impunity::stats::Paired;
    /// let p = Paired::of(&[0.0; 4], &[1.0, 3.0, 1.0, 3.0]);
    /// assert_eq!(p.se(), p.diff_sd / 2.0);
    /// ```
    pub fn se(&self) -> f64 {
        self.diff_sd / (self.n as f64).sqrt()
    }

    /// The same comparison with both samples multiplied by `k` (e.g. agents to people):
    /// means, differences, s.d. and interval scale by `k`, the variance by `k²`, the share of
    /// lower replicates is unchanged for `k > 0`.
    ///
    /// ```
    /// use impunity::stats::Paired;
    /// let p = Paired::of(&[1.0, 2.0, 4.0], &[2.0, 2.0, 5.0]);
    /// let q = p.scaled(10.0);
    /// assert_eq!(q.diff_mean, p.diff_mean * 10.0);
    /// assert_eq!(q.share_lower, p.share_lower);
    /// ```
    #[must_use]
    pub fn scaled(&self, k: f64) -> Paired {
        Paired {
            baseline_mean: self.baseline_mean * k,
            variant_mean: self.variant_mean * k,
            diff_mean: self.diff_mean * k,
            diff_sd: self.diff_sd * k.abs(),
            ci_low: if k >= 0.0 { self.ci_low } else { self.ci_high } * k,
            ci_high: if k >= 0.0 { self.ci_high } else { self.ci_low } * k,
            unpaired_var: self.unpaired_var * k * k,
            ..*self
        }
    }
}

/// Epstein's threshold for an outburst: more than 50 actives.
pub const OUTBURST_THRESHOLD: f64 = 50.0;

/// An effect over parameter draws (e.g. from a calibration's posterior): `per_draw` paired
/// differences (variant − baseline, same parameters, same seeds) for each of several draws,
/// with independent seeds from draw to draw (`impunity compare --posterior`).
///
/// Each draw's mean difference is one draw from the distribution of the effect under the
/// parameter uncertainty, with the replicate noise of a mean of `per_draw` replicates. So:
/// * the **mean** is the mean of the draw means (the effect averaged over the posterior), and
///   its 95 % t-interval over the draw means (draws − 1 degrees of freedom) covers both
///   parameter uncertainty and replicate noise;
/// * the **range** is the 2.5 % and 97.5 % percentiles of the draw means: how far the effect
///   varies across the posterior (widened by the noise of `per_draw` replicates);
/// * a one-way random-effects split (the analysis of variance's method of moments) says how
///   much of each: the noise variance of one replicate's difference is the pooled variance
///   within draws, and the parameter variance is the variance of the draw means minus the
///   noise's share of it (noise / `per_draw`), at least 0. Both NaN with one replicate per
///   draw, which cannot tell them apart.
///
/// ```
/// use impunity::stats::OverDraws;
/// // Three draws, two replicates each (draw-major): the effect is -1, -2 or -3, ± 0.5 noise.
/// let d = OverDraws::of(&[-0.5, -1.5, -1.5, -2.5, -2.5, -3.5], 2);
/// assert_eq!((d.draws, d.mean), (3, -2.0));
/// assert!(d.ci_low < -2.0 && -2.0 < d.ci_high);
/// assert_eq!((d.range_low, d.range_high), (-2.95, -1.05));
/// assert_eq!(d.noise_var, 0.5); // (0.5² + 0.5²) / 1, pooled over the draws
/// assert_eq!(d.parameter_var, 1.0 - 0.5 / 2.0);
/// assert!((d.parameter_share() - 0.6).abs() < 1e-12);
/// assert!(OverDraws::of(&[1.0, 2.0], 1).noise_var.is_nan());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OverDraws {
    /// Number of draws.
    pub draws: usize,
    /// Replicates per draw.
    pub per_draw: usize,
    /// Mean of the draw means.
    pub mean: f64,
    /// Lower end of the 95 % t-interval of the mean over the draw means (NaN for one draw).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// 2.5 % percentile of the draw means.
    pub range_low: f64,
    /// 97.5 % percentile of the draw means.
    pub range_high: f64,
    /// Variance of the effect across draws, the replicate noise taken out (at least 0; NaN
    /// with one replicate per draw or one draw).
    pub parameter_var: f64,
    /// Variance of one replicate's difference within a draw (pooled; NaN with one replicate
    /// per draw).
    pub noise_var: f64,
}

impl OverDraws {
    /// The effect over draws of `values`, draw-major (`per_draw` values of draw 0, then of
    /// draw 1, …).
    ///
    /// # Panics
    /// If `per_draw` is 0 or does not divide the number of values.
    pub fn of(values: &[f64], per_draw: usize) -> OverDraws {
        assert!(
            per_draw > 0 && values.len() % per_draw == 0,
            "{} values in draws of {per_draw}",
            values.len()
        );
        let groups: Vec<&[f64]> = values.chunks_exact(per_draw).collect();
        let means: Vec<f64> = groups
            .iter()
            .map(|g| mean_sd(g).map_or(f64::NAN, |(m, _)| m))
            .collect();
        let draws = means.len();
        let (mean, between_sd) = mean_sd(&means).unwrap_or((f64::NAN, f64::NAN));
        let half = t975(draws.saturating_sub(1) as u64) * between_sd / (draws as f64).sqrt();
        let mut sorted = means.clone();
        sorted.sort_by(f64::total_cmp);
        let noise_var = if per_draw > 1 && draws > 0 {
            let within: f64 = groups
                .iter()
                .zip(&means)
                .map(|(g, m)| g.iter().map(|v| (v - m) * (v - m)).sum::<f64>())
                .sum();
            within / (draws * (per_draw - 1)) as f64
        } else {
            f64::NAN
        };
        let parameter_var = if draws > 1 {
            (between_sd * between_sd - noise_var / per_draw as f64).max(0.0)
        } else {
            f64::NAN
        };
        OverDraws {
            draws,
            per_draw,
            mean,
            ci_low: mean - half,
            ci_high: mean + half,
            range_low: percentile(&sorted, 0.025),
            range_high: percentile(&sorted, 0.975),
            parameter_var,
            noise_var,
        }
    }

    /// The parameters' share of the variance of one replicate's difference:
    /// `parameter_var / (parameter_var + noise_var)` (NaN when they cannot be told apart).
    pub fn parameter_share(&self) -> f64 {
        let total = self.parameter_var + self.noise_var;
        if total > 0.0 {
            self.parameter_var / total
        } else {
            f64::NAN
        }
    }
}

/// One outburst: a maximal run of consecutive ticks with more than a threshold of actives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outburst {
    /// First tick above the threshold.
    pub start: usize,
    /// Last tick above the threshold.
    pub end: usize,
    /// Largest count during the outburst.
    pub peak: f64,
    /// Sum of the counts over the outburst's ticks (its *total activation*).
    pub total: f64,
}

/// The outbursts of `series` (indexed by tick) above `threshold`. An outburst still running at
/// the last tick is included.
///
/// ```
/// use impunity::stats::{outbursts, waiting_times};
/// let active = [0.0, 60.0, 70.0, 10.0, 0.0, 80.0, 5.0];
/// let o = outbursts(&active, 50.0);
/// assert_eq!(o.len(), 2);
/// assert_eq!((o[0].start, o[0].end, o[0].total), (1, 2, 130.0));
/// assert_eq!(waiting_times(&o), [3.0]);
/// ```
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

/// Waiting times between consecutive outbursts: the `start` of one minus the `end` of the
/// previous (the length of the quiet period between them, plus one).
pub fn waiting_times(o: &[Outburst]) -> Vec<f64> {
    o.windows(2)
        .map(|w| (w[1].start - w[0].end) as f64)
        .collect()
}

/// Epstein's outburst statistics of one replicate's actives: the first four columns of
/// `outcomes.csv` and the table `impunity run` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ActivitySummary {
    /// Largest number of actives in any tick.
    pub peak_active: f64,
    /// Tick of that peak (first one).
    pub peak_tick: usize,
    /// Number of outbursts (more than [`OUTBURST_THRESHOLD`] actives).
    pub outbursts: usize,
    /// Ticks with more than [`OUTBURST_THRESHOLD`] actives.
    pub ticks_above: usize,
}

impl ActivitySummary {
    /// The summary of an actives series (indexed by tick).
    ///
    /// ```
    /// use impunity::stats::ActivitySummary;
    /// let a = ActivitySummary::of(&[0.0, 60.0, 70.0, 10.0, 80.0]);
    /// assert_eq!((a.peak_active, a.peak_tick, a.outbursts, a.ticks_above), (80.0, 4, 2, 3));
    /// ```
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile(range(1, 11), [5, 25, 50, 75, 95]) = 1.45, 3.25, 5.5, 7.75, 9.55
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let d = Describe::of(&x);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(d.p5, 1.45));
        assert!(close(d.p25, 3.25));
        assert!(close(d.p50, 5.5));
        assert!(close(d.p75, 7.75));
        assert!(close(d.p95, 9.55));
        assert!(close(d.sd, 3.0276503540974917));
        let one = Describe::of(&[7.0]);
        assert_eq!((one.sd, one.p5, one.p95), (0.0, 7.0, 7.0));
        let none = Describe::of(&[]);
        assert!(none.mean.is_nan() && none.p50.is_nan());
    }

    #[test]
    fn t_quantiles() {
        // R: qt(0.975, c(31, 40, 60, 120))
        for (df, q) in [
            (31, 2.039513),
            (40, 2.021075),
            (60, 2.000298),
            (120, 1.979930),
        ] {
            assert!((t975(df) - q).abs() < 2e-4, "df {df}: {}", t975(df));
        }
    }

    #[test]
    fn scaling_by_a_negative_factor_swaps_the_interval() {
        let p = Paired::of(&[1.0, 2.0, 4.0], &[2.0, 2.0, 5.0]);
        let q = p.scaled(-1.0);
        assert_eq!((q.ci_low, q.ci_high), (-p.ci_high, -p.ci_low));
        assert_eq!(q.diff_sd, p.diff_sd);
    }
}
