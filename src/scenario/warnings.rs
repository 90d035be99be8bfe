//! Settings that cannot act within a run: valid, so the scenario runs, but a reader of the
//! results would assume they did something. [`Scenario::warnings`] lists them for a run of a
//! given length, each naming the key and the fix; the command line prints them (`impunity
//! validate`, and `run`, `sweep` and `compare` before they start).
//!
//! Only what is certain is reported: a setting is named when the code shows it cannot act in
//! this run (a delay that ends after the last tick, a timeline entry after it, a threshold no
//! event can reach, a knob whose mechanism is off), never when it merely seldom does.

use super::{GroupKind, Role, Scenario, Side, TimelineEntry};
use std::fmt;

/// A setting that cannot act within a run, with what to do about it.
///
/// Displayed as `KEY: message; fix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The key path concerned (`justice.trial_delay`, `timeline.amnesty_law.date`).
    pub key: String,
    /// What cannot act, and why.
    pub message: String,
    /// How to make it act (or to stop setting it).
    pub fix: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; {}", self.key, self.message, self.fix)
    }
}

impl Warning {
    fn new(key: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Warning {
            key: key.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl Scenario {
    /// The settings of this scenario that cannot act in a run of `ticks` ticks (ticks 1 to
    /// `ticks` run after the initial state), in a fixed order:
    ///
    /// - timeline entries the run never reaches, and ramps it cuts short;
    /// - delays of the justice pipeline that end after the last tick (`justice.*_delay`):
    ///   no case is decided, or none reaches a verdict;
    /// - thresholds no event can meet, or every event meets
    ///   (`justice.excluded_min_victims`, while an amnesty law may apply);
    /// - sizes in people below half an agent, which round to no agent at all (a force's
    ///   `people`, a group's `initial_people`), and a presence scale below one
    ///   agent's people (`recruitment.presence`), which one agent then
    ///   saturates;
    /// - knobs whose mechanism is off: legitimacy effects without `legitimacy.dynamic`, arming
    ///   with no target, collusion with no armed group, missions that train no unit.
    ///
    /// A value the timeline may change during the run is not judged by its starting value.
    ///
    /// ```
    /// use impunity::scenario::Value;
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// // a year of daily ticks: a case opened on the first day is investigated 30 days
    /// // later, and tried 365 days after that, after the run's end
    /// let w = mali.warnings(365);
    /// assert!(w.iter().any(|w| w.key == "justice.trial_delay"));
    /// let quick = mali.with_changes([("justice.trial_delay", Value::from(90))]).unwrap();
    /// assert!(!quick.warnings(365).iter().any(|w| w.key == "justice.trial_delay"));
    /// // five ticks: the amnesty law of 2018-07-01 never comes into force
    /// let short = mali.warnings(5);
    /// let law = short.iter().find(|w| w.key == "timeline.amnesty_law.date").unwrap();
    /// assert!(law.message.contains("never acts"), "{law}");
    /// // Epstein's models have nothing that cannot act
    /// assert!(impunity::presets::get("epstein-run1").unwrap().warnings(200).is_empty());
    /// ```
    pub fn warnings(&self, ticks: u32) -> Vec<Warning> {
        let mut out = Vec::new();
        timeline_reach(self, ticks, &mut out);
        justice_delays(self, ticks, &mut out);
        exclusion_threshold(self, ticks, &mut out);
        below_one_agent(self, ticks, &mut out);
        inert_knobs(self, ticks, &mut out);
        out
    }

    /// Whether `key` may be above zero at some tick of a run of `ticks` ticks: its value
    /// `now` is, or the timeline changes it within the run.
    fn may_be_positive(&self, key: &str, now: f64, ticks: u32) -> bool {
        now > 0.0 || self.changes_within(key, ticks)
    }

    /// Whether the timeline changes `key` (or a key in it) within a run of `ticks` ticks.
    fn changes_within(&self, key: &str, ticks: u32) -> bool {
        !self.timeline_changes_within(key, ticks).is_empty()
    }
}

/// "run at least N ticks (`ticks = N`, or `--ticks N`)".
fn run_longer(n: u64) -> String {
    format!("run at least {n} ticks (`ticks = {n}` in the scenario, or `--ticks {n}`)")
}

/// How an entry is named in a key path: `timeline.<name>` or `timeline[i]`.
fn entry_path(e: &TimelineEntry, i: usize) -> String {
    if e.name.is_empty() {
        format!("timeline[{i}]")
    } else {
        format!("timeline.{}", e.name)
    }
}

/// Timeline entries the run never reaches, and ramps it ends before their target.
fn timeline_reach(s: &Scenario, ticks: u32, out: &mut Vec<Warning>) {
    for (i, e) in s.timeline.iter().enumerate() {
        let path = entry_path(e, i);
        let keys: Vec<&str> = e.keys().collect();
        let changes = format!("its change of {}", keys.join(", "));
        let (at, from, to) = e.ticks(s);
        let field = |tick: &str, date: &str, is_date: bool| {
            format!("{path}.{}", if is_date { date } else { tick })
        };
        let when = |t: u32, d: Option<super::Date>| match d {
            Some(d) => format!("{d} (tick {t})"),
            None => format!("tick {t}"),
        };
        // the last tick, as a date where the entry gives dates
        let last = |is_date: bool| match s.start_date.filter(|_| is_date) {
            Some(start) => start
                .plus_days(ticks as i64 * s.days_per_tick as i64)
                .to_string(),
            None => format!("tick {ticks}"),
        };
        if let Some(at) = at.filter(|&t| t > ticks) {
            out.push(Warning::new(
                field("at", "date", e.date.is_some()),
                format!(
                    "{} is after the run's last tick ({ticks}): {changes} never acts",
                    when(at, e.date)
                ),
                format!(
                    "move it to {} or earlier, or {}",
                    last(e.date.is_some()),
                    run_longer(at as u64)
                ),
            ));
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from >= ticks {
                out.push(Warning::new(
                    field("from", "from_date", e.from_date.is_some()),
                    format!(
                        "the ramp starts at {}, and its first change would fall on tick {}, \
                         after the run's last tick ({ticks}): {changes} never acts",
                        when(from, e.from_date),
                        from as u64 + 1
                    ),
                    format!(
                        "start it before {}, or {}",
                        last(e.from_date.is_some()),
                        run_longer(from as u64 + 1)
                    ),
                ));
            } else if to > ticks {
                let share = (ticks - from) as f64 / (to - from) as f64;
                out.push(Warning::new(
                    field("to", "to_date", e.to_date.is_some()),
                    format!(
                        "the ramp ends at {}, after the run's last tick ({ticks}): it goes only \
                         {:.0}% of the way to its targets",
                        when(to, e.to_date),
                        (share * 100.0).floor()
                    ),
                    format!(
                        "end it by {}, or {}",
                        last(e.to_date.is_some()),
                        run_longer(to as u64)
                    ),
                ));
            }
        }
    }
}

/// What may open justice cases in a run of `ticks` ticks: abuses by state forces (`state`),
/// by pro-government fighters and raids of the groups that answer to the state's justice
/// (`groups`).
struct CaseSources {
    state: bool,
    groups: bool,
}

impl CaseSources {
    fn of(s: &Scenario, ticks: u32) -> CaseSources {
        let state_forces = s.forces.values().any(abuses);
        let state = state_forces && s.may_be_positive("abuse.base_rate", s.abuse.base_rate, ticks);
        let groups = s.groups.iter().any(|(name, g)| {
            let abuses = g.kind == GroupKind::ProGovernment
                && s.may_be_positive("abuse.progov_rate", s.abuse.progov_rate, ticks);
            let raids = !g.targets.communities.is_empty()
                && s.may_be_positive(&format!("groups.{name}.attack_rate"), g.attack_rate, ticks);
            answerable(s, name, ticks) && (abuses || raids)
        });
        CaseSources { state, groups }
    }

    fn any(&self) -> bool {
        self.state || self.groups
    }

    /// Whether some case may be investigated: opened against a side whose impunity is, or
    /// may become, below 1.
    fn may_be_investigated(&self, s: &Scenario, ticks: u32) -> bool {
        let below_one = |key: &str, v: f64| v < 1.0 || s.changes_within(key, ticks);
        (self.state && below_one("policy.impunity", s.policy.impunity))
            || (self.groups && below_one("policy.militia_impunity", s.policy.militia_impunity))
    }
}

/// Whether a force's units may abuse civilians: state policing and counter-insurgency units
/// (`mechanisms/operations.rs`); a force's role and side do not change during a run.
fn abuses(f: &super::ForceSpec) -> bool {
    f.side == Side::State && matches!(f.role, Role::Policing | Role::Counterinsurgency)
}

/// Whether group `name` may answer to the state's justice (its killings of civilians open
/// cases) in a run of `ticks` ticks: a militia, a pro-government group, or one the state
/// backs, or may come to back.
fn answerable(s: &Scenario, name: &str, ticks: u32) -> bool {
    let g = &s.groups[name];
    matches!(g.kind, GroupKind::Militia | GroupKind::ProGovernment)
        || g.state_backed
        || s.changes_within(&format!("groups.{name}.state_backed"), ticks)
}

/// Delays of the justice pipeline that end after the last tick. The earliest case opens in
/// tick 1; it is decided `investigation_delay` ticks later and, if investigated, tried
/// `trial_delay` ticks after that (0 acts as 1).
fn justice_delays(s: &Scenario, ticks: u32, out: &mut Vec<Warning>) {
    let sources = CaseSources::of(s, ticks);
    if !sources.any()
        || s.changes_within("justice.investigation_delay", ticks)
        || s.changes_within("justice.trial_delay", ticks)
    {
        return;
    }
    let (d1, d2) = (
        s.justice.investigation_delay.max(1) as u64,
        s.justice.trial_delay.max(1) as u64,
    );
    let (decided, verdict) = (1 + d1, 1 + d1 + d2);
    let last = ticks as u64;
    if decided > last {
        out.push(Warning::new(
            "justice.investigation_delay",
            format!(
                "{d1} ticks: a case opened in the first tick is decided in tick {decided}, after \
                 the run's last tick ({ticks}), so no case is investigated or left \
                 uninvestigated within the run (policy.impunity, policy.militia_impunity and \
                 everything after them cannot act)"
            ),
            if last >= 2 {
                format!(
                    "lower justice.investigation_delay to at most {}, or {}",
                    last - 1,
                    run_longer(decided)
                )
            } else {
                run_longer(decided)
            },
        ));
    } else if verdict > last && sources.may_be_investigated(s, ticks) {
        out.push(Warning::new(
            "justice.trial_delay",
            format!(
                "{d2} ticks: a case opened in the first tick and investigated in tick \
                 {decided} gets its verdict in tick {verdict}, after the run's last tick \
                 ({ticks}), so no case ends in a conviction or an acquittal within the run \
                 (policy.conviction and policy.sentence_severity cannot act)"
            ),
            format!(
                "lower justice.trial_delay to at most {} (or justice.investigation_delay), \
                 or {}",
                last - decided,
                run_longer(verdict)
            ),
        ));
    }
}

/// Whether an amnesty law may close a case in a run of `ticks` ticks: in force, or put in
/// force by the timeline, with a scope above 0.
fn amnesty_may_act(s: &Scenario, ticks: u32) -> bool {
    let a = &s.policy.amnesty;
    (a.in_force || s.changes_within("policy.amnesty.in_force", ticks))
        && s.may_be_positive("policy.amnesty.scope", a.scope, ticks)
}

/// `justice.excluded_min_victims` while an amnesty law may apply: at most 1, every event is
/// excluded (an event kills at least one person); above the most people one event can kill,
/// none is.
fn exclusion_threshold(s: &Scenario, ticks: u32, out: &mut Vec<Warning>) {
    let sources = CaseSources::of(s, ticks);
    if !sources.any()
        || !amnesty_may_act(s, ticks)
        || s.changes_within("justice.excluded_min_victims", ticks)
    {
        return;
    }
    let min = s.justice.excluded_min_victims;
    if min <= 1 {
        out.push(Warning::new(
            "justice.excluded_min_victims",
            format!(
                "{min}: every event kills at least one person, so every case falls in the \
                 law's excluded categories and the amnesty law (policy.amnesty) closes none"
            ),
            "raise justice.excluded_min_victims above 1, or leave the amnesty law out",
        ));
        return;
    }
    if let Some((most, why)) = most_victims(s, ticks, &sources) {
        if most < min as u64 {
            out.push(Warning::new(
                "justice.excluded_min_victims",
                format!(
                    "{min} people: no event that opens a case can kill that many ({why}: at \
                     most {most}), so no case is excluded from the amnesty law"
                ),
                format!(
                    "lower justice.excluded_min_victims to at most {most}, or let abuses kill \
                     more (abuse.retaliation, abuse.reprisal_median, abuse.reprisal_spread)"
                ),
            ));
        }
    }
}

/// The most people one event that opens a case can kill, with how it is bounded; `None`
/// when nothing bounds it below the population (raids, reprisals of spread > 0, a timeline
/// that changes what the bound rests on).
///
/// An event gathers one perpetrator's killings in a tick (`violence.massacre_radius`). A
/// state policing or counter-insurgency unit (whose force kills no one otherwise) abuses at
/// most once a tick, killing 1 person, or max(1, round(M)) in a
/// reprisal when reprisals are possible (ρ > 0) and all of median size (σ = 0); a
/// pro-government fighter kills at most one person a tick; raids kill up to the settlement.
fn most_victims(s: &Scenario, ticks: u32, sources: &CaseSources) -> Option<(u64, String)> {
    let moving = ["abuse.", "forces.", "groups.", "policy.arming_targets"];
    if s.timeline
        .iter()
        .filter(|e| e.acts_within(s, ticks))
        .any(|e| {
            e.keys().any(|k| {
                moving
                    .iter()
                    .any(|m| k.starts_with(m) || k == "groups" || k == "forces")
            })
        })
    {
        return None;
    }
    // raids by a group that answers to justice are bounded by the settlement only
    let raids = s.groups.iter().any(|(name, g)| {
        g.attack_rate > 0.0 && !g.targets.communities.is_empty() && answerable(s, name, ticks)
    });
    if raids {
        return None;
    }
    let mut most: u64 = 0;
    let mut why = Vec::new();
    if sources.state {
        let a = &s.abuse;
        let per = if a.retaliation == 0.0 {
            1
        } else if a.reprisal_spread == 0.0 {
            (a.reprisal_median.round() as u64).max(1)
        } else {
            return None;
        };
        let f = s.footprint();
        let units = s
            .forces
            .iter()
            .zip(&f.units)
            .filter(|((_, spec), _)| abuses(spec))
            .map(|(_, (_, n))| if f.exact { *n as u64 } else { f.cells })
            .max()
            .unwrap_or(0);
        most = most.max(units * per);
        why.push(format!(
            "{per} per abuse by each of at most {units} units of a force"
        ));
    }
    if sources.groups {
        let fighters = s.footprint().max_persons;
        most = most.max(fighters);
        why.push(format!(
            "1 per pro-government fighter agent, at most {fighters}"
        ));
    }
    Some((most, why.join("; ")))
}

/// Sizes in people that round to no agent, and presence and encounter scales that one agent
/// exceeds.
fn below_one_agent(s: &Scenario, ticks: u32, out: &mut Vec<Warning>) {
    let k = s.world.people_per_agent;
    let fix_people = |key: &str, people: f64| {
        format!(
            "raise {key} to at least {} (half an agent), or lower world.people_per_agent to at \
             most {}",
            fmt_num(k / 2.0),
            fmt_num((2.0 * people).floor().max(1.0))
        )
    };
    for (name, f) in &s.forces {
        let key = format!("forces.{name}.people");
        if let Some(p) = f.people.filter(|&p| p > 0.0 && (p / k).round() < 1.0) {
            if !s.changes_within(&format!("forces.{name}"), ticks) {
                out.push(Warning::new(
                    &key,
                    format!(
                        "{} people at {} people per agent round to no unit: the force is \
                         absent from the run",
                        fmt_num(p),
                        fmt_num(k)
                    ),
                    fix_people(&key, p),
                ));
            }
        }
    }
    for (name, g) in &s.groups {
        let key = format!("groups.{name}.initial_people");
        let p = g.initial_people;
        if p > 0.0 && (p / k).round() < 1.0 {
            out.push(Warning::new(
                &key,
                format!(
                    "{} people at {} people per agent round to no fighter: the group starts \
                     with none",
                    fmt_num(p),
                    fmt_num(k)
                ),
                fix_people(&key, p),
            ));
        }
    }
    if s.groups.is_empty() {
        return;
    }
    let recruits = s.groups.iter().any(|(name, g)| {
        s.may_be_positive(
            &format!("groups.{name}.recruit_rate"),
            g.recruit_rate,
            ticks,
        ) || s.may_be_positive(
            &format!("groups.{name}.protection_rate"),
            g.protection_rate,
            ticks,
        )
    });
    let phi = s.recruitment.presence;
    if recruits && phi < k && !s.changes_within("recruitment.presence", ticks) {
        out.push(Warning::new(
            "recruitment.presence",
            format!(
                "{} people, less than one agent ({} people): a single fighter agent in sight \
                 makes its group fully present, so recruitment depends on \
                 world.people_per_agent",
                fmt_num(phi),
                fmt_num(k)
            ),
            format!(
                "raise recruitment.presence to at least {}, or lower world.people_per_agent \
                 to at most {}",
                fmt_num(k),
                fmt_num(phi.floor().max(1.0))
            ),
        ));
    }
}

/// Knobs whose mechanism is off for the whole run.
fn inert_knobs(s: &Scenario, ticks: u32, out: &mut Vec<Warning>) {
    // legitimacy effects without dynamics (the timeline may not switch them on)
    if !s.legitimacy.dynamic {
        let l = &s.legitimacy;
        let knobs = [
            ("relaxation", l.relaxation),
            ("abuse", l.abuse),
            ("proxy", l.proxy),
            ("amnesty", l.amnesty),
            ("uninvestigated", l.uninvestigated),
            ("failure_to_protect", l.failure_to_protect),
            ("conviction", l.conviction),
            ("rally", l.rally),
            ("unresolved_per_case", l.unresolved_per_case),
            ("unresolved_decay", l.unresolved_decay),
        ];
        for (name, v) in knobs {
            let key = format!("legitimacy.{name}");
            if s.may_be_positive(&key, v, ticks) {
                out.push(Warning::new(
                    key,
                    "legitimacy.dynamic is false: legitimacy stays at each community's \
                     baseline and unresolved injustice at its start, so this cannot act",
                    "set legitimacy.dynamic = true, or leave it out",
                ));
            }
        }
    }
    let p = &s.policy;
    let arms = s.may_be_positive("policy.militia_arming", p.militia_arming, ticks);
    let targets = !p.arming_targets.is_empty() || s.changes_within("policy.arming_targets", ticks);
    if arms && !targets {
        out.push(Warning::new(
            "policy.militia_arming",
            "policy.arming_targets names no group, so the state arms nobody",
            "name the groups it arms in policy.arming_targets, or leave it out",
        ));
    }
    if s.may_be_positive("policy.collusion", p.collusion, ticks) && !(arms && targets) {
        out.push(Warning::new(
            "policy.collusion",
            "the state arms no group (policy.militia_arming, policy.arming_targets), and \
             collusion acts only on raids by a group it arms",
            "arm a group, or leave policy.collusion out",
        ));
    }
    for (name, m) in &s.missions {
        let key = format!("missions.{name}");
        let throughput = s.may_be_positive(&format!("{key}.throughput"), m.throughput, ticks);
        let (why, fix) = if m.trains.is_empty() {
            (
                "trains no force (missions.<name>.trains is empty)".to_string(),
                format!("name the forces it trains in {key}.trains"),
            )
        } else if m.trainers() == 0 {
            (
                "has no trainers (staff − protection − administration is 0)".to_string(),
                format!("raise {key}.staff"),
            )
        } else if !throughput {
            (
                "has a throughput of 0".to_string(),
                format!("set {key}.throughput above 0"),
            )
        } else {
            continue;
        };
        out.push(Warning::new(
            &key,
            format!("the mission {why}, so no unit is ever trained"),
            fix,
        ));
    }
}

/// A number as a person writes it: `50`, `0.5`.
fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
