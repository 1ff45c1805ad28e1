//! What every subcommand shares: the error type that decides the exit code, data loading with
//! roles, progress bars, thread pools. (What is written, and how: `output`.)

use crate::cli::output;
use std::path::PathBuf;

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
        if let Some(hint) =
            err.chain()
                .find_map(|c| {
                    // effekt-rct wraps data errors transparently (not as a source).
                    c.downcast_ref::<effekt_data::DataError>()
                        .or_else(|| match c.downcast_ref::<effekt_rct::RctError>() {
                            Some(effekt_rct::RctError::Data(d)) => Some(d),
                            _ => None,
                        })
                })
                .and_then(cli_spelling)
        {
            text.push_str(&format!(" ({hint})"));
        }
        shorten_long_lines(
            &format!("{kind}: {text}"),
            MAX_MESSAGE_WORD,
            MAX_MESSAGE_LINE,
        )
    }
}

/// The command-line and study-file spelling of a hint the data library gives in its own terms
/// ("raise the cell limit (max_cells)", "the file seems to use `;` as delimiter").
fn cli_spelling(e: &effekt_data::DataError) -> Option<String> {
    match e {
        effekt_data::DataError::SheetTooLarge { .. } => Some(
            "--max-cells N on the command line, data.max_cells = N in a study file".to_string(),
        ),
        effekt_data::DataError::UnknownColumn {
            delimiter_hint: Some('\t'),
            ..
        } => Some(
            "--delimiter with a tab character on the command line, data.delimiter = \"\\t\" in \
             a study file"
                .to_string(),
        ),
        effekt_data::DataError::UnknownColumn {
            delimiter_hint: Some(d),
            ..
        } => Some(format!(
            "--delimiter '{d}' on the command line, data.delimiter = \"{d}\" in a study file"
        )),
        _ => None,
    }
}

/// Longest run of non-space characters an error message shows, and longest line: a parser
/// quoting a 25 000-character cell or TOML value back keeps the start and end of it around a
/// count of what was left out, and the words of the message around it stay.
pub const MAX_MESSAGE_WORD: usize = 120;
/// See [`MAX_MESSAGE_WORD`].
pub const MAX_MESSAGE_LINE: usize = 2000;

/// `text` with every whitespace-free run longer than `max_word` characters cut to its first
/// `max_word / 2` and last 12 characters around "… (N characters left out) …", then every
/// line still longer than `max_line` cut the same way.
pub fn shorten_long_lines(text: &str, max_word: usize, max_line: usize) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let words: Vec<String> = line.split(' ').map(|w| shorten(w, max_word, 12)).collect();
            shorten(&words.join(" "), max_line, 40)
        })
        .collect();
    lines.join("\n")
}

/// `s` if it has at most `max` characters, else its first `max / 2` and last
/// `min(tail, max / 2)` characters around a count of the rest.
fn shorten(s: &str, max: usize, tail: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let (keep_head, keep_tail) = (max / 2, tail.min(max / 2));
    let head: String = s.chars().take(keep_head).collect();
    let end: String = s.chars().skip(n - keep_tail).collect();
    let left_out = n - keep_head - keep_tail;
    format!("{head}… ({left_out} characters left out) …{end}")
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
    /// Cell budget of a spreadsheet: the most cells (rows × columns from the first to the last
    /// non-empty cell) a sheet may span, 1 to 2000000000 [default: 20000000].
    #[arg(long, value_name = "N", value_parser = parse_max_cells)]
    pub max_cells: Option<u64>,
}

/// clap parser of `--max-cells`: a whole number from 1 to effekt-data's `MAX_CELLS_LIMIT`.
pub fn parse_max_cells(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=effekt_data::MAX_CELLS_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!(
            "--max-cells must be a whole number from 1 to {} (the default is {})",
            effekt_data::MAX_CELLS_LIMIT,
            effekt_data::MAX_SHEET_CELLS
        )),
    }
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
            max_cells: self.max_cells,
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
    /// Threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Write the result as JSON to PATH (`-` for stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

impl RunArgs {
    /// The outputs of an analysis of the data file `data`, to be checked before any work
    /// ([`output::Plan::check`]); add further outputs to it first.
    pub fn plan(&self, data: &std::path::Path) -> output::Plan {
        output::Plan::new()
            .input("--data", data)
            .json("--json", self.json.as_deref())
    }

    /// With `--json`, write `value` there (see [`output::write_json`]); without it, `print`
    /// the readable table instead.
    pub fn emit<T: serde::Serialize>(&self, value: &T, print: impl FnOnce(&T)) -> CliResult {
        match &self.json {
            Some(path) => output::write_json(path, value),
            None => {
                print(value);
                Ok(())
            }
        }
    }
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

/// Largest `--threads`: more worker threads than this only cost time to create (5,000 took
/// 27 s) and results do not depend on the number.
pub const MAX_THREADS: usize = 1024;

/// clap parser of `--threads`: a whole number from 1 to [`MAX_THREADS`].
pub fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "--threads must be a whole number from 1 to {MAX_THREADS} (results do not depend \
             on it; leave it out to use all cores)"
        )),
    }
}

