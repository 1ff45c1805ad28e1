//! The power function of each design: the test statistic's distribution under H1 and the
//! resulting power at a point (n, effect, alpha).

use super::*;
use crate::dist::{pnorm, pnorm_upper, pnt, qnorm_upper, qt_upper};
use crate::error::{PowerError, Result, check_correlation, check_positive, check_probability};

/// A complete point at which power is evaluated.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) n1: f64,
    pub(super) n2: f64,
    pub(super) effect: f64,
    pub(super) alpha: f64,
    /// Cluster size (cluster design only).
    pub(super) m: f64,
}

/// Test statistic distribution under H1 at a point.
pub(super) enum Stat {
    T {
        df: f64,
        ncp: f64,
    },
    /// Normal with null/alternative SD ratio `r` and shifts for the upper and lower rejection
    /// regions (equal to the ncp without continuity correction).
    Z {
        r: f64,
        upper: f64,
        lower: f64,
    },
}

pub(super) fn power_of(
    stat: &Stat,
    alpha: f64,
    alt: Alternative,
    one_tail_only: bool,
) -> Result<f64> {
    let a = if alt == Alternative::TwoSided {
        alpha / 2.0
    } else {
        alpha
    };
    let (up, low) = match alt {
        Alternative::TwoSided => (true, true),
        Alternative::Greater => (true, false),
        Alternative::Less => (false, true),
    };
    let (up, low) = if one_tail_only && alt == Alternative::TwoSided {
        // Only the tail in the direction of the effect.
        let positive = match stat {
            Stat::T { ncp, .. } => *ncp >= 0.0,
            Stat::Z { upper, .. } => *upper >= 0.0,
        };
        (positive, !positive)
    } else {
        (up, low)
    };
    let mut p = 0.0;
    match *stat {
        Stat::T { df, ncp } => {
            let q = qt_upper(a, df)?;
            if up {
                p += pnt(q, df, ncp, false)?;
            }
            if low {
                p += pnt(-q, df, ncp, true)?;
            }
        }
        Stat::Z { r, upper, lower } => {
            let z = qnorm_upper(a)?;
            if up {
                p += pnorm_upper(z * r - upper);
            }
            if low {
                p += pnorm(-z * r - lower);
            }
        }
    }
    Ok(p)
}

/// Checked, normalised view of a design used by the solver.
pub(super) struct Model {
    pub(super) design: Design,
}

