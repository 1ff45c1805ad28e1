//! The multiplier bootstrap against csdid 0.4.3's (`bstrap=True, cband=True`): bootstrap
//! standard errors and simultaneous critical values of the ATT(g,t) and of every aggregation
//! agree within Monte Carlo error. Fixtures: `castle_bootstrap.json` (5 csdid runs × 20,000
//! draws, unit-level), `df_het_bootstrap.json` (5 × 5,000 draws, 40 state clusters,
//! not-yet-treated controls).
//!
//! Monte Carlo error: effekt runs with 4 seeds, csdid with 5; for each quantity the means of
//! the two sets are compared with `|mean_ours − mean_csdid| ≤ 4.5 s √(1/4 + B_csdid/(5 B_ours))`
//! where `s` is the pooled standard deviation of the runs (rescaled to csdid's B), floored for
//! standard errors at the normal-theory value of an IQR-based scale estimate (1.166/√B
//! relative). Over all ~200 quantities the standardised differences have SD ≈ 1.

use crate::cs_common;

use cs_common::{fixture, input};
use effekt_did::cs::{ControlGroup, CsAggregate, CsConfig, CsFit, fit_cs};
use serde_json::Value;

struct Mc {
    b_theirs: f64,
    b_ours: f64,
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let r = x.len() as f64;
    let m = x.iter().sum::<f64>() / r;
    (
        m,
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (r - 1.0)).sqrt(),
    )
}

impl Mc {
    /// Assert effekt's runs `ours` are within Monte Carlo error of csdid's runs `theirs`.
    #[track_caller]
    fn check(&self, what: &str, ours: &[f64], theirs: &[f64], scale_estimate: bool) {
        let (mo, so) = mean_sd(ours);
        let (mt, st) = mean_sd(theirs);
        let (ro, rt) = (ours.len() as f64, theirs.len() as f64);
        // pooled SD on csdid's scale (SD ∝ 1/√B)
        let so_t = so * (self.b_ours / self.b_theirs).sqrt();
        let pooled = (((ro - 1.0) * so_t * so_t + (rt - 1.0) * st * st) / (ro + rt - 2.0)).sqrt();
        let floor = if scale_estimate {
            1.166 / self.b_theirs.sqrt() * mt.abs()
        } else {
            0.0
        };
        let s = pooled.max(floor);
        let tol = 4.5 * s * (self.b_theirs / self.b_ours / ro + 1.0 / rt).sqrt();
        assert!(
            (mo - mt).abs() <= tol,
            "{what}: effekt mean {mo:.6} (runs {ours:?}) vs csdid mean {mt:.6} (runs {theirs:?}); MC tolerance {tol:.2e}"
        );
    }
}

fn values(runs: &[Value], f: impl Fn(&Value) -> Option<f64>) -> Vec<f64> {
    runs.iter().map(|r| f(r).unwrap()).collect()
}

fn check_fit(name: &str, fits: &[CsFit], fx: &Value, mc: &Mc) {
    let runs = fx["runs"].as_array().unwrap();
    let fit = &fits[0];
    let ours =
        |f: &dyn Fn(&CsFit) -> Option<f64>| -> Option<Vec<f64>> { fits.iter().map(f).collect() };
    // ATT(g,t): bootstrap SEs and the sup-t critical value
    for (k, c) in fit.att_gt.iter().enumerate() {
        let theirs: Option<Vec<f64>> = runs.iter().map(|r| r["att_gt_se"][k].as_f64()).collect();
        match (ours(&|f| f.att_gt[k].effect.std_error), theirs) {
            (Some(o), Some(t)) => {
                mc.check(
                    &format!("{name} SE ATT({},{})", c.group, c.time),
                    &o,
                    &t,
                    true,
                );
                assert_ne!(c.effect.std_error, c.effect.std_error_analytic);
            }
            (None, None) => {}
            (a, b) => panic!(
                "{name} ATT({},{}): SE {a:?} vs csdid {b:?}",
                c.group, c.time
            ),
        }
    }
    assert!(fits.iter().all(|f| f.att_gt_uniform));
    mc.check(
        &format!("{name} ATT(g,t) critical value"),
        &fits
            .iter()
            .map(|f| f.att_gt_critical_value)
            .collect::<Vec<_>>(),
        &values(runs, |r| r["att_gt_crit"].as_f64()),
        false,
    );
    mc.check(
        &format!("{name} simple SE"),
        &ours(&|f| f.simple.std_error).unwrap(),
        &values(runs, |r| r["simple"]["overall"]["se"].as_f64()),
        true,
    );
    type Pick = fn(&CsFit) -> &CsAggregate;
    let kinds: [(&str, Pick); 3] = [
        ("group", |f| f.group.as_ref().unwrap()),
        ("dynamic", |f| f.dynamic.as_ref().unwrap()),
        ("calendar", |f| f.calendar.as_ref().unwrap()),
    ];
    for (kind, pick) in kinds {
        let agg = pick(fit);
        mc.check(
            &format!("{name} {kind} overall SE"),
            &ours(&|f| pick(f).overall.std_error).unwrap(),
            &values(runs, |r| r[kind]["overall"]["se"].as_f64()),
            true,
        );
        for (i, row) in agg.rows.iter().enumerate() {
            let theirs: Option<Vec<f64>> = runs
                .iter()
                .map(|r| r[kind]["rows"][i]["se"].as_f64())
                .collect();
            assert_eq!(runs[0][kind]["rows"][i]["key"].as_f64(), Some(row.key));
            match (ours(&|f| pick(f).rows[i].effect.std_error), theirs) {
                (Some(o), Some(t)) => {
                    mc.check(&format!("{name} {kind} {} SE", row.key), &o, &t, true)
                }
                (None, None) => {}
                (a, b) => panic!("{name} {kind} {}: SE {a:?} vs csdid {b:?}", row.key),
            }
            // the band uses the family's critical value
            if let (Some(lo), Some(s)) = (row.effect.band_low, row.effect.std_error) {
                assert!((row.effect.estimate - lo - agg.critical_value * s).abs() < 1e-12);
            }
        }
        mc.check(
            &format!("{name} {kind} critical value"),
            &fits
                .iter()
                .map(|f| pick(f).critical_value)
                .collect::<Vec<_>>(),
            &values(runs, |r| r[kind]["crit"].as_f64()),
            false,
        );
    }
}

