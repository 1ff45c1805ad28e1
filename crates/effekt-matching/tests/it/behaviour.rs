//! Behaviour without an external anchor: the pair bootstrap against its analytic limit (within
//! Monte Carlo error), the seeded random order, and the error variants of the library.

use effekt_data::{Dataset, MissingPolicy, ReadOptions, Roles, read_csv_str, read_table};
use effekt_matching::{
    BootstrapOptions, EffectOptions, MatchConfig, MatchError, Order, SeMethod, fit,
};

fn lalonde_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../datasets/lalonde.csv"
    ))
    .unwrap()
}

fn roles(extra: &[&str]) -> Roles {
    let mut covs: Vec<String> = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
        .map(String::from)
        .to_vec();
    covs.extend(extra.iter().map(|s| s.to_string()));
    Roles {
        treatment: Some("treat".into()),
        outcome: Some("re78".into()),
        covariates: covs,
        ..Roles::default()
    }
}

fn lalonde() -> Dataset {
    let t = read_table(
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../datasets/lalonde.csv"
        )),
        &ReadOptions::default(),
    )
    .unwrap();
    t.select(&roles(&[]), MissingPolicy::Error).unwrap()
}

/// The cluster (pair) bootstrap SE of the weighted difference in means is, to first order, the
/// CR0 (uncorrected cluster-robust) SE on the pairs (Cameron, Gelbach & Miller 2008): with
/// B = 4000 its Monte Carlo SD is about SE/√(2B) ≈ 1.1% of SE; the test allows 5%.
#[test]
fn pair_bootstrap_agrees_with_cluster_robust_se() {
    let data = lalonde();
    let boot = MatchConfig {
        effect: EffectOptions {
            bootstrap: BootstrapOptions {
                resamples: 4000,
                ..Default::default()
            },
            ..Default::default()
        },
        seed: 5,
        ..MatchConfig::default()
    };
    let b = fit(&data, &boot, None).unwrap().effect.unwrap();
    let cr1 = fit(
        &data,
        &MatchConfig {
            effect: EffectOptions {
                se: SeMethod::Cr1,
                ..Default::default()
            },
            ..MatchConfig::default()
        },
        None,
    )
    .unwrap()
    .effect
    .unwrap();
    // CR0 = CR1 / sqrt(G/(G−1) · (n−1)/(n−k)), G = 185 pairs, n = 370, k = 2
    let (g, n) = (185.0_f64, 370.0_f64);
    let cr0 = cr1.std_error / (g / (g - 1.0) * (n - 1.0) / (n - 2.0)).sqrt();
    let bs = b.bootstrap.as_ref().unwrap();
    assert_eq!(bs.resamples, 4000);
    assert!(
        (bs.std_error / cr0 - 1.0).abs() < 0.05,
        "bootstrap SE {} vs CR0 {cr0}",
        bs.std_error
    );
    assert_eq!(b.estimate, cr1.estimate);
    assert!(b.conf_low < b.estimate && b.estimate < b.conf_high);
    assert_eq!(
        b.analytic.as_ref().unwrap().std_error,
        fit(&data, &MatchConfig::default(), None)
            .unwrap()
            .effect
            .unwrap()
            .std_error
    );
    // same seed, same numbers
    let again = fit(&data, &boot, None).unwrap().effect.unwrap();
    assert_eq!(again, b);
}

#[test]
fn random_order_is_reproducible_and_depends_on_the_seed() {
    let data = lalonde();
    let cfg = |seed| MatchConfig {
        order: Some(Order::Random),
        caliper: Some(0.1),
        seed,
        ..MatchConfig::default()
    };
    let a = fit(&data, &cfg(1), None).unwrap();
    let b = fit(&data, &cfg(1), None).unwrap();
    let c = fit(&data, &cfg(2), None).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.units(), b.units());
    assert_ne!(a.units(), c.units(), "another seed, another order");
}

