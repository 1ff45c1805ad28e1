//! Bad input stops with an error that names what is wrong, and the known silent-wrong-answer
//! traps of staggered DiD software do not happen here: never-treated units coded as empty cells
//! are not lost, balancing the panel never silently removes the controls, and not-yet-treated
//! controls include units treated later (net of anticipation).

use crate::cs_common;

use effekt_data::Groups;
use effekt_did::cs::{
    BasePeriod, ControlGroup, CsConfig, CsData, CsError, DropReason, Sampling, fit_cs,
};
use serde_json::json;

fn castle() -> CsData {
    cs_common::input(&json!({"data": "castle"}))
}

fn df_het() -> CsData {
    cs_common::input(&json!({"data": "df_het"}))
}

fn analytic() -> CsConfig {
    CsConfig {
        bootstrap: 0,
        ..CsConfig::default()
    }
}

fn unit_label(d: &CsData, i: usize) -> &str {
    let u = d.unit.as_ref().unwrap();
    &u.labels[u.codes[i] as usize]
}

#[test]
fn cohort_without_pre_period() {
    // state 1 (cohort 2007) made treated from the first year, 2000
    let mut d = castle();
    for i in 0..d.n_rows() {
        if unit_label(&d, i) == "1" {
            d.first_treated[i] = Some(2000.0);
        }
    }
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(
        matches!(&e, CsError::NoPrePeriod { cohort, units: 1, example, first_period, .. }
            if *cohort == 2000.0 && example == "1" && *first_period == 2000.0),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("cohort 2000") && msg.contains("no pre-treatment period"),
        "{msg}"
    );
    // with anticipation 1, cohort 2001 has no pre-period either
    let mut d2 = castle();
    for i in 0..d2.n_rows() {
        if unit_label(&d2, i) == "1" {
            d2.first_treated[i] = Some(2001.0);
        }
    }
    assert!(fit_cs(&d2, &analytic(), None).is_ok());
    let e = fit_cs(
        &d2,
        &CsConfig {
            anticipation: 1,
            ..analytic()
        },
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("anticipation 1"), "{e}");
    // did's behaviour on request: drop the unit with a note
    let fit = fit_cs(
        &d,
        &CsConfig {
            drop_always_treated: true,
            ..analytic()
        },
        None,
    )
    .unwrap();
    assert_eq!(fit.n_units, 49);
    let note = &fit.dropped[0];
    assert_eq!(note.reason, DropReason::AlreadyTreated);
    assert_eq!((note.units, note.rows), (1, 11));
    assert_eq!(note.examples, ["1"]);
}

