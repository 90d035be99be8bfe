//! What an ensemble gave: per point the statistics of its outcomes (and the outcomes of every
//! replicate, for a run in memory, of the first ones for a directory run), the paired
//! comparison of a comparison, and (for a run in memory) every replicate itself.

use super::part::Unit;
use super::{CompareRow, EnsembleError, Plan, dir, moments};
use crate::output::RunFiles;
use crate::run::ReplicateOutput;
use std::path::{Path, PathBuf};

/// The outcomes of one point's replicates ([`super::outcomes`], in the plan's outcome order):
/// their number, and per outcome the sum, mean, sample standard deviation and 95 % t-interval
/// of the mean over the replicates, and the outcomes of the replicates kept.
///
/// **What is kept, and the memory it takes.** Results of [`super::Ensemble::run`] (in memory)
/// keep every replicate's outcomes: replicates × outcomes × 8 bytes per point, besides the
/// replicates themselves. Results of a run into a directory ([`super::Ensemble::run_in`],
/// [`super::Ensemble::merge`]) keep those of the first 20 replicates only (what
/// `impunity run` prints replicate by replicate): every replicate's outcomes are in the
/// directory's `outcomes.csv`, and the statistics are computed from them in two passes over a
/// scratch file, so the memory of these results does not grow with the replicate count. The
/// statistics are the same bits both ways: those of [`crate::stats::mean_sd`] over the
/// replicates in replicate order.
///
/// ```
/// use impunity::ensemble::{DirOptions, DirRun, Ensemble, Plan, no_progress};
/// let s = impunity::presets::get("epstein-run1").unwrap();
/// let ensemble = Ensemble::new(Plan::single(s, 7, 25, 3).unwrap());
/// let in_memory = &ensemble.run(&no_progress).unwrap().points()[0].clone();
/// let dir = std::env::temp_dir().join(format!("impunity-doc-point-{}", std::process::id()));
/// let DirRun::Done(done) = ensemble.run_in(&dir, &DirOptions::default(), &no_progress).unwrap()
/// else { unreachable!() };
/// let streamed = &done.points()[0];
/// assert_eq!((in_memory.replicates(), in_memory.kept()), (25, 25));
/// assert_eq!((streamed.replicates(), streamed.kept()), (25, 20));
/// let k = 0; // peak_active
/// assert_eq!(streamed.mean(k), in_memory.mean(k));
/// assert_eq!(streamed.sd(k), in_memory.sd(k));
/// assert_eq!(streamed.replicate(3), in_memory.replicate(3));
/// let column = in_memory.column(k);
/// assert_eq!(impunity::stats::mean_sd(&column), Some((streamed.mean(k), streamed.sd(k))));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointResults {
    width: usize,
    replicates: usize,
    /// Per outcome: sum (in replicate order, from `Iterator::sum`'s neutral element), mean
    /// and s.d. ([`crate::stats::mean_sd`]).
    stats: Vec<(f64, f64, f64)>,
    /// The outcomes of the first `kept.len() / width` replicates.
    kept: Vec<f64>,
}

impl PointResults {
    /// The results of `replicates` replicates from their statistics and the outcomes of the
    /// first ones ([`super::moments`]).
    pub(crate) fn from_parts(
        width: usize,
        replicates: usize,
        stats: Vec<(f64, f64, f64)>,
        kept: Vec<f64>,
    ) -> PointResults {
        debug_assert_eq!(stats.len(), width);
        debug_assert_eq!(kept.len() % width.max(1), 0);
        PointResults {
            width,
            replicates,
            stats,
            kept,
        }
    }

    /// Number of replicates.
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// Number of replicates whose outcomes are kept ([`PointResults::replicate`]): all of them
    /// in memory, the first 20 (at most) for results of a directory run.
    pub fn kept(&self) -> usize {
        self.kept.len().checked_div(self.width).unwrap_or(0)
    }

    /// The outcomes of replicate `r`.
    ///
    /// # Panics
    /// If there is no replicate `r`, or it is not kept ([`PointResults::kept`]).
    pub fn replicate(&self, r: usize) -> &[f64] {
        assert!(
            r < self.kept(),
            "replicate {r}: the outcomes of {} of {} replicates are kept (a directory run's are \
             in its outcomes.csv)",
            self.kept(),
            self.replicates
        );
        &self.kept[r * self.width..(r + 1) * self.width]
    }

