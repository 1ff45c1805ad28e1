use super::*;

fn t(n: Option<f64>, e: Option<f64>, p: Option<f64>, a: Option<f64>) -> Targets {
    Targets {
        n,
        effect: e,
        power: p,
        alpha: a,
    }
}

#[test]
fn round_trip_two_means() {
    let d = Design::TwoMeans(TwoMeans::default());
    let r = solve(&d, &t(None, Some(0.5), Some(0.8), Some(0.05)), None).unwrap();
    let back = solve(
        &d,
        &t(Some(r.n_per_group), Some(0.5), None, Some(0.05)),
        None,
    )
    .unwrap();
    assert!((back.power - 0.8).abs() < 1e-10);
    assert_eq!(r.n_required, 64);
    assert!(r.power_at_n_required >= 0.8);
}

#[test]
fn unknown_count_checked() {
    let d = Design::TwoMeans(TwoMeans::default());
    let e = solve(&d, &t(None, None, Some(0.8), Some(0.05)), None).unwrap_err();
    assert!(matches!(e, PowerError::Unknowns { .. }));
}

#[test]
fn cluster_size_cap_names_parameter() {
    let d = Design::Cluster(Cluster {
        icc: 0.2,
        ..Cluster::default()
    });
    let e = solve(&d, &t(Some(3.0), Some(0.3), Some(0.9), Some(0.05)), None).unwrap_err();
    match e {
        PowerError::NoSolution { parameter, .. } => {
            assert_eq!(parameter, Parameter::ClusterSize)
        }
        other => panic!("{other:?}"),
    }
    assert!(
        format!(
            "{}",
            solve(&d, &t(Some(3.0), Some(0.3), Some(0.9), Some(0.05)), None).unwrap_err()
        )
        .contains("cluster size")
    );
}
