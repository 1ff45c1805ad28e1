//! CR2 (Bell & McCaffrey 2002): the three evaluation routes of the module docs of
//! [`super`] (direct, low-rank, Gram) and the Satterthwaite / HTZ quantities built on their
//! per-cluster state ([`Cr2State`]).

use faer::{Mat, MatRef};
use rayon::prelude::*;

use super::*;
use crate::ModelError;
use crate::linalg::{SmallSymEigen, crossprod_weighted, mm, qr, sym_eigen, sym_power, tmm};

/// CR2 (Bell & McCaffrey 2002) as estimatr `lm_robust(se_type = "CR2")` and clubSandwich
/// `vcovCR(type = "CR2")` with their default working model `Φ = I`:
///
/// `V = M Σ_g X_g'W_g A_g e_g e_g' A_g W_g X_g M`, `A_g = B_g^{+1/2}` (generalised inverse square
/// root, eigenvalues ≤ 1e-12 set to 0), `B_g = [(I − H)(I − H)']_gg` with `H = X M X'W`:
/// `B_g = I − H_gg − H_gg' + X_g P X_g'`, `P = M X'W²X M`. Unweighted this is `I − X_g M X_g'`.
///
/// `B_g = I + Z_g C Z_g'` with `Z_g = X_g` and `C = −M` (unweighted) or `Z_g = [X_g, W_g X_g]`,
/// `C = [[P, −M], [−M, 0]]` (weighted). With a thin QR `Z_g = Q R` and the eigendecomposition
/// `R C R' = E Λ E'`, `B_g^{+1/2} = I + Q E (f(1 + Λ) − I) E' Q'`, so no `n_g × n_g` matrix is
/// formed for large clusters.
///
/// For unweighted fits with `G·k ≤ n` the Gram route of the module docs is used instead.
pub(super) fn cr2(inp: &VcovInput<'_>) -> Result<Vcov, ModelError> {
    let n = inp.x.nrows();
    let k = inp.x.ncols();
    let codes = inp.clusters.ok_or(ModelError::ClustersRequired {
        estimator: "CR2".into(),
    })?;
    let (ids, g) = dense_cluster_ids(codes);
    if g < 2 {
        return Err(ModelError::TooFewClusters { count: g });
    }
    let gram = inp.w.is_none()
        && match inp.route {
            Cr2Route::Auto => g.saturating_mul(k) <= n,
            Cr2Route::Gram => true,
            Cr2Route::Direct | Cr2Route::LowRank => false,
        };
    if gram {
        return cr2_gram(inp, &ids, g);
    }
    let (order, starts) = cluster_index(codes);
    let xs = Mat::from_fn(n, k, |i, j| inp.x[(order[i], j)]);
    let ws: Option<Vec<f64>> = inp.w.map(|w| order.iter().map(|&i| w[i]).collect());
    let es: Vec<f64> = order.iter().map(|&i| inp.e[i]).collect();
    let m = inp.m.to_owned();
    let core = match &ws {
        None => Mat::from_fn(k, k, |i, j| -m[(i, j)]),
        Some(w) => {
            let w2: Vec<f64> = w.iter().map(|v| v * v).collect();
            let p = mm(
                mm(m.as_ref(), crossprod_weighted(xs.as_ref(), &w2).as_ref()).as_ref(),
                m.as_ref(),
            );
            Mat::from_fn(2 * k, 2 * k, |i, j| match (i < k, j < k) {
                (true, true) => p[(i, j)],
                (true, false) => -m[(i, j - k)],
                (false, true) => -m[(i - k, j)],
                (false, false) => 0.0,
            })
        }
    };
    let blocks: Vec<Mat<f64>> = (0..g)
        .into_par_iter()
        .map(|c| {
            let (s, e) = (starts[c], starts[c + 1]);
            let xg = xs.as_ref().subrows(s, e - s);
            let wg = ws.as_deref().map(|w| &w[s..e]);
            cr2_block(xg, wg, core.as_ref(), inp.route)
        })
        .collect::<Result<_, _>>()?;
    let mut f = Mat::<f64>::zeros(n, k);
    let mut u = Mat::<f64>::zeros(g, k);
    for (c, fb) in blocks.iter().enumerate() {
        let s = starts[c];
        for j in 0..k {
            let mut acc = 0.0;
            for r in 0..fb.nrows() {
                f[(s + r, j)] = fb[(r, j)];
                acc += fb[(r, j)] * es[s + r];
            }
            u[(c, j)] = acc;
        }
    }
    let meat = tmm(u.as_ref(), u.as_ref());
    let matrix = mm(mm(m.as_ref(), meat.as_ref()).as_ref(), m.as_ref());
    let state = Cr2State::Rows {
        xs,
        ws,
        f,
        starts,
        m,
        core,
    };
    let df = state.coefficient_df();
    Ok(Vcov {
        estimator: VarianceEstimator::Cr2,
        matrix,
        df,
        rule: DfRule::Satterthwaite,
        n_clusters: Some(g),
        factor: 1.0,
        cr2: Some(state),
    })
}

