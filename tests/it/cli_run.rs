//! `effekt run` end to end: the report files, self-contained HTML in English and Swedish, and
//! bad study files (exit code 2 naming the key and the line).

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common;
use common::{effekt, expect_exit_2, root, stderr, stdout};

fn pilot_study() -> PathBuf {
    root().join("crates/effekt-report/tests/fixtures/pilot_study.toml")
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A copy of the pilot study and its data in a temporary directory, with `edit` applied to the
/// study text.
fn edited_study(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("crates/effekt-report/tests/fixtures");
    std::fs::copy(fixtures.join("pilot.csv"), dir.path().join("pilot.csv")).unwrap();
    let text = edit(&std::fs::read_to_string(pilot_study()).unwrap());
    let path = dir.path().join("study.toml");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle}"))
        + 1
}

/// Run `effekt run STUDY --out OUT` followed by `extra`.
fn run(study: &Path, out: &Path, extra: &[&str]) -> Output {
    let args = [
        &[
            "run",
            study.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ][..],
        extra,
    ]
    .concat();
    effekt(&args)
}

/// [`run`], which must succeed (else the test fails naming the arguments, with stderr).
fn run_ok(study: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = run(study, out, extra);
    assert!(
        o.status.success(),
        "effekt run {} --out {} {extra:?}: {}",
        study.display(),
        out.display(),
        stderr(&o)
    );
    o
}

/// Run in English into `dir`: the three report files are written, the HTML is self-contained
/// and it and the Markdown speak of the counterfactual. Returns the run (its console summary).
fn english_report(study: &Path, dir: &Path) -> Output {
    let o = run_ok(study, dir, &[]);
    for f in ["report.html", "report.md", "report.json"] {
        assert!(dir.join(f).exists(), "{}: no {f}", dir.display());
    }
    let html = read(dir, "report.html");
    check_html(&html);
    for (name, text) in [("report.html", html), ("report.md", read(dir, "report.md"))] {
        assert!(
            text.contains("counterfactual"),
            "{}/{name} lacks \"counterfactual\"",
            dir.display()
        );
    }
    o
}

/// Run with `--lang sv` into `dir`: the HTML is self-contained and says "kontrafaktisk".
/// Returns the HTML.
fn swedish_html(study: &Path, dir: &Path) -> String {
    run_ok(study, dir, &["--lang", "sv"]);
    let html = read(dir, "report.html");
    check_html(&html);
    assert!(
        html.contains("kontrafaktisk"),
        "{}/report.html lacks \"kontrafaktisk\"",
        dir.display()
    );
    html
}

/// Run and expect exit code 2 with all `needles` in the message, and no report written.
fn bad(study: &Path, needles: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let o = run(study, out.path(), &[]);
    expect_exit_2(&o, &study.display().to_string(), needles);
    assert!(
        !out.path().join("report.html").exists(),
        "nothing is written on bad input"
    );
}

fn check_html(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "inline SVG plots");
    let lower = html.to_lowercase();
    assert!(!lower.contains("src="), "no src= at all");
    assert!(
        !lower.contains("href=\"http") && !lower.contains("href='http"),
        "no external links"
    );
    assert!(!lower.contains("<script") && !lower.contains("<link"));
}

#[test]
fn run_writes_html_markdown_and_json_in_english_and_swedish() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("new/report"); // created by effekt run
    let o = english_report(&pilot_study(), &dir);
    assert!(read(&dir, "report.md").contains("| ---"));
    let json: serde_json::Value = serde_json::from_str(&read(&dir, "report.json")).unwrap();
    assert_eq!(json["schema_version"], effekt_report::SCHEMA_VERSION);
    assert_eq!(json["language"], "en");
    let stdout = stdout(&o);
    assert!(
        stdout.contains("percentage points more cases were closed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("inference:"),
        "says which inference was used: {stdout}"
    );

    let sv = out.path().join("sv");
    let html = swedish_html(&pilot_study(), &sv);
    assert!(html.contains("procentenheter"));
    let json: serde_json::Value = serde_json::from_str(&read(&sv, "report.json")).unwrap();
    assert_eq!(json["language"], "sv");
    assert_eq!(json["manifest"]["study"]["report"]["language"], "sv");
}

