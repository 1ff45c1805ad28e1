//! IPW and AIPW against the stacked-estimating-equation reference written out in R
//! (tests/fixtures/scripts/weighting_ai.R) and against statsmodels' TreatmentEffect
//! (weighting_statsmodels.py); the Abadie–Imbens ATT/ATE after matching with replacement against
//! Matching::Match (weighting_ai.R).

use effekt_data::{Dataset, MissingPolicy, ReadOptions, Roles, read_table};
use effekt_matching::{Estimand, IpwOptions, MatchConfig, Method, fit};
use serde_json::Value;

fn load(file: &str, treat: &str, y: &str, covs: &[&str]) -> Dataset {
    let t = read_table(std::path::Path::new(file), &ReadOptions::default()).unwrap();
    let roles = Roles {
        treatment: Some(treat.into()),
        outcome: Some(y.into()),
        covariates: covs.iter().map(|s| s.to_string()).collect(),
        ..Roles::default()
    };
    t.select(&roles, MissingPolicy::Error).unwrap()
}

fn lalonde() -> Dataset {
    load(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/lalonde.csv"),
        "treat",
        "re78",
        &["age", "educ", "race", "married", "nodegree", "re74", "re75"],
    )
}

fn synthetic() -> Dataset {
    load(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ai_synthetic.csv"
        ),
        "t",
        "y",
        &["x1", "x2"],
    )
}

fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), name)
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn weighting(
    method: Method,
    estimand: Estimand,
    trim: Option<f64>,
    stabilize: bool,
) -> MatchConfig {
    MatchConfig {
        method,
        estimand,
        ipw: IpwOptions { stabilize, trim },
        ..MatchConfig::default()
    }
}

#[test]
fn ipw_and_aipw_on_lalonde_match_the_stacked_estimating_equations() {
    let fx = fixture("weighting_ai.json");
    let data = lalonde();
    let cases = [
        (
            "ipw_att",
            weighting(Method::Ipw, Estimand::Att, None, false),
        ),
        (
            "ipw_atc",
            weighting(Method::Ipw, Estimand::Atc, None, false),
        ),
        (
            "ipw_ate",
            weighting(Method::Ipw, Estimand::Ate, None, false),
        ),
        (
            "ipw_ate_trim05",
            weighting(Method::Ipw, Estimand::Ate, Some(0.05), false),
        ),
        (
            "aipw_ate",
            weighting(Method::Aipw, Estimand::Ate, None, false),
        ),
    ];
    for (name, cfg) in cases {
        let f = fit(&data, &cfg, None).unwrap();
        let e = f.effect.as_ref().unwrap();
        let want = &fx[name];
        assert!(
            rel(e.estimate, want["estimate"].as_f64().unwrap()) < 1e-8,
            "{name}: {} vs {}",
            e.estimate,
            want["estimate"]
        );
        // the reference Jacobian is numerical (central differences): agreement to ~1e-7
        assert!(
            rel(e.std_error, want["std_error"].as_f64().unwrap()) < 1e-6,
            "{name}: SE {} vs {}",
            e.std_error,
            want["std_error"]
        );
        assert!(
            rel(
                e.counterfactual.treated_observed,
                want["mu1"].as_f64().unwrap()
            ) < 1e-8,
            "{name}: mu1"
        );
        assert!(
            rel(e.counterfactual.control, want["mu0"].as_f64().unwrap()) < 1e-8,
            "{name}: mu0"
        );
        if let Some(k) = want["kept"].as_u64() {
            let w = f.weighting.as_ref().unwrap();
            assert_eq!(614 - w.trimmed as u64, k, "{name}: kept units");
        }
    }
}

#[test]
fn stabilised_weights_change_the_weights_not_the_estimate() {
    let data = lalonde();
    let a = fit(
        &data,
        &weighting(Method::Ipw, Estimand::Ate, None, false),
        None,
    )
    .unwrap();
    let b = fit(
        &data,
        &weighting(Method::Ipw, Estimand::Ate, None, true),
        None,
    )
    .unwrap();
    let (ea, eb) = (a.effect.clone().unwrap(), b.effect.clone().unwrap());
    assert!(rel(ea.estimate, eb.estimate) < 1e-12);
    assert!(rel(ea.std_error, eb.std_error) < 1e-12);
    let sa: f64 = a.units().iter().map(|u| u.weight).sum();
    let sb: f64 = b.units().iter().map(|u| u.weight).sum();
    assert!(sb < sa, "stabilised weights sum to less ({sb} vs {sa})");
    // stabilised ATE weights sum to about n in each group
    let st: f64 = b
        .units()
        .iter()
        .filter(|u| u.treated)
        .map(|u| u.weight)
        .sum();
    assert!((st / 185.0 - 1.0).abs() < 0.5, "{st}");
}

