//! Panel input ([`DidData`]) and its validation into a [`Panel`]: periods in order, one row per
//! unit and period, treatment cohorts, event times, clusters.

use effekt_data::{Covariate, Dataset};
use serde::{Deserialize, Serialize};

use crate::DidError;

/// How treatment is given.
#[derive(Debug, Clone, PartialEq)]
pub enum TreatmentInput {
    /// `D_it`: 1 when unit `i` is treated in period `t` (absorbing: once on, stays on).
    Indicator(Vec<bool>),
    /// The first treated period of each row's unit (the `did`/csdid convention): `None` or `0`
    /// marks never-treated units; constant within a unit.
    FirstTreated(Vec<Option<f64>>),
}

/// Panel data for the DiD estimators: one row per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct DidData {
    /// Outcome name (for messages and tidy terms).
    pub outcome_name: String,
    /// Outcome per row.
    pub outcome: Vec<f64>,
    /// Unit column name.
    pub unit_name: String,
    /// Unit labels (any order) and per-row codes into them.
    pub unit_labels: Vec<String>,
    /// Per-row unit code.
    pub unit: Vec<u32>,
    /// Time column name.
    pub time_name: String,
    /// Numeric, ordered period per row.
    pub time: Vec<f64>,
    /// Treatment column name (the indicator or the first-treated column).
    pub treatment_name: String,
    /// Treatment.
    pub treatment: TreatmentInput,
    /// Cluster column name, labels and per-row codes (`None` = cluster by unit).
    pub cluster: Option<(String, Vec<String>, Vec<u32>)>,
    /// Non-negative regression weights per row.
    pub weights: Option<Vec<f64>>,
    /// Covariates (numeric or categorical; categorical ones are dummy-coded).
    pub covariates: Vec<Covariate>,
    /// Spreadsheet row number of each row, for messages (`None`: 1-based row index).
    pub row_numbers: Option<Vec<usize>>,
}

impl DidData {
    /// Build from an effekt-data [`Dataset`] selected with the roles outcome, unit, time,
    /// (treatment,) cluster, weights and covariates. `first_treated` (the values of the
    /// first-treated column on the dataset's kept rows, `None` = empty) replaces the treatment
    /// role when given. `row_numbers` are the spreadsheet rows of the kept rows
    /// (`table.row_number(ds.rows[k])`).
    ///
    /// # Errors
    /// [`DidError::InvalidOption`] when the outcome, unit, time or treatment role is missing.
    pub fn from_dataset(
        ds: &Dataset,
        first_treated: Option<(String, Vec<Option<f64>>)>,
        treatment_name: Option<String>,
        row_numbers: Option<Vec<usize>>,
    ) -> Result<Self, DidError> {
        let missing = |role: &str| DidError::InvalidOption {
            option: role.to_string(),
            value: "none".into(),
            expected: format!("the {role} column must be given"),
        };
        let outcome = ds.outcome.clone().ok_or_else(|| missing("outcome"))?;
        let unit = ds.unit.as_ref().ok_or_else(|| missing("unit"))?;
        let time = ds.time.clone().ok_or_else(|| missing("time"))?;
        let (treatment_name, treatment) = match first_treated {
            Some((name, v)) => (name, TreatmentInput::FirstTreated(v)),
            None => (
                treatment_name.unwrap_or_else(|| "treatment".into()),
                TreatmentInput::Indicator(
                    ds.treatment.clone().ok_or_else(|| missing("treatment"))?,
                ),
            ),
        };
        Ok(Self {
            outcome_name: "outcome".into(),
            outcome,
            unit_name: unit.column.clone(),
            unit_labels: unit.labels.clone(),
            unit: unit.codes.clone(),
            time_name: "time".into(),
            time,
            treatment_name,
            treatment,
            cluster: ds
                .cluster
                .as_ref()
                .map(|c| (c.column.clone(), c.labels.clone(), c.codes.clone())),
            weights: ds.weights.clone(),
            covariates: ds.covariates.clone(),
            row_numbers,
        })
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.outcome.len()
    }

    pub(crate) fn row(&self, i: usize) -> usize {
        self.row_numbers
            .as_ref()
            .and_then(|r| r.get(i).copied())
            .unwrap_or(i + 1)
    }

