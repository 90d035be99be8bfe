//! The 2018 figures the central-Mali scenario is calibrated to, and how a run compares.
//!
//! Each [`Target`] is a public figure of `docs/data/calibration/central-mali-2018.md` turned
//! into an observable of one simulated year and a band (the figures are noisy and partial:
//! a band, not a point). [`observe`] computes the observables of one replicate from its
//! outputs; [`Comparison`] summarises an ensemble: mean, standard deviation, share of
//! replicates inside the band, and whether the mean falls inside it.
//!
//! Rerun with `cargo run --release --example calibrate -- --replicates 20`
//! (docs/calibration.md describes the method and the current result).

use crate::events::{Actor, EventType};
use crate::run::ReplicateOutput;
use crate::scenario::{GroupKind, Scenario, Side};

/// One calibration target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// Short name.
    pub name: &'static str,
    /// The public figure and its source.
    pub source: &'static str,
    /// Lowest value counted as a hit.
    pub low: f64,
    /// Highest value counted as a hit.
    pub high: f64,
    /// Whether the scenario meets it by construction rather than by what the mechanisms do
    /// (reported apart, never counted as a hit).
    pub by_construction: bool,
}

const fn target(name: &'static str, source: &'static str, low: f64, high: f64) -> Target {
    Target {
        name,
        source,
        low,
        high,
        by_construction: false,
    }
}

/// The targets, in the order of [`observe`]'s values. Each is counted the way its source
/// counts: militia attacks are attacks that killed somebody; battles per cercle and per
/// initiator are separate targets, not one pooled share.
pub const TARGETS: [Target; 13] = [
    target(
        "civilians killed by militias (people)",
        "HRW: over 200 in 2018; MINUSMA: at least 209 by Dozo, Jan-Nov; UN: about 500 in Peul-Dogon violence (top)",
        200.0,
        500.0,
    ),
    target(
        "share of militia victims who are Peul",
        "HRW: most of them Peul",
        0.5,
        1.0,
    ),
    target(
        "militia attacks on civilians that killed (events)",
        "MINUSMA: 60 attacks by Dozo on Peul villages, Jan-Nov (Mopti and Segou); HRW: 42 villages or hamlets",
        40.0,
        90.0,
    ),
    target(
        "largest militia attack (people killed)",
        "one Dozo attack near Djenne killed at least 32 Peul (activists: over 50)",
        30.0,
        f64::INFINITY,
    ),
    target(
        "civilians killed by state forces (people)",
        "Nantaka/Kobaka 25, Boulikessi 12, >30 around 13 June (country), ~60 in graves 2017-mid 2018 (HRW)",
        50.0,
        150.0,
    ),
    target(
        "battle events",
        "ACLED, Mopti region, June 2017-June 2018: 74",
        55.0,
        95.0,
    ),
    target(
        "battle fatalities (people)",
        "ACLED, same period: 287",
        200.0,
        380.0,
    ),
    target(
        "share of battles in Koro",
        "ACLED: 26 of 74 = 0.35",
        0.25,
        0.45,
    ),
    target(
        "share of battles in Douentza",
        "ACLED: 16 of 74 = 0.22",
        0.12,
        0.32,
    ),
    target(
        "share of battles in Djenne",
        "ACLED: 15 of 74 = 0.20",
        0.10,
        0.30,
    ),
    target(
        "share of battles initiated by jihadists",
        "ACLED: JNIM initiated 30 of 74 = 0.41",
        0.25,
        0.55,
    ),
    target(
        "share of battles initiated by state forces",
        "ACLED: FAMa initiated 6 of 74 = 0.08",
        0.0,
        0.15,
    ),
    Target {
        name: "soldiers convicted in the year",
        source: "no soldier convicted for the 2012 or 2013 killings by mid-2018; met by construction: justice.trial_delay (365) leaves no time for a verdict within the year",
        low: 0.0,
        high: 0.0,
        by_construction: true,
    },
];

