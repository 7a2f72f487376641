/*
 * Unit tests for km.c: the streaming table, Kaplan-Meier rows, survival at times, quantiles,
 * the print() median and restricted means, against R (survival 3.5-3) values written by
 * scripts/golden_survival.R to tests/golden/survival.tsv from the data in
 * tests/data/survival/. Every figure is compared to 1e-9 relative (absolute below 1); counts
 * exactly; R's NA must be NAN here.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/km.h"

#define GOLDEN "survival.tsv"
#define TOL 1e-9

/* ---- a cached view of the golden file (17,000 keys: golden() rescans the file per key) ---- */

struct gentry {
	char *key;
	double value;
};

static struct gentry *gtab;
static size_t gcount;

static int gentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gentry *)a)->key, ((const struct gentry *)b)->key);
}

static void gload(void)
{
	if (gtab)
		return;
	FILE *fp = fopen(test_path("golden/" GOLDEN), "r");
	ck_assert_msg(fp != NULL, "golden file %s cannot be opened", GOLDEN);
	size_t cap = 1024;
	gtab = malloc(cap * sizeof(*gtab));
	char line[1024];
	while (fgets(line, sizeof(line), fp)) {
		if (line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		const char *v = tab + 1;
		double x;
		if (strncmp(v, "NA", 2) == 0 || strncmp(v, "NaN", 3) == 0)
			x = NAN;
		else if (strncmp(v, "Inf", 3) == 0)
			x = INFINITY;
		else if (strncmp(v, "-Inf", 4) == 0)
			x = -INFINITY;
		else
			x = strtod(v, NULL);
		if (gcount == cap)
			gtab = realloc(gtab, (cap *= 2) * sizeof(*gtab));
		gtab[gcount].key = strdup(line);
		gtab[gcount].value = x;
		gcount++;
	}
	fclose(fp);
	qsort(gtab, gcount, sizeof(*gtab), gentry_cmp);
}

static void gfree(void)
{
	for (size_t i = 0; i < gcount; i++)
		free(gtab[i].key);
	free(gtab);
	gtab = NULL;
	gcount = 0;
}

static const struct gentry *gfind(const char *key)
{
	gload();
	struct gentry probe = { (char *)key, 0 };
	return bsearch(&probe, gtab, gcount, sizeof(*gtab), gentry_cmp);
}

static int ghas(const char *key)
{
	return gfind(key) != NULL;
}

static double gval(const char *key)
{
	const struct gentry *e = gfind(key);
	ck_assert_msg(e != NULL, "golden value %s not in %s", key, GOLDEN);
	return e->value;
}

/* largest relative difference seen (absolute below 1, as ck_assert_close), for the report */
static double max_diff, max_rel;
static size_t n_compared;

static void check(double got, const char *key)
{
	double want = gval(key);
	if (isfinite(want) && isfinite(got)) {
		double scale = fabs(want) < 1 ? 1 : fabs(want);
		double d = fabs(got - want) / scale;
		if (d > max_diff)
			max_diff = d;
	}
	if (isfinite(want) && isfinite(got) && want != 0 && fabs(got - want) / fabs(want) > max_rel)
		max_rel = fabs(got - want) / fabs(want);
	n_compared++;
	ck_assert_close(got, want, TOL, key);
}

static void check_count(size_t got, const char *key)
{
	double want = gval(key);
	n_compared++;
	ck_assert_msg((double)got == want, "%s = %zu, want %.17g", key, got, want);
}

/* ---- the cases of scripts/golden_survival.R ---------------------------------------------- */

struct km_case {
	const char *name;
	const char *file;    /* tests/data/survival/<file>.csv */
	const char *group;   /* group column, NULL for one curve over all rows */
};

static const struct km_case km_cases[] = {
	{ "aml", "aml", "group" },
	{ "lung", "lung", "sex" },
	{ "lung_all", "lung", NULL },
	{ "ovarian", "ovarian", "rx" },
	{ "big", "big", "group" },
	{ "ties_all", "ties_all", "group" },
	{ "all_censored", "all_censored", "group" },
	{ "one_member", "one_member", "group" },
	{ "event_zero", "event_zero", "group" },
	{ "identical", "identical", "group" },
	{ "heavy_ties", "heavy_ties", "group" },
	{ "flat_half", "flat_half", "group" },
	{ "single", "single", "group" },
};
#define N_CASES (sizeof(km_cases) / sizeof(km_cases[0]))
#define MAX_GROUPS 8

struct loaded {
	size_t n_groups;
	char gname[MAX_GROUPS][8];   /* g1, g2, ... as the R script names them; g0 for one curve */
	struct ps_surv_table table[MAX_GROUPS];
};

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One finished table per group value (sorted), rows with a missing group left out. */
static void load_case(const struct km_case *c, struct loaded *L)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "data/survival/%s.csv", c->file);
	double *time, *status, *group = NULL;
	size_t n = test_load_column(rel, "time", &time);
	ck_assert_uint_eq(test_load_column(rel, "status", &status), n);
	if (c->group)
		ck_assert_uint_eq(test_load_column(rel, c->group, &group), n);
	double levels[MAX_GROUPS];
	size_t nl = 0;
	if (group) {
		for (size_t i = 0; i < n; i++) {
			if (isnan(group[i]))
				continue;
			size_t k = 0;
			while (k < nl && levels[k] != group[i])
				k++;
			if (k == nl) {
				ck_assert_uint_lt(nl, MAX_GROUPS);
				levels[nl++] = group[i];
			}
		}
		qsort(levels, nl, sizeof(double), dbl_cmp);
	} else {
		nl = 1;
	}
	L->n_groups = nl;
	for (size_t g = 0; g < nl; g++) {
		snprintf(L->gname[g], sizeof(L->gname[g]), "g%u", (unsigned)((group ? g + 1 : 0) % 100000));
		ps_surv_table_init(&L->table[g]);
	}
	for (size_t i = 0; i < n; i++) {
		size_t g = 0;
		if (group) {
			if (isnan(group[i]))
				continue;
			while (levels[g] != group[i])
				g++;
		}
		ck_assert_int_eq(ps_surv_table_add(&L->table[g], time[i], status[i]), PS_OK);
	}
	for (size_t g = 0; g < nl; g++)
		ck_assert_int_eq(ps_surv_table_finish(&L->table[g]), PS_OK);
	free(time);
	free(status);
	free(group);
}

