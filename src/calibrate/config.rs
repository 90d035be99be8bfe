//! The calibration file (TOML): `[abc]` settings, `[[parameter]]` priors over scenario keys,
//! `[[target]]` statistics with their observed values. docs/calibrate.md is the reference.
//!
//! ```
//! use impunity::calibrate::Config;
//! let text = r#"
//! [abc]
//! particles = 50
//! ticks = 40
//!
//! [[parameter]]
//! key = "communities.citizens.legitimacy"
//! prior = "uniform(0.6, 0.95)"
//!
//! [[target]]
//! statistic = "peak_active"
//! observed = 120
//! scale = 20
//! "#;
//! let c = Config::from_toml_str(text, "calib.toml").unwrap();
//! assert_eq!(c.settings.particles, 50);
//! assert_eq!(c.parameters[0].key, "communities.citizens.legitimacy");
//! let e = Config::from_toml_str(&text.replace("uniform(0.6", "uniform(1.6"), "calib.toml").unwrap_err();
//! assert_eq!(e.to_string(), "calib.toml, line 8: parameter[0].prior: `uniform(1.6, 0.95)`: needs a < b");
//! ```

use super::prior::Prior;
use super::smc::{Problem, Settings};
use super::statistic::Statistic;
use crate::scenario::Scenario;
use serde::Deserialize;
use toml::Spanned;

/// An error in a calibration file: where (file, line, key path) and what.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The file (or other origin) named in the message.
    pub origin: String,
    /// The line, if known.
    pub line: Option<usize>,
    /// The key path (`parameter[2].prior`), empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(l) = self.line {
            write!(f, ", line {l}")?;
        }
        write!(f, ": ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// One calibrated parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The scenario key path.
    pub key: String,
    /// Its prior.
    pub prior: Prior,
    line: usize,
}

/// One target.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetSpec {
    /// The statistic, as written (an outcome name or `events.…`).
    pub statistic: String,
    /// The observed value, in the statistic's unit.
    pub observed: f64,
    /// The scale of its differences.
    pub scale: f64,
    /// Its weight in the distance (default 1).
    pub weight: f64,
    line: usize,
}

/// A calibration file, read and checked (statistics and keys are checked against a scenario
/// by [`Config::statistics`] and [`Config::check_keys`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The algorithm's settings.
    pub settings: Settings,
    /// Ticks per simulation (`None`: the scenario's own `ticks`).
    pub ticks: Option<u32>,
    /// The seed used when the command line gives none.
    pub seed: u64,
    /// The parameters.
    pub parameters: Vec<Parameter>,
    /// The targets.
    pub targets: Vec<TargetSpec>,
    origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    abc: RawAbc,
    #[serde(default)]
    parameter: Vec<RawParameter>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawAbc {
    particles: usize,
    quantile: f64,
    max_generations: u32,
    max_simulations: u64,
    min_acceptance: f64,
    final_tolerance: f64,
    replicates: u32,
    batch: usize,
    ticks: Option<u32>,
    seed: u64,
}

