//! Time-series charts: fan charts across replicates and one replicate's own series.
//!
//! Every chart keeps its legend in a column of its own, right of the plots, so that no legend
//! ever covers data; the time axis is ticked at month (or year) starts for calendar
//! scenarios; counts are drawn from 0, indices (legitimacy) over their own range with a margin,
//! said in the subtitle.

use super::groups::{KeyGroup, key_groups};
use super::scale::{Scale, time_scale};
use super::style::{self, Chart2d};
use super::{
    Bands, ChartError, ChartOptions, ChartSet, Draw, RunInfo, Timeseries, cumulative, render,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One series of one replicate, as the chart shows it (cumulated for flows; the values are
/// the file's own, already in the run's unit).
fn prepared(ts: &Timeseries, k: usize, metric: &str, g: &KeyGroup) -> Vec<f64> {
    let raw = ts.series(k, metric).unwrap_or(&[]);
    if g.cumulative {
        cumulative(raw)
    } else {
        raw.to_vec()
    }
}

fn y_desc(g: &KeyGroup, info: &RunInfo) -> String {
    if g.counts {
        info.count_unit().to_string()
    } else {
        g.y_desc.clone()
    }
}

/// The y scale of a group's values: from 0 for counts, fitted (within 0 to 1) for indices.
fn y_scale<'a>(g: &KeyGroup, values: impl IntoIterator<Item = &'a f64>) -> Scale {
    if g.counts {
        Scale::counts(values)
    } else {
        Scale::fitted(values, Some((0.0, 1.0)))
    }
}

/// What the subtitle says of a fitted axis ("" for counts, drawn from 0).
fn y_note(g: &KeyGroup, y: &Scale) -> String {
    if g.counts {
        String::new()
    } else {
        format!(
            "; y axis from {} to {} (fitted to the data)",
            y.fmt(y.lo),
            y.fmt(y.hi)
        )
    }
}

/// The legend label of metric `m` of a group (its default label `l`, or the user's).
fn series_label(opts: &ChartOptions, m: &str, l: &str) -> String {
    opts.labels.get(m).cloned().unwrap_or_else(|| l.to_string())
}

/// Configures a time chart's mesh: the time axis's ticks, the y scale's, light grid lines.
fn mesh<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    x: &Scale,
    y: &Scale,
    x_desc: &str,
    y_desc: &str,
) -> Result<(), ChartError> {
    let fx = |v: &f64| x.label(*v);
    let fy = |v: &f64| y.label(*v);
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(style::label_font())
        .label_style(style::tick_font())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .light_line_style(WHITE)
        .bold_line_style(BLACK.mix(0.08))
        .draw()?;
    Ok(())
}

fn x_desc(dates: &[String]) -> &'static str {
    if dates.iter().any(|d| !d.is_empty()) {
        "date"
    } else {
        "tick"
    }
}

/// Splits `area` into the plots and a legend column for `labels` (none without labels).
fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
) -> (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>) {
    if labels.is_empty() {
        return (area.clone(), None);
    }
    let (w, _) = area.dim_in_pixel();
    let lw = style::side_legend_width(labels).min(w / 3);
    let (plot, side) = area.split_horizontally(w - lw);
    (plot, Some(side))
}

struct FanChart {
    title: String,
    subtitle: String,
    y_desc: String,
    x: Scale,
    x_desc: &'static str,
    y: Scale,
    series: Vec<(String, Bands)>,
}

impl Draw for FanChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let labels: Vec<String> = self.series.iter().map(|(l, _)| l.clone()).collect();
        let (plot, side) = with_legend(&area, &labels);
        let x = self.x.fit_width(plot.dim_in_pixel().0.saturating_sub(116));
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(x.axis(), self.y.axis())?;
        mesh(&mut chart, &x, &self.y, self.x_desc, &self.y_desc)?;
        // with several series, the 90 % bands of one hide the others: the 50 % bands only
        let wide = self.series.len() <= 2;
        for (i, (_, b)) in self.series.iter().enumerate() {
            let x: Vec<f64> = (0..b.len()).map(|t| t as f64).collect();
            if wide {
                style::band(&mut chart, &x, &b.p5, &b.p95, i, 0.10)?;
            }
            style::band(&mut chart, &x, &b.p25, &b.p75, i, 0.22)?;
        }
        for (i, (_, b)) in self.series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = b
                .p50
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(t, &v)| (t as f64, v))
                .collect();
            style::line(&mut chart, pts, i, 3, None)?;
        }
        if let Some(side) = side {
            style::side_legend(&side, &labels, 60)?;
        }
        Ok(())
    }
}

