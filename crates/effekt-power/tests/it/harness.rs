//! The simulation harness: agreement with analytic power, coverage, determinism across thread
//! counts, early stopping, and honest counting of failed and non-finite simulations.

use effekt_power::sim::builtin::{
    AnalysisSpec, DgpSpec, SimulationConfig, analytic_counterpart, run_config,
};
use effekt_power::sim::{Draw, RunOptions, SimEstimate, run};
use std::sync::atomic::{AtomicU64, Ordering};

fn cfg(text: &str) -> SimulationConfig {
    SimulationConfig::from_toml_str(text).unwrap()
}

fn within_3_se(sim: f64, se: f64, analytic: f64, what: &str) {
    assert!(
        (sim - analytic).abs() <= 3.0 * se,
        "{what}: simulated {sim} (MC s.e. {se}) vs analytic {analytic}"
    );
}

#[test]
fn simulated_power_matches_analytic_t_tests() {
    for analysis in ["student", "welch"] {
        let c = cfg(&format!(
            "seed = 11\nsimulations = 2000\n[dgp]\nkind = \"two-groups\"\nn_treated = 30\nn_control = 45\neffect = 0.5\n[analysis]\nkind = \"{analysis}\"\n"
        ));
        let r = run_config(&c, &|_| {}).unwrap();
        let a = r.analytic.as_ref().unwrap().power;
        assert!(a > 0.4 && a < 0.8, "{a}");
        within_3_se(r.summary.power.value, r.summary.power.mc_se, a, analysis);
        assert_eq!(r.summary.n_valid, 2000);
        within_3_se(
            r.summary.coverage.value,
            r.summary.coverage.mc_se,
            0.95,
            "coverage",
        );
        assert!(r.summary.bias.value.abs() < 3.0 * r.summary.bias.mc_se);
    }
}

#[test]
fn simulated_power_matches_analytic_cluster_means() {
    let c = cfg(
        "seed = 5\nsimulations = 2000\n[dgp]\nkind = \"cluster-rct\"\nclusters = 12\ncluster_size = 20\nicc = 0.08\neffect = 0.45\n[analysis]\nkind = \"cluster-means\"\n",
    );
    let r = run_config(&c, &|_| {}).unwrap();
    let a = r.analytic.as_ref().unwrap();
    assert!(a.df == Some(10.0));
    within_3_se(
        r.summary.power.value,
        r.summary.power.mc_se,
        a.power,
        "cluster means",
    );
}

#[test]
fn simulated_power_close_to_analytic_pooled_z() {
    // The z-test's normal approximation is itself approximate; agreement within 3 MC s.e. at
    // n = 200 per group (analytic power about 0.7).
    let c = cfg(
        "seed = 9\nsimulations = 2000\n[dgp]\nkind = \"two-proportions\"\nn_treated = 200\nn_control = 200\np_treated = 0.55\np_control = 0.42\n[analysis]\nkind = \"z-pooled\"\n",
    );
    let r = run_config(&c, &|_| {}).unwrap();
    let a = r.analytic.as_ref().unwrap().power;
    within_3_se(r.summary.power.value, r.summary.power.mc_se, a, "z pooled");
}

#[test]
#[ignore = "slow: 40,000 simulations; run with --ignored"]
fn coverage_of_welch_ci_slow() {
    let c = cfg(
        "seed = 3\nsimulations = 40000\n[dgp]\nkind = \"two-groups\"\nn_treated = 20\nn_control = 20\neffect = 0.3\nsd_treated = 1.5\n[analysis]\nkind = \"welch\"\n",
    );
    let r = run_config(&c, &|_| {}).unwrap();
    let cov = r.summary.coverage.value;
    assert!((0.94..=0.96).contains(&cov), "{cov}");
    within_3_se(cov, r.summary.coverage.mc_se, 0.95, "Welch coverage");
}

fn determinism_config() -> SimulationConfig {
    cfg(
        "seed = 42\nsimulations = 700\nbatch_size = 64\ntarget_mc_se = 0.02\nmin_simulations = 100\n[dgp]\nkind = \"ihf\"\nwave = 2\nestimand = \"att\"\noutcome = \"closed_lower_level\"\n[dgp.config]\nfamilies = 60\nmunicipalities = 6\n[analysis]\nkind = \"welch\"\n",
    )
}

