//! Interval endpoints against R `boot` 1.3-28.1 (`boot.ci`) and `scipy.stats.bootstrap` 1.17.1 on
//! the same data (fixtures and the scripts that made them in `tests/fixtures/`).
//!
//! Both the anchors and effekt are Monte Carlo estimates with B = 20,000, so endpoints are
//! compared within a stated number of Monte Carlo standard errors of their *difference*. The MC
//! standard error of a bootstrap quantile at level p is √(p(1−p)/B) / f(q_p) (e.g. Davison &
//! Hinkley 1997, §5.2.3); the density f is estimated from effekt's own replicates by the
//! difference quotient 2δ / (Q(p+δ) − Q(p−δ)), δ = 0.01. The difference of two independent
//! estimates has √2 times that standard error. Tolerance: 4 MC standard errors of the difference.

use effekt_resample::interval::norm_inter;
use effekt_resample::*;
use serde_json::Value;
use statrs::distribution::{ContinuousCDF, Normal};

const B: usize = 20_000;
const K: f64 = 4.0;

fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), name)
}

fn csv(name: &str) -> Vec<Vec<f64>> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect()
}

/// effekt's bootstrap of the fixture case `case`.
fn ours(case: &str, methods: &[IntervalMethod], seed: u64) -> BootstrapResult {
    let cfg = |scheme| BootstrapConfig {
        resamples: B,
        seed,
        scheme,
        intervals: methods.to_vec(),
        level: 0.95,
        ..Default::default()
    };
    match case {
        "mean" | "median" => {
            let y: Vec<f64> = csv("one_sample.csv").iter().map(|r| r[0]).collect();
            let layout = Layout::new(y.len(), None, None).unwrap();
            if case == "mean" {
                let s = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
                bootstrap_linear(&s, &layout, &cfg(Scheme::Iid), None).unwrap()
            } else {
                bootstrap(&Median::new(&y).unwrap(), &layout, &cfg(Scheme::Iid), None).unwrap()
            }
        }
        _ => {
            let file = if case == "proportion_diff" {
                "binary.csv"
            } else {
                "two_sample.csv"
            };
            let rows = csv(file);
            let y: Vec<f64> = rows.iter().map(|r| r[0]).collect();
            let g: Vec<u32> = rows.iter().map(|r| r[1] as u32).collect();
            let layout = Layout::new(y.len(), Some(&g), None).unwrap();
            let kind = if case == "ratio_of_means" {
                LinearKind::MeanRatio
            } else {
                LinearKind::MeanDiff
            };
            let s = LinearStatistic::new(kind, &y, None, Some(&g)).unwrap();
            bootstrap_linear(&s, &layout, &cfg(Scheme::Stratified), None).unwrap()
        }
    }
}

/// MC standard error of the bootstrap quantile at level p, from effekt's replicates.
fn quantile_se(sorted: &[f64], p: f64) -> f64 {
    let d = 0.01;
    let (q, _) = norm_inter(sorted, &[(p - d).max(0.001), (p + d).min(0.999)]);
    let slope = (q[1] - q[0]) / ((p + d).min(0.999) - (p - d).max(0.001));
    (p * (1.0 - p) / sorted.len() as f64).sqrt() * slope
}

fn method_of(name: &str) -> IntervalMethod {
    match name {
        "percentile" => IntervalMethod::Percentile,
        "basic" => IntervalMethod::Basic,
        "normal" => IntervalMethod::Normal,
        "studentized" => IntervalMethod::Studentized,
        "bca" => IntervalMethod::Bca,
        other => panic!("unknown method {other}"),
    }
}

