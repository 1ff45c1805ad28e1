//! Privacy by default: small cells are suppressed and noted, nothing individual-level leaves the
//! report.

use effekt_data::{ReadOptions, read_csv_str, read_table};
use effekt_report::model::Report;
use effekt_report::{
    Format, NoProgress, ReportError, RunInputs, RunOptions, Study, render, run_study,
};
use serde_json::Value;
use std::path::Path;

fn pilot() -> effekt_data::Table {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pilot.csv");
    read_table(&p, &ReadOptions::default()).unwrap()
}

fn run_on(study: &str, table: &effekt_data::Table) -> Result<Report, ReportError> {
    let study = Study::parse(study, "study.toml")?;
    let inputs = RunInputs {
        study: &study,
        table,
        data_file: "data.csv",
        data_sha256: String::new(),
        study_sha256: String::new(),
    };
    run_study(&inputs, &RunOptions::default(), &NoProgress)
}

const PILOT: &str = r#"
[data]
path = "pilot.csv"
missing = "drop"
treatment = "treated"
unit = "family"
time = "wave"
[design]
kind = "rct"
[[outcomes]]
column = "closed"
template = "closed_lower_level"
[subgroups]
sex = "sex"
columns = ["home_language"]
[inference]
bootstrap = 199
"#;

#[test]
fn a_subgroup_with_three_individuals_is_suppressed_and_noted() {
    let r = run_on(PILOT, &pilot()).unwrap();
    let o = &r.outcomes[0];
    // Sex has large groups but few events: 2 of the 14 boys and 3 of the 18 girls in the
    // comparison group had their case closed (14.3 % of 14 is 2), so it is suppressed too ...
    let sex = o.subgroups.iter().find(|s| s.is_sex).unwrap();
    assert!(sex.levels.iter().all(|l| l.suppressed
        && l.estimate.is_none()
        && l.control.is_none()
        && l.n_control.is_suppressed()));
    assert!(sex.difference_test.is_none());
    assert!(
        sex.notes
            .iter()
            .any(|n| n.contains("sex = boy, sex = girl") && n.contains("had the outcome")),
        "{:?}",
        sex.notes
    );
    // ... and home_language has 3 families with "other": every level is suppressed (secondary
    // suppression), with no test and no counts.
    let lang = o
        .subgroups
        .iter()
        .find(|s| s.column == "home_language")
        .unwrap();
    assert_eq!(lang.levels.len(), 2);
    for l in &lang.levels {
        assert!(l.suppressed);
        assert!(l.n_treated.is_suppressed() && l.n_control.is_suppressed());
        assert!(l.estimate.is_none() && l.treated_observed.is_none() && l.control.is_none());
    }
    assert!(lang.difference_test.is_none());
    // The note names the small level and nothing reveals its exact size.
    assert!(
        lang.notes
            .iter()
            .any(|n| n.contains("home_language = other"))
    );
    assert!(!lang.notes.iter().any(|n| n.contains("fewer than 2")));
    let s = r
        .privacy
        .suppressions
        .iter()
        .find(|s| s.location.contains("home_language"))
        .expect("suppression listed");
    assert!(s.reason.contains("fewer than 5"));
    // The renderers say so.
    let html = render(&r, Format::Html).unwrap();
    assert!(html.contains("home_language = other has fewer than 5"));
    let md = render(&r, Format::Markdown).unwrap();
    assert!(md.contains("suppressed"));
}

