# edge_ref.R -- numerical edge cases (issue 9): the data set
# tests/fixtures/edge.csv and R's answers in tests/reference/edge_*.csv.
#   Rscript tests/reference/edge_ref.R      (R 4.2.2, survival 3.5-3)
suppressMessages(library(survival))
set.seed(20261124)
n <- 200
x1 <- round(rnorm(n), 6)
x3 <- round(runif(n), 6)
d <- data.frame(
  x1 = x1,
  x2 = 2 * x1,                  # collinear with x1
  x3 = x3,
  x4 = x1 - 3 * x3,             # collinear with x1 and x3
  const = 1,                    # constant column
  g = sample(c("a", "b", "c"), n, replace = TRUE))
eta <- -0.5 + 0.8 * d$x1 - 0.6 * d$x3
d$y <- rbinom(n, 1, plogis(eta))
d$time <- round(rexp(n, exp(0.7 * d$x1 - 0.5 * d$x3)) * 10, 3) + 0.001
d$status <- rbinom(n, 1, 0.8)
d$none <- 0                     # no events
d$all <- 1                      # all events
# complete separation: y = 1 exactly when sep > 0
d$sep <- ifelse(d$y == 1, 1, -1) * round(runif(n, 0.1, 2), 6)
# quasi-complete separation: q = 1 implies y = 1, q = 0 has both
d$q <- ifelse(d$y == 1 & runif(n) < 0.3, 1, 0)
write.csv(d, "tests/fixtures/edge.csv", row.names = FALSE)

out <- function(fit, file, extra = NULL) {
  cf <- coef(fit)
  se <- rep(NA_real_, length(cf))
  se[!is.na(cf)] <- sqrt(diag(vcov(fit)))[!is.na(cf)]
  r <- data.frame(term = names(cf), estimate = sprintf("%.17g", cf),
                  std_error = sprintf("%.17g", se))
  ll <- if (inherits(fit, "coxph")) fit$loglik[2] else as.numeric(logLik(fit))
  r$loglik <- sprintf("%.17g", ll)
  write.csv(r, file, row.names = FALSE, quote = FALSE)
}
# collinear: R sets the later aliased columns to NA
out(glm(y ~ x1 + x2 + x3 + x4, binomial, d), "tests/reference/edge_glm_collinear.csv")
out(coxph(Surv(time, status) ~ x1 + x2 + x3 + x4, d), "tests/reference/edge_cox_collinear.csv")
# constant column: aliased with the intercept in glm; NA in coxph
out(glm(y ~ x1 + const, binomial, d), "tests/reference/edge_glm_const.csv")
out(coxph(Surv(time, status) ~ x1 + const, d), "tests/reference/edge_cox_const.csv")
# scale: x1 * 1e6 and x1 * 1e-6 (the tests derive them from x1)
out(glm(y ~ x1 + x3, binomial, d), "tests/reference/edge_glm_base.csv")
out(coxph(Surv(time, status) ~ x1 + x3, d), "tests/reference/edge_cox_base.csv")
# all events: fine for Cox
out(coxph(Surv(time, all) ~ x1, d), "tests/reference/edge_cox_all.csv")
# separation: R's glm warns "fitted probabilities numerically 0 or 1"
for (v in c("sep", "q")) {
  w <- NULL
  f <- withCallingHandlers(glm(as.formula(paste("y ~ x1 +", v)), binomial, d),
                           warning = function(m) { w <<- conditionMessage(m); invokeRestart("muffleWarning") })
  cat(v, ": coef", coef(f)[v], " converged", f$converged, " warning:", w, "\n")
}
# monotone partial likelihood: every event (y = 1) has y = 1 as covariate
w <- NULL
f <- withCallingHandlers(coxph(Surv(time, y) ~ x1 + y, d),
                         warning = function(m) { w <<- conditionMessage(m); invokeRestart("muffleWarning") })
cat("cox monotone: coef", coef(f), " warning:", w, "\n")
