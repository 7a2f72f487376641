/*
 * Wilcoxon rank-sum and signed-rank tests, following R's stats::wilcox.test.default (R 4.2)
 * step by step, so that the statistic and the p-value agree with R to rounding: the same
 * switch between the exact and the normal p-value, the same order of floating-point
 * operations in the normal approximation, the same summation of exact probabilities as R's
 * pwilcox/psignrank. See docs/methods.md, "Rank tests".
 */
#include "peerstat/ranktest.h"
#include "peerstat/sort.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

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
		/* the probabilities sum to one, so the search ends inside the table */
		for (;;) {
			p += cnt[q] / c;
			if (p >= x || q == (size_t)mn)
				break;
			q++;
		}
		return (double)q;
	}
	x = 1 - x + 10 * DBL_EPSILON;
	for (;;) {
		p += cnt[q] / c;
		if (p > x || q == (size_t)mn)
			return mn - (double)q;
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
	/* the search may walk past the middle of the table: mirror the symmetric half */
	double *full = mirror_full(cnt, half, (size_t)m * n);
	if (!full) {
		free(cnt);
		return PS_ENOMEM;
	}
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
			if (p >= x || q == (size_t)total)
				break;
			q++;
		}
		return (double)q;
	}
	x = 1 - x + 10 * DBL_EPSILON;
	for (;;) {
		p += cnt[q] * f;
		if (p > x || q == (size_t)total)
			return total - (double)q;
		q++;
	}
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
 * An unsigned key that orders as the double does (no NaN here): flip every bit of a negative
 * number, only the sign bit of a positive one. -0 and +0 get neighbouring keys, so they still
 * meet as a tie when equal values are grouped after sorting.
 */
static uint64_t sort_key(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	return (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
}

static uint64_t tagged_key(const void *elem, const void *ctx)
{
	(void)ctx;
	return sort_key(((const struct tagged *)elem)->v);
}

/* Below this size qsort is as fast; above it the radix sort is several times faster. */
#define RADIX_MIN 4096

/*
 * Sort observations by value: the shared LSD radix sort (peerstat/sort.h) on the 64-bit keys
 * above. O(n) time, one scratch array of n. Returns PS_ENOMEM when the scratch cannot be had
 * (s unchanged), else PS_OK.
 */
static enum ps_status sort_tagged(struct tagged *s, size_t n)
{
	if (n < RADIX_MIN) {
		qsort(s, n, sizeof(*s), cmp_tagged);
		return PS_OK;
	}
	return ps_sort_radix(s, n, sizeof(*s), tagged_key, NULL, 64);
}

/*
 * t^3 - t for a tie group of t, rounded as R's NTIES^3 - NTIES: R's `^` computes in long
 * double (powl on x86-64), exact while t^3 < 2^64, then rounds once to double.
 */
static double tie_cube(size_t t)
{
	long double lt = (long double)t;
	double cube = (double)(lt * lt * lt);
	return cube - (double)t;
}

/*
 * Rank sorted values with average ranks for ties (R's rank(ties.method = "average")) and
 * return the sum of the ranks of the tagged ones, the tie term sum(t^3 - t) over tie groups
 * (R: sum(NTIES^3 - NTIES) with NTIES = table(r)) and whether any tie exists. R's sum() adds
 * in long double; ranks are half-integers, so the rank sum is exact either way.
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
		if (j - i > 1) {
			any = 1;
			tt += tie_cube(j - i);
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
	if (sort_tagged(s, N) != PS_OK) {
		free(s);
		return PS_ENOMEM;
	}
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
	if (n > SIZE_MAX / sizeof(struct tagged))
		return PS_ENOMEM;
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
	if (sort_tagged(s, m) != PS_OK) {
		free(s);
		free(nz);
		return PS_ENOMEM;
	}
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
/* Hodges-Lehmann estimates and confidence intervals (R's conf.int = TRUE) */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * R's median() of sorted values: the middle one, or the mean of the middle two computed as
 * R's mean() does (long double sum, then one refinement pass), which can differ from
 * (a + b) / 2 in the last bit.
 */
static double median_sorted(const double *v, size_t n)
{
	if (n == 0)
		return NAN;
	size_t h = n / 2;
	if (n % 2)
		return v[h];
	long double a = v[h - 1], b = v[h];
	long double s = (a + b) / 2;
	long double t = (a - s) + (b - s);
	return (double)(s + t / 2);
}

/* R's signif(x, 2) for 0 < x <= 1 (fprec: scale by 10^e so that the scaled value is >= 10). */
static double signif2(double x)
{
	if (!(x > 0))
		return x;
	int e10 = (int)(2 - 1 - floor(log10(x)));
	double p10 = 1;
	for (int k = 0; k < (e10 > 0 ? e10 : -e10); k++)
		p10 *= 10;
	if (e10 > 0)
		return nearbyint(x * p10) / p10;
	return nearbyint(x / p10) * p10;
}

/*
 * R's qnorm for the quantiles of the normal-approximation interval: Wichura's AS 241. Outside
 * the central part GSL's inverse is the same computation (same rational function, same
 * Horner order, on the small tail probability itself as R does) and is used. In the central
 * part (|p - 1/2| <= 0.425, conf.level <= 0.85) R multiplies q by the numerator before
 * dividing and forms q from the lower-tail probability (1 - p for lower.tail = FALSE), where
 * GSL rounds differently in the last bit; the root search can turn such a bit into a
 * different step, so R's arithmetic is repeated here.
 */
static double qnorm_central(double q)
{
	double r = .180625 - q * q;
	return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
			45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
		     133.14166789178437745) * r + 3.387132872796366608) /
	       (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
		    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
		 42.313330701600911252) * r + 1.);
}

