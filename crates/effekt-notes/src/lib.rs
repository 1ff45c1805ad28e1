//! The typed warnings and notes that effekt's crates hand each other (issue 12, "typed seams").
//!
//! A fit never reports a caveat as English prose for another crate to parse: it pushes a
//! [`Note`], a variant with the numbers in fields. The CLI shows the English text
//! ([`std::fmt::Display`]); effekt-report translates every variant by `match`
//! (`effekt_report::i18n::notes`), so a new variant cannot reach a Swedish report untranslated —
//! the compiler lists the missing arm — and the report decides which notes it says itself by
//! matching variants, never substrings.
//!
//! In JSON a note is its English text (`"warnings": ["the treated arm has 4 rows …"]`), as
//! before the notes were typed. A note cannot be read back from JSON: deserialising one is an
//! error that says so.
//!
//! [`checks`] holds the design checks (balance, pre-trends, alternatives): the rules that
//! decide whether an estimate is to be believed, shared by the CLI and the report.
//!
//! This crate depends on nothing in effekt: effekt-resample (a leaf) and effekt-models use it,
//! and every crate above them.

pub mod checks;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Which arm of a two-arm comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm {
    /// The treated (intervention) arm.
    Treated,
    /// The control (comparison) arm.
    Control,
}

impl Arm {
    /// The arm of a treatment indicator: `true` is treated.
    pub fn of(treated: bool) -> Self {
        if treated { Arm::Treated } else { Arm::Control }
    }

    /// `"treated"` or `"control"`.
    pub fn word(self) -> &'static str {
        match self {
            Arm::Treated => "treated",
            Arm::Control => "control",
        }
    }
}

/// What was randomised: rows (units) or whole clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Individual rows (children, families).
    Unit,
    /// Whole clusters (units, schools, municipalities).
    Cluster,
}

impl Unit {
    /// `"unit"` or `"cluster"` (singular).
    pub fn word(self) -> &'static str {
        match self {
            Unit::Unit => "unit",
            Unit::Cluster => "cluster",
        }
    }
}

/// Why a bootstrap interval could not be computed and the percentile interval was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackReason {
    /// Studentized: the statistic has no standard error.
    NoStandardError,
    /// BCa: the adjusted levels are not finite.
    AdjustedLevelsNotFinite,
    /// BCa: every replicate on one side of the estimate (infinite bias correction).
    OneSided,
    /// BCa: all jackknife values equal (undefined acceleration).
    JackknifeConstant,
}

impl FallbackReason {
    fn text(self) -> &'static str {
        match self {
            FallbackReason::NoStandardError => {
                "the statistic has no standard error to studentize with"
            }
            FallbackReason::AdjustedLevelsNotFinite => "the adjusted levels are not finite",
            FallbackReason::OneSided => {
                "all replicates lie on one side of the estimate, so the bias correction is infinite"
            }
            FallbackReason::JackknifeConstant => {
                "the jackknife values are all equal, so the acceleration is undefined"
            }
        }
    }
}

