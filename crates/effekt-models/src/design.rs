//! Design matrices: intercept, numeric columns and dummy-coded categorical covariates, named the
//! way R's `model.matrix` prints them.
//!
//! # Coding of categorical covariates
//!
//! A categorical covariate with levels `l_1, …, l_m` (in the order given by
//! [`CovariateValues::Categorical`], which effekt-data sorts: numerically when every label is a
//! number, otherwise lexicographically) becomes `m − 1` treatment-contrast dummies
//! `1{x = l_j}` for `j = 2, …, m`: the **first level is the reference**, as R's default
//! `contr.treatment`. Levels that no row uses are skipped (R's `model.frame` drops unused levels),
//! so the reference is the first level that occurs. The dummy for level `l` of covariate `race`
//! is named `racel` (`racehispan`, `racewhite`), exactly as `model.matrix` names it. A covariate
//! with a single used level adds no column and leaves a note.

use effekt_data::{Covariate, CovariateValues};
use faer::{Mat, MatRef};
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Name of the intercept column, as R prints it.
pub const INTERCEPT: &str = "(Intercept)";

/// Where a design-matrix column came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ColumnOrigin {
    /// The constant column of ones.
    Intercept,
    /// A numeric covariate, used as is.
    Numeric { covariate: String },
    /// The dummy `1{covariate = level}` of a categorical covariate.
    Dummy { covariate: String, level: String },
    /// A column given directly by the caller (treatment, interaction, centred covariate, …).
    Raw,
}

/// One named column of a design matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignColumn {
    pub name: String,
    pub values: Vec<f64>,
    pub origin: ColumnOrigin,
}

impl DesignColumn {
    /// A caller-built column ([`ColumnOrigin::Raw`]).
    pub fn raw(name: impl Into<String>, values: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            values,
            origin: ColumnOrigin::Raw,
        }
    }
}

/// Expand covariates into design columns: numeric covariates as they are, categorical ones as
/// treatment-contrast dummies with the first used level as reference (see the module docs).
///
/// Returns the columns and notes (e.g. a categorical covariate with one level adds nothing).
///
/// # Errors
/// [`ModelError::BadLevelCode`] if a categorical code indexes no level;
/// [`ModelError::LengthMismatch`] if covariates differ in length.
pub fn expand_covariates(
    covariates: &[Covariate],
) -> Result<(Vec<DesignColumn>, Vec<effekt_notes::Note>), ModelError> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let n = covariates.first().map(covariate_len);
    for cov in covariates {
        if let Some(n) = n
            && covariate_len(cov) != n
        {
            return Err(ModelError::LengthMismatch {
                what: format!("covariate {:?}", cov.name),
                expected: n,
                found: covariate_len(cov),
            });
        }
        match &cov.values {
            CovariateValues::Numeric(v) => out.push(DesignColumn {
                name: cov.name.clone(),
                values: v.clone(),
                origin: ColumnOrigin::Numeric {
                    covariate: cov.name.clone(),
                },
            }),
            CovariateValues::Categorical { levels, codes } => {
                let mut used = vec![false; levels.len()];
                for (row, &c) in codes.iter().enumerate() {
                    match used.get_mut(c as usize) {
                        Some(u) => *u = true,
                        None => {
                            return Err(ModelError::BadLevelCode {
                                covariate: cov.name.clone(),
                                row,
                                code: c,
                                levels: levels.len(),
                            });
                        }
                    }
                }
                let used_levels: Vec<usize> = (0..levels.len()).filter(|&l| used[l]).collect();
                if used_levels.len() < 2 {
                    notes.push(effekt_notes::Note::SingleLevelCovariate {
                        covariate: cov.name.clone(),
                    });
                    continue;
                }
                for &l in used_levels.iter().skip(1) {
                    let level = &levels[l];
                    out.push(DesignColumn {
                        name: format!("{}{}", cov.name, level),
                        values: codes
                            .iter()
                            .map(|&c| f64::from(u8::from(c as usize == l)))
                            .collect(),
                        origin: ColumnOrigin::Dummy {
                            covariate: cov.name.clone(),
                            level: level.clone(),
                        },
                    });
                }
            }
        }
    }
    Ok((out, notes))
}