static void unload(struct loaded *L)
{
	for (size_t g = 0; g < L->n_groups; g++)
		ps_surv_table_release(&L->table[g]);
}

struct ctype {
	const char *key;
	enum ps_km_ci ci;
	double level;
};

static const struct ctype ctypes[] = {
	{ "log", PS_KM_CI_LOG, 0.95 },
	{ "loglog", PS_KM_CI_LOGLOG, 0.95 },
	{ "plain", PS_KM_CI_PLAIN, 0.95 },
	{ "log90", PS_KM_CI_LOG, 0.90 },   /* aml only */
};
#define N_CTYPES (sizeof(ctypes) / sizeof(ctypes[0]))

/* ---- the accumulator ---------------------------------------------------------------------- */

START_TEST(table_rejects_bad_values)
{
	struct ps_surv_table t;
	ps_surv_table_init(&t);
	ck_assert_int_eq(ps_surv_table_add(&t, -1, 1), PS_EDATA);
	ck_assert_int_eq(ps_surv_table_add(&t, NAN, 1), PS_EDATA);
	ck_assert_int_eq(ps_surv_table_add(&t, INFINITY, 0), PS_EDATA);
	ck_assert_int_eq(ps_surv_table_add(&t, 1, 2), PS_EDATA);
	ck_assert_int_eq(ps_surv_table_add(&t, 1, 0.5), PS_EDATA);
	ck_assert_int_eq(ps_surv_table_add(&t, 1, NAN), PS_EDATA);
	ck_assert_uint_eq(t.n_obs, 0);
	/* -0 and 0 are one time */
	ck_assert_int_eq(ps_surv_table_add(&t, -0.0, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_add(&t, 0.0, 0), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&t), PS_OK);
	ck_assert_uint_eq(t.n_rows, 1);
	ck_assert(!signbit(t.rows[0].time));
	ck_assert_uint_eq(t.rows[0].n_event, 1);
	ck_assert_uint_eq(t.rows[0].n_censor, 1);
	ps_surv_table_release(&t);
}
END_TEST

