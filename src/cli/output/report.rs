//! The report directory of `effekt run --out DIR` as one unit: `report.html`, `report.md` and
//! `report.json` (those the study asks for) are replaced together, and report files of formats
//! it no longer asks for go with the old report, so `DIR` never holds a mixture of two runs.
//! Other files in `DIR` are never removed.
//!
//! Three names cannot change atomically in POSIX unless they change as one directory, so there
//! are two protocols; every step is fsynced (files, then their directory) before the next.
//!
//! **Swap** (Linux, when `DIR` holds nothing but report files, is not the working directory or
//! above it, and a directory beside it can be made on the same file system with the same owner
//! and group): the new report is written into a fresh directory `.DIRNAME.effekt-tmp-<pid>-…`
//! beside `DIR`, given `DIR`'s permissions, fsynced, and exchanged with `DIR` in one
//! `renameat2(RENAME_EXCHANGE)`; then the old report (now under the temporary name) is removed.
//! At every instant `DIR` holds the complete old set or the complete new set. (`DIR` becomes a
//! new directory: a shell sitting in the old one sees it emptied.)
//!
//! **Journal** (every other case: other files in `DIR`, `--out .`, no exchange on this file
//! system): the new files are written into `DIR/.effekt-tmp-<pid>-…/` and fsynced; a commit
//! record `DIR/.effekt-commit` naming that directory and the files is written atomically; the
//! files are renamed into place, stale report files removed, the record removed and the staging
//! directory removed. At every instant `DIR` holds the old set, the new set, or the commit
//! record — and the next `effekt run` into `DIR` rolls a recorded commit forward before anything
//! else, so the new set appears whole.
//!
//! **Leftovers.** A run holds an advisory lock (`flock`) on `DIR` and on its staging directory
//! for its lifetime, so a second run into the same `DIR` meanwhile is refused rather than
//! interleaved. Before writing, a run rolls forward a commit record, then removes staging
//! directories (in `DIR` and beside it) that no live run holds and that hold only report files,
//! and `.effekt-tmp-*` files nobody holds. Anything else is left alone.

use super::{CliError, CliResult, Resolved, TEMP_PREFIX, Target, step, sync_dir, sys, temp_name};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The commit record of the journal protocol, in `DIR`.
pub const COMMIT_RECORD: &str = ".effekt-commit";

/// First line of a commit record.
const RECORD_HEADER: &str = "effekt report commit 1";

/// The report files in `dir` as outputs for [`super::Plan::check`] (all report names, since
/// any of them may be replaced or removed); `dir` itself must be a directory or missing.
pub(super) fn planned_files(dir: &Path, names: &[&'static str]) -> CliResult<Vec<Target>> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(_) if std::fs::symlink_metadata(dir).is_ok() => {
            return Err(CliError::bad_msg(format!(
                "--out {}: a symbolic link to a directory that does not exist; create it or \
                 give another --out",
                dir.display()
            )));
        }
        Err(_) => return missing_dir(dir).map(|()| Vec::new()),
    };
    if !meta.is_dir() {
        let what = match sys::Kind::of(&meta) {
            sys::Kind::Regular => "a file of that name exists".to_string(),
            k => format!("that is {}", k.describe()),
        };
        return Err(CliError::bad_msg(format!(
            "--out {}: {what}; --out names the directory the report is written to (it is \
             created when missing)",
            dir.display()
        )));
    }
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| CliError::bad_msg(format!("--out {}: {e}", dir.display())))?;
    names
        .iter()
        .map(|name| {
            let shown = dir.join(name);
            let resolved = report_file(&shown, &canonical.join(name))?;
            Ok(Target {
                option: "--out".to_string(),
                shown,
                resolved,
                fix: "choose another --out directory".to_string(),
            })
        })
        .collect()
}

