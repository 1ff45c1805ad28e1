//! Deterministic random streams: the only source of randomness in effekt.
//!
//! Every replicate `b` of every stochastic procedure draws from its own ChaCha8 stream, keyed by
//! the user's seed and selected by `(purpose, b)`. Because a replicate's numbers depend only on
//! `(seed, purpose, b)` — never on which thread ran it or what ran before — results collected in
//! replicate order are bit-identical at any thread count and across runs.
//!
//! ChaCha8 (Bernstein 2008; Aumasson 2019, "Too much crypto") is a counter-based generator: the
//! 64-bit stream id selects one of 2^64 independent sequences for the same key, so no two
//! replicates share numbers and no seed-splitting heuristics are needed.

use rand::SeedableRng;
pub use rand::{Rng as RngExt, RngCore};
use rand_chacha::ChaCha8Rng;

/// The generator type handed to every replicate.
pub type Rng = ChaCha8Rng;

/// What a stream is used for. Different purposes under the same seed never share numbers, so
/// e.g. a bootstrap and a permutation test run with the same `--seed` are independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Purpose {
    /// Bootstrap replicates.
    Bootstrap = 1,
    /// Permutation / randomisation-inference replicates.
    Permutation = 2,
    /// Random group assignment for the grouped jackknife.
    Jackknife = 3,
    /// Simulated data sets (power simulation, synthetic data).
    Simulation = 4,
    /// Multiplier / wild bootstrap weights.
    Multiplier = 5,
    /// Random matching order and other one-off randomisation.
    Order = 6,
}

/// A family of independent streams for one seed and purpose.
#[derive(Debug, Clone)]
pub struct Streams {
    key: [u8; 32],
    purpose: Purpose,
}

const REPLICATE_BITS: u32 = 56;

impl Streams {
    /// Streams for `seed` and `purpose`.
    pub fn new(seed: u64, purpose: Purpose) -> Self {
        // The 256-bit ChaCha key is expanded from the seed by rand_core's documented, portable
        // `seed_from_u64` (PCG32 output), so it is stable across platforms.
        let mut expander = ChaCha8Rng::seed_from_u64(seed);
        let mut key = [0u8; 32];
        expander.fill_bytes(&mut key);
        Self { key, purpose }
    }

    /// The generator of replicate `b` (b < 2^56).
    #[inline]
    pub fn get(&self, b: u64) -> Rng {
        debug_assert!(b < (1u64 << REPLICATE_BITS));
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(((self.purpose as u64) << REPLICATE_BITS) | b);
        rng
    }
}

/// Shorthand for `Streams::new(seed, purpose).get(b)`.
pub fn stream(seed: u64, purpose: Purpose, b: u64) -> Rng {
    Streams::new(seed, purpose).get(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = Streams::new(42, Purpose::Bootstrap);
        let a: Vec<u64> = (0..4).map(|_| s.get(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(s.get(7).next_u64(), s.get(8).next_u64());
        let p = Streams::new(42, Purpose::Permutation);
        assert_ne!(s.get(7).next_u64(), p.get(7).next_u64());
        assert_ne!(
            Streams::new(43, Purpose::Bootstrap).get(7).next_u64(),
            s.get(7).next_u64()
        );
    }
}
