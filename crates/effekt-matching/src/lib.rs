//! Control-group matching and weighting: propensity scores, nearest neighbour, CEM, IPW, AIPW, balance tables.
