//! Callaway & Sant'Anna (2021) group-time average treatment effects for staggered adoption,
//! with the definitions of R `did` (Callaway & Sant'Anna) and its Python port csdid.
//!
//! # What is estimated
//! Units adopt a treatment at different times and stay treated. A unit's *cohort* g is its
//! first treated period (0, empty or +∞ = never treated). For every cohort g and period t,
//!
//! `ATT(g,t) = E[Y_t(g) − Y_t(0) | G = g]`
//!
//! is identified by a 2×2 difference-in-differences of cohort g against a control group between
//! period t and a base period, under parallel trends (conditional on covariates when given):
//!
//! * **Controls** ([`ControlGroup`]): never-treated units, or not-yet-treated units — never
//!   treated or first treated after `max(t, base) + anticipation`, excluding cohort g (`did` ≥
//!   2.1; earlier versions silently ignored anticipation here).
//! * **Base period** ([`BasePeriod`]): post-treatment cells (g ≤ t) always compare with the
//!   last period before `g − anticipation`; pre-treatment cells compare with t − 1 (varying) or
//!   with that same period (universal, whose own cell is the reference, ATT = 0).
//! * **2×2 estimator** ([`CsEstimator`]): doubly robust (`DRDID::drdid_panel` / `drdid_rc`,
//!   the locally efficient DR of Sant'Anna & Zhao 2020, as `did` calls it), normalised IPW, or
//!   outcome regression. Propensity scores are logistic regressions by effekt-models
//!   [`logit()`](effekt_models::logit()), outcome regressions weighted least squares by
//!   [`ols()`](effekt_models::ols()); an intercept-only model uses its exact closed form.
//!   Panels use each unit's covariates in the earlier period of the comparison.
//! * **Sampling** ([`Sampling`]): balanced panels (units not observed in every period are
//!   dropped, and reported), unbalanced panels (cross-section estimators on the rows with
//!   influence functions summed per unit, `did`'s `allow_unbalanced_panel`), or repeated
//!   cross-sections (`panel = FALSE`).
//!
//! # Aggregation and inference
//! The aggregations ([`Aggregation`]) are `did::aggte`'s: *simple* (post-treatment cells
//! weighted by cohort share, the headline effect), *group* (per cohort, then weighted by cohort
//! share), *dynamic* (per event time e = t − g, the event study; overall = mean over e ≥ 0) and
//! *calendar* (per period; overall = mean over periods), including the influence-function term
//! for estimating the cohort shares (`wif`). Standard errors come from the influence functions:
//! analytic `√(Σψ²)/n` (clustered: by cluster sums), and — by default, as `did` — a multiplier
//! bootstrap (Rademacher weights, B = 1,000) whose IQR-based standard errors replace them and
//! whose sup-t quantiles give simultaneous bands over the ATT(g,t) and over the components of
//! each aggregation (Callaway & Sant'Anna 2021, §4.1 and Remark 10). With a cluster role, one
//! multiplier is drawn per cluster. Multipliers are generated on the fly per replicate from
//! `effekt_resample::Streams` (`Purpose::Multiplier`), never as an n × B matrix, and every
//! result is bit-identical at any thread count (cells and bootstrap chunks run on rayon and are
//! collected in order; matrix products are sequential).
//!
//! # Design notes (deviations and traps)
//! * **Never-treated units are never lost silently.** An empty first-treated cell means
//!   never treated (it is not missing data, which in `did` drops the unit). If balancing the
//!   panel removes every never-treated unit, or there are none, never-treated controls are an
//!   error ([`CsError::NoNeverTreated`]) rather than `did`'s coercion of the last cohort.
//! * **Bad input stops with a named error** where `did` warns and drops or returns `NA`: a
//!   cohort without a pre-period ([`CsError::NoPrePeriod`]; `drop_always_treated` restores
//!   `did`'s drop-with-note), a (g,t) cell without treated or control observations
//!   ([`CsError::EmptyCell`], naming cohort and period), no overlap ([`CsError::Overlap`]),
//!   singular nuisance models ([`CsError::Singular`]), a single cluster, duplicate
//!   (unit, period) rows, and a first-treated period that changes within a unit (treatment
//!   that switches off cannot be expressed with a first-treated column: this design assumes
//!   that treatment, once started, stays on).
//! * **Known `did`/csdid differences.** (1) With anticipation ≥ 2 and a varying base period,
//!   pre-treatment cells inside the anticipation window compare consecutive periods here (R
//!   `did`); csdid 0.4.3 compares them with the period before g − anticipation. With
//!   anticipation ≤ 1 both agree. (2) Units first treated after the last period + anticipation
//!   count as never-treated (csdid 0.4.3; R `did` 2.1 uses the last period without
//!   anticipation). (3) Clustered bootstrap and analytic standard errors use cluster *sums* of
//!   the influence function, `√(Σ_c S_c²)/n` (csdid 0.4.3, R `did` ≥ 2.5; `did` 2.1's
//!   bootstrap used cluster means). (4) The Wald pre-test is computed with the clustered
//!   covariance when clustering (csdid/`did` suppress it with a clustered bootstrap).
//!   (5) Time-varying weights in a balanced panel are an error (`did` uses the earlier period's
//!   weight). (6) `did` stops when the never-treated group has fewer than 5 units; here that is
//!   a warning, since small municipal samples are the norm. (7) A standard error counts as
//!   undefined when its variance is zero relative to the scale of the influence functions
//!   (`did`: an absolute 1.5·10⁻⁷), so outcomes measured on small scales keep their standard
//!   errors.
//!
//! # For the CLI (`effekt did --method cs`)
//! ```ignore
//! let table = args.data.read()?;                                // effekt_data::Table
//! let data = table.select(&roles, policy)?;                     // outcome, unit, time,
//!                                                               // [cluster, weights, covariates]
//! let first = table.numeric(&first_treated_column)?;            // Vec<Option<f64>>
//! let input = CsData::from_dataset(&data, &first)?;
//! let fit = fit_cs(&input, &config, Some(&|k| bar.tick(k)))?;  // progress: bootstrap replicates
//! fit.simple          // headline: estimate, std_error, conf_low/high, p_value
//! fit.att_gt          // group_time table; fit.dynamic = event study; fit.counterfactual
//! fit.tidy(); fit.glance(); fit.inference  // InferenceNote: say which inference and why
//! ```
//! Every [`CsError`] is bad input (exit 2) except [`CsError::Internal`]. The JSON of a
//! [`CsFit`] holds nothing that varies between runs with the same seed.
//!
//! # Example
//! The castle-doctrine data (Cheng & Hoekstra 2013) shipped in `datasets/`: the first year with
//! a castle-doctrine law is each state's cohort.
//! ```
//! use effekt_data::{MissingPolicy, ReadOptions, Roles, read_table};
//! use effekt_did::cs::{CsConfig, CsData, fit_cs};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/castle.csv");
//! let table = read_table(std::path::Path::new(path), &ReadOptions::default())?;
//! let roles = Roles {
//!     outcome: Some("l_homicide".into()),
//!     unit: Some("sid".into()),
//!     time: Some("year".into()),
//!     ..Roles::default()
//! };
//! let data = table.select(&roles, MissingPolicy::Error)?;
//! // first year with post = 1 per state (0 = never)
//! let (post, sid, year) = (table.numeric("post")?, table.numeric("sid")?, table.numeric("year")?);
//! let mut first = std::collections::HashMap::new();
//! for i in 0..table.nrows() {
//!     if post[i] == Some(1.0) {
//!         let e = first.entry(sid[i].unwrap() as i64).or_insert(f64::INFINITY);
//!         *e = f64::min(*e, year[i].unwrap());
//!     }
//! }
//! let cohort: Vec<Option<f64>> = (0..table.nrows())
//!     .map(|i| first.get(&(sid[i].unwrap() as i64)).copied())
//!     .collect();
//! let input = CsData::from_dataset(&data, &cohort)?;
//! let fit = fit_cs(&input, &CsConfig { bootstrap: 0, ..CsConfig::default() }, None)?;
//! // csdid 0.4.3: ATTgt(..., control_group = "nevertreated").fit(est_method = "dr") + aggte
//! assert!((fit.simple.estimate - 0.0194028161849954).abs() < 1e-12);
//! assert!((fit.simple.std_error.unwrap() - 0.0383886460478295).abs() < 1e-10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # References
//! Callaway, B. & Sant'Anna, P. H. C. (2021), Difference-in-differences with multiple time
//! periods, *Journal of Econometrics* 225(2): 200–230. Sant'Anna, P. H. C. & Zhao, J. (2020),
//! Doubly robust difference-in-differences estimators, *Journal of Econometrics* 219(1):
//! 101–122. Mammen, E. (1993), Bootstrap and wild bootstrap for high dimensional linear models,
//! *Annals of Statistics* 21(1): 255–285. Cheng, C. & Hoekstra, M. (2013), *Journal of Human
//! Resources* 48(3): 821–854.