impl Default for RawAbc {
    fn default() -> RawAbc {
        let s = Settings::default();
        RawAbc {
            particles: s.particles,
            quantile: s.quantile,
            max_generations: s.max_generations,
            max_simulations: s.max_simulations,
            min_acceptance: s.min_acceptance,
            final_tolerance: s.final_tolerance,
            replicates: s.replicates,
            batch: s.batch,
            ticks: None,
            seed: 1,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    key: Spanned<String>,
    prior: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    statistic: Spanned<String>,
    observed: f64,
    scale: f64,
    #[serde(default = "one")]
    weight: f64,
}

fn one() -> f64 {
    1.0
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

impl Config {
    /// Reads a calibration file's text; `origin` (its path) is named in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, path: &str, message: String| ConfigError {
            origin: origin.to_string(),
            line,
            path: path.to_string(),
            message,
        };
        let de = toml::de::Deserializer::parse(text).map_err(|e| {
            err(
                e.span().map(|s| line_of(text, s.start)),
                "",
                e.message().to_string(),
            )
        })?;
        let raw: Raw = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            err(
                inner.span().map(|s| line_of(text, s.start)),
                if path == "." { "" } else { &path },
                inner.message().to_string(),
            )
        })?;
        let a = raw.abc;
        let settings = Settings {
            particles: a.particles,
            quantile: a.quantile,
            max_generations: a.max_generations,
            max_simulations: a.max_simulations,
            min_acceptance: a.min_acceptance,
            final_tolerance: a.final_tolerance,
            replicates: a.replicates,
            batch: a.batch,
        };
        let abc_line = text
            .lines()
            .position(|l| l.trim() == "[abc]")
            .map(|i| i + 1);
        settings
            .check()
            .map_err(|(k, m)| err(abc_line, &format!("abc.{k}"), m))?;
        if a.ticks == Some(0) {
            return Err(err(abc_line, "abc.ticks", "must be at least 1".into()));
        }
        let mut parameters = Vec::new();
        for (i, p) in raw.parameter.into_iter().enumerate() {
            let line = line_of(text, p.prior.span().start);
            let prior: Prior =
                p.prior
                    .get_ref()
                    .parse()
                    .map_err(|e: super::prior::PriorError| {
                        err(Some(line), &format!("parameter[{i}].prior"), e.to_string())
                    })?;
            let key = p.key.into_inner();
            if parameters.iter().any(|q: &Parameter| q.key == key) {
                return Err(err(
                    Some(line),
                    &format!("parameter[{i}].key"),
                    format!("`{key}` is calibrated twice"),
                ));
            }
            parameters.push(Parameter { key, prior, line });
        }
        if parameters.is_empty() {
            return Err(err(
                None,
                "parameter",
                "no [[parameter]] to calibrate".into(),
            ));
        }
        let mut targets = Vec::new();
        for (i, t) in raw.target.into_iter().enumerate() {
            let line = line_of(text, t.statistic.span().start);
            let bad = |k: &str, m: &str| err(Some(line), &format!("target[{i}].{k}"), m.into());
            if !t.observed.is_finite() {
                return Err(bad("observed", "must be a finite number"));
            }
            if !(t.scale.is_finite() && t.scale > 0.0) {
                return Err(bad("scale", "must be a positive number"));
            }
            if !(t.weight.is_finite() && t.weight >= 0.0) {
                return Err(bad("weight", "must be a number ≥ 0"));
            }
            targets.push(TargetSpec {
                statistic: t.statistic.into_inner(),
                observed: t.observed,
                scale: t.scale,
                weight: t.weight,
                line,
            });
        }
        if targets.is_empty() {
            return Err(err(None, "target", "no [[target]] to compare with".into()));
        }
        Ok(Config {
            settings,
            ticks: a.ticks,
            seed: a.seed,
            parameters,
            targets,
            origin: origin.to_string(),
        })
    }

    /// The targets' statistics read against `s` (an error names the target and its line).
    pub fn statistics(&self, s: &Scenario) -> Result<Vec<Statistic>, ConfigError> {
        self.targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                Statistic::parse(&t.statistic, s).map_err(|m| ConfigError {
                    origin: self.origin.clone(),
                    line: Some(t.line),
                    path: format!("target[{i}].statistic"),
                    message: m,
                })
            })
            .collect()
    }

    /// Checks that every key exists in `s` and accepts its prior's bounds (or centre, for an
    /// unbounded prior): a prior that reaches values the key refuses is an error here rather
    /// than a failed simulation later.
    pub fn check_keys(&self, s: &Scenario) -> Result<(), ConfigError> {
        for (i, p) in self.parameters.iter().enumerate() {
            let (lo, hi) = p.prior.bounds();
            let values: Vec<f64> = if lo.is_finite() {
                vec![lo, hi]
            } else {
                vec![p.prior.centre()]
            };
            for v in values {
                if let Err(e) = s.with_changes([(p.key.as_str(), v)]) {
                    return Err(ConfigError {
                        origin: self.origin.clone(),
                        line: Some(p.line),
                        path: format!("parameter[{i}]"),
                        message: format!("{e} (the prior {} reaches {v})", p.prior),
                    });
                }
            }
        }
        Ok(())
    }

    /// The problem the algorithm solves.
    pub fn problem(&self) -> Problem {
        Problem {
            priors: self.parameters.iter().map(|p| p.prior).collect(),
            observed: self.targets.iter().map(|t| t.observed).collect(),
            scale: self.targets.iter().map(|t| t.scale).collect(),
            weight: self.targets.iter().map(|t| t.weight).collect(),
        }
    }
}
