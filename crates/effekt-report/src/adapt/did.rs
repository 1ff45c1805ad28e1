//! Difference-in-differences designs through effekt-did.
//!
//! The whole panel (every kept row of `data.unit` × `data.time`) goes to effekt-did:
//!
//! * **Headline** by `design.method`: the 2×2 interaction, the TWFE coefficient, the event
//!   study's average post-treatment coefficient ([`effekt_did::fit`]), or the chosen
//!   aggregation of Callaway & Sant'Anna's ATT(g,t) ([`effekt_did::cs::fit_cs`]; `simple` by
//!   default), each with the crate's default inference: CR2 with Satterthwaite df below 30
//!   clusters and CR1 otherwise for the regressions; influence-function standard errors from the
//!   multiplier bootstrap (the study's B and seed, uniform bands) for Callaway–Sant'Anna.
//!   Treatment is the indicator `data.treatment` or, with `design.first_treated`, the
//!   first-treated period (0 or empty = never treated); Callaway–Sant'Anna derives the cohorts
//!   from the indicator when no column is given, as `effekt did` does.
//! * **Trajectory**: observed mean of the ever-treated units at every period and the estimated
//!   counterfactual (observed − the period's mean effect over those units; effekt-did's
//!   `by_period` for the regressions; for Callaway–Sant'Anna the ATT(g,t) of the cohorts
//!   treated by then, averaged over all ever-treated units observed in the period, rows not
//!   yet treated contributing 0, which is effekt-did's definition applied to the ATT(g,t)).
//! * **Event study and pre-trend test**: the dynamic aggregation and the Wald pre-test of
//!   Callaway–Sant'Anna, or a TWFE event study (leads and lags, reference −1 unless
//!   `reference_period` says otherwise) with its joint F test.
//! * **Robustness**: TWFE beside Callaway–Sant'Anna (whichever is not the headline), the other
//!   Callaway–Sant'Anna aggregations, the Goodman-Bacon decomposition of the TWFE coefficient
//!   (balanced panels without covariates), and the wild cluster bootstrap (WCR; `wild_weights`)
//!   of the TWFE / 2×2 coefficient — always with fewer than 30 clusters, otherwise when
//!   `wild_bootstrap` is set.
//! * **Privacy**: event times, cohorts and calendar periods whose effect rests on fewer treated
//!   units than the threshold are left out of the plots and tables (and listed); so is the
//!   counterfactual of a period in which fewer units than that were treated.
//!
//! There are no bootstrap replicates of the effect (the multiplier and wild bootstraps return
//! summaries), so a `[contract]` cannot be evaluated on a DiD study; the runner says so.

use super::{AdapterInput, SubEstimate};
use crate::analysis::{OutcomeEstimate, PeriodRaw, Prepared, is_small};
use crate::error::ReportError;
use crate::i18n::{Language, inference as tx};
use crate::model::{
    AlternativeEstimate, DecompositionDoc, DecompositionRow, EventCoefficient, PreTrendTest,
    TidyRowDoc, finite,
};
use crate::study::{
    DidAggregate, DidControl, DidDesign, DidEstimator, DidMethod, DidSampling, Study,
};
use effekt_data::Table;
use effekt_did::cs::{Aggregation, ControlGroup, CsConfig, CsData, CsEstimate, CsEstimator, CsFit};
use effekt_did::{
    DidConfig, DidData, DidFit, Panel, VcovChoice, WildBootstrapConfig, WildKind, WildWeights,
};
use effekt_models::{Counterfactual, TidyRow};

/// The inference note of a report: warnings already in the reader's language.
type InferenceNote = effekt_models::InferenceNote<String>;
use effekt_resample::ProgressFn;

/// Every option of `kind = "did"` is available.
///
/// # Errors
/// Never; kept for the dispatch in [`super::check_available`].
pub fn available(_design: &DidDesign) -> Result<(), ReportError> {
    Ok(())
}

fn err(outcome: &str, e: impl std::fmt::Display) -> ReportError {
    ReportError::Estimation {
        outcome: outcome.to_string(),
        message: e.to_string(),
    }
}

