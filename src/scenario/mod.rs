//! Scenarios: everything a run needs, as one value that reads from and writes to TOML.
//!
//! A [`Scenario`] is plain data. Presets are scenario files shipped with the crate
//! (`scenarios/*.toml`, see [`crate::presets`]); users write their own, or build one in Rust
//! with a [`ScenarioBuilder`]. Every scenario goes through [`Scenario::validate`] before
//! anything runs; errors read `file:line:col: key.path: message` ([`ScenarioError`]). Every
//! key is documented in [`keys`] (and `docs/scenario.md`, generated from it).
//!
//! ```
//! use impunity::scenario::Scenario;
//! let s = Scenario::from_toml_str(r#"
//!     name = "tiny"
//!     ticks = 10
//!     rules = "mesa"
//!     [world]
//!     width = 20
//!     height = 20
//!     [population]
//!     density = 0.7
//!     vision = 3
//!     [communities.citizens]
//!     share = 1.0
//!     legitimacy = 0.8
//!     [forces.cops]
//!     density = 0.05
//!     vision = 3
//! "#, "tiny.toml").unwrap();
//! assert_eq!(s.world.width, 20);
//! assert!(Scenario::from_toml_str("name = 1", "bad.toml").is_err());
//! ```

mod builder;
mod conflict;
mod error;
pub mod keys;
mod size;
mod source;
mod timeline;

pub use builder::ScenarioBuilder;
pub use conflict::{
    AbuseSpec, AmnestySpec, Date, DisarmTarget, DisarmamentSpec, Driver, GroupKind, GroupSpec,
    JusticeSpec, LegitimacySpec, MissionSpec, PolicySpec, RegionsSpec, Role, Side, Targets,
    ViolenceSpec,
};
pub use error::{ScenarioError, nearest};
pub use size::Footprint;
pub use source::locate;
pub use timeline::{TimelineEntry, TimelineRuntime, dynamic_key, get_path, set_path};

use crate::rules::{JailTerm, Ratio, RuleSet, Rules};
use crate::world::MAX_RADIUS;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used for output directories.
    pub name: String,
    /// One paragraph for humans.
    #[serde(default)]
    pub description: String,
    /// Number of ticks a run lasts unless the command line says otherwise.
    pub ticks: u32,
    /// Calendar date of tick 0 (optional): outputs then carry a `date` column and timeline
    /// entries may give dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Date>,
    /// Days one tick stands for (with `start_date`).
    #[serde(default = "one_u32", skip_serializing_if = "is_one_u32")]
    pub days_per_tick: u32,
    /// Implementation rules (a rule-set name, or a table with `base` and overrides).
    #[serde(deserialize_with = "rules_spec")]
    pub rules: RulesSpec,
    /// The lattice.
    pub world: WorldSpec,
    /// Persons: how many, how far they see, whether they move.
    pub population: PopulationSpec,
    /// Epstein's activation rule constants.
    #[serde(default)]
    pub activation: ActivationSpec,
    /// Arrests and jail.
    #[serde(default)]
    pub policing: PolicingSpec,
    /// Communities, in the order they are declared.
    pub communities: IndexMap<String, CommunitySpec>,
    /// Force units (Epstein's cops; FAMa, MINUSMA, … in the conflict model), by name.
    #[serde(default)]
    pub forces: IndexMap<String, ForceSpec>,
    /// Armed groups, by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub groups: IndexMap<String, GroupSpec>,
    /// Legitimacy dynamics and unresolved injustice.
    #[serde(default, skip_serializing_if = "is_default")]
    pub legitimacy: LegitimacySpec,
    /// Extrajudicial killings.
    #[serde(default, skip_serializing_if = "is_default")]
    pub abuse: AbuseSpec,
    /// Attacks, battles and strikes.
    #[serde(default, skip_serializing_if = "is_default")]
    pub violence: ViolenceSpec,
    /// Timing of the justice pipeline.
    #[serde(default, skip_serializing_if = "is_default")]
    pub justice: JusticeSpec,
    /// The knobs researchers turn.
    #[serde(default, skip_serializing_if = "is_default")]
    pub policy: PolicySpec,
    /// Training missions (EUTM), by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub missions: IndexMap<String, MissionSpec>,
    /// Births and deaths of age (Epstein's Model II).
    #[serde(default, skip_serializing_if = "DemographySpec::is_off")]
    pub demography: DemographySpec,
    /// Changes to any knob during the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// What the run writes.
    #[serde(default, skip_serializing_if = "OutputsSpec::is_default")]
    pub outputs: OutputsSpec,
}

