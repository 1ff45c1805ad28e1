//! The design checks of one outcome, computed from what its section publishes (so a check
//! never reveals a suppressed balance row), by the shared rules of
//! [`effekt_notes::checks`]. A check that did not pass goes to the headline box (the
//! renderers list `checks` with a raised verdict), a failed one also adds its clause to the
//! summary sentence, and [`super::build_report`] copies both kinds into `warnings[]`.

use super::{fmt_effect, sentence_decimals};
use crate::i18n::{Language, checks as tx};
use crate::model::{CheckDoc, OutcomeSection};
use crate::study::{DesignConfig, MatchMethod, RctEstimator, Study};
use effekt_notes::checks::{Check, Comparison, CovariateBalance, Interval, PrePeriod};

/// The checks of `section` (balance, pre-trends, alternatives; those the design has), with
/// their texts; a failed check's clause is appended to the headline sentence.
/// `sd` is the outcome's pooled within-group SD at the analysed wave (scales the baseline
/// gap).
/// `small` says whether an arm has fewer than `SMALL_GROUP` units (from the unrounded counts;
/// the check shows only the published exact ones); `intake` is the data's first wave.
pub(super) fn apply(
    section: &mut OutcomeSection,
    study: &Study,
    (sd, small, intake): (Option<f64>, bool, Option<f64>),
    lang: Language,
) {
    let Some(headline) = &section.headline else {
        return;
    };
    let mut checks = Vec::new();
    if let Some(c) = balance(section, &study.config.design) {
        checks.push(c);
    }
    if let Some(t) = &section.robustness.pre_trend {
        let pre: Vec<PrePeriod> = section
            .plots
            .event_study
            .iter()
            .filter(|c| !c.reference)
            .map(|c| PrePeriod {
                event_time: c.event_time,
                estimate: c.estimate,
            })
            .collect();
        let alpha = 1.0 - study.config.inference.level;
        checks.extend(Check::pre_trends(t.statistic, t.p_value, alpha, &pre));
    }
    if let (Some(c), Some(sd)) = (comparison(&study.config.design), sd) {
        checks.extend(baseline_gap(section, c, sd, intake));
    }
    if let Some(smp) = &section.sample {
        // Shares only from exactly published counts (a share of a suppressed count reveals it).
        let treated = match (smp.treated.all.exact(), smp.treated.unmatched.exact()) {
            (Some(all), Some(out)) if all > 0 => Some(out as f64 / all as f64),
            _ => None,
        };
        let ess = match (smp.control.matched.exact(), smp.control.effective) {
            (Some(n), Some(e)) if n > 0 => Some(e / n as f64),
            _ => None,
        };
        checks.extend(Check::overlap(treated, ess));
    }
    checks.extend(Check::few_clusters(section.n_clusters.map(|g| g as usize)));
    checks.push(Check::small_groups(
        section.n_treated.exact().map(|n| n as usize),
        section.n_control.exact().map(|n| n as usize),
        small,
    ));
    let head = Interval {
        estimate: headline.estimate,
        conf_low: headline.conf_low,
        conf_high: headline.conf_high,
    };
    let alternatives: Vec<(String, Interval)> = section
        .robustness
        .alternatives
        .iter()
        .filter_map(|a| {
            Some((
                a.method.clone(),
                Interval {
                    estimate: a.estimate?,
                    conf_low: a.conf_low?,
                    conf_high: a.conf_high?,
                },
            ))
        })
        .collect();
    checks.extend(Check::alternatives(head, &alternatives));

    let scale = section.scale.clone();
    let d = sentence_decimals(headline.estimate, &scale);
    // A non-zero value never shows as 0 (an interval end of 0.004 "excludes zero"): up to
    // three more decimals.
    let effect = |x: f64| {
        let shown = (d..=d + 3)
            .map(|k| fmt_effect(x, &scale, k, lang))
            .find(|t| x == 0.0 || t.chars().any(|c| c.is_ascii_digit() && c != '0'))
            .unwrap_or_else(|| fmt_effect(x, &scale, d + 3, lang));
        format!("{shown} {}", scale.effect_unit)
    };
    let clauses: Vec<String> = checks.iter().filter_map(|c| tx::clause(c, lang)).collect();
    section.checks = checks
        .into_iter()
        .map(|check| CheckDoc {
            text: tx::text(&check, &effect, lang),
            check,
        })
        .collect();
    if let Some(h) = &mut section.headline {
        for c in clauses {
            h.sentence.push(' ');
            h.sentence.push_str(&c);
        }
    }
}

/// The gap of the outcome at the intake — the data's first wave, when it comes before the
/// analysed one and the outcome was measured there — from the trajectory (matched or weighted
/// comparison means for matching). `intake` is the first wave of the data file.
fn baseline_gap(
    section: &OutcomeSection,
    c: Comparison,
    sd: f64,
    intake: Option<f64>,
) -> Option<Check> {
    let (analysed, intake) = (section.period?, intake?);
    if intake >= analysed {
        return None;
    }
    let p = section
        .plots
        .trajectory
        .iter()
        .find(|p| p.period == intake && !p.suppressed)?;
    Check::baseline_gap(p.period, p.treated_observed? - p.control?, sd, c)
}

/// How the comparison group of a design is formed (`None`: difference in differences, whose
/// comparison is of changes).
fn comparison(design: &DesignConfig) -> Option<Comparison> {
    Some(match design {
        DesignConfig::Rct(r) => match r.estimator {
            RctEstimator::Ancova | RctEstimator::Lin => Comparison::RandomisedAdjusted,
            RctEstimator::DifferenceInMeans => Comparison::Randomised,
        },
        DesignConfig::Matching(m) => match m.method {
            MatchMethod::Ipw | MatchMethod::Aipw => Comparison::Weighted,
            MatchMethod::Nearest | MatchMethod::Cem => Comparison::Matched,
        },
        DesignConfig::Did(_) => return None,
    })
}

/// Balance of the published rows: after matching or weighting, or between randomised arms.
fn balance(section: &OutcomeSection, design: &DesignConfig) -> Option<Check> {
    let comparison = comparison(design)?;
    let rows: Vec<CovariateBalance> = section
        .robustness
        .balance
        .iter()
        .filter_map(|b| {
            let (smd, vr) = match comparison {
                Comparison::Randomised | Comparison::RandomisedAdjusted => {
                    (b.smd_before, b.var_ratio_before)
                }
                _ => (b.smd_after, b.var_ratio_after),
            };
            Some(CovariateBalance {
                covariate: b.covariate.clone(),
                smd: smd?,
                variance_ratio: vr,
            })
        })
        .collect();
    Check::balance(&rows, comparison)
}
