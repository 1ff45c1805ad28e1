//! Effects on a binary (0/1) outcome from the 2×2 table of arm × outcome: risk difference with
//! the Newcombe (1998) hybrid score interval, risk ratio and odds ratio with log-scale (Katz;
//! Woolf) intervals, and Fisher's exact test with the conditional maximum-likelihood odds ratio
//! and its exact interval, as R's `fisher.test`.
//!
//! # Zero cells
//! With a zero event count in either arm the log risk ratio and its variance are infinite; the
//! risk ratio and its interval are then computed from `(events + ½)/(n + ½)` in both arms with
//! variance `1/(x₁+½) − 1/(n₁+½) + 1/(x₀+½) − 1/(n₀+½)` (Pettigrew, Gart & Thomas 1986;
//! statsmodels `confint_proportions_2indep(method = "log-adjusted")`). With any zero cell the
//! odds ratio and its Woolf interval use ½ added to every cell (Haldane 1956; Anscombe 1956;
//! statsmodels `"logit-adjusted"`). The result says when this happened (`adjusted`). Fisher's
//! test needs no correction: its odds ratio is then 0 or infinite, with a one-sided-open
//! interval, exactly as `fisher.test`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Discrete, Hypergeometric, Normal};

use crate::RctError;

/// The 2×2 table: events and totals per arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoByTwo {
    pub treated_events: u64,
    pub treated_total: u64,
    pub control_events: u64,
    pub control_total: u64,
}

/// One effect with its interval. `None` bounds are infinite (only for Fisher's odds ratio:
/// `conf_high = None` means +∞; an estimate `None` means +∞).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectInterval {
    pub estimate: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// How the interval was computed (in JSON its English description).
    pub method: TwoByTwoMethod,
    /// Whether a zero-cell correction was applied (see the module docs).
    pub adjusted: bool,
}

/// How a 2×2 effect's interval was computed. Written as its English description in JSON (and
/// read back from it); effekt-report translates it by `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoByTwoMethod {
    /// Risk difference: Newcombe's (1998) hybrid score interval from Wilson intervals per arm.
    Newcombe,
    /// The same, in percentage points.
    NewcombePercentagePoints,
    /// Risk ratio on the log scale (Katz et al. 1978).
    KatzLog,
    /// Risk ratio on the log scale with ½ added because of a zero event count (Pettigrew, Gart &
    /// Thomas 1986).
    KatzLogHalf,
    /// Odds ratio on Woolf's (1955) log scale.
    Woolf,
    /// Odds ratio on Woolf's log scale with ½ added to every cell (Haldane 1956; Anscombe 1956).
    WoolfHalf,
}

impl TwoByTwoMethod {
    const ALL: [TwoByTwoMethod; 6] = [
        TwoByTwoMethod::Newcombe,
        TwoByTwoMethod::NewcombePercentagePoints,
        TwoByTwoMethod::KatzLog,
        TwoByTwoMethod::KatzLogHalf,
        TwoByTwoMethod::Woolf,
        TwoByTwoMethod::WoolfHalf,
    ];

    /// The English description.
    pub fn description(self) -> &'static str {
        match self {
            TwoByTwoMethod::Newcombe => {
                "Newcombe (1998) hybrid score interval from Wilson intervals per arm"
            }
            TwoByTwoMethod::NewcombePercentagePoints => {
                "Newcombe (1998) hybrid score interval from Wilson intervals per arm, in percentage points"
            }
            TwoByTwoMethod::KatzLog => "log scale (Katz et al. 1978)",
            TwoByTwoMethod::KatzLogHalf => {
                "log scale with ½ added to the events and the arm sizes because of a zero event count (Pettigrew, Gart & Thomas 1986)"
            }
            TwoByTwoMethod::Woolf => "Woolf (1955) log scale",
            TwoByTwoMethod::WoolfHalf => {
                "Woolf log scale with ½ added to every cell because of a zero cell (Haldane 1956; Anscombe 1956)"
            }
        }
    }
}

impl std::fmt::Display for TwoByTwoMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

impl Serialize for TwoByTwoMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.description())
    }
}

impl<'de> Deserialize<'de> for TwoByTwoMethod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::ALL
            .into_iter()
            .find(|m| m.description() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown 2×2 method {text:?}")))
    }
}

/// Fisher's exact test of independence in the 2×2 table (two-sided, as `fisher.test`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FisherExact {
    pub p_value: f64,
    /// Conditional maximum-likelihood odds ratio (`None` = +∞).
    pub odds_ratio: Option<f64>,
    /// Exact conditional interval (Cornfield 1956): `conf_high = None` = +∞.
    pub conf_low: f64,
    pub conf_high: Option<f64>,
}

