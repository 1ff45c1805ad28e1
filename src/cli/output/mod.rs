//! What the CLI writes, where and how: the only module that creates, replaces or prints
//! output (ARCHITECTURE.md, "Safety contract", holds the summary and the tests).
//!
//! # Checked before any work ([`Plan`])
//! Every subcommand first lists its inputs (data file, study file, configs) and its outputs
//! (`--json`, `--save-matched`, `simulate --out` and its `.json` sidecar, each report file in
//! `run --out`) and calls [`Plan::check`], before reading data or running an analysis:
//! * an output that is an input — the same canonical path, or the same (device, inode), so
//!   through symbolic links and hard links too — is refused (exit 2) naming both;
//! * two outputs that are one file (`--json m.csv --save-matched m.csv`) are refused;
//! * an output that exists and is a directory, a FIFO, a socket or another special file is
//!   refused; a character or block device (`/dev/null`, a terminal) is accepted and later
//!   written in place (opened for writing, never renamed over, so `/dev/null` stays a device);
//! * `--json -` with an unusable standard output (closed; see [`sys::stdout_unusable`]) is
//!   refused;
//! * a missing directory for an output file is refused.
//!
//! The inputs are also kept for the rest of the run: every write compares its target with
//! them again at write time.
//!
//! # Symbolic links
//! An output path that is a symbolic link is written *through*: the link is followed (also a
//! dangling one, up to 40 links) and the target is replaced atomically in the target's own
//! directory, so the link stays a link. `run --out` may be a link to a directory (the report is
//! written in the directory it points to). A report file inside `--out` that is a link, or
//! anything but a regular file, is refused: the report files are replaced as one set.
//!
//! # Single files ([`write_file`])
//! A temporary file `.effekt-tmp-<pid>-<random>` in the target's directory (so the rename stays
//! on one file system) is written, fsynced, given the mode of the file it replaces (rw-r--r--
//! for a new one), renamed over the target, and the directory is fsynced: a reader sees the old
//! file or the new one, never a part. The writer holds an advisory lock (`flock`) on its
//! temporary file; any write into a directory first removes `.effekt-tmp-*` files whose lock
//! nobody holds (left by a killed run). A hard link to a replaced file keeps the old contents
//! (the usual consequence of replacing by rename).
//!
//! # The report directory ([`report::write_report`])
//! `report.html`, `report.md` and `report.json` are one unit; see the [`report`] module.
//!
//! # Standard output ([`stdout`])
//! Tables and `--json -` go through [`stdout::print_fmt`] / [`outln!`], which never panic; a
//! broken pipe ends the run quietly with exit 0.
//!
//! # Test-only failpoint
//! With `EFFEKT_TEST_FAILPOINT=N` in the environment the N-th write step ([`step`]) stops the
//! process on the spot with exit code [`FAILPOINT_EXIT`], leaving the file system as a kill
//! would (no destructor, no clean-up). It exists for `tests/it/report_atomic.rs`; never set it
//! otherwise.

pub mod report;
pub mod stdout;
mod sys;

pub(crate) use stdout::outln;

use crate::cli::common::{CliError, CliResult};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use sys::Kind;

/// Exit code of a process stopped by the test-only failpoint.
pub const FAILPOINT_EXIT: u8 = 86;

/// The name every temporary file and staging directory of effekt starts with.
pub const TEMP_PREFIX: &str = ".effekt-tmp-";

/// Inputs registered by [`Plan::check`]; every write is compared with them again.
static INPUTS: Mutex<Vec<Input>> = Mutex::new(Vec::new());

/// A file the run reads.
#[derive(Debug, Clone)]
struct Input {
    option: String,
    shown: PathBuf,
    canonical: PathBuf,
    id: Option<(u64, u64)>,
}

impl Input {
    /// `None` when the file does not exist (reading it fails later with its own message).
    fn new(option: &str, path: &Path) -> Option<Input> {
        let canonical = std::fs::canonicalize(path).ok()?;
        let id = std::fs::metadata(&canonical)
            .ok()
            .and_then(|m| sys::identity(&m));
        Some(Input {
            option: option.to_string(),
            shown: path.to_path_buf(),
            canonical,
            id,
        })
    }
}

