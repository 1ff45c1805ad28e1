//! Property tests: no input makes the reader panic, and random numeric tables written in the
//! Swedish locale (`;`, decimal comma, thousands separators) read back to exactly the numbers
//! their comma/point twins give.

use effekt_data::{Decimal, MissingPolicy, ReadOptions, Roles, read_csv_str};
use proptest::prelude::*;

fn options() -> impl Strategy<Value = ReadOptions> {
    (
        prop_oneof![
            Just(None),
            Just(Some(',')),
            Just(Some(';')),
            Just(Some('\t'))
        ],
        prop_oneof![
            Just(None),
            Just(Some(Decimal::Point)),
            Just(Some(Decimal::Comma))
        ],
    )
        .prop_map(|(delimiter, decimal)| ReadOptions {
            delimiter,
            decimal,
            sheet: None,
            max_cells: None,
        })
}

/// Text made of the characters that matter to the parser, so the interesting paths are hit.
fn csvish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(",".to_string()),
            Just(";".to_string()),
            Just("\t".to_string()),
            Just("\"".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just(" ".to_string()),
            Just("\u{a0}".to_string()),
            Just("\u{feff}".to_string()),
            Just("NA".to_string()),
            Just("-Inf".to_string()),
            Just("sant".to_string()),
            Just("1 234,5".to_string()),
            Just(".".to_string()),
            Just("e".to_string()),
            "[0-9]{1,4}",
            "[a-zåäö]{1,3}",
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

/// Run every role over every column of whatever was read; nothing may panic.
fn exercise(text: &str, opts: &ReadOptions) {
    let Ok(t) = read_csv_str("p.csv", text, opts) else {
        return;
    };
    let names: Vec<String> = t.column_names().iter().map(|s| s.to_string()).collect();
    for n in &names {
        let _ = t.numeric(n);
        let _ = t.column(&format!("{n}x"));
        for policy in [MissingPolicy::Error, MissingPolicy::Drop] {
            let roles = [
                Roles {
                    outcome: Some(n.clone()),
                    ..Roles::default()
                },
                Roles {
                    treatment: Some(n.clone()),
                    ..Roles::default()
                },
                Roles {
                    group: Some(n.clone()),
                    ..Roles::default()
                },
                Roles {
                    weights: Some(n.clone()),
                    strata: Some(n.clone()),
                    ..Roles::default()
                },
                Roles {
                    covariates: names.clone(),
                    ..Roles::default()
                },
            ];
            for r in &roles {
                if let Err(e) = t.select(r, policy) {
                    let _ = e.to_string();
                }
            }
        }
    }
    for i in 0..t.nrows() {
        let _ = t.row_number(i);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>(), opts in options()) {
        exercise(&text, &opts);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), opts in options()) {
        exercise(&String::from_utf8_lossy(&bytes), &opts);
    }

    #[test]
    fn csv_like_text_never_panics(text in csvish(), opts in options()) {
        exercise(&text, &opts);
    }
}

#[derive(Debug, Clone, Copy)]
enum Cell {
    Missing(bool),
    Int(i64),
    Float(f64),
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        1 => any::<bool>().prop_map(Cell::Missing),
        3 => (-5_000_000i64..5_000_000).prop_map(Cell::Int),
        3 => (-1e7f64..1e7).prop_map(Cell::Float),
        1 => (-1.0f64..1.0).prop_map(Cell::Float),
    ]
}

fn value(c: Cell) -> Option<f64> {
    match c {
        Cell::Missing(_) => None,
        Cell::Int(i) => Some(i as f64),
        Cell::Float(x) => Some(x),
    }
}

/// `1234567.25` → `1 234 567,25` (with `sep` between groups of three when `group`).
fn swedish(s: &str, group: bool, sep: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    if group {
        let digits: Vec<char> = int.chars().collect();
        for (k, ch) in digits.iter().enumerate() {
            if k > 0 && (digits.len() - k).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(*ch);
        }
    } else {
        out.push_str(int);
    }
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

fn text(c: Cell, swedish_locale: bool, group: bool, sep: &str) -> String {
    let plain = match c {
        Cell::Missing(true) => return "NA".into(),
        Cell::Missing(false) => return String::new(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(x) => format!("{x}"),
    };
    if swedish_locale {
        swedish(&plain, group, sep)
    } else {
        plain
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn numeric_tables_round_trip_in_both_locales(
        ncol in 1usize..5,
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 5), 1..25),
        group in any::<bool>(),
        sep in prop_oneof![Just(" "), Just("\u{a0}"), Just("\u{202f}")],
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let header: Vec<String> = (0..ncol).map(|j| format!("c{j}")).collect();
        let mut point = header.join(",") + eol;
        let mut comma = String::from(if bom { "\u{feff}" } else { "" }) + &header.join(";") + eol;
        for r in &rows {
            let p: Vec<String> = r.iter().take(ncol).map(|&c| text(c, false, false, sep)).collect();
            let s: Vec<String> = r.iter().take(ncol).map(|&c| text(c, true, group, sep)).collect();
            point += &(p.join(",") + eol);
            comma += &(s.join(";") + eol);
        }
        // Rows whose cells are all empty are skipped by the reader (rows of NA are kept).
        let kept: Vec<&Vec<Cell>> = rows
            .iter()
            .filter(|r| r.iter().take(ncol).any(|c| !matches!(c, Cell::Missing(false))))
            .collect();
        let tp = read_csv_str("p.csv", &point, &ReadOptions::default());
        let tc = read_csv_str("c.csv", &comma, &ReadOptions::default());
        if kept.is_empty() {
            prop_assert!(tp.is_err() && tc.is_err());
            return Ok(());
        }
        let (tp, tc) = (tp.unwrap(), tc.unwrap());
        if ncol > 1 {
            prop_assert_eq!(tc.delimiter(), Some(';'));
        }
        let fractions = kept
            .iter()
            .any(|r| r.iter().take(ncol).any(|c| matches!(c, Cell::Float(x) if x.fract() != 0.0)));
        if fractions {
            prop_assert_eq!(tc.decimal(), Decimal::Comma);
            prop_assert_eq!(tp.decimal(), Decimal::Point);
        }
        prop_assert_eq!(tp.columns(), tc.columns());
        // Explicit decimal gives the same table as detection.
        let forced = read_csv_str("c.csv", &comma, &ReadOptions { decimal: Some(Decimal::Comma), ..ReadOptions::default() }).unwrap();
        prop_assert_eq!(forced.columns(), tc.columns());
        for j in 0..ncol {
            let want: Vec<Option<f64>> = kept.iter().map(|r| value(r[j])).collect();
            let got = tc.numeric(&format!("c{j}")).unwrap();
            prop_assert_eq!(&got, &want);
        }
    }
}
