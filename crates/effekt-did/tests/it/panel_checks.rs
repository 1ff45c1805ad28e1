//! Panel validation: every bad input is a clear error naming the unit, period, cohort or row.

use effekt_did::{
    DidConfig, DidData, DidError, DidMethod, Panel, TreatmentInput, TwfeConfig, fit, fit_twfe,
};

/// Units × periods 1..=t with outcome i + t and treatment from `start[u]` (None = never).
fn panel(start: &[Option<f64>], periods: usize) -> DidData {
    let mut unit = Vec::new();
    let mut time = Vec::new();
    let mut d = Vec::new();
    let mut y = Vec::new();
    for (u, s) in start.iter().enumerate() {
        for t in 1..=periods {
            unit.push(u as u32);
            time.push(t as f64);
            d.push(s.is_some_and(|s| t as f64 >= s));
            y.push(
                u as f64
                    + t as f64 * 0.5
                    + if d.last() == Some(&true) { 1.0 } else { 0.0 }
                    + ((u * 7 + t * 3) % 5) as f64 * 0.1,
            );
        }
    }
    let n = y.len();
    DidData {
        outcome_name: "y".into(),
        outcome: y,
        unit_name: "id".into(),
        unit_labels: (0..start.len()).map(|u| format!("family-{u}")).collect(),
        unit,
        time_name: "wave".into(),
        time,
        treatment_name: "ihf".into(),
        treatment: TreatmentInput::Indicator(d),
        cluster: None,
        weights: None,
        covariates: Vec::new(),
        row_numbers: Some((2..n + 2).collect()),
    }
}

fn err(data: &DidData) -> DidError {
    Panel::new(data).unwrap_err()
}

#[test]
fn duplicate_unit_period_rows_name_the_unit_period_and_rows() {
    let mut d = panel(&[Some(3.0), None, None], 4);
    d.time[1] = 1.0; // family-0 now has wave 1 twice (rows 2 and 3)
    let e = err(&d);
    assert!(
        matches!(e, DidError::DuplicateUnitTime { ref unit, period, first_row: 2, second_row: 3 } if unit == "family-0" && period == 1.0),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("family-0") && e.to_string().contains("rows 2 and 3"),
        "{e}"
    );
}

#[test]
fn treatment_switching_off_is_rejected_with_the_design_assumption() {
    let mut d = panel(&[Some(2.0), None, None], 4);
    if let TreatmentInput::Indicator(v) = &mut d.treatment {
        v[3] = false; // family-0, wave 4
    }
    let e = err(&d);
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            DidError::TreatmentSwitchesOff {
                on_period: 2.0,
                off_period: 4.0,
                row: 5,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        msg.contains("stays on") && msg.contains("family-0"),
        "{msg}"
    );
}

#[test]
fn cohort_without_pre_period_is_named() {
    let d = panel(&[Some(1.0), Some(3.0), None], 4);
    let e = err(&d);
    assert!(
        matches!(e, DidError::NoPrePeriod { cohort, units: 1, ref example } if cohort == 1.0 && example == "family-0"),
        "{e:?}"
    );
    assert!(e.to_string().contains("no pre-treatment period"));
    // same through a first-treated column, also for a start before the first period
    let mut d = panel(&[Some(3.0), None, None], 4);
    d.treatment = TreatmentInput::FirstTreated(
        (0..12)
            .map(|i| if i < 4 { Some(0.5) } else { None })
            .collect(),
    );
    assert!(matches!(err(&d), DidError::NoPrePeriod { cohort, .. } if cohort == 0.5));
}

