//! How far to trust each estimate: the certainty rating, the conclusion sentence and the
//! multiplicity adjustment (issue 13).
//!
//! # Certainty rules (GRADE's levels, as SBU uses them: *tillförlitlighet*)
//!
//! 1. **Start** by design: randomised → high; matching, weighting, difference in differences →
//!    low (observational: unmeasured confounding cannot be ruled out by the data; Guyatt et al.
//!    2011, GRADE 3).
//! 2. **Risk of bias**: one level down for every failed design check (balance not achieved,
//!    parallel pre-trends rejected).
//! 3. **Inconsistency**: one level down when an alternative estimator gives the opposite sign.
//! 4. **Imprecision**: when the interval includes zero, one level down for each direction in
//!    which it also includes an important effect (|effect| ≥ the minimal important
//!    difference, MID): one level when it reaches an important effect on one side, two on
//!    both (Guyatt et al. 2011, GRADE 6). MID: the study file's
//!    `minimal_important_difference`, else 5 percentage points (0/1 outcomes) or 0.2 pooled
//!    SDs (Cohen's small effect).
//! 5. Never below very low.
//!
//! The conclusion follows GRADE's narrative statements (Santesso et al. 2020): high "X
//! increased Y", moderate "probably", low "may have", very low "it is very uncertain whether";
//! an interval within ±MID "made little or no difference"; an interval reaching important
//! effects "this study cannot tell whether".

use super::{fmt_effect, intervention_name};
use crate::i18n::{Language, capitalise};
use crate::model::{
    Certainty, CertaintyDoc, Downgrade, Family, MultiplicityDoc, OutcomeSection, ScaleKind,
};
use crate::study::{DesignConfig, Role, Study};
use effekt_notes::checks::{Check, Disagreement, Verdict};

/// The role of an outcome: its own, or primary when no outcome has one, else secondary.
pub(super) fn role(study: &Study, column: &str) -> Role {
    let outcomes = &study.config.outcomes;
    let own = outcomes
        .iter()
        .find(|o| o.column == column)
        .and_then(|o| o.role);
    match own {
        Some(r) => r,
        None if outcomes.iter().all(|o| o.role.is_none()) => Role::Primary,
        None => Role::Secondary,
    }
}

fn lower(c: Certainty, levels: u8) -> Certainty {
    let order = [
        Certainty::VeryLow,
        Certainty::Low,
        Certainty::Moderate,
        Certainty::High,
    ];
    let i = order.iter().position(|x| *x == c).unwrap_or(0);
    order[i.saturating_sub(levels as usize)]
}

/// The minimal important difference in effect units and whether the study gave it.
fn mid(section: &OutcomeSection, study: &Study) -> (Option<f64>, bool) {
    let given = study
        .config
        .outcomes
        .iter()
        .find(|o| o.column == section.id)
        .and_then(|o| o.minimal_important_difference);
    if let Some(m) = given {
        return (Some(m / section.scale.display_factor), true);
    }
    let default = match section.scale.kind {
        ScaleKind::PercentagePoints => Some(0.05),
        _ => section
            .effect_size
            .as_ref()
            .and_then(|e| e.hedges_g)
            .map(|g| 0.2 * g.sd),
    };
    (default, false)
}

/// Which important effects the interval reaches while including zero: (below −MID, above MID).
fn reaches(low: f64, high: f64, mid: Option<f64>) -> Option<(bool, bool)> {
    let m = mid?;
    (low < 0.0 && high > 0.0).then_some((low <= -m, high >= m))
}

