# margins_ref.R -- reference average marginal effects, predictive margins
# and first differences for tests/test_margins.c, by an independent
# delta-method computation in R: the AME as a function of beta, with the
# derivative of each row's prediction with respect to the variable taken
# by predict() on shifted copies of the data (5-point stencil, step
# 1e-3 max(|x|, 1): R's own coding of factor(), log(), ns() with the
# fit's knots, interactions), and its gradient in beta by a numerical
# Jacobian (5-point, step 1e-5 max(|b|, 1)); SE = sqrt(J V J').  V is
# vcov(fit) (model) or sandwich::vcovCL(fit, cluster = ~state) (HC0 x
# G/(G-1), the vcovCL default).
# Run from the repository root:  Rscript tests/reference/margins_ref.R
# Writes tests/reference/margins_ref_values.csv.
suppressMessages(library(sandwich))
library(splines)
source("tests/reference/delta.R")
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
ame_num <- function(fit, dd, v, idx = seq_len(nrow(dd)))
  function(b) {
    x <- dd[[v]]; h <- 1e-3 * pmax(abs(x), 1)
    f <- function(xx) { nd <- dd; nd[[v]] <- xx; pred(fit, b, nd) }
    mean(stencil(f, x, h)[idx])
  }
ame_fac <- function(fit, dd, v, lev, base, idx = seq_len(nrow(dd)))
  function(b) {
    n1 <- dd; n1[[v]] <- lev; n0 <- dd; n0[[v]] <- base
    mean((pred(fit, b, n1) - pred(fit, b, n0))[idx])
  }
margin_at <- function(fit, dd, v, val) function(b) { nd <- dd; nd[[v]] <- val; mean(pred(fit, b, nd)) }

f1 <- y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd
fit1 <- glm(f1, family = binomial("logit"), data = d)
dd1 <- d[rownames(fit1$model), ]
levs <- sort(unique(dd1$region))
for (vc in c("model", "cluster")) {
  V <- if (vc == "model") vcov(fit1) else vcovCL(fit1, cluster = ~state)
  case <- paste0("logit_", vc)
  for (v in c("dem", "mig", "t", "oecd"))
    qty(case, fit1, V, v, "dydx", "", ame_num(fit1, dd1, v))
  for (l in levs[-1])
    qty(case, fit1, V, paste0("region:", l), "dydx", "",
        ame_fac(fit1, dd1, "region", l, levs[1]))
}
# predictive margins at several values, first differences
V <- vcov(fit1)
vals <- c(-2, 0, 2)
for (x in vals)
  qty("logit_at", fit1, V, "margin", "margin", paste0("dem=", x), margin_at(fit1, dd1, "dem", x))
for (x in vals[-1])
  qty("logit_at", fit1, V, paste0("dem=", x, " - dem=", vals[1]), "difference", "",
      function(b) margin_at(fit1, dd1, "dem", x)(b) - margin_at(fit1, dd1, "dem", vals[1])(b))
# AME of mig within regions (--by region)
for (l in levs)
  qty("logit_by", fit1, V, "mig", "dydx", paste0("region=", l),
      ame_num(fit1, dd1, "mig", which(dd1$region == l)))
# cloglog: interaction, a text factor, log(), a power
f2 <- y ~ dem * oecd + log(mig) + regime + I(t^2)
fit2 <- glm(f2, family = binomial("cloglog"), data = d)
dd2 <- d[rownames(fit2$model), ]
V2 <- vcovCL(fit2, cluster = ~state)
for (v in c("dem", "oecd", "mig", "t"))
  qty("cloglog_cluster", fit2, V2, v, "dydx", "", ame_num(fit2, dd2, v))
rl <- sort(unique(dd2$regime))
for (l in rl[-1])
  qty("cloglog_cluster", fit2, V2, paste0("regime:", l), "dydx", "",
      ame_fac(fit2, dd2, "regime", l, rl[1]))
# main effects only: rhaz differentiates a column equal to the variable
# exactly (its derivative is 1) and sets such columns (and a factor's
# indicators) without coding the rows again; R differentiates
# numerically as above
f3 <- y ~ dem + mig + oecd + factor(region) + t
fit3 <- glm(f3, family = binomial("logit"), data = d)
dd3 <- d[rownames(fit3$model), ]
V3 <- vcovCL(fit3, cluster = ~state)
l3 <- sort(unique(dd3$region))
for (v in c("dem", "mig", "oecd", "t"))
  qty("logit_linear", fit3, V3, v, "dydx", "", ame_num(fit3, dd3, v))
for (l in l3[-1])
  qty("logit_linear", fit3, V3, paste0("region:", l), "dydx", "",
      ame_fac(fit3, dd3, "region", l, l3[1]))
for (x in c(-2, 2))
  qty("logit_linear_at", fit3, V3, "margin", "margin", paste0("dem=", x),
      margin_at(fit3, dd3, "dem", x))
