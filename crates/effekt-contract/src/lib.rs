//! Outcome-based contract evaluation: probability that thresholds are met and expected payment
//! per party.
//!
//! A social outcomes contract (*socialt utfallskontrakt*, social impact bond) ties part of what
//! a commissioner pays to measured outcomes. Contract designers ask two questions this crate
//! answers from the uncertainty of an effect estimate: *what is the probability that each
//! outcome threshold is met?* and *what will each party pay or receive?*
//!
//! # Inputs and outputs
//!
//! The report crate passes, for each outcome, the point estimate and the draws (bootstrap
//! replicates, in replicate order, from the resampling core) of the effect on the treated and,
//! when the contract needs them, of the treated group's observed and counterfactual levels
//! ([`OutcomeDraws`]). The contract terms come from the `[contract]` table of the study file
//! ([`ContractConfig`]), checked by [`ContractConfig::validate`] into a [`Contract`].
//! [`Contract::evaluate`] returns a [`ContractEvaluation`]: per threshold the probability and
//! point-estimate verdict; per party and per component the payment at the point estimate, the
//! expected payment and a percentile interval; and plot-ready data ([`PlotData`]). The crate
//! draws no plots, reads no files and draws no random numbers.
//!
//! ```
//! use effekt_contract::{ContractConfig, EvaluateOptions, OutcomeDraws, PointEstimate};
//!
//! let terms: ContractConfig = toml::from_str(r#"
//!     currency = "SEK"
//!     total_cost = 1000000.0
//!     funded_by = [{ party = "municipality", share = 1.0 }]
//!     parties = [
//!         { id = "municipality", role = "outcome_payer" },
//!         { id = "provider", role = "provider" },
//!     ]
//!     thresholds = [
//!         { id = "ten_pp", outcome = "closed_lower", quantity = "effect", direction = "at_least", value = 0.10 },
//!     ]
//!     components = [
//!         { kind = "fixed", id = "activity", payee = "provider", share = 0.6 },
//!         { kind = "outcome_linked", id = "bonus", payee = "provider", share = 0.4, payout = { kind = "all_or_nothing", thresholds = ["ten_pp"] } },
//!     ]
//! "#).unwrap();
//! let contract = terms.validate(&["closed_lower"]).unwrap();
//!
//! let effect_draws = [0.04, 0.10, 0.12, 0.15, 0.08];
//! let draws = [OutcomeDraws {
//!     outcome: "closed_lower",
//!     point: PointEstimate { effect: 0.11, treated_observed: None, treated_counterfactual: None },
//!     effect: &effect_draws,
//!     treated_observed: None,
//!     treated_counterfactual: None,
//! }];
//! let eval = contract.evaluate(&draws, &EvaluateOptions::default()).unwrap();
//! // 3 of 5 draws have an effect ≥ 0.10 (the tie at 0.10 counts as met).
//! assert_eq!(eval.thresholds[0].n_met, 3);
//! assert_eq!(eval.thresholds[0].probability, 0.6);
//! // The provider gets 600 000 always and 400 000 on 3 of 5 draws: 840 000 expected.
//! let received = eval.parties[1].received.as_ref().unwrap();
//! assert!((received.mean - 840_000.0).abs() < 1e-6);
//! assert_eq!(received.point, 1_000_000.0);
//! ```
//!
//! # Probability that a threshold is met
//!
//! A threshold compares a quantity `q` of one outcome — the effect, the reduction (minus the
//! effect, for costs: "cost reduction ≥ X"), the treated group's observed level ("treated share
//! ≥ 60 %") or its counterfactual level — with a value `t`. With draws `q_1 … q_B`,
//!
//! > `P̂(met) = #{b : q_b ⋈ t} / B`, with `⋈` one of `≥`, `>`, `≤`, `<`,
//!
//! exactly the empirical share of draws meeting the threshold (also returned as the integer
//! count `n_met`). The contract must choose the comparison ([`Direction`]): `at_least` (`≥`) and
//! `at_most` (`≤`) count a tie at the threshold as met, `above` (`>`) and `below` (`<`) do not.
//! Ties are common: bootstrap shares of a few dozen families take few distinct values. The
//! comparison is exact IEEE arithmetic, without tolerance, so write thresholds in the units of
//! the quantity (a share is 0–1: 10 percentage points is `0.10`). The point-estimate verdict
//! applies the same comparison to the point estimate. The Monte Carlo standard error
//! `√(P̂(1 − P̂)/B)` says how much the share would move with another `B` replicates.
//!
//! **This is the bootstrap distribution, not a posterior.** The share of bootstrap replicates
//! meeting a threshold describes how much the *estimate* would vary over repeated samples. It
//! is read as "the probability the true effect meets the threshold" only approximately — the
//! bootstrap distribution coincides with a posterior under a flat (non-informative) prior and a
//! well-behaved, unbiased estimator (Rubin 1981; Efron & Tibshirani 1993, ch. 13). It inherits
//! any bias the design does not remove, and with the small samples of municipal pilots it tends
//! to be too narrow, so shares near 0 or 1 overstate certainty. With `B` draws a probability
//! below `1/B` cannot be told from 0. The evaluation carries this explanation in
//! [`ContractEvaluation::interpretation`]; with posterior or simulated draws
//! ([`DrawSource`]) the wording changes accordingly.
//!
//! # Payments
//!
//! The contract has parties ([`Role`]: outcome payer, co-funder such as the state, providers,
//! investor, intermediary), a total cost (the base of every `share`), and payment components.
//! Every component is funded by one or more payers in fixed shares summing to 1 (`funded_by`,
//! per component or as a contract-wide default). On each draw `b`:
//!
//! 1. **Thresholds**: which are met, as above.
//! 2. **Component amounts** (each bounded by its own size):
//!    - [`FixedComponent`]: `A` (paid regardless — activity payment, *aktivitetsersättning*);
//!    - [`OutcomeLinkedComponent`]: `A × f`, with `f ∈ {0, 1}` all-or-nothing (all or any of
//!      the listed thresholds met) or stepped (`f` = largest fraction among the steps whose
//!      threshold is met);
//!    - [`RateCardComponent`]: `min(cap, rate × scale × max(0, q − baseline))` — an amount per
//!      unit of outcome above a baseline, capped (outcomes rate cards: Levitt & Metcalf 2017 on
//!      the UK Department for Work and Pensions' Innovation Fund);
//!    - [`JointPotComponent`]: pot `A × f` split among several providers by pre-agreed keys, or
//!      by achievement `a_i = scale_i × max(0, q_i − baseline_i)` in proportion `a_i / Σ a_j`
//!      (not paid when nobody achieved anything);
//!    - [`InvestorRepaymentComponent`]: `g C + conditional + premium`, with capital `C`,
//!      guaranteed share `g`, the conditional part `(1 − g) C × f` (threshold rule) or
//!      `min((1 − g) C, s × savings)` (a share `s` of savings `scale × max(0, q − baseline)`),
//!      and an optional premium `r C × f`.
//! 3. **Receive caps** (`side = "receives"`): a party receiving more than its cap has all its
//!    receipts cut in proportion, so the total equals the cap.
//! 4. **Funding**: each payer owes its share of every component it funds.
//! 5. **Pay caps** (`side = "pays"`, e.g. "the state pays at most 50 % of the cost"): the
//!    excess above the cap is either cut (the payees receive less of what that payer funds) or
//!    shifted to another payer, which must not have a pay cap itself (no cascades).
//! 6. **Totals**: received and paid per party, paid per component.
//!
//! Every cap holds exactly on every draw (a proportional scaling that rounds up is nudged
//! down), and what is paid equals what is received up to rounding. The same kernel gives the
//! payments at the point estimate. The expected payment is the mean over draws; the interval is
//! the percentile interval at the requested level: the `(1 − level)/2` and `(1 + level)/2`
//! quantiles of the per-draw payments (Hyndman & Fan 1996 definition 7, R's default). Payments
//! of all-or-nothing contracts take few values, so the plot data also lists the atoms
//! (distinct values with their shares) besides a histogram.
//!
//! **Budget rule**: the sizes of the fixed, outcome-linked, rate-card (its cap) and joint-pot
//! components must add up to `total_cost`, i.e. their shares sum to 1 — the 50 % / 30 % / 20 %
//! of an activity / process / joint-pot split. An investor's repayment is measured against its
//! capital: `guaranteed_share + conditional_share = 1` (e.g. 40 % + 60 %).
//!
//! # The shapes in Swedish contracts
//!
//! - **Norrköping (2016–2021)**, Sweden's first social outcomes contract, for children placed
//!   in residential care (HVB/SiS): the investor Leksell Social Ventures lent up to 10 MSEK;
//!   the municipality guaranteed 40 % repayment on activity ("grundgaranti på 40 %
//!   aktivitetsersättning om insatsen genomförs enligt plan"), the remaining 60 % was repaid
//!   only if social-service costs fell, each SEK saved being divided 60/40 up to break-even,
//!   and a return capped at 20 % required savings beyond the cost *and* improved school
//!   outcomes. SKL (now SKR, Sveriges Kommuner och Regioner) and Lumell Associates acted as
//!   intermediary. Sources: RISE (2021), final report on the Norrköping social outcomes
//!   contract (RISE diva-portal); Socialinnovation.se (2016), "Social impact bond-modellen
//!   testas i Norrköping"; Norrköpings kommun & Leksell Social Ventures (2016), *Social outcome
//!   contract: improved school performance and reduced risk of re-placement* (English
//!   translation of the agreement, ALPSIB project). Expressed here as an
//!   `investor_repayment` with `guaranteed_share = 0.4`, `conditional_share = 0.6`, a
//!   `savings` condition with `savings_share = 0.6` and a premium of `rate = 0.2` on an
//!   all-or-nothing rule over a break-even threshold and a school threshold (see
//!   `tests/it/worked_examples.rs`).
//! - **Botkyrka and Örnsköldsvik (2018–2021)**: the municipalities invested about 40 MSEK over
//!   three years to cut short-term sick leave among their staff by at least 12 % (the level at
//!   which the work pays for itself), with external providers (Aino Health, Previa) procured on
//!   outcome-based agreements so that the providers' cost coverage depends largely on the
//!   outcomes achieved (Previa carried 75 % of the risk on its services). SKR and RISE
//!   supported implementation and outcome measurement. Sources: RISE, "SHIC case: Botkyrka and
//!   Örnsköldsvik"; SKR Uppdrag Psykisk Hälsa, "Så funkar sociala utfallskontrakt";
//!   Upphandlingsmyndigheten, "Ska minska sjukskrivningar med innovativt kontrakt".
//! - **50 % activity / 30 % process outcomes / 20 % joint outcome pot** is the split named in
//!   this project's issue; I found no public description of a specific Swedish contract with
//!   exactly that split, so it is offered as an example shape (fixed + outcome-linked +
//!   joint pot), not as a citation.
//!
//! The general vocabulary — a *payment mechanism* in which only part of the contract value may
//! depend on outcomes, the rest paying for service delivery or outputs; outcome payers,
//! providers, investors and intermediaries; caps on total outcome payments — follows the
//! Government Outcomes Lab (GO Lab, Blavatnik School of Government, University of Oxford):
//! technical guide *Setting and measuring outcomes* (2nd ed.), the blog post *How to write
//! rules for payment in PbR, SIB and other outcomes contracts*, and the GO Lab glossary.
//!
//! # A full `[contract]` table
//!
//! ```toml
//! [contract]
//! name = "IHF outcomes contract"
//! currency = "SEK"
//! total_cost = 12000000.0
//! funded_by = [{ party = "municipality", share = 0.5 }, { party = "state", share = 0.5 }]
//!
//! [[contract.parties]]
//! id = "municipality"
//! role = "outcome_payer"
//! [[contract.parties]]
//! id = "state"
//! role = "co_funder"
//! [[contract.parties]]
//! id = "provider_a"
//! role = "provider"
//! [[contract.parties]]
//! id = "provider_b"
//! role = "provider"
//!
//! [[contract.thresholds]]
//! id = "closed_10pp"
//! outcome = "closed_lower"
//! quantity = "effect"
//! direction = "at_least"
//! value = 0.10
//! [[contract.thresholds]]
//! id = "goals_60"
//! outcome = "plan_goals"
//! quantity = "treated_observed"
//! direction = "at_least"
//! value = 0.60
//!
//! [[contract.components]]
//! kind = "fixed"
//! id = "activity"
//! payee = "provider_a"
//! share = 0.5
//! [[contract.components]]
//! kind = "outcome_linked"
//! id = "process"
//! payee = "provider_a"
//! share = 0.3
//! payout = { kind = "all_or_nothing", thresholds = ["goals_60"] }
//! [[contract.components]]
//! kind = "joint_pot"
//! id = "joint"
//! share = 0.2
//! payout = { kind = "all_or_nothing", thresholds = ["closed_10pp"] }
//! split = { kind = "keys", members = [{ party = "provider_a", key = 0.5 }, { party = "provider_b", key = 0.5 }] }
//!
//! [[contract.caps]]
//! party = "state"
//! side = "pays"
//! share = 0.25
//! excess = { kind = "shift_to", party = "municipality" }
//! ```
//!
//! # Performance
//!
//! `O(B × (thresholds + components + parties))` time with no allocation per draw; memory one
//! `f64` per draw for each reported series (each party side that can be non-zero, and each
//! component), since exact percentiles need the values. Draws are processed in replicate
//! order, so results are bit-identical on every run.
//!
//! # References
//!
//! - Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
//! - Government Outcomes Lab (2018–). *Setting and measuring outcomes* (technical guide);
//!   *How to write rules for payment in PbR, SIB and other outcomes contracts*; *Glossary*.
//!   Blavatnik School of Government, University of Oxford.
//! - Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
//!   Statistician* 50(4), 361–365.
//! - Levitt, A. & Metcalf, L. (2017). Outcomes rate cards: a path to paying for success at
//!   scale. In *What Matters: Investing in Results to Build Strong, Vibrant Communities*.
//!   Federal Reserve Bank of San Francisco & Nonprofit Finance Fund.
//! - Neumaier, A. (1974). Rundungsfehleranalyse einiger Verfahren zur Summation endlicher
//!   Summen. *ZAMM* 54, 39–51.
//! - RISE Research Institutes of Sweden (2021). Final report on the social outcomes contract in
//!   Norrköping (Social & Health Impact Center).
//! - Rubin, D. B. (1981). The Bayesian bootstrap. *The Annals of Statistics* 9(1), 130–134.

