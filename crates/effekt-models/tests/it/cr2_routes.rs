//! The Gram route of CR2 (per-cluster `k × k` Gram matrices of the orthonormalised design; what
//! `Cr2Route::Auto` uses for unweighted fits with `G·k ≤ n`) evaluates the same formula as the
//! `n_g × n_g` route of estimatr/clubSandwich (`Cr2Route::Direct`) and the thin-QR route
//! (`Cr2Route::LowRank`): checked against the R fixtures (`cr_thornton.json`,
//! `cr_synthetic.json`, including cluster fixed effects where every `I − H_gg` is singular) and,
//! on random designs, against the other routes to 1e-12 relative wherever no cluster carries
//! most of the leverage (the `(1 − λ)^{-1/2}` amplification discussed in `props.rs` otherwise).

use crate::common;

use common::*;
use effekt_models::{
    Cr2Route, DesignBuilder, DesignMatrix, OlsFit, OlsOptions, VarianceEstimator, ols,
};
use proptest::prelude::*;

const RTOL: f64 = 1e-8;

fn cr2(fit: &OlsFit, cl: &[u32], route: Cr2Route) -> OlsFit {
    fit.with_vcov_route(VarianceEstimator::Cr2, Some(cl), route)
        .unwrap()
}

/// The numbers compared between routes: the vcov (scaled by `√(V_ii V_jj)`), and, unless the
/// CR2 variance is zero up to rounding, every coefficient's df, one contrast's df and the HTZ
/// `ν` of the joint test of all slopes. Each entry is `(value, scale, tolerance factor)`.
fn numbers(f: &OlsFit) -> Vec<(f64, f64, f64)> {
    let k = f.rank();
    let v = f.vcov().matrix();
    // rounding-level scale of a variance: M · mean(y²)
    let y2 = f
        .fitted()
        .iter()
        .zip(f.residuals())
        .map(|(a, e)| (a + e) * (a + e))
        .sum::<f64>()
        / f.n() as f64;
    let m = f.bread();
    let vc = |i: usize, j: usize| m[(i, j)] * y2;
    let mut out = Vec::new();
    for i in 0..k {
        for j in 0..k {
            let s = (v[(i, i)] * v[(j, j)]).abs().sqrt() + 1e-2 * (vc(i, i) * vc(j, j)).sqrt();
            out.push((v[(i, j)], s, 1.0));
        }
    }
    // CR2 variance zero up to rounding (every I − H_gg singular along the design, e.g. two
    // clusters with a cluster-level treatment): the Satterthwaite df is 0/0 and rounding noise
    if (0..k).any(|i| v[(i, i)] <= 1e-12 * vc(i, i)) {
        return out;
    }
    // a coefficient whose CR2 variance is far below its natural scale lies almost entirely in
    // directions CR2 drops; rounding of order ε there is relative error ε · (scale / variance)
    for i in 0..k {
        out.push((f.df()[i], f.df()[i].abs(), 1.0 + 1e3 * vc(i, i) / v[(i, i)]));
    }
    let c: Vec<f64> = (0..k).map(|j| 0.3 + 0.1 * j as f64).collect();
    let quad = |w: &dyn Fn(usize, usize) -> f64| -> f64 {
        (0..k)
            .flat_map(|i| (0..k).map(move |j| (i, j)))
            .map(|(i, j)| c[i] * w(i, j) * c[j])
            .sum()
    };
    let (qc, qv) = (quad(&vc), quad(&|i, j| v[(i, j)]));
    if qv > 1e-12 * qc {
        let d = f.contrast_df(&c).unwrap();
        out.push((d, d.abs(), 1.0 + 1e3 * qc / qv));
    }
    if k >= 2 {
        let r: Vec<Vec<f64>> = (1..k)
            .map(|j| (0..k).map(|i| f64::from(u8::from(i == j))).collect())
            .collect();
        // (the F statistic is the route-independent Wald solve on the vcov compared above; ν is
        // compared as df2 + q − 1 since df2 itself can cancel to ~0)
        // (ν involves every slope: it carries the largest of their variance ratios)
        if let Ok(w) = f.wald(&r, None) {
            let h = w.htz.unwrap();
            let nu = h.df2 + h.df1 - 1.0;
            let ratio = (1..k).map(|i| vc(i, i) / v[(i, i)]).fold(0.0, f64::max);
            out.push((nu, nu.abs(), 1.0 + 1e3 * ratio));
        }
    }
    out
}

