/*
 * Unit tests for logrank.c against R's survdiff (survival 3.5-3): rho = 0 (log-rank), 1
 * (Peto-Peto) and 0.5, two and four groups, unstratified and stratified, on the package's aml,
 * lung and ovarian data and the adversarial sets of scripts/golden_survival.R (values in
 * tests/golden/survival_logrank.tsv). Observed, expected (overall and per stratum), the
 * variance matrix, chi-square, df and p are compared to 1e-9 relative (absolute below 1).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/km.h"
#include "peerstat/logrank.h"

#define GOLDEN "survival_logrank.tsv"
#define TOL 1e-9
#define MAX_LEVELS 8

struct lr_case {
	const char *name;
	const char *file;
	const char *group;
	const char *stratum;   /* NULL: one stratum */
};

static const struct lr_case cases[] = {
	{ "aml", "aml", "group", NULL },
	{ "lung", "lung", "sex", NULL },
	{ "lung_strat", "lung", "sex", "ph_ecog" },
	{ "lung_ecog", "lung", "ph_ecog", NULL },
	{ "ovarian", "ovarian", "rx", NULL },
	{ "ovarian_strat", "ovarian", "rx", "resid_ds" },
	{ "big", "big", "group", NULL },
	{ "big_strat", "big", "group", "stratum" },
	{ "ties_all", "ties_all", "group", NULL },
	{ "all_censored", "all_censored", "group", NULL },
	{ "one_member", "one_member", "group", NULL },
	{ "event_zero", "event_zero", "group", NULL },
	{ "identical", "identical", "group", NULL },
	{ "heavy_ties", "heavy_ties", "group", NULL },
	{ "flat_half", "flat_half", "group", NULL },
	{ "single", "single", "group", NULL },
	{ "separated", "separated", "group", NULL },
};

static const struct {
	double rho;
	const char *key;
} rhos[] = { { 0, "rho0" }, { 1, "rho10" }, { 0.5, "rho5" } };

static double max_diff, max_rel;
static size_t n_compared;

static void check(double got, const char *key)
{
	double want = golden(GOLDEN, key);
	if (isfinite(want) && isfinite(got)) {
		double scale = fabs(want) < 1 ? 1 : fabs(want);
		if (fabs(got - want) / scale > max_diff)
			max_diff = fabs(got - want) / scale;
	}
	if (isfinite(want) && isfinite(got) && want != 0 && fabs(got - want) / fabs(want) > max_rel)
		max_rel = fabs(got - want) / fabs(want);
	n_compared++;
	ck_assert_close(got, want, TOL, key);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* sorted distinct non-missing values of v[0..n) */
static size_t levels_of(const double *v, size_t n, double *lev)
{
	size_t nl = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		size_t k = 0;
		while (k < nl && lev[k] != v[i])
			k++;
		if (k == nl) {
			ck_assert_uint_lt(nl, MAX_LEVELS);
			lev[nl++] = v[i];
		}
	}
	qsort(lev, nl, sizeof(double), dbl_cmp);
	return nl;
}

static size_t index_of(const double *lev, double v)
{
	size_t k = 0;
	while (lev[k] != v)
		k++;
	return k;
}

struct loaded {
	size_t n_groups, n_strata;
	struct ps_surv_table tables[MAX_LEVELS * MAX_LEVELS];
};

/*
 * One table per (stratum, group). Rows go round-robin into two shards per cell that are merged
 * afterwards, so that the streaming path (shards, merge) is what the test sees.
 */
