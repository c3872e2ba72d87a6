# Reference values for rhaz_plot_smooth_ns (tests/test_plot.c): the
# natural-spline smooth and +-2 SE band exactly as survival's
# plot.cox.zph computes them (survival 3.5-3, splines::ns), on fixed data.
# Run from the repository root:  Rscript tests/reference/plot_smooth_ref.R
library(splines)
i <- 1:57
x <- round(i^1.3 / 3, 1)               # increasing, with ties
x[c(20, 21)] <- x[19]                   # a run of tied times
y <- sin(x / 7) + ((i * 37) %% 11 - 5) / 5
write.csv(data.frame(x = sprintf("%.17g", x), y = sprintf("%.17g", y)),
          "tests/reference/plot_smooth_input.csv", row.names = FALSE,
          quote = FALSE)
smooth <- function(xx, y, df, v) {
    nsmo <- 40
    pred.x <- seq(from = min(xx), to = max(xx), length = nsmo)
    lmat <- ns(c(pred.x, xx), df = df, intercept = TRUE)
    pmat <- lmat[1:nsmo, ]
    xmat <- lmat[-(1:nsmo), ]
    qmat <- qr(xmat)
    yhat <- pmat %*% qr.coef(qmat, y)
    if (is.na(v)) v <- sum(qr.resid(qmat, y)^2) / (length(y) - df)
    bk <- backsolve(qmat$qr[1:df, 1:df], diag(df))
    xtx <- bk %*% t(bk)
    seval <- ((pmat %*% xtx) * pmat) %*% rep(1, df)
    h <- 2 * sqrt(v * seval)
    data.frame(grid = pred.x, fit = yhat, lower = yhat - h, upper = yhat + h)
}
out <- rbind(cbind(case = "df4_var", smooth(x, y, 4, 0.04)),
             cbind(case = "df4_resid", smooth(x, y, 4, NA)),
             cbind(case = "df6_var", smooth(x, y, 6, 0.25)))
for (j in 2:5) out[[j]] <- sprintf("%.17g", out[[j]])
write.csv(out, "tests/reference/plot_smooth_ref.csv", row.names = FALSE,
          quote = FALSE)
