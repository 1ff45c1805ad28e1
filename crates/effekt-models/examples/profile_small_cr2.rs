//! Timings of many small OLS + CR2 fits: the power-simulation workload of issue 6 (n = 1,000,
//! intercept + cluster-level treatment, G = 40 clusters of 25). Run with
//! `cargo run --release -p effekt-models --example profile_small_cr2 [fits]`; the argument is
//! the number of fits (default 1,000). Under `valgrind --tool=callgrind` use a small count.
#![allow(clippy::print_stdout)]
use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
use std::time::Instant;

fn frac(x: f64) -> f64 {
    x - x.floor()
}

fn main() {
    let fits: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let (g, m) = (40usize, 25usize);
    let n = g * m;
    let cl: Vec<u32> = (0..n).map(|i| (i / m) as u32).collect();
    let t: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from((i / m) % 2 == 0)))
        .collect();
    let mut total = 0.0;
    let start = Instant::now();
    for r in 0..fits {
        let a = frac(((r + 2) as f64).sqrt());
        let y: Vec<f64> = (0..n)
            .map(|i| frac((i + 1) as f64 * a) + 0.2 * t[i] + frac((i / m) as f64 * 0.37))
            .collect();
        let design = DesignBuilder::new(n)
            .intercept()
            .numeric("treated", t.clone())
            .build()
            .expect("design");
        let opts = OlsOptions {
            vcov: Some(VarianceEstimator::Cr2),
            clusters: Some(&cl),
            ..Default::default()
        };
        let fit = ols(&design, &y, &opts).expect("fit");
        let row = fit.tidy(0.95).expect("tidy");
        total += row[1].std_error + row[1].df.unwrap_or(0.0) + row[1].p_value;
    }
    let el = start.elapsed();
    println!(
        "{fits} fits: {el:?} ({:.2} µs per fit), checksum {total:.12e}",
        el.as_secs_f64() * 1e6 / fits as f64
    );
}
