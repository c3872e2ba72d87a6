# make_core_panel.R -- the stacked core-treaty panel fixture for the Cox
# reference cases, from the data module's own panel builder:
#   build/rhaz panel --treaty cerd,icescr,iccpr,cedaw,cat,crc,icmw --out /tmp/core7.csv
#   Rscript tests/reference/make_core_panel.R /tmp/core7.csv
# keeps the columns the models use and adds tcode (treaty as an integer in
# sorted level order, as strata(treaty) orders them).
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
d$tcode <- as.integer(factor(d$treaty))
keep <- c("treaty", "tcode", "cown", "year", "start", "stop", "event",
          "democracy", "oecd", "region_density", "prior_ratifications",
          "migrant_share", "articles", "parts", "campaign", "duration")
write.csv(d[, keep], "tests/fixtures/cox_core_panel.csv", row.names = FALSE,
          quote = FALSE, na = "")
cat("wrote", nrow(d), "rows\n")
