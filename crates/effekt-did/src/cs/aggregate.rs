//! Aggregations of the ATT(g,t) with `did::aggte`'s weights, written as linear contrasts of
//! the "base" influence-function columns so that analytic variances and bootstrap draws of
//! every aggregate come from the same few columns.
//!
//! Base columns: the K cell influence functions ψ_k, then one column per cohort,
//! `w_i 1{G_i = g}` (unit weight times cohort membership).
//!
//! With cohort shares `p_g = mean_i(w_i 1{G_i = g})` (over all units, as `aggte`), an aggregate
//! of cells `k ∈ K` with weights `p_{g(k)} / P`, `P = Σ_K p_{g(k)}`, is
//! `A = Σ_K p_{g(k)} ATT_k / P`, and its influence function (`aggte`'s `get_agg_inf_func` plus
//! `wif`, the effect of estimating the weights) is
//!
//! `ψ_A = Σ_K (p_{g(k)}/P) ψ_k + Σ_K ((ATT_k − A)/P) (w 1{G = g(k)} − p_{g(k)})`.
//!
//! The constant part `−Σ_K (ATT_k − A) p_{g(k)} / P` is exactly zero, so ψ_A is a linear
//! contrast of the base columns alone.

use super::CsError;
use super::cells::{CellEstimate, CellPlan};
use super::config::Aggregation;

/// One aggregate: its estimate and its contrast over the base columns.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub estimate: f64,
    pub contrast: Vec<f64>,
}

/// The components (per cohort / event time / period) and the overall aggregate of one type.
#[derive(Debug, Clone)]
pub(crate) struct Family {
    pub kind: Aggregation,
    /// Key of each component: cohort, event time or calendar period.
    pub keys: Vec<f64>,
    pub components: Vec<Target>,
    pub overall: Target,
    /// Number of (g,t) cells behind each component.
    pub cells: Vec<usize>,
}

/// Inputs the aggregations need.
pub(crate) struct AggInput<'a> {
    pub plans: &'a [CellPlan],
    pub cells: &'a [CellEstimate],
    pub times: &'a [f64],
    pub glist: &'a [f64],
    /// p_g per cohort of `glist`.
    pub pg: &'a [f64],
}

impl AggInput<'_> {
    fn n_base(&self) -> usize {
        self.cells.len() + self.glist.len()
    }
    fn group(&self, k: usize) -> f64 {
        self.plans[k].group
    }
    fn time(&self, k: usize) -> f64 {
        self.times[self.plans[k].t]
    }
    fn post(&self, k: usize) -> bool {
        !self.plans[k].reference && self.group(k) <= self.time(k)
    }

    /// Cohort-share weighted average of the cells `keep`, with the weight-estimation term.
    fn weighted(&self, keep: &[usize]) -> Target {
        let mut c = vec![0.0; self.n_base()];
        let p: Vec<f64> = keep.iter().map(|&k| self.pg[self.plans[k].g_idx]).collect();
        let total: f64 = p.iter().sum();
        let est = keep
            .iter()
            .zip(&p)
            .map(|(&k, pk)| pk * self.cells[k].att)
            .sum::<f64>()
            / total;
        let kc = self.cells.len();
        for (&k, pk) in keep.iter().zip(&p) {
            c[k] += pk / total;
            c[kc + self.plans[k].g_idx] += (self.cells[k].att - est) / total;
        }
        Target {
            estimate: est,
            contrast: c,
        }
    }

    /// Plain mean of targets.
    fn mean(targets: &[Target]) -> Target {
        let m = targets.len() as f64;
        let n_base = targets.first().map_or(0, |t| t.contrast.len());
        let mut c = vec![0.0; n_base];
        for t in targets {
            for (ci, ti) in c.iter_mut().zip(&t.contrast) {
                *ci += ti / m;
            }
        }
        Target {
            estimate: targets.iter().map(|t| t.estimate).sum::<f64>() / m,
            contrast: c,
        }
    }
}

/// The cell targets (unit contrasts).
pub(crate) fn cell_targets(input: &AggInput<'_>) -> Vec<Target> {
    let nb = input.n_base();
    (0..input.cells.len())
        .map(|k| {
            let mut c = vec![0.0; nb];
            c[k] = 1.0;
            Target {
                estimate: input.cells[k].att,
                contrast: c,
            }
        })
        .collect()
}

/// `aggte(type = "simple")`: post-treatment cells weighted by cohort share.
pub(crate) fn simple(input: &AggInput<'_>) -> Result<Target, CsError> {
    let keep: Vec<usize> = (0..input.cells.len()).filter(|&k| input.post(k)).collect();
    if keep.is_empty() {
        return Err(CsError::EmptyAggregation {
            aggregation: "simple",
            reason: "no post-treatment ATT(g,t) (every cohort starts after the last period)".into(),
        });
    }
    Ok(input.weighted(&keep))
}

