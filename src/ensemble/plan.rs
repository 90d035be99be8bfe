//! The plan: everything that determines an ensemble's results.

use super::PlanError;
use super::outcomes;
use crate::scenario::Scenario;

/// One scenario variant of an ensemble.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The value of each tag column ([`Plan::tag_names`]), as written in the outputs.
    pub tags: Vec<String>,
    /// The scenario this point runs.
    pub scenario: Scenario,
}

/// Parameter draws for the replicates of a plan (e.g. from a calibration's posterior): replicate
/// `r` of every point runs with the values of draw `r / per_draw` set on the point's scenario,
/// so each draw runs every point on the same seeds, and the paired difference of two points
/// in one replicate holds both the parameters and the random numbers fixed.
#[derive(Clone, Debug, PartialEq)]
pub struct Draws {
    /// The keys set (scenario key paths, as `--set` takes them).
    pub keys: Vec<String>,
    /// One row of values (one per key) per draw.
    pub values: Vec<Vec<f64>>,
    /// Replicates per draw.
    pub per_draw: u64,
}

/// The most ticks a plan may run: the limit a scenario file's `ticks` has.
pub const MAX_TICKS: u32 = 10_000_000;

/// The most units (points × replicates) a plan may have.
pub const MAX_UNITS: u64 = 1_000_000_000_000;

/// Bytes one replicate in flight holds for its time series of `ticks` ticks and `metrics`
/// columns (the values, their CSV text, and the per-tick statistics), roughly.
pub(crate) fn replicate_bytes(ticks: u32, metrics: usize) -> u64 {
    (u64::from(ticks) + 1) * (metrics as u64 * 24 + 64)
}

/// Everything that determines an ensemble's results: points (a plain run has one; a sweep or
/// a comparison several), a master seed, a replicate count and a tick count.
///
/// Its *units* are the pairs (point, replicate), numbered `point * replicates + replicate`.
/// Replicate `r` of every point runs on the random streams of `(seed, r)` alone: points share
/// their seeds (common random numbers).
///
/// ```
/// use impunity::ensemble::Plan;
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// let plan = Plan::single(s, 7, 3, 5).unwrap();
/// assert_eq!((plan.units(), plan.unit(2)), (3, (0, 2)));
/// assert_eq!(&plan.outcome_names()[..2], ["peak_active", "peak_tick"]);
/// assert!(Plan::single(plan.base().clone(), 7, 0, 5).is_err()); // no replicates
/// ```
#[derive(Clone, Debug)]
pub struct Plan {
    base: Scenario,
    tag_names: Vec<String>,
    points: Vec<Point>,
    seed: u64,
    replicates: u64,
    ticks: u32,
    design: String,
    metrics: Vec<String>,
    outcomes: Vec<String>,
    /// Parameter draws, and each point's scenario under each draw (`[point][draw]`).
    draws: Option<(Draws, Vec<Vec<Scenario>>)>,
}

impl Plan {
    /// A plain run of `s`: one point, no tag columns (design `run`).
    pub fn single(s: Scenario, seed: u64, replicates: u64, ticks: u32) -> Result<Plan, PlanError> {
        let p = Point {
            tags: vec![],
            scenario: s.clone(),
        };
        Plan::new(s, vec![], vec![p], seed, replicates, ticks, "run".into())
    }

    /// A comparison: `base` (point 0, tagged `baseline`) and each named variant, on the same
    /// seeds; its results include the paired comparison of every variant with the baseline
    /// ([`super::Results::comparison`]). The design is recorded as `compare` and the names.
    ///
    /// ```
    /// use impunity::{ensemble::Plan, presets};
    /// // Run 3 lowers legitimacy slowly, run 4 at once: compare them on the same seeds.
    /// let slow = presets::get("epstein-run3").unwrap();
    /// let sudden = presets::get("epstein-run4").unwrap();
    /// let plan = Plan::comparison(slow, vec![("sudden".into(), sudden)], 1, 4, 10).unwrap();
    /// assert!(plan.is_comparison());
    /// assert_eq!(plan.points()[1].tags, ["sudden"]);
    /// ```
    pub fn comparison(
        base: Scenario,
        variants: Vec<(String, Scenario)>,
        seed: u64,
        replicates: u64,
        ticks: u32,
    ) -> Result<Plan, PlanError> {
        let mut design = String::from("compare");
        let mut points = vec![Point {
            tags: vec!["baseline".into()],
            scenario: base.clone(),
        }];
        for (name, scenario) in variants {
            design.push(' ');
            design.push_str(&name);
            points.push(Point {
                tags: vec![name],
                scenario,
            });
        }
        Plan::new(
            base,
            vec!["variant".into()],
            points,
            seed,
            replicates,
            ticks,
            design,
        )
    }

