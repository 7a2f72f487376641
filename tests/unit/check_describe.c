/*
 * Unit tests for describe.c against R (scripts/golden_continuous.R, keys <case>.x|y.<figure>):
 * mean(), sd(), sd/sqrt(n), median(), quantile(type = 7), min(), max(), at 1e-9 relative
 * (1e-9 absolute below 1, see golden.h).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "golden.h"
#include "peerstat/describe.h"

#define GOLD "continuous.tsv"
#define TOL 1e-9

static void check_against(const char *key, const struct ps_describe_result *r)
{
	char k[256];
#define FIG(name, val)                                                          \
	do {                                                                    \
		snprintf(k, sizeof(k), "%s.%s", key, name);                     \
		ck_assert_close(val, golden(GOLD, k), TOL, k);                  \
	} while (0)
	FIG("n", (double)r->n);
	FIG("mean", r->mean);
	FIG("sd", r->sd);
	FIG("se", r->se);
	FIG("median", r->median);
	FIG("q1", r->q1);
	FIG("q3", r->q3);
	FIG("min", r->min);
	FIG("max", r->max);
#undef FIG
}

static void check_case(const char *file, const char *value, const char *group, const char *key)
{
	char k[256];
	for (int level = 1; level >= 0; level--) {
		double *v;
		size_t n = test_load_group(file, value, group, level, &v);
		struct ps_describe_result r;
		ck_assert_int_eq(ps_describe_array(v, n, &r), PS_OK);
		snprintf(k, sizeof(k), "%s.%s", key, level ? "x" : "y");
		check_against(k, &r);
		free(v);
	}
}

START_TEST(textbook_data)
{
	check_case("data/continuous/sleep.csv", "extra", "treated", "sleep");
	check_case("data/continuous/toothgrowth.csv", "len", "oj", "tooth");
	check_case("data/continuous/mtcars.csv", "mpg", "am", "mtcars");
	check_case("data/continuous/anorexia.csv", "postwt", "cbt", "anorexia");
}
END_TEST

START_TEST(adversarial_data)
{
	check_case("data/continuous/ties.csv", "value", "treated", "ties");
	check_case("data/continuous/zero_var_one.csv", "value", "treated", "zero_var_one");
	check_case("data/continuous/zero_var_both.csv", "value", "treated", "zero_var_both");
	/* 1e9 + spread 0.01: a one-pass sum of squares would give 0 or garbage here */
	check_case("data/continuous/near_1e9.csv", "value", "treated", "near_1e9");
}
END_TEST

START_TEST(one_value_and_empty)
{
	check_case("data/continuous/one_member.csv", "value", "treated", "one_member");
	double v = 5;
	struct ps_describe_result r;
	ck_assert_int_eq(ps_describe_array(&v, 1, &r), PS_OK);
	ck_assert(isnan(r.sd) && isnan(r.se));
	ck_assert_ptr_nonnull(r.note);
	ck_assert_int_eq(ps_describe_array(NULL, 0, &r), PS_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert(isnan(r.mean) && isnan(r.median) && isnan(r.min));
	ck_assert_ptr_nonnull(r.note);
}
END_TEST

START_TEST(large_n_generated)
{
	/* 10^5 values generated identically in R: ((i * 7919) %% 10007) / 100 + 0.5 */
	struct ps_describe acc;
	ps_describe_init(&acc);
	for (long i = 1; i <= 100000; i++)
		ck_loop_assert(ps_describe_add(&acc, (double)((i * 7919) % 10007) / 100 + 0.5) == PS_OK);
	struct ps_describe_result r;
	ck_assert_int_eq(ps_describe_finish(&acc, &r), PS_OK);
	check_against("large.x", &r);
	ps_describe_release(&acc);
}
END_TEST

START_TEST(merge_of_shards_equals_whole)
{
	/* ToothGrowth OJ split into 3 shards in a scrambled order: same figures as R's on all */
	double *v;
	size_t n = test_load_group("data/continuous/toothgrowth.csv", "len", "oj", 1, &v);
	struct ps_describe shard[3], total;
	for (int s = 0; s < 3; s++)
		ps_describe_init(&shard[s]);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(ps_describe_add(&shard[(i * 7) % 3], v[n - 1 - i]), PS_OK);
	ps_describe_init(&total);
	for (int s = 2; s >= 0; s--)
		ck_assert_int_eq(ps_describe_merge(&total, &shard[s]), PS_OK);
	struct ps_describe_result r;
	ck_assert_int_eq(ps_describe_finish(&total, &r), PS_OK);
	check_against("tooth.x", &r);
	for (int s = 0; s < 3; s++)
		ps_describe_release(&shard[s]);
	ps_describe_release(&total);
	free(v);
}
END_TEST

START_TEST(rejects_non_finite)
{
	struct ps_describe acc;
	ps_describe_init(&acc);
	ck_assert_int_eq(ps_describe_add(&acc, NAN), PS_EDATA);
	ck_assert_int_eq(ps_describe_add(&acc, INFINITY), PS_EDATA);
	ck_assert_uint_eq(acc.n, 0);
	ps_describe_release(&acc);
}
END_TEST

static Suite *describe_suite(void)
{
	Suite *s = suite_create("describe");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, textbook_data);
	tcase_add_test(tc, adversarial_data);
	tcase_add_test(tc, one_value_and_empty);
	tcase_add_test(tc, large_n_generated);
	tcase_add_test(tc, merge_of_shards_equals_whole);
	tcase_add_test(tc, rejects_non_finite);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(describe_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
