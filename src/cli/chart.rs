//! `impunity chart`, and the charts `impunity run` draws after writing its files.

use super::error::{CliError, Result, input};
use impunity::Scenario;
use impunity::charts::{self, ChartOptions};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    about = "Draw (or redraw) every chart an output directory supports",
    long_about = "Draw (or redraw) every chart an output directory supports, from its files alone \
        (no rerun): fan charts and replicate 0's series from timeseries.csv, lattice pictures \
        from snapshots/*.pgm, killings per region from events.csv and the scenario in \
        manifest.json, sweep heat maps from outcomes.csv, forest plots from compare.csv; for a \
        calibration's directory, its posterior, pairs, generations and predictive-check charts \
        from its stored generations and predictive.csv. Charts go to DIR/charts/.",
    after_help = "Example:\n  impunity run epstein-run2 --replicates 8 --snapshots 0,100,200 --out out/run2\n  impunity chart out/run2 --svg"
)]
pub struct ChartArgs {
    /// Output directory of `impunity run`, `sweep`, `compare` or `calibrate`.
    dir: PathBuf,
    #[command(flatten)]
    format: FormatArgs,
}

/// Which charts to draw.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charts {
    /// None at all (and no sparkline summary).
    None,
    /// The key charts.
    Default,
    /// Every chart the files support, every outcome included.
    All,
}

/// What to draw and show, shared by `run`, `sweep`, `compare` and `chart`: which charts, which
/// outcomes, the format and size, labels and titles.
#[derive(clap::Args, Clone, Debug)]
pub struct FormatArgs {
    /// Which charts to draw: none, default (the key charts) or all.
    #[arg(long, value_enum, default_value_t = Charts::Default, value_name = "WHICH")]
    charts: Charts,
    /// Draw no charts (the same as --charts none).
    #[arg(long)]
    no_charts: bool,
    /// Only these outcomes (names of outcomes.csv columns, comma-separated), in the printed
    /// table and the heat maps, sweep lines and forest plot; `all` for every outcome. Default:
    /// the headline outcomes in tables, the key outcomes in charts.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    outcomes: Vec<String>,
    /// Draw SVG instead of PNG.
    #[arg(long)]
    svg: bool,
    /// Chart width in pixels (100 to 10000: a picture is drawn in memory whole, 3 bytes a
    /// pixel).
    #[arg(long, default_value_t = 1000, value_name = "PX",
          value_parser = clap::value_parser!(u32).range(100..=10_000))]
    chart_width: u32,
    /// Chart height in pixels (100 to 10000).
    #[arg(long, default_value_t = 600, value_name = "PX",
          value_parser = clap::value_parser!(u32).range(100..=10_000))]
    chart_height: u32,
    /// The label of a metric or outcome in every chart: NAME=TEXT (repeatable), e.g.
    /// `--label "killed_civilians_state_total=killed by the army"`.
    #[arg(long = "label", value_name = "NAME=TEXT")]
    labels: Vec<String>,
    /// The title of a chart, by its file name without the extension: STEM=TEXT (repeatable),
    /// e.g. `--title "forest=Prosecution against impunity"`.
    #[arg(long = "title", value_name = "STEM=TEXT")]
    titles: Vec<String>,
}

/// `NAME=TEXT` pairs of `flag`, as a map (an error names the flag and the bad value).
fn pairs(flag: &str, given: &[String]) -> Result<std::collections::BTreeMap<String, String>> {
    given
        .iter()
        .map(|g| {
            g.split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| input(format!("{flag} {g}: expected NAME=TEXT")))
        })
        .collect()
}

impl FormatArgs {
    /// Whether any chart is drawn.
    pub fn draws(&self) -> bool {
        !self.no_charts && self.charts != Charts::None
    }

    /// The outcomes `--outcomes` selects among `names` (the plan's outcome columns), as
    /// column indices: `None` without the flag, every column for `all`. An unknown name is
    /// refused with the list of known ones, before anything runs.
    pub fn selected_outcomes(&self, names: &[String]) -> Result<Option<Vec<usize>>> {
        if self.outcomes.is_empty() {
            return Ok(None);
        }
        if self.outcomes.iter().any(|o| o == "all") {
            return Ok(Some((0..names.len()).collect()));
        }
        self.outcomes
            .iter()
            .map(|o| {
                names.iter().position(|n| n == o).ok_or_else(|| {
                    let near: Vec<&str> = names
                        .iter()
                        .filter(|n| o.split('_').filter(|w| w.len() > 2).any(|w| n.contains(w)))
                        .map(String::as_str)
                        .collect();
                    let listed = if near.is_empty() {
                        names.join(", ")
                    } else {
                        near.join(", ")
                    };
                    input(format!(
                        "--outcomes: no outcome `{o}`; {} {listed} (or `all`)",
                        if near.is_empty() {
                            "the outcomes are"
                        } else {
                            "did you mean one of"
                        }
                    ))
                })
            })
            .collect::<Result<Vec<usize>>>()
            .map(Some)
    }