/// The bands text of a fan chart's subtitle.
fn bands_text(series: usize) -> &'static str {
    if series <= 2 {
        "median (line), 50 % and 90 % bands (shaded)"
    } else {
        "median (line) and 50 % band (shaded)"
    }
}

/// Draws a fan chart per key group of `ts` into `out` (`fan-<stem>`): the median across
/// replicates as a line, the 50 % band (25th–75th percentiles, exact per tick) shaded, and the
/// 90 % band (5th–95th) too when the chart has one or two series. Series that are zero
/// throughout in every replicate are left out (unless all are, or the set is
/// [`ChartSet::All`]). Draws nothing for a file with no rows.
pub(crate) fn fan_charts(
    ts: &Timeseries,
    info: &RunInfo,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = Vec::new();
    if ts.replicates.is_empty() || ts.ticks() == 0 {
        return Ok(written);
    }
    let x = time_scale(ts.ticks(), &ts.dates);
    let n = ts.replicates.len();
    for g in key_groups(&ts.metrics) {
        let mut series = Vec::new();
        let mut zero = Vec::new();
        for (m, label) in &g.metrics {
            let per_rep: Vec<Vec<f64>> = (0..n).map(|k| prepared(ts, k, m, &g)).collect();
            let nonzero = per_rep.iter().flatten().any(|&v| v != 0.0 && !v.is_nan());
            let s = (series_label(opts, m, label), Bands::of(&per_rep));
            if nonzero || opts.charts == ChartSet::All {
                series.push(s)
            } else {
                zero.push(s)
            }
        }
        if series.is_empty() {
            // all zero: draw them all (a flat chart says "none" better than no chart)
            series = zero;
        }
        let y = y_scale(
            &g,
            series.iter().flat_map(|(_, b)| b.p5.iter().chain(&b.p95)),
        );
        let stem = format!("fan-{}", g.stem);
        let chart = FanChart {
            title: opts.title(&stem, g.title.clone()),
            subtitle: format!(
                "{} across {n} replicate{}{}",
                bands_text(series.len()),
                if n == 1 { "" } else { "s" },
                y_note(&g, &y)
            ),
            y_desc: y_desc(&g, info),
            x: x.clone(),
            x_desc: x_desc(&ts.dates),
            y,
            series,
        };
        written.push(render(&chart, &out.join(stem), opts)?);
    }
    Ok(written)
}

/// One panel of a chart comparing points: a metric, and per point its bands.
struct PointPanel {
    title: String,
    series: Vec<Bands>,
    y: Scale,
}

/// Small multiples, one panel per metric of a key group, each with one line (median across
/// replicates) and 50 % band per point of a sweep or comparison; one legend beside them all.
struct PointsChart {
    title: String,
    subtitle: String,
    y_desc: String,
    x: Scale,
    x_desc: &'static str,
    labels: Vec<String>,
    panels: Vec<PointPanel>,
}

