//! Every error variant: its fields and that the message names the file, the column, the row
//! and the value, and says what to do.

use effekt_data::{DataError, MissingPolicy, ReadOptions, Roles, Table, read_csv_str, read_table};
use std::path::Path;

const FILE: &str = "uppfoljning.csv";

fn read(text: &str) -> Table {
    read_csv_str(FILE, text, &ReadOptions::default()).unwrap()
}

fn read_err(text: &str) -> DataError {
    read_csv_str(FILE, text, &ReadOptions::default()).unwrap_err()
}

/// Assert the message contains every fragment.
fn says(e: &DataError, fragments: &[&str]) {
    let msg = e.to_string();
    for f in fragments {
        assert!(msg.contains(f), "message {msg:?} lacks {f:?}");
    }
}

fn roles(f: impl FnOnce(&mut Roles)) -> Roles {
    let mut r = Roles::default();
    f(&mut r);
    r
}

/// `(file, column, row, value)` of an error about one cell (not a number, not 0/1, not a
/// valid weight, too large, not finite); `None` for any other error.
fn cell(e: &DataError) -> Option<(&str, &str, usize, &str)> {
    match e {
        DataError::NonNumeric {
            file,
            column,
            row,
            value,
        }
        | DataError::NotBinary {
            file,
            column,
            row,
            value,
        }
        | DataError::InvalidWeight {
            file,
            column,
            row,
            value,
        }
        | DataError::TooLarge {
            file,
            column,
            row,
            value,
        }
        | DataError::NonFinite {
            file,
            column,
            row,
            value,
        } => Some((file.as_str(), column.as_str(), *row, value.as_str())),
        _ => None,
    }
}

/// The error `select` gives for the roles `f` sets (fails the test when it succeeds).
fn select_err(t: &Table, policy: MissingPolicy, f: impl FnOnce(&mut Roles)) -> DataError {
    t.select(&roles(f), policy).unwrap_err()
}

