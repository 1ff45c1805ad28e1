//! What an evaluation takes and returns: point estimates and draws per outcome, options, and the
//! results (threshold probabilities, payments per party and component, plot data).

use serde::{Deserialize, Serialize};

use crate::config::{Direction, Quantity, Role, Side};
use crate::summary::{Atom, Histogram, PaymentSummary};

/// Point estimates of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointEstimate {
    /// Effect on the treated (observed − counterfactual).
    pub effect: f64,
    /// Observed mean outcome of the treated, when the contract needs it.
    pub treated_observed: Option<f64>,
    /// Estimated counterfactual mean of the treated. When absent it is derived as
    /// `treated_observed − effect` (as in `effekt_models::tidy::Counterfactual::from_effect`).
    pub treated_counterfactual: Option<f64>,
}

/// Point estimate and draws of one outcome, as produced by the resampling core: one value per
/// replicate, in replicate order, the same count for every series and every outcome (draw `b`
/// of every series must come from the same replicate `b`, so that joint conditions are
/// evaluated on the joint distribution).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeDraws<'a> {
    /// Outcome name (as in the study file).
    pub outcome: &'a str,
    /// Point estimates.
    pub point: PointEstimate,
    /// Draws of the effect.
    pub effect: &'a [f64],
    /// Draws of the treated group's observed mean (needed for `treated_observed` and, when the
    /// counterfactual draws are absent, `treated_counterfactual`).
    pub treated_observed: Option<&'a [f64]>,
    /// Draws of the treated group's counterfactual mean; when absent, derived per draw as
    /// `treated_observed[b] − effect[b]`.
    pub treated_counterfactual: Option<&'a [f64]>,
}

/// Where the draws come from. It changes what the "probability" means; see
/// [`DrawSource::interpretation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawSource {
    /// Bootstrap replicates of the estimator (the default).
    #[default]
    Bootstrap,
    /// Draws from a Bayesian posterior.
    Posterior,
    /// Simulated outcomes from an assumed data-generating process (e.g. a power simulation).
    Simulation,
}

impl DrawSource {
    /// One paragraph (English) saying what the share of draws meeting a threshold means.
    pub fn interpretation(self) -> &'static str {
        match self {
            DrawSource::Bootstrap => {
                "Probabilities are shares of bootstrap replicates: the share of resampled \
                 estimates that meet the threshold. This is the bootstrap distribution of the \
                 estimate, not a Bayesian posterior: it shows how much the estimate would vary \
                 if the study were repeated on similar data. It approximates the probability \
                 that the true effect meets the threshold only under a flat prior and a \
                 well-behaved estimator (Rubin 1981; Efron & Tibshirani 1993, ch. 13), and it \
                 ignores bias the design does not remove. With few units the bootstrap \
                 distribution tends to be too narrow, so shares near 0 or 1 overstate certainty."
            }
            DrawSource::Posterior => {
                "Probabilities are shares of posterior draws: the posterior probability, under \
                 the model and prior used, that the quantity meets the threshold."
            }
            DrawSource::Simulation => {
                "Probabilities are shares of simulated studies: how often a study generated \
                 under the assumed effect and design would meet the threshold (a power-like \
                 pre-study probability, not a statement about an observed study)."
            }
        }
    }
}

/// Options of [`Contract::evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EvaluateOptions {
    /// Level of the percentile intervals, strictly between 0 and 1 (default 0.95).
    pub level: f64,
    /// Number of histogram bins per payment distribution (1–10 000, default 30).
    pub histogram_bins: usize,
    /// Where the draws come from (default bootstrap).
    pub source: DrawSource,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        Self {
            level: 0.95,
            histogram_bins: 30,
            source: DrawSource::Bootstrap,
        }
    }
}

/// Which set of values to evaluate the contract at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The point estimates.
    Point,
    /// Draw (replicate) `b`, 0-based.
    Draw(usize),
}

/// Payments on one draw (or at the point estimate), from [`BoundDraws::payments`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawPayments {
    /// Per threshold (contract order): whether it is met.
    pub thresholds_met: Vec<bool>,
    /// Per party (contract order).
    pub parties: Vec<PartyFlow>,
    /// Per component (contract order): amount actually paid after all caps.
    pub components: Vec<f64>,
}

