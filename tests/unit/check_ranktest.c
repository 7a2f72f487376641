/*
 * Unit tests for ranktest.c against R's wilcox.test, pwilcox, psignrank, qwilcox, qsignrank.
 * Expected values: tests/golden/rank.tsv, written by scripts/golden_rank.R (the R call for each
 * key is in that script); inputs: the CSV files under tests/data/rank/ written by the same script, or the
 * formulas repeated below for the large cases.
 *
 * Tolerances: the statistic must be equal (it is a sum of half-integers); exact p-values
 * 1e-12 relative (same counts as R, R's choose() rounds exp(lchoose) for 49 x 49, ~1e-14);
 * normal-approximation p-values 1e-9 relative (GSL's Cody pnorm vs R's Cody pnorm).
 * Set PS_RANK_VERBOSE=1 to print the largest relative difference seen per kind of figure.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/ranktest.h"

#define GOLDEN "rank.tsv"
#define TOL_EXACT 1e-12
#define TOL_NORMAL 1e-9

static const char *const alt_names[] = { "two", "less", "greater" };

/* Largest relative differences seen, for the report (PS_RANK_VERBOSE). */
static double worst_exact_p, worst_normal_p, worst_ci;
static int n_compared;

static double reldiff(double got, double want)
{
	if (isnan(got) && isnan(want))
		return 0;
	if (isinf(want))
		return got == want ? 0 : INFINITY;
	double scale = fabs(want) < 1 ? 1 : fabs(want);
	if (want != 0 && fabs(want) < 1)
		scale = fabs(want);     /* p-values: relative to themselves, tails included */
	return fabs(got - want) / scale;
}

static void note_worst(double *worst, double got, double want)
{
	double r = reldiff(got, want);
	if (r > *worst)
		*worst = r;
	if (r > 0 && getenv("PS_RANK_VERBOSE"))
		fprintf(stderr, "differs: got %.17g want %.17g (rel %.3g)\n", got, want, r);
}

/* A p-value compared relative to itself (far tails included), not clipped at 1 as ck_assert_close. */
static void assert_p(double got, double want, double rel, const char *what)
{
	if (isnan(want)) {
		ck_assert_msg(isnan(got), "%s = %.17g, want NA", what, got);
		return;
	}
	ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s = %.17g, want %.17g (rel tol %g)", what, got,
		      want, rel);
}

/* Relative to |want| (infinities and NaN must match), for estimates of any scale. */
static void assert_rel(double got, double want, double rel, const char *what)
{
	if (isnan(want) || isinf(want)) {
		ck_assert_msg(isnan(want) ? isnan(got) : got == want, "%s = %.17g, want %.17g", what, got, want);
		return;
	}
	ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s = %.17g, want %.17g (rel tol %g)", what, got,
		      want, rel);
}

/* Drop the NaN (R's NA) from v in place; returns the new length. */
static size_t drop_nan(double *v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[m++] = v[i];
	return m;
}

/* tests/data/rank/<name>.csv with columns group (1 = x, 0 = y) and value; NA values dropped. */
static void load_two(const char *name, double **x, size_t *nx, double **y, size_t *ny)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "data/rank/%s.csv", name);
	double *g, *v;
	size_t n = test_load_column(rel, "group", &g);
	ck_assert_uint_eq(test_load_column(rel, "value", &v), n);
	*x = malloc((n + 1) * sizeof(double));
	*y = malloc((n + 1) * sizeof(double));
	*nx = *ny = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (g[i] == 1)
			(*x)[(*nx)++] = v[i];
		else
			(*y)[(*ny)++] = v[i];
	}
	free(g);
	free(v);
}

/* tests/data/rank/<name>.csv with columns x, y: the differences x - y as R forms them. */
static size_t load_diff(const char *name, double **d)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "data/rank/%s.csv", name);
	double *x, *y;
	size_t n = test_load_column(rel, "x", &x);
	ck_assert_uint_eq(test_load_column(rel, "y", &y), n);
	for (size_t i = 0; i < n; i++)
		x[i] = x[i] - y[i];
	free(y);
	*d = x;
	return drop_nan(x, n);
}

