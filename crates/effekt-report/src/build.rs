//! From estimates to the document model: scales, sentences, and the privacy rules.
//!
//! # Privacy rules
//!
//! With threshold `k` (default 5, never below 3), a count of 1 to `k − 1` individuals is
//! *small*. Zero counts are shown: an empty cell identifies nobody.
//!
//! Primary suppression:
//! * an outcome whose treated or comparison group is small shows no statistic at all
//!   (headline, counterfactual, tables, plots, subgroups, and the warnings, which can state
//!   group sizes); its n's are shown under the rules below;
//! * so does a 0/1 outcome with a small number of individuals *with* or *without* the outcome
//!   in an arm (events or non-events): a share together with its group size is a count
//!   (7.5 % of 40 is 3), and every effect measure of a 2×2 table with known group sizes gives
//!   the table back. The check is the one an outsider would make: share × group size, for
//!   every share the report would show with its group size (observed, comparison and
//!   counterfactual means, the 2×2 risks), when the product is a whole number;
//! * a subgroup breakdown in which any level has a small count in an arm, or (0/1 outcomes)
//!   small events or non-events in an arm, is suppressed as a whole (with the total shown, one
//!   small level could otherwise be derived from the others);
//! * a wave of the trajectory with a small count, or small events or non-events, in an arm is
//!   suppressed (its statistics; the count of the other arm follows the rules below);
//! * matching: the comparison group's mean before matching is not shown when it gives small
//!   events or non-events among all comparison units;
//! * randomised designs: a balance row of a 0/1 covariate (a level of a categorical column, or
//!   a column of 0s and 1s) held, or not held, by a small number of individuals in an arm is
//!   left empty — the standardised difference and the variance ratio of an indicator give
//!   both shares back (matching's balance rows follow the same rule in its adapter);
//! * every other small count (rows left out, missing values per column, matched, unmatched
//!   and dropped units, units without a subgroup level, units in the file) is shown as "< k";
//! * the contract and the power curve are suppressed when an outcome they use is.
//!
//! Complementary suppression ([`disclosure`], the cells and links in [`counts`]): the counts
//! of a report are linked — rows of the file = analysed + left out, n = treated + comparison,
//! the analysed wave's rows = n + left out for every outcome, waves × rows of a wave = rows of
//! a balanced panel, the trajectory's arms at the analysed wave = the outcome's arms, levels +
//! units without a level = the arm, all = matched + left out, left out = Σ reasons, rows left
//! out between the largest and the sum of the per-column missing counts. When a small count
//! could be derived through these links (by subtracting the published parts from a published
//! total, along any chain of links), further counts are *coarsened*: published as the range
//! the exact counts allow (JSON `{"low", "high"}`, shown "about 80" / "ca 80"), chosen in the
//! order a statistics agency would give up detail — first the file's rows and units, then
//! missing-value counts, then wave, subgroup-level and left-out counts, then totals, and arms
//! only when nothing else protects. A range is computed from the exact counts alone, so it reveals
//! nothing beyond "< k". A matched group's effective sample size is shown only with its exact
//! count (with equal weights it is the count); a subgroup note on units without a level
//! shows their number as published.
//!
//! Every suppression and coarsening is listed in [`crate::model::PrivacySection`] in the
//! report's language, and the privacy statement says when counts were rounded.

mod checks;
mod counts;
mod credibility;
mod headline;
mod sections;

pub use credibility::grade_word;
mod disclosure;

use crate::analysis::subgroups::SubgroupRaw;
use crate::analysis::{OutcomeEstimate, PeriodRaw, Prepared, is_small};
use crate::i18n::{Language, fmt_count_shown, fmt_num, msg, sentences};
use crate::model::*;
use crate::study::{DesignConfig, ResolvedOutcome, Study};
use crate::templates::OutcomeType;
use counts::{Counts, Slot, Stage};
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
        is_small(n, self.threshold)
    }

    /// Record a suppression.
    pub fn note(&mut self, location: String, reason: String) {
        self.suppressions.push(Suppression { location, reason });
    }

    /// Record that `location` is not shown, with the reason for `why`.
    fn note_why(&mut self, location: String, why: Why) {
        let reason = match why {
            Why::SmallGroup => sentences::suppressed(&location, self.threshold, self.lang),
            Why::FewEvents => sentences::suppressed_events(&location, self.threshold, self.lang),
        };
        self.note(location, reason);
    }
}

