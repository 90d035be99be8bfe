//! One run of the explorer: the paired comparison run in memory on the server's rayon pool
//! (on a thread of its own, never on tokio's workers), its progress counted for the page, and
//! its results turned into the JSON the page draws and the CSVs it downloads.

use super::params::{Built, RunParams, VARIANT};
use impunity::Scenario;
use impunity::ensemble::{Ensemble, EnsembleError, Plan, Progress, Results};
use impunity::events::EventType;
use impunity::run::ReplicateOutput;
use impunity::stats::Describe;
use serde_json::{Value as Json, json};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Most points of a time series sent to the page (every k-th tick beyond, and the last).
const MAX_POINTS: usize = 240;

/// What a run shares with the stream that reports it.
pub struct Shared {
    /// Set to stop the run (the page went away, or its client started another).
    pub cancel: AtomicBool,
    /// Replicate-ticks done.
    pub ticks_done: AtomicU64,
    /// Units (point, replicate) done.
    pub units_done: AtomicU64,
    /// Replicate-ticks in the whole run.
    pub ticks_total: u64,
    /// Units in the whole run.
    pub units_total: u64,
    /// Set by the stream at each interval: the next unit to finish builds a partial result.
    pub want_partial: AtomicBool,
    /// The latest partial result: the replicates (per point) it holds, and its JSON (as the
    /// result's, with `"partial": true` and no CSVs).
    pub partial: Mutex<Option<(u64, Json)>>,
    /// The end: the results' JSON, or an error message.
    pub outcome: Mutex<Option<Result<Json, String>>>,
    /// Woken when `outcome` is set.
    pub done: tokio::sync::Notify,
}

/// A run ready to start: its plan and what the page is told about it.
pub struct Job {
    pub plan: Plan,
    pub params: RunParams,
    pub command: String,
    pub warnings: Vec<String>,
}

impl Job {
    /// The plan of `params` on `served` (named `name` on the command line), or the message of
    /// a 400.
    pub fn new(served: &Scenario, name: &str, params: RunParams) -> Result<Job, String> {
        let Built { base, variant } = params.build(served)?;
        let mut warnings = Vec::new();
        for (k, _) in &params.sets {
            let when = variant.timeline_changes_within(k, params.ticks);
            if !when.is_empty() {
                warnings.push(format!(
                    "{k}: the scenario's timeline changes it again on {} (in the baseline and in \
                     the chosen settings alike): the value chosen holds only until then",
                    when.join(", ")
                ));
            }
        }
        let mut seen = Vec::new();
        for s in [&base, &variant] {
            for w in s.warnings(params.ticks) {
                if !seen.contains(&w) {
                    warnings.push(format!("{}: {}; {}", w.key, w.message, w.fix));
                    seen.push(w);
                }
            }
        }
        let plan = Plan::comparison(
            base,
            vec![(VARIANT.to_string(), variant)],
            params.seed,
            params.replicates,
            params.ticks,
        )
        .map_err(|e| e.to_string())?;
        let command = params.command_line(name);
        Ok(Job {
            plan,
            params,
            command,
            warnings,
        })
    }

    /// The counters a stream reads while the job runs.
    pub fn shared(&self) -> Arc<Shared> {
        Arc::new(Shared {
            cancel: AtomicBool::new(false),
            ticks_done: AtomicU64::new(0),
            units_done: AtomicU64::new(0),
            ticks_total: self.plan.units() * u64::from(self.plan.ticks()),
            units_total: self.plan.units(),
            want_partial: AtomicBool::new(false),
            partial: Mutex::new(None),
            outcome: Mutex::new(None),
            done: tokio::sync::Notify::new(),
        })
    }

