//! The knobs researchers turn (`[policy]`, docs/MODEL.md §5) and training missions
//! (`[missions.<name>]`).

use serde::{Deserialize, Serialize};

section! {
    /// The knobs researchers turn (docs/MODEL.md §5).
    pub struct PolicySpec: Default {
        /// Probability that an abuse case is never investigated (1: none is, unless the
        /// scenario says otherwise).
        pub impunity: f64 = default(1.0) check(unit) [timeline];
        /// Probability that an investigated case ends in a conviction; otherwise an
        /// acquittal.
        pub conviction: f64 = default(0.0) check(unit) [timeline];
        /// Sentences as a share of the longest: convictions and captured fighters serve
        /// `justice.max_sentence` × severity ticks; arrests jail for terms drawn from
        /// `policing.max_jail_term` × severity (1: full terms, as in Epstein).
        pub sentence_severity: f64 = default(1.0) check(unit) [timeline];
        /// The amnesty law (Mali's national reconciliation law); not in force when absent.
        pub amnesty: AmnestySpec = default [timeline];
        /// Arms the state adds to every state-backed group's arms level (the sum is capped at
        /// 1; 0: the state arms nobody).
        pub militia_arming: f64 = default(0.0) check(unit) [timeline];
        /// γ: threat-driven recruitment into a state-backed group is multiplied by
        /// (1 + γ·a), a its arms level (1: fully armed doubles the pull).
        pub arming_recruitment_gain: f64 = default(1.0) check(nonneg) [timeline];
        /// A disarmament campaign; none when absent.
        pub disarmament: DisarmamentSpec = default [timeline];
        /// Whether trainers may follow the units they trained into the field: only then does
        /// training raise discipline (`missions.<name>.discipline_gain`; off: EUTM's trainers
        /// may not deploy with their trainees).
        pub field_oversight: bool = default(false) [timeline];
        /// Weight of suspicion when state forces and pro-government fighters pick a victim:
        /// members of `abuse.suspected` communities count (1 + profiling) times (0: no
        /// suspicion).
        pub profiling: f64 = default(0.0) check(nonneg) [timeline];
    }
}

section! {
    /// The amnesty law.
    pub struct AmnestySpec: Default {
        /// Whether the law is in force: convictions within its scope are amnestied at the
        /// verdict, and sentences within it being served end.
        pub in_force: bool = default(false) [timeline];
        /// Breadth of the law ("linked to the events of 2012"): the chance that a case
        /// outside the excluded categories (`justice.excluded_min_victims`) falls within it.
        pub scope: f64 = default(0.0) check(unit) [timeline];
        /// Chance per tick that a jailed armed-group member is released early, and rejoins
        /// its group, while the law is in force.
        pub early_release: f64 = default(0.0) check(unit) [timeline];
    }
}

section! {
    /// A disarmament campaign.
    pub struct DisarmamentSpec: Default {
        /// What is disarmed: `militias` (every militia and pro-government group), one
        /// `group`, or the `civilians` of one community (one-sided disarmament: it leaves
        /// them exposed to attack); `none`: no campaign.
        pub target: DisarmTarget = default(DisarmTarget::None) [timeline];
        /// The group disarmed when `target = "group"`.
        pub group: String = default example("\"x\"")
            range("the name of a group; required with `target = \"group\"`") [timeline sparse];
        /// The community whose households are disarmed when `target = "civilians"`.
        pub community: String = default example("\"x\"")
            range("the name of a community; required with `target = \"civilians\"`")
            [timeline sparse];
        /// Share of the remaining arms taken each tick: of each targeted group's arms level,
        /// or, for civilians, the chance per tick that each armed household loses its arms.
        pub rate: f64 = default(0.0) check(unit) [timeline];
    }
}

/// What a disarmament campaign targets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DisarmTarget {
    /// No campaign.
    #[default]
    None,
    /// Every militia (self-defence and pro-government groups).
    Militias,
    /// One group, by name (`target = "group"`, `group = "dozo"`).
    Group,
    /// The civilians of one community (`target = "civilians"`, `community = "peul"`): one-sided.
    Civilians,
}

section! {
    /// A training mission (EUTM).
    pub struct MissionSpec {
        /// Staff of the mission, in people (EUTM: 600); trainers are staff − protection −
        /// administration.
        pub staff: u32 = required example("600") range("≥ `protection` + `administration`");
        /// Staff protecting the mission (EUTM: 400 of 600).
        pub protection: u32 = default(0);
        /// Administrative staff (EUTM: 50 of 600).
        pub administration: u32 = default(0);
        /// Forces whose units it trains.
        pub trains: Vec<String> = required example("[\"x\"]") range("names of forces");
        /// Units (agents) trained per trainer per tick.
        pub throughput: f64 = default(0.0) check(nonneg) [timeline];
        /// Proficiency a trained unit gains (the largest gain of the missions that train its
        /// force; the sum is capped at 1).
        pub proficiency_gain: f64 = default(0.0) check(unit) [timeline];
        /// Discipline a trained unit gains, only while `policy.field_oversight` is on.
        pub discipline_gain: f64 = default(0.0) check(unit) [timeline];
    }
}

impl MissionSpec {
    /// Trainers = staff − protection − administration.
    pub fn trainers(&self) -> u32 {
        self.staff
            .saturating_sub(self.protection.saturating_add(self.administration))
    }
}