/// The observables of one replicate (first year), in [`TARGETS`] order.
pub fn observe(s: &Scenario, out: &ReplicateOutput) -> Vec<f64> {
    let year = s
        .start_date
        .map(|_| 365 / s.days_per_tick.max(1))
        .unwrap_or(u32::MAX);
    let events: Vec<_> = out.events.iter().filter(|e| e.tick <= year).collect();
    let kind = |a: Actor| match a {
        Actor::Group(g) => s.groups.get_index(g as usize).map(|(_, spec)| spec.kind),
        _ => None,
    };
    let militia_vac: Vec<_> = events
        .iter()
        .filter(|e| {
            e.event_type() == EventType::ViolenceAgainstCivilians
                && kind(e.actor1) == Some(GroupKind::Militia)
        })
        .collect();
    let militia_killed: f64 = militia_vac.iter().map(|e| e.fatalities as f64).sum();
    let peul = s.communities.get_index_of("peul");
    let militia_peul: f64 = militia_vac
        .iter()
        .filter(|e| e.victim_community.map(|c| c as usize) == peul)
        .map(|e| e.fatalities as f64)
        .sum();
    let fatal_attacks = militia_vac.iter().filter(|e| e.fatalities > 0).count();
    let largest = militia_vac.iter().map(|e| e.fatalities).max().unwrap_or(0) as f64;
    let battles: Vec<_> = events
        .iter()
        .filter(|e| e.event_type() == EventType::Battles)
        .collect();
    let regions = s.region_names();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let in_region = |name: &str| {
        let r = regions.iter().position(|n| n == name);
        share(
            battles
                .iter()
                .filter(|e| r.is_some() && e.region.map(|x| x as usize) == r)
                .count(),
            battles.len(),
        )
    };
    let by_jihadists = battles
        .iter()
        .filter(|e| kind(e.actor1) == Some(GroupKind::Jihadist))
        .count();
    let state_side = |a: Actor| match a {
        Actor::Force(f) => s
            .forces
            .get_index(f as usize)
            .is_some_and(|(_, spec)| spec.side == Side::State),
        Actor::State => true,
        _ => false,
    };
    let by_state = battles.iter().filter(|e| state_side(e.actor1)).count();
    let state_killed = events
        .iter()
        .filter(|e| e.event_type() == EventType::Abuses && state_side(e.actor1))
        .map(|e| e.fatalities as f64)
        .sum::<f64>();
    let convictions = events
        .iter()
        .filter(|e| {
            e.event_type() == EventType::Convictions && matches!(e.actor2, Some(Actor::Force(_)))
        })
        .count() as f64;
    vec![
        militia_killed,
        if militia_killed > 0.0 {
            militia_peul / militia_killed
        } else {
            0.0
        },
        fatal_attacks as f64,
        largest,
        state_killed,
        battles.len() as f64,
        battles.iter().map(|e| e.fatalities as f64).sum::<f64>(),
        in_region("koro"),
        in_region("douentza"),
        in_region("djenne"),
        share(by_jihadists, battles.len()),
        share(by_state, battles.len()),
        convictions,
    ]
}

/// An ensemble compared with the targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Per target: (mean, standard deviation, share of replicates inside the band).
    pub rows: Vec<(Target, f64, f64, f64)>,
}

impl Comparison {
    /// Compares the replicates `outs` of scenario `s`.
    pub fn new(s: &Scenario, outs: &[ReplicateOutput]) -> Comparison {
        let obs: Vec<Vec<f64>> = outs.iter().map(|o| observe(s, o)).collect();
        let rows = TARGETS
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let v: Vec<f64> = obs.iter().map(|o| o[k]).collect();
                let (mean, sd) = crate::stats::mean_sd(&v).unwrap_or((f64::NAN, f64::NAN));
                let inside = v.iter().filter(|&&x| x >= t.low && x <= t.high).count() as f64
                    / v.len().max(1) as f64;
                (*t, mean, sd, inside)
            })
            .collect();
        Comparison { rows }
    }

    /// Targets the mechanisms reproduce: ensemble mean inside the band (targets met by
    /// construction are not counted).
    pub fn hits(&self) -> usize {
        self.rows
            .iter()
            .filter(|(t, m, _, _)| !t.by_construction && *m >= t.low && *m <= t.high)
            .count()
    }

    /// Targets that can be missed (all but those met by construction).
    pub fn testable(&self) -> usize {
        self.rows
            .iter()
            .filter(|(t, ..)| !t.by_construction)
            .count()
    }

    /// The comparison as a Markdown table.
    pub fn markdown(&self) -> String {
        let mut s = String::from(
            "| figure | band | model mean ± s.d. | replicates in band | reproduced |\n|---|---|---|---|---|\n",
        );
        for (t, mean, sd, inside) in &self.rows {
            let band = if t.high.is_infinite() {
                format!("≥ {}", t.low)
            } else if t.low == t.high {
                format!("{}", t.low)
            } else {
                format!("{}–{}", t.low, t.high)
            };
            let hit = *mean >= t.low && *mean <= t.high;
            let verdict = match (t.by_construction, hit) {
                (true, _) => "by construction",
                (false, true) => "yes",
                (false, false) => "**no**",
            };
            s.push_str(&format!(
                "| {} ({}) | {band} | {mean:.2} ± {sd:.2} | {:.0} % | {verdict} |\n",
                t.name,
                t.source,
                inside * 100.0,
            ));
        }
        s
    }
}
