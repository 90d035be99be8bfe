//! What is drawn and how it is labelled: [`ChartOptions`], [`ChartSet`], and the human label
//! of every metric and outcome name.

use super::ChartError;
use std::collections::BTreeMap;

/// File format of the charts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// PNG bitmap.
    #[default]
    Png,
    /// SVG vector image.
    Svg,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Which charts [`super::draw_dir`] draws.
///
/// ```
/// use impunity::charts::ChartSet;
/// assert_eq!(ChartSet::default(), ChartSet::Default);
/// assert_eq!("all".parse::<ChartSet>().unwrap(), ChartSet::All);
/// assert_eq!("none".parse::<ChartSet>().unwrap(), ChartSet::None);
/// assert!("some".parse::<ChartSet>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartSet {
    /// Nothing at all: [`super::draw_dir`] returns an empty list and writes no file.
    None,
    /// The key charts: fan charts of the key metric groups, lattice snapshots, region maps,
    /// and sweep and comparison charts of the outcomes that vary (an outcome with the same
    /// value in every row, such as `fighters_<group>_start`, or with the same mean at every
    /// point of a sweep, or identical in every variant of a comparison, is skipped).
    #[default]
    Default,
    /// Everything: every outcome, varying or not, and fan-chart series that stay zero.
    All,
}

impl std::str::FromStr for ChartSet {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<ChartSet, ChartError> {
        match s {
            "none" => Ok(ChartSet::None),
            "default" => Ok(ChartSet::Default),
            "all" => Ok(ChartSet::All),
            other => Err(ChartError::Data(format!(
                "unknown chart set `{other}`: use none, default or all"
            ))),
        }
    }
}

/// How charts are drawn, and which.
///
/// ```
/// use impunity::charts::{ChartOptions, ChartSet, Format};
/// let mut o = ChartOptions::default().svg().size(800, 500);
/// o.charts = ChartSet::All;
/// o.outcomes = Some(vec!["civilians_killed".into()]);
/// o.labels.insert("civilians_killed".into(), "Civilians killed (all perpetrators)".into());
/// o.titles.insert("forest".into(), "Figure 3".into());
/// assert_eq!((o.format, o.width, o.height), (Format::Svg, 800, 500));
/// assert_eq!(o.label("civilians_killed"), "Civilians killed (all perpetrators)");
/// assert_eq!(o.label("civilians_killed_by_state"), "civilians killed by state");
/// assert_eq!(o.title("forest", "Compared with the baseline".into()), "Figure 3");
/// assert_eq!(o.title("sweep-x", "Sweep".into()), "Sweep");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChartOptions {
    /// PNG or SVG.
    pub format: Format,
    /// Width in pixels (1000: reads well at 100 % zoom on a laptop screen).
    pub width: u32,
    /// Height in pixels (600). The forest plot grows taller when its rows need the room.
    pub height: u32,
    /// Which charts: none, the default key charts, or all.
    pub charts: ChartSet,
    /// Only these outcomes (columns of `outcomes.csv`, rows of `compare.csv`) in sweep heat
    /// maps, sweep lines and the forest plot, drawn even when constant; `None`: as
    /// [`ChartOptions::charts`] says. A name the files do not hold is an error listing the
    /// known ones.
    pub outcomes: Option<Vec<String>>,
    /// Labels replacing the built-in one of a metric or outcome (by its column name) in every
    /// title, axis, legend and colour bar where it appears.
    pub labels: BTreeMap<String, String>,
    /// Titles replacing a chart's own, by the chart's file stem (`forest`, `fan-legitimacy`,
    /// `sweep-killed_civilians_total`, `map-killings-p1`, …).
    pub titles: BTreeMap<String, String>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            format: Format::Png,
            width: 1000,
            height: 600,
            charts: ChartSet::Default,
            outcomes: None,
            labels: BTreeMap::new(),
            titles: BTreeMap::new(),
        }
    }
}

impl ChartOptions {
    /// SVG instead of PNG.
    #[must_use]
    pub fn svg(mut self) -> Self {
        self.format = Format::Svg;
        self
    }

    /// A different size in pixels (at least 200 × 150: smaller leaves no room for the labels).
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width.max(200);
        self.height = height.max(150);
        self
    }

    /// The label of metric or outcome `name`: the one set in [`ChartOptions::labels`], else
    /// [`human_label`].
    pub fn label(&self, name: &str) -> String {
        self.labels
            .get(name)
            .cloned()
            .unwrap_or_else(|| human_label(name))
    }

    /// The title of the chart with file stem `stem`: the one set in
    /// [`ChartOptions::titles`], else `default`.
    pub fn title(&self, stem: &str, default: String) -> String {
        self.titles.get(stem).cloned().unwrap_or(default)
    }

    /// The outcomes to draw among `known` (a file's, in its order): the chosen ones in the
    /// order given (an unknown one is an error listing `known`), or `known` less the ones
    /// `constant` says are (unless the set is [`ChartSet::All`]); none for [`ChartSet::None`].
    pub(crate) fn pick_outcomes(
        &self,
        known: &[String],
        constant: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, ChartError> {
        if self.charts == ChartSet::None {
            return Ok(Vec::new());
        }
        if let Some(chosen) = &self.outcomes {
            check_outcomes(chosen, known)?;
            return Ok(chosen.clone());
        }
        Ok(known
            .iter()
            .filter(|o| self.charts == ChartSet::All || !constant(o))
            .cloned()
            .collect())
    }
}

