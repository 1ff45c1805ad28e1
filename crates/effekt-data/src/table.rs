//! In-memory typed table.

use crate::DataError;

/// The values of one column. Missing values are `None`, never silently 0.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Real numbers (decimal point or decimal comma in the file).
    Float(Vec<Option<f64>>),
    /// Whole numbers.
    Int(Vec<Option<i64>>),
    /// true/false (also TRUE/FALSE, sant/falskt).
    Bool(Vec<Option<bool>>),
    /// Text levels (sex, municipality, ...). `levels` in order of first appearance in the file;
    /// `codes[i]` indexes `levels`.
    Categorical { levels: Vec<String>, codes: Vec<Option<u32>> },
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// A table read from one file. `source` is the file name used in every error message.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    source: String,
    columns: Vec<Column>,
    nrows: usize,
}

impl Table {
    /// Build a table; all columns must have the same length and distinct names.
    pub fn new(source: impl Into<String>, columns: Vec<Column>) -> Result<Self, DataError> {
        todo!()
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn nrows(&self) -> usize {
        self.nrows
    }
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    pub fn column_names(&self) -> Vec<&str> {
        todo!()
    }
    /// The column called `name`, or `DataError::UnknownColumn` with the closest name suggested.
    pub fn column(&self, name: &str) -> Result<&Column, DataError> {
        todo!()
    }
    /// Numeric view of a column (Float as is, Int and Bool converted to f64), `None` = missing.
    /// A categorical column gives `DataError::NonNumeric` naming the first non-numeric row and value.
    pub fn numeric(&self, name: &str) -> Result<Vec<Option<f64>>, DataError> {
        todo!()
    }
}
