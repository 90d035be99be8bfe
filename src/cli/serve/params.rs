//! The parameters of a run as the page sends them (a query string), checked and turned into
//! the paired comparison `impunity compare` would run, and into that command line.

use impunity::Scenario;
use impunity::scenario::Value;
use std::collections::BTreeMap;

/// Most replicates a run may ask for (each point runs this many).
pub const MAX_REPLICATES: u64 = 200;
/// Most ticks a run may ask for.
pub const MAX_TICKS: u32 = 3650;
/// The bounds of `world.people_per_agent` (scale): below the lower one a run of the
/// central-Mali map needs too much memory and time for an explorer (and, below 8, has more people
/// than cells in Bandiagara).
pub const SCALE_RANGE: (u32, u32) = (10, 1000);
/// Bounds of the progress interval, in milliseconds.
pub const INTERVAL_RANGE: (u64, u64) = (50, 10_000);
/// The variant's name in the comparison (and the command line).
pub const VARIANT: &str = "chosen";

/// What a knob's slider is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A number in [min, max], moved in steps.
    Number { min: f64, max: f64, step: f64 },
    /// On or off.
    Bool,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// A policy knob the page offers: a scenario key, a label and its slider.
pub struct Knob {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

/// The knobs (docs/scenario.md, section `policy`). `policy.disarmament.target` is limited to
/// `none` and `militias`: the other targets need keys the page does not offer.
pub const KNOBS: &[Knob] = &[
    Knob {
        key: "policy.impunity",
        label: "Impunity (chance an abuse is never investigated)",
        kind: Kind::Number {
            min: 0.0,
            max: 1.0,
            step: 0.05,
        },
    },
    Knob {
        key: "policy.militia_arming",
        label: "Militia arming (arms the state gives its militias)",
        kind: Kind::Number {
            min: 0.0,
            max: 1.0,
            step: 0.05,
        },
    },
    Knob {
        key: "policy.amnesty.scope",
        label: "Amnesty scope (share of cases the law covers)",
        kind: Kind::Number {
            min: 0.0,
            max: 1.0,
            step: 0.05,
        },
    },
    Knob {
        key: "policy.amnesty.in_force",
        label: "Amnesty law in force",
        kind: Kind::Bool,
    },
    Knob {
        key: "policy.field_oversight",
        label: "Field oversight (trainers follow their trainees)",
        kind: Kind::Bool,
    },
    Knob {
        key: "policy.disarmament.target",
        label: "Disarmament target",
        kind: Kind::Choice(&["none", "militias"]),
    },
    Knob {
        key: "policy.disarmament.rate",
        label: "Disarmament rate (share of arms per tick)",
        kind: Kind::Number {
            min: 0.0,
            max: 0.1,
            step: 0.001,
        },
    },
    Knob {
        key: "policy.disarmament.enforcement",
        label: "Disarmament enforcement",
        kind: Kind::Number {
            min: 0.0,
            max: 1.0,
            step: 0.05,
        },
    },
];

/// The knobs `s` has (an Epstein scenario has none of the conflict model's).
pub fn knobs_of(s: &Scenario) -> Vec<&'static Knob> {
    KNOBS
        .iter()
        .filter(|k| s.check_key(k.key).is_ok() && s.get(k.key).is_some())
        .collect()
}

/// A run's parameters, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RunParams {
    pub seed: u64,
    pub replicates: u64,
    pub ticks: u32,
    /// `world.people_per_agent`, if given (applies to baseline and variant alike).
    pub scale: Option<u32>,
    /// The knobs set, in [`KNOBS`] order: key and value as text.
    pub sets: Vec<(String, String)>,
    /// Milliseconds between progress messages.
    pub interval_ms: u64,
    /// The page's client id (one run per client at a time).
    pub client: String,
}

/// The scenarios a run compares: the baseline (the scenario as shipped, at the chosen scale)
/// and the variant (the baseline with the knobs set).
pub struct Built {
    pub base: Scenario,
    pub variant: Scenario,
}

fn parse_num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.trim()
        .parse::<T>()
        .map_err(|_| format!("{name}={v}: not a whole number in range"))
}