/// Rate the outcome and write its conclusion (needs the headline, checks and effect size).
pub(super) fn rate(section: &mut OutcomeSection, study: &Study, lang: Language) {
    let Some(h) = &section.headline else {
        return;
    };
    let start = match study.config.design {
        DesignConfig::Rct(_) => Certainty::High,
        DesignConfig::Matching(_) | DesignConfig::Did(_) => Certainty::Low,
    };
    let mut downgrades = Vec::new();
    for c in &section.checks {
        match &c.check {
            Check::Balance { verdict, .. } if *verdict == Verdict::Failed => {
                downgrades.push(Downgrade::RiskOfBias {
                    check: "balance".into(),
                })
            }
            Check::PreTrends { verdict, .. } if *verdict == Verdict::Failed => {
                downgrades.push(Downgrade::RiskOfBias {
                    check: "pre_trends".into(),
                })
            }
            Check::BaselineGap { verdict, .. } if *verdict == Verdict::Failed => {
                downgrades.push(Downgrade::RiskOfBias {
                    check: "baseline_gap".into(),
                })
            }
            Check::Alternatives {
                disagreement: Some(Disagreement::Sign),
                ..
            } => downgrades.push(Downgrade::Inconsistency),
            _ => {}
        }
    }
    let (m, from_study) = mid(section, study);
    let reach = reaches(h.conf_low, h.conf_high, m);
    if let Some((lo, hi)) = reach {
        let levels = u8::from(lo) + u8::from(hi);
        if levels > 0 {
            downgrades.push(Downgrade::Imprecision { levels });
        }
    }
    let total: u8 = downgrades
        .iter()
        .map(|d| match d {
            Downgrade::Imprecision { levels } => *levels,
            _ => 1,
        })
        .sum();
    let grade = lower(start, total);
    let text = certainty_text(grade, start, &downgrades, lang);
    let conclusion = conclusion(section, study, grade, reach, lang);
    section.certainty = Some(CertaintyDoc {
        grade,
        start,
        downgrades,
        minimal_important_difference: m,
        mid_from_study: from_study,
        text,
    });
    section.conclusion = Some(conclusion);
}

/// The grade in words ("high", "måttlig").
pub fn grade_word(g: Certainty, lang: Language) -> &'static str {
    match (g, lang) {
        (Certainty::High, Language::En) => "high",
        (Certainty::Moderate, Language::En) => "moderate",
        (Certainty::Low, Language::En) => "low",
        (Certainty::VeryLow, Language::En) => "very low",
        (Certainty::High, Language::Sv) => "hög",
        (Certainty::Moderate, Language::Sv) => "måttlig",
        (Certainty::Low, Language::Sv) => "låg",
        (Certainty::VeryLow, Language::Sv) => "mycket låg",
    }
}

fn certainty_text(g: Certainty, start: Certainty, d: &[Downgrade], lang: Language) -> String {
    let design = match (start, lang) {
        (Certainty::High, Language::En) => "randomised design: starts at high",
        (_, Language::En) => "non-randomised design: starts at low",
        (Certainty::High, Language::Sv) => "randomiserad studie: utgångsläge hög",
        (_, Language::Sv) => "icke-randomiserad studie: utgångsläge låg",
    };
    let mut parts = vec![design.to_string()];
    for x in d {
        parts.push(match (x, lang) {
            (Downgrade::RiskOfBias { check }, Language::En) => format!(
                "−1 risk of bias ({})",
                match check.as_str() {
                    "balance" => "the groups are not comparable",
                    "baseline_gap" => "the groups differed on the outcome at intake",
                    _ => "parallel trends rejected",
                }
            ),
            (Downgrade::RiskOfBias { check }, Language::Sv) => format!(
                "−1 risk för systematiskt fel ({})",
                match check.as_str() {
                    "balance" => "grupperna är inte jämförbara",
                    "baseline_gap" => "grupperna skilde sig åt i utfallet vid inskrivningen",
                    _ => "parallella trender förkastade",
                }
            ),
            (Downgrade::Inconsistency, Language::En) => {
                "−1 inconsistency (the methods disagree in direction)".into()
            }
            (Downgrade::Inconsistency, Language::Sv) => {
                "−1 bristande samstämmighet (metoderna ger olika riktning)".into()
            }
            (Downgrade::Imprecision { levels }, Language::En) => format!(
                "−{levels} imprecision (the interval includes no effect and an important one)"
            ),
            (Downgrade::Imprecision { levels }, Language::Sv) => format!(
                "−{levels} bristande precision (intervallet rymmer både ingen effekt och en betydelsefull)"
            ),
        });
    }
    let label = match lang {
        Language::En => "Certainty",
        Language::Sv => "Tillförlitlighet",
    };
    format!("{label}: {} ({}).", grade_word(g, lang), parts.join("; "))
}

/// The outcome as the object of a sentence: the template's noun phrase, or the label with a
/// lower-case first letter unless it looks like an acronym.
fn object(section: &OutcomeSection, study: &Study, lang: Language) -> String {
    let unlabelled = study
        .config
        .outcomes
        .iter()
        .any(|o| o.column == section.id && o.label.is_none());
    if let (Some(t), true) = (section.template, unlabelled) {
        return t.spec().subject.get(lang).to_string();
    }
    let l = &section.label;
    let mut c = l.chars();
    let lowered = match (c.next(), c.next()) {
        (Some(a), Some(b)) if b.is_lowercase() => {
            a.to_lowercase().collect::<String>() + &l[a.len_utf8()..]
        }
        _ => return l.clone(), // an acronym or a name: as written
    };
    // An English noun phrase takes the article ("increased the share who …").
    if lang == Language::En && lowered.split(' ').next() != Some("the") {
        format!("the {lowered}")
    } else {
        lowered
    }
}

