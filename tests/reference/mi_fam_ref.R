# mi_fam_ref.R -- Rubin's rules for the families other than logit and Cox
# (rhaz fit weibull / clogit over --imputations), computed here from the
# formulas (Rubin 1987; Barnard & Rubin 1999, as mice::pool) on the
# imputations of mi_ref.R (tests/reference/mi/imp1..5.csv):
#   weibull  survreg(Surv(time, status) ~ x1 + x2 + g, dist = "weibull"),
#            coefficients and Log(scale) with vcov(fit) (survreg's var)
#   clogit   clogit(y ~ x1 + x2 + strata(g)) (exact, as rhaz)
# with the complete-data df rhaz uses for them, n - p (p counting
# log(scale): 6 for the Weibull model, 2 for clogit).  Output: tests/reference/mi_fam_ref_values.csv with the
# columns of mi_ref_values.csv.
# Run from the repository root: Rscript tests/reference/mi_fam_ref.R
suppressPackageStartupMessages(library(survival))
files <- sprintf("tests/reference/mi/imp%d.csv", 1:5)
back <- lapply(files, read.csv)
pool <- function(model, fits, coefs, vcovs, dfcom) {
  m <- length(fits)
  Q <- sapply(fits, coefs)                       # p x m
  U <- lapply(fits, vcovs)
  qbar <- rowMeans(Q)
  W <- Reduce(`+`, U) / m
  B <- (Q - qbar) %*% t(Q - qbar) / (m - 1)
  T <- W + (1 + 1 / m) * B
  b <- diag(B); t <- diag(T); w <- diag(W)
  lambda <- pmax((1 + 1 / m) * b / t, 1e-4)
  dfold <- (m - 1) / lambda^2
  dfobs <- (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda)
  df <- dfold * dfobs / (dfold + dfobs)
  riv <- (1 + 1 / m) * b / w
  fmi <- (riv + 2 / (df + 3)) / (riv + 1)
  se <- sqrt(t)
  data.frame(model = model, term = names(qbar), estimate = qbar, std_error = se,
             df = df, riv = riv, fmi = fmi,
             p_value = 2 * pt(-abs(qbar / se), df))
}
ctl <- survreg.control(rel.tolerance = 1e-13, iter.max = 100)
wb <- lapply(back, function(d) survreg(Surv(time, status) ~ x1 + x2 + g, data = d,
                                       dist = "weibull", control = ctl))
wcoef <- function(f) c(coef(f), "log(scale)" = log(f$scale))
wvcov <- function(f) { v <- vcov(f); dimnames(v) <- NULL; v }
cl <- lapply(back, function(d) clogit(y ~ x1 + x2 + strata(g), data = d))
out <- rbind(pool("weibull", wb, wcoef, wvcov, nrow(back[[1]]) - 6),
             pool("clogit", cl, coef, function(f) unname(vcov(f)), nrow(back[[1]]) - 2))
write.csv(format(out, digits = 17), "tests/reference/mi_fam_ref_values.csv",
          row.names = FALSE, quote = FALSE)
