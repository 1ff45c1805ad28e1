//! The integration tests of this package, in one test binary (one link instead of one per
//! file). Each module is one former `tests/*.rs` file; shared helpers are in `common`.

mod api;
mod common;
mod cr2_routes;
mod cr_reference;
mod demean_reference;
mod determinism;
mod effect_size_reference;
mod logit_reference;
mod ols_reference;
mod props;
