//! The deterministic, rayon-parallel resampling core: bootstrap schemes, the permutation /
//! randomisation engine and interval methods. The only crate in effekt that draws random numbers.
//!
//! # Design
//!
//! * **One stream per replicate.** Replicate b of every procedure draws from its own ChaCha8
//!   stream selected by (seed, purpose, b) ([`rng`]); results are collected in replicate order
//!   ([`engine`]). Output is therefore bit-identical at 1, 2 or 8 threads and across runs.
//! * **Weights, not copies.** A resample is a frequency vector over the original rows (Davison &
//!   Hinkley 1997, §2.7), so every scheme — ordinary, stratified, cluster, Bayesian, Poisson —
//!   feeds the same [`Statistic`] interface without copying data.
//! * **A fast path for linear statistics** ([`LinearStatistic`]): means, differences and ratios of
//!   means and proportions are accumulated while drawing (or from per-cluster sums), and their
//!   jackknife is O(n), so BCa at n = 1,000,000 costs no more memory than the data.
//! * **Intervals** ([`interval`]): percentile, basic, normal, studentized, BCa, with R `boot`'s
//!   quantile convention; methods that are not well defined fall back to percentile with a
//!   warning rather than returning nonsense.
//! * **Randomisation inference** ([`permutation`]): re-randomises the way the design did
//!   (complete, blocked, clustered), exactly when the assignments are few.
//!
//! Library code never prints; long loops report progress through a callback.

pub mod bootstrap;
mod draw;
pub mod engine;
mod error;
pub mod general;
pub mod interval;
pub mod layout;
pub mod linear;
pub mod permutation;
pub mod rng;

pub use bootstrap::{BootstrapConfig, BootstrapResult, bootstrap, bootstrap_linear};
pub use engine::{ProgressFn, map_indexed, map_replicates};
pub use error::ResampleError;
pub use general::{FnStatistic, Median, MedianDiff, Statistic};
pub use interval::{Interval, IntervalMethod};
pub use layout::{Layout, Scheme};
pub use linear::{Estimate, LinearKind, LinearStatistic};
pub use permutation::{Draws, PValues, PermutationConfig, PermutationPlan, p_values};
pub use rng::{Purpose, Rng, Streams, stream};
