# leaders_ref.R -- reference leader covariates for tests/test_country.c,
# computed from data/archigos-4.1.dta with R haven, independently of rhaz.
#   Rscript tests/reference/leaders_ref.R   (from the repository root)
# Definitions (docs/data.md): for state ccode and year Y, the leader in
# power on 1 January Y is the spell with eindate <= Y-01-01 < eoutdate;
# leader_tenure = completed years of that spell on that day;
# leader_last_year = 1 if the spell's eoutdate falls in Y and exit is not
# "Still in Office".  Rows: every year from the state's first entry year
# to its last exit year; NA (empty) when no leader was in power.
# Output tests/reference/leaders_ref.csv: cown, year, leader_tenure,
# leader_last_year.
suppressPackageStartupMessages(library(haven))
d <- read_dta("data/archigos-4.1.dta")
# as rhaz, recode the Gleditsch-Ward code 340 (Serbia) to COW 345
# (data/code-recodes.csv, source archigos)
d$ccode[d$ccode == 340] <- 345
out <- list()
for (cc in sort(unique(d$ccode))) {
    x <- d[d$ccode == cc, ]
    y0 <- min(as.integer(format(x$eindate, "%Y")))
    y1 <- max(as.integer(format(x$eoutdate, "%Y")))
    for (y in y0:y1) {
        j <- as.Date(sprintf("%d-01-01", y))
        k <- which(x$eindate <= j & x$eoutdate > j)
        ten <- NA; last <- NA
        if (length(k) == 1) {
            e <- x$eindate[k]
            ey <- as.integer(format(e, "%Y"))
            after <- format(e, "%m-%d") != "01-01"
            ten <- (y - ey) - after
            last <- as.integer(as.integer(format(x$eoutdate[k], "%Y")) == y &&
                               x$exit[k] != "Still in Office")
        }
        out[[length(out) + 1]] <- c(cc, y, ten, last)
    }
}
m <- do.call(rbind, out)
write.table(data.frame(cown = m[, 1], year = m[, 2], leader_tenure = m[, 3],
                       leader_last_year = m[, 4]),
            "tests/reference/leaders_ref.csv", sep = ",", row.names = FALSE,
            quote = FALSE, na = "")
