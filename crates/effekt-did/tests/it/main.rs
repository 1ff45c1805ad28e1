//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod common;
mod cs_bootstrap;
mod cs_common;
mod cs_determinism;
mod cs_errors;
mod cs_reference;
mod cs_small;
mod panel_checks;
mod pyfixest_reference;
mod wild_reference;
