# cox_firth_ref.R -- an independent computation of Heinze & Schemper's
# penalized partial likelihood estimates (coxphf is not installed):
# solve U*(b) = u(b) + 0.5 d/db log det I(b) = 0 where u(b) and I(b) come
# from coxph(..., init = b, iter.max = 0) (score residuals and the
# inverse of fit$var) and the gradient of log det I is taken by central
# differences -- no third-moment formula, unlike rhaz.  Newton steps with
# I(b)^-1 until max |U*| < 1e-10.
#   Rscript tests/reference/cox_firth_ref.R   (repository root, after cox_ref.R)
# Output tests/reference/cox_firth_values.csv: case, what, i, value.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")
fx <- "tests/fixtures"
rd <- function(f) { d <- read.csv(file.path(fx, f)); d[] <- lapply(d, as.numeric); d }
lung <- rd("cox_lung.csv")
heart <- rd("cox_heart.csv")
cases <- read.csv("tests/reference/cox_firth_cases.csv", stringsAsFactors = FALSE,
                  na.strings = "")
at <- function(fml, d, ties, b) {
    fit <- suppressWarnings(coxph(fml, data = d, ties = ties, init = b,
                                  control = coxph.control(iter.max = 0)))
    list(loglik = fit$loglik[2], u = colSums(residuals(fit, "score")),
         var = fit$var, logdet = -determinant(fit$var)$modulus[1])
}
out <- NULL
for (k in seq_len(nrow(cases))) {
    cs <- cases[k, ]
    d <- if (cs$data == "cox_lung.csv") lung else heart
    covs <- strsplit(cs$covariates, " ")[[1]]
    lhs <- if (is.na(cs$start)) sprintf("Surv(%s, %s)", cs$stop, cs$event)
           else sprintf("Surv(%s, %s, %s)", cs$start, cs$stop, cs$event)
    fml <- as.formula(paste(lhs, "~", paste(covs, collapse = " + ")))
    p <- length(covs)
    b <- rep(0, p)
    for (it in 1:200) {
        a <- at(fml, d, cs$ties, b)
        g <- numeric(p)
        for (j in 1:p) {
            h <- 1e-5 * max(1, abs(b[j]))
            e <- replace(numeric(p), j, h)
            g[j] <- (at(fml, d, cs$ties, b + e)$logdet -
                     at(fml, d, cs$ties, b - e)$logdet) / (2 * h)
        }
        ustar <- a$u + 0.5 * g
        if (max(abs(ustar)) < 1e-10) break
        b <- b + drop(a$var %*% ustar)
    }
    stopifnot(max(abs(ustar)) < 1e-10)
    a <- at(fml, d, cs$ties, b)
    f <- function(x) sprintf("%.17g", x)
    out <- rbind(out,
        data.frame(case = cs$case, what = "coef", i = 1:p, value = f(b)),
        data.frame(case = cs$case, what = "se", i = 1:p, value = f(sqrt(diag(a$var)))),
        data.frame(case = cs$case, what = "pen_loglik", i = 1,
                   value = f(a$loglik + 0.5 * a$logdet)),
        data.frame(case = cs$case, what = "loglik", i = 1, value = f(a$loglik)),
        data.frame(case = cs$case, what = "iterations", i = 1, value = it))
}
write.csv(out, "tests/reference/cox_firth_values.csv", row.names = FALSE, quote = FALSE)
cat("wrote", nrow(out), "values\n")
