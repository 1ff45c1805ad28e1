//! Matching and weighting designs through effekt-matching.
//!
//! The comparison group, the balance table and the effect with its analytic inference come from
//! [`effekt_matching::fit`] on the analysis rows (for panel data: the analysed follow-up wave,
//! with the covariates as recorded there — baseline characteristics in the IHF example):
//!
//! * **Headline**: the matched (or weighted) estimate with the crate's default inference —
//!   CR2 with Satterthwaite df on the matched pairs after matching without replacement
//!   (MatchIt's recommendation of pair-cluster standard errors, made valid with few pairs),
//!   Abadie–Imbens after matching with replacement, HC3 after CEM, the M-estimation sandwich
//!   for IPW and AIPW. The counterfactual is the matched comparison group's mean.
//! * **Bootstrap** (matching without replacement and CEM): matched pairs / subclasses are
//!   resampled whole through effekt-resample (the cluster bootstrap of Austin & Small 2014 and
//!   Abadie & Spiess 2022) with the study's seed and replicates. Its intervals sit among the
//!   alternatives and its replicates feed the histogram and the contract. effekt-matching runs
//!   the same bootstrap but returns only its summary, so the replicates are drawn here, on the
//!   same layout, seed, scheme and statistic (the weighted difference in means of the matched
//!   sample); a test checks that their standard deviation equals the crate's bootstrap SE. No
//!   bootstrap after matching with replacement (not valid there: Abadie & Imbens 2008) or for
//!   weighting (the sandwich accounts for the estimated propensity score).
//! * **Robustness**: matching vs IPW vs AIPW on the same propensity-score model (the study's
//!   covariates), side by side, all for the study's estimand (AIPW for the ATT or ATC is the
//!   doubly robust estimator of Sant'Anna & Zhao 2020).
//! * **Balance**: standardised mean differences before and after (MatchIt/cobalt conventions,
//!   from the crate) for the love plot; |SMD| > 0.1 flagged. Levels of categorical covariates
//!   are balance rows of their own; a row whose level is held by fewer individuals than the
//!   privacy threshold in a group is suppressed.
//! * **Sample**: matched and unmatched counts per group and why units were dropped (caliper,
//!   exact stratum without partner, not selected, …).
//! * **Trajectory** (panel data with `data.unit`): the matched units' outcomes at every wave,
//!   weighted by their matching weights — what the matched comparison group looked like over
//!   time next to the treated.
//! * **Subgroups** ([`subgroup`]): the matching is re-run within each level of the subgroup
//!   column, which is dropped from the covariates (so the matching is exact on it); the test
//!   of a difference compares the independent estimates (see
//!   [`crate::analysis::subgroups::analyse_refit`]).

use super::{AdapterInput, SubEstimate};
use crate::adapt::bootstrap::{self as boot, alternative_from_interval, tidy_from_bootstrap};
use crate::analysis::{GroupCountsRaw, OutcomeEstimate, PeriodRaw, Prepared, SampleRaw};
use crate::error::ReportError;
use crate::i18n::{Language, inference as tx};
use crate::model::{AlternativeEstimate, BalanceRow, TidyRowDoc, finite};
use crate::study::{Estimand, MatchDistance, MatchMethod, MatchOrder, MatchingDesign, Study};
use effekt_data::{Dataset, Table};
use effekt_matching::{
    BootstrapOptions, Distance, EffectOptions, MatchConfig, MatchFit, Method, Order,
};
use effekt_resample::{
    BootstrapResult, Estimate, FnStatistic, Layout, ProgressFn, Scheme, bootstrap,
};

/// Every option of `kind = "matching"` is available.
///
/// # Errors
/// Never; kept for the dispatch in [`super::check_available`].
pub fn available(_design: &MatchingDesign) -> Result<(), ReportError> {
    Ok(())
}

fn method_of(m: MatchMethod) -> Method {
    match m {
        MatchMethod::Nearest => Method::Nearest,
        MatchMethod::Cem => Method::Cem,
        MatchMethod::Ipw => Method::Ipw,
        MatchMethod::Aipw => Method::Aipw,
    }
}

fn estimand_of(e: Estimand) -> effekt_matching::Estimand {
    match e {
        Estimand::Att => effekt_matching::Estimand::Att,
        Estimand::Atc => effekt_matching::Estimand::Atc,
        Estimand::Ate => effekt_matching::Estimand::Ate,
    }
}

