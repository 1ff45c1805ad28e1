//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod calibration;
mod report_checks;
mod report_disclosure;
mod report_model;
mod report_privacy;
mod report_reference;
