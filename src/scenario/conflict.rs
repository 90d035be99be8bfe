//! Scenario sections of the conflict model (docs/ODD.md §2.2 and §7): regions, armed groups,
//! force roles, abuse, justice, legitimacy dynamics, violence, policy knobs, missions.
//!
//! Every section is optional and off by default, so Epstein's scenarios are exact special
//! cases: a scenario without armed groups, abuse or justice runs Epstein's rules and nothing
//! else, drawing the same random numbers.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A calendar date (proleptic Gregorian), written `2018-06-15` (a TOML date or a string).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Days since 1970-01-01.
    pub days: i64,
}

impl Date {
    /// The date `y-m-d`, if it exists.
    pub fn ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // days from civil (Howard Hinnant's algorithm)
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = m as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// (year, month, day).
    pub fn to_ymd(self) -> (i64, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// ```
    /// use impunity::scenario::Date;
    /// let d = Date::parse("2018-06-15").unwrap();
    /// assert_eq!(d.plus_days(20).to_string(), "2018-07-05");
    /// assert!(Date::parse("2018-02-30").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y: i64 = it.next()?.parse().ok()?;
        let m: u32 = it.next()?.parse().ok()?;
        let d: u32 = it.next()?.parse().ok()?;
        Date::ymd(y, m, d)
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.to_ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A TOML date arrives as toml's Datetime; a string as a string.
        let v = toml::Value::deserialize(d)?;
        let text = match &v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(dt) => dt.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date like 2018-06-15, found {}",
                    other.type_str()
                )));
            }
        };
        Date::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// Named regions drawn on a text map that is stretched over the lattice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsSpec {
    /// One character per region; `.` marks cells outside every region (nobody lives or goes
    /// there).
    pub legend: IndexMap<String, String>,
    /// Rows of the map, north first; all rows the same length. Each character covers a block
    /// of about (width / columns) × (height / rows) cells.
    pub map: Vec<String>,
    /// People living in each region (census); when given, it replaces `population.density`:
    /// each region gets round(people / people_per_agent) persons on random cells of its own.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub population: IndexMap<String, f64>,
    /// Area of each region in km² (documentation and people-per-km² reports only).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub area_km2: IndexMap<String, f64>,
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

/// Whom a group attacks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Civilians of these communities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<String>,
    /// State force units (battles).
    #[serde(default)]
    pub state: bool,
    /// Fighters of these groups (battles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

/// An armed group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Jihadist, militia, bandit or pro-government.
    pub kind: GroupKind,
    /// What makes people join.
    #[serde(default)]
    pub driver: Driver,
    /// Communities it recruits from.
    #[serde(default)]
    pub recruits_from: Vec<String>,
    /// Whom it attacks.
    #[serde(default)]
    pub targets: Targets,
    /// Arms level in [0, 1]: raises the success of its attacks (and, for state-backed groups,
    /// of its recruiting, together with `policy.militia_arming`).
    pub arms: f64,
    /// Whether the state backs (and may arm) it.
    #[serde(default)]
    pub state_backed: bool,
    /// Members at the start, in people (converted with `world.people_per_agent`).
    #[serde(default)]
    pub initial_people: f64,
    /// Regions where the initial members live (empty: anywhere its communities live).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Chance per tick that an eligible person joins (see `driver`).
    #[serde(default)]
    pub recruit_rate: f64,
    /// Chance per tick that a fighter who sees civilians of a targeted community attacks one.
    #[serde(default)]
    pub attack_rate: f64,
    /// Chance per tick that a fighter who sees targeted organised forces (state units, rival
    /// fighters) attacks them: a battle.
    #[serde(default)]
    pub battle_rate: f64,
    /// Chance per tick that a fighter leaves the group (returns to civilian life).
    #[serde(default)]
    pub desertion: f64,
    /// Chance per tick that a fighter moves next to a fellow fighter it sees rather than to a
    /// random cell (bands form, and their attacks become massacres).
    #[serde(default)]
    pub cohesion: f64,
    /// Vision radius of its fighters, in cells.
    pub vision: f64,
}