/// The effekt-matching configuration of the study's design, without the column `drop` (a
/// subgroup column) in the covariates and exact-matching lists. No bootstrap: the report draws
/// its own replicates ([`matched_bootstrap`]).
pub fn config(study: &Study, design: &MatchingDesign, drop: Option<&str>) -> MatchConfig {
    let keep = |c: &String| Some(c.as_str()) != drop;
    MatchConfig {
        method: method_of(design.method),
        distance: match design.distance {
            MatchDistance::Logit => Distance::Logit,
            MatchDistance::Ps => Distance::Ps,
            MatchDistance::Mahalanobis => Distance::Mahalanobis,
            MatchDistance::RobustMahalanobis => Distance::RobustMahalanobis,
        },
        estimand: estimand_of(design.estimand),
        covariates: design
            .covariates
            .iter()
            .filter(|c| keep(c))
            .cloned()
            .collect(),
        ratio: design.ratio.unwrap_or(1) as usize,
        replace: design.replace,
        caliper: design.caliper,
        exact: design.exact.iter().filter(|c| keep(c)).cloned().collect(),
        order: design.order.map(|o| match o {
            MatchOrder::Largest => Order::Largest,
            MatchOrder::Smallest => Order::Smallest,
            MatchOrder::Random => Order::Random,
            MatchOrder::Data => Order::Data,
        }),
        effect: EffectOptions {
            level: study.config.inference.level,
            bootstrap: BootstrapOptions::default(),
            ..EffectOptions::default()
        },
        seed: study.config.inference.seed,
        ..MatchConfig::default()
    }
}

/// The configuration of a weighting alternative on the same propensity-score model.
fn weighting_config(base: &MatchConfig, method: Method) -> MatchConfig {
    MatchConfig {
        method,
        distance: Distance::Ps,
        estimand: base.estimand,
        covariates: base.covariates.clone(),
        effect: base.effect.clone(),
        seed: base.seed,
        ..MatchConfig::default()
    }
}

/// Group sizes (outcome column, treated, comparison) of every outcome's analysis rows; an
/// outcome whose rows cannot be prepared is left out (its own analysis reports the error).
fn sizes_by_outcome(study: &Study, table: &Table) -> Vec<(String, usize, usize)> {
    study
        .resolved_outcomes()
        .iter()
        .filter_map(|o| {
            let p = crate::analysis::prepare(study, table, o).ok()?;
            let n1 = p.treated.iter().filter(|&&t| t).count();
            Some((o.column.clone(), n1, p.treated.len() - n1))
        })
        .collect()
}

/// The configuration of the nearest-neighbour alternative when the headline is CEM or
/// weighting: 1:1 on the logit of the propensity score, without replacement when every outcome
/// of the study has enough units to match from, otherwise (and for the ATE, which needs it)
/// with replacement. The choice is made once per study, so that the alternative is the same
/// estimator — and is described the same way — in every outcome's table. Returns the
/// configuration and, when replacement was forced by an outcome's group sizes, that outcome's
/// column.
fn nearest_config(
    base: &MatchConfig,
    sizes: &[(String, usize, usize)],
) -> (MatchConfig, Option<String>) {
    let forced = sizes.iter().find_map(|(c, n1, n0)| {
        let short = match base.estimand {
            effekt_matching::Estimand::Att => n0 < n1,
            effekt_matching::Estimand::Atc => n1 < n0,
            effekt_matching::Estimand::Ate => false,
        };
        short.then(|| c.clone())
    });
    let replace = forced.is_some() || base.estimand == effekt_matching::Estimand::Ate;
    let cfg = MatchConfig {
        method: Method::Nearest,
        distance: Distance::Logit,
        estimand: base.estimand,
        replace,
        covariates: base.covariates.clone(),
        exact: base.exact.clone(),
        effect: base.effect.clone(),
        seed: base.seed,
        ..MatchConfig::default()
    };
    (cfg, forced)
}

/// The dataset without the covariate `column`.
fn without(ds: &Dataset, column: &str) -> Dataset {
    let mut d = ds.clone();
    d.covariates.retain(|c| c.name != column);
    d
}

