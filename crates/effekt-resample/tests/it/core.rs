//! Exact properties of the resampling core: determinism across thread counts, identities between
//! interval methods, the jackknife acceleration against the textbook formula, the fast linear
//! path against the general path, and exact permutation enumeration.

use effekt_resample::interval::{IntervalInput, acceleration, intervals};
use effekt_resample::*;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn skewed(n: usize) -> Vec<f64> {
    // Deterministic, skewed data without randomness in the test itself.
    (0..n)
        .map(|i| ((i * 7919 % 1000) as f64 / 1000.0 + 0.01).powi(3) * 10.0)
        .collect()
}

fn all_methods() -> Vec<IntervalMethod> {
    vec![
        IntervalMethod::Percentile,
        IntervalMethod::Basic,
        IntervalMethod::Normal,
        IntervalMethod::Studentized,
        IntervalMethod::Bca,
    ]
}

#[test]
fn bit_identical_at_1_2_8_threads() {
    let y = skewed(503);
    let g: Vec<u32> = (0..503).map(|i| (i % 3 == 0) as u32).collect();
    let cl: Vec<u32> = (0..503).map(|i| (i / 10) as u32).collect();
    let mean = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
    let diff = LinearStatistic::new(LinearKind::MeanDiff, &y, None, Some(&g)).unwrap();
    let median = MedianDiff::new(&y, &g).unwrap();
    let run = |threads: usize| {
        pool(threads).install(|| {
            let mut out = Vec::new();
            for scheme in [
                Scheme::Iid,
                Scheme::Stratified,
                Scheme::Cluster,
                Scheme::Bayesian,
                Scheme::Poisson,
            ] {
                let layout = if scheme == Scheme::Cluster {
                    Layout::new(503, None, Some(&cl)).unwrap()
                } else {
                    Layout::new(503, Some(&g), None).unwrap()
                };
                let cfg = BootstrapConfig {
                    resamples: 777,
                    seed: 99,
                    scheme,
                    intervals: all_methods(),
                    ..Default::default()
                };
                out.push(bootstrap_linear(&mean, &layout, &cfg, None).unwrap());
                out.push(bootstrap_linear(&diff, &layout, &cfg, None).unwrap());
                out.push(bootstrap(&median, &layout, &cfg, None).unwrap());
            }
            let plan =
                PermutationPlan::new(&g.iter().map(|&v| v == 1).collect::<Vec<_>>(), None, None)
                    .unwrap();
            let perm = plan
                .run(
                    &PermutationConfig {
                        permutations: 999,
                        seed: 5,
                        exact_limit: 0,
                    },
                    None,
                    |z| {
                        z.iter()
                            .zip(&y)
                            .filter(|(t, _)| **t)
                            .map(|(_, v)| v)
                            .sum::<f64>()
                    },
                )
                .unwrap();
            (out, perm.values)
        })
    };
    let one = run(1);
    for t in [2, 8] {
        let other = run(t);
        assert_eq!(one.1, other.1, "permutations differ at {t} threads");
        for (a, b) in one.0.iter().zip(&other.0) {
            assert_eq!(
                a.replicates.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                b.replicates.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            assert_eq!(a, b, "results differ at {t} threads");
        }
    }
}

#[test]
fn same_seed_same_result_different_seed_different_result() {
    let y = skewed(200);
    let stat = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
    let layout = Layout::new(200, None, None).unwrap();
    let cfg = BootstrapConfig {
        resamples: 500,
        seed: 7,
        ..Default::default()
    };
    let a = bootstrap_linear(&stat, &layout, &cfg, None).unwrap();
    let b = bootstrap_linear(&stat, &layout, &cfg, None).unwrap();
    assert_eq!(a, b);
    let c = bootstrap_linear(&stat, &layout, &BootstrapConfig { seed: 8, ..cfg }, None).unwrap();
    assert_ne!(a.replicates, c.replicates);
}

#[test]
fn basic_is_the_reflection_of_percentile() {
    let y = skewed(150);
    let stat = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
    let layout = Layout::new(150, None, None).unwrap();
    let cfg = BootstrapConfig {
        resamples: 2000,
        intervals: vec![IntervalMethod::Percentile, IntervalMethod::Basic],
        ..Default::default()
    };
    let r = bootstrap_linear(&stat, &layout, &cfg, None).unwrap();
    let (p, b) = (&r.intervals[0], &r.intervals[1]);
    assert_eq!(b.low, 2.0 * r.estimate - p.high);
    assert_eq!(b.high, 2.0 * r.estimate - p.low);
    assert!(p.low < p.high);
}

#[test]
fn bca_equals_percentile_when_bias_and_acceleration_are_zero() {
    // Replicates symmetric around the estimate (ẑ₀ = 0, the estimate itself counted half) and a
    // jackknife that is exactly symmetric (â = 0): BCa must reproduce the percentile interval.
    let est = 3.0;
    let jack = vec![vec![3.5, 3.25, 3.0, 2.75, 2.5]];
    assert_eq!(acceleration(&jack), Some(0.0));
    let reps: Vec<f64> = (0..2001)
        .map(|i| est + (i as f64 - 1000.0) / 64.0)
        .collect();
    let input = IntervalInput {
        estimate: est,
        sorted: &reps,
        boot_sd: 1.0,
        bias: 0.0,
        studentized: None,
        jackknife: Some(&jack),
    };
    let mut warnings = Vec::new();
    let out = intervals(
        &input,
        &[IntervalMethod::Percentile, IntervalMethod::Bca],
        0.9,
        &mut warnings,
    );
    assert_eq!(out[1].method, IntervalMethod::Bca);
    assert_eq!((out[0].low, out[0].high), (out[1].low, out[1].high));
    assert!(warnings.is_empty(), "{warnings:?}");
    // With a non-zero acceleration the intervals differ.
    let skew = vec![vec![3.9, 3.1, 3.0, 2.95, 2.9]];
    let input = IntervalInput {
        jackknife: Some(&skew),
        ..input
    };
    let out = intervals(
        &input,
        &[IntervalMethod::Percentile, IntervalMethod::Bca],
        0.9,
        &mut warnings,
    );
    assert_ne!(out[0].low, out[1].low);
}

#[test]
fn acceleration_matches_the_textbook_formula_by_hand() {
    // Data 1, 2, 3, 4, 10; statistic: the mean. Leave-one-out means θ₍ᵢ₎ = (20 − xᵢ)/4 =
    // 4.75, 4.5, 4.25, 4.0, 2.5; θ̄ = 4.0; dᵢ = θ̄ − θ₍ᵢ₎ = −0.75, −0.5, −0.25, 0, 1.5.
    // Σd² = 0.5625 + 0.25 + 0.0625 + 0 + 2.25 = 3.125; Σd³ = −0.421875 − 0.125 − 0.015625 + 3.375
    // = 2.8125; â = 2.8125 / (6 · 3.125^1.5) = 0.08485281374238571.
    let x = [1.0, 2.0, 3.0, 4.0, 10.0];
    let stat = LinearStatistic::new(LinearKind::Mean, &x, None, None).unwrap();
    let layout = Layout::new(5, None, None).unwrap();
    let cfg = BootstrapConfig {
        resamples: 200,
        intervals: vec![IntervalMethod::Bca],
        ..Default::default()
    };
    let r = bootstrap_linear(&stat, &layout, &cfg, None).unwrap();
    let expected = 2.8125 / (6.0 * 3.125f64.powf(1.5));
    assert!((r.acceleration.unwrap() - expected).abs() < 1e-15);
    assert!((expected - 0.08485281374238571).abs() < 1e-15);
    // The general path's exact jackknife gives the same â.
    let general = FnStatistic::new(5, |w: &[f64]| {
        let s: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
        Estimate {
            value: s / w.iter().sum::<f64>(),
            se: None,
        }
    });
    let r2 = bootstrap(&general, &layout, &cfg, None).unwrap();
    assert!((r2.acceleration.unwrap() - expected).abs() < 1e-14);
}

#[test]
fn linear_fast_path_equals_general_path_replicate_by_replicate() {
    // Both paths consume the same random numbers in the same order for the i.i.d., stratified
    // and cluster schemes, so the replicates agree up to floating-point summation order.
    let y = skewed(301);
    let g: Vec<u32> = (0..301).map(|i| (i % 4 == 0) as u32).collect();
    let cl: Vec<u32> = (0..301).map(|i| (i / 7) as u32).collect();
    let diff = LinearStatistic::new(LinearKind::MeanDiff, &y, None, Some(&g)).unwrap();
    let general = FnStatistic::new(301, |w: &[f64]| {
        let mut s = [0.0; 2];
        let mut n = [0.0; 2];
        for i in 0..301 {
            s[g[i] as usize] += w[i] * y[i];
            n[g[i] as usize] += w[i];
        }
        Estimate {
            value: s[1] / n[1] - s[0] / n[0],
            se: None,
        }
    });
    for (scheme, layout) in [
        (Scheme::Iid, Layout::new(301, None, None).unwrap()),
        (
            Scheme::Stratified,
            Layout::new(301, Some(&g), None).unwrap(),
        ),
        (Scheme::Cluster, Layout::new(301, None, Some(&cl)).unwrap()),
        (Scheme::Bayesian, Layout::new(301, Some(&g), None).unwrap()),
        (Scheme::Poisson, Layout::new(301, None, None).unwrap()),
    ] {
        let cfg = BootstrapConfig {
            resamples: 300,
            scheme,
            intervals: vec![IntervalMethod::Bca],
            max_nonfinite_fraction: 0.1,
            ..Default::default()
        };
        let a = bootstrap_linear(&diff, &layout, &cfg, None).unwrap();
        let b = bootstrap(&general, &layout, &cfg, None).unwrap();
        for (u, v) in a.replicates.iter().zip(&b.replicates) {
            assert!(
                (u - v).abs() <= 1e-10 * v.abs().max(1.0),
                "{scheme:?}: {u} vs {v}"
            );
        }
        assert!(
            (a.acceleration.unwrap() - b.acceleration.unwrap()).abs() < 1e-9,
            "{scheme:?}"
        );
    }
}

#[test]
fn studentized_uses_the_statistic_se_and_median_falls_back() {
    let y = skewed(120);
    let layout = Layout::new(120, None, None).unwrap();
    let cfg = BootstrapConfig {
        resamples: 1000,
        intervals: vec![IntervalMethod::Studentized],
        ..Default::default()
    };
    let mean = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
    let r = bootstrap_linear(&mean, &layout, &cfg, None).unwrap();
    assert_eq!(r.intervals[0].method, IntervalMethod::Studentized);
    assert!(r.intervals[0].requested.is_none());
    let med = Median::new(&y).unwrap();
    let r = bootstrap(&med, &layout, &cfg, None).unwrap();
    assert_eq!(r.intervals[0].method, IntervalMethod::Percentile);
    assert_eq!(r.intervals[0].requested, Some(IntervalMethod::Studentized));
    assert!(r.warnings.iter().any(|w| matches!(
        w,
        effekt_notes::Note::IntervalFallback {
            why: effekt_notes::FallbackReason::NoStandardError,
            ..
        }
    )));
}

#[test]
fn weighted_median_is_the_sample_median_for_counts() {
    let y = [5.0, 1.0, 3.0, 2.0, 4.0, 9.0];
    let m = Median::new(&y).unwrap();
    assert_eq!(m.eval(&[1.0; 6]).value, 3.5); // even: average of 3 and 4
    assert_eq!(m.eval(&[1.0, 1.0, 1.0, 1.0, 1.0, 0.0]).value, 3.0);
    assert_eq!(m.eval(&[0.0, 3.0, 0.0, 0.0, 0.0, 1.0]).value, 1.0); // 1,1,1,9
    assert_eq!(m.eval(&[0.0, 2.0, 0.0, 0.0, 0.0, 2.0]).value, 5.0); // 1,1,9,9
}

#[test]
fn too_many_nonfinite_replicates_is_an_error_and_few_are_reported() {
    // Ratio with a denominator that is zero in most rows: many resamples have Σx = 0.
    let y: Vec<f64> = (0..8).map(|i| i as f64).collect();
    let mut x = vec![0.0; 8];
    x[0] = 1.0;
    let stat = LinearStatistic::new(LinearKind::RatioOfSums, &y, Some(&x), None).unwrap();
    let layout = Layout::new(8, None, None).unwrap();
    let err = bootstrap_linear(
        &stat,
        &layout,
        &BootstrapConfig {
            resamples: 1000,
            ..Default::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, ResampleError::TooManyNonFinite { .. }),
        "{err}"
    );
    // Non-finite replicates allowed, but fewer than 2 finite ones left: its own error (the
    // message must not claim there were too many non-finite ones).
    let few: Vec<ResampleError> = (0..50)
        .filter_map(|seed| {
            let cfg = BootstrapConfig {
                resamples: 2,
                seed,
                max_nonfinite_fraction: 1.0,
                ..Default::default()
            };
            bootstrap_linear(&stat, &layout, &cfg, None).err()
        })
        .collect();
    assert!(!few.is_empty());
    for e in &few {
        assert!(
            matches!(e, ResampleError::TooFewFinite { resamples: 2, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("at least 2"), "{e}");
    }
    let ok = bootstrap_linear(
        &stat,
        &layout,
        &BootstrapConfig {
            resamples: 1000,
            max_nonfinite_fraction: 0.5,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    assert!(ok.nonfinite > 0);
    assert!(matches!(
        ok.warnings[0],
        effekt_notes::Note::BootstrapNonFinite { left_out, .. } if left_out == ok.nonfinite
    ));
    assert!(ok.warnings[0].to_string().contains("non-finite"));
}

#[test]
fn exact_enumeration_lists_every_assignment_once() {
    // 8 units, 3 treated, in two blocks (5 with 2 treated, 3 with 1): C(5,2)·C(3,1) = 30.
    let treated = [true, true, false, false, false, true, false, false];
    let blocks = [0, 0, 0, 0, 0, 1, 1, 1];
    let plan = PermutationPlan::new(&treated, Some(&blocks), None).unwrap();
    assert_eq!(plan.count(), Some(30));
    let draws = plan
        .run(&PermutationConfig::default(), None, |z| z.to_vec())
        .unwrap();
    assert!(draws.exact);
    let mut seen = draws.values.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30);
    for z in &draws.values {
        assert_eq!(z[..5].iter().filter(|t| **t).count(), 2);
        assert_eq!(z[5..].iter().filter(|t| **t).count(), 1);
    }
    assert!(draws.values.contains(&treated.to_vec()));
}

#[test]
fn clustered_permutation_moves_whole_clusters() {
    let clusters = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4];
    let treated = [
        true, true, false, false, true, true, false, false, false, false,
    ];
    let plan = PermutationPlan::new(&treated, None, Some(&clusters)).unwrap();
    assert_eq!(plan.count(), Some(10)); // C(5, 2)
    let draws = plan
        .run(
            &PermutationConfig {
                exact_limit: 0,
                permutations: 200,
                seed: 3,
            },
            None,
            |z| z.to_vec(),
        )
        .unwrap();
    for z in &draws.values {
        for c in 0..5 {
            assert_eq!(z[2 * c], z[2 * c + 1]);
        }
        assert_eq!(z.iter().filter(|t| **t).count(), 4);
    }
    let bad = PermutationPlan::new(&[true, false, false, false], None, Some(&[0, 0, 1, 1]));
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("both treated and control")
    );
}

#[test]
fn monte_carlo_p_value_is_within_mc_error_of_exact() {
    let y: Vec<f64> = vec![
        3.1, 4.5, 2.2, 5.9, 6.1, 1.0, 2.8, 3.3, 4.0, 7.2, 0.5, 2.1, 3.9, 5.5,
    ];
    let treated: Vec<bool> = (0..14).map(|i| i % 2 == 0).collect();
    let stat = |z: &[bool]| {
        let (mut s1, mut s0, mut n1) = (0.0, 0.0, 0.0);
        for (t, v) in z.iter().zip(&y) {
            if *t {
                s1 += v;
                n1 += 1.0;
            } else {
                s0 += v;
            }
        }
        s1 / n1 - s0 / (14.0 - n1)
    };
    let obs = stat(&treated);
    let plan = PermutationPlan::new(&treated, None, None).unwrap();
    assert_eq!(plan.count(), Some(3432));
    let exact = plan.run(&PermutationConfig::default(), None, stat).unwrap();
    let pe = p_values(obs, &exact.values, true);
    let b = 20_000;
    let mc = plan
        .run(
            &PermutationConfig {
                exact_limit: 0,
                permutations: b,
                seed: 11,
            },
            None,
            stat,
        )
        .unwrap();
    let pm = p_values(obs, &mc.values, false);
    let se = (pe.two_sided * (1.0 - pe.two_sided) / b as f64).sqrt();
    assert!(
        (pm.two_sided - pe.two_sided).abs() < 4.0 * se + 1.0 / b as f64,
        "{} vs {}",
        pm.two_sided,
        pe.two_sided
    );
    // Brute force over all 2^14 subsets of size 7 agrees with the enumeration.
    let mut count = 0usize;
    let mut extreme = 0usize;
    for mask in 0u32..(1 << 14) {
        if mask.count_ones() != 7 {
            continue;
        }
        let z: Vec<bool> = (0..14).map(|i| mask & (1 << i) != 0).collect();
        count += 1;
        if stat(&z).abs() >= obs.abs() - 1e-9 {
            extreme += 1;
        }
    }
    assert_eq!(count, 3432);
    assert!((pe.two_sided - extreme as f64 / count as f64).abs() < 1e-15);
}

#[test]
fn layout_errors_are_clear() {
    assert!(Layout::new(0, None, None).is_err());
    let l = Layout::new(4, Some(&[0, 0, 0, 1]), None).unwrap();
    let e = l.check(Scheme::Stratified).unwrap_err();
    assert!(e.to_string().contains("at least 2"), "{e}");
    let l = Layout::new(4, None, None).unwrap();
    assert!(
        l.check(Scheme::Cluster)
            .unwrap_err()
            .to_string()
            .contains("cluster")
    );
    assert!(Layout::new(4, Some(&[0, 0, 1, 1]), Some(&[0, 1, 1, 2])).is_err());
}

#[test]
fn invalid_configuration_is_rejected() {
    let y = skewed(10);
    let stat = LinearStatistic::new(LinearKind::Mean, &y, None, None).unwrap();
    let layout = Layout::new(10, None, None).unwrap();
    for cfg in [
        BootstrapConfig {
            resamples: 0,
            ..Default::default()
        },
        BootstrapConfig {
            level: 1.0,
            ..Default::default()
        },
        BootstrapConfig {
            level: f64::NAN,
            ..Default::default()
        },
    ] {
        assert!(bootstrap_linear(&stat, &layout, &cfg, None).is_err());
    }
    // One resample cannot give a standard error: refused up front, saying how many are needed.
    let one = BootstrapConfig {
        resamples: 1,
        ..Default::default()
    };
    let err = bootstrap_linear(&stat, &layout, &one, None).unwrap_err();
    assert!(
        matches!(err, ResampleError::Resamples { got: 1, min: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("between 2 and"), "{err}");
    assert!(LinearStatistic::new(LinearKind::Mean, &[1.0, f64::NAN], None, None).is_err());
    assert!(LinearStatistic::new(LinearKind::MeanDiff, &[1.0, 2.0], None, Some(&[1, 1])).is_err());
}
