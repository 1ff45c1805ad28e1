//! Difference in means with exactly estimatr's (1.0.0) `difference_in_means` definitions.
//!
//! | design | estimate | variance | df |
//! |---|---|---|---|
//! | standard | `ȳ₁ − ȳ₀` | Neyman `s₁²/n₁ + s₀²/n₀` | Welch–Satterthwaite |
//! | clustered | `ȳ₁ − ȳ₀` (rows) | CR2 of `y ~ 1 + T` | Bell–McCaffrey/Satterthwaite (CR2) |
//! | blocked | `Σ_b (N_b/N) τ̂_b` | `Σ_b (N_b/N)² V̂_b` (Neyman per block) | `N − 2J` |
//! | block-clustered | `Σ_b (N_b/N) τ̂_b` | `Σ_b (N_b/N)² V̂_b` (CR2 per block) | `C − 2J` |
//! | matched pairs | `Σ_b (N_b/N) τ̂_b` | `Σ_b (τ̂_b − τ̂)² / (J(J − 1))` | `J − 1` |
//! | matched-pair clustered | `Σ_b (N_b/N) τ̂_b` | `J/((J − 1)N²) Σ_b (N_b τ̂_b − N τ̂/J)²` | `J − 1` |
//!
//! `N_b` are rows in block b, `J` blocks, `C` clusters. A blocked design is *matched pairs* when
//! every block has two units (or clusters); when some blocks have two and others more, the
//! matched-pair variance is used for all (estimatr does the same, with a warning; the
//! per-block variance cannot be estimated with one unit per arm). References: Neyman (1923);
//! Welch (1947); Gerber & Green (2012, ch. 3–4); Imai, King & Nall (2009) for pairs of clusters;
//! Bell & McCaffrey (2002) and Pustejovsky & Tipton (2018) for CR2.

use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
use serde::{Deserialize, Serialize};

use crate::RctError;
use crate::prepare::{Prepared, arm_name};

/// The design as estimatr names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Complete randomisation of individuals.
    Standard,
    /// Individuals randomised within blocks (at least 2 per arm in every block).
    Blocked,
    /// Pairs (or some pairs among larger blocks) of individuals.
    MatchedPair,
    /// Whole clusters randomised (or clusters used for cluster-robust variance).
    Clustered,
    /// Clusters randomised within blocks.
    BlockClustered,
    /// Pairs of clusters.
    MatchedPairClustered,
}

impl Design {
    /// Human-readable name.
    pub fn describe(self) -> &'static str {
        match self {
            Design::Standard => "completely randomised",
            Design::Blocked => "block-randomised",
            Design::MatchedPair => "matched pairs",
            Design::Clustered => "cluster-randomised",
            Design::BlockClustered => "block- and cluster-randomised",
            Design::MatchedPairClustered => "matched pairs of clusters",
        }
    }
}

/// The analytic variance and degrees-of-freedom rule behind the headline test: what was
/// computed. The design alone does not say it — an individually randomised trial analysed with
/// clusters for the standard errors has design [`Design::Standard`] but a CR2 variance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variance {
    /// Neyman's s₁²/n₁ + s₀²/n₀ (equal to HC2) with Welch–Satterthwaite df (Neyman 1923;
    /// Welch 1947).
    Neyman,
    /// Block estimates weighted by block size with Neyman variances per block, N − 2J df
    /// (Gerber & Green 2012, §4.1).
    BlockedNeyman,
    /// The spread of the pair differences, J − 1 df (Imai 2008).
    MatchedPairs,
    /// Size-weighted differences of pairs of clusters, J − 1 df (Imai, King & Nall 2009).
    MatchedPairsOfClusters,
    /// CR2 (Bell & McCaffrey 2002) with Satterthwaite df (Pustejovsky & Tipton 2018).
    Cr2,
    /// Block estimates weighted by block size with CR2 variances per block, C − 2J df.
    BlockedCr2,
    /// HC2 (MacKinnon & White 1985) with n − k df: regression adjustment without clusters.
    Hc2,
}

