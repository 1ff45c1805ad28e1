//! From a study and a table to per-outcome estimates, before privacy rules and wording.
//!
//! [`OutcomeEstimate`] is the seam between estimation and reporting: every design adapter
//! ([`crate::adapt`]) fills one per outcome, and [`crate::build`] turns it into the document
//! model (applying suppression and writing the sentences). It holds raw numbers and counts; it is
//! never serialised.
//!
//! [`prepare`] selects the analysis rows of one outcome: the role columns through effekt-data's
//! `Table::select`, the analysed wave of panel data, the missing-data policy applied to that wave
//! only (a missing outcome at intake, where it is not defined, is not an error), and the
//! observed means per wave for the trajectory plot.

pub mod balance;
pub mod subgroups;

pub mod data;

use crate::error::ReportError;
use crate::model::{
    AlternativeEstimate, BalanceRow, BinaryEffectsDoc, DecompositionDoc, EventCoefficient,
    PreTrendTest, TidyRowDoc,
};
use crate::study::{DesignConfig, RctEstimator, ResolvedOutcome, Study};
use effekt_data::{DataError, Dataset, MissingPolicy, Roles, Table};
use effekt_resample::BootstrapResult;

/// Everything the report needs about one outcome's estimate.
#[derive(Debug, Clone)]
pub struct OutcomeEstimate {
    /// Units analysed.
    pub n: usize,
    /// Treated units.
    pub n_treated: usize,
    /// Comparison units.
    pub n_control: usize,
    /// Clusters, when clustered.
    pub n_clusters: Option<usize>,
    /// Effect estimate.
    pub estimate: f64,
    /// Headline interval.
    pub conf_low: f64,
    /// Headline interval.
    pub conf_high: f64,
    /// Where the headline interval comes from.
    pub interval_method: String,
    /// Analytic standard error.
    pub std_error: Option<f64>,
    /// p-value of no effect.
    pub p_value: Option<f64>,
    /// df of the p-value's t reference.
    pub df: Option<f64>,
    /// Estimator in words.
    pub method: String,
    /// Observed treated mean, counterfactual, control mean.
    pub counterfactual: effekt_models::Counterfactual,
    /// Matching and weighting (ATT): the comparison group's mean *before* matching or
    /// weighting, beside the matched/weighted mean in `counterfactual.control` (which is the
    /// counterfactual itself for the difference in means); `None` for other designs.
    pub control_unadjusted: Option<f64>,
    /// Inference used and why.
    pub inference: effekt_models::InferenceNote<String>,
    /// Seed and replicates of the resampling, if any.
    pub seed: Option<u64>,
    /// Replicates.
    pub resamples: Option<usize>,
    /// Effect table.
    pub tidy: Vec<TidyRowDoc>,
    /// Bootstrap of the effect (replicates in replicate order), if any.
    pub bootstrap: Option<BootstrapResult>,
    /// Scheme of that bootstrap in words.
    pub bootstrap_scheme: Option<String>,
    /// Draws of the treated group's observed mean from the same replicates (for contracts).
    pub treated_observed_draws: Option<Vec<f64>>,
    /// Alternative estimates side by side.
    pub alternatives: Vec<AlternativeEstimate>,
    /// Whether randomisation inference was run (for the methods appendix).
    pub randomization_inference: bool,
    /// Whether a wild cluster bootstrap was run (for the methods appendix).
    pub wild_bootstrap: bool,
    /// Balance table.
    pub balance: Vec<BalanceRow>,
    /// Whether the balance is before/after matching (love plot) or between randomised arms.
    pub balance_is_matching: bool,
    /// Event-study coefficients (points resting on fewer individuals than the privacy
    /// threshold already left out by the adapter and listed in `suppressed`).
    pub event_study: Vec<EventCoefficient>,
    /// Pre-trend test.
    pub pre_trend: Option<PreTrendTest>,
    /// Observed vs counterfactual per wave under the design, replacing the prepared rows'
    /// trajectory (matched comparison over the waves; DiD counterfactual by period).
    pub trajectory: Option<Vec<PeriodRaw>>,
    /// Matching: the matched sample and why units were dropped.
    pub sample: Option<SampleRaw>,
    /// Binary outcomes of randomised designs: the 2×2 effect measures.
    pub binary: Option<BinaryEffectsDoc>,
    /// DiD: the Goodman-Bacon decomposition.
    pub decomposition: Option<DecompositionDoc>,
    /// Warnings (small groups, few clusters, fallbacks).
    pub warnings: Vec<String>,
    /// Parts the adapter left out because they rest on fewer individuals than the privacy
    /// threshold (locations in words; the report lists them with the other suppressions).
    pub suppressed: Vec<String>,
}