/// Effects on a binary outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryEffects {
    pub table: TwoByTwo,
    /// Share with the event among the treated and the controls.
    pub risk_treated: f64,
    pub risk_control: f64,
    /// `p₁ − p₀` with the Newcombe hybrid score interval (Newcombe 1998, method 10).
    pub risk_difference: EffectInterval,
    /// The risk difference in percentage points (× 100).
    pub risk_difference_pp: EffectInterval,
    /// `p₁ / p₀`, log-scale (Katz et al. 1978) interval.
    pub risk_ratio: EffectInterval,
    /// `p₁(1 − p₀) / (p₀(1 − p₁))`, Woolf (1955) log-scale interval.
    pub odds_ratio: EffectInterval,
    pub fisher: FisherExact,
    pub level: f64,
    /// E.g. that the 2×2 summaries ignore blocks and clusters.
    pub notes: Vec<effekt_notes::Note>,
}

fn z_crit(level: f64) -> f64 {
    Normal::standard().inverse_cdf(0.5 + level / 2.0)
}

/// Wilson (1927) score interval for `x` events in `n`, clipped to [0, 1] (as statsmodels
/// `proportion_confint(method = "wilson")`).
pub fn wilson(x: u64, n: u64, level: f64) -> (f64, f64) {
    let n = n as f64;
    let q = x as f64 / n;
    let crit = z_crit(level);
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / n;
    let center = (q + crit2 / (2.0 * n)) / denom;
    let dist = crit * (q * (1.0 - q) / n + crit2 / (4.0 * n * n)).sqrt() / denom;
    (
        (center - dist).clamp(0.0, 1.0),
        (center + dist).clamp(0.0, 1.0),
    )
}

/// Risk difference, risk ratio, odds ratio and Fisher's exact test of the table.
///
/// # Errors
/// [`RctError::InvalidOption`] for an empty arm or a level outside (0, 1).
pub fn binary_effects(table: TwoByTwo, level: f64) -> Result<BinaryEffects, RctError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(RctError::InvalidOption {
            option: "level".into(),
            value: level.to_string(),
            expected: "strictly between 0 and 1".into(),
        });
    }
    let TwoByTwo {
        treated_events: a,
        treated_total: n1,
        control_events: c,
        control_total: n0,
    } = table;
    if n1 == 0 || n0 == 0 || a > n1 || c > n0 {
        return Err(RctError::InvalidOption {
            option: "2x2 table".into(),
            value: format!("{a}/{n1} treated, {c}/{n0} control"),
            expected: "both arms non-empty and events at most the arm size".into(),
        });
    }
    let (b, d) = (n1 - a, n0 - c);
    let p1 = a as f64 / n1 as f64;
    let p0 = c as f64 / n0 as f64;
    let z = z_crit(level);

    // Newcombe hybrid score interval.
    let (l1, u1) = wilson(a, n1, level);
    let (l0, u0) = wilson(c, n0, level);
    let rd = p1 - p0;
    let rd_low = rd - ((p1 - l1).powi(2) + (u0 - p0).powi(2)).sqrt();
    let rd_high = rd + ((p0 - l0).powi(2) + (u1 - p1).powi(2)).sqrt();
    let risk_difference = EffectInterval {
        estimate: Some(rd),
        conf_low: Some(rd_low),
        conf_high: Some(rd_high),
        method: TwoByTwoMethod::Newcombe,
        adjusted: false,
    };
    let risk_difference_pp = EffectInterval {
        estimate: Some(100.0 * rd),
        conf_low: Some(100.0 * rd_low),
        conf_high: Some(100.0 * rd_high),
        method: TwoByTwoMethod::NewcombePercentagePoints,
        adjusted: false,
    };

    // Risk ratio, log scale.
    let rr_adjust = a == 0 || c == 0;
    let h = if rr_adjust { 0.5 } else { 0.0 };
    let (a_, n1_, c_, n0_) = (a as f64 + h, n1 as f64 + h, c as f64 + h, n0 as f64 + h);
    let log_rr = (a_ / n1_).ln() - (c_ / n0_).ln();
    let se = (1.0 / a_ - 1.0 / n1_ + 1.0 / c_ - 1.0 / n0_).sqrt();
    let risk_ratio = EffectInterval {
        estimate: Some(log_rr.exp()),
        conf_low: Some((log_rr - z * se).exp()),
        conf_high: Some((log_rr + z * se).exp()),
        method: if rr_adjust {
            TwoByTwoMethod::KatzLogHalf
        } else {
            TwoByTwoMethod::KatzLog
        },
        adjusted: rr_adjust,
    };

    // Odds ratio, Woolf.
    let or_adjust = a == 0 || b == 0 || c == 0 || d == 0;
    let h = if or_adjust { 0.5 } else { 0.0 };
    let (a_, b_, c_, d_) = (a as f64 + h, b as f64 + h, c as f64 + h, d as f64 + h);
    let log_or = (a_ * d_ / (b_ * c_)).ln();
    let se = (1.0 / a_ + 1.0 / b_ + 1.0 / c_ + 1.0 / d_).sqrt();
    let odds_ratio = EffectInterval {
        estimate: Some(log_or.exp()),
        conf_low: Some((log_or - z * se).exp()),
        conf_high: Some((log_or + z * se).exp()),
        method: if or_adjust {
            TwoByTwoMethod::WoolfHalf
        } else {
            TwoByTwoMethod::Woolf
        },
        adjusted: or_adjust,
    };

    let fisher = fisher_exact(a, b, c, d, level)?;
    Ok(BinaryEffects {
        table,
        risk_treated: p1,
        risk_control: p0,
        risk_difference,
        risk_difference_pp,
        risk_ratio,
        odds_ratio,
        fisher,
        level,
        notes: Vec::new(),
    })
}