/// The panel for effekt-did from the analysis rows.
///
/// # Errors
/// The first-treated column is not numeric; effekt-did's role errors.
pub fn did_data(study: &Study, table: &Table, prep: &Prepared) -> Result<DidData, ReportError> {
    let outcome = prep.outcome.column.as_str();
    let c = &study.config;
    let design = match &c.design {
        crate::study::DesignConfig::Did(d) => d,
        _ => return Err(ReportError::Internal("did_data on a non-DiD study".into())),
    };
    let first = match &design.first_treated {
        Some(col) => {
            let values = table.numeric(col).map_err(|source| ReportError::Data {
                context: format!("design.first_treated `{col}`"),
                source: Box::new(source),
            })?;
            Some((
                col.clone(),
                prep.rows
                    .iter()
                    .map(|&i| values.get(i).copied().flatten())
                    .collect(),
            ))
        }
        None => None,
    };
    let row_numbers: Vec<usize> = prep.rows.iter().map(|&i| table.row_number(i)).collect();
    let mut data = DidData::from_dataset(
        &prep.data,
        first,
        Some(c.data.treatment.clone()),
        Some(row_numbers),
    )
    .map_err(|e| err(outcome, e))?;
    data.outcome_name = outcome.to_string();
    if let Some(t) = &c.data.time {
        data.time_name = t.clone();
    }
    Ok(data)
}

/// First-treated period per table row (0 or empty = never), from `design.first_treated` or
/// derived from the treatment indicator (the first period with treatment 1).
fn first_treated_by_row(
    design: &DidDesign,
    table: &Table,
    prep: &Prepared,
    data: &DidData,
    panel: &Panel,
) -> Result<Vec<Option<f64>>, ReportError> {
    if let Some(col) = &design.first_treated {
        return table.numeric(col).map_err(|source| ReportError::Data {
            context: format!("design.first_treated `{col}`"),
            source: Box::new(source),
        });
    }
    let _ = data;
    let mut full = vec![None; table.nrows()];
    for (k, &i) in prep.rows.iter().enumerate() {
        if let (Some(f), Some(u)) = (full.get_mut(i), panel.unit.get(k)) {
            *f = panel
                .cohort
                .get(*u)
                .copied()
                .flatten()
                .and_then(|g| panel.periods.get(g).copied());
        }
    }
    Ok(full)
}

/// The wild bootstrap's warnings in the report's language: Webb weights chosen because there
/// are too few clusters for Rademacher weights, or Rademacher weights asked for with too few
/// clusters (effekt-did's [`effekt_did::RADEMACHER_MIN_CLUSTERS`]).
fn wild_warnings(fit: &DidFit, lang: crate::i18n::Language) -> Vec<String> {
    match fit.wild_bootstrap() {
        Some(w) if !w.warnings.is_empty() => vec![tx::wild_few_clusters(
            w.n_clusters,
            w.weights == WildWeights::Webb,
            lang,
        )],
        _ => Vec::new(),
    }
}

fn wild_config(
    study: &Study,
    design: &DidDesign,
    n_clusters: usize,
) -> Option<WildBootstrapConfig> {
    let few = n_clusters < effekt_did::FEW_CLUSTERS;
    if design.wild_bootstrap.is_none() && !few {
        return None;
    }
    Some(WildBootstrapConfig {
        resamples: design.wild_bootstrap.unwrap_or(9_999),
        weights: match design.wild_weights {
            crate::study::WildWeights::Auto => WildWeights::Auto,
            crate::study::WildWeights::Rademacher => WildWeights::Rademacher,
            crate::study::WildWeights::Webb => WildWeights::Webb,
            crate::study::WildWeights::Mammen => WildWeights::Mammen,
        },
        kind: WildKind::Wcr,
        seed: study.config.inference.seed,
        level: study.config.inference.level,
        ..WildBootstrapConfig::default()
    })
}

fn did_config(
    study: &Study,
    design: &DidDesign,
    method: effekt_did::DidMethod,
    wild: Option<WildBootstrapConfig>,
) -> DidConfig {
    DidConfig {
        method,
        vcov: VcovChoice::Auto,
        level: study.config.inference.level,
        reference: design.reference_period.unwrap_or(-1),
        window: None,
        wild_bootstrap: wild,
        decompose: true,
    }
}

fn cs_config(study: &Study, design: &DidDesign, bootstrap: usize) -> CsConfig {
    CsConfig {
        control_group: match design.control {
            DidControl::NeverTreated => ControlGroup::NeverTreated,
            DidControl::NotYetTreated => ControlGroup::NotYetTreated,
        },
        estimator: match design.estimator {
            DidEstimator::Dr => CsEstimator::Dr,
            DidEstimator::Ipw => CsEstimator::Ipw,
            DidEstimator::Or => CsEstimator::Or,
        },
        anticipation: design.anticipation,
        sampling: match design.sampling {
            DidSampling::Panel => effekt_did::cs::Sampling::Panel,
            DidSampling::UnbalancedPanel => effekt_did::cs::Sampling::UnbalancedPanel,
        },
        aggregations: vec![
            Aggregation::Simple,
            Aggregation::Group,
            Aggregation::Dynamic,
            Aggregation::Calendar,
        ],
        bootstrap,
        seed: study.config.inference.seed,
        level: study.config.inference.level,
        cluster: study.config.data.cluster.clone(),
        ..CsConfig::default()
    }
}

