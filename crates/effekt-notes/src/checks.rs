//! Design checks: whether to believe an estimate (issue 13, "Credibility").
//!
//! A check reads what a design already computed — the balance table, the pre-trend test, the
//! alternative estimators — and gives a [`Verdict`] with the numbers behind it. Every front end
//! goes through the same rules: the CLI tables of `effekt match` and `effekt did` print the
//! English text ([`std::fmt::Display`]), and effekt-report puts a check that did not pass in the
//! headline box, the summary sentence and `warnings[]`, translated by `match`.
//!
//! # Rules
//!
//! | check | passed | caution | failed |
//! |---|---|---|---|
//! | balance after matching or weighting | every \|SMD\| ≤ 0.1 and every variance ratio in [0.5, 2] | some \|SMD\| in (0.1, 0.25], or a variance ratio outside [0.5, 2] | some \|SMD\| > 0.25 |
//! | balance between randomised arms | every \|SMD\| ≤ 0.1, or the estimate adjusts for the covariates (ANCOVA, Lin) | some \|SMD\| > 0.1 (chance imbalance) and a difference in means | — |
//! | pre-trends (difference in differences) | joint test p ≥ α | — | p < α |
//! | baseline gap: the outcome itself at an intake wave (matching, weighting, randomised) | as balance | as balance | as balance |
//! | overlap (matching, weighting) | ≤ 10 % of treated left out and comparison effective sample size ≥ half its units | otherwise | — |
//! | few clusters | ≥ 10 clusters | < 10 clusters | — |
//! | small groups | ≥ 20 units in each arm | < 20 in an arm | — |
//! | alternatives | every other estimator agrees in sign and significance | one differs in sign, or its interval excludes zero where the headline's does not (or the reverse) | — |
//!
//! Symbols: SMD, the standardised mean difference of a covariate (treated − comparison, in SDs
//! of the covariate); α = 1 − the study's confidence level.
//!
//! References: the 0.1 SD threshold, Austin (2009) and Stuart (2010); 0.25 SD, the What Works
//! Clearinghouse's baseline-equivalence standard (WWC 2022: up to 0.25 SD needs statistical
//! adjustment, beyond it the groups are not equivalent) and Rubin (2001), who also gives the
//! variance-ratio range 0.5–2. A chance imbalance between randomised arms is not a failed
//! design (CONSORT 2010 advises against testing it) but a reason to adjust for the covariate.

use serde::{Deserialize, Serialize};
use std::fmt;

/// |SMD| above this is an imperfect balance (Austin 2009; Stuart 2010).
pub const SMD_CAUTION: f64 = 0.1;
/// |SMD| above this after matching or weighting is a failed balance (WWC 2022; Rubin 2001).
pub const SMD_FAIL: f64 = 0.25;
/// Variance ratios (treated / comparison) outside this range are an imperfect balance
/// (Rubin 2001).
pub const VARIANCE_RATIO_RANGE: (f64, f64) = (0.5, 2.0);
/// An estimate this close to zero, relative to the headline interval's half-width, has no sign
/// worth comparing (a tenth of the half-width).
pub const SIGN_TOLERANCE: f64 = 0.1;

/// A share of treated units left out of the matched sample above this is a caution: the
/// estimate is then for the matched treated only.
pub const TREATED_LEFT_OUT: f64 = 0.1;
/// A comparison group whose effective sample size is below this share of its units is a
/// caution: a few comparison units carry the weight (Austin & Stuart 2015).
pub const EFFECTIVE_SHARE: f64 = 0.5;

/// Fewer clusters than this are a caution (Cameron & Miller 2015: cluster-robust inference
/// needs many clusters; CR2 with Satterthwaite df keeps it valid, but intervals widen).
pub const FEW_CLUSTERS: usize = 10;
/// An arm with fewer units than this is a caution (large-sample approximations may be poor;
/// randomisation inference and CR2 keep the defaults valid).
pub const SMALL_GROUP: usize = 20;

/// How far a check lets the estimate be believed. Ordered: `Passed < Caution < Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing found.
    Passed,
    /// A weakness to bear in mind; the estimate may still be right.
    Caution,
    /// The design's assumption is contradicted by the data: the estimate may be biased.
    Failed,
}

