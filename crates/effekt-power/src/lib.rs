//! Power analysis before a pilot starts, and synthetic evaluation data with known effects.
//!
//! Three parts:
//!
//! * [`analytic`] — closed-form power, sample size and minimum detectable effect for the
//!   designs municipal pilots use: two means, paired / pre-post, ANCOVA and DiD over several
//!   waves, two proportions (arcsine, pooled, unpooled, continuity correction), and
//!   cluster-randomised trials with unequal cluster sizes. Any one of n, effect, power and
//!   alpha is solved for by bracketing root finding, so "how many families", "what effect can
//!   we detect" and "what power do we have" are one function. Results match R `pwr` and
//!   statsmodels to 1e-6 relative (fixtures in `tests/fixtures`).
//! * [`dgp`] — documented data-generating processes for IHF (intensive home-based family
//!   treatment) and TFCO (Treatment Foster Care Oregon) evaluations, generic cluster-randomised
//!   trials and staggered-adoption panels. Each returns an [`effekt_data::Table`] and the true
//!   effects ([`dgp::TrueEffects`]) that are written beside the data as a JSON sidecar. Real
//!   client data cannot be shared; these files feed examples, coverage tests and teaching.
//! * [`sim`] — the simulation harness: data-generating process → the analysis that will really
//!   be used → power, bias, RMSE and CI coverage, each with its Monte Carlo standard error.
//!   Simulation `s` draws only from `effekt_resample::stream(seed, Purpose::Simulation, s)`
//!   and results are gathered in simulation order, so output is bit-identical at any thread
//!   count; early stopping is checked at fixed batch boundaries for the same reason. The
//!   analysis is one closure (or [`sim::Analysis`] impl), so the design crates plug in
//!   without changes here.
//!
//! Why simulation at all when closed forms exist: the designs that are actually analysed
//! (few clusters with CR2, matching, staggered DiD, binary outcomes near 0 or 1) have no
//! trustworthy closed form. The analytic part is the check on the harness: where both apply,
//! simulated power must agree with the formula within Monte Carlo error (tested).
//!
//! Randomness: only `effekt_resample` streams; distributions from `rand_distr`.

pub mod analytic;
pub mod dgp;
pub mod dist;
mod error;
pub mod roots;
pub mod sim;

pub use analytic::{
    Alternative, Cluster, Curve, CurveOver, CurvePoint, CurveSpec, Design, Paired, Parameter,
    PowerResult, ProportionMethod, ProportionScale, Targets, TestStatistic, TwoMeans,
    TwoProportions, WaveCorrelation, Waves, cohen_h, design_effect, solve,
};
pub use error::{PowerError, Result};
