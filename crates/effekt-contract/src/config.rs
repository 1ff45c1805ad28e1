//! Contract terms as they appear in the `[contract]` table of a study file.
//!
//! Every struct rejects unknown keys (`deny_unknown_fields`) and every choice is an enum, so a
//! typo in a study file is an error naming the key, never a silently ignored setting. The terms
//! are checked by [`ContractConfig::validate`], which turns them into a [`crate::Contract`].
//!
//! Amounts are given either as a `share` of `total_cost` (a fraction: `0.5` is 50 %) or as an
//! absolute `amount` in `currency` — exactly one of the two wherever both are offered.

use serde::{Deserialize, Serialize};

/// The whole `[contract]` table.
///
/// ```toml
/// [contract]
/// name = "IHF outcomes contract"
/// currency = "SEK"
/// total_cost = 12000000.0
/// funded_by = [{ party = "municipality", share = 1.0 }]
///
/// [[contract.parties]]
/// id = "municipality"
/// role = "outcome_payer"
///
/// [[contract.parties]]
/// id = "provider"
/// role = "provider"
///
/// [[contract.thresholds]]
/// id = "closed_10pp"
/// outcome = "closed_lower"
/// quantity = "effect"
/// direction = "at_least"
/// value = 0.10
///
/// [[contract.components]]
/// kind = "fixed"
/// id = "activity"
/// payee = "provider"
/// share = 0.6
///
/// [[contract.components]]
/// kind = "outcome_linked"
/// id = "outcome"
/// payee = "provider"
/// share = 0.4
/// payout = { kind = "all_or_nothing", thresholds = ["closed_10pp"] }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractConfig {
    /// Display name of the contract (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Currency code or word shown with every amount, e.g. `"SEK"`.
    pub currency: String,
    /// Total cost of (budget for) the intervention; the base of every `share` of cost.
    pub total_cost: f64,
    /// Default funding of every component that has no `funded_by` of its own: which payers
    /// pay it, with shares summing to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
    /// The parties to the contract.
    pub parties: Vec<PartyConfig>,
    /// Named outcome thresholds; payment rules refer to them by `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<ThresholdConfig>,
    /// Payment components.
    pub components: Vec<ComponentConfig>,
    /// Caps on what a party pays or receives in total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<CapConfig>,
}

/// One party to the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyConfig {
    /// Identifier used everywhere else in the contract, e.g. `"municipality"`.
    pub id: String,
    /// Display name, e.g. `"Norrköpings kommun"` (optional; the id is shown otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the party does in the contract.
    pub role: Role,
}

/// Role of a party. Descriptive: it labels and groups parties in the report; what a party pays
/// or receives is set by the components, funding and caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Commissioner accountable for the outcome (Swedish *utfallsansvarig*), e.g. a municipality.
    OutcomePayer,
    /// Another public funder of outcome payments, e.g. the state or a region.
    CoFunder,
    /// Service provider (*utförare*).
    Provider,
    /// Investor providing up-front capital (*finansiär*).
    Investor,
    /// Intermediary or evaluator.
    Intermediary,
    /// Anything else.
    Other,
}

/// One payer's share of a component's cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingShare {
    /// Paying party (id).
    pub party: String,
    /// Fraction of the component this party pays; the shares of one list sum to 1.
    pub share: f64,
}

/// Which quantity of an outcome a threshold or rate card looks at.
///
/// With `effect` = treated observed − treated counterfactual (the effect on the treated, in the
/// outcome's own units, e.g. 0.12 for 12 percentage points on a share):
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The effect: treated observed − treated counterfactual.
    Effect,
    /// Minus the effect: counterfactual − observed, i.e. how much the outcome *fell* because
    /// of the intervention (use for costs, placements, sick days: "cost reduction ≥ X").
    Reduction,
    /// The treated group's observed outcome level, e.g. "treated share ≥ 60 %".
    TreatedObserved,
    /// The treated group's estimated counterfactual level (what they would have had).
    TreatedCounterfactual,
}

/// How a threshold compares the quantity `q` with its `value` `t`. Ties matter with bootstrap
/// draws of discrete outcomes (shares of a few dozen families repeat exactly), so the contract
/// must say which side a tie falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Met when `q ≥ t` (a tie counts as met).
    AtLeast,
    /// Met when `q > t` (a tie counts as not met).
    Above,
    /// Met when `q ≤ t` (a tie counts as met).
    AtMost,
    /// Met when `q < t` (a tie counts as not met).
    Below,
}

