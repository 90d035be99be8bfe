//! # The oversight gap: EUTM training with and without trainers in the field (central Mali)
//!
//! **Question.** The EU Training Mission (EUTM) trains Malian army units in camps; its
//! trainers may not follow them into operations. Training raises proficiency; the discipline
//! it teaches holds in the field only where trainers oversee (`policy.field_oversight`). How
//! many abuses (extrajudicial killings by state-side forces) and how much legitimacy in Peul
//! eyes does the gap cost, compared with no training at all?
//!
//! **Scenario.** The `central-mali-2018` preset, one year of daily ticks, with three paired
//! variants: no training (`missions.eutm.throughput = 0`, the baseline), training without field
//! oversight (2018), and training with field oversight (`policy.field_oversight = true`).
//! Replicate r of every variant starts from the same seed. Full size: 1 agent = 10 people,
//! 10 replicates; quick mode (`IMPUNITY_QUICK=1`): 1 agent = 100 people, 3 replicates (a smoke
//! run: at that scale the differences are within noise).
//!
//! **Charts** (in `out/examples/oversight_gap/`): `charts/forest.png`, each variant's paired
//! difference from no training with its 95 % interval (from `compare.csv`, the file format of
//! `impunity compare`); `with-oversight/charts/`, the fan charts and the map of killings.
//!
//! **Run.** `cargo run --release --example oversight_gap`
//!
//! **Asserts** a one-sided check of the mechanism: oversight can only lower the abuse rate
//! (discipline enters it as a factor 1 − discipline), so abuses with oversight must not exceed
//! those without it by more than 2 standard errors of the paired difference.

use impunity::charts::{self, ChartOptions};
use impunity::presets;
use impunity::scenario::Value;

#[path = "common/paired.rs"]
mod paired;
use std::path::Path;

/// Outcomes per replicate: (label, column of outcomes.csv, shown in people).
const OUTCOMES: [paired::Outcome; 4] = [
    ("abuses", "abuses_total", true),
    ("killed_by_state", "killed_civilians_state_total", true),
    ("cases_opened", "cases_opened_total", false),
    ("legitimacy_peul_end", "legitimacy_peul_end", false),
];

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let (ppa, replicates) = if quick { (100.0, 3) } else { (10.0, 10) };
    let seed = 2018;
    let out = Path::new("out/examples/oversight_gap");
    let base = presets::get("central-mali-2018")
        .expect("preset")
        .with_changes([("world.people_per_agent", ppa)])
        .expect("valid");
    let variants: Vec<(&str, Vec<(&str, Value)>)> = vec![
        (
            "no training",
            vec![("missions.eutm.throughput", 0.0.into())],
        ),
        ("training, no field oversight (2018)", vec![]),
        (
            "training with field oversight",
            vec![("policy.field_oversight", true.into())],
        ),
    ];
    println!(
        "Central Mali 2018, {replicates} paired replicates, 1 agent = {ppa} people (seed {seed})"
    );
    let study = paired::run(&base, &variants, replicates, seed);
    study.report(&OUTCOMES, out);
    let check = study.paired(&OUTCOMES[0], 2, 1);
    let opts = ChartOptions::default();
    let mut written = charts::draw_dir(out, &opts).expect("charts");
    let dir = out.join("with-oversight");
    study.write_variant(2, &dir);
    written.extend(charts::draw_dir(&dir, &opts).expect("charts"));
    for p in &written {
        println!("  {}", p.display());
    }
    let (dm, se) = (check.diff_mean, check.se());
    assert!(
        dm <= 2.0 * se,
        "field oversight raised abuses by {dm:.1} people, beyond 2 SE ({se:.1})"
    );
    println!(
        "ok: field oversight changes abuses by {dm:+.1} ± {se:.1} people (SE), not above +2 SE"
    );
}