fn conclusion(
    section: &OutcomeSection,
    study: &Study,
    grade: Certainty,
    reach: Option<(bool, bool)>,
    lang: Language,
) -> String {
    let Some(h) = &section.headline else {
        return String::new();
    };
    let i = intervention_name(study, lang);
    let s = object(section, study, lang);
    let scale = &section.scale;
    let amount = |x: f64| {
        let d = if scale.kind == ScaleKind::PercentagePoints {
            0
        } else {
            2
        };
        format!(
            "{} {}",
            fmt_effect(x.abs(), scale, d, lang).replace('−', ""),
            scale.effect_unit
        )
    };
    let up = h.estimate >= 0.0;
    let mut out = match (reach, lang) {
        // The interval excludes zero.
        (None, _) if h.conf_low > 0.0 || h.conf_high < 0.0 => direction(&i, &s, up, grade, lang),
        (Some((true, true)), Language::En) | (None, Language::En) => format!(
            "The data are compatible with both a decrease of {} and an increase of {}: this study cannot tell whether {i} changed {s}.",
            amount(h.conf_low),
            amount(h.conf_high)
        ),
        (Some((true, true)), Language::Sv) | (None, Language::Sv) => format!(
            "Data är förenliga med både en minskning med {} och en ökning med {}: studien kan inte avgöra om {i} påverkade {s}.",
            amount(h.conf_low),
            amount(h.conf_high)
        ),
        (Some((lo, hi)), Language::En) if lo || hi => format!(
            "The data are compatible both with no effect and with {} of up to {}: this study cannot tell whether {i} {} {s}.",
            if hi { "an increase" } else { "a decrease" },
            amount(if hi { h.conf_high } else { h.conf_low }),
            if hi { "increased" } else { "decreased" }
        ),
        (Some((lo, hi)), Language::Sv) if lo || hi => format!(
            "Data är förenliga både med ingen effekt och med {} med upp till {}: studien kan inte avgöra om {i} {} {s}.",
            if hi { "en ökning" } else { "en minskning" },
            amount(if hi { h.conf_high } else { h.conf_low }),
            if hi { "ökade" } else { "minskade" }
        ),
        (Some(_), _) => little_or_none(&i, &s, grade, lang),
    };
    let role = section.role;
    let note = match (role, lang) {
        (Role::Primary, _) => "",
        (Role::Secondary, Language::En) => {
            " This is a secondary outcome: read it as supporting evidence."
        }
        (Role::Secondary, Language::Sv) => {
            " Detta är ett sekundärt utfallsmått: läs det som stödjande underlag."
        }
        (Role::Exploratory, Language::En) => {
            " This is an exploratory outcome: it raises questions for a future evaluation rather than answering them."
        }
        (Role::Exploratory, Language::Sv) => {
            " Detta är ett utforskande utfallsmått: det väcker frågor för en kommande utvärdering snarare än ger svar."
        }
    };
    out.push_str(note);
    out
}

fn direction(i: &str, s: &str, up: bool, g: Certainty, lang: Language) -> String {
    let cap = capitalise(i);
    match lang {
        Language::En => {
            let v = if up { "increased" } else { "decreased" };
            let base = if up { "increase" } else { "decrease" };
            match g {
                Certainty::High => format!("{cap} {v} {s}."),
                Certainty::Moderate => format!("{cap} probably {v} {s}."),
                Certainty::Low => format!("{cap} may have {v} {s}."),
                Certainty::VeryLow => format!(
                    "It is very uncertain whether {i} {v} {s}; the estimate points to an {base}."
                )
                .replace("an decrease", "a decrease"),
            }
        }
        Language::Sv => {
            let (v, supine) = if up {
                ("ökade", "ökat")
            } else {
                ("minskade", "minskat")
            };
            match g {
                Certainty::High => format!("{cap} {v} {s}."),
                Certainty::Moderate => format!("{cap} {v} sannolikt {s}."),
                Certainty::Low => format!("{cap} kan ha {supine} {s}."),
                Certainty::VeryLow => format!("Det är mycket osäkert om {i} {v} {s}."),
            }
        }
    }
}