/// effekt-matching's messages name its command-line options; in a study file they are keys of
/// `[design]`.
fn study_words(message: &str) -> String {
    let mut m = message.to_string();
    for (flag, key) in [
        ("--replace", "`design.replace = true`"),
        ("--ratio", "`design.ratio`"),
        ("--estimand atc", "`design.estimand = \"atc\"`"),
        ("--estimand ate", "`design.estimand = \"ate\"`"),
        ("--estimand", "`design.estimand`"),
        ("--caliper", "`design.caliper`"),
        ("--exact", "`design.exact`"),
        ("--method", "`design.method`"),
        ("--distance", "`design.distance`"),
        ("--covariates", "`design.covariates`"),
        ("--order", "`design.order`"),
    ] {
        m = m.replace(flag, key);
    }
    m
}

fn estimation_error(outcome: &str, e: impl std::fmt::Display) -> ReportError {
    ReportError::Estimation {
        outcome: outcome.to_string(),
        message: study_words(&e.to_string()),
    }
}

/// Position in the analysis rows of every matched unit with its weight and subclass.
fn matched_units(prep: &Prepared, fit: &MatchFit) -> Vec<(usize, f64, Option<u32>)> {
    let pos: std::collections::HashMap<usize, usize> =
        prep.rows.iter().enumerate().map(|(k, &r)| (r, k)).collect();
    fit.units()
        .iter()
        .filter(|u| u.weight > 0.0)
        .filter_map(|u| pos.get(&u.row).map(|&k| (k, u.weight, u.subclass)))
        .collect()
}

/// The pair bootstrap of the effect and, when asked, the treated mean from the same replicates.
pub type PairBootstrap = (BootstrapResult, Option<Vec<f64>>);

/// Bootstrap of the matched effect resampling whole pairs / subclasses, and the treated mean
/// from the same replicates. `None` when the design has no pairs or subclasses (matching with
/// replacement, weighting).
///
/// The statistic is effekt-matching's: the weighted difference in means of the matched sample,
/// weights = matching weight × bootstrap multiplicity of the unit's pair.
///
/// # Errors
/// The resampling core's errors (e.g. fewer than 2 pairs).
pub fn matched_bootstrap(
    prep: &Prepared,
    fit: &MatchFit,
    study: &Study,
    want_treated: bool,
    progress: Option<ProgressFn<'_>>,
) -> Result<Option<PairBootstrap>, effekt_resample::ResampleError> {
    let units = matched_units(prep, fit);
    if units.is_empty() || units.iter().any(|(_, _, s)| s.is_none()) {
        return Ok(None);
    }
    let y: Vec<f64> = units.iter().map(|&(k, _, _)| prep.y[k]).collect();
    let t: Vec<bool> = units.iter().map(|&(k, _, _)| prep.treated[k]).collect();
    let w: Vec<f64> = units.iter().map(|&(_, w, _)| w).collect();
    let clusters: Vec<u32> = units.iter().map(|&(_, _, s)| s.unwrap_or(0)).collect();
    let layout = Layout::new(y.len(), None, Some(&clusters))?;
    let config = boot::config(&study.config.inference, Scheme::Cluster);
    let means = |bw: &[f64], arm: bool| {
        let (mut s, mut sw) = (0.0, 0.0);
        for i in 0..y.len() {
            let wi = bw[i] * w[i];
            if t[i] == arm && wi > 0.0 {
                s += wi * y[i];
                sw += wi;
            }
        }
        s / sw
    };
    let effect = FnStatistic::new(y.len(), |bw: &[f64]| Estimate {
        value: means(bw, true) - means(bw, false),
        se: None,
    });
    let boot = bootstrap(&effect, &layout, &config, progress)?;
    let treated = if want_treated {
        Some(boot::treated_mean_draws(
            &y,
            &t,
            Some(&w),
            &layout,
            &config,
        )?)
    } else {
        None
    };
    Ok(Some((boot, treated)))
}

