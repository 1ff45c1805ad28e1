//! Stage timings of OLS + CR2 on the benchmark design (n = 100,000, k = 10, G = 100).
#![allow(clippy::print_stdout)]
use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
use std::time::Instant;

fn frac(x: f64) -> f64 {
    x - x.floor()
}

fn main() {
    let n = 100_000usize;
    let g = 100usize;
    let primes = [2.0f64, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0, 19.0, 23.0];
    let mut b = DesignBuilder::new(n).intercept();
    let mut y = vec![1.0; n];
    for (j, p) in primes.iter().enumerate() {
        let a = frac(p.sqrt());
        let x: Vec<f64> = (1..=n).map(|i| frac(i as f64 * a) - 0.5).collect();
        for (yi, xi) in y.iter_mut().zip(&x) {
            *yi += 0.1 * (j + 1) as f64 * xi;
        }
        b = b.numeric(format!("X{}", j + 1), x);
    }
    for (i, yi) in y.iter_mut().enumerate() {
        *yi += frac(((i % g) as f64 + 1.0) * frac(29f64.sqrt())) - 0.5
            + frac((i + 1) as f64 * frac(31f64.sqrt()))
            - 0.5;
    }
    let cl: Vec<u32> = (0..n).map(|i| (i % g) as u32).collect();
    let d = b.build().unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let fit = ols(
            &d,
            &y,
            &OlsOptions {
                vcov: Some(VarianceEstimator::Hc0),
                ..Default::default()
            },
        )
        .unwrap();
        let t1 = t.elapsed();
        let t = Instant::now();
        let f2 = fit.with_vcov(VarianceEstimator::Cr2, Some(&cl)).unwrap();
        let t2 = t.elapsed();
        let t = Instant::now();
        let f3 = fit.with_vcov(VarianceEstimator::Cr1, Some(&cl)).unwrap();
        let t3 = t.elapsed();
        println!(
            "fit+HC0 {t1:?}  CR2 {t2:?}  CR1 {t3:?}  df {}",
            f2.df()[1] + f3.df()[1]
        );
        let bits: Vec<u64> = f2
            .std_errors()
            .iter()
            .chain(f2.df())
            .chain(f2.coefficients())
            .map(|v| v.to_bits())
            .collect();
        println!(
            "bits hash {:x}",
            bits.iter().fold(0u64, |h, b| h.rotate_left(7) ^ b)
        );
    }
}
