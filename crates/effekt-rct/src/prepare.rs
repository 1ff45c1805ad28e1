//! From a validated [`Dataset`] to the vectors the estimators use, with the design checks.

use effekt_data::{Covariate, CovariateValues, Dataset, Groups};
use effekt_models::{DesignBuilder, ModelError, OlsOptions, VarianceEstimator, ols};

use crate::RctError;
use crate::config::{ClusterAssignment, Estimator, OutcomeType, RctConfig};

/// Analysis data after the checks.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub outcome: String,
    pub treatment: String,
    pub y: Vec<f64>,
    pub t: Vec<bool>,
    pub blocks: Option<Groups>,
    pub clusters: Option<Groups>,
    /// Clusters are the unit of assignment.
    pub cluster_assigned: bool,
    pub covariates: Vec<Covariate>,
    pub n1: usize,
    pub n0: usize,
    pub dropped: usize,
    pub missing_by_column: Vec<(String, usize)>,
}

impl Prepared {
    pub fn n(&self) -> usize {
        self.y.len()
    }
    pub fn tf(&self) -> Vec<f64> {
        self.t.iter().map(|&b| f64::from(u8::from(b))).collect()
    }
    pub fn block_codes(&self) -> Option<&[u32]> {
        self.blocks.as_ref().map(|g| g.codes.as_slice())
    }
    pub fn cluster_codes(&self) -> Option<&[u32]> {
        self.clusters.as_ref().map(|g| g.codes.as_slice())
    }
    /// Number of clusters with a treated / control row.
    pub fn clusters_per_arm(&self) -> Option<(usize, usize)> {
        let g = self.clusters.as_ref()?;
        let k = g.n_groups();
        let mut has = vec![[false; 2]; k];
        for (&c, &t) in g.codes.iter().zip(&self.t) {
            if let Some(h) = has.get_mut(c as usize) {
                h[usize::from(t)] = true;
            }
        }
        Some((
            has.iter().filter(|h| h[1]).count(),
            has.iter().filter(|h| h[0]).count(),
        ))
    }
    /// Randomisation units per arm: clusters in a cluster-randomised design, rows otherwise.
    pub fn units_per_arm(&self) -> (usize, usize) {
        if self.cluster_assigned
            && let Some(c) = self.clusters_per_arm()
        {
            return c;
        }
        (self.n1, self.n0)
    }
    /// Block dummies as a categorical covariate (for the regression estimators).
    pub fn block_covariate(&self) -> Option<Covariate> {
        self.blocks.as_ref().map(|g| Covariate {
            name: g.column.clone(),
            values: CovariateValues::Categorical {
                levels: g.labels.clone(),
                codes: g.codes.clone(),
            },
        })
    }
}

pub(crate) fn arm_name(t: bool) -> &'static str {
    if t { "treated (1)" } else { "control (0)" }
}

/// Run every check on `ds` and extract the vectors. `row_number(k)` gives the spreadsheet row of
/// kept row `k`.
pub(crate) fn prepare(
    config: &RctConfig,
    ds: &Dataset,
    row_number: &dyn Fn(usize) -> usize,
) -> Result<Prepared, RctError> {
    let y = ds.outcome.clone().ok_or_else(|| RctError::MissingRole {
        role: "outcome".into(),
    })?;
    let t = ds.treatment.clone().ok_or_else(|| RctError::MissingRole {
        role: "treatment".into(),
    })?;
    if config.blocks.is_some() && ds.strata.is_none() {
        return Err(RctError::MissingRole {
            role: "block (strata)".into(),
        });
    }
    if config.clusters.is_some() && ds.cluster.is_none() {
        return Err(RctError::MissingRole {
            role: "cluster".into(),
        });
    }
    let n = y.len();
    if t.len() != n {
        return Err(RctError::Numerical {
            what: "treatment and outcome lengths".into(),
        });
    }
    let n1 = t.iter().filter(|&&b| b).count();
    let n0 = n - n1;
    if n1 == 0 || n0 == 0 {
        return Err(RctError::OneArm {
            present: arm_name(n1 > 0).into(),
            count: n,
        });
    }
    if config.outcome_type == OutcomeType::Binary
        && let Some(k) = y.iter().position(|&v| v != 0.0 && v != 1.0)
    {
        return Err(RctError::OutcomeNotBinary {
            column: config.outcome.clone(),
            row: row_number(k),
            value: y[k],
        });
    }
    let use_covariates = config.estimator != Estimator::DifferenceInMeans;
    let covariates: Vec<Covariate> = if use_covariates {
        ds.covariates.clone()
    } else {
        Vec::new()
    };
    for c in &covariates {
        check_not_constant(c, n)?;
    }
    let blocks = if config.blocks.is_some() {
        ds.strata.clone()
    } else {
        None
    };
    let clusters = if config.clusters.is_some() {
        ds.cluster.clone()
    } else {
        None
    };
    let cluster_assigned =
        clusters.is_some() && config.cluster_assignment == ClusterAssignment::Cluster;
    let p = Prepared {
        outcome: config.outcome.clone(),
        treatment: config.treatment.clone(),
        y,
        t,
        blocks,
        clusters,
        cluster_assigned,
        covariates,
        n1,
        n0,
        dropped: ds.dropped,
        missing_by_column: ds.missing_by_column.clone(),
    };
    check_design(&p, row_number)?;
    if use_covariates {
        check_treatment_not_collinear(&p)?;
    }
    Ok(p)
}

