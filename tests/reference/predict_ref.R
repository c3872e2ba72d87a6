# predict_ref.R -- reference predictions for tests/test_predict.c:
# R predict.glm(..., se.fit = TRUE) on the link and response scales for a
# logit and a cloglog model with a factor, log(), ns() and an
# interaction, and predict.coxph(..., type = "lp", se.fit = TRUE) for Cox
# models with model-based and cluster-robust variances, on new rows that
# include values beyond the range of the data (ns() extrapolates
# linearly, with the knots of the fitting rows).
# Run from the repository root:  Rscript tests/reference/predict_ref.R
# Writes tests/reference/predict_newdata_glm.csv, predict_newdata_cox.csv
# and predict_ref_values.csv (model, row, scale, fit, se_fit).
suppressMessages(library(survival))
library(splines)
f17 <- function(x) sprintf("%.17g", x)
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
nd <- data.frame(
  dem = c(-2, 0, 1.5, 3, -4, 0.25),
  region = c("Americas", "Asia", "Europe", "Africa", "Americas", "Europe"),
  mig = c(1, 5, 20, 0.5, 60, 7),
  t = c(1, 5, 12, 20, 0, 30),          # 0 and 30 lie beyond the data
  oecd = c(0, 1, 0, 1, 1, 0),
  regime = c("autocracy", "mixed", "democracy", "mixed", "autocracy", "democracy"),
  stringsAsFactors = FALSE)
write.csv(nd, "tests/reference/predict_newdata_glm.csv", row.names = FALSE)
rows <- NULL
add <- function(model, fit, se, scale)
  rows <<- rbind(rows, data.frame(model = model, row = seq_along(fit),
    scale = scale, fit = f17(fit), se_fit = f17(se), stringsAsFactors = FALSE))
glms <- list(
  logit = list(f = y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd,
               link = "logit"),
  cloglog = list(f = y ~ dem * oecd + log(mig) + regime + I(t^2),
                 link = "cloglog"))
for (m in names(glms)) {
  fit <- glm(glms[[m]]$f, family = binomial(link = glms[[m]]$link), data = d)
  for (sc in c("link", "response")) {
    pr <- predict(fit, newdata = nd, type = sc, se.fit = TRUE)
    add(m, pr$fit, pr$se.fit, sc)
  }
}
lung <- read.csv("tests/fixtures/cox_lung.csv")
ndc <- data.frame(age = c(40, 55, 62, 75, 85), sex = c(1, 2, 2, 1, 2),
                  wt.loss = c(0, 10, -5, 30, 5), inst = c(1, 3, 11, 22, 3))
write.csv(ndc, "tests/reference/predict_newdata_cox.csv", row.names = FALSE)
coxs <- list(
  cox = Surv(time, status) ~ ns(age, 2) + factor(sex) + wt.loss,
  cox_robust = Surv(time, status) ~ ns(age, 2) + factor(sex) + wt.loss + cluster(inst))
for (m in names(coxs)) {
  fit <- coxph(coxs[[m]], data = lung, ties = "efron")
  pr <- predict(fit, newdata = ndc, type = "lp", se.fit = TRUE,
                reference = "sample")
  add(m, pr$fit, pr$se.fit, "link")
  pr <- predict(fit, newdata = ndc, type = "risk", se.fit = TRUE,
                reference = "sample")
  add(m, pr$fit, pr$se.fit, "response")   # R: se * sqrt(risk)
}
write.csv(rows, "tests/reference/predict_ref_values.csv", row.names = FALSE)
