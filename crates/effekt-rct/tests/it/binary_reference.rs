//! 2×2 effects against statsmodels 0.15.0 (`confint_proportions_2indep`, `proportion_confint`)
//! and Fisher's exact test against R's `fisher.test`. Fixtures:
//! tests/fixtures/binary_statsmodels.json (scripts/binary_statsmodels.py) and
//! tests/fixtures/fisher.json (scripts/rct_reference.R).

use crate::common;
use common::*;
use effekt_rct::{OutcomeType, RctConfig, TwoByTwo, binary::wilson, binary_effects, fisher_exact};

#[test]
fn risk_difference_ratio_odds_ratio_match_statsmodels() {
    let f = fixture("binary_statsmodels.json");
    for case in f["cases"].as_array().unwrap() {
        let t = nums(&case["table"]);
        let level = num(&case["level"]);
        let label = format!("{} at {level}", case["label"]);
        let table = TwoByTwo {
            treated_events: t[0] as u64,
            treated_total: t[1] as u64,
            control_events: t[2] as u64,
            control_total: t[3] as u64,
        };
        let b = binary_effects(table, level).unwrap();
        let (l1, u1) = wilson(t[0] as u64, t[1] as u64, level);
        let w1 = nums(&case["wilson_treated"]);
        close(l1, w1[0], 1e-10, &format!("{label} wilson low"));
        close(u1, w1[1], 1e-10, &format!("{label} wilson high"));
        close(
            b.risk_difference.estimate.unwrap(),
            num(&case["rd"]),
            1e-12,
            &label,
        );
        let rd = nums(&case["rd_ci"]);
        close(
            b.risk_difference.conf_low.unwrap(),
            rd[0],
            1e-10,
            &format!("{label} RD low"),
        );
        close(
            b.risk_difference.conf_high.unwrap(),
            rd[1],
            1e-10,
            &format!("{label} RD high"),
        );
        close(
            b.risk_difference_pp.conf_high.unwrap(),
            100.0 * rd[1],
            1e-10,
            &label,
        );
        let rr = nums(&case["rr_ci"]);
        close(
            b.risk_ratio.estimate.unwrap(),
            num(&case["rr"]),
            1e-12,
            &format!("{label} RR"),
        );
        close(
            b.risk_ratio.conf_low.unwrap(),
            rr[0],
            1e-10,
            &format!("{label} RR low"),
        );
        close(
            b.risk_ratio.conf_high.unwrap(),
            rr[1],
            1e-10,
            &format!("{label} RR high"),
        );
        assert_eq!(
            b.risk_ratio.adjusted,
            case["rr_method"] == "log-adjusted",
            "{label}"
        );
        let or = nums(&case["or_ci"]);
        close(
            b.odds_ratio.estimate.unwrap(),
            num(&case["or"]),
            1e-12,
            &format!("{label} OR"),
        );
        close(
            b.odds_ratio.conf_low.unwrap(),
            or[0],
            1e-10,
            &format!("{label} OR low"),
        );
        close(
            b.odds_ratio.conf_high.unwrap(),
            or[1],
            1e-10,
            &format!("{label} OR high"),
        );
        assert_eq!(
            b.odds_ratio.adjusted,
            case["or_method"] == "logit-adjusted",
            "{label}"
        );
    }
}

