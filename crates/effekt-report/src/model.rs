//! The report document model: everything a report says, neutral of the output format.
//!
//! This is the versioned JSON schema of `report.json` (documented in `crates/effekt-report/docs/report-schema.md`).
//! Renderers ([`crate::render`]) take only a [`Report`]; nothing else reaches the HTML or
//! Markdown. Every struct rejects unknown fields, so a document of another schema version fails
//! loudly instead of being half-read.
//!
//! Conventions:
//! * Effects, means and intervals are in the outcome's own units: a share is 0–1 (0.12 = 12
//!   percentage points); [`Scale`] says how to display them.
//! * `null` for a count or statistic means *suppressed* (fewer individuals than the privacy
//!   threshold; listed in [`PrivacySection::suppressions`]) or *not available* (said in a note).
//!   A count of individuals is a [`Count`]: a number, `null` (suppressed) or `{"low", "high"}`
//!   (coarsened: published as a range so that a suppressed count cannot be derived from it).
//! * No field holds individual-level data, timings or anything else that varies between runs
//!   with the same seed and data.

use crate::i18n::Language;
use crate::study::UnitKind;
use crate::templates::{OutcomeType, Template};
use effekt_contract::ContractEvaluation;
use serde::{Deserialize, Serialize};

/// Version of this schema. Bumped on any change a reader could notice (added, removed or renamed
/// fields, changed meaning). History in `crates/effekt-report/docs/report-schema.md`.
pub const SCHEMA_VERSION: u32 = 5;

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Language of every text in the document.
    pub language: Language,
    /// Title.
    pub title: String,
    /// The question, design and data in plain words.
    pub study: StudySection,
    /// One section per outcome, in study-file order.
    pub outcomes: Vec<OutcomeSection>,
    /// Outcome-contract evaluation, when the study has a contract.
    pub contract: Option<ContractSection>,
    /// Power curve for a future study, when the study asks for one.
    pub power: Option<PowerSection>,
    /// Study-wide warnings.
    pub warnings: Vec<String>,
    /// Suppressions and the privacy statement.
    pub privacy: PrivacySection,
    /// Methods appendix.
    pub methods: Vec<MethodsEntry>,
    /// Works cited in the methods appendix.
    pub references: Vec<Reference>,
    /// What is needed to reproduce the report.
    pub manifest: Manifest,
}

/// The study in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudySection {
    /// The evaluation question as written in the study file.
    pub question: Option<String>,
    /// Intervention name used in sentences.
    pub intervention: String,
    /// What the comparison group received.
    pub comparison: Option<String>,
    /// The design.
    pub design: DesignSection,
    /// The data.
    pub data: DataSection,
    /// One paragraph: design and data in words.
    pub summary: String,
}

/// Design kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Randomised trial.
    Rct,
    /// Matching / weighting.
    Matching,
    /// Difference in differences.
    Did,
}

/// The design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignSection {
    /// Kind.
    pub kind: DesignKind,
    /// Estimator, e.g. "difference in means".
    pub estimator: String,
    /// The design and where its counterfactual comes from, in words.
    pub description: String,
}

/// The data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSection {
    /// Data file name as written in the study file.
    pub file: String,
    /// Rows in the file (coarsened when it would reveal a suppressed count).
    pub rows: Count,
    /// What a unit is.
    pub units: UnitKind,
    /// Distinct units (unit column; the rows without one); `null` if suppressed.
    pub n_units: Count,
    /// Measurement waves / periods in the file (time column), ascending.
    pub periods: Vec<f64>,
    /// Wave analysed for cross-sectional designs.
    pub analysed_period: Option<f64>,
    /// Cluster column.
    pub cluster_column: Option<String>,
    /// Number of clusters.
    pub n_clusters: Option<u64>,
    /// How the file was read: delimiter (`null` for spreadsheets) and decimal separator.
    pub delimiter: Option<String>,
    /// `point` or `comma`.
    pub decimal: String,
    /// Missing data and what was done about it.
    pub missing: MissingSection,
}

