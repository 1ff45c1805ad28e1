//! Criterion benches of the Callaway–Sant'Anna estimator (issue 5).
//!
//! * `did_cs/dr_never_100k_x10_B1000`: the workload — 100,000 units × 10 periods
//!   (effekt-power's staggered DGP, seed 1: cohorts 4, 6, 8 and 25 % never treated, 27 ATT(g,t)),
//!   doubly robust ATT(g,t) with never-treated controls, the four aggregations, analytic
//!   standard errors and a multiplier bootstrap with B = 1,000 and uniform bands. Target: at
//!   least 15× faster than csdid 0.4.3 on the same data (`benches/compare/did_cs.py`).
//! * `did_cs/dr_never_100k_x10_analytic`: the same without the bootstrap (B = 0).
//! * `did_cs/dr_never_100k_x10_B1000_1thread`: the bootstrap workload on one rayon thread.
//! * `did_cs/dr_never_10k_x10_B1000`: 10,000 units (scaling in n).
//!
//! The compare script writes the same table with `effekt simulate staggered --n 100000
//! --periods 10 --seed 1`; this bench prints its row count and outcome sum so the two can be
//! checked against each other.
use criterion::{Criterion, criterion_group, criterion_main};
use effekt_data::{MissingPolicy, Roles};
use effekt_did::cs::{CsConfig, CsData, fit_cs};
use effekt_power::dgp::{DgpConfig, StaggeredConfig, generate_seeded};
use std::hint::black_box;
use std::time::Duration;

fn data(units: usize) -> CsData {
    let sim = generate_seeded(
        &DgpConfig::Staggered(StaggeredConfig {
            units,
            periods: 10,
            ..StaggeredConfig::default()
        }),
        1,
    )
    .expect("staggered DGP");
    let roles = Roles {
        outcome: Some("y".into()),
        unit: Some("id".into()),
        time: Some("period".into()),
        ..Roles::default()
    };
    let ds = sim
        .table
        .select(&roles, MissingPolicy::Error)
        .expect("roles");
    let first = sim.table.numeric("first_treated").expect("first_treated");
    CsData::from_dataset(&ds, &first).expect("input")
}

fn bench(c: &mut Criterion) {
    let big = data(100_000);
    let y_sum: f64 = big.outcome.iter().sum();
    println!(
        "did_cs data: {} rows, sum(y) = {y_sum:.6} (compare with benches/compare/did_cs.py)",
        big.n_rows()
    );
    let boot = CsConfig {
        bootstrap: 1000,
        seed: 1,
        ..CsConfig::default()
    };
    let fit = fit_cs(&big, &boot, None).expect("fit");
    println!(
        "did_cs fit: {} ATT(g,t); simple ATT {:.5} (bootstrap SE {:.5}, analytic {:.5})",
        fit.att_gt.len(),
        fit.simple.estimate,
        fit.simple.std_error.unwrap_or(f64::NAN),
        fit.simple.std_error_analytic.unwrap_or(f64::NAN)
    );
    let analytic = CsConfig {
        bootstrap: 0,
        ..CsConfig::default()
    };
    let small = data(10_000);
    let mut g = c.benchmark_group("did_cs");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("dr_never_100k_x10_B1000", |b| {
        b.iter(|| black_box(fit_cs(&big, &boot, None).expect("fit")))
    });
    g.bench_function("dr_never_100k_x10_analytic", |b| {
        b.iter(|| black_box(fit_cs(&big, &analytic, None).expect("fit")))
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    g.bench_function("dr_never_100k_x10_B1000_1thread", |b| {
        b.iter(|| one.install(|| black_box(fit_cs(&big, &boot, None).expect("fit"))))
    });
    g.bench_function("dr_never_10k_x10_B1000", |b| {
        b.iter(|| black_box(fit_cs(&small, &boot, None).expect("fit")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
