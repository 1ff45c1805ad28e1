//! `effekt match` end to end: the JSON shape, agreement with MatchIt 4.5.1 (fixture of
//! effekt-matching), independence of the row order, byte-identical output at any thread count,
//! and every bad input the issue lists (exit code 2 with a message naming what to fix).

use std::path::Path;
use std::sync::LazyLock;

use crate::common;
use common::{
    bad, dataset, effekt, effekt_in, json_stdout as json, stderr, stdout_same_at_1_2_8_threads,
    write,
};

const COVS: &str = "age,educ,race,married,nodegree,re74,re75";

static LALONDE: LazyLock<String> = LazyLock::new(|| dataset("lalonde.csv"));

/// `match --data DATA --treatment D --outcome Y --covariates COVARIATES` followed by `rest`.
fn matching<'a>(data: &'a str, [d, y, covariates]: [&'a str; 3], rest: &[&'a str]) -> Vec<&'a str> {
    let base = [
        "match",
        "--data",
        data,
        "--treatment",
        d,
        "--outcome",
        y,
        "--covariates",
        covariates,
    ];
    [&base[..], rest].concat()
}

/// lalonde.csv: re78 by treat, adjusted for [`COVS`], followed by `extra`.
fn lalonde<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    matching(&LALONDE, ["treat", "re78", COVS], extra)
}

