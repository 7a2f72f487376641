/*
 * Cox proportional hazards: the fit of R's coxph() (survival 3.5-3, C routine coxfit6) and the
 * proportional-hazards test of cox.zph() (C routine zph1), reimplemented so that every step
 * (centring, scaling, the order of the Newton iterations, step halving, the convergence test,
 * the generalised Cholesky with its singularity tolerance) is the one R takes. Newton-Raphson is
 * invariant to centring and scaling in exact arithmetic, but the number of iterations and hence
 * the last digits of the answer are not: matching R to 1e-9 needs the same path.
 * See docs/methods.md, "Cox proportional hazards".
 */
#include "peerstat/cox.h"
#include "peerstat/sort.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

void ps_cox_options_init(struct ps_cox_options *opt)
{
	opt->ties = PS_COX_EFRON;
	opt->conf_level = 0.95;
	opt->iter_max = 20;
	opt->eps = 1e-9;
	opt->toler_chol = pow(DBL_EPSILON, 0.75);
	opt->toler_inf = sqrt(1e-9);
	opt->timefix = 1;
}

/* ---- the row store ---- */

void ps_cox_data_init(struct ps_cox_data *d, size_t p)
{
	memset(d, 0, sizeof(*d));
	d->p = p;
}

static enum ps_status data_reserve(struct ps_cox_data *d, size_t need)
{
	if (need <= d->cap)
		return PS_OK;
	size_t cap = d->cap ? d->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return PS_ENOMEM;
		cap *= 2;
	}
	size_t pw = d->p ? d->p : 1;
	if (cap > SIZE_MAX / pw / sizeof(double))
		return PS_ENOMEM;
	/* each array is grown on its own; a failure leaves the others larger, which is harmless */
	double *time = realloc(d->time, cap * sizeof(*time));
	if (!time)
		return PS_ENOMEM;
	d->time = time;
	int *event = realloc(d->event, cap * sizeof(*event));
	if (!event)
		return PS_ENOMEM;
	d->event = event;
	int *strata = realloc(d->strata, cap * sizeof(*strata));
	if (!strata)
		return PS_ENOMEM;
	d->strata = strata;
	double *x = realloc(d->x, cap * pw * sizeof(*x));
	if (!x)
		return PS_ENOMEM;
	d->x = x;
	d->cap = cap;
	return PS_OK;
}

enum ps_status ps_cox_data_add(struct ps_cox_data *d, double time, int event, const double *x, int stratum)
{
	if (data_reserve(d, d->n + 1) != PS_OK)
		return PS_ENOMEM;
	d->time[d->n] = time;
	d->event[d->n] = event;
	d->strata[d->n] = stratum;
	/* a loop, not memcpy: p is small, and a call per row shows at a million rows */
	for (size_t j = 0; j < d->p; j++)
		d->x[d->n * d->p + j] = x[j];
	d->n++;
	return PS_OK;
}

enum ps_status ps_cox_data_merge(struct ps_cox_data *dst, const struct ps_cox_data *src)
{
	if (dst->p != src->p)
		return PS_EDATA;
	if (src->n == 0)
		return PS_OK;
	if (src->n > SIZE_MAX - dst->n || data_reserve(dst, dst->n + src->n) != PS_OK)
		return PS_ENOMEM;
	memcpy(dst->time + dst->n, src->time, src->n * sizeof(*src->time));
	memcpy(dst->event + dst->n, src->event, src->n * sizeof(*src->event));
	memcpy(dst->strata + dst->n, src->strata, src->n * sizeof(*src->strata));
	if (dst->p)
		memcpy(dst->x + dst->n * dst->p, src->x, src->n * src->p * sizeof(*src->x));
	dst->n += src->n;
	return PS_OK;
}

void ps_cox_data_release(struct ps_cox_data *d)
{
	free(d->time);
	free(d->event);
	free(d->x);
	free(d->strata);
	size_t p = d->p;
	memset(d, 0, sizeof(*d));
	d->p = p;
}

/* ---- the data, sorted by stratum then time (R: order(strata, time), a stable order) ---- */

/*
 * The rows in the order the likelihood walks them. ps_cox_fit builds it and keeps it in the
 * fit (fit->sort), so that ps_cox_zph on the same data does not sort again.
 */
struct ps_cox_sort {
	size_t n, p;
	int timefix;            /* the option it was built with */
	int stratified;         /* strata were given */
	double *x;              /* the covariates, sorted: row k at x[k * p] (read in order by
				   both the fit and cox.zph, instead of gathered from the input) */
	double *time;           /* after timefix, sorted (a zero time may have lost its sign) */
	unsigned char *event;   /* sorted */
	unsigned char *last;    /* 1 when sorted row k is the last of its stratum (R's newstrat) */
	double *tfix;           /* times after timefix, original order; NULL when timefix changed
				   nothing (the caller's times are the fixed times then) */
	double *ut;             /* the distinct times after timefix, increasing */
	size_t nut;
};

static void sorted_release(struct ps_cox_sort *s)
{
	free(s->x);
	free(s->time);
	free(s->event);
	free(s->last);
	free(s->tfix);
	free(s->ut);
	memset(s, 0, sizeof(*s));
}

/*
 * R's aeqSurv() given the distinct times y[0..m) in increasing order: a gap no larger than
 * sqrt(DBL_EPSILON), absolutely or relative to the mean absolute distinct time, ties the two
 * times; each time becomes the smallest time of its tied run. Without this, times computed by
 * floating-point arithmetic (days / 365.25) that R treats as tied would be distinct here.
 * Sets *out to a new array of the n fixed times in the original order, or to NULL when no two
 * distinct times are tied (the times stay as they are).
 */
static enum ps_status timefix(const double *y, size_t m, const double *time, size_t n, double **out)
{
	*out = NULL;
	long double sum = 0;
	for (size_t i = 0; i < m; i++)
		sum += fabs(y[i]);
	double meanabs = (double)(sum / m);
	double tol = sqrt(DBL_EPSILON);
	int any = 0;
	for (size_t i = 1; i < m && !any; i++) {
		double dy = y[i] - y[i - 1];
		any = dy <= tol || dy / meanabs <= tol;
	}
	if (!any)
		return PS_OK;
	/* cuts: y[0] and every y[i] whose gap to y[i-1] is not tied */
	double *cut = malloc(m * sizeof(*cut));
	double *fixed = malloc(n * sizeof(*fixed));
	if (!cut || !fixed) {
		free(cut);
		free(fixed);
		return PS_ENOMEM;
	}
	size_t ncut = 1;
	cut[0] = y[0];
	for (size_t i = 1; i < m; i++) {
		double dy = y[i] - y[i - 1];
		if (!(dy <= tol || dy / meanabs <= tol))
			cut[ncut++] = y[i];
	}
	for (size_t i = 0; i < n; i++) {
		/* findInterval: the last cut <= time */
		size_t lo = 0, hi = ncut;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (cut[mid] <= time[i])
				lo = mid;
			else
				hi = mid;
		}
		fixed[i] = cut[lo];
	}
	free(cut);
	*out = fixed;
	return PS_OK;
}

