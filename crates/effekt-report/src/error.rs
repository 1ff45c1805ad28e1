//! The crate's error type.

/// Where in the study file a problem is: file name, 1-based line and column, and the dotted key
/// (`design.caliper`, `outcomes[1].column`, `contract.components[2].funded_by`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudyLocation {
    /// Study file name as given.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// Dotted key path, when known.
    pub key: Option<String>,
}

impl std::fmt::Display for StudyLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ", line {l}")?;
            if let Some(c) = self.column {
                write!(f, ", column {c}")?;
            }
        }
        if let Some(k) = &self.key {
            write!(f, ", key `{k}`")?;
        }
        Ok(())
    }
}

/// Everything that can stop a study run. Messages say what is wrong and what to do.
///
/// [`ReportError::is_bad_input`] tells the CLI whether the user can fix it (exit code 2) or it is
/// an internal failure (exit code 1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The study file is not valid TOML, has an unknown key, a wrong value, an option that does
    /// not belong to the chosen design, shares that do not sum to 1, …
    #[error("{at}: {message}")]
    Study {
        /// Where.
        at: StudyLocation,
        /// What is wrong and what to do.
        message: String,
    },
    /// A column named in the study file is not in the data file.
    #[error("{0}")]
    MissingColumn(Box<MissingColumn>),
    /// The data could not be used (effekt-data's message names file, column and row).
    #[error("{context}: {source}")]
    Data {
        /// Which step (e.g. "outcome `closed_lower_level`").
        context: String,
        /// The data layer's error.
        #[source]
        source: Box<effekt_data::DataError>,
    },
    /// The study asks for a design (or an option of it) whose estimator has not been wired into
    /// the report yet.
    #[error(
        "{design}: not available in `effekt run` yet ({detail}); it comes with {crate_name}; meanwhile run the design's own command (effekt rct / match / did) on the data"
    )]
    DesignNotAvailable {
        /// Design and option, e.g. `design.kind = "matching"`.
        design: String,
        /// The crate that will provide it.
        crate_name: String,
        /// Why.
        detail: String,
    },
    /// An estimate could not be computed on these data (too few units, a constant outcome, …).
    #[error("outcome `{outcome}`: {message}")]
    Estimation {
        /// Outcome column.
        outcome: String,
        /// What went wrong and what to do.
        message: String,
    },
    /// An outcome value outside the rating scale of the outcome's template (e.g. 9 for "not
    /// answered" among 1–5 ratings): its mean would mix codes with ratings.
    #[error("{0}")]
    OutsideScale(Box<OutsideScale>),
    /// The contract could not be evaluated on the draws.
    #[error("contract: {0}")]
    Contract(String),
    /// Drawing a plot failed (a bug: plots are drawn into memory).
    #[error("internal error while drawing the {plot} plot: {message}")]
    Plot {
        /// Which plot.
        plot: String,
        /// The backend's message.
        message: String,
    },
    /// Serialising the report failed (a bug).
    #[error("internal error while writing the report: {0}")]
    Internal(String),
}

impl ReportError {
    /// Whether the user can fix the problem (bad study file, bad data, unavailable design):
    /// exit code 2. Otherwise an internal error (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ReportError::Plot { .. } | ReportError::Internal(_))
    }

    /// The study-file location, when the error is about a key of the study file.
    pub fn location(&self) -> Option<&StudyLocation> {
        match self {
            ReportError::Study { at, .. } => Some(at),
            ReportError::MissingColumn(m) => Some(&m.at),
            _ => None,
        }
    }
}

/// A column named in the study file that is not in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    /// Where the column is named in the study file.
    pub at: StudyLocation,
    /// The column named.
    pub column: String,
    /// The data file.
    pub data_file: String,
    /// Closest existing name.
    pub suggestion: Option<String>,
    /// All column names of the data file.
    pub available: Vec<String>,
    /// The header was read as one column and this delimiter would have split it.
    pub delimiter_hint: Option<char>,
}

impl std::fmt::Display for MissingColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: no column {:?} in the data file {}",
            self.at, self.column, self.data_file
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean {s:?}?)")?;
        }
        write!(
            f,
            "; fix the name in the study file or the data file; available columns: {}",
            self.available.join(", ")
        )?;
        if let Some(d) = self.delimiter_hint {
            let name = if d == '\t' {
                "a tab".to_string()
            } else {
                format!("`{d}`")
            };
            let value = if d == '\t' {
                "\\t".to_string()
            } else {
                d.to_string()
            };
            write!(
                f,
                "; the data file seems to use {name} as delimiter: add delimiter = \"{value}\" under [data]"
            )?;
        }
        Ok(())
    }
}

/// Where a templated rating outcome leaves its scale: the first value outside it and how many.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{file}, column {column:?}, row {row}: {value} is outside the scale {low}–{high} of the template `{template}` ({count} value(s) outside it); correct the value, or leave the cell empty (or NA) if it is a code for \"not answered\", or remove `template` from the outcome and give its `type` if the scale is different"
)]
pub struct OutsideScale {
    /// Data file.
    pub file: String,
    /// Outcome column.
    pub column: String,
    /// Spreadsheet row of the first value outside the scale.
    pub row: usize,
    /// That value, as written in the file.
    pub value: String,
    /// How many values are outside the scale.
    pub count: usize,
    /// Lowest value of the scale.
    pub low: f64,
    /// Highest value of the scale.
    pub high: f64,
    /// The template (its study-file name).
    pub template: String,
}
