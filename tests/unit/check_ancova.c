/*
 * Unit tests for ancova.c against R's summary(lm(y ~ covariates + group)) and confint()
 * (scripts/golden_continuous.R, keys ancova.<case>.b<j>.<figure>, j = 0 intercept, then the
 * covariates, then the group): estimate, std error, t, p (relative to its own size), CI,
 * rank, residual df, sigma, R^2, adjusted R^2, at 1e-9 relative; the adjusted means of both
 * groups (keys ancova.<case>.adj<g>.*) against emmeans(lm(y ~ covs + factor(group)), "group").
 * Aliased columns are NA in R and must be flagged, NAN and noted here.
 */
#include <check.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "golden.h"
#include "peerstat/ancova.h"

#define GOLD "continuous.tsv"
#define TOL 1e-9

static void check_fit(const char *key, const struct ps_ancova_result *r, double tol)
{
	char k[256];
	for (size_t j = 0; j < r->n_terms; j++) {
		const struct ps_ancova_term *t = &r->terms[j];
		snprintf(k, sizeof(k), "%s.b%zu.estimate", key, j);
		double want = golden(GOLD, k);
		if (isnan(want)) {
			ck_assert_msg(t->aliased && isnan(t->estimate) && isnan(t->std_error) && isnan(t->p_value),
				      "%s: R has NA, term %zu not flagged aliased", key, j);
			ck_assert_ptr_nonnull(r->note);
			continue;
		}
		ck_assert_msg(!t->aliased, "%s: term %zu aliased, R estimates it", key, j);
		ck_assert_rel(t->estimate, want, tol, k);
#define FIG(name, val)                                                          \
	do {                                                                    \
		snprintf(k, sizeof(k), "%s.b%zu.%s", key, j, name);             \
		ck_assert_rel(val, golden(GOLD, k), tol, k);                       \
	} while (0)
		FIG("se", t->std_error);
		FIG("t", t->statistic);
		FIG("p", t->p_value);
		FIG("conf_low", t->conf_low);
		FIG("conf_high", t->conf_high);
#undef FIG
	}
#define FIG(name, val)                                                          \
	do {                                                                    \
		snprintf(k, sizeof(k), "%s.%s", key, name);                     \
		ck_assert_rel(val, golden(GOLD, k), tol, k);                       \
	} while (0)
	for (int g = 0; g < 2; g++) {
		snprintf(k, sizeof(k), "%s.adj%d.mean", key, g);
		if (!golden_has(GOLD, k))
			break;
		ck_assert_rel(r->adjusted_mean[g], golden(GOLD, k), tol, k);
		snprintf(k, sizeof(k), "%s.adj%d.se", key, g);
		ck_assert_rel(r->adjusted_mean_se[g], golden(GOLD, k), tol, k);
		snprintf(k, sizeof(k), "%s.adj%d.low", key, g);
		ck_assert_rel(r->adjusted_mean_low[g], golden(GOLD, k), tol, k);
		snprintf(k, sizeof(k), "%s.adj%d.high", key, g);
		ck_assert_rel(r->adjusted_mean_high[g], golden(GOLD, k), tol, k);
	}
	FIG("rank", (double)r->rank);
	FIG("df_residual", r->df_residual);
	FIG("sigma", r->sigma);
	FIG("r_squared", r->r_squared);
	FIG("adj_r_squared", r->adj_r_squared);
#undef FIG
}

/* fit column y on the named covariate columns and the group column of a test CSV */
static void fit_file(const char *file, const char *y, const char *group, const char **covs, size_t ncov,
		     const char *key, double tol)
{
	double *yv, *gv, *cv[4];
	size_t n = test_load_column(file, y, &yv);
	ck_assert_uint_eq(test_load_column(file, group, &gv), n);
	for (size_t j = 0; j < ncov; j++)
		ck_assert_uint_eq(test_load_column(file, covs[j], &cv[j]), n);
	struct ps_ancova_result r;
	ck_assert_int_eq(ps_ancova_fit(yv, gv, (const double *const *)cv, ncov, n, 0.95, &r), PS_OK);
	ck_assert_uint_eq(r.n_terms, ncov + 2);
	check_fit(key, &r, tol);
	ps_ancova_result_release(&r);
	free(yv);
	free(gv);
	for (size_t j = 0; j < ncov; j++)
		free(cv[j]);
}

