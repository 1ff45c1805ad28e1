//! Simulation harness (being built).
