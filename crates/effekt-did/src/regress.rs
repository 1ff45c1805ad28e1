//! The fixed-effects regressions behind TWFE and the event study, and the choice of variance
//! estimator.

use effekt_models::{
    DemeanOptions, DesignBuilder, InferenceNote, OlsFit, OlsOptions, VarianceEstimator,
    absorbed_df, demean, expand_covariates,
};
use serde::{Deserialize, Serialize};

use crate::DidError;
use crate::panel::{DidData, Panel};

/// Below this many clusters the automatic choice is CR2 with Satterthwaite df.
pub const FEW_CLUSTERS: usize = 30;

/// Which cluster-robust variance to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VcovChoice {
    /// CR2 + Satterthwaite df with fewer than [`FEW_CLUSTERS`] clusters, CR1 with `G − 1` df
    /// otherwise (default).
    #[default]
    Auto,
    /// CR1 (Stata/fixest/pyfixest small-sample factor `G/(G−1)·(n−1)/(n−K)`), t with `G − 1` df.
    Cr1,
    /// CR2 (Bell & McCaffrey 2002) with Satterthwaite df (Pustejovsky & Tipton 2018).
    Cr2,
}

impl VcovChoice {
    /// The estimator for `g` clusters and the reason for the choice.
    pub fn resolve(self, g: usize) -> (VarianceEstimator, String) {
        match self {
            VcovChoice::Cr1 => (VarianceEstimator::Cr1, "CR1 requested".into()),
            VcovChoice::Cr2 => (VarianceEstimator::Cr2, "CR2 requested".into()),
            VcovChoice::Auto if g < FEW_CLUSTERS => (
                VarianceEstimator::Cr2,
                format!(
                    "{g} clusters < {FEW_CLUSTERS}: CR2 with Satterthwaite df stays close to nominal with few clusters, where CR1 with G − 1 df over-rejects (Bell & McCaffrey 2002; Imbens & Kolesár 2016; Pustejovsky & Tipton 2018)"
                ),
            ),
            VcovChoice::Auto => (
                VarianceEstimator::Cr1,
                format!(
                    "{g} clusters ≥ {FEW_CLUSTERS}: CR1 with G − 1 df, the fixest/pyfixest/Stata convention for panel regressions (Cameron, Gelbach & Miller 2008; Bertrand, Duflo & Mullainathan 2004)"
                ),
            ),
        }
    }
}

/// A regressor of interest added to the fixed-effects regression.
pub(crate) struct Regressor {
    pub name: String,
    pub values: Vec<f64>,
    pub must_keep: bool,
}

/// Result of a fixed-effects regression.
pub(crate) struct FeFit {
    pub fit: OlsFit,
    pub estimator: VarianceEstimator,
    pub note: InferenceNote,
    /// Names of the covariate columns in the design.
    pub covariate_terms: Vec<String>,
    /// Parameters absorbed by the fixed effects (as counted for the small-sample factor).
    pub absorbed: usize,
    pub notes: Vec<effekt_notes::Note>,
}

/// Expanded covariate columns (numeric as is, categorical as dummies).
/// Named columns.
pub(crate) type Columns = Vec<(String, Vec<f64>)>;

pub(crate) fn covariate_columns(
    data: &DidData,
) -> Result<(Columns, Vec<effekt_notes::Note>), DidError> {
    if data.covariates.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (cols, notes) =
        expand_covariates(&data.covariates).map_err(DidError::model("covariates"))?;
    Ok((
        cols.into_iter().map(|c| (c.name, c.values)).collect(),
        notes,
    ))
}

