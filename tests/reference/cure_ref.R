# cure_ref.R -- reference values for the split-population (cure) models
# of tests/test_cure.c: spduration's coups example (Beger et al. 2017).
#
#   SPDURATION_SRC=/path/to/spduration Rscript tests/reference/cure_ref.R
#
# spduration is not on CRAN's current R here, so this script reads its
# source tree (github.com/andybega/spduration, version 0.17.3.9000,
# commit c4baf0a; the
# data in data/*.rda, add_duration in R/add_duration.R) and rebuilds the
# likelihood of its src/spweib_lnl.cpp and src/sploglog_lnl.cpp in R.
# Writes
#   tests/fixtures/cure_coups.csv   the coups data (gwcode, year,
#       succ.coup, polity2) with the spell columns spduration's own
#       add_duration() makes (failure, ongoing, end.spell, atrisk,
#       censor, duration, t.0)
#   tests/reference/cure_ref_values.csv   case, what, i, value
# Fits: Newton-Raphson on the log-likelihood with gradient and Hessian
# from R's symbolic deriv(), started (as spdur) from a plain Weibull /
# log-logistic fit of the duration equation and gamma = 0 (or a given
# risk intercept g0), after BFGS, polished until the Newton decrement is
# below 1e-24.  Checks (stopifnot): the deriv()
# log-likelihood equals a line-by-line R translation of spduration's C++
# likelihood at the estimate and at a perturbed point (1e-12), and the
# estimate from spdur's start is within 1e-3 of the model.coups object
# shipped with spduration (fitted by its BFGS with default tolerance).  The cluster
# case is the sandwich V (sum_g U_g U_g') V of the deriv() row scores.
# R 4.2.2.
src <- Sys.getenv("SPDURATION_SRC")
stopifnot(nzchar(src), file.exists(file.path(src, "R", "add_duration.R")))
source(file.path(src, "R", "add_duration.R"))
source(file.path(src, "R", "attempt_date.R"))
load(file.path(src, "data", "coups.rda"))
load(file.path(src, "data", "model.coups.rda"))

dur <- suppressWarnings(add_duration(coups, "succ.coup", unitID = "gwcode",
                                     tID = "year", freq = "year"))
out <- data.frame(gwcode = dur$gwcode,
                  year = as.integer(format(dur$year, "%Y")),
                  succ.coup = dur$succ.coup, polity2 = dur$polity2,
                  failure = dur$failure, ongoing = dur$ongoing,
                  end.spell = dur$end.spell, atrisk = dur$atrisk,
                  censor = dur$censor, duration = dur$duration, t.0 = dur$t.0)
fx <- "tests/fixtures/cure_coups.csv"
o2 <- out
o2[] <- lapply(o2, function(v) ifelse(is.na(v), "", sprintf("%.17g", v)))
write.csv(o2, fx, row.names = FALSE, quote = FALSE)
d <- read.csv(fx)
# spdur's rows: complete in every variable it uses
d <- na.omit(d[, c("gwcode", "polity2", "failure", "end.spell", "atrisk",
                   "duration", "t.0")])
stopifnot(nrow(d) == model.coups$obs)
# the spells are those of the model.coups object shipped with spduration
Y <- model.coups$Y
stopifnot(all(Y[, "atrisk"] == d$atrisk), all(Y[, "duration"] == d$duration),
          all(Y[, "last"] == d$end.spell), all(Y[, "t.0"] == d$t.0),
          all(Y[, "fail"] == d$failure))

