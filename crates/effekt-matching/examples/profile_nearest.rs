//! Profile `fit` on the benchmark workload (benches/matching.rs):
//! `cargo run --release -p effekt-matching --example profile_nearest -- 1000000 [mahalanobis]`.

use effekt_data::{Covariate, CovariateValues, Dataset};
use effekt_matching::{Distance, MatchConfig, Order, fit};
use std::time::Instant;

const PRIMES: [f64; 5] = [2.0, 3.0, 5.0, 7.0, 11.0];

fn frac(x: f64) -> f64 {
    x - x.floor()
}

/// The benchmark data set with `n` rows.
fn data(n: usize) -> Dataset {
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

#[allow(clippy::print_stdout)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mahal = args.get(2).is_some_and(|s| s == "mahalanobis");
    let d = data(n);
    let cfg = if mahal {
        MatchConfig {
            distance: Distance::Mahalanobis,
            order: Some(Order::Random),
            ..MatchConfig::default()
        }
    } else {
        MatchConfig {
            caliper: Some(0.2),
            ..MatchConfig::default()
        }
    };
    for _ in 0..3 {
        let t = Instant::now();
        let f = fit(&d, &cfg, None).expect("fit");
        println!(
            "n = {n}: {:.3} s, matched {}",
            t.elapsed().as_secs_f64(),
            f.n_matched_treated
        );
    }
}
