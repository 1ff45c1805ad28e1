//! TFCO: Treatment Foster Care Oregon for youths in out-of-home placement.

use super::*;
use rand::Rng as _;

/// Configuration of the TFCO generator. All fields have defaults (`#[serde(default)]`).
///
/// # The data-generating process
///
/// Youth `i` in municipality `m` (unequal sizes as for IHF):
/// * sex: girl with probability 0.45; age uniform on 12–17;
/// * previous placements `Poisson(1.5)`; months in care before the study `Gamma(2, 6)` (one
///   decimal); baseline risk `N(6 + 0.3 previous_placements, 1.5)` clipped to [0, 10], one
///   decimal; `z_risk = (risk − 6)/1.5`, `z_age = (age − 14.5)/1.7`;
/// * municipality effect `u_m ~ N(0, municipality_sd)` on the log-hazard scale;
/// * treatment by [`Assignment`] (TFCO vs placement as usual);
/// * time to moving to a lower-intensity intervention: exponential with hazard
///   `λ_i = λ0 · exp(−0.4 z_risk − 0.15 (previous_placements − 1.5) + u_m) · HR^treated`, where
///   `λ0 = −ln(1 − base_rate)/follow_up_months` (so `base_rate` is the 12-month probability of
///   moving for an average youth without TFCO) and `HR = hazard_ratio`;
/// * administrative censoring at `follow_up_months` (no other loss to follow-up), so
///   `moved_lower_intensity` equals the event indicator `event`.
///
/// True effects: the 12-month probability of moving, `mean_i [(1 − e^{−λ1_i T}) −
/// (1 − e^{−λ0_i T})]` over all youths (ATE) and the treated (ATT), and the conditional hazard
/// ratio (the Cox-model estimand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TfcoConfig {
    /// Number of youths (10–100,000).
    pub youths: usize,
    /// Number of municipalities (1–15).
    pub municipalities: usize,
    pub assignment: Assignment,
    /// Hazard ratio of moving to a lower-intensity intervention, TFCO vs usual care.
    pub hazard_ratio: f64,
    /// 12-month probability of moving for an average youth in usual care.
    pub base_rate: f64,
    pub follow_up_months: f64,
    pub municipality_sd: f64,
}

impl Default for TfcoConfig {
    fn default() -> Self {
        Self {
            youths: 120,
            municipalities: 8,
            assignment: Assignment::default(),
            hazard_ratio: 1.8,
            base_rate: 0.30,
            follow_up_months: 12.0,
            municipality_sd: 0.3,
        }
    }
}