impl Variance {
    /// The variance and df rule in words (the `method` of the inference note).
    pub fn description(self) -> String {
        match self {
            Variance::Neyman => "Neyman standard error (= HC2) with Welch–Satterthwaite df".into(),
            Variance::BlockedNeyman => {
                "block-size-weighted Neyman standard errors, t with N − 2J df".into()
            }
            Variance::MatchedPairs => {
                "matched-pairs standard error from the spread of the pair differences, t with J − 1 df".into()
            }
            Variance::MatchedPairsOfClusters => {
                "matched-pairs-of-clusters standard error (Imai, King & Nall 2009), t with J − 1 df".into()
            }
            Variance::Cr2 => effekt_models::VarianceEstimator::Cr2.description().to_string(),
            Variance::BlockedCr2 => {
                "block-size-weighted CR2 standard errors, t with C − 2J df".into()
            }
            Variance::Hc2 => effekt_models::VarianceEstimator::Hc2.description().to_string(),
        }
    }

    /// Whether the variance is cluster-robust.
    pub fn is_clustered(self) -> bool {
        matches!(
            self,
            Variance::Cr2 | Variance::BlockedCr2 | Variance::MatchedPairsOfClusters
        )
    }
}

/// Estimate, standard error and df of the difference in means.
#[derive(Debug, Clone)]
pub(crate) struct DimEstimate {
    pub design: Design,
    pub estimate: f64,
    pub std_error: f64,
    pub df: f64,
    pub n_blocks: Option<usize>,
    pub n_clusters: Option<usize>,
    /// The variance and df rule.
    pub variance: Variance,
    pub reason: String,
    pub notes: Vec<effekt_notes::Note>,
}

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    // R's mean(): a second pass corrects the rounding of the first.
    let m = m + v.iter().map(|x| x - m).sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, var)
}

fn split(y: &[f64], t: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let mut y1 = Vec::new();
    let mut y0 = Vec::new();
    for (&v, &b) in y.iter().zip(t) {
        if b { y1.push(v) } else { y0.push(v) }
    }
    (y1, y0)
}

/// Neyman: estimate, SE and Welch df of one (sub)sample.
fn neyman(y: &[f64], t: &[bool]) -> (f64, f64, f64) {
    let (y1, y0) = split(y, t);
    let (n1, n0) = (y1.len() as f64, y0.len() as f64);
    let (m1, v1) = mean_var(&y1);
    let (m0, v0) = mean_var(&y0);
    let se = (v1 / n1 + v0 / n0).sqrt();
    let df = se.powi(4) / ((v1 / n1).powi(2) / (n1 - 1.0) + (v0 / n0).powi(2) / (n0 - 1.0));
    (m1 - m0, se, df)
}

/// CR2 fit of `y ~ 1 + T` with clusters: estimate, SE, Satterthwaite df, clusters.
fn cr2(
    y: &[f64],
    t: &[bool],
    clusters: &[u32],
    name: &str,
) -> Result<(f64, f64, f64, usize), RctError> {
    let design = DesignBuilder::new(y.len())
        .intercept()
        .treatment(name.to_string(), t)
        .build()?;
    let opts = OlsOptions {
        vcov: Some(VarianceEstimator::Cr2),
        clusters: Some(clusters),
        ..OlsOptions::default()
    };
    let fit = ols(&design, y, &opts)?;
    let j = fit.term_index(name).ok_or_else(|| RctError::Numerical {
        what: "treatment coefficient".into(),
    })?;
    let se = fit.std_errors();
    let g = fit.vcov().n_clusters().unwrap_or(0);
    Ok((fit.coefficients()[j], se[j], fit.df()[j], g))
}

