//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod binary_reference;
mod common;
mod design_checks;
mod estimatr_reference;
mod randomization_reference;