/// Whether a count of individuals is below the privacy threshold (and not zero).
pub fn is_small(n: usize, threshold: u32) -> bool {
    n > 0 && n < threshold as usize
}

impl OutcomeEstimate {
    /// An estimate with the required numbers and every optional part empty.
    #[allow(clippy::too_many_arguments)]
    pub fn basic(
        n: usize,
        n_treated: usize,
        n_control: usize,
        estimate: f64,
        conf_low: f64,
        conf_high: f64,
        interval_method: String,
        method: String,
        counterfactual: effekt_models::Counterfactual,
        inference: effekt_models::InferenceNote<String>,
    ) -> Self {
        Self {
            n,
            n_treated,
            n_control,
            n_clusters: None,
            estimate,
            conf_low,
            conf_high,
            interval_method,
            std_error: None,
            p_value: None,
            df: None,
            method,
            counterfactual,
            control_unadjusted: None,
            inference,
            seed: None,
            resamples: None,
            tidy: Vec::new(),
            bootstrap: None,
            bootstrap_scheme: None,
            treated_observed_draws: None,
            alternatives: Vec::new(),
            randomization_inference: false,
            wild_bootstrap: false,
            balance: Vec::new(),
            balance_is_matching: false,
            event_study: Vec::new(),
            pre_trend: None,
            trajectory: None,
            sample: None,
            binary: None,
            decomposition: None,
            warnings: Vec::new(),
            suppressed: Vec::new(),
        }
    }
}

/// Counts of one group in a matched sample (before privacy rules).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupCountsRaw {
    /// Analysed before matching.
    pub all: usize,
    /// In the matched sample.
    pub matched: usize,
    /// Left out.
    pub unmatched: usize,
    /// Effective sample size.
    pub effective: f64,
}

/// The matched sample (before privacy rules).
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRaw {
    /// Treated.
    pub treated: GroupCountsRaw,
    /// Comparison.
    pub control: GroupCountsRaw,
    /// (group, reason code, count, description).
    pub dropped: Vec<(String, String, usize, String)>,
    /// How the comparison group was built.
    pub method: String,
}

/// Means at one wave (before privacy rules).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRaw {
    /// Wave.
    pub period: f64,
    /// Treated with an observed outcome.
    pub n_treated: usize,
    /// Comparison units with an observed outcome.
    pub n_control: usize,
    /// Treated mean (NaN when none).
    pub treated_mean: f64,
    /// Comparison mean (NaN when none).
    pub control_mean: f64,
    /// Estimated counterfactual mean of the treated (NaN when none): the comparison mean in a
    /// randomised design, the matched comparison mean, observed − effect in a DiD.
    pub counterfactual: f64,
    /// Effect at this wave under the design (difference in means for randomised designs; NaN
    /// when not estimated).
    pub effect: f64,
}

/// The analysis rows of one outcome.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Outcome.
    pub outcome: ResolvedOutcome,
    /// Wave analysed (panel data).
    pub period: Option<f64>,
    /// All waves in the file.
    pub periods: Vec<f64>,
    /// Table row (0-based) of each analysis row.
    pub rows: Vec<usize>,
    /// Outcome.
    pub y: Vec<f64>,
    /// Treatment.
    pub treated: Vec<bool>,
    /// Cluster code per row, when clustered.
    pub cluster: Option<Vec<u32>>,
    /// Rows of the analysed wave dropped for missing values.
    pub dropped: usize,
    /// Per role column, rows of the analysed wave with a missing value there.
    pub missing_by_column: Vec<(String, usize)>,
    /// Observed means per wave (available cases).
    pub trajectory: Vec<PeriodRaw>,
    /// The analysis rows with every role the design uses (outcome, treatment, unit, time,
    /// cluster, blocks, covariates), in the order of `rows`.
    pub data: Dataset,
}

impl Prepared {
    /// Number of clusters among the analysis rows.
    pub fn n_clusters(&self) -> Option<usize> {
        self.cluster.as_ref().map(|c| {
            let mut v = c.clone();
            v.sort_unstable();
            v.dedup();
            v.len()
        })
    }
}

