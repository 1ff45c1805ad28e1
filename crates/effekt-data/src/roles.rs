//! Column roles and the analysis-ready [`Dataset`].

use crate::{DataError, Table};

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
    pub outcome: Option<String>,
    /// Binary treatment indicator: 0/1 or true/false. Anything else is `NotBinary`.
    pub treatment: Option<String>,
    /// Any grouping column with two or more levels (e.g. for `effekt bootstrap --group`);
    /// every level must have at least 2 rows.
    pub group: Option<String>,
    pub unit: Option<String>,
    /// Numeric, ordered time (wave, year, period).
    pub time: Option<String>,
    pub cluster: Option<String>,
    pub strata: Option<String>,
    /// Non-negative finite weights.
    pub weights: Option<String>,
    pub covariates: Vec<String>,
}

/// Group labels and per-row codes. Levels are sorted: numerically when every label is a number,
/// otherwise lexicographically; `codes[i]` indexes `labels`.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    pub column: String,
    pub labels: Vec<String>,
    pub codes: Vec<u32>,
}

impl Groups {
    pub fn n_groups(&self) -> usize {
        self.labels.len()
    }
    /// Row count per level.
    pub fn counts(&self) -> Vec<usize> {
        let mut c = vec![0usize; self.labels.len()];
        for &g in &self.codes {
            c[g as usize] += 1;
        }
        c
    }
}

/// Values of a covariate after selection.
#[derive(Debug, Clone, PartialEq)]
pub enum CovariateValues {
    Numeric(Vec<f64>),
    /// Levels in sorted order (as [`Groups`]); later crates dummy-code with the first level as reference.
    Categorical { levels: Vec<String>, codes: Vec<u32> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    pub name: String,
    pub values: CovariateValues,
}

/// Analysis-ready data: only the role columns, no missing values, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// File name, for messages.
    pub source: String,
    /// Indices (0-based) of the kept rows in the original table.
    pub rows: Vec<usize>,
    pub outcome: Option<Vec<f64>>,
    pub treatment: Option<Vec<bool>>,
    pub group: Option<Groups>,
    pub unit: Option<Groups>,
    pub time: Option<Vec<f64>>,
    pub cluster: Option<Groups>,
    pub strata: Option<Groups>,
    pub weights: Option<Vec<f64>>,
    pub covariates: Vec<Covariate>,
    /// Rows dropped under [`MissingPolicy::Drop`].
    pub dropped: usize,
    /// Per role column, how many rows had a missing value there (a row can count in several).
    pub missing_by_column: Vec<(String, usize)>,
}

impl Dataset {
    pub fn n(&self) -> usize {
        self.rows.len()
    }
}

impl Table {
    /// Select the role columns, apply the missing-data policy and validate.
    pub fn select(&self, roles: &Roles, missing: MissingPolicy) -> Result<Dataset, DataError> {
        todo!()
    }
}