/// A `--out` that does not exist yet: its nearest existing ancestor must be a directory (it is
/// created with its missing parents when the report is written).
fn missing_dir(dir: &Path) -> CliResult {
    let absolute = std::path::absolute(dir)
        .map_err(|e| CliError::bad_msg(format!("--out {}: {e}", dir.display())))?;
    match absolute.ancestors().skip(1).find(|a| a.exists()) {
        Some(a) if !a.is_dir() => Err(CliError::bad_msg(format!(
            "--out {}: {} is not a directory, so the report directory cannot be created there",
            dir.display(),
            a.display()
        ))),
        _ => Ok(()),
    }
}

/// A report file inside `DIR`: missing or a regular file (never followed as a link).
fn report_file(shown: &Path, path: &Path) -> CliResult<Resolved> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => {
            return Ok(Resolved {
                path: path.to_path_buf(),
                kind: None,
                id: None,
                mode: None,
            });
        }
    };
    let kind = if meta.file_type().is_symlink() {
        "a symbolic link".to_string()
    } else {
        match sys::Kind::of(&meta) {
            sys::Kind::Regular => {
                return Ok(Resolved {
                    path: path.to_path_buf(),
                    kind: Some(sys::Kind::Regular),
                    id: sys::identity(&meta),
                    mode: Some(sys::mode(&meta)),
                });
            }
            k => k.describe().to_string(),
        }
    };
    Err(CliError::bad_msg(format!(
        "--out: {} is {kind}; the report files are replaced together as regular files, so \
         remove or rename it (or choose another --out directory)",
        shown.display()
    )))
}

/// Write the report `files` (name, bytes) into `dir` as one unit (module docs). `all_names`
/// is every report file name effekt can write.
pub fn write_report(
    dir: &Path,
    files: &[(&'static str, &[u8])],
    all_names: &[&'static str],
) -> CliResult {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::bad_msg(format!(
            "cannot create the output directory {}: {e}",
            dir.display()
        ))
    })?;
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| CliError::bad_msg(format!("--out {}: {e}", dir.display())))?;
    let _lock = lock(&canonical, dir)?;
    recover(&canonical, all_names)?;
    let mut modes = Vec::new();
    for t in planned_files(dir, all_names)? {
        super::check_inputs_again(&t.shown, &t.resolved)?;
        modes.push((t.resolved.path, t.resolved.mode.unwrap_or(0o644)));
    }
    let mode_of = |name: &str| {
        modes
            .iter()
            .find(|(p, _)| p.file_name().is_some_and(|n| n == name))
            .map_or(0o644, |(_, m)| *m)
    };
    if swap(&canonical, files, all_names, &mode_of)? {
        return Ok(());
    }
    journal(&canonical, files, all_names, &mode_of)
}

/// An exclusive advisory lock on `dir`, held until the returned file is dropped.
fn lock(dir: &Path, shown: &Path) -> CliResult<Option<File>> {
    let f = File::open(dir)
        .map_err(|e| CliError::bad_msg(format!("--out {}: {e}", shown.display())))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(CliError::bad_msg(format!(
            "--out {}: another effekt run is writing a report there; wait for it to finish or \
             choose another --out directory",
            shown.display()
        ))),
        // A file system without locks: go on without the protection.
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// Roll a commit record forward, then remove dead staging directories (module docs).
fn recover(dir: &Path, all_names: &[&'static str]) -> CliResult {
    let record = dir.join(COMMIT_RECORD);
    if std::fs::symlink_metadata(&record).is_ok() {
        let commit = std::fs::read_to_string(&record)
            .ok()
            .and_then(|t| Commit::parse(&t, all_names))
            .ok_or_else(|| {
                CliError::bad_msg(format!(
                    "{}: not a commit record effekt wrote; remove it and run again",
                    record.display()
                ))
            })?;
        roll_forward(dir, &commit, all_names)?;
    }
    for staging in entries_starting(dir, TEMP_PREFIX) {
        remove_staging(&staging, all_names, true);
    }
    super::remove_stale_temp_files(dir);
    if let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) {
        let prefix = format!(".{}{TEMP_PREFIX}", name.to_string_lossy());
        for staging in entries_starting(parent, &prefix) {
            remove_staging(&staging, all_names, true);
        }
    }
    Ok(())
}

/// Directories in `dir` whose name starts with `prefix`.
fn entries_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

/// Remove a staging directory that holds only report files (and temporary files), unless a
/// live run holds its lock (`check_lock`; a run's own staging directory is removed without).
/// Best effort: anything unexpected leaves it in place.
fn remove_staging(staging: &Path, all_names: &[&'static str], check_lock: bool) {
    let Ok(handle) = File::open(staging) else {
        return;
    };
    if check_lock && matches!(handle.try_lock(), Err(std::fs::TryLockError::WouldBlock)) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(staging) else {
        return;
    };
    let entries: Vec<_> = entries.flatten().collect();
    let ours = entries.iter().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        e.file_type().is_ok_and(|t| t.is_file())
            && (all_names.contains(&name.as_str()) || name.starts_with(TEMP_PREFIX))
    });
    if !ours {
        return;
    }
    for e in &entries {
        let _ = std::fs::remove_file(e.path());
    }
    let _ = std::fs::remove_dir(staging);
}

