//! `effekt rct` end to end: the JSON shape and values (against the estimatr fixtures of
//! effekt-rct), determinism across thread counts, the readable output, and every bad-input case
//! of the issue (exit code 2 with a message naming what to fix).

use effekt_testkit::Tol;
use std::path::Path;

use crate::common;
use common::{bad, dataset, effekt, json, stderr, stdout_same_at_1_2_8_threads, write};

fn rct_fixture(name: &str) -> String {
    format!(
        "{}/crates/effekt-rct/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[track_caller]
fn close(a: &serde_json::Value, b: &serde_json::Value, what: &str) {
    let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
    effekt_testkit::assert_close!(a, b, Tol::rel(1e-8).floor(1e-3), "{what}");
}

#[test]
fn json_has_the_issue_fields_and_estimatr_values() {
    let data = dataset("thornton_hiv.csv");
    let v = json(&[
        "rct",
        "--data",
        &data,
        "--outcome",
        "got",
        "--treatment",
        "any",
        "--missing",
        "drop",
        "--outcome-type",
        "binary",
        "--json",
        "-",
    ]);
    for key in [
        "estimate",
        "std_error",
        "df",
        "p_value",
        "conf_low",
        "conf_high",
        "counterfactual",
        "inference",
        "tidy",
        "binary",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["treated_observed", "treated_counterfactual", "control"] {
        assert!(v["counterfactual"][key].is_number(), "counterfactual.{key}");
    }
    for key in ["method", "reason", "warnings"] {
        assert!(v["inference"].get(key).is_some(), "inference.{key}");
    }
    for key in [
        "risk_difference",
        "risk_difference_pp",
        "risk_ratio",
        "odds_ratio",
        "fisher",
    ] {
        assert!(v["binary"].get(key).is_some(), "binary.{key}");
    }
    let text = std::fs::read_to_string(rct_fixture("thornton.json")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = &f["dim"];
    close(&v["estimate"], &r["estimate"], "estimate");
    close(&v["std_error"], &r["std_error"], "std_error");
    close(&v["df"], &r["df"], "df");
    close(&v["conf_low"], &r["conf_low"], "conf_low");
    close(&v["conf_high"], &r["conf_high"], "conf_high");
    assert_eq!(v["n"], r["rows"]);
    assert_eq!(v["dropped_rows"], r["dropped"]);
    assert_eq!(v["tidy"][0]["term"], "any");
    let cf = &v["counterfactual"];
    let diff =
        cf["treated_observed"].as_f64().unwrap() - cf["treated_counterfactual"].as_f64().unwrap();
    assert!((diff - v["estimate"].as_f64().unwrap()).abs() < 1e-12);
}

#[test]
fn json_is_byte_identical_at_1_2_and_8_threads() {
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--data".into(),
            dataset("thornton_hiv.csv"),
            "--outcome".into(),
            "got".into(),
            "--treatment".into(),
            "any".into(),
            "--missing".into(),
            "drop".into(),
            "--outcome-type".into(),
            "binary".into(),
            "--randomization-inference".into(),
            "3000".into(),
            "--bootstrap".into(),
            "500".into(),
        ],
        vec![
            "--data".into(),
            rct_fixture("clustered.csv"),
            "--outcome".into(),
            "y".into(),
            "--treatment".into(),
            "z".into(),
            "--clusters".into(),
            "cl".into(),
            "--covariates".into(),
            "x1".into(),
            "--estimator".into(),
            "lin".into(),
            "--bootstrap".into(),
            "400".into(),
        ],
        vec![
            "--data".into(),
            rct_fixture("blocked.csv"),
            "--outcome".into(),
            "y".into(),
            "--treatment".into(),
            "z".into(),
            "--blocks".into(),
            "block".into(),
            "--randomization-inference".into(),
            "2000".into(),
            "--bootstrap".into(),
            "400".into(),
        ],
    ];
    for case in cases {
        let mut args: Vec<&str> = vec!["rct"];
        args.extend(case.iter().map(String::as_str));
        args.extend(["--seed", "5"]);
        let one = stdout_same_at_1_2_8_threads(&args);
        let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert!(v["bootstrap"]["resamples"].is_number());
        assert_eq!(v["bootstrap"]["seed"], 5);
    }
}

#[test]
fn readable_output_says_which_inference_and_why() {
    let o = effekt(&[
        "rct",
        "--data",
        &rct_fixture("clustered.csv"),
        "--outcome",
        "y",
        "--treatment",
        "z",
        "--clusters",
        "cl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Inference: CR2",
        "Why: cluster-randomised design with 14 clusters (< 20)",
        "Randomisation inference (exact",
        "Counterfactual",
    ] {
        assert!(out.contains(needle), "lacks {needle:?}:\n{out}");
    }
}

#[test]
fn json_to_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = effekt(&[
        "rct",
        "--data",
        &rct_fixture("pairs.csv"),
        "--outcome",
        "y",
        "--treatment",
        "z",
        "--blocks",
        "pair",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["design"], "matched-pair");
    assert!(v["randomization"]["exact"].as_bool().unwrap());
}

#[test]
fn bad_inputs_exit_2_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["rct", "--outcome", "y", "--treatment", "t"];
    let run = |file: &Path, extra: &[&str], needles: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["--data", file.to_str().unwrap()]);
        args.extend(extra);
        bad(&args, needles);
    };
    // Treatment not 0/1.
    let f = write(d, "t2.csv", "y,t\n1,0\n2,1\n3,2\n4,0\n");
    run(&f, &[], &["treatment must be 0/1", "row 4", "\"2\""]);
    // One arm empty.
    let f = write(d, "onearm.csv", "y,t\n1,1\n2,1\n3,1\n");
    run(&f, &[], &["no control (0) rows"]);
    // A cluster with both arms in a cluster design.
    let f = write(
        d,
        "mixed.csv",
        "y,t,g\n1,1,a\n2,1,a\n3,0,b\n4,0,b\n5,1,c\n6,0,c\n7,0,d\n8,1,e\n",
    );
    run(
        &f,
        &["--clusters", "g"],
        &[
            "cluster \"c\"",
            "1 treated and 1 control",
            "row 7",
            "--cluster-assignment individual",
        ],
    );
    // Missing outcome (default policy: error).
    let f = write(d, "miss.csv", "y,t\n1,1\n,0\n3,1\n4,0\n");
    run(&f, &[], &["missing", "row 3", "--missing drop"]);
    // Covariate constant.
    let f = write(d, "const.csv", "y,t,x\n1,1,5\n2,0,5\n3,1,5\n4,0,5\n5,1,5\n");
    run(
        &f,
        &["--covariates", "x", "--estimator", "ancova"],
        &["covariate \"x\" is constant (5)"],
    );
    // Perfect collinearity with the treatment.
    let f = write(
        d,
        "coll.csv",
        "y,t,x\n1,1,3\n2,0,1\n3,1,3\n4,0,1\n5,1,3\n6,0,1\n",
    );
    run(
        &f,
        &["--covariates", "x", "--estimator", "lin"],
        &["perfectly collinear", "\"x\"", "remove"],
    );
    run(
        &f,
        &["--covariates", "x", "--estimator", "ancova"],
        &["perfectly collinear"],
    );
    // Fewer than 2 clusters per arm.
    let f = write(
        d,
        "fewcl.csv",
        "y,t,g\n1,1,a\n2,1,a\n3,0,b\n4,0,b\n5,0,c\n6,0,c\n",
    );
    run(
        &f,
        &["--clusters", "g"],
        &["treated (1) arm has 1 cluster", "at least 2 clusters"],
    );
    // Binary outcome that is not 0/1.
    let f = write(d, "bin.csv", "y,t\n0,1\n1,0\n2,1\n0,0\n");
    run(
        &f,
        &["--outcome-type", "binary"],
        &["binary outcome must be 0 or 1", "row 4"],
    );
    // A block with one arm.
    let f = write(
        d,
        "blk.csv",
        "y,t,b\n1,1,1\n2,0,1\n3,1,1\n4,0,1\n5,1,2\n6,1,2\n",
    );
    run(
        &f,
        &["--blocks", "b"],
        &["block \"2\" has no control (0) units"],
    );
    // Unknown column and bad level.
    let f = write(d, "ok.csv", "y,t\n1,1\n2,0\n3,1\n4,0\n");
    bad(
        &[
            "rct",
            "--data",
            f.to_str().unwrap(),
            "--outcome",
            "yy",
            "--treatment",
            "t",
        ],
        &["no column \"yy\"", "did you mean \"y\""],
    );
    run(
        &f,
        &["--level", "95"],
        &["--level", "between 1e-12 and 1 - 1e-12"],
    );
    run(&f, &["--estimator", "ancova"], &["covariates"]);
    run(&f, &["--cluster-assignment", "individual"], &["--clusters"]);
}