/// Missing data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingSection {
    /// `error` or `drop`.
    pub policy: String,
    /// Per outcome: rows dropped for missing values.
    pub by_outcome: Vec<MissingRow>,
    /// In words.
    pub text: String,
}

/// Missing values for one outcome's analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingRow {
    /// Outcome column.
    pub outcome: String,
    /// Rows dropped (listwise) in the analysed wave; `null` if suppressed.
    pub rows_dropped: Count,
    /// Per column, rows with a missing value there; counts `null` if suppressed.
    pub by_column: Vec<ColumnCount>,
}

/// A column name and a count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnCount {
    /// Column.
    pub column: String,
    /// Count; `null` if suppressed.
    pub count: Count,
}

/// How effects of an outcome are displayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Kind of scale.
    pub kind: ScaleKind,
    /// Multiply stored values by this to display them (100 for percentage points and percent).
    pub display_factor: f64,
    /// Decimals used in tables.
    pub decimals: u32,
    /// Unit word for effects ("percentage points", "points").
    pub effect_unit: String,
    /// Unit for levels ("%", "points" or empty).
    pub level_unit: String,
    /// Range of a rating scale.
    pub range: Option<[f64; 2]>,
}

/// Kind of display scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKind {
    /// Shares shown in percent; effects in percentage points.
    PercentagePoints,
    /// Rating-scale points.
    Points,
    /// The outcome's own units.
    Units,
}

/// One outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSection {
    /// Column.
    pub id: String,
    /// Label.
    pub label: String,
    /// Template used, if any.
    pub template: Option<Template>,
    /// Type.
    pub outcome_type: OutcomeType,
    /// Display scale.
    pub scale: Scale,
    /// Wave analysed (cross-sectional designs on panel data).
    pub period: Option<f64>,
    /// Units analysed; `null` if suppressed.
    pub n: Count,
    /// Treated units analysed; `null` if suppressed.
    pub n_treated: Count,
    /// Comparison units analysed; `null` if suppressed.
    pub n_control: Count,
    /// Clusters, when clustered.
    pub n_clusters: Option<u64>,
    /// The headline effect; `null` when suppressed.
    pub headline: Option<Headline>,
    /// Observed and counterfactual means; `null` when suppressed.
    pub counterfactual: Option<CounterfactualDoc>,
    /// Which inference was used and why.
    pub inference: InferenceDoc,
    /// Coefficient / effect table.
    pub tidy: Vec<TidyRowDoc>,
    /// Matching and weighting: who was compared and why units were left out; `null` for other
    /// designs.
    pub sample: Option<MatchedSample>,
    /// Subgroup analyses (sex first when declared).
    pub subgroups: Vec<SubgroupSection>,
    /// Robustness.
    pub robustness: Robustness,
    /// Design checks of this outcome (balance, pre-trends, alternatives), every verdict with
    /// its numbers; the ones that did not pass are also in the headline box, in
    /// `headline.sentence` (a failed one) and in the report's `warnings[]`. Empty when the
    /// outcome is suppressed.
    pub checks: Vec<CheckDoc>,
    /// Standardised effect sizes of the headline effect; `null` when suppressed or not defined
    /// for the design (difference in differences).
    pub effect_size: Option<EffectSizeDoc>,
    /// The outcome's role (study file `role`; see `Role`).
    pub role: crate::study::Role,
    /// The outcome's domain, if the study file gives one.
    pub domain: Option<String>,
    /// How far to trust the estimate (rules in report-schema.md); `null` when suppressed.
    pub certainty: Option<CertaintyDoc>,
    /// One plain sentence combining direction, precision, certainty and role; `null` when
    /// suppressed.
    pub conclusion: Option<String>,
    /// The headline p-value adjusted within its family; `null` without a p-value.
    pub multiplicity: Option<MultiplicityDoc>,
    /// Data for plots.
    pub plots: OutcomePlots,
}

/// Certainty of an estimate (GRADE's four levels; SBU: *tillförlitlighet*). Ordered from
/// very low to high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Very low.
    VeryLow,
    /// Low.
    Low,
    /// Moderate.
    Moderate,
    /// High.
    High,
}

