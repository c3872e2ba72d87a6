# glm_fixtures.R -- generate the synthetic panels used by the formula and
# glm tests (fixed seed).  Run from the repository root:
#   Rscript tests/reference/glm_fixtures.R
set.seed(20261123)
n_states <- 60
regions <- c("Africa", "Americas", "Asia", "Europe", "Oceania")
rows <- list()
for (s in seq_len(n_states)) {
  T <- sample(8:20, 1)
  reg <- regions[1 + (s %% 5)]
  oecd <- as.integer(runif(1) < 0.3)
  mig <- exp(rnorm(1, 1, 1))
  dem0 <- rnorm(1)
  rows[[s]] <- data.frame(
    state = sprintf("S%02d", s), year = 1990 + seq_len(T) - 1,
    t = seq_len(T), region = reg, oecd = oecd,
    mig = mig * exp(cumsum(rnorm(T, 0, 0.05))),
    dem = dem0 + cumsum(rnorm(T, 0, 0.2)),
    regime = sample(c("autocracy", "democracy", "mixed"), T, replace = TRUE),
    density = runif(T), w = round(runif(T, 0.5, 2), 2),
    stringsAsFactors = FALSE)
}
d <- do.call(rbind, rows)
eta <- -2.5 + 0.6 * d$dem - 0.5 * d$oecd + 0.3 * log(d$mig) + 0.08 * d$t +
  0.8 * d$density + ifelse(d$region == "Europe", 0.5, 0)
d$y <- as.integer(runif(nrow(d)) < plogis(eta))
# a few missing values
d$dem[c(5, 77, 300)] <- NA
d$regime[c(12, 150)] <- NA
d$mig[401] <- NA
write.csv(d, "tests/fixtures/glm_panel.csv", row.names = FALSE, na = "")
