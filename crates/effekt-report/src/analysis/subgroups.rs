//! Effects by subgroup and the test that they differ.
//!
//! For a subgroup column with levels 1…K, the saturated regression
//!
//! > `y = α + τ·T + Σ_{k≥2} γ_k D_k + Σ_{k≥2} δ_k (T·D_k) + ε`
//!
//! reproduces the difference in means in every level: the effect in level 1 is `τ`, in level k
//! `τ + δ_k`, and `δ_k` is the difference between level k's effect and level 1's. Standard
//! errors are HC2 (equal to Neyman's variance within each level) or, with clusters, CR2 with
//! Satterthwaite df for each linear combination (Bell & McCaffrey 2002; Pustejovsky & Tipton
//! 2018). The test of equal effects is the t test of `δ_2` for two levels and the Wald test of
//! `δ_2 = … = δ_K = 0` otherwise: F on (K − 1, n − 2K) df with HC2, the HTZ test of
//! clubSandwich with CR2 (Pustejovsky & Tipton 2018). This is the interaction test of
//! estimatr `lm_robust(y ~ treat * group)`.
//!
//! Levels with fewer than two units in an arm have no estimable effect; they are left out of the
//! regression with a note.

use super::Prepared;
use crate::adapt::SubEstimate;
use crate::error::ReportError;
use crate::i18n::{Language, inference as tx};
use crate::model::{DifferenceTest, finite};
use effekt_data::{ColumnData, Table};
use effekt_models::{DesignBuilder, OlsFit, OlsOptions, VarianceEstimator, ols};

/// At most this many levels in a subgroup column.
pub const MAX_LEVELS: usize = 12;

/// One level before privacy rules.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRaw {
    /// Label.
    pub level: String,
    /// Treated units in the level.
    pub n_treated: usize,
    /// Comparison units in the level.
    pub n_control: usize,
    /// Treated mean.
    pub treated_mean: f64,
    /// Comparison mean.
    pub control_mean: f64,
    /// Effect (difference in means) with its inference, when estimable.
    pub estimate: Option<f64>,
    /// Standard error.
    pub std_error: Option<f64>,
    /// CI.
    pub conf_low: Option<f64>,
    /// CI.
    pub conf_high: Option<f64>,
    /// p-value.
    pub p_value: Option<f64>,
}

/// A subgroup analysis before privacy rules.
#[derive(Debug, Clone, PartialEq)]
pub struct SubgroupRaw {
    /// Column.
    pub column: String,
    /// Whether this is the sex column.
    pub is_sex: bool,
    /// Levels in sorted order.
    pub levels: Vec<LevelRaw>,
    /// Test of equal effects.
    pub test: Option<DifferenceTest>,
    /// Notes.
    pub notes: Vec<String>,
    /// Analysis rows without a value in the subgroup column.
    pub missing: usize,
}

/// Labels of `column` at `rows` (`None` = missing).
fn labels_at(
    table: &Table,
    column: &str,
    rows: &[usize],
) -> Result<Vec<Option<String>>, ReportError> {
    let col = table.column(column).map_err(|source| ReportError::Data {
        context: format!("subgroup `{column}`"),
        source: Box::new(source),
    })?;
    Ok(rows
        .iter()
        .map(|&i| match &col.data {
            ColumnData::Categorical { .. } | ColumnData::Bool(_) | ColumnData::Int(_) => {
                col.data.display(i)
            }
            ColumnData::Float(_) => col.data.display(i),
        })
        .collect())
}

/// Sort labels numerically when all are numbers, otherwise lexicographically.
fn sort_levels(levels: &mut [String]) {
    let all_numeric = levels.iter().all(|l| l.parse::<f64>().is_ok());
    if all_numeric {
        levels.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
    } else {
        levels.sort();
    }
}

/// The subgroup label of every analysis row (`None` = missing), the sorted levels, the number of
/// rows without a level and the note saying so.
type Levels = (Vec<Option<String>>, Vec<String>, usize, Vec<String>);

/// Labels and levels of `column` among the analysis rows.
///
/// # Errors
/// [`ReportError::Estimation`] when the column has more than [`MAX_LEVELS`] levels.
fn levels_of(
    table: &Table,
    prep: &Prepared,
    column: &str,
    lang: Language,
) -> Result<Levels, ReportError> {
    let labels = labels_at(table, column, &prep.rows)?;
    let mut levels: Vec<String> = labels.iter().flatten().cloned().collect();
    levels.sort();
    levels.dedup();
    sort_levels(&mut levels);
    if levels.len() > MAX_LEVELS {
        return Err(ReportError::Estimation {
            outcome: prep.outcome.column.clone(),
            message: format!(
                "subgroup column `{column}` has {} levels (at most {MAX_LEVELS}); group the values into fewer categories",
                levels.len()
            ),
        });
    }
    let missing = labels.iter().filter(|l| l.is_none()).count();
    let mut notes = Vec::new();
    if missing > 0 {
        notes.push(tx::subgroup_missing(missing, column, lang));
    }
    Ok((labels, levels, missing, notes))
}

