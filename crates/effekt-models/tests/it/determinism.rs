//! Every number is bit-identical at any thread count (CR2 clusters and demeaned columns are
//! processed in parallel; faer runs sequentially inside).

use crate::common;

use common::*;
use effekt_models::{DemeanOptions, DesignBuilder, OlsOptions, VarianceEstimator, demean, ols};

fn run() -> Vec<u64> {
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
    let w = d.numbers("w");
    let fit = ols(
        &design,
        &d.numbers("y"),
        &OlsOptions {
            weights: Some(&w),
            vcov: Some(VarianceEstimator::Cr2),
            clusters: Some(&cl),
            ..Default::default()
        },
    )
    .unwrap();
    let k = fit.rank();
    let mut out: Vec<f64> = fit.coefficients().to_vec();
    out.extend(fit.df());
    out.extend((0..k * k).map(|i| fit.vcov().matrix()[(i / k, i % k)]));
    out.push(
        fit.wald(
            &[vec![0.0, 1.0, 0.0, 0.0, 0.0], vec![0.0, 0.0, 0.0, 1.0, 1.0]],
            None,
        )
        .unwrap()
        .htz
        .unwrap()
        .df2,
    );
    let p = Csv::fixture("synthetic_panel.csv");
    let u = |c: &str| p.numbers(c).iter().map(|v| *v as u32).collect::<Vec<u32>>();
    let dm = demean(
        &[&p.numbers("y"), &p.numbers("x1")],
        &[&u("unit"), &u("time"), &u("region")],
        None,
        &DemeanOptions::default(),
    )
    .unwrap();
    out.extend(dm.columns.concat());
    out.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn bit_identical_at_one_and_two_threads() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(run);
    assert_eq!(one, two);
}
