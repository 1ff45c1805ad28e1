//! Outcome-based contract evaluation: probability that thresholds are met and expected payment per party.
