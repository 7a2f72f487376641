/*
 * Cohen's d, Hedges' g and d_z with noncentral-t confidence intervals. GSL has no noncentral t,
 * so its distribution function is summed here (see ps_nct_cdf in the header).
 */
#include "peerstat/effectsize.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "peerstat/describe.h"

#define NCT_TOL 1e-17        /* stop when the bound on the remainder is below this share */
#define NCT_MAX_TERMS 1000000 /* each way from the mode; about 10 sqrt(lambda) are needed */
#define NCT_MAX_LAMBDA 1e10   /* ncp^2 / 2 beyond this (|ncp| > 141421) is refused: PS_EDATA */

/* ln Gamma(k + 1) - ((k + 1/2) ln k - k + ln sqrt(2 pi)), the error of Stirling's formula, k > 0 */
static double stirling_error(double k)
{
	if (k <= 15)
		return gsl_sf_lngamma(k + 1) - (k + 0.5) * log(k) + k - 0.5 * log(2 * M_PI);
	double k2 = k * k;
	return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * k2)) / k2) / k2) / k2) / k;
}

/*
 * e^-l l^k / k! with k = floor(l). Written as exp(-f + k log1p(f/k) - ln sqrt(2 pi k) -
 * stirling_error(k)), f = l - k, so that no large logarithms cancel: the plain
 * -l + k ln l - ln k! loses 12 digits' worth of ulps by l = 10^4 (Loader 2000 does the same).
 */
static double poisson_at_mode(double lambda, double k)
{
	if (k < 1)
		return exp(-lambda);
	double f = lambda - k;
	return exp(-f + k * log1p(f / k) - 0.5 * log(2 * M_PI * k) - stirling_error(k));
}

/*
 * Gamma(k + 1) / Gamma(k + 3/2) for k >= 0. GSL's lnpoch loses 3e-10 relative by k = 10^5;
 * with Stirling's formula for both gammas the large logarithms cancel on paper instead:
 * ln = -(k + 1/2) log1p(1/(2k)) + 1/2 - ln(k + 1/2) / 2 + stirling_error(k) - stirling_error(k + 1/2).
 */
static double gamma_ratio_half(double k)
{
	if (k < 16)
		return exp(gsl_sf_lngamma(k + 1) - gsl_sf_lngamma(k + 1.5));
	return exp(-(k + 0.5) * log1p(0.5 / k) + 0.5 - 0.5 * log(k + 0.5) + stirling_error(k) -
		   stirling_error(k + 0.5));
}

/*
 * Loader's deviance term x ln(x / m) + m - x, summed as a series when x is near m, where the
 * plain formula cancels (Loader 2000, "Fast and accurate computation of binomial
 * probabilities").
 */
static double deviance(double x, double m)
{
	if (fabs(x - m) < 0.1 * (x + m)) {
		double v = (x - m) / (x + m);
		double s = (x - m) * v;
		double ej = 2 * x * v;
		v *= v;
		for (int j = 1; j < 1000; j++) {
			ej *= v;
			double s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / m) + m - x;
}

/*
 * I_x(a, b) - I_x(a + 1, b) = Gamma(a + b) / (Gamma(a + 1) Gamma(b)) x^a (1 - x)^b, written as
 * b / (a + b) times the binomial-type density Gamma(n + 1) / (Gamma(a + 1) Gamma(b + 1)) x^a
 * y^b with n = a + b, y = 1 - x, in Loader's saddle-point form, so that no logarithms of size
 * a ln x or b ln y cancel (their rounding would cost 1e-10 by a = 10^5).
 */
static double beta_step(double a, double b, double x, double y)
{
	double n = a + b;
	double lc = stirling_error(n) - stirling_error(a) - stirling_error(b) -
		    deviance(a, n * x) - deviance(b, n * y);
	return b / n * exp(lc) / sqrt(2 * M_PI * a * b / n);
}

/*
 * Continued fraction of I_x(a, b) / step(a) (modified Lentz; Numerical Recipes' betacf), good
 * when x < (a + 1) / (a + b + 2). Returns 0 when it does not converge.
 */
static int beta_fraction(double a, double b, double x, double *out)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	double limit = 1000 + 20 * sqrt(a + b);
	for (double m = 1; m <= limit; m++) {
		double m2 = 2 * m;
		double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		if (fabs(d) < tiny)
			d = tiny;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < DBL_EPSILON) {
			*out = h;
			return 1;
		}
	}
	return 0;
}

