//! `effekt did` (being built; see the open issue).

use crate::cli::common::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> CliResult {
    Err(CliError::internal(anyhow::anyhow!("`effekt did` is not built yet")))
}