fn compare(anchor: &str, seed: u64) {
    let fx = fixture(anchor);
    let nd = Normal::standard();
    let mut worst: f64 = 0.0;
    for (case, spec) in fx["cases"].as_object().unwrap() {
        let ref_ivs = spec["intervals"].as_object().unwrap();
        let methods: Vec<IntervalMethod> = ref_ivs.keys().map(|k| method_of(k)).collect();
        let r = ours(case, &methods, seed);
        // Point estimates are not Monte Carlo: exact agreement.
        let est = spec["estimate"].as_f64().unwrap();
        assert!(
            (r.estimate - est).abs() <= 1e-9 * est.abs().max(1.0),
            "{anchor} {case}: estimate {} vs {est}",
            r.estimate
        );
        let mut sorted: Vec<f64> = r
            .replicates
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        sorted.sort_by(f64::total_cmp);
        // Bootstrap SE: the MC standard error of a standard deviation estimated from B draws is
        // σ √((κ − 1)/(4B)), κ the kurtosis of the bootstrap distribution (lumpy for a median).
        let se_ref = spec["std_error"].as_f64().unwrap();
        let m = sorted.iter().sum::<f64>() / sorted.len() as f64;
        let m2 = sorted.iter().map(|v| (v - m).powi(2)).sum::<f64>() / sorted.len() as f64;
        let m4 = sorted.iter().map(|v| (v - m).powi(4)).sum::<f64>() / sorted.len() as f64;
        let kurtosis = m4 / (m2 * m2);
        let tol_se = K
            * std::f64::consts::SQRT_2
            * r.std_error
            * ((kurtosis - 1.0) / (4.0 * B as f64)).sqrt();
        assert!(
            (r.std_error - se_ref).abs() < tol_se,
            "{anchor} {case}: std_error {} vs {se_ref}",
            r.std_error
        );
        let below = |v: f64| sorted.partition_point(|x| *x < v) as f64 / sorted.len() as f64;
        let not_above = |v: f64| sorted.partition_point(|x| *x <= v) as f64 / sorted.len() as f64;
        for iv in &r.intervals {
            assert!(
                iv.requested.is_none(),
                "{anchor} {case}: {:?} fell back",
                iv.method
            );
            let reference = &ref_ivs[iv.method.name()];
            for (k, ours_v) in [iv.low, iv.high].into_iter().enumerate() {
                let ref_v = reference[k].as_f64().unwrap();
                let p = if k == 0 { 0.025 } else { 0.975 };
                // Quantile-based endpoints: the reference endpoint must be a p-quantile of
                // effekt's bootstrap distribution up to MC error in the *level* (robust for lumpy
                // distributions such as the median's): F(q⁻) − tol ≤ p ≤ F(q) + tol with
                // tol = K √2 √(p(1−p)/B).
                let level_check = |q_ref: f64, level: f64| {
                    let tol =
                        K * std::f64::consts::SQRT_2 * (level * (1.0 - level) / B as f64).sqrt();
                    // A reference that interpolates inside a gap between two replicate values
                    // is consistent with any level between the two values' positions.
                    let k_next = sorted.partition_point(|x| *x < q_ref).min(sorted.len() - 1);
                    let k_prev = sorted.partition_point(|x| *x <= q_ref).saturating_sub(1);
                    let (lo, hi) = (
                        below(sorted[k_prev].min(q_ref)),
                        not_above(sorted[k_next].max(q_ref)),
                    );
                    let z = if level < lo {
                        (lo - level) / (tol / K)
                    } else if level > hi {
                        (level - hi) / (tol / K)
                    } else {
                        0.0
                    };
                    (
                        z,
                        format!(
                            "reference quantile {q_ref} sits at levels [{lo}, {hi}] of effekt's replicates, expected {level}"
                        ),
                    )
                };
                let (z, detail) = match iv.method {
                    IntervalMethod::Percentile => level_check(ref_v, p),
                    IntervalMethod::Basic => level_check(2.0 * r.estimate - ref_v, 1.0 - p),
                    IntervalMethod::Bca => {
                        // R boot.ci takes ẑ₀ from #{θ* < θ̂} only; effekt (like scipy) counts
                        // replicates equal to θ̂ half. Each anchor's endpoint is checked at the
                        // level its own convention implies, with effekt's replicates and â.
                        let a = r.acceleration.unwrap();
                        let z0 = if anchor == "boot_r.json" {
                            nd.inverse_cdf(below(r.estimate))
                        } else {
                            r.bias_correction.unwrap()
                        };
                        let zp = nd.inverse_cdf(p);
                        let level = nd.cdf(z0 + (z0 + zp) / (1.0 - a * (z0 + zp)));
                        if anchor != "boot_r.json" || below(r.estimate) == not_above(r.estimate) {
                            // Same convention: effekt's own endpoint must agree too.
                            let (zo, d) = level_check(ours_v, level);
                            assert!(
                                zo < 0.5,
                                "{anchor} {case}: effekt's own BCa endpoint off its level: {d}"
                            );
                        }
                        level_check(ref_v, level)
                    }
                    IntervalMethod::Normal => {
                        let zq = nd.inverse_cdf(0.975);
                        let se = r.std_error * (1.0 / B as f64 + zq * zq / (2.0 * B as f64)).sqrt();
                        let z = (ours_v - ref_v).abs() / (std::f64::consts::SQRT_2 * se);
                        (z, format!("effekt {ours_v} vs {ref_v}"))
                    }
                    IntervalMethod::Studentized => {
                        // Studentized quantiles scale like the percentile ones (t* ≈ (θ* − θ̂)/ŝ);
                        // only used for smooth statistics (means), with a 1.5× allowance for the
                        // heavier tails of t*.
                        let se = 1.5 * quantile_se(&sorted, 1.0 - p);
                        let z = (ours_v - ref_v).abs() / (std::f64::consts::SQRT_2 * se);
                        (z, format!("effekt {ours_v} vs {ref_v}"))
                    }
                };
                worst = worst.max(z);
                assert!(
                    z < K,
                    "{anchor} {case} {} endpoint {k}: {detail} ({z:.2} MC s.e.)",
                    iv.method.name()
                );
            }
        }
    }
    // The comparison is informative: not every endpoint lands exactly.
    assert!(worst > 0.0, "{anchor}: suspiciously exact agreement");
}

#[test]
fn intervals_agree_with_r_boot() {
    compare("boot_r.json", 2026);
}

#[test]
fn intervals_agree_with_scipy_bootstrap() {
    compare("boot_scipy.json", 2027);
}