impl Model {
    pub(super) fn new(design: &Design) -> Result<Self> {
        let check_ratio = |r: f64| check_positive("ratio", r);
        match design {
            Design::TwoMeans(d) => {
                check_ratio(d.ratio)?;
                if let Some(sd) = d.sd {
                    check_positive("sd", sd)?;
                }
            }
            Design::Paired(d) => {
                if let Some(s) = d.sd_diff {
                    check_positive("sd_diff", s)?;
                    if d.sd.is_some() || d.correlation.is_some() {
                        return Err(PowerError::InvalidParameter {
                            name: "sd_diff",
                            value: s,
                            reason: "give either the SD of the differences or the SD and the \
                                     correlation, not both"
                                .into(),
                        });
                    }
                }
                match (d.sd, d.correlation) {
                    (Some(sd), Some(r)) => {
                        check_positive("sd", sd)?;
                        check_correlation("correlation", r)?;
                    }
                    (Some(sd), None) => {
                        return Err(PowerError::InvalidParameter {
                            name: "sd",
                            value: sd,
                            reason: "the paired design needs the pre-post correlation with the SD \
                                     (or give the SD of the differences)"
                                .into(),
                        });
                    }
                    (None, Some(r)) => {
                        return Err(PowerError::InvalidParameter {
                            name: "correlation",
                            value: r,
                            reason: "the correlation needs the SD of the outcome as well".into(),
                        });
                    }
                    (None, None) => {}
                }
            }
            Design::Ancova(w) => {
                check_ratio(w.ratio)?;
                if let Some(sd) = w.sd {
                    check_positive("sd", sd)?;
                }
                w.ancova_factor()?;
            }
            Design::Did(w) => {
                check_ratio(w.ratio)?;
                if let Some(sd) = w.sd {
                    check_positive("sd", sd)?;
                }
                let f = w.did_factor()?;
                if f.is_nan() || f <= 0.0 {
                    return Err(PowerError::InvalidParameter {
                        name: "correlation",
                        value: f,
                        reason: "the wave correlations give a non-positive variance for the \
                                 DiD estimator; they are not a valid correlation structure"
                            .into(),
                    });
                }
            }
            Design::TwoProportions(p) => {
                check_ratio(p.ratio)?;
                if let Some(p1) = p.p1 {
                    check_probability("p1", p1)?;
                }
                match p.scale {
                    ProportionScale::Difference if p.p1.is_none() => {
                        return Err(PowerError::InvalidParameter {
                            name: "p1",
                            value: f64::NAN,
                            reason: "p1 is needed when the effect is a difference in proportions"
                                .into(),
                        });
                    }
                    ProportionScale::CohenH if p.method != ProportionMethod::Arcsine => {
                        return Err(PowerError::InvalidParameter {
                            name: "h",
                            value: f64::NAN,
                            reason: "Cohen's h only goes with the arcsine method; give p1 and p2 \
                                     for the pooled and unpooled methods"
                                .into(),
                        });
                    }
                    _ => {}
                }
                if p.continuity && p.method == ProportionMethod::Arcsine {
                    return Err(PowerError::InvalidParameter {
                        name: "continuity",
                        value: 1.0,
                        reason: "the continuity correction applies to the pooled and unpooled \
                                 z-tests; choose one of those methods"
                            .into(),
                    });
                }
            }
            Design::Cluster(c) => {
                check_ratio(c.ratio)?;
                check_icc(c.icc)?;
                check_cv(c.cv)?;
                if let Some(m) = c.cluster_size {
                    check_cluster_size(m)?;
                }
                if let Some(sd) = c.sd {
                    check_positive("sd", sd)?;
                }
            }
        }
        Ok(Self { design: *design })
    }