    fn unit_label(&self, code: u32) -> String {
        self.unit_labels
            .get(code as usize)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// A validated panel. Periods are the sorted distinct time values; cohorts are indices into
/// them.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Sorted distinct periods.
    pub periods: Vec<f64>,
    /// Period index of each row.
    pub period: Vec<usize>,
    /// Dense unit index of each row (`0..n_units`).
    pub unit: Vec<usize>,
    /// Unit labels by dense index.
    pub unit_labels: Vec<String>,
    /// First treated period index per unit (`None` = never treated within the panel).
    pub cohort: Vec<Option<usize>>,
    /// Treated now (`D_it`) per row.
    pub treated_now: Vec<bool>,
    /// Ever treated per row.
    pub ever_treated: Vec<bool>,
    /// Cluster code per row (dense) and labels, and the column name.
    pub cluster: Vec<u32>,
    pub cluster_labels: Vec<String>,
    pub cluster_name: String,
    /// Whether every unit is observed in every period.
    pub balanced: bool,
    /// Notes for the user (e.g. units first treated after the last period).
    pub notes: Vec<effekt_notes::Note>,
}

/// Summary counts of a panel, for output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelSummary {
    pub n: usize,
    pub n_units: usize,
    pub n_periods: usize,
    pub n_treated_units: usize,
    pub n_never_treated_units: usize,
    pub n_clusters: usize,
    pub cluster: String,
    pub balanced: bool,
    /// Cohorts (first treated period) with their unit counts.
    pub cohorts: Vec<CohortCount>,
}

/// Units per cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortCount {
    pub first_treated: f64,
    pub units: usize,
}