/// What a force unit does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Arrests actives in vision and counts as a cop in the arrest-probability estimate
    /// (Epstein's cop).
    #[default]
    Policing,
    /// Policing, plus battles against armed groups' fighters in vision.
    Counterinsurgency,
    /// Deters killings in vision; never arrests, never abuses.
    Peacekeeping,
    /// Strikes fighters in vision, with a risk of civilian casualties.
    Strike,
}

/// Which side a force is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The state's own forces: abuses by them open justice cases and cost legitimacy.
    #[default]
    State,
    /// International forces (MINUSMA, Barkhane): their civilian casualties are their own.
    International,
}

/// Legitimacy dynamics (off: L is the community's baseline, as in Epstein).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LegitimacySpec {
    /// Whether legitimacy moves with events.
    #[serde(default)]
    pub dynamic: bool,
    /// λ: share of the gap to the baseline closed each tick.
    #[serde(default)]
    pub relaxation: f64,
    /// Drop per abuse against one of the community's members (per agent).
    #[serde(default)]
    pub abuse: f64,
    /// Drop per amnestied case of an abuse against the community.
    #[serde(default)]
    pub amnesty: f64,
    /// Drop per case against the community that is never investigated.
    #[serde(default)]
    pub uninvestigated: f64,
    /// Drop per member killed by non-state actors (the state failed to protect).
    #[serde(default)]
    pub failure_to_protect: f64,
    /// Rise per conviction in a case of an abuse against the community.
    #[serde(default)]
    pub conviction: f64,
    /// Rise per member killed by jihadists (civilians turn to the state; Condra & Shapiro).
    #[serde(default)]
    pub rally: f64,
    /// Unresolved injustice added per case never investigated or amnestied.
    #[serde(default)]
    pub unresolved_per_case: f64,
    /// Share of the unresolved-injustice index that fades each tick.
    #[serde(default)]
    pub unresolved_decay: f64,
    /// ω: weight of unresolved injustice in grievance, G = H(1 − L) + ω·U.
    #[serde(default)]
    pub omega: f64,
}

/// Extrajudicial killings by state-side units and pro-government fighters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AbuseSpec {
    /// a₀: chance per tick that a unit of discipline 0, without recent attacks and expecting
    /// no punishment, kills a civilian it sees.
    #[serde(default)]
    pub base_rate: f64,
    /// ρ: how much recent attacks on the unit's side raise that chance (retaliation).
    #[serde(default)]
    pub retaliation: f64,
    /// Share of a unit's alarm that fades each tick.
    #[serde(default = "half")]
    pub alarm_decay: f64,
    /// Communities under suspicion (profiled); empty: those jihadist groups recruit from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspected: Vec<String>,
    /// Expected punishment forces start with, before learning from cases.
    #[serde(default = "half")]
    pub prior_punishment: f64,
    /// η: weight of each resolved case in the learned expected punishment.
    #[serde(default = "tenth")]
    pub learning_rate: f64,
    /// Chance per tick that a pro-government fighter abuses a civilian it sees.
    #[serde(default)]
    pub progov_rate: f64,
}

/// Attacks, battles and strikes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolenceSpec {
    /// Chance that an attack on a civilian kills, for a group at arms level 1 against an
    /// unarmed household with nobody deterring.
    #[serde(default = "half")]
    pub lethality: f64,
    /// Deterrence per peacekeeping unit in the attacker's vision (success × e^(−δ·n)).
    #[serde(default)]
    pub peacekeeper_deterrence: f64,
    /// Deterrence per state unit in the attacker's vision.
    #[serde(default)]
    pub state_deterrence: f64,
    /// How much an armed household lowers the chance of being killed.
    #[serde(default = "half")]
    pub household_defence: f64,
    /// Attacks by one group within this many cells of each other in a tick form one event.
    #[serde(default = "five")]
    pub massacre_radius: f64,
    /// Lanchester attrition coefficient: expected losses per tick per opposing combatant.
    #[serde(default = "tenth")]
    pub attrition: f64,
    /// Chance per tick that a counter-insurgency unit seeing fighters engages them.
    #[serde(default = "tenth")]
    pub engage_rate: f64,
    /// Chance per tick that a strike unit seeing fighters strikes one.
    #[serde(default = "tenth")]
    pub strike_rate: f64,
    /// Chance that a strike kills its target.
    #[serde(default = "half")]
    pub strike_lethality: f64,
    /// Chance that each civilian next to a strike's target is killed.
    #[serde(default)]
    pub collateral: f64,
    /// Share of the threat to a community (recent killings of its members in a region) that
    /// fades each tick.
    #[serde(default = "twentieth")]
    pub threat_decay: f64,
    /// Share of fighters lost in battle who are captured (jailed) rather than killed.
    #[serde(default)]
    pub capture: f64,
    /// Chance that each fellow fighter in the attacker's vision joins an attack on civilians
    /// (a raid: several victims in one place, one event).
    #[serde(default)]
    pub raid_join: f64,
}

