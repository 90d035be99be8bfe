//! The conflict model's dynamics (docs/ODD.md §2.2 and §7): `[legitimacy]`, `[abuse]`,
//! `[violence]`, `[justice]`.
//!
//! Every section is optional and off by default, so Epstein's scenarios are exact special
//! cases: a scenario without armed groups, abuse or justice runs Epstein's rules and nothing
//! else, drawing the same random numbers.

section! {
    /// Legitimacy dynamics (off: L is the community's baseline, as in Epstein).
    pub struct LegitimacySpec: Default {
        /// Whether legitimacy moves with events; off (the default, Epstein's fixed
        /// legitimacy): every community's L stays `communities.<name>.legitimacy` (its
        /// baseline L₀) and U stays 0.
        pub dynamic: bool = default(false) [timeline];
        /// λ: share of the gap between L and the baseline L₀ closed each tick (0.01: about
        /// 100 ticks to forget).
        pub relaxation: f64 = default(0.0) check(unit) [timeline];
        /// Drop in the victims' community per member (agent) killed in an abuse by state
        /// forces or pro-government fighters.
        pub abuse: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop in the victims' community per case of abuse against it amnestied.
        pub amnesty: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop in the victims' community per case of abuse against it that is never
        /// investigated.
        pub uninvestigated: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop per member (agent) killed by armed groups or international forces: the state
        /// failed to protect them.
        pub failure_to_protect: f64 = default(0.0) check(nonneg) [timeline];
        /// Rise in the victims' community per conviction in a case of abuse against it.
        pub conviction: f64 = default(0.0) check(nonneg) [timeline];
        /// Rise per member (agent) killed by jihadists, on top of the failure-to-protect
        /// drop: civilians turn to the state (Condra & Shapiro).
        pub rally: f64 = default(0.0) check(nonneg) [timeline];
        /// Unresolved injustice U added to the victims' community per case of abuse never
        /// investigated, acquitted or amnestied.
        pub unresolved_per_case: f64 = default(0.0) check(nonneg) [timeline];
        /// μ: share of unresolved injustice that fades each tick (0: remembered for ever).
        pub unresolved_decay: f64 = default(0.0) check(unit) [timeline];
        /// ω: weight of unresolved injustice in grievance, G = H·(1 − L) + ω·U.
        pub omega: f64 = default(0.0) check(nonneg) [timeline];
    }
}

section! {
    /// Extrajudicial killings by state-side units and pro-government fighters.
    pub struct AbuseSpec: Default {
        /// a₀: chance per tick that a unit of discipline 0, with no recent attacks on its
        /// side and expecting no punishment, kills a civilian it sees (0: no abuse unless the
        /// scenario says so).
        pub base_rate: f64 = default(0.0) check(unit) [timeline];
        /// ρ: rise of that chance per point of alarm (a unit takes one point per battle it
        /// fights in, plus one per loss on its side): retaliation.
        pub retaliation: f64 = default(0.0) check(nonneg) [timeline];
        /// Share of a unit's alarm that fades each tick (0.5: anger fades within days).
        pub alarm_decay: f64 = default(0.5) check(unit) [timeline];
        /// Communities under suspicion, whose members are picked as victims
        /// (1 + `policy.profiling`) times as often as others in sight; empty: the communities
        /// jihadist groups recruit from.
        pub suspected: Vec<String> = default example("[\"x\"]")
            range("names of communities") [timeline sparse];
        /// E₀: the punishment every force and pro-government group expects at the start,
        /// before any of its cases is decided (0.5: unsure whether abuse is punished).
        pub prior_punishment: f64 = default(0.5) check(unit) [timeline];
        /// η: each decided case moves the expected punishment E toward its outcome,
        /// E ← E + η·(outcome − E) (outcome: min(1, `policy.sentence_severity`) for a
        /// conviction, 0 otherwise; 0.1: about ten cases to learn).
        pub learning_rate: f64 = default(0.1) check(unit) [timeline];
        /// Chance per tick that a pro-government fighter who sees civilians kills one, times
        /// (1 − its group's expected punishment).
        pub progov_rate: f64 = default(0.0) check(unit) [timeline];
    }
}