fn fixture() -> serde_json::Value {
    let p = format!(
        "{}/crates/effekt-matching/tests/fixtures/matchit_lalonde.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// lalonde with its rows permuted (header kept), deterministically.
fn shuffled_lalonde() -> String {
    let text = std::fs::read_to_string(dataset("lalonde.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // a fixed permutation: multiply the index by a unit mod n
    let n = lines.len();
    let perm: Vec<&str> = (0..n).map(|i| lines[(i * 389 + 17) % n]).collect();
    let mut s = String::from(header);
    s.push('\n');
    for l in perm {
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn json_has_the_issue_fields_and_matches_matchit() {
    let v = json(&effekt(&lalonde(&[
        "--se", "cr1", "--ties", "data", "--json", "-",
    ])));
    for key in [
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
        "n_matched_treated",
        "n_matched_control",
        "n_unmatched_treated",
        "balance",
        "counterfactual",
        "tidy",
        "inference",
        "dropped",
        "love_plot",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in [
        "covariate",
        "smd_before",
        "smd_after",
        "var_ratio_before",
        "var_ratio_after",
        "ecdf_mean_after",
        "ecdf_max_after",
        "ks_after",
        "flagged",
    ] {
        assert!(v["balance"][1].get(key).is_some(), "balance lacks {key}");
    }
    let fx = fixture();
    let want = &fx["nearest"]["data"]["effect"];
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(
        rel(
            v["estimate"].as_f64().unwrap(),
            want["estimate"].as_f64().unwrap()
        ) < 1e-8
    );
    assert!(
        rel(
            v["std_error"].as_f64().unwrap(),
            want["se_cr1"].as_f64().unwrap()
        ) < 1e-8
    );
    assert_eq!(v["n_matched_treated"], 185);
    assert_eq!(v["n_matched_control"], 185);
    assert_eq!(v["n_unmatched_treated"], 0);
    let cf = &v["counterfactual"];
    let t = cf["treated_observed"].as_f64().unwrap();
    let c = cf["treated_counterfactual"].as_f64().unwrap();
    assert!((t - c - v["estimate"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(v["tidy"][0]["term"], "ATT");
}

#[test]
fn row_order_does_not_matter_except_with_order_data() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    std::fs::copy(dataset("lalonde.csv"), a.path().join("lalonde.csv")).unwrap();
    write(b.path(), "lalonde.csv", &shuffled_lalonde());
    let run = |dir: &Path, extra: &[&str]| {
        let rest = [&["--json", "-"][..], extra].concat();
        let args = matching("lalonde.csv", ["treat", "re78", COVS], &rest);
        let o = effekt_in(Some(dir), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    for extra in [
        &[][..],
        &["--caliper", "0.2"][..],
        &["--replace", "--ratio", "2"][..],
        &["--ratio", "2", "--bootstrap", "200"][..],
        &["--distance", "mahalanobis", "--caliper", "0.2"][..],
        &["--order", "random", "--seed", "3"][..],
        &["--method", "cem"][..],
        &["--method", "ipw", "--estimand", "ate"][..],
    ] {
        assert_eq!(
            run(a.path(), extra),
            run(b.path(), extra),
            "row order changed the output with {extra:?}"
        );
    }
    // the default equals MatchIt run on the rows in canonical order (fixture)
    let v: serde_json::Value = serde_json::from_slice(&run(b.path(), &[])).unwrap();
    let want = fixture()["nearest"]["canonical"]["effect"]["estimate"]
        .as_f64()
        .unwrap();
    assert!((v["estimate"].as_f64().unwrap() - want).abs() < 1e-8 * want.abs());
    // --order data processes the treated units in file order: the result may change
    let da = run(a.path(), &["--order", "data"]);
    let db = run(b.path(), &["--order", "data"]);
    assert_ne!(da, db, "--order data should follow the file order");
}

#[test]
fn json_is_byte_identical_at_1_2_and_8_threads() {
    let one = stdout_same_at_1_2_8_threads(&lalonde(&[
        "--ratio",
        "2",
        "--bootstrap",
        "400",
        "--ci",
        "bca",
        "--adjust",
        "--seed",
        "11",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["effect"]["bootstrap"]["resamples"], 400);
    assert_eq!(v["effect"]["bootstrap"]["seed"], 11);
    assert_eq!(v["tidy"][1]["term"], "ATT (analytic)");
}

#[test]
fn table_says_which_inference_and_why() {
    let o = effekt(&lalonde(&["--replace"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("Abadie-Imbens"), "{t}");
    assert!(t.contains("why:"), "{t}");
    assert!(t.contains("counterfactual"), "{t}");
    assert!(t.contains("raceblack"), "{t}");
    let o = effekt(&lalonde(&["--method", "cem"]));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("HC3") && t.contains("no pairs"), "{t}");
    assert!(t.contains("coarsened stratum"), "{t}");
}

#[test]
fn save_matched_writes_match_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("md.csv");
    let data = dataset("lalonde.csv");
    let o = effekt(&[
        "match",
        "--data",
        &data,
        "--treatment",
        "treat",
        "--covariates",
        COVS,
        "--save-matched",
        out.to_str().unwrap(),
        "--json",
        "-",
    ]);
    let v = json(&o);
    assert!(v["estimate"].is_null(), "no outcome, no estimate");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "row,treated,distance,weight,subclass,discarded,matched_rows"
    );
    assert_eq!(lines.len(), 615);
    // spreadsheet rows: the first data row is row 2
    assert!(lines[1].starts_with("2,1,"), "{}", lines[1]);
    let matched = lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(3) != Some("0"))
        .count();
    assert_eq!(matched, 370);
}

#[test]
fn bad_input_perfect_separation_names_the_covariate() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("t,y,age,score\n");
    for i in 0..30 {
        let t = i % 2;
        // score separates treatment perfectly; age does not
        let score = if t == 1 {
            10.0 + i as f64
        } else {
            i as f64 / 10.0
        };
        s.push_str(&format!("{t},{},{},{score}\n", i % 7, 20 + (i * 7) % 13));
    }
    let p = write(dir.path(), "sep.csv", &s);
    bad(
        &matching(p.to_str().unwrap(), ["t", "y", "age,score"], &[]),
        &["separation", "score"],
    );
}

#[test]
fn bad_input_caliper_leaves_no_treated_matched() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("t,y,x\n");
    for i in 0..20 {
        s.push_str(&format!("0,{},{}\n", i % 5, i));
    }
    for i in 5..25 {
        s.push_str(&format!("1,{},{}\n", i % 3, i as f64 + 0.5));
    }
    let p = write(dir.path(), "far.csv", &s);
    bad(
        &matching(
            p.to_str().unwrap(),
            ["t", "y", "x"],
            &["--caliper", "0.0001", "--replace"],
        ),
        &[
            "caliper",
            "all 20 treated units were dropped",
            "wider caliper",
        ],
    );
}

#[test]
fn bad_input_too_few_controls_for_k_to_1() {
    bad(
        &lalonde(&["--ratio", "3"]),
        &[
            "3:1 matching without replacement needs 555 control units",
            "only 429",
            "--replace",
        ],
    );
}

#[test]
fn bad_input_constant_covariate() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dataset("lalonde.csv")).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        out.push_str(l);
        out.push_str(if i == 0 { ",region\n" } else { ",north\n" });
    }
    let p = write(dir.path(), "const.csv", &out);
    bad(
        &matching(
            p.to_str().unwrap(),
            ["treat", "re78", "age,educ,region"],
            &[],
        ),
        &["\"region\"", "same value", "north"],
    );
}

#[test]
fn bad_input_missing_covariate_values_follow_the_data_policy() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(dataset("lalonde.csv")).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        if i == 5 {
            // blank the age (second field) of data row 5 = spreadsheet row 6
            let mut f: Vec<&str> = l.split(',').collect();
            f[1] = "";
            out.push_str(&f.join(","));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    let p = write(dir.path(), "na.csv", &out);
    let ps = p.to_str().unwrap();
    let na = |extra: &[&'static str]| matching(ps, ["treat", "re78", COVS], extra);
    bad(&na(&[]), &["\"age\"", "row 6", "--missing drop"]);
    let v = json(&effekt(&na(&["--missing", "drop", "--json", "-"])));
    assert_eq!(v["data"]["rows_dropped_missing"], 1);
    assert_eq!(v["n"], 613);
}

#[test]
fn bad_options_are_exit_2() {
    // (arguments after the lalonde columns, needles)
    let cases: [(&[&str], &[&str]); 5] = [
        (&["--estimand", "ate"], &["ATE", "--replace"]),
        (
            &["--replace", "--bootstrap", "100"],
            &["bootstrap", "Abadie"],
        ),
        (&["--caliper=-1"], &["caliper", "positive"]),
        (
            &["--method", "cem", "--cutpoints", "age=[a,b]"],
            &["cut points"],
        ),
        (
            &["--caliper-covariate", "race=0.5"],
            &["race", "categorical"],
        ),
    ];
    for (extra, needles) in cases {
        bad(&lalonde(extra), needles);
    }
    bad(
        &matching(&LALONDE, ["treat", "re78", "age,nosuch"], &[]),
        &["nosuch"],
    );
}

/// With `--bootstrap B` the table and the JSON say that the pair bootstrap was used (B, seed)
/// and why — not the reason given for the analytic CR2 pair-cluster standard error.
#[test]
fn bootstrap_inference_says_what_was_used_and_why() {
    let args = |json: bool| {
        let mut a = lalonde(&["--bootstrap", "199", "--seed", "7"]);
        if json {
            a.extend(["--json", "-"]);
        }
        a
    };
    let o = effekt(&args(false));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    let line = |prefix: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in {t}"))
            .to_string()
    };
    let method = line("Inference:");
    let why = line("why:");
    for needle in ["pair bootstrap", "B = 199", "seed 7"] {
        assert!(method.contains(needle), "{method}");
        assert!(why.contains(needle) || needle == "pair bootstrap", "{why}");
    }
    assert!(why.contains("requested"), "{why}");
    assert!(
        !why.contains("default after matching without replacement"),
        "the analytic reason is shown for the bootstrap: {why}"
    );
    let v = json(&effekt(&args(true)));
    let reason = v["inference"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("requested (bootstrap with B = 199"),
        "{reason}"
    );
    let method = v["inference"]["method"].as_str().unwrap();
    assert!(
        method.contains("B = 199") && method.contains("seed 7"),
        "{method}"
    );
    // the analytic result stays available
    assert_eq!(v["tidy"][1]["term"], "ATT (analytic)");
}

/// The `--help` text of `--save-matched` names every column the file has and says that
/// unmatched units are listed too.
#[test]
fn save_matched_help_describes_the_file() {
    let o = effekt(&["match", "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = help.find("--save-matched").expect("option listed");
    let text = &help[start..];
    let text = &text[..text.find(" --threads").unwrap_or(text.len()).min(1200)];
    // what the file actually holds
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("md.csv");
    let data = dataset("lalonde.csv");
    let o = effekt(&[
        "match",
        "--data",
        &data,
        "--treatment",
        "treat",
        "--covariates",
        COVS,
        "--caliper",
        "0.1",
        "--save-matched",
        out.to_str().unwrap(),
        "--json",
        "-",
    ]);
    let v = json(&o);
    let csv = std::fs::read_to_string(&out).unwrap();
    let header = csv.lines().next().unwrap();
    for col in header.split(',') {
        assert!(text.contains(col), "help lacks column {col:?}: {text}");
    }
    // unmatched units are in the file with weight 0, as the help says
    assert!(text.contains("matched or not"), "{text}");
    let n_lines = csv.lines().count() - 1;
    assert_eq!(n_lines, v["n"].as_u64().unwrap() as usize);
    assert!(v["n_unmatched_treated"].as_u64().unwrap() > 0);
    let zero = csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(3) == Some("0"))
        .count();
    assert!(zero > 0);
    assert!(text.contains("0 = not in the matched sample"), "{text}");
}

/// `--method aipw --estimand att`: the doubly robust ATT (effekt-matching's fixture
/// `aipw_att_drdid.json`, from Python drdid), with its inference named.
#[test]
fn aipw_att_runs_and_equals_the_drdid_reference() {
    let v = json(&effekt(&lalonde(&[
        "--method",
        "aipw",
        "--estimand",
        "att",
        "--json",
        "-",
    ])));
    let p = format!(
        "{}/crates/effekt-matching/tests/fixtures/aipw_att_drdid.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let fx: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let want = fx["aipw_att"]["estimate"].as_f64().unwrap();
    let got = v["estimate"].as_f64().unwrap();
    assert!(((got - want) / want).abs() < 1e-8, "{got} vs {want}");
    assert_eq!(v["estimand"], "ATT");
    assert!(
        v["inference"]["method"]
            .as_str()
            .unwrap()
            .contains("doubly robust ATT")
    );
}

#[test]
fn a_failed_balance_check_is_in_the_table_and_the_json_and_a_passed_one_is_not_raised() {
    // 1:1 nearest neighbour on lalonde leaves race and the propensity score far apart.
    let o = effekt(&lalonde(&[]));
    let table = common::stdout(&o);
    assert!(
        table.contains("CHECK FAILED: balance not achieved: after matching the groups still differ on raceblack"),
        "{table}"
    );
    let v = common::json(&lalonde(&["--json", "-"]));
    let c = &v["checks"][0];
    assert_eq!(c["check"], "balance", "{c}");
    assert_eq!(c["verdict"], "failed", "{c}");
    assert_eq!(c["comparison"], "matched", "{c}");
    assert_eq!(c["worst"]["covariate"], "raceblack", "{c}");
    assert!(c["worst"]["smd"].as_f64().unwrap() > 0.25, "{c}");
    // Coarsened exact matching balances every covariate within 0.1 SD.
    let v = common::json(&lalonde(&["--method", "cem", "--json", "-"]));
    assert_eq!(v["checks"][0]["verdict"], "passed", "{}", v["checks"]);
    let table = common::stdout(&effekt(&lalonde(&["--method", "cem"])));
    assert!(!table.contains("CHECK FAILED"), "{table}");
    assert!(table.contains("check passed: balance achieved"), "{table}");
}
