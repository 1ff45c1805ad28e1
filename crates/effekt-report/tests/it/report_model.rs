//! The document model: JSON round trip and schema version, determinism, languages, the HTML's
//! self-containedness, designs not wired in yet, located errors, and the contract.

use effekt_data::{ReadOptions, read_table};
use effekt_report::adapt::{self, AdapterInput};
use effekt_report::analysis;
use effekt_report::model::Report;
use effekt_report::{
    Format, Language, NoProgress, ReportError, RunInputs, RunOptions, SCHEMA_VERSION, Study,
    render, run_study,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn pilot_text() -> String {
    std::fs::read_to_string(fixture("pilot_study.toml")).unwrap()
}

fn run_text(text: &str, lang: Option<Language>) -> Result<Report, ReportError> {
    let study = Study::parse(text, "pilot_study.toml")?;
    let table = read_table(&fixture("pilot.csv"), &ReadOptions::default()).unwrap();
    let bytes = std::fs::read(fixture("pilot.csv")).unwrap();
    let inputs = RunInputs {
        study: &study,
        table: &table,
        data_file: "pilot.csv",
        data_sha256: effekt_report::sha256_hex(&bytes),
        study_sha256: effekt_report::sha256_hex(text.as_bytes()),
    };
    run_study(&inputs, &RunOptions { language: lang }, &NoProgress)
}

#[test]
fn json_round_trips_through_the_model_and_carries_the_schema_version() {
    let r = run_text(&pilot_text(), None).unwrap();
    let json = render(&r, Format::Json).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    // Exact: floats are written shortest-round-trip and parsed with serde_json's
    // `float_roundtrip`.
    assert_eq!(back, r);
    assert_eq!(render(&back, Format::Json).unwrap(), json);
    assert_eq!(back.schema_version, SCHEMA_VERSION);
    assert_eq!(back.manifest.schema_version, SCHEMA_VERSION);
    assert_eq!(back.manifest.data_sha256.len(), 64);
    assert_eq!(back.manifest.seed, 20240611);
    assert_eq!(back.manifest.study["data"]["path"], "pilot.csv");
    // Unknown fields are rejected: a document of another shape is not half-read.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["surprise"] = serde_json::json!(1);
    assert!(serde_json::from_value::<Report>(v).is_err());
}

#[test]
fn same_seed_gives_identical_output_at_any_thread_count() {
    let text = pilot_text();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| render(&run_text(&text, None).unwrap(), Format::Json).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(3));
    let html = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| render(&run_text(&text, None).unwrap(), Format::Html).unwrap())
    };
    assert_eq!(html(1), html(2));
}

