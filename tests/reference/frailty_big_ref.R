# frailty_big_ref.R -- a gamma shared frailty Cox model with more groups
# than rhaz accepted before its sparse computation (5,200 groups of two
# subjects) for tests/test_frailty.c: R's coxph(Surv(time, status) ~ x1 +
# x2 + frailty(g)) with its defaults (sparse frailty term, gamma, theta by
# the marginal likelihood, Efron ties).
# Data: simulated (set.seed below): frailty exp(u_g), u_g log-gamma with
# variance 0.5, exponential times, censoring U(0, 2); times rounded to
# 0.001 (some ties), x1 to 0.001.  Written to tests/fixtures/frailty_big.csv.
# Run from the repository root:  Rscript tests/reference/frailty_big_ref.R
# Writes tests/reference/frailty_big_ref_values.csv (what, i, value).
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
set.seed(20261207)
G <- 5200
g <- rep(seq_len(G), each = 2)
n <- length(g)
z <- rgamma(G, shape = 2, scale = 0.5) # mean 1, variance 0.5
x1 <- round(rnorm(n), 3); x2 <- rbinom(n, 1, 0.4)
tt <- rexp(n, z[g] * exp(0.5 * x1 - 0.4 * x2))
cens <- runif(n, 0, 2)
d <- data.frame(g = g, x1 = x1, x2 = x2, time = round(pmax(pmin(tt, cens), 0.001), 3),
                status = as.integer(tt <= cens))
write.csv(d, "tests/fixtures/frailty_big.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("tests/fixtures/frailty_big.csv")
t0 <- proc.time()[["elapsed"]]
fit <- coxph(Surv(time, status) ~ x1 + x2 + frailty(g), data = d)
el <- proc.time()[["elapsed"]] - t0
# theta of the final fit: the last row of the history (as print.coxph and
# frailty_ref.R), not the next proposal fit$history[[1]]$theta
hh <- fit$history[[1]]$history
th <- hh[nrow(hh), 1]
vals <- rbind(
  data.frame(what = "coef", i = 1:2, value = coef(fit)),
  data.frame(what = "se", i = 1:2, value = sqrt(diag(fit$var))[1:2]),
  data.frame(what = "theta", i = 1, value = th),
  data.frame(what = "loglik", i = 1:2, value = fit$loglik),
  data.frame(what = "iter", i = 1:2, value = fit$iter))
vals$value <- sprintf("%.17g", vals$value)
write.csv(vals, "tests/reference/frailty_big_ref_values.csv", row.names = FALSE)
cat(sprintf("coxph seconds %.2f\n", el))
print(fit)
