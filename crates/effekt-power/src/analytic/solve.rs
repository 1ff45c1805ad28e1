//! Solving for the unknown parameter (n, clusters, cluster size, effect, power or alpha) by
//! bracketing and Brent root finding, and building the result and power curve.

use super::model::*;
use super::*;
use crate::error::{PowerError, Result, check_alpha, check_probability};
use crate::roots::brent;

/// Solve a design for the one unknown quantity in `targets` (plus, for [`Cluster`], possibly
/// `cluster_size`), optionally adding a power curve.
///
/// # Errors
/// * [`PowerError::Probability`]: power, alpha or a proportion outside (0, 1);
/// * [`PowerError::Icc`]: ICC outside [0, 1);
/// * [`PowerError::Unknowns`]: not exactly one unknown;
/// * [`PowerError::NoSolution`]: the unknown cannot reach the requested power in its valid
///   range (the message names it and gives the highest reachable power);
/// * [`PowerError::InvalidParameter`] for other bad inputs.
pub fn solve(design: &Design, targets: &Targets, curve: Option<&CurveSpec>) -> Result<PowerResult> {
    let model = Model::new(design)?;
    if let Some(p) = targets.power {
        check_probability("power", p)?;
    }
    if let Some(a) = targets.alpha {
        check_alpha("alpha", a)?;
    }
    let cluster_size = match design {
        Design::Cluster(c) => Some(c.cluster_size),
        _ => None,
    };
    let n_param = if cluster_size.is_some() {
        Parameter::Clusters
    } else {
        Parameter::N
    };
    let mut unknown = Vec::new();
    if targets.n.is_none() {
        unknown.push(n_param);
    }
    if targets.effect.is_none() {
        unknown.push(Parameter::Effect);
    }
    if targets.power.is_none() {
        unknown.push(Parameter::Power);
    }
    if targets.alpha.is_none() {
        unknown.push(Parameter::Alpha);
    }
    if cluster_size == Some(None) {
        unknown.push(Parameter::ClusterSize);
    }
    if unknown.len() != 1 {
        let mut candidates = vec![n_param.name(), "effect", "power", "alpha"];
        if cluster_size.is_some() {
            candidates.push("cluster size");
        }
        return Err(PowerError::Unknowns {
            candidates,
            unknown: unknown.iter().map(|p| p.name()).collect(),
        });
    }
    let solved_for = unknown[0];
    if let Some(n) = targets.n {
        // At least one degree of freedom for a t test (see `Model::n_search_start`).
        let (lo, start) = (model.n_min(), model.n_search_start());
        if !(n.is_finite() && n > lo && n >= start) {
            return Err(PowerError::InvalidParameter {
                name: if n_param == Parameter::Clusters {
                    "clusters"
                } else {
                    "n"
                },
                value: n,
                reason: if start > lo {
                    format!(
                        "must be at least {start} for this design and test (one degree of \
                         freedom)"
                    )
                } else {
                    format!("must be greater than {lo} for this design and test")
                },
            });
        }
    }
    if let Some(e) = targets.effect
        && !e.is_finite()
    {
        return Err(PowerError::InvalidParameter {
            name: "effect",
            value: e,
            reason: "must be a finite number".into(),
        });
    }
    let mut at = At {
        n1: targets.n.unwrap_or(f64::NAN),
        n2: targets.n.map_or(f64::NAN, |n| model.n2(n)),
        effect: targets.effect.unwrap_or(f64::NAN),
        alpha: targets.alpha.unwrap_or(f64::NAN),
        m: cluster_size.flatten().unwrap_or(1.0),
    };
    if let (Some(e), Some(_)) = (targets.effect, model.props(0.0)) {
        let (_, p2) = model.props(e).unwrap_or((0.5, 0.5));
        check_probability("p2", p2)?;
    }
    let mut notes = Vec::new();
    let power = match solved_for {
        Parameter::Power => model.power(&at)?,
        _ => {
            let target = targets.power.unwrap_or(f64::NAN);
            solve_unknown(&model, &mut at, solved_for, target, &mut notes)?;
            target
        }
    };
    build_result(&model, at, solved_for, power, notes, curve)
}

