//! Which instructions the hot loop is compiled for, picked at run time.
//!
//! The crate is built for the target's baseline (x86-64 without POPCNT, say), so that one
//! binary runs everywhere. The turn loop, into which the lattice code is inlined, is compiled
//! once per [`Isa`] with `#[target_feature]` and the best one the CPU supports is chosen when
//! a tick starts (see `crate::mechanisms::dispatch_turns`). Every path runs the same Rust
//! code: only the instructions differ (a `count_ones` is one `popcnt`, `!a & b` one `andn`,
//! shifts need no `cl` register), never the arithmetic, so every path gives the same bits
//! (tested: whole trajectories of every preset under each path available on the machine).
//!
//! Why hand-written rather than a crate such as `multiversion`: the tests must run each path
//! by name against the portable one, and `multiversion` hides its clones behind its own
//! dispatcher; four small functions and one `match` are simpler than a procedural macro
//! dependency. Why no `fma`: nothing here may be contracted into a fused multiply-add
//! (Rust never does so unasked, but leaving the feature off makes it impossible). Why not
//! `pdep` (BMI2) for selecting the k-th set bit: it is microcoded (hundreds of cycles) on
//! AMD processors before Zen 3, which a `bmi2` flag does not reveal.

use std::sync::OnceLock;

/// An instruction-set path of the turn loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The build target's baseline: on x86-64, SSE2 and a software popcount.
    Portable,
    /// x86-64 with the POPCNT instruction.
    #[cfg(target_arch = "x86_64")]
    Popcnt,
    /// x86-64-v3 without FMA: POPCNT, LZCNT, BMI1, BMI2, AVX, AVX2.
    #[cfg(target_arch = "x86_64")]
    X86V3,
    /// AArch64 with NEON (`count_ones` through `cnt`).
    #[cfg(target_arch = "aarch64")]
    Neon,
}

impl Isa {
    /// Every path this build has, best first (whether the CPU supports it or not).
    pub const ALL: &'static [Isa] = &[
        #[cfg(target_arch = "x86_64")]
        Isa::X86V3,
        #[cfg(target_arch = "x86_64")]
        Isa::Popcnt,
        #[cfg(target_arch = "aarch64")]
        Isa::Neon,
        Isa::Portable,
    ];

    /// Whether this CPU can run path `self`.
    pub fn supported(self) -> bool {
        match self {
            Isa::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Popcnt => std::arch::is_x86_feature_detected!("popcnt"),
            #[cfg(target_arch = "x86_64")]
            Isa::X86V3 => {
                std::arch::is_x86_feature_detected!("popcnt")
                    && std::arch::is_x86_feature_detected!("lzcnt")
                    && std::arch::is_x86_feature_detected!("bmi1")
                    && std::arch::is_x86_feature_detected!("bmi2")
                    && std::arch::is_x86_feature_detected!("avx")
                    && std::arch::is_x86_feature_detected!("avx2")
            }
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => std::arch::is_aarch64_feature_detected!("neon"),
        }
    }

    /// The paths this CPU can run, best first.
    pub fn available() -> impl Iterator<Item = Isa> {
        Isa::ALL.iter().copied().filter(|i| i.supported())
    }

    /// The best path this CPU supports (detected once per process).
    pub fn detected() -> Isa {
        static BEST: OnceLock<Isa> = OnceLock::new();
        *BEST.get_or_init(|| Isa::available().next().unwrap_or(Isa::Portable))
    }

    /// The path the turn loop takes: the detected one (in this crate's unit tests, the one
    /// [`with_isa`] forces, if any).
    #[inline]
    pub fn current() -> Isa {
        #[cfg(test)]
        if let Some(forced) = FORCED.with(|f| f.get()) {
            return forced;
        }
        Isa::detected()
    }

    /// A short name, for reports and test messages.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Isa::Popcnt => "x86-64+popcnt",
            #[cfg(target_arch = "x86_64")]
            Isa::X86V3 => "x86-64-v3",
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => "aarch64+neon",
        }
    }
}