/// Bootstrap of a weighting estimator (IPW, AIPW) by re-fitting it — propensity-score model
/// included — on every resample (units resampled within each group), and the treated mean
/// from the same replicates. The estimator is effekt-matching's; a resample's multiplicities
/// become repeated rows.
///
/// # Errors
/// The resampling core's errors.
pub fn refit_bootstrap(
    prep: &Prepared,
    cfg: &MatchConfig,
    study: &Study,
    want_treated: bool,
    progress: Option<ProgressFn<'_>>,
) -> Result<PairBootstrap, effekt_resample::ResampleError> {
    let n = prep.y.len();
    let arms: Vec<u32> = prep.treated.iter().map(|&t| u32::from(t)).collect();
    let layout = Layout::new(n, Some(&arms), None)?;
    let config = boot::config(&study.config.inference, Scheme::Stratified);
    let refit = |w: &[f64]| {
        let mut idx = Vec::with_capacity(n);
        for (k, &wk) in w.iter().enumerate() {
            for _ in 0..(wk.round().max(0.0) as usize) {
                idx.push(k);
            }
        }
        let ds = crate::analysis::data::subset(&prep.data, &idx);
        match effekt_matching::fit(&ds, cfg, None) {
            Ok(f) => f.effect.map_or(f64::NAN, |e| e.estimate),
            Err(_) => f64::NAN,
        }
    };
    let effect = FnStatistic::new(n, |w: &[f64]| Estimate {
        value: refit(w),
        se: None,
    });
    let boot = bootstrap(&effect, &layout, &config, progress)?;
    let treated = if want_treated {
        Some(boot::treated_mean_draws(
            &prep.y,
            &prep.treated,
            None,
            &layout,
            &config,
        )?)
    } else {
        None
    };
    Ok((boot, treated))
}

/// The balance rows for the report. A level of a categorical covariate held (or not held) by
/// fewer individuals than the privacy threshold in a group, before or after matching, is
/// suppressed: its values are left out and its location returned (continuous covariates rest
/// on whole groups).
fn balance_rows(
    fit: &MatchFit,
    threshold: u32,
    outcome: &str,
    lang: Language,
) -> (Vec<BalanceRow>, Vec<String>) {
    let s = &fit.sizes;
    let mut rows = Vec::new();
    let mut suppressed = Vec::new();
    for b in &fit.balance {
        let mut row = BalanceRow {
            covariate: if b.covariate == "distance" {
                tx::distance_label(fit.settings.distance, lang)
            } else {
                b.covariate.clone()
            },
            smd_before: b.smd_before.and_then(finite),
            smd_after: b.smd_after.and_then(finite),
            var_ratio_before: b.var_ratio_before.and_then(finite),
            var_ratio_after: b.var_ratio_after.and_then(finite),
            flagged: b.flagged,
        };
        if b.kind == "binary" && b.covariate != "distance" {
            let count = |mean: f64, n: usize| {
                let ones = (mean * n as f64).round().max(0.0) as usize;
                [ones, n.saturating_sub(ones)]
            };
            let mut c = Vec::new();
            c.extend(count(b.mean_treated_before, s.treated.all));
            c.extend(count(b.mean_control_before, s.control.all));
            c.extend(count(b.mean_treated_after, s.treated.matched));
            c.extend(count(b.mean_control_after, s.control.matched));
            if c.iter().any(|&k| crate::analysis::is_small(k, threshold)) {
                row.smd_before = None;
                row.smd_after = None;
                row.var_ratio_before = None;
                row.var_ratio_after = None;
                row.flagged = false;
                suppressed.push(format!("{outcome} — balance: {}", b.covariate));
            }
        }
        rows.push(row);
    }
    (rows, suppressed)
}

