# multiway_ref.R -- two-way cluster-robust variances for
# tests/test_multiway.c: R sandwich::vcovCL(fit, cluster = ~ state + year)
# (Cameron-Gelbach-Miller: V_state + V_year - V_state:year, each with its
# own G/(G-1); type = "HC1" adds (N-1)/(N-K); cadjust = FALSE: none) for a
# logit and a cloglog model of tests/fixtures/glm_panel.csv, with a
# coarser second dimension (decade) whose intersections with state are
# not single rows.
# Run from the repository root:  Rscript tests/reference/multiway_ref.R
# Writes tests/reference/multiway_ref_values.csv.
suppressMessages(library(sandwich))
f17 <- function(x) ifelse(is.nan(x), "NA", sprintf("%.17g", x))
d <- read.csv("tests/fixtures/glm_panel.csv", stringsAsFactors = FALSE,
              na.strings = c("", "NA"))
d$decade <- floor(d$year / 5) * 5
rows <- NULL
cases <- list(
  list(id = "logit_state_year", f = y ~ dem + factor(region) + log(mig), link = "logit", cl = ~ state + year),
  list(id = "logit_state_decade", f = y ~ dem + factor(region) + log(mig), link = "logit", cl = ~ state + decade),
  list(id = "cloglog_region_year", f = y ~ dem * oecd + regime + t, link = "cloglog", cl = ~ region + year))
for (cs in cases) {
  fit <- glm(cs$f, family = binomial(cs$link), data = d)
  vs <- list(g = vcovCL(fit, cluster = cs$cl),
             none = vcovCL(fit, cluster = cs$cl, cadjust = FALSE),
             stata = vcovCL(fit, cluster = cs$cl, type = "HC1"))
  for (v in names(vs))
    rows <- rbind(rows, data.frame(id = cs$id, adjust = v, term = names(coef(fit)),
      estimate = f17(coef(fit)), std_error = f17(sqrt(diag(vs[[v]]))),
      stringsAsFactors = FALSE))
}
write.csv(rows, "tests/reference/multiway_ref_values.csv", row.names = FALSE)
