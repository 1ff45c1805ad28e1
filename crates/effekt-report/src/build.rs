//! From estimates to the document model: scales, sentences, and the privacy rules.
//!
//! # Privacy rules
//!
//! With threshold `k` (default 5, never below 3):
//! * an outcome whose treated or comparison group has fewer than `k` units shows no statistic
//!   at all (headline, counterfactual, tables, plots, subgroups);
//! * a subgroup breakdown in which any level has between 1 and `k − 1` units in an arm is
//!   suppressed as a whole (secondary suppression: with the total shown, one small level could
//!   otherwise be derived from the others);
//! * a wave of the trajectory with between 1 and `k − 1` units in an arm is suppressed;
//! * counts of missing values between 1 and `k − 1` are suppressed;
//! * the contract and the power curve are suppressed when an outcome they use is.
//!
//! Every suppression is listed in [`crate::model::PrivacySection`]. Zero counts are shown: an
//! empty cell identifies nobody.

use crate::analysis::subgroups::SubgroupRaw;
use crate::analysis::{OutcomeEstimate, Prepared};
use crate::i18n::{Language, fmt_num, msg, sentences};
use crate::model::*;
use crate::study::{DesignConfig, ResolvedOutcome, Study};
use crate::templates::OutcomeType;
use effekt_data::{MissingPolicy, Table};

/// Everything estimated for one outcome.
#[derive(Debug, Clone)]
pub struct OutcomeResult {
    /// Analysis rows.
    pub prepared: Prepared,
    /// The estimate.
    pub estimate: OutcomeEstimate,
    /// Subgroup analyses (sex first).
    pub subgroups: Vec<SubgroupRaw>,
}

/// Collects suppressions.
#[derive(Debug, Clone)]
pub struct Privacy {
    /// Threshold.
    pub threshold: u32,
    /// Language of the notes.
    pub lang: Language,
    /// Suppressions so far.
    pub suppressions: Vec<Suppression>,
}

impl Privacy {
    /// New collector.
    pub fn new(threshold: u32, lang: Language) -> Self {
        Self {
            threshold,
            lang,
            suppressions: Vec::new(),
        }
    }

    /// Whether a count of individuals must be suppressed (1 ≤ n < threshold).
    pub fn is_small(&self, n: usize) -> bool {
        n > 0 && n < self.threshold as usize
    }

    /// Record a suppression.
    pub fn note(&mut self, location: String, reason: String) {
        self.suppressions.push(Suppression { location, reason });
    }

    /// A count, or `None` (recorded) when small.
    pub fn count(&mut self, n: usize, location: &str) -> Option<u64> {
        if self.is_small(n) {
            let reason = sentences::suppressed(location, self.threshold, self.lang);
            self.note(location.to_string(), reason);
            None
        } else {
            Some(n as u64)
        }
    }
}

/// The display scale of an outcome.
pub fn scale_of(outcome: &ResolvedOutcome, lang: Language) -> Scale {
    match outcome.outcome_type {
        OutcomeType::Binary => Scale {
            kind: ScaleKind::PercentagePoints,
            display_factor: 100.0,
            decimals: 1,
            effect_unit: msg::PERCENTAGE_POINTS.get(lang).to_string(),
            level_unit: "%".to_string(),
            range: None,
        },
        OutcomeType::Ordinal => Scale {
            kind: ScaleKind::Points,
            display_factor: 1.0,
            decimals: 2,
            effect_unit: msg::POINTS.get(lang).to_string(),
            level_unit: msg::POINTS.get(lang).to_string(),
            range: outcome.scale_range.map(|(a, b)| [a, b]),
        },
        OutcomeType::Continuous => {
            let unit = match lang {
                Language::En => outcome.unit.clone(),
                Language::Sv => outcome.unit_sv.clone(),
            }
            .unwrap_or_default();
            Scale {
                kind: ScaleKind::Units,
                display_factor: 1.0,
                decimals: 2,
                effect_unit: unit.clone(),
                level_unit: unit,
                range: None,
            }
        }
    }
}

