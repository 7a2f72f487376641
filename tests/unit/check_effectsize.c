/*
 * Unit tests for effectsize.c.
 *
 * References (scripts/golden_continuous.R unless said otherwise):
 *  - <case>.d, .g, .sd_pooled: the formulas of effectsize::cohens_d / hedges_g, 1e-9 relative.
 *  - <case>.d_low/.d_high/.g_low/.g_high, .dz_low/.dz_high: the precise CI, R's
 *    uniroot(tol = 1e-14) on pt(t, df, ncp) (AS 243, good to 1e-12): 1e-9 relative.
 *  - <case>.es.*: effectsize 0.8.3 itself. Its CI comes from optim() (Nelder-Mead,
 *    abstol = 1e-9 on the probabilities), good to about 1e-7 in d here: compared at 1e-6.
 *  - nct.<t>_<df>_<ncp>: R's pt(t, df, ncp) on a grid inside AS 243's exact range: 1e-12
 *    absolute (R sums its series to an error bound of 1e-12).
 *  - continuous_nct.tsv (scripts/golden_continuous_nct.py, mpmath at 40 digits): the CDF at
 *    5e-12 absolute (measured: 1e-14 on most points, 2.5e-12 at t = 14.65, df = 1.6e6, where
 *    the incomplete beta must use its complementary continued fraction), including |ncp| >
 *    37.62 and df > 4e5 where R's pt() is only a normal approximation (error about 1e-7), and
 *    the large-sample CI ("large_shift", t = 120), where effectsize's optim() returns a
 *    collapsed, wrong interval, at 1e-9.
 */
#include <check.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/effectsize.h"

#define GOLD "continuous.tsv"
#define TOL 1e-9
#define ES_TOL 1e-6

static void fig(const char *key, const char *name, double got, double tol)
{
	char k[256];
	snprintf(k, sizeof(k), "%s.%s", key, name);
	ck_assert_close(got, golden(GOLD, k), tol, k);
}

static void check_pair(const double *x, size_t nx, const double *y, size_t ny, const char *key, int with_es)
{
	struct ps_effect_size d, g;
	ck_assert_int_eq(ps_cohens_d(x, nx, y, ny, 0.95, &d), PS_OK);
	ck_assert_int_eq(ps_hedges_g(x, nx, y, ny, 0.95, &g), PS_OK);
	ck_assert_ptr_null(d.note);
	ck_assert_ptr_null(g.note);
	fig(key, "d", d.estimate, TOL);
	fig(key, "sd_pooled", d.sd, TOL);
	fig(key, "d_low", d.conf_low, TOL);
	fig(key, "d_high", d.conf_high, TOL);
	fig(key, "g", g.estimate, TOL);
	fig(key, "g_low", g.conf_low, TOL);
	fig(key, "g_high", g.conf_high, TOL);
	if (!with_es)
		return;
	fig(key, "es.d", d.estimate, TOL);
	fig(key, "es.g", g.estimate, TOL);
	fig(key, "es.d_low", d.conf_low, ES_TOL);
	fig(key, "es.d_high", d.conf_high, ES_TOL);
	fig(key, "es.g_low", g.conf_low, ES_TOL);
	fig(key, "es.g_high", g.conf_high, ES_TOL);
}

static void check_file(const char *file, const char *value, const char *group, const char *key, int with_es)
{
	double *x, *y;
	size_t nx = test_load_group(file, value, group, 1, &x);
	size_t ny = test_load_group(file, value, group, 0, &y);
	check_pair(x, nx, y, ny, key, with_es);
	free(x);
	free(y);
}

START_TEST(textbook_data)
{
	check_file("data/continuous/sleep.csv", "extra", "treated", "sleep", 1);
	check_file("data/continuous/toothgrowth.csv", "len", "oj", "tooth", 1);
	check_file("data/continuous/mtcars.csv", "mpg", "am", "mtcars", 1);
	check_file("data/continuous/anorexia.csv", "postwt", "cbt", "anorexia", 1);
}
END_TEST

START_TEST(large_effect)
{
	/* ToothGrowth dose 2 vs 0.5: d about 3.8, t about 11.8 */
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
	check_pair(x, nx, y, ny, "tooth_dose", 1);
	free(len);
	free(dose);
}
END_TEST

