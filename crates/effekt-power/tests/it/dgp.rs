//! Synthetic data: reproducibility, structure, and recovery of the true effects by the simple
//! estimators that can be written honestly here (difference in means on randomised data,
//! the 2x2 DiD of one cohort against the never-treated).

use effekt_data::{ReadOptions, read_csv_str};
use effekt_power::dgp::*;
use effekt_resample::{Purpose, stream};

fn numeric(t: &effekt_data::Table, c: &str) -> Vec<Option<f64>> {
    t.numeric(c).unwrap()
}

/// Difference in means of `outcome` (treated − control) among rows with `wave == w`.
fn diff_in_means(t: &effekt_data::Table, outcome: &str, wave: Option<f64>) -> f64 {
    let y = numeric(t, outcome);
    let d = numeric(t, "treated");
    let w = wave.map(|_| numeric(t, "wave"));
    let (mut s1, mut n1, mut s0, mut n0) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..t.nrows() {
        if let Some(w) = &w
            && w[i] != wave
        {
            continue;
        }
        if let Some(v) = y[i] {
            if d[i] == Some(1.0) {
                s1 += v;
                n1 += 1.0;
            } else {
                s0 += v;
                n0 += 1.0;
            }
        }
    }
    s1 / n1 - s0 / n0
}

#[test]
fn same_seed_same_data() {
    let cfg = DgpConfig::Ihf(IhfConfig::default());
    let a = generate_seeded(&cfg, 7).unwrap();
    let b = generate_seeded(&cfg, 7).unwrap();
    let c = generate_seeded(&cfg, 8).unwrap();
    assert_eq!(to_csv(&a.table), to_csv(&b.table));
    assert_eq!(a.truth, b.truth);
    assert_ne!(to_csv(&a.table), to_csv(&c.table));
    for cfg in [
        DgpConfig::Tfco(TfcoConfig::default()),
        DgpConfig::ClusterRct(ClusterRctConfig::default()),
        DgpConfig::Staggered(StaggeredConfig::default()),
    ] {
        assert_eq!(
            to_csv(&generate_seeded(&cfg, 3).unwrap().table),
            to_csv(&generate_seeded(&cfg, 3).unwrap().table)
        );
    }
}

