//! `impunity run`.

use super::ensemble::{EnsembleArgs, execute, list, out_dir};
use super::error::{Result, input};
use super::load::{load_scenario, warn_inert};
use super::report::ConflictReport;
use impunity::Scenario;
use impunity::ensemble::{EnsembleError, Plan, Results};
use impunity::output::Manifest;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Preset name (see `impunity presets`) or scenario file.
    #[arg(required_unless_present = "from")]
    scenario: Option<String>,
    /// Rerun the run recorded in a manifest.json (its scenario, seed, replicates and ticks),
    /// to identical bytes; combine with --out (and --force, --threads …) but not with a
    /// scenario, --set, --seed, --ticks or --replicates.
    #[arg(
        long,
        value_name = "MANIFEST",
        conflicts_with_all = ["scenario", "set", "seed", "ticks", "replicates"]
    )]
    from: Option<PathBuf>,
    #[command(flatten)]
    ens: EnsembleArgs,
    // Charts (src/cli/chart.rs): --snapshots, --no-charts, --svg, --chart-width/height.
    #[command(flatten)]
    charts: super::chart::RunChartArgs,
}

pub fn run(mut a: RunArgs) -> Result<()> {
    let (scenario, ticks) = match (&a.from, &a.scenario) {
        (Some(m), _) => {
            let r = rerun(m)?;
            a.ens.seed = r.seed;
            a.ens.replicates = r.replicates;
            a.ens.command_line = Some(r.command_line);
            (r.scenario, r.ticks)
        }
        (None, Some(name)) => {
            let s = load_scenario(name, &a.ens.set, a.ens.ticks)?;
            let t = a.ens.ticks.unwrap_or(s.ticks);
            (s, t)
        }
        (None, None) => return Err(input("give a scenario or --from MANIFEST")),
    };
    warn_inert(&[(String::new(), &scenario)], ticks);
    let out = out_dir(a.ens.out.as_ref(), || Path::new("out").join(&scenario.name))?;
    let plan = Plan::single(scenario.clone(), a.ens.seed, a.ens.replicates, ticks)?;
    let Some(done) = execute(plan, &a.ens, &out)? else {
        if a.ens.finishes_a_resume() {
            // A finished run resumed: it may have been killed before its charts were drawn.
            super::chart::after_run(&out, &scenario, a.ens.seed, ticks, &a.charts)?;
        }
        return Ok(());
    };
    print_report(&scenario, &done);
    println!("wrote {}", list(done.files()));
    // Charts hook (src/cli/chart.rs): snapshots, sparkline summary, charts from the files.
    super::chart::after_run(&out, &scenario, a.ens.seed, ticks, &a.charts)?;
    Ok(())
}

/// What `--from` reads back from a manifest.
struct Rerun {
    scenario: Scenario,
    seed: u64,
    replicates: u64,
    ticks: u32,
    command_line: Vec<String>,
}

/// Reads the run recorded in `path` (a `manifest.json`, or the directory holding one), checks
/// that it is a plain run and that its scenario still reads back to what was run.
fn rerun(path: &Path) -> Result<Rerun> {
    let file = if path.is_dir() {
        path.join("manifest.json")
    } else {
        path.to_path_buf()
    };
    let m: Manifest = impunity::ensemble::read_manifest(&file).map_err(|e| match e {
        EnsembleError::BadManifest { source, .. } => input(format!(
            "--from {}: not an impunity manifest: {source}",
            file.display()
        )),
        EnsembleError::DamagedManifest { .. } => {
            input(format!("--from {e}: it would not rerun what was run"))
        }
        e => input(format!("--from {e}")),
    })?;
    if let Some(d) = m.design.as_deref().filter(|d| *d != "run") {
        return Err(input(format!(
            "--from {}: the manifest records a sweep or comparison (`{d}`), not a run; rerun it \
             with the command line it records: {}",
            file.display(),
            m.command_line.join(" ")
        )));
    }
    let scenario = Scenario::from_toml_str(&m.scenario_toml, &file.display().to_string())
        .map_err(|e| input(format!("--from: the scenario recorded in {e}")))?;
    let Some(fp) = &m.fingerprint else {
        return Err(input(format!(
            "--from {}: the manifest has no fingerprint, so nothing shows that its scenario, \
             seed, replicates and ticks are those that were run; rerun with the command line \
             it records instead: {}",
            file.display(),
            m.command_line.join(" ")
        )));
    };
    let plan = Plan::single(scenario.clone(), m.seed, m.replicates, m.ticks)?;
    if plan.fingerprint() != *fp {
        let why = if m.checksum.is_none() {
            "it was edited since it was written, or written by another impunity"
        } else {
            "its scenario no longer reads back the same in this impunity"
        };
        return Err(input(format!(
            "--from {}: written by impunity {}, and {why} ({}); the rerun would not \
             reproduce it",
            file.display(),
            m.impunity_version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    Ok(Rerun {
        scenario,
        seed: m.seed,
        replicates: m.replicates,
        ticks: m.ticks,
        command_line: m.command_line,
    })
}

/// The text summary of a plain run: the conflict report, or one line per replicate (the first
/// 20; beyond, the first 10 and the mean) of Epstein's outburst statistics.
fn print_report(s: &Scenario, done: &Results) {
    let p = &done.points()[0];
    let n = p.replicates();
    if impunity::model::is_conflict(s) {
        let names = done.plan().outcome_names();
        println!("{}", ConflictReport::new(s, names, p));
        return;
    }
    println!("{} ({}), {} replicate(s)", s.name, s.rules.label(), n);
    println!(
        "{:>9}  {:>11}  {:>9}  {:>9}",
        "replicate", "peak active", "outbursts", "ticks>50"
    );
    // Outcomes 0..4 of Epstein's models: peak_active, peak_tick, outbursts, ticks_above_50.
    let shown = if n > 20 { 10 } else { n };
    for r in 0..shown {
        let o = p.replicate(r);
        println!(
            "{:>9}  {:>6} @{:<4}  {:>9}  {:>9}",
            r, o[0], o[1], o[2], o[3]
        );
    }
    if n > 20 {
        println!("{:>9}", "…");
        println!(
            "{:>9}  {:>11.1}  {:>9.2}  {:>9.1}",
            "mean",
            p.mean(0),
            p.mean(2),
            p.mean(3)
        );
    }
}
