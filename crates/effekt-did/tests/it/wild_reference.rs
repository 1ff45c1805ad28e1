//! The wild cluster bootstrap against Python wildboottest 0.3.2 (fixture
//! `wildboottest_did.json`): exact agreement of the bootstrap distribution, p-value and
//! test-inversion interval under full enumeration; p-values and intervals within Monte Carlo
//! error for random Rademacher, Webb and Mammen weights.

use crate::common;

use common::*;
use effekt_did::{
    TwfeConfig, VcovChoice, WildBootstrap, WildBootstrapConfig, WildKind, WildProblem, WildWeights,
    fit_twfe,
};

struct Castle {
    y: Vec<f64>,
    post: Vec<f64>,
    sid: Vec<u32>,
    year: Vec<u32>,
    g10: Vec<u32>,
}

fn castle_cols() -> Castle {
    let f = "castle.csv";
    let sid: Vec<u32> = num(f, "sid").iter().map(|v| *v as u32).collect();
    Castle {
        y: num(f, "l_homicide"),
        post: num(f, "post"),
        g10: sid.iter().map(|s| (s - 1) % 10).collect(),
        year: num(f, "year").iter().map(|v| *v as u32).collect(),
        sid,
    }
}

fn castle_problem<'a>(
    c: &'a Castle,
    clusters: &'a [u32],
    weights: Option<&'a [f64]>,
) -> WildProblem<'a> {
    WildProblem {
        y: &c.y,
        x: &c.post,
        x_name: "post",
        controls: Vec::new(),
        fixed_effects: vec![("sid", &c.sid), ("year", &c.year)],
        clusters,
        weights,
    }
}

fn cfg(b: usize, weights: WildWeights, kind: WildKind, seed: u64) -> WildBootstrapConfig {
    WildBootstrapConfig {
        resamples: b,
        weights,
        kind,
        seed,
        ..Default::default()
    }
}

/// wildboottest's small-sample factor uses k = all columns of its dummy design; ours counts as
/// pyfixest. Both t and t* scale by √(ssc_wbt/ssc_ours); the p-value does not change.
fn t_scale(n: f64, k_wbt: f64, k_ours: f64) -> f64 {
    ((n - k_wbt) / (n - k_ours)).sqrt()
}

/// |ours − theirs| within `z` Monte Carlo standard errors of the difference of two
/// independent bootstrap p-values.
fn within_mc(ours: f64, b_ours: usize, theirs: f64, b_theirs: usize, z: f64, what: &str) {
    let p = 0.5 * (ours + theirs);
    let sd = (p * (1.0 - p) * (1.0 / b_ours as f64 + 1.0 / b_theirs as f64))
        .sqrt()
        .max(1.0 / b_ours as f64);
    assert!(
        (ours - theirs).abs() <= z * sd,
        "{what}: {ours} vs {theirs} (MC sd {sd:.5})"
    );
}

#[test]
fn full_enumeration_reproduces_wildboottest_exactly() {
    let fx = fixture("wildboottest_did.json");
    let o = &fx["castle_twfe_g10"];
    let c = castle_cols();
    let wb = WildBootstrap::new(&castle_problem(&c, &c.g10, None)).unwrap();
    assert_eq!(wb.n_clusters(), 10);
    close(
        wb.estimate(),
        o["estimate"].as_f64().unwrap(),
        1e-10,
        "estimate",
    );
    let scale = t_scale(550.0, 61.0, 12.0);
    for (key, kind) in [
        ("wcr_rademacher", WildKind::Wcr),
        ("wcu_rademacher", WildKind::Wcu),
    ] {
        let ref_ = &o[key];
        let cf = cfg(9999, WildWeights::Rademacher, kind, 1);
        let r = wb.run(&cf, None).unwrap();
        assert!(r.full_enumeration);
        assert_eq!(r.resamples, 1024);
        assert_eq!(ref_["B"].as_u64().unwrap(), 1024);
        close(
            r.t_stat * scale,
            ref_["t_stat"].as_f64().unwrap(),
            1e-9,
            &format!("{key} t"),
        );
        // the same 1024 bootstrap t statistics
        let mut ours: Vec<f64> = wb.t_stats(&cf).iter().map(|t| t * scale).collect();
        ours.sort_by(f64::total_cmp);
        let theirs = nums(&ref_["t_boot_sorted"]);
        for (a, b) in ours.iter().zip(&theirs) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{key} t*: {a} vs {b}"
            );
        }
        // exact p-value (ties |t*| = |t| of the identity sign vectors counted as not exceeding)
        assert_eq!(
            r.p_value,
            ref_["p_value_tie_robust"].as_f64().unwrap(),
            "{key} p"
        );
        let raw = ref_["p_value"].as_f64().unwrap();
        assert!(
            (r.p_value - raw).abs() <= 2.0 / 1024.0 + 1e-15,
            "{key} raw p {raw}"
        );
    }
    // the interval by test inversion, on the same 1024 sign vectors
    let ci = &o["ci_wcr_rademacher"];
    let r = wb
        .run(&cfg(9999, WildWeights::Rademacher, WildKind::Wcr, 1), None)
        .unwrap();
    let se = r.std_error;
    for (ours, key) in [
        (r.conf_low.unwrap(), "conf_low"),
        (r.conf_high.unwrap(), "conf_high"),
    ] {
        let theirs = ci[key].as_f64().unwrap();
        assert!(
            (ours - theirs).abs() <= 1e-7 * se,
            "{key}: {ours} vs {theirs}"
        );
    }
}

