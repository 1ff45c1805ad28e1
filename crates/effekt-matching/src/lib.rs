//! Control-group matching and weighting: propensity scores, nearest neighbour (propensity
//! score, its logit, Mahalanobis, robust Mahalanobis), exact matching, calipers, common
//! support, coarsened exact matching, IPW and AIPW, balance tables and the effect with its
//! counterfactual — anchored to R's MatchIt 4.5.1 (Ho, Imai, King & Stuart 2011).
//!
//! One call, [`fit`], goes from an effekt-data [`Dataset`](effekt_data::Dataset) (treatment,
//! covariates, optionally the outcome) and a [`MatchConfig`] to a [`MatchFit`]: the matched or
//! weighted sample (sizes, effective sizes, who was dropped and why), the balance before and
//! after ([`BalanceRow`], love-plot data), and the effect ([`Effect`]) with the inference used
//! and why, and the counterfactual.
//!
//! # Design
//!
//! **Pipeline.** Propensity score by logistic regression (R's `glm` IRLS; categorical
//! covariates dummy-coded with R's names) → common-support discard → matching (greedy nearest
//! neighbour, k:1, with or without replacement, in exact strata, with calipers; or CEM) or
//! weighting → MatchIt's weights and subclasses → balance → effect. Each step follows MatchIt
//! 4.5.1's code (`matchit`, `nn_matchC`, `weights.matrix`, `cem_matchit`, `summary.matchit`);
//! the integration tests compare matched sets, weights, subclasses, balance tables, sample
//! sizes, estimates and standard errors with fixtures made by MatchIt on the lalonde data.
//!
//! **Results do not depend on the row order of the file.** Greedy matching is order dependent
//! only through exact ties — equal propensity scores, equal distances — and exact ties are the
//! rule in real data (lalonde has 22 groups of units with identical covariates). MatchIt breaks
//! them by the row order, so shuffling the rows changes its ATT. Here every computation runs on
//! the units in a **canonical order** — treated first, then the covariates in the order given
//! (numbers ascending, categories in sorted level order); units identical in all covariates (a
//! tie group) are permuted by a hash of the group's content (covariates and sorted outcomes),
//! not by the outcome itself, which would match the lowest outcomes first and bias the effect
//! (+0.015 in simulated randomised IHF studies with a binary outcome) — and every tie goes
//! to the unit that comes first in it (the matching order of focal units with equal scores, the
//! control chosen among equidistant ones). "Equidistant" allows for rounding: distances within
//! `1e-12 × scale` of the smallest one are ties (scale: the largest |score| of the units
//! matched, or the largest squared norm of the Mahalanobis coordinates). Distances that are
//! equal in exact arithmetic — a treated unit halfway between two controls on the logit
//! `b0 + b·x` — are computed with different rounding, and without the tolerance that noise,
//! not the tie-break, would pick the control. Units identical in all of these are
//! interchangeable, so results (and the JSON) are byte-identical for any row order. The tests
//! show that the matched sets equal MatchIt's on the rows in sorted order up to exchanging
//! units of a tie group (identical balance), and [`Ties::Data`] breaks ties in file order
//! instead and then reproduces MatchIt on the file exactly (matched sets, weights, effect, SEs). `Order::Data` (match in file order) is the one
//! option whose results depend on the row order, by request. The only remaining difference:
//! for k:1 matching with replacement and k ≥ 2 MatchIt picks the k nearest with
//! `std::partial_sort`, whose order among equal distances the C++ standard leaves unspecified;
//! here the k nearest by (distance, rank) are taken.
//!
//! **MatchIt 4.5.1's vector kernel is not the reference.** For a propensity score MatchIt
//! 4.5.1 calls `nn_matchC_vec`, which compares distances with C's integer `abs()`: every
//! |difference| below 1 — every propensity-score difference — counts as 0, so the caliper never
//! binds on the propensity-score scale and the control *below* the treated unit is always taken
//! even when the one above is nearer (kosukeimai/MatchIt#163, "Caliper not working as intended
//! on versions 4.5.1 - 4.5.3"; the fixture script records the evidence on lalonde). The fixtures
//! therefore run MatchIt 4.5.1 with that kernel replaced by its own general kernel `nn_matchC`
//! (used by MatchIt for Mahalanobis and distance matrices), which is what this crate reproduces.
//!
//! **Subquadratic search.** MatchIt scans all controls for every treated unit (O(n²)). Here
//! greedy matching without replacement is O(n log n) on a score: controls sorted once, and two
//! disjoint-set forests that skip used controls to the nearest unused one on either side
//! (`search::Line`). Mahalanobis distances are made Euclidean (eigendecomposition of the
//! pooled covariance by faer) and searched in a k-d tree with deletions and caliper ranges per
//! node (`search::KdTree`). A randomised test checks both against the quadratic scan with
//! ties, strata, calipers, k:1 and replacement.
//!
//! **Balance** follows `summary.matchit` (= cobalt's conventions; see [`balance`]): SMD with
//! the treated SD (ATT), control SD (ATC) or `sqrt((s_t² + s_c²)/2)` (ATE) of the full sample,
//! flagged above 0.1; variance ratios; eCDF mean and max (= KS); effective sample sizes.
//!
//! **Inference** ([`effect`]): the weighted difference in means on the matched sample (or the
//! regression-adjusted g-computation estimate) with CR2 + Satterthwaite df on the pairs by
//! default (CR1 = MatchIt's `vcovCL` on request), Abadie–Imbens (2006) after matching with
//! replacement (as `Matching::Match`), HC3 after CEM, a cluster bootstrap of pairs/strata on
//! request; IPW and AIPW with the sandwich of the stacked estimating equations (PS estimation
//! included). Every [`Effect`] says which inference was used and why.
//!
//! **Determinism.** The only randomness (random matching order, bootstrap) comes from
//! effekt-resample streams; parallel loops are elementwise or combine fixed chunks in order, and
//! faer runs sequentially, so output is bit-identical at any thread count.
//!
//! **Errors** ([`MatchError`]) say what is wrong and what to do: separation in the
//! propensity-score model (naming the covariate and level), a caliper that leaves no treated
//! unit matched (how many were dropped, the width, a width that would match half), too few
//! controls for k:1 without replacement, constant covariates, unknown covariates, unsupported
//! combinations. Missing values are handled by effekt-data's policy before.
//!
//! # Example
//! MatchIt's lalonde data (shipped in `datasets/`): 1:1 nearest-neighbour matching on the
//! propensity score, largest first, ties in file order (`Ties::Data`). The ATT equals MatchIt
//! 4.5.1's (`lm(re78 ~ treat, data = match.data(m), weights = weights)`; fixture
//! `matchit_lalonde.json`, case `nearest`).
//! ```
//! use effekt_data::{MissingPolicy, ReadOptions, Roles, read_table};
//! use effekt_matching::{MatchConfig, Ties, fit};
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/lalonde.csv");
//! let table = read_table(std::path::Path::new(path), &ReadOptions::default())?;
//! let roles = Roles {
//!     treatment: Some("treat".into()),
//!     outcome: Some("re78".into()),
//!     covariates: ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
//!         .map(String::from)
//!         .to_vec(),
//!     ..Roles::default()
//! };
//! let data = table.select(&roles, MissingPolicy::Error)?;
//! let config = MatchConfig { ties: Ties::Data, ..MatchConfig::default() };
//! let m = fit(&data, &config, None).unwrap();
//! assert_eq!((m.n_matched_treated, m.n_matched_control), (185, 185));
//! let att = m.effect.as_ref().unwrap();
//! assert!((att.estimate - 894.367480270274).abs() < 1e-6);
//! // balance: the standardised mean difference of age before and after matching
//! let age = m.balance.iter().find(|b| b.covariate == "age").unwrap();
//! assert!(age.smd_before.unwrap().abs() > age.smd_after.unwrap().abs());
//! // the counterfactual: the treated mean minus the effect
//! let cf = &att.counterfactual;
//! assert!((cf.treated_observed - cf.treated_counterfactual - att.estimate).abs() < 1e-9);
//! # Ok::<(), effekt_data::DataError>(())
//! ```
//!
//! # References
//! Abadie & Imbens (2006) Econometrica 74:235–267; Abadie & Imbens (2008) Econometrica
//! 76:1537–1557; Abadie & Spiess (2022) JASA 117:1046–1056; Austin (2011) Pharm Stat
//! 10:150–161; Austin & Small (2014) Stat Med 33:4306–4319; Bell & McCaffrey (2002) Survey
//! Methodology 28:169–181; Bentley (1975) CACM 18:509–517; Crump, Hotz, Imbens & Mitnik (2009)
//! Biometrika 96:187–199; Friedman, Bentley & Finkel (1977) ACM TOMS 3:209–226; Hill & Reiter
//! (2006) Stat Med 25:2230–2256; Ho, Imai, King & Stuart (2011) J Stat Softw 42(8); Iacus, King
//! & Porro (2012) Political Analysis 20:1–24; Lunceford & Davidian (2004) Stat Med
//! 23:2937–2960; Robins, Rotnitzky & Zhao (1994) JASA 89:846–866; Rosenbaum (2010) Design of
//! Observational Studies, §8.3; Rubin (1980) Biometrics 36:293–298; Sekhon (2011) J Stat Softw
//! 42(7); Stefanski & Boos (2002) Am Stat 56:29–38; Stuart (2010) Stat Sci 25:1–21; Tarjan
//! (1975) JACM 22:215–225.

// Numerical kernels index several arrays in lock-step, and `!(x > 0.0)` deliberately treats NaN
// as failing the check.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod balance;
mod cem;
mod config;
pub mod effect;
mod error;
mod fit;
mod mahal;
mod nearest;
mod prep;
mod ps;
mod result;
mod search;
mod weighting;

pub use balance::{BalanceRow, GroupSizes, LovePoint, SMD_THRESHOLD, SampleSizes};
pub use cem::Coarsening;
pub use config::{
    BootstrapOptions, CemCut, CovariateCaliper, Cut, Discard, Distance, EffectOptions, Estimand,
    IpwOptions, MatchConfig, Method, Order, SeMethod, Ties,
};
pub use effect::{BootstrapSummary, Effect};
pub use error::MatchError;
pub use fit::{
    CaliperInfo, CovariateCaliperInfo, DropReason, Dropped, MatchFit, Settings, Unit,
    WeightingInfo, fit,
};
pub use ps::PsModel;
