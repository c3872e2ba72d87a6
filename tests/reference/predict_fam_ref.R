# predict_fam_ref.R -- reference predictions and margins of the parametric
# survival and cure models for tests/test_predict_fam.c.
#
#   Rscript tests/reference/predict_fam_ref.R     (from the repository root)
#
# Writes tests/reference/predict_fam_ref_values.csv: case, what, term, at,
# i, estimate, std_error (17 digits).
#
# Parametric models: R's survreg on tests/fixtures/survreg_lung.csv,
# Surv(time, status) ~ log(age) + sex + factor(ph.ecog), four
# distributions.  Predictions on the first 8 rows: the median time and
# the linear predictor by predict.survreg(se.fit = TRUE) (type "quantile",
# p = 0.5, and "lp"); the hazard at t = 300 by its formula
# f0(z) / (sigma t S0(z)), z = (log t - lp) / sigma, with a delta-method SE
# from a numerical Jacobian (5-point, step 1e-5 max(|b|, 1)) in
# (coefficients, log scale) and vcov(fit) (survreg's own, which includes
# Log(scale)).
# Margins (averages over the fit's rows): AME of age on the median time
# (derivative by predict() on shifted data, 5-point stencil), discrete
# changes of factor(ph.ecog) on the median time, predictive margins of the
# hazard at t = 300 with sex set to 1 and 2 and their difference, the AME
# of age on the linear predictor; SEs sqrt(J V J') with J the numerical
# Jacobian of the average in the parameters.
#
# Cure model: the Weibull split-population model of coups (duration and
# at-risk equations ~ polity2, tests/fixtures/cure_coups.csv), fitted by
# cure_fit() of tests/reference/cure_ref.R (its definitions are evaluated
# from that file; the start g0 = -2 gives the higher maximum, which rhaz
# reports).  Quantities: probability at risk 1 / (1 + exp(-z'g)), the
# population hazard pi f(t) / (1 - pi + pi S(t)) at t = 5; predictions
# on 8 rows, the AME of polity2 on both, margins at polity2 = -5, 5.
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
source("tests/reference/delta.R") # f17, stencil, jac
rows <- NULL
add <- function(case, what, term, at, i, est, se)
  rows <<- rbind(rows, data.frame(case = case, what = what, term = term, at = at,
    i = i, estimate = f17(est), std_error = f17(se), stringsAsFactors = FALSE))
qty <- function(case, what, term, at, g, th, V) {
  J <- jac(g, th)
  add(case, what, term, at, 0, g(th), sqrt(drop(t(J) %*% V %*% J)))
}

# ---- parametric models ----
lung1 <- read.csv("tests/fixtures/survreg_lung.csv")
fm <- Surv(time, status) ~ log(age) + sex + factor(ph.ecog)
haz0 <- list(
  weibull = function(z) exp(z),
  exponential = function(z) exp(z),
  lognormal = function(z) dnorm(z) / pnorm(-z),
  loglogistic = function(z) plogis(z))