/// Dense cluster index of each row, clusters numbered in increasing code order (as
/// [`cluster_index`]), and the number of clusters.
pub(crate) fn dense_cluster_ids(codes: &[u32]) -> (Vec<u32>, usize) {
    let n = codes.len();
    let max = codes.iter().copied().max().unwrap_or(0) as usize;
    if max <= 4 * n + 64 {
        let mut map = vec![u32::MAX; max + 1];
        for &c in codes {
            map[c as usize] = 0;
        }
        let mut g = 0u32;
        for v in &mut map {
            if *v == 0 {
                *v = g;
                g += 1;
            }
        }
        (codes.iter().map(|&c| map[c as usize]).collect(), g as usize)
    } else {
        let mut u = codes.to_vec();
        u.sort_unstable();
        u.dedup();
        let ids = codes
            .iter()
            .map(|c| u.binary_search(c).unwrap_or_else(|i| i) as u32)
            .collect();
        (ids, u.len())
    }
}

/// Largest `k` for which the Gram route accumulates with stack arrays.
const GRAM_SMALL: usize = 4;

/// One pass over the rows for the Gram route with `K ≤ GRAM_SMALL` columns: `q_i = L'x_i`
/// computed on the fly, `q_i q_i'` and `q_i e_i` summed over each run of consecutive rows with the
/// same cluster and added to that cluster's totals (upper triangle of `G_g`) when the run ends.
/// Rows sorted by cluster give one run per cluster; any order gives the same sums up to rounding,
/// deterministically for a given order.
fn accumulate_runs<const K: usize>(
    cols: &[&[f64]],
    l: MatRef<'_, f64>,
    e: &[f64],
    ids: &[u32],
    gram: &mut [f64],
    qe: &mut [f64],
) {
    let n = ids.len();
    let mut lt = [[0.0; K]; K];
    for (a, row) in lt.iter_mut().enumerate() {
        for (m, v) in row.iter_mut().enumerate() {
            *v = l[(m, a)];
        }
    }
    let mut i = 0;
    while i < n {
        let c = ids[i];
        let mut j = i + 1;
        while j < n && ids[j] == c {
            j += 1;
        }
        let xs: [&[f64]; K] = std::array::from_fn(|m| &cols[m][i..j]);
        let mut acc = [[0.0; K]; K];
        let mut accr = [0.0; K];
        for (r, &er) in e[i..j].iter().enumerate() {
            let x: [f64; K] = std::array::from_fn(|m| xs[m][r]);
            let q: [f64; K] = std::array::from_fn(|a| {
                let mut t = 0.0;
                for m in 0..K {
                    t += x[m] * lt[a][m];
                }
                t
            });
            for b in 0..K {
                for a in 0..=b {
                    acc[b][a] += q[a] * q[b];
                }
                accr[b] += q[b] * er;
            }
        }
        let c = c as usize;
        for b in 0..K {
            for a in 0..=b {
                gram[c * K * K + a + b * K] += acc[b][a];
            }
            qe[c * K + b] += accr[b];
        }
        i = j;
    }
}

