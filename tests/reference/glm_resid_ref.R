# glm_resid_ref.R -- reference fitted values and residuals for the GLM fit
# object (tests/test_predict.c, rhaz_glm_fit_model / rhaz_glm_residuals):
# R's fitted(), the linear predictor and residuals(type = "response",
# "working", "deviance", "pearson") of glm(binomial) for a logit and a
# cloglog model and a logit with prior weights, on tests/fixtures/glm_panel.csv.
# Every 7th data row (row names are the rows of the CSV's data, 1-based)
# is written to keep the file small.
# Run from the repository root:  Rscript tests/reference/glm_resid_ref.R
# Writes tests/reference/glm_resid_values.csv
# (model, row, eta, fitted, response, working, deviance, pearson).
library(splines)
f17 <- function(x) sprintf("%.17g", x)
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
models <- list(
  logit = list(f = y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd,
               link = "logit", w = FALSE),
  cloglog = list(f = y ~ dem * oecd + log(mig) + regime + I(t^2),
                 link = "cloglog", w = FALSE),
  logit_w = list(f = y ~ dem + oecd + log(mig) + t, link = "logit", w = TRUE))
out <- NULL
for (m in names(models)) {
  mm <- models[[m]]
  fit <- if (mm$w) glm(mm$f, family = binomial(link = mm$link), data = d,
                       weights = w) else
         glm(mm$f, family = binomial(link = mm$link), data = d)
  rows <- as.integer(names(fitted(fit)))
  keep <- rows %% 7 == 1
  r <- function(type) residuals(fit, type = type)[keep]
  out <- rbind(out, data.frame(model = m, row = rows[keep],
    eta = f17(fit$linear.predictors[keep]), fitted = f17(fitted(fit)[keep]),
    response = f17(r("response")), working = f17(r("working")),
    deviance = f17(r("deviance")), pearson = f17(r("pearson")),
    stringsAsFactors = FALSE))
}
write.csv(out, "tests/reference/glm_resid_values.csv", row.names = FALSE)
