//! Time-series charts: fan charts across replicates and one replicate's own series.

use super::style::{self, fmt_num};
use super::{Bands, ChartError, ChartOptions, Draw, RunInfo, Timeseries, cumulative, render};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// A group of metrics drawn on one chart (e.g. civilians killed, one series per perpetrator).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyGroup {
    /// File name stem (`fan-<stem>`).
    pub stem: String,
    /// Chart title.
    pub title: String,
    /// Columns of `timeseries.csv`, with their legend labels.
    pub metrics: Vec<(String, String)>,
    /// Flows summed over time (killings so far) rather than shown per tick.
    pub cumulative: bool,
    /// Counts of persons (in the run's unit), rather than a share or an index.
    pub counts: bool,
    /// The y-axis description when not counts.
    pub y_desc: String,
}

/// The key metric groups among `metrics` (the columns of a `timeseries.csv`), in drawing order:
/// civilians killed by perpetrator (cumulative), by community of the victims, legitimacy per
/// community, fighters per group; for Epstein's Model I actives and jailed; for Model II the
/// living per community and the killed (cumulative).
pub(crate) fn key_groups(metrics: &[String]) -> Vec<KeyGroup> {
    let with = |prefix: &str, skip: &str| -> Vec<(String, String)> {
        metrics
            .iter()
            .filter(|m| m.starts_with(prefix) && (skip.is_empty() || !m.starts_with(skip)))
            .map(|m| (m.clone(), m[prefix.len()..].replace('_', " ")))
            .collect()
    };
    let group =
        |stem: &str, title: &str, ms: Vec<(String, String)>, cum: bool, counts: bool| KeyGroup {
            stem: stem.into(),
            title: title.into(),
            metrics: ms,
            cumulative: cum,
            counts,
            y_desc: String::new(),
        };
    let mut out = Vec::new();
    let killed_by = with("new_killed_civilians_", "");
    let conflict = !killed_by.is_empty();
    if conflict {
        out.push(group(
            "killed-civilians",
            "Civilians killed by perpetrator, cumulative",
            killed_by,
            true,
            true,
        ));
        let of = with("new_killed_", "new_killed_civilians_");
        if !of.is_empty() {
            out.push(group(
                "killed-by-community",
                "Civilians killed by community of the victims, cumulative",
                of,
                true,
                true,
            ));
        }
    }
    let leg = with("legitimacy_", "");
    if !leg.is_empty() {
        let mut g = group(
            "legitimacy",
            "State legitimacy in each community's eyes",
            leg,
            false,
            false,
        );
        g.y_desc = "legitimacy L (0 to 1)".into();
        out.push(g);
    }
    let fighters = with("fighters_", "");
    if !fighters.is_empty() {
        out.push(group(
            "fighters",
            "Fighters per armed group",
            fighters,
            false,
            true,
        ));
    }
    if !conflict {
        let alive = with("alive_", "");
        let model2 = !alive.is_empty();
        if model2 {
            out.push(group(
                "alive",
                "Living persons per community",
                alive,
                false,
                true,
            ));
        }
        if metrics.iter().any(|m| m == "new_killed") {
            out.push(group(
                "killed",
                "Persons killed, cumulative",
                vec![("new_killed".into(), "killed".into())],
                true,
                true,
            ));
        }
        for (m, t) in [("active", "Active rebels"), ("jailed", "Jailed persons")] {
            if !model2 && metrics.iter().any(|x| x == m) {
                out.push(group(m, t, vec![(m.into(), m.into())], false, true));
            }
        }
    }
    out
}

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

/// The x axis: ticks, or dates for calendar scenarios.
#[derive(Clone)]
struct TimeAxis {
    ticks: usize,
    dates: Vec<String>,
}

impl TimeAxis {
    fn desc(&self) -> &'static str {
        if self.dates.iter().any(|d| !d.is_empty()) {
            "date"
        } else {
            "tick"
        }
    }
    fn label(&self, x: f64) -> String {
        let t = x.round().max(0.0) as usize;
        match self.dates.get(t) {
            Some(d) if !d.is_empty() => d.clone(),
            _ => fmt_num(x),
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        0.0..(self.ticks.saturating_sub(1).max(1) as f64)
    }
}

struct FanChart {
    title: String,
    subtitle: String,
    y_desc: String,
    axis: TimeAxis,
    series: Vec<(String, Bands)>,
}

