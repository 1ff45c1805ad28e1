//! Behaviour without an external anchor: the pair bootstrap against its analytic limit (within
//! Monte Carlo error), the seeded random order, and the error variants of the library.

use effekt_data::{Dataset, MissingPolicy, ReadOptions, Roles, read_csv_str, read_table};
use effekt_matching::{BootstrapOptions, EffectOptions, MatchConfig, MatchError, Order, SeMethod, fit};

fn lalonde_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/lalonde.csv")).unwrap()
}

fn roles(extra: &[&str]) -> Roles {
    let mut covs: Vec<String> = ["age", "educ", "race", "married", "nodegree", "re74", "re75"].map(String::from).to_vec();
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
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/lalonde.csv")),
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
            bootstrap: BootstrapOptions { resamples: 4000, ..Default::default() },
            ..Default::default()
        },
        seed: 5,
        ..MatchConfig::default()
    };
    let b = fit(&data, &boot, None).unwrap().effect.unwrap();
    let cr1 = fit(&data, &MatchConfig { effect: EffectOptions { se: SeMethod::Cr1, ..Default::default() }, ..MatchConfig::default() }, None)
        .unwrap()
        .effect
        .unwrap();
    // CR0 = CR1 / sqrt(G/(G−1) · (n−1)/(n−k)), G = 185 pairs, n = 370, k = 2
    let (g, n) = (185.0_f64, 370.0_f64);
    let cr0 = cr1.std_error / (g / (g - 1.0) * (n - 1.0) / (n - 2.0)).sqrt();
    let bs = b.bootstrap.as_ref().unwrap();
    assert_eq!(bs.resamples, 4000);
    assert!((bs.std_error / cr0 - 1.0).abs() < 0.05, "bootstrap SE {} vs CR0 {cr0}", bs.std_error);
    assert_eq!(b.estimate, cr1.estimate);
    assert!(b.conf_low < b.estimate && b.estimate < b.conf_high);
    assert_eq!(b.analytic.as_ref().unwrap().std_error, fit(&data, &MatchConfig::default(), None).unwrap().effect.unwrap().std_error);
    // same seed, same numbers
    let again = fit(&data, &boot, None).unwrap().effect.unwrap();
    assert_eq!(again, b);
}

#[test]
fn random_order_is_reproducible_and_depends_on_the_seed() {
    let data = lalonde();
    let cfg = |seed| MatchConfig { order: Some(Order::Random), caliper: Some(0.1), seed, ..MatchConfig::default() };
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
            assert!(covariates.iter().any(|c| c.contains("kommun") && c.contains("Umea")), "{covariates:?}");
        }
        other => panic!("expected separation, got {other}"),
    }
    assert!(e.to_string().contains("separation"));
}

#[test]
fn error_variants() {
    let data = lalonde();
    let too_few = fit(&data, &MatchConfig { ratio: 3, ..MatchConfig::default() }, None).unwrap_err();
    assert!(matches!(too_few, MatchError::TooFewControls { needed: 555, available: 429, .. }), "{too_few}");
    let unknown = fit(&data, &MatchConfig { exact: vec!["nosuch".into()], ..MatchConfig::default() }, None).unwrap_err();
    assert!(matches!(unknown, MatchError::UnknownCovariate { .. }), "{unknown}");
    let bad = fit(&data, &MatchConfig { ratio: 0, ..MatchConfig::default() }, None).unwrap_err();
    assert!(matches!(bad, MatchError::InvalidOption { .. }), "{bad}");
}
