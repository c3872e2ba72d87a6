# frailty_ref.R -- reference values for tests/test_frailty.c from R survival.
#
#   Rscript tests/reference/frailty_ref.R      (from the repository root)
#
# Makes the data (set.seed; tests/fixtures/frailty_*.csv) and writes
# tests/reference/frailty_ref_values.csv, one row per number:
#   case, what, i, j, value   (i, j 1-based; 17 significant digits)
# Models: coxph(Surv(...) ~ x1 + x2 + frailty(g)) (gamma, method "em")
# and frailty.gaussian(g) (method "reml") with R's default control
# (inner eps 1e-9, iter.max 20, outer.max 10; outer tolerance: gamma
# eps = 1e-5 on the relative change of the integrated likelihood,
# gaussian sqrt(1e-9) on the REML residual).  theta is the variance of
# the final fit (the last row of fit$history[[1]]$history, which
# print.coxph shows), not the next proposal fit$history[[1]]$theta.
# The tests read only the committed files; they never run R.
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

fx <- "tests/fixtures"
wr <- function(d, name) {
    d[] <- lapply(d, function(v) sprintf("%.17g", as.numeric(v)))
    write.csv(d, file.path(fx, name), row.names = FALSE, quote = FALSE)
}

set.seed(7)
# right-censored, 30 groups of 5..15, gamma frailty of variance ~0.5,
# times on a grid of 0.25 (ties)
G <- 30; m <- sample(5:15, G, replace = TRUE)
g <- rep(1:G, m); n <- length(g)
w <- rnorm(G, sd = 0.7)[g]
x1 <- rnorm(n); x2 <- rbinom(n, 1, 0.5)
t <- rexp(n, exp(0.5 * x1 - 0.3 * x2 + w)); cz <- rexp(n, 0.3)
time <- round(pmin(t, cz) * 4) / 4 + 0.25
status <- as.integer(t <= cz)
rc <- data.frame(time, status, x1, x2, g, g5 = g %% 5 + 1)

# (start, stop] with strata and time-varying x1: 40 groups (countries),
# yearly rows until the event or year 12, two strata
set.seed(11)
G <- 40
rows <- NULL
for (k in 1:G) {
    u <- rnorm(1, sd = 0.6)
    for (s in 1:2) {
        x2 <- rbinom(1, 1, 0.5)
        for (yr in 1:12) {
            x1 <- rnorm(1)
            h <- 0.08 * exp(0.6 * x1 - 0.5 * x2 + u + 0.3 * (s == 2))
            ev <- rbinom(1, 1, 1 - exp(-h))
            rows <- rbind(rows, data.frame(start = yr - 1, stop = yr,
                                           event = ev, x1 = x1, x2 = x2,
                                           g = k, s = s))
            if (ev == 1) break
        }
    }
}
cp <- rows   # its frailty variance is estimated at the boundary 0

# the same design with a strong frailty (sd 1.2), 60 groups
set.seed(12)
G <- 60
rows <- NULL
for (k in 1:G) {
    u <- rnorm(1, sd = 1.2)
    for (s in 1:2) {
        x2 <- rbinom(1, 1, 0.5)
        for (yr in 1:12) {
            x1 <- rnorm(1)
            h <- 0.08 * exp(0.6 * x1 - 0.5 * x2 + u + 0.3 * (s == 2))
            ev <- rbinom(1, 1, 1 - exp(-h))
            rows <- rbind(rows, data.frame(start = yr - 1, stop = yr,
                                           event = ev, x1 = x1, x2 = x2,
                                           g = k, s = s))
            if (ev == 1) break
        }
    }
}
cq <- rows

# no frailty in the data: theta at its boundary 0
set.seed(3)
G <- 25; m <- sample(6:12, G, replace = TRUE)
g <- rep(1:G, m); n <- length(g)
x1 <- rnorm(n); x2 <- rbinom(n, 1, 0.5)
t <- rexp(n, exp(0.5 * x1 - 0.3 * x2)); cz <- rexp(n, 0.3)
nf <- data.frame(time = pmin(t, cz), status = as.integer(t <= cz), x1, x2, g)

