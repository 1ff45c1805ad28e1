//! The permutation / randomisation engine.
//!
//! Under the sharp null hypothesis of no effect for anyone, the outcomes are fixed and only the
//! treatment assignment is random, so the null distribution of any statistic is obtained by
//! recomputing it under the assignments the design could have produced (Fisher 1935; Imbens &
//! Rubin 2015, ch. 5). The engine re-randomises the way the trial randomised: complete
//! randomisation (the number treated fixed), within blocks/strata, and of whole clusters
//! (within blocks when both are given).
//!
//! When the number of possible assignments Π_b C(m_b, k_b) is at most the exact limit, every
//! assignment is enumerated — in parallel, each one unranked independently from its index in the
//! combinatorial number system — and p-values are exact. Otherwise assignments are drawn at
//! random, assignment b from its own stream (seed, b), so results do not depend on thread count.

use crate::ResampleError;
use crate::draw::{CHUNK, bounded};
use crate::engine::{ProgressFn, map_indexed, map_replicates};
use crate::rng::{Purpose, Streams};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// Largest number of random assignments drawn, and of assignments enumerated: 10,000,000
/// (`permutations` beyond it is an error; an `exact_limit` beyond it acts as this limit).
pub const MAX_PERMUTATIONS: usize = 10_000_000;

/// Permutation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PermutationConfig {
    /// Number of random assignments when not enumerating: 1 to [`MAX_PERMUTATIONS`].
    pub permutations: usize,
    pub seed: u64,
    /// Enumerate every assignment when there are at most this many (0 = never enumerate; at
    /// most [`MAX_PERMUTATIONS`] are ever enumerated).
    pub exact_limit: u64,
}

impl Default for PermutationConfig {
    fn default() -> Self {
        Self {
            permutations: 9999,
            seed: 1,
            exact_limit: 100_000,
        }
    }
}

/// Which units are permuted within which block.
#[derive(Debug, Clone)]
pub struct PermutationPlan {
    n: usize,
    /// Per block: the units (clusters or single rows) as indices into `unit_offsets`, and how
    /// many of them are treated.
    blocks: Vec<(Vec<u32>, usize)>,
    /// Rows of every unit, concatenated: unit u owns `unit_rows[unit_offsets[u]..unit_offsets[u+1]]`.
    unit_rows: Vec<usize>,
    unit_offsets: Vec<usize>,
    clustered: bool,
}

/// How many assignments a plan has, when it fits in u64.
fn binomial(n: usize, k: usize) -> Option<u64> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut acc: u128 = 1;
    for i in 0..k {
        acc = acc * (n - i) as u128 / (i + 1) as u128;
        if acc > u64::MAX as u128 {
            return None;
        }
    }
    Some(acc as u64)
}

