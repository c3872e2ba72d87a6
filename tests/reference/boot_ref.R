# boot_ref.R -- reference values for the cluster bootstrap (rhaz fit --vce
# bootstrap --cluster state).
#
# 1. A simulated state-year panel, tests/reference/boot_sim.csv: 150 states
#    x 10 years, a row-level covariate x1, a state-level region (3 levels),
#    a state random effect (so clustering matters); y is a yearly event
#    (logit), (start, stop] = (year - 1, year].
# 2. The cluster draws of replicates 1..5 of seed 17 come from rhaz itself
#    (GSL's MT19937 stream of each replicate): tests/reference/boot_draws.csv,
#    written by `build/tests/test_boot --write-draws` (columns replicate,
#    draw, unit: unit u is the (u+1)-th state in sorted order).
# 3. For each of those replicates the resample is built here as the
#    bootstrap defines it (the rows of each drawn state, in draw order; a
#    state drawn twice enters twice; for clogit each copy is its own
#    stratum) and fitted by glm(binomial), coxph (Efron, (start, stop]),
#    clogit (exact) and survreg (Weibull on Surv(stop, y)).
#    Output: tests/reference/boot_ref_values.csv (model,replicate,term,estimate).
# Run from the repository root: Rscript tests/reference/boot_ref.R (twice on
# a fresh checkout: the first run writes the data, then test_boot
# --write-draws, then this again).
suppressPackageStartupMessages(library(survival))
set.seed(20261207)
G <- 150; T <- 10
state <- rep(1:G, each = T)
year <- rep(1:T, G)
region <- rep(sample(c("east", "north", "south"), G, replace = TRUE), each = T)
u <- rep(rnorm(G, 0, 0.8), each = T)
x1 <- round(rnorm(G * T), 6)
y <- rbinom(G * T, 1, plogis(-1.6 + 0.5 * x1 + 0.4 * (region == "north") -
                               0.3 * (region == "south") + u))
d <- data.frame(state, year, start = year - 1, stop = year, region, x1, y)
write.csv(d, "tests/reference/boot_sim.csv", row.names = FALSE, quote = FALSE)
if (!file.exists("tests/reference/boot_draws.csv"))
  stop("now run build/tests/test_boot --write-draws, then this script again")
d <- read.csv("tests/reference/boot_sim.csv")
dr <- read.csv("tests/reference/boot_draws.csv")
units <- sort(unique(d$state))
out <- NULL
add <- function(model, k, coefs)
  out <<- rbind(out, data.frame(model = model, replicate = k, term = names(coefs),
                                estimate = unname(coefs)))
for (k in sort(unique(dr$replicate))) {
  dk <- dr[dr$replicate == k, ]
  dk <- dk[order(dk$draw), ]
  parts <- lapply(seq_len(nrow(dk)), function(j) {
    rows <- d[d$state == units[dk$unit[j] + 1], ]
    rows$copy <- j
    rows
  })
  nd <- do.call(rbind, parts)
  add("logit", k, coef(glm(y ~ x1 + factor(region), family = binomial, data = nd)))
  add("cox", k, coef(coxph(Surv(start, stop, y) ~ x1 + factor(region), data = nd,
                           ties = "efron")))
  add("clogit", k, coef(clogit(y ~ x1 + strata(copy), data = nd)))
  add("weibull", k, c(coef(fw <- survreg(Surv(stop, y) ~ x1 + factor(region), data = nd,
                                          dist = "weibull",
                                          control = survreg.control(rel.tolerance = 1e-13,
                                                                    iter.max = 100))), "log(scale)" = log(fw$scale)))
}
write.csv(format(out, digits = 17), "tests/reference/boot_ref_values.csv",
          row.names = FALSE, quote = FALSE)
