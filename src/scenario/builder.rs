//! Building a scenario in Rust, key by key, through the same validation as a file.

use super::{Scenario, ScenarioError, Value, set_path};
use crate::rules::RuleSet;

/// Builds a [`Scenario`] from Rust code.
///
/// Every setter writes the key a scenario file would hold (`world(40, 40)` writes
/// `world.width` and `world.height`), and [`ScenarioBuilder::build`] reads the result exactly
/// as a file is read: the same deserialisation, defaults and [`Scenario::validate`]. A built
/// scenario therefore equals the file that says the same thing, and a mistake gives the same
/// error, naming the key path (see `docs/scenario.md` for every key).
///
/// The required keys have no defaults: a builder without `world`, `population`, a
/// community, `ticks` or `rules` fails to build, naming what is missing.
///
/// ```
/// use impunity::rules::RuleSet;
/// use impunity::scenario::{Scenario, ScenarioBuilder};
///
/// let built = ScenarioBuilder::new("tiny")
///     .ticks(200)
///     .rules(RuleSet::Paper)
///     .world(40, 40)
///     .population(0.7, 7.0)
///     .community("citizens", 1.0, 0.82)
///     .force("cops", 0.04, 7.0)
///     .max_jail_term(30.0)
///     .set("rules.ratio", "floor") // any key path, as with `--set`
///     .build()
///     .unwrap();
///
/// let file = Scenario::from_toml_str(r#"
///     name = "tiny"
///     ticks = 200
///     rules = { base = "paper", ratio = "floor" }
///     [world]
///     width = 40
///     height = 40
///     [population]
///     density = 0.7
///     vision = 7
///     [policing]
///     max_jail_term = 30
///     [communities.citizens]
///     share = 1.0
///     legitimacy = 0.82
///     [forces.cops]
///     density = 0.04
///     vision = 7
/// "#, "tiny.toml").unwrap();
/// assert_eq!(built, file);
///
/// // The same checks as a file, with the key path.
/// let err = ScenarioBuilder::from_scenario(&file)
///     .community("citizens", 1.0, 1.5)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "communities.citizens.legitimacy: 1.5 is outside [0, 1]");
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ScenarioBuilder {
    tree: toml::Value,
    /// The first key that could not be set (reported by `build`).
    error: Option<ScenarioError>,
}

impl ScenarioBuilder {
    /// A scenario called `name` (letters, digits, `-`, `_`, `.`: it names output
    /// directories), with nothing else set.
    pub fn new(name: &str) -> ScenarioBuilder {
        ScenarioBuilder {
            tree: toml::Value::Table(Default::default()),
            error: None,
        }
        .set("name", name)
    }

    /// Starts from an existing scenario (a preset, a file), to change some of its keys.
    pub fn from_scenario(s: &Scenario) -> ScenarioBuilder {
        ScenarioBuilder {
            tree: toml::Value::try_from(s).expect("a scenario always serialises"),
            error: None,
        }
    }

    /// Sets any key path to a value (`"communities.citizens.legitimacy"`, `0.7`), as a
    /// scenario file or `--set` would. Unknown keys and wrong types are reported by
    /// [`ScenarioBuilder::build`].
    pub fn set(mut self, path: &str, value: impl Into<Value>) -> ScenarioBuilder {
        if self.error.is_none() {
            if let Err(m) = set_path(&mut self.tree, path, value.into().into_toml()) {
                self.error = Some(ScenarioError::new(path, m));
            }
        }
        self
    }

    /// One paragraph for humans.
    pub fn description(self, text: &str) -> ScenarioBuilder {
        self.set("description", text)
    }

    /// Ticks a run lasts unless the command line says otherwise (Epstein's runs: 200 to 1000).
    pub fn ticks(self, ticks: u32) -> ScenarioBuilder {
        self.set("ticks", ticks as i64)
    }

    /// The rule set: `Paper` (Epstein as written), `Netlogo` or `Mesa`. Override single
    /// switches with `.set("rules.ratio", "floor")`.
    pub fn rules(self, set: RuleSet) -> ScenarioBuilder {
        self.set("rules.base", set.name())
    }

