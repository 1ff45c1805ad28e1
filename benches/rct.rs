//! Criterion benches of effekt-rct (issue 3): randomisation inference.
//!
//! * `ri_dim/n1000_B100k` — the whole `effekt-rct` analysis (difference in means, Neyman/Welch,
//!   counterfactual) plus randomisation inference with 100,000 Monte Carlo assignments
//!   (complete randomisation, 500 of 1,000 treated), the sharp-null p-value and the exact
//!   test-inversion interval. Goal: under 1 s.
//! * `ri_ancova/n1000_k2_B100k` — the same with ANCOVA on two covariates (the statistic is the
//!   ANCOVA coefficient, recomputed under each assignment by Frisch–Waugh–Lovell).
//!
//! Data are deterministic Weyl sequences shared with `benches/compare/rct_ri.R`:
//! `t_i = i mod 2`, `x1_i = frac(i·frac(√2)) − 0.5`, `x2_i = frac(i·frac(√3)) − 0.5`,
//! `y_i = 1 + 0.3 t_i + x1_i + 0.5 x2_i + frac(i·frac(√5)) − 0.5` for `i = 1..1000`.

use criterion::{Criterion, criterion_group, criterion_main};
use effekt_data::{MissingPolicy, ReadOptions, Table, read_csv_str};
use effekt_rct::{Estimator, RctConfig};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1000;
const B: usize = 100_000;

fn frac(x: f64) -> f64 {
    x - x.floor()
}

fn data() -> Table {
    let mut csv = String::from("y,t,x1,x2\n");
    let (a1, a2, a3) = (frac(2f64.sqrt()), frac(3f64.sqrt()), frac(5f64.sqrt()));
    for i in 1..=N {
        let fi = i as f64;
        let t = (i % 2) as f64;
        let x1 = frac(fi * a1) - 0.5;
        let x2 = frac(fi * a2) - 0.5;
        let y = 1.0 + 0.3 * t + x1 + 0.5 * x2 + frac(fi * a3) - 0.5;
        csv.push_str(&format!("{y:?},{t},{x1:?},{x2:?}\n"));
    }
    read_csv_str("bench.csv", &csv, &ReadOptions::default()).expect("bench data")
}

fn bench_rct(c: &mut Criterion) {
    let table = data();
    let mut g = c.benchmark_group("ri_dim");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let mut cfg = RctConfig::new("y", "t");
    cfg.randomization_inference = Some(B);
    cfg.exact_limit = 0;
    let rct = cfg.clone().validate().expect("config");
    g.bench_function("n1000_B100k", |b| {
        b.iter(|| {
            black_box(
                rct.fit_table(&table, MissingPolicy::Error, None)
                    .expect("fit"),
            )
        })
    });
    g.finish();

    let mut g = c.benchmark_group("ri_ancova");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    cfg.estimator = Estimator::Ancova;
    cfg.covariates = vec!["x1".into(), "x2".into()];
    let rct = cfg.validate().expect("config");
    g.bench_function("n1000_k2_B100k", |b| {
        b.iter(|| {
            black_box(
                rct.fit_table(&table, MissingPolicy::Error, None)
                    .expect("fit"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench_rct);
criterion_main!(benches);
