//! Helpers shared by the end-to-end tests of the `effekt` binary (`tests/cli_*.rs`, each with
//! `mod common;`): run the binary cargo built for the tests, read what it wrote, find shipped
//! data, write temporary inputs, and check the bad-input contract (exit code 2, a message that
//! names what to fix, never a panic).
//!
//! Every `tests/cli_*.rs` is its own crate and uses only some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run `effekt ARGS` in the current directory.
pub fn effekt(args: &[&str]) -> Output {
    effekt_in(None, args)
}

/// Run `effekt ARGS` in `dir` (the current directory when `None`).
pub fn effekt_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_effekt"));
    c.args(args);
    if let Some(d) = dir {
        c.current_dir(d);
    }
    c.output().expect("run effekt")
}

/// The repository root (the root package's manifest directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of a shipped file under `datasets/`, e.g. `dataset("lalonde.csv")`.
pub fn dataset(name: &str) -> String {
    format!("{}/datasets/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// What the run printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the run printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON a successful run wrote to stdout (`--json -`). Fails the test with stderr when the
/// run failed, and with stdout when it is not JSON.
pub fn json_stdout(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "exit code {:?}: {}",
        o.status.code(),
        stderr(o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(o)))
}

/// Run `effekt ARGS` (which include `--json -`) and return its JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    let o = effekt(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    json_stdout(&o)
}

/// Run `effekt ARGS --threads N --json -` at N = 1, 2 and 8: each must succeed and print
/// byte-identical JSON (the determinism contract); returns that output.
pub fn stdout_same_at_1_2_8_threads(args: &[&str]) -> Vec<u8> {
    let run = |threads: &str| {
        let all: Vec<&str> = args
            .iter()
            .copied()
            .chain(["--threads", threads, "--json", "-"])
            .collect();
        let o = effekt(&all);
        assert!(o.status.success(), "{all:?}: {}", stderr(&o));
        o.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"), "{args:?}: 1 vs 2 threads");
    assert_eq!(one, run("8"), "{args:?}: 1 vs 8 threads");
    one
}

/// Check the bad-input contract for the run `what`: exit code 2, every one of `needles` in the
/// message on stderr, and no panic.
pub fn expect_exit_2(o: &Output, what: &str, needles: &[&str]) {
    let msg = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected exit 2 for {what}, got {:?}: {msg}",
        o.status.code()
    );
    for n in needles {
        assert!(msg.contains(n), "message for {what} lacks {n:?}: {msg}");
    }
    assert!(!msg.contains("panicked"), "{msg}");
}

/// Run `effekt ARGS` and expect exit code 2 with all `needles` in the message.
pub fn bad(args: &[&str], needles: &[&str]) {
    expect_exit_2(&effekt(args), &format!("{args:?}"), needles);
}