section! {
    /// Attacks, battles and strikes.
    pub struct ViolenceSpec: Default {
        /// λ: chance that an attack kills, for a group at arms level 1 against an unarmed
        /// household with nobody deterring.
        pub lethality: f64 = default(0.5) check(unit) [timeline];
        /// δ_pk: deterrence per peacekeeping unit in the vision of an attacker, or of a state
        /// unit about to abuse (0: off).
        pub peacekeeper_deterrence: f64 = default(0.0) check(nonneg) [timeline];
        /// δ_s: deterrence per state unit in the attacker's vision (0: off).
        pub state_deterrence: f64 = default(0.0) check(nonneg) [timeline];
        /// d_h: how much an armed household lowers the chance of being killed (0.5: halves
        /// it).
        pub household_defence: f64 = default(0.5) check(unit) [timeline];
        /// Killings by the same actor in one tick within this many cells of each other
        /// (directly or through a chain) form one event, as massacres appear in the record
        /// (5: one village's surroundings).
        pub massacre_radius: f64 = default(5.0) check(nonneg) [timeline];
        /// κ, Lanchester's coefficient: a side expects κ · (sum of the other side's
        /// effectiveness) losses per battle, at most its size.
        pub attrition: f64 = default(0.1) check(nonneg) [timeline];
        /// Chance per tick that a counter-insurgency unit that sees fighters of a group the
        /// state fights engages them: a battle.
        pub engage_rate: f64 = default(0.1) check(unit) [timeline];
        /// Chance per tick that a strike unit that sees jihadist fighters strikes one.
        pub strike_rate: f64 = default(0.1) check(unit) [timeline];
        /// Chance that a strike kills its target.
        pub strike_lethality: f64 = default(0.5) check(unit) [timeline];
        /// Chance that each civilian on a cell next to a strike's target is killed.
        pub collateral: f64 = default(0.0) check(unit) [timeline];
        /// Share of the threat to a community in a region (its recent killings there, which
        /// drive threat-driven recruitment) that fades each tick (0.05: a killing is mostly
        /// forgotten after two months of daily ticks).
        pub threat_decay: f64 = default(0.05) check(unit) [timeline];
        /// Share of fighters lost in battle who are captured (jailed for
        /// `justice.max_sentence` × `policy.sentence_severity` ticks) rather than killed.
        pub capture: f64 = default(0.0) check(unit) [timeline];
        /// Chance that each fellow fighter in the attacker's vision joins an attack on
        /// civilians (a raid: several victims, one event).
        pub raid_join: f64 = default(0.0) check(unit) [timeline];
    }
}

section! {
    /// The justice pipeline's timing and rules.
    pub struct JusticeSpec: Default {
        /// Ticks from an abuse to the decision to investigate it or not (30: a month of daily
        /// ticks to decide).
        pub investigation_delay: u32 = default(30) range("≥ 0 (0 acts as 1)") [timeline];
        /// Ticks from the start of an investigation to the verdict (180: half a year to try).
        pub trial_delay: u32 = default(180) range("≥ 0 (0 acts as 1)") [timeline];
        /// Events with at least this many victims, in people, fall in the law's excluded
        /// categories (crimes against humanity, war crimes): never amnestied.
        pub excluded_min_victims: u32 = default(10) range("≥ 0") [timeline];
        /// Longest sentence, in ticks: a conviction carries max_sentence ×
        /// `policy.sentence_severity` ticks (at least 1); so does a captured fighter's jail
        /// term (365: a year of daily ticks).
        pub max_sentence: u32 = default(365) range("≥ 0") [timeline];
    }
}