mod aggregate;
mod cells;
mod config;
mod data;
mod error;
mod inference;
mod kernels;
mod result;

pub use config::{
    Aggregation, BasePeriod, ControlGroup, CsConfig, CsEstimator, MAX_BOOTSTRAP, MultiplierWeights,
    Sampling,
};
pub use data::{CsData, CsDropped, DropReason};
pub use error::CsError;
pub use result::{
    AttGt, CsAggregate, CsAggregateRow, CsCohort, CsEstimate, CsFit, CsPeriodCounterfactual,
    CsPretest,
};

use effekt_models::{Counterfactual, InferenceNote};
use effekt_resample::ProgressFn;
use faer::Mat;

use aggregate::{AggInput, Family, Target};

/// A number as a person reads it: `2007`, `2.5`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x == 0.0 { "0".into() } else { format!("{x}") }
}

/// Estimate the ATT(g,t), their aggregations and inference.
///
/// `progress` receives the number of newly finished bootstrap replicates (total
/// `config.bootstrap`).
///
/// # Errors
/// [`CsError`] for invalid options and for every data problem listed in the module docs, each
/// naming the unit, cohort, period or column concerned.
pub fn fit_cs(
    data: &CsData,
    config: &CsConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<CsFit, CsError> {
    config.validate()?;
    if let Some(expected) = &config.cluster {
        match &data.cluster {
            Some(c) if &c.column == expected => {}
            Some(c) => {
                return Err(CsError::ClusterMismatch {
                    expected: expected.clone(),
                    found: format!("are clustered by {}", c.column),
                });
            }
            None => {
                return Err(CsError::ClusterMismatch {
                    expected: expected.clone(),
                    found: "have no cluster column".into(),
                });
            }
        }
    }
    let prep = data::prepare(data, config)?;
    let plans = cells::plan(&prep, config)?;
    let mut ests = cells::estimate_all(&plans, &prep, config)?;
    let n = prep.n;
    let kc = plans.len();
    let ng = prep.glist.len();
    let nb = kc + ng;

    // Cohort shares p_g = mean(w 1{G = g}) over all units.
    let pg: Vec<f64> = prep
        .glist
        .iter()
        .map(|&g| {
            prep.unit_cohort
                .iter()
                .zip(&prep.unit_weight)
                .filter(|(c, _)| **c == g)
                .map(|(_, w)| w)
                .sum::<f64>()
                / n as f64
        })
        .collect();

    // Base influence-function columns: cells, then w 1{G = g} per cohort.
    let psi = Mat::from_fn(n, nb, |i, j| {
        if j < kc {
            ests[j].psi[i]
        } else {
            let g = prep.glist[j - kc];
            if prep.unit_cohort[i] == g {
                prep.unit_weight[i]
            } else {
                0.0
            }
        }
    });
    // The cell influence functions now live in `psi`; free the per-cell copies.
    for e in &mut ests {
        e.psi = Vec::new();
    }
    let s = inference::cluster_sums(
        psi,
        prep.clusters
            .as_ref()
            .map(|c| (c.codes.as_slice(), c.n_clusters)),
    );
    let gram = inference::gram(&s);

    // Targets: cells, simple, then each family's components and overall.
    let input = AggInput {
        plans: &plans,
        cells: &ests,
        times: &prep.times,
        glist: &prep.glist,
        pg: &pg,
    };
    let mut targets: Vec<Target> = aggregate::cell_targets(&input);
    let simple_idx = targets.len();
    targets.push(aggregate::simple(&input)?);
    let mut families: Vec<(Family, usize)> = Vec::new();
    type Build = fn(&AggInput<'_>) -> Result<Family, CsError>;
    let builders: [(Aggregation, Build); 3] = [
        (Aggregation::Group, aggregate::group),
        (Aggregation::Dynamic, aggregate::dynamic),
        (Aggregation::Calendar, aggregate::calendar),
    ];
    for (kind, build) in builders {
        // The calendar family also feeds the per-period counterfactual.
        if !(config.wants(kind) || kind == Aggregation::Calendar) {
            continue;
        }
        match build(&input) {
            Ok(f) => {
                let start = targets.len();
                targets.extend(f.components.iter().cloned());
                targets.push(f.overall.clone());
                families.push((f, start));
            }
            Err(e) if config.wants(kind) => return Err(e),
            Err(_) => {}
        }
    }
    let nt = targets.len();
    let contrasts = Mat::from_fn(nb, nt, |i, j| targets[j].contrast[i]);

    // Analytic standard errors.
    let se_an: Vec<Option<f64>> = targets
        .iter()
        .map(|t| inference::analytic_se(&gram, &t.contrast, n))
        .collect();

    // Multiplier bootstrap.
    let alpha = 1.0 - config.level;
    let z = inference::qnorm(1.0 - alpha / 2.0);
    let mut warnings = prep.warnings.clone();
    let b = config.bootstrap;
    let (se_boot, draws): (Vec<Option<f64>>, Vec<f64>) = if b > 0 {
        let d = inference::draws(
            &s,
            &contrasts,
            n,
            b,
            config.multiplier,
            config.seed,
            progress,
        );
        let se = (0..nt)
            .map(|j| inference::boot_se(&mut inference::column(&d, nt, j)))
            .collect();
        (se, d)
    } else {
        (vec![None; nt], Vec::new())
    };
    let se_used: Vec<Option<f64>> = if b > 0 {
        se_boot.clone()
    } else {
        se_an.clone()
    };
    let crit_of = |members: std::ops::Range<usize>,
                   what: &str,
                   warnings: &mut Vec<effekt_notes::Note>|
     -> (f64, bool) {
        if !(b > 0 && config.uniform_bands) {
            return (z, false);
        }
        let m: Vec<(usize, f64)> = members.filter_map(|j| se_boot[j].map(|s| (j, s))).collect();
        match inference::sup_t(&draws, nt, &m, alpha) {
            None => {
                warnings.push(effekt_notes::Note::BandsUnavailable {
                    what: what.to_string(),
                });
                (z, false)
            }
            Some(c) if c < z => {
                warnings.push(effekt_notes::Note::BandsBelowPointwise {
                    what: what.to_string(),
                    critical: c,
                    pointwise: z,
                });
                (z, false)
            }
            Some(c) => {
                if c >= 7.0 {
                    warnings.push(effekt_notes::Note::BandsLarge {
                        what: what.to_string(),
                        critical: c,
                    });
                }
                (c, true)
            }
        }
    };
    let estimate_of = |j: usize, crit: Option<f64>| -> CsEstimate {
        let est = targets[j].estimate;
        let se = se_used[j];
        CsEstimate {
            estimate: est,
            std_error: se,
            std_error_analytic: se_an[j],
            statistic: se.map(|s| est / s),
            p_value: se.map(|s| inference::p_value(est / s)),
            conf_low: se.map(|s| est - z * s),
            conf_high: se.map(|s| est + z * s),
            band_low: crit.and_then(|c| se.map(|s| est - c * s)),
            band_high: crit.and_then(|c| se.map(|s| est + c * s)),
        }
    };

    // ATT(g,t).
    let (cell_crit, cell_uniform) = crit_of(0..kc, "ATT(g,t)", &mut warnings);
    let att_gt: Vec<AttGt> = plans
        .iter()
        .zip(&ests)
        .enumerate()
        .map(|(k, (p, e))| {
            let effect = estimate_of(k, cell_uniform.then_some(cell_crit));
            AttGt {
                group: p.group,
                time: prep.times[p.t],
                base_period: prep.times[p.base],
                event_time: prep.times[p.t] - p.group,
                post: !p.reference && p.group <= prep.times[p.t],
                reference: p.reference,
                counterfactual: (!p.reference)
                    .then(|| Counterfactual::from_effect(e.treated_mean, e.att, e.control_mean)),
                effect,
                n_treated: e.n_treated,
                n_control: e.n_control,
            }
        })
        .collect();
    let simple = estimate_of(simple_idx, None);

    // Aggregations.
    let mut group = None;
    let mut dynamic = None;
    let mut calendar = None;
    let mut counterfactual = Vec::new();
    for (f, start) in &families {
        let nc = f.components.len();
        let (crit, uniform) = crit_of(
            *start..start + nc,
            &format!("{} aggregation", f.kind.label()),
            &mut warnings,
        );
        let rows: Vec<CsAggregateRow> = (0..nc)
            .map(|i| CsAggregateRow {
                key: f.keys[i],
                effect: estimate_of(start + i, uniform.then_some(crit)),
                cells: f.cells[i],
            })
            .collect();
        let agg = CsAggregate {
            kind: f.kind,
            overall: estimate_of(start + nc, None),
            rows,
            critical_value: crit,
            uniform,
        };
        if f.kind == Aggregation::Calendar {
            for (i, &t) in f.keys.iter().enumerate() {
                let cells_t: Vec<usize> = (0..kc)
                    .filter(|&k| {
                        let p = &plans[k];
                        !p.reference && prep.times[p.t] == t && p.group <= t
                    })
                    .collect();
                let (mut ow, mut oy, mut cw, mut cy, mut nt_) = (0.0, 0.0, 0.0, 0.0, 0usize);
                for &k in &cells_t {
                    let e = &ests[k];
                    ow += e.treated_weight;
                    oy += e.treated_weight * e.treated_mean;
                    let w = pg[plans[k].g_idx];
                    cw += w;
                    cy += w * e.control_mean;
                    nt_ += e.n_treated;
                }
                let effect = f.components[i].estimate;
                counterfactual.push(CsPeriodCounterfactual {
                    period: t,
                    n_treated: nt_,
                    effect,
                    counterfactual: Counterfactual::from_effect(oy / ow, effect, cy / cw),
                });
            }
        }
        match f.kind {
            Aggregation::Group => group = Some(agg),
            Aggregation::Dynamic => dynamic = Some(agg),
            Aggregation::Calendar if config.wants(Aggregation::Calendar) => calendar = Some(agg),
            _ => {}
        }
    }

    // Wald pre-test of the pre-treatment cells.
    let a = f64::from(config.anticipation);
    let pre_cols: Vec<usize> = (0..kc)
        .filter(|&k| {
            let p = &plans[k];
            !p.reference && p.group - a > prep.times[p.t] && se_an[k].is_some()
        })
        .collect();
    let cell_att: Vec<f64> = ests.iter().map(|e| e.att).collect();
    let pretest = if pre_cols.is_empty() {
        None
    } else {
        match inference::wald_pretest(&gram, &cell_att, &pre_cols, n) {
            Some((w, df, p)) => Some(CsPretest {
                statistic: w,
                df,
                p_value: p,
            }),
            None => {
                warnings.push(effekt_notes::Note::PreTestSingular);
                None
            }
        }
    };

    let inference_note = inference_note(config, &prep, b, cell_uniform);
    let mut note = inference_note;
    note.warnings.extend(warnings.iter().cloned());
    let n_never = prep.unit_cohort.iter().filter(|&&c| c == 0.0).count();
    let cohorts = prep
        .glist
        .iter()
        .zip(&pg)
        .map(|(&g, &share)| CsCohort {
            cohort: g,
            units: prep.unit_cohort.iter().filter(|&&c| c == g).count(),
            share,
        })
        .collect();
    Ok(CsFit {
        method: format!(
            "Callaway-Sant'Anna ({}, {} controls)",
            config.estimator.label(),
            config.control_group.label()
        ),
        estimator: config.estimator,
        control_group: config.control_group,
        base_period: config.base_period,
        anticipation: config.anticipation,
        sampling: if prep.panel {
            Sampling::Panel
        } else {
            config.sampling
        },
        n_units: n,
        n_rows: prep.rows_used,
        n_never_treated: n_never,
        cluster: prep.clusters.as_ref().map(|c| c.column.clone()),
        n_clusters: prep.clusters.as_ref().map(|c| c.n_clusters),
        periods: prep.times.clone(),
        cohorts,
        level: config.level,
        att_gt,
        att_gt_critical_value: cell_crit,
        att_gt_uniform: cell_uniform,
        simple,
        group,
        dynamic,
        calendar,
        counterfactual,
        pretest,
        inference: note,
        dropped: prep.dropped.clone(),
        warnings,
        seed: (b > 0).then_some(config.seed),
        resamples: (b > 0).then_some(b),
        multiplier: (b > 0).then_some(config.multiplier),
    })
}

fn inference_note(
    config: &CsConfig,
    prep: &data::Prepared,
    b: usize,
    uniform: bool,
) -> InferenceNote {
    let clustered = prep
        .clusters
        .as_ref()
        .map(|c| format!(", clustered by {} ({} clusters)", c.column, c.n_clusters));
    let by = clustered.clone().unwrap_or_default();
    let method = if b > 0 {
        format!(
            "multiplier bootstrap ({b} {} draws{by}) of the influence functions{}",
            config.multiplier.label(),
            if uniform {
                "; simultaneous sup-t bands"
            } else {
                ""
            }
        )
    } else {
        format!("analytic influence-function standard errors{by}")
    };
    let reason = if b > 0 {
        "R did's default (Callaway & Sant'Anna 2021, sec. 4 and Remark 10): bootstrap standard errors from the interquartile range of the multiplier draws, which also give bands that cover all ATT(g,t) (or all event times) jointly; analytic influence-function standard errors are reported alongside".to_string()
    } else {
        "bootstrap = 0: analytic standard errors from the influence functions of the 2x2 estimators (Sant'Anna & Zhao 2020), aggregated as did::aggte including the estimated cohort shares; normal-based intervals, no simultaneous bands".to_string()
    };
    let mut warnings = Vec::new();
    if let Some(c) = &prep.clusters
        && c.n_clusters < 10
    {
        warnings.push(effekt_notes::Note::CsFewClusters {
            clusters: c.n_clusters,
        });
    }
    if b > 0 && b < 200 {
        warnings.push(effekt_notes::Note::FewBootstrapReplicates { replicates: b });
    }
    InferenceNote {
        method,
        reason,
        warnings,
    }
}