impl PermutationPlan {
    /// Plan for the observed assignment `treated`, with optional block and cluster codes.
    ///
    /// # Errors
    /// Length mismatch; a cluster whose rows are not all in the same arm (names the cluster
    /// code); a cluster spanning two blocks; no treated or no control unit at all.
    pub fn new(
        treated: &[bool],
        blocks: Option<&[u32]>,
        clusters: Option<&[u32]>,
    ) -> Result<Self, ResampleError> {
        let n = treated.len();
        if n < 2 {
            return Err(ResampleError::TooFew {
                what: "observations".into(),
                count: n,
                min: 2,
            });
        }
        for (what, codes) in [("blocks", blocks), ("clusters", clusters)] {
            if let Some(c) = codes
                && c.len() != n
            {
                return Err(ResampleError::Length {
                    what: what.into(),
                    expected: n,
                    got: c.len(),
                });
            }
        }
        let block_of = |i: usize| blocks.map_or(0, |b| b[i]) as usize;
        let n_blocks = (0..n).map(block_of).max().unwrap_or(0) + 1;
        // Units: clusters (all rows of a cluster) or rows.
        let mut units: Vec<Vec<usize>> = Vec::new();
        let mut unit_block: Vec<usize> = Vec::new();
        match clusters {
            Some(c) => {
                let k = c.iter().map(|&v| v as usize + 1).max().unwrap_or(0);
                let mut index = vec![usize::MAX; k];
                for i in 0..n {
                    let cl = c[i] as usize;
                    if index[cl] == usize::MAX {
                        index[cl] = units.len();
                        units.push(Vec::new());
                        unit_block.push(block_of(i));
                    }
                    let u = index[cl];
                    if unit_block[u] != block_of(i) {
                        return Err(ResampleError::Invalid(format!(
                            "cluster code {} spans two blocks; clusters must be nested in blocks",
                            c[i]
                        )));
                    }
                    if let Some(&first) = units[u].first()
                        && treated[first] != treated[i]
                    {
                        return Err(ResampleError::Invalid(format!(
                            "cluster code {} has both treated and control rows; in a cluster-randomised design the whole cluster must be in one arm",
                            c[i]
                        )));
                    }
                    units[u].push(i);
                }
            }
            None => {
                for i in 0..n {
                    units.push(vec![i]);
                    unit_block.push(block_of(i));
                }
            }
        }
        let mut per_block: Vec<(Vec<u32>, usize)> = vec![(Vec::new(), 0); n_blocks];
        let mut unit_rows = Vec::with_capacity(n);
        let mut unit_offsets = Vec::with_capacity(units.len() + 1);
        unit_offsets.push(0);
        for (u, rows) in units.into_iter().enumerate() {
            let b = unit_block[u];
            if treated[rows[0]] {
                per_block[b].1 += 1;
            }
            per_block[b].0.push(u as u32);
            unit_rows.extend_from_slice(&rows);
            unit_offsets.push(unit_rows.len());
        }
        per_block.retain(|(u, _)| !u.is_empty());
        let n_treated: usize = per_block.iter().map(|(_, k)| k).sum();
        let n_units: usize = per_block.iter().map(|(u, _)| u.len()).sum();
        if n_treated == 0 || n_treated == n_units {
            return Err(ResampleError::Invalid(
                "randomisation inference needs both treated and control units".into(),
            ));
        }
        Ok(Self {
            n,
            blocks: per_block,
            unit_rows,
            unit_offsets,
            clustered: clusters.is_some(),
        })
    }

    /// Number of possible assignments Π_b C(m_b, k_b), `None` when it exceeds u64.
    pub fn count(&self) -> Option<u64> {
        let mut total: u64 = 1;
        for (units, k) in &self.blocks {
            total = total.checked_mul(binomial(units.len(), *k)?)?;
        }
        Some(total)
    }

