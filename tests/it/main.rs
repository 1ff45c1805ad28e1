//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod catalogue;
mod cli_bootstrap;
mod cli_did;
mod cli_match;
mod cli_power;
mod cli_rct;
mod cli_run;
mod cli_simulate;
mod common;
mod fuzz;
mod invariants;
mod report_atomic;
