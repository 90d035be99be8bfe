//! Epstein (2002) reproduced: the published phenomena of docs/MODEL.md §6, over fixed seeds.
//!
//! Each assertion states a direction or a bound with a margin that follows from the spread
//! measured across seeds (documented next to it), not from one lucky seed. The measured
//! figures are reported in docs/ODD.md.

use super::common::*;
use impunity::stats::{OUTBURST_THRESHOLD, outbursts, waiting_times};
use impunity::{Model, presets};

/// Outbursts after a burn-in: the first ticks hold the initial transient (everybody starts
/// quiescent and the most aggrieved all turn active at once), which is not an outburst of the
/// stationary process.
const BURN_IN: usize = 100;

fn outbursts_of(ratio: &str, seed: u64, ticks: u32) -> Vec<impunity::stats::Outburst> {
    let sc = preset_with("epstein-run2", [("rules.ratio", ratio)]);
    let active: Vec<f64> = trajectory(&sc, seed, ticks)
        .iter()
        .map(|t| t.active as f64)
        .collect();
    outbursts(&active, OUTBURST_THRESHOLD)
        .into_iter()
        .filter(|o| o.start >= BURN_IN)
        .collect()
}

/// Run 2 with floor (the preset) or round: punctuated equilibrium in every seed. Measured over
/// 10 seeds x 3000 ticks: 108 +- 8 outbursts per seed (floor), 89 +- 7 (round); over 1500
/// ticks a seed has about half that, so "at least 10" has a wide margin. Quiet periods between
/// outbursts last 22 +- 8 ticks (floor) and 30 +- 15 (round): their mean is well above 5.
#[test]
fn run2_floor_and_round_give_punctuated_equilibrium() {
    for ratio in ["floor", "round_half_even"] {
        let mut waits = Vec::new();
        for seed in 0..10 {
            let o = outbursts_of(ratio, seed, 1500);
            assert!(
                o.len() >= 10,
                "{ratio}, seed {seed}: only {} outbursts",
                o.len()
            );
            waits.extend(waiting_times(&o));
        }
        let (mean_wait, _) = mean_se(&waits);
        assert!(
            mean_wait > 5.0,
            "{ratio}: outbursts are not separated by quiet periods ({mean_wait})"
        );
    }
}

/// Run 2 with the exact ratio the paper writes: no outburst at all. A published replication
/// saw none in 20 seeds x 3000 ticks; here the largest count of actives over 10 seeds x 3000
/// ticks is 16-27, far below the threshold of 50.
#[test]
fn run2_exact_ratio_gives_no_outbursts() {
    for seed in 0..10 {
        let sc = preset_with("epstein-run2", [("rules.ratio", "exact")]);
        let peak = trajectory(&sc, seed, 3000)
            .iter()
            .skip(BURN_IN)
            .map(|t| t.active)
            .max()
            .unwrap();
        assert!(
            peak <= 50,
            "seed {seed}: {peak} actives with the exact ratio"
        );
    }
}

/// Runs 3 and 4: a sudden drop of legitimacy (0.9 to 0.7 at t = 77) gives a higher peak of
/// actives than a slow decline (0.9 to 0.2, 0.01 a tick). Measured over 20 seeds: peaks 8-20
/// after the drop, 2-7 during the decline; the drop wins in 20 of 20. "Most seeds" is
/// asserted as at least 16 of 20.
#[test]
fn run4_sudden_drop_beats_run3_gradual_decline() {
    let peak = |name: &str, seed| {
        let sc = presets::get(name).unwrap();
        trajectory(&sc, seed, 200)
            .iter()
            .map(|t| t.active)
            .max()
            .unwrap()
    };
    let wins = (0..20)
        .filter(|&seed| peak("epstein-run4", seed) > peak("epstein-run3", seed))
        .count();
    assert!(
        wins >= 16,
        "the sudden drop gave the higher peak in only {wins} of 20 seeds"
    );
}

