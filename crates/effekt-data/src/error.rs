//! Errors of the data layer. Every message names the file, the column and the first bad row
//! (spreadsheet numbering: header = row 1) and says what to do.

/// Everything that can be wrong with an input table.
///
/// Rows are spreadsheet row numbers (the header is row 1, the first data row is row 2; see
/// [`crate::spreadsheet_row`]), so the evaluator can go straight to the cell in Excel or
/// LibreOffice. Every variant carries the file name and, where it applies, the column, the
/// first bad row, the offending value and a count; the message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read {file}: {source}; check the path and that the file is not open elsewhere")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// No header row, or a header but no data rows.
    #[error(
        "{file}: the file has no header row or no data rows; the first row must hold the column names and the data must follow"
    )]
    Empty { file: String },
    /// A data row with a different number of fields than the header.
    #[error(
        "{file}, row {row}: expected {expected} fields as in the header, found {found}; check the delimiter (use --delimiter) and that text containing the delimiter is quoted"
    )]
    RaggedRow {
        file: String,
        row: usize,
        expected: usize,
        found: usize,
    },
    /// One column named in two roles, or twice as a covariate.
    #[error(
        "{file}: column {column:?} is given both as the {first} and as the {second}; each column can have one role (and a covariate is listed once): choose another column for one of them"
    )]
    RoleClash {
        file: String,
        column: String,
        first: &'static str,
        second: &'static str,
    },
    /// The data path is not a regular file (a FIFO, a device, a socket, a directory).
    #[error(
        "{file}: is {kind}, not a regular file; effekt reads data only from regular files (export the data to a .csv or .xlsx file and name that)"
    )]
    NotRegularFile { file: String, kind: &'static str },
    /// The data file is larger than [`crate::MAX_INPUT_BYTES`].
    #[error(
        "{file}: {bytes} bytes is more than the {max} bytes effekt reads; select the rows and columns you need into a smaller file"
    )]
    InputTooLarge { file: String, bytes: u64, max: u64 },
    /// Two header cells with the same name.
    #[error("{file}: column name {column:?} appears twice in the header; rename one")]
    DuplicateColumn { file: String, column: String },
    /// A role names a column that is not in the table. `delimiter_hint`: the header was read
    /// as one column and this delimiter would have split it ([`crate::Table::delimiter_hint`]).
    #[error("{file}: no column {column:?}{}; available columns: {}{}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default(), available.join(", "), delimiter_hint.map(|d| format!("; the file seems to use {} as delimiter: read it with that delimiter", delimiter_name(d))).unwrap_or_default())]
    UnknownColumn {
        file: String,
        column: String,
        suggestion: Option<String>,
        available: Vec<String>,
        delimiter_hint: Option<char>,
    },
    /// A column used as a number holds a value that is not a number under the file's decimal
    /// convention (the whole column was then read as text).
    #[error(
        "{file}, column {column:?}, row {row}: {value:?} is not a number; fix the value or mark it missing (empty or NA){}",
        decimal_hint(value)
    )]
    NonNumeric {
        file: String,
        column: String,
        row: usize,
        value: String,
    },
    /// A number used in an analysis is infinite (`inf` in the file, or a value beyond f64's
    /// range).
    #[error(
        "{file}, column {column:?}, row {row}: {value} is not a finite number; fix the value or mark it missing (empty or NA)"
    )]
    NonFinite {
        file: String,
        column: String,
        row: usize,
        value: String,
    },
    /// A number used in an analysis is larger in magnitude than [`crate::MAX_MAGNITUDE`]: its
    /// square, and sums of squares, would overflow.
    #[error(
        "{file}, column {column:?}, row {row}: {value} is too large in magnitude to analyse (the limit is 1e150, so that squares and sums of squares stay finite); rescale the column, e.g. use thousands as the unit"
    )]
    TooLarge {
        file: String,
        column: String,
        row: usize,
        value: String,
    },
    /// A sheet's used range (first to last non-empty cell) is larger than the cell budget
    /// ([`crate::ReadOptions::max_cells`], default [`crate::MAX_SHEET_CELLS`]): usually one
    /// stray cell far from the data.
    #[error(
        "{file}, sheet {sheet:?}: the used range reaches {range} ({cells} cells, more than the {max} effekt reads) because of the non-empty cell {cell}; delete that cell (and anything else outside the table) in the spreadsheet program, save, and run again, or, if the sheet really is that large, raise the cell limit (max_cells)"
    )]
    SheetTooLarge {
        file: String,
        sheet: String,
        cell: String,
        range: String,
        cells: u64,
        max: u64,
    },
    /// Missing values in a role column under [`crate::MissingPolicy::Error`].
    #[error(
        "{file}, column {column:?} ({role}): {count} missing value(s), first at row {row}; fill them in or use the missing-data policy `drop` (`--missing drop`, or `missing = \"drop\"` under [data] in a study file) to analyse complete rows only"
    )]
    Missing {
        file: String,
        column: String,
        role: String,
        row: usize,
        count: usize,
    },
    /// A treatment value that is not 0/1 or true/false.
    #[error(
        "{file}, column {column:?}: treatment must be 0/1 or true/false, found {value:?} at row {row}; recode the column (1 = treated, 0 = control)"
    )]
    NotBinary {
        file: String,
        column: String,
        row: usize,
        value: String,
    },
    /// A level of the group column with fewer rows than needed.
    #[error(
        "{file}, column {column:?}: group {group:?} has {count} row(s), at least {min} are needed; check the spelling of the group labels or merge small groups"
    )]
    GroupTooSmall {
        file: String,
        column: String,
        group: String,
        count: usize,
        min: usize,
    },
    /// A weight that is negative, infinite or otherwise not usable.
    #[error(
        "{file}, column {column:?}, row {row}: weight {value} is not a finite non-negative number; weights must be >= 0, fix the value or leave it empty (missing)"
    )]
    InvalidWeight {
        file: String,
        column: String,
        row: usize,
        value: String,
    },
    /// Listwise deletion removed every row.
    #[error(
        "{file}: no rows left after dropping {dropped} row(s) with missing values; every row misses at least one of the analysed columns, check that the right columns were named"
    )]
    NoRowsLeft { file: String, dropped: usize },
    /// The file extension is not one this crate reads.
    #[error(
        "{file}: unsupported file type {extension:?}; use .csv/.txt/.tsv (comma, semicolon or tab separated) or a spreadsheet (.xlsx, .xlsm, .xls, .ods)"
    )]
    UnsupportedFormat { file: String, extension: String },
    /// Anything else that makes the file unreadable (the message says what).
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// Only one treatment arm is present (after the missing-data policy was applied).
    #[error(
        "{file}, column {column:?}: every analysed row is {present} ({count} row(s)), there are no {missing_arm} rows; an effect needs both arms, check the column and the missing-data policy"
    )]
    OneArm {
        file: String,
        column: String,
        /// The arm that is present: `"treated (1)"` or `"control (0)"`.
        present: String,
        /// The arm that is absent: `"treated (1)"` or `"control (0)"`.
        missing_arm: String,
        /// Number of rows, all in the present arm.
        count: usize,
    },
    /// The group role column has a single level.
    #[error(
        "{file}, column {column:?}: only one group ({group:?}, {count} row(s)); a group comparison needs at least two groups, check the column name"
    )]
    SingleGroup {
        file: String,
        column: String,
        group: String,
        count: usize,
    },
    /// [`crate::ReadOptions::sheet`] names a worksheet the workbook does not have.
    #[error("{file}: no worksheet {sheet:?}; available sheets: {}", available.join(", "))]
    UnknownSheet {
        file: String,
        sheet: String,
        available: Vec<String>,
    },
}

/// A delimiter as a message shows it: `';'`, `'|'`, or `a tab`.
pub(crate) fn delimiter_name(d: char) -> String {
    if d == '\t' {
        "a tab".to_string()
    } else {
        format!("`{d}`")
    }
}

/// A hint appended to `NonNumeric` when the value looks like a number written in the other
/// decimal convention (so the user knows to pass `--decimal`).
fn decimal_hint(value: &str) -> &'static str {
    let v = value.trim();
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 {
        return "";
    }
    let only_num = v
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+' | b' '));
    if only_num && (v.contains(',') || v.contains('.')) {
        "; if the file uses the other decimal separator, say so with --decimal point|comma"
    } else {
        ""
    }
}
