//! Reading delimited text: delimiters, decimal comma, BOM, quotes, CRLF, types, missing tokens,
//! row numbering, encodings.

use effekt_data::{ColumnData, DataError, Decimal, ReadOptions, Table, read_csv_str, read_table};

fn read(text: &str) -> Table {
    read_csv_str("t.csv", text, &ReadOptions::default()).unwrap()
}

fn data<'a>(t: &'a Table, name: &str) -> &'a ColumnData {
    &t.column(name).unwrap().data
}

fn f(v: &[Option<f64>]) -> ColumnData {
    ColumnData::Float(v.to_vec())
}

#[test]
fn comma_point_file() {
    let t = read("id,y,sex,ok\n1,2.5,F,true\n2,-3,M,FALSE\n3,1e3,F,True\n");
    assert_eq!(t.delimiter(), Some(','));
    assert_eq!(t.decimal(), Decimal::Point);
    assert_eq!(t.nrows(), 3);
    assert_eq!(t.column_names(), vec!["id", "y", "sex", "ok"]);
    assert_eq!(
        data(&t, "id"),
        &ColumnData::Int(vec![Some(1), Some(2), Some(3)])
    );
    assert_eq!(data(&t, "y"), &f(&[Some(2.5), Some(-3.0), Some(1000.0)]));
    assert_eq!(
        data(&t, "sex"),
        &ColumnData::Categorical {
            levels: vec!["F".into(), "M".into()],
            codes: vec![Some(0), Some(1), Some(0)]
        }
    );
    assert_eq!(
        data(&t, "ok"),
        &ColumnData::Bool(vec![Some(true), Some(false), Some(true)])
    );
}

/// A Swedish-locale export and its comma/point twin hold exactly the same numbers.
#[test]
fn semicolon_decimal_comma_twin() {
    let point = "id,belopp,andel,kommun,tid\n\
                 1,1234.5,0.25,Umeå,1\n\
                 2,-0.125,1,Luleå,2\n\
                 3,1000000,NA,\"Umeå\",3\n\
                 4,3.2575,0.5,Kiruna,4\n\
                 5,,1e-3,Kiruna,5\n";
    let comma = "id;belopp;andel;kommun;tid\r\n\
                 1;1 234,5;0,25;Umeå;1\r\n\
                 2;-0,125;1;Luleå;2\r\n\
                 3;1\u{a0}000\u{a0}000;NA;\"Umeå\";3\r\n\
                 4;3,2575;0,5;Kiruna;4\r\n\
                 5;;1E-3;Kiruna;5\r\n";
    let tp = read(point);
    let tc = read(comma);
    assert_eq!(tc.delimiter(), Some(';'));
    assert_eq!(tc.decimal(), Decimal::Comma);
    assert_eq!(tp.decimal(), Decimal::Point);
    assert_eq!(tp.columns(), tc.columns());
    assert_eq!(
        data(&tc, "belopp"),
        &f(&[Some(1234.5), Some(-0.125), Some(1e6), Some(3.2575), None])
    );
    assert_eq!(
        data(&tc, "andel"),
        &f(&[Some(0.25), Some(1.0), None, Some(0.5), Some(0.001)])
    );
}

#[test]
fn tab_delimited_and_overrides() {
    let t = read("a\tb\n1,5\t2\n");
    assert_eq!(t.delimiter(), Some('\t'));
    assert_eq!(t.decimal(), Decimal::Comma);
    assert_eq!(data(&t, "a"), &f(&[Some(1.5)]));
    // Forcing the decimal point makes "1,5" text.
    let opts = ReadOptions {
        decimal: Some(Decimal::Point),
        ..ReadOptions::default()
    };
    let t = read_csv_str("t.csv", "a\tb\n1,5\t2\n", &opts).unwrap();
    assert!(matches!(data(&t, "a"), ColumnData::Categorical { .. }));
    // Forcing the delimiter.
    let opts = ReadOptions {
        delimiter: Some('|'),
        ..ReadOptions::default()
    };
    let t = read_csv_str("t.csv", "a|b,c\n1|x,y\n", &opts).unwrap();
    assert_eq!(t.column_names(), vec!["a", "b,c"]);
    // A delimiter that cannot be used.
    let opts = ReadOptions {
        delimiter: Some('é'),
        ..ReadOptions::default()
    };
    let e = read_csv_str("t.csv", "a\n1\n", &opts).unwrap_err();
    assert!(matches!(e, DataError::Parse { .. }), "{e}");
    assert!(e.to_string().contains("t.csv"));
}