/// How the comparison group of a balance table was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Matched comparison units.
    Matched,
    /// Weighted comparison units (inverse probability weights).
    Weighted,
    /// Randomised arms, estimate not adjusted for the covariates (difference in means).
    Randomised,
    /// Randomised arms, estimate adjusted for the covariates (ANCOVA, Lin): a chance imbalance
    /// is what the adjustment is for, so it passes.
    RandomisedAdjusted,
}

/// One covariate's balance in the analysed (matched, weighted or randomised) sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CovariateBalance {
    /// Covariate (the balance table's row name).
    pub covariate: String,
    /// Standardised mean difference, treated − comparison.
    pub smd: f64,
    /// Variance ratio treated / comparison, where defined.
    pub variance_ratio: Option<f64>,
}

impl CovariateBalance {
    fn ratio_outside(&self) -> bool {
        let (lo, hi) = VARIANCE_RATIO_RANGE;
        self.variance_ratio.is_some_and(|r| !(lo..=hi).contains(&r))
    }
}

/// A pre-treatment coefficient of an event study.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrePeriod {
    /// Time relative to the start of treatment (negative).
    pub event_time: i64,
    /// Coefficient (outcome units).
    pub estimate: f64,
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Point estimate.
    pub estimate: f64,
    /// Lower end.
    pub conf_low: f64,
    /// Upper end.
    pub conf_high: f64,
}

impl Interval {
    /// Whether the interval excludes zero.
    pub fn excludes_zero(&self) -> bool {
        self.conf_low > 0.0 || self.conf_high < 0.0
    }
}

/// How an alternative estimator disagrees with the headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disagreement {
    /// The point estimates have opposite signs (both clearly away from zero).
    Sign,
    /// One interval excludes zero, the other does not.
    Significance,
}

/// One design check with its numbers and verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Covariate balance in the analysed sample.
    Balance {
        /// Verdict.
        verdict: Verdict,
        /// How the comparison group was formed.
        comparison: Comparison,
        /// The covariate with the largest |SMD|.
        worst: CovariateBalance,
        /// Covariates with |SMD| > [`SMD_CAUTION`] or a variance ratio outside
        /// [`VARIANCE_RATIO_RANGE`], largest |SMD| first.
        imbalanced: Vec<CovariateBalance>,
        /// Covariates checked.
        covariates: usize,
    },
    /// The joint test of no pre-treatment effects (difference in differences).
    PreTrends {
        /// Verdict.
        verdict: Verdict,
        /// Test statistic (F or χ²/df).
        statistic: f64,
        /// p-value.
        p_value: f64,
        /// Significance level α.
        alpha: f64,
        /// The pre-treatment coefficient largest in absolute value.
        largest: Option<PrePeriod>,
    },
    /// The outcome itself at intake (a wave before the intervention): the treated against the
    /// (matched, weighted or randomised) comparison group.
    BaselineGap {
        /// Verdict.
        verdict: Verdict,
        /// How the comparison group was formed.
        comparison: Comparison,
        /// The intake wave.
        period: f64,
        /// Treated − comparison mean at intake (outcome units).
        gap: f64,
        /// The gap in standard deviations of the outcome.
        smd: f64,
    },
    /// Overlap of matching or weighting: how many treated units the comparison could not
    /// cover, and how concentrated the comparison weights are.
    Overlap {
        /// Verdict (a caution beyond either threshold).
        verdict: Verdict,
        /// Share of treated units left out (unmatched, trimmed, outside the caliper).
        treated_left_out: Option<f64>,
        /// Kish effective sample size of the comparison group over its units.
        control_effective_share: Option<f64>,
    },
    /// Few clusters: cluster-robust inference rests on the number of clusters, not of units.
    FewClusters {
        /// Verdict (a caution below [`FEW_CLUSTERS`]).
        verdict: Verdict,
        /// Clusters.
        clusters: usize,
        /// The threshold.
        min: usize,
    },
    /// Small groups: fewer than [`SMALL_GROUP`] units in an arm.
    SmallGroups {
        /// Verdict (a caution when an arm is small).
        verdict: Verdict,
        /// Treated units (`None` when not published exactly).
        treated: Option<usize>,
        /// Comparison units (`None` when not published exactly).
        control: Option<usize>,
        /// The threshold.
        min: usize,
    },
    /// An alternative estimator against the headline.
    Alternatives {
        /// Verdict.
        verdict: Verdict,
        /// The headline estimate.
        headline: Interval,
        /// The most discordant alternative (its name as the report or CLI shows it).
        alternative: String,
        /// Its estimate.
        estimate: Interval,
        /// How it disagrees (`None` when every alternative agrees).
        disagreement: Option<Disagreement>,
    },
}

