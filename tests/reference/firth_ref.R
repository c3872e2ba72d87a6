# firth_ref.R -- an independent computation of Firth's penalized
# likelihood logit (logistf is not installed here) on a data set with
# quasi-complete separation (no event where oecd == 1).
# Run from the repository root:  Rscript tests/reference/firth_ref.R
#
#  l*(b) = sum w (y log p + (1 - y) log(1 - p)) + 1/2 log det X'WX
#  estimates: optim (BFGS) on l*, then polished by Newton steps on the
#  modified score U*(b) = X'(w (y - p) + h (1/2 - p)); the two must agree.
#  profile CIs: uniroot on 2 (l*max - max_{b[-j]} l*(b | b[j] = c)) = qchisq(.95, 1),
#  the constrained maxima by Newton on the free coordinates (penalty with
#  the full X, as logistf); p-values: penalized likelihood-ratio tests.
set.seed(7)
n <- 120
x <- rnorm(n)
oecd <- as.integer(runif(n) < 0.2)
g <- sample(c("a", "b", "c"), n, replace = TRUE)
wt <- sample(1:3, n, replace = TRUE)
y <- as.integer(runif(n) < plogis(-1 + 0.8 * x + 0.4 * (g == "b")))
y[oecd == 1] <- 0L
write.csv(data.frame(y, x, oecd, g, wt), "tests/fixtures/firth_sep.csv", row.names = FALSE)
d <- read.csv("tests/fixtures/firth_sep.csv", stringsAsFactors = FALSE)

f17 <- function(v) sprintf("%.17g", v)
out <- NULL; mout <- NULL
for (weighted in c(FALSE, TRUE)) {
  X <- model.matrix(~ x + oecd + g, d); y <- d$y
  w <- if (weighted) d$wt else rep(1, nrow(d))
  pl <- function(b) {
    p <- plogis(drop(X %*% b))
    sum(w * (y * log(p) + (1 - y) * log1p(-p))) +
      0.5 * as.numeric(determinant(crossprod(X * sqrt(w * p * (1 - p))))$modulus)
  }
  ustar <- function(b) {
    p <- plogis(drop(X %*% b)); W <- w * p * (1 - p)
    I <- crossprod(X * sqrt(W))
    h <- W * rowSums((X %*% solve(I)) * X)
    list(U = drop(crossprod(X, w * (y - p) + h * (0.5 - p))), I = I)
  }
  newton <- function(b, free) {
    for (it in 1:200) {
      u <- ustar(b)
      step <- rep(0, length(b))
      step[free] <- solve(u$I[free, free, drop = FALSE], u$U[free])
      b <- b + step
      if (max(abs(step)) < 1e-13) break
    }
    b
  }
  p <- ncol(X)
  o <- optim(rep(0, p), pl, control = list(fnscale = -1, reltol = 1e-15, maxit = 10000),
             method = "BFGS")
  b <- newton(o$par, rep(TRUE, p))
  stopifnot(max(abs(o$par - b)) < 1e-4, max(abs(ustar(b)$U)) < 1e-10)
  lmax <- pl(b)
  se <- sqrt(diag(solve(ustar(b)$I)))
  prof <- function(j, c) {
    b0 <- b; b0[j] <- c
    pl(newton(b0, seq_len(p) != j))
  }
  q <- qchisq(0.95, 1)
  lo <- hi <- chisq <- numeric(p)
  for (j in seq_len(p)) {
    fn <- function(c) 2 * (lmax - prof(j, c)) - q
    bracket <- function(dir) { s <- se[j]; while (fn(b[j] + dir * s) < 0) s <- 2 * s; b[j] + dir * s }
    lo[j] <- uniroot(fn, c(bracket(-1), b[j]), tol = 1e-12)$root
    hi[j] <- uniroot(fn, c(b[j], bracket(1)), tol = 1e-12)$root
    chisq[j] <- 2 * (lmax - prof(j, 0))
  }
  b0 <- c(b[1], rep(0, p - 1))
  lnull <- pl(newton(b0, c(TRUE, rep(FALSE, p - 1))))
  out <- rbind(out, data.frame(weights = if (weighted) "wt" else "", term = colnames(X),
    estimate = f17(b), std_error = f17(se), conf_low = f17(lo), conf_high = f17(hi),
    chisq = f17(chisq), p_value = f17(pchisq(chisq, 1, lower.tail = FALSE)),
    optim_estimate = f17(o$par)))
  mout <- rbind(mout, data.frame(weights = if (weighted) "wt" else "",
    loglik = f17(lmax), loglik_null = f17(lnull)))
}
write.csv(out, "tests/reference/firth_ref_coef.csv", row.names = FALSE)
write.csv(mout, "tests/reference/firth_ref_models.csv", row.names = FALSE)
