//! Agent-steps per second of one model, timed the way `scripts/mesa/bench_mesa_epstein.py` times Mesa
//! (steps only, setup excluded), for side-by-side ratios.
//!
//! ```text
//! cargo run --release --example throughput -- mesa-epstein 40 40 100
//! #                                          preset       width height steps [seed]
//! ```
//! Prints one JSON line. `scripts/compare-mesa.sh` runs this and Mesa one after the other.

use impunity::{Model, presets};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: throughput PRESET WIDTH HEIGHT STEPS [SEED]");
        std::process::exit(2);
    }
    let (w, h, steps): (i64, i64, u32) = (
        a[2].parse().unwrap(),
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
    );
    let seed: u64 = a.get(5).map(|s| s.parse().unwrap()).unwrap_or(42);
    let s = presets::get(&a[1])
        .expect("known preset")
        .with_changes([("world.width", w), ("world.height", h)])
        .expect("valid size");
    let t0 = Instant::now();
    let mut m = Model::new(&s, seed, 0).unwrap();
    let setup = t0.elapsed().as_secs_f64();
    let agents = m.persons().len() + m.units().len();
    let t1 = Instant::now();
    for _ in 0..steps {
        m.step();
    }
    let wall = t1.elapsed().as_secs_f64();
    let st = m.stats();
    println!(
        "{{\"impl\":\"impunity\",\"preset\":\"{}\",\"grid\":\"{w}x{h}\",\"agents\":{agents},\"steps\":{steps},\"seed\":{seed},\"setup_s\":{setup:.4},\"wall_s\":{wall:.4},\"agent_steps_per_s\":{:.0},\"quiescent\":{},\"active\":{},\"jailed\":{},\"cpu_path\":\"{}\"}}",
        a[1],
        agents as f64 * steps as f64 / wall,
        st.quiescent,
        st.active,
        st.jailed,
        impunity::cpu_path()
    );
}