/// Effects by the levels of `column` among the analysis rows, and the test of equal effects.
///
/// `key` is the study-file key naming the column (for the too-many-levels error).
///
/// # Errors
/// [`ReportError::Estimation`] when the column has more than [`MAX_LEVELS`] levels. Failures of
/// the regression (e.g. too few clusters in a level) become notes, not errors.
pub fn analyse(
    table: &Table,
    prep: &Prepared,
    column: &str,
    is_sex: bool,
    level: f64,
    lang: Language,
) -> Result<SubgroupRaw, ReportError> {
    let (labels, levels, missing, mut notes) = levels_of(table, prep, column, lang)?;
    let code: Vec<Option<usize>> = labels
        .iter()
        .map(|l| l.as_ref().and_then(|l| levels.iter().position(|x| x == l)))
        .collect();
    let mut raw: Vec<LevelRaw> = levels
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let (mut s1, mut c1, mut s0, mut c0) = (0.0, 0usize, 0.0, 0usize);
            for ((c, y), t) in code.iter().zip(&prep.y).zip(&prep.treated) {
                if *c == Some(k) {
                    if *t {
                        s1 += y;
                        c1 += 1;
                    } else {
                        s0 += y;
                        c0 += 1;
                    }
                }
            }
            LevelRaw {
                level: label.clone(),
                n_treated: c1,
                n_control: c0,
                treated_mean: s1 / c1 as f64,
                control_mean: s0 / c0 as f64,
                estimate: None,
                std_error: None,
                conf_low: None,
                conf_high: None,
                p_value: None,
            }
        })
        .collect();
    let estimable: Vec<usize> = (0..raw.len())
        .filter(|&k| raw[k].n_treated >= 2 && raw[k].n_control >= 2)
        .collect();
    for (k, l) in raw.iter().enumerate() {
        if !estimable.contains(&k) {
            notes.push(tx::subgroup_not_estimable(column, &l.level, lang));
        }
    }
    let mut test = None;
    if !estimable.is_empty() {
        match fit_saturated(prep, &code, &estimable, level) {
            Ok((fit, names)) => {
                for (j, &k) in estimable.iter().enumerate() {
                    let mut c = vec![0.0; fit.rank()];
                    let mut ok = true;
                    for term in std::iter::once("treatment".to_string())
                        .chain((j > 0).then(|| names[j].1.clone()))
                    {
                        match fit.term_index(&term) {
                            Some(ix) => c[ix] = 1.0,
                            None => ok = false,
                        }
                    }
                    if !ok {
                        notes.push(tx::subgroup_not_estimable(column, &raw[k].level, lang));
                        continue;
                    }
                    if let Ok(ct) = fit.contrast(&c, level) {
                        let l = &mut raw[k];
                        l.estimate = finite(ct.estimate);
                        l.std_error = finite(ct.std_error);
                        l.conf_low = finite(ct.conf_low);
                        l.conf_high = finite(ct.conf_high);
                        l.p_value = finite(ct.p_value);
                    }
                }
                test = difference_test(
                    &fit,
                    &names,
                    level,
                    prep.cluster.is_some(),
                    lang,
                    &mut notes,
                );
            }
            Err(e) => notes.push(tx::subgroup_failed(column, &e.to_string(), lang)),
        }
    }
    Ok(SubgroupRaw {
        column: column.to_string(),
        is_sex,
        levels: raw,
        test,
        notes,
        missing,
    })
}

