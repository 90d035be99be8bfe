//! Ensembles: replicates per second on 1 and 2 threads, and the serial assembly step.
//!
//! * `ensemble/run/threads=T`: 64 replicates of `epstein-run2`, 200 ticks each, run by
//!   [`run_units`] on a pool of T threads, each written to its part file (criterion's
//!   "elements" are replicates). The 2-thread rate over the 1-thread rate is the scaling
//!   figure of docs/ensembles.md.
//! * `ensemble/assemble`: reading those 64 parts back and writing every output file (serial).
//!
//! Run with `cargo bench --bench ensemble`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use impunity::ensemble::{Options, Plan, assemble, prepare, run_units};
use impunity::presets;

const REPLICATES: u64 = 64;
const TICKS: u32 = 200;

fn bench(c: &mut Criterion) {
    let s = presets::get("epstein-run2").expect("preset exists");
    let plan = Plan::single(s, 42, REPLICATES, TICKS).expect("valid plan");
    let dir = std::env::temp_dir().join(format!("impunity-bench-ensemble-{}", std::process::id()));
    let mut g = c.benchmark_group("ensemble");
    g.throughput(Throughput::Elements(REPLICATES));
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        g.bench_function(format!("run/threads={threads}"), |b| {
            b.iter(|| {
                prepare(&plan, &dir, None, false, vec![]).expect("prepared");
                pool.install(|| run_units(&plan, &dir, None, &|_| {}))
                    .expect("ran")
            })
        });
    }
    let opts = Options {
        remove_parts: false,
        ..Options::default()
    };
    g.bench_function("assemble", |b| {
        b.iter(|| assemble(&plan, std::slice::from_ref(&dir), &dir, &opts).expect("assembled"))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
