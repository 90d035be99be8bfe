//! Helpers shared by the test modules.

use impunity::scenario::Value;
use impunity::{Model, Scenario, presets};

/// A preset with some keys changed (`[("rules.ratio", "floor")]`).
pub fn preset_with<'a, V: Into<Value>>(
    name: &str,
    changes: impl IntoIterator<Item = (&'a str, V)>,
) -> Scenario {
    presets::get(name)
        .expect("preset exists")
        .with_changes(changes)
        .expect("changes are valid")
}

/// Runs `ticks` ticks and returns every tick's statistics (tick 0 included).
pub fn trajectory(s: &Scenario, seed: u64, ticks: u32) -> Vec<impunity::metrics::TickStats> {
    let mut m = Model::new(s, seed, 0).expect("valid scenario");
    let mut out = vec![m.stats()];
    for _ in 0..ticks {
        m.step();
        out.push(m.stats());
    }
    out
}

/// Mean and standard error of the mean.
pub fn mean_se(x: &[f64]) -> (f64, f64) {
    let (m, sd) = impunity::stats::mean_sd(x).expect("values");
    (m, sd / (x.len() as f64).sqrt())
}
