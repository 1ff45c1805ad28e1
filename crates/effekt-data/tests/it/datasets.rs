//! The shipped datasets read exactly as pandas reads them (fixture
//! tests/fixtures/datasets_summary.json from scripts/datasets_summary.py), and the known results
//! quoted in datasets/README.md come out of `Table::select`.

use effekt_data::{ColumnData, MissingPolicy, ReadOptions, Roles, Table, read_table};
use effekt_testkit::Tol;
use serde_json::Value;
use std::path::Path;

fn fixture() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datasets_summary.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn dataset(name: &str) -> Table {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets")
        .join(format!("{name}.csv"));
    read_table(&p, &ReadOptions::default()).unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    effekt_testkit::close(a, b, Tol::rel(rel).floor(1.0).symmetric())
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    s / n as f64
}

#[test]
fn every_dataset_matches_pandas() {
    let fx = fixture();
    let sets = fx["datasets"].as_object().unwrap();
    assert_eq!(sets.len(), 7);
    for (name, spec) in sets {
        let t = dataset(name);
        assert_eq!(t.nrows() as u64, spec["rows"].as_u64().unwrap(), "{name}");
        let cols = spec["columns"].as_array().unwrap();
        assert_eq!(t.columns().len(), cols.len(), "{name}");
        for (c, s) in t.columns().iter().zip(cols) {
            let what = format!("{name}.{}", c.name);
            assert_eq!(c.name, s["name"].as_str().unwrap(), "{what}");
            assert_eq!(
                c.data.count_missing() as u64,
                s["missing"].as_u64().unwrap(),
                "{what}"
            );
            let kind = s["kind"].as_str().unwrap();
            let ours = match &c.data {
                ColumnData::Float(_) => "float",
                ColumnData::Int(_) => "int",
                ColumnData::Bool(_) => "bool",
                ColumnData::Categorical { .. } => "text",
            };
            // pandas turns an integer column with missing values into float; we keep Int.
            let same =
                kind == ours || (kind == "float" && ours == "int" && c.data.count_missing() > 0);
            assert!(same, "{what}: pandas {kind}, effekt {ours}");
            match &c.data {
                ColumnData::Categorical { levels, .. } => {
                    assert_eq!(levels.len() as u64, s["levels"].as_u64().unwrap(), "{what}");
                }
                _ => {
                    let v = t.numeric(&c.name).unwrap();
                    let sum: f64 = v.iter().flatten().filter(|x| x.is_finite()).sum();
                    let inf = v.iter().flatten().filter(|x| x.is_infinite()).count();
                    let want = s["sum_finite"].as_f64().unwrap();
                    assert!(
                        close(sum, want, 1e-11),
                        "{what}: sum {sum} vs pandas {want}"
                    );
                    assert_eq!(inf as u64, s["n_infinite"].as_u64().unwrap(), "{what}");
                }
            }
        }
    }
}

#[test]
fn lalonde_known_results() {
    let fx = fixture();
    let k = &fx["known"]["lalonde"];
    let t = dataset("lalonde");
    assert_eq!(t.nrows(), 614);
    match &t.column("race").unwrap().data {
        ColumnData::Categorical { levels, .. } => assert_eq!(levels.len(), 3),
        other => panic!("{other:?}"),
    }
    let r = Roles {
        outcome: Some("re78".into()),
        treatment: Some("treat".into()),
        covariates: vec!["age".into(), "race".into()],
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    let (y, tr) = (d.outcome.unwrap(), d.treatment.unwrap());
    let treated = mean(y.iter().zip(&tr).filter(|(_, t)| **t).map(|(y, _)| *y));
    let control = mean(y.iter().zip(&tr).filter(|(_, t)| !**t).map(|(y, _)| *y));
    assert_eq!(
        tr.iter().filter(|t| **t).count() as u64,
        k["n_treated"].as_u64().unwrap()
    );
    assert!(close(
        treated - control,
        k["diff_re78"].as_f64().unwrap(),
        1e-10
    ));
    match &d.covariates[1].values {
        effekt_data::CovariateValues::Categorical { levels, .. } => {
            let want: Vec<&str> = k["race_levels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(levels, &want);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn thornton_missing_values() {
    let fx = fixture();
    let k = &fx["known"]["thornton_hiv"];
    let t = dataset("thornton_hiv");
    let r = Roles {
        outcome: Some("got".into()),
        treatment: Some("any".into()),
        ..Roles::default()
    };
    // Missing values: an error by default, naming the first row.
    let e = t.select(&r, MissingPolicy::Error).unwrap_err();
    assert!(
        matches!(&e, effekt_data::DataError::Missing { column, row: 3, .. } if column == "got"),
        "{e:?}"
    );
    let d = t.select(&r, MissingPolicy::Drop).unwrap();
    assert_eq!(d.n() as u64, k["n_complete_got_any"].as_u64().unwrap());
    assert_eq!(
        d.dropped as u64,
        k["rows_missing_got_or_any"].as_u64().unwrap()
    );
    let (y, tr) = (d.outcome.unwrap(), d.treatment.unwrap());
    let s1 = mean(y.iter().zip(&tr).filter(|(_, t)| **t).map(|(y, _)| *y));
    let s0 = mean(y.iter().zip(&tr).filter(|(_, t)| !**t).map(|(y, _)| *y));
    assert!(close(s1, k["share_got_any1"].as_f64().unwrap(), 1e-12));
    assert!(close(s0, k["share_got_any0"].as_f64().unwrap(), 1e-12));
    // Villages as clusters (float-coded labels become "1", "2", ...).
    let r = Roles {
        cluster: Some("villnum".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Drop).unwrap();
    let c = d.cluster.unwrap();
    assert_eq!(c.n_groups() as u64, k["villages"].as_u64().unwrap());
    assert_eq!(c.labels.first().map(String::as_str), Some("1"));
}

#[test]
fn df_het_bool_treatment_and_text_groups() {
    let fx = fixture();
    let k = &fx["known"]["df_het"];
    let t = dataset("df_het");
    assert!(matches!(
        t.column("treat").unwrap().data,
        ColumnData::Bool(_)
    ));
    let r = Roles {
        treatment: Some("treat".into()),
        unit: Some("unit".into()),
        time: Some("year".into()),
        group: Some("group".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    assert_eq!(
        d.unit.unwrap().n_groups() as u64,
        k["units"].as_u64().unwrap()
    );
    assert_eq!(
        d.group.unwrap().labels,
        vec!["Group 1", "Group 2", "Group 3"]
    );
}

#[test]
fn organ_donations_and_castle_read() {
    let t = dataset("organ_donations");
    let r = Roles {
        outcome: Some("Rate".into()),
        unit: Some("State".into()),
        time: Some("Quarter_Num".into()),
        ..Roles::default()
    };
    let fx = fixture();
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    assert_eq!(
        d.unit.unwrap().n_groups() as u64,
        fx["known"]["organ_donations"]["states"].as_u64().unwrap()
    );
    let t = dataset("castle");
    let r = Roles {
        outcome: Some("l_homicide".into()),
        treatment: Some("post".into()),
        unit: Some("sid".into()),
        cluster: Some("sid".into()),
        weights: Some("popwt".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    assert_eq!(
        d.cluster.unwrap().n_groups() as u64,
        fx["known"]["castle"]["states"].as_u64().unwrap()
    );
}
