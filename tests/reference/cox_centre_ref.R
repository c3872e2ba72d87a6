# cox_centre_ref.R -- the centring of Cox predictions (survival 3.5-3),
# for tests/test_predict.c (test_cox_centre).  R subtracts fit$means:
# 0 for a column whose values are all -1, 0 or 1 (coxph's nocenter =
# c(-1, 0, 1): factor indicators, 0/1 dummies), else the column mean,
# weighted by the case weights for right-censored data (coxfit6) and
# unweighted for (start, stop] data (agreg.fit); predict.coxph(type =
# "lp" / "risk", reference = "sample") is (x - fit$means)'b / its exp,
# on the fitting rows and on new data.  (For a stratified model R's
# default reference = "strata" centres on per-stratum means instead;
# rhaz follows reference = "sample".)  The script checks these
# identities, then writes fit$means and the predictions.
# Run from the repository root:  Rscript tests/reference/cox_centre_ref.R
# Writes tests/reference/cox_centre_ref_values.csv
# (case, what = mean | lp | risk, set = fit | data | new, i, value).
suppressMessages(library(survival))
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
nd <- read.csv("tests/reference/cox_centre_newdata.csv", stringsAsFactors = FALSE)
cases <- list(
  # (start, stop], a factor, a 0/1 number, continuous numbers
  counting = list(f = Surv(t - 1, t, y) ~ dem + mig + oecd + factor(region)),
  # right-censored with case weights: the weighted mean of dem
  rc_weighted = list(f = Surv(t, y) ~ dem + oecd + factor(region), w = TRUE),
  # a -1/1 column, strata
  rc_strata = list(f = Surv(t, y) ~ dem + I(2 * oecd - 1) + factor(region) +
                     strata(regime)))
f17 <- function(x) sprintf("%.17g", x)
rows <- NULL
add <- function(case, what, set, v)
  rows <<- rbind(rows, data.frame(case = case, what = what, set = set,
                                  i = seq_along(v), value = f17(v)))
for (cs in names(cases)) {
  c1 <- cases[[cs]]
  fit <- if (isTRUE(c1$w)) coxph(c1$f, data = d, weights = w, ties = "efron") else
    coxph(c1$f, data = d, ties = "efron")
  b <- coef(fit)
  X <- model.matrix(fit)
  zo <- apply(X, 2, function(z) all(z %in% c(-1, 0, 1)))
  w <- if (isTRUE(c1$w)) model.weights(model.frame(fit)) else rep(1, nrow(X))
  cm <- if (ncol(fit$y) == 3) colMeans(X) else colSums(X * w) / sum(w)
  stopifnot(all.equal(unname(fit$means), unname(ifelse(zo, 0, cm)), tolerance = 1e-14))
  lp <- predict(fit, type = "lp", reference = "sample")
  stopifnot(all.equal(unname(lp), unname(drop(X %*% b)) - sum(b * fit$means), tolerance = 1e-12))
  rk <- predict(fit, type = "risk", reference = "sample")
  Xn <- model.matrix(delete.response(terms(fit)), model.frame(delete.response(terms(fit)),
                     nd, xlev = fit$xlevels))
  Xn <- Xn[, colnames(X), drop = FALSE]
  lpn <- predict(fit, newdata = nd, type = "lp", reference = "sample")
  stopifnot(all.equal(unname(lpn), unname(drop(Xn %*% b)) - sum(b * fit$means), tolerance = 1e-12))
  rkn <- predict(fit, newdata = nd, type = "risk", reference = "sample")
  add(cs, "mean", "fit", fit$means)
  add(cs, "lp", "data", lp)
  add(cs, "risk", "data", rk)
  add(cs, "lp", "new", lpn)
  add(cs, "risk", "new", rkn)
}
write.csv(rows, "tests/reference/cox_centre_ref_values.csv", row.names = FALSE)
