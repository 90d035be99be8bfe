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
        /// Communities whose members join it out of grievance (`recruit_rate`), and from which
        /// its initial members are drawn (empty: initial members from any community, and no
        /// grievance recruitment).
        pub recruits_from: Vec<String> = default example("[\"x\"]")
            range("names of communities");
        /// Communities it protects: their members join it for protection when their
        /// community is under threat in their region (`protection_rate`). Field studies of
        /// young recruits in central Mali (ISS 2016; Benjaminsen and Ba 2019) found protection
        /// a more common motive than ideology. Empty (the default): nobody joins it for
        /// protection.
        pub protects: Vec<String> = default example("[\"x\"]")
            range("names of communities") [sparse];
        /// Whom the group attacks (`targets = { communities = ["dogon"], state = true }`);
        /// nobody when absent.
        pub targets: Targets = default;
        /// Arms level a of its own, in [0, 1] (plus `policy.militia_arming` if the state arms
        /// it, `policy.arming_targets`; the sum is capped at 1; disarmament takes a share). Its
        /// weapons act through m(a) = a (1 + h) / (a + h), h = `violence.arms_saturation`: the
        /// killing power of its raids and its fighters' effectiveness in battle, and the pull
        /// of its presence on people who seek protection.
        pub arms: f64 = required example("0.6") check(unit) [timeline];
        /// Whether the state backs it politically: counter-insurgency units do not engage it.
        /// Arming is separate (`policy.arming_targets`): while the state arms a group, its
        /// killings of civilians cost the state legitimacy (`legitimacy.proxy`).
        pub state_backed: bool = default(false) [timeline];
        /// Members at the start, in people: round(people / `world.people_per_agent`) agents
        /// of the communities it recruits from (in its regions, if given) are its fighters at
        /// tick 0, chosen at random (fewer if there are not enough).
        pub initial_people: f64 = default(0.0) example("2000.0") check(nonneg);
        /// Regions its initial members are drawn from; empty: anywhere. Fighters then move
        /// freely, and recruits join wherever they are.
        pub regions: Vec<String> = default example("[\"x\"]")
            range("names of regions (needs `world.regions`)") [sparse];
        /// Grievance-driven recruitment: chance per tick that an active person of a community
        /// in `recruits_from` joins, times the group's presence in its vision, min(1, F/φ)
        /// (F fighters in sight, in people; φ = `recruitment.presence`). 0 (the default):
        /// nobody joins out of grievance.
        pub recruit_rate: f64 = default(0.0) check(unit) [timeline];
        /// Protection-seeking recruitment: chance per tick that a quiescent person of a
        /// community in `protects` joins, times its community's need for protection in its
        /// region, 1 − e^(−θ) (θ: recent killings of its members there, by anyone, state
        /// forces included, per thousand members), times its distrust of the state's
        /// protection, 1 − L, times the group's presence and strength in its vision,
        /// min(1, F·m(a)/φ). 0 (the default): nobody joins for protection.
        pub protection_rate: f64 = default(0.0) check(unit) [timeline];
        /// Raids per fighter per tick: a fighter agent of n people that sees civilians of a
        /// targeted community starts a raid with probability 1 − e^(−n·rate) (its party: a
        /// band, `band`; its toll: `violence.lethality`). Per person, so that the number of
        /// raids does not depend on how many people an agent stands for.
        pub attack_rate: f64 = default(0.0) check(unit) [timeline];
        /// Battles started per fighter per tick: a fighter agent of n people that sees
        /// targeted organised forces (state units with `targets.state`, fighters of
        /// `targets.groups`), E people of them, attacks them with probability
        /// 1 − e^(−n·rate·E/φ_e), φ_e = `violence.encounter`.
        pub battle_rate: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter (a person) leaves the group and returns to civilian
        /// life; an agent of n people of whom k leave goes whole with probability k/n
        /// (docs/ODD.md §7.8, "Pooling").
        pub desertion: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a fighter moves within two cells of a fellow fighter it sees
        /// rather than to a random cell in vision: the group keeps together, which decides
        /// where it raids and fights (not how many raid: that is `band`).
        pub cohesion: f64 = default(0.0)
            check(unit, "on a torus, a world at least 5 cells across");
        /// Median size of its bands, in people: the fighters who raid a settlement together,
        /// or make its side of a battle. Each raid and each battle draws a band of
        /// max(1, round(median · e^(σ·Z))) people, Z standard normal, σ =
        /// `violence.band_spread`, at most the group's fighters: a property of the group, not
        /// of how many people an agent stands for, so that tolls do not depend on the scale
        /// (docs/ODD.md §4, "Scale").
        pub band: f64 = default(10.0) check(at_least_one) [timeline];
        /// Vision radius of its fighters, in cells: what they attack, and whose people take
        /// the losses of a battle.
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