/// `aggte(type = "group")`: mean of each cohort's post-treatment cells; overall weighted by
/// cohort share (with the weight-estimation term over cohorts).
pub(crate) fn group(input: &AggInput<'_>) -> Result<Family, CsError> {
    let mut keys = Vec::new();
    let mut comps = Vec::new();
    let mut ncells = Vec::new();
    let mut g_idx = Vec::new();
    for (gi, &g) in input.glist.iter().enumerate() {
        let keep: Vec<usize> = (0..input.cells.len())
            .filter(|&k| input.plans[k].g_idx == gi && input.post(k))
            .collect();
        if keep.is_empty() {
            continue;
        }
        let m = keep.len() as f64;
        let mut c = vec![0.0; input.n_base()];
        for &k in &keep {
            c[k] = 1.0 / m;
        }
        comps.push(Target {
            estimate: keep.iter().map(|&k| input.cells[k].att).sum::<f64>() / m,
            contrast: c,
        });
        keys.push(g);
        ncells.push(keep.len());
        g_idx.push(gi);
    }
    if comps.is_empty() {
        return Err(CsError::EmptyAggregation {
            aggregation: "group",
            reason: "no cohort has a post-treatment period in the data".into(),
        });
    }
    let p: Vec<f64> = g_idx.iter().map(|&gi| input.pg[gi]).collect();
    let total: f64 = p.iter().sum();
    let est = comps
        .iter()
        .zip(&p)
        .map(|(t, pg)| pg * t.estimate)
        .sum::<f64>()
        / total;
    let kc = input.cells.len();
    let mut c = vec![0.0; input.n_base()];
    for ((t, pg), &gi) in comps.iter().zip(&p).zip(&g_idx) {
        for (ci, ti) in c.iter_mut().zip(&t.contrast) {
            *ci += pg / total * ti;
        }
        c[kc + gi] += (t.estimate - est) / total;
    }
    Ok(Family {
        kind: Aggregation::Group,
        keys,
        components: comps,
        overall: Target {
            estimate: est,
            contrast: c,
        },
        cells: ncells,
    })
}

/// `aggte(type = "dynamic")`: every event time e = t − g (pre-treatment ones included), cells
/// weighted by cohort share; overall = mean over e ≥ 0.
pub(crate) fn dynamic(input: &AggInput<'_>) -> Result<Family, CsError> {
    let mut es: Vec<f64> = (0..input.cells.len())
        .map(|k| input.time(k) - input.group(k))
        .collect();
    es.sort_by(f64::total_cmp);
    es.dedup();
    let mut comps = Vec::new();
    let mut ncells = Vec::new();
    for &e in &es {
        let keep: Vec<usize> = (0..input.cells.len())
            .filter(|&k| input.time(k) - input.group(k) == e)
            .collect();
        ncells.push(keep.len());
        comps.push(input.weighted(&keep));
    }
    let post: Vec<Target> = es
        .iter()
        .zip(&comps)
        .filter(|(e, _)| **e >= 0.0)
        .map(|(_, t)| t.clone())
        .collect();
    if post.is_empty() {
        return Err(CsError::EmptyAggregation {
            aggregation: "dynamic",
            reason: "no event time e >= 0 in the data".into(),
        });
    }
    Ok(Family {
        kind: Aggregation::Dynamic,
        keys: es,
        overall: AggInput::mean(&post),
        components: comps,
        cells: ncells,
    })
}

/// `aggte(type = "calendar")`: per period t ≥ the first cohort, the post-treatment cells of
/// that period weighted by cohort share; overall = mean over periods.
pub(crate) fn calendar(input: &AggInput<'_>) -> Result<Family, CsError> {
    let min_g = input.glist.iter().copied().fold(f64::INFINITY, f64::min);
    let mut keys = Vec::new();
    let mut comps = Vec::new();
    let mut ncells = Vec::new();
    for &t in input.times.iter().filter(|&&t| t >= min_g) {
        let keep: Vec<usize> = (0..input.cells.len())
            .filter(|&k| input.time(k) == t && input.post(k))
            .collect();
        if keep.is_empty() {
            continue;
        }
        keys.push(t);
        ncells.push(keep.len());
        comps.push(input.weighted(&keep));
    }
    if comps.is_empty() {
        return Err(CsError::EmptyAggregation {
            aggregation: "calendar",
            reason: "no period with a post-treatment ATT(g,t)".into(),
        });
    }
    Ok(Family {
        kind: Aggregation::Calendar,
        keys,
        overall: AggInput::mean(&comps),
        components: comps,
        cells: ncells,
    })
}