/// The Gram route of [`cr2`] (unweighted).
fn cr2_gram(inp: &VcovInput<'_>, ids: &[u32], g: usize) -> Result<Vcov, ModelError> {
    let n = inp.x.nrows();
    let k = inp.x.ncols();
    let kk = k * k;
    let l = inp.l;
    // G_g (upper triangle) and Q_g'e_g of every cluster in one pass over the rows
    let mut gram = vec![0.0; g * kk];
    let mut qe = vec![0.0; g * k];
    let cols: Option<Vec<&[f64]>> = (0..k)
        .map(|j| inp.x.col(j).try_as_col_major().map(|c| c.as_slice()))
        .collect();
    match cols {
        Some(cols) if k <= GRAM_SMALL && cols.iter().all(|c| c.len() == n) && inp.e.len() == n => {
            let args = (cols.as_slice(), l, inp.e, ids, &mut gram, &mut qe);
            match k {
                1 => accumulate_runs::<1>(args.0, args.1, args.2, args.3, args.4, args.5),
                2 => accumulate_runs::<2>(args.0, args.1, args.2, args.3, args.4, args.5),
                3 => accumulate_runs::<3>(args.0, args.1, args.2, args.3, args.4, args.5),
                _ => accumulate_runs::<4>(args.0, args.1, args.2, args.3, args.4, args.5),
            }
        }
        _ => {
            let q = mm(inp.x, l);
            let qcols: Vec<&[f64]> = (0..k).map(|a| q.col_as_slice(a)).collect();
            let mut qi = vec![0.0; k];
            for i in 0..n {
                for (v, col) in qi.iter_mut().zip(&qcols) {
                    *v = col[i];
                }
                let c = ids[i] as usize;
                let gb = &mut gram[c * kk..(c + 1) * kk];
                for b in 0..k {
                    let qb = qi[b];
                    for a in 0..=b {
                        gb[a + b * k] += qi[a] * qb;
                    }
                }
                let e = inp.e[i];
                for (r, v) in qe[c * k..(c + 1) * k].iter_mut().zip(&qi) {
                    *r += v * e;
                }
            }
        }
    }
    let mut eig = SmallSymEigen::new(k);
    let mut vals = vec![0.0; k];
    let mut phi = vec![0.0; k];
    let mut vr = vec![0.0; k];
    let mut ut = vec![0.0; k];
    let mut omega = Mat::<f64>::zeros(k, k);
    let mut all_vecs = vec![0.0; g * kk];
    let mut w1 = vec![0.0; g * k];
    let mut w2 = vec![0.0; g * k];
    for c in 0..g {
        let vecs = &mut all_vecs[c * kk..(c + 1) * kk];
        eig.eigen(&gram[c * kk..(c + 1) * kk], &mut vals, vecs)?;
        for (p, gam) in phi.iter_mut().zip(vals.iter_mut()) {
            let b = 1.0 - *gam;
            *p = if b > CR2_EIGEN_TOL {
                b.sqrt().recip()
            } else {
                0.0
            };
            // the null space of Q_g (e.g. intercept and a cluster-level treatment): exactly 0 in
            // theory, ±1e-17 after rounding; as noise it would leak into G_g T_g and T_g G_g T_g
            if gam.abs() <= CR2_EIGEN_TOL {
                *gam = 0.0;
            }
        }
        // ũ_g = V diag(φ) V' Q_g'e_g
        let r = &qe[c * k..(c + 1) * k];
        for i in 0..k {
            vr[i] = phi[i] * (0..k).map(|a| vecs[a + i * k] * r[a]).sum::<f64>();
        }
        for a in 0..k {
            ut[a] = (0..k).map(|i| vecs[a + i * k] * vr[i]).sum();
        }
        for b in 0..k {
            for a in 0..k {
                omega[(a, b)] += ut[a] * ut[b];
            }
        }
        // G_g T_g = V diag(γφ) V', T_g G_g T_g = V diag(γφ²) V'
        for i in 0..k {
            w1[c * k + i] = vals[i] * phi[i];
            w2[c * k + i] = vals[i] * phi[i] * phi[i];
        }
    }
    let matrix = mm(mm(l, omega.as_ref()).as_ref(), l.transpose());
    let state = Cr2State::Gram {
        l: l.to_owned(),
        g,
        vecs: all_vecs,
        w1,
        w2,
        core: Mat::from_fn(k, k, |i, j| if i == j { -1.0 } else { 0.0 }),
    };
    let df = state.coefficient_df();
    Ok(Vcov {
        estimator: VarianceEstimator::Cr2,
        matrix,
        df,
        rule: DfRule::Satterthwaite,
        n_clusters: Some(g),
        factor: 1.0,
        cr2: Some(state),
    })
}