/// The `rules` key: a rule-set name (`rules = "paper"`) or a table with a `base` rule set and
/// any switches of [`Rules`] overridden (`[rules] base = "paper"`, `ratio = "floor"`). It is
/// always written back as a table, so that `--set rules.ratio=floor` works on either form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSpec {
    /// The rule set the others default to.
    pub base: RuleSet,
    /// Overrides [`Rules::ratio`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    /// Overrides [`Rules::vision`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<crate::rules::VisionShape>,
    /// Overrides [`Rules::include_center`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_center: Option<bool>,
    /// Overrides [`Rules::order`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<crate::rules::TurnOrder>,
    /// Overrides [`Rules::shuffle_jailed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shuffle_jailed: Option<bool>,
    /// Overrides [`Rules::jail_term`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jail_term: Option<JailTerm>,
    /// Overrides [`Rules::countdown`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countdown: Option<crate::rules::Countdown>,
    /// Overrides [`Rules::jailed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jailed: Option<crate::rules::JailedCell>,
    /// Overrides [`Rules::cop_after_arrest`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cop_after_arrest: Option<crate::rules::CopAfterArrest>,
    /// Overrides [`Rules::placement`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::rules::Placement>,
}

/// Reads `rules` as either a name or a table.
fn rules_spec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RulesSpec, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = RulesSpec;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a rule-set name (\"paper\", \"netlogo\", \"mesa\") or a table with `base`")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RulesSpec, E> {
            RuleSet::deserialize(serde::de::value::StrDeserializer::<E>::new(s))
                .map(RulesSpec::named)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<RulesSpec, A::Error> {
            RulesSpec::deserialize(serde::de::value::MapAccessDeserializer::new(m))
        }
    }
    d.deserialize_any(V)
}

impl RulesSpec {
    /// A named rule set without overrides.
    pub fn named(base: RuleSet) -> RulesSpec {
        RulesSpec {
            base,
            ratio: None,
            vision: None,
            include_center: None,
            order: None,
            shuffle_jailed: None,
            jail_term: None,
            countdown: None,
            jailed: None,
            cop_after_arrest: None,
            placement: None,
        }
    }

    /// The switches in force.
    pub fn resolve(&self) -> Rules {
        let mut r = Rules::from(self.base);
        macro_rules! over {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { r.$f = v; } )* };
        }
        over!(
            ratio,
            vision,
            include_center,
            order,
            shuffle_jailed,
            jail_term,
            countdown,
            jailed,
            cop_after_arrest,
            placement
        );
        r
    }

    /// A short label: `paper`, or `paper+ratio=floor` when switches differ from the base.
    pub fn label(&self) -> String {
        let mut s = self.base.name().to_string();
        let b = serde_json::to_value(Rules::from(self.base)).expect("rules serialise");
        let c = serde_json::to_value(self.resolve()).expect("rules serialise");
        if let (Some(b), Some(c)) = (b.as_object(), c.as_object()) {
            for (k, v) in c {
                if b.get(k) != Some(v) {
                    let v = v.as_str().map(str::to_string).unwrap_or(v.to_string());
                    s.push_str(&format!("+{k}={v}"));
                }
            }
        }
        s
    }
}

/// The lattice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    /// Cells across (1 ..= 65,535).
    pub width: u32,
    /// Cells down (1 ..= 65,535).
    pub height: u32,
    /// Whether the edges wrap around (Epstein: yes).
    #[serde(default = "yes")]
    pub torus: bool,
    /// How many real people one agent stands for (outputs report both).
    #[serde(default = "one_f")]
    pub people_per_agent: f64,
    /// Named regions on a map (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<RegionsSpec>,
}

/// Persons on the lattice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Fraction of cells holding a person at the start (Epstein: 0.7). With regions that give
    /// populations, ignored.
    #[serde(default)]
    pub density: f64,
    /// Vision radius v in cells (Epstein: 1.7 or 7).
    pub vision: f64,
    /// Whether persons move (Epstein's rule M).
    #[serde(default = "yes")]
    pub movement: bool,
}

/// Epstein's activation constants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationSpec {
    /// T: an agent is active when G − N > T (Epstein: 0.1).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// k in P = 1 − exp(−k·(C/A)); 2.3 makes P ≈ 0.9 for one cop and one active.
    #[serde(default = "default_k")]
    pub k: f64,
}

