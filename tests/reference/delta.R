# delta.R -- helpers of the delta-method reference scripts (margins_ref.R,
# margins_weighted_ref.R, predict_fam_ref.R), sourced by them:
#   f17(x)          17 significant digits
#   stencil(f,x,h)  5-point central difference of f at x, step h
#   jac(g, b)       numerical Jacobian of g at b (5-point, step
#                   1e-5 max(|b_j|, 1))
#   pred(fit,b,nd)  predict(type = "response") of a glm with coefficients b
#   add(...), qty(...)  rows of the output: qty evaluates g at coef(fit)
#                   and its SE sqrt(J V J') (J = jac(g, coef(fit)))
f17 <- function(x) sprintf("%.17g", x)
stencil <- function(f, x, h) (8 * (f(x + h) - f(x - h)) - (f(x + 2 * h) - f(x - 2 * h))) / (12 * h)
jac <- function(g, b) {
  sapply(seq_along(b), function(j) {
    h <- 1e-5 * max(abs(b[j]), 1)
    e <- function(t) { bb <- b; bb[j] <- bb[j] + t; g(bb) }
    (8 * (e(h) - e(-h)) - (e(2 * h) - e(-2 * h))) / (12 * h)
  })
}
pred <- function(fit, b, nd) { fit$coefficients <- b; predict(fit, newdata = nd, type = "response") }
rows <- NULL
add <- function(case, term, type, at, est, se)
  rows <<- rbind(rows, data.frame(case = case, term = term, type = type, at = at,
    estimate = f17(est), std_error = f17(se), stringsAsFactors = FALSE))
qty <- function(case, fit, V, term, type, at, g) {
  b <- coef(fit)
  J <- jac(g, b)
  add(case, term, type, at, g(b), sqrt(drop(t(J) %*% V %*% J)))
}
