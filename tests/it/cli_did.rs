//! `effekt did` end to end: JSON shape, determinism across thread counts, the pyfixest numbers
//! through the CLI, and every bad-input case (exit code 2 with a message naming what to fix).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::common;
use common::{bad, dataset, effekt, json, stderr, stdout_same_at_1_2_8_threads, write};

static CASTLE: LazyLock<String> = LazyLock::new(|| dataset("castle.csv"));

/// `did --data DATA --outcome Y --unit UNIT --time TIME` followed by `rest`.
fn did<'a>(data: &'a str, [y, unit, time]: [&'a str; 3], rest: &[&'a str]) -> Vec<&'a str> {
    let base = [
        "did",
        "--data",
        data,
        "--outcome",
        y,
        "--unit",
        unit,
        "--time",
        time,
    ];
    [&base[..], rest].concat()
}

/// castle.csv (log homicides by state and year, treatment `post`) followed by `extra`.
fn castle<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let base = did(
        &CASTLE,
        ["l_homicide", "sid", "year"],
        &["--treatment", "post"],
    );
    [&base[..], extra].concat()
}

/// organ_donations with the treatment indicator (California from quarter 4) and the
/// first-treated column added.
fn organ_with_treatment(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(dataset("organ_donations.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{line},treat,first\n"));
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let ca = f[0] == "California";
        let q: f64 = f[3].parse().unwrap();
        let d = u8::from(ca && q >= 4.0);
        out.push_str(&format!("{line},{d},{}\n", if ca { "4" } else { "" }));
    }
    write(dir, "organ.csv", &out)
}

