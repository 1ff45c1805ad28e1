//! The bad-input catalogue: one row per way a new (or careless) user can misuse `effekt`, each
//! with its setup, arguments, expected exit code and a needle the message must contain — and,
//! for every row, proof that no input was modified (SHA-256 of every file the case created and
//! of every existing file named on the command line, before and after) and that a refused run
//! wrote nothing new.
//!
//! Rows live in one file per area (`outputs.rs`: what effekt writes and where; `data.rs`: what
//! it reads; `limits.rs`: resource limits, numerics and nonsense options), each with its own
//! `#[test]` calling [`run_all`]. A row is built with [`Case::new`]:
//!
//! ```ignore
//! Case::new("json over its own data", &["rct", "--data", "{dir}/d.csv", "--outcome", "y",
//!     "--treatment", "t", "--json", "{dir}/d.csv"])
//!     .file("d.csv", DATA)
//!     .needle("d.csv")
//! ```
//!
//! Placeholders in arguments: `{dir}` (the case's fresh temporary directory, also the working
//! directory of the run) and `{root}` (the repository root). Every run has a time limit
//! ([`Case::timeout`], default [`DEFAULT_TIMEOUT`]); a run that exceeds it is killed and the row
//! fails as a hang.

// Not every builder is used by every area's rows.
#![allow(dead_code)]

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Time a row may take before it counts as a hang.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

type Setup = Box<dyn Fn(&Path) + Send + Sync>;

/// One row of the catalogue.
pub struct Case {
    name: String,
    args: Vec<String>,
    shell: Option<String>,
    setup: Vec<Setup>,
    exit: Option<i32>,
    needles: Vec<String>,
    may_create: Vec<String>,
    timeout: Duration,
}

impl Case {
    /// A row running `effekt ARGS`, expected to exit 2 (bad input) unless [`Case::exit`] says
    /// otherwise.
    pub fn new(name: &str, args: &[&str]) -> Self {
        Self {
            name: name.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            shell: None,
            setup: Vec::new(),
            exit: Some(2),
            needles: Vec::new(),
            may_create: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A row running a bash script (with `set -o pipefail`) in the case directory instead;
    /// `$EFFEKT` is the binary. For closed or broken standard streams.
    pub fn shell(name: &str, script: &str) -> Self {
        let mut c = Self::new(name, &[]);
        c.shell = Some(script.to_string());
        c
    }

    /// Create `name` (relative to the case directory) with `bytes` before the run.
    pub fn file(mut self, name: &str, bytes: impl AsRef<[u8]>) -> Self {
        let name = name.to_string();
        let bytes = bytes.as_ref().to_vec();
        self.setup.push(Box::new(move |dir| {
            let p = dir.join(&name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(p, &bytes).unwrap();
        }));
        self
    }

    /// Any other setup (symlinks, FIFOs, device nodes, directories) in the case directory.
    pub fn setup(mut self, f: impl Fn(&Path) + Send + Sync + 'static) -> Self {
        self.setup.push(Box::new(f));
        self
    }

    /// The exit code expected (default 2).
    pub fn exit(mut self, code: i32) -> Self {
        self.exit = Some(code);
        self
    }

    /// Any non-zero exit code is accepted (e.g. exit 1 for an unwritable stdout).
    pub fn fails(mut self) -> Self {
        self.exit = None;
        self
    }

    /// Text the message (stderr, then stdout) must contain.
    pub fn needle(mut self, text: &str) -> Self {
        self.needles.push(text.to_string());
        self
    }

    /// A file (relative to the case directory) the run may create or replace: a case that is
    /// expected to succeed names its outputs; every other file must be unchanged.
    pub fn creates(mut self, name: &str) -> Self {
        self.may_create.push(name.to_string());
        self
    }

    /// Time limit of this row.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// Run the row; `Err` says what went wrong.
    fn run(&self) -> Result<(), String> {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let dir = tmp.path();
        for s in &self.setup {
            s(dir);
        }
        let root = env!("CARGO_MANIFEST_DIR");
        let expand = |a: &str| {
            a.replace("{dir}", &dir.display().to_string())
                .replace("{root}", root)
        };
        let args: Vec<String> = self.args.iter().map(|a| expand(a)).collect();
        let named: Vec<PathBuf> = args
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_absolute() && !p.starts_with(dir) && p.is_file())
            .collect();
        let before_dir = snapshot(dir);
        let before_named: Vec<_> = named.iter().map(|p| (p.clone(), hash(p))).collect();

        let mut cmd = match &self.shell {
            Some(script) => {
                let mut c = Command::new("bash");
                c.args(["-o", "pipefail", "-c", &expand(script)]);
                c.env("EFFEKT", env!("CARGO_BIN_EXE_effekt"));
                c
            }
            None => {
                let mut c = Command::new(env!("CARGO_BIN_EXE_effekt"));
                c.args(&args);
                c
            }
        };
        cmd.current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (code, out, err) = run_with_timeout(cmd, self.timeout)?;

        let mut problems = Vec::new();
        let msg = format!("{err}\n{out}");
        match self.exit {
            Some(want) if code != Some(want) => {
                problems.push(format!("exit code {code:?}, expected {want}"))
            }
            None if code == Some(0) => problems.push("exit code 0, expected a failure".into()),
            _ => {}
        }
        if msg.contains("panicked") || code == Some(101) || code.is_none() {
            problems.push("panicked or was killed by a signal".into());
        }
        for n in &self.needles {
            if !msg.contains(n.as_str()) {
                problems.push(format!("message lacks {n:?}"));
            }
        }
        let after_dir = snapshot(dir);
        for (p, h) in &before_dir {
            let allowed = self.may_create.iter().any(|m| dir.join(m) == *p);
            match after_dir.get(p) {
                Some(h2) if h2 != h && !allowed => {
                    problems.push(format!("{} was modified", p.display()))
                }
                None if !allowed => problems.push(format!("{} was removed", p.display())),
                _ => {}
            }
        }
        for p in after_dir.keys() {
            let allowed = self.may_create.iter().any(|m| dir.join(m) == *p);
            if !before_dir.contains_key(p) && !allowed {
                problems.push(format!("{} was created", p.display()));
            }
        }
        for (p, h) in &before_named {
            if hash(p) != *h {
                problems.push(format!("{} was modified", p.display()));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}\n  --- output:\n{}",
                problems.join("; "),
                msg.trim()
            ))
        }
    }
}

