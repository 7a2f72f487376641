/*
 * Unit tests for ttest.c against R's t.test() (scripts/golden_continuous.R, keys
 * <case>.welch|student|paired.<figure>): statistic, df, p, estimate, stderr, CI at 1e-9
 * relative. Where R stops ("not enough observations", "data are essentially constant") the
 * golden is NA and peerstat must give NAN with a note.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "golden.h"
#include "peerstat/describe.h"
#include "peerstat/ttest.h"

#define GOLD "continuous.tsv"
#define TOL 1e-9

/*
 * p-values are compared relative to their own size (golden.h's ck_assert_close is absolute
 * below 1, which would accept any p below 1e-9)
 */
static void check_result(const char *key, const struct ps_ttest_result *r)
{
	char k[256];
	snprintf(k, sizeof(k), "%s.statistic", key);
	double want_t = golden(GOLD, k);
	ck_assert_close(r->statistic, want_t, TOL, k);
	if (isnan(want_t)) {
		/* R stopped: every inferential figure must be NAN and the note must say why */
		ck_assert_msg(r->note != NULL, "%s: NAN without a note", key);
		ck_assert(isnan(r->p_value) && isnan(r->conf_low) && isnan(r->conf_high));
		return;
	}
	ck_assert_msg(r->note == NULL, "%s: unexpected note %s", key, r->note);
#define FIG(name, val)                                                          \
	do {                                                                    \
		snprintf(k, sizeof(k), "%s.%s", key, name);                     \
		ck_assert_close(val, golden(GOLD, k), TOL, k);                  \
	} while (0)
	FIG("df", r->df);
	snprintf(k, sizeof(k), "%s.p", key);
	ck_assert_rel(r->p_value, golden(GOLD, k), TOL, k);
	FIG("estimate", r->estimate);
	FIG("stderr", r->stderr_);
	FIG("conf_low", r->conf_low);
	FIG("conf_high", r->conf_high);
#undef FIG
}

static void check_two(const char *file, const char *value, const char *group, const char *key)
{
	double *x, *y;
	size_t nx = test_load_group(file, value, group, 1, &x);
	size_t ny = test_load_group(file, value, group, 0, &y);
	struct ps_ttest_result r;
	char k[256];
	ck_assert_int_eq(ps_ttest_two_sample(x, nx, y, ny, 0, 0.95, &r), PS_OK);
	snprintf(k, sizeof(k), "%s.welch", key);
	check_result(k, &r);
	ck_assert_int_eq(ps_ttest_two_sample(x, nx, y, ny, 1, 0.95, &r), PS_OK);
	snprintf(k, sizeof(k), "%s.student", key);
	check_result(k, &r);
	free(x);
	free(y);
}

START_TEST(sleep_help_page)
{
	check_two("data/continuous/sleep.csv", "extra", "treated", "sleep");
	double *x, *y;
	size_t nx = test_load_group("data/continuous/sleep.csv", "extra", "treated", 1, &x);
	size_t ny = test_load_group("data/continuous/sleep.csv", "extra", "treated", 0, &y);
	ck_assert_uint_eq(nx, ny);
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_two_sample(x, nx, y, ny, 0, 0.90, &r), PS_OK);
	check_result("sleep.welch90", &r);
	/* the paired test is the one-sample test of the differences (rows are in ID order) */
	double d[10];
	for (size_t i = 0; i < nx; i++)
		d[i] = x[i] - y[i];
	ck_assert_int_eq(ps_ttest_one_sample(d, nx, 0, 0.95, &r), PS_OK);
	check_result("sleep.paired", &r);
	ck_assert_int_eq(ps_ttest_one_sample(d, nx, 0, 0.90, &r), PS_OK);
	check_result("sleep.paired90", &r);
	ck_assert_int_eq(ps_ttest_one_sample(d, nx, 1, 0.95, &r), PS_OK);
	check_result("sleep.paired_mu1", &r);
	free(x);
	free(y);
}
END_TEST

