# Power simulation with R estimatr: 1,000 cluster-randomised trials (40 clusters x 25, ICC 0.05,
# effect 0.2 SD), each analysed by lm_robust(y ~ treated, clusters = cluster, se_type = "CR2")
# (CR2 + Satterthwaite df, the same analysis as effekt's `ols-cr2`). Prints the median time and
# the ratio to effekt's criterion median for `harness/cluster_rct_40x25_cr2_1000`.
#
# Usage (from the repository root, after `cargo bench --bench power`):
#   Rscript benches/compare/power_compare_estimatr.R [runs]
suppressPackageStartupMessages({
  library(estimatr)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
runs <- if (length(args) >= 1) as.integer(args[1]) else 1L
G <- 40L; M <- 25L; ICC <- 0.05; EFFECT <- 0.2; SIMS <- 1000L
study <- function(seed) {
  set.seed(seed)
  cluster <- rep(seq_len(G), each = M)
  rej <- 0
  for (s in seq_len(SIMS)) {
    tc <- numeric(G); tc[sample.int(G, G / 2)] <- 1
    u <- rnorm(G, 0, sqrt(ICC))
    d <- data.frame(y = u[cluster] + rnorm(G * M, 0, sqrt(1 - ICC)) + EFFECT * tc[cluster],
                    treated = tc[cluster], cluster = cluster)
    fit <- lm_robust(y ~ treated, data = d, clusters = cluster, se_type = "CR2")
    rej <- rej + (fit$p.value[["treated"]] < 0.05)
  }
  rej / SIMS
}
times <- numeric(runs)
for (r in seq_len(runs)) {
  t0 <- proc.time()[["elapsed"]]
  power <- study(r)
  times[r] <- proc.time()[["elapsed"]] - t0
}
rt <- median(times)
cat(sprintf("%s, estimatr %s\n", R.version.string, as.character(packageVersion("estimatr"))))
cat(sprintf("estimatr loop: median %.3f s over %d run(s) (simulated power %.3f)\n", rt, runs, power))
est <- "target/criterion/harness/cluster_rct_40x25_cr2_1000/new/estimates.json"
if (file.exists(est)) {
  rust <- fromJSON(est)$median$point_estimate / 1e9
  cat(sprintf("effekt harness (OLS + CR2, criterion median): %.4f s\n", rust))
  cat(sprintf("ratio estimatr / effekt: %.0fx\n", rt / rust))
} else {
  cat(est, "not found: run `cargo bench --bench power` first\n")
}
