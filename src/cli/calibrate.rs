//! `impunity calibrate`: ABC-SMC of scenario keys against target statistics
//! (docs/calibrate.md).

use super::error::{CliError, Result, failed, input};
use super::load::load_scenario;
use impunity::calibrate::{CalibrateError, Config, DirOptions, Progress, Share, run_in_shared};
use impunity::charts::calibrate::{self as charts, Check};
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Flags of `impunity calibrate`.
#[derive(clap::Args)]
#[command(
    about = "Calibrate scenario keys against target statistics (ABC-SMC)",
    long_about = "Calibrate scenario keys against target statistics by approximate Bayesian \
        computation (ABC-SMC: adaptive tolerance, adaptive Gaussian kernel, importance weights).\n\n\
        CALIB.toml declares [abc] settings, [[parameter]] entries (key, prior) and [[target]] \
        entries (statistic, observed, scale, weight); see docs/calibrate.md. Writes \
        DIR/posterior.csv (every generation's particles; the last generation is the posterior), \
        DIR/generations.csv (tolerance, acceptance rate, ESS, simulations), DIR/predictive.csv \
        (the targets under posterior draws against the observed values), DIR/manifest.json and \
        DIR/charts/: posterior-<k>.png (each key's posterior against the prior draws), \
        pairs.png (the posterior over each pair of keys), generations.png (tolerance and \
        acceptance by generation) and predictive.png (the predictive check). \
        The same seed gives the same bytes on any number of threads; every finished generation \
        is stored in DIR/.calibrate/, and --resume continues a killed run to the same bytes. \
        With --mpi (a build with --features mpi, under mpirun), each batch's simulations are \
        shared among the ranks and rank 0 writes the same bytes.",
    after_help = "Example:\n  impunity calibrate epstein-run1 --config calib.toml --out out/calib --seed 3"
)]
pub struct CalibrateArgs {
    /// A preset name or a scenario file.
    pub scenario: String,
    /// The calibration file (TOML).
    #[arg(long, value_name = "CALIB.toml")]
    pub config: PathBuf,
    /// Output directory (default: out/<scenario name>-calibrate).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Master seed (default: the calibration file's `abc.seed`, or 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Change a scenario key before calibrating (repeatable), as `run --set` does.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Continue an interrupted calibration in --out from its last finished generation (same
    /// scenario, calibration file and seed).
    #[arg(long)]
    pub resume: bool,
    /// Replace a calibration's outputs in --out (other files there are kept).
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Share each batch's simulations among the MPI ranks of `mpirun -n P impunity calibrate
    /// ... --mpi`; rank 0 writes the outputs, the same bytes as one process (needs a build
    /// with `--features mpi`).
    #[arg(long)]
    pub mpi: bool,
}

impl From<CalibrateError> for CliError {
    fn from(e: CalibrateError) -> Self {
        if e.is_input() {
            input(e.to_string())
        } else {
            failed(e.to_string())
        }
    }
}

/// The progress bar: simulations against the budget, the generation, its tolerance and the
/// last acceptance rate; shown on a terminal once the run has lasted a second.
struct Bar {
    bar: indicatif::ProgressBar,
    live: bool,
    shown: AtomicBool,
    replicates: u64,
    particles: u64,
    proposed: AtomicU64,
}

impl Bar {
    fn new(budget: u64, replicates: u32, particles: usize, quiet: bool) -> Bar {
        let bar = super::progress::hidden_bar(
            budget,
            "[{bar:20}] {human_pos}/{human_len} simulations, {msg}, {eta} left at most",
        );
        Bar {
            bar,
            live: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
            replicates: u64::from(replicates),
            particles: particles as u64,
            proposed: AtomicU64::new(0),
        }
    }

    fn progress(&self, p: Progress) -> ControlFlow<()> {
        match p {
            Progress::Start {
                generation,
                tolerance,
            } => {
                self.proposed.store(0, Ordering::Relaxed);
                self.bar
                    .set_message(format!("generation {generation}, tolerance {tolerance:.4}"));
            }
            Progress::Simulated => {
                self.proposed.fetch_add(1, Ordering::Relaxed);
                self.bar.inc(self.replicates);
            }
            Progress::Generation {
                generation,
                accepted,
                simulations,
                tolerance,
            } => {
                let proposed = self.proposed.load(Ordering::Relaxed).max(1);
                self.bar.set_position(simulations);
                if self.live {
                    self.bar.println(format!(
                        "generation {generation}: tolerance {tolerance:.4}, {accepted}/{} \
                         accepted, acceptance about {:.1} %, {simulations} simulations",
                        self.particles,
                        100.0 * accepted as f64 / proposed as f64
                    ));
                }
            }
            _ => {}
        }
        if self.live
            && !self.shown.load(Ordering::Relaxed)
            && self.bar.elapsed() >= std::time::Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        ControlFlow::Continue(())
    }
}

