//! `effekt bootstrap` end to end: determinism across thread counts, Swedish-locale input, and
//! every bad-input case of the data layer (exit code 2 with a message naming what to fix).

use std::path::Path;

use crate::common;
use common::{bad, dataset, effekt, stderr, stdout_same_at_1_2_8_threads, write};

/// `bootstrap --data DATA --outcome Y` followed by `extra`.
fn boot<'a>(data: &'a str, y: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    [&["bootstrap", "--data", data, "--outcome", y][..], extra].concat()
}

#[test]
fn json_is_byte_identical_at_1_2_and_8_threads() {
    let data = dataset("lalonde.csv");
    let one = stdout_same_at_1_2_8_threads(&[
        "bootstrap",
        "--data",
        &data,
        "--outcome",
        "re78",
        "--group",
        "treat",
        "--ci",
        "percentile,basic,normal,studentized,bca",
        "--resamples",
        "3000",
        "--seed",
        "7",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    for key in [
        "statistic",
        "estimate",
        "std_error",
        "bias",
        "resamples",
        "seed",
        "n",
        "intervals",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["intervals"].as_array().unwrap().len(), 5);
    assert_eq!(v["n"], 614);
    assert_eq!(v["seed"], 7);
    // The estimate is the plain difference in means of re78 (treated − control) on lalonde.
    assert!((v["estimate"].as_f64().unwrap() - (-635.0262120374182)).abs() < 1e-8);
}

#[test]
fn json_file_is_written_and_the_table_names_the_method() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("boot.json");
    let data = dataset("lalonde.csv");
    let o = effekt(&[
        "bootstrap",
        "--data",
        &data,
        "--outcome",
        "re78",
        "--resamples",
        "500",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["statistic"], "mean");
    // An output is an ordinary readable file, not a private temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
    let o = effekt(&[
        "bootstrap",
        "--data",
        &data,
        "--outcome",
        "re78",
        "--group",
        "treat",
        "--resamples",
        "500",
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("stratified bootstrap"), "{table}");
    assert!(
        table.contains("percentile") && table.contains("bca"),
        "{table}"
    );
}

#[test]
fn swedish_semicolon_decimal_comma_export_gives_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<(f64, u8)> = (0..40)
        .map(|i| (((i * 37) % 23) as f64 / 4.0 + 0.125, (i % 2) as u8))
        .collect();
    let point: String = std::iter::once("y,ihf\n".to_string())
        .chain(rows.iter().map(|(y, g)| format!("{y},{g}\n")))
        .collect();
    let comma: String = std::iter::once("\u{feff}y;ihf\r\n".to_string())
        .chain(
            rows.iter()
                .map(|(y, g)| format!("{};{g}\r\n", y.to_string().replace('.', ","))),
        )
        .collect();
    let a = write(dir.path(), "point.csv", &point);
    let b = write(dir.path(), "komma.csv", &comma);
    let run = |p: &Path| {
        let o = effekt(&[
            "bootstrap",
            "--data",
            p.to_str().unwrap(),
            "--outcome",
            "y",
            "--group",
            "ihf",
            "--resamples",
            "999",
            "--json",
            "-",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    assert_eq!(run(&a), run(&b));
}

#[test]
fn bad_input_is_a_clear_error_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lalonde = dataset("lalonde.csv");

    // Unknown column: suggest the closest name.
    bad(
        &boot(&lalonde, "re87", &[]),
        &["re87", "re78", "lalonde.csv"],
    );
    // Files with outcome y: (file name, text, arguments after `--outcome y`, needles).
    let files: [(&str, &str, &[&str], &[&str]); 8] = [
        // Non-numeric value: names file, column, row and value.
        (
            "typo.csv",
            "y,g\n1.5,0\n2.5,1\n3,0\nx7,1\n4,0\n5,1\n",
            &[],
            &["typo.csv", "\"y\"", "row 5", "x7"],
        ),
        // A value whose square overflows (semicolons and decimal commas, as Excel writes).
        (
            "huge.csv",
            "y;g\n1,5;0\n2;1\n-1,5e300;0\n4;1\n",
            &[],
            &[
                "huge.csv",
                "\"y\"",
                "row 4",
                "-1.5e300",
                "too large",
                "rescale",
            ],
        ),
        // Missing value in the outcome: names the first row and the count, suggests the
        // policy.
        (
            "missing.csv",
            "y,g\n1,0\n2,1\nNA,0\n4,1\n,0\n6,1\n7,0\n8,0\n",
            &["--group", "g"],
            &["missing.csv", "\"y\"", "row 4", "2 missing", "drop"],
        ),
        // A group with fewer than 2 rows.
        (
            "tiny.csv",
            "y,g\n1,a\n2,a\n3,b\n4,a\n",
            &["--group", "g"],
            &["tiny.csv", "\"g\"", "\"b\"", "1 row"],
        ),
        // Three groups for a two-group statistic.
        (
            "three.csv",
            "y,g\n1,a\n2,a\n3,b\n4,b\n5,c\n6,c\n",
            &["--group", "g"],
            &["exactly 2 groups", "a, b, c"],
        ),
        // File problems.
        ("empty.csv", "", &[], &["empty.csv"]),
        (
            "ragged.csv",
            "y,g\n1,0\n2,1,9\n",
            &[],
            &["ragged.csv", "row 3"],
        ),
        ("data.sav", "y\n1\n", &[], &["data.sav", ".csv"]),
    ];
    for (name, text, extra, needles) in files {
        let f = write(d, name, text);
        bad(&boot(f.to_str().unwrap(), "y", extra), needles);
    }
    bad(
        &boot(d.join("nope.csv").to_str().unwrap(), "y", &[]),
        &["nope.csv"],
    );
    // ... and with --missing drop the missing-value file runs and reports the dropped rows.
    let f = d.join("missing.csv");
    let o = effekt(&boot(
        f.to_str().unwrap(),
        "y",
        &[
            "--group",
            "g",
            "--missing",
            "drop",
            "--resamples",
            "200",
            "--json",
            "-",
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["dropped_rows"], 2);
    assert_eq!(v["n"], 6);
    // lalonde.csv with outcome re78: (arguments after `--outcome re78`, needles).
    let options: [(&[&str], &[&str]); 7] = [
        // A proportion of a non-binary outcome.
        (
            &["--group", "treat", "--statistic", "proportion-diff"],
            &["0/1", "re78", "row 2"],
        ),
        // Option problems.
        (&["--level", "95"], &["--level"]),
        (&["--resamples", "0"], &["--resamples"]),
        (&["--ci", "percentil"], &["percentil"]),
        (&["--statistic", "mean-diff"], &["--group"]),
        (&["--threads", "0"], &["--threads"]),
        (&["--scheme", "cluster"], &["--cluster"]),
    ];
    for (extra, needles) in options {
        bad(&boot(&lalonde, "re78", extra), needles);
    }
    bad(&["bootstrap", "--outcome", "re78"], &["--data"]);
    // The input file is never modified.
    let before = std::fs::read(&lalonde).unwrap();
    let out = d.join("o.json");
    let _ = effekt(&boot(
        &lalonde,
        "re78",
        &["--resamples", "100", "--json", out.to_str().unwrap()],
    ));
    assert_eq!(before, std::fs::read(&lalonde).unwrap());
}

#[test]
fn cluster_scheme_resamples_whole_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("person,wave,rating\n");
    for p in 0..30 {
        for w in 0..3 {
            text.push_str(&format!("p{p},{w},{}\n", (p * 7 + w * 3) % 5 + 1));
        }
    }
    let f = write(dir.path(), "waves.csv", &text);
    let o = effekt(&[
        "bootstrap",
        "--data",
        f.to_str().unwrap(),
        "--outcome",
        "rating",
        "--cluster",
        "person",
        "--resamples",
        "500",
        "--json",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scheme"], "cluster");
    assert_eq!(v["n"], 90);
}