static enum ps_status validate(const double *time, const int *event, const double *x, size_t n, size_t p,
			       struct ps_error *err)
{
	if (n == 0)
		return ps_error_set(err, PS_EDATA, "cox model needs at least one row");
	if (p == 0)
		return ps_error_set(err, PS_EDATA, "cox model needs at least one covariate");
	if (n > SIZE_MAX / p / sizeof(double))
		return ps_error_set(err, PS_ENOMEM, "cox model: %zu rows by %zu covariates is too large", n, p);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(time[i]) || time[i] < 0)
			return ps_error_set(err, PS_EDATA, "row %zu: time %g is not a finite number >= 0", i + 1, time[i]);
		if (event[i] != 0 && event[i] != 1)
			return ps_error_set(err, PS_EDATA, "row %zu: event %d is not 0 or 1", i + 1, event[i]);
		for (size_t j = 0; j < p; j++)
			if (!isfinite(x[i * p + j]))
				return ps_error_set(err, PS_EDATA, "row %zu: covariate %zu is not a finite number",
						    i + 1, j + 1);
	}
	return PS_OK;
}

/* The sorted arrays, allocated once (a second sort after timefix reuses them). */
static enum ps_status alloc_sorted(struct ps_cox_sort *s)
{
	size_t n = s->n;
	if (!s->x)
		s->x = malloc(n * s->p * sizeof(*s->x));
	if (!s->time)
		s->time = malloc(n * sizeof(*s->time));
	if (!s->event)
		s->event = malloc(n * sizeof(*s->event));
	if (!s->last)
		s->last = malloc(n * sizeof(*s->last));
	return s->x && s->time && s->event && s->last ? PS_OK : PS_ENOMEM;
}

/* The distinct times in increasing order from keys[0..m) sorted by key, into s->ut. */
static enum ps_status set_distinct_times(struct ps_cox_sort *s, const uint64_t *keys, size_t m)
{
	size_t d = 0;
	for (size_t k = 0; k < m; k++)
		d += k == 0 || keys[k] != keys[k - 1];
	free(s->ut);
	s->ut = malloc((d ? d : 1) * sizeof(*s->ut));
	if (!s->ut)
		return PS_ENOMEM;
	s->nut = d;
	d = 0;
	for (size_t k = 0; k < m; k++)
		if (k == 0 || keys[k] != keys[k - 1])
			s->ut[d++] = ps_sort_key_to_double(keys[k]);
	return PS_OK;
}

/* ---- the common case: few distinct (stratum, time) pairs, a counting sort ----
 * Follow-up in days and a few sites give a few thousand distinct pairs among a million rows.
 * The pairs go into a small hash table with their counts, each row noting its pair's number
 * (16 bits); sorted, the pairs give their first positions, and one more pass in input order
 * puts every row in place: stable, so ties stay in input order, and the data are read twice
 * in order and written once.
 */
#define FEW_MAX ((size_t)1 << 16)   /* more distinct pairs than this: the radix sort (and the
					numbers of the pairs fit in 16 bits) */

struct few_slot {
	uint64_t tkey;     /* ps_sort_key_double of the time */
	int strat;
	int used;
	size_t id;         /* pairs are numbered as they come: 0, 1, ... */
	size_t count;      /* rows with this pair */
};

static uint64_t uint64_key(const void *elem, const void *ctx)
{
	(void)ctx;
	return *(const uint64_t *)elem;
}

static int cmp_slot(const void *pa, const void *pb)
{
	const struct few_slot *a = *(const struct few_slot *const *)pa, *b = *(const struct few_slot *const *)pb;
	if (a->strat != b->strat)
		return a->strat < b->strat ? -1 : 1;
	return a->tkey < b->tkey ? -1 : (a->tkey > b->tkey);
}

static size_t few_hash(uint64_t tkey, int strat, size_t mask)
{
	/* the times differ in their high bits only: fold them down before the multiply mixes */
	uint64_t h = tkey ^ ((uint64_t)(uint32_t)strat * UINT64_C(0xC2B2AE3D27D4EB4F));
	h ^= h >> 31;
	h *= UINT64_C(0x9E3779B97F4A7C15);
	h ^= h >> 32;
	return (size_t)h & mask;
}

/* The slot of (tkey, strat): found, or the empty slot where it belongs. */
static struct few_slot *few_find(struct few_slot *tab, size_t mask, uint64_t tkey, int strat)
{
	size_t h = few_hash(tkey, strat, mask);
	while (tab[h].used && (tab[h].tkey != tkey || tab[h].strat != strat))
		h = (h + 1) & mask;
	return &tab[h];
}

/*
 * Sort by (stratum, time, row) when there are at most FEW_MAX distinct pairs (and fewer than
 * a quarter of the rows, else counting gains nothing). Returns 1 when sorted, 0 when there are
 * too many pairs (nothing changed but s->ut), -1 when out of memory.
 */
static int sort_few(struct ps_cox_sort *s, const double *tf, const int *event, const double *x, const int *strata)
{
	size_t n = s->n, limit = n / 4 < FEW_MAX ? n / 4 : FEW_MAX;
	size_t cap = 1024, used = 0;
	struct few_slot *tab = calloc(cap, sizeof(*tab));
	struct few_slot **list = NULL;
	uint64_t *tkeys = NULL;
	size_t *next = NULL;   /* by pair number: the next position to fill */
	uint16_t *ids = malloc(n * sizeof(*ids));
	int rc = -1;
	if (!tab || !ids)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint64_t tkey = ps_sort_key_double(tf[i]);
		int st = strata ? strata[i] : 0;
		struct few_slot *e = few_find(tab, cap - 1, tkey, st);
		if (!e->used) {
			if (++used > limit) {
				rc = 0;
				goto out;
			}
			if (2 * used > cap) {
				/* keep the table at most half full */
				struct few_slot *bigger = calloc(2 * cap, sizeof(*bigger));
				if (!bigger)
					goto out;
				for (size_t h = 0; h < cap; h++)
					if (tab[h].used)
						*few_find(bigger, 2 * cap - 1, tab[h].tkey, tab[h].strat) = tab[h];
				free(tab);
				tab = bigger;
				cap *= 2;
				e = few_find(tab, cap - 1, tkey, st);
			}
			e->used = 1;
			e->tkey = tkey;
			e->strat = st;
			e->id = used - 1;   /* below FEW_MAX: fits the 16 bits */
		}
		e->count++;
		ids[i] = (uint16_t)e->id;
	}
	list = malloc(used * sizeof(*list));
	tkeys = malloc(used * sizeof(*tkeys));
	next = malloc(used * sizeof(*next));
	if (!list || !tkeys || !next || alloc_sorted(s) != PS_OK)
		goto out;
	size_t m = 0;
	for (size_t h = 0; h < cap; h++)
		if (tab[h].used)
			list[m++] = &tab[h];
	qsort(list, m, sizeof(*list), cmp_slot);
	/* first position of each pair; the last row of each stratum */
	memset(s->last, 0, n * sizeof(*s->last));
	size_t pos = 0;
	for (size_t r = 0; r < m; r++) {
		next[list[r]->id] = pos;
		pos += list[r]->count;
		if (r + 1 == m || list[r + 1]->strat != list[r]->strat)
			s->last[pos - 1] = 1;
		tkeys[r] = list[r]->tkey;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = next[ids[i]]++, p = s->p;
		s->time[k] = tf[i];
		s->event[k] = (unsigned char)(event[i] != 0);
		for (size_t j = 0; j < p; j++)
			s->x[k * p + j] = x[i * p + j];
	}
	/* the distinct times over all strata */
	if (strata && ps_sort_radix(tkeys, m, sizeof(*tkeys), uint64_key, NULL, 64) != PS_OK)
		goto out;
	rc = set_distinct_times(s, tkeys, m) == PS_OK ? 1 : -1;
