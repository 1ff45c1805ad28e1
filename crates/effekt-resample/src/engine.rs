//! The replicate loop: rayon-parallel, deterministic, with progress.
//!
//! Replicate `b` is computed from its own stream `streams.get(b)` and nothing else, and the
//! results are collected in replicate order, so the output is bit-identical for any number of
//! threads. Work is split into fixed chunks of replicates (independent of the thread count); each
//! finished chunk reports its size to the progress callback.

use crate::rng::{Rng, Streams};
use rayon::prelude::*;

/// Progress callback: called with the number of newly finished units (replicates, permutations,
/// simulations). Must be cheap and thread-safe; the CLI turns it into a progress bar.
pub type ProgressFn<'a> = &'a (dyn Fn(u64) + Sync);

/// Replicates per chunk: small enough for load balance and a smooth progress bar, large enough
/// that per-chunk overhead vanishes.
fn chunk_size(total: usize) -> usize {
    (total / 256).clamp(1, 1024)
}

/// Evaluate `f(b, rng_b, scratch)` for b = 0..count in parallel and return the results in order.
///
/// `init` creates per-task scratch space (buffers reused across replicates of one chunk); the
/// scratch must not carry information between replicates, which keeps results independent of
/// scheduling.
pub fn map_replicates<T, S, I, F>(
    streams: &Streams,
    count: usize,
    progress: Option<ProgressFn<'_>>,
    init: I,
    f: F,
) -> Vec<T>
where
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(u64, &mut Rng, &mut S) -> T + Sync,
{
    map_indexed(count, progress, init, |b, scratch| {
        let mut rng = streams.get(b as u64);
        f(b as u64, &mut rng, scratch)
    })
}

/// Evaluate `f(i, scratch)` for i = 0..count in parallel (no randomness), in order.
pub fn map_indexed<T, S, I, F>(
    count: usize,
    progress: Option<ProgressFn<'_>>,
    init: I,
    f: F,
) -> Vec<T>
where
    T: Send,
    I: Fn() -> S + Sync,
    F: Fn(usize, &mut S) -> T + Sync,
{
    let chunk = chunk_size(count);
    let n_chunks = count.div_ceil(chunk);
    let chunks: Vec<Vec<T>> = (0..n_chunks)
        .into_par_iter()
        .map_init(&init, |scratch, c| {
            let start = c * chunk;
            let end = (start + chunk).min(count);
            let out: Vec<T> = (start..end).map(|i| f(i, scratch)).collect();
            if let Some(p) = progress {
                p((end - start) as u64);
            }
            out
        })
        .collect();
    let mut out = Vec::with_capacity(count);
    for c in chunks {
        out.extend(c);
    }
    out
}