    /// Lattice size in cells (Epstein: 40 × 40; at most 65,535 a side and 2^31 cells).
    pub fn world(self, width: u32, height: u32) -> ScenarioBuilder {
        self.set("world.width", width as i64)
            .set("world.height", height as i64)
    }

    /// Whether the lattice wraps around (default: yes, as in Epstein).
    pub fn torus(self, torus: bool) -> ScenarioBuilder {
        self.set("world.torus", torus)
    }

    /// Real people one person-agent stands for (default 1; outputs report both).
    pub fn people_per_agent(self, people: f64) -> ScenarioBuilder {
        self.set("world.people_per_agent", people)
    }

    /// Share of cells holding a person at the start (Epstein: 0.7) and their vision radius in
    /// cells (Epstein: 1.7 or 7).
    pub fn population(self, density: f64, vision: f64) -> ScenarioBuilder {
        self.set("population.density", density)
            .set("population.vision", vision)
    }

    /// Whether persons move (default: yes; Epstein's run 1: no).
    pub fn movement(self, moves: bool) -> ScenarioBuilder {
        self.set("population.movement", moves)
    }

    /// Epstein's threshold T (default 0.1) and constant k (default 2.3).
    pub fn activation(self, threshold: f64, k: f64) -> ScenarioBuilder {
        self.set("activation.threshold", threshold)
            .set("activation.k", k)
    }

    /// J_max in ticks (default 30; `f64::INFINITY` jails for ever).
    pub fn max_jail_term(self, ticks: f64) -> ScenarioBuilder {
        self.set("policing.max_jail_term", ticks)
    }

    /// A community with its share of the population (shares sum to 1) and the legitimacy L
    /// it grants the state, in [0, 1] (Epstein: 0.8 to 0.9). Calling it again with the same
    /// name changes that community.
    pub fn community(self, name: &str, share: f64, legitimacy: f64) -> ScenarioBuilder {
        self.set(&format!("communities.{name}.share"), share)
            .set(&format!("communities.{name}.legitimacy"), legitimacy)
    }

    /// Community `name`'s active persons kill members of `targets` (Epstein's Model II).
    pub fn kills(self, name: &str, targets: &[&str]) -> ScenarioBuilder {
        let list: Value = targets.iter().copied().collect();
        self.set(&format!("communities.{name}.kills"), list)
    }

    /// A force of policing units: share of cells holding one (Epstein: 0.04 or 0.074) and
    /// their vision radius.
    pub fn force(self, name: &str, density: f64, vision: f64) -> ScenarioBuilder {
        self.set(&format!("forces.{name}.density"), density)
            .set(&format!("forces.{name}.vision"), vision)
    }

    /// Births (chance per tick, Epstein: 0.05) and lifespans (uniform on 1..=max_age ticks,
    /// Epstein: 200) of Model II.
    pub fn demography(self, birth_rate: f64, max_age: u32) -> ScenarioBuilder {
        self.set("demography.birth_rate", birth_rate)
            .set("demography.max_age", max_age as i64)
    }

    /// The columns of `timeseries.csv` (default: the model's standard set).
    pub fn metrics(self, names: &[&str]) -> ScenarioBuilder {
        let list: Value = names.iter().copied().collect();
        self.set("outputs.metrics", list)
    }

    /// The scenario, deserialised and validated exactly as a file would be.
    pub fn build(self) -> Result<Scenario, ScenarioError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        Scenario::from_toml_value(self.tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_unknown_keys_are_named() {
        let e = ScenarioBuilder::new("x").ticks(10).build().unwrap_err();
        assert_eq!(e.to_string(), "missing key `rules`");
        let e = ScenarioBuilder::from_scenario(&crate::presets::get("epstein-run1").unwrap())
            .set("world.widht", 3)
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "world.widht: unknown key `widht`; did you mean `width`?"
        );
        let e = ScenarioBuilder::new("x")
            .set("name.first", 3)
            .build()
            .unwrap_err();
        assert_eq!(e.path, "name.first");
    }
}
