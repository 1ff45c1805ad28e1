//! Difference-in-differences: 2×2, two-way fixed effects (TWFE), event study,
//! Callaway–Sant'Anna ([`cs`]), the wild cluster bootstrap and the Goodman-Bacon decomposition.
//!
//! # Design
//!
//! * **One validated panel.** [`DidData`] (built from an effekt-data `Dataset`) is checked once
//!   by [`Panel::new`]: numeric ordered time, one row per unit and period
//!   ([`DidError::DuplicateUnitTime`] names the unit, the period and both rows), treatment that
//!   stays on once it starts ([`DidError::TreatmentSwitchesOff`]: these designs assume
//!   absorbing treatment), every cohort with a pre-treatment period ([`DidError::NoPrePeriod`]),
//!   comparison units for every treated cohort and period ([`DidError::NoValidControls`]), at
//!   least two clusters ([`DidError::SingleCluster`]). Treatment is given either as the
//!   indicator `D_it` or as the first treated period (0 or empty = never, the `did`/csdid
//!   convention); both lead to the same cohorts.
//! * **Regressions from effekt-models.** Unit and period effects are swept out by alternating
//!   projections ([`effekt_models::demean`]); CR1 counts absorbed parameters as pyfixest
//!   (`feols(..., vcov={"CRV1": ...})`, tested to 1e-8), CR2 absorbs only the factors nested in
//!   the clusters and keeps period dummies, so it equals estimatr/clubSandwich CR2 with
//!   explicit dummies. The default ([`VcovChoice::Auto`]) is CR2 with Satterthwaite df below 30
//!   clusters and CR1 with `G − 1` df otherwise; every result says which and why.
//! * **Effects with their counterfactual.** Every fit carries the treated group's observed mean,
//!   the estimated counterfactual (observed − effect) and the comparison mean, overall and for
//!   every period ([`PeriodCounterfactual`]); the event study also per event time.
//! * **Wild cluster bootstrap without refits** ([`wild`]): after partialling out fixed effects
//!   and controls, a replicate costs `O(G·q)` or `O(G²)` (Roodman, MacKinnon, Nielsen & Webb
//!   2019), weights are drawn per replicate from effekt-resample streams (never an `n × B`
//!   matrix), and the confidence interval comes from inverting the test with five stored numbers
//!   per replicate. Bit-identical at any thread count.
//! * **Diagnostics.** The Goodman-Bacon (2021) decomposition shows which 2×2 comparisons the
//!   TWFE coefficient averages, including the "later vs already treated" ones that go wrong
//!   when effects change over time; the event study's joint pre-trend test.
//!
//! # Example
//! Castle-doctrine laws and homicide (Cheng & Hoekstra 2013), TWFE with state and year effects
//! and CR1 by state, as pyfixest `feols("l_homicide ~ post | sid + year", vcov={"CRV1": "sid"})`:
//! ```
//! use effekt_data::{MissingPolicy, ReadOptions, Roles, read_table};
//! use effekt_did::{DidConfig, DidData, DidMethod, VcovChoice, fit};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/castle.csv");
//! let table = read_table(std::path::Path::new(path), &ReadOptions::default())?;
//! let roles = Roles {
//!     outcome: Some("l_homicide".into()),
//!     treatment: Some("post".into()),
//!     unit: Some("sid".into()),
//!     time: Some("year".into()),
//!     ..Roles::default()
//! };
//! let ds = table.select(&roles, MissingPolicy::Error)?;
//! let data = DidData::from_dataset(&ds, None, Some("post".into()), None)?;
//! let config = DidConfig { method: DidMethod::Twfe, vcov: VcovChoice::Cr1, ..DidConfig::default() };
//! let result = fit(&data, &config, None)?;
//! let h = result.headline();
//! assert!((h.estimate - 0.0693984338854516).abs() < 1e-10);
//! assert!((h.std_error - 0.0558596356955515).abs() < 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # References
//! Bell & McCaffrey (2002) Survey Methodology 28:169–181; Bertrand, Duflo & Mullainathan (2004)
//! QJE 119:249–275; Callaway & Sant'Anna (2021) J Econometrics 225:200–230; Cameron, Gelbach &
//! Miller (2008) REStat 90:414–427; Goodman-Bacon (2021) J Econometrics 225:254–277; MacKinnon &
//! Webb (2017) J Applied Econometrics 32:233–254; MacKinnon, Nielsen & Webb (2023) J
//! Econometrics 232:272–299; Mammen (1993) Annals of Statistics 21:255–285; Pustejovsky & Tipton
//! (2018) JBES 36:672–683; Roodman, MacKinnon, Nielsen & Webb (2019) Stata Journal 19:4–60;
//! Webb (2023) Canadian J Economics 56:1227–1251.

