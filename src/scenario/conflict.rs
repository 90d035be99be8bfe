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
        /// baseline L₀) and U stays at `communities.<name>.unresolved` (its U₀).
        pub dynamic: bool = default(false) [timeline];
        /// λ: share of the gap between L and the baseline L₀ closed each tick (0.01: about
        /// 100 ticks to forget).
        pub relaxation: f64 = default(0.0) check(unit) [timeline];
        /// Drop in the victims' community per person killed in an abuse by state forces or
        /// pro-government fighters.
        pub abuse: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop in the victims' community per person killed by a group the state arms,
        /// times the state's share of the group's arms (`policy.militia_arming` over the
        /// group's arms level): victims hold the state responsible for its proxies in
        /// proportion to its backing (Carey, Mitchell and Lowe 2013), on top of the
        /// failure to protect.
        pub proxy: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop in the victims' community per case of killings of its members amnestied.
        pub amnesty: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop in the victims' community per case of killings of its members that is never
        /// investigated.
        pub uninvestigated: f64 = default(0.0) check(nonneg) [timeline];
        /// Drop per person killed by armed groups or international forces: the state failed
        /// to protect them.
        pub failure_to_protect: f64 = default(0.0) check(nonneg) [timeline];
        /// Rise in the victims' community per conviction in a case of killings of its
        /// members.
        pub conviction: f64 = default(0.0) check(nonneg) [timeline];
        /// Rise per person killed by jihadists, on top of the failure-to-protect drop:
        /// civilians turn to the state (Condra & Shapiro).
        pub rally: f64 = default(0.0) check(nonneg) [timeline];
        /// Unresolved injustice U added to the victims' community per case of killings of
        /// its members never investigated, acquitted or amnestied.
        pub unresolved_per_case: f64 = default(0.0) check(nonneg) [timeline];
        /// μ: share of unresolved injustice that fades each tick (0: remembered for ever).
        pub unresolved_decay: f64 = default(0.0) check(unit) [timeline];
        /// ω: weight of unresolved injustice in grievance, G = H·(1 − L) + ω·U.
        pub omega: f64 = default(0.0) check(nonneg) [timeline];
    }
}

section! {
    /// Extrajudicial killings by state-side units and pro-government fighters, and what
    /// deters them.
    pub struct AbuseSpec: Default {
        /// a₀: abuse events per soldier per tick for a unit of discipline 0, with no recent
        /// attacks on its side and expecting no sanction, that sees civilians. A unit agent of
        /// n soldiers abuses with probability 1 − e^(−n·a), a = a₀·(1 − discipline)·(1 +
        /// ρ·alarm)·(1 − E)·e^(−δ_pk·n_pk), E the sanction its force expects (0: no abuse
        /// unless the scenario says so).
        pub base_rate: f64 = default(0.0) check(unit) [timeline];
        /// ρ: rise of the abuse rate per point of alarm, a unit's memory of recent attacks on
        /// its side (one point per battle it fights in, plus one per soldier of its side
        /// killed in it): retaliation. The share ρ·alarm / (1 + ρ·alarm) of a unit's abuses
        /// are reprisals (`reprisal_median`).
        pub retaliation: f64 = default(0.0) check(nonneg) [timeline];
        /// Share of a unit's alarm that fades each tick (0.5: anger fades within days).
        pub alarm_decay: f64 = default(0.5) check(unit) [timeline];
        /// Median number of people a reprisal kills (a unit's abuse driven by alarm: the mass
        /// executions after an attack nearby, such as Boulikessi, 12, or Nantaka and Kobaka,
        /// 25); other abuses kill one person. A reprisal's size is
        /// max(1, round(median · e^(σ·Z))), Z standard normal (1: reprisals are single
        /// killings too).
        pub reprisal_median: f64 = default(1.0) check(at_least_one) [timeline];
        /// σ, the spread of reprisal sizes on a log scale (0: every reprisal kills the
        /// median; 1: a tenth of them kill more than 3.6 times the median).
        pub reprisal_spread: f64 = default(0.0) check(nonneg) [timeline];
        /// Communities under suspicion, whose members are picked as victims
        /// (1 + `policy.profiling`) times as often as others in sight; empty: the communities
        /// jihadist groups recruit from.
        pub suspected: Vec<String> = default example("[\"x\"]")
            range("names of communities") [timeline sparse];
        /// Cases forces knew of before the run starts, as pseudo-observations of the
        /// sanction they expect: forces pool what they see of every case against state forces
        /// (and each armed group of its own cases) into the chance that a case is
        /// investigated, the chance that an investigated case ends in a conviction, and the
        /// sentence; the prior is this many cases with the shares below (0: no prior
        /// knowledge, both chances start at one half). In central Mali, nobody was prosecuted
        /// for the 2012 killing of 16 preachers or the 2013 killings and disappearances in
        /// the north.
        pub prior_cases: f64 = default(0.0) check(nonneg) [timeline];
        /// Share of the prior cases that were investigated.
        pub prior_investigated: f64 = default(0.5) check(unit) [timeline];
        /// Share of the prior investigated cases that ended in a conviction.
        pub prior_convicted: f64 = default(0.5) check(unit) [timeline];
        /// Half-life, in ticks, of what forces learned from a case: older cases weigh less
        /// (the prior too); `inf` (the default): nothing is forgotten.
        pub memory: f64 = default(f64::INFINITY) check(positive_or_inf) [timeline];
        /// w: how much a mere investigation deters, as a share of a full sanction. The
        /// sanction a force expects is E = P(investigated) · (w + (1 − w) · P(convicted |
        /// investigated) · severity), severity = `policy.sentence_severity`. An assumption
        /// (suspensions and scrutiny may deter before any verdict) to vary in a sensitivity
        /// analysis; 0 (the default): only convictions deter.
        pub investigation_weight: f64 = default(0.0) check(unit) [timeline];
        /// Abuse events per pro-government fighter per tick when it sees civilians, times
        /// (1 − the sanction its group expects); a fighter agent of n people abuses with
        /// probability 1 − e^(−n·rate·(1 − E)).
        pub progov_rate: f64 = default(0.0) check(unit) [timeline];
    }
}

