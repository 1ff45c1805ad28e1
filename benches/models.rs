//! Criterion benches of the regression layer (issue 3). The workload matches
//! `benches/compare/models_cr2.R`, which builds the same data with the same formulas and times
//! estimatr `lm_robust(se_type = "CR2", clusters = cl)` on it.
//!
//! * `ols_cr2/n100k_k10_G100` — OLS (intercept + 9 covariates, n = 100,000) with the CR2
//!   variance and Satterthwaite df for all 10 coefficients, 100 clusters of 1,000 rows;
//! * `ols_hc2/n100k_k10` — the same fit with HC2 (reference point: fit + one sandwich).
//!
//! Data are deterministic Weyl sequences, `x_j(i) = frac(i · frac(√p_j)) − 0.5` for the primes
//! `p_j = 2, 3, …, 23` (`i = 1..n`), cluster `g = (i − 1) mod 100` with effect
//! `frac((g + 1) · frac(√29)) − 0.5`, and `y = 1 + Σ_j 0.1 j x_j + effect + frac(i · frac(√31)) − 0.5`.

use criterion::{Criterion, criterion_group, criterion_main};
use effekt_models::{DesignBuilder, DesignMatrix, OlsOptions, VarianceEstimator, ols};
use std::hint::black_box;
use std::time::Duration;

pub const N: usize = 100_000;
pub const G: usize = 100;
const PRIMES: [f64; 9] = [2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0, 19.0, 23.0];

fn frac(x: f64) -> f64 {
    x - x.floor()
}

/// The benchmark design, outcome and cluster codes.
pub fn data() -> (DesignMatrix, Vec<f64>, Vec<u32>) {
    let idx: Vec<f64> = (1..=N).map(|i| i as f64).collect();
    let mut b = DesignBuilder::new(N).intercept();
    let mut y: Vec<f64> = vec![1.0; N];
    for (j, p) in PRIMES.iter().enumerate() {
        let a = frac(p.sqrt());
        let x: Vec<f64> = idx.iter().map(|i| frac(i * a) - 0.5).collect();
        for (yi, xi) in y.iter_mut().zip(&x) {
            *yi += 0.1 * (j + 1) as f64 * xi;
        }
        b = b.numeric(format!("X{}", j + 1), x);
    }
    let ac = frac(29f64.sqrt());
    let ay = frac(31f64.sqrt());
    let cl: Vec<u32> = (0..N).map(|i| (i % G) as u32).collect();
    for (i, yi) in y.iter_mut().enumerate() {
        let g = (i % G) as f64;
        *yi += frac((g + 1.0) * ac) - 0.5 + frac(idx[i] * ay) - 0.5;
    }
    (b.build().expect("benchmark design"), y, cl)
}

fn bench_models(c: &mut Criterion) {
    let (design, y, cl) = data();
    // the numbers benches/compare/models_cr2.R prints for estimatr, for a side-by-side check
    let check = ols(
        &design,
        &y,
        &OlsOptions {
            vcov: Some(VarianceEstimator::Cr2),
            clusters: Some(&cl),
            ..Default::default()
        },
    )
    .expect("fit");
    println!(
        "effekt CR2: SE(X1) = {:.10e}, df(X1) = {:.10}",
        check.std_errors()[1],
        check.df()[1]
    );
    let mut group = c.benchmark_group("ols_cr2");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("n100k_k10_G100", |b| {
        b.iter(|| {
            let fit = ols(
                black_box(&design),
                black_box(&y),
                &OlsOptions {
                    vcov: Some(VarianceEstimator::Cr2),
                    clusters: Some(&cl),
                    ..Default::default()
                },
            )
            .expect("fit");
            black_box(fit.df()[1])
        })
    });
    group.finish();
    let mut group = c.benchmark_group("ols_hc2");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("n100k_k10", |b| {
        b.iter(|| {
            let fit = ols(
                black_box(&design),
                black_box(&y),
                &OlsOptions {
                    vcov: Some(VarianceEstimator::Hc2),
                    ..Default::default()
                },
            )
            .expect("fit");
            black_box(fit.std_errors()[1])
        })
    });
    group.finish();
}

criterion_group!(benches, bench_models);
criterion_main!(benches);