fn little_or_none(i: &str, s: &str, g: Certainty, lang: Language) -> String {
    let cap = capitalise(i);
    match (g, lang) {
        (Certainty::High, Language::En) => format!("{cap} made little or no difference to {s}."),
        (Certainty::Moderate, Language::En) => {
            format!("{cap} probably made little or no difference to {s}.")
        }
        (Certainty::Low, Language::En) => {
            format!("{cap} may have made little or no difference to {s}.")
        }
        (Certainty::VeryLow, Language::En) => {
            format!("It is very uncertain whether {i} made any difference to {s}.")
        }
        (Certainty::High, Language::Sv) => {
            format!("{cap} gjorde liten eller ingen skillnad för {s}.")
        }
        (Certainty::Moderate, Language::Sv) => {
            format!("{cap} gjorde sannolikt liten eller ingen skillnad för {s}.")
        }
        (Certainty::Low, Language::Sv) => {
            format!("{cap} kan ha gjort liten eller ingen skillnad för {s}.")
        }
        (Certainty::VeryLow, Language::Sv) => {
            format!("Det är mycket osäkert om {i} gjorde någon skillnad för {s}.")
        }
    }
}

/// Holm across the primary outcomes' headline p-values, Benjamini–Hochberg across the others
/// (effekt-models `multiplicity`, as R `p.adjust`); outcomes without a p-value are left out of
/// their family. The subgroup × outcome grid (every shown level's p-value) is one more
/// Benjamini–Hochberg family.
pub(super) fn adjust(outcomes: &mut [OutcomeSection]) {
    let grid: Vec<f64> = outcomes
        .iter()
        .flat_map(|o| o.subgroups.iter())
        .flat_map(|s| s.levels.iter())
        .filter_map(|l| l.p_value.filter(|p| (0.0..=1.0).contains(p)))
        .collect();
    if let Ok(adjusted) = effekt_models::multiplicity::benjamini_hochberg(&grid) {
        let mut it = adjusted.into_iter();
        for l in outcomes
            .iter_mut()
            .flat_map(|o| o.subgroups.iter_mut())
            .flat_map(|s| s.levels.iter_mut())
        {
            if l.p_value.is_some_and(|p| (0.0..=1.0).contains(&p)) {
                l.p_adjusted = it.next();
            }
        }
    }
    for family in [Family::Primary, Family::Other] {
        let members: Vec<(usize, f64)> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| (o.role == Role::Primary) == (family == Family::Primary))
            .filter_map(|(i, o)| Some((i, o.headline.as_ref()?.p_value?)))
            .filter(|(_, p)| (0.0..=1.0).contains(p))
            .collect();
        let p: Vec<f64> = members.iter().map(|(_, p)| *p).collect();
        let adjusted = match family {
            Family::Primary => effekt_models::multiplicity::holm(&p),
            Family::Other => effekt_models::multiplicity::benjamini_hochberg(&p),
        };
        let Ok(adjusted) = adjusted else { continue };
        for ((i, raw), adj) in members.iter().zip(adjusted) {
            outcomes[*i].multiplicity = Some(MultiplicityDoc {
                family,
                method: match family {
                    Family::Primary => "holm",
                    Family::Other => "bh",
                }
                .into(),
                family_size: p.len(),
                p_value: *raw,
                p_adjusted: adj,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_stops_at_very_low() {
        assert_eq!(lower(Certainty::High, 1), Certainty::Moderate);
        assert_eq!(lower(Certainty::Low, 5), Certainty::VeryLow);
        assert_eq!(lower(Certainty::Moderate, 0), Certainty::Moderate);
    }

    #[test]
    fn an_interval_reaches_important_effects_only_while_including_zero() {
        assert_eq!(reaches(-0.12, 0.27, Some(0.05)), Some((true, true)));
        assert_eq!(reaches(-0.01, 0.27, Some(0.05)), Some((false, true)));
        assert_eq!(reaches(-0.01, 0.02, Some(0.05)), Some((false, false)));
        assert_eq!(reaches(0.01, 0.27, Some(0.05)), None);
        assert_eq!(reaches(-0.12, 0.27, None), None);
    }

    #[test]
    fn a_very_uncertain_decrease_reads_with_a() {
        let t = direction("IHF", "the rating", false, Certainty::VeryLow, Language::En);
        assert_eq!(
            t,
            "It is very uncertain whether IHF decreased the rating; the estimate points to a decrease."
        );
    }
}