/// `F_g = A_g W_g X_g` for one cluster (see [`cr2`]).
pub(crate) fn cr2_block(
    xg: MatRef<'_, f64>,
    wg: Option<&[f64]>,
    core: MatRef<'_, f64>,
    route: Cr2Route,
) -> Result<Mat<f64>, ModelError> {
    let ng = xg.nrows();
    let k = xg.ncols();
    let wx = match wg {
        Some(w) => Mat::from_fn(ng, k, |i, j| w[i] * xg[(i, j)]),
        None => xg.to_owned(),
    };
    let z = match wg {
        Some(_) => Mat::from_fn(
            ng,
            2 * k,
            |i, j| if j < k { xg[(i, j)] } else { wx[(i, j - k)] },
        ),
        None => xg.to_owned(),
    };
    let mz = z.ncols();
    let direct = match route {
        Cr2Route::Auto | Cr2Route::Gram => ng <= mz,
        Cr2Route::Direct => true,
        Cr2Route::LowRank => false,
    };
    if direct {
        let mut b = mm(mm(z.as_ref(), core).as_ref(), z.transpose());
        for i in 0..ng {
            b[(i, i)] += 1.0;
        }
        let a = sym_power(b.as_ref(), -0.5, CR2_EIGEN_TOL)?;
        Ok(mm(a.as_ref(), wx.as_ref()))
    } else {
        let qr = qr(z.as_ref());
        let q = qr.thin_q();
        let r = qr.r();
        let kmat = mm(mm(r.as_ref(), core).as_ref(), r.transpose());
        let (lam, e) = sym_eigen(kmat.as_ref())?;
        let d: Vec<f64> = lam
            .iter()
            .map(|&l| {
                let b = 1.0 + l;
                (if b > CR2_EIGEN_TOL { b.powf(-0.5) } else { 0.0 }) - 1.0
            })
            .collect();
        let t = tmm(q.as_ref(), wx.as_ref());
        let mut et = tmm(e.as_ref(), t.as_ref());
        for i in 0..et.nrows() {
            for j in 0..et.ncols() {
                et[(i, j)] *= d[i];
            }
        }
        let corr = mm(q.as_ref(), mm(e.as_ref(), et.as_ref()).as_ref());
        Ok(&wx + &corr)
    }
}

/// Per-cluster building blocks of the Satterthwaite/HTZ quantities for `q` contrasts.
///
/// For contrast `c_s` let `p_{g,s} = A_g W_g X_g M c_s` (so `c_s'V c_t = Σ_g (p_{g,s}'e_g)(p_{g,t}'e_g)`).
/// Under the working model (`e = (I − H)ε`, `ε ~ N(0, I)`) the `G × G` matrices
/// `P[s,t]_{gh} = δ_gh p_{g,s}'p_{g,t} + y_{g,s}' C y_{h,t}` with `y_{g,s} = [X_g'p_{g,s}; X_g'W_g p_{g,s}]`
/// (only the first half unweighted) hold all moments. They are never formed: traces of products
/// reduce to sums over clusters and `m × m` matrices (`m = k` or `2k`).
/// Largest `m` for which [`PStats`] multiplies `m × m` matrices with plain loops.
const SMALL: usize = 8;

struct PStats<'a> {
    q: usize,
    mdim: usize,
    sig: Vec<f64>,
    y: Vec<f64>,
    core: MatRef<'a, f64>,
    g: usize,
}

