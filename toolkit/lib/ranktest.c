/*
 * Wilcoxon rank-sum and signed-rank tests, following R's stats::wilcox.test.default (R 4.2)
 * step by step, so that the statistic and the p-value agree with R to rounding: the same
 * switch between the exact and the normal p-value, the same order of floating-point
 * operations in the normal approximation, the same summation of exact probabilities as R's
 * pwilcox/psignrank. See docs/methods.md, "Rank tests".
 */
#include "peerstat/ranktest.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* ---------------------------------------------------------------------------------------- */
/* growing arrays */

void ps_rank_values_init(struct ps_rank_values *a)
{
	a->v = NULL;
	a->n = 0;
	a->cap = 0;
}

static enum ps_status reserve(struct ps_rank_values *a, size_t extra)
{
	if (extra <= a->cap - a->n)
		return PS_OK;
	if (extra > SIZE_MAX / sizeof(double) - a->n)
		return PS_ENOMEM;
	size_t want = a->n + extra;
	size_t cap = a->cap ? a->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / (2 * sizeof(double)) ? want : cap * 2;
	double *v = realloc(a->v, cap * sizeof(*v));
	if (!v)
		return PS_ENOMEM;
	a->v = v;
	a->cap = cap;
	return PS_OK;
}

enum ps_status ps_rank_values_add(struct ps_rank_values *a, double value)
{
	if (isnan(value))
		return PS_EDATA;
	enum ps_status st = reserve(a, 1);
	if (st != PS_OK)
		return st;
	a->v[a->n++] = value;
	return PS_OK;
}

enum ps_status ps_rank_values_merge(struct ps_rank_values *dst, const struct ps_rank_values *src)
{
	if (src->n == 0)
		return PS_OK;
	enum ps_status st = reserve(dst, src->n);
	if (st != PS_OK)
		return st;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(double));
	dst->n += src->n;
	return PS_OK;
}

void ps_rank_values_release(struct ps_rank_values *a)
{
	free(a->v);
	ps_rank_values_init(a);
}

/* ---------------------------------------------------------------------------------------- */
/* exact null distributions */

/* log(2) as <math.h>'s M_LN2, which strict C11 does not declare */
#define LN2 0.693147180559945309417232121458

/* Tables larger than this many doubles are refused: 128 MiB, far beyond R's n < 50 rule. */
#define MAX_TABLE ((size_t)1 << 24)

/*
 * Frequencies of the Mann-Whitney U for group sizes m, n, for u = 0..half where
 * half = floor(m n / 2) (the distribution is symmetric). Built by the recurrence on the
 * largest observation, f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u): if it belongs to the
 * i-group it beats all j others. Only additions of nonnegative counts, so the doubles carry
 * relative rounding of a few ulps at most, as R's cwilcox (which uses the same recurrence).
 * Rows over i are kept for the smaller group; the larger is rolled over in place.
 * Returns a malloc'ed array of half + 1 counts (caller frees) or NULL.
 */
static double *wilcox_counts(unsigned m, unsigned n, size_t *half_out)
{
	if (m > n) {
		unsigned t = m;
		m = n;
		n = t;
	}
	size_t half = ((size_t)m * n) / 2;
	size_t width = half + 1;
	double *f = calloc((size_t)(m + 1) * width, sizeof(*f));
	if (!f)
		return NULL;
	for (unsigned i = 0; i <= m; i++)
		f[(size_t)i * width] = 1;   /* j = 0: only u = 0 */
	for (unsigned j = 1; j <= n; j++) {
		for (unsigned i = 1; i <= m; i++) {
			double *row = f + (size_t)i * width;
			const double *below = f + (size_t)(i - 1) * width;
			for (size_t u = j; u <= half; u++)
				row[u] += below[u - j];
		}
	}
	double *out = malloc(width * sizeof(*out));
	if (out)
		memcpy(out, f + (size_t)m * width, width * sizeof(*out));
	free(f);
	*half_out = half;
	return out;
}

/*
 * R's lgammacor(x) for x >= 10: the remainder of Stirling's series for log Gamma, as a
 * Chebyshev series with the first five of Fullerton's (SLATEC) coefficients, which is what R
 * uses for double precision. Only needed to reproduce R's choose() below.
 */
