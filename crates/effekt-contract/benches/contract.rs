//! Contract evaluation speed: the R-anchor contract (5 parties, 6 components, 4 thresholds,
//! 2 caps) on B = 10⁴ and 10⁶ draws. Draws are a deterministic Weyl sequence (no RNG here:
//! only effekt-resample draws random numbers).
//!
//! Run: `cargo bench -p effekt-contract --bench contract`.
//! Compare with R: `Rscript crates/effekt-contract/benches/compare_r.R`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use effekt_contract::{ContractConfig, EvaluateOptions, OutcomeDraws, PointEstimate};
use serde::Deserialize;
use std::hint::black_box;

#[derive(Deserialize)]
struct Fixture {
    contract_toml: String,
}

#[derive(Deserialize)]
struct Study {
    contract: ContractConfig,
}

/// frac(b·α + shift): equidistributed in [0, 1).
fn weyl(b: usize, shift: f64) -> f64 {
    let a = 0.618_033_988_749_894_9_f64;
    (b as f64 * a + shift).fract()
}

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/contract_anchor.json"
    );
    let fx: Fixture = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cfg = toml::from_str::<Study>(&fx.contract_toml).unwrap().contract;
    let contract = cfg
        .validate(&["closed_lower", "plan_goals", "cost"])
        .unwrap();

    let mut group = c.benchmark_group("contract_evaluate");
    group.sample_size(10);
    for &n in &[10_000usize, 1_000_000] {
        // Shares on a 1/60 grid (ties with the thresholds), costs continuous.
        let closed_e: Vec<f64> = (0..n)
            .map(|b| ((weyl(b, 0.1) * 24.0).floor() - 6.0) / 60.0)
            .collect();
        let closed_o: Vec<f64> = closed_e.iter().map(|e| 0.35 + e).collect();
        let goals_e: Vec<f64> = (0..n)
            .map(|b| ((weyl(b, 0.3) * 24.0).floor() - 8.0) / 60.0)
            .collect();
        let goals_o: Vec<f64> = goals_e.iter().map(|e| 0.5 + e).collect();
        let cost_e: Vec<f64> = (0..n).map(|b| (weyl(b, 0.7) - 0.6) * 100_000.0).collect();
        let draws = [
            OutcomeDraws {
                outcome: "closed_lower",
                point: PointEstimate {
                    effect: 0.1,
                    treated_observed: Some(0.45),
                    treated_counterfactual: None,
                },
                effect: &closed_e,
                treated_observed: Some(&closed_o),
                treated_counterfactual: None,
            },
            OutcomeDraws {
                outcome: "plan_goals",
                point: PointEstimate {
                    effect: 0.08,
                    treated_observed: Some(0.58),
                    treated_counterfactual: None,
                },
                effect: &goals_e,
                treated_observed: Some(&goals_o),
                treated_counterfactual: None,
            },
            OutcomeDraws {
                outcome: "cost",
                point: PointEstimate {
                    effect: -15_000.0,
                    treated_observed: None,
                    treated_counterfactual: None,
                },
                effect: &cost_e,
                treated_observed: None,
                treated_counterfactual: None,
            },
        ];
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bch, _| {
            bch.iter(|| {
                black_box(
                    contract
                        .evaluate(black_box(&draws), &EvaluateOptions::default())
                        .unwrap(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
