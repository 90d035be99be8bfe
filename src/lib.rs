//! # impunity
//!
//! Agent-based simulation of armed conflict, state abuse and communal violence, built on an
//! exact and fast port of Epstein's civil-violence model (2002).
//!
//! * [`scenario`]: a run described as data (TOML), validated before anything runs.
//! * [`presets`]: the scenarios shipped with the crate (`epstein-run1` … `mesa-epstein`).
//! * [`model`]: the state of one replicate and its [`Model::step`].
//! * [`mechanisms`]: the rules, one file per mechanism.
//! * [`rules`]: the implementation details that differ between the paper, NetLogo and Mesa.
//! * [`world`]: the lattice, vision shapes and bit layers.
//! * [`rng`]: the one place random generators are made.
//! * [`metrics`], [`stats`], [`run`]: what a run reports.
//! * [`ensemble`]: many replicates, sweeps and comparisons, streamed to disk, resumable,
//!   shardable.
//! * [`charts`], [`snapshot`]: charts drawn from a run's output files; lattice snapshots.
//!
//! ```
//! use impunity::{presets, run::run_replicate};
//! let s = presets::get("epstein-run1").unwrap();
//! let out = run_replicate(&s, 7, 0, 20);
//! assert_eq!(out.rows.len(), 21); // ticks 0..=20
//! ```
#![warn(missing_docs)]

pub mod calibration;
#[cfg(feature = "charts")]
pub mod charts;
pub mod ensemble;
pub mod events;
pub mod mechanisms;
pub mod metrics;
pub mod model;
pub mod output;
pub mod presets;
mod report;
pub mod rng;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod snapshot;
pub mod stats;
pub mod world;

pub use model::Model;

/// The README's Rust example, compiled and run as a doctest so that it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use scenario::Scenario;
