//! Randomised designs: the difference in means with estimatr's definitions (simple, blocked,
//! matched pairs, clustered, block-clustered), regression adjustment (ANCOVA, Lin 2013), effects
//! on binary outcomes (risk difference, risk and odds ratios, Fisher's exact test) and
//! randomisation inference with a test-inversion interval.
//!
//! # Design
//!
//! * **Numbers a researcher can check.** The difference in means is defined exactly as estimatr
//!   1.0.0's `difference_in_means` in every design ([`Design`]; see the table in the `dim`
//!   source), the regression estimators as `lm_robust` and `lm_lin` (HC2 without clusters, CR2
//!   with Satterthwaite df with clusters), Fisher's test as R's `fisher.test`, and the 2×2
//!   intervals as statsmodels' `confint_proportions_2indep`. The integration tests compare all of
//!   them with fixtures produced by those packages on the Thornton (2008) HIV experiment and on
//!   synthetic blocked and cluster-randomised trials, to 1e-8 relative.
//! * **Small samples are the norm.** With clusters the variance is always CR2 with Satterthwaite
//!   df (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), which stays valid with few clusters;
//!   when an arm has fewer than [`RI_UNITS_PER_ARM`] randomisation units (clusters in a
//!   cluster-randomised trial) randomisation inference is run automatically and reported beside
//!   the analytic test; arms under [`SMALL_GROUP`] rows and fewer than [`VERY_FEW_CLUSTERS`]
//!   clusters give warnings. Every result carries an [`InferenceNote`] saying what was used and
//!   why.
//! * **The design decides the re-randomisation.** Randomisation inference and the bootstrap go
//!   through effekt-resample and respect blocks and clusters: whole clusters are re-assigned
//!   (within blocks), rows are resampled within arm and block, pairs are resampled whole.
//!   Whether the cluster column is the unit of assignment or only a sampling structure (e.g.
//!   villages in an individually randomised trial) is explicit ([`ClusterAssignment`]); a
//!   cluster with both arms in a cluster-randomised design is an error that says so.
//! * **Test inversion without re-permuting.** Every estimator here is linear in the outcome for
//!   a fixed assignment, so storing two numbers per assignment gives the randomisation p-value
//!   for every constant effect τ; the interval's endpoints are exact breakpoints of that step
//!   function (see [`randomization`]).
//! * **Effect versus counterfactual.** Every [`RctFit`] has the observed treated mean, the
//!   treated counterfactual (observed − effect) and the control mean, the tidy rows, a glance,
//!   and is serde-serialisable; `effekt rct --json` writes it as it is.
//!
//! # Example
//! The Thornton (2008) experiment: did a cash incentive make people collect their HIV test
//! result? Individuals were randomised; villages are only a sampling structure here.
//! ```
//! use effekt_data::{MissingPolicy, ReadOptions, read_table};
//! use effekt_rct::{ClusterAssignment, Estimator, RctConfig};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/thornton_hiv.csv");
//! let table = read_table(std::path::Path::new(path), &ReadOptions::default())?;
//! let mut config = RctConfig::new("got", "any");
//! let fit = config.clone().validate()?.fit_table(&table, MissingPolicy::Drop, None)?;
//! assert_eq!(fit.n, 2834);
//! assert_eq!(fit.dropped_rows, 1986);
//! assert!((fit.estimate - 0.4505519).abs() < 1e-7); // 45 percentage points more collected
//! assert!((fit.std_error - 0.02086528).abs() < 1e-8); // estimatr difference_in_means
//! assert!(fit.counterfactual.treated_counterfactual < fit.counterfactual.treated_observed);
//!
//! // ANCOVA with village-clustered CR2 standard errors.
//! config.estimator = Estimator::Ancova;
//! config.covariates = vec!["age".into(), "distvct".into()];
//! config.clusters = Some("villnum".into());
//! config.cluster_assignment = ClusterAssignment::Individual;
//! let fit = config.validate()?.fit_table(&table, MissingPolicy::Drop, None)?;
//! assert!(fit.inference.method.contains("CR2"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # References
//! Bell & McCaffrey (2002) Survey Methodology 28:169–181; Fisher (1935) The Design of
//! Experiments; Gerber & Green (2012) Field Experiments; Imai, King & Nall (2009) Statistical
//! Science 24:29–53; Imbens & Rubin (2015) Causal Inference; Lin (2013) Annals of Applied
//! Statistics 7:295–318; Newcombe (1998) Statistics in Medicine 17:873–890; Neyman (1923);
//! Pustejovsky & Tipton (2018) JBES 36:672–683; Rosenbaum (2002) Observational Studies;
//! Samii & Aronow (2012) Statistics & Probability Letters 82:365–370; Thornton (2008) AER
//! 98:1829–1863.

// Numerical kernels index several arrays in lock-step, and `!(x > 0.0)` deliberately treats NaN
// as failing the check.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod balance;
pub mod binary;
mod boot;
mod config;
mod dim;
mod error;
mod fit;
mod linalg;
mod prepare;
pub mod randomization;
mod regression;

pub use binary::{
    BinaryEffects, EffectInterval, FisherExact, TwoByTwo, TwoByTwoMethod, binary_effects,
    fisher_exact,
};
pub use boot::BootstrapSummary;
pub use config::{
    ClusterAssignment, DEFAULT_EXACT_LIMIT, DEFAULT_PERMUTATIONS, Estimator, FEW_CLUSTERS,
    OutcomeType, RI_UNITS_PER_ARM, RctConfig, SMALL_GROUP, VERY_FEW_CLUSTERS,
};
pub use dim::{Design, Variance};
pub use effekt_models::{Counterfactual, Glance, InferenceNote, TidyRow};
pub use error::RctError;
pub use fit::{MissingCount, Rct, RctFit};
pub use randomization::{PValueFunction, RandomizationInference};