START_TEST(textbook_two_sample)
{
	check_two("data/continuous/toothgrowth.csv", "len", "oj", "tooth");
	check_two("data/continuous/mtcars.csv", "mpg", "am", "mtcars");
	check_two("data/continuous/anorexia.csv", "postwt", "cbt", "anorexia");
}
END_TEST

START_TEST(from_merged_accumulators)
{
	/* the streaming path: each group described in two shards, merged, then the summary test */
	double *x, *y;
	size_t nx = test_load_group("data/continuous/toothgrowth.csv", "len", "oj", 1, &x);
	size_t ny = test_load_group("data/continuous/toothgrowth.csv", "len", "oj", 0, &y);
	struct ps_describe a[2], b[2];
	for (int s = 0; s < 2; s++) {
		ps_describe_init(&a[s]);
		ps_describe_init(&b[s]);
	}
	for (size_t i = 0; i < nx; i++)
		ck_assert_int_eq(ps_describe_add(&a[i % 2], x[i]), PS_OK);
	for (size_t i = 0; i < ny; i++)
		ck_assert_int_eq(ps_describe_add(&b[i < ny / 3], y[i]), PS_OK);
	ck_assert_int_eq(ps_describe_merge(&a[0], &a[1]), PS_OK);
	ck_assert_int_eq(ps_describe_merge(&b[1], &b[0]), PS_OK);
	struct ps_describe_result dx, dy;
	ck_assert_int_eq(ps_describe_finish(&a[0], &dx), PS_OK);
	ck_assert_int_eq(ps_describe_finish(&b[1], &dy), PS_OK);
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_two_sample_summary(dx.mean, dx.var, dx.n, dy.mean, dy.var, dy.n, 0, 0.95, &r), PS_OK);
	check_result("tooth.welch", &r);
	ck_assert_int_eq(ps_ttest_two_sample_summary(dx.mean, dx.var, dx.n, dy.mean, dy.var, dy.n, 1, 0.95, &r), PS_OK);
	check_result("tooth.student", &r);
	for (int s = 0; s < 2; s++) {
		ps_describe_release(&a[s]);
		ps_describe_release(&b[s]);
	}
	free(x);
	free(y);
}
END_TEST

START_TEST(far_tail)
{
	/* ToothGrowth dose 2 vs 0.5: t = 11.8, p about 1e-13 (Welch) and 1e-14 (Student) */
	double *len, *dose;
	size_t n = test_load_column("data/continuous/toothgrowth.csv", "len", &len);
	test_load_column("data/continuous/toothgrowth.csv", "dose", &dose);
	double x[20], y[20];
	size_t nx = 0, ny = 0;
	for (size_t i = 0; i < n; i++) {
		if (dose[i] == 2)
			x[nx++] = len[i];
		else if (dose[i] == 0.5)
			y[ny++] = len[i];
	}
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_two_sample(x, nx, y, ny, 0, 0.95, &r), PS_OK);
	check_result("tooth_dose.welch", &r);
	ck_assert_int_eq(ps_ttest_two_sample(x, nx, y, ny, 1, 0.95, &r), PS_OK);
	check_result("tooth_dose.student", &r);
	free(len);
	free(dose);
}
END_TEST

START_TEST(anorexia_change)
{
	double *pre, *post;
	size_t n = test_load_group("data/continuous/anorexia.csv", "prewt", "cbt", 1, &pre);
	test_load_group("data/continuous/anorexia.csv", "postwt", "cbt", 1, &post);
	for (size_t i = 0; i < n; i++)
		post[i] -= pre[i];
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_one_sample(post, n, 0, 0.95, &r), PS_OK);
	check_result("anorexia.change", &r);
	free(pre);
	free(post);
}
END_TEST

