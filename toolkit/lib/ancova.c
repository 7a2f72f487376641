/*
 * ANCOVA by least squares: R's rank decisions (dqrdc2's limited pivoting) on a Householder
 * pass of our own, then the fit of the estimable columns with GSL's QR, as lm.fit + summary.lm.
 */
#include "peerstat/ancova.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/ttest.h"

#define RANK_TOL 1e-7  /* lm.fit's tol: qr(x, tol = 1e-07) */

/* Euclidean norm of v[0..n-1], scaled against overflow as BLAS dnrm2 */
static double norm2(const double *v, size_t n)
{
	double scale = 0, ssq = 1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == 0)
			continue;
		double a = fabs(v[i]);
		if (scale < a) {
			ssq = 1 + ssq * (scale / a) * (scale / a);
			scale = a;
		} else {
			ssq += (a / scale) * (a / scale);
		}
	}
	return scale * sqrt(ssq);
}

/*
 * Decide which of the p columns of x (n rows, column-major, overwritten) are estimable, the
 * way dqrdc2 does: column l is moved to the end while the norm of its part below row l (after
 * the reflections of the kept columns before it) is under RANK_TOL times its original norm.
 * keep[j] is set to 1 for kept columns; returns the rank.
 */
static size_t estimable_columns(double *x, size_t n, size_t p, int *keep)
{
	size_t *order = malloc(p * sizeof(*order));
	double *orig = malloc(p * sizeof(*orig));
	if (!order || !orig) {
		free(order);
		free(orig);
		return (size_t)-1;
	}
	for (size_t j = 0; j < p; j++) {
		order[j] = j;
		orig[j] = norm2(x + j * n, n);
		if (orig[j] == 0)
			orig[j] = 1;  /* a zero column: its norm 0 is below any tolerance */
		keep[j] = 0;
	}
	size_t k = p;  /* columns order[0..k-1] are still candidates */
	size_t l = 0;
	while (l < k && l < n) {
		size_t c = order[l];
		double *col = x + c * n;
		if (norm2(col + l, n - l) < orig[c] * RANK_TOL) {
			/* negligible: rotate it to the end, the others keep their order */
			memmove(order + l, order + l + 1, (p - l - 1) * sizeof(*order));
			order[p - 1] = c;
			k--;
			continue;
		}
		if (l + 1 < n) {
			/* Householder reflection zeroing col[l+1..n-1], applied to the later candidates */
			double alpha = norm2(col + l, n - l);
			if (col[l] > 0)
				alpha = -alpha;
			double v0 = col[l] - alpha;
			double vnorm2 = v0 * v0;
			for (size_t i = l + 1; i < n; i++)
				vnorm2 += col[i] * col[i];
			if (vnorm2 > 0) {
				for (size_t m = l + 1; m < k; m++) {
					double *other = x + order[m] * n;
					double dot = v0 * other[l];
					for (size_t i = l + 1; i < n; i++)
						dot += col[i] * other[i];
					double f = 2 * dot / vnorm2;
					other[l] -= f * v0;
					for (size_t i = l + 1; i < n; i++)
						other[i] -= f * col[i];
				}
			}
			col[l] = alpha;
			for (size_t i = l + 1; i < n; i++)
				col[i] = 0;
		}
		keep[c] = 1;
		l++;
	}
	free(order);
	free(orig);
	return l;
}

void ps_ancova_result_release(struct ps_ancova_result *res)
{
	free(res->terms);
	res->terms = NULL;
	res->n_terms = 0;
}

static void clear(struct ps_ancova_result *out, size_t n, double conf_level)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->df_residual = out->sigma = out->r_squared = out->adj_r_squared = NAN;
	out->conf_level = conf_level;
	for (int g = 0; g < 2; g++)
		out->adjusted_mean[g] = out->adjusted_mean_se[g] = out->adjusted_mean_low[g] =
			out->adjusted_mean_high[g] = NAN;
}

static double column_value(const double *y, const double *group, const double *const *cov,
			   size_t ncov, size_t j, size_t i)
{
	(void)y;
	if (j == 0)
		return 1;
	if (j <= ncov)
		return cov[j - 1][i];
	return group[i];
}

