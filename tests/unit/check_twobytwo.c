/*
 * Unit tests for twobytwo.c against golden values:
 *   tests/golden/twobytwo.tsv          R 4.2 (prop.test, chisq.test, fisher.test) and epitools,
 *                                      from scripts/golden_twobytwo.R
 *   tests/golden/twobytwo_precise.tsv  mpmath (Fisher's conditional MLE and exact interval at
 *                                      40 digits) and statsmodels (Wilson, Newcombe), from
 *                                      scripts/golden_twobytwo.py
 * on the tables of tests/data/twobytwo/tables.csv (textbook and adversarial).
 *
 * Tolerances: 1e-9 relative everywhere, except R's fisher.test odds ratio and interval, which
 * come from uniroot with tol = .Machine$double.eps^0.25 (about 1.2e-4): those are compared on
 * the scale uniroot solved (the odds ratio when below 1, its reciprocal above) at 1.3e-4, and
 * the same figures are held to 1e-9 against the independent mpmath values. Differences of
 * proportions (risk difference, limits near 0) are compared with an absolute 1e-9 as well.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/twobytwo.h"

#define R_FILE "twobytwo.tsv"
#define PRECISE_FILE "twobytwo_precise.tsv"
#define REL 1e-9
#define UNIROOT_TOL 1.3e-4      /* .Machine$double.eps^0.25 = 1.22e-4, plus a margin */

/* the largest differences seen, printed at the end for the report */
static double max_rel_r, max_rel_precise, max_uniroot;

static const char *key(int id, const char *figure)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "t%02d.%s", id, figure);
	return buf;
}

/*
 * Strict relative comparison (golden.h's ck_assert_close turns absolute below 1, too loose for
 * p-values of 1e-80): |got - want| <= rel |want| + abs. NA wants NaN, Inf wants Inf.
 */
static void check_rel(double got, double want, double rel, double abs, const char *what, double *track)
{
	if (isnan(want)) {
		ck_assert_msg(isnan(got), "%s = %.17g, want NA", what, got);
		return;
	}
	if (isinf(want)) {
		ck_assert_msg(got == want, "%s = %.17g, want %g", what, got, want);
		return;
	}
	double diff = fabs(got - want);
	ck_assert_msg(diff <= rel * fabs(want) + abs, "%s = %.17g, want %.17g (rel %g, abs %g)",
		      what, got, want, rel, abs);
	if (track && want != 0 && diff / fabs(want) > *track)
		*track = diff / fabs(want);
}

static void check_r(double got, int id, const char *figure)
{
	check_rel(got, golden(R_FILE, key(id, figure)), REL, 0, key(id, figure), &max_rel_r);
}

/* for differences and limits that may be (nearly) zero */
static void check_r_abs(double got, int id, const char *figure)
{
	check_rel(got, golden(R_FILE, key(id, figure)), REL, REL, key(id, figure), &max_rel_r);
}

static void check_precise(double got, int id, const char *figure, double abs)
{
	check_rel(got, golden(PRECISE_FILE, key(id, figure)), REL, abs, key(id, figure), &max_rel_precise);
}

/* R's uniroot result: on (0, 1) directly, above 1 as 1/root */
static void check_uniroot(double got, int id, const char *figure)
{
	double want = golden(R_FILE, key(id, figure));
	if (isinf(want) || want == 0) {
		ck_assert_msg(got == want, "%s = %.17g, want %g", key(id, figure), got, want);
		return;
	}
	double diff = want <= 1 ? fabs(got - want) : fabs(1 / got - 1 / want);
	ck_assert_msg(diff <= UNIROOT_TOL, "%s = %.17g, R %.17g: %g apart on uniroot's scale",
		      key(id, figure), got, want, diff);
	if (diff > max_uniroot)
		max_uniroot = diff;
}

struct tables {
	size_t n;
	double *id, *a, *n1, *c, *n0;
};

