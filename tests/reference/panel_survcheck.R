# panel_survcheck.R -- check rhaz panels with R survival's survcheck():
# no overlapping, duplicated or teleporting (start, stop] intervals per
# state and treaty.  Run from the repository root after `make`:
#   build/rhaz panel --treaty iccpr,cedaw,cat,crc --out /tmp/simmons.csv
#   Rscript tests/reference/panel_survcheck.R /tmp/simmons.csv
# Output committed in tests/reference/panel_survcheck.out (all flags 0).
suppressMessages(library(survival))
f <- commandArgs(TRUE)[1]
d <- read.csv(f)
d$id <- paste(d$cown, d$treaty)
sc <- survcheck(Surv(start, stop, event) ~ 1, id = id, data = d)
print(sc$flag)
cat("rows", nrow(d), "events", sum(d$event), "\n")
