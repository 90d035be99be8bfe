//! Every key of a scenario file: its type (read from the code), default, range and meaning.
//!
//! [`KEYS`] is the table `docs/scenario.md` is generated from ([`reference()`]). The types are
//! not written by hand: [`schema`] walks the `Deserialize` implementations of the scenario
//! structs and lists every key they accept, with its type. The test `scenario_docs`
//! (`tests/suite/scenario_docs.rs`) fails when a key of the code has no row here (it prints
//! the rows to add), when a row names no key of the code, when a documented default or
//! "required" disagrees with what the code does, and when `docs/scenario.md` is not the
//! generated text.
//!
//! # Adding a key
//!
//! Add a row to [`KEYS`], next to its siblings, with one of
//!
//! * [`req`]`(path, example, range, meaning)`: a key that must be given;
//! * [`opt`]`(path, default, range, meaning)`: a key with a default (a TOML literal);
//! * [`unset`]`(path, example, range, meaning)`: an optional key without a default;
//! * [`table`]`(path, required, meaning)`: a table, a table of named tables, an array of
//!   tables;
//!
//! then regenerate the reference:
//! `IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs`.
//!
//! Paths are dotted; `<name>` stands for the names of a name-keyed table
//! (`communities.<name>.share`), `[]` for the entries of an array of tables (`timeline[].at`).
//! Examples and defaults are TOML literals (`0.7`, `"paper"`, `["a"]`); the test builds a
//! scenario holding every example, so they must have the key's type.
//!
//! ```
//! use impunity::scenario::keys;
//! let k = keys::find("communities.<name>.legitimacy").unwrap();
//! assert_eq!(k.range, "[0, 1]");
//! assert!(keys::schema().iter().any(|f| f.path == "world.width"));
//! ```

use super::{RulesSpec, Scenario, ScenarioError, dynamic_key};
use indexmap::{IndexMap, IndexSet};
use serde::Deserialize;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

/// Whether a key must be given, and what holds when it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The key must be given.
    Required,
    /// The value when the key is absent, as a TOML literal.
    Default(&'static str),
    /// Optional, with no value when absent (the meaning says what absence means).
    Unset,
    /// An optional table.
    Optional,
}

/// One row of the key table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// Dotted path, `<name>` for names, `[]` for array entries.
    pub path: &'static str,
    /// Required, or its default.
    pub presence: Presence,
    /// A valid value, as a TOML literal ("" for tables).
    pub example: &'static str,
    /// Allowed values, in words ("" when the type says it all).
    pub range: &'static str,
    /// What it means, for a researcher.
    pub meaning: &'static str,
    /// The type in words, when the code's type cannot say it (a key read by hand-written
    /// code, like `rules`).
    pub ty: Option<&'static str>,
}

/// A key that must be given.
pub const fn req(
    path: &'static str,
    example: &'static str,
    range: &'static str,
    meaning: &'static str,
) -> Key {
    Key {
        path,
        presence: Presence::Required,
        example,
        range,
        meaning,
        ty: None,
    }
}

/// An optional key whose absence means `default` (a TOML literal, also used as the example).
pub const fn opt(
    path: &'static str,
    default: &'static str,
    range: &'static str,
    meaning: &'static str,
) -> Key {
    Key {
        path,
        presence: Presence::Default(default),
        example: default,
        range,
        meaning,
        ty: None,
    }
}

/// An optional key with no default value.
pub const fn unset(
    path: &'static str,
    example: &'static str,
    range: &'static str,
    meaning: &'static str,
) -> Key {
    Key {
        path,
        presence: Presence::Unset,
        example,
        range,
        meaning,
        ty: None,
    }
}

/// A table (or table of named tables, or array of tables).
pub const fn table(path: &'static str, required: bool, meaning: &'static str) -> Key {
    Key {
        path,
        presence: if required {
            Presence::Required
        } else {
            Presence::Optional
        },
        example: "",
        range: "",
        meaning,
        ty: None,
    }
}

impl Key {
    /// The same row with the type given in words.
    pub const fn ty(mut self, ty: &'static str) -> Key {
        self.ty = Some(ty);
        self
    }

    /// The same row with another example (for defaults that show little, like `[]`).
    pub const fn example(mut self, example: &'static str) -> Key {
        self.example = example;
        self
    }

    /// The path with `<name>` replaced by `x` and `[]` by `[0]`: a path a file could hold.
    pub fn concrete(&self) -> String {
        self.path.replace("<name>", "x").replace("[]", "[0]")
    }
}

