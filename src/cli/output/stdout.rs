//! Everything the CLI prints on standard output goes through here ([`outln!`], [`print_str`]),
//! never through `println!` (which panics when the reader has gone, e.g. `effekt … | head -1`).
//!
//! A write error is remembered, later writes are skipped, and [`finish`] (called once by
//! `main` after the subcommand) flushes and returns the first error: `main` ends quietly with
//! exit 0 on a broken pipe (as ripgrep and the traditional Unix tools killed by SIGPIPE do),
//! and reports any other failure (a full disk behind `> file`) as an internal error, exit 1.

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// The first error writing to standard output, if any.
static FAILED: Mutex<Option<io::Error>> = Mutex::new(None);

/// Write `args` to standard output (the body of [`outln!`]).
pub fn print_fmt(args: fmt::Arguments<'_>) {
    let Ok(mut failed) = FAILED.lock() else {
        return;
    };
    if failed.is_none()
        && let Err(e) = io::stdout().lock().write_fmt(args)
    {
        *failed = Some(e);
    }
}

/// Write `text` to standard output as it is.
pub fn print_str(text: &str) {
    print_fmt(format_args!("{text}"));
}

/// Flush standard output; the first write or flush error of the whole run, if any.
pub fn finish() -> io::Result<()> {
    let mut failed = FAILED
        .lock()
        .map_err(|_| io::Error::other("standard output lock poisoned"))?;
    if let Some(e) = failed.take() {
        return Err(e);
    }
    io::stdout().lock().flush()
}

/// `println!` for the CLI: the same arguments, through [`print_fmt`].
macro_rules! outln {
    () => {
        $crate::cli::output::stdout::print_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::stdout::print_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;