#[test]
fn html_is_self_contained_with_inline_svg() {
    let r = run_text(&pilot_text(), None).unwrap();
    let html = render(&r, Format::Html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"));
    assert!(
        html.matches("<svg").count() >= 6,
        "bars, trajectory, histogram, contract, power"
    );
    assert!(html.contains("<style>"));
    let lower = html.to_lowercase();
    for bad in [
        "src=",
        "href=\"http",
        "href='http",
        "<script",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    // Only in-page anchors.
    for (i, _) in lower.match_indices("href=") {
        assert_eq!(&lower[i + 5..i + 7], "\"#");
    }
    assert!(html.contains("counterfactual"));
    assert!(html.contains("@media print"));
    assert!(html.contains("Gender analysis"));
}

#[test]
fn swedish_report_uses_swedish_terms_and_decimal_commas() {
    let r = run_text(&pilot_text(), Some(Language::Sv)).unwrap();
    assert_eq!(r.language, Language::Sv);
    let html = render(&r, Format::Html).unwrap();
    assert!(html.contains("<html lang=\"sv\">"));
    for word in [
        "kontrafaktisk",
        "konfidensintervall",
        "Jämställdhetsanalys",
        "Jämförelsegrupp",
        "Insatsgrupp",
        "procentenheter",
        "Effekt",
    ] {
        assert!(html.contains(word), "{word}");
    }
    let h = r.outcomes[0].headline.as_ref().unwrap();
    assert!(
        h.sentence.contains("procentenheter högre"),
        "{}",
        h.sentence
    );
    assert!(h.sentence.contains("KI"), "{}", h.sentence);
    assert!(
        h.counterfactual_sentence.contains("50,0 %"),
        "{}",
        h.counterfactual_sentence
    );
    assert!(h.sentence.contains("p = 0,0"), "{}", h.sentence);
    // The inference texts the report writes itself are Swedish too.
    assert!(r.outcomes[0].inference.reason.contains("kluster"));
    let md = render(&r, Format::Markdown).unwrap();
    assert!(md.contains("kontrafaktisk"));
    // English for comparison.
    let en = run_text(&pilot_text(), None).unwrap();
    let s = &en.outcomes[0].headline.as_ref().unwrap().sentence;
    assert!(
        s.starts_with("An estimated 34 percentage points more cases were closed to a lower level of intervention than would have been without IHF (95 % CI"),
        "{s}"
    );
}

#[test]
fn every_design_runs_or_names_the_problem() {
    let base = pilot_text();
    // Matching on the pilot's baseline characteristics (34 treated, 32 comparison units: the
    // effect on the comparison units, matching each to a treated unit): matched sample, love
    // plot, IPW/AIPW beside it.
    let matching = base.replace(
        "kind = \"rct\"\ncovariates = [\"risk\", \"sex\"]",
        "kind = \"matching\"\ncovariates = [\"risk\", \"sex\"]\nestimand = \"atc\"",
    );
    let r = run_text(&matching, None).unwrap();
    assert_eq!(
        r.study.design.kind,
        effekt_report::model::DesignKind::Matching
    );
    let o = &r.outcomes[0];
    assert!(o.sample.is_some());
    assert!(!o.plots.love.is_empty());
    assert!(
        o.robustness
            .alternatives
            .iter()
            .any(|a| a.method.contains("AIPW"))
    );
    // ANCOVA through effekt-rct.
    let ancova = base.replace("kind = \"rct\"", "kind = \"rct\"\nestimator = \"ancova\"");
    let r = run_text(&ancova, None).unwrap();
    assert!(
        r.outcomes[0]
            .headline
            .as_ref()
            .unwrap()
            .method
            .contains("ANCOVA")
    );
    // The pilot's treatment is on from the intake wave: a DiD has no pre-period, and says so.
    let did = base.replace(
        "kind = \"rct\"\ncovariates = [\"risk\", \"sex\"]",
        "kind = \"did\"",
    );
    let e = run_text(&did, None).unwrap_err();
    assert!(e.is_bad_input(), "{e}");
    assert!(e.to_string().contains("closed"), "names the outcome: {e}");
}

#[test]
fn a_missing_column_names_the_key_line_and_data_file() {
    let text = pilot_text().replace("column = \"rating\"", "column = \"ratings\"");
    let line = text
        .lines()
        .position(|l| l.contains("\"ratings\""))
        .unwrap()
        + 1;
    let e = run_text(&text, None).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, ReportError::MissingColumn(_)));
    assert!(msg.contains(&format!("line {line}")), "{msg}");
    assert!(
        msg.contains("outcomes[1].column") && msg.contains("\"ratings\""),
        "{msg}"
    );
    assert!(
        msg.contains("pilot.csv") && msg.contains("did you mean \"rating\""),
        "{msg}"
    );
}

/// A `;` file read with the wrong delimiter: the missing column says which delimiter would
/// split the header, in study-file words.
#[test]
fn a_missing_column_from_a_header_read_as_one_column_suggests_the_delimiter() {
    let study = Study::parse(&pilot_text(), "pilot_study.toml").unwrap();
    let csv = std::fs::read_to_string(fixture("pilot.csv"))
        .unwrap()
        .replace(',', ";");
    let options = ReadOptions {
        delimiter: Some(','),
        ..ReadOptions::default()
    };
    let table = effekt_data::read_csv_str("pilot.csv", &csv, &options).unwrap();
    let msg = study
        .check_columns(&table, "pilot.csv")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("seems to use `;` as delimiter")
            && msg.contains("delimiter = \";\" under [data]"),
        "{msg}"
    );
}

