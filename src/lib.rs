//! # impunity
//!
//! Agent-based simulation of armed conflict, state abuse and communal violence, built on an
//! exact and fast port of Epstein's civil-violence model (2002).
//!
//! The public modules, from a scenario to the files a study reads:
//!
//! * [`scenario`]: a run described as data (TOML, or [`scenario::ScenarioBuilder`]), validated
//!   before anything runs; [`presets`]: the scenarios shipped with the crate.
//! * [`rules`]: the implementation details on which the paper, NetLogo and Mesa differ.
//! * [`model`]: the state of one replicate and its [`Model::step`]; [`metrics`]: the columns
//!   it reports each tick; [`events`]: its events and cases.
//! * [`run`]: one replicate, start to end ([`run::run_replicate`]).
//! * [`ensemble`]: many replicates, sweeps and paired comparisons through one driver,
//!   [`Ensemble`]: in memory, or streamed to a directory (resumable, shardable).
//! * [`stats`]: means, percentiles, paired comparisons, Epstein's outbursts.
//! * [`output`]: the files of a run (`timeseries.csv`, `outcomes.csv`, `summary.csv`,
//!   `compare.csv`, `manifest.json`, …).
//! * [`charts`] (feature `charts`, on by default): charts drawn from those files;
//!   [`snapshot`]: lattice snapshots.
//! * [`calibration`]: the 2018 figures the central-Mali scenario is calibrated to.
//!
//! The library never prints, never exits, and never builds a thread pool: it runs on the
//! caller's rayon pool (the `impunity` binary, feature `cli`, builds one from `--threads`).
//! The same scenario and seed give the same bytes on any machine and thread count.
//!
//! A study: does a sudden drop in legitimacy (Epstein's run 4) bring out more rebels than a
//! slow decline (run 3)? Both run on the same seeds, in memory, and the paired comparison comes
//! back as values.
//!
//! ```
//! use impunity::ensemble::{Ensemble, Plan, no_progress};
//! use impunity::presets;
//!
//! let slow = presets::get("epstein-run3").unwrap();
//! let sudden = presets::get("epstein-run4").unwrap();
//! let plan = Plan::comparison(slow, vec![("sudden".into(), sudden)], 34, 4, 200).unwrap();
//! let results = Ensemble::new(plan).run(&no_progress).unwrap();
//! let peak = results.outcome("peak_active").unwrap();
//! let row = &results.comparison()[peak];
//! assert_eq!(row.paired.n, 4);
//! assert!(row.paired.ci_low <= row.paired.diff_mean && row.paired.diff_mean <= row.paired.ci_high);
//! // the same files `impunity compare` writes:
//! let dir = std::env::temp_dir().join(format!("impunity-lib-doc-{}", std::process::id()));
//! results.write(&dir, vec!["my-study".into()]).unwrap();
//! assert!(dir.join("compare.csv").exists());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
#![warn(missing_docs)]

pub mod calibrate;
pub mod calibration;
#[cfg(feature = "charts")]
pub mod charts;
pub mod ensemble;
pub mod events;
mod mechanisms;
pub mod metrics;
pub mod model;
pub mod output;
pub mod presets;
mod report;
mod rng;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod snapshot;
pub mod stats;
mod world;

pub use ensemble::Ensemble;
pub use model::Model;
pub use scenario::Scenario;
pub use world::cpu_path;

/// The README's Rust examples, compiled and run as doctests so that they cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The Rust example of docs/ensembles.md, likewise.
#[doc = include_str!("../docs/ensembles.md")]
#[cfg(doctest)]
pub struct EnsemblesDoctests;
