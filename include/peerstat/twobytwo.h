#ifndef PEERSTAT_TWOBYTWO_H
#define PEERSTAT_TWOBYTWO_H

#include <stdint.h>

#include "peerstat/status.h"

/*
 * Binary outcomes: the 2x2 table of a treatment group (the `peer` cohort) against a control
 * group (`therapy_only`).
 *
 *                 event    no event   total
 *   treatment       a      n1 - a      n1
 *   control         c      n0 - c      n0
 *
 * Every figure follows one R reference, named in the result's `method` string and in
 * docs/methods.md ("Binary outcomes"); golden values come from scripts/golden_twobytwo.R and
 * scripts/golden_twobytwo.py. Figures undefined for the table at hand are NAN with a static
 * explanatory string in `note` (NULL when fine); `method` and `note` point to static storage.
 */

/*
 * The table, as counts. It is an accumulator: _init, then _add per subject (or fill the fields
 * directly), and partial tables of shards combine with _merge. No allocation.
 */
struct ps_twobytwo {
	uint64_t a;     /* treatment events */
	uint64_t n1;    /* treatment subjects */
	uint64_t c;     /* control events */
	uint64_t n0;    /* control subjects */
};

/* Set all counts to zero. */
void ps_twobytwo_init(struct ps_twobytwo *t);

/* Count one subject: treatment nonzero for the treatment group, event nonzero for an event. */
void ps_twobytwo_add(struct ps_twobytwo *t, int treatment, int event);

/* Add the counts of from into into (shards of one data set); from is not changed. */
void ps_twobytwo_merge(struct ps_twobytwo *into, const struct ps_twobytwo *from);

/*
 * Check a table: events cannot exceed subjects, and the total must stay below 2^53 so that
 * every count is exact in a double. Returns PS_OK or PS_EDATA.
 */
enum ps_status ps_twobytwo_check(const struct ps_twobytwo *t);

/* A point estimate with a two-sided confidence interval. */
struct ps_interval {
	double estimate;
	double lower;
	double upper;
	const char *method;
	const char *note;
};

/* Pearson's chi-square test of independence on the 2x2 table (df is always 1). */
struct ps_chisq_test {
	double statistic;
	double df;
	double p;
	double correction;      /* continuity correction applied to |O - E|: 0, or min(0.5, |O - E|) */
	const char *method;
	const char *note;
};

/* Fisher's exact test with the conditional maximum likelihood odds ratio. */
struct ps_fisher_test {
	double p;               /* two-sided */
	double estimate;        /* conditional MLE of the odds ratio */
	double lower;           /* exact conditional confidence interval */
	double upper;
	const char *method;
	const char *note;
};

/* Everything ps_twobytwo_compute reports. */
struct ps_twobytwo_result {
	double conf_level;
	struct ps_interval treatment;           /* a / n1, Wilson interval */
	struct ps_interval control;             /* c / n0, Wilson interval */
	struct ps_chisq_test pearson;           /* without continuity correction */
	struct ps_chisq_test yates;             /* with Yates' continuity correction */
	struct ps_fisher_test fisher;
	struct ps_interval risk_difference;     /* a/n1 - c/n0, Newcombe hybrid score interval */
	struct ps_interval risk_ratio;          /* (a/n1) / (c/n0), Katz log interval */
	struct ps_interval odds_ratio;          /* (a/(n1-a)) / (c/(n0-c)), Woolf logit interval */
};

/*
 * Wilson score interval for the proportion x / n at confidence conf_level, as R's
 * prop.test(x, n, correct = FALSE)$conf.int. n == 0 gives NAN with a note.
 * Returns PS_EDATA when x > n, PS_EUSAGE when conf_level is not in (0, 1).
 */
enum ps_status ps_wilson_interval(uint64_t x, uint64_t n, double conf_level, struct ps_interval *out);

/*
 * Pearson's chi-square test on the table, as R's chisq.test(matrix(c(a, c, n1 - a, n0 - c), 2),
 * correct = correct): with correct nonzero, Yates' correction min(0.5, |O - E|). A zero row or
 * column total gives NAN (R: NaN statistic); expected counts below 5 are said in the note (R's
 * warning). Returns PS_EDATA for an invalid table.
 */
enum ps_status ps_chisq_2x2(const struct ps_twobytwo *t, int correct, struct ps_chisq_test *out);

/*
 * Fisher's exact test as R's fisher.test on the 2x2 table: the two-sided p-value sums the
 * conditional probabilities of the tables no more likely than the observed one (relative
 * tolerance 1 + 1e-7, as R); the conditional MLE of the odds ratio and the exact conditional
 * interval are found to about 1e-12 relative (R's uniroot stops near 1e-4; see docs). A zero
 * cell gives estimate 0 or INFINITY and interval bound 0 or INFINITY as R; a zero margin (one
 * possible table) p = 1, interval [0, INFINITY] and estimate NAN with a note (R says 0). No
 * allocation. Tables whose null distribution has a standard deviation above
 * PS_FISHER_MAX_SD (billions of subjects) get NAN with a note. Returns PS_EDATA, PS_EUSAGE
 * (conf_level not in (0, 1)) or PS_OK.
 */
#define PS_FISHER_MAX_SD 20000.0
enum ps_status ps_fisher_2x2(const struct ps_twobytwo *t, double conf_level, struct ps_fisher_test *out);

/*
 * Risk difference a/n1 - c/n0 with Newcombe's hybrid score interval (Newcombe 1998, method 10),
 * built from the two Wilson intervals of ps_wilson_interval. An empty group gives NAN.
 */
enum ps_status ps_risk_difference(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out);

/*
 * Risk ratio (a/n1)/(c/n0) with the Katz log interval, as epitools::riskratio(method = "wald").
 * With a == 0 the estimate is 0 and the interval NAN; with c == 0 (infinite or 0/0 ratio) all
 * three are NAN; the note points at Fisher's exact interval. No 0.5 correction is added.
 */
enum ps_status ps_risk_ratio(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out);

/*
 * Odds ratio a(n0-c) / (c(n1-a)) with Woolf's logit interval, as
 * epitools::oddsratio(method = "wald"). Any zero cell makes the interval NAN (the estimate
 * stays when it is 0, NAN when infinite or 0/0), with a note pointing at Fisher's exact
 * interval. No 0.5 correction is added.
 */
enum ps_status ps_odds_ratio(const struct ps_twobytwo *t, double conf_level, struct ps_interval *out);

/*
 * All of the above for one table at confidence conf_level (0.95 in peerstat's default).
 * out is filled completely on PS_OK. Returns PS_EDATA for an invalid table, PS_EUSAGE for a
 * conf_level outside (0, 1). No allocation.
 */
enum ps_status ps_twobytwo_compute(const struct ps_twobytwo *t, double conf_level,
				   struct ps_twobytwo_result *out);

#endif
