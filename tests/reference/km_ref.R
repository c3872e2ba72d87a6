# km_ref.R -- reference Kaplan-Meier / Nelson-Aalen curves for
# tests/test_km.c, from R survival 3.5-3 (survfit, conf.type = "log-log").
#   Rscript tests/reference/km_ref.R    (from the repository root; after
#   cox_ref.R, which writes the fixtures used here)
# Output tests/reference/km_ref_values.csv: case, group (1-based, in sorted
# level order), time, n_risk, n_event, n_censor, surv, std_err (of log S),
# lower, upper, cumhaz, std_chaz -- all with 17 significant digits; empty
# where R has NA or Inf.  With the infinitesimal-jackknife (robust)
# variance survfit stores the SE of S itself (fit$logse is FALSE); it is
# written here divided by surv, the SE of log S that rhaz reports.
suppressPackageStartupMessages(library(survival))
stopifnot(packageVersion("survival") == "3.5.3")
fx <- "tests/fixtures"
lung <- read.csv(file.path(fx, "cox_lung.csv"))
heart <- read.csv(file.path(fx, "cox_heart.csv"))
vet <- read.csv(file.path(fx, "cox_veteran.csv"))
cases <- list(
    lung_sex = survfit(Surv(time, status) ~ sex, data = lung, conf.type = "log-log"),
    # with case weights survfit defaults to the infinitesimal-jackknife
    # variance; rhaz reports Greenwood's, which is R's robust = FALSE
    lung_weighted = survfit(Surv(time, status) ~ sex, data = lung, weights = wt,
                            conf.type = "log-log", robust = FALSE),
    # R's default with non-integer weights: the infinitesimal jackknife
    lung_weighted_ij = survfit(Surv(time, status) ~ sex, data = lung, weights = wt,
                               conf.type = "log-log"),
    # the same for (start, stop] data: survfitKM makes each row its own
    # cluster when robust is not given (the help page says robust = FALSE)
    heart_weighted_ij = survfit(Surv(start, stop, event) ~ transplant, data = heart,
                                weights = wt, conf.type = "log-log"),
    # a cluster makes the IJ the default, grouped by cluster
    lung_cluster = survfit(Surv(time, status) ~ sex, data = lung, cluster = inst,
                           conf.type = "log-log"),
    heart_cluster_weighted = survfit(Surv(start, stop, event) ~ 1, data = heart,
                                     weights = wt, cluster = id, conf.type = "log-log"),
    # asked for with integer weights; S reaches 0
    veteran_ij = survfit(Surv(time, status) ~ 1, data = vet, robust = TRUE,
                         conf.type = "log-log"),
    heart_transplant = survfit(Surv(start, stop, event) ~ transplant, data = heart,
                               conf.type = "log-log"),
    veteran_all = survfit(Surv(time, status) ~ 1, data = vet, conf.type = "log-log"))
out <- NULL
for (nm in names(cases)) {
    s <- cases[[nm]]
    stopifnot(grepl("_ij$|_cluster", nm) == !s$logse)
    if (!s$logse) s$std.err <- s$std.err / s$surv
    g <- if (is.null(s$strata)) rep(1, length(s$time)) else rep(seq_along(s$strata), s$strata)
    # NA and Inf (std.err once S reaches 0) are written as empty cells
    f <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "")
    out <- rbind(out, data.frame(case = nm, group = g, time = f(s$time),
                                 n_risk = f(s$n.risk), n_event = f(s$n.event),
                                 n_censor = f(s$n.censor), surv = f(s$surv),
                                 std_err = f(s$std.err), lower = f(s$lower),
                                 upper = f(s$upper), cumhaz = f(s$cumhaz),
                                 std_chaz = f(s$std.chaz)))
}
write.csv(out, "tests/reference/km_ref_values.csv", row.names = FALSE, quote = FALSE)
cat("wrote", nrow(out), "rows\n")
