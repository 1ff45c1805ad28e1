//! The design step of [`fit`](super::fit): common support, the matching order, nearest-neighbour
//! matching, CEM and weighting, each returning the [`Design`] (weights, subclasses, matched
//! sets, dropped units) that balance and effect are computed from.

use effekt_notes::{Arm, Note};
use effekt_resample::rng::RngExt;
use effekt_resample::{Purpose, Streams};

use crate::cem::{self, Coarsening};
use crate::nearest::{self, Problem, Space};
use crate::prep::Prepared;
use crate::search::Constraint;
use crate::weighting;
use crate::{Discard, Distance, Estimand, MatchConfig, MatchError, Order};

use crate::result::{CaliperInfo, CovariateCaliperInfo, DropReason, Dropped, WeightingInfo};

pub(super) fn sd(x: &[f64], keep: &[bool]) -> f64 {
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

pub(super) fn discard(score: &[f64], treat: &[bool], option: Discard) -> Vec<bool> {
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

pub(super) fn group_name(t: bool) -> &'static str {
    if t { "treated" } else { "control" }
}

/// Greedy matching order of the focal units.
pub(super) fn matching_order(
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
pub(super) fn match_weights(n: usize, matches: &[Vec<u32>], focal: &[bool]) -> Vec<f64> {
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
pub(super) fn subclass_weights(
    sub: &[u32],
    treat: &[bool],
    n_sub: usize,
    estimand: Estimand,
) -> Vec<f64> {
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
pub(super) struct Design {
    pub(super) weights: Vec<f64>,
    /// Subclass per unit (`u32::MAX` = none).
    pub(super) subclass: Option<Vec<u32>>,
    pub(super) matches: Option<Vec<Vec<u32>>>,
    pub(super) dropped: Vec<Dropped>,
    pub(super) caliper: Option<CaliperInfo>,
    pub(super) cem: Option<Vec<Coarsening>>,
    pub(super) weighting: Option<(WeightingInfo, f64)>,
    /// Coordinates for Abadie–Imbens within-group matching.
    pub(super) coords: Option<(Vec<f64>, usize)>,
    pub(super) warnings: Vec<Note>,
}

pub(super) fn push_drop(
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

pub(super) fn nearest_design(
    prep: &Prepared,
    config: &MatchConfig,
    score: Option<&[f64]>,
    keep: &[bool],
    order: Order,
    warnings: &mut Vec<Note>,
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
            warnings.push(Note::FewerMatches {
                units: partial,
                group: Arm::of(focal_group),
                ratio: config.ratio,
            });
        }
        if unmatched.len() * 5 > focal.len() && score_caliper.is_some() {
            warnings.push(Note::CaliperDropped {
                dropped: unmatched.len(),
                of: focal.len(),
                group: Arm::of(focal_group),
            });
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
pub(super) fn round_up_2(x: f64) -> String {
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

pub(super) fn cem_design(prep: &Prepared, config: &MatchConfig) -> Result<Design, MatchError> {
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
        warnings: vec![Note::CemStrata {
            strata: st.n_strata,
            with_both: next as usize,
        }],
    })
}

pub(super) fn weighting_design(
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
        warnings.push(Note::Trimmed {
            units: trimmed,
            trim: config.ipw.trim.unwrap_or(0.0),
        });
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
