//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through calamine, with the same
//! header, typing and missing-value rules as CSV.
//!
//! Cells keep the type the spreadsheet gave them: numeric cells are numbers (a whole-valued
//! number such as `3` counts as an integer), boolean cells booleans, empty cells and `#N/A`
//! missing. Text cells are read like CSV text (missing tokens, `sant`/`falskt`, numbers typed as
//! text under the decimal convention). Dates become Excel serial day numbers (Float); other
//! error cells (`#DIV/0!`, `#VALUE!`) stay as text so a numeric role reports them by row.

use crate::cell::{Builder, DecimalEvidence, TypeState, Value, number_label, text_value};
use crate::read::{RowNumbers, column_names};
use crate::{Column, DataError, Decimal, ReadOptions, Table};
use calamine::{Data, Range, Reader};
use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Integers up to 2^53 are exact in f64; a whole-valued cell within it is an integer.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// The default cell budget ([`crate::ReadOptions::max_cells`]): the largest used range (rows ×
/// columns, counted from the first to the last non-empty cell) a sheet may span, 20 000 000
/// cells, about 1 GB of cells in memory. `.xlsx`/`.xlsm`/`.xlsb` sheets are measured while they
/// are streamed and `.ods` files in a pass over `content.xml`, before any grid is allocated, so
/// one stray cell far from the data (at XFD1048576, say) is an error naming that cell, never a
/// 549 GB allocation. `.xls` is not covered (calamine has no streaming reader for it; see
/// ARCHITECTURE.md, Safety contract).
pub const MAX_SHEET_CELLS: u64 = 20_000_000;

pub(crate) fn read_sheet(
    path: &Path,
    file: &str,
    ext: &str,
    options: &ReadOptions,
) -> Result<Table, DataError> {
    let f = File::open(path).map_err(|source| DataError::Io {
        file: file.to_string(),
        source,
    })?;
    let reader = BufReader::new(f);
    let sheet = options.sheet.as_deref();
    let max_cells = options.cell_budget(file)?;
    // calamine has panicked on damaged files (a cell reference overflowing u32 under overflow
    // checks, tests/fuzz/README.md): such a panic is turned into an error naming the file.
    let load_any = || match ext {
        "xls" => load::<calamine::Xls<_>>(reader, file, sheet),
        "xlsb" => load_xlsb(reader, file, sheet, max_cells),
        "ods" => {
            crate::ods::precheck(path, file, max_cells)?;
            load::<calamine::Ods<_>>(reader, file, sheet)
        }
        _ => load_xlsx(reader, file, sheet, max_cells),
    };
    // The default hook would print the panic to stderr (a library never prints): it is
    // silenced for the duration of the read. The read runs before any parallel work.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(load_any));
    std::panic::set_hook(hook);
    let range = caught.map_err(|_| DataError::Parse {
        file: file.to_string(),
        message: "the spreadsheet reader failed on this file; check that it is a spreadsheet \
                      and not damaged (open it and save it again, or export it as CSV)"
            .to_string(),
    })??;
    table_from_range(file, &range, options.decimal)
}

fn load<R>(
    reader: BufReader<File>,
    file: &str,
    sheet: Option<&str>,
) -> Result<Range<Data>, DataError>
where
    R: Reader<BufReader<File>>,
    R::Error: std::fmt::Display,
{
    let parse = |what: &str, e: R::Error| DataError::Parse {
        file: file.to_string(),
        message: format!("{what}: {e}; check that the file is a spreadsheet and not damaged"),
    };
    let mut wb = R::new(reader).map_err(|e| parse("cannot open the workbook", e))?;
    let name = pick_sheet(wb.sheet_names(), file, sheet)?;
    wb.worksheet_range(&name)
        .map_err(|e| parse(&format!("cannot read worksheet {name:?}"), e))
}

/// The sheet to read: the one asked for, or the first.
fn pick_sheet(names: Vec<String>, file: &str, sheet: Option<&str>) -> Result<String, DataError> {
    match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(DataError::UnknownSheet {
                    file: file.to_string(),
                    sheet: s.to_string(),
                    available: names,
                });
            }
            Ok(s.to_string())
        }
        None => names.first().cloned().ok_or_else(|| DataError::Empty {
            file: file.to_string(),
        }),
    }
}

