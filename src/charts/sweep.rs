//! Sweep charts from `outcomes.csv` (`impunity sweep`): header
//! `point,<varied key>…,replicate,<outcome>…`, one row per point per replicate.
//!
//! Both kinds show the same statistic: the mean over replicates with its 95 % confidence
//! interval (Student's t, n − 1 degrees of freedom) — in a heat map's cells the mean and, under
//! it, the interval's half-width; on a one-key line the mean and the interval as a band.

use super::bar::{colour_bar, position, sequential, wrap};
use super::options::capitalised;
use super::scale::{Scale, fmt_fixed, nice_step};
use super::style::{self, slug};
use super::{ChartError, ChartOptions, Csv, Draw, num, render};
use crate::stats::{mean_sd, t975};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// The varied keys and outcomes of an `outcomes.csv` header: the columns between `point` and
/// `replicate`, and those after `replicate`.
pub(crate) fn sweep_columns(c: &Csv) -> Result<(Vec<String>, Vec<String>), ChartError> {
    let p = c.need("point", "outcomes.csv")?;
    let r = c.need("replicate", "outcomes.csv")?;
    if r <= p {
        return Err(ChartError::Data(
            "outcomes.csv: `replicate` must come after `point`".into(),
        ));
    }
    Ok((c.header[p + 1..r].to_vec(), c.header[r + 1..].to_vec()))
}

/// Distinct values of a column in first-appearance order, sorted numerically when all are
/// numbers.
fn levels(c: &Csv, col: usize) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for row in &c.rows {
        if !v.contains(&row[col]) {
            v.push(row[col].clone());
        }
    }
    if v.iter().all(|s| s.parse::<f64>().is_ok()) {
        v.sort_by(|a, b| num(a).total_cmp(&num(b)));
    }
    v
}

/// Mean and 95 % interval half-width of `x` (finite values; half-width NaN for fewer than 2).
fn mean_ci(x: &[f64]) -> (f64, f64) {
    let v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    match mean_sd(&v) {
        Some((m, sd)) if v.len() >= 2 => {
            (m, t975(v.len() as u64 - 1) * sd / (v.len() as f64).sqrt())
        }
        Some((m, _)) => (m, f64::NAN),
        None => (f64::NAN, f64::NAN),
    }
}

/// Decimals for numbers spread like `values`: enough to tell apart steps of a tenth of their
/// span (or of their size when all are equal), never more than 4.
fn cell_decimals<'a>(values: impl IntoIterator<Item = &'a f64>) -> usize {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return 0;
    }
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
    super::scale::decimals(nice_step(span, 10)).min(4)
}

struct Heatmap {
    title: String,
    subtitle: String,
    bar_title: Vec<String>,
    x_key: String,
    y_key: String,
    xs: Vec<String>,
    ys: Vec<String>,
    /// `cells[y][x]`: mean and 95 % half-width (NaN: no data).
    cells: Vec<Vec<(f64, f64)>>,
    scale: Scale,
    decimals: usize,
}

impl Draw for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (aw, ah) = area.dim_in_pixel();
        let (plot, side) = area.split_horizontally(aw.saturating_sub(230));
        let (nx, ny) = (self.xs.len().max(1), self.ys.len().max(1));
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(24)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(
                // a segmented range 0..k has k + 1 segments
                (0..nx as i32 - 1).into_segmented(),
                (0..ny as i32 - 1).into_segmented(),
            )?;
        let cat = |levels: &[String], v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(k) => levels.get(*k as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let fx = |v: &SegmentValue<i32>| cat(&self.xs, v);
        let fy = |v: &SegmentValue<i32>| cat(&self.ys, v);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(&self.x_key)
            .y_desc(&self.y_key)
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .x_labels(nx + 1)
            .y_labels(ny + 1)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .draw()?;
        for (y, row) in self.cells.iter().enumerate() {
            for (x, &(v, hw)) in row.iter().enumerate() {
                let t = position(&self.scale, v);
                let c = if v.is_finite() {
                    sequential(t)
                } else {
                    RGBColor(0xE4, 0xE4, 0xE4)
                };
                let (x0, y0) = (x as i32, y as i32);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [
                        (SegmentValue::Exact(x0), SegmentValue::Exact(y0)),
                        (SegmentValue::Exact(x0 + 1), SegmentValue::Exact(y0 + 1)),
                    ],
                    c.filled(),
                )))?;
                if !v.is_finite() {
                    continue;
                }
                let ink = if t > 0.55 { WHITE } else { BLACK };
                let (px, py) =
                    chart.backend_coord(&(SegmentValue::CenterOf(x0), SegmentValue::CenterOf(y0)));
                let centre = Pos::new(HPos::Center, VPos::Center);
                // cells too low for two lines write "mean ± half-width" on one, smaller
                let (_, top) =
                    chart.backend_coord(&(SegmentValue::Exact(x0), SegmentValue::Exact(y0 + 1)));
                let (_, bottom) =
                    chart.backend_coord(&(SegmentValue::Exact(x0), SegmentValue::Exact(y0)));
                let low = (bottom - top).abs() < 44;
                if low && hw.is_finite() {
                    root.draw(&Text::new(
                        format!(
                            "{} ± {}",
                            fmt_fixed(v, self.decimals),
                            fmt_fixed(hw, self.decimals)
                        ),
                        (px, py),
                        (style::FONT, style::TICK - 3)
                            .into_font()
                            .color(&ink)
                            .pos(centre),
                    ))?;
                    continue;
                }
                let two = hw.is_finite();
                root.draw(&Text::new(
                    fmt_fixed(v, self.decimals),
                    (px, if two { py - 9 } else { py }),
                    style::tick_font().color(&ink).pos(centre),
                ))?;
                if two {
                    root.draw(&Text::new(
                        format!("± {}", fmt_fixed(hw, self.decimals)),
                        (px, py + 10),
                        (style::FONT, style::TICK - 3)
                            .into_font()
                            .color(&ink)
                            .pos(centre),
                    ))?;
                }
            }
        }
        let (_, sh) = side.dim_in_pixel();
        let _ = ah;
        let top = 40 + 22 * self.bar_title.len() as i32;
        colour_bar(
            &side,
            (20, top, 30, (sh as i32 - top - 80).max(60)),
            &self.scale,
            &self.bar_title,
        )?;
        Ok(())
    }
}