#[test]
fn delimiter_detection_ignores_quoted_text() {
    // Two commas inside quotes, one semicolon outside.
    let t = read("\"a,b,c\";d\n1;2\n");
    assert_eq!(t.delimiter(), Some(';'));
    assert_eq!(t.column_names(), vec!["a,b,c", "d"]);
    // A single column of decimal-comma numbers.
    let t = read("y\n1,5\n2,25\n");
    assert_eq!(t.decimal(), Decimal::Comma);
    assert_eq!(data(&t, "y"), &f(&[Some(1.5), Some(2.25)]));
}

#[test]
fn bom_is_ignored() {
    let t = read("\u{feff}id;y\n1;2,5\n");
    assert_eq!(t.column_names(), vec!["id", "y"]);
    assert_eq!(data(&t, "y"), &f(&[Some(2.5)]));
}

#[test]
fn quotes_with_delimiters_quotes_and_newlines() {
    let t = read(
        "name,comment,y\n\
         \"Svensson, Anna\",\"said \"\"ja\"\"\",1\n\
         \"Berg\",\"two\nlines\",2\n\
         Ek,plain,x\n",
    );
    assert_eq!(t.nrows(), 3);
    let ColumnData::Categorical { levels, .. } = data(&t, "name") else {
        panic!()
    };
    assert_eq!(levels, &vec!["Svensson, Anna", "Berg", "Ek"]);
    let ColumnData::Categorical { levels, .. } = data(&t, "comment") else {
        panic!()
    };
    assert_eq!(levels, &vec!["said \"ja\"", "two\nlines", "plain"]);
    // Spreadsheet rows: the newline inside quotes stays within row 3, so "x" is in row 4.
    let e = t.numeric("y").unwrap_err();
    assert!(
        matches!(&e, DataError::NonNumeric { row: 4, value, .. } if value == "x"),
        "{e:?}"
    );
}

#[test]
fn crlf_and_whitespace() {
    let t = read("id , y ,g\r\n 1 ,  2.5 , a \r\n2,3,\tb\r\n");
    assert_eq!(t.column_names(), vec!["id", "y", "g"]);
    assert_eq!(data(&t, "y"), &f(&[Some(2.5), Some(3.0)]));
    let ColumnData::Categorical { levels, .. } = data(&t, "g") else {
        panic!()
    };
    assert_eq!(levels, &vec!["a", "b"]);
}

#[test]
fn missing_tokens_are_never_zero() {
    let t = read(
        "a,b,c\n\
         1,x,true\n\
         ,NA,NA\n\
         NaN,n/a,N/A\n\
         NULL,.,nan\n\
         #N/A,null,\n\
         2,y,false\n",
    );
    assert_eq!(
        data(&t, "a"),
        &ColumnData::Int(vec![Some(1), None, None, None, None, Some(2)])
    );
    assert_eq!(
        data(&t, "b"),
        &ColumnData::Categorical {
            levels: vec!["x".into(), "y".into()],
            codes: vec![Some(0), None, None, None, None, Some(1)]
        }
    );
    assert_eq!(
        data(&t, "c"),
        &ColumnData::Bool(vec![Some(true), None, None, None, None, Some(false)])
    );
    // A column with no values at all is numeric (all missing), not text.
    let t = read("a,b\n1,\n2,NA\n");
    assert_eq!(data(&t, "b"), &f(&[None, None]));
}

#[test]
fn type_inference() {
    let t = read(
        "i,fl,b,zero_one,mixed,sv,big\n\
         1,1,sant,0,1,SANT,99999999999999999999\n\
         -2,2.5,falskt,1,true,Falskt,1\n",
    );
    assert_eq!(data(&t, "i"), &ColumnData::Int(vec![Some(1), Some(-2)]));
    assert_eq!(data(&t, "fl"), &f(&[Some(1.0), Some(2.5)]));
    assert_eq!(
        data(&t, "b"),
        &ColumnData::Bool(vec![Some(true), Some(false)])
    );
    // 0/1 stay numbers.
    assert_eq!(
        data(&t, "zero_one"),
        &ColumnData::Int(vec![Some(0), Some(1)])
    );
    // Numbers mixed with booleans are text.
    assert!(matches!(data(&t, "mixed"), ColumnData::Categorical { .. }));
    assert_eq!(
        data(&t, "sv"),
        &ColumnData::Bool(vec![Some(true), Some(false)])
    );
    // Beyond i64: a float.
    assert_eq!(data(&t, "big"), &f(&[Some(1e20), Some(1.0)]));
}

