/* kinds.c -- the table of figure kinds.  A kind is its names, default
 * axis labels, flags for the shared writers, and function pointers for
 * extra validation and writing.  A new kind is a new row. */
#include "plot/plot_impl.h"

static const plot_type kinds[RHAZ_PLOT_NKINDS] = {
    [RHAZ_PLOT_PARTICIPATION] = {
        "participation",
        "cumulative number of parties per year, one line per treaty",
        "Year", "Number of parties",
        PK_STEPS | PK_YZERO | PK_MARKS | PK_XINT, NULL, plot_write_lines},
    [RHAZ_PLOT_KM] = {
        "km",
        "cumulative probability of ratification (1 - Kaplan-Meier) by group",
        "Years at risk", "Probability of ratification",
        PK_STEPS | PK_BAND | PK_Y01, NULL, plot_write_lines},
    [RHAZ_PLOT_COEF] = {
        "coef",
        "forest plot of coefficients or hazard/odds ratios, 95% intervals",
        "Coefficient", "", 0, plot_check_coef, plot_write_coef},
    [RHAZ_PLOT_BASELINE] = {
        "baseline",
        "baseline cumulative hazard or survival per stratum",
        "Time", "Baseline cumulative hazard",
        PK_STEPS | PK_BAND | PK_YZERO, NULL, plot_write_lines},
    [RHAZ_PLOT_PREDICT] = {
        "predict",
        "prediction across one covariate with its interval",
        "Covariate", "Predicted probability",
        PK_BAND | PK_YZERO, NULL, plot_write_lines},
    [RHAZ_PLOT_DENSITY] = {
        "density",
        "regional ratification density over time, one line per region",
        "Year", "Regional density",
        PK_Y01 | PK_MARKS | PK_XINT, NULL, plot_write_lines},
    [RHAZ_PLOT_ZPH] = {
        "zph",
        "scaled Schoenfeld residuals against time with a spline smooth",
        "Time", "Beta(t)", PK_BAND, plot_check_zph, plot_write_zph},
};

const plot_type *plot_type_of(rhaz_plot_kind kind)
{
    if ((int)kind < 0 || kind >= RHAZ_PLOT_NKINDS)
        return 0;
    return &kinds[kind];
}