/// The Gram route (`a`) agrees with both the `n_g × n_g` route (`b`) and the thin-QR route
/// (`c`): `|a − b| ≤ tol · factor · scale + 2|b − c|` and the same for `c`, i.e. to `tol`
/// relative or to within the disagreement of the two existing routes where the problem itself
/// is ill-conditioned.
fn routes_agree(a: &OlsFit, b: &OlsFit, c: &OlsFit, tol: f64) -> Result<(), String> {
    let (mut na, mut nb, mut nc) = (numbers(a), numbers(b), numbers(c));
    if na.len() != nb.len() || na.len() != nc.len() {
        // a variance or a Wald test at a threshold (zero up to rounding, singular restriction),
        // decided differently by rounding: the vcov is still compared
        let k2 = a.rank() * a.rank();
        for v in [&mut na, &mut nb, &mut nc] {
            v.truncate(k2);
        }
    }
    for (i, ((x, s, fac), ((y, _, _), (z, _, _)))) in na.iter().zip(nb.iter().zip(&nc)).enumerate()
    {
        let spread = if (y - z).is_nan() { 0.0 } else { (y - z).abs() };
        let ok = |o: f64| {
            o == *x || (o.is_nan() && x.is_nan()) || (x - o).abs() <= tol * fac * s + 2.0 * spread
        };
        if !(ok(*y) && ok(*z)) {
            return Err(format!("number {i}: Gram {x} vs Direct {y} vs LowRank {z}"));
        }
    }
    Ok(())
}

/// As [`routes_agree`] for the Gram route against one other route, to `tol` alone.
fn route_equals(a: &OlsFit, b: &OlsFit, tol: f64) -> Result<(), String> {
    let (na, nb) = (numbers(a), numbers(b));
    if na.len() != nb.len() {
        return Err(format!("{} vs {} numbers", na.len(), nb.len()));
    }
    for (i, ((x, s, _), (y, _, _))) in na.iter().zip(&nb).enumerate() {
        if !(x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= tol * s) {
            return Err(format!("number {i}: {x} vs {y}"));
        }
    }
    Ok(())
}

fn bits(f: &OlsFit) -> Vec<u64> {
    let k = f.rank();
    let mut v: Vec<f64> = f.df().to_vec();
    v.extend((0..k * k).map(|i| f.vcov().matrix()[(i / k, i % k)]));
    v.iter().map(|x| x.to_bits()).collect()
}

fn synthetic() -> (DesignMatrix, Vec<f64>, Vec<u32>) {
    let d = Csv::fixture("synthetic_clusters.csv");
    let n = d.rows.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .covariates(&[
            numeric("x1", d.numbers("x1")),
            numeric("x2", d.numbers("x2")),
            categorical("f", &d.strings("f")),
        ])
        .build()
        .unwrap();
    let cl: Vec<u32> = d.numbers("cl").iter().map(|v| *v as u32).collect();
    (design, d.numbers("y"), cl)
}

