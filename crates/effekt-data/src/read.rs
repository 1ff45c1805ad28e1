//! Reading CSV (comma/semicolon/tab, decimal point or comma, BOM, quotes) and, behind the same
//! seam, spreadsheets.

use crate::{DataError, Table};
use std::path::Path;

/// Decimal separator of numbers in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decimal {
    /// `3.14`
    Point,
    /// `3,14` (Swedish-locale exports)
    Comma,
}

/// How to read a file. `None` = auto-detect.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOptions {
    /// Field delimiter (`,`, `;` or tab); auto-detected from the header when `None`.
    pub delimiter: Option<char>,
    /// Decimal separator; auto-detected when `None`.
    pub decimal: Option<Decimal>,
    /// Worksheet name for `.xlsx` (first sheet when `None`).
    pub sheet: Option<String>,
}

/// Read a table from `path`, dispatching on the extension (`.csv`, `.txt`, `.tsv`; `.xlsx`).
/// The file is never modified.
pub fn read_table(path: &Path, options: &ReadOptions) -> Result<Table, DataError> {
    todo!()
}

/// Parse CSV text already in memory; `source` names it in errors.
pub fn read_csv_str(source: &str, text: &str, options: &ReadOptions) -> Result<Table, DataError> {
    todo!()
}