impl Default for ActivationSpec {
    fn default() -> Self {
        ActivationSpec {
            threshold: default_threshold(),
            k: default_k(),
        }
    }
}

/// Arrests and jail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicingSpec {
    /// J_max in ticks; `inf` jails for ever (Epstein runs 3-5).
    #[serde(default = "default_jail")]
    pub max_jail_term: f64,
}

impl Default for PolicingSpec {
    fn default() -> Self {
        PolicingSpec {
            max_jail_term: default_jail(),
        }
    }
}

/// A community (Epstein's Model II group; Peul, Dogon, … in the conflict model).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunitySpec {
    /// Share of the population (shares sum to 1).
    pub share: f64,
    /// L: the state's legitimacy in this community's eyes, in [0, 1].
    pub legitimacy: f64,
    /// Communities whose members this community's active persons kill (Epstein's Model II).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kills: Vec<String>,
    /// Share of the community's households that are armed (defends against attacks).
    #[serde(default, skip_serializing_if = "is_default")]
    pub household_arms: f64,
    /// Share of each region's population in this community (overrides `share` where given;
    /// per region, the communities' shares sum to 1).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub share_by_region: IndexMap<String, f64>,
}

/// A kind of force unit (Epstein's cops; an army, a peacekeeping mission, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceSpec {
    /// What the units do.
    #[serde(default)]
    pub role: Role,
    /// State or international.
    #[serde(default, skip_serializing_if = "is_default")]
    pub side: Side,
    /// Fraction of cells holding a unit (Epstein: 0.04 or 0.074). Give this or `people`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<f64>,
    /// Personnel, in people (converted with `world.people_per_agent`). Give this or `density`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<f64>,
    /// Vision radius in cells.
    pub vision: f64,
    /// Whether units move.
    #[serde(default = "yes")]
    pub movement: bool,
    /// Chance per tick that a unit seeing actives arrests one (Epstein: 1).
    #[serde(default = "one_f", skip_serializing_if = "is_one_f")]
    pub arrest_rate: f64,
    /// Discipline in [0, 1]: lowers the chance of abuse.
    #[serde(default, skip_serializing_if = "is_default")]
    pub discipline: f64,
    /// Proficiency in [0, 1]: raises battle effectiveness.
    #[serde(default, skip_serializing_if = "is_default")]
    pub proficiency: f64,
    /// Regions the units are deployed in (empty: anywhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

/// Births and deaths of age.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DemographySpec {
    /// Chance per tick that a free person clones itself onto an empty Moore neighbour (0.05).
    #[serde(default)]
    pub birth_rate: f64,
    /// Lifespans are drawn uniformly from 1 ..= max_age ticks; 0 means nobody dies of age.
    #[serde(default)]
    pub max_age: u32,
}

impl DemographySpec {
    fn is_off(&self) -> bool {
        self.birth_rate == 0.0 && self.max_age == 0
    }
}

/// What the run writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutputsSpec {
    /// Columns of `timeseries.csv` after `replicate,tick`; empty means the model's default set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
}

impl OutputsSpec {
    fn is_default(&self) -> bool {
        self == &OutputsSpec::default()
    }
}

fn yes() -> bool {
    true
}
fn one_u32() -> u32 {
    1
}
fn is_one_u32(v: &u32) -> bool {
    *v == 1
}
fn is_one_f(v: &f64) -> bool {
    *v == 1.0
}
fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}
fn one_f() -> f64 {
    1.0
}
fn default_threshold() -> f64 {
    0.1
}
fn default_k() -> f64 {
    2.3
}
fn default_jail() -> f64 {
    30.0
}

/// Above this many cells a lattice is refused (2^31 cells: an `AgentId` must fit 31 bits).
pub const MAX_CELLS: u64 = 1 << 31;

