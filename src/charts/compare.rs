//! The forest plot of `compare.csv` (`impunity compare`): header
//! `variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower`.
//!
//! One file, `forest`, holds every selected outcome × variant: one panel per outcome (each
//! with its own scale, as outcomes differ in unit and size), one row per variant, the variant
//! names left of the plots and the numbers (mean difference, 95 % interval, n) right of them,
//! so that the zero line never crosses a label.

use super::options::capitalised;
use super::scale::{Scale, fmt_fixed};
use super::style;
use super::{ChartError, ChartOptions, Csv, Draw, num, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// A variant's row: name, n, mean difference, interval low and high.
type Row = (String, String, f64, f64, f64);

struct Panel {
    title: String,
    rows: Vec<Row>,
    x: Scale,
}

struct Forest {
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    /// Outcomes chosen that no pair changes (every difference exactly 0): listed below the
    /// panels, not drawn as panels of dots on the zero line.
    unchanged: Vec<String>,
}

/// Outcome names per line of the list of unchanged outcomes.
const UNCHANGED_PER_LINE: usize = 4;

/// Pixels per variant row and per panel's caption and axis.
const ROW: u32 = 30;
const PANEL: u32 = 88;

impl Forest {
    /// The height the plot needs (title, subtitle, panels), in pixels.
    fn height(&self) -> u32 {
        90 + self
            .panels
            .iter()
            .map(|p| PANEL + ROW * p.rows.len() as u32)
            .sum::<u32>()
            + self.unchanged_height()
    }

    /// Pixels of the list of unchanged outcomes (0 without one).
    fn unchanged_height(&self) -> u32 {
        if self.unchanged.is_empty() {
            0
        } else {
            34 + 22 * self.unchanged.len().div_ceil(UNCHANGED_PER_LINE) as u32
        }
    }

    /// The lines of the list of unchanged outcomes.
    fn unchanged_lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "Unchanged in every pair ({}): every difference exactly 0",
            self.unchanged.len()
        )];
        lines.extend(
            self.unchanged
                .chunks(UNCHANGED_PER_LINE)
                .map(|c| c.join(" · ")),
        );
        lines
    }
}

impl Draw for Forest {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (sub, rest) = area.split_vertically(26);
        let (_, rh) = rest.dim_in_pixel();
        let (mut rest, foot) = rest.split_vertically(rh.saturating_sub(self.unchanged_height()));
        if !self.unchanged.is_empty() {
            for (k, line) in self.unchanged_lines().iter().enumerate() {
                let font = if k == 0 {
                    style::label_font()
                } else {
                    style::tick_font()
                };
                foot.draw_text(
                    line,
                    &font.pos(Pos::new(HPos::Center, VPos::Top)),
                    ((foot.dim_in_pixel().0 / 2) as i32, 6 + 22 * k as i32),
                )?;
            }
        }
        sub.draw_text(
            &self.subtitle,
            &style::tick_font().pos(Pos::new(HPos::Center, VPos::Top)),
            ((sub.dim_in_pixel().0 / 2) as i32, 2),
        )?;
        let label_w = self
            .panels
            .iter()
            .flat_map(|p| p.rows.iter().map(|r| r.0.chars().count()))
            .max()
            .unwrap_or(8)
            .clamp(8, 40) as u32
            * (style::LABEL * 6 / 10)
            + 24;
        let (_, h) = rest.dim_in_pixel();
        if self.panels.is_empty() {
            return Ok(());
        }
        let need: u32 = self
            .panels
            .iter()
            .map(|p| PANEL + ROW * p.rows.len() as u32)
            .sum::<u32>()
            .max(1);
        // room for the longest numbers right of the plots (tiny differences need 7 decimals)
        let right_w = self
            .panels
            .iter()
            .flat_map(|p| p.rows.iter().map(move |r| row_text(p, r).chars().count()))
            .max()
            .unwrap_or(0)
            .saturating_mul(style::TICK as usize * 6 / 10)
            .saturating_add(24)
            .max(300)
            // at most half the picture (a narrow picture's half is under 300: no clamp panic)
            .min((rest.dim_in_pixel().0 / 2) as usize) as u32;
        let c = style::colour(0);
        for (k, panel) in self.panels.iter().enumerate() {
            let ph = (PANEL + ROW * panel.rows.len() as u32) * h / need;
            let (this, next) = if k + 1 < self.panels.len() {
                rest.split_vertically(ph)
            } else {
                (rest.clone(), rest.clone())
            };
            rest = next;
            let n = panel.rows.len().max(1);
            let mut chart = ChartBuilder::on(&this)
                .caption(&panel.title, style::label_font())
                .margin(6)
                .margin_right(right_w)
                .x_label_area_size(34)
                .y_label_area_size(label_w)
                .build_cartesian_2d(panel.x.axis(), style::Axis::new(0.0, n as f64, Vec::new()))?;
            let fx = |v: &f64| panel.x.label(*v);
            chart
                .configure_mesh()
                .disable_y_mesh()
                .axis_desc_style(style::label_font())
                .label_style(style::tick_font())
                .y_labels(0)
                .x_label_formatter(&fx)
                .light_line_style(WHITE)
                .bold_line_style(BLACK.mix(0.08))
                .draw()?;
            if panel.x.lo <= 0.0 && panel.x.hi >= 0.0 {
                chart.draw_series(DashedLineSeries::new(
                    vec![(0.0, 0.0), (0.0, n as f64)],
                    8,
                    5,
                    BLACK.stroke_width(2),
                ))?;
            }
            let x_right = chart.x_range().end;
            let x_left = chart.x_range().start;
            for (r, row) in panel.rows.iter().enumerate() {
                let (name, _, d, l, h) = row;
                // first variant at the top
                let y = (n - 1 - r) as f64 + 0.5;
                if l.is_finite() && h.is_finite() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(*l, y), (*h, y)],
                        c.stroke_width(3),
                    )))?;
                    for e in [*l, *h] {
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(e, y - 0.2), (e, y + 0.2)],
                            c.stroke_width(3),
                        )))?;
                    }
                }
                if d.is_finite() {
                    chart.draw_series(std::iter::once(Circle::new((*d, y), 6, c.filled())))?;
                }
                let (lx, py) = chart.backend_coord(&(x_left, y));
                root.draw(&Text::new(
                    name.clone(),
                    (lx - 10, py),
                    style::label_font().pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
                let (rx, _) = chart.backend_coord(&(x_right, y));
                root.draw(&Text::new(
                    row_text(panel, row),
                    (rx + 12, py),
                    style::tick_font().pos(Pos::new(HPos::Left, VPos::Center)),
                ))?;
            }
        }
        Ok(())
    }
}

