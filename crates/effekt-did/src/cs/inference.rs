//! Inference: analytic influence-function standard errors and the multiplier bootstrap with
//! simultaneous (sup-t) critical values, as `did::mboot`.
//!
//! Everything is computed from the base influence-function matrix `Ψ` (units × base columns,
//! see [`aggregate`](super::aggregate)); with clusters, from its cluster sums `S`. For a
//! quantity with contrast `c`:
//!
//! * analytic: `se = √(c' S'S c) / n` — `√(mean(ψ²)/n)` without clusters (non-centred, as
//!   `did`), `√(Σ_clusters (Σ ψ)²)/n` with clusters (csdid 0.4 / `did` ≥ 2.5);
//! * bootstrap draw b: `δ_b = (1/n) Σ_rows V_b,row S_row c` with independent multipliers
//!   `V` per row (unit, or cluster); `se = (q₀.₇₅ − q₀.₂₅)/(z₀.₇₅ − z₀.₂₅)` of the draws (type-1
//!   quantiles, as `mboot`), and the simultaneous critical value of a family of quantities is
//!   the (1 − α) type-1 quantile of `max_k |δ_b,k| / se_k`.
//!
//! The multipliers of replicate b come from their own ChaCha8 stream
//! (`Streams::new(seed, Purpose::Multiplier).get(b)`) and are generated on the fly in blocks of
//! rows — never an n × B matrix. Replicates run in fixed chunks on rayon and are collected in
//! order, and every matrix product is sequential (`Par::Seq`), so the draws are bit-identical at
//! any thread count.

use effekt_resample::rng::RngCore;
use effekt_resample::{ProgressFn, Purpose, Streams};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use rayon::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use super::config::MultiplierWeights;
use super::kernels::spd_solve;

/// Replicates per parallel chunk (fixed, so results do not depend on the thread count).
const CHUNK: usize = 32;
/// Rows per multiplier block (a multiple of 64: one 64-bit word gives 64 Rademacher signs).
const ROW_BLOCK: usize = 2048;