/// Why a certainty rating was lowered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum Downgrade {
    /// A design check failed (risk of bias); `check` is its kind (`balance`, `pre_trends`).
    RiskOfBias {
        /// The failed check.
        check: String,
    },
    /// The alternative estimators disagree in sign.
    Inconsistency,
    /// The interval includes zero and an important effect in one (1 level) or both (2 levels)
    /// directions.
    Imprecision {
        /// Levels lowered.
        levels: u8,
    },
}

/// The certainty rating of one outcome with every step that led to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertaintyDoc {
    /// The rating.
    pub grade: Certainty,
    /// Where the design starts (randomised: high; quasi-experimental: low).
    pub start: Certainty,
    /// Every downgrade, in order.
    pub downgrades: Vec<Downgrade>,
    /// The minimal important difference used by the precision rule (effect units: 0–1 for
    /// 0/1 outcomes) and whether the study file gave it.
    pub minimal_important_difference: Option<f64>,
    /// Whether `minimal_important_difference` came from the study file.
    pub mid_from_study: bool,
    /// The rating and its reasons in words.
    pub text: String,
}

/// Which family an outcome's p-value is adjusted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// The primary outcomes (Holm).
    Primary,
    /// Secondary and exploratory outcomes (Benjamini–Hochberg).
    Other,
}

/// The headline p-value raw and adjusted within its family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiplicityDoc {
    /// The family.
    pub family: Family,
    /// `holm` (primary) or `bh` (the others).
    pub method: String,
    /// p-values in the family.
    pub family_size: usize,
    /// The headline p-value.
    pub p_value: f64,
    /// Adjusted within the family.
    pub p_adjusted: f64,
}

/// The headline effect standardised: Hedges' g (continuous and rating outcomes) or the number
/// needed to treat (0/1 outcomes), with the sentence that states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectSizeDoc {
    /// Hedges' g (effekt-models `effect_size::hedges_g`: the effect over the pooled
    /// within-group SD of the outcome in the analysed sample, before matching or weighting;
    /// J correction; Hedges & Olkin interval, which ignores clustering and adjustment).
    pub hedges_g: Option<effekt_models::effect_size::HedgesG>,
    /// The interval shown for g: the headline interval standardised, `J · [low, high] / s_p`,
    /// so that it keeps the design's inference (clusters, adjustment, weighting) and agrees
    /// with the headline on whether zero is excluded; `null` without g.
    pub conf_low: Option<f64>,
    /// Upper end of that interval.
    pub conf_high: Option<f64>,
    /// Number needed to treat (effekt-models `effect_size::nnt`, the inverted headline
    /// risk-difference interval; ends `null` when that interval includes zero).
    pub nnt: Option<effekt_models::effect_size::Nnt>,
    /// The effect size in words.
    pub text: String,
}

/// One design check of an outcome: the typed check (effekt-notes `checks::Check`: `check`
/// names it, `verdict` is `passed`, `caution` or `failed`, the rest are its numbers) and its
/// text in the report language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDoc {
    /// The check with its numbers.
    pub check: effekt_notes::checks::Check,
    /// The check in words.
    pub text: String,
}

/// The headline effect of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headline {
    /// Effect estimate (treated observed − treated counterfactual).
    pub estimate: f64,
    /// Standard error (of the analytic inference).
    pub std_error: Option<f64>,
    /// Lower end of the confidence interval.
    pub conf_low: f64,
    /// Upper end.
    pub conf_high: f64,
    /// Confidence level.
    pub level: f64,
    /// Where the interval comes from, e.g. "BCa bootstrap (B = 1999)".
    pub interval_method: String,
    /// Two-sided p-value of no effect.
    pub p_value: Option<f64>,
    /// Degrees of freedom of the p-value's t reference (`null` for z or resampling).
    pub df: Option<f64>,
    /// Estimator.
    pub method: String,
    /// The effect in words, in the report language.
    pub sentence: String,
    /// The counterfactual in words.
    pub counterfactual_sentence: String,
}

