//! What an ensemble gave, in memory: every replicate's outcomes per point, the paired
//! comparison of a comparison, and (for a run in memory) every replicate itself.

use super::part::Unit;
use super::{CompareRow, EnsembleError, Plan, compare, dir};
use crate::output::RunFiles;
use crate::run::ReplicateOutput;
use std::path::{Path, PathBuf};

/// The outcomes of every replicate of one point ([`super::outcomes`], in the plan's outcome
/// order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointResults {
    width: usize,
    values: Vec<f64>,
}

impl PointResults {
    /// An empty record of outcomes `width` wide.
    pub(crate) fn new(width: usize, replicates: usize) -> PointResults {
        PointResults {
            width,
            values: Vec::with_capacity(width * replicates),
        }
    }

    /// Adds the next replicate's outcomes.
    pub(crate) fn push(&mut self, outcomes: &[f64]) {
        debug_assert_eq!(outcomes.len(), self.width);
        self.values.extend_from_slice(outcomes);
    }

    /// Number of replicates.
    pub fn replicates(&self) -> usize {
        self.values.len().checked_div(self.width).unwrap_or(0)
    }

    /// The outcomes of replicate `r`.
    ///
    /// # Panics
    /// If there is no replicate `r`.
    pub fn replicate(&self, r: usize) -> &[f64] {
        &self.values[r * self.width..(r + 1) * self.width]
    }

    /// Outcome `k` of every replicate, in replicate order.
    pub fn column(&self, k: usize) -> Vec<f64> {
        self.values
            .iter()
            .skip(k)
            .step_by(self.width.max(1))
            .copied()
            .collect()
    }

    /// The sum of outcome `k` over the replicates, in replicate order.
    pub fn sum(&self, k: usize) -> f64 {
        self.column(k).iter().fold(0.0, |a, b| a + b)
    }

    /// The mean of outcome `k` over the replicates (sum in replicate order, divided by their
    /// number).
    pub fn mean(&self, k: usize) -> f64 {
        self.sum(k) / self.replicates() as f64
    }
}

/// What an ensemble gave: per point, every replicate's outcomes; for a comparison, the paired
/// comparison of each variant with the baseline; for a run in memory
/// ([`super::Ensemble::run`]), every replicate's output, which [`Results::write`] turns into
/// the files a directory run writes.
///
/// ```
/// use impunity::ensemble::{Ensemble, Plan, no_progress};
/// use impunity::presets;
/// let slow = presets::get("epstein-run3").unwrap();
/// let sudden = presets::get("epstein-run4").unwrap();
/// let plan = Plan::comparison(slow, vec![("sudden".into(), sudden)], 1, 3, 90).unwrap();
/// let results = Ensemble::new(plan).run(&no_progress).unwrap();
/// let peak = results.outcome("peak_active").unwrap();
/// assert_eq!(results.points()[1].replicates(), 3);
/// let row = &results.comparison()[peak];
/// assert_eq!((row.variant.as_str(), row.outcome.as_str()), ("sudden", "peak_active"));
/// assert_eq!(row.paired.variant_mean, results.points()[1].mean(peak));
/// ```
#[derive(Clone, Debug)]
pub struct Results {
    plan: Plan,
    points: Vec<PointResults>,
    comparison: Vec<CompareRow>,
    files: Vec<PathBuf>,
    runs: Vec<ReplicateOutput>,
}

impl Results {
    /// The results of the replicates of `plan` in memory (`runs` in unit order).
    pub(crate) fn from_runs(plan: Plan, runs: Vec<ReplicateOutput>) -> Results {
        let width = plan.outcome_names().len();
        let reps = plan.replicates() as usize;
        let mut points = vec![PointResults::new(width, reps); plan.points().len()];
        for (u, out) in runs.iter().enumerate() {
            let (p, _) = plan.unit(u as u64);
            points[p].push(&super::outcomes::values(&plan.points()[p].scenario, out));
        }
        Results::new(plan, points, Vec::new(), runs)
    }

