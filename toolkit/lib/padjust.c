/* Holm and Benjamini-Hochberg adjustments, the arithmetic of R's p.adjust. */
#include "peerstat/padjust.h"

#include <math.h>
#include <stdlib.h>

struct item {
	double p;
	size_t index;  /* position in the caller's array; breaks ties so the sort is stable */
};

static int ascending(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int descending(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

const char *ps_padjust_name(enum ps_padjust_method method)
{
	return method == PS_PADJUST_HOLM ? "holm" : "BH";
}

enum ps_status ps_padjust(const double *p, size_t n, enum ps_padjust_method method, double *adjusted)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(p[i]))
			continue;
		if (!(p[i] >= 0 && p[i] <= 1))
			return PS_EDATA;
		m++;
	}
	if (m == 0) {
		for (size_t i = 0; i < n; i++)
			adjusted[i] = NAN;
		return PS_OK;
	}
	struct item *items = malloc(m * sizeof(*items));
	if (!items)
		return PS_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]))
			items[k++] = (struct item){ p[i], i };
	for (size_t i = 0; i < n; i++)
		adjusted[i] = NAN;  /* safe when adjusted == p: the values are in items now */
	double nm = (double)m;
	if (method == PS_PADJUST_HOLM) {
		/* pmin(1, cummax((n - i + 1) * p[o])), i = 1..n in ascending order */
		qsort(items, m, sizeof(*items), ascending);
		double run = -INFINITY;
		for (size_t i = 0; i < m; i++) {
			double v = (double)(m - i) * items[i].p;
			if (v > run)
				run = v;
			adjusted[items[i].index] = fmin(1, run);
		}
	} else {
		/* pmin(1, cummin(n / i * p[o])), i = n..1 in descending order */
		qsort(items, m, sizeof(*items), descending);
		double run = INFINITY;
		for (size_t i = 0; i < m; i++) {
			double v = nm / (double)(m - i) * items[i].p;
			if (v < run)
				run = v;
			adjusted[items[i].index] = fmin(1, run);
		}
	}
	free(items);
	return PS_OK;
}