/// Fit the saturated model on the rows whose level is estimable. Returns the fit and, per
/// estimable level j, the names of (D_j, T·D_j) (empty for the reference level).
fn fit_saturated(
    prep: &Prepared,
    code: &[Option<usize>],
    estimable: &[usize],
    level: f64,
) -> Result<(OlsFit, Vec<(String, String)>), effekt_models::ModelError> {
    let _ = level;
    let keep: Vec<usize> = (0..code.len())
        .filter(|&i| code[i].is_some_and(|k| estimable.contains(&k)))
        .collect();
    let y: Vec<f64> = keep.iter().map(|&i| prep.y[i]).collect();
    let t: Vec<f64> = keep
        .iter()
        .map(|&i| f64::from(u8::from(prep.treated[i])))
        .collect();
    let mut b = DesignBuilder::new(keep.len())
        .intercept()
        .numeric("treatment", t.clone())
        .must_keep("treatment");
    let mut names = vec![(String::new(), String::new())];
    for (j, &k) in estimable.iter().enumerate().skip(1) {
        let d: Vec<f64> = keep
            .iter()
            .map(|&i| f64::from(u8::from(code[i] == Some(k))))
            .collect();
        let td: Vec<f64> = d.iter().zip(&t).map(|(a, b)| a * b).collect();
        let (dn, tdn) = (format!("level{j}"), format!("treatment:level{j}"));
        b = b.numeric(dn.clone(), d).numeric(tdn.clone(), td);
        names.push((dn, tdn));
    }
    let design = b.build()?;
    let clusters: Option<Vec<u32>> = prep
        .cluster
        .as_ref()
        .map(|c| keep.iter().map(|&i| c[i]).collect());
    let opts = OlsOptions {
        vcov: Some(if clusters.is_some() {
            VarianceEstimator::Cr2
        } else {
            VarianceEstimator::Hc2
        }),
        clusters: clusters.as_deref(),
        ..OlsOptions::default()
    };
    Ok((ols(&design, &y, &opts)?, names))
}

