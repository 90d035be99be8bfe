//! Killings per region on the scenario's map.

use super::bar::{colour_bar, position, sequential};
use super::scale::{Scale, fmt_fixed};
use super::style;
use super::{ChartError, ChartOptions, Csv, Draw, RunInfo, num, render};
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Cells outside every region.
const OUTSIDE: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

struct RegionMap {
    title: String,
    subtitle: String,
    map: Vec<Vec<char>>,
    /// Map character → (region name, value).
    regions: Vec<(char, String, f64)>,
    /// Colour-bar title lines.
    unit: Vec<String>,
    /// The colour scale (shared by the maps of every point).
    scale: Scale,
}

impl Draw for RegionMap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        area.draw(&Text::new(
            self.subtitle.clone(),
            (12, 2),
            style::tick_font(),
        ))?;
        let (aw, ah) = area.dim_in_pixel();
        let rows = self.map.len();
        let cols = self.map.iter().map(Vec::len).max().unwrap_or(0);
        if rows == 0 || cols == 0 {
            return Ok(());
        }
        let bar_w = 200;
        let (mw, mh) = (aw.saturating_sub(bar_w + 30), ah.saturating_sub(40));
        let px = ((mw as usize / cols).min(mh as usize / rows)).max(1) as i32;
        let (ox, oy) = (20, 30);
        let value = |ch: char| self.regions.iter().find(|r| r.0 == ch).map(|r| r.2);
        for (y, row) in self.map.iter().enumerate() {
            for (x, &ch) in row.iter().enumerate() {
                let colour = match value(ch) {
                    Some(v) => sequential(position(&self.scale, v)),
                    None => OUTSIDE,
                };
                let (x0, y0) = (ox + x as i32 * px, oy + y as i32 * px);
                area.draw(&Rectangle::new(
                    [(x0, y0), (x0 + px, y0 + px)],
                    colour.filled(),
                ))?;
            }
        }
        // borders between regions
        for (y, row) in self.map.iter().enumerate() {
            for (x, &ch) in row.iter().enumerate() {
                let (x0, y0) = (ox + x as i32 * px, oy + y as i32 * px);
                if row.get(x + 1).is_some_and(|&c| c != ch) {
                    area.draw(&PathElement::new(
                        vec![(x0 + px, y0), (x0 + px, y0 + px)],
                        BLACK.stroke_width(2),
                    ))?;
                }
                if self
                    .map
                    .get(y + 1)
                    .and_then(|r| r.get(x))
                    .is_some_and(|&c| c != ch)
                {
                    area.draw(&PathElement::new(
                        vec![(x0, y0 + px), (x0 + px, y0 + px)],
                        BLACK.stroke_width(2),
                    ))?;
                }
            }
        }
        // labels at each region's centre of mass
        for (ch, name, v) in &self.regions {
            let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
            for (y, row) in self.map.iter().enumerate() {
                for (x, &c) in row.iter().enumerate() {
                    if c == *ch {
                        sx += x as f64 + 0.5;
                        sy += y as f64 + 0.5;
                        n += 1.0;
                    }
                }
            }
            if n == 0.0 {
                continue;
            }
            let (cx, cy) = (
                ox + (sx / n * px as f64) as i32,
                oy + (sy / n * px as f64) as i32,
            );
            let text = format!("{name}: {}", fmt_fixed(v.round(), 0));
            let w = (text.chars().count() as i32) * 9 + 8;
            area.draw(&Rectangle::new(
                [(cx - w / 2, cy - 11), (cx + w / 2, cy + 11)],
                WHITE.mix(0.85).filled(),
            ))?;
            area.draw(&Text::new(
                text,
                (cx, cy),
                style::tick_font().pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                )),
            ))?;
        }
        let bx = ox + cols as i32 * px + 40;
        let top = 40 + 22 * self.unit.len() as i32;
        colour_bar(
            &area,
            (bx, oy + top, 30, (rows as i32 * px - top).max(60)),
            &self.scale,
            &self.unit,
        )?;
        Ok(())
    }
}

/// A region's map character, name and value.
type Region = (char, String, f64);