impl Direction {
    /// Whether `q` meets a threshold `t` in this direction (exact IEEE comparison, no tolerance).
    #[inline]
    pub fn is_met(self, q: f64, t: f64) -> bool {
        match self {
            Direction::AtLeast => q >= t,
            Direction::Above => q > t,
            Direction::AtMost => q <= t,
            Direction::Below => q < t,
        }
    }

    /// The comparison sign, for labels (`≥`, `>`, `≤`, `<`).
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => "≥",
            Direction::Above => ">",
            Direction::AtMost => "≤",
            Direction::Below => "<",
        }
    }
}

/// A named threshold on one outcome: "`quantity` of `outcome` `direction` `value`".
///
/// ```toml
/// [[contract.thresholds]]
/// id = "cost_down"
/// outcome = "placement_cost"
/// quantity = "reduction"
/// direction = "at_least"
/// value = 50000.0
/// label = "placement cost per child falls by at least 50 000 SEK"
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdConfig {
    /// Identifier used by payment rules.
    pub id: String,
    /// Outcome name, as defined in the study file's outcomes.
    pub outcome: String,
    /// Which quantity of the outcome is compared.
    pub quantity: Quantity,
    /// Comparison (and how ties are treated).
    pub direction: Direction,
    /// Threshold value, in the units of the quantity (a share is 0–1: 10 percentage points is
    /// `0.10`).
    pub value: f64,
    /// Human-readable wording for the report (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Whether all or any of the listed thresholds must be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Require {
    /// Every listed threshold must be met (default).
    #[default]
    All,
    /// At least one listed threshold must be met.
    Any,
}

/// All-or-nothing rule: fraction paid is 1 when the thresholds are met (all, or any), else 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllOrNothingRule {
    /// Threshold ids.
    pub thresholds: Vec<String>,
    /// `all` (default) or `any`.
    #[serde(default)]
    pub require: Require,
}

/// One step of a stepped rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Threshold id.
    pub threshold: String,
    /// Fraction (0–1) of the component paid when this step's threshold is met.
    pub fraction: f64,
}

/// Stepped rule: fraction paid = the largest `fraction` among the steps whose threshold is met
/// (0 when none is met). Steps are usually nested thresholds on one outcome ("≥ 5 pp pays 50 %,
/// ≥ 10 pp pays 100 %"); taking the maximum keeps the rule well defined when they are not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SteppedRule {
    /// The steps.
    pub steps: Vec<Step>,
}

/// How much of an outcome-linked amount is paid, as a function of which thresholds are met.
///
/// ```toml
/// payout = { kind = "all_or_nothing", thresholds = ["a", "b"], require = "all" }
/// payout = { kind = "stepped", steps = [{ threshold = "a5", fraction = 0.5 }, { threshold = "a10", fraction = 1.0 }] }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payout {
    /// See [`AllOrNothingRule`].
    AllOrNothing(AllOrNothingRule),
    /// See [`SteppedRule`].
    Stepped(SteppedRule),
}

/// A payment component (`[[contract.components]]`), tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComponentConfig {
    /// Paid regardless of outcomes (activity payment, *aktivitetsersättning*).
    Fixed(FixedComponent),
    /// Paid in full, in part or not at all depending on thresholds.
    OutcomeLinked(OutcomeLinkedComponent),
    /// Amount per unit of outcome above a baseline, capped.
    RateCard(RateCardComponent),
    /// A pot paid on joint outcomes and split among several providers.
    JointPot(JointPotComponent),
    /// Repayment of an investor's capital, partly guaranteed and partly conditional.
    InvestorRepayment(InvestorRepaymentComponent),
}

/// Fixed payment: `amount = share × total_cost` (or the given `amount`), paid on every draw.
///
/// ```toml
/// [[contract.components]]
/// kind = "fixed"
/// id = "activity"
/// payee = "provider_a"
/// share = 0.5
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedComponent {
    /// Identifier.
    pub id: String,
    /// Receiving party (id).
    pub payee: String,
    /// Size as a share of `total_cost` (give this or `amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Size as an absolute amount (give this or `share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Who pays it (defaults to the contract's `funded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
}