/// Run 5: withdrawing the cops step by step tips society into rebellion. With all cops in
/// place (ticks 20-50) almost nobody is active (0-0.03 on average over 10 seeds); once they
/// are gone (ticks 260-300) every free person with H > 0.5 is: 32-70 actives. The rebellion is
/// smaller than the free population because J_max = inf has jailed the most aggrieved for
/// good during the withdrawal. Asserted: at least 20 actives, and ten times (1 + the mean
/// under full policing).
#[test]
fn run5_withdrawing_cops_tips_into_rebellion() {
    let sc = presets::get("epstein-run5").unwrap();
    for seed in 0..10 {
        let traj = trajectory(&sc, seed, 300);
        let mean = |a: usize, b: usize| {
            traj[a..b].iter().map(|t| t.active as f64).sum::<f64>() / (b - a) as f64
        };
        let before = mean(20, 50);
        let after = mean(260, 301);
        let free_after = traj[300].active + traj[300].quiescent;
        assert_eq!(traj[300].units, 0, "all cops withdrawn at the end");
        assert!(
            before < 2.0,
            "seed {seed}: {before} actives on average under full policing"
        );
        assert!(
            after > 10.0 * (before + 1.0) && after >= 20.0,
            "seed {seed}: only {after} actives of {free_after} free persons without cops (vs {before} with them)"
        );
    }
}

/// Run 6: with L = 0.9, grievance H(1 - L) never exceeds 0.1 = T, so nobody is ever active and
/// nobody is killed: peaceful coexistence, both groups alive.
#[test]
fn run6_peaceful_coexistence() {
    let sc = presets::get("epstein-run6").unwrap();
    for seed in 0..5 {
        for t in trajectory(&sc, seed, 400) {
            assert_eq!(t.killed, 0, "seed {seed}, tick {}: a killing", t.tick);
            assert_eq!(t.active, 0);
            assert!(
                t.alive.iter().all(|&a| a > 0),
                "seed {seed}: a group vanished"
            );
        }
    }
}

fn time_to_genocide(sc: &impunity::Scenario, seed: u64, cap: u32) -> (u32, Option<usize>) {
    let mut m = Model::new(sc, seed, 0).unwrap();
    for _ in 0..cap {
        m.step();
        let st = m.stats();
        if let Some(gone) = st.alive.iter().position(|&a| a == 0) {
            return (m.tick(), Some(gone));
        }
    }
    (cap, None)
}

/// Run 7: genocide in every run, and the surviving group is random. Measured: extinction
/// within 70-180 ticks; over 200 seeds blue survived 99 times and green 101.
#[test]
fn run7_genocide_in_every_run_either_group_survives() {
    let sc = presets::get("epstein-run7").unwrap();
    let mut gone = [0; 2];
    for seed in 0..20 {
        let (t, g) = time_to_genocide(&sc, seed, 2000);
        let g = g.unwrap_or_else(|| panic!("seed {seed}: no genocide within {t} ticks"));
        gone[g] += 1;
    }
    assert!(
        gone[0] > 0 && gone[1] > 0,
        "the same group vanished in all 20 seeds: {gone:?}"
    );
}

/// Model II with peacekeepers: the mean time to genocide rises with their density, and so does
/// its spread. Measured over 20 seeds: 95 +- 27 ticks without cops, 137 +- 54 at 0.02, 169 +- 70
/// at 0.04 (then it levels off: 177 at 0.06, 180 at 0.08). The test regresses time on density
/// over 0, 0.02 and 0.04 (24 seeds each) and asks for a slope more than 3 standard errors
/// above zero, and a larger spread at 0.04 than without cops.
#[test]
fn peacekeepers_delay_genocide() {
    let densities = [0.0, 0.02, 0.04];
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut by_density = Vec::new();
    for &d in &densities {
        let sc = preset_with("epstein-run8", [("forces.peacekeepers.density", d)]);
        let times: Vec<f64> = (0..24)
            .map(|seed| {
                let (t, g) = time_to_genocide(&sc, seed, 5000);
                assert!(
                    g.is_some(),
                    "density {d}, seed {seed}: no genocide within 5000 ticks"
                );
                t as f64
            })
            .collect();
        xs.extend(std::iter::repeat_n(d, times.len()));
        ys.extend(times.iter().copied());
        by_density.push(times);
    }
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let slope = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| (x - mx) * (y - my))
        .sum::<f64>()
        / sxx;
    let resid: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| (y - my - slope * (x - mx)).powi(2))
        .sum();
    let se = (resid / (n - 2.0) / sxx).sqrt();
    assert!(
        slope / se > 3.0,
        "slope {slope} ticks per unit density, only {:.1} standard errors",
        slope / se
    );
    let sd = |v: &[f64]| impunity::stats::mean_sd(v).unwrap().1;
    assert!(
        sd(&by_density[2]) > sd(&by_density[0]),
        "spread does not rise with peacekeepers"
    );
}