/// A 9 coded for "not answered" among 1–5 ratings is named, with its row, before anything is
/// averaged; the same code left empty is analysed (fuzz finding: −9223372036854775808 in the
/// rating column used to reach the trajectory plot and overflow its pixel arithmetic).
#[test]
fn a_rating_outside_the_templates_scale_names_file_column_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(fixture("pilot.csv")).unwrap();
    let line = "62,Gården,1,1,boy,sv,7.5,0,3";
    assert!(csv.contains(line), "the fixture changed");
    let row = csv.lines().position(|l| l == line).unwrap() + 1;
    let text = pilot_text();
    let study = Study::parse(&text, "pilot_study.toml").unwrap();
    let run = |csv: String| {
        let path = dir.path().join("pilot.csv");
        std::fs::write(&path, &csv).unwrap();
        let table = read_table(&path, &ReadOptions::default()).unwrap();
        let inputs = RunInputs {
            study: &study,
            table: &table,
            data_file: "pilot.csv",
            data_sha256: effekt_report::sha256_hex(csv.as_bytes()),
            study_sha256: effekt_report::sha256_hex(text.as_bytes()),
        };
        run_study(&inputs, &RunOptions { language: None }, &NoProgress)
    };
    for code in ["9", "-9223372036854775808"] {
        let e = run(csv.replace(line, &format!("62,Gården,1,1,boy,sv,7.5,0,{code}"))).unwrap_err();
        assert!(matches!(e, ReportError::OutsideScale(_)), "{e}");
        assert!(e.is_bad_input());
        let msg = e.to_string();
        for part in [
            "\"rating\"",
            &format!("row {row}"),
            code,
            "1–5",
            "parent_rating",
            "empty",
        ] {
            assert!(msg.contains(part), "{part} in {msg}");
        }
    }
    run(csv.replace(line, "62,Gården,1,1,boy,sv,7.5,0,")).expect("an empty rating is missing");
}

#[test]
fn missing_values_under_the_error_policy_name_column_and_row() {
    let text = pilot_text().replace("missing = \"drop\"", "missing = \"error\"");
    let e = run_text(&text, None).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("closed") && msg.contains("row "), "{msg}");
    assert!(msg.contains("wave 2"), "{msg}");
    assert!(e.is_bad_input());
}

#[test]
fn contract_shares_not_summing_to_one_name_the_key_and_line() {
    let text = pilot_text().replace(
        "funded_by = [{ party = \"municipality\", share = 0.5 }, { party = \"state\", share = 0.5 }]",
        "funded_by = [{ party = \"municipality\", share = 0.5 }, { party = \"state\", share = 0.4 }]",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("funded_by"))
        .unwrap()
        + 1;
    let msg = Study::parse(&text, "s.toml").unwrap_err().to_string();
    assert!(
        msg.contains(&format!("line {line}")) && msg.contains("contract.funded_by"),
        "{msg}"
    );
    assert!(msg.contains("sum to 0.9"), "{msg}");
    let text = pilot_text().replace("share = 0.5\npayout", "share = 0.6\npayout");
    let msg = Study::parse(&text, "s.toml").unwrap_err().to_string();
    let line = text
        .lines()
        .position(|l| l == "[[contract.components]]")
        .unwrap()
        + 1;
    assert!(
        msg.contains(&format!("line {line}")) && msg.contains("contract.components"),
        "{msg}"
    );
}