static double lgammacor_like_r(double x)
{
	static const double algmcs[5] = {
		+.1666389480451863247205729650822e+0,
		-.1384948176067563840732986059135e-4,
		+.9810825646924729426157171547487e-8,
		-.1809129475572494194263306266719e-10,
		+.6221098041892605227126015543416e-13,
	};
	if (x >= 94906265.62425156)     /* 1 / sqrt(DBL_EPSILON / 2): the series is 1 / 12x */
		return 1 / (x * 12);
	double t = 10 / x;
	double u = t * t * 2 - 1, twox = u * 2, b0 = 0, b1 = 0, b2 = 0;
	for (int i = 1; i <= 5; i++) {
		b2 = b1;
		b1 = b0;
		b0 = twox * b1 - b2 + algmcs[5 - i];
	}
	return (b0 - b2) * 0.5 / x;
}

/*
 * R's choose(N, k), the normaliser in pwilcox: multiplied out when the smaller of k, N - k is
 * below 30, otherwise exp(-log(N + 1) - lbeta(N - k + 1, k + 1)) rounded, with R's lbeta for
 * arguments >= 10. The latter is off the true binomial by a few 1e-15 relative (for 98 choose
 * 49 the exact sum of the counts differs by 4e-15); reproducing it keeps peerstat's p-values
 * and quantiles on R's side of every rounding, e.g. qwilcox(0.5, 49, 49) = 1201.
 */
static double choose_like_r(unsigned N, unsigned k)
{
	if (k > N)
		return 0;
	if (N - k < k)
		k = N - k;
	if (k == 0)
		return 1;
	if (k < 30) {
		double n = N, r = n;
		for (unsigned j = 2; j <= k; j++)
			r *= (n - j + 1) / j;
		return nearbyint(r);
	}
	double p = k + 1.0, q = N - k + 1.0;   /* p = min, q = max of the lbeta arguments */
	double corr = lgammacor_like_r(p) + lgammacor_like_r(q) - lgammacor_like_r(p + q);
	double lbeta = log(q) * -0.5 + 0.918938533204672741780329736406 + corr +
		       (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q));
	return nearbyint(exp(-log(N + 1.0) - lbeta));
}

static int wilcox_size_ok(unsigned m, unsigned n)
{
	if (m == 0 || n == 0)
		return 0;
	unsigned small = m < n ? m : n;
	double cells = ((double)small + 1) * ((double)m * n / 2 + 1);
	return cells <= (double)MAX_TABLE;
}

/* pwilcox with the counts already at hand (see ps_pwilcox). */
static double pwilcox_counts(double q, unsigned m, unsigned n, int lower_tail, const double *cnt, double c)
{
	double mn = (double)m * n;
	q = floor(q + 1e-7);
	if (q < 0)
		return lower_tail ? 0 : 1;
	if (q >= mn)
		return lower_tail ? 1 : 0;
	double p = 0;
	/* sum the shorter tail, as R does, and take the complement at the end */
	if (q <= mn / 2) {
		for (size_t i = 0; i <= (size_t)q; i++)
			p += cnt[i] / c;
	} else {
		size_t top = (size_t)(mn - q);
		for (size_t i = 0; i < top; i++)
			p += cnt[i] / c;
		lower_tail = !lower_tail;
	}
	return lower_tail ? p : (0.5 - p + 0.5);
}

/* qwilcox with the counts at hand: R's search, including its 10 DBL_EPSILON fuzz. */
static double qwilcox_counts(double x, unsigned m, unsigned n, int lower_tail, const double *cnt, double c)
{
	double mn = (double)m * n;
	if (x == (lower_tail ? 0.0 : 1.0))
		return 0;
	if (x == (lower_tail ? 1.0 : 0.0))
		return mn;
	if (!lower_tail)
		x = 0.5 - x + 0.5;
	double p = 0;
	size_t q = 0;
	if (x <= 0.5) {
		x = x - 10 * DBL_EPSILON;
		for (;;) {
			p += cnt[q] / c;
			if (p >= x)
				break;
			q++;
		}
		return (double)q;
	}
	x = 1 - x + 10 * DBL_EPSILON;
	for (;;) {
		p += cnt[q] / c;
		if (p > x)
			return mn - (double)q;
		q++;
	}
}

