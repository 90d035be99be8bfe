//! The statistics a calibration compares with data: a whole-run outcome of `outcomes.csv`, or
//! an event statistic.
//!
//! # Event statistics
//! `events.MEASURE(FILTERS)`, where MEASURE is
//! * `count`: the number of events (unit: events);
//! * `fatalities`: the sum of their fatalities (people, as in `events.csv`);
//! * `largest`: the largest fatalities of one of them (people; 0 if none);
//! * `share`: written `events.share(A | B)`, the events matching the filters A and B over those
//!   matching B (a fraction; 0 if none match B), e.g. `events.share(region=koro | type=battles)`;
//!
//! and FILTERS is a comma-separated list of `name=value`, all of which must hold:
//! * `type=` an event type of `events.csv` (`battles`, `remote_violence` (air strikes, which
//!   ACLED does not count as battles), `violence_against_civilians`, `abuses`,
//!   `arrests`, `investigations`, `convictions`, `amnesties`, `disarmament`, `recruitment`;
//!   `_` stands for a space);
//! * `sub=` a sub-event type (`armed_clash`, `attack`, `mass_killing`, `extrajudicial_killing`, …);
//! * `actor=` the initiator (`actor1`): a group or force of the scenario by name, or a kind of
//!   perpetrator (`state`, `progov`, `militia`, `jihadist`, `bandit`, `international`);
//! * `target=` the second party (`actor2`), the same way (communities are `community:NAME`);
//! * `victims=` the victims' community;
//! * `region=` a region of the scenario;
//! * `month=YYYY-MM` (needs `start_date`), `ticks=A..B` (ticks A to B, both included; `..B`
//!   and `A..` allowed);
//! * `min_fatalities=N`: events that killed at least N people.
//!
//! Names are checked against the scenario when the statistic is read, so a typo is an error,
//! not a statistic that is always 0.

use crate::ensemble::outcomes;
use crate::events::{Actor, Event, PerpetratorKind};
use crate::run::ReplicateOutput;
use crate::scenario::{Scenario, Side};

const TYPES: [&str; 10] = [
    "battles",
    "remote violence",
    "violence against civilians",
    "abuses",
    "arrests",
    "investigations",
    "convictions",
    "amnesties",
    "disarmament",
    "recruitment",
];

const SUBTYPES: [&str; 15] = [
    "armed clash",
    "strike",
    "attack",
    "mass killing",
    "strike casualties",
    "extrajudicial killing",
    "investigation opened",
    "never investigated",
    "acquitted",
    "convicted",
    "amnestied",
    "law enters into force",
    "militia disarmed",
    "civilians disarmed",
    "joined",
];

/// A party named in a filter.
#[derive(Clone, Debug, PartialEq)]
enum Party {
    Is(Actor),
    Kind(PerpetratorKind),
}

/// The conditions an event must meet.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filter {
    kind: Option<&'static str>,
    sub: Option<&'static str>,
    actor: Option<Party>,
    target: Option<Party>,
    victims: Option<u8>,
    region: Option<u8>,
    month: Option<String>,
    ticks: Option<(u32, u32)>,
    min_fatalities: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    Count,
    Fatalities,
    Largest,
    Share,
}

/// One target statistic, read against a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistic {
    text: String,
    what: What,
}

#[derive(Clone, Debug, PartialEq)]
enum What {
    Outcome(usize),
    Events {
        measure: Measure,
        filter: Filter,
        of: Filter,
    },
}

fn perpetrator_kind(s: &Scenario, a: Actor) -> Option<PerpetratorKind> {
    match a {
        Actor::Group(g) => s
            .groups
            .get_index(g as usize)
            .map(|(_, spec)| PerpetratorKind::of_group(spec.kind)),
        Actor::Force(f) => s
            .forces
            .get_index(f as usize)
            .map(|(_, spec)| match spec.side {
                Side::State => PerpetratorKind::State,
                Side::International => PerpetratorKind::International,
            }),
        Actor::State => Some(PerpetratorKind::State),
        _ => None,
    }
}

impl Party {
    fn matches(&self, s: &Scenario, a: Option<Actor>) -> bool {
        match (self, a) {
            (Party::Is(want), Some(a)) => *want == a,
            (Party::Kind(k), Some(a)) => perpetrator_kind(s, a) == Some(*k),
            _ => false,
        }
    }