fn fit_cs(
    study: &Study,
    design: &DidDesign,
    prep: &Prepared,
    first: &[Option<f64>],
    bootstrap: usize,
    progress: Option<ProgressFn<'_>>,
) -> Result<CsFit, ReportError> {
    let outcome = prep.outcome.column.as_str();
    let input = CsData::from_dataset(&prep.data, first).map_err(|e| err(outcome, e))?;
    effekt_did::cs::fit_cs(&input, &cs_config(study, design, bootstrap), progress)
        .map_err(|e| err(outcome, e))
}

/// The headline of a Callaway–Sant'Anna fit under the chosen aggregation.
fn cs_headline(fit: &CsFit, aggregate: DidAggregate) -> Option<&CsEstimate> {
    match aggregate {
        DidAggregate::Simple => Some(&fit.simple),
        DidAggregate::Group => fit.group.as_ref().map(|a| &a.overall),
        DidAggregate::Dynamic => fit.dynamic.as_ref().map(|a| &a.overall),
        DidAggregate::Calendar => fit.calendar.as_ref().map(|a| &a.overall),
    }
}

/// Observed treated mean and comparison mean over the post-treatment ATT(g,t) cells with the
/// simple aggregation's weights (cohort shares), and the counterfactual observed − effect.
fn cs_counterfactual(fit: &CsFit, effect: f64) -> Counterfactual {
    let share = |g: f64| {
        fit.cohorts
            .iter()
            .find(|c| c.cohort == g)
            .map_or(0.0, |c| c.share)
    };
    let (mut so, mut sc, mut sw) = (0.0, 0.0, 0.0);
    for c in fit.att_gt.iter().filter(|c| c.post && !c.reference) {
        if let Some(cf) = &c.counterfactual {
            let w = share(c.group);
            so += w * cf.treated_observed;
            sc += w * cf.control;
            sw += w;
        }
    }
    let observed = so / sw;
    Counterfactual::from_effect(observed, effect, sc / sw)
}

/// Trajectory of a Callaway–Sant'Anna analysis (see the module docs).
fn cs_trajectory(
    fit: &CsFit,
    prep: &Prepared,
    cohort_of_row: &[Option<f64>],
    threshold: u32,
    suppressed: &mut Vec<String>,
) -> Vec<PeriodRaw> {
    let last = prep.periods.last().copied().unwrap_or(f64::INFINITY);
    let ever = |g: Option<f64>| g.filter(|&g| g > 0.0 && g <= last + fit.anticipation as f64);
    let att = |g: f64, t: f64| {
        fit.att_gt
            .iter()
            .find(|c| c.group == g && c.time == t && c.post)
            .map(|c| c.effect.estimate)
    };
    let times = prep.data.time.clone().unwrap_or_default();
    let mut out = Vec::new();
    for &p in &prep.periods {
        let (mut s1, mut n1, mut s0, mut n0, mut eff, mut now) = (0.0, 0, 0.0, 0, 0.0, 0);
        for k in 0..prep.y.len() {
            if times.get(k) != Some(&p) {
                continue;
            }
            match ever(cohort_of_row.get(k).copied().flatten()) {
                Some(g) => {
                    s1 += prep.y[k];
                    n1 += 1;
                    if g <= p {
                        now += 1;
                        eff += att(g, p).unwrap_or(0.0);
                    }
                }
                None => {
                    s0 += prep.y[k];
                    n0 += 1;
                }
            }
        }
        let m1 = if n1 > 0 { s1 / n1 as f64 } else { f64::NAN };
        let m0 = if n0 > 0 { s0 / n0 as f64 } else { f64::NAN };
        let mut effect = if n1 > 0 { eff / n1 as f64 } else { f64::NAN };
        if is_small(now, threshold) {
            suppressed.push(format!(
                "{} — counterfactual in period {p}",
                prep.outcome.column
            ));
            effect = f64::NAN;
        }
        out.push(PeriodRaw {
            period: p,
            n_treated: n1,
            n_control: n0,
            treated_mean: m1,
            control_mean: m0,
            counterfactual: if now == 0 { m1 } else { m1 - effect },
            effect: if now == 0 { f64::NAN } else { effect },
        });
    }
    out
}