enum ps_status ps_pwilcox(double q, unsigned m, unsigned n, int lower_tail, double *out)
{
	if (!wilcox_size_ok(m, n) || isnan(q))
		return PS_EDATA;
	size_t half;
	double *cnt = wilcox_counts(m, n, &half);
	if (!cnt)
		return PS_ENOMEM;
	*out = pwilcox_counts(q, m, n, lower_tail, cnt, choose_like_r(m + n, n));
	free(cnt);
	return PS_OK;
}

enum ps_status ps_qwilcox(double p, unsigned m, unsigned n, int lower_tail, double *out)
{
	if (!wilcox_size_ok(m, n) || !(p >= 0 && p <= 1))
		return PS_EDATA;
	size_t half;
	double *cnt = wilcox_counts(m, n, &half);
	if (!cnt)
		return PS_ENOMEM;
	/*
	 * The search may walk past the middle of the table when p is close to 1/2; mirror the
	 * index there (the distribution is symmetric) instead of keeping the full table.
	 */
	size_t width = (size_t)m * n + 1;
	double *full = malloc(width * sizeof(*full));
	if (!full) {
		free(cnt);
		return PS_ENOMEM;
	}
	for (size_t u = 0; u < width; u++)
		full[u] = u <= half ? cnt[u] : cnt[width - 1 - u];
	*out = qwilcox_counts(p, m, n, lower_tail, full, choose_like_r(m + n, n));
	free(full);
	free(cnt);
	return PS_OK;
}

/*
 * Frequencies of the signed-rank V for n differences, v = 0..floor(n (n+1) / 4): the number
 * of subsets of {1..n} with sum v, by adding the numbers one at a time (R's csignrank does the
 * same). The counts are below 2^n, exact in doubles for n <= 53.
 */
static double *signrank_counts(unsigned n)
{
	size_t total = (size_t)n * (n + 1) / 2;
	size_t half = total / 2;
	double *w = calloc(half + 1, sizeof(*w));
	if (!w)
		return NULL;
	w[0] = 1;
	for (size_t j = 1; j <= n; j++) {
		size_t top = j * (j + 1) / 2;
		if (top > half)
			top = half;
		for (size_t k = top; k >= j; k--)
			w[k] += w[k - j];
	}
	return w;
}

static int signrank_size_ok(unsigned n)
{
	return n > 0 && (double)n * (n + 1) / 4 + 1 <= (double)MAX_TABLE;
}

static double psignrank_counts(double x, unsigned n, int lower_tail, const double *cnt)
{
	double dn = n;
	double total = dn * (dn + 1) / 2;
	x = floor(x + 1e-7);
	if (x < 0)
		return lower_tail ? 0 : 1;
	if (x >= total)
		return lower_tail ? 1 : 0;
	double f = exp(-dn * LN2);
	double p = 0;
	if (x <= dn * (dn + 1) / 4) {
		for (size_t i = 0; i <= (size_t)x; i++)
			p += cnt[i] * f;
	} else {
		size_t top = (size_t)(total - x);
		for (size_t i = 0; i < top; i++)
			p += cnt[i] * f;
		lower_tail = !lower_tail;
	}
	return lower_tail ? p : (0.5 - p + 0.5);
}

/* The full table (both halves) is needed by the quantile search; cnt is the full table. */
static double qsignrank_counts(double x, unsigned n, int lower_tail, const double *cnt)
{
	double dn = n;
	double total = dn * (dn + 1) / 2;
	if (x == (lower_tail ? 0.0 : 1.0))
		return 0;
	if (x == (lower_tail ? 1.0 : 0.0))
		return total;
	if (!lower_tail)
		x = 0.5 - x + 0.5;
	double f = exp(-dn * LN2);
	double p = 0;
	size_t q = 0;
	if (x <= 0.5) {
		x = x - 10 * DBL_EPSILON;
		for (;;) {
			p += cnt[q] * f;
			if (p >= x)
				break;
			q++;
		}
		return (double)q;
	}
	x = 1 - x + 10 * DBL_EPSILON;
	for (;;) {
		p += cnt[q] * f;
		if (p > x)
			return total - (double)q;
		q++;
	}
}