/// Standard normal quantile.
pub(crate) fn qnorm(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// Two-sided normal p-value.
pub(crate) fn p_value(z: f64) -> f64 {
    2.0 * (1.0 - Normal::standard().cdf(z.abs()))
}

/// `S'S` (sequential GEMM).
pub(crate) fn gram(s: &Mat<f64>) -> Mat<f64> {
    let nb = s.ncols();
    let mut m = Mat::<f64>::zeros(nb, nb);
    matmul(
        m.as_mut(),
        Accum::Replace,
        s.as_ref().transpose(),
        s.as_ref(),
        1.0,
        Par::Seq,
    );
    m
}

/// `c' M c`.
pub(crate) fn quad(m: &Mat<f64>, c: &[f64]) -> f64 {
    let nb = c.len();
    let mut acc = 0.0;
    for j in 0..nb {
        if c[j] == 0.0 {
            continue;
        }
        let mut row = 0.0;
        for k in 0..nb {
            row += m[(j, k)] * c[k];
        }
        acc += c[j] * row;
    }
    acc
}

/// Analytic standard error of a contrast: `√(c' S'S c) / n`; `None` when the variance is zero
/// up to rounding (relative to `(Σ_j |c_j| √M_jj)²`, so the rule does not depend on the
/// outcome's scale — `did` uses an absolute 1.5·10⁻⁷ on ATT(g,t) standard errors), e.g. the
/// reference cell of a universal base period.
pub(crate) fn analytic_se(m: &Mat<f64>, c: &[f64], n: usize) -> Option<f64> {
    let v = quad(m, c);
    let scale: f64 = c
        .iter()
        .enumerate()
        .map(|(j, cj)| cj.abs() * m[(j, j)].max(0.0).sqrt())
        .sum();
    if !(v.is_finite() && v > 1e-24 * scale * scale) {
        return None;
    }
    let se = v.sqrt() / n as f64;
    (se.is_finite() && se > 0.0).then_some(se)
}

/// Rows (units or clusters) by base columns: the unit rows of `psi` or their cluster sums.
pub(crate) fn cluster_sums(psi: Mat<f64>, clusters: Option<(&[u32], usize)>) -> Mat<f64> {
    match clusters {
        None => psi,
        Some((codes, g)) => {
            let mut s = Mat::<f64>::zeros(g, psi.ncols());
            for j in 0..psi.ncols() {
                let col = psi.col_as_slice(j);
                for (i, &c) in codes.iter().enumerate() {
                    s[(c as usize, j)] += col[i];
                }
            }
            s
        }
    }
}

/// Multiplier-bootstrap draws of every target: `B × n_targets`, row-major.
///
/// `s`: rows × base columns; `contrasts`: base columns × targets; `n`: number of units.
pub(crate) fn draws(
    s: &Mat<f64>,
    contrasts: &Mat<f64>,
    n: usize,
    replicates: usize,
    weights: MultiplierWeights,
    seed: u64,
    progress: Option<ProgressFn<'_>>,
) -> Vec<f64> {
    let streams = Streams::new(seed, Purpose::Multiplier);
    let m = s.nrows();
    let nb = s.ncols();
    let nt = contrasts.ncols();
    // S' (base columns × rows): a block of rows is a contiguous block of columns.
    let st = s.transpose().to_owned();
    let n_chunks = replicates.div_ceil(CHUNK);
    // Mammen: a with probability pa, b otherwise.
    let sqrt5 = 5.0f64.sqrt();
    let (ma, mb) = ((1.0 - sqrt5) / 2.0, (1.0 + sqrt5) / 2.0);
    let pa = (sqrt5 + 1.0) / (2.0 * sqrt5);
    let thresh = (pa * 4_294_967_296.0).round() as u64;
    let chunks: Vec<Vec<f64>> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let b0 = c * CHUNK;
            let b1 = (b0 + CHUNK).min(replicates);
            let r = b1 - b0;
            let mut rngs: Vec<_> = (b0..b1).map(|b| streams.get(b as u64)).collect();
            // d' = S' V (base columns × replicates), accumulated over row blocks
            let mut dt = Mat::<f64>::zeros(nb, r);
            let mut u = Mat::<f64>::zeros(ROW_BLOCK.min(m.max(1)), r);
            let mut start = 0;
            while start < m {
                let len = ROW_BLOCK.min(m - start);
                for (ri, rng) in rngs.iter_mut().enumerate() {
                    let col = &mut u.col_as_slice_mut(ri)[..len];
                    match weights {
                        MultiplierWeights::Rademacher => {
                            for block in col.chunks_mut(64) {
                                let word = rng.next_u64();
                                for (bit, v) in block.iter_mut().enumerate() {
                                    // +1 when the bit is set, −1 otherwise (sign bit = !bit)
                                    let neg = (!(word >> bit) & 1) << 63;
                                    *v = f64::from_bits(ONE_BITS | neg);
                                }
                            }
                        }
                        MultiplierWeights::Mammen => {
                            for v in col.iter_mut() {
                                *v = if u64::from(rng.next_u32()) < thresh {
                                    ma
                                } else {
                                    mb
                                };
                            }
                        }
                    }
                }
                matmul(
                    dt.as_mut(),
                    Accum::Add,
                    st.as_ref().subcols(start, len),
                    u.as_ref().subrows(0, len),
                    1.0,
                    Par::Seq,
                );
                start += len;
            }
            // targets' = C' d' / n (targets × replicates)
            let mut t = Mat::<f64>::zeros(nt, r);
            matmul(
                t.as_mut(),
                Accum::Replace,
                contrasts.as_ref().transpose(),
                dt.as_ref(),
                1.0 / n as f64,
                Par::Seq,
            );
            if let Some(p) = progress {
                p(r as u64);
            }
            let mut out = Vec::with_capacity(r * nt);
            for i in 0..r {
                out.extend_from_slice(t.col_as_slice(i));
            }
            out
        })
        .collect();
    chunks.concat()
}

/// Bit pattern of 1.0.
const ONE_BITS: u64 = 0x3FF0_0000_0000_0000;

/// R's type-1 quantile (inverse of the empirical distribution) of sorted data.
pub(crate) fn quantile_type1(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let np = n as f64 * p;
    let j = (np + 4.0 * f64::EPSILON).floor();
    let idx = if np > j {
        j as usize
    } else {
        (j as usize).saturating_sub(1)
    };
    sorted[idx.min(n - 1)]
}

/// Bootstrap standard error of one target's draws (`mboot`'s IQR / (z₀.₇₅ − z₀.₂₅)); `None`
/// for degenerate (all-zero or non-finite) draws.
pub(crate) fn boot_se(col: &mut [f64]) -> Option<f64> {
    if col.iter().any(|x| !x.is_finite()) || col.iter().all(|&x| x == 0.0) {
        return None;
    }
    col.sort_unstable_by(f64::total_cmp);
    let iqr = quantile_type1(col, 0.75) - quantile_type1(col, 0.25);
    let se = iqr / (qnorm(0.75) - qnorm(0.25));
    (se.is_finite() && se > 0.0).then_some(se)
}

/// Column `j` of the row-major draws.
pub(crate) fn column(draws: &[f64], nt: usize, j: usize) -> Vec<f64> {
    draws.iter().skip(j).step_by(nt).copied().collect()
}

