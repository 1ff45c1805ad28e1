//! The numbers of the report against R estimatr 1.0.0 and boot 1.3-28.1 on the same data
//! (fixture `tests/fixtures/reference_dim.json`, script `tests/fixtures/scripts/reference_dim.R`).
//!
//! The randomised design's effect comes from effekt-rct: without clusters estimatr's
//! `difference_in_means` (Neyman SE, which equals `lm_robust`'s HC2 SE, with Welch df); with
//! clusters `lm_robust(..., se_type = "CR2")`.

use effekt_data::{ReadOptions, Table, read_table};
use effekt_report::model::{OutcomeSection, Report, TidyRowDoc};
use effekt_report::{NoProgress, RunInputs, RunOptions, Study, run_study};
use effekt_testkit::Tol;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixture("reference_dim.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn table(path: &Path) -> Table {
    read_table(path, &ReadOptions::default()).unwrap()
}

fn run(study: &str, data: &Path) -> Report {
    let study = Study::parse(study, "study.toml").unwrap();
    let t = table(data);
    let inputs = RunInputs {
        study: &study,
        table: &t,
        data_file: "data.csv",
        data_sha256: String::new(),
        study_sha256: String::new(),
    };
    run_study(&inputs, &RunOptions::default(), &NoProgress).unwrap()
}

#[track_caller]
fn close(a: f64, b: f64, rel: f64, what: &str) {
    effekt_testkit::assert_close!(a, b, Tol::rel(rel).floor(1e-12), "{what}");
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
}

/// estimate, SE, t, df, p, CI of a tidy-like row against an estimatr row, to 1e-8 relative.
fn check_row(row: &TidyRowDoc, r: &Value, what: &str) {
    close(
        row.estimate.unwrap(),
        f(r, "estimate"),
        1e-8,
        &format!("{what} estimate"),
    );
    close(
        row.std_error.unwrap(),
        f(r, "std_error"),
        1e-8,
        &format!("{what} se"),
    );
    close(
        row.statistic.unwrap(),
        f(r, "statistic"),
        1e-8,
        &format!("{what} t"),
    );
    close(row.df.unwrap(), f(r, "df"), 1e-8, &format!("{what} df"));
    close(
        row.p_value.unwrap(),
        f(r, "p_value"),
        1e-8,
        &format!("{what} p"),
    );
    close(
        row.conf_low.unwrap(),
        f(r, "conf_low"),
        1e-8,
        &format!("{what} low"),
    );
    close(
        row.conf_high.unwrap(),
        f(r, "conf_high"),
        1e-8,
        &format!("{what} high"),
    );
}

fn pilot_study(cluster: bool, extra: &str) -> String {
    format!(
        r#"
[study]
intervention = "IHF"
units = "families"
[data]
path = "pilot.csv"
missing = "drop"
treatment = "treated"
unit = "family"
time = "wave"
{}
[design]
kind = "rct"
covariates = ["risk"]
[[outcomes]]
column = "closed"
template = "closed_lower_level"
[[outcomes]]
column = "rating"
template = "parent_rating"
[subgroups]
sex = "sex"
[inference]
bootstrap = 999
seed = 3
{extra}
"#,
        if cluster {
            "cluster = \"municipality\""
        } else {
            ""
        }
    )
}

fn outcome<'a>(r: &'a Report, id: &str) -> &'a OutcomeSection {
    r.outcomes.iter().find(|o| o.id == id).unwrap()
}

