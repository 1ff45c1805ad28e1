//! The input of the estimator and its preparation: checks, cohort recoding, balancing, and the
//! unit × period layout the cells are estimated from.

use effekt_data::{Covariate, Dataset, Groups};
use effekt_models::{ColumnOrigin, expand_covariates};
use faer::Mat;
use serde::{Deserialize, Serialize};

use super::config::{ControlGroup, CsConfig, Sampling};
use super::{CsError, fmt_num};

/// The data of a Callaway–Sant'Anna analysis: one row per unit and period (panel) or per
/// observation (repeated cross-sections).
///
/// Build it from an analysis-ready [`Dataset`] with [`CsData::from_dataset`] (outcome, unit,
/// time, optional weights, cluster and covariates come from the data set's roles; the
/// first-treated period is a separate numeric column), or fill the fields directly.
#[derive(Debug, Clone, PartialEq)]
pub struct CsData {
    /// File name, for messages.
    pub source: String,
    /// Outcome per row.
    pub outcome: Vec<f64>,
    /// Unit ids (required for panels; optional for repeated cross-sections, where every row is
    /// its own unit).
    pub unit: Option<Groups>,
    /// Time per row (numeric, ordered).
    pub time: Vec<f64>,
    /// First treated period per row: `None`, 0 or +∞ mark never-treated units (the `did` /
    /// csdid convention). Must be the same in every row of a unit.
    pub first_treated: Vec<Option<f64>>,
    /// Sampling weights per row (`did`'s `weightsname`), finite and ≥ 0.
    pub weights: Option<Vec<f64>>,
    /// Clusters above the unit (constant within a unit) for clustered standard errors and a
    /// cluster-level multiplier bootstrap.
    pub cluster: Option<Groups>,
    /// Covariates of the propensity score and outcome regressions (categorical ones are
    /// dummy-coded). Panels use each unit's values in the earlier period of each comparison,
    /// as `did` does.
    pub covariates: Vec<Covariate>,
    /// Spreadsheet row number of every row (header = row 1), for messages.
    pub row_numbers: Vec<usize>,
}

impl CsData {
    /// Data from vectors: outcome, time and first-treated period per row; add the other fields
    /// (unit, weights, cluster, covariates) with struct update syntax. Rows are numbered as a
    /// spreadsheet with a header (first row = 2).
    pub fn new(outcome: Vec<f64>, time: Vec<f64>, first_treated: Vec<Option<f64>>) -> Self {
        let n = outcome.len();
        Self {
            source: "data".into(),
            outcome,
            unit: None,
            time,
            first_treated,
            weights: None,
            cluster: None,
            covariates: Vec::new(),
            row_numbers: (0..n).map(effekt_data::spreadsheet_row).collect(),
        }
    }

    /// Data from an analysis-ready data set and the first-treated column.
    ///
    /// `first_treated` is the whole column as [`Table::numeric`](effekt_data::Table::numeric)
    /// returns it (one value per row of the table); the rows the data set kept are picked with
    /// [`Dataset::rows`]. Empty cells, 0 and +∞ mark never-treated units.
    ///
    /// # Errors
    /// [`CsError::MissingRole`] without an outcome or time role;
    /// [`CsError::LengthMismatch`] when `first_treated` is shorter than the table.
    pub fn from_dataset(data: &Dataset, first_treated: &[Option<f64>]) -> Result<Self, CsError> {
        let outcome = data
            .outcome
            .clone()
            .ok_or(CsError::MissingRole { role: "outcome" })?;
        let time = data
            .time
            .clone()
            .ok_or(CsError::MissingRole { role: "time" })?;
        let needed = data.rows.iter().max().map_or(0, |m| m + 1);
        if first_treated.len() < needed {
            return Err(CsError::LengthMismatch {
                what: "first-treated column".into(),
                expected: needed,
                found: first_treated.len(),
            });
        }
        let ft = data
            .rows
            .iter()
            .map(|&r| first_treated.get(r).copied().flatten())
            .collect();
        Ok(Self {
            source: data.source.clone(),
            outcome,
            unit: data.unit.clone(),
            time,
            first_treated: ft,
            weights: data.weights.clone(),
            cluster: data.cluster.clone(),
            covariates: data.covariates.clone(),
            row_numbers: data
                .rows
                .iter()
                .map(|&r| effekt_data::spreadsheet_row(r))
                .collect(),
        })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.outcome.len()
    }
}

