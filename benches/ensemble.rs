//! Ensembles: replicates per second on 1 and 2 threads, and the serial assembly step.
//!
//! * `ensemble/run/threads=T`: 64 replicates of `epstein-run2`, 200 ticks each, run by the
//!   driver's directory mode ([`Ensemble::open`], then [`Job::run_units`]) on a pool of T
//!   threads, each written to its part file (criterion's "elements" are replicates). The
//!   2-thread rate over the 1-thread rate is the scaling figure of docs/ensembles.md.
//! * `ensemble/assemble`: reading those 64 parts back and writing every output file (serial;
//!   [`Job::finish`] of the resumed directory, keeping the parts).
//!
//! Run with `cargo bench --bench ensemble`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use impunity::ensemble::{DirOptions, Ensemble, Job, Plan, no_progress};
use impunity::presets;

const REPLICATES: u64 = 64;
const TICKS: u32 = 200;

fn bench(c: &mut Criterion) {
    let s = presets::get("epstein-run2").expect("preset exists");
    let ensemble = Ensemble::new(Plan::single(s, 42, REPLICATES, TICKS).expect("valid plan"));
    let dir = std::env::temp_dir().join(format!("impunity-bench-ensemble-{}", std::process::id()));
    let fresh = DirOptions {
        force: true,
        ..DirOptions::default()
    };
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
                let job: Job<'_> = ensemble.open(&dir, &fresh).expect("opened").expect("to do");
                let todo: Vec<u64> = job.pending().collect();
                pool.install(|| job.run_units(&todo, &no_progress))
                    .expect("ran")
            })
        });
    }
    let again = DirOptions {
        resume: true,
        keep_parts: true,
        ..DirOptions::default()
    };
    g.bench_function("assemble", |b| {
        b.iter(|| {
            let job = ensemble.open(&dir, &again).expect("opened").expect("parts");
            job.finish().expect("assembled")
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
