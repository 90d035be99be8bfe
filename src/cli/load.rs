//! Turning a SCENARIO argument (a preset name or a file path) and `--set` overrides into a
//! validated scenario. Every subcommand that takes a scenario goes through [`load_scenario`].

use super::error::{CliError, Result, input};
use super::human::nearest;
use impunity::scenario::{ScenarioError, Value};
use impunity::{Scenario, presets};
use std::path::Path;

/// The scenario named by `spec`: a preset name, or the path of a TOML file; then each
/// `key.path=value` of `sets` applied, and the result validated. `ticks` is `--ticks`, if
/// given: the run's length, which decides what the timeline still changes.
pub fn load_scenario(spec: &str, sets: &[String], ticks: Option<u32>) -> Result<Scenario> {
    let base = if let Some(s) = presets::get(spec) {
        s
    } else if let Some(what) = not_a_file(Path::new(spec)) {
        return Err(input(format!(
            "{spec} is {what}, not a scenario file (give a preset name or a TOML file)"
        )));
    } else if Path::new(spec).is_file() {
        let text =
            std::fs::read_to_string(spec).map_err(|e| input(format!("cannot read {spec}: {e}")))?;
        Scenario::from_toml_str(&text, spec).map_err(|e| input(e.to_string()))?
    } else {
        return Err(unknown_preset(spec, true));
    };
    apply_sets(base, sets, ticks)
}

/// What `path` is, if it exists and is not a regular file (a directory, a device, …).
fn not_a_file(path: &Path) -> Option<&'static str> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        None
    } else if meta.is_dir() {
        Some("a directory")
    } else {
        Some("not a regular file")
    }
}

/// "unknown preset `x`; did you mean `y`?"
pub fn unknown_preset(spec: &str, or_file: bool) -> CliError {
    let names: Vec<String> = presets::names().map(String::from).collect();
    let mut m = format!("unknown preset `{spec}`");
    if or_file {
        m.push_str(" and no such file");
    }
    if let Some(best) = nearest(spec, names.iter().map(|s| s.as_str())) {
        m.push_str(&format!("; did you mean `{best}`?"));
    }
    m.push_str(" (`impunity presets` lists the presets)");
    input(m)
}

/// `base` with every `--set key.path=value` applied, validated as a file is. Errors name the
/// `--set` they come from and the key path. A key the timeline changes again within the run
/// (of `ticks` ticks, or the scenario's own) is warned about.
pub fn apply_sets(base: Scenario, sets: &[String], ticks: Option<u32>) -> Result<Scenario> {
    if sets.is_empty() {
        return Ok(base);
    }
    let mut changes = Vec::new();
    for kv in sets {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| input(format!("--set {kv}: expected key.path=value")))?;
        let k = k.trim();
        base.check_key(k)
            .map_err(|e| input(format!("--set {kv}: {e}")))?;
        changes.push((k.to_string(), v.trim().to_string()));
    }
    // each value read as TOML, or else as plain text (`rules=netlogo` needs no quotes)
    let changed = base
        .with_changes(changes.iter().map(|(k, v)| (k.as_str(), Value::parse(v))))
        .map_err(|e| input(format!("{}: {e}", blame(&e, sets))))?;
    let ticks = ticks.unwrap_or(changed.ticks);
    for (k, _) in &changes {
        warn_if_timeline_changes(&changed, k, ticks);
    }
    Ok(changed)
}

/// Tells the user (stderr) that a key given on the command line (`--set`, `--vary`,
/// `--variant`) is changed again by the scenario's timeline within a run of `ticks` ticks, so
/// the value holds only until then. An entry the run never reaches changes nothing (it has a
/// warning of its own, [`warn_inert`]).
pub fn warn_if_timeline_changes(s: &Scenario, key: &str, ticks: u32) {
    let when = s.timeline_changes_within(key, ticks);
    if !when.is_empty() {
        let how = if presets::find(&s.name).is_some() {
            format!(
                "edit the timeline in a copy (`impunity show {} > my.toml`)",
                s.name
            )
        } else {
            "edit the scenario file's timeline".into()
        };
        eprintln!(
            "warning: {key} is changed again by {}'s timeline ({}): the value given holds only \
             until then; to hold it for the whole run, {how}",
            s.name,
            when.join(", "),
        );
    }
}