#[test]
fn no_valid_controls_names_cohort_and_period() {
    // everybody treated from wave 4 on, no never-treated units
    let d = panel(&[Some(2.0), Some(4.0), Some(4.0)], 5);
    let e = err(&d);
    assert!(
        matches!(
            e,
            DidError::NoValidControls {
                cohort: 2.0,
                period: 4.0
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("cohort first treated in 2 in period 4"),
        "{e}"
    );
}

#[test]
fn single_cluster_and_single_period_are_rejected() {
    let mut d = panel(&[Some(3.0), None, None], 4);
    d.cluster = Some(("kommun".into(), vec!["Umeå".into()], vec![0; 12]));
    let e = err(&d);
    assert!(
        matches!(e, DidError::SingleCluster { ref column, ref label } if column == "kommun" && label == "Umeå"),
        "{e:?}"
    );
    let d = panel(&[Some(1.0), None], 1);
    assert!(matches!(err(&d), DidError::TooFewPeriods { count: 1 }));
}

#[test]
fn first_treated_column_rules() {
    let base = panel(&[Some(3.0), None, None], 4);
    // varies within a unit
    let mut d = base.clone();
    let mut g: Vec<Option<f64>> = (0..12)
        .map(|i| if i < 4 { Some(3.0) } else { None })
        .collect();
    g[2] = Some(2.0);
    d.treatment = TreatmentInput::FirstTreated(g);
    assert!(
        matches!(err(&d), DidError::FirstTreatedVaries { ref unit, row: 4, .. } if unit == "family-0")
    );
    // not an observed period
    let mut d = base.clone();
    d.treatment = TreatmentInput::FirstTreated(
        (0..12)
            .map(|i| if i < 4 { Some(2.5) } else { None })
            .collect(),
    );
    assert!(matches!(err(&d), DidError::FirstTreatedNotAPeriod { period, .. } if period == 2.5));
    // 0 and empty mean never; a start after the last period is never within the panel (noted)
    let mut d = base.clone();
    d.treatment = TreatmentInput::FirstTreated(
        (0..12)
            .map(|i| match i / 4 {
                0 => Some(3.0),
                1 => Some(0.0),
                _ => Some(9.0),
            })
            .collect(),
    );
    let p = Panel::new(&d).unwrap();
    assert_eq!(p.cohort, vec![Some(2), None, None]);
    assert!(p.notes[0].to_string().contains("after the last period"));
    // the first-treated form gives the same fit as the indicator form
    let a = fit_twfe(&base, &TwfeConfig::default(), None).unwrap();
    let b = fit_twfe(&d, &TwfeConfig::default(), None).unwrap();
    assert_eq!(a.estimate.estimate, b.estimate.estimate);
}

#[test]
fn staggered_data_is_not_a_2x2_and_unbalanced_panels_fit() {
    let d = panel(&[Some(3.0), Some(4.0), None, None], 5);
    let e = fit(
        &d,
        &DidConfig {
            method: DidMethod::TwoByTwo,
            ..Default::default()
        },
        None,
    )
    .unwrap_err();
    assert!(matches!(e, DidError::NotTwoByTwo { count: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("3, 4"));
    // drop one row: unbalanced, TWFE still fits, no Goodman-Bacon (noted)
    let mut d = panel(&[Some(3.0), Some(4.0), None, None, None], 5);
    for v in [&mut d.outcome, &mut d.time] {
        v.remove(7);
    }
    d.unit.remove(7);
    if let TreatmentInput::Indicator(v) = &mut d.treatment {
        v.remove(7);
    }
    d.row_numbers = None;
    let f = fit_twfe(&d, &TwfeConfig::default(), None).unwrap();
    assert!(!f.panel.balanced);
    assert!(f.bacon.is_none());
    assert!(
        f.notes
            .iter()
            .any(|n| n.to_string().contains("balanced panel"))
    );
}

#[test]
fn non_finite_values_are_errors_not_panics() {
    let mut d = panel(&[Some(3.0), None, None], 4);
    d.outcome[5] = f64::NAN;
    assert!(matches!(err(&d), DidError::NonFinite { row: 7, .. }));
    let mut d = panel(&[Some(3.0), None, None], 4);
    d.time.pop();
    assert!(matches!(err(&d), DidError::LengthMismatch { .. }));
}
