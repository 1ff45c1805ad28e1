//! Column roles and the analysis-ready [`Dataset`].

use crate::cell::{number_label, parse_bool, parse_number, trim};
use crate::{Column, ColumnData, DataError, Table};

/// What to do with rows that have a missing value in a column that has a role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingPolicy {
    /// Stop with an error naming the column and the first row with a missing value (default).
    #[default]
    Error,
    /// Drop rows with any missing value in a role column (listwise); the count is reported.
    Drop,
}

/// Column roles by name. Every named column must exist in the table.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// Numeric outcome (a Bool column counts as 0/1).
    pub outcome: Option<String>,
    /// Binary treatment indicator: 0/1 or true/false. Anything else is `NotBinary`.
    pub treatment: Option<String>,
    /// Any grouping column with two or more levels (e.g. for `effekt bootstrap --group`);
    /// every level must have at least 2 rows.
    pub group: Option<String>,
    /// Unit id (person, family, municipality) for panels and repeated measurements: numbers or
    /// text.
    pub unit: Option<String>,
    /// Numeric, ordered time (wave, year, period).
    pub time: Option<String>,
    /// Cluster for cluster-robust inference or cluster resampling: numbers or text.
    pub cluster: Option<String>,
    /// Strata/blocks of a stratified design: numbers or text.
    pub strata: Option<String>,
    /// Non-negative finite weights.
    pub weights: Option<String>,
    /// Covariates: numeric when the column is numeric (Float, Int, Bool as 0/1), otherwise
    /// categorical with sorted levels.
    pub covariates: Vec<String>,
}

/// Group labels and per-row codes. Levels are sorted: numerically when every label is a number,
/// otherwise lexicographically; `codes[i]` indexes `labels`.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Name of the source column.
    pub column: String,
    /// Sorted level labels (numbers formatted as `3`, `2.5`; booleans as `false`/`true`).
    pub labels: Vec<String>,
    /// Per kept row, the index into `labels`.
    pub codes: Vec<u32>,
}

impl Groups {
    /// Number of levels.
    pub fn n_groups(&self) -> usize {
        self.labels.len()
    }
    /// Row count per level.
    pub fn counts(&self) -> Vec<usize> {
        let mut c = vec![0usize; self.labels.len()];
        for &g in &self.codes {
            if let Some(k) = c.get_mut(g as usize) {
                *k += 1;
            }
        }
        c
    }
}

/// Values of a covariate after selection.
#[derive(Debug, Clone, PartialEq)]
pub enum CovariateValues {
    /// One value per kept row.
    Numeric(Vec<f64>),
    /// Levels in sorted order (as [`Groups`]); later crates dummy-code with the first level as reference.
    Categorical {
        levels: Vec<String>,
        codes: Vec<u32>,
    },
}

/// One covariate after selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    /// Column name.
    pub name: String,
    /// Values on the kept rows.
    pub values: CovariateValues,
}

/// Analysis-ready data: only the role columns, no missing values, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// File name, for messages.
    pub source: String,
    /// Indices (0-based) of the kept rows in the original table; the spreadsheet row of kept
    /// row `k` is `table.row_number(rows[k])` (= `spreadsheet_row(rows[k])` for files without
    /// blank rows).
    pub rows: Vec<usize>,
    /// Outcome per kept row.
    pub outcome: Option<Vec<f64>>,
    /// Treatment per kept row: `true` = treated (1).
    pub treatment: Option<Vec<bool>>,
    /// Group role: at least two levels, each with at least 2 rows.
    pub group: Option<Groups>,
    /// Unit ids.
    pub unit: Option<Groups>,
    /// Time per kept row.
    pub time: Option<Vec<f64>>,
    /// Clusters.
    pub cluster: Option<Groups>,
    /// Strata/blocks.
    pub strata: Option<Groups>,
    /// Weights per kept row, finite and >= 0.
    pub weights: Option<Vec<f64>>,
    /// Covariates in the order given in [`Roles::covariates`].
    pub covariates: Vec<Covariate>,
    /// Rows dropped under [`MissingPolicy::Drop`].
    pub dropped: usize,
    /// Per role column, how many rows had a missing value there (a row can count in several).
    /// Only columns with at least one missing value, each once, in the order of
    /// [`Roles::named`]; empty under [`MissingPolicy::Error`].
    pub missing_by_column: Vec<(String, usize)>,
}

impl Dataset {
    /// Number of kept rows.
    pub fn n(&self) -> usize {
        self.rows.len()
    }
}

