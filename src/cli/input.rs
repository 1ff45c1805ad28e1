//! Reading the files the CLI reads itself (study files, power and simulation configs): regular
//! files only, at most [`MAX_TEXT_FILE`] bytes. (Data files are read by effekt-data.)

use crate::cli::common::{CliError, CliResult};
use std::io::Read;
use std::path::Path;

/// Largest study or config file read: 16 MiB (the largest shipped one is a few kilobytes).
pub const MAX_TEXT_FILE: u64 = 16 * 1024 * 1024;

/// Read `path` (`what` names it in messages, e.g. "the study file"): refused before opening
/// when it is not a regular file (a FIFO would block, a device never end), opened without
/// blocking and checked again on the open file, and refused beyond `limit` bytes (`None`: no
/// limit).
pub fn read_regular(path: &Path, what: &str, limit: Option<u64>) -> CliResult<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        CliError::bad_msg(format!("cannot read {what} {}: {e}", path.display()))
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    refuse_special(path, what, &meta)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // If the file was swapped for a FIFO since the check, opening must not wait for a
        // writer; on a regular file O_NONBLOCK changes nothing.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(cannot)?;
    refuse_special(path, what, &file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::new();
    let cap = limit.map_or(u64::MAX, |l| l.saturating_add(1));
    file.take(cap).read_to_end(&mut bytes).map_err(cannot)?;
    if let Some(l) = limit
        && bytes.len() as u64 > l
    {
        return Err(CliError::bad_msg(format!(
            "{what} {} is larger than {} MiB; a {what} is a small text file — is this the \
             right file?",
            path.display(),
            l / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// Read a UTF-8 text file by [`read_regular`] with the [`MAX_TEXT_FILE`] limit.
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    let bytes = read_regular(path, what, Some(MAX_TEXT_FILE))?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::bad_msg(format!(
            "{}: {what} is not UTF-8 text; save it as UTF-8",
            path.display()
        ))
    })
}

fn refuse_special(path: &Path, what: &str, meta: &std::fs::Metadata) -> CliResult {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() {
        "a directory".to_string()
    } else {
        crate::cli::output::describe_kind(meta).to_string()
    };
    Err(CliError::bad_msg(format!(
        "{what} {} is {kind}, not a regular file; give the path of the file itself",
        path.display()
    )))
}