/// Observed and counterfactual means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterfactualDoc {
    /// Observed mean among the treated.
    pub treated_observed: f64,
    /// Estimated mean the treated would have had without the intervention.
    pub treated_counterfactual: f64,
    /// Observed mean of the comparison group (after matching or weighting for those designs).
    pub control: f64,
    /// Matching and weighting (ATT): the comparison group's mean before matching or
    /// weighting; absent for other designs (added in schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_unadjusted: Option<f64>,
}

/// Inference used and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InferenceDoc {
    /// Short name.
    pub method: String,
    /// Why.
    pub reason: String,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Seed of the resampling, if any.
    pub seed: Option<u64>,
    /// Replicates, if any.
    pub resamples: Option<u64>,
}

/// One row of an effect table; non-finite values are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TidyRowDoc {
    /// Term.
    pub term: String,
    /// Estimate.
    pub estimate: Option<f64>,
    /// Standard error.
    pub std_error: Option<f64>,
    /// t or z statistic.
    pub statistic: Option<f64>,
    /// Degrees of freedom (`null` for z / resampling).
    pub df: Option<f64>,
    /// p-value.
    pub p_value: Option<f64>,
    /// Lower CI end.
    pub conf_low: Option<f64>,
    /// Upper CI end.
    pub conf_high: Option<f64>,
    /// How this row was computed.
    pub method: String,
}

/// A subgroup analysis over the levels of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupSection {
    /// Column.
    pub column: String,
    /// Whether this is the declared sex column (gender analysis).
    pub is_sex: bool,
    /// One row per level.
    pub levels: Vec<SubgroupEffect>,
    /// Test that the effect is the same in every level; `null` when not computable or
    /// suppressed (see `note`).
    pub difference_test: Option<DifferenceTest>,
    /// Remarks (rows dropped for a missing subgroup value, suppressed levels).
    pub notes: Vec<String>,
}

/// The effect in one subgroup level. Values are `null` when the level is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupEffect {
    /// Level label.
    pub level: String,
    /// Whether this level's values are suppressed (privacy).
    pub suppressed: bool,
    /// Treated units.
    pub n_treated: Count,
    /// Comparison units.
    pub n_control: Count,
    /// Observed mean among the treated in this level.
    pub treated_observed: Option<f64>,
    /// Comparison mean.
    pub control: Option<f64>,
    /// Effect.
    pub estimate: Option<f64>,
    /// Standard error.
    pub std_error: Option<f64>,
    /// Lower CI end.
    pub conf_low: Option<f64>,
    /// Upper CI end.
    pub conf_high: Option<f64>,
    /// p-value.
    pub p_value: Option<f64>,
    /// `p_value` adjusted for the false discovery rate (Benjamini–Hochberg) across every
    /// shown subgroup level of every outcome (the subgroup × outcome grid); `null` without a
    /// p-value.
    pub p_adjusted: Option<f64>,
}

/// Test of equal effects across subgroup levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DifferenceTest {
    /// How, e.g. "t test of the interaction (HC2, n − 4 df)".
    pub method: String,
    /// For two levels: effect in the second level minus the first.
    pub difference: Option<f64>,
    /// Its lower CI end.
    pub conf_low: Option<f64>,
    /// Its upper CI end.
    pub conf_high: Option<f64>,
    /// t (two levels) or F statistic.
    pub statistic: f64,
    /// Numerator df (F) or `null`.
    pub df1: Option<f64>,
    /// (Denominator) df.
    pub df2: Option<f64>,
    /// p-value.
    pub p_value: f64,
}

/// Robustness checks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Robustness {
    /// Alternative estimators / intervals side by side.
    pub alternatives: Vec<AlternativeEstimate>,
    /// Joint pre-trend test (DiD).
    pub pre_trend: Option<PreTrendTest>,
    /// Balance table.
    pub balance: Vec<BalanceRow>,
    /// Binary outcomes of randomised designs: the 2×2 effect measures (risk difference, risk
    /// ratio, odds ratio, Fisher's exact test).
    pub binary: Option<BinaryEffectsDoc>,
    /// Difference in differences with staggered timing: the Goodman-Bacon decomposition of the
    /// TWFE coefficient.
    pub decomposition: Option<DecompositionDoc>,
    /// Warnings (small groups, few clusters, fallbacks).
    pub warnings: Vec<String>,
}