#[test]
fn random_weights_agree_with_wildboottest_within_monte_carlo_error() {
    let fx = fixture("wildboottest_did.json");
    let o = &fx["castle_twfe"];
    let c = castle_cols();
    let wb = WildBootstrap::new(&castle_problem(&c, &c.sid, None)).unwrap();
    let b = 99_999;
    let cases = [
        ("wcr_rademacher", WildWeights::Rademacher, WildKind::Wcr),
        ("wcu_rademacher", WildWeights::Rademacher, WildKind::Wcu),
        ("wcr_webb", WildWeights::Webb, WildKind::Wcr),
        ("wcu_webb", WildWeights::Webb, WildKind::Wcu),
        ("wcr_mammen", WildWeights::Mammen, WildKind::Wcr),
    ];
    for (key, w, kind) in cases {
        let r = wb.run(&cfg(b, w, kind, 42), None).unwrap();
        assert!(!r.full_enumeration);
        assert_eq!(r.resamples, b);
        let theirs = &o[key];
        close(
            r.t_stat * t_scale(550.0, 61.0, 12.0),
            theirs["t_stat"].as_f64().unwrap(),
            1e-9,
            key,
        );
        within_mc(
            r.p_value,
            b,
            theirs["p_value"].as_f64().unwrap(),
            theirs["B"].as_u64().unwrap() as usize,
            4.0,
            key,
        );
    }
    // interval by test inversion vs wildboottest inverted by bisection (independent draws):
    // the MC sd of an end point is about 0.006 SE at B = 99,999 each
    let r = wb
        .run(&cfg(b, WildWeights::Rademacher, WildKind::Wcr, 43), None)
        .unwrap();
    let ci = &o["ci_wcr_rademacher"];
    for (ours, key) in [
        (r.conf_low.unwrap(), "conf_low"),
        (r.conf_high.unwrap(), "conf_high"),
    ] {
        let theirs = ci[key].as_f64().unwrap();
        assert!(
            (ours - theirs).abs() <= 0.04 * r.std_error,
            "{key}: {ours} vs {theirs} (se {})",
            r.std_error
        );
    }
    // the SE and t are the TWFE CR1 ones (pyfixest)
    let py = &fixture("pyfixest_did.json")["castle_twfe"];
    close(
        r.std_error,
        nums(&py["std_errors"])[0],
        1e-8,
        "wild SE = CR1 SE",
    );
}

