//! `manifest.json`: everything needed to rerun a run exactly (`impunity run --from`).

use super::{fmt_value, write_atomic};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::Path;

/// Everything needed to rerun a run exactly: `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of this crate that produced the outputs.
    pub impunity_version: String,
    /// Scenario (or preset) name.
    pub scenario: String,
    /// Rule-set label (`paper`, `paper+ratio=floor`, …).
    pub rules: String,
    /// Every rule switch in force.
    pub rule_switches: serde_json::Value,
    /// Every parameter of the scenario, as JSON (infinite values as the string `"inf"`).
    pub parameters: serde_json::Value,
    /// Master seed.
    pub seed: u64,
    /// Number of replicates.
    pub replicates: u64,
    /// Ticks per replicate.
    pub ticks: u32,
    /// The command line that produced the outputs.
    pub command_line: Vec<String>,
    /// The resolved scenario, as TOML text that reads back to the same scenario.
    pub scenario_toml: String,
    /// How many people one agent stands for (`world.people_per_agent`). A conflict
    /// scenario's outputs are already in people; Epstein's stay in agents.
    pub people_per_agent: f64,
    /// The unit of every count of persons in the outputs: `people` (the conflict model) or
    /// `agents` (Epstein's models).
    pub count_unit: String,
    /// Fingerprint of everything that determines the results (see
    /// [`crate::ensemble::Plan::fingerprint`]); `--resume` compares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// How the points of a sweep or comparison were made (`run` for a plain run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<String>,
    /// Number of points of a sweep or comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
    /// The files of the run in its directory, beside this manifest: what `--force` may
    /// replace there (and nothing else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
    /// `crc32:` and 8 hex digits: the CRC-32 of this file written with
    /// `crc32:00000000` here, set by the writer; resume, `--force` and `run --from` check it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

impl Manifest {
    /// The manifest of a run of `s`; `command_line` is what the caller records (the binary
    /// passes its own, without the flags that change where but not what).
    pub(crate) fn new(
        s: &Scenario,
        seed: u64,
        replicates: u64,
        ticks: u32,
        command_line: Vec<String>,
    ) -> Manifest {
        let tree = toml::Value::try_from(s).expect("a scenario always serialises");
        Manifest {
            impunity_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: s.name.clone(),
            rules: s.rules.label(),
            rule_switches: serde_json::to_value(s.rules()).expect("rules serialise"),
            parameters: toml_to_json(&tree),
            seed,
            replicates,
            ticks,
            command_line,
            scenario_toml: s.to_toml_string(),
            people_per_agent: s.world.people_per_agent,
            count_unit: crate::metrics::count_unit(s).to_string(),
            fingerprint: None,
            design: None,
            points: None,
            files: None,
            checksum: None,
        }
    }

    /// Writes the manifest as pretty JSON (atomically), with its checksum.
    pub(crate) fn write(&self, path: &Path) -> io::Result<()> {
        let mut m = self.clone();
        m.checksum = Some(crate::ensemble::checksum::PLACEHOLDER.into());
        let text = format!("{}\n", serde_json::to_string_pretty(&m)?);
        let text = crate::ensemble::checksum::seal_json(&text);
        write_atomic(path, |w| w.write_all(text.as_bytes()))
    }
}

/// TOML to JSON, keeping infinite and NaN floats as strings ("inf", "-inf", "nan").
pub(crate) fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or_else(|| J::String(fmt_value(*f))),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
