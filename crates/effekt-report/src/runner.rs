//! The main job: a validated study and its data table in, a [`Report`] out.
//!
//! The runner reads no files (the CLI reads the study file and the data and passes the bytes'
//! SHA-256 along) and prints nothing (progress goes to a [`ProgressSink`]).

use crate::adapt::{self, AdapterInput};
use crate::analysis::{self, subgroups};
use crate::build::{self, BuildInputs, OutcomeResult, Privacy};
use crate::error::ReportError;
use crate::i18n::Language;
use crate::model::{PowerSection, Report};
use crate::study::{PowerConfig, Study};
use crate::templates::OutcomeType;
use effekt_contract::{EvaluateOptions, OutcomeDraws, PointEstimate};
use effekt_data::Table;
use sha2::{Digest, Sha256};

/// Where the runner reports progress. All methods have empty defaults.
pub trait ProgressSink: Sync {
    /// A long step starts: `total` units (replicates) under `label`.
    fn start(&self, _label: &str, _total: u64) {}
    /// `n` more units finished (called from worker threads).
    fn tick(&self, _n: u64) {}
    /// The step finished.
    fn finish(&self) {}
}

/// No progress reporting.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl ProgressSink for NoProgress {}

/// Lower-case hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the runner needs besides the study.
pub struct RunInputs<'a> {
    /// Parsed, validated study.
    pub study: &'a Study,
    /// The data table read from `data.path`.
    pub table: &'a Table,
    /// Data file name for messages (as resolved by the caller).
    pub data_file: &'a str,
    /// SHA-256 of the data file's bytes ([`sha256_hex`]).
    pub data_sha256: String,
    /// SHA-256 of the study file's bytes.
    pub study_sha256: String,
}

/// Options that override the study file.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Report language (`--lang`).
    pub language: Option<Language>,
}

/// Run a study: estimate every outcome under the design, the subgroups, the contract and the
/// power curve, then build the report with the privacy rules applied.
///
/// # Errors
/// [`ReportError::MissingColumn`] naming the study key and line; the data layer's and estimators' errors; contract evaluation
/// errors; [`ReportError::Study`] for a `[power]` that cannot be computed.
pub fn run_study(
    inputs: &RunInputs<'_>,
    options: &RunOptions,
    progress: &dyn ProgressSink,
) -> Result<Report, ReportError> {
    let study = inputs.study;
    let table = inputs.table;
    let c = &study.config;
    let lang = options.language.unwrap_or(c.report.language);
    adapt::check_available(study)?;
    study.check_columns(table, inputs.data_file)?;

    let tick = |n: u64| progress.tick(n);
    let mut results = Vec::new();
    for outcome in study.resolved_outcomes() {
        let want_draws = c
            .contract
            .as_ref()
            .is_some_and(|k| needs_level_draws(k, &outcome.column));
        let prepared = analysis::prepare(study, table, &outcome)?;
        // The bar counts the effect's bootstrap (or multiplier-bootstrap) replicates.
        let total = c.inference.bootstrap as u64;
        progress.start(&format!("estimating {}", outcome.column), total);
        let input = AdapterInput {
            study,
            table,
            prepared: &prepared,
            want_treated_draws: want_draws,
            lang,
            progress: Some(&tick),
        };
        let estimate = adapt::estimate(&input);
        progress.finish();
        let estimate = estimate?;
        let mut subs = Vec::new();
        let mut columns: Vec<(&String, bool)> = Vec::new();
        if let Some(sex) = &c.subgroups.sex {
            columns.push((sex, true));
        }
        for col in &c.subgroups.columns {
            if Some(col) != c.subgroups.sex.as_ref() {
                columns.push((col, false));
            }
        }
        for (col, is_sex) in columns {
            let refit = |sub: &analysis::Prepared| {
                adapt::subgroup_estimate(study, table, sub, col)
                    .unwrap_or_else(|| Err(ReportError::Internal("no re-fit".into())))
            };
            let raw = match &c.design {
                crate::study::DesignConfig::Rct(_) => {
                    subgroups::analyse(table, &prepared, col, is_sex, c.inference.level, lang)?
                }
                _ => subgroups::analyse_refit(
                    table,
                    &prepared,
                    col,
                    is_sex,
                    c.inference.level,
                    lang,
                    &refit,
                )?,
            };
            subs.push(raw);
        }
        results.push(OutcomeResult {
            prepared,
            estimate,
            subgroups: subs,
        });
    }

    let mut warnings = Vec::new();
    let contract = match &c.contract {
        Some(config) => Some(evaluate_contract(
            study,
            config,
            &results,
            lang,
            &mut warnings,
        )?),
        None => None,
    };
    let power = match &c.power {
        Some(p) => Some(power_section(study, p, &results, lang)?),
        None => None,
    };
    let privacy = Privacy::new(c.report.privacy_threshold, lang);
    let build_inputs = BuildInputs {
        study,
        table,
        lang,
        data_sha256: inputs.data_sha256.clone(),
        study_sha256: inputs.study_sha256.clone(),
    };
    build::build_report(&build_inputs, &results, contract, power, warnings, privacy)
}

