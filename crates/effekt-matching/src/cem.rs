//! Coarsened exact matching (Iacus, King & Porro 2012), as MatchIt 4.5.1's `cem_matchit`:
//! numeric covariates are cut into bins (Sturges' rule by default: `⌈log2 n⌉ + 1` equal-width
//! bins between the minimum and the maximum, open at both ends, `findInterval` semantics),
//! categorical covariates are kept as they are, and units are matched exactly on the
//! combination; strata with both treated and control units are kept.

use std::collections::HashMap;

use effekt_data::{Covariate, CovariateValues};
use serde::{Deserialize, Serialize};

use crate::{CemCut, Cut, MatchError};

/// How one covariate was coarsened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coarsening {
    pub covariate: String,
    /// `"sturges"`, `"bins"`, `"cut-points"` or `"exact"` (categorical).
    pub rule: String,
    /// Interior cut points (bins are `[c_k, c_{k+1})`, the outer ones open); empty for
    /// categorical covariates.
    pub cut_points: Vec<f64>,
    /// Number of bins (levels for categorical covariates).
    pub bins: usize,
}

/// Strata of the coarsened covariates.
#[derive(Debug, Clone)]
pub(crate) struct CemStrata {
    /// Stratum code per unit (dense, order of first appearance).
    pub stratum: Vec<u32>,
    pub n_strata: usize,
    pub coarsening: Vec<Coarsening>,
}

/// R's `nclass.Sturges`: `ceiling(log2(n) + 1)`.
fn sturges(n: usize) -> usize {
    ((n as f64).log2() + 1.0).ceil() as usize
}

/// Interior breaks of `bins` equal-width bins on `[min, max]` as R's
/// `seq(min, max, length = bins + 1)`: `min + k (max − min)/bins`, k = 1..bins−1.
fn equal_width(min: f64, max: f64, bins: usize) -> Vec<f64> {
    if bins < 2 || min == max {
        return Vec::new();
    }
    let by = (max - min) / bins as f64;
    (1..bins).map(|k| min + k as f64 * by).collect()
}

/// `findInterval(x, c(-Inf, breaks, Inf))`: the number of breaks ≤ x, plus one.
fn bin_of(x: f64, breaks: &[f64]) -> u32 {
    breaks.partition_point(|&b| b <= x) as u32 + 1
}

/// Coarsen and stratify.
pub(crate) fn strata(covs: &[Covariate], cuts: &[CemCut]) -> Result<CemStrata, MatchError> {
    let n = covs.first().map_or(0, |c| match &c.values {
        CovariateValues::Numeric(x) => x.len(),
        CovariateValues::Categorical { codes, .. } => codes.len(),
    });
    for c in cuts {
        if !covs.iter().any(|v| v.name == c.covariate) {
            return Err(MatchError::UnknownCovariate {
                name: c.covariate.clone(),
                available: covs.iter().map(|v| v.name.clone()).collect(),
            });
        }
    }
    let mut coded: Vec<Vec<u32>> = Vec::with_capacity(covs.len());
    let mut coarsening = Vec::with_capacity(covs.len());
    for cov in covs {
        let cut = cuts
            .iter()
            .find(|c| c.covariate == cov.name)
            .map(|c| &c.cut);
        match &cov.values {
            CovariateValues::Numeric(x) => {
                let min = x.iter().copied().fold(f64::INFINITY, f64::min);
                let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let (rule, breaks) = match cut {
                    None | Some(Cut::Sturges) => ("sturges", equal_width(min, max, sturges(n))),
                    Some(Cut::Bins(b)) => ("bins", equal_width(min, max, *b)),
                    Some(Cut::Points(p)) => {
                        let mut p = p.clone();
                        p.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                        p.dedup();
                        ("cut-points", p)
                    }
                };
                coded.push(x.iter().map(|&v| bin_of(v, &breaks)).collect());
                coarsening.push(Coarsening {
                    covariate: cov.name.clone(),
                    rule: rule.into(),
                    bins: breaks.len() + 1,
                    cut_points: breaks,
                });
            }
            CovariateValues::Categorical { levels, codes } => {
                if cut.is_some() {
                    return Err(MatchError::NotNumeric {
                        covariate: cov.name.clone(),
                        what: "CEM cut points".into(),
                        hint: "categorical covariates are matched exactly on their levels".into(),
                    });
                }
                coded.push(codes.clone());
                coarsening.push(Coarsening {
                    covariate: cov.name.clone(),
                    rule: "exact".into(),
                    cut_points: Vec::new(),
                    bins: levels.len(),
                });
            }
        }
    }
    let mut map: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut stratum = Vec::with_capacity(n);
    for i in 0..n {
        let key: Vec<u32> = coded.iter().map(|c| c[i]).collect();
        let next = map.len() as u32;
        stratum.push(*map.entry(key).or_insert(next));
    }
    Ok(CemStrata {
        stratum,
        n_strata: map.len(),
        coarsening,
    })
}