/// Civilians killed per region (map character, name, mean over replicates) among `events`
/// (the rows of `events.csv`, of `point` only when given), and the number of replicates.
fn region_values(
    events: &Csv,
    s: &Scenario,
    info: &RunInfo,
    point: Option<u64>,
) -> Result<(Vec<Region>, f64), ChartError> {
    let Some(regions) = s.world.regions.as_ref() else {
        return Ok((Vec::new(), 1.0));
    };
    let names: Vec<(char, String)> = regions
        .legend
        .iter()
        .filter_map(|(k, v)| k.chars().next().map(|c| (c, v.clone())))
        .collect();
    let mut totals = vec![0.0; names.len()];
    let mut reps: Vec<String> = Vec::new();
    if !events.header.is_empty() {
        let what = "events.csv";
        let (rc, tc, gc, fc) = (
            events.need("replicate", what)?,
            events.need("event_type", what)?,
            events.need("region", what)?,
            events.need("fatalities", what)?,
        );
        let pc = events.col("point");
        let wanted = point.map(|p| p.to_string());
        for row in &events.rows {
            if let (Some(pc), Some(w)) = (pc, wanted.as_ref()) {
                if row[pc] != *w {
                    continue;
                }
            }
            if !reps.contains(&row[rc]) {
                reps.push(row[rc].clone());
            }
            if row[tc] != "violence against civilians" && row[tc] != "abuses" {
                continue;
            }
            if let Some(k) = names.iter().position(|(_, n)| *n == row[gc]) {
                let f = num(&row[fc]);
                if f.is_finite() {
                    totals[k] += f;
                }
            }
        }
    }
    let n = info.replicates.max(reps.len() as u64).max(1) as f64;
    Ok((
        names
            .into_iter()
            .zip(totals)
            .map(|((c, name), t)| (c, name, t / n))
            .collect(),
        n,
    ))
}

/// Draws civilians killed per region on the scenario's map (`map-killings`, or per point of a
/// sweep or comparison `map-killings-p<point>` titled with its label): the mean over
/// replicates of the fatalities of `violence against civilians` and `abuses` events in
/// `events` (the rows of `events.csv`), each region shaded on a sequential scale and labelled
/// with its value rounded. Every map of one call shares one colour scale, from 0 to a round
/// number at or above the largest value (and its label), so that points compare at a glance.
/// Draws nothing when the scenario has no regions.
pub(crate) fn region_maps(
    events: &Csv,
    s: &Scenario,
    info: &RunInfo,
    points: Option<&[(u64, String)]>,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ChartError> {
    let Some(regions) = s.world.regions.as_ref() else {
        return Ok(Vec::new());
    };
    let wanted: Vec<Option<(u64, &str)>> = match points {
        Some(p) => p.iter().map(|(q, l)| Some((*q, l.as_str()))).collect(),
        None => vec![None],
    };
    let mut values = Vec::new();
    for w in &wanted {
        values.push(region_values(events, s, info, w.map(|(p, _)| p))?);
    }
    let max = values
        .iter()
        .flat_map(|(v, _)| v.iter().map(|r| r.2.max(r.2.round())))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let scale = Scale::nice(0.0, if max > 0.0 { max } else { 1.0 }, 5);
    let unit = info.count_unit();
    let mut written = Vec::new();
    for (w, (regions_v, n)) in wanted.iter().zip(values) {
        let (title, stem) = match w {
            Some((p, label)) => (
                format!("{}, {label}: civilians killed per region", s.name),
                format!("map-killings-p{p}"),
            ),
            None => (
                format!("{}: civilians killed per region", s.name),
                "map-killings".to_string(),
            ),
        };
        let shared = if wanted.len() > 1 {
            "; one colour scale for every point"
        } else {
            ""
        };
        let chart = RegionMap {
            title: opts.title(&stem, title),
            subtitle: format!(
                "violence against civilians and abuses, mean over {} replicate{} ({unit}){shared}",
                n,
                if n == 1.0 { "" } else { "s" },
            ),
            map: regions.map.iter().map(|r| r.chars().collect()).collect(),
            regions: regions_v,
            unit: vec!["civilians killed".into(), format!("({unit}, mean)")],
            scale: scale.clone(),
        };
        written.push(render(&chart, &out.join(stem), opts)?);
    }
    Ok(written)
}