/// Why statistics are not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A group has 1 … k − 1 individuals.
    SmallGroup,
    /// 0/1 outcome: 1 … k − 1 individuals in a group with, or without, the outcome.
    FewEvents,
}

/// Whether a share of a 0/1 variable among `n` individuals gives a small count of individuals
/// with it or without it: `share × n` is a whole number (within 10⁻⁶) `e` and `e` or `n − e`
/// is between 1 and `threshold − 1`. A weighted mean is not a count and passes.
pub fn few_events(share: f64, n: usize, threshold: u32) -> bool {
    if !share.is_finite() || n == 0 {
        return false;
    }
    let e = share * n as f64;
    let r = e.round();
    if (e - r).abs() > 1e-6 || r < 0.0 || r > n as f64 {
        return false;
    }
    let r = r as usize;
    is_small(r, threshold) || is_small(n - r, threshold)
}

/// One point of the published trajectory and whether its statistics are suppressed.
#[derive(Debug, Clone)]
pub struct WavePlan {
    /// The point as estimated.
    pub point: PeriodRaw,
    /// Why it is suppressed, if it is.
    pub suppressed: Option<Why>,
}

/// What primary suppression leaves of one outcome (decided before the counts).
#[derive(Debug, Clone)]
pub struct OutcomePlan {
    /// Why the outcome's statistics are not shown, if they are not.
    pub suppressed: Option<Why>,
    /// The trajectory as published (empty with fewer than two points).
    pub waves: Vec<WavePlan>,
    /// Per subgroup: why the breakdown is suppressed and the levels that caused it.
    pub subgroups: Vec<Option<(Why, Vec<String>)>>,
    /// Whether the comparison mean before matching is left out.
    pub hide_unadjusted: bool,
}

