//! Markdown: the same text and tables as the HTML, without the plots (they are in
//! `report.html`; Markdown viewers do not reliably show inline SVG).

use super::*;
use crate::i18n::msg;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(t: &TextTable) -> String {
    let mut s = String::new();
    s.push('|');
    for h in &t.headers {
        s.push_str(&format!(" {} |", cell(h)));
    }
    s.push_str("\n|");
    for i in 0..t.headers.len() {
        s.push_str(if t.numeric.get(i).copied().unwrap_or(false) {
            " ---: |"
        } else {
            " --- |"
        });
    }
    s.push('\n');
    for r in &t.rows {
        s.push('|');
        for c in r {
            s.push_str(&format!(" {} |", cell(c)));
        }
        s.push('\n');
    }
    s.push('\n');
    s
}

/// Render the report as Markdown.
pub fn render(r: &Report) -> String {
    let lang = r.language;
    let level = r.manifest.level;
    let th = r.privacy.threshold;
    let mut s = format!("# {}\n\n", r.title);
    s.push_str(&format!("*{}*\n\n", msg::MD_PLOTS_NOTE.get(lang)));

    s.push_str(&format!("## {}\n\n", msg::SUMMARY.get(lang)));
    if let Some(q) = &r.study.question {
        s.push_str(&format!("**{}:** {q}\n\n", msg::QUESTION.get(lang)));
    }
    s.push_str(&format!(
        "**{}:** {}\n\n",
        msg::DESIGN.get(lang),
        crate::i18n::capitalise(&r.study.design.estimator)
    ));
    s.push_str(&format!(
        "### {}\n\n{}",
        msg::AT_A_GLANCE.get(lang),
        table(&super::summary_table(r, lang))
    ));
    for o in &r.outcomes {
        match &o.headline {
            Some(h) => s.push_str(&format!(
                "- **{}**\n{}  {}\n",
                h.sentence,
                checks_list(o, false, "  ", lang),
                h.counterfactual_sentence
            )),
            None => s.push_str(&format!(
                "- {}: {}\n",
                o.label,
                crate::i18n::sentences::suppressed(msg::EFFECT.get(lang), th, lang)
            )),
        }
    }
    s.push('\n');

    s.push_str(&format!(
        "## {}\n\n{}\n\n",
        msg::DESIGN.get(lang),
        r.study.design.description
    ));
    s.push_str(&format!(
        "### {}\n\n{}\n\n",
        msg::DATA.get(lang),
        r.study.summary
    ));
    if r.study
        .data
        .missing
        .by_outcome
        .iter()
        .any(|m| m.rows_dropped != Some(0))
    {
        s.push_str(&table(&missing_table(&r.study.data.missing, th, lang)));
    }

    for o in &r.outcomes {
        s.push_str(&format!("## {}\n\n", o.label));
        let Some(h) = &o.headline else {
            s.push_str(&format!(
                "{}\n\n",
                crate::i18n::sentences::suppressed(msg::EFFECT.get(lang), th, lang)
            ));
            continue;
        };
        s.push_str(&format!("**{}**\n\n", h.sentence));
        let raised = checks_list(o, false, "", lang);
        if !raised.is_empty() {
            s.push_str(&format!("{raised}\n"));
        }
        s.push_str(&format!("{}\n\n", h.counterfactual_sentence));
        if let Some(es) = &o.effect_size {
            s.push_str(&format!("{}\n\n", es.text));
        }
        if let Some(c) = &o.conclusion {
            s.push_str(&format!("**{c}**\n\n"));
        }
        if let Some(c) = &o.certainty {
            s.push_str(&format!("{}\n\n", c.text));
        }
        if let Some(m) = super::multiplicity_sentence(o, lang) {
            s.push_str(&format!("{m}\n\n"));
        }
        s.push_str(&format!("### {}\n\n", msg::OBSERVED_VS_CF.get(lang)));
        s.push_str(&table(&counterfactual_table(o, th, lang)));
        if let Some(m) = &o.sample {
            s.push_str(&format!(
                "### {}\n\n{}.\n\n",
                msg::MATCHED_SAMPLE.get(lang),
                crate::i18n::capitalise(&m.method)
            ));
            s.push_str(&table(&sample_table(m, th, lang)));
            if !m.dropped.is_empty() {
                s.push_str(&table(&dropped_table(m, th, lang)));
            }
        }
        if o.plots.trajectory.len() > 1 {
            let heading = if r.study.design.kind == DesignKind::Did {
                msg::OVER_PERIODS
            } else {
                msg::OVER_TIME
            };
            s.push_str(&format!("### {}\n\n", heading.get(lang)));
            s.push_str(&table(&trajectory_table(o, th, period_label(r), lang)));
        }
        s.push_str(&format!("### {}\n\n", msg::DETAIL_TABLE.get(lang)));
        s.push_str(&format!(
            "{}: {}. {}: {}\n\n",
            msg::INFERENCE.get(lang),
            o.inference.method,
            msg::WHY.get(lang),
            o.inference.reason
        ));
        s.push_str(&table(&tidy_table(o, level, lang)));
        for sg in &o.subgroups {
            let title = if sg.is_sex {
                msg::GENDER_ANALYSIS
            } else {
                msg::SUBGROUPS
            };
            s.push_str(&format!("### {}: {}\n\n", title.get(lang), sg.column));
            if sg.is_sex {
                s.push_str(&format!(
                    "{}\n\n",
                    crate::i18n::sentences::gender_lead(lang)
                ));
            }
            s.push_str(&table(&subgroup_table(sg, o, level, th, lang)));
            if let Some(d) = &sg.difference_test {
                s.push_str(&format!("{}\n\n", difference_test_text(d, o, level, lang)));
            }
            for n in &sg.notes {
                s.push_str(&format!("*{n}*\n\n"));
            }
        }
        s.push_str(&format!("### {}\n\n", msg::ROBUSTNESS.get(lang)));
        if !o.robustness.alternatives.is_empty() {
            s.push_str(&format!("**{}**\n\n", msg::ALTERNATIVES.get(lang)));
            s.push_str(&table(&alternatives_table(o, level, lang)));
        }
        if let Some(b) = &o.robustness.binary {
            s.push_str(&format!("**{}**\n\n", msg::BINARY_MEASURES.get(lang)));
            s.push_str(&table(&binary_table(b, level, lang)));
            for n in &b.notes {
                s.push_str(&format!("*{n}*\n\n"));
            }
        }
        if let Some(d) = &o.robustness.decomposition {
            s.push_str(&format!("**{}**\n\n", msg::DECOMPOSITION.get(lang)));
            s.push_str(&table(&decomposition_table(d, &o.scale, lang)));
            s.push_str(&format!("*{}*\n\n", d.note));
        }
        if let Some(pt) = &o.robustness.pre_trend {
            s.push_str(&format!(
                "**{}**: p = {}. {}\n\n",
                msg::PRE_TREND.get(lang),
                fmt_p(pt.p_value, lang),
                pt.method
            ));
        }
        if !o.plots.event_study.is_empty() {
            s.push_str(&format!("**{}**\n\n", msg::EVENT_TABLE.get(lang)));
            s.push_str(&table(&event_table(o, level, lang)));
        }
        if !o.robustness.balance.is_empty() {
            s.push_str(&format!("**{}**\n\n", msg::BALANCE.get(lang)));
            s.push_str(&table(&balance_table(&o.robustness.balance, lang)));
            if o.robustness.balance.iter().any(|b| b.flagged) {
                s.push_str(&format!("{}\n\n", msg::FLAG_NOTE.get(lang)));
            }
        }
        if !o.checks.is_empty() {
            s.push_str(&format!(
                "**{}**\n\n{}\n",
                msg::DESIGN_CHECKS.get(lang),
                checks_list(o, true, "", lang)
            ));
        }
        for w in &o.robustness.warnings {
            s.push_str(&format!("- ⚠ {w}\n"));
        }
        s.push('\n');
    }

    if let Some(c) = &r.contract {
        s.push_str(&format!("## {}\n\n", msg::CONTRACT.get(lang)));
        if let Some(name) = &c.evaluation.name {
            s.push_str(&format!("**{name}**\n\n"));
        }
        s.push_str(&format!("{}\n\n", msg::CONTRACT_INTRO.get(lang)));
        s.push_str(&table(&contract_threshold_table(c, lang)));
        s.push_str(&table(&contract_party_table(c, lang)));
        s.push_str(&format!("*{}*\n\n", c.interpretation));
    }
    if let Some(pw) = &r.power {
        s.push_str(&format!("## {}\n\n", msg::POWER.get(lang)));
        s.push_str(&format!(
            "{}\n\n{} {}\n\n",
            super::html::power_sentence(pw, r, lang),
            pw.method,
            pw.anchor
        ));
        for n in &pw.notes {
            s.push_str(&format!("*{n}*\n\n"));
        }
    }
    if !r.warnings.is_empty() {
        s.push_str(&format!("## {}\n\n", msg::WARNINGS.get(lang)));
        for w in &r.warnings {
            s.push_str(&format!("- {w}\n"));
        }
        s.push('\n');
    }
    s.push_str(&format!("## {}\n\n", msg::METHODS.get(lang)));
    for m in &r.methods {
        let cites = if m.references.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.references.join("; "))
        };
        s.push_str(&format!("### {}\n\n{}{cites}\n\n", m.title, m.text));
    }
    s.push_str(&format!("### {}\n\n", msg::REFERENCES.get(lang)));
    for rf in &r.references {
        s.push_str(&format!("- **{}**: {}\n", rf.key, rf.citation));
    }
    s.push('\n');
    s.push_str(&format!(
        "## {}\n\n{}\n\n",
        msg::PRIVACY.get(lang),
        r.privacy.statement
    ));
    if r.privacy.suppressions.is_empty() {
        s.push_str(&format!("{}\n\n", msg::NO_SUPPRESSIONS.get(lang)));
    } else {
        for sp in &r.privacy.suppressions {
            s.push_str(&format!("- {}\n", sp.reason));
        }
        s.push('\n');
    }
    s.push_str(&format!("## {}\n\n", msg::REPRODUCIBILITY.get(lang)));
    s.push_str(&table(&manifest_table(&r.manifest, lang)));
    s
}

/// The design checks of an outcome as Markdown list items indented by `indent` (`all`: passed
/// ones too; otherwise only raised ones, empty when none).
fn checks_list(o: &OutcomeSection, all: bool, indent: &str, lang: Language) -> String {
    o.checks
        .iter()
        .filter(|c| all || c.check.raised())
        .map(|c| {
            let v = c.check.verdict();
            let mark = if c.check.raised() { "⚠ " } else { "" };
            format!(
                "{indent}- {mark}**{}:** {}\n",
                crate::i18n::checks::verdict_label(v, lang),
                c.text
            )
        })
        .collect()
}
