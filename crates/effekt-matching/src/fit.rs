//! The analysis: propensity score → common support → matching (or weighting) → weights →
//! balance → effect. [`fit`] is the entry point.

use effekt_data::Dataset;
use effekt_models::{Counterfactual, InferenceNote, VarianceEstimator, dist};
use effekt_resample::rng::RngExt;
use effekt_resample::{ProgressFn, Purpose, Streams};

use crate::balance::{self, GroupSizes, Pairs, SampleSizes};
use crate::cem::{self, Coarsening};
use crate::effect::{self, AiInput, Effect, EffectInput, Vce};
use crate::nearest::{self, Problem, Space};
use crate::prep::{Prepared, prepare};
use crate::ps::fit_ps;
use crate::search::Constraint;
use crate::weighting;
use crate::{Discard, Distance, Estimand, MatchConfig, MatchError, Method, Order, SeMethod};

use crate::result::UnitData;
pub use crate::result::{
    CaliperInfo, CovariateCaliperInfo, DropReason, Dropped, MatchFit, Settings, Unit, WeightingInfo,
};

fn sd(x: &[f64], keep: &[bool]) -> f64 {
    let v: Vec<f64> = x
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(v, _)| *v)
        .collect();
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt()
}

fn discard(score: &[f64], treat: &[bool], option: Discard) -> Vec<bool> {
    if option == Discard::None {
        return vec![false; score.len()];
    }
    let range = |g: bool| {
        score
            .iter()
            .zip(treat)
            .filter(|(_, t)| **t == g)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (&v, _)| {
                (lo.min(v), hi.max(v))
            })
    };
    let (min1, max1) = range(true);
    let (min0, max0) = range(false);
    score
        .iter()
        .zip(treat)
        .map(|(&v, &t)| match option {
            Discard::None => false,
            Discard::Both => v < min0.max(min1) || v > max0.min(max1),
            Discard::Control => !t && (v < min1 || v > max1),
            Discard::Treated => t && (v < min0 || v > max0),
        })
        .collect()
}

fn group_name(t: bool) -> &'static str {
    if t { "treated" } else { "control" }
}

/// Greedy matching order of the focal units.
fn matching_order(
    prep: &Prepared,
    focal: &[usize],
    score: Option<&[f64]>,
    order: Order,
    seed: u64,
) -> Result<Vec<usize>, MatchError> {
    let mut out = focal.to_vec();
    let need = || MatchError::Unsupported {
        what: format!("--order {} without a propensity score", order.name()),
        hint: "this is a bug; please report it".into(),
    };
    match order {
        Order::Largest => {
            let s = score.ok_or_else(need)?;
            out.sort_by(|&a, &b| {
                s[b].partial_cmp(&s[a])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&b))
            });
        }
        Order::Smallest => {
            let s = score.ok_or_else(need)?;
            out.sort_by(|&a, &b| {
                s[a].partial_cmp(&s[b])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&b))
            });
        }
        Order::Data => out.sort_by_key(|&i| prep.pos[i]),
        Order::Random => {
            let mut rng = Streams::new(seed, Purpose::Order).get(0);
            for i in (1..out.len()).rev() {
                let j = rng.random_range(0..=i);
                out.swap(i, j);
            }
        }
    }
    Ok(out)
}

/// MatchIt's `weights_matrixC` plus its rescaling: focal units with a match weigh 1, a
/// comparison unit `Σ 1/m_r` over the focal units r it serves (m_r = their number of matches),
/// rescaled so that the comparison weights sum to the number of comparison units used.
fn match_weights(n: usize, matches: &[Vec<u32>], focal: &[bool]) -> Vec<f64> {
    let mut w = vec![0.0; n];
    for (t, row) in matches.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        w[t] += 1.0;
        let m = row.len() as f64;
        for &c in row {
            w[c as usize] += 1.0 / m;
        }
    }
    let (mut sum, mut count) = (0.0, 0usize);
    for i in 0..n {
        if !focal[i] && w[i] > 0.0 {
            sum += w[i];
            count += 1;
        }
    }
    if sum > 0.0 {
        for i in 0..n {
            if !focal[i] {
                w[i] = w[i] * count as f64 / sum;
            }
        }
    }
    w
}

