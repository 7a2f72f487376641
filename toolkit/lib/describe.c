/* Descriptive statistics of one group, digit for digit as R's mean/var/median/quantile. */
#include "peerstat/describe.h"
#include "peerstat/sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_describe_init(struct ps_describe *acc)
{
	acc->values = NULL;
	acc->n = 0;
	acc->cap = 0;
}

static enum ps_status reserve(struct ps_describe *acc, size_t more)
{
	if (acc->n + more <= acc->cap)
		return PS_OK;
	size_t cap = acc->cap ? acc->cap : 64;
	while (cap < acc->n + more) {
		if (cap > ((size_t)-1) / 2 / sizeof(double))
			return PS_ENOMEM;
		cap *= 2;
	}
	double *grown = realloc(acc->values, cap * sizeof(*grown));
	if (!grown)
		return PS_ENOMEM;
	acc->values = grown;
	acc->cap = cap;
	return PS_OK;
}

enum ps_status ps_describe_add(struct ps_describe *acc, double x)
{
	if (!isfinite(x))
		return PS_EDATA;
	enum ps_status st = reserve(acc, 1);
	if (st != PS_OK)
		return st;
	acc->values[acc->n++] = x;
	return PS_OK;
}

enum ps_status ps_describe_merge(struct ps_describe *acc, const struct ps_describe *other)
{
	if (other->n == 0)
		return PS_OK;
	enum ps_status st = reserve(acc, other->n);
	if (st != PS_OK)
		return st;
	memcpy(acc->values + acc->n, other->values, other->n * sizeof(double));
	acc->n += other->n;
	return PS_OK;
}

void ps_describe_release(struct ps_describe *acc)
{
	free(acc->values);
	ps_describe_init(acc);
}

void ps_mean_var(const double *x, size_t n, double *mean, double *var)
{
	*mean = NAN;
	*var = NAN;
	if (n == 0)
		return;
	/* R's mean(): long double sum, then add the mean residual to absorb rounding */
	long double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	s /= (long double)n;
	if (isfinite((double)s)) {
		long double t = 0;
		for (size_t i = 0; i < n; i++)
			t += x[i] - s;
		s += t / (long double)n;
	}
	double m = (double)s;
	*mean = m;
	if (n < 2)
		return;
	/* R's var(): deviations from the double mean in double, squared sum in long double */
	long double ss = 0;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - m;
		ss += d * d;
	}
	*var = (double)(ss / (long double)(n - 1));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* R's quantile(type = 7) on sorted data: (1 - h) x[lo] + h x[hi], 1-based index 1 + (n-1) p */
static double quantile7(const double *sorted, size_t n, double p)
{
	double index = 1 + (double)(n - 1) * p;
	double lo = floor(index), hi = ceil(index);
	double qs = sorted[(size_t)lo - 1];
	double xhi = sorted[(size_t)hi - 1];
	if (index > lo && xhi != qs) {
		double h = index - lo;
		qs = (1 - h) * qs + h * xhi;
	}
	return qs;
}

static void compute(double *sorted, size_t n, struct ps_describe_result *out)
{
	out->n = n;
	out->note = NULL;
	out->mean = out->sd = out->se = out->var = NAN;
	out->median = out->q1 = out->q3 = out->min = out->max = NAN;
	if (n == 0) {
		out->note = "no values";
		return;
	}
	ps_mean_var(sorted, n, &out->mean, &out->var);
	/* the mean must not depend on the order of the values: sort first, then sum */
	out->min = sorted[0];
	out->max = sorted[n - 1];
	if (n % 2)
		out->median = sorted[n / 2];
	else {
		/* R's median() is mean() of the two middle values: exact sum, one rounding */
		long double s = (long double)sorted[n / 2 - 1] + sorted[n / 2];
		out->median = (double)(s / 2);
	}
	out->q1 = quantile7(sorted, n, 0.25);
	out->q3 = quantile7(sorted, n, 0.75);
	if (n < 2) {
		out->note = "one value: no standard deviation";
		return;
	}
	out->sd = sqrt(out->var);
	out->se = out->sd / sqrt((double)n);
}

/* Below this many values qsort is as fast as the radix sort. */
#define RADIX_MIN 4096

static uint64_t double_key(const void *elem, const void *ctx)
{
	(void)ctx;
	return ps_sort_key_double(*(const double *)elem);
}

enum ps_status ps_describe_finish(struct ps_describe *acc, struct ps_describe_result *out)
{
	if (acc->n >= RADIX_MIN) {
		/* O(n) instead of qsort's O(n log n): a quarter of a million values is common here */
		enum ps_status st = ps_sort_radix(acc->values, acc->n, sizeof(double), double_key, NULL, 64);
		if (st != PS_OK)
			return st;
	} else if (acc->n > 1) {
		qsort(acc->values, acc->n, sizeof(double), cmp_double);
	}
	compute(acc->values, acc->n, out);
	return PS_OK;
}

enum ps_status ps_describe_array(const double *x, size_t n, struct ps_describe_result *out)
{
	struct ps_describe acc;
	ps_describe_init(&acc);
	enum ps_status st = PS_OK;
	for (size_t i = 0; i < n && st == PS_OK; i++)
		st = ps_describe_add(&acc, x[i]);
	if (st == PS_OK)
		st = ps_describe_finish(&acc, out);
	ps_describe_release(&acc);
	return st;
}