impl Roles {
    /// The named role columns in a fixed order (outcome, treatment, group, unit, time, cluster,
    /// strata, weights, covariates) with the role's name as used in messages.
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        let singles = [
            ("outcome", &self.outcome),
            ("treatment", &self.treatment),
            ("group", &self.group),
            ("unit", &self.unit),
            ("time", &self.time),
            ("cluster", &self.cluster),
            ("strata", &self.strata),
            ("weights", &self.weights),
        ];
        for (role, name) in singles {
            if let Some(n) = name {
                out.push((role, n.as_str()));
            }
        }
        for c in &self.covariates {
            out.push(("covariate", c.as_str()));
        }
        out
    }
}

/// Minimum number of rows in every level of the `group` role.
const MIN_GROUP_ROWS: usize = 2;

/// Role column values after type checks on all rows, before the missing-data policy.
enum Checked {
    Numeric(Vec<Option<f64>>),
    Binary(Vec<Option<bool>>),
    /// Grouping or categorical covariate: keep the column, build levels after row selection.
    Levels,
}

impl Table {
    /// [`DataError::NonFinite`] or [`DataError::TooLarge`] at the first value of `col` that is
    /// infinite or larger in magnitude than [`crate::MAX_MAGNITUDE`].
    fn check_magnitude(&self, col: &Column, values: &[Option<f64>]) -> Result<(), DataError> {
        let big = values
            .iter()
            .enumerate()
            .find_map(|(i, x)| x.filter(|v| v.abs() > crate::MAX_MAGNITUDE).map(|v| (i, v)));
        match big {
            Some((i, v)) if !v.is_finite() => Err(DataError::NonFinite {
                file: self.source().to_string(),
                column: col.name.clone(),
                row: self.row_number(i),
                value: col.data.display(i).unwrap_or_else(|| format!("{v}")),
            }),
            // Scientific notation: the plain form of 1e308 has 309 digits.
            Some((i, v)) => Err(DataError::TooLarge {
                file: self.source().to_string(),
                column: col.name.clone(),
                row: self.row_number(i),
                value: format!("{v:e}"),
            }),
            None => Ok(()),
        }
    }