/// The conditional (non-central hypergeometric) distribution of the top-left cell.
struct Conditional {
    lo: u64,
    hi: u64,
    /// log dhyper over lo..=hi.
    logdc: Vec<f64>,
}

impl Conditional {
    fn support(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        (self.lo..=self.hi).zip(self.logdc.iter().copied())
    }
    /// Probabilities under odds ratio `exp(theta)`.
    fn probs(&self, theta: f64) -> Vec<f64> {
        let logs: Vec<f64> = self.support().map(|(x, l)| l + theta * x as f64).collect();
        let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = logs.iter().map(|l| (l - m).exp()).collect();
        let s: f64 = e.iter().sum();
        e.into_iter().map(|v| v / s).collect()
    }
    fn mean(&self, theta: f64) -> f64 {
        self.probs(theta)
            .iter()
            .zip(self.lo..=self.hi)
            .map(|(p, x)| p * x as f64)
            .sum()
    }
    /// P(X ≤ x) (or P(X ≥ x) with `upper`) under odds ratio `exp(theta)`.
    fn tail(&self, x: u64, theta: f64, upper: bool) -> f64 {
        self.probs(theta)
            .iter()
            .zip(self.lo..=self.hi)
            .filter(|(_, s)| if upper { *s >= x } else { *s <= x })
            .map(|(p, _)| p)
            .sum()
    }
}

/// Solve `f(θ) = target` for a monotone `f` on the real line by bisection on θ = log odds
/// ratio, to machine precision (R's `fisher.test` uses `uniroot` with its default tolerance
/// ≈ 1.2e-4 on the odds-ratio scale; see the crate docs).
fn solve_monotone(f: impl Fn(f64) -> f64, target: f64, increasing: bool) -> f64 {
    let g = |t: f64| {
        let v = f(t) - target;
        if increasing { v } else { -v }
    };
    let (mut lo, mut hi) = (-1.0f64, 1.0f64);
    while g(lo) > 0.0 && lo > -1e4 {
        lo *= 2.0;
    }
    while g(hi) < 0.0 && hi < 1e4 {
        hi *= 2.0;
    }
    for _ in 0..400 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if g(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Fisher's exact test for the table `[[a, b], [c, d]]` (rows: treated, control; columns:
/// event, no event), as R `fisher.test(matrix(c(a, c, b, d), 2))`: the two-sided p-value sums
/// the probabilities of tables no more likely than the observed one (relative tolerance 1e-7,
/// as R); the odds ratio is the conditional MLE and the interval inverts the two one-sided
/// tests at (1 − level)/2 each (Cornfield 1956; Agresti 2002, §3.5).
///
/// # Errors
/// [`RctError::Numerical`] if the hypergeometric distribution cannot be built.
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64, level: f64) -> Result<FisherExact, RctError> {
    let m = a + c; // events
    let n = b + d; // non-events
    let k = a + b; // treated
    let lo = k.saturating_sub(n);
    let hi = k.min(m);
    let hyper = Hypergeometric::new(m + n, m, k).map_err(|_| RctError::Numerical {
        what: "hypergeometric distribution".into(),
    })?;
    let cond = Conditional {
        lo,
        hi,
        logdc: (lo..=hi).map(|x| hyper.ln_pmf(x)).collect(),
    };
    let x = a;
    // Two-sided p-value at odds ratio 1.
    let d1 = cond.probs(0.0);
    let dobs = d1.get((x - lo) as usize).copied().unwrap_or(0.0);
    let rel = 1.0 + 1e-7;
    let p_value = d1
        .iter()
        .filter(|&&p| p <= dobs * rel)
        .sum::<f64>()
        .min(1.0);

    let alpha = (1.0 - level) / 2.0;
    // Upper limit: P_ψ(X ≤ x) = α (decreasing in ψ).
    let conf_high = if x == hi {
        None
    } else {
        Some(solve_monotone(|t| cond.tail(x, t, false), alpha, false).exp())
    };
    // Lower limit: P_ψ(X ≥ x) = α (increasing in ψ).
    let conf_low = if x == lo {
        0.0
    } else {
        solve_monotone(|t| cond.tail(x, t, true), alpha, true).exp()
    };
    let odds_ratio = if x == lo {
        Some(0.0)
    } else if x == hi {
        None
    } else {
        Some(solve_monotone(|t| cond.mean(t), x as f64, true).exp())
    };
    Ok(FisherExact {
        p_value,
        odds_ratio,
        conf_low,
        conf_high,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_by_two_methods_are_their_english_text_in_json_and_read_back() {
        for m in TwoByTwoMethod::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("{:?}", m.description()));
            assert_eq!(serde_json::from_str::<TwoByTwoMethod>(&json).unwrap(), m);
        }
        assert!(serde_json::from_str::<TwoByTwoMethod>("\"exact\"").is_err());
    }
}