/// Run `cmd`, killing it after `limit`. Returns (exit code, stdout, stderr).
fn run_with_timeout(
    mut cmd: Command,
    limit: Duration,
) -> Result<(Option<i32>, String, String), String> {
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    // Drain the pipes on their own threads so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut so, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut se, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hung: killed after {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Ok((status.code(), out, err))
}

/// SHA-256 of every regular file under `dir` (symlinks and special files are recorded by what
/// they are, never opened).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            let ft = meta.file_type();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                let h = hash(&p);
                out.insert(p, h);
            } else if ft.is_symlink() {
                let target = std::fs::read_link(&p).unwrap_or_default();
                out.insert(p, format!("symlink → {}", target.display()));
            } else {
                out.insert(p, format!("special file {ft:?}"));
            }
        }
    }
    out
}

fn hash(p: &Path) -> String {
    match std::fs::read(p) {
        Ok(bytes) => Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        Err(e) => format!("unreadable: {e}"),
    }
}

/// Run every row (four at a time) and fail once, listing every row that failed.
pub fn run_all(cases: Vec<Case>) {
    assert!(!cases.is_empty(), "no cases");
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = cases.chunks(cases.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|c| c.run().err().map(|e| format!("[{}] {e}", c.name)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} catalogue rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// A small, valid randomised-trial CSV (outcome `y`, treatment `t`, covariate `x`, cluster `c`)
/// that every subcommand can analyse.
pub fn trial_csv() -> String {
    let mut s = String::from("y,t,x,c\n");
    for i in 0..40 {
        let t = i % 2;
        let x = (i * 7 % 11) as f64 / 3.0;
        let y = 1.0 + 0.5 * t as f64 + 0.3 * x + ((i * 13 % 17) as f64 - 8.0) / 10.0;
        s.push_str(&format!("{y},{t},{x},{}\n", i % 8));
    }
    s
}

mod data;
mod limits;

/// The issue's "must show": at least 80 rows over all subcommands.
#[test]
fn catalogue_has_at_least_80_rows() {
    let n = outputs::cases().len() + data::cases().len() + limits::cases().len();
    assert!(
        n >= 80,
        "the bad-input catalogue has {n} rows, fewer than 80"
    );
}
mod outputs;