#[test]
fn threshold_is_configurable_but_never_below_three() {
    // With threshold 3 a level with 3 units per arm is shown; with the default 5 it is not.
    let mut csv = String::from("t,y,g\n");
    for i in 0..40 {
        let t = i % 2;
        let g = if i < 6 { "small" } else { "large" };
        csv.push_str(&format!("{t},{},{g}\n", (i * 7 % 5) as f64));
    }
    let table = read_csv_str("d.csv", &csv, &ReadOptions::default()).unwrap();
    let study = |threshold: u32| {
        format!(
            "[data]\npath = \"d.csv\"\ntreatment = \"t\"\n[design]\nkind = \"rct\"\n[[outcomes]]\ncolumn = \"y\"\ntype = \"continuous\"\n[subgroups]\ncolumns = [\"g\"]\n[inference]\nbootstrap = 99\n[report]\nprivacy_threshold = {threshold}\n"
        )
    };
    let r3 = run_on(&study(3), &table).unwrap();
    let g3 = &r3.outcomes[0].subgroups[0];
    assert!(g3.levels.iter().all(|l| !l.suppressed), "{g3:?}");
    assert_eq!(
        g3.levels
            .iter()
            .find(|l| l.level == "small")
            .unwrap()
            .n_treated,
        Some(3)
    );
    let r5 = run_on(&study(5), &table).unwrap();
    assert!(
        r5.outcomes[0].subgroups[0]
            .levels
            .iter()
            .all(|l| l.suppressed)
    );
    assert_eq!(r5.privacy.threshold, 5);
    let e = run_on(&study(2), &table).unwrap_err();
    assert!(matches!(e, ReportError::Study { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("privacy_threshold") && msg.contains("line 14"),
        "{msg}"
    );
}

#[test]
fn an_arm_with_fewer_than_five_units_suppresses_the_whole_outcome() {
    let mut csv = String::from("t,y\n");
    for i in 0..24 {
        let t = u8::from(i < 4);
        csv.push_str(&format!("{t},{}\n", i % 3));
    }
    let table = read_csv_str("d.csv", &csv, &ReadOptions::default()).unwrap();
    let study = "[data]\npath = \"d.csv\"\ntreatment = \"t\"\n[design]\nkind = \"rct\"\n[[outcomes]]\ncolumn = \"y\"\ntype = \"continuous\"\n[inference]\nbootstrap = 99\n";
    let r = run_on(study, &table).unwrap();
    let o = &r.outcomes[0];
    assert!(o.headline.is_none() && o.counterfactual.is_none());
    assert!(o.tidy.is_empty() && o.plots.bootstrap.is_none() && o.subgroups.is_empty());
    assert_eq!(o.n_treated, None);
    assert_eq!(o.n_control, Some(20));
    assert!(!r.privacy.suppressions.is_empty());
    let html = render(&r, Format::Html).unwrap();
    assert!(html.contains("based on fewer than 5 individuals"));
    assert!(!html.contains("<svg"), "no plot of suppressed data");
    let json = render(&r, Format::Json).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v["outcomes"][0]["headline"].is_null());
}

#[test]
fn a_wave_with_small_counts_is_suppressed_in_the_trajectory() {
    // Wave 1 has 3 treated units with an observed outcome.
    let mut csv = String::from("id,wave,t,y\n");
    for id in 0..30 {
        let t = id % 2;
        for wave in 0..3 {
            let y = if wave == 1 && t == 1 && id > 5 {
                String::new()
            } else {
                ((id + wave) % 4).to_string()
            };
            csv.push_str(&format!("{id},{wave},{t},{y}\n"));
        }
    }
    let table = read_csv_str("d.csv", &csv, &ReadOptions::default()).unwrap();
    let study = "[data]\npath = \"d.csv\"\ntreatment = \"t\"\nunit = \"id\"\ntime = \"wave\"\nmissing = \"drop\"\n[design]\nkind = \"rct\"\n[[outcomes]]\ncolumn = \"y\"\ntype = \"continuous\"\n[inference]\nbootstrap = 99\n";
    let r = run_on(study, &table).unwrap();
    let traj = &r.outcomes[0].plots.trajectory;
    assert_eq!(traj.len(), 3);
    let w1 = traj.iter().find(|p| p.period == 1.0).unwrap();
    assert!(w1.suppressed && w1.treated_observed.is_none() && w1.n_treated.is_suppressed());
    assert!(!traj.iter().find(|p| p.period == 2.0).unwrap().suppressed);
    assert!(
        r.privacy
            .suppressions
            .iter()
            .any(|s| s.location.contains("wave 1"))
    );
}

/// Every array of numbers in the JSON is short: no per-individual vectors.
fn longest_numeric_array(v: &Value) -> usize {
    match v {
        Value::Array(a) => {
            let own = if a.iter().all(Value::is_number) {
                a.len()
            } else {
                0
            };
            a.iter()
                .map(longest_numeric_array)
                .max()
                .unwrap_or(0)
                .max(own)
        }
        Value::Object(o) => o.values().map(longest_numeric_array).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn no_individual_level_data_in_any_output() {
    let r = run_on(PILOT, &pilot()).unwrap();
    let n = r.outcomes[0].n.exact().unwrap() as usize;
    let json = render(&r, Format::Json).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    // The longest numeric arrays are the 41 edges of the bootstrap histogram.
    assert!(
        longest_numeric_array(&v) <= 41 && 41 < n,
        "a numeric array as long as the data"
    );
    // No family ids or raw risk scores (e.g. the first family's "2.9") as data values.
    let html = render(&r, Format::Html).unwrap();
    assert!(!html.contains("family,"));
    // Plots draw aggregates only: the bootstrap histogram has 40 bins, bars 3, no scatter of
    // units (no more circles than waves × series).
    let circles = html.matches("<circle").count();
    assert!(circles <= 3 * 2, "{circles} circles");
}

#[test]
fn a_balance_row_of_a_rare_characteristic_is_suppressed() {
    // 3 of the 20 treated are girls: the standardised difference and the variance ratio of the
    // indicator give both arms' shares back, and with the arms' sizes the count.
    let mut csv = String::from("t,y,sex,girl,age\n");
    for i in 0..40 {
        let t = i % 2;
        let girl = if t == 1 { i < 6 } else { i % 4 == 0 };
        let sex = if girl { "girl" } else { "boy" };
        csv.push_str(&format!(
            "{t},{},{sex},{},{}\n",
            i % 5,
            u8::from(girl),
            10 + i % 7
        ));
    }
    let table = read_csv_str("d.csv", &csv, &ReadOptions::default()).unwrap();
    let study = "[data]\npath = \"d.csv\"\ntreatment = \"t\"\n[design]\nkind = \"rct\"\ncovariates = [\"sex\", \"girl\", \"age\"]\n[[outcomes]]\ncolumn = \"y\"\ntype = \"continuous\"\n[inference]\nbootstrap = 99\n";
    let r = run_on(study, &table).unwrap();
    let balance = &r.outcomes[0].robustness.balance;
    for name in ["sex: girl", "girl"] {
        let row = balance.iter().find(|b| b.covariate == name).unwrap();
        assert!(
            row.smd_before.is_none() && row.var_ratio_before.is_none(),
            "{row:?}"
        );
        assert!(
            r.privacy
                .suppressions
                .iter()
                .any(|s| s.location == format!("y — balance: {name}")),
            "{:?}",
            r.privacy.suppressions
        );
    }
    let age = balance.iter().find(|b| b.covariate == "age").unwrap();
    assert!(age.smd_before.is_some() && age.var_ratio_before.is_some());
}
