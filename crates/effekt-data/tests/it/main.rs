//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod csv;
mod datasets;
mod errors;
mod ods_limits;
mod props;
mod select;
mod sheets;