static void load_tables(struct tables *t)
{
	const char *csv = "data/twobytwo/tables.csv";
	t->n = test_load_column(csv, "case", &t->id);
	ck_assert_uint_eq(test_load_column(csv, "a", &t->a), t->n);
	ck_assert_uint_eq(test_load_column(csv, "n1", &t->n1), t->n);
	ck_assert_uint_eq(test_load_column(csv, "c", &t->c), t->n);
	ck_assert_uint_eq(test_load_column(csv, "n0", &t->n0), t->n);
	ck_assert_uint_ge(t->n, 42);
}

static void free_tables(struct tables *t)
{
	free(t->id);
	free(t->a);
	free(t->n1);
	free(t->c);
	free(t->n0);
}

static struct ps_twobytwo table_at(const struct tables *t, size_t i)
{
	struct ps_twobytwo tab = { (uint64_t)t->a[i], (uint64_t)t->n1[i], (uint64_t)t->c[i], (uint64_t)t->n0[i] };
	return tab;
}

/* 1. proportions with the Wilson interval, against prop.test and statsmodels */
START_TEST(wilson_matches_prop_test)
{
	struct tables t;
	load_tables(&t);
	for (size_t i = 0; i < t.n; i++) {
		int id = (int)t.id[i];
		struct ps_twobytwo tab = table_at(&t, i);
		struct ps_twobytwo_result r;
		ck_assert_int_eq(ps_twobytwo_compute(&tab, 0.95, &r), PS_OK);
		ck_assert_ptr_null(r.treatment.note);
		ck_assert_ptr_nonnull(strstr(r.treatment.method, "Wilson"));
		check_r(r.treatment.estimate, id, "p1");
		check_r(r.treatment.lower, id, "p1.lower");
		check_r(r.treatment.upper, id, "p1.upper");
		check_r(r.control.estimate, id, "p0");
		check_r(r.control.lower, id, "p0.lower");
		check_r(r.control.upper, id, "p0.upper");
		/* statsmodels computes 0 and 1 limits by the formula: absolute 1e-15 there */
		check_precise(r.treatment.lower, id, "sm.p1.lower", 1e-15);
		check_precise(r.treatment.upper, id, "sm.p1.upper", 1e-15);
		check_precise(r.control.lower, id, "sm.p0.lower", 1e-15);
		check_precise(r.control.upper, id, "sm.p0.upper", 1e-15);
	}
	free_tables(&t);
}
END_TEST

/* 2. chisq.test, both flavours, the expected-count note and the empty-margin NaN */
START_TEST(chisq_matches_chisq_test)
{
	struct tables t;
	load_tables(&t);
	for (size_t i = 0; i < t.n; i++) {
		int id = (int)t.id[i];
		struct ps_twobytwo tab = table_at(&t, i);
		struct ps_twobytwo_result r;
		ck_assert_int_eq(ps_twobytwo_compute(&tab, 0.95, &r), PS_OK);
		const struct ps_chisq_test *tests[2] = { &r.pearson, &r.yates };
		const char *tags[2] = { "pearson", "yates" };
		for (int k = 0; k < 2; k++) {
			char f[64];
			snprintf(f, sizeof(f), "%s.stat", tags[k]);
			/* a statistic of 0 (observed = expected) has no relative scale */
			check_rel(tests[k]->statistic, golden(R_FILE, key(id, f)), REL, 1e-12, key(id, f), &max_rel_r);
			snprintf(f, sizeof(f), "%s.p", tags[k]);
			check_r(tests[k]->p, id, f);
			snprintf(f, sizeof(f), "%s.df", tags[k]);
			check_r(tests[k]->df, id, f);
			snprintf(f, sizeof(f), "%s.small", tags[k]);
			int small = golden(R_FILE, key(id, f)) != 0;
			if (isnan(tests[k]->statistic))
				ck_assert_ptr_nonnull(tests[k]->note);
			else if (small)
				ck_assert_ptr_nonnull(strstr(tests[k]->note, "below 5"));
			else
				ck_assert_ptr_null(tests[k]->note);
		}
		ck_assert_ptr_nonnull(strstr(r.yates.method, "Yates"));
		if (!isnan(r.yates.statistic))
			check_r(r.yates.correction, id, "yates.correction");
		ck_assert(r.pearson.correction == 0);
	}
	free_tables(&t);
}
END_TEST