/// One outcome's result, effect replicates and (when the contract needs them) treated-mean
/// replicates.
type Series<'a> = (&'a OutcomeResult, &'a Vec<f64>, Option<&'a Vec<f64>>);

/// Evaluate the contract on the bootstrap replicates of every outcome. Replicates that are not
/// finite in any series are left out of all series (the draws must stay joint), with a warning.
fn evaluate_contract(
    study: &Study,
    config: &effekt_contract::ContractConfig,
    results: &[OutcomeResult],
    lang: Language,
    warnings: &mut Vec<String>,
) -> Result<effekt_contract::ContractEvaluation, ReportError> {
    let b = study.config.inference.bootstrap;
    let mut series: Vec<Series<'_>> = Vec::new();
    for r in results {
        let Some(boot) = &r.estimate.bootstrap else {
            return Err(ReportError::Contract(format!(
                "outcome `{}` has no bootstrap replicates of its effect to evaluate the contract on: {}; remove [contract] or choose a design with a bootstrap",
                r.prepared.outcome.column,
                match &study.config.design {
                    crate::study::DesignConfig::Did(_) =>
                        "difference-in-differences inference (analytic, multiplier or wild bootstrap) gives no replicates of the effect",
                    crate::study::DesignConfig::Matching(_) =>
                        "matching with replacement and weighting (IPW, AIPW) have no valid pair bootstrap",
                    crate::study::DesignConfig::Rct(_) => "the bootstrap did not run",
                }
            )));
        };
        series.push((
            r,
            &boot.replicates,
            r.estimate.treated_observed_draws.as_ref(),
        ));
    }
    let ok = |v: Option<&f64>| v.is_some_and(|v| v.is_finite());
    let keep: Vec<usize> = (0..b)
        .filter(|&i| {
            series
                .iter()
                .all(|(_, e, t)| ok(e.get(i)) && t.is_none_or(|t| ok(t.get(i))))
        })
        .collect();
    if let Some(g) = results
        .iter()
        .filter_map(|r| r.estimate.n_clusters)
        .min()
        .filter(|&g| g < crate::adapt::CLUSTER_BOOTSTRAP_MIN)
    {
        warnings.push(crate::i18n::inference::contract_few_clusters(
            g,
            crate::adapt::CLUSTER_BOOTSTRAP_MIN,
            lang,
        ));
    }
    if keep.len() < b {
        warnings.push(crate::i18n::inference::contract_nonfinite(
            b - keep.len(),
            b,
            lang,
        ));
    }
    let effects: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, e, _)| keep.iter().map(|&i| e[i]).collect())
        .collect();
    let treated: Vec<Option<Vec<f64>>> = series
        .iter()
        .map(|(_, _, t)| t.map(|t| keep.iter().map(|&i| t[i]).collect()))
        .collect();
    let draws: Vec<OutcomeDraws<'_>> = series
        .iter()
        .enumerate()
        .map(|(k, (r, _, _))| {
            let cf = &r.estimate.counterfactual;
            OutcomeDraws {
                outcome: r.prepared.outcome.column.as_str(),
                point: PointEstimate {
                    effect: r.estimate.estimate,
                    treated_observed: Some(cf.treated_observed),
                    treated_counterfactual: Some(cf.treated_counterfactual),
                },
                effect: &effects[k],
                treated_observed: treated[k].as_deref(),
                treated_counterfactual: None,
            }
        })
        .collect();
    let names = study.outcome_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let options = EvaluateOptions {
        level: study.config.inference.level,
        ..EvaluateOptions::default()
    };
    effekt_contract::evaluate(config, &refs, &draws, &options)
        .map_err(|e| ReportError::Contract(e.to_string()))
}

/// Whether the contract uses the treated group's level of `outcome` (observed or
/// counterfactual), so that the treated mean must be bootstrapped from the same replicates as
/// the effect. Contracts on effects alone do not pay for the extra pass.
pub fn needs_level_draws(contract: &effekt_contract::ContractConfig, outcome: &str) -> bool {
    use effekt_contract::{ComponentConfig, Quantity, RepaymentCondition, Split};
    let level = |q: Quantity| {
        matches!(
            q,
            Quantity::TreatedObserved | Quantity::TreatedCounterfactual
        )
    };
    let thresholds = contract
        .thresholds
        .iter()
        .any(|t| t.outcome == outcome && level(t.quantity));
    let components = contract.components.iter().any(|c| match c {
        ComponentConfig::RateCard(r) => r.outcome == outcome && level(r.quantity),
        ComponentConfig::JointPot(j) => match &j.split {
            Split::Achievement(a) => a
                .members
                .iter()
                .any(|m| m.outcome == outcome && level(m.quantity)),
            _ => false,
        },
        ComponentConfig::InvestorRepayment(i) => match &i.conditional {
            RepaymentCondition::Savings(s) => s.outcome == outcome && level(s.quantity),
            _ => false,
        },
        _ => false,
    });
    thresholds || components
}

