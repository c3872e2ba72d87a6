# cox_ref.R -- reference values for tests/test_cox.c from R survival.
#
#   Rscript tests/reference/cox_ref.R      (from the repository root)
#
# Writes the fixtures tests/fixtures/cox_*.csv (the data: Therneau &
# Grambsch's test1/test2/test3 from survival's validation vignette, and
# survival's lung, veteran, heart data sets; the real stacked core-treaty
# panel tests/fixtures/cox_core_panel.csv comes from make_core_panel.R) and
# tests/reference/cox_ref_values.csv: one row per reference number,
#   case, what, i, j, value   (i, j 1-based; value with 17 digits)
# for the model cases in tests/reference/cox_cases.csv.  The tests read
# only these committed files; they never run R.
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

fx <- "tests/fixtures"
wr <- function(d, name) {
    d[] <- lapply(d, function(v) sprintf("%.17g", as.numeric(v)))
    write.csv(d, file.path(fx, name), row.names = FALSE, quote = FALSE)
}

test1 <- data.frame(time = c(1, 1, 6, 6, 8, 9), status = c(1, 0, 1, 1, 0, 1),
                    x = c(1, 1, 1, 0, 0, 0))
test2 <- data.frame(start = c(1, 2, 5, 2, 1, 7, 3, 4, 8, 8),
                    stop = c(2, 3, 6, 7, 8, 9, 9, 9, 14, 17),
                    event = c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                    x = c(1, 0, 0, 1, 0, 1, 1, 1, 0, 0))
test3 <- data.frame(time = c(1, 1, 2, 2, 2, 2, 3, 4, 5),
                    status = c(1, 0, 1, 1, 1, 0, 0, 1, 0),
                    x = c(2, 0, 1, 1, 0, 1, 0, 1, 0),
                    wt = c(1, 2, 3, 4, 3, 2, 1, 2, 1))
lung1 <- na.omit(lung[, c("inst", "time", "status", "age", "sex", "ph.ecog",
                          "wt.loss")])
lung1$status <- lung1$status - 1
lung1$wt <- 1 + (lung1$inst %% 3) / 2     # case weights for a weighted case
lung1$age2 <- 2 * lung1$age + 1           # collinear with age
lung1$cens <- 1 - lung1$status            # only censored rows have cens = 1
vet <- veteran
vet$cell <- as.integer(vet$celltype)
vet <- vet[, c("time", "status", "trt", "karno", "diagtime", "age", "prior",
               "cell")]
hrt <- heart[, c("start", "stop", "event", "age", "year", "surgery",
                 "transplant", "id")]
hrt$transplant <- as.numeric(as.character(hrt$transplant))
hrt$agegrp <- as.integer(hrt$age > 0)     # a stratum variable
# monotone likelihood in (start, stop] data: only event-free rows have it
hrt$mono <- as.numeric(hrt$event == 0 & hrt$id %% 3 == 0)
hrt$wt <- 1 + (hrt$id %% 4) / 3            # case weights, (start, stop] data
wr(test1, "cox_test1.csv")
wr(test2, "cox_test2.csv")
wr(test3, "cox_test3.csv")
wr(lung1, "cox_lung.csv")
wr(vet, "cox_veteran.csv")
wr(hrt, "cox_heart.csv")
data <- list(cox_test1.csv = test1, cox_test2.csv = test2,
             cox_test3.csv = test3, cox_lung.csv = lung1,
             cox_veteran.csv = vet, cox_heart.csv = hrt)
# read back what was written, so R fits exactly what the C tests read
data <- lapply(names(data), function(f) {
    d <- read.csv(file.path(fx, f)); d[] <- lapply(d, as.numeric); d })
names(data) <- c("cox_test1.csv", "cox_test2.csv", "cox_test3.csv",
                 "cox_lung.csv", "cox_veteran.csv", "cox_heart.csv")
# the stacked core-treaty panel made by rhaz panel (make_core_panel.R)
core <- read.csv(file.path(fx, "cox_core_panel.csv"), stringsAsFactors = FALSE)
core$treaty <- NULL
core[] <- lapply(core, as.numeric)
data[["cox_core_panel.csv"]] <- core

cases <- read.csv("tests/reference/cox_cases.csv", stringsAsFactors = FALSE,
                  na.strings = "")
out <- list()
add <- function(case, what, value, i = seq_along(value), j = 1) {
    if (length(value) == 0) return(invisible())
    out[[length(out) + 1]] <<- data.frame(case = case, what = what, i = i,
                                          j = j, value = sprintf("%.17g", value))
}
addmat <- function(case, what, m) {
    m <- as.matrix(m)
    for (j in seq_len(ncol(m))) add(case, what, m[, j], j = j)
}
# per-row quantities of large data sets: the first 300 rows only
NMAX <- 300
head_rows <- function(x) {
    if (is.matrix(x)) x[seq_len(min(nrow(x), NMAX)), , drop = FALSE]
    else x[seq_len(min(length(x), NMAX))]
}

