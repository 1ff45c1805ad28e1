//! effekt: statistical effect evaluation for social-services interventions.
//!
//! This facade re-exports the workspace crates so a user can depend on `effekt` alone.

pub use effekt_contract as contract;
pub use effekt_data as data;
pub use effekt_did as did;
pub use effekt_matching as matching;
pub use effekt_models as models;
pub use effekt_notes as notes;
pub use effekt_power as power;
pub use effekt_rct as rct;
pub use effekt_report as report;
pub use effekt_resample as resample;
