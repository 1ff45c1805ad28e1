//! Balance of baseline covariates between the arms of a randomised design: effekt-rct's
//! `balance::from_table` (standardised mean difference with the average of the arms'
//! variances, `SMD = (x̄₁ − x̄₀) / √((s₁² + s₀²)/2)`, and the variance ratio `s₁²/s₀²`; Austin
//! 2009) as the report's balance rows. A categorical covariate gets one row per level (its 0/1
//! indicator). |SMD| > 0.1 is flagged (Austin 2009). Rows with a missing covariate value are
//! left out of that covariate only.

use super::Prepared;
use crate::error::ReportError;
use crate::model::BalanceRow;
use effekt_data::Table;

/// |SMD| above this is flagged.
pub const SMD_THRESHOLD: f64 = effekt_notes::checks::SMD_CAUTION;

/// Balance of `covariates` between the arms of the prepared rows.
///
/// # Errors
/// [`ReportError::Data`] naming a covariate column that is missing or not numeric.
pub fn between_arms(
    table: &Table,
    prep: &Prepared,
    covariates: &[String],
) -> Result<Vec<BalanceRow>, ReportError> {
    let rows = effekt_rct::balance::from_table(table, &prep.rows, &prep.treated, covariates)
        .map_err(|source| ReportError::Data {
            context: "covariates".into(),
            source: Box::new(source),
        })?;
    Ok(rows
        .into_iter()
        .map(|b| BalanceRow {
            covariate: b.covariate,
            smd_before: b.smd,
            smd_after: None,
            var_ratio_before: b.variance_ratio,
            var_ratio_after: None,
            flagged: b.smd.is_some_and(|s| s.abs() > SMD_THRESHOLD),
        })
        .collect())
}