START_TEST(adversarial)
{
	check_file("data/continuous/ties.csv", "value", "treated", "ties", 1);
	check_file("data/continuous/zero_var_one.csv", "value", "treated", "zero_var_one", 1);
	check_file("data/continuous/near_1e9.csv", "value", "treated", "near_1e9", 1);
	/* one member: pooled SD from the other group alone (effectsize agrees in 0.8.3) */
	check_file("data/continuous/one_member.csv", "value", "treated", "one_member", 1);
	/* both groups constant: R gives d = Inf (1/0); peerstat NAN with a note */
	double x[3] = { 3, 3, 3 }, y[3] = { 2, 2, 2 };
	struct ps_effect_size r;
	ck_assert_int_eq(ps_cohens_d(x, 3, y, 3, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && isnan(r.conf_low) && r.note != NULL);
	ck_assert_int_eq(ps_hedges_g(x, 3, y, 3, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note != NULL);
	/* df = 1: effectsize's J is exp(-Inf) = 0, a silent g = 0; peerstat NAN with a note */
	double two[2] = { 1, 2 };
	ck_assert_int_eq(ps_hedges_g(x, 1, two, 2, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note != NULL);
	ck_assert_int_eq(ps_cohens_d(x, 1, two, 2, 0.95, &r), PS_OK);
	ck_assert(isfinite(r.estimate) && isfinite(r.conf_low) && r.note == NULL);
	ck_assert_int_eq(ps_cohens_d(x, 1, x, 1, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note != NULL);
	ck_assert_int_eq(ps_cohens_d(x, 3, y, 3, 1.5, &r), PS_EUSAGE);
	/* nearly constant groups: d about 3e9, the noncentral t is out of reach: estimate, no CI */
	double nx[4] = { 1, 1, 1, 1 + 1e-9 }, ny[4] = { 0, 0, 1e-9, 0 };
	ck_assert_int_eq(ps_cohens_d(nx, 4, ny, 4, 0.95, &r), PS_OK);
	ck_assert(isfinite(r.estimate) && r.estimate > 1e9);
	ck_assert(isnan(r.conf_low) && isnan(r.conf_high) && r.note != NULL);
}
END_TEST

START_TEST(paired_dz)
{
	double *x, *y;
	size_t n = test_load_group("data/continuous/sleep.csv", "extra", "treated", 1, &x);
	test_load_group("data/continuous/sleep.csv", "extra", "treated", 0, &y);
	for (size_t i = 0; i < n; i++)
		x[i] -= y[i];
	struct ps_effect_size r;
	ck_assert_int_eq(ps_cohens_dz(x, n, 0.95, &r), PS_OK);
	fig("sleep.paired", "dz", r.estimate, TOL);
	fig("sleep.paired", "dz_low", r.conf_low, TOL);
	fig("sleep.paired", "dz_high", r.conf_high, TOL);
	fig("sleep.paired", "es.dz", r.estimate, TOL);
	fig("sleep.paired", "es.dz_low", r.conf_low, ES_TOL);
	fig("sleep.paired", "es.dz_high", r.conf_high, ES_TOL);
	free(x);
	free(y);
	n = test_load_group("data/continuous/anorexia.csv", "postwt", "cbt", 1, &x);
	test_load_group("data/continuous/anorexia.csv", "prewt", "cbt", 1, &y);
	for (size_t i = 0; i < n; i++)
		x[i] -= y[i];
	ck_assert_int_eq(ps_cohens_dz(x, n, 0.95, &r), PS_OK);
	fig("anorexia.change", "dz", r.estimate, TOL);
	fig("anorexia.change", "dz_low", r.conf_low, TOL);
	fig("anorexia.change", "dz_high", r.conf_high, TOL);
	fig("anorexia.change", "es.dz_low", r.conf_low, ES_TOL);
	fig("anorexia.change", "es.dz_high", r.conf_high, ES_TOL);
	/* constant change, one difference */
	double same[3] = { 2, 2, 2 };
	ck_assert_int_eq(ps_cohens_dz(same, 3, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note != NULL);
	ck_assert_int_eq(ps_cohens_dz(same, 1, 0.95, &r), PS_OK);
	ck_assert(isnan(r.estimate) && r.note != NULL);
	free(x);
	free(y);
}
END_TEST

START_TEST(large_samples)
{
	size_t n = 100000;
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	for (long i = 1; i <= (long)n; i++) {
		x[i - 1] = (double)((i * 7919) % 10007) / 100 + 0.5;
		y[i - 1] = (double)((i * 104729) % 10009) / 100;
	}
	/* t about 3.8 with df = 199998: inside R's exact range, checked against uniroot */
	check_pair(x, n, y, n, "large", 0);
	/* shifted by 15: t = 120; only the 40-digit reference is right here */
	for (size_t i = 0; i < n; i++)
		x[i] += 15;
	struct ps_effect_size r;
	ck_assert_int_eq(ps_cohens_d(x, n, y, n, 0.95, &r), PS_OK);
	ck_assert_close(r.estimate, golden("continuous_nct.tsv", "large_shift.d"), TOL, "large_shift.d");
	ck_assert_close(r.conf_low, golden("continuous_nct.tsv", "large_shift.d_low"), TOL, "large_shift.d_low");
	ck_assert_close(r.conf_high, golden("continuous_nct.tsv", "large_shift.d_high"), TOL, "large_shift.d_high");
	free(x);
	free(y);
}
END_TEST

/* every key of the form prefix<t>_<df>_<ncp> in a golden file */
static int check_cdf_file(const char *file, const char *prefix, double tol)
{
	FILE *fp = fopen(test_path(file), "r");
	ck_assert_ptr_nonnull(fp);
	char line[512];
	int count = 0;
	size_t plen = strlen(prefix);
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, prefix, plen) != 0)
			continue;
		char *tab = strchr(line, '\t');
		ck_assert_ptr_nonnull(tab);
		*tab = '\0';
		/* the key is prefix<t>_<df>_<ncp> with %g numbers */
		double want = strtod(tab + 1, NULL);
		double t, df, ncp;
		ck_assert_int_eq(sscanf(line + plen, "%lf_%lf_%lf", &t, &df, &ncp), 3);
		double got;
		ck_assert_int_eq(ps_nct_cdf(t, df, ncp, &got), PS_OK);
		ck_assert_msg(fabs(got - want) <= tol, "pt(%g, %g, %g) = %.17g, want %.17g", t, df, ncp, got, want);
		count++;
	}
	fclose(fp);
	return count;
}

START_TEST(noncentral_t_cdf)
{
	ck_assert_int_eq(check_cdf_file("golden/continuous.tsv", "nct.", 1e-12), 125);
	ck_assert_int_ge(check_cdf_file("golden/continuous_nct.tsv", "nctmp.", 5e-12), 24);
	double p;
	ck_assert_int_eq(ps_nct_cdf(1, 0, 1, &p), PS_EDATA);
	ck_assert_int_eq(ps_nct_cdf(INFINITY, 3, 1, &p), PS_OK);
	ck_assert(p == 1);
	ck_assert_int_eq(ps_nct_cdf(0, 3, 1.5, &p), PS_OK);
	ck_assert_close(p, 0.066807201268858057, 1e-15, "pt(0, 3, 1.5) = pnorm(-1.5)");
	/* beyond 10^10 = ncp^2/2 the series is refused rather than summed for minutes */
	ck_assert_int_eq(ps_nct_cdf(1, 10, 2e5, &p), PS_EDATA);
	/* t^2 underflowing against df: pt(t, df, ncp) = pnorm(-ncp), and the CI is -+ qnorm(.975) */
	double lo, hi;
	ck_assert_int_eq(ps_nct_ncp_ci(1e-200, 5, 0.95, &lo, &hi), PS_OK);
	ck_assert_close(hi, 1.959963984540054, 1e-14, "qnorm(0.975)");
	ck_assert_close(lo, -1.959963984540054, 1e-14, "-qnorm(0.975)");
}
END_TEST

START_TEST(ncp_interval_inverts_the_cdf)
{
	/* the bounds must give back the target probabilities, for small, moderate and huge t */
	const double ts[] = { -7.5, -0.3, 0, 0.01, 2.5, 30, 150 };
	const double dfs[] = { 1.5, 4, 29, 2000, 199998 };
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		for (size_t j = 0; j < sizeof(dfs) / sizeof(dfs[0]); j++) {
			double lo, hi, p;
			ck_assert_int_eq(ps_nct_ncp_ci(ts[i], dfs[j], 0.9, &lo, &hi), PS_OK);
			ck_assert(lo < hi);
			ck_assert_int_eq(ps_nct_cdf(ts[i], dfs[j], lo, &p), PS_OK);
			ck_assert_msg(fabs(p - 0.95) < 1e-13, "t %g df %g: pt at low = %.17g", ts[i], dfs[j], p);
			ck_assert_int_eq(ps_nct_cdf(ts[i], dfs[j], hi, &p), PS_OK);
			ck_assert_msg(fabs(p - 0.05) < 1e-13, "t %g df %g: pt at high = %.17g", ts[i], dfs[j], p);
		}
	}
}
END_TEST

static Suite *effectsize_suite(void)
{
	Suite *s = suite_create("effectsize");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, noncentral_t_cdf);
	tcase_add_test(tc, ncp_interval_inverts_the_cdf);
	tcase_add_test(tc, textbook_data);
	tcase_add_test(tc, large_effect);
	tcase_add_test(tc, adversarial);
	tcase_add_test(tc, paired_dz);
	tcase_add_test(tc, large_samples);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	gsl_set_error_handler_off();  /* as peerstat's main() does */
	SRunner *sr = srunner_create(effectsize_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
