//! Variance estimators for (weighted) least squares: classical, HC0–HC3, CR0, CR1 (Stata) and
//! CR2 (Bell & McCaffrey 2002) with Satterthwaite degrees of freedom.
//!
//! Notation: `X` is the `n × k` design of the estimated (non-aliased) coefficients on the rows
//! with positive weight, `W = diag(w)` (identity without weights), `e = y − Xβ` the raw
//! residuals, `M = (X'WX)^{-1}` the bread, and `K = k + absorbed` the number of estimated
//! parameters counted for small-sample factors (`absorbed` = fixed effects swept out before the
//! fit, see [`crate::demean::AbsorbedDf`]).
//!
//! # Weights
//! Classical and HC0–HC3 are those of the fit on `√w X, √w y` (R `lm(weights = )` with sandwich
//! `vcovHC`, estimatr `lm_robust(weights = )`); CR0/CR1 use the scores `X_g'W_g e_g`
//! (sandwich `vcovCL`, estimatr). CR2 with weights follows estimatr and clubSandwich's default
//! working model `Φ = I` (weights treated as not inverse-variance): `B_g = [(I−H)(I−H)']_gg`
//! with `H = X M X'W`, which is *not* the CR2 of the `√w`-transformed regression (that would be
//! clubSandwich `inverse_var = TRUE`). Rows with weight 0 are left out of the variance entirely
//! (as `lm(subset = w > 0)`); clusters with no positive weight do not count in `G`.
//!
//! # After absorbing fixed effects
//! Pass the absorbed count as `absorbed_df` (see [`crate::demean::absorbed_df`]): classical,
//! HC1 and CR1 then equal pyfixest `feols` `iid`/`hetero`/`CRV1` (tested). HC2/HC3 use the
//! leverages of the within design, not of the full dummy design. CR2 on the within design equals
//! CR2 with explicit dummies only when every absorbed factor is nested in the clusters (tested);
//! keep non-nested factors (e.g. time) as dummy columns when CR2 is wanted.
//!
//! # CR2: Gram route
//! CR2 needs `A_g = (I − H_gg)^{+1/2}` per cluster. estimatr and clubSandwich eigendecompose
//! the `n_g × n_g` matrix ([`Cr2Route::Direct`]); [`Cr2Route::LowRank`] uses a thin QR of the
//! cluster's rows. For unweighted fits [`Cr2Route::Auto`] takes a third evaluation of the same
//! formula, which needs no per-cluster factorisation of `n_g`-row matrices: with `M = L L'`
//! (`L = R^{-1}` of the fit's QR) and `Q = X L` (so `Q'Q = I` and `H_gg = Q_g Q_g'`), let
//! `G_g = Q_g'Q_g` (`k × k`). Since `(Q_g Q_g') Q_g = Q_g G_g`, every function of
//! `B_g = I − Q_g Q_g'` acts on the columns of `Q_g` as the same function of `I − G_g`:
//! `A_g Q_g = Q_g T_g`, `T_g = (I − G_g)^{+1/2}` (eigenvalues of `I − G_g` at or below
//! [`CR2_EIGEN_TOL`] mapped to 0, exactly the directions where `B_g` has them). Hence
//! `A_g X_g = Q_g T_g L^{-1}`, `V = L (Σ_g ũ_g ũ_g') L'` with `ũ_g = T_g Q_g'e_g`, and the
//! Satterthwaite/HTZ quantities of a contrast `c` need only `d = L'c` projected on the
//! eigenvectors of each `G_g` (the `P` matrices of Bell & McCaffrey in this basis have
//! `C = −I`). The `G_g` and `Q_g'e_g` of all clusters come from one pass over the rows, followed
//! by one `k × k` eigendecomposition per cluster (closed form for `k ≤ 2`). The three routes
//! agree to 1e-12 relative on well-conditioned designs (tests `cr2_routes.rs`); when a cluster
//! holds almost all the leverage in some direction every route loses accuracy as `ε/(1 − λ)²`.

