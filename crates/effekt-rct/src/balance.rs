//! Baseline balance between randomised arms and its design check.
//!
//! For each covariate (each level of a categorical one, the first of two levels left out as
//! the other's mirror) the standardised mean difference and the variance ratio:
//!
//! ```text
//! SMD = (x̄₁ − x̄₀) / √((s₁² + s₀²) / 2)        VR = s₁² / s₀²
//! ```
//!
//! Symbols: x̄₁, x̄₀ the treated and control means; s₁², s₀² their sample variances (n − 1).
//! The pooled SD of the two arms' variances is cobalt's and MatchIt's default for the ATE
//! (Austin 2009). The check follows `effekt_notes::checks::Check::balance` with
//! `Comparison::Randomised` (a chance imbalance above 0.1 SD is a caution with the difference
//! in means) or `RandomisedAdjusted` (ANCOVA and Lin adjust for the covariates: passed).

use effekt_data::{ColumnData, Covariate, CovariateValues, DataError, Table};
use effekt_notes::checks::{Check, Comparison, CovariateBalance};
use serde::{Deserialize, Serialize};

/// One covariate's balance between the arms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmBalance {
    /// Covariate (`name: level` for a level of a categorical one).
    pub covariate: String,
    /// Standardised mean difference treated − control (`None` when not finite).
    pub smd: Option<f64>,
    /// Variance ratio treated / control (`None` when not finite).
    pub variance_ratio: Option<f64>,
}

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let s2 = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, s2)
}

/// SMD and variance ratio of `x1` (treated) against `x0` (control); each needs two values.
pub fn compare(x1: &[f64], x0: &[f64]) -> (Option<f64>, Option<f64>) {
    if x1.len() < 2 || x0.len() < 2 {
        return (None, None);
    }
    let (m1, v1) = mean_var(x1);
    let (m0, v0) = mean_var(x0);
    let smd = if m1 == m0 {
        0.0
    } else {
        (m1 - m0) / ((v1 + v0) / 2.0).sqrt()
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    (finite(smd), finite(v1 / v0))
}

/// Balance of every covariate between the arms of `treated` (one value per row).
pub fn between_arms(covariates: &[Covariate], treated: &[bool]) -> Vec<ArmBalance> {
    let split = |values: &mut dyn Iterator<Item = f64>| {
        let (mut x1, mut x0) = (Vec::new(), Vec::new());
        for (v, &t) in values.zip(treated) {
            if t { x1.push(v) } else { x0.push(v) }
        }
        (x1, x0)
    };
    let mut out = Vec::new();
    for c in covariates {
        match &c.values {
            CovariateValues::Numeric(v) => {
                let (x1, x0) = split(&mut v.iter().copied());
                let (smd, variance_ratio) = compare(&x1, &x0);
                out.push(ArmBalance {
                    covariate: c.name.clone(),
                    smd,
                    variance_ratio,
                });
            }
            CovariateValues::Categorical { levels, codes } => {
                let skip = usize::from(levels.len() == 2);
                for (k, level) in levels.iter().enumerate().skip(skip) {
                    let (x1, x0) =
                        split(&mut codes.iter().map(|&c| f64::from(u8::from(c as usize == k))));
                    let (smd, variance_ratio) = compare(&x1, &x0);
                    out.push(ArmBalance {
                        covariate: format!("{}: {level}", c.name),
                        smd,
                        variance_ratio,
                    });
                }
            }
        }
    }
    out
}

/// Balance of the `covariates` columns of `table` over the analysed `rows` (table indices) with
/// `treated` flags, each covariate on the rows where it is not missing (a missing covariate
/// value leaves out that covariate only, not the row). A categorical column gets one row per
/// level present (`name: level`; of two levels only the second); a row needs two values in
/// each arm.
///
/// # Errors
/// The data layer's errors naming a covariate column that is not in the table or not numeric.
pub fn from_table(
    table: &Table,
    rows: &[usize],
    treated: &[bool],
    covariates: &[String],
) -> Result<Vec<ArmBalance>, DataError> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<ArmBalance>, name: String, x1: &[f64], x0: &[f64]| {
        if x1.len() >= 2 && x0.len() >= 2 {
            let (smd, variance_ratio) = compare(x1, x0);
            out.push(ArmBalance {
                covariate: name,
                smd,
                variance_ratio,
            });
        }
    };
    for name in covariates {
        let col = table.column(name)?;
        if let ColumnData::Categorical { levels, codes } = &col.data {
            let mut present: Vec<(usize, &String)> = levels
                .iter()
                .enumerate()
                .filter(|(k, _)| {
                    rows.iter()
                        .any(|&i| codes.get(i).copied().flatten() == Some(*k as u32))
                })
                .collect();
            present.sort_by(|a, b| a.1.cmp(b.1));
            if present.len() == 2 {
                present.remove(0);
            }
            for (k, label) in present {
                let (mut x1, mut x0) = (Vec::new(), Vec::new());
                for (&i, &t) in rows.iter().zip(treated) {
                    if let Some(Some(c)) = codes.get(i) {
                        let v = f64::from(u8::from(*c as usize == k));
                        if t { x1.push(v) } else { x0.push(v) }
                    }
                }
                if x1.iter().chain(&x0).any(|&v| v > 0.0) {
                    push(&mut out, format!("{name}: {label}"), &x1, &x0);
                }
            }
        } else {
            let values = table.numeric(name)?;
            let (mut x1, mut x0) = (Vec::new(), Vec::new());
            for (&i, &t) in rows.iter().zip(treated) {
                if let Some(Some(v)) = values.get(i) {
                    if t { x1.push(*v) } else { x0.push(*v) }
                }
            }
            push(&mut out, name.clone(), &x1, &x0);
        }
    }
    Ok(out)
}