    /// Select the role columns, apply the missing-data policy and validate.
    ///
    /// Steps, in this order (so the first error is the most basic one):
    /// 1. every named column exists ([`DataError::UnknownColumn`], closest name suggested);
    /// 2. types on all rows: outcome, time and weights numeric ([`DataError::NonNumeric`]), no
    ///    number in them or in a numeric covariate infinite ([`DataError::NonFinite`]) or beyond
    ///    [`crate::MAX_MAGNITUDE`] ([`DataError::TooLarge`]);
    ///    weights finite and ≥ 0 ([`DataError::InvalidWeight`]); treatment 0/1 or true/false
    ///    ([`DataError::NotBinary`]); covariates numeric when the column is numeric, otherwise
    ///    categorical; group/unit/cluster/strata may be numbers or text;
    /// 3. missing values in any role column: [`MissingPolicy::Error`] gives
    ///    [`DataError::Missing`] for the first role column (in the order of [`Roles::named`])
    ///    that has any; [`MissingPolicy::Drop`] deletes those rows listwise and records
    ///    `dropped` and `missing_by_column` ([`DataError::NoRowsLeft`] if none remain);
    /// 4. on the kept rows: both treatment arms present ([`DataError::OneArm`]); the group role
    ///    has at least two levels ([`DataError::SingleGroup`]) and every level at least 2 rows
    ///    ([`DataError::GroupTooSmall`]).
    ///
    /// Grouping columns become [`Groups`] and categorical covariates
    /// [`CovariateValues::Categorical`], with labels sorted numerically when every label is a
    /// number and lexicographically otherwise (levels absent from the kept rows are left out).
    /// One column may have several roles (e.g. unit and cluster).
    ///
    /// # Errors
    /// As listed above; every error names the file, the column, the first bad spreadsheet row
    /// and the value or count.
    ///
    /// # Examples
    /// ```
    /// use effekt_data::{MissingPolicy, ReadOptions, Roles, read_csv_str};
    /// let csv = "id,treat,y,sex\n1,1,3.5,F\n2,0,NA,M\n3,0,2.0,F\n4,1,4.5,M\n";
    /// let t = read_csv_str("pilot.csv", csv, &ReadOptions::default())?;
    /// let roles = Roles {
    ///     outcome: Some("y".into()),
    ///     treatment: Some("treat".into()),
    ///     covariates: vec!["sex".into()],
    ///     ..Roles::default()
    /// };
    /// // Missing outcome in row 3: an error by default ...
    /// let err = t.select(&roles, MissingPolicy::Error).unwrap_err();
    /// assert!(err.to_string().contains("row 3"));
    /// // ... or listwise deletion, reported.
    /// let d = t.select(&roles, MissingPolicy::Drop)?;
    /// assert_eq!(d.n(), 3);
    /// assert_eq!(d.dropped, 1);
    /// assert_eq!(d.rows, vec![0, 2, 3]);
    /// assert_eq!(d.outcome, Some(vec![3.5, 2.0, 4.5]));
    /// assert_eq!(d.treatment, Some(vec![true, false, true]));
    /// # Ok::<(), effekt_data::DataError>(())
    /// ```
    pub fn select(&self, roles: &Roles, missing: MissingPolicy) -> Result<Dataset, DataError> {
        // 0. No column in two roles (a unit id may also be the cluster).
        let named = roles.named();
        self.check_role_clash(&named)?;
        // 1. Every column exists.
        let mut cols: Vec<(&'static str, &Column)> = Vec::with_capacity(named.len());
        for (role, name) in &named {
            cols.push((role, self.column(name)?));
        }

        // 2. Types (and magnitudes) on all rows.
        let mut checked: Vec<Checked> = Vec::with_capacity(cols.len());
        for (role, col) in &cols {
            let c = match *role {
                "outcome" | "time" => Checked::Numeric(self.numeric_of(col)?),
                "weights" => {
                    let w = self.numeric_of(col)?;
                    if let Some((i, x)) = w.iter().enumerate().find_map(|(i, x)| {
                        x.filter(|v| !(v.is_finite() && *v >= 0.0)).map(|v| (i, v))
                    }) {
                        return Err(DataError::InvalidWeight {
                            file: self.source().to_string(),
                            column: col.name.clone(),
                            row: self.row_number(i),
                            value: col.data.display(i).unwrap_or_else(|| number_label(x)),
                        });
                    }
                    Checked::Numeric(w)
                }
                "treatment" => Checked::Binary(self.binary_column(col)?),
                "covariate" if col.data.is_numeric() => Checked::Numeric(self.numeric_of(col)?),
                _ => Checked::Levels,
            };
            if let Checked::Numeric(v) = &c {
                self.check_magnitude(col, v)?;
            }
            checked.push(c);
        }

        // 3. Missing values.
        let n = self.nrows();
        let mut keep = vec![true; n];
        let mut missing_by_column: Vec<(String, usize)> = Vec::new();
        for (role, col) in &cols {
            let count = col.data.count_missing();
            if count == 0 {
                continue;
            }
            if missing == MissingPolicy::Error {
                let first = (0..n).find(|&i| col.data.is_missing(i)).unwrap_or(0);
                return Err(DataError::Missing {
                    file: self.source().to_string(),
                    column: col.name.clone(),
                    role: (*role).to_string(),
                    row: self.row_number(first),
                    count,
                });
            }
            if !missing_by_column.iter().any(|(c, _)| *c == col.name) {
                missing_by_column.push((col.name.clone(), count));
            }
            for (i, k) in keep.iter_mut().enumerate() {
                if col.data.is_missing(i) {
                    *k = false;
                }
            }
        }
        let rows: Vec<usize> = (0..n)
            .filter(|&i| keep.get(i).copied().unwrap_or(false))
            .collect();
        let dropped = n - rows.len();
        if rows.is_empty() {
            return Err(DataError::NoRowsLeft {
                file: self.source().to_string(),
                dropped,
            });
        }

        // 4. Build the dataset on the kept rows and validate.
        let mut d = Dataset {
            source: self.source().to_string(),
            rows,
            outcome: None,
            treatment: None,
            group: None,
            unit: None,
            time: None,
            cluster: None,
            strata: None,
            weights: None,
            covariates: Vec::new(),
            dropped,
            missing_by_column,
        };
        for ((role, col), c) in cols.iter().zip(checked) {
            match (*role, c) {
                ("outcome", Checked::Numeric(v)) => d.outcome = Some(take(&v, &d.rows)),
                ("time", Checked::Numeric(v)) => d.time = Some(take(&v, &d.rows)),
                ("weights", Checked::Numeric(v)) => d.weights = Some(take(&v, &d.rows)),
                ("treatment", Checked::Binary(v)) => {
                    let t = take(&v, &d.rows);
                    self.check_arms(col, &t)?;
                    d.treatment = Some(t);
                }
                ("covariate", Checked::Numeric(v)) => d.covariates.push(Covariate {
                    name: col.name.clone(),
                    values: CovariateValues::Numeric(take(&v, &d.rows)),
                }),
                ("covariate", _) => {
                    let g = self.groups(col, &d.rows);
                    d.covariates.push(Covariate {
                        name: col.name.clone(),
                        values: CovariateValues::Categorical {
                            levels: g.labels,
                            codes: g.codes,
                        },
                    });
                }
                ("group", _) => {
                    let g = self.groups(col, &d.rows);
                    self.check_group_sizes(col, &g)?;
                    d.group = Some(g);
                }
                ("unit", _) => d.unit = Some(self.groups(col, &d.rows)),
                ("cluster", _) => d.cluster = Some(self.groups(col, &d.rows)),
                ("strata", _) => d.strata = Some(self.groups(col, &d.rows)),
                _ => {}
            }
        }
        Ok(d)
    }

    /// Treatment values: 0/1 numbers or booleans; anything else is `NotBinary` at its first row.
    fn binary_column(&self, col: &Column) -> Result<Vec<Option<bool>>, DataError> {
        let bad = |i: usize, value: String| DataError::NotBinary {
            file: self.source().to_string(),
            column: col.name.clone(),
            row: self.row_number(i),
            value,
        };
        let from_number = |x: f64| {
            if x == 0.0 {
                Some(false)
            } else if x == 1.0 {
                Some(true)
            } else {
                None
            }
        };
        match &col.data {
            ColumnData::Bool(v) => Ok(v.clone()),
            ColumnData::Int(v) => v
                .iter()
                .enumerate()
                .map(|(i, x)| match x {
                    None => Ok(None),
                    Some(0) => Ok(Some(false)),
                    Some(1) => Ok(Some(true)),
                    Some(other) => Err(bad(i, other.to_string())),
                })
                .collect(),
            ColumnData::Float(v) => v
                .iter()
                .enumerate()
                .map(|(i, x)| match x {
                    None => Ok(None),
                    Some(x) => from_number(*x)
                        .map(Some)
                        .ok_or_else(|| bad(i, number_label(*x))),
                })
                .collect(),
            ColumnData::Categorical { levels, codes } => {
                let level_values: Vec<Option<bool>> = levels
                    .iter()
                    .map(|l| {
                        let b = trim(l.as_bytes());
                        parse_bool(b).or_else(|| {
                            parse_number(b, self.decimal()).and_then(|r| match r {
                                Ok(i) => from_number(i as f64),
                                Err(x) => from_number(x),
                            })
                        })
                    })
                    .collect();
                codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match c {
                        None => Ok(None),
                        Some(c) => match level_values.get(*c as usize).copied().flatten() {
                            Some(b) => Ok(Some(b)),
                            None => {
                                Err(bad(i, levels.get(*c as usize).cloned().unwrap_or_default()))
                            }
                        },
                    })
                    .collect()
            }
        }
    }

