//! What [`crate::fit`] returns: the matched (or weighted) sample, why units were left out, the
//! settings used, balance and the effect, and the per-unit results on demand.

use effekt_models::{Counterfactual, Glance, TidyRow};
use serde::{Deserialize, Serialize};

use crate::balance::{BalanceRow, LovePoint, SampleSizes};
use crate::cem::Coarsening;
use crate::effect::Effect;
use crate::{Discard, Distance, Estimand, Method, Order, PsModel, Ties};

/// Why units are not in the matched (or weighted) sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// Outside the common support of the propensity score (`discard`).
    OutsideCommonSupport,
    /// Their exact-matching stratum has no unit of the other group.
    NoMatchInExactStratum,
    /// No unit of the other group within the caliper(s).
    OutsideCaliper,
    /// Units of the other group within the caliper existed but were all used by units matched
    /// earlier (matching without replacement).
    MatchesUsedUp,
    /// A comparison unit that no focal unit chose.
    NotSelected,
    /// CEM: their coarsened stratum has no unit of the other group.
    NoMatchInCemStratum,
    /// IPW/AIPW: propensity score outside the trimming bounds.
    Trimmed,
}

/// A count of dropped units with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// `"treated"` or `"control"`.
    pub group: String,
    pub reason: DropReason,
    pub count: usize,
    /// The reason in words.
    pub description: String,
}

/// Caliper widths actually used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaliperInfo {
    /// On the distance (propensity score or its logit), in SD units as given.
    pub sd_units: Option<f64>,
    /// The same on the distance scale (`sd_units × sd(distance)` over the units not discarded).
    pub width: Option<f64>,
    pub covariates: Vec<CovariateCaliperInfo>,
}

/// A covariate caliper as used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CovariateCaliperInfo {
    pub covariate: String,
    pub sd_units: f64,
    pub width: f64,
}

/// IPW/AIPW details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightingInfo {
    pub stabilized: bool,
    pub trim: Option<f64>,
    /// Units dropped by trimming.
    pub trimmed: usize,
    /// Estimated mean potential outcomes under treatment and control (with an outcome).
    pub mu1: Option<f64>,
    pub mu0: Option<f64>,
    pub max_weight_treated: f64,
    pub max_weight_control: f64,
}

/// One analysed unit (file order), for `match.data`-style output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// 0-based row of the original table (`Dataset::rows`); the spreadsheet row is
    /// `table.row_number(row)`.
    pub row: usize,
    pub treated: bool,
    /// Propensity score (or its logit) when estimated.
    pub distance: Option<f64>,
    /// Matching / weighting weight (0 = not in the matched sample).
    pub weight: f64,
    /// Matched pair / subclass / CEM stratum (1-based), when defined.
    pub subclass: Option<u32>,
    pub discarded: bool,
    /// Rows of the units it was matched to.
    pub matched_to: Vec<usize>,
}

/// Settings as resolved (defaults filled in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub method: Method,
    /// `None` for CEM.
    pub distance: Option<Distance>,
    pub estimand: Estimand,
    pub covariates: Vec<String>,
    pub exact: Vec<String>,
    pub ratio: usize,
    pub replace: bool,
    /// Matching order (nearest only).
    pub order: Option<Order>,
    pub ties: Ties,
    pub discard: Discard,
    pub seed: u64,
}

/// Everything an analysis produced. Holds nothing that varies between runs with the same
/// configuration and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchFit {
    pub settings: Settings,
    /// Units analysed.
    pub n: usize,
    pub sizes: SampleSizes,
    pub n_matched_treated: usize,
    pub n_matched_control: usize,
    pub n_unmatched_treated: usize,
    pub n_unmatched_control: usize,
    /// Why units are not in the matched sample.
    pub dropped: Vec<Dropped>,
    /// Balance before and after, one row per covariate (levels of categorical covariates
    /// separately; the distance first when a propensity score was estimated).
    pub balance: Vec<BalanceRow>,
    /// |SMD| threshold used for the flags.
    pub smd_threshold: f64,
    /// Love-plot data (the report draws it).
    pub love_plot: Vec<LovePoint>,
    pub ps_model: Option<PsModel>,
    pub caliper: Option<CaliperInfo>,
    /// CEM coarsening.
    pub cem: Option<Vec<Coarsening>>,
    pub weighting: Option<WeightingInfo>,
    /// The effect (when the data set has an outcome).
    pub effect: Option<Effect>,
    pub warnings: Vec<effekt_notes::Note>,
    /// Per-unit results (not serialised: can be large); see [`MatchFit::units`].
    #[serde(skip)]
    pub(crate) detail: UnitData,
}