# ---- spduration's likelihood, translated line by line from C++ --------
sp_lnl <- function(theta, y, X, Z, distr) {
    rx <- ncol(X); rz <- ncol(Z)
    beta <- theta[1:rx]; gamma <- theta[(rx + 1):(rx + rz)]; p <- theta[rx + rz + 1]
    lambda <- exp(-X %*% beta); alpha <- exp(-p)
    rc <- y[, 1]; ti <- y[, 2]; lo <- y[, 3]; t0 <- y[, 4]
    pr0 <- 1 / (1 + exp(Z %*% gamma)); pr1 <- 1 - pr0
    if (distr == "weibull") {
        lnFt <- log(alpha) + alpha * log(lambda) + (alpha - 1) * log(ti) - (lambda * ti)^alpha
        st <- exp(-(lambda * ti)^alpha); st0 <- exp(-(lambda * t0)^alpha)
    } else {
        lnFt <- log(alpha) + alpha * log(lambda) + (alpha - 1) * log(ti) -
            2 * log(1 + (lambda * ti)^alpha)
        st <- 1 / (1 + (lambda * ti)^alpha); st0 <- 1 / (1 + (lambda * t0)^alpha)
    }
    cens <- ifelse(lo == 0 | rc == 0, log(pr0 + pr1 * st) - log(pr0 + pr1 * st0), 0)
    nocens <- ifelse(rc == 1 & lo == 1, log(pr1) + lnFt - log(pr0 + pr1 * st0), 0)
    sum(cens + nocens)
}

# ---- the same likelihood for deriv(): rows (t0, t, event) -------------
rowll <- list(
    weibull = list(logf = quote(z - exp(z) - tau - log(t)),
                   S = quote(exp(-exp(z))), S0 = quote(exp(-exp(z0)))),
    loglogistic = list(logf = quote(z - 2 * log(1 + exp(z)) - tau - log(t)),
                       S = quote(1 / (1 + exp(z))), S0 = quote(1 / (1 + exp(z0)))))
cure_fit <- function(d, dist, xcovs, zcovs, cluster = NULL, g0 = 0) {
    X <- cbind(1, as.matrix(d[, xcovs, drop = FALSE]))
    Z <- cbind(1, as.matrix(d[, zcovs, drop = FALSE]))
    px <- ncol(X); pz <- ncol(Z)
    bn <- paste0("b", 1:px); gn <- paste0("g", 1:pz)
    eta <- parse(text = paste(paste0(bn, " * X", 1:px), collapse = " + "))[[1]]
    u <- parse(text = paste(paste0(gn, " * Z", 1:pz), collapse = " + "))[[1]]
    sub <- list(z = bquote((log(t) - .(eta)) / exp(tau)),
                z0 = bquote((log(t0) - .(eta)) / exp(tau)))
    r <- rowll[[dist]]
    logf <- do.call(substitute, list(r$logf, sub))
    S <- do.call(substitute, list(r$S, sub))
    S0 <- do.call(substitute, list(r$S0, sub))
    body <- bquote(ev * (log(1 / (1 + exp(-(.(u))))) + .(logf)) +
                   (1 - ev) * log(1 - 1 / (1 + exp(-(.(u)))) + 1 / (1 + exp(-(.(u)))) * .(S)) -
                   tr * log(1 - 1 / (1 + exp(-(.(u)))) + 1 / (1 + exp(-(.(u)))) * .(S0)))
    pars <- c(bn, gn, "tau")
    D <- deriv(body, pars, hessian = TRUE)
    env <- list(t = d$duration, ev = d$failure, tr = as.numeric(d$t.0 > 0),
                t0 = ifelse(d$t.0 > 0, d$t.0, 1))
    for (j in 1:px) env[[paste0("X", j)]] <- X[, j]
    for (j in 1:pz) env[[paste0("Z", j)]] <- Z[, j]
    ev_at <- function(th, rows = FALSE) {
        e <- env; for (k in seq_along(pars)) e[[pars[k]]] <- th[k]
        v <- eval(D, e)
        if (rows) return(attr(v, "gradient"))
        list(ll = sum(v), g = colSums(attr(v, "gradient")),
             H = apply(attr(v, "hessian"), c(2, 3), sum))
    }
    # start as spdur: plain model of the duration equation (delayed
    # entry, via optim on its likelihood), gamma = 0
    base_ll <- function(b) {
        e <- env; z <- (log(e$t) - X %*% b[1:px]) / exp(b[px + 1])
        z0 <- (log(e$t0) - X %*% b[1:px]) / exp(b[px + 1])
        if (dist == "weibull") {
            lf <- z - exp(z) - b[px + 1] - log(e$t); lS <- -exp(z); lS0 <- -exp(z0)
        } else {
            lf <- z - 2 * log1p(exp(z)) - b[px + 1] - log(e$t); lS <- -log1p(exp(z))
            lS0 <- -log1p(exp(z0))
        }
        sum(e$ev * lf + (1 - e$ev) * lS - e$tr * lS0)
    }
    b0 <- optim(c(rep(0, px), 0), function(b) -base_ll(b), method = "BFGS",
                control = list(maxit = 1000, reltol = 1e-12))$par
    th <- c(b0[1:px], g0, rep(0, pz - 1), b0[px + 1])
    th <- optim(th, function(b) -ev_at(b)$ll, function(b) -ev_at(b)$g,
                method = "BFGS", control = list(reltol = 1e-14, maxit = 5000))$par
    for (it in 1:200) {
        e <- ev_at(th)
        step <- solve(-e$H, e$g)
        dec <- sum(e$g * step)
        stopifnot(dec >= 0)
        if (dec < 1e-24) break
        h <- 1
        while (ev_at(th + h * step)$ll < e$ll - 1e-12 && h > 1e-10) h <- h / 2
        th <- th + h * step
    }
    stopifnot(it < 200)
    e <- ev_at(th)
    V <- solve(-e$H)
    if (!is.null(cluster)) {
        U <- rowsum(ev_at(th, rows = TRUE), d[[cluster]])
        V <- V %*% crossprod(U) %*% V
    }
    y <- cbind(d$atrisk, d$duration, d$end.spell, d$t.0)
    ll_sp <- sp_lnl(th, y, X, Z, dist)
    stopifnot(abs(ll_sp - e$ll) < 1e-12 * abs(e$ll))
    th2 <- th + 0.05 * seq_along(th) / length(th)
    stopifnot(abs(sp_lnl(th2, y, X, Z, dist) - ev_at(th2)$ll) < 1e-12 * abs(e$ll))
    list(coef = th, se = sqrt(diag(V)), loglik = e$ll, base = base_ll(b0),
         iter = it, V = V)
}