/// The matched (or weighted) sample of a matching design. Counts are `null` when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchedSample {
    /// Treated units.
    pub treated: SampleCounts,
    /// Comparison units.
    pub control: SampleCounts,
    /// Units left out, by group and reason.
    pub dropped: Vec<DroppedUnits>,
    /// How the comparison group was built, in words.
    pub method: String,
}

/// Units of one group before and after matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleCounts {
    /// Units analysed before matching.
    pub all: Count,
    /// Units in the matched (weighted) sample.
    pub matched: Count,
    /// Units left out.
    pub unmatched: Count,
    /// Effective sample size of the matched group, `(Σw)²/Σw²` (Kish); `null` unless `matched`
    /// is exact (with equal weights it equals the count).
    pub effective: Option<f64>,
}

/// Units left out of the matched sample for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedUnits {
    /// `treated` or `control`.
    pub group: String,
    /// Reason code (effekt-matching's `DropReason`, kebab-case).
    pub reason: String,
    /// Units; `null` if suppressed.
    pub count: Count,
    /// The reason in words.
    pub description: String,
}

/// An effect measure that is not in the outcome's units (a ratio) or is shown on its own scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDoc {
    /// Estimate.
    pub estimate: Option<f64>,
    /// Lower CI end.
    pub conf_low: Option<f64>,
    /// Upper CI end.
    pub conf_high: Option<f64>,
    /// How the interval was computed.
    pub method: String,
}

/// The 2×2 effect measures of a binary outcome (effekt-rct).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BinaryEffectsDoc {
    /// Share with the outcome among the treated.
    pub risk_treated: f64,
    /// Share in the comparison group.
    pub risk_control: f64,
    /// Risk difference (0–1 scale; shown in percentage points).
    pub risk_difference: MeasureDoc,
    /// Risk ratio.
    pub risk_ratio: MeasureDoc,
    /// Odds ratio.
    pub odds_ratio: MeasureDoc,
    /// Fisher's exact test, two-sided p-value.
    pub fisher_p_value: f64,
    /// Remarks (e.g. the 2×2 summaries ignore clusters).
    pub notes: Vec<String>,
}

/// Goodman-Bacon (2021) decomposition of a TWFE coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecompositionDoc {
    /// The TWFE coefficient the components average to.
    pub total: f64,
    /// One row per kind of 2×2 comparison.
    pub rows: Vec<DecompositionRow>,
    /// What it shows, in words.
    pub note: String,
}

/// One kind of 2×2 comparison in the decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecompositionRow {
    /// The comparison in words (e.g. "later vs earlier treated").
    pub comparison: String,
    /// Its total weight in the TWFE coefficient.
    pub weight: f64,
    /// Weighted mean of its 2×2 estimates.
    pub estimate: f64,
}

/// One alternative estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlternativeEstimate {
    /// Method.
    pub method: String,
    /// Estimate.
    pub estimate: Option<f64>,
    /// Standard error.
    pub std_error: Option<f64>,
    /// Lower CI end.
    pub conf_low: Option<f64>,
    /// Upper CI end.
    pub conf_high: Option<f64>,
    /// p-value.
    pub p_value: Option<f64>,
    /// Remark.
    pub note: Option<String>,
}

/// Joint test of no pre-treatment effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreTrendTest {
    /// How.
    pub method: String,
    /// Statistic.
    pub statistic: f64,
    /// Numerator df.
    pub df1: Option<f64>,
    /// Denominator df.
    pub df2: Option<f64>,
    /// p-value.
    pub p_value: f64,
}

/// Balance of one covariate between the groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceRow {
    /// Covariate (dummy name for a level of a categorical one).
    pub covariate: String,
    /// Standardised mean difference before matching/weighting (or between the arms).
    pub smd_before: Option<f64>,
    /// After matching/weighting (`null` for designs without it).
    pub smd_after: Option<f64>,
    /// Variance ratio treated/control before.
    pub var_ratio_before: Option<f64>,
    /// After.
    pub var_ratio_after: Option<f64>,
    /// |SMD| above 0.1 in the final sample.
    pub flagged: bool,
}