#[test]
fn io() {
    let e = read_table(Path::new("/nonexistent/dir/x.csv"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(&e, DataError::Io { file, .. } if file == "/nonexistent/dir/x.csv"));
    says(&e, &["/nonexistent/dir/x.csv", "check the path"]);
    let e = read_table(Path::new("/nonexistent/x.xlsx"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, DataError::Io { .. }), "{e:?}");
}

#[test]
fn empty() {
    for text in ["", "\n\n", "a;b\n", "a;b\n;\n\n", ";;\n1;2\n"] {
        let e = read_err(text);
        assert!(
            matches!(&e, DataError::Empty { file } if file == FILE),
            "{text:?}: {e:?}"
        );
        says(&e, &[FILE, "no header row or no data rows", "column names"]);
    }
}

#[test]
fn ragged_row() {
    let e = read_err("a;b;c\n1;2;3\n4;5\n");
    match &e {
        DataError::RaggedRow {
            file,
            row,
            expected,
            found,
        } => {
            assert_eq!((file.as_str(), *row, *expected, *found), (FILE, 3, 3, 2));
        }
        other => panic!("{other:?}"),
    }
    says(
        &e,
        &[FILE, "row 3", "expected 3 fields", "found 2", "delimiter"],
    );
    // Too many non-empty fields (an unquoted decimal comma in a comma file).
    let e = read_err("a,b\n1,2\n3,4,5\n");
    assert!(
        matches!(
            e,
            DataError::RaggedRow {
                row: 3,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{e:?}"
    );
    // Extra empty fields (a trailing delimiter) are fine.
    assert_eq!(read("a,b\n1,2,\n3,4,,\n").nrows(), 2);
}

#[test]
fn duplicate_column() {
    let e = read_err("id;y;id\n1;2;3\n");
    assert!(
        matches!(&e, DataError::DuplicateColumn { file, column } if file == FILE && column == "id")
    );
    says(&e, &[FILE, "\"id\"", "twice", "rename"]);
}

#[test]
fn unknown_column() {
    let t = read("treat;re78;Kommun\n1;2;a\n");
    let e = t.column("re87").unwrap_err();
    match &e {
        DataError::UnknownColumn {
            file,
            column,
            suggestion,
            available,
            ..
        } => {
            assert_eq!(file, FILE);
            assert_eq!(column, "re87");
            assert_eq!(suggestion.as_deref(), Some("re78"));
            assert_eq!(available, &vec!["treat", "re78", "Kommun"]);
        }
        other => panic!("{other:?}"),
    }
    says(
        &e,
        &[
            FILE,
            "\"re87\"",
            "did you mean \"re78\"",
            "treat, re78, Kommun",
        ],
    );
    // A case-insensitive match wins over a closer edit distance.
    let e = t.column("kommun").unwrap_err();
    assert!(matches!(&e, DataError::UnknownColumn { suggestion: Some(s), .. } if s == "Kommun"));
    // Nothing close: no suggestion, still the list.
    let e = t.column("xyzzy").unwrap_err();
    assert!(matches!(
        &e,
        DataError::UnknownColumn {
            suggestion: None,
            ..
        }
    ));
    says(&e, &["available columns: treat, re78, Kommun"]);
    assert!(!e.to_string().contains("did you mean"));
    // Through select, a role column.
    let e = select_err(&t, MissingPolicy::Error, |r| {
        r.outcome = Some("Re78".into())
    });
    assert!(matches!(&e, DataError::UnknownColumn { suggestion: Some(s), .. } if s == "re78"));
}

#[test]
fn non_numeric() {
    let t = read("id;y;t\n1;2,5;1\n2;3,5;2\n3;2.5;x\n4;oj;4\n");
    let e = t.numeric("y").unwrap_err();
    assert!(matches!(e, DataError::NonNumeric { .. }), "{e:?}");
    assert_eq!(cell(&e), Some((FILE, "y", 4, "2.5")));
    says(
        &e,
        &[
            FILE,
            "column \"y\"",
            "row 4",
            "\"2.5\"",
            "not a number",
            "--decimal",
        ],
    );
    // Through select: outcome, time, weights and (numeric) roles.
    for r in [
        roles(|r| r.outcome = Some("y".into())),
        roles(|r| r.time = Some("t".into())),
        roles(|r| r.weights = Some("t".into())),
    ] {
        let e = t.select(&r, MissingPolicy::Drop).unwrap_err();
        assert!(matches!(e, DataError::NonNumeric { .. }), "{e:?}");
    }
    let e = select_err(&t, MissingPolicy::Error, |r| r.time = Some("t".into()));
    says(&e, &["column \"t\"", "row 4", "\"x\""]);
    assert!(!e.to_string().contains("--decimal"));
}

#[test]
fn missing() {
    let t = read("id;y;g\n1;2;a\n2;NA;a\n3;;b\n4;5;b\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.outcome = Some("y".into()));
    match &e {
        DataError::Missing {
            file,
            column,
            role,
            row,
            count,
        } => {
            assert_eq!(
                (file.as_str(), column.as_str(), role.as_str(), *row, *count),
                (FILE, "y", "outcome", 3, 2)
            );
        }
        other => panic!("{other:?}"),
    }
    says(
        &e,
        &[FILE, "\"y\"", "(outcome)", "2 missing", "row 3", "drop"],
    );
}

#[test]
fn not_binary() {
    let t = read("id;d;s;f\n1;1;ja;1.0\n2;0;nej;0.5\n3;2;ja;0\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.treatment = Some("d".into()));
    assert!(matches!(e, DataError::NotBinary { .. }), "{e:?}");
    assert_eq!(cell(&e), Some((FILE, "d", 4, "2")));
    says(
        &e,
        &[
            FILE,
            "\"d\"",
            "0/1 or true/false",
            "\"2\"",
            "row 4",
            "recode",
        ],
    );
    let e = select_err(&t, MissingPolicy::Error, |r| r.treatment = Some("s".into()));
    assert!(matches!(&e, DataError::NotBinary { row: 2, value, .. } if value == "ja"));
    let e = select_err(&t, MissingPolicy::Error, |r| r.treatment = Some("f".into()));
    assert!(matches!(&e, DataError::NotBinary { row: 3, value, .. } if value == "0.5"));
}

#[test]
fn group_too_small() {
    let t = read("g;y\nA;1\nA;2\nB;3\nC;4\nC;5\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.group = Some("g".into()));
    match &e {
        DataError::GroupTooSmall {
            file,
            column,
            group,
            count,
            min,
        } => assert_eq!(
            (file.as_str(), column.as_str(), group.as_str(), *count, *min),
            (FILE, "g", "B", 1, 2)
        ),
        other => panic!("{other:?}"),
    }
    says(
        &e,
        &[FILE, "\"g\"", "group \"B\"", "1 row(s)", "at least 2"],
    );
}

#[test]
fn single_group() {
    let t = read("g;y\nA;1\nA;2\nB;NA\n");
    let e = select_err(&t, MissingPolicy::Drop, |r| {
        r.group = Some("g".into());
        r.outcome = Some("y".into());
    });
    match &e {
        DataError::SingleGroup {
            file,
            column,
            group,
            count,
        } => assert_eq!(
            (file.as_str(), column.as_str(), group.as_str(), *count),
            (FILE, "g", "A", 2)
        ),
        other => panic!("{other:?}"),
    }
    says(
        &e,
        &[FILE, "\"g\"", "only one group", "\"A\"", "at least two"],
    );
}

#[test]
fn invalid_weight() {
    let t = read("w;v\n1;1\n0;2\n-0,5;3\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.weights = Some("w".into()));
    assert!(matches!(e, DataError::InvalidWeight { .. }), "{e:?}");
    assert_eq!(cell(&e), Some((FILE, "w", 4, "-0.5")));
    says(&e, &[FILE, "\"w\"", "row 4", "-0.5", "non-negative"]);
    // Overflowing to infinity.
    let t = read("w\n1\n1e999\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.weights = Some("w".into()));
    assert!(
        matches!(&e, DataError::InvalidWeight { row: 3, value, .. } if value == "inf"),
        "{e:?}"
    );
}

#[test]
fn too_large() {
    // Outcome, time, weights and numeric covariates: |value| up to 1e150 is accepted, beyond it
    // squares overflow and the value is rejected with its row, in scientific notation.
    let t = read("y;x;w\n1;1e150;1\n2;-2e151;1\n3;1;1e200\n4;0;1\n");
    let d = t.select(
        &roles(|r| r.outcome = Some("y".into())),
        MissingPolicy::Error,
    );
    assert!(d.is_ok(), "{d:?}");
    let e = select_err(&t, MissingPolicy::Error, |r| {
        r.outcome = Some("y".into());
        r.covariates = vec!["x".into()];
    });
    assert!(matches!(e, DataError::TooLarge { .. }), "{e:?}");
    assert_eq!(cell(&e), Some((FILE, "x", 3, "-2e151")));
    says(
        &e,
        &[FILE, "\"x\"", "row 3", "-2e151", "too large", "rescale"],
    );
    let e = select_err(&t, MissingPolicy::Error, |r| r.weights = Some("w".into()));
    assert_eq!(cell(&e), Some((FILE, "w", 4, "1e200")));
    let t = read("y\n1\n-1e308\n");
    let e = select_err(&t, MissingPolicy::Drop, |r| r.outcome = Some("y".into()));
    assert_eq!(cell(&e), Some((FILE, "y", 3, "-1e308")));
}

#[test]
fn non_finite() {
    // `inf` reads as a number (infinity), but no analysis can use it.
    let t = read("y;x\n1;1\n2;-inf\n3;2\n");
    let e = select_err(&t, MissingPolicy::Error, |r| {
        r.outcome = Some("y".into());
        r.covariates = vec!["x".into()];
    });
    assert!(matches!(e, DataError::NonFinite { .. }), "{e:?}");
    assert_eq!(cell(&e), Some((FILE, "x", 3, "-inf")));
    says(
        &e,
        &[
            FILE,
            "\"x\"",
            "row 3",
            "-inf",
            "not a finite number",
            "missing",
        ],
    );
}

#[test]
fn no_rows_left() {
    let t = read("a;b\n1;NA\nNA;2\n;\n");
    let e = select_err(&t, MissingPolicy::Drop, |r| {
        r.outcome = Some("a".into());
        r.covariates = vec!["b".into()];
    });
    assert!(
        matches!(&e, DataError::NoRowsLeft { file, dropped: 2 } if file == FILE),
        "{e:?}"
    );
    says(&e, &[FILE, "no rows left", "dropping 2 row(s)"]);
}

#[test]
fn unsupported_format() {
    let e = read_table(Path::new("data/export.sav"), &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(&e, DataError::UnsupportedFormat { file, extension } if file == "data/export.sav" && extension == "sav")
    );
    says(&e, &["data/export.sav", "\"sav\"", ".csv", ".xlsx"]);
    let e = read_table(Path::new("noext"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, DataError::UnsupportedFormat { .. }));
}

#[test]
fn parse() {
    let opts = ReadOptions {
        delimiter: Some('"'),
        ..ReadOptions::default()
    };
    let e = read_csv_str(FILE, "a\n1\n", &opts).unwrap_err();
    assert!(matches!(&e, DataError::Parse { file, .. } if file == FILE));
    says(&e, &[FILE, "delimiter", "ASCII"]);
    // A file that is not a spreadsheet.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fake.xlsx");
    std::fs::write(&p, "id,y\n1,2\n").unwrap();
    let e = read_table(&p, &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, DataError::Parse { .. }), "{e:?}");
    says(&e, &["fake.xlsx", "cannot open the workbook"]);
}

#[test]
fn one_arm() {
    let t = read("d;y\n1;1\n1;2\n0;NA\n");
    let e = select_err(&t, MissingPolicy::Drop, |r| {
        r.treatment = Some("d".into());
        r.outcome = Some("y".into());
    });
    match &e {
        DataError::OneArm {
            file,
            column,
            present,
            missing_arm,
            count,
        } => assert_eq!(
            (
                file.as_str(),
                column.as_str(),
                present.as_str(),
                missing_arm.as_str(),
                *count
            ),
            (FILE, "d", "treated (1)", "control (0)", 2)
        ),
        other => panic!("{other:?}"),
    }
    says(&e, &[FILE, "\"d\"", "no control (0) rows", "both arms"]);
    let t = read("d\nfalse\nFALSE\n");
    let e = select_err(&t, MissingPolicy::Error, |r| r.treatment = Some("d".into()));
    assert!(matches!(&e, DataError::OneArm { missing_arm, .. } if missing_arm == "treated (1)"));
}

#[test]
fn unknown_sheet() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.xlsx");
    let opts = ReadOptions {
        sheet: Some("Blad1".into()),
        ..ReadOptions::default()
    };
    let e = read_table(&p, &opts).unwrap_err();
    match &e {
        DataError::UnknownSheet {
            file,
            sheet,
            available,
        } => {
            assert!(file.ends_with("small.xlsx"));
            assert_eq!(sheet, "Blad1");
            assert_eq!(available, &vec!["Uppföljning", "Text"]);
        }
        other => panic!("{other:?}"),
    }
    says(&e, &["small.xlsx", "\"Blad1\"", "Uppföljning, Text"]);
}

/// UTF-16 without a byte-order mark is named as such (every other byte NUL).
#[test]
fn utf16_without_bom_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for (name, be) in [("le.csv", false), ("be.csv", true)] {
        let bytes: Vec<u8> = "y;t\r\n1;0\r\n2;1\r\n"
            .encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = effekt_data::read_table(&p, &ReadOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("looks like UTF-16 text without a byte order mark"),
            "{e}"
        );
        assert!(e.to_string().contains("UTF-8 CSV"), "{e}");
    }
}

/// A header read as one column while another delimiter would split it: the unknown-column
/// message names that delimiter (a typed hint, no command-line flag).
#[test]
fn wrong_delimiter_is_hinted() {
    let opts = ReadOptions {
        delimiter: Some(','),
        ..ReadOptions::default()
    };
    let t = read_csv_str("d.csv", "y;t;x\n1;0;2\n", &opts).unwrap();
    assert_eq!(t.delimiter_hint(), Some(';'));
    let e = t.column("y").unwrap_err();
    assert!(matches!(
        &e,
        DataError::UnknownColumn {
            delimiter_hint: Some(';'),
            ..
        }
    ));
    let m = e.to_string();
    assert!(m.contains("the file seems to use `;` as delimiter"), "{m}");
    assert!(!m.contains("--delimiter"), "{m}");
    // Several columns: no hint.
    let t = read_csv_str("d.csv", "y,t\n1,0\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.delimiter_hint(), None);
}

/// Pipe-delimited files are detected like `;`.
#[test]
fn pipe_delimiter_is_detected() {
    let t = read_csv_str("d.csv", "y|t|x\n1|0|2,5\n2|1|3\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.delimiter(), Some('|'));
    assert_eq!(t.column_names(), vec!["y", "t", "x"]);
}