/// Every key of a scenario file, in the order `docs/scenario.md` lists them.
pub const KEYS: &[Key] = &[
    // ---- top level
    req(
        "name",
        "\"tiny\"",
        "letters, digits, `-`, `_`, `.`",
        "Short name; names the output directory (`out/<name>`).",
    ),
    opt("description", "\"\"", "", "One paragraph for humans."),
    req(
        "ticks",
        "100",
        "0 ..= 10,000,000",
        "Ticks a run lasts, unless `impunity run --ticks` says otherwise.",
    ),
    unset(
        "start_date",
        "2018-01-01",
        "a calendar date",
        "Calendar date of tick 0 (a TOML date, or a string). Outputs then carry a `date` \
         column, and timeline entries may give dates (`date`, `from_date`, `to_date`) instead \
         of ticks. Unset: ticks only.",
    )
    .ty("date (YYYY-MM-DD)"),
    opt(
        "days_per_tick",
        "1",
        "≥ 1",
        "Days one tick stands for: tick t is the date `start_date` + t × days_per_tick, and a \
         date falls on tick floor(days since `start_date` / days_per_tick). Rates \
         \"per tick\" and delays in ticks (`justice.*`) are not rescaled: they are per this \
         many days.",
    ),
    // ---- rules
    req(
        "rules",
        "\"paper\"",
        "`paper`, `netlogo`, `mesa`",
        "The implementation rules: a rule-set name (`rules = \"mesa\"`), or a table with a \
         `base` rule set and any switches overridden (`[rules]`, `base = \"paper\"`, \
         `ratio = \"floor\"`). Always written back as a table, so `--set rules.ratio=floor` \
         works on either form. See the README's rule-set table.",
    )
    .ty("string or table"),
    req(
        "rules.base",
        "\"paper\"",
        "",
        "The rule set the switches default to: Epstein (2002) as written, NetLogo's \
         Rebellion, Mesa 3.3.1's example.",
    ),
    unset(
        "rules.ratio",
        "\"floor\"",
        "",
        "f(C/A) in the arrest probability P = 1 − exp(−k·f(C/A)): the exact ratio (paper), \
         floor (NetLogo), round half to even (Mesa). Unset: as in `base`.",
    ),
    unset(
        "rules.vision",
        "\"diamond\"",
        "",
        "Shape of every vision set: Euclidean disc of radius v, von Neumann diamond, Moore \
         square. Unset: as in `base`.",
    ),
    unset(
        "rules.include_center",
        "true",
        "",
        "Whether an agent's own cell is part of its vision (NetLogo: yes, so an active agent \
         counts itself twice in A). Unset: as in `base`.",
    ),
    unset(
        "rules.order",
        "\"act_then_move\"",
        "",
        "Within a turn: move, then act (paper, NetLogo), or act, then move (Mesa). Unset: as \
         in `base`.",
    ),
    unset(
        "rules.shuffle_jailed",
        "true",
        "",
        "Whether jailed agents are part of the shuffled schedule. Unset: as in `base`.",
    ),
    unset(
        "rules.jail_term",
        "\"up_to_max\"",
        "",
        "Jail terms: real U(0, J_max) (`uniform`), integer 0..J_max−1 (`below_max`), integer \
         0..=J_max (`up_to_max`). Unset: as in `base`.",
    ),
    unset(
        "rules.countdown",
        "\"own_turn\"",
        "",
        "Jail terms count down at the end of each tick, or on the agent's own turn (Mesa). \
         Unset: as in `base`.",
    ),
    unset(
        "rules.jailed",
        "\"occupy\"",
        "",
        "A jailed agent leaves the lattice (paper), stays on a cell that counts as free \
         (NetLogo), or keeps its cell (Mesa). Unset: as in `base`.",
    ),
    unset(
        "rules.cop_after_arrest",
        "\"move_to_arrestee\"",
        "",
        "After an arrest a cop stays, or moves onto the arrestee's cell (NetLogo). Unset: as \
         in `base`.",
    ),
    unset(
        "rules.placement",
        "\"per_cell\"",
        "",
        "Initial placement: exact counts on random cells, or cell by cell with cumulative \
         weights (Mesa). Unset: as in `base`.",
    ),
    // ---- world
    table("world", true, "The lattice."),
    req(
        "world.width",
        "40",
        "1 ..= 65,535; width × height ≤ 2^31",
        "Cells across (Epstein: 40).",
    ),
    req(
        "world.height",
        "40",
        "1 ..= 65,535; width × height ≤ 2^31",
        "Cells down (Epstein: 40).",
    ),
    opt(
        "world.torus",
        "true",
        "",
        "Whether the edges wrap around (Epstein: yes). On a torus every vision must fit: \
         2·floor(v) + 1 ≤ width and height.",
    ),
    opt(
        "world.people_per_agent",
        "1.0",
        "> 0",
        "Real people one person-agent stands for; outputs report both.",
    ),
    table(
        "world.regions",
        false,
        "Named regions drawn on a text map stretched over the lattice (the cercles of a \
         region, say). Persons are placed region by region; forces and armed groups may be \
         confined to regions at the start; threat and events are counted per region. Needs \
         `rules.placement = \"exact_counts\"`.",
    ),
    req(
        "world.regions.legend",
        "{ x = \"x\" }",
        "1 to 200 regions; each symbol one character other than `.` and space; region names \
         lower-case letters, digits and `_`, each once",
        "Map symbol → region name: `{ B = \"bandiagara\", M = \"mopti\" }`. The order \
         given is the regions' order in the outputs.",
    ),
    req(
        "world.regions.map",
        "[\"x.\", \"xx\"]",
        "at least one row; rows of equal length; every character `.` or a symbol of the \
         legend; at most `world.width` columns and `world.height` rows; every region covers \
         at least one cell",
        "Rows of the map, north first. Each character covers a block of about \
         (width / columns) × (height / rows) cells; `.` marks cells outside every region, \
         where nobody lives or goes.",
    ),
    opt(
        "world.regions.population",
        "{}",
        "region names; ≥ 0, finite; at most one person per cell of the region",
        "People living in each region (a census): the region gets \
         round(people / `world.people_per_agent`) persons on random cells of its own. A \
         region not listed gets `population.density` of its cells.",
    )
    .example("{ x = 1000.0 }"),
    opt(
        "world.regions.area_km2",
        "{}",
        "region names; ≥ 0, finite",
        "Area of each region in km², for readers of the scenario: the model does not use it.",
    )
    .example("{ x = 10520.0 }"),
    // ---- population
    table("population", true, "Persons on the lattice."),
    opt(
        "population.density",
        "0.0",
        "[0, 1]; without regions, plus all force densities ≤ 1",
        "Share of cells holding a person at the start (Epstein: 0.7). With `world.regions`, \
         the share of the cells of each region that `world.regions.population` does not \
         list. 0: nobody, unless regions give populations.",
    )
    .example("0.7"),
    req(
        "population.vision",
        "7",
        "≥ 0; floor(v) ≤ 28",
        "Vision radius v in cells (Epstein: 1.7 or 7).",
    ),
    opt(
        "population.movement",
        "true",
        "",
        "Whether persons move (Epstein's rule M).",
    ),
    // ---- activation
    table(
        "activation",
        false,
        "Epstein's activation rule: a person is active when G − N > T, with grievance \
         G = H·(1 − L) and net risk N = R·P.",
    ),
    opt("activation.threshold", "0.1", "finite", "T (Epstein: 0.1)."),
    opt(
        "activation.k",
        "2.3",
        "≥ 0, finite",
        "k in P = 1 − exp(−k·f(C/A)); 2.3 makes P ≈ 0.9 for one cop and one active.",
    ),
    // ---- policing
    table("policing", false, "Arrests and jail."),
    opt(
        "policing.max_jail_term",
        "30.0",
        "≥ 0 or `inf`; a whole number ≥ 1 under `below_max` terms, whole under `up_to_max`",
        "J_max in ticks; `inf` jails for ever (Epstein's runs 3 to 5).",
    ),
    // ---- communities
    table(
        "communities",
        true,
        "Communities by name, in the order declared (`[communities.citizens]`; Epstein's \
         Model II groups). Names are lower-case letters, digits and `_` (they become column \
         names); 1 to 250 communities.",
    ),
    req(
        "communities.<name>.share",
        "1.0",
        "[0, 1]; the shares sum to 1",
        "Share of the population.",
    ),
    req(
        "communities.<name>.legitimacy",
        "0.8",
        "[0, 1]",
        "L: the state's legitimacy in this community's eyes (Model II: each group's view of \
         the other group's legitimacy).",
    ),
    opt(
        "communities.<name>.kills",
        "[]",
        "names of other communities",
        "Communities whose members this community's active persons kill (Epstein's Model II).",
    )
    .example("[\"x\"]"),
    opt(
        "communities.<name>.household_arms",
        "0.0",
        "[0, 1]",
        "Share of the community's households that are armed: each person starts armed with \
         this probability. An armed household is less likely to be killed in an attack \
         (`violence.household_defence`); disarming civilians takes these arms.",
    ),
    opt(
        "communities.<name>.share_by_region",
        "{}",
        "region names; [0, 1]; in each region listed by any community, the shares (this, or \
         `share` where a community does not list the region) sum to 1",
        "Share of each region's persons in this community, instead of `share` there: \
         `{ mopti = 0.45, koro = 0.2 }`.",
    )
    .example("{ x = 1.0 }"),
    // ---- forces
    table(
        "forces",
        false,
        "Force units (Epstein's cops) by name (`[forces.cops]`); same naming rules as \
         communities; at most 100 forces.",
    ),
    opt(
        "forces.<name>.role",
        "\"policing\"",
        "",
        "What the units do: `policing` units arrest actives in vision and count as cops in P \
         (Epstein's cops); `counterinsurgency` units also engage armed groups' fighters in \
         vision (`violence.engage_rate`); `peacekeeping` units deter killings in vision \
         (`violence.peacekeeper_deterrence`), never arrest and never abuse; `strike` units \
         strike jihadist fighters in vision (`violence.strike_rate`).",
    ),
    opt(
        "forces.<name>.side",
        "\"state\"",
        "",
        "`state`: the state's own forces: they may abuse civilians (`abuse.*`), which opens \
         justice cases and costs legitimacy; they deter attacks in vision \
         (`violence.state_deterrence`) and fight groups that target the state. \
         `international` (MINUSMA, Barkhane): none of these; civilians they kill are counted \
         as theirs.",
    ),
    unset(
        "forces.<name>.density",
        "0.04",
        "[0, 1]; without regions, plus `population.density` and the other forces' densities ≤ 1",
        "Share of cells holding a unit (Epstein: 0.04 or 0.074). Give this or `people`, not \
         both.",
    ),
    unset(
        "forces.<name>.people",
        "400.0",
        "≥ 0, finite",
        "Personnel, in people: the force has round(people / `world.people_per_agent`) units. \
         Give this or `density`, not both.",
    ),
    req(
        "forces.<name>.vision",
        "7",
        "≥ 0; floor(v) ≤ 28",
        "Vision radius in cells.",
    ),
    opt("forces.<name>.movement", "true", "", "Whether units move."),
    opt(
        "forces.<name>.arrest_rate",
        "1.0",
        "[0, 1]",
        "Chance per tick that a policing or counter-insurgency unit that sees actives arrests \
         one (Epstein: 1). Read by the conflict model only: in Epstein's models cops always \
         arrest.",
    ),
    opt(
        "forces.<name>.discipline",
        "0.0",
        "[0, 1]",
        "Conduct: a state unit's chance of abusing civilians is multiplied by \
         (1 − discipline). Training raises it only with `policy.field_oversight`.",
    ),
    opt(
        "forces.<name>.proficiency",
        "0.0",
        "[0, 1]",
        "Tactical skill: a unit fights in battles with effectiveness 0.5 + proficiency \
         (training adds its mission's `proficiency_gain`, up to 1).",
    ),
    opt(
        "forces.<name>.regions",
        "[]",
        "names of regions (needs `world.regions`)",
        "Regions the units are placed in, at the start and when the timeline adds units; \
         empty: anywhere. Units then move freely.",
    )
    .example("[\"x\"]"),
    // ---- armed groups
    table(
        "groups",
        false,
        "Armed groups by name (`[groups.jnim]`); same naming rules as communities, and a \
         group may not share a name with a community or force; at most 100 groups. \
         Fighters are persons who joined from their community: no longer civilians, they \
         move, attack and fight as their group says, and may desert.",
    ),
    req(
        "groups.<name>.kind",
        "\"jihadist\"",
        "",
        "Jihadist, communal self-defence militia, bandit, or pro-government. Sets who counts \
         their victims (events and `killed_civilians_*`), who the state fights \
         (counter-insurgency spares pro-government and state-backed groups; strikes hit only \
         jihadists), whom the state suspects by default (`abuse.suspected`), what a \
         campaign against `militias` disarms (militias and pro-government groups); \
         pro-government fighters may abuse civilians (`abuse.progov_rate`).",
    ),
    opt(
        "groups.<name>.driver",
        "\"none\"",
        "",
        "What makes people join: `grievance`: an active person (G − N > T) who sees a member \
         joins with probability `recruit_rate` per tick; `threat`: a quiescent person joins \
         with probability `recruit_rate` · (1 − e^(−θ)), θ the recent killings of its \
         community in its region per thousand members there (state-backed groups pull \
         harder when armed: `policy.arming_recruitment_gain`); `none`: nobody joins after \
         the start.",
    ),
    opt(
        "groups.<name>.recruits_from",
        "[]",
        "names of communities; at least one unless `driver = \"none\"`",
        "Communities whose members join it, and from which its initial members are drawn \
         (empty: initial members from any community).",
    )
    .example("[\"x\"]"),
    table(
        "groups.<name>.targets",
        false,
        "Whom the group attacks (`targets = { communities = [\"dogon\"], state = true }`); \
         nobody when absent.",
    ),
    opt(
        "groups.<name>.targets.communities",
        "[]",
        "names of communities; at most 16",
        "Communities whose civilians its fighters attack (`attack_rate`).",
    )
    .example("[\"x\"]"),
    opt(
        "groups.<name>.targets.state",
        "false",
        "",
        "Whether its fighters attack state force units they see: battles (`battle_rate`).",
    ),
    opt(
        "groups.<name>.targets.groups",
        "[]",
        "names of other groups; at most 16",
        "Groups whose fighters its fighters attack: battles (`battle_rate`).",
    )
    .example("[\"x\"]"),
    req(
        "groups.<name>.arms",
        "0.6",
        "[0, 1]",
        "Arms level a: an attack on a civilian kills with probability \
         `violence.lethality` · a (less against armed households and with deterrence in \
         sight), and a fighter fights in battles with effectiveness a. For a state-backed \
         group, plus `policy.militia_arming` (up to 1); disarmament takes a share of it.",
    ),
    opt(
        "groups.<name>.state_backed",
        "false",
        "",
        "Whether the state backs it: it gets `policy.militia_arming`, arming raises its \
         threat-driven recruitment, and counter-insurgency units do not engage it.",
    ),
    opt(
        "groups.<name>.initial_people",
        "0.0",
        "≥ 0, finite",
        "Members at the start, in people: round(people / `world.people_per_agent`) persons of \
         the communities it recruits from (in its regions, if given) are its fighters at \
         tick 0, chosen at random (fewer if there are not enough).",
    )
    .example("2000.0"),
    opt(
        "groups.<name>.regions",
        "[]",
        "names of regions (needs `world.regions`)",
        "Regions its initial members are drawn from; empty: anywhere. Fighters then move \
         freely, and recruits join wherever they are.",
    )
    .example("[\"x\"]"),
    opt(
        "groups.<name>.recruit_rate",
        "0.0",
        "[0, 1]",
        "Chance per tick that an eligible person joins (see `driver`).",
    ),
    opt(
        "groups.<name>.attack_rate",
        "0.0",
        "[0, 1]",
        "Chance per tick that a fighter who sees civilians of a targeted community attacks \
         one (fellow fighters in sight may join the raid: `violence.raid_join`).",
    ),
    opt(
        "groups.<name>.battle_rate",
        "0.0",
        "[0, 1]",
        "Chance per tick that a fighter who sees targeted organised forces (state units with \
         `targets.state`, fighters of `targets.groups`) attacks them: a battle.",
    ),
    opt(
        "groups.<name>.desertion",
        "0.0",
        "[0, 1]",
        "Chance per tick that a fighter leaves the group and returns to civilian life.",
    ),
    opt(
        "groups.<name>.cohesion",
        "0.0",
        "[0, 1]; on a torus, a world at least 5 cells across",
        "Chance per tick that a fighter moves within two cells of a fellow fighter it sees \
         rather than to a random cell in vision: bands form, and their attacks become \
         massacres.",
    ),
    req(
        "groups.<name>.vision",
        "7",
        "≥ 0; floor(v) ≤ 28",
        "Vision radius of its fighters, in cells: what they attack, whom they join in a raid \
         or battle.",
    ),
    // ---- legitimacy
    table(
        "legitimacy",
        false,
        "Legitimacy that moves with events, and unresolved injustice (off when absent: L is \
         each community's baseline, as in Epstein). Each tick, \
         L ← clamp(L + λ·(L₀ − L) + ΔL, 0, 1) and U ← U·(1 − μ) + ΔU per community, where \
         ΔL and ΔU sum the tick's events below; grievance is G = H·(1 − L) + ω·U. Drops and \
         rises are in legitimacy units, per agent killed or per case.",
    ),
    opt(
        "legitimacy.dynamic",
        "false",
        "",
        "Whether legitimacy moves with events; off: every community's L stays \
         `communities.<name>.legitimacy` (its baseline L₀) and U stays 0.",
    ),
    opt(
        "legitimacy.relaxation",
        "0.0",
        "[0, 1]",
        "λ: share of the gap between L and the baseline L₀ closed each tick (0.01: about 100 \
         ticks to forget).",
    ),
    opt(
        "legitimacy.abuse",
        "0.0",
        "≥ 0, finite",
        "Drop in the victims' community per member (agent) killed in an abuse by state \
         forces or pro-government fighters.",
    ),
    opt(
        "legitimacy.amnesty",
        "0.0",
        "≥ 0, finite",
        "Drop in the victims' community per case of abuse against it amnestied.",
    ),
    opt(
        "legitimacy.uninvestigated",
        "0.0",
        "≥ 0, finite",
        "Drop in the victims' community per case of abuse against it that is never \
         investigated.",
    ),
    opt(
        "legitimacy.failure_to_protect",
        "0.0",
        "≥ 0, finite",
        "Drop per member (agent) killed by armed groups or international forces: the state \
         failed to protect them.",
    ),
    opt(
        "legitimacy.conviction",
        "0.0",
        "≥ 0, finite",
        "Rise in the victims' community per conviction in a case of abuse against it.",
    ),
    opt(
        "legitimacy.rally",
        "0.0",
        "≥ 0, finite",
        "Rise per member (agent) killed by jihadists, on top of the failure-to-protect drop: \
         civilians turn to the state (Condra & Shapiro).",
    ),
    opt(
        "legitimacy.unresolved_per_case",
        "0.0",
        "≥ 0, finite",
        "Unresolved injustice U added to the victims' community per case of abuse never \
         investigated, acquitted or amnestied.",
    ),
    opt(
        "legitimacy.unresolved_decay",
        "0.0",
        "[0, 1]",
        "μ: share of unresolved injustice that fades each tick (0: remembered for ever).",
    ),
    opt(
        "legitimacy.omega",
        "0.0",
        "≥ 0, finite",
        "ω: weight of unresolved injustice in grievance, G = H·(1 − L) + ω·U.",
    ),
    // ---- abuse
    table(
        "abuse",
        false,
        "Extrajudicial killings by state forces and pro-government fighters (none when \
         absent). A state policing or counter-insurgency unit that sees civilians kills one \
         with probability a₀·(1 − discipline)·(1 + ρ·alarm)·(1 − E)·exp(−δ_pk·n_pk) per \
         tick, E the punishment its force expects, learned from its earlier cases. Each \
         abuse event opens a justice case.",
    ),
    opt(
        "abuse.base_rate",
        "0.0",
        "[0, 1]",
        "a₀: chance per tick that a unit of discipline 0, with no recent attacks on its side \
         and expecting no punishment, kills a civilian it sees.",
    ),
    opt(
        "abuse.retaliation",
        "0.0",
        "≥ 0, finite",
        "ρ: rise of that chance per point of alarm (a unit takes one point per battle it \
         fights in, plus one per loss on its side): retaliation.",
    ),
    opt(
        "abuse.alarm_decay",
        "0.5",
        "[0, 1]",
        "Share of a unit's alarm that fades each tick (0.5: anger fades within days).",
    ),
    opt(
        "abuse.suspected",
        "[]",
        "names of communities",
        "Communities under suspicion, whose members are picked as victims \
         (1 + `policy.profiling`) times as often as others in sight; empty: the communities \
         jihadist groups recruit from.",
    )
    .example("[\"x\"]"),
    opt(
        "abuse.prior_punishment",
        "0.5",
        "[0, 1]",
        "E₀: the punishment every force and pro-government group expects at the start, \
         before any of its cases is decided (0.5: unsure whether abuse is punished).",
    ),
    opt(
        "abuse.learning_rate",
        "0.1",
        "[0, 1]",
        "η: each decided case moves the expected punishment E toward its outcome, \
         E ← E + η·(outcome − E) (outcome: min(1, `policy.sentence_severity`) for a \
         conviction, 0 otherwise; 0.1: about ten cases to learn).",
    ),
    opt(
        "abuse.progov_rate",
        "0.0",
        "[0, 1]",
        "Chance per tick that a pro-government fighter who sees civilians kills one, times \
         (1 − its group's expected punishment).",
    ),
    // ---- violence
    table(
        "violence",
        false,
        "Attacks on civilians, battles and strikes. An attack kills with probability \
         λ·a·(1 − d_h if the household is armed)·exp(−δ_pk·n_pk − δ_s·n_s), a the group's \
         arms level, n_pk and n_s the peacekeeping and state units in the attacker's vision.",
    ),
    opt(
        "violence.lethality",
        "0.5",
        "[0, 1]",
        "λ: chance that an attack kills, for a group at arms level 1 against an unarmed \
         household with nobody deterring.",
    ),
    opt(
        "violence.peacekeeper_deterrence",
        "0.0",
        "≥ 0, finite",
        "δ_pk: deterrence per peacekeeping unit in the vision of an attacker, or of a state \
         unit about to abuse.",
    ),
    opt(
        "violence.state_deterrence",
        "0.0",
        "≥ 0, finite",
        "δ_s: deterrence per state unit in the attacker's vision.",
    ),
    opt(
        "violence.household_defence",
        "0.5",
        "[0, 1]",
        "d_h: how much an armed household lowers the chance of being killed (0.5: halves \
         it).",
    ),
    opt(
        "violence.massacre_radius",
        "5.0",
        "≥ 0, finite",
        "Killings by the same actor in one tick within this many cells of each other \
         (directly or through a chain) form one event, as massacres appear in the record.",
    ),
    opt(
        "violence.attrition",
        "0.1",
        "≥ 0, finite",
        "κ, Lanchester's coefficient: a side expects κ · (sum of the other side's \
         effectiveness) losses per battle, at most its size.",
    ),
    opt(
        "violence.engage_rate",
        "0.1",
        "[0, 1]",
        "Chance per tick that a counter-insurgency unit that sees fighters of a group the \
         state fights engages them: a battle.",
    ),
    opt(
        "violence.strike_rate",
        "0.1",
        "[0, 1]",
        "Chance per tick that a strike unit that sees jihadist fighters strikes one.",
    ),
    opt(
        "violence.strike_lethality",
        "0.5",
        "[0, 1]",
        "Chance that a strike kills its target.",
    ),
    opt(
        "violence.collateral",
        "0.0",
        "[0, 1]",
        "Chance that each civilian on a cell next to a strike's target is killed.",
    ),
    opt(
        "violence.threat_decay",
        "0.05",
        "[0, 1]",
        "Share of the threat to a community in a region (its recent killings there, which \
         drive threat-driven recruitment) that fades each tick (0.05: a killing is mostly \
         forgotten after two months of daily ticks).",
    ),
    opt(
        "violence.capture",
        "0.0",
        "[0, 1]",
        "Share of fighters lost in battle who are captured (jailed for \
         `justice.max_sentence` × `policy.sentence_severity` ticks) rather than killed.",
    ),
    opt(
        "violence.raid_join",
        "0.0",
        "[0, 1]",
        "Chance that each fellow fighter in the attacker's vision joins an attack on \
         civilians (a raid: several victims, one event).",
    ),
    // ---- justice
    table(
        "justice",
        false,
        "Timing and rules of the cases that abuses open: decided, then tried, then served \
         or amnestied (the outcomes are set by `policy`).",
    ),
    opt(
        "justice.investigation_delay",
        "30",
        "≥ 0 (0 acts as 1)",
        "Ticks from an abuse to the decision to investigate it or not (30: a month of daily \
         ticks).",
    ),
    opt(
        "justice.trial_delay",
        "180",
        "≥ 0 (0 acts as 1)",
        "Ticks from the start of an investigation to the verdict.",
    ),
    opt(
        "justice.excluded_min_victims",
        "10",
        "≥ 0",
        "Events with at least this many victims, in people, fall in the law's excluded \
         categories (crimes against humanity, war crimes): never amnestied.",
    ),
    opt(
        "justice.max_sentence",
        "365",
        "≥ 0",
        "Longest sentence, in ticks: a conviction carries max_sentence × \
         `policy.sentence_severity` ticks (at least 1); so does a captured fighter's jail \
         term.",
    ),
    // ---- policy
    table(
        "policy",
        false,
        "The knobs researchers turn: justice, amnesty, militia arming and disarmament, \
         training oversight, profiling. Every key may change on the timeline.",
    ),
    opt(
        "policy.impunity",
        "1.0",
        "[0, 1]",
        "Probability that an abuse case is never investigated (1: none is).",
    ),
    opt(
        "policy.conviction",
        "0.0",
        "[0, 1]",
        "Probability that an investigated case ends in a conviction; otherwise an acquittal.",
    ),
    opt(
        "policy.sentence_severity",
        "1.0",
        "[0, 1]",
        "Sentences as a share of the longest: convictions and captured fighters serve \
         `justice.max_sentence` × severity ticks; arrests jail for terms drawn from \
         `policing.max_jail_term` × severity.",
    ),
    table(
        "policy.amnesty",
        false,
        "The amnesty law (Mali's national reconciliation law); not in force when absent.",
    ),
    opt(
        "policy.amnesty.in_force",
        "false",
        "",
        "Whether the law is in force: convictions within its scope are amnestied at the \
         verdict, and sentences within it being served end.",
    ),
    opt(
        "policy.amnesty.scope",
        "0.0",
        "[0, 1]",
        "Breadth of the law (\"linked to the events of 2012\"): the chance that a case outside \
         the excluded categories (`justice.excluded_min_victims`) falls within it.",
    ),
    opt(
        "policy.amnesty.early_release",
        "0.0",
        "[0, 1]",
        "Chance per tick that a jailed armed-group member is released early, and rejoins its \
         group, while the law is in force.",
    ),
    opt(
        "policy.militia_arming",
        "0.0",
        "[0, 1]",
        "Arms the state adds to every state-backed group's arms level (the sum is capped at \
         1).",
    ),
    opt(
        "policy.arming_recruitment_gain",
        "1.0",
        "≥ 0, finite",
        "γ: threat-driven recruitment into a state-backed group is multiplied by (1 + γ·a), a \
         its arms level (1: fully armed doubles the pull).",
    ),
    table(
        "policy.disarmament",
        false,
        "A disarmament campaign; none when absent.",
    ),
    opt(
        "policy.disarmament.target",
        "\"none\"",
        "",
        "What is disarmed: `militias` (every militia and pro-government group), one `group`, \
         or the `civilians` of one community (one-sided disarmament: it leaves them exposed \
         to attack).",
    ),
    unset(
        "policy.disarmament.group",
        "\"x\"",
        "the name of a group; required with `target = \"group\"`",
        "The group disarmed when `target = \"group\"`.",
    ),
    unset(
        "policy.disarmament.community",
        "\"x\"",
        "the name of a community; required with `target = \"civilians\"`",
        "The community whose households are disarmed when `target = \"civilians\"`.",
    ),
    opt(
        "policy.disarmament.rate",
        "0.0",
        "[0, 1]",
        "Share of the remaining arms taken each tick: of each targeted group's arms level, \
         or, for civilians, the chance per tick that each armed household loses its arms.",
    ),
    opt(
        "policy.field_oversight",
        "false",
        "",
        "Whether trainers may follow the units they trained into the field: only then does \
         training raise discipline (`missions.<name>.discipline_gain`).",
    ),
    opt(
        "policy.profiling",
        "0.0",
        "≥ 0, finite",
        "Weight of suspicion when state forces and pro-government fighters pick a victim: \
         members of `abuse.suspected` communities count (1 + profiling) times.",
    ),
    // ---- missions
    table(
        "missions",
        false,
        "Training missions (EUTM) by name. Each tick a mission trains trainers × \
         `throughput` units (fractions carry over) of the forces it trains, chosen among \
         the untrained; a unit is trained once.",
    ),
    req(
        "missions.<name>.staff",
        "600",
        "≥ `protection` + `administration`",
        "Staff of the mission, in people; trainers are staff − protection − administration.",
    ),
    opt(
        "missions.<name>.protection",
        "0",
        "",
        "Staff protecting the mission (EUTM: 400 of 600).",
    ),
    opt(
        "missions.<name>.administration",
        "0",
        "",
        "Administrative staff (EUTM: 50 of 600).",
    ),
    req(
        "missions.<name>.trains",
        "[\"x\"]",
        "names of forces",
        "Forces whose units it trains.",
    ),
    opt(
        "missions.<name>.throughput",
        "0.0",
        "≥ 0, finite",
        "Units (agents) trained per trainer per tick.",
    ),
    opt(
        "missions.<name>.proficiency_gain",
        "0.0",
        "[0, 1]",
        "Proficiency a trained unit gains (the largest gain of the missions that train its \
         force; the sum is capped at 1).",
    ),
    opt(
        "missions.<name>.discipline_gain",
        "0.0",
        "[0, 1]",
        "Discipline a trained unit gains, only while `policy.field_oversight` is on.",
    ),
    // ---- demography
    table(
        "demography",
        false,
        "Births and deaths of age (Epstein's Model II); off when absent.",
    ),
    opt(
        "demography.birth_rate",
        "0.0",
        "[0, 1]",
        "Chance per tick that a free person clones itself onto an empty Moore neighbour \
         (Epstein: 0.05).",
    ),
    opt(
        "demography.max_age",
        "0",
        "0 ..= 1,000,000",
        "Lifespans are uniform on 1 ..= max_age ticks (Epstein: 200); 0: nobody dies of age.",
    ),
    // ---- timeline
    table(
        "timeline",
        false,
        "Changes during the run, as `[[timeline]]` entries: `at` (or `date`) with `set`, or \
         `from` and `to` (or `from_date`, `to_date`) with `ramp`. A change at tick t takes effect before the agents act in tick t, \
         so the output row of tick t is the first to show it. Only the keys marked in the \
         *timeline* column may change.",
    ),
    unset(
        "timeline[].at",
        "77",
        "≥ 1",
        "The tick at which `set` applies.",
    ),
    unset(
        "timeline[].date",
        "2018-03-01",
        "needs `start_date`; on a tick ≥ 1",
        "The date at which `set` applies, instead of `at`: it falls on tick \
         floor(days since `start_date` / `days_per_tick`).",
    )
    .ty("date (YYYY-MM-DD)"),
    unset(
        "timeline[].from",
        "10",
        "",
        "First tick of a ramp; the value held then is the ramp's start.",
    ),
    unset(
        "timeline[].from_date",
        "2018-02-01",
        "needs `start_date`; not before it",
        "First date of a ramp, instead of `from`.",
    )
    .ty("date (YYYY-MM-DD)"),
    unset(
        "timeline[].to",
        "80",
        "> `from`",
        "Last tick of a ramp, when the target is reached.",
    ),
    unset(
        "timeline[].to_date",
        "2018-04-01",
        "needs `start_date`; on a later tick than the ramp's start",
        "Last date of a ramp, instead of `to`.",
    )
    .ty("date (YYYY-MM-DD)"),
    unset(
        "timeline[].every",
        "1",
        "≥ 1",
        "A ramp changes the value every `every` ticks (unset: every tick).",
    ),
    opt(
        "timeline[].set",
        "{}",
        "keys marked *timeline*",
        "Key paths and their new values, with `at`: \
         `set = { \"communities.citizens.legitimacy\" = 0.7 }`.",
    )
    .example("{ \"communities.x.legitimacy\" = 0.7 }")
    .ty("table: key path → value"),
    opt(
        "timeline[].ramp",
        "{}",
        "numeric keys marked *timeline*",
        "Key paths and their targets, with `from` and `to`.",
    )
    .example("{ \"communities.x.legitimacy\" = 0.2 }")
    .ty("table: key path → number"),
    opt(
        "timeline[].note",
        "\"\"",
        "",
        "Why: a sentence for readers of the scenario.",
    ),
    // ---- outputs
    table("outputs", false, "What a run writes."),
    opt(
        "outputs.metrics",
        "[]",
        "`quiescent`, `active`, `jailed`, `cops`, `killed`, `arrests`, `births`, \
         `deaths_of_age`, `alive_<community>`",
        "Columns of `timeseries.csv` after `replicate,tick`; empty: the model's default set \
         (Model I: quiescent, active, jailed, cops; Model II: alive per community, killed, \
         jailed).",
    )
    .example("[\"active\"]"),
];