/* Compare one result with the golden keys <prefix>.{W|V,p,exact[,est,lo,hi,level]}. */
static void check_result(const char *prefix, const char *stat, const struct ps_rank_result *r, int ci)
{
	char key[256];
	snprintf(key, sizeof(key), "%s.%s", prefix, stat);
	double want = golden(GOLDEN, key);
	ck_assert_msg(r->statistic == want, "%s = %.17g, want %.17g", key, r->statistic, want);

	snprintf(key, sizeof(key), "%s.exact", prefix);
	int exact = golden(GOLDEN, key) == 1;
	ck_assert_msg(r->exact == exact, "%s = %d, want %d", key, r->exact, exact);
	ck_assert_str_eq(r->method, exact ? PS_RANK_METHOD_EXACT : PS_RANK_METHOD_NORMAL);
	ck_assert(exact ? isnan(r->z) : 1);

	snprintf(key, sizeof(key), "%s.p", prefix);
	want = golden(GOLDEN, key);
	assert_p(r->p_value, want, exact ? TOL_EXACT : TOL_NORMAL, key);
	note_worst(exact ? &worst_exact_p : &worst_normal_p, r->p_value, want);
	n_compared += 2;
	if (!ci)
		ck_assert(isnan(r->p_value) == (r->note != NULL));

	if (!ci)
		return;
	static const char *const fig[] = { "est", "lo", "hi", "level" };
	const double got[] = { r->estimate, r->conf_low, r->conf_high, r->conf_level };
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof(key), "%s.%s", prefix, fig[k]);
		if (!golden_has(GOLDEN, key))
			continue;
		want = golden(GOLDEN, key);
		assert_rel(got[k], want, TOL_NORMAL, key);
		note_worst(&worst_ci, got[k], want);
		n_compared++;
	}
}

static void run_rank_sum(const char *name, const double *x, size_t nx, const double *y, size_t ny, int ci)
{
	for (int a = 0; a < 3; a++) {
		struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
		struct ps_rank_result r;
		char prefix[128];
		opt.alternative = (enum ps_rank_alternative)a;
		opt.conf_int = ci;
		snprintf(prefix, sizeof(prefix), "rs.%s.%s", name, alt_names[a]);
		ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
		ck_assert_uint_eq(r.n_x, nx);
		ck_assert_uint_eq(r.n_y, ny);
		check_result(prefix, "W", &r, ci);
	}
}

static void run_signed(const char *name, const double *d, size_t n, int ci)
{
	for (int a = 0; a < 3; a++) {
		struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
		struct ps_rank_result r;
		char prefix[128];
		opt.alternative = (enum ps_rank_alternative)a;
		opt.conf_int = ci;
		snprintf(prefix, sizeof(prefix), "sr.%s.%s", name, alt_names[a]);
		ck_assert_int_eq(ps_signed_rank_test(d, n, &opt, &r), PS_OK);
		ck_assert_uint_eq(r.n_x + r.n_zero, n);
		check_result(prefix, "V", &r, ci);
	}
}

/* Data-file cases: the help-page examples, small exact samples, ties, the n = 50 switch. */
static const char *const rank_sum_cases[] = {
	"permeability", "permeability_rev", "ozone", "ozone_rev", "small_3_4", "small_10_12",
	"small_20_25", "ties_small", "ties_one", "n49_49", "n49_50", "n50_49", "n50_50", "n49_10",
	"separated_49", "separated_1_49", "separated_49_1", "one_1_1", "one_1_8", "one_tie_1_8",
	"with_inf",
};
static const char *const signed_cases[] = {
	"depression", "depression_rev", "ties_int", "ties_tenths", "sleep", "small_12", "zeros",
	"ties_zeros", "n49", "n50", "n49_zero", "positive_49", "one", "one_negative", "equal",
	"with_inf_d",
};

START_TEST(rank_sum_matches_r)
{
	const char *name = rank_sum_cases[_i];
	double *x, *y;
	size_t nx, ny;
	load_two(name, &x, &nx, &y, &ny);
	run_rank_sum(name, x, nx, y, ny, 1);
	free(x);
	free(y);
}
END_TEST