impl Draw for FanChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let y = style::y_range(
            self.series
                .iter()
                .flat_map(|(_, b)| b.p5.iter().chain(&b.p95)),
        );
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.subtitle, style::tick_font())
            .margin(12)
            .margin_right(36)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(self.axis.range(), y.0..y.1)?;
        let fx = |x: &f64| self.axis.label(*x);
        let fy = |v: &f64| fmt_num(*v);
        chart
            .configure_mesh()
            .x_desc(self.axis.desc())
            .y_desc(&self.y_desc)
            .axis_desc_style(style::label_font())
            .label_style(style::tick_font())
            .x_labels(6)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        let n = self.series.len();
        for (i, (_, b)) in self.series.iter().enumerate() {
            let x: Vec<f64> = (0..b.len()).map(|t| t as f64).collect();
            style::band(&mut chart, &x, &b.p5, &b.p95, i, 0.12)?;
            style::band(&mut chart, &x, &b.p25, &b.p75, i, 0.25)?;
        }
        for (i, (label, b)) in self.series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = b
                .p50
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(t, &v)| (t as f64, v))
                .collect();
            style::line(&mut chart, pts, i, 3, Some(label))?;
        }
        if n > 0 {
            style::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        Ok(())
    }
}

/// Draws a fan chart per key group of `ts` into `out` (`fan-<stem>`): the median across
/// replicates as a line, the 50 % and 90 % bands (25th–75th and 5th–95th percentiles, exact
/// per tick) shaded. Series that are zero throughout in every replicate are left out (unless
/// all are). Draws nothing for a file with no rows.
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
    let axis = TimeAxis {
        ticks: ts.ticks(),
        dates: ts.dates.clone(),
    };
    let n = ts.replicates.len();
    for g in key_groups(&ts.metrics) {
        let mut series = Vec::new();
        let mut zero = Vec::new();
        for (m, label) in &g.metrics {
            let per_rep: Vec<Vec<f64>> = (0..n).map(|k| prepared(ts, k, m, &g)).collect();
            let nonzero = per_rep.iter().flatten().any(|&v| v != 0.0 && !v.is_nan());
            let s = (label.clone(), Bands::of(&per_rep));
            if nonzero {
                series.push(s)
            } else {
                zero.push(s)
            }
        }
        if series.is_empty() {
            // all zero: draw them all (a flat chart says "none" better than no chart)
            series = zero;
        }
        let chart = FanChart {
            title: g.title.clone(),
            subtitle: format!(
                "median (line), 50 % and 90 % bands (shaded) across {n} replicate{}",
                if n == 1 { "" } else { "s" }
            ),
            y_desc: y_desc(&g, info),
            axis: axis.clone(),
            series,
        };
        written.push(render(&chart, &out.join(format!("fan-{}", g.stem)), opts)?);
    }
    Ok(written)
}

/// One panel of a chart comparing points: a metric, and per point its bands.
struct PointPanel {
    title: String,
    series: Vec<Bands>,
}

/// Small multiples, one panel per metric of a key group, each with one line (median across
/// replicates) and 50 % band per point of a sweep or comparison.
struct PointsChart {
    title: String,
    subtitle: String,
    y_desc: String,
    axis: TimeAxis,
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
        let n = self.panels.len().max(1);
        let cols = (n as f64).sqrt().ceil() as usize;
        let rows = n.div_ceil(cols);
        let parts = area.split_evenly((rows, cols));
        for (p, panel) in self.panels.iter().enumerate() {
            let y = style::y_range(panel.series.iter().flat_map(|b| b.p25.iter().chain(&b.p75)));
            let y = style::y_range(
                panel
                    .series
                    .iter()
                    .flat_map(|b| b.p50.iter())
                    .chain([&y.0, &y.1]),
            );
            let mut chart = ChartBuilder::on(&parts[p])
                .caption(&panel.title, style::label_font())
                .margin(8)
                .margin_right(40)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(self.axis.range(), y.0..y.1)?;
            let fx = |x: &f64| self.axis.label(*x);
            let fy = |v: &f64| fmt_num(*v);
            chart
                .configure_mesh()
                .x_desc(self.axis.desc())
                .y_desc(&self.y_desc)
                .axis_desc_style(style::tick_font())
                .label_style(style::tick_font())
                .x_labels(4)
                .y_labels(5)
                .x_label_formatter(&fx)
                .y_label_formatter(&fy)
                .light_line_style(WHITE)
                .bold_line_style(BLACK.mix(0.08))
                .draw()?;
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
                let label = (p == 0).then(|| self.labels[i].as_str());
                style::line(&mut chart, pts, i, 2, label)?;
            }
            if p == 0 && !self.labels.is_empty() {
                style::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            }
        }
        Ok(())
    }
}

