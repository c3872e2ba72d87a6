# formula_ref.R -- reference model matrices (R's model.matrix) for
# tests/test_formula.c.  Run from the repository root:
#   Rscript tests/reference/formula_ref.R
# Writes tests/reference/formula_ref.csv: per formula and column, the
# column name (in order), its sum, sum of squares and the values at used
# rows 1, 200 and n; and n (rows used).
library(splines)
cubic <- function(x) { m <- cbind(x, x^2, x^3); colnames(m) <- 1:3; m }
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
forms <- c(
  "y ~ dem + factor(region) + log(mig) + I(t^2)",
  "y ~ regime * dem + oecd:regime",
  "y ~ ns(t, 3) + dem",
  "y ~ cubic(t) + factor(region):dem",
  "y ~ factor(region) + regime - 1",
  "y ~ regime:factor(oecd)",
  "y ~ (dem + log(mig) + density)^2",
  "y ~ I(dem * mig + 1) + log(mig + 1) + I(-t/2) + factor(year)",
  "y ~ dem:density + factor(oecd) * regime + 0",
  "y ~ ns(mig, df = 4) + exp(density) + sqrt(t)")
out <- NULL
for (k in seq_along(forms)) {
  mf <- model.frame(as.formula(forms[k]), d, na.action = na.omit,
                    drop.unused.levels = TRUE)
  X <- model.matrix(as.formula(forms[k]), mf)
  n <- nrow(X)
  out <- rbind(out, data.frame(id = k, formula = forms[k], n = n,
    j = seq_len(ncol(X)), name = colnames(X),
    sum = sprintf("%.17g", colSums(X)), sumsq = sprintf("%.17g", colSums(X^2)),
    v1 = sprintf("%.17g", X[1, ]), v200 = sprintf("%.17g", X[200, ]),
    vn = sprintf("%.17g", X[n, ]), stringsAsFactors = FALSE))
}
write.csv(out, "tests/reference/formula_ref.csv", row.names = FALSE)
