//! Catalogue rows: see [`super`]. (Rows are added here.)

#[allow(unused_imports)]
use super::{Case, run_all, trial_csv};

/// The rows of this area.
pub fn cases() -> Vec<Case> {
    vec![Case::new("no arguments", &["rct"]).needle("--data")]
}

#[test]
fn catalogue_data() {
    run_all(cases());
}
