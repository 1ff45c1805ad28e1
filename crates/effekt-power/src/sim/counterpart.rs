//! The closed-form power of a simulated design and analysis, where one exists, shown beside the
//! simulation.

use super::builtin::{AnalysisSpec, DgpSpec, SimulationConfig};
use super::design::{RctAdjust, RctAnalysis};
use crate::analytic::{self, Design, PowerResult, Targets};
use crate::error::Result;

/// The closed-form power of the same design and test, where one exists: two normal groups
/// with equal SDs and a t-test (noncentral t; exact for Student; the `rct` difference in means
/// is Welch's test), two proportions with the pooled z-test, equal-sized clusters with the
/// cluster-means t-test, OLS + CR2 or the `rct` difference in means with clusters (design
/// effect `1 + (m − 1)ρ`; exact, since with equal clusters and only the treatment indicator the
/// CR2 standard error and Satterthwaite df equal the cluster-means t-test's), and `rct` with
/// `adjust = "ancova"` on two groups with a baseline covariate (ANCOVA factor `1 − ρ²`, df
/// `n − 3`, the covariate treated as fixed as in Borm, Fransen & Lemmens 2007 — approximate:
/// the simulated analysis estimates the slope and uses HC2).
///
/// # Errors
/// Errors of [`analytic::solve`].
pub fn analytic_counterpart(cfg: &SimulationConfig) -> Result<Option<PowerResult>> {
    let alpha = Some(cfg.alpha);
    let rct_dim = matches!(
        &cfg.analysis,
        AnalysisSpec::Rct(RctAnalysis { adjust: None, .. })
    );
    let rct_ancova = matches!(
        &cfg.analysis,
        AnalysisSpec::Rct(RctAnalysis {
            adjust: Some(RctAdjust::Ancova),
            ..
        })
    );
    let t_test = matches!(cfg.analysis, AnalysisSpec::Welch | AnalysisSpec::Student) || rct_dim;
    let cluster_test = matches!(
        cfg.analysis,
        AnalysisSpec::ClusterMeans | AnalysisSpec::OlsCr2
    ) || rct_dim;
    let (design, targets) = match &cfg.dgp {
        DgpSpec::TwoGroups {
            n_treated,
            n_control,
            effect,
            sd_treated,
            sd_control,
            ..
        } if t_test && sd_treated == sd_control => (
            Design::TwoMeans(analytic::TwoMeans {
                sd: Some(*sd_treated),
                ratio: *n_control as f64 / *n_treated as f64,
                ..analytic::TwoMeans::default()
            }),
            power_at(*n_treated as f64, *effect, alpha),
        ),
        DgpSpec::TwoGroups {
            n_treated,
            n_control,
            effect,
            sd_treated,
            sd_control,
            baseline_correlation: Some(r),
        } if rct_ancova && sd_treated == sd_control => (
            Design::Ancova(analytic::Waves {
                sd: Some(*sd_treated),
                ratio: *n_control as f64 / *n_treated as f64,
                pre_waves: 1,
                post_waves: 1,
                correlation: analytic::WaveCorrelation::Equal(*r),
                ..analytic::Waves::default()
            }),
            power_at(*n_treated as f64, *effect, alpha),
        ),
        DgpSpec::TwoProportions {
            n_treated,
            n_control,
            p_treated,
            p_control,
        } if cfg.analysis == AnalysisSpec::ZPooled => (
            Design::TwoProportions(analytic::TwoProportions {
                p1: Some(*p_treated),
                method: analytic::ProportionMethod::Pooled,
                ratio: *n_control as f64 / *n_treated as f64,
                ..analytic::TwoProportions::default()
            }),
            power_at(*n_treated as f64, p_treated - p_control, alpha),
        ),
        DgpSpec::ClusterRct(c) if cluster_test && c.cv == 0.0 => {
            let k1 = ((c.share * c.clusters as f64).round() as usize).clamp(1, c.clusters - 1);
            let k0 = c.clusters - k1;
            (
                Design::Cluster(analytic::Cluster {
                    cluster_size: Some(c.cluster_size as f64),
                    icc: c.icc,
                    cv: 0.0,
                    sd: Some(1.0),
                    ratio: k0 as f64 / k1 as f64,
                    ..analytic::Cluster::default()
                }),
                power_at(k1 as f64, c.effect, alpha),
            )
        }
        _ => return Ok(None),
    };
    analytic::solve(&design, &targets, None).map(Some)
}

/// The targets that solve for power: power at sample size `n` (group 1, or clusters in arm 1)
/// and effect `effect`, at significance level `alpha`.
fn power_at(n: f64, effect: f64, alpha: Option<f64>) -> Targets {
    Targets {
        n: Some(n),
        effect: Some(effect),
        power: None,
        alpha,
    }
}
