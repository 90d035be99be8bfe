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
        manifest.json, sweep heat maps from outcomes.csv, forest plots from compare.csv. \
        Charts go to DIR/charts/.",
    after_help = "Example:\n  impunity run epstein-run2 --replicates 8 --snapshots 0,100,200 --out out/run2\n  impunity chart out/run2 --svg"
)]
pub struct ChartArgs {
    /// Output directory of `impunity run`, `sweep` or `compare`.
    dir: PathBuf,
    #[command(flatten)]
    format: FormatArgs,
}

/// Chart format flags, shared by `chart` and `run`.
#[derive(clap::Args, Clone, Copy)]
pub struct FormatArgs {
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
}

impl FormatArgs {
    fn options(self) -> ChartOptions {
        let o = ChartOptions::default().size(self.chart_width, self.chart_height);
        if self.svg { o.svg() } else { o }
    }
}

/// The chart flags of `impunity run`.
#[derive(clap::Args)]
pub struct RunChartArgs {
    /// Capture replicate 0's lattice at these ticks (comma-separated) into DIR/snapshots/ and
    /// draw them; e.g. `--snapshots 0,100,200`.
    #[arg(long, value_delimiter = ',', value_name = "TICKS")]
    snapshots: Vec<u32>,
    /// Write no charts and no sparkline summary.
    #[arg(long)]
    no_charts: bool,
    #[command(flatten)]
    format: FormatArgs,
}

pub fn chart(a: ChartArgs) -> Result<()> {
    if !a.dir.is_dir() {
        return Err(input(format!("{} is not a directory", a.dir.display())));
    }
    let written =
        charts::draw_dir(&a.dir, &a.format.options()).map_err(|e| CliError::Run(e.to_string()))?;
    if written.is_empty() {
        println!(
            "no charts: {} holds none of timeseries.csv, snapshots/, events.csv, outcomes.csv, compare.csv",
            a.dir.display()
        );
    } else {
        print_written(&written);
    }
    Ok(())
}

fn print_written(written: &[PathBuf]) {
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
    if a.no_charts {
        return Ok(());
    }
    let info = charts::RunInfo::read(out).map_err(|e| CliError::Run(e.to_string()))?;
    let ts = charts::Timeseries::read(&out.join("timeseries.csv"))
        .map_err(|e| CliError::Run(e.to_string()))?;
    print!("{}", charts::summary(&ts, &info));
    let written = charts::draw_dir(out, &a.format.options())
        .map_err(|e| CliError::Run(format!("cannot draw the charts: {e}")))?;
    print_written(&written);
    Ok(())
}

/// After `sweep` and `compare`: draws the heat map or line (sweep) or forest plot (compare)
/// from the files just written. A chart that cannot be drawn is reported on stderr; the
/// outputs are already safe on disk, so it does not fail the command.
pub fn after_ensemble(out: &Path) {
    match charts::draw_dir(out, &charts::ChartOptions::default()) {
        Ok(written) => print_written(&written),
        Err(e) => eprintln!(
            "warning: charts not drawn: {e} (redraw with `impunity chart {}`)",
            out.display()
        ),
    }
}
