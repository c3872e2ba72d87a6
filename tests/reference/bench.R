# bench.R -- time R on the benchmark panels (used by scripts/bench.sh).
# usage: Rscript tests/reference/bench.R FILE.csv TASK OUT.csv
# TASK: read | logit | cloglog | logit_year | cox_efron_cluster |
#       cox_breslow_cluster | agreg_efron | km | clogit | weibull |
#       exponential | loglogistic | lognormal (survreg, dist = TASK) | frailty |
#       boot_cox (FILE = the ICMW panel; a 4th argument: replicates)
# Prints "seconds <wall>" for the task from the CSV (end to end, timed
# inside R; the driver also times the whole Rscript process), and writes
# the coefficients (term, estimate, std_error) to OUT.csv so the driver
# can check that R and rhaz agree.  The CSV is read with R's fastest
# reader, data.table::fread, when data.table is installed (read.csv
# otherwise; "reader csv|fread" says which).
suppressPackageStartupMessages({library(survival)})
use_fread <- requireNamespace("data.table", quietly = TRUE)
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]; task <- args[2]; out <- args[3]
xs <- paste0("x", 1:8)
rhs <- paste(xs, collapse = " + ")
t0 <- proc.time()[["elapsed"]]
d <- if (use_fread) as.data.frame(data.table::fread(file)) else read.csv(file)
inner <- NA
coefs <- NULL
if (task == "read") {
  coefs <- data.frame(term = "rows", estimate = nrow(d), std_error = NA)
} else if (task %in% c("logit", "cloglog", "logit_year")) {
  f <- as.formula(paste("event ~", rhs, if (task == "logit_year") "+ factor(year)" else ""))
  link <- if (task == "cloglog") "cloglog" else "logit"
  fit <- glm(f, family = binomial(link = link), data = d)
  s <- summary(fit)$coefficients
  coefs <- data.frame(term = rownames(s), estimate = s[, 1], std_error = s[, 2])
} else if (task %in% c("cox_efron_cluster", "cox_breslow_cluster")) {
  ties <- if (task == "cox_efron_cluster") "efron" else "breslow"
  f <- as.formula(paste("Surv(start, stop, event) ~", rhs))
  fit <- coxph(f, data = d, ties = ties, cluster = state)
  coefs <- data.frame(term = names(coef(fit)), estimate = coef(fit),
                      std_error = sqrt(diag(fit$var)))
} else if (task == "agreg_efron") {
  X <- as.matrix(d[, xs]); Y <- Surv(d$start, d$stop, d$event)
  t1 <- proc.time()[["elapsed"]]
  fit <- survival:::agreg.fit(X, Y, strata = NULL, offset = NULL, init = NULL,
                              control = coxph.control(), weights = NULL,
                              method = "efron", rownames = NULL)
  inner <- proc.time()[["elapsed"]] - t1
  coefs <- data.frame(term = xs, estimate = fit$coefficients,
                      std_error = sqrt(diag(fit$var)))
} else if (task == "km") {
  fit <- survfit(Surv(start, stop, event) ~ x2, data = d)
  coefs <- data.frame(term = "final_surv", estimate = min(fit$surv), std_error = NA)
} else if (task == "clogit") {
  f <- as.formula(paste("event ~", paste(xs[3:7], collapse = " + "),
                        "+ strata(state)"))
  fit <- clogit(f, data = d)
  coefs <- data.frame(term = names(coef(fit)), estimate = coef(fit),
                      std_error = sqrt(diag(fit$var)))
} else if (task %in% c("weibull", "exponential", "loglogistic", "lognormal")) {
  fit <- survreg(as.formula(paste("Surv(stop, event) ~", rhs)), data = d,
                 dist = task)
  coefs <- data.frame(term = names(coef(fit)), estimate = coef(fit),
                      std_error = sqrt(diag(vcov(fit)))[seq_along(coef(fit))])
} else if (task == "frailty") {
  fit <- coxph(as.formula(paste("Surv(start, stop, event) ~", rhs, "+ frailty(state)")),
               data = d)
  coefs <- data.frame(term = xs, estimate = coef(fit),
                      std_error = sqrt(diag(fit$var))[seq_along(xs)])
} else if (task == "boot_cox") {
  # the cluster bootstrap of the ICMW Cox model: whole states resampled,
  # coxph (Efron) on each resample, one core, as a plain loop
  reps <- as.integer(args[4])
  d <- as.data.frame(d)
  d <- d[complete.cases(d[, c("start", "stop", "event", "democracy", "regime",
                              "migrant_share", "oecd", "region_density", "cown")]), ]
  f <- Surv(start, stop, event) ~ democracy + factor(regime) + migrant_share + oecd +
    region_density
  rows <- split(seq_len(nrow(d)), d$cown)
  set.seed(1)
  est <- t(sapply(seq_len(reps), function(k) {
    pick <- sample(length(rows), replace = TRUE)
    coef(suppressWarnings(coxph(f, data = d[unlist(rows[pick]), ], ties = "efron")))
  }))
  coefs <- data.frame(term = colnames(est), estimate = colMeans(est),
                      std_error = apply(est, 2, sd))
} else stop("unknown task ", task)
el <- proc.time()[["elapsed"]] - t0
write.csv(coefs, out, row.names = FALSE)
cat(sprintf("seconds %.3f\n", el))
cat(sprintf("reader %s\n", if (use_fread) "fread" else "csv"))
if (!is.na(inner)) cat(sprintf("inner %.3f\n", inner))
