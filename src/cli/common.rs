//! What every subcommand shares: the error type that decides the exit code, data loading with
//! roles, atomic output, progress bars, thread pools.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a command failed; decides the exit code (2 = bad input, 1 = internal error).
#[derive(Debug)]
pub enum CliError {
    /// The user can fix it: bad data, bad option, bad study file. Exit code 2.
    BadInput(anyhow::Error),
    /// A bug or an environment failure (cannot write output). Exit code 1.
    Internal(anyhow::Error),
}

impl CliError {
    pub fn bad(e: impl Into<anyhow::Error>) -> Self {
        CliError::BadInput(e.into())
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        CliError::Internal(e.into())
    }
    pub fn bad_msg(msg: impl std::fmt::Display) -> Self {
        CliError::BadInput(anyhow::anyhow!("{msg}"))
    }
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Internal(_) => 1,
        }
    }

    /// The line printed for the user: `error: …` or `internal error: …`, then the message and
    /// its chain of causes, each cause left out when the text so far already contains it (the
    /// library errors that wrap another one already print it, so `{:#}` would say it twice).
    pub fn message(&self) -> String {
        let (kind, err) = match self {
            CliError::BadInput(err) => ("error", err),
            CliError::Internal(err) => ("internal error", err),
        };
        let mut text = err.to_string();
        for cause in err.chain().skip(1) {
            let cause = cause.to_string();
            if !text.contains(&cause) {
                text.push_str(": ");
                text.push_str(&cause);
            }
        }
        format!("{kind}: {text}")
    }
}

impl From<effekt_data::DataError> for CliError {
    fn from(e: effekt_data::DataError) -> Self {
        match e {
            effekt_data::DataError::Io { .. } => CliError::BadInput(e.into()),
            other => CliError::BadInput(other.into()),
        }
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// Options every command that reads a data file shares.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Data file: .csv (comma, semicolon or tab separated; decimal point or comma) or .xlsx.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Field delimiter of a CSV file (auto-detected when omitted).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,
    /// Decimal separator in a CSV file: point or comma (auto-detected when omitted).
    #[arg(long, value_enum)]
    pub decimal: Option<DecimalArg>,
    /// Missing values in the analysed columns: stop with an error (default) or drop those rows.
    #[arg(long, value_enum, default_value_t = MissingArg::Error)]
    pub missing: MissingArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DecimalArg {
    Point,
    Comma,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MissingArg {
    Error,
    Drop,
}

impl DataArgs {
    /// Read the table (never modifying the file).
    pub fn read(&self) -> CliResult<effekt_data::Table> {
        let options = effekt_data::ReadOptions {
            delimiter: self.delimiter,
            decimal: self.decimal.map(|d| match d {
                DecimalArg::Point => effekt_data::Decimal::Point,
                DecimalArg::Comma => effekt_data::Decimal::Comma,
            }),
            sheet: None,
        };
        Ok(effekt_data::read_table(&self.data, &options)?)
    }

    pub fn missing_policy(&self) -> effekt_data::MissingPolicy {
        match self.missing {
            MissingArg::Error => effekt_data::MissingPolicy::Error,
            MissingArg::Drop => effekt_data::MissingPolicy::Drop,
        }
    }

    /// Read the table and select the role columns under the missing-data policy. The table is
    /// returned too, for `Table::row_number` in messages.
    pub fn load_with_table(
        &self,
        roles: &effekt_data::Roles,
    ) -> CliResult<(effekt_data::Table, effekt_data::Dataset)> {
        let table = self.read()?;
        let ds = table.select(roles, self.missing_policy())?;
        Ok((table, ds))
    }
}

/// Options every analysis command (bootstrap, rct, match, did) ends with: the thread count and
/// where the JSON result goes.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the result as JSON to PATH (`-` for stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

impl RunArgs {
    /// With `--json`, write `value` there (see [`write_json`]); without it, `print` the
    /// readable table instead.
    pub fn emit<T: serde::Serialize>(&self, value: &T, print: impl FnOnce(&T)) -> CliResult {
        match &self.json {
            Some(path) => write_json(path, value),
            None => {
                print(value);
                Ok(())
            }
        }
    }
}

/// Where `--json` goes: a file path, or `-` for stdout.
pub fn write_json<T: serde::Serialize>(target: &Path, value: &T) -> CliResult {
    let mut text = serde_json::to_string_pretty(value).map_err(CliError::internal)?;
    text.push('\n');
    if target.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).map_err(CliError::internal)?;
        return Ok(());
    }
    write_atomic(target, text.as_bytes())
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, then rename.
/// A reader never sees a half-written file, and a failed run leaves the old file in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(CliError::bad_msg(format!(
            "cannot write {}: directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .map_err(|e| CliError::bad_msg(format!("cannot write in {}: {e}", dir.display())))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.flush())
        .map_err(|e| CliError::internal(anyhow::anyhow!("writing {}: {e}", path.display())))?;
    // NamedTempFile creates the file readable by the owner only; an output is an ordinary file
    // (like one written by `>`), so give it the usual rw-r--r-- before moving it into place.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| {
                CliError::internal(anyhow::anyhow!(
                    "setting permissions of {}: {e}",
                    path.display()
                ))
            })?;
    }
    tmp.persist(path)
        .map_err(|e| CliError::bad_msg(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}

/// A progress bar on stderr, hidden when stderr is not a terminal. `tick(n)` adds `n`.
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    pub fn new(total: u64, message: &str) -> Self {
        use std::io::IsTerminal;
        let bar = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(message.to_string());
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        Self { bar }
    }

    /// The callback shape the library crates take.
    pub fn tick(&self, n: u64) {
        self.bar.inc(n);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Run `f` on a rayon pool with `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> CliResult<T> {
    match threads {
        None => Ok(f()),
        Some(0) => Err(CliError::bad_msg("--threads must be at least 1")),
        Some(t) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(CliError::internal)?;
            Ok(pool.install(f))
        }
    }
}

/// Check `--level`, the confidence level: strictly between 0 and 1 (NaN fails too).
pub fn check_level(level: f64) -> CliResult {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(CliError::bad_msg(format!(
            "--level must be strictly between 0 and 1 (e.g. 0.95), got {level}"
        )))
    }
}

/// Parse a comma-separated column list (`a,b,c`), trimming blanks and dropping empty entries.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}
