//! Subcommands. Each module owns its clap `Args` and a `run(args) -> CliResult`.

pub mod bootstrap;
pub mod common;
pub mod did;
pub mod input;
pub mod matching;
pub mod output;
pub mod power;
pub mod rct;
pub mod run;
pub mod simulate;