/// MatchIt's `weights.subclass` (CEM).
fn subclass_weights(sub: &[u32], treat: &[bool], n_sub: usize, estimand: Estimand) -> Vec<f64> {
    let n = sub.len();
    let mut nt = vec![0.0; n_sub];
    let mut nc = vec![0.0; n_sub];
    for i in 0..n {
        if sub[i] == u32::MAX {
            continue;
        }
        if treat[i] {
            nt[sub[i] as usize] += 1.0;
        } else {
            nc[sub[i] as usize] += 1.0;
        }
    }
    let mut w = vec![0.0; n];
    for i in 0..n {
        let s = sub[i];
        if s == u32::MAX {
            continue;
        }
        let (t, c) = (nt[s as usize], nc[s as usize]);
        w[i] = match (estimand, treat[i]) {
            (Estimand::Att, true) | (Estimand::Atc, false) => 1.0,
            (Estimand::Att, false) => t / c,
            (Estimand::Atc, true) => c / t,
            (Estimand::Ate, true) => (t + c) / t,
            (Estimand::Ate, false) => (t + c) / c,
        };
    }
    let rescale = |w: &mut Vec<f64>, g: bool| {
        let idx: Vec<usize> = (0..n)
            .filter(|&i| treat[i] == g && sub[i] != u32::MAX)
            .collect();
        let s: f64 = idx.iter().map(|&i| w[i]).sum();
        let k = idx.len() as f64;
        if s > 0.0 {
            for &i in &idx {
                w[i] = w[i] * k / s;
            }
        }
    };
    match estimand {
        Estimand::Att => rescale(&mut w, false),
        Estimand::Atc => rescale(&mut w, true),
        Estimand::Ate => {
            rescale(&mut w, true);
            rescale(&mut w, false);
        }
    }
    w
}

/// What the design step produced (before balance and effect).
struct Design {
    weights: Vec<f64>,
    /// Subclass per unit (`u32::MAX` = none).
    subclass: Option<Vec<u32>>,
    matches: Option<Vec<Vec<u32>>>,
    dropped: Vec<Dropped>,
    caliper: Option<CaliperInfo>,
    cem: Option<Vec<Coarsening>>,
    weighting: Option<(WeightingInfo, f64)>,
    /// Coordinates for Abadie–Imbens within-group matching.
    coords: Option<(Vec<f64>, usize)>,
    warnings: Vec<String>,
}

fn push_drop(
    out: &mut Vec<Dropped>,
    group: bool,
    reason: DropReason,
    count: usize,
    description: String,
) {
    if count > 0 {
        out.push(Dropped {
            group: group_name(group).into(),
            reason,
            count,
            description,
        });
    }
}

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
    let mut warnings: Vec<String> = Vec::new();
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

