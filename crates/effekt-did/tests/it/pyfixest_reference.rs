//! 2×2, TWFE and event studies against pyfixest 0.60 `feols` (CRV1) — fixture
//! `pyfixest_did.json` — and against estimatr/clubSandwich CR2 with explicit dummies — fixture
//! `cr2_reference.json`; Goodman-Bacon components against pyfixest fits on each 2×2 subsample.

use crate::common;

use common::*;
use effekt_did::{
    BaconKind, DidConfig, DidData, DidFit, DidMethod, EventStudyConfig, Panel, TwfeConfig,
    TwoByTwoConfig, VcovChoice, bacon_decomposition, fit, fit_2x2, fit_event_study, fit_twfe,
};
use effekt_models::TidyRow;
use serde_json::Value;

const RTOL: f64 = 1e-8;

fn check_row(r: &TidyRow, fx: &Value, j: usize, what: &str) {
    let get = |k: &str| nums(&fx[k])[j];
    close(
        r.estimate,
        get("coefficients"),
        RTOL,
        &format!("{what} estimate"),
    );
    close(r.std_error, get("std_errors"), RTOL, &format!("{what} se"));
    close(
        r.conf_low,
        get("conf_low"),
        RTOL,
        &format!("{what} conf_low"),
    );
    close(
        r.conf_high,
        get("conf_high"),
        RTOL,
        &format!("{what} conf_high"),
    );
    let p = get("p_value");
    if p > 1e-12 {
        close(r.p_value, p, 1e-7, &format!("{what} p"));
    } else {
        assert!(r.p_value < 1e-10, "{what} p {}", r.p_value);
    }
    if let Some(t) = fx.get("t") {
        close(r.statistic, nums(t)[j], RTOL, &format!("{what} t"));
    }
    let df = fx
        .get("df_t")
        .map(|d| d.as_f64().unwrap())
        .unwrap_or_else(|| nums(&fx["df"])[j]);
    close(r.df.unwrap(), df, 1e-7, &format!("{what} df"));
}

fn index_of(fx: &Value, term: &str) -> usize {
    strs(&fx["terms"]).iter().position(|t| t == term).unwrap()
}