impl Panel {
    /// Validate `data` (see the module docs of the crate for the rules).
    ///
    /// # Errors
    /// [`DidError::LengthMismatch`], [`DidError::NonFinite`], [`DidError::TooFewPeriods`],
    /// [`DidError::DuplicateUnitTime`], [`DidError::TreatmentSwitchesOff`],
    /// [`DidError::FirstTreatedVaries`], [`DidError::FirstTreatedNotAPeriod`],
    /// [`DidError::NoTreatedUnits`], [`DidError::NoPrePeriod`], [`DidError::NoValidControls`],
    /// [`DidError::SingleCluster`].
    pub fn new(data: &DidData) -> Result<Self, DidError> {
        let n = data.n();
        let check_len = |what: &str, len: usize| {
            if len != n {
                Err(DidError::LengthMismatch {
                    what: what.to_string(),
                    expected: n,
                    found: len,
                })
            } else {
                Ok(())
            }
        };
        check_len("the unit column", data.unit.len())?;
        check_len("the time column", data.time.len())?;
        match &data.treatment {
            TreatmentInput::Indicator(d) => check_len("the treatment column", d.len())?,
            TreatmentInput::FirstTreated(g) => check_len("the first-treated column", g.len())?,
        }
        if let Some((_, _, c)) = &data.cluster {
            check_len("the cluster column", c.len())?;
        }
        if let Some(w) = &data.weights {
            check_len("the weights column", w.len())?;
        }
        for (name, v) in [
            (&data.outcome_name, &data.outcome),
            (&data.time_name, &data.time),
        ] {
            if let Some((i, &x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(DidError::NonFinite {
                    what: format!("column {name:?}"),
                    row: data.row(i),
                    value: x,
                });
            }
        }

        // periods
        let mut periods = data.time.clone();
        periods.sort_by(f64::total_cmp);
        periods.dedup();
        if periods.len() < 2 {
            return Err(DidError::TooFewPeriods {
                count: periods.len(),
            });
        }
        let pidx = |t: f64| periods.binary_search_by(|p| p.total_cmp(&t)).ok();
        let period: Vec<usize> = data.time.iter().map(|&t| pidx(t).unwrap_or(0)).collect();

        // dense units
        let mut codes: Vec<u32> = data.unit.clone();
        codes.sort_unstable();
        codes.dedup();
        let unit: Vec<usize> = data
            .unit
            .iter()
            .map(|c| codes.binary_search(c).unwrap_or(0))
            .collect();
        let unit_labels: Vec<String> = codes.iter().map(|&c| data.unit_label(c)).collect();
        let n_units = codes.len();
        let tp = periods.len();

        // one row per unit and period
        let mut seen: Vec<Option<usize>> = vec![None; n_units * tp];
        for i in 0..n {
            let slot = unit[i] * tp + period[i];
            if let Some(prev) = seen[slot] {
                return Err(DidError::DuplicateUnitTime {
                    unit: unit_labels[unit[i]].clone(),
                    period: periods[period[i]],
                    first_row: data.row(prev),
                    second_row: data.row(i),
                });
            }
            seen[slot] = Some(i);
        }
        let balanced = seen.iter().all(Option::is_some);

        // cohorts
        let mut notes = Vec::new();
        let mut cohort: Vec<Option<usize>> = vec![None; n_units];
        match &data.treatment {
            TreatmentInput::Indicator(d) => {
                for u in 0..n_units {
                    let mut on: Option<usize> = None; // row where treatment started
                    for t in 0..tp {
                        let Some(i) = seen[u * tp + t] else { continue };
                        match (on, d[i]) {
                            (None, true) => on = Some(i),
                            (Some(first), false) => {
                                return Err(DidError::TreatmentSwitchesOff {
                                    unit: unit_labels[u].clone(),
                                    on_period: periods[period[first]],
                                    off_period: periods[t],
                                    row: data.row(i),
                                });
                            }
                            _ => {}
                        }
                    }
                    cohort[u] = on.map(|i| period[i]);
                }
                // a unit treated in its first observed row: start unknown / no pre-period
                let mut first_obs: Vec<Option<usize>> = vec![None; n_units];
                for u in 0..n_units {
                    first_obs[u] = (0..tp).find(|&t| seen[u * tp + t].is_some());
                }
                let bad: Vec<usize> = (0..n_units)
                    .filter(|&u| cohort[u].is_some() && cohort[u] == first_obs[u])
                    .collect();
                if let Some(&u) = bad.first() {
                    let g = cohort[u].unwrap_or(0);
                    let units = bad.iter().filter(|&&v| cohort[v] == Some(g)).count();
                    return Err(DidError::NoPrePeriod {
                        cohort: periods[g],
                        units,
                        example: unit_labels[u].clone(),
                    });
                }
            }
            TreatmentInput::FirstTreated(g) => {
                let mut value: Vec<Option<(Option<f64>, usize)>> = vec![None; n_units];
                let last = *periods.last().unwrap_or(&0.0);
                let mut late = 0usize;
                for i in 0..n {
                    let gi = g[i].filter(|v| *v != 0.0);
                    if let Some(v) = gi
                        && !v.is_finite()
                    {
                        return Err(DidError::NonFinite {
                            what: format!("first-treated column {:?}", data.treatment_name),
                            row: data.row(i),
                            value: v,
                        });
                    }
                    let u = unit[i];
                    match value[u] {
                        None => value[u] = Some((gi, i)),
                        Some((prev, _)) if !same(prev, gi) => {
                            let show =
                                |x: Option<f64>| x.map_or("never".to_string(), |v| v.to_string());
                            return Err(DidError::FirstTreatedVaries {
                                unit: unit_labels[u].clone(),
                                first: show(prev),
                                second: show(gi),
                                row: data.row(i),
                            });
                        }
                        _ => {}
                    }
                }
                for u in 0..n_units {
                    let Some((Some(gv), _)) = value[u] else {
                        continue;
                    };
                    if gv > last {
                        late += 1;
                        continue;
                    }
                    match pidx(gv) {
                        Some(k) => cohort[u] = Some(k),
                        None if gv < periods[0] => cohort[u] = Some(0),
                        None => {
                            return Err(DidError::FirstTreatedNotAPeriod {
                                unit: unit_labels[u].clone(),
                                period: gv,
                                first: periods[0],
                                last,
                            });
                        }
                    }
                }
                if late > 0 {
                    notes.push(effekt_notes::Note::TreatedAfterPanel { units: late, last });
                }
                // no pre-period: cohort at or before the unit's first observation
                for u in 0..n_units {
                    let Some(k) = cohort[u] else { continue };
                    let first = (0..tp).find(|&t| seen[u * tp + t].is_some()).unwrap_or(0);
                    let early = value[u]
                        .and_then(|(v, _)| v)
                        .is_some_and(|v| v < periods[0]);
                    if k <= first || early {
                        let units = (0..n_units).filter(|&v| cohort[v] == Some(k)).count();
                        let cohort_value = value[u].and_then(|(v, _)| v).unwrap_or(periods[k]);
                        return Err(DidError::NoPrePeriod {
                            cohort: cohort_value,
                            units,
                            example: unit_labels[u].clone(),
                        });
                    }
                }
            }
        }
        let n_treated_units = cohort.iter().filter(|c| c.is_some()).count();
        if n_treated_units == 0 {
            return Err(DidError::NoTreatedUnits { units: n_units });
        }

        // valid controls for every treated (cohort, period) cell
        let mut cohorts: Vec<usize> = cohort.iter().flatten().copied().collect();
        cohorts.sort_unstable();
        cohorts.dedup();
        for &g in &cohorts {
            for t in g..tp {
                let cohort_seen =
                    (0..n_units).any(|u| cohort[u] == Some(g) && seen[u * tp + t].is_some());
                if !cohort_seen {
                    continue;
                }
                let control = (0..n_units)
                    .any(|u| seen[u * tp + t].is_some() && cohort[u].is_none_or(|c| c > t));
                if !control {
                    return Err(DidError::NoValidControls {
                        cohort: periods[g],
                        period: periods[t],
                    });
                }
            }
        }

        let treated_now: Vec<bool> = (0..n)
            .map(|i| cohort[unit[i]].is_some_and(|g| period[i] >= g))
            .collect();
        let ever_treated: Vec<bool> = (0..n).map(|i| cohort[unit[i]].is_some()).collect();

        // clusters (default: the unit)
        let (cluster_name, cluster_labels, raw) = match &data.cluster {
            Some((name, labels, codes)) => (name.clone(), labels.clone(), codes.clone()),
            None => (
                data.unit_name.clone(),
                unit_labels.clone(),
                unit.iter().map(|&u| u as u32).collect(),
            ),
        };
        let mut used: Vec<u32> = raw.clone();
        used.sort_unstable();
        used.dedup();
        let cluster: Vec<u32> = raw
            .iter()
            .map(|c| used.binary_search(c).unwrap_or(0) as u32)
            .collect();
        let cluster_labels: Vec<String> = used
            .iter()
            .map(|&c| {
                cluster_labels
                    .get(c as usize)
                    .cloned()
                    .unwrap_or_else(|| c.to_string())
            })
            .collect();
        if cluster_labels.len() < 2 {
            return Err(DidError::SingleCluster {
                column: cluster_name,
                label: cluster_labels.first().cloned().unwrap_or_default(),
            });
        }
        Ok(Panel {
            periods,
            period,
            unit,
            unit_labels,
            cohort,
            treated_now,
            ever_treated,
            cluster,
            cluster_labels,
            cluster_name,
            balanced,
            notes,
        })
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.period.len()
    }
    /// Number of units.
    pub fn n_units(&self) -> usize {
        self.unit_labels.len()
    }
    /// Number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.cluster_labels.len()
    }
    /// Distinct cohorts (period indices), sorted.
    pub fn cohorts(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self.cohort.iter().flatten().copied().collect();
        c.sort_unstable();
        c.dedup();
        c
    }
    /// Event time of row `i` in periods (`period − cohort`), `None` for never-treated units.
    pub fn event_time(&self, i: usize) -> Option<i64> {
        self.cohort[self.unit[i]].map(|g| self.period[i] as i64 - g as i64)
    }
    /// Unit codes as `u32` (for fixed effects).
    pub fn unit_codes(&self) -> Vec<u32> {
        self.unit.iter().map(|&u| u as u32).collect()
    }
    /// Period codes as `u32` (for fixed effects).
    pub fn period_codes(&self) -> Vec<u32> {
        self.period.iter().map(|&t| t as u32).collect()
    }
    /// Whether every unit lies within a single cluster.
    pub fn units_nested_in_clusters(&self) -> bool {
        let mut owner: Vec<Option<u32>> = vec![None; self.n_units()];
        for (i, &u) in self.unit.iter().enumerate() {
            match owner[u] {
                None => owner[u] = Some(self.cluster[i]),
                Some(c) if c != self.cluster[i] => return false,
                _ => {}
            }
        }
        true
    }

    /// Counts for output.
    pub fn summary(&self) -> PanelSummary {
        let cohorts = self
            .cohorts()
            .into_iter()
            .map(|g| CohortCount {
                first_treated: self.periods[g],
                units: self.cohort.iter().filter(|c| **c == Some(g)).count(),
            })
            .collect();
        let treated = self.cohort.iter().filter(|c| c.is_some()).count();
        PanelSummary {
            n: self.n(),
            n_units: self.n_units(),
            n_periods: self.periods.len(),
            n_treated_units: treated,
            n_never_treated_units: self.n_units() - treated,
            n_clusters: self.n_clusters(),
            cluster: self.cluster_name.clone(),
            balanced: self.balanced,
            cohorts,
        }
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}