/// Prints (stderr) the settings that cannot act in a run of `ticks` ticks
/// ([`Scenario::warnings`]), once for all the `points` of an ensemble (each a label, such as
/// `variant fast`, and its scenario): a warning that holds only for some points names them.
pub fn warn_inert(points: &[(String, &Scenario)], ticks: u32) {
    for line in inert_lines(points, ticks) {
        eprintln!("{line}");
    }
}

/// The lines [`warn_inert`] prints: `warning: KEY: message; fix`, with ` (in LABELS)` after
/// the message when the warning holds for some points only.
pub fn inert_lines(points: &[(String, &Scenario)], ticks: u32) -> Vec<String> {
    let mut seen: Vec<(impunity::scenario::Warning, Vec<&str>)> = Vec::new();
    for (label, s) in points {
        for w in s.warnings(ticks) {
            match seen.iter_mut().find(|(x, _)| *x == w) {
                Some((_, labels)) => labels.push(label),
                None => seen.push((w, vec![label.as_str()])),
            }
        }
    }
    seen.into_iter()
        .map(|(w, labels)| {
            let scope = if labels.len() == points.len() {
                String::new()
            } else if labels.len() <= 5 {
                format!(" (in {})", labels.join(", "))
            } else {
                format!(" (in {} of {} points)", labels.len(), points.len())
            };
            format!("warning: {}: {}{scope}; {}", w.key, w.message, w.fix)
        })
        .collect()
}

/// The `--set` an error of the changed scenario most likely comes from: the one whose key
/// is, contains or lies in the error's key path; all of them if none does.
fn blame(e: &ScenarioError, sets: &[String]) -> String {
    let related = |kv: &&String| {
        let k = kv.split_once('=').map_or(kv.as_str(), |(k, _)| k.trim());
        let p = e.path.as_str();
        k == p || k.starts_with(&format!("{p}.")) || p.starts_with(&format!("{k}."))
    };
    let hit: Vec<&String> = sets.iter().filter(related).collect();
    let shown = if hit.is_empty() {
        sets.iter().collect()
    } else {
        hit
    };
    shown
        .iter()
        .map(|kv| format!("--set {kv}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sets: &[&str]) -> String {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        match load_scenario("epstein-run1", &sets, None) {
            Err(CliError::Input(m)) => m,
            Err(CliError::Run(m)) => panic!("run error {m}"),
            Ok(_) => panic!("accepted {sets:?}"),
        }
    }

    /// What `--set key=value` reads: TOML, or else the text itself.
    #[test]
    fn values_are_toml_or_plain_strings() {
        assert_eq!(Value::parse("0.5"), Value::from(0.5));
        assert_eq!(Value::parse("inf"), Value::from(f64::INFINITY));
        assert_eq!(Value::parse("netlogo"), Value::from("netlogo"));
        assert_eq!(Value::parse("1\ny = 2"), Value::from("1\ny = 2"));
    }

    #[test]
    fn set_errors_name_the_set_and_the_key() {
        assert_eq!(
            err(&["communities.citizens.legitmacy=0.5"]),
            "--set communities.citizens.legitmacy=0.5: communities.citizens.legitmacy: unknown key `legitmacy`; did you mean `legitimacy`?"
        );
        assert_eq!(
            err(&["communities.citzens.legitimacy=0.5"]),
            "--set communities.citzens.legitimacy=0.5: communities.citzens: unknown name `citzens`; did you mean `citizens`?"
        );
        assert_eq!(
            err(&["ticks=10", "communities.citizens.legitimacy=1.5"]),
            "--set communities.citizens.legitimacy=1.5: communities.citizens.legitimacy: 1.5 is outside [0, 1]"
        );
        assert_eq!(
            err(&["world.width=abc"]),
            "--set world.width=abc: world.width: expected a whole number, 1 ..= 65,535; width × height ≤ 2^31, found string \"abc\""
        );
        assert_eq!(
            err(&["communities.citizens.share=0.5"]),
            "--set communities.citizens.share=0.5: communities: shares sum to 0.5, not 1"
        );
        assert_eq!(err(&["ticks"]), "--set ticks: expected key.path=value");
    }
}
