# survreg_ref.R -- reference values for tests/test_survreg.c.
#
#   Rscript tests/reference/survreg_ref.R      (from the repository root)
#
# Writes the fixtures
#   tests/fixtures/survreg_lung.csv   survival's lung data (complete rows,
#                                     status 0/1, case weights wt)
#   tests/fixtures/survreg_trunc.csv  simulated (start, stop] rows with
#                                     delayed entry and a time-varying
#                                     covariate (set.seed below)
# and tests/reference/survreg_ref_values.csv: case, what, i, value (17
# digits) for the cases of tests/reference/survreg_cases.csv.
#
# Right-censored cases are R's survreg (tolerance tightened to 1e-13; the
# default 1e-9 moves estimates by ~1e-11 here).  survreg has no delayed
# entry, so the (start, stop] cases are fitted by Newton-Raphson in this
# script on the log-likelihood
#     sum event log f(stop) + (1 - event) log S(stop) - log S(start)
# with gradient and Hessian from R's symbolic deriv() (independent of the
# C code's hand-derived ones); that code is first checked against survreg
# on the lung cases (stopifnot, 1e-9).  The PH metric (Stata's streg
# parametrisation) is the delta-method transformation of survreg's fit:
# b = -beta / sigma, log p = -log sigma.
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")
fx <- "tests/fixtures"
wr <- function(d, name) {
    d[] <- lapply(d, function(v) sprintf("%.17g", as.numeric(v)))
    write.csv(d, file.path(fx, name), row.names = FALSE, quote = FALSE)
}

lung1 <- na.omit(lung[, c("inst", "time", "status", "age", "sex", "ph.ecog")])
lung1$status <- lung1$status - 1
lung1$wt <- 1 + (lung1$inst %% 3) / 2
wr(lung1, "survreg_lung.csv")

# delayed entry: 400 subjects, entry t0 ~ U(0, 3), Weibull AFT times
# given fixed x1, x2; kept if T > t0; censored at t0 + U(1, 8); split at
# integer times with a covariate v that changes from row to row.
set.seed(20161)
N <- 400
x1 <- rnorm(N); x2 <- rbinom(N, 1, 0.4)
T <- exp(1.2 + 0.3 * x1 - 0.5 * x2 + 0.7 * log(rexp(N)))
t0 <- runif(N, 0, 3)
C <- t0 + runif(N, 1, 8)
keep <- T > t0
rows <- list()
for (k in which(keep)) {
    end <- min(T[k], C[k]); ev <- as.numeric(T[k] <= C[k])
    inner <- ceiling(t0[k] + 1e-9):floor(end - 1e-9)
    inner <- inner[inner > t0[k] & inner < end]
    cuts <- c(t0[k], inner, end)
    m <- length(cuts) - 1
    rows[[length(rows) + 1]] <- data.frame(
        id = k, start = cuts[1:m], stop = cuts[2:(m + 1)],
        event = c(rep(0, m - 1), ev), x1 = x1[k], x2 = x2[k],
        v = round(rnorm(m, 0.2 * (1:m)), 3))
}
trunc <- do.call(rbind, rows)
wr(trunc, "survreg_trunc.csv")

data <- list(survreg_lung.csv = read.csv(file.path(fx, "survreg_lung.csv")),
             survreg_trunc.csv = read.csv(file.path(fx, "survreg_trunc.csv")))

# ---- delayed-entry log-likelihood by deriv() --------------------------
rowll <- list(
    weibull = quote(ev * (z - exp(z) - tau - log(t)) + (1 - ev) * (-exp(z)) +
                    tr * exp(z0)),
    exponential = quote(ev * (z - exp(z) - log(t)) + (1 - ev) * (-exp(z)) +
                        tr * exp(z0)),
    loglogistic = quote(ev * (z - 2 * log(1 + exp(z)) - tau - log(t)) +
                        (1 - ev) * (-log(1 + exp(z))) + tr * log(1 + exp(z0))),
    lognormal = quote(ev * (-z^2 / 2 - 0.5 * log(2 * pi) - tau - log(t)) +
                      (1 - ev) * log(pnorm(-z)) - tr * log(pnorm(-z0))))
