//! Calibration by ABC-SMC: priors over scenario keys, target statistics (whole-run outcomes
//! or event statistics), and the algorithm, generic over a simulator.
//!
//! `impunity calibrate` (docs/calibrate.md) is the command-line way in, through [`run_in`];
//! [`calibrate`] runs the algorithm on any simulator closure. Not to be confused with
//! [`crate::calibration`], the 2018 figures the central-Mali preset is compared with by hand.

mod config;
mod dir;
mod finished;
mod posterior;
mod prior;
mod problem;
mod share;
mod smc;
mod statistic;

pub use config::{Config, ConfigError, Parameter, TargetSpec};
pub use dir::{
    CalibrateError, DirOptions, DirReport, FILES, PREDICTIVE_DRAWS, run_in, run_in_shared, simulate,
};
pub use finished::{Finished, PredictiveRow, is_calibration_dir, read_finished};
pub use posterior::{
    EFFECTS_HEADER, Posterior, PosteriorEffect, PosteriorError, effects, write_effects,
    write_outputs,
};
pub use prior::{Prior, PriorError};
pub use smc::{
    Calibration, Generation, Particle, Problem, Progress, ProgressFn, Settings, Share, SmcError,
    Stop, calibrate, calibrate_shared, candidate_rng, no_progress,
};
pub use statistic::Statistic;

#[cfg(test)]
mod tests;