/* Mirror a half table of a symmetric distribution on 0..total into a full one (caller frees). */
static double *mirror_full(const double *half_cnt, size_t half, size_t total)
{
	double *full = malloc((total + 1) * sizeof(*full));
	if (!full)
		return NULL;
	for (size_t u = 0; u <= total; u++)
		full[u] = u <= half ? half_cnt[u] : half_cnt[total - u];
	return full;
}

enum ps_status ps_psignrank(double q, unsigned n, int lower_tail, double *out)
{
	if (!signrank_size_ok(n) || isnan(q))
		return PS_EDATA;
	double *cnt = signrank_counts(n);
	if (!cnt)
		return PS_ENOMEM;
	*out = psignrank_counts(q, n, lower_tail, cnt);
	free(cnt);
	return PS_OK;
}

enum ps_status ps_qsignrank(double p, unsigned n, int lower_tail, double *out)
{
	if (!signrank_size_ok(n) || !(p >= 0 && p <= 1))
		return PS_EDATA;
	double *cnt = signrank_counts(n);
	if (!cnt)
		return PS_ENOMEM;
	size_t total = (size_t)n * (n + 1) / 2;
	double *full = mirror_full(cnt, total / 2, total);
	free(cnt);
	if (!full)
		return PS_ENOMEM;
	*out = qsignrank_counts(p, n, lower_tail, full);
	free(full);
	return PS_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* ranking */

/* One pooled observation: its value and a tag (rank sum: 1 = x; signed rank: 1 = positive). */
struct tagged {
	double v;
	int tag;
};

static int cmp_tagged(const void *a, const void *b)
{
	double x = ((const struct tagged *)a)->v, y = ((const struct tagged *)b)->v;
	return (x > y) - (x < y);
}

/*
 * Rank sorted values with average ranks for ties (R's rank(ties.method = "average")) and
 * return the sum of the ranks of the tagged ones, the tie term sum(t^3 - t) over tie groups
 * (R: sum(NTIES^3 - NTIES) with NTIES = table(r)) and whether any tie exists. R's sum() adds
 * in long double; ranks are half-integers, so the rank sum is exact either way. t^3 goes
 * through pow() as R's `^` does, for the same rounding once t^3 passes 2^53.
 */
static void rank_sorted(const struct tagged *s, size_t n, double *rank_sum, double *tie_term, int *ties)
{
	long double rs = 0, tt = 0;
	int any = 0;
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && s[j].v == s[i].v)
			j++;
		/* positions i..j-1 (0-based) get ranks i+1..j: average (i + 1 + j) / 2 */
		double r = ((double)i + 1 + (double)j) / 2;
		size_t tagged = 0;
		for (size_t k = i; k < j; k++)
			tagged += s[k].tag != 0;
		rs += (long double)r * (long double)tagged;
		double t = (double)(j - i);
		if (j - i > 1) {
			any = 1;
			tt += pow(t, 3.0) - t;
		}
		i = j;
	}
	*rank_sum = (double)rs;
	*tie_term = (double)tt;
	*ties = any;
}

static int has_nan(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(v[i]))
			return 1;
	return 0;
}

static void result_clear(struct ps_rank_result *res)
{
	res->statistic = NAN;
	res->p_value = NAN;
	res->z = NAN;
	res->exact = 0;
	res->method = PS_RANK_METHOD_NORMAL;
	res->n_x = res->n_y = res->n_zero = 0;
	res->ties = 0;
	res->estimate = res->conf_low = res->conf_high = res->conf_level = NAN;
	res->note = NULL;
}

/*
 * R's normal approximation given the centred statistic (W - m n / 2 or V - n (n+1) / 4) and
 * SIGMA: continuity correction sign(z) / 2 two-sided, +-1/2 one-sided, then pnorm. The two
 * tails come from GSL's ugaussian P and Q, which follow Cody's algorithm as R's pnorm does.
 */
static double normal_p(double centred, double sigma, enum ps_rank_alternative alt, double *z_out)
{
	double corr;
	switch (alt) {
	case PS_RANK_GREATER: corr = 0.5; break;
	case PS_RANK_LESS:    corr = -0.5; break;
	default:              corr = centred > 0 ? 0.5 : centred < 0 ? -0.5 : 0; break;
	}
	double z = (centred - corr) / sigma;
	*z_out = z;
	switch (alt) {
	case PS_RANK_GREATER: return gsl_cdf_ugaussian_Q(z);
	case PS_RANK_LESS:    return gsl_cdf_ugaussian_P(z);
	default: {
		double lo = gsl_cdf_ugaussian_P(z), hi = gsl_cdf_ugaussian_Q(z);
		return 2 * (lo < hi ? lo : hi);
	}
	}
}

