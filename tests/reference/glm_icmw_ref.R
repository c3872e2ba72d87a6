# glm_icmw_ref.R -- reference fits on the real ICMW panel built by rhaz.
# The fixture tests/fixtures/icmw_panel.csv was made with
#   build/rhaz panel --treaty icmw --out /tmp/icmw.csv       (main c86a559)
#   Rscript tests/reference/glm_icmw_ref.R /tmp/icmw.csv    (keeps the columns used)
# and the references from it with
#   Rscript tests/reference/glm_icmw_ref.R
# Output: tests/reference/glm_icmw_ref.csv: model, vce, term, estimate,
# std_error (17 digits), and per model loglik, loglik_null, n, events.
suppressMessages(library(sandwich))
cubic <- function(x) { m <- cbind(x, x^2, x^3); colnames(m) <- 1:3; m }
f17 <- function(x) sprintf("%.17g", x)
fx <- "tests/fixtures/icmw_panel.csv"
args <- commandArgs(TRUE)
if (length(args) == 1) {
  p <- read.csv(args[1], stringsAsFactors = FALSE, na.strings = c("", "NA"))
  keep <- c("iso3c", "year", "event", "democracy", "regime", "migrant_share",
            "oecd", "region", "region_density", "duration")
  write.csv(p[, keep], fx, row.names = FALSE, na = "")
}
d <- read.csv(fx, stringsAsFactors = FALSE, na.strings = c("", "NA"))
form <- event ~ democracy + regime + log(migrant_share) + oecd + region_density + cubic(duration)
out <- NULL
for (link in c("logit", "cloglog")) {
  fit <- glm(form, family = binomial(link = link), data = d)
  vs <- list(model = vcov(fit), cluster_g = vcovCL(fit, cluster = ~iso3c),
             cluster_stata = vcovCL(fit, cluster = ~iso3c, type = "HC1"),
             robust_none = vcovHC(fit, type = "HC0"))
  for (v in names(vs))
    out <- rbind(out, data.frame(model = link, vce = v, term = names(coef(fit)),
      estimate = f17(coef(fit)), std_error = f17(sqrt(diag(vs[[v]]))),
      loglik = f17(-fit$deviance / 2), loglik_null = f17(-fit$null.deviance / 2),
      n = nobs(fit), events = sum(fit$y), iterations = fit$iter))
}
write.csv(out, "tests/reference/glm_icmw_ref.csv", row.names = FALSE)