/// Plot data of one outcome (aggregates only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomePlots {
    /// Bootstrap distribution of the effect.
    pub bootstrap: Option<BootstrapPlot>,
    /// Observed vs counterfactual per wave (panels).
    pub trajectory: Vec<PeriodPoint>,
    /// Event-study coefficients (DiD).
    pub event_study: Vec<EventCoefficient>,
    /// Love-plot data (matching); balance rows are also in robustness.
    pub love: Vec<BalanceRow>,
}

/// Histogram of bootstrap replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapPlot {
    /// Replicates.
    pub resamples: u64,
    /// Seed.
    pub seed: u64,
    /// Replicates that were not finite (left out).
    pub nonfinite: u64,
    /// Bin edges (counts.len() + 1 values).
    pub edges: Vec<f64>,
    /// Replicates per bin.
    pub counts: Vec<u64>,
    /// Estimate.
    pub estimate: f64,
    /// CI ends.
    pub conf_low: f64,
    /// CI ends.
    pub conf_high: f64,
    /// Bootstrap standard error.
    pub std_error: f64,
    /// Scheme in words.
    pub scheme: String,
}

/// Means at one wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodPoint {
    /// Wave / period.
    pub period: f64,
    /// Whether this wave is suppressed.
    pub suppressed: bool,
    /// Treated with an observed outcome.
    pub n_treated: Count,
    /// Comparison units with an observed outcome.
    pub n_control: Count,
    /// Observed treated mean.
    pub treated_observed: Option<f64>,
    /// Estimated counterfactual treated mean.
    pub treated_counterfactual: Option<f64>,
    /// Comparison mean.
    pub control: Option<f64>,
    /// Effect at this wave.
    pub effect: Option<f64>,
}

/// One event-study coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCoefficient {
    /// Time relative to the start of treatment.
    pub event_time: i64,
    /// Estimate (0 for the reference period).
    pub estimate: f64,
    /// Lower CI end.
    pub conf_low: Option<f64>,
    /// Upper CI end.
    pub conf_high: Option<f64>,
    /// Whether this is the reference period.
    pub reference: bool,
}

/// Contract evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractSection {
    /// effekt-contract's evaluation (probabilities, payments, plot data).
    pub evaluation: ContractEvaluation,
    /// What the probabilities mean, in the report language.
    pub interpretation: String,
}

/// Power curve for a future study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerSection {
    /// Outcome.
    pub outcome: String,
    /// Target effect (outcome units).
    pub effect: f64,
    /// Significance level.
    pub alpha: f64,
    /// Power wanted.
    pub power: f64,
    /// Method, e.g. "two proportions, arcsine (Cohen's h)".
    pub method: String,
    /// Comparison-group level or SD the calculation is anchored on.
    pub anchor: String,
    /// Units per arm needed (rounded up).
    pub n_required: u64,
    /// (n per arm, power) points.
    pub curve: Vec<[f64; 2]>,
    /// Remarks (e.g. clustering not accounted for).
    pub notes: Vec<String>,
}

/// Privacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySection {
    /// Threshold: counts and statistics from fewer individuals are suppressed.
    pub threshold: u32,
    /// Every suppression.
    pub suppressions: Vec<Suppression>,
    /// Statement in words.
    pub statement: String,
}

/// One suppressed value or group of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Where, e.g. "outcome closed_lower_level, subgroup child_sex = girl".
    pub location: String,
    /// Why, in words.
    pub reason: String,
}

/// One entry of the methods appendix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodsEntry {
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Keys into [`Report::references`].
    pub references: Vec<String>,
}

/// A cited work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Short key as cited in the text, e.g. "Efron 1987".
    pub key: String,
    /// Full citation.
    pub citation: String,
}

/// Reproducibility manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// effekt version that wrote the report.
    pub effekt_version: String,
    /// Schema version (same as [`Report::schema_version`]).
    pub schema_version: u32,
    /// Study file name.
    pub study_file: String,
    /// SHA-256 of the study file's bytes.
    pub study_sha256: String,
    /// Data file as named in the study file.
    pub data_file: String,
    /// SHA-256 of the data file's bytes.
    pub data_sha256: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Bootstrap replicates.
    pub resamples: u64,
    /// Confidence level.
    pub level: f64,
    /// The full study configuration after defaults and `--lang` were applied.
    pub study: serde_json::Value,
}

