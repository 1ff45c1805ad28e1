//! Shared helpers of the effekt-did integration tests: fixtures, datasets, comparisons.
#![allow(dead_code)]

use effekt_data::{MissingPolicy, ReadOptions, Roles, Table, read_table};
use effekt_did::{DidData, TreatmentInput};
use effekt_testkit::Tol;
use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), name)
}

pub fn table(name: &str) -> Table {
    let path = format!("{}/../../datasets/{name}", env!("CARGO_MANIFEST_DIR"));
    read_table(std::path::Path::new(&path), &ReadOptions::default()).unwrap()
}

/// A scalar or an array of numbers as a vector.
pub fn nums(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
        x => vec![x.as_f64().unwrap()],
    }
}

pub fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        x => vec![x.as_str().unwrap().to_string()],
    }
}

#[track_caller]
pub fn close(a: f64, b: f64, rtol: f64, what: &str) {
    effekt_testkit::assert_close!(a, b, Tol::rel(rtol).abs(1e-15), "{what}");
}

/// Panel data from a dataset: outcome, unit, time (+ cluster, weights, covariates), with the
/// treatment given per row by `treat(row index in the table)`, keeping rows where `keep` holds.
pub struct Spec<'a> {
    pub file: &'a str,
    pub outcome: &'a str,
    pub unit: &'a str,
    pub time: &'a str,
    pub cluster: Option<&'a str>,
    pub weights: Option<&'a str>,
    pub covariates: &'a [&'a str],
}

pub fn did_data(
    spec: &Spec<'_>,
    keep: impl Fn(usize) -> bool,
    treat: impl Fn(usize) -> bool,
) -> DidData {
    let t = table(spec.file);
    let roles = Roles {
        outcome: Some(spec.outcome.into()),
        unit: Some(spec.unit.into()),
        time: Some(spec.time.into()),
        cluster: spec.cluster.map(Into::into),
        weights: spec.weights.map(Into::into),
        covariates: spec.covariates.iter().map(|c| c.to_string()).collect(),
        ..Roles::default()
    };
    let ds = t.select(&roles, MissingPolicy::Drop).unwrap();
    let rows: Vec<usize> = (0..ds.n()).filter(|&k| keep(ds.rows[k])).collect();
    let pick = |v: &Vec<f64>| rows.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    let pick_u = |v: &Vec<u32>| rows.iter().map(|&k| v[k]).collect::<Vec<u32>>();
    let unit = ds.unit.as_ref().unwrap();
    let covariates = ds
        .covariates
        .iter()
        .map(|c| effekt_data::Covariate {
            name: c.name.clone(),
            values: match &c.values {
                effekt_data::CovariateValues::Numeric(v) => {
                    effekt_data::CovariateValues::Numeric(pick(v))
                }
                effekt_data::CovariateValues::Categorical { levels, codes } => {
                    effekt_data::CovariateValues::Categorical {
                        levels: levels.clone(),
                        codes: pick_u(codes),
                    }
                }
            },
        })
        .collect();
    DidData {
        outcome_name: spec.outcome.into(),
        outcome: pick(ds.outcome.as_ref().unwrap()),
        unit_name: spec.unit.into(),
        unit_labels: unit.labels.clone(),
        unit: pick_u(&unit.codes),
        time_name: spec.time.into(),
        time: pick(ds.time.as_ref().unwrap()),
        treatment_name: "D".into(),
        treatment: TreatmentInput::Indicator(rows.iter().map(|&k| treat(ds.rows[k])).collect()),
        cluster: ds
            .cluster
            .as_ref()
            .map(|c| (c.column.clone(), c.labels.clone(), pick_u(&c.codes))),
        weights: ds.weights.as_ref().map(pick),
        covariates,
        row_numbers: Some(rows.iter().map(|&k| t.row_number(ds.rows[k])).collect()),
    }
}

/// Numeric column of a dataset (missing as NaN).
pub fn num(file: &str, col: &str) -> Vec<f64> {
    table(file)
        .numeric(col)
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect()
}

/// Column as text.
pub fn text(file: &str, col: &str) -> Vec<String> {
    let t = table(file);
    let c = t.column(col).unwrap();
    (0..t.nrows())
        .map(|i| c.data.display(i).unwrap_or_default())
        .collect()
}

pub fn organ() -> DidData {
    let state = text("organ_donations.csv", "State");
    let q = num("organ_donations.csv", "Quarter_Num");
    did_data(
        &Spec {
            file: "organ_donations.csv",
            outcome: "Rate",
            unit: "State",
            time: "Quarter_Num",
            cluster: None,
            weights: None,
            covariates: &[],
        },
        |_| true,
        |i| state[i] == "California" && q[i] >= 4.0,
    )
}

pub fn castle(weights: Option<&'static str>, covariates: &'static [&'static str]) -> DidData {
    let post = num("castle.csv", "post");
    did_data(
        &Spec {
            file: "castle.csv",
            outcome: "l_homicide",
            unit: "sid",
            time: "year",
            cluster: None,
            weights,
            covariates,
        },
        |_| true,
        |i| post[i] == 1.0,
    )
}

/// First year with post == 1 per state id.
pub fn castle_effyear() -> std::collections::HashMap<i64, f64> {
    let (post, sid, year) = (
        num("castle.csv", "post"),
        num("castle.csv", "sid"),
        num("castle.csv", "year"),
    );
    let mut m = std::collections::HashMap::new();
    for i in 0..post.len() {
        if post[i] == 1.0 {
            let sid = sid[i] as i64;
            let y = year[i];
            let e = m.entry(sid).or_insert(y);
            if y < *e {
                *e = y;
            }
        }
    }
    m
}

pub fn het(cluster: Option<&'static str>) -> DidData {
    let treat = text("df_het.csv", "treat");
    did_data(
        &Spec {
            file: "df_het.csv",
            outcome: "dep_var",
            unit: "unit",
            time: "year",
            cluster,
            weights: None,
            covariates: &[],
        },
        |_| true,
        |i| treat[i] == "true",
    )
}