/// An `.xlsx`/`.xlsm` sheet streamed cell by cell, through [`budgeted`].
fn load_xlsx(
    reader: BufReader<File>,
    file: &str,
    sheet: Option<&str>,
    max_cells: u64,
) -> Result<Range<Data>, DataError> {
    let parse = |what: &str, e: calamine::XlsxError| DataError::Parse {
        file: file.to_string(),
        message: format!("{what}: {e}; check that the file is a spreadsheet and not damaged"),
    };
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(reader).map_err(|e| parse("cannot open the workbook", e))?;
    let name = pick_sheet(wb.sheet_names(), file, sheet)?;
    let what = format!("cannot read worksheet {name:?}");
    let mut cells = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| parse(&what, e))?;
    budgeted(file, &name, max_cells, || {
        let cell = cells.next_cell().map_err(|e| parse(&what, e))?;
        Ok(cell.map(|c| (c.get_position(), Data::from(c.get_value().clone()))))
    })
}

/// An `.xlsb` sheet streamed cell by cell, through [`budgeted`].
fn load_xlsb(
    reader: BufReader<File>,
    file: &str,
    sheet: Option<&str>,
    max_cells: u64,
) -> Result<Range<Data>, DataError> {
    let parse = |what: &str, e: calamine::XlsbError| DataError::Parse {
        file: file.to_string(),
        message: format!("{what}: {e}; check that the file is a spreadsheet and not damaged"),
    };
    let mut wb: calamine::Xlsb<_> =
        calamine::Xlsb::new(reader).map_err(|e| parse("cannot open the workbook", e))?;
    let name = pick_sheet(wb.sheet_names(), file, sheet)?;
    let what = format!("cannot read worksheet {name:?}");
    let mut cells = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| parse(&what, e))?;
    budgeted(file, &name, max_cells, || {
        let cell = cells.next_cell().map_err(|e| parse(&what, e))?;
        Ok(cell.map(|c| (c.get_position(), Data::from(c.get_value().clone()))))
    })
}

/// Cells from `next` (position, value) until it returns `None`: empty cells are skipped, and
/// the used range of the non-empty ones is checked against `max_cells` as each cell arrives,
/// before the grid is built (calamine's `worksheet_range` would allocate the whole range
/// first), so one stray cell far from the data is an error naming that cell.
fn budgeted(
    file: &str,
    name: &str,
    max_cells: u64,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Data)>, DataError>,
) -> Result<Range<Data>, DataError> {
    let mut kept: Vec<calamine::Cell<Data>> = Vec::new();
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(((r, c), value)) = next()? {
        if matches!(value, Data::Empty) {
            continue;
        }
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        let span = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
        if span > max_cells {
            return Err(DataError::SheetTooLarge {
                file: file.to_string(),
                sheet: name.to_string(),
                cell: format!("{}{}", column_letters(c as usize), u64::from(r) + 1),
                range: format!(
                    "{}{}:{}{}",
                    column_letters(c0 as usize),
                    u64::from(r0) + 1,
                    column_letters(c1 as usize),
                    u64::from(r1) + 1
                ),
                cells: span,
                max: max_cells,
            });
        }
        kept.push(calamine::Cell::new((r, c), value));
    }
    Ok(Range::from_sparse(kept))
}

/// Value of one spreadsheet cell.
fn cell_value(d: &Data, decimal: Decimal) -> Value<'_> {
    match d {
        Data::Empty => Value::Missing,
        Data::Int(i) => Value::Int(*i),
        Data::Float(x) => {
            if x.is_finite() && x.fract() == 0.0 && x.abs() < EXACT_INT {
                Value::Int(*x as i64)
            } else {
                Value::Float(*x)
            }
        }
        Data::Bool(b) => Value::Bool(*b),
        Data::String(s) => text_value(s.trim_matches(is_space), decimal),
        Data::DateTime(dt) => Value::Float(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(Cow::Borrowed(s.as_str())),
        Data::Error(calamine::CellErrorType::NA) => Value::Missing,
        Data::Error(e) => Value::Text(Cow::Owned(e.to_string())),
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Header text of a cell.
fn header_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim_matches(is_space).to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) => number_label(*x),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        other => other.to_string(),
    }
}

fn is_blank(row: &[Data]) -> bool {
    row.iter().all(|d| match d {
        Data::Empty => true,
        Data::String(s) => s.trim_matches(is_space).is_empty(),
        _ => false,
    })
}

/// Spreadsheet column letters of the 0-based column `c` (`0` → `A`, `26` → `AA`).
pub(crate) fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (c % 26) as u8));
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.iter().rev().collect()
}