use std::fmt;
use std::str::FromStr;

use faer::{Mat, MatRef};
use serde::{Deserialize, Serialize};

use crate::ModelError;

mod cr2;
use crate::linalg::{crossprod_weighted, mm, tmm};
use cr2::cr2;

/// Eigenvalues at or below this are treated as zero when taking the inverse square root of
/// `I − H_gg` (clubSandwich `matrix_power(tol = -12)`, estimatr: `> 1e-12`).
pub const CR2_EIGEN_TOL: f64 = 1e-12;

/// Which variance-covariance estimator to use.
///
/// | variant | formula | df |
/// |---|---|---|
/// | `Classical` | `σ̂² M`, `σ̂² = Σ wᵢeᵢ² / (n − K)` | `n − K` |
/// | `Hc0` | `M X'W Ω W X M`, `Ω = diag(eᵢ²)` (White 1980) | `n − K` |
/// | `Hc1` | `HC0 · n/(n − K)` (MacKinnon & White 1985) | `n − K` |
/// | `Hc2` | `Ωᵢᵢ = eᵢ²/(1 − hᵢ)`, `hᵢ = wᵢ xᵢ'M xᵢ` (MacKinnon & White 1985) | `n − K` |
/// | `Hc3` | `Ωᵢᵢ = eᵢ²/(1 − hᵢ)²` (MacKinnon & White 1985) | `n − K` |
/// | `Cr0` | `M Σ_g X_g'W_g e_g e_g'W_g X_g M` (Liang & Zeger 1986) | `G − 1` |
/// | `Cr1` | `CR0 · G/(G−1) · (n−1)/(n−K)` (Stata; estimatr `"stata"`; Cameron, Gelbach & Miller 2008) | `G − 1` |
/// | `Cr2` | `e_g` replaced by `A_g e_g`, `A_g = B_g^{−1/2}` (Bell & McCaffrey 2002) | Satterthwaite (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018) |
///
/// Serialised as `"classical"`, `"HC0"`, …, `"CR2"` (aliases: lower case, `"iid"`, `"stata"`,
/// `"CR1S"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VarianceEstimator {
    #[serde(rename = "classical", alias = "iid", alias = "Classical")]
    Classical,
    #[serde(rename = "HC0", alias = "hc0")]
    Hc0,
    #[serde(rename = "HC1", alias = "hc1")]
    Hc1,
    #[serde(rename = "HC2", alias = "hc2")]
    Hc2,
    #[serde(rename = "HC3", alias = "hc3")]
    Hc3,
    #[serde(rename = "CR0", alias = "cr0")]
    Cr0,
    #[serde(
        rename = "CR1",
        alias = "cr1",
        alias = "stata",
        alias = "CR1S",
        alias = "cr1s"
    )]
    Cr1,
    #[serde(rename = "CR2", alias = "cr2")]
    Cr2,
}

impl VarianceEstimator {
    /// Whether the estimator needs cluster identifiers.
    pub fn is_clustered(self) -> bool {
        matches!(self, Self::Cr0 | Self::Cr1 | Self::Cr2)
    }
    /// Short name: `classical`, `HC0`, …, `CR2`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Classical => "classical",
            Self::Hc0 => "HC0",
            Self::Hc1 => "HC1",
            Self::Hc2 => "HC2",
            Self::Hc3 => "HC3",
            Self::Cr0 => "CR0",
            Self::Cr1 => "CR1",
            Self::Cr2 => "CR2",
        }
    }
    /// One-line description including the degrees-of-freedom rule, for inference notes.
    pub fn description(self) -> &'static str {
        match self {
            Self::Classical => "classical (homoskedastic) standard errors, t with n − k df",
            Self::Hc0 => {
                "HC0 heteroskedasticity-robust standard errors (White 1980), t with n − k df"
            }
            Self::Hc1 => "HC1 robust standard errors (n/(n − k) factor), t with n − k df",
            Self::Hc2 => "HC2 robust standard errors (MacKinnon & White 1985), t with n − k df",
            Self::Hc3 => "HC3 robust standard errors (MacKinnon & White 1985), t with n − k df",
            Self::Cr0 => "CR0 cluster-robust standard errors, t with G − 1 df",
            Self::Cr1 => {
                "CR1 cluster-robust standard errors (Stata factor G/(G−1)·(n−1)/(n−k)), t with G − 1 df"
            }
            Self::Cr2 => {
                "CR2 cluster-robust standard errors (Bell & McCaffrey 2002) with Satterthwaite df (Pustejovsky & Tipton 2018)"
            }
        }
    }
}

