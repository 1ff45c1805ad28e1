//! The group-time cells: which periods each ATT(g,t) compares, which units are its treated and
//! control units, and its estimate with the influence function over all units.

use faer::Mat;
use rayon::prelude::*;

use super::CsError;
use super::config::{BasePeriod, ControlGroup, CsConfig, CsEstimator};
use super::data::{Layout, Prepared};
use super::kernels::{self, Design, KernelError, Kind};

/// One (g,t) cell to estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CellPlan {
    pub group: f64,
    pub g_idx: usize,
    /// Period index of t.
    pub t: usize,
    /// Period index of the base period.
    pub base: usize,
    /// Universal base period's own cell: ATT = 0 by construction, no standard error.
    pub reference: bool,
}

/// The estimate of one cell.
#[derive(Debug, Clone)]
pub(crate) struct CellEstimate {
    pub att: f64,
    /// Influence function over all influence-function units (zero outside the cell), on the
    /// scale `ATT̂ − ATT ≈ mean(ψ)`.
    pub psi: Vec<f64>,
    pub n_treated: usize,
    pub n_control: usize,
    /// Weighted mean outcome of cohort g in period t.
    pub treated_mean: f64,
    /// Weighted mean outcome of the cell's controls in period t.
    pub control_mean: f64,
    /// Sum of weights of cohort g's observations in period t.
    pub treated_weight: f64,
}

/// Index of the last period before `g − anticipation` (`did`'s
/// `tail(which(tlist + anticipation < g), 1)`).
fn last_pre(times: &[f64], g: f64, a: f64) -> Option<usize> {
    times.iter().rposition(|&t| t + a < g)
}

/// The cells in `did`'s order: cohorts increasing, periods increasing.
///
/// Varying base period: periods 2..T; a post-treatment cell (g ≤ t) compares t with the last
/// period before g − anticipation, a pre-treatment cell compares t with the period before t.
/// Universal base period: periods 1..T, all compared with the last period before
/// g − anticipation (whose own cell is the reference).
pub(crate) fn plan(prep: &Prepared, cfg: &CsConfig) -> Result<Vec<CellPlan>, CsError> {
    let a = f64::from(cfg.anticipation);
    let times = &prep.times;
    let mut cells = Vec::new();
    for (g_idx, &g) in prep.glist.iter().enumerate() {
        let pre = last_pre(times, g, a).ok_or_else(|| {
            CsError::Internal(format!(
                "cohort {g} has no pre-period after the data checks"
            ))
        })?;
        let start = match cfg.base_period {
            BasePeriod::Varying => 1,
            BasePeriod::Universal => 0,
        };
        for t in start..times.len() {
            let (base, reference) = match cfg.base_period {
                BasePeriod::Varying => {
                    if g <= times[t] {
                        (pre, false)
                    } else {
                        (t - 1, false)
                    }
                }
                BasePeriod::Universal => (pre, t == pre),
            };
            cells.push(CellPlan {
                group: g,
                g_idx,
                t,
                base,
                reference,
            });
        }
    }
    Ok(cells)
}

fn kind(e: CsEstimator) -> Kind {
    match e {
        CsEstimator::Dr => Kind::Dr,
        CsEstimator::Ipw => Kind::Ipw,
        CsEstimator::Or => Kind::Or,
    }
}

/// Whether a unit of cohort `c` is a control in the cell of cohort `g` comparing periods with
/// the later one `later` (`did`: never treated, or first treated after
/// `max(t, base) + anticipation` and not in cohort g).
fn is_control(c: f64, g: f64, later: f64, cfg: &CsConfig) -> bool {
    match cfg.control_group {
        ControlGroup::NeverTreated => c == 0.0,
        ControlGroup::NotYetTreated => {
            c == 0.0 || (c > later + f64::from(cfg.anticipation) && c != g)
        }
    }
}

/// Intercept + covariates of the selected rows of `x`, dropping categorical dummies that are
/// all zero in the cell (R's `droplevels` before `model.matrix`).
fn design_matrix(x: &Mat<f64>, rows: &[usize], prep: &Prepared) -> (Mat<f64>, Vec<String>) {
    let k = x.ncols();
    let mut cols: Vec<usize> = Vec::with_capacity(k);
    for j in 0..k {
        let dummy = prep.cov_dummy.get(j).copied().unwrap_or(false);
        if dummy && rows.iter().all(|&i| x[(i, j)] == 0.0) {
            continue;
        }
        cols.push(j);
    }
    let mut names = vec![effekt_models::INTERCEPT.to_string()];
    names.extend(
        cols.iter()
            .map(|&j| prep.cov_names.get(j).cloned().unwrap_or_default()),
    );
    let m = Mat::from_fn(rows.len(), cols.len() + 1, |r, c| {
        if c == 0 {
            1.0
        } else {
            x[(rows[r], cols[c - 1])]
        }
    });
    (m, names)
}

