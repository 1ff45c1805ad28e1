//! The analysis: propensity score → common support → matching (or weighting) → weights →
//! balance → effect. [`fit`] is the entry point.

use effekt_data::Dataset;
use effekt_models::{Counterfactual, InferenceNote, VarianceEstimator, dist};
use effekt_resample::ProgressFn;

use crate::balance::{self, GroupSizes, Pairs, SampleSizes};
use crate::effect::{self, AiInput, Effect, EffectInput, Vce};
use crate::prep::{Prepared, prepare};
use crate::ps::fit_ps;
use crate::weighting;
use crate::{Discard, Distance, Estimand, MatchConfig, MatchError, Method, Order, SeMethod};

use crate::result::UnitData;
pub use crate::result::{
    CaliperInfo, CovariateCaliperInfo, DropReason, Dropped, MatchFit, Settings, Unit, WeightingInfo,
};

mod design;
use design::*;

/// Build the comparison group and estimate the effect.
///
/// `data` needs the treatment and the covariates (effekt-data [`Dataset`], after its
/// missing-data policy); with an outcome the effect is estimated too. `progress` receives the
/// number of finished bootstrap replicates.
///
/// # Errors
/// [`MatchError`]: invalid or unsupported options, unknown or constant covariates, separation
/// in the propensity-score model (naming the covariate), too few controls for k:1 matching
/// without replacement, a caliper that leaves no focal unit matched, CEM without matched
/// strata, and failures of the outcome model or the bootstrap.
pub fn fit(
    data: &Dataset,
    config: &MatchConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<MatchFit, MatchError> {
    config.validate()?;
    let prep = prepare(data, config)?;
    let n = prep.n;
    let treat = prep.treat.clone();
    let order = config.resolved_order();
    let method = config.method;
    let distance = config.distance;
    let mut warnings: Vec<effekt_notes::Note> = Vec::new();
    if method == Method::Cem && config.discard != Discard::None {
        return Err(MatchError::Unsupported {
            what: "--discard with CEM".into(),
            hint: "CEM does not estimate a propensity score; its strata already restrict to common support".into(),
        });
    }
    let need_ps = match method {
        Method::Ipw | Method::Aipw => true,
        Method::Cem => false,
        Method::Nearest => {
            distance.is_score()
                || config.caliper.is_some()
                || config.discard != Discard::None
                || (matches!(order, Order::Largest | Order::Smallest) && !config.replace)
        }
    };
    let model_covs = prep.model_covariates();
    let ps = if need_ps {
        Some(fit_ps(&model_covs, &treat)?)
    } else {
        None
    };
    if let Some(p) = &ps {
        warnings.extend(p.model.warnings.iter().cloned());
    }
    let score: Option<Vec<f64>> = ps.as_ref().map(|p| {
        if distance == Distance::Logit {
            p.lp.clone()
        } else {
            p.ps.clone()
        }
    });
    let discarded = match &score {
        Some(s) => discard(s, &treat, config.discard),
        None => vec![false; n],
    };
    for g in [true, false] {
        if (0..n).filter(|&i| treat[i] == g).all(|i| discarded[i]) {
            return Err(MatchError::DiscardedAll {
                option: format!("{:?}", config.discard).to_lowercase(),
                group: group_name(g).into(),
            });
        }
    }
    let keep: Vec<bool> = discarded.iter().map(|d| !d).collect();

    let design = match method {
        Method::Nearest => {
            nearest_design(&prep, config, score.as_deref(), &keep, order, &mut warnings)?
        }
        Method::Cem => cem_design(&prep, config)?,
        Method::Ipw | Method::Aipw => {
            let p = ps.as_ref().ok_or_else(|| MatchError::Numerical {
                what: "no propensity score".into(),
                hint: "this is a bug; please report it".into(),
            })?;
            weighting_design(&prep, config, p)?
        }
    };
    warnings.extend(design.warnings.iter().cloned());
    let w = &design.weights;

    // balance
    let mut cols = Vec::new();
    if method != Method::Cem
        && let Some(s) = &score
    {
        cols.push(balance::BalanceColumn {
            name: "distance".into(),
            source: "distance".into(),
            values: s.clone(),
        });
    }
    let bal_covs: Vec<&effekt_data::Covariate> =
        prep.balance.iter().map(|&k| &prep.covs[k]).collect();
    cols.extend(balance::balance_columns(&bal_covs));
    let pairs = match (&design.matches, &design.subclass) {
        (Some(m), _) => Pairs::Matches(m),
        (None, Some(s)) => Pairs::Subclass(s),
        _ => Pairs::None,
    };
    let bal = balance::balance_table(&cols, &treat, w, config.estimand, &pairs);
    let love = balance::love_plot(&bal);

    // sizes
    let sizes_for = |g: bool| GroupSizes {
        all: (0..n).filter(|&i| treat[i] == g).count(),
        all_ess: (0..n).filter(|&i| treat[i] == g).count() as f64,
        matched: (0..n).filter(|&i| treat[i] == g && w[i] > 0.0).count(),
        matched_ess: balance::ess((0..n).filter(|&i| treat[i] == g).map(|i| w[i])),
        unmatched: (0..n)
            .filter(|&i| treat[i] == g && w[i] == 0.0 && !discarded[i])
            .count(),
        discarded: (0..n).filter(|&i| treat[i] == g && discarded[i]).count(),
    };
    let sizes = SampleSizes {
        treated: sizes_for(true),
        control: sizes_for(false),
    };

    // effect
    let effect = match &prep.y {
        None => None,
        Some(y) => Some(estimate_effect(
            &prep,
            config,
            &design,
            y,
            &keep,
            ps.as_ref(),
            progress,
        )?),
    };
    let weighting_info = design.weighting.as_ref().map(|(w, _)| {
        let mut w = w.clone();
        if let Some(e) = &effect {
            w.mu1 = Some(e.counterfactual.treated_observed);
            w.mu0 = Some(e.counterfactual.control);
        }
        w
    });

    // per-unit results, kept compact; `MatchFit::units` expands them in file order
    let mut file_order = vec![0u32; n];
    for (i, &p) in prep.pos.iter().enumerate() {
        file_order[p] = i as u32;
    }
    let detail = UnitData {
        file_order,
        rows: prep.row.clone(),
        treated: treat.clone(),
        distance: score.clone(),
        weights: design.weights.clone(),
        subclass: design.subclass.clone(),
        discarded,
        matches: design.matches.clone(),
    };

    let settings = Settings {
        method,
        distance: (method != Method::Cem).then_some(distance),
        estimand: config.estimand,
        covariates: prep
            .model
            .iter()
            .map(|&k| prep.covs[k].name.clone())
            .collect(),
        exact: config.exact.clone(),
        ratio: config.ratio,
        replace: config.replace,
        order: (method == Method::Nearest).then_some(order),
        ties: config.ties,
        discard: config.discard,
        seed: config.seed,
    };
    Ok(MatchFit {
        settings,
        n,
        n_matched_treated: sizes.treated.matched,
        n_matched_control: sizes.control.matched,
        n_unmatched_treated: sizes.treated.all - sizes.treated.matched,
        n_unmatched_control: sizes.control.all - sizes.control.matched,
        sizes,
        dropped: design.dropped.clone(),
        balance: bal,
        smd_threshold: balance::SMD_THRESHOLD,
        love_plot: love,
        ps_model: ps.map(|p| p.model),
        caliper: design.caliper.clone(),
        cem: design.cem.clone(),
        weighting: weighting_info,
        effect,
        warnings,
        detail,
    })
}

fn estimate_effect(
    prep: &Prepared,
    config: &MatchConfig,
    design: &Design,
    y: &[f64],
    keep: &[bool],
    ps: Option<&crate::ps::PsFit>,
    progress: Option<ProgressFn<'_>>,
) -> Result<Effect, MatchError> {
    let treat = &prep.treat;
    let n = prep.n;
    let model_covs = prep.model_covariates();
    let opts = &config.effect;
    if matches!(config.method, Method::Ipw | Method::Aipw) {
        let ps = ps.ok_or_else(|| MatchError::Numerical {
            what: "no propensity score".into(),
            hint: "this is a bug; please report it".into(),
        })?;
        return weighting_effect(prep, config, design, y, ps);
    }
    let has_pairs = design.subclass.is_some() && config.method == Method::Nearest;
    let (vce, reason) = match (config.method, config.replace, opts.se) {
        (Method::Nearest, false, SeMethod::Auto | SeMethod::Cr2) => (
            Vce::Cluster(VarianceEstimator::Cr2),
            if opts.se == SeMethod::Auto {
                "default after matching without replacement: matched pairs are clusters (MatchIt's recommendation; Abadie & Spiess 2022), and CR2 with Satterthwaite df stays valid with few pairs; --se cr1 gives MatchIt's vcovCL".to_string()
            } else {
                "requested (--se cr2)".to_string()
            },
        ),
        (Method::Nearest, false, SeMethod::Cr1) => (Vce::Cluster(VarianceEstimator::Cr1), "requested (--se cr1): sandwich::vcovCL(fit, cluster = ~subclass), as MatchIt's documentation recommends".to_string()),
        (Method::Nearest, true, SeMethod::Auto | SeMethod::AbadieImbens) if !opts.adjust => (
            Vce::AbadieImbens,
            "default after matching with replacement: controls are reused, so pair-cluster standard errors do not apply; the Abadie-Imbens (2006) variance accounts for the reuse".to_string(),
        ),
        (Method::Nearest, true, SeMethod::Auto | SeMethod::Hc3) => (
            Vce::Hc3,
            "after matching with replacement with regression adjustment: HC3 robust standard errors on the matched data (MatchIt's recommendation; Hill & Reiter 2006)".to_string(),
        ),
        (Method::Nearest, true, SeMethod::AbadieImbens) => {
            return Err(MatchError::Unsupported {
                what: "the Abadie-Imbens standard error with regression adjustment".into(),
                hint: "drop --adjust or use --se hc3".into(),
            });
        }
        (Method::Nearest, true, SeMethod::Cr1 | SeMethod::Cr2) => {
            return Err(MatchError::Unsupported {
                what: "pair-cluster standard errors after matching with replacement".into(),
                hint: "controls belong to several pairs; use the default Abadie-Imbens or --se hc3".into(),
            });
        }
        (Method::Nearest, false, SeMethod::Hc3) => (Vce::Hc3, "requested (--se hc3): ignores the pairing".to_string()),
        (Method::Cem, _, SeMethod::Auto | SeMethod::Hc3) => (
            Vce::Hc3,
            "default after CEM: there are no pairs, so HC3 robust standard errors on the weighted matched data (MatchIt's recommendation)".to_string(),
        ),
        (Method::Cem, _, SeMethod::Cr1) => (Vce::Cluster(VarianceEstimator::Cr1), "requested (--se cr1): CEM strata as clusters".to_string()),
        (Method::Cem, _, SeMethod::Cr2) => (Vce::Cluster(VarianceEstimator::Cr2), "requested (--se cr2): CEM strata as clusters".to_string()),
        (_, _, se) => {
            return Err(MatchError::Unsupported {
                what: format!("--se {se:?} with --method {}", config.method.name()).to_lowercase(),
                hint: "use the default".into(),
            });
        }
    };
    let _ = has_pairs;
    let ai = match (&design.matches, vce) {
        (Some(m), Vce::AbadieImbens) => Some(AiInput {
            matches: m,
            coords: design.coords.as_ref().map(|(c, d)| (c.as_slice(), *d)),
            j: opts.ai_variance_matches,
            usable: keep,
        }),
        _ => None,
    };
    let inp = EffectInput {
        y,
        treat,
        weights: &design.weights,
        subclass: design.subclass.as_deref(),
        estimand: config.estimand,
        adjust: opts.adjust.then_some(model_covs.as_slice()),
        vce,
        reason,
        level: opts.level,
        bootstrap: &opts.bootstrap,
        seed: config.seed,
        ai,
        progress,
    };
    let _ = n;
    effect::estimate(&inp)
}

fn weighting_effect(
    prep: &Prepared,
    config: &MatchConfig,
    design: &Design,
    y: &[f64],
    ps: &crate::ps::PsFit,
) -> Result<Effect, MatchError> {
    let treat = &prep.treat;
    let n = prep.n;
    let keep: Vec<bool> = design.weights.iter().map(|&w| w > 0.0).collect();
    let x: Vec<&[f64]> = (0..ps.design.ncols())
        .filter_map(|j| ps.design.column(j))
        .collect();
    let res = match config.method {
        Method::Aipw => match config.estimand {
            Estimand::Ate => weighting::aipw(&x, &x, &ps.ps, y, treat, &keep)?,
            Estimand::Att => weighting::aipw_att(&x, &ps.ps, y, treat, &keep)?,
            Estimand::Atc => weighting::aipw_atc(&x, &ps.ps, y, treat, &keep)?,
        },
        _ => weighting::ipw(&x, &ps.ps, y, treat, &keep, config.estimand)?,
    };
    if config.effect.bootstrap.resamples > 0 {
        return Err(MatchError::Unsupported {
            what: "the bootstrap with weighting".into(),
            hint: "the standard error already accounts for the estimated propensity score (M-estimation sandwich)".into(),
        });
    }
    let est = res.mu1 - res.mu0;
    let t = dist::z_test(est, res.se, config.effect.level).map_err(MatchError::Effect)?;
    let ones = vec![1.0; n];
    let control_all = {
        let (mut s, mut c) = (0.0, 0.0);
        for i in 0..n {
            if !treat[i] {
                s += y[i] * ones[i];
                c += 1.0;
            }
        }
        s / c
    };
    let what = if config.method == Method::Aipw {
        "AIPW"
    } else {
        "IPW"
    };
    let mut warnings = Vec::new();
    let n1 = (0..n).filter(|&i| treat[i] && keep[i]).count();
    let n0 = (0..n).filter(|&i| !treat[i] && keep[i]).count();
    for (arm, units) in [
        (effekt_notes::Arm::Treated, n1),
        (effekt_notes::Arm::Control, n0),
    ] {
        if units < 20 {
            warnings.push(effekt_notes::Note::FewUnitsForSandwich { arm, units });
        }
    }
    Ok(Effect {
        term: config.estimand.name().into(),
        estimate: est,
        std_error: res.se,
        statistic: t.statistic,
        df: None,
        p_value: t.p_value,
        conf_low: t.conf_low,
        conf_high: t.conf_high,
        level: config.effect.level,
        inference: if config.method == Method::Aipw && config.estimand != Estimand::Ate {
            InferenceNote {
                method: format!("AIPW, doubly robust {} (Sant'Anna & Zhao 2020, as R DRDID): influence-function standard error (propensity-score and outcome models included), normal reference", config.estimand.name()),
                reason: "accounts for the estimation of both the propensity score and the outcome regression in the other group; consistent if either model is right (Sant'Anna & Zhao 2020)".into(),
                warnings,
            }
        } else {
            InferenceNote {
                method: format!("{what}: M-estimation sandwich of the stacked estimating equations (propensity-score model included), normal reference"),
                reason: "accounts for the estimation of the propensity score (Lunceford & Davidian 2004); weights as fixed would misstate the uncertainty".into(),
                warnings,
            }
        },
        counterfactual: Counterfactual::from_effect(res.mu1, est, res.mu0),
        control_mean_unmatched: control_all,
        adjusted: config.method == Method::Aipw,
        analytic: None,
        bootstrap: None,
    })
}
