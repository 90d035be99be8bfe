//! Turning a SCENARIO argument (a preset name or a file path) and `--set` overrides into a
//! validated scenario. Every subcommand that takes a scenario goes through [`load_scenario`].

use super::{Result, input};
use impunity::{Scenario, presets};
use std::path::Path;

/// The scenario named by `spec`: a preset name, or the path of a TOML file; then each
/// `key.path=value` of `sets` applied, and the result validated.
pub fn load_scenario(spec: &str, sets: &[String]) -> Result<Scenario> {
    let base = if let Some(s) = presets::get(spec) {
        s
    } else if Path::new(spec).is_file() {
        let text =
            std::fs::read_to_string(spec).map_err(|e| input(format!("cannot read {spec}: {e}")))?;
        Scenario::from_toml_str(&text, spec).map_err(|e| input(e.to_string()))?
    } else {
        let names: Vec<String> = presets::names().map(String::from).collect();
        let mut m = format!("unknown preset `{spec}` and no such file");
        if let Some(best) = impunity::scenario::nearest(spec, names.iter().map(|s| s.as_str())) {
            m.push_str(&format!("; did you mean `{best}`?"));
        }
        m.push_str(" (`impunity presets` lists the presets)");
        return Err(input(m));
    };
    if sets.is_empty() {
        return Ok(base);
    }
    let mut changes = Vec::new();
    for kv in sets {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| input(format!("--set {kv}: expected key.path=value")))?;
        changes.push((k.trim().to_string(), parse_value(v.trim())));
    }
    base.with_changes(changes.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .map_err(|e| input(format!("--set: {e}")))
}

/// A command-line value as TOML: a number, boolean, array, inline table or `inf`, else a
/// plain string (so `--set rules=netlogo` needs no quotes).
pub fn parse_value(v: &str) -> toml::Value {
    match format!("x = {v}").parse::<toml::Table>() {
        Ok(mut t) => t.remove("x").expect("parsed key"),
        Err(_) => toml::Value::String(v.to_string()),
    }
}
