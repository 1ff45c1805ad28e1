//! Standardised effect sizes: Hedges' g for continuous and rating outcomes, the number needed
//! to treat for 0/1 outcomes.
//!
//! # Hedges' g (Hedges 1981; Hedges & Olkin 1985, ch. 5)
//!
//! ```text
//! d  = Δ / s_p                         s_p² = ((n₁ − 1) s₁² + (n₀ − 1) s₀²) / (n₁ + n₀ − 2)
//! J  = 1 − 3 / (4 (n₁ + n₀) − 9)       (small-sample correction)
//! g  = J d
//! SE(g) = J √((n₁ + n₀) / (n₁ n₀) + d² / (2 (n₁ + n₀)))
//! CI = g ± z_{(1+level)/2} SE(g)
//! ```
//!
//! Symbols: Δ, the effect in outcome units (the design's estimate: a difference in means, an
//! adjusted or weighted effect); s_p, the pooled within-group standard deviation of the outcome
//! in the analysed sample (before any matching or weighting: the spread of the outcome, not of
//! the estimate); n₁, n₀, the treated and comparison group sizes; z, the standard normal
//! quantile. With Δ the raw difference in means this is `effectsize::hedges_g(y ~ d)` in R with
//! its `ci_method = "normal"`-style interval (the same variance as metafor's `escalc("SMD")`).
//!
//! # Number needed to treat (Cook & Sackett 1995; Altman 1998)
//!
//! For a risk difference RD (treated − comparison share, 0–1) with interval `[L, U]`:
//! `NNT = 1 / |RD|`; when the interval excludes zero the NNT interval is `[1/|U|, 1/|L|]` (for
//! RD > 0; `[1/|L|, 1/|U|]` for RD < 0), the inverted RD interval. When the RD interval spans
//! zero the NNT interval includes infinity ("benefit 1/U … ∞ … harm 1/|L|") and is reported as
//! not defined, as Altman advises against a single interval there.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Hedges' g with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HedgesG {
    /// g = J d.
    pub estimate: f64,
    /// SE(g) (Hedges & Olkin).
    pub std_error: f64,
    /// Lower interval end.
    pub conf_low: f64,
    /// Upper interval end.
    pub conf_high: f64,
    /// Cohen's d before the correction.
    pub cohens_d: f64,
    /// The correction J.
    pub correction: f64,
    /// The pooled SD that standardises (outcome units).
    pub sd: f64,
}

/// The pooled within-group standard deviation `s_p` of `y` over the two groups of `treated`.
///
/// # Errors
/// [`ModelError::LengthMismatch`] when the lengths differ; [`ModelError::InvalidOption`] when
/// a group has no observation or both together fewer than 3.
pub fn pooled_sd(y: &[f64], treated: &[bool]) -> Result<f64, ModelError> {
    if y.len() != treated.len() {
        return Err(ModelError::LengthMismatch {
            what: "treatment indicator".into(),
            expected: y.len(),
            found: treated.len(),
        });
    }
    let stats = |arm: bool| {
        let v: Vec<f64> = y
            .iter()
            .zip(treated)
            .filter(|(_, t)| **t == arm)
            .map(|(v, _)| *v)
            .collect();
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        (n, v.iter().map(|x| (x - m) * (x - m)).sum::<f64>())
    };
    let (n1, ss1) = stats(true);
    let (n0, ss0) = stats(false);
    if n1 < 1.0 || n0 < 1.0 || n1 + n0 < 3.0 {
        return Err(invalid(
            "group sizes",
            format!("{n1} treated, {n0} comparison"),
            "at least one in each group and three in all",
        ));
    }
    Ok(((ss1 + ss0) / (n1 + n0 - 2.0)).sqrt())
}

fn invalid(option: &str, value: String, expected: &str) -> ModelError {
    ModelError::InvalidOption {
        option: option.into(),
        value,
        expected: expected.into(),
    }
}

