//! Compares the central-Mali scenario with the 2018 figures it is calibrated to.
//!
//! The question: over an ensemble of simulated years, which public 2018 figures does the
//! scenario reproduce (ensemble mean inside the figure's band) and which does it miss? The
//! targets and their bands are in `src/calibration.rs`; the method is in docs/calibration.md.
//!
//! ```text
//! cargo run --release --example calibrate -- [--replicates N] [--seed S] [--set key=value]...
//! ```
//!
//! Prints the comparison as a Markdown table (the one in docs/calibration.md) and asserts
//! that the ensemble is reproducible: the same seed gives the same table. With the
//! environment variable `IMPUNITY_QUICK` set (as in CI), it runs 2 replicates at 1 agent for
//! 100 people, to check that it still runs.

use impunity::calibration::Comparison;
use impunity::scenario::Value;
use impunity::{presets, run::run_replicates};

fn main() {
    let mut args = std::env::args().skip(1);
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let mut replicates = if quick { 2 } else { 20 };
    let mut seed = 1;
    let mut sets: Vec<(String, Value)> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--replicates" => {
                replicates = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--replicates N")
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed S"),
            "--set" => {
                let kv = args.next().expect("--set key=value");
                let (k, v) = kv.split_once('=').expect("key=value");
                // read as the command line's --set reads it
                sets.push((k.to_string(), Value::parse(v)));
            }
            other => panic!("unknown argument {other}"),
        }
    }
    if quick {
        sets.push(("world.people_per_agent".into(), 100.0.into()));
    }
    let s = presets::get("central-mali-2018")
        .expect("preset")
        .with_changes(sets.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .expect("valid changes");
    let outs = run_replicates(&s, seed, replicates, 365);
    let cmp = Comparison::new(&s, &outs);
    println!("{}", cmp.markdown());
    println!(
        "{} of {} figures reproduced ({} met by construction, not counted; {} replicates, seed {seed})",
        cmp.hits(),
        cmp.testable(),
        cmp.rows.len() - cmp.testable(),
        replicates
    );
    // reproducible: the first replicate again gives the same observables
    let again = impunity::run::run_replicate(&s, seed, 0, 365);
    assert_eq!(
        impunity::calibration::observe(&s, &again),
        impunity::calibration::observe(&s, &outs[0])
    );
}
