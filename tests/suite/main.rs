//! The integration tests, one module per topic (one test binary, so the crate is linked once).

mod cli;
mod common;
mod determinism;
mod golden;
mod invariants;
mod reproduction;