impl PStats<'_> {
    fn sig(&self, g: usize, a: usize, b: usize) -> f64 {
        self.sig[(g * self.q + a) * self.q + b]
    }
    fn y(&self, g: usize, s: usize) -> &[f64] {
        let o = (g * self.q + s) * self.mdim;
        &self.y[o..o + self.mdim]
    }
    fn ycy(&self, g: usize, a: usize, b: usize) -> f64 {
        let ya = self.y(g, a);
        let yb = self.y(g, b);
        let mut s = 0.0;
        for i in 0..self.mdim {
            let mut t = 0.0;
            for j in 0..self.mdim {
                t += self.core[(i, j)] * yb[j];
            }
            s += ya[i] * t;
        }
        s
    }
    /// `S_{ab} = Σ_g y_{g,a} y_{g,b}'`.
    fn s(&self, a: usize, b: usize) -> Mat<f64> {
        let mut s = Mat::<f64>::zeros(self.mdim, self.mdim);
        for g in 0..self.g {
            let ya = self.y(g, a);
            let yb = self.y(g, b);
            for j in 0..self.mdim {
                for i in 0..self.mdim {
                    s[(i, j)] += ya[i] * yb[j];
                }
            }
        }
        s
    }
    /// `tr P[a,b]`.
    fn tr(&self, a: usize, b: usize) -> f64 {
        (0..self.g)
            .map(|g| self.sig(g, a, b) + self.ycy(g, a, b))
            .sum()
    }
    /// `tr(P[a,b] P[c,d])`.
    fn tr_prod(&self, a: usize, b: usize, c: usize, d: usize) -> f64 {
        let mut t = 0.0;
        for g in 0..self.g {
            let sab = self.sig(g, a, b);
            let scd = self.sig(g, c, d);
            t += sab * scd + sab * self.ycy(g, c, d) + scd * self.ycy(g, a, b);
        }
        let sbc = self.s(b, c);
        let sda = self.s(d, a);
        let md = self.mdim;
        let mut tr = 0.0;
        if md <= SMALL {
            // tr(C S_bc C S_da) with plain loops (no allocation) for small m
            let mut l = [0.0; SMALL * SMALL];
            let mut r = [0.0; SMALL * SMALL];
            for j in 0..md {
                for i in 0..md {
                    let (mut x, mut z) = (0.0, 0.0);
                    for h in 0..md {
                        x += self.core[(i, h)] * sbc[(h, j)];
                        z += self.core[(i, h)] * sda[(h, j)];
                    }
                    l[i + j * md] = x;
                    r[i + j * md] = z;
                }
            }
            for i in 0..md {
                for j in 0..md {
                    tr += l[i + j * md] * r[j + i * md];
                }
            }
        } else {
            let l = mm(self.core, sbc.as_ref());
            let r = mm(self.core, sda.as_ref());
            for i in 0..md {
                for j in 0..md {
                    tr += l[(i, j)] * r[(j, i)];
                }
            }
        }
        t + tr
    }
}

impl Cr2State {
    fn k(&self) -> usize {
        match self {
            Self::Rows { m, .. } => m.nrows(),
            Self::Gram { l, .. } => l.nrows(),
        }
    }

