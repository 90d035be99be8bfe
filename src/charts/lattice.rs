//! Pictures of space: lattice snapshots (Epstein's "action screens") and killings per region on
//! the scenario's map.

use super::style::{self, fmt_num};
use super::{ChartError, ChartOptions, Csv, Draw, RunInfo, num, render};
use crate::scenario::Scenario;
use crate::snapshot::{Cell, Snapshot};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Light colours of quiescent persons per community (Okabe-Ito sky blue, orange, green, pink).
const QUIESCENT: [RGBColor; 4] = [
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x7F, 0xCE, 0xB9),
    RGBColor(0xE5, 0xBC, 0xD3),
];
/// Active persons: vermillion (mid-dark, apart from the light quiescent in greyscale).
const ACTIVE: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Fighters: dark purple.
const FIGHTER: RGBColor = RGBColor(0x6A, 0x1B, 0x5A);
/// Jailed persons kept on their cell: mid grey.
const JAILED: RGBColor = RGBColor(0x88, 0x88, 0x88);
/// Force units per force: black, dark blue, dark green, dark brown, dark red, dark grey (all
/// dark: units stand out from the light quiescent population in greyscale).
const UNITS: [RGBColor; 6] = [
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0x00, 0x3F, 0x7F),
    RGBColor(0x00, 0x5A, 0x3C),
    RGBColor(0x5A, 0x3A, 0x00),
    RGBColor(0x80, 0x10, 0x10),
    RGBColor(0x50, 0x50, 0x50),
];
const OUTSIDE: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

fn cell_colour(code: u8) -> RGBColor {
    match Cell::decode(code) {
        Cell::Empty => WHITE,
        Cell::Outside => OUTSIDE,
        Cell::Person { community, state } => match state {
            0 => QUIESCENT[community as usize % QUIESCENT.len()],
            1 => ACTIVE,
            2 => JAILED,
            _ => FIGHTER,
        },
        Cell::Unit { force } => UNITS[force as usize % UNITS.len()],
    }
}

fn cell_label(code: u8, s: Option<&Scenario>) -> String {
    match Cell::decode(code) {
        Cell::Empty => "empty".into(),
        Cell::Outside => "outside the map".into(),
        Cell::Person { community, state } => {
            let c = s
                .and_then(|s| s.communities.get_index(community as usize))
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| format!("community {community}"));
            let single = s.is_some_and(|s| s.communities.len() == 1);
            let st = ["quiescent", "active", "jailed", "fighter"][state as usize % 4];
            if single {
                st.into()
            } else {
                format!("{c}: {st}")
            }
        }
        Cell::Unit { force } => s
            .and_then(|s| s.forces.get_index(force as usize))
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| format!("force {force}")),
    }
}

struct LatticeChart<'a> {
    shot: &'a Snapshot,
    title: String,
    /// Codes present, with their legend labels and counts.
    legend: Vec<(u8, String, usize)>,
}

/// The code shown for a block of cells: the commonest occupant when at least a quarter of the
/// block is occupied, else the commonest code.
fn block_code(shot: &Snapshot, x0: usize, y0: usize, b: usize) -> u8 {
    if b == 1 {
        return shot.at(x0, y0);
    }
    let mut counts = [0u32; 256];
    let mut cells = 0;
    for y in y0..(y0 + b).min(shot.height) {
        for x in x0..(x0 + b).min(shot.width) {
            counts[shot.at(x, y) as usize] += 1;
            cells += 1;
        }
    }
    let occupied: u32 = counts[2..].iter().sum();
    let range = if occupied * 4 >= cells {
        2..256
    } else {
        0..256
    };
    let mut best = (0u32, 0u8);
    for c in range {
        if counts[c] >= best.0 && counts[c] > 0 {
            best = (counts[c], c as u8);
        }
    }
    best.1
}

