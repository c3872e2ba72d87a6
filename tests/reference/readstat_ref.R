# readstat_ref.R -- reference values for tests/test_readstat.c, from R
# haven (the same ReadStat library underneath, read independently).
#   Rscript tests/reference/readstat_ref.R   (from the repository root)
# Output tests/reference/readstat_archigos.csv: for every row of
# data/archigos-4.1.dta, obsid, ccode, the Stata %td dates eindate,
# eoutdate, ebirthdate as ISO dates (empty = missing) and yrborn.
suppressPackageStartupMessages(library(haven))
d <- read_dta("data/archigos-4.1.dta")
stopifnot(nrow(d) == 3409, ncol(d) == 28)
f <- function(x) ifelse(is.na(x), "", format(x, "%Y-%m-%d"))
out <- data.frame(obsid = d$obsid, ccode = d$ccode, eindate = f(d$eindate),
                  eoutdate = f(d$eoutdate), ebirthdate = f(d$ebirthdate),
                  yrborn = d$yrborn)
write.csv(out, "tests/reference/readstat_archigos.csv", row.names = FALSE,
          quote = FALSE, na = "")
