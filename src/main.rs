//! The `effekt` command line: the only place that reads files named on the command line, prints,
//! shows progress bars and exits. Exit codes: 0 ok, 2 bad input, 1 internal error.

use clap::{Parser, Subcommand};
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors to stderr with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
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
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message());
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