/// A level (mean) in display form: "46.2 %", "3.41".
pub fn fmt_level_value(x: f64, scale: &Scale, lang: Language) -> String {
    let v = fmt_num(x * scale.display_factor, scale.decimals as usize, lang);
    if scale.display_factor == 100.0 {
        format!("{v} %")
    } else {
        v
    }
}

/// An effect in display form with `decimals` decimals (signed).
pub fn fmt_effect(x: f64, scale: &Scale, decimals: usize, lang: Language) -> String {
    fmt_num(x * scale.display_factor, decimals, lang)
}

/// Decimals for effects in sentences: whole percentage points unless the effect is below one.
fn sentence_decimals(x: f64, scale: &Scale) -> usize {
    match scale.kind {
        ScaleKind::PercentagePoints => {
            if (x * 100.0).abs() < 1.0 {
                1
            } else {
                0
            }
        }
        ScaleKind::Points | ScaleKind::Units => 2,
    }
}

/// Inputs of [`build_report`] besides the results.
pub struct BuildInputs<'a> {
    /// Study.
    pub study: &'a Study,
    /// Data table.
    pub table: &'a Table,
    /// Report language.
    pub lang: Language,
    /// SHA-256 of the data file bytes.
    pub data_sha256: String,
    /// SHA-256 of the study file bytes.
    pub study_sha256: String,
}

/// The intervention's name in sentences.
pub fn intervention_name(study: &Study, lang: Language) -> String {
    study
        .config
        .study
        .intervention(lang)
        .unwrap_or_else(|| match lang {
            Language::En => "the intervention".into(),
            Language::Sv => "insatsen".into(),
        })
}

