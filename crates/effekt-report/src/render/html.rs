//! Self-contained HTML: inline CSS, inline SVG plots, no scripts, no external resources (no
//! `src=`, no `href=` other than in-page anchors), so the file opens offline and can be mailed
//! to a committee. Print styles hide the navigation and keep figures and tables on one page.

use super::*;
use crate::i18n::msg;
use crate::plots;

const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5b5b60; --line: #d9d9de; --accent: #1f5fa8; --cf: #d97706; --bg-soft: #f4f6f9; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.5; }
main { max-width: 960px; margin: 0 auto; padding: 24px 28px 64px; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 20px; padding-bottom: 10px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 36px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.12rem; margin: 24px 0 8px; }
p { margin: 8px 0; }
.meta { color: var(--muted); font-size: 0.9rem; }
nav.toc { background: var(--bg-soft); border-radius: 6px; padding: 10px 16px; font-size: 0.95rem; }
nav.toc ol { margin: 4px 0; padding-left: 20px; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
.headline { font-size: 1.15rem; font-weight: 600; background: #eef4fb; border-left: 5px solid var(--accent); padding: 10px 14px; border-radius: 4px; }
.cf { color: var(--muted); }
.suppressed { background: #fff4e5; border-left: 5px solid var(--cf); padding: 8px 12px; border-radius: 4px; }
.warning { color: #8a4b00; }
ul.checks { list-style: none; padding: 0; margin: 6px 0 12px; }
ul.checks li { padding: 6px 12px; margin: 4px 0; border-radius: 4px; border-left: 5px solid; }
ul.checks li.failed { background: #fdecea; border-color: #b3261e; color: #5c1410; }
ul.checks li.caution { background: #fff4e5; border-color: #c77700; color: #5a3600; }
ul.checks li.passed { background: #edf7ee; border-color: #2e7d32; color: #1b4d1e; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 14px; font-size: 0.92rem; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.table-wrap { overflow-x: auto; }
figure { margin: 14px 0 20px; }
figure svg.plot { width: 100%; max-width: 720px; height: auto; display: block; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 0.88rem; margin-top: 4px; max-width: 720px; }
.legend-key { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; border-radius: 2px; }
details pre { background: var(--bg-soft); padding: 10px; overflow-x: auto; font-size: 0.8rem; white-space: pre-wrap; word-break: break-all; }
ul.refs li { margin-bottom: 4px; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { margin: 16mm 14mm; }
  html { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section[id^="outcome-"], #contract, #methods { break-before: page; page-break-before: always; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure, table, .headline { break-inside: avoid; page-break-inside: avoid; }
  figure svg.plot { max-width: 16cm; border: none; }
  details { display: block; }
  details > pre { display: block; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn table(t: &TextTable) -> String {
    let mut s = String::from("<div class=\"table-wrap\"><table>\n<thead><tr>");
    for (i, h) in t.headers.iter().enumerate() {
        let class = if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        };
        s.push_str(&format!("<th{class}>{}</th>", escape(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if t.numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            };
            s.push_str(&format!("<td{class}>{}</td>", escape(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(caption)
    )
}

fn p(text: &str) -> String {
    format!("<p>{}</p>\n", escape(text))
}

/// Render the report as one self-contained HTML document.
///
/// # Errors
/// [`ReportError::Plot`] if a plot cannot be drawn.
pub fn render(r: &Report) -> Result<String, ReportError> {
    let lang = r.language;
    let level = r.manifest.level;
    let th = r.privacy.threshold;
    let mut body = String::new();

    // Header and contents.
    body.push_str(&format!(
        "<header class=\"top\"><h1>{}</h1><p class=\"meta\">{} effekt {} · {} {}</p></header>\n",
        escape(&r.title),
        escape(msg::GENERATED_BY.get(lang)),
        escape(&r.manifest.effekt_version),
        escape(msg::SCHEMA_VERSION.get(lang)),
        r.schema_version
    ));
    let mut toc: Vec<(String, String)> = vec![
        ("summary".into(), msg::SUMMARY.get(lang).into()),
        ("study".into(), msg::DESIGN.get(lang).into()),
    ];
    for (i, o) in r.outcomes.iter().enumerate() {
        toc.push((format!("outcome-{}", i + 1), o.label.clone()));
    }
    if r.contract.is_some() {
        toc.push(("contract".into(), msg::CONTRACT.get(lang).into()));
    }
    if r.power.is_some() {
        toc.push(("power".into(), msg::POWER.get(lang).into()));
    }
    toc.push(("methods".into(), msg::METHODS.get(lang).into()));
    toc.push(("privacy".into(), msg::PRIVACY.get(lang).into()));
    toc.push((
        "reproducibility".into(),
        msg::REPRODUCIBILITY.get(lang).into(),
    ));
    body.push_str(&format!(
        "<nav class=\"toc\" aria-label=\"{}\"><strong>{}</strong><ol>",
        escape(msg::CONTENTS.get(lang)),
        escape(msg::CONTENTS.get(lang))
    ));
    for (id, title) in &toc {
        body.push_str(&format!("<li><a href=\"#{id}\">{}</a></li>", escape(title)));
    }
    body.push_str("</ol></nav>\n");

    // Summary.
    body.push_str(&format!(
        "<section id=\"summary\"><h2>{}</h2>\n",
        escape(msg::SUMMARY.get(lang))
    ));
    if let Some(q) = &r.study.question {
        body.push_str(&format!(
            "<p><strong>{}:</strong> {}</p>\n",
            escape(msg::QUESTION.get(lang)),
            escape(q)
        ));
    }
    body.push_str(&format!(
        "<p><strong>{}:</strong> {}</p>\n",
        escape(msg::DESIGN.get(lang)),
        escape(&crate::i18n::capitalise(&r.study.design.estimator))
    ));
    body.push_str(&format!(
        "<h3>{}</h3>\n{}",
        escape(msg::AT_A_GLANCE.get(lang)),
        table(&super::summary_table(r, lang))
    ));
    for o in &r.outcomes {
        match &o.headline {
            Some(h) => body.push_str(&format!(
                "<p class=\"headline\">{}</p>\n{}<p class=\"cf\">{}</p>\n",
                escape(&h.sentence),
                checks_list(o, false, lang),
                escape(&h.counterfactual_sentence)
            )),
            None => body.push_str(&format!(
                "<p class=\"suppressed\">{}: {}</p>\n",
                escape(&o.label),
                escape(&crate::i18n::sentences::suppressed(
                    msg::EFFECT.get(lang),
                    th,
                    lang
                ))
            )),
        }
    }
    body.push_str("</section>\n");

    // Study.
    body.push_str(&format!(
        "<section id=\"study\"><h2>{}</h2>\n",
        escape(msg::DESIGN.get(lang))
    ));
    body.push_str(&p(&r.study.design.description));
    body.push_str(&format!("<h3>{}</h3>\n", escape(msg::DATA.get(lang))));
    body.push_str(&p(&r.study.summary));
    if r.study
        .data
        .missing
        .by_outcome
        .iter()
        .any(|m| m.rows_dropped != Some(0))
    {
        body.push_str(&table(&missing_table(&r.study.data.missing, th, lang)));
    }
    body.push_str("</section>\n");

    // Outcomes.
    for (i, o) in r.outcomes.iter().enumerate() {
        body.push_str(&outcome(o, i + 1, level, th, period_label(r), lang)?);
    }

    // Contract.
    if let Some(c) = &r.contract {
        body.push_str(&format!(
            "<section id=\"contract\"><h2>{}</h2>\n",
            escape(msg::CONTRACT.get(lang))
        ));
        if let Some(name) = &c.evaluation.name {
            body.push_str(&format!("<p><strong>{}</strong></p>\n", escape(name)));
        }
        body.push_str(&p(msg::CONTRACT_INTRO.get(lang)));
        body.push_str(&table(&contract_threshold_table(c, lang)));
        if !c.evaluation.plot.threshold_probabilities.is_empty() {
            body.push_str(&figure(
                &plots::contract_thresholds(&c.evaluation, lang)?,
                msg::PLOT_THRESHOLDS_CAPTION.get(lang),
            ));
        }
        body.push_str(&table(&contract_party_table(c, lang)));
        if !c.evaluation.plot.payment_distributions.is_empty() {
            body.push_str(&figure(
                &plots::contract_payments(&c.evaluation, lang)?,
                msg::PLOT_CONTRACT_CAPTION.get(lang),
            ));
        }
        body.push_str(&format!(
            "<p class=\"cf\">{}</p>\n",
            escape(&c.interpretation)
        ));
        body.push_str("</section>\n");
    }

    // Power.
    if let Some(pw) = &r.power {
        body.push_str(&format!(
            "<section id=\"power\"><h2>{}</h2>\n",
            escape(msg::POWER.get(lang))
        ));
        body.push_str(&p(&power_sentence(pw, r, lang)));
        body.push_str(&p(&format!("{} {}", pw.method, pw.anchor)));
        for n in &pw.notes {
            body.push_str(&format!("<p class=\"cf\">{}</p>\n", escape(n)));
        }
        body.push_str(&figure(
            &plots::power_curve(pw, lang)?,
            msg::PLOT_POWER_CAPTION.get(lang),
        ));
        body.push_str("</section>\n");
    }

    // Warnings.
    if !r.warnings.is_empty() {
        body.push_str(&format!(
            "<section id=\"warnings\"><h2>{}</h2><ul>\n",
            escape(msg::WARNINGS.get(lang))
        ));
        for w in &r.warnings {
            body.push_str(&format!("<li class=\"warning\">{}</li>\n", escape(w)));
        }
        body.push_str("</ul></section>\n");
    }

    // Methods.
    body.push_str(&format!(
        "<section id=\"methods\"><h2>{}</h2>\n",
        escape(msg::METHODS.get(lang))
    ));
    for m in &r.methods {
        body.push_str(&format!("<h3>{}</h3>\n", escape(&m.title)));
        let cites = if m.references.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.references.join("; "))
        };
        body.push_str(&p(&format!("{}{cites}", m.text)));
    }
    body.push_str(&format!(
        "<h3>{}</h3>\n<ul class=\"refs\">\n",
        escape(msg::REFERENCES.get(lang))
    ));
    for rf in &r.references {
        body.push_str(&format!(
            "<li><strong>{}</strong>: {}</li>\n",
            escape(&rf.key),
            escape(&rf.citation)
        ));
    }
    body.push_str("</ul></section>\n");

    // Privacy.
    body.push_str(&format!(
        "<section id=\"privacy\"><h2>{}</h2>\n",
        escape(msg::PRIVACY.get(lang))
    ));
    body.push_str(&p(&format!(
        "{} ({} {th})",
        r.privacy.statement,
        match lang {
            Language::En => "threshold:",
            Language::Sv => "gräns:",
        }
    )));
    if r.privacy.suppressions.is_empty() {
        body.push_str(&p(msg::NO_SUPPRESSIONS.get(lang)));
    } else {
        body.push_str("<ul>\n");
        for s in &r.privacy.suppressions {
            body.push_str(&format!("<li>{}</li>\n", escape(&s.reason)));
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</section>\n");

    // Reproducibility.
    body.push_str(&format!(
        "<section id=\"reproducibility\"><h2>{}</h2>\n",
        escape(msg::REPRODUCIBILITY.get(lang))
    ));
    body.push_str(&table(&manifest_table(&r.manifest, lang)));
    let study_json = serde_json::to_string_pretty(&r.manifest.study)
        .map_err(|e| ReportError::Internal(e.to_string()))?;
    body.push_str(&format!(
        "<details><summary>{}</summary><pre>{}</pre></details>\n",
        escape(msg::STUDY_CONFIG.get(lang)),
        escape(&study_json)
    ));
    body.push_str("</section>\n");
    body.push_str(&format!(
        "<footer>{} effekt {} · {} {}</footer>\n",
        escape(msg::GENERATED_BY.get(lang)),
        escape(&r.manifest.effekt_version),
        escape(msg::SCHEMA_VERSION.get(lang)),
        r.schema_version
    ));

    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang.code(),
        escape(&r.title)
    ))
}

/// The power section's sentence.
pub fn power_sentence(pw: &PowerSection, r: &Report, lang: Language) -> String {
    let scale = r
        .outcomes
        .iter()
        .find(|o| o.id == pw.outcome)
        .map(|o| o.scale.clone());
    let effect = match &scale {
        Some(s) => format!(
            "{} {}",
            fmt_effect(
                pw.effect,
                s,
                if s.display_factor == 100.0 { 0 } else { 2 },
                lang
            ),
            s.effect_unit
        ),
        None => fmt_num(pw.effect, 2, lang),
    };
    crate::i18n::sentences::power(
        &effect,
        &fmt_percent(pw.power, lang),
        &fmt_num(pw.alpha, 2, lang),
        &fmt_num(pw.n_required as f64, 0, lang),
        lang,
    )
}

fn outcome(
    o: &OutcomeSection,
    k: usize,
    level: f64,
    th: u32,
    period_label: &str,
    lang: Language,
) -> Result<String, ReportError> {
    let mut s = format!(
        "<section id=\"outcome-{k}\"><h2>{}</h2>\n",
        escape(&o.label)
    );
    let Some(h) = &o.headline else {
        s.push_str(&format!(
            "<p class=\"suppressed\">{}</p>\n</section>\n",
            escape(&crate::i18n::sentences::suppressed(
                msg::EFFECT.get(lang),
                th,
                lang
            ))
        ));
        return Ok(s);
    };
    s.push_str(&format!(
        "<p class=\"headline\">{}</p>\n",
        escape(&h.sentence)
    ));
    s.push_str(&checks_list(o, false, lang));
    s.push_str(&format!(
        "<p class=\"cf\">{}</p>\n",
        escape(&h.counterfactual_sentence)
    ));
    if let Some(es) = &o.effect_size {
        s.push_str(&p(&es.text));
    }
    if let Some(c) = &o.conclusion {
        s.push_str(&format!("<p><strong>{}</strong></p>\n", escape(c)));
    }
    if let Some(c) = &o.certainty {
        s.push_str(&p(&c.text));
    }
    if let Some(m) = super::multiplicity_sentence(o, lang) {
        s.push_str(&p(&m));
    }

    s.push_str(&format!(
        "<h3>{}</h3>\n",
        escape(msg::OBSERVED_VS_CF.get(lang))
    ));
    s.push_str(&table(&counterfactual_table(o, th, lang)));
    if let Some(cf) = &o.counterfactual {
        s.push_str(&figure(
            &plots::counterfactual_bars(cf, &o.scale, lang)?,
            msg::PLOT_CF_BARS_CAPTION.get(lang),
        ));
    }
    if let Some(m) = &o.sample {
        s.push_str(&format!(
            "<h3>{}</h3>\n",
            escape(msg::MATCHED_SAMPLE.get(lang))
        ));
        s.push_str(&p(&format!("{}.", crate::i18n::capitalise(&m.method))));
        s.push_str(&table(&sample_table(m, th, lang)));
        if !m.dropped.is_empty() {
            s.push_str(&table(&dropped_table(m, th, lang)));
        }
    }
    if o.plots.trajectory.len() > 1 {
        let did = period_label == msg::PERIOD_DID.get(lang);
        let (heading, caption) = if did {
            (msg::OVER_PERIODS, msg::PLOT_TRAJ_DID_CAPTION)
        } else {
            (msg::OVER_TIME, msg::PLOT_TRAJ_CAPTION)
        };
        s.push_str(&format!("<h3>{}</h3>\n", escape(heading.get(lang))));
        if o.plots
            .trajectory
            .iter()
            .filter(|p| !p.suppressed && p.treated_observed.is_some())
            .count()
            > 1
        {
            let legend = format!(
                "<span class=\"legend-key\" style=\"background:#1f5fa8\"></span>{} &nbsp; <span class=\"legend-key\" style=\"background:#d97706\"></span>{} &nbsp; <span class=\"legend-key\" style=\"background:#787878\"></span>{}",
                escape(msg::OBSERVED_TREATED.get(lang)),
                escape(msg::COUNTERFACTUAL_SHORT.get(lang)),
                escape(msg::CONTROL.get(lang))
            );
            s.push_str(&format!(
                "<figure>\n{}\n<figcaption>{legend}<br>{}</figcaption>\n</figure>\n",
                plots::trajectory(&o.plots.trajectory, &o.scale, period_label, lang)?,
                escape(caption.get(lang))
            ));
        }
        s.push_str(&table(&trajectory_table(o, th, period_label, lang)));
    }

    s.push_str(&format!(
        "<h3>{}</h3>\n",
        escape(msg::DETAIL_TABLE.get(lang))
    ));
    s.push_str(&p(&format!(
        "{}: {}. {}: {}",
        msg::INFERENCE.get(lang),
        o.inference.method,
        msg::WHY.get(lang),
        o.inference.reason
    )));
    s.push_str(&table(&tidy_table(o, level, lang)));

    // Subgroups: sex first, under its own heading.
    for sg in &o.subgroups {
        let title = if sg.is_sex {
            msg::GENDER_ANALYSIS
        } else {
            msg::SUBGROUPS
        };
        s.push_str(&format!(
            "<h3>{}: {}</h3>\n",
            escape(title.get(lang)),
            escape(&sg.column)
        ));
        if sg.is_sex {
            s.push_str(&p(crate::i18n::sentences::gender_lead(lang)));
        }
        s.push_str(&table(&subgroup_table(sg, o, level, th, lang)));
        if let Some(d) = &sg.difference_test {
            s.push_str(&p(&difference_test_text(d, o, level, lang)));
        }
        for n in &sg.notes {
            s.push_str(&format!("<p class=\"cf\">{}</p>\n", escape(n)));
        }
    }

    // Robustness.
    s.push_str(&format!("<h3>{}</h3>\n", escape(msg::ROBUSTNESS.get(lang))));
    if !o.robustness.alternatives.is_empty() {
        s.push_str(&format!(
            "<p><strong>{}</strong></p>\n",
            escape(msg::ALTERNATIVES.get(lang))
        ));
        s.push_str(&table(&alternatives_table(o, level, lang)));
    }
    if let Some(b) = &o.plots.bootstrap {
        s.push_str(&figure(
            &plots::bootstrap_histogram(b, &o.scale, lang)?,
            msg::PLOT_BOOT_CAPTION.get(lang),
        ));
    }
    if let Some(b) = &o.robustness.binary {
        s.push_str(&format!(
            "<p><strong>{}</strong></p>\n",
            escape(msg::BINARY_MEASURES.get(lang))
        ));
        s.push_str(&table(&binary_table(b, level, lang)));
        for n in &b.notes {
            s.push_str(&format!("<p class=\"cf\">{}</p>\n", escape(n)));
        }
    }
    if let Some(d) = &o.robustness.decomposition {
        s.push_str(&format!(
            "<p><strong>{}</strong></p>\n",
            escape(msg::DECOMPOSITION.get(lang))
        ));
        s.push_str(&table(&decomposition_table(d, &o.scale, lang)));
        s.push_str(&format!("<p class=\"cf\">{}</p>\n", escape(&d.note)));
    }
    if let Some(pt) = &o.robustness.pre_trend {
        s.push_str(&format!(
            "<p><strong>{}</strong>: {} = {}, p {}. {}</p>\n",
            escape(msg::PRE_TREND.get(lang)),
            match (pt.df1, pt.df2) {
                (Some(_), Some(_)) => "F",
                (Some(_), None) => "χ²",
                _ => "t",
            },
            fmt_num(pt.statistic, 2, lang),
            escape(&p_eq_s(pt.p_value, lang)),
            escape(&pt.method)
        ));
    }
    if !o.plots.event_study.is_empty() {
        s.push_str(&figure(
            &plots::event_study(&o.plots.event_study, &o.scale, lang)?,
            if o.plots.event_study.iter().any(|e| e.reference) {
                msg::PLOT_EVENT_CAPTION.get(lang)
            } else {
                msg::PLOT_EVENT_NOREF_CAPTION.get(lang)
            },
        ));
    }
    if !o.robustness.balance.is_empty() {
        s.push_str(&format!(
            "<p><strong>{}</strong></p>\n",
            escape(msg::BALANCE.get(lang))
        ));
        s.push_str(&table(&balance_table(&o.robustness.balance, lang)));
        if o.robustness.balance.iter().any(|b| b.flagged) {
            s.push_str(&format!(
                "<p class=\"cf\">{}</p>\n",
                escape(msg::FLAG_NOTE.get(lang))
            ));
        }
    }
    if !o.plots.love.is_empty() {
        let legend = format!(
            "<span class=\"legend-key\" style=\"background:#fff;border:2px solid #787878;border-radius:50%\"></span>{} &nbsp; <span class=\"legend-key\" style=\"background:#1f5fa8;border-radius:50%\"></span>{}",
            escape(msg::BEFORE.get(lang)),
            escape(msg::AFTER.get(lang))
        );
        s.push_str(&format!(
            "<figure>\n{}\n<figcaption>{legend}<br>{}</figcaption>\n</figure>\n",
            plots::love_plot(&o.plots.love, lang)?,
            escape(msg::PLOT_LOVE_CAPTION.get(lang))
        ));
    }
    if !o.checks.is_empty() {
        s.push_str(&format!(
            "<h3>{}</h3>\n{}",
            escape(msg::DESIGN_CHECKS.get(lang)),
            checks_list(o, true, lang)
        ));
    }
    if !o.robustness.warnings.is_empty() {
        s.push_str(&format!(
            "<p><strong>{}</strong></p>\n<ul>\n",
            escape(msg::WARNINGS.get(lang))
        ));
        for w in &o.robustness.warnings {
            s.push_str(&format!("<li class=\"warning\">{}</li>\n", escape(w)));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    Ok(s)
}

/// The design checks of an outcome as a list, each with its verdict (`all`: passed ones too;
/// otherwise the headline box's list of raised ones, empty when none).
fn checks_list(o: &OutcomeSection, all: bool, lang: Language) -> String {
    let items: String = o
        .checks
        .iter()
        .filter(|c| all || c.check.raised())
        .map(|c| {
            let v = c.check.verdict();
            format!(
                "<li class=\"{}\"><strong>{}:</strong> {}</li>\n",
                verdict_class(v),
                escape(crate::i18n::checks::verdict_label(v, lang)),
                escape(&c.text)
            )
        })
        .collect();
    if items.is_empty() {
        return String::new();
    }
    format!("<ul class=\"checks\">\n{items}</ul>\n")
}

fn verdict_class(v: effekt_notes::checks::Verdict) -> &'static str {
    use effekt_notes::checks::Verdict;
    match v {
        Verdict::Passed => "passed",
        Verdict::Caution => "caution",
        Verdict::Failed => "failed",
    }
}

fn p_eq_s(p: f64, lang: Language) -> String {
    let s = fmt_p(p, lang);
    if s.starts_with('<') {
        s
    } else {
        format!("= {s}")
    }
}