// Numerical kernels index several arrays in lock-step, and `!(x > 0.0)` deliberately treats NaN
// as failing the check.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod bacon;
mod counterfactual;
pub mod cs;
mod error;
pub mod event;
pub mod panel;
mod regress;
pub mod twfe;
pub mod two_by_two;
pub mod wild;

use effekt_models::{Counterfactual, Glance, InferenceNote, TidyRow};
use effekt_resample::ProgressFn;
use serde::{Deserialize, Serialize};

pub use bacon::{BaconComponent, BaconDecomposition, BaconKind, BaconSummary, bacon_decomposition};
pub use counterfactual::PeriodCounterfactual;
pub use error::DidError;
pub use event::{EventStudyConfig, EventStudyFit, EventStudyRow, PreTrendTest, fit_event_study};
pub use panel::{CohortCount, DidData, Panel, PanelSummary, TreatmentInput};
pub use regress::{FEW_CLUSTERS, VcovChoice};
pub use twfe::{TwfeConfig, TwfeFit, fit_twfe};
pub use two_by_two::{CellMeans, TwoByTwoConfig, TwoByTwoFit, fit_2x2};
pub use wild::{
    RADEMACHER_MIN_CLUSTERS, WildBootstrap, WildBootstrapConfig, WildBootstrapResult, WildKind,
    WildProblem, WildWeights,
};

/// Which DiD estimator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DidMethod {
    /// One treated group, one treatment start ([`fit_2x2`]).
    #[serde(rename = "2x2")]
    TwoByTwo,
    /// Two-way fixed effects ([`fit_twfe`], default).
    #[default]
    Twfe,
    /// Leads and lags ([`fit_event_study`]).
    EventStudy,
    /// Callaway & Sant'Anna (2021), see [`cs`].
    Cs,
}

/// Settings shared by the 2×2, TWFE and event-study estimators (the `effekt did` options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DidConfig {
    pub method: DidMethod,
    /// Cluster-robust variance (default automatic: CR2 below 30 clusters, else CR1).
    pub vcov: VcovChoice,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Event study: reference event time (default −1).
    pub reference: i64,
    /// Event study: endpoint bins `[lo, hi]`.
    pub window: Option<[i64; 2]>,
    /// Wild cluster bootstrap of the 2×2 or TWFE coefficient.
    pub wild_bootstrap: Option<WildBootstrapConfig>,
    /// TWFE: Goodman-Bacon decomposition when possible (default true).
    pub decompose: bool,
}

impl Default for DidConfig {
    fn default() -> Self {
        Self {
            method: DidMethod::Twfe,
            vcov: VcovChoice::Auto,
            level: 0.95,
            reference: -1,
            window: None,
            wild_bootstrap: None,
            decompose: true,
        }
    }
}

/// A fitted 2×2, TWFE or event-study model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum DidFit {
    #[serde(rename = "2x2")]
    TwoByTwo(TwoByTwoFit),
    Twfe(TwfeFit),
    EventStudy(EventStudyFit),
}

