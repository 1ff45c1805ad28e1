//! The study-level sections of the report: the data (file, units, waves, missing values,
//! with their counts under the privacy rules) and the design in words.

use super::*;

/// The data section and the summary paragraph's data sentences.
pub(super) fn data_section(
    inputs: &BuildInputs<'_>,
    results: &[OutcomeResult],
    counts: &mut Counts,
    privacy: &mut Privacy,
) -> (DataSection, String) {
    let c = &inputs.study.config;
    let (lang, table) = (inputs.lang, inputs.table);
    let periods: Vec<f64> = results
        .first()
        .map(|r| r.prepared.periods.clone())
        .unwrap_or_default();
    let units_word = c.study.units.word(lang);
    let n_units = counts.get(
        Slot::Units,
        &counts::data_location(units_word, lang),
        true,
        privacy,
    );
    let rows = counts.get(
        Slot::Rows,
        &counts::data_location(msg::ROWS.get(lang), lang),
        true,
        privacy,
    );
    let n_clusters = c
        .data
        .cluster
        .as_ref()
        .and_then(|col| n_distinct(table, col));
    let mut by_outcome = Vec::new();
    let mut any_dropped = false;
    for (i, r) in results.iter().enumerate() {
        any_dropped |= r.prepared.dropped > 0;
        let loc = format!(
            "{} — {}",
            r.prepared.outcome.column,
            msg::MISSING_VALUES.get(lang)
        );
        let rows_dropped = counts.get(Slot::Dropped(i), &loc, true, privacy);
        let by_column = r
            .prepared
            .missing_by_column
            .iter()
            .enumerate()
            .map(|(j, (col, _))| ColumnCount {
                column: col.clone(),
                count: counts.get(
                    Slot::Missing(i, j),
                    &format!("{loc} ({col})"),
                    true,
                    privacy,
                ),
            })
            .collect();
        by_outcome.push(MissingRow {
            outcome: r.prepared.outcome.column.clone(),
            rows_dropped,
            by_column,
        });
    }
    let drop = c.data.missing == MissingPolicy::Drop;
    let missing_text = sentences::missing(drop, any_dropped, lang);
    let period_list = periods
        .iter()
        .map(|p| crate::i18n::fmt_period(*p, lang))
        .collect::<Vec<_>>()
        .join(", ");
    let threshold = privacy.threshold;
    let n_units_s = (!n_units.is_suppressed()).then(|| fmt_count_shown(n_units, threshold, lang));
    let k_s = periods.len().to_string();
    let g_s = n_clusters.map(|g| g.to_string());
    let mut summary = sentences::data_summary(
        &c.data.path,
        &fmt_count_shown(rows, threshold, lang),
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
    let data = DataSection {
        file: c.data.path.clone(),
        rows,
        units: c.study.units,
        n_units,
        periods,
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
    (data, summary)
}

/// The design in words: kind, estimator and description.
pub(super) fn design_section(
    study: &Study,
    results: &[OutcomeResult],
    lang: Language,
) -> DesignSection {
    let c = &study.config;
    let units_word = c.study.units.word(lang);
    let intervention = intervention_name(study, lang);
    let first_method = || {
        results
            .first()
            .map(|r| r.estimate.method.clone())
            .unwrap_or_default()
    };
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
            first_method(),
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
            first_method(),
            sentences::design_did(
                units_word,
                &intervention,
                d.method == crate::study::DidMethod::CallawaySantanna,
                lang,
            ),
        ),
    };
    DesignSection {
        kind,
        estimator,
        description,
    }
}