out:
	free(tab);
	free(list);
	free(tkeys);
	free(next);
	free(ids);
	return rc;
}

/* ---- any number of distinct times: radix sorts of records ---- */

/* A row during the sort: its key, and row * 2 + event. */
struct sort_rec {
	uint64_t key;
	size_t tag;
};

static uint64_t sort_rec_key(const void *elem, const void *ctx)
{
	(void)ctx;
	return ((const struct sort_rec *)elem)->key;
}

/*
 * Order by (stratum, time, row): a stable radix sort of records by time, then, with strata,
 * a stable one by (stratum, rank of the time). The records carry the row and its event, so
 * the data are read once, in input order.
 */
static enum ps_status sort_many(struct ps_cox_sort *s, const double *tf, const int *event, const double *x,
			       const int *strata)
{
	size_t n = s->n;
	struct sort_rec *rec = malloc(n * sizeof(*rec));
	if (!rec)
		return PS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rec[i].key = ps_sort_key_double(tf[i]);
		rec[i].tag = i * 2 + (size_t)(event[i] != 0);
	}
	if (ps_sort_radix(rec, n, sizeof(*rec), sort_rec_key, NULL, 64) != PS_OK)
		goto nomem;
	/* the distinct times, in the keys' place for the moment */
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		m += k == 0 || rec[k].key != rec[k - 1].key;
	free(s->ut);
	s->ut = malloc(m * sizeof(*s->ut));
	if (!s->ut)
		goto nomem;
	s->nut = m;
	m = 0;
	for (size_t k = 0; k < n; k++)
		if (k == 0 || rec[k].key != rec[k - 1].key)
			s->ut[m++] = ps_sort_key_to_double(rec[k].key);
	if (strata) {
		if (s->nut > UINT32_MAX)
			goto nomem;   /* 2^32 distinct times do not fit in memory with their rows anyway */
		uint64_t rank = 0, prev = rec[0].key;
		for (size_t k = 0; k < n; k++) {
			if (rec[k].key != prev)
				rank++;
			prev = rec[k].key;
			rec[k].key = ps_sort_key_int(strata[rec[k].tag / 2]) << 32 | rank;
		}
		if (ps_sort_radix(rec, n, sizeof(*rec), sort_rec_key, NULL, 64) != PS_OK)
			goto nomem;
	}
	if (alloc_sorted(s) != PS_OK)
		goto nomem;
	for (size_t k = 0; k < n; k++) {
		size_t row = rec[k].tag / 2, p = s->p;
		for (size_t j = 0; j < p; j++)
			s->x[k * p + j] = x[row * p + j];
		s->event[k] = (unsigned char)(rec[k].tag % 2);
		if (strata) {
			s->time[k] = s->ut[rec[k].key & UINT32_MAX];
			s->last[k] = k + 1 == n || rec[k + 1].key >> 32 != rec[k].key >> 32;
		} else {
			s->time[k] = ps_sort_key_to_double(rec[k].key);
			s->last[k] = k + 1 == n;
		}
	}
	free(rec);
	return PS_OK;
nomem:
	free(rec);
	return PS_ENOMEM;
}

/*
 * Order the rows by (stratum, time after timefix, row), which is R's order(strata, time)
 * exactly, ties in input order. Equal times compare equal whatever the sign of a zero, and
 * the sorted times are only ever compared, so a zero's sign does not matter.
 */
static enum ps_status sorted_init(struct ps_cox_sort *s, const double *time, const int *event, const double *x,
				  size_t n, size_t p, const int *strata, int fix, struct ps_error *err)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->p = p;
	s->timefix = fix;
	s->stratified = strata != NULL;
	const double *tf = time;
	for (;;) {
		int rc = sort_few(s, tf, event, x, strata);
		if (rc < 0 || (rc == 0 && sort_many(s, tf, event, x, strata) != PS_OK))
			goto nomem;
		if (!fix || tf != time)
			break;
		/* R's aeqSurv on the distinct times; when times become tied, sort the fixed times */
		if (timefix(s->ut, s->nut, time, n, &s->tfix) != PS_OK)
			goto nomem;
		if (!s->tfix)
			break;
		tf = s->tfix;
	}
	return PS_OK;
nomem:
	sorted_release(s);
	return ps_error_set(err, PS_ENOMEM, "out of memory for the cox model (%zu rows)", n);
}

/* ---- the generalised Cholesky of survival's cholesky2/chsolve2/chinv2 ----
 * A = L D L' with unit lower-triangular L, on a p x p row-major matrix whose upper triangle
 * (with diagonal) holds A. A pivot below toler times the largest diagonal marks the column as
 * redundant: its D is set to 0 and it is left out of solves and inverses (R then reports NA).
 * Returns the rank, negated when A is not non-negative definite.
 */
static int chol_decomp(double *m, int p, double toler)
{
	double eps = 0;
	int nonneg = 1, rank = 0;
	for (int i = 0; i < p; i++) {
		if (m[i * p + i] > eps)
			eps = m[i * p + i];
		for (int j = i + 1; j < p; j++)
			m[j * p + i] = m[i * p + j];
	}
	if (eps == 0)
		return 0;
	eps *= toler;
	for (int i = 0; i < p; i++) {
		double pivot = m[i * p + i];
		if (!isfinite(pivot) || pivot < eps) {
			m[i * p + i] = 0;
			if (pivot < -8 * eps)
				nonneg = -1;
			continue;
		}
		rank++;
		for (int j = i + 1; j < p; j++) {
			double t = m[j * p + i] / pivot;
			m[j * p + i] = t;
			m[j * p + j] -= t * t * pivot;
			for (int k = j + 1; k < p; k++)
				m[k * p + j] -= t * m[k * p + i];
		}
	}
	return rank * nonneg;
}

/* Solve A b = y in place given chol_decomp's factor; redundant columns get 0. */
static void chol_solve(const double *m, int p, double *y)
{
	for (int i = 0; i < p; i++) {
		double t = y[i];
		for (int j = 0; j < i; j++)
			t -= y[j] * m[i * p + j];
		y[i] = t;
	}
	for (int i = p - 1; i >= 0; i--) {
		if (m[i * p + i] == 0) {
			y[i] = 0;
			continue;
		}
		double t = y[i] / m[i * p + i];
		for (int j = i + 1; j < p; j++)
			t -= y[j] * m[j * p + i];
		y[i] = t;
	}
}

/* Replace the factor by the (generalised) inverse in the upper triangle; rows and columns of
 * redundant columns are 0. The lower triangle is left as scratch. */
static void chol_invert(double *m, int p)
{
	for (int i = 0; i < p; i++) {
		if (m[i * p + i] > 0) {
			m[i * p + i] = 1 / m[i * p + i];
			for (int j = i + 1; j < p; j++) {
				m[j * p + i] = -m[j * p + i];
				for (int k = 0; k < i; k++)
					m[j * p + k] += m[j * p + i] * m[i * p + k];
			}
		}
	}
	for (int i = 0; i < p; i++) {
		if (m[i * p + i] == 0) {
			for (int j = 0; j < i; j++)
				m[j * p + i] = 0;
			for (int j = i; j < p; j++)
				m[i * p + j] = 0;
			continue;
		}
		for (int j = i + 1; j < p; j++) {
			double t = m[j * p + i] * m[j * p + j];
			m[i * p + j] = t;
			for (int k = i; k < j; k++)
				m[i * p + k] += t * m[j * p + k];
		}
	}
}

