//! The scenarios shipped with the crate.
//!
//! Each preset is a commented TOML file in `scenarios/`, compiled into the binary: a preset
//! is data, exactly what a user could write, and `impunity show PRESET` prints the file.
//!
//! ```
//! let s = impunity::presets::get("epstein-run2").unwrap();
//! assert_eq!(s.world.width, 40);
//! assert!(impunity::presets::get("no-such-preset").is_none());
//! ```

use crate::scenario::{Scenario, Value};

/// A shipped scenario.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Name, as given to `impunity run`.
    pub name: &'static str,
    /// One line for `impunity presets`.
    pub summary: &'static str,
    /// The scenario file.
    pub toml: &'static str,
}

macro_rules! preset {
    ($name:literal, $summary:literal) => {
        Preset {
            name: $name,
            summary: $summary,
            toml: include_str!(concat!("../scenarios/", $name, ".toml")),
        }
    };
}

/// Every preset, in the order `impunity presets` lists them.
pub const ALL: &[Preset] = &[
    preset!(
        "epstein-run1",
        "Epstein run 1: Model I, vision 1.7, L = 0.89, no movement (deceptive behaviour)"
    ),
    preset!(
        "epstein-run2",
        "Epstein run 2: Model I, vision 7, L = 0.82, J_max = 30 (punctuated equilibrium; floor rule)"
    ),
    preset!(
        "epstein-run3",
        "Epstein run 3: Model I, legitimacy lowered gradually from 0.9 to 0.2 (no outburst)"
    ),
    preset!(
        "epstein-run4",
        "Epstein run 4: Model I, legitimacy dropped from 0.9 to 0.7 at once (explosion)"
    ),
    preset!(
        "epstein-run5",
        "Epstein run 5: Model I, L = 0.8, cops withdrawn step by step (tipping into rebellion)"
    ),
    preset!(
        "epstein-run6",
        "Epstein run 6: Model II, two groups, L = 0.9, no cops (peaceful coexistence)"
    ),
    preset!(
        "epstein-run7",
        "Epstein run 7: Model II, two groups, L = 0.8, no cops (genocide)"
    ),
    preset!(
        "epstein-run8",
        "Epstein run 8: Model II, two groups, L = 0.8, peacekeepers at density 0.04"
    ),
    preset!(
        "netlogo-rebellion",
        "NetLogo's Rebellion model with its default settings, under NetLogo's rules"
    ),
    preset!(
        "mesa-epstein",
        "Mesa 3.3.1's Epstein example with its constructor defaults, under Mesa's rules"
    ),
    preset!(
        "central-mali-2018",
        "Central Mali (Mopti region) in 2018: communities, militias, jihadists, state abuse, justice, amnesty; 1 agent = 10 people"
    ),
    preset!(
        "central-mali-2018-prosecution",
        "Central Mali 2018, variant: every abuse investigated (policy.impunity = 0)"
    ),
    preset!(
        "central-mali-2018-no-arming",
        "Central Mali 2018, variant: the state does not arm the militias (policy.militia_arming = 0)"
    ),
    preset!(
        "central-mali-2018-narrow-amnesty",
        "Central Mali 2018, variant: the amnesty law excludes abuses by the state side (policy.amnesty.scope = 0)"
    ),
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.name == name)
}

/// The scenario of preset `name`, parsed and validated.
pub fn get(name: &str) -> Option<Scenario> {
    find(name).map(|p| {
        Scenario::from_toml_str(p.toml, &format!("preset {}", p.name))
            .unwrap_or_else(|e| panic!("shipped preset {} is invalid: {e}", p.name))
    })
}

/// The changes that run `central-mali-2018` at one agent per person: ten times the cells
/// (2904 × 1980, each map character 66 × 66 cells instead of 21 × 21), the same densities,
/// so about two million person-agents. Visions stay in cells: each agent sees as many
/// neighbours as at 1:10, over a smaller area. The behavioural rates are those calibrated at
/// 1:10 (not recalibrated at 1:1). On the command line:
/// `impunity run central-mali-2018 --set world.width=2904 --set world.height=1980
/// --set world.people_per_agent=1`.
///
/// ```
/// let s = impunity::presets::get("central-mali-2018").unwrap()
///     .with_changes(impunity::presets::full_scale()).unwrap();
/// assert_eq!(s.world.people_per_agent, 1.0);
/// assert_eq!(s.world.width as u64 * s.world.height as u64, 2904 * 1980);
/// ```
pub fn full_scale() -> [(&'static str, Value); 3] {
    [
        ("world.width", 2904.into()),
        ("world.height", 1980.into()),
        ("world.people_per_agent", 1.0.into()),
    ]
}

/// Preset names, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|p| p.name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_parses_and_is_named_after_its_file() {
        for p in super::ALL {
            let s = super::get(p.name).unwrap();
            assert_eq!(s.name, p.name);
        }
    }
}