impl Draw for PointsChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (sub, area) = area.split_vertically(24);
        sub.draw_text(
            &self.subtitle,
            &style::tick_font().pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            )),
            ((sub.dim_in_pixel().0 / 2) as i32, 2),
        )?;
        let (plots, side) = with_legend(&area, &self.labels);
        let n = self.panels.len().max(1);
        let cols = (n as f64).sqrt().ceil() as usize;
        let rows = n.div_ceil(cols);
        let parts = plots.split_evenly((rows, cols));
        for (p, panel) in self.panels.iter().enumerate() {
            let x = self
                .x
                .fit_width(parts[p].dim_in_pixel().0.saturating_sub(102));
            let mut chart = ChartBuilder::on(&parts[p])
                .caption(&panel.title, style::label_font())
                .margin(8)
                .margin_right(24)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(x.axis(), panel.y.axis())?;
            mesh(&mut chart, &x, &panel.y, self.x_desc, &self.y_desc)?;
            for (i, b) in panel.series.iter().enumerate() {
                let x: Vec<f64> = (0..b.len()).map(|t| t as f64).collect();
                style::band(&mut chart, &x, &b.p25, &b.p75, i, 0.18)?;
            }
            for (i, b) in panel.series.iter().enumerate() {
                let pts: Vec<(f64, f64)> = b
                    .p50
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(t, &v)| (t as f64, v))
                    .collect();
                style::line(&mut chart, pts, i, 2, None)?;
            }
        }
        if let Some(side) = side {
            style::side_legend(&side, &self.labels, 40)?;
        }
        Ok(())
    }
}

/// Draws, for a sweep or comparison, one chart per key group (`fan-<stem>`) with a panel per
/// metric of the group and, in each panel, one line (the median across replicates) and 50 %
/// band per point, labelled with `labels` (a comparison's baseline and variants, a sweep's
/// values). Metrics zero throughout at every point are left out (unless all are, or the set is
/// [`ChartSet::All`]).
pub(crate) fn fan_charts_points(
    points: &[(String, Timeseries)],
    info: &RunInfo,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let mut written = Vec::new();
    let Some((_, first)) = points.first() else {
        return Ok(written);
    };
    let ticks = points.iter().map(|(_, t)| t.ticks()).max().unwrap_or(0);
    if ticks == 0 {
        return Ok(written);
    }
    let dates = points
        .iter()
        .map(|(_, t)| &t.dates)
        .max_by_key(|d| d.len())
        .cloned()
        .unwrap_or_default();
    let x = time_scale(ticks, &dates);
    let reps: Vec<usize> = points.iter().map(|(_, t)| t.replicates.len()).collect();
    let reps_text = if reps.iter().all(|&r| r == reps[0]) {
        format!(
            "{} replicate{} per point",
            reps[0],
            if reps[0] == 1 { "" } else { "s" }
        )
    } else {
        format!("{reps:?} replicates per point")
    };
    for g in key_groups(&first.metrics) {
        let mut panels = Vec::new();
        let mut zero = Vec::new();
        for (m, label) in &g.metrics {
            let mut nonzero = false;
            let series: Vec<Bands> = points
                .iter()
                .map(|(_, ts)| {
                    let per_rep: Vec<Vec<f64>> = (0..ts.replicates.len())
                        .map(|k| prepared(ts, k, m, &g))
                        .collect();
                    nonzero |= per_rep.iter().flatten().any(|&v| v != 0.0 && !v.is_nan());
                    Bands::of(&per_rep)
                })
                .collect();
            let y = y_scale(
                &g,
                series
                    .iter()
                    .flat_map(|b| b.p25.iter().chain(&b.p75).chain(&b.p50)),
            );
            let panel = PointPanel {
                title: series_label(opts, m, label),
                series,
                y,
            };
            if nonzero || opts.charts == ChartSet::All {
                panels.push(panel);
            } else {
                zero.push(panel);
            }
        }
        if panels.is_empty() {
            panels = zero;
        }
        let note = if g.counts {
            ""
        } else {
            "; y axes fitted to the data"
        };
        let stem = format!("fan-{}", g.stem);
        let chart = PointsChart {
            title: opts.title(&stem, g.title.clone()),
            subtitle: format!(
                "median (line) and 50 % band (shaded) across {reps_text}; one line per {}{note}",
                if points.iter().any(|(l, _)| l == "baseline") {
                    "variant"
                } else {
                    "point"
                }
            ),
            y_desc: y_desc(&g, info),
            x: x.clone(),
            x_desc: x_desc(&dates),
            labels: points.iter().map(|(l, _)| l.clone()).collect(),
            panels,
        };
        written.push(render(&chart, &out.join(stem), opts)?);
    }
    Ok(written)
}