struct KnobLine {
    title: String,
    subtitle: String,
    key: String,
    outcome: String,
    xs: Vec<f64>,
    labels: Vec<String>,
    /// Mean and 95 % half-width per level.
    cells: Vec<(f64, f64)>,
}

impl Draw for KnobLine {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let lo: Vec<f64> = self.cells.iter().map(|(m, h)| m - h.max(0.0)).collect();
        let hi: Vec<f64> = self.cells.iter().map(|(m, h)| m + h.max(0.0)).collect();
        let means: Vec<f64> = self.cells.iter().map(|c| c.0).collect();
        let y = Scale::counts(lo.iter().chain(&hi).chain(&means));
        let numeric = self.labels.iter().all(|l| l.parse::<f64>().is_ok());
        let (x0, x1) = match (self.xs.first(), self.xs.last()) {
            (Some(&a), Some(&z)) if z > a => (a, z),
            (Some(&a), _) => (a - 0.5, a + 0.5),
            _ => (0.0, 1.0),
        };
        let x = if numeric {
            let mut s = Scale::within(x0, x1, 6);
            // the swept values are the ticks, written as the sweep wrote them
            s.ticks = self.xs.clone();
            s.labels = self.labels.clone();
            s
        } else {
            Scale {
                lo: x0,
                hi: x1,
                ticks: self.xs.clone(),
                labels: self.labels.clone(),
                decimals: 0,
            }
        };
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(36)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x.axis(), y.axis())?;
        let fx = |v: &f64| x.label(*v);
        let fy = |v: &f64| y.label(*v);
        chart
            .configure_mesh()
            .x_desc(&self.key)
            .y_desc(&self.outcome)
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        style::band(&mut chart, &self.xs, &lo, &hi, 0, 0.22)?;
        let pts: Vec<(f64, f64)> = self.xs.iter().copied().zip(means).collect();
        style::line(&mut chart, pts.clone(), 0, 3, None)?;
        chart.draw_series(
            pts.iter()
                .filter(|p| p.1.is_finite())
                .map(|&p| Circle::new(p, 5, style::colour(0).filled())),
        )?;
        Ok(())
    }
}

/// Whether an outcome is the same everywhere: equal in every row, or with the same mean at
/// every point.
fn constant(c: &Csv, point_col: usize, col: usize) -> bool {
    let mut means: Vec<(String, f64, usize)> = Vec::new();
    for r in &c.rows {
        let v = num(&r[col]);
        match means.iter_mut().find(|m| m.0 == r[point_col]) {
            Some(m) => {
                m.1 += v;
                m.2 += 1;
            }
            None => means.push((r[point_col].clone(), v, 1)),
        }
    }
    let m: Vec<f64> = means.iter().map(|(_, s, n)| s / *n as f64).collect();
    m.windows(2)
        .all(|w| w[0] == w[1] || (w[0].is_nan() && w[1].is_nan()))
}