#[test]
fn separation_names_the_covariate_and_level() {
    // a municipality code that only treated units have: quasi-complete separation
    let text = lalonde_text();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        out.push_str(l);
        out.push_str(match i {
            0 => ",kommun\n",
            1..=5 => ",Umea\n",
            _ if i % 2 == 0 => ",Lulea\n",
            _ => ",Kiruna\n",
        });
    }
    let t = read_csv_str("sep.csv", &out, &ReadOptions::default()).unwrap();
    let d = t.select(&roles(&["kommun"]), MissingPolicy::Error).unwrap();
    let e = fit(&d, &MatchConfig::default(), None).unwrap_err();
    match &e {
        MatchError::Separation { covariates, .. } => {
            assert!(
                covariates
                    .iter()
                    .any(|c| c.contains("kommun") && c.contains("Umea")),
                "{covariates:?}"
            );
        }
        other => panic!("expected separation, got {other}"),
    }
    assert!(e.to_string().contains("separation"));
}

#[test]
fn error_variants() {
    let data = lalonde();
    let too_few = fit(
        &data,
        &MatchConfig {
            ratio: 3,
            ..MatchConfig::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(
            too_few,
            MatchError::TooFewControls {
                needed: 555,
                available: 429,
                ..
            }
        ),
        "{too_few}"
    );
    let unknown = fit(
        &data,
        &MatchConfig {
            exact: vec!["nosuch".into()],
            ..MatchConfig::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(unknown, MatchError::UnknownCovariate { .. }),
        "{unknown}"
    );
    let bad = fit(
        &data,
        &MatchConfig {
            ratio: 0,
            ..MatchConfig::default()
        },
        None,
    )
    .unwrap_err();
    assert!(matches!(bad, MatchError::InvalidOption { .. }), "{bad}");
}

/// Small and awkward data sets through every method: an error or a result, never a panic, and
/// weights that are finite and non-negative.
#[test]
fn small_random_data_never_panic() {
    use effekt_matching::{
        CemCut, CovariateCaliper, Cut, Discard, Distance, Estimand, IpwOptions, Method,
    };
    use effekt_resample::rng::RngExt;
    use effekt_resample::{Purpose, stream};
    let mut ok = [0usize; 4];
    for case in 0..300u64 {
        let mut rng = stream(case, Purpose::Simulation, 0);
        let n = rng.random_range(4..40usize);
        let mut csv = String::from("t,y,a,b,c\n");
        for i in 0..n {
            let t = if i < 2 {
                i % 2
            } else {
                rng.random_range(0..2u32) as usize
            };
            let a = f64::from(rng.random_range(0..4u32));
            let b = f64::from(rng.random_range(0..100u32)) / 10.0;
            let c = ["x", "y", "z"][rng.random_range(0..3usize)];
            let y = f64::from(rng.random_range(0..50u32)) / 5.0 + t as f64;
            csv.push_str(&format!("{t},{y},{a},{b},{c}\n"));
        }
        let t = read_csv_str("small.csv", &csv, &ReadOptions::default()).unwrap();
        let r = Roles {
            treatment: Some("t".into()),
            outcome: Some("y".into()),
            covariates: vec!["a".into(), "b".into(), "c".into()],
            ..Roles::default()
        };
        let Ok(d) = t.select(&r, MissingPolicy::Error) else {
            continue;
        };
        let method = [Method::Nearest, Method::Cem, Method::Ipw, Method::Aipw][(case % 4) as usize];
        let mut cfg = MatchConfig {
            method,
            seed: case,
            ..MatchConfig::default()
        };
        match method {
            Method::Nearest => {
                cfg.distance = [
                    Distance::Ps,
                    Distance::Logit,
                    Distance::Mahalanobis,
                    Distance::RobustMahalanobis,
                ][(case / 4 % 4) as usize];
                cfg.replace = case % 3 == 0;
                cfg.ratio = 1 + (case % 2) as usize;
                cfg.estimand = if cfg.replace && case % 5 == 0 {
                    Estimand::Ate
                } else {
                    Estimand::Att
                };
                if case % 7 == 0 {
                    cfg.caliper = Some(0.5);
                }
                if case % 11 == 0 {
                    cfg.covariate_calipers = vec![CovariateCaliper {
                        covariate: "b".into(),
                        width: 1.0,
                    }];
                }
                if case % 13 == 0 {
                    cfg.exact = vec!["c".into()];
                }
                if case % 17 == 0 {
                    cfg.discard = Discard::Both;
                }
                if !cfg.replace && case % 19 == 0 {
                    cfg.effect.bootstrap = BootstrapOptions {
                        resamples: 50,
                        ..Default::default()
                    };
                }
                cfg.effect.adjust = case % 23 == 0;
            }
            Method::Cem => {
                if case % 3 == 0 {
                    cfg.cem_cuts = vec![CemCut {
                        covariate: "b".into(),
                        cut: Cut::Points(vec![2.5, 5.0]),
                    }];
                }
                cfg.estimand = [Estimand::Att, Estimand::Atc, Estimand::Ate][(case % 3) as usize];
            }
            _ => {
                cfg.estimand = if method == Method::Aipw {
                    Estimand::Ate
                } else {
                    [Estimand::Att, Estimand::Atc, Estimand::Ate][(case % 3) as usize]
                };
                cfg.ipw = IpwOptions {
                    stabilize: case % 2 == 0,
                    trim: (case % 3 == 0).then_some(0.05),
                };
            }
        }
        if let Ok(f) = fit(&d, &cfg, None) {
            assert!(
                f.units()
                    .iter()
                    .all(|u| u.weight.is_finite() && u.weight >= 0.0),
                "case {case}"
            );
            let _ = serde_json_roundtrip(&f);
            ok[(case % 4) as usize] += 1;
        }
    }
    // most configurations run (the rest are clear errors: separation in tiny samples, ...)
    assert!(ok.iter().all(|&k| k > 20), "successes per method: {ok:?}");
}

fn serde_json_roundtrip(f: &effekt_matching::MatchFit) -> String {
    serde_json::to_string(f).unwrap()
}

/// Nearest-neighbour matching on the logit of the propensity score: a treated unit halfway
/// between two controls (x − 1 and x + 1 on a single covariate, so the logit distances |b| are
/// equal in exact arithmetic but rounded differently) takes the control that comes first in
/// the canonical order (the smaller x), as the crate docs promise — not the one that floating-
/// point noise makes nearer. Rows are written in a scrambled order.
#[test]
fn logit_distances_equal_up_to_rounding_are_ties() {
    use effekt_matching::Distance;
    // treated at odd x 1..=39, controls at even x 0..=40 and further controls at 60..=79 so
    // that the slope of the propensity score is not zero
    let mut rows: Vec<(u8, i32)> = Vec::new();
    for x in 0..=40 {
        rows.push(((x % 2) as u8, x));
    }
    for x in 60..=79 {
        rows.push((0, x));
    }
    // scramble deterministically
    rows.sort_by_key(|&(_, x)| (x * 37) % 101);
    let mut text = String::from("treat,x\n");
    for (t, x) in &rows {
        text.push_str(&format!("{t},{x}\n"));
    }
    let table = read_csv_str("ties.csv", &text, &ReadOptions::default()).unwrap();
    let roles = Roles {
        treatment: Some("treat".into()),
        covariates: vec!["x".into()],
        ..Roles::default()
    };
    let data = table.select(&roles, MissingPolicy::Error).unwrap();
    let m = fit(
        &data,
        &MatchConfig {
            distance: Distance::Logit,
            replace: true,
            ..MatchConfig::default()
        },
        None,
    )
    .unwrap();
    let units = m.units();
    let x_of = |row: usize| rows[row].1;
    let mut uneven = 0;
    for u in units.iter().filter(|u| u.treated) {
        let x = x_of(u.row);
        assert_eq!(u.matched_to.len(), 1);
        assert_eq!(
            x_of(u.matched_to[0]),
            x - 1,
            "treated unit at x = {x} took the control at x = {} instead of x = {}",
            x_of(u.matched_to[0]),
            x - 1
        );
        // the rounded distances really differ for some units (else the test proves nothing)
        let d = |xc: i32| {
            let c = units
                .iter()
                .find(|v| !v.treated && x_of(v.row) == xc)
                .unwrap();
            (c.distance.unwrap() - u.distance.unwrap()).abs()
        };
        if d(x - 1) != d(x + 1) {
            uneven += 1;
        }
    }
    assert!(
        uneven > 0,
        "no rounding differences: the test proves nothing"
    );
}
