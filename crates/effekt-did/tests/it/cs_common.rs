//! Shared helpers of the Callaway–Sant'Anna tests: load the shipped data sets the way the
//! fixture script (`tests/fixtures/cs/scripts/cs_csdid.py`) does.
#![allow(dead_code)]

use effekt_data::{
    Covariate, CovariateValues, Groups, MissingPolicy, ReadOptions, Roles, Table, read_table,
};
use effekt_did::cs::CsData;
use effekt_testkit::Tol;
use serde_json::Value;

pub fn manifest(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), &format!("cs/{name}.json"))
}

pub fn table(data: &str) -> Table {
    read_table(
        std::path::Path::new(&manifest(&format!("../../datasets/{data}.csv"))),
        &ReadOptions::default(),
    )
    .unwrap()
}

/// (outcome, unit, time) columns of a shipped data set.
pub fn spec(data: &str) -> (&'static str, &'static str, &'static str) {
    match data {
        "castle" => ("l_homicide", "sid", "year"),
        "df_het" => ("dep_var", "unit", "year"),
        _ => panic!("unknown data {data}"),
    }
}

/// The cohort of every table row: castle = first year with post == 1 (None = never),
/// df_het = column g (0 = never).
pub fn cohort(t: &Table, data: &str) -> Vec<Option<f64>> {
    match data {
        "castle" => {
            let (post, sid, year) = (
                t.numeric("post").unwrap(),
                t.numeric("sid").unwrap(),
                t.numeric("year").unwrap(),
            );
            let mut first = std::collections::HashMap::new();
            for i in 0..t.nrows() {
                if post[i] == Some(1.0) {
                    let e = first.entry(sid[i].unwrap() as i64).or_insert(f64::INFINITY);
                    *e = f64::min(*e, year[i].unwrap());
                }
            }
            (0..t.nrows())
                .map(|i| first.get(&(sid[i].unwrap() as i64)).copied())
                .collect()
        }
        _ => t.numeric("g").unwrap(),
    }
}

/// Build the input of a fixture case: plain cases go through `Table::select` +
/// `CsData::from_dataset` (the CLI's path); the derived variants apply the script's rules.
pub fn input(case: &Value) -> CsData {
    let data = case["data"].as_str().unwrap();
    let t = table(data);
    let (y, unit, time) = spec(data);
    let covs: Vec<String> = case["xformla"]
        .as_str()
        .map(|f| {
            f.split('~')
                .nth(1)
                .unwrap()
                .split('+')
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let rule = case["rule"].as_str();
    let rc = rule == Some("rows_as_units");
    let roles = Roles {
        outcome: Some(y.into()),
        unit: (!rc).then(|| unit.into()),
        time: Some(time.into()),
        cluster: case["cluster"].as_str().map(Into::into),
        covariates: covs.clone(),
        ..Roles::default()
    };
    let ds = t.select(&roles, MissingPolicy::Error).unwrap();
    let first = cohort(&t, data);
    let mut input = CsData::from_dataset(&ds, &first).unwrap();
    match rule {
        None | Some("rows_as_units") => {}
        Some("weights_unit_mod_3") => {
            let u = t.numeric(unit).unwrap();
            input.weights = Some(
                u.iter()
                    .map(|v| 1.0 + (v.unwrap() as i64 % 3) as f64)
                    .collect(),
            );
        }
        Some("drop_rows_mod_13") => {
            let (u, tt) = (t.numeric(unit).unwrap(), t.numeric(time).unwrap());
            let keep: Vec<bool> = (0..t.nrows())
                .map(|i| (u[i].unwrap() as i64 * 7 + tt[i].unwrap() as i64) % 13 != 0)
                .collect();
            input = subset(&input, &keep);
        }
        Some(r) => panic!("unknown rule {r}"),
    }
    input
}

/// Keep the rows with `keep[i]`.
pub fn subset(d: &CsData, keep: &[bool]) -> CsData {
    let pick = |v: &Vec<f64>| -> Vec<f64> {
        v.iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect()
    };
    let pick_groups = |g: &Groups| Groups {
        column: g.column.clone(),
        labels: g.labels.clone(),
        codes: g
            .codes
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect(),
    };
    CsData {
        source: d.source.clone(),
        outcome: pick(&d.outcome),
        unit: d.unit.as_ref().map(pick_groups),
        time: pick(&d.time),
        first_treated: d
            .first_treated
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect(),
        weights: d.weights.as_ref().map(pick),
        cluster: d.cluster.as_ref().map(pick_groups),
        covariates: d
            .covariates
            .iter()
            .map(|c| Covariate {
                name: c.name.clone(),
                values: match &c.values {
                    CovariateValues::Numeric(v) => CovariateValues::Numeric(pick(v)),
                    CovariateValues::Categorical { levels, codes } => {
                        CovariateValues::Categorical {
                            levels: levels.clone(),
                            codes: codes
                                .iter()
                                .zip(keep)
                                .filter(|(_, k)| **k)
                                .map(|(x, _)| *x)
                                .collect(),
                        }
                    }
                },
            })
            .collect(),
        row_numbers: d
            .row_numbers
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect(),
    }
}

/// `|a − b| ≤ tol·|b| + 1e-12`, with a message naming what differs.
#[track_caller]
pub fn close(what: &str, a: f64, b: f64, tol: f64) {
    effekt_testkit::assert_close!(a, b, Tol::rel(tol).abs(1e-12), "{what} (effekt vs csdid)");
}
