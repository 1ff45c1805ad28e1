//! The deterministic, rayon-parallel resampling core: bootstrap schemes, permutation/randomisation
//! engine, interval methods. The only crate in effekt that draws random numbers.

pub mod rng;

pub use rng::{Purpose, Rng, Streams, stream};