#[test]
fn difference_in_means_matches_estimatr() {
    let refv = reference();
    let r = run(&pilot_study(false, ""), &fixture("pilot.csv"));
    let o = outcome(&r, "closed");
    check_row(
        &o.tidy[0],
        &refv["pilot_closed_dim"],
        "closed difference_in_means",
    );
    // The Neyman standard error is lm_robust's HC2 one; only the df (Welch, not n − 2) differ.
    close(
        o.tidy[0].std_error.unwrap(),
        f(&refv["pilot_closed_hc2"], "std_error"),
        1e-8,
        "Neyman = HC2",
    );
    let m = &refv["pilot_means"];
    let cf = o.counterfactual.as_ref().unwrap();
    close(cf.treated_observed, f(m, "treated"), 1e-12, "treated mean");
    close(cf.control, f(m, "control"), 1e-12, "control mean");
    close(
        cf.treated_counterfactual,
        f(m, "control"),
        1e-12,
        "counterfactual",
    );
    assert_eq!(o.n_treated, Some(m["n_treated"].as_u64().unwrap()));
    assert_eq!(o.n_control, Some(m["n_control"].as_u64().unwrap()));
    assert_eq!(o.period, Some(2.0));
    // Headline: the difference in means, p-value and df of the HC2 test, bootstrap interval.
    let h = o.headline.as_ref().unwrap();
    close(h.estimate, 0.34375, 1e-12, "headline");
    close(
        h.p_value.unwrap(),
        f(&refv["pilot_closed_dim"], "p_value"),
        1e-8,
        "headline p",
    );
    assert!(h.interval_method.contains("BCa"), "{}", h.interval_method);
    assert!(h.conf_low < h.estimate && h.estimate < h.conf_high);
    // The rating outcome.
    check_row(
        &outcome(&r, "rating").tidy[0],
        &refv["pilot_rating_dim"],
        "rating difference_in_means",
    );
}

#[test]
fn difference_in_means_cr2_matches_estimatr_and_heads_the_report_with_few_clusters() {
    let refv = reference();
    let r = run(&pilot_study(true, ""), &fixture("pilot.csv"));
    let o = outcome(&r, "closed");
    check_row(&o.tidy[0], &refv["pilot_closed_cr2"], "closed CR2");
    assert_eq!(o.n_clusters, Some(8));
    // 8 clusters < 20: the headline interval is the CR2 interval, not the cluster bootstrap.
    let h = o.headline.as_ref().unwrap();
    close(
        h.conf_low,
        f(&refv["pilot_closed_cr2"], "conf_low"),
        1e-8,
        "headline low",
    );
    close(
        h.conf_high,
        f(&refv["pilot_closed_cr2"], "conf_high"),
        1e-8,
        "headline high",
    );
    close(
        h.df.unwrap(),
        f(&refv["pilot_closed_cr2"], "df"),
        1e-8,
        "headline df",
    );
    assert!(o.inference.reason.contains("8 clusters"));
}

/// A subgroup level's effect as published or as analysed.
trait Level {
    fn numbers(&self) -> [Option<f64>; 5];
}

impl Level for effekt_report::model::SubgroupEffect {
    fn numbers(&self) -> [Option<f64>; 5] {
        let l = self;
        [l.estimate, l.std_error, l.p_value, l.conf_low, l.conf_high]
    }
}

impl Level for effekt_report::analysis::subgroups::LevelRaw {
    fn numbers(&self) -> [Option<f64>; 5] {
        let l = self;
        [l.estimate, l.std_error, l.p_value, l.conf_low, l.conf_high]
    }
}

/// The level's estimate, SE, p-value and CI field by field, to 1e-8 relative.
struct Numbers {
    estimate: Option<f64>,
    std_error: Option<f64>,
    p_value: Option<f64>,
    conf_low: Option<f64>,
    conf_high: Option<f64>,
}

fn check_level(level: &impl Level, r: &Value, what: &str) {
    let [estimate, std_error, p_value, conf_low, conf_high] = level.numbers();
    let level = Numbers {
        estimate,
        std_error,
        p_value,
        conf_low,
        conf_high,
    };
    close(
        level.estimate.unwrap(),
        f(r, "estimate"),
        1e-8,
        &format!("{what} estimate"),
    );
    close(
        level.std_error.unwrap(),
        f(r, "std_error"),
        1e-8,
        &format!("{what} se"),
    );
    close(
        level.p_value.unwrap(),
        f(r, "p_value"),
        1e-8,
        &format!("{what} p"),
    );
    close(
        level.conf_low.unwrap(),
        f(r, "conf_low"),
        1e-8,
        &format!("{what} low"),
    );
    close(
        level.conf_high.unwrap(),
        f(r, "conf_high"),
        1e-8,
        &format!("{what} high"),
    );
}