/// Draws, for a sweep or comparison, one chart per key group (`fan-<stem>`) with a panel per
/// metric of the group and, in each panel, one line (the median across replicates) and 50 %
/// band per point, labelled with `labels` (a comparison's baseline and variants, a sweep's
/// values). Metrics zero throughout at every point are left out (unless all are).
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
    let axis = TimeAxis {
        ticks,
        dates: points
            .iter()
            .map(|(_, t)| &t.dates)
            .max_by_key(|d| d.len())
            .cloned()
            .unwrap_or_default(),
    };
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
            let panel = PointPanel {
                title: label.clone(),
                series,
            };
            if nonzero {
                panels.push(panel);
            } else {
                zero.push(panel);
            }
        }
        if panels.is_empty() {
            panels = zero;
        }
        let chart = PointsChart {
            title: g.title.clone(),
            subtitle: format!(
                "median (line) and 50 % band (shaded) across {reps_text}; one line per {}",
                if points.iter().any(|(l, _)| l == "baseline") {
                    "variant"
                } else {
                    "point"
                }
            ),
            y_desc: y_desc(&g, info),
            axis: axis.clone(),
            labels: points.iter().map(|(l, _)| l.clone()).collect(),
            panels,
        };
        written.push(render(&chart, &out.join(format!("fan-{}", g.stem)), opts)?);
    }
    Ok(written)
}

/// A panel: title, y-axis description, and (label, values) per series.
type Panel = (String, String, Vec<(String, Vec<f64>)>);

struct ReplicateChart {
    title: String,
    axis: TimeAxis,
    panels: Vec<Panel>,
}

impl Draw for ReplicateChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let parts = area.split_evenly((self.panels.len().max(1), 1));
        for (p, (name, y_desc, series)) in self.panels.iter().enumerate() {
            let y = style::y_range(series.iter().flat_map(|(_, v)| v.iter()));
            let mut chart = ChartBuilder::on(&parts[p])
                .caption(name, style::label_font())
                .margin(10)
                .margin_right(36)
                .x_label_area_size(44)
                .y_label_area_size(80)
                .build_cartesian_2d(self.axis.range(), y.0..y.1)?;
            let fx = |x: &f64| self.axis.label(*x);
            let fy = |v: &f64| fmt_num(*v);
            chart
                .configure_mesh()
                .x_desc(self.axis.desc())
                .y_desc(y_desc)
                .axis_desc_style(style::label_font())
                .label_style(style::tick_font())
                .x_labels(6)
                .y_labels(5)
                .x_label_formatter(&fx)
                .y_label_formatter(&fy)
                .light_line_style(WHITE)
                .bold_line_style(BLACK.mix(0.08))
                .draw()?;
            for (i, (label, v)) in series.iter().enumerate() {
                let pts: Vec<(f64, f64)> = v
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(t, &v)| (t as f64, v))
                    .collect();
                let l = (series.len() > 1).then_some(label.as_str());
                style::line(&mut chart, pts, i, 2, l)?;
            }
            if series.len() > 1 {
                style::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
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
            .map(|(m, l)| (l.clone(), prepared(ts, k, m, g)))
            .filter(|(_, v)| g.metrics.len() == 1 || v.iter().any(|&x| x != 0.0))
            .collect();
        if !series.is_empty() {
            panels.push((g.title.clone(), y_desc(g, info), series));
        }
    }
    if panels.is_empty() {
        // no key metric: every column, one panel
        let series = ts
            .metrics
            .iter()
            .map(|m| (m.clone(), ts.series(k, m).unwrap_or(&[]).to_vec()))
            .collect();
        panels.push(("All metrics".into(), "value".into(), series));
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
        title,
        axis: TimeAxis {
            ticks: ts.ticks(),
            dates: ts.dates.clone(),
        },
        panels,
    };
    Ok(Some(render(&chart, &out.join(stem), opts)?))
}

#[cfg(test)]
mod tests {
    use super::key_groups;

    fn stems(metrics: &[&str]) -> Vec<String> {
        let m: Vec<String> = metrics.iter().map(|s| s.to_string()).collect();
        key_groups(&m).into_iter().map(|g| g.stem).collect()
    }

    #[test]
    fn key_groups_follow_the_columns_present() {
        assert_eq!(
            stems(&["quiescent", "active", "jailed", "cops"]),
            ["active", "jailed"]
        );
        assert_eq!(
            stems(&[
                "new_killed_civilians_state",
                "legitimacy_peul",
                "fighters_jnim",
                "active"
            ]),
            ["killed-civilians", "legitimacy", "fighters"]
        );
        let m = ["new_killed_civilians_state", "legitimacy_peul"].map(String::from);
        let g = key_groups(&m);
        assert!(g[0].cumulative && g[0].counts && !g[1].counts);
    }
}