wr(rc, "frailty_rc.csv")
wr(cp, "frailty_cp.csv")
wr(cq, "frailty_cq.csv")
wr(nf, "frailty_nf.csv")

out <- NULL
add <- function(case, what, v) {
    v <- as.matrix(v)
    idx <- which(!is.na(v) | is.na(v), arr.ind = TRUE)
    out <<- rbind(out, data.frame(case = case, what = what, i = idx[, 1],
                                  j = idx[, 2],
                                  value = sprintf("%.17g", v[idx])))
}
cases <- list(
    rc_gamma = list(d = rc, f = Surv(time, status) ~ x1 + x2 + frailty(g)),
    rc_gauss = list(d = rc, f = Surv(time, status) ~ x1 + x2 + frailty.gaussian(g)),
    rc_breslow = list(d = rc, f = Surv(time, status) ~ x1 + x2 + frailty(g),
                      ties = "breslow"),
    cp_gamma = list(d = cp, f = Surv(start, stop, event) ~ x1 + x2 + strata(s) + frailty(g)),
    cp_gauss = list(d = cp, f = Surv(start, stop, event) ~ x1 + x2 + strata(s) + frailty.gaussian(g)),
    cq_gamma = list(d = cq, f = Surv(start, stop, event) ~ x1 + x2 + strata(s) + frailty(g)),
    cq_gauss = list(d = cq, f = Surv(start, stop, event) ~ x1 + x2 + strata(s) + frailty.gaussian(g)),
    nf_gamma = list(d = nf, f = Surv(time, status) ~ x1 + x2 + frailty(g)),
    # the real ICMW state-year panel (tests/fixtures/icmw_panel.csv, made by
    # make_core_panel.R): the states' frailty variance is at its boundary
    icmw_gamma = list(d = read.csv("tests/fixtures/icmw_panel.csv"),
                      f = Surv(duration - 1, duration, event) ~ democracy +
                          region_density + oecd + frailty(iso3c)),
    # 5 groups: R fits the frailty as a dense penalized term (sparse = FALSE)
    r5_gamma = list(d = rc,
                    f = Surv(time, status) ~ x1 + x2 + frailty(g5)),
    r5_gauss = list(d = rc,
                    f = Surv(time, status) ~ x1 + x2 + frailty.gaussian(g5)),
    rc_fixed = list(d = rc, f = Surv(time, status) ~ x1 + x2 + frailty(g, theta = 0.5)))
for (nm in names(cases)) {
    cs <- cases[[nm]]
    fit <- coxph(cs$f, data = cs$d,
                 ties = if (is.null(cs$ties)) "efron" else cs$ties)
    h <- fit$history[[1]]
    hh <- h$history
    theta <- if (is.null(hh)) h$theta else hh[nrow(hh), 1]
    # dense (5 groups): the random effects are coefficients "gamma:k"
    isf <- grepl("^(gamma|gauss):", names(coef(fit)))
    add(nm, "coef", coef(fit)[!isf])
    add(nm, "se", sqrt(diag(fit$var))[!isf])
    add(nm, "se2", sqrt(diag(fit$var2))[!isf])
    add(nm, "theta", theta)
    add(nm, "loglik", fit$loglik)
    add(nm, "penalty", fit$penalty)
    add(nm, "df", fit$df)
    add(nm, "iter", fit$iter)
    add(nm, "frail", if (any(isf)) coef(fit)[isf] else fit$frail)
    add(nm, "fvar", if (any(isf)) diag(fit$var)[isf] else fit$fvar)
    if (!is.null(h$c.loglik)) add(nm, "iloglik", h$c.loglik)
    if (!is.null(hh)) add(nm, "history", hh)
}
write.csv(out, "tests/reference/frailty_ref_values.csv", row.names = FALSE,
          quote = FALSE)