impl Default for ViolenceSpec {
    fn default() -> Self {
        ViolenceSpec {
            lethality: half(),
            peacekeeper_deterrence: 0.0,
            state_deterrence: 0.0,
            household_defence: half(),
            massacre_radius: five(),
            attrition: tenth(),
            engage_rate: tenth(),
            strike_rate: tenth(),
            strike_lethality: half(),
            collateral: 0.0,
            threat_decay: twentieth(),
            capture: 0.0,
            raid_join: 0.0,
        }
    }
}

/// The justice pipeline's timing and rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JusticeSpec {
    /// Ticks from an abuse to the decision to investigate it or not.
    #[serde(default = "thirty")]
    pub investigation_delay: u32,
    /// Ticks from the start of an investigation to the verdict.
    #[serde(default = "one_eighty")]
    pub trial_delay: u32,
    /// Events with at least this many victims fall in the law's excluded categories (crimes
    /// against humanity, war crimes): never amnestied.
    #[serde(default = "ten")]
    pub excluded_min_victims: u32,
    /// Longest sentence, in ticks, at sentence severity 1.
    #[serde(default = "year")]
    pub max_sentence: u32,
}

impl Default for JusticeSpec {
    fn default() -> Self {
        JusticeSpec {
            investigation_delay: thirty(),
            trial_delay: one_eighty(),
            excluded_min_victims: ten(),
            max_sentence: year(),
        }
    }
}

/// The amnesty law.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AmnestySpec {
    /// Whether the law is in force.
    #[serde(default)]
    pub in_force: bool,
    /// Breadth of "linked to the events of 2012": the chance that a case outside the excluded
    /// categories falls within the law.
    #[serde(default)]
    pub scope: f64,
    /// Chance per tick that a jailed armed-group member is released early while the law is in
    /// force.
    #[serde(default)]
    pub early_release: f64,
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

/// A disarmament campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DisarmamentSpec {
    /// What is disarmed.
    #[serde(default)]
    pub target: DisarmTarget,
    /// The group, when `target = "group"`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The community, when `target = "civilians"`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub community: String,
    /// Share of the remaining arms (of the group, or of the community's armed households)
    /// taken each tick.
    #[serde(default)]
    pub rate: f64,
}

/// The knobs researchers turn (docs/MODEL.md §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Probability that an abuse case is never investigated.
    #[serde(default = "one")]
    pub impunity: f64,
    /// Probability that an investigated case ends in a conviction.
    #[serde(default)]
    pub conviction: f64,
    /// Sentence length as a share of `justice.max_sentence`; also scales jail terms of arrests.
    #[serde(default = "one")]
    pub sentence_severity: f64,
    /// The amnesty law.
    #[serde(default)]
    pub amnesty: AmnestySpec,
    /// Arms the state adds to the groups it backs, in arms-level units [0, 1].
    #[serde(default)]
    pub militia_arming: f64,
    /// How much arming raises recruitment into state-backed groups: rate × (1 + gain × arms).
    #[serde(default = "one")]
    pub arming_recruitment_gain: f64,
    /// A disarmament campaign.
    #[serde(default)]
    pub disarmament: DisarmamentSpec,
    /// Whether trainers may accompany trained units into the field (oversight of conduct).
    #[serde(default)]
    pub field_oversight: bool,
    /// Weight of suspicion when state forces pick a victim: suspected communities count
    /// (1 + profiling) times.
    #[serde(default)]
    pub profiling: f64,
}

impl Default for PolicySpec {
    fn default() -> Self {
        PolicySpec {
            impunity: one(),
            conviction: 0.0,
            sentence_severity: one(),
            amnesty: AmnestySpec::default(),
            militia_arming: 0.0,
            arming_recruitment_gain: one(),
            disarmament: DisarmamentSpec::default(),
            field_oversight: false,
            profiling: 0.0,
        }
    }
}