#[test]
fn cluster_and_block_are_aliases_as_in_the_other_subcommands() {
    let data = rct_fixture("clustered.csv");
    let base = ["rct", "--data", &data, "--outcome", "y", "--treatment", "z"];
    let a = json(&[&base[..], &["--clusters", "cl", "--json", "-"]].concat());
    let b = json(&[&base[..], &["--cluster", "cl", "--json", "-"]].concat());
    assert_eq!(a, b);
    assert_eq!(a["design"], "clustered");
    assert_eq!(a["n_clusters"], 14);
    let pairs = rct_fixture("pairs.csv");
    let base = [
        "rct",
        "--data",
        &pairs,
        "--outcome",
        "y",
        "--treatment",
        "z",
    ];
    let a = json(&[&base[..], &["--blocks", "pair", "--json", "-"]].concat());
    let b = json(&[&base[..], &["--block", "pair", "--json", "-"]].concat());
    assert_eq!(a, b);
}

#[test]
fn a_zero_one_outcome_gets_the_binary_measures_unless_told_otherwise() {
    let data = dataset("thornton_hiv.csv");
    let base = [
        "rct",
        "--data",
        &data,
        "--outcome",
        "got",
        "--treatment",
        "any",
        "--missing",
        "drop",
        "--json",
        "-",
    ];
    let auto = json(&base);
    assert_eq!(auto["outcome_type"], "binary");
    assert!(
        auto["binary"]["risk_ratio"].is_object(),
        "{}",
        auto["binary"]
    );
    let explicit = json(&[&base[..], &["--outcome-type", "binary"]].concat());
    assert_eq!(auto, explicit);
    let off = json(&[&base[..], &["--outcome-type", "continuous"]].concat());
    assert!(off["binary"].is_null());
    // a continuous outcome stays continuous
    let age = json(&[
        "rct",
        "--data",
        &data,
        "--outcome",
        "age",
        "--treatment",
        "any",
        "--missing",
        "drop",
        "--json",
        "-",
    ]);
    assert!(age["binary"].is_null());
}

