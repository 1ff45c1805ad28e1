//! Difference-in-differences: 2x2, TWFE, event study, Callaway-Sant'Anna, wild cluster bootstrap,
//! Goodman-Bacon.

pub mod cs;
mod error;

pub use error::DidError;
