//! Shared helpers of the integration tests: fixtures, data, tolerances.
#![allow(dead_code)]

use effekt_data::{MissingPolicy, ReadOptions, Table, read_table};
use effekt_rct::{RctConfig, RctFit};
use effekt_testkit::Tol;
use serde_json::Value;
use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    effekt_testkit::fixture_path(env!("CARGO_MANIFEST_DIR"), name)
}

pub fn fixture(name: &str) -> Value {
    effekt_testkit::fixture(env!("CARGO_MANIFEST_DIR"), name)
}

pub fn table(name: &str) -> Table {
    read_table(&fixture_path(name), &ReadOptions::default()).expect("table")
}

pub fn thornton() -> Table {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../datasets/thornton_hiv.csv");
    read_table(&p, &ReadOptions::default()).expect("thornton")
}

pub fn fit(table: &Table, config: RctConfig) -> RctFit {
    config
        .validate()
        .expect("config")
        .fit_table(table, MissingPolicy::Drop, None)
        .expect("fit")
}

/// |a − b| ≤ tol · max(|b|, floor).
#[track_caller]
pub fn close(a: f64, b: f64, tol: f64, what: &str) {
    effekt_testkit::assert_close!(a, b, Tol::rel(tol).floor(1e-3), "{what}");
}

pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

pub fn nums(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(num).collect(),
        other => vec![num(other)],
    }
}

pub fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

pub const TOL: f64 = 1e-8;

/// Compare the headline (treatment row) of a fit with an estimatr entry whose treatment term is
/// `term`.
#[track_caller]
pub fn check_effect(fit: &RctFit, r: &Value, term: &str) {
    let terms = strs(&r["term"]);
    let j = terms
        .iter()
        .position(|t| t == term)
        .expect("term in fixture");
    let call = r["call"].as_str().unwrap_or("");
    close(
        fit.estimate,
        nums(&r["estimate"])[j],
        TOL,
        &format!("{call}: estimate"),
    );
    close(
        fit.std_error,
        nums(&r["std_error"])[j],
        TOL,
        &format!("{call}: std_error"),
    );
    close(
        fit.df.expect("df"),
        nums(&r["df"])[j],
        TOL,
        &format!("{call}: df"),
    );
    close(
        fit.statistic,
        nums(&r["statistic"])[j],
        TOL,
        &format!("{call}: statistic"),
    );
    close(
        fit.p_value,
        nums(&r["p_value"])[j],
        1e-6,
        &format!("{call}: p_value"),
    );
    close(
        fit.conf_low,
        nums(&r["conf_low"])[j],
        TOL,
        &format!("{call}: conf_low"),
    );
    close(
        fit.conf_high,
        nums(&r["conf_high"])[j],
        TOL,
        &format!("{call}: conf_high"),
    );
}

/// Compare every tidy row's CR2 standard error and Satterthwaite df (by position) with the
/// clubSandwich entry `club` (`coef_test(fit, vcov = "CR2", test = "Satterthwaite")`), whose
/// terms are in the same order.
#[track_caller]
pub fn check_clubsandwich(fit: &RctFit, club: &Value) {
    let (se, df) = (nums(&club["std_error"]), nums(&club["df"]));
    assert_eq!(fit.tidy.len(), df.len(), "clubSandwich: number of terms");
    for (k, row) in fit.tidy.iter().enumerate() {
        let what = format!("clubSandwich {}", row.term);
        close(row.std_error, se[k], TOL, &format!("{what}: CR2 SE"));
        close(
            row.df.expect("df"),
            df[k],
            TOL,
            &format!("{what}: Satterthwaite df"),
        );
    }
}

/// Compare every tidy row (by position) with an estimatr entry.
#[track_caller]
pub fn check_tidy(fit: &RctFit, r: &Value) {
    let call = r["call"].as_str().unwrap_or("");
    let est = nums(&r["estimate"]);
    assert_eq!(fit.tidy.len(), est.len(), "{call}: number of terms");
    for (k, row) in fit.tidy.iter().enumerate() {
        let what = format!("{call}: {}", row.term);
        close(row.estimate, est[k], TOL, &format!("{what} estimate"));
        close(
            row.std_error,
            nums(&r["std_error"])[k],
            TOL,
            &format!("{what} std_error"),
        );
        close(
            row.df.expect("df"),
            nums(&r["df"])[k],
            TOL,
            &format!("{what} df"),
        );
        close(
            row.conf_low,
            nums(&r["conf_low"])[k],
            TOL,
            &format!("{what} conf_low"),
        );
        close(
            row.conf_high,
            nums(&r["conf_high"])[k],
            TOL,
            &format!("{what} conf_high"),
        );
        close(
            row.p_value,
            nums(&r["p_value"])[k],
            1e-6,
            &format!("{what} p_value"),
        );
    }
}
