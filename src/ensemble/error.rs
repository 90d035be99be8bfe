//! What can go wrong in an ensemble, as data: each error names what it is about (the
//! directory, the file, the point and replicate, what differs), keeps the error it comes from,
//! and says nothing of command-line flags (the binary words them with its flags).

use super::Shard;
use crate::metrics::MetricError;
use crate::scenario::ScenarioError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What is wrong with a [`super::Plan`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// No replicates asked for.
    #[error("an ensemble needs at least one replicate")]
    NoReplicates,
    /// No points.
    #[error("the design has no points")]
    NoPoints,
    /// A point has another number of tags than there are tag columns.
    #[error("point {point} has {tags} tags")]
    TagCount {
        /// The point.
        point: usize,
        /// Its number of tags.
        tags: usize,
    },
    /// A point reports other metrics or outcomes than point 0, so their files could not share
    /// columns.
    #[error(
        "point {point} ({}) reports other columns than point 0: the varied keys must not change \
         the metrics (e.g. add or remove groups or communities)",
        tags.join(", ")
    )]
    Columns {
        /// The point.
        point: usize,
        /// Its tags.
        tags: Vec<String>,
    },
    /// More ticks than [`super::MAX_TICKS`].
    #[error(
        "{ticks} ticks is more than the {} a run may have (each replicate would hold about \
         {} of time series)",
        super::MAX_TICKS,
        human_bytes(*bytes)
    )]
    TooManyTicks {
        /// Ticks asked for.
        ticks: u32,
        /// Bytes one replicate would hold, roughly.
        bytes: u64,
    },
    /// More units (points × replicates) than [`super::MAX_UNITS`].
    #[error(
        "{points} points × {replicates} replicates is more than the {} units a plan may have",
        super::MAX_UNITS
    )]
    TooManyUnits {
        /// Points.
        points: u64,
        /// Replicates per point.
        replicates: u64,
    },
    /// A point's scenario has no valid metrics.
    #[error(transparent)]
    Metrics(#[from] MetricError),
    /// The draws do not divide the replicates ([`super::Plan::with_draws`]).
    #[error(
        "{draws} draws × {per_draw} replicates per draw is not the plan's {replicates} replicates"
    )]
    DrawCount {
        /// Draws.
        draws: u64,
        /// Replicates per draw.
        per_draw: u64,
        /// The plan's replicates.
        replicates: u64,
    },
    /// A point's scenario under a draw is not a valid scenario.
    #[error("draw {draw} on point {point}: {message}")]
    Draw {
        /// The point.
        point: usize,
        /// The draw (0-based).
        draw: usize,
        /// What is wrong.
        message: String,
    },
}

/// What differs between the plan recorded in a directory and another plan (resume, merge).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// (recorded, this) seeds, if they differ.
    pub seed: Option<(u64, u64)>,
    /// (recorded, this) replicate counts, if they differ.
    pub replicates: Option<(u64, u64)>,
    /// (recorded, this) tick counts, if they differ.
    pub ticks: Option<(u32, u32)>,
    /// (recorded, this) designs, if they differ.
    pub design: Option<(String, String)>,
    /// Whether the base scenario (or the number of points) differs.
    pub scenario: bool,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = Vec::new();
        if let Some((a, b)) = self.seed {
            d.push(format!("seed {a} vs {b}"));
        }
        if let Some((a, b)) = self.replicates {
            d.push(format!("replicates {a} vs {b}"));
        }
        if let Some((a, b)) = self.ticks {
            d.push(format!("ticks {a} vs {b}"));
        }
        if let Some((a, b)) = &self.design {
            d.push(format!("design `{a}` vs `{b}`"));
        }
        if self.scenario {
            d.push("the scenario differs".into());
        }
        if d.is_empty() {
            d.push("the scenario of some point differs".into());
        }
        f.write_str(&d.join(", "))
    }
}

/// A run as a `manifest.json` records it: its values as written there (JSON text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Master seed.
    pub seed: String,
    /// Replicates.
    pub replicates: String,
    /// Ticks.
    pub ticks: String,
    /// Fingerprint ([`super::Plan::fingerprint`]).
    pub fingerprint: String,
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {}, replicates {}, ticks {}, fingerprint {}",
            self.seed, self.replicates, self.ticks, self.fingerprint
        )
    }
}