START_TEST(signed_rank_matches_r)
{
	const char *name = signed_cases[_i];
	double *d;
	size_t n = load_diff(name, &d);
	run_signed(name, d, n, 1);
	free(d);
}
END_TEST

/* The help-page numbers as printed there, independent of the golden file. */
START_TEST(help_page_examples)
{
	double *x, *y, *d;
	size_t nx, ny;
	struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
	struct ps_rank_result r;
	load_two("permeability", &x, &nx, &y, &ny);
	opt.alternative = PS_RANK_GREATER;
	ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
	ck_assert(r.statistic == 35 && r.exact);
	ck_assert_close(r.p_value, 0.1272, 5e-4, "W = 35, p-value = 0.1272");
	free(x);
	free(y);

	size_t n = load_diff("depression", &d);
	ck_assert_int_eq(ps_signed_rank_test(d, n, &opt, &r), PS_OK);
	ck_assert(r.statistic == 40 && r.exact);
	ck_assert_close(r.p_value, 0.01953, 5e-5, "V = 40, p-value = 0.01953");
	free(d);

	load_two("ozone", &x, &nx, &y, &ny);
	opt.alternative = PS_RANK_TWO_SIDED;
	ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
	ck_assert(r.statistic == 127.5 && !r.exact && r.ties);
	ck_assert_close(r.p_value, 0.0001208, 5e-8, "W = 127.5, p-value = 0.0001208");
	free(x);
	free(y);
}
END_TEST

/* Reversing the groups mirrors W and leaves the two-sided p-value alone. */
START_TEST(reversed_groups_mirror)
{
	double *x, *y;
	size_t nx, ny;
	struct ps_rank_result a, b;
	load_two("small_10_12", &x, &nx, &y, &ny);
	ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, NULL, &a), PS_OK);
	ck_assert_int_eq(ps_rank_sum_test(y, ny, x, nx, NULL, &b), PS_OK);
	ck_assert(a.statistic + b.statistic == (double)(nx * ny));
	ck_assert_close(a.p_value, b.p_value, 1e-15, "two-sided p, reversed");
	free(x);
	free(y);
}
END_TEST

/* Formula data for the large cases, as in scripts/golden_rank.R. */
static double *formula(size_t n, uint64_t mult, uint64_t mod, double shift)
{
	double *v = malloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (double)(((uint64_t)(i + 1) * mult) % mod) + shift;
	return v;
}

START_TEST(large_samples)
{
	double *x = formula(100000, 7919, 1009, 0), *y = formula(80000, 104729, 997, 3);
	run_rank_sum("large_ties", x, 100000, y, 80000, 1);
	free(x);
	free(y);
	x = formula(50000, 7919, 100003, 0.5);
	y = formula(60000, 7907, 100003, 0);
	run_rank_sum("large_noties", x, 50000, y, 60000, 1);
	free(x);
	free(y);
	double *d = formula(100000, 7919, 2001, -980);
	run_signed("large", d, 100000, 1);
	free(d);
}
END_TEST

/* 10^6 per group: the normal approximation at the scale peerstat must handle. */
START_TEST(million_per_group)
{
	double *x = formula(1000000, 7919, 1009, 0), *y = formula(1000000, 104729, 997, 3);
	struct ps_rank_result r;
	struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
	opt.conf_int = 1;
	ck_assert_int_eq(ps_rank_sum_test(x, 1000000, y, 1000000, &opt, &r), PS_OK);
	check_result("rs.million.two", "W", &r, 1);
	free(x);
	free(y);
}
END_TEST