static int options_ok(const struct ps_rank_options *opt)
{
	if (opt->alternative != PS_RANK_TWO_SIDED && opt->alternative != PS_RANK_LESS &&
	    opt->alternative != PS_RANK_GREATER)
		return 0;
	return !opt->conf_int || (opt->conf_level > 0 && opt->conf_level < 1);
}

/* ---------------------------------------------------------------------------------------- */
/* Hodges-Lehmann estimates and intervals (defined further down) */

static enum ps_status hl_rank_sum(const double *x, size_t nx, const double *y, size_t ny,
				  const struct ps_rank_options *opt, const double *cnt, double c,
				  struct ps_rank_result *res);
static enum ps_status hl_signed_rank(const double *d, size_t n, const struct ps_rank_options *opt,
				     const double *cnt, struct ps_rank_result *res);

/* ---------------------------------------------------------------------------------------- */
/* the tests */

enum ps_status ps_rank_sum_test(const double *x, size_t n_x, const double *y, size_t n_y,
				const struct ps_rank_options *opt, struct ps_rank_result *res)
{
	static const struct ps_rank_options defaults = PS_RANK_OPTIONS_INIT;
	if (!opt)
		opt = &defaults;
	result_clear(res);
	if (!options_ok(opt) || has_nan(x, n_x) || has_nan(y, n_y))
		return PS_EDATA;
	res->n_x = n_x;
	res->n_y = n_y;
	if (n_x == 0 || n_y == 0) {
		res->note = "a group is empty: the rank-sum test needs observations in both groups";
		return PS_OK;
	}
	if (n_x > SIZE_MAX / sizeof(struct tagged) - n_y)
		return PS_ENOMEM;
	size_t N = n_x + n_y;
	struct tagged *s = malloc(N * sizeof(*s));
	if (!s)
		return PS_ENOMEM;
	for (size_t i = 0; i < n_x; i++)
		s[i] = (struct tagged){ x[i], 1 };
	for (size_t j = 0; j < n_y; j++)
		s[n_x + j] = (struct tagged){ y[j], 0 };
	qsort(s, N, sizeof(*s), cmp_tagged);
	double rank_sum, tie_term;
	int ties;
	rank_sorted(s, N, &rank_sum, &tie_term, &ties);
	free(s);

	double nx = (double)n_x, ny = (double)n_y;
	double W = rank_sum - nx * (nx + 1) / 2;
	res->statistic = W;
	res->ties = ties;
	enum ps_rank_alternative alt = opt->alternative;
	enum ps_status st = PS_OK;

	if (n_x < 50 && n_y < 50 && !ties) {
		unsigned m = (unsigned)n_x, n = (unsigned)n_y;
		size_t half;
		double *half_cnt = wilcox_counts(m, n, &half);
		if (!half_cnt)
			return PS_ENOMEM;
		double *cnt = mirror_full(half_cnt, half, (size_t)m * n);
		free(half_cnt);
		if (!cnt)
			return PS_ENOMEM;
		double c = choose_like_r(m + n, n);
		res->exact = 1;
		res->method = PS_RANK_METHOD_EXACT;
		double p;
		switch (alt) {
		case PS_RANK_GREATER:
			p = pwilcox_counts(W - 1, m, n, 0, cnt, c);
			break;
		case PS_RANK_LESS:
			p = pwilcox_counts(W, m, n, 1, cnt, c);
			break;
		default:
			p = W > nx * ny / 2 ? pwilcox_counts(W - 1, m, n, 0, cnt, c)
					    : pwilcox_counts(W, m, n, 1, cnt, c);
			p = 2 * p < 1 ? 2 * p : 1;
			break;
		}
		res->p_value = p;
		if (opt->conf_int)
			st = hl_rank_sum(x, n_x, y, n_y, opt, cnt, c, res);
		free(cnt);
		return st;
	}

	double sigma = sqrt((nx * ny / 12) * ((nx + ny + 1) - tie_term / ((nx + ny) * (nx + ny - 1))));
	if (!(sigma > 0)) {
		/*
		 * Every value is the same: the ranks carry no information. R gives NaN two-sided
		 * and, one-sided, a p-value of 1 from z = -+Inf; both are the same undefined test.
		 */
		res->note = "all values are tied: the rank-sum test is undefined";
	} else {
		res->p_value = normal_p(W - nx * ny / 2, sigma, alt, &res->z);
	}
	if (opt->conf_int)
		st = hl_rank_sum(x, n_x, y, n_y, opt, NULL, 0, res);
	return st;
}