#[test]
fn a_typo_makes_the_column_categorical_and_is_reported() {
    let t = read("id;y\n1;2,5\n2;3,O\n3;4\n4;1,5x\n");
    let ColumnData::Categorical { levels, .. } = data(&t, "y") else {
        panic!()
    };
    // Original spelling kept as levels, in order of appearance.
    assert_eq!(levels, &vec!["2,5", "3,O", "4", "1,5x"]);
    let e = t.numeric("y").unwrap_err();
    match &e {
        DataError::NonNumeric {
            file,
            column,
            row,
            value,
        } => {
            assert_eq!(file, "t.csv");
            assert_eq!(column, "y");
            assert_eq!(*row, 3);
            assert_eq!(value, "3,O");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn blank_lines_keep_spreadsheet_row_numbers() {
    // Line 3 is blank and line 5 has only delimiters: both skipped, numbering kept.
    let t = read("id;y\n1;2\n\n2;3\n;\n3;oops\n");
    assert_eq!(t.nrows(), 3);
    assert_eq!(t.row_number(0), 2);
    assert_eq!(t.row_number(1), 4);
    assert_eq!(t.row_number(2), 6);
    let e = t.numeric("y").unwrap_err();
    assert!(matches!(e, DataError::NonNumeric { row: 6, .. }), "{e:?}");
    // Without blank lines the numbering is spreadsheet_row(i).
    let t = read("id\n1\n2\n");
    assert_eq!(t.row_number(1), effekt_data::spreadsheet_row(1));
}

#[test]
fn trailing_delimiters_and_unnamed_columns() {
    // Excel exports of a selection often end every line with a delimiter.
    let t = read("a;b;;\n1;2;;\n3;4;;\n");
    assert_eq!(t.column_names(), vec!["a", "b"]);
    // An empty header cell in the middle gets a name by position.
    let t = read("a,,c\n1,2,3\n");
    assert_eq!(t.column_names(), vec!["a", "column_2", "c"]);
}

#[test]
fn leading_zeros_and_signs() {
    let t = read("kod,x\n0180,+5\n0580,-0\n");
    assert_eq!(
        data(&t, "kod"),
        &ColumnData::Int(vec![Some(180), Some(580)])
    );
    assert_eq!(data(&t, "x"), &ColumnData::Int(vec![Some(5), Some(0)]));
}

#[test]
fn read_table_dispatch_and_encodings() {
    let dir = tempfile::tempdir().unwrap();
    // UTF-8 with BOM, uppercase extension.
    let p = dir.path().join("A.CSV");
    std::fs::write(&p, "\u{feff}kön;värde\nK;1,5\n").unwrap();
    let t = read_table(&p, &ReadOptions::default()).unwrap();
    assert_eq!(t.column_names(), vec!["kön", "värde"]);
    assert_eq!(t.source(), p.display().to_string());
    // Windows-1252 (Excel's plain CSV on Swedish Windows): ö = 0xF6, NBSP = 0xA0.
    let p = dir.path().join("b.csv");
    std::fs::write(&p, b"k\xf6n;v\xe4rde\nK;1\xa0234,5\n").unwrap();
    let t = read_table(&p, &ReadOptions::default()).unwrap();
    assert_eq!(t.column_names(), vec!["kön", "värde"]);
    assert_eq!(data(&t, "värde"), &f(&[Some(1234.5)]));
    // UTF-16LE with BOM, tab separated (Excel's "Unicode text").
    let p = dir.path().join("c.txt");
    let mut bytes = vec![0xFF, 0xFE];
    for u in "kön\tvärde\r\nM\t2,5\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, bytes).unwrap();
    let t = read_table(&p, &ReadOptions::default()).unwrap();
    assert_eq!(t.column_names(), vec!["kön", "värde"]);
    assert_eq!(data(&t, "värde"), &f(&[Some(2.5)]));
    // .tsv defaults to tab even when the header has a single column.
    let p = dir.path().join("d.tsv");
    std::fs::write(&p, "a\n1\n").unwrap();
    let t = read_table(&p, &ReadOptions::default()).unwrap();
    assert_eq!(t.delimiter(), Some('\t'));
}

#[test]
fn decimal_detection_is_by_majority() {
    // Comma-separated with quoted decimal-comma numbers.
    let t = read("a,b\n\"1,5\",\"2,5\"\n\"3,5\",x.y\n");
    assert_eq!(t.decimal(), Decimal::Comma);
    assert_eq!(data(&t, "a"), &f(&[Some(1.5), Some(3.5)]));
    // Integers only: no evidence either way, decimal point.
    let t = read("a;b\n1;2\n");
    assert_eq!(t.decimal(), Decimal::Point);
}

#[test]
fn table_new_checks() {
    use effekt_data::Column;
    let c = |n: &str, len: usize| Column {
        name: n.into(),
        data: ColumnData::Float(vec![Some(1.0); len]),
    };
    let t = Table::new("mem", vec![c("a", 3), c("b", 3)]).unwrap();
    assert_eq!(t.nrows(), 3);
    assert_eq!(t.delimiter(), None);
    let e = Table::new("mem", vec![c("a", 3), c("b", 2)]).unwrap_err();
    assert!(e.to_string().contains("\"b\" has 2 rows"), "{e}");
    let e = Table::new("mem", vec![c("a", 3), c("a", 3)]).unwrap_err();
    assert!(matches!(e, DataError::DuplicateColumn { .. }));
    // A categorical column built in memory whose levels are all numbers is numeric.
    let cat = |levels: &[&str]| Column {
        name: "k".into(),
        data: ColumnData::Categorical {
            levels: levels.iter().map(|s| s.to_string()).collect(),
            codes: vec![Some(1), None, Some(0), Some(2)],
        },
    };
    let t = Table::new("mem", vec![cat(&["1.5", "2", "NA"])]).unwrap();
    assert_eq!(
        t.numeric("k").unwrap(),
        vec![Some(2.0), None, Some(1.5), None]
    );
    let t = Table::new("mem", vec![cat(&["1.5", "2", "x"])]).unwrap();
    let e = t.numeric("k").unwrap_err();
    assert!(
        matches!(&e, DataError::NonNumeric { row: 5, value, .. } if value == "x"),
        "{e:?}"
    );
}

#[test]
fn blank_lines_with_crlf_and_quoted_newlines() {
    // Row 1 header, 2 data, 3 blank, 4 data with a quoted newline, 5 data, 6 blank, 7 blank,
    // 8 data "bad".
    let text = "\r\nid;c;y\r\n1;x;2\r\n\r\n2;\"a\r\nb\";3\r\n3;z;4\r\n\r\n\r\n4;w;bad\r\n";
    let t = read(text);
    // The leading blank line puts the header in row 2.
    assert_eq!(t.nrows(), 4);
    assert_eq!(
        (0..4).map(|i| t.row_number(i)).collect::<Vec<_>>(),
        vec![3, 5, 6, 9]
    );
    let e = t.numeric("y").unwrap_err();
    assert!(matches!(e, DataError::NonNumeric { row: 9, .. }), "{e:?}");
    let lf = text.replace("\r\n", "\n");
    let t = read(&lf);
    assert_eq!(
        (0..4).map(|i| t.row_number(i)).collect::<Vec<_>>(),
        vec![3, 5, 6, 9]
    );
}

#[test]
fn excel_sep_line() {
    let t = read("sep=;\r\na;b,c\r\n1;2,5\r\n3;x\r\n");
    assert_eq!(t.delimiter(), Some(';'));
    assert_eq!(t.column_names(), vec!["a", "b,c"]);
    // Excel hides the sep line: the header is row 1.
    let e = t.numeric("b,c").unwrap_err();
    assert!(matches!(e, DataError::NonNumeric { row: 3, .. }), "{e:?}");
    // Not a sep line: a column called "sep=x" stays a column.
    let t = read("sep=ab,c\n1,2\n");
    assert_eq!(t.column_names(), vec!["sep=ab", "c"]);
}
