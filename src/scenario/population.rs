//! Persons and Epstein's rules for them: `[population]`, `[activation]`, `[policing]`,
//! `[demography]`.

use super::ranges::Range;

section! {
    /// Persons on the lattice.
    pub struct PopulationSpec {
        /// Share of cells holding a person at the start (Epstein: 0.7). With
        /// `world.regions`, the share of the cells of each region that
        /// `world.regions.population` does not list. 0: nobody, unless regions give
        /// populations.
        pub density: f64 = default(0.0) example("0.7")
            check(unit, "without regions, plus all force densities ≤ 1");
        /// Vision radius v in cells (Epstein: 1.7 or 7).
        pub vision: f64 = required example("7") check(vision) [timeline];
        /// Whether persons move (Epstein's rule M; his run 1 holds them still).
        pub movement: bool = default(true) [timeline];
    }
}

section! {
    /// Epstein's activation constants.
    pub struct ActivationSpec: Default {
        /// T (0.1: Epstein's value in every run).
        pub threshold: f64 = default(0.1) check(finite) [timeline];
        /// k in P = 1 − exp(−k·f(C/A)) (2.3: P ≈ 0.9 for one cop and one active, as in
        /// Epstein).
        pub k: f64 = default(2.3) check(nonneg) [timeline];
    }
}

section! {
    /// Arrests and jail.
    pub struct PolicingSpec: Default {
        /// J_max in ticks; `inf` jails for ever (Epstein's runs 3 to 5). 30: NetLogo's
        /// default; Epstein uses 15, 30 and ∞ by run.
        pub max_jail_term: f64 = default(30.0)
            check(JAIL_TERM, "a whole number ≥ 1 under `below_max` terms, whole under `up_to_max`")
            [timeline];
    }
}

/// J_max: any number of ticks, or for ever. Whether it must be whole depends on the rules
/// (checked across keys).
const JAIL_TERM: Range<f64> = Range {
    text: "≥ 0 or `inf`",
    test: |j| {
        if j.is_nan() || *j < 0.0 {
            Err(format!("{j} must be >= 0 (or inf)"))
        } else {
            Ok(())
        }
    },
};

section! {
    /// Births and deaths of age.
    pub struct DemographySpec: Default {
        /// Chance per tick that a free person clones itself onto an empty Moore neighbour
        /// (0: off; Epstein's Model II uses 0.05).
        pub birth_rate: f64 = default(0.0) check(unit) [timeline];
        /// Lifespans are uniform on 1 ..= max_age ticks; 0: nobody dies of age (the default,
        /// off; Epstein's Model II uses 200).
        pub max_age: u32 = default(0) check(MAX_AGE);
    }
}

/// Lifespans: up to a million ticks.
const MAX_AGE: Range<u32> = Range {
    text: "0 ..= 1,000,000",
    test: |a| {
        if *a > 1_000_000 {
            Err("at most 1,000,000 ticks".into())
        } else {
            Ok(())
        }
    },
};
