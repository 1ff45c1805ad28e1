//! Synthetic evaluation data (being built).