    /// A plan. `base` is the scenario the points derive from (the manifest records it),
    /// `tag_names` the names of the columns that tag a point (the varied keys, or `variant`;
    /// empty for a plain run, whose outputs then have no `point` column), `design` how the
    /// points were made (recorded in the manifest; a design starting with `compare` makes a
    /// comparison, point 0 being the baseline). Every point must report the same metrics and
    /// outcomes.
    pub fn new(
        base: Scenario,
        tag_names: Vec<String>,
        points: Vec<Point>,
        seed: u64,
        replicates: u64,
        ticks: u32,
        design: String,
    ) -> Result<Plan, PlanError> {
        if replicates == 0 {
            return Err(PlanError::NoReplicates);
        }
        if points.is_empty() {
            return Err(PlanError::NoPoints);
        }
        if ticks > MAX_TICKS {
            return Err(PlanError::TooManyTicks {
                ticks,
                bytes: replicate_bytes(ticks, 16),
            });
        }
        if (points.len() as u64)
            .checked_mul(replicates)
            .is_none_or(|u| u > MAX_UNITS)
        {
            return Err(PlanError::TooManyUnits {
                points: points.len() as u64,
                replicates,
            });
        }
        let metric_names = |s: &Scenario| {
            crate::metrics::MetricSet::for_scenario(s)
                .map(|m| m.names().to_vec())
                .map_err(PlanError::Metrics)
        };
        let metrics = metric_names(&points[0].scenario)?;
        let outcomes = outcomes::names(&points[0].scenario)?;
        for (k, p) in points.iter().enumerate() {
            if p.tags.len() != tag_names.len() {
                return Err(PlanError::TagCount {
                    point: k,
                    tags: p.tags.len(),
                });
            }
            if metric_names(&p.scenario)? != metrics || outcomes::names(&p.scenario)? != outcomes {
                return Err(PlanError::Columns {
                    point: k,
                    tags: p.tags.clone(),
                });
            }
        }
        Ok(Plan {
            base,
            tag_names,
            points,
            seed,
            replicates,
            ticks,
            design,
            metrics,
            outcomes,
            draws: None,
        })
    }

