//! Design checks reach the headline (issue 13): on the shipped examples a failed balance, a
//! sign disagreement and a failed pre-trend test are in the outcome's `checks`, the headline
//! sentence (failed ones), `warnings[]` and both renderings, in English and Swedish; on a
//! randomised study nothing fails.

use effekt_data::{ReadOptions, read_table};
use effekt_notes::checks::{Check, Disagreement, Verdict};
use effekt_report::model::{OutcomeSection, Report};
use effekt_report::{
    Format, Language, NoProgress, RunInputs, RunOptions, Study, render, run_study,
};
use std::path::Path;

/// Run the study `text` on `table` in `lang` (the whole report, as `effekt run` does).
pub(crate) fn run_on(
    text: &str,
    table: &effekt_data::Table,
    lang: Language,
) -> Result<Report, effekt_report::ReportError> {
    let study = Study::parse(text, "study.toml")?;
    let inputs = RunInputs {
        study: &study,
        table,
        data_file: "data",
        data_sha256: String::new(),
        study_sha256: String::new(),
    };
    let options = RunOptions {
        language: Some(lang),
    };
    run_study(&inputs, &options, &NoProgress)
}

/// Run a study file of `datasets/` (or a fixture directory) in `lang`.
fn run(study_file: &Path, lang: Language) -> Report {
    let text = std::fs::read_to_string(study_file).unwrap();
    let study = Study::parse(&text, "study.toml").unwrap();
    let dir = study_file.parent().unwrap();
    let table = read_table(&dir.join(&study.config.data.path), &ReadOptions::default()).unwrap();
    run_on(&text, &table, lang).unwrap()
}

fn datasets(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets")
        .join(name)
}

fn outcome<'a>(r: &'a Report, id: &str) -> &'a OutcomeSection {
    r.outcomes.iter().find(|o| o.id == id).unwrap()
}

fn raised(o: &OutcomeSection) -> impl Iterator<Item = &effekt_report::model::CheckDoc> {
    o.checks.iter().filter(|c| c.check.raised())
}

/// Every raised check of every outcome is in `warnings[]`, the HTML headline box and the
/// Markdown.
fn everywhere(r: &Report) {
    let files: Vec<(Format, String)> = [Format::Html, Format::Markdown]
        .into_iter()
        .map(|f| (f, render(r, f).unwrap()))
        .collect();
    for o in &r.outcomes {
        for c in raised(o) {
            let w = format!("{}: {}", o.label, c.text);
            assert!(r.warnings.contains(&w), "{w:?} not in {:?}", r.warnings);
            let escaped = c
                .text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            for (f, content) in &files {
                assert!(
                    content.contains(&c.text) || content.contains(&escaped),
                    "{f:?} lacks {:?}",
                    c.text
                );
            }
        }
    }
    let html = &files[0].1;
    assert!(
        html.contains("<ul class=\"checks\">"),
        "no headline check box"
    );
}

#[test]
fn ihf_child_rating_imbalance_and_sign_disagreement_reach_the_headline() {
    for lang in [Language::En, Language::Sv] {
        let r = run(&datasets("ihf/study.toml"), lang);
        let child = outcome(&r, "child_rating");
        let failed: Vec<&Check> = raised(child)
            .map(|c| &c.check)
            .filter(|c| c.verdict() == Verdict::Failed)
            .collect();
        let Some(Check::Balance { worst, .. }) = failed.first() else {
            panic!("no failed balance check: {:?}", child.checks)
        };
        assert_eq!(worst.covariate, "baseline_risk");
        assert!(worst.smd.abs() > 0.5, "{worst:?}");
        let sentence = &child.headline.as_ref().unwrap().sentence;
        let clause = match lang {
            Language::En => "still differed on baseline_risk",
            Language::Sv => "skilde sig grupperna fortfarande åt i baseline_risk",
        };
        assert!(sentence.contains(clause), "{sentence}");

        let closed = outcome(&r, "closed_lower_level");
        let sign = raised(closed).any(|c| {
            matches!(
                c.check,
                Check::Alternatives {
                    disagreement: Some(Disagreement::Sign),
                    ..
                }
            )
        });
        assert!(sign, "no sign disagreement: {:?}", closed.checks);
        // The weights concentrate on about 30 % of the comparison families.
        let overlap = closed.checks.iter().find_map(|c| match &c.check {
            Check::Overlap {
                verdict,
                control_effective_share,
                treated_left_out,
            } => Some((*verdict, *control_effective_share, *treated_left_out)),
            _ => None,
        });
        let (v, ess, out) = overlap.expect("no overlap check");
        assert_eq!(v, Verdict::Caution);
        assert!(ess.unwrap() < 0.5 && out == Some(0.0), "{ess:?} {out:?}");
        everywhere(&r);
        if lang == Language::Sv {
            for w in &r.warnings {
                for english in [" the ", "balance", "estimate", "method"] {
                    assert!(!w.contains(english), "English in a Swedish warning: {w}");
                }
            }
        }
    }
}