/// `y = α_i + λ_t + Σ regressors + covariates + ε` with the chosen cluster-robust variance.
///
/// CR1 absorbs unit and period effects by alternating projections and counts the absorbed
/// parameters as pyfixest (`nonnested`: a factor nested in the clusters counts once). CR2
/// absorbs only the factors nested in the clusters (the unit when it lies within one cluster)
/// and keeps the others as dummy columns, because CR2 on a within-transformed design equals
/// CR2 with explicit dummies only for nested factors (Pustejovsky & Tipton 2018, Theorem 2).
pub(crate) fn fe_regression(
    data: &DidData,
    panel: &Panel,
    regressors: Vec<Regressor>,
    vcov: VcovChoice,
) -> Result<FeFit, DidError> {
    let n = panel.n();
    let g = panel.n_clusters();
    let (estimator, reason) = vcov.resolve(g);
    let (covs, mut notes) = covariate_columns(data)?;
    let unit = panel.unit_codes();
    let time = panel.period_codes();
    let weights = data.weights.as_deref();
    let mut columns: Vec<(String, Vec<f64>, bool)> = regressors
        .into_iter()
        .map(|r| (r.name, r.values, r.must_keep))
        .collect();
    let covariate_terms: Vec<String> = covs.iter().map(|c| c.0.clone()).collect();
    columns.extend(covs.into_iter().map(|(a, b)| (a, b, false)));

    let (factors, absorbed): (Vec<&[u32]>, usize) = match estimator {
        VarianceEstimator::Cr2 => {
            // absorb the unit only if nested in the clusters; period dummies explicit
            let nested = panel.units_nested_in_clusters();
            let tp = panel.periods.len();
            for t in 1..tp {
                columns.push((
                    format!("period::{}", panel.periods[t]),
                    time.iter()
                        .map(|&c| f64::from(u8::from(c as usize == t)))
                        .collect(),
                    false,
                ));
            }
            if nested {
                (vec![unit.as_slice()], panel.n_units())
            } else {
                for u in 1..panel.n_units() {
                    columns.push((
                        format!("unit::{}", panel.unit_labels[u]),
                        unit.iter()
                            .map(|&c| f64::from(u8::from(c as usize == u)))
                            .collect(),
                        false,
                    ));
                }
                columns.push(("(Intercept)".into(), vec![1.0; n], false));
                (Vec::new(), 0)
            }
        }
        _ => {
            let ab = absorbed_df(&[&unit, &time], Some(&panel.cluster))
                .map_err(DidError::model("absorbed fixed effects"))?;
            (vec![unit.as_slice(), time.as_slice()], ab.nonnested)
        }
    };

    let mut all: Vec<&[f64]> = vec![data.outcome.as_slice()];
    all.extend(columns.iter().map(|c| c.1.as_slice()));
    let dm = if factors.is_empty() {
        all.iter().map(|c| c.to_vec()).collect::<Vec<_>>()
    } else {
        let opts = DemeanOptions {
            tolerance: 1e-13,
            ..Default::default()
        };
        demean(&all, &factors, weights, &opts)
            .map_err(DidError::model("fixed-effects demeaning"))?
            .columns
    };
    let mut it = dm.into_iter();
    let y = it.next().unwrap_or_default();
    let mut b = DesignBuilder::new(n);
    for ((name, _, keep), col) in columns.iter().zip(it) {
        b = b.numeric(name.clone(), col);
        if *keep {
            b = b.must_keep(name.clone());
        }
    }
    let design = b.build().map_err(DidError::model("design matrix"))?;
    let fit = effekt_models::ols(
        &design,
        &y,
        &OlsOptions {
            weights,
            vcov: Some(estimator),
            clusters: Some(&panel.cluster),
            absorbed_df: absorbed,
            ..Default::default()
        },
    )
    .map_err(DidError::model("fixed-effects regression"))?;
    notes.extend(fit.notes());
    let note = InferenceNote::for_estimator(estimator, Some(g), reason);
    Ok(FeFit {
        fit,
        estimator,
        note,
        covariate_terms,
        absorbed,
        notes,
    })
}

/// Weighted mean of `y` over the rows where `keep` holds (`None` when there are none).
pub(crate) fn wmean(y: &[f64], w: Option<&[f64]>, keep: impl Fn(usize) -> bool) -> Option<f64> {
    let mut s = 0.0;
    let mut sw = 0.0;
    for (i, v) in y.iter().enumerate() {
        if keep(i) {
            let wi = w.map_or(1.0, |w| w[i]);
            s += wi * v;
            sw += wi;
        }
    }
    (sw > 0.0).then(|| s / sw)
}