    /// The results of `points`, with the comparison if `plan` is one.
    pub(crate) fn new(
        plan: Plan,
        points: Vec<PointResults>,
        files: Vec<PathBuf>,
        runs: Vec<ReplicateOutput>,
    ) -> Results {
        let comparison = if plan.is_comparison() {
            compare::rows(&plan, &points)
        } else {
            Vec::new()
        };
        Results {
            plan,
            points,
            comparison,
            files,
            runs,
        }
    }

    /// The same results, recording the files they were written to.
    pub(crate) fn with_files(mut self, files: Vec<PathBuf>) -> Results {
        self.files = files;
        self
    }

    /// The plan that was run.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Per point (in point order), the outcomes of every replicate.
    pub fn points(&self) -> &[PointResults] {
        &self.points
    }

    /// The column of outcome `name` ([`Plan::outcome_names`]).
    pub fn outcome(&self, name: &str) -> Option<usize> {
        self.plan.outcome_names().iter().position(|n| n == name)
    }

    /// For a comparison, the rows of `compare.csv`: each variant (in point order) against the
    /// baseline on each outcome (in column order). Empty otherwise.
    pub fn comparison(&self) -> &[CompareRow] {
        &self.comparison
    }

    /// The files written, for results written to a directory (empty in memory).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The output of every replicate of point `p`, in replicate order, for a run in memory
    /// (empty for a run streamed to a directory, whose replicates are in its files).
    pub fn replicates(&self, p: usize) -> &[ReplicateOutput] {
        let reps = self.plan.replicates() as usize;
        self.runs.get(p * reps..(p + 1) * reps).unwrap_or(&[])
    }

    /// Whether every replicate's output is in memory ([`Results::write`] needs them).
    pub fn in_memory(&self) -> bool {
        self.runs.len() as u64 == self.plan.units()
    }

    /// The results of point `p` alone, as those of a plain run of its scenario (the same
    /// seed, replicates and ticks: what `impunity run` of that scenario gives), e.g. to write
    /// one variant's files and draw its charts. Needs the replicates in memory.
    ///
    /// # Panics
    /// If there is no point `p`.
    pub fn only(&self, p: usize) -> Result<Results, EnsembleError> {
        if !self.in_memory() {
            return Err(EnsembleError::NotInMemory);
        }
        let plan = &self.plan;
        let point = &plan.points()[p];
        let single = Plan::single(
            point.scenario.clone(),
            plan.seed(),
            plan.replicates(),
            plan.ticks(),
        )?;
        Ok(Results::from_runs(single, self.replicates(p).to_vec()))
    }

    /// Writes the files of these results into `dir`, byte for byte those a directory run of
    /// the same plan writes ([`crate::output`]: `timeseries.csv`, `outcomes.csv`,
    /// `summary.csv`, …, `manifest.json` recording `command_line`), and returns them. Like
    /// `--force`, impunity's earlier outputs in `dir` are replaced and any other file is kept.
    /// Needs the replicates in memory ([`super::Ensemble::run`]).
    ///
    /// ```
    /// use impunity::ensemble::{Ensemble, Plan, no_progress};
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let results = Ensemble::new(Plan::single(s, 7, 2, 5).unwrap()).run(&no_progress).unwrap();
    /// let dir = std::env::temp_dir().join(format!("impunity-write-doc-{}", std::process::id()));
    /// let files = results.write(&dir, vec!["my-study".into()]).unwrap();
    /// assert!(files.iter().any(|f| f.ends_with("summary.csv")));
    /// let ts = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    /// assert_eq!(ts.lines().count(), 1 + 2 * 6); // header, 2 replicates of ticks 0..=5
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn write(
        &self,
        dir: &Path,
        command_line: Vec<String>,
    ) -> Result<Vec<PathBuf>, EnsembleError> {
        if !self.in_memory() {
            return Err(EnsembleError::NotInMemory);
        }
        let plan = &self.plan;
        dir::claim(dir, false, true)?;
        let mut files = RunFiles::create(plan, dir, crate::output::summary::DEFAULT_BLOCK_BYTES)?;
        for (u, out) in self.runs.iter().enumerate() {
            let (p, r) = plan.unit(u as u64);
            files.add(p, r, &Unit::render(plan, p, r, out).rows())?;
        }
        let comparison = plan.is_comparison().then_some(self.comparison.as_slice());
        files.finish(comparison, command_line)
    }
}
