//! Renderers: the document model to HTML, Markdown and JSON.
//!
//! Renderers take only a [`Report`]. The tables both text formats show are built once here
//! ([`TextTable`]) so HTML and Markdown never disagree; the HTML adds inline SVG plots drawn
//! from the model's plot data.

pub mod html;
pub mod markdown;

use crate::build::{fmt_effect, fmt_level_value};
use crate::error::ReportError;
use crate::i18n::{Language, fmt_money, fmt_num, fmt_p, fmt_percent, msg};
use crate::model::*;
use crate::study::Format;

/// A rendered file.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFile {
    /// Format.
    pub format: Format,
    /// File name (`report.html`, …).
    pub file_name: &'static str,
    /// Content.
    pub content: String,
}

/// Render `report` in `format`.
///
/// # Errors
/// [`ReportError::Plot`] / [`ReportError::Internal`] on internal failures.
pub fn render(report: &Report, format: Format) -> Result<String, ReportError> {
    match format {
        Format::Html => html::render(report),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Json => json(report),
    }
}

/// Render every format in `formats`.
///
/// # Errors
/// As [`render`].
pub fn render_all(report: &Report, formats: &[Format]) -> Result<Vec<RenderedFile>, ReportError> {
    let mut out = Vec::new();
    for &f in formats {
        if out.iter().any(|r: &RenderedFile| r.format == f) {
            continue;
        }
        out.push(RenderedFile {
            format: f,
            file_name: f.file_name(),
            content: render(report, f)?,
        });
    }
    Ok(out)
}

/// `report.json`: pretty-printed document model with a trailing newline.
///
/// # Errors
/// [`ReportError::Internal`] if serialisation fails.
pub fn json(report: &Report) -> Result<String, ReportError> {
    let mut s =
        serde_json::to_string_pretty(report).map_err(|e| ReportError::Internal(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// Escape text for HTML (and SVG attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A table of already formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
    /// Columns to right-align (numbers).
    pub numeric: Vec<bool>,
}

impl TextTable {
    fn new(headers: Vec<&str>, numeric: Vec<bool>) -> Self {
        Self {
            headers: headers.into_iter().map(str::to_string).collect(),
            rows: Vec::new(),
            numeric,
        }
    }
}

fn dash() -> String {
    "–".to_string()
}

fn opt_effect(x: Option<f64>, scale: &Scale, lang: Language) -> String {
    x.map_or_else(dash, |v| {
        fmt_effect(v, scale, scale.decimals as usize, lang)
    })
}

fn opt_level(x: Option<f64>, scale: &Scale, lang: Language) -> String {
    x.map_or_else(dash, |v| fmt_level_value(v, scale, lang))
}

fn opt_p(x: Option<f64>, lang: Language) -> String {
    x.map_or_else(dash, |p| fmt_p(p, lang))
}

fn opt_count(x: Count, threshold: u32, lang: Language) -> String {
    crate::i18n::fmt_count_shown(x, threshold, lang)
}

fn opt_df(x: Option<f64>, lang: Language) -> String {
    x.map_or_else(dash, |d| fmt_num(d, 1, lang))
}

fn ci(lo: Option<f64>, hi: Option<f64>, scale: &Scale, lang: Language) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!(
            "{} {} {}",
            fmt_effect(a, scale, scale.decimals as usize, lang),
            msg::TO.get(lang),
            fmt_effect(b, scale, scale.decimals as usize, lang)
        ),
        _ => dash(),
    }
}

fn ci_heading(level: f64, lang: Language) -> String {
    format!(
        "{} {}",
        crate::i18n::fmt_level(level, lang),
        msg::CI.get(lang)
    )
}

/// Label of the period axis and column: "wave" for measurement waves, "period" for the
/// calendar periods of a difference in differences.
pub fn period_label(r: &Report) -> &'static str {
    match r.study.design.kind {
        DesignKind::Did => msg::PERIOD_DID.get(r.language),
        _ => msg::PERIOD.get(r.language),
    }
}

