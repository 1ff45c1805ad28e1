//! The study file: what to analyse and how, in TOML.
//!
//! Every table rejects unknown keys and every choice is an enum, so a typo is an error naming
//! the key and the line, never a silently ignored setting. Paths are relative to the study file.
//! A full annotated example is in `crates/effekt-report/docs/report-schema.md` and `datasets/ihf/study.toml`.
//!
//! Checking happens in three steps, each naming the key and its line on failure:
//! 1. [`Study::parse`]: TOML syntax, unknown keys, options that do not belong to the chosen
//!    design (`caliper` with `kind = "rct"`), wrong types and values;
//! 2. [`Study::parse`] then validates what serde cannot: at least one outcome, each with a type,
//!    no outcome twice, the privacy threshold (never below 3), the confidence level, the
//!    contract terms (through effekt-contract: parties, thresholds, shares summing to 1, caps);
//! 3. [`Study::check_columns`]: every column named exists in the data file.

use crate::error::{MissingColumn, ReportError, StudyLocation};
use crate::i18n::{Language, Text};
use crate::locate;
use crate::templates::{OutcomeType, Template};
use effekt_contract::ContractConfig;
use effekt_data::{Decimal, MissingPolicy, Table};
use effekt_resample::IntervalMethod;
use serde::{Deserialize, Serialize};

mod design;
pub use design::*;

/// The whole study file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyConfig {
    /// The question, the intervention and the units, in plain words.
    #[serde(default)]
    pub study: StudyMeta,
    /// Where the data are and which columns have which role.
    pub data: DataConfig,
    /// The evaluation design and its options.
    pub design: DesignConfig,
    /// One or more outcomes (`[[outcomes]]`).
    pub outcomes: Vec<OutcomeConfig>,
    /// Subgroups: sex (gender analysis) and any other.
    #[serde(default)]
    pub subgroups: SubgroupsConfig,
    /// Bootstrap and confidence level.
    #[serde(default)]
    pub inference: InferenceConfig,
    /// Outcome-contract terms (effekt-contract's `[contract]` table), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractConfig>,
    /// Power curve for a future study, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<PowerConfig>,
    /// Title, language, formats, privacy threshold.
    #[serde(default)]
    pub report: ReportConfig,
}

/// `[study]`: the question in plain words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyMeta {
    /// The evaluation question, e.g. "Did IHF lead to more cases closed to a lower level of
    /// intervention than comparable families who did not get it?"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Short name of the intervention used in sentences ("IHF"). Default: "the intervention".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// What the comparison group received ("treatment as usual").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<String>,
    /// The question in Swedish (used with `language = "sv"`; default: `question`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_sv: Option<String>,
    /// The intervention's name in Swedish sentences (default: `intervention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention_sv: Option<String>,
    /// What the comparison group received, in Swedish (default: `comparison`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_sv: Option<String>,
    /// What one unit is.
    #[serde(default)]
    pub units: UnitKind,
}

/// What a unit of analysis is (used in sentences).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Families / familjer.
    Families,
    /// Children / barn.
    Children,
    /// Youths / ungdomar.
    Youths,
    /// Persons / personer.
    Persons,
    /// Cases / ärenden.
    Cases,
    /// Municipalities / kommuner.
    Municipalities,
    /// Units / enheter (default).
    #[default]
    Units,
}

impl StudyMeta {
    /// The question in `lang`.
    pub fn question(&self, lang: Language) -> Option<String> {
        match lang {
            Language::Sv => self.question_sv.clone().or(self.question.clone()),
            Language::En => self.question.clone(),
        }
    }
    /// The intervention's name in `lang`.
    pub fn intervention(&self, lang: Language) -> Option<String> {
        match lang {
            Language::Sv => self.intervention_sv.clone().or(self.intervention.clone()),
            Language::En => self.intervention.clone(),
        }
    }
    /// What the comparison group received, in `lang`.
    pub fn comparison(&self, lang: Language) -> Option<String> {
        match lang {
            Language::Sv => self.comparison_sv.clone().or(self.comparison.clone()),
            Language::En => self.comparison.clone(),
        }
    }
}