/* qnorm(p, lower.tail = TRUE) */
static double qnorm_lower(double p)
{
	double q = p - 0.5;
	if (fabs(q) <= .425)
		return qnorm_central(q);
	return gsl_cdf_ugaussian_Pinv(p);
}

/* qnorm(p, lower.tail = FALSE) */
static double qnorm_upper(double p)
{
	double q = (0.5 - p + 0.5) - 0.5;
	if (fabs(q) <= .425)
		return qnorm_central(q);
	return gsl_cdf_ugaussian_Qinv(p);
}

/*
 * R's uniroot turns a non-finite function value into -+DBL_MAX (keeping the sign of -Inf) so
 * that the root search goes on; the same here.
 */
static double finite_like_r(double v)
{
	if (isfinite(v))
		return v;
	return v == -INFINITY ? -DBL_MAX : DBL_MAX;
}

/*
 * Brent's root finder as in Forsythe, Malcolm and Moler (1977), the algorithm behind R's
 * uniroot() (R_zeroin2: f at both ends given, tolerance tol, at most maxit steps). Following
 * it step for step matters: the functions below are step functions of the shift, so the
 * point returned inside a flat stretch depends on the path, and R's value is that point.
 */
static double brent_root(double a, double b, double fa, double fb, double (*f)(double x, void *ctx), void *ctx,
			 double tol, int maxit)
{
	double c = a, fc = fa;
	if (fa == 0)
		return a;
	if (fb == 0)
		return b;
	for (int it = 0; it <= maxit; it++) {
		double prev_step = b - a;
		if (fabs(fc) < fabs(fb)) {
			/* keep b the best approximation so far */
			a = b;
			b = c;
			c = a;
			fa = fb;
			fb = fc;
			fc = fa;
		}
		double tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
		double new_step = (c - b) / 2;
		if (fabs(new_step) <= tol_act || fb == 0)
			return b;
		if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb)) {
			/* interpolation: secant with two points, inverse quadratic with three */
			double p, q, cb = c - b;
			if (a == c) {
				double t1 = fb / fa;
				p = cb * t1;
				q = 1.0 - t1;
			} else {
				double t1, t2;
				q = fa / fc;
				t1 = fb / fc;
				t2 = fb / fa;
				p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
				q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
			}
			if (p > 0)
				q = -q;
			else
				p = -p;
			if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) && p < fabs(prev_step * q / 2))
				new_step = p / q;
		}
		if (fabs(new_step) < tol_act)
			new_step = new_step > 0 ? tol_act : -tol_act;
		a = b;
		fa = fb;
		b += new_step;
		fb = finite_like_r(f(b, ctx));
		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
			c = a;
			fc = fa;
		}
	}
	return b;       /* not converged: R warns and returns the last point too */
}