    /// Outcome `k` of every replicate, in replicate order.
    ///
    /// # Panics
    /// If not every replicate is kept ([`PointResults::kept`]: results of a directory run with
    /// more than 20 replicates, whose outcomes are in its `outcomes.csv`).
    pub fn column(&self, k: usize) -> Vec<f64> {
        assert!(
            self.kept() == self.replicates,
            "the outcomes of {} of {} replicates are kept (a directory run's are in its \
             outcomes.csv)",
            self.kept(),
            self.replicates
        );
        self.kept
            .iter()
            .skip(k)
            .step_by(self.width.max(1))
            .copied()
            .collect()
    }

    /// The sum of outcome `k` over the replicates, in replicate order.
    pub fn sum(&self, k: usize) -> f64 {
        // The stored sum starts from `Iterator::sum`'s neutral element (-0.0); adding 0.0
        // gives the sum started from 0.0, which differs only when every value is -0.0.
        self.stats[k].0 + 0.0
    }

    /// The mean of outcome `k` over the replicates (sum in replicate order, divided by their
    /// number).
    pub fn mean(&self, k: usize) -> f64 {
        self.sum(k) / self.replicates as f64
    }

    /// The sample standard deviation of outcome `k` over the replicates (n − 1 denominator, 0
    /// for one replicate; [`crate::stats::mean_sd`]).
    pub fn sd(&self, k: usize) -> f64 {
        self.stats[k].2
    }

    /// The 95 % t-interval of the mean of outcome `k`: mean ± t(0.975, n − 1) × sd / √n
    /// ([`crate::stats::t975`]); NaN for fewer than two replicates.
    ///
    /// ```
    /// use impunity::ensemble::{Ensemble, Plan, no_progress};
    /// let s = impunity::presets::get("epstein-run1").unwrap();
    /// let r = Ensemble::new(Plan::single(s, 7, 4, 20).unwrap()).run(&no_progress).unwrap();
    /// let p = &r.points()[0];
    /// let (lo, hi) = p.interval(0);
    /// assert!(lo <= p.mean(0) && p.mean(0) <= hi);
    /// ```
    pub fn interval(&self, k: usize) -> (f64, f64) {
        let (_, m, sd) = self.stats[k];
        let n = self.replicates;
        if n < 2 {
            return (f64::NAN, f64::NAN);
        }
        let half = crate::stats::t975(n as u64 - 1) * sd / (n as f64).sqrt();
        (m - half, m + half)
    }

    /// How many numbers these results hold (statistics and kept outcomes).
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        3 * self.stats.len() + self.kept.len()
    }

    /// Mean and s.d. of outcome `k` as [`crate::stats::mean_sd`] gives them.
    pub(crate) fn moments(&self, k: usize) -> (f64, f64) {
        (self.stats[k].1, self.stats[k].2)
    }
}