/// Effect table (tidy rows) of an outcome. When every row has the same method (said above the
/// table), the method column is left out.
pub fn tidy_table(o: &OutcomeSection, level: f64, lang: Language) -> TextTable {
    let cih = ci_heading(level, lang);
    let same = o
        .tidy
        .iter()
        .all(|r| o.tidy.first().is_some_and(|f| f.method == r.method));
    let mut headers = vec![msg::TERM.get(lang)];
    if !same {
        headers.push(msg::METHOD.get(lang));
    }
    headers.extend([
        msg::ESTIMATE.get(lang),
        msg::STD_ERROR.get(lang),
        cih.as_str(),
        msg::P_VALUE.get(lang),
        msg::DF.get(lang),
    ]);
    let k = headers.len();
    let mut t = TextTable::new(headers, (0..k).map(|i| i >= k - 5).collect());
    for r in &o.tidy {
        let mut row = vec![r.term.clone()];
        if !same {
            row.push(r.method.clone());
        }
        row.extend([
            opt_effect(r.estimate, &o.scale, lang),
            opt_effect(r.std_error, &o.scale, lang),
            ci(r.conf_low, r.conf_high, &o.scale, lang),
            opt_p(r.p_value, lang),
            opt_df(r.df, lang),
        ]);
        t.rows.push(row);
    }
    t
}

/// The counterfactual table (observed, counterfactual, comparison).
/// The one-minute summary: every outcome with its effect and interval, certainty and
/// conclusion (a suppressed outcome says so).
pub fn summary_table(r: &crate::model::Report, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            msg::OUTCOME.get(lang),
            msg::EFFECT_CI.get(lang),
            msg::CERTAINTY.get(lang),
            msg::CONCLUSION.get(lang),
        ],
        vec![false, true, false, false],
    );
    for o in &r.outcomes {
        let label = match (o.role, lang) {
            (crate::study::Role::Primary, _) => o.label.clone(),
            (crate::study::Role::Secondary, Language::En) => format!("{} (secondary)", o.label),
            (crate::study::Role::Secondary, Language::Sv) => format!("{} (sekundärt)", o.label),
            (crate::study::Role::Exploratory, Language::En) => {
                format!("{} (exploratory)", o.label)
            }
            (crate::study::Role::Exploratory, Language::Sv) => {
                format!("{} (utforskande)", o.label)
            }
        };
        let Some(h) = &o.headline else {
            t.rows.push(vec![
                label,
                dash(),
                dash(),
                crate::i18n::sentences::suppressed(
                    msg::EFFECT.get(lang),
                    r.privacy.threshold,
                    lang,
                ),
            ]);
            continue;
        };
        let d = o.scale.decimals as usize;
        let f = |x: f64| crate::build::fmt_effect(x, &o.scale, d, lang);
        let effect = format!(
            "{} {} ({} {} {})",
            f(h.estimate),
            o.scale.effect_unit,
            f(h.conf_low),
            msg::TO.get(lang),
            f(h.conf_high)
        );
        let grade = o
            .certainty
            .as_ref()
            .map(|c| crate::build::grade_word(c.grade, lang).to_string())
            .unwrap_or_else(dash);
        t.rows.push(vec![
            label,
            effect,
            grade,
            o.conclusion.clone().unwrap_or_default(),
        ]);
    }
    t
}

/// The headline p-value and its adjustment in words ("p = 0.086; Holm-adjusted across the 4
/// primary outcomes: p = 0.344").
pub fn multiplicity_sentence(o: &OutcomeSection, lang: Language) -> Option<String> {
    // One test in its family: nothing to adjust.
    let m = o.multiplicity.as_ref().filter(|m| m.family_size > 1)?;
    let raw = crate::i18n::fmt_p(m.p_value, lang);
    let adj = crate::i18n::fmt_p(m.p_adjusted, lang);
    let eq = |s: &str| {
        if s.starts_with('<') {
            format!("p {s}")
        } else {
            format!("p = {s}")
        }
    };
    let n = m.family_size;
    Some(match (m.family, lang) {
        (crate::model::Family::Primary, Language::En) => format!(
            "Multiple outcomes: {} unadjusted; Holm-adjusted across the {n} primary outcome(s): {}.",
            eq(&raw),
            eq(&adj)
        ),
        (crate::model::Family::Primary, Language::Sv) => format!(
            "Flera utfallsmått: {} ojusterat; justerat enligt Holm över de {n} primära utfallsmåtten: {}.",
            eq(&raw),
            eq(&adj)
        ),
        (crate::model::Family::Other, Language::En) => format!(
            "Multiple outcomes: {} unadjusted; adjusted for the false discovery rate (Benjamini–Hochberg) across the {n} secondary and exploratory outcome(s): {}.",
            eq(&raw),
            eq(&adj)
        ),
        (crate::model::Family::Other, Language::Sv) => format!(
            "Flera utfallsmått: {} ojusterat; justerat för andelen falska upptäckter (Benjamini–Hochberg) över de {n} sekundära och utforskande utfallsmåtten: {}.",
            eq(&raw),
            eq(&adj)
        ),
    })
}

