# clogit_ref.R -- reference values for tests/test_clogit.c from R survival.
#
#   Rscript tests/reference/clogit_ref.R      (from the repository root)
#
# Makes the data (set.seed; written to tests/fixtures/clogit_*.csv) and
# writes tests/reference/clogit_ref_values.csv, one row per number:
#   case, what, i, j, value   (i, j 1-based; 17 significant digits)
# Every case is clogit(y ~ ... + strata(g)) with its default method
# "exact" (coxph(Surv(rep(1, n), y) ~ ... + strata(g), method = "exact"),
# fitted by coxexact), once with R's default control and once with
# coxph.control(eps = 1e-11, iter.max = 100) ("tight").  The tests read
# only the committed files; they never run R.
# R 4.2.2, survival 3.5-3.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")

fx <- "tests/fixtures"
wr <- function(d, name) {
    d[] <- lapply(d, function(v) sprintf("%.17g", as.numeric(v)))
    write.csv(d, file.path(fx, name), row.names = FALSE, quote = FALSE)
}

set.seed(20161)
# c1: 80 strata of 2..12 rows, 1..4 cases each ("ties"), a few strata with
# no variation (all 0 or all 1: they contribute nothing), 3 covariates
sz <- sample(2:12, 80, replace = TRUE)
g <- rep(seq_along(sz), sz)
n <- length(g)
x1 <- rnorm(n); x2 <- rbinom(n, 1, 0.4); x3 <- round(runif(n, 0, 5))
u <- rnorm(80)[g]
y <- rbinom(n, 1, plogis(-0.5 + 0.8 * x1 - 0.6 * x2 + 0.2 * x3 + u))
y[g == 3] <- 0; y[g == 7] <- 1           # no variation: dropped
c1 <- data.frame(g, y, x1, x2, x3)

# c2: 40 large strata (30..90 rows) with up to ~70% cases, so both the
# direct (d <= n/2) and the complementary recursion are used
sz <- sample(30:90, 40, replace = TRUE)
g <- rep(seq_along(sz), sz)
n <- length(g)
x1 <- rnorm(n); x2 <- rnorm(n) + 0.5 * x1
a <- rnorm(40, sd = 1.5)[g]
y <- rbinom(n, 1, plogis(a + 0.7 * x1 - 0.4 * x2))
c2 <- data.frame(g, y, x1, x2)

# c3: a stratum-level covariate (constant within strata: aliased, NA) and
# a covariate that separates within strata (beta -> infinity)
sz <- sample(3:6, 50, replace = TRUE)
g <- rep(seq_along(sz), sz)
n <- length(g)
x1 <- rnorm(n)
w <- rnorm(50)[g]
y <- rbinom(n, 1, plogis(x1))
c3 <- data.frame(g, y, x1, w)
sep <- c3
sep$s <- sep$y   # cases always above their controls: complete separation

wr(c1, "clogit_c1.csv")
wr(c2, "clogit_c2.csv")
wr(c3, "clogit_c3.csv")
wr(sep, "clogit_sep.csv")

out <- NULL
add <- function(case, what, v) {
    v <- as.matrix(v)
    idx <- which(!is.na(v) | is.na(v), arr.ind = TRUE)
    out <<- rbind(out, data.frame(case = case, what = what, i = idx[, 1],
                                  j = idx[, 2],
                                  value = sprintf("%.17g", v[idx])))
}
cases <- list(
    c1 = list(d = c1, f = y ~ x1 + x2 + x3 + strata(g)),
    c2 = list(d = c2, f = y ~ x1 + x2 + strata(g)),
    c3 = list(d = c3, f = y ~ x1 + w + strata(g)),
    sep = list(d = sep, f = y ~ x1 + s + strata(g)))
for (nm in names(cases)) {
    cs <- cases[[nm]]
    for (ctl in c("default", "tight")) {
        control <- if (ctl == "tight") coxph.control(eps = 1e-11, iter.max = 100)
                   else coxph.control()
        fit <- withCallingHandlers(
            clogit(cs$f, data = cs$d, control = control),
            warning = function(w) {
                message(nm, "/", ctl, ": ", conditionMessage(w))
                invokeRestart("muffleWarning")
            })
        stopifnot(fit$method == "exact")
        key <- paste0(nm, "_", ctl)
        add(key, "coef", coef(fit))
        V <- vcov(fit)
        add(key, "se", sqrt(diag(V)))
        add(key, "vcov", V)
        add(key, "loglik", fit$loglik)
        add(key, "score", fit$score)
        add(key, "iter", fit$iter)
        add(key, "n", fit$n)
        add(key, "nevent", fit$nevent)
    }
}
write.csv(out, "tests/reference/clogit_ref_values.csv", row.names = FALSE,
          quote = FALSE)