/// Per-unit results in internal order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UnitData {
    /// File position → internal index.
    pub(crate) file_order: Vec<u32>,
    /// Internal index → table row.
    pub(crate) rows: Vec<usize>,
    pub(crate) treated: Vec<bool>,
    pub(crate) distance: Option<Vec<f64>>,
    pub(crate) weights: Vec<f64>,
    pub(crate) subclass: Option<Vec<u32>>,
    pub(crate) discarded: Vec<bool>,
    pub(crate) matches: Option<Vec<Vec<u32>>>,
}

impl MatchFit {
    /// Per-unit results in file order (MatchIt's `match.data` with `drop.unmatched = FALSE`):
    /// row, treatment, distance, weight, subclass, discarded flag and the rows of the units
    /// it was matched to. Empty for a fit read back from JSON.
    pub fn units(&self) -> Vec<Unit> {
        let d = &self.detail;
        d.file_order
            .iter()
            .map(|&i| {
                let i = i as usize;
                Unit {
                    row: d.rows[i],
                    treated: d.treated[i],
                    distance: d.distance.as_ref().map(|s| s[i]),
                    weight: d.weights[i],
                    subclass: d
                        .subclass
                        .as_ref()
                        .and_then(|s| (s[i] != u32::MAX).then(|| s[i] + 1)),
                    discarded: d.discarded[i],
                    matched_to: d
                        .matches
                        .as_ref()
                        .map(|m| m[i].iter().map(|&c| d.rows[c as usize]).collect())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Matching/weighting weights in file order.
    pub fn weights(&self) -> Vec<f64> {
        self.detail
            .file_order
            .iter()
            .map(|&i| self.detail.weights[i as usize])
            .collect()
    }

    /// The effect as tidy rows: the main row (term = estimand) and, after a bootstrap, the
    /// analytic row as `"<estimand> (analytic)"`.
    pub fn tidy(&self) -> Vec<TidyRow> {
        let Some(e) = &self.effect else {
            return Vec::new();
        };
        let mut rows = vec![TidyRow {
            term: e.term.clone(),
            estimate: e.estimate,
            std_error: e.std_error,
            statistic: e.statistic,
            df: e.df,
            p_value: e.p_value,
            conf_low: e.conf_low,
            conf_high: e.conf_high,
        }];
        if let Some(a) = &e.analytic {
            let mut a = a.clone();
            a.term = format!("{} (analytic)", e.term);
            rows.push(a);
        }
        rows
    }

    /// One-row summary.
    pub fn glance(&self) -> Glance {
        let method = match self.settings.method {
            Method::Nearest => format!(
                "{}:1 nearest-neighbour matching {} replacement on the {}",
                self.settings.ratio,
                if self.settings.replace {
                    "with"
                } else {
                    "without"
                },
                match self.settings.distance {
                    Some(Distance::Ps) => "propensity score",
                    Some(Distance::Logit) => "logit of the propensity score",
                    Some(Distance::Mahalanobis) => "Mahalanobis distance",
                    Some(Distance::RobustMahalanobis) => "robust Mahalanobis distance",
                    None => "distance",
                }
            ),
            Method::Cem => "coarsened exact matching".to_string(),
            Method::Ipw => "inverse probability weighting".to_string(),
            Method::Aipw => "augmented inverse probability weighting (doubly robust)".to_string(),
        };
        let boot = self.effect.as_ref().and_then(|e| e.bootstrap.as_ref());
        Glance {
            n: self.n,
            n_treated: self.n_matched_treated,
            n_control: self.n_matched_control,
            method,
            inference: self
                .effect
                .as_ref()
                .map(|e| e.inference.method.clone())
                .unwrap_or_default(),
            seed: boot.map(|b| b.seed),
            resamples: boot.map(|b| b.resamples),
        }
    }

    /// The counterfactual of the effect.
    pub fn counterfactual(&self) -> Option<&Counterfactual> {
        self.effect.as_ref().map(|e| &e.counterfactual)
    }

    /// The balance check of the matched (or weighted) sample by the shared rules of
    /// [`effekt_notes::checks`]: failed when some covariate (or the distance) still differs by
    /// more than 0.25 SD, a caution above 0.1 SD or with a variance ratio outside 0.5–2.
    /// `None` without a finite SMD after matching.
    pub fn balance_check(&self) -> Option<effekt_notes::checks::Check> {
        use effekt_notes::checks::{Check, Comparison, CovariateBalance};
        let comparison = match self.settings.method {
            Method::Ipw | Method::Aipw => Comparison::Weighted,
            Method::Nearest | Method::Cem => Comparison::Matched,
        };
        let rows: Vec<CovariateBalance> = self
            .balance
            .iter()
            .filter_map(|b| {
                Some(CovariateBalance {
                    covariate: b.covariate.clone(),
                    smd: b.smd_after?,
                    variance_ratio: b.var_ratio_after,
                })
            })
            .collect();
        Check::balance(&rows, comparison)
    }
}