    /// The plan with parameter `draws`: replicate `r` of every point runs with draw
    /// `r / per_draw`'s values set on the point's scenario ([`Plan::scenario`]). The plan's
    /// replicate count must be the number of draws times `per_draw`; every point under every
    /// draw must be a valid scenario with the plan's columns.
    ///
    /// ```
    /// use impunity::ensemble::{Draws, Plan};
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let draws = Draws {
    ///     keys: vec!["communities.citizens.legitimacy".into()],
    ///     values: vec![vec![0.7], vec![0.9]],
    ///     per_draw: 2,
    /// };
    /// let plan = Plan::single(s, 1, 4, 10).unwrap().with_draws(draws).unwrap();
    /// let legitimacy = |r| plan.scenario(0, r).get("communities.citizens.legitimacy");
    /// assert_eq!(legitimacy(1).and_then(|v| v.as_f64()), Some(0.7));
    /// assert_eq!(legitimacy(2).and_then(|v| v.as_f64()), Some(0.9));
    /// ```
    pub fn with_draws(mut self, draws: Draws) -> Result<Plan, PlanError> {
        let n = draws.values.len() as u64;
        if draws.per_draw == 0 || n.checked_mul(draws.per_draw) != Some(self.replicates) {
            return Err(PlanError::DrawCount {
                draws: n,
                per_draw: draws.per_draw,
                replicates: self.replicates,
            });
        }
        let mut drawn = Vec::with_capacity(self.points.len());
        for (k, p) in self.points.iter().enumerate() {
            let mut row = Vec::with_capacity(draws.values.len());
            for (d, values) in draws.values.iter().enumerate() {
                let bad = |message: String| PlanError::Draw {
                    point: k,
                    draw: d,
                    message,
                };
                if values.len() != draws.keys.len() {
                    return Err(bad(format!(
                        "{} values for {} keys",
                        values.len(),
                        draws.keys.len()
                    )));
                }
                let s = p
                    .scenario
                    .with_changes(
                        draws
                            .keys
                            .iter()
                            .map(String::as_str)
                            .zip(values.iter().copied()),
                    )
                    .map_err(|e| bad(e.to_string()))?;
                let metrics = crate::metrics::MetricSet::for_scenario(&s)
                    .map(|m| m.names().to_vec())
                    .map_err(PlanError::Metrics)?;
                if metrics != self.metrics || outcomes::names(&s)? != self.outcomes {
                    return Err(bad("it reports other columns than point 0".into()));
                }
                row.push(s);
            }
            drawn.push(row);
        }
        self.draws = Some((draws, drawn));
        Ok(self)
    }

    /// The parameter draws, if any ([`Plan::with_draws`]).
    pub fn draws(&self) -> Option<&Draws> {
        self.draws.as_ref().map(|(d, _)| d)
    }

    /// The scenario replicate `rep` of point `point` runs: the point's, with the replicate's
    /// draw set, if the plan has draws.
    pub fn scenario(&self, point: usize, rep: u64) -> &Scenario {
        match &self.draws {
            Some((d, drawn)) => &drawn[point][(rep / d.per_draw) as usize],
            None => &self.points[point].scenario,
        }
    }

    /// The scenario the points derive from (the manifest's scenario).
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// Names of the columns that tag a point (empty for a plain run).
    pub fn tag_names(&self) -> &[String] {
        &self.tag_names
    }

    /// The points, in point order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Replicates per point.
    pub fn replicates(&self) -> u64 {
        self.replicates
    }

    /// Ticks per replicate.
    pub fn ticks(&self) -> u32 {
        self.ticks
    }

    /// How the points were made (e.g. `grid --vary policy.impunity=0,1`), for the manifest.
    pub fn design(&self) -> &str {
        &self.design
    }

    /// Number of units (points × replicates).
    pub fn units(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// (point, replicate) of a unit.
    pub fn unit(&self, u: u64) -> (usize, u64) {
        ((u / self.replicates) as usize, u % self.replicates)
    }

    /// The metric columns of `timeseries.csv` (and `summary.csv`).
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// The outcome columns ([`super::outcomes`]).
    pub fn outcome_names(&self) -> &[String] {
        &self.outcomes
    }

    /// Whether this is a comparison: point 0 is the baseline, the others variants, and the
    /// results include the paired comparison (`compare.csv`).
    pub fn is_comparison(&self) -> bool {
        self.design.starts_with("compare")
    }

    /// Whether outputs carry point columns (a sweep or comparison).
    pub(crate) fn has_points(&self) -> bool {
        !self.tag_names.is_empty()
    }

    /// A lower bound of the bytes that a directory run of `units` of this plan's units writes
    /// to its output directory: each unit's part file holds its per-tick metric values (8 bytes
    /// each) and the same values as CSV text (at least 2 bytes each, a digit and a comma), and
    /// `timeseries.csv` the text again; events, cases and outcomes come on top. The command
    /// line refuses a run whose lower bound exceeds the free space where it would write.
    ///
    /// ```
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let plan = impunity::ensemble::Plan::single(s, 1, 1000, 99).unwrap();
    /// let per_unit = 100 * plan.metrics().len() as u64 * 12;
    /// assert!(plan.disk_estimate(plan.units()) >= plan.units() * per_unit);
    /// assert_eq!(plan.disk_estimate(0), 0);
    /// ```
    pub fn disk_estimate(&self, units: u64) -> u64 {
        let values = (u64::from(self.ticks) + 1).saturating_mul(self.metrics.len() as u64);
        units.saturating_mul(values.saturating_mul(8 + 2 + 2).saturating_add(64))
    }

    /// Memory a run of the plan into a directory needs, roughly, with `threads` replicates in
    /// flight at once: what the command line checks against the machine's memory before it
    /// starts. The larger of
    /// * running: each replicate in flight, its model and its time series;
    /// * assembling: one part file at a time, and the exact percentiles of `summary.csv`,
    ///   computed tick block by tick block from a scratch file in at most 64 MiB (a block of
    ///   ticks of every replicate, plus two columns of replicates × 8 bytes to sort one
    ///   metric), or, when one tick of every replicate does not fit, from the file itself in
    ///   several passes, in the same 64 MiB;
    ///
    /// plus the results kept per point and outcome (their statistics and the outcomes of 20
    /// replicates). Nothing else is kept per replicate: a directory run's outcomes stream to
    /// `outcomes.csv`, their statistics are computed from a scratch file on disk (8 bytes per
    /// outcome per unit, removed at the end), and the units still to run are found part file
    /// by part file. The summary's exact percentiles hold a block of ticks of every replicate
    /// in memory (at most 64 MiB); once not even one tick of every replicate fits, they are
    /// computed from the scratch file in several passes, in the same 64 MiB. So a directory
    /// run's memory does not grow with the replicate count. [`super::Ensemble::run`] (in
    /// memory) needs, on top, every replicate's time series and outcomes.
    ///
    /// ```
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let plan = |reps| impunity::ensemble::Plan::single(s.clone(), 1, reps, 100).unwrap();
    /// assert!(plan(10).memory_estimate(2) < 10 << 20);
    /// // A million replicates: the summary's 64 MiB block and 16 bytes a replicate.
    /// assert!(plan(1_000_000).memory_estimate(2) < 100 << 20);
    /// // 10^8 replicates: the same (the percentiles come from the disk).
    /// assert!(plan(100_000_000).memory_estimate(2) < 100 << 20);
    /// ```
    pub fn memory_estimate(&self, threads: u64) -> u64 {
        let model = self
            .points
            .iter()
            .map(|p| &p.scenario)
            .chain(self.draws.iter().flat_map(|(_, d)| d.iter().flatten()))
            .map(|s| s.footprint().model_bytes)
            .max()
            .unwrap_or(0);
        let series = replicate_bytes(self.ticks, self.metrics.len());
        let running = threads.max(1).saturating_mul(model.saturating_add(series));
        let budget = crate::output::summary::DEFAULT_BLOCK_BYTES as u64;
        let m = self.metrics.len() as u64;
        let tick = self.replicates.saturating_mul(m).saturating_mul(8);
        let block = if self.replicates.saturating_mul(m * 8 + 16) > budget {
            // statistics from the scratch file: the budget, a read buffer and one row
            budget + (1 << 20) + (u64::from(self.ticks) + 1) * m * 8
        } else {
            tick.saturating_mul(u64::from(self.ticks) + 1)
                .min(budget)
                .saturating_add(self.replicates.saturating_mul(16))
        };
        let assembling = series.saturating_add(block);
        let kept =
            (self.points.len() * self.outcomes.len() * (3 + super::moments::KEPT) * 8) as u64;
        running.max(assembling).saturating_add(kept)
    }

    /// A fingerprint of everything that determines the results (crate version, every point's
    /// resolved scenario, seed, replicates, ticks, design): 16 hex digits of FNV-1a 64. Resume
    /// and merge refuse directories whose fingerprint differs.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |s: &str| {
            for b in s.bytes().chain([0xff]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(env!("CARGO_PKG_VERSION"));
        eat(&format!("{} {} {}", self.seed, self.replicates, self.ticks));
        eat(&self.design);
        eat(&self.base.to_toml_string());
        for t in &self.tag_names {
            eat(t);
        }
        for p in &self.points {
            for t in &p.tags {
                eat(t);
            }
            eat(&p.scenario.to_toml_string());
        }
        if let Some((d, _)) = &self.draws {
            eat(&format!("draws {}", d.per_draw));
            for k in &d.keys {
                eat(k);
            }
            for row in &d.values {
                for v in row {
                    eat(&format!("{:016x}", v.to_bits()));
                }
            }
        }
        format!("{h:016x}")
    }
}