impl Draw for LatticeChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let area = root.titled(&self.title, style::title_font())?;
        let (aw, ah) = area.dim_in_pixel();
        let legend_w = 280.min(aw / 3);
        let (map, side) = area.split_horizontally(aw - legend_w);
        let (mw, mh) = map.dim_in_pixel();
        let (mw, mh) = (mw.saturating_sub(20).max(1), mh.saturating_sub(20).max(1));
        let s = self.shot;
        if s.width == 0 || s.height == 0 {
            return Ok(());
        }
        // cells per block, so that blocks fit the space; then pixels per block
        let b = s
            .width
            .div_ceil(mw as usize)
            .max(s.height.div_ceil(mh as usize))
            .max(1);
        let (bw, bh) = (s.width.div_ceil(b), s.height.div_ceil(b));
        // pixels per block (fractional: blocks are placed at rounded pixel positions)
        let px = (mw as f64 / bw as f64).min(mh as f64 / bh as f64);
        let (ox, oy) = (10, 10);
        let at = |k: usize| (k as f64 * px).round() as i32;
        for by in 0..bh {
            let mut bx = 0;
            while bx < bw {
                let code = block_code(s, bx * b, by * b, b);
                let mut end = bx + 1;
                while end < bw && block_code(s, end * b, by * b, b) == code {
                    end += 1;
                }
                if code != 0 {
                    map.draw(&Rectangle::new(
                        [(ox + at(bx), oy + at(by)), (ox + at(end), oy + at(by + 1))],
                        cell_colour(code).filled(),
                    ))?;
                }
                bx = end;
            }
        }
        map.draw(&Rectangle::new(
            [(ox, oy), (ox + at(bw), oy + at(bh))],
            BLACK.stroke_width(1),
        ))?;
        // legend
        let mut y = 20;
        side.draw(&Text::new(
            format!("{} × {} cells; agents:", s.width, s.height),
            (10, y),
            style::tick_font(),
        ))?;
        y += 32;
        for (code, label, n) in &self.legend {
            side.draw(&Rectangle::new(
                [(10, y), (32, y + 18)],
                cell_colour(*code).filled(),
            ))?;
            side.draw(&Rectangle::new([(10, y), (32, y + 18)], BLACK.mix(0.6)))?;
            side.draw(&Text::new(
                format!("{label} ({n})"),
                (40, y + 1),
                style::tick_font(),
            ))?;
            y += 28;
            if y as u32 > ah.saturating_sub(30) {
                break;
            }
        }
        if b > 1 {
            side.draw(&Text::new(
                format!("1 square = {b} × {b} cells"),
                (10, y + 10),
                style::tick_font(),
            ))?;
        }
        Ok(())
    }
}

/// Draws a lattice snapshot (`lattice-r<R>-t<TTTT>`): each cell coloured by who holds it
/// (empty white, quiescent persons light, actives vermillion, fighters dark purple, force units
/// black or dark), with a legend naming communities and forces when the scenario is known.
/// Lattices larger than the picture are shown in blocks (the commonest occupant of each).
pub(crate) fn snapshot_chart(
    shot: &Snapshot,
    scenario: Option<&Scenario>,
    out: &Path,
    opts: &ChartOptions,
) -> Result<PathBuf, ChartError> {
    let mut counts = [0usize; 256];
    for &c in &shot.cells {
        counts[c as usize] += 1;
    }
    let legend = (2..256)
        .filter(|&c| counts[c] > 0)
        .map(|c| (c as u8, cell_label(c as u8, scenario), counts[c]))
        .collect();
    let when = scenario
        .and_then(|s| s.start_date.map(|d| (d, s.days_per_tick)))
        .map(|(d, days)| format!(" ({})", d.plus_days(shot.tick as i64 * days as i64)))
        .unwrap_or_default();
    let name = scenario
        .map(|s| format!("{}: ", s.name))
        .unwrap_or_default();
    let chart = LatticeChart {
        shot,
        title: format!(
            "{name}lattice at tick {}{when}, replicate {}",
            shot.tick, shot.replicate
        ),
        legend,
    };
    render(
        &chart,
        &out.join(format!("lattice-r{}-t{:04}", shot.replicate, shot.tick)),
        opts,
    )
}