/// The row documenting `path` (with `<name>` and `[]` placeholders).
pub fn find(path: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.path == path)
}

/// Checks that `path` (`communities.citizens.legitimacy`) names a key of the scenario
/// format and, inside name-keyed tables, a name `s` has; for `--set` and sweeps, before a
/// change is applied. A path that ends at a name may add one (`communities.new`, with a
/// whole table as its value).
///
/// ```
/// use impunity::scenario::keys::check_path;
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// assert!(check_path(&s, "communities.citizens.legitimacy").is_ok());
/// let e = check_path(&s, "communities.citizen.legitimacy").unwrap_err();
/// assert_eq!(e.to_string(), "communities.citizen: unknown name `citizen`; did you mean `citizens`?");
/// ```
pub fn check_path(s: &Scenario, path: &str) -> Result<(), ScenarioError> {
    let fields = schema();
    let shape = |p: &str| fields.iter().find(|f| f.path == p).map(|f| &f.shape);
    let tree = toml::Value::try_from(s).ok();
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|p| p.is_empty()) {
        return Err(ScenarioError::new(
            path,
            "not a key path (like communities.citizens.legitimacy)",
        ));
    }
    let children = |pattern: &str| -> Vec<String> {
        fields
            .iter()
            .filter_map(|f| {
                let (parent, last) = f.path.rsplit_once('.').unwrap_or(("", f.path.as_str()));
                (parent == pattern).then(|| last.to_string())
            })
            .collect()
    };
    // `pattern` is the path so far with names replaced by `<name>`; `at` its shape.
    let mut pattern = String::new();
    let mut at = Shape::Table;
    for (i, seg) in segs.iter().enumerate() {
        let here = segs[..=i].join(".");
        let before = segs[..i].join(".");
        match at {
            Shape::Map(inner) => {
                let names: Vec<String> = tree
                    .as_ref()
                    .and_then(|t| super::get_path(t, &before))
                    .and_then(|v| v.as_table())
                    .map(|t| t.keys().cloned().collect())
                    .unwrap_or_default();
                if i + 1 < segs.len() && !names.iter().any(|n| n == seg) {
                    let m = match super::nearest(seg, names.iter().map(String::as_str)) {
                        Some(best) => format!("unknown name `{seg}`; did you mean `{best}`?"),
                        None => format!(
                            "unknown name `{seg}` (known: {}); to add one, give its whole table as the value",
                            if names.is_empty() {
                                "none".into()
                            } else {
                                names.join(", ")
                            }
                        ),
                    };
                    return Err(ScenarioError::new(here, m));
                }
                pattern = format!("{pattern}.<name>");
                at = *inner;
            }
            Shape::Table | Shape::Any => {
                let valid = children(&pattern);
                if valid.is_empty() {
                    // a value read by hand, with no table form: nothing to check against
                    return Ok(());
                }
                if !valid.iter().any(|v| v == seg) {
                    return Err(ScenarioError::new(
                        here,
                        super::source::unknown_message("key", seg, &valid),
                    ));
                }
                pattern = if pattern.is_empty() {
                    seg.to_string()
                } else {
                    format!("{pattern}.{seg}")
                };
                at = shape(&pattern).cloned().unwrap_or(Shape::Any);
            }
            Shape::Array(_) => {
                return Err(ScenarioError::new(
                    here,
                    format!("`{before}` is an array: set it whole"),
                ));
            }
            _ => {
                return Err(ScenarioError::new(
                    here,
                    format!("`{before}` is a value, not a table"),
                ));
            }
        }
    }
    Ok(())
}