impl Check {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        match self {
            Check::Balance { verdict, .. }
            | Check::PreTrends { verdict, .. }
            | Check::BaselineGap { verdict, .. }
            | Check::Overlap { verdict, .. }
            | Check::FewClusters { verdict, .. }
            | Check::SmallGroups { verdict, .. }
            | Check::Alternatives { verdict, .. } => *verdict,
        }
    }

    /// Whether the check did not pass.
    pub fn raised(&self) -> bool {
        self.verdict() > Verdict::Passed
    }

    /// Balance of the analysed sample (rules in the module docs); `None` without a covariate
    /// with a finite SMD.
    pub fn balance(rows: &[CovariateBalance], comparison: Comparison) -> Option<Check> {
        let mut rows: Vec<CovariateBalance> =
            rows.iter().filter(|r| r.smd.is_finite()).cloned().collect();
        rows.sort_by(|a, b| b.smd.abs().total_cmp(&a.smd.abs()));
        let worst = rows.first()?.clone();
        let imbalanced: Vec<CovariateBalance> = rows
            .iter()
            .filter(|r| r.smd.abs() > SMD_CAUTION || r.ratio_outside())
            .cloned()
            .collect();
        let verdict = match comparison {
            Comparison::Randomised if worst.smd.abs() > SMD_CAUTION => Verdict::Caution,
            Comparison::Randomised | Comparison::RandomisedAdjusted => Verdict::Passed,
            _ if worst.smd.abs() > SMD_FAIL => Verdict::Failed,
            _ if !imbalanced.is_empty() => Verdict::Caution,
            _ => Verdict::Passed,
        };
        Some(Check::Balance {
            verdict,
            comparison,
            worst,
            imbalanced,
            covariates: rows.len(),
        })
    }

    /// The gap of the outcome itself at the intake wave `period`, `gap` in outcome units and
    /// `sd` the outcome's standard deviation, by the balance thresholds: after matching or
    /// weighting |gap/sd| > [`SMD_FAIL`] fails and > [`SMD_CAUTION`] cautions; between
    /// randomised arms > [`SMD_CAUTION`] cautions unless the estimate adjusts. `None` when the
    /// gap or SD is not finite or the SD is 0.
    pub fn baseline_gap(period: f64, gap: f64, sd: f64, comparison: Comparison) -> Option<Check> {
        if !(gap.is_finite() && sd.is_finite() && sd > 0.0) {
            return None;
        }
        let smd = gap / sd;
        let a = smd.abs();
        let verdict = match comparison {
            Comparison::Randomised if a > SMD_CAUTION => Verdict::Caution,
            Comparison::Randomised | Comparison::RandomisedAdjusted => Verdict::Passed,
            _ if a > SMD_FAIL => Verdict::Failed,
            _ if a > SMD_CAUTION => Verdict::Caution,
            _ => Verdict::Passed,
        };
        Some(Check::BaselineGap {
            verdict,
            comparison,
            period,
            gap,
            smd,
        })
    }

    /// Overlap: a caution when more than [`TREATED_LEFT_OUT`] of the treated are left out or
    /// the comparison group's effective sample size is below [`EFFECTIVE_SHARE`] of its units;
    /// `None` when neither share is known.
    pub fn overlap(
        treated_left_out: Option<f64>,
        control_effective_share: Option<f64>,
    ) -> Option<Check> {
        if treated_left_out.is_none() && control_effective_share.is_none() {
            return None;
        }
        let raised = treated_left_out.is_some_and(|s| s > TREATED_LEFT_OUT)
            || control_effective_share.is_some_and(|s| s < EFFECTIVE_SHARE);
        Some(Check::Overlap {
            verdict: if raised {
                Verdict::Caution
            } else {
                Verdict::Passed
            },
            treated_left_out,
            control_effective_share,
        })
    }

    /// Few clusters: a caution below [`FEW_CLUSTERS`]; `None` without clusters.
    pub fn few_clusters(clusters: Option<usize>) -> Option<Check> {
        let clusters = clusters?;
        Some(Check::FewClusters {
            verdict: if clusters < FEW_CLUSTERS {
                Verdict::Caution
            } else {
                Verdict::Passed
            },
            clusters,
            min: FEW_CLUSTERS,
        })
    }

    /// Small groups: a caution when an arm has fewer than [`SMALL_GROUP`] units. `small` says
    /// whether an arm is small when its exact size is not published.
    pub fn small_groups(treated: Option<usize>, control: Option<usize>, small: bool) -> Check {
        Check::SmallGroups {
            verdict: if small {
                Verdict::Caution
            } else {
                Verdict::Passed
            },
            treated,
            control,
            min: SMALL_GROUP,
        }
    }

    /// The pre-trend test at level `alpha`; `None` when the p-value is not finite.
    pub fn pre_trends(
        statistic: f64,
        p_value: f64,
        alpha: f64,
        coefficients: &[PrePeriod],
    ) -> Option<Check> {
        if !p_value.is_finite() {
            return None;
        }
        let largest = coefficients
            .iter()
            .filter(|c| c.event_time < 0 && c.estimate.is_finite())
            .max_by(|a, b| a.estimate.abs().total_cmp(&b.estimate.abs()))
            .copied();
        Some(Check::PreTrends {
            verdict: if p_value < alpha {
                Verdict::Failed
            } else {
                Verdict::Passed
            },
            statistic,
            p_value,
            alpha,
            largest,
        })
    }

    /// The headline against alternative estimators (not alternative intervals of the same
    /// estimate: alternatives with the headline's point estimate are skipped). A sign
    /// disagreement counts when both estimates are farther from zero than
    /// [`SIGN_TOLERANCE`] × the headline interval's half-width; it outranks a disagreement in
    /// significance. `None` without an alternative estimator.
    pub fn alternatives(headline: Interval, alternatives: &[(String, Interval)]) -> Option<Check> {
        let half = (headline.conf_high - headline.conf_low).abs() / 2.0;
        let tol = SIGN_TOLERANCE * half;
        let same =
            |a: f64| (a - headline.estimate).abs() <= 1e-9 * headline.estimate.abs().max(1.0);
        let others: Vec<&(String, Interval)> = alternatives
            .iter()
            .filter(|(_, i)| i.estimate.is_finite() && !same(i.estimate))
            .collect();
        let first = *others.first()?;
        let sign = |i: &Interval| {
            i.estimate.abs() > tol
                && headline.estimate.abs() > tol
                && (i.estimate > 0.0) != (headline.estimate > 0.0)
        };
        let significance = |i: &Interval| {
            i.conf_low.is_finite()
                && i.conf_high.is_finite()
                && i.excludes_zero() != headline.excludes_zero()
        };
        let found = others
            .iter()
            .find(|(_, i)| sign(i))
            .map(|a| (*a, Disagreement::Sign))
            .or_else(|| {
                others
                    .iter()
                    .find(|(_, i)| significance(i))
                    .map(|a| (*a, Disagreement::Significance))
            });
        let ((name, estimate), disagreement, verdict) = match found {
            Some((a, d)) => (a, Some(d), Verdict::Caution),
            None => (first, None, Verdict::Passed),
        };
        Some(Check::Alternatives {
            verdict,
            headline,
            alternative: name.clone(),
            estimate: *estimate,
            disagreement,
        })
    }
}

