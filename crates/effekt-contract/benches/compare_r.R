#!/usr/bin/env Rscript
# Same workload as benches/contract.rs (the R-anchor contract on B = 10^4 and 10^6 Weyl-sequence
# draws), computed in vectorised R as in tests/fixtures/scripts/contract_anchor.R: threshold
# shares, per-draw payments of 5 party sides and 6 components, means and type-7 quantiles.
# Prints R's median time and the ratio to the Rust median that criterion recorded.
#
# Run from the repository root, after `cargo bench -p effekt-contract --bench contract`:
#   Rscript crates/effekt-contract/benches/compare_r.R

suppressPackageStartupMessages(library(jsonlite))
total_cost <- 12e6
weyl <- function(b, shift) (b * 0.6180339887498949 + shift) %% 1

pay <- function(closed_eff, goals_eff, goals_obs, cost_eff) {
  t10 <- closed_eff >= 0.10; t5 <- closed_eff > 0.05; g60 <- goals_obs >= 0.60
  cdown <- (-cost_eff) >= 20000
  activity_a <- rep(0.3 * total_cost, length(closed_eff))
  activity_b <- rep(0.2 * total_cost, length(closed_eff))
  process <- 0.2 * total_cost * pmax(ifelse(t5, 0.5, 0), ifelse(t10, 1, 0))
  goals_rate <- pmin(0.1 * total_cost, 50000 * ifelse(goals_eff > 0, goals_eff * 60, 0))
  pot <- 0.2 * total_cost * as.numeric(t10 & g60)
  pot_a <- pot * 0.6; pot_b <- pot - pot_a
  capital <- 5e6
  repayment <- 0.4 * capital + pmin(0.6 * capital, 0.6 * 60 * pmax(0, -cost_eff)) +
    0.2 * capital * as.numeric(cdown & t10)
  a_total <- activity_a + process + pot_a
  f <- ifelse(a_total > 7e6, 7e6 / a_total, 1)
  activity_a <- activity_a * f; process <- process * f; pot_a <- pot_a * f
  a_recv <- activity_a + process + pot_a
  b_recv <- activity_b + goals_rate + pot_b
  state_owed <- 0.5 * (a_recv + b_recv)
  state_paid <- pmin(state_owed, 0.3 * total_cost)
  muni_paid <- 0.5 * (a_recv + b_recv) + (state_owed - state_paid) + repayment
  series <- list(muni_paid, state_paid, a_recv, b_recv, repayment, activity_a, activity_b,
                 process, goals_rate, pot_a + pot_b, repayment)
  list(shares = c(mean(t10), mean(t5), mean(g60), mean(cdown)),
       summaries = lapply(series, function(x) c(mean(x), quantile(x, c(0.025, 0.975), type = 7))))
}

for (n in c(1e4, 1e6)) {
  b <- 0:(n - 1)
  closed_e <- (floor(weyl(b, 0.1) * 24) - 6) / 60
  goals_e <- (floor(weyl(b, 0.3) * 24) - 8) / 60
  goals_o <- 0.5 + goals_e
  cost_e <- (weyl(b, 0.7) - 0.6) * 100000
  times <- replicate(5, system.time(pay(closed_e, goals_e, goals_o, cost_e))[["elapsed"]])
  r_ms <- median(times) * 1000
  est <- sprintf("target/criterion/contract_evaluate/%d/new/estimates.json", as.integer(n))
  rust_ms <- if (file.exists(est)) fromJSON(est)$median$point_estimate / 1e6 else NA
  cat(sprintf("B = %7d: R %.1f ms, Rust %.2f ms, R / Rust = %.1f\n", as.integer(n), r_ms, rust_ms, r_ms / rust_ms))
}
