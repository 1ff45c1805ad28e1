//! `effekt run` killed at every step of writing the report (the CLI's test-only failpoint,
//! `EFFEKT_TEST_FAILPOINT=N`, stops the process at its N-th write step as a kill would): the
//! report directory then holds the complete old report or the complete new one (swap), or the
//! old one, the new one or a commit record that the next run rolls forward (journal); the next
//! run leaves the new report, no leftovers, and every unrelated file where it was.

use crate::common::{effekt, root, stderr};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const REPORT_FILES: [&str; 3] = ["report.html", "report.md", "report.json"];
const FAILPOINT_EXIT: i32 = 86;

type Set = BTreeMap<String, Vec<u8>>;

/// The report files in `dir`.
fn report_set(dir: &Path) -> Set {
    REPORT_FILES
        .iter()
        .filter_map(|n| std::fs::read(dir.join(n)).ok().map(|b| (n.to_string(), b)))
        .collect()
}

/// `effekt run study --out out --lang lang`, stopped at step `stop` when given.
fn run(study: &Path, out: &Path, lang: &str, stop: Option<u64>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_effekt"));
    c.arg("run")
        .arg(study)
        .arg("--out")
        .arg(out)
        .args(["--lang", lang]);
    if let Some(n) = stop {
        c.env("EFFEKT_TEST_FAILPOINT", n.to_string());
    }
    c.output().unwrap()
}

/// Names under `dir` (not recursing into `skip`) that are effekt's temporary leftovers.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".effekt-tmp-") || name == ".effekt-commit" {
                found.push(e.path());
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    found
}

/// What a killed run left in the report directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    Old,
    New,
    /// A commit record, to be rolled forward (journal only).
    Recorded,
}

/// Kill `effekt run` at every step into a directory holding the old (Swedish) report and
/// `unrelated` files; check the state after each kill and after the next run. Returns the
/// states seen.
fn kill_at_every_step(unrelated: &[&str], journal: bool) -> Vec<State> {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = root().join("crates/effekt-report/tests/fixtures");
    let study = tmp.path().join("study.toml");
    std::fs::copy(fixtures.join("pilot_study.toml"), &study).unwrap();
    std::fs::copy(fixtures.join("pilot.csv"), tmp.path().join("pilot.csv")).unwrap();
    let reference = tmp.path().join("reference");
    let out = tmp.path().join("out");
    assert!(
        run(&study, &reference.join("sv"), "sv", None)
            .status
            .success()
    );
    assert!(
        run(&study, &reference.join("en"), "en", None)
            .status
            .success()
    );
    let old = report_set(&reference.join("sv"));
    let new = report_set(&reference.join("en"));
    assert_eq!(old.len(), 3);
    assert_ne!(old, new);

    let mut seen = Vec::new();
    for stop in 1.. {
        assert!(stop < 100, "the run never finished");
        let _ = std::fs::remove_dir_all(&out);
        assert!(run(&study, &out, "sv", None).status.success());
        for name in unrelated {
            std::fs::write(out.join(name), format!("kept: {name}")).unwrap();
        }
        let o = run(&study, &out, "en", Some(stop));
        if o.status.success() {
            assert!(stop > 8, "only {stop} steps: the failpoint is not reached");
            break;
        }
        assert_eq!(o.status.code(), Some(FAILPOINT_EXIT), "{}", stderr(&o));
        let step = stderr(&o);
        let now = report_set(&out);
        let state = if now == old {
            State::Old
        } else if now == new {
            State::New
        } else if journal && out.join(".effekt-commit").exists() {
            State::Recorded
        } else {
            panic!(
                "killed at {step}: neither the old nor the new report ({:?})",
                now.keys()
            );
        };
        seen.push(state);

        let next = run(&study, &out, "en", None);
        assert!(next.status.success(), "after {step}: {}", stderr(&next));
        assert_eq!(report_set(&out), new, "after {step}: the next run's report");
        assert_eq!(
            leftovers(tmp.path()),
            Vec::<PathBuf>::new(),
            "after {step}: left behind"
        );
        for name in unrelated {
            let kept = std::fs::read_to_string(out.join(name)).unwrap_or_default();
            assert_eq!(kept, format!("kept: {name}"), "after {step}: {name}");
        }
    }
    seen
}

/// `--out` holds only the report: the directories are exchanged, so every kill leaves the old
/// or the new report whole — both are seen.
#[test]
fn a_killed_run_leaves_the_old_or_the_new_report_swap() {
    let mut seen = kill_at_every_step(&[], false);
    seen.dedup();
    assert_eq!(seen, [State::Old, State::New]);
}

/// `--out` holds other files too: the journal protocol; a kill leaves the old report, the new
/// one, or a commit record that the next run completes — all three are seen.
#[test]
fn a_killed_run_leaves_the_old_or_the_new_report_journal() {
    let mut seen = kill_at_every_step(&["notes.txt", "analysis.R"], true);
    seen.sort();
    seen.dedup();
    assert_eq!(seen, [State::Old, State::New, State::Recorded]);
}

/// A report of fewer formats replaces the whole old report: no stale file of the old run stays
/// beside the new one; the unrelated file stays.
#[test]
fn formats_no_longer_asked_for_go_with_the_old_report() {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = root().join("crates/effekt-report/tests/fixtures");
    std::fs::copy(fixtures.join("pilot.csv"), tmp.path().join("pilot.csv")).unwrap();
    let text = std::fs::read_to_string(fixtures.join("pilot_study.toml")).unwrap();
    let study = tmp.path().join("study.toml");
    std::fs::write(&study, &text).unwrap();
    let out = tmp.path().join("out");
    for extra in [None, Some("notes.txt")] {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::write(&study, &text).unwrap();
        assert!(run(&study, &out, "en", None).status.success());
        if let Some(name) = extra {
            std::fs::write(out.join(name), "mine").unwrap();
        }
        std::fs::write(
            &study,
            text.replace("[report]\n", "[report]\nformats = [\"html\"]\n"),
        )
        .unwrap();
        let o = run(&study, &out, "en", None);
        assert!(o.status.success(), "{}", stderr(&o));
        let left: Vec<String> = report_set(&out).into_keys().collect();
        assert_eq!(left, ["report.html"], "with {extra:?}");
        if let Some(name) = extra {
            assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), "mine");
        }
    }
}

/// A second run into a directory another run is writing (holding its lock) is refused.
#[test]
fn a_report_directory_in_use_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = root().join("crates/effekt-report/tests/fixtures");
    std::fs::copy(fixtures.join("pilot.csv"), tmp.path().join("pilot.csv")).unwrap();
    let study = tmp.path().join("study.toml");
    std::fs::copy(fixtures.join("pilot_study.toml"), &study).unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let held = std::fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let o = effekt(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("another effekt run is writing a report there"));
    assert!(report_set(&out).is_empty());
}
