//! Spreadsheets through calamine. The fixtures are made by
//! tests/fixtures/scripts/make_sheets.py (openpyxl 3.1.5; pandas + odfpy for .ods).

use effekt_data::{ColumnData, DataError, Decimal, MissingPolicy, ReadOptions, Roles, read_table};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn xlsx_first_sheet() {
    let t = read_table(&fixture("small.xlsx"), &ReadOptions::default()).unwrap();
    assert_eq!(
        t.column_names(),
        vec!["id", "treat", "y", "kön", "kommun", "start", "klar"]
    );
    assert_eq!(t.nrows(), 6);
    assert_eq!(t.delimiter(), None);
    // Row 4 of the sheet is blank: skipped, numbering kept.
    assert_eq!(
        (0..6).map(|i| t.row_number(i)).collect::<Vec<_>>(),
        vec![2, 3, 5, 6, 7, 8]
    );
    let col = |n: &str| t.column(n).unwrap().data.clone();
    assert_eq!(
        col("id"),
        ColumnData::Int((1..=6).map(Some).collect::<Vec<_>>())
    );
    // Empty cell and #N/A are missing.
    assert_eq!(
        col("y"),
        ColumnData::Float(vec![
            Some(3.5),
            Some(2.25),
            None,
            Some(4.0),
            None,
            Some(1.5)
        ])
    );
    // Text trimmed; levels in order of appearance.
    assert_eq!(
        col("kön"),
        ColumnData::Categorical {
            levels: vec!["F".into(), "M".into()],
            codes: vec![Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)]
        }
    );
    assert_eq!(
        col("klar"),
        ColumnData::Bool(vec![
            Some(true),
            Some(false),
            Some(true),
            Some(false),
            Some(true),
            Some(false)
        ])
    );
    // Dates are Excel serial day numbers: 2023-01-15 is day 44941.
    match col("start") {
        ColumnData::Float(v) => {
            assert_eq!(v.first().copied().flatten(), Some(44941.0));
            assert_eq!(v.last().copied().flatten(), None);
        }
        ColumnData::Int(v) => {
            assert_eq!(v.first().copied().flatten(), Some(44941));
            assert_eq!(v.last().copied().flatten(), None);
        }
        other => panic!("{other:?}"),
    }
    // Roles work the same as for CSV, with sheet row numbers in errors.
    let r = Roles {
        outcome: Some("y".into()),
        treatment: Some("treat".into()),
        cluster: Some("kommun".into()),
        ..Roles::default()
    };
    let e = t.select(&r, MissingPolicy::Error).unwrap_err();
    assert!(
        matches!(
            &e,
            DataError::Missing {
                row: 5,
                count: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("small.xlsx"));
    let d = t.select(&r, MissingPolicy::Drop).unwrap();
    assert_eq!(d.n(), 4);
    assert_eq!(d.outcome, Some(vec![3.5, 2.25, 4.0, 1.5]));
    assert_eq!(d.cluster.unwrap().labels, vec!["Kiruna", "Luleå", "Umeå"]);
}

#[test]
fn xlsx_named_sheet_with_text_numbers() {
    let opts = ReadOptions {
        sheet: Some("Text".into()),
        ..ReadOptions::default()
    };
    let t = read_table(&fixture("small.xlsx"), &opts).unwrap();
    assert_eq!(t.decimal(), Decimal::Comma);
    assert_eq!(
        t.column("belopp").unwrap().data,
        ColumnData::Float(vec![Some(1234.5), Some(12000.0), Some(7.25)])
    );
    assert_eq!(
        t.column("andel").unwrap().data,
        ColumnData::Float(vec![Some(0.5), None, Some(0.25)])
    );
    // An Excel error value is not silently missing: it makes the column text and is reported.
    let e = t.numeric("fel").unwrap_err();
    match &e {
        DataError::NonNumeric {
            column, row, value, ..
        } => {
            assert_eq!(
                (column.as_str(), *row, value.as_str()),
                ("fel", 3, "#DIV/0!")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ods() {
    let t = read_table(&fixture("small.ods"), &ReadOptions::default()).unwrap();
    assert_eq!(t.column_names(), vec!["id", "y", "grupp", "klar"]);
    assert_eq!(
        t.column("id").unwrap().data,
        ColumnData::Int(vec![Some(1), Some(2), Some(3)])
    );
    assert_eq!(
        t.column("y").unwrap().data,
        ColumnData::Float(vec![Some(3.5), None, Some(2.0)])
    );
    assert_eq!(
        t.column("klar").unwrap().data,
        ColumnData::Bool(vec![Some(true), Some(false), Some(true)])
    );
}

/// `stray-far-cell.xlsb` is calamine's `tests/date.xlsb` (MIT) with the last row moved to row
/// 1048576 and its second cell to column XFD: the dense range would be 17 179 869 184 cells
/// (calamine's `worksheet_range` aborts allocating 549 GB); streamed, it is an error naming the
/// cell.
#[test]
fn xlsb_stray_far_cell_is_an_error_naming_it() {
    let e = read_table(&fixture("stray-far-cell.xlsb"), &ReadOptions::default()).unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, DataError::SheetTooLarge { .. }), "{m}");
    assert!(m.contains("XFD1048576"), "{m}");
    assert!(m.contains("\"Sheet1\""), "{m}");
}

/// `ReadOptions::max_cells` lowers or raises the cell budget; the message says how to raise it
/// without naming a command-line flag; outside 1 ..= 2e9 it is an error.
#[test]
fn cell_budget_from_options() {
    let opts = |n| ReadOptions {
        max_cells: Some(n),
        ..ReadOptions::default()
    };
    let e = read_table(&fixture("small.xlsx"), &opts(2)).unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, DataError::SheetTooLarge { max: 2, .. }), "{m}");
    assert!(m.contains("raise the cell limit (max_cells)"), "{m}");
    assert!(!m.contains("--max-cells"), "{m}");
    let e = read_table(&fixture("small.ods"), &opts(2)).unwrap_err();
    assert!(matches!(e, DataError::SheetTooLarge { max: 2, .. }), "{e}");
    assert!(read_table(&fixture("small.ods"), &opts(16)).is_ok());
    assert!(read_table(&fixture("small.xlsx"), &opts(2_000_000_000)).is_ok());
    for bad in [0, 2_000_000_001] {
        let e = read_table(&fixture("small.xlsx"), &opts(bad)).unwrap_err();
        assert!(e.to_string().contains("from 1 to 2000000000"), "{e}");
    }
}