/// The numbers written right of a row's plot: mean difference, interval, n (one decimal more
/// than the panel's axis, at most 4 unless the axis itself needs more).
fn row_text(panel: &Panel, (_, nn, d, l, h): &Row) -> String {
    let dec = (panel.x.decimals + 1).min(4).max(panel.x.decimals);
    if d.is_finite() {
        format!(
            "{} [{}, {}]  n = {nn}",
            fmt_fixed(*d, dec),
            fmt_fixed(*l, dec),
            fmt_fixed(*h, dec)
        )
    } else {
        format!("no value  n = {nn}")
    }
}

/// The outcomes of `compare.csv`, in order of first appearance.
pub(crate) fn outcome_names(c: &Csv) -> Result<Vec<String>, ChartError> {
    if c.header.is_empty() {
        return Ok(Vec::new());
    }
    let oc = c.need("outcome", "compare.csv")?;
    let mut outcomes: Vec<String> = Vec::new();
    for r in &c.rows {
        if !outcomes.contains(&r[oc]) {
            outcomes.push(r[oc].clone());
        }
    }
    Ok(outcomes)
}

/// Draws the forest plot of `compare.csv` into `out` (`forest`): one panel per outcome that
/// `opts` selects ([`ChartOptions::outcomes`], or by [`ChartOptions::charts`]: the default
/// leaves out outcomes every variant leaves exactly unchanged), one row per variant with its
/// mean paired difference from the baseline (a dot), its 95 % interval (a bar), and, written
/// right of the plot, the numbers and n; a dashed line at zero. Chosen outcomes that no pair
/// changes (`--charts all`) are listed by name under the panels. The picture grows taller than
/// `opts.height` when the rows need it. A `compare.csv` with no rows draws nothing.
pub(crate) fn forest_plot(
    compare: &Path,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let c = Csv::read(compare)?;
    if c.header.is_empty() || c.rows.is_empty() {
        return Ok(Vec::new());
    }
    let w = "compare.csv";
    let (vc, oc, nc, dc, sc, lc, hc) = (
        c.need("variant", w)?,
        c.need("outcome", w)?,
        c.need("n", w)?,
        c.need("diff_mean", w)?,
        c.need("diff_sd", w)?,
        c.need("ci_low", w)?,
        c.need("ci_high", w)?,
    );
    let known = outcome_names(&c)?;
    let unchanged = |o: &str| {
        c.rows
            .iter()
            .filter(|r| r[oc] == o)
            .all(|r| num(&r[dc]) == 0.0 && num(&r[sc]) == 0.0)
    };
    let chosen = opts.pick_outcomes(&known, unchanged)?;
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let mut panels = Vec::new();
    let mut unchanged_list = Vec::new();
    for o in &chosen {
        if unchanged(o) {
            unchanged_list.push(opts.label(o));
            continue;
        }
        let rows: Vec<Row> = c
            .rows
            .iter()
            .filter(|r| r[oc] == *o)
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
        let vals: Vec<f64> = rows
            .iter()
            .flat_map(|r| [r.2, r.3, r.4])
            .chain([0.0])
            .filter(|v| v.is_finite())
            .map(|v| v.clamp(-style::AXIS_LIMIT, style::AXIS_LIMIT))
            .collect();
        let lo = vals.iter().copied().fold(0.0, f64::min);
        let hi = vals.iter().copied().fold(0.0, f64::max);
        // a margin, so that no dot or bar end sits on the panel's edge (zero keeps its side)
        let pad = (hi - lo) * 0.04;
        let (lo, hi) = (
            if lo < 0.0 { lo - pad } else { lo },
            if hi > 0.0 { hi + pad } else { hi },
        );
        let x = if hi > lo {
            Scale::nice(lo, hi, 5)
        } else {
            Scale::nice(-1.0, 1.0, 4)
        };
        panels.push(Panel {
            title: capitalised(&opts.label(o)),
            rows,
            x,
        });
    }
    let stem = "forest";
    let chart = Forest {
        title: opts.title(stem, "Compared with the baseline".into()),
        subtitle: "each variant minus the baseline, paired by replicate: mean difference (dot) \
                   and its 95 % confidence interval (bar); n = replicate pairs"
            .into(),
        panels,
        unchanged: unchanged_list,
    };
    let mut o = opts.clone();
    o.height = o.height.max(chart.height());
    Ok(vec![render(&chart, &out.join(stem), &o)?])
}