/// Outcome-linked payment: `paid = size × fraction(payout)`.
///
/// ```toml
/// [[contract.components]]
/// kind = "outcome_linked"
/// id = "process"
/// payee = "provider_a"
/// share = 0.3
/// payout = { kind = "stepped", steps = [{ threshold = "goals_5pp", fraction = 0.5 }, { threshold = "goals_10pp", fraction = 1.0 }] }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeLinkedComponent {
    /// Identifier.
    pub id: String,
    /// Receiving party (id).
    pub payee: String,
    /// Maximum size as a share of `total_cost` (give this or `amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Maximum size as an absolute amount (give this or `share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Rule deciding the fraction paid.
    pub payout: Payout,
    /// Who pays it (defaults to the contract's `funded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
}

/// Rate card: `paid = min(cap, rate × scale × max(0, q − baseline))`, where `q` is the chosen
/// quantity of the outcome. `scale` turns the quantity into payable units: the number of treated
/// individuals turns an effect on a share into "additional individuals with the outcome"; 100
/// pays per percentage point. The cap is `share × total_cost` (or `amount`).
///
/// ```toml
/// [[contract.components]]
/// kind = "rate_card"
/// id = "per_family"
/// payee = "provider_a"
/// outcome = "closed_lower"
/// quantity = "effect"
/// baseline = 0.0
/// scale = 60.0          # 60 treated families
/// rate = 40000.0        # SEK per additional family closed to a lower level
/// share = 0.2           # cap: 20 % of total cost
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCardComponent {
    /// Identifier.
    pub id: String,
    /// Receiving party (id).
    pub payee: String,
    /// Outcome name.
    pub outcome: String,
    /// Which quantity of the outcome is paid for.
    pub quantity: Quantity,
    /// Level above which units are paid for (in the units of the quantity).
    #[serde(default)]
    pub baseline: f64,
    /// Units per unit of the quantity (default 1); must be positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Amount paid per unit; must not be negative.
    pub rate: f64,
    /// Cap as a share of `total_cost` (give this or `amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Cap as an absolute amount (give this or `share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Who pays it (defaults to the contract's `funded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
}

/// Joint outcome pot: `pot = size × fraction(payout)`, split among several providers.
///
/// ```toml
/// [[contract.components]]
/// kind = "joint_pot"
/// id = "joint"
/// share = 0.2
/// payout = { kind = "all_or_nothing", thresholds = ["closed_10pp"] }
/// split = { kind = "keys", members = [{ party = "provider_a", key = 0.5 }, { party = "provider_b", key = 0.5 }] }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointPotComponent {
    /// Identifier.
    pub id: String,
    /// Pot size as a share of `total_cost` (give this or `amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Pot size as an absolute amount (give this or `share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// Rule deciding the fraction of the pot paid out.
    pub payout: Payout,
    /// How the paid pot is divided among the providers.
    pub split: Split,
    /// Who pays it (defaults to the contract's `funded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
}

/// How a joint pot is divided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Split {
    /// Pre-agreed keys (fractions summing to 1).
    Keys(KeysSplit),
    /// In proportion to each provider's achieved units
    /// `a_i = scale_i × max(0, q_i − baseline_i)`; provider i gets `a_i / Σ a_j` of the pot.
    /// When no provider achieved anything (`Σ a_j = 0`) the pot is not paid.
    Achievement(AchievementSplit),
}

/// Pre-agreed keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysSplit {
    /// Members and their keys.
    pub members: Vec<KeyMember>,
}

/// One member of a key split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMember {
    /// Provider (party id).
    pub party: String,
    /// Fraction of the pot; the keys sum to 1.
    pub key: f64,
}

/// Split by achievement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementSplit {
    /// Members and the outcome each is measured on.
    pub members: Vec<AchievementMember>,
}

/// One member of an achievement split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementMember {
    /// Provider (party id).
    pub party: String,
    /// Outcome measuring this provider's contribution (e.g. its own caseload's outcome).
    pub outcome: String,
    /// Which quantity of that outcome.
    pub quantity: Quantity,
    /// Level above which achievement counts.
    #[serde(default)]
    pub baseline: f64,
    /// Units per unit of the quantity (default 1), e.g. the provider's number of cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

