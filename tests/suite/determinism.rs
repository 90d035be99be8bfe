//! Same scenario + seed = same bytes, whatever the thread count.

use impunity::output::{write_timeseries_header, write_timeseries_rows};
use impunity::presets;
use impunity::run::run_replicates;

fn csv(name: &str, seed: u64, reps: u64, ticks: u32, threads: usize) -> Vec<u8> {
    let sc = presets::get(name).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let out = pool.install(|| run_replicates(&sc, seed, reps, ticks));
    let mut buf = Vec::new();
    let metrics = impunity::metrics::MetricSet::for_scenario(&sc).unwrap();
    write_timeseries_header(&mut buf, metrics.names(), impunity::output::calendar(&sc)).unwrap();
    for r in &out {
        write_timeseries_rows(
            &mut buf,
            r.replicate,
            &r.rows,
            impunity::output::calendar(&sc),
        )
        .unwrap();
    }
    buf
}

#[test]
fn same_seed_same_bytes_any_thread_count() {
    for name in [
        "epstein-run2",
        "netlogo-rebellion",
        "mesa-epstein",
        "epstein-run8",
    ] {
        let a = csv(name, 3, 4, 120, 1);
        let b = csv(name, 3, 4, 120, 3);
        assert_eq!(a, b, "{name}: output depends on the thread count");
        let c = csv(name, 4, 4, 120, 2);
        assert_ne!(a, c, "{name}: the seed changes nothing");
    }
}

/// Replicate r is the same whether run alone or among others.
#[test]
fn replicate_depends_only_on_seed_and_index() {
    let sc = presets::get("epstein-run2").unwrap();
    let all = run_replicates(&sc, 9, 3, 80);
    let alone = impunity::run::run_replicate(&sc, 9, 2, 80);
    assert_eq!(all[2], alone);
}
