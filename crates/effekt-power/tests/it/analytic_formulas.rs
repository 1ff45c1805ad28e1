//! Textbook formulas (design effect, McKenzie 2012 variance factors, Fleiss-Tytun-Ury
//! continuity correction) and bad input. Where a normal-approximation sample size is needed it
//! comes from the statsmodels fixture (NormalIndPower), so the formula is checked end to end.

use effekt_power::PowerError;
use effekt_power::analytic::*;
use serde_json::Value;

fn statsmodels_normal_n() -> Vec<(f64, f64, f64)> {
    // (effect size, ratio, nobs1) of NormalIndPower solve_power(nobs1=None, power=0.8,
    // alpha=0.05, two-sided) cases.
    let path = format!(
        "{}/tests/fixtures/statsmodels.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    fx["power"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["class"] == "NormalIndPower"
                && c["solve"] == "n"
                && c["inputs"]["alternative"] == "two-sided"
        })
        .map(|c| {
            let i = &c["inputs"];
            (
                i["effect_size"].as_f64().unwrap(),
                i["ratio"].as_f64().unwrap(),
                c["result"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn targets(n: Option<f64>, effect: Option<f64>, power: Option<f64>, alpha: Option<f64>) -> Targets {
    Targets {
        n,
        effect,
        power,
        alpha,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    effekt_testkit::close(a, b, tol)
}

#[test]
fn design_effect_is_eldridge_formula() {
    for &(m, cv, icc) in &[
        (20.0, 0.0, 0.05),
        (25.0, 0.4, 0.02),
        (8.5, 0.7, 0.2),
        (1.0, 0.0, 0.0),
    ] {
        let de = design_effect(m, cv, icc).unwrap();
        assert_eq!(de, 1.0 + ((cv * cv + 1.0) * m - 1.0) * icc);
    }
    assert!(matches!(
        design_effect(20.0, 0.0, 1.0),
        Err(PowerError::Icc { .. })
    ));
    assert!(matches!(
        design_effect(20.0, 0.0, -0.1),
        Err(PowerError::Icc { .. })
    ));
}

#[test]
fn cluster_z_inflates_individual_n_by_design_effect() {
    let cases = statsmodels_normal_n();
    assert!(cases.len() >= 6);
    for (es, ratio, n_ind) in cases {
        for &(m, cv, icc) in &[(25.0, 0.0, 0.05), (12.0, 0.5, 0.1)] {
            let d = Design::Cluster(Cluster {
                cluster_size: Some(m),
                icc,
                cv,
                ratio,
                test: TestStatistic::Z,
                ..Cluster::default()
            });
            let r = solve(&d, &targets(None, Some(es), Some(0.8), Some(0.05)), None).unwrap();
            let c = r.cluster.unwrap();
            let de = 1.0 + ((cv * cv + 1.0) * m - 1.0) * icc;
            assert!(
                close(c.clusters_per_arm * m, n_ind * de, 1e-8),
                "{es} {ratio} {m}: {} vs {}",
                c.clusters_per_arm * m,
                n_ind * de
            );
            assert!(close(c.design_effect, de, 1e-12));
            assert!(r.power_at_n_required >= 0.8);
        }
    }
}

#[test]
fn cluster_of_size_one_without_icc_is_the_t_test() {
    let c = Design::Cluster(Cluster {
        cluster_size: Some(1.0),
        icc: 0.0,
        ..Cluster::default()
    });
    let t = Design::TwoMeans(TwoMeans::default());
    let tg = targets(None, Some(0.45), Some(0.85), Some(0.05));
    let a = solve(&c, &tg, None).unwrap();
    let b = solve(&t, &tg, None).unwrap();
    assert!(close(
        a.cluster.unwrap().clusters_per_arm,
        b.n_per_group,
        1e-10
    ));
}

#[test]
fn cluster_solve_for_cluster_size() {
    let d = Design::Cluster(Cluster {
        cluster_size: None,
        icc: 0.05,
        cv: 0.3,
        ..Cluster::default()
    });
    let r = solve(
        &d,
        &targets(Some(10.0), Some(0.4), Some(0.8), Some(0.05)),
        None,
    )
    .unwrap();
    assert_eq!(r.solved_for, Parameter::ClusterSize);
    let m = r.cluster.unwrap().cluster_size;
    // Plugging the solved size back in gives the requested power.
    let back = Design::Cluster(Cluster {
        cluster_size: Some(m),
        icc: 0.05,
        cv: 0.3,
        ..Cluster::default()
    });
    let p = solve(
        &back,
        &targets(Some(10.0), Some(0.4), None, Some(0.05)),
        None,
    )
    .unwrap();
    assert!(close(p.power, 0.8, 1e-9));
}

#[test]
fn mckenzie_factors() {
    for &(m, r, rho) in &[
        (1u32, 1u32, 0.5),
        (3, 2, 0.5),
        (2, 4, 0.3),
        (0, 3, 0.6),
        (5, 5, 0.8),
    ] {
        let w = Waves {
            pre_waves: m,
            post_waves: r,
            correlation: WaveCorrelation::Equal(rho),
            ..Waves::default()
        };
        let (mf, rf) = (f64::from(m), f64::from(r));
        let ancova = (1.0 + (rf - 1.0) * rho) / rf - mf * rho * rho / (1.0 + (mf - 1.0) * rho);
        assert!(close(w.ancova_factor().unwrap(), ancova, 1e-12));
        if m > 0 {
            let did = (1.0 + (rf - 1.0) * rho) / rf + (1.0 + (mf - 1.0) * rho) / mf - 2.0 * rho;
            assert!(close(w.did_factor().unwrap(), did, 1e-12));
        }
    }
}

#[test]
fn ancova_and_did_z_scale_the_normal_n() {
    // Borm, Fransen & Lemmens (2007): n_ANCOVA = n_t (1 - rho^2); change scores: n 2 (1 - rho).
    for (es, ratio, n_ind) in statsmodels_normal_n() {
        for rho in [0.3, 0.7] {
            let w = Waves {
                ratio,
                test: TestStatistic::Z,
                correlation: WaveCorrelation::Equal(rho),
                ..Waves::default()
            };
            let tg = targets(None, Some(es), Some(0.8), Some(0.05));
            let a = solve(&Design::Ancova(w), &tg, None).unwrap();
            assert!(close(a.n_per_group, n_ind * (1.0 - rho * rho), 1e-8));
            let d = solve(&Design::Did(w), &tg, None).unwrap();
            assert!(close(d.n_per_group, n_ind * 2.0 * (1.0 - rho), 1e-8));
        }
    }
}

#[test]
fn ancova_without_baseline_is_the_t_test() {
    let w = Waves {
        pre_waves: 0,
        post_waves: 1,
        ..Waves::default()
    };
    let tg = targets(None, Some(0.5), Some(0.8), Some(0.05));
    let a = solve(&Design::Ancova(w), &tg, None).unwrap();
    let b = solve(&Design::TwoMeans(TwoMeans::default()), &tg, None).unwrap();
    assert!(close(a.n_per_group, b.n_per_group, 1e-10));
}

#[test]
fn paired_with_correlation_uses_sd_of_differences() {
    let rho = 0.6;
    let p = Design::Paired(Paired {
        sd: Some(2.0),
        correlation: Some(rho),
        ..Paired::default()
    });
    let q = Design::Paired(Paired::default());
    let raw = solve(&p, &targets(None, Some(1.0), Some(0.8), Some(0.05)), None).unwrap();
    let dz = 1.0 / (2.0 * (2.0 * (1.0 - rho)).sqrt());
    let std = solve(&q, &targets(None, Some(dz), Some(0.8), Some(0.05)), None).unwrap();
    assert!(close(raw.n_per_group, std.n_per_group, 1e-10));
    assert!(close(raw.effect_size, dz, 1e-12));
}

#[test]
fn continuity_correction_is_fleiss_tytun_ury() {
    // With one tail counted, the corrected n solves the quadratic of Fleiss, Tytun & Ury (1980).
    for &(p1, p2, ratio) in &[(0.4, 0.55, 1.0), (0.1, 0.2, 2.0), (0.7, 0.5, 0.5)] {
        let base = TwoProportions {
            p1: Some(p1),
            method: ProportionMethod::Pooled,
            one_tail_only: true,
            ratio,
            ..TwoProportions::default()
        };
        let tg = targets(None, Some(p1 - p2), Some(0.8), Some(0.05));
        let n0 = solve(&Design::TwoProportions(base), &tg, None)
            .unwrap()
            .n_per_group;
        let cc = TwoProportions {
            continuity: true,
            ..base
        };
        let n_cc = solve(&Design::TwoProportions(cc), &tg, None)
            .unwrap()
            .n_per_group;
        let delta = (p1 - p2).abs();
        let ftu =
            n0 / 4.0 * (1.0 + (1.0 + 2.0 * (ratio + 1.0) / (n0 * ratio * delta)).sqrt()).powi(2);
        assert!(close(n_cc, ftu, 1e-9), "{p1} {p2} {ratio}: {n_cc} vs {ftu}");
    }
}

#[test]
fn proportion_mde_reports_p2() {
    let d = Design::TwoProportions(TwoProportions {
        p1: Some(0.4),
        method: ProportionMethod::Pooled,
        ..TwoProportions::default()
    });
    let r = solve(&d, &targets(Some(150.0), None, Some(0.8), Some(0.05)), None).unwrap();
    let p2 = r.p2.unwrap();
    assert!(p2 > 0.4 && p2 < 1.0);
    let back = solve(
        &d,
        &targets(Some(150.0), Some(0.4 - p2), None, Some(0.05)),
        None,
    )
    .unwrap();
    assert!(close(back.power, 0.8, 1e-9));
}

#[test]
fn curve_matches_single_calculations() {
    let d = Design::TwoMeans(TwoMeans::default());
    let spec = CurveSpec {
        over: CurveOver::N,
        from: 10.0,
        to: 100.0,
        points: 10,
    };
    let r = solve(
        &d,
        &targets(None, Some(0.5), Some(0.8), Some(0.05)),
        Some(&spec),
    )
    .unwrap();
    let curve = r.curve.unwrap();
    assert_eq!(curve.points.len(), 10);
    assert_eq!(curve.points[9].x, 100.0);
    for w in curve.points.windows(2) {
        assert!(w[1].power > w[0].power);
    }
    let single = solve(&d, &targets(Some(40.0), Some(0.5), None, Some(0.05)), None).unwrap();
    assert!(close(curve.points[3].power, single.power, 1e-14));
}

#[test]
fn bad_input_errors() {
    let d = Design::TwoMeans(TwoMeans::default());
    for (p, a) in [
        (1.2, 0.05),
        (0.0, 0.05),
        (0.8, 1.0),
        (0.8, -0.1),
        (f64::NAN, 0.05),
    ] {
        let e = solve(&d, &targets(None, Some(0.5), Some(p), Some(a)), None).unwrap_err();
        assert!(
            matches!(e, PowerError::Probability { .. })
                || matches!(e, PowerError::InvalidParameter { name: "alpha", .. }),
            "{e}"
        );
    }
    // alpha is limited to [1e-12, 1 - 1e-12], where the critical values hold (statrs panicked
    // at 1e-300 and did not return at 1e-100)
    for a in [1e-300, 1e-100, 1e-13, 0.9999999999999999] {
        let e = solve(&d, &targets(None, Some(0.5), Some(0.8), Some(a)), None).unwrap_err();
        assert!(
            matches!(e, PowerError::InvalidParameter { name: "alpha", .. }),
            "{a}: {e}"
        );
        assert!(e.to_string().contains("between 1e-12 and 1 - 1e-12"), "{e}");
    }
    // at the limits: finite answers
    for a in [1e-12, 1.0 - 1e-12] {
        let r = solve(&d, &targets(None, Some(0.5), Some(0.8), Some(a)), None).unwrap();
        assert!(
            r.n_per_group.is_finite() && r.n_per_group > 1.0,
            "{a}: {}",
            r.n_per_group
        );
    }
    let prop = Design::TwoProportions(TwoProportions {
        p1: Some(1.0),
        ..TwoProportions::default()
    });
    let e = solve(
        &prop,
        &targets(None, Some(0.1), Some(0.8), Some(0.05)),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, PowerError::Probability { name: "p1", .. }),
        "{e}"
    );
    let prop = Design::TwoProportions(TwoProportions {
        p1: Some(0.5),
        ..TwoProportions::default()
    });
    let e = solve(
        &prop,
        &targets(None, Some(0.6), Some(0.8), Some(0.05)),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, PowerError::Probability { name: "p2", .. }),
        "{e}"
    );
    let cl = Design::Cluster(Cluster {
        cluster_size: Some(20.0),
        icc: 1.0,
        ..Cluster::default()
    });
    let e = solve(&cl, &targets(None, Some(0.5), Some(0.8), Some(0.05)), None).unwrap_err();
    assert!(matches!(e, PowerError::Icc { .. }), "{e}");
    // No solution: the proportion cannot rise far enough with n = 20.
    let prop = Design::TwoProportions(TwoProportions {
        p1: Some(0.9),
        ..TwoProportions::default()
    });
    let e = solve(
        &prop,
        &targets(Some(5.0), None, Some(0.99), Some(0.05)),
        None,
    )
    .unwrap_err();
    match &e {
        PowerError::NoSolution { parameter, .. } => assert_eq!(*parameter, Parameter::Effect),
        other => panic!("{other}"),
    }
    assert!(
        e.to_string().contains("effect cannot reach power 0.99"),
        "{e}"
    );
    // Power not above alpha cannot be reached by any effect.
    let e = solve(&d, &targets(Some(20.0), None, Some(0.01), Some(0.05)), None).unwrap_err();
    assert!(
        matches!(
            e,
            PowerError::NoSolution {
                parameter: Parameter::Effect,
                ..
            }
        ),
        "{e}"
    );
    // A huge effect gives more than the requested power at any alpha in the searched range.
    let e = solve(&d, &targets(Some(100.0), Some(3.0), Some(0.5), None), None).unwrap_err();
    assert!(
        matches!(
            e,
            PowerError::NoSolution {
                parameter: Parameter::Alpha,
                ..
            }
        ),
        "{e}"
    );
    // Cluster size capped by the ICC.
    let cl = Design::Cluster(Cluster {
        cluster_size: None,
        icc: 0.3,
        ..Cluster::default()
    });
    let e = solve(
        &cl,
        &targets(Some(4.0), Some(0.3), Some(0.9), Some(0.05)),
        None,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("cluster size cannot reach power 0.9"),
        "{e}"
    );
    // Two unknowns.
    let e = solve(&d, &targets(None, None, Some(0.8), Some(0.05)), None).unwrap_err();
    assert!(
        e.to_string()
            .contains("exactly one of n, effect, power, alpha"),
        "{e}"
    );
}

/// The search for n starts at one degree of freedom: below it the t tails cannot be computed
/// reliably in f64 (a zero effect once came out with power 0.99999998 at df = 2e-10, and the
/// rounded n then had df = 0: an internal error instead of an answer).
#[test]
fn extreme_effects_when_solving_for_n() {
    let d = Design::TwoMeans(TwoMeans::default());
    // A zero effect never reaches power 0.8: no solution, named as such.
    let e = solve(&d, &targets(None, Some(0.0), Some(0.8), Some(0.05)), None).unwrap_err();
    assert!(
        matches!(
            e,
            PowerError::NoSolution {
                parameter: Parameter::N,
                ..
            }
        ),
        "{e}"
    );
    // A given n below one degree of freedom is refused the same way.
    let e = solve(&d, &targets(Some(1.2), Some(0.5), None, Some(0.05)), None).unwrap_err();
    assert!(
        matches!(e, PowerError::InvalidParameter { name: "n", .. })
            && e.to_string().contains("1.5"),
        "{e}"
    );
    let curve = CurveSpec {
        over: CurveOver::N,
        from: 1.01,
        to: 10.0,
        points: 5,
    };
    let e = solve(
        &d,
        &targets(None, Some(0.5), Some(0.8), Some(0.05)),
        Some(&curve),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            PowerError::InvalidParameter {
                name: "curve range",
                ..
            }
        ),
        "{e}"
    );
    // A huge effect: the smallest n searched (df = 1: 1.5 per group, 2 pairs, 1.5 clusters per
    // arm), so 2 per group, 2 pairs, 2 clusters of 20 per arm after rounding, with a note.
    let cluster = Design::Cluster(Cluster {
        cluster_size: Some(20.0),
        ..Cluster::default()
    });
    for (design, n_required) in [
        (d, 2),
        (Design::Paired(Paired::default()), 2),
        (cluster, 40),
    ] {
        let r = solve(
            &design,
            &targets(None, Some(1e300), Some(0.8), Some(0.05)),
            None,
        )
        .unwrap();
        assert_eq!(r.n_required, n_required, "{design:?}");
        assert!(
            r.notes.iter().any(|n| n.contains("exceeded already")),
            "{:?}",
            r.notes
        );
    }
}