    /// The chart options the flags ask for.
    pub fn options(&self) -> Result<ChartOptions> {
        let o = ChartOptions::default().size(self.chart_width, self.chart_height);
        let mut o = if self.svg { o.svg() } else { o };
        o.charts = match self.charts {
            Charts::All => charts::ChartSet::All,
            Charts::Default => charts::ChartSet::Default,
            Charts::None => charts::ChartSet::None,
        };
        if self.no_charts {
            o.charts = charts::ChartSet::None;
        }
        if self.charts == Charts::Default && self.outcomes.iter().any(|x| x == "all") {
            o.charts = charts::ChartSet::All;
        }
        if !self.outcomes.is_empty() && !self.outcomes.iter().any(|x| x == "all") {
            o.outcomes = Some(self.outcomes.clone());
        }
        o.labels = pairs("--label", &self.labels)?;
        o.titles = pairs("--title", &self.titles)?;
        Ok(o)
    }
}

/// The chart flags of `impunity run`.
#[derive(clap::Args)]
pub struct RunChartArgs {
    /// Capture replicate 0's lattice at these ticks (comma-separated) into DIR/snapshots/ and
    /// draw them; e.g. `--snapshots 0,100,200`.
    #[arg(long, value_delimiter = ',', value_name = "TICKS")]
    snapshots: Vec<u32>,
    #[command(flatten)]
    pub format: FormatArgs,
}

pub fn chart(a: ChartArgs) -> Result<()> {
    if !a.dir.is_dir() {
        return Err(input(format!("{} is not a directory", a.dir.display())));
    }
    if !a.format.draws() {
        return Ok(());
    }
    let written =
        charts::draw_dir(&a.dir, &a.format.options()?).map_err(|e| CliError::Run(e.to_string()))?;
    if written.is_empty() {
        const INPUTS: [&str; 5] = [
            "timeseries.csv",
            "snapshots",
            "events.csv",
            "outcomes.csv",
            "compare.csv",
        ];
        if !INPUTS.iter().any(|f| a.dir.join(f).exists()) {
            return Err(input(format!(
                "{} holds none of timeseries.csv, snapshots/, events.csv, outcomes.csv, \
                 compare.csv: nothing to draw (is it the --out of a run, sweep, comparison or calibration?)",
                a.dir.display()
            )));
        }
        println!(
            "no charts: the charts asked for have nothing to draw from {}",
            a.dir.display()
        );
    } else {
        print_written(&written);
    }
    Ok(())
}

pub(super) fn print_written(written: &[PathBuf]) {
    println!(
        "charts: {}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// After `impunity run` has written its files into `out`: captures the snapshots asked for,
/// draws the charts, prints the sparkline summary.
pub fn after_run(
    out: &Path,
    scenario: &Scenario,
    seed: u64,
    ticks: u32,
    a: &RunChartArgs,
) -> Result<()> {
    let (wanted, late): (Vec<u32>, Vec<u32>) = a.snapshots.iter().partition(|&&t| t <= ticks);
    if !late.is_empty() {
        eprintln!(
            "warning: --snapshots: ticks {late:?} are after the last tick ({ticks}); skipped"
        );
    }
    for shot in impunity::snapshot::capture(scenario, seed, 0, &wanted) {
        shot.write(out)
            .map_err(|e| CliError::Run(format!("cannot write a snapshot: {e}")))?;
    }
    if !a.format.draws() {
        return Ok(());
    }
    let options = a.format.options()?;
    let info = charts::RunInfo::read(out).map_err(|e| CliError::Run(e.to_string()))?;
    let ts = charts::Timeseries::read(&out.join("timeseries.csv"))
        .map_err(|e| CliError::Run(e.to_string()))?;
    print!("{}", charts::summary(&ts, &info));
    let written = charts::draw_dir(out, &options)
        .map_err(|e| CliError::Run(format!("cannot draw the charts: {e}")))?;
    print_written(&written);
    Ok(())
}

/// After `sweep` and `compare`: draws the heat map or line (sweep) or forest plot (compare)
/// from the files just written. A chart that cannot be drawn is reported on stderr; the
/// outputs are already safe on disk, so it does not fail the command.
pub fn after_ensemble(out: &Path, a: &FormatArgs) {
    if !a.draws() {
        return;
    }
    let options = match a.options() {
        Ok(o) => o,
        Err(e) => return eprintln!("warning: charts not drawn: {e}"),
    };
    match charts::draw_dir(out, &options) {
        Ok(written) => print_written(&written),
        Err(e) => eprintln!(
            "warning: charts not drawn: {e} (redraw with `impunity chart {}`)",
            out.display()
        ),
    }
}