/// Run `f` on a rayon pool of `threads` threads (`None`: rayon's default, all cores or
/// `RAYON_NUM_THREADS`). The pool is always built here, so a refusal by the operating system to
/// start threads is this clear error (exit 1), never a panic of rayon's global pool.
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> CliResult<T> {
    if let Some(t) = threads {
        parse_threads(&t.to_string()).map_err(CliError::bad_msg)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| {
            CliError::internal(anyhow::anyhow!(
                "cannot start {} worker threads: {e}; try a smaller --threads",
                threads.map_or("the default number of".to_string(), |t| t.to_string())
            ))
        })?;
    Ok(pool.install(f))
}

/// Check `--level`, the confidence level: between 1e-12 and 1 − 1e-12
/// ([`effekt_models::dist::level_in_range`]; NaN fails too). Beyond that the quantiles are not
/// reliable in double precision (0.9999999999999999 once gave `[-Inf, Inf]`).
pub fn check_level(level: f64) -> CliResult {
    check_tail("--level", level, "0.95")
}

/// Check `--alpha`, a significance level: between 1e-12 and 1 − 1e-12, as `--level`.
pub fn check_alpha(alpha: f64) -> CliResult {
    check_tail("--alpha", alpha, "0.05")
}

fn check_tail(option: &str, value: f64, example: &str) -> CliResult {
    if effekt_models::dist::level_in_range(value) {
        Ok(())
    } else {
        Err(CliError::bad_msg(format!(
            "{option} must be between 1e-12 and 1 - 1e-12 (e.g. {example}), got {}: beyond that \
             range the t and normal quantiles are not reliable in double precision",
            number(value)
        )))
    }
}

/// A number as a person writes it: scientific below 1e-6 and from 1e15 in magnitude.
pub fn number(x: f64) -> String {
    effekt_models::dist::compact(x)
}

/// Largest `--resamples` / `--bootstrap` (bootstrap replicates; each is kept in memory).
pub const MAX_RESAMPLES: usize = effekt_resample::bootstrap::MAX_RESAMPLES;
/// Largest `--randomization-inference` (random assignments drawn).
pub const MAX_PERMUTATIONS: usize = effekt_resample::permutation::MAX_PERMUTATIONS;
/// Largest `--wild-bootstrap` (wild cluster bootstrap draws).
pub const MAX_WILD: usize = effekt_did::wild::MAX_WILD_RESAMPLES;
/// Largest `did --method cs --bootstrap` (multiplier bootstrap draws).
pub const MAX_CS_BOOTSTRAP: usize = effekt_did::cs::MAX_BOOTSTRAP;
/// Largest `power simulate --simulations` (and `simulations` in a config).
pub const MAX_SIMULATIONS: u64 = effekt_power::sim::MAX_SIMULATIONS;

/// A whole number from 0 to `max`; the message states the range (clap adds the option).
fn parse_count(s: &str, max: u64, what: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    if t.starts_with('-') && t[1..].parse::<f64>().is_ok() {
        return Err(format!(
            "must be ≥ 0 (a whole number of {what}, at most {}; this option takes no negative \
             numbers)",
            thousands(max)
        ));
    }
    match t.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!(
            "at most {} {what} are allowed (each takes time and memory); use fewer",
            thousands(max)
        )),
        Err(_) if t.parse::<f64>().is_ok() || t.chars().all(|c| c.is_ascii_digit()) => {
            Err(format!(
                "must be a whole number of {what} from 0 to {}",
                thousands(max)
            ))
        }
        Err(e) => Err(format!("{e} (a whole number of {what} is expected)")),
    }
}

/// `1000000` → `1,000,000`.
pub fn thousands(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// clap parser of bootstrap replicate counts (`--resamples`, `--bootstrap`): 0 to
/// [`MAX_RESAMPLES`].
pub fn parse_resamples(s: &str) -> Result<usize, String> {
    parse_count(s, MAX_RESAMPLES as u64, "replicates").map(|n| n as usize)
}

/// clap parser of `--randomization-inference`: 0 to [`MAX_PERMUTATIONS`].
pub fn parse_permutations(s: &str) -> Result<usize, String> {
    parse_count(s, MAX_PERMUTATIONS as u64, "random assignments").map(|n| n as usize)
}

/// clap parser of `--wild-bootstrap`: 0 to [`MAX_WILD`].
pub fn parse_wild(s: &str) -> Result<usize, String> {
    parse_count(s, MAX_WILD as u64, "wild bootstrap draws").map(|n| n as usize)
}

/// clap parser of `did --bootstrap` (Callaway–Sant'Anna's multiplier bootstrap): 0 to
/// [`MAX_CS_BOOTSTRAP`].
pub fn parse_cs_bootstrap(s: &str) -> Result<usize, String> {
    parse_count(s, MAX_CS_BOOTSTRAP as u64, "multiplier bootstrap draws").map(|n| n as usize)
}

/// clap parser of `--simulations`: 0 to [`MAX_SIMULATIONS`] (0 is refused by the config check).
pub fn parse_simulations(s: &str) -> Result<u64, String> {
    parse_count(s, MAX_SIMULATIONS, "simulations")
}

/// Parse a comma-separated column list (`a,b,c`), trimming blanks and dropping empty entries.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}