/// What one party pays and receives on one draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyFlow {
    /// Party id.
    pub party: String,
    /// Total paid by the party.
    pub paid: f64,
    /// Total received by the party.
    pub received: f64,
}

/// Result of [`Contract::evaluate`]. Serialisable; holds nothing that varies between runs with
/// the same draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractEvaluation {
    /// Contract name, if given.
    pub name: Option<String>,
    /// Currency of every amount.
    pub currency: String,
    /// Total cost (base of every share).
    pub total_cost: f64,
    /// Where the draws came from.
    pub source: DrawSource,
    /// What the probabilities mean (English; see [`DrawSource::interpretation`]).
    pub interpretation: String,
    /// Number of draws `B`.
    pub n_draws: usize,
    /// Level of the percentile intervals.
    pub level: f64,
    /// How the intervals are computed.
    pub interval_method: String,
    /// One row per threshold, contract order.
    pub thresholds: Vec<ThresholdResult>,
    /// One row per party, contract order.
    pub parties: Vec<PartyResult>,
    /// One row per component, contract order.
    pub components: Vec<ComponentResult>,
    /// Data for the report's plots.
    pub plot: PlotData,
}

/// Probability that one threshold is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdResult {
    /// Threshold id.
    pub id: String,
    /// Label (from the contract, or generated: "effect of closed_lower ≥ 0.1").
    pub label: String,
    /// Outcome.
    pub outcome: String,
    /// Quantity compared.
    pub quantity: Quantity,
    /// Comparison.
    pub direction: Direction,
    /// Threshold value.
    pub value: f64,
    /// Number of draws meeting it.
    pub n_met: u64,
    /// Number of draws `B`.
    pub n_draws: u64,
    /// `n_met / B`: exactly the empirical share of draws meeting the threshold.
    pub probability: f64,
    /// Monte Carlo standard error of that share, `√(p(1 − p)/B)`: how much the share would move
    /// with another set of `B` replicates (not the uncertainty of the effect itself).
    pub mc_std_error: f64,
    /// The quantity at the point estimate.
    pub point_value: f64,
    /// Whether the point estimate meets the threshold.
    pub point_met: bool,
}

/// Payments of one party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyResult {
    /// Party id.
    pub id: String,
    /// Display name (the id when none was given).
    pub name: String,
    /// Role.
    pub role: Role,
    /// What the party pays (None when it funds nothing).
    pub paid: Option<PaymentSummary>,
    /// What the party receives (None when it is payee of nothing).
    pub received: Option<PaymentSummary>,
}

/// Payments of one component (after all caps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentResult {
    /// Component id.
    pub id: String,
    /// Kind, as in the study file (`fixed`, `outcome_linked`, …).
    pub kind: String,
    /// Largest amount the component can pay (its size, cap, or capital plus maximum premium).
    pub max_amount: f64,
    /// Payee ids.
    pub payees: Vec<String>,
    /// Paid amount over draws and at the point estimate.
    pub paid: PaymentSummary,
    /// Share of draws on which the component pays its maximum amount.
    pub share_full: f64,
    /// For investor repayments: the capital (return = repaid / capital − 1).
    pub capital: Option<f64>,
}

/// Plot-ready data; the report crate draws the plots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotData {
    /// Probability per threshold (bar chart), contract order.
    pub threshold_probabilities: Vec<ThresholdBar>,
    /// Payment distribution per party and side (histogram, plus atoms when few distinct
    /// values), contract order, `paid` before `received`.
    pub payment_distributions: Vec<PaymentDistribution>,
}

/// One bar of the threshold-probability chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdBar {
    /// Threshold id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Share of draws meeting it.
    pub probability: f64,
    /// Whether the point estimate meets it.
    pub point_met: bool,
}

/// Distribution of one party's payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentDistribution {
    /// Party id.
    pub party: String,
    /// Paid or received.
    pub side: Side,
    /// Mean over draws.
    pub mean: f64,
    /// Payment at the point estimate.
    pub point: f64,
    /// Percentile interval.
    pub conf_low: f64,
    /// Percentile interval.
    pub conf_high: f64,
    /// Histogram of the per-draw payments.
    pub histogram: Histogram,
    /// Distinct values with their shares, when there are at most
    /// [`crate::summary::MAX_ATOMS`]; empty otherwise.
    pub atoms: Vec<Atom>,
}
