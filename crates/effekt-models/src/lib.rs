//! Regression layer shared by all designs: weighted OLS with HC/CR variance (CR2 + Satterthwaite),
//! logistic IRLS, fixed-effects demeaning, tidy results.

pub mod tidy;

pub use tidy::{Counterfactual, Glance, InferenceNote, TidyRow};