    /// Whether units are clusters.
    pub fn is_clustered(&self) -> bool {
        self.clustered
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Evaluate `f` on assignments: all of them when their number is at most
    /// `config.exact_limit`, otherwise `config.permutations` random ones. Results in order.
    pub fn run<T, F>(
        &self,
        config: &PermutationConfig,
        progress: Option<ProgressFn<'_>>,
        f: F,
    ) -> Result<Draws<T>, ResampleError>
    where
        T: Send,
        F: Fn(&[bool]) -> T + Sync,
    {
        match self.count() {
            Some(c) if c <= config.exact_limit.min(MAX_PERMUTATIONS as u64) => {
                let values = map_indexed(
                    c as usize,
                    progress,
                    || vec![false; self.n],
                    |r, z| {
                        self.unrank(r as u64, z);
                        f(z)
                    },
                );
                Ok(Draws {
                    values,
                    exact: true,
                    seed: None,
                })
            }
            _ => {
                if config.permutations == 0 || config.permutations > MAX_PERMUTATIONS {
                    return Err(ResampleError::Resamples {
                        got: config.permutations,
                        min: 1,
                        max: MAX_PERMUTATIONS,
                    });
                }
                let streams = Streams::new(config.seed, Purpose::Permutation);
                let values = map_replicates(
                    &streams,
                    config.permutations,
                    progress,
                    || (vec![false; self.n], Vec::new(), vec![0u32; CHUNK]),
                    |_, rng, (z, idx, buf): &mut (Vec<bool>, Vec<u32>, Vec<u32>)| {
                        z.fill(false);
                        for (units, k) in &self.blocks {
                            // Partial Fisher–Yates: the first k of a random permutation of the
                            // block's units, drawing the k random numbers in bulk.
                            let m = units.len();
                            idx.clear();
                            idx.extend_from_slice(units);
                            let mut j = 0;
                            while j < *k {
                                let len = (*k - j).min(buf.len());
                                rng.fill(&mut buf[..len]);
                                for &x in &buf[..len] {
                                    let r = j + bounded(x, (m - j) as u32, rng) as usize;
                                    idx.swap(j, r);
                                    for &i in self.rows_of(idx[j]) {
                                        z[i] = true;
                                    }
                                    j += 1;
                                }
                            }
                        }
                        f(z)
                    },
                );
                Ok(Draws {
                    values,
                    exact: false,
                    seed: Some(config.seed),
                })
            }
        }
    }

    #[inline]
    fn rows_of(&self, unit: u32) -> &[usize] {
        let u = unit as usize;
        &self.unit_rows[self.unit_offsets[u]..self.unit_offsets[u + 1]]
    }

    /// Assignment number `r` (0-based) in the enumeration order: mixed radix over blocks, and
    /// within a block the k-subsets in colexicographic order (combinatorial number system).
    fn unrank(&self, mut r: u64, z: &mut [bool]) {
        z.fill(false);
        for (units, k) in &self.blocks {
            let m = units.len();
            let c = binomial(m, *k).unwrap_or(1);
            let mut rb = r % c;
            r /= c;
            // Largest combination element first: find the largest x with C(x, j) ≤ rb.
            let mut top = m;
            for j in (1..=*k).rev() {
                let mut x = j - 1;
                while x + 1 < top && binomial(x + 1, j).unwrap_or(u64::MAX) <= rb {
                    x += 1;
                }
                rb -= binomial(x, j).unwrap_or(0);
                for &i in self.rows_of(units[x]) {
                    z[i] = true;
                }
                top = x;
            }
        }
    }
}

/// Statistic values under the assignments.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws<T> {
    pub values: Vec<T>,
    /// Whether every possible assignment was enumerated.
    pub exact: bool,
    /// The seed when assignments were drawn at random.
    pub seed: Option<u64>,
}

/// Permutation p-values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PValues {
    /// P(|T| ≥ |t_obs|).
    pub two_sided: f64,
    /// P(T ≥ t_obs).
    pub greater: f64,
    /// P(T ≤ t_obs).
    pub less: f64,
    /// Number of assignments the p-values are based on.
    pub count: usize,
    pub exact: bool,
}

/// p-values of `observed` against the null values. Exact enumeration: the share of assignments
/// at least as extreme (the observed assignment is among them). Random assignments:
/// (1 + #extreme)/(B + 1), which is a valid p-value (Phipson & Smyth 2010). Comparisons allow a
/// relative tolerance of 1e-9 so that ties created by floating-point noise count as ties.
pub fn p_values(observed: f64, null: &[f64], exact: bool) -> PValues {
    let tol = 1e-9 * observed.abs().max(1e-300).max(1.0);
    let (mut two, mut ge, mut le) = (0usize, 0usize, 0usize);
    for &t in null {
        if t.abs() >= observed.abs() - tol {
            two += 1;
        }
        if t >= observed - tol {
            ge += 1;
        }
        if t <= observed + tol {
            le += 1;
        }
    }
    let b = null.len();
    let p = |k: usize| {
        if exact {
            k as f64 / b as f64
        } else {
            (k as f64 + 1.0) / (b as f64 + 1.0)
        }
    };
    PValues {
        two_sided: p(two),
        greater: p(ge),
        less: p(le),
        count: b,
        exact,
    }
}