/// Build the outcome sections (applying privacy) — used by [`build_report`].
fn outcome_section(
    r: &OutcomeResult,
    study: &Study,
    lang: Language,
    privacy: &mut Privacy,
) -> OutcomeSection {
    let outcome = &r.prepared.outcome;
    let e = &r.estimate;
    let scale = scale_of(outcome, lang);
    let label = outcome.label(lang).to_string();
    let intervention = intervention_name(study, lang);
    let level = study.config.inference.level;
    let loc = |what: &str| format!("{} — {what}", outcome.column);

    let n_treated = privacy.count(e.n_treated, &loc(msg::N_TREATED.get(lang)));
    let n_control = privacy.count(e.n_control, &loc(msg::N_CONTROL.get(lang)));
    let n = privacy.count(e.n, &loc(msg::N.get(lang)));
    let suppressed = n_treated.is_none() || n_control.is_none();
    let inference = InferenceDoc {
        method: e.inference.method.clone(),
        reason: e.inference.reason.clone(),
        warnings: e.inference.warnings.clone(),
        seed: e.seed,
        resamples: e.resamples.map(|b| b as u64),
    };
    let mut section = OutcomeSection {
        id: outcome.column.clone(),
        label: label.clone(),
        template: outcome.template,
        outcome_type: outcome.outcome_type,
        scale: scale.clone(),
        period: r.prepared.period,
        n,
        n_treated,
        n_control,
        n_clusters: e.n_clusters.map(|g| g as u64),
        headline: None,
        counterfactual: None,
        inference,
        tidy: Vec::new(),
        sample: None,
        subgroups: Vec::new(),
        robustness: Robustness {
            warnings: e.warnings.clone(),
            ..Robustness::default()
        },
        plots: OutcomePlots::default(),
    };
    if suppressed {
        let location = format!("{} ({label})", outcome.column);
        privacy.note(
            location.clone(),
            sentences::suppressed(&location, privacy.threshold, lang),
        );
        return section;
    }

    // Headline.
    let d = sentence_decimals(e.estimate, &scale);
    let magnitude = fmt_num((e.estimate * scale.display_factor).abs(), d, lang);
    let low = fmt_effect(e.conf_low, &scale, d, lang);
    let high = fmt_effect(e.conf_high, &scale, d, lang);
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
    let template_subject = spec.is_some() && subject != label;
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
    let unadjusted = e
        .control_unadjusted
        .map(|v| fmt_level_value(v, &scale, lang));
    let counterfactual_sentence = sentences::counterfactual(
        &fmt_level_value(cf.treated_observed, &scale, lang),
        &fmt_level_value(cf.treated_counterfactual, &scale, lang),
        &fmt_level_value(cf.control, &scale, lang),
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
        control_unadjusted: e.control_unadjusted,
    });
    for location in &e.suppressed {
        privacy.note(
            location.clone(),
            sentences::suppressed(location, privacy.threshold, lang),
        );
    }
    section.tidy = e.tidy.clone();
    section.robustness.alternatives = e.alternatives.clone();
    section.robustness.balance = e.balance.clone();
    section.robustness.pre_trend = e.pre_trend.clone();
    section.robustness.binary = e.binary.clone();
    section.robustness.decomposition = e.decomposition.clone();
    if let Some(smp) = &e.sample {
        let loc = |what: &str| format!("{} — {what}", outcome.column);
        let mut counts = |g: &crate::analysis::GroupCountsRaw, who: &str| SampleCounts {
            all: privacy.count(g.all, &loc(&format!("{who}, all"))),
            matched: privacy.count(g.matched, &loc(&format!("{who}, matched"))),
            unmatched: privacy.count(g.unmatched, &loc(&format!("{who}, unmatched"))),
            effective: (!privacy.is_small(g.matched)).then_some(g.effective),
        };
        let treated = counts(&smp.treated, msg::TREATED.get(lang));
        let control = counts(&smp.control, msg::CONTROL.get(lang));
        let dropped = smp
            .dropped
            .iter()
            .map(|(group, reason, count, description)| DroppedUnits {
                group: group.clone(),
                reason: reason.clone(),
                count: privacy.count(*count, &loc(&format!("{group}, {description}"))),
                description: description.clone(),
            })
            .collect();
        section.sample = Some(MatchedSample {
            treated,
            control,
            dropped,
            method: smp.method.clone(),
        });
    }
    section.plots.event_study = e.event_study.clone();
    if e.balance_is_matching {
        section.plots.love = e.balance.clone();
    }
    if let (Some(b), Some(scheme)) = (&e.bootstrap, &e.bootstrap_scheme) {
        // The histogram shows the bootstrap's own interval (the headline interval may be an
        // analytic one, e.g. CR2 with few clusters).
        let (lo, hi) = b
            .intervals
            .first()
            .map_or((e.conf_low, e.conf_high), |i| (i.low, i.high));
        section.plots.bootstrap = crate::adapt::bootstrap::plot(b, lo, hi, scheme);
    }

    // Trajectory: the design's (matched comparison, DiD counterfactual) or the randomised
    // comparison's observed means.
    let trajectory = e.trajectory.as_ref().unwrap_or(&r.prepared.trajectory);
    if trajectory.len() > 1 {
        for p in trajectory {
            let small = privacy.is_small(p.n_treated) || privacy.is_small(p.n_control);
            if small {
                let location = format!(
                    "{} — {} {}",
                    outcome.column,
                    msg::PERIOD.get(lang).to_lowercase(),
                    crate::i18n::fmt_period(p.period, lang)
                );
                privacy.note(
                    location.clone(),
                    sentences::suppressed(&location, privacy.threshold, lang),
                );
                section.plots.trajectory.push(PeriodPoint {
                    period: p.period,
                    suppressed: true,
                    n_treated: None,
                    n_control: None,
                    treated_observed: None,
                    treated_counterfactual: None,
                    control: None,
                    effect: None,
                });
                continue;
            }
            let both = p.n_treated > 0 && p.n_control > 0;
            section.plots.trajectory.push(PeriodPoint {
                period: p.period,
                suppressed: false,
                n_treated: Some(p.n_treated as u64),
                n_control: Some(p.n_control as u64),
                treated_observed: finite(p.treated_mean),
                treated_counterfactual: if both { finite(p.counterfactual) } else { None },
                control: finite(p.control_mean),
                effect: if both { finite(p.effect) } else { None },
            });
        }
    }

    // Subgroups.
    for s in &r.subgroups {
        section
            .subgroups
            .push(subgroup_section(s, &outcome.column, lang, privacy));
    }
    section
}

