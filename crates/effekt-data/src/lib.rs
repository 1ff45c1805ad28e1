//! Typed tables from CSV/xlsx the way evaluators actually have them.
//!
//! (Crate docs: design reasoning to be completed by the implementer.)

mod error;
mod table;
mod read;
mod roles;

pub use error::DataError;
pub use table::{Column, ColumnData, Table};
pub use read::{Decimal, ReadOptions, read_table, read_csv_str};
pub use roles::{Covariate, CovariateValues, Dataset, Groups, MissingPolicy, Roles};

/// Spreadsheet row number of the data row with 0-based index `i`: the header is row 1,
/// so the first data row is row 2 (what the evaluator sees in Excel/LibreOffice).
pub fn spreadsheet_row(i: usize) -> usize {
    i + 2
}
