//! Generic cluster-randomised trial.

use super::*;

/// Configuration of the cluster-randomised generator (`#[serde(default)]`).
///
/// # The data-generating process
/// `G` clusters; cluster sizes equal to `cluster_size` when `cv = 0`, otherwise
/// `max(2, round(Gamma(shape 1/cv², scale m̄ cv²)))` (mean m̄, coefficient of variation cv);
/// `round(share · G)` clusters randomised to treatment (complete randomisation of clusters);
/// `y = u_g + e + effect · treated`, `u_g ~ N(0, icc)`, `e ~ N(0, 1 − icc)`, so the outcome has
/// total variance 1, the intraclass correlation is `icc`, and `effect` is in SD units.
/// True effect: `effect` (homogeneous, so ATE = ATT = the cluster-level average effect).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterRctConfig {
    /// Number of clusters (2–100,000).
    pub clusters: usize,
    /// Mean cluster size (1–100,000).
    pub cluster_size: usize,
    /// Coefficient of variation of cluster sizes.
    pub cv: f64,
    pub icc: f64,
    pub effect: f64,
    pub share: f64,
}

impl Default for ClusterRctConfig {
    fn default() -> Self {
        Self {
            clusters: 40,
            cluster_size: 25,
            cv: 0.0,
            icc: 0.05,
            effect: 0.2,
            share: 0.5,
        }
    }
}

impl ClusterRctConfig {
    /// Validate.
    ///
    /// # Errors
    /// Out-of-range settings.
    pub fn check(&self) -> Result<()> {
        check_units("clusters", self.clusters, 2, 100_000)?;
        check_units("cluster_size", self.cluster_size, 1, 100_000)?;
        super::check_rows(
            "clusters x cluster_size",
            self.clusters.saturating_mul(self.cluster_size),
        )?;
        if !(self.icc.is_finite() && (0.0..1.0).contains(&self.icc)) {
            return Err(PowerError::Icc { value: self.icc });
        }
        crate::error::check_non_negative("cv", self.cv)?;
        check_finite("effect", self.effect)?;
        check_share("share", self.share)?;
        // As drawn below: round(share · G) treated clusters, at least 1 in each arm.
        let g = self.clusters;
        let treated = ((self.share * g as f64).round() as usize).clamp(1, g - 1);
        if treated.min(g - treated) < 2 {
            return Err(PowerError::InvalidParameter {
                name: "clusters",
                value: g as f64,
                reason: format!(
                    "with share {} that is {treated} treated and {} control cluster(s); a \
                     cluster-randomised comparison needs at least 2 clusters in each arm to \
                     estimate its variance",
                    self.share,
                    g - treated
                ),
            });
        }
        Ok(())
    }
}

/// Raw columns of a cluster-randomised draw (used directly by the simulation harness).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClusterDraw {
    pub cluster: Vec<u32>,
    pub treated_cluster: Vec<bool>,
    pub y: Vec<f64>,
}

pub(crate) fn draw_cluster(c: &ClusterRctConfig, rng: &mut Rng) -> Result<ClusterDraw> {
    use rand::distr::Distribution;
    c.check()?;
    let g = c.clusters;
    let sizes: Vec<usize> = if c.cv > 0.0 {
        let shape = 1.0 / (c.cv * c.cv);
        let scale = c.cluster_size as f64 * c.cv * c.cv;
        let gamma = rand_distr::Gamma::new(shape, scale).map_err(|e| PowerError::Numerical {
            what: "Gamma distribution",
            detail: e.to_string(),
        })?;
        // (a draw beyond MAX_ROWS, even +inf, is capped there and refused below)
        (0..g)
            .map(|_| {
                let m = gamma.sample(rng).round();
                if m.is_finite() && m < super::MAX_ROWS as f64 {
                    (m as usize).max(2)
                } else {
                    super::MAX_ROWS + 1
                }
            })
            .collect()
    } else {
        vec![c.cluster_size; g]
    };
    let k = ((c.share * g as f64).round() as usize).clamp(1, g - 1);
    let perm = permutation(g, rng);
    let mut treated_cluster = vec![false; g];
    for &j in perm.iter().take(k) {
        if let Some(t) = treated_cluster.get_mut(j) {
            *t = true;
        }
    }
    let sd_u = c.icc.sqrt();
    let sd_e = (1.0 - c.icc).sqrt();
    let total = sizes.iter().fold(0usize, |a, &m| a.saturating_add(m));
    super::check_rows("the cluster sizes drawn (cv > 0)", total)?;
    let mut cluster = Vec::with_capacity(total);
    let mut y = Vec::with_capacity(total);
    for (j, (&m, &t)) in sizes.iter().zip(&treated_cluster).enumerate() {
        let u = sd_u * std_normal(rng);
        let shift = if t { c.effect } else { 0.0 };
        for _ in 0..m {
            cluster.push(j as u32);
            y.push(u + sd_e * std_normal(rng) + shift);
        }
    }
    Ok(ClusterDraw {
        cluster,
        treated_cluster,
        y,
    })
}

/// Generate a cluster-randomised trial (one row per individual).
///
/// # Errors
/// [`PowerError::Icc`] for an ICC outside [0, 1); [`PowerError::InvalidParameter`] otherwise.
pub fn cluster_rct(c: &ClusterRctConfig, rng: &mut Rng) -> Result<Simulated> {
    let d = draw_cluster(c, rng)?;
    let n = d.y.len();
    let treated: Vec<Option<i64>> = d
        .cluster
        .iter()
        .map(|&j| {
            Some(i64::from(
                d.treated_cluster.get(j as usize).copied().unwrap_or(false),
            ))
        })
        .collect();
    let n_treated = treated.iter().filter(|t| **t == Some(1)).count();
    let table = make_table(
        "cluster-rct (synthetic)",
        vec![
            int_col("id", (1..=n as i64).map(Some).collect()),
            int_col(
                "cluster",
                d.cluster.iter().map(|&j| Some(i64::from(j) + 1)).collect(),
            ),
            int_col("treated", treated),
            float_col("y", d.y.iter().map(|&v| Some(v)).collect()),
        ],
    )?;
    let mut estimands = Vec::new();
    for (pop, name, k) in [
        (Population::All, "ATE", n),
        (Population::Treated, "ATT", n_treated),
    ] {
        estimands.push(Estimand {
            outcome: "y".into(),
            estimand: name.into(),
            population: pop,
            wave: None,
            value: c.effect,
            scale: "outcome SD units (total SD 1)".into(),
            n_units: k,
        });
    }
    Ok(Simulated {
        truth: TrueEffects {
            dgp: "cluster-rct".into(),
            generator_version: env!("CARGO_PKG_VERSION").into(),
            seed: None,
            stream: None,
            config: config_json(c),
            description: "Generic cluster-randomised trial with a normal outcome, random cluster \
                          intercepts (ICC) and optionally unequal cluster sizes."
                .into(),
            definition: "The constant treatment effect of the model (every unit's expected \
                         outcome rises by `effect`)."
                .into(),
            n_units: n,
            n_rows: n,
            n_treated,
            estimands,
            att_gt: Vec::new(),
            columns: vec![
                doc("id", "int", "individual identifier"),
                doc("cluster", "int", "cluster (unit of randomisation), 1..G"),
                doc(
                    "treated",
                    "int",
                    "1 = cluster randomised to the intervention",
                ),
                doc("y", "float", "outcome (total variance 1)"),
            ],
        },
        table,
    })
}