#[test]
fn json_is_identical_at_1_and_4_threads() {
    let out = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let dir = out.path().join(threads);
        run_ok(&pilot_study(), &dir, &["--threads", threads]);
        read(&dir, "report.json")
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn unknown_key_is_exit_2_with_key_and_line() {
    let (_d, path, text) = edited_study(|t| {
        t.replace(
            "template = \"parent_rating\"",
            "template = \"parent_rating\"\ntemplat = \"x\"",
        )
    });
    let line = line_of(&text, "templat = ");
    bad(&path, &[&format!("line {line}"), "templat"]);
}

#[test]
fn missing_column_is_exit_2_with_key_line_and_data_file() {
    let (_d, path, text) =
        edited_study(|t| t.replace("column = \"rating\"", "column = \"ratings\""));
    let line = line_of(&text, "\"ratings\"");
    bad(
        &path,
        &[
            &format!("line {line}"),
            "outcomes[1].column",
            "\"ratings\"",
            "pilot.csv",
        ],
    );
}

#[test]
fn design_option_of_another_design_is_exit_2_with_key_and_line() {
    let (_d, path, text) =
        edited_study(|t| t.replace("kind = \"rct\"", "kind = \"rct\"\ncaliper = 0.2"));
    let line = line_of(&text, "caliper");
    bad(
        &path,
        &[&format!("line {line}"), "design.caliper", "matching"],
    );
}

#[test]
fn contract_shares_not_summing_to_one_is_exit_2_with_key_and_line() {
    let (_d, path, text) = edited_study(|t| {
        t.replace(
            "{ party = \"state\", share = 0.5 }]",
            "{ party = \"state\", share = 0.6 }]",
        )
    });
    let line = line_of(&text, "funded_by = ");
    bad(
        &path,
        &[&format!("line {line}"), "contract.funded_by", "sum to 1.1"],
    );
}

#[test]
fn other_bad_inputs_are_exit_2() {
    // Syntax error.
    let (_d, path, _) = edited_study(|t| t.replace("seed = 20240611", "seed = = 1"));
    bad(&path, &["line"]);
    // Privacy threshold below 3.
    let (_d, path, text) = edited_study(|t| {
        t.replace(
            "language = \"en\"",
            "language = \"en\"\nprivacy_threshold = 2",
        )
    });
    bad(
        &path,
        &[
            &format!("line {}", line_of(&text, "privacy_threshold")),
            "privacy_threshold",
        ],
    );
    // Data file missing.
    let (_d, path, _) =
        edited_study(|t| t.replace("path = \"pilot.csv\"", "path = \"nowhere.csv\""));
    bad(&path, &["nowhere.csv", "relative to the study file"]);
    // Study file missing.
    bad(
        Path::new("/nonexistent/study.toml"),
        &["cannot read the study file"],
    );
    // --out names an existing file: refused before the analysis, the file untouched.
    let (d, path, _) = edited_study(|t| t.to_string());
    let file = d.path().join("report");
    std::fs::write(&file, "keep me").unwrap();
    let o = run(&path, &file, &[]);
    expect_exit_2(&o, "--out", &["a file of that name exists", "directory"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

/// Run a study file in English (and Swedish into `<dir>/sv`), check the three files and the
/// self-contained HTML in both languages, and return the English report.json.
fn run_example(study: &Path, dir: &Path, swedish: bool) -> serde_json::Value {
    let en = dir.join("en");
    english_report(study, &en);
    if swedish {
        let html = swedish_html(study, &dir.join("sv"));
        assert!(html.contains("konfidensintervall") || html.contains("KI"));
    }
    serde_json::from_str(&read(&en, "report.json")).unwrap()
}

/// A copy of an example study (and its data file) with fewer bootstrap replicates, for the
/// second-language run.
fn quick_copy(study: &Path, data: &Path, data_key: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let name = data.file_name().unwrap();
    std::fs::copy(data, dir.path().join(name)).unwrap();
    let text = std::fs::read_to_string(study).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("path = ") {
            out.push_str(&format!("path = \"{}\"\n", name.to_str().unwrap()));
        } else if line.starts_with("bootstrap = ") {
            out.push_str("bootstrap = 199\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(text.contains(data_key));
    let path = dir.path().join("study.toml");
    std::fs::write(&path, out).unwrap();
    (dir, path)
}

#[test]
fn ihf_matching_example_writes_the_report_and_covers_the_true_effects() {
    // The README's main job: observational IHF data, comparison group by inverse probability
    // weighting (effect on the treated). Its intervals must cover the true effects that the
    // generator wrote beside the data (ihf.json), at the analysed wave.
    let study = root().join("datasets/ihf/study.toml");
    let out = tempfile::tempdir().unwrap();
    let json = run_example(&study, out.path(), false);
    assert_eq!(json["study"]["design"]["kind"], "matching");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("datasets/ihf/ihf.json")).unwrap(),
    )
    .unwrap();
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 4);
    for o in outcomes {
        let id = o["id"].as_str().unwrap();
        let wave = o["period"].as_f64().unwrap();
        let t = truth["estimands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["outcome"] == id && e["estimand"] == "ATT" && e["wave"].as_f64() == Some(wave)
            })
            .unwrap_or_else(|| panic!("no ATT for {id} at wave {wave}"))["value"]
            .as_f64()
            .unwrap();
        let h = &o["headline"];
        let (lo, hi) = (
            h["conf_low"].as_f64().unwrap(),
            h["conf_high"].as_f64().unwrap(),
        );
        assert!(
            lo <= t && t <= hi,
            "{id}: true ATT {t} outside [{lo}, {hi}]"
        );
        // The weighted comparison group's mean is the counterfactual (ATT, difference in
        // means); the comparison group as observed, before weighting, is shown beside it.
        let cf = &o["counterfactual"];
        let (adjusted, raw) = (
            cf["control"].as_f64().unwrap(),
            cf["control_unadjusted"].as_f64().unwrap(),
        );
        assert!(
            (adjusted - cf["treated_counterfactual"].as_f64().unwrap()).abs() < 1e-9,
            "{id}: {cf}"
        );
        assert!(
            (adjusted - raw).abs() > 1e-6,
            "{id}: weighting changed nothing? {cf}"
        );
        // The report shows the weighted comparison group, its balance and the alternatives.
        assert!(o["sample"].is_object(), "{id}");
        assert!(!o["plots"]["love"].as_array().unwrap().is_empty(), "{id}");
        let methods: Vec<&str> = o["robustness"]["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["method"].as_str().unwrap())
            .collect();
        assert!(methods.iter().any(|m| m.contains("AIPW")), "{methods:?}");
        // AIPW for the headline's estimand: the doubly robust ATT, with an estimate
        let aipw = o["robustness"]["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["method"].as_str().unwrap().contains("AIPW"))
            .unwrap();
        assert!(aipw["method"].as_str().unwrap().ends_with("ATT"), "{aipw}");
        assert!(aipw["estimate"].is_number(), "{aipw}");
        assert!(methods.iter().any(|m| m.contains("nearest")), "{methods:?}");
        // Gender analysis by re-estimating within each sex, with a test of the difference.
        let sex = &o["subgroups"][0];
        assert_eq!(sex["is_sex"], true);
        assert!(sex["difference_test"].is_object(), "{id}: {sex}");
    }
    // The nearest-neighbour alternative is one estimator for the whole study, described the
    // same way in every outcome's table (with replacement: some outcome has fewer comparison
    // than IHF families), and the note says why.
    let nearest: Vec<(&str, &str)> = outcomes
        .iter()
        .flat_map(|o| o["robustness"]["alternatives"].as_array().unwrap())
        .filter(|a| a["method"].as_str().unwrap().starts_with("nearest"))
        .map(|a| {
            (
                a["method"].as_str().unwrap(),
                a["note"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(nearest.len(), outcomes.len());
    for (m, note) in &nearest {
        assert_eq!(*m, nearest[0].0, "{nearest:?}");
        assert!(m.contains("1:1 with replacement"), "{m}");
        assert!(note.contains("same estimator"), "{note}");
    }
    assert!(json["contract"].is_object(), "the contract is evaluated");
    let md = read(&out.path().join("en"), "report.md");
    assert!(
        md.contains("Comparison group, before matching or weighting"),
        "{md}"
    );
    assert!(md.contains("the comparison group after matching or weighting (before: "));
    // Swedish, with fewer replicates.
    let (_d, quick) = quick_copy(&study, &root().join("datasets/ihf/ihf.csv"), "ihf.csv");
    let out = tempfile::tempdir().unwrap();
    let sv = out.path().join("sv");
    let html = swedish_html(&quick, &sv);
    assert!(html.contains("Jämställdhetsanalys"));
    assert!(html.contains("Jämförelsegrupp, före matchning eller viktning"));
}

#[test]
fn thornton_rct_example_with_a_binary_outcome() {
    let study = root().join("datasets/thornton/study.toml");
    let out = tempfile::tempdir().unwrap();
    let json = run_example(&study, out.path(), true);
    assert_eq!(json["study"]["design"]["kind"], "rct");
    let o = &json["outcomes"][0];
    assert_eq!(o["scale"]["kind"], "percentage_points");
    // Risk difference, risk ratio, odds ratio and Fisher's test in the robustness section.
    let b = &o["robustness"]["binary"];
    assert!(b["risk_ratio"]["estimate"].as_f64().unwrap() > 1.0);
    assert!(b["fisher_p_value"].as_f64().unwrap() < 1e-6);
    // Randomisation inference as requested, beside the analytic test.
    assert!(
        o["robustness"]["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["method"].as_str().unwrap().contains("randomisation"))
    );
    // hiv2004 = -1 has 3 people in the comparison arm: the breakdown is suppressed.
    assert!(
        o["subgroups"][0]["levels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["suppressed"] == true)
    );
}

#[test]
fn castle_staggered_did_example() {
    let study = root().join("datasets/castle/study.toml");
    let out = tempfile::tempdir().unwrap();
    let json = run_example(&study, out.path(), true);
    assert_eq!(json["study"]["design"]["kind"], "did");
    let o = &json["outcomes"][0];
    // Callaway-Sant'Anna simple aggregation (csdid 0.4.3 on these data: 0.0194028161849954).
    let h = &o["headline"];
    assert!((h["estimate"].as_f64().unwrap() - 0.0194028161849954).abs() < 1e-10);
    // Trajectory over the years, event study, pre-trend test, TWFE beside it, decomposition.
    assert_eq!(o["plots"]["trajectory"].as_array().unwrap().len(), 11);
    assert!(!o["plots"]["event_study"].as_array().unwrap().is_empty());
    assert!(o["robustness"]["pre_trend"].is_object());
    assert!(o["robustness"]["decomposition"].is_object());
    assert!(
        o["robustness"]["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["method"]
                .as_str()
                .unwrap()
                .contains("two-way fixed effects"))
    );
    // Cohorts of 1 or 2 states are not shown on their own (privacy threshold 3).
    assert!(
        json["privacy"]["suppressions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["location"]
                .as_str()
                .unwrap()
                .contains("cohort starting 2006"))
    );
}

/// `--lang sv`: the console summary has no English labels (they come from effekt-report's
/// i18n), and the English run keeps the English ones.
#[test]
fn console_summary_labels_follow_the_language() {
    let out = tempfile::tempdir().unwrap();
    let run = |lang: &str| {
        let dir = out.path().join(lang);
        stdout(&run_ok(&pilot_study(), &dir, &["--lang", lang]))
    };
    let sv = run("sv");
    for english in ["inference:", "wrote ", "suppressed", "value(s)"] {
        assert!(!sv.contains(english), "English {english:?} in: {sv}");
    }
    assert!(sv.contains("  inferens: "), "{sv}");
    assert!(sv.lines().any(|l| l.starts_with("skrev ")), "{sv}");
    let en = run("en");
    assert!(en.contains("  inference: "), "{en}");
    assert!(en.lines().any(|l| l.starts_with("wrote ")), "{en}");
}