/* 3. fisher.test: p at 1e-9 against R, estimate and interval against R (uniroot) and mpmath */
START_TEST(fisher_matches_fisher_test_and_mpmath)
{
	struct tables t;
	load_tables(&t);
	for (size_t i = 0; i < t.n; i++) {
		int id = (int)t.id[i];
		struct ps_twobytwo tab = table_at(&t, i);
		struct ps_fisher_test f;
		ck_assert_int_eq(ps_fisher_2x2(&tab, 0.95, &f), PS_OK);
		ck_assert_ptr_nonnull(strstr(f.method, "Fisher"));
		check_r(f.p, id, "fisher.p");
		check_precise(f.p, id, "fisher.p", 0);
		int degenerate = (tab.a + tab.c == 0) || (tab.a + tab.c == tab.n1 + tab.n0);
		if (degenerate) {
			/* one table only: R says 0, peerstat NaN with a note (docs/methods.md) */
			ck_assert_double_eq(golden(R_FILE, key(id, "fisher.or")), 0);
			ck_assert(isnan(f.estimate));
			ck_assert_ptr_nonnull(strstr(f.note, "not identifiable"));
			ck_assert(f.lower == 0 && f.upper == INFINITY);
			continue;
		}
		check_uniroot(f.estimate, id, "fisher.or");
		check_uniroot(f.lower, id, "fisher.lower");
		check_uniroot(f.upper, id, "fisher.upper");
		check_precise(f.estimate, id, "fisher.or", 0);
		check_precise(f.lower, id, "fisher.lower", 0);
		check_precise(f.upper, id, "fisher.upper", 0);
		int zero_cell = tab.a == 0 || tab.c == 0 || tab.a == tab.n1 || tab.c == tab.n0;
		if (zero_cell)
			ck_assert_ptr_nonnull(f.note);
		else
			ck_assert_ptr_null(f.note);
	}
	free_tables(&t);
}
END_TEST

/* 4. risk difference (Newcombe), risk ratio (Katz), odds ratio (Woolf) */
START_TEST(effects_match_r_epitools_statsmodels)
{
	struct tables t;
	load_tables(&t);
	for (size_t i = 0; i < t.n; i++) {
		int id = (int)t.id[i];
		struct ps_twobytwo tab = table_at(&t, i);
		struct ps_twobytwo_result r;
		ck_assert_int_eq(ps_twobytwo_compute(&tab, 0.95, &r), PS_OK);

		check_r_abs(r.risk_difference.estimate, id, "rd");
		check_r_abs(r.risk_difference.lower, id, "rd.lower");
		check_r_abs(r.risk_difference.upper, id, "rd.upper");
		check_precise(r.risk_difference.lower, id, "sm.rd.lower", REL);
		check_precise(r.risk_difference.upper, id, "sm.rd.upper", REL);
		ck_assert_ptr_null(r.risk_difference.note);

		/* zero cells: R/epitools give 0, Inf or NaN bounds; peerstat NaN + a note instead */
		uint64_t b = tab.n1 - tab.a, d = tab.n0 - tab.c;
		if (tab.a > 0 && tab.c > 0) {
			check_r(r.risk_ratio.estimate, id, "rr");
			check_r(r.risk_ratio.lower, id, "rr.lower");
			check_r(r.risk_ratio.upper, id, "rr.upper");
			ck_assert_ptr_null(r.risk_ratio.note);
		} else {
			if (tab.c > 0) /* a == 0 */
				check_r(r.risk_ratio.estimate, id, "rr");
			else
				ck_assert(isnan(r.risk_ratio.estimate));
			ck_assert(isnan(r.risk_ratio.lower) && isnan(r.risk_ratio.upper));
			ck_assert_ptr_nonnull(strstr(r.risk_ratio.note, "Fisher"));
		}
		if (tab.a > 0 && b > 0 && tab.c > 0 && d > 0) {
			check_r(r.odds_ratio.estimate, id, "or");
			check_r(r.odds_ratio.lower, id, "or.lower");
			check_r(r.odds_ratio.upper, id, "or.upper");
			ck_assert_ptr_null(r.odds_ratio.note);
		} else {
			if (b > 0 && tab.c > 0) /* a == 0 or d == 0: a zero odds ratio */
				check_r(r.odds_ratio.estimate, id, "or");
			else
				ck_assert(isnan(r.odds_ratio.estimate));
			ck_assert(isnan(r.odds_ratio.lower) && isnan(r.odds_ratio.upper));
			ck_assert_ptr_nonnull(strstr(r.odds_ratio.note, "Fisher"));
		}
	}
	free_tables(&t);
}
END_TEST