/// Sorted distinct finite values.
pub fn distinct_sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// The wave analysed by a cross-sectional design: `design.period` or the last wave.
fn analysed_period(study: &Study, periods: &[f64]) -> Result<Option<f64>, ReportError> {
    let requested = match &study.config.design {
        DesignConfig::Rct(d) => d.period,
        DesignConfig::Matching(d) => d.period,
        DesignConfig::Did(_) => None,
    };
    match requested {
        Some(p) if periods.contains(&p) => Ok(Some(p)),
        Some(p) => Err(ReportError::Study {
            at: study.locate("design.period"),
            message: format!(
                "period = {p} is not a value of the time column `{}` (values: {})",
                study.config.data.time.as_deref().unwrap_or(""),
                periods
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        None => Ok(periods.last().copied()),
    }
}

/// Select the analysis rows of `outcome`.
///
/// Without a time column every row is analysed under the study's missing-data policy. With a
/// time column the rows of the analysed wave are: the policy applies to that wave (an error
/// names the column and the first spreadsheet row), other waves contribute available cases to
/// the trajectory only.
///
/// # Errors
/// effekt-data's errors ([`ReportError::Data`]), a `design.period` that is not a wave, a unit
/// appearing twice in the analysed wave, or a wave without both arms ([`ReportError::Estimation`]).
pub fn prepare(
    study: &Study,
    table: &Table,
    outcome: &ResolvedOutcome,
) -> Result<Prepared, ReportError> {
    let data = &study.config.data;
    let roles = design_roles(study, outcome);
    let context = format!("outcome `{}`", outcome.column);
    let wrap = |source: DataError| ReportError::Data {
        context: context.clone(),
        source: Box::new(source),
    };
    check_scale(table, outcome)?;
    if let DesignConfig::Did(_) = &study.config.design {
        return prepare_panel(study, table, outcome, &roles);
    }
    let Some(time_col) = &data.time else {
        let ds = table.select(&roles, data.missing).map_err(wrap)?;
        let y = ds.outcome.clone().unwrap_or_default();
        let treated = ds.treatment.clone().unwrap_or_default();
        let cluster = ds.cluster.as_ref().map(|g| g.codes.clone());
        check_units(&ds, outcome, None)?;
        return Ok(Prepared {
            outcome: outcome.clone(),
            period: None,
            periods: Vec::new(),
            rows: ds.rows.clone(),
            y,
            treated,
            cluster,
            dropped: ds.dropped,
            missing_by_column: ds.missing_by_column.clone(),
            trajectory: Vec::new(),
            data: ds,
        });
    };
    let times = table.numeric(time_col).map_err(wrap)?;
    let periods = distinct_sorted(times.iter().flatten().copied());
    let period = analysed_period(study, &periods)?;
    let ds = table.select(&roles, MissingPolicy::Drop).map_err(wrap)?;
    let ds_time = ds.time.clone().unwrap_or_default();
    let y_all = ds.outcome.clone().unwrap_or_default();
    let t_all = ds.treatment.clone().unwrap_or_default();

    // Missing values in the analysed wave.
    let in_period: Vec<usize> = (0..table.nrows())
        .filter(|&i| times.get(i).copied().flatten() == period)
        .collect();
    let kept: std::collections::HashSet<usize> = ds.rows.iter().copied().collect();
    let dropped_rows: Vec<usize> = in_period
        .iter()
        .copied()
        .filter(|i| !kept.contains(i))
        .collect();
    let mut missing_by_column = Vec::new();
    for (role, name) in roles.named() {
        if let Ok(col) = table.column(name) {
            let count = in_period
                .iter()
                .filter(|&&i| col.data.is_missing(i))
                .count();
            if count > 0
                && !missing_by_column
                    .iter()
                    .any(|(c, _): &(String, usize)| c == name)
            {
                missing_by_column.push((name.to_string(), count));
                if data.missing == MissingPolicy::Error {
                    let first = in_period
                        .iter()
                        .copied()
                        .find(|&i| col.data.is_missing(i))
                        .unwrap_or(0);
                    return Err(wrap(DataError::Missing {
                        file: table.source().to_string(),
                        column: name.to_string(),
                        role: format!(
                            "{role}, wave {}",
                            period.map(|p| p.to_string()).unwrap_or_default()
                        ),
                        row: table.row_number(first),
                        count,
                    }));
                }
            }
        }
    }

    // Analysis rows: kept rows of the analysed wave.
    let idx: Vec<usize> = (0..ds.n())
        .filter(|&k| ds_time.get(k).copied() == period)
        .collect();
    let pick = |v: &Vec<f64>| idx.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    let y = pick(&y_all);
    let treated: Vec<bool> = idx.iter().map(|&k| t_all[k]).collect();
    let cluster = ds
        .cluster
        .as_ref()
        .map(|g| idx.iter().map(|&k| g.codes[k]).collect::<Vec<u32>>());
    let rows: Vec<usize> = idx.iter().map(|&k| ds.rows[k]).collect();
    if let Some(unit) = &ds.unit {
        let mut seen = std::collections::HashMap::new();
        for &k in &idx {
            if let Some(prev) = seen.insert(unit.codes[k], k) {
                let label = unit
                    .labels
                    .get(unit.codes[k] as usize)
                    .cloned()
                    .unwrap_or_default();
                return Err(ReportError::Estimation {
                    outcome: outcome.column.clone(),
                    message: format!(
                        "unit {label:?} (column `{}`) appears twice in wave {} (rows {} and {}); each unit must have one row per wave",
                        unit.column,
                        period.map(|p| p.to_string()).unwrap_or_default(),
                        table.row_number(ds.rows[prev]),
                        table.row_number(ds.rows[k])
                    ),
                });
            }
        }
    }
    let n1 = treated.iter().filter(|&&t| t).count();
    if n1 == 0 || n1 == treated.len() {
        return Err(ReportError::Estimation {
            outcome: outcome.column.clone(),
            message: format!(
                "wave {} has {} analysed row(s), {} treated and {} in the comparison group; an effect needs both groups (check design.period and the missing values)",
                period.map(|p| p.to_string()).unwrap_or_default(),
                treated.len(),
                n1,
                treated.len() - n1
            ),
        });
    }

    // Trajectory: available cases per wave.
    let mut trajectory = Vec::new();
    for &p in &periods {
        let (mut s1, mut c1, mut s0, mut c0) = (0.0, 0usize, 0.0, 0usize);
        for k in 0..ds.n() {
            if ds_time.get(k).copied() == Some(p) {
                if t_all[k] {
                    s1 += y_all[k];
                    c1 += 1;
                } else {
                    s0 += y_all[k];
                    c0 += 1;
                }
            }
        }
        if c1 + c0 == 0 {
            continue;
        }
        let m1 = if c1 > 0 { s1 / c1 as f64 } else { f64::NAN };
        let m0 = if c0 > 0 { s0 / c0 as f64 } else { f64::NAN };
        trajectory.push(PeriodRaw {
            period: p,
            n_treated: c1,
            n_control: c0,
            treated_mean: m1,
            control_mean: m0,
            counterfactual: m0,
            effect: m1 - m0,
        });
    }
    let data = data::subset(&ds, &idx);
    Ok(Prepared {
        outcome: outcome.clone(),
        period,
        periods,
        rows,
        y,
        treated,
        cluster,
        dropped: dropped_rows.len(),
        missing_by_column,
        trajectory,
        data,
    })
}

/// The role columns of one outcome's analysis: outcome, treatment, unit, time, cluster, and
/// what the design uses — blocks and (for ANCOVA / Lin) covariates of a randomised design, the
/// covariates and exact-matching columns of a matching design, the covariates of a DiD.
/// Missing values in any of them follow `data.missing`.
pub fn design_roles(study: &Study, outcome: &ResolvedOutcome) -> Roles {
    let data = &study.config.data;
    let mut roles = Roles {
        outcome: Some(outcome.column.clone()),
        treatment: Some(data.treatment.clone()),
        time: data.time.clone(),
        cluster: data.cluster.clone(),
        unit: data.unit.clone(),
        ..Roles::default()
    };
    let mut covariates: Vec<String> = Vec::new();
    match &study.config.design {
        DesignConfig::Rct(d) => {
            roles.strata = d.blocks.clone();
            if d.estimator != RctEstimator::DifferenceInMeans {
                covariates.extend(d.covariates.iter().cloned());
            }
        }
        DesignConfig::Matching(d) => {
            covariates.extend(d.covariates.iter().cloned());
            covariates.extend(d.exact.iter().cloned());
        }
        DesignConfig::Did(d) => covariates.extend(d.covariates.iter().cloned()),
    }
    for c in covariates {
        if !roles.covariates.contains(&c) {
            roles.covariates.push(c);
        }
    }
    roles
}

/// Every row of a panel (difference in differences): the whole panel is analysed, with the
/// missing-data policy applied to all rows.
fn prepare_panel(
    study: &Study,
    table: &Table,
    outcome: &ResolvedOutcome,
    roles: &Roles,
) -> Result<Prepared, ReportError> {
    let data = &study.config.data;
    if data.unit.is_none() || data.time.is_none() {
        return Err(ReportError::Study {
            at: study.locate("design.kind"),
            message: "difference in differences needs panel data: set `data.unit` (the unit id) and `data.time` (the period) in [data]".into(),
        });
    }
    let ds = table
        .select(roles, data.missing)
        .map_err(|source| ReportError::Data {
            context: format!("outcome `{}`", outcome.column),
            source: Box::new(source),
        })?;
    let times = ds.time.clone().unwrap_or_default();
    let periods = distinct_sorted(times.iter().copied());
    Ok(Prepared {
        outcome: outcome.clone(),
        period: None,
        periods,
        rows: ds.rows.clone(),
        y: ds.outcome.clone().unwrap_or_default(),
        treated: ds.treatment.clone().unwrap_or_default(),
        cluster: ds.cluster.as_ref().map(|g| g.codes.clone()),
        dropped: ds.dropped,
        missing_by_column: ds.missing_by_column.clone(),
        trajectory: Vec::new(),
        data: ds,
    })
}

impl Prepared {
    /// The analysis restricted to the rows where `keep` is true (subgroup analyses). Level
    /// codes of the data are made dense again; the trajectory is dropped.
    pub fn subset(&self, keep: &[bool]) -> Prepared {
        let idx: Vec<usize> = (0..self.rows.len())
            .filter(|&k| keep.get(k).copied().unwrap_or(false))
            .collect();
        Prepared {
            outcome: self.outcome.clone(),
            period: self.period,
            periods: self.periods.clone(),
            rows: idx.iter().map(|&k| self.rows[k]).collect(),
            y: idx.iter().map(|&k| self.y[k]).collect(),
            treated: idx.iter().map(|&k| self.treated[k]).collect(),
            cluster: self
                .cluster
                .as_ref()
                .map(|c| idx.iter().map(|&k| c[k]).collect()),
            dropped: 0,
            missing_by_column: Vec::new(),
            trajectory: Vec::new(),
            data: data::subset(&self.data, &idx),
        }
    }
}

/// Every value of a templated rating outcome lies on the template's scale (1–5): a 9 coded for
/// "not answered" would otherwise be averaged with the ratings.
fn check_scale(table: &Table, outcome: &ResolvedOutcome) -> Result<(), ReportError> {
    let (Some((low, high)), Some(template)) = (outcome.scale_range, outcome.template) else {
        return Ok(());
    };
    let Ok(values) = table.numeric(&outcome.column) else {
        return Ok(()); // the data layer names a non-numeric value when the column is read
    };
    let outside = |v: &Option<f64>| v.is_some_and(|v| !(low..=high).contains(&v));
    let count = values.iter().filter(|v| outside(v)).count();
    let Some(first) = values.iter().position(outside) else {
        return Ok(());
    };
    let value = table
        .column(&outcome.column)
        .ok()
        .and_then(|c| c.data.display(first))
        .unwrap_or_default();
    Err(ReportError::OutsideScale(Box::new(
        crate::error::OutsideScale {
            file: table.source().to_string(),
            column: outcome.column.clone(),
            row: table.row_number(first),
            value,
            count,
            low,
            high,
            template: template.key().to_string(),
        },
    )))
}

fn check_units(
    ds: &effekt_data::Dataset,
    outcome: &ResolvedOutcome,
    _period: Option<f64>,
) -> Result<(), ReportError> {
    if let Some(unit) = &ds.unit {
        let mut seen = std::collections::HashSet::new();
        for &c in &unit.codes {
            if !seen.insert(c) {
                let label = unit.labels.get(c as usize).cloned().unwrap_or_default();
                return Err(ReportError::Estimation {
                    outcome: outcome.column.clone(),
                    message: format!(
                        "unit {label:?} (column `{}`) has several rows but the study has no time column; set `data.time` to the wave column so one wave is analysed",
                        unit.column
                    ),
                });
            }
        }
    }
    Ok(())
}