/// A colour on a viridis-like scale, reversed so that more is darker (0 → light yellow,
/// 1 → dark purple): the order survives greyscale.
pub(crate) fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (253, 231, 37),
        (181, 222, 43),
        (110, 206, 88),
        (53, 183, 121),
        (31, 158, 137),
        (38, 130, 142),
        (49, 104, 142),
        (62, 74, 137),
        (68, 1, 84),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let h = t * (STOPS.len() - 1) as f64;
    let k = (h.floor() as usize).min(STOPS.len() - 2);
    let f = h - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Draws a colour bar for `0..=max` in `area` (pixel coordinates), labelled with `desc`.
pub(crate) fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    min: f64,
    max: f64,
    desc: &str,
) -> Result<(), ChartError> {
    area.draw(&Text::new(
        desc.to_string(),
        (x, y - 26),
        style::tick_font(),
    ))?;
    for k in 0..h {
        let t = 1.0 - k as f64 / (h - 1).max(1) as f64;
        area.draw(&Rectangle::new(
            [(x, y + k), (x + w, y + k + 1)],
            sequential(t).filled(),
        ))?;
    }
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], BLACK.mix(0.6)))?;
    for k in 0..=4 {
        let v = min + (max - min) * k as f64 / 4.0;
        let py = y + h - (h as f64 * k as f64 / 4.0) as i32;
        area.draw(&PathElement::new(vec![(x + w, py), (x + w + 5, py)], BLACK))?;
        area.draw(&Text::new(
            fmt_num(v),
            (x + w + 8, py - 8),
            style::tick_font(),
        ))?;
    }
    Ok(())
}

struct RegionMap {
    title: String,
    subtitle: String,
    map: Vec<Vec<char>>,
    /// Map character → (region name, value).
    regions: Vec<(char, String, f64)>,
    unit: String,
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
        let max = self
            .regions
            .iter()
            .map(|r| r.2)
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let value = |ch: char| self.regions.iter().find(|r| r.0 == ch).map(|r| r.2);
        for (y, row) in self.map.iter().enumerate() {
            for (x, &ch) in row.iter().enumerate() {
                let colour = match value(ch) {
                    Some(v) => sequential(v / max),
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
            let text = format!("{name}: {}", fmt_num(v.round()));
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
        colour_bar(
            &area,
            (bx, oy + 40, 30, (rows as i32 * px - 60).max(60)),
            0.0,
            max,
            &self.unit,
        )?;
        Ok(())
    }
}

/// Draws civilians killed per region on the scenario's map (`map-killings`): the mean over
/// replicates of the fatalities of `violence against civilians` and `abuses` events in
/// `events` (the rows of `events.csv`), in people, each region shaded on a sequential scale
/// and labelled. Returns nothing when the scenario has no regions.
pub(crate) fn region_map(
    events: &Csv,
    s: &Scenario,
    info: &RunInfo,
    out: &Path,
    opts: &ChartOptions,
) -> Result<Option<PathBuf>, ChartError> {
    let Some(regions) = s.world.regions.as_ref() else {
        return Ok(None);
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
        for row in &events.rows {
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
    let regions_v: Vec<(char, String, f64)> = names
        .into_iter()
        .zip(totals)
        .map(|((c, name), t)| (c, name, t / n))
        .collect();
    let chart = RegionMap {
        title: format!("{}: civilians killed per region", s.name),
        subtitle: format!(
            "violence against civilians and abuses, mean over {} replicate{} ({})",
            n,
            if n == 1.0 { "" } else { "s" },
            info.count_unit()
        ),
        map: regions.map.iter().map(|r| r.chars().collect()).collect(),
        regions: regions_v,
        unit: format!("civilians killed ({})", info.count_unit()),
    };
    Ok(Some(render(&chart, &out.join("map-killings"), opts)?))
}