START_TEST(anorexia_baseline_adjusted)
{
	const char *covs[] = { "prewt" };
	fit_file("data/continuous/anorexia.csv", "postwt", "cbt", covs, 1, "ancova.anorexia", TOL);
}
END_TEST

START_TEST(mtcars_one_and_two_covariates)
{
	const char *one[] = { "wt" };
	fit_file("data/continuous/mtcars.csv", "mpg", "am", one, 1, "ancova.mtcars", TOL);
	const char *two[] = { "wt", "hp" };
	fit_file("data/continuous/mtcars.csv", "mpg", "am", two, 2, "ancova.mtcars2", TOL);
}
END_TEST

START_TEST(no_covariate_is_student_t)
{
	fit_file("data/continuous/sleep.csv", "extra", "treated", NULL, 0, "ancova.sleep", TOL);
	/* and the group row is t.test(var.equal = TRUE)'s t, p and CI */
	double *yv, *gv;
	size_t n = test_load_column("data/continuous/sleep.csv", "extra", &yv);
	test_load_column("data/continuous/sleep.csv", "treated", &gv);
	struct ps_ancova_result r;
	ck_assert_int_eq(ps_ancova_fit(yv, gv, NULL, 0, n, 0.95, &r), PS_OK);
	ck_assert_close(r.terms[1].statistic, golden(GOLD, "sleep.student.statistic"), TOL, "t");
	ck_assert_close(r.terms[1].p_value, golden(GOLD, "sleep.student.p"), TOL, "p");
	ck_assert_close(r.terms[1].conf_low, golden(GOLD, "sleep.student.conf_low"), TOL, "low");
	ps_ancova_result_release(&r);
	free(yv);
	free(gv);
}
END_TEST

START_TEST(rank_deficient)
{
	/* a constant covariate is aliased with the intercept, 2 * base + 1 with base and intercept */
	const char *c1[] = { "base", "const" };
	fit_file("data/continuous/ancova_rankdef.csv", "y", "treated", c1, 2, "ancova.constcov", TOL);
	const char *c2[] = { "base", "twice" };
	fit_file("data/continuous/ancova_rankdef.csv", "y", "treated", c2, 2, "ancova.collinear", TOL);
	/* a covariate equal to the group indicator: the group is aliased (R: NA for the group) */
	double y[6] = { 1, 2, 4, 3, 5, 7 }, g[6] = { 0, 0, 0, 1, 1, 1 };
	const double *cov[1] = { g };
	struct ps_ancova_result r;
	ck_assert_int_eq(ps_ancova_fit(y, g, cov, 1, 6, 0.95, &r), PS_OK);
	ck_assert(!r.terms[1].aliased && r.terms[2].aliased && isnan(r.terms[2].estimate));
	ck_assert_uint_eq(r.rank, 2);
	ck_assert_ptr_nonnull(r.note);
	ps_ancova_result_release(&r);
}
END_TEST

START_TEST(near_1e9_baseline)
{
	/* baseline 1e9 + spread 0.01: its part orthogonal to the intercept is 1e-11 of its norm,
	 * below lm's tol = 1e-7, so R drops the baseline (NA) and so must peerstat (with a note) */
	const char *covs[] = { "base" };
	fit_file("data/continuous/ancova_near_1e9.csv", "y", "treated", covs, 1, "ancova.near_1e9", TOL);
	/* baseline 1e5 + anorexia weights: kept, but the design's condition number is about 1e6;
	 * two Householder QRs (LINPACK's and GSL's) then agree to about 1e-11 */
	fit_file("data/continuous/ancova_offset.csv", "postwt", "cbt", covs, 1, "ancova.offset", TOL);
}
END_TEST

