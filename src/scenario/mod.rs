//! Scenarios: everything a run needs, as one value that reads from and writes to TOML.
//!
//! A [`Scenario`] is plain data. Presets are scenario files shipped with the crate
//! (`scenarios/*.toml`, see [`crate::presets`]); users write their own, or build one in Rust
//! with a [`ScenarioBuilder`]. Every scenario goes through [`Scenario::validate`] before
//! anything runs; errors read `file:line:col: key.path: message` ([`ScenarioError`]).
//!
//! Every key is declared once, next to its field: its type, meaning, default, range check,
//! whether the timeline may change it, and how it is written back. The reading and writing,
//! the range checks, [`Scenario::check_key`] and the reference of every key ([`reference()`],
//! which `docs/scenario.md` is) all come from those declarations; the checks that involve
//! several keys are listed, each with what it refuses, in one module.
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

// Module map: `declare` (the `section!` macro), `ranges` (the range checks keys name) and
// `shape` (what a key is: its type as a file writes it, its default) come first, so that
// every section module can use them; then one module per group of sections (`world`,
// `population`, `communities`, `forces`, `groups`, `conflict`, `policy`, `rules_spec`,
// `timeline`, `date`); then what works on whole scenarios: `checks` (across keys), `keys`
// (key paths), `reference` (docs/scenario.md), `source` (text to scenario, with
// locations), `changes` and `value` (key paths set to values), `builder`, `size`, `error`,
// `warnings` (settings that cannot act within a run).
#[macro_use]
mod declare;
mod ranges;
mod shape;

mod builder;
mod changes;
mod checks;
mod communities;
mod conflict;
mod date;
mod error;
mod forces;
mod groups;
mod keys;
mod policy;
mod population;
mod reference;
mod rules_spec;
mod size;
mod source;
mod timeline;
mod value;
mod warnings;
mod world;

pub use builder::ScenarioBuilder;
pub use communities::CommunitySpec;
pub use conflict::{AbuseSpec, JusticeSpec, LegitimacySpec, RecruitmentSpec, ViolenceSpec};
pub use date::Date;
pub use error::ScenarioError;
pub use forces::{ForceSpec, Role, Side};
pub use groups::{GroupKind, GroupSpec, Targets};
pub use policy::{AmnestySpec, DisarmTarget, DisarmamentSpec, MissionSpec, PolicySpec};
pub use population::{ActivationSpec, DemographySpec, PolicingSpec, PopulationSpec};
pub use reference::reference;
pub use rules_spec::RulesSpec;
pub use size::Footprint;
pub use timeline::TimelineEntry;
pub use value::Value;
pub use warnings::Warning;
pub use world::{RegionsSpec, WorldSpec};

pub(crate) use changes::{get_path, set_path};
pub(crate) use checks::unknown;
pub(crate) use keys::dynamic_key;
pub(crate) use timeline::TimelineRuntime;

use crate::rules::Rules;
use indexmap::IndexMap;
use ranges::Range;
use rules_spec::rules_spec;

