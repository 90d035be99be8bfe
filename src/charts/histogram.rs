//! Distributions: histograms of samples against a published mean ± sd.

use super::style::{self, fmt_num};
use super::{ChartError, ChartOptions, Draw, render};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// A published figure to compare a distribution with: mean ± standard deviation.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Legend label, e.g. "Epstein (2002): 60 ± 55".
    pub label: String,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
}

struct Histogram<'a> {
    title: String,
    x_desc: String,
    samples: &'a [(String, Vec<f64>)],
    reference: Option<&'a Reference>,
    bins: usize,
    /// The x axis fitted to the values (a parameter's posterior) rather than from 0 (counts).
    fit: bool,
}

/// The x range of histograms of `samples` (finite values) over `reference`: from 0 (or the
/// lowest value, if negative; a reference's band is cut at it) to the highest value or
/// reference bound, for counts; fitted to the values and reference, padded by 2 % of their
/// span, when `fit`.
fn x_range(samples: &[(String, Vec<f64>)], reference: Option<&Reference>, fit: bool) -> (f64, f64) {
    let finite = || {
        samples
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite())
    };
    let mut lo = finite().fold(f64::INFINITY, f64::min);
    let mut hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if let Some(r) = reference {
        hi = hi.max(r.mean + r.sd);
        if fit {
            lo = lo.min(r.mean - r.sd);
        }
    }
    if fit {
        if !lo.is_finite() || !hi.is_finite() {
            return (0.0, 1.0);
        }
        if hi <= lo {
            return (lo - 0.5, lo + 0.5);
        }
        let pad = (hi - lo) * 0.02;
        return (lo - pad, hi + pad);
    }
    let lo = lo.min(0.0);
    if !hi.is_finite() || hi <= lo {
        hi = lo + 1.0;
    }
    (lo, hi)
}

impl Draw for Histogram<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (lo, hi) = x_range(self.samples, self.reference, self.fit);
        let w = (hi - lo) / self.bins as f64;
        let shares: Vec<Vec<f64>> = self
            .samples
            .iter()
            .map(|(_, v)| {
                let mut h = vec![0.0; self.bins];
                let n = v.iter().filter(|x| x.is_finite()).count().max(1) as f64;
                for &x in v.iter().filter(|x| x.is_finite()) {
                    let k = (((x - lo) / w) as usize).min(self.bins - 1);
                    h[k] += 1.0 / n;
                }
                h
            })
            .collect();
        let top = shares
            .iter()
            .flatten()
            .copied()
            .fold(0.0, f64::max)
            .max(0.01)
            * 1.1;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(36)
            .x_label_area_size(52)
            .y_label_area_size(80)
            .build_cartesian_2d(lo..hi, 0.0..top)?;
        let fx = |v: &f64| fmt_num(*v);
        let fy = |v: &f64| format!("{:.0} %", v * 100.0);
        chart
            .configure_mesh()
            .x_desc(&self.x_desc)
            .y_desc("share of the sample")
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        if let Some(r) = self.reference {
            let grey = RGBColor(0x80, 0x80, 0x80);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        ((r.mean - r.sd).max(lo), 0.0),
                        ((r.mean + r.sd).min(hi), top),
                    ],
                    grey.mix(0.15).filled(),
                )))?
                .label(format!("{} (mean ± sd)", r.label))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 28, y + 6)], grey.mix(0.3).filled())
                });
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(r.mean, 0.0), (r.mean, top)],
                    10,
                    6,
                    BLACK.stroke_width(2),
                ))?
                .label(format!("{} mean", r.label))
                .legend(|(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 28, y)], 10, 6, BLACK.stroke_width(2))
                });
        }
        for (i, ((label, v), h)) in self.samples.iter().zip(&shares).enumerate() {
            let c = style::colour(i);
            let n = v.iter().filter(|x| x.is_finite()).count();
            let (mean, sd) = crate::stats::mean_sd(
                &v.iter()
                    .copied()
                    .filter(|x| x.is_finite())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or((f64::NAN, f64::NAN));
            chart
                .draw_series(h.iter().enumerate().map(|(k, &s)| {
                    let x0 = lo + k as f64 * w;
                    Rectangle::new([(x0, 0.0), (x0 + w, s)], c.mix(0.35).filled())
                }))?
                .label(format!(
                    "{label}: {} ± {} (n = {n})",
                    fmt_num(mean),
                    fmt_num(sd)
                ))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 28, y + 6)], c.mix(0.6).filled())
                });
            chart.draw_series(h.iter().enumerate().map(|(k, &s)| {
                let x0 = lo + k as f64 * w;
                Rectangle::new([(x0, 0.0), (x0 + w, s)], c.stroke_width(2))
            }))?;
        }
        style::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// Draws histograms of `samples` (label, values), as shares of each sample in `bins` equal
/// bins, over a published `reference` (its mean ± sd shaded, its mean dashed), to `stem` plus
/// the format's extension. The legend gives each sample's mean ± sd and size.
pub fn histogram(
    samples: &[(String, Vec<f64>)],
    reference: Option<&Reference>,
    title: &str,
    x_desc: &str,
    bins: usize,
    stem: &Path,
    opts: &ChartOptions,
) -> Result<PathBuf, ChartError> {
    draw(samples, reference, title, x_desc, bins, false, stem, opts)
}

/// Like [`histogram`], without a reference, the x axis fitted to the values rather than
/// starting at 0 (a parameter's posterior against its prior draws, say, which may lie far
/// from 0).
pub(crate) fn histogram_fitted(
    samples: &[(String, Vec<f64>)],
    title: &str,
    x_desc: &str,
    bins: usize,
    stem: &Path,
    opts: &ChartOptions,
) -> Result<PathBuf, ChartError> {
    draw(samples, None, title, x_desc, bins, true, stem, opts)
}

#[allow(clippy::too_many_arguments)]
fn draw(
    samples: &[(String, Vec<f64>)],
    reference: Option<&Reference>,
    title: &str,
    x_desc: &str,
    bins: usize,
    fit: bool,
    stem: &Path,
    opts: &ChartOptions,
) -> Result<PathBuf, ChartError> {
    let chart = Histogram {
        title: title.into(),
        x_desc: x_desc.into(),
        samples,
        reference,
        bins: bins.max(1),
        fit,
    };
    render(&chart, stem, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_start_at_zero_and_a_posterior_is_fitted_to_its_values() {
        let s = vec![("a".to_string(), vec![0.6, 0.7, 0.88, f64::NAN])];
        assert_eq!(x_range(&s, None, false), (0.0, 0.88));
        let (lo, hi) = x_range(&s, None, true);
        assert!((lo - (0.6 - 0.0056)).abs() < 1e-12 && (hi - (0.88 + 0.0056)).abs() < 1e-12);
        // a reference widens the count axis up, not below 0; negative values do
        let r = Reference {
            label: "r".into(),
            mean: 2.0,
            sd: 3.0,
        };
        assert_eq!(x_range(&s, Some(&r), false), (0.0, 5.0));
        let neg = vec![("c".to_string(), vec![-2.0, 1.0])];
        assert_eq!(x_range(&neg, Some(&r), false), (-2.0, 5.0));
        let one = vec![("b".to_string(), vec![3.0])];
        assert_eq!(x_range(&one, None, true), (2.5, 3.5));
        assert_eq!(x_range(&[], None, true), (0.0, 1.0));
    }
}
