//! Shared helpers of the reference tests: fixtures, CSV data, tolerant comparisons.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use effekt_data::{Covariate, CovariateValues};
use serde_json::Value;

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), name)
}

/// A CSV file as named string columns.
pub struct Csv {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(path: PathBuf) -> Csv {
        let mut r =
            csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers = r
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| rec.expect("record").iter().map(String::from).collect())
            .collect();
        Csv { headers, rows }
    }
    pub fn dataset(name: &str) -> Csv {
        Csv::read(manifest().join("../../datasets").join(name))
    }
    pub fn fixture(name: &str) -> Csv {
        Csv::read(manifest().join("tests/fixtures").join(name))
    }
    fn idx(&self, col: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("no column {col}"))
    }
    pub fn strings(&self, col: &str) -> Vec<String> {
        let j = self.idx(col);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }
    /// Numeric column; empty/NA become NaN.
    pub fn numbers(&self, col: &str) -> Vec<f64> {
        let j = self.idx(col);
        self.rows
            .iter()
            .map(|r| r[j].trim().parse::<f64>().unwrap_or(f64::NAN))
            .collect()
    }
}

pub fn numeric(name: &str, v: Vec<f64>) -> Covariate {
    Covariate {
        name: name.into(),
        values: CovariateValues::Numeric(v),
    }
}

/// Categorical covariate with lexicographically sorted levels (as effekt-data sorts text).
pub fn categorical(name: &str, v: &[String]) -> Covariate {
    let levels: Vec<String> = v
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let codes = v
        .iter()
        .map(|s| levels.iter().position(|l| l == s).unwrap() as u32)
        .collect();
    Covariate {
        name: name.into(),
        values: CovariateValues::Categorical { levels, codes },
    }
}

pub fn vec_f(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

pub fn mat_f(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("matrix").iter().map(vec_f).collect()
}

pub fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

/// |a − b| ≤ rtol · |b| (or ≤ rtol · floor when |b| < floor).
#[track_caller]
pub fn close(a: f64, b: f64, rtol: f64, what: &str) {
    effekt_testkit::assert_close!(a, b, rtol, "{what}");
}

#[track_caller]
pub fn close_vec(a: &[f64], b: &[f64], rtol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        close(*x, *y, rtol, &format!("{what}[{i}]"));
    }
}

/// Covariance matrices: each entry relative to √(V_ii V_jj).
#[track_caller]
pub fn close_vcov(a: faer::MatRef<'_, f64>, b: &[Vec<f64>], rtol: f64, what: &str) {
    let k = b.len();
    assert_eq!(a.nrows(), k, "{what}: dimension");
    for i in 0..k {
        for j in 0..k {
            let scale = (b[i][i] * b[j][j]).sqrt();
            assert!(
                (a[(i, j)] - b[i][j]).abs() <= rtol * scale,
                "{what}[{i},{j}]: got {:e}, expected {:e}",
                a[(i, j)],
                b[i][j]
            );
        }
    }
}