#[test]
fn castle_failed_pre_trend_test_reaches_the_headline() {
    for lang in [Language::En, Language::Sv] {
        let r = run(&datasets("castle/study.toml"), lang);
        let o = &r.outcomes[0];
        let pre = raised(o)
            .find(|c| matches!(c.check, Check::PreTrends { .. }))
            .unwrap_or_else(|| panic!("no raised pre-trend check: {:?}", o.checks));
        let Check::PreTrends {
            verdict,
            p_value,
            largest,
            ..
        } = &pre.check
        else {
            unreachable!()
        };
        assert_eq!(*verdict, Verdict::Failed);
        assert!(*p_value < 1e-3, "{p_value}");
        assert!(largest.is_some_and(|l| l.event_time < 0));
        let sentence = &o.headline.as_ref().unwrap().sentence;
        let clause = match lang {
            Language::En => "already developed differently before the intervention",
            Language::Sv => "utvecklades redan olika före insatsen",
        };
        assert!(sentence.contains(clause), "{sentence}");
        everywhere(&r);
    }
}

#[test]
fn a_randomised_study_fails_no_check_and_lists_its_passed_ones() {
    let r = run(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ihf_randomised/study.toml"),
        Language::En,
    );
    for o in &r.outcomes {
        assert!(
            o.checks.iter().all(|c| c.check.verdict() < Verdict::Failed),
            "{}: {:?}",
            o.id,
            o.checks
        );
        assert!(
            o.checks
                .iter()
                .any(|c| matches!(c.check, Check::Balance { .. })),
            "{}: no balance check",
            o.id
        );
        let sentence = &o.headline.as_ref().unwrap().sentence;
        assert!(!sentence.contains("may be biased"), "{sentence}");
    }
}

#[test]
fn effect_sizes_standardise_the_headline_hedges_g_for_ratings_nnt_for_shares() {
    let r = run(&datasets("ihf/study.toml"), Language::En);
    for o in &r.outcomes {
        let h = o.headline.as_ref().unwrap();
        let es = o.effect_size.as_ref().unwrap();
        match o.outcome_type {
            effekt_report::templates::OutcomeType::Binary => {
                let n = es.nnt.unwrap();
                assert!((n.estimate.unwrap() - 1.0 / h.estimate.abs()).abs() < 1e-12);
                assert_eq!(n.more_often, h.estimate > 0.0);
                // The headline risk-difference interval spans zero: no NNT interval.
                assert!(h.conf_low < 0.0 && h.conf_high > 0.0);
                assert!(
                    n.conf_low.is_none() && es.text.contains("no interval"),
                    "{}",
                    es.text
                );
            }
            _ => {
                let g = es.hedges_g.unwrap();
                let k = g.correction / g.sd;
                assert!((g.estimate - k * h.estimate).abs() < 1e-12, "{g:?}");
                assert!((es.conf_low.unwrap() - k * h.conf_low).abs() < 1e-12);
                assert!((es.conf_high.unwrap() - k * h.conf_high).abs() < 1e-12);
                assert!(
                    es.text.starts_with("Standardised effect (Hedges' g)"),
                    "{}",
                    es.text
                );
            }
        }
    }
    // Difference in differences has none.
    let castle = run(&datasets("castle/study.toml"), Language::En);
    assert!(castle.outcomes[0].effect_size.is_none());
}

/// The IHF study with roles: the first outcome primary, the others secondary or exploratory.
fn ihf_with_roles(extra: &str) -> Report {
    let path = datasets("ihf/study.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replacen(
            "column = \"closed_lower_level\"",
            &format!("column = \"closed_lower_level\"\nrole = \"primary\"\n{extra}"),
            1,
        )
        .replacen(
            "column = \"child_rating\"",
            "column = \"child_rating\"\nrole = \"exploratory\"",
            1,
        );
    let table = read_table(&datasets("ihf/ihf.csv"), &ReadOptions::default()).unwrap();
    run_on(&text, &table, Language::En).unwrap()
}

