//! Power analysis (analytic and by simulation) and synthetic IHF/TFCO evaluation data with known effects.
