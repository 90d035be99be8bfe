//! Armed groups (`[groups.<name>]`): jihadists, militias, bandits, pro-government groups.

use serde::{Deserialize, Serialize};

section! {
    /// An armed group.
    pub struct GroupSpec {
        /// Jihadist, communal self-defence militia, bandit, or pro-government. Sets who
        /// counts their victims (events and `killed_civilians_*`), who the state fights
        /// (counter-insurgency spares pro-government and state-backed groups; strikes hit only
        /// jihadists), whom the state suspects by default (`abuse.suspected`), what a campaign
        /// against `militias` disarms (militias and pro-government groups); pro-government
        /// fighters may abuse civilians (`abuse.progov_rate`).
        pub kind: GroupKind = required example("\"jihadist\"");
        /// What makes people join: `grievance`: an active person (G − N > T) who sees a
        /// member joins with probability `recruit_rate` per tick; `threat`: a quiescent
        /// person joins with probability `recruit_rate` · (1 − e^(−θ)), θ the recent killings
        /// of its community in its region per thousand members there (state-backed groups
        /// pull harder when armed: `policy.arming_recruitment_gain`); `none` (the default):
        /// nobody joins after the start.
        pub driver: Driver = default(Driver::None);
        /// Communities whose members join it, and from which its initial members are drawn
        /// (empty: initial members from any community).
        pub recruits_from: Vec<String> = default example("[\"x\"]")
            range("names of communities; at least one unless `driver = \"none\"`");
        /// Whom the group attacks (`targets = { communities = ["dogon"], state = true }`);
        /// nobody when absent.
        pub targets: Targets = default;
        /// Arms level a: an attack on a civilian kills with probability
        /// `violence.lethality` · a (less against armed households and with deterrence in
        /// sight), and a fighter fights in battles with effectiveness a. For a state-backed
        /// group, plus `policy.militia_arming` (up to 1); disarmament takes a share of it.
        pub arms: f64 = required example("0.6") check(unit) [timeline];
        /// Whether the state backs it: it gets `policy.militia_arming`, arming raises its
        /// threat-driven recruitment, and counter-insurgency units do not engage it.
        pub state_backed: bool = default(false) [timeline];
        /// Members at the start, in people: round(people / `world.people_per_agent`) persons
        /// of the communities it recruits from (in its regions, if given) are its fighters at
        /// tick 0, chosen at random (fewer if there are not enough).
        pub initial_people: f64 = default(0.0) example("2000.0") check(nonneg);
        /// Regions its initial members are drawn from; empty: anywhere. Fighters then move
        /// freely, and recruits join wherever they are.
        pub regions: Vec<String> = default example("[\"x\"]")
            range("names of regions (needs `world.regions`)") [sparse];
        /// Chance per tick that an eligible person joins (see `driver`; 0: nobody joins
        /// unless the scenario is calibrated to).
        pub recruit_rate: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter who sees civilians of a targeted community attacks
        /// one (fellow fighters in sight may join the raid: `violence.raid_join`).
        pub attack_rate: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter who sees targeted organised forces (state units
        /// with `targets.state`, fighters of `targets.groups`) attacks them: a battle.
        pub battle_rate: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter leaves the group and returns to civilian life.
        pub desertion: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter moves within two cells of a fellow fighter it sees
        /// rather than to a random cell in vision: bands form, and their attacks become
        /// massacres.
        pub cohesion: f64 = default(0.0)
            check(unit, "on a torus, a world at least 5 cells across");
        /// Vision radius of its fighters, in cells: what they attack, whom they join in a
        /// raid or battle.
        pub vision: f64 = required example("7") check(vision);
    }
}

section! {
    /// Whom a group attacks.
    pub struct Targets: Default {
        /// Communities whose civilians its fighters attack (`attack_rate`).
        pub communities: Vec<String> = default example("[\"x\"]")
            range("names of communities; at most 16") [sparse];
        /// Whether its fighters attack state force units they see: battles (`battle_rate`).
        pub state: bool = default(false);
        /// Groups whose fighters its fighters attack: battles (`battle_rate`).
        pub groups: Vec<String> = default example("[\"x\"]")
            range("names of other groups; at most 16") [sparse];
    }
}

/// What kind of armed group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Jihadist (e.g. JNIM's Katiba Macina).
    Jihadist,
    /// Communal self-defence militia (e.g. the Dozo of Dan Na Ambassagou, Peul self-defence).
    Militia,
    /// Bandits.
    Bandit,
    /// Pro-government armed group (e.g. GATIA, MSA).
    ProGovernment,
}

impl GroupKind {
    /// The perpetrator category of civilian killings by this kind of group.
    pub fn perpetrator(self) -> &'static str {
        match self {
            GroupKind::Jihadist => "jihadist",
            GroupKind::Militia => "militia",
            GroupKind::Bandit => "bandit",
            GroupKind::ProGovernment => "progov",
        }
    }
}

/// What makes people join a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    /// Active persons (grievance against the state) join when a member is in vision.
    Grievance,
    /// Quiescent persons join when their community suffered killings in their region recently.
    Threat,
    /// Nobody joins after the start.
    #[default]
    None,
}
