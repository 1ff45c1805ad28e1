//! The architectural invariants of ARCHITECTURE.md that a compiler cannot check, checked on the
//! source tree:
//!
//! * only effekt-resample constructs random-number generators (every other crate receives its
//!   streams from it, so a seed fixes every random draw at any thread count);
//! * library crates never exit the process (only the CLI in `src/` decides exit codes);
//! * every reference fixture names the script and the package versions that produced it.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

/// All files under `dir` (recursively) whose name ends with `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The crates under `crates/`.
fn crates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(common::root().join("crates"))
        .expect("crates/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    v.sort();
    v
}

/// `(file, line number, line)` of every non-comment source line containing one of `needles`.
fn occurrences(roots: &[PathBuf], needles: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for root in roots {
        for f in files(root, ".rs") {
            let text = fs::read_to_string(&f).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                if let Some(n) = needles.iter().find(|n| code.contains(**n)) {
                    hits.push(format!("{}:{}: `{n}` in {}", f.display(), i + 1, code));
                }
            }
        }
    }
    hits
}

#[test]
fn only_effekt_resample_constructs_random_number_generators() {
    // Constructors and sources of generators. Distributions (rand_distr) and the `Rng` traits
    // applied to effekt-resample's streams are allowed everywhere.
    let constructors = [
        "SeedableRng",
        "seed_from_u64",
        "from_seed(",
        "from_os_rng",
        "from_entropy",
        "thread_rng",
        "rand::rng()",
        "ChaCha",
        "StdRng",
        "SmallRng",
        "OsRng",
        "getrandom",
    ];
    let mut roots: Vec<PathBuf> = crates()
        .into_iter()
        .filter(|c| !c.ends_with("effekt-resample"))
        .map(|c| c.join("src"))
        .collect();
    roots.push(common::root().join("src"));
    let hits = occurrences(&roots, &constructors);
    assert!(
        hits.is_empty(),
        "random-number generators must come from effekt-resample (Streams / stream):\n{}",
        hits.join("\n")
    );
    // Nor may another crate depend on a generator crate directly.
    for c in crates().iter().filter(|c| !c.ends_with("effekt-resample")) {
        let manifest = fs::read_to_string(c.join("Cargo.toml")).unwrap_or_default();
        for dep in ["rand_chacha", "rand_pcg", "rand_xoshiro", "getrandom"] {
            assert!(
                !manifest.contains(dep),
                "{} depends on {dep}; generators belong to effekt-resample",
                c.display()
            );
        }
    }
}

#[test]
fn library_crates_never_exit_the_process() {
    let roots: Vec<PathBuf> = crates().into_iter().map(|c| c.join("src")).collect();
    let hits = occurrences(&roots, &["process::exit", "process::abort"]);
    assert!(
        hits.is_empty(),
        "library crates return errors; only the CLI (src/) chooses exit codes:\n{}",
        hits.join("\n")
    );
}

#[test]
fn every_reference_fixture_names_its_script_and_versions() {
    let root = common::root();
    let mut checked = 0;
    for c in crates() {
        for f in files(&c.join("tests").join("fixtures"), ".json") {
            // Synthetic data sets carry their generator's sidecar (same stem, .csv beside it).
            if f.with_extension("csv").is_file() {
                continue;
            }
            let text = fs::read_to_string(&f).unwrap_or_default();
            let v: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", f.display()));
            if let Err(e) = effekt_testkit::meta(&v, &f, &root) {
                panic!("{e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} fixtures found");
}
