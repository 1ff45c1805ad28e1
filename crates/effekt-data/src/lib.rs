//! Typed tables from CSV/xlsx the way evaluators actually have them.
//!
//! A municipal evaluator's data is a spreadsheet export: semicolon-separated with decimal
//! commas (`1 234,5`) from a Swedish Excel, or comma-separated from R; with a byte-order mark or
//! without; sometimes an `.xlsx` straight from the case system. This crate turns such a file
//! into a [`Table`] of typed columns ([`read_table`], [`read_csv_str`]), and a table plus
//! column [`Roles`] into an analysis-ready [`Dataset`] ([`Table::select`]). Everything the
//! estimators in the other crates see has passed through here, so the checks live here once.
//!
//! # Design
//!
//! **Spreadsheet row numbers.** Every error names the file, the column and the *spreadsheet*
//! row: the header is row 1 and the first data row is row 2 ([`spreadsheet_row`]), so the
//! evaluator can open the file in Excel or LibreOffice and go straight to the cell. Blank rows
//! are skipped but keep their numbers ([`Table::row_number`]); newlines inside quoted cells do
//! not shift the numbering (a spreadsheet shows them inside one row).
//!
//! **Missing is never 0.** Empty cells and the usual tokens (`NA`, `N/A`, `NaN`, `NULL`,
//! `#N/A`, `.`) are `None` in every column type. A silently zero-filled outcome biases an
//! effect towards zero and cannot be seen in the output; an explicit missing value forces a
//! decision: [`MissingPolicy::Error`] (the default) stops and says where, and
//! [`MissingPolicy::Drop`] deletes rows listwise and reports how many ([`Dataset::dropped`],
//! [`Dataset::missing_by_column`]), so the report can say so.
//!
//! **Types are inferred per column, strictly.** A column is Bool when every value is
//! true/false (also `sant`/`falskt`; 0/1 stay numbers), Int when every value is a whole
//! number, Float when every value is a number under the file's decimal convention, and
//! Categorical otherwise. One typo therefore turns a numeric column into text rather than into
//! a wrong number; when that column is used as a number, [`DataError::NonNumeric`] points to
//! the first offending row and value.
//!
//! **Decimal comma and delimiter are detected, and can be given.** The delimiter is the most
//! frequent of `,` `;` tab outside quotes in the header line; the decimal separator is a comma
//! when more cells read as numbers with a comma than with a point. Both are recorded in the
//! table ([`Table::delimiter`], [`Table::decimal`]) so a report can say how the file was read,
//! and both can be overridden in [`ReadOptions`].
//!
//! **Sorted levels.** Group labels and categorical covariates get their levels sorted
//! (numerically when every label is a number, otherwise lexicographically), not in order of
//! appearance: the reference category of a dummy coding, the order of groups in a table and
//! the meaning of group code 0 then do not change when the rows of the file are shuffled or
//! filtered. [`ColumnData::Categorical`] itself keeps the order of first appearance, which is
//! what a person scanning the file expects.
//!
//! **The spreadsheet seam.** [`read_table`] dispatches on the extension: text files go
//! through the `csv` crate, spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through
//! calamine. Both feed the same cell rules (trimming, missing tokens, booleans, decimal
//! convention, type inference) and produce the same [`Table`], so nothing downstream knows or
//! cares where the data came from. A spreadsheet's numeric cells are numbers; text cells are
//! read like CSV text.
//!
//! **Speed.** CSV is read in two streaming passes over the text (types and decimal first,
//! then values), without a `String` per cell: numbers are parsed from the field bytes, and
//! categorical cells are interned (one allocation per distinct level).
//!
//! # Example
//! ```
//! use effekt_data::{CovariateValues, MissingPolicy, ReadOptions, Roles, read_csv_str};
//!
//! // A Swedish-locale export: semicolons, decimal commas, a missing value.
//! let csv = "familj;ihf;andel_mal;kön;kommun\n\
//!            1;1;0,75;F;Umeå\n\
//!            2;0;0,50;M;Luleå\n\
//!            3;1;NA;F;Umeå\n\
//!            4;0;0,25;F;Luleå\n";
//! let table = read_csv_str("uppfoljning.csv", csv, &ReadOptions::default())?;
//! let roles = Roles {
//!     outcome: Some("andel_mal".into()),
//!     treatment: Some("ihf".into()),
//!     cluster: Some("kommun".into()),
//!     covariates: vec!["kön".into()],
//!     ..Roles::default()
//! };
//! let data = table.select(&roles, MissingPolicy::Drop)?;
//! assert_eq!(data.n(), 3);
//! assert_eq!(data.dropped, 1);
//! assert_eq!(data.missing_by_column, vec![("andel_mal".to_string(), 1)]);
//! assert_eq!(data.outcome, Some(vec![0.75, 0.5, 0.25]));
//! let cluster = data.cluster.as_ref().unwrap();
//! assert_eq!(cluster.labels, vec!["Luleå", "Umeå"]);
//! assert_eq!(cluster.codes, vec![1, 0, 0]);
//! assert_eq!(
//!     data.covariates[0].values,
//!     CovariateValues::Categorical { levels: vec!["F".into(), "M".into()], codes: vec![0, 1, 0] }
//! );
//!
//! // An unknown column is reported with the closest name.
//! let err = table.column("Kommun").unwrap_err();
//! assert!(err.to_string().contains("did you mean \"kommun\""));
//! # Ok::<(), effekt_data::DataError>(())
//! ```

mod cell;
mod error;
mod ods;
mod read;
mod roles;
mod sheet;
mod table;

pub use error::DataError;
pub use ods::MAX_ODS_XML_BYTES;
pub use sheet::MAX_SHEET_CELLS;

/// Largest magnitude of a number that an analysis accepts (outcome, time, weights, numeric
/// covariates): squares and sums of squares of such numbers must stay far from f64's overflow
/// at 1.8e308. Larger values are [`DataError::TooLarge`] at [`Table::select`]; effekt-models
/// applies the same limit to data that did not come through this crate.
pub const MAX_MAGNITUDE: f64 = 1e150;
pub use read::{Decimal, MAX_CELLS_LIMIT, MAX_INPUT_BYTES, ReadOptions, read_csv_str, read_table};
pub use roles::{Covariate, CovariateValues, Dataset, Groups, MissingPolicy, Roles};
pub use table::{Column, ColumnData, Table};

/// Spreadsheet row number of the data row with 0-based index `i`: the header is row 1,
/// so the first data row is row 2 (what the evaluator sees in Excel/LibreOffice).
///
/// This is exact for files without blank rows; [`Table::row_number`] accounts for those too.
pub fn spreadsheet_row(i: usize) -> usize {
    i + 2
}