/// A warning or note of a fit, with its numbers in fields.
///
/// Grouped by the crate that says it. Variants are added, never reworded silently: the English
/// text is part of the JSON output (see the crate docs) and every variant has a Swedish
/// translation in effekt-report.
///
/// Deliberately not `#[non_exhaustive]`: effekt-report's translation matches every variant, so
/// adding one is a compile error there until it is translated.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    // --- effekt-resample: bootstrap intervals -------------------------------------------
    /// Replicates with a non-finite statistic were left out of the intervals.
    BootstrapNonFinite {
        /// Replicates left out.
        left_out: usize,
        /// Replicates drawn.
        of: usize,
    },
    /// A requested interval was not defined; the percentile interval was reported instead.
    IntervalFallback {
        /// The interval's name as effekt-resample gives it (`"BCa"`, `"studentized"`).
        interval: String,
        /// Why.
        why: FallbackReason,
    },
    /// The most extreme replicates were interval endpoints (too few resamples).
    ExtremeOrderStatistics,

    // --- effekt-models: regressions ------------------------------------------------------
    /// Fewer than [`Note::FEW_CLUSTERS`] clusters for a cluster-robust variance.
    FewClusters {
        /// Number of clusters.
        clusters: usize,
    },
    /// CR0/CR1 with fewer than 20 clusters and `G − 1` df (over-rejects).
    LowDfClusterRobust {
        /// The variance estimator's short name (`"CR1"`).
        estimator: String,
        /// Number of clusters.
        clusters: usize,
    },
    /// A categorical covariate with one level in the data adds no column.
    SingleLevelCovariate {
        /// The covariate.
        covariate: String,
    },
    /// A design column was dropped as aliased (coefficient NA, as R).
    ColumnDropped {
        /// The dropped column.
        column: String,
        /// Earlier kept columns it is a combination of (empty: zero or constant).
        collinear_with: Vec<String>,
    },
    /// The logistic regression did not converge.
    LogitNotConverged {
        /// IRLS iterations run.
        iterations: usize,
        /// Last relative change of the deviance.
        last_change: f64,
    },
    /// Fitted probabilities numerically 0 or 1 (R's `glm.fit` warning).
    LogitFittedZeroOne,

    // --- effekt-rct ---------------------------------------------------------------------
    /// Covariates were given to the difference in means, which does not use them.
    CovariatesUnused {
        /// The covariates.
        covariates: Vec<String>,
    },
    /// Very few clusters: see the randomisation-inference p-value.
    VeryFewClusters {
        /// Number of clusters.
        clusters: usize,
        /// The threshold.
        min: usize,
    },
    /// An arm with few rows.
    SmallArm {
        /// Which arm.
        arm: Arm,
        /// Rows in it.
        rows: usize,
        /// The threshold.
        min: usize,
    },
    /// An arm with few clusters (cluster-randomised).
    SmallArmClusters {
        /// Which arm.
        arm: Arm,
        /// Clusters in it.
        clusters: usize,
    },
    /// Randomisation inference switched off although an arm is small.
    RandomisationOff {
        /// The threshold of randomisation units per arm.
        min: usize,
        /// What was randomised.
        unit: Unit,
    },
    /// Assignments with an undefined statistic were left out of the randomisation inference.
    RandomisationUndefined {
        /// Assignments left out.
        left_out: usize,
        /// Assignments drawn.
        of: usize,
    },
    /// The bootstrap was skipped because the regression has aliased columns.
    BootstrapSkippedAliased,
    /// The 2×2 summaries pool all rows, ignoring blocks and clusters.
    TwoByTwoPooled,
    /// The 2×2 summaries are unadjusted while the headline is covariate-adjusted.
    TwoByTwoUnadjusted,
    /// Some blocks are pairs, others larger: the matched-pairs variance for all blocks.
    PairsVarianceForAllBlocks {
        /// What the blocks contain.
        unit: Unit,
    },
    /// Degrees of freedom not positive and finite: normal reference used.
    NormalReference {
        /// The degrees of freedom computed.
        df: f64,
    },

    // --- effekt-matching ----------------------------------------------------------------
    /// Few matched units in an arm (fewer than 20 with positive weight).
    FewMatchedUnits {
        /// Which arm.
        arm: Arm,
        /// Matched units in it.
        units: usize,
    },
    /// Few units in an arm for the weighting estimator's sandwich standard error.
    FewUnitsForSandwich {
        /// Which arm.
        arm: Arm,
        /// Units in it.
        units: usize,
    },
    /// Some focal units got fewer matches than the ratio asked for.
    FewerMatches {
        /// Focal units with fewer matches.
        units: usize,
        /// The focal group.
        group: Arm,
        /// Matches asked for per unit.
        ratio: usize,
    },
    /// The caliper dropped more than a fifth of the focal units.
    CaliperDropped {
        /// Focal units dropped.
        dropped: usize,
        /// Focal units.
        of: usize,
        /// The focal group.
        group: Arm,
    },
    /// Coarsened exact matching: strata formed, and how many had both groups.
    CemStrata {
        /// Strata formed.
        strata: usize,
        /// Strata with both treated and control units.
        with_both: usize,
    },
    /// Units trimmed by their propensity score.
    Trimmed {
        /// Units trimmed.
        units: usize,
        /// The trimming threshold.
        trim: f64,
    },

    // --- effekt-did ---------------------------------------------------------------------
    /// `sampling = unbalanced-panel`, but every unit is observed in every period.
    UnbalancedButComplete,
    /// Unbalanced panel: repeated-cross-section estimators on the observed rows.
    UnbalancedPanelEstimators,
    /// Cohorts (and the never-treated group) with fewer units than `min`.
    SmallCohorts {
        /// Each small group: its first-treated period (`None`: never treated) and units.
        cohorts: Vec<(Option<f64>, usize)>,
        /// Fewer units than this is small (did: number of covariates + 5).
        min: usize,
    },
    /// The simultaneous (sup-t) critical value could not be computed.
    BandsUnavailable {
        /// What the band was for (`"ATT(g,t)"`, `"event study"`).
        what: String,
    },
    /// The simultaneous critical value fell below the pointwise one.
    BandsBelowPointwise {
        /// What the band was for.
        what: String,
        /// The simultaneous critical value.
        critical: f64,
        /// The pointwise critical value.
        pointwise: f64,
    },
    /// A very large simultaneous critical value (≥ 7).
    BandsLarge {
        /// What the band was for.
        what: String,
        /// The simultaneous critical value.
        critical: f64,
    },
    /// The Wald pre-test is not reported: singular covariance of the pre-treatment ATT(g,t).
    PreTestSingular,
    /// Callaway–Sant'Anna with few clusters.
    CsFewClusters {
        /// Number of clusters.
        clusters: usize,
    },
    /// Few multiplier-bootstrap replicates.
    FewBootstrapReplicates {
        /// Replicates.
        replicates: usize,
    },
    /// Units first treated after the last period serve as never-treated controls.
    TreatedAfterPanel {
        /// Units.
        units: usize,
        /// The last period of the panel.
        last: f64,
    },
    /// The Goodman-Bacon decomposition was not computed.
    BaconNotComputed {
        /// Why (effekt-did's reason).
        reason: String,
    },
    /// Wild bootstrap: Webb weights instead of Rademacher with few clusters.
    WildWebbChosen {
        /// Number of clusters.
        clusters: usize,
    },
    /// Wild bootstrap: Rademacher weights asked for with few clusters.
    WildRademacherFewClusters {
        /// Number of clusters.
        clusters: usize,
    },
}