#[test]
fn certainty_starts_from_the_design_and_names_every_downgrade() {
    use effekt_report::model::{Certainty, Downgrade};
    let r = run(&datasets("ihf/study.toml"), Language::En);
    let child = outcome(&r, "child_rating").certainty.as_ref().unwrap();
    assert_eq!(child.start, Certainty::Low);
    assert_eq!(child.grade, Certainty::VeryLow);
    assert!(child.downgrades.contains(&Downgrade::RiskOfBias {
        check: "balance".into()
    }));
    assert!(child.text.contains("risk of bias"), "{}", child.text);
    // The share outcome's interval (−12 to 27 points) reaches 5 points both ways.
    let closed = outcome(&r, "closed_lower_level");
    let c = closed.certainty.as_ref().unwrap();
    assert!(c.downgrades.contains(&Downgrade::Imprecision { levels: 2 }));
    assert!((c.minimal_important_difference.unwrap() - 0.05).abs() < 1e-15 && !c.mid_from_study);
    let conclusion = closed.conclusion.as_ref().unwrap();
    assert!(
        conclusion.contains("this study cannot tell whether IHF changed"),
        "{conclusion}"
    );
    // A randomised trial with a precise effect: high, and a plain statement.
    let t = run(&datasets("thornton/study.toml"), Language::En);
    let got = &t.outcomes[0];
    assert_eq!(got.certainty.as_ref().unwrap().grade, Certainty::High);
    let c = got.conclusion.as_ref().unwrap();
    assert!(c.starts_with("A cash incentive increased"), "{c}");
    let sv = run(&datasets("thornton/study.toml"), Language::Sv);
    let c = sv.outcomes[0].conclusion.as_ref().unwrap();
    assert!(c.starts_with("Ett kontant incitament ökade"), "{c}");
    assert!(
        sv.outcomes[0]
            .certainty
            .as_ref()
            .unwrap()
            .text
            .starts_with("Tillförlitlighet: hög")
    );
}

#[test]
fn a_minimal_important_difference_from_the_study_decides_precision() {
    use effekt_report::model::Downgrade;
    // 30 percentage points: the interval −12 to 27 reaches no important effect.
    let r = ihf_with_roles("minimal_important_difference = 30");
    let c = outcome(&r, "closed_lower_level")
        .certainty
        .as_ref()
        .unwrap();
    assert!(c.mid_from_study);
    assert!((c.minimal_important_difference.unwrap() - 0.30).abs() < 1e-12);
    assert!(
        !c.downgrades
            .iter()
            .any(|d| matches!(d, Downgrade::Imprecision { .. }))
    );
    let conclusion = outcome(&r, "closed_lower_level")
        .conclusion
        .clone()
        .unwrap();
    // Within ±MID, at very low certainty (low start, −1 inconsistency).
    assert!(
        conclusion.contains("very uncertain whether IHF made any difference"),
        "{conclusion}"
    );
    // Zero or negative is refused, naming the key.
    let text = std::fs::read_to_string(datasets("ihf/study.toml"))
        .unwrap()
        .replacen(
            "column = \"closed_lower_level\"",
            "column = \"closed_lower_level\"\nminimal_important_difference = 0",
            1,
        );
    let e = Study::parse(&text, "study.toml").unwrap_err().to_string();
    assert!(e.contains("minimal_important_difference"), "{e}");
}