fn check_not_constant(c: &Covariate, n: usize) -> Result<(), RctError> {
    let constant = match &c.values {
        CovariateValues::Numeric(v) => v
            .first()
            .filter(|&&f| v.iter().all(|x| *x == f))
            .map(|f| f.to_string()),
        CovariateValues::Categorical { levels, codes } => codes
            .first()
            .filter(|&&f| codes.iter().all(|x| *x == f))
            .map(|&f| levels.get(f as usize).cloned().unwrap_or_default()),
    };
    match constant {
        Some(value) => Err(RctError::CovariateConstant {
            covariate: c.name.clone(),
            value,
            n,
        }),
        None => Ok(()),
    }
}

/// Clusters in one arm (cluster assignment), nested in blocks, at least 2 per arm; every block
/// with both arms.
fn check_design(p: &Prepared, row_number: &dyn Fn(usize) -> usize) -> Result<(), RctError> {
    if let Some(g) = &p.clusters {
        let k = g.n_groups();
        let label = |c: u32| g.labels.get(c as usize).cloned().unwrap_or_default();
        if p.cluster_assigned {
            let mut counts = vec![[0usize; 2]; k];
            let mut first_mixed: Vec<Option<usize>> = vec![None; k];
            for (i, (&c, &t)) in g.codes.iter().zip(&p.t).enumerate() {
                if let Some(cnt) = counts.get_mut(c as usize) {
                    cnt[usize::from(t)] += 1;
                    if cnt[0] > 0 && cnt[1] > 0 && first_mixed[c as usize].is_none() {
                        first_mixed[c as usize] = Some(i);
                    }
                }
            }
            // The first mixed cluster in row order.
            if let Some((c, i)) = first_mixed
                .iter()
                .enumerate()
                .filter_map(|(c, r)| r.map(|r| (c, r)))
                .min_by_key(|&(_, r)| r)
            {
                return Err(RctError::ClusterBothArms {
                    column: g.column.clone(),
                    cluster: label(c as u32),
                    n_treated: counts[c][1],
                    n_control: counts[c][0],
                    row: row_number(i),
                });
            }
            if let Some(b) = &p.blocks {
                let mut block_of = vec![u32::MAX; k];
                for (i, (&c, &bl)) in g.codes.iter().zip(&b.codes).enumerate() {
                    let slot = &mut block_of[c as usize];
                    if *slot == u32::MAX {
                        *slot = bl;
                    } else if *slot != bl {
                        let bl_label =
                            |x: u32| b.labels.get(x as usize).cloned().unwrap_or_default();
                        return Err(RctError::ClusterSpansBlocks {
                            cluster: label(c),
                            block_a: bl_label(*slot),
                            block_b: bl_label(bl),
                            row: row_number(i),
                        });
                    }
                }
            }
            if let Some((c1, c0)) = p.clusters_per_arm() {
                for (arm, count) in [(true, c1), (false, c0)] {
                    if count < 2 {
                        return Err(RctError::TooFewClusters {
                            arm: arm_name(arm).into(),
                            count,
                            where_: String::new(),
                        });
                    }
                }
            }
        } else if k < 2 {
            return Err(RctError::Model(ModelError::TooFewClusters { count: k }));
        }
    }
    if let Some(b) = &p.blocks {
        let mut counts = vec![[0usize; 2]; b.n_groups()];
        for (&c, &t) in b.codes.iter().zip(&p.t) {
            if let Some(cnt) = counts.get_mut(c as usize) {
                cnt[usize::from(t)] += 1;
            }
        }
        for (label, cnt) in b.labels.iter().zip(&counts) {
            if cnt[0] == 0 || cnt[1] == 0 {
                let present = cnt[1] > 0;
                return Err(RctError::BlockOneArm {
                    block: label.clone(),
                    present: arm_name(present).into(),
                    missing_arm: arm_name(!present).into(),
                    count: cnt[0] + cnt[1],
                });
            }
        }
    }
    Ok(())
}

/// Regress the treatment on the intercept, the covariates and the block dummies: if it is a
/// linear combination of them (R's aliasing rule), the effect is not identified.
fn check_treatment_not_collinear(p: &Prepared) -> Result<(), RctError> {
    let mut covs = p.covariates.clone();
    if let Some(b) = p.block_covariate() {
        covs.push(b);
    }
    if covs.is_empty() {
        return Ok(());
    }
    let design = DesignBuilder::new(p.n())
        .intercept()
        .covariates(&covs)
        .treatment(p.treatment.clone(), &p.t)
        .build()?;
    // The outcome does not matter for aliasing; the classical variance is the cheapest.
    let opts = OlsOptions {
        vcov: Some(VarianceEstimator::Classical),
        ..OlsOptions::default()
    };
    match ols(&design, &p.y, &opts) {
        Ok(_) => Ok(()),
        Err(ModelError::CollinearMustKeep {
            column,
            collinear_with,
        }) => Err(RctError::CollinearWithTreatment {
            treatment: column,
            covariates: collinear_with
                .into_iter()
                .filter(|c| c != effekt_models::INTERCEPT)
                .collect(),
        }),
        // Too few observations etc. surface in the fit itself with a better message.
        Err(_) => Ok(()),
    }
}
