//! Ensembles: many replicates of one or more scenario variants ("points"), run in parallel,
//! streamed to disk, resumable, shardable across machines.
//!
//! # The unit of work
//! An ensemble is a [`Plan`]: points (a plain run has one; a sweep or a comparison has
//! several), a master seed, a replicate count and a tick count. Its *units* are the pairs
//! (point, replicate), numbered `unit = point * replicates + replicate`. Replicate `r` of
//! every point runs on the random streams of `(seed, r)` alone ([`crate::rng`]): points share
//! their seeds (common random numbers) and a unit's result does not depend on which thread,
//! process, shard or machine runs it.
//!
//! # Streaming and resuming
//! [`run_units`] runs the units on the caller's rayon pool (the library never builds one).
//! Each finished unit is written at once to its own *part file* `DIR/.parts/p<point>-r<rep>.part`
//! (written under a temporary name, then renamed: a part is either whole or absent), so memory
//! does not grow with the number of replicates, and a run killed at any moment loses only the
//! units in flight. Units whose part exists are skipped, which is all `--resume` needs.
//! [`assemble`] then reads the parts in unit order, one at a time, and writes the final files
//! (each atomically); completion order and thread count therefore never reach the output bytes.
//!
//! # Summaries
//! `summary.csv` holds, per point, tick and metric, the mean, sample s.d. and the percentiles
//! 5, 25, 50, 75, 95 (type 7, [`crate::stats::percentile`]) across replicates, all exact. While
//! assembling a point, each replicate's values go to a scratch file (replicate-major); the
//! percentiles are then computed tick block by tick block, a block holding as many ticks as fit
//! in [`Options::summary_block_bytes`] (at least one tick: replicates × metrics values).
//!
//! ```
//! use impunity::ensemble::{Options, Plan, Shard, assemble, prepare, run_units};
//! let s = impunity::presets::get("epstein-run1").unwrap();
//! let plan = Plan::single(s, 7, 3, 5).unwrap();
//! let dir = std::env::temp_dir().join(format!("impunity-doc-ens-{}", std::process::id()));
//! prepare(&plan, &dir, None, false, vec![]).unwrap();
//! run_units(&plan, &dir, None, &|_| {}).unwrap();
//! let done = assemble(&plan, &[dir.clone()], &dir, &Options::default()).unwrap();
//! assert_eq!(done.points[0].replicates, 3);
//! let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
//! assert!(summary.starts_with("tick,metric,n,mean,sd,p5,p25,p50,p75,p95\n0,quiescent,3,"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod design;
pub mod outcomes;

use crate::output::{Calendar, Manifest, calendar, fmt_value};
use crate::run::run_replicate_observed;
use crate::scenario::Scenario;
use crate::stats;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What went wrong in an ensemble operation.
#[derive(Debug)]
pub enum EnsembleError {
    /// Bad input: a mismatched resume or merge, a missing unit, a bad design (exit code 2).
    Input(String),
    /// A file could not be read or written (exit code 1).
    Io(String),
}

impl std::fmt::Display for EnsembleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnsembleError::Input(m) | EnsembleError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for EnsembleError {}

fn io_err(what: &Path) -> impl Fn(io::Error) -> EnsembleError + '_ {
    move |e| EnsembleError::Io(format!("{}: {e}", what.display()))
}

/// One scenario variant of an ensemble.
#[derive(Clone, Debug)]
pub struct Point {
    /// The value of each tag column ([`Plan::tag_names`]), as written in the outputs.
    pub tags: Vec<String>,
    /// The scenario this point runs.
    pub scenario: Scenario,
}

/// Everything that determines an ensemble's results.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario the points derive from (the manifest's scenario).
    pub base: Scenario,
    /// Names of the columns that tag a point (the varied keys, or `variant`); empty for a
    /// plain run, whose outputs then have no `point` column.
    pub tag_names: Vec<String>,
    /// The points, in point order.
    pub points: Vec<Point>,
    /// Master seed.
    pub seed: u64,
    /// Replicates per point.
    pub replicates: u64,
    /// Ticks per replicate.
    pub ticks: u32,
    /// How the points were made (e.g. `grid --vary policy.impunity=0,1`), for the manifest.
    pub design: String,
    metrics: Vec<String>,
    outcomes: Vec<String>,
}

impl Plan {
    /// A plain run: one point, no tag columns.
    pub fn single(s: Scenario, seed: u64, replicates: u64, ticks: u32) -> Result<Plan, String> {
        let p = Point {
            tags: vec![],
            scenario: s.clone(),
        };
        Plan::new(s, vec![], vec![p], seed, replicates, ticks, "run".into())
    }

    /// A plan; every point must report the same metrics and outcomes.
    pub fn new(
        base: Scenario,
        tag_names: Vec<String>,
        points: Vec<Point>,
        seed: u64,
        replicates: u64,
        ticks: u32,
        design: String,
    ) -> Result<Plan, String> {
        if replicates == 0 {
            return Err("--replicates must be at least 1".into());
        }
        if points.is_empty() {
            return Err("the design has no points".into());
        }
        let metrics = crate::metrics::MetricSet::for_scenario(&points[0].scenario)?
            .names()
            .to_vec();
        let outcomes = outcomes::names(&points[0].scenario)?;
        for (k, p) in points.iter().enumerate() {
            if p.tags.len() != tag_names.len() {
                return Err(format!("point {k} has {} tags", p.tags.len()));
            }
            let m = crate::metrics::MetricSet::for_scenario(&p.scenario)?;
            if m.names() != metrics.as_slice() || outcomes::names(&p.scenario)? != outcomes {
                return Err(format!(
                    "point {k} ({}) reports other columns than point 0: the varied keys must \
                     not change the metrics (e.g. add or remove groups or communities)",
                    p.tags.join(", ")
                ));
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
        })
    }