/// Fits with 4 seeds.
fn fits(data: &effekt_did::cs::CsData, cfg: &CsConfig) -> Vec<CsFit> {
    [2021, 2022, 2023, 2024]
        .iter()
        .map(|&seed| {
            fit_cs(
                data,
                &CsConfig {
                    seed,
                    ..cfg.clone()
                },
                None,
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn castle_bootstrap_matches_csdid_within_monte_carlo_error() {
    let fx = fixture("castle_bootstrap");
    let b_ours = 20_000;
    let cfg = CsConfig {
        bootstrap: b_ours,
        ..CsConfig::default()
    };
    let all = fits(&input(&fx["case"]), &cfg);
    let fit = &all[0];
    assert_eq!(fit.resamples, Some(b_ours));
    let mc = Mc {
        b_theirs: fx["biters"].as_f64().unwrap(),
        b_ours: b_ours as f64,
    };
    check_fit("castle", &all, &fx, &mc);
    // Point estimates do not depend on the bootstrap.
    let analytic = fit_cs(
        &input(&fx["case"]),
        &CsConfig {
            bootstrap: 0,
            ..cfg.clone()
        },
        None,
    )
    .unwrap();
    assert_eq!(analytic.simple.estimate, fit.simple.estimate);
    assert_eq!(analytic.simple.std_error, fit.simple.std_error_analytic);
}

#[test]
fn df_het_cluster_bootstrap_matches_csdid_within_monte_carlo_error() {
    let fx = fixture("df_het_bootstrap");
    let b_ours = 20_000;
    let cfg = CsConfig {
        bootstrap: b_ours,
        control_group: ControlGroup::NotYetTreated,
        cluster: Some("state".into()),
        ..CsConfig::default()
    };
    let all = fits(&input(&fx["case"]), &cfg);
    let fit = &all[0];
    assert_eq!(fit.n_clusters, Some(40));
    let mc = Mc {
        b_theirs: fx["biters"].as_f64().unwrap(),
        b_ours: b_ours as f64,
    };
    check_fit("df_het", &all, &fx, &mc);
    // With 40 clusters the bootstrap SE is close to the analytic cluster-robust one.
    let (b, a) = (
        fit.simple.std_error.unwrap(),
        fit.simple.std_error_analytic.unwrap(),
    );
    assert!((b / a - 1.0).abs() < 0.1, "bootstrap {b} vs analytic {a}");
}

#[test]
fn mammen_multipliers_give_the_same_standard_errors_within_monte_carlo_error() {
    let fx = fixture("df_het_bootstrap");
    let base = CsConfig {
        bootstrap: 4000,
        control_group: ControlGroup::NotYetTreated,
        cluster: Some("state".into()),
        uniform_bands: false,
        ..CsConfig::default()
    };
    let data = input(&fx["case"]);
    let rad = fit_cs(&data, &base, None).unwrap();
    let mam = fit_cs(
        &data,
        &CsConfig {
            multiplier: effekt_did::cs::MultiplierWeights::Mammen,
            ..base.clone()
        },
        None,
    )
    .unwrap();
    let (r, m) = (rad.simple.std_error.unwrap(), mam.simple.std_error.unwrap());
    // both ≈ the analytic SE; IQR-based scale with B = 4000 has ≈ 1.8 % relative MC error each
    assert!((r / m - 1.0).abs() < 0.12, "Rademacher {r} vs Mammen {m}");
    assert!(rad.att_gt.iter().all(|c| c.effect.band_low.is_none()));
    assert!(!rad.att_gt_uniform);
}