enum ps_status ps_signed_rank_test(const double *d, size_t n, const struct ps_rank_options *opt,
				   struct ps_rank_result *res)
{
	static const struct ps_rank_options defaults = PS_RANK_OPTIONS_INIT;
	if (!opt)
		opt = &defaults;
	result_clear(res);
	if (!options_ok(opt) || has_nan(d, n))
		return PS_EDATA;
	if (n == 0) {
		res->note = "no differences: the signed-rank test needs at least one pair";
		return PS_OK;
	}
	/* drop the zeros (R: x <- x[x != 0]) and rank the absolute values */
	double *nz = malloc(n * sizeof(*nz));
	struct tagged *s = malloc(n * sizeof(*s));
	if (!nz || !s) {
		free(nz);
		free(s);
		return PS_ENOMEM;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == 0)
			continue;
		nz[m] = d[i];
		s[m] = (struct tagged){ fabs(d[i]), d[i] > 0 };
		m++;
	}
	res->n_x = m;
	res->n_zero = n - m;
	qsort(s, m, sizeof(*s), cmp_tagged);
	double V, tie_term;
	int ties;
	rank_sorted(s, m, &V, &tie_term, &ties);
	free(s);
	res->statistic = V;
	res->ties = ties;
	enum ps_rank_alternative alt = opt->alternative;
	enum ps_status st = PS_OK;
	double dm = (double)m;

	if (m < 50 && !ties && res->n_zero == 0) {
		unsigned k = (unsigned)m;
		double *half_cnt = signrank_counts(k);
		size_t total = (size_t)k * (k + 1) / 2;
		double *cnt = half_cnt ? mirror_full(half_cnt, total / 2, total) : NULL;
		free(half_cnt);
		if (!cnt) {
			free(nz);
			return PS_ENOMEM;
		}
		res->exact = 1;
		res->method = PS_RANK_METHOD_EXACT;
		double p;
		switch (alt) {
		case PS_RANK_GREATER:
			p = psignrank_counts(V - 1, k, 0, cnt);
			break;
		case PS_RANK_LESS:
			p = psignrank_counts(V, k, 1, cnt);
			break;
		default:
			p = V > dm * (dm + 1) / 4 ? psignrank_counts(V - 1, k, 0, cnt)
						  : psignrank_counts(V, k, 1, cnt);
			p = 2 * p < 1 ? 2 * p : 1;
			break;
		}
		res->p_value = p;
		if (opt->conf_int)
			st = hl_signed_rank(nz, m, opt, cnt, res);
		free(cnt);
		free(nz);
		return st;
	}

	double sigma = sqrt(dm * (dm + 1) * (2 * dm + 1) / 24 - tie_term / 48);
	if (!(sigma > 0))
		res->note = "all differences are zero: the signed-rank test is undefined";
	else
		res->p_value = normal_p(V - dm * (dm + 1) / 4, sigma, alt, &res->z);
	if (opt->conf_int)
		st = hl_signed_rank(nz, m, opt, NULL, res);
	free(nz);
	return st;
}

/* ---------------------------------------------------------------------------------------- */
/* Hodges-Lehmann */

static enum ps_status hl_rank_sum(const double *x, size_t nx, const double *y, size_t ny,
				  const struct ps_rank_options *opt, const double *cnt, double c,
				  struct ps_rank_result *res)
{
	(void)x; (void)nx; (void)y; (void)ny; (void)opt; (void)cnt; (void)c; (void)res;
	return PS_OK;
}

static enum ps_status hl_signed_rank(const double *d, size_t n, const struct ps_rank_options *opt,
				     const double *cnt, struct ps_rank_result *res)
{
	(void)d; (void)n; (void)opt; (void)cnt; (void)res;
	return PS_OK;
}