/// The first entry that least squares cannot use — NaN, infinite, or larger in magnitude than
/// [`effekt_data::MAX_MAGNITUDE`] — as the error naming `what` and the row. A branch-free scan runs first,
/// so the usual all-usable case runs at memory speed.
pub(crate) fn check_usable(v: &[f64], what: impl FnOnce() -> String) -> Result<(), ModelError> {
    if v.iter()
        .fold(true, |ok, x| ok & (x.abs() <= effekt_data::MAX_MAGNITUDE))
    {
        return Ok(());
    }
    match v
        .iter()
        .enumerate()
        .find(|(_, x)| !(x.abs() <= effekt_data::MAX_MAGNITUDE))
    {
        Some((row, &value)) if value.is_finite() => Err(ModelError::TooLarge {
            what: what(),
            row,
            value,
        }),
        Some((row, &value)) => Err(ModelError::NonFinite {
            what: what(),
            row,
            value,
        }),
        None => Ok(()),
    }
}

fn covariate_len(c: &Covariate) -> usize {
    match &c.values {
        CovariateValues::Numeric(v) => v.len(),
        CovariateValues::Categorical { codes, .. } => codes.len(),
    }
}

/// An `n × p` design matrix with named columns.
///
/// Columns can be flagged *must keep* (e.g. the treatment indicator): if such a column is
/// perfectly collinear with others, fitting fails with [`ModelError::CollinearMustKeep`] instead
/// of silently dropping it or the covariate it is confounded with.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignMatrix {
    x: Mat<f64>,
    names: Vec<String>,
    origins: Vec<ColumnOrigin>,
    must_keep: Vec<bool>,
    notes: Vec<effekt_notes::Note>,
}

impl DesignMatrix {
    /// Start a builder for `n` observations.
    pub fn builder(n: usize) -> DesignBuilder {
        DesignBuilder::new(n)
    }

    /// Build directly from columns (no intercept is added).
    ///
    /// # Errors
    /// [`ModelError::EmptyDesign`], [`ModelError::LengthMismatch`],
    /// [`ModelError::DuplicateColumn`], [`ModelError::NonFinite`].
    pub fn from_columns(columns: Vec<DesignColumn>) -> Result<Self, ModelError> {
        let n = columns
            .first()
            .map(|c| c.values.len())
            .ok_or(ModelError::EmptyDesign)?;
        let mut b = DesignBuilder::new(n);
        for c in columns {
            b = b.column(c);
        }
        b.build()
    }

    /// Number of observations (rows).
    pub fn nrows(&self) -> usize {
        self.x.nrows()
    }
    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.x.ncols()
    }
    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Where each column came from.
    pub fn origins(&self) -> &[ColumnOrigin] {
        &self.origins
    }
    /// Must-keep flags, one per column.
    pub fn must_keep(&self) -> &[bool] {
        &self.must_keep
    }
    /// Notes from building (e.g. single-level categorical covariates).
    pub fn notes(&self) -> &[effekt_notes::Note] {
        &self.notes
    }
    /// The matrix itself (column-major, `n × p`).
    pub fn matrix(&self) -> MatRef<'_, f64> {
        self.x.as_ref()
    }
    /// Values of column `j`, or `None` if `j >= ncols()`.
    pub fn column(&self, j: usize) -> Option<&[f64]> {
        (j < self.ncols()).then(|| self.x.col_as_slice(j))
    }
    /// Index of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    /// Whether one column is the intercept.
    pub fn has_intercept(&self) -> bool {
        self.origins.contains(&ColumnOrigin::Intercept)
    }
    /// Flag the column `name` as must keep.
    ///
    /// # Errors
    /// [`ModelError::UnknownTerm`] if there is no such column.
    pub fn set_must_keep(&mut self, name: &str) -> Result<(), ModelError> {
        let j = self.index_of(name).ok_or_else(|| ModelError::UnknownTerm {
            term: name.to_string(),
            available: self.names.clone(),
        })?;
        self.must_keep[j] = true;
        Ok(())
    }
    /// Columns as named vectors (e.g. to centre or interact them for Lin 2013).
    pub fn to_columns(&self) -> Vec<DesignColumn> {
        (0..self.ncols())
            .map(|j| DesignColumn {
                name: self.names[j].clone(),
                values: self.x.col_as_slice(j).to_vec(),
                origin: self.origins[j].clone(),
            })
            .collect()
    }
}