#[test]
fn ihf_structure() {
    let s = generate_seeded(&DgpConfig::Ihf(IhfConfig::default()), 11).unwrap();
    let t = &s.table;
    assert_eq!(t.nrows(), 240 * 3);
    assert_eq!(s.truth.n_units, 240);
    let names = t.column_names();
    for c in [
        "family_id",
        "municipality",
        "wave",
        "treated",
        "child_age",
        "child_sex",
        "baseline_risk",
        "closed_lower_level",
        "goal_attainment",
        "goals_met",
        "parent_rating",
        "child_rating",
        "problem_score",
        "responded",
    ] {
        assert!(names.contains(&c), "{c}");
    }
    match &t.column("municipality").unwrap().data {
        effekt_data::ColumnData::Categorical { levels, codes } => {
            assert_eq!(levels.len(), 10);
            let mut used: Vec<u32> = codes.iter().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            assert_eq!(used.len(), 10);
        }
        other => panic!("{other:?}"),
    }
    // Outcomes missing at intake, present at follow-up unless dropped out; some drop-out.
    let wave = numeric(t, "wave");
    let closed = numeric(t, "closed_lower_level");
    let resp = numeric(t, "responded");
    for i in 0..t.nrows() {
        if wave[i] == Some(0.0) {
            assert!(closed[i].is_none());
            assert_eq!(resp[i], Some(1.0));
        } else {
            assert_eq!(closed[i].is_some(), resp[i] == Some(1.0));
        }
    }
    assert!(resp.contains(&Some(0.0)));
    // Ratings on 1-5, child ratings only from age 7.
    let age = numeric(t, "child_age");
    let cr = numeric(t, "child_rating");
    for i in 0..t.nrows() {
        if let Some(r) = cr[i] {
            assert!((1.0..=5.0).contains(&r));
            assert!(age[i].unwrap() >= 7.0);
        }
    }
    // Observational default: treated families have higher baseline risk; ATT differs from ATE.
    let risk = numeric(t, "baseline_risk");
    let d = numeric(t, "treated");
    let mean = |tr: f64| {
        let v: Vec<f64> = (0..t.nrows())
            .filter(|&i| d[i] == Some(tr) && wave[i] == Some(0.0))
            .map(|i| risk[i].unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean(1.0) > mean(0.0) + 0.3,
        "{} vs {}",
        mean(1.0),
        mean(0.0)
    );
    let ate = s
        .truth
        .find("closed_lower_level", Population::All, Some(2))
        .unwrap();
    let att = s
        .truth
        .find("closed_lower_level", Population::Treated, Some(2))
        .unwrap();
    assert!(att < ate, "ATT {att} ATE {ate}");
}

#[test]
fn csv_round_trip_through_effekt_data() {
    let s = generate_seeded(
        &DgpConfig::Ihf(IhfConfig {
            families: 30,
            ..IhfConfig::default()
        }),
        5,
    )
    .unwrap();
    let text = to_csv(&s.table);
    let back = read_csv_str("ihf.csv", &text, &ReadOptions::default()).unwrap();
    assert_eq!(back.nrows(), s.table.nrows());
    for c in [
        "problem_score",
        "baseline_risk",
        "closed_lower_level",
        "child_rating",
    ] {
        assert_eq!(back.numeric(c).unwrap(), s.table.numeric(c).unwrap(), "{c}");
    }
    let s = generate_seeded(&DgpConfig::Staggered(StaggeredConfig::default()), 5).unwrap();
    let back = read_csv_str("s.csv", &to_csv(&s.table), &ReadOptions::default()).unwrap();
    assert_eq!(back.numeric("y").unwrap(), s.table.numeric("y").unwrap());
}

#[test]
fn bad_configs_are_errors() {
    let bad = [
        DgpConfig::Ihf(IhfConfig {
            waves: 5,
            ..IhfConfig::default()
        }),
        DgpConfig::Ihf(IhfConfig {
            municipalities: 16,
            ..IhfConfig::default()
        }),
        DgpConfig::Ihf(IhfConfig {
            effect: 0.9,
            ..IhfConfig::default()
        }),
        DgpConfig::Ihf(IhfConfig {
            attrition: 1.0,
            ..IhfConfig::default()
        }),
        DgpConfig::Tfco(TfcoConfig {
            hazard_ratio: 0.0,
            ..TfcoConfig::default()
        }),
        DgpConfig::ClusterRct(ClusterRctConfig {
            icc: 1.0,
            ..ClusterRctConfig::default()
        }),
        DgpConfig::Staggered(StaggeredConfig {
            cohorts: vec![1, 4],
            ..StaggeredConfig::default()
        }),
    ];
    for cfg in bad {
        assert!(generate_seeded(&cfg, 1).is_err(), "{cfg:?}");
    }
}

/// Mean and MC s.e. of (estimate − truth) over `seeds` data sets.
fn recovery(seeds: u64, f: impl Fn(u64) -> (f64, f64)) -> (f64, f64) {
    let errs: Vec<f64> = (0..seeds)
        .map(|s| {
            let (e, t) = f(s);
            e - t
        })
        .collect();
    let n = errs.len() as f64;
    let m = errs.iter().sum::<f64>() / n;
    let sd = (errs.iter().map(|e| (e - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (m, sd / n.sqrt())
}

fn ihf_randomised_recovery(seeds: u64) {
    let cfg = IhfConfig {
        assignment: Assignment::Individual { share: 0.5 },
        ..IhfConfig::default()
    };
    for (outcome, wave) in [
        ("closed_lower_level", 2),
        ("closed_lower_level", 1),
        ("goals_met", 2),
        ("parent_rating", 2),
        ("child_rating", 1),
        ("problem_score", 2),
    ] {
        let (bias, se) = recovery(seeds, |s| {
            let sim = ihf(&cfg, &mut stream(1000 + s, Purpose::Simulation, 0)).unwrap();
            let truth = sim
                .truth
                .find(outcome, Population::All, Some(wave))
                .unwrap();
            (diff_in_means(&sim.table, outcome, Some(wave as f64)), truth)
        });
        assert!(
            bias.abs() < 3.0 * se,
            "{outcome} wave {wave}: bias {bias} (MC s.e. {se})"
        );
    }
}

fn tfco_cluster_recovery(seeds: u64) {
    let cfg = TfcoConfig {
        assignment: Assignment::Individual { share: 0.5 },
        ..TfcoConfig::default()
    };
    let (bias, se) = recovery(seeds, |s| {
        let sim = tfco(&cfg, &mut stream(2000 + s, Purpose::Simulation, 0)).unwrap();
        (
            diff_in_means(&sim.table, "moved_lower_intensity", None),
            sim.truth
                .find("moved_lower_intensity", Population::All, None)
                .unwrap(),
        )
    });
    assert!(bias.abs() < 3.0 * se, "tfco: bias {bias} (MC s.e. {se})");
    let cfg = ClusterRctConfig {
        cv: 0.4,
        ..ClusterRctConfig::default()
    };
    let (bias, se) = recovery(seeds, |s| {
        let sim = cluster_rct(&cfg, &mut stream(3000 + s, Purpose::Simulation, 0)).unwrap();
        (diff_in_means(&sim.table, "y", None), cfg.effect)
    });
    assert!(bias.abs() < 3.0 * se, "cluster: bias {bias} (MC s.e. {se})");
}

/// 2x2 DiD of cohort `g` against the never-treated between periods g−1 and t: the
/// Callaway-Sant'Anna ATT(g, t) without covariates.
fn att_gt(t: &effekt_data::Table, g: f64, period: f64) -> f64 {
    let y = numeric(t, "y");
    let p = numeric(t, "period");
    let f = numeric(t, "first_treated");
    let mean = |coh: f64, per: f64| {
        let v: Vec<f64> = (0..t.nrows())
            .filter(|&i| f[i] == Some(coh) && p[i] == Some(per))
            .map(|i| y[i].unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    (mean(g, period) - mean(g, g - 1.0)) - (mean(0.0, period) - mean(0.0, g - 1.0))
}

fn staggered_recovery(seeds: u64) {
    let cfg = StaggeredConfig::default();
    for (g, period) in [(4, 4), (4, 9), (6, 8), (8, 10), (6, 3)] {
        let (bias, se) = recovery(seeds, |s| {
            let sim = staggered(&cfg, &mut stream(4000 + s, Purpose::Simulation, 0)).unwrap();
            let truth = sim
                .truth
                .att_gt
                .iter()
                .find(|a| a.group == g && a.period == period)
                .unwrap()
                .value;
            (att_gt(&sim.table, g as f64, period as f64), truth)
        });
        assert!(
            bias.abs() < 3.0 * se,
            "ATT({g},{period}): bias {bias} (MC s.e. {se})"
        );
    }
}

#[test]
fn recovery_fast() {
    ihf_randomised_recovery(150);
    tfco_cluster_recovery(150);
    staggered_recovery(150);
}

#[test]
#[ignore = "slow: thousands of data sets; run with --ignored"]
fn recovery_slow() {
    ihf_randomised_recovery(3000);
    tfco_cluster_recovery(3000);
    staggered_recovery(3000);
}

#[test]
fn staggered_truth_aggregates() {
    let s = generate_seeded(&DgpConfig::Staggered(StaggeredConfig::default()), 2).unwrap();
    // Pre-adoption cells are zero; effects grow with event time.
    for a in &s.truth.att_gt {
        if a.event_time < 0 {
            assert_eq!(a.value, 0.0);
        }
    }
    let e0 = s.truth.find("y", Population::Treated, Some(0)).unwrap();
    let e2 = s.truth.find("y", Population::Treated, Some(2)).unwrap();
    assert!(e2 > e0);
    let first = numeric(&s.table, "first_treated");
    assert!(first.contains(&Some(0.0)));
}