/// What an output path names, symbolic links followed.
#[derive(Debug, Clone)]
struct Resolved {
    /// The final target: canonical directory + file name.
    path: PathBuf,
    /// `None` when nothing exists there yet.
    kind: Option<Kind>,
    id: Option<(u64, u64)>,
    mode: Option<u32>,
}

/// Follow `path` through symbolic links (dangling ones too) to the file that would be written.
fn resolve(path: &Path) -> CliResult<Resolved> {
    let cannot =
        |e: std::io::Error| CliError::bad_msg(format!("cannot write {}: {e}", path.display()));
    let mut p = std::path::absolute(path).map_err(cannot)?;
    for _ in 0..40 {
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(cannot(e)),
        };
        if let Some(m) = &meta
            && m.file_type().is_symlink()
        {
            let target = std::fs::read_link(&p).map_err(cannot)?;
            p = p.parent().unwrap_or(Path::new("/")).join(target);
            continue;
        }
        let meta = match meta {
            Some(_) => Some(std::fs::metadata(&p).map_err(cannot)?),
            None => None,
        };
        return Ok(Resolved {
            path: canonical_parent(path, &p)?,
            kind: meta.as_ref().map(Kind::of),
            id: meta.as_ref().and_then(sys::identity),
            mode: meta.as_ref().map(sys::mode),
        });
    }
    Err(CliError::bad_msg(format!(
        "cannot write {}: more than 40 symbolic links (a loop?)",
        path.display()
    )))
}

/// `p` with its directory made canonical; the directory must exist.
fn canonical_parent(shown: &Path, p: &Path) -> CliResult<PathBuf> {
    let (Some(dir), Some(name)) = (p.parent(), p.file_name()) else {
        return std::fs::canonicalize(p)
            .map_err(|e| CliError::bad_msg(format!("cannot write {}: {e}", shown.display())));
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match std::fs::canonicalize(dir) {
        Ok(d) if d.is_dir() => Ok(d.join(name)),
        _ => Err(CliError::bad_msg(format!(
            "cannot write {}: directory {} does not exist",
            shown.display(),
            shown
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(dir)
                .display()
        ))),
    }
}

/// Refuse an existing output that is not a regular file or a device.
fn check_kind(option: &str, shown: &Path, r: &Resolved) -> CliResult {
    match r.kind {
        None | Some(Kind::Regular) | Some(Kind::Device) => Ok(()),
        Some(Kind::Directory) => Err(CliError::bad_msg(format!(
            "{option} {}: that is a directory; give a file name (e.g. {}/result.json)",
            shown.display(),
            shown.display()
        ))),
        Some(k) => Err(CliError::bad_msg(format!(
            "{option} {}: that is {}; effekt writes regular files (replaced atomically) and \
             devices, not pipes or sockets: give a file name, or `-` for standard output where \
             the option takes it",
            shown.display(),
            k.describe()
        ))),
    }
}

/// The input `r` is, if any.
fn clashing_input<'a>(inputs: &'a [Input], r: &Resolved) -> Option<(&'a Input, &'static str)> {
    inputs.iter().find_map(|i| {
        if i.canonical == r.path {
            Some((i, ""))
        } else if i.id.is_some() && i.id == r.id {
            Some((i, " (a hard link to it)"))
        } else {
            None
        }
    })
}

/// An output file of a [`Plan`], resolved, with what to tell the user when it clashes.
#[derive(Debug)]
struct Target {
    option: String,
    shown: PathBuf,
    resolved: Resolved,
    /// "give --json another name", "choose another --out directory".
    fix: String,
}

fn clash_error(option: &str, shown: &Path, input: &Input, how: &str, fix: &str) -> CliError {
    let through_link = std::path::absolute(shown).ok() != std::path::absolute(&input.shown).ok();
    let how = if how.is_empty() && through_link {
        " (through a symbolic link)"
    } else {
        how
    };
    CliError::bad_msg(format!(
        "{option} {} is the same file as {} {}{how}: effekt never writes over its inputs; {fix}",
        shown.display(),
        input.option,
        input.shown.display()
    ))
}