pub fn counterfactual_table(o: &OutcomeSection, threshold: u32, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec!["", msg::N.get(lang), msg::ESTIMATE.get(lang)],
        vec![false, true, true],
    );
    if let Some(cf) = &o.counterfactual {
        t.rows.push(vec![
            msg::OBSERVED_TREATED.get(lang).into(),
            opt_count(o.n_treated, threshold, lang),
            fmt_level_value(cf.treated_observed, &o.scale, lang),
        ]);
        t.rows.push(vec![
            msg::COUNTERFACTUAL_TREATED.get(lang).into(),
            dash(),
            fmt_level_value(cf.treated_counterfactual, &o.scale, lang),
        ]);
        let label = if cf.control_unadjusted.is_some() {
            msg::CONTROL_ADJUSTED
        } else {
            msg::CONTROL
        };
        t.rows.push(vec![
            label.get(lang).into(),
            opt_count(o.n_control, threshold, lang),
            fmt_level_value(cf.control, &o.scale, lang),
        ]);
        if let Some(raw) = cf.control_unadjusted {
            t.rows.push(vec![
                msg::CONTROL_UNADJUSTED.get(lang).into(),
                dash(),
                fmt_level_value(raw, &o.scale, lang),
            ]);
        }
    }
    t
}

/// Observed and counterfactual by wave.
pub fn trajectory_table(
    o: &OutcomeSection,
    threshold: u32,
    period_label: &str,
    lang: Language,
) -> TextTable {
    let mut t = TextTable::new(
        vec![
            period_label,
            msg::N_TREATED.get(lang),
            msg::N_CONTROL.get(lang),
            msg::OBSERVED_TREATED.get(lang),
            msg::COUNTERFACTUAL_SHORT.get(lang),
            msg::EFFECT.get(lang),
        ],
        vec![true, true, true, true, true, true],
    );
    for p in &o.plots.trajectory {
        if p.suppressed {
            t.rows.push(vec![
                crate::i18n::fmt_period(p.period, lang),
                opt_count(p.n_treated, threshold, lang),
                opt_count(p.n_control, threshold, lang),
                msg::SUPPRESSED.get(lang).into(),
                msg::SUPPRESSED.get(lang).into(),
                msg::SUPPRESSED.get(lang).into(),
            ]);
            continue;
        }
        t.rows.push(vec![
            crate::i18n::fmt_period(p.period, lang),
            opt_count(p.n_treated, threshold, lang),
            opt_count(p.n_control, threshold, lang),
            opt_level(p.treated_observed, &o.scale, lang),
            opt_level(p.treated_counterfactual, &o.scale, lang),
            opt_effect(p.effect, &o.scale, lang),
        ]);
    }
    t
}

/// Effects by level of one subgroup.
pub fn subgroup_table(
    s: &SubgroupSection,
    o: &OutcomeSection,
    level: f64,
    threshold: u32,
    lang: Language,
) -> TextTable {
    let cih = ci_heading(level, lang);
    let mut t = TextTable::new(
        vec![
            msg::SUBGROUP.get(lang),
            msg::N_BOTH.get(lang),
            msg::TREATED.get(lang),
            msg::CONTROL.get(lang),
            msg::EFFECT.get(lang),
            &cih,
            msg::P_VALUE.get(lang),
            msg::P_ADJUSTED_BH.get(lang),
        ],
        vec![false, true, true, true, true, true, true, true],
    );
    for l in &s.levels {
        if l.suppressed {
            let sup = msg::SUPPRESSED.get(lang).to_string();
            let mut row = vec![l.level.clone()];
            row.extend(std::iter::repeat_n(sup, 7));
            t.rows.push(row);
            continue;
        }
        t.rows.push(vec![
            l.level.clone(),
            format!(
                "{} / {}",
                opt_count(l.n_treated, threshold, lang),
                opt_count(l.n_control, threshold, lang)
            ),
            opt_level(l.treated_observed, &o.scale, lang),
            opt_level(l.control, &o.scale, lang),
            opt_effect(l.estimate, &o.scale, lang),
            ci(l.conf_low, l.conf_high, &o.scale, lang),
            opt_p(l.p_value, lang),
            opt_p(l.p_adjusted, lang),
        ]);
    }
    t
}