section! {
    /// A whole scenario.
    pub struct Scenario {
        /// Short name; names the output directory (`out/<name>`).
        pub name: String = required example("\"tiny\"") check(NAME);
        /// One paragraph for humans.
        pub description: String = default;
        /// Ticks a run lasts, unless `impunity run --ticks` says otherwise.
        pub ticks: u32 = required example("100") check(TICKS);
        /// Calendar date of tick 0 (a TOML date, or a string). Outputs then carry a `date`
        /// column, and timeline entries may give dates (`date`, `from_date`, `to_date`)
        /// instead of ticks. Unset: ticks only.
        pub start_date: Option<Date> = unset example("2018-01-01") range("a calendar date")
            [sparse];
        /// Days one tick stands for: tick t is the date `start_date` + t × days_per_tick, and
        /// a date falls on tick floor(days since `start_date` / days_per_tick). Rates
        /// "per tick" and delays in ticks (`justice.*`) are not rescaled: they are per this
        /// many days (1: a tick is a day).
        pub days_per_tick: u32 = default(1) check(DAYS_PER_TICK) [sparse];
        /// The implementation rules: a rule-set name (`rules = "mesa"`), or a table with a
        /// `base` rule set and any switches overridden (`[rules]`, `base = "paper"`,
        /// `ratio = "floor"`). Always written back as a table, so `--set rules.ratio=floor`
        /// works on either form. See the README's rule-set table.
        pub rules: RulesSpec = required ty("string or table") read_with("rules_spec");
        /// The lattice.
        pub world: WorldSpec = required;
        /// Persons on the lattice.
        pub population: PopulationSpec = required;
        /// Epstein's activation rule: a person is active when G − N > T, with grievance
        /// G = H·(1 − L) and net risk N = R·P.
        pub activation: ActivationSpec = default;
        /// Arrests and jail.
        pub policing: PolicingSpec = default;
        /// Communities by name, in the order declared (`[communities.citizens]`; Epstein's
        /// Model II groups). Names are lower-case letters, digits and `_` (they become column
        /// names); 1 to 250 communities.
        pub communities: IndexMap<String, CommunitySpec> = required;
        /// Force units (Epstein's cops) by name (`[forces.cops]`); same naming rules as
        /// communities; at most 100 forces.
        pub forces: IndexMap<String, ForceSpec> = default;
        /// Armed groups by name (`[groups.jnim]`); same naming rules as communities, and a
        /// group may not share a name with a community or force; at most 100 groups.
        /// Fighters are persons who joined from their community: no longer civilians, they
        /// move, attack and fight as their group says, and may desert.
        pub groups: IndexMap<String, GroupSpec> = default [sparse];
        /// How the presence of armed groups reaches those who might join them.
        pub recruitment: RecruitmentSpec = default [timeline sparse];
        /// Legitimacy that moves with events, and unresolved injustice (off when absent: L is
        /// each community's baseline, as in Epstein). Each tick,
        /// L ← clamp(L + λ·(L₀ − L) + ΔL, 0, 1) and U ← U·(1 − μ) + ΔU per community, where
        /// ΔL and ΔU sum the tick's events below; grievance is G = H·(1 − L) + ω·U. Drops and
        /// rises are in legitimacy units, per person killed or per case.
        pub legitimacy: LegitimacySpec = default [timeline sparse];
        /// Extrajudicial killings by state forces and pro-government fighters (none when
        /// absent), and the sanction forces expect. A state policing or counter-insurgency
        /// unit of n soldiers that sees civilians abuses with probability 1 − e^(−n·a),
        /// a = a₀·(1 − discipline)·(1 + ρ·alarm)·(1 − E)·exp(−δ_pk·n_pk), E the sanction its
        /// force expects, learned from what it has seen of earlier cases. Each abuse event
        /// opens a justice case.
        pub abuse: AbuseSpec = default [timeline sparse];
        /// Raids on civilians, battles and strikes. Rates are per person (a fighter, a
        /// soldier), so that the number of events does not depend on how many people an agent
        /// stands for; tolls are in people.
        pub violence: ViolenceSpec = default [timeline sparse];
        /// Timing and rules of the cases that killings of civilians by state forces and by
        /// the armed groups the state does not fight open: decided, then tried, then served
        /// or amnestied (the outcomes are set by `policy`).
        pub justice: JusticeSpec = default [timeline sparse];
        /// The knobs researchers turn: justice, amnesty, militia arming and disarmament,
        /// training oversight, profiling. Every key may change on the timeline.
        pub policy: PolicySpec = default [timeline sparse];
        /// Training missions (EUTM) by name. Each tick a mission trains trainers ×
        /// `throughput` units (fractions carry over) of the forces it trains, chosen among
        /// the untrained; a unit is trained once.
        pub missions: IndexMap<String, MissionSpec> = default [sparse];
        /// Births and deaths of age (Epstein's Model II); off when absent.
        pub demography: DemographySpec = default [sparse];
        /// Changes during the run, as `[[timeline]]` entries: `at` (or `date`) with `set`, or
        /// `from` and `to` (or `from_date`, `to_date`) with `ramp`. A change at tick t takes
        /// effect before the agents act in tick t, so the output row of tick t is the first
        /// to show it. Only the keys marked in the *timeline* column may change.
        pub timeline: Vec<TimelineEntry> = default [sparse];
        /// What a run writes.
        pub outputs: OutputsSpec = default [sparse];
    }
}