impl fmt::Display for VarianceEstimator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for VarianceEstimator {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "classical" | "iid" => Self::Classical,
            "hc0" => Self::Hc0,
            "hc1" => Self::Hc1,
            "hc2" => Self::Hc2,
            "hc3" => Self::Hc3,
            "cr0" => Self::Cr0,
            "cr1" | "cr1s" | "stata" => Self::Cr1,
            "cr2" => Self::Cr2,
            _ => {
                return Err(ModelError::InvalidOption {
                    option: "variance estimator".into(),
                    value: s.into(),
                    expected: "one of classical, HC0, HC1, HC2, HC3, CR0, CR1 (stata), CR2".into(),
                });
            }
        })
    }
}

/// Which route computes `(I − H_gg)^{-1/2}` in CR2 (exposed for testing the routes against each
/// other; [`Cr2Route::Auto`] is what every caller should use). All routes evaluate the same
/// formula; they differ only in rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cr2Route {
    /// Unweighted with at least `k` rows per cluster on average (`G·k ≤ n`): the
    /// [`Cr2Route::Gram`] route. Otherwise, per cluster: the `n_g × n_g` eigendecomposition
    /// when the cluster has at most `m` rows (`m = k`, or `2k` with weights), the low-rank
    /// `m × m` route otherwise.
    #[default]
    Auto,
    /// Always the `n_g × n_g` eigendecomposition (as estimatr/clubSandwich).
    Direct,
    /// Always the low-rank route through a thin QR of the cluster's rows.
    LowRank,
    /// One pass over the rows accumulating the `k × k` Gram matrix `G_g = Q_g'Q_g` of each
    /// cluster's rows of the orthonormalised design `Q = X L` (`M = L L'`), then a `k × k`
    /// eigendecomposition per cluster: `(I − H_gg)^{+1/2} Q_g = Q_g (I − G_g)^{+1/2}` (see the
    /// [module docs](self#cr2-gram-route)). Unweighted fits only; with weights it behaves as
    /// `Auto`.
    Gram,
}

/// How the degrees of freedom of a t test are found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DfRule {
    /// A fixed value (residual df `n − K`, or `G − 1`).
    Fixed(f64),
    /// Satterthwaite per contrast (CR2).
    Satterthwaite,
}

/// Inputs shared by all estimators (rows with positive weight only).
pub(crate) struct VcovInput<'a> {
    pub x: MatRef<'a, f64>,
    /// A factor of the bread, `M = L L'` (the inverse of the `R` of the fit's QR).
    pub l: MatRef<'a, f64>,
    pub w: Option<&'a [f64]>,
    pub e: &'a [f64],
    pub m: MatRef<'a, f64>,
    pub absorbed: usize,
    pub clusters: Option<&'a [u32]>,
    pub route: Cr2Route,
}

/// A computed variance-covariance matrix with its degrees-of-freedom rule.
#[derive(Debug, Clone)]
pub struct Vcov {
    pub(crate) estimator: VarianceEstimator,
    pub(crate) matrix: Mat<f64>,
    pub(crate) df: Vec<f64>,
    pub(crate) rule: DfRule,
    pub(crate) n_clusters: Option<usize>,
    pub(crate) factor: f64,
    pub(crate) cr2: Option<Cr2State>,
}