/// Hedges' g of an effect `effect` standardised by `sd` with group sizes `n_treated`,
/// `n_control` (formulas in the module docs).
///
/// # Errors
/// [`ModelError::InvalidLevel`]; [`ModelError::InvalidOption`] naming `sd` (not finite and
/// positive) or the group sizes (a group below 2).
pub fn hedges_g(
    effect: f64,
    sd: f64,
    n_treated: usize,
    n_control: usize,
    level: f64,
) -> Result<HedgesG, ModelError> {
    crate::dist::check_level(level)?;
    if !(sd.is_finite() && sd > 0.0) {
        return Err(invalid(
            "sd",
            sd.to_string(),
            "a finite standard deviation above 0 (the outcome varies)",
        ));
    }
    if n_treated < 2 || n_control < 2 {
        return Err(invalid(
            "group sizes",
            format!("{n_treated} treated, {n_control} comparison"),
            "at least 2 in each group",
        ));
    }
    let (n1, n0) = (n_treated as f64, n_control as f64);
    let n = n1 + n0;
    let d = effect / sd;
    let j = 1.0 - 3.0 / (4.0 * n - 9.0);
    let g = j * d;
    let se = j * ((n / (n1 * n0)) + d * d / (2.0 * n)).sqrt();
    let t = crate::dist::z_test(g, se, level)?;
    Ok(HedgesG {
        estimate: g,
        std_error: se,
        conf_low: t.conf_low,
        conf_high: t.conf_high,
        cohens_d: d,
        correction: j,
        sd,
    })
}

/// The number needed to treat for one more (RD > 0) or one fewer (RD < 0) outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Nnt {
    /// 1 / |RD| (`None` when RD = 0).
    pub estimate: Option<f64>,
    /// The inverted RD interval, smaller end first; `None` when the RD interval spans zero.
    pub conf_low: Option<f64>,
    /// Upper end.
    pub conf_high: Option<f64>,
    /// Whether the treated have the outcome more often (RD > 0).
    pub more_often: bool,
}

/// The NNT of a risk difference `rd` with interval `[low, high]` (module docs; Altman 1998).
pub fn nnt(rd: f64, low: f64, high: f64) -> Nnt {
    let estimate = (rd != 0.0 && rd.is_finite()).then(|| 1.0 / rd.abs());
    let excludes = (low > 0.0 && high > 0.0) || (low < 0.0 && high < 0.0);
    let (conf_low, conf_high) = if excludes && low.is_finite() && high.is_finite() {
        let (a, b) = (1.0 / low.abs(), 1.0 / high.abs());
        (Some(a.min(b)), Some(a.max(b)))
    } else {
        (None, None)
    };
    Nnt {
        estimate,
        conf_low,
        conf_high,
        more_often: rd > 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nnt_inverts_the_risk_difference_and_its_interval() {
        // Altman (1998), BMJ 317:1309, the example: RD 0.2 (0.1 to 0.3) → NNT 5 (3.3 to 10).
        let n = nnt(0.2, 0.1, 0.3);
        assert!((n.estimate.unwrap() - 5.0).abs() < 1e-12);
        assert!((n.conf_low.unwrap() - 1.0 / 0.3).abs() < 1e-12);
        assert!((n.conf_high.unwrap() - 10.0).abs() < 1e-12);
        assert!(n.more_often);
        let harm = nnt(-0.25, -0.4, -0.1);
        assert_eq!(harm.estimate, Some(4.0));
        assert_eq!((harm.conf_low, harm.conf_high), (Some(2.5), Some(10.0)));
        let spans = nnt(0.07, -0.12, 0.27);
        assert!(spans.conf_low.is_none() && spans.conf_high.is_none());
        assert!(nnt(0.0, -0.1, 0.1).estimate.is_none());
    }

    #[test]
    fn hedges_g_rejects_what_it_cannot_standardise() {
        assert!(hedges_g(1.0, 0.0, 10, 10, 0.95).is_err());
        assert!(hedges_g(1.0, f64::NAN, 10, 10, 0.95).is_err());
        assert!(hedges_g(1.0, 1.0, 1, 10, 0.95).is_err());
        assert!(hedges_g(1.0, 1.0, 10, 10, 1.5).is_err());
        assert!(pooled_sd(&[1.0, 2.0], &[true, true]).is_err());
        assert!(pooled_sd(&[1.0, 2.0], &[true]).is_err());
    }
}