#[test]
fn organ_donations_2x2_matches_pyfixest_regression_form_and_cell_means() {
    let fx = fixture("pyfixest_did.json");
    let data = organ();
    let f = fit_2x2(
        &data,
        &TwoByTwoConfig {
            vcov: VcovChoice::Cr1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let o = &fx["organ_2x2"];
    check_row(&f.estimate, o, index_of(o, "treated:post"), "organ 2x2 CR1");
    // every coefficient of the regression form
    for (j, name) in ["Intercept", "treated", "post", "treated:post"]
        .iter()
        .enumerate()
    {
        let ours = &f.coefficients[j];
        close(
            ours.estimate,
            nums(&o["coefficients"])[index_of(o, name)],
            RTOL,
            name,
        );
    }
    let cm = &o["cell_means"];
    close(
        f.cell_means.treated_pre,
        cm["treated_pre"].as_f64().unwrap(),
        1e-12,
        "treated_pre",
    );
    close(
        f.cell_means.treated_post,
        cm["treated_post"].as_f64().unwrap(),
        1e-12,
        "treated_post",
    );
    close(
        f.cell_means.control_pre,
        cm["control_pre"].as_f64().unwrap(),
        1e-12,
        "control_pre",
    );
    close(
        f.cell_means.control_post,
        cm["control_post"].as_f64().unwrap(),
        1e-12,
        "control_post",
    );
    // without covariates the regression coefficient is the DiD of cell means
    close(f.cell_means.did, f.estimate.estimate, 1e-10, "did of means");
    // counterfactual by period: treated pre-period mean + control change
    let tm = nums(&o["period_means"]["treated"]);
    let cmv = nums(&o["period_means"]["control"]);
    let tpre = f.cell_means.treated_pre;
    let cpre = f.cell_means.control_pre;
    for (t, row) in f.by_period.iter().enumerate() {
        close(
            row.treated_observed.unwrap(),
            tm[t],
            1e-12,
            "observed by period",
        );
        close(row.control.unwrap(), cmv[t], 1e-12, "control by period");
        close(
            row.treated_counterfactual.unwrap(),
            tpre + cmv[t] - cpre,
            1e-12,
            "cf by period",
        );
        assert_eq!(row.effect.is_some(), row.period >= 4.0);
    }
    let cf = &f.counterfactual;
    close(
        cf.treated_counterfactual,
        cf.treated_observed - f.estimate.estimate,
        1e-14,
        "cf",
    );
    close(
        cf.treated_observed,
        f.cell_means.treated_post,
        1e-14,
        "observed",
    );

    // default with 27 clusters: CR2 + Satterthwaite, equal to estimatr
    let f = fit_2x2(&data, &TwoByTwoConfig::default(), None).unwrap();
    assert_eq!(f.vcov, effekt_models::VarianceEstimator::Cr2);
    assert!(
        f.inference.reason.contains("27 clusters"),
        "{}",
        f.inference.reason
    );
    let r = &fixture("cr2_reference.json")["organ_2x2"];
    check_row(&f.estimate, r, 0, "organ 2x2 CR2");
}

#[test]
fn organ_donations_twfe_equals_2x2_and_pyfixest() {
    let fx = fixture("pyfixest_did.json");
    let data = organ();
    let f = fit_twfe(
        &data,
        &TwfeConfig {
            vcov: VcovChoice::Cr1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    check_row(&f.estimate, &fx["organ_twfe"], 0, "organ twfe CR1");
    assert_eq!(
        f.absorbed_df + 1,
        fx["organ_twfe"]["df_k"].as_f64().unwrap() as usize
    );
    let f = fit_twfe(
        &data,
        &TwfeConfig {
            vcov: VcovChoice::Cr2,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    check_row(
        &f.estimate,
        &fixture("cr2_reference.json")["organ_twfe"],
        0,
        "organ twfe CR2",
    );
}

#[test]
fn castle_twfe_matches_pyfixest_crv1_weighted_and_with_covariates() {
    let fx = fixture("pyfixest_did.json");
    let cfg = TwfeConfig {
        vcov: VcovChoice::Cr1,
        ..Default::default()
    };
    let f = fit_twfe(&castle(None, &[]), &cfg, None).unwrap();
    check_row(&f.estimate, &fx["castle_twfe"], 0, "castle twfe");
    // 50 clusters: the automatic choice is CR1
    let auto = fit_twfe(&castle(None, &[]), &TwfeConfig::default(), None).unwrap();
    assert_eq!(auto.vcov, effekt_models::VarianceEstimator::Cr1);
    assert_eq!(auto.estimate, f.estimate);

    let f = fit_twfe(&castle(Some("popwt"), &[]), &cfg, None).unwrap();
    check_row(
        &f.estimate,
        &fx["castle_twfe_weighted"],
        0,
        "castle twfe weighted",
    );
    assert!(
        f.bacon.is_none()
            && f.notes
                .iter()
                .any(|n| n.to_string().contains("Goodman-Bacon"))
    );

    let covs = &["unemployrt", "poverty", "l_income", "l_police"];
    let f = fit_twfe(&castle(None, covs), &cfg, None).unwrap();
    let o = &fx["castle_twfe_cov"];
    for (j, r) in f.coefficients.iter().enumerate() {
        let name = if j == 0 { "post" } else { covs[j - 1] };
        assert_eq!(r.term, if j == 0 { "D" } else { name });
        check_row(r, o, index_of(o, name), &format!("castle cov {name}"));
    }
}

#[test]
fn castle_twfe_cr2_matches_estimatr_with_dummies() {
    let r = fixture("cr2_reference.json");
    let cfg = TwfeConfig {
        vcov: VcovChoice::Cr2,
        ..Default::default()
    };
    let f = fit_twfe(&castle(None, &[]), &cfg, None).unwrap();
    check_row(&f.estimate, &r["castle_twfe"], 0, "castle twfe CR2");
    let f = fit_twfe(&castle(Some("popwt"), &[]), &cfg, None).unwrap();
    check_row(
        &f.estimate,
        &r["castle_twfe_weighted"],
        0,
        "castle twfe CR2 weighted",
    );
}

/// Castle restricted to the 2007 cohort and never-treated states (the 2×2 subsample).
fn castle_2007(covariates: &'static [&'static str]) -> DidData {
    let eff = castle_effyear();
    let sid = num("castle.csv", "sid");
    let post = num("castle.csv", "post");
    let keep = |i: usize| eff.get(&(sid[i] as i64)).is_none_or(|&e| e == 2007.0);
    did_data(
        &Spec {
            file: "castle.csv",
            outcome: "l_homicide",
            unit: "sid",
            time: "year",
            cluster: None,
            weights: None,
            covariates,
        },
        keep,
        |i| post[i] == 1.0,
    )
}

#[test]
fn castle_2x2_with_covariates_matches_pyfixest() {
    let fx = fixture("pyfixest_did.json");
    let cfg = TwoByTwoConfig {
        vcov: VcovChoice::Cr1,
        ..Default::default()
    };
    let f = fit_2x2(&castle_2007(&[]), &cfg, None).unwrap();
    let o = &fx["castle_2x2"];
    check_row(&f.estimate, o, index_of(o, "treated:after"), "castle 2x2");
    let f = fit_2x2(&castle_2007(&["unemployrt", "poverty"]), &cfg, None).unwrap();
    let o = &fx["castle_2x2_cov"];
    check_row(
        &f.estimate,
        o,
        index_of(o, "treated:after"),
        "castle 2x2 cov",
    );
    for name in ["unemployrt", "poverty"] {
        let r = f.coefficients.iter().find(|r| r.term == name).unwrap();
        check_row(r, o, index_of(o, name), name);
    }
    // with covariates the regression estimate differs from the cell-mean DiD
    assert!((f.cell_means.did - f.estimate.estimate).abs() > 1e-6);
}

fn check_event(f: &effekt_did::EventStudyFit, o: &Value, what: &str) {
    let terms = strs(&o["terms"]);
    let mut matched = 0;
    for (j, t) in terms.iter().enumerate() {
        let e: i64 = t.split("::").nth(1).unwrap().parse::<f64>().unwrap() as i64;
        let row = f.rows.iter().find(|r| r.event_time == e).unwrap();
        let tidy = TidyRow {
            term: row.term.clone(),
            estimate: row.estimate.unwrap(),
            std_error: row.std_error.unwrap(),
            statistic: row.statistic.unwrap(),
            df: row.df,
            p_value: row.p_value.unwrap(),
            conf_low: row.conf_low.unwrap(),
            conf_high: row.conf_high.unwrap(),
        };
        check_row(&tidy, o, j, &format!("{what} e={e}"));
        matched += 1;
    }
    assert_eq!(
        matched + 1,
        f.rows.len(),
        "{what}: one row per coefficient plus the reference"
    );
    let r = f.rows.iter().find(|r| r.reference).unwrap();
    assert_eq!((r.event_time, r.estimate), (-1, Some(0.0)));
    let pt = f.pretrend.as_ref().unwrap();
    let p = &o["pretrend"];
    assert_eq!(pt.terms.len(), strs(&p["terms"]).len());
    close(
        pt.chi2,
        p["chi2"].as_f64().unwrap(),
        1e-7,
        &format!("{what} pretrend chi2"),
    );
    close(
        pt.statistic,
        p["f"].as_f64().unwrap(),
        1e-7,
        &format!("{what} pretrend F"),
    );
    close(
        pt.df2.unwrap(),
        p["df2"].as_f64().unwrap(),
        0.0,
        &format!("{what} df2"),
    );
    close(
        pt.p_value.unwrap(),
        p["p_value_f"].as_f64().unwrap(),
        1e-6,
        &format!("{what} pretrend p"),
    );
}

#[test]
fn castle_event_study_matches_pyfixest_with_and_without_binning() {
    let fx = fixture("pyfixest_did.json");
    let data = castle(None, &[]);
    let cfg = EventStudyConfig {
        vcov: VcovChoice::Cr1,
        ..Default::default()
    };
    let f = fit_event_study(&data, &cfg).unwrap();
    check_event(&f, &fx["castle_event"], "castle event");
    assert!(f.rows.iter().all(|r| !r.binned));
    let cfg = EventStudyConfig {
        vcov: VcovChoice::Cr1,
        window: Some([-5, 3]),
        ..Default::default()
    };
    let f = fit_event_study(&data, &cfg).unwrap();
    check_event(&f, &fx["castle_event_binned"], "castle event binned");
    let binned: Vec<i64> = f
        .rows
        .iter()
        .filter(|r| r.binned)
        .map(|r| r.event_time)
        .collect();
    assert_eq!(binned, vec![-5, 3]);
    // counterfactual per event time: observed − coefficient
    for r in &f.rows {
        close(
            r.treated_counterfactual.unwrap(),
            r.treated_observed.unwrap() - r.estimate.unwrap(),
            1e-14,
            "es cf",
        );
    }
}

#[test]
fn castle_event_study_cr2_and_htz_pretrend_match_clubsandwich() {
    let r = &fixture("cr2_reference.json")["castle_event_binned"];
    let data = castle(None, &[]);
    let cfg = EventStudyConfig {
        vcov: VcovChoice::Cr2,
        window: Some([-5, 3]),
        ..Default::default()
    };
    let f = fit_event_study(&data, &cfg).unwrap();
    let times: Vec<i64> = nums(&r["event_times"]).iter().map(|v| *v as i64).collect();
    for (j, e) in times.iter().enumerate() {
        let row = f.rows.iter().find(|x| x.event_time == *e).unwrap();
        close(
            row.estimate.unwrap(),
            nums(&r["coefficients"])[j],
            RTOL,
            "cr2 es coef",
        );
        close(
            row.std_error.unwrap(),
            nums(&r["std_errors"])[j],
            RTOL,
            "cr2 es se",
        );
        close(
            row.df.unwrap(),
            nums(&r["df"])[j],
            1e-7,
            "cr2 es df (estimatr)",
        );
        close(
            row.df.unwrap(),
            nums(&r["club_df"])[j],
            1e-7,
            "cr2 es df (clubSandwich)",
        );
        close(
            row.p_value.unwrap(),
            nums(&r["p_value"])[j],
            1e-7,
            "cr2 es p",
        );
    }
    let pt = f.pretrend.as_ref().unwrap();
    let p = &r["pretrend"];
    assert!(pt.method.contains("HTZ"));
    close(pt.statistic, p["f"].as_f64().unwrap(), 1e-7, "HTZ F");
    close(pt.df2.unwrap(), p["df2"].as_f64().unwrap(), 1e-7, "HTZ df2");
    close(
        pt.p_value.unwrap(),
        p["p_value"].as_f64().unwrap(),
        1e-6,
        "HTZ p",
    );
}

#[test]
fn df_het_twfe_and_event_studies_match_pyfixest() {
    let fx = fixture("pyfixest_did.json");
    let by_state = het(Some("state"));
    let f = fit_twfe(
        &by_state,
        &TwfeConfig {
            vcov: VcovChoice::Cr1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    check_row(&f.estimate, &fx["het_twfe_state"], 0, "het twfe state");
    // pyfixest event_study(estimator = "twfe"): static TWFE clustered by unit. Its confint()
    // uses normal quantiles although its df_t is G - 1 = 1499 (feols uses t(G - 1), as we do),
    // so the interval is compared with the t quantile recomputed from its own SE and df.
    let by_unit = het(None);
    let f = fit_twfe(
        &by_unit,
        &TwfeConfig {
            vcov: VcovChoice::Cr1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let o = &fx["het_event_study_twfe"];
    close(
        f.estimate.estimate,
        nums(&o["coefficients"])[0],
        RTOL,
        "het es twfe estimate",
    );
    close(
        f.estimate.std_error,
        nums(&o["std_errors"])[0],
        RTOL,
        "het es twfe se",
    );
    close(
        f.estimate.statistic,
        nums(&o["t"])[0],
        RTOL,
        "het es twfe t",
    );
    close(
        f.estimate.df.unwrap(),
        o["df_t"].as_f64().unwrap(),
        0.0,
        "het es twfe df",
    );
    let z_half = (nums(&o["conf_high"])[0] - nums(&o["conf_low"])[0]) / 2.0;
    let ours_half = (f.estimate.conf_high - f.estimate.conf_low) / 2.0;
    close(
        z_half / nums(&o["std_errors"])[0],
        1.959963984540054,
        1e-9,
        "pyfixest uses z",
    );
    assert!(
        ours_half > z_half,
        "t(1499) interval is wider than the z interval"
    );
    // bacon identity on df_het (balanced, staggered, never-treated group)
    let b = f.bacon.as_ref().unwrap();
    close(b.total, f.estimate.estimate, 1e-10, "df_het bacon total");

    let cfg = EventStudyConfig {
        vcov: VcovChoice::Cr1,
        ..Default::default()
    };
    let f = fit_event_study(&by_state, &cfg).unwrap();
    check_event(&f, &fx["het_event"], "het event");
    let cfg = EventStudyConfig {
        vcov: VcovChoice::Cr1,
        window: Some([-6, 6]),
        ..Default::default()
    };
    let f = fit_event_study(&by_state, &cfg).unwrap();
    check_event(&f, &fx["het_event_binned"], "het event binned");
}

#[test]
fn goodman_bacon_components_match_pyfixest_and_sum_to_the_twfe_coefficient() {
    let fx = fixture("pyfixest_did.json");
    let data = castle(None, &[]);
    let panel = Panel::new(&data).unwrap();
    let b = bacon_decomposition(&data, &panel).unwrap();
    let comps = fx["castle_bacon_components"].as_array().unwrap();
    assert_eq!(b.components.len(), comps.len());
    for c in comps {
        let kind = match c["kind"].as_str().unwrap() {
            "treated_vs_never" => BaconKind::TreatedVsNever,
            "earlier_vs_later" => BaconKind::EarlierVsLater,
            _ => BaconKind::LaterVsEarlier,
        };
        let treated = c["treated"].as_f64().unwrap();
        let control = c["control"].as_f64();
        let ours = b
            .components
            .iter()
            .find(|x| x.kind == kind && x.treated == treated && x.control == control)
            .unwrap();
        close(
            ours.estimate,
            c["estimate"].as_f64().unwrap(),
            1e-9,
            &format!("{kind:?} {treated} {control:?}"),
        );
    }
    let wsum: f64 = b.components.iter().map(|c| c.weight).sum();
    close(wsum, 1.0, 1e-12, "weights sum to one");
    assert!(b.components.iter().all(|c| c.weight > 0.0));
    // the identity: Σ s·δ = the TWFE coefficient (pyfixest)
    let twfe = nums(&fx["castle_twfe"]["coefficients"])[0];
    close(b.total, twfe, 1e-10, "bacon total = TWFE");
    let sw: f64 = b.summary.iter().map(|s| s.weight).sum();
    close(sw, 1.0, 1e-12, "summary weights");
}

#[test]
fn unified_fit_dispatches_and_reports_tidy_rows() {
    let data = castle(None, &[]);
    for method in [DidMethod::Twfe, DidMethod::EventStudy] {
        let f = fit(
            &data,
            &DidConfig {
                method,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let tidy = f.tidy();
        assert_eq!(tidy[0], *f.headline());
        assert_eq!(f.by_period().len(), 11);
        let g = f.glance();
        assert_eq!(g.n, 550);
        assert!(g.inference.contains("CR1"));
        match (&f, method) {
            (DidFit::Twfe(_), DidMethod::Twfe) | (DidFit::EventStudy(_), DidMethod::EventStudy) => {
            }
            _ => panic!("wrong variant"),
        }
    }
    let err = fit(
        &data,
        &DidConfig {
            method: DidMethod::TwoByTwo,
            ..Default::default()
        },
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("5 cohorts"), "{err}");
}
