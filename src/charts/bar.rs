//! The sequential colour scale of heat maps and region maps, and its colour bar.

use super::ChartError;
use super::scale::Scale;
use super::style;
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// Where `v` falls on `scale`, from 0 (its low end) to 1 (its high end).
pub(crate) fn position(scale: &Scale, v: f64) -> f64 {
    let span = scale.hi - scale.lo;
    if span > 0.0 {
        (v - scale.lo) / span
    } else {
        0.0
    }
}

/// `text` cut into lines of at most `width` characters at spaces (a word longer than a line
/// keeps its own line, whole).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Draws a colour bar at `(x, y, w, h)` (pixels of `area`) for `scale`, its whole range
/// coloured and every tick labelled in the scale's one format, with `title` (lines) above it.
pub(crate) fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y, w, h): (i32, i32, i32, i32),
    scale: &Scale,
    title: &[String],
) -> Result<(), ChartError> {
    let line = style::TICK as i32 + 6;
    for (k, t) in title.iter().enumerate() {
        area.draw(&Text::new(
            t.clone(),
            (x, y - 12 - line * (title.len() - k) as i32),
            style::tick_font(),
        ))?;
    }
    for k in 0..h {
        let t = 1.0 - k as f64 / (h - 1).max(1) as f64;
        area.draw(&Rectangle::new(
            [(x, y + k), (x + w, y + k + 1)],
            sequential(t).filled(),
        ))?;
    }
    area.draw(&Rectangle::new([(x, y), (x + w, y + h)], BLACK.mix(0.6)))?;
    for (v, label) in scale.ticks.iter().zip(&scale.labels) {
        let py = y + h - (h as f64 * position(scale, *v)).round() as i32;
        area.draw(&PathElement::new(vec![(x + w, py), (x + w + 5, py)], BLACK))?;
        area.draw(&Text::new(
            label.clone(),
            (x + w + 8, py),
            style::tick_font().pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_cuts_at_spaces() {
        assert_eq!(
            wrap("civilians killed by state, total", 18),
            ["civilians killed", "by state, total"]
        );
    }
}