/// Trajectory from effekt-did's `by_period`.
fn did_trajectory(
    fit: &DidFit,
    outcome: &str,
    threshold: u32,
    suppressed: &mut Vec<String>,
) -> Vec<PeriodRaw> {
    fit.by_period()
        .iter()
        .map(|r| {
            let small = is_small(r.n_treated_now, threshold);
            if small {
                suppressed.push(format!("{outcome} — counterfactual in period {}", r.period));
            }
            let observed = r.treated_observed.unwrap_or(f64::NAN);
            PeriodRaw {
                period: r.period,
                n_treated: r.n_treated,
                n_control: r.n_control,
                treated_mean: observed,
                control_mean: r.control.unwrap_or(f64::NAN),
                counterfactual: if small {
                    f64::NAN
                } else {
                    r.treated_counterfactual.unwrap_or(f64::NAN)
                },
                effect: if small {
                    f64::NAN
                } else {
                    r.effect.unwrap_or(f64::NAN)
                },
            }
        })
        .collect()
}

fn alternative_from_tidy(method: String, r: &TidyRow, note: Option<String>) -> AlternativeEstimate {
    AlternativeEstimate {
        method,
        estimate: finite(r.estimate),
        std_error: finite(r.std_error),
        conf_low: finite(r.conf_low),
        conf_high: finite(r.conf_high),
        p_value: finite(r.p_value),
        note,
    }
}

fn alternative_from_cs(
    method: String,
    e: &CsEstimate,
    note: Option<String>,
) -> AlternativeEstimate {
    AlternativeEstimate {
        method,
        estimate: finite(e.estimate),
        std_error: e.std_error.and_then(finite),
        conf_low: e.conf_low.and_then(finite),
        conf_high: e.conf_high.and_then(finite),
        p_value: e.p_value.and_then(finite),
        note,
    }
}

fn failed(method: String, e: &ReportError, lang: Language) -> AlternativeEstimate {
    super::bootstrap::not_estimated(method, &e.to_string(), lang)
}

/// Units of cohort g at event time e (cells of the ATT(g,t) table).
fn units_at_event_time(fit: &CsFit, e: f64) -> usize {
    fit.att_gt
        .iter()
        .filter(|c| c.event_time == e && !c.reference)
        .map(|c| c.n_treated)
        .sum()
}

/// Units of the cohorts treated by period t.
fn units_at_period(fit: &CsFit, t: f64) -> usize {
    fit.att_gt
        .iter()
        .filter(|c| c.time == t && c.post)
        .map(|c| c.n_treated)
        .sum()
}

fn cohort_units(fit: &CsFit, g: f64) -> usize {
    fit.cohorts
        .iter()
        .find(|c| c.cohort == g)
        .map_or(0, |c| c.units)
}