    /// Number of units (points × replicates).
    pub fn units(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// (point, replicate) of a unit.
    pub fn unit(&self, u: u64) -> (usize, u64) {
        ((u / self.replicates) as usize, u % self.replicates)
    }

    /// The metric columns.
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// The outcome columns.
    pub fn outcome_names(&self) -> &[String] {
        &self.outcomes
    }

    /// Whether this is a comparison (`impunity compare`): point 0 is the baseline, the others
    /// variants, and [`assemble`] also writes `compare.csv`.
    pub fn is_comparison(&self) -> bool {
        self.design.starts_with("compare")
    }

    /// Whether outputs carry point columns (a sweep or comparison).
    pub fn has_points(&self) -> bool {
        !self.tag_names.is_empty()
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
        format!("{h:016x}")
    }

    fn file(&self, shard: Option<Shard>, command_line: Vec<String>) -> PlanFile {
        PlanFile {
            fingerprint: self.fingerprint(),
            impunity_version: env!("CARGO_PKG_VERSION").into(),
            seed: self.seed,
            replicates: self.replicates,
            ticks: self.ticks,
            design: self.design.clone(),
            shard: shard.map(|s| s.to_string()),
            command_line,
            tag_names: self.tag_names.clone(),
            base: self.base.to_toml_string(),
            points: self
                .points
                .iter()
                .map(|p| PlanPoint {
                    tags: p.tags.clone(),
                    scenario: p.scenario.to_toml_string(),
                })
                .collect(),
        }
    }
}

/// `DIR/.parts/plan.json`: the plan of a directory being filled, enough to rebuild it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PlanFile {
    fingerprint: String,
    impunity_version: String,
    seed: u64,
    replicates: u64,
    ticks: u32,
    design: String,
    shard: Option<String>,
    command_line: Vec<String>,
    tag_names: Vec<String>,
    base: String,
    points: Vec<PlanPoint>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PlanPoint {
    tags: Vec<String>,
    scenario: String,
}

impl PlanFile {
    fn plan(&self) -> Result<Plan, String> {
        let sc = |t: &str| Scenario::from_toml_str(t, "plan.json").map_err(|e| e.to_string());
        let points = self
            .points
            .iter()
            .map(|p| {
                Ok(Point {
                    tags: p.tags.clone(),
                    scenario: sc(&p.scenario)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let plan = Plan::new(
            sc(&self.base)?,
            self.tag_names.clone(),
            points,
            self.seed,
            self.replicates,
            self.ticks,
            self.design.clone(),
        )?;
        if plan.fingerprint() != self.fingerprint {
            return Err(format!(
                "written by impunity {}: its scenarios no longer read back the same",
                self.impunity_version
            ));
        }
        Ok(plan)
    }
}

/// `K/N`: the share of units `u` with `u % N == K`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N).
    ///
    /// ```
    /// use impunity::ensemble::Shard;
    /// assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
    /// assert!(Shard::parse("4/4").is_err());
    /// assert!(Shard::parse("0/0").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard {s}: expected K/N, e.g. 0/4"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<u64>()
                .map_err(|_| format!("--shard {s}: `{x}` is not a whole number"))
        };
        let (index, count) = (num(k)?, num(n)?);
        if count == 0 {
            return Err(format!("--shard {s}: N must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "--shard {s}: K must be below N (shards are numbered 0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `u` belongs to this shard.
    pub fn owns(&self, u: u64) -> bool {
        u % self.count == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Where the state of `dir` stands for a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prepared {
    /// Units remain to run (or to be assembled).
    Ready,
    /// `dir` already holds the finished outputs of this plan (resume of a finished run).
    Complete,
}

/// The folder of part files.
pub fn parts_dir(dir: &Path) -> PathBuf {
    dir.join(".parts")
}

/// What impunity writes into an output directory: the files and folders that `--force` may
/// replace. Anything else in the directory is left alone.
pub const OUTPUT_NAMES: [&str; 11] = [
    "timeseries.csv",
    "outcomes.csv",
    "summary.csv",
    "events.csv",
    "cases.csv",
    "points.csv",
    "compare.csv",
    "manifest.json",
    "charts",
    "snapshots",
    ".parts",
];

/// Claims `dir` for a new run, so that earlier results are never overwritten by accident.
///
/// A missing or empty directory is fine. A directory holding anything else is refused unless
/// `force`, in which case impunity's earlier outputs ([`OUTPUT_NAMES`] and their unfinished
/// `.NAME.partial` files) are removed and any other file is kept. With `resume` nothing is
/// checked here: [`prepare`] decides whether the directory holds the same run.
///
/// ```
/// use impunity::ensemble::claim_dir;
/// let dir = std::env::temp_dir().join(format!("impunity-claim-doc-{}", std::process::id()));
/// let _ = std::fs::remove_dir_all(&dir);
/// claim_dir(&dir, false, false).unwrap(); // does not exist yet: fine
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("timeseries.csv"), "replicate,tick\n").unwrap();
/// std::fs::write(dir.join("notes.txt"), "mine").unwrap();
/// assert!(claim_dir(&dir, false, false).is_err()); // refused without force
/// claim_dir(&dir, false, true).unwrap();
/// assert!(!dir.join("timeseries.csv").exists()); // impunity's output removed
/// assert!(dir.join("notes.txt").exists()); // the user's file kept
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn claim_dir(dir: &Path, resume: bool, force: bool) -> Result<(), EnsembleError> {
    if resume {
        return Ok(());
    }
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(EnsembleError::Input(format!(
            "{} exists and is not a directory; choose another --out",
            dir.display()
        )));
    }
    let mut entries: Vec<String> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()
        .map_err(io_err(dir))?;
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort();
    if !force {
        let shown = entries
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if entries.len() > 4 { ", …" } else { "" };
        return Err(EnsembleError::Input(format!(
            "{} already exists and is not empty ({shown}{more}); choose another --out, add \
             --force to replace impunity's outputs there, or --resume to continue an \
             interrupted run",
            dir.display()
        )));
    }
    for name in entries {
        let ours = OUTPUT_NAMES.iter().any(|o| {
            name == *o
                || name
                    .strip_prefix('.')
                    .and_then(|n| n.strip_suffix(".partial"))
                    == Some(*o)
        });
        if !ours {
            continue;
        }
        let p = dir.join(&name);
        let res = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        res.map_err(io_err(&p))?;
    }
    Ok(())
}

/// Gets `dir` ready to run `plan`. Without `resume`, any earlier parts are removed and the run
/// starts afresh. With `resume`, the directory must hold parts (or finished outputs) of the
/// same plan and shard; anything else is refused, before anything is written.
pub fn prepare(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
    resume: bool,
    command_line: Vec<String>,
) -> Result<Prepared, EnsembleError> {
    let parts = parts_dir(dir);
    let pf = parts.join("plan.json");
    let fp = plan.fingerprint();
    if resume {
        if pf.is_file() {
            let old = read_plan_file(&pf)?;
            if old.fingerprint != fp {
                return Err(EnsembleError::Input(format!(
                    "--resume: {} holds a different run ({}); same scenario, --set, seed, \
                     replicates, ticks and design needed (or run without --resume to start afresh)",
                    dir.display(),
                    describe_difference(&old, plan)
                )));
            }
            if old.shard != shard.map(|s| s.to_string()) {
                return Err(EnsembleError::Input(format!(
                    "--resume: {} holds shard {}, not {}",
                    dir.display(),
                    old.shard.as_deref().unwrap_or("(none)"),
                    shard.map_or("(none)".into(), |s| s.to_string())
                )));
            }
            return Ok(Prepared::Ready);
        }
        let mf = dir.join("manifest.json");
        if mf.is_file() {
            let text = fs::read_to_string(&mf).map_err(io_err(&mf))?;
            let m: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| EnsembleError::Input(format!("{}: {e}", mf.display())))?;
            if m["fingerprint"].as_str() == Some(fp.as_str()) && shard.is_none() {
                return Ok(Prepared::Complete);
            }
            return Err(EnsembleError::Input(format!(
                "--resume: {} holds the outputs of a different run (seed {}, replicates {}, \
                 ticks {}, fingerprint {}; this one: seed {}, replicates {}, ticks {}, \
                 fingerprint {fp})",
                dir.display(),
                m["seed"],
                m["replicates"],
                m["ticks"],
                m["fingerprint"],
                plan.seed,
                plan.replicates,
                plan.ticks
            )));
        }
    }
    if parts.exists() {
        fs::remove_dir_all(&parts).map_err(io_err(&parts))?;
    }
    fs::create_dir_all(&parts).map_err(io_err(&parts))?;
    let text = serde_json::to_string_pretty(&plan.file(shard, command_line)).expect("serialises");
    crate::output::write_atomic(&pf, |w| writeln!(w, "{text}")).map_err(io_err(&pf))?;
    Ok(Prepared::Ready)
}

fn describe_difference(old: &PlanFile, plan: &Plan) -> String {
    let mut d = Vec::new();
    if old.seed != plan.seed {
        d.push(format!("seed {} vs {}", old.seed, plan.seed));
    }
    if old.replicates != plan.replicates {
        d.push(format!(
            "replicates {} vs {}",
            old.replicates, plan.replicates
        ));
    }
    if old.ticks != plan.ticks {
        d.push(format!("ticks {} vs {}", old.ticks, plan.ticks));
    }
    if old.design != plan.design {
        d.push(format!("design `{}` vs `{}`", old.design, plan.design));
    }
    if old.base != plan.base.to_toml_string() || old.points.len() != plan.points.len() {
        d.push("the scenario differs".into());
    }
    if d.is_empty() {
        d.push("the scenario of some point differs".into());
    }
    d.join(", ")
}

fn read_plan_file(pf: &Path) -> Result<PlanFile, EnsembleError> {
    let text = fs::read_to_string(pf).map_err(io_err(pf))?;
    serde_json::from_str(&text)
        .map_err(|e| EnsembleError::Input(format!("{}: not a plan file: {e}", pf.display())))
}

fn part_name(point: usize, rep: u64) -> String {
    format!("p{point}-r{rep}.part")
}

fn parse_part_name(name: &str) -> Option<(usize, u64)> {
    let rest = name.strip_prefix('p')?.strip_suffix(".part")?;
    let (p, r) = rest.split_once("-r")?;
    Some((p.parse().ok()?, r.parse().ok()?))
}

/// The units whose part files are in `parts`.
fn done_units(plan: &Plan, parts: &Path) -> io::Result<Vec<u64>> {
    let mut done = Vec::new();
    for e in fs::read_dir(parts)? {
        let name = e?.file_name();
        if let Some((p, r)) = parse_part_name(&name.to_string_lossy())
            && p < plan.points.len()
            && r < plan.replicates
        {
            done.push(p as u64 * plan.replicates + r);
        }
    }
    done.sort_unstable();
    Ok(done)
}

/// How many units a run had to do and did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunCount {
    /// Units of this shard (all units without a shard).
    pub owned: u64,
    /// Of those, already on disk before this call.
    pub already: u64,
}

/// Units of `plan` (of `shard`, if given) not yet done in `dir` (see [`prepare`]).
pub fn pending_units(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
) -> Result<(RunCount, Vec<u64>), EnsembleError> {
    let parts = parts_dir(dir);
    let done = done_units(plan, &parts).map_err(io_err(&parts))?;
    let owns = |u: u64| shard.is_none_or(|s| s.owns(u));
    let owned = (0..plan.units()).filter(|&u| owns(u)).count() as u64;
    let mut todo = Vec::new();
    let mut k = 0;
    for u in (0..plan.units()).filter(|&u| owns(u)) {
        while k < done.len() && done[k] < u {
            k += 1;
        }
        if k >= done.len() || done[k] != u {
            todo.push(u);
        }
    }
    let already = owned - todo.len() as u64;
    Ok((RunCount { owned, already }, todo))
}

/// What a progress callback of [`run_units`] is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// One replicate advanced one tick.
    Tick,
    /// One unit (point, replicate) finished and is on disk.
    Unit,
}

/// Runs every unit of `plan` (of `shard`) that has no part file in `dir` yet, in parallel on
/// the current rayon pool, writing each unit's part as soon as it is done. `progress` is
/// called after every tick of every unit and after every unit (from the worker threads).
/// Returns what was owned and what was already there.
pub fn run_units(
    plan: &Plan,
    dir: &Path,
    shard: Option<Shard>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RunCount, EnsembleError> {
    let (count, todo) = pending_units(plan, dir, shard)?;
    run_these(plan, dir, &todo, progress)?;
    Ok(count)
}

/// Runs exactly the units `todo` (part files in `dir/.parts`), in parallel on the current pool.
pub fn run_these(
    plan: &Plan,
    dir: &Path,
    todo: &[u64],
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), EnsembleError> {
    let parts = parts_dir(dir);
    todo.par_iter().with_max_len(1).try_for_each(|&u| {
        let (p, r) = plan.unit(u);
        let bytes = run_part_observed(plan, p, r, &|| progress(Progress::Tick));
        let name = part_name(p, r);
        let tmp = parts.join(format!(".{name}.tmp"));
        let fin = parts.join(&name);
        fs::write(&tmp, &bytes)
            .and_then(|_| fs::rename(&tmp, &fin))
            .map_err(io_err(&fin))?;
        progress(Progress::Unit);
        Ok(())
    })
}

const MAGIC: &[u8; 16] = b"impunity-part-1\n";

/// Stores a part made by [`run_part`] elsewhere (another MPI rank) in `dir/.parts`, under the
/// (point, replicate) its header names, atomically.
pub fn store_part(plan: &Plan, dir: &Path, bytes: &[u8]) -> Result<(), EnsembleError> {
    let mut c = Cursor(bytes);
    let head = (|| {
        if c.take(16)? != MAGIC {
            return None;
        }
        Some((usize::try_from(c.u64()?).ok()?, c.u64()?))
    })();
    let (p, r) = head
        .filter(|&(p, r)| p < plan.points.len() && r < plan.replicates)
        .ok_or_else(|| EnsembleError::Io("received a damaged part".into()))?;
    let parts = parts_dir(dir);
    let name = part_name(p, r);
    let tmp = parts.join(format!(".{name}.tmp"));
    let fin = parts.join(&name);
    fs::write(&tmp, bytes)
        .and_then(|_| fs::rename(&tmp, &fin))
        .map_err(io_err(&fin))
}

/// Runs one unit and encodes it as a part: magic, point, replicate, then the timeseries,
/// events and cases rows (CSV text, without point columns), the outcomes and the per-tick
/// metric values (f64, little-endian), each section preceded by its length.
pub fn run_part(plan: &Plan, point: usize, rep: u64) -> Vec<u8> {
    run_part_observed(plan, point, rep, &|| {})
}

/// [`run_part`], calling `after_tick` after every tick.
pub fn run_part_observed(plan: &Plan, point: usize, rep: u64, after_tick: &dyn Fn()) -> Vec<u8> {
    let s = &plan.points[point].scenario;
    let out = run_replicate_observed(s, plan.seed, rep, plan.ticks, after_tick);
    let cal = calendar(s);
    let mut ts = Vec::new();
    crate::output::write_timeseries_rows(&mut ts, rep, &out.rows, cal).expect("to memory");
    let mut ev = Vec::new();
    let mut cs = Vec::new();
    if out.conflict.is_some() {
        crate::events::write_rows(&mut ev, s, rep, 0, &out.events).expect("to memory");
        crate::output::write_cases(&mut cs, s, rep, &out.cases).expect("to memory");
    }
    let oc = outcomes::values(&out);
    let mut b = Vec::with_capacity(ts.len() + ev.len() + cs.len() + 256);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&(point as u64).to_le_bytes());
    b.extend_from_slice(&rep.to_le_bytes());
    for sec in [&ts, &ev, &cs] {
        b.extend_from_slice(&(sec.len() as u64).to_le_bytes());
        b.extend_from_slice(sec);
    }
    let vals: Vec<f64> = out.rows.iter().flatten().copied().collect();
    for fl in [&oc, &vals] {
        b.extend_from_slice(&(fl.len() as u64).to_le_bytes());
        for v in fl.iter() {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    b
}

/// A decoded part file.
struct Part {
    timeseries: Vec<u8>,
    events: Vec<u8>,
    cases: Vec<u8>,
    outcomes: Vec<f64>,
    values: Vec<f64>,
}

/// Reads a part's sections in order.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = usize::try_from(self.u64()?).ok()?;
        Some(self.take(n)?.to_vec())
    }
    fn floats(&mut self) -> Option<Vec<f64>> {
        let n = usize::try_from(self.u64()?).ok()?;
        let raw = self.take(n.checked_mul(8)?)?;
        Some(
            raw.chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
        )
    }
}

fn decode_part(b: &[u8], point: usize, rep: u64) -> Option<Part> {
    let mut c = Cursor(b);
    if c.take(16)? != MAGIC || c.u64()? != point as u64 || c.u64()? != rep {
        return None;
    }
    let part = Part {
        timeseries: c.bytes()?,
        events: c.bytes()?,
        cases: c.bytes()?,
        outcomes: c.floats()?,
        values: c.floats()?,
    };
    c.0.is_empty().then_some(part)
}

/// Knobs of [`assemble`] that do not change its outputs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Memory for the per-tick percentiles of one tick block (default 64 MiB).
    pub summary_block_bytes: usize,
    /// Keep every replicate's outcomes in [`PointResult::outcomes`] (for comparisons).
    pub keep_outcomes: bool,
    /// The command line recorded in the manifest.
    pub command_line: Vec<String>,
    /// Remove the part files once the outputs are written.
    pub remove_parts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            summary_block_bytes: 64 << 20,
            keep_outcomes: false,
            command_line: vec![],
            remove_parts: true,
        }
    }
}

/// What [`assemble`] gathered about one point, for the printed summary.
#[derive(Clone, Debug, Default)]
pub struct PointResult {
    /// Replicates assembled.
    pub replicates: usize,
    /// Sum over replicates (in replicate order) of each outcome.
    pub outcome_sums: Vec<f64>,
    /// The outcomes of the first (up to) 20 replicates.
    pub head: Vec<Vec<f64>>,
    /// Every replicate's outcomes, if [`Options::keep_outcomes`].
    pub outcomes: Vec<Vec<f64>>,
}

/// What [`assemble`] wrote.
#[derive(Clone, Debug)]
pub struct Assembled {
    /// Per point.
    pub points: Vec<PointResult>,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// For a comparison, the rows of `compare.csv`.
    pub comparison: Vec<CompareRow>,
}

/// The header of `compare.csv`.
pub const COMPARE_HEADER: &str =
    "variant,outcome,n,baseline_mean,variant_mean,diff_mean,diff_sd,ci_low,ci_high,share_lower";

/// One row of `compare.csv`: a variant against the baseline (point 0) on one outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// Variant name.
    pub variant: String,
    /// Outcome name.
    pub outcome: String,
    /// The paired statistics.
    pub paired: stats::Paired,
}

