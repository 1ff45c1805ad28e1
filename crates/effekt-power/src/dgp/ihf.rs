//! IHF: intensive home-based family treatment ("intensiv hembaserad familjebehandling").

use super::*;
use rand::Rng as _;

/// Configuration of the IHF generator. All fields have defaults (`#[serde(default)]`).
///
/// # The data-generating process
///
/// For family `i` in municipality `m` (weights Gamma(2, 1), so municipality sizes are unequal):
/// * child sex: girl with probability 0.45; child age at intake uniform on 0–17;
/// * baseline risk (structured assessment, 0–10, one decimal):
///   `N(5 + 0.05 (age − 9), 1.5)` clipped to [0, 10]; `z_risk = (risk − 5)/1.5`,
///   `z_age = (age − 8.5)/5.2`;
/// * municipality effect `u_m ~ N(0, municipality_sd)` (log-odds scale), family effect
///   `b_i ~ N(0, 1)`;
/// * treatment by [`Assignment`] (default observational: higher risk and younger children are
///   more often treated);
/// * waves `w = 0, …, W−1` (`w = 0` is intake, before treatment), `months = w ·
///   months_between_waves`; the effect builds up linearly, `g(w) = w/(W−1)`;
/// * drop-out: after intake a family still in the study leaves before wave `w` with probability
///   `logistic(logit(attrition) + attrition_risk · z_risk)`; its later outcomes are missing
///   (`responded = 0`). The default is drop-out unrelated to anything (MCAR).
///
/// Outcomes at follow-up waves (`w ≥ 1`; missing at intake, where they are not defined):
/// * `closed_lower_level` (case closed with a step down to a lower level of intervention, by
///   this wave): `p0 = logistic(logit(0.10 + 0.25 g(w)) − 0.5 z_risk + 0.15 z_age + u_m)`,
///   `p1 = p0 + τ_i g(w)` (kept within [0.001, 0.999]), `τ_i = effect · (1 − heterogeneity ·
///   z_risk)` limited to [0, 2·effect]; one uniform `U_i` per family decides all waves, so a
///   closed case stays closed. Higher-risk families gain less, so the ATT differs from the ATE
///   when they are selected into treatment.
/// * `goal_attainment` none / partly / fully: latent `η + ε`, `ε` standard logistic,
///   `η = 0.2 − 0.5 z_risk + u_m + 0.6 b_i + goal_effect · g(w) · treated`, cut-points −0.5
///   and 1.2; `goals_met` = partly or fully.
/// * `parent_rating`, `child_rating` 1–5 (children aged 7 or more only): latent
///   `η = c − 0.25 z_risk + 0.5 u_m + 0.5 b_i + rating_effect · treated` (c = 1.0 parents,
///   0.5 children), cut-points −2.0, −0.8, 0.4, 1.6.
/// * `problem_score` (T-score-like, every wave including intake):
///   `62 + 4 z_risk + 5 b_i + 2 v_m − 1.5 w − score_effect · g(w) · treated + N(0, 4²)`,
///   `v_m ~ N(0, 1)`, rounded to one decimal (the rounding error averages out: < 0.001).
///
/// True effects per follow-up wave: `closed_lower_level`, `goals_met`, `goal_attainment_fully`
/// (probability scale), `parent_rating`, `child_rating` (1–5 scale), `problem_score`, each as ATE
/// and ATT, computed exactly from the closed-form expected outcomes of each family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IhfConfig {
    /// Number of families (10–100,000).
    pub families: usize,
    /// Number of municipalities (1–15).
    pub municipalities: usize,
    /// Measurement waves including intake (2–4).
    pub waves: u32,
    pub months_between_waves: u32,
    pub assignment: Assignment,
    /// Average added probability of having closed to a lower level by the last wave (before
    /// heterogeneity), e.g. 0.12 = 12 percentage points.
    pub effect: f64,
    /// How much the effect on closing falls per SD of baseline risk (0 = homogeneous).
    pub heterogeneity: f64,
    /// Log-odds shift of goal attainment at the last wave.
    pub goal_effect: f64,
    /// Log-odds shift of the ratings.
    pub rating_effect: f64,
    /// Reduction of the problem score at the last wave (score points).
    pub score_effect: f64,
    /// Probability of dropping out before each follow-up wave.
    pub attrition: f64,
    /// Log-odds slope of drop-out on baseline risk (0 = unrelated, MCAR).
    pub attrition_risk: f64,
    /// SD of the municipality effect on the log-odds scale.
    pub municipality_sd: f64,
}

impl Default for IhfConfig {
    fn default() -> Self {
        Self {
            families: 240,
            municipalities: 10,
            waves: 3,
            months_between_waves: 6,
            assignment: Assignment::default(),
            effect: 0.12,
            heterogeneity: 0.5,
            goal_effect: 0.5,
            rating_effect: 0.4,
            score_effect: 3.0,
            attrition: 0.08,
            attrition_risk: 0.0,
            municipality_sd: 0.3,
        }
    }
}

