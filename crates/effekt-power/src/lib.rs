//! Power analysis before a pilot starts, and synthetic evaluation data with known effects.
//!
//! Three parts:
//!
//! * [`analytic`] — closed-form power, sample size and minimum detectable effect for the
//!   designs municipal pilots use: two means, paired / pre-post, ANCOVA and DiD over several
//!   waves, two proportions (arcsine, pooled, unpooled, continuity correction), and
//!   cluster-randomised trials with unequal cluster sizes. Any one of n, effect, power and
//!   alpha is solved for by bracketing root finding, so "how many families", "what effect can
//!   we detect" and "what power do we have" are one function. Results match R `pwr` and
//!   statsmodels to 1e-6 relative (fixtures in `tests/fixtures`).
//! * [`dgp`] — documented data-generating processes for IHF (intensive home-based family
//!   treatment) and TFCO (Treatment Foster Care Oregon) evaluations, generic cluster-randomised
//!   trials and staggered-adoption panels. Each returns an [`effekt_data::Table`] and the true
//!   effects ([`dgp::TrueEffects`]) that are written beside the data as a JSON sidecar. Real
//!   client data cannot be shared; these files feed examples, coverage tests and teaching.
//! * [`sim`] — the simulation harness: data-generating process → the analysis that will really
//!   be used → power, bias, RMSE and CI coverage, each with its Monte Carlo standard error.
//!   Simulation `s` draws only from `effekt_resample::stream(seed, Purpose::Simulation, s)`
//!   and results are gathered in simulation order, so output is bit-identical at any thread
//!   count; early stopping is checked at fixed batch boundaries for the same reason. The
//!   analysis is one closure (or [`sim::Analysis`] impl), so the design crates plug in
//!   without changes to the engine. The analyses a TOML config can name are the design crates'
//!   own estimators, called as the command line calls them ([`sim::design`]): `rct`
//!   (effekt-rct: difference in means with Welch df, CR2 + Satterthwaite df with clusters,
//!   ANCOVA/Lin), `matching` and `ipw` (effekt-matching, any `effekt match` option) and `did`
//!   (effekt-did: TWFE with CR2/CR1 by unit, Callaway–Sant'Anna simple ATT) — so the power
//!   of a pilot is that of the analysis it will really get — and textbook tests for checks
//!   against closed forms: Welch and Student t-tests, the pooled two-proportion z-test, the
//!   t-test on cluster means, and OLS with CR2 + Satterthwaite df (effekt-models).
//!
//! Why simulation at all when closed forms exist: the designs that are actually analysed
//! (few clusters with CR2, matching, staggered DiD, binary outcomes near 0 or 1) have no
//! trustworthy closed form. The analytic part is the check on the harness: where both apply,
//! simulated power must agree with the formula within Monte Carlo error (tested).
//!
//! Randomness: only `effekt_resample` streams; distributions from `rand_distr`.
//!
//! # Examples
//!
//! How many families per group for d = 0.5 at 80 % power (R: `pwr.t.test(d = 0.5, power = 0.8)`
//! gives n = 63.77):
//! ```
//! use effekt_power::{Design, Targets, TwoMeans, solve};
//! let r = solve(
//!     &Design::TwoMeans(TwoMeans::default()),
//!     &Targets { n: None, effect: Some(0.5), power: Some(0.8), alpha: Some(0.05) },
//!     None,
//! )?;
//! assert!((r.n_per_group - 63.7656).abs() < 1e-3);
//! assert_eq!(r.n_required, 64);
//! # Ok::<(), effekt_power::PowerError>(())
//! ```
//!
//! Synthetic IHF data with its true effects (the shipped `datasets/ihf/ihf.csv` is this call
//! with seed 20240611 and `assignment` observational):
//! ```
//! use effekt_power::dgp::{DgpConfig, IhfConfig, Population, generate_seeded};
//! let sim = generate_seeded(&DgpConfig::Ihf(IhfConfig::default()), 20240611)?;
//! assert_eq!(sim.table.nrows(), 240 * 3);
//! let att = sim.truth.find("closed_lower_level", Population::Treated, Some(2)).unwrap();
//! assert!((att - 0.1037).abs() < 1e-4);
//! # Ok::<(), effekt_power::PowerError>(())
//! ```
//!
//! A simulation study (the design crates plug in the same way, with their own analysis):
//! ```
//! use effekt_power::sim::builtin::{SimulationConfig, run_config};
//! let cfg = SimulationConfig::from_toml_str(
//!     "seed = 1\nsimulations = 200\n[dgp]\nkind = \"two-groups\"\nn_treated = 30\n\
//!      n_control = 30\neffect = 0.5\n[analysis]\nkind = \"student\"\n",
//! )?;
//! let report = run_config(&cfg, &|_| {})?;
//! let analytic = report.analytic.unwrap().power;
//! assert!((report.summary.power.value - analytic).abs() < 4.0 * report.summary.power.mc_se);
//! # Ok::<(), effekt_power::PowerError>(())
//! ```

pub mod analytic;
pub mod dgp;
pub mod dist;
mod error;
pub mod roots;
pub mod sim;

pub use analytic::{
    Alternative, Cluster, Curve, CurveOver, CurvePoint, CurveSpec, Design, Paired, Parameter,
    PowerResult, ProportionMethod, ProportionScale, Targets, TestStatistic, TwoMeans,
    TwoProportions, WaveCorrelation, Waves, cohen_h, design_effect, solve,
};
pub use error::{PowerError, Result};
