//! Templates for the outcome measures used in Swedish social-services practice.
//!
//! Four measures recur in evaluations of IHF (intensive home-based family treatment) and TFCO
//! (Treatment Foster Care Oregon): the share of closed cases that led to a lower level of
//! intervention; the share reaching the goals of their plan fully or partly; the parents' and
//! the child's rating of the intervention; and the share of youths moving to a lower-intensity
//! intervention after a TFCO placement. A template fills the outcome's type, its scale and its
//! wording in both languages, so a study file only names the column.

use crate::i18n::{Language, Text};
use serde::{Deserialize, Serialize};

/// Type of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    /// 0/1 (a share): effects in percentage points.
    Binary,
    /// A measurement: effects in the outcome's units.
    Continuous,
    /// An ordered rating (e.g. 1–5) analysed as a score: effects in scale points.
    Ordinal,
}

/// A template for one of the common measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Share of closed cases that led to a lower level of intervention (0/1 per case).
    ClosedLowerLevel,
    /// Share reaching the goals of the plan fully or partly (0/1).
    PlanGoalsMet,
    /// Parents' rating of the intervention, 1–5.
    ParentRating,
    /// The child's rating of the intervention, 1–5.
    ChildRating,
    /// Share of youths moving to a lower-intensity intervention after TFCO (0/1).
    TfcoStepDown,
}

/// What a template fills in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemplateSpec {
    /// Outcome type.
    pub outcome_type: OutcomeType,
    /// Range of a rating scale, when the outcome is one.
    pub scale_range: Option<(f64, f64)>,
    /// Label (table headings).
    pub label: Text,
    /// Subject of the headline sentence ("the share of cases closed to a lower level of
    /// intervention").
    pub subject: Text,
    /// For shares: what "more" counts, in English ("cases were closed to a lower level of
    /// intervention", giving "12 percentage points more cases were closed …"); `{units}` stands
    /// for the study's unit word ("families").
    pub count_phrase_en: Option<&'static str>,
}

const fn tx(en: &'static str, sv: &'static str) -> Text {
    Text { en, sv }
}

impl Template {
    /// The template's name in a study file (`template = "parent_rating"`).
    pub fn key(self) -> &'static str {
        match self {
            Template::ClosedLowerLevel => "closed_lower_level",
            Template::PlanGoalsMet => "plan_goals_met",
            Template::ParentRating => "parent_rating",
            Template::ChildRating => "child_rating",
            Template::TfcoStepDown => "tfco_step_down",
        }
    }

    /// The template's content.
    pub fn spec(self) -> TemplateSpec {
        match self {
            Template::ClosedLowerLevel => TemplateSpec {
                outcome_type: OutcomeType::Binary,
                scale_range: None,
                label: tx(
                    "Share of closed cases that led to a lower level of intervention",
                    "Andel avslutade ärenden som ledde till en lägre insatsnivå",
                ),
                subject: tx(
                    "the share of cases closed to a lower level of intervention",
                    "andelen ärenden som avslutades till en lägre insatsnivå",
                ),
                count_phrase_en: Some("cases were closed to a lower level of intervention"),
            },
            Template::PlanGoalsMet => TemplateSpec {
                outcome_type: OutcomeType::Binary,
                scale_range: None,
                label: tx(
                    "Share reaching the goals of their plan fully or partly",
                    "Andel som helt eller delvis nått målen i sin plan",
                ),
                subject: tx(
                    "the share reaching the goals of their plan fully or partly",
                    "andelen som helt eller delvis nådde målen i sin plan",
                ),
                count_phrase_en: Some("{units} reached the goals of their plan fully or partly"),
            },
            Template::ParentRating => TemplateSpec {
                outcome_type: OutcomeType::Ordinal,
                scale_range: Some((1.0, 5.0)),
                label: tx(
                    "Parents' rating of the intervention (1–5)",
                    "Föräldrarnas skattning av insatsen (1–5)",
                ),
                subject: tx(
                    "the parents' rating of the intervention",
                    "föräldrarnas skattning av insatsen",
                ),
                count_phrase_en: None,
            },
            Template::ChildRating => TemplateSpec {
                outcome_type: OutcomeType::Ordinal,
                scale_range: Some((1.0, 5.0)),
                label: tx(
                    "Child's rating of the intervention (1–5)",
                    "Barnets skattning av insatsen (1–5)",
                ),
                subject: tx(
                    "the child's rating of the intervention",
                    "barnets skattning av insatsen",
                ),
                count_phrase_en: None,
            },
            Template::TfcoStepDown => TemplateSpec {
                outcome_type: OutcomeType::Binary,
                scale_range: None,
                label: tx(
                    "Share moving to a lower-intensity intervention after TFCO",
                    "Andel som gått vidare till en mindre ingripande insats efter TFCO",
                ),
                subject: tx(
                    "the share of youths moving to a lower-intensity intervention",
                    "andelen ungdomar som gick vidare till en mindre ingripande insats",
                ),
                count_phrase_en: Some("youths moved to a lower-intensity intervention"),
            },
        }
    }

    /// Label in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        self.spec().label.get(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Template::key` is the name serde reads, for every template.
    #[test]
    fn key_is_the_study_file_name() {
        for t in [
            Template::ClosedLowerLevel,
            Template::PlanGoalsMet,
            Template::ParentRating,
            Template::ChildRating,
            Template::TfcoStepDown,
        ] {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.key()));
        }
    }
}
