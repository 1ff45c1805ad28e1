//! Hedges' g, the NNT and Holm / Benjamini–Hochberg adjusted p-values against
//! `effect_size.json` (written by `tests/fixtures/scripts/effect_size.py` from the published
//! formulas, standard library only; R `p.adjust` semantics). Closed forms: 1e-10 relative.

use crate::common::{Csv, fixture};
use effekt_models::effect_size::{hedges_g, nnt, pooled_sd};
use effekt_models::multiplicity::{benjamini_hochberg, holm};
use effekt_testkit::assert_close;
use serde_json::Value;

const TOL: f64 = 1e-10;

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} not a number in {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// y and the treatment indicator of complete rows (`keep` on the row's age).
fn two_groups(data: &str, y: &str, d: &str, keep: impl Fn(f64) -> bool) -> (Vec<f64>, Vec<bool>) {
    let csv = Csv::dataset(data);
    let (ys, ds) = (csv.numbers(y), csv.numbers(d));
    let ages = csv.numbers("age");
    let mut out = (Vec::new(), Vec::new());
    for ((yv, dv), a) in ys.iter().zip(&ds).zip(&ages) {
        if yv.is_finite() && dv.is_finite() && keep(*a) {
            out.0.push(*yv);
            out.1.push(*dv == 1.0);
        }
    }
    out
}

#[test]
fn hedges_g_matches_the_hedges_olkin_formula_on_lalonde() {
    let fx = fixture("effect_size.json");
    for r in fx["hedges_g"].as_array().unwrap() {
        let young = r["data"].as_str().unwrap().contains("age < 20");
        let (y, t) = two_groups("lalonde.csv", "re78", "treat", |a| !young || a < 20.0);
        let sd = pooled_sd(&y, &t).unwrap();
        assert_close!(sd, f(r, "sd"), TOL, "pooled SD, {}", r["data"]);
        let n1 = t.iter().filter(|v| **v).count();
        let n0 = t.len() - n1;
        assert_eq!(
            (n1 as u64, n0 as u64),
            (
                r["n_treated"].as_u64().unwrap(),
                r["n_control"].as_u64().unwrap()
            )
        );
        let g = hedges_g(f(r, "effect"), sd, n1, n0, f(r, "level")).unwrap();
        for (got, key) in [
            (g.estimate, "estimate"),
            (g.std_error, "std_error"),
            (g.conf_low, "conf_low"),
            (g.conf_high, "conf_high"),
            (g.cohens_d, "cohens_d"),
            (g.correction, "correction"),
        ] {
            assert_close!(
                got,
                f(r, key),
                TOL,
                "Hedges' g {key}, {} level {}",
                r["data"],
                r["level"]
            );
        }
    }
}

#[test]
fn nnt_is_one_over_the_risk_difference_with_the_inverted_interval() {
    let fx = fixture("effect_size.json");
    let r = &fx["nnt"][0];
    let n = nnt(f(r, "rd"), f(r, "conf_low"), f(r, "conf_high"));
    let want = &r["nnt"];
    assert_close!(n.estimate.unwrap(), f(want, "estimate"), TOL, "NNT");
    assert_close!(
        n.conf_low.unwrap(),
        f(want, "conf_low"),
        TOL,
        "NNT lower end"
    );
    assert_close!(
        n.conf_high.unwrap(),
        f(want, "conf_high"),
        TOL,
        "NNT upper end"
    );
    assert!(n.more_often);
}

#[test]
fn holm_and_bh_match_r_p_adjust() {
    let fx = fixture("effect_size.json");
    for set in fx["p_adjust"].as_array().unwrap() {
        let p = floats(&set["p"]);
        for (got, key) in [
            (holm(&p).unwrap(), "holm"),
            (benjamini_hochberg(&p).unwrap(), "bh"),
        ] {
            let want = floats(&set[key]);
            assert_eq!(got.len(), want.len());
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert_close!(*a, *b, TOL, "{key} of {p:?}, position {i}");
            }
        }
    }
}