/* ---- exp() of the linear predictor ----
 * With a group indicator and a few discrete covariates the linear predictor takes only a few
 * values, and exp() of a million of them is a large part of a fit. exp() is a function of its
 * argument alone, so remembering recent results in a small direct-mapped table returns the
 * very double exp() would: the figures do not change by a bit. Empty slots hold NaN, which
 * equals nothing (-0 and +0 may share a slot: their exp() is the same 1).
 */
#define EXP_CACHE_BITS 8

struct exp_cache {
	double in[1 << EXP_CACHE_BITS];
	double out[1 << EXP_CACHE_BITS];
};

static void exp_cache_init(struct exp_cache *c)
{
	for (size_t i = 0; i < (size_t)1 << EXP_CACHE_BITS; i++)
		c->in[i] = NAN;
}

static double exp_cached(struct exp_cache *c, double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	size_t h = (size_t)((u * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - EXP_CACHE_BITS));
	if (c->in[h] == v)
		return c->out[h];
	double r = exp(v);
	c->in[h] = v;
	c->out[h] = r;
	return r;
}

/* ---- one evaluation of the log partial likelihood, score and information (coxfit6_iter) ---- */

struct work {
	int p;
	int efron;
	const struct ps_cox_sort *s;   /* s->x: the covariates, sorted */
	const double *center, *scale;  /* coxfit6's centring and scaling, applied row by row */
	double *xrow;      /* p: one row centred and scaled */
	double *u;         /* p */
	double *imat;      /* p x p, upper triangle filled */
	double *a, *a2;    /* p */
	double *cmat, *cmat2;   /* p x p, lower triangle used */
	struct exp_cache ec;
};

static double evaluate(struct work *w, const double *beta)
{
	const int p = w->p;
	const struct ps_cox_sort *s = w->s;
	double *u = w->u, *imat = w->imat, *a = w->a, *a2 = w->a2, *cmat = w->cmat, *cmat2 = w->cmat2;
	double loglik = 0, denom = 0;

	for (int i = 0; i < p; i++) {
		u[i] = 0;
		a2[i] = 0;
	}
	memset(imat, 0, (size_t)p * p * sizeof(*imat));
	memset(cmat2, 0, (size_t)p * p * sizeof(*cmat2));

	/* backwards in time, so the risk set only grows */
	for (ptrdiff_t person = (ptrdiff_t)s->n - 1; person >= 0;) {
		if (s->last[person]) {
			denom = 0;
			for (int i = 0; i < p; i++)
				a[i] = 0;
			memset(cmat, 0, (size_t)p * p * sizeof(*cmat));
		}
		double dtime = s->time[person];
		int ndead = 0;
		double deadwt = 0, denom2 = 0;
		while (person >= 0 && s->time[person] == dtime) {
			/* centred and scaled here rather than in a copy of x: the same operations, so
			   the same values as coxfit6's, without n * p more memory */
			const double *xs = s->x + (size_t)person * p;
			double *xi = w->xrow;
			for (int i = 0; i < p; i++)
				xi[i] = (xs[i] - w->center[i]) * w->scale[i];
			double zbeta = 0;
			for (int i = 0; i < p; i++)
				zbeta += beta[i] * xi[i];
			double risk = exp_cached(&w->ec, zbeta);
			if (s->event[person] == 0) {
				denom += risk;
				for (int i = 0; i < p; i++) {
					a[i] += risk * xi[i];
					for (int j = 0; j <= i; j++)
						cmat[i * p + j] += risk * xi[i] * xi[j];
				}
			} else {
				ndead++;
				deadwt += 1;
				denom2 += risk;
				loglik += zbeta;
				for (int i = 0; i < p; i++) {
					u[i] += xi[i];
					a2[i] += risk * xi[i];
					for (int j = 0; j <= i; j++)
						cmat2[i * p + j] += risk * xi[i] * xi[j];
				}
			}
			person--;
			if (person >= 0 && s->last[person])
				break;   /* ties do not cross strata */
		}
		if (ndead == 0)
			continue;
		if (!w->efron || ndead == 1) {
			denom += denom2;
			loglik -= deadwt * log(denom);
			for (int i = 0; i < p; i++) {
				a[i] += a2[i];
				double mean = a[i] / denom;
				u[i] -= deadwt * mean;
				for (int j = 0; j <= i; j++) {
					cmat[i * p + j] += cmat2[i * p + j];
					imat[j * p + i] += deadwt * (cmat[i * p + j] - mean * a[j]) / denom;
				}
			}
		} else {
			/*
			 * Efron: with d tied events the k-th of the d terms has (k/d) of the events'
			 * risk removed from the risk set; adding a2/d, cmat2/d and denom2/d in d
			 * steps walks through those terms.
			 */
			double wtave = deadwt / ndead;
			for (int k = 0; k < ndead; k++) {
				denom += denom2 / ndead;
				loglik -= wtave * log(denom);
				for (int i = 0; i < p; i++) {
					a[i] += a2[i] / ndead;
					double mean = a[i] / denom;
					u[i] -= wtave * mean;
					for (int j = 0; j <= i; j++) {
						cmat[i * p + j] += cmat2[i * p + j] / ndead;
						imat[j * p + i] += wtave * (cmat[i * p + j] - mean * a[j]) / denom;
					}
				}
			}
		}
		for (int i = 0; i < p; i++)
			a2[i] = 0;
		memset(cmat2, 0, (size_t)p * p * sizeof(*cmat2));
	}
	return loglik;
}

/* ---- the fit ---- */

static const char NOTE_NO_EVENTS[] = "no events: the cox model cannot be estimated";
static const char NOTE_ALIASED[] =
	"a covariate is constant or collinear with others: its coefficient cannot be estimated (R: NA)";
static const char NOTE_INFINITE[] =
	"monotone likelihood (separation, e.g. all events in one group): a coefficient may be infinite";
static const char NOTE_NO_INFORMATION[] =
	"the data carry no information on any coefficient (every covariate constant, or no event shares its risk set)";
static const char NOTE_NOT_CONVERGED[] = "the cox model did not converge within the iteration limit";
static const char NOTE_NOT_CONVERGED_INF[] =
	"the cox model did not converge within the iteration limit: a coefficient may be infinite";

static void fill_nan_coef(struct ps_cox_coef *c, enum ps_cox_coef_state state)
{
	c->state = state;
	c->coef = c->se = c->hr = c->ci_lower = c->ci_upper = c->z = c->p = NAN;
}

static double chisq_q(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	return gsl_cdf_chisq_Q(x, df);
}

static void set_test(struct ps_cox_test *t, double stat, double df)
{
	t->statistic = stat;
	t->df = df;
	t->p = chisq_q(stat, df);
}

static void nan_test(struct ps_cox_test *t)
{
	t->statistic = t->df = t->p = NAN;
}

void ps_cox_fit_release(struct ps_cox_fit *fit)
{
	if (!fit)
		return;
	free(fit->coef);
	free(fit->var);
	free(fit->means);
	if (fit->sort) {
		sorted_release(fit->sort);
		free(fit->sort);
	}
	fit->coef = NULL;
	fit->var = NULL;
	fit->means = NULL;
	fit->sort = NULL;
}