/// Why rows or units were dropped or recoded before estimation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// Units not observed in every period were dropped to balance the panel.
    Unbalanced,
    /// Units treated in or before the first period (+ anticipation) were dropped
    /// (`drop_always_treated`).
    AlreadyTreated,
    /// Units first treated after the last period (+ anticipation) were kept as never-treated.
    TreatedAfterLastPeriod,
    /// Periods from the last cohort's start (− anticipation) on were dropped: with no
    /// never-treated units, no not-yet-treated controls remain there.
    NoControlsInLatePeriods,
}

/// A note on rows or units that were dropped or recoded, with examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsDropped {
    /// Why.
    pub reason: DropReason,
    /// Units affected.
    pub units: usize,
    /// Rows affected (dropped rows; 0 for a recoding).
    pub rows: usize,
    /// One sentence for the report.
    pub detail: String,
    /// Up to five unit labels (or periods) as examples.
    pub examples: Vec<String>,
}

/// Cluster membership of the influence-function units.
#[derive(Debug, Clone)]
pub(crate) struct Clusters {
    pub column: String,
    /// Dense cluster index (0..n_clusters) per influence-function unit.
    pub codes: Vec<u32>,
    pub n_clusters: usize,
}

/// Where the outcomes are.
#[derive(Debug, Clone)]
pub(crate) enum Layout {
    /// Balanced panel: `y[p][u]`, covariates `x[p]` (units × k), unit weight `unit_weight`.
    Panel { y: Vec<Vec<f64>>, x: Vec<Mat<f64>> },
    /// Rows (unbalanced panel or repeated cross-sections): influence-function unit, period
    /// index, outcome, weight and covariates per row, and the rows of every period.
    Rows {
        id: Vec<u32>,
        period: Vec<u32>,
        y: Vec<f64>,
        w: Vec<f64>,
        x: Mat<f64>,
        by_period: Vec<Vec<u32>>,
    },
}

/// Checked data, ready for the cells.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Periods, increasing.
    pub times: Vec<f64>,
    /// Treated cohorts with ATT(g,t), increasing.
    pub glist: Vec<f64>,
    /// Influence-function units (panel units, unbalanced-panel ids, or rows).
    pub n: usize,
    pub unit_cohort: Vec<f64>,
    pub unit_weight: Vec<f64>,
    pub clusters: Option<Clusters>,
    pub cov_names: Vec<String>,
    pub cov_dummy: Vec<bool>,
    pub layout: Layout,
    /// Panel estimators (balanced panel) or cross-section estimators.
    pub panel: bool,
    pub dropped: Vec<CsDropped>,
    pub warnings: Vec<effekt_notes::Note>,
    pub rows_used: usize,
}

/// Up to five distinct labels, in order of first appearance.
fn examples<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        if out.len() == 5 {
            break;
        }
        if !out.iter().any(|o| o == l) {
            out.push(l.to_string());
        }
    }
    out
}