/* a small deterministic generator, so that the test needs no global state */
static unsigned long long lcg(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

START_TEST(table_merge_of_shards_equals_whole)
{
	/* 3 shards of shuffled rows, 2,000 distinct times (more than the buffer: it must grow) */
	struct ps_surv_table whole, shard[3], merged;
	ps_surv_table_init(&whole);
	ps_surv_table_init(&merged);
	for (int s = 0; s < 3; s++)
		ps_surv_table_init(&shard[s]);
	unsigned long long seed = 42;
	size_t n = 50000;
	for (size_t i = 0; i < n; i++) {
		double time = (double)(lcg(&seed) % 2000) / 8;
		double event = (double)(lcg(&seed) % 3 == 0);
		ck_loop_assert(ps_surv_table_add(&whole, time, event) == PS_OK);
		ck_loop_assert(ps_surv_table_add(&shard[lcg(&seed) % 3], time, event) == PS_OK);
	}
	/* merge an unfinished shard, a finished one, and one into an already finished dst */
	ck_assert_int_eq(ps_surv_table_merge(&merged, &shard[0]), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&shard[1]), PS_OK);
	ck_assert_int_eq(ps_surv_table_merge(&merged, &shard[1]), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&merged), PS_OK);
	ck_assert_int_eq(ps_surv_table_merge(&merged, &shard[2]), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&merged), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&whole), PS_OK);

	ck_assert_uint_eq(merged.n_obs, n);
	ck_assert_uint_eq(merged.n_obs, whole.n_obs);
	ck_assert_uint_eq(merged.n_events, whole.n_events);
	ck_assert_uint_eq(merged.n_rows, whole.n_rows);
	ck_assert_uint_le(whole.n_rows, 2000);
	ck_assert_uint_gt(whole.n_rows, 1900);
	size_t events = 0, obs = 0;
	for (size_t i = 0; i < whole.n_rows; i++) {
		ck_loop_assert(merged.rows[i].time == whole.rows[i].time);
		ck_loop_assert(merged.rows[i].n_event == whole.rows[i].n_event);
		ck_loop_assert(merged.rows[i].n_censor == whole.rows[i].n_censor);
		if (i > 0)
			ck_loop_assert(whole.rows[i].time > whole.rows[i - 1].time);
		events += whole.rows[i].n_event;
		obs += whole.rows[i].n_event + whole.rows[i].n_censor;
	}
	ck_assert_uint_eq(obs, n);
	ck_assert_uint_eq(events, whole.n_events);
	/* capacity within 4 x distinct times */
	ck_assert_uint_le(whole.capacity, 4 * whole.n_rows);

	/* the curve of the merged table is the curve of the whole */
	struct ps_km a, b;
	ck_assert_int_eq(ps_km_fit(&whole, PS_KM_CI_LOG, 0.95, &a), PS_OK);
	ck_assert_int_eq(ps_km_fit(&merged, PS_KM_CI_LOG, 0.95, &b), PS_OK);
	ck_assert_uint_eq(a.n_rows, b.n_rows);
	for (size_t i = 0; i < a.n_rows; i++) {
		ck_assert(a.rows[i].survival == b.rows[i].survival);
		ck_assert(a.rows[i].std_err == b.rows[i].std_err);
	}
	ps_km_release(&a);
	ps_km_release(&b);

	ps_surv_table_release(&whole);
	ps_surv_table_release(&merged);
	for (int s = 0; s < 3; s++)
		ps_surv_table_release(&shard[s]);
}
END_TEST

START_TEST(table_memory_bounded_by_distinct_times)
{
	struct ps_surv_table t;
	ps_surv_table_init(&t);
	unsigned long long seed = 7;
	for (size_t i = 0; i < 1000000; i++)
		ck_loop_assert(ps_surv_table_add(&t, (double)(lcg(&seed) % 10), (double)(i % 2)) == PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&t), PS_OK);
	ck_assert_uint_eq(t.n_rows, 10);
	ck_assert_uint_eq(t.n_obs, 1000000);
	ck_assert_uint_eq(t.n_events, 500000);
	/* a million rows, ten distinct times: the buffer never grows past its first allocation */
	ck_assert_uint_le(t.capacity, 64);
	ps_surv_table_release(&t);
	ck_assert_uint_eq(t.capacity, 0);
	ck_assert_ptr_null(t.rows);
}
END_TEST