#[test]
fn contract_probabilities_are_shares_of_bootstrap_replicates_and_caps_hold() {
    let text = pilot_text();
    let r = run_text(&text, None).unwrap();
    let c = r.contract.as_ref().unwrap();
    // Recompute the replicates of the `closed` effect through the same adapter.
    let study = Study::parse(&text, "s.toml").unwrap();
    let table = read_table(&fixture("pilot.csv"), &ReadOptions::default()).unwrap();
    let outcome = &study.resolved_outcomes()[0];
    let prepared = analysis::prepare(&study, &table, outcome).unwrap();
    let est = adapt::estimate(&AdapterInput {
        study: &study,
        table: &table,
        prepared: &prepared,
        want_treated_draws: true,
        lang: Language::En,
        progress: None,
    })
    .unwrap();
    let reps = &est.bootstrap.as_ref().unwrap().replicates;
    assert_eq!(c.evaluation.n_draws, reps.len());
    for (id, t) in [("closed_10pp", 0.10), ("closed_20pp", 0.20)] {
        let th = c.evaluation.thresholds.iter().find(|x| x.id == id).unwrap();
        let met = reps.iter().filter(|&&v| v >= t).count();
        assert_eq!(th.n_met, met as u64, "{id}");
        assert_eq!(th.probability, met as f64 / reps.len() as f64, "{id}");
    }
    // The state pays at most 40 % of 6 MSEK on every replicate.
    let state = c
        .evaluation
        .parties
        .iter()
        .find(|p| p.id == "state")
        .unwrap();
    let paid = state.paid.as_ref().unwrap();
    assert!(paid.max <= 0.4 * 6_000_000.0 + 1e-6, "{}", paid.max);
    // Everything paid is received.
    let total_paid: f64 = c
        .evaluation
        .parties
        .iter()
        .filter_map(|p| p.paid.as_ref())
        .map(|s| s.mean)
        .sum();
    let total_received: f64 = c
        .evaluation
        .parties
        .iter()
        .filter_map(|p| p.received.as_ref())
        .map(|s| s.mean)
        .sum();
    assert!((total_paid - total_received).abs() < 1e-6);
}

#[test]
fn the_annotated_example_in_the_docs_and_the_ihf_example_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc =
        std::fs::read_to_string(root.join("crates/effekt-report/docs/report-schema.md")).unwrap();
    let start = doc.find("```toml\n").unwrap() + 8;
    let end = start + doc[start..].find("```").unwrap();
    let study = Study::parse(
        &doc[start..end],
        "crates/effekt-report/docs/report-schema.md",
    )
    .unwrap();
    assert_eq!(study.config.outcomes.len(), 2);
    assert!(study.config.contract.is_some() && study.config.power.is_some());
    let ihf = std::fs::read_to_string(root.join("datasets/ihf/study.toml")).unwrap();
    let study = Study::parse(&ihf, "datasets/ihf/study.toml").unwrap();
    assert_eq!(study.config.design.kind_name(), "matching");
    // Its columns exist in the generated data.
    let table = read_table(&root.join("datasets/ihf/ihf.csv"), &ReadOptions::default()).unwrap();
    study.check_columns(&table, "ihf.csv").unwrap();
}

#[test]
fn love_plot_event_study_and_pre_trend_render_from_model_data() {
    use effekt_report::model::{BalanceRow, EventCoefficient, PreTrendTest};
    let mut r = run_text(&pilot_text(), None).unwrap();
    let before = render(&r, Format::Html).unwrap().matches("<svg").count();
    let o = &mut r.outcomes[0];
    o.plots.love = vec![
        BalanceRow {
            covariate: "baseline_risk".into(),
            smd_before: Some(0.45),
            smd_after: Some(0.03),
            var_ratio_before: Some(1.3),
            var_ratio_after: Some(1.05),
            flagged: false,
        },
        BalanceRow {
            covariate: "child_age".into(),
            smd_before: Some(-0.3),
            smd_after: Some(-0.12),
            var_ratio_before: Some(0.9),
            var_ratio_after: Some(0.95),
            flagged: true,
        },
    ];
    o.robustness.balance = o.plots.love.clone();
    o.plots.event_study = (-3..=2)
        .map(|e| EventCoefficient {
            event_time: e,
            estimate: if e == -1 {
                0.0
            } else {
                0.02 * f64::from(e as i32 + 1)
            },
            conf_low: (e != -1).then_some(0.02 * f64::from(e as i32 + 1) - 0.05),
            conf_high: (e != -1).then_some(0.02 * f64::from(e as i32 + 1) + 0.05),
            reference: e == -1,
        })
        .collect();
    o.robustness.pre_trend = Some(PreTrendTest {
        method: "joint Wald test of the leads".into(),
        statistic: 0.8,
        df1: Some(2.0),
        df2: Some(30.0),
        p_value: 0.46,
    });
    let html = render(&r, Format::Html).unwrap();
    assert_eq!(html.matches("<svg").count(), before + 2);
    assert!(html.contains("Pre-trend test") && html.contains("joint Wald test of the leads"));
    assert!(html.contains("Std. mean difference (after)"));
    let md = render(&r, Format::Markdown).unwrap();
    assert!(md.contains("Pre-trend test"));
    if let Ok(dir) = std::env::var("EFFEKT_REPORT_DUMP") {
        std::fs::write(Path::new(&dir).join("with_love_and_event_study.html"), html).unwrap();
    }
}