/* Is every value of column j in {-1, 0, 1}? R's coxph(nocenter = c(-1, 0, 1)) leaves such
 * columns (indicators such as the group) neither centred nor scaled. */
static int zero_one_column(const double *x, size_t n, size_t p, size_t j)
{
	for (size_t i = 0; i < n; i++) {
		double v = x[i * p + j];
		if (v != 0 && v != 1 && v != -1)
			return 0;
	}
	return 1;
}

enum ps_status ps_cox_fit(const double *time, const int *event, const double *x, size_t n, size_t p,
			  const int *strata, const struct ps_cox_options *opt, struct ps_cox_fit *fit,
			  struct ps_error *err)
{
	struct ps_cox_options defaults;
	if (!opt) {
		ps_cox_options_init(&defaults);
		opt = &defaults;
	}
	memset(fit, 0, sizeof(*fit));
	enum ps_status st = validate(time, event, x, n, p, err);
	if (st != PS_OK)
		return st;
	if (p > 10000)
		return ps_error_set(err, PS_EDATA, "cox model: %zu covariates is too many", p);
	if (!(opt->conf_level > 0 && opt->conf_level < 1) || opt->iter_max < 0 || !(opt->eps > 0) ||
	    !(opt->toler_chol > 0) || !(opt->toler_inf > 0))
		return ps_error_set(err, PS_EUSAGE, "cox model: invalid options");

	struct ps_cox_sort *sp = malloc(sizeof(*sp));
	if (!sp)
		return ps_error_set(err, PS_ENOMEM, "out of memory for the cox model (%zu rows)", n);
	st = sorted_init(sp, time, event, x, n, p, strata, opt->timefix, err);
	if (st != PS_OK) {
		free(sp);
		return st;
	}
	fit->sort = sp;   /* kept for ps_cox_zph; freed with the fit */
	const struct ps_cox_sort *s = sp;

	const int np = (int)p;
	size_t pp = p * p;
	double *xrow = malloc(p * sizeof(*xrow));
	double *scratch = calloc(8 * p + 5 * pp, sizeof(*scratch));
	fit->coef = calloc(p, sizeof(*fit->coef));
	fit->var = calloc(pp, sizeof(*fit->var));
	fit->means = calloc(p, sizeof(*fit->means));
	if (!xrow || !scratch || !fit->coef || !fit->var || !fit->means) {
		free(xrow);
		free(scratch);
		ps_cox_fit_release(fit);
		return ps_error_set(err, PS_ENOMEM, "out of memory for the cox model (%zu rows)", n);
	}
	double *beta = scratch, *newbeta = beta + p, *scale = newbeta + p, *step = scale + p;
	double *u0 = step + p;
	struct work w = {
		.p = np, .efron = opt->ties == PS_COX_EFRON, .s = s,
		.center = fit->means, .scale = scale, .xrow = xrow,
		.u = u0 + p, .a = u0 + 2 * p, .a2 = u0 + 3 * p,
		.imat = u0 + 4 * p, .cmat = u0 + 4 * p + pp, .cmat2 = u0 + 4 * p + 2 * pp,
	};
	double *imat = w.imat, *u = w.u;
	exp_cache_init(&w.ec);

	fit->n = n;
	fit->p = p;
	fit->ties = opt->ties;
	fit->conf_level = opt->conf_level;
	for (size_t k = 0; k < n; k++)
		fit->nevent += (size_t)s->event[k];

	/*
	 * x centred and scaled as coxfit6 does (sums in sorted order): 0/1 columns are left as
	 * they are (mean 0, scale 1: x - 0 and x * 1 are x exactly)
	 */
	const double *xs = s->x;
	for (size_t j = 0; j < p; j++) {
		if (zero_one_column(x, n, p, j)) {
			scale[j] = 1;
			fit->means[j] = 0;
			continue;
		}
		double sum = 0;
		for (size_t k = 0; k < n; k++)
			sum += xs[k * p + j];
		double mean = sum / (double)n;
		fit->means[j] = mean;
		double sabs = 0;
		for (size_t k = 0; k < n; k++)
			sabs += fabs(xs[k * p + j] - mean);
		scale[j] = sabs > 0 ? (double)n / sabs : 1.0;
	}

	if (fit->nevent == 0) {
		/* nothing to estimate: R prints NA with a likelihood-ratio test of 0 on 0 df */
		for (size_t j = 0; j < p; j++) {
			fill_nan_coef(&fit->coef[j], PS_COX_COEF_ALIASED);
			fit->coef[j].coef_last = fit->coef[j].se_last = NAN;
		}
		for (size_t k = 0; k < pp; k++)
			fit->var[k] = NAN;
		fit->loglik_null = fit->loglik = 0;
		nan_test(&fit->lr);
		nan_test(&fit->score);
		nan_test(&fit->wald);
		fit->note = NOTE_NO_EVENTS;
		goto done;
	}

	/* iteration 0: beta = 0, the score test */
	int iter = 0, flag, halving = 0;
	double loglik0 = evaluate(&w, beta), loglik1 = loglik0;
	memcpy(u0, u, p * sizeof(*u0));
	memcpy(step, u, p * sizeof(*step));
	flag = chol_decomp(imat, np, opt->toler_chol);
	chol_solve(imat, np, step);
	double sctest = 0;
	for (size_t i = 0; i < p; i++)
		sctest += u[i] * step[i];

	int converged = 0;
	if (flag == 0) {
		/*
		 * A zero information matrix: R then either prints NA for everything or, when every
		 * event is alone in its risk set, iterates to the limit and prints coefficients 0
		 * with se 0. Neither is an estimate.
		 */
		for (size_t j = 0; j < p; j++) {
			fill_nan_coef(&fit->coef[j], PS_COX_COEF_ALIASED);
			fit->coef[j].coef_last = fit->coef[j].se_last = NAN;
		}
		for (size_t k = 0; k < pp; k++)
			fit->var[k] = NAN;
		fit->loglik_null = fit->loglik = loglik0;
		nan_test(&fit->lr);
		nan_test(&fit->score);
		nan_test(&fit->wald);
		fit->note = NOTE_NO_INFORMATION;
		goto done;
	}
	if (opt->iter_max == 0 || !isfinite(loglik0)) {
		chol_invert(imat, np);
		goto unscale;
	}
	for (size_t i = 0; i < p; i++)
		newbeta[i] = beta[i] + step[i];
	for (iter = 1; iter <= opt->iter_max; iter++) {
		double newlk = evaluate(&w, newbeta);
		flag = chol_decomp(imat, np, opt->toler_chol);
		int notfinite = !isfinite(newlk);
		for (size_t i = 0; i < p && !notfinite; i++) {
			if (!isfinite(u[i]))
				notfinite = 1;
			for (size_t j = 0; j < p; j++)
				if (!isfinite(imat[i * p + j]))
					notfinite = 1;
		}
		if (!notfinite && fabs(1 - loglik1 / newlk) <= opt->eps) {
			loglik1 = newlk;
			chol_invert(imat, np);
			memcpy(beta, newbeta, p * sizeof(*beta));
			converged = 1;
			if (halving)
				flag = -2;   /* as coxfit6; it only widens the aliasing check below */
			goto unscale;
		}
		if (notfinite || newlk < loglik1) {
			/* not improving: step back towards the last good beta, harder each time */
			halving++;
			for (size_t i = 0; i < p; i++)
				newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1.0);
		} else {
			halving = 0;
			loglik1 = newlk;
			chol_solve(imat, np, u);
			for (size_t i = 0; i < p; i++) {
				beta[i] = newbeta[i];
				newbeta[i] += u[i];
			}
		}
	}
	/* out of iterations: the information at the last good beta. The count is R's fit$iter,
	 * which coxfit6 leaves one past the limit when its loop runs out. */
	iter = opt->iter_max + 1;
	if (opt->iter_max > 1)
		loglik1 = evaluate(&w, beta);
	/*
	 * coxfit6 inverts the freshly evaluated matrix without factoring it first, so R's var
	 * (and se) of a model that did not converge are not the inverse information; we factor.
	 * Those figures are diagnostics only (coef_last, se_last) as nothing is reported then.
	 */
	if (opt->iter_max > 1)
		chol_decomp(imat, np, opt->toler_chol);
	chol_invert(imat, np);
	flag = 1000;