/// Repayment of an investor's capital `C`:
/// `repaid = guaranteed_share × C + conditional part + premium`.
///
/// The conditional part is at most `conditional_share × C` and is decided by `conditional`:
/// a threshold rule (all-or-nothing or stepped fraction of it) or a share of the savings.
/// The optional premium (return) is `premium.rate × C × fraction(premium.payout)`.
///
/// The Norrköping social outcomes contract (Sweden's first, 2016) had this shape: the investor
/// (Leksell Social Ventures) lent up to 10 MSEK; the municipality guaranteed repayment of 40 % on
/// activity, the other 60 % was repaid only if social-service costs fell, each SEK saved being
/// divided 60/40 up to break-even, and a return capped at 20 % required savings beyond the cost
/// and improved school outcomes (RISE 2021, final report on the Norrköping SOC).
///
/// ```toml
/// [[contract.components]]
/// kind = "investor_repayment"
/// id = "lsv"
/// payee = "investor"
/// capital = 10000000.0
/// guaranteed_share = 0.4
/// conditional_share = 0.6
/// conditional = { kind = "savings", outcome = "placement_cost", quantity = "reduction", scale = 60.0, savings_share = 0.6 }
/// premium = { rate = 0.2, payout = { kind = "all_or_nothing", thresholds = ["break_even", "school_up"] } }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestorRepaymentComponent {
    /// Identifier.
    pub id: String,
    /// The investor (party id).
    pub payee: String,
    /// Capital provided, in `currency`.
    pub capital: f64,
    /// Fraction of capital repaid regardless of outcomes.
    pub guaranteed_share: f64,
    /// Fraction of capital repaid only under `conditional`; `guaranteed_share +
    /// conditional_share` must be 1.
    pub conditional_share: f64,
    /// Rule for the conditional part.
    pub conditional: RepaymentCondition,
    /// Optional return on top of the capital.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium: Option<Premium>,
    /// Who repays (defaults to the contract's `funded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funded_by: Option<Vec<FundingShare>>,
}

/// Rule for the conditional part of an investor repayment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RepaymentCondition {
    /// Whole conditional part when the thresholds are met, else nothing.
    AllOrNothing(AllOrNothingRule),
    /// Stepped fraction of the conditional part.
    Stepped(SteppedRule),
    /// `min(conditional_share × C, savings_share × savings)` with
    /// `savings = scale × max(0, q − baseline)`.
    Savings(SavingsRule),
}

/// Savings-linked repayment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsRule {
    /// Outcome measuring the cost (e.g. placement cost per child).
    pub outcome: String,
    /// Usually `reduction` (how much the cost fell).
    pub quantity: Quantity,
    /// Level above which savings count (default 0).
    #[serde(default)]
    pub baseline: f64,
    /// Converts the quantity into total savings (e.g. number of children); default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Fraction of each unit of savings that goes to repaying the investor.
    pub savings_share: f64,
}

/// Return on the capital, paid on outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Premium {
    /// Maximum return as a fraction of capital (0.2 = at most 20 %).
    pub rate: f64,
    /// Rule deciding the fraction of the maximum return paid.
    pub payout: Payout,
}

/// Which side of a party's payments a cap limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The total the party pays.
    Pays,
    /// The total the party receives.
    Receives,
}

/// What happens to the part of a payer's share above its cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Excess {
    /// Nobody pays it: the payees receive less (default).
    Cut,
    /// Another payer (which must not itself have a `pays` cap) pays it.
    ShiftTo(ShiftTo),
}

/// Target of shifted excess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftTo {
    /// Party that pays the excess.
    pub party: String,
}

/// A cap on a party's total payments or receipts, per draw.
///
/// ```toml
/// [[contract.caps]]
/// party = "state"
/// side = "pays"
/// share = 0.5                                              # at most 50 % of total cost
/// excess = { kind = "shift_to", party = "municipality" }   # the municipality pays the rest
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapConfig {
    /// Capped party (id).
    pub party: String,
    /// Which side is capped.
    pub side: Side,
    /// Cap as a share of `total_cost`, at most 1 (give this or `amount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Cap as an absolute amount (give this or `share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// For `side = "pays"`: what happens to the excess (default: cut). A `receives` cap always
    /// cuts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excess: Option<Excess>,
}