impl Scenario {
    /// Parses and validates a TOML scenario; `origin` names the file in error messages, which
    /// read `origin:line:col: key.path: message` (see [`ScenarioError`]).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let s = source::deserialize_text(text).map_err(|e| e.with_origin(origin))?;
        s.validate()
            .map_err(|e| source::locate(e, text).with_origin(origin))?;
        Ok(s)
    }

    /// Deserialises and validates a TOML tree: the path [`Scenario::with_changes`] and the
    /// [`ScenarioBuilder`] take. Errors name the key path (there are no lines to name).
    pub fn from_toml_value(tree: toml::Value) -> Result<Scenario, ScenarioError> {
        let s = source::deserialize_value(tree)?;
        s.validate()?;
        Ok(s)
    }

    /// The scenario as TOML text that [`Scenario::from_toml_str`] reads back to an equal value.
    pub fn to_toml_string(&self) -> String {
        toml::to_string(self).expect("a scenario always serialises to TOML")
    }

    /// The rule switches in force.
    pub fn rules(&self) -> Rules {
        self.rules.resolve()
    }

    /// Checks every range and cross-reference; the first problem found is returned with the
    /// key path it concerns.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let err = |path: &str, msg: String| Err(ScenarioError::new(path, msg));
        if self.name.trim().is_empty() {
            return err("name", "must not be empty".into());
        }
        if !self
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return err(
                "name",
                format!(
                    "{:?}: use letters, digits, '-', '_' or '.' only (it names output directories)",
                    self.name
                ),
            );
        }
        let rules = self.rules();
        if let Err(m) = rules.check() {
            return err("rules", m.to_string());
        }
        size::check(self)?;
        let w = &self.world;
        check_positive("world.people_per_agent", w.people_per_agent)?;
        let p = &self.population;
        check_unit("population.density", p.density)?;
        self.check_vision("population.vision", p.vision)?;
        if !self.activation.threshold.is_finite() {
            return err(
                "activation.threshold",
                format!("{} must be a finite number", self.activation.threshold),
            );
        }
        if !(self.activation.k.is_finite() && self.activation.k >= 0.0) {
            return err(
                "activation.k",
                format!("{} must be a finite number >= 0", self.activation.k),
            );
        }
        let j = self.policing.max_jail_term;
        if j.is_nan() || j < 0.0 {
            return err(
                "policing.max_jail_term",
                format!("{j} must be >= 0 (or inf)"),
            );
        }
        if rules.jail_term != JailTerm::Uniform {
            if !j.is_finite() || j.fract() != 0.0 {
                return err(
                    "policing.max_jail_term",
                    format!(
                        "{j}: these rules draw whole-tick terms, so J_max must be a whole number"
                    ),
                );
            }
            if rules.jail_term == JailTerm::BelowMax && j < 1.0 {
                return err(
                    "policing.max_jail_term",
                    "must be at least 1 with jail_term = \"below_max\"".into(),
                );
            }
        }
        if self.communities.is_empty() {
            return err("communities", "at least one community is needed".into());
        }
        if self.communities.len() > 250 {
            return err("communities", "at most 250 communities".into());
        }
        let mut share_sum = 0.0;
        for (name, c) in &self.communities {
            let at = |k: &str| format!("communities.{name}.{k}");
            check_name(&format!("communities.{name}"), name)?;
            check_unit(&at("share"), c.share)?;
            check_unit(&at("legitimacy"), c.legitimacy)?;
            share_sum += c.share;
            for k in &c.kills {
                if !self.communities.contains_key(k) {
                    return err(
                        &at("kills"),
                        unknown("community", k, self.communities.keys()),
                    );
                }
                if k == name {
                    return err(&at("kills"), format!("{name} cannot target itself"));
                }
            }
        }
        if (share_sum - 1.0).abs() > 1e-9 {
            return err("communities", format!("shares sum to {share_sum}, not 1"));
        }
        if self.forces.len() > 100 {
            return err("forces", "at most 100 forces".into());
        }
        let mut dens = if self.world.regions.is_some() {
            0.0
        } else {
            p.density
        };
        for (name, f) in &self.forces {
            check_name(&format!("forces.{name}"), name)?;
            match (f.density, f.people) {
                (Some(d), None) => check_unit(&format!("forces.{name}.density"), d)?,
                (None, Some(n)) => {
                    if !(n.is_finite() && n >= 0.0) {
                        return err(
                            &format!("forces.{name}.people"),
                            format!("{n} must be a number >= 0"),
                        );
                    }
                }
                _ => {
                    return err(
                        &format!("forces.{name}"),
                        "give either `density` or `people`".into(),
                    );
                }
            }
            self.check_vision(&format!("forces.{name}.vision"), f.vision)?;
            dens += self.force_density(f);
        }
        size::check_layers(self)?;
        if dens > 1.0 + 1e-12 {
            return err(
                "population.density",
                format!(
                    "person density plus force densities is {dens}, more than one agent per cell"
                ),
            );
        }
        let d = &self.demography;
        check_unit("demography.birth_rate", d.birth_rate)?;
        if d.max_age > 1_000_000 {
            return err("demography.max_age", "at most 1,000,000 ticks".into());
        }
        if self.ticks > 10_000_000 {
            return err("ticks", format!("{} is more than 10,000,000", self.ticks));
        }
        self.validate_conflict()?;
        crate::metrics::MetricSet::for_scenario(self)
            .map_err(|m| ScenarioError::new("outputs.metrics", m))?;
        timeline::validate(self)?;
        Ok(())
    }

    pub(crate) fn check_vision(&self, path: &str, v: f64) -> Result<(), ScenarioError> {
        if !(v.is_finite() && v >= 0.0) {
            return Err(ScenarioError::new(
                path,
                format!("{v} must be a number >= 0"),
            ));
        }
        if v.floor() > MAX_RADIUS as f64 {
            return Err(ScenarioError::new(
                path,
                format!("{v} is beyond the largest supported radius, {MAX_RADIUS}"),
            ));
        }
        let r = v.floor() as u32;
        if self.world.torus && (2 * r + 1 > self.world.width || 2 * r + 1 > self.world.height) {
            return Err(ScenarioError::new(
                path,
                format!(
                    "radius {v} sees {} cells across, more than the {}x{} torus holds; enlarge the world or set world.torus = false",
                    2 * r + 1,
                    self.world.width,
                    self.world.height
                ),
            ));
        }
        Ok(())
    }

    /// Largest radius (cells) any agent looks at: every vision (persons, force units, armed
    /// groups' fighters) and, when fighters gather (`groups.<g>.cohesion`), the two cells
    /// around a fellow fighter they move to. The lattice's halo is this wide.
    pub fn max_radius(&self) -> usize {
        let gather = if self.groups.values().any(|g| g.cohesion > 0.0) {
            2.0
        } else {
            1.0
        };
        self.forces
            .values()
            .map(|f| f.vision)
            .chain(self.groups.values().map(|g| g.vision))
            .chain(std::iter::once(self.population.vision))
            .fold(gather, f64::max)
            .floor() as usize
    }

    /// Peak heap bytes of one replicate (see [`Scenario::footprint`]).
    pub fn memory_estimate(&self) -> u64 {
        self.footprint().model_bytes
    }

    /// Units per cell of a force (from `density`, or `people / people_per_agent / cells`).
    pub fn force_density(&self, f: &ForceSpec) -> f64 {
        match (f.density, f.people) {
            (Some(d), _) => d,
            (None, Some(p)) => {
                p / self.world.people_per_agent
                    / (self.world.width as f64 * self.world.height as f64)
            }
            _ => 0.0,
        }
    }

    /// Persons per cell over the whole lattice when regions give populations (0 otherwise).
    pub(crate) fn regional_density(&self) -> f64 {
        self.world
            .regions
            .as_ref()
            .map(|r| {
                r.population.values().sum::<f64>()
                    / self.world.people_per_agent
                    / (self.world.width as f64 * self.world.height as f64)
            })
            .unwrap_or(0.0)
    }
}

/// `12.3 MiB`-style sizes.
pub fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

fn check_unit(path: &str, v: f64) -> Result<(), ScenarioError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(ScenarioError::new(path, format!("{v} is outside [0, 1]")))
    }
}

fn check_positive(path: &str, v: f64) -> Result<(), ScenarioError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(ScenarioError::new(
            path,
            format!("{v} must be a finite number > 0"),
        ))
    }
}

pub(crate) fn check_name(path: &str, name: &str) -> Result<(), ScenarioError> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(ScenarioError::new(
            path,
            format!(
                "{name:?}: names are lower-case letters, digits and '_' (they become column names)"
            ),
        ))
    }
}

/// "unknown community `x`; did you mean `y`?", or, with nothing close,
/// "unknown community `x` (known: a, b)".
pub(crate) fn unknown<'a>(
    what: &str,
    name: &str,
    known: impl Iterator<Item = &'a String>,
) -> String {
    let known: Vec<&String> = known.collect();
    let mut m = format!("unknown {what} `{name}`");
    if let Some(best) = crate::scenario::error::nearest(name, known.iter().map(|s| s.as_str())) {
        m.push_str(&format!("; did you mean `{best}`?"));
    } else {
        m.push_str(&format!(
            " (known: {})",
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    m
}
