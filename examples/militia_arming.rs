//! # Arming the Dozo, and disarming the Peul (central Mali 2018)
//!
//! **Question.** Since 2016-17 the army has armed the Dozo hunters (Dan Na Ambassagou), a
//! state-backed militia that targets the Peul. How many more Peul civilians are killed as the
//! arming grows, and what does a one-sided disarmament (taking the rifles of Peul households
//! only, leaving the Dozo armed) add?
//!
//! **Scenario.** The `central-mali-2018` preset (`policy.militia_arming = 0.3`), one year of
//! daily ticks, with variants: no arming (`policy.militia_arming = 0`, the baseline), 0.3
//! (2018), 0.6, and 0.3 plus `policy.disarmament = { target = "civilians", community = "peul",
//! rate = 0.01 }` (the preset's own timeline disarmament of the militias is removed from every
//! variant, so that only the arming differs). Replicates are paired: replicate r of every
//! variant starts from the same seed. Full size: 1 agent = 10 people, 10 replicates; quick
//! mode (`IMPUNITY_QUICK=1`): 1 agent = 100 people, 3 replicates (a smoke run: at that scale
//! the differences are within noise).
//!
//! **Charts** (in `out/examples/militia_arming/`): `charts/forest.png`, each variant's paired
//! difference from no arming with its 95 % interval, a panel per outcome (from `compare.csv`, the file
//! format of `impunity compare`); `arming-0.3/charts/`, the fan charts and the map of killings
//! of the 2018 arming.
//!
//! **Run.** `cargo run --release --example militia_arming`
//!
//! **Asserts** a one-sided check of the mechanism: arming at 0.6 does not lower the number of
//! civilians killed by militias below the no-arming baseline by more than 2 standard errors of
//! the paired difference (arming raises attack success and recruitment; a drop beyond noise
//! would mean the mechanism is broken). The table gives the measured differences.

use impunity::charts::{self, ChartOptions};
use impunity::presets;
use impunity::scenario::Value;

#[path = "common/paired.rs"]
mod paired;
use std::path::Path;

/// Outcomes per replicate: (label, column of outcomes.csv, shown in people).
const OUTCOMES: [paired::Outcome; 4] = [
    ("peul_civilians_killed", "killed_peul_total", true),
    ("killed_by_militias", "killed_civilians_militia_total", true),
    ("fighters_dozo_end", "fighters_dozo_end", true),
    ("legitimacy_peul_end", "legitimacy_peul_end", false),
];

fn main() {
    let quick = std::env::var_os("IMPUNITY_QUICK").is_some();
    let (ppa, replicates) = if quick { (100.0, 3) } else { (10.0, 10) };
    let seed = 2018;
    let out = Path::new("out/examples/militia_arming");
    let base = {
        let mut s = presets::get("central-mali-2018")
            .expect("preset")
            .with_changes([("world.people_per_agent", ppa)])
            .expect("valid");
        s.timeline
            .retain(|e| !e.set.keys().any(|k| k.starts_with("policy.disarmament")));
        s
    };
    let variants: Vec<(&str, Vec<(&str, Value)>)> = vec![
        ("no arming", vec![("policy.militia_arming", 0.0.into())]),
        (
            "arming 0.3 (2018)",
            vec![("policy.militia_arming", 0.3.into())],
        ),
        ("arming 0.6", vec![("policy.militia_arming", 0.6.into())]),
        (
            "arming 0.3 + disarming Peul households",
            vec![
                ("policy.militia_arming", 0.3.into()),
                ("policy.disarmament.target", "civilians".into()),
                ("policy.disarmament.community", "peul".into()),
                ("policy.disarmament.rate", 0.01.into()),
            ],
        ),
    ];
    println!(
        "Central Mali 2018, {replicates} paired replicates, 1 agent = {ppa} people (seed {seed})"
    );
    let study = paired::run(&base, &variants, replicates, seed);
    study.report(&OUTCOMES, out);
    let check = study.paired(&OUTCOMES[1], 2, 0);
    let opts = ChartOptions::default();
    let mut written = charts::draw_dir(out, &opts).expect("charts");
    let dir = out.join("arming-0.3");
    study.write_variant(1, &dir);
    written.extend(charts::draw_dir(&dir, &opts).expect("charts"));
    for p in &written {
        println!("  {}", p.display());
    }
    let (dm, se) = (check.diff_mean, check.se());
    assert!(
        dm >= -2.0 * se,
        "arming at 0.6 lowered killings by militias by {dm:.1} people, beyond 2 SE ({se:.1})"
    );
    println!(
        "ok: arming at 0.6 changes killings by militias by {dm:+.1} ± {se:.1} people (SE), not below -2 SE"
    );
}