unscale:
	for (size_t i = 0; i < p; i++) {
		beta[i] *= scale[i];
		u[i] /= scale[i];
		imat[i * p + i] *= scale[i] * scale[i];
		for (size_t j = 0; j < i; j++) {
			imat[j * p + i] *= scale[i] * scale[j];
			imat[i * p + j] = imat[j * p + i];
		}
	}
	memcpy(fit->var, imat, pp * sizeof(*fit->var));
	fit->iterations = iter;
	fit->converged = converged;
	fit->loglik_null = loglik0;
	fit->loglik = loglik1;

	/* which coefficients are aliased (R: which.sing) and which may be infinite */
	size_t nok = 0;
	int any_alias = 0, any_inf = 0;
	for (size_t i = 0; i < p; i++) {
		int sing = flag < np && fit->var[i * p + i] == 0;
		struct ps_cox_coef *c = &fit->coef[i];
		c->coef_last = sing ? NAN : beta[i];
		c->se_last = sing ? NAN : sqrt(fit->var[i * p + i]);
		if (sing) {
			fill_nan_coef(c, PS_COX_COEF_ALIASED);
			any_alias = 1;
			continue;
		}
		nok++;
		if (!converged) {
			fill_nan_coef(c, PS_COX_COEF_NOT_CONVERGED);
			continue;
		}
		int inf = 0;
		if (opt->iter_max > 1) {
			/* R: the next Newton step u' V is large, absolutely and relative to beta */
			double infs = 0;
			for (size_t j = 0; j < p; j++)
				infs += u[j] * fit->var[j * p + i];
			infs = fabs(infs);
			inf = !isfinite(u[i]) || (infs > opt->eps && infs > opt->toler_inf * fabs(beta[i]));
		}
		if (inf) {
			fill_nan_coef(c, PS_COX_COEF_INFINITE);
			any_inf = 1;
			continue;
		}
		c->state = PS_COX_COEF_OK;
		c->coef = beta[i];
		c->se = sqrt(fit->var[i * p + i]);
		c->hr = exp(c->coef);
		double zq = gsl_cdf_ugaussian_Pinv((1 + opt->conf_level) / 2);
		c->ci_lower = exp(c->coef - zq * c->se);
		c->ci_upper = exp(c->coef + zq * c->se);
		c->z = c->coef / c->se;
		c->p = 2 * gsl_cdf_ugaussian_Q(fabs(c->z));
	}
	fit->infinite = any_inf;
	fit->rank = np;
	for (size_t i = 0; i < p; i++)
		if (fit->coef[i].state == PS_COX_COEF_ALIASED)
			fit->rank--;

	set_test(&fit->score, sctest, (double)nok);
	if (converged) {
		set_test(&fit->lr, 2 * (loglik1 - loglik0), (double)nok);
	} else {
		nan_test(&fit->lr);
	}
	if (converged && !any_inf && nok > 0) {
		/* R's coxph.wtest on the non-aliased block, with the same generalised Cholesky */
		double *vv = scratch + 4 * p + 3 * pp;   /* cmat2 is free now */
		double *b = w.a, *sol = w.a2;
		size_t m = 0;
		for (size_t i = 0; i < p; i++) {
			if (fit->coef[i].state != PS_COX_COEF_OK)
				continue;
			size_t l = 0;
			for (size_t j = 0; j < p; j++)
				if (fit->coef[j].state == PS_COX_COEF_OK)
					vv[m * nok + l++] = fit->var[i * p + j];
			b[m++] = beta[i];
		}
		double wald;
		if (nok == 1) {
			wald = b[0] * b[0] / vv[0];
		} else {
			chol_decomp(vv, (int)nok, opt->toler_chol);
			memcpy(sol, b, nok * sizeof(*sol));
			chol_solve(vv, (int)nok, sol);
			wald = 0;
			for (size_t i = 0; i < nok; i++)
				wald += b[i] * sol[i];
		}
		set_test(&fit->wald, wald, (double)nok);
	} else {
		nan_test(&fit->wald);
	}
	if (!converged && opt->iter_max > 1) {
		/* R: "one or more coefficients may be infinite" when max(lp) > 500 or U'V overflows */
		int inf = 0;
		for (size_t k = 0; k < n && !inf; k++) {
			double lp = 0;
			for (size_t j = 0; j < p; j++)
				lp += (xs[k * p + j] - fit->means[j]) * scale[j] / scale[j] * beta[j];
			inf = lp > 500;
		}
		for (size_t i = 0; i < p && !inf; i++) {
			double t = 0;
			for (size_t j = 0; j < p; j++)
				t += u[j] * fit->var[j * p + i];
			inf = !isfinite(t);
		}
		fit->infinite = inf;
	}
	if (!converged)
		fit->note = fit->infinite ? NOTE_NOT_CONVERGED_INF : NOTE_NOT_CONVERGED;
	else if (any_inf)
		fit->note = NOTE_INFINITE;
	else if (any_alias)
		fit->note = NOTE_ALIASED;
	if (nok == 0) {
		nan_test(&fit->lr);
		nan_test(&fit->score);
	}

done:
	free(xrow);
	free(scratch);
	return PS_OK;
}

/* ---- the proportional-hazards test (cox.zph, survival >= 3.0) ---- */

static const char NOTE_ZPH_NO_FIT[] =
	"the cox model has no estimate (no events, separation or no convergence): no proportional-hazards test";
static const char NOTE_ZPH_ALIASED[] =
	"a covariate is constant or collinear with others: it is left out of the proportional-hazards test, as in R";
static const char NOTE_ZPH_SINGULAR[] = "the information matrix of the proportional-hazards test is singular";

void ps_cox_zph_release(struct ps_cox_zph *zph)
{
	if (!zph)
		return;
	free(zph->term);
	zph->term = NULL;
}