/// Run a study text over the `ihf.csv` of a fixture directory.
fn run_ihf_fixture(dir: &Path, text: &str) -> Report {
    let study = Study::parse(text, "study.toml").unwrap();
    let table = read_table(&dir.join("ihf.csv"), &ReadOptions::default()).unwrap();
    let inputs = RunInputs {
        study: &study,
        table: &table,
        data_file: "ihf.csv",
        data_sha256: String::new(),
        study_sha256: String::new(),
    };
    run_study(&inputs, &RunOptions::default(), &NoProgress).unwrap()
}

#[test]
fn randomised_ihf_example_covers_the_true_effects() {
    let dir = fixture("ihf_randomised");
    let text = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    let r = run_ihf_fixture(&dir, &text);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ihf.json")).unwrap()).unwrap();
    assert_eq!(r.outcomes.len(), 5);
    for o in &r.outcomes {
        let att = truth["estimands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["outcome"] == o.id.as_str() && e["estimand"] == "ATT" && e["wave"] == 2)
            .unwrap()["value"]
            .as_f64()
            .unwrap();
        let h = o.headline.as_ref().unwrap();
        assert!(
            h.conf_low <= att && att <= h.conf_high,
            "{}: {att} outside [{}, {}]",
            o.id,
            h.conf_low,
            h.conf_high
        );
        assert_eq!(h.estimate.signum(), att.signum(), "{}", o.id);
    }
    assert!(r.contract.is_some() && r.power.is_some());
    assert!(
        r.outcomes[0].subgroups[0].is_sex && r.outcomes[0].subgroups[0].difference_test.is_some()
    );
}

/// A DiD with 4 clusters: the wild cluster bootstrap uses Webb weights by default (Rademacher
/// weights have only 2^4 = 16 distinct draws) and the report says so; with
/// `wild_weights = "rademacher"` it warns and recommends Webb weights.
#[test]
fn wild_bootstrap_with_few_clusters_uses_webb_weights_and_warns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
    let text = std::fs::read_to_string(root.join("castle.csv")).unwrap();
    let mut csv = String::new();
    let mut sid_col = 0;
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            sid_col = line.split(',').position(|h| h == "sid").unwrap();
            csv.push_str(&format!("{line},region\n"));
            continue;
        }
        let sid: u32 = line.split(',').nth(sid_col).unwrap().parse().unwrap();
        csv.push_str(&format!("{line},{}\n", (sid - 1) % 4 + 1));
    }
    let table =
        effekt_data::read_csv_str("castle_regions.csv", &csv, &ReadOptions::default()).unwrap();
    let run = |weights: &str| {
        let text = format!(
            "[data]\npath = \"castle_regions.csv\"\nmissing = \"error\"\ntreatment = \"post\"\nunit = \"sid\"\ntime = \"year\"\ncluster = \"region\"\n[design]\nkind = \"did\"\nmethod = \"twfe\"\nwild_bootstrap = 999\n{weights}\n[[outcomes]]\ncolumn = \"l_homicide\"\ntype = \"continuous\"\n[inference]\nseed = 3\n"
        );
        let study = Study::parse(&text, "castle_regions.toml").unwrap();
        let inputs = RunInputs {
            study: &study,
            table: &table,
            data_file: "castle_regions.csv",
            data_sha256: effekt_report::sha256_hex(csv.as_bytes()),
            study_sha256: effekt_report::sha256_hex(text.as_bytes()),
        };
        run_study(&inputs, &RunOptions::default(), &NoProgress).unwrap()
    };
    let r = run("");
    let o = &r.outcomes[0];
    let wild = o
        .robustness
        .alternatives
        .iter()
        .find(|a| a.method.contains("wild cluster bootstrap"))
        .expect("the wild bootstrap is among the alternatives");
    assert!(wild.method.contains("webb"), "{}", wild.method);
    assert!(
        o.robustness
            .warnings
            .iter()
            .any(|w| w.contains("only 4 clusters") && w.contains("Webb weights")),
        "{:?}",
        o.robustness.warnings
    );
    let r = run("wild_weights = \"rademacher\"");
    let o = &r.outcomes[0];
    assert!(
        o.robustness
            .warnings
            .iter()
            .any(|w| w.contains("Rademacher weights") && w.contains("wild_weights = \"webb\"")),
        "{:?}",
        o.robustness.warnings
    );
    let r = run("wild_weights = \"webb\"");
    assert!(
        !r.outcomes[0]
            .robustness
            .warnings
            .iter()
            .any(|w| w.contains("Webb")),
        "{:?}",
        r.outcomes[0].robustness.warnings
    );
}