#[test]
fn fisher_matches_r() {
    let f = fixture("fisher.json");
    for case in f["cases"].as_array().unwrap() {
        let t: Vec<u64> = nums(&case["table"]).iter().map(|&v| v as u64).collect();
        let label = case["label"].as_str().unwrap();
        let r = fisher_exact(t[0], t[1], t[2], t[3], 0.95).unwrap();
        close(
            r.p_value,
            num(&case["p_value"]),
            1e-8,
            &format!("{label} p"),
        );
        let precise = &case["precise"];
        // Against the same equations solved to machine precision in R ...
        match precise["estimate"].as_f64() {
            Some(e) => close(r.odds_ratio.unwrap(), e, 1e-8, &format!("{label} MLE")),
            None => assert_eq!(r.odds_ratio, None, "{label}: infinite MLE"),
        }
        close(
            r.conf_low,
            num(&precise["conf_low"]),
            1e-8,
            &format!("{label} low"),
        );
        match precise["conf_high"].as_f64() {
            Some(e) => close(r.conf_high.unwrap(), e, 1e-8, &format!("{label} high")),
            None => assert_eq!(r.conf_high, None, "{label}: infinite upper bound"),
        }
        // ... and fisher.test itself, whose uniroot stops at tolerance ~1.2e-4.
        if let Some(e) = case["r_estimate"].as_f64() {
            close(
                r.odds_ratio.unwrap(),
                e,
                5e-4,
                &format!("{label} fisher.test MLE"),
            );
        }
        close(
            r.conf_low,
            num(&case["r_conf_low"]),
            5e-4,
            &format!("{label} fisher.test low"),
        );
        if let Some(e) = case["r_conf_high"].as_f64() {
            close(
                r.conf_high.unwrap(),
                e,
                5e-4,
                &format!("{label} fisher.test high"),
            );
        }
    }
}

#[test]
fn thornton_binary_outcome_end_to_end() {
    let mut c = RctConfig::new("got", "any");
    c.outcome_type = OutcomeType::Binary;
    c.randomization_inference = Some(0);
    let fit = fit(&thornton(), c);
    let b = fit.binary.as_ref().unwrap();
    let f = fixture("fisher.json");
    let th = &f["cases"][0];
    let t = nums(&th["table"]);
    assert_eq!(b.table.treated_events as f64, t[0]);
    assert_eq!(
        (b.table.treated_total - b.table.treated_events) as f64,
        t[1]
    );
    assert_eq!(b.table.control_events as f64, t[2]);
    close(b.fisher.p_value, num(&th["p_value"]), 1e-8, "fisher p");
    // The headline is the risk difference (difference in means of a 0/1 outcome).
    close(
        fit.estimate,
        b.risk_difference.estimate.unwrap(),
        1e-12,
        "RD = DiM",
    );
    close(
        b.risk_difference_pp.estimate.unwrap(),
        100.0 * fit.estimate,
        1e-12,
        "pp",
    );
}

#[test]
fn binary_outcome_must_be_zero_one() {
    let mut c = RctConfig::new("age", "any");
    c.outcome_type = OutcomeType::Binary;
    let err = c
        .validate()
        .unwrap()
        .fit_table(&thornton(), effekt_data::MissingPolicy::Drop, None)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("binary outcome must be 0 or 1"), "{msg}");
    assert!(msg.contains("row 2"), "{msg}");
}

#[test]
fn degenerate_tables_do_not_fail() {
    // No events at all, and events everywhere: Fisher p = 1, the odds ratio undetermined
    // (0 and +∞ as fisher.test's rules give), every interval defined.
    for (a, n1, c, n0) in [(0, 8, 0, 9), (8, 8, 9, 9), (0, 5, 5, 5)] {
        let t = TwoByTwo {
            treated_events: a,
            treated_total: n1,
            control_events: c,
            control_total: n0,
        };
        let b = binary_effects(t, 0.95).unwrap();
        assert!(b.risk_difference.conf_low.unwrap() <= b.risk_difference.conf_high.unwrap());
        assert!(b.risk_ratio.estimate.unwrap().is_finite());
        assert!(b.odds_ratio.estimate.unwrap().is_finite());
        assert!((0.0..=1.0).contains(&b.fisher.p_value));
    }
    let r = fisher_exact(0, 8, 0, 9, 0.95).unwrap();
    assert_eq!(
        (r.p_value, r.odds_ratio, r.conf_low, r.conf_high),
        (1.0, Some(0.0), 0.0, None)
    );
}