newton_fit <- function(d, dist, covs, t0col, tcol, evcol) {
    X <- cbind(1, as.matrix(d[, covs, drop = FALSE]))
    p <- ncol(X); bn <- paste0("b", seq_len(p))
    eta <- parse(text = paste(paste0(bn, " * X", seq_len(p)), collapse = " + "))[[1]]
    sc <- if (dist == "exponential") quote(1) else quote(exp(tau))
    body <- do.call(substitute, list(rowll[[dist]], list(
        z = bquote((log(t) - .(eta)) / .(sc)),
        z0 = bquote((log(t0) - .(eta)) / .(sc)))))
    pars <- c(bn, if (dist != "exponential") "tau")
    D <- deriv(body, pars, hessian = TRUE)
    env <- list(t = d[[tcol]], ev = d[[evcol]],
                t0 = if (is.null(t0col)) rep(1, nrow(d)) else pmax(d[[t0col]], 0),
                tr = if (is.null(t0col)) rep(0, nrow(d)) else as.numeric(d[[t0col]] > 0))
    env$t0[env$tr == 0] <- 1
    for (j in seq_len(p)) env[[paste0("X", j)]] <- X[, j]
    ev_at <- function(th) {
        e <- env; for (k in seq_along(pars)) e[[pars[k]]] <- th[k]
        v <- eval(D, e)
        list(ll = sum(v), g = colSums(attr(v, "gradient")),
             H = apply(attr(v, "hessian"), c(2, 3), sum))
    }
    # start: survreg ignoring the delayed entry
    fs <- survreg(Surv(d[[tcol]], d[[evcol]]) ~ X - 1, dist = dist)
    th <- c(coef(fs), if (dist != "exponential") log(fs$scale))
    # then BFGS (the truncated likelihood need not be concave far from
    # the maximum), then Newton to the end
    th <- optim(th, function(b) -ev_at(b)$ll, function(b) -ev_at(b)$g,
                method = "BFGS", control = list(reltol = 1e-14, maxit = 2000))$par
    for (it in 1:200) {
        e <- ev_at(th)
        step <- solve(-e$H, e$g)
        dec <- sum(e$g * step)
        stopifnot(dec >= 0)        # -H positive definite on the way
        if (dec < 1e-24) break
        h <- 1
        while (ev_at(th + h * step)$ll < e$ll - 1e-12 && h > 1e-10) h <- h / 2
        th <- th + h * step
    }
    stopifnot(it < 200)
    e <- ev_at(th)
    list(coef = th, se = sqrt(diag(solve(-e$H))), loglik = e$ll,
         vcov = solve(-e$H))
}

cases <- read.csv("tests/reference/survreg_cases.csv", stringsAsFactors = FALSE,
                  na.strings = "")
out <- list()
add <- function(case, what, value) {
    out[[length(out) + 1]] <<- data.frame(case = case, what = what,
        i = seq_along(value), value = sprintf("%.17g", value))
}
ctl <- survreg.control(rel.tolerance = 1e-13, iter.max = 200)
for (r in seq_len(nrow(cases))) {
    cs <- cases[r, ]
    d <- data[[cs$data]]
    covs <- strsplit(cs$covariates, " ")[[1]]
    if (!is.na(cs$start)) {
        fit <- newton_fit(d, cs$dist, covs, cs$start, cs$stop, cs$event)
        f0 <- newton_fit(d, cs$dist, character(0), cs$start, cs$stop, cs$event)
        add(cs$case, "coef", fit$coef); add(cs$case, "se", fit$se)
        add(cs$case, "loglik", fit$loglik); add(cs$case, "loglik0", f0$loglik)
        next
    }
    rhs <- paste(covs, collapse = " + ")
    if (!is.na(cs$cluster)) rhs <- paste0(rhs, " + cluster(", cs$cluster, ")")
    fml <- as.formula(paste0("Surv(", cs$stop, ", ", cs$event, ") ~ ", rhs))
    args <- list(fml, data = d, dist = cs$dist, control = ctl)
    if (!is.na(cs$weights)) args$weights <- d[[cs$weights]]
    if (cs$robust == 1) args$robust <- TRUE
    fit <- do.call(survreg, args)
    stopifnot(fit$iter < 200)
    b <- c(coef(fit), if (cs$dist != "exponential") log(fit$scale))
    V <- vcov(fit)
    if (cs$metric == "ph") {
        p <- length(coef(fit)); sig <- fit$scale
        J <- matrix(0, length(b), length(b))
        diag(J)[1:p] <- -1 / sig
        if (cs$dist != "exponential") {
            J[1:p, p + 1] <- coef(fit) / sig
            J[p + 1, p + 1] <- -1
        }
        b <- c(-coef(fit) / sig, if (cs$dist != "exponential") -log(sig))
        V <- J %*% V %*% t(J)
    }
    add(cs$case, "coef", b); add(cs$case, "se", sqrt(diag(V)))
    add(cs$case, "loglik", fit$loglik[2]); add(cs$case, "loglik0", fit$loglik[1])
    # the deriv() Newton code agrees with survreg (model-based, unweighted)
    if (is.na(cs$weights) && cs$robust == 0 && is.na(cs$cluster) &&
        cs$metric == "aft" && !grepl("factor", cs$covariates)) {
        nf <- newton_fit(d, cs$dist, covs, NULL, cs$stop, cs$event)
        stopifnot(max(abs(nf$coef - b) / pmax(abs(b), 1e-3)) < 1e-9,
                  abs(nf$loglik - fit$loglik[2]) < 1e-9 * abs(nf$loglik),
                  max(abs(nf$se / sqrt(diag(V)) - 1)) < 1e-9)
    }
}
res <- do.call(rbind, out)
write.csv(res, "tests/reference/survreg_ref_values.csv", row.names = FALSE,
          quote = FALSE)