/* The index of t among ut[0..m) (findInterval: the last ut <= t) */
static size_t find_time(const double *ut, size_t m, double t)
{
	size_t lo = 0, hi = m;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ut[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * g(t) of transform = "km": 1 - S(t-), S the Kaplan-Meier of all rows pooled over strata
 * (survfitKM on the model's y). Fills sb[i] = S just before s->ut[i]. Only the numbers of rows
 * and events at each distinct time matter, so they are counted from the sorted rows, stratum
 * by stratum; the products are then taken in increasing time, as R does.
 */
static enum ps_status km_steps(const struct ps_cox_sort *s, double *sb)
{
	size_t m = s->nut;
	size_t *rows = calloc(m ? m : 1, sizeof(*rows)), *deaths = calloc(m ? m : 1, sizeof(*deaths));
	if (!rows || !deaths) {
		free(rows);
		free(deaths);
		return PS_ENOMEM;
	}
	for (size_t k = 0; k < s->n;) {
		size_t r = find_time(s->ut, m, s->time[k]);
		size_t j = k;
		do {
			deaths[r] += s->event[j];
			rows[r]++;
		} while (!s->last[j++] && j < s->n && s->time[j] == s->time[k]);
		k = j;
	}
	double surv = 1;
	size_t before = 0;   /* rows at earlier times */
	for (size_t r = 0; r < m; r++) {
		sb[r] = surv;
		size_t atrisk = s->n - before;
		if (deaths[r] > 0)
			surv *= 1 - (double)deaths[r] / (double)atrisk;
		before += rows[r];
	}
	free(rows);
	free(deaths);
	return PS_OK;
}

/*
 * g(t) = 1 - S(t-) as km_g does, and the hint cache that makes looking up a million rows'
 * times cheap: hint[hash of t] is where t was last found, used when ut there is t (the
 * times are distinct, so this is the index the search would give).
 */
#define G_HINT_BITS 10

struct km_g {
	const double *ut, *sb;
	size_t m;
	size_t hint[(size_t)1 << G_HINT_BITS];
};

static double km_g(struct km_g *g, double t)
{
	uint64_t u;
	memcpy(&u, &t, sizeof(u));
	u ^= u >> 31;   /* times often differ in their high bits only */
	u *= UINT64_C(0x9E3779B97F4A7C15);
	size_t h = (size_t)(u >> (64 - G_HINT_BITS));
	size_t i = g->hint[h];
	if (!(i < g->m && g->ut[i] == t)) {
		i = find_time(g->ut, g->m, t);
		g->hint[h] = i;
	}
	/* 1 - S(t-) for a time t among ut (findInterval with left.open = TRUE, at a step) */
	return 1 - g->sb[i];
}

/*
 * The mean of g over the event rows in input order, as R's mean() computes it: a long double
 * sum, then the mean of the residuals added as a correction. g is looked up twice rather than
 * kept: the same doubles in the same order.
 */
static double event_g_mean(struct km_g *g, const double *tf, const int *event, size_t n)
{
	size_t ne = 0;
	long double s = 0;
	for (size_t i = 0; i < n; i++)
		if (event[i]) {
			s += km_g(g, tf[i]);
			ne++;
		}
	s /= (long double)ne;
	long double t = 0;
	for (size_t i = 0; i < n; i++)
		if (event[i])
			t += km_g(g, tf[i]) - s;
	s += t / (long double)ne;
	return (double)s;
}

/* u' A^-1 u for the k x k row-major A by LU with partial pivoting (R's solve(), LAPACK dgesv) */
static int lu_quadform(const double *a, const double *u, size_t k, double *out)
{
	gsl_matrix *m = gsl_matrix_alloc(k, k);
	gsl_permutation *perm = gsl_permutation_alloc(k);
	gsl_vector *b = gsl_vector_alloc(k), *sol = gsl_vector_alloc(k);
	int rc = -1;
	if (!m || !perm || !b || !sol)
		goto out;
	for (size_t i = 0; i < k; i++) {
		gsl_vector_set(b, i, u[i]);
		for (size_t j = 0; j < k; j++)
			gsl_matrix_set(m, i, j, a[i * k + j]);
	}
	int signum;
	if (gsl_linalg_LU_decomp(m, perm, &signum) != GSL_SUCCESS)
		goto out;
	/* R's solve() refuses an exactly singular or numerically singular system (rcond) */
	for (size_t i = 0; i < k; i++)
		if (gsl_matrix_get(m, i, i) == 0) {
			rc = 1;
			goto out;
		}
	if (gsl_linalg_LU_solve(m, perm, b, sol) != GSL_SUCCESS)
		goto out;
	double q = 0;
	for (size_t i = 0; i < k; i++)
		q += gsl_vector_get(sol, i) * u[i];
	*out = q;
	rc = 0;
out:
	if (m)
		gsl_matrix_free(m);
	if (perm)
		gsl_permutation_free(perm);
	if (b)
		gsl_vector_free(b);
	if (sol)
		gsl_vector_free(sol);
	return rc;
}

enum ps_status ps_cox_zph(const double *time, const int *event, const double *x, size_t n, size_t p,
			  const int *strata, const struct ps_cox_options *opt,
			  const struct ps_cox_fit *fit, struct ps_cox_zph *zph, struct ps_error *err)
{
	struct ps_cox_options defaults;
	if (!opt) {
		ps_cox_options_init(&defaults);
		opt = &defaults;
	}
	memset(zph, 0, sizeof(*zph));
	enum ps_status st = validate(time, event, x, n, p, err);
	if (st != PS_OK)
		return st;
	if (fit->n != n || fit->p != p || !fit->coef)
		return ps_error_set(err, PS_EDATA, "cox.zph: the data are not those of the fit (%zu rows, %zu covariates)",
				    fit->n, fit->p);
	zph->p = p;
	zph->term = calloc(p, sizeof(*zph->term));
	if (!zph->term)
		return ps_error_set(err, PS_ENOMEM, "out of memory for the proportional-hazards test");
	for (size_t j = 0; j < p; j++)
		nan_test(&zph->term[j]);
	nan_test(&zph->global);

	size_t m = 0;
	int estimable = fit->nevent > 0 && fit->converged && !fit->infinite;
	for (size_t j = 0; j < p; j++)
		if (fit->coef[j].state == PS_COX_COEF_OK)
			m++;
	if (!estimable || m == 0) {
		zph->note = NOTE_ZPH_NO_FIT;
		return PS_OK;
	}

	/* the fit's sort of the rows, or our own when the fit does not carry one for these data */
	struct ps_cox_sort own;
	memset(&own, 0, sizeof(own));
	const struct ps_cox_sort *s = fit->sort;
	if (!s || s->n != n || s->p != p || s->timefix != opt->timefix || s->stratified != (strata != NULL)) {
		st = sorted_init(&own, time, event, x, n, p, strata, opt->timefix, err);
		if (st != PS_OK) {
			ps_cox_zph_release(zph);
			return st;
		}
		s = &own;
	}
	size_t m2 = 2 * m, nut = s->nut;
	size_t *col = malloc(m * sizeof(*col));            /* kept covariates */
	double *cmean = malloc(m * sizeof(*cmean));        /* their plain means */
	double *coef = malloc(p * sizeof(*coef));          /* beta, 0 for aliased covariates */
	double *xi = malloc(m * sizeof(*xi));              /* one row's kept columns, centred */
	struct km_g *gk = calloc(1, sizeof(*gk));          /* g(t) with its lookup cache */
	const double *ut = s->ut;
	double *sb = malloc((nut ? nut : 1) * sizeof(*sb)); /* the Kaplan-Meier steps of g(t) */
	double *buf = calloc(4 * m + 2 * m * m + m2 + m2 * m2 + (m + 1) * (m + 1) + m2, sizeof(*buf));
	const double *tf = s->tfix ? s->tfix : time;       /* times after timefix, input order */
	if (!col || !cmean || !coef || !xi || !buf || !sb || !gk || km_steps(s, sb) != PS_OK) {
		st = ps_error_set(err, PS_ENOMEM, "out of memory for the proportional-hazards test");
		goto out;
	}
	double *a = buf, *a2 = a + m, *cmat = a2 + m, *cmat2 = cmat + m * m, *u = cmat2 + m * m;
	double *imat = u + m2, *sub = imat + m2 * m2, *rhs = sub + (m + 1) * (m + 1);

	for (size_t j = 0, k = 0; j < p; j++)
		if (fit->coef[j].state == PS_COX_COEF_OK)
			col[k++] = j;

	/* centre g over the events (all event rows, in input order: R's mean() of them) */
	gk->ut = ut;
	gk->sb = sb;
	gk->m = nut;
	double gm = event_g_mean(gk, tf, event, n);
	/*
	 * R's linear.predictors: x beta - sum(beta * means), beta 0 for aliased covariates; each
	 * row's is computed where the row is used, with the same operations in the same order.
	 */
	double off = 0;
	for (size_t j = 0; j < p; j++) {
		int ok = fit->coef[j].state == PS_COX_COEF_OK;
		coef[j] = ok ? fit->coef[j].coef : 0;
		if (ok)
			off += fit->coef[j].coef * fit->means[j];
	}
	/* zph1 recentres the kept columns by their plain means */
	for (size_t k = 0; k < m; k++) {
		double t = 0;
		for (size_t i = 0; i < n; i++)
			t += x[i * p + col[k]];
		cmean[k] = t / (double)n;
	}

	/* score and information of (beta, g(t) beta) at (beta-hat, 0), backwards in time */
	const int efron = fit->ties == PS_COX_EFRON;   /* the fit's method, as R's fit$method */
	double denom = 0;
	struct exp_cache ec;
	exp_cache_init(&ec);
	for (ptrdiff_t ip = (ptrdiff_t)n - 1; ip >= 0;) {
		if (s->last[ip]) {
			/* a new stratum (the first one met going backwards included) */
			denom = 0;
			memset(a, 0, m * sizeof(*a));
			memset(cmat, 0, m * m * sizeof(*cmat));
		}
		double dtime = s->time[ip];
		double timewt = km_g(gk, dtime) - gm;
		double ndead = 0, deadwt = 0, denom2 = 0;
		for (ptrdiff_t start = ip; ip >= 0; ip--) {
			if (ip != start && (s->time[ip] != dtime || s->last[ip]))
				break;   /* the next time, or the next stratum */
			const double *xrow = s->x + (size_t)ip * p;
			double e = 0;
			for (size_t j = 0; j < p; j++)
				if (fit->coef[j].state == PS_COX_COEF_OK)
					e += xrow[j] * coef[j];
			double risk = exp_cached(&ec, e - off);
			for (size_t k = 0; k < m; k++)
				xi[k] = xrow[col[k]] - cmean[k];
			if (s->event[ip] == 0) {
				denom += risk;
				for (size_t i = 0; i < m; i++) {
					a[i] += risk * xi[i];
					for (size_t j = 0; j <= i; j++)
						cmat[i * m + j] += risk * xi[i] * xi[j];
				}
			} else {
				ndead++;
				deadwt += 1;
				denom2 += risk;
				for (size_t i = 0; i < m; i++) {
					u[i] += xi[i];
					u[i + m] += timewt * xi[i];
					a2[i] += risk * xi[i];
					for (size_t j = 0; j <= i; j++)
						cmat2[i * m + j] += risk * xi[i] * xi[j];
				}
			}
		}
		if (ndead == 0)
			continue;
		if (!efron) {
			denom += denom2;
			for (size_t i = 0; i < m; i++) {
				a[i] += a2[i];
				double mean = a[i] / denom;
				u[i] -= deadwt * mean;
				u[i + m] -= timewt * deadwt * mean;
				for (size_t j = 0; j <= i; j++) {
					cmat[i * m + j] += cmat2[i * m + j];
					double t = deadwt * (cmat[i * m + j] - mean * a[j]) / denom;
					imat[j * m2 + i] += t;
					imat[j * m2 + i + m] += t * timewt;
					imat[(j + m) * m2 + i + m] += t * timewt * timewt;
				}
			}
		} else {
			double wtave = deadwt / ndead;
			for (int k = 0; k < (int)ndead; k++) {
				denom += denom2 / ndead;
				for (size_t i = 0; i < m; i++) {
					a[i] += a2[i] / ndead;
					double mean = a[i] / denom;
					u[i] -= wtave * mean;
					u[i + m] -= timewt * wtave * mean;
					for (size_t j = 0; j <= i; j++) {
						cmat[i * m + j] += cmat2[i * m + j] / ndead;
						double t = wtave * (cmat[i * m + j] - mean * a[j]) / denom;
						imat[j * m2 + i] += t;
						imat[j * m2 + i + m] += timewt * t;
						imat[(j + m) * m2 + i + m] += timewt * timewt * t;
					}
				}
			}
		}
		memset(a2, 0, m * sizeof(*a2));
		memset(cmat2, 0, m * m * sizeof(*cmat2));
	}
	/* the rest of the symmetric matrix, as zph1 fills it */
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < i; j++) {
			imat[i * m2 + j] = imat[j * m2 + i];
			imat[i * m2 + j + m] = imat[j * m2 + i + m];
			imat[(i + m) * m2 + j + m] = imat[(j + m) * m2 + i + m];
		}
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			imat[(i + m) * m2 + j] = imat[j * m2 + i + m];

	/* per term: the score test of g(t) x_k given the fitted beta (u of beta is set to 0) */
	int singular = 0;
	for (size_t t = 0; t < m; t++) {
		size_t k1 = m + 1;
		for (size_t i = 0; i < k1; i++) {
			size_t ri = i < m ? i : m + t;
			rhs[i] = i < m ? 0 : u[m + t];
			for (size_t j = 0; j < k1; j++) {
				size_t cj = j < m ? j : m + t;
				sub[i * k1 + j] = imat[ri * m2 + cj];
			}
		}
		double q;
		int rc = lu_quadform(sub, rhs, k1, &q);
		if (rc < 0) {
			st = ps_error_set(err, PS_ENOMEM, "out of memory for the proportional-hazards test");
			goto out;
		}
		if (rc > 0)
			singular = 1;
		else
			set_test(&zph->term[col[t]], q, 1);
	}
	for (size_t i = 0; i < m2; i++)
		rhs[i] = i < m ? 0 : u[i];
	{
		double q;
		int rc = lu_quadform(imat, rhs, m2, &q);
		if (rc < 0) {
			st = ps_error_set(err, PS_ENOMEM, "out of memory for the proportional-hazards test");
			goto out;
		}
		if (rc > 0)
			singular = 1;
		else
			set_test(&zph->global, q, (double)m);
	}
	if (singular)
		zph->note = NOTE_ZPH_SINGULAR;
	else if (m < p)
		zph->note = NOTE_ZPH_ALIASED;
	st = PS_OK;
out:
	free(col);
	free(cmean);
	free(coef);
	free(xi);
	free(gk);
	free(sb);
	free(buf);
	sorted_release(&own);
	if (st != PS_OK)
		ps_cox_zph_release(zph);
	return st;
}