for (k in seq_len(nrow(cases))) {
    cs <- cases[k, ]
    d <- data[[cs$data]]
    covs <- strsplit(cs$covariates, " ")[[1]]
    lhs <- if (is.na(cs$start)) sprintf("Surv(%s, %s)", cs$stop, cs$event)
           else sprintf("Surv(%s, %s, %s)", cs$start, cs$stop, cs$event)
    rhs <- paste(covs, collapse = " + ")
    if (!is.na(cs$strata)) rhs <- paste0(rhs, " + strata(", cs$strata, ")")
    if (!is.na(cs$cluster)) rhs <- paste0(rhs, " + cluster(", cs$cluster, ")")
    fml <- as.formula(paste(lhs, "~", rhs))
    args <- list(formula = fml, data = d, ties = cs$ties, robust = cs$robust == 1)
    if (!is.na(cs$weights)) args$weights <- d[[cs$weights]]
    fit <- suppressWarnings(do.call(coxph, args))
    id <- cs$case
    add(id, "coef", coef(fit))
    se <- sqrt(diag(vcov(fit)))
    add(id, "se", se)
    if (!is.null(fit$naive.var)) add(id, "se_model", sqrt(diag(fit$naive.var)))
    add(id, "loglik0", fit$loglik[1])
    add(id, "loglik", fit$loglik[2])
    add(id, "iter", fit$iter)
    add(id, "score_test", fit$score)
    add(id, "wald_test", fit$wald.test)
    add(id, "n", fit$n)
    add(id, "nevent", fit$nevent)
    big <- fit$n > 5000
    hr <- if (big) head_rows else identity
    add(id, "lp", hr(fit$linear.predictors))
    if (cs$resid == 1) {
        add(id, "mart", hr(residuals(fit, "martingale")))
        addmat(id, "score", hr(residuals(fit, "score")))
        addmat(id, "dfbeta", hr(residuals(fit, "dfbeta")))
        sch <- residuals(fit, "schoenfeld")
        addmat(id, "schoen", sch)
        addmat(id, "sschoen", residuals(fit, "scaledsch"))
        sf <- survfit(fit, censor = FALSE)
        add(id, "bh_time", sf$time)
        add(id, "bh_nrisk", sf$n.risk)
        add(id, "bh_nevent", sf$n.event)
        add(id, "bh_cumhaz", sf$cumhaz)
        add(id, "bh_surv", sf$surv)
        add(id, "bh_se", sf$std.err)
        if (!is.null(sf$strata)) add(id, "bh_strata", rep(seq_along(sf$strata), sf$strata))
        add(id, "bh_means", fit$means)
        # predicted curves for the covariates of the first complete row
        nd <- na.omit(d[, c(covs, if (!is.na(cs$start)) cs$start, cs$stop,
                            cs$event)])[1, covs, drop = FALSE]
        sn <- survfit(fit, newdata = nd, censor = FALSE)
        add(id, "nd_cumhaz", sn$cumhaz)
        add(id, "nd_surv", sn$surv)
        add(id, "nd_se", sn$std.err)
        for (tr in c("km", "rank", "identity")) {
            z <- cox.zph(fit, transform = tr, terms = FALSE)
            addmat(id, paste0("zph_", tr), z$table)
        }
    }
}
# cox.zph by term (its default): a factor's columns tested together
vf <- coxph(Surv(time, status) ~ trt + karno + factor(cell), data = data[["cox_veteran.csv"]])
add("veteran_factor", "coef", coef(vf))
for (tr in c("km", "identity"))
    addmat("veteran_factor", paste0("zphterms_", tr), cox.zph(vf, transform = tr)$table)
res <- do.call(rbind, out)
write.csv(res, "tests/reference/cox_ref_values.csv", row.names = FALSE,
          quote = FALSE)

# Closed-form answers of the validation vignette (test1, Breslow):
# beta-hat = log((3 + sqrt(33))/2); loglik(0) = -log(6) - 2 log(4);
# information at beta-hat r/(r+1)^2 + 6r/(r+3)^2.
r <- (3 + sqrt(33)) / 2
cf <- data.frame(what = c("test1_breslow_beta", "test1_breslow_loglik0",
                          "test1_breslow_loglik", "test1_breslow_var"),
                 value = sprintf("%.17g", c(log(r), -log(6) - 2 * log(4),
                                            2 * log(r) - (log(3 * r + 3) + 2 * log(r + 3)),
                                            1 / (r / (r + 1)^2 + 6 * r / (r + 3)^2))))
write.csv(cf, "tests/reference/cox_closed_form.csv", row.names = FALSE,
          quote = FALSE)
cat("wrote", nrow(res), "reference values\n")