/// The paired comparison of every later point with point 0, outcome by outcome (variants in
/// point order, outcomes in column order).
pub fn compare_rows(plan: &Plan, points: &[PointResult]) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let Some(base) = points.first() else {
        return rows;
    };
    let column =
        |p: &PointResult, k: usize| -> Vec<f64> { p.outcomes.iter().map(|o| o[k]).collect() };
    for (v, pr) in points.iter().enumerate().skip(1) {
        for (k, name) in plan.outcomes.iter().enumerate() {
            rows.push(CompareRow {
                variant: plan.points[v].tags.first().cloned().unwrap_or_default(),
                outcome: name.clone(),
                paired: stats::Paired::of(&column(base, k), &column(pr, k)),
            });
        }
    }
    rows
}

/// Writes `compare.csv` ([`COMPARE_HEADER`]).
pub fn write_compare<W: Write>(w: &mut W, rows: &[CompareRow]) -> io::Result<()> {
    writeln!(w, "{COMPARE_HEADER}")?;
    for r in rows {
        let p = &r.paired;
        write!(w, "{},{},{}", csv_field(&r.variant), r.outcome, p.n)?;
        for v in [
            p.baseline_mean,
            p.variant_mean,
            p.diff_mean,
            p.diff_sd,
            p.ci_low,
            p.ci_high,
            p.share_lower,
        ] {
            write!(w, ",{}", fmt_value(v))?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// A file written under a temporary name and renamed when committed.
struct Pending {
    path: PathBuf,
    tmp: PathBuf,
    w: BufWriter<fs::File>,
}

impl Pending {
    fn create(path: PathBuf) -> Result<Pending, EnsembleError> {
        let tmp = crate::output::partial_path(&path);
        let f = fs::File::create(&tmp).map_err(io_err(&tmp))?;
        Ok(Pending {
            path,
            tmp,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    fn commit(self) -> Result<PathBuf, EnsembleError> {
        let Pending { path, tmp, w } = self;
        let f = w
            .into_inner()
            .map_err(|e| EnsembleError::Io(format!("{}: {}", tmp.display(), e.error())))?;
        f.sync_all().map_err(io_err(&tmp))?;
        fs::rename(&tmp, &path).map_err(io_err(&path))?;
        Ok(path)
    }
}

/// Writes `prefix` before every line of `text`.
fn prefixed<W: Write>(w: &mut W, prefix: &str, text: &[u8]) -> io::Result<()> {
    if prefix.is_empty() {
        return w.write_all(text);
    }
    for line in text.split_inclusive(|&c| c == b'\n') {
        w.write_all(prefix.as_bytes())?;
        w.write_all(line)?;
    }
    Ok(())
}

/// Finds the part of every unit of `plan` among the `sources` directories (their `.parts/`),
/// checking that each unit is there exactly once and that every source holds the same plan.
fn index_sources(plan: &Plan, sources: &[PathBuf]) -> Result<Vec<usize>, EnsembleError> {
    const NONE: usize = usize::MAX;
    let mut at = vec![NONE; plan.units() as usize];
    for (k, src) in sources.iter().enumerate() {
        let parts = parts_dir(src);
        let pf = read_plan_file(&parts.join("plan.json")).map_err(|_| {
            EnsembleError::Input(format!(
                "{} holds no unfinished run or shard (no .parts/plan.json)",
                src.display()
            ))
        })?;
        if pf.fingerprint != plan.fingerprint() {
            return Err(EnsembleError::Input(format!(
                "{} is from a different run than {} ({}): shards must share scenario, --set, \
                 seed, replicates, ticks and design",
                src.display(),
                sources[0].display(),
                describe_difference(&pf, plan)
            )));
        }
        for u in done_units(plan, &parts).map_err(io_err(&parts))? {
            let slot = &mut at[u as usize];
            if *slot != NONE {
                let (p, r) = plan.unit(u);
                return Err(EnsembleError::Input(format!(
                    "point {p} replicate {r} is in both {} and {}",
                    sources[*slot].display(),
                    src.display()
                )));
            }
            *slot = k;
        }
    }
    let missing: Vec<u64> = (0..plan.units())
        .filter(|&u| at[u as usize] == NONE)
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(10)
            .map(|&u| {
                let (p, r) = plan.unit(u);
                if plan.has_points() {
                    format!("point {p} replicate {r}")
                } else {
                    format!("replicate {r}")
                }
            })
            .collect();
        return Err(EnsembleError::Input(format!(
            "{} of {} units missing: {}{}",
            missing.len(),
            plan.units(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        )));
    }
    Ok(at)
}

/// Reads the plan of a directory being filled (`DIR/.parts/plan.json`), e.g. a shard.
pub fn read_plan(dir: &Path) -> Result<Plan, EnsembleError> {
    let pf = parts_dir(dir).join("plan.json");
    if !pf.is_file() {
        return Err(EnsembleError::Input(format!(
            "{} holds no unfinished run or shard (no .parts/plan.json)",
            dir.display()
        )));
    }
    read_plan_file(&pf)?
        .plan()
        .map_err(|e| EnsembleError::Input(format!("{}: {e}", pf.display())))
}

/// The command line recorded in a directory's plan.
pub fn recorded_command_line(dir: &Path) -> Result<Vec<String>, EnsembleError> {
    Ok(read_plan_file(&parts_dir(dir).join("plan.json"))?.command_line)
}

/// Writes the final outputs of `plan` into `out` from the part files of `sources` (one
/// directory for a run, the shard directories for a merge): `timeseries.csv`, `events.csv` and
/// `cases.csv` (conflict model), `outcomes.csv`, `summary.csv`, `points.csv` (with points) and
/// `manifest.json`, each atomically. Every unit must be present exactly once.
pub fn assemble(
    plan: &Plan,
    sources: &[PathBuf],
    out: &Path,
    opts: &Options,
) -> Result<Assembled, EnsembleError> {
    let at = index_sources(plan, sources)?;
    fs::create_dir_all(out).map_err(io_err(out))?;
    let conflict = crate::model::is_conflict(&plan.base);
    let cal = calendar(&plan.base);
    let pts = plan.has_points();
    let tag_head: String = plan.tag_names.iter().map(|t| format!(",{t}")).collect();
    let tags_of = |p: usize| -> String {
        let mut s = p.to_string();
        for t in &plan.points[p].tags {
            s.push(',');
            s.push_str(&csv_field(t));
        }
        s
    };
    let w_err = |p: &Path| {
        let p = p.to_path_buf();
        move |e: io::Error| EnsembleError::Io(format!("{}: {e}", p.display()))
    };

    let mut ts = Pending::create(out.join("timeseries.csv"))?;
    {
        let mut head = Vec::new();
        crate::output::write_timeseries_header(&mut head, &plan.metrics, cal).expect("to memory");
        let pre = if pts { "point," } else { "" };
        prefixed(&mut ts.w, pre, &head).map_err(w_err(&ts.tmp))?;
    }
    let mut ev_cs = if conflict {
        let mut ev = Pending::create(out.join("events.csv"))?;
        let mut cs = Pending::create(out.join("cases.csv"))?;
        let pre = if pts { "point," } else { "" };
        writeln!(ev.w, "{pre}{}", crate::events::HEADER).map_err(w_err(&ev.tmp))?;
        writeln!(cs.w, "{pre}{}", crate::output::CASES_HEADER).map_err(w_err(&cs.tmp))?;
        Some((ev, cs))
    } else {
        None
    };
    let mut oc = Pending::create(out.join("outcomes.csv"))?;
    let mut sm = Pending::create(out.join("summary.csv"))?;
    {
        let pre = if pts {
            format!("point{tag_head},")
        } else {
            String::new()
        };
        write!(oc.w, "{pre}replicate").map_err(w_err(&oc.tmp))?;
        for n in &plan.outcomes {
            write!(oc.w, ",{n}").map_err(w_err(&oc.tmp))?;
        }
        writeln!(oc.w).map_err(w_err(&oc.tmp))?;
        let date = if cal.is_some() { "date," } else { "" };
        writeln!(sm.w, "{pre}tick,{date}metric,n,mean,sd,p5,p25,p50,p75,p95")
            .map_err(w_err(&sm.tmp))?;
    }

    let scratch_path = out.join(".summary-values.tmp");
    let ticks = plan.ticks as usize + 1;
    let m = plan.metrics.len();
    let mut results = Vec::with_capacity(plan.points.len());
    for p in 0..plan.points.len() {
        let pre_rows = if pts { format!("{p},") } else { String::new() };
        let pre_tags = if pts {
            format!("{},", tags_of(p))
        } else {
            String::new()
        };
        let mut scratch =
            BufWriter::new(fs::File::create(&scratch_path).map_err(io_err(&scratch_path))?);
        let mut res = PointResult {
            outcome_sums: vec![0.0; plan.outcomes.len()],
            ..Default::default()
        };
        for r in 0..plan.replicates {
            let u = p as u64 * plan.replicates + r;
            let path = parts_dir(&sources[at[u as usize]]).join(part_name(p, r));
            let bytes = fs::read(&path).map_err(io_err(&path))?;
            let part = decode_part(&bytes, p, r)
                .filter(|x| x.values.len() == ticks * m && x.outcomes.len() == plan.outcomes.len())
                .ok_or_else(|| {
                    EnsembleError::Io(format!(
                        "{}: damaged part file (remove it and resume)",
                        path.display()
                    ))
                })?;
            prefixed(&mut ts.w, &pre_rows, &part.timeseries).map_err(w_err(&ts.tmp))?;
            if let Some((ev, cs)) = ev_cs.as_mut() {
                prefixed(&mut ev.w, &pre_rows, &part.events).map_err(w_err(&ev.tmp))?;
                prefixed(&mut cs.w, &pre_rows, &part.cases).map_err(w_err(&cs.tmp))?;
            }
            let mut line = format!("{pre_tags}{r}");
            for v in &part.outcomes {
                line.push(',');
                line.push_str(&fmt_value(*v));
            }
            line.push('\n');
            oc.w.write_all(line.as_bytes()).map_err(w_err(&oc.tmp))?;
            for (a, b) in res.outcome_sums.iter_mut().zip(&part.outcomes) {
                *a += b;
            }
            if res.head.len() < 20 {
                res.head.push(part.outcomes.clone());
            }
            for v in &part.values {
                scratch
                    .write_all(&v.to_le_bytes())
                    .map_err(w_err(&scratch_path))?;
            }
            if opts.keep_outcomes || plan.is_comparison() {
                res.outcomes.push(part.outcomes);
            }
            res.replicates += 1;
        }
        scratch.flush().map_err(w_err(&scratch_path))?;
        drop(scratch);
        write_summary(
            &mut sm.w,
            &scratch_path,
            &pre_tags,
            plan,
            cal,
            opts.summary_block_bytes,
        )
        .map_err(w_err(&sm.tmp))?;
        results.push(res);
    }
    let _ = fs::remove_file(&scratch_path);
    let comparison = plan.is_comparison().then(|| compare_rows(plan, &results));

    let mut files = vec![ts.commit()?];
    if let Some((ev, cs)) = ev_cs {
        files.push(ev.commit()?);
        files.push(cs.commit()?);
    }
    files.push(oc.commit()?);
    files.push(sm.commit()?);
    if pts {
        let path = out.join("points.csv");
        crate::output::write_atomic(&path, |w| {
            writeln!(w, "point{tag_head}")?;
            for p in 0..plan.points.len() {
                writeln!(w, "{}", tags_of(p))?;
            }
            Ok(())
        })
        .map_err(io_err(&path))?;
        files.push(path);
    }
    if let Some(rows) = &comparison {
        let path = out.join("compare.csv");
        crate::output::write_atomic(&path, |w| write_compare(w, rows)).map_err(io_err(&path))?;
        files.push(path);
    }
    let mut manifest = Manifest::new(
        &plan.base,
        plan.seed,
        plan.replicates,
        plan.ticks,
        opts.command_line.clone(),
    );
    manifest.fingerprint = Some(plan.fingerprint());
    manifest.design = Some(plan.design.clone());
    if pts {
        manifest.points = Some(plan.points.len() as u64);
    }
    let mf = out.join("manifest.json");
    manifest.write(&mf).map_err(io_err(&mf))?;
    files.push(mf);
    if opts.remove_parts {
        for src in sources {
            let parts = parts_dir(src);
            fs::remove_dir_all(&parts).map_err(io_err(&parts))?;
        }
    }
    if !opts.keep_outcomes {
        for r in &mut results {
            r.outcomes = Vec::new();
        }
    }
    Ok(Assembled {
        points: results,
        files,
        comparison: comparison.unwrap_or_default(),
    })
}

/// A CSV field, quoted if it holds a comma, quote or newline.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The summary rows of one point from its scratch file (replicate-major f64 values).
fn write_summary<W: Write>(
    w: &mut W,
    scratch: &Path,
    pre: &str,
    plan: &Plan,
    cal: Calendar,
    budget: usize,
) -> io::Result<()> {
    let ticks = plan.ticks as usize + 1;
    let m = plan.metrics.len();
    let reps = plan.replicates as usize;
    if m == 0 {
        return Ok(());
    }
    let per_tick = reps * m * 8;
    let block = (budget / per_tick.max(1)).clamp(1, ticks);
    let mut f = fs::File::open(scratch)?;
    let mut buf = vec![0u8; block * m * 8];
    let mut vals = vec![0.0f64; reps * block * m];
    let mut col = vec![0.0f64; reps];
    let mut line = String::with_capacity(128);
    let mut t0 = 0;
    while t0 < ticks {
        let bt = block.min(ticks - t0);
        for r in 0..reps {
            f.seek(SeekFrom::Start(((r * ticks + t0) * m * 8) as u64))?;
            let b = &mut buf[..bt * m * 8];
            f.read_exact(b)?;
            for (k, c) in b.chunks_exact(8).enumerate() {
                vals[r * bt * m + k] = f64::from_le_bytes(c.try_into().expect("8 bytes"));
            }
        }
        for dt in 0..bt {
            let t = t0 + dt;
            for (j, name) in plan.metrics.iter().enumerate() {
                for (r, c) in col.iter_mut().enumerate() {
                    *c = vals[r * bt * m + dt * m + j];
                }
                let d = stats::Describe::of(&col);
                line.clear();
                line.push_str(pre);
                line.push_str(&t.to_string());
                line.push(',');
                if let Some((start, days)) = cal {
                    line.push_str(&start.plus_days(t as i64 * days as i64).to_string());
                    line.push(',');
                }
                line.push_str(name);
                line.push_str(&format!(",{}", d.n));
                for v in [d.mean, d.sd, d.p5, d.p25, d.p50, d.p75, d.p95] {
                    line.push(',');
                    line.push_str(&fmt_value(v));
                }
                line.push('\n');
                w.write_all(line.as_bytes())?;
            }
        }
        t0 += bt;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary_with_block(plan: &Plan, dir: &Path, bytes: usize) -> Vec<u8> {
        let opts = Options {
            summary_block_bytes: bytes,
            remove_parts: false,
            ..Options::default()
        };
        assemble(plan, &[dir.to_path_buf()], dir, &opts).unwrap();
        fs::read(dir.join("summary.csv")).unwrap()
    }

    /// Tick blocks of any size give the same exact percentiles.
    #[test]
    fn summary_independent_of_block_size() {
        let s = crate::presets::get("epstein-run2").unwrap();
        let plan = Plan::single(s, 3, 9, 30).unwrap();
        let dir = std::env::temp_dir().join(format!("impunity-blocks-{}", std::process::id()));
        prepare(&plan, &dir, None, false, vec![]).unwrap();
        run_units(&plan, &dir, None, &|_| {}).unwrap();
        let whole = summary_with_block(&plan, &dir, 1 << 30);
        let one_tick = summary_with_block(&plan, &dir, 1);
        let seven = summary_with_block(&plan, &dir, 9 * 4 * 8 * 7);
        assert_eq!(whole, one_tick);
        assert_eq!(whole, seven);
        // Spot check one row against the timeseries.
        let ts = fs::read_to_string(dir.join("timeseries.csv")).unwrap();
        let active_at_10: Vec<f64> = ts
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == "10")
            .map(|c| c[3].parse().unwrap())
            .collect();
        let d = stats::Describe::of(&active_at_10);
        let text = String::from_utf8(whole).unwrap();
        let row = text
            .lines()
            .find(|l| l.starts_with("10,active,"))
            .unwrap()
            .to_string();
        assert_eq!(
            row,
            format!(
                "10,active,9,{},{},{},{},{},{},{}",
                fmt_value(d.mean),
                fmt_value(d.sd),
                fmt_value(d.p5),
                fmt_value(d.p25),
                fmt_value(d.p50),
                fmt_value(d.p75),
                fmt_value(d.p95)
            )
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn part_names_round_trip() {
        assert_eq!(parse_part_name(&part_name(3, 17)), Some((3, 17)));
        assert_eq!(parse_part_name(".p3-r17.part.tmp"), None);
        assert_eq!(parse_part_name("plan.json"), None);
    }
}