#[test]
fn balance_between_the_arms_is_a_check_in_the_table_and_the_json() {
    let data = dataset("thornton_hiv.csv");
    let base = [
        "rct",
        "--data",
        &data,
        "--outcome",
        "got",
        "--treatment",
        "any",
        "--covariates",
        "age,distvct",
        "--missing",
        "drop",
    ];
    // The difference in means reads no covariates, but their balance is shown: age differs by
    // 0.12 SD between the randomised arms, a caution.
    let o = effekt(&base);
    let table = common::stdout(&o);
    assert!(table.contains("Balance between the arms"), "{table}");
    assert!(
        table.contains("caution: chance imbalance between the randomised arms on age"),
        "{table}"
    );
    let v = json(&[&base[..], &["--json", "-"]].concat());
    let c = &v["checks"][0];
    assert_eq!(
        (c["check"].as_str(), c["verdict"].as_str()),
        (Some("balance"), Some("caution")),
        "{c}"
    );
    assert_eq!(c["comparison"], "randomised");
    assert_eq!(v["balance"].as_array().unwrap().len(), 2);
    // ANCOVA adjusts for the covariates: the check passes.
    let v = json(&[&base[..], &["--estimator", "ancova", "--json", "-"]].concat());
    assert_eq!(v["checks"][0]["verdict"], "passed", "{}", v["checks"]);
    assert_eq!(v["checks"][0]["comparison"], "randomised_adjusted");
}