/// Simultaneous critical value of the targets `members` (those with a bootstrap standard
/// error): the (1 − α) type-1 quantile of `max_k |δ_k| / se_k` over replicates.
pub(crate) fn sup_t(draws: &[f64], nt: usize, members: &[(usize, f64)], alpha: f64) -> Option<f64> {
    if members.is_empty() || nt == 0 {
        return None;
    }
    let mut bt: Vec<f64> = draws
        .chunks_exact(nt)
        .map(|row| {
            members
                .iter()
                .map(|&(j, se)| (row[j] / se).abs())
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .filter(|v| v.is_finite())
        .collect();
    if bt.is_empty() {
        return None;
    }
    bt.sort_unstable_by(f64::total_cmp);
    let c = quantile_type1(&bt, 1.0 - alpha);
    c.is_finite().then_some(c)
}

/// The Wald test that the pre-treatment ATT(g,t) are jointly zero (`did`'s `W`, `Wpval`):
/// `W = n ATT' V⁻¹ ATT` with `V = S'S/n` over the usable pre-treatment cells, χ² with as many
/// degrees of freedom as cells. `None` when the covariance is singular.
pub(crate) fn wald_pretest(
    m: &Mat<f64>,
    att: &[f64],
    cols: &[usize],
    n: usize,
) -> Option<(f64, usize, f64)> {
    let q = cols.len();
    if q == 0 {
        return None;
    }
    let sub = Mat::from_fn(q, q, |i, j| m[(cols[i], cols[j])]);
    let a: Vec<f64> = cols.iter().map(|&k| att[k]).collect();
    let v = spd_solve(&sub, &a)?;
    let nn = n as f64;
    let w = nn * nn * a.iter().zip(&v).map(|(x, y)| x * y).sum::<f64>();
    let chi = ChiSquared::new(q as f64).ok()?;
    let p = 1.0 - chi.cdf(w);
    (w.is_finite()).then_some((w, q, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_quantiles_match_r() {
        // R: quantile(1:10, c(.25, .75, .95, .1), type = 1) = 3 8 10 1
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_type1(&x, 0.25), 3.0);
        assert_eq!(quantile_type1(&x, 0.75), 8.0);
        assert_eq!(quantile_type1(&x, 0.95), 10.0);
        assert_eq!(quantile_type1(&x, 0.1), 1.0);
        // R: quantile(1:1000, .95, type = 1) = 950
        let y: Vec<f64> = (1..=1000).map(f64::from).collect();
        assert_eq!(quantile_type1(&y, 0.95), 950.0);
        assert_eq!(quantile_type1(&y, 0.75), 750.0);
    }

    #[test]
    fn draws_do_not_depend_on_block_layout_or_threads() {
        // 5,000 rows (two full blocks and a partial one), 3 base columns, 2 targets.
        let m = 5000;
        let s = Mat::from_fn(m, 3, |i, j| ((i * 7 + j * 3) % 11) as f64 - 5.0);
        let c = Mat::from_fn(3, 2, |i, j| if i == j { 1.0 } else { 0.5 });
        let a = draws(&s, &c, m, 70, MultiplierWeights::Rademacher, 3, None);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| draws(&s, &c, m, 70, MultiplierWeights::Rademacher, 3, None));
        assert_eq!(a, b);
        // Replicate 40 by hand: signs from its own stream, 64 per word, in row order.
        let mut rng = Streams::new(3, Purpose::Multiplier).get(40);
        let mut d = [0.0f64; 3];
        let mut i = 0;
        while i < m {
            let word = rng.next_u64();
            for bit in 0..(m - i).min(64) {
                let v = if (word >> bit) & 1 == 1 { 1.0 } else { -1.0 };
                for j in 0..3 {
                    d[j] += v * s[(i + bit, j)];
                }
            }
            i += 64;
        }
        let t0 = (d[0] + 0.5 * d[1] + 0.5 * d[2]) / m as f64;
        assert!((a[40 * 2] - t0).abs() < 1e-12);
        // Mammen multipliers have mean 0 and variance 1.
        let ones = Mat::from_fn(m, 1, |_, _| 1.0);
        let id = Mat::from_fn(1, 1, |_, _| 1.0);
        let mm = draws(&ones, &id, m, 200, MultiplierWeights::Mammen, 9, None);
        let mean = mm.iter().sum::<f64>() / mm.len() as f64;
        let var = mm.iter().map(|x| x * x).sum::<f64>() / mm.len() as f64 * m as f64;
        assert!(mean.abs() < 4.0 / (m as f64 * 200.0).sqrt());
        assert!((var - 1.0).abs() < 0.25);
    }
}