/*
 * emmeans' reference grid for one factor and numeric covariates: x0 = (1, covariate means,
 * g); the adjusted mean is x0'b, its variance sigma^2 |R^-T x0|^2. Only called at full rank.
 */
static enum ps_status adjusted_means(const double *const *cov, size_t ncov, size_t n,
				     const gsl_vector *b, const gsl_matrix *rinv, double resvar,
				     int inference, double q, struct ps_ancova_result *out)
{
	size_t p = ncov + 2;
	double *x0 = malloc(2 * p * sizeof(*x0));
	if (!x0)
		return PS_ENOMEM;
	double *w = x0 + p;
	x0[0] = 1;
	for (size_t j = 0; j < ncov; j++) {
		long double s = 0;
		for (size_t i = 0; i < n; i++)
			s += cov[j][i];
		x0[j + 1] = (double)(s / (long double)n);
	}
	for (int g = 0; g < 2; g++) {
		x0[p - 1] = g;
		double est = 0;
		for (size_t j = 0; j < p; j++)
			est += x0[j] * gsl_vector_get(b, j);
		out->adjusted_mean[g] = est;
		if (!inference)
			continue;
		/* w = R^-T x0, i.e. w_k = sum_{j <= k} Rinv[j][k] x0[j] */
		double ss = 0;
		for (size_t k = 0; k < p; k++) {
			w[k] = 0;
			for (size_t j = 0; j <= k; j++)
				w[k] += gsl_matrix_get(rinv, j, k) * x0[j];
			ss += w[k] * w[k];
		}
		double se = sqrt(ss * resvar);
		out->adjusted_mean_se[g] = se;
		out->adjusted_mean_low[g] = est - q * se;
		out->adjusted_mean_high[g] = est + q * se;
	}
	free(x0);
	return PS_OK;
}

