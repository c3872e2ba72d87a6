# glm_ref.R -- reference fits for tests/test_glm.c: R glm (binomial,
# logit/cloglog), vcov, sandwich::vcovHC (HC0) and sandwich::vcovCL
# (G/(G-1) default, cadjust = FALSE for CR0, type = "HC1" for Stata).
# Run from the repository root:  Rscript tests/reference/glm_ref.R
# Writes tests/reference/glm_ref_models.csv (one row per model) and
# tests/reference/glm_ref_coef.csv (one row per model, variance, term).
suppressMessages(library(sandwich))
library(splines)
cubic <- function(x) { m <- cbind(x, x^2, x^3); colnames(m) <- 1:3; m }
f17 <- function(x) sprintf("%.17g", x)
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
models <- list(
  list(f = "y ~ dem + factor(region) + log(mig) + oecd + cubic(t)", link = "logit", w = ""),
  list(f = "y ~ dem + regime + ns(t, 3) + density", link = "logit", w = "w"),
  list(f = "y ~ dem * oecd + log(mig) + factor(region) + t", link = "cloglog", w = ""),
  list(f = "y ~ dem + oecd + I(1 - oecd) + factor(region) + density", link = "logit", w = ""),
  list(f = "y ~ dem + regime - 1", link = "cloglog", w = "w"),
  list(f = "y ~ dem + log(mig) + factor(year)", link = "logit", w = ""))
mrows <- NULL; crows <- NULL
for (k in seq_along(models)) {
  m <- models[[k]]
  fam <- binomial(link = m$link)
  dd <- d
  fit <- if (m$w == "") glm(as.formula(m$f), family = fam, data = dd)
         else { dd$.w <- dd[[m$w]]; glm(as.formula(m$f), family = fam, data = dd, weights = .w) }
  st <- fit$model  # used rows
  n <- nobs(fit)
  mrows <- rbind(mrows, data.frame(id = k, formula = m$f, link = m$link, weights = m$w,
    n = n, events = sum(fit$y[fit$prior.weights > 0] == 1),
    loglik = f17(-fit$deviance / 2), loglik_null = f17(-fit$null.deviance / 2),
    aic = f17(AIC(fit)), iterations = fit$iter, rank = fit$rank,
    converged = fit$converged, stringsAsFactors = FALSE))
  vs <- list(model = vcov(fit),
             robust_none = vcovHC(fit, type = "HC0"),
             cluster_g = vcovCL(fit, cluster = ~state),
             cluster_none = vcovCL(fit, cluster = ~state, cadjust = FALSE),
             cluster_stata = vcovCL(fit, cluster = ~state, type = "HC1"))
  b <- coef(fit)
  for (v in names(vs)) {
    V <- vs[[v]]
    se <- rep(NA_real_, length(b)); names(se) <- names(b)
    se[rownames(V)] <- sqrt(diag(V))
    crows <- rbind(crows, data.frame(id = k, vce = v, term = names(b),
      estimate = f17(b), std_error = f17(se), stringsAsFactors = FALSE))
  }
}
write.csv(mrows, "tests/reference/glm_ref_models.csv", row.names = FALSE)
write.csv(crows, "tests/reference/glm_ref_coef.csv", row.names = FALSE)