/// Runs `impunity calibrate`.
pub fn calibrate(a: CalibrateArgs) -> Result<()> {
    let origin = a.config.display().to_string();
    let text = std::fs::read_to_string(&a.config)
        .map_err(|e| input(format!("--config {origin}: cannot read it: {e}")))?;
    let config = Config::from_toml_str(&text, &origin).map_err(|e| input(e.to_string()))?;
    let s = load_scenario(&a.scenario, &a.set, config.ticks)?;
    let seed = a.seed.unwrap_or(config.seed);
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}-calibrate", s.name)));
    let opts = DirOptions {
        resume: a.resume,
        force: a.force,
    };
    // the calibration as one process (`share`: None) or as an MPI rank, with its progress bar
    // (on rank 0 only)
    let run = |share: Option<&dyn Share>| {
        let quiet = a.quiet || share.is_some_and(|sh| sh.rank() != 0);
        let bar = Bar::new(
            config.settings.max_simulations,
            config.settings.replicates,
            config.settings.particles,
            quiet,
        );
        let report = run_in_shared(&s, &config, seed, &out, &opts, &|p| bar.progress(p), share);
        bar.bar.finish_and_clear();
        report
    };
    let report = if a.mpi {
        #[cfg(feature = "mpi")]
        {
            super::mpi::shared(a.threads, run)?
        }
        #[cfg(not(feature = "mpi"))]
        return Err(input(
            "--mpi: this impunity was built without MPI (cargo build --profile mpi --features mpi)",
        ));
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(a.threads.unwrap_or(0))
            .build()
            .map_err(|e| failed(format!("cannot start worker threads: {e}")))?;
        pool.install(|| run(None))
    };
    let Some(report) = report? else {
        return Ok(()); // an MPI rank other than 0: rank 0 reports
    };
    let c = &report.calibration;
    let post = c.posterior();
    if report.resumed > 0 {
        eprintln!("resumed after {} finished generation(s)", report.resumed);
    }
    println!(
        "{} generations, {} simulations; stopped: {}; final tolerance {:.4}, ESS {:.1} of {}",
        c.generations.len(),
        c.simulations(),
        c.stop.describe(),
        post.tolerance,
        post.ess(),
        post.particles.len()
    );
    let width = config
        .parameters
        .iter()
        .map(|p| p.key.len())
        .max()
        .unwrap_or(0);
    println!(
        "{:width$}  posterior mean ± sd  [90 % interval]   prior",
        "key"
    );
    for (k, p) in config.parameters.iter().enumerate() {
        println!(
            "{:width$}  {} ± {}  [{}, {}]   {}",
            p.key,
            sig(post.mean(k)),
            sig(post.sd(k)),
            sig(post.quantile(k, 0.05)),
            sig(post.quantile(k, 0.95)),
            p.prior
        );
    }
    println!("predictive check (posterior draws): observed, mean, 90 % range");
    for (t, (obs, mean, lo, hi)) in config.targets.iter().zip(&report.predictive) {
        let mark = if obs >= lo && obs <= hi {
            ""
        } else {
            "  (outside)"
        };
        println!(
            "  {}: {obs}, {mean:.3}, [{lo:.3}, {hi:.3}]{mark}",
            t.statistic
        );
    }
    let keys: Vec<String> = config.parameters.iter().map(|p| p.key.clone()).collect();
    let checks: Vec<Check> = config
        .targets
        .iter()
        .zip(&report.predictive)
        .map(|(t, &(observed, mean, p05, p95))| Check {
            statistic: t.statistic.clone(),
            observed,
            scale: t.scale,
            mean,
            p05,
            p95,
        })
        .collect();
    let opts = Default::default();
    let written = charts::draw_all(c, &keys, &checks, &report.dir, &opts)
        .map_err(|e| failed(format!("drawing the charts: {e}")))?;
    super::chart::print_written(&written);
    println!("wrote {}", report.dir.display());
    Ok(())
}

/// `v` to four significant digits, in scientific notation below 0.001 (rates per person per
/// day run to 1e-5, which fixed decimals would print as 0.0000).
fn sig(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        format!("{v}")
    } else if !(1e-3..1e6).contains(&a) {
        format!("{v:.3e}")
    } else {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::sig;

    #[test]
    fn small_rates_keep_their_digits() {
        assert_eq!(sig(2.23e-4), "2.230e-4");
        assert_eq!(sig(0.8470), "0.8470");
        assert_eq!(sig(58.5728), "58.57");
        assert_eq!(sig(3200.0), "3200");
        assert_eq!(sig(0.0), "0");
    }
}