/*
 * The regularised incomplete beta I_x(a, b), y = 1 - x, as prefactor times continued
 * fraction. GSL's gsl_sf_beta_inc has the same fraction but a prefactor from logarithms of
 * size a ln x, which costs up to 1e-10 relative by a, b = 10^5 (its own error estimate says
 * 3e-9); beta_step's saddle-point prefactor keeps about 1e-14. Returns 0 on non-convergence.
 */
static int beta_inc(double a, double b, double x, double y, double *out)
{
	double f;
	if (x <= 0 || y <= 0) {
		*out = x <= 0 ? 0 : 1;
		return 1;
	}
	if (x < (a + 1) / (a + b + 2)) {
		if (!beta_fraction(a, b, x, &f))
			return 0;
		*out = beta_step(a, b, x, y) * f;
	} else {
		if (!beta_fraction(b, a, y, &f))
			return 0;
		*out = 1 - beta_step(b, a, y, x) * f;
	}
	return 1;
}

/*
 * P(T <= t) for t > 0:
 *   Phi(-ncp) + 1/2 sum_j [ P_j I_x(j + 1/2, df/2) + ncp/sqrt(2) Q_j I_x(j + 1, df/2) ]
 * with x = t^2 / (t^2 + df), P_j = e^-l l^j / j!, Q_j = e^-l l^j / Gamma(j + 3/2), l = ncp^2/2.
 * Summed from j = floor(l) (the largest Poisson weight) up and down, the incomplete betas moved
 * along by I_x(a + 1, b) = I_x(a, b) - step(a), so no term underflows for large |ncp|.
 */
static enum ps_status nct_upper_half(double t, double df, double ncp, double *out)
{
	double b = df / 2;
	double lambda = ncp * ncp / 2;
	if (!(lambda <= NCT_MAX_LAMBDA))
		return PS_EDATA;
	/* x = t^2 / (t^2 + df) and y = 1 - x without cancellation (df may be 10^6) */
	double x = t * t / (t * t + df);
	double y = df / (t * t + df);
	if (x < 1e-280) {
		/* t^2 vanishes against df: the I_x(a, b) terms add less than sqrt(x) (and their
		 * recurrences would divide by a denormal x), only Phi(-ncp) is left */
		*out = gsl_cdf_ugaussian_P(-ncp);
		return PS_OK;
	}
	double k = floor(lambda);
	double c = ncp / M_SQRT2;

	/* Poisson weights at the mode: e^-l l^k / k! and e^-l l^k / Gamma(k + 3/2) */
	double p_k = poisson_at_mode(lambda, k);
	double q_k = p_k * gamma_ratio_half(k);

	double i_odd_k, i_even_k;
	if (!beta_inc(k + 0.5, b, x, y, &i_odd_k) || !beta_inc(k + 1, b, x, y, &i_even_k))
		return PS_EINTERNAL;
	double sum = p_k * i_odd_k + c * q_k * i_even_k;