/// The matched sample's counts and drop reasons.
fn sample(fit: &MatchFit, lang: Language) -> SampleRaw {
    let g = |x: &effekt_matching::GroupSizes| GroupCountsRaw {
        all: x.all,
        matched: x.matched,
        unmatched: x.all - x.matched,
        effective: x.matched_ess,
    };
    SampleRaw {
        treated: g(&fit.sizes.treated),
        control: g(&fit.sizes.control),
        dropped: fit
            .dropped
            .iter()
            .map(|d| {
                let code = serde_json::to_value(d.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                let description = tx::drop_reason(&code, lang).unwrap_or(d.description.clone());
                (d.group.clone(), code, d.count, description)
            })
            .collect(),
        method: tx::matching_method(&fit.settings, fit.caliper.as_ref(), lang),
    }
}

/// Observed treated and matched comparison means at every wave: each matched unit's outcome at
/// that wave, weighted by its matching weight (units not observed at a wave are left out).
fn matched_trajectory(
    input: &AdapterInput<'_>,
    fit: &MatchFit,
) -> Result<Option<Vec<PeriodRaw>>, ReportError> {
    let data = &input.study.config.data;
    let (Some(unit), Some(time)) = (&data.unit, &data.time) else {
        return Ok(None);
    };
    let table: &Table = input.table;
    let wrap = |source| ReportError::Data {
        context: format!("outcome `{}`", input.prepared.outcome.column),
        source: Box::new(source),
    };
    let unit_col = table.column(unit).map_err(wrap)?;
    let times = table.numeric(time).map_err(wrap)?;
    let y = table
        .numeric(&input.prepared.outcome.column)
        .map_err(wrap)?;
    // unit label → (treated, weight)
    let mut weight_of = std::collections::HashMap::new();
    for u in fit.units().iter().filter(|u| u.weight > 0.0) {
        if let Some(label) = unit_col.data.display(u.row) {
            weight_of.insert(label, (u.treated, u.weight));
        }
    }
    let mut out = Vec::new();
    for &p in &input.prepared.periods {
        let mut acc = [[0.0f64; 2]; 2]; // [arm][sum, weight]
        let mut n = [0usize; 2];
        for i in 0..table.nrows() {
            let (Some(Some(t)), Some(Some(v))) = (times.get(i), y.get(i)) else {
                continue;
            };
            if *t != p {
                continue;
            }
            let Some(label) = unit_col.data.display(i) else {
                continue;
            };
            if let Some(&(treated, w)) = weight_of.get(&label) {
                let a = usize::from(treated);
                acc[a][0] += w * v;
                acc[a][1] += w;
                n[a] += 1;
            }
        }
        if n[0] + n[1] == 0 {
            continue;
        }
        let mean = |a: usize| {
            if acc[a][1] > 0.0 {
                acc[a][0] / acc[a][1]
            } else {
                f64::NAN
            }
        };
        let (m1, m0) = (mean(1), mean(0));
        out.push(PeriodRaw {
            period: p,
            n_treated: n[1],
            n_control: n[0],
            treated_mean: m1,
            control_mean: m0,
            counterfactual: m0,
            effect: m1 - m0,
        });
    }
    Ok(Some(out))
}

/// An alternative estimate from another method on the same propensity-score model; a failure
/// becomes a note.
fn alternative(
    prep: &Prepared,
    cfg: &MatchConfig,
    lang: Language,
    note: Option<String>,
) -> AlternativeEstimate {
    let name = tx::matching_alternative(cfg.method, cfg.replace, cfg.estimand.name(), lang);
    match effekt_matching::fit(&prep.data, cfg, None) {
        Ok(f) => match &f.effect {
            Some(e) => AlternativeEstimate {
                method: name,
                estimate: finite(e.estimate),
                std_error: finite(e.std_error),
                conf_low: finite(e.conf_low),
                conf_high: finite(e.conf_high),
                p_value: finite(e.p_value),
                note,
            },
            None => boot::not_estimated(name, "no outcome", lang),
        },
        Err(e) => boot::not_estimated(name, &study_words(&e.to_string()), lang),
    }
}

/// Estimate one outcome with a matched or weighted comparison group.
///
/// # Errors
/// effekt-matching's errors (separation in the propensity-score model naming the covariate, a
/// caliper that leaves no treated unit matched, too few controls, a constant covariate, …) as
/// [`ReportError::Estimation`] naming the outcome; the resampling core's errors.
pub fn estimate(
    input: &AdapterInput<'_>,
    design: &MatchingDesign,
) -> Result<OutcomeEstimate, ReportError> {
    let prep = input.prepared;
    let lang = input.lang;
    let outcome = prep.outcome.column.as_str();
    let study = input.study;
    let cfg = config(study, design, None);
    let fit =
        effekt_matching::fit(&prep.data, &cfg, None).map_err(|e| estimation_error(outcome, e))?;
    let effect = fit
        .effect
        .as_ref()
        .ok_or_else(|| estimation_error(outcome, "effekt-matching estimated no effect"))?;

    let weighting = matches!(cfg.method, Method::Ipw | Method::Aipw);
    let boot = if weighting {
        Some(
            refit_bootstrap(prep, &cfg, study, input.want_treated_draws, input.progress)
                .map_err(|e| estimation_error(outcome, e))?,
        )
    } else {
        matched_bootstrap(prep, &fit, study, input.want_treated_draws, input.progress)
            .map_err(|e| estimation_error(outcome, e))?
    };
    let se_name = tx::matching_se(&fit.settings, lang);
    let mut warnings: Vec<String> = Vec::new();
    for w in crate::i18n::notes::notes(fit.warnings.iter().chain(&effect.inference.warnings), lang)
    {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    if let Some(c) = &study.config.data.cluster {
        warnings.push(tx::matching_ignores_cluster(
            c,
            cfg.method,
            cfg.replace,
            lang,
        ));
    }
    let method_name = tx::matching_method(&fit.settings, fit.caliper.as_ref(), lang);
    let mut alternatives = vec![AlternativeEstimate {
        method: format!("{}: {se_name}", crate::i18n::capitalise(&method_name)),
        estimate: finite(effect.estimate),
        std_error: finite(effect.std_error),
        conf_low: finite(effect.conf_low),
        conf_high: finite(effect.conf_high),
        p_value: finite(effect.p_value),
        note: effect.df.map(|d| tx::t_df(d, lang)),
    }];
    let mut tidy: Vec<TidyRowDoc> = fit
        .tidy()
        .iter()
        .map(|r| TidyRowDoc::from_tidy(r, &se_name))
        .collect();
    let (bootstrap, bootstrap_scheme, treated_draws) = match boot {
        Some((b, t)) => {
            let scheme = tx::matching_scheme(cfg.method, lang);
            for i in &b.intervals {
                alternatives.push(alternative_from_interval(&b, i, &scheme, lang));
            }
            tidy.push(tidy_from_bootstrap(&b, &scheme, lang));
            warnings.extend(crate::i18n::notes::notes(&b.warnings, lang));
            (Some(b), Some(scheme), t)
        }
        None => (None, None, None),
    };
    // Matching vs IPW vs AIPW on the same propensity-score model.
    let mut others = Vec::new();
    if cfg.method != Method::Nearest {
        let sizes = sizes_by_outcome(study, input.table);
        let (c, forced) = nearest_config(&cfg, &sizes);
        let note = forced.map(|column| {
            tx::nearest_alternative_with_replacement(&column, cfg.estimand.name(), lang)
        });
        others.push((c, note));
    }
    if cfg.method != Method::Ipw {
        others.push((weighting_config(&cfg, Method::Ipw), None));
    }
    if cfg.method != Method::Aipw {
        // AIPW for the same estimand as the headline (the doubly robust ATT or ATC of
        // Sant'Anna & Zhao 2020 when the headline is not the ATE)
        others.push((weighting_config(&cfg, Method::Aipw), None));
    }
    for (c, note) in others {
        alternatives.push(alternative(prep, &c, lang, note));
    }

    let threshold = study.config.report.privacy_threshold;
    let (balance, suppressed) = balance_rows(&fit, threshold, outcome, lang);
    let trajectory = matched_trajectory(input, &fit)?;
    let mut inference = effekt_models::InferenceNote::<String> {
        method: se_name.clone(),
        reason: tx::matching_reason(&fit.settings, lang),
        warnings: warnings.clone(),
    };
    match (&bootstrap, cfg.replace && cfg.method == Method::Nearest) {
        (Some(_), _) => inference
            .reason
            .push_str(&tx::matching_bootstrap_reason(cfg.method, lang)),
        (None, true) => inference
            .reason
            .push_str(&tx::no_bootstrap_with_replacement(lang)),
        (None, false) => {}
    }
    let mut est = OutcomeEstimate::basic(
        fit.n,
        fit.n_matched_treated,
        fit.n_matched_control,
        effect.estimate,
        effect.conf_low,
        effect.conf_high,
        se_name,
        tx::matching_method(&fit.settings, fit.caliper.as_ref(), lang),
        effect.counterfactual.clone(),
        inference,
    );
    est.std_error = finite(effect.std_error);
    est.p_value = finite(effect.p_value);
    est.df = effect.df.and_then(finite);
    est.n_clusters = None;
    if design.estimand == Estimand::Att {
        // the comparison group as observed, before matching or weighting
        let (sum, count) = prep
            .y
            .iter()
            .zip(&prep.treated)
            .filter(|(_, t)| !**t)
            .fold((0.0, 0usize), |(s, c), (y, _)| (s + y, c + 1));
        est.control_unadjusted = (count > 0).then(|| sum / count as f64);
    }
    est.seed = bootstrap.as_ref().map(|b| b.seed);
    est.resamples = bootstrap.as_ref().map(|b| b.resamples);
    est.tidy = tidy;
    est.bootstrap = bootstrap;
    est.bootstrap_scheme = bootstrap_scheme;
    est.treated_observed_draws = treated_draws;
    est.alternatives = alternatives;
    est.balance = balance;
    est.suppressed = suppressed;
    est.balance_is_matching = true;
    est.trajectory = trajectory;
    est.sample = Some(sample(&fit, lang));
    est.warnings = warnings;
    Ok(est)
}

/// The matching re-run within one subgroup level (`prepared` holds that level's rows); the
/// subgroup column is dropped from the covariates and the exact-matching list.
///
/// # Errors
/// effekt-matching's errors in the level.
pub fn subgroup(
    study: &Study,
    design: &MatchingDesign,
    prepared: &Prepared,
    column: &str,
) -> Result<SubEstimate, ReportError> {
    let outcome = prepared.outcome.column.as_str();
    let cfg = config(study, design, Some(column));
    if cfg.covariates.is_empty() {
        return Err(estimation_error(
            outcome,
            format!("no covariate is left to match on within the levels of `{column}`"),
        ));
    }
    let ds = without(&prepared.data, column);
    let fit = effekt_matching::fit(&ds, &cfg, None).map_err(|e| estimation_error(outcome, e))?;
    let e = fit
        .effect
        .as_ref()
        .ok_or_else(|| estimation_error(outcome, "no effect"))?;
    Ok(SubEstimate {
        n_treated: fit.n_matched_treated,
        n_control: fit.n_matched_control,
        treated_mean: e.counterfactual.treated_observed,
        counterfactual: e.counterfactual.treated_counterfactual,
        estimate: e.estimate,
        std_error: e.std_error,
        df: e.df,
        conf_low: e.conf_low,
        conf_high: e.conf_high,
        p_value: e.p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_resample::IntervalMethod;

    /// The replicates drawn here are the ones effekt-matching's own pair bootstrap draws: same
    /// layout, seed and statistic, so the standard deviations agree (to rounding).
    #[test]
    fn pair_bootstrap_matches_effekt_matching() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/lalonde.csv");
        let text = "[data]\npath = \"lalonde.csv\"\ntreatment = \"treat\"\n[design]\nkind = \"matching\"\ncovariates = [\"age\", \"educ\", \"race\", \"married\", \"nodegree\", \"re74\", \"re75\"]\ndistance = \"ps\"\n[[outcomes]]\ncolumn = \"re78\"\ntype = \"continuous\"\n[inference]\nbootstrap = 499\nseed = 42\ninterval = \"percentile\"\n".to_string();
        let study = Study::parse(&text, "s.toml").unwrap();
        let table =
            effekt_data::read_table(std::path::Path::new(path), &Default::default()).unwrap();
        let outcome = study.resolved_outcomes().remove(0);
        let prep = crate::analysis::prepare(&study, &table, &outcome).unwrap();
        let crate::study::DesignConfig::Matching(design) = &study.config.design else {
            unreachable!()
        };
        let mut cfg = config(&study, design, None);
        let fit = effekt_matching::fit(&prep.data, &cfg, None).unwrap();
        let (mine, _) = matched_bootstrap(&prep, &fit, &study, false, None)
            .unwrap()
            .unwrap();
        cfg.effect.bootstrap = BootstrapOptions {
            resamples: 499,
            interval: IntervalMethod::Percentile,
        };
        let theirs = effekt_matching::fit(&prep.data, &cfg, None).unwrap();
        let b = theirs.effect.unwrap().bootstrap.unwrap();
        assert!(
            (mine.std_error - b.std_error).abs() < 1e-9 * b.std_error,
            "{} vs {}",
            mine.std_error,
            b.std_error
        );
        assert_eq!(mine.intervals[0].method, b.interval.method);
        assert!((mine.intervals[0].low - b.interval.low).abs() < 1e-9 * b.std_error);
    }
}