impl RunParams {
    /// Reads and checks the query parameters against `s` (the served scenario): every
    /// parameter known, every number in its bounds, every knob one the page offers.
    pub fn parse(q: &BTreeMap<String, String>, s: &Scenario) -> Result<RunParams, String> {
        let knobs = knobs_of(s);
        let mut p = RunParams {
            seed: 1,
            replicates: 10,
            ticks: s.ticks.min(MAX_TICKS),
            scale: None,
            sets: Vec::new(),
            interval_ms: 250,
            client: String::new(),
        };
        for (k, v) in q {
            match k.as_str() {
                "seed" => p.seed = parse_num("seed", v)?,
                "replicates" => p.replicates = parse_num("replicates", v)?,
                "ticks" => p.ticks = parse_num("ticks", v)?,
                "scale" => p.scale = Some(parse_num("scale", v)?),
                "interval" => p.interval_ms = parse_num("interval", v)?,
                "client" => p.client = v.clone(),
                // page state that the server does not need
                "autorun" | "years" => {}
                key => {
                    let Some(knob) = knobs.iter().find(|x| x.key == key) else {
                        let offered: Vec<&str> = knobs.iter().map(|x| x.key).collect();
                        return Err(format!(
                            "unknown parameter `{key}` (parameters: seed, replicates, ticks, \
                             scale, interval, client, and the knobs {})",
                            offered.join(", ")
                        ));
                    };
                    let v = v.trim();
                    match knob.kind {
                        Kind::Number { min, max, .. } => {
                            let x: f64 =
                                v.parse().map_err(|_| format!("{key}={v}: not a number"))?;
                            if !(min..=max).contains(&x) {
                                return Err(format!("{key}={v}: out of range [{min}, {max}]"));
                            }
                        }
                        Kind::Bool => {
                            if v != "true" && v != "false" {
                                return Err(format!("{key}={v}: expected true or false"));
                            }
                        }
                        Kind::Choice(words) => {
                            if !words.contains(&v) {
                                return Err(format!(
                                    "{key}={v}: expected one of {}",
                                    words.join(", ")
                                ));
                            }
                        }
                    }
                    p.sets.push((key.to_string(), v.to_string()));
                }
            }
        }
        if !(1..=MAX_REPLICATES).contains(&p.replicates) {
            return Err(format!(
                "replicates={}: out of range [1, {MAX_REPLICATES}]",
                p.replicates
            ));
        }
        if !(1..=MAX_TICKS).contains(&p.ticks) {
            return Err(format!("ticks={}: out of range [1, {MAX_TICKS}]", p.ticks));
        }
        if let Some(x) = p.scale {
            let (lo, hi) = SCALE_RANGE;
            if !(lo..=hi).contains(&x) {
                return Err(format!(
                    "scale={x}: out of range [{lo}, {hi}] people per agent"
                ));
            }
        }
        let (lo, hi) = INTERVAL_RANGE;
        if !(lo..=hi).contains(&p.interval_ms) {
            return Err(format!(
                "interval={}: out of range [{lo}, {hi}] milliseconds",
                p.interval_ms
            ));
        }
        if p.client.len() > 64
            || !p
                .client
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err("client: at most 64 letters, digits, `-` or `_`".into());
        }
        if p.sets.is_empty() {
            return Err(
                "no knob given: the variant needs at least one (e.g. policy.impunity=0.5)".into(),
            );
        }
        // in KNOBS order, so that the command line does not depend on the query's order
        p.sets
            .sort_by_key(|(k, _)| KNOBS.iter().position(|x| x.key == k));
        Ok(p)
    }

    /// The baseline and the variant, as `impunity compare` builds them from the command line
    /// of [`RunParams::command_line`]: `--set` on the baseline, then the variant's sets on it,
    /// each value read as the command line reads it ([`Value::parse`]).
    pub fn build(&self, s: &Scenario) -> Result<Built, String> {
        let base = match self.scale {
            Some(x) => s
                .with_changes([("world.people_per_agent", Value::parse(&x.to_string()))])
                .map_err(|e| format!("scale={x}: {e}"))?,
            None => s.clone(),
        };
        let variant = base
            .with_changes(self.sets.iter().map(|(k, v)| (k.as_str(), Value::parse(v))))
            .map_err(|e| format!("{e}"))?;
        Ok(Built { base, variant })
    }

    /// The equivalent command line, `impunity compare SCENARIO --variant chosen:... --seed S
    /// --replicates R --ticks T [--set world.people_per_agent=X]`.
    pub fn command_line(&self, scenario: &str) -> String {
        let mut c = format!("impunity compare {scenario}");
        if let Some(x) = self.scale {
            c.push_str(&format!(" --set world.people_per_agent={x}"));
        }
        let sets: Vec<String> = self.sets.iter().map(|(k, v)| format!("{k}={v}")).collect();
        c.push_str(&format!(" --variant {VARIANT}:{}", sets.join(",")));
        c.push_str(&format!(
            " --seed {} --replicates {} --ticks {}",
            self.seed, self.replicates, self.ticks
        ));
        c
    }
}
