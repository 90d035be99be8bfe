//! The stepping loop, in agent-steps per second (criterion's "elements").
//!
//! Bench ids name the model, the rules and the lattice size:
//! * `model1-mesa/40x40`: Mesa's defaults (the comparison with Mesa in the README),
//! * `model1-mesa/200x200`: same densities, 25 times the area,
//! * `model1-mesa/510x510`: about 204,000 agents, as many as `central-mali/1:10`,
//! * `model1-mesa/1200x1200`: about 1.1 million agents (the 1 M-agent tick),
//! * `model2-paper/40x40`: Epstein's Model II (run 7's parameters),
//! * `central-mali/1:10`: the `central-mali-2018` preset (about 204,000 agents), after
//!   `WARMUP` days of 2018,
//! * `central-mali/1:1`: the same at one agent per person (2904 × 1980 cells, about 2
//!   million agents; [`impunity::presets::full_scale`]),
//! * `central-mali-year/1:100`: a whole replicate of the preset at one agent per 100 people
//!   (set-up and 365 days; criterion's "elements" are agent-steps).
//!
//! The conflict model's cost per agent-step over `model1-mesa/510x510`'s (same number of
//! agents, same run, same machine) is the ratio the README reports.
//!
//! Each measured iteration is one tick of a model that has already run `WARMUP` ticks, so the
//! state is past its initial transient. Run with `cargo bench --bench step`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use impunity::{Model, Scenario, presets};
use std::time::Duration;

const WARMUP: u32 = 50;

fn sized(preset: &str, side: u32) -> Scenario {
    presets::get(preset)
        .expect("preset exists")
        .with_changes([("world.width", side), ("world.height", side)])
        .expect("resized scenario is valid")
}

fn bench_one(c: &mut Criterion, group: &str, preset: &str, side: u32, samples: usize) {
    let s = sized(preset, side);
    let mut m = Model::new(&s, 42, 0).expect("valid");
    for _ in 0..WARMUP {
        m.step();
    }
    let agents = (m.persons().len() + m.units().len()) as u64;
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(agents));
    g.sample_size(samples);
    if side >= 1000 {
        g.measurement_time(Duration::from_secs(20));
    }
    g.bench_function(BenchmarkId::from_parameter(format!("{side}x{side}")), |b| {
        b.iter(|| m.step())
    });
    g.finish();
}

fn bench_mali(c: &mut Criterion, label: &str, s: Scenario, samples: usize) {
    let mut m = Model::new(&s, 42, 0).expect("valid");
    for _ in 0..WARMUP {
        m.step();
    }
    let agents = (m.persons().len() + m.units().len()) as u64;
    let mut g = c.benchmark_group("central-mali");
    g.throughput(Throughput::Elements(agents));
    g.sample_size(samples);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function(BenchmarkId::from_parameter(label), |b| b.iter(|| m.step()));
    g.finish();
}

fn bench_mali_year(c: &mut Criterion, label: &str, s: Scenario) {
    let m = Model::new(&s, 42, 0).expect("valid");
    let agents = (m.persons().len() + m.units().len()) as u64;
    let days = s.ticks;
    let mut g = c.benchmark_group("central-mali-year");
    g.throughput(Throughput::Elements(agents * days as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    g.bench_function(BenchmarkId::from_parameter(label), |b| {
        b.iter(|| {
            let mut m = Model::new(&s, 42, 0).expect("valid");
            for _ in 0..days {
                m.step();
            }
            m.tick()
        })
    });
    g.finish();
}

fn steps(c: &mut Criterion) {
    let mali = presets::get("central-mali-2018").expect("preset");
    bench_mali(c, "1:10", mali.clone(), 20);
    bench_mali_year(
        c,
        "1:100",
        mali.with_changes([("world.people_per_agent", 100)])
            .expect("valid at 1:100"),
    );
    bench_mali(
        c,
        "1:1",
        mali.with_changes(presets::full_scale())
            .expect("valid at 1:1"),
        10,
    );
    bench_one(c, "model1-mesa", "mesa-epstein", 40, 100);
    bench_one(c, "model1-mesa", "mesa-epstein", 200, 50);
    bench_one(c, "model1-mesa", "mesa-epstein", 510, 20);
    bench_one(c, "model1-mesa", "mesa-epstein", 1200, 10);
    bench_one(c, "model2-paper", "epstein-run7", 40, 100);
}

criterion_group!(benches, steps);
criterion_main!(benches);
