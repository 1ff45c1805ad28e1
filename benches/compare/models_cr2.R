# Times estimatr lm_robust(se_type = "CR2", clusters = cl) on the workload of the criterion bench
# `ols_cr2/n100k_k10_G100` (benches/models.rs) and prints the ratio to the Rust median.
#
# Usage (from the repository root, after `cargo bench --bench models`):
#   Rscript benches/compare/models_cr2.R [reps]
# The data are built with the same formulas as benches/models.rs (deterministic Weyl sequences):
#   x_j(i) = frac(i * frac(sqrt(p_j))) - 0.5, p_j = 2, 3, ..., 23, i = 1..n
#   cluster g = (i - 1) %% 100, effect frac((g + 1) * frac(sqrt(29))) - 0.5
#   y = 1 + sum_j 0.1 j x_j + effect + frac(i * frac(sqrt(31))) - 0.5
# The Rust median is read from target/criterion/ols_cr2/n100k_k10_G100/new/estimates.json.

suppressPackageStartupMessages({
  library(estimatr)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args) >= 1) as.integer(args[1]) else 3L

N <- 100000L
G <- 100L
frac <- function(x) x - floor(x)
i <- as.numeric(seq_len(N))
p <- c(2, 3, 5, 7, 11, 13, 17, 19, 23)
X <- sapply(p, function(q) frac(i * frac(sqrt(q))) - 0.5)
colnames(X) <- paste0("X", 1:9)
cl <- (seq_len(N) - 1L) %% G
effect <- frac((0:(G - 1) + 1) * frac(sqrt(29))) - 0.5
y <- 1 + as.vector(X %*% (0.1 * (1:9))) + effect[cl + 1] + frac(i * frac(sqrt(31))) - 0.5
d <- data.frame(y = y, X, cl = cl)
f <- y ~ X1 + X2 + X3 + X4 + X5 + X6 + X7 + X8 + X9

times <- numeric(reps)
for (r in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]
  fit <- lm_robust(f, data = d, clusters = cl, se_type = "CR2")
  times[r] <- proc.time()[["elapsed"]] - t0
}
med_r <- median(times)
cat(sprintf("estimatr %s lm_robust(CR2): median %.3f s over %d run(s) (%s)\n",
            as.character(packageVersion("estimatr")), med_r, reps,
            paste(sprintf("%.3f", times), collapse = ", ")))
cat(sprintf("  SE(X1) = %.10g, df(X1) = %.10g\n", fit$std.error[["X1"]], fit$df[["X1"]]))

est <- "target/criterion/ols_cr2/n100k_k10_G100/new/estimates.json"
if (file.exists(est)) {
  med_rust <- fromJSON(est)$median$point_estimate / 1e9
  cat(sprintf("effekt-models ols(CR2): median %.4f s (criterion)\n", med_rust))
  cat(sprintf("ratio estimatr / effekt = %.1fx\n", med_r / med_rust))
} else {
  cat("no criterion estimate found; run `cargo bench --bench models` first\n")
}
