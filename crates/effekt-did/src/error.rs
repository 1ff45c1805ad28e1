//! Errors of the DiD crate.

/// Everything that can go wrong in a difference-in-differences analysis.
///
/// Every variant carries the offending values (unit, period, cohort, row, count) and its message
/// says what is wrong and what to do. Rows are spreadsheet row numbers when the caller supplied
/// them ([`crate::DidData::row_numbers`]), otherwise 1-based observation numbers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    /// Errors of the Callaway–Sant'Anna estimator.
    #[error(transparent)]
    Cs(#[from] crate::cs::CsError),
    /// A regression failed (collinear treatment, too few observations, …).
    #[error("{context}: {source}")]
    Model {
        context: String,
        #[source]
        source: effekt_models::ModelError,
    },
    /// Columns of different length.
    #[error(
        "{what} has {found} values but the outcome has {expected}; all columns must have one value per row"
    )]
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },
    /// A value that is not a finite number.
    #[error("{what}, row {row}: {value} is not a finite number; fix the value or mark it missing")]
    NonFinite {
        what: String,
        row: usize,
        value: f64,
    },
    /// Two rows for the same unit and period.
    #[error(
        "unit {unit:?} has two rows for period {period} (rows {first_row} and {second_row}); a panel needs one row per unit and period: remove the duplicate or aggregate it"
    )]
    DuplicateUnitTime {
        unit: String,
        period: f64,
        first_row: usize,
        second_row: usize,
    },
    /// Fewer than two distinct periods.
    #[error(
        "the time column has {count} distinct period(s); difference-in-differences needs at least two (before and after)"
    )]
    TooFewPeriods { count: usize },
    /// Treatment that goes back to 0 after it started.
    #[error(
        "unit {unit:?} is treated in period {on_period} but not in the later period {off_period} (row {row}); this design assumes that treatment stays on once it starts (absorbing, staggered adoption): recode the treatment as 'treated from the first treated period on', or drop the unit"
    )]
    TreatmentSwitchesOff {
        unit: String,
        on_period: f64,
        off_period: f64,
        row: usize,
    },
    /// The first-treated value differs between the rows of one unit.
    #[error(
        "unit {unit:?} has different first-treated periods ({first} and {second}, row {row}); the first-treated column must be constant within a unit (0 or empty = never treated)"
    )]
    FirstTreatedVaries {
        unit: String,
        first: String,
        second: String,
        row: usize,
    },
    /// A first-treated period that is not one of the observed periods.
    #[error(
        "unit {unit:?}: first-treated period {period} is not one of the observed periods ({first} … {last}); event times are counted in observed periods, so the first-treated period must be one of them (or 0 / empty for never treated)"
    )]
    FirstTreatedNotAPeriod {
        unit: String,
        period: f64,
        first: f64,
        last: f64,
    },
    /// A cohort that is already treated in the first period.
    #[error(
        "the cohort first treated in period {cohort} has no pre-treatment period ({units} unit(s), e.g. {example:?}, are treated in their first observed period); difference-in-differences compares each treated unit with its own untreated past: drop these always-treated units or add earlier periods"
    )]
    NoPrePeriod {
        cohort: f64,
        units: usize,
        example: String,
    },
    /// No comparison units in some treated period.
    #[error(
        "no valid control units for the cohort first treated in {cohort} in period {period}: every unit observed then is already treated; drop the periods after the last cohort starts ({period} on) or add never-treated units"
    )]
    NoValidControls { cohort: f64, period: f64 },
    /// Nobody is ever treated.
    #[error("no unit is ever treated ({units} units); check the treatment or first-treated column")]
    NoTreatedUnits { units: usize },
    /// Only one cluster.
    #[error(
        "only one cluster ({label:?} in column {column:?}); cluster-robust inference needs at least two clusters, and is fragile with fewer than 10: cluster at a finer level (the unit) or use another design"
    )]
    SingleCluster { column: String, label: String },
    /// The 2×2 design needs one treatment start.
    #[error(
        "the 2x2 design needs one treatment start for all treated units, found {count} cohorts ({cohorts}); use --method twfe, event-study or cs for staggered adoption"
    )]
    NotTwoByTwo { count: usize, cohorts: String },
    /// An option value out of range.
    #[error("{option} = {value} is not valid: {expected}")]
    InvalidOption {
        option: String,
        value: String,
        expected: String,
    },
    /// The tested coefficient is collinear with the fixed effects and controls.
    #[error(
        "the tested regressor {term:?} is (almost) a linear combination of the fixed effects and controls, so its coefficient is not identified"
    )]
    NotIdentified { term: String },
    /// Too many levels of a fixed effect that is not nested in the bootstrap clusters.
    #[error(
        "the fixed effect {factor} has {levels} levels and is not nested in the {clusters} clusters; the wild cluster bootstrap would need {levels} dummy columns: cluster at a level that contains each of its levels, or use fewer levels"
    )]
    TooManyLevels {
        factor: String,
        levels: usize,
        clusters: usize,
    },
    /// The Goodman-Bacon decomposition needs a balanced panel without covariates or weights.
    #[error("Goodman-Bacon decomposition not available: {reason}")]
    BaconNotAvailable { reason: String },
}

impl DidError {
    pub(crate) fn model(
        context: impl Into<String>,
    ) -> impl FnOnce(effekt_models::ModelError) -> Self {
        let context = context.into();
        move |source| DidError::Model { context, source }
    }
}