enum ps_status ps_ancova_fit(const double *y, const double *group,
			     const double *const *covariates, size_t n_covariates, size_t n,
			     double conf_level, struct ps_ancova_result *out)
{
	clear(out, n, conf_level);
	if (!(conf_level > 0 && conf_level < 1))
		return PS_EUSAGE;
	if (n == 0)
		return PS_EDATA;
	size_t p = n_covariates + 2;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i]) || !(group[i] == 0 || group[i] == 1))
			return PS_EDATA;
		for (size_t j = 0; j < n_covariates; j++)
			if (!isfinite(covariates[j][i]))
				return PS_EDATA;
	}

	enum ps_status st = PS_ENOMEM;
	double *x = malloc(n * p * sizeof(*x));
	int *keep = malloc(p * sizeof(*keep));
	out->terms = calloc(p, sizeof(*out->terms));
	gsl_matrix *qr = NULL, *rinv = NULL;
	gsl_vector *tau = NULL, *yv = NULL, *b = NULL, *resid = NULL;
	if (!x || !keep || !out->terms)
		goto fail;
	out->n_terms = p;
	for (size_t j = 0; j < p; j++)
		for (size_t i = 0; i < n; i++)
			x[j * n + i] = column_value(y, group, covariates, n_covariates, j, i);
	size_t rank = estimable_columns(x, n, p, keep);
	if (rank == (size_t)-1)
		goto fail;
	out->rank = rank;
	for (size_t j = 0; j < p; j++) {
		struct ps_ancova_term *t = &out->terms[j];
		t->estimate = t->std_error = t->statistic = t->p_value = t->conf_low = t->conf_high = NAN;
		t->aliased = !keep[j];
		if (!keep[j])
			out->note = keep[p - 1] ? "a covariate is aliased (constant, or a linear combination of other columns): its coefficient is not estimable"
						 : "the group indicator is aliased with the covariates (or constant): the adjusted difference is not estimable";
	}

	/* least squares on the kept columns with GSL's Householder QR */
	qr = gsl_matrix_alloc(n, rank);
	tau = gsl_vector_alloc(rank);
	yv = gsl_vector_alloc(n);
	b = gsl_vector_alloc(rank);
	resid = gsl_vector_alloc(n);
	rinv = gsl_matrix_calloc(rank, rank);
	if (!qr || !tau || !yv || !b || !resid || !rinv)
		goto fail;
	for (size_t j = 0, c = 0; j < p; j++) {
		if (!keep[j])
			continue;
		for (size_t i = 0; i < n; i++)
			gsl_matrix_set(qr, i, c, column_value(y, group, covariates, n_covariates, j, i));
		c++;
	}
	for (size_t i = 0; i < n; i++)
		gsl_vector_set(yv, i, y[i]);
	st = PS_EINTERNAL;
	if (gsl_linalg_QR_decomp(qr, tau) != GSL_SUCCESS ||
	    gsl_linalg_QR_lssolve(qr, tau, yv, b, resid) != GSL_SUCCESS)
		goto fail;
	for (size_t r = 0; r < rank; r++)
		for (size_t c = r; c < rank; c++)
			gsl_matrix_set(rinv, r, c, gsl_matrix_get(qr, r, c));
	if (gsl_linalg_tri_invert(CblasUpper, CblasNonUnit, rinv) != GSL_SUCCESS)
		goto fail;

	/* summary.lm: RSS from the residuals, MSS about the mean of the fitted values */
	long double rss = 0, fsum = 0;
	for (size_t i = 0; i < n; i++) {
		double r = gsl_vector_get(resid, i);
		rss += (long double)r * r;
		fsum += y[i] - r;
	}
	double fmean = (double)(fsum / (long double)n);
	long double mss = 0, fvar = 0;
	for (size_t i = 0; i < n; i++) {
		double d = (y[i] - gsl_vector_get(resid, i)) - fmean;
		mss += (long double)d * d;
	}
	fvar = n > 1 ? mss / (long double)(n - 1) : 0;
	double df = (double)(n - rank);
	out->df_residual = df;
	double resvar = df > 0 ? (double)(rss / (long double)df) : NAN;
	out->sigma = sqrt(resvar);
	out->r_squared = (double)(mss / (mss + rss));
	out->adj_r_squared = df > 0 ? 1 - (1 - out->r_squared) * ((double)(n - 1) / df) : NAN;
	int inference = 1;
	if (df <= 0) {
		out->note = "no residual degrees of freedom (as many observations as estimable terms): no standard errors";
		inference = 0;
	} else if (resvar < ((double)fmean * fmean + (double)fvar) * 1e-30 || resvar == 0) {
		/* R's criterion; resvar == 0 adds y identically 0, where R prints t = NaN silently */
		out->note = "essentially perfect fit: standard errors, tests and confidence intervals are unreliable";
		inference = 0;
	}
	double alpha = (1 - conf_level) / 2;
	double q_lo = inference ? gsl_cdf_tdist_Pinv(alpha, df) : NAN;
	double q_hi = inference ? gsl_cdf_tdist_Pinv(1 - alpha, df) : NAN;
	for (size_t j = 0, c = 0; j < p; j++) {
		if (!keep[j])
			continue;
		struct ps_ancova_term *t = &out->terms[j];
		t->estimate = gsl_vector_get(b, c);
		if (inference) {
			double unscaled = 0;
			for (size_t k = c; k < rank; k++) {
				double v = gsl_matrix_get(rinv, c, k);
				unscaled += v * v;
			}
			t->std_error = sqrt(unscaled * resvar);
			t->statistic = t->estimate / t->std_error;
			t->p_value = ps_t_two_sided_p(t->statistic, df);
			t->conf_low = t->estimate + t->std_error * q_lo;
			t->conf_high = t->estimate + t->std_error * q_hi;
		}
		c++;
	}
	st = PS_OK;
	if (rank == p)
		st = adjusted_means(covariates, n_covariates, n, b, rinv, resvar, inference, q_hi, out);
fail:
	free(x);
	free(keep);
	gsl_matrix_free(qr);
	gsl_matrix_free(rinv);
	gsl_vector_free(tau);
	gsl_vector_free(yv);
	gsl_vector_free(b);
	gsl_vector_free(resid);
	if (st != PS_OK)
		ps_ancova_result_release(out);
	return st;
}
