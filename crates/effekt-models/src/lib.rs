//! Regression layer shared by all designs: weighted OLS with HC/CR variance (CR2 + Satterthwaite),
//! logistic IRLS, fixed-effects demeaning, tidy results.
//!
//! # Design
//!
//! * **One anchor per estimator.** Every number here is defined as some R/Python function
//!   computes it and tested against it on shipped data: `lm` for the fit and aliasing,
//!   `sandwich::vcovHC`/`vcovCL` and `estimatr::lm_robust` for HC0–HC3/CR0/CR1,
//!   `estimatr::lm_robust(se_type = "CR2")` and `clubSandwich::coef_test`/`Wald_test` for CR2 and
//!   its Satterthwaite/HTZ degrees of freedom, `glm(family = binomial)` for logistic regression,
//!   `lm` with dummies and pyfixest `feols` for demeaning and absorbed degrees of freedom.
//! * **Small samples first.** The default variance without clusters is HC2 and with clusters CR2
//!   with Satterthwaite df (Bell & McCaffrey 2002; Imbens & Kolesár 2016; Pustejovsky & Tipton
//!   2018): they stay close to nominal with few clusters, where CR1 with `G − 1` df over-rejects
//!   (Cameron, Gelbach & Miller 2008).
//! * **No `n × n` and no `n_g × n_g` for large clusters.** CR2 needs `(I − H_gg)^{-1/2}` per
//!   cluster; unweighted it is obtained from the `k × k` Gram matrix of the cluster's rows of
//!   the orthonormalised design (one pass over the data, one `k × k` eigendecomposition per
//!   cluster), weighted from a thin QR of the cluster's rows (see [`vcov`]); the
//!   Satterthwaite/HTZ degrees of freedom come from `k`-vectors per cluster, never the `G × G`
//!   or `n × n` matrices of the textbook formulas. Many small fits (power simulations) cost
//!   microseconds each.
//! * **Aliasing like R.** Collinear columns are dropped with R's rule and tolerance and reported
//!   by name; columns the caller flags as *must keep* (the treatment) turn aliasing into an error.
//! * **No panics on data.** Every problem is a [`ModelError`] naming the column/row/count.
//!
//! # Modules
//! * [`design`]: design matrices from effekt-data covariates (dummy coding, R names) or raw
//!   columns.
//! * [`ols`](mod@ols): [`ols()`] → [`OlsFit`] (coefficients, fitted, residuals, rank, dropped columns,
//!   tidy rows, contrasts with Satterthwaite df, Wald/HTZ tests).
//! * [`vcov`]: [`VarianceEstimator`] and the estimators.
//! * [`logit`](mod@logit): [`logit()`] → [`LogitFit`], with separation detection.
//! * [`demean`](mod@demean): [`demean()`] (alternating projections) and [`absorbed_df`].
//! * [`dist`]: t/z tests and intervals.
//! * [`tidy`]: the result rows every design crate shares.
//! * [`effect_size`]: Hedges' g and the number needed to treat.
//! * [`multiplicity`]: Holm and Benjamini–Hochberg adjusted p-values.
//!
//! # Example
//! The Thornton (2008) HIV-results experiment shipped in `datasets/`: did a cash incentive make
//! people collect their HIV test result? CR2 standard errors with village clusters and
//! Satterthwaite df, as estimatr `lm_robust(got ~ any + age, clusters = villnum)` (0.44851020,
//! SE 0.02249551, df 63.047).
//! ```
//! use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/thornton_hiv.csv");
//! let text = std::fs::read_to_string(path).unwrap();
//! let (mut got, mut any, mut age, mut village) = (vec![], vec![], vec![], vec![]);
//! for line in text.lines().skip(1) {
//!     // villnum,got,distvct,tinc,any,age,hiv2004 — keep complete rows
//!     let f: Vec<Option<f64>> = line.split(',').map(|v| v.parse().ok()).collect();
//!     if let (Some(v), Some(g), Some(a), Some(ag)) = (f[0], f[1], f[4], f[5]) {
//!         village.push(v as u32);
//!         got.push(g);
//!         any.push(a);
//!         age.push(ag);
//!     }
//! }
//! let design = DesignBuilder::new(got.len())
//!     .intercept()
//!     .numeric("any", any)
//!     .must_keep("any")
//!     .numeric("age", age)
//!     .build()
//!     .unwrap();
//! let opts = OlsOptions {
//!     vcov: Some(VarianceEstimator::Cr2),
//!     clusters: Some(&village),
//!     ..Default::default()
//! };
//! let fit = ols(&design, &got, &opts).unwrap();
//! let any = &fit.tidy(0.95).unwrap()[1];
//! assert_eq!(any.term, "any");
//! assert!((any.estimate - 0.44851020).abs() < 1e-8);
//! assert!((any.std_error - 0.02249551).abs() < 1e-8);
//! assert!((any.df.unwrap() - 63.047287).abs() < 1e-6);
//! ```
//!
//! # References
//! Albert & Anderson (1984) Biometrika 71:1–10; Bell & McCaffrey (2002) Survey Methodology
//! 28:169–181; Bergé (2018) CREA DP 18-13; Cameron, Gelbach & Miller (2008) REStat 90:414–427;
//! Gaure (2013) CSDA 66:8–18; Imbens & Kolesár (2016) REStat 98:701–712; Liang & Zeger (1986)
//! Biometrika 73:13–22; MacKinnon & White (1985) J Econometrics 29:305–325; Pustejovsky & Tipton
//! (2018) JBES 36:672–683; White (1980) Econometrica 48:817–838.

// Numerical kernels index several arrays in lock-step, and `!(x > 0.0)` deliberately treats NaN
// as failing the check.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod demean;
pub mod design;
pub mod dist;
pub mod effect_size;
mod error;
mod linalg;
pub mod logit;
pub mod multiplicity;
pub mod ols;
pub mod tidy;
pub mod vcov;

pub use demean::{AbsorbedDf, DemeanOptions, Demeaned, absorbed_df, demean};
pub use design::{
    ColumnOrigin, DesignBuilder, DesignColumn, DesignMatrix, INTERCEPT, expand_covariates,
};
pub use error::{ModelError, SeparationKind};
pub use logit::{LogitFit, LogitOptions, logit};
pub use ols::{
    ContrastTest, DroppedColumn, HtzTest, OlsFit, OlsOptions, OlsSummary, WaldTest, ols,
};
pub use tidy::{Counterfactual, Glance, InferenceNote, TidyRow};
pub use vcov::{Cr2Route, VarianceEstimator, Vcov};
