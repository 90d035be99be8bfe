//! Lattice snapshots (Epstein's "action screens"): who holds each cell, fighters by armed
//! group, region borders drawn.

use super::style;
use super::{ChartError, ChartOptions, Draw, render};
use crate::scenario::Scenario;
use crate::snapshot::{Cell, Snapshot};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Quiescent persons per community: pale tints (blue, green, grey, pink: Model II's "blue"
/// and "green" in their own colours), all much lighter than any other state, so that
/// quiescent and active differ in lightness, not in hue alone.
const QUIESCENT: [RGBColor; 4] = [
    RGBColor(0xB8, 0xDC, 0xF2),
    RGBColor(0xBF, 0xE6, 0xD8),
    RGBColor(0xD0, 0xD0, 0xD0),
    RGBColor(0xF0, 0xD2, 0xE2),
];
/// Active persons per community: mid-dark hues far from the pale quiescent in lightness and
/// apart from every fighter's, unit's and other community's actives' colour (CIELAB ΔE over
/// 30: Okabe-Ito vermillion, Paul Tol's olive, then magenta and crimson), so that two
/// communities' actives can be told apart (Model II).
const ACTIVE: [RGBColor; 4] = [
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xCC, 0x00, 0xCC),
    RGBColor(0xFF, 0x00, 0x55),
];
/// Fighters per armed group: dark, saturated hues (Okabe-Ito blue, reddish purple, bluish
/// green, orange, then Paul Tol's dark indigo and wine).
const FIGHTERS: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xAA, 0x44, 0x88),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x88, 0x22, 0x55),
];
/// Jailed persons kept on their cell: mid grey.
const JAILED: RGBColor = RGBColor(0x88, 0x88, 0x88);
/// Force units per force: black, then dark greys and browns (units are few and stand out
/// from the pale population).
const UNITS: [RGBColor; 4] = [
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0x5A, 0x3A, 0x00),
    RGBColor(0x50, 0x50, 0x50),
    RGBColor(0x2B, 0x1B, 0x0E),
];
const OUTSIDE: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

fn cell_colour(code: u8) -> RGBColor {
    match Cell::decode(code) {
        Cell::Empty => WHITE,
        Cell::Outside => OUTSIDE,
        Cell::Person { community, state } => match state {
            0 => QUIESCENT[community as usize % QUIESCENT.len()],
            1 => ACTIVE[community as usize % ACTIVE.len()],
            2 => JAILED,
            // an older file's fighter, of no known group
            _ => FIGHTERS[FIGHTERS.len() - 1],
        },
        Cell::Fighter { group } => FIGHTERS[group as usize % FIGHTERS.len()],
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
        Cell::Fighter { group } => {
            let g = s
                .and_then(|s| s.groups.get_index(group as usize))
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| format!("group {group}"));
            format!("fighter, {g}")
        }
        Cell::Unit { force } => s
            .and_then(|s| s.forces.get_index(force as usize))
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| format!("force {force}")),
    }
}

/// The region index of each cell of a `width` × `height` lattice (the scenario's map
/// stretched over the world, as the model does); empty without regions.
fn cell_regions(s: Option<&Scenario>, width: usize, height: usize) -> Vec<u8> {
    let Some(reg) = s.and_then(|s| s.world.regions.as_ref()) else {
        return Vec::new();
    };
    let rows: Vec<Vec<char>> = reg.map.iter().map(|r| r.chars().collect()).collect();
    let (mh, mw) = (rows.len(), rows.iter().map(Vec::len).max().unwrap_or(0));
    if mh == 0 || mw == 0 || width == 0 || height == 0 {
        return Vec::new();
    }
    let symbols: Vec<char> = reg.legend.keys().filter_map(|k| k.chars().next()).collect();
    let mut out = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let ch = rows[y * mh / height].get(x * mw / width).copied();
            out.push(
                ch.and_then(|c| symbols.iter().position(|&s| s == c))
                    .map_or(u8::MAX, |r| r as u8),
            );
        }
    }
    out
}

struct LatticeChart<'a> {
    shot: &'a Snapshot,
    title: String,
    /// Codes present, with their legend labels and counts.
    legend: Vec<(u8, String, usize)>,
    /// Region index per cell (empty: no regions), for the borders.
    regions: Vec<u8>,
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
        // region borders, between blocks whose top-left cells lie in different regions
        if self.regions.len() == s.width * s.height {
            let region = |bx: usize, by: usize| self.regions[(by * b) * s.width + bx * b];
            for by in 0..bh {
                for bx in 0..bw {
                    let r = region(bx, by);
                    if bx + 1 < bw && region(bx + 1, by) != r {
                        map.draw(&PathElement::new(
                            vec![
                                (ox + at(bx + 1), oy + at(by)),
                                (ox + at(bx + 1), oy + at(by + 1)),
                            ],
                            BLACK.stroke_width(2),
                        ))?;
                    }
                    if by + 1 < bh && region(bx, by + 1) != r {
                        map.draw(&PathElement::new(
                            vec![
                                (ox + at(bx), oy + at(by + 1)),
                                (ox + at(bx + 1), oy + at(by + 1)),
                            ],
                            BLACK.stroke_width(2),
                        ))?;
                    }
                }
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
/// (empty white, quiescent persons pale, one tint per community; actives mid-dark, one hue
/// per community, the first vermillion; fighters
/// one dark hue per armed group; force units black or dark), the scenario's region borders in
/// black, with a legend naming communities, groups and forces when the scenario is known.
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
    let stem = format!("lattice-r{}-t{:04}", shot.replicate, shot.tick);
    let chart = LatticeChart {
        regions: cell_regions(scenario, shot.width, shot.height),
        shot,
        title: opts.title(
            &stem,
            format!(
                "{name}lattice at tick {}{when}, replicate {}",
                shot.tick, shot.replicate
            ),
        ),
        legend,
    };
    render(&chart, &out.join(stem), opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIELAB (D65) of an sRGB colour.
    fn lab(c: &RGBColor) -> [f64; 3] {
        let lin = |u: u8| {
            let u = u as f64 / 255.0;
            if u <= 0.04045 {
                u / 12.92
            } else {
                ((u + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(c.0), lin(c.1), lin(c.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    fn delta_e(a: &RGBColor, b: &RGBColor) -> f64 {
        let (p, q) = (lab(a), lab(b));
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
    }

    #[test]
    fn every_community_s_actives_have_a_colour_of_their_own_apart_from_fighters_and_units() {
        let active: Vec<RGBColor> = (0..4)
            .map(|c| {
                cell_colour(
                    Cell::Person {
                        community: c,
                        state: 1,
                    }
                    .encode(),
                )
            })
            .collect();
        for (i, a) in active.iter().enumerate() {
            // told apart from every other community's actives, fighter, unit and the jailed
            let others = active[i + 1..]
                .iter()
                .chain(&FIGHTERS)
                .chain(&UNITS)
                .chain([&JAILED]);
            for other in others {
                let d = delta_e(a, other);
                assert!(d > 30.0, "{a:?} and {other:?}: ΔE {d:.1}");
            }
            // and much darker than any quiescent tint (lightness, not hue alone)
            for q in &QUIESCENT {
                let gap = lab(q)[0] - lab(a)[0];
                assert!(gap > 20.0, "{a:?} against {q:?}: L* gap {gap:.1}");
            }
        }
    }
}