/// The Gram route against estimatr/clubSandwich and, to 1e-12, against the other two routes.
fn check_reference(fit: &OlsFit, cl: &[u32], b: &serde_json::Value, what: &str) {
    let gram = cr2(fit, cl, Cr2Route::Gram);
    let r = &b["lm_robust"]["CR2"];
    close_vcov(gram.vcov().matrix(), &mat_f(&r["vcov"]), RTOL, what);
    close_vec(&gram.std_errors(), &vec_f(&r["std_error"]), RTOL, what);
    close_vec(gram.df(), &vec_f(&r["df"]), RTOL, what);
    let c = &b["contrast"];
    let t = gram.contrast(&vec_f(&c["c"]), 0.95).unwrap();
    close(t.df, c["df"].as_f64().unwrap(), RTOL, what);
    let h = &b["wald_htz"];
    let htz = gram
        .wald(&mat_f(&h["restrictions"]), None)
        .unwrap()
        .htz
        .unwrap();
    close(htz.df2, h["df2"].as_f64().unwrap(), RTOL, what);
    close(htz.f, h["f"].as_f64().unwrap(), RTOL, what);
    for route in [Cr2Route::Direct, Cr2Route::LowRank] {
        route_equals(&gram, &cr2(fit, cl, route), 1e-12)
            .unwrap_or_else(|e| panic!("{what} {route:?} vs Gram: {e}"));
    }
}

#[test]
fn gram_route_thornton() {
    let fx = fixture("cr_thornton.json");
    let b = &fx["thornton"];
    let data = &b["data"];
    let got = vec_f(&data["got"]);
    let design = DesignBuilder::new(got.len())
        .intercept()
        .numeric("any", vec_f(&data["any"]))
        .numeric("age", vec_f(&data["age"]))
        .build()
        .unwrap();
    let cl: Vec<u32> = vec_f(&data["villnum"]).iter().map(|v| *v as u32).collect();
    let fit = ols(&design, &got, &OlsOptions::default()).unwrap();
    check_reference(&fit, &cl, b, "thornton");
    // Auto takes the Gram route here (unweighted, G·k ≤ n): bit for bit the same numbers
    assert_eq!(
        bits(&cr2(&fit, &cl, Cr2Route::Auto)),
        bits(&cr2(&fit, &cl, Cr2Route::Gram))
    );
}

#[test]
fn gram_route_synthetic_unequal_clusters() {
    let fx = fixture("cr_synthetic.json");
    let (design, y, cl) = synthetic();
    let fit = ols(&design, &y, &OlsOptions::default()).unwrap();
    check_reference(&fit, &cl, &fx["unweighted"], "synthetic");
}

#[test]
fn gram_route_cluster_fixed_effects_generalised_inverse() {
    // every I − H_gg is singular (cluster dummies): the eigenvalues of I − G_g at 0 are dropped
    // exactly where estimatr/clubSandwich drop those of I − H_gg
    let fx = fixture("cr_synthetic.json");
    let b = &fx["cluster_fe"];
    let (_, y, cl) = synthetic();
    let d = Csv::fixture("synthetic_clusters.csv");
    let cl_str: Vec<String> = cl.iter().map(|c| format!("{c:03}")).collect();
    let design = DesignBuilder::new(y.len())
        .intercept()
        .covariates(&[
            numeric("x1", d.numbers("x1")),
            numeric("x2", d.numbers("x2")),
            categorical("factor(cl)", &cl_str),
        ])
        .build()
        .unwrap();
    let fit = ols(&design, &y, &OlsOptions::default()).unwrap();
    let gram = cr2(&fit, &cl, Cr2Route::Gram);
    let r = &b["lm_robust"];
    close_vec(
        &gram.std_errors()[..3],
        &vec_f(&r["std_error"])[..3],
        RTOL,
        "FE se",
    );
    close_vec(&gram.df()[..3], &vec_f(&r["df"])[..3], RTOL, "FE df");
    let direct = cr2(&fit, &cl, Cr2Route::Direct);
    for j in 0..3 {
        close(gram.std_errors()[j], direct.std_errors()[j], 1e-12, "FE se");
        close(gram.df()[j], direct.df()[j], 1e-12, "FE df");
    }
}

