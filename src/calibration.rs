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

use crate::events::PerpetratorKind;
use crate::events::{Actor, EventType};
use crate::run::ReplicateOutput;
use crate::scenario::{GroupKind, Scenario};

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
}

/// The targets, in the order of [`observe`]'s values.
pub const TARGETS: [Target; 10] = [
    Target {
        name: "civilians killed by militias (people)",
        source: "HRW: over 200 in 2018; MINUSMA: at least 209 by Dozo, Jan-Nov; UN: about 500 in Peul-Dogon violence (top)",
        low: 200.0,
        high: 500.0,
    },
    Target {
        name: "share of militia victims who are Peul",
        source: "HRW: most of them Peul",
        low: 0.5,
        high: 1.0,
    },
    Target {
        name: "militia attacks on civilians (events)",
        source: "MINUSMA: 60 attacks by Dozo on Peul villages, Jan-Nov (Mopti and Segou); HRW: 42 villages or hamlets",
        low: 40.0,
        high: 90.0,
    },
    Target {
        name: "largest militia attack (people killed)",
        source: "one Dozo attack near Djenne killed at least 32 Peul (activists: over 50)",
        low: 30.0,
        high: f64::INFINITY,
    },
    Target {
        name: "civilians killed by state forces (people)",
        source: "Nantaka/Kobaka 25, Boulikessi 12, >30 around 13 June (country), ~60 in graves 2017-mid 2018 (HRW)",
        low: 50.0,
        high: 150.0,
    },
    Target {
        name: "battle events",
        source: "ACLED, Mopti region, June 2017-June 2018: 74",
        low: 55.0,
        high: 95.0,
    },
    Target {
        name: "battle fatalities (people)",
        source: "ACLED, same period: 287",
        low: 200.0,
        high: 380.0,
    },
    Target {
        name: "share of battles in Koro, Douentza, Djenne",
        source: "ACLED: 26 + 16 + 15 of 74 = 0.77",
        low: 0.6,
        high: 0.9,
    },
    Target {
        name: "share of battles initiated by jihadists",
        source: "ACLED: JNIM initiated 30 of 74 = 0.41",
        low: 0.25,
        high: 0.55,
    },
    Target {
        name: "soldiers convicted in the year",
        source: "no soldier convicted for the 2012 or 2013 killings by mid-2018",
        low: 0.0,
        high: 0.0,
    },
];

/// The observables of one replicate (first year), in [`TARGETS`] order.
pub fn observe(s: &Scenario, out: &ReplicateOutput) -> [f64; 10] {
    let ppa = s.world.people_per_agent;
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
    let largest = militia_vac.iter().map(|e| e.fatalities).max().unwrap_or(0) as f64 * ppa;
    let battles: Vec<_> = events
        .iter()
        .filter(|e| e.event_type() == EventType::Battles)
        .collect();
    let regions = s.region_names();
    let hot: Vec<usize> = ["koro", "douentza", "djenne"]
        .iter()
        .filter_map(|r| regions.iter().position(|n| n == r))
        .collect();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let in_hot = battles
        .iter()
        .filter(|e| e.region.is_some_and(|r| hot.contains(&(r as usize))))
        .count();
    let by_jihadists = battles
        .iter()
        .filter(|e| kind(e.actor1) == Some(GroupKind::Jihadist))
        .count();
    let state_killed = events
        .iter()
        .filter(|e| e.event_type() == EventType::Abuses && matches!(e.actor1, Actor::Force(_)))
        .map(|e| e.fatalities as f64)
        .sum::<f64>();
    let convictions = events
        .iter()
        .filter(|e| {
            e.event_type() == EventType::Convictions && matches!(e.actor2, Some(Actor::Force(_)))
        })
        .count() as f64;
    let _ = PerpetratorKind::State;
    [
        militia_killed * ppa,
        if militia_killed > 0.0 {
            militia_peul / militia_killed
        } else {
            0.0
        },
        militia_vac.len() as f64,
        largest,
        state_killed * ppa,
        battles.len() as f64,
        battles.iter().map(|e| e.fatalities as f64).sum::<f64>() * ppa,
        share(in_hot, battles.len()),
        share(by_jihadists, battles.len()),
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
        let obs: Vec<[f64; 10]> = outs.iter().map(|o| observe(s, o)).collect();
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

    /// Targets whose ensemble mean falls inside the band.
    pub fn hits(&self) -> usize {
        self.rows
            .iter()
            .filter(|(t, m, _, _)| *m >= t.low && *m <= t.high)
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
            s.push_str(&format!(
                "| {} ({}) | {band} | {mean:.2} ± {sd:.2} | {:.0} % | {} |\n",
                t.name,
                t.source,
                inside * 100.0,
                if hit { "yes" } else { "**no**" }
            ));
        }
        s
    }
}