/// Check the data against the configuration and lay it out for estimation.
#[allow(clippy::too_many_lines)]
pub(crate) fn prepare(data: &CsData, cfg: &CsConfig) -> Result<Prepared, CsError> {
    let nr = data.outcome.len();
    let check_len = |what: &str, len: usize| -> Result<(), CsError> {
        if len == nr {
            Ok(())
        } else {
            Err(CsError::LengthMismatch {
                what: what.into(),
                expected: nr,
                found: len,
            })
        }
    };
    check_len("time", data.time.len())?;
    check_len("first-treated period", data.first_treated.len())?;
    check_len("row numbers", data.row_numbers.len())?;
    if let Some(u) = &data.unit {
        check_len("unit", u.codes.len())?;
    }
    if let Some(w) = &data.weights {
        check_len("weights", w.len())?;
    }
    if let Some(c) = &data.cluster {
        check_len("cluster", c.codes.len())?;
    }
    let row_no = |i: usize| data.row_numbers.get(i).copied().unwrap_or(i + 2);
    for (name, v) in [("outcome", &data.outcome), ("time", &data.time)] {
        if let Some((i, &x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(CsError::NonFinite {
                column: name.into(),
                row: row_no(i),
                value: x,
            });
        }
    }
    if let Some(w) = &data.weights
        && let Some((i, &x)) = w
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
    {
        return Err(CsError::NonFinite {
            column: "weights (must be finite and >= 0)".into(),
            row: row_no(i),
            value: x,
        });
    }
    if nr == 0 {
        return Err(CsError::NoCohorts {
            reason: "the data have no rows".into(),
        });
    }
    let a = f64::from(cfg.anticipation);
    let unit_label = |i: usize| -> String {
        match &data.unit {
            Some(u) => u
                .codes
                .get(i)
                .and_then(|&c| u.labels.get(c as usize))
                .cloned()
                .unwrap_or_default(),
            None => format!("in row {}", row_no(i)),
        }
    };

    // Cohort per row: None, 0, +inf = never treated.
    let mut cohort = Vec::with_capacity(nr);
    for (i, g) in data.first_treated.iter().enumerate() {
        let c = match *g {
            None => 0.0,
            Some(v) if v == f64::INFINITY || v == 0.0 => 0.0,
            Some(v) if v.is_finite() && v > 0.0 => v,
            Some(v) => {
                return Err(CsError::InvalidCohort {
                    unit: unit_label(i),
                    row: row_no(i),
                    value: v,
                });
            }
        };
        cohort.push(c);
    }

    // Group rows by unit and check what must be constant within a unit.
    let is_rc = cfg.sampling == Sampling::RepeatedCrossSection;
    let unit = match (&data.unit, is_rc) {
        (Some(u), _) => Some(u),
        (None, true) => None,
        (None, false) => return Err(CsError::MissingRole { role: "unit" }),
    };
    // rows sorted by (unit, time)
    let mut order: Vec<usize> = (0..nr).collect();
    if let Some(u) = unit {
        // Counting sort by unit code (codes are dense level indices), then by time within unit.
        let n_codes = u.codes.iter().copied().max().map_or(0, |m| m as usize + 1);
        let mut start = vec![0usize; n_codes + 1];
        for &c in &u.codes {
            start[c as usize + 1] += 1;
        }
        for k in 0..n_codes {
            start[k + 1] += start[k];
        }
        let mut next = start.clone();
        for (i, &c) in u.codes.iter().enumerate() {
            order[next[c as usize]] = i;
            next[c as usize] += 1;
        }
        for k in 0..n_codes {
            order[start[k]..start[k + 1]]
                .sort_by(|&i, &j| data.time[i].total_cmp(&data.time[j]).then(i.cmp(&j)));
        }
        for win in order.windows(2) {
            let (i, j) = (win[0], win[1]);
            if u.codes[i] != u.codes[j] {
                continue;
            }
            if is_rc {
                let rows = u.codes.iter().filter(|&&c| c == u.codes[i]).count();
                return Err(CsError::RepeatedUnitInCrossSection {
                    unit: unit_label(i),
                    rows,
                });
            }
            if data.time[i] == data.time[j] {
                let (r1, r2) = (row_no(i.min(j)), row_no(i.max(j)));
                return Err(CsError::DuplicateUnitTime {
                    unit: unit_label(i),
                    time: data.time[i],
                    first_row: r1,
                    second_row: r2,
                });
            }
            if cohort[i] != cohort[j] {
                return Err(CsError::CohortVaries {
                    unit: unit_label(i),
                    first: cohort[i],
                    second: cohort[j],
                });
            }
            if let Some(c) = &data.cluster
                && c.codes[i] != c.codes[j]
            {
                let lab = |k: usize| {
                    c.labels
                        .get(c.codes[k] as usize)
                        .cloned()
                        .unwrap_or_default()
                };
                return Err(CsError::VariesWithinUnit {
                    unit: unit_label(i),
                    what: format!("cluster {}", c.column),
                    first: lab(i),
                    second: lab(j),
                });
            }
            if cfg.sampling == Sampling::Panel
                && let Some(w) = &data.weights
                && w[i] != w[j]
            {
                return Err(CsError::VariesWithinUnit {
                    unit: unit_label(i),
                    what: "the weight".into(),
                    first: fmt_num(w[i]),
                    second: fmt_num(w[j]),
                });
            }
        }
    }

    let mut keep = vec![true; nr];
    let mut dropped = Vec::new();
    let mut warnings = Vec::new();
    // Distinct values, increasing (hash first: the inputs have a million rows but few values).
    let distinct = |v: &mut Vec<f64>| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|x| seen.insert((x + 0.0).to_bits()));
        v.sort_by(f64::total_cmp);
    };
    let mut times: Vec<f64> = data.time.clone();
    distinct(&mut times);
    let first_period = times[0];
    let last_period = times[times.len() - 1];

    // Units treated after the last period (+ anticipation) are never treated in the data.
    {
        let late: Vec<usize> = (0..nr).filter(|&i| cohort[i] > last_period + a).collect();
        if !late.is_empty() {
            let mut labels: Vec<String> = late.iter().map(|&i| unit_label(i)).collect();
            labels.dedup();
            let units = if is_rc {
                late.len()
            } else {
                count_distinct(&labels)
            };
            dropped.push(CsDropped {
                reason: DropReason::TreatedAfterLastPeriod,
                units,
                rows: 0,
                detail: format!(
                    "{units} unit(s) first treated after the last period {}{} are untreated throughout the data and count as never-treated",
                    fmt_num(last_period),
                    if a > 0.0 { format!(" + anticipation {a}") } else { String::new() }
                ),
                examples: examples(labels.iter().map(String::as_str)),
            });
            for i in late {
                cohort[i] = 0.0;
            }
        }
    }

    // Units already treated in the first period (+ anticipation) have no pre-period.
    {
        let early: Vec<usize> = (0..nr)
            .filter(|&i| cohort[i] > 0.0 && cohort[i] <= first_period + a)
            .collect();
        if !early.is_empty() {
            let mut labels: Vec<String> = early.iter().map(|&i| unit_label(i)).collect();
            labels.dedup();
            let units = if is_rc {
                early.len()
            } else {
                count_distinct(&labels)
            };
            if !cfg.drop_always_treated {
                let g = early
                    .iter()
                    .map(|&i| cohort[i])
                    .fold(f64::INFINITY, f64::min);
                let in_g: Vec<String> = {
                    let mut l: Vec<String> = early
                        .iter()
                        .filter(|&&i| cohort[i] == g)
                        .map(|&i| unit_label(i))
                        .collect();
                    l.dedup();
                    l
                };
                return Err(CsError::NoPrePeriod {
                    cohort: g,
                    units: if is_rc {
                        in_g.len()
                    } else {
                        count_distinct(&in_g)
                    },
                    example: in_g.first().cloned().unwrap_or_default(),
                    first_period,
                    anticipation: if a > 0.0 {
                        format!(
                            " (with anticipation {a}, the last untreated period would be before {})",
                            fmt_num(g - a)
                        )
                    } else {
                        String::new()
                    },
                });
            }
            dropped.push(CsDropped {
                reason: DropReason::AlreadyTreated,
                units,
                rows: early.len(),
                detail: format!(
                    "{units} unit(s) already treated in the first period {}{} have no pre-treatment period and were dropped",
                    fmt_num(first_period),
                    if a > 0.0 { format!(" (anticipation {a})") } else { String::new() }
                ),
                examples: examples(labels.iter().map(String::as_str)),
            });
            for i in early {
                keep[i] = false;
            }
        }
    }

    // Without never-treated units: never-treated controls are impossible; not-yet-treated
    // controls run out from the last cohort's start (− anticipation) on.
    let mut comparison_only: Option<f64> = None;
    if !(0..nr).any(|i| keep[i] && cohort[i] == 0.0) {
        match cfg.control_group {
            ControlGroup::NeverTreated => {
                return Err(CsError::NoNeverTreated {
                    reason: "no unit is never treated (first-treated 0 or empty)".into(),
                });
            }
            ControlGroup::NotYetTreated => {
                let latest = (0..nr)
                    .filter(|&i| keep[i])
                    .map(|i| cohort[i])
                    .fold(f64::NEG_INFINITY, f64::max);
                let cutoff = latest - a;
                let late_rows: Vec<usize> = (0..nr)
                    .filter(|&i| keep[i] && data.time[i] >= cutoff)
                    .collect();
                let mut late_periods: Vec<f64> = late_rows.iter().map(|&i| data.time[i]).collect();
                distinct(&mut late_periods);
                if !late_rows.is_empty() {
                    dropped.push(CsDropped {
                        reason: DropReason::NoControlsInLatePeriods,
                        units: 0,
                        rows: late_rows.len(),
                        detail: format!(
                            "no unit is never treated, so from period {} on (the last cohort's start {}{}) no not-yet-treated controls remain: {} period(s) dropped; cohort {} serves only as a comparison group",
                            fmt_num(cutoff),
                            fmt_num(latest),
                            if a > 0.0 { format!(" − anticipation {a}") } else { String::new() },
                            late_periods.len(),
                            fmt_num(latest)
                        ),
                        examples: late_periods.iter().take(5).map(|&t| fmt_num(t)).collect(),
                    });
                    for i in late_rows {
                        keep[i] = false;
                    }
                }
                comparison_only = Some(latest);
            }
        }
    }

    // Periods that remain.
    let mut times: Vec<f64> = (0..nr).filter(|&i| keep[i]).map(|i| data.time[i]).collect();
    distinct(&mut times);

    // Balance the panel.
    let mut panel = !is_rc;
    if let Some(u) = unit
        && !is_rc
    {
        let n_t = times.len();
        let mut start = 0;
        let mut unbalanced_units: Vec<usize> = Vec::new();
        while start < order.len() {
            let code = u.codes[order[start]];
            let mut end = start;
            while end < order.len() && u.codes[order[end]] == code {
                end += 1;
            }
            let rows_kept = order[start..end].iter().filter(|&&i| keep[i]).count();
            if rows_kept > 0 && rows_kept < n_t {
                unbalanced_units.push(start);
            }
            start = end;
        }
        if !unbalanced_units.is_empty() {
            match cfg.sampling {
                Sampling::Panel => {
                    let mut rows = 0;
                    let mut labels = Vec::new();
                    let (mut lost_never, mut never_total) = (0usize, 0usize);
                    for &s in &unbalanced_units {
                        let code = u.codes[order[s]];
                        labels.push(unit_label(order[s]));
                        if cohort[order[s]] == 0.0 {
                            lost_never += 1;
                        }
                        for &i in order[s..].iter().take_while(|&&i| u.codes[i] == code) {
                            if keep[i] {
                                rows += 1;
                                keep[i] = false;
                            }
                        }
                    }
                    let mut seen = std::collections::HashSet::new();
                    for &i in &order {
                        if cohort[i] == 0.0 && seen.insert(u.codes[i]) {
                            never_total += 1;
                        }
                    }
                    dropped.push(CsDropped {
                        reason: DropReason::Unbalanced,
                        units: unbalanced_units.len(),
                        rows,
                        detail: format!(
                            "{} unit(s) not observed in all {} periods were dropped to balance the panel ({} of them never treated); use sampling = unbalanced-panel to keep them",
                            unbalanced_units.len(),
                            n_t,
                            lost_never
                        ),
                        examples: examples(labels.iter().map(String::as_str)),
                    });
                    if cfg.control_group == ControlGroup::NeverTreated
                        && never_total > 0
                        && lost_never == never_total
                    {
                        return Err(CsError::NoNeverTreated {
                            reason: format!(
                                "balancing the panel dropped all {never_total} never-treated unit(s) (none is observed in all {n_t} periods); use sampling = unbalanced-panel to keep them"
                            ),
                        });
                    }
                }
                Sampling::UnbalancedPanel => panel = false,
                Sampling::RepeatedCrossSection => {}
            }
        }
    }

    // Treated cohorts to estimate.
    let mut glist: Vec<f64> = (0..nr)
        .filter(|&i| keep[i] && cohort[i] > 0.0)
        .map(|i| cohort[i])
        .collect();
    distinct(&mut glist);
    if let Some(latest) = comparison_only {
        glist.retain(|&g| g < latest);
    }
    if glist.is_empty() {
        return Err(CsError::NoCohorts {
            reason: if comparison_only.is_some() {
                "with no never-treated units the last cohort serves only as a comparison group, and no other treated cohort remains".into()
            } else {
                "no unit has a first-treated period within the data".into()
            },
        });
    }
    if times.len() < 2 {
        return Err(CsError::TooFewPeriods {
            periods: times.len(),
        });
    }
    if cfg.control_group == ControlGroup::NeverTreated
        && !(0..nr).any(|i| keep[i] && cohort[i] == 0.0)
    {
        return Err(CsError::NoNeverTreated {
            reason: "no never-treated unit remains after the data checks".into(),
        });
    }

    // Covariates.
    let (cov_cols, notes) =
        expand_covariates(&data.covariates).map_err(|e| CsError::InvalidConfig {
            option: "covariates",
            value: e.to_string(),
            expected: "covariates with one value per row".into(),
        })?;
    warnings.extend(notes);
    for c in &cov_cols {
        check_len(&format!("covariate {}", c.name), c.values.len())?;
        if let Some((i, &x)) = c
            .values
            .iter()
            .enumerate()
            .find(|(i, x)| keep[*i] && !x.is_finite())
        {
            return Err(CsError::NonFinite {
                column: format!("covariate {}", c.name),
                row: row_no(i),
                value: x,
            });
        }
    }
    let k = cov_cols.len();
    let cov_names: Vec<String> = cov_cols.iter().map(|c| c.name.clone()).collect();
    let cov_dummy: Vec<bool> = cov_cols
        .iter()
        .map(|c| matches!(c.origin, ColumnOrigin::Dummy { .. }))
        .collect();
    let period_index = |t: f64| -> u32 { times.partition_point(|&x| x < t) as u32 };
    let rows_used = keep.iter().filter(|&&b| b).count();

    // Influence-function units and layout.
    let (n, unit_cohort, unit_weight, unit_cluster, layout) = if is_rc {
        let rows: Vec<usize> = (0..nr).filter(|&i| keep[i]).collect();
        let n = rows.len();
        let x = Mat::from_fn(n, k, |r, j| cov_cols[j].values[rows[r]]);
        let period: Vec<u32> = rows.iter().map(|&i| period_index(data.time[i])).collect();
        let mut by_period = vec![Vec::new(); times.len()];
        for (r, &p) in period.iter().enumerate() {
            by_period[p as usize].push(r as u32);
        }
        let w: Vec<f64> = rows
            .iter()
            .map(|&i| data.weights.as_ref().map_or(1.0, |w| w[i]))
            .collect();
        (
            n,
            rows.iter().map(|&i| cohort[i]).collect::<Vec<f64>>(),
            w.clone(),
            data.cluster
                .as_ref()
                .map(|c| rows.iter().map(|&i| c.codes[i]).collect::<Vec<u32>>()),
            Layout::Rows {
                id: (0..n as u32).collect(),
                period,
                y: rows.iter().map(|&i| data.outcome[i]).collect(),
                w,
                x,
                by_period,
            },
        )
    } else {
        let u = unit.ok_or(CsError::MissingRole { role: "unit" })?;
        // units in code order (sorted labels), each with its kept rows in time order
        let mut units: Vec<(usize, usize)> = Vec::new(); // (start, end) in `order` of kept rows
        let kept_order: Vec<usize> = order.iter().copied().filter(|&i| keep[i]).collect();
        let mut s = 0;
        while s < kept_order.len() {
            let code = u.codes[kept_order[s]];
            let mut e = s;
            while e < kept_order.len() && u.codes[kept_order[e]] == code {
                e += 1;
            }
            units.push((s, e));
            s = e;
        }
        let n = units.len();
        let first_row = |ui: usize| kept_order[units[ui].0];
        let unit_cohort: Vec<f64> = (0..n).map(|ui| cohort[first_row(ui)]).collect();
        let unit_weight: Vec<f64> = (0..n)
            .map(|ui| match &data.weights {
                Some(w) => {
                    let (s, e) = units[ui];
                    kept_order[s..e].iter().map(|&i| w[i]).sum::<f64>() / (e - s) as f64
                }
                None => 1.0,
            })
            .collect();
        let unit_cluster = data.cluster.as_ref().map(|c| {
            (0..n)
                .map(|ui| c.codes[first_row(ui)])
                .collect::<Vec<u32>>()
        });
        let layout = if panel {
            let n_t = times.len();
            let mut y = vec![vec![0.0; n]; n_t];
            let mut x: Vec<Mat<f64>> = (0..n_t).map(|_| Mat::zeros(n, k)).collect();
            for (ui, &(s, e)) in units.iter().enumerate() {
                for &i in &kept_order[s..e] {
                    let p = period_index(data.time[i]) as usize;
                    y[p][ui] = data.outcome[i];
                    for (j, c) in cov_cols.iter().enumerate() {
                        x[p][(ui, j)] = c.values[i];
                    }
                }
            }
            Layout::Panel { y, x }
        } else {
            let mut id = Vec::with_capacity(kept_order.len());
            let mut rows = Vec::with_capacity(kept_order.len());
            for (ui, &(s, e)) in units.iter().enumerate() {
                for &i in &kept_order[s..e] {
                    id.push(ui as u32);
                    rows.push(i);
                }
            }
            let period: Vec<u32> = rows.iter().map(|&i| period_index(data.time[i])).collect();
            let mut by_period = vec![Vec::new(); times.len()];
            for (r, &p) in period.iter().enumerate() {
                by_period[p as usize].push(r as u32);
            }
            Layout::Rows {
                id,
                period,
                y: rows.iter().map(|&i| data.outcome[i]).collect(),
                w: rows
                    .iter()
                    .map(|&i| data.weights.as_ref().map_or(1.0, |w| w[i]))
                    .collect(),
                x: Mat::from_fn(rows.len(), k, |r, j| cov_cols[j].values[rows[r]]),
                by_period,
            }
        };
        (n, unit_cohort, unit_weight, unit_cluster, layout)
    };
    if panel && cfg.sampling == Sampling::UnbalancedPanel {
        warnings.push(effekt_notes::Note::UnbalancedButComplete);
    }
    if !is_rc && !panel && cfg.sampling == Sampling::UnbalancedPanel {
        warnings.push(effekt_notes::Note::UnbalancedPanelEstimators);
    }

    // Clusters (dense codes among the kept units).
    let clusters = match (&data.cluster, unit_cluster) {
        (Some(c), Some(codes)) => {
            let mut map = vec![
                u32::MAX;
                c.labels
                    .len()
                    .max(1 + codes.iter().copied().max().unwrap_or(0) as usize)
            ];
            let mut next = 0u32;
            let mut dense = Vec::with_capacity(codes.len());
            for &code in &codes {
                let slot = &mut map[code as usize];
                if *slot == u32::MAX {
                    *slot = next;
                    next += 1;
                }
                dense.push(*slot);
            }
            if next < 2 {
                return Err(CsError::SingleCluster {
                    column: c.column.clone(),
                    label: codes
                        .first()
                        .and_then(|&k| c.labels.get(k as usize))
                        .cloned()
                        .unwrap_or_default(),
                });
            }
            Some(Clusters {
                column: c.column.clone(),
                codes: dense,
                n_clusters: next as usize,
            })
        }
        _ => None,
    };

    // Small cohorts (did warns below #covariates + 5 units).
    let req = 5 + data.covariates.len();
    let mut sizes: Vec<(f64, usize)> = Vec::new();
    for &g in std::iter::once(&0.0).chain(glist.iter()) {
        let c = unit_cohort.iter().filter(|&&x| x == g).count();
        sizes.push((g, c));
    }
    let small: Vec<(Option<f64>, usize)> = sizes
        .iter()
        .filter(|(_, c)| *c > 0 && *c < req)
        .map(|&(g, c)| ((g != 0.0).then_some(g), c))
        .collect();
    if !small.is_empty() {
        warnings.push(effekt_notes::Note::SmallCohorts {
            cohorts: small,
            min: req,
        });
    }

    Ok(Prepared {
        times,
        glist,
        n,
        unit_cohort,
        unit_weight,
        clusters,
        cov_names,
        cov_dummy,
        layout,
        panel,
        dropped,
        warnings,
        rows_used,
    })
}

fn count_distinct(labels: &[String]) -> usize {
    let mut v: Vec<&String> = labels.iter().collect();
    v.sort();
    v.dedup();
    v.len()
}