impl Vcov {
    /// The estimator used.
    pub fn estimator(&self) -> VarianceEstimator {
        self.estimator
    }
    /// The `k × k` matrix.
    pub fn matrix(&self) -> MatRef<'_, f64> {
        self.matrix.as_ref()
    }
    /// Degrees of freedom per coefficient (Satterthwaite for CR2).
    pub fn df(&self) -> &[f64] {
        &self.df
    }
    /// Number of clusters with positive weight (clustered estimators).
    pub fn n_clusters(&self) -> Option<usize> {
        self.n_clusters
    }
    /// Small-sample factor applied (HC1: `n/(n−K)`, CR1: `G/(G−1)·(n−1)/(n−K)`, else 1).
    pub fn small_sample_factor(&self) -> f64 {
        self.factor
    }
}

/// Everything needed to compute Satterthwaite df and HTZ tests for any contrast after a CR2 fit.
#[derive(Debug, Clone)]
pub(crate) enum Cr2State {
    /// Row form (Direct and LowRank routes, weighted fits).
    Rows {
        /// `X` with rows sorted by cluster.
        xs: Mat<f64>,
        /// Weights sorted by cluster.
        ws: Option<Vec<f64>>,
        /// `F = blockdiag(A_g) W X`, rows sorted by cluster.
        f: Mat<f64>,
        /// Cluster boundaries in the sorted order (`G + 1` entries).
        starts: Vec<usize>,
        m: Mat<f64>,
        /// `C` of `(I−H)(I−H)'` restricted to the cluster blocks: `−M` unweighted,
        /// `[[P, −M], [−M, 0]]` weighted (`P = M X'W²X M`).
        core: Mat<f64>,
    },
    /// Per-cluster eigendecompositions `G_g = V_g diag(γ_g) V_g'` in the orthonormal basis
    /// `Q = X L` (Gram route, unweighted), kept as the eigenvectors and the weights of
    /// `G_g T_g = V_g diag(γφ) V_g'` and `T_g G_g T_g = V_g diag(γφ²) V_g'`
    /// (`φ = (1 − γ)^{-1/2}`, 0 where dropped). Contrasts are projected on the eigenvectors, so
    /// directions with weight 0 (dropped, or the null space of `Q_g`) contribute exactly 0 —
    /// reconstructing the `k × k` products would leave rounding of the size of the largest
    /// weight in them.
    Gram {
        l: Mat<f64>,
        g: usize,
        /// `V_g`, column-major, `k²` per cluster.
        vecs: Vec<f64>,
        /// `γφ`, `k` per cluster.
        w1: Vec<f64>,
        /// `γφ²`, `k` per cluster.
        w2: Vec<f64>,
        /// `−I_k`: the `C` of the row form expressed in the orthonormal basis.
        core: Mat<f64>,
    },
}

/// Rows sorted by cluster code (stable) and the start of each cluster.
pub(crate) fn cluster_index(codes: &[u32]) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..codes.len()).collect();
    order.sort_by_key(|&i| codes[i]);
    let mut starts = Vec::new();
    for (pos, &i) in order.iter().enumerate() {
        if pos == 0 || codes[i] != codes[order[pos - 1]] {
            starts.push(pos);
        }
    }
    starts.push(codes.len());
    (order, starts)
}

