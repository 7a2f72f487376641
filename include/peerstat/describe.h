#ifndef PEERSTAT_DESCRIBE_H
#define PEERSTAT_DESCRIBE_H

#include <stddef.h>

#include "peerstat/status.h"

/*
 * Descriptive statistics of one group's values: n, mean, standard deviation, standard error,
 * median, quartiles, minimum and maximum, as R's mean(), sd(), median() and quantile(type = 7).
 *
 * Memory: exact quantiles need every value, so the accumulator keeps all of them in one growing
 * array (8 bytes a value; 10^7 values are 80 MB). The mean and variance are computed from that
 * array in two passes with long double sums, as R does, so that data such as 1e9 + small
 * spread keep their digits (a one-pass sum of squares would lose them all).
 *
 * Lifecycle: ps_describe_init -> ps_describe_add per value (or ps_describe_merge of shards) ->
 * ps_describe_finish -> ps_describe_release.
 */
struct ps_describe {
	double *values;  /* owned; malloc'ed, grows by doubling */
	size_t n;
	size_t cap;
};

/*
 * The figures. Undefined figures are NAN with note set to a static string:
 * no values: everything but n is NAN ("no values");
 * one value: sd and se are NAN ("one value: no standard deviation").
 */
struct ps_describe_result {
	size_t n;
	double mean;
	double sd;      /* sample standard deviation, divisor n - 1 (R's sd) */
	double se;      /* sd / sqrt(n) */
	double median;  /* R's median(): the mean of the two middle values when n is even */
	double q1;      /* R's quantile(x, 0.25, type = 7) */
	double q3;      /* R's quantile(x, 0.75, type = 7) */
	double min;
	double max;
	double var;     /* sample variance, divisor n - 1 (R's var); kept for the t tests */
	const char *note;  /* static string or NULL */
};

/* Start an empty accumulator. Never fails (nothing is allocated until the first value). */
void ps_describe_init(struct ps_describe *acc);

/*
 * Add one value. Missing values must have been removed by the caller: a NaN or an infinity
 * returns PS_EDATA and is not added. Returns PS_ENOMEM when the array cannot grow (the
 * accumulator keeps its earlier values), else PS_OK.
 */
enum ps_status ps_describe_add(struct ps_describe *acc, double x);

/*
 * Append every value of other to acc (other is left unchanged and still owned by the caller).
 * The result of finish does not depend on the order of adds and merges. Returns PS_ENOMEM or
 * PS_OK.
 */
enum ps_status ps_describe_merge(struct ps_describe *acc, const struct ps_describe *other);

/*
 * Compute the figures into out. Sorts the stored values in place (their order is not part of
 * the state), so more values may still be added afterwards. Returns PS_OK, or PS_ENOMEM when
 * the sort's scratch array (n values, for 4096 values or more) cannot be had; an empty
 * accumulator is not an error (see the result's note).
 */
enum ps_status ps_describe_finish(struct ps_describe *acc, struct ps_describe_result *out);

/* Free the stored values; acc may be initialised again. */
void ps_describe_release(struct ps_describe *acc);

/*
 * Convenience for an array already in memory: the figures of x[0..n-1] (x is not modified).
 * Returns PS_EDATA on a non-finite value, PS_ENOMEM, or PS_OK.
 */
enum ps_status ps_describe_array(const double *x, size_t n, struct ps_describe_result *out);

/*
 * Mean and sample variance (divisor n - 1) of x[0..n-1] exactly as R's mean() and var():
 * long double sum, mean corrected by a second pass, then a long double sum of squared
 * deviations. var is NAN when n < 2, mean is NAN when n == 0. Shared by the t tests and the
 * effect sizes so that all of them see the same digits.
 */
void ps_mean_var(const double *x, size_t n, double *mean, double *var);

#endif