/// The balance check of `rows` (`adjusted`: the estimator adjusts for the covariates).
pub fn balance_check(rows: &[ArmBalance], adjusted: bool) -> Option<Check> {
    let rows: Vec<CovariateBalance> = rows
        .iter()
        .filter_map(|r| {
            Some(CovariateBalance {
                covariate: r.covariate.clone(),
                smd: r.smd?,
                variance_ratio: r.variance_ratio,
            })
        })
        .collect();
    let comparison = if adjusted {
        Comparison::RandomisedAdjusted
    } else {
        Comparison::Randomised
    };
    Check::balance(&rows, comparison)
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_notes::checks::Verdict;

    #[test]
    fn smd_uses_the_average_of_the_arms_variances_and_levels_drop_a_mirror() {
        // means 2 and 1, variances 1 and 1: SMD 1, VR 1.
        let (smd, vr) = compare(&[1.0, 2.0, 3.0], &[0.0, 1.0, 2.0]);
        assert!((smd.unwrap() - 1.0).abs() < 1e-15 && (vr.unwrap() - 1.0).abs() < 1e-15);
        assert_eq!(compare(&[1.0], &[0.0, 1.0]), (None, None));
        let covs = [
            Covariate {
                name: "age".into(),
                values: CovariateValues::Numeric(vec![30.0, 31.0, 40.0, 41.0]),
            },
            Covariate {
                name: "sex".into(),
                values: CovariateValues::Categorical {
                    levels: vec!["boy".into(), "girl".into()],
                    codes: vec![0, 1, 1, 0],
                },
            },
        ];
        let rows = between_arms(&covs, &[true, true, false, false]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].covariate, "sex: girl");
        assert_eq!(rows[1].smd, Some(0.0));
        let c = balance_check(&rows, false).unwrap();
        assert_eq!(c.verdict(), Verdict::Caution, "{c}");
        assert_eq!(
            balance_check(&rows, true).unwrap().verdict(),
            Verdict::Passed
        );
    }
}
