//! Property tests: the low-rank (k × k) CR2 route equals the n_g × n_g route; fitting never
//! panics on arbitrary finite data; demeaning by one factor removes group means.
//!
//! The route comparison allows 1e-7 (vcov) / 1e-6 (df): random designs with two clusters can
//! put almost all leverage in one cluster, where `(1 − λ)^{-1/2}` with `1 − λ ≈ 1e-9` amplifies
//! rounding in either route to ~1e-7. On the reference data sets the routes agree to 1e-8
//! (tests/cr_reference.rs); a wrong route would differ at O(1).

use effekt_models::{
    Cr2Route, DemeanOptions, DesignBuilder, LogitOptions, ModelError, OlsOptions,
    VarianceEstimator, demean, logit, ols,
};
use proptest::prelude::*;

type Data = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<u32>, Vec<f64>, bool);

fn data() -> impl Strategy<Value = Data> {
    (12usize..40).prop_flat_map(|n| {
        (
            prop::collection::vec(-3.0f64..3.0, n),
            prop::collection::vec(-3.0f64..3.0, n),
            prop::collection::vec(-5.0f64..5.0, n),
            prop::collection::vec(0u32..4, n),
            prop::collection::vec(0.2f64..3.0, n),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)))]

    #[test]
    fn cr2_low_rank_route_equals_direct((x1, x2, y, cl, w, weighted) in data()) {
        let n = y.len();
        // one cluster is large (rows with code 0 plus every 3rd row) so both routes are exercised
        let cl: Vec<u32> = cl.iter().enumerate().map(|(i, &c)| if i % 3 == 0 { 0 } else { c }).collect();
        let design = DesignBuilder::new(n).intercept().numeric("x1", x1).numeric("x2", x2).build().unwrap();
        let wopt = weighted.then_some(w.as_slice());
        let base = match ols(&design, &y, &OlsOptions { weights: wopt, vcov: Some(VarianceEstimator::Hc0), ..Default::default() }) {
            Ok(f) => f,
            Err(_) => return Ok(()),
        };
        let fits: Vec<_> = [Cr2Route::Direct, Cr2Route::LowRank, Cr2Route::Auto]
            .iter()
            .map(|&r| base.with_vcov_route(VarianceEstimator::Cr2, Some(&cl), r))
            .collect();
        if fits.iter().any(|f| f.is_err()) {
            return Ok(());
        }
        let fits: Vec<_> = fits.into_iter().map(|f| f.unwrap()).collect();
        let k = base.rank();
        let c = vec![0.3; k];
        for f in &fits[1..] {
            for i in 0..k {
                for j in 0..k {
                    let a = fits[0].vcov().matrix()[(i, j)];
                    let b = f.vcov().matrix()[(i, j)];
                    let s = (fits[0].vcov().matrix()[(i, i)] * fits[0].vcov().matrix()[(j, j)]).sqrt();
                    prop_assert!((a - b).abs() <= 1e-7 * s.max(1e-300), "vcov {} {}: {} vs {}", i, j, a, b);
                }
                let (a, b) = (fits[0].df()[i], f.df()[i]);
                prop_assert!((a - b).abs() <= 1e-6 * a.abs(), "df {}: {} vs {}", i, a, b);
            }
            let (a, b) = (fits[0].contrast_df(&c).unwrap(), f.contrast_df(&c).unwrap());
            prop_assert!((a - b).abs() <= 1e-6 * a.abs());
        }
    }

    #[test]
    fn ols_and_vcov_never_panic(
        vals in prop::collection::vec(prop::num::f64::NORMAL | prop::num::f64::ZERO, 6..30),
        cl in prop::collection::vec(0u32..3, 30),
    ) {
        let n = vals.len() / 2;
        // Beyond effekt_data::MAX_MAGNITUDE (1e150) a column is refused with a clear error ...
        let raw = DesignBuilder::new(n).intercept().numeric("x", vals[..n].to_vec()).build();
        let too_large = vals[..n].iter().any(|v| v.abs() > 1e150);
        prop_assert_eq!(raw.is_err(), too_large, "{:?}", raw.as_ref().err());
        if let Err(e) = &raw {
            prop_assert!(matches!(e, ModelError::TooLarge { .. }), "{:?}", e);
        }
        // ... so the fits below run on values folded into range (v mod 1e150 keeps their variety).
        let x: Vec<f64> = vals[..n].iter().map(|v| v % 1e150).collect();
        let y: Vec<f64> = vals[n..2 * n].iter().map(|v| v % 1e150).collect();
        let design = DesignBuilder::new(n).intercept().numeric("x", x).build().unwrap();
        for est in [VarianceEstimator::Classical, VarianceEstimator::Hc2, VarianceEstimator::Hc3, VarianceEstimator::Cr2] {
            let clusters = est.is_clustered().then_some(&cl[..n]);
            if let Ok(f) = ols(&design, &y, &OlsOptions { vcov: Some(est), clusters, ..Default::default() }) {
                let _ = f.tidy(0.95);
                let _ = f.wald(&[vec![0.0, 1.0]], None);
            }
        }
    }

    #[test]
    fn one_factor_demeaning_removes_weighted_group_means(
        x in prop::collection::vec(-100.0f64..100.0, 5..50),
        g in prop::collection::vec(0u32..5, 50),
        w in prop::collection::vec(0.1f64..2.0, 50),
    ) {
        let n = x.len();
        let d = demean(&[&x], &[&g[..n]], Some(&w[..n]), &DemeanOptions::default()).unwrap();
        for level in 0..5u32 {
            let (s, sw) = (0..n).filter(|&i| g[i] == level).fold((0.0, 0.0), |(s, sw), i| (s + w[i] * d.columns[0][i], sw + w[i]));
            if sw > 0.0 {
                prop_assert!((s / sw).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn tiny_and_wide_designs_never_panic(
        n in 0usize..7,
        p in 1usize..6,
        vals in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), -2.0f64..2.0], 42),
        keep in 0usize..6,
    ) {
        let mut b = DesignBuilder::new(n).intercept();
        for j in 0..p {
            b = b.numeric(format!("x{j}"), vals[j * 7..j * 7 + n].to_vec());
        }
        if keep < p {
            b = b.must_keep(format!("x{keep}"));
        }
        let design = b.build().unwrap();
        let y: Vec<f64> = vals[35..35 + n].to_vec();
        let y01: Vec<f64> = y.iter().map(|v| if *v > 0.5 { 1.0 } else { 0.0 }).collect();
        let cl: Vec<u32> = (0..n as u32).map(|i| i % 2).collect();
        for est in [VarianceEstimator::Hc3, VarianceEstimator::Cr1, VarianceEstimator::Cr2] {
            let clusters = est.is_clustered().then_some(cl.as_slice());
            let _ = ols(&design, &y, &OlsOptions { vcov: Some(est), clusters, ..Default::default() });
        }
        let _ = logit(&design, &y01, None, &LogitOptions::default());
    }
}