fn nearest_design(
    prep: &Prepared,
    config: &MatchConfig,
    score: Option<&[f64]>,
    keep: &[bool],
    order: Order,
    warnings: &mut Vec<String>,
) -> Result<Design, MatchError> {
    let n = prep.n;
    let treat = &prep.treat;
    let estimand = config.estimand;
    // coordinates of the distance
    let (space_coords, dim): (Option<Vec<f64>>, usize) = match config.distance {
        Distance::Ps | Distance::Logit => (None, 1),
        Distance::Mahalanobis => {
            let c = crate::mahal::mahalanobis(&prep.model_covariates(), treat, keep)?;
            (Some(c.coords), c.dim)
        }
        Distance::RobustMahalanobis => {
            let c = crate::mahal::robust_mahalanobis(&prep.model_covariates(), keep)?;
            (Some(c.coords), c.dim)
        }
    };
    let line_values: Option<&[f64]> = if config.distance.is_score() {
        score
    } else {
        None
    };
    let space = match (&space_coords, line_values) {
        (Some(c), _) => Space::Points { coords: c, dim },
        (None, Some(v)) => Space::Line(v),
        (None, None) => {
            return Err(MatchError::Numerical {
                what: "no distance for matching".into(),
                hint: "this is a bug; please report it".into(),
            });
        }
    };
    // calipers
    let score_caliper = match (config.caliper, score) {
        (Some(c), Some(s)) => Some((c, c * sd(s, keep))),
        _ => None,
    };
    let mut cov_cal_info = Vec::new();
    let mut cov_cals: Vec<(usize, f64)> = Vec::new();
    for &(k, width) in &prep.calipers {
        let x = prep.numeric(k).ok_or_else(|| MatchError::NotNumeric {
            covariate: prep.covs[k].name.clone(),
            what: "a covariate caliper".into(),
            hint: "match exactly on it instead (--exact)".into(),
        })?;
        let w = width * sd(x, keep);
        cov_cal_info.push(CovariateCaliperInfo {
            covariate: prep.covs[k].name.clone(),
            sd_units: width,
            width: w,
        });
        cov_cals.push((k, w));
    }
    let cov_constraints: Vec<Constraint<'_>> = cov_cals
        .iter()
        .filter_map(|&(k, w)| {
            prep.numeric(k).map(|x| Constraint {
                values: x,
                width: w,
            })
        })
        .collect();
    let caliper_info = (score_caliper.is_some() || !cov_cal_info.is_empty()).then(|| CaliperInfo {
        sd_units: score_caliper.map(|c| c.0),
        width: score_caliper.map(|c| c.1),
        covariates: cov_cal_info.clone(),
    });
    let strata = prep.exact_strata();
    let strata_codes = strata.as_ref().map(|s| s.0.as_slice());

    let directions: Vec<bool> = match estimand {
        Estimand::Att => vec![true],
        Estimand::Atc => vec![false],
        Estimand::Ate => vec![true, false],
    };
    let mut matches: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut dropped = Vec::new();
    for &focal_group in &directions {
        let focal: Vec<usize> = (0..n)
            .filter(|&i| treat[i] == focal_group && keep[i])
            .collect();
        let pool: Vec<usize> = (0..n)
            .filter(|&i| treat[i] != focal_group && keep[i])
            .collect();
        if !config.replace && pool.len() < config.ratio * focal.len() {
            return Err(MatchError::TooFewControls {
                ratio: config.ratio,
                needed: config.ratio * focal.len(),
                available: pool.len(),
                discarded: (0..n)
                    .filter(|&i| treat[i] != focal_group && !keep[i])
                    .count(),
                focal_count: focal.len(),
                focal: group_name(focal_group).into(),
                pool: group_name(!focal_group).into(),
            });
        }
        // with replacement nothing is used up, so the order does not matter
        let ord = if config.replace {
            focal.clone()
        } else {
            matching_order(prep, &focal, score, order, config.seed)?
        };
        let problem = Problem {
            space,
            order: &ord,
            pool: &pool,
            strata: strata_codes,
            score_caliper: score_caliper.and_then(|(_, w)| {
                score.map(|s| Constraint {
                    values: s,
                    width: w,
                })
            }),
            covariate_calipers: &cov_constraints,
            ratio: config.ratio,
            replace: config.replace,
        };
        let m = nearest::run(&problem, n);
        for &t in &focal {
            matches[t] = m[t].clone();
        }
        // why focal units are unmatched
        let unmatched: Vec<usize> = focal.iter().copied().filter(|&t| m[t].is_empty()).collect();
        let matched_count = focal.len() - unmatched.len();
        if matched_count == 0 {
            let what = if score_caliper.is_some() || !cov_cal_info.is_empty() {
                format!(
                    "the caliper{}",
                    score_caliper.map_or(String::new(), |(c, _)| format!(" of {c} SD"))
                )
            } else {
                "exact matching".to_string()
            };
            // a caliper that would let about half of the focal units find a match: the median
            // distance to the nearest unit of the other group, in SD units
            let suggestion = match (score_caliper, score) {
                (Some((c, w)), Some(s)) if w > 0.0 => {
                    let mut pool_vals: Vec<f64> = pool.iter().map(|&i| s[i]).collect();
                    pool_vals.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                    let mut near: Vec<f64> = focal
                        .iter()
                        .map(|&t| {
                            let x = s[t];
                            let k = pool_vals.partition_point(|&v| v < x);
                            let l = k.checked_sub(1).map_or(f64::INFINITY, |j| x - pool_vals[j]);
                            let r = pool_vals.get(k).map_or(f64::INFINITY, |v| v - x);
                            l.min(r)
                        })
                        .collect();
                    near.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                    near.get(near.len() / 2).filter(|v| v.is_finite()).map(|m| {
                        format!(
                            "--caliper {} (half of the {} units have a match within it)",
                            round_up_2(m / w * c),
                            group_name(focal_group)
                        )
                    })
                }
                _ => None,
            };
            return Err(MatchError::NoneMatched {
                what,
                focal: group_name(focal_group).into(),
                dropped: focal.len(),
                width: score_caliper.map(|c| c.1),
                suggestion,
            });
        }
        if !unmatched.is_empty() {
            let none = nearest::nothing_eligible(&problem, n, &unmatched);
            let pool_in_stratum = |t: usize| match strata_codes {
                Some(s) => pool.iter().any(|&c| s[c] == s[t]),
                None => !pool.is_empty(),
            };
            let (mut no_stratum, mut outside, mut used) = (0, 0, 0);
            for (k, &t) in unmatched.iter().enumerate() {
                if !pool_in_stratum(t) {
                    no_stratum += 1;
                } else if none[k] {
                    outside += 1;
                } else {
                    used += 1;
                }
            }
            let other = group_name(!focal_group);
            push_drop(
                &mut dropped,
                focal_group,
                DropReason::NoMatchInExactStratum,
                no_stratum,
                format!("no {other} unit with the same values of the exact-matching covariates"),
            );
            push_drop(
                &mut dropped,
                focal_group,
                DropReason::OutsideCaliper,
                outside,
                format!("no {other} unit within the caliper"),
            );
            push_drop(
                &mut dropped,
                focal_group,
                DropReason::MatchesUsedUp,
                used,
                format!(
                    "the {other} units within reach were all used by units matched earlier (matching without replacement)"
                ),
            );
        }
        let partial = focal
            .iter()
            .filter(|&&t| !m[t].is_empty() && m[t].len() < config.ratio)
            .count();
        if partial > 0 {
            warnings.push(format!(
                "{partial} {} unit(s) got fewer than {} matches; their matches are weighted up accordingly",
                group_name(focal_group),
                config.ratio
            ));
        }
        if unmatched.len() * 5 > focal.len() && score_caliper.is_some() {
            warnings.push(format!(
                "the caliper dropped {} of {} {} units ({:.0}%): the effect is estimated for the matched units only, which may differ from all {} units",
                unmatched.len(),
                focal.len(),
                group_name(focal_group),
                100.0 * unmatched.len() as f64 / focal.len() as f64,
                group_name(focal_group),
            ));
        }
    }
    for g in [true, false] {
        let c = (0..n).filter(|&i| treat[i] == g && !keep[i]).count();
        push_drop(
            &mut dropped,
            g,
            DropReason::OutsideCommonSupport,
            c,
            "propensity score outside the common support (discard)".into(),
        );
    }
    let weights = if estimand == Estimand::Ate {
        // every unit with a match counts once for itself plus its use as a match
        let mut w = vec![0.0; n];
        for (t, row) in matches.iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            w[t] += 1.0;
            let m = row.len() as f64;
            for &c in row {
                w[c as usize] += 1.0 / m;
            }
        }
        w
    } else {
        let focal_flags: Vec<bool> = (0..n)
            .map(|i| treat[i] == (estimand == Estimand::Att))
            .collect();
        let w = match_weights(n, &matches, &focal_flags);
        let not_selected = (0..n)
            .filter(|&i| !focal_flags[i] && keep[i] && w[i] == 0.0)
            .count();
        let pool_group = estimand != Estimand::Att;
        push_drop(
            &mut dropped,
            pool_group,
            DropReason::NotSelected,
            not_selected,
            format!(
                "not chosen as a match by any {} unit",
                group_name(!pool_group)
            ),
        );
        w
    };
    let subclass = if config.replace {
        None
    } else {
        let mut s = vec![u32::MAX; n];
        let mut next = 0u32;
        for t in 0..n {
            if matches[t].is_empty() {
                continue;
            }
            s[t] = next;
            for &c in &matches[t] {
                s[c as usize] = next;
            }
            next += 1;
        }
        Some(s)
    };
    let coords = match (&space_coords, score) {
        (Some(c), _) => Some((c.clone(), dim)),
        (None, Some(s)) => Some((s.to_vec(), 1)),
        _ => None,
    };
    Ok(Design {
        weights,
        subclass,
        matches: Some(matches),
        dropped,
        caliper: caliper_info,
        cem: None,
        weighting: None,
        coords,
        warnings: Vec::new(),
    })
}