/* another confidence level flows through every interval (R at conf.level = 0.9) */
START_TEST(conf_level_090)
{
	struct tables t;
	load_tables(&t);
	int seen = 0;
	for (size_t i = 0; i < t.n; i++) {
		int id = (int)t.id[i];
		if (!golden_has(R_FILE, key(id, "c90.p1.lower")))
			continue;
		seen++;
		struct ps_twobytwo tab = table_at(&t, i);
		struct ps_twobytwo_result r;
		ck_assert_int_eq(ps_twobytwo_compute(&tab, 0.9, &r), PS_OK);
		ck_assert_double_eq(r.conf_level, 0.9);
		check_r(r.treatment.lower, id, "c90.p1.lower");
		check_r(r.treatment.upper, id, "c90.p1.upper");
		check_r_abs(r.risk_difference.lower, id, "c90.rd.lower");
		check_r_abs(r.risk_difference.upper, id, "c90.rd.upper");
		check_r(r.risk_ratio.lower, id, "c90.rr.lower");
		check_r(r.risk_ratio.upper, id, "c90.rr.upper");
		check_r(r.odds_ratio.lower, id, "c90.or.lower");
		check_r(r.odds_ratio.upper, id, "c90.or.upper");
		check_uniroot(r.fisher.lower, id, "c90.fisher.lower");
		check_uniroot(r.fisher.upper, id, "c90.fisher.upper");
		check_precise(r.fisher.lower, id, "c90.fisher.lower", 0);
		check_precise(r.fisher.upper, id, "c90.fisher.upper", 0);
	}
	ck_assert_int_ge(seen, 3);
	free_tables(&t);
}
END_TEST

/* the accumulator: subject by subject, in shards, equals the table */
START_TEST(accumulate_and_merge)
{
	struct ps_twobytwo all, s1, s2;
	ps_twobytwo_init(&all);
	ps_twobytwo_init(&s1);
	ps_twobytwo_init(&s2);
	/* the Convictions table: 2 of 17 treatment events, 10 of 13 control events */
	for (int i = 0; i < 17; i++) {
		ps_twobytwo_add(&all, 1, i < 2);
		ps_twobytwo_add(i % 3 ? &s1 : &s2, 1, i < 2);
	}
	for (int i = 0; i < 13; i++) {
		ps_twobytwo_add(&all, 0, i < 10 ? 7 : 0);     /* any nonzero is an event */
		ps_twobytwo_add(i % 2 ? &s1 : &s2, 0, i < 10);
	}
	ps_twobytwo_merge(&s1, &s2);
	ck_assert(all.a == 2 && all.n1 == 17 && all.c == 10 && all.n0 == 13);
	ck_assert(s1.a == 2 && s1.n1 == 17 && s1.c == 10 && s1.n0 == 13);
	struct ps_twobytwo_result r;
	ck_assert_int_eq(ps_twobytwo_compute(&s1, 0.95, &r), PS_OK);
	check_r(r.fisher.p, 2, "fisher.p");
}
END_TEST

