//! Timeline entries: well formed, changing only what may change, each leaving a valid
//! scenario.

use super::super::{Scenario, ScenarioError, Value, dynamic_key};

/// The keys declared `timeline`, as the error for any other key lists them (a test checks
/// that this list and the declarations agree).
pub(crate) const CAN_CHANGE: &str = "communities.<c>.legitimacy, \
    forces.<f>.density|people|vision|movement|arrest_rate|discipline|proficiency, \
    population.vision|movement, activation.*, policing.max_jail_term, demography.birth_rate, \
    policy.*, \
    groups.<g>.arms|recruit_rate|protection_rate|attack_rate|battle_rate|desertion|state_backed|band, \
    abuse.*, violence.*, justice.*, legitimacy.*, recruitment.*, \
    missions.<m>.throughput|proficiency_gain|discipline_gain";

/// See the check `timeline` in [`super::CHECKS`].
pub(super) fn check(s: &Scenario) -> Result<(), ScenarioError> {
    let mut names = std::collections::BTreeSet::new();
    // Built once (a clone per entry made validation quadratic in the entries): the scenario
    // without its timeline, each entry's changes applied to it in turn; whether the conflict
    // model is on; the keys some entry sets to a value that is not a finite number.
    let mut bare = s.clone();
    bare.timeline.clear();
    let before = crate::model::is_conflict(s);
    let mut set_non_finite = std::collections::BTreeMap::new();
    for (i, e) in s.timeline.iter().enumerate() {
        for (k, v) in &e.set {
            if v.as_f64().is_some_and(|x| !x.is_finite()) {
                set_non_finite.entry(k.as_str()).or_insert(i);
            }
        }
    }
    for (i, e) in s.timeline.iter().enumerate() {
        let here = format!("timeline[{i}]");
        let bad = |m: String| Err(ScenarioError::new(here.clone(), m));
        if !e.name.is_empty() {
            if !e
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return bad(format!(
                    "name `{}`: use letters, digits, `_` and `-` only",
                    e.name
                ));
            }
            if !names.insert(e.name.as_str()) {
                return bad(format!(
                    "name `{}` is already the name of an earlier entry",
                    e.name
                ));
            }
        }
        if (e.at.is_some() && e.date.is_some())
            || (e.from.is_some() && e.from_date.is_some())
            || (e.to.is_some() && e.to_date.is_some())
        {
            return bad("give a tick or a date, not both".into());
        }
        for (key, d) in [
            ("date", e.date),
            ("from_date", e.from_date),
            ("to_date", e.to_date),
        ] {
            let Some(d) = d else { continue };
            let at = format!("{here}.{key}");
            let tick_key = match key {
                "date" => "at",
                "from_date" => "from",
                _ => "to",
            };
            match s.start_date {
                None => {
                    return Err(ScenarioError::new(
                        at,
                        format!(
                            "{d}: dates need the scenario's `start_date`, the date of tick 0 (`start_date = YYYY-MM-DD` at the top of the file); or give the tick instead (`{tick_key}`)"
                        ),
                    ));
                }
                Some(start) if d < start => {
                    return Err(ScenarioError::new(
                        at,
                        format!("{d} is before the start date {start}"),
                    ));
                }
                _ => {}
            }
        }
        match e.ticks(s) {
            (Some(t), None, None) => {
                if e.set.is_empty() || !e.ramp.is_empty() || e.every.is_some() {
                    return bad("`at` goes with `set` (and no `ramp` or `every`)".into());
                }
                if t == 0 {
                    return bad("`at` = 0 changes the initial state: edit the value itself".into());
                }
            }
            (None, Some(a), Some(b)) => {
                if e.ramp.is_empty() || !e.set.is_empty() {
                    return bad("`from`/`to` go with `ramp` (and no `set`)".into());
                }
                if b <= a {
                    return bad(format!("`to` ({b}) must be after `from` ({a})"));
                }
                if e.every == Some(0) {
                    return bad("`every` must be at least 1".into());
                }
            }
            _ => return bad("give either `at` with `set`, or `from` and `to` with `ramp`".into()),
        }
        let keys: Vec<&str> = e.keys().collect();
        for k in keys {
            bare.check_key(k)
                .map_err(|err| ScenarioError::new(format!("{here}.{}", err.path), err.message))?;
            if !dynamic_key(k) {
                return bad(format!(
                    "`{k}` cannot change during a run: it fixes the initial state (knobs that can: {CAN_CHANGE})"
                ));
            }
        }
        let changes: Vec<(&str, Value)> = e
            .set
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .chain(e.ramp.iter().map(|(k, v)| (k.as_str(), Value::from(*v))))
            .collect();
        // Each change must leave a valid scenario (timeline entries themselves stripped, so
        // that validation does not recurse).
        let changed = bare.with_changes(changes).map_err(|err| {
            ScenarioError::new(
                format!("{here}.{}", err.path)
                    .trim_end_matches('.')
                    .to_string(),
                err.message,
            )
        })?;
        // The conflict model's state (layers, institutions) is built at tick 0: a change may
        // not switch it on or off.
        if crate::model::is_conflict(&changed) != before {
            let keys: Vec<&str> = e.keys().collect();
            return bad(format!(
                "{} would switch the conflict model {} during the run, but it is on from tick 0 or never (it is on with regions, armed groups, missions, dynamic legitimacy, abuse.base_rate > 0, or a force that is not a state policing force); keep it on for the whole run, e.g. with `legitimacy.dynamic = true` (which changes nothing by itself while the other legitimacy.* weights are 0)",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if before { "off" } else { "on" },
            ));
        }
        for (k, target) in &e.ramp {
            if !bare.get(k).is_some_and(|v| v.is_number()) {
                return bad(format!("`{k}` is not a number, so it cannot ramp"));
            }
            // A ramp runs in a straight line from the value held to the target: both must be
            // finite numbers (a ramp from or to `inf` has no line, only NaN).
            if !target.is_finite() {
                return bad(format!(
                    "`{k}` cannot ramp to {target}: a ramp needs a finite target"
                ));
            }
            if let Some(v) = bare
                .get(k)
                .and_then(|v| v.as_f64())
                .filter(|v| !v.is_finite())
            {
                return bad(format!(
                    "`{k}` is {v} before the ramp, and a ramp needs a finite start; give it a \
                     finite value, or use `at` with `set`"
                ));
            }
            // Between two whole numbers a ramp passes through fractions: refused where the
            // key must be whole (a jail term under rules that draw whole-tick terms).
            if let Some(v0) = bare.get(k).and_then(|v| v.as_f64())
                && v0.fract() == 0.0
                && target.fract() == 0.0
                && v0 != *target
            {
                let between = v0 + 0.5 * (target - v0).signum();
                if let Err(err) = bare.with_changes([(k.as_str(), Value::from(between))]) {
                    return bad(format!(
                        "`{k}` cannot ramp: on the way from {v0} to {target} it would be \
                         {between}, and {}; use `at` entries with `set` instead",
                        err.message
                    ));
                }
            }
            if let Some(j) = set_non_finite.get(k.as_str()) {
                return bad(format!(
                    "`{k}` ramps here, and timeline[{j}] sets it to a value that is not a \
                     finite number: a ramp needs a finite start"
                ));
            }
        }
    }
    Ok(())
}
