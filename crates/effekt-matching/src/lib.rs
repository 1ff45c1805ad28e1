//! Control-group matching and weighting: propensity scores, nearest neighbour, CEM, IPW, AIPW,
//! balance tables — with MatchIt 4.5.1 as the anchor.
//!
//! # Design
//! (Full crate documentation below, in the module docs of each step.)

// Numerical kernels index several arrays in lock-step, and `!(x > 0.0)` deliberately treats NaN
// as failing the check.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod balance;
mod cem;
mod config;
pub mod effect;
mod error;
mod fit;
mod mahal;
mod nearest;
mod prep;
mod ps;
mod search;
mod weighting;

pub use balance::{BalanceRow, GroupSizes, LovePoint, SMD_THRESHOLD, SampleSizes};
pub use cem::Coarsening;
pub use config::{
    BootstrapOptions, CemCut, CovariateCaliper, Cut, Discard, Distance, EffectOptions, Estimand,
    IpwOptions, MatchConfig, Method, Order, SeMethod, Ties,
};
pub use effect::{BootstrapSummary, Effect};
pub use error::MatchError;
pub use fit::{
    CaliperInfo, CovariateCaliperInfo, DropReason, Dropped, MatchFit, Settings, Unit,
    WeightingInfo, fit,
};
pub use ps::PsModel;
