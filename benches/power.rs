//! Criterion benches of the power-simulation harness (issue 6).
//!
//! * `harness/two_groups_welch_1000`: 1,000 simulated two-group trials (30 + 30, normal
//!   outcomes) analysed with Welch's t-test.
//! * `harness/cluster_rct_40x25_cr2_1000`: the target workload: 1,000 simulated
//!   cluster-randomised trials with 40 clusters of 25, analysed by OLS with CR2 standard errors
//!   and Satterthwaite df (effekt-models). Target: under 1 s on the 2-core machine.
//! * `harness/cluster_rct_40x25_cluster_means_1000`: the same trials analysed on cluster means.
//! * `analytic/two_means_solve_n`: one sample-size solve (noncentral t + Brent).
//!
//! The Python comparison (statsmodels OLS with cluster-robust SE in a loop) is
//! `benches/compare/power_compare.py`.
use criterion::{Criterion, criterion_group, criterion_main};
use effekt_power::analytic::{Design, Targets, TwoMeans, solve};
use effekt_power::sim::builtin::{SimulationConfig, run_config};
use std::hint::black_box;
use std::time::Duration;

fn config(dgp: &str, analysis: &str) -> SimulationConfig {
    SimulationConfig::from_toml_str(&format!(
        "seed = 1\nsimulations = 1000\n[dgp]\n{dgp}\n[analysis]\nkind = \"{analysis}\"\n"
    ))
    .unwrap_or_else(|e| panic!("bench config: {e}"))
}

fn harness(c: &mut Criterion) {
    let mut g = c.benchmark_group("harness");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let two = config(
        "kind = \"two-groups\"\nn_treated = 30\nn_control = 30\neffect = 0.5",
        "welch",
    );
    g.bench_function("two_groups_welch_1000", |b| {
        b.iter(|| black_box(run_config(&two, &|_| {})))
    });
    let cl = "kind = \"cluster-rct\"\nclusters = 40\ncluster_size = 25\nicc = 0.05\neffect = 0.2";
    let cr2 = config(cl, "ols-cr2");
    g.bench_function("cluster_rct_40x25_cr2_1000", |b| {
        b.iter(|| black_box(run_config(&cr2, &|_| {})))
    });
    let means = config(cl, "cluster-means");
    g.bench_function("cluster_rct_40x25_cluster_means_1000", |b| {
        b.iter(|| black_box(run_config(&means, &|_| {})))
    });
    g.finish();
}

fn analytic(c: &mut Criterion) {
    let d = Design::TwoMeans(TwoMeans::default());
    let t = Targets {
        n: None,
        effect: Some(0.5),
        power: Some(0.8),
        alpha: Some(0.05),
    };
    c.bench_function("analytic/two_means_solve_n", |b| {
        b.iter(|| black_box(solve(&d, &t, None)))
    });
}

criterion_group!(benches, harness, analytic);
criterion_main!(benches);