tt <- 300
for (dist in c("weibull", "exponential", "lognormal", "loglogistic")) {
  fit <- survreg(fm, data = lung1, dist = dist,
                 control = survreg.control(rel.tolerance = 1e-13, iter.max = 100))
  V <- vcov(fit)
  fixed <- dist == "exponential"
  th <- if (fixed) coef(fit) else c(coef(fit), log(fit$scale))
  nd <- lung1[1:8, ]
  pm <- predict(fit, nd, type = "quantile", p = 0.5, se.fit = TRUE)
  pl <- predict(fit, nd, type = "lp", se.fit = TRUE)
  for (i in 1:8) {
    add(dist, "median", "", "", i, pm$fit[i], pm$se.fit[i])
    add(dist, "lp", "", "", i, pl$fit[i], pl$se.fit[i])
  }
  # a copy of fit with parameters th
  setp <- function(b) {
    f <- fit
    f$coefficients <- b[seq_along(coef(fit))]
    if (!fixed) f$scale <- exp(b[length(b)])
    f
  }
  hazard <- function(b, d) {
    f <- setp(b)
    lp <- predict(f, d, type = "lp")
    z <- (log(tt) - lp) / f$scale
    haz0[[dist]](z) / (f$scale * tt)
  }
  median_t <- function(b, d) predict(setp(b), d, type = "quantile", p = 0.5)
  lpf <- function(b, d) predict(setp(b), d, type = "lp")
  for (i in 1:8) {
    J <- jac(function(b) hazard(b, nd[i, ]), th)
    add(dist, "hazard", "", "", i, hazard(th, nd[i, ]), sqrt(drop(t(J) %*% V %*% J)))
  }
  dd <- lung1[rownames(model.frame(fit)), ]
  ame <- function(q, v) function(b) {
    x <- dd[[v]]; h <- 1e-3 * pmax(abs(x), 1)
    mean(stencil(function(xx) { n2 <- dd; n2[[v]] <- xx; q(b, n2) }, x, h))
  }
  qty(dist, "dydx_median", "age", "", ame(median_t, "age"), th, V)
  qty(dist, "dydx_lp", "age", "", ame(lpf, "age"), th, V)
  levs <- sort(unique(dd$ph.ecog))
  for (l in levs[-1])
    qty(dist, "dydx_median", paste0("ph.ecog:", l), "", function(b) {
      n1 <- dd; n1$ph.ecog <- l; n0 <- dd; n0$ph.ecog <- levs[1]
      mean(median_t(b, n1) - median_t(b, n0))
    }, th, V)
  mh <- function(s) function(b) { n2 <- dd; n2$sex <- s; mean(hazard(b, n2)) }
  qty(dist, "margin_hazard", "margin", "sex=1", mh(1), th, V)
  qty(dist, "margin_hazard", "margin", "sex=2", mh(2), th, V)
  qty(dist, "margin_hazard", "sex=2 - sex=1", "", function(b) mh(2)(b) - mh(1)(b), th, V)
}

# ---- cure model ----
ex <- parse("tests/reference/cure_ref.R")
for (e in ex)
  if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
      as.character(e[[2]]) %in% c("sp_lnl", "rowll", "cure_fit"))
    eval(e)
d <- read.csv("tests/fixtures/cure_coups.csv")
d <- na.omit(d[, c("gwcode", "polity2", "failure", "end.spell", "atrisk",
                   "duration", "t.0")])
fw <- cure_fit(d, "weibull", "polity2", "polity2", g0 = -2)
th <- fw$coef; V <- fw$V
tc <- 5
cq <- function(what) function(b, x) {
  eta <- b[1] + b[2] * x; zeta <- b[3] + b[4] * x; s <- exp(b[5])
  pi <- 1 / (1 + exp(-zeta))
  if (what == "atrisk") return(pi)
  z <- (log(tc) - eta) / s
  f <- exp(z - exp(z)) / (s * tc); S <- exp(-exp(z))
  pi * f / (1 - pi + pi * S)
}
for (i in 1:5) add("cure", "coef", "", "", i, th[i], sqrt(V[i, i]))
for (what in c("atrisk", "hazard")) {
  q <- cq(what)
  for (i in 1:8) {
    J <- jac(function(b) q(b, d$polity2[i]), th)
    add("cure", what, "", "", i, q(th, d$polity2[i]), sqrt(drop(t(J) %*% V %*% J)))
  }
  x <- d$polity2
  qty("cure", paste0("dydx_", what), "polity2", "", function(b) {
    h <- 1e-3 * pmax(abs(x), 1)
    mean(stencil(function(xx) q(b, xx), x, h))
  }, th, V)
  for (v in c(-5, 5))
    qty("cure", paste0("margin_", what), "margin", paste0("polity2=", v),
        function(b) mean(q(b, rep(v, nrow(d)))), th, V)
}
write.csv(rows, "tests/reference/predict_fam_ref_values.csv", row.names = FALSE)