/// The difference test in words.
pub fn difference_test_text(
    d: &DifferenceTest,
    o: &OutcomeSection,
    level: f64,
    lang: Language,
) -> String {
    let mut s = format!("{}: ", msg::DIFFERENCE_TEST.get(lang));
    if let Some(diff) = d.difference {
        s.push_str(&format!(
            "{} {} ({}: {}); ",
            match lang {
                Language::En => "difference in effect",
                Language::Sv => "skillnad i effekt",
            },
            fmt_effect(diff, &o.scale, o.scale.decimals as usize, lang),
            ci_heading(level, lang),
            ci(d.conf_low, d.conf_high, &o.scale, lang)
        ));
    }
    match (d.df1, d.df2) {
        (Some(df1), None) => s.push_str(&format!(
            "χ² = {} ({} {}), p {}",
            fmt_num(d.statistic, 2, lang),
            fmt_num(df1, 0, lang),
            msg::DF.get(lang),
            p_eq(d.p_value, lang)
        )),
        (Some(df1), Some(_)) => s.push_str(&format!(
            "F = {} ({}, {} {}), p {}",
            fmt_num(d.statistic, 2, lang),
            fmt_num(df1, 0, lang),
            opt_df(d.df2, lang),
            msg::DF.get(lang),
            p_eq(d.p_value, lang)
        )),
        (None, None) => s.push_str(&format!(
            "z = {}, p {}",
            fmt_num(d.statistic, 2, lang),
            p_eq(d.p_value, lang)
        )),
        (None, Some(_)) => s.push_str(&format!(
            "t = {} ({} {}), p {}",
            fmt_num(d.statistic, 2, lang),
            opt_df(d.df2, lang),
            msg::DF.get(lang),
            p_eq(d.p_value, lang)
        )),
    }
    s.push_str(&format!(". {}.", d.method));
    s
}

fn p_eq(p: f64, lang: Language) -> String {
    let s = fmt_p(p, lang);
    if s.starts_with('<') {
        s
    } else {
        format!("= {s}")
    }
}

/// Alternative estimates side by side.
pub fn alternatives_table(o: &OutcomeSection, level: f64, lang: Language) -> TextTable {
    let cih = ci_heading(level, lang);
    let mut t = TextTable::new(
        vec![
            msg::METHOD.get(lang),
            msg::ESTIMATE.get(lang),
            msg::STD_ERROR.get(lang),
            &cih,
            msg::P_VALUE.get(lang),
            msg::NOTE.get(lang),
        ],
        vec![false, true, true, true, true, false],
    );
    for a in &o.robustness.alternatives {
        t.rows.push(vec![
            a.method.clone(),
            opt_effect(a.estimate, &o.scale, lang),
            opt_effect(a.std_error, &o.scale, lang),
            ci(a.conf_low, a.conf_high, &o.scale, lang),
            opt_p(a.p_value, lang),
            a.note.clone().unwrap_or_default(),
        ]);
    }
    t
}

/// Units before and after matching, per group.
pub fn sample_table(m: &MatchedSample, threshold: u32, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            msg::GROUP.get(lang),
            msg::BEFORE_MATCHING.get(lang),
            msg::MATCHED.get(lang),
            msg::UNMATCHED.get(lang),
            msg::EFFECTIVE_N.get(lang),
        ],
        vec![false, true, true, true, true],
    );
    for (name, g) in [
        (msg::TREATED.get(lang), &m.treated),
        (msg::CONTROL.get(lang), &m.control),
    ] {
        t.rows.push(vec![
            name.to_string(),
            opt_count(g.all, threshold, lang),
            opt_count(g.matched, threshold, lang),
            opt_count(g.unmatched, threshold, lang),
            g.effective.map_or_else(dash, |e| fmt_num(e, 1, lang)),
        ]);
    }
    t
}