impl DidFit {
    /// The headline effect: the 2×2 interaction, the TWFE coefficient, or the event study's
    /// average post-treatment coefficient.
    pub fn headline(&self) -> &TidyRow {
        match self {
            DidFit::TwoByTwo(f) => &f.estimate,
            DidFit::Twfe(f) => &f.estimate,
            DidFit::EventStudy(f) => &f.estimate,
        }
    }
    /// Observed, counterfactual and comparison means for the headline effect.
    pub fn counterfactual(&self) -> &Counterfactual {
        match self {
            DidFit::TwoByTwo(f) => &f.counterfactual,
            DidFit::Twfe(f) => &f.counterfactual,
            DidFit::EventStudy(f) => &f.counterfactual,
        }
    }
    /// Observed vs counterfactual by period.
    pub fn by_period(&self) -> &[PeriodCounterfactual] {
        match self {
            DidFit::TwoByTwo(f) => &f.by_period,
            DidFit::Twfe(f) => &f.by_period,
            DidFit::EventStudy(f) => &f.by_period,
        }
    }
    /// Which inference was used and why.
    pub fn inference(&self) -> &InferenceNote {
        match self {
            DidFit::TwoByTwo(f) => &f.inference,
            DidFit::Twfe(f) => &f.inference,
            DidFit::EventStudy(f) => &f.inference,
        }
    }
    /// The wild cluster bootstrap, when run.
    pub fn wild_bootstrap(&self) -> Option<&WildBootstrapResult> {
        match self {
            DidFit::TwoByTwo(f) => f.wild_bootstrap.as_ref(),
            DidFit::Twfe(f) => f.wild_bootstrap.as_ref(),
            DidFit::EventStudy(_) => None,
        }
    }
    /// Panel counts.
    pub fn panel(&self) -> &PanelSummary {
        match self {
            DidFit::TwoByTwo(f) => &f.panel,
            DidFit::Twfe(f) => &f.panel,
            DidFit::EventStudy(f) => &f.panel,
        }
    }
    /// Tidy rows: the headline first, then the model's other coefficients.
    pub fn tidy(&self) -> Vec<TidyRow> {
        let h = self.headline().clone();
        let rest = match self {
            DidFit::TwoByTwo(f) => &f.coefficients,
            DidFit::Twfe(f) => &f.coefficients,
            DidFit::EventStudy(f) => &f.coefficients,
        };
        std::iter::once(h.clone())
            .chain(rest.iter().filter(|r| r.term != h.term).cloned())
            .collect()
    }
    /// One-row summary.
    pub fn glance(&self) -> Glance {
        let p = self.panel();
        let wb = self.wild_bootstrap();
        let method = match self {
            DidFit::TwoByTwo(_) => "difference-in-differences (2x2)",
            DidFit::Twfe(_) => "two-way fixed effects (unit and period)",
            DidFit::EventStudy(_) => "event study (two-way fixed effects, leads and lags)",
        };
        let n_treated = self.by_period().iter().map(|r| r.n_treated).sum::<usize>();
        Glance {
            n: p.n,
            n_treated,
            n_control: p.n - n_treated,
            method: method.into(),
            inference: match wb {
                Some(w) => format!("{}; {}", self.inference().method, w.method),
                None => self.inference().method.clone(),
            },
            seed: wb.map(|w| w.seed),
            resamples: wb.map(|w| w.resamples),
        }
    }
}

/// Fit the configured estimator (2×2, TWFE or event study).
///
/// # Errors
/// Panel validation errors (see [`Panel::new`]), estimator errors, and
/// [`DidError::InvalidOption`] for `method = cs` (use [`cs`] directly) or a wild bootstrap
/// requested for the event study.
pub fn fit(
    data: &DidData,
    config: &DidConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<DidFit, DidError> {
    let panel = Panel::new(data)?;
    match config.method {
        DidMethod::TwoByTwo => two_by_two::fit_2x2_panel(
            data,
            &panel,
            &TwoByTwoConfig {
                vcov: config.vcov,
                level: config.level,
                wild_bootstrap: config.wild_bootstrap.clone(),
            },
            progress,
        )
        .map(DidFit::TwoByTwo),
        DidMethod::Twfe => twfe::fit_twfe_panel(
            data,
            &panel,
            &TwfeConfig {
                vcov: config.vcov,
                level: config.level,
                wild_bootstrap: config.wild_bootstrap.clone(),
                decompose: config.decompose,
            },
            progress,
        )
        .map(DidFit::Twfe),
        DidMethod::EventStudy => {
            if config.wild_bootstrap.is_some() {
                return Err(DidError::InvalidOption {
                    option: "wild bootstrap".into(),
                    value: "event-study".into(),
                    expected: "the wild cluster bootstrap tests the 2x2 or TWFE coefficient; use method 2x2 or twfe".into(),
                });
            }
            event::fit_event_panel(
                data,
                &panel,
                &EventStudyConfig {
                    vcov: config.vcov,
                    level: config.level,
                    reference: config.reference,
                    window: config.window,
                },
            )
            .map(DidFit::EventStudy)
        }
        DidMethod::Cs => Err(DidError::InvalidOption {
            option: "method".into(),
            value: "cs".into(),
            expected: "Callaway-Sant'Anna is fitted by effekt_did::cs".into(),
        }),
    }
}