/// One output of a [`Plan`].
#[derive(Debug)]
enum Planned {
    File {
        option: String,
        path: PathBuf,
    },
    Stdout {
        option: String,
    },
    ReportDir {
        dir: PathBuf,
        names: Vec<&'static str>,
    },
}

/// The inputs and outputs of one run, checked together before any work ([`Plan::check`]).
#[derive(Debug, Default)]
pub struct Plan {
    inputs: Vec<(String, PathBuf)>,
    outputs: Vec<Planned>,
}

impl Plan {
    pub fn new() -> Self {
        Self::default()
    }

    /// A file the run reads, named by `option` in messages (`--data`, `the study file`).
    pub fn input(mut self, option: &str, path: &Path) -> Self {
        self.inputs.push((option.to_string(), path.to_path_buf()));
        self
    }

    /// An output file that may be `-` (standard output), when given.
    pub fn json(mut self, option: &str, path: Option<&Path>) -> Self {
        match path {
            Some(p) if p.as_os_str() == "-" => self.outputs.push(Planned::Stdout {
                option: option.to_string(),
            }),
            Some(p) => return self.file(option, Some(p)),
            None => {}
        }
        self
    }

    /// An output file, when given (`-` is a file name here).
    pub fn file(mut self, option: &str, path: Option<&Path>) -> Self {
        if let Some(p) = path {
            self.outputs.push(Planned::File {
                option: option.to_string(),
                path: p.to_path_buf(),
            });
        }
        self
    }

    /// The report directory of `effekt run --out DIR` and the report files to be written.
    pub fn report_dir(mut self, dir: &Path, names: &[&'static str]) -> Self {
        self.outputs.push(Planned::ReportDir {
            dir: dir.to_path_buf(),
            names: names.to_vec(),
        });
        self
    }

    /// Check every output against every input and the others (see the module docs); keep the
    /// inputs for the write-time checks.
    pub fn check(self) -> CliResult {
        let inputs: Vec<Input> = self
            .inputs
            .iter()
            .filter_map(|(o, p)| Input::new(o, p))
            .collect();
        let mut files: Vec<Target> = Vec::new();
        for out in &self.outputs {
            match out {
                Planned::Stdout { option } => {
                    if let Some(why) = sys::stdout_unusable() {
                        return Err(CliError::bad_msg(format!(
                            "{option} -: {why}; give a file name instead (e.g. {option} \
                             result.json)"
                        )));
                    }
                }
                Planned::File { option, path } => {
                    let r = resolve(path)?;
                    check_kind(option, path, &r)?;
                    files.push(Target {
                        option: option.clone(),
                        shown: path.clone(),
                        resolved: r,
                        fix: format!("give {option} another name"),
                    });
                }
                Planned::ReportDir { dir, names } => {
                    files.extend(report::planned_files(dir, names)?);
                }
            }
        }
        for (k, t) in files.iter().enumerate() {
            if let Some((input, how)) = clashing_input(&inputs, &t.resolved) {
                return Err(clash_error(&t.option, &t.shown, input, how, &t.fix));
            }
            let same = files[..k].iter().find(|q| {
                q.resolved.path == t.resolved.path && q.resolved.kind != Some(Kind::Device)
            });
            if let Some(q) = same {
                return Err(CliError::bad_msg(format!(
                    "{} {} and {} {} are the same file; give them different names",
                    q.option,
                    q.shown.display(),
                    t.option,
                    t.shown.display()
                )));
            }
        }
        if let Ok(mut kept) = INPUTS.lock() {
            kept.extend(inputs);
        }
        Ok(())
    }
}

/// Compare a write target with the inputs registered by [`Plan::check`].
fn check_inputs_again(shown: &Path, r: &Resolved) -> CliResult {
    let inputs = INPUTS.lock().map(|v| v.clone()).unwrap_or_default();
    match clashing_input(&inputs, r) {
        Some((input, how)) => Err(clash_error(
            "output",
            shown,
            input,
            how,
            "write to another file",
        )),
        None => Ok(()),
    }
}

/// Write `--json` output: `-` is standard output, anything else a file ([`write_file`]).
pub fn write_json<T: serde::Serialize>(target: &Path, value: &T) -> CliResult {
    let mut text = serde_json::to_string_pretty(value).map_err(CliError::internal)?;
    text.push('\n');
    if target.as_os_str() == "-" {
        stdout::print_str(&text);
        return Ok(());
    }
    write_file(target, text.as_bytes())
}

/// Write `bytes` to `path` by the rules of the module docs: through symbolic links, in place
/// on a device, otherwise atomically replaced; never over an input or a special file.
pub fn write_file(path: &Path, bytes: &[u8]) -> CliResult {
    let r = resolve(path)?;
    check_kind("output", path, &r)?;
    check_inputs_again(path, &r)?;
    if r.kind == Some(Kind::Device) {
        return write_device(path, &r.path, bytes);
    }
    replace_atomically(path, &r.path, bytes, r.mode.unwrap_or(0o644))
}

/// Open a device for writing (no create, no truncate, no rename) and write to it.
fn write_device(shown: &Path, device: &Path, bytes: &[u8]) -> CliResult {
    std::fs::OpenOptions::new()
        .write(true)
        .open(device)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.flush()))
        .map_err(|e| CliError::internal(anyhow::anyhow!("writing {}: {e}", shown.display())))
}