section! {
    /// Attacks on civilians, battles and strikes.
    pub struct ViolenceSpec: Default {
        /// β: people a raiding party kills per raider in a large settlement, for a group at
        /// arms level 1, unarmed households and nobody deterring. A raid by P raiders on a
        /// settlement of S people kills Binomial(S, 1 − e^(−β·P·m(a)·D/S)), m(a) the group's
        /// arms effect, D the defence and deterrence factor: about β·P·m(a)·D people when
        /// the settlement is large, all of it when the party overwhelms it.
        pub lethality: f64 = default(0.5) check(nonneg) [timeline];
        /// δ_pk: deterrence per peacekeeper (person) in the vision of a raider, or of a state
        /// unit about to abuse: the factor e^(−δ_pk · peacekeepers in sight) (0: off).
        pub peacekeeper_deterrence: f64 = default(0.0) check(nonneg) [timeline];
        /// δ_s: deterrence per soldier of the state in the raider's vision (0: off).
        pub state_deterrence: f64 = default(0.0) check(nonneg) [timeline];
        /// d_h: how much armed households lower a raid's toll: D is multiplied by
        /// (1 − d_h · the armed share of the settlement's households) (0.5: a fully armed
        /// village halves it).
        pub household_defence: f64 = default(0.5) check(unit) [timeline];
        /// h: saturation of weapons' effect: m(a) = a·(1 + h)/(a + h), so that m(0) = 0,
        /// m(1) = 1 and the first weapons count most (small h: saturates early; large h:
        /// nearly linear; 0.5: arming a group from 0.3 to 0.6 raises m by a third).
        pub arms_saturation: f64 = default(0.5) check(positive) [timeline];
        /// Radius in cells of the settlement a raid strikes: its people S_0 at the local
        /// density are the targeted communities' people per cell in the raider's vision, times
        /// the cells within this radius (2: about a village and its hamlets on 400 m cells);
        /// `settlement_spread` spreads the settlements' sizes around S_0.
        pub settlement_radius: f64 = default(2.0) check(vision) [timeline];
        /// σ_S: spread of settlement sizes on a log scale. The people S of a raided settlement
        /// are drawn log-normal around the local ones, with the same mean: S = round(S_0 ·
        /// e^(σ_S·Z − σ_S²/2)), S_0 the targeted people per cell in sight times the cells
        /// within `settlement_radius`, Z standard normal, at least 1 and at most the people in
        /// sight (the bounds move the mean where S_0 is near 1 or near the people in sight;
        /// 0: every settlement S_0, no draw; 1: one in twenty is 3.1 times S_0, half are under
        /// 0.6 times). Villages differ in size around the same density; this is what lets a
        /// large band meet a large village.
        pub settlement_spread: f64 = default(0.0) check(spread) [timeline];
        /// Killings by the same actor in one tick within this many cells of each other
        /// (directly or through a chain) form one event, as massacres appear in the record
        /// (5: one village's surroundings).
        pub massacre_radius: f64 = default(5.0) check(nonneg) [timeline];
        /// κ, Lanchester's coefficient: a side expects κ · (the other side's band times its
        /// mean effectiveness per person) people lost per battle, at most its own band.
        pub attrition: f64 = default(0.1) check(nonneg) [timeline];
        /// Battles engaged per soldier per tick with φ_e enemies in sight: a
        /// counter-insurgency unit of n soldiers that sees E fighters (people) of groups the
        /// state fights engages them with probability 1 − e^(−n·rate·E/φ_e), φ_e =
        /// `violence.encounter`.
        pub engage_rate: f64 = default(0.01) check(unit) [timeline];
        /// φ_e, in people: the enemies in sight at which fighters' attacks on forces,
        /// engagements and strikes start at their base rate. They start at their rate times
        /// E/φ_e, E the enemy people in sight: linear in the people seen (mass action, no
        /// saturation), so that the number of battles does not depend on how many people an
        /// agent stands for.
        pub encounter: f64 = default(100.0) check(positive) [timeline];
        /// Strikes per person of a strike force per tick: a strike unit of n people that sees
        /// E jihadist fighters (people) strikes with probability 1 − e^(−n·rate·E/φ_e).
        pub strike_rate: f64 = default(0.01) check(unit) [timeline];
        /// Chance that each fighter hit by a strike is killed.
        pub strike_lethality: f64 = default(0.5) check(unit) [timeline];
        /// Fighters a strike hits (people, at most the target agent's): 5, a vehicle.
        pub strike_size: f64 = default(5.0) check(at_least_one) [timeline];
        /// Chance that each civilian on a cell next to a strike's target is killed.
        pub collateral: f64 = default(0.0) check(unit) [timeline];
        /// Share of the threat to a community in a region (its recent killings there, which
        /// drive protection-seeking recruitment) that fades each tick (0.05: a killing is
        /// mostly forgotten after two months of daily ticks).
        pub threat_decay: f64 = default(0.05) check(unit) [timeline];
        /// Share of fighters lost in battle who are captured (detained for
        /// `justice.max_sentence` × `policy.detention_severity` ticks) rather than killed.
        pub capture: f64 = default(0.0) check(unit) [timeline];
        /// σ: spread of band sizes on a log scale (raid parties, battle sides: a band of median
        /// M is max(1, round(M · e^(σ·Z))) people, Z standard normal; 0: every band its
        /// median; 0.7: one band in twenty is three times the median).
        pub band_spread: f64 = default(0.0) check(spread) [timeline];
        /// Median size of the state's side in a battle, in soldiers (a patrol; drawn as a
        /// band, spread `band_spread`, at most the soldiers of every force): a property of the
        /// forces, not of how many soldiers a unit agent stands for.
        pub patrol: f64 = default(20.0) check(at_least_one) [timeline];
    }
}

section! {
    /// How the presence of an armed group reaches people who might join it.
    pub struct RecruitmentSpec: Default {
        /// φ, in people: a group whose fighters in a person's sight number F (people, times
        /// their arms effect for protection) is present to it as min(1, F/φ): linear in the
        /// people seen, so that it does not depend on how many people an agent stands for as
        /// long as one agent stands for at most φ (100: a company of armed men in sight makes
        /// a group fully present; docs/ODD.md §4, "Scale").
        pub presence: f64 = default(100.0) check(positive) [timeline];
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
        /// `policy.sentence_severity` ticks (at least 1); a captured fighter's detention
        /// max_sentence × `policy.detention_severity` (365: a year of daily ticks).
        pub max_sentence: u32 = default(365) range("≥ 0") [timeline];
    }
}
