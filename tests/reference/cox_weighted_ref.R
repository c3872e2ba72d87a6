# Weighted Cox: R's coxph (survival >= 3) uses the robust variance by
# default when case weights are not integers.  Reference values for
# `rhaz fit cox --weights w` with no --vce (tests/test_outputs.c).
#   Rscript tests/reference/cox_weighted_ref.R > tests/reference/cox_weighted_ref.csv
suppressMessages(library(survival))
d <- read.csv("tests/fixtures/cox_weighted.csv")
f <- coxph(Surv(time, status) ~ karno + age, data = d, weights = w)
m <- coxph(Surv(time, status) ~ karno + age, data = d, weights = w, robust = FALSE)
out <- data.frame(term = names(coef(f)), estimate = coef(f),
                  se_default = sqrt(diag(f$var)), se_model = sqrt(diag(m$var)))
write.csv(out, row.names = FALSE, quote = FALSE)
