//! Whole outputs pinned: 60 ticks of every preset, seed 1, two replicates, compared byte for
//! byte with `tests/golden/<preset>.csv`.
//!
//! These catch any change to what a seed produces. When a change is intended (a new rule, a
//! different draw order), regenerate with `IMPUNITY_UPDATE_GOLDEN=1 cargo test --release
//! golden` and say in the commit message why the results changed.

use impunity::output::{write_timeseries_header, write_timeseries_rows};
use impunity::presets;
use impunity::run::run_replicates;
use std::path::Path;

#[test]
fn presets_produce_their_golden_outputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("IMPUNITY_UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for name in presets::names() {
        let sc = presets::get(name).unwrap();
        let mut buf = Vec::new();
        write_timeseries_header(
            &mut buf,
            impunity::metrics::MetricSet::for_scenario(&sc)
                .unwrap()
                .names(),
            impunity::output::calendar(&sc),
        )
        .unwrap();
        for r in run_replicates(&sc, 1, 2, 60) {
            write_timeseries_rows(
                &mut buf,
                r.replicate,
                &r.rows,
                impunity::output::calendar(&sc),
            )
            .unwrap();
        }
        let path = dir.join(format!("{name}.csv"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &buf).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&buf[..]) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "outputs differ from tests/golden for {stale:?}"
    );
}
