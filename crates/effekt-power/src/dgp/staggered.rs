//! Staggered-adoption panel with heterogeneous, dynamic effects.

use super::*;

/// Configuration of the staggered-adoption generator (`#[serde(default)]`).
///
/// # The data-generating process
/// `units` units observed in periods `1..=periods`. A share `never_treated_share` is never
/// treated (cohort 0); the rest are split as evenly as possible over the adoption cohorts
/// `cohorts` (first treated period, 2..=periods), assigned at random. For a unit of cohort
/// `g_k` (k = 0, 1, … in increasing order) in period `t`:
/// `y_it = α_i + λ_t + τ(g_k, t − g_k) · 1{t ≥ g_k} + ε_it` with
/// `α_i ~ N(0.5 (k + 1), unit_sd²)` (cohorts differ in level; never-treated: mean 0),
/// `λ_t = 0.2 t + 0.3 N(0, 1)` (common shocks), `ε_it ~ N(0, noise_sd²)`, and
/// `τ(g_k, e) = effect · (1 + dynamic · e) · (1 + cohort_heterogeneity · ((K − 1)/2 − k))`:
/// effects grow with time since adoption and differ between cohorts (earlier cohorts gain
/// more), which is exactly where two-way fixed effects goes wrong (Goodman-Bacon 2021) and
/// Callaway & Sant'Anna (2021) does not. Parallel trends hold unconditionally.
///
/// True effects: ATT(g, t) = τ(g, t − g) for every cohort and period (0 before adoption), the
/// event-time averages ATT(e) weighted by cohort size, and the "simple" aggregate (average of
/// the post-adoption ATT(g, t) weighted by cohort size, as `csdid`/`did` aggregate
/// `type = "simple"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaggeredConfig {
    /// Number of units (4–100,000).
    pub units: usize,
    /// Number of periods (3–200).
    pub periods: u32,
    /// Adoption cohorts: first treated periods, each in 2..=periods, distinct.
    pub cohorts: Vec<u32>,
    pub never_treated_share: f64,
    /// Effect at adoption (event time 0) for the middle cohort.
    pub effect: f64,
    /// Relative growth of the effect per period since adoption.
    pub dynamic: f64,
    /// Relative difference in effect between neighbouring cohorts.
    pub cohort_heterogeneity: f64,
    pub unit_sd: f64,
    pub noise_sd: f64,
}

impl Default for StaggeredConfig {
    fn default() -> Self {
        Self {
            units: 200,
            periods: 10,
            cohorts: vec![4, 6, 8],
            never_treated_share: 0.25,
            effect: 1.0,
            dynamic: 0.2,
            cohort_heterogeneity: 0.3,
            unit_sd: 1.0,
            noise_sd: 1.0,
        }
    }
}