START_TEST(fit_needs_finished_table_and_valid_level)
{
	struct ps_surv_table t;
	struct ps_km km;
	ps_surv_table_init(&t);
	ck_assert_int_eq(ps_surv_table_add(&t, 3, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_add(&t, 1, 1), PS_OK);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 0.95, &km), PS_EINTERNAL);
	ck_assert_int_eq(ps_surv_table_finish(&t), PS_OK);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 1.0, &km), PS_EUSAGE);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 0, &km), PS_EUSAGE);
	ck_assert_int_eq(ps_km_fit(&t, (enum ps_km_ci)9, 0.95, &km), PS_EUSAGE);
	ps_surv_table_release(&t);

	/* an empty table: no rows, a note, NAN quantiles */
	ps_surv_table_init(&t);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 0.95, &km), PS_OK);
	ck_assert_uint_eq(km.n_rows, 0);
	ck_assert_ptr_nonnull(km.note);
	struct ps_km_quantile q;
	ck_assert_int_eq(ps_km_quantile(&km, 0.5, &q), PS_OK);
	ck_assert(isnan(q.time));
	ck_assert_int_eq(ps_km_median(&km, &q), PS_OK);
	ck_assert(isnan(q.time));
	ck_assert(isnan(ps_km_last_time(&km)));
	/* and no restricted mean: NAN, and the difference with a real group says why */
	struct ps_rmst r0, r1;
	struct ps_rmst_diff d;
	ck_assert_int_eq(ps_km_rmst(&km, 5, &r0), PS_OK);
	ck_assert(isnan(r0.rmst) && isnan(r0.se));
	ck_assert_ptr_nonnull(r0.note);
	r1.tau = 5;
	r1.rmst = 4;
	r1.se = 0.5;
	r1.note = NULL;
	ck_assert_int_eq(ps_rmst_diff(&r1, &r0, 0.95, &d), PS_OK);
	ck_assert(isnan(d.diff) && isnan(d.se) && isnan(d.p_value));
	ck_assert_ptr_eq(d.note, r0.note);
	ps_km_release(&km);
}
END_TEST

/* ---- against R ---------------------------------------------------------------------------- */

START_TEST(km_rows_match_r)
{
	char key[256];
	for (size_t c = 0; c < N_CASES; c++) {
		struct loaded L;
		load_case(&km_cases[c], &L);
		for (size_t g = 0; g < L.n_groups; g++) {
			const char *pre = km_cases[c].name, *gn = L.gname[g];
			for (size_t k = 0; k < N_CTYPES; k++) {
				snprintf(key, sizeof(key), "km.%s.%s.%s.r1.lower", pre, gn, ctypes[k].key);
				if (!ghas(key))
					continue;
				struct ps_km km;
				ck_assert_int_eq(ps_km_fit(&L.table[g], ctypes[k].ci, ctypes[k].level, &km), PS_OK);
				snprintf(key, sizeof(key), "km.%s.%s.n_rows", pre, gn);
				check_count(km.n_rows, key);
				for (size_t i = 0; i < km.n_rows; i++) {
					const struct ps_km_row *r = &km.rows[i];
#define ROWKEY(field) (snprintf(key, sizeof(key), "km.%s.%s.r%zu.%s", pre, gn, i + 1, field), key)
					check(r->time, ROWKEY("time"));
					check_count(r->at_risk, ROWKEY("at_risk"));
					check_count(r->events, ROWKEY("events"));
					check_count(r->censored, ROWKEY("censored"));
					check(r->survival, ROWKEY("survival"));
					check(r->std_err, ROWKEY("std_err"));
#undef ROWKEY
					snprintf(key, sizeof(key), "km.%s.%s.%s.r%zu.lower", pre, gn, ctypes[k].key, i + 1);
					check(r->ci_lower, key);
					snprintf(key, sizeof(key), "km.%s.%s.%s.r%zu.upper", pre, gn, ctypes[k].key, i + 1);
					check(r->ci_upper, key);
					/* a NAN is always explained */
					if (isnan(r->std_err))
						ck_assert_ptr_nonnull(km.note);
				}
				ps_km_release(&km);
			}
		}
		unload(&L);
	}
}
END_TEST