/* R's uniroot(tol = 1e-4) as wilcox.test calls it (tol.root), maxiter = 1000. */
#define TOL_ROOT 1e-4
#define MAXIT_ROOT 1000

/*
 * The standardised rank-sum statistic as a function of the shift d, R's W(d) inside
 * wilcox.test: the ranks of c(x - d, y), their tie term and the continuity correction. x and y
 * are sorted once (subtracting d keeps the order of x), so each evaluation is a merge, O(N).
 */
struct rs_shift {
	const double *xs, *ys;
	size_t nx, ny;
	int correct;                    /* apply the continuity correction */
	enum ps_rank_alternative alt;
	double zq;                      /* subtracted: the root of W(d) - zq is sought */
};

static double rs_shift_z(double d, void *ctx)
{
	const struct rs_shift *k = ctx;
	size_t i = 0, j = 0, pos = 0;
	long double rank_x = 0, tt = 0;
	while (i < k->nx || j < k->ny) {
		double v;
		if (j >= k->ny || (i < k->nx && k->xs[i] - d <= k->ys[j]))
			v = k->xs[i] - d;
		else
			v = k->ys[j];
		size_t cx = 0, cy = 0;
		while (i < k->nx && k->xs[i] - d == v) {
			i++;
			cx++;
		}
		while (j < k->ny && k->ys[j] == v) {
			j++;
			cy++;
		}
		size_t t = cx + cy;
		double r = ((double)pos + 1 + (double)(pos + t)) / 2;
		rank_x += (long double)r * (long double)cx;
		if (t > 1)
			tt += tie_cube(t);
		pos += t;
	}
	double nx = (double)k->nx, ny = (double)k->ny;
	double dz = (double)rank_x - nx * (nx + 1) / 2 - nx * ny / 2;
	double corr = 0;
	if (k->correct) {
		switch (k->alt) {
		case PS_RANK_GREATER: corr = 0.5; break;
		case PS_RANK_LESS:    corr = -0.5; break;
		default:              corr = dz > 0 ? 0.5 : dz < 0 ? -0.5 : 0; break;
		}
	}
	double sigma = sqrt((nx * ny / 12) * ((nx + ny + 1) - (double)tt / ((nx + ny) * (nx + ny - 1))));
	return (dz - corr) / sigma - k->zq;
}

/*
 * The standardised signed-rank statistic of x - d, R's W(d) for the one-sample interval: the
 * zeros of x - d dropped, ranks of |x - d|. x is sorted once; the negative part of x - d read
 * backwards and the positive part forwards are both increasing in |x - d|, so each evaluation
 * is a merge, O(n).
 */
struct sr_shift {
	const double *xs;
	size_t n;
	int correct;
	enum ps_rank_alternative alt;
	double zq;
};

static double sr_shift_z(double d, void *ctx)
{
	const struct sr_shift *k = ctx;
	/* split: xs[0..neg) - d < 0, xs[neg..pos0) - d == 0, xs[pos0..n) - d > 0 */
	size_t neg = 0, pos0;
	while (neg < k->n && k->xs[neg] - d < 0)
		neg++;
	pos0 = neg;
	while (pos0 < k->n && k->xs[pos0] - d == 0)
		pos0++;
	size_t in = neg, ip = pos0, pos = 0;
	long double sum_pos = 0, tt = 0;
	while (in > 0 || ip < k->n) {
		double an = in > 0 ? -(k->xs[in - 1] - d) : INFINITY;
		double ap = ip < k->n ? k->xs[ip] - d : INFINITY;
		double v = an < ap ? an : ap;
		size_t cn = 0, cp = 0;
		while (in > 0 && -(k->xs[in - 1] - d) == v) {
			in--;
			cn++;
		}
		while (ip < k->n && k->xs[ip] - d == v) {
			ip++;
			cp++;
		}
		size_t t = cn + cp;
		double r = ((double)pos + 1 + (double)(pos + t)) / 2;
		sum_pos += (long double)r * (long double)cp;
		if (t > 1)
			tt += tie_cube(t);
		pos += t;
	}
	double m = (double)pos;
	double zd = (double)sum_pos - m * (m + 1) / 4;
	double sigma = sqrt(m * (m + 1) * (2 * m + 1) / 24 - (double)tt / 48);
	double corr = 0;
	if (k->correct) {
		switch (k->alt) {
		case PS_RANK_GREATER: corr = 0.5; break;
		case PS_RANK_LESS:    corr = -0.5; break;
		default:              corr = zd > 0 ? 0.5 : zd < 0 ? -0.5 : 0; break;
		}
	}
	return (zd - corr) / sigma - k->zq;
}

