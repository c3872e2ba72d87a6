# margins_weighted_ref.R -- reference weighted average marginal effects
# and predictive margins for tests/test_margins.c: a logit with case
# weights (glm(weights = w) on tests/fixtures/glm_panel.csv) and the
# averages weighted by the same weights, as Stata's margins after a
# weighted fit and R marginaleffects' avg_slopes(wts = "w"):
#     AME = sum_i w_i dmu_i/dv / sum_i w_i.
# Method as margins_ref.R: derivatives by predict() on shifted data
# (5-point stencil), numerical Jacobian in beta, SE = sqrt(J V J') with
# V = vcov(fit) (model) or sandwich::vcovCL(fit, cluster = ~state).
# Run from the repository root:  Rscript tests/reference/margins_weighted_ref.R
# Writes tests/reference/margins_weighted_ref_values.csv (the columns of
# margins_ref_values.csv).
suppressMessages(library(sandwich))
source("tests/reference/delta.R")
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
f1 <- y ~ dem + factor(region) + log(mig) + dem:oecd
# non-integer weights: glm's binomial warns; the estimates are the
# weighted ML ones all the same
fit <- suppressWarnings(glm(f1, family = binomial("logit"), data = d, weights = w))
dd <- d[rownames(fit$model), ]
w <- dd$w
wmean <- function(x) sum(w * x) / sum(w)
levs <- sort(unique(dd$region))
for (vc in c("model", "cluster")) {
  V <- if (vc == "model") vcov(fit) else vcovCL(fit, cluster = ~state)
  case <- paste0("weighted_", vc)
  for (v in c("dem", "mig", "oecd"))
    qty(case, fit, V, v, "dydx", "", function(b) {
      x <- dd[[v]]; h <- 1e-3 * pmax(abs(x), 1)
      wmean(stencil(function(xx) { nd <- dd; nd[[v]] <- xx; pred(fit, b, nd) }, x, h))
    })
  for (l in levs[-1])
    qty(case, fit, V, paste0("region:", l), "dydx", "", function(b) {
      n1 <- dd; n1$region <- l; n0 <- dd; n0$region <- levs[1]
      wmean(pred(fit, b, n1) - pred(fit, b, n0))
    })
  for (x in c(-2, 2))
    qty(case, fit, V, "margin", "margin", paste0("dem=", x),
        function(b) { nd <- dd; nd$dem <- x; wmean(pred(fit, b, nd)) })
}
write.csv(rows, "tests/reference/margins_weighted_ref_values.csv", row.names = FALSE)