pub(super) fn solve_unknown(
    model: &Model,
    at: &mut At,
    which: Parameter,
    target: f64,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base = *at;
    match which {
        Parameter::N | Parameter::Clusters => {
            let lo = model.n_search_start();
            let f = |n: f64| {
                let p = At {
                    n1: n,
                    n2: model.n2(n),
                    ..base
                };
                model.power(&p).map(|v| v - target)
            };
            let hi_max = 1e9;
            let x = increasing_root(&f, lo, (lo * 2.0).max(4.0), hi_max, which, target)?;
            if x.is_none() {
                notes.push(format!(
                    "the requested power is exceeded already at the smallest {} searched (one \
                     degree of freedom for a t test)",
                    which.name()
                ));
            }
            let n = x.unwrap_or_else(|| smallest_above(lo));
            at.n1 = n;
            at.n2 = model.n2(n);
        }
        Parameter::ClusterSize => {
            let f = |m: f64| model.power(&At { m, ..base }).map(|v| v - target);
            let x = increasing_root(&f, 1.0, 2.0, 1e7, which, target).map_err(|e| match e {
                PowerError::NoSolution {
                    parameter,
                    target,
                    reachable,
                    at,
                    ..
                } => PowerError::NoSolution {
                    parameter,
                    target,
                    reachable,
                    at,
                    hint: "with this number of clusters the between-cluster variance (ICC) \
                               caps the power however large the clusters are; add clusters \
                               (solve for clusters instead)"
                        .into(),
                },
                other => other,
            })?;
            if x.is_none() {
                notes
                    .push("the requested power is exceeded already with clusters of size 1".into());
            }
            at.m = x.unwrap_or(1.0);
        }
        Parameter::Alpha => {
            let f = |a: f64| model.power(&At { alpha: a, ..base }).map(|v| v - target);
            let lo = 1e-10;
            let hi = 1.0 - 1e-10;
            let flo = f(lo)?;
            let fhi = f(hi)?;
            if fhi < 0.0 {
                return Err(PowerError::NoSolution {
                    parameter: Parameter::Alpha,
                    target,
                    reachable: fhi + target,
                    at: hi,
                    hint: "even a significance level near 1 does not give this power; increase \
                           n or the effect"
                        .into(),
                });
            }
            if flo > 0.0 {
                return Err(PowerError::NoSolution {
                    parameter: Parameter::Alpha,
                    target,
                    reachable: flo + target,
                    at: lo,
                    hint: "the power exceeds the target even at alpha = 1e-10; the solution \
                           lies below the searched range"
                        .into(),
                });
            }
            at.alpha = brent(&f, lo, hi, 1e-15)?;
        }
        Parameter::Effect => {
            let (sign, bound) = model.effect_search();
            let f = |e: f64| {
                model
                    .power(&At {
                        effect: sign * e,
                        ..base
                    })
                    .map(|v| v - target)
            };
            let lo = 0.0;
            let x = if bound.is_finite() {
                let hi = bound * (1.0 - 1e-12);
                let fhi = f(hi)?;
                if fhi < 0.0 {
                    return Err(PowerError::NoSolution {
                        parameter: Parameter::Effect,
                        target,
                        reachable: fhi + target,
                        at: sign * hi,
                        hint: "the effect is bounded (p2 must stay between 0 and 1); increase n \
                               or lower the power"
                            .into(),
                    });
                }
                let flo = f(lo)?;
                if flo >= 0.0 {
                    return Err(effect_zero_error(target, flo + target));
                }
                brent(&f, lo, hi, 1e-15)?
            } else {
                let flo = f(lo)?;
                if flo >= 0.0 {
                    return Err(effect_zero_error(target, flo + target));
                }
                match increasing_root(&f, lo, 1.0, 1e6, Parameter::Effect, target)? {
                    Some(x) => x,
                    None => return Err(effect_zero_error(target, flo + target)),
                }
            };
            at.effect = sign * x;
        }
        Parameter::Power => {}
    }
    Ok(())
}

pub(super) fn effect_zero_error(target: f64, at_zero: f64) -> PowerError {
    PowerError::NoSolution {
        parameter: Parameter::Effect,
        target,
        reachable: at_zero,
        at: 0.0,
        hint: "the requested power is not above the power at effect 0 (which equals alpha for \
               the test); ask for a higher power or a lower alpha"
            .into(),
    }
}