/// The difference in means of `p` under its design.
pub(crate) fn difference_in_means(p: &Prepared) -> Result<DimEstimate, RctError> {
    let name = p.treatment.as_str();
    match (&p.blocks, &p.clusters) {
        (None, None) => {
            let (est, se, df) = neyman(&p.y, &p.t);
            Ok(DimEstimate {
                design: Design::Standard,
                estimate: est,
                std_error: se,
                df,
                n_blocks: None,
                n_clusters: None,
                variance: Variance::Neyman,
                reason: "completely randomised design: the difference in means with Neyman's conservative variance and Welch df, as estimatr's difference_in_means (Neyman 1923; Welch 1947)".into(),
                notes: Vec::new(),
            })
        }
        (None, Some(g)) => {
            let (est, se, df, n_cl) = cr2(&p.y, &p.t, &g.codes, name)?;
            Ok(DimEstimate {
                // Clusters only for the standard errors: the randomisation was individual.
                design: if p.cluster_assigned {
                    Design::Clustered
                } else {
                    Design::Standard
                },
                estimate: est,
                std_error: se,
                df,
                n_blocks: None,
                n_clusters: Some(n_cl),
                variance: Variance::Cr2,
                reason: cluster_reason(n_cl, p.cluster_assigned),
                notes: Vec::new(),
            })
        }
        (Some(_), Some(_)) if !p.cluster_assigned => Err(RctError::BlocksWithIndividualClusters),
        (Some(b), clusters) => blocked(p, b, clusters.as_ref().map(|g| g.codes.as_slice())),
    }
}

pub(crate) fn cluster_reason(g: usize, assigned: bool) -> String {
    let what = if assigned {
        "cluster-randomised design"
    } else {
        "individually randomised, clustered data"
    };
    if g < crate::config::FEW_CLUSTERS {
        format!(
            "{what} with {g} clusters (< {}): CR2 with Satterthwaite df stays close to nominal with few clusters, where CR1 with G − 1 df over-rejects (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)",
            crate::config::FEW_CLUSTERS
        )
    } else {
        format!(
            "{what} with {g} clusters: CR2 with Satterthwaite df, estimatr's default for clustered designs (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)"
        )
    }
}

struct BlockEstimate {
    estimate: f64,
    std_error: f64,
    nobs: f64,
    nclusters: usize,
}