/// The instruction-set path the simulation's turn loop takes on this CPU: `"x86-64-v3"`
/// (POPCNT, BMI1/2, LZCNT, AVX2), `"x86-64+popcnt"`, `"aarch64+neon"` or `"portable"`.
/// Results are the same bits on every path; only the speed differs.
///
/// ```
/// let path = impunity::cpu_path();
/// assert!(["x86-64-v3", "x86-64+popcnt", "aarch64+neon", "portable"].contains(&path));
/// ```
pub fn cpu_path() -> &'static str {
    Isa::detected().name()
}

#[cfg(test)]
thread_local! {
    static FORCED: std::cell::Cell<Option<Isa>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with the turn loop forced onto path `isa` on this thread.
///
/// # Panics
/// If the CPU does not support `isa`.
#[cfg(test)]
pub(crate) fn with_isa<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    assert!(isa.supported(), "{} is not supported here", isa.name());
    let before = FORCED.with(|c| c.replace(Some(isa)));
    let out = f();
    FORCED.with(|c| c.set(before));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Model, presets};

    /// Everything a replicate's trajectory consists of at one tick, floats as bits.
    fn fingerprint(m: &Model) -> Vec<u64> {
        let mut out = vec![m.tick() as u64];
        for p in m.persons() {
            out.extend([
                p.hardship.to_bits(),
                p.risk.to_bits(),
                (p.x as u64) << 16 | p.y as u64,
                (p.jail as u64) << 32 | p.dies_at as u64,
                (p.status as u64) << 24
                    | (p.community as u64) << 16
                    | (p.group as u64) << 8
                    | p.flags as u64,
            ]);
        }
        for u in m.units() {
            out.extend([
                (u.x as u64) << 16 | u.y as u64,
                (u.force as u64) << 16 | (u.trained as u64) << 8 | u.dead as u64,
                u.alarm.to_bits() as u64,
            ]);
        }
        let mut row = Vec::new();
        m.metric_row(&mut row);
        out.extend(row.iter().map(|v| v.to_bits()));
        out.extend(m.legitimacy().iter().map(|v| v.to_bits()));
        out.extend(m.unresolved().iter().map(|v| v.to_bits()));
        out.push(m.events().len() as u64);
        out.push(m.cases().len() as u64);
        let c = m.counters();
        out.extend([c.killed, c.arrests, c.births, c.deaths_of_age].map(u64::from));
        out
    }

    /// A whole trajectory: the fingerprint after every tick.
    fn trajectory(preset: &str, changes: &[(&str, i64)], ticks: u32) -> Vec<Vec<u64>> {
        let mut s = presets::get(preset).expect("preset");
        if !changes.is_empty() {
            s = s.with_changes(changes.iter().copied()).expect("valid");
        }
        let mut m = Model::new(&s, 11, 1).expect("valid");
        let mut out = vec![fingerprint(&m)];
        for _ in 0..ticks {
            m.step();
            out.push(fingerprint(&m));
        }
        out
    }

    #[test]
    fn the_portable_path_is_always_there() {
        assert!(Isa::Portable.supported());
        assert_eq!(Isa::ALL.last(), Some(&Isa::Portable));
        assert!(Isa::available().any(|i| i == Isa::detected()));
        assert_eq!(with_isa(Isa::Portable, Isa::current), Isa::Portable);
    }

    /// Every path this CPU supports gives bit-identical trajectories to the portable one,
    /// for each rule set, both of Epstein's models and the conflict model.
    #[test]
    fn every_available_path_gives_the_portable_trajectories() {
        let cases: &[(&str, &[(&str, i64)], u32)] = &[
            ("mesa-epstein", &[], 60),
            (
                "epstein-run2",
                &[("world.width", 30), ("world.height", 30)],
                40,
            ),
            ("netlogo-rebellion", &[], 40),
            (
                "epstein-run7",
                &[("world.width", 30), ("world.height", 30)],
                40,
            ),
            ("central-mali-2018", &[("world.people_per_agent", 400)], 8),
        ];
        let paths: Vec<Isa> = Isa::available().collect();
        for &(preset, changes, ticks) in cases {
            let want = with_isa(Isa::Portable, || trajectory(preset, changes, ticks));
            for &isa in &paths {
                let got = with_isa(isa, || trajectory(preset, changes, ticks));
                assert_eq!(got.len(), want.len());
                for (t, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        g == w,
                        "{preset}: {} differs from portable at tick {t}",
                        isa.name()
                    );
                }
            }
        }
    }
}