pub(super) fn smallest_above(lo: f64) -> f64 {
    if lo == 0.0 {
        f64::MIN_POSITIVE
    } else {
        lo * (1.0 + 1e-10)
    }
}

/// Root of an increasing `f` on `(lo, hi_max]`, expanding the upper end from `hi` by doubling.
/// `Ok(None)` when `f` is already ≥ 0 just above `lo`.
pub(super) fn increasing_root(
    f: &dyn Fn(f64) -> Result<f64>,
    lo: f64,
    hi: f64,
    hi_max: f64,
    which: Parameter,
    target: f64,
) -> Result<Option<f64>> {
    let lo_eval = smallest_above(lo);
    let mut a = lo_eval;
    let mut b = hi.max(lo_eval * 2.0);
    let fa = f(a)?;
    if fa >= 0.0 {
        return Ok(None);
    }
    let mut fb = f(b)?;
    while fb < 0.0 {
        if b >= hi_max {
            return Err(PowerError::NoSolution {
                parameter: which,
                target,
                reachable: fb + target,
                at: b,
                hint: format!(
                    "the searched range ends at {} = {hi_max}; the effect is too small for \
                     this design",
                    which.name()
                ),
            });
        }
        a = b;
        b = (b * 2.0).min(hi_max);
        fb = f(b)?;
    }
    let tol = 1e-13 * b.abs().max(1.0);
    brent(f, a, b, tol).map(Some)
}

pub(super) fn ceil_u64(x: f64) -> u64 {
    // Guard against 64.00000000001 style noise from the root finder: a solution within 1e-9
    // relative of an integer counts as that integer.
    let r = x.round();
    let c = if (x - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r
    } else {
        x.ceil()
    };
    if c <= 0.0 {
        0
    } else if c >= u64::MAX as f64 {
        u64::MAX
    } else {
        c as u64
    }
}

pub(super) fn build_result(
    model: &Model,
    at: At,
    solved_for: Parameter,
    power: f64,
    notes: Vec<String>,
    curve: Option<&CurveSpec>,
) -> Result<PowerResult> {
    let mut notes = notes;
    let alt = model.alternative();
    let is_cluster = matches!(model.design, Design::Cluster(_));
    // Rounded sizes.
    let n1_req = ceil_u64(at.n1);
    let n2 = model.ratio().map(|_| at.n2);
    let n2_req = n2.map(ceil_u64);
    let (m_req, cluster) = match model.design {
        Design::Cluster(c) => {
            let m_req = ceil_u64(at.m);
            let de = design_effect(at.m, c.cv, c.icc)?;
            (
                m_req,
                Some(ClusterDetails {
                    clusters_per_arm: at.n1,
                    clusters_required: n1_req,
                    clusters_required_arm2: n2_req.unwrap_or(0),
                    cluster_size: at.m,
                    cluster_size_required: m_req,
                    icc: c.icc,
                    cv: c.cv,
                    design_effect: de,
                }),
            )
        }
        _ => (1, None),
    };
    let rounded = At {
        n1: n1_req as f64,
        n2: n2_req.map_or(0.0, |v| v as f64),
        m: if is_cluster { m_req as f64 } else { at.m },
        ..at
    };
    let power_at_n_required = model.power(&rounded)?;
    // For the cluster design the sizes are in individuals.
    let (n_per_group, n_required, n_group2, n_required_group2) = if is_cluster {
        let per = at.n1 * at.m;
        (
            per,
            n1_req.saturating_mul(m_req),
            n2.map(|v| v * at.m),
            n2_req.map(|v| v.saturating_mul(m_req)),
        )
    } else {
        (at.n1, n1_req, n2, n2_req)
    };
    let n_total_required = n_required.saturating_add(n_required_group2.unwrap_or(0));
    let (p1, p2) = match model.props(at.effect) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    if let Some(df) = model.df(&at)
        && df < 10.0
    {
        notes.push(format!(
            "only {df:.1} degrees of freedom: the t reference matters here; a normal-based \
             calculator would overstate the power"
        ));
    }
    if let (Design::Cluster(_), Some(k)) = (model.design, Some(at.n1))
        && k * (1.0 + model.ratio().unwrap_or(1.0)) < 10.0
    {
        notes.push(
            "fewer than 10 clusters in total: analyse with CR2 + Satterthwaite df or on cluster \
             means, never with plain cluster-robust standard errors"
                .into(),
        );
    }
    let curve = match curve {
        Some(spec) => Some(power_curve(model, &at, spec)?),
        None => None,
    };
    Ok(PowerResult {
        design: model.name(),
        method: method_text(model),
        solved_for,
        alternative: alt,
        n_per_group,
        n_required,
        n_group2,
        n_required_group2,
        n_total_required,
        ratio: model.ratio(),
        power,
        power_at_n_required,
        effect: at.effect,
        effect_size: model.standardised(at.effect),
        effect_size_kind: model.effect_size_kind(),
        alpha: at.alpha,
        df: model.df(&at),
        p1,
        p2,
        variance_factor: model.variance_factor(),
        cluster,
        notes,
        curve,
    })
}