/// `x` rounded up to two significant digits, formatted without trailing zeros.
fn round_up_2(x: f64) -> String {
    if !(x > 0.0) || !x.is_finite() {
        return format!("{x}");
    }
    let e = x.log10().floor() as i32 - 1;
    let m = 10f64.powi(e);
    let v = (x / m).ceil() * m;
    let decimals = (-e).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn cem_design(prep: &Prepared, config: &MatchConfig) -> Result<Design, MatchError> {
    let n = prep.n;
    let treat = &prep.treat;
    let mut covs = prep.model_covariates();
    for &k in &prep.exact {
        if !prep.model.contains(&k) {
            let mut c = prep.covs[k].clone();
            if let effekt_data::CovariateValues::Numeric(x) = &c.values {
                // exact covariates are matched on every distinct value
                let mut lv: Vec<f64> = x.clone();
                lv.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                lv.dedup();
                c.values = effekt_data::CovariateValues::Categorical {
                    levels: lv.iter().map(|v| v.to_string()).collect(),
                    codes: x
                        .iter()
                        .map(|v| lv.partition_point(|z| z < v) as u32)
                        .collect(),
                };
            }
            covs.push(c);
        }
    }
    let st = cem::strata(&covs, &config.cem_cuts)?;
    let mut has = vec![[false; 2]; st.n_strata];
    for i in 0..n {
        has[st.stratum[i] as usize][usize::from(treat[i])] = true;
    }
    let mut code = vec![u32::MAX; st.n_strata];
    let mut next = 0u32;
    for i in 0..n {
        let s = st.stratum[i] as usize;
        if has[s][0] && has[s][1] && code[s] == u32::MAX {
            code[s] = next;
            next += 1;
        }
    }
    if next == 0 {
        return Err(MatchError::CemNoMatches {
            strata: st.n_strata,
        });
    }
    let sub: Vec<u32> = (0..n).map(|i| code[st.stratum[i] as usize]).collect();
    let weights = subclass_weights(&sub, treat, next as usize, config.estimand);
    let mut dropped = Vec::new();
    for g in [true, false] {
        let c = (0..n)
            .filter(|&i| treat[i] == g && sub[i] == u32::MAX)
            .count();
        push_drop(
            &mut dropped,
            g,
            DropReason::NoMatchInCemStratum,
            c,
            format!("no {} unit in the same coarsened stratum", group_name(!g)),
        );
    }
    Ok(Design {
        weights,
        subclass: Some(sub),
        matches: None,
        dropped,
        caliper: None,
        cem: Some(st.coarsening),
        weighting: None,
        coords: None,
        warnings: vec![format!(
            "CEM: {} strata, {} with both treated and control units",
            st.n_strata, next
        )],
    })
}

fn weighting_design(
    prep: &Prepared,
    config: &MatchConfig,
    p: &crate::ps::PsFit,
) -> Result<Design, MatchError> {
    let n = prep.n;
    let treat = &prep.treat;
    let keep: Vec<bool> = match config.ipw.trim {
        Some(a) => p.ps.iter().map(|&e| e >= a && e <= 1.0 - a).collect(),
        None => vec![true; n],
    };
    for g in [true, false] {
        if !(0..n).any(|i| treat[i] == g && keep[i]) {
            return Err(MatchError::InvalidOption {
                option: "trim".into(),
                value: format!("{:?}", config.ipw.trim),
                expected: format!("bounds that keep some {} units", group_name(g)),
            });
        }
    }
    let mut w = weighting::ipw_weights(&p.ps, treat, &keep, config.estimand);
    if config.ipw.stabilize {
        let nk = keep.iter().filter(|&&k| k).count() as f64;
        let p1 = (0..n).filter(|&i| keep[i] && treat[i]).count() as f64 / nk;
        for i in 0..n {
            let f = match (config.estimand, treat[i]) {
                (Estimand::Ate, true) => p1,
                (Estimand::Ate, false) => 1.0 - p1,
                (Estimand::Att, false) => (1.0 - p1) / p1,
                (Estimand::Atc, true) => p1 / (1.0 - p1),
                _ => 1.0,
            };
            w[i] *= f;
        }
    }
    let mut dropped = Vec::new();
    let trimmed = keep.iter().filter(|&&k| !k).count();
    for g in [true, false] {
        let c = (0..n).filter(|&i| treat[i] == g && !keep[i]).count();
        push_drop(
            &mut dropped,
            g,
            DropReason::Trimmed,
            c,
            format!(
                "propensity score outside [{0}, 1 - {0}] (trimming)",
                config.ipw.trim.unwrap_or(0.0)
            ),
        );
    }
    let maxw = |g: bool| {
        (0..n)
            .filter(|&i| treat[i] == g)
            .map(|i| w[i])
            .fold(0.0, f64::max)
    };
    let mut warnings = Vec::new();
    if trimmed > 0 {
        warnings.push(format!("{trimmed} unit(s) trimmed: the effect refers to the population with propensity scores in [{0}, 1 - {0}]", config.ipw.trim.unwrap_or(0.0)));
    }
    let info = WeightingInfo {
        stabilized: config.ipw.stabilize,
        trim: config.ipw.trim,
        trimmed,
        mu1: None,
        mu0: None,
        max_weight_treated: maxw(true),
        max_weight_control: maxw(false),
    };
    Ok(Design {
        weights: w,
        subclass: None,
        matches: None,
        dropped,
        caliper: None,
        cem: None,
        weighting: Some((info, 0.0)),
        coords: None,
        warnings,
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
    for (g, c) in [("treated", n1), ("control", n0)] {
        if c < 20 {
            warnings.push(format!("only {c} {g} units: the sandwich standard error can be too small in samples this small"));
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
