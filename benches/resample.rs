//! Criterion benches of the resampling core (issue 2). Workloads match `benches/compare/bootstrap.py`
//! and `benches/compare/bootstrap.R`, which run the same bootstraps through scipy and R boot.
//!
//! * `percentile_mean/n100k_B10k` — percentile bootstrap of one mean, n = 100,000, B = 10,000;
//! * `floor/n100k_B10k` — the bare loop: the same n·B bounded indices from the same generator,
//!   summing the gathered values (the floor the bootstrap is measured against);
//! * `bca_vs_percentile/{percentile,bca}_n1M_B2k` — n = 1,000,000, B = 2,000;
//! * `threads/{1,2}` — the percentile bootstrap at 1 and 2 threads.

use criterion::{Criterion, criterion_group, criterion_main};
use effekt_resample::{
    BootstrapConfig, IntervalMethod, Layout, LinearKind, LinearStatistic, Purpose, Scheme, Streams,
    bootstrap_linear,
};
use rand::distr::{Distribution, Uniform};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;

/// Deterministic lognormal-like data (the same generator the compare scripts read from CSV).
pub fn data(n: usize) -> Vec<f64> {
    let mut rng = Streams::new(20261123, Purpose::Simulation).get(0);
    let d = Uniform::new(0.0f64, 1.0).unwrap();
    (0..n)
        .map(|_| (-(1.0 - d.sample(&mut rng)).ln()).powf(1.5) * 100.0)
        .collect()
}

fn percentile(y: &[f64], b: usize, methods: Vec<IntervalMethod>) -> f64 {
    let stat = LinearStatistic::new(LinearKind::Mean, y, None, None).unwrap();
    let layout = Layout::new(y.len(), None, None).unwrap();
    let cfg = BootstrapConfig {
        resamples: b,
        seed: 1,
        scheme: Scheme::Iid,
        intervals: methods,
        ..Default::default()
    };
    bootstrap_linear(&stat, &layout, &cfg, None)
        .unwrap()
        .intervals[0]
        .low
}

/// The floor: the bare loop. Replicate b's stream draws n bounded indices exactly as the core
/// does (4,096 32-bit outputs per bulk call, Lemire's widening multiply with rejection) and sums
/// the gathered values with four accumulators — no statistic, no intervals, no bookkeeping.
fn floor(y: &[f64], b: usize) -> f64 {
    use rand::{Rng, RngCore};
    let streams = Streams::new(1, Purpose::Bootstrap);
    let n = y.len() as u64;
    let thresh = (((1u64 << 32) - n) % n) as u32;
    let means: Vec<f64> = (0..b as u64)
        .into_par_iter()
        .map_init(
            || vec![0u32; 4096],
            |buf, r| {
                let mut rng = streams.get(r);
                let mut s = [0.0f64; 4];
                let mut left = y.len();
                while left > 0 {
                    let k = left.min(4096);
                    rng.fill(&mut buf[..k]);
                    for (j, &x) in buf[..k].iter().enumerate() {
                        let mut m = x as u64 * n;
                        while (m as u32) < thresh {
                            m = rng.next_u32() as u64 * n;
                        }
                        s[j & 3] += y[(m >> 32) as usize];
                    }
                    left -= k;
                }
                ((s[0] + s[1]) + (s[2] + s[3])) / n as f64
            },
        )
        .collect();
    means[0]
}

fn benches(c: &mut Criterion) {
    let y100k = data(100_000);
    let mut g = c.benchmark_group("resample");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    g.bench_function("percentile_mean/n100k_B10k", |b| {
        b.iter(|| black_box(percentile(&y100k, 10_000, vec![IntervalMethod::Percentile])))
    });
    g.bench_function("floor/n100k_B10k", |b| {
        b.iter(|| black_box(floor(&y100k, 10_000)))
    });
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(
            format!("threads/{threads}/percentile_mean/n100k_B10k"),
            |b| {
                b.iter(|| {
                    pool.install(|| {
                        black_box(percentile(&y100k, 10_000, vec![IntervalMethod::Percentile]))
                    })
                })
            },
        );
    }
    let y1m = data(1_000_000);
    g.bench_function("bca_vs_percentile/percentile_n1M_B2k", |b| {
        b.iter(|| black_box(percentile(&y1m, 2_000, vec![IntervalMethod::Percentile])))
    });
    g.bench_function("bca_vs_percentile/bca_n1M_B2k", |b| {
        b.iter(|| black_box(percentile(&y1m, 2_000, vec![IntervalMethod::Bca])))
    });
    g.finish();
}

criterion_group!(resample, benches);
criterion_main!(resample);
