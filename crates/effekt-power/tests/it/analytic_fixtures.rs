//! Analytic power against R pwr / stats and statsmodels (fixtures in tests/fixtures, produced
//! by the scripts in tests/fixtures/scripts; see their `_meta`).

use effekt_power::analytic::*;
use effekt_power::dist::{pnt, qt_upper};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn rel_close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1e-300)
}

fn r_alt(s: &str) -> Alternative {
    match s {
        "two.sided" | "two-sided" => Alternative::TwoSided,
        "greater" | "larger" => Alternative::Greater,
        "less" | "smaller" => Alternative::Less,
        other => panic!("alternative {other}"),
    }
}

/// Run one pwr case through effekt and return (solved key, effekt value).
fn run_pwr(case: &Value) -> (String, f64) {
    let f = case["fn"].as_str().unwrap();
    let inp = &case["inputs"];
    let alt = r_alt(inp["alternative"].as_str().unwrap());
    let alpha = num(inp, "sig.level");
    let power = num(inp, "power");
    let (design, n, effect, n_key, e_key) = match f {
        "pwr.t.test" => {
            let d = if inp["type"] == "paired" {
                Design::Paired(Paired {
                    alternative: alt,
                    ..Paired::default()
                })
            } else {
                Design::TwoMeans(TwoMeans {
                    alternative: alt,
                    ..TwoMeans::default()
                })
            };
            (d, num(inp, "n"), num(inp, "d"), "n", "d")
        }
        "pwr.t2n.test" => {
            let n1 = num(inp, "n1").unwrap();
            let n2 = num(inp, "n2").unwrap();
            let d = Design::TwoMeans(TwoMeans {
                alternative: alt,
                ratio: n2 / n1,
                ..TwoMeans::default()
            });
            (d, Some(n1), num(inp, "d"), "n1", "d")
        }
        "pwr.2p.test" | "pwr.2p2n.test" => {
            let (n1, ratio, key) = if f == "pwr.2p.test" {
                (num(inp, "n"), 1.0, "n")
            } else {
                let n1 = num(inp, "n1").unwrap();
                (Some(n1), num(inp, "n2").unwrap() / n1, "n1")
            };
            let d = Design::TwoProportions(TwoProportions {
                scale: ProportionScale::CohenH,
                method: ProportionMethod::Arcsine,
                ratio,
                alternative: alt,
                ..TwoProportions::default()
            });
            (d, n1, num(inp, "h"), key, "h")
        }
        other => panic!("{other}"),
    };
    let targets = Targets {
        n,
        effect,
        power,
        alpha,
    };
    let r = solve(&design, &targets, None).unwrap_or_else(|e| panic!("{}: {e}", case["call"]));
    match r.solved_for {
        Parameter::N => (n_key.into(), r.n_per_group),
        Parameter::Effect => (e_key.into(), r.effect),
        Parameter::Power => ("power".into(), r.power),
        Parameter::Alpha => ("sig.level".into(), r.alpha),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pwr_fixtures_to_1e6() {
    let fx = load("pwr.json");
    let cases = fx["pwr"].as_array().unwrap();
    assert!(cases.len() > 300);
    let mut worst = 0.0_f64;
    for case in cases {
        let (key, got) = run_pwr(case);
        let tight = num(&case["tight"], &key).unwrap();
        let default = num(&case["default"], &key).unwrap();
        let rel = ((got - tight) / tight).abs();
        worst = worst.max(rel);
        assert!(
            rel_close(got, tight, 1e-6),
            "{}: {key} effekt {got} vs pwr(tight) {tight}",
            case["call"]
        );
        // pwr as shipped: within its uniroot tolerance (.Machine$double.eps^0.25).
        assert!(
            (got - default).abs() <= 2.5e-4 * default.abs().max(1.0),
            "{}: {got} vs pwr {default}",
            case["call"]
        );
    }
    assert!(worst < 1e-6);
}

#[test]
fn noncentral_t_matches_r_pt() {
    let fx = load("pwr.json");
    for c in fx["pt_ncp"].as_array().unwrap() {
        let (q, df, ncp) = (
            num(c, "q").unwrap(),
            num(c, "df").unwrap(),
            num(c, "ncp").unwrap(),
        );
        for (lower, key) in [(true, "lower"), (false, "upper")] {
            let want = num(c, key).unwrap();
            let got = pnt(q, df, ncp, lower).unwrap();
            assert!(
                (got - want).abs() <= 1e-9 * want.abs() + 1e-11,
                "pt({q}, {df}, {ncp}, lower = {lower}): {got} vs R {want}"
            );
        }
    }
    for c in fx["qt"].as_array().unwrap() {
        let (p, df, q) = (
            num(c, "p").unwrap(),
            num(c, "df").unwrap(),
            num(c, "q").unwrap(),
        );
        let got = qt_upper(1.0 - p, df).unwrap();
        assert!(rel_close(got, q, 1e-8), "qt({p}, {df}): {got} vs R {q}");
    }
}

#[test]
fn power_prop_test_fixtures() {
    let fx = load("pwr.json");
    for c in fx["power_prop_test"].as_array().unwrap() {
        let inp = &c["inputs"];
        let p1 = num(inp, "p1").unwrap();
        let p2 = num(inp, "p2").unwrap();
        let design = Design::TwoProportions(TwoProportions {
            p1: Some(p1),
            method: ProportionMethod::Pooled,
            one_tail_only: !inp["strict"].as_bool().unwrap(),
            ..TwoProportions::default()
        });
        let t = Targets {
            n: num(inp, "n"),
            effect: Some(p1 - p2),
            power: num(inp, "power"),
            alpha: Some(0.05),
        };
        let r = solve(&design, &t, None).unwrap();
        if let Some(want) = num(c, "power") {
            assert!(
                rel_close(r.power, want, 1e-6),
                "{}: {} vs {want}",
                c["call"],
                r.power
            );
        } else {
            let want = num(c, "n").unwrap();
            assert!(
                rel_close(r.n_per_group, want, 1e-6),
                "{}: {} vs {want}",
                c["call"],
                r.n_per_group
            );
        }
    }
}

#[test]
fn statsmodels_power_fixtures() {
    let fx = load("statsmodels.json");
    let cases = fx["power"].as_array().unwrap();
    assert!(cases.len() > 150);
    for c in cases {
        let inp = &c["inputs"];
        let alt = r_alt(inp["alternative"].as_str().unwrap());
        let class = c["class"].as_str().unwrap();
        let (design, n) = match class {
            "TTestIndPower" | "NormalIndPower" => {
                let test = if class == "TTestIndPower" {
                    TestStatistic::T
                } else {
                    TestStatistic::Z
                };
                let ratio = num(inp, "ratio").unwrap();
                (
                    Design::TwoMeans(TwoMeans {
                        alternative: alt,
                        ratio,
                        test,
                        sd: None,
                    }),
                    num(inp, "nobs1"),
                )
            }
            "TTestPower" => (
                Design::Paired(Paired {
                    alternative: alt,
                    ..Paired::default()
                }),
                num(inp, "nobs"),
            ),
            other => panic!("{other}"),
        };
        let t = Targets {
            n,
            effect: num(inp, "effect_size"),
            power: num(inp, "power"),
            alpha: num(inp, "alpha"),
        };
        let r = solve(&design, &t, None).unwrap_or_else(|e| panic!("{}: {e}", c["call"]));
        let got = match c["solve"].as_str().unwrap() {
            "power" => r.power,
            "n" => r.n_per_group,
            "effect" => r.effect,
            "alpha" => r.alpha,
            other => panic!("{other}"),
        };
        let want = num(c, "result").unwrap();
        assert!(
            rel_close(got, want, 1e-6),
            "{}: effekt {got} vs statsmodels {want}",
            c["call"]
        );
        if let Some(default) = num(c, "result_default") {
            // statsmodels as shipped solves to xtol = 1e-5.
            assert!(
                (got - default).abs() <= 1e-4 * default.abs().max(1.0),
                "{}: {got} vs {default}",
                c["call"]
            );
        }
    }
}

#[test]
fn statsmodels_proportion_fixtures() {
    let fx = load("statsmodels.json");
    for c in fx["proportions"].as_array().unwrap() {
        let p1 = num(c, "p1").unwrap();
        let p2 = num(c, "p2").unwrap();
        let method = c["method"].as_str().unwrap();
        let design = Design::TwoProportions(TwoProportions {
            p1: Some(p1),
            method: if method == "unpooled" {
                ProportionMethod::Unpooled
            } else {
                ProportionMethod::Pooled
            },
            ratio: num(c, "ratio").unwrap(),
            alternative: r_alt(c["alternative"].as_str().unwrap()),
            one_tail_only: method == "pooled-one-tail-n",
            ..TwoProportions::default()
        });
        if method == "pooled-one-tail-n" {
            let t = Targets {
                n: None,
                effect: Some(p1 - p2),
                power: Some(0.8),
                alpha: Some(0.05),
            };
            let r = solve(&design, &t, None).unwrap();
            let want = num(c, "nobs1").unwrap();
            assert!(
                rel_close(r.n_per_group, want, 1e-6),
                "{}: {} vs {want}",
                c["call"],
                r.n_per_group
            );
        } else {
            let t = Targets {
                n: num(c, "nobs1"),
                effect: Some(p1 - p2),
                power: None,
                alpha: Some(0.05),
            };
            let r = solve(&design, &t, None).unwrap();
            let want = num(c, "power").unwrap();
            assert!(
                rel_close(r.power, want, 1e-6),
                "{}: {} vs {want}",
                c["call"],
                r.power
            );
        }
    }
}