/// Builder of a [`DesignMatrix`]. Methods chain; problems are reported by [`DesignBuilder::build`].
///
/// ```
/// use effekt_models::design::DesignBuilder;
/// let d = DesignBuilder::new(3)
///     .intercept()
///     .numeric("treat", vec![0.0, 1.0, 1.0])
///     .must_keep("treat")
///     .build()
///     .unwrap();
/// assert_eq!(d.names(), ["(Intercept)", "treat"]);
/// ```
#[derive(Debug, Clone)]
pub struct DesignBuilder {
    n: usize,
    columns: Vec<DesignColumn>,
    keep: Vec<String>,
    notes: Vec<effekt_notes::Note>,
    error: Option<ModelError>,
}

impl DesignBuilder {
    /// A builder for `n` observations.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            columns: Vec::new(),
            keep: Vec::new(),
            notes: Vec::new(),
            error: None,
        }
    }
    /// Add the intercept column `(Intercept)`.
    pub fn intercept(mut self) -> Self {
        self.columns.push(DesignColumn {
            name: INTERCEPT.to_string(),
            values: vec![1.0; self.n],
            origin: ColumnOrigin::Intercept,
        });
        self
    }
    /// Add a caller-built numeric column.
    pub fn numeric(self, name: impl Into<String>, values: Vec<f64>) -> Self {
        self.column(DesignColumn::raw(name, values))
    }
    /// Add a 0/1 treatment indicator (e.g. `Dataset::treatment`) and flag it must keep, so that
    /// perfect collinearity with it is an error rather than a silently dropped column.
    pub fn treatment(self, name: impl Into<String>, treated: &[bool]) -> Self {
        let name = name.into();
        let values = treated.iter().map(|&t| f64::from(u8::from(t))).collect();
        self.numeric(name.clone(), values).must_keep(name)
    }
    /// Add a column.
    pub fn column(mut self, column: DesignColumn) -> Self {
        self.columns.push(column);
        self
    }
    /// Add covariates (numeric as is, categorical dummy-coded; see the module docs).
    pub fn covariates(mut self, covariates: &[Covariate]) -> Self {
        match expand_covariates(covariates) {
            Ok((cols, notes)) => {
                self.columns.extend(cols);
                self.notes.extend(notes);
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
            }
        }
        self
    }
    /// Flag the column `name` (added before or after this call) as must keep.
    pub fn must_keep(mut self, name: impl Into<String>) -> Self {
        self.keep.push(name.into());
        self
    }
    /// Check and assemble the matrix.
    ///
    /// # Errors
    /// The first problem met while adding covariates, then [`ModelError::EmptyDesign`],
    /// [`ModelError::LengthMismatch`], [`ModelError::DuplicateColumn`],
    /// [`ModelError::NonFinite`] (with the column name and row) and
    /// [`ModelError::UnknownTerm`] for an unknown must-keep name.
    pub fn build(self) -> Result<DesignMatrix, ModelError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.columns.is_empty() {
            return Err(ModelError::EmptyDesign);
        }
        let n = self.n;
        let p = self.columns.len();
        for (j, c) in self.columns.iter().enumerate() {
            if c.values.len() != n {
                return Err(ModelError::LengthMismatch {
                    what: format!("column {:?}", c.name),
                    expected: n,
                    found: c.values.len(),
                });
            }
            if self.columns[..j].iter().any(|o| o.name == c.name) {
                return Err(ModelError::DuplicateColumn {
                    name: c.name.clone(),
                });
            }
            check_usable(&c.values, || format!("column {:?}", c.name))?;
        }
        let mut x = Mat::<f64>::zeros(n, p);
        for (j, c) in self.columns.iter().enumerate() {
            x.col_as_slice_mut(j).copy_from_slice(&c.values);
        }
        let names: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        let mut must_keep = vec![false; p];
        for k in &self.keep {
            let j = names
                .iter()
                .position(|n| n == k)
                .ok_or_else(|| ModelError::UnknownTerm {
                    term: k.clone(),
                    available: names.clone(),
                })?;
            must_keep[j] = true;
        }
        Ok(DesignMatrix {
            x,
            origins: self.columns.into_iter().map(|c| c.origin).collect(),
            names,
            must_keep,
            notes: self.notes,
        })
    }
}