#[test]
fn effects_by_sex_and_the_interaction_test_match_estimatr() {
    let refv = reference();
    for (cluster, key) in [(false, "pilot_sex_hc2"), (true, "pilot_sex_cr2")] {
        // The report suppresses this breakdown (2 of the 14 boys in the comparison group had
        // a case closed: a share with its group size would give the count), so the numbers
        // are checked where the report takes them from, the subgroup analysis.
        let text = pilot_study(cluster, "");
        let r = run(&text, &fixture("pilot.csv"));
        let shown = &outcome(&r, "closed").subgroups[0];
        assert!(shown.is_sex && shown.levels.iter().all(|l| l.suppressed));
        let study = Study::parse(&text, "study.toml").unwrap();
        let t = table(&fixture("pilot.csv"));
        let closed = study.resolved_outcomes().remove(0);
        let prep = effekt_report::analysis::prepare(&study, &t, &closed).unwrap();
        let s = effekt_report::analysis::subgroups::analyse(
            &t,
            &prep,
            "sex",
            true,
            0.95,
            effekt_report::Language::En,
        )
        .unwrap();
        assert!(s.is_sex);
        assert_eq!(s.column, "sex");
        let levels: Vec<&str> = s.levels.iter().map(|l| l.level.as_str()).collect();
        assert_eq!(levels, ["boy", "girl"]);
        check_level(&s.levels[0], &refv[key]["boy"], &format!("{key} boy"));
        check_level(&s.levels[1], &refv[key]["girl"], &format!("{key} girl"));
        let d = s.test.as_ref().unwrap();
        let i = &refv[key]["interaction"];
        close(d.difference.unwrap(), f(i, "estimate"), 1e-8, "difference");
        close(d.statistic, f(i, "statistic"), 1e-8, "t");
        close(d.df2.unwrap(), f(i, "df"), 1e-8, "df");
        close(d.p_value, f(i, "p_value"), 1e-8, "p");
        close(d.conf_low.unwrap(), f(i, "conf_low"), 1e-8, "low");
        close(d.conf_high.unwrap(), f(i, "conf_high"), 1e-8, "high");
    }
}

#[test]
fn balance_of_baseline_risk_matches_the_formula_in_r() {
    let refv = reference();
    let r = run(&pilot_study(false, ""), &fixture("pilot.csv"));
    let b = &outcome(&r, "closed").robustness.balance;
    let risk = b.iter().find(|x| x.covariate == "risk").unwrap();
    close(
        risk.smd_before.unwrap(),
        f(&refv["pilot_balance_risk"], "smd"),
        1e-10,
        "smd",
    );
    close(
        risk.var_ratio_before.unwrap(),
        f(&refv["pilot_balance_risk"], "var_ratio"),
        1e-10,
        "vr",
    );
    assert_eq!(risk.flagged, risk.smd_before.unwrap().abs() > 0.1);
}

#[test]
fn bootstrap_standard_error_agrees_with_r_boot_within_monte_carlo_error() {
    let refv = reference();
    let b = 9999.0;
    let r = run(
        &pilot_study(false, "").replace("bootstrap = 999", "bootstrap = 9999"),
        &fixture("pilot.csv"),
    );
    let row = &outcome(&r, "closed").tidy[1];
    let se = row.std_error.unwrap();
    let r_se = f(&refv["pilot_boot_se"], "std_error");
    let r_b = f(&refv["pilot_boot_se"], "resamples");
    // Relative MC s.e. of a bootstrap SD is about 1/sqrt(2B); allow 4 combined MC s.e.
    let rel = 4.0 * (1.0 / (2.0 * b) + 1.0 / (2.0 * r_b)).sqrt();
    close(se, r_se, rel, "bootstrap se");
}