impl UnitKind {
    /// The plural word in `lang`.
    pub fn word(self, lang: Language) -> &'static str {
        let t = match self {
            UnitKind::Families => Text {
                en: "families",
                sv: "familjer",
            },
            UnitKind::Children => Text {
                en: "children",
                sv: "barn",
            },
            UnitKind::Youths => Text {
                en: "youths",
                sv: "ungdomar",
            },
            UnitKind::Persons => Text {
                en: "persons",
                sv: "personer",
            },
            UnitKind::Cases => Text {
                en: "cases",
                sv: "ärenden",
            },
            UnitKind::Municipalities => Text {
                en: "municipalities",
                sv: "kommuner",
            },
            UnitKind::Units => Text {
                en: "units",
                sv: "enheter",
            },
        };
        t.get(lang)
    }
}

/// `[data]`: the file and the column roles every design uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Data file (CSV or spreadsheet), relative to the study file.
    pub path: String,
    /// Field delimiter of a CSV file (auto-detected when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Decimal separator: `point` or `comma` (auto-detected when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal: Option<Decimal>,
    /// Worksheet of a spreadsheet (first when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Cell budget of a spreadsheet (effekt-data `ReadOptions::max_cells`): the most cells a
    /// sheet's used range may span, 1 to 2 000 000 000 (default 20 000 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cells: Option<u64>,
    /// Missing values in the analysed columns: `error` (default: stop and say where) or `drop`
    /// (complete-case analysis, reported).
    #[serde(default)]
    pub missing: MissingPolicy,
    /// Treatment column: 1 = received the intervention, 0 = comparison.
    pub treatment: String,
    /// Unit id (family, youth) for data with several rows per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Time / measurement wave (numeric) for data with several waves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Cluster (e.g. municipality) for cluster-robust inference and cluster resampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// `[[outcomes]]`: one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeConfig {
    /// Column in the data file.
    pub column: String,
    /// One of the common measures; fills type, scale and wording in both languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    /// Label (overrides the template's; used in both languages unless `label_sv` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Swedish label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_sv: Option<String>,
    /// Outcome type; required without a template.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub outcome_type: Option<OutcomeType>,
    /// Unit of a continuous outcome, for sentences ("points", "days"); used in both languages
    /// unless `unit_sv` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Swedish unit word ("poäng", "dagar").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_sv: Option<String>,
    /// The outcome's role in the evaluation (`primary`, `secondary`, `exploratory`). Default:
    /// when no outcome has a role, every outcome is primary (one family, Holm); when some have
    /// one, the others are secondary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Outcome domain (e.g. "family functioning"), shown with the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The smallest effect that matters in practice, in the units the report shows the effect
    /// in (percentage points for 0/1 outcomes, scale points for ratings, the outcome's units
    /// otherwise); > 0. Default: 5 percentage points for 0/1 outcomes, 0.2 pooled standard
    /// deviations (Cohen's small effect) otherwise. Used by the certainty rating's precision
    /// rule and the conclusion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimal_important_difference: Option<f64>,
}

/// The role of an outcome: which outcomes a conclusion rests on (Schochet 2008: confirmatory
/// vs exploratory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Confirmatory: the question the evaluation answers (Holm across the primary outcomes).
    Primary,
    /// Supporting (Benjamini–Hochberg across the secondary and exploratory outcomes).
    Secondary,
    /// Hypothesis-generating.
    Exploratory,
}

/// `[subgroups]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupsConfig {
    /// Sex column: the report always shows effects by sex with a test of the difference
    /// (gender analysis, *jämställdhetsanalys*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Other subgroup columns (categorical, at most 12 levels each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
}

/// `[inference]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InferenceConfig {
    /// Bootstrap replicates B (default 1999).
    pub bootstrap: usize,
    /// Seed of every random stream (default 1).
    pub seed: u64,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Bootstrap interval method (default `bca`; falls back to percentile with a warning where
    /// BCa is not defined).
    pub interval: IntervalMethod,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        Self {
            bootstrap: 1999,
            seed: 1,
            level: 0.95,
            interval: IntervalMethod::Bca,
        }
    }
}

