//! Regression adjustment: ANCOVA (`y ~ T + X`) and Lin's (2013) interacted estimator
//! (`y ~ T + X_c + T·X_c` with covariates centred at their sample means), with HC2 standard
//! errors, or CR2 with Satterthwaite df when clustered — estimatr's `lm_robust` and `lm_lin`.
//! Blocks enter as fixed effects (dummies, first block as reference).

use effekt_models::{
    DesignBuilder, DesignColumn, OlsFit, OlsOptions, TidyRow, VarianceEstimator, expand_covariates,
    ols,
};

use crate::RctError;
use crate::config::Estimator;
use crate::dim::Variance;
use crate::prepare::Prepared;

/// A fitted regression estimator.
#[derive(Debug, Clone)]
pub(crate) struct RegressionEstimate {
    pub fit: OlsFit,
    pub tidy: Vec<TidyRow>,
    /// The treatment row of `tidy`.
    pub effect: TidyRow,
    /// CR2 with clusters, HC2 without.
    pub variance: Variance,
    pub n_clusters: Option<usize>,
    /// Expanded covariate columns (numeric, dummies, block dummies), uncentred.
    pub covariate_columns: Vec<DesignColumn>,
    pub notes: Vec<effekt_notes::Note>,
}

/// All covariate columns: covariates, then block dummies.
pub(crate) fn covariate_columns(
    p: &Prepared,
) -> Result<(Vec<DesignColumn>, Vec<effekt_notes::Note>), RctError> {
    let mut covs = p.covariates.clone();
    if let Some(b) = p.block_covariate() {
        covs.push(b);
    }
    Ok(expand_covariates(&covs)?)
}

fn col_mean(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    m + v.iter().map(|x| x - m).sum::<f64>() / n
}

/// Fit ANCOVA or Lin with the default variance (HC2, or CR2 with clusters).
pub(crate) fn fit(
    p: &Prepared,
    estimator: Estimator,
    level: f64,
) -> Result<RegressionEstimate, RctError> {
    let (cols, mut notes) = covariate_columns(p)?;
    let name = p.treatment.clone();
    let tf = p.tf();
    let mut builder = DesignBuilder::new(p.n()).intercept();
    match estimator {
        Estimator::Lin => {
            // The treatment can only be aliased if it were constant; interactions that are
            // aliased (a covariate constant within an arm) are dropped as R does.
            builder = builder.numeric(name.clone(), tf.clone());
            let centred: Vec<(String, Vec<f64>)> = cols
                .iter()
                .map(|c| {
                    let m = col_mean(&c.values);
                    (
                        lin_name(&c.name),
                        c.values.iter().map(|v| v - m).collect::<Vec<f64>>(),
                    )
                })
                .collect();
            for (n, v) in &centred {
                builder = builder.numeric(n.clone(), v.clone());
            }
            for (n, v) in &centred {
                builder = builder.numeric(
                    format!("{name}:{n}"),
                    v.iter().zip(&tf).map(|(a, b)| a * b).collect(),
                );
            }
        }
        _ => {
            builder = builder.treatment(name.clone(), &p.t);
            for c in &cols {
                builder = builder.column(c.clone());
            }
        }
    }
    let design = builder.build()?;
    let vcov = if p.clusters.is_some() {
        VarianceEstimator::Cr2
    } else {
        VarianceEstimator::Hc2
    };
    let opts = OlsOptions {
        vcov: Some(vcov),
        clusters: p.cluster_codes(),
        ..OlsOptions::default()
    };
    let fit = match ols(&design, &p.y, &opts) {
        Ok(f) => f,
        Err(effekt_models::ModelError::CollinearMustKeep {
            column,
            collinear_with,
        }) => {
            return Err(RctError::CollinearWithTreatment {
                treatment: column,
                covariates: collinear_with
                    .into_iter()
                    .filter(|c| c != effekt_models::INTERCEPT)
                    .collect(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    notes.extend(fit.notes());
    let tidy = fit.tidy(level)?;
    let effect = tidy
        .iter()
        .find(|r| r.term == name)
        .cloned()
        .ok_or_else(|| RctError::CollinearWithTreatment {
            treatment: name.clone(),
            covariates: Vec::new(),
        })?;
    let n_clusters = fit.vcov().n_clusters();
    Ok(RegressionEstimate {
        fit,
        tidy,
        effect,
        variance: if vcov == VarianceEstimator::Cr2 {
            Variance::Cr2
        } else {
            Variance::Hc2
        },
        n_clusters,
        covariate_columns: cols,
        notes,
    })
}

/// estimatr's name of a centred covariate: `x_c`, or `(x:z)_c` / `(f(x))_c` for interactions
/// and calls.
fn lin_name(name: &str) -> String {
    let wrap = name.contains(':') || (name.contains('(') && !name.starts_with('('));
    if wrap {
        format!("({name})_c")
    } else {
        format!("{name}_c")
    }
}
