# mi_ref.R -- reference values for Rubin's rules (rhaz fit --data ... repeated).
# Simulated data with missing covariates, m = 5 imputations by mice (pmm),
# written as tests/reference/mi/imp1.csv ... imp5.csv; each imputation is read
# back from its CSV (so R fits exactly the numbers rhaz reads), fitted by
# glm(binomial) and coxph (Efron), and pooled with mice::pool (Rubin 1987,
# Barnard-Rubin df with mice's default complete-data df: n - p for glm,
# events - p for coxph).  Output: tests/reference/mi_ref_values.csv.
# Run from the repository root: Rscript tests/reference/mi_ref.R
suppressPackageStartupMessages({library(mice); library(survival)})
set.seed(20261202)
n <- 300
x1 <- rnorm(n)
x2 <- 0.5 * x1 + rnorm(n)
g <- sample(c("a", "b", "c"), n, replace = TRUE)
y <- rbinom(n, 1, plogis(-0.5 + 0.8 * x1 - 0.6 * x2 + 0.4 * (g == "b")))
time <- round(rexp(n, exp(0.5 * x1 + 0.3 * x2)) * 10, 3) + 0.001
status <- rbinom(n, 1, 0.8)
x2[runif(n) < 0.25 + 0.2 * (y == 1)] <- NA
x1[runif(n) < 0.10] <- NA
d <- data.frame(y, time, status, x1, x2, g = factor(g))
m <- 5
imp <- mice(d, m = m, method = c("", "", "", "pmm", "pmm", ""), printFlag = FALSE,
            seed = 7)
dir.create("tests/reference/mi", showWarnings = FALSE)
files <- sprintf("tests/reference/mi/imp%d.csv", 1:m)
for (k in 1:m) {
  dk <- complete(imp, k)
  dk$x1 <- round(dk$x1, 6); dk$x2 <- round(dk$x2, 6)
  write.csv(dk, files[k], row.names = FALSE, quote = FALSE)
}
back <- lapply(files, read.csv)
out <- NULL
add <- function(model, fits) {
  p <- summary(pool(as.mira(fits)))
  pl <- pool(as.mira(fits))$pooled
  data.frame(model = model, term = as.character(p$term), estimate = p$estimate,
             std_error = p$std.error, df = p$df, riv = pl$riv, fmi = pl$fmi,
             p_value = p$p.value)
}
glms <- lapply(back, function(dk) glm(y ~ x1 + x2 + g, family = binomial, data = dk))
coxs <- lapply(back, function(dk) coxph(Surv(time, status) ~ x1 + x2 + g, data = dk,
                                        ties = "efron"))
out <- rbind(add("logit", glms), add("cox", coxs))
write.csv(format(out, digits = 17), "tests/reference/mi_ref_values.csv",
          row.names = FALSE, quote = FALSE)
# the first two imputations also as Stata files (the .dta path of the reader)
haven::write_dta(back[[1]], "tests/reference/mi/imp1.dta")
haven::write_dta(back[[2]], "tests/reference/mi/imp2.dta")
