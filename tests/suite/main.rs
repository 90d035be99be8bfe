//! The integration tests, one module per topic (one test binary, so the crate is linked once).

mod bad_scenarios;
mod calibrate;
mod charts;
mod cli;
mod common;
mod determinism;
mod ensembles;
mod golden;
mod invariants;
mod mechanisms;
mod outputs;
mod policy;
mod posterior;
mod reliability;
mod reproduction;
mod scale;
mod scenario_cli;
mod scenario_docs;
mod scenario_fuzz;
mod sensitivity;
#[cfg(feature = "serve")]
mod serve;
mod valid_scenarios;
mod variants;
mod warnings;