#[test]
fn organ_donations_2x2_wild_bootstrap_matches_wildboottest() {
    let fx = fixture("wildboottest_did.json");
    let o = &fx["organ_2x2"];
    let d = organ();
    let panel = effekt_did::Panel::new(&d).unwrap();
    let treated: Vec<f64> = panel
        .ever_treated
        .iter()
        .map(|&b| f64::from(u8::from(b)))
        .collect();
    let post: Vec<f64> = panel
        .period
        .iter()
        .map(|&t| f64::from(u8::from(t >= 3)))
        .collect();
    let inter: Vec<f64> = treated.iter().zip(&post).map(|(a, b)| a * b).collect();
    let ones = vec![1.0; d.n()];
    let wb = WildBootstrap::new(&WildProblem {
        y: &d.outcome,
        x: &inter,
        x_name: "treated:post",
        controls: vec![&ones, &treated, &post],
        fixed_effects: Vec::new(),
        clusters: &panel.cluster,
        weights: None,
    })
    .unwrap();
    close(
        wb.estimate(),
        o["estimate"].as_f64().unwrap(),
        1e-10,
        "estimate",
    );
    let b = 99_999;
    for (key, w, kind) in [
        ("wcr_rademacher", WildWeights::Rademacher, WildKind::Wcr),
        ("wcr_webb", WildWeights::Webb, WildKind::Wcr),
        ("wcu_rademacher", WildWeights::Rademacher, WildKind::Wcu),
    ] {
        let r = wb.run(&cfg(b, w, kind, 5), None).unwrap();
        let theirs = &o[key];
        close(r.t_stat, theirs["t_stat"].as_f64().unwrap(), 1e-9, key);
        within_mc(
            r.p_value,
            b,
            theirs["p_value"].as_f64().unwrap(),
            b,
            4.0,
            key,
        );
    }
    // the 2x2 fit runs the same bootstrap
    let f = effekt_did::fit_2x2(
        &d,
        &effekt_did::TwoByTwoConfig {
            wild_bootstrap: Some(cfg(b, WildWeights::Rademacher, WildKind::Wcr, 5)),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let r = wb
        .run(&cfg(b, WildWeights::Rademacher, WildKind::Wcr, 5), None)
        .unwrap();
    assert_eq!(f.wild_bootstrap.unwrap(), r);
}

#[test]
fn integer_weights_equal_duplicated_rows() {
    // WLS with weight 2 = the row twice (same cluster); the bootstrap t statistics agree up to
    // the small-sample factor (n differs), so the p-values are identical under enumeration
    let c = castle_cols();
    let w: Vec<f64> = (0..c.y.len())
        .map(|i| if i % 3 == 0 { 2.0 } else { 1.0 })
        .collect();
    let weighted = WildBootstrap::new(&castle_problem(&c, &c.g10, Some(&w))).unwrap();
    let mut d = Castle {
        y: vec![],
        post: vec![],
        sid: vec![],
        year: vec![],
        g10: vec![],
    };
    for (i, wi) in w.iter().enumerate() {
        for _ in 0..(*wi as usize) {
            d.y.push(c.y[i]);
            d.post.push(c.post[i]);
            d.sid.push(c.sid[i]);
            d.year.push(c.year[i]);
            d.g10.push(c.g10[i]);
        }
    }
    let dup = WildBootstrap::new(&castle_problem(&d, &d.g10, None)).unwrap();
    close(weighted.estimate(), dup.estimate(), 1e-10, "estimate");
    for kind in [WildKind::Wcr, WildKind::Wcu] {
        let cf = cfg(9999, WildWeights::Rademacher, kind, 1);
        let a = weighted.run(&cf, None).unwrap();
        let b = dup.run(&cf, None).unwrap();
        assert_eq!(a.p_value, b.p_value);
        let ta = weighted.t_stats(&cf);
        let tb = dup.t_stats(&cf);
        let ratio = a.t_stat / b.t_stat;
        for (x, y) in ta.iter().zip(&tb) {
            assert!((x - ratio * y).abs() <= 1e-9 * x.abs() + 1e-10, "{x} {y}");
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let c = castle_cols();
    let wb = WildBootstrap::new(&castle_problem(&c, &c.sid, None)).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                wb.run(&cfg(20_000, WildWeights::Webb, WildKind::Wcr, 9), None)
                    .unwrap()
            })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(5));
}

#[test]
fn twfe_fit_carries_the_wild_bootstrap_and_bad_options_are_errors() {
    let data = castle(None, &[]);
    let f = fit_twfe(
        &data,
        &TwfeConfig {
            vcov: VcovChoice::Cr1,
            wild_bootstrap: Some(cfg(999, WildWeights::Rademacher, WildKind::Wcr, 3)),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let w = f.wild_bootstrap.unwrap();
    close(w.estimate, f.estimate.estimate, 1e-10, "same coefficient");
    close(w.std_error, f.estimate.std_error, 1e-8, "same CR1 SE");
    assert!(w.conf_low.unwrap() < w.estimate && w.estimate < w.conf_high.unwrap());
    let c = castle_cols();
    let wb = WildBootstrap::new(&castle_problem(&c, &c.sid, None)).unwrap();
    for resamples in [0, 1, 98] {
        let e = wb
            .run(
                &WildBootstrapConfig {
                    resamples,
                    ..Default::default()
                },
                None,
            )
            .unwrap_err();
        assert!(e.to_string().contains("at least 99"), "{e}");
    }
    assert!(
        wb.run(
            &WildBootstrapConfig {
                level: 1.5,
                ..Default::default()
            },
            None
        )
        .is_err()
    );
    // a regressor collinear with the fixed effects
    let state_const: Vec<f64> = c.sid.iter().map(|&s| f64::from(s % 2)).collect();
    let mut p = castle_problem(&c, &c.sid, None);
    p.x = &state_const;
    assert!(matches!(
        WildBootstrap::new(&p),
        Err(effekt_did::DidError::NotIdentified { .. })
    ));
    let one = vec![0u32; c.y.len()];
    assert!(matches!(
        WildBootstrap::new(&castle_problem(&c, &one, None)),
        Err(effekt_did::DidError::SingleCluster { .. })
    ));
}

/// With G ≤ 5 clusters Rademacher weights have at most 2^G distinct draws: the default
/// (`WildWeights::Auto`) switches to Webb weights and says so; Rademacher weights chosen
/// explicitly get a warning recommending Webb; with more clusters the default stays
/// Rademacher (enumerated as before) without a warning.
#[test]
fn few_clusters_default_to_webb_weights_and_warn_about_rademacher() {
    let c = castle_cols();
    let g4: Vec<u32> = c.sid.iter().map(|s| (s - 1) % 4).collect();
    let g8: Vec<u32> = c.sid.iter().map(|s| (s - 1) % 8).collect();
    let wb4 = WildBootstrap::new(&castle_problem(&c, &g4, None)).unwrap();
    let wb8 = WildBootstrap::new(&castle_problem(&c, &g8, None)).unwrap();
    assert_eq!(WildBootstrapConfig::default().weights, WildWeights::Auto);

    let auto4 = wb4
        .run(&cfg(999, WildWeights::Auto, WildKind::Wcr, 1), None)
        .unwrap();
    assert_eq!(auto4.weights, WildWeights::Webb);
    assert!(!auto4.full_enumeration);
    assert_eq!(auto4.resamples, 999);
    assert!(
        auto4.method.contains("webb weights (the default"),
        "{}",
        auto4.method
    );
    assert_eq!(auto4.warnings.len(), 1);
    assert!(
        auto4.warnings[0]
            .to_string()
            .contains("Webb weights were used"),
        "{:?}",
        auto4.warnings
    );
    assert!(
        auto4.warnings[0].to_string().contains("2^4 = 16"),
        "{:?}",
        auto4.warnings
    );
    // identical to asking for Webb weights, which needs no warning
    let webb4 = wb4
        .run(&cfg(999, WildWeights::Webb, WildKind::Wcr, 1), None)
        .unwrap();
    assert_eq!(webb4.p_value, auto4.p_value);
    assert_eq!(webb4.conf_low, auto4.conf_low);
    assert!(webb4.warnings.is_empty());

    let rad4 = wb4
        .run(&cfg(999, WildWeights::Rademacher, WildKind::Wcr, 1), None)
        .unwrap();
    assert_eq!(rad4.weights, WildWeights::Rademacher);
    assert!(rad4.full_enumeration && rad4.resamples == 16);
    assert_eq!(rad4.warnings.len(), 1);
    assert!(
        rad4.warnings[0].to_string().contains("Rademacher")
            && rad4.warnings[0].to_string().contains("Webb"),
        "{:?}",
        rad4.warnings
    );
    // the coarseness the warning describes: p-values in steps of 2/16
    assert_eq!((rad4.p_value * 8.0).fract(), 0.0, "{}", rad4.p_value);

    let auto8 = wb8
        .run(&cfg(999, WildWeights::Auto, WildKind::Wcr, 1), None)
        .unwrap();
    let rad8 = wb8
        .run(&cfg(999, WildWeights::Rademacher, WildKind::Wcr, 1), None)
        .unwrap();
    assert_eq!(auto8.weights, WildWeights::Rademacher);
    assert!(auto8.warnings.is_empty() && rad8.warnings.is_empty());
    assert_eq!(auto8.p_value, rad8.p_value);
    assert!(auto8.full_enumeration);
}
