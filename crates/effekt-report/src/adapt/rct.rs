//! Randomised designs.
//!
//! Today: the difference in means of [`crate::analysis::dim`] (HC2 / CR2 inference plus the
//! bootstrap through effekt-resample). When effekt-rct lands, its fit plugs in at
//! [`from_rct_fit`]: ANCOVA, Lin's estimator, blocked and block-and-cluster designs, binary
//! effect scales and randomisation inference then flow into the same [`OutcomeEstimate`].

use super::AdapterInput;
use crate::analysis::{OutcomeEstimate, balance, dim};
use crate::error::ReportError;
use crate::study::{RctDesign, RctEstimator};

/// Whether the options are available in the report today.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] for the options that need effekt-rct (`estimator =
/// "ancova"` or `"lin"`, `blocks`, `randomization_inference`).
pub fn available(design: &RctDesign) -> Result<(), ReportError> {
    let not_yet = |option: &str, detail: &str| ReportError::DesignNotAvailable {
        design: format!("design.{option}"),
        crate_name: "effekt-rct".into(),
        detail: detail.into(),
    };
    match design.estimator {
        RctEstimator::DifferenceInMeans => {}
        RctEstimator::Ancova => {
            return Err(not_yet(
                "estimator = \"ancova\"",
                "regression adjustment; remove the option to get the difference in means",
            ));
        }
        RctEstimator::Lin => {
            return Err(not_yet(
                "estimator = \"lin\"",
                "Lin's interacted estimator; remove the option to get the difference in means",
            ));
        }
    }
    if design.blocks.is_some() {
        return Err(not_yet(
            "blocks",
            "the block-weighted difference in means; without `blocks` the unblocked difference in means is used, which ignores the blocking",
        ));
    }
    if design.randomization_inference.is_some() {
        return Err(not_yet(
            "randomization_inference",
            "randomisation inference; remove the option to get HC2/CR2 and bootstrap inference",
        ));
    }
    Ok(())
}

/// Estimate one outcome of a randomised design.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] for the options that need effekt-rct (`estimator =
/// "ancova"` or `"lin"`, `blocks`, `randomization_inference`); the estimator's errors otherwise.
pub fn estimate(
    input: &AdapterInput<'_>,
    design: &RctDesign,
) -> Result<OutcomeEstimate, ReportError> {
    available(design)?;
    let mut est = dim::estimate(
        input.prepared,
        &input.study.config.inference,
        input.want_treated_draws,
        input.lang,
        input.progress,
    )?;
    if !design.covariates.is_empty() {
        est.balance = balance::between_arms(input.table, input.prepared, &design.covariates)?;
    }
    Ok(est)
}

/// The seam for effekt-rct: convert its fit into an [`OutcomeEstimate`].
///
/// effekt-rct is being built; until its result type exists this takes nothing and says so. The
/// conversion to write: estimate, SE, df, p and CI from the fit's tidy row of the treatment;
/// `counterfactual` from the fit; `inference` from its `InferenceNote`; its bootstrap result (if
/// any) through [`super::bootstrap`]; randomisation-inference p-value and test-inversion CI as
/// [`crate::model::AlternativeEstimate`]s.
///
/// # Errors
/// Always [`ReportError::DesignNotAvailable`] for now.
pub fn from_rct_fit() -> Result<OutcomeEstimate, ReportError> {
    Err(ReportError::DesignNotAvailable {
        design: "design.kind = \"rct\" through effekt-rct".into(),
        crate_name: "effekt-rct".into(),
        detail: "effekt-rct has no result type yet".into(),
    })
}
