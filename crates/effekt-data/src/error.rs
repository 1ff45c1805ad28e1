//! Errors of the data layer. Every message names the file, the column and the first bad row
//! (spreadsheet numbering: header = row 1) and says what to do.

/// Everything that can be wrong with an input table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    #[error("cannot read {file}: {source}")]
    Io { file: String, #[source] source: std::io::Error },
    #[error("{file}: the file has no header row or no data rows")]
    Empty { file: String },
    #[error("{file}, row {row}: expected {expected} fields as in the header, found {found}; check the delimiter and quotes")]
    RaggedRow { file: String, row: usize, expected: usize, found: usize },
    #[error("{file}: column name {column:?} appears twice in the header; rename one")]
    DuplicateColumn { file: String, column: String },
    #[error("{file}: no column {column:?}{}; available columns: {}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default(), available.join(", "))]
    UnknownColumn { file: String, column: String, suggestion: Option<String>, available: Vec<String> },
    #[error("{file}, column {column:?}, row {row}: {value:?} is not a number; fix the value or mark it missing (empty or NA)")]
    NonNumeric { file: String, column: String, row: usize, value: String },
    #[error("{file}, column {column:?} ({role}): {count} missing value(s), first at row {row}; fill them in or use the missing-data policy `drop`")]
    Missing { file: String, column: String, role: String, row: usize, count: usize },
    #[error("{file}, column {column:?}: treatment must be 0/1 or true/false, found {value:?} at row {row}; recode the column")]
    NotBinary { file: String, column: String, row: usize, value: String },
    #[error("{file}, column {column:?}: group {group:?} has {count} row(s), at least {min} are needed")]
    GroupTooSmall { file: String, column: String, group: String, count: usize, min: usize },
    #[error("{file}, column {column:?}, row {row}: weight {value} is not a finite non-negative number")]
    InvalidWeight { file: String, column: String, row: usize, value: String },
    #[error("{file}: no rows left after dropping {dropped} row(s) with missing values")]
    NoRowsLeft { file: String, dropped: usize },
    #[error("{file}: unsupported file type {extension:?}; use .csv (comma, semicolon or tab separated) or .xlsx")]
    UnsupportedFormat { file: String, extension: String },
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
}