/* Other confidence levels: 0.80 (qnorm's central branch) and 0.99, every alternative. */
START_TEST(other_confidence_levels)
{
	static const char *const rs_names[] = { "permeability", "ozone" };
	static const char *const sr_names[] = { "depression", "sleep", "ties_zeros" };
	static const double levels[] = { 0.8, 0.99 };
	static const char *const fig[] = { "est", "lo", "hi", "level" };
	char key[160];
	for (int l = 0; l < 2; l++) {
		for (int a = 0; a < 3; a++) {
			struct ps_rank_options opt = { (enum ps_rank_alternative)a, 1, levels[l] };
			for (int c = 0; c < 5; c++) {
				struct ps_rank_result r;
				char prefix[128];
				if (c < 2) {
					double *x, *y;
					size_t nx, ny;
					load_two(rs_names[c], &x, &nx, &y, &ny);
					ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
					free(x);
					free(y);
					snprintf(prefix, sizeof(prefix), "rs.%s.%s.L%d", rs_names[c], alt_names[a],
						 (int)lround(levels[l] * 100));
				} else {
					double *d;
					size_t n = load_diff(sr_names[c - 2], &d);
					ck_assert_int_eq(ps_signed_rank_test(d, n, &opt, &r), PS_OK);
					free(d);
					snprintf(prefix, sizeof(prefix), "sr.%s.%s.L%d", sr_names[c - 2], alt_names[a],
						 (int)lround(levels[l] * 100));
				}
				const double got[] = { r.estimate, r.conf_low, r.conf_high, r.conf_level };
				for (int k = 0; k < 4; k++) {
					snprintf(key, sizeof(key), "%s.%s", prefix, fig[k]);
					double want = golden(GOLDEN, key);
					assert_rel(got[k], want, TOL_NORMAL, key);
					note_worst(&worst_ci, got[k], want);
					n_compared++;
				}
			}
		}
	}
}
END_TEST

/*
 * Large samples are sorted by a radix sort on the bits of the doubles: negative values,
 * -0 against +0 (equal, so tied) and infinities must rank as R ranks them. Checked against the
 * pair count W = #{x_i > y_j} + #{x_i == y_j} / 2, which needs no sorting at all.
 */
START_TEST(radix_sort_ranks_like_pair_count)
{
	size_t nx = 2600, ny = 2400;
	double *x = malloc(nx * sizeof(*x)), *y = malloc(ny * sizeof(*y));
	for (size_t i = 0; i < nx + ny; i++) {
		double v = (double)((long)((i * 37) % 201) - 100) * 0.5;
		if (i % 97 == 0)
			v = -0.0;
		else if (i % 89 == 0)
			v = 0.0;
		else if (i % 83 == 0)
			v = (i % 2) ? INFINITY : -INFINITY;
		if (i < nx)
			x[i] = v;
		else
			y[i - nx] = v;
	}
	double pairs = 0;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			pairs += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
	struct ps_rank_result r;
	ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, NULL, &r), PS_OK);
	ck_assert_msg(r.statistic == pairs, "W = %.17g, pair count %.17g", r.statistic, pairs);
	ck_assert(r.ties && !r.exact && r.p_value > 0 && r.p_value <= 1);
	free(x);
	free(y);
}
END_TEST

/*
 * Undefined tests give NaN and a note. R errors on an empty group; on all-tied values and all
 * zero differences it gives NaN two-sided but p = 1 one-sided (z = -+Inf from 0/0 shifted by
 * the continuity correction); peerstat reports NaN for all three, with a note. The statistic
 * is R's in every case.
 */