/// Primary suppression of one outcome's statistics.
pub fn plan_outcome(r: &OutcomeResult, threshold: u32) -> OutcomePlan {
    let e = &r.estimate;
    let binary = r.prepared.outcome.outcome_type == OutcomeType::Binary;
    let few = |share: f64, n: usize| binary && few_events(share, n, threshold);
    let small = |n: usize| is_small(n, threshold);
    let cf = &e.counterfactual;
    let risks = e
        .binary
        .as_ref()
        .is_some_and(|b| few(b.risk_treated, e.n_treated) || few(b.risk_control, e.n_control));
    let suppressed = if small(e.n_treated) || small(e.n_control) {
        Some(Why::SmallGroup)
    } else if few(cf.treated_observed, e.n_treated)
        || few(cf.control, e.n_control)
        || few(cf.treated_counterfactual, e.n_control)
        || risks
    {
        Some(Why::FewEvents)
    } else {
        None
    };
    let hide_unadjusted = match (e.control_unadjusted, &e.sample) {
        (Some(u), Some(s)) => few(u, s.control.all),
        (Some(u), None) => few(u, e.n_control),
        _ => false,
    };
    let trajectory = e.trajectory.as_ref().unwrap_or(&r.prepared.trajectory);
    let waves = if trajectory.len() > 1 {
        trajectory
            .iter()
            .map(|p| WavePlan {
                point: p.clone(),
                suppressed: if small(p.n_treated) || small(p.n_control) {
                    Some(Why::SmallGroup)
                } else if few(p.treated_mean, p.n_treated)
                    || few(p.control_mean, p.n_control)
                    || few(p.counterfactual, p.n_control)
                {
                    Some(Why::FewEvents)
                } else {
                    None
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    let subgroups = r
        .subgroups
        .iter()
        .map(|s| {
            let levels = |bad: &dyn Fn(&crate::analysis::subgroups::LevelRaw) -> bool| {
                s.levels
                    .iter()
                    .filter(|l| bad(l))
                    .map(|l| l.level.clone())
                    .collect::<Vec<_>>()
            };
            let small_levels = levels(&|l| small(l.n_treated) || small(l.n_control));
            if !small_levels.is_empty() {
                return Some((Why::SmallGroup, small_levels));
            }
            let few_levels =
                levels(&|l| few(l.treated_mean, l.n_treated) || few(l.control_mean, l.n_control));
            (!few_levels.is_empty()).then_some((Why::FewEvents, few_levels))
        })
        .collect();
    OutcomePlan {
        suppressed,
        waves,
        subgroups,
        hide_unadjusted,
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

/// The outcome's location prefix in suppression notes: "closed — n treated".
fn at(outcome: &ResolvedOutcome, what: &str) -> String {
    format!("{} — {what}", outcome.column)
}

/// Remove the warnings that state an arm's size when that size is not published exactly
/// (effekt-rct's small-group warning).
fn without_size_warnings(
    warnings: &[String],
    e: &OutcomeEstimate,
    exact: [bool; 2],
    lang: Language,
) -> Vec<String> {
    let min = crate::adapt::SMALL_GROUP;
    let hidden: Vec<String> = [
        (true, e.n_treated, exact[0]),
        (false, e.n_control, exact[1]),
    ]
    .into_iter()
    .filter(|(_, _, shown)| !shown)
    .map(|(treated, k, _)| crate::i18n::inference::small_group(treated, k, min, lang))
    .collect();
    warnings
        .iter()
        .filter(|w| !hidden.contains(w))
        .cloned()
        .collect()
}

/// Build one outcome section (applying privacy) — used by [`build_report`].
fn outcome_section(
    (i, r, plan): (usize, &OutcomeResult, &OutcomePlan),
    (study, table): (&Study, &Table),
    counts: &mut Counts,
    privacy: &mut Privacy,
) -> OutcomeSection {
    let lang = privacy.lang;
    let outcome = &r.prepared.outcome;
    let e = &r.estimate;
    let label = outcome.label(lang).to_string();
    let n_treated = counts.get(
        Slot::Treated(i),
        &at(outcome, msg::N_TREATED.get(lang)),
        true,
        privacy,
    );
    let n_control = counts.get(
        Slot::Control(i),
        &at(outcome, msg::N_CONTROL.get(lang)),
        true,
        privacy,
    );
    let n = counts.get(Slot::N(i), &at(outcome, msg::N.get(lang)), true, privacy);
    let exact = [n_treated.is_exact(), n_control.is_exact()];
    let inference = InferenceDoc {
        method: e.inference.method.clone(),
        reason: e.inference.reason.clone(),
        warnings: without_size_warnings(&e.inference.warnings, e, exact, lang),
        seed: e.seed,
        resamples: e.resamples.map(|b| b as u64),
    };
    let mut section = OutcomeSection {
        id: outcome.column.clone(),
        label: label.clone(),
        template: outcome.template,
        outcome_type: outcome.outcome_type,
        scale: scale_of(outcome, lang),
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
            warnings: without_size_warnings(&e.warnings, e, exact, lang),
            ..Robustness::default()
        },
        checks: Vec::new(),
        effect_size: None,
        role: credibility::role(study, &outcome.column),
        domain: study
            .config
            .outcomes
            .iter()
            .find(|o| o.column == outcome.column)
            .and_then(|o| o.domain.clone()),
        certainty: None,
        conclusion: None,
        multiplicity: None,
        plots: OutcomePlots::default(),
    };
    if let Some(why) = plan.suppressed {
        // The warnings speak of the statistics not shown (and can state group sizes).
        section.inference.warnings.clear();
        section.robustness.warnings.clear();
        privacy.note_why(format!("{} ({label})", outcome.column), why);
        return section;
    }
    headline::headline(r, plan, study, &mut section, lang);
    for location in &e.suppressed {
        privacy.note(
            location.clone(),
            sentences::suppressed(location, privacy.threshold, lang),
        );
    }
    if plan.hide_unadjusted {
        privacy.note_why(
            at(outcome, msg::CONTROL_UNADJUSTED.get(lang)),
            Why::FewEvents,
        );
    }
    section.tidy = e.tidy.clone();
    section.robustness.alternatives = e.alternatives.clone();
    section.robustness.balance = if e.balance_is_matching {
        e.balance.clone()
    } else {
        between_arms_balance(r, table, privacy)
    };
    section.robustness.pre_trend = e.pre_trend.clone();
    section.robustness.binary = e.binary.clone();
    section.robustness.decomposition = e.decomposition.clone();
    section.sample = e
        .sample
        .as_ref()
        .map(|smp| matched_sample(i, outcome, smp, counts, privacy));
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
    section.plots.trajectory = trajectory(i, outcome, plan, counts, privacy);
    let sd = effekt_models::effect_size::pooled_sd(&r.prepared.y, &r.prepared.treated).ok();
    let small = e.n_treated.min(e.n_control) < effekt_notes::checks::SMALL_GROUP;
    let intake = r.prepared.periods.first().copied();
    checks::apply(&mut section, study, (sd, small, intake), lang);
    section.effect_size = headline::effect_size(r, &section, study, lang);
    credibility::rate(&mut section, study, lang);
    for (j, s) in r.subgroups.iter().enumerate() {
        let suppressed = plan.subgroups.get(j).cloned().flatten();
        section.subgroups.push(subgroup_section(
            (i, j, s),
            suppressed,
            outcome,
            counts,
            privacy,
        ));
    }
    section
}

/// Individuals of each arm holding and not holding a 0/1 covariate of a between-arms balance
/// row ("column: level" of a categorical column, or a numeric column of 0s and 1s); `None`
/// for other covariates.
fn indicator_counts(row: &str, table: &Table, prep: &Prepared) -> Option<[usize; 4]> {
    let (column, level) = match row.split_once(": ") {
        Some((c, l)) if table.column(c).is_ok() => (c, Some(l)),
        _ => (row, None),
    };
    let col = table.column(column).ok()?;
    let values = table.numeric(column).ok();
    let mut counts = [0usize; 4]; // treated ones, treated zeros, comparison ones, zeros
    for (&i, &t) in prep.rows.iter().zip(&prep.treated) {
        let one = match (level, &values) {
            (Some(l), _) => col.data.display(i).map(|v| v == l),
            (None, Some(v)) => match v.get(i).copied().flatten() {
                Some(x) if x == 0.0 || x == 1.0 => Some(x == 1.0),
                Some(_) => return None,
                None => None,
            },
            (None, None) => return None,
        };
        if let Some(one) = one {
            counts[2 * usize::from(!t) + usize::from(!one)] += 1;
        }
    }
    Some(counts)
}

/// The between-arms balance table with the rows of 0/1 covariates held (or not held) by
/// 1 … k − 1 individuals of an arm left empty: the standardised difference and the variance
/// ratio of an indicator give both shares back, and with the arms' sizes the counts.
fn between_arms_balance(
    r: &OutcomeResult,
    table: &Table,
    privacy: &mut Privacy,
) -> Vec<BalanceRow> {
    let outcome = &r.prepared.outcome;
    let mut rows = r.estimate.balance.clone();
    for row in &mut rows {
        let small = indicator_counts(&row.covariate, table, &r.prepared)
            .is_some_and(|c| c.iter().any(|&k| privacy.is_small(k)));
        if small {
            row.smd_before = None;
            row.smd_after = None;
            row.var_ratio_before = None;
            row.var_ratio_after = None;
            row.flagged = false;
            let location = at(outcome, &format!("balance: {}", row.covariate));
            privacy.note(
                location.clone(),
                sentences::suppressed(&location, privacy.threshold, privacy.lang),
            );
        }
    }
    rows
}

/// The matched sample with its counts as published.
fn matched_sample(
    i: usize,
    outcome: &ResolvedOutcome,
    smp: &crate::analysis::SampleRaw,
    counts: &mut Counts,
    privacy: &mut Privacy,
) -> MatchedSample {
    let lang = privacy.lang;
    let mut group = |treated: bool, g: &crate::analysis::GroupCountsRaw| {
        let who = if treated { msg::TREATED } else { msg::CONTROL }.get(lang);
        let mut get = |stage: Stage, what: &str| {
            let location = at(outcome, &format!("{who}, {what}"));
            counts.get(Slot::Sample(i, treated, stage), &location, true, privacy)
        };
        let all = get(Stage::All, "all");
        let matched = get(Stage::Matched, "matched");
        let unmatched = get(Stage::Unmatched, "unmatched");
        SampleCounts {
            all,
            matched,
            unmatched,
            effective: matched.is_exact().then_some(g.effective),
        }
    };
    let treated = group(true, &smp.treated);
    let control = group(false, &smp.control);
    let dropped = smp
        .dropped
        .iter()
        .enumerate()
        .map(|(j, (group, reason, _, description))| DroppedUnits {
            group: group.clone(),
            reason: reason.clone(),
            count: counts.get(
                Slot::Reason(i, j),
                &at(outcome, &format!("{group}, {description}")),
                true,
                privacy,
            ),
            description: description.clone(),
        })
        .collect();
    MatchedSample {
        treated,
        control,
        dropped,
        method: smp.method.clone(),
    }
}

/// The trajectory as published: the design's (matched comparison, DiD counterfactual) or the
/// randomised comparison's observed means per wave, suppressed waves without statistics.
fn trajectory(
    i: usize,
    outcome: &ResolvedOutcome,
    plan: &OutcomePlan,
    counts: &mut Counts,
    privacy: &mut Privacy,
) -> Vec<PeriodPoint> {
    let lang = privacy.lang;
    let mut out = Vec::new();
    for (j, w) in plan.waves.iter().enumerate() {
        let p = &w.point;
        let location = at(
            outcome,
            &format!(
                "{} {}",
                msg::PERIOD.get(lang).to_lowercase(),
                crate::i18n::fmt_period(p.period, lang)
            ),
        );
        if let Some(why) = w.suppressed {
            privacy.note_why(location.clone(), why);
        }
        let mut arm = |treated: bool| {
            let who = if treated { msg::TREATED } else { msg::CONTROL }.get(lang);
            let at_arm = format!("{location}, {}", who.to_lowercase());
            counts.get(Slot::Wave(i, j, treated), &at_arm, false, privacy)
        };
        let (n_treated, n_control) = (arm(true), arm(false));
        if w.suppressed.is_some() {
            out.push(PeriodPoint {
                period: p.period,
                suppressed: true,
                n_treated,
                n_control,
                treated_observed: None,
                treated_counterfactual: None,
                control: None,
                effect: None,
            });
            continue;
        }
        let both = p.n_treated > 0 && p.n_control > 0;
        out.push(PeriodPoint {
            period: p.period,
            suppressed: false,
            n_treated,
            n_control,
            treated_observed: finite(p.treated_mean),
            treated_counterfactual: if both { finite(p.counterfactual) } else { None },
            control: finite(p.control_mean),
            effect: if both { finite(p.effect) } else { None },
        });
    }
    out
}

fn subgroup_section(
    (i, j, s): (usize, usize, &SubgroupRaw),
    suppressed: Option<(Why, Vec<String>)>,
    outcome: &ResolvedOutcome,
    counts: &mut Counts,
    privacy: &mut Privacy,
) -> SubgroupSection {
    let lang = privacy.lang;
    if let Some((why, small)) = suppressed {
        // The regression notes (e.g. "fewer than 2 units in an arm") would reveal small counts.
        let levels = small
            .iter()
            .map(|l| format!("{} = {l}", s.column))
            .collect::<Vec<_>>()
            .join(", ");
        let reason = match why {
            Why::SmallGroup => {
                sentences::suppressed_subgroup(&s.column, &levels, privacy.threshold, lang)
            }
            Why::FewEvents => {
                sentences::suppressed_subgroup_events(&s.column, &levels, privacy.threshold, lang)
            }
        };
        privacy.note(at(outcome, &s.column), reason.clone());
        return SubgroupSection {
            column: s.column.clone(),
            is_sex: s.is_sex,
            levels: s
                .levels
                .iter()
                .map(|l| SubgroupEffect {
                    level: l.level.clone(),
                    suppressed: true,
                    n_treated: Count::Suppressed,
                    n_control: Count::Suppressed,
                    treated_observed: None,
                    control: None,
                    estimate: None,
                    std_error: None,
                    conf_low: None,
                    conf_high: None,
                    p_value: None,
                    p_adjusted: None,
                })
                .collect(),
            difference_test: None,
            notes: vec![reason],
        };
    }
    let mut notes = s.notes.clone();
    if s.missing > 0 {
        let location = at(
            outcome,
            &format!("{}, {}", s.column, msg::NO_VALUE.get(lang)),
        );
        let shown = counts.get(Slot::LevelMissing(i, j), &location, true, privacy);
        let tx = crate::i18n::inference::subgroup_missing(s.missing, &s.column, lang);
        if !shown.is_exact()
            && let Some(note) = notes.iter_mut().find(|n| **n == tx)
        {
            *note = crate::i18n::inference::subgroup_missing_shown(
                &fmt_count_shown(shown, privacy.threshold, lang),
                &s.column,
                lang,
            );
        }
    }
    let levels = s
        .levels
        .iter()
        .enumerate()
        .map(|(l, raw)| {
            let mut arm = |treated: bool| {
                let who = if treated { msg::TREATED } else { msg::CONTROL }.get(lang);
                let location = at(outcome, &format!("{} = {}, {}", s.column, raw.level, who));
                counts.get(Slot::Level(i, j, l, treated), &location, true, privacy)
            };
            SubgroupEffect {
                level: raw.level.clone(),
                suppressed: false,
                n_treated: arm(true),
                n_control: arm(false),
                treated_observed: finite(raw.treated_mean),
                control: finite(raw.control_mean),
                estimate: raw.estimate,
                std_error: raw.std_error,
                conf_low: raw.conf_low,
                conf_high: raw.conf_high,
                p_value: raw.p_value,
                p_adjusted: None,
            }
        })
        .collect();
    SubgroupSection {
        column: s.column.clone(),
        is_sex: s.is_sex,
        levels,
        difference_test: s.test.clone(),
        notes,
    }
}

/// Distinct non-missing labels of a column.
fn n_distinct(table: &Table, column: &str) -> Option<u64> {
    let col = table.column(column).ok()?;
    let mut labels: Vec<String> = (0..table.nrows())
        .filter_map(|i| col.data.display(i))
        .collect();
    labels.sort();
    labels.dedup();
    Some(labels.len() as u64)
}

/// The methods appendix entries the report uses.
fn included(
    study: &Study,
    (results, outcomes): (&[OutcomeResult], &[OutcomeSection]),
    contract: bool,
    power: bool,
) -> crate::methods::Included {
    let c = &study.config;
    let rct_estimator = match &c.design {
        DesignConfig::Rct(d) => Some(d.estimator),
        _ => None,
    };
    crate::methods::Included {
        difference_in_means: matches!(c.design, DesignConfig::Rct(_)),
        regression_adjustment: rct_estimator
            .is_some_and(|e| e != crate::study::RctEstimator::DifferenceInMeans),
        randomization_inference: results.iter().any(|r| r.estimate.randomization_inference),
        binary: results.iter().any(|r| r.estimate.binary.is_some()),
        matching: matches!(c.design, DesignConfig::Matching(_)),
        did: matches!(c.design, DesignConfig::Did(_)),
        wild_bootstrap: results.iter().any(|r| r.estimate.wild_bootstrap),
        bacon: results.iter().any(|r| r.estimate.decomposition.is_some()),
        bootstrap: results.iter().any(|r| r.estimate.bootstrap.is_some()),
        subgroups: results.iter().any(|r| !r.subgroups.is_empty()),
        subgroups_refit: !matches!(c.design, DesignConfig::Rct(_)),
        balance: results.iter().any(|r| !r.estimate.balance.is_empty()),
        contract,
        power,
        checks: outcomes
            .iter()
            .any(|o| !o.checks.is_empty() || o.certainty.is_some()),
        effect_sizes: outcomes.iter().any(|o| o.effect_size.is_some()),
    }
}

/// Assemble the report.
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
    let plans: Vec<OutcomePlan> = results
        .iter()
        .map(|r| plan_outcome(r, privacy.threshold))
        .collect();
    let mut counts = counts::register(study, inputs.table, results, &plans, privacy.threshold);
    let outcomes: Vec<OutcomeSection> = results
        .iter()
        .zip(&plans)
        .enumerate()
        .map(|(i, (r, plan))| {
            outcome_section(
                (i, r, plan),
                (study, inputs.table),
                &mut counts,
                &mut privacy,
            )
        })
        .collect();
    let any_suppressed_outcome = outcomes.iter().any(|o| o.headline.is_none());
    let (data, summary) = sections::data_section(inputs, results, &mut counts, &mut privacy);

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

    let mut outcomes = outcomes;
    credibility::adjust(&mut outcomes);
    // Every design check that did not pass, outcome by outcome, before the run's own warnings.
    let raised = outcomes.iter().flat_map(|o| {
        o.checks
            .iter()
            .filter(|c| c.check.raised())
            .map(move |c| format!("{}: {}", o.label, c.text))
    });
    warnings.splice(0..0, raised.collect::<Vec<_>>());
    let inc = included(
        study,
        (results, &outcomes),
        contract.is_some(),
        power.is_some(),
    );
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
    let mut statement = msg::PRIVACY_STATEMENT.get(lang).to_string();
    if counts.any_coarsened() {
        statement.push(' ');
        statement.push_str(msg::PRIVACY_COARSENED.get(lang));
    }
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        language: lang,
        title,
        study: StudySection {
            question: c.study.question(lang),
            intervention: intervention_name(study, lang),
            comparison: c.study.comparison(lang),
            design: sections::design_section(study, results, lang),
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