#[test]
fn ipw_and_aipw_match_statsmodels_where_its_clipping_does_not_bind() {
    let fx = fixture("weighting_statsmodels.json");
    let data = synthetic();
    for (name, cfg) in [
        (
            "ipw_ate",
            weighting(Method::Ipw, Estimand::Ate, None, false),
        ),
        (
            "ipw_att",
            weighting(Method::Ipw, Estimand::Att, None, false),
        ),
        (
            "ipw_atc",
            weighting(Method::Ipw, Estimand::Atc, None, false),
        ),
        (
            "aipw_ate",
            weighting(Method::Aipw, Estimand::Ate, None, false),
        ),
    ] {
        let e = fit(&data, &cfg, None).unwrap().effect.unwrap();
        let want = &fx[name];
        // statsmodels re-solves the moment conditions with Nelder-Mead: agreement to ~1e-6
        assert!(
            rel(e.estimate, want["estimate"].as_f64().unwrap()) < 1e-6,
            "{name}: {} vs {}",
            e.estimate,
            want["estimate"]
        );
        assert!(
            rel(e.std_error, want["std_error"].as_f64().unwrap()) < 1e-5,
            "{name}: SE {} vs {}",
            e.std_error,
            want["std_error"]
        );
    }
}

#[test]
fn abadie_imbens_att_and_ate_match_matching_package() {
    let fx = fixture("weighting_ai.json");
    let data = synthetic();
    for (key, v) in fx["ai_synthetic"].as_object().unwrap() {
        let cfg = MatchConfig {
            replace: true,
            ratio: v["M"].as_u64().unwrap() as usize,
            estimand: if v["estimand"] == "ATE" {
                Estimand::Ate
            } else {
                Estimand::Att
            },
            effect: effekt_matching::EffectOptions {
                ai_variance_matches: v["var_calc"].as_u64().unwrap() as usize,
                ..Default::default()
            },
            ..MatchConfig::default()
        };
        let e = fit(&data, &cfg, None).unwrap().effect.unwrap();
        assert!(
            rel(e.estimate, v["estimate"].as_f64().unwrap()) < 1e-8,
            "{key}: {} vs {}",
            e.estimate,
            v["estimate"]
        );
        assert!(
            rel(e.std_error, v["std_error"].as_f64().unwrap()) < 1e-8,
            "{key}: SE {} vs {}",
            e.std_error,
            v["std_error"]
        );
        assert!(e.df.is_none());
    }
}

/// The doubly robust ATT (and ATC) against Python drdid 1.1.7, the port of R DRDID 1.4.0's
/// traditional DR estimator (Sant'Anna & Zhao 2020, eq. 3.1) with the outcome in place of its
/// change (fixture `aipw_att_drdid.json`, script `scripts/aipw_att_drdid.py`).
#[test]
fn aipw_att_and_atc_match_drdid_on_lalonde() {
    let fx = fixture("aipw_att_drdid.json");
    let data = lalonde();
    for (name, estimand) in [("aipw_att", Estimand::Att), ("aipw_atc", Estimand::Atc)] {
        let f = fit(&data, &weighting(Method::Aipw, estimand, None, false), None).unwrap();
        let e = f.effect.as_ref().unwrap();
        let want = &fx[name];
        assert_eq!(e.term, estimand.name());
        // The ATC (31) is a small difference of two means of about 7,000: relative to the
        // outcome's scale (the focal group's mean); both fits converge only to ~1e-10, and
        // drdid refits the propensity score of 1 − treat where 1 − e is used here.
        let scale = want["estimate"]
            .as_f64()
            .unwrap()
            .abs()
            .max(want["focal_observed_mean"].as_f64().unwrap().abs());
        assert!(
            (e.estimate - want["estimate"].as_f64().unwrap()).abs() < 1e-8 * scale,
            "{name}: {} vs {}",
            e.estimate,
            want["estimate"]
        );
        assert!(
            rel(e.std_error, want["std_error"].as_f64().unwrap()) < 1e-8,
            "{name}: SE {} vs {}",
            e.std_error,
            want["std_error"]
        );
        // the counterfactual: the focal group's observed mean minus (ATT) or plus (ATC) the
        // effect
        let focal = want["focal_observed_mean"].as_f64().unwrap();
        let cf = &e.counterfactual;
        match estimand {
            Estimand::Att => {
                assert!(rel(cf.treated_observed, focal) < 1e-12);
                assert!(rel(cf.treated_counterfactual, focal - e.estimate) < 1e-12);
            }
            _ => assert!(rel(cf.control, focal) < 1e-12),
        }
        assert!(e.inference.method.contains("Sant'Anna & Zhao 2020"));
        assert!(e.adjusted);
    }
    // doubly robust: not the IPW ATT (the outcome model adds information) but close to it
    let ipw = fit(
        &data,
        &weighting(Method::Ipw, Estimand::Att, None, false),
        None,
    )
    .unwrap()
    .effect
    .unwrap();
    let dr = fit(
        &data,
        &weighting(Method::Aipw, Estimand::Att, None, false),
        None,
    )
    .unwrap()
    .effect
    .unwrap();
    assert_ne!(ipw.estimate, dr.estimate);
}