pub(super) fn method_text(model: &Model) -> String {
    let dist = match model.test() {
        TestStatistic::T => "noncentral t",
        TestStatistic::Z => "normal approximation",
    };
    match model.design {
        Design::TwoMeans(_) => format!("two-sample t-test of two means ({dist})"),
        Design::Paired(_) => format!("paired t-test on within-pair differences ({dist})"),
        Design::Ancova(w) => format!(
            "ANCOVA with {} pre and {} post waves (McKenzie 2012; {dist})",
            w.pre_waves, w.post_waves
        ),
        Design::Did(w) => format!(
            "difference-in-differences with {} pre and {} post waves (Frison & Pocock 1992; \
             McKenzie 2012; {dist})",
            w.pre_waves, w.post_waves
        ),
        Design::TwoProportions(p) => {
            let m = match p.method {
                ProportionMethod::Arcsine => "arcsine transformation (Cohen's h; as R pwr.2p.test)",
                ProportionMethod::Pooled => {
                    "z-test, pooled variance under H0 (as R power.prop.test)"
                }
                ProportionMethod::Unpooled => "z-test, unpooled variance",
            };
            let cc = if p.continuity {
                ", continuity-corrected"
            } else {
                ""
            };
            format!("two proportions: {m}{cc}")
        }
        Design::Cluster(_) => format!(
            "cluster-randomised, design effect 1 + ((cv^2 + 1) m - 1) ICC (Eldridge, Ashby & \
             Kerry 2006); {dist} on cluster-level df"
        ),
    }
}

pub(super) fn power_curve(model: &Model, at: &At, spec: &CurveSpec) -> Result<Curve> {
    if spec.points < 2 || spec.points > 10_000 {
        return Err(PowerError::InvalidParameter {
            name: "curve points",
            value: spec.points as f64,
            reason: "a curve needs between 2 and 10000 points".into(),
        });
    }
    if !(spec.from.is_finite() && spec.to.is_finite() && spec.to > spec.from) {
        return Err(PowerError::InvalidParameter {
            name: "curve range",
            value: spec.from,
            reason: format!(
                "the curve needs finite from < to (got {} to {})",
                spec.from, spec.to
            ),
        });
    }
    let (lo, start) = (model.n_min(), model.n_search_start());
    if spec.over == CurveOver::N && !(spec.from > lo && spec.from >= start) {
        return Err(PowerError::InvalidParameter {
            name: "curve range",
            value: spec.from,
            reason: if start > lo {
                format!("n must be at least {start} for this design (one degree of freedom)")
            } else {
                format!("n must be greater than {lo} for this design")
            },
        });
    }
    let step = (spec.to - spec.from) / (spec.points - 1) as f64;
    let points = (0..spec.points)
        .map(|i| {
            let x = if i + 1 == spec.points {
                spec.to
            } else {
                spec.from + step * i as f64
            };
            let p = match spec.over {
                CurveOver::N => At {
                    n1: x,
                    n2: model.n2(x),
                    ..*at
                },
                CurveOver::Effect => At { effect: x, ..*at },
            };
            model.power(&p).map(|power| CurvePoint { x, power })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Curve {
        over: spec.over,
        points,
    })
}