/* invalid input is an error, an empty group is NaN with notes, never a crash */
START_TEST(invalid_and_empty)
{
	struct ps_twobytwo bad = { 5, 4, 1, 4 };
	struct ps_twobytwo_result r;
	struct ps_interval w;
	ck_assert_int_eq(ps_twobytwo_compute(&bad, 0.95, &r), PS_EDATA);
	ck_assert_int_eq(ps_wilson_interval(3, 2, 0.95, &w), PS_EDATA);
	struct ps_twobytwo huge = { 0, (uint64_t)1 << 53, 0, 1 };
	ck_assert_int_eq(ps_twobytwo_check(&huge), PS_EDATA);
	struct ps_twobytwo ok = { 3, 4, 1, 4 };
	ck_assert_int_eq(ps_twobytwo_compute(&ok, 1.0, &r), PS_EUSAGE);
	ck_assert_int_eq(ps_twobytwo_compute(&ok, 0.0, &r), PS_EUSAGE);
	ck_assert_int_eq(ps_twobytwo_compute(&ok, NAN, &r), PS_EUSAGE);

	struct ps_twobytwo empty = { 0, 0, 3, 10 };
	ck_assert_int_eq(ps_twobytwo_compute(&empty, 0.95, &r), PS_OK);
	ck_assert(isnan(r.treatment.estimate) && isnan(r.treatment.lower) && isnan(r.treatment.upper));
	ck_assert_ptr_nonnull(r.treatment.note);
	check_rel(r.control.estimate, 0.3, 1e-15, 0, "control", NULL);
	ck_assert(isnan(r.pearson.statistic) && isnan(r.pearson.p) && r.pearson.note);
	ck_assert(isnan(r.yates.statistic) && r.yates.note);
	ck_assert(r.fisher.p == 1 && isnan(r.fisher.estimate) && r.fisher.note);
	ck_assert(isnan(r.risk_difference.estimate) && r.risk_difference.note);
	ck_assert(isnan(r.risk_ratio.estimate) && r.risk_ratio.note);
	ck_assert(isnan(r.odds_ratio.estimate) && r.odds_ratio.note);

	struct ps_twobytwo nothing = { 0, 0, 0, 0 };
	ck_assert_int_eq(ps_twobytwo_compute(&nothing, 0.95, &r), PS_OK);
	ck_assert(isnan(r.pearson.p) && isnan(r.control.estimate) && isnan(r.fisher.estimate));
}
END_TEST

/*
 * R's relative tolerance in the two-sided p: in 3/6 vs 3/6 every table symmetric to the
 * observed one has the same probability in exact arithmetic, and must be counted; an exact
 * comparison (without the 1 + 1e-7) could drop one of them through rounding. p is 1 here.
 */
START_TEST(fisher_ties_are_counted)
{
	struct ps_twobytwo tab = { 3, 6, 3, 6 };
	struct ps_fisher_test f;
	ck_assert_int_eq(ps_fisher_2x2(&tab, 0.95, &f), PS_OK);
	check_rel(f.p, 1, 1e-15, 0, "p", NULL);
	check_rel(f.estimate, 1, 1e-12, 0, "estimate", NULL);
	/*
	 * 1 of 6 vs 5 of 6: the conditional probabilities are choose(6, x)^2 / 924, x = 0..6, that
	 * is (1, 36, 225, 400, 225, 36, 1) / 924; the observed x = 1 ties with x = 5, so
	 * p = (1 + 36 + 36 + 1) / 924 exactly.
	 */
	struct ps_twobytwo t2 = { 1, 6, 5, 6 };
	ck_assert_int_eq(ps_fisher_2x2(&t2, 0.95, &f), PS_OK);
	check_rel(f.p, 74.0 / 924.0, 1e-14, 0, "p 1/6 vs 5/6", NULL);
	/*
	 * A tie that is not a mirror image, so the two probabilities are computed by different
	 * terms and differ in the last bits: 2/6 vs 1/11 has weights choose(3, i) choose(14, 6 - i)
	 * = (3003, 6006, 3003, 364) for i = 0..3 and the observed i = 2 ties with i = 0:
	 * p = (3003 + 3003 + 364) / 12376. Without R's 1 + 1e-7 peerstat would give 0.27.
	 */
	struct ps_twobytwo t3 = { 2, 6, 1, 11 };
	ck_assert_int_eq(ps_fisher_2x2(&t3, 0.95, &f), PS_OK);
	check_rel(f.p, 6370.0 / 12376.0, 1e-14, 0, "p 2/6 vs 1/11", NULL);
	/* 0/9 vs 1/9: choose(17, 9) = choose(17, 8), p = 1 */
	struct ps_twobytwo t4 = { 0, 9, 1, 9 };
	ck_assert_int_eq(ps_fisher_2x2(&t4, 0.95, &f), PS_OK);
	check_rel(f.p, 1, 1e-14, 0, "p 0/9 vs 1/9", NULL);
}
END_TEST