    pub(super) fn name(&self) -> &'static str {
        match self.design {
            Design::TwoMeans(_) => "two-means",
            Design::Paired(_) => "paired",
            Design::Ancova(_) => "ancova",
            Design::Did(_) => "did",
            Design::TwoProportions(_) => "two-proportions",
            Design::Cluster(_) => "cluster",
        }
    }

    pub(super) fn alternative(&self) -> Alternative {
        match self.design {
            Design::TwoMeans(d) => d.alternative,
            Design::Paired(d) => d.alternative,
            Design::Ancova(w) | Design::Did(w) => w.alternative,
            Design::TwoProportions(p) => p.alternative,
            Design::Cluster(c) => c.alternative,
        }
    }

    pub(super) fn test(&self) -> TestStatistic {
        match self.design {
            Design::TwoMeans(d) => d.test,
            Design::Paired(d) => d.test,
            Design::Ancova(w) | Design::Did(w) => w.test,
            Design::TwoProportions(_) => TestStatistic::Z,
            Design::Cluster(c) => c.test,
        }
    }

    /// n2 / n1, or None for one-sample designs.
    pub(super) fn ratio(&self) -> Option<f64> {
        match self.design {
            Design::TwoMeans(d) => Some(d.ratio),
            Design::Paired(_) => None,
            Design::Ancova(w) | Design::Did(w) => Some(w.ratio),
            Design::TwoProportions(p) => Some(p.ratio),
            Design::Cluster(c) => Some(c.ratio),
        }
    }

    pub(super) fn n2(&self, n1: f64) -> f64 {
        self.ratio().map_or(0.0, |r| r * n1)
    }

    /// Number of parameters estimated besides the two means (for df).
    pub(super) fn extra_df_loss(&self) -> f64 {
        match self.design {
            Design::Ancova(w) if w.pre_waves > 0 => 1.0,
            _ => 0.0,
        }
    }

    /// Smallest n1 (exclusive) at which the test is defined.
    pub(super) fn n_min(&self) -> f64 {
        let t = self.test() == TestStatistic::T;
        match self.ratio() {
            None => {
                if t {
                    1.0
                } else {
                    0.0
                }
            }
            Some(r) => {
                if t {
                    // df = n1 (1 + r) − 2 − loss > 0
                    (2.0 + self.extra_df_loss()) / (1.0 + r)
                } else {
                    0.0
                }
            }
        }
    }

    /// Where the search for n1 starts: for the t test the n1 with one degree of freedom
    /// (`n_min` plus one df's worth), for z tests `n_min`. Below one df the t distribution is so
    /// heavy-tailed that its tail probabilities cannot be computed reliably in f64 (at
    /// df = 2e-10 the power of a zero effect came out as 0.99999998), and no study is planned
    /// there; R pwr starts at n = 2 per group.
    pub(super) fn n_search_start(&self) -> f64 {
        let lo = self.n_min();
        if self.test() != TestStatistic::T {
            return lo;
        }
        match self.ratio() {
            None => lo + 1.0,
            Some(r) => lo + 1.0 / (1.0 + r),
        }
    }

    /// Scale divisor turning the given effect into the standardised one.
    pub(super) fn effect_divisor(&self) -> f64 {
        match self.design {
            Design::TwoMeans(d) => d.sd.unwrap_or(1.0),
            Design::Paired(d) => match (d.sd_diff, d.sd, d.correlation) {
                (Some(s), _, _) => s,
                (None, Some(sd), Some(r)) => sd * (2.0 * (1.0 - r)).sqrt(),
                _ => 1.0,
            },
            Design::Ancova(w) | Design::Did(w) => w.sd.unwrap_or(1.0),
            Design::TwoProportions(_) => 1.0,
            Design::Cluster(c) => c.sd.unwrap_or(1.0),
        }
    }

    pub(super) fn effect_size_kind(&self) -> &'static str {
        match self.design {
            Design::TwoMeans(_) | Design::Cluster(_) => "Cohen's d",
            Design::Paired(_) => "d_z (mean difference / SD of differences)",
            Design::Ancova(_) | Design::Did(_) => "standardised difference (effect / SD)",
            Design::TwoProportions(p) => match p.method {
                ProportionMethod::Arcsine => "Cohen's h",
                _ => "difference in proportions",
            },
        }
    }

    /// (p1, p2) on the difference scale, p2 = p1 − effect.
    pub(super) fn props(&self, effect: f64) -> Option<(f64, f64)> {
        match self.design {
            Design::TwoProportions(p) if p.scale == ProportionScale::Difference => {
                p.p1.map(|p1| (p1, p1 - effect))
            }
            _ => None,
        }
    }

    pub(super) fn variance_factor(&self) -> Option<f64> {
        match self.design {
            Design::Ancova(w) => w.ancova_factor().ok(),
            Design::Did(w) => w.did_factor().ok(),
            _ => None,
        }
    }

    pub(super) fn stat(&self, at: &At) -> Result<Stat> {
        let t = self.test() == TestStatistic::T;
        let mk = |ncp: f64, df: f64| {
            if t {
                Stat::T { df, ncp }
            } else {
                Stat::Z {
                    r: 1.0,
                    upper: ncp,
                    lower: ncp,
                }
            }
        };
        let two = |n1: f64, n2: f64| (1.0 / n1 + 1.0 / n2).sqrt();
        Ok(match self.design {
            Design::TwoMeans(_) => {
                let d = at.effect / self.effect_divisor();
                mk(d / two(at.n1, at.n2), at.n1 + at.n2 - 2.0)
            }
            Design::Paired(_) => {
                let d = at.effect / self.effect_divisor();
                mk(d * at.n1.sqrt(), at.n1 - 1.0)
            }
            Design::Ancova(w) => {
                let f = w.ancova_factor()?;
                let d = at.effect / self.effect_divisor();
                mk(
                    d / (f.sqrt() * two(at.n1, at.n2)),
                    at.n1 + at.n2 - 2.0 - self.extra_df_loss(),
                )
            }
            Design::Did(w) => {
                let f = w.did_factor()?;
                let d = at.effect / self.effect_divisor();
                mk(d / (f.sqrt() * two(at.n1, at.n2)), at.n1 + at.n2 - 2.0)
            }
            Design::Cluster(c) => {
                let de = design_effect(at.m, c.cv, c.icc)?;
                let d = at.effect / self.effect_divisor();
                let se = (de * (1.0 / (at.n1 * at.m) + 1.0 / (at.n2 * at.m))).sqrt();
                mk(d / se, at.n1 + at.n2 - 2.0)
            }
            Design::TwoProportions(p) => match (p.method, p.scale) {
                (ProportionMethod::Arcsine, ProportionScale::CohenH) => {
                    let ncp = at.effect * (at.n1 * at.n2 / (at.n1 + at.n2)).sqrt();
                    Stat::Z {
                        r: 1.0,
                        upper: ncp,
                        lower: ncp,
                    }
                }
                (method, _) => {
                    let (p1, p2) = self.props(at.effect).ok_or(PowerError::InvalidParameter {
                        name: "p1",
                        value: f64::NAN,
                        reason: "p1 is needed".into(),
                    })?;
                    check_probability("p2", p2)?;
                    match method {
                        ProportionMethod::Arcsine => {
                            let h = cohen_h(p1, p2);
                            let ncp = h * (at.n1 * at.n2 / (at.n1 + at.n2)).sqrt();
                            Stat::Z {
                                r: 1.0,
                                upper: ncp,
                                lower: ncp,
                            }
                        }
                        ProportionMethod::Pooled | ProportionMethod::Unpooled => {
                            let r = at.n2 / at.n1;
                            let s1 = (p1 * (1.0 - p1) + p2 * (1.0 - p2) / r).sqrt();
                            let s0 = if method == ProportionMethod::Pooled {
                                let pb = (p1 + r * p2) / (1.0 + r);
                                (pb * (1.0 - pb) * (1.0 + 1.0 / r)).sqrt()
                            } else {
                                s1
                            };
                            let c = if p.continuity {
                                0.5 * (1.0 / at.n1 + 1.0 / at.n2)
                            } else {
                                0.0
                            };
                            let k = at.n1.sqrt() / s1;
                            let delta = p1 - p2;
                            Stat::Z {
                                r: s0 / s1,
                                upper: (delta - c) * k,
                                lower: (delta + c) * k,
                            }
                        }
                    }
                }
            },
        })
    }

    pub(super) fn one_tail_only(&self) -> bool {
        matches!(self.design, Design::TwoProportions(p) if p.one_tail_only)
    }

    pub(super) fn power(&self, at: &At) -> Result<f64> {
        let stat = self.stat(at)?;
        power_of(&stat, at.alpha, self.alternative(), self.one_tail_only())
    }

    pub(super) fn df(&self, at: &At) -> Option<f64> {
        match self.stat(at) {
            Ok(Stat::T { df, .. }) => Some(df),
            _ => None,
        }
    }

    pub(super) fn standardised(&self, effect: f64) -> f64 {
        match self.design {
            Design::TwoProportions(p) => match (p.method, self.props(effect)) {
                (ProportionMethod::Arcsine, Some((p1, p2))) => cohen_h(p1, p2),
                _ => effect,
            },
            _ => effect / self.effect_divisor(),
        }
    }

    /// Sign of the effect searched for when solving for it, and its magnitude bound
    /// (exclusive upper end).
    pub(super) fn effect_search(&self) -> (f64, f64) {
        let alt = self.alternative();
        match self.design {
            Design::TwoProportions(p) => {
                let sign = match alt {
                    Alternative::Greater => 1.0,
                    Alternative::Less => -1.0,
                    Alternative::TwoSided => {
                        if p.scale == ProportionScale::CohenH || p.p2_below_p1 {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                };
                match (p.scale, p.p1) {
                    (ProportionScale::Difference, Some(p1)) => {
                        // p2 = p1 − effect must stay in (0, 1).
                        let bound = if sign > 0.0 { p1 } else { 1.0 - p1 };
                        (sign, bound)
                    }
                    _ => (sign, std::f64::consts::PI),
                }
            }
            _ => (
                if alt == Alternative::Less { -1.0 } else { 1.0 },
                f64::INFINITY,
            ),
        }
    }
}

/// Cohen's h = 2 asin √p1 − 2 asin √p2 (Cohen 1988, eq. 6.2.1; R `pwr::ES.h`).
pub fn cohen_h(p1: f64, p2: f64) -> f64 {
    2.0 * p1.sqrt().asin() - 2.0 * p2.sqrt().asin()
}