static void load_case(const struct lr_case *c, struct loaded *L)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "data/survival/%s.csv", c->file);
	double *time, *status, *group, *strat = NULL;
	size_t n = test_load_column(rel, "time", &time);
	ck_assert_uint_eq(test_load_column(rel, "status", &status), n);
	ck_assert_uint_eq(test_load_column(rel, c->group, &group), n);
	if (c->stratum)
		ck_assert_uint_eq(test_load_column(rel, c->stratum, &strat), n);
	/* missing group or stratum: the row is left out, as R's model frame does */
	for (size_t i = 0; i < n; i++)
		if (strat && isnan(strat[i]))
			group[i] = NAN;
	double glev[MAX_LEVELS], slev[MAX_LEVELS];
	L->n_groups = levels_of(group, n, glev);
	L->n_strata = strat ? levels_of(strat, n, slev) : 1;
	size_t cells = L->n_groups * L->n_strata;
	struct ps_surv_table shard[MAX_LEVELS * MAX_LEVELS];
	for (size_t i = 0; i < cells; i++) {
		ps_surv_table_init(&L->tables[i]);
		ps_surv_table_init(&shard[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (isnan(group[i]))
			continue;
		size_t cell = (strat ? index_of(slev, strat[i]) : 0) * L->n_groups + index_of(glev, group[i]);
		struct ps_surv_table *t = i % 2 ? &shard[cell] : &L->tables[cell];
		ck_assert_int_eq(ps_surv_table_add(t, time[i], status[i]), PS_OK);
	}
	for (size_t i = 0; i < cells; i++) {
		ck_assert_int_eq(ps_surv_table_merge(&L->tables[i], &shard[i]), PS_OK);
		ck_assert_int_eq(ps_surv_table_finish(&L->tables[i]), PS_OK);
		ps_surv_table_release(&shard[i]);
	}
	free(time);
	free(status);
	free(group);
	free(strat);
}

static void unload(struct loaded *L)
{
	for (size_t i = 0; i < L->n_groups * L->n_strata; i++)
		ps_surv_table_release(&L->tables[i]);
}

START_TEST(survdiff_matches_r)
{
	char key[256];
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct loaded L;
		load_case(&cases[c], &L);
		const struct ps_surv_table *tab[MAX_LEVELS * MAX_LEVELS];
		for (size_t i = 0; i < L.n_groups * L.n_strata; i++)
			tab[i] = L.tables[i].n_obs ? &L.tables[i] : NULL;   /* NULL: an empty cell */
		for (size_t r = 0; r < sizeof(rhos) / sizeof(rhos[0]); r++) {
			struct ps_logrank lr;
			ck_assert_int_eq(ps_logrank(tab, L.n_strata, L.n_groups, rhos[r].rho, &lr), PS_OK);
#define KEY(...) (snprintf(key, sizeof(key), __VA_ARGS__), key)
			const char *pre = cases[c].name, *rk = rhos[r].key;
			ck_assert_double_eq(golden(GOLDEN, KEY("lr.%s.%s.k", pre, rk)), (double)L.n_groups);
			for (size_t g = 0; g < L.n_groups; g++) {
				ck_assert_double_eq(golden(GOLDEN, KEY("lr.%s.%s.n.g%zu", pre, rk, g + 1)), (double)lr.n[g]);
				check(lr.observed[g], KEY("lr.%s.%s.obs.g%zu", pre, rk, g + 1));
				check(lr.expected[g], KEY("lr.%s.%s.exp.g%zu", pre, rk, g + 1));
				for (size_t h = 0; h < L.n_groups; h++)
					check(lr.variance[g * L.n_groups + h], KEY("lr.%s.%s.var.%zu.%zu", pre, rk, g + 1, h + 1));
				for (size_t s = 0; L.n_strata > 1 && s < L.n_strata; s++) {
					check(lr.observed_strata[s * L.n_groups + g],
					      KEY("lr.%s.%s.s%zu.obs.g%zu", pre, rk, s + 1, g + 1));
					check(lr.expected_strata[s * L.n_groups + g],
					      KEY("lr.%s.%s.s%zu.exp.g%zu", pre, rk, s + 1, g + 1));
				}
			}
			check(lr.df, KEY("lr.%s.%s.df", pre, rk));
			if (lr.df >= 1) {
				check(lr.chisq, KEY("lr.%s.%s.chisq", pre, rk));
				check(lr.p_value, KEY("lr.%s.%s.p", pre, rk));
				/* p-values also to 1e-9 of themselves, down to the far tail (separated: ~1e-30) */
				double pw = golden(GOLDEN, key);
				ck_assert_msg(fabs(lr.p_value - pw) <= TOL * pw, "%s = %.17g, want %.17g relative", key,
					      lr.p_value, pw);
				ck_assert_ptr_null(lr.note);
			} else {
				/* R prints chisq 0 on df <= 0; peerstat says there is no test */
				ck_assert(isnan(lr.chisq) && isnan(lr.p_value));
				ck_assert_ptr_nonnull(lr.note);
			}
#undef KEY
			ps_logrank_release(&lr);
		}
		unload(&L);
	}
	printf("check_logrank: %zu figures compared with R, max difference %.3g (relative, absolute below 1), max plain relative difference %.3g\n", n_compared, max_diff, max_rel);
}
END_TEST

START_TEST(singular_variance_gives_no_test)
{
	/* both groups lose their only member at time 1: V = 0, where R's solve() stops with an error */
	struct ps_surv_table a, b;
	ps_surv_table_init(&a);
	ps_surv_table_init(&b);
	ck_assert_int_eq(ps_surv_table_add(&a, 1, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_add(&b, 1, 1), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&a), PS_OK);
	ck_assert_int_eq(ps_surv_table_finish(&b), PS_OK);
	const struct ps_surv_table *tab[2] = { &a, &b };
	struct ps_logrank lr;
	ck_assert_int_eq(ps_logrank(tab, 1, 2, 0, &lr), PS_OK);
	ck_assert_double_eq(lr.expected[0], 1);
	ck_assert_double_eq(lr.variance[0], 0);
	ck_assert(isnan(lr.chisq) && isnan(lr.p_value));
	ck_assert_ptr_nonnull(lr.note);
	ck_assert_double_eq(lr.df, 1);
	ps_logrank_release(&lr);

	/* usage errors */
	ck_assert_int_eq(ps_logrank(tab, 1, 1, 0, &lr), PS_EUSAGE);
	ck_assert_int_eq(ps_logrank(tab, 0, 2, 0, &lr), PS_EUSAGE);
	ck_assert_int_eq(ps_logrank(tab, 1, 2, NAN, &lr), PS_EUSAGE);
	ck_assert_int_eq(ps_surv_table_add(&a, 0.5, 0), PS_OK);   /* a is no longer finished */
	ck_assert_int_eq(ps_logrank(tab, 1, 2, 0, &lr), PS_EINTERNAL);
	ps_surv_table_release(&a);
	ps_surv_table_release(&b);
}
END_TEST

static Suite *logrank_suite(void)
{
	Suite *s = suite_create("logrank");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, survdiff_matches_r);
	tcase_add_test(tc, singular_variance_gives_no_test);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(logrank_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