START_TEST(adversarial)
{
	check_two("data/continuous/ties.csv", "value", "treated", "ties");
	/* one group constant: Welch's df is the other group's n - 1, as in R */
	check_two("data/continuous/zero_var_one.csv", "value", "treated", "zero_var_one");
	/* both constant: R stops "data are essentially constant" */
	check_two("data/continuous/zero_var_both.csv", "value", "treated", "zero_var_both");
	/* one member: Welch impossible (R stops), Student fine */
	check_two("data/continuous/one_member.csv", "value", "treated", "one_member");
	check_two("data/continuous/near_1e9.csv", "value", "treated", "near_1e9");
	double *x, *y;
	test_load_group("data/continuous/near_1e9.csv", "value", "treated", 1, &x);
	size_t ny = test_load_group("data/continuous/near_1e9.csv", "value", "treated", 0, &y);
	for (size_t i = 0; i < ny; i++)
		x[i] -= y[i];
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_one_sample(x, ny, 0, 0.95, &r), PS_OK);
	check_result("near_1e9.paired", &r);
	free(x);
	free(y);
}
END_TEST

START_TEST(degenerate_notes)
{
	double one = 1, two[2] = { 1, 2 }, same[3] = { 4, 4, 4 };
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_one_sample(&one, 1, 0, 0.95, &r), PS_OK);
	ck_assert(isnan(r.statistic) && r.note && r.estimate == 1);
	ck_assert_int_eq(ps_ttest_one_sample(same, 3, 0, 0.95, &r), PS_OK);
	ck_assert(isnan(r.statistic) && isnan(r.p_value) && r.note && r.estimate == 4);
	ck_assert_int_eq(ps_ttest_two_sample(&one, 1, &one, 1, 1, 0.95, &r), PS_OK);
	ck_assert(isnan(r.statistic) && r.note);
	ck_assert_int_eq(ps_ttest_two_sample(&one, 0, two, 2, 0, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note);
	ck_assert_int_eq(ps_ttest_two_sample(two, 2, two, 2, 0, 1.0, &r), PS_EUSAGE);
	double bad = NAN;
	ck_assert_int_eq(ps_ttest_two_sample(&bad, 1, two, 2, 0, 0.95, &r), PS_EDATA);
}
END_TEST

START_TEST(large_n_generated)
{
	/* 10^5 a group, generated identically in R (see scripts/golden_continuous.R) */
	size_t n = 100000;
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	for (long i = 1; i <= (long)n; i++) {
		x[i - 1] = (double)((i * 7919) % 10007) / 100 + 0.5;
		y[i - 1] = (double)((i * 104729) % 10009) / 100;
	}
	struct ps_ttest_result r;
	ck_assert_int_eq(ps_ttest_two_sample(x, n, y, n, 0, 0.95, &r), PS_OK);
	check_result("large.welch", &r);
	ck_assert_int_eq(ps_ttest_two_sample(x, n, y, n, 1, 0.95, &r), PS_OK);
	check_result("large.student", &r);
	/* shifted by 15: t about 110, p below 1e-300 (R prints 0; GSL too) */
	for (size_t i = 0; i < n; i++)
		x[i] += 15;
	ck_assert_int_eq(ps_ttest_two_sample(x, n, y, n, 0, 0.95, &r), PS_OK);
	check_result("large_shift.welch", &r);
	free(x);
	free(y);
}
END_TEST

static Suite *ttest_suite(void)
{
	Suite *s = suite_create("ttest");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, sleep_help_page);
	tcase_add_test(tc, textbook_two_sample);
	tcase_add_test(tc, far_tail);
	tcase_add_test(tc, from_merged_accumulators);
	tcase_add_test(tc, anorexia_change);
	tcase_add_test(tc, adversarial);
	tcase_add_test(tc, degenerate_notes);
	tcase_add_test(tc, large_n_generated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	gsl_set_error_handler_off();  /* as peerstat's main() does */
	SRunner *sr = srunner_create(ttest_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