/// A period as effekt-did writes it (`2004`, `0`, `2.5`).
pub fn period(x: f64) -> String {
    if x == 0.0 { "0".into() } else { format!("{x}") }
}

impl Note {
    /// Fewer clusters than this make cluster-robust inference fragile ([`Note::FewClusters`]).
    pub const FEW_CLUSTERS: usize = 10;
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::BootstrapNonFinite { left_out, of } => write!(
                f,
                "{left_out} of {of} replicates gave a non-finite statistic and were left out of the intervals"
            ),
            Note::IntervalFallback { interval, why } => write!(
                f,
                "{interval} interval not defined here ({}); the percentile interval is reported instead",
                why.text()
            ),
            Note::ExtremeOrderStatistics => f.write_str(
                "extreme order statistics were used as interval endpoints; increase the number of resamples",
            ),
            Note::FewClusters { clusters } => write!(
                f,
                "only {clusters} clusters: cluster-robust inference is fragile with fewer than {} clusters; CR2 with Satterthwaite df is the safest choice, and randomisation inference is worth reporting",
                Note::FEW_CLUSTERS
            ),
            Note::LowDfClusterRobust {
                estimator,
                clusters,
            } => write!(
                f,
                "{estimator} with {clusters} < 20 clusters and G − 1 df can over-reject; CR2 with Satterthwaite df is recommended"
            ),
            Note::SingleLevelCovariate { covariate } => write!(
                f,
                "categorical covariate {covariate:?} has a single level in the data; it adds no column"
            ),
            Note::ColumnDropped {
                column,
                collinear_with,
            } => {
                if collinear_with.is_empty() {
                    write!(
                        f,
                        "{column} dropped: it is zero or constant after earlier columns (coefficient NA as in R)"
                    )
                } else {
                    write!(
                        f,
                        "{column} dropped: collinear with {} (coefficient NA as in R)",
                        collinear_with.join(", ")
                    )
                }
            }
            Note::LogitNotConverged {
                iterations,
                last_change,
            } => write!(
                f,
                "glm.fit: algorithm did not converge in {iterations} iterations (last relative deviance change {last_change:e})"
            ),
            Note::LogitFittedZeroOne => {
                f.write_str("glm.fit: fitted probabilities numerically 0 or 1 occurred")
            }
            Note::CovariatesUnused { covariates } => write!(
                f,
                "covariates {} are not used by the difference in means; choose the ANCOVA or Lin estimator to adjust for them",
                covariates.join(", ")
            ),
            Note::VeryFewClusters { clusters, min } => write!(
                f,
                "only {clusters} clusters: cluster-robust inference is fragile with fewer than {min} clusters; see the randomisation-inference p-value"
            ),
            Note::SmallArm { arm, rows, min } => write!(
                f,
                "the {} arm has {rows} rows (< {min}): the estimate is imprecise and the t approximation may be poor; randomisation inference is exact whatever the size",
                arm.word()
            ),
            Note::SmallArmClusters { arm, clusters } => write!(
                f,
                "the {} arm has {clusters} clusters: with few clusters per arm the effective sample size is the number of clusters",
                arm.word()
            ),
            Note::RandomisationOff { min, unit } => write!(
                f,
                "randomisation inference was switched off although an arm has fewer than {min} randomisation {}s",
                unit.word()
            ),
            Note::RandomisationUndefined { left_out, of } => write!(
                f,
                "{left_out} of {of} assignments gave an undefined statistic (e.g. a covariate collinear with the treatment under that assignment) and were left out of the randomisation inference"
            ),
            Note::BootstrapSkippedAliased => f.write_str(
                "bootstrap skipped: the regression has aliased (dropped) columns; remove the redundant covariates to bootstrap",
            ),
            Note::TwoByTwoPooled => f.write_str(
                "the 2×2 summaries (Newcombe, risk/odds ratios, Fisher) pool all rows and ignore blocks and clusters; the headline estimate and its interval account for them",
            ),
            Note::TwoByTwoUnadjusted => f.write_str(
                "the 2×2 summaries are unadjusted; the headline estimate is covariate-adjusted (a linear probability model)",
            ),
            Note::PairsVarianceForAllBlocks { unit } => write!(
                f,
                "some blocks have two {u}s while others have more: as the within-block variance cannot be estimated with two {u}s, the matched-pairs variance is used for all blocks (as estimatr)",
                u = unit.word()
            ),
            Note::FewMatchedUnits { arm, units } => write!(
                f,
                "only {units} matched {} units: estimates are imprecise and large-sample approximations may be poor",
                arm.word()
            ),
            Note::FewUnitsForSandwich { arm, units } => write!(
                f,
                "only {units} {} units: the sandwich standard error can be too small in samples this small",
                arm.word()
            ),
            Note::FewerMatches {
                units,
                group,
                ratio,
            } => write!(
                f,
                "{units} {} unit(s) got fewer than {ratio} matches; their matches are weighted up accordingly",
                group.word()
            ),
            Note::CaliperDropped { dropped, of, group } => write!(
                f,
                "the caliper dropped {dropped} of {of} {g} units ({:.0}%): the effect is estimated for the matched units only, which may differ from all {g} units",
                100.0 * *dropped as f64 / *of as f64,
                g = group.word()
            ),
            Note::CemStrata { strata, with_both } => write!(
                f,
                "CEM: {strata} strata, {with_both} with both treated and control units"
            ),
            Note::Trimmed { units, trim } => write!(
                f,
                "{units} unit(s) trimmed: the effect refers to the population with propensity scores in [{trim}, 1 - {trim}]"
            ),
            Note::UnbalancedButComplete => f.write_str(
                "sampling = unbalanced-panel, but every unit is observed in every period: the panel estimators are used (as did >= 2.5 and csdid 0.4)",
            ),
            Note::UnbalancedPanelEstimators => f.write_str(
                "unbalanced panel: ATT(g,t) use the repeated-cross-section estimators on the observed rows, with influence functions summed per unit (did's allow_unbalanced_panel)",
            ),
            Note::SmallCohorts { cohorts, min } => {
                let list: Vec<String> = cohorts
                    .iter()
                    .map(|(g, c)| match g {
                        None => format!("never-treated ({c})"),
                        Some(g) => format!("{} ({c})", period(*g)),
                    })
                    .collect();
                write!(
                    f,
                    "small groups (units): {}; estimates for groups with fewer than {min} units rest on very few observations",
                    list.join(", ")
                )
            }
            Note::BandsUnavailable { what } => write!(
                f,
                "{what}: the simultaneous critical value could not be computed (no bootstrap standard errors); pointwise intervals are reported"
            ),
            Note::BandsBelowPointwise {
                what,
                critical,
                pointwise,
            } => write!(
                f,
                "{what}: the simultaneous critical value ({critical:.3}) is below the pointwise one ({pointwise:.3}); pointwise intervals are reported, as did does"
            ),
            Note::BandsLarge { what, critical } => write!(
                f,
                "{what}: the simultaneous critical value {critical:.2} is large (>= 7), usually a sign of very small groups; the bands are unreliable"
            ),
            Note::PreTestSingular => f.write_str(
                "the Wald pre-test of the pre-treatment ATT(g,t) is not reported: their covariance matrix is singular",
            ),
            Note::CsFewClusters { clusters } => write!(
                f,
                "only {clusters} clusters: influence-function and multiplier-bootstrap inference with few clusters can over-reject"
            ),
            Note::FewBootstrapReplicates { replicates } => write!(
                f,
                "only {replicates} bootstrap replicates: standard errors and critical values carry Monte Carlo error; use 999 or more"
            ),
            Note::TreatedAfterPanel { units, last } => write!(
                f,
                "{units} unit(s) are first treated after the last period ({}); they are never treated within the panel and serve as never-treated controls",
                period(*last)
            ),
            Note::BaconNotComputed { reason } => {
                write!(f, "Goodman-Bacon decomposition not computed: {reason}")
            }
            Note::WildWebbChosen { clusters: g } => {
                let draws = 1u64 << (*g).min(63);
                write!(
                    f,
                    "only {g} clusters: Webb weights were used instead of the Rademacher default, which has only 2^{g} = {draws} distinct draws at this G (at most {} distinct bootstrap t statistics, so its p-values move in steps of 2/{draws} and are too coarse for a 5% test); Webb's six-point weights give many more (Webb 2023). With so few clusters every cluster-robust method is fragile: report the result with caution",
                    draws / 2
                )
            }
            Note::WildRademacherFewClusters { clusters: g } => {
                let draws = 1u64 << (*g).min(63);
                write!(
                    f,
                    "only {g} clusters with Rademacher weights: there are only 2^{g} = {draws} distinct draws (at most {} distinct bootstrap t statistics), so the p-value moves in steps of 2/{draws} and is too coarse for a 5% test; use Webb weights (Webb 2023), as fwildclusterboot and boottest recommend with few clusters",
                    draws / 2
                )
            }
            Note::NormalReference { df } => write!(
                f,
                "the degrees of freedom are not positive and finite ({df}); the test and interval use the normal distribution"
            ),
        }
    }
}

impl Serialize for Note {
    /// The English text.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Note {
    /// Always an error: a note is written as English text and cannot be read back.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Err(serde::de::Error::custom(format!(
            "a note is written as English text and cannot be read back as a typed note: {text:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_its_english_text_in_json() {
        let n = Note::SmallArm {
            arm: Arm::Treated,
            rows: 4,
            min: 10,
        };
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, format!("{:?}", n.to_string()));
        assert!(
            json.starts_with("\"the treated arm has 4 rows (< 10)"),
            "{json}"
        );
        assert!(serde_json::from_str::<Note>(&json).is_err());
    }

    #[test]
    fn plural_units_read_as_before() {
        let n = Note::RandomisationOff {
            min: 10,
            unit: Unit::Cluster,
        };
        assert!(
            n.to_string()
                .ends_with("fewer than 10 randomisation clusters")
        );
        let p = Note::PairsVarianceForAllBlocks { unit: Unit::Unit };
        assert!(
            p.to_string()
                .starts_with("some blocks have two units while")
        );
    }
}
