# Randomisation inference workload of benches/rct.rs (`ri_dim/n1000_B100k`) in plain R: 100,000
# random complete-randomisation assignments of 500 of 1,000 units, the difference in means under
# each, and the two-sided sharp-null p-value. (ri2 is not installed; this is the loop it runs.)
#
# Usage: Rscript benches/compare/rct_ri.R [effekt median in ms]
# Prints the R median over 3 runs and, given the effekt median, the ratio R / effekt.
args <- commandArgs(trailingOnly = TRUE)
n <- 1000; B <- 100000
frac <- function(x) x - floor(x)
i <- 1:n
t <- i %% 2
x1 <- frac(i * frac(sqrt(2))) - 0.5
x2 <- frac(i * frac(sqrt(3))) - 0.5
y <- 1 + 0.3 * t + x1 + 0.5 * x2 + frac(i * frac(sqrt(5))) - 0.5
obs <- mean(y[t == 1]) - mean(y[t == 0])
ri <- function() {
  set.seed(1)
  sims <- numeric(B)
  for (b in seq_len(B)) {
    z <- sample(t)
    sims[b] <- mean(y[z == 1]) - mean(y[z == 0])
  }
  (1 + sum(abs(sims) >= abs(obs))) / (B + 1)
}
times <- replicate(3, system.time(ri())[["elapsed"]])
cat(sprintf("observed difference %.10f\n", obs))
cat(sprintf("R plain loop: median %.3f s over 3 runs\n", median(times)))
if (length(args) >= 1) {
  ms <- as.numeric(args[1])
  cat(sprintf("ratio R / effekt = %.1f\n", median(times) * 1000 / ms))
}