#[test]
fn weighted_gram_request_is_the_auto_route() {
    let (design, y, cl) = synthetic();
    let w: Vec<f64> = (0..y.len()).map(|i| 0.5 + (i % 7) as f64 / 4.0).collect();
    let fit = ols(
        &design,
        &y,
        &OlsOptions {
            weights: Some(&w),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        bits(&cr2(&fit, &cl, Cr2Route::Gram)),
        bits(&cr2(&fit, &cl, Cr2Route::Auto))
    );
}

/// Random cluster-randomised style designs: intercept, a cluster-level treatment (constant
/// within each cluster, so every `X_g` is rank-deficient), `extra` individual covariates;
/// cluster codes are scrambled and not contiguous.
type Case = (usize, Vec<usize>, Vec<f64>, Vec<f64>, u32, usize);

fn case() -> impl Strategy<Value = Case> {
    (2usize..14, 0usize..3).prop_flat_map(|(g, extra)| {
        (
            Just(g),
            prop::collection::vec(1usize..12, g),
            prop::collection::vec(-2.0f64..2.0, 200 * (extra + 1)),
            prop::collection::vec(-1.0f64..1.0, g),
            1u32..1000,
            Just(extra),
        )
    })
}

fn build(c: &Case) -> Option<(DesignMatrix, Vec<f64>, Vec<u32>)> {
    let (g, sizes, noise, effects, scramble, extra) = c;
    let n: usize = sizes.iter().sum();
    let mut treat = Vec::with_capacity(n);
    let mut codes = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    let mut xs = vec![Vec::with_capacity(n); *extra];
    let mut row = 0;
    // interleave clusters so the rows are not grouped by cluster
    let mut left = sizes.clone();
    while left.iter().any(|&m| m > 0) {
        for c in 0..*g {
            if left[c] == 0 {
                continue;
            }
            left[c] -= 1;
            let t = f64::from(u8::from(c % 2 == 0));
            treat.push(t);
            codes.push((c as u32 * 7919 + scramble) % 10_007);
            let mut v = effects[c] + 0.3 * t + noise[row % noise.len()];
            for (j, x) in xs.iter_mut().enumerate() {
                let xv = noise[(row * (j + 2) + 17 * j + 1) % noise.len()];
                x.push(xv);
                v += 0.2 * xv;
            }
            y.push(v);
            row += 1;
        }
    }
    let mut b = DesignBuilder::new(n).intercept().numeric("treat", treat);
    for (j, x) in xs.into_iter().enumerate() {
        b = b.numeric(format!("x{j}"), x);
    }
    Some((b.build().ok()?, y, codes))
}

/// Conditioning of CR2 on this design: the largest `1/(1 − λ)` over the eigenvalues `λ` of
/// every `H_gg = X_g M X_g'` that CR2 keeps; `None` when `1 − λ` lies within 1e-14..1e-4: close
/// to the cut-off [`effekt_models::vcov::CR2_EIGEN_TOL`] keeping or dropping it is decided by
/// rounding, and above `amp = 1e4` every route's rounding error exceeds 1e-5 (they disagree at
/// O(1) near `amp = 1e7`).
fn amplification(design: &DesignMatrix, fit: &OlsFit, codes: &[u32]) -> Option<f64> {
    let m = fit.bread();
    let x = design.matrix();
    let kept = fit.kept_columns();
    let mut rows = std::collections::BTreeMap::<u32, Vec<usize>>::new();
    for (i, &c) in codes.iter().enumerate() {
        rows.entry(c).or_default().push(i);
    }
    let mut amp: f64 = 1.0;
    for r in rows.values() {
        let h = faer::Mat::from_fn(r.len(), r.len(), |a, b| {
            let mut s = 0.0;
            for (p, &jp) in kept.iter().enumerate() {
                for (q, &jq) in kept.iter().enumerate() {
                    s += x[(r[a], jp)] * m[(p, q)] * x[(r[b], jq)];
                }
            }
            s
        });
        let h = faer::Mat::from_fn(r.len(), r.len(), |a, b| 0.5 * (h[(a, b)] + h[(b, a)]));
        let eig = h.self_adjoint_eigenvalues(faer::Side::Lower).ok()?;
        for l in eig {
            let b = 1.0 - l;
            if (1e-14..1e-4).contains(&b) {
                return None;
            }
            if b >= 1e-4 {
                amp = amp.max(1.0 / b);
            }
        }
    }
    Some(amp)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)))]

    #[test]
    fn gram_route_equals_direct_and_low_rank(c in case()) {
        let Some((design, y, codes)) = build(&c) else { return Ok(()) };
        let Ok(fit) = ols(&design, &y, &OlsOptions::default()) else { return Ok(()) };
        let fits: Vec<_> = [Cr2Route::Gram, Cr2Route::Direct, Cr2Route::LowRank]
            .iter()
            .map(|&r| fit.with_vcov_route(VarianceEstimator::Cr2, Some(&codes), r))
            .collect();
        if fits.iter().all(|f| f.is_err()) {
            return Ok(());
        }
        prop_assert!(fits.iter().all(|f| f.is_ok()), "routes disagree on failing: {:?}", fits.iter().map(|f| f.is_ok()).collect::<Vec<_>>());
        let fits: Vec<OlsFit> = fits.into_iter().map(|f| f.unwrap()).collect();
        // 1e-12 relative, plus rounding amplified when a cluster holds almost all leverage in
        // some direction (props.rs): (1 − λ)^{-1/2} scales it by amp = 1/(1 − λ), and the
        // Satterthwaite trace Σ_g (sig_g + ycy_g) cancels terms of size amp (in every route),
        // so the error grows as ε·amp². Skipped when an eigenvalue sits at the cut-off, where
        // keeping or dropping it is decided by rounding.
        let Some(amp) = amplification(&design, &fit, &codes) else { return Ok(()) };
        let tol = 1e-12 + 1e-13 * amp * amp;
        if let Err(e) = routes_agree(&fits[0], &fits[1], &fits[2], tol) {
            prop_assert!(false, "amplification {}: {}", amp, e);
        }
        // the cluster codes only matter through their order: a sparse relabelling (which takes
        // the sorting path of the cluster index) gives bit-identical results
        let sparse: Vec<u32> = codes.iter().map(|&c| c * 400_000 + 3).collect();
        let again = fit.with_vcov_route(VarianceEstimator::Cr2, Some(&sparse), Cr2Route::Gram).unwrap();
        prop_assert_eq!(bits(&again), bits(&fits[0]));
    }
}

