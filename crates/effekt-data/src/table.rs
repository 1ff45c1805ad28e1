//! In-memory typed table.

use crate::cell::{is_missing, parse_f64};
use crate::{DataError, Decimal, spreadsheet_row};

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
    Categorical {
        levels: Vec<String>,
        codes: Vec<Option<u32>>,
    },
}

impl ColumnData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Float(v) => v.len(),
            ColumnData::Int(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` is missing (rows past the end count as missing).
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            ColumnData::Float(v) => !matches!(v.get(i), Some(Some(_))),
            ColumnData::Int(v) => !matches!(v.get(i), Some(Some(_))),
            ColumnData::Bool(v) => !matches!(v.get(i), Some(Some(_))),
            ColumnData::Categorical { codes, .. } => !matches!(codes.get(i), Some(Some(_))),
        }
    }

    /// Number of missing values.
    pub fn count_missing(&self) -> usize {
        match self {
            ColumnData::Float(v) => v.iter().filter(|x| x.is_none()).count(),
            ColumnData::Int(v) => v.iter().filter(|x| x.is_none()).count(),
            ColumnData::Bool(v) => v.iter().filter(|x| x.is_none()).count(),
            ColumnData::Categorical { codes, .. } => codes.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// True for Float, Int and Bool columns (usable where a number is needed).
    pub fn is_numeric(&self) -> bool {
        !matches!(self, ColumnData::Categorical { .. })
    }

    /// A short name of the type: `"float"`, `"int"`, `"bool"` or `"categorical"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            ColumnData::Float(_) => "float",
            ColumnData::Int(_) => "int",
            ColumnData::Bool(_) => "bool",
            ColumnData::Categorical { .. } => "categorical",
        }
    }

    /// The value of row `i` as text, as a person would read it (`None` when missing).
    pub fn display(&self, i: usize) -> Option<String> {
        match self {
            ColumnData::Float(v) => v.get(i).copied().flatten().map(crate::cell::number_label),
            ColumnData::Int(v) => v.get(i).copied().flatten().map(|x| x.to_string()),
            ColumnData::Bool(v) => v.get(i).copied().flatten().map(|b| b.to_string()),
            ColumnData::Categorical { levels, codes } => codes
                .get(i)
                .copied()
                .flatten()
                .and_then(|c| levels.get(c as usize).cloned()),
        }
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// A table read from one file. `source` is the file name used in every error message.
///
/// Besides the columns, a table remembers how its file was read (delimiter, decimal
/// convention) and, when the file had blank rows, the spreadsheet row number of every data row
/// (see [`Table::row_number`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    source: String,
    columns: Vec<Column>,
    nrows: usize,
    decimal: Decimal,
    delimiter: Option<char>,
    /// Spreadsheet row of each data row when it differs from [`spreadsheet_row`] (blank rows
    /// in the file, or a sheet whose header is not in row 1).
    row_numbers: Option<Vec<usize>>,
    /// Another delimiter that would split the header into several columns, when the header
    /// was read as one column (see [`Table::delimiter_hint`]).
    delimiter_hint: Option<char>,
}

impl Table {
    /// Build a table; all columns must have the same length and distinct names.
    ///
    /// # Errors
    /// [`DataError::DuplicateColumn`] when two columns share a name; [`DataError::Parse`] when
    /// the columns differ in length.
    pub fn new(source: impl Into<String>, columns: Vec<Column>) -> Result<Self, DataError> {
        let source = source.into();
        let nrows = columns.first().map_or(0, |c| c.data.len());
        let mut seen = std::collections::HashSet::new();
        for c in &columns {
            if !seen.insert(c.name.as_str()) {
                return Err(DataError::DuplicateColumn {
                    file: source,
                    column: c.name.clone(),
                });
            }
            if c.data.len() != nrows {
                return Err(DataError::Parse {
                    message: format!(
                        "column {:?} has {} rows but column {:?} has {nrows}; all columns must have the same length",
                        c.name,
                        c.data.len(),
                        columns.first().map(|c| c.name.as_str()).unwrap_or_default()
                    ),
                    file: source,
                });
            }
        }
        Ok(Table {
            source,
            columns,
            nrows,
            decimal: Decimal::Point,
            delimiter: None,
            row_numbers: None,
            delimiter_hint: None,
        })
    }

    /// Attach how the file was read (used by the readers).
    pub(crate) fn with_format(
        mut self,
        decimal: Decimal,
        delimiter: Option<char>,
        row_numbers: Option<Vec<usize>>,
    ) -> Self {
        self.decimal = decimal;
        self.delimiter = delimiter;
        self.row_numbers = row_numbers.filter(|r| r.len() == self.nrows);
        self
    }

    pub(crate) fn with_delimiter_hint(mut self, hint: Option<char>) -> Self {
        self.delimiter_hint = hint;
        self
    }

    /// For a delimited text file whose header was read as one column: the delimiter (`;`,
    /// tab, `|` or `,`) that occurs most often in the header line, which would have split it
    /// into several. [`Table::column`] names it in [`DataError::UnknownColumn`].
    pub fn delimiter_hint(&self) -> Option<char> {
        self.delimiter_hint
    }

    /// File name used in messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of data rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// The columns in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Column names in file order.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The decimal convention numbers were read with (detected or given).
    pub fn decimal(&self) -> Decimal {
        self.decimal
    }

    /// The CSV field delimiter that was used (detected or given); `None` for spreadsheets and
    /// tables built in memory.
    pub fn delimiter(&self) -> Option<char> {
        self.delimiter
    }