	/* upwards: weights shrink, incomplete betas shrink; stop on a geometric tail bound */
	double p = p_k, q = q_k, i_odd = i_odd_k, i_even = i_even_k;
	double s_odd = beta_step(k + 0.5, b, x, y);
	double s_even = beta_step(k + 1, b, x, y);
	int converged = 0;
	for (double j = k + 1; j < k + NCT_MAX_TERMS; j++) {
		double a_odd = j - 0.5, a_even = j;  /* the a of the previous terms */
		i_odd -= s_odd;
		i_even -= s_even;
		if (i_odd < 0)
			i_odd = 0;
		if (i_even < 0)
			i_even = 0;
		s_odd *= x * (a_odd + b) / (a_odd + 1);
		s_even *= x * (a_even + b) / (a_even + 1);
		p *= lambda / j;
		q *= lambda / (j + 0.5);
		double term = p * i_odd + c * q * i_even;
		sum += term;
		/* the rest: weights fall at least as fast as r = lambda / (j + 1) each step, Q_j <= P_j
		 * for j >= 1, and the incomplete betas fall, so rest <= r/(1-r) (p i_odd + |c| p i_even) */
		double r = lambda / (j + 1);
		if (r < 1) {
			double bound = r / (1 - r) * p * (i_odd + fabs(c) * i_even);
			if (bound <= NCT_TOL * fabs(sum) || bound < DBL_MIN) {
				converged = 1;
				break;
			}
		}
	}
	if (!converged)
		return PS_EINTERNAL;

	/* downwards to j = 0: I_x(a - 1, b) = I_x(a, b) + step(a - 1) */
	p = p_k;
	q = q_k;
	i_odd = i_odd_k;
	i_even = i_even_k;
	if (k >= 1) {
		s_odd = beta_step(k - 0.5, b, x, y);
		s_even = beta_step(k, b, x, y);
	}
	for (double j = k - 1; j >= 0 && j > k - NCT_MAX_TERMS; j--) {
		i_odd += s_odd;
		i_even += s_even;
		/* step(a - 1) = step(a) a / (x (a + b - 1)) */
		double a_odd = j + 0.5, a_even = j + 1;
		if (j >= 1) {
			s_odd *= a_odd / (x * (a_odd + b - 1));
			s_even *= a_even / (x * (a_even + b - 1));
		}
		p *= (j + 1) / lambda;
		q *= (j + 1.5) / lambda;
		double term = p * i_odd + c * q * i_even;
		sum += term;
		/* below the mode the weights fall at least as fast as r = j / lambda a step while the
		 * incomplete betas grow to at most 1: rest <= r/(1-r) (p + |c| q') with q' <= 1.13 p */
		double r = j / lambda;
		if (j >= 1 && r < 1) {
			double bound = r / (1 - r) * p * (1 + 1.13 * fabs(c));
			if (bound <= NCT_TOL * fabs(sum) || bound < DBL_MIN)
				break;
		}
	}
	if (!isfinite(sum))
		return PS_EINTERNAL;
	*out = gsl_cdf_ugaussian_P(-ncp) + sum / 2;
	return PS_OK;
}

enum ps_status ps_nct_cdf(double t, double df, double ncp, double *p)
{
	if (isnan(t) || isnan(df) || isnan(ncp) || !(df > 0) || !isfinite(ncp))
		return PS_EDATA;
	if (isinf(t)) {
		*p = t < 0 ? 0 : 1;
		return PS_OK;
	}
	if (t == 0) {
		*p = gsl_cdf_ugaussian_P(-ncp);
		return PS_OK;
	}
	double v;
	enum ps_status st;
	if (t > 0) {
		st = nct_upper_half(t, df, ncp, &v);
	} else {
		/* P(T <= t; ncp) = 1 - P(T <= -t; -ncp): T and -T(-ncp) have the same law */
		st = nct_upper_half(-t, df, -ncp, &v);
		v = 1 - v;
	}
	if (st != PS_OK)
		return st;
	/* the series is exact only to rounding: keep the probability a probability */
	*p = v < 0 ? 0 : v > 1 ? 1 : v;
	return PS_OK;
}

struct root_args {
	double t, df, target;
	int failed;
};

static double root_fn(double ncp, void *params)
{
	struct root_args *a = params;
	double p;
	if (ps_nct_cdf(a->t, a->df, ncp, &p) != PS_OK || isnan(p)) {
		a->failed = 1;
		return NAN;
	}
	return p - a->target;
}