    /// Runs the job on `pool` (blocking: call from a thread of its own) and stores its
    /// outcome in `shared`.
    pub fn run(self, pool: &rayon::ThreadPool, shared: &Shared) {
        let ensemble = Ensemble::new(self.plan.clone());
        let progress = |p: Progress| {
            match p {
                Progress::Tick => {
                    shared.ticks_done.fetch_add(1, Ordering::Relaxed);
                }
                Progress::Unit => {
                    shared.units_done.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
            if shared.cancel.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        // Every finished unit is kept; when the stream asks (once per interval), the
        // replicates whose baseline and variant are both done are drawn as a partial result.
        let runs: Mutex<Vec<Option<ReplicateOutput>>> =
            Mutex::new(vec![None; self.plan.units() as usize]);
        let each = |u: u64, out: &ReplicateOutput| {
            let mut held = runs.lock().unwrap_or_else(|e| e.into_inner());
            held[u as usize] = Some(out.clone());
            if !shared.want_partial.swap(false, Ordering::Relaxed) {
                return;
            }
            let Some(partial) = Results::partial(&self.plan, &held) else {
                return;
            };
            drop(held);
            let k = partial.plan().replicates();
            let shown = shared
                .partial
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map_or(0, |p| p.0);
            if k <= shown || k == self.plan.replicates() {
                return; // nothing new, or the whole run (its result comes next)
            }
            if let Ok(mut json) = self.report(&partial) {
                json["partial"] = json!(true);
                json["replicates_total"] = json!(self.plan.replicates());
                if let Some(o) = json.as_object_mut() {
                    o.remove("csv");
                }
                *shared.partial.lock().unwrap_or_else(|e| e.into_inner()) = Some((k, json));
            }
        };
        let outcome = match pool.install(|| ensemble.run_each(&progress, &each)) {
            Ok(results) => self.report(&results),
            Err(EnsembleError::Cancelled) => Err("cancelled".to_string()),
            Err(e) => Err(e.to_string()),
        };
        *shared.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
        shared.done.notify_one();
    }

    /// The JSON the page draws: fan-chart bands per metric and point, the paired comparison,
    /// civilians killed per region, the CSVs, the command line.
    pub fn report(&self, r: &Results) -> Result<Json, String> {
        let plan = r.plan();
        let base = plan.base();
        let units: std::collections::BTreeMap<String, &'static str> =
            impunity::ensemble::outcomes::describe(base)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|o| (o.name, o.unit))
                .collect();
        let headline = impunity::ensemble::outcomes::headline(base).map_err(|e| e.to_string())?;
        let comparison: Vec<Json> = r
            .comparison()
            .iter()
            .map(|c| {
                let p = &c.paired;
                json!({
                    "outcome": c.outcome,
                    "unit": units.get(&c.outcome).copied().unwrap_or(""),
                    "headline": headline.contains(&c.outcome),
                    "n": p.n,
                    "baseline_mean": p.baseline_mean,
                    "variant_mean": p.variant_mean,
                    "diff_mean": p.diff_mean,
                    "diff_sd": p.diff_sd,
                    "ci_low": p.ci_low,
                    "ci_high": p.ci_high,
                    "share_lower": p.share_lower,
                })
            })
            .collect();
        let ticks = plan.ticks() as usize;
        let step = (ticks + 1).div_ceil(MAX_POINTS).max(1);
        let mut at: Vec<usize> = (0..=ticks).step_by(step).collect();
        if at.last() != Some(&ticks) {
            at.push(ticks);
        }
        let mut series = serde_json::Map::new();
        for (m, name) in plan.metrics().iter().enumerate() {
            // counts per tick are drawn cumulated: "killed so far"
            let cumulate = name.starts_with("new_");
            let mut per_point = serde_json::Map::new();
            for (p, point) in plan.points().iter().enumerate() {
                let reps = r.replicates(p);
                let values: Vec<Vec<f64>> = reps
                    .iter()
                    .map(|o| {
                        let mut acc = 0.0;
                        o.rows
                            .iter()
                            .map(|row| {
                                if cumulate {
                                    acc += row[m];
                                    acc
                                } else {
                                    row[m]
                                }
                            })
                            .collect()
                    })
                    .collect();
                let (mut mean, mut p5, mut p95) = (Vec::new(), Vec::new(), Vec::new());
                for &t in &at {
                    let x: Vec<f64> = values.iter().map(|v| v[t]).collect();
                    let d = Describe::of(&x);
                    mean.push(finite(d.mean));
                    p5.push(finite(d.p5));
                    p95.push(finite(d.p95));
                }
                per_point.insert(
                    point.tags[0].clone(),
                    json!({"mean": mean, "p5": p5, "p95": p95}),
                );
            }
            series.insert(
                name.clone(),
                json!({"cumulative": cumulate, "points": per_point}),
            );
        }
        let mut compare_csv = Vec::new();
        impunity::output::write_compare(&mut compare_csv, r.comparison())
            .map_err(|e| e.to_string())?;
        Ok(json!({
            "seed": plan.seed(),
            "replicates": plan.replicates(),
            "ticks": plan.ticks(),
            "days_per_tick": base.days_per_tick,
            "start_date": base.start_date.map(|d| d.to_string()),
            "command": self.command,
            "warnings": self.warnings,
            "tick_at": at,
            "series": series,
            "comparison": comparison,
            "map": region_map(r),
            "csv": {
                "compare.csv": String::from_utf8(compare_csv).map_err(|e| e.to_string())?,
                "outcomes.csv": outcomes_csv(r),
            },
        }))
    }
}

/// JSON has no NaN: a missing value is `null`.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `outcomes.csv` of a comparison, as `impunity compare` writes it: `point,variant,replicate,`
/// then the outcomes, one row per point and replicate, values as [`impunity::output::fmt_value`]
/// writes them.
fn outcomes_csv(r: &Results) -> String {
    let plan = r.plan();
    let mut out = String::from("point,variant,replicate");
    for n in plan.outcome_names() {
        out.push(',');
        out.push_str(n);
    }
    out.push('\n');
    for (p, (point, pr)) in plan.points().iter().zip(r.points()).enumerate() {
        for rep in 0..pr.replicates() {
            out.push_str(&format!("{p},{},{rep}", point.tags[0]));
            for v in pr.replicate(rep) {
                out.push(',');
                out.push_str(&impunity::output::fmt_value(*v));
            }
            out.push('\n');
        }
    }
    out
}

/// Civilians killed per region (people; mean over replicates), per point, with the map:
/// the fatalities of `violence against civilians` and `abuses` events, as the region map of
/// `impunity chart` counts them (src/charts/map.rs). `null` without regions.
fn region_map(r: &Results) -> Json {
    let plan = r.plan();
    let s = plan.base();
    let Some(regions) = s.world.regions.as_ref() else {
        return Json::Null;
    };
    let names = s.region_names();
    let mut values = serde_json::Map::new();
    for (p, point) in plan.points().iter().enumerate() {
        let mut totals = vec![0.0; names.len()];
        let reps = r.replicates(p);
        for o in reps {
            for e in &o.events {
                let t = e.event_type();
                if t != EventType::ViolenceAgainstCivilians && t != EventType::Abuses {
                    continue;
                }
                if let Some(k) = e.region.map(usize::from).filter(|&k| k < totals.len()) {
                    totals[k] += f64::from(e.fatalities);
                }
            }
        }
        let n = reps.len().max(1) as f64;
        let by_name: serde_json::Map<String, Json> = names
            .iter()
            .zip(totals)
            .map(|(name, t)| (name.clone(), json!(t / n)))
            .collect();
        values.insert(point.tags[0].clone(), Json::Object(by_name));
    }
    json!({
        "rows": regions.map,
        "legend": regions.legend,
        "values": values,
    })
}
