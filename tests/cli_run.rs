//! `effekt run` end to end: the report files, self-contained HTML in English and Swedish, and
//! bad study files (exit code 2 naming the key and the line).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn effekt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_effekt"))
        .args(args)
        .output()
        .expect("run effekt")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pilot_study() -> PathBuf {
    root().join("crates/effekt-report/tests/fixtures/pilot_study.toml")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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

/// Run and expect exit code 2 with all `needles` in the message.
fn bad(study: &Path, needles: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let o = effekt(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let msg = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected exit 2, got {:?}: {msg}",
        o.status.code()
    );
    for n in needles {
        assert!(msg.contains(n), "message lacks {n:?}: {msg}");
    }
    assert!(!msg.contains("panicked"), "{msg}");
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
    let o = effekt(&[
        "run",
        pilot_study().to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(&dir, "report.html");
    check_html(&html);
    assert!(html.contains("counterfactual"));
    let md = read(&dir, "report.md");
    assert!(md.contains("counterfactual") && md.contains("| ---"));
    let json: serde_json::Value = serde_json::from_str(&read(&dir, "report.json")).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["language"], "en");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("percentage points more cases were closed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("inference:"),
        "says which inference was used: {stdout}"
    );

    let sv = out.path().join("sv");
    let o = effekt(&[
        "run",
        pilot_study().to_str().unwrap(),
        "--out",
        sv.to_str().unwrap(),
        "--lang",
        "sv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(&sv, "report.html");
    check_html(&html);
    assert!(html.contains("kontrafaktisk"));
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
        let o = effekt(&[
            "run",
            pilot_study().to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
            "--threads",
            threads,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
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
}

#[test]
fn ihf_example_parses_and_names_the_missing_design_until_matching_is_wired() {
    // The example's IHF data are observational, so the study asks for matching. Until
    // effekt-matching is wired into the report, `effekt run` says so (exit 2); when it is, this
    // test must be changed to expect the three report files.
    let study = root().join("datasets/ihf/study.toml");
    let out = tempfile::tempdir().unwrap();
    let o = effekt(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    if o.status.success() {
        for f in ["report.html", "report.md", "report.json"] {
            assert!(out.path().join(f).exists(), "{f}");
        }
        check_html(&read(out.path(), "report.html"));
    } else {
        let msg = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{msg}");
        assert!(
            msg.contains("design.kind = \"matching\"") && msg.contains("effekt-matching"),
            "{msg}"
        );
    }
}