#[test]
fn primary_outcomes_are_holm_adjusted_the_others_bh_and_roles_are_said() {
    use effekt_report::model::Family;
    // No roles: all four are primary, one Holm family.
    let r = run(&datasets("ihf/study.toml"), Language::En);
    let raw: Vec<f64> = r
        .outcomes
        .iter()
        .map(|o| o.headline.as_ref().unwrap().p_value.unwrap())
        .collect();
    let holm = effekt_models::multiplicity::holm(&raw).unwrap();
    for (o, want) in r.outcomes.iter().zip(&holm) {
        let m = o.multiplicity.as_ref().unwrap();
        assert_eq!(
            (m.family, m.family_size, m.method.as_str()),
            (Family::Primary, 4, "holm")
        );
        assert_eq!(m.p_adjusted, *want);
    }
    // With roles: one primary (Holm of one = raw), three others under BH.
    let r = ihf_with_roles("");
    let primary = outcome(&r, "closed_lower_level")
        .multiplicity
        .clone()
        .unwrap();
    assert_eq!(primary.family_size, 1);
    assert_eq!(primary.p_adjusted, primary.p_value);
    let others: Vec<&OutcomeSection> = r
        .outcomes
        .iter()
        .filter(|o| o.id != "closed_lower_level")
        .collect();
    let raw: Vec<f64> = others
        .iter()
        .map(|o| o.multiplicity.as_ref().unwrap().p_value)
        .collect();
    let bh = effekt_models::multiplicity::benjamini_hochberg(&raw).unwrap();
    for (o, want) in others.iter().zip(&bh) {
        let m = o.multiplicity.as_ref().unwrap();
        assert_eq!(
            (m.family, m.family_size, m.method.as_str()),
            (Family::Other, 3, "bh")
        );
        assert_eq!(m.p_adjusted, *want);
    }
    let goals = outcome(&r, "goals_met");
    assert_eq!(goals.role, effekt_report::study::Role::Secondary);
    assert!(
        goals
            .conclusion
            .as_ref()
            .unwrap()
            .ends_with("read it as supporting evidence.")
    );
    let child = outcome(&r, "child_rating");
    assert!(
        child
            .conclusion
            .as_ref()
            .unwrap()
            .contains("exploratory outcome")
    );
    let md = render(&r, Format::Markdown).unwrap();
    assert!(
        md.contains("(exploratory)") && md.contains("Benjamini–Hochberg"),
        "{md}"
    );
}

/// A simulated observational IHF evaluation (effekt-power's generator) weighted on
/// `covariates`, its problem score analysed at wave 2.
fn simulated_ihf(covariates: &str, lang: Language) -> Report {
    use effekt_power::dgp::{Assignment, DgpConfig, IhfConfig, generate_seeded};
    let config = DgpConfig::Ihf(IhfConfig {
        assignment: Assignment::Observational {
            share: 0.5,
            selection: 1.5,
        },
        ..IhfConfig::default()
    });
    let sim = generate_seeded(&config, 11).unwrap();
    let text = format!(
        "[study]\nintervention = \"IHF\"\nunits = \"families\"\n[data]\npath = \"sim.csv\"\nmissing = \"drop\"\ntreatment = \"treated\"\nunit = \"family_id\"\ntime = \"wave\"\n[design]\nkind = \"matching\"\nmethod = \"ipw\"\nperiod = 2\ncovariates = [{covariates}]\n[[outcomes]]\ncolumn = \"problem_score\"\ntype = \"continuous\"\nunit = \"points\"\n[inference]\nbootstrap = 49\n"
    );
    run_on(&text, &sim.table, lang).unwrap()
}

#[test]
fn a_gap_in_the_outcome_at_intake_fails_when_the_weighting_misses_it() {
    // Baseline risk drives both treatment and the problem score but is left out: at wave 0
    // the weighted groups still differ on the score itself.
    for lang in [Language::En, Language::Sv] {
        let r = simulated_ihf("\"child_age\", \"child_sex\"", lang);
        let o = &r.outcomes[0];
        let gap = o
            .checks
            .iter()
            .find(|c| matches!(c.check, Check::BaselineGap { .. }))
            .unwrap_or_else(|| panic!("no baseline-gap check: {:?}", o.checks));
        let Check::BaselineGap {
            verdict,
            period,
            smd,
            ..
        } = &gap.check
        else {
            unreachable!()
        };
        assert_eq!((*verdict, *period), (Verdict::Failed, 0.0), "{}", gap.text);
        assert!(smd.abs() > 0.25);
        let sentence = &o.headline.as_ref().unwrap().sentence;
        let clause = match lang {
            Language::En => "already differed on the outcome at intake",
            Language::Sv => "skilde sig redan åt i utfallet vid inskrivningen",
        };
        assert!(sentence.contains(clause), "{sentence}");
        let c = o.certainty.as_ref().unwrap();
        assert!(
            c.downgrades
                .contains(&effekt_report::model::Downgrade::RiskOfBias {
                    check: "baseline_gap".into()
                })
        );
        everywhere(&r);
    }
    // Weighting on baseline risk too removes the gap.
    let r = simulated_ihf(
        "\"baseline_risk\", \"child_age\", \"child_sex\"",
        Language::En,
    );
    let gap = r.outcomes[0]
        .checks
        .iter()
        .find(|c| matches!(c.check, Check::BaselineGap { .. }))
        .unwrap();
    assert!(gap.check.verdict() < Verdict::Failed, "{}", gap.text);
}