#[test]
fn bit_identical_at_any_thread_count() {
    let c = determinism_config();
    let mut outs = Vec::new();
    for threads in [1, 2, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let count = AtomicU64::new(0);
        let r = pool
            .install(|| {
                run_config(&c, &|k| {
                    count.fetch_add(k, Ordering::Relaxed);
                })
            })
            .unwrap();
        assert_eq!(count.load(Ordering::Relaxed), r.summary.simulations_run);
        outs.push(serde_json::to_string(&r).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
}

#[test]
fn early_stop_at_batch_boundary() {
    let c = determinism_config();
    let r = run_config(&c, &|_| {}).unwrap();
    let s = &r.summary;
    assert!(s.stopped_early);
    assert!(
        s.simulations_run < 700 && s.simulations_run.is_multiple_of(64) && s.simulations_run >= 100
    );
    assert!(s.power.mc_se <= 0.021);
    // Without the target the full count runs.
    let mut full = c.clone();
    full.target_mc_se = None;
    assert_eq!(
        run_config(&full, &|_| {}).unwrap().summary.simulations_run,
        700
    );
}

#[test]
fn failures_and_non_finite_are_counted() {
    let opts = RunOptions {
        seed: 1,
        simulations: 300,
        batch_size: 50,
        ..RunOptions::default()
    };
    let dgp = |rng: &mut effekt_resample::Rng| -> effekt_power::Result<Draw<u64>> {
        use rand::Rng as _;
        Ok(Draw {
            data: rng.random_range(0..10u64),
            truth: 0.0,
        })
    };
    let analysis = |d: &u64| -> Result<SimEstimate, String> {
        match d {
            0 => Err("no treated units".into()),
            1 => Ok(SimEstimate {
                estimate: f64::NAN,
                std_error: 1.0,
                conf_low: -1.0,
                conf_high: 1.0,
                p_value: 0.01,
            }),
            _ => Ok(SimEstimate {
                estimate: 0.1,
                std_error: 1.0,
                conf_low: -1.0,
                conf_high: 1.0,
                p_value: 0.01,
            }),
        }
    };
    let s = run(&opts, &dgp, &analysis, &|_| {}).unwrap();
    assert!(s.n_failed > 10 && s.n_non_finite > 10);
    assert_eq!(s.n_failed + s.n_non_finite + s.n_valid, 300);
    assert!(
        s.first_failure
            .as_deref()
            .unwrap()
            .contains("no treated units")
    );
    // Failed and non-finite simulations are non-rejections; every valid one rejects here.
    assert_eq!(s.power.value, s.n_valid as f64 / 300.0);
    assert!((s.bias.value - 0.1).abs() < 1e-12);
}

#[test]
fn config_errors() {
    let unknown = "seed = 1\nsimulatons = 10\n[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 0.1\n[analysis]\nkind = \"welch\"\n";
    let e = SimulationConfig::from_toml_str(unknown)
        .unwrap_err()
        .to_string();
    assert!(e.contains("simulatons"), "{e}");
    let nested =
        "[dgp]\nkind = \"cluster-rct\"\nclusterz = 5\n[analysis]\nkind = \"cluster-means\"\n";
    assert!(
        SimulationConfig::from_toml_str(nested)
            .unwrap_err()
            .to_string()
            .contains("clusterz")
    );
    let mismatch = "[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 0.1\n[analysis]\nkind = \"cluster-means\"\n";
    assert!(
        SimulationConfig::from_toml_str(mismatch)
            .unwrap_err()
            .to_string()
            .contains("clustered design")
    );
    let alpha = "alpha = 1.5\n[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 0.1\n[analysis]\nkind = \"welch\"\n";
    assert!(SimulationConfig::from_toml_str(alpha).is_err());
    let wave = "[dgp]\nkind = \"ihf\"\noutcome = \"closed_lower_level\"\nwave = 0\nestimand = \"all\"\n[analysis]\nkind = \"welch\"\n";
    assert!(
        SimulationConfig::from_toml_str(wave)
            .unwrap_err()
            .to_string()
            .contains("follow-up wave")
    );
    // Parameters on a scale whose squares overflow: refused (every simulation would otherwise
    // come out non-finite), the number written compactly.
    for (key, value) in [("effect", "1e300"), ("sd_treated", "1e200")] {
        let text = format!(
            "[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 0.1\n{key} = {value}\n[analysis]\nkind = \"welch\"\n"
        )
        .replace("effect = 0.1\neffect", "effect");
        let e = SimulationConfig::from_toml_str(&text)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("{key} = {value} is not valid")), "{e}");
        assert!(e.contains("1e100"), "{e}");
    }
    // One cluster in an arm: no variance to estimate, said up front (the analytic comparison
    // used to fail after the whole simulation with "clusters = 1 ... must be at least 1.5").
    let one = "[dgp]\nkind = \"cluster-rct\"\nclusters = 3\ncluster_size = 5\neffect = 0.5\n[analysis]\nkind = \"rct\"\n";
    let e = SimulationConfig::from_toml_str(one)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("2 treated and 1 control") && e.contains("at least 2 clusters in each arm"),
        "{e}"
    );
}

#[test]
fn defaults_parse_and_counterpart_absent_where_no_formula() {
    let c = cfg(
        "[dgp]\nkind = \"tfco\"\nestimand = \"all\"\n[dgp.config]\nyouths = 40\n[analysis]\nkind = \"welch\"\n",
    );
    assert_eq!(c.simulations, 1000);
    assert!(matches!(c.dgp, DgpSpec::Tfco { .. }));
    assert_eq!(c.analysis, AnalysisSpec::Welch);
    assert!(analytic_counterpart(&c).unwrap().is_none());
}

#[test]
fn ols_cr2_equals_cluster_means_with_equal_clusters_and_matches_analytic() {
    // With equal cluster sizes and only a treatment indicator, the CR2 standard error equals the
    // cluster-means t-test's, with Satterthwaite df = G − 2 (Bell & McCaffrey 2002); so the
    // simulated power must agree with the analytic cluster power within MC error.
    let base = "seed = 21\nsimulations = 1000\n[dgp]\nkind = \"cluster-rct\"\nclusters = 12\ncluster_size = 15\nicc = 0.1\neffect = 0.5\n[analysis]\nkind = ";
    let a = run_config(&cfg(&format!("{base}\"ols-cr2\"\n")), &|_| {}).unwrap();
    let b = run_config(&cfg(&format!("{base}\"cluster-means\"\n")), &|_| {}).unwrap();
    assert_eq!(a.summary.n_valid, 1000);
    assert!(
        (a.summary.power.value - b.summary.power.value).abs() < 0.005,
        "{} vs {}",
        a.summary.power.value,
        b.summary.power.value
    );
    assert!((a.summary.mean_std_error - b.summary.mean_std_error).abs() < 1e-9);
    let analytic = b.analytic.unwrap().power;
    within_3_se(
        a.summary.power.value,
        a.summary.power.mc_se,
        analytic,
        "ols-cr2",
    );
    within_3_se(
        a.summary.coverage.value,
        a.summary.coverage.mc_se,
        0.95,
        "CR2 coverage",
    );
}
