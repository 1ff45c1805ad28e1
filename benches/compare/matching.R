#!/usr/bin/env Rscript
# Timing of MatchIt 4.5.1 against `effekt match` on the same data (issue 4).
#
# Run from the repository root after `cargo build --release`:
#   Rscript benches/compare/matching.R            # n = 100,000 (nearest) and the Mahalanobis scaling
#   Rscript benches/compare/matching.R 1000000    # another n for the nearest-neighbour workload
#
# Data (same formulas as benches/matching.rs): x_j(i) = frac(i * frac(sqrt(p_j))) - 0.5 for
# p = 2, 3, 5, 7, 11; g = c("a", "b", "c")[i %% 3 + 1]; treat = 1{frac(i * frac(sqrt(29))) <
# plogis(-1.4 + 0.8 x1 + 0.5 x2 - 0.6 x3 + 0.3 x4 + 0.2 (g == "b"))}.
#
# Workloads:
#  * nearest: matchit(treat ~ x1 + ... + x5 + g, caliper = 0.2) — glm propensity score, 1:1
#    nearest neighbour without replacement, largest first — against
#    `effekt match ... --caliper 0.2` (wall time of the whole command, CSV reading included).
#    MatchIt 4.5.1 is timed as shipped; its vector kernel has the caliper bug of
#    kosukeimai/MatchIt#163 (the caliper does not bind on the PS scale), so it matches every
#    treated unit and its time is a lower bound for a correct caliper. The matched counts are
#    printed for both.
#  * mahalanobis: matchit(..., distance = "mahalanobis") (data order) against
#    `effekt match --distance mahalanobis --order data`, at growing n, to show the scaling.
# Median of `reps` runs each; elapsed seconds.

suppressPackageStartupMessages(library(MatchIt))

args <- commandArgs(trailingOnly = TRUE)
n_nearest <- if (length(args) >= 1) as.numeric(args[1]) else 1e5
effekt <- normalizePath("target/release/effekt", mustWork = TRUE)

make_data <- function(n) {
  i <- seq_len(n)
  fr <- function(x) x - floor(x)
  X <- sapply(c(2, 3, 5, 7, 11), function(p) fr(i * fr(sqrt(p))) - 0.5)
  colnames(X) <- paste0("x", 1:5)
  g <- c("a", "b", "c")[i %% 3 + 1]
  eta <- -1.4 + 0.8 * X[, 1] + 0.5 * X[, 2] - 0.6 * X[, 3] + 0.3 * X[, 4] + 0.2 * (g == "b")
  treat <- as.integer(fr(i * fr(sqrt(29))) < plogis(eta))
  data.frame(treat = treat, X, g = g, stringsAsFactors = TRUE)
}

median_time <- function(expr_fun, reps) {
  t <- vapply(seq_len(reps), function(k) system.time(expr_fun())[["elapsed"]], numeric(1))
  median(t)
}

run_effekt <- function(file, extra) {
  out <- tempfile(fileext = ".json")
  st <- system2(effekt, c("match", "--data", file, "--treatment", "treat",
                          "--covariates", "x1,x2,x3,x4,x5,g", extra, "--json", out),
                stdout = FALSE, stderr = FALSE)
  if (st != 0) stop("effekt failed")
  out
}

f <- treat ~ x1 + x2 + x3 + x4 + x5 + g
cat(sprintf("R %s, MatchIt %s, %s, %s\n", R.version$version.string, packageVersion("MatchIt"),
            Sys.info()[["machine"]], format(Sys.time(), "%Y-%m-%d")))

# ---- nearest neighbour with caliper ----------------------------------------------------------
d <- make_data(n_nearest)
file <- tempfile(fileext = ".csv")
write.csv(d, file, row.names = FALSE)
reps_r <- if (n_nearest > 2e5) 1 else 3
t_r <- median_time(function() matchit(f, data = d, caliper = 0.2), reps_r)
m <- matchit(f, data = d, caliper = 0.2)
t_e <- median_time(function() run_effekt(file, c("--caliper", "0.2")), 5)
js <- readLines(run_effekt(file, c("--caliper", "0.2")))
n_e <- as.integer(sub(".*: *([0-9]+).*", "\\1", grep("\"n_matched_treated\"", js, value = TRUE)[1]))
cat(sprintf("nearest 1:1 caliper 0.2, n = %d (%d treated): MatchIt %.3f s (matched %d treated, caliper not applied: MatchIt#163), effekt %.3f s (matched %d treated), ratio %.1fx\n",
            nrow(d), sum(d$treat), t_r, sum(!is.na(m$match.matrix[, 1])), t_e, n_e, t_r / t_e))

# ---- Mahalanobis scaling -------------------------------------------------------------------
for (n in c(2500, 5000, 10000, 20000)) {
  d <- make_data(n)
  file <- tempfile(fileext = ".csv")
  write.csv(d, file, row.names = FALSE)
  t_r <- median_time(function() matchit(f, data = d, distance = "mahalanobis"), 1)
  t_e <- median_time(function() run_effekt(file, c("--distance", "mahalanobis", "--order", "data")), 3)
  cat(sprintf("mahalanobis 1:1, n = %d: MatchIt %.3f s, effekt %.3f s, ratio %.1fx\n", n, t_r, t_e, t_r / t_e))
}