/// A published count of individuals.
///
/// JSON: a number (exact), `null` (suppressed: between 1 and k − 1 individuals, shown "< k"),
/// or `{"low": a, "high": b}` (coarsened: the true count is between `a` and `b`, both included;
/// `high` is `null` when there is no upper bound; shown "about …"). A range is computed from the
/// exact counts of the report alone, so it tells nothing about a suppressed count beyond what
/// "< k" says (see the privacy rules in [`crate::build`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Count {
    /// Published as it is.
    Exact(u64),
    /// Suppressed (between 1 and k − 1).
    #[default]
    Suppressed,
    /// Coarsened to a range.
    Range {
        /// Smallest value the count can have.
        low: u64,
        /// Largest value (`None`: unbounded).
        high: Option<u64>,
    },
}

impl Count {
    /// The exact value, when published as it is.
    pub fn exact(self) -> Option<u64> {
        match self {
            Count::Exact(n) => Some(n),
            _ => None,
        }
    }

    /// Whether the exact value is published.
    pub fn is_exact(self) -> bool {
        matches!(self, Count::Exact(_))
    }

    /// Whether the count is suppressed ("< k").
    pub fn is_suppressed(self) -> bool {
        matches!(self, Count::Suppressed)
    }

    /// The values the count can have as published: `[n, n]`, `None` when suppressed, or the
    /// range (`high` `None` = unbounded).
    pub fn bounds(self) -> Option<(u64, Option<u64>)> {
        match self {
            Count::Exact(n) => Some((n, Some(n))),
            Count::Suppressed => None,
            Count::Range { low, high } => Some((low, high)),
        }
    }

    /// The round number a coarsened count is shown as: the middle of its range rounded to a
    /// step (5, 10, 50, 100, … — the first at least as wide as the range); `None` unless a
    /// bounded range.
    pub fn about(self) -> Option<u64> {
        let Count::Range {
            low,
            high: Some(high),
        } = self
        else {
            return None;
        };
        let width = high.saturating_sub(low) + 1;
        let mut step = 5u64;
        let mut five = true;
        while step < width {
            step = step.saturating_mul(if five { 2 } else { 5 });
            five = !five;
        }
        let middle = (low as f64 + high as f64) / 2.0;
        Some(((middle / step as f64).round() as u64).saturating_mul(step))
    }
}

impl From<u64> for Count {
    fn from(n: u64) -> Self {
        Count::Exact(n)
    }
}

/// `count == Some(n)` holds for an exact count `n`; `count == None` for any other.
impl PartialEq<Option<u64>> for Count {
    fn eq(&self, other: &Option<u64>) -> bool {
        self.exact() == *other
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountRangeJson {
    low: u64,
    high: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CountJson {
    Exact(u64),
    Range(CountRangeJson),
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let json = match *self {
            Count::Exact(n) => Some(CountJson::Exact(n)),
            Count::Suppressed => None,
            Count::Range { low, high } => Some(CountJson::Range(CountRangeJson { low, high })),
        };
        json.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<CountJson>::deserialize(d)? {
            None => Count::Suppressed,
            Some(CountJson::Exact(n)) => Count::Exact(n),
            Some(CountJson::Range(r)) => Count::Range {
                low: r.low,
                high: r.high,
            },
        })
    }
}

/// A finite value or `None`.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl TidyRowDoc {
    /// From a shared tidy row (non-finite values become `None`).
    pub fn from_tidy(row: &effekt_models::TidyRow, method: &str) -> Self {
        Self {
            term: row.term.clone(),
            estimate: finite(row.estimate),
            std_error: finite(row.std_error),
            statistic: finite(row.statistic),
            df: row.df.and_then(finite),
            p_value: finite(row.p_value),
            conf_low: finite(row.conf_low),
            conf_high: finite(row.conf_high),
            method: method.to_string(),
        }
    }
}