    fn parse(s: &Scenario, v: &str) -> Result<Party, String> {
        if let Some(c) = v.strip_prefix("community:") {
            return s
                .communities
                .get_index_of(c)
                .map(|i| Party::Is(Actor::Community(i as u8)))
                .ok_or_else(|| format!("no community `{c}` in the scenario"));
        }
        if let Some(k) = PerpetratorKind::ALL.iter().find(|k| k.name() == v) {
            return Ok(Party::Kind(*k));
        }
        if let Some(i) = s.groups.get_index_of(v) {
            return Ok(Party::Is(Actor::Group(i as u8)));
        }
        if let Some(i) = s.forces.get_index_of(v) {
            return Ok(Party::Is(Actor::Force(i as u8)));
        }
        if v == "justice" {
            return Ok(Party::Is(Actor::Justice));
        }
        let mut names: Vec<String> = s.groups.keys().chain(s.forces.keys()).cloned().collect();
        names.extend(PerpetratorKind::ALL.iter().map(|k| k.name().to_string()));
        Err(format!(
            "`{v}` is not a group, force or kind of perpetrator ({})",
            names.join(", ")
        ))
    }
}

impl Filter {
    fn parse(s: &Scenario, text: &str) -> Result<Filter, String> {
        let mut f = Filter::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .ok_or_else(|| format!("`{part}`: expected name=value"))?;
            let spaced = v.replace('_', " ");
            match k {
                "type" => {
                    f.kind = Some(TYPES.iter().find(|t| **t == spaced).copied().ok_or_else(
                        || format!("unknown event type `{v}` ({})", TYPES.join(", ")),
                    )?)
                }
                "sub" => {
                    f.sub = Some(
                        SUBTYPES
                            .iter()
                            .find(|t| **t == spaced)
                            .copied()
                            .ok_or_else(|| {
                                format!("unknown sub-event type `{v}` ({})", SUBTYPES.join(", "))
                            })?,
                    )
                }
                "actor" => f.actor = Some(Party::parse(s, v)?),
                "target" => f.target = Some(Party::parse(s, v)?),
                "victims" => {
                    f.victims = Some(
                        s.communities
                            .get_index_of(v)
                            .ok_or_else(|| format!("no community `{v}` in the scenario"))?
                            as u8,
                    )
                }
                "region" => {
                    let names = s.region_names();
                    f.region = Some(names.iter().position(|n| n == v).ok_or_else(|| {
                        format!("no region `{v}` in the scenario ({})", names.join(", "))
                    })? as u8)
                }
                "month" => {
                    if s.start_date.is_none() {
                        return Err("month= needs a scenario with a start_date".into());
                    }
                    let ok = v.len() == 7
                        && v.as_bytes()[4] == b'-'
                        && v[..4].parse::<u32>().is_ok()
                        && v[5..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
                    if !ok {
                        return Err(format!("month `{v}`: expected YYYY-MM"));
                    }
                    f.month = Some(v.to_string())
                }
                "ticks" => {
                    let (a, b) = v
                        .split_once("..")
                        .ok_or_else(|| format!("ticks `{v}`: expected A..B"))?;
                    let num = |x: &str, d: u32| {
                        if x.trim().is_empty() {
                            Ok(d)
                        } else {
                            x.trim()
                                .parse::<u32>()
                                .map_err(|_| format!("ticks `{v}`: `{x}` is not a tick"))
                        }
                    };
                    f.ticks = Some((num(a, 0)?, num(b, u32::MAX)?))
                }
                "min_fatalities" => {
                    f.min_fatalities =
                        Some(v.parse().map_err(|_| {
                            format!("min_fatalities `{v}`: expected a whole number")
                        })?)
                }
                other => {
                    return Err(format!(
                        "unknown filter `{other}` (type, sub, actor, target, victims, region, month, ticks, min_fatalities)"
                    ));
                }
            }
        }
        Ok(f)
    }

    fn matches(&self, s: &Scenario, e: &Event) -> bool {
        self.kind.is_none_or(|t| e.event_type().name() == t)
            && self.sub.is_none_or(|t| e.sub_event_type.name() == t)
            && self
                .actor
                .as_ref()
                .is_none_or(|p| p.matches(s, Some(e.actor1)))
            && self.target.as_ref().is_none_or(|p| p.matches(s, e.actor2))
            && self.victims.is_none_or(|c| e.victim_community == Some(c))
            && self.region.is_none_or(|r| e.region == Some(r))
            && self.ticks.is_none_or(|(a, b)| e.tick >= a && e.tick <= b)
            && self.min_fatalities.is_none_or(|n| e.fatalities >= n)
            && self.month.as_ref().is_none_or(|m| {
                s.start_date.is_some_and(|d| {
                    d.plus_days(i64::from(e.tick) * i64::from(s.days_per_tick))
                        .to_string()
                        .starts_with(m.as_str())
                })
            })
    }