/// `[power]`: power curve for a future study of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerConfig {
    /// Outcome (column) whose comparison-group level / SD anchors the calculation.
    pub outcome: String,
    /// Target effect in the outcome's units (0.10 = 10 percentage points).
    pub effect: f64,
    /// Significance level (default 0.05).
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    /// Power wanted (default 0.8).
    #[serde(default = "default_power")]
    pub power: f64,
    /// Largest n per arm on the curve (default: 3 × the n that gives the wanted power).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_n: Option<u32>,
}

fn default_alpha() -> f64 {
    0.05
}
fn default_power() -> f64 {
    0.8
}

/// `[report]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Title (default: "Evaluation report" / "Utvärderingsrapport").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Title of the Swedish report (default: `title`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_sv: Option<String>,
    /// Language (`en` or `sv`; `--lang` overrides).
    pub language: Language,
    /// Which files to write (default all three).
    pub formats: Vec<Format>,
    /// Counts and statistics based on fewer individuals than this are suppressed (default 5,
    /// never below 3).
    pub privacy_threshold: u32,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            title: None,
            title_sv: None,
            language: Language::En,
            formats: vec![Format::Html, Format::Markdown, Format::Json],
            privacy_threshold: DEFAULT_PRIVACY_THRESHOLD,
        }
    }
}

/// Fewest bootstrap replicates accepted (intervals need far more; this only keeps the
/// resampling well defined for quick trial runs).
pub const MIN_BOOTSTRAP: usize = 10;

/// Default privacy threshold.
pub const DEFAULT_PRIVACY_THRESHOLD: u32 = 5;
/// Lowest privacy threshold accepted.
pub const MIN_PRIVACY_THRESHOLD: u32 = 3;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `report.html`: self-contained.
    Html,
    /// `report.md`.
    #[serde(alias = "md")]
    Markdown,
    /// `report.json`: the document model.
    Json,
}

impl Format {
    /// File name written for this format.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Html => "report.html",
            Format::Markdown => "report.md",
            Format::Json => "report.json",
        }
    }
}

/// An outcome with its template applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedOutcome {
    /// Column.
    pub column: String,
    /// Template, if any.
    pub template: Option<Template>,
    /// Type.
    pub outcome_type: OutcomeType,
    /// English label.
    pub label_en: String,
    /// Swedish label.
    pub label_sv: String,
    /// Unit word for continuous outcomes (English).
    pub unit: Option<String>,
    /// Swedish unit word.
    pub unit_sv: Option<String>,
    /// Rating range, when known.
    pub scale_range: Option<(f64, f64)>,
}

impl ResolvedOutcome {
    /// Label in `lang`.
    pub fn label(&self, lang: Language) -> &str {
        match lang {
            Language::En => &self.label_en,
            Language::Sv => &self.label_sv,
        }
    }
}

/// A parsed and validated study file, which remembers its text so later errors (a column
/// missing from the data) can name the line.
#[derive(Debug, Clone)]
pub struct Study {
    /// The configuration.
    pub config: StudyConfig,
    /// File name as given (for messages).
    pub file: String,
    text: String,
}

impl Study {
    /// Parse and validate a study file.
    ///
    /// # Errors
    /// [`ReportError::Study`] naming the file, line, column and key: TOML syntax, unknown key,
    /// an option not valid for the chosen design, a wrong type or value, no outcomes, an outcome
    /// without a type, an outcome listed twice, a privacy threshold below 3, a level outside
    /// (0, 1), zero bootstrap replicates, a `[power]` outcome that is not an outcome, and every
    /// contract error of effekt-contract (e.g. shares not summing to 1).
    pub fn parse(text: &str, file: &str) -> Result<Study, ReportError> {
        if let Err(e) = toml::de::DeTable::parse(text) {
            return Err(from_toml_error(text, file, &e));
        }
        check_design_keys(text, file)?;
        let config: StudyConfig =
            toml::from_str(text).map_err(|e| from_toml_error(text, file, &e))?;
        let study = Study {
            config,
            file: file.to_string(),
            text: text.to_string(),
        };
        study.validate()?;
        Ok(study)
    }