/// Components of the Callaway–Sant'Anna aggregations that are not shown: those resting on fewer
/// treated units than the privacy threshold and, when exactly one component that enters an
/// aggregation's average is left out (it could be derived from the average and the others),
/// also the one with the fewest units among the rest (complementary suppression). Keys are
/// (aggregation key `g` / `e` / `t`, component value).
fn cs_hidden(fit: &CsFit, threshold: u32) -> Vec<(&'static str, f64)> {
    let mut hidden = Vec::new();
    let aggs: [(&Option<effekt_did::cs::CsAggregate>, &'static str); 3] =
        [(&fit.group, "g"), (&fit.dynamic, "e"), (&fit.calendar, "t")];
    for (agg, key) in aggs {
        let Some(a) = agg else { continue };
        let units = |k: f64| match key {
            "g" => cohort_units(fit, k),
            "e" => units_at_event_time(fit, k),
            _ => units_at_period(fit, k),
        };
        let in_average = |k: f64| key != "e" || k >= 0.0;
        let small: Vec<f64> = a
            .rows
            .iter()
            .map(|r| r.key)
            .filter(|&k| is_small(units(k), threshold))
            .collect();
        let small_in_average = small.iter().filter(|&&k| in_average(k)).count();
        if small_in_average == 1
            && let Some(extra) = a
                .rows
                .iter()
                .map(|r| r.key)
                .filter(|&k| in_average(k) && !small.contains(&k))
                .min_by_key(|&k| units(k))
        {
            hidden.push((key, extra));
        }
        hidden.extend(small.into_iter().map(|k| (key, k)));
    }
    hidden
}

/// Tidy rows of the Callaway–Sant'Anna aggregations (the ATT(g,t) cells are left out: many,
/// and often from few units), with rows from fewer treated units than the threshold left out.
fn cs_tidy(
    fit: &CsFit,
    method: &str,
    threshold: u32,
    outcome: &str,
    suppressed: &mut Vec<String>,
    lang: Language,
) -> Vec<TidyRowDoc> {
    let mut out = Vec::new();
    let row = |term: String, e: &CsEstimate| TidyRowDoc {
        term,
        estimate: finite(e.estimate),
        std_error: e.std_error.and_then(finite),
        statistic: e.statistic.and_then(finite),
        df: None,
        p_value: e.p_value.and_then(finite),
        conf_low: e.conf_low.and_then(finite),
        conf_high: e.conf_high.and_then(finite),
        method: method.to_string(),
    };
    out.push(row(tx::cs_term("simple", None, lang), &fit.simple));
    let hidden = cs_hidden(fit, threshold);
    let aggs: [(&Option<effekt_did::cs::CsAggregate>, &str); 3] =
        [(&fit.group, "g"), (&fit.dynamic, "e"), (&fit.calendar, "t")];
    for (agg, key) in aggs {
        let Some(a) = agg else { continue };
        for r in &a.rows {
            let term = tx::cs_term(key, Some(r.key), lang);
            if hidden.contains(&(key, r.key)) {
                suppressed.push(format!("{outcome} — {term}"));
                continue;
            }
            out.push(row(term, &r.effect));
        }
        out.push(row(tx::cs_term(key, None, lang), &a.overall));
    }
    out
}

/// Estimate one outcome with a difference-in-differences design.
///
/// # Errors
/// effekt-did's errors (duplicate unit–period rows, a cohort without a pre-period, no valid
/// controls for a cohort and period, treatment that switches off, a single cluster, …) as
/// [`ReportError::Estimation`] naming the outcome.
pub fn estimate(
    input: &AdapterInput<'_>,
    design: &DidDesign,
) -> Result<OutcomeEstimate, ReportError> {
    let study = input.study;
    let prep = input.prepared;
    let lang = input.lang;
    let outcome = prep.outcome.column.as_str();
    let threshold = study.config.report.privacy_threshold;
    let data = did_data(study, input.table, prep)?;
    let panel = Panel::new(&data).map_err(|e| err(outcome, e))?;
    let summary = panel.summary();
    let first_full = first_treated_by_row(design, input.table, prep, &data, &panel)?;
    let cohort_of_row: Vec<Option<f64>> = prep
        .rows
        .iter()
        .map(|&i| first_full.get(i).copied().flatten())
        .collect();
    let wild = wild_config(study, design, summary.n_clusters);
    let mut suppressed = Vec::new();
    let mut alternatives = Vec::new();
    let mut wild_used = false;
    let mut warnings: Vec<String> = Vec::new();
    let mut event_study = Vec::new();
    let mut pre_trend = None;
    let mut decomposition = None;
    let level = study.config.inference.level;
    let b = study.config.inference.bootstrap;

    let twfe_name = tx::did_method_name(DidMethod::Twfe, lang);
    let cs_name = tx::did_method_name(DidMethod::CallawaySantanna, lang);
    let bacon_doc = |fit: &DidFit| match fit {
        DidFit::Twfe(f) => f.bacon.as_ref().map(|d| DecompositionDoc {
            total: d.total,
            rows: d
                .summary
                .iter()
                .map(|s| DecompositionRow {
                    comparison: tx::bacon_kind(s.kind, lang),
                    weight: s.weight,
                    estimate: s.estimate,
                })
                .collect(),
            note: tx::bacon_note(lang),
        }),
        _ => None,
    };
    let wild_alternative = |fit: &DidFit| {
        fit.wild_bootstrap().map(|w| AlternativeEstimate {
            method: tx::wild(
                w.weights.name(),
                w.resamples,
                w.full_enumeration,
                w.n_clusters,
                lang,
            ),
            estimate: finite(w.estimate),
            std_error: None,
            conf_low: w.conf_low.and_then(finite),
            conf_high: w.conf_high.and_then(finite),
            p_value: finite(w.p_value),
            note: Some(w.method.clone()),
        })
    };

    let (mut est, trajectory) = match design.method {
        DidMethod::CallawaySantanna => {
            let cs = fit_cs(study, design, prep, &first_full, b, input.progress)?;
            let h = cs_headline(&cs, design.aggregate)
                .ok_or_else(|| err(outcome, "the requested aggregation was not computed"))?;
            let cf = cs_counterfactual(&cs, h.estimate);
            let method_name = tx::cs_name(&cs, design.aggregate, lang);
            let se_name = tx::cs_inference(&cs, lang);
            for w in cs.inference.warnings.iter().chain(&cs.warnings) {
                // effekt-did lists small cohorts with their sizes; the report says it without
                // the counts (privacy).
                let w = match w {
                    effekt_notes::Note::SmallCohorts { .. } => tx::small_cohorts(lang),
                    other => crate::i18n::notes::note(other, lang),
                };
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            for d in &cs.dropped {
                warnings.push(tx::cs_dropped(d, threshold, lang));
            }
            if let Some(dy) = &cs.dynamic {
                let hidden = cs_hidden(&cs, threshold);
                for r in &dy.rows {
                    // listed among the suppressions by cs_tidy
                    if hidden.contains(&("e", r.key)) {
                        continue;
                    }
                    event_study.push(EventCoefficient {
                        event_time: r.key as i64,
                        estimate: r.effect.estimate,
                        conf_low: r.effect.conf_low,
                        conf_high: r.effect.conf_high,
                        reference: false,
                    });
                }
            }
            if let Some(p) = &cs.pretest {
                pre_trend = Some(PreTrendTest {
                    method: tx::cs_pretest(lang),
                    statistic: p.statistic,
                    df1: Some(p.df as f64),
                    df2: None,
                    p_value: p.p_value,
                });
            } else {
                // The Wald pre-test is not defined (e.g. a singular covariance of the
                // pre-treatment ATT(g,t)); the joint F test of a TWFE event study's leads
                // takes its place.
                let cfg = did_config(study, design, effekt_did::DidMethod::EventStudy, None);
                if let Ok(DidFit::EventStudy(es)) = effekt_did::fit(&data, &cfg, None)
                    && let Some(p) = &es.pretrend
                    && let Some(pv) = p.p_value
                {
                    pre_trend = Some(PreTrendTest {
                        method: tx::pretest_fallback(&p.method, lang),
                        statistic: p.statistic,
                        df1: Some(p.df1),
                        df2: p.df2,
                        p_value: pv,
                    });
                }
            }
            for (agg, e) in [
                (DidAggregate::Simple, Some(&cs.simple)),
                (DidAggregate::Group, cs.group.as_ref().map(|a| &a.overall)),
                (
                    DidAggregate::Dynamic,
                    cs.dynamic.as_ref().map(|a| &a.overall),
                ),
                (
                    DidAggregate::Calendar,
                    cs.calendar.as_ref().map(|a| &a.overall),
                ),
            ] {
                if agg == design.aggregate {
                    continue;
                }
                if let Some(e) = e {
                    alternatives.push(alternative_from_cs(tx::cs_name(&cs, agg, lang), e, None));
                }
            }
            // TWFE beside it, with the wild bootstrap and the decomposition.
            let cfg = did_config(study, design, effekt_did::DidMethod::Twfe, wild.clone());
            match effekt_did::fit(&data, &cfg, None).map_err(|e| err(outcome, e)) {
                Ok(f) => {
                    alternatives.push(alternative_from_tidy(
                        twfe_name.clone(),
                        f.headline(),
                        Some(tx::twfe_note(lang)),
                    ));
                    if let Some(a) = wild_alternative(&f) {
                        alternatives.push(a);
                        wild_used = true;
                    }
                    warnings.extend(wild_warnings(&f, lang));
                    decomposition = bacon_doc(&f);
                }
                Err(e) => alternatives.push(failed(twfe_name.clone(), &e, lang)),
            }
            let tidy = cs_tidy(&cs, &se_name, threshold, outcome, &mut suppressed, lang);
            let trajectory = cs_trajectory(&cs, prep, &cohort_of_row, threshold, &mut suppressed);
            let mut est = OutcomeEstimate::basic(
                cs.n_units,
                cs.cohorts.iter().map(|c| c.units).sum(),
                cs.n_never_treated,
                h.estimate,
                h.conf_low.unwrap_or(f64::NAN),
                h.conf_high.unwrap_or(f64::NAN),
                se_name.clone(),
                method_name,
                cf,
                InferenceNote {
                    method: se_name,
                    reason: tx::cs_reason(&cs, lang),
                    warnings: Vec::new(),
                },
            );
            est.std_error = h.std_error.and_then(finite);
            est.p_value = h.p_value.and_then(finite);
            est.n_clusters = cs.n_clusters;
            est.seed = cs.seed;
            est.resamples = cs.resamples;
            est.tidy = tidy;
            (est, trajectory)
        }
        method => {
            let m = match method {
                DidMethod::TwoByTwo => effekt_did::DidMethod::TwoByTwo,
                DidMethod::EventStudy => effekt_did::DidMethod::EventStudy,
                _ => effekt_did::DidMethod::Twfe,
            };
            let w = if m == effekt_did::DidMethod::EventStudy {
                None
            } else {
                wild.clone()
            };
            let total = w.as_ref().map_or(0, |c| c.resamples);
            let _ = total;
            let fit = effekt_did::fit(&data, &did_config(study, design, m, w), input.progress)
                .map_err(|e| err(outcome, e))?;
            let h = fit.headline().clone();
            let note = fit.inference().clone();
            for w in crate::i18n::notes::notes(&note.warnings, lang) {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            let notes = match &fit {
                DidFit::TwoByTwo(f) => &f.notes,
                DidFit::Twfe(f) => &f.notes,
                DidFit::EventStudy(f) => &f.notes,
            };
            warnings.extend(crate::i18n::notes::notes(notes, lang));
            if let Some(a) = wild_alternative(&fit) {
                alternatives.push(a);
                wild_used = true;
            }
            warnings.extend(wild_warnings(&fit, lang));
            decomposition = bacon_doc(&fit);
            // Event study: the fit itself, or a TWFE event study beside the headline.
            let es = match &fit {
                DidFit::EventStudy(f) => Some(Ok(f.clone())),
                DidFit::Twfe(_) => Some(
                    effekt_did::fit(
                        &data,
                        &did_config(study, design, effekt_did::DidMethod::EventStudy, None),
                        None,
                    )
                    .map_err(|e| err(outcome, e))
                    .and_then(|f| match f {
                        DidFit::EventStudy(e) => Ok(e),
                        _ => Err(ReportError::Internal("not an event study".into())),
                    }),
                ),
                DidFit::TwoByTwo(_) => None,
            };
            match es {
                Some(Ok(es)) => {
                    // Rows from few treated units, and (complementary suppression) one more
                    // post-treatment row when exactly one enters the average.
                    let mut hidden: Vec<i64> = es
                        .rows
                        .iter()
                        .filter(|r| !r.reference && is_small(r.n_obs, threshold))
                        .map(|r| r.event_time)
                        .collect();
                    if hidden.iter().filter(|&&e| e >= 0).count() == 1
                        && let Some(extra) = es
                            .rows
                            .iter()
                            .filter(|r| r.event_time >= 0 && !hidden.contains(&r.event_time))
                            .min_by_key(|r| r.n_obs)
                    {
                        hidden.push(extra.event_time);
                    }
                    for r in &es.rows {
                        if hidden.contains(&r.event_time) {
                            suppressed.push(format!(
                                "{outcome} — {}",
                                tx::cs_term("e", Some(r.event_time as f64), lang)
                            ));
                            continue;
                        }
                        let Some(e) = r.estimate.or(r.reference.then_some(0.0)) else {
                            continue;
                        };
                        event_study.push(EventCoefficient {
                            event_time: r.event_time,
                            estimate: e,
                            conf_low: r.conf_low,
                            conf_high: r.conf_high,
                            reference: r.reference,
                        });
                    }
                    if let Some(p) = &es.pretrend
                        && let Some(pv) = p.p_value
                    {
                        pre_trend = Some(PreTrendTest {
                            method: p.method.clone(),
                            statistic: p.statistic,
                            df1: Some(p.df1),
                            df2: p.df2,
                            p_value: pv,
                        });
                    }
                    if !matches!(fit, DidFit::EventStudy(_)) {
                        alternatives.push(alternative_from_tidy(
                            tx::did_method_name(DidMethod::EventStudy, lang),
                            &es.estimate,
                            None,
                        ));
                    }
                }
                Some(Err(e)) => warnings.push(tx::not_estimated(&e.to_string(), lang)),
                None => {}
            }
            // Callaway–Sant'Anna beside it.
            match fit_cs(study, design, prep, &first_full, b, None) {
                Ok(cs) => alternatives.push(alternative_from_cs(
                    cs_name.clone(),
                    &cs.simple,
                    Some(tx::cs_note(lang)),
                )),
                Err(e) => alternatives.push(failed(cs_name.clone(), &e, lang)),
            }
            let vcov = match &fit {
                DidFit::TwoByTwo(f) => f.vcov,
                DidFit::Twfe(f) => f.vcov,
                DidFit::EventStudy(f) => f.vcov,
            };
            let se_name = tx::did_se(vcov, fit.panel().n_clusters, &fit.panel().cluster, lang);
            let trajectory = did_trajectory(&fit, outcome, threshold, &mut suppressed);
            let p = fit.panel();
            let mut est = OutcomeEstimate::basic(
                p.n_units,
                p.n_treated_units,
                p.n_units - p.n_treated_units,
                h.estimate,
                h.conf_low,
                h.conf_high,
                se_name.clone(),
                tx::did_method_name(design.method, lang),
                fit.counterfactual().clone(),
                InferenceNote {
                    method: se_name,
                    reason: note.reason.clone(),
                    warnings: Vec::new(),
                },
            );
            est.std_error = finite(h.std_error);
            est.p_value = finite(h.p_value);
            est.df = h.df.and_then(finite);
            est.n_clusters = Some(p.n_clusters);
            est.tidy = fit
                .tidy()
                .iter()
                .map(|r| TidyRowDoc::from_tidy(r, &est.interval_method))
                .collect();
            if let Some(w) = fit.wild_bootstrap() {
                est.seed = Some(w.seed);
                est.resamples = Some(w.resamples);
            }
            (est, trajectory)
        }
    };
    if wild.is_some() && design.wild_bootstrap.is_none() {
        est.inference.reason.push_str(&tx::wild_reason(
            summary.n_clusters,
            effekt_did::FEW_CLUSTERS,
            lang,
        ));
    }
    let _ = level;
    est.inference.warnings = warnings.clone();
    est.warnings = warnings;
    est.alternatives = alternatives;
    est.wild_bootstrap = wild_used;
    est.event_study = event_study;
    est.pre_trend = pre_trend;
    est.decomposition = decomposition;
    est.trajectory = Some(trajectory);
    est.suppressed = suppressed;
    Ok(est)
}

/// The headline estimator re-fitted on one subgroup level (a column constant within units).
///
/// # Errors
/// effekt-did's errors in the level.
pub fn subgroup(
    study: &Study,
    design: &DidDesign,
    table: &Table,
    prep: &Prepared,
) -> Result<SubEstimate, ReportError> {
    let outcome = prep.outcome.column.as_str();
    let data = did_data(study, table, prep)?;
    let panel = Panel::new(&data).map_err(|e| err(outcome, e))?;
    let s = panel.summary();
    if design.method == DidMethod::CallawaySantanna {
        let first = first_treated_by_row(design, table, prep, &data, &panel)?;
        let cs = fit_cs(study, design, prep, &first, 0, None)?;
        let h = cs_headline(&cs, design.aggregate)
            .ok_or_else(|| err(outcome, "aggregation not computed"))?;
        let cf = cs_counterfactual(&cs, h.estimate);
        let se = h.std_error.unwrap_or(f64::NAN);
        return Ok(SubEstimate {
            n_treated: cs.cohorts.iter().map(|c| c.units).sum(),
            n_control: cs.n_never_treated,
            treated_mean: cf.treated_observed,
            counterfactual: cf.treated_counterfactual,
            estimate: h.estimate,
            std_error: se,
            df: None,
            conf_low: h.conf_low.unwrap_or(f64::NAN),
            conf_high: h.conf_high.unwrap_or(f64::NAN),
            p_value: h.p_value.unwrap_or(f64::NAN),
        });
    }
    let m = match design.method {
        DidMethod::TwoByTwo => effekt_did::DidMethod::TwoByTwo,
        DidMethod::EventStudy => effekt_did::DidMethod::EventStudy,
        _ => effekt_did::DidMethod::Twfe,
    };
    let fit = effekt_did::fit(&data, &did_config(study, design, m, None), None)
        .map_err(|e| err(outcome, e))?;
    let h = fit.headline();
    let cf = fit.counterfactual();
    Ok(SubEstimate {
        n_treated: s.n_treated_units,
        n_control: s.n_units - s.n_treated_units,
        treated_mean: cf.treated_observed,
        counterfactual: cf.treated_counterfactual,
        estimate: h.estimate,
        std_error: h.std_error,
        df: h.df,
        conf_low: h.conf_low,
        conf_high: h.conf_high,
        p_value: h.p_value,
    })
}
