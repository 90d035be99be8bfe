//! Fonts, colours and line styles shared by every chart.

use super::ChartError;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`), embedded so that
/// text renders the same on a machine with no fonts installed.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name every chart asks for; the embedded font is registered under it.
pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded font with plotters (once per process).
pub(crate) fn register_fonts() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        [FontStyle::Normal, FontStyle::Bold]
            .into_iter()
            .all(|st| plotters::style::register_font(FONT, st, DEJAVU_SANS).is_ok())
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Draw(
            "the embedded font could not be read".into(),
        ))
    }
}

/// Title size in pixels.
pub(crate) const TITLE: u32 = 26;
/// Axis description size.
pub(crate) const LABEL: u32 = 20;
/// Tick label and legend size.
pub(crate) const TICK: u32 = 16;

pub(crate) fn title_font() -> TextStyle<'static> {
    (FONT, TITLE).into_font().style(FontStyle::Bold).into()
}
pub(crate) fn label_font() -> TextStyle<'static> {
    (FONT, LABEL).into_font().into()
}
pub(crate) fn tick_font() -> TextStyle<'static> {
    (FONT, TICK).into_font().into()
}

/// Okabe and Ito's colour-blind-safe palette, darkest distinct hues first (yellow last: it
/// vanishes on white).
pub(crate) const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of series `i`.
pub(crate) fn colour(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// Dash (on, off) lengths in pixels of series `i`: solid, dashed, dotted, long dash, so that
/// series differ in greyscale too.
pub(crate) fn dash(i: usize) -> (i32, i32) {
    const DASHES: [(i32, i32); 4] = [(100_000, 0), (12, 6), (3, 4), (24, 6)];
    DASHES[i % DASHES.len()]
}

/// An f64 axis whose ticks are the ones a scale chose (`super::scale::Scale`), and no others.
pub(crate) struct Axis {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Axis {
    /// The axis from `lo` to `hi` ticked at `ticks`.
    pub(crate) fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Axis {
        Axis {
            inner: (lo..hi).into(),
            ticks,
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(v, limit)
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// A chart with f64 axes and chosen ticks.
pub(crate) type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

/// Draws `points` as series `i`'s line (colour and dash) and gives it a legend entry.
pub(crate) fn line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    points: Vec<(f64, f64)>,
    i: usize,
    width: u32,
    label: Option<&str>,
) -> Result<(), ChartError> {
    let c = colour(i);
    let (on, off) = dash(i);
    let st = c.stroke_width(width);
    let a = chart.draw_series(DashedLineSeries::new(points, on, off, st))?;
    if let Some(l) = label {
        a.label(l).legend(move |(x, y)| {
            DashedPathElement::new(vec![(x, y), (x + 28, y)], on.min(28), off, st)
        });
    }
    Ok(())
}

/// Draws a shaded band between `lo` and `hi` (same x values) in series `i`'s colour.
pub(crate) fn band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    x: &[f64],
    lo: &[f64],
    hi: &[f64],
    i: usize,
    opacity: f64,
) -> Result<(), ChartError> {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(2 * x.len());
    for (k, &xv) in x.iter().enumerate() {
        if hi[k].is_finite() {
            pts.push((xv, hi[k]));
        }
    }
    for (k, &xv) in x.iter().enumerate().rev() {
        if lo[k].is_finite() {
            pts.push((xv, lo[k]));
        }
    }
    if pts.len() >= 3 {
        chart.draw_series(std::iter::once(Polygon::new(
            pts,
            colour(i).mix(opacity).filled(),
        )))?;
    }
    Ok(())
}

/// Draws the legend box inside a chart at `pos`.
pub(crate) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    pos: SeriesLabelPosition,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(pos)
        .label_font(tick_font())
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.5))
        .draw()?;
    Ok(())
}

/// A legend's labels split into a heading and entries: labels that all start with the same
/// `key=` (a one-key sweep's points) give the key as heading and the values as entries.
pub(crate) fn legend_entries(labels: &[String]) -> (Option<String>, Vec<String>) {
    let key = labels
        .first()
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| format!("{k}="));
    match key {
        Some(k)
            if labels.len() > 1
                && labels
                    .iter()
                    .all(|l| l.starts_with(&k) && !l[k.len()..].contains('=')) =>
        {
            (
                Some(k.trim_end_matches('=').to_string()),
                labels.iter().map(|l| l[k.len()..].to_string()).collect(),
            )
        }
        _ => (None, labels.to_vec()),
    }
}

/// The width in pixels a side legend needs for `labels` (at the tick font's size).
pub(crate) fn side_legend_width(labels: &[String]) -> u32 {
    let (head, entries) = legend_entries(labels);
    let chars = entries.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    let head = head.map_or(0, |h| h.chars().count() as u32);
    (chars * TICK * 6 / 10 + 60)
        .max(head * TICK * 6 / 10 + 16)
        .clamp(120, 360)
}

/// `l` cut to `room` characters with an ellipsis in the middle, keeping its end (where the
/// labels of points differ).
fn shortened(l: &str, room: usize) -> String {
    let n = l.chars().count();
    if n <= room || room < 5 {
        return l.to_string();
    }
    let tail = (room - 1) / 2;
    let head = room - 1 - tail;
    let chars: Vec<char> = l.chars().collect();
    format!(
        "{}…{}",
        chars[..head].iter().collect::<String>(),
        chars[n - tail..].iter().collect::<String>()
    )
}

/// Draws a legend in `area`, outside every plot: per series `i` its line style and label,
/// from the top (under a heading when the labels share a `key=`); labels too long for the
/// area are shortened in the middle.
pub(crate) fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    labels: &[String],
    top: i32,
) -> Result<(), ChartError> {
    let (w, _) = area.dim_in_pixel();
    let per_char = (TICK * 6 / 10).max(1);
    let room = (w.saturating_sub(50) / per_char) as usize;
    let left = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    );
    let (head, entries) = legend_entries(labels);
    let mut top = top;
    if let Some(h) = head {
        let room = (w.saturating_sub(12) / per_char) as usize;
        area.draw(&Text::new(
            shortened(&h, room),
            (6, top),
            tick_font().pos(left),
        ))?;
        top += 26;
    }
    for (i, l) in entries.iter().enumerate() {
        let y = top + 26 * i as i32;
        let (on, off) = dash(i);
        area.draw(&DashedPathElement::new(
            vec![(6, y), (36, y)],
            on.min(30),
            off,
            colour(i).stroke_width(3),
        ))?;
        area.draw(&Text::new(
            shortened(l, room),
            (44, y),
            tick_font().pos(left),
        ))?;
    }
    Ok(())
}

/// The largest magnitude an axis reaches: values beyond are drawn at the edge, so that an
/// axis's span and padding stay finite (a span of 2e308 is infinite, and plotters then never
/// finishes placing its labels).
pub(crate) const AXIS_LIMIT: f64 = 1e300;

/// Formats an axis number compactly: 1200 → "1,200", 0.25 → "0.25".
pub(crate) fn fmt_num(v: f64) -> String {
    if v.abs() >= 1000.0 && v.fract() == 0.0 {
        let s = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (k, ch) in s.chars().enumerate() {
            if k > 0 && (s.len() - k) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = if v.abs() >= 10.0 {
            format!("{v:.2}")
        } else {
            format!("{v:.3}")
        };
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.into() }
    }
}

/// A file-name-safe version of `s`.
pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod legend_tests {
    use super::{legend_entries, shortened};

    #[test]
    fn a_shared_key_becomes_the_heading_and_long_labels_keep_their_end() {
        let l = ["a.b=0.7", "a.b=0.75"].map(String::from);
        assert_eq!(
            legend_entries(&l),
            (
                Some("a.b".to_string()),
                vec!["0.7".to_string(), "0.75".to_string()]
            )
        );
        let v = ["baseline", "armed"].map(String::from);
        assert_eq!(legend_entries(&v).0, None);
        assert_eq!(shortened("abcdefghij", 7), "abc…hij");
    }
}