fn subgroup_section(
    s: &SubgroupRaw,
    outcome: &str,
    lang: Language,
    privacy: &mut Privacy,
) -> SubgroupSection {
    let small: Vec<&str> = s
        .levels
        .iter()
        .filter(|l| privacy.is_small(l.n_treated) || privacy.is_small(l.n_control))
        .map(|l| l.level.as_str())
        .collect();
    if !small.is_empty() {
        // The regression notes (e.g. "fewer than 2 units in an arm") would reveal small counts.
        let mut notes = Vec::new();
        let levels = small
            .iter()
            .map(|l| format!("{} = {l}", s.column))
            .collect::<Vec<_>>()
            .join(", ");
        let reason = sentences::suppressed_subgroup(&s.column, &levels, privacy.threshold, lang);
        privacy.note(format!("{outcome} — {}", s.column), reason.clone());
        notes.push(reason);
        return SubgroupSection {
            column: s.column.clone(),
            is_sex: s.is_sex,
            levels: s
                .levels
                .iter()
                .map(|l| SubgroupEffect {
                    level: l.level.clone(),
                    suppressed: true,
                    n_treated: None,
                    n_control: None,
                    treated_observed: None,
                    control: None,
                    estimate: None,
                    std_error: None,
                    conf_low: None,
                    conf_high: None,
                    p_value: None,
                })
                .collect(),
            difference_test: None,
            notes,
        };
    }
    let notes = s.notes.clone();
    SubgroupSection {
        column: s.column.clone(),
        is_sex: s.is_sex,
        levels: s
            .levels
            .iter()
            .map(|l| SubgroupEffect {
                level: l.level.clone(),
                suppressed: false,
                n_treated: Some(l.n_treated as u64),
                n_control: Some(l.n_control as u64),
                treated_observed: finite(l.treated_mean),
                control: finite(l.control_mean),
                estimate: l.estimate,
                std_error: l.std_error,
                conf_low: l.conf_low,
                conf_high: l.conf_high,
                p_value: l.p_value,
            })
            .collect(),
        difference_test: s.test.clone(),
        notes,
    }
}

