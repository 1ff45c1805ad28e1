//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod anchor_r;
mod common;
mod config;
mod draws;
mod properties;
mod worked_examples;