#[test]
fn castle_twfe_json_has_the_headline_counterfactual_and_tidy_rows() {
    let v = json(&castle(&["--json", "-"]));
    // pyfixest feols("l_homicide ~ post | sid + year", vcov={"CRV1": "sid"})
    assert!((v["estimate"].as_f64().unwrap() - 0.06939843388545162).abs() < 1e-9);
    assert!((v["std_error"].as_f64().unwrap() - 0.05585963569555156).abs() < 1e-9);
    for key in [
        "conf_low",
        "conf_high",
        "p_value",
        "inference",
        "counterfactual",
        "tidy",
        "glance",
        "bacon",
        "panel",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!(v.get("wild_bootstrap").is_none());
    assert_eq!(v["counterfactual"].as_array().unwrap().len(), 11);
    let row = &v["counterfactual"][10];
    let (o, c, e) = (
        row["treated_observed"].as_f64().unwrap(),
        row["treated_counterfactual"].as_f64().unwrap(),
        row["effect"].as_f64().unwrap(),
    );
    assert!((o - e - c).abs() < 1e-12);
    assert_eq!(v["tidy"][0]["term"], "post");
    assert!(
        v["inference"]["reason"]
            .as_str()
            .unwrap()
            .contains("50 clusters")
    );
}

#[test]
fn wild_bootstrap_json_is_byte_identical_at_1_2_and_8_threads() {
    let one = stdout_same_at_1_2_8_threads(&castle(&[
        "--wild-bootstrap",
        "4999",
        "--weights",
        "webb",
        "--seed",
        "11",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let w = &v["wild_bootstrap"];
    for key in ["p_value", "conf_low", "conf_high", "resamples", "weights"] {
        assert!(w.get(key).is_some(), "wild_bootstrap lacks {key}");
    }
    assert_eq!(w["resamples"], 4999);
    assert_eq!(w["weights"], "webb");
    let p = w["p_value"].as_f64().unwrap();
    assert!(p > 0.05 && p < 0.6, "{p}");
    assert!(w["conf_low"].as_f64().unwrap() < 0.0694 && w["conf_high"].as_f64().unwrap() > 0.0694);
    // another seed gives other draws
    let o = effekt(&castle(&[
        "--wild-bootstrap",
        "4999",
        "--weights",
        "webb",
        "--seed",
        "12",
        "--json",
        "-",
    ]));
    assert_ne!(o.stdout, one);
}

#[test]
fn organ_donations_2x2_and_first_treated_form_agree() {
    let dir = tempfile::tempdir().unwrap();
    let f = organ_with_treatment(dir.path());
    let f = f.to_str().unwrap();
    let organ = |rest: &[&'static str]| did(f, ["Rate", "State", "Quarter_Num"], rest);
    let a = json(&organ(&[
        "--treatment",
        "treat",
        "--method",
        "2x2",
        "--vcov",
        "cr1",
        "--json",
        "-",
    ]));
    // pyfixest feols("Rate ~ treated + post + treated:post", vcov={"CRV1": "State"})
    assert!((a["estimate"].as_f64().unwrap() - (-0.022458974358974353)).abs() < 1e-12);
    assert!((a["cell_means"]["did"].as_f64().unwrap() - (-0.022458974358974353)).abs() < 1e-12);
    assert_eq!(a["term"], "treated:post");
    let b = json(&organ(&[
        "--first-treated",
        "first",
        "--method",
        "2x2",
        "--vcov",
        "cr1",
        "--json",
        "-",
    ]));
    assert_eq!(a["estimate"], b["estimate"]);
    assert_eq!(a["std_error"], b["std_error"]);
    // default inference with 27 clusters is CR2 and the table says so
    let o = effekt(&organ(&["--treatment", "treat", "--method", "2x2"]));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("CR2") && table.contains("27 clusters < 30"),
        "{table}"
    );
    assert!(table.contains("cell means"), "{table}");
    // 2^27 > B: random Rademacher draws; with --cluster on fewer clusters enumeration kicks in
    let w = json(&organ(&[
        "--treatment",
        "treat",
        "--method",
        "2x2",
        "--wild-bootstrap",
        "999",
        "--json",
        "-",
    ]));
    assert_eq!(w["wild_bootstrap"]["full_enumeration"], false);
}

#[test]
fn event_study_json_has_the_coefficient_table_and_pretrend_test() {
    let v = json(&castle(&[
        "--method",
        "event-study",
        "--window",
        "-5,3",
        "--json",
        "-",
    ]));
    let rows = v["event_study"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    let r = rows.iter().find(|r| r["event_time"] == -1).unwrap();
    assert_eq!(r["reference"], true);
    // pyfixest: rel_b::-5 coefficient
    let e5 = rows.iter().find(|r| r["event_time"] == -5).unwrap();
    assert!((e5["estimate"].as_f64().unwrap() - (-0.09556325623495338)).abs() < 1e-9);
    assert_eq!(e5["binned"], true);
    assert!(v["pretrend"]["p_value"].as_f64().unwrap() > 0.0);
    assert_eq!(v["method"], "event-study");
}

#[test]
fn bad_input_is_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    // Panels written to a file with columns id (unit), wave (time), y (outcome) and d
    // (treatment): (file name, text, arguments after `--treatment d`, needles).
    let panels: [(&str, &str, &[&str], &[&str]); 6] = [
        // duplicate (unit, time) rows: names the unit, the period and the rows
        (
            "dup.csv",
            "id,wave,y,d\n1,1,1.0,0\n1,1,1.5,0\n1,2,2.0,1\n2,1,1.0,0\n2,2,1.2,0\n",
            &[],
            &["unit \"1\"", "period 1", "rows 2 and 3"],
        ),
        // treatment switching off
        (
            "off.csv",
            "id,wave,y,d\n1,1,1.0,0\n1,2,2.0,1\n1,3,2.0,0\n2,1,1.0,0\n2,2,1.2,0\n2,3,1.1,0\n",
            &[],
            &["stays on", "unit \"1\"", "period 3"],
        ),
        // cohort without pre-period
        (
            "pre.csv",
            "id,wave,y,d\n1,1,1.0,1\n1,2,2.0,1\n2,1,1.0,0\n2,2,1.2,0\n",
            &[],
            &[
                "no pre-treatment period",
                "cohort first treated in period 1",
            ],
        ),
        // no valid controls for a (cohort, period)
        (
            "ctrl.csv",
            "id,wave,y,d\n1,1,1.0,0\n1,2,2.0,1\n1,3,2.0,1\n2,1,1.0,0\n2,2,1.2,0\n2,3,1.1,1\n",
            &[],
            &[
                "no valid control units",
                "cohort first treated in 2 in period 3",
            ],
        ),
        // a single cluster
        (
            "one.csv",
            "id,wave,y,d,k\n1,1,1.0,0,A\n1,2,2.0,1,A\n2,1,1.0,0,A\n2,2,1.2,0,A\n",
            &["--cluster", "k"],
            &["only one cluster", "\"A\""],
        ),
        // time that is not numeric
        (
            "txt.csv",
            "id,wave,y,d\n1,Q1,1.0,0\n1,Q2,2.0,1\n2,Q1,1.0,0\n2,Q2,1.2,0\n",
            &[],
            &["time column must hold numbers in time order", "\"Q1\""],
        ),
    ];
    for (name, text, extra, needles) in panels {
        let f = write(dir.path(), name, text);
        let rest = [&["--treatment", "d"][..], extra].concat();
        bad(
            &did(f.to_str().unwrap(), ["y", "id", "wave"], &rest),
            needles,
        );
    }
    // castle.csv: (arguments after `--treatment post`, needles)
    let castle_cases: [(&[&str], &[&str]); 5] = [
        // staggered timing with --method 2x2
        (
            &["--method", "2x2"],
            &["2x2 design needs one treatment start", "5 cohorts"],
        ),
        // options that do not fit the method
        (
            &["--estimator", "dr"],
            &["--estimator only apply to --method cs"],
        ),
        (
            &["--method", "event-study", "--wild-bootstrap", "99"],
            &["--wild-bootstrap tests the 2x2 or TWFE coefficient"],
        ),
        (
            &["--method", "event-study", "--window", "2,5"],
            &["window", "reference period -1 inside"],
        ),
        // too few wild bootstrap draws for a p-value or an interval
        (
            &["--wild-bootstrap", "5"],
            &["--wild-bootstrap needs at least 99 replicates, got 5"],
        ),
    ];
    for (extra, needles) in castle_cases {
        bad(&castle(extra), needles);
    }
    // unknown column
    bad(
        &did(
            &CASTLE,
            ["l_homicid", "sid", "year"],
            &["--treatment", "post"],
        ),
        &["no column \"l_homicid\""],
    );
}

#[test]
fn callaway_santanna_through_the_cli() {
    let het = dataset("df_het.csv");
    let base = did(&het, ["dep_var", "unit", "year"], &["--method", "cs"]);
    let run = |extra: &[&str]| {
        let a = [base.as_slice(), extra].concat();
        let o = effekt(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    // the first-treated column and the treatment indicator give the same analysis
    let one = run(&[
        "--first-treated",
        "g",
        "--bootstrap",
        "199",
        "--seed",
        "3",
        "--threads",
        "1",
        "--json",
        "-",
    ]);
    assert_eq!(
        one,
        run(&[
            "--first-treated",
            "g",
            "--bootstrap",
            "199",
            "--seed",
            "3",
            "--threads",
            "2",
            "--json",
            "-"
        ])
    );
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let w: serde_json::Value = serde_json::from_slice(&run(&[
        "--treatment",
        "treat",
        "--bootstrap",
        "199",
        "--seed",
        "3",
        "--json",
        "-",
    ]))
    .unwrap();
    assert_eq!(v["estimate"], w["estimate"]);
    assert_eq!(v["std_error"], w["std_error"]);
    for key in [
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
        "group_time",
        "event_study",
        "counterfactual",
        "tidy",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["method"], "cs");
    assert!(!v["group_time"].as_array().unwrap().is_empty());
    // the simple ATT is close to the true ATT of the simulation (2.22 over treated unit-years)
    assert!(
        (v["estimate"].as_f64().unwrap() - 2.2).abs() < 0.3,
        "{}",
        v["estimate"]
    );
    bad(
        &[
            base.as_slice(),
            &["--first-treated", "g", "--wild-bootstrap", "99"],
        ]
        .concat(),
        &["multiplier bootstrap"],
    );
}

/// `--weight-column`: the table and the JSON say which column weighted the estimates, and the
/// unweighted run says it is unweighted.
#[test]
fn weights_are_stated_in_the_table_and_the_json() {
    let w = json(&castle(&["--weight-column", "popwt", "--json", "-"]));
    let u = json(&castle(&["--json", "-"]));
    assert_eq!(w["weights"]["column"], "popwt");
    assert_eq!(w["weights"]["weighted"], true);
    let d = w["weights"]["description"].as_str().unwrap();
    assert!(d.contains("weighted") && d.contains("popwt"), "{d}");
    assert_eq!(u["weights"]["weighted"], false);
    assert!(u["weights"]["column"].is_null());
    // the weights really were used
    assert_ne!(w["estimate"], u["estimate"]);
    let o = effekt(&castle(&["--weight-column", "popwt"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    let line = t
        .lines()
        .find(|l| l.trim_start().starts_with("weights:"))
        .unwrap_or_else(|| panic!("no weights line: {t}"));
    assert!(
        line.contains("popwt") && line.contains("weighted"),
        "{line}"
    );
    let o = effekt(&castle(&[]));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(!t.contains("weights:"), "{t}");

    // Callaway-Sant'Anna with sampling weights constant within units
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dataset("df_het.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{line},w\n"));
        } else {
            let unit: u64 = line.split(',').next().unwrap().parse().unwrap();
            out.push_str(&format!("{line},{}\n", 1 + unit % 3));
        }
    }
    let p = write(dir.path(), "het_w.csv", &out);
    let cs = |extra: &[&'static str]| {
        let rest = [
            &[
                "--first-treated",
                "g",
                "--method",
                "cs",
                "--bootstrap",
                "99",
            ][..],
            extra,
        ]
        .concat();
        did(p.to_str().unwrap(), ["dep_var", "unit", "year"], &rest)
    };
    let v = json(&cs(&["--weight-column", "w", "--json", "-"]));
    assert_eq!(v["weights"]["column"], "w");
    assert_eq!(v["weights"]["weighted"], true);
    assert!(
        v["weights"]["description"]
            .as_str()
            .unwrap()
            .contains("sampling weights")
    );
    let o = effekt(&cs(&["--weight-column", "w"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("weights: weighted"), "{t}");
}

/// The wild bootstrap with 4 clusters: by default Webb weights are used and the output says
/// so; Rademacher weights asked for explicitly get a warning recommending Webb weights.
#[test]
fn wild_bootstrap_with_few_clusters_uses_webb_weights_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dataset("castle.csv")).unwrap();
    let mut header: Vec<&str> = Vec::new();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            header = line.split(',').collect();
            out.push_str(&format!("{line},region\n"));
            continue;
        }
        let sid_col = header.iter().position(|h| *h == "sid").unwrap();
        let sid: u32 = line.split(',').nth(sid_col).unwrap().parse().unwrap();
        out.push_str(&format!("{line},{}\n", (sid - 1) % 4 + 1));
    }
    let p = write(dir.path(), "castle_regions.csv", &out);
    let run = |extra: &[&'static str]| {
        let fixed = [
            "--treatment",
            "post",
            "--cluster",
            "region",
            "--wild-bootstrap",
            "999",
        ];
        let rest = [&fixed[..], extra].concat();
        let o = effekt(&did(
            p.to_str().unwrap(),
            ["l_homicide", "sid", "year"],
            &rest,
        ));
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    let v: serde_json::Value = serde_json::from_slice(&run(&["--json", "-"])).unwrap();
    let w = &v["wild_bootstrap"];
    assert_eq!(w["weights"], "webb");
    assert!(
        w["method"]
            .as_str()
            .unwrap()
            .contains("webb weights (the default")
    );
    let warn = w["warnings"][0].as_str().unwrap();
    assert!(warn.contains("Webb weights were used"), "{warn}");
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str() == Some(warn)),
        "{v}"
    );
    let t = String::from_utf8(run(&[])).unwrap();
    assert!(
        t.lines()
            .any(|l| l.contains("warning:") && l.contains("Webb weights were used")),
        "{t}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["--weights", "rademacher", "--json", "-"])).unwrap();
    let w = &v["wild_bootstrap"];
    assert_eq!(w["weights"], "rademacher");
    assert_eq!(w["resamples"], 16);
    let warn = w["warnings"][0].as_str().unwrap();
    assert!(
        warn.contains("Rademacher") && warn.contains("use Webb weights"),
        "{warn}"
    );
}

/// df_het with the rows where (7 · unit + year) mod 13 = 0 removed (as the effekt-did fixture
/// `cs/df_het_unbalanced_*.json`), written into `dir`.
fn df_het_unbalanced(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(dataset("df_het.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let col = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let (iu, iy) = (col("unit"), col("year"));
    let mut out = format!("{header}\n");
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let (u, y): (i64, i64) = (f[iu].parse().unwrap(), f[iy].parse().unwrap());
        if (u * 7 + y) % 13 != 0 {
            out.push_str(line);
            out.push('\n');
        }
    }
    write(dir, "unbalanced.csv", &out)
}

/// Callaway–Sant'Anna on an unbalanced panel: `--sampling unbalanced-panel` keeps every unit
/// and gives csdid 0.4.3's simple ATT and analytic SE (`allow_unbalanced_panel`; effekt-did
/// fixture `cs/df_het_unbalanced_dr.json`, 1e-6 relative); the default balanced panel would
/// drop every never-treated unit and says so (the catalogue's `limits.rs` checks the table's
/// line on dropped units).
#[test]
fn callaway_santanna_on_an_unbalanced_panel_keeps_every_unit_with_sampling() {
    let dir = tempfile::tempdir().unwrap();
    let data = df_het_unbalanced(dir.path());
    let data = data.to_str().unwrap();
    let cols = ["dep_var", "unit", "year"];
    let cs = ["--first-treated", "g", "--method", "cs", "--bootstrap", "0"];
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("crates/effekt-did/tests/fixtures/cs/df_het_unbalanced_dr.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let want = &fixture["simple"]["overall"];
    let kept = json(&did(
        data,
        cols,
        &[&cs[..], &["--sampling", "unbalanced-panel", "--json", "-"]].concat(),
    ));
    for (ours, theirs) in [("estimate", "att"), ("std_error", "se")] {
        let (a, b) = (kept[ours].as_f64().unwrap(), want[theirs].as_f64().unwrap());
        assert!((a - b).abs() <= 1e-6 * b.abs(), "{ours}: {a} vs csdid {b}");
    }
    let dropped = kept["cs"]["dropped"].as_array().unwrap();
    assert!(
        dropped.iter().all(|d| d["reason"] != "unbalanced"),
        "{dropped:?}"
    );

    // balanced (the default): every never-treated unit has a gap, so the never-treated
    // comparison is impossible, and the message names the way out
    bad(
        &did(data, cols, &cs),
        &[
            "balancing the panel dropped all 526 never-treated unit(s)",
            "unbalanced-panel",
        ],
    );
}

#[test]
fn a_failed_pre_trend_test_is_a_failed_check_in_the_table_and_the_json() {
    let table = common::stdout(&effekt(&castle(&["--method", "event-study"])));
    assert!(
        table.contains("CHECK FAILED: pre-trends rejected"),
        "{table}"
    );
    let v = json(&castle(&["--method", "event-study", "--json", "-"]));
    let c = &v["checks"][0];
    assert_eq!(c["check"], "pre_trends", "{c}");
    assert_eq!(c["verdict"], "failed", "{c}");
    assert!(c["p_value"].as_f64().unwrap() < 1e-3, "{c}");
    assert!(c["largest"]["event_time"].as_i64().unwrap() < 0, "{c}");
    // TWFE has no pre-trend test: no check.
    let v = json(&castle(&["--method", "twfe", "--json", "-"]));
    assert!(
        v["checks"].as_array().unwrap().is_empty(),
        "{}",
        v["checks"]
    );
}