fn names(rows: &[CovariateBalance]) -> String {
    rows.iter()
        .map(|r| r.covariate.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::Balance {
                verdict,
                comparison,
                worst,
                imbalanced,
                covariates,
            } => {
                let after = match comparison {
                    Comparison::Matched => "after matching",
                    Comparison::Weighted => "after weighting",
                    Comparison::Randomised => "between the randomised arms",
                    Comparison::RandomisedAdjusted => {
                        "between the randomised arms (the estimate adjusts for the covariates)"
                    }
                };
                match verdict {
                    Verdict::Passed if worst.smd.abs() > SMD_CAUTION => write!(
                        f,
                        "chance imbalance between the randomised arms on {} (largest |SMD| {:.2}, {}), which the estimate adjusts for",
                        names(imbalanced),
                        worst.smd.abs(),
                        worst.covariate
                    ),
                    Verdict::Passed => write!(
                        f,
                        "balance achieved {after}: all {covariates} covariate(s) within {SMD_CAUTION} SD (largest |SMD| {:.3}, {})",
                        worst.smd.abs(),
                        worst.covariate
                    ),
                    Verdict::Failed => write!(
                        f,
                        "balance not achieved: {after} the groups still differ on {} (SMD {:.2}; above {SMD_FAIL} SD the groups are not comparable), so the estimate may be biased; imbalanced: {}",
                        worst.covariate,
                        worst.smd,
                        names(imbalanced)
                    ),
                    Verdict::Caution if *comparison == Comparison::Randomised => write!(
                        f,
                        "chance imbalance between the randomised arms on {} (SMD {:.2} > {SMD_CAUTION}); an estimate adjusted for it (ANCOVA or Lin) is the safer headline",
                        worst.covariate, worst.smd
                    ),
                    Verdict::Caution => write!(
                        f,
                        "imperfect balance {after}: {} differ by more than {SMD_CAUTION} SD or have a variance ratio outside {}–{} (largest |SMD| {:.2}, {}); the estimate relies on the adjustment for them",
                        names(imbalanced),
                        VARIANCE_RATIO_RANGE.0,
                        VARIANCE_RATIO_RANGE.1,
                        worst.smd.abs(),
                        worst.covariate
                    ),
                }
            }
            Check::PreTrends {
                verdict,
                statistic,
                p_value,
                alpha,
                largest,
            } => {
                let lead = match verdict {
                    Verdict::Failed => {
                        "pre-trends rejected: the groups already moved apart before the intervention"
                    }
                    _ => "no evidence against parallel pre-trends",
                };
                let p = if *p_value < 0.001 {
                    "p < 0.001".to_string()
                } else {
                    format!("p = {p_value:.3}")
                };
                let alpha = (alpha * 1e9).round() / 1e9;
                write!(
                    f,
                    "{lead} (joint test statistic {statistic:.2}, {p}, α = {alpha}"
                )?;
                if let Some(l) = largest {
                    write!(
                        f,
                        "; largest pre-period coefficient {:.3} at event time {}",
                        l.estimate, l.event_time
                    )?;
                }
                f.write_str(")")?;
                if *verdict == Verdict::Failed {
                    f.write_str(
                        ": the parallel-trends assumption behind the estimate is doubtful, so it may be biased",
                    )?;
                }
                Ok(())
            }
            Check::BaselineGap {
                verdict,
                period,
                gap,
                smd,
                ..
            } => {
                let lead = match verdict {
                    Verdict::Failed => "the groups already differed on the outcome at intake",
                    Verdict::Caution => "the groups differed somewhat on the outcome at intake",
                    Verdict::Passed => "the groups were similar on the outcome at intake",
                };
                write!(
                    f,
                    "{lead} (wave {period}: treated − comparison {gap:.3}, {smd:.2} SD)"
                )?;
                if *verdict == Verdict::Failed {
                    f.write_str(", so the estimate may be biased")?;
                }
                Ok(())
            }
            Check::Overlap {
                verdict,
                treated_left_out,
                control_effective_share,
            } => {
                let pct = |x: &Option<f64>| {
                    x.map_or("—".to_string(), |v| format!("{:.0} %", 100.0 * v))
                };
                write!(
                    f,
                    "{}: treated left out {}, comparison effective sample size {} of its units",
                    if *verdict == Verdict::Passed {
                        "overlap"
                    } else {
                        "limited overlap"
                    },
                    pct(treated_left_out),
                    pct(control_effective_share)
                )
            }
            Check::FewClusters {
                verdict,
                clusters,
                min,
            } => match verdict {
                Verdict::Passed => write!(f, "{clusters} clusters (at least {min})"),
                _ => write!(
                    f,
                    "only {clusters} clusters (< {min}): inference rests on the clusters, so intervals are wide; CR2 with Satterthwaite df keeps them valid"
                ),
            },
            Check::SmallGroups {
                verdict,
                treated,
                control,
                min,
            } => {
                let n = |x: &Option<usize>| x.map_or("not shown".to_string(), |v| v.to_string());
                match verdict {
                    Verdict::Passed => write!(
                        f,
                        "groups of {} treated and {} comparison units (at least {min} each)",
                        n(treated),
                        n(control)
                    ),
                    _ => write!(
                        f,
                        "small groups ({} treated, {} comparison; < {min} in an arm): the estimate is imprecise and large-sample approximations may be poor",
                        n(treated),
                        n(control)
                    ),
                }
            }
            Check::Alternatives {
                headline,
                alternative,
                estimate,
                disagreement,
                ..
            } => match disagreement {
                None => write!(
                    f,
                    "the alternative estimators agree with the headline in sign and significance"
                ),
                Some(Disagreement::Sign) => write!(
                    f,
                    "the alternatives disagree in sign: {alternative} gives {:.4} where the headline gives {:.4}, so the estimate depends on the method",
                    estimate.estimate, headline.estimate
                ),
                Some(Disagreement::Significance) => write!(
                    f,
                    "the alternatives disagree in significance: the interval of {alternative} ({:.4} to {:.4}) {} zero, the headline's ({:.4} to {:.4}) {}",
                    estimate.conf_low,
                    estimate.conf_high,
                    if estimate.excludes_zero() {
                        "excludes"
                    } else {
                        "includes"
                    },
                    headline.conf_low,
                    headline.conf_high,
                    if headline.excludes_zero() {
                        "excludes it"
                    } else {
                        "includes it"
                    }
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cov(name: &str, smd: f64, vr: Option<f64>) -> CovariateBalance {
        CovariateBalance {
            covariate: name.into(),
            smd,
            variance_ratio: vr,
        }
    }

    fn iv(estimate: f64, lo: f64, hi: f64) -> Interval {
        Interval {
            estimate,
            conf_low: lo,
            conf_high: hi,
        }
    }

    #[test]
    fn balance_fails_above_a_quarter_sd_after_adjustment_and_only_cautions_when_randomised() {
        let rows = [
            cov("age", 0.05, Some(1.1)),
            cov("baseline_risk", -0.54, Some(3.35)),
            cov("girl", 0.12, None),
        ];
        let c = Check::balance(&rows, Comparison::Weighted).unwrap();
        assert_eq!(c.verdict(), Verdict::Failed);
        let Check::Balance {
            worst, imbalanced, ..
        } = &c
        else {
            unreachable!()
        };
        assert_eq!(worst.covariate, "baseline_risk");
        assert_eq!(names(imbalanced), "baseline_risk, girl");
        let text = c.to_string();
        assert!(
            text.contains("balance not achieved") && text.contains("-0.54"),
            "{text}"
        );
        let r = Check::balance(&rows, Comparison::Randomised).unwrap();
        assert_eq!(r.verdict(), Verdict::Caution);
        let adjusted = Check::balance(&rows, Comparison::RandomisedAdjusted).unwrap();
        assert_eq!(adjusted.verdict(), Verdict::Passed);
        assert!(r.to_string().contains("chance imbalance"), "{r}");
    }

    #[test]
    fn balance_passes_within_a_tenth_and_cautions_between_a_tenth_and_a_quarter() {
        let good = [cov("age", 0.05, Some(1.1)), cov("risk", -0.099, Some(0.6))];
        let c = Check::balance(&good, Comparison::Matched).unwrap();
        assert_eq!(c.verdict(), Verdict::Passed);
        assert!(!c.raised());
        let mid = [cov("age", 0.05, Some(1.1)), cov("risk", -0.2, Some(1.0))];
        assert_eq!(
            Check::balance(&mid, Comparison::Matched).unwrap().verdict(),
            Verdict::Caution
        );
        // A variance ratio outside 0.5–2 alone is a caution.
        let vr = [cov("age", 0.01, Some(2.5))];
        assert_eq!(
            Check::balance(&vr, Comparison::Matched).unwrap().verdict(),
            Verdict::Caution
        );
        assert!(Check::balance(&[cov("x", f64::NAN, None)], Comparison::Matched).is_none());
        assert!(Check::balance(&[], Comparison::Matched).is_none());
    }

    #[test]
    fn pre_trends_fail_below_alpha_and_name_the_largest_pre_period() {
        let pre = [
            PrePeriod {
                event_time: -3,
                estimate: 0.2,
            },
            PrePeriod {
                event_time: -2,
                estimate: -1.4,
            },
            PrePeriod {
                event_time: 1,
                estimate: 9.0,
            },
        ];
        let c = Check::pre_trends(7.59, 7e-7, 0.05, &pre).unwrap();
        assert_eq!(c.verdict(), Verdict::Failed);
        let Check::PreTrends { largest, .. } = &c else {
            unreachable!()
        };
        assert_eq!(largest.unwrap().event_time, -2);
        assert!(c.to_string().contains("pre-trends rejected"), "{c}");
        let ok = Check::pre_trends(0.8, 0.52, 0.05, &pre).unwrap();
        assert_eq!(ok.verdict(), Verdict::Passed);
        assert!(Check::pre_trends(f64::NAN, f64::NAN, 0.05, &pre).is_none());
    }

    #[test]
    fn overlap_cautions_when_treated_are_lost_or_weights_concentrate() {
        assert_eq!(
            Check::overlap(Some(0.0), Some(0.3)).unwrap().verdict(),
            Verdict::Caution
        );
        assert_eq!(
            Check::overlap(Some(0.2), None).unwrap().verdict(),
            Verdict::Caution
        );
        assert_eq!(
            Check::overlap(Some(0.05), Some(0.8)).unwrap().verdict(),
            Verdict::Passed
        );
        assert!(Check::overlap(None, None).is_none());
    }

    #[test]
    fn few_clusters_and_small_groups_are_cautions() {
        assert_eq!(
            Check::few_clusters(Some(6)).unwrap().verdict(),
            Verdict::Caution
        );
        assert_eq!(
            Check::few_clusters(Some(10)).unwrap().verdict(),
            Verdict::Passed
        );
        assert!(Check::few_clusters(None).is_none());
        let c = Check::small_groups(Some(12), Some(40), true);
        assert_eq!(c.verdict(), Verdict::Caution);
        assert!(c.to_string().contains("12 treated"), "{c}");
        assert!(!Check::small_groups(Some(30), Some(40), false).raised());
    }

    #[test]
    fn a_baseline_gap_uses_the_balance_thresholds() {
        let c = Check::baseline_gap(0.0, 2.4, 8.0, Comparison::Matched).unwrap();
        assert_eq!(c.verdict(), Verdict::Failed, "{c}");
        assert!(
            c.to_string()
                .contains("already differed on the outcome at intake")
        );
        let c = Check::baseline_gap(0.0, 1.2, 8.0, Comparison::Weighted).unwrap();
        assert_eq!(c.verdict(), Verdict::Caution);
        let c = Check::baseline_gap(0.0, 0.4, 8.0, Comparison::Weighted).unwrap();
        assert_eq!(c.verdict(), Verdict::Passed);
        let r = Check::baseline_gap(0.0, 2.4, 8.0, Comparison::Randomised).unwrap();
        assert_eq!(r.verdict(), Verdict::Caution);
        assert!(Check::baseline_gap(0.0, 1.0, 0.0, Comparison::Matched).is_none());
    }

    #[test]
    fn alternatives_disagree_in_sign_or_significance_but_not_around_zero() {
        let head = iv(0.074, -0.12, 0.27);
        let sign = [
            ("bootstrap".to_string(), iv(0.074, -0.1, 0.25)), // same estimate: skipped
            ("nearest neighbour".to_string(), iv(-0.030, -0.2, 0.14)),
        ];
        let c = Check::alternatives(head, &sign).unwrap();
        assert_eq!(c.verdict(), Verdict::Caution);
        assert!(c.to_string().contains("disagree in sign"), "{c}");
        // Opposite signs, but the alternative is within a tenth of the half-width of zero.
        let near = [("aipw".to_string(), iv(-0.005, -0.2, 0.19))];
        assert_eq!(
            Check::alternatives(head, &near).unwrap().verdict(),
            Verdict::Passed
        );
        let sig = [("aipw".to_string(), iv(0.2, 0.05, 0.35))];
        let c = Check::alternatives(head, &sig).unwrap();
        let Check::Alternatives { disagreement, .. } = &c else {
            unreachable!()
        };
        assert_eq!(*disagreement, Some(Disagreement::Significance));
        let same = [("bootstrap".to_string(), iv(0.074, -0.1, 0.25))];
        assert!(Check::alternatives(head, &same).is_none());
    }

    #[test]
    fn a_check_round_trips_through_json_with_its_kind() {
        let c = Check::pre_trends(2.0, 0.01, 0.05, &[]).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""check":"pre_trends""#), "{json}");
        assert!(json.contains(r#""verdict":"failed""#), "{json}");
        let back: Check = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }
}