/// A training mission (EUTM).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissionSpec {
    /// Staff of the mission.
    pub staff: u32,
    /// Staff protecting the mission.
    #[serde(default)]
    pub protection: u32,
    /// Administrative staff.
    #[serde(default)]
    pub administration: u32,
    /// Forces whose units it trains.
    pub trains: Vec<String>,
    /// Unit-agents trained per trainer per tick.
    #[serde(default)]
    pub throughput: f64,
    /// Proficiency a trained unit gains.
    #[serde(default)]
    pub proficiency_gain: f64,
    /// Discipline a trained unit gains, only with `policy.field_oversight`.
    #[serde(default)]
    pub discipline_gain: f64,
}

impl MissionSpec {
    /// Trainers = staff − protection − administration.
    pub fn trainers(&self) -> u32 {
        self.staff
            .saturating_sub(self.protection.saturating_add(self.administration))
    }
}

fn half() -> f64 {
    0.5
}
fn tenth() -> f64 {
    0.1
}
fn twentieth() -> f64 {
    0.05
}
fn five() -> f64 {
    5.0
}
fn one() -> f64 {
    1.0
}
fn thirty() -> u32 {
    30
}
fn one_eighty() -> u32 {
    180
}
fn ten() -> u32 {
    10
}
fn year() -> u32 {
    365
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for s in [
            "1970-01-01",
            "2018-01-01",
            "2018-12-31",
            "2000-02-29",
            "1999-03-01",
        ] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days, 1);
        assert_eq!(
            Date::parse("2018-01-01")
                .unwrap()
                .plus_days(365)
                .to_string(),
            "2019-01-01"
        );
        assert!(Date::parse("2019-02-29").is_none());
    }
}

use super::{Scenario, ScenarioError, unknown};

fn unit(path: &str, v: f64) -> Result<(), ScenarioError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(ScenarioError::new(path, format!("{v} is outside [0, 1]")))
    }
}

fn nonneg(path: &str, v: f64) -> Result<(), ScenarioError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(ScenarioError::new(
            path,
            format!("{v} must be a finite number >= 0"),
        ))
    }
}

