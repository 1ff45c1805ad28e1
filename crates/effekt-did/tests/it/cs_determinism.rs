//! Bit-identical results at 1, 2 and 8 threads (cells and bootstrap chunks run on rayon), the
//! seed decides the draws, and the progress callback counts every bootstrap replicate.

use crate::cs_common;

use std::sync::atomic::{AtomicU64, Ordering};

use effekt_did::cs::{ControlGroup, CsConfig, CsData, fit_cs};
use serde_json::json;

fn json_at(threads: usize, data: &CsData, cfg: &CsConfig) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let fit = pool.install(|| fit_cs(data, cfg, None)).unwrap();
    serde_json::to_string(&fit).unwrap()
}

#[test]
fn identical_at_1_2_and_8_threads() {
    // df_het: 1,500 units, 60 cells, 40 clusters, not-yet-treated controls, 999 draws.
    let het = cs_common::input(&json!({"data": "df_het", "cluster": "state"}));
    let cfg = CsConfig {
        control_group: ControlGroup::NotYetTreated,
        bootstrap: 999,
        seed: 42,
        ..CsConfig::default()
    };
    let one = json_at(1, &het, &cfg);
    assert_eq!(one, json_at(2, &het, &cfg));
    assert_eq!(one, json_at(8, &het, &cfg));
    // unit-level multipliers (1,500 rows: one partial block) and a covariate (castle, DR)
    let castle = cs_common::input(&json!({"data": "castle", "xformla": "y ~ poverty"}));
    let cfg = CsConfig {
        bootstrap: 500,
        ..CsConfig::default()
    };
    let one = json_at(1, &castle, &cfg);
    assert_eq!(one, json_at(2, &castle, &cfg));
    assert_eq!(one, json_at(8, &castle, &cfg));
    assert!(one.contains("\"resamples\":500"));
}

#[test]
fn seed_decides_the_draws_and_progress_counts_replicates() {
    let data = cs_common::input(&json!({"data": "castle"}));
    let cfg = CsConfig {
        bootstrap: 300,
        seed: 5,
        ..CsConfig::default()
    };
    let done = AtomicU64::new(0);
    let tick = |k: u64| {
        done.fetch_add(k, Ordering::Relaxed);
    };
    let a = fit_cs(&data, &cfg, Some(&tick)).unwrap();
    assert_eq!(done.load(Ordering::Relaxed), 300);
    let b = fit_cs(&data, &cfg, None).unwrap();
    assert_eq!(a, b);
    let c = fit_cs(
        &data,
        &CsConfig {
            seed: 6,
            ..cfg.clone()
        },
        None,
    )
    .unwrap();
    assert_ne!(a.simple.std_error, c.simple.std_error);
    assert_eq!(a.simple.estimate, c.simple.estimate);
    assert_eq!(a.seed, Some(5));
}