/// Draws sweep charts from `outcomes.csv` into `out`, one per outcome (`sweep-<outcome>`):
/// with two or more varied keys, a heat map over the first two (replicates, and the values
/// of any further keys, pooled per cell) of the mean, with the 95 % interval's half-width
/// under it and a colour bar of nice round ticks; with one varied key, the mean against the
/// knob's values with its 95 % interval as a band. The outcomes drawn are `outcome` if given,
/// else those `opts` selects ([`ChartOptions::outcomes`], [`ChartOptions::charts`]: the
/// default skips outcomes equal at every point). Titles and colour-bar titles use each
/// outcome's label ([`ChartOptions::label`]). An `outcomes.csv` with no rows or no varied key
/// draws nothing.
pub fn sweep_heatmap(
    outcomes: &Path,
    outcome: Option<&str>,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let c = Csv::read(outcomes)?;
    let mut written = Vec::new();
    if c.header.is_empty() || c.rows.is_empty() {
        return Ok(written);
    }
    let (keys, names) = sweep_columns(&c)?;
    if keys.is_empty() {
        return Ok(written);
    }
    let pc = c.need("point", "outcomes.csv")?;
    let chosen = match outcome {
        Some(o) => {
            super::options::check_outcomes(&[o.to_string()], &names)?;
            vec![o.to_string()]
        }
        None => opts.pick_outcomes(&names, |o| constant(&c, pc, c.col(o).unwrap_or(0)))?,
    };
    let key_cols: Vec<usize> = keys.iter().map(|k| c.col(k).unwrap_or(0)).collect();
    let key_label = |k: &str| opts.labels.get(k).cloned().unwrap_or_else(|| k.to_string());
    let reps = levels(&c, c.col("replicate").unwrap_or(0)).len();
    let reps_text = format!("{reps} replicate{}", if reps == 1 { "" } else { "s" });
    for name in &chosen {
        let oc = c.col(name).unwrap_or(0);
        let label = opts.label(name);
        let stem = format!("sweep-{}", slug(name));
        if keys.len() >= 2 {
            let xs = levels(&c, key_cols[0]);
            let ys = levels(&c, key_cols[1]);
            let mut vals = vec![vec![Vec::new(); xs.len()]; ys.len()];
            for row in &c.rows {
                let x = xs.iter().position(|v| *v == row[key_cols[0]]).unwrap_or(0);
                let y = ys.iter().position(|v| *v == row[key_cols[1]]).unwrap_or(0);
                vals[y][x].push(num(&row[oc]));
            }
            let cells: Vec<Vec<(f64, f64)>> = vals
                .iter()
                .map(|r| r.iter().map(|v| mean_ci(v)).collect())
                .collect();
            let means: Vec<f64> = cells.iter().flatten().map(|c| c.0).collect();
            let finite: Vec<f64> = means.iter().copied().filter(|v| v.is_finite()).collect();
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
            let scale = Scale::nice(lo, hi, 5);
            let decimals = cell_decimals(&finite);
            let rest = if keys.len() > 2 {
                format!("; pooled over {}", keys[2..].join(", "))
            } else {
                String::new()
            };
            let mut bar_title = wrap(&capitalised(&label), 24);
            bar_title.push(format!("mean over {reps_text}"));
            let chart = Heatmap {
                title: opts.title(
                    &stem,
                    format!(
                        "{}: mean by {} and {}",
                        capitalised(&label),
                        key_label(&keys[0]),
                        key_label(&keys[1])
                    ),
                ),
                subtitle: format!(
                    "each cell: mean over {reps_text} per point ± the half-width of its 95 % \
                     confidence interval{rest}"
                ),
                bar_title,
                x_key: key_label(&keys[0]),
                y_key: key_label(&keys[1]),
                xs,
                ys,
                cells,
                scale,
                decimals,
            };
            written.push(render(&chart, &out.join(&stem), opts)?);
        } else {
            let labels = levels(&c, key_cols[0]);
            let numeric = labels.iter().all(|l| l.parse::<f64>().is_ok());
            let xs: Vec<f64> = labels
                .iter()
                .enumerate()
                .map(|(k, l)| if numeric { num(l) } else { k as f64 })
                .collect();
            let cells: Vec<(f64, f64)> = labels
                .iter()
                .map(|l| {
                    let v: Vec<f64> = c
                        .rows
                        .iter()
                        .filter(|r| r[key_cols[0]] == *l)
                        .map(|r| num(&r[oc]))
                        .collect();
                    mean_ci(&v)
                })
                .collect();
            let chart = KnobLine {
                title: opts.title(
                    &stem,
                    format!("{} against {}", capitalised(&label), key_label(&keys[0])),
                ),
                subtitle: format!(
                    "mean (line) and its 95 % confidence interval (shaded) over {reps_text} per \
                     point"
                ),
                key: key_label(&keys[0]),
                outcome: format!("{label} (mean)"),
                xs,
                labels,
                cells,
            };
            written.push(render(&chart, &out.join(&stem), opts)?);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_columns_are_between_point_and_replicate() {
        let c = Csv::parse(
            "point,policy.impunity,policy.amnesty.scope,replicate,killed\n",
            "x",
        )
        .unwrap();
        let (keys, outcomes) = sweep_columns(&c).unwrap();
        assert_eq!(keys, ["policy.impunity", "policy.amnesty.scope"]);
        assert_eq!(outcomes, ["killed"]);
    }

    #[test]
    fn cells_share_one_format_and_the_interval_is_students() {
        let d = cell_decimals(&[1313.0, 1340.0, 120.5]);
        assert_eq!(d, 0);
        let (m, hw) = mean_ci(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((hw - 4.303 * 1.0 / 3f64.sqrt()).abs() < 1e-9);
        assert!(mean_ci(&[5.0]).1.is_nan());
    }
}