/// Why the plan recorded in `.parts/plan.json` cannot be read back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanFileError {
    /// Not the JSON of a plan.
    #[error("not a plan file: {0}")]
    Json(#[source] serde_json::Error),
    /// A scenario in it no longer reads.
    #[error(transparent)]
    Scenario(Box<ScenarioError>),
    /// The plan it describes is invalid.
    #[error(transparent)]
    Plan(PlanError),
    /// Written by another version whose scenarios no longer read back to the same plan.
    #[error("written by impunity {version}: its scenarios no longer read back the same")]
    Stale {
        /// The version that wrote it.
        version: String,
    },
}

/// What went wrong in an ensemble operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnsembleError {
    /// The plan is invalid.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// The output path exists and is not a directory.
    #[error("{} exists and is not a directory", dir.display())]
    NotADirectory {
        /// The path.
        dir: PathBuf,
    },
    /// The output directory holds files and neither `force` nor `resume` was asked for.
    #[error("{} already exists and is not empty ({})", dir.display(), first_entries(entries))]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
        /// What it holds, sorted by name.
        entries: Vec<String>,
    },
    /// Resuming a directory that holds parts of another plan.
    #[error("cannot resume: {} holds a different run ({difference})", dir.display())]
    DifferentRun {
        /// The directory.
        dir: PathBuf,
        /// What differs.
        difference: Box<Difference>,
    },
    /// Resuming a directory that holds another shard.
    #[error(
        "cannot resume: {} holds shard {}, not {}",
        dir.display(),
        found.as_deref().unwrap_or("(none)"),
        wanted.map_or("(none)".into(), |s| s.to_string())
    )]
    DifferentShard {
        /// The directory.
        dir: PathBuf,
        /// The shard it holds (`K/N`), if any.
        found: Option<String>,
        /// The shard asked for, if any.
        wanted: Option<Shard>,
    },
    /// Resuming a directory that holds the finished outputs of another run.
    #[error("cannot resume: {} holds the outputs of a different run ({found}; this one: {this})", dir.display())]
    DifferentOutputs {
        /// The directory.
        dir: PathBuf,
        /// The run its manifest records.
        found: Box<Recorded>,
        /// This run.
        this: Box<Recorded>,
    },
    /// A `manifest.json` that is not valid JSON.
    #[error("{}: {source}", path.display())]
    BadManifest {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: serde_json::Error,
    },
    /// A directory to merge or read holds no `.parts/plan.json`.
    #[error("{} holds no unfinished run or shard (no .parts/plan.json)", dir.display())]
    NoPlan {
        /// The directory.
        dir: PathBuf,
    },
    /// A `.parts/plan.json` that cannot be read back.
    #[error("{}: {source}", path.display())]
    PlanFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: PlanFileError,
    },
    /// Directories to merge hold parts of different plans.
    #[error("{} is from a different run than {} ({difference})", dir.display(), first.display())]
    DifferentShards {
        /// The directory that differs.
        dir: PathBuf,
        /// The first directory.
        first: PathBuf,
        /// What differs.
        difference: Box<Difference>,
    },
    /// A unit is in two of the directories to merge.
    #[error(
        "point {point} replicate {replicate} is in both {} and {}",
        first.display(),
        second.display()
    )]
    DuplicateUnit {
        /// Its point.
        point: usize,
        /// Its replicate.
        replicate: u64,
        /// One directory holding it.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// Units are missing from the directories to assemble.
    #[error("{}", missing_text(*count, *units, first, *has_points))]
    MissingUnits {
        /// How many are missing.
        count: usize,
        /// Units in the plan.
        units: u64,
        /// The first (up to 10) missing units, as (point, replicate).
        first: Vec<(usize, u64)>,
        /// Whether the plan has points (they are then named).
        has_points: bool,
    },
    /// Another process holds the lock of the output directory ([`super::Ensemble::run_in`],
    /// [`super::Ensemble::merge`]).
    #[error(
        "{} is in use by another impunity process (it holds {}/.impunity.lock); wait for it \
         to finish",
        dir.display(),
        dir.display()
    )]
    Locked {
        /// The directory.
        dir: PathBuf,
    },
    /// The output path is a symbolic link to nothing.
    #[error("{} is a symbolic link to {}, which does not exist", link.display(), target.display())]
    DanglingLink {
        /// The link.
        link: PathBuf,
        /// What it points to.
        target: PathBuf,
    },
    /// The output path is one where outputs have no business (the root, the home directory).
    #[error("refusing to write outputs into {}: it is {what}", dir.display())]
    Forbidden {
        /// The directory, resolved.
        dir: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// Files bearing the names of outputs are in the directory, and no manifest of impunity's
    /// there lists them: replacing them could destroy someone's data, even with `force`.
    #[error(
        "{} holds {} that no impunity manifest there lists; refusing to replace {}",
        dir.display(),
        entries.join(", "),
        if entries.len() == 1 { "it" } else { "them" }
    )]
    NotOurs {
        /// The directory.
        dir: PathBuf,
        /// The files, sorted by name.
        entries: Vec<String>,
    },
    /// `force` on a directory whose `manifest.json` is another command's (a calibration's):
    /// its files are not a run's to replace.
    #[error(
        "{} holds the results of `impunity {command}` (its manifest.json says so); --force replaces only a run's, sweep's or comparison's files: use another --out",
        dir.display()
    )]
    OtherCommand {
        /// The directory.
        dir: PathBuf,
        /// The command its manifest names.
        command: String,
    },
    /// Resuming a non-empty directory that holds no run (no `.parts/plan.json`, no manifest).
    #[error("cannot resume: {} holds no impunity run ({})", dir.display(), first_entries(entries))]
    NothingToResume {
        /// The directory.
        dir: PathBuf,
        /// What it holds, sorted by name.
        entries: Vec<String>,
    },
    /// A `manifest.json` whose checksum does not match its contents (damaged or edited).
    #[error("{}: damaged or edited since it was written (its checksum does not match)", path.display())]
    DamagedManifest {
        /// The file.
        path: PathBuf,
    },
    /// A part file is damaged (its checksum, unit or shape does not match).
    #[error("{}: damaged part file (a resume sets it aside and runs its unit again)", path.display())]
    DamagedPart {
        /// The part file.
        path: PathBuf,
    },
    /// A part received from another process is damaged.
    #[error("received a damaged part")]
    DamagedMessage,
    /// Results whose replicates are not in memory (those of a run streamed to a directory:
    /// its files hold them) cannot be written again or split.
    #[error("the replicates are not in memory (the files of the run hold them)")]
    NotInMemory,
    /// No directory to merge.
    #[error("nothing to merge")]
    NothingToMerge,
    /// The progress callback asked to stop. Finished units are on disk (a directory run
    /// resumes from them).
    #[error("stopped before the end")]
    Cancelled,
}