/* ncp solving pt(t, df, ncp) = target; pt falls as ncp grows */
static enum ps_status solve_ncp(double t, double df, double target, double *ncp)
{
	struct root_args args = { t, df, target, 0 };
	gsl_function f = { root_fn, &args };
	/* bracket from t outwards; the spread of T around ncp is about sqrt(1 + t^2 / (2 df)) */
	double step = 2 * sqrt(1 + t * t / (2 * df));
	double lo = t, hi = t;
	double flo = root_fn(lo, &args), fhi = flo;
	if (args.failed || isnan(flo))
		return PS_EINTERNAL;
	if (flo == 0) {
		*ncp = t;
		return PS_OK;
	}
	/* f(ncp) decreases: if f(t) > 0 the root is above t, else below */
	for (int i = 0; i < 200; i++) {
		if (flo > 0) {
			lo = hi;
			flo = fhi;
			hi = lo + step;
			fhi = root_fn(hi, &args);
			if (fhi <= 0)
				break;
		} else {
			hi = lo;
			fhi = flo;
			lo = hi - step;
			flo = root_fn(lo, &args);
			if (flo >= 0)
				break;
		}
		if (args.failed)
			return PS_EINTERNAL;
		step *= 2;
	}
	if (args.failed || !(flo >= 0 && fhi <= 0))
		return PS_EINTERNAL;
	if (flo == 0 || fhi == 0) {
		*ncp = flo == 0 ? lo : hi;
		return PS_OK;
	}
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s)
		return PS_ENOMEM;
	enum ps_status st = PS_EINTERNAL;
	if (gsl_root_fsolver_set(s, &f, lo, hi) == GSL_SUCCESS) {
		for (int i = 0; i < 300; i++) {
			if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS || args.failed)
				break;
			double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
			if (gsl_root_test_interval(a, b, 1e-300, 4 * DBL_EPSILON) == GSL_SUCCESS) {
				*ncp = gsl_root_fsolver_root(s);
				st = PS_OK;
				break;
			}
		}
	}
	gsl_root_fsolver_free(s);
	return st;
}

enum ps_status ps_nct_ncp_ci(double t, double df, double conf_level, double *ncp_low, double *ncp_high)
{
	*ncp_low = *ncp_high = NAN;
	if (!(conf_level > 0 && conf_level < 1))
		return PS_EUSAGE;
	if (!isfinite(t) || !(df > 0))
		return PS_EDATA;
	double alpha = 1 - conf_level;
	enum ps_status st = solve_ncp(t, df, 1 - alpha / 2, ncp_low);
	if (st == PS_OK)
		st = solve_ncp(t, df, alpha / 2, ncp_high);
	if (st != PS_OK)
		*ncp_low = *ncp_high = NAN;
	return st;
}

static void clear(struct ps_effect_size *out, double conf_level)
{
	out->estimate = out->conf_low = out->conf_high = NAN;
	out->sd = out->t = out->df = NAN;
	out->conf_level = conf_level;
	out->note = NULL;
}

/* d and its CI given the raw difference, the standardiser, df and the CI scale sqrt(h) */
static enum ps_status standardise(double diff, double sd, double df, double h, struct ps_effect_size *out)
{
	out->sd = sd;
	out->df = df;
	if (!(sd > 0)) {
		out->note = "zero variance: the standardised difference is undefined";
		return PS_OK;
	}
	double d = diff / sd;
	out->estimate = d;
	out->t = d / sqrt(h);
	double lo, hi;
	enum ps_status st = ps_nct_ncp_ci(out->t, df, out->conf_level, &lo, &hi);
	if (st == PS_ENOMEM)
		return st;
	if (st != PS_OK) {
		/* only for |t| beyond about 1e5 (a near-constant outcome): the estimate stands */
		out->note = "the noncentral-t confidence interval cannot be computed for so large a t";
		return PS_OK;
	}
	out->conf_low = lo * sqrt(h);
	out->conf_high = hi * sqrt(h);
	return PS_OK;
}