/// Generate TFCO evaluation data (one row per youth).
///
/// # Errors
/// [`PowerError::InvalidParameter`] / [`PowerError::Probability`] for out-of-range settings.
pub fn tfco(c: &TfcoConfig, rng: &mut Rng) -> Result<Simulated> {
    use rand::distr::Distribution;
    check_units("youths", c.youths, 10, 100_000)?;
    check_units("municipalities", c.municipalities, 1, MUNICIPALITIES.len())?;
    crate::error::check_positive("hazard_ratio", c.hazard_ratio)?;
    check_share("base_rate", c.base_rate)?;
    crate::error::check_positive("follow_up_months", c.follow_up_months)?;
    crate::error::check_non_negative("municipality_sd", c.municipality_sd)?;
    let n = c.youths;
    let nm = c.municipalities;
    let horizon = c.follow_up_months;
    let muni = municipality_of_units(n, nm, rng);
    let u_m: Vec<f64> = (0..nm)
        .map(|_| c.municipality_sd * std_normal(rng))
        .collect();
    let poisson = rand_distr::Poisson::new(1.5).map_err(|e| PowerError::Numerical {
        what: "Poisson distribution",
        detail: e.to_string(),
    })?;
    let gamma = rand_distr::Gamma::new(2.0, 6.0).map_err(|e| PowerError::Numerical {
        what: "Gamma distribution",
        detail: e.to_string(),
    })?;
    let mut girl = Vec::with_capacity(n);
    let mut age = Vec::with_capacity(n);
    let mut prev = Vec::with_capacity(n);
    let mut months_in_care = Vec::with_capacity(n);
    let mut risk = Vec::with_capacity(n);
    let mut e_time = Vec::with_capacity(n);
    for _ in 0..n {
        girl.push(unif(rng) < 0.45);
        let a: u32 = rng.random_range(12..18);
        age.push(a);
        let p: f64 = poisson.sample(rng);
        prev.push(p);
        months_in_care.push(round_to(gamma.sample(rng), 1));
        risk.push(round_to(
            (6.0 + 0.3 * p + 1.5 * std_normal(rng)).clamp(0.0, 10.0),
            1,
        ));
        // Standard exponential draw; divided by the hazard below.
        e_time.push(-(1.0 - unif(rng)).ln());
    }
    let z_risk: Vec<f64> = risk.iter().map(|r| (r - 6.0) / 1.5).collect();
    let z_age: Vec<f64> = age.iter().map(|&a| (f64::from(a) - 14.5) / 1.7).collect();
    let treated = assign(&c.assignment, &z_risk, &z_age, &muni, nm, rng)?;
    let lambda0 = -(1.0 - c.base_rate).ln() / horizon;
    let hazard = |i: usize, t: bool| -> f64 {
        lambda0
            * (-0.4 * z_risk[i] - 0.15 * (prev[i] - 1.5) + u_m.get(muni[i]).copied().unwrap_or(0.0))
                .exp()
            * if t { c.hazard_ratio } else { 1.0 }
    };
    let mut col_moved = Vec::with_capacity(n);
    let mut col_time = Vec::with_capacity(n);
    let mut col_event = Vec::with_capacity(n);
    for i in 0..n {
        let time = e_time[i] / hazard(i, treated[i]);
        let event = time <= horizon;
        // Shown with two decimals; an event never displays as the censoring time.
        let shown = if event {
            round_to(time, 2).min(horizon - 0.01)
        } else {
            horizon
        };
        col_moved.push(Some(i64::from(event)));
        col_event.push(Some(i64::from(event)));
        col_time.push(Some(shown));
    }
    let muni_levels = municipality_levels(nm);
    let sex_levels = vec!["girl".to_string(), "boy".to_string()];
    let table = make_table(
        "tfco (synthetic)",
        vec![
            int_col("youth_id", (1..=n as i64).map(Some).collect()),
            cat_col(
                "municipality",
                &muni_levels,
                muni.iter().map(|&m| Some(m as u32)).collect(),
            ),
            int_col(
                "treated",
                treated.iter().map(|&t| Some(i64::from(t))).collect(),
            ),
            int_col("age", age.iter().map(|&a| Some(i64::from(a))).collect()),
            cat_col(
                "sex",
                &sex_levels,
                girl.iter().map(|&g| Some(u32::from(!g))).collect(),
            ),
            int_col(
                "previous_placements",
                prev.iter().map(|&p| Some(p as i64)).collect(),
            ),
            float_col(
                "months_in_care",
                months_in_care.iter().map(|&m| Some(m)).collect(),
            ),
            float_col("baseline_risk", risk.iter().map(|&r| Some(r)).collect()),
            int_col("moved_lower_intensity", col_moved),
            float_col("months_to_move", col_time),
            int_col("event", col_event),
        ],
    )?;
    let f = |i: usize| {
        (1.0 - (-hazard(i, true) * horizon).exp()) - (1.0 - (-hazard(i, false) * horizon).exp())
    };
    let mut estimands = Vec::new();
    for (pop, name) in [(Population::All, "ATE"), (Population::Treated, "ATT")] {
        let (value, k) = mean_over(n, |i| pop == Population::All || treated[i], f);
        estimands.push(Estimand {
            outcome: "moved_lower_intensity".into(),
            estimand: name.into(),
            population: pop,
            wave: None,
            value,
            scale: format!(
                "probability of moving within {horizon} months (0.10 = 10 percentage points)"
            ),
            n_units: k,
        });
    }
    estimands.push(Estimand {
        outcome: "months_to_move".into(),
        estimand: "hazard ratio (conditional on covariates and municipality)".into(),
        population: Population::All,
        wave: None,
        value: c.hazard_ratio,
        scale: "hazard ratio".into(),
        n_units: n,
    });
    let n_treated = treated.iter().filter(|&&t| t).count();
    Ok(Simulated {
        truth: TrueEffects {
            dgp: "tfco".into(),
            generator_version: env!("CARGO_PKG_VERSION").into(),
            seed: None,
            stream: None,
            config: config_json(c),
            description: "Synthetic evaluation of Treatment Foster Care Oregon (TFCO): youths in \
                          out-of-home placement, moving to a lower-intensity intervention within \
                          the follow-up (binary) and time to that move (censored)."
                .into(),
            definition: "Probability effects: sample average over the generated youths of the \
                         difference between each youth's 12-month probability of moving with and \
                         without TFCO (closed form from the exponential model). Hazard ratio: \
                         the model's constant conditional hazard ratio."
                .into(),
            n_units: n,
            n_rows: n,
            n_treated,
            estimands,
            att_gt: Vec::new(),
            columns: vec![
                doc("youth_id", "int", "youth identifier (1..n)"),
                doc(
                    "municipality",
                    "categorical",
                    "placing municipality (fictional name)",
                ),
                doc("treated", "int", "1 = TFCO, 0 = placement as usual"),
                doc("age", "int", "age in years at the start (12-17)"),
                doc("sex", "categorical", "girl / boy"),
                doc(
                    "previous_placements",
                    "int",
                    "number of earlier out-of-home placements",
                ),
                doc("months_in_care", "float", "months in care before the start"),
                doc(
                    "baseline_risk",
                    "float",
                    "risk assessment at the start, 0-10",
                ),
                doc(
                    "moved_lower_intensity",
                    "int",
                    "1 = moved to a lower-intensity intervention within the follow-up",
                ),
                doc(
                    "months_to_move",
                    "float",
                    "months to the move, or the follow-up length when censored",
                ),
                doc(
                    "event",
                    "int",
                    "1 = move observed, 0 = censored at the end of follow-up",
                ),
            ],
        },
        table,
    })
}