/// Assemble the report.
#[allow(clippy::too_many_arguments)]
pub fn build_report(
    inputs: &BuildInputs<'_>,
    results: &[OutcomeResult],
    contract: Option<effekt_contract::ContractEvaluation>,
    power: Option<PowerSection>,
    mut warnings: Vec<String>,
    mut privacy: Privacy,
) -> Result<Report, crate::ReportError> {
    let study = inputs.study;
    let c = &study.config;
    let lang = inputs.lang;
    let table = inputs.table;

    let outcomes: Vec<OutcomeSection> = results
        .iter()
        .map(|r| outcome_section(r, study, lang, &mut privacy))
        .collect();
    let any_suppressed_outcome = outcomes.iter().any(|o| o.headline.is_none());

    // Data section.
    let periods: Vec<f64> = results
        .first()
        .map(|r| r.prepared.periods.clone())
        .unwrap_or_default();
    let n_units = match &c.data.unit {
        Some(u) => table.column(u).ok().map(|col| {
            let mut labels: Vec<String> = (0..table.nrows())
                .filter_map(|i| col.data.display(i))
                .collect();
            labels.sort();
            labels.dedup();
            labels.len()
        }),
        None => Some(table.nrows()),
    };
    let n_units = n_units.and_then(|n| privacy.count(n, msg::DATA.get(lang)));
    let n_clusters = match &c.data.cluster {
        Some(col) => table.column(col).ok().map(|col| {
            let mut labels: Vec<String> = (0..table.nrows())
                .filter_map(|i| col.data.display(i))
                .collect();
            labels.sort();
            labels.dedup();
            labels.len() as u64
        }),
        None => None,
    };
    let mut by_outcome = Vec::new();
    let mut any_dropped = false;
    for r in results {
        any_dropped |= r.prepared.dropped > 0;
        let loc = format!("{} — missing", r.prepared.outcome.column);
        by_outcome.push(MissingRow {
            outcome: r.prepared.outcome.column.clone(),
            rows_dropped: privacy.count(r.prepared.dropped, &loc),
            by_column: r
                .prepared
                .missing_by_column
                .iter()
                .map(|(col, k)| ColumnCount {
                    column: col.clone(),
                    count: privacy.count(*k, &format!("{loc} ({col})")),
                })
                .collect(),
        });
    }
    let drop = c.data.missing == MissingPolicy::Drop;
    let missing_text = sentences::missing(drop, any_dropped, lang);
    let units_word = c.study.units.word(lang);
    let period_list = periods
        .iter()
        .map(|p| crate::i18n::fmt_period(*p, lang))
        .collect::<Vec<_>>()
        .join(", ");
    let n_units_s = n_units.map(|n| fmt_num(n as f64, 0, lang));
    let k_s = periods.len().to_string();
    let g_s = n_clusters.map(|g| g.to_string());
    let mut summary = sentences::data_summary(
        &c.data.path,
        &fmt_num(table.nrows() as f64, 0, lang),
        n_units_s.as_deref().map(|n| (n, units_word)),
        (!periods.is_empty()).then_some((k_s.as_str(), period_list.as_str())),
        g_s.as_deref().zip(c.data.cluster.as_deref()),
        lang,
    );
    let analysed_period = results.first().and_then(|r| r.prepared.period);
    if let Some(p) = analysed_period {
        summary.push(' ');
        summary.push_str(&sentences::analysed_wave(
            &crate::i18n::fmt_period(p, lang),
            lang,
        ));
    }
    summary.push(' ');
    summary.push_str(&missing_text);
    let intervention = intervention_name(study, lang);
    let (kind, estimator, description) = match &c.design {
        DesignConfig::Rct(_) => {
            let estimator = results
                .first()
                .map(|r| r.estimate.method.clone())
                .unwrap_or_else(|| crate::i18n::inference::dim_name(lang));
            (
                DesignKind::Rct,
                estimator.clone(),
                sentences::design_rct(
                    units_word,
                    &intervention,
                    c.study.comparison(lang).as_deref(),
                    &estimator,
                    lang,
                ),
            )
        }
        DesignConfig::Matching(d) => (
            DesignKind::Matching,
            results
                .first()
                .map(|r| r.estimate.method.clone())
                .unwrap_or_default(),
            sentences::design_matching(
                units_word,
                &intervention,
                c.study.comparison(lang).as_deref(),
                &d.covariates,
                &d.exact,
                matches!(
                    d.method,
                    crate::study::MatchMethod::Ipw | crate::study::MatchMethod::Aipw
                ),
                lang,
            ),
        ),
        DesignConfig::Did(d) => (
            DesignKind::Did,
            results
                .first()
                .map(|r| r.estimate.method.clone())
                .unwrap_or_default(),
            sentences::design_did(
                units_word,
                &intervention,
                d.method == crate::study::DidMethod::CallawaySantanna,
                lang,
            ),
        ),
    };
    let data = DataSection {
        file: c.data.path.clone(),
        rows: table.nrows() as u64,
        units: c.study.units,
        n_units,
        periods: periods.clone(),
        analysed_period,
        cluster_column: c.data.cluster.clone(),
        n_clusters,
        delimiter: table.delimiter().map(|d| d.to_string()),
        decimal: match table.decimal() {
            effekt_data::Decimal::Point => "point".into(),
            effekt_data::Decimal::Comma => "comma".into(),
        },
        missing: MissingSection {
            policy: if drop { "drop".into() } else { "error".into() },
            by_outcome,
            text: missing_text,
        },
    };

    // Contract and power are suppressed with any suppressed outcome.
    let contract = match contract {
        Some(_) if any_suppressed_outcome => {
            let location = msg::CONTRACT.get(lang).to_string();
            privacy.note(
                location.clone(),
                sentences::suppressed(&location, privacy.threshold, lang),
            );
            None
        }
        Some(evaluation) => Some(ContractSection {
            evaluation,
            interpretation: msg::CONTRACT_INTERPRETATION.get(lang).to_string(),
        }),
        None => None,
    };
    let power = match power {
        Some(p)
            if outcomes
                .iter()
                .any(|o| o.id == p.outcome && o.headline.is_none()) =>
        {
            let location = msg::POWER.get(lang).to_string();
            privacy.note(
                location.clone(),
                sentences::suppressed(&location, privacy.threshold, lang),
            );
            None
        }
        other => other,
    };

    let rct_estimator = match &c.design {
        DesignConfig::Rct(d) => Some(d.estimator),
        _ => None,
    };
    let inc = crate::methods::Included {
        difference_in_means: matches!(c.design, DesignConfig::Rct(_)),
        regression_adjustment: rct_estimator
            .is_some_and(|e| e != crate::study::RctEstimator::DifferenceInMeans),
        randomization_inference: results.iter().any(|r| {
            r.estimate
                .alternatives
                .iter()
                .any(|a| a.method.contains("randomis"))
        }),
        binary: results.iter().any(|r| r.estimate.binary.is_some()),
        matching: matches!(c.design, DesignConfig::Matching(_)),
        did: matches!(c.design, DesignConfig::Did(_)),
        wild_bootstrap: results.iter().any(|r| {
            r.estimate
                .alternatives
                .iter()
                .any(|a| a.method.contains("wild") || a.method.contains("vild"))
        }),
        bacon: results.iter().any(|r| r.estimate.decomposition.is_some()),
        bootstrap: results.iter().any(|r| r.estimate.bootstrap.is_some()),
        subgroups: results.iter().any(|r| !r.subgroups.is_empty()),
        subgroups_refit: !matches!(c.design, DesignConfig::Rct(_)),
        balance: results.iter().any(|r| !r.estimate.balance.is_empty()),
        contract: contract.is_some(),
        power: power.is_some(),
    };
    let (methods, references) = crate::methods::appendix(inc, lang);
    warnings.dedup();

    let mut resolved = c.clone();
    resolved.report.language = lang;
    let study_json =
        serde_json::to_value(&resolved).map_err(|e| crate::ReportError::Internal(e.to_string()))?;
    let manifest = Manifest {
        effekt_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: SCHEMA_VERSION,
        study_file: study.file.clone(),
        study_sha256: inputs.study_sha256.clone(),
        data_file: c.data.path.clone(),
        data_sha256: inputs.data_sha256.clone(),
        seed: c.inference.seed,
        resamples: c.inference.bootstrap as u64,
        level: c.inference.level,
        study: study_json,
    };
    let title = match lang {
        Language::Sv => c.report.title_sv.clone().or(c.report.title.clone()),
        Language::En => c.report.title.clone(),
    }
    .unwrap_or_else(|| msg::REPORT.get(lang).to_string());
    let statement = msg::PRIVACY_STATEMENT.get(lang).to_string();
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        language: lang,
        title,
        study: StudySection {
            question: c.study.question(lang),
            intervention,
            comparison: c.study.comparison(lang),
            design: DesignSection {
                kind,
                estimator,
                description,
            },
            data,
            summary,
        },
        outcomes,
        contract,
        power,
        warnings,
        privacy: PrivacySection {
            threshold: privacy.threshold,
            suppressions: privacy.suppressions,
            statement,
        },
        methods,
        references,
        manifest,
    })
}