enum ps_status ps_cohens_d_summary(double mean_x, double var_x, size_t n_x,
				   double mean_y, double var_y, size_t n_y,
				   double conf_level, struct ps_effect_size *out)
{
	clear(out, conf_level);
	if (!(conf_level > 0 && conf_level < 1))
		return PS_EUSAGE;
	if (n_x < 1 || n_y < 1 || n_x + n_y < 3) {
		out->note = "not enough observations: a value in each group and 3 in all are needed";
		return PS_OK;
	}
	double df = (double)(n_x + n_y - 2);
	double ss = 0;
	if (n_x > 1)
		ss += (double)(n_x - 1) * var_x;
	if (n_y > 1)
		ss += (double)(n_y - 1) * var_y;
	double sd = sqrt(ss / df);
	double h = 1 / (double)n_x + 1 / (double)n_y;
	if (!(sd > 0)) {
		out->sd = sd;
		out->df = df;
		out->note = "zero variance in both groups: the standardised difference is undefined";
		return PS_OK;
	}
	return standardise(mean_x - mean_y, sd, df, h, out);
}

enum ps_status ps_hedges_g_summary(double mean_x, double var_x, size_t n_x,
				   double mean_y, double var_y, size_t n_y,
				   double conf_level, struct ps_effect_size *out)
{
	enum ps_status st = ps_cohens_d_summary(mean_x, var_x, n_x, mean_y, var_y, n_y, conf_level, out);
	if (st != PS_OK || isnan(out->estimate))
		return st;
	double df = out->df;
	if (df < 2) {
		/* Gamma((df - 1) / 2) has a pole at df = 1 */
		out->estimate = out->conf_low = out->conf_high = NAN;
		out->note = "Hedges' correction needs at least 2 pooled degrees of freedom";
		return PS_OK;
	}
	/* effectsize's exact J: exp(lgamma(df/2) - log(sqrt(df/2)) - lgamma((df-1)/2)) */
	double j = exp(gsl_sf_lngamma(df / 2) - log(sqrt(df / 2)) - gsl_sf_lngamma((df - 1) / 2));
	out->estimate *= j;
	out->conf_low *= j;
	out->conf_high *= j;
	return PS_OK;
}

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

enum ps_status ps_cohens_d(const double *x, size_t n_x, const double *y, size_t n_y,
			   double conf_level, struct ps_effect_size *out)
{
	clear(out, conf_level);
	if (!all_finite(x, n_x) || !all_finite(y, n_y))
		return PS_EDATA;
	double mx, vx, my, vy;
	ps_mean_var(x, n_x, &mx, &vx);
	ps_mean_var(y, n_y, &my, &vy);
	return ps_cohens_d_summary(mx, vx, n_x, my, vy, n_y, conf_level, out);
}

enum ps_status ps_hedges_g(const double *x, size_t n_x, const double *y, size_t n_y,
			   double conf_level, struct ps_effect_size *out)
{
	clear(out, conf_level);
	if (!all_finite(x, n_x) || !all_finite(y, n_y))
		return PS_EDATA;
	double mx, vx, my, vy;
	ps_mean_var(x, n_x, &mx, &vx);
	ps_mean_var(y, n_y, &my, &vy);
	return ps_hedges_g_summary(mx, vx, n_x, my, vy, n_y, conf_level, out);
}

enum ps_status ps_cohens_dz(const double *d, size_t n, double conf_level, struct ps_effect_size *out)
{
	clear(out, conf_level);
	if (!(conf_level > 0 && conf_level < 1))
		return PS_EUSAGE;
	if (!all_finite(d, n))
		return PS_EDATA;
	if (n < 2) {
		out->note = "not enough observations: d_z needs at least 2 differences";
		return PS_OK;
	}
	double m, v;
	ps_mean_var(d, n, &m, &v);
	if (!(v > 0)) {
		out->sd = 0;
		out->df = (double)(n - 1);
		out->note = "zero variance of the differences: d_z is undefined";
		return PS_OK;
	}
	return standardise(m, sqrt(v), (double)(n - 1), 1 / (double)n, out);
}