/// Compute the variance-covariance matrix.
pub(crate) fn compute(est: VarianceEstimator, inp: &VcovInput<'_>) -> Result<Vcov, ModelError> {
    let n = inp.x.nrows();
    let k = inp.x.ncols();
    let kk = k + inp.absorbed;
    if est.is_clustered() && inp.clusters.is_none() {
        return Err(ModelError::ClustersRequired {
            estimator: est.name().into(),
        });
    }
    if !est.is_clustered() && inp.clusters.is_some() {
        return Err(ModelError::ClustersNotUsed {
            estimator: est.name().into(),
        });
    }
    if n <= kk {
        return Err(ModelError::NoResidualDf {
            estimator: est.name().into(),
            n,
            k: kk,
        });
    }
    let w = |i: usize| inp.w.map_or(1.0, |w| w[i]);
    let resid_df = (n - kk) as f64;
    let m = inp.m;
    match est {
        VarianceEstimator::Classical => {
            let s2: f64 = (0..n).map(|i| w(i) * inp.e[i] * inp.e[i]).sum::<f64>() / resid_df;
            let matrix = Mat::from_fn(k, k, |i, j| s2 * m[(i, j)]);
            Ok(fixed(est, matrix, resid_df, None, 1.0))
        }
        VarianceEstimator::Hc0
        | VarianceEstimator::Hc1
        | VarianceEstimator::Hc2
        | VarianceEstimator::Hc3 => {
            let mut omega: Vec<f64> = (0..n).map(|i| (w(i) * inp.e[i]).powi(2)).collect();
            if matches!(est, VarianceEstimator::Hc2 | VarianceEstimator::Hc3) {
                // h_i = w_i x_i' M x_i
                let xm = mm(inp.x, m);
                for (i, o) in omega.iter_mut().enumerate() {
                    let h: f64 = w(i) * (0..k).map(|j| xm[(i, j)] * inp.x[(i, j)]).sum::<f64>();
                    if 1.0 - h <= 1e-10 {
                        return Err(ModelError::LeverageOne {
                            estimator: est.name().into(),
                            row: i,
                            leverage: h,
                        });
                    }
                    *o /= if est == VarianceEstimator::Hc2 {
                        1.0 - h
                    } else {
                        (1.0 - h).powi(2)
                    };
                }
            }
            let meat = crossprod_weighted(inp.x, &omega);
            let factor = if est == VarianceEstimator::Hc1 {
                n as f64 / resid_df
            } else {
                1.0
            };
            let mut matrix = mm(mm(m, meat.as_ref()).as_ref(), m);
            scale(&mut matrix, factor);
            Ok(fixed(est, matrix, resid_df, None, factor))
        }
        VarianceEstimator::Cr0 | VarianceEstimator::Cr1 => {
            let codes = inp.clusters.ok_or(ModelError::ClustersRequired {
                estimator: est.name().into(),
            })?;
            let (order, starts) = cluster_index(codes);
            let g = starts.len() - 1;
            if g < 2 {
                return Err(ModelError::TooFewClusters { count: g });
            }
            let mut dense = vec![0usize; n];
            for c in 0..g {
                for &i in &order[starts[c]..starts[c + 1]] {
                    dense[i] = c;
                }
            }
            let we: Vec<f64> = (0..n).map(|i| w(i) * inp.e[i]).collect();
            let mut u = Mat::<f64>::zeros(g, k);
            for j in 0..k {
                let col = inp.x.col(j);
                for i in 0..n {
                    u[(dense[i], j)] += we[i] * col[i];
                }
            }
            let meat = tmm(u.as_ref(), u.as_ref());
            let gf = g as f64;
            let factor = if est == VarianceEstimator::Cr1 {
                gf / (gf - 1.0) * (n as f64 - 1.0) / resid_df
            } else {
                1.0
            };
            let mut matrix = mm(mm(m, meat.as_ref()).as_ref(), m);
            scale(&mut matrix, factor);
            Ok(fixed(est, matrix, gf - 1.0, Some(g), factor))
        }
        VarianceEstimator::Cr2 => cr2(inp),
    }
}

fn fixed(est: VarianceEstimator, matrix: Mat<f64>, df: f64, g: Option<usize>, factor: f64) -> Vcov {
    let k = matrix.nrows();
    Vcov {
        estimator: est,
        matrix,
        df: vec![df; k],
        rule: DfRule::Fixed(df),
        n_clusters: g,
        factor,
        cr2: None,
    }
}

fn scale(a: &mut Mat<f64>, f: f64) {
    if f != 1.0 {
        for j in 0..a.ncols() {
            for i in 0..a.nrows() {
                a[(i, j)] *= f;
            }
        }
    }
}
