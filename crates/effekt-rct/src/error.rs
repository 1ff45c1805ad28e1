//! The one error type of effekt-rct.

use effekt_data::DataError;
use effekt_models::ModelError;
use effekt_resample::ResampleError;

/// Everything that can be wrong with a randomised-trial analysis.
///
/// Rows are spreadsheet row numbers (header = row 1) when the analysis was started from a
/// [`effekt_data::Table`] ([`crate::Rct::fit_table`]); from a bare [`effekt_data::Dataset`] they
/// are [`effekt_data::spreadsheet_row`] of the kept row's index, which is the same for files
/// without blank rows. Every message says what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RctError {
    /// Reading or selecting the columns failed (unknown column, treatment not 0/1, missing
    /// values, only one arm, ...).
    #[error(transparent)]
    Data(#[from] DataError),

    /// An option is out of range or does not fit the design.
    #[error("option {option} = {value} is invalid: {expected}")]
    InvalidOption {
        option: String,
        value: String,
        expected: String,
    },

    /// The dataset lacks a column the configuration needs (only when calling [`crate::Rct::fit`]
    /// with a dataset that was selected with other roles).
    #[error(
        "the data has no {role} values; select the data with the roles of the configuration (RctConfig::roles)"
    )]
    MissingRole { role: String },

    /// One arm has no rows (checked again here for callers that build a dataset by hand).
    #[error(
        "every analysed row is in the {present} arm ({count} row(s)); an effect needs treated (1) and control (0) rows"
    )]
    OneArm { present: String, count: usize },

    /// `--outcome-type binary` with an outcome that is not 0/1.
    #[error(
        "column {column:?}, row {row}: a binary outcome must be 0 or 1, found {value}; recode the column or use --outcome-type continuous"
    )]
    OutcomeNotBinary {
        column: String,
        row: usize,
        value: f64,
    },

    /// A covariate with one value on every analysed row.
    #[error(
        "covariate {covariate:?} is constant ({value}) on all {n} analysed rows; it carries no information for the adjustment, remove it from the covariates"
    )]
    CovariateConstant {
        covariate: String,
        value: String,
        n: usize,
    },

    /// The treatment is a linear combination of the covariates (and the intercept).
    #[error(
        "the treatment {treatment:?} is perfectly collinear with {}: the effect cannot be separated from the covariate(s); remove the covariate(s) that duplicate the treatment",
        covariates.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
    )]
    CollinearWithTreatment {
        treatment: String,
        covariates: Vec<String>,
    },

    /// A cluster with treated and control rows in a cluster-randomised design.
    #[error(
        "cluster {cluster:?} of column {column:?} has {n_treated} treated and {n_control} control row(s), first mixed at row {row}; in a cluster-randomised design a whole cluster is in one arm. Check the treatment and cluster columns, or, if treatment was assigned to individuals and the clusters are only for cluster-robust standard errors, use --cluster-assignment individual"
    )]
    ClusterBothArms {
        column: String,
        cluster: String,
        n_treated: usize,
        n_control: usize,
        row: usize,
    },

    /// Fewer than two clusters in an arm (overall, or within a block of a block-clustered design).
    #[error(
        "{where_} the {arm} arm has {count} cluster(s); a cluster-randomised comparison needs at least 2 clusters in each arm (the variance cannot be estimated otherwise), add clusters or analyse without --clusters if individuals were randomised"
    )]
    TooFewClusters {
        arm: String,
        count: usize,
        /// "" or "in block \"b\"," .
        where_: String,
    },

    /// A cluster whose rows are in two blocks.
    #[error(
        "cluster {cluster:?} appears in blocks {block_a:?} and {block_b:?} (row {row}); clusters must be nested in blocks, check the block and cluster columns"
    )]
    ClusterSpansBlocks {
        cluster: String,
        block_a: String,
        block_b: String,
        row: usize,
    },

    /// A block without treated or without control units.
    #[error(
        "block {block:?} has no {missing_arm} units ({count} row(s), all {present}); every block of a blocked design needs both arms, check the block column or merge the block with a neighbouring one"
    )]
    BlockOneArm {
        block: String,
        present: String,
        missing_arm: String,
        count: usize,
    },

    /// A block with a single unit (or cluster).
    #[error(
        "block {block:?} has a single {unit}; every block needs at least two (a pair), merge it with another block"
    )]
    BlockTooSmall { block: String, unit: String },

    /// A block with exactly one unit in an arm while not every block is a pair (estimatr's
    /// rule: the within-block variance needs 2 per arm unless the design is matched pairs).
    #[error(
        "block {block:?} has {count} {arm} {unit}(s); unless the design is matched pairs, the blocked variance needs at least 2 treated and 2 control {unit}s in every block: merge small blocks, or use --estimator ancova or lin (blocks as fixed effects)"
    )]
    BlockArmTooSmall {
        block: String,
        arm: String,
        count: usize,
        unit: String,
    },

    /// Blocks with clusters that are only used for cluster-robust variance.
    #[error(
        "the difference in means with blocks and individually assigned clusters is not defined (estimatr requires clusters to be the unit of assignment); use --estimator ancova or lin, which include the blocks as fixed effects with CR2 standard errors"
    )]
    BlocksWithIndividualClusters,

    /// The regression layer failed (message says why).
    #[error(transparent)]
    Model(#[from] ModelError),

    /// The resampling core failed (message says why).
    #[error(transparent)]
    Resample(#[from] ResampleError),

    /// A numerical failure that should not happen with valid input.
    #[error("numerical failure in {what}; please report this with the data that caused it")]
    Numerical { what: String },
}

impl RctError {
    /// Whether the user can fix the problem (bad data or options: CLI exit code 2) rather than
    /// an internal failure (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            RctError::Numerical { .. } => false,
            RctError::Model(ModelError::Numerical { .. }) => false,
            RctError::Data(DataError::Io { .. }) => true,
            _ => true,
        }
    }
}
