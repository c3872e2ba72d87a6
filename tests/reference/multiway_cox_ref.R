# multiway_cox_ref.R -- two-way cluster-robust variances of a Cox model
# for tests/test_multiway.c: R sandwich::vcovCL(fit, cluster = ~ a + b)
# on a coxph fit (Cameron-Gelbach-Miller V_a + V_b -
# V_a:b, each with its own G/(G-1); cadjust = FALSE: none), and
# the same computed by hand from the dfbeta residuals (the sums of
# residuals(fit, "dfbeta") by cluster: crossprod(rowsum(D, g))), which
# must agree with vcovCL's cadjust = FALSE (stopifnot).
# Data: simulated (set.seed below), written to tests/fixtures/cox_2way.csv:
# 800 rows in 50 clusters a crossed with 40 clusters b, covariates x1, x2
# correlated within a and b, exponential times with shared effects of a
# and b, censoring at U(0.5, 3), times rounded to 0.01 (ties); the clusters are many in both dimensions
# so that the two-way variance is positive definite (with few clusters,
# e.g. lung's inst x age group, V_a + V_b - V_ab has negative diagonals).
# Run from the repository root:  Rscript tests/reference/multiway_cox_ref.R
# Writes tests/reference/multiway_cox_ref_values.csv (id, adjust, term,
# estimate, std_error).  R 4.2.2, survival 3.5-3, sandwich.
suppressMessages({library(survival); library(sandwich)})
f17 <- function(x) ifelse(is.nan(x), "NA", sprintf("%.17g", x))
set.seed(20261207)
n <- 800
a <- sample(1:50, n, replace = TRUE); b <- sample(1:40, n, replace = TRUE)
ua <- rnorm(50); ub <- rnorm(40)
x1 <- rnorm(n) + 0.7 * ua[a]; x2 <- rbinom(n, 1, plogis(ub[b]))
tt <- rexp(n, exp(0.5 * x1 - 0.7 * x2 + 0.6 * ua[a] + 0.6 * ub[b]))
cens <- runif(n, 0.5, 3)
d <- data.frame(a = a, b = b, x1 = round(x1, 6), x2 = x2,
                time = round(pmin(tt, cens), 2), status = as.integer(tt <= cens))
write.csv(d, "tests/fixtures/cox_2way.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("tests/fixtures/cox_2way.csv")
rows <- NULL
for (ties in c("efron", "breslow")) {
  fit <- coxph(Surv(time, status) ~ x1 + x2, data = d, ties = ties,
               control = coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 50))
  D <- residuals(fit, type = "dfbeta")
  m <- function(g) crossprod(rowsum(D, g))
  byhand <- m(d$a) + m(d$b) - m(paste(d$a, d$b))
  vs <- list(g = vcovCL(fit, cluster = ~ a + b),
             none = vcovCL(fit, cluster = ~ a + b, cadjust = FALSE))
  stopifnot(max(abs(byhand - vs$none)) < 1e-12 * max(abs(byhand)))
  id <- paste0("cox_", ties)
  for (v in names(vs))
    rows <- rbind(rows, data.frame(id = id, adjust = v, term = names(coef(fit)),
      estimate = f17(coef(fit)), std_error = f17(sqrt(diag(vs[[v]]))),
      stringsAsFactors = FALSE))
}
write.csv(rows, "tests/reference/multiway_cox_ref_values.csv", row.names = FALSE)