START_TEST(degenerate_inputs)
{
	struct ps_rank_result r;
	struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
	const double one = 1.0;
	ck_assert_int_eq(ps_rank_sum_test(&one, 1, NULL, 0, NULL, &r), PS_OK);
	ck_assert(isnan(r.statistic) && isnan(r.p_value) && r.note != NULL);
	ck_assert_int_eq(ps_rank_sum_test(NULL, 0, &one, 1, NULL, &r), PS_OK);
	ck_assert(isnan(r.statistic) && isnan(r.p_value) && r.note != NULL);
	ck_assert_int_eq(ps_signed_rank_test(NULL, 0, NULL, &r), PS_OK);
	ck_assert(isnan(r.statistic) && isnan(r.p_value) && r.note != NULL);

	double *x, *y, *d;
	size_t nx, ny;
	load_two("all_equal", &x, &nx, &y, &ny);
	size_t n = load_diff("all_zero", &d);
	for (int a = 0; a < 3; a++) {
		char key[128];
		opt.alternative = (enum ps_rank_alternative)a;
		ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
		snprintf(key, sizeof(key), "rs.all_equal.%s.W", alt_names[a]);
		ck_assert(r.statistic == golden(GOLDEN, key));
		ck_assert(isnan(r.p_value) && r.note != NULL && !r.exact);
		ck_assert_int_eq(ps_signed_rank_test(d, n, &opt, &r), PS_OK);
		snprintf(key, sizeof(key), "sr.all_zero.%s.V", alt_names[a]);
		ck_assert(r.statistic == golden(GOLDEN, key));
		ck_assert(isnan(r.p_value) && r.note != NULL && !r.exact);
		ck_assert_uint_eq(r.n_zero, 3);
	}
	/*
	 * Intervals: all differences zero gives R's NaN bounds at level 0; two constant groups
	 * (R stops: "missing value where TRUE/FALSE needed") give NaN and a note.
	 */
	opt.alternative = PS_RANK_TWO_SIDED;
	opt.conf_int = 1;
	ck_assert_int_eq(ps_signed_rank_test(d, n, &opt, &r), PS_OK);
	ck_assert(isnan(r.estimate) && isnan(r.conf_low) && isnan(r.conf_high) && r.conf_level == 0);
	const double ones[] = { 1, 1, 1 }, twos[] = { 2, 2 };
	ck_assert_int_eq(ps_rank_sum_test(ones, 3, twos, 2, &opt, &r), PS_OK);
	ck_assert(!isnan(r.p_value) && r.note != NULL);
	ck_assert(isnan(r.estimate) && isnan(r.conf_low) && isnan(r.conf_high));
	ck_assert_int_eq(ps_rank_sum_test(x, nx, y, ny, &opt, &r), PS_OK);
	ck_assert(isnan(r.p_value) && isnan(r.estimate) && r.note != NULL);
	/* an infinite value is ranked (the test is fine) but leaves no finite search range */
	const double with_inf[] = { 1, 2, INFINITY, 4, 4 }, other[] = { 0.5, 3, 3 };
	ck_assert_int_eq(ps_rank_sum_test(with_inf, 5, other, 3, &opt, &r), PS_OK);
	ck_assert(r.statistic == 11.0 && !isnan(r.p_value) && isnan(r.estimate) && r.note != NULL);
	ck_assert_int_eq(ps_signed_rank_test(with_inf, 5, &opt, &r), PS_OK);
	ck_assert(r.statistic == 15.0 && !isnan(r.p_value) && isnan(r.estimate) && r.note != NULL);
	free(x);
	free(y);
	free(d);
}
END_TEST

START_TEST(bad_input_is_refused)
{
	struct ps_rank_result r;
	struct ps_rank_options opt = PS_RANK_OPTIONS_INIT;
	const double v[] = { 1, NAN, 3 }, w[] = { 2, 4 };
	ck_assert_int_eq(ps_rank_sum_test(v, 3, w, 2, NULL, &r), PS_EDATA);
	ck_assert_int_eq(ps_rank_sum_test(w, 2, v, 3, NULL, &r), PS_EDATA);
	ck_assert_int_eq(ps_signed_rank_test(v, 3, NULL, &r), PS_EDATA);
	opt.conf_int = 1;
	opt.conf_level = 1;
	ck_assert_int_eq(ps_rank_sum_test(w, 2, w, 2, &opt, &r), PS_EDATA);
	opt.conf_level = 0;
	ck_assert_int_eq(ps_signed_rank_test(w, 2, &opt, &r), PS_EDATA);
	double p;
	ck_assert_int_eq(ps_pwilcox(1, 0, 3, 1, &p), PS_EDATA);
	ck_assert_int_eq(ps_psignrank(1, 0, 1, &p), PS_EDATA);
	ck_assert_int_eq(ps_qwilcox(1.5, 3, 3, 1, &p), PS_EDATA);
	ck_assert_int_eq(ps_pwilcox(1, 100000, 100000, 1, &p), PS_EDATA);
}
END_TEST