    /// [`DataError::RoleClash`] when one column is named in two roles (`--outcome t
    /// --treatment t` estimates "effect 1, SE 0"), or twice as a covariate. The one pair allowed
    /// is unit and cluster: clustering by the panel unit is the usual choice.
    fn check_role_clash(&self, named: &[(&'static str, &str)]) -> Result<(), DataError> {
        for (i, (role, name)) in named.iter().enumerate() {
            for (other, other_name) in &named[..i] {
                let allowed = matches!((*other, *role), ("unit", "cluster") | ("cluster", "unit"));
                if name == other_name && !allowed {
                    return Err(DataError::RoleClash {
                        file: self.source().to_string(),
                        column: name.to_string(),
                        first: other,
                        second: role,
                    });
                }
            }
        }
        Ok(())
    }

    fn check_arms(&self, col: &Column, t: &[bool]) -> Result<(), DataError> {
        let treated = t.iter().filter(|&&b| b).count();
        let control = t.len() - treated;
        let arm = |b: bool| if b { "treated (1)" } else { "control (0)" }.to_string();
        if treated == 0 || control == 0 {
            let present = treated > 0;
            return Err(DataError::OneArm {
                file: self.source().to_string(),
                column: col.name.clone(),
                present: arm(present),
                missing_arm: arm(!present),
                count: t.len(),
            });
        }
        Ok(())
    }

    fn check_group_sizes(&self, col: &Column, g: &Groups) -> Result<(), DataError> {
        let counts = g.counts();
        if g.n_groups() == 1 {
            return Err(DataError::SingleGroup {
                file: self.source().to_string(),
                column: col.name.clone(),
                group: g.labels.first().cloned().unwrap_or_default(),
                count: counts.first().copied().unwrap_or(0),
            });
        }
        if let Some((label, &count)) = g
            .labels
            .iter()
            .zip(&counts)
            .find(|(_, c)| **c < MIN_GROUP_ROWS)
        {
            return Err(DataError::GroupTooSmall {
                file: self.source().to_string(),
                column: col.name.clone(),
                group: label.clone(),
                count,
                min: MIN_GROUP_ROWS,
            });
        }
        Ok(())
    }

    /// Levels of a column on the given rows (none missing), sorted as documented on [`Groups`].
    fn groups(&self, col: &Column, rows: &[usize]) -> Groups {
        let (labels, codes) = match &col.data {
            ColumnData::Int(v) => {
                let vals: Vec<i64> = rows
                    .iter()
                    .map(|&i| v.get(i).copied().flatten().unwrap_or(0))
                    .collect();
                let mut levels = vals.clone();
                levels.sort_unstable();
                levels.dedup();
                let codes = vals
                    .iter()
                    .map(|x| levels.binary_search(x).unwrap_or(0) as u32)
                    .collect();
                (levels.iter().map(i64::to_string).collect(), codes)
            }
            ColumnData::Float(v) => {
                // -0 and 0 are one level.
                let vals: Vec<f64> = rows
                    .iter()
                    .map(|&i| v.get(i).copied().flatten().unwrap_or(0.0) + 0.0)
                    .collect();
                let mut levels = vals.clone();
                levels.sort_unstable_by(f64::total_cmp);
                levels.dedup_by(|a, b| a.total_cmp(b).is_eq());
                let codes = vals
                    .iter()
                    .map(|x| levels.binary_search_by(|l| l.total_cmp(x)).unwrap_or(0) as u32)
                    .collect();
                (levels.into_iter().map(number_label).collect(), codes)
            }
            ColumnData::Bool(v) => {
                let vals: Vec<bool> = rows
                    .iter()
                    .map(|&i| v.get(i).copied().flatten().unwrap_or(false))
                    .collect();
                let has = |b: bool| vals.contains(&b);
                let levels: Vec<bool> = [false, true].into_iter().filter(|&b| has(b)).collect();
                let codes = vals
                    .iter()
                    .map(|x| levels.iter().position(|l| l == x).unwrap_or(0) as u32)
                    .collect();
                (levels.iter().map(bool::to_string).collect(), codes)
            }
            ColumnData::Categorical { levels, codes } => {
                let raw: Vec<u32> = rows
                    .iter()
                    .map(|&i| codes.get(i).copied().flatten().unwrap_or(0))
                    .collect();
                let mut used = vec![false; levels.len()];
                for &c in &raw {
                    if let Some(u) = used.get_mut(c as usize) {
                        *u = true;
                    }
                }
                let mut order: Vec<usize> = (0..levels.len())
                    .filter(|&k| used.get(k).copied().unwrap_or(false))
                    .collect();
                let text = |k: &usize| levels.get(*k).map(String::as_str).unwrap_or_default();
                let nums: Option<Vec<f64>> = order
                    .iter()
                    .map(|k| {
                        parse_number(trim(text(k).as_bytes()), self.decimal()).map(|r| match r {
                            Ok(i) => i as f64,
                            Err(x) => x,
                        })
                    })
                    .collect();
                match nums {
                    Some(nums) => {
                        let mut pairs: Vec<(f64, usize)> =
                            nums.into_iter().zip(order.iter().copied()).collect();
                        pairs.sort_by(|a, b| {
                            a.0.total_cmp(&b.0).then_with(|| text(&a.1).cmp(text(&b.1)))
                        });
                        order = pairs.into_iter().map(|(_, k)| k).collect();
                    }
                    None => order.sort_by(|a, b| text(a).cmp(text(b))),
                }
                let mut remap = vec![0u32; levels.len()];
                for (new, &old) in order.iter().enumerate() {
                    if let Some(r) = remap.get_mut(old) {
                        *r = new as u32;
                    }
                }
                let codes = raw
                    .iter()
                    .map(|&c| remap.get(c as usize).copied().unwrap_or(0))
                    .collect();
                (order.iter().map(|k| text(k).to_string()).collect(), codes)
            }
        };
        Groups {
            column: col.name.clone(),
            labels,
            codes,
        }
    }
}

/// Values of the kept rows (which have no missing values in this column).
fn take<T: Copy + Default>(v: &[Option<T>], rows: &[usize]) -> Vec<T> {
    rows.iter()
        .map(|&i| v.get(i).copied().flatten().unwrap_or_default())
        .collect()
}