    fn and(&self, o: &Filter) -> Filter {
        Filter {
            kind: self.kind.or(o.kind),
            sub: self.sub.or(o.sub),
            actor: self.actor.clone().or(o.actor.clone()),
            target: self.target.clone().or(o.target.clone()),
            victims: self.victims.or(o.victims),
            region: self.region.or(o.region),
            month: self.month.clone().or(o.month.clone()),
            ticks: self.ticks.or(o.ticks),
            min_fatalities: self.min_fatalities.or(o.min_fatalities),
        }
    }

    /// Whether both filters set the same condition (then `and` would drop one).
    fn overlaps(&self, o: &Filter) -> bool {
        (self.kind.is_some() && o.kind.is_some())
            || (self.sub.is_some() && o.sub.is_some())
            || (self.actor.is_some() && o.actor.is_some())
            || (self.target.is_some() && o.target.is_some())
            || (self.victims.is_some() && o.victims.is_some())
            || (self.region.is_some() && o.region.is_some())
            || (self.month.is_some() && o.month.is_some())
            || (self.ticks.is_some() && o.ticks.is_some())
            || (self.min_fatalities.is_some() && o.min_fatalities.is_some())
    }
}

impl Statistic {
    /// Reads `text` against `s`: an outcome name of `outcomes.csv`
    /// ([`crate::ensemble::outcomes::names`]) or an event statistic (module docs).
    ///
    /// ```
    /// use impunity::calibrate::Statistic;
    /// let mali = impunity::presets::get("central-mali-2018").unwrap();
    /// assert!(Statistic::parse("battles_total", &mali).is_ok());
    /// assert!(Statistic::parse("events.share(region=koro | type=battles)", &mali).is_ok());
    /// let e = Statistic::parse("events.count(region=kooro)", &mali).unwrap_err();
    /// assert!(e.contains("no region `kooro`"), "{e}");
    /// ```
    pub fn parse(text: &str, s: &Scenario) -> Result<Statistic, String> {
        let t = text.trim();
        let what = if let Some(rest) = t.strip_prefix("events.") {
            let (m, args) = rest
                .split_once('(')
                .ok_or_else(|| format!("`{t}`: expected events.MEASURE(FILTERS)"))?;
            let args = args
                .strip_suffix(')')
                .ok_or_else(|| format!("`{t}`: missing the closing `)`"))?;
            let measure = match m.trim() {
                "count" => Measure::Count,
                "fatalities" => Measure::Fatalities,
                "largest" => Measure::Largest,
                "share" => Measure::Share,
                other => {
                    return Err(format!(
                        "`{t}`: unknown measure `{other}` (count, fatalities, largest, share)"
                    ));
                }
            };
            let ctx = |e: String| format!("`{t}`: {e}");
            if measure == Measure::Share {
                let (a, b) = args
                    .split_once('|')
                    .ok_or_else(|| ctx("share needs `FILTERS | OF`".into()))?;
                let a = Filter::parse(s, a).map_err(ctx)?;
                let of = Filter::parse(s, b).map_err(ctx)?;
                if a.overlaps(&of) {
                    return Err(ctx(
                        "a filter appears on both sides of `|` (the numerator is both sides together)".into(),
                    ));
                }
                What::Events {
                    measure,
                    filter: a.and(&of),
                    of,
                }
            } else {
                if args.contains('|') {
                    return Err(ctx("`|` belongs to events.share only".into()));
                }
                What::Events {
                    measure,
                    filter: Filter::parse(s, args).map_err(ctx)?,
                    of: Filter::default(),
                }
            }
        } else {
            let names = outcomes::names(s).map_err(|e| e.to_string())?;
            match names.iter().position(|n| n == t) {
                Some(i) => What::Outcome(i),
                None => {
                    let best = names
                        .iter()
                        .map(|n| (strsim::jaro_winkler(n, t), n))
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .filter(|(d, _)| *d > 0.8)
                        .map(|(_, n)| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    return Err(format!(
                        "`{t}` is neither an outcome of outcomes.csv nor events.MEASURE(...){best}"
                    ));
                }
            }
        };
        Ok(Statistic {
            text: t.to_string(),
            what,
        })
    }

    /// The text it was read from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether it needs the run's outcomes ([`crate::ensemble::outcomes::values`]).
    pub fn needs_outcomes(&self) -> bool {
        matches!(self.what, What::Outcome(_))
    }

    /// Its value for one replicate `out` of `s`; `outcomes` are the replicate's outcome values
    /// (may be empty if no statistic [`needs_outcomes`](Self::needs_outcomes)).
    ///
    /// ```
    /// use impunity::calibrate::Statistic;
    /// let s = impunity::presets::get("central-mali-2018").unwrap()
    ///     .with_changes([("world.people_per_agent", 100.0)]).unwrap();
    /// let out = impunity::run::run_replicate(&s, 1, 0, 60);
    /// let o = impunity::ensemble::outcomes::values(&s, &out);
    /// let n = Statistic::parse("events.count(type=battles)", &s).unwrap().value(&s, &out, &o);
    /// let t = Statistic::parse("battles_total", &s).unwrap().value(&s, &out, &o);
    /// assert_eq!(n, t); // two ways to count the battles
    /// ```
    pub fn value(&self, s: &Scenario, out: &ReplicateOutput, outcomes: &[f64]) -> f64 {
        match &self.what {
            What::Outcome(i) => outcomes.get(*i).copied().unwrap_or(f64::NAN),
            What::Events {
                measure,
                filter,
                of,
            } => {
                let hits = out.events.iter().filter(|e| filter.matches(s, e));
                match measure {
                    Measure::Count => hits.count() as f64,
                    Measure::Fatalities => hits.map(|e| f64::from(e.fatalities)).sum(),
                    Measure::Largest => hits.map(|e| e.fatalities).max().unwrap_or(0) as f64,
                    Measure::Share => {
                        let n = hits.count();
                        let d = out.events.iter().filter(|e| of.matches(s, e)).count();
                        if d == 0 { 0.0 } else { n as f64 / d as f64 }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mali() -> Scenario {
        crate::presets::get("central-mali-2018")
            .unwrap()
            .with_changes([("world.people_per_agent", 100.0)])
            .unwrap()
    }

    #[test]
    fn event_statistics_agree_with_the_hand_calibration() {
        let s = mali();
        let out = crate::run::run_replicate(&s, 3, 0, 120);
        let hand = crate::calibration::observe(&s, &out);
        let v = |t: &str| Statistic::parse(t, &s).unwrap().value(&s, &out, &[]);
        let year = "ticks=..365";
        assert_eq!(
            v(&format!(
                "events.fatalities(type=violence_against_civilians, actor=militia, {year})"
            )),
            hand[0]
        );
        assert_eq!(
            v(&format!(
                "events.count(type=violence_against_civilians, actor=militia, min_fatalities=1, {year})"
            )),
            hand[2]
        );
        assert_eq!(
            v("events.largest(type=violence_against_civilians, actor=militia)"),
            hand[3]
        );
        assert_eq!(v("events.count(type=battles)"), hand[5]);
        assert_eq!(v("events.fatalities(type=battles)"), hand[6]);
        assert_eq!(v("events.share(region=koro | type=battles)"), hand[7]);
        assert_eq!(v("events.share(actor=jihadist | type=battles)"), hand[10]);
        assert!(hand[5] > 0.0, "the run has battles");
        // the state's killings (abuses by state-side forces, not international ones), the
        // other cercles' shares and the state's share of battles
        assert_eq!(
            v(&format!(
                "events.fatalities(type=abuses, actor=state, {year})"
            )),
            hand[4]
        );
        assert!(hand[4] > 0.0, "the run has abuses");
        assert_eq!(v("events.share(region=douentza | type=battles)"), hand[8]);
        assert_eq!(v("events.share(region=djenne | type=battles)"), hand[9]);
        assert_eq!(v("events.share(actor=state | type=battles)"), hand[11]);
    }

    #[test]
    fn bad_statistics_say_what_is_wrong() {
        let s = mali();
        for (t, want) in [
            ("events.count(type=batles)", "unknown event type `batles`"),
            ("events.count(actor=nobody)", "`nobody` is not a group"),
            ("events.mean(type=battles)", "unknown measure `mean`"),
            ("events.share(type=battles)", "share needs"),
            ("events.count(month=2018-13)", "expected YYYY-MM"),
            ("events.share(type=battles | type=abuses)", "both sides"),
            ("battle_total", "did you mean `battles_total`?"),
            ("events.count(colour=red)", "unknown filter `colour`"),
        ] {
            let e = Statistic::parse(t, &s).unwrap_err();
            assert!(e.contains(want), "{t}: {e}");
        }
    }

    #[test]
    fn months_select_by_calendar_date() {
        let s = mali();
        let out = crate::run::run_replicate(&s, 3, 0, 90);
        let v = |t: &str| Statistic::parse(t, &s).unwrap().value(&s, &out, &[]);
        let total = v("events.count(type=battles)");
        let by_month: f64 = ["2018-01", "2018-02", "2018-03", "2018-04"]
            .iter()
            .map(|m| v(&format!("events.count(type=battles, month={m})")))
            .sum();
        assert_eq!(total, by_month);
    }
}
