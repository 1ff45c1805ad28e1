# Time R boot on the bench workload: percentile CI of a mean.
# Rscript benches/compare/bootstrap_boot.R DATA.csv B [runs]  -> prints seconds (median of runs)
suppressMessages(library(boot))
a <- commandArgs(trailingOnly = TRUE)
y <- read.csv(a[1])[[1]]
B <- as.integer(a[2])
runs <- if (length(a) > 2) as.integer(a[3]) else 1
times <- numeric(runs)
for (r in seq_len(runs)) {
  set.seed(r)
  t <- system.time({
    b <- boot(y, function(d, i) mean(d[i]), R = B)
    ci <- boot.ci(b, type = "perc")
  })[["elapsed"]]
  times[r] <- t
}
cat(sprintf("%.3f boot=%s ci=(%.4f,%.4f)\n", median(times), packageVersion("boot"), ci$percent[4], ci$percent[5]))