    fn stats(&self, contrasts: &[Vec<f64>]) -> PStats<'_> {
        match self {
            Self::Rows {
                xs,
                ws,
                f,
                starts,
                m,
                core,
            } => {
                let k = m.nrows();
                let q = contrasts.len();
                let g = starts.len() - 1;
                let mdim = if ws.is_some() { 2 * k } else { k };
                let cm = Mat::from_fn(k, q, |j, s| contrasts[s][j]);
                // columns p_s = F M c_s for all rows (n × q)
                let p = mm(f.as_ref(), mm(m.as_ref(), cm.as_ref()).as_ref());
                let mut sig = vec![0.0; g * q * q];
                let mut y = vec![0.0; g * q * mdim];
                for c in 0..g {
                    let (s0, len) = (starts[c], starts[c + 1] - starts[c]);
                    let pg = p.as_ref().subrows(s0, len);
                    let xg = xs.as_ref().subrows(s0, len);
                    let sg = tmm(pg, pg);
                    let yb = tmm(xg, pg);
                    let yd = ws.as_ref().map(|w| {
                        let wp = Mat::from_fn(len, q, |i, a| w[s0 + i] * pg[(i, a)]);
                        tmm(xg, wp.as_ref())
                    });
                    for a in 0..q {
                        for b in 0..q {
                            sig[(c * q + a) * q + b] = sg[(a, b)];
                        }
                        let o = (c * q + a) * mdim;
                        for j in 0..k {
                            y[o + j] = yb[(j, a)];
                            if let Some(yd) = &yd {
                                y[o + k + j] = yd[(j, a)];
                            }
                        }
                    }
                }
                PStats {
                    q,
                    mdim,
                    sig,
                    y,
                    core: core.as_ref(),
                    g,
                }
            }
            Self::Gram {
                l,
                g,
                vecs,
                w1,
                w2,
                core,
            } => {
                // in the orthonormal basis: d_s = L'c_s, with z_s = V_g'd_s
                // y_{g,s} = G_g T_g d_s = V_g (γφ ∘ z_s), sig_{g,ab} = Σ_i γφ²_i z_{a,i} z_{b,i}
                let (k, g, q) = (l.nrows(), *g, contrasts.len());
                let kk = k * k;
                let d: Vec<f64> = (0..q)
                    .flat_map(|s| {
                        (0..k).map(move |m| (0..k).map(|j| l[(j, m)] * contrasts[s][j]).sum())
                    })
                    .collect();
                let mut sig = vec![0.0; g * q * q];
                let mut y = vec![0.0; g * q * k];
                let mut z = vec![0.0; q * k];
                for c in 0..g {
                    let v = &vecs[c * kk..(c + 1) * kk];
                    let (a1, a2) = (&w1[c * k..(c + 1) * k], &w2[c * k..(c + 1) * k]);
                    for s in 0..q {
                        let ds = &d[s * k..(s + 1) * k];
                        for i in 0..k {
                            z[s * k + i] = (0..k).map(|m| v[m + i * k] * ds[m]).sum();
                        }
                        let o = (c * q + s) * k;
                        for m in 0..k {
                            y[o + m] = (0..k).map(|i| v[m + i * k] * a1[i] * z[s * k + i]).sum();
                        }
                    }
                    for a in 0..q {
                        for b in 0..q {
                            sig[(c * q + a) * q + b] = (0..k)
                                .map(|i| a2[i] * z[a * k + i] * z[b * k + i])
                                .sum::<f64>();
                        }
                    }
                }
                PStats {
                    q,
                    mdim: k,
                    sig,
                    y,
                    core: core.as_ref(),
                    g,
                }
            }
        }
    }

    /// Satterthwaite df `(tr P)² / tr(P²)` of one contrast of the Gram state, given as
    /// `d = L'c`: the arithmetic of [`PStats::tr`] and [`PStats::tr_prod`] with `q = 1` and
    /// `C = −I`, in the same order (so the same bits), without the intermediate arrays.
    fn gram_df(&self, d: &[f64]) -> f64 {
        let k = self.k();
        if k <= GRAM_SMALL {
            let (mut z, mut y, mut s) = ([0.0; GRAM_SMALL], [0.0; GRAM_SMALL], [0.0; 16]);
            // constant k: the loops unroll
            match k {
                1 => self.gram_df_in(1, d, &mut z, &mut y, &mut s),
                2 => self.gram_df_in(2, d, &mut z, &mut y, &mut s),
                3 => self.gram_df_in(3, d, &mut z, &mut y, &mut s),
                _ => self.gram_df_in(4, d, &mut z, &mut y, &mut s),
            }
        } else {
            let (mut z, mut y, mut s) = (vec![0.0; k], vec![0.0; k], vec![0.0; k * k]);
            self.gram_df_in(k, d, &mut z, &mut y, &mut s)
        }
    }

    #[inline(always)]
    fn gram_df_in(&self, k: usize, d: &[f64], z: &mut [f64], y: &mut [f64], s: &mut [f64]) -> f64 {
        let Self::Gram {
            g, vecs, w1, w2, ..
        } = self
        else {
            return f64::NAN;
        };
        let kk = k * k;
        let (d, z, y, s) = (&d[..k], &mut z[..k], &mut y[..k], &mut s[..kk]);
        let (mut tr, mut t) = (0.0, 0.0);
        for c in 0..*g {
            let v = &vecs[c * kk..(c + 1) * kk];
            let (a1, a2) = (&w1[c * k..(c + 1) * k], &w2[c * k..(c + 1) * k]);
            for i in 0..k {
                z[i] = (0..k).map(|m| v[m + i * k] * d[m]).sum();
            }
            for m in 0..k {
                y[m] = (0..k).map(|i| v[m + i * k] * a1[i] * z[i]).sum();
            }
            let sig: f64 = (0..k).map(|i| a2[i] * z[i] * z[i]).sum();
            let mut ycy = 0.0;
            for &yi in y.iter() {
                ycy += yi * -yi;
            }
            tr += sig + ycy;
            t += sig * sig + sig * ycy + sig * ycy;
            for j in 0..k {
                for i in 0..k {
                    s[i + j * k] += y[i] * y[j];
                }
            }
        }
        // tr(C S C S) with C = −I
        let mut tss = 0.0;
        for i in 0..k {
            for j in 0..k {
                tss += s[i + j * k] * s[j + i * k];
            }
        }
        tr * tr / (t + tss)
    }

    /// Satterthwaite df of each coefficient, in chunks of contrasts so that the per-cluster
    /// blocks stay below ~4 million numbers.
    pub(crate) fn coefficient_df(&self) -> Vec<f64> {
        let k = self.k();
        if let Self::Gram { l, .. } = self {
            // d = L'e_j is row j of L
            return (0..k)
                .map(|j| {
                    let d: Vec<f64> = (0..k).map(|m| l[(j, m)]).collect();
                    self.gram_df(&d)
                })
                .collect();
        }
        let (g, n, mdim) = match self {
            Self::Rows { ws, f, starts, .. } => (
                starts.len() - 1,
                f.nrows(),
                if ws.is_some() { 2 * k } else { k },
            ),
            Self::Gram { g, .. } => (*g, 0, k),
        };
        let per = (g * (mdim + k) + n).max(1);
        let chunk = (4_000_000 / per).clamp(1, k.max(1));
        let mut df = Vec::with_capacity(k);
        let mut start = 0;
        while start < k {
            let end = (start + chunk).min(k);
            let cs: Vec<Vec<f64>> = (start..end)
                .map(|j| {
                    let mut c = vec![0.0; k];
                    c[j] = 1.0;
                    c
                })
                .collect();
            let st = self.stats(&cs);
            for s in 0..cs.len() {
                let tr = st.tr(s, s);
                df.push(tr * tr / st.tr_prod(s, s, s, s));
            }
            start = end;
        }
        df
    }

    /// Satterthwaite df for the contrast `c'β`: `(tr P)² / tr(P²)` (Bell & McCaffrey 2002;
    /// the form of estimatr and clubSandwich `coef_test(test = "Satterthwaite")`).
    pub(crate) fn satterthwaite(&self, c: &[f64]) -> f64 {
        if let Self::Gram { l, .. } = self {
            let k = l.nrows();
            let d: Vec<f64> = (0..k)
                .map(|m| (0..k).map(|j| l[(j, m)] * c[j]).sum())
                .collect();
            return self.gram_df(&d);
        }
        let st = self.stats(std::slice::from_ref(&c.to_vec()));
        let tr = st.tr(0, 0);
        tr * tr / st.tr_prod(0, 0, 0, 0)
    }

    /// HTZ degrees of freedom `ν` for the `q` restrictions `C β` (rows of `c`), as clubSandwich
    /// `Wald_test(test = "HTZ")` (Pustejovsky & Tipton 2018, eq. 14–16).
    pub(crate) fn htz_nu(&self, c: &[Vec<f64>]) -> Result<f64, ModelError> {
        let q = c.len();
        let st = self.stats(c);
        let omega = Mat::from_fn(q, q, |a, b| st.tr(a, b));
        let on = sym_power(omega.as_ref(), -0.5, CR2_EIGEN_TOL)?;
        let k = self.k();
        // c̃_s = Σ_a Ω^{-1/2}[s,a] c_a
        let ct: Vec<Vec<f64>> = (0..q)
            .map(|s| {
                (0..k)
                    .map(|j| (0..q).map(|a| on[(s, a)] * c[a][j]).sum())
                    .collect()
            })
            .collect();
        let st = self.stats(&ct);
        let mut var = 0.0;
        for s in 0..q {
            for t in 0..q {
                var += st.tr_prod(s, t, s, t) + st.tr_prod(s, s, t, t);
            }
        }
        Ok((q * (q + 1)) as f64 / var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::upper_inverse;

    /// A Gram-route state for a small cluster design with `k` columns.
    fn gram_state(k: usize) -> (Cr2State, Vec<f64>) {
        let (g, m) = (7usize, 5usize);
        let n = g * m;
        let frac = |x: f64| x - x.floor();
        let x = Mat::from_fn(n, k, |i, j| match j {
            0 => 1.0,
            1 => f64::from(u8::from((i / m) % 2 == 0)),
            _ => frac((i * (j + 3)) as f64 * 0.618) - 0.5,
        });
        let codes: Vec<u32> = (0..n).map(|i| (i / m) as u32 * 3 + 1).collect();
        let e: Vec<f64> = (0..n).map(|i| frac(i as f64 * 0.754) - 0.5).collect();
        let r = crate::linalg::qr_r(x.as_ref());
        let l = upper_inverse(r.as_ref());
        let mmat = mm(l.as_ref(), l.transpose());
        let v = compute(
            VarianceEstimator::Cr2,
            &VcovInput {
                x: x.as_ref(),
                l: l.as_ref(),
                w: None,
                e: &e,
                m: mmat.as_ref(),
                absorbed: 0,
                clusters: Some(&codes),
                route: Cr2Route::Gram,
            },
        )
        .unwrap();
        (v.cr2.unwrap(), v.df)
    }

    #[test]
    fn direct_gram_df_is_bitwise_the_pstats_df() {
        for k in 1..=4 {
            let (st, df) = gram_state(k);
            assert!(matches!(st, Cr2State::Gram { .. }));
            for (j, d) in df.iter().enumerate() {
                let mut c = vec![0.0; k];
                c[j] = 1.0;
                let p = st.stats(std::slice::from_ref(&c));
                let tr = p.tr(0, 0);
                let via_pstats = tr * tr / p.tr_prod(0, 0, 0, 0);
                assert_eq!(
                    d.to_bits(),
                    via_pstats.to_bits(),
                    "k = {k}, coefficient {j}"
                );
            }
            let c: Vec<f64> = (0..k).map(|j| 0.5 - 0.3 * j as f64).collect();
            let p = st.stats(std::slice::from_ref(&c));
            let tr = p.tr(0, 0);
            assert_eq!(
                st.satterthwaite(&c).to_bits(),
                (tr * tr / p.tr_prod(0, 0, 0, 0)).to_bits()
            );
        }
    }

    #[test]
    fn dense_cluster_ids_follow_code_order() {
        let codes = [7u32, 3, 7, 100, 3, 0];
        assert_eq!(dense_cluster_ids(&codes), (vec![2, 1, 2, 3, 1, 0], 4));
        let sparse: Vec<u32> = codes.iter().map(|c| c * 1_000_000 + 5).collect();
        assert_eq!(dense_cluster_ids(&sparse), (vec![2, 1, 2, 3, 1, 0], 4));
        let (order, starts) = cluster_index(&codes);
        assert_eq!(starts.len() - 1, 4);
        assert_eq!(order, vec![5, 1, 4, 0, 2, 3]);
    }
}
