//! The headline of an outcome (its sentence and counterfactual) and the headline effect
//! standardised (Hedges' g, the number needed to treat).

use super::*;

/// The headline and counterfactual of an outcome whose statistics are shown.
pub(super) fn headline(
    r: &OutcomeResult,
    plan: &OutcomePlan,
    study: &Study,
    section: &mut OutcomeSection,
    lang: Language,
) {
    let outcome = &r.prepared.outcome;
    let e = &r.estimate;
    let scale = &section.scale;
    let label = &section.label;
    let intervention = intervention_name(study, lang);
    let level = study.config.inference.level;
    let d = sentence_decimals(e.estimate, scale);
    let magnitude = fmt_num((e.estimate * scale.display_factor).abs(), d, lang);
    let low = fmt_effect(e.conf_low, scale, d, lang);
    let high = fmt_effect(e.conf_high, scale, d, lang);
    let spec = outcome.template.map(|t| t.spec());
    let units_word = study.config.study.units.word(lang);
    let count_phrase = spec
        .and_then(|s| s.count_phrase_en)
        .map(|c| c.replace("{units}", units_word));
    let subject = match spec {
        Some(s)
            if study
                .config
                .outcomes
                .iter()
                .any(|o| o.column == outcome.column && o.label.is_none()) =>
        {
            s.subject.get(lang).to_string()
        }
        _ => label.clone(),
    };
    let template_subject = spec.is_some() && subject != *label;
    let parts = sentences::HeadlineParts {
        magnitude: &magnitude,
        unit: &scale.effect_unit,
        positive: e.estimate >= 0.0,
        low: &low,
        high: &high,
        level,
        p_value: e.p_value,
        intervention: &intervention,
        subject: &subject,
        template_subject,
        count_phrase_en: if template_subject {
            count_phrase.as_deref()
        } else {
            None
        },
    };
    let sentence = sentences::headline(&parts, lang);
    let cf = &e.counterfactual;
    let control_unadjusted = e.control_unadjusted.filter(|_| !plan.hide_unadjusted);
    let unadjusted = control_unadjusted.map(|v| fmt_level_value(v, scale, lang));
    let counterfactual_sentence = sentences::counterfactual(
        &fmt_level_value(cf.treated_observed, scale, lang),
        &fmt_level_value(cf.treated_counterfactual, scale, lang),
        &fmt_level_value(cf.control, scale, lang),
        unadjusted.as_deref(),
        &intervention,
        lang,
    );
    section.headline = Some(Headline {
        estimate: e.estimate,
        std_error: e.std_error,
        conf_low: e.conf_low,
        conf_high: e.conf_high,
        level,
        interval_method: e.interval_method.clone(),
        p_value: e.p_value,
        df: e.df,
        method: e.method.clone(),
        sentence,
        counterfactual_sentence,
    });
    section.counterfactual = Some(CounterfactualDoc {
        treated_observed: cf.treated_observed,
        treated_counterfactual: cf.treated_counterfactual,
        control: cf.control,
        control_unadjusted,
    });
}

/// Hedges' g (continuous and rating outcomes) or the NNT (0/1 outcomes) of the headline;
/// `None` for difference in differences (a change in trends has no group SD to standardise by)
/// and when the outcome does not vary.
pub(super) fn effect_size(
    r: &OutcomeResult,
    section: &OutcomeSection,
    study: &Study,
    lang: Language,
) -> Option<EffectSizeDoc> {
    use effekt_models::effect_size::{hedges_g, nnt, pooled_sd};
    let h = section.headline.as_ref()?;
    if matches!(study.config.design, DesignConfig::Did(_)) {
        return None;
    }
    let level = study.config.inference.level;
    let (g, n) = match section.outcome_type {
        OutcomeType::Binary => (None, Some(nnt(h.estimate, h.conf_low, h.conf_high))),
        OutcomeType::Continuous | OutcomeType::Ordinal => {
            let p = &r.prepared;
            let sd = pooled_sd(&p.y, &p.treated).ok()?;
            let n1 = p.treated.iter().filter(|t| **t).count();
            let g = hedges_g(h.estimate, sd, n1, p.treated.len() - n1, level).ok()?;
            (Some(g), None)
        }
    };
    let shown = g.map(|g| {
        let k = g.correction / g.sd;
        (k * h.conf_low, k * h.conf_high)
    });
    let text = sentences::effect_size(
        g.as_ref().zip(shown),
        n.as_ref(),
        &section.scale,
        level,
        &intervention_name(study, lang),
        study.config.study.units.word(lang),
        lang,
    );
    Some(EffectSizeDoc {
        hedges_g: g,
        conf_low: shown.map(|s| s.0),
        conf_high: shown.map(|s| s.1),
        nnt: n,
        text,
    })
}