/// Temporary file in `target`'s directory → write → fsync → mode → rename → fsync directory.
pub(crate) fn replace_atomically(
    shown: &Path,
    target: &Path,
    bytes: &[u8],
    mode: u32,
) -> CliResult {
    let dir = target.parent().unwrap_or(Path::new("/"));
    remove_stale_temp_files(dir);
    let written =
        |e: std::io::Error| CliError::internal(anyhow::anyhow!("writing {}: {e}", shown.display()));
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_name())
        .tempfile_in(dir)
        .map_err(|e| CliError::bad_msg(format!("cannot write in {}: {e}", dir.display())))?;
    // The lock marks the file as in use for other runs' clean-up; a file system without locks
    // only loses that protection.
    let _ = tmp.as_file().try_lock();
    step("temporary file created");
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(written)?;
    sys::set_mode(tmp.path(), mode).map_err(written)?;
    step("temporary file written and synced");
    tmp.persist(target)
        .map_err(|e| CliError::bad_msg(format!("cannot write {}: {}", shown.display(), e.error)))?;
    step("renamed into place");
    sync_dir(dir)
}

/// `.effekt-tmp-<pid>-`: the start of this process's temporary names.
fn temp_name() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// Remove `.effekt-tmp-*` regular files in `dir` that no live effekt process holds locked
/// (left behind by a killed run). Errors are ignored: this is tidying, not the write.
pub(crate) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let is_temp = e.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_temp
            && is_file
            && let Ok(f) = std::fs::File::open(e.path())
            && f.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// fsync a directory, so the renames in it survive a crash. File systems that cannot sync a
/// directory (EINVAL) are accepted.
pub(crate) fn sync_dir(dir: &Path) -> CliResult {
    match std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
        Err(e) => Err(CliError::internal(anyhow::anyhow!(
            "syncing directory {}: {e}",
            dir.display()
        ))),
    }
}

/// A step of a write: the place where the test-only failpoint (module docs) may stop the run.
pub(crate) fn step(what: &str) {
    static LIMIT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let limit = *LIMIT.get_or_init(|| {
        std::env::var("EFFEKT_TEST_FAILPOINT")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if let Some(limit) = limit {
        let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
        if n == limit {
            let _ = writeln!(std::io::stderr(), "failpoint: stopped at step {n} ({what})");
            std::process::exit(i32::from(FAILPOINT_EXIT));
        }
    }
}

/// "a named pipe (FIFO)", "a device", … : what `meta` is, for messages.
pub fn describe_kind(meta: &std::fs::Metadata) -> &'static str {
    Kind::of(meta).describe()
}
