//! The charts of `sensitivity.csv` (`impunity sensitivity`): per outcome, a Morris mu*–sigma
//! scatter with each key labelled, or Sobol bars of S1 and ST with their 95 % bootstrap
//! intervals. Files `charts/sensitivity-<outcome>`.

use super::style;
use super::{ChartError, ChartOptions, Draw, render};
use crate::sensitivity::Row;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One outcome's indices: per key, (index name → (value, low, high)).
struct Panel {
    title: String,
    method: String,
    keys: Vec<String>,
    /// Per key: [mu_star or S1, sigma or ST] with intervals.
    values: Vec<[(f64, f64, f64); 2]>,
}

/// The finite values among `v`, with `0` added, as an axis range padded by 8 %.
fn range(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for x in v.filter(|x| x.is_finite()) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

impl Draw for Panel {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let c0 = style::colour(0);
        let c1 = style::colour(1);
        if self.method == "morris" {
            let (xl, xh) = range(self.values.iter().flat_map(|v| [v[0].0, v[0].2]));
            let (yl, yh) = range(self.values.iter().map(|v| v[1].0));
            let mut ch = ChartBuilder::on(&area)
                .margin(20)
                .x_label_area_size(50)
                .y_label_area_size(80)
                .build_cartesian_2d(xl..xh, yl..yh)?;
            ch.configure_mesh()
                .disable_mesh()
                .x_desc("mu* (mean |elementary effect|, outcome per whole range)")
                .y_desc("sigma")
                .axis_desc_style(style::label_font())
                .label_style(style::tick_font())
                .x_label_formatter(&|v| style::fmt_num(*v))
                .y_label_formatter(&|v| style::fmt_num(*v))
                .draw()?;
            for (k, v) in self.keys.iter().zip(&self.values) {
                let (m, lo, hi) = v[0];
                let s = v[1].0;
                if !(m.is_finite() && s.is_finite()) {
                    continue;
                }
                if lo.is_finite() && hi.is_finite() {
                    ch.draw_series(std::iter::once(PathElement::new(
                        vec![(lo, s), (hi, s)],
                        c0.mix(0.5).stroke_width(2),
                    )))?;
                }
                ch.draw_series(std::iter::once(Circle::new((m, s), 6, c0.filled())))?;
                ch.draw_series(std::iter::once(Text::new(
                    k.clone(),
                    (m, s),
                    style::tick_font(),
                )))?;
            }
        } else {
            let n = self.keys.len();
            let (yl, yh) = range(self.values.iter().flat_map(|v| [v[0].2, v[1].2, v[0].1]));
            let keys = self.keys.clone();
            let mut ch = ChartBuilder::on(&area)
                .margin(20)
                .x_label_area_size(50)
                .y_label_area_size(70)
                .build_cartesian_2d(-0.5..(n as f64 - 0.5), yl.min(0.0)..yh.max(1.0))?;
            ch.configure_mesh()
                .disable_x_mesh()
                .x_labels(n.max(1))
                .x_label_formatter(&|x| {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < keys.len() {
                        keys[i as usize].clone()
                    } else {
                        String::new()
                    }
                })
                .y_desc("index (share of variance)")
                .axis_desc_style(style::label_font())
                .label_style(style::tick_font())
                .y_label_formatter(&|v| style::fmt_num(*v))
                .draw()?;
            for (i, v) in self.values.iter().enumerate() {
                for (j, (colour, name)) in [(c0, "S1"), (c1, "ST")].into_iter().enumerate() {
                    let (val, lo, hi) = v[j];
                    let x0 = i as f64 - 0.35 + 0.35 * j as f64;
                    let x1 = x0 + 0.3;
                    if val.is_finite() {
                        let a = ch.draw_series(std::iter::once(Rectangle::new(
                            [(x0, 0.0), (x1, val)],
                            colour.filled(),
                        )))?;
                        if i == 0 {
                            a.label(name).legend(move |(x, y)| {
                                Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
                            });
                        }
                    }
                    if lo.is_finite() && hi.is_finite() {
                        let xm = (x0 + x1) / 2.0;
                        ch.draw_series(std::iter::once(PathElement::new(
                            vec![(xm, lo), (xm, hi)],
                            BLACK.stroke_width(2),
                        )))?;
                    }
                }
            }
            ch.configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.4))
                .label_font(style::tick_font())
                .draw()?;
        }
        Ok(())
    }
}

/// Draws one chart per outcome of `rows` (the rows of `sensitivity.csv`, as
/// [`crate::sensitivity::analyse_dir`] gives them) into `dir/charts/`, and returns their
/// paths in the rows' outcome order. Nothing is drawn for [`super::ChartSet::None`].
pub fn sensitivity_charts(
    dir: &Path,
    rows: &[Row],
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    if opts.charts == super::ChartSet::None {
        return Ok(vec![]);
    }
    let mut outcomes: Vec<&str> = Vec::new();
    for r in rows {
        if !outcomes.contains(&r.outcome.as_str()) {
            outcomes.push(&r.outcome);
        }
    }
    let mut written = Vec::new();
    for o in outcomes {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.outcome == o).collect();
        let method = mine[0].method.clone();
        let (a, b) = if method == "morris" {
            ("mu_star", "sigma")
        } else {
            ("S1", "ST")
        };
        let mut keys: Vec<String> = Vec::new();
        for r in &mine {
            if !r.parameter.is_empty() && !keys.contains(&r.parameter) {
                keys.push(r.parameter.clone());
            }
        }
        let get = |k: &str, idx: &str| {
            mine.iter()
                .find(|r| r.parameter == k && r.index == idx)
                .map_or((f64::NAN, f64::NAN, f64::NAN), |r| {
                    (
                        r.value,
                        r.low.unwrap_or(f64::NAN),
                        r.high.unwrap_or(f64::NAN),
                    )
                })
        };
        let values = keys.iter().map(|k| [get(k, a), get(k, b)]).collect();
        let stem = format!("sensitivity-{}", style::slug(o));
        let what = if method == "morris" {
            "Morris screening"
        } else {
            "Sobol indices"
        };
        let panel = Panel {
            title: opts.title(&stem, format!("{what}: {}", opts.label(o))),
            method,
            keys,
            values,
        };
        written.push(render(&panel, &dir.join("charts").join(&stem), opts)?);
    }
    Ok(written)
}
