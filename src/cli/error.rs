//! The command line's errors: every error of the library worded with the flags that caused it,
//! and the exit code it deserves (2 for bad input, 1 for a failure while running), in one place.

use impunity::ensemble::design::DesignError;
use impunity::ensemble::{EnsembleError, PlanError, ShardError};
use std::process::ExitCode;

/// What went wrong, and which exit code it deserves.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: usage, scenario, arguments, directories that hold something else (exit 2).
    #[error("{0}")]
    Input(String),
    /// Failure while running: reading, writing, drawing (exit 1).
    #[error("{0}")]
    Run(String),
}

pub type Result<T> = std::result::Result<T, CliError>;

/// Bad input.
pub fn input(m: impl Into<String>) -> CliError {
    CliError::Input(m.into())
}

/// A failure while running.
pub fn failed(m: impl Into<String>) -> CliError {
    CliError::Run(m.into())
}

impl CliError {
    /// The process's exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Input(_) => ExitCode::from(2),
            CliError::Run(_) => ExitCode::from(1),
        }
    }
}

impl From<impunity::output::TidyError> for CliError {
    fn from(e: impunity::output::TidyError) -> Self {
        match e {
            impunity::output::TidyError::Format { .. } => input(e.to_string()),
            e => failed(e.to_string()),
        }
    }
}

impl From<PlanError> for CliError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::NoReplicates => input("--replicates must be at least 1"),
            PlanError::TooManyTicks { ticks, .. } => input(format!("--ticks {ticks}: {e}")),
            PlanError::TooManyUnits { replicates, .. } => {
                input(format!("--replicates {replicates}: {e}"))
            }
            e => input(e.to_string()),
        }
    }
}

impl From<ShardError> for CliError {
    fn from(e: ShardError) -> Self {
        input(format!("--shard {}: {}", e.spec, e.reason))
    }
}

impl From<DesignError> for CliError {
    fn from(e: DesignError) -> Self {
        match e {
            DesignError::Vary { spec, reason } => input(format!("--vary {spec}: {reason}")),
            DesignError::NoSamples => input("--samples must be at least 1"),
            DesignError::TooManyPoints { .. } => input(format!(
                "{e} (each point's scenario is kept and recorded); --allow-large lifts the limit"
            )),
            e => input(e.to_string()),
        }
    }
}

impl From<EnsembleError> for CliError {
    fn from(e: EnsembleError) -> Self {
        let message = match &e {
            EnsembleError::Plan(PlanError::NoReplicates) => {
                "--replicates must be at least 1".to_string()
            }
            EnsembleError::Plan(PlanError::TooManyTicks { ticks, .. }) => {
                format!("--ticks {ticks}: {e}")
            }
            EnsembleError::NotADirectory { .. } => format!("{e}; choose another --out"),
            EnsembleError::NotEmpty { .. } => format!(
                "{e}; choose another --out, add --force to replace impunity's outputs there, or \
                 --resume to continue an interrupted run"
            ),
            EnsembleError::DifferentRun { dir, difference } => format!(
                "--resume: {} holds a different run ({difference}); same scenario, --set, seed, \
                 replicates, ticks and design needed (or run without --resume to start afresh)",
                dir.display()
            ),
            EnsembleError::DifferentShard { dir, found, wanted } => format!(
                "--resume: {} holds shard {}, not {}",
                dir.display(),
                found.as_deref().unwrap_or("(none)"),
                wanted.map_or("(none)".into(), |s| s.to_string())
            ),
            EnsembleError::DifferentOutputs { dir, found, this } => format!(
                "--resume: {} holds the outputs of a different run ({found}; this one: {this})",
                dir.display()
            ),
            EnsembleError::Locked { .. } => {
                format!("{e} (or choose another --out); a process that died leaves no lock behind")
            }
            EnsembleError::DanglingLink { .. } => {
                format!("{e}; create its target or choose another --out")
            }
            EnsembleError::Forbidden { .. } => format!("{e}; choose another --out"),
            EnsembleError::NotOurs { .. } => format!(
                "{e} (--force replaces only the files an impunity manifest lists); move them \
                 away or choose another --out"
            ),
            EnsembleError::NothingToResume { .. } => format!(
                "--resume: {e}; --resume continues a run in the directory it was started in \
                 (choose another --out for a new run)"
            ),
            EnsembleError::DamagedPart { .. } => {
                format!("{e}; run the command that wrote it again, with --resume")
            }
            EnsembleError::DifferentShards { .. } => format!(
                "{e}: shards must share scenario, --set, seed, replicates, ticks and design"
            ),
            _ => e.to_string(),
        };
        if e.is_input() {
            CliError::Input(message)
        } else {
            CliError::Run(message)
        }
    }
}