/// The type of a key, as the code reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A table with fixed keys.
    Table,
    /// A table whose keys are names chosen by the user, each holding the inner shape.
    Map(Box<Shape>),
    /// An array.
    Array(Box<Shape>),
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A number (integers are accepted).
    Number,
    /// A string.
    String,
    /// One of the strings listed.
    Choice(Vec<&'static str>),
    /// Read by hand-written code: the row says in words (`Key::ty`).
    Any,
}

impl Shape {
    /// The type in words, as `docs/scenario.md` gives it.
    pub fn describe(&self) -> String {
        match self {
            Shape::Table => "table".into(),
            Shape::Map(inner) => match **inner {
                Shape::Table => "tables by name".into(),
                ref x => format!("table: name → {}", x.describe()),
            },
            Shape::Array(inner) => match **inner {
                Shape::Table => "array of tables".into(),
                Shape::Bool => "array of booleans".into(),
                Shape::Integer => "array of integers".into(),
                Shape::Number => "array of numbers".into(),
                Shape::String => "array of strings".into(),
                ref x => format!("array of ({})", x.describe()),
            },
            Shape::Bool => "boolean".into(),
            Shape::Integer => "integer".into(),
            Shape::Number => "number".into(),
            Shape::String => "string".into(),
            Shape::Choice(v) => {
                let quoted: Vec<String> = v.iter().map(|s| format!("`{s}`")).collect();
                match quoted.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => quoted.join(""),
                }
            }
            Shape::Any => "any".into(),
        }
    }
}