START_TEST(km_at_times_match_r)
{
	char key[256];
	for (size_t c = 0; c < N_CASES; c++) {
		struct loaded L;
		load_case(&km_cases[c], &L);
		for (size_t g = 0; g < L.n_groups; g++) {
			const char *pre = km_cases[c].name, *gn = L.gname[g];
			for (size_t k = 0; k < N_CTYPES; k++) {
				snprintf(key, sizeof(key), "at.%s.%s.%s.t1.time", pre, gn, ctypes[k].key);
				if (!ghas(key))
					continue;
				struct ps_km km;
				ck_assert_int_eq(ps_km_fit(&L.table[g], ctypes[k].ci, ctypes[k].level, &km), PS_OK);
				double times[32];
				size_t nt = 0;
				for (;;) {
					snprintf(key, sizeof(key), "at.%s.%s.%s.t%zu.time", pre, gn, ctypes[k].key, nt + 1);
					if (!ghas(key))
						break;
					ck_assert_uint_lt(nt, 31);
					times[nt++] = gval(key);
				}
				/* one more, after the last observation: R drops it, here it is NAN with a note */
				times[nt] = ps_km_last_time(&km) + 1;
				struct ps_km_point pts[32];
				ck_assert_int_eq(ps_km_at(&km, times, nt + 1, pts), PS_OK);
				for (size_t j = 0; j < nt; j++) {
					const struct ps_km_point *o = &pts[j];
#define ATKEY(field) (snprintf(key, sizeof(key), "at.%s.%s.%s.t%zu.%s", pre, gn, ctypes[k].key, j + 1, field), key)
					check(o->time, ATKEY("time"));
					check_count(o->at_risk, ATKEY("at_risk"));
					check_count(o->events, ATKEY("events"));
					check_count(o->censored, ATKEY("censored"));
					check(o->survival, ATKEY("survival"));
					check(o->std_err, ATKEY("std_err"));
					check(o->ci_lower, ATKEY("lower"));
					check(o->ci_upper, ATKEY("upper"));
#undef ATKEY
				}
				ck_assert(isnan(pts[nt].survival) && isnan(pts[nt].std_err));
				ck_assert_ptr_nonnull(pts[nt].note);
				ps_km_release(&km);
			}
		}
		unload(&L);
	}
}
END_TEST

START_TEST(at_times_rejects_unsorted_or_negative)
{
	struct ps_surv_table t;
	struct ps_km km;
	struct ps_km_point pts[2];
	ps_surv_table_init(&t);
	ck_assert_int_eq(ps_surv_table_add(&t, 2, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&t), PS_OK);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 0.95, &km), PS_OK);
	double down[2] = { 2, 1 }, neg[1] = { -1 }, nan_[1] = { NAN };
	ck_assert_int_eq(ps_km_at(&km, down, 2, pts), PS_EUSAGE);
	ck_assert_int_eq(ps_km_at(&km, neg, 1, pts), PS_EUSAGE);
	ck_assert_int_eq(ps_km_at(&km, nan_, 1, pts), PS_EUSAGE);
	ps_km_release(&km);
	ps_surv_table_release(&t);
}
END_TEST

static const int probs_pct[] = { 0, 10, 25, 50, 75, 90, 100 };

START_TEST(quantiles_and_median_match_r)
{
	char key[256];
	for (size_t c = 0; c < N_CASES; c++) {
		struct loaded L;
		load_case(&km_cases[c], &L);
		for (size_t g = 0; g < L.n_groups; g++) {
			const char *pre = km_cases[c].name, *gn = L.gname[g];
			for (size_t k = 0; k < N_CTYPES; k++) {
				snprintf(key, sizeof(key), "med.%s.%s.%s.median", pre, gn, ctypes[k].key);
				if (!ghas(key))
					continue;
				struct ps_km km;
				ck_assert_int_eq(ps_km_fit(&L.table[g], ctypes[k].ci, ctypes[k].level, &km), PS_OK);
				struct ps_km_quantile q;
				for (size_t j = 0; j < sizeof(probs_pct) / sizeof(probs_pct[0]); j++) {
					ck_assert_int_eq(ps_km_quantile(&km, probs_pct[j] / 100.0, &q), PS_OK);
#define QKEY(field) (snprintf(key, sizeof(key), "q.%s.%s.%s.p%d.%s", pre, gn, ctypes[k].key, probs_pct[j], field), key)
					check(q.time, QKEY("q"));
					check(q.lower, QKEY("lower"));
					check(q.upper, QKEY("upper"));
#undef QKEY
					if (isnan(q.time) || isnan(q.lower) || isnan(q.upper))
						ck_assert_ptr_nonnull(q.note);
				}
				ck_assert_int_eq(ps_km_median(&km, &q), PS_OK);
				snprintf(key, sizeof(key), "med.%s.%s.%s.median", pre, gn, ctypes[k].key);
				check(q.time, key);
				snprintf(key, sizeof(key), "med.%s.%s.%s.lower", pre, gn, ctypes[k].key);
				check(q.lower, key);
				snprintf(key, sizeof(key), "med.%s.%s.%s.upper", pre, gn, ctypes[k].key);
				check(q.upper, key);
				ps_km_release(&km);
			}
		}
		unload(&L);
	}
}
END_TEST