qty("logit_linear_at", fit3, V3, "dem=2 - dem=-2", "difference", "",
    function(b) margin_at(fit3, dd3, "dem", 2)(b) - margin_at(fit3, dd3, "dem", -2)(b))
for (l in c("Asia", "Europe"))
  qty("logit_linear_atf", fit3, V3, "margin", "margin", paste0("region=", l),
      margin_at(fit3, dd3, "region", l))
qty("logit_linear_atf", fit3, V3, "region=Europe - region=Asia", "difference", "",
    function(b) margin_at(fit3, dd3, "region", "Europe")(b) -
                margin_at(fit3, dd3, "region", "Asia")(b))
fit4 <- glm(f3, family = binomial("cloglog"), data = d)
dd4 <- d[rownames(fit4$model), ]
V4 <- vcov(fit4)
for (l in l3)
  qty("cloglog_linear_by", fit4, V4, "mig", "dydx", paste0("region=", l),
      ame_num(fit4, dd4, "mig", which(dd4$region == l)))
# Cox (Efron), relative hazard exp(x'b - c'b), model variance; c is
# survival 3's fit$means, which predict.coxph(type = "risk") subtracts:
# 0 for a column of -1/0/1 values (oecd, the region indicators), the mean
# otherwise (see cox_centre_ref.R); checked against predict() below
suppressMessages(library(survival))
fit5 <- coxph(Surv(t - 1, t, y) ~ dem + mig + oecd + factor(region), data = d,
              ties = "efron")
dd5 <- d[rownames(model.frame(fit5)), ]
X5 <- function(nd) cbind(nd$dem, nd$mig, nd$oecd,
                         sapply(l3[-1], function(l) as.numeric(nd$region == l)))
xbar5 <- fit5$means
risk5 <- function(b, nd) exp(drop(sweep(X5(nd), 2, xbar5) %*% b))
stopifnot(all.equal(unname(risk5(coef(fit5), dd5)),
                    unname(predict(fit5, newdata = dd5, type = "risk")), tolerance = 1e-12))
V5 <- vcov(fit5)
for (v in c("dem", "mig", "oecd"))
  qty("cox_response", fit5, V5, v, "dydx", "", local({ v <- v; function(b) {
    x <- dd5[[v]]; h <- 1e-3 * pmax(abs(x), 1)
    f <- function(xx) { nd <- dd5; nd[[v]] <- xx; risk5(b, nd) }
    mean(stencil(f, x, h)) } }))
for (l in l3[-1])
  qty("cox_response", fit5, V5, paste0("region:", l), "dydx", "", local({ l <- l; function(b) {
    n1 <- dd5; n1$region <- l; n0 <- dd5; n0$region <- l3[1]
    mean(risk5(b, n1) - risk5(b, n0)) } }))
for (x in c(-2, 2))
  qty("cox_response_at", fit5, V5, "margin", "margin", paste0("dem=", x), local({ x <- x; function(b) {
    nd <- dd5; nd$dem <- x; mean(risk5(b, nd)) } }))
qty("cox_response_at", fit5, V5, "dem=2 - dem=-2", "difference", "", function(b) {
  n2 <- dd5; n2$dem <- 2; n0 <- dd5; n0$dem <- -2; mean(risk5(b, n2) - risk5(b, n0)) })
# right-censored with case weights, margins averaged without them
# (rhaz margins --unweighted): the centre is still the fit's weighted
# mean of dem (coxfit6), 0 for oecd and the region indicators
fit6 <- coxph(Surv(t, y) ~ dem + oecd + factor(region), data = d, weights = w,
              ties = "efron")
dd6 <- d[rownames(model.frame(fit6)), ]
X6 <- function(nd) cbind(nd$dem, nd$oecd,
                         sapply(l3[-1], function(l) as.numeric(nd$region == l)))
risk6 <- function(b, nd) exp(drop(sweep(X6(nd), 2, fit6$means) %*% b))
stopifnot(all.equal(unname(risk6(coef(fit6), dd6)),
                    unname(predict(fit6, newdata = dd6, type = "risk")), tolerance = 1e-12))
V6 <- fit6$naive.var # the model variance (vcov() is robust: non-integer weights)
for (x in c(0, 1))
  qty("cox_weighted_response_at", fit6, V6, "margin", "margin", paste0("oecd=", x),
      local({ x <- x; function(b) { nd <- dd6; nd$oecd <- x; mean(risk6(b, nd)) } }))
qty("cox_weighted_response_at", fit6, V6, "oecd=1 - oecd=0", "difference", "", function(b) {
  n1 <- dd6; n1$oecd <- 1; n0 <- dd6; n0$oecd <- 0; mean(risk6(b, n1) - risk6(b, n0)) })
write.csv(rows, "tests/reference/margins_ref_values.csv", row.names = FALSE)