/// Why units were left out of the matched sample.
pub fn dropped_table(m: &MatchedSample, threshold: u32, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            msg::GROUP.get(lang),
            msg::REASON.get(lang),
            msg::COUNT.get(lang),
        ],
        vec![false, false, true],
    );
    for d in &m.dropped {
        let group = match d.group.as_str() {
            "treated" => msg::TREATED.get(lang),
            _ => msg::CONTROL.get(lang),
        };
        t.rows.push(vec![
            group.to_string(),
            d.description.clone(),
            opt_count(d.count, threshold, lang),
        ]);
    }
    t
}

/// The 2×2 effect measures of a binary outcome.
pub fn binary_table(b: &BinaryEffectsDoc, level: f64, lang: Language) -> TextTable {
    let cih = ci_heading(level, lang);
    let mut t = TextTable::new(
        vec![
            msg::MEASURE.get(lang),
            msg::ESTIMATE.get(lang),
            &cih,
            msg::METHOD.get(lang),
        ],
        vec![false, true, true, false],
    );
    let pp = |x: Option<f64>| x.map_or_else(dash, |v| fmt_num(100.0 * v, 1, lang));
    let ratio = |x: Option<f64>| x.map_or_else(dash, |v| fmt_num(v, 2, lang));
    let rd = &b.risk_difference;
    t.rows.push(vec![
        format!(
            "{} ({})",
            msg::RISK_DIFFERENCE.get(lang),
            msg::PERCENTAGE_POINTS.get(lang)
        ),
        pp(rd.estimate),
        format!(
            "{} {} {}",
            pp(rd.conf_low),
            msg::TO.get(lang),
            pp(rd.conf_high)
        ),
        rd.method.clone(),
    ]);
    for (name, m) in [
        (msg::RISK_RATIO.get(lang), &b.risk_ratio),
        (msg::ODDS_RATIO.get(lang), &b.odds_ratio),
    ] {
        t.rows.push(vec![
            name.to_string(),
            ratio(m.estimate),
            format!(
                "{} {} {}",
                ratio(m.conf_low),
                msg::TO.get(lang),
                ratio(m.conf_high)
            ),
            m.method.clone(),
        ]);
    }
    t.rows.push(vec![
        msg::FISHER.get(lang).to_string(),
        dash(),
        dash(),
        format!("p {}", p_eq(b.fisher_p_value, lang)),
    ]);
    t
}

/// The Goodman-Bacon decomposition by kind of comparison.
pub fn decomposition_table(d: &DecompositionDoc, scale: &Scale, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            msg::COMPARISON.get(lang),
            msg::WEIGHT.get(lang),
            msg::ESTIMATE.get(lang),
        ],
        vec![false, true, true],
    );
    for r in &d.rows {
        t.rows.push(vec![
            r.comparison.clone(),
            fmt_num(r.weight, 3, lang),
            fmt_effect(r.estimate, scale, scale.decimals as usize + 1, lang),
        ]);
    }
    t.rows.push(vec![
        "TWFE".into(),
        fmt_num(1.0, 3, lang),
        fmt_effect(d.total, scale, scale.decimals as usize + 1, lang),
    ]);
    t
}

/// Event-study coefficients (for the Markdown report, which has no plots).
pub fn event_table(o: &OutcomeSection, level: f64, lang: Language) -> TextTable {
    let cih = ci_heading(level, lang);
    let mut t = TextTable::new(
        vec![msg::EVENT_TIME.get(lang), msg::ESTIMATE.get(lang), &cih],
        vec![true, true, true],
    );
    for e in &o.plots.event_study {
        t.rows.push(vec![
            e.event_time.to_string(),
            fmt_effect(e.estimate, &o.scale, o.scale.decimals as usize, lang),
            if e.reference {
                match lang {
                    Language::En => "reference".into(),
                    Language::Sv => "referens".into(),
                }
            } else {
                ci(e.conf_low, e.conf_high, &o.scale, lang)
            },
        ]);
    }
    t
}

/// Balance table.
pub fn balance_table(rows: &[BalanceRow], lang: Language) -> TextTable {
    let after = rows.iter().any(|r| r.smd_after.is_some());
    let mut headers = vec![msg::COVARIATE.get(lang)];
    if after {
        headers.extend([msg::SMD_BEFORE.get(lang), msg::SMD_AFTER.get(lang)]);
    } else {
        headers.push(msg::SMD.get(lang));
    }
    headers.push(msg::VAR_RATIO.get(lang));
    let n = headers.len();
    let mut t = TextTable::new(headers, (0..n).map(|i| i > 0).collect());
    for r in rows {
        let f = |x: Option<f64>| x.map_or_else(dash, |v| fmt_num(v, 3, lang));
        let mut row = vec![format!(
            "{}{}",
            r.covariate,
            if r.flagged { " †" } else { "" }
        )];
        row.push(f(r.smd_before));
        if after {
            row.push(f(r.smd_after));
            row.push(f(r.var_ratio_after.or(r.var_ratio_before)));
        } else {
            row.push(f(r.var_ratio_before));
        }
        t.rows.push(row);
    }
    t
}