pub(crate) fn table_from_range(
    file: &str,
    range: &Range<Data>,
    decimal: Option<Decimal>,
) -> Result<Table, DataError> {
    let empty = || DataError::Empty {
        file: file.to_string(),
    };
    let (start_row, start_col) = range.start().ok_or_else(empty)?;
    let sheet_row = |r: usize| start_row as usize + r + 1;
    let mut rows = range.rows().enumerate().filter(|(_, r)| !is_blank(r));
    let (_, header) = rows.next().ok_or_else(empty)?;
    let names = column_names(file, header.iter().map(header_text).collect())?;
    let width = names.len();
    let data_rows: Vec<(usize, &[Data])> = rows.collect();
    if data_rows.is_empty() {
        return Err(empty());
    }

    // Pass 1: shape, types, decimal evidence from text cells.
    let auto = decimal.is_none();
    let fixed = decimal.unwrap_or(Decimal::Point);
    let mut states_point = vec![TypeState::default(); width];
    let mut states_comma = vec![TypeState::default(); width];
    let mut evidence = DecimalEvidence::default();
    let mut row_numbers = RowNumbers::default();
    for (r, cells) in &data_rows {
        if let Some((j, d)) = cells
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, d)| !is_blank(std::slice::from_ref(*d)))
        {
            return Err(DataError::Parse {
                file: file.to_string(),
                message: format!(
                    "row {}, column {}: the value {:?} has no column name in the header row; name the column or delete the value",
                    sheet_row(*r),
                    column_letters(start_col as usize + j),
                    header_text(d)
                ),
            });
        }
        row_numbers.push(sheet_row(*r));
        for (j, d) in cells.iter().take(width).enumerate() {
            let kp = cell_value(d, if auto { Decimal::Point } else { fixed }).kind();
            if auto {
                let kc = match d {
                    Data::String(_) => cell_value(d, Decimal::Comma).kind(),
                    _ => kp,
                };
                evidence.add(kp, kc);
                if let Some(s) = states_comma.get_mut(j) {
                    s.add(kc);
                }
            }
            if let Some(s) = states_point.get_mut(j) {
                s.add(kp);
            }
        }
    }
    let decimal = if auto { evidence.decide() } else { fixed };
    let states = if auto && decimal == Decimal::Comma {
        states_comma
    } else {
        states_point
    };
    let n = data_rows.len();
    let mut builders: Vec<Builder> = states
        .iter()
        .map(|s| Builder::new(s.resolve(), n))
        .collect();

    // Pass 2: values.
    for (k, (r, cells)) in data_rows.iter().enumerate() {
        for (j, b) in builders.iter_mut().enumerate() {
            let v = cells
                .get(j)
                .map_or(Value::Missing, |d| cell_value(d, decimal));
            // Text that reads as a number keeps its own spelling as a category label.
            let v = match (&v, cells.get(j), &*b) {
                (
                    Value::Int(_) | Value::Float(_),
                    Some(Data::String(s)),
                    Builder::Categorical { .. },
                ) => Value::Text(Cow::Borrowed(s.trim_matches(is_space))),
                _ => v,
            };
            b.push_value(&v).map_err(|_| DataError::Parse {
                file: file.to_string(),
                message: format!(
                    "internal inconsistency reading row {}, column {}; please report this",
                    sheet_row(*r),
                    j + 1
                ),
            })?;
        }
        debug_assert_eq!(row_numbers.get(k), sheet_row(*r));
    }
    let columns = names
        .into_iter()
        .zip(builders)
        .map(|(name, b)| Column {
            name,
            data: b.finish(),
        })
        .collect();
    Ok(Table::new(file, columns)?.with_format(decimal, None, row_numbers.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn range_in_memory() {
        let mut r: Range<Data> = Range::new((2, 1), (5, 3));
        r.set_value((2, 1), Data::String("id".into()));
        r.set_value((2, 2), Data::String("y".into()));
        r.set_value((2, 3), Data::String("sex".into()));
        r.set_value((3, 1), Data::Float(1.0));
        r.set_value((3, 2), Data::String("1,5".into()));
        r.set_value((3, 3), Data::String("K".into()));
        // row 5 (index 4) left blank
        r.set_value((5, 1), Data::Float(2.0));
        r.set_value((5, 2), Data::Error(calamine::CellErrorType::NA));
        r.set_value((5, 3), Data::String("M".into()));
        let t = table_from_range("t.xlsx", &r, None).unwrap();
        assert_eq!(t.nrows(), 2);
        assert_eq!(t.decimal(), Decimal::Comma);
        assert_eq!(t.row_number(0), 4);
        assert_eq!(t.row_number(1), 6);
        assert_eq!(
            t.column("id").unwrap().data,
            crate::ColumnData::Int(vec![Some(1), Some(2)])
        );
        assert_eq!(
            t.column("y").unwrap().data,
            crate::ColumnData::Float(vec![Some(1.5), None])
        );
    }
}