impl Scenario {
    /// Names of the regions, in legend order (empty without regions).
    pub fn region_names(&self) -> Vec<String> {
        self.world
            .regions
            .as_ref()
            .map(|r| r.legend.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The tick a date falls on (`None` without a start date or before it).
    pub fn tick_of(&self, d: Date) -> Option<u32> {
        let start = self.start_date?;
        let days = d.days - start.days;
        (days >= 0).then(|| (days / self.days_per_tick.max(1) as i64) as u32)
    }

    pub(super) fn validate_conflict(&self) -> Result<(), ScenarioError> {
        let err = |path: &str, msg: String| Err(ScenarioError::new(path, msg));
        if self.days_per_tick == 0 {
            return err("days_per_tick", "must be at least 1".into());
        }
        let regions = self.region_names();
        if let Some(reg) = &self.world.regions {
            if reg.legend.is_empty() {
                return err(
                    "world.regions.legend",
                    "at least one region is needed".into(),
                );
            }
            if reg.legend.len() > 200 {
                return err("world.regions.legend", "at most 200 regions".into());
            }
            let mut symbols = Vec::new();
            for (sym, name) in &reg.legend {
                let at = format!("world.regions.legend.{sym}");
                if sym.chars().count() != 1 || sym == "." || sym == " " {
                    return err(
                        &at,
                        format!(
                            "`{sym}`: a region's symbol is one character other than '.' and ' '"
                        ),
                    );
                }
                if !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    || name.is_empty()
                {
                    return err(
                        &at,
                        format!("{name:?}: region names are lower-case letters, digits and '_'"),
                    );
                }
                if regions.iter().filter(|r| *r == name).count() > 1 {
                    return err(&at, format!("region `{name}` appears twice"));
                }
                symbols.push(sym.chars().next().expect("one char"));
            }
            if reg.map.is_empty() {
                return err("world.regions.map", "the map has no rows".into());
            }
            let width = reg.map[0].chars().count();
            for (i, row) in reg.map.iter().enumerate() {
                let at = format!("world.regions.map[{i}]");
                if row.chars().count() != width {
                    return err(
                        &at,
                        format!(
                            "row {} has {} characters, row 1 has {width}: rows must be the same length",
                            i + 1,
                            row.chars().count()
                        ),
                    );
                }
                if let Some(ch) = row.chars().find(|ch| *ch != '.' && !symbols.contains(ch)) {
                    let legend: Vec<String> = reg
                        .legend
                        .iter()
                        .map(|(sym, name)| format!("{sym} = {name}"))
                        .collect();
                    return err(
                        &at,
                        format!(
                            "row {}: symbol `{ch}` is not in the legend ({}; `.` marks cells outside every region)",
                            i + 1,
                            legend.join(", ")
                        ),
                    );
                }
            }
            if width as u32 > self.world.width || reg.map.len() as u32 > self.world.height {
                return err(
                    "world.regions.map",
                    format!(
                        "the map ({width}x{}) is larger than the world ({}x{})",
                        reg.map.len(),
                        self.world.width,
                        self.world.height
                    ),
                );
            }
            for (key, table) in [("population", &reg.population), ("area_km2", &reg.area_km2)] {
                for (k, v) in table {
                    if !regions.contains(k) {
                        return err(
                            &format!("world.regions.{key}"),
                            unknown("region", k, regions.iter()),
                        );
                    }
                    nonneg(&format!("world.regions.{key}.{k}"), *v)?;
                }
            }
            if self.rules().placement != crate::rules::Placement::ExactCounts {
                return err(
                    "rules.placement",
                    "regions need placement = \"exact_counts\"".into(),
                );
            }
            // enough cells in each region for its people and the units that may go there
            let cells = self.region_cells();
            for (r, name) in regions.iter().enumerate() {
                if cells[r] == 0 {
                    return err(
                        "world.regions.map",
                        format!("region `{name}` covers no cell of the world"),
                    );
                }
                let persons = match reg.population.get(name) {
                    Some(p) => p / self.world.people_per_agent,
                    None => self.population.density * cells[r] as f64,
                };
                // the units of every force that may be deployed here, as if all landed here
                let lattice = self.world.width as f64 * self.world.height as f64;
                let units: f64 = self
                    .forces
                    .values()
                    .filter(|f| f.regions.is_empty() || f.regions.contains(name))
                    .map(|f| (self.force_density(f) * lattice).round())
                    .sum();
                if persons.round() <= cells[r] as f64 && persons.round() + units > cells[r] as f64 {
                    return err(
                        &format!("world.regions.population.{name}"),
                        format!(
                            "{} persons and up to {units} units of the forces that may deploy \
                             there for {} cells: the region could not hold them all; raise \
                             world.people_per_agent, enlarge the world or restrict the forces' \
                             regions",
                            persons.round(),
                            cells[r]
                        ),
                    );
                }
                if persons.round() > cells[r] as f64 {
                    let need = (persons / cells[r] as f64).sqrt();
                    return err(
                        &format!("world.regions.population.{name}"),
                        format!(
                            "{} persons for {} cells: more than one per cell; raise world.people_per_agent or make the world about {:.1}x wider and taller",
                            persons.round(),
                            cells[r],
                            need
                        ),
                    );
                }
            }
        }
        for (cname, c) in &self.communities {
            unit(
                &format!("communities.{cname}.household_arms"),
                c.household_arms,
            )?;
            for (r, v) in &c.share_by_region {
                if !regions.contains(r) {
                    return err(
                        &format!("communities.{cname}.share_by_region"),
                        unknown("region", r, regions.iter()),
                    );
                }
                unit(&format!("communities.{cname}.share_by_region.{r}"), *v)?;
            }
        }
        for r in &regions {
            if self
                .communities
                .values()
                .any(|c| c.share_by_region.contains_key(r))
            {
                let sum: f64 = self
                    .communities
                    .values()
                    .map(|c| c.share_by_region.get(r).copied().unwrap_or(c.share))
                    .sum();
                if (sum - 1.0).abs() > 1e-9 {
                    return err(
                        "communities",
                        format!("shares in region `{r}` sum to {sum}, not 1"),
                    );
                }
            }
        }
        let communities: Vec<&String> = self.communities.keys().collect();
        let check_communities = |path: &str, list: &[String]| -> Result<(), ScenarioError> {
            for c in list {
                if !self.communities.contains_key(c) {
                    return Err(ScenarioError::new(
                        path,
                        unknown("community", c, communities.iter().copied()),
                    ));
                }
            }
            Ok(())
        };
        let check_regions = |path: &str, list: &[String]| -> Result<(), ScenarioError> {
            for r in list {
                if !regions.contains(r) {
                    let msg = if regions.is_empty() {
                        format!("`{r}`: the world has no regions (world.regions)")
                    } else {
                        unknown("region", r, regions.iter())
                    };
                    return Err(ScenarioError::new(path, msg));
                }
            }
            Ok(())
        };
        for (fname, f) in &self.forces {
            let at = |k: &str| format!("forces.{fname}.{k}");
            unit(&at("arrest_rate"), f.arrest_rate)?;
            unit(&at("discipline"), f.discipline)?;
            unit(&at("proficiency"), f.proficiency)?;
            check_regions(&at("regions"), &f.regions)?;
        }
        if self.groups.len() > 100 {
            return err("groups", "at most 100 armed groups".into());
        }
        let groups: Vec<&String> = self.groups.keys().collect();
        for (gname, g) in &self.groups {
            let at = |k: &str| format!("groups.{gname}.{k}");
            super::check_name(&format!("groups.{gname}"), gname)?;
            if self.communities.contains_key(gname) || self.forces.contains_key(gname) {
                return err(
                    &format!("groups.{gname}"),
                    format!("`{gname}` already names a community or force"),
                );
            }
            check_communities(&at("recruits_from"), &g.recruits_from)?;
            check_communities(&at("targets.communities"), &g.targets.communities)?;
            if g.targets.communities.len() > 16 || g.targets.groups.len() > 16 {
                return err(
                    &at("targets"),
                    "at most 16 target communities and 16 target groups".into(),
                );
            }
            for h in &g.targets.groups {
                if !self.groups.contains_key(h) {
                    return err(
                        &at("targets.groups"),
                        unknown("group", h, groups.iter().copied()),
                    );
                }
                if h == gname {
                    return err(
                        &at("targets.groups"),
                        format!("{gname} cannot target itself"),
                    );
                }
            }
            if g.driver != Driver::None && g.recruits_from.is_empty() {
                return err(
                    &at("recruits_from"),
                    format!(
                        "a {:?}-driven group needs communities to recruit from",
                        g.driver
                    )
                    .to_lowercase(),
                );
            }
            unit(&at("arms"), g.arms)?;
            nonneg(&at("initial_people"), g.initial_people)?;
            check_regions(&at("regions"), &g.regions)?;
            unit(&at("recruit_rate"), g.recruit_rate)?;
            unit(&at("attack_rate"), g.attack_rate)?;
            unit(&at("battle_rate"), g.battle_rate)?;
            unit(&at("desertion"), g.desertion)?;
            unit(&at("cohesion"), g.cohesion)?;
            if g.cohesion > 0.0
                && self.world.torus
                && (self.world.width < 5 || self.world.height < 5)
            {
                return err(
                    &at("cohesion"),
                    format!(
                        "fighters who gather move within 2 cells of a fellow, more than the {}x{} torus holds; enlarge the world to 5x5 or set world.torus = false",
                        self.world.width, self.world.height
                    ),
                );
            }
            self.check_vision(&at("vision"), g.vision)?;
        }
        let l = &self.legitimacy;
        unit("legitimacy.relaxation", l.relaxation)?;
        unit("legitimacy.unresolved_decay", l.unresolved_decay)?;
        for (k, v) in [
            ("abuse", l.abuse),
            ("amnesty", l.amnesty),
            ("uninvestigated", l.uninvestigated),
            ("failure_to_protect", l.failure_to_protect),
            ("conviction", l.conviction),
            ("rally", l.rally),
            ("unresolved_per_case", l.unresolved_per_case),
            ("omega", l.omega),
        ] {
            nonneg(&format!("legitimacy.{k}"), v)?;
        }
        let a = &self.abuse;
        unit("abuse.base_rate", a.base_rate)?;
        nonneg("abuse.retaliation", a.retaliation)?;
        unit("abuse.alarm_decay", a.alarm_decay)?;
        unit("abuse.prior_punishment", a.prior_punishment)?;
        unit("abuse.learning_rate", a.learning_rate)?;
        unit("abuse.progov_rate", a.progov_rate)?;
        check_communities("abuse.suspected", &a.suspected)?;
        let v = &self.violence;
        for (k, x) in [
            ("lethality", v.lethality),
            ("household_defence", v.household_defence),
            ("engage_rate", v.engage_rate),
            ("strike_rate", v.strike_rate),
            ("strike_lethality", v.strike_lethality),
            ("collateral", v.collateral),
            ("threat_decay", v.threat_decay),
            ("capture", v.capture),
            ("raid_join", v.raid_join),
        ] {
            unit(&format!("violence.{k}"), x)?;
        }
        for (k, x) in [
            ("peacekeeper_deterrence", v.peacekeeper_deterrence),
            ("state_deterrence", v.state_deterrence),
            ("massacre_radius", v.massacre_radius),
            ("attrition", v.attrition),
        ] {
            nonneg(&format!("violence.{k}"), x)?;
        }
        let p = &self.policy;
        unit("policy.impunity", p.impunity)?;
        unit("policy.conviction", p.conviction)?;
        unit("policy.sentence_severity", p.sentence_severity)?;
        unit("policy.amnesty.scope", p.amnesty.scope)?;
        unit("policy.amnesty.early_release", p.amnesty.early_release)?;
        unit("policy.militia_arming", p.militia_arming)?;
        nonneg("policy.arming_recruitment_gain", p.arming_recruitment_gain)?;
        nonneg("policy.profiling", p.profiling)?;
        let d = &p.disarmament;
        unit("policy.disarmament.rate", d.rate)?;
        match d.target {
            DisarmTarget::Group if !self.groups.contains_key(&d.group) => {
                return err(
                    "policy.disarmament.group",
                    unknown("group", &d.group, groups.iter().copied()),
                );
            }
            DisarmTarget::Civilians if !self.communities.contains_key(&d.community) => {
                return err(
                    "policy.disarmament.community",
                    unknown("community", &d.community, communities.iter().copied()),
                );
            }
            _ => {}
        }
        for (mname, m) in &self.missions {
            let at = |k: &str| format!("missions.{mname}.{k}");
            if m.protection as u64 + m.administration as u64 > m.staff as u64 {
                return err(
                    &at("staff"),
                    format!(
                        "protection ({}) plus administration ({}) exceed the staff ({})",
                        m.protection, m.administration, m.staff
                    ),
                );
            }
            for f in &m.trains {
                if !self.forces.contains_key(f) {
                    return err(&at("trains"), unknown("force", f, self.forces.keys()));
                }
            }
            nonneg(&at("throughput"), m.throughput)?;
            unit(&at("proficiency_gain"), m.proficiency_gain)?;
            unit(&at("discipline_gain"), m.discipline_gain)?;
        }
        Ok(())
    }

    /// Cells of each region (legend order) once the map is stretched over the world.
    pub fn region_cells(&self) -> Vec<usize> {
        let Some(reg) = &self.world.regions else {
            return Vec::new();
        };
        let (w, h) = (self.world.width as usize, self.world.height as usize);
        let (mw, mh) = (reg.map[0].chars().count(), reg.map.len());
        let symbols: Vec<char> = reg.legend.keys().filter_map(|k| k.chars().next()).collect();
        let rows: Vec<Vec<char>> = reg.map.iter().map(|r| r.chars().collect()).collect();
        // count per map column/row how many world cells map to it, then multiply
        let mut col_n = vec![0usize; mw];
        for x in 0..w {
            col_n[x * mw / w] += 1;
        }
        let mut row_n = vec![0usize; mh];
        for y in 0..h {
            row_n[y * mh / h] += 1;
        }
        let mut out = vec![0; symbols.len()];
        for (my, row) in rows.iter().enumerate() {
            for (mx, ch) in row.iter().enumerate() {
                if let Some(r) = symbols.iter().position(|s| s == ch) {
                    out[r] += col_n[mx] * row_n[my];
                }
            }
        }
        out
    }
}