START_TEST(median_rules_on_flat_stretches)
{
	/* spelled out for the two flat cases, so that the rule itself is visible here */
	struct loaded L;
	load_case(&km_cases[11], &L);
	ck_assert_str_eq(km_cases[11].name, "flat_half");
	struct ps_km km;
	struct ps_km_quantile q;
	/* group 1: S = 0.5 from time 2 to the last time 4: quantile takes (2 + 4) / 2, print 2 */
	ck_assert_int_eq(ps_km_fit(&L.table[0], PS_KM_CI_LOG, 0.95, &km), PS_OK);
	ck_assert_int_eq(ps_km_quantile(&km, 0.5, &q), PS_OK);
	ck_assert_double_eq(q.time, 3);
	ck_assert_int_eq(ps_km_median(&km, &q), PS_OK);
	ck_assert_double_eq(q.time, 2);
	ck_assert(isnan(q.upper));
	ck_assert_ptr_nonnull(q.note);
	ps_km_release(&km);
	/* group 2: S = 0.5 from 3 until it falls at 5: both take the midpoint 4 */
	ck_assert_int_eq(ps_km_fit(&L.table[1], PS_KM_CI_LOG, 0.95, &km), PS_OK);
	ck_assert_int_eq(ps_km_quantile(&km, 0.5, &q), PS_OK);
	ck_assert_double_eq(q.time, 4);
	ck_assert_int_eq(ps_km_median(&km, &q), PS_OK);
	ck_assert_double_eq(q.time, 4);
	ck_assert_int_eq(ps_km_quantile(&km, 1.5, &q), PS_EUSAGE);
	ps_km_release(&km);
	unload(&L);
}
END_TEST

START_TEST(rmst_matches_r)
{
	char key[256];
	for (size_t c = 0; c < N_CASES; c++) {
		struct loaded L;
		load_case(&km_cases[c], &L);
		struct ps_km km[MAX_GROUPS];
		for (size_t g = 0; g < L.n_groups; g++)
			ck_assert_int_eq(ps_km_fit(&L.table[g], PS_KM_CI_LOG, 0.95, &km[g]), PS_OK);
		const char *pre = km_cases[c].name;
		/* tau1 in the script is the default: the smallest last time */
		double tau_default = ps_km_last_time(&km[0]);
		for (size_t g = 1; g < L.n_groups; g++)
			if (ps_km_last_time(&km[g]) < tau_default)
				tau_default = ps_km_last_time(&km[g]);
		snprintf(key, sizeof(key), "rmst.%s.%s.tau1.tau", pre, L.gname[0]);
		check(tau_default, key);
		if (L.n_groups == 2)
			ck_assert(ps_rmst_default_tau(&km[0], &km[1]) == tau_default);
		for (size_t g = 0; g < L.n_groups; g++) {
			for (int j = 1;; j++) {
				snprintf(key, sizeof(key), "rmst.%s.%s.tau%d.tau", pre, L.gname[g], j);
				if (!ghas(key))
					break;
				struct ps_rmst r;
				ck_assert_int_eq(ps_km_rmst(&km[g], gval(key), &r), PS_OK);
				snprintf(key, sizeof(key), "rmst.%s.%s.tau%d.rmean", pre, L.gname[g], j);
				check(r.rmst, key);
				snprintf(key, sizeof(key), "rmst.%s.%s.tau%d.se", pre, L.gname[g], j);
				check(r.se, key);
				if (r.tau > ps_km_last_time(&km[g]))
					ck_assert_ptr_nonnull(r.note);
			}
		}
		snprintf(key, sizeof(key), "rmstdiff.%s.diff", pre);
		if (ghas(key)) {
			struct ps_rmst r1, r0;
			struct ps_rmst_diff d;
			double tau = ps_rmst_default_tau(&km[1], &km[0]);
			ck_assert_int_eq(ps_km_rmst(&km[1], tau, &r1), PS_OK);
			ck_assert_int_eq(ps_km_rmst(&km[0], tau, &r0), PS_OK);
			ck_assert_int_eq(ps_rmst_diff(&r1, &r0, 0.95, &d), PS_OK);
			check(d.diff, key);
			snprintf(key, sizeof(key), "rmstdiff.%s.se", pre);
			check(d.se, key);
			snprintf(key, sizeof(key), "rmstdiff.%s.lower", pre);
			check(d.ci_lower, key);
			snprintf(key, sizeof(key), "rmstdiff.%s.upper", pre);
			check(d.ci_upper, key);
			snprintf(key, sizeof(key), "rmstdiff.%s.p", pre);
			check(d.p_value, key);
			if (isnan(d.p_value))
				ck_assert_ptr_nonnull(d.note);
		}
		for (size_t g = 0; g < L.n_groups; g++)
			ps_km_release(&km[g]);
		unload(&L);
	}
}
END_TEST

