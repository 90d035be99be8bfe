//! Sweep charts from `outcomes.csv` (`impunity sweep`): header
//! `point,<varied key>…,replicate,<outcome>…`, one row per point per replicate.

use super::lattice::{colour_bar, sequential};
use super::style::{self, fmt_num, slug};
use super::{Bands, ChartError, ChartOptions, Csv, Draw, num, render};
use plotters::coord::Shift;
use plotters::prelude::*;
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

struct Heatmap {
    title: String,
    subtitle: String,
    x_key: String,
    y_key: String,
    xs: Vec<String>,
    ys: Vec<String>,
    /// `mean[y][x]` (NaN: no data).
    mean: Vec<Vec<f64>>,
    outcome: String,
}

impl Draw for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (aw, _) = area.dim_in_pixel();
        let (plot, side) = area.split_horizontally(aw.saturating_sub(210));
        let (nx, ny) = (self.xs.len().max(1), self.ys.len().max(1));
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(36)
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
        let finite: Vec<f64> = self
            .mean
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let span = if hi > lo { hi - lo } else { 1.0 };
        for (y, row) in self.mean.iter().enumerate() {
            for (x, &v) in row.iter().enumerate() {
                let c = if v.is_finite() {
                    sequential((v - lo) / span)
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
                if v.is_finite() {
                    let dark = (v - lo) / span > 0.55;
                    let colour = if dark { WHITE } else { BLACK };
                    let font = style::tick_font().color(&colour).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    );
                    chart.draw_series(std::iter::once(Text::new(
                        fmt_num(v),
                        (SegmentValue::CenterOf(x0), SegmentValue::CenterOf(y0)),
                        font,
                    )))?;
                }
            }
        }
        let (_, sh) = side.dim_in_pixel();
        colour_bar(
            &side,
            (20, 90, 30, (sh as i32 - 200).max(60)),
            lo,
            hi,
            &format!("mean {}", self.outcome),
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
    bands: Bands,
}

impl Draw for KnobLine {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let b = &self.bands;
        let y = style::y_range(b.p5.iter().chain(&b.p95));
        let (x0, x1) = match (self.xs.first(), self.xs.last()) {
            (Some(&a), Some(&z)) if z > a => (a, z),
            (Some(&a), _) => (a - 0.5, a + 0.5),
            _ => (0.0, 1.0),
        };
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(36)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y.0..y.1)?;
        let numeric = self.labels.iter().all(|l| l.parse::<f64>().is_ok());
        let fx = |v: &f64| {
            if numeric {
                fmt_num(*v)
            } else {
                self.labels
                    .get(v.round().max(0.0) as usize)
                    .cloned()
                    .unwrap_or_default()
            }
        };
        let fy = |v: &f64| fmt_num(*v);
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
        style::band(&mut chart, &self.xs, &b.p5, &b.p95, 0, 0.12)?;
        style::band(&mut chart, &self.xs, &b.p25, &b.p75, 0, 0.25)?;
        let pts: Vec<(f64, f64)> = self.xs.iter().copied().zip(b.p50.iter().copied()).collect();
        style::line(&mut chart, pts.clone(), 0, 3, Some("median"))?;
        chart.draw_series(
            pts.iter()
                .filter(|p| p.1.is_finite())
                .map(|&p| Circle::new(p, 5, style::colour(0).filled())),
        )?;
        style::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// Draws sweep charts from `outcomes.csv` into `out`, one per outcome (or only `outcome`):
/// with two or more varied keys, a heat map of the outcome's mean over the first two (the mean
/// is over replicates and over the values of any further keys); with one varied key, a line of
/// the median over the knob's values with 50 % and 90 % bands across replicates. Files are
/// `sweep-<outcome>`. An `outcomes.csv` with no rows or no varied key draws nothing.
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
    let key_cols: Vec<usize> = keys.iter().map(|k| c.col(k).unwrap_or(0)).collect();
    let reps = levels(&c, c.col("replicate").unwrap_or(0)).len();
    for name in names.iter().filter(|n| outcome.is_none_or(|o| o == *n)) {
        let oc = c.col(name).unwrap_or(0);
        let chart_path = out.join(format!("sweep-{}", slug(name)));
        if keys.len() >= 2 {
            let xs = levels(&c, key_cols[0]);
            let ys = levels(&c, key_cols[1]);
            let mut sum = vec![vec![(0.0, 0usize); xs.len()]; ys.len()];
            for row in &c.rows {
                let x = xs.iter().position(|v| *v == row[key_cols[0]]).unwrap_or(0);
                let y = ys.iter().position(|v| *v == row[key_cols[1]]).unwrap_or(0);
                let v = num(&row[oc]);
                if v.is_finite() {
                    sum[y][x].0 += v;
                    sum[y][x].1 += 1;
                }
            }
            let mean = sum
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|&(s, n)| if n > 0 { s / n as f64 } else { f64::NAN })
                        .collect()
                })
                .collect();
            let rest = if keys.len() > 2 {
                format!(", averaged over {}", keys[2..].join(", "))
            } else {
                String::new()
            };
            let chart = Heatmap {
                title: format!("Sweep: mean {name}"),
                subtitle: format!("mean over {reps} replicate(s) per point{rest}"),
                x_key: keys[0].clone(),
                y_key: keys[1].clone(),
                xs,
                ys,
                mean,
                outcome: name.clone(),
            };
            written.push(render(&chart, &chart_path, opts)?);
        } else {
            let labels = levels(&c, key_cols[0]);
            let numeric = labels.iter().all(|l| l.parse::<f64>().is_ok());
            let xs: Vec<f64> = labels
                .iter()
                .enumerate()
                .map(|(k, l)| if numeric { num(l) } else { k as f64 })
                .collect();
            let per_level: Vec<Vec<f64>> = labels
                .iter()
                .map(|l| {
                    c.rows
                        .iter()
                        .filter(|r| r[key_cols[0]] == *l)
                        .map(|r| num(&r[oc]))
                        .collect()
                })
                .collect();
            // Bands::of wants one series per replicate over "ticks": here the levels are the
            // ticks, so transpose into per-level columns of equal treatment.
            let mut bands = Bands::default();
            for v in &per_level {
                let b = Bands::of(&v.iter().map(|&x| vec![x]).collect::<Vec<_>>());
                bands.p5.push(b.p5[0]);
                bands.p25.push(b.p25[0]);
                bands.p50.push(b.p50[0]);
                bands.p75.push(b.p75[0]);
                bands.p95.push(b.p95[0]);
            }
            let chart = KnobLine {
                title: format!("Sweep: {name} against {}", keys[0]),
                subtitle: format!(
                    "median (line), 50 % and 90 % bands (shaded) across {reps} replicate(s)"
                ),
                key: keys[0].clone(),
                outcome: name.clone(),
                xs,
                labels,
                bands,
            };
            written.push(render(&chart, &chart_path, opts)?);
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
}