mod config;
mod contract;
mod error;
mod evaluate;
pub mod summary;

pub use config::{
    AchievementMember, AchievementSplit, AllOrNothingRule, CapConfig, ComponentConfig,
    ContractConfig, Direction, Excess, FixedComponent, FundingShare, InvestorRepaymentComponent,
    JointPotComponent, KeyMember, KeysSplit, OutcomeLinkedComponent, PartyConfig, Payout, Premium,
    Quantity, RateCardComponent, RepaymentCondition, Require, Role, SavingsRule, ShiftTo, Side,
    Split, Step, SteppedRule, ThresholdConfig,
};
pub use contract::{Contract, SHARE_SUM_TOLERANCE};
pub use error::ContractError;
pub use evaluate::{
    At, BoundDraws, ComponentResult, ContractEvaluation, DrawPayments, DrawSource, EvaluateOptions,
    OutcomeDraws, PartyFlow, PartyResult, PaymentDistribution, PlotData, PointEstimate,
    ThresholdBar, ThresholdResult,
};
pub use summary::{Atom, Histogram, PaymentSummary};

/// Validate `config` against the study's outcome names and evaluate it on `draws` in one call.
///
/// # Errors
/// Those of [`ContractConfig::validate`] and [`Contract::evaluate`].
pub fn evaluate(
    config: &ContractConfig,
    known_outcomes: &[&str],
    draws: &[OutcomeDraws<'_>],
    options: &EvaluateOptions,
) -> Result<ContractEvaluation, ContractError> {
    config.validate(known_outcomes)?.evaluate(draws, options)
}
