#ifndef PEERSTAT_RANKTEST_H
#define PEERSTAT_RANKTEST_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Rank tests as R's stats::wilcox.test computes them with its defaults (exact = NULL,
 * correct = TRUE, mu = 0, digits.rank = Inf): the Wilcoxon rank-sum (Mann-Whitney) test of two
 * samples and the Wilcoxon signed-rank test of one vector of paired differences, optionally
 * with the Hodges-Lehmann estimate and its confidence interval (conf.int = TRUE).
 *
 * Ranks need every value, so the values are kept: struct ps_rank_values is one growing array
 * per group (memory O(n), ranking O(n log n)). It merges by concatenation, so shards of the
 * input can be collected separately and joined before the test.
 *
 * The tests themselves take plain arrays (the caller has removed missing values; a NaN is
 * refused with PS_EDATA). Nothing is printed; figures that are undefined for the data are NAN
 * with a static explanation in the result's note.
 *
 * The exact null distributions (R's dwilcox/pwilcox/qwilcox and dsignrank/psignrank/qsignrank)
 * are computed here by counting, in doubles as R does; no R at run time.
 */

/* One growing array of observations. Zero-initialise it or call ps_rank_values_init. */
struct ps_rank_values {
	double *v;      /* owned by the struct; freed by ps_rank_values_release */
	size_t n;       /* values held */
	size_t cap;     /* allocated slots */
};

/* Make a an empty array (no allocation yet). */
void ps_rank_values_init(struct ps_rank_values *a);

/*
 * Append one value (the array doubles as needed). Returns PS_EDATA for a NaN (missing values
 * are the caller's to drop), PS_ENOMEM when the array cannot grow (a is left as it was).
 */
enum ps_status ps_rank_values_add(struct ps_rank_values *a, double value);

/*
 * Append every value of src to dst (shards of one group merged into one). src is not changed
 * and stays owned by its caller. Returns PS_OK or PS_ENOMEM (dst left as it was).
 */
enum ps_status ps_rank_values_merge(struct ps_rank_values *dst, const struct ps_rank_values *src);

/* Free the values and make a empty again; a may be reused after ps_rank_values_init. */
void ps_rank_values_release(struct ps_rank_values *a);

/* R's alternative = "two.sided" / "less" / "greater" (x shifted below / above y, or d < 0 / > 0). */
enum ps_rank_alternative {
	PS_RANK_TWO_SIDED = 0,
	PS_RANK_LESS,
	PS_RANK_GREATER
};

/* What to compute; PS_RANK_OPTIONS_INIT gives R's defaults (two-sided, no interval). */
struct ps_rank_options {
	enum ps_rank_alternative alternative;
	int conf_int;           /* nonzero: Hodges-Lehmann estimate and interval (conf.int = TRUE) */
	double conf_level;      /* R's conf.level, in (0, 1) */
};
#define PS_RANK_OPTIONS_INIT { PS_RANK_TWO_SIDED, 0, 0.95 }

/* The method strings of struct ps_rank_result (compare by value or by pointer). */
#define PS_RANK_METHOD_EXACT "exact"
#define PS_RANK_METHOD_NORMAL "normal approximation with continuity and tie correction"

struct ps_rank_result {
	/*
	 * Rank sum: W, the Mann-Whitney U of x (R's W with x first: sum of the ranks of x in the
	 * pooled sample minus n_x (n_x + 1) / 2). Signed rank: V, the sum of the ranks of |d| over
	 * the positive d after zeros are dropped.
	 */
	double statistic;
	double p_value;         /* for the requested alternative */
	double z;               /* normal approximation: the continuity-corrected z; NAN when exact */
	int exact;              /* 1: exact null distribution; 0: normal approximation */
	const char *method;     /* PS_RANK_METHOD_EXACT or PS_RANK_METHOD_NORMAL (static) */
	size_t n_x;             /* rank sum: size of x; signed rank: nonzero differences used */
	size_t n_y;             /* rank sum: size of y; signed rank: 0 */
	size_t n_zero;          /* signed rank: zero differences dropped; rank sum: 0 */
	int ties;               /* 1 when some ranks are tied (forces the normal approximation) */

	/*
	 * Only when options.conf_int (otherwise NAN): the Hodges-Lehmann estimate and interval as
	 * R's wilcox.test(conf.int = TRUE) computes them. Rank sum: the shift of x against y
	 * (R's "difference in location"); signed rank: R's "(pseudo)median" of d.
	 * - Exact p-value case: order statistics of the differences x_i - y_j (signed rank: the
	 *   Walsh averages (d_i + d_j) / 2, i <= j) at R's qwilcox/qsignrank positions, and their
	 *   median. Exact to the last bit.
	 * - Normal case: R's root search (uniroot, tol.root = 1e-4) on the standardised
	 *   statistic as a function of the shift, repeated step for step so that the numbers are
	 *   R's; as values of the true crossing points they are good to about 1e-4 only.
	 * A one-sided interval has an infinite end. conf_level is the level R reports: lowered
	 * when the requested one is not achievable (note set), 0 when the data give no interval
	 * (all differences equal: bounds NAN, estimate their midrange, as R).
	 */
	double estimate;
	double conf_low;
	double conf_high;
	double conf_level;

	const char *note;       /* static explanation when something is NAN or adjusted; else NULL */
};

/*
 * Wilcoxon rank-sum / Mann-Whitney test of x (treatment, n_x values) against y (control, n_y
 * values): R's wilcox.test(x, y, alternative, conf.int, conf.level). Exact p-value when
 * n_x < 50, n_y < 50 and no ties; otherwise the normal approximation with continuity and tie
 * correction. x and y are only read; opt NULL means PS_RANK_OPTIONS_INIT. Fills *res.
 * Cost O(N log N) for N = n_x + n_y (one sort), plus O(N) per root-search step for the
 * interval in the normal case. Returns PS_OK (also for degenerate data, which give NAN
 * figures and a note: an empty group, all values tied), PS_EDATA for a NaN in the input, an
 * unknown alternative or a conf_level outside (0, 1), PS_ENOMEM.
 */
enum ps_status ps_rank_sum_test(const double *x, size_t n_x, const double *y, size_t n_y,
				const struct ps_rank_options *opt, struct ps_rank_result *res);

/*
 * Wilcoxon signed-rank test of the paired differences d (n values, e.g. treatment minus
 * control): R's wilcox.test(d, alternative, conf.int, conf.level), which is also
 * wilcox.test(a, b, paired = TRUE) with d = a - b. Zero differences are dropped (Wilcoxon's
 * method, R's default); exact p-value when fewer than 50 remain and there are neither ties nor
 * zeros, otherwise the normal approximation with continuity and tie correction. d is only read.
 * Returns as ps_rank_sum_test (degenerate: no differences, all differences zero).
 */
enum ps_status ps_signed_rank_test(const double *d, size_t n, const struct ps_rank_options *opt,
				   struct ps_rank_result *res);

/*
 * The exact null distributions, as R's functions of the same name with lower_tail (log_p is
 * not offered). pwilcox: P(W <= q) for group sizes m, n (W = Mann-Whitney U of the m-group);
 * psignrank: P(V <= q) for n nonzero differences. q is floored after adding 1e-7 as R does.
 * qwilcox/qsignrank: the smallest q with P(<= q) >= p (R's quantile search, including its
 * 10 DBL_EPSILON fuzz). The result is written to *out. Memory is O(min(m, n) m n) doubles
 * (pwilcox) and O(n^2) (psignrank), allocated and freed inside; sizes whose table would exceed
 * about 2^24 doubles (128 MiB) are refused with PS_EDATA (R itself allows exact tests only below 50).
 * Returns PS_OK, PS_EDATA (m, n or p out of range), PS_ENOMEM.
 */
enum ps_status ps_pwilcox(double q, unsigned m, unsigned n, int lower_tail, double *out);
enum ps_status ps_qwilcox(double p, unsigned m, unsigned n, int lower_tail, double *out);
enum ps_status ps_psignrank(double q, unsigned n, int lower_tail, double *out);
enum ps_status ps_qsignrank(double p, unsigned n, int lower_tail, double *out);

#endif
