//! Agent-steps per second of one model, timed the way `scripts/mesa/bench_mesa_epstein.py` times Mesa
//! (steps only, setup excluded), for side-by-side ratios.
//!
//! ```text
//! cargo run --release --example throughput -- mesa-epstein 40 40 100
//! #                                          preset       width height steps [seed] [key=value ...]
//! cargo run --release --example throughput -- central-mali-2018 - - 365 42 world.people_per_agent=100
//! ```
//! A width or height of `-` keeps the preset's; `key=value` settings are applied as `--set`
//! would. Prints one JSON line: agents, steps, set-up and stepping wall times (`setup_s`,
//! `wall_s`), agent-steps per second, the final counts and the instruction-set path taken
//! (`cpu_path`). `scripts/speed-table.sh` runs this and Mesa side by side.

use impunity::scenario::Value;
use impunity::{Model, presets};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: throughput PRESET WIDTH|- HEIGHT|- STEPS [SEED] [KEY=VALUE ...]");
        std::process::exit(2);
    }
    let steps: u32 = a[4].parse().expect("STEPS is a number");
    let seed: u64 = a
        .get(5)
        .map(|s| s.parse().expect("SEED is a number"))
        .unwrap_or(42);
    let mut changes: Vec<(String, Value)> = Vec::new();
    for (key, arg) in [("world.width", &a[2]), ("world.height", &a[3])] {
        if arg != "-" {
            changes.push((key.into(), Value::parse(arg)));
        }
    }
    for kv in a.iter().skip(6) {
        let (k, v) = kv.split_once('=').expect("settings are KEY=VALUE");
        changes.push((k.into(), Value::parse(v)));
    }
    let s = presets::get(&a[1])
        .expect("known preset")
        .with_changes(changes.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .expect("valid settings");
    let (w, h) = (s.world.width, s.world.height);
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