/// Missing values per outcome.
pub fn missing_table(m: &MissingSection, threshold: u32, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            match lang {
                Language::En => "Outcome",
                Language::Sv => "Utfallsmått",
            },
            match lang {
                Language::En => "Rows left out",
                Language::Sv => "Uteslutna rader",
            },
            match lang {
                Language::En => "Missing by column",
                Language::Sv => "Saknade per variabel",
            },
        ],
        vec![false, true, false],
    );
    for r in &m.by_outcome {
        let cols = r
            .by_column
            .iter()
            .map(|c| format!("{}: {}", c.column, opt_count(c.count, threshold, lang)))
            .collect::<Vec<_>>()
            .join("; ");
        t.rows.push(vec![
            r.outcome.clone(),
            opt_count(r.rows_dropped, threshold, lang),
            cols,
        ]);
    }
    t
}

/// Contract thresholds.
pub fn contract_threshold_table(c: &ContractSection, lang: Language) -> TextTable {
    let mut t = TextTable::new(
        vec![
            msg::THRESHOLD.get(lang),
            msg::PROBABILITY_MET.get(lang),
            msg::MET_AT_POINT.get(lang),
        ],
        vec![false, true, false],
    );
    for th in &c.evaluation.thresholds {
        t.rows.push(vec![
            th.label.clone(),
            fmt_percent(th.probability, lang),
            if th.point_met {
                msg::YES.get(lang)
            } else {
                msg::NO.get(lang)
            }
            .into(),
        ]);
    }
    t
}

/// Contract payments per party.
pub fn contract_party_table(c: &ContractSection, lang: Language) -> TextTable {
    let e = &c.evaluation;
    let lvl = crate::i18n::fmt_level(e.level, lang);
    let interval = format!("{lvl} {}", msg::INTERVAL.get(lang).to_lowercase());
    let mut t = TextTable::new(
        vec![
            msg::PARTY.get(lang),
            "",
            msg::AT_POINT.get(lang),
            msg::EXPECTED.get(lang),
            &interval,
        ],
        vec![false, false, true, true, true],
    );
    for p in &e.parties {
        for (side, s) in [(msg::PAYS, &p.paid), (msg::RECEIVES, &p.received)] {
            if let Some(s) = s {
                t.rows.push(vec![
                    p.name.clone(),
                    side.get(lang).to_string(),
                    fmt_money(s.point, &e.currency, lang),
                    fmt_money(s.mean, &e.currency, lang),
                    format!(
                        "{} {} {}",
                        fmt_num(s.conf_low, 0, lang),
                        msg::TO.get(lang),
                        fmt_num(s.conf_high, 0, lang)
                    ),
                ]);
            }
        }
    }
    t
}

/// Reproducibility manifest.
pub fn manifest_table(m: &Manifest, lang: Language) -> TextTable {
    let mut t = TextTable::new(vec!["", ""], vec![false, false]);
    let rows: Vec<(&str, String)> = vec![
        (msg::EFFEKT_VERSION.get(lang), m.effekt_version.clone()),
        (msg::SCHEMA_VERSION.get(lang), m.schema_version.to_string()),
        (
            msg::STUDY_FILE.get(lang),
            format!("{} (SHA-256 {})", m.study_file, m.study_sha256),
        ),
        (msg::DATA_FILE.get(lang), m.data_file.clone()),
        (msg::SHA256.get(lang), m.data_sha256.clone()),
        (msg::SEED.get(lang), m.seed.to_string()),
        (
            msg::RESAMPLES.get(lang),
            fmt_num(m.resamples as f64, 0, lang),
        ),
        (msg::LEVEL.get(lang), crate::i18n::fmt_level(m.level, lang)),
    ];
    for (k, v) in rows {
        t.rows.push(vec![k.to_string(), v]);
    }
    t
}