/// What an ensemble gave: per point, the statistics of its outcomes ([`PointResults`]); for a
/// comparison, the paired comparison of each variant with the baseline; for a run in memory
/// ([`super::Ensemble::run`]), every replicate's outcomes and output, which [`Results::write`]
/// turns into the files a directory run writes.
///
/// Memory: results in memory hold every replicate (its time series, events and outcomes), so
/// they grow with the replicate count; results of a directory run hold a fixed amount per
/// point and outcome (the statistics and the first 20 replicates' outcomes), whatever the
/// replicate count.
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
    /// The results so far of a run in progress: of its first `k` replicates, the longest run
    /// of replicates 0, 1, … whose every point is done (`runs[u]` holds unit `u`'s output
    /// once it is done, e.g. from [`super::Ensemble::run_each`], which starts them in that
    /// order). They are the results of the same plan with `k` replicates, bit for bit, and
    /// `k` only grows as more units are done. `None` while replicate 0 is not complete. With
    /// every unit done, the results of the whole run.
    ///
    /// ```
    /// use impunity::ensemble::{Ensemble, Plan, Results, no_progress};
    /// use std::sync::Mutex;
    /// let plan_of = |replicates| {
    ///     let slow = impunity::presets::get("epstein-run3").unwrap();
    ///     let sudden = impunity::presets::get("epstein-run4").unwrap();
    ///     Plan::comparison(slow, vec![("sudden".into(), sudden)], 1, replicates, 10).unwrap()
    /// };
    /// let plan = plan_of(3);
    /// let runs = Mutex::new(vec![None; 6]);
    /// let ens = Ensemble::new(plan.clone());
    /// let full = ens
    ///     .run_each(&no_progress, &|u, out| runs.lock().unwrap()[u as usize] = Some(out.clone()))
    ///     .unwrap();
    /// let mut runs = runs.into_inner().unwrap();
    /// assert_eq!(Results::partial(&plan, &runs).unwrap().comparison(), full.comparison());
    /// runs[5] = None; // the variant's replicate 2 not done yet: replicates 0 and 1 are shown
    /// let part = Results::partial(&plan, &runs).unwrap();
    /// assert_eq!(part.plan().replicates(), 2);
    /// assert_eq!(part.replicates(1)[1], full.replicates(1)[1]);
    /// let two = Ensemble::new(plan_of(2)).run(&no_progress).unwrap();
    /// assert_eq!(part.comparison(), two.comparison());
    /// runs[1] = None; // the baseline's replicate 1: replicate 0 alone, though 2 is done
    /// assert_eq!(Results::partial(&plan, &runs).unwrap().plan().replicates(), 1);
    /// assert!(Results::partial(&plan, &vec![None; 6]).is_none());
    /// ```
    ///
    /// # Panics
    /// If `runs` does not have one entry per unit of `plan`.
    pub fn partial(plan: &Plan, runs: &[Option<ReplicateOutput>]) -> Option<Results> {
        assert_eq!(runs.len() as u64, plan.units(), "one entry per unit");
        let reps = plan.replicates();
        let points = plan.points().len() as u64;
        let whole: Vec<u64> = (0..reps)
            .take_while(|&r| (0..points).all(|p| runs[(p * reps + r) as usize].is_some()))
            .collect();
        if whole.is_empty() {
            return None;
        }
        let mut sub = Plan::new(
            plan.base().clone(),
            plan.tag_names().to_vec(),
            plan.points().to_vec(),
            plan.seed(),
            whole.len() as u64,
            plan.ticks(),
            plan.design().to_string(),
        )
        .expect("a subset of a valid plan");
        if let Some(d) = plan.draws() {
            // keep each kept replicate's draw: one draw per replicate
            let values = whole
                .iter()
                .map(|&r| d.values[(r / d.per_draw) as usize].clone())
                .collect();
            sub = sub
                .with_draws(super::Draws {
                    keys: d.keys.clone(),
                    values,
                    per_draw: 1,
                })
                .expect("the same draws");
        }
        let kept = (0..points)
            .flat_map(|p| whole.iter().map(move |&r| (p * reps + r) as usize))
            .map(|u| runs[u].clone().expect("complete"))
            .collect();
        Some(Results::from_runs(sub, kept))
    }

    /// The results of the replicates of `plan` in memory (`runs` in unit order), every
    /// replicate's outcomes kept.
    pub(crate) fn from_runs(plan: Plan, runs: Vec<ReplicateOutput>) -> Results {
        let width = plan.outcome_names().len();
        let reps = plan.replicates();
        let mut values = vec![Vec::with_capacity(width * reps as usize); plan.points().len()];
        for (u, out) in runs.iter().enumerate() {
            let (p, r) = plan.unit(u as u64);
            values[p].extend(super::outcomes::values(plan.scenario(p, r), out));
        }
        let rows = moments::InMemory {
            width,
            points: &values,
        };
        let (points, comparison) =
            Results::statistics(&plan, &rows, reps).expect("rows in memory never fail");
        Results {
            plan,
            points,
            comparison,
            files: Vec::new(),
            runs,
        }
    }

    /// The per-point results (keeping the outcomes of the first `keep` replicates of each)
    /// and, for a comparison, the paired comparison, from `rows`.
    pub(crate) fn statistics(
        plan: &Plan,
        rows: &dyn moments::Rows,
        keep: u64,
    ) -> std::io::Result<(Vec<PointResults>, Vec<CompareRow>)> {
        let width = plan.outcome_names().len();
        let points = (0..plan.points().len())
            .map(|p| moments::point(rows, p, width, plan.replicates(), keep))
            .collect::<std::io::Result<Vec<_>>>()?;
        let comparison = if plan.is_comparison() {
            moments::compare_rows(plan, rows, &points)?
        } else {
            Vec::new()
        };
        Ok((points, comparison))
    }

    /// The results of a run whose replicates are not in memory (a directory run): `points`
    /// and `comparison` from [`Results::statistics`], and the `files` written.
    pub(crate) fn streamed(
        plan: Plan,
        points: Vec<PointResults>,
        comparison: Vec<CompareRow>,
        files: Vec<PathBuf>,
    ) -> Results {
        Results {
            plan,
            points,
            comparison,
            files,
            runs: Vec::new(),
        }
    }

    /// The plan that was run.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Per point (in point order), the statistics of its outcomes and the outcomes of the
    /// replicates kept ([`PointResults`]: every one in memory, the first 20 for a directory
    /// run).
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
        let mut single = Plan::single(
            point.scenario.clone(),
            plan.seed(),
            plan.replicates(),
            plan.ticks(),
        )?;
        if let Some(d) = plan.draws() {
            single = single.with_draws(d.clone())?;
        }
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