section! {
    /// What the run writes.
    pub struct OutputsSpec: Default {
        /// Columns of `timeseries.csv` after `replicate,tick`; empty: the model's default set
        /// (Model I: quiescent, active, jailed, cops; Model II: alive per community,
        /// new_killed, jailed; the conflict model's set in `impunity::metrics`). Per-tick counts
        /// start with `new_`, levels keep their names.
        pub metrics: Vec<String> = default example("[\"active\"]")
            range("levels `quiescent`, `active`, `jailed`, `cops`, `alive_<community>`, \
                   `fighters_<group>`, `legitimacy_<community>`, `unresolved_<community>`; \
                   per-tick counts `new_killed`, `new_arrests`, `new_births`, \
                   `new_deaths_of_age`, `new_killed_civilians_<kind>`, `new_killed_<community>`, \
                   `new_recruits_<group>`, `new_abuses`, `new_abuses_trained`, \
                   `new_cases_opened`, `new_cases_investigated`, `new_convictions`, \
                   `new_amnesties`, `new_battles`, `new_battle_deaths`")
            [sparse];
    }
}

/// A scenario's name names its output directory.
const NAME: Range<String> = Range {
    text: "letters, digits, `-`, `_`, `.`",
    test: |name| {
        if name.trim().is_empty() {
            Err("must not be empty".into())
        } else if name == "." || name == ".." {
            Err(format!(
                "{name:?} names no directory of its own (it names output directories)"
            ))
        } else if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            Err(format!(
                "{name:?}: use letters, digits, '-', '_' or '.' only (it names output directories)"
            ))
        } else {
            Ok(())
        }
    },
};

/// Ten million ticks: a run is refused before it could take days.
const TICKS: Range<u32> = Range {
    text: "0 ..= 10,000,000",
    test: |t| {
        if *t > 10_000_000 {
            Err(format!("{t} is more than 10,000,000"))
        } else {
            Ok(())
        }
    },
};

/// A tick lasts at least a day.
const DAYS_PER_TICK: Range<u32> = Range {
    text: "≥ 1",
    test: |d| {
        if *d == 0 {
            Err("must be at least 1".into())
        } else {
            Ok(())
        }
    },
};

/// Above this many cells a lattice is refused (2^31 cells: an `AgentId` must fit 31 bits).
pub(crate) const MAX_CELLS: u64 = 1 << 31;

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
    pub(crate) fn from_toml_value(tree: toml::Value) -> Result<Scenario, ScenarioError> {
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

    /// Checks the range of every key, then every check across keys (shares that sum to 1,
    /// names that exist, a lattice that fits in memory, …); the first problem found is
    /// returned with the key path it concerns.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.check_keys("")?;
        checks::run(self)
    }

    /// Checks that `path` (`communities.citizens.legitimacy`) names a key of the scenario
    /// format and, inside tables by name, a name this scenario has: what `--set` and sweeps
    /// check before they change a key. A path that ends at a name may add one
    /// (`communities.new`, with a whole table as its value). Errors suggest the nearest key
    /// or name.
    ///
    /// ```
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// assert!(s.check_key("communities.citizens.legitimacy").is_ok());
    /// let e = s.check_key("communities.citizen.legitimacy").unwrap_err();
    /// assert_eq!(e.to_string(), "communities.citizen: unknown name `citizen`; did you mean `citizens`?");
    /// let e = s.check_key("activation.treshold").unwrap_err();
    /// assert_eq!(e.to_string(), "activation.treshold: unknown key `treshold`; did you mean `threshold`?");
    /// ```
    pub fn check_key(&self, path: &str) -> Result<(), ScenarioError> {
        keys::check_path(self, path)
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

    /// The tick a date falls on (`None` without a start date or before it).
    pub fn tick_of(&self, d: Date) -> Option<u32> {
        let start = self.start_date?;
        let days = d.days - start.days;
        (days >= 0).then(|| (days / self.days_per_tick.max(1) as i64) as u32)
    }
}