/// Designs like the ones power simulations and evaluations produce: 8–40 clusters of 3–30 rows.
fn typical() -> impl Strategy<Value = Case> {
    (8usize..40, 0usize..4).prop_flat_map(|(g, extra)| {
        (
            Just(g),
            prop::collection::vec(3usize..30, g),
            prop::collection::vec(-2.0f64..2.0, 300 * (extra + 1)),
            prop::collection::vec(-1.0f64..1.0, g),
            1u32..1000,
            Just(extra),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)))]

    #[test]
    fn gram_route_equals_direct_and_low_rank_to_1e12_on_typical_designs(c in typical()) {
        let (design, y, codes) = build(&c).unwrap();
        let fit = ols(&design, &y, &OlsOptions::default()).unwrap();
        let gram = fit.with_vcov_route(VarianceEstimator::Cr2, Some(&codes), Cr2Route::Gram).unwrap();
        for route in [Cr2Route::Direct, Cr2Route::LowRank] {
            let other = fit.with_vcov_route(VarianceEstimator::Cr2, Some(&codes), route).unwrap();
            if let Err(e) = route_equals(&gram, &other, 1e-12) {
                prop_assert!(false, "{:?}: {}", route, e);
            }
        }
        prop_assert_eq!(bits(&gram), bits(&fit.with_vcov(VarianceEstimator::Cr2, Some(&codes)).unwrap()));
    }
}
