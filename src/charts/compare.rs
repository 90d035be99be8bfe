//! The forest plot of `compare.csv` (`impunity compare`): header
//! `variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower`.

use super::style::{self, fmt_num, slug};
use super::{ChartError, ChartOptions, Csv, Draw, num, render};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

struct Forest {
    title: String,
    outcome: String,
    /// (variant, n, diff_mean, ci_low, ci_high)
    rows: Vec<(String, String, f64, f64, f64)>,
}

impl Draw for Forest {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let vals = self
            .rows
            .iter()
            .flat_map(|r| [r.2, r.3, r.4])
            .chain([0.0])
            .filter(|v| v.is_finite())
            .map(|v| v.clamp(-style::AXIS_LIMIT, style::AXIS_LIMIT));
        let (mut lo, mut hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
        if hi <= lo {
            (lo, hi) = (lo - 1.0, hi + 1.0);
        }
        let pad = (hi - lo) * 0.08;
        let n = self.rows.len().max(1);
        let label_w = self
            .rows
            .iter()
            .map(|r| r.0.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 40) as u32
            * 10
            + 20;
        let mut chart = ChartBuilder::on(&area)
            .caption(
                "paired difference (variant minus baseline) with its 95 % interval",
                style::tick_font(),
            )
            .margin(14)
            .margin_right(36)
            .x_label_area_size(56)
            .y_label_area_size(label_w)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.9..n as f64)?;
        let fx = |v: &f64| fmt_num(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(format!("difference in {}", self.outcome))
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .y_labels(0)
            .x_label_formatter(&fx)
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, -0.9), (0.0, n as f64)],
                8,
                5,
                BLACK.stroke_width(2),
            ))?
            .label("no difference")
            .legend(|(x, y)| DashedPathElement::new(vec![(x, y), (x + 28, y)], 8, 5, BLACK));
        let c = style::colour(0);
        for (k, (_, _, d, l, h)) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64 + 0.5;
            if l.is_finite() && h.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*l, y), (*h, y)],
                    c.stroke_width(3),
                )))?;
                for e in [*l, *h] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(e, y - 0.12), (e, y + 0.12)],
                        c.stroke_width(3),
                    )))?;
                }
            }
            if d.is_finite() {
                chart.draw_series(std::iter::once(Circle::new((*d, y), 7, c.filled())))?;
            }
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("mean difference, 95 % interval")
            .legend(move |(x, y)| Circle::new((x + 14, y), 6, c.filled()));
        style::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        let right_centre = plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Right,
            plotters::style::text_anchor::VPos::Center,
        );
        let x_left = chart.x_range().start;
        for (k, (name, _, d, l, h)) in self.rows.iter().enumerate() {
            // first variant at the top
            let y = (n - 1 - k) as f64 + 0.5;
            let (px, py) = chart.backend_coord(&(x_left, y));
            root.draw(&Text::new(
                name.clone(),
                (px - 10, py),
                style::label_font().pos(right_centre),
            ))?;
            if d.is_finite() {
                chart.draw_series(std::iter::once(Text::new(
                    format!("{} [{}, {}]", fmt_num(*d), fmt_num(*l), fmt_num(*h)),
                    (*d, y + 0.22),
                    style::tick_font(),
                )))?;
            }
        }
        Ok(())
    }
}

/// Draws a forest plot per outcome of `compare.csv` into `out` (`forest-<outcome>`): each
/// variant's mean paired difference from the baseline as a dot with its 95 % interval as a
/// bar, a dashed line at zero. A `compare.csv` with no rows draws nothing.
pub(crate) fn forest_plot(
    compare: &Path,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let c = Csv::read(compare)?;
    let mut written = Vec::new();
    if c.header.is_empty() || c.rows.is_empty() {
        return Ok(written);
    }
    let w = "compare.csv";
    let (vc, oc, nc, dc, lc, hc) = (
        c.need("variant", w)?,
        c.need("outcome", w)?,
        c.need("n", w)?,
        c.need("diff_mean", w)?,
        c.need("ci_low", w)?,
        c.need("ci_high", w)?,
    );
    let mut outcomes: Vec<String> = Vec::new();
    for r in &c.rows {
        if !outcomes.contains(&r[oc]) {
            outcomes.push(r[oc].clone());
        }
    }
    for o in outcomes {
        let rows = c
            .rows
            .iter()
            .filter(|r| r[oc] == o)
            .map(|r| {
                (
                    r[vc].clone(),
                    r[nc].clone(),
                    num(&r[dc]),
                    num(&r[lc]),
                    num(&r[hc]),
                )
            })
            .collect();
        let chart = Forest {
            title: format!("Compared with the baseline: {o}"),
            outcome: o.clone(),
            rows,
        };
        written.push(render(
            &chart,
            &out.join(format!("forest-{}", slug(&o))),
            opts,
        )?);
    }
    Ok(written)
}
