//! The knobs researchers turn (`[policy]`, docs/MODEL.md §5) and training missions
//! (`[missions.<name>]`).

use serde::{Deserialize, Serialize};

section! {
    /// The knobs researchers turn (docs/MODEL.md §5).
    pub struct PolicySpec: Default {
        /// Probability that a case of abuse by state forces is never investigated (1: none is,
        /// unless the scenario says otherwise).
        pub impunity: f64 = default(1.0) check(unit) [timeline];
        /// Probability that a case against members of an armed group that is not fought by
        /// the state (a militia or a pro-government group) for killing civilians is never
        /// investigated: the proxies' impunity, a policy of its own (1: none is).
        pub militia_impunity: f64 = default(1.0) check(unit) [timeline];
        /// Probability that an investigated case ends in a conviction; otherwise an
        /// acquittal.
        pub conviction: f64 = default(0.0) check(unit) [timeline];
        /// Sentences of those convicted for killing civilians (soldiers, militia members), as a
        /// share of the longest: they serve `justice.max_sentence` × severity ticks (1: full
        /// terms). This is the severity forces weigh in the sanction they expect.
        pub sentence_severity: f64 = default(1.0) check(unit) [timeline];
        /// Jail terms of arrested civilians, as a share of the longest: terms are drawn from
        /// `policing.max_jail_term` × severity (1: full terms, as in Epstein).
        pub jail_severity: f64 = default(1.0) check(unit) [timeline];
        /// Detention of fighters captured in battle, as a share of `justice.max_sentence`
        /// (1: the longest sentence).
        pub detention_severity: f64 = default(1.0) check(unit) [timeline];
        /// The amnesty law (Mali's national reconciliation law); not in force when absent.
        pub amnesty: AmnestySpec = default [timeline];
        /// Arms the state adds to the arms level of each group in `arming_targets` (the sum
        /// is capped at 1; 0: the state arms nobody).
        pub militia_arming: f64 = default(0.0) check(unit) [timeline];
        /// The groups the state arms (`["dozo"]`); arming one group arms no other. Empty (the
        /// default): nobody.
        pub arming_targets: Vec<String> = default example("[\"x\"]")
            range("names of groups") [timeline sparse];
        /// Collusion: the chance that the army has disarmed a village's households shortly
        /// before a raid on it by a group the state arms, so that their arms do not defend
        /// them (`violence.household_defence`). Peul villagers made this accusation in 2018;
        /// it is unconfirmed, hence a knob (0: never).
        pub collusion: f64 = default(0.0) check(unit) [timeline];
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
        /// Whether the law is in force: every case within its scope that is still open is
        /// amnestied (before the decision to investigate, during the investigation, or while
        /// the sentence is served), and so is every new case within it.
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
        /// Share of the remaining arms the campaign would take each tick if it were carried
        /// out everywhere: of each targeted group's arms level (where its fighters meet state
        /// units, see `enforcement`), or, for civilians, the chance per tick that each armed
        /// household loses its arms.
        pub rate: f64 = default(0.0) check(unit) [timeline];
        /// How much of a campaign against armed groups is carried out: each tick a targeted
        /// group loses `rate` × enforcement × contact of its arms, contact the mean over its
        /// fighters of min(1, S/φ), S the state's soldiers in a fighter's sight (φ =
        /// `recruitment.presence`). A vow that units do not enforce (Mali's 2018 vow to disarm
        /// every militia) is a low value here, not a typed-in outcome (1: fully enforced).
        pub enforcement: f64 = default(1.0) check(unit) [timeline];
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
        /// Soldiers trained per trainer per tick (EUTM: about 3,000 a year by 150 trainers,
        /// 0.055 a day); units are trained whole, one when the soldiers trained add up to its
        /// size.
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
