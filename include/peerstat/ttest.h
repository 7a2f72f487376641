#ifndef PEERSTAT_TTEST_H
#define PEERSTAT_TTEST_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Student's t tests, two-sided, as R's t.test():
 *   two-sample: t.test(treatment, control, var.equal = FALSE (Welch, default) or TRUE)
 *   one-sample / paired: t.test(d) on the within-person differences d = after - before
 *     (identical to t.test(after, before, paired = TRUE)).
 * The estimate is always treatment minus control (or the mean difference), the confidence
 * interval is R's: mu + (t -+ qt(1 - alpha/2, df)) * stderr.
 *
 * Where R stops with an error peerstat returns PS_OK with the undefined figures NAN and note
 * set (the estimate is still given when the means exist):
 *   Welch with fewer than 2 values in a group, Student with < 1 value in a group or < 3 in all,
 *   one-sample with < 2 values                         -> "not enough observations ..."
 *   standard error below 10 * DBL_EPSILON * |mean|     -> "data are essentially constant"
 *     (R: "data are essentially constant"; includes zero variance in both groups. Zero
 *     variance in one group only is fine for Welch, as in R.)
 */
struct ps_ttest_result {
	double estimate;    /* mean(treatment) - mean(control), or mean of the differences */
	double mean_x;      /* mean(treatment) (or of the differences) */
	double mean_y;      /* mean(control); NAN for the one-sample test */
	double stderr_;     /* standard error of the estimate (R's $stderr; stdio.h owns stderr) */
	double statistic;   /* t */
	double df;          /* degrees of freedom (fractional for Welch) */
	double p_value;     /* two-sided: 2 * pt(-|t|, df) */
	double conf_low;
	double conf_high;
	double conf_level;
	const char *note;   /* static string or NULL */
};

/*
 * Two-sample test from summary figures (means, sample variances with divisor n - 1, counts),
 * so that accumulators (ps_describe) can feed it; var_equal = 0 is Welch, 1 is Student.
 * A variance may be NAN when its n is 1 (only Student can use such a group).
 * Returns PS_EUSAGE when conf_level is not in (0, 1), else PS_OK.
 */
enum ps_status ps_ttest_two_sample_summary(double mean_x, double var_x, size_t n_x,
					   double mean_y, double var_y, size_t n_y,
					   int var_equal, double conf_level,
					   struct ps_ttest_result *out);

/*
 * Two-sample test on the values x (treatment, n_x) and y (control, n_y): means and variances
 * as R's mean() and var(), then ps_ttest_two_sample_summary. Arrays are only read.
 * Returns PS_EDATA on a non-finite value, PS_EUSAGE on a bad conf_level, else PS_OK.
 */
enum ps_status ps_ttest_two_sample(const double *x, size_t n_x, const double *y, size_t n_y,
				   int var_equal, double conf_level, struct ps_ttest_result *out);

/* One-sample test of mean(d) = mu from summary figures (see ps_ttest_two_sample_summary). */
enum ps_status ps_ttest_one_sample_summary(double mean, double var, size_t n, double mu,
					   double conf_level, struct ps_ttest_result *out);

/*
 * One-sample t test of mean(d) = mu on d[0..n-1]; with d the paired differences this is the
 * paired t test (mean change, its CI, t, df = n - 1, p). Returns PS_EDATA on a non-finite
 * value, PS_EUSAGE on a bad conf_level, else PS_OK.
 */
enum ps_status ps_ttest_one_sample(const double *d, size_t n, double mu, double conf_level,
				   struct ps_ttest_result *out);

/*
 * Two-sided p-value 2 P(T > |t|) of Student's t distribution with df > 0 degrees of freedom,
 * as R's 2 * pt(-abs(t), df): computed as the regularised incomplete beta I_x(df/2, 1/2) with
 * x = df / (df + t^2), which keeps full relative precision in the far tail (GSL's
 * gsl_cdf_tdist_P loses up to 1e-8 relative near p = 1e-13). NAN for NaN t or df <= 0.
 */
double ps_t_two_sided_p(double t, double df);

#endif