const GOAL_CUTS: [f64; 2] = [-0.5, 1.2];
const RATING_CUTS: [f64; 4] = [-2.0, -0.8, 0.4, 1.6];

fn expected_rating(eta: f64) -> f64 {
    1.0 + RATING_CUTS.iter().map(|k| logistic(eta - k)).sum::<f64>()
}

fn draw_ordinal(eta: f64, cuts: &[f64], rng: &mut Rng) -> u32 {
    let u = unif(rng).clamp(1e-300, 1.0 - 1e-16);
    let latent = eta + logit(u);
    cuts.iter().filter(|&&k| latent > k).count() as u32
}

/// Generate IHF evaluation data (long format: one row per family and wave).
///
/// # Errors
/// [`PowerError::InvalidParameter`] / [`PowerError::Probability`] for out-of-range settings
/// (families 10–100,000, municipalities 1–15, waves 2–4, attrition in [0, 1), a probability of
/// closing that would leave [0, 1] by more than the clamp allows is clamped, not an error).
pub fn ihf(c: &IhfConfig, rng: &mut Rng) -> Result<Simulated> {
    check_units("families", c.families, 10, 100_000)?;
    check_units("municipalities", c.municipalities, 1, MUNICIPALITIES.len())?;
    if !(2..=4).contains(&c.waves) {
        return Err(PowerError::InvalidParameter {
            name: "waves",
            value: f64::from(c.waves),
            reason: "IHF data have 2 to 4 measurement waves (intake included)".into(),
        });
    }
    if !(c.effect.is_finite() && c.effect.abs() < 0.6) {
        return Err(PowerError::InvalidParameter {
            name: "effect",
            value: c.effect,
            reason: "the effect on closing to a lower level is a probability difference; use a \
                     value between -0.6 and 0.6 (e.g. 0.12 = 12 percentage points)"
                .into(),
        });
    }
    for (name, v) in [
        ("heterogeneity", c.heterogeneity),
        ("goal_effect", c.goal_effect),
        ("rating_effect", c.rating_effect),
        ("score_effect", c.score_effect),
        ("attrition_risk", c.attrition_risk),
    ] {
        check_finite(name, v)?;
    }
    if !(c.attrition.is_finite() && (0.0..1.0).contains(&c.attrition)) {
        return Err(PowerError::Probability {
            name: "attrition",
            value: c.attrition,
        });
    }
    crate::error::check_non_negative("municipality_sd", c.municipality_sd)?;
    let n = c.families;
    let nm = c.municipalities;
    let nw = c.waves as usize;

    // Municipalities and their effects.
    let muni = municipality_of_units(n, nm, rng);
    let u_m: Vec<f64> = (0..nm)
        .map(|_| c.municipality_sd * std_normal(rng))
        .collect();
    let v_m: Vec<f64> = (0..nm).map(|_| std_normal(rng)).collect();
    // Families.
    let mut girl = Vec::with_capacity(n);
    let mut age = Vec::with_capacity(n);
    let mut risk = Vec::with_capacity(n);
    let mut b = Vec::with_capacity(n);
    let mut u_close = Vec::with_capacity(n);
    for _ in 0..n {
        girl.push(unif(rng) < 0.45);
        let a: u32 = rng.random_range(0..18);
        age.push(a);
        let r = (5.0 + 0.05 * (f64::from(a) - 9.0) + 1.5 * std_normal(rng)).clamp(0.0, 10.0);
        risk.push(round_to(r, 1));
        b.push(std_normal(rng));
        u_close.push(unif(rng));
    }
    let z_risk: Vec<f64> = risk.iter().map(|r| (r - 5.0) / 1.5).collect();
    let z_age: Vec<f64> = age.iter().map(|&a| (f64::from(a) - 8.5) / 5.2).collect();
    let treated = assign(&c.assignment, &z_risk, &z_age, &muni, nm, rng)?;
    // Drop-out: last wave responded.
    let mut last_wave = vec![nw - 1; n];
    for i in 0..n {
        let p = logistic(logit(c.attrition.max(1e-12)) + c.attrition_risk * z_risk[i]);
        for w in 1..nw {
            if unif(rng) < p {
                last_wave[i] = w - 1;
                break;
            }
        }
    }
    let um = |i: usize| u_m.get(muni[i]).copied().unwrap_or(0.0);
    let g = |w: usize| w as f64 / (nw - 1) as f64;
    let (lo_tau, hi_tau) = (
        c.effect.min(2.0 * c.effect).min(0.0),
        c.effect.max(2.0 * c.effect).max(0.0),
    );
    let tau: Vec<f64> = z_risk
        .iter()
        .map(|z| (c.effect * (1.0 - c.heterogeneity * z)).clamp(lo_tau, hi_tau))
        .collect();
    let p_close = |i: usize, w: usize, t: bool| -> f64 {
        let p0 = logistic(logit(0.10 + 0.25 * g(w)) - 0.5 * z_risk[i] + 0.15 * z_age[i] + um(i));
        if t {
            (p0 + tau[i] * g(w)).clamp(0.001, 0.999)
        } else {
            p0
        }
    };
    let goal_eta = |i: usize, w: usize, t: bool| -> f64 {
        0.2 - 0.5 * z_risk[i] + um(i) + 0.6 * b[i] + if t { c.goal_effect * g(w) } else { 0.0 }
    };
    let rating_eta = |i: usize, base: f64, t: bool| -> f64 {
        base - 0.25 * z_risk[i] + 0.5 * um(i) + 0.5 * b[i] + if t { c.rating_effect } else { 0.0 }
    };

    // Rows.
    let rows = n * nw;
    let mut col_family = Vec::with_capacity(rows);
    let mut col_muni = Vec::with_capacity(rows);
    let mut col_wave = Vec::with_capacity(rows);
    let mut col_months = Vec::with_capacity(rows);
    let mut col_treated = Vec::with_capacity(rows);
    let mut col_age = Vec::with_capacity(rows);
    let mut col_sex = Vec::with_capacity(rows);
    let mut col_risk = Vec::with_capacity(rows);
    let mut col_resp = Vec::with_capacity(rows);
    let mut col_score = Vec::with_capacity(rows);
    let mut col_closed = Vec::with_capacity(rows);
    let mut col_goal = Vec::with_capacity(rows);
    let mut col_goals_met = Vec::with_capacity(rows);
    let mut col_parent = Vec::with_capacity(rows);
    let mut col_child = Vec::with_capacity(rows);
    for i in 0..n {
        let t = treated[i];
        for w in 0..nw {
            let responded = w <= last_wave[i];
            col_family.push(Some(i as i64 + 1));
            col_muni.push(Some(muni[i] as u32));
            col_wave.push(Some(w as i64));
            col_months.push(Some((w as u32 * c.months_between_waves) as i64));
            col_treated.push(Some(i64::from(t)));
            col_age.push(Some(i64::from(age[i])));
            col_sex.push(Some(u32::from(!girl[i])));
            col_risk.push(Some(risk[i]));
            col_resp.push(Some(i64::from(responded)));
            // Draw every wave's noise whether or not the family responded, so drop-out settings
            // do not change the other values of the same seed.
            let e_score = 4.0 * std_normal(rng);
            let goal = draw_ordinal(goal_eta(i, w, t), &GOAL_CUTS, rng);
            let parent = draw_ordinal(rating_eta(i, 1.0, t), &RATING_CUTS, rng) + 1;
            let child = draw_ordinal(rating_eta(i, 0.5, t), &RATING_CUTS, rng) + 1;
            let score = 62.0
                + 4.0 * z_risk[i]
                + 5.0 * b[i]
                + 2.0 * v_m.get(muni[i]).copied().unwrap_or(0.0)
                - 1.5 * w as f64
                - if t { c.score_effect * g(w) } else { 0.0 }
                + e_score;
            col_score.push(responded.then(|| round_to(score, 1)));
            let follow = responded && w >= 1;
            col_closed.push(follow.then(|| i64::from(u_close[i] < p_close(i, w, t))));
            col_goal.push(follow.then_some(goal));
            col_goals_met.push(follow.then(|| i64::from(goal >= 1)));
            col_parent.push(follow.then_some(i64::from(parent)));
            col_child.push((follow && age[i] >= 7).then_some(i64::from(child)));
        }
    }
    let muni_levels = municipality_levels(nm);
    let sex_levels = vec!["girl".to_string(), "boy".to_string()];
    let goal_levels = vec![
        "none".to_string(),
        "partly".to_string(),
        "fully".to_string(),
    ];
    let table = make_table(
        "ihf (synthetic)",
        vec![
            int_col("family_id", col_family),
            cat_col("municipality", &muni_levels, col_muni),
            int_col("wave", col_wave),
            int_col("months", col_months),
            int_col("treated", col_treated),
            int_col("child_age", col_age),
            cat_col("child_sex", &sex_levels, col_sex),
            float_col("baseline_risk", col_risk.clone()),
            int_col("responded", col_resp),
            float_col("problem_score", col_score),
            int_col("closed_lower_level", col_closed),
            cat_col("goal_attainment", &goal_levels, col_goal),
            int_col("goals_met", col_goals_met),
            int_col("parent_rating", col_parent),
            int_col("child_rating", col_child),
        ],
    )?;

    // True effects.
    let mut estimands = Vec::new();
    let prob = "probability (0.10 = 10 percentage points)";
    for w in 1..nw {
        let wv = Some(w as i64);
        let mut push =
            |outcome: &str, scale: &str, keep: &dyn Fn(usize) -> bool, f: &dyn Fn(usize) -> f64| {
                for (pop, name) in [(Population::All, "ATE"), (Population::Treated, "ATT")] {
                    let (value, k) =
                        mean_over(n, |i| keep(i) && (pop == Population::All || treated[i]), f);
                    estimands.push(Estimand {
                        outcome: outcome.into(),
                        estimand: name.into(),
                        population: pop,
                        wave: wv,
                        value,
                        scale: scale.into(),
                        n_units: k,
                    });
                }
            };
        push("closed_lower_level", prob, &|_| true, &|i| {
            p_close(i, w, true) - p_close(i, w, false)
        });
        push("goals_met", prob, &|_| true, &|i| {
            logistic(goal_eta(i, w, true) - GOAL_CUTS[0])
                - logistic(goal_eta(i, w, false) - GOAL_CUTS[0])
        });
        push("goal_attainment_fully", prob, &|_| true, &|i| {
            logistic(goal_eta(i, w, true) - GOAL_CUTS[1])
                - logistic(goal_eta(i, w, false) - GOAL_CUTS[1])
        });
        push(
            "parent_rating",
            "rating points (1-5 scale)",
            &|_| true,
            &|i| {
                expected_rating(rating_eta(i, 1.0, true))
                    - expected_rating(rating_eta(i, 1.0, false))
            },
        );
        push(
            "child_rating",
            "rating points (1-5 scale), children aged 7-17",
            &|i| age[i] >= 7,
            &|i| {
                expected_rating(rating_eta(i, 0.5, true))
                    - expected_rating(rating_eta(i, 0.5, false))
            },
        );
        push("problem_score", "score points", &|_| true, &|_| {
            -c.score_effect * g(w)
        });
    }
    let n_treated = treated.iter().filter(|&&t| t).count();
    let columns = vec![
        doc(
            "family_id",
            "int",
            "family identifier (1..n); one row per family and wave",
        ),
        doc(
            "municipality",
            "categorical",
            "municipality (fictional name); the cluster",
        ),
        doc(
            "wave",
            "int",
            "measurement wave: 0 = intake (before treatment), 1.. = follow-ups",
        ),
        doc("months", "int", "months since intake"),
        doc(
            "treated",
            "int",
            "1 = received IHF, 0 = comparison (treatment as usual)",
        ),
        doc("child_age", "int", "child's age in years at intake (0-17)"),
        doc("child_sex", "categorical", "child's sex: girl / boy"),
        doc(
            "baseline_risk",
            "float",
            "risk assessment at intake, 0-10 (higher = more risk)",
        ),
        doc(
            "responded",
            "int",
            "1 = family took part in this wave; 0 = dropped out (outcomes missing)",
        ),
        doc(
            "problem_score",
            "float",
            "child problem score (T-score-like, higher = more problems), every wave",
        ),
        doc(
            "closed_lower_level",
            "int",
            "1 = case closed with a step down to a lower level of intervention by this wave; missing at intake and after drop-out",
        ),
        doc(
            "goal_attainment",
            "categorical",
            "goals of the plan attained: none / partly / fully (follow-ups)",
        ),
        doc(
            "goals_met",
            "int",
            "1 = goals partly or fully attained (follow-ups)",
        ),
        doc(
            "parent_rating",
            "int",
            "parents' rating of the intervention, 1-5 (follow-ups)",
        ),
        doc(
            "child_rating",
            "int",
            "child's rating of the intervention, 1-5; children aged 7 or more (follow-ups)",
        ),
    ];
    Ok(Simulated {
        truth: TrueEffects {
            dgp: "ihf".into(),
            generator_version: env!("CARGO_PKG_VERSION").into(),
            seed: None,
            stream: None,
            config: config_json(c),
            description: "Synthetic evaluation of intensive home-based family treatment (IHF): \
                          families in municipalities, intake and follow-up waves with drop-out, \
                          four outcome measures used in Swedish practice plus a problem score."
                .into(),
            definition: "Sample average over the generated families of the difference between \
                         each family's expected outcome with and without IHF (closed form from \
                         the DGP; municipality and family effects held at their drawn values). \
                         ATE: all families (child_rating: children aged 7+); ATT: treated \
                         families. Potential outcomes exist whether or not a family dropped out."
                .into(),
            n_units: n,
            n_rows: rows,
            n_treated,
            estimands,
            att_gt: Vec::new(),
            columns,
        },
        table,
    })
}