/// Generate a staggered-adoption panel (one row per unit and period).
///
/// # Errors
/// [`PowerError::InvalidParameter`] / [`PowerError::Probability`] for out-of-range settings.
pub fn staggered(c: &StaggeredConfig, rng: &mut Rng) -> Result<Simulated> {
    check_units("units", c.units, 4, 100_000)?;
    check_units("periods", c.periods as usize, 3, 200)?;
    super::check_rows(
        "units x periods",
        c.units.saturating_mul(c.periods as usize),
    )?;
    let mut cohorts = c.cohorts.clone();
    cohorts.sort_unstable();
    cohorts.dedup();
    if cohorts.len() != c.cohorts.len() || cohorts.is_empty() {
        return Err(PowerError::InvalidParameter {
            name: "cohorts",
            value: c.cohorts.len() as f64,
            reason: "give one or more distinct first-treated periods".into(),
        });
    }
    if let Some(&bad) = cohorts.iter().find(|&&g| g < 2 || g > c.periods) {
        return Err(PowerError::InvalidParameter {
            name: "cohorts",
            value: f64::from(bad),
            reason: format!(
                "a first-treated period must be between 2 and {} (a pre-period is needed)",
                c.periods
            ),
        });
    }
    if !(c.never_treated_share.is_finite() && (0.0..1.0).contains(&c.never_treated_share)) {
        return Err(PowerError::Probability {
            name: "never_treated_share",
            value: c.never_treated_share,
        });
    }
    for (name, v) in [
        ("effect", c.effect),
        ("dynamic", c.dynamic),
        ("cohort_heterogeneity", c.cohort_heterogeneity),
    ] {
        check_finite(name, v)?;
    }
    for (name, v) in [("unit_sd", c.unit_sd), ("noise_sd", c.noise_sd)] {
        crate::error::check_non_negative(name, v)?;
        check_finite(name, v)?;
    }
    let n = c.units;
    let kc = cohorts.len();
    let n_never = (c.never_treated_share * n as f64).round() as usize;
    let n_treat = n - n_never;
    if n_treat < kc {
        return Err(PowerError::InvalidParameter {
            name: "units",
            value: n as f64,
            reason: "too few treated units for the number of cohorts".into(),
        });
    }
    // Cohort index per unit: None = never treated.
    let mut slot: Vec<Option<usize>> = Vec::with_capacity(n);
    slot.extend(std::iter::repeat_n(None, n_never));
    for k in 0..kc {
        let size = n_treat / kc + usize::from(k < n_treat % kc);
        slot.extend(std::iter::repeat_n(Some(k), size));
    }
    let perm = permutation(n, rng);
    let cohort_of: Vec<Option<usize>> = perm
        .iter()
        .map(|&p| slot.get(p).copied().flatten())
        .collect();
    let tau = |k: usize, e: i64| -> f64 {
        if e < 0 {
            return 0.0;
        }
        c.effect
            * (1.0 + c.dynamic * e as f64)
            * (1.0 + c.cohort_heterogeneity * ((kc as f64 - 1.0) / 2.0 - k as f64))
    };
    let periods = c.periods as usize;
    let lambda: Vec<f64> = (1..=periods)
        .map(|t| 0.2 * t as f64 + 0.3 * std_normal(rng))
        .collect();
    let rows = n * periods;
    let mut col_id = Vec::with_capacity(rows);
    let mut col_period = Vec::with_capacity(rows);
    let mut col_first = Vec::with_capacity(rows);
    let mut col_treated = Vec::with_capacity(rows);
    let mut col_y = Vec::with_capacity(rows);
    for (i, coh) in cohort_of.iter().enumerate() {
        let level = coh.map_or(0.0, |k| 0.5 * (k as f64 + 1.0));
        let alpha = level + c.unit_sd * std_normal(rng);
        let g = coh
            .and_then(|k| cohorts.get(k))
            .map_or(0_i64, |&g| i64::from(g));
        for (t0, lam) in lambda.iter().enumerate() {
            let t = t0 as i64 + 1;
            let d = g > 0 && t >= g;
            let effect = match coh {
                Some(k) if d => tau(*k, t - g),
                _ => 0.0,
            };
            col_id.push(Some(i as i64 + 1));
            col_period.push(Some(t));
            col_first.push(Some(g));
            col_treated.push(Some(i64::from(d)));
            col_y.push(Some(alpha + lam + effect + c.noise_sd * std_normal(rng)));
        }
    }
    let table = make_table(
        "staggered (synthetic)",
        vec![
            int_col("id", col_id),
            int_col("period", col_period),
            int_col("first_treated", col_first),
            int_col("treated", col_treated),
            float_col("y", col_y),
        ],
    )?;
    let sizes: Vec<usize> = (0..kc)
        .map(|k| cohort_of.iter().filter(|c| **c == Some(k)).count())
        .collect();
    let mut att_gt = Vec::new();
    for (k, &g) in cohorts.iter().enumerate() {
        for t in 1..=i64::from(c.periods) {
            let e = t - i64::from(g);
            att_gt.push(GroupTimeEffect {
                group: i64::from(g),
                period: t,
                event_time: e,
                value: tau(k, e),
                n_units: sizes.get(k).copied().unwrap_or(0),
            });
        }
    }
    let mut estimands = Vec::new();
    let post: Vec<&GroupTimeEffect> = att_gt.iter().filter(|a| a.event_time >= 0).collect();
    let wsum: f64 = post.iter().map(|a| a.n_units as f64).sum();
    let simple = post.iter().map(|a| a.n_units as f64 * a.value).sum::<f64>() / wsum;
    estimands.push(Estimand {
        outcome: "y".into(),
        estimand: "ATT (simple aggregation of post-adoption ATT(g,t), cohort-size weights)".into(),
        population: Population::Treated,
        wave: None,
        value: simple,
        scale: "outcome units".into(),
        n_units: n_treat,
    });
    let max_e = i64::from(c.periods) - i64::from(cohorts.first().copied().unwrap_or(2));
    for e in 0..=max_e {
        let cells: Vec<&GroupTimeEffect> = att_gt.iter().filter(|a| a.event_time == e).collect();
        let w: f64 = cells.iter().map(|a| a.n_units as f64).sum();
        if w > 0.0 {
            estimands.push(Estimand {
                outcome: "y".into(),
                estimand: format!("ATT(e = {e}) (event-time average, cohort-size weights)"),
                population: Population::Treated,
                wave: Some(e),
                value: cells
                    .iter()
                    .map(|a| a.n_units as f64 * a.value)
                    .sum::<f64>()
                    / w,
                scale: "outcome units".into(),
                n_units: cells.iter().map(|a| a.n_units).sum(),
            });
        }
    }
    Ok(Simulated {
        truth: TrueEffects {
            dgp: "staggered".into(),
            generator_version: env!("CARGO_PKG_VERSION").into(),
            seed: None,
            stream: None,
            config: config_json(c),
            description: "Staggered-adoption panel: cohorts by first treated period (0 = never \
                          treated), effects that grow with time since adoption and differ \
                          between cohorts."
                .into(),
            definition: "ATT(g, t) is the model's effect for cohort g in period t (identical for \
                         every unit of the cohort); aggregates weight cohorts by their size."
                .into(),
            n_units: n,
            n_rows: rows,
            n_treated: n_treat,
            estimands,
            att_gt,
            columns: vec![
                doc("id", "int", "unit identifier"),
                doc("period", "int", "period 1..T"),
                doc(
                    "first_treated",
                    "int",
                    "first treated period (cohort); 0 = never treated",
                ),
                doc(
                    "treated",
                    "int",
                    "1 = treated in this period (period >= first_treated > 0)",
                ),
                doc("y", "float", "outcome"),
            ],
        },
        table,
    })
}