fn blocked(
    p: &Prepared,
    b: &effekt_data::Groups,
    clusters: Option<&[u32]>,
) -> Result<DimEstimate, RctError> {
    let j = b.n_groups();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); j];
    for (i, &c) in b.codes.iter().enumerate() {
        if let Some(r) = rows.get_mut(c as usize) {
            r.push(i);
        }
    }
    let unit = if clusters.is_some() {
        "cluster"
    } else {
        "unit"
    };
    // Units (clusters or rows) per block.
    let units_in = |r: &[usize]| -> usize {
        match clusters {
            Some(c) => {
                let mut v: Vec<u32> = r.iter().map(|&i| c[i]).collect();
                v.sort_unstable();
                v.dedup();
                v.len()
            }
            None => r.len(),
        }
    };
    let per_block: Vec<usize> = rows.iter().map(|r| units_in(r)).collect();
    if let Some(k) = per_block.iter().position(|&u| u == 1) {
        return Err(RctError::BlockTooSmall {
            block: b.labels[k].clone(),
            unit: unit.into(),
        });
    }
    let pair_matched = per_block.contains(&2);
    let mut notes = Vec::new();
    if pair_matched && per_block.iter().any(|&u| u > 2) {
        notes.push(effekt_notes::Note::PairsVarianceForAllBlocks {
            unit: if clusters.is_some() {
                effekt_notes::Unit::Cluster
            } else {
                effekt_notes::Unit::Unit
            },
        });
    }
    let mut ests = Vec::with_capacity(j);
    for (k, r) in rows.iter().enumerate() {
        let y: Vec<f64> = r.iter().map(|&i| p.y[i]).collect();
        let t: Vec<bool> = r.iter().map(|&i| p.t[i]).collect();
        let cl: Option<Vec<u32>> = clusters.map(|c| r.iter().map(|&i| c[i]).collect());
        // Arms: units per arm in this block (rows, or clusters).
        let count_arm = |arm: bool| -> usize {
            match &cl {
                Some(c) => {
                    let mut v: Vec<u32> = c
                        .iter()
                        .zip(&t)
                        .filter(|(_, tt)| **tt == arm)
                        .map(|(x, _)| *x)
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v.len()
                }
                None => t.iter().filter(|&&tt| tt == arm).count(),
            }
        };
        let n1 = t.iter().filter(|&&x| x).count();
        let n0 = t.len() - n1;
        if n1 == 0 || n0 == 0 {
            let present = n1 > 0;
            return Err(RctError::BlockOneArm {
                block: b.labels[k].clone(),
                present: arm_name(present).into(),
                missing_arm: arm_name(!present).into(),
                count: t.len(),
            });
        }
        if !pair_matched {
            for arm in [true, false] {
                let c = count_arm(arm);
                if c < 2 {
                    return Err(RctError::BlockArmTooSmall {
                        block: b.labels[k].clone(),
                        arm: arm_name(arm).into(),
                        count: c,
                        unit: unit.into(),
                    });
                }
            }
        }
        let e = match (&cl, pair_matched) {
            (Some(c), false) => {
                let (est, se, _, g) = cr2(&y, &t, c, &p.treatment)?;
                BlockEstimate {
                    estimate: est,
                    std_error: se,
                    nobs: y.len() as f64,
                    nclusters: g,
                }
            }
            (_, false) => {
                let (est, se, _) = neyman(&y, &t);
                BlockEstimate {
                    estimate: est,
                    std_error: se,
                    nobs: y.len() as f64,
                    nclusters: 0,
                }
            }
            (_, true) => {
                let (y1, y0) = split(&y, &t);
                let (m1, _) = mean_var(&y1);
                let (m0, _) = mean_var(&y0);
                BlockEstimate {
                    estimate: m1 - m0,
                    std_error: f64::NAN,
                    nobs: y.len() as f64,
                    nclusters: if cl.is_some() { 2 } else { 0 },
                }
            }
        };
        ests.push(e);
    }
    let n_total: f64 = ests.iter().map(|e| e.nobs).sum();
    let nclusters: usize = ests.iter().map(|e| e.nclusters).sum();
    let diff: f64 = ests.iter().map(|e| e.estimate * e.nobs / n_total).sum();
    let jf = j as f64;
    let (design, se, df, variance, reason) = if pair_matched {
        if clusters.is_none() {
            let ss: f64 = ests.iter().map(|e| (e.estimate - diff).powi(2)).sum();
            (
                Design::MatchedPair,
                (ss / (jf * (jf - 1.0))).sqrt(),
                jf - 1.0,
                Variance::MatchedPairs,
                format!(
                    "matched-pairs design ({j} pairs): the within-pair variance cannot be estimated, so the variance comes from the spread of the pair differences, as estimatr's difference_in_means (Gerber & Green 2012, §3.6.2; Imai 2008)"
                ),
            )
        } else {
            let ss: f64 = ests
                .iter()
                .map(|e| (e.nobs * e.estimate - n_total * diff / jf).powi(2))
                .sum();
            (
                Design::MatchedPairClustered,
                (jf / ((jf - 1.0) * n_total * n_total) * ss).sqrt(),
                jf - 1.0,
                Variance::MatchedPairsOfClusters,
                format!(
                    "pairs of clusters ({j} pairs): size-weighted pair differences with the variance of Imai, King & Nall (2009), as estimatr's difference_in_means"
                ),
            )
        }
    } else {
        let var: f64 = ests
            .iter()
            .map(|e| e.std_error.powi(2) * (e.nobs / n_total).powi(2))
            .sum();
        match clusters {
            None => (
                Design::Blocked,
                var.sqrt(),
                n_total - 2.0 * jf,
                Variance::BlockedNeyman,
                format!(
                    "block-randomised design ({j} blocks): block estimates weighted by block size with Neyman variances per block, df = N − 2·blocks, as estimatr's difference_in_means (Gerber & Green 2012, §4.1)"
                ),
            ),
            Some(_) => (
                Design::BlockClustered,
                var.sqrt(),
                nclusters as f64 - 2.0 * jf,
                Variance::BlockedCr2,
                format!(
                    "block- and cluster-randomised design ({j} blocks, {nclusters} clusters): block estimates weighted by block size with CR2 variances per block, df = clusters − 2·blocks, as estimatr's difference_in_means"
                ),
            ),
        }
    };
    Ok(DimEstimate {
        design,
        estimate: diff,
        std_error: se,
        df,
        n_blocks: Some(j),
        n_clusters: clusters.map(|_| nclusters),
        variance,
        reason,
        notes,
    })
}
