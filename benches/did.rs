//! Criterion benches of effekt-did: the wild cluster bootstrap (issue 5).
//!
//! Workload of the speed goal (the same shape as `benches/compare/did_wildboottest.py`):
//! `y = 1 + 0.1 x + Σ_{j=1..8} z_j + u_g + e`, N rows in G equal clusters, k = 10 columns
//! (intercept, x, z1..z8), WCR with Rademacher weights, test of β_x = 0 with the interval by
//! test inversion. Timed end to end: partialling out, per-cluster sums, B replicates, p-value,
//! interval. Plus scaling in N and G, and a TWFE panel with unit and period fixed effects.
use criterion::{Criterion, criterion_group, criterion_main};
use effekt_did::{WildBootstrap, WildBootstrapConfig, WildProblem};
use effekt_resample::rng::RngExt;
use effekt_resample::{Purpose, stream};
use std::hint::black_box;
use std::time::Duration;

struct Data {
    y: Vec<f64>,
    x: Vec<f64>,
    z: Vec<Vec<f64>>,
    ones: Vec<f64>,
    cluster: Vec<u32>,
    unit: Vec<u32>,
    time: Vec<u32>,
}

/// Synthetic data: N rows, G clusters (rows assigned in blocks), 8 controls; for the panel
/// variant `units` units of `n / units` periods each, units nested in clusters.
fn data(n: usize, g: usize, units: usize) -> Data {
    let mut rng = stream(20_261_123, Purpose::Simulation, (n * 31 + g) as u64);
    let mut normal = || -> f64 {
        // Box–Muller from two uniforms
        let u1: f64 = rng.random::<f64>().max(1e-300);
        let u2: f64 = rng.random();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    };
    let per_unit = n / units;
    let cluster_effect: Vec<f64> = (0..g).map(|_| normal()).collect();
    let mut d = Data {
        y: Vec::with_capacity(n),
        x: Vec::with_capacity(n),
        z: (0..8).map(|_| Vec::with_capacity(n)).collect(),
        ones: vec![1.0; n],
        cluster: Vec::with_capacity(n),
        unit: Vec::with_capacity(n),
        time: Vec::with_capacity(n),
    };
    for i in 0..n {
        let unit = i / per_unit;
        let cl = unit * g / units;
        let x = normal() + 0.3 * cluster_effect[cl];
        let mut y = 1.0 + 0.1 * x + cluster_effect[cl] + normal();
        for j in 0..8 {
            let zj = normal();
            y += zj;
            d.z[j].push(zj);
        }
        d.y.push(y);
        d.x.push(x);
        d.cluster.push(cl as u32);
        d.unit.push(unit as u32);
        d.time.push((i % per_unit) as u32);
    }
    d
}

fn regression(d: &Data) -> WildProblem<'_> {
    let mut controls: Vec<&[f64]> = vec![&d.ones];
    controls.extend(d.z.iter().map(Vec::as_slice));
    WildProblem {
        y: &d.y,
        x: &d.x,
        x_name: "x",
        controls,
        fixed_effects: Vec::new(),
        clusters: &d.cluster,
        weights: None,
    }
}

fn run(p: &WildProblem<'_>, b: usize) -> f64 {
    let cfg = WildBootstrapConfig {
        resamples: b,
        seed: 1,
        ..Default::default()
    };
    let wb = WildBootstrap::new(p).unwrap();
    wb.run(&cfg, None).unwrap().p_value
}

fn wild(c: &mut Criterion) {
    let mut group = c.benchmark_group("wild");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let d = data(100_000, 50, 100_000);
    let p = regression(&d);
    group.bench_function("n100k_g50_b9999", |b| b.iter(|| black_box(run(&p, 9_999))));
    group.bench_function("n100k_g50_b99999", |b| {
        b.iter(|| black_box(run(&p, 99_999)))
    });
    // setup alone (partialling out + per-cluster sums)
    group.bench_function("n100k_g50_setup", |b| {
        b.iter(|| black_box(WildBootstrap::new(&p).unwrap().estimate()))
    });
    // scaling in N (G = 50) and in G (N = 100,000), B = 9,999
    for n in [10_000usize, 1_000_000] {
        let d = data(n, 50, n);
        let p = regression(&d);
        group.bench_function(format!("n{}k_g50_b9999", n / 1000), |b| {
            b.iter(|| black_box(run(&p, 9_999)))
        });
    }
    for g in [20usize, 200, 1_000] {
        let d = data(100_000, g, 100_000);
        let p = regression(&d);
        group.bench_function(format!("n100k_g{g}_b9999"), |b| {
            b.iter(|| black_box(run(&p, 9_999)))
        });
    }
    // TWFE panel: 5,000 units x 20 periods, unit effects (nested) and period effects
    let d = data(100_000, 50, 5_000);
    let p = WildProblem {
        y: &d.y,
        x: &d.x,
        x_name: "x",
        controls: Vec::new(),
        fixed_effects: vec![("unit", &d.unit), ("time", &d.time)],
        clusters: &d.cluster,
        weights: None,
    };
    group.bench_function("twfe_n100k_units5000_t20_g50_b9999", |b| {
        b.iter(|| black_box(run(&p, 9_999)))
    });
    group.finish();
}

criterion_group!(benches, wild);
criterion_main!(benches);