/// A key the code accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Dotted path, `<name>` for names, `[]` for array entries.
    pub path: String,
    /// Its type.
    pub shape: Shape,
}

/// Every key the scenario structs accept (struct fields at any depth), with its type, read
/// from their `Deserialize` implementations.
///
/// A probing deserialiser answers each request of the derived code with a placeholder
/// value of the type asked for, and records the fields each struct lists, the variants of
/// each enum, and the shape of each value. Keys read by hand-written code (`rules`, which
/// accepts a string or a table) are recorded as [`Shape::Any`]; their insides are probed
/// from their own types (`RulesSpec` at `rules`).
pub fn schema() -> Vec<Field> {
    let st = State::default();
    st.probe::<Scenario>("");
    st.probe::<RulesSpec>("rules");
    let shapes = st.shapes.into_inner();
    st.fields
        .into_inner()
        .into_iter()
        .map(|path| {
            let shape = shapes.get(&path).cloned().unwrap_or(Shape::Any);
            Field { path, shape }
        })
        .collect()
}

/// The reference of every key, as Markdown (the text of `docs/scenario.md`).
pub fn reference() -> String {
    let shapes: IndexMap<String, Shape> = schema().into_iter().map(|f| (f.path, f.shape)).collect();
    let ty = |k: &Key| -> String {
        match k.ty {
            Some(t) => t.to_string(),
            None => shapes
                .get(k.path)
                .map(Shape::describe)
                .unwrap_or_else(|| "?".into()),
        }
    };
    let presence = |k: &Key| -> String {
        match k.presence {
            Presence::Required => "required".into(),
            Presence::Default(d) => format!("`{d}`"),
            Presence::Unset => "unset".into(),
            Presence::Optional => "optional".into(),
        }
    };
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(INTRO);
    // Top-level keys without children first, then one section per top-level table.
    let top = |k: &Key| k.path.split(['.', '[']).next().unwrap_or("").to_string();
    let has_children = |t: &str| {
        KEYS.iter()
            .any(|k| k.path != t && top(k) == t && k.path.len() > t.len())
    };
    let row = |out: &mut String, k: &Key| {
        let timeline = if dynamic_key(&k.concrete()) {
            "yes"
        } else {
            ""
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            k.path,
            cell(&ty(k)),
            presence(k),
            cell(k.range),
            timeline,
            cell(k.meaning)
        ));
    };
    const HEAD: &str =
        "| key | type | default | range | timeline | meaning |\n|---|---|---|---|---|---|\n";
    out.push_str("\n## Top level\n\n");
    out.push_str(HEAD);
    for k in KEYS
        .iter()
        .filter(|k| !has_children(k.path) && top(k) == k.path)
    {
        row(&mut out, k);
    }
    let mut sections: IndexSet<String> = IndexSet::new();
    for k in KEYS {
        if has_children(&top(k)) {
            sections.insert(top(k));
        }
    }
    for s in &sections {
        out.push_str(&format!("\n## `{s}`\n\n"));
        if let Some(k) = find(s) {
            out.push_str(&format!(
                "{} ({}). {}\n\n",
                cell(&ty(k)),
                presence(k),
                k.meaning
            ));
        }
        out.push_str(HEAD);
        for k in KEYS.iter().filter(|k| top(k) == *s && k.path != s) {
            row(&mut out, k);
        }
    }
    out.push_str(CHECKS);
    out
}