START_TEST(degenerate)
{
	/* as many observations as terms: estimates, but no standard errors */
	double y[3] = { 1, 2, 5 }, g[3] = { 0, 1, 1 }, b[3] = { 0.5, 0.1, 0.9 };
	const double *cov[1] = { b };
	struct ps_ancova_result r;
	ck_assert_int_eq(ps_ancova_fit(y, g, cov, 1, 3, 0.95, &r), PS_OK);
	ck_assert(isfinite(r.terms[2].estimate) && isnan(r.terms[2].std_error) && isnan(r.sigma));
	ck_assert_ptr_nonnull(r.note);
	ps_ancova_result_release(&r);
	/* an exact fit: R warns "essentially perfect fit"; peerstat gives no inference */
	double yy[5], gg[5] = { 0, 1, 0, 1, 1 }, bb[5] = { 1, 2, 3, 4, 5.5 };
	for (int i = 0; i < 5; i++)
		yy[i] = 1 + 2 * bb[i] + 3 * gg[i];
	cov[0] = bb;
	ck_assert_int_eq(ps_ancova_fit(yy, gg, cov, 1, 5, 0.95, &r), PS_OK);
	ck_assert_close(r.terms[2].estimate, 3, 1e-12, "exact group effect");
	ck_assert(isnan(r.terms[2].p_value));
	ck_assert_ptr_nonnull(r.note);
	ps_ancova_result_release(&r);
	/* an outcome that is 0 throughout: no inference, and a note (R prints NaN silently) */
	double zeros[5] = { 0, 0, 0, 0, 0 };
	ck_assert_int_eq(ps_ancova_fit(zeros, gg, cov, 1, 5, 0.95, &r), PS_OK);
	ck_assert(r.terms[2].estimate == 0 && isnan(r.terms[2].p_value) && r.note != NULL);
	ps_ancova_result_release(&r);
	/* invalid input: nothing allocated */
	double bad[3] = { 0, 2, 1 };
	ck_assert_int_eq(ps_ancova_fit(y, bad, cov, 1, 3, 0.95, &r), PS_EDATA);
	ck_assert_ptr_null(r.terms);
	ck_assert_int_eq(ps_ancova_fit(y, g, cov, 1, 3, 0, &r), PS_EUSAGE);
	/* one or two observations: more columns than rows; R keeps the first n columns */
	ck_assert_int_eq(ps_ancova_fit(y, g, cov, 1, 1, 0.95, &r), PS_OK);
	ck_assert_uint_eq(r.rank, 1);
	ck_assert(r.terms[1].aliased && r.terms[2].aliased && r.terms[0].estimate == 1);
	ck_assert(isnan(r.sigma) && r.note != NULL);
	ps_ancova_result_release(&r);
	ck_assert_int_eq(ps_ancova_fit(y, g, cov, 1, 2, 0.95, &r), PS_OK);
	ck_assert_uint_eq(r.rank, 2);
	ck_assert(!r.terms[1].aliased && r.terms[2].aliased);
	ps_ancova_result_release(&r);
	/* all in one group: the indicator is the intercept again */
	double ones[3] = { 1, 1, 1 };
	ck_assert_int_eq(ps_ancova_fit(y, ones, cov, 1, 3, 0.95, &r), PS_OK);
	ck_assert(r.terms[2].aliased && r.note != NULL && isnan(r.adjusted_mean[1]));
	ps_ancova_result_release(&r);
}
END_TEST

static Suite *ancova_suite(void)
{
	Suite *s = suite_create("ancova");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, anorexia_baseline_adjusted);
	tcase_add_test(tc, mtcars_one_and_two_covariates);
	tcase_add_test(tc, no_covariate_is_student_t);
	tcase_add_test(tc, rank_deficient);
	tcase_add_test(tc, near_1e9_baseline);
	tcase_add_test(tc, degenerate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	gsl_set_error_handler_off();  /* as peerstat's main() does */
	SRunner *sr = srunner_create(ancova_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
