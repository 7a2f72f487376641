/* t tests: the arithmetic of R's t.test.default, step by step, so the digits agree. */
#include "peerstat/ttest.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "peerstat/describe.h"

double ps_t_two_sided_p(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	gsl_sf_result r;
	int st = gsl_sf_beta_inc_e(df / 2, 0.5, df / (df + t * t), &r);
	if (st == GSL_EUNDRFLW)
		return 0;  /* below DBL_MIN: R's pt() gives 0 as well */
	if (st != GSL_SUCCESS)
		return 2 * gsl_cdf_tdist_P(-fabs(t), df);  /* not seen; the less precise route */
	return r.val > 1 ? 1 : r.val;
}

static void clear(struct ps_ttest_result *out, double conf_level)
{
	out->estimate = out->mean_x = out->mean_y = out->stderr_ = NAN;
	out->statistic = out->df = out->p_value = out->conf_low = out->conf_high = NAN;
	out->conf_level = conf_level;
	out->note = NULL;
}

static int bad_level(double conf_level)
{
	return !(conf_level > 0 && conf_level < 1);
}

/* t, p and CI once stderr and df are known; R's order of operations */
static void finish(struct ps_ttest_result *out, double diff_minus_mu, double mu)
{
	double t = diff_minus_mu / out->stderr_;
	out->statistic = t;
	out->p_value = ps_t_two_sided_p(t, out->df);
	double alpha = 1 - out->conf_level;
	double q = gsl_cdf_tdist_Pinv(1 - alpha / 2, out->df);
	out->conf_low = mu + (t - q) * out->stderr_;
	out->conf_high = mu + (t + q) * out->stderr_;
}

enum ps_status ps_ttest_two_sample_summary(double mean_x, double var_x, size_t n_x,
					   double mean_y, double var_y, size_t n_y,
					   int var_equal, double conf_level,
					   struct ps_ttest_result *out)
{
	clear(out, conf_level);
	if (bad_level(conf_level))
		return PS_EUSAGE;
	out->mean_x = n_x ? mean_x : NAN;
	out->mean_y = n_y ? mean_y : NAN;
	out->estimate = out->mean_x - out->mean_y;
	if (!var_equal) {
		if (n_x < 2 || n_y < 2) {
			out->note = "not enough observations: Welch's t test needs at least 2 values in each group";
			return PS_OK;
		}
		double se_x = sqrt(var_x / (double)n_x);
		double se_y = sqrt(var_y / (double)n_y);
		out->stderr_ = sqrt(se_x * se_x + se_y * se_y);
		out->df = pow(out->stderr_, 4) /
			  (pow(se_x, 4) / (double)(n_x - 1) + pow(se_y, 4) / (double)(n_y - 1));
	} else {
		if (n_x < 1 || n_y < 1 || n_x + n_y < 3) {
			out->note = "not enough observations: Student's t test needs a value in each group and 3 in all";
			return PS_OK;
		}
		double df = (double)(n_x + n_y - 2);
		double v = 0;
		if (n_x > 1)
			v += (double)(n_x - 1) * var_x;
		if (n_y > 1)
			v += (double)(n_y - 1) * var_y;
		v /= df;
		out->df = df;
		out->stderr_ = sqrt(v * (1 / (double)n_x + 1 / (double)n_y));
	}
	double scale = fmax(fabs(mean_x), fabs(mean_y));
	if (out->stderr_ < 10 * DBL_EPSILON * scale || isnan(out->stderr_)) {
		/* R stops here ("data are essentially constant") */
		out->note = "data are essentially constant (zero or negligible variance in both groups)";
		out->stderr_ = out->df = NAN;
		return PS_OK;
	}
	if (out->stderr_ == 0) {
		/* both groups constant at 0: R goes on and gets t = 0/0 (Welch's df is 0/0 too) */
		out->note = "no variance in either group: t is 0/0";
		if (!var_equal)
			out->df = NAN;
		return PS_OK;
	}
	finish(out, mean_x - mean_y - 0.0, 0.0);
	return PS_OK;
}

enum ps_status ps_ttest_one_sample_summary(double mean, double var, size_t n, double mu,
					   double conf_level, struct ps_ttest_result *out)
{
	clear(out, conf_level);
	if (bad_level(conf_level))
		return PS_EUSAGE;
	out->mean_x = n ? mean : NAN;
	out->estimate = out->mean_x;
	if (n < 2) {
		out->note = "not enough observations: the one-sample t test needs at least 2 values";
		return PS_OK;
	}
	out->df = (double)(n - 1);
	out->stderr_ = sqrt(var / (double)n);
	if (out->stderr_ < 10 * DBL_EPSILON * fabs(mean) || isnan(out->stderr_)) {
		/* R stops here ("data are essentially constant") */
		out->note = "data are essentially constant (zero or negligible variance)";
		out->stderr_ = out->df = NAN;
		return PS_OK;
	}
	if (out->stderr_ == 0) {
		/* every value is 0 (every change zero): R goes on and gets t = 0/0, df = n - 1, se = 0 */
		out->note = "every value is zero: t is 0/0";
		return PS_OK;
	}
	finish(out, mean - mu, mu);
	return PS_OK;
}

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

enum ps_status ps_ttest_two_sample(const double *x, size_t n_x, const double *y, size_t n_y,
				   int var_equal, double conf_level, struct ps_ttest_result *out)
{
	clear(out, conf_level);
	if (!all_finite(x, n_x) || !all_finite(y, n_y))
		return PS_EDATA;
	double mx, vx, my, vy;
	ps_mean_var(x, n_x, &mx, &vx);
	ps_mean_var(y, n_y, &my, &vy);
	return ps_ttest_two_sample_summary(mx, vx, n_x, my, vy, n_y, var_equal, conf_level, out);
}

enum ps_status ps_ttest_one_sample(const double *d, size_t n, double mu, double conf_level,
				   struct ps_ttest_result *out)
{
	clear(out, conf_level);
	if (!all_finite(d, n))
		return PS_EDATA;
	double m, v;
	ps_mean_var(d, n, &m, &v);
	return ps_ttest_one_sample_summary(m, v, n, mu, conf_level, out);
}