const INTRO: &str = "# Scenario files: every key

<!-- Generated from src/scenario/keys.rs by
     IMPUNITY_BLESS=1 cargo test --release --test suite scenario_docs
     Do not edit by hand: the test fails when this file and the code disagree. -->

A scenario is a TOML file; `impunity validate FILE` checks one and says what it would run,
`impunity init NAME` writes a commented starter, `impunity show PRESET` prints a shipped one.
Every key below can also be changed from the command line with `--set key.path=value`
(`--set communities.citizens.legitimacy=0.7`, `--set rules=netlogo`).

* **key**: the dotted path. `<name>` stands for a name you choose (`[communities.peul]`
  gives `communities.peul.share`); `[]` for each entry of an array of tables
  (`[[timeline]]`).
* **type**: as the code reads it. A *number* may be written `7` or `7.0`; `inf` is TOML's
  infinity.
* **default**: the value when the key is absent; *required* keys have none, *unset* keys
  mean nothing when absent (the meaning says what happens then).
* **timeline**: whether the key may change during a run (`[[timeline]]`).

Epstein's models need only the keys of the minimal scenario below. The sections
`world.regions`, `groups`, `legitimacy`, `abuse`, `violence`, `justice`, `policy` and
`missions`, the communities' `household_arms` and `share_by_region`, and the forces' `side`,
`arrest_rate`, `discipline`, `proficiency` and `regions` belong to the conflict model. It is
on when a scenario has regions, armed groups, missions, dynamic legitimacy, abuse
(`abuse.base_rate` > 0) or a force that is not a state policing force; otherwise those keys
change nothing, except `policy.sentence_severity`, which scales jail terms in every model.

