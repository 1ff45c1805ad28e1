//! A panel small enough to check by hand (five municipalities, four waves): without covariates
//! every 2×2 estimator is the difference of mean changes, ATT(g,t) = mean_g(Δy) − mean_C(Δy),
//! and the aggregations are cohort-size weighted means. Small samples are the norm for
//! effekt's users, so this must work (with a warning) rather than stop.

use effekt_data::Groups;
use effekt_did::cs::{Aggregation, ControlGroup, CsConfig, CsData, CsEstimator, fit_cs};

/// Units A, B never treated; C, D first treated in wave 3; E in wave 4.
fn data() -> CsData {
    let y: [[f64; 4]; 5] = [
        [1.0, 2.0, 2.5, 3.0], // A
        [2.0, 2.5, 4.0, 4.5], // B
        [1.0, 1.5, 4.0, 5.0], // C
        [0.5, 1.5, 3.5, 4.5], // D
        [3.0, 3.5, 4.5, 7.0], // E
    ];
    let cohort = [None, Some(0.0), Some(3.0), Some(3.0), Some(4.0)];
    let mut outcome = Vec::new();
    let mut time = Vec::new();
    let mut first = Vec::new();
    let mut codes = Vec::new();
    for (u, row) in y.iter().enumerate() {
        for (t, v) in row.iter().enumerate() {
            outcome.push(*v);
            time.push(t as f64 + 1.0);
            first.push(cohort[u]);
            codes.push(u as u32);
        }
    }
    CsData {
        unit: Some(Groups {
            column: "kommun".into(),
            labels: ["A", "B", "C", "D", "E"].map(String::from).to_vec(),
            codes,
        }),
        ..CsData::new(outcome, time, first)
    }
}

fn att(fit: &effekt_did::cs::CsFit, g: f64, t: f64) -> f64 {
    fit.att_gt
        .iter()
        .find(|c| c.group == g && c.time == t)
        .unwrap()
        .effect
        .estimate
}

#[test]
fn hand_computed_att_and_aggregations() {
    let d = data();
    for est in [CsEstimator::Dr, CsEstimator::Ipw, CsEstimator::Or] {
        let cfg = CsConfig {
            estimator: est,
            bootstrap: 0,
            ..CsConfig::default()
        };
        let fit = fit_cs(&d, &cfg, None).unwrap();
        // never-treated controls A, B. ATT(3,3): base wave 2.
        // Δ(3−2): C 2.5, D 2.0 → 2.25; A 0.5, B 1.5 → 1.0
        let eps = 1e-12;
        assert!((att(&fit, 3.0, 3.0) - 1.25).abs() < eps);
        // ATT(3,4): Δ(4−2): C 3.5, D 3.0 → 3.25; A 1.0, B 2.0 → 1.5
        assert!((att(&fit, 3.0, 4.0) - 1.75).abs() < eps);
        // ATT(4,4): base wave 3. Δ(4−3): E 2.5; A 0.5, B 0.5 → 0.5
        assert!((att(&fit, 4.0, 4.0) - 2.0).abs() < eps);
        // pre-period pseudo-ATT(3,2): Δ(2−1): C 0.5, D 1.0 → 0.75; A 1.0, B 0.5 → 0.75
        assert!(att(&fit, 3.0, 2.0).abs() < eps);
        // simple: cohort sizes 2, 2, 1 → (2·1.25 + 2·1.75 + 1·2.0)/5
        assert!((fit.simple.estimate - 8.0 / 5.0).abs() < eps);
        // group: cohort 3 mean 1.5, cohort 4 2.0; weighted 2:1
        let g = fit.group.as_ref().unwrap();
        assert!((g.rows[0].effect.estimate - 1.5).abs() < eps);
        assert!((g.overall.estimate - (2.0 * 1.5 + 2.0) / 3.0).abs() < eps);
        // dynamic e = 0: (2·1.25 + 1·2.0)/3; calendar t = 4: (2·1.75 + 2.0)/3
        let dy = fit.dynamic.as_ref().unwrap();
        let e0 = dy.rows.iter().find(|r| r.key == 0.0).unwrap();
        assert!((e0.effect.estimate - 4.5 / 3.0).abs() < eps);
        let cal = fit.calendar.as_ref().unwrap();
        assert!((cal.rows[1].effect.estimate - 5.5 / 3.0).abs() < eps);
        assert!(fit.simple.std_error.unwrap() > 0.0);
        // the small groups are flagged
        assert!(
            fit.inference
                .warnings
                .iter()
                .any(|w| w.to_string().contains("small groups"))
        );
    }
}

#[test]
fn not_yet_treated_uses_the_later_cohort_until_it_starts() {
    let cfg = CsConfig {
        control_group: ControlGroup::NotYetTreated,
        bootstrap: 0,
        aggregations: vec![Aggregation::Dynamic],
        ..CsConfig::default()
    };
    let fit = fit_cs(&data(), &cfg, None).unwrap();
    // ATT(3,3): controls A, B, E (E untreated until 4). Δ(3−2): A 0.5, B 1.5, E 1.0 → 1.0
    assert!((att(&fit, 3.0, 3.0) - 1.25).abs() < 1e-12);
    // ATT(3,2) (varying base, 1 → 2): controls A, B, E: Δ 1.0, 0.5, 0.5 → 2/3; C, D → 0.75
    assert!((att(&fit, 3.0, 2.0) - (0.75 - 2.0 / 3.0)).abs() < 1e-12);
    // ATT(3,4): E treated in 4 → only A, B
    assert!((att(&fit, 3.0, 4.0) - 1.75).abs() < 1e-12);
    assert!(fit.group.is_none() && fit.calendar.is_none() && fit.dynamic.is_some());
}

#[test]
fn tiny_panel_bootstrap_runs() {
    let fit = fit_cs(
        &data(),
        &CsConfig {
            bootstrap: 999,
            ..CsConfig::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(fit.resamples, Some(999));
    assert!(fit.inference.method.contains("999 Rademacher"));
    let json = serde_json::to_string(&fit).unwrap();
    assert!(json.contains("\"att_gt\""));
}

#[test]
fn inference_does_not_depend_on_the_outcome_scale() {
    let cfg = CsConfig {
        bootstrap: 0,
        ..CsConfig::default()
    };
    let base = fit_cs(&data(), &cfg, None).unwrap();
    let mut tiny = data();
    for y in &mut tiny.outcome {
        *y *= 1e-9;
    }
    let fit = fit_cs(&tiny, &cfg, None).unwrap();
    for (a, b) in fit.att_gt.iter().zip(&base.att_gt) {
        match (a.effect.std_error, b.effect.std_error) {
            (Some(x), Some(y)) => assert!((x / y - 1e-9).abs() < 1e-18),
            (x, y) => assert_eq!(x.is_some(), y.is_some()),
        }
    }
    assert!((fit.simple.std_error.unwrap() / base.simple.std_error.unwrap() - 1e-9).abs() < 1e-18);
}