/* The exact distribution functions against R's, including 49 x 49 tails and quantiles. */
START_TEST(exact_distributions)
{
	static const int qw[] = { 0, 1, 100, 600, 1200, 1201, 2000, 2400 };
	static const int qs[] = { 0, 1, 50, 300, 612, 613, 1000, 1224 };
	static const int q7[] = { 0, 5, 17, 30 };
	static const double pq[] = { 0.025, 0.05, 0.5, 0.975 };
	char key[128];
	double got;
	for (size_t i = 0; i < sizeof(qw) / sizeof(*qw); i++) {
		snprintf(key, sizeof(key), "pwilcox.%d.49.49.lower", qw[i]);
		ck_assert_int_eq(ps_pwilcox(qw[i], 49, 49, 1, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
		note_worst(&worst_exact_p, got, golden(GOLDEN, key));
		snprintf(key, sizeof(key), "pwilcox.%d.49.49.upper", qw[i]);
		ck_assert_int_eq(ps_pwilcox(qw[i], 49, 49, 0, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
		note_worst(&worst_exact_p, got, golden(GOLDEN, key));
	}
	for (size_t i = 0; i < sizeof(q7) / sizeof(*q7); i++) {
		snprintf(key, sizeof(key), "pwilcox.%d.7.9.lower", q7[i]);
		ck_assert_int_eq(ps_pwilcox(q7[i], 7, 9, 1, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
		snprintf(key, sizeof(key), "pwilcox.%d.9.7.upper", q7[i]);
		ck_assert_int_eq(ps_pwilcox(q7[i], 9, 7, 0, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
	}
	for (size_t i = 0; i < sizeof(qs) / sizeof(*qs); i++) {
		snprintf(key, sizeof(key), "psignrank.%d.49.lower", qs[i]);
		ck_assert_int_eq(ps_psignrank(qs[i], 49, 1, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
		note_worst(&worst_exact_p, got, golden(GOLDEN, key));
		snprintf(key, sizeof(key), "psignrank.%d.49.upper", qs[i]);
		ck_assert_int_eq(ps_psignrank(qs[i], 49, 0, &got), PS_OK);
		assert_p(got, golden(GOLDEN, key), TOL_EXACT, key);
		note_worst(&worst_exact_p, got, golden(GOLDEN, key));
	}
	for (size_t i = 0; i < sizeof(pq) / sizeof(*pq); i++) {
		snprintf(key, sizeof(key), "qwilcox.%g.49.49", pq[i]);
		ck_assert_int_eq(ps_qwilcox(pq[i], 49, 49, 1, &got), PS_OK);
		ck_assert_msg(got == golden(GOLDEN, key), "%s = %g", key, got);
		snprintf(key, sizeof(key), "qwilcox.%g.7.9", pq[i]);
		ck_assert_int_eq(ps_qwilcox(pq[i], 7, 9, 1, &got), PS_OK);
		ck_assert_msg(got == golden(GOLDEN, key), "%s = %g", key, got);
		snprintf(key, sizeof(key), "qsignrank.%g.49", pq[i]);
		ck_assert_int_eq(ps_qsignrank(pq[i], 49, 1, &got), PS_OK);
		ck_assert_msg(got == golden(GOLDEN, key), "%s = %g", key, got);
		snprintf(key, sizeof(key), "qsignrank.%g.10", pq[i]);
		ck_assert_int_eq(ps_qsignrank(pq[i], 10, 1, &got), PS_OK);
		ck_assert_msg(got == golden(GOLDEN, key), "%s = %g", key, got);
	}
}
END_TEST

/*
 * The counts against brute force: every split of 1..m+n into groups of m and n for small
 * sizes, independent of R. The probabilities must sum to one.
 */
START_TEST(counts_match_enumeration)
{
	for (unsigned m = 1; m <= 6; m++) {
		for (unsigned n = 1; n <= 7; n++) {
			unsigned N = m + n, mn = m * n;
			double freq[64] = { 0 }, total = 0;
			for (unsigned mask = 0; mask < (1u << N); mask++) {
				if ((unsigned)__builtin_popcount(mask) != m)
					continue;
				unsigned rs = 0;
				for (unsigned k = 0; k < N; k++)
					if (mask & (1u << k))
						rs += k + 1;
				freq[rs - m * (m + 1) / 2] += 1;
				total += 1;
			}
			double cum = 0;
			for (unsigned q = 0; q <= mn; q++) {
				double got;
				cum += freq[q];
				ck_assert_int_eq(ps_pwilcox(q, m, n, 1, &got), PS_OK);
				ck_assert_close(got, cum / total, 1e-14, "pwilcox vs enumeration");
			}
		}
	}
	for (unsigned n = 1; n <= 12; n++) {
		double freq[80] = { 0 };
		for (unsigned mask = 0; mask < (1u << n); mask++) {
			unsigned s = 0;
			for (unsigned k = 0; k < n; k++)
				if (mask & (1u << k))
					s += k + 1;
			freq[s] += 1;
		}
		double cum = 0;
		for (unsigned q = 0; q <= n * (n + 1) / 2; q++) {
			double got;
			cum += freq[q];
			ck_assert_int_eq(ps_psignrank(q, n, 1, &got), PS_OK);
			ck_assert_close(got, cum / (double)(1u << n), 1e-14, "psignrank vs enumeration");
		}
	}
}
END_TEST

/* The growing arrays: shards merged give the same test as one array. */
START_TEST(values_grow_and_merge)
{
	double *x, *y;
	size_t nx, ny;
	load_two("ozone", &x, &nx, &y, &ny);
	struct ps_rank_values whole, s1, s2, yy;
	ps_rank_values_init(&whole);
	ps_rank_values_init(&s1);
	ps_rank_values_init(&s2);
	ps_rank_values_init(&yy);
	for (size_t i = 0; i < nx; i++) {
		ck_assert_int_eq(ps_rank_values_add(&whole, x[i]), PS_OK);
		ck_assert_int_eq(ps_rank_values_add(i % 3 ? &s1 : &s2, x[i]), PS_OK);
	}
	for (size_t j = 0; j < ny; j++)
		ck_assert_int_eq(ps_rank_values_add(&yy, y[j]), PS_OK);
	ck_assert_int_eq(ps_rank_values_add(&yy, NAN), PS_EDATA);
	ck_assert_uint_eq(yy.n, ny);
	ck_assert_int_eq(ps_rank_values_merge(&s1, &s2), PS_OK);
	ck_assert_uint_eq(s1.n, nx);
	ck_assert_uint_eq(s2.n, nx / 3 + (nx % 3 != 0));
	struct ps_rank_result a, b;
	ck_assert_int_eq(ps_rank_sum_test(whole.v, whole.n, yy.v, yy.n, NULL, &a), PS_OK);
	ck_assert_int_eq(ps_rank_sum_test(s1.v, s1.n, yy.v, yy.n, NULL, &b), PS_OK);
	ck_assert(a.statistic == b.statistic && a.p_value == b.p_value);
	ck_assert(a.statistic == golden(GOLDEN, "rs.ozone.two.W"));
	ps_rank_values_release(&whole);
	ps_rank_values_release(&s1);
	ps_rank_values_release(&s2);
	ps_rank_values_release(&yy);
	ck_assert_ptr_null(whole.v);
	ck_assert_uint_eq(whole.n, 0);
	free(x);
	free(y);
}
END_TEST

static void report(void)
{
	if (getenv("PS_RANK_VERBOSE"))
		fprintf(stderr, "%d figures compared; max relative difference to R: exact p %.3g, normal p %.3g, "
			"estimate/CI %.3g\n", n_compared, worst_exact_p, worst_normal_p, worst_ci);
}

static Suite *ranktest_suite(void)
{
	Suite *s = suite_create("ranktest");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, rank_sum_matches_r, 0, (int)(sizeof(rank_sum_cases) / sizeof(*rank_sum_cases)));
	tcase_add_loop_test(tc, signed_rank_matches_r, 0, (int)(sizeof(signed_cases) / sizeof(*signed_cases)));
	tcase_add_test(tc, help_page_examples);
	tcase_add_test(tc, reversed_groups_mirror);
	tcase_add_test(tc, large_samples);
	tcase_add_test(tc, million_per_group);
	tcase_add_test(tc, other_confidence_levels);
	tcase_add_test(tc, radix_sort_ranks_like_pair_count);
	tcase_add_test(tc, degenerate_inputs);
	tcase_add_test(tc, bad_input_is_refused);
	tcase_add_test(tc, exact_distributions);
	tcase_add_test(tc, counts_match_enumeration);
	tcase_add_test(tc, values_grow_and_merge);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ranktest_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	report();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