A minimal scenario:

```toml
name = \"tiny\"
ticks = 200
rules = \"paper\"

[world]
width = 40
height = 40

[population]
density = 0.7
vision = 7

[communities.citizens]
share = 1.0
legitimacy = 0.8

[forces.cops]
density = 0.04
vision = 7
```
";

const CHECKS: &str = "
## Checks across keys

Besides each key's type and range, a scenario is refused when:

* the communities' shares do not sum to 1 (within 10⁻⁹);
* person density (without regions) plus all force densities exceed 1 (one agent per cell);
* a force gives both `density` and `people`, or neither;
* a community kills an unknown community, or itself;
* a list names an unknown region, community, group or force (`share_by_region`,
  `recruits_from`, `targets`, `regions`, `abuse.suspected`, `policy.disarmament`,
  `missions.<name>.trains`); the message suggests the nearest name;
* a region map has rows of different lengths, a symbol not in its legend, or more rows or
  columns than the world; a region covers no cell, or holds more persons than cells, or more
  persons plus units of the forces that may deploy there (`forces.<name>.regions`, or all)
  than cells;
* the communities' shares in a region (`share_by_region`) do not sum to 1;
* a group targets itself, shares its name with a community or force, or recruits with a
  driver but from no community;
* a mission's protection plus administration exceed its staff;
* the lattice would need more than 64 bit layers: 3, plus one per community targeted by
  `kills` (Epstein's models), or one per community, armed group and force (conflict model);
* a vision does not fit a torus (2·floor(v) + 1 cells across, more than the width or height);
* the lattice is larger than 65,535 cells a side or 2^31 cells (the message gives the memory
  it would need);
* the rule switches contradict each other (`cop_after_arrest = \"move_to_arrestee\"` with
  `jailed = \"occupy\"`; `countdown = \"own_turn\"` with `shuffle_jailed = false`);
* a timeline entry changes a key that may not change during a run, or leaves an invalid
  scenario once applied;
* a timeline entry gives both a tick and a date for the same moment, or a date without
  `start_date` or before it;
* a timeline entry would switch the conflict model on or off (`abuse.base_rate` from or to
  0, `legitimacy.dynamic`): it is on for the whole run or not at all;
* `outputs.metrics` names an unknown metric, or one twice.

Errors name the file, line and column, and the key path:
`my.toml:15:14: communities.citizens.legitimacy: 1.5 is outside [0, 1]`.
";

// ---------------------------------------------------------------------------------------
// The probe.

#[derive(Default)]
struct State {
    /// Shape of every path probed.
    shapes: RefCell<IndexMap<String, Shape>>,
    /// Paths that are struct fields, in declaration order.
    fields: RefCell<IndexSet<String>>,
    /// Paths not to visit (they failed in an earlier pass).
    skip: RefCell<BTreeSet<String>>,
    /// The deepest path whose deserialisation failed in this pass.
    failed: RefCell<Option<String>>,
}

impl State {
    /// Probes `T` at `root`. A pass stops at the first failure (a key read by hand-written
    /// code, or a struct missing a skipped key); the failing path is then skipped, and the
    /// probe runs again, until a pass succeeds or fails at the root. What each pass records
    /// is kept.
    fn probe<'de, T: Deserialize<'de>>(&self, root: &str) {
        for _ in 0..1000 {
            *self.failed.borrow_mut() = None;
            let p = Probe {
                st: self,
                path: root.to_string(),
            };
            if T::deserialize(p).is_ok() {
                return;
            }
            let failed = self.failed.borrow_mut().take();
            match failed {
                Some(f) if f != root => {
                    if !self.skip.borrow_mut().insert(f) {
                        return;
                    }
                }
                _ => return,
            }
        }
    }
}

#[derive(Clone)]
struct Probe<'a> {
    st: &'a State,
    path: String,
}