/// Create the files in `staging` (exclusively), each written, given its mode and fsynced;
/// then fsync `staging`.
fn write_staged(
    staging: &Path,
    files: &[(&'static str, &[u8])],
    mode_of: &dyn Fn(&str) -> u32,
) -> CliResult {
    use std::io::Write;
    for (name, bytes) in files {
        let path = staging.join(name);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| {
                f.write_all(bytes)?;
                f.sync_all()
            })
            .and_then(|_| sys::set_mode(&path, mode_of(name)))
            .map_err(|e| CliError::internal(anyhow::anyhow!("writing {}: {e}", path.display())))?;
        step("report file staged");
    }
    sync_dir(staging)?;
    step("staging directory synced");
    Ok(())
}

/// A fresh staging directory `prefix…` in `parent`, locked. `None` when it cannot be made.
fn staging_dir(parent: &Path, prefix: &str) -> Option<(PathBuf, Option<File>)> {
    let path = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(parent)
        .ok()?
        .keep();
    let lock = File::open(&path).ok().filter(|f| f.try_lock().is_ok());
    Some((path, lock))
}

/// The swap protocol (module docs). `Ok(false)`: not possible here, nothing changed.
fn swap(
    dir: &Path,
    files: &[(&'static str, &[u8])],
    all_names: &[&'static str],
    mode_of: &dyn Fn(&str) -> u32,
) -> CliResult<bool> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Ok(false);
    };
    if !holds_only_report_files(dir, all_names) || working_directory_inside(dir) {
        return Ok(false);
    }
    let prefix = format!(".{}{}", name.to_string_lossy(), temp_name());
    let Some((staging, _staging_lock)) = staging_dir(parent, &prefix) else {
        return Ok(false);
    };
    let (Ok(old), Ok(new)) = (std::fs::metadata(dir), std::fs::metadata(&staging)) else {
        remove_staging(&staging, all_names, false);
        return Ok(false);
    };
    let same_device = sys::identity(&old).map(|i| i.0) == sys::identity(&new).map(|i| i.0);
    if !same_device
        || sys::owner(&old) != sys::owner(&new)
        || sys::set_mode(&staging, sys::mode(&old)).is_err()
    {
        remove_staging(&staging, all_names, false);
        return Ok(false);
    }
    step("staging directory created beside the report directory");
    if let Err(e) = write_staged(&staging, files, mode_of) {
        remove_staging(&staging, all_names, false);
        return Err(e);
    }
    if sys::exchange(&staging, dir).is_err() {
        remove_staging(&staging, all_names, false);
        return Ok(false);
    }
    step("report directories exchanged");
    sync_dir(parent)?;
    // `staging` now holds the previous report.
    remove_previous(&staging, dir, all_names);
    sync_dir(parent)?;
    step("previous report removed");
    Ok(true)
}

/// Whether `dir` holds nothing but regular report files.
fn holds_only_report_files(dir: &Path, all_names: &[&'static str]) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().all(|e| {
        all_names.contains(&e.file_name().to_string_lossy().as_ref())
            && e.file_type().is_ok_and(|t| t.is_file())
    })
}

/// Whether the working directory is `dir` or inside it (a swap would move it away).
fn working_directory_inside(dir: &Path) -> bool {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_or(true, |cwd| cwd.starts_with(dir))
}

/// Remove the previous report's files from `old` and `old` itself; anything else found there
/// (written into `DIR` by someone else during the swap) is moved back into `dir`.
fn remove_previous(old: &Path, dir: &Path, all_names: &[&'static str]) {
    if let Ok(entries) = std::fs::read_dir(old) {
        for e in entries.flatten() {
            let name = e.file_name();
            if all_names.contains(&name.to_string_lossy().as_ref()) {
                let _ = std::fs::remove_file(e.path());
                step("previous report file removed");
            } else {
                let _ = sys::rename_noreplace(&e.path(), &dir.join(&name));
            }
        }
    }
    let _ = std::fs::remove_dir(old);
}

/// The journal protocol (module docs).
fn journal(
    dir: &Path,
    files: &[(&'static str, &[u8])],
    all_names: &[&'static str],
    mode_of: &dyn Fn(&str) -> u32,
) -> CliResult {
    let Some((staging, _staging_lock)) = staging_dir(dir, &temp_name()) else {
        return Err(CliError::bad_msg(format!(
            "cannot write in the output directory {}",
            dir.display()
        )));
    };
    step("staging directory created");
    if let Err(e) = write_staged(&staging, files, mode_of) {
        remove_staging(&staging, all_names, false);
        return Err(e);
    }
    let commit = Commit {
        staging: staging
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        files: files.iter().map(|(n, _)| n.to_string()).collect(),
    };
    let record = dir.join(COMMIT_RECORD);
    super::replace_atomically(&record, &record, commit.text().as_bytes(), 0o644)?;
    roll_forward(dir, &commit, all_names)
}

/// Complete a recorded commit: move the staged files into place, remove stale report files,
/// then the record and the staging directory. Idempotent, so a kill during it is harmless.
fn roll_forward(dir: &Path, commit: &Commit, all_names: &[&'static str]) -> CliResult {
    let staging = dir.join(&commit.staging);
    let failed = |what: &str, p: &Path, e: std::io::Error| {
        CliError::internal(anyhow::anyhow!("{what} {}: {e}", p.display()))
    };
    for name in all_names {
        let target = dir.join(name);
        if commit.files.iter().any(|f| f == name) {
            let from = staging.join(name);
            if std::fs::symlink_metadata(&from).is_ok() {
                std::fs::rename(&from, &target)
                    .map_err(|e| failed("moving the new report into place as", &target, e))?;
                step("report file moved into place");
            }
        } else if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&target)
                .map_err(|e| failed("removing the old report file", &target, e))?;
            step("stale report file removed");
        }
    }
    sync_dir(dir)?;
    let record = dir.join(COMMIT_RECORD);
    std::fs::remove_file(&record).map_err(|e| failed("removing", &record, e))?;
    sync_dir(dir)?;
    step("commit record removed");
    remove_staging(&staging, all_names, false);
    sync_dir(dir)
}

/// What a commit record says: the staging directory (a name in `DIR`) and the new files.
#[derive(Debug, PartialEq)]
struct Commit {
    staging: String,
    files: Vec<String>,
}

impl Commit {
    fn text(&self) -> String {
        let mut s = format!("{RECORD_HEADER}\nstaging {}\n", self.staging);
        for f in &self.files {
            s.push_str(&format!("file {f}\n"));
        }
        s
    }

    /// `None` unless `text` is exactly what [`Commit::text`] writes, with known file names.
    fn parse(text: &str, all_names: &[&'static str]) -> Option<Commit> {
        let mut lines = text.lines();
        if lines.next()? != RECORD_HEADER {
            return None;
        }
        let staging = lines.next()?.strip_prefix("staging ")?.to_string();
        if !staging.starts_with(TEMP_PREFIX) || staging.contains(['/', '\\']) {
            return None;
        }
        let files = lines
            .map(|l| {
                l.strip_prefix("file ")
                    .filter(|n| all_names.contains(n))
                    .map(str::to_string)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Commit { staging, files })
    }
}
