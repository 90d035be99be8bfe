//! `DIR/.parts/plan.json`: the plan of a directory being filled, enough to rebuild it (merge
//! reads it; resume compares it).

use super::{Difference, Draws, EnsembleError, Plan, PlanFileError, Point, Shard};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::Path;

/// The file's contents.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PlanFile {
    pub(crate) fingerprint: String,
    pub(crate) impunity_version: String,
    pub(crate) seed: u64,
    pub(crate) replicates: u64,
    pub(crate) ticks: u32,
    pub(crate) design: String,
    pub(crate) shard: Option<String>,
    pub(crate) command_line: Vec<String>,
    pub(crate) tag_names: Vec<String>,
    pub(crate) base: String,
    pub(crate) points: Vec<PlanPoint>,
    /// Parameter draws ([`Plan::with_draws`]), every value as its exact bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) draws: Option<PlanDraws>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PlanDraws {
    keys: Vec<String>,
    values: Vec<Vec<u64>>,
    per_draw: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PlanPoint {
    tags: Vec<String>,
    scenario: String,
}

impl PlanFile {
    /// The record of `plan`, run as `shard`, started by `command_line`.
    pub(crate) fn new(plan: &Plan, shard: Option<Shard>, command_line: Vec<String>) -> PlanFile {
        PlanFile {
            fingerprint: plan.fingerprint(),
            impunity_version: env!("CARGO_PKG_VERSION").into(),
            seed: plan.seed(),
            replicates: plan.replicates(),
            ticks: plan.ticks(),
            design: plan.design().to_string(),
            shard: shard.map(|s| s.to_string()),
            command_line,
            tag_names: plan.tag_names().to_vec(),
            base: plan.base().to_toml_string(),
            points: plan
                .points()
                .iter()
                .map(|p| PlanPoint {
                    tags: p.tags.clone(),
                    scenario: p.scenario.to_toml_string(),
                })
                .collect(),
            draws: plan.draws().map(|d| PlanDraws {
                keys: d.keys.clone(),
                values: d
                    .values
                    .iter()
                    .map(|row| row.iter().map(|v| v.to_bits()).collect())
                    .collect(),
                per_draw: d.per_draw,
            }),
        }
    }

    /// Reads `path`.
    pub(crate) fn read(path: &Path) -> Result<PlanFile, EnsembleError> {
        let text = fs::read_to_string(path).map_err(EnsembleError::io(path))?;
        serde_json::from_str(&text).map_err(|e| EnsembleError::PlanFile {
            path: path.to_path_buf(),
            source: PlanFileError::Json(e),
        })
    }

    /// Writes `path` (atomically).
    pub(crate) fn write(&self, path: &Path) -> Result<(), EnsembleError> {
        let text = serde_json::to_string_pretty(self).expect("serialises");
        crate::output::write_atomic(path, |w| writeln!(w, "{text}"))
            .map_err(EnsembleError::io(path))
    }

    /// The plan it records, checked to read back to the same fingerprint.
    pub(crate) fn plan(&self) -> Result<Plan, PlanFileError> {
        let sc = |t: &str| {
            Scenario::from_toml_str(t, "plan.json")
                .map_err(|e| PlanFileError::Scenario(Box::new(e)))
        };
        let points = self
            .points
            .iter()
            .map(|p| {
                Ok(Point {
                    tags: p.tags.clone(),
                    scenario: sc(&p.scenario)?,
                })
            })
            .collect::<Result<Vec<_>, PlanFileError>>()?;
        let plan = Plan::new(
            sc(&self.base)?,
            self.tag_names.clone(),
            points,
            self.seed,
            self.replicates,
            self.ticks,
            self.design.clone(),
        )
        .map_err(PlanFileError::Plan)?;
        let plan = match &self.draws {
            Some(d) => plan
                .with_draws(Draws {
                    keys: d.keys.clone(),
                    values: d
                        .values
                        .iter()
                        .map(|row| row.iter().map(|&b| f64::from_bits(b)).collect())
                        .collect(),
                    per_draw: d.per_draw,
                })
                .map_err(PlanFileError::Plan)?,
            None => plan,
        };
        if plan.fingerprint() != self.fingerprint {
            return Err(PlanFileError::Stale {
                version: self.impunity_version.clone(),
            });
        }
        Ok(plan)
    }

    /// What differs between the recorded plan and `plan`.
    pub(crate) fn difference(&self, plan: &Plan) -> Difference {
        let differs = |a: String, b: String| (a != b).then_some((a, b));
        Difference {
            seed: (self.seed != plan.seed()).then_some((self.seed, plan.seed())),
            replicates: (self.replicates != plan.replicates())
                .then_some((self.replicates, plan.replicates())),
            ticks: (self.ticks != plan.ticks()).then_some((self.ticks, plan.ticks())),
            design: differs(self.design.clone(), plan.design().to_string()),
            scenario: self.base != plan.base().to_toml_string()
                || self.points.len() != plan.points().len(),
        }
    }
}

/// Reads the plan of a directory being filled (`DIR/.parts/plan.json`), e.g. a shard.
pub(crate) fn read_plan(dir: &Path) -> Result<Plan, EnsembleError> {
    let pf = super::dir::parts_dir(dir).join("plan.json");
    if !pf.is_file() {
        return Err(EnsembleError::NoPlan {
            dir: dir.to_path_buf(),
        });
    }
    PlanFile::read(&pf)?
        .plan()
        .map_err(|source| EnsembleError::PlanFile { path: pf, source })
}