#[derive(Debug)]
struct ProbeError(String);

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProbeError {}

impl de::Error for ProbeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ProbeError(msg.to_string())
    }
}

impl<'a> Probe<'a> {
    fn child(&self, seg: &str) -> Probe<'a> {
        let path = if self.path.is_empty() {
            seg.to_string()
        } else if seg.starts_with('[') {
            format!("{}{seg}", self.path)
        } else {
            format!("{}.{seg}", self.path)
        };
        Probe { st: self.st, path }
    }

    fn record(&self, shape: Shape) {
        self.st
            .shapes
            .borrow_mut()
            .entry(self.path.clone())
            .or_insert(shape);
    }

    fn skipped(&self) -> bool {
        self.st.skip.borrow().contains(&self.path)
    }

    fn done<T>(&self, r: Result<T, ProbeError>) -> Result<T, ProbeError> {
        if r.is_err() {
            self.st
                .failed
                .borrow_mut()
                .get_or_insert_with(|| self.path.clone());
        }
        r
    }

    fn shape_of(&self, path: &str) -> Shape {
        self.st
            .shapes
            .borrow()
            .get(path)
            .cloned()
            .unwrap_or(Shape::Any)
    }
}

macro_rules! scalar {
    ($($method:ident => $shape:expr, $visit:ident($v:expr);)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
            self.record($shape);
            let r = visitor.$visit($v);
            self.done(r)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = ProbeError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ProbeError> {
        self.record(Shape::Any);
        self.done(Err(ProbeError(format!("{} is read by hand", self.path))))
    }

    scalar! {
        deserialize_bool => Shape::Bool, visit_bool(false);
        deserialize_i8 => Shape::Integer, visit_i64(0);
        deserialize_i16 => Shape::Integer, visit_i64(0);
        deserialize_i32 => Shape::Integer, visit_i64(0);
        deserialize_i64 => Shape::Integer, visit_i64(0);
        deserialize_u8 => Shape::Integer, visit_u64(0);
        deserialize_u16 => Shape::Integer, visit_u64(0);
        deserialize_u32 => Shape::Integer, visit_u64(0);
        deserialize_u64 => Shape::Integer, visit_u64(0);
        deserialize_f32 => Shape::Number, visit_f64(0.0);
        deserialize_f64 => Shape::Number, visit_f64(0.0);
        deserialize_char => Shape::String, visit_char('x');
        deserialize_str => Shape::String, visit_str("");
        deserialize_string => Shape::String, visit_str("");
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.record(Shape::Any);
        let r = visitor.visit_unit();
        self.done(r)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        let r = visitor.visit_some(self.clone());
        self.done(r)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        let r = visitor.visit_newtype_struct(self.clone());
        self.done(r)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        let item = self.child("[]");
        let pending = if item.skipped() { None } else { Some(item) };
        let r = visitor.visit_seq(OneItem(pending));
        self.record(Shape::Array(Box::new(
            self.shape_of(&self.child("[]").path),
        )));
        self.done(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        let entry = self.child("<name>");
        let pending = if entry.skipped() { None } else { Some(entry) };
        let r = visitor.visit_map(OneEntry(pending, false));
        self.record(Shape::Map(Box::new(
            self.shape_of(&self.child("<name>").path),
        )));
        self.done(r)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.record(Shape::Table);
        let mut keep = Vec::new();
        for &f in fields {
            let c = self.child(f);
            if !c.skipped() {
                keep.push((f, c.clone()));
            }
            self.st.fields.borrow_mut().insert(c.path);
        }
        let r = visitor.visit_map(Fields {
            fields: keep.into_iter(),
            next: None,
        });
        self.done(r)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.record(Shape::Choice(variants.to_vec()));
        let first = variants.first().copied().unwrap_or("");
        let r = visitor.visit_enum(StrDeserializer::<ProbeError>::new(first));
        self.done(r)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        visitor.visit_unit()
    }
}

/// The fields of a struct, each with a probe at its path.
struct Fields<'a> {
    fields: std::vec::IntoIter<(&'static str, Probe<'a>)>,
    next: Option<Probe<'a>>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        match self.fields.next() {
            Some((name, probe)) => {
                self.next = Some(probe);
                seed.deserialize(StrDeserializer::new(name)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, ProbeError> {
        match self.next.take() {
            Some(p) => seed.deserialize(p),
            None => Err(ProbeError("value without key".into())),
        }
    }
}

/// One entry, named `<name>`, of a name-keyed table.
struct OneEntry<'a>(Option<Probe<'a>>, bool);

impl<'de> MapAccess<'de> for OneEntry<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        if self.0.is_none() || self.1 {
            return Ok(None);
        }
        self.1 = true;
        seed.deserialize(StrDeserializer::new("<name>")).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, ProbeError> {
        match self.0.take() {
            Some(p) => seed.deserialize(p),
            None => Err(ProbeError("value without key".into())),
        }
    }
}

/// One element of an array.
struct OneItem<'a>(Option<Probe<'a>>);

impl<'de> SeqAccess<'de> for OneItem<'_> {
    type Error = ProbeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        match self.0.take() {
            Some(p) => seed.deserialize(p).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_reads_types_from_the_code() {
        let s: IndexMap<String, Shape> = schema().into_iter().map(|f| (f.path, f.shape)).collect();
        assert_eq!(s["world.width"], Shape::Integer);
        assert_eq!(s["world.torus"], Shape::Bool);
        assert_eq!(s["population.density"], Shape::Number);
        assert_eq!(s["communities"], Shape::Map(Box::new(Shape::Table)));
        assert_eq!(
            s["communities.<name>.kills"],
            Shape::Array(Box::new(Shape::String))
        );
        assert_eq!(s["timeline"], Shape::Array(Box::new(Shape::Table)));
        assert_eq!(s["timeline[].at"], Shape::Integer);
        assert_eq!(s["rules"], Shape::Any);
        assert_eq!(
            s["rules.ratio"].describe(),
            "`exact`, `floor` or `round_half_even`"
        );
        assert!(matches!(&s["forces.<name>.role"], Shape::Choice(v) if v.contains(&"policing")));
    }

    #[test]
    fn every_row_is_unique() {
        let mut seen = BTreeSet::new();
        for k in KEYS {
            assert!(seen.insert(k.path), "{} twice", k.path);
        }
    }
}