/// A panel: title, y-axis description, y scale, and (label, values) per series.
type Panel = (String, String, Scale, Vec<(String, Vec<f64>)>);

struct ReplicateChart {
    title: String,
    x: Scale,
    x_desc: &'static str,
    panels: Vec<Panel>,
}

impl Draw for ReplicateChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let parts = area.split_evenly((self.panels.len().max(1), 1));
        for (p, (name, y_desc, y, series)) in self.panels.iter().enumerate() {
            let labels: Vec<String> = if series.len() > 1 {
                series.iter().map(|(l, _)| l.clone()).collect()
            } else {
                Vec::new()
            };
            let (plot, side) = with_legend(&parts[p], &labels);
            let x = self.x.fit_width(plot.dim_in_pixel().0.saturating_sub(114));
            let mut chart = ChartBuilder::on(&plot)
                .caption(name, style::label_font())
                .margin(10)
                .margin_right(24)
                .x_label_area_size(44)
                .y_label_area_size(80)
                .build_cartesian_2d(x.axis(), y.axis())?;
            mesh(&mut chart, &x, y, self.x_desc, y_desc)?;
            for (i, (_, v)) in series.iter().enumerate() {
                let pts: Vec<(f64, f64)> = v
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(t, &v)| (t as f64, v))
                    .collect();
                style::line(&mut chart, pts, i, 2, None)?;
            }
            if let Some(side) = side {
                style::side_legend(&side, &labels, 50)?;
            }
        }
        Ok(())
    }
}

/// Draws one replicate's own time series (`replicate-<r>`): the first two key groups, one panel
/// each (for Epstein's Model I, actives and jailed: the punctuated equilibrium of the paper's
/// figures 3 and 4). With `point` (its number and label, in a sweep or comparison) the file is
/// `replicate-<r>-p<point>` and the title names the point. Returns `None` if the file has no
/// such replicate.
pub(crate) fn replicate_chart(
    ts: &Timeseries,
    info: &RunInfo,
    replicate: u64,
    point: Option<(u64, &str)>,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Option<PathBuf>, ChartError> {
    let Some(k) = ts.replicates.iter().position(|&r| r == replicate) else {
        return Ok(None);
    };
    let groups = key_groups(&ts.metrics);
    let mut panels = Vec::new();
    for g in groups.iter().take(2) {
        let series: Vec<(String, Vec<f64>)> = g
            .metrics
            .iter()
            .map(|(m, l)| (series_label(opts, m, l), prepared(ts, k, m, g)))
            .filter(|(_, v)| g.metrics.len() == 1 || v.iter().any(|&x| x != 0.0))
            .collect();
        if !series.is_empty() {
            let y = y_scale(g, series.iter().flat_map(|(_, v)| v.iter()));
            panels.push((g.title.clone(), y_desc(g, info), y, series));
        }
    }
    if panels.is_empty() {
        // no key metric: every column, one panel
        let series: Vec<(String, Vec<f64>)> = ts
            .metrics
            .iter()
            .map(|m| (opts.label(m), ts.series(k, m).unwrap_or(&[]).to_vec()))
            .collect();
        let y = Scale::counts(series.iter().flat_map(|(_, v)| v.iter()));
        panels.push(("All metrics".into(), "value".into(), y, series));
    }
    let name = if info.scenario.is_empty() {
        String::new()
    } else {
        format!("{}: ", info.scenario)
    };
    let (title, stem) = match point {
        Some((p, label)) => (
            format!("{name}{label}, replicate {replicate}"),
            format!("replicate-{replicate}-p{p}"),
        ),
        None => (
            format!("{name}replicate {replicate}"),
            format!("replicate-{replicate}"),
        ),
    };
    let chart = ReplicateChart {
        title: opts.title(&stem, title),
        x: time_scale(ts.ticks(), &ts.dates),
        x_desc: x_desc(&ts.dates),
        panels,
    };
    Ok(Some(render(&chart, &out.join(stem), opts)?))
}
