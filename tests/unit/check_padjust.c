/*
 * Unit tests for padjust.c against R's p.adjust(p, "holm") and p.adjust(p, "BH")
 * (scripts/golden_continuous.R, keys padjust.holm.<i>, padjust.bh.<i>, family.*): a vector with
 * ties, an NA, 1e-10 and 1, and the family of four p-values of the textbook comparisons.
 * Compared relative to each value's own size at 1e-12 (the arithmetic is the same as R's).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "golden.h"
#include "peerstat/padjust.h"

#define GOLD "continuous.tsv"

static void assert_rel(double got, double want, const char *what)
{
	if (isnan(want)) {
		ck_assert_msg(isnan(got), "%s = %.17g, want NA", what, got);
		return;
	}
	ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want), "%s = %.17g, want %.17g", what, got, want);
}

START_TEST(vector_with_ties_and_na)
{
	double *p;
	size_t n = test_load_column("data/continuous/pvalues.csv", "p", &p);
	ck_assert_uint_eq(n, 12);
	double holm[12], bh[12];
	char k[64];
	ck_assert_int_eq(ps_padjust(p, n, PS_PADJUST_HOLM, holm), PS_OK);
	ck_assert_int_eq(ps_padjust(p, n, PS_PADJUST_BH, bh), PS_OK);
	for (size_t i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "padjust.holm.%zu", i + 1);
		assert_rel(holm[i], golden(GOLD, k), k);
		snprintf(k, sizeof(k), "padjust.bh.%zu", i + 1);
		assert_rel(bh[i], golden(GOLD, k), k);
	}
	/* in place */
	ck_assert_int_eq(ps_padjust(p, n, PS_PADJUST_BH, p), PS_OK);
	for (size_t i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "padjust.bh.%zu", i + 1);
		assert_rel(p[i], golden(GOLD, k), k);
	}
	free(p);
}
END_TEST

START_TEST(family_of_comparisons)
{
	double p[4], holm[4], bh[4];
	char k[64];
	for (int i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "family.p.%d", i + 1);
		p[i] = golden(GOLD, k);
	}
	ck_assert_int_eq(ps_padjust(p, 4, PS_PADJUST_HOLM, holm), PS_OK);
	ck_assert_int_eq(ps_padjust(p, 4, PS_PADJUST_BH, bh), PS_OK);
	for (int i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "family.holm.%d", i + 1);
		assert_rel(holm[i], golden(GOLD, k), k);
		snprintf(k, sizeof(k), "family.bh.%d", i + 1);
		assert_rel(bh[i], golden(GOLD, k), k);
	}
}
END_TEST

START_TEST(edge_cases)
{
	double none[2] = { NAN, NAN }, out[2];
	ck_assert_int_eq(ps_padjust(none, 2, PS_PADJUST_HOLM, out), PS_OK);
	ck_assert(isnan(out[0]) && isnan(out[1]));
	double bad[2] = { 0.5, 1.5 };
	ck_assert_int_eq(ps_padjust(bad, 2, PS_PADJUST_BH, out), PS_EDATA);
	double one = 0.03;
	ck_assert_int_eq(ps_padjust(&one, 1, PS_PADJUST_HOLM, out), PS_OK);
	ck_assert(out[0] == 0.03);
	ck_assert_int_eq(ps_padjust(NULL, 0, PS_PADJUST_BH, NULL), PS_OK);
	ck_assert_str_eq(ps_padjust_name(PS_PADJUST_BH), "BH");
}
END_TEST

static Suite *padjust_suite(void)
{
	Suite *s = suite_create("padjust");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, vector_with_ties_and_na);
	tcase_add_test(tc, family_of_comparisons);
	tcase_add_test(tc, edge_cases);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(padjust_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