impl EnsembleError {
    /// Wraps an I/O error on `path`.
    pub(crate) fn io(path: &Path) -> impl Fn(io::Error) -> EnsembleError + '_ {
        move |source| EnsembleError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the error lies in the input (the plan, the directories given, what they hold)
    /// rather than in reading, writing or running (a command line exits with 2 for those, 1
    /// for the others).
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            EnsembleError::Io { .. }
                | EnsembleError::DamagedPart { .. }
                | EnsembleError::DamagedMessage
                | EnsembleError::Cancelled
                | EnsembleError::NotInMemory
        )
    }
}

fn first_entries(entries: &[String]) -> String {
    let shown = entries
        .iter()
        .take(4)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if entries.len() > 4 { ", …" } else { "" };
    format!("{shown}{more}")
}

fn missing_text(count: usize, units: u64, first: &[(usize, u64)], has_points: bool) -> String {
    let shown: Vec<String> = first
        .iter()
        .map(|&(p, r)| {
            if has_points {
                format!("point {p} replicate {r}")
            } else {
                format!("replicate {r}")
            }
        })
        .collect();
    format!(
        "{count} of {units} units missing: {}{}",
        shown.join(", "),
        if count > first.len() { ", …" } else { "" }
    )
}

/// Bytes in KiB, MiB, GiB or TiB, one decimal.
pub(crate) fn human_bytes(b: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = b as f64;
    let mut k = 0;
    while v >= 1024.0 && k + 1 < units.len() {
        v /= 1024.0;
        k += 1;
    }
    if k == 0 {
        format!("{b} bytes")
    } else {
        format!("{v:.1} {}", units[k])
    }
}