#[test]
fn thornton_cluster_randomised_incentives_match_estimatr() {
    let refv = reference();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/thornton_hiv.csv");
    let study = |cluster: bool| {
        format!(
            r#"
[data]
path = "thornton_hiv.csv"
missing = "drop"
treatment = "any"
{}
[design]
kind = "rct"
[[outcomes]]
column = "got"
type = "binary"
label = "Learned HIV result"
[subgroups]
columns = ["hiv2004"]
[inference]
bootstrap = 199
seed = 11
"#,
            if cluster { "cluster = \"villnum\"" } else { "" }
        )
    };
    let r = run(&study(true), &data);
    let o = &r.outcomes[0];
    check_row(&o.tidy[0], &refv["thornton_cr2"], "thornton CR2");
    let n = &refv["thornton_n"];
    assert_eq!(o.n, Some(n["n"].as_u64().unwrap()));
    assert_eq!(o.n_treated, Some(n["n_treated"].as_u64().unwrap()));
    assert_eq!(o.n_clusters, Some(n["clusters"].as_u64().unwrap()));
    // 119 clusters: the headline interval is the cluster bootstrap.
    assert!(
        o.headline
            .as_ref()
            .unwrap()
            .interval_method
            .contains("bootstrap")
    );
    // hiv2004 = -1 has 3 people in the comparison arm: the whole breakdown is suppressed.
    let s = &o.subgroups[0];
    assert!(!s.is_sex);
    assert!(
        s.levels
            .iter()
            .all(|l| l.suppressed && l.estimate.is_none()),
        "{s:?}"
    );
    assert!(s.difference_test.is_none());
    assert!(
        r.privacy
            .suppressions
            .iter()
            .any(|x| x.reason.contains("hiv2004 = -1"))
    );

    // Without the -1 rows the effects by HIV status are shown and match estimatr.
    let dir = tempfile::tempdir().unwrap();
    let filtered = dir.path().join("thornton_01.csv");
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let hiv = header.split(',').position(|c| c == "hiv2004").unwrap();
    let mut out = format!("{header}\n");
    for l in lines {
        if l.split(',').nth(hiv) != Some("-1.0") {
            out.push_str(l);
            out.push('\n');
        }
    }
    std::fs::write(&filtered, out).unwrap();
    let r01 = run(&study(true), &filtered);
    let s = &r01.outcomes[0].subgroups[0];
    let h = &refv["thornton_hiv_cr2"];
    assert_eq!(
        r01.outcomes[0].n.exact().unwrap() + h["n_minus_one"].as_u64().unwrap(),
        n["n"].as_u64().unwrap()
    );
    let levels: Vec<&str> = s.levels.iter().map(|l| l.level.as_str()).collect();
    assert_eq!(levels, ["0", "1"]);
    check_level(&s.levels[0], &h["level0"], "hiv 0");
    check_level(&s.levels[1], &h["level1"], "hiv 1");
    let d = s.difference_test.as_ref().unwrap();
    close(
        d.difference.unwrap(),
        f(&h["interaction"], "estimate"),
        1e-8,
        "interaction",
    );
    close(
        d.df2.unwrap(),
        f(&h["interaction"], "df"),
        1e-8,
        "interaction df",
    );
    close(
        d.p_value,
        f(&h["interaction"], "p_value"),
        1e-8,
        "interaction p",
    );
    assert_eq!(h["n_missing"].as_u64(), Some(0));
    let r = run(&study(false), &data);
    check_row(
        &r.outcomes[0].tidy[0],
        &refv["thornton_dim"],
        "thornton difference_in_means",
    );
}