START_TEST(rmst_rejects_bad_tau)
{
	struct ps_surv_table t;
	struct ps_km km;
	struct ps_rmst r, r2;
	struct ps_rmst_diff d;
	ps_surv_table_init(&t);
	ck_assert_int_eq(ps_surv_table_add(&t, 2, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_add(&t, 4, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&t), PS_OK);
	ck_assert_int_eq(ps_km_fit(&t, PS_KM_CI_LOG, 0.95, &km), PS_OK);
	ck_assert_int_eq(ps_km_rmst(&km, -1, &r), PS_EUSAGE);
	ck_assert_int_eq(ps_km_rmst(&km, INFINITY, &r), PS_EUSAGE);
	/* before the first event: S = 1 up to tau, nothing uncertain */
	ck_assert_int_eq(ps_km_rmst(&km, 1.5, &r), PS_OK);
	ck_assert_double_eq(r.rmst, 1.5);
	ck_assert_double_eq(r.se, 0);
	ck_assert_int_eq(ps_rmst_diff(&r, &r, 0.95, &d), PS_OK);
	ck_assert(isnan(d.p_value) && isnan(d.z));
	ck_assert_ptr_nonnull(d.note);
	ck_assert_int_eq(ps_km_rmst(&km, 3, &r2), PS_OK);
	ck_assert_int_eq(ps_rmst_diff(&r, &r2, 0.95, &d), PS_EUSAGE);
	ps_km_release(&km);
	ps_surv_table_release(&t);
}
END_TEST

START_TEST(report_max_difference)
{
	/* runs last: the figure quoted in docs/methods.md */
	printf("check_km: %zu figures compared with R, max difference %.3g (relative, absolute below 1), max plain relative difference %.3g\n", n_compared, max_diff, max_rel);
	ck_assert_uint_gt(n_compared, 10000);
}
END_TEST

static Suite *km_suite(void)
{
	Suite *s = suite_create("km");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, table_rejects_bad_values);
	tcase_add_test(tc, table_merge_of_shards_equals_whole);
	tcase_add_test(tc, table_memory_bounded_by_distinct_times);
	tcase_add_test(tc, fit_needs_finished_table_and_valid_level);
	tcase_add_test(tc, km_rows_match_r);
	tcase_add_test(tc, km_at_times_match_r);
	tcase_add_test(tc, at_times_rejects_unsorted_or_negative);
	tcase_add_test(tc, quantiles_and_median_match_r);
	tcase_add_test(tc, median_rules_on_flat_stretches);
	tcase_add_test(tc, rmst_matches_r);
	tcase_add_test(tc, rmst_rejects_bad_tau);
	tcase_add_test(tc, report_max_difference);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(km_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	gfree();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
