//! Bounded random indices in bulk — the innermost loop of every index-based bootstrap.
//!
//! Uniform integers in 0..n are obtained from 32-bit outputs by Lemire's (2019) widening
//! multiply: index = ⌊x·n / 2³²⌋, rejecting the few x whose low half falls below
//! (2³² − n) mod n so that every index is exactly equally likely. Outputs are generated 4,096 at
//! a time (one bulk ChaCha call instead of one call per index); a rejected value is replaced by
//! the generator's next output, in order, so the index sequence is a deterministic function of
//! the stream. Every consumer — the fused gather-and-sum of linear statistics and the frequency
//! vectors of general statistics — uses this one sequence, so both paths see the same resample.

use crate::rng::Rng;
use rand::{Rng as _, RngCore};

/// Outputs generated per bulk call.
pub(crate) const CHUNK: usize = 4096;

/// Sampler of uniform indices in `0..n` (1 ≤ n ≤ 2³²).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Indices {
    n: u64,
    /// Values with low half below this are rejected: (2³² − n) mod n.
    thresh: u32,
}

impl Indices {
    pub(crate) fn new(n: usize) -> Self {
        let n = (n as u64).clamp(1, 1 << 32);
        let thresh = ((1u64 << 32) - n) % n;
        Self {
            n,
            thresh: thresh as u32,
        }
    }

    #[inline(always)]
    fn map(&self, x: u32, rng: &mut Rng) -> usize {
        let mut m = x as u64 * self.n;
        while (m as u32) < self.thresh {
            m = rng.next_u32() as u64 * self.n;
        }
        (m >> 32) as usize
    }

    /// Write `out.len()` indices into `out`.
    #[inline]
    pub(crate) fn fill(&self, rng: &mut Rng, out: &mut [u32]) {
        for block in out.chunks_mut(CHUNK) {
            rng.fill(block);
            for v in block.iter_mut() {
                *v = self.map(*v, rng) as u32;
            }
        }
    }

    /// Draw `count` indices and return Σ values[idx] and Σ values[idx]² (the latter only when
    /// `SQ`). Four independent accumulators break the floating-point dependency chain; the
    /// summation order is fixed, so results are reproducible.
    #[inline]
    pub(crate) fn sum_gather<const SQ: bool>(
        &self,
        rng: &mut Rng,
        values: &[f64],
        count: usize,
        buf: &mut [u32],
    ) -> (f64, f64) {
        let mut s = [0.0f64; 4];
        let mut q = [0.0f64; 4];
        let mut left = count;
        while left > 0 {
            let k = left.min(CHUNK).min(buf.len());
            let block = &mut buf[..k];
            rng.fill(block);
            let mut quads = block.chunks_exact(4);
            for c in &mut quads {
                for l in 0..4 {
                    let v = values[self.map(c[l], rng)];
                    s[l] += v;
                    if SQ {
                        q[l] += v * v;
                    }
                }
            }
            for &x in quads.remainder() {
                let v = values[self.map(x, rng)];
                s[0] += v;
                if SQ {
                    q[0] += v * v;
                }
            }
            left -= k;
        }
        ((s[0] + s[1]) + (s[2] + s[3]), (q[0] + q[1]) + (q[2] + q[3]))
    }
}

/// A uniform integer in `0..s` (1 ≤ s ≤ 2³²) from the 32-bit output `x`, by Lemire's (2019)
/// nearly divisionless method: the threshold (2³² − s) mod s — the only division — is computed
/// only in the rare case that the low half of x·s falls below s. Rejected outputs are replaced
/// by the generator's next outputs, so the result is a deterministic function of the stream.
#[inline(always)]
pub(crate) fn bounded(x: u32, s: u32, rng: &mut Rng) -> u32 {
    let s64 = s as u64;
    let mut m = x as u64 * s64;
    if (m as u32) < s {
        let t = s.wrapping_neg() % s;
        while (m as u32) < t {
            m = rng.next_u32() as u64 * s64;
        }
    }
    (m >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Streams};

    #[test]
    fn bounded_is_in_range_and_uniform() {
        let mut rng = Streams::new(5, Purpose::Permutation).get(0);
        for s in [1u32, 2, 3, 10, 1000, u32::MAX] {
            for _ in 0..1000 {
                let x = rng.next_u32();
                assert!(bounded(x, s, &mut rng) < s);
            }
        }
        let mut counts = [0usize; 3];
        for _ in 0..30_000 {
            let x = rng.next_u32();
            counts[bounded(x, 3, &mut rng) as usize] += 1;
        }
        for c in counts {
            assert!((c as f64 - 10_000.0).abs() < 5.0 * (30_000.0f64 * (2.0 / 9.0)).sqrt());
        }
    }

    #[test]
    fn indices_are_in_range_uniform_and_consistent_between_consumers() {
        let s = Streams::new(3, Purpose::Bootstrap);
        for n in [1usize, 2, 3, 7, 1000, 100_003] {
            let ix = Indices::new(n);
            let mut a = vec![0u32; 10_000];
            ix.fill(&mut s.get(1), &mut a);
            assert!(a.iter().all(|&v| (v as usize) < n));
            let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let mut buf = vec![0u32; CHUNK];
            let (sum, _) = ix.sum_gather::<false>(&mut s.get(1), &values, 10_000, &mut buf);
            assert_eq!(sum, a.iter().map(|&v| v as f64).sum::<f64>());
        }
        // Chi-square-free sanity: each of 3 values appears about a third of the time.
        let ix = Indices::new(3);
        let mut a = vec![0u32; 30_000];
        ix.fill(&mut s.get(2), &mut a);
        for k in 0..3 {
            let c = a.iter().filter(|&&v| v == k).count() as f64;
            assert!((c - 10_000.0).abs() < 5.0 * (30_000.0f64 * (1.0 / 3.0) * (2.0 / 3.0)).sqrt());
        }
    }
}