    /// The original text of the study file.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Location of a key path in the study file.
    pub fn locate(&self, key: &str) -> StudyLocation {
        let (line, column) = match locate::span_of(&self.text, key) {
            Some(s) => {
                let (l, c) = locate::line_col(&self.text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        StudyLocation {
            file: self.file.clone(),
            line,
            column,
            key: Some(key.to_string()),
        }
    }

    fn error(&self, key: &str, message: impl Into<String>) -> ReportError {
        ReportError::Study {
            at: self.locate(key),
            message: message.into(),
        }
    }

    fn validate(&self) -> Result<(), ReportError> {
        let c = &self.config;
        if let Some(n) = c.data.max_cells
            && !(1..=effekt_data::MAX_CELLS_LIMIT).contains(&n)
        {
            return Err(self.error(
                "data.max_cells",
                format!(
                    "max_cells = {n} is out of range; give a whole number from 1 to {} (the default is {})",
                    effekt_data::MAX_CELLS_LIMIT,
                    effekt_data::MAX_SHEET_CELLS
                ),
            ));
        }
        if c.outcomes.is_empty() {
            return Err(self.error(
                "outcomes",
                "no outcomes: add at least one [[outcomes]] table with the outcome's `column`",
            ));
        }
        for (i, o) in c.outcomes.iter().enumerate() {
            if o.template.is_none() && o.outcome_type.is_none() {
                return Err(self.error(
                    &format!("outcomes[{i}].column"),
                    format!(
                        "outcome `{}` has neither `type` (binary, continuous or ordinal) nor `template`; add one",
                        o.column
                    ),
                ));
            }
            if let (Some(t), Some(ty)) = (o.template, o.outcome_type)
                && t.spec().outcome_type != ty
            {
                return Err(self.error(
                    &format!("outcomes[{i}].type"),
                    format!(
                        "outcome `{}`: the template is a {:?} measure but `type` says {:?}; remove `type` or the template",
                        o.column,
                        t.spec().outcome_type,
                        ty
                    ),
                ));
            }
            if let Some(m) = o.minimal_important_difference
                && !(m.is_finite() && m > 0.0)
            {
                return Err(self.error(
                    &format!("outcomes[{i}].minimal_important_difference"),
                    format!(
                        "outcome `{}`: minimal_important_difference = {m} must be a number above 0 (in the units the report shows the effect in, e.g. 5 for 5 percentage points)",
                        o.column
                    ),
                ));
            }
            if let Some(j) = c.outcomes[..i].iter().position(|p| p.column == o.column) {
                return Err(self.error(
                    &format!("outcomes[{i}].column"),
                    format!(
                        "outcome `{}` is listed twice (also outcomes[{j}]); list each outcome once",
                        o.column
                    ),
                ));
            }
        }
        let r = &c.report;
        if r.privacy_threshold < MIN_PRIVACY_THRESHOLD {
            return Err(self.error(
                "report.privacy_threshold",
                format!(
                    "privacy_threshold = {} is below the minimum of {MIN_PRIVACY_THRESHOLD}: counts and statistics from fewer than {MIN_PRIVACY_THRESHOLD} individuals can identify them; use {MIN_PRIVACY_THRESHOLD} or more (default {DEFAULT_PRIVACY_THRESHOLD})",
                    r.privacy_threshold
                ),
            ));
        }
        if r.formats.is_empty() {
            return Err(self.error(
                "report.formats",
                "formats is empty: list at least one of \"html\", \"markdown\", \"json\"",
            ));
        }
        let inf = &c.inference;
        if !effekt_models::dist::level_in_range(inf.level) {
            return Err(self.error(
                "inference.level",
                format!(
                    "level = {} must be between 1e-12 and 1 - 1e-12 (e.g. 0.95); beyond that the t and normal quantiles are not reliable",
                    effekt_models::dist::compact(inf.level)
                ),
            ));
        }
        const MAX_BOOTSTRAP: usize = effekt_resample::bootstrap::MAX_RESAMPLES;
        if !(MIN_BOOTSTRAP..=MAX_BOOTSTRAP).contains(&inf.bootstrap) {
            return Err(self.error(
                "inference.bootstrap",
                format!(
                    "bootstrap = {} replicates: use between {MIN_BOOTSTRAP} and 10,000,000 (1999 or more for confidence intervals)",
                    inf.bootstrap
                ),
            ));
        }
        self.validate_design_counts()?;
        if let Some(p) = &c.power {
            if !c.outcomes.iter().any(|o| o.column == p.outcome) {
                return Err(self.error(
                    "power.outcome",
                    format!(
                        "`{}` is not one of the study's outcomes ({}); name an outcome column",
                        p.outcome,
                        self.outcome_names().join(", ")
                    ),
                ));
            }
            if !(p.effect.is_finite() && p.effect != 0.0) {
                return Err(self.error(
                    "power.effect",
                    "effect must be a non-zero number in the outcome's units (0.10 = 10 percentage points)",
                ));
            }
            if !effekt_models::dist::level_in_range(p.alpha) {
                return Err(self.error(
                    "power.alpha",
                    format!(
                        "alpha = {} must be between 1e-12 and 1 - 1e-12 (e.g. 0.05); beyond that the critical values are not reliable",
                        effekt_models::dist::compact(p.alpha)
                    ),
                ));
            }
            if !(p.power > 0.0 && p.power < 1.0) {
                return Err(self.error(
                    "power.power",
                    format!(
                        "{} must be strictly between 0 and 1",
                        effekt_models::dist::compact(p.power)
                    ),
                ));
            }
        }
        if let Some(contract) = &c.contract {
            let names = self.outcome_names();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            if let Err(e) = contract.validate(&refs) {
                let key = e.key().unwrap_or("contract").to_string();
                return Err(self.error(&key, e.to_string()));
            }
        }
        Ok(())
    }

    /// The design's replicate counts within their maxima: `design.randomization_inference` at
    /// most `effekt_resample::permutation::MAX_PERMUTATIONS` (10,000,000),
    /// `design.wild_bootstrap` at most `effekt_did::wild::MAX_WILD_RESAMPLES` (1,000,000).
    fn validate_design_counts(&self) -> Result<(), ReportError> {
        use effekt_did::wild::MAX_WILD_RESAMPLES;
        use effekt_resample::permutation::MAX_PERMUTATIONS;
        match &self.config.design {
            DesignConfig::Rct(d) => match d.randomization_inference {
                Some(n) if n > MAX_PERMUTATIONS => Err(self.error(
                    "design.randomization_inference",
                    format!(
                        "randomization_inference = {n} random assignments: at most 10,000,000 are allowed (10,000 are plenty for a p-value); use fewer, or 0 for none"
                    ),
                )),
                _ => Ok(()),
            },
            DesignConfig::Did(d)
                if !d.sampling.is_panel() && d.method != DidMethod::CallawaySantanna =>
            {
                Err(self.error(
                    "design.sampling",
                    format!(
                        "sampling = \"unbalanced_panel\" applies only to method = \"callaway_santanna\" (the other methods use every row as it is); remove `sampling`, or use method = \"callaway_santanna\" (method is {:?} here)",
                        d.method
                    ),
                ))
            }
            DesignConfig::Did(d) => match d.wild_bootstrap {
                Some(n) if n > MAX_WILD_RESAMPLES => Err(self.error(
                    "design.wild_bootstrap",
                    format!(
                        "wild_bootstrap = {n} replicates: at most 1,000,000 are allowed (9,999 are plenty); use fewer"
                    ),
                )),
                _ => Ok(()),
            },
            DesignConfig::Matching(_) => Ok(()),
        }
    }

    /// Outcome column names in file order.
    pub fn outcome_names(&self) -> Vec<String> {
        self.config
            .outcomes
            .iter()
            .map(|o| o.column.clone())
            .collect()
    }

    /// Outcomes with their templates applied.
    pub fn resolved_outcomes(&self) -> Vec<ResolvedOutcome> {
        self.config
            .outcomes
            .iter()
            .map(|o| {
                let spec = o.template.map(Template::spec);
                let outcome_type = o
                    .outcome_type
                    .or(spec.map(|s| s.outcome_type))
                    .unwrap_or(OutcomeType::Continuous);
                let label_en = o
                    .label
                    .clone()
                    .or(spec.map(|s| s.label.en.to_string()))
                    .unwrap_or_else(|| o.column.clone());
                let label_sv = o
                    .label_sv
                    .clone()
                    .or(o.label.clone())
                    .or(spec.map(|s| s.label.sv.to_string()))
                    .unwrap_or_else(|| o.column.clone());
                ResolvedOutcome {
                    column: o.column.clone(),
                    template: o.template,
                    outcome_type,
                    label_en,
                    label_sv,
                    unit: o.unit.clone(),
                    unit_sv: o.unit_sv.clone().or(o.unit.clone()),
                    scale_range: spec.and_then(|s| s.scale_range),
                }
            })
            .collect()
    }

    /// Every column the study names, with the key that names it.
    pub fn named_columns(&self) -> Vec<(String, String)> {
        let c = &self.config;
        let mut out = vec![("data.treatment".to_string(), c.data.treatment.clone())];
        for (k, v) in [
            ("data.unit", &c.data.unit),
            ("data.time", &c.data.time),
            ("data.cluster", &c.data.cluster),
        ] {
            if let Some(v) = v {
                out.push((k.to_string(), v.clone()));
            }
        }
        match &c.design {
            DesignConfig::Rct(d) => {
                if let Some(b) = &d.blocks {
                    out.push(("design.blocks".into(), b.clone()));
                }
                for (i, v) in d.covariates.iter().enumerate() {
                    out.push((format!("design.covariates[{i}]"), v.clone()));
                }
            }
            DesignConfig::Matching(d) => {
                for (i, v) in d.covariates.iter().enumerate() {
                    out.push((format!("design.covariates[{i}]"), v.clone()));
                }
                for (i, v) in d.exact.iter().enumerate() {
                    out.push((format!("design.exact[{i}]"), v.clone()));
                }
            }
            DesignConfig::Did(d) => {
                if let Some(f) = &d.first_treated {
                    out.push(("design.first_treated".into(), f.clone()));
                }
                for (i, v) in d.covariates.iter().enumerate() {
                    out.push((format!("design.covariates[{i}]"), v.clone()));
                }
            }
        }
        for (i, o) in c.outcomes.iter().enumerate() {
            out.push((format!("outcomes[{i}].column"), o.column.clone()));
        }
        if let Some(s) = &c.subgroups.sex {
            out.push(("subgroups.sex".into(), s.clone()));
        }
        for (i, v) in c.subgroups.columns.iter().enumerate() {
            out.push((format!("subgroups.columns[{i}]"), v.clone()));
        }
        out
    }

    /// Check that every column the study names exists in `table`.
    ///
    /// # Errors
    /// [`ReportError::MissingColumn`] for the first missing one, naming the key, its line, the
    /// data file, the closest existing name and all available columns.
    pub fn check_columns(&self, table: &Table, data_file: &str) -> Result<(), ReportError> {
        for (key, column) in self.named_columns() {
            if let Err(effekt_data::DataError::UnknownColumn {
                suggestion,
                available,
                delimiter_hint,
                ..
            }) = table.column(&column)
            {
                return Err(ReportError::MissingColumn(Box::new(MissingColumn {
                    at: self.locate(&key),
                    column,
                    data_file: data_file.to_string(),
                    suggestion,
                    available,
                    delimiter_hint,
                })));
            }
        }
        Ok(())
    }
}

/// Reject `[design]` keys that belong to another design kind (or to none), naming the line.
fn check_design_keys(text: &str, file: &str) -> Result<(), ReportError> {
    let Some(kind) = locate::string_at(text, "design.kind") else {
        return Ok(()); // serde reports the missing or mistyped kind
    };
    let Some((_, allowed)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        let at = key_location(text, file, "design.kind");
        return Err(ReportError::Study {
            at,
            message: format!(
                "unknown design kind {kind:?}; use one of \"rct\", \"matching\", \"did\""
            ),
        });
    };
    for (key, span) in locate::keys_of(text, "design") {
        if key == "kind" || allowed.contains(&key.as_str()) {
            continue;
        }
        let (line, column) = locate::line_col(text, span.start);
        let at = StudyLocation {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            key: Some(format!("design.{key}")),
        };
        let owners: Vec<&str> = KINDS
            .iter()
            .filter(|(_, keys)| keys.contains(&key.as_str()))
            .map(|(k, _)| *k)
            .collect();
        let message = if owners.is_empty() {
            format!(
                "unknown design option `{key}`; options for kind = \"{kind}\": {}",
                allowed.join(", ")
            )
        } else {
            format!(
                "design option `{key}` is not valid for kind = \"{kind}\" (it belongs to kind = \"{}\"); options for kind = \"{kind}\": {}",
                owners.join("\" / \""),
                allowed.join(", ")
            )
        };
        return Err(ReportError::Study { at, message });
    }
    Ok(())
}

fn key_location(text: &str, file: &str, key: &str) -> StudyLocation {
    let (line, column) = match locate::span_of(text, key) {
        Some(s) => {
            let (l, c) = locate::line_col(text, s.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    StudyLocation {
        file: file.to_string(),
        line,
        column,
        key: Some(key.to_string()),
    }
}

/// Turn a `toml` error into a located study error. Errors from inside internally tagged tables
/// (the design, contract components) carry the span of the enclosing table; for unknown keys the
/// key itself is looked up so the line is the offending one.
fn from_toml_error(text: &str, file: &str, e: &toml::de::Error) -> ReportError {
    let message = e.message().trim().to_string();
    let mut at = StudyLocation {
        file: file.to_string(),
        ..StudyLocation::default()
    };
    let mut start = e.span().map(|s| s.start);
    let mut shown = message.clone();
    if let Some(name) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let found = locate::find_key(text, name);
        let after = start.unwrap_or(0);
        let pick = found
            .iter()
            .find(|(_, s)| s.start >= after)
            .or(found.first());
        if let Some((path, span)) = pick {
            start = Some(span.start);
            at.key = Some(path.clone());
        }
        shown = format!(
            "unknown key `{name}`{}; check the spelling (keys are case-sensitive)",
            message
                .split_once(", expected")
                .map(|(_, rest)| format!(" (expected{rest})"))
                .unwrap_or_default()
        );
    } else if let Some(name) = message
        .strip_prefix("unknown variant `")
        .and_then(|r| r.split('`').next())
    {
        // Point at the value when it is unique in the file.
        let needle = format!("\"{name}\"");
        if let Some(pos) = text.find(&needle)
            && text[pos + 1..].find(&needle).is_none()
        {
            start = Some(pos);
        }
    }
    if let Some(s) = start {
        let (l, c) = locate::line_col(text, s);
        at.line = Some(l);
        at.column = Some(c);
    }
    ReportError::Study { at, message: shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(design: &str) -> String {
        format!(
            "[data]\npath = \"d.csv\"\ntreatment = \"t\"\n\n[design]\n{design}\n\n[[outcomes]]\ncolumn = \"y\"\ntype = \"binary\"\n"
        )
    }

    #[test]
    fn design_key_lists_match_the_structs() {
        let rct = "kind = \"rct\"\nestimator = \"lin\"\nblocks = \"b\"\ncovariates = [\"a\"]\nperiod = 2\nrandomization_inference = 100\ncluster_assignment = \"individual\"";
        let matching = "kind = \"matching\"\ncovariates = [\"a\"]\nmethod = \"cem\"\ndistance = \"ps\"\nratio = 2\nreplace = true\ncaliper = 0.2\nexact = [\"s\"]\nestimand = \"ate\"\norder = \"data\"\nperiod = 1";
        let did = "kind = \"did\"\nmethod = \"callaway_santanna\"\nfirst_treated = \"g\"\ncontrol = \"not_yet_treated\"\nestimator = \"ipw\"\nanticipation = 1\ncovariates = [\"a\"]\naggregate = \"dynamic\"\nreference_period = -1\nwild_bootstrap = 999\nwild_weights = \"webb\"\nsampling = \"unbalanced_panel\"";
        for (d, keys) in [(rct, RCT_KEYS), (matching, MATCHING_KEYS), (did, DID_KEYS)] {
            let s = Study::parse(&minimal(d), "s.toml").unwrap();
            assert_eq!(d.lines().count() - 1, keys.len());
            let back = toml::to_string(&s.config).unwrap();
            let again: StudyConfig = toml::from_str(&back).unwrap();
            assert_eq!(again, s.config);
        }
    }

    #[test]
    fn sampling_is_refused_for_methods_that_do_not_use_it() {
        let d = "kind = \"did\"\nmethod = \"twfe\"\nsampling = \"unbalanced_panel\"";
        let e = Study::parse(&minimal(d), "s.toml").unwrap_err().to_string();
        assert!(
            e.contains("design.sampling") || e.contains("`sampling`"),
            "{e}"
        );
        assert!(e.contains("callaway_santanna") && e.contains("line"), "{e}");
        let ok = "kind = \"did\"\nmethod = \"callaway_santanna\"\nsampling = \"unbalanced_panel\"";
        assert!(Study::parse(&minimal(ok), "s.toml").is_ok());
    }

    #[test]
    fn max_cells_is_read_and_range_checked() {
        let with = |n: &str| {
            minimal("kind = \"rct\"").replace("treatment", &format!("max_cells = {n}\ntreatment"))
        };
        let s = Study::parse(&with("50000000"), "s.toml").unwrap();
        assert_eq!(s.config.data.max_cells, Some(50_000_000));
        let e = Study::parse(&with("0"), "s.toml").unwrap_err();
        assert!(e.to_string().contains("from 1 to 2000000000"), "{e}");
        assert_eq!(e.location().unwrap().key.as_deref(), Some("data.max_cells"));
    }

    #[test]
    fn option_of_another_design_names_key_and_line() {
        let e = Study::parse(&minimal("kind = \"rct\"\ncaliper = 0.2"), "s.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 7"), "{msg}");
        assert!(
            msg.contains("`caliper`") && msg.contains("matching"),
            "{msg}"
        );
        assert_eq!(e.location().unwrap().key.as_deref(), Some("design.caliper"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = minimal("kind = \"rct\"")
            .replace("type = \"binary\"", "type = \"binary\"\nlabl = \"x\"");
        let e = Study::parse(&text, "s.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 11") && msg.contains("`labl`"), "{msg}");
    }

    #[test]
    fn privacy_threshold_below_three_is_rejected() {
        let text = minimal("kind = \"rct\"") + "\n[report]\nprivacy_threshold = 2\n";
        let e = Study::parse(&text, "s.toml").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("line 13") && msg.contains("privacy_threshold"),
            "{msg}"
        );
    }

    #[test]
    fn templates_fill_type_and_labels() {
        let text = "[data]\npath = \"d.csv\"\ntreatment = \"t\"\n[design]\nkind = \"rct\"\n[[outcomes]]\ncolumn = \"closed\"\ntemplate = \"closed_lower_level\"\n";
        let s = Study::parse(text, "s.toml").unwrap();
        let o = &s.resolved_outcomes()[0];
        assert_eq!(o.outcome_type, OutcomeType::Binary);
        assert!(o.label_sv.contains("lägre insatsnivå"));
    }
}
