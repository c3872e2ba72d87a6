# Reference for the baseline figure (tests/test_plot.c): survfit of a Cox
# fit with strata, covariate at its mean (R's default), Efron ties.
# Run from the repository root: Rscript tests/reference/plot_baseline_ref.R
library(survival)
d <- read.csv("tests/data/plot/surv_small.csv")
fit <- coxph(Surv(time, status) ~ x + strata(g), data = d, ties = "efron")
sf <- survfit(fit)
out <- data.frame(strata = rep(names(sf$strata), sf$strata), time = sf$time,
                  cumhaz = sf$cumhaz, std_err = sf$std.err, surv = sf$surv)
out <- out[sf$n.event > 0, ]   # the figure keeps event times only
out$strata <- sub("^g=", "g=", out$strata)
for (j in 2:5) out[[j]] <- sprintf("%.17g", out[[j]])
write.csv(out, "tests/reference/plot_baseline_ref.csv", row.names = FALSE,
          quote = FALSE)
# zph figure: scaled Schoenfeld residuals (cox.zph, identity transform:
# x = event time) and the variance used for the smooth's band
z <- cox.zph(fit, transform = "identity", terms = FALSE)
zz <- data.frame(time = sprintf("%.17g", z$x), x = sprintf("%.17g", z$y[, 1]),
                 var = sprintf("%.17g", fit$var[1, 1]))
write.csv(zz, "tests/reference/plot_zph_ref.csv", row.names = FALSE,
          quote = FALSE)