    /// Spreadsheet row number (header = row 1) of the data row with 0-based index `i`, as the
    /// evaluator sees it in Excel or LibreOffice. Equal to [`spreadsheet_row`]`(i)` unless the
    /// file had blank rows (which are skipped) or a sheet's header is below row 1.
    pub fn row_number(&self, i: usize) -> usize {
        match &self.row_numbers {
            Some(r) => r.get(i).copied().unwrap_or_else(|| spreadsheet_row(i)),
            None => spreadsheet_row(i),
        }
    }

    /// The column called `name`, or `DataError::UnknownColumn` with the closest name suggested.
    ///
    /// # Errors
    /// [`DataError::UnknownColumn`] naming the closest column: a case-insensitive (and
    /// whitespace-trimmed) exact match first, otherwise the smallest edit distance
    /// (Levenshtein, 1966) if it is small relative to the name's length.
    pub fn column(&self, name: &str) -> Result<&Column, DataError> {
        if let Some(c) = self.columns.iter().find(|c| c.name == name) {
            return Ok(c);
        }
        Err(DataError::UnknownColumn {
            file: self.source.clone(),
            column: name.to_string(),
            suggestion: closest(name, self.columns.iter().map(|c| c.name.as_str())),
            available: self.columns.iter().map(|c| c.name.clone()).collect(),
            delimiter_hint: self.delimiter_hint,
        })
    }

    /// Numeric view of a column (Float as is, Int and Bool converted to f64), `None` = missing.
    /// A categorical column gives `DataError::NonNumeric` naming the first non-numeric row and value.
    ///
    /// # Errors
    /// [`DataError::UnknownColumn`], [`DataError::NonNumeric`].
    pub fn numeric(&self, name: &str) -> Result<Vec<Option<f64>>, DataError> {
        self.numeric_of(self.column(name)?)
    }

    /// Numeric values of `col` (see [`Table::numeric`]). A categorical column is numeric only
    /// if every level reads as a number under the table's decimal convention (possible for
    /// tables built in memory); otherwise `NonNumeric` at the first row with a non-number.
    pub(crate) fn numeric_of(&self, col: &Column) -> Result<Vec<Option<f64>>, DataError> {
        match &col.data {
            ColumnData::Float(v) => Ok(v.clone()),
            ColumnData::Int(v) => Ok(v.iter().map(|x| x.map(|i| i as f64)).collect()),
            ColumnData::Bool(v) => Ok(v
                .iter()
                .map(|x| x.map(|b| if b { 1.0 } else { 0.0 }))
                .collect()),
            ColumnData::Categorical { levels, codes } => {
                // Some(Some(x)) number, Some(None) missing token, None not a number.
                let values: Vec<Option<Option<f64>>> = levels
                    .iter()
                    .map(|l| {
                        let b = crate::cell::trim(l.as_bytes());
                        if is_missing(b) {
                            Some(None)
                        } else {
                            parse_f64(b, self.decimal).map(Some)
                        }
                    })
                    .collect();
                let mut out = Vec::with_capacity(codes.len());
                for (i, c) in codes.iter().enumerate() {
                    let Some(c) = c else {
                        out.push(None);
                        continue;
                    };
                    match values.get(*c as usize).copied().flatten() {
                        Some(v) => out.push(v),
                        None => {
                            return Err(DataError::NonNumeric {
                                file: self.source.clone(),
                                column: col.name.clone(),
                                row: self.row_number(i),
                                value: levels.get(*c as usize).cloned().unwrap_or_default(),
                            });
                        }
                    }
                }
                Ok(out)
            }
        }
    }
}

/// Levenshtein (1966) edit distance between two strings, by characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The name in `names` closest to `wanted`: case-insensitive (trimmed) equality first, then the
/// smallest edit distance among lower-cased names, if at most max(2, len/3), then a name that
/// one of the two starts with.
fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let names: Vec<&str> = names.collect();
    let w = wanted.trim().to_lowercase();
    if let Some(n) = names.iter().find(|n| n.trim().to_lowercase() == w) {
        return Some(n.to_string());
    }
    let wc: Vec<char> = w.chars().collect();
    let limit = (wc.len() / 3).max(2);
    names
        .iter()
        .map(|n| {
            let nc: Vec<char> = n.trim().to_lowercase().chars().collect();
            (edit_distance(&wc, &nc), n)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.to_string())
        .or_else(|| {
            // `treatment` for `treat`, `re` for `re78`: one name starts with the other.
            names
                .iter()
                .filter(|n| {
                    let n = n.trim().to_lowercase();
                    n.len().min(w.len()) >= 2 && (n.starts_with(&w) || w.starts_with(&n))
                })
                .min_by_key(|n| n.len().abs_diff(w.len()))
                .map(|n| n.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("re78", "re87"), 2);
        assert_eq!(d("åäö", "aäö"), 1);
    }

    #[test]
    fn suggestions() {
        let names = ["treat", "age", "re78", "Kommun"];
        let c = |w: &str| closest(w, names.iter().copied());
        assert_eq!(c("TREAT").as_deref(), Some("treat"));
        assert_eq!(c("kommun").as_deref(), Some("Kommun"));
        assert_eq!(c("re7").as_deref(), Some("re78"));
        assert_eq!(c("treatment").as_deref(), Some("treat"));
        assert_eq!(c("tret").as_deref(), Some("treat"));
        assert_eq!(c("zzzzzz"), None);
    }
}