/// Power for a future two-group study anchored on this study's comparison group.
fn power_section(
    study: &Study,
    p: &PowerConfig,
    results: &[OutcomeResult],
    lang: Language,
) -> Result<PowerSection, ReportError> {
    use effekt_power::{CurveOver, CurveSpec, Design, Targets, TwoMeans, TwoProportions};
    let Some(r) = results
        .iter()
        .find(|r| r.prepared.outcome.column == p.outcome)
    else {
        return Err(ReportError::Study {
            at: study.locate("power.outcome"),
            message: format!("`{}` is not an outcome of the study", p.outcome),
        });
    };
    let control = r.estimate.counterfactual.control;
    let scale = build::scale_of(&r.prepared.outcome, lang);
    let (design, method, anchor) = match r.prepared.outcome.outcome_type {
        OutcomeType::Binary => {
            let p1 = control + p.effect;
            if !(p1 > 0.0 && p1 < 1.0) {
                return Err(ReportError::Study {
                    at: study.locate("power.effect"),
                    message: format!(
                        "the comparison group's share is {control:.3}; adding effect = {} gives {p1:.3}, outside (0, 1); choose a smaller effect",
                        p.effect
                    ),
                });
            }
            (
                Design::TwoProportions(TwoProportions {
                    p1: Some(p1),
                    ..TwoProportions::default()
                }),
                match lang {
                    Language::En => "Two proportions, arcsine method (Cohen's h; R pwr.2p.test).",
                    Language::Sv => "Två andelar, arcsinmetoden (Cohens h; R pwr.2p.test).",
                }
                .to_string(),
                match lang {
                    Language::En => format!(
                        "Anchored on the comparison group's share in this study, {}.",
                        build::fmt_level_value(control, &scale, lang)
                    ),
                    Language::Sv => format!(
                        "Förankrad i jämförelsegruppens andel i denna studie, {}.",
                        build::fmt_level_value(control, &scale, lang)
                    ),
                },
            )
        }
        OutcomeType::Continuous | OutcomeType::Ordinal => {
            let sd = effekt_models::effect_size::pooled_sd(&r.prepared.y, &r.prepared.treated)
                .unwrap_or(f64::NAN);
            if !(sd.is_finite() && sd > 0.0) {
                return Err(ReportError::Study {
                    at: study.locate("power.outcome"),
                    message: format!(
                        "outcome `{}` has no variation; a power curve needs a positive standard deviation",
                        p.outcome
                    ),
                });
            }
            (
                Design::TwoMeans(TwoMeans {
                    sd: Some(sd),
                    ..TwoMeans::default()
                }),
                match lang {
                    Language::En => "Two means, t test (R pwr.t.test).",
                    Language::Sv => "Två medelvärden, t-test (R pwr.t.test).",
                }
                .to_string(),
                match lang {
                    Language::En => format!(
                        "Standard deviation from this study (pooled over the arms): {}.",
                        crate::i18n::fmt_num(sd, 3, lang)
                    ),
                    Language::Sv => format!(
                        "Standardavvikelse från denna studie (sammanvägd över grupperna): {}.",
                        crate::i18n::fmt_num(sd, 3, lang)
                    ),
                },
            )
        }
    };
    let targets = Targets {
        n: None,
        effect: Some(p.effect),
        power: Some(p.power),
        alpha: Some(p.alpha),
    };
    let err = |e: effekt_power::PowerError| ReportError::Study {
        at: study.locate("power"),
        message: e.to_string(),
    };
    let solved = effekt_power::solve(&design, &targets, None).map_err(err)?;
    let max_n = p
        .max_n
        .map(f64::from)
        .unwrap_or((solved.n_required as f64 * 3.0).max(20.0));
    let curve = CurveSpec {
        over: CurveOver::N,
        from: 2.0,
        to: max_n.max(3.0),
        points: 80,
    };
    let with_curve = effekt_power::solve(&design, &targets, Some(&curve)).map_err(err)?;
    let points: Vec<[f64; 2]> = with_curve
        .curve
        .map(|c| c.points.iter().map(|p| [p.x, p.power]).collect())
        .unwrap_or_default();
    let mut notes = Vec::new();
    if study.config.data.cluster.is_some() {
        notes.push(
            match lang {
                Language::En => "The study is clustered; this curve ignores clustering and overstates power when outcomes are correlated within clusters (use `effekt power cluster` with the ICC).",
                Language::Sv => "Studien är klustrad; kurvan bortser från klustringen och överskattar styrkan när utfallen samvarierar inom kluster (använd `effekt power cluster` med ICC).",
            }
            .to_string(),
        );
    }
    Ok(PowerSection {
        outcome: p.outcome.clone(),
        effect: p.effect,
        alpha: p.alpha,
        power: p.power,
        method,
        anchor,
        n_required: solved.n_required,
        curve: points,
        notes,
    })
}
