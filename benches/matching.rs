//! Criterion benches of effekt-matching (issue 4). The workload matches
//! `benches/compare/matching.R`, which builds the same data with the same formulas, times
//! MatchIt 4.5.1's `matchit()` on it and runs `effekt match` on the same file.
//!
//! * `nearest_caliper/{n100k,n1m}` — the whole `effekt_matching::fit`: logistic propensity
//!   score (6 covariates, one categorical with 3 levels), 1:1 greedy nearest-neighbour matching
//!   without replacement, largest score first, caliper 0.2 SD, weights, subclasses and the
//!   balance table (no outcome, as `matchit()`).
//! * `mahalanobis/{n10k,n100k,n1m}` — 1:1 Mahalanobis matching without replacement (k-d tree
//!   with deletions), random order, plus balance: the scaling shows the search is
//!   subquadratic.
//!
//! Data: `x_j(i) = frac(i · frac(√p_j)) − 0.5` for p = 2, 3, 5, 7, 11 (`i = 1..n`), category
//! `g = ["a", "b", "c"][i mod 3]`, treatment `1{frac(i · frac(√29)) < plogis(−1.4 + 0.8 x1 +
//! 0.5 x2 − 0.6 x3 + 0.3 x4 + 0.2·1{g = "b"})}` (about 20% treated).

use criterion::{Criterion, criterion_group, criterion_main};
use effekt_data::{Covariate, CovariateValues, Dataset};
use effekt_matching::{Distance, MatchConfig, Order, fit};
use std::hint::black_box;
use std::time::Duration;

const PRIMES: [f64; 5] = [2.0, 3.0, 5.0, 7.0, 11.0];

fn frac(x: f64) -> f64 {
    x - x.floor()
}

/// The benchmark data set with `n` rows.
pub fn data(n: usize) -> Dataset {
    let idx: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    let xs: Vec<Vec<f64>> = PRIMES
        .iter()
        .map(|p| {
            let a = frac(p.sqrt());
            idx.iter().map(|i| frac(i * a) - 0.5).collect()
        })
        .collect();
    let g: Vec<u32> = (1..=n).map(|i| (i % 3) as u32).collect();
    let au = frac(29f64.sqrt());
    let treat: Vec<bool> = (0..n)
        .map(|k| {
            let eta = -1.4 + 0.8 * xs[0][k] + 0.5 * xs[1][k] - 0.6 * xs[2][k]
                + 0.3 * xs[3][k]
                + if g[k] == 1 { 0.2 } else { 0.0 };
            frac(idx[k] * au) < 1.0 / (1.0 + (-eta).exp())
        })
        .collect();
    let mut covariates: Vec<Covariate> = xs
        .into_iter()
        .enumerate()
        .map(|(j, x)| Covariate {
            name: format!("x{}", j + 1),
            values: CovariateValues::Numeric(x),
        })
        .collect();
    covariates.push(Covariate {
        name: "g".into(),
        values: CovariateValues::Categorical {
            levels: vec!["a".into(), "b".into(), "c".into()],
            codes: g,
        },
    });
    Dataset {
        source: format!("bench n = {n}"),
        rows: (0..n).collect(),
        outcome: None,
        treatment: Some(treat),
        group: None,
        unit: None,
        time: None,
        cluster: None,
        strata: None,
        weights: None,
        covariates,
        dropped: 0,
        missing_by_column: Vec::new(),
    }
}

fn bench_nearest(c: &mut Criterion) {
    let cfg = MatchConfig {
        caliper: Some(0.2),
        ..MatchConfig::default()
    };
    let mut group = c.benchmark_group("nearest_caliper");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for (label, n) in [("n100k", 100_000), ("n1m", 1_000_000)] {
        let d = data(n);
        let f = fit(&d, &cfg, None).expect("fit");
        println!(
            "effekt {label}: matched treated {} of {}, matched controls {}",
            f.n_matched_treated, f.sizes.treated.all, f.n_matched_control
        );
        group.bench_function(label, |b| {
            b.iter(|| black_box(fit(black_box(&d), &cfg, None).expect("fit")))
        });
    }
    group.finish();
}

fn bench_mahalanobis(c: &mut Criterion) {
    let cfg = MatchConfig {
        distance: Distance::Mahalanobis,
        order: Some(Order::Random),
        ..MatchConfig::default()
    };
    let mut group = c.benchmark_group("mahalanobis");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for (label, n) in [("n10k", 10_000), ("n100k", 100_000), ("n1m", 1_000_000)] {
        let d = data(n);
        group.bench_function(label, |b| {
            b.iter(|| black_box(fit(black_box(&d), &cfg, None).expect("fit")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_nearest, bench_mahalanobis);
criterion_main!(benches);
