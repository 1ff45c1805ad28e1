//! The `effekt` command line: the only place that reads files named on the command line, prints,
//! shows progress bars and exits. Exit codes: 0 ok, 2 bad input, 1 internal error.
//!
//! Printing goes through `cli::output::stdout` (`outln!`), which never panics on a closed or
//! broken standard output; the print macros are denied here so nothing bypasses it.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

mod cli;

/// effekt — what changed compared with what would have happened without the intervention?
#[derive(Debug, Parser)]
#[command(name = "effekt", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a study file and write the report of effects versus counterfactuals.
    Run(cli::run::Args),
    /// Bootstrap confidence intervals for a mean, median, difference or ratio.
    Bootstrap(cli::bootstrap::Args),
    /// Analyse a randomised trial (difference in means, ANCOVA, Lin; binary outcomes).
    Rct(cli::rct::Args),
    /// Build a matched or weighted comparison group and estimate the effect.
    #[command(name = "match")]
    Match(cli::matching::Args),
    /// Difference-in-differences: 2x2, TWFE, event study, Callaway-Sant'Anna, wild bootstrap.
    Did(cli::did::Args),
    /// Power, sample size and minimum detectable effect, analytic or by simulation.
    Power(cli::power::Args),
    /// Write synthetic evaluation data (IHF, TFCO, ...) with the true effects beside it.
    Simulate(cli::simulate::Args),
}

/// Every (sub)command accepts negative numbers as option values (`--effect-size -0.3`); an
/// option that takes none then says so by its own check, or by [`negative_count`].
fn allow_negative_numbers(cmd: clap::Command) -> clap::Command {
    cmd.allow_negative_numbers(true)
        .mut_subcommands(allow_negative_numbers)
}

/// For a negative number given to an option that takes a count (`--resamples -5`), the message
/// clap would give ("invalid digit found in string") replaced by a range message naming the
/// option.
fn negative_count(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let source = std::error::Error::source(e)?;
    source.downcast_ref::<std::num::ParseIntError>()?;
    let (Some(ContextValue::String(arg)), Some(ContextValue::String(value))) = (
        e.get(ContextKind::InvalidArg),
        e.get(ContextKind::InvalidValue),
    ) else {
        return None;
    };
    let negative = value.starts_with('-') && value[1..].parse::<f64>().is_ok();
    negative.then(|| {
        format!(
            "error: invalid value '{value}' for '{arg}': must be ≥ 0 (a whole number; this \
             option takes no negative numbers)\n\nFor more information, try '--help'.\n"
        )
    })
}

fn parse() -> Result<Cli, ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = allow_negative_numbers(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| {
        if let Some(text) = negative_count(&e) {
            let _ = write!(std::io::stderr(), "{text}");
            return ExitCode::from(2);
        }
        // clap prints help/version to stdout with exit 0, usage errors to stderr with exit 2.
        let _ = e.print();
        ExitCode::from(if e.use_stderr() { 2 } else { 0 })
    })
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let result = match cli.command {
        Command::Run(a) => cli::run::run(a),
        Command::Bootstrap(a) => cli::bootstrap::run(a),
        Command::Rct(a) => cli::rct::run(a),
        Command::Match(a) => cli::matching::run(a),
        Command::Did(a) => cli::did::run(a),
        Command::Power(a) => cli::power::run(a),
        Command::Simulate(a) => cli::simulate::run(a),
    };
    let error = match (result, cli::output::stdout::finish()) {
        (Err(e), _) => e,
        (Ok(()), Ok(())) => return ExitCode::SUCCESS,
        // The reader of a pipe went away (`effekt … | head -1`): end quietly, as Unix tools do.
        (Ok(()), Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        (Ok(()), Err(e)) => {
            cli::common::CliError::internal(anyhow::anyhow!("cannot write to standard output: {e}"))
        }
    };
    let _ = writeln!(std::io::stderr(), "{}", error.message());
    ExitCode::from(error.exit_code() as u8)
}