#[test]
fn cell_without_controls_names_cohort_and_period() {
    // unbalanced panel in which no never-treated unit is observed in 2005
    let d = df_het();
    let keep: Vec<bool> = (0..d.n_rows())
        .map(|i| !(d.first_treated[i] == Some(0.0) && d.time[i] == 2005.0))
        .collect();
    let d = cs_common::subset(&d, &keep);
    let cfg = CsConfig {
        sampling: Sampling::UnbalancedPanel,
        ..analytic()
    };
    let e = fit_cs(&d, &cfg, None).unwrap_err();
    assert!(
        matches!(&e, CsError::EmptyCell { which: "control observations", cohort, period, .. }
            if *cohort == 2000.0 && *period == 2005.0),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("cohort 2000") && msg.contains("period 2005") && msg.contains("never-treated"),
        "{msg}"
    );
    // a cohort missing from one period (repeated cross-sections)
    let d = df_het();
    let keep: Vec<bool> = (0..d.n_rows())
        .map(|i| !(d.first_treated[i] == Some(2010.0) && d.time[i] == 1995.0))
        .collect();
    let mut d = cs_common::subset(&d, &keep);
    d.unit = None;
    let e = fit_cs(
        &d,
        &CsConfig {
            sampling: Sampling::RepeatedCrossSection,
            ..analytic()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(&e, CsError::EmptyCell { which: "treated observations", cohort, period, .. }
            if *cohort == 2010.0 && *period == 1995.0),
        "{e:?}"
    );
}

#[test]
fn first_treated_period_that_changes_within_a_unit() {
    // A first-treated column cannot express treatment switching off; a unit whose value changes
    // is rejected with an explanation of the design's assumption.
    let mut d = castle();
    let i = (0..d.n_rows()).find(|&i| unit_label(&d, i) == "5").unwrap();
    d.first_treated[i + 3] = Some(2009.0);
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(
        matches!(&e, CsError::CohortVaries { unit, .. } if unit == "5"),
        "{e:?}"
    );
    assert!(e.to_string().contains("switches off"), "{e}");
}

#[test]
fn single_cluster() {
    let mut d = castle();
    d.cluster = Some(Groups {
        column: "country".into(),
        labels: vec!["USA".into()],
        codes: vec![0; d.n_rows()],
    });
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(
        matches!(&e, CsError::SingleCluster { column, label } if column == "country" && label == "USA"),
        "{e:?}"
    );
    assert!(e.to_string().contains("at least 2 clusters"));
    // a cluster that changes within a unit
    let mut d = castle();
    let n = d.n_rows();
    d.cluster = Some(Groups {
        column: "region".into(),
        labels: vec!["a".into(), "b".into()],
        codes: (0..n as u32).map(|i| i % 2).collect(),
    });
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(matches!(&e, CsError::VariesWithinUnit { .. }), "{e:?}");
    // the configured cluster column must be the data's
    let e = fit_cs(
        &castle(),
        &CsConfig {
            cluster: Some("state".into()),
            ..analytic()
        },
        None,
    )
    .unwrap_err();
    assert!(matches!(e, CsError::ClusterMismatch { .. }), "{e:?}");
}

#[test]
fn duplicate_unit_period_rows() {
    let mut d = castle();
    d.time[1] = d.time[0]; // state 1 twice in 2000
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(
        matches!(&e, CsError::DuplicateUnitTime { unit, time, first_row: 2, second_row: 3 }
            if unit == "1" && *time == 2000.0),
        "{e:?}"
    );
}

#[test]
fn other_bad_input() {
    // negative first-treated period
    let mut d = castle();
    d.first_treated[7] = Some(-1.0);
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(matches!(e, CsError::InvalidCohort { row: 9, .. }), "{e:?}");
    // a panel needs units
    let mut d = castle();
    d.unit = None;
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(matches!(e, CsError::MissingRole { role: "unit" }), "{e:?}");
    // repeated cross-sections with repeated unit ids
    let e = fit_cs(
        &castle(),
        &CsConfig {
            sampling: Sampling::RepeatedCrossSection,
            ..analytic()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, CsError::RepeatedUnitInCrossSection { rows: 11, .. }),
        "{e:?}"
    );
    // options
    for cfg in [
        CsConfig {
            level: 1.5,
            ..analytic()
        },
        CsConfig {
            bootstrap: 2_000_000,
            ..analytic()
        },
    ] {
        assert!(matches!(
            fit_cs(&castle(), &cfg, None).unwrap_err(),
            CsError::InvalidConfig { .. }
        ));
    }
    let bad: Result<CsConfig, _> = serde_json::from_str(r#"{"controls": "never-treated"}"#);
    assert!(bad.unwrap_err().to_string().contains("unknown field"));
    let ok: CsConfig = serde_json::from_str(
        r#"{"control_group": "not-yet-treated", "estimator": "ipw", "base_period": "universal",
            "aggregations": ["dynamic"], "bootstrap": 0, "sampling": "unbalanced-panel"}"#,
    )
    .unwrap();
    assert_eq!(ok.control_group, ControlGroup::NotYetTreated);
    assert_eq!(ok.base_period, BasePeriod::Universal);
    // time-varying weights in a balanced panel
    let mut d = castle();
    d.weights = Some((0..d.n_rows()).map(|i| 1.0 + i as f64).collect());
    assert!(matches!(
        fit_cs(&d, &analytic(), None).unwrap_err(),
        CsError::VariesWithinUnit { .. }
    ));
}

#[test]
fn no_never_treated_units() {
    // castle without its never-treated states
    let d = castle();
    let keep: Vec<bool> = d.first_treated.iter().map(|g| g.is_some()).collect();
    let d = cs_common::subset(&d, &keep);
    let e = fit_cs(&d, &analytic(), None).unwrap_err();
    assert!(matches!(e, CsError::NoNeverTreated { .. }), "{e:?}");
    assert!(e.to_string().contains("not-yet-treated"));
    // not-yet-treated controls: periods from the last cohort (2010) on are dropped, and the
    // last cohort only serves as a comparison
    let fit = fit_cs(
        &d,
        &CsConfig {
            control_group: ControlGroup::NotYetTreated,
            ..analytic()
        },
        None,
    )
    .unwrap();
    assert_eq!(*fit.periods.last().unwrap(), 2009.0);
    assert_eq!(
        fit.cohorts.iter().map(|c| c.cohort).collect::<Vec<_>>(),
        [2006.0, 2007.0, 2008.0, 2009.0]
    );
    assert_eq!(fit.dropped[0].reason, DropReason::NoControlsInLatePeriods);
    assert_eq!(fit.dropped[0].rows, 21);
}

#[test]
fn empty_first_treated_cells_are_never_treated() {
    // None (empty cell), 0 and +inf all mean never treated; a cohort after the last period too
    let base = fit_cs(&castle(), &analytic(), None).unwrap();
    assert_eq!(base.n_never_treated, 29);
    for code in [Some(0.0), Some(f64::INFINITY), Some(2050.0)] {
        let mut d = castle();
        for g in d.first_treated.iter_mut().filter(|g| g.is_none()) {
            *g = code;
        }
        let fit = fit_cs(&d, &analytic(), None).unwrap();
        assert_eq!(fit.simple, base.simple, "never-treated coded as {code:?}");
        assert_eq!(fit.n_never_treated, 29);
        if code == Some(2050.0) {
            assert_eq!(fit.dropped[0].reason, DropReason::TreatedAfterLastPeriod);
            assert_eq!(fit.dropped[0].units, 29);
        }
    }
}

#[test]
fn balancing_keeps_never_treated_units_or_says_why_not() {
    let d = df_het();
    // two treated units and one never-treated unit miss a year: they are dropped and reported
    let missing = |i: usize| {
        let u = unit_label(&d, i);
        (u == "1" || u == "2" || u == "4") && d.time[i] == 2001.0
    };
    let units_never: std::collections::HashSet<&str> = (0..d.n_rows())
        .filter(|&i| d.first_treated[i] == Some(0.0))
        .map(|i| unit_label(&d, i))
        .collect();
    let keep: Vec<bool> = (0..d.n_rows()).map(|i| !missing(i)).collect();
    let lost_never = ["1", "2", "4"]
        .iter()
        .filter(|u| units_never.contains(**u))
        .count();
    let sub = cs_common::subset(&d, &keep);
    let fit = fit_cs(&sub, &analytic(), None).unwrap();
    assert_eq!(fit.n_units, 1497);
    assert_eq!(fit.n_never_treated, 526 - lost_never);
    let note = &fit.dropped[0];
    assert_eq!(note.reason, DropReason::Unbalanced);
    assert_eq!((note.units, note.rows), (3, 3 * 30));
    assert!(
        note.detail
            .contains(&format!("{lost_never} of them never treated"))
    );
    // every never-treated unit misses a year: never-treated controls are gone, which is an
    // error (not a silent estimate without controls) ...
    // (each misses a different year, so every year still has never-treated observations)
    let year_missed = |i: usize| 1991.0 + (unit_label(&d, i).parse::<u32>().unwrap() % 29) as f64;
    let keep: Vec<bool> = (0..d.n_rows())
        .map(|i| !(d.first_treated[i] == Some(0.0) && d.time[i] == year_missed(i)))
        .collect();
    let sub = cs_common::subset(&d, &keep);
    let e = fit_cs(&sub, &analytic(), None).unwrap_err();
    assert!(
        matches!(&e, CsError::NoNeverTreated { reason } if reason.contains("balancing the panel dropped all 526")),
        "{e:?}"
    );
    // ... and the unbalanced-panel estimator keeps them
    let fit = fit_cs(
        &sub,
        &CsConfig {
            sampling: Sampling::UnbalancedPanel,
            ..analytic()
        },
        None,
    )
    .unwrap();
    assert_eq!(fit.n_never_treated, 526);
    assert_eq!(fit.sampling, Sampling::UnbalancedPanel);
}

#[test]
fn not_yet_treated_controls_include_later_cohorts_net_of_anticipation() {
    let d = df_het();
    let cfg = CsConfig {
        control_group: ControlGroup::NotYetTreated,
        ..analytic()
    };
    let cell = |fit: &effekt_did::cs::CsFit, g: f64, t: f64| {
        fit.att_gt
            .iter()
            .find(|c| c.group == g && c.time == t)
            .cloned()
            .unwrap()
    };
    let fit = fit_cs(&d, &cfg, None).unwrap();
    // cohort 2000 in 2005: never-treated (526) + cohort 2010 (518), which is untreated until 2010
    let c = cell(&fit, 2000.0, 2005.0);
    assert_eq!((c.n_treated, c.n_control), (456, 526 + 518));
    // in 2010 cohort 2010 is treated: only the never-treated remain
    assert_eq!(cell(&fit, 2000.0, 2010.0).n_control, 526);
    assert_eq!(cell(&fit, 2000.0, 2009.0).n_control, 526 + 518);
    // with anticipation 1, cohort 2010 may react from 2009: it stops being a control after 2008
    let fit1 = fit_cs(
        &d,
        &CsConfig {
            anticipation: 1,
            ..cfg.clone()
        },
        None,
    )
    .unwrap();
    assert_eq!(cell(&fit1, 2000.0, 2008.0).n_control, 526 + 518);
    assert_eq!(cell(&fit1, 2000.0, 2009.0).n_control, 526);
    // never-treated controls never include cohort 2010
    let never = fit_cs(&d, &analytic(), None).unwrap();
    assert_eq!(cell(&never, 2000.0, 2005.0).n_control, 526);
}

#[test]
fn counterfactual_is_observed_minus_effect() {
    let fit = fit_cs(&df_het(), &analytic(), None).unwrap();
    for c in fit.att_gt.iter() {
        let cf = c.counterfactual.as_ref().unwrap();
        assert!(
            (cf.treated_observed - cf.treated_counterfactual - c.effect.estimate).abs() < 1e-12
        );
    }
    let cal = fit.calendar.as_ref().unwrap();
    assert_eq!(fit.counterfactual.len(), cal.rows.len());
    for (p, r) in fit.counterfactual.iter().zip(&cal.rows) {
        assert_eq!(p.period, r.key);
        assert_eq!(p.effect, r.effect.estimate);
        let cf = &p.counterfactual;
        assert!((cf.treated_observed - cf.treated_counterfactual - p.effect).abs() < 1e-12);
    }
    // 2015: both cohorts treated, all 974 treated units
    let p2015 = fit
        .counterfactual
        .iter()
        .find(|p| p.period == 2015.0)
        .unwrap();
    assert_eq!(p2015.n_treated, 456 + 518);
    // tidy rows and glance
    let tidy = fit.tidy();
    assert_eq!(tidy[0].term, "ATT (simple)");
    assert!(tidy.iter().any(|r| r.term == "ATT(e=-1)"));
    assert!(tidy.iter().any(|r| r.term == "ATT(g=2010,t=2015)"));
    let g = fit.glance();
    assert_eq!((g.n, g.n_treated, g.n_control), (1500, 974, 526));
    assert!(fit.inference.method.contains("analytic"));
}