static const char *const NOTE_LEVEL =
	"the requested confidence level is not achievable with so few observations: conf_level is the level reached";

/* Sorted copy of v (caller frees) or NULL. */
static double *sorted_copy(const double *v, size_t n)
{
	double *out = malloc((n ? n : 1) * sizeof(*out));
	struct tagged *s = malloc((n ? n : 1) * sizeof(*s));
	if (!out || !s) {
		free(out);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		s[i] = (struct tagged){ v[i], 0 };
	if (sort_tagged(s, n) != PS_OK) {
		free(out);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = s[i].v;
	free(s);
	return out;
}

/*
 * Rank sum. Exact case (cnt != NULL): the order statistics of the n_x n_y differences
 * x_i - y_j at R's qwilcox positions, and their median. Otherwise the roots of the
 * standardised statistic as a function of the shift, as R finds them.
 */
static enum ps_status hl_rank_sum(const double *x, size_t nx, const double *y, size_t ny,
				  const struct ps_rank_options *opt, const double *cnt, double c,
				  struct ps_rank_result *res)
{
	double alpha = 1 - opt->conf_level;
	enum ps_rank_alternative alt = opt->alternative;
	res->conf_level = opt->conf_level;
	if (cnt) {
		unsigned m = (unsigned)nx, n = (unsigned)ny;
		size_t mn = nx * ny;
		double *diffs = malloc(mn * sizeof(*diffs));
		if (!diffs)
			return PS_ENOMEM;
		for (size_t i = 0; i < nx; i++)
			for (size_t j = 0; j < ny; j++)
				diffs[i * ny + j] = x[i] - y[j];
		qsort(diffs, mn, sizeof(*diffs), cmp_double);
		double qu = qwilcox_counts(alt == PS_RANK_TWO_SIDED ? alpha / 2 : alpha, m, n, 1, cnt, c);
		if (qu == 0)
			qu = 1;
		size_t iqu = (size_t)qu, iql = mn - iqu;
		double achieved = pwilcox_counts(trunc(qu) - 1, m, n, 1, cnt, c);
		switch (alt) {
		case PS_RANK_GREATER:
			res->conf_low = diffs[iqu - 1];
			res->conf_high = INFINITY;
			break;
		case PS_RANK_LESS:
			res->conf_low = -INFINITY;
			res->conf_high = diffs[iql];
			break;
		default:
			achieved *= 2;
			res->conf_low = diffs[iqu - 1];
			res->conf_high = diffs[iql];
			break;
		}
		if (achieved - alpha > alpha / 2) {
			res->conf_level = 1 - achieved;
			res->note = NOTE_LEVEL;
		}
		res->estimate = median_sorted(diffs, mn);
		free(diffs);
		return PS_OK;
	}

	double *xs = sorted_copy(x, nx), *ys = sorted_copy(y, ny);
	if (!xs || !ys) {
		free(xs);
		free(ys);
		return PS_ENOMEM;
	}
	double mumin = xs[0] - ys[ny - 1], mumax = xs[nx - 1] - ys[0];
	struct rs_shift k = { xs, ys, nx, ny, 1, alt, 0 };
	if (!isfinite(mumin) || !isfinite(mumax)) {
		/* the search range would be infinite; R's uniroot cannot work on it either */
		res->note = "infinite values: no confidence interval or estimate";
		res->conf_level = NAN;
		free(xs);
		free(ys);
		return PS_OK;
	}
	if (!(mumin < mumax)) {
		/* every x equal and every y equal: R stops with an error here */
		if (!res->note)
			res->note = "all values within each group are equal: no confidence interval or estimate";
		res->conf_level = NAN;
		free(xs);
		free(ys);
		return PS_OK;
	}
	double w_min = rs_shift_z(mumin, &k), w_max = rs_shift_z(mumax, &k);
	/* R's root(zq): an end whose statistic is already beyond zq is the bound itself */
	double zq_lo = alt == PS_RANK_GREATER ? qnorm_upper(alpha) : qnorm_upper(alpha / 2);
	double zq_hi = alt == PS_RANK_LESS ? qnorm_lower(alpha) : qnorm_lower(alpha / 2);
	double bound[2] = { -INFINITY, INFINITY };
	const double zq[2] = { zq_lo, zq_hi };
	for (int b = 0; b < 2; b++) {
		if ((b == 0 && alt == PS_RANK_LESS) || (b == 1 && alt == PS_RANK_GREATER))
			continue;
		double fl = w_min - zq[b], fu = w_max - zq[b];
		if (fl <= 0) {
			bound[b] = mumin;
		} else if (fu >= 0) {
			bound[b] = mumax;
		} else {
			k.zq = zq[b];
			bound[b] = brent_root(mumin, mumax, fl, fu, rs_shift_z, &k, TOL_ROOT, MAXIT_ROOT);
		}
	}
	res->conf_low = bound[0];
	res->conf_high = bound[1];
	/* the estimate: R sets correct <- FALSE before it, which its W(d) then sees */
	k.correct = 0;
	k.zq = 0;
	double fl = rs_shift_z(mumin, &k), fu = rs_shift_z(mumax, &k);
	if ((fl > 0 && fu > 0) || (fl < 0 && fu < 0)) {
		res->note = "the Hodges-Lehmann estimate has no sign change to find (R stops here)";
	} else {
		res->estimate = brent_root(mumin, mumax, fl, fu, rs_shift_z, &k, TOL_ROOT, MAXIT_ROOT);
	}
	free(xs);
	free(ys);
	return PS_OK;
}

/*
 * Signed rank. Exact case (cnt != NULL): order statistics of the n (n + 1) / 2 Walsh averages
 * (d_i + d_j) / 2, i <= j, at R's qsignrank positions, and their median. Otherwise R's root
 * search, including its widening of alpha when the requested level is out of reach.
 */
static enum ps_status hl_signed_rank(const double *d, size_t n, const struct ps_rank_options *opt,
				     const double *cnt, struct ps_rank_result *res)
{
	double alpha = 1 - opt->conf_level;
	enum ps_rank_alternative alt = opt->alternative;
	res->conf_level = opt->conf_level;
	if (cnt) {
		unsigned un = (unsigned)n;
		size_t total = n * (n + 1) / 2, w = 0;
		double *walsh = malloc(total * sizeof(*walsh));
		if (!walsh)
			return PS_ENOMEM;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i; j < n; j++)
				walsh[w++] = d[i] + d[j];
		/* R sorts the sums and halves them afterwards (exact: halving is exact) */
		qsort(walsh, total, sizeof(*walsh), cmp_double);
		for (size_t i = 0; i < total; i++)
			walsh[i] /= 2;
		double qu = qsignrank_counts(alt == PS_RANK_TWO_SIDED ? alpha / 2 : alpha, un, 1, cnt);
		if (qu == 0)
			qu = 1;
		size_t iqu = (size_t)qu, iql = total - iqu;
		double achieved = psignrank_counts(trunc(qu) - 1, un, 1, cnt);
		switch (alt) {
		case PS_RANK_GREATER:
			res->conf_low = walsh[iqu - 1];
			res->conf_high = INFINITY;
			break;
		case PS_RANK_LESS:
			res->conf_low = -INFINITY;
			res->conf_high = walsh[iql];
			break;
		default:
			achieved *= 2;
			res->conf_low = walsh[iqu - 1];
			res->conf_high = walsh[iql];
			break;
		}
		if (achieved - alpha > alpha / 2) {
			res->conf_level = 1 - signif2(achieved);
			res->note = NOTE_LEVEL;
		}
		res->estimate = median_sorted(walsh, total);
		free(walsh);
		return PS_OK;
	}

	if (n == 0) {
		/* every difference was zero: R returns NaN bounds at level 0 and estimate NaN */
		res->conf_low = alt == PS_RANK_LESS ? -INFINITY : NAN;
		res->conf_high = alt == PS_RANK_GREATER ? INFINITY : NAN;
		res->conf_level = 0;
		return PS_OK;
	}
	double *xs = sorted_copy(d, n);
	if (!xs)
		return PS_ENOMEM;
	double mumin = xs[0], mumax = xs[n - 1];
	struct sr_shift k = { xs, n, 1, alt, 0 };
	if (!isfinite(mumin) || !isfinite(mumax)) {
		res->note = "infinite values: no confidence interval or estimate";
		res->conf_level = NAN;
		free(xs);
		return PS_OK;
	}
	double w_min = sr_shift_z(mumin, &k);
	double w_max = isfinite(w_min) ? sr_shift_z(mumax, &k) : NAN;
	if (!isfinite(w_max)) {
		/*
		 * All differences equal: R reports NaN bounds (the one-sided infinite bound kept),
		 * level 0 and the midrange as the estimate.
		 */
		res->conf_low = alt == PS_RANK_LESS ? -INFINITY : NAN;
		res->conf_high = alt == PS_RANK_GREATER ? INFINITY : NAN;
		res->conf_level = 0;
		res->estimate = (mumin + mumax) / 2;
		if (!res->note)
			res->note = "all differences are equal: no confidence interval";
		free(xs);
		return PS_OK;
	}
	/* widen alpha until the ends of the data bracket the quantiles, as R does */
	for (;;) {
		int widen;
		switch (alt) {
		case PS_RANK_GREATER:
			widen = w_min - qnorm_upper(alpha) < 0;
			break;
		case PS_RANK_LESS:
			/* R compares with qnorm(alpha / 2) here, and roots at qnorm(alpha) below */
			widen = w_max - qnorm_lower(alpha / 2) > 0;
			break;
		default:
			widen = w_min - qnorm_upper(alpha / 2) < 0 || w_max - qnorm_lower(alpha / 2) > 0;
			break;
		}
		if (!widen || !(alpha < 1))
			break;
		alpha *= 2;
	}
	if (alpha >= 1 || 1 - opt->conf_level < alpha * 0.75) {
		res->conf_level = 1 - (alpha < 1 ? alpha : 1);
		res->note = NOTE_LEVEL;
	}
	double med = median_sorted(xs, n);
	double lo = -INFINITY, hi = INFINITY;
	if (alpha < 1) {
		if (alt != PS_RANK_LESS) {
			double zq = alt == PS_RANK_GREATER ? qnorm_upper(alpha) : qnorm_upper(alpha / 2);
			k.zq = zq;
			lo = brent_root(mumin, mumax, w_min - zq, w_max - zq, sr_shift_z, &k, TOL_ROOT, MAXIT_ROOT);
		}
		if (alt != PS_RANK_GREATER) {
			double zq = alt == PS_RANK_LESS ? qnorm_lower(alpha) : qnorm_lower(alpha / 2);
			k.zq = zq;
			hi = brent_root(mumin, mumax, w_min - zq, w_max - zq, sr_shift_z, &k, TOL_ROOT, MAXIT_ROOT);
		}
	} else {
		if (alt != PS_RANK_LESS)
			lo = med;
		if (alt != PS_RANK_GREATER)
			hi = med;
	}
	res->conf_low = lo;
	res->conf_high = hi;
	k.correct = 0;
	k.zq = 0;
	double fl = sr_shift_z(mumin, &k), fu = sr_shift_z(mumax, &k);
	if ((fl > 0 && fu > 0) || (fl < 0 && fu < 0))
		res->note = "the Hodges-Lehmann estimate has no sign change to find (R stops here)";
	else
		res->estimate = brent_root(mumin, mumax, fl, fu, sr_shift_z, &k, TOL_ROOT, MAXIT_ROOT);
	free(xs);
	return PS_OK;
}