vals <- list()
add <- function(case, what, value) {
    vals[[length(vals) + 1]] <<- data.frame(case = case, what = what,
        i = seq_along(value), value = sprintf("%.17g", value))
}
# spduration's start (the plain model, gamma = 0) reaches a local
# maximum for the Weibull model: the one spduration reports (model.coups).
# Starting the risk intercept at -2 reaches a higher one, with the signs
# of both polity2 effects reversed; rhaz starts at 0, 2, -2, 5 and keeps
# the highest.  Both are references.
fs <- cure_fit(d, "weibull", "polity2", "polity2", g0 = 0)
ref <- unlist(model.coups$coefficients)
stopifnot(max(abs(fs$coef - ref) / pmax(abs(ref), 1)) < 1e-3)
cat("coups weibull, spdur's start: max |deriv() Newton - spduration BFGS| =",
    max(abs(fs$coef - ref)), "\n")
add("coups_weibull_spdur", "coef", fs$coef); add("coups_weibull_spdur", "se", fs$se)
add("coups_weibull_spdur", "loglik", fs$loglik)
fw <- cure_fit(d, "weibull", "polity2", "polity2", g0 = -2)
stopifnot(fw$loglik > fs$loglik + 0.5)
cat("coups weibull: higher maximum", fw$loglik, "vs spduration's", fs$loglik, "\n")
add("coups_weibull", "coef", fw$coef); add("coups_weibull", "se", fw$se)
add("coups_weibull", "loglik", fw$loglik)
fl <- cure_fit(d, "loglogistic", "polity2", "polity2", g0 = 0)
add("coups_loglogistic", "coef", fl$coef); add("coups_loglogistic", "se", fl$se)
add("coups_loglogistic", "loglik", fl$loglik)
fc <- cure_fit(d, "weibull", "polity2", "polity2", cluster = "gwcode", g0 = -2)
add("coups_weibull_cluster", "coef", fc$coef); add("coups_weibull_cluster", "se", fc$se)
add("coups_weibull_cluster", "loglik", fc$loglik)
res <- do.call(rbind, vals)
write.csv(res, "tests/reference/cure_ref_values.csv", row.names = FALSE, quote = FALSE)
print(res)