/// An error ([`ChartError::UnknownOutcome`], listing `known`) unless every name of `chosen`
/// is in `known`: for a command line to refuse a misspelt `--outcomes` before a long run
/// (with `known` from [`crate::ensemble::outcomes::names`]), as [`super::draw_dir`] does
/// after it.
///
/// ```
/// use impunity::charts::check_outcomes;
/// let known = vec!["civilians_killed".to_string(), "abuses".to_string()];
/// assert!(check_outcomes(&["abuses".into()], &known).is_ok());
/// let e = check_outcomes(&["abuse".into()], &known).unwrap_err().to_string();
/// assert_eq!(e, "unknown outcome `abuse`; the outcomes are: civilians_killed, abuses");
/// ```
pub fn check_outcomes(chosen: &[String], known: &[String]) -> Result<(), ChartError> {
    match chosen.iter().find(|c| !known.contains(c)) {
        Some(bad) => Err(ChartError::UnknownOutcome {
            name: bad.clone(),
            known: known.to_vec(),
        }),
        None => Ok(()),
    }
}

/// The built-in label of a metric or outcome column: its words, with what kind of number it
/// is said in words rather than by prefix or suffix (`new_abuses` → "abuses per tick",
/// `abuses_total` → "abuses, total", `final_active` → "active at the end",
/// `fighters_start_jnim` → "fighters jnim at the start").
///
/// ```
/// use impunity::charts::human_label;
/// assert_eq!(human_label("civilians_killed_by_state_total"), "civilians killed by state, total");
/// assert_eq!(human_label("new_killed_civilians_state"), "killed civilians state per tick");
/// assert_eq!(human_label("final_quiescent"), "quiescent at the end");
/// assert_eq!(human_label("legitimacy_end_peul"), "legitimacy peul at the end");
/// assert_eq!(human_label("peak_active"), "peak active");
/// ```
pub fn human_label(name: &str) -> String {
    let mut words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let mut after = "";
    if words.first() == Some(&"new") && words.len() > 1 {
        words.remove(0);
        after = " per tick";
    } else if words.first() == Some(&"final") && words.len() > 1 {
        words.remove(0);
        after = " at the end";
    } else if words.last() == Some(&"total") && words.len() > 1 {
        words.pop();
        after = ", total";
    } else if let Some(k) = words
        .iter()
        .position(|w| *w == "start" || *w == "end")
        .filter(|&k| k > 0)
    {
        after = if words[k] == "start" {
            " at the start"
        } else {
            " at the end"
        };
        words.remove(k);
    }
    format!("{}{after}", words.join(" "))
}

/// `s` with its first letter upper-case (for a label that starts a title).
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The name of a time-series column once a per-tick count's `new_` prefix is set aside: the
/// one place the charts read what a column is from its name (`new_killed_civilians_state` and
/// `killed_civilians_state` both give `killed_civilians_state`).
pub(crate) fn series_stem(metric: &str) -> &str {
    metric.strip_prefix("new_").unwrap_or(metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_outcomes_follows_the_set_and_the_list() {
        let known: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let constant = |o: &str| o == "b";
        let mut o = ChartOptions::default();
        assert_eq!(o.pick_outcomes(&known, constant).unwrap(), ["a", "c"]);
        o.charts = ChartSet::All;
        assert_eq!(o.pick_outcomes(&known, constant).unwrap(), ["a", "b", "c"]);
        o.outcomes = Some(vec!["b".into()]);
        assert_eq!(o.pick_outcomes(&known, constant).unwrap(), ["b"]);
        o.outcomes = Some(vec!["z".into()]);
        let e = o.pick_outcomes(&known, constant).unwrap_err().to_string();
        assert!(e.contains("`z`") && e.contains("a, b, c"), "{e}");
        o.charts = ChartSet::None;
        assert!(o.pick_outcomes(&known, constant).unwrap().is_empty());
    }

    #[test]
    fn series_stem_sets_the_new_prefix_aside() {
        assert_eq!(series_stem("new_abuses"), "abuses");
        assert_eq!(series_stem("abuses"), "abuses");
    }
}