fn kernel_error(e: KernelError, cell: &CellPlan, prep: &Prepared) -> CsError {
    let period = prep.times[cell.t];
    match e {
        KernelError::Singular { what, detail } => CsError::Singular {
            cohort: cell.group,
            period,
            what,
            detail,
        },
        KernelError::Overlap { max_pscore } => CsError::Overlap {
            cohort: cell.group,
            period,
            max_pscore,
        },
        KernelError::Model { what, source } => CsError::Model {
            cohort: cell.group,
            period,
            what,
            source,
        },
    }
}

fn empty(which: &'static str, cell: &CellPlan, prep: &Prepared, detail: String) -> CsError {
    CsError::EmptyCell {
        which,
        cohort: cell.group,
        period: prep.times[cell.t],
        base: prep.times[cell.base],
        detail,
    }
}

fn control_detail(cfg: &CsConfig) -> String {
    match cfg.control_group {
        ControlGroup::NeverTreated => {
            "no never-treated unit is observed in these periods; check the data".into()
        }
        ControlGroup::NotYetTreated => {
            "no never-treated unit and no unit treated later (net of anticipation) is observed in these periods; drop this period or cohort".into()
        }
    }
}

/// Estimate one cell.
fn estimate(cell: &CellPlan, prep: &Prepared, cfg: &CsConfig) -> Result<CellEstimate, CsError> {
    let n = prep.n;
    if cell.reference {
        return Ok(CellEstimate {
            att: 0.0,
            psi: vec![0.0; n],
            n_treated: 0,
            n_control: 0,
            treated_mean: f64::NAN,
            control_mean: f64::NAN,
            treated_weight: 0.0,
        });
    }
    let g = cell.group;
    let later = prep.times[cell.t].max(prep.times[cell.base]);
    let k = kind(cfg.estimator);
    match &prep.layout {
        Layout::Panel { y, x } => {
            let (yt, yb) = (&y[cell.t], &y[cell.base]);
            let units: Vec<usize> = (0..n)
                .filter(|&u| {
                    let c = prep.unit_cohort[u];
                    c == g || is_control(c, g, later, cfg)
                })
                .collect();
            let d: Vec<bool> = units.iter().map(|&u| prep.unit_cohort[u] == g).collect();
            let n_treated = d.iter().filter(|&&v| v).count();
            let n_control = d.len() - n_treated;
            if n_treated == 0 {
                return Err(empty(
                    "treated units",
                    cell,
                    prep,
                    format!("cohort {g} has no units in the balanced panel"),
                ));
            }
            if n_control == 0 {
                return Err(empty("control units", cell, prep, control_detail(cfg)));
            }
            let dy: Vec<f64> = units.iter().map(|&u| yt[u] - yb[u]).collect();
            let w: Vec<f64> = units.iter().map(|&u| prep.unit_weight[u]).collect();
            let (xm, names) = design_matrix(&x[cell.t.min(cell.base)], &units, prep);
            let design = Design {
                x: xm.as_ref(),
                names: &names,
            };
            let (att, psi_cell) =
                kernels::panel(k, &dy, &d, &w, &design).map_err(|e| kernel_error(e, cell, prep))?;
            if !att.is_finite() {
                return Err(CsError::Singular {
                    cohort: g,
                    period: prep.times[cell.t],
                    what: "the ATT".into(),
                    detail: "the estimate is not a finite number (all weights of one group are zero after trimming?)".into(),
                });
            }
            let scale = n as f64 / units.len() as f64;
            let mut psi = vec![0.0; n];
            for (&u, v) in units.iter().zip(&psi_cell) {
                psi[u] = scale * v;
            }
            let (mut tw, mut ty, mut cw, mut cy) = (0.0, 0.0, 0.0, 0.0);
            for (j, &u) in units.iter().enumerate() {
                if d[j] {
                    tw += w[j];
                    ty += w[j] * yt[u];
                } else {
                    cw += w[j];
                    cy += w[j] * yt[u];
                }
            }
            Ok(CellEstimate {
                att,
                psi,
                n_treated,
                n_control,
                treated_mean: ty / tw,
                control_mean: cy / cw,
                treated_weight: tw,
            })
        }
        Layout::Rows {
            id,
            period,
            y,
            w,
            x,
            by_period,
        } => {
            let rows: Vec<usize> = by_period[cell.t]
                .iter()
                .chain(by_period[cell.base].iter())
                .map(|&r| r as usize)
                .filter(|&r| {
                    let c = prep.unit_cohort[id[r] as usize];
                    c == g || is_control(c, g, later, cfg)
                })
                .collect();
            let d: Vec<bool> = rows
                .iter()
                .map(|&r| prep.unit_cohort[id[r] as usize] == g)
                .collect();
            let post: Vec<bool> = rows.iter().map(|&r| period[r] as usize == cell.t).collect();
            let count = |treated: bool, p: bool| {
                d.iter()
                    .zip(&post)
                    .filter(|(dd, pp)| **dd == treated && **pp == p)
                    .count()
            };
            let (t1, t0, c1, c0) = (
                count(true, true),
                count(true, false),
                count(false, true),
                count(false, false),
            );
            let tname = crate::cs::fmt_num(prep.times[cell.t]);
            let bname = crate::cs::fmt_num(prep.times[cell.base]);
            if t1 == 0 || t0 == 0 {
                let which_period = if t1 == 0 { &tname } else { &bname };
                return Err(empty(
                    "treated observations",
                    cell,
                    prep,
                    format!(
                        "cohort {} has no observation in period {which_period}",
                        crate::cs::fmt_num(g)
                    ),
                ));
            }
            if c1 == 0 || c0 == 0 {
                let which_period = if c1 == 0 { &tname } else { &bname };
                return Err(empty(
                    "control observations",
                    cell,
                    prep,
                    format!("none in period {which_period}: {}", control_detail(cfg)),
                ));
            }
            let yy: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
            let ww: Vec<f64> = rows.iter().map(|&r| w[r]).collect();
            let (xm, names) = design_matrix(x, &rows, prep);
            let design = Design {
                x: xm.as_ref(),
                names: &names,
            };
            let (att, psi_rows) = kernels::cross_section(k, &yy, &post, &d, &ww, &design)
                .map_err(|e| kernel_error(e, cell, prep))?;
            if !att.is_finite() {
                return Err(CsError::Singular {
                    cohort: g,
                    period: prep.times[cell.t],
                    what: "the ATT".into(),
                    detail: "the estimate is not a finite number (all weights of one group are zero after trimming?)".into(),
                });
            }
            let scale = n as f64 / rows.len() as f64;
            let mut psi = vec![0.0; n];
            for (&r, v) in rows.iter().zip(&psi_rows) {
                psi[id[r] as usize] += scale * v;
            }
            let (mut tw, mut ty, mut cw, mut cy) = (0.0, 0.0, 0.0, 0.0);
            for (j, &r) in rows.iter().enumerate() {
                if !post[j] {
                    continue;
                }
                if d[j] {
                    tw += ww[j];
                    ty += ww[j] * y[r];
                } else {
                    cw += ww[j];
                    cy += ww[j] * y[r];
                }
            }
            let units_of = |treated: bool| {
                let mut v: Vec<u32> = rows
                    .iter()
                    .zip(&d)
                    .filter(|(_, dd)| **dd == treated)
                    .map(|(&r, _)| id[r])
                    .collect();
                v.sort_unstable();
                v.dedup();
                v.len()
            };
            Ok(CellEstimate {
                att,
                psi,
                n_treated: units_of(true),
                n_control: units_of(false),
                treated_mean: ty / tw,
                control_mean: cy / cw,
                treated_weight: tw,
            })
        }
    }
}

/// Estimate all cells (in parallel; results in plan order, the first failing cell in plan order
/// is reported, so errors do not depend on the thread count).
pub(crate) fn estimate_all(
    cells: &[CellPlan],
    prep: &Prepared,
    cfg: &CsConfig,
) -> Result<Vec<CellEstimate>, CsError> {
    let results: Vec<Result<CellEstimate, CsError>> =
        cells.par_iter().map(|c| estimate(c, prep, cfg)).collect();
    results.into_iter().collect()
}
