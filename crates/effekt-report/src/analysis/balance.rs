//! Balance of baseline covariates between the arms of a randomised design.
//!
//! Standardised mean difference `SMD = (x̄₁ − x̄₀) / √((s₁² + s₀²)/2)` with sample variances
//! (divisor n − 1) — the pooled denominator cobalt uses for the ATE and for randomised
//! comparisons (Austin 2009; Greifer, cobalt documentation) — and the variance ratio `s₁²/s₀²`.
//! A categorical covariate gets one row per level (its 0/1 indicator). |SMD| > 0.1 is flagged
//! (Austin 2009). Rows with a missing covariate value are left out of that covariate only.

use super::Prepared;
use crate::error::ReportError;
use crate::model::{BalanceRow, finite};
use effekt_data::{ColumnData, Table};

/// |SMD| above this is flagged.
pub const SMD_THRESHOLD: f64 = 0.1;

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let s2 = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, s2)
}

/// One balance row from the covariate values of the treated and comparison rows.
pub fn balance_row(name: &str, x1: &[f64], x0: &[f64]) -> BalanceRow {
    let (m1, v1) = mean_var(x1);
    let (m0, v0) = mean_var(x0);
    let smd = (m1 - m0) / ((v1 + v0) / 2.0).sqrt();
    let smd = if m1 == m0 { 0.0 } else { smd };
    BalanceRow {
        covariate: name.to_string(),
        smd_before: finite(smd),
        smd_after: None,
        var_ratio_before: finite(v1 / v0),
        var_ratio_after: None,
        flagged: smd.is_finite() && smd.abs() > SMD_THRESHOLD,
    }
}

/// Balance of `covariates` between the arms among the analysis rows.
///
/// # Errors
/// [`ReportError::Data`] when a covariate column does not exist (checked earlier, so only on
/// misuse).
pub fn between_arms(
    table: &Table,
    prep: &Prepared,
    covariates: &[String],
) -> Result<Vec<BalanceRow>, ReportError> {
    let mut out = Vec::new();
    for name in covariates {
        let col = table.column(name).map_err(|source| ReportError::Data {
            context: format!("covariate `{name}`"),
            source: Box::new(source),
        })?;
        match &col.data {
            ColumnData::Categorical { levels, codes } => {
                let mut present: Vec<(usize, &String)> = levels
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| {
                        prep.rows
                            .iter()
                            .any(|&i| codes.get(i).copied().flatten() == Some(*k as u32))
                    })
                    .collect();
                present.sort_by(|a, b| a.1.cmp(b.1));
                // A two-level covariate is one indicator (the second level), as in cobalt.
                if present.len() == 2 {
                    present.remove(0);
                }
                for (k, label) in present {
                    let (mut x1, mut x0) = (Vec::new(), Vec::new());
                    for (&i, &t) in prep.rows.iter().zip(&prep.treated) {
                        if let Some(Some(c)) = codes.get(i) {
                            let v = f64::from(u8::from(*c as usize == k));
                            if t { x1.push(v) } else { x0.push(v) }
                        }
                    }
                    let any = x1.iter().chain(&x0).any(|&v| v > 0.0);
                    if any && x1.len() >= 2 && x0.len() >= 2 {
                        out.push(balance_row(&format!("{name}: {label}"), &x1, &x0));
                    }
                }
            }
            _ => {
                let values = table.numeric(name).map_err(|source| ReportError::Data {
                    context: format!("covariate `{name}`"),
                    source: Box::new(source),
                })?;
                let (mut x1, mut x0) = (Vec::new(), Vec::new());
                for (&i, &t) in prep.rows.iter().zip(&prep.treated) {
                    if let Some(Some(v)) = values.get(i) {
                        if t { x1.push(*v) } else { x0.push(*v) }
                    }
                }
                if x1.len() >= 2 && x0.len() >= 2 {
                    out.push(balance_row(name, &x1, &x0));
                }
            }
        }
    }
    Ok(out)
}