/// Individually randomised with clusters only for the standard errors: effekt-rct computes CR2
/// with Satterthwaite df, and the report must name that (not the Neyman/Welch test of the
/// unclustered design).
#[test]
fn individually_randomised_with_clusters_names_cr2() {
    let dir = fixture("ihf_randomised");
    let text = std::fs::read_to_string(dir.join("study.toml"))
        .unwrap()
        .replace(
            "estimator = \"difference_in_means\"",
            "estimator = \"difference_in_means\"\ncluster_assignment = \"individual\"",
        );
    let r = run_ihf_fixture(&dir, &text);
    let method = &r.outcomes[0].inference.method;
    assert!(method.contains("CR2"), "{method}");
    assert!(!method.contains("Neyman"), "{method}");
}

/// Callaway–Sant'Anna on a panel with gaps (castle without the year 2000 of states 1–8): the
/// report says in both languages how many units the balanced panel left out and why;
/// `sampling = "unbalanced_panel"` keeps them (and says nothing).
#[test]
fn callaway_santanna_says_how_many_units_an_unbalanced_panel_lost() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
    let text = std::fs::read_to_string(root.join("castle.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let (is, iy) = (
        cols.iter().position(|h| *h == "sid").unwrap(),
        cols.iter().position(|h| *h == "year").unwrap(),
    );
    let mut csv = format!("{header}\n");
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let (sid, year): (u32, u32) = (f[is].parse().unwrap(), f[iy].parse().unwrap());
        if !(sid <= 8 && year == 2000) {
            csv.push_str(line);
            csv.push('\n');
        }
    }
    let table = effekt_data::read_csv_str("gaps.csv", &csv, &ReadOptions::default()).unwrap();
    let run = |extra: &str, lang: Language| {
        let text = format!(
            "[data]\npath = \"gaps.csv\"\nmissing = \"error\"\ntreatment = \"post\"\nunit = \"sid\"\ntime = \"year\"\n[design]\nkind = \"did\"\nmethod = \"callaway_santanna\"\n{extra}\n[[outcomes]]\ncolumn = \"l_homicide\"\ntype = \"continuous\"\n[inference]\nbootstrap = 99\nseed = 3\n"
        );
        let study = Study::parse(&text, "gaps.toml").unwrap();
        let inputs = RunInputs {
            study: &study,
            table: &table,
            data_file: "gaps.csv",
            data_sha256: effekt_report::sha256_hex(csv.as_bytes()),
            study_sha256: effekt_report::sha256_hex(text.as_bytes()),
        };
        let r = run_study(
            &inputs,
            &RunOptions {
                language: Some(lang),
            },
            &NoProgress,
        )
        .unwrap();
        r.outcomes[0].robustness.warnings.clone()
    };
    let en = run("", Language::En);
    assert!(
        en.iter()
            .any(|w| w.starts_with("8 unit(s) not observed in every period were left out")),
        "{en:?}"
    );
    let sv = run("", Language::Sv);
    assert!(
        sv.iter()
            .any(|w| w.starts_with("8 enheter som inte observerats i alla perioder")),
        "{sv:?}"
    );
    let kept = run("sampling = \"unbalanced_panel\"", Language::En);
    assert!(
        !kept
            .iter()
            .any(|w| w.contains("not observed in every period")),
        "{kept:?}"
    );
}