/*
 * Published values: Newcombe (1998), Stat Med 17:873, Table II, method 10, to the 4 decimals
 * printed there: (a) 56/70 - 48/80 and (e) 0/10 - 0/20.
 */
START_TEST(newcombe_published)
{
	struct ps_twobytwo ta = { 56, 70, 48, 80 }, te = { 0, 10, 0, 20 };
	struct ps_interval d;
	ck_assert_int_eq(ps_risk_difference(&ta, 0.95, &d), PS_OK);
	check_rel(d.lower, 0.0524, 0, 5e-5, "Newcombe (a) lower", NULL);
	check_rel(d.upper, 0.3339, 0, 5e-5, "Newcombe (a) upper", NULL);
	ck_assert_int_eq(ps_risk_difference(&te, 0.95, &d), PS_OK);
	check_rel(d.lower, -0.1611, 0, 5e-5, "Newcombe (e) lower", NULL);
	check_rel(d.upper, 0.2775, 0, 5e-5, "Newcombe (e) upper", NULL);
}
END_TEST

/* billions of subjects: Fisher declines with a note, the rest is still computed */
START_TEST(fisher_declines_huge_tables)
{
	struct ps_twobytwo tab = { 2000000000, 4000000000, 2000000000, 4000000000 };
	struct ps_twobytwo_result r;
	ck_assert_int_eq(ps_twobytwo_compute(&tab, 0.95, &r), PS_OK);
	ck_assert(isnan(r.fisher.p) && isnan(r.fisher.estimate));
	ck_assert_ptr_nonnull(strstr(r.fisher.note, "too large"));
	check_rel(r.pearson.statistic, 0, 0, 1e-12, "pearson", NULL);
	check_rel(r.pearson.p, 1, 1e-15, 0, "pearson p", NULL);
	check_rel(r.odds_ratio.estimate, 1, 1e-15, 0, "odds ratio", NULL);
	/* below the limit (sd 7071, 4 x 10^8 subjects) it is computed: p = 1 by symmetry */
	struct ps_twobytwo big = { 100000000, 200000000, 100000000, 200000000 };
	struct ps_fisher_test f;
	ck_assert_int_eq(ps_fisher_2x2(&big, 0.95, &f), PS_OK);
	ck_assert_ptr_null(f.note);
	check_rel(f.p, 1, 1e-12, 0, "p at 4e8", NULL);
	check_rel(f.estimate, 1, 1e-12, 0, "estimate at 4e8", NULL);
	check_rel(f.lower * f.upper, 1, 1e-9, 0, "symmetric interval at 4e8", NULL);
}
END_TEST

START_TEST(report)
{
	printf("twobytwo: max rel diff to R %.3g, to mpmath/statsmodels %.3g; "
	       "max diff to fisher.test's uniroot values on its scale %.3g\n",
	       max_rel_r, max_rel_precise, max_uniroot);
}
END_TEST

static Suite *twobytwo_suite(void)
{
	Suite *s = suite_create("twobytwo");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, wilson_matches_prop_test);
	tcase_add_test(tc, chisq_matches_chisq_test);
	tcase_add_test(tc, fisher_matches_fisher_test_and_mpmath);
	tcase_add_test(tc, effects_match_r_epitools_statsmodels);
	tcase_add_test(tc, conf_level_090);
	tcase_add_test(tc, accumulate_and_merge);
	tcase_add_test(tc, invalid_and_empty);
	tcase_add_test(tc, fisher_ties_are_counted);
	tcase_add_test(tc, newcombe_published);
	tcase_add_test(tc, fisher_declines_huge_tables);
	tcase_add_test(tc, report);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(twobytwo_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