fn difference_test(
    fit: &OlsFit,
    names: &[(String, String)],
    level: f64,
    clustered: bool,
    lang: Language,
    notes: &mut Vec<String>,
) -> Option<DifferenceTest> {
    let rows: Vec<Vec<f64>> = names
        .iter()
        .skip(1)
        .filter_map(|(_, td)| {
            fit.term_index(td).map(|ix| {
                let mut c = vec![0.0; fit.rank()];
                c[ix] = 1.0;
                c
            })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    if rows.len() == 1 {
        let ct = fit.contrast(&rows[0], level).ok()?;
        return Some(DifferenceTest {
            method: tx::test_interaction(clustered, lang),
            difference: finite(ct.estimate),
            conf_low: finite(ct.conf_low),
            conf_high: finite(ct.conf_high),
            statistic: ct.statistic,
            df1: None,
            df2: finite(ct.df),
            p_value: ct.p_value,
        });
    }
    match fit.wald(&rows, None) {
        Ok(w) => match (&w.htz, clustered) {
            (Some(h), true) => match h.p_value {
                Some(p) => Some(DifferenceTest {
                    method:
                        "Wald test of the interactions, HTZ with CR2 (Pustejovsky & Tipton 2018)"
                            .into(),
                    difference: None,
                    conf_low: None,
                    conf_high: None,
                    statistic: h.f,
                    df1: Some(h.df1),
                    df2: Some(h.df2),
                    p_value: p,
                }),
                None => {
                    notes.push(tx::subgroup_few_clusters(lang));
                    None
                }
            },
            _ => Some(DifferenceTest {
                method: tx::test_joint(false, lang),
                difference: None,
                conf_low: None,
                conf_high: None,
                statistic: w.f,
                df1: Some(w.df1),
                df2: Some(w.df2),
                p_value: w.p_value,
            }),
        },
        Err(e) => {
            notes.push(tx::subgroup_failed("", &e.to_string(), lang));
            None
        }
    }
}

/// Effects by the levels of `column` from re-fitting the design within each level (matching,
/// difference in differences), and the test that they differ.
///
/// The estimates of different levels come from disjoint units, so they are independent. The
/// test of equal effects:
/// * two levels: `d = τ̂₂ − τ̂₁` with `SE = √(SE₁² + SE₂²)`; t with the Welch–Satterthwaite df
///   `(v₁ + v₂)² / (v₁²/df₁ + v₂²/df₂)` when both estimates have t references, otherwise the
///   normal reference;
/// * more levels: Cochran's Q `Σ w_k (τ̂_k − τ̄)²` with `w_k = 1/SE_k²` and `τ̄ = Σ w_k τ̂_k / Σ w_k`,
///   χ² with K − 1 df (Cochran 1954).
///
/// A level whose re-fit fails (too few units, no matches) gets a note and no estimate; its
/// counts are the analysed units of the level (for the privacy rules). With a unit column, a
/// subgroup column that varies within units gets a note and no breakdown.
///
/// # Errors
/// [`ReportError::Estimation`] when the column has more than [`MAX_LEVELS`] levels.
pub fn analyse_refit(
    table: &Table,
    prep: &Prepared,
    column: &str,
    is_sex: bool,
    level: f64,
    lang: Language,
    fit: &dyn Fn(&Prepared) -> Result<SubEstimate, ReportError>,
) -> Result<SubgroupRaw, ReportError> {
    let (labels, levels, missing, mut notes) = levels_of(table, prep, column, lang)?;
    if let Some(unit) = &prep.data.unit {
        let mut seen: std::collections::HashMap<u32, &Option<String>> =
            std::collections::HashMap::new();
        let varies = unit
            .codes
            .iter()
            .zip(&labels)
            .any(|(u, l)| *seen.entry(*u).or_insert(l) != l);
        if varies {
            notes.push(tx::subgroup_varies_within_units(column, &unit.column, lang));
            return Ok(SubgroupRaw {
                column: column.to_string(),
                is_sex,
                levels: Vec::new(),
                test: None,
                notes,
                missing,
            });
        }
    }
    let mut raw = Vec::new();
    let mut fitted: Vec<(f64, f64, Option<f64>)> = Vec::new();
    for label in &levels {
        let keep: Vec<bool> = labels.iter().map(|l| l.as_ref() == Some(label)).collect();
        let sub = prep.subset(&keep);
        let count = |arm: bool| sub.treated.iter().filter(|&&t| t == arm).count();
        let mut l = LevelRaw {
            level: label.clone(),
            n_treated: count(true),
            n_control: count(false),
            treated_mean: f64::NAN,
            control_mean: f64::NAN,
            estimate: None,
            std_error: None,
            conf_low: None,
            conf_high: None,
            p_value: None,
        };
        match fit(&sub) {
            Ok(e) => {
                l.n_treated = e.n_treated;
                l.n_control = e.n_control;
                l.treated_mean = e.treated_mean;
                l.control_mean = e.counterfactual;
                l.estimate = finite(e.estimate);
                l.std_error = finite(e.std_error);
                l.conf_low = finite(e.conf_low);
                l.conf_high = finite(e.conf_high);
                l.p_value = finite(e.p_value);
                if e.estimate.is_finite() && e.std_error.is_finite() && e.std_error > 0.0 {
                    fitted.push((e.estimate, e.std_error, e.df));
                }
            }
            Err(e) => notes.push(tx::subgroup_level_failed(
                column,
                label,
                &e.to_string(),
                lang,
            )),
        }
        raw.push(l);
    }
    let test = independent_difference_test(&fitted, level, lang);
    Ok(SubgroupRaw {
        column: column.to_string(),
        is_sex,
        levels: raw,
        test,
        notes,
        missing,
    })
}

/// Test of equal effects across independent estimates (see [`analyse_refit`]).
pub fn independent_difference_test(
    est: &[(f64, f64, Option<f64>)],
    level: f64,
    lang: Language,
) -> Option<DifferenceTest> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    match est {
        [] | [_] => None,
        [(t1, s1, d1), (t2, s2, d2)] => {
            let (v1, v2) = (s1 * s1, s2 * s2);
            let d = t2 - t1;
            let se = (v1 + v2).sqrt();
            let df = match (d1, d2) {
                (Some(a), Some(b)) => Some((v1 + v2).powi(2) / (v1 * v1 / a + v2 * v2 / b)),
                _ => None,
            };
            let t = match df {
                Some(df) => effekt_models::dist::t_test(d, se, df, level).ok()?,
                None => effekt_models::dist::z_test(d, se, level).ok()?,
            };
            Some(DifferenceTest {
                method: tx::test_independent(df.is_some(), lang),
                difference: finite(d),
                conf_low: finite(t.conf_low),
                conf_high: finite(t.conf_high),
                statistic: t.statistic,
                df1: None,
                df2: df.and_then(finite),
                p_value: t.p_value,
            })
        }
        _ => {
            let w: Vec<f64> = est.iter().map(|(_, s, _)| 1.0 / (s * s)).collect();
            let sw: f64 = w.iter().sum();
            let mean = est.iter().zip(&w).map(|((t, _, _), w)| w * t).sum::<f64>() / sw;
            let q: f64 = est
                .iter()
                .zip(&w)
                .map(|((t, _, _), w)| w * (t - mean) * (t - mean))
                .sum();
            let k = (est.len() - 1) as f64;
            let p = 1.0 - ChiSquared::new(k).ok()?.cdf(q);
            Some(DifferenceTest {
                method: tx::test_cochran(lang),
                difference: None,
                conf_low: None,
                conf_high: None,
                statistic: q,
                df1: Some(k),
                df2: None,
                p_value: p,
            })
        }
    }
}
