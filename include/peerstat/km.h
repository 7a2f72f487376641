#ifndef PEERSTAT_KM_H
#define PEERSTAT_KM_H

/*
 * Kaplan-Meier survival curves, as R's survival package computes them (survival 3.5-3):
 *   survfit(Surv(time, status) ~ 1, conf.type = ..., conf.int = ...)
 *   summary(fit, censored = TRUE), summary(fit, times = ...)
 *   quantile(fit, probs), print(fit) (the median), print(fit, rmean = tau)
 * Formulas, defaults and the places where R's rules are unusual are in docs/methods.md,
 * section "Survival".
 *
 * The data enter through a streaming accumulator, struct ps_surv_table, whose memory grows with
 * the number of distinct times, not with the number of rows, and which merges exactly, so that
 * shards of a large input can be counted apart and combined.
 */

#include <stddef.h>

#include "peerstat/status.h"

/* ---------------------------------------------------------------------------------------- */
/* The accumulator: counts of events and censorings per distinct time.                       */

/* One distinct time and what happened there. */
struct ps_surv_count {
	double time;
	size_t n_event;
	size_t n_censor;
};

/*
 * Counts per distinct time. Rows are appended as they come and, whenever the buffer is full,
 * sorted and collapsed to one entry per distinct time; the buffer only grows when collapsing
 * frees less than half of it. So the capacity stays below max(64, 4 x distinct times) whatever
 * the number of rows. Times compare exactly (no rounding or fuzzing of near-equal times; see
 * docs/methods.md on R's timefix); -0 is counted as 0.
 *
 * Fields are readable after ps_surv_table_finish(): rows[0..n_rows) then holds the distinct
 * times in increasing order. Any later _add or _merge makes that order stale until the next
 * _finish. The table owns rows.
 */
struct ps_surv_table {
	struct ps_surv_count *rows;
	size_t n_rows;
	size_t capacity;
	size_t n_obs;      /* observations counted, merged ones included */
	size_t n_events;   /* of which events */
	int finished;      /* 1 when rows is sorted and collapsed */
	size_t n_sorted;   /* internal: rows[0..n_sorted) are sorted and distinct; a time found
			      there is counted in place, so the buffer fills (and is sorted) only
			      when new distinct times come */
	size_t *hint;      /* internal: where in rows a time was last found, by a hash of the
			      time (a cache, checked before use; owned; NULL for small tables) */
};

/* Make t an empty table. Allocates nothing. */
void ps_surv_table_init(struct ps_surv_table *t);

/*
 * Count one observation: time (finite, >= 0) and event (1 = event, 0 = censored). Returns
 * PS_EDATA (and counts nothing) for a negative, infinite or NaN time or an event other than 0
 * or 1; PS_ENOMEM when the buffer cannot grow (the table is unchanged and still valid).
 */
enum ps_status ps_surv_table_add(struct ps_surv_table *t, double time, double event);

/*
 * Add every count of src to dst (src is left as it is, finished or not). The result is exactly
 * the table of all rows added to either. Returns PS_OK, PS_EINTERNAL when dst and src are the
 * same table, or PS_ENOMEM (dst then holds part of src: discard it).
 */
enum ps_status ps_surv_table_merge(struct ps_surv_table *dst, const struct ps_surv_table *src);

/* Sort and collapse: afterwards rows[0..n_rows) are the distinct times in increasing order. */
enum ps_status ps_surv_table_finish(struct ps_surv_table *t);

/* Free the rows; t is then an empty table again (it can be reused). */
void ps_surv_table_release(struct ps_surv_table *t);

/* ---------------------------------------------------------------------------------------- */
/* Kaplan-Meier.                                                                              */

/* Confidence interval for S(t): R's conf.type "log" (the default), "log-log", "plain". */
enum ps_km_ci {
	PS_KM_CI_LOG = 0,
	PS_KM_CI_LOGLOG,
	PS_KM_CI_PLAIN
};

/* One distinct time (event or censoring), as a row of summary(fit, censored = TRUE). */
struct ps_km_row {
	double time;
	size_t at_risk;     /* n.risk: still under observation just before time (censored at time included) */
	size_t events;
	size_t censored;
	double survival;    /* S(time), right-continuous */
	double std_err;     /* standard error of S (Greenwood): what summary.survfit prints; NAN where S = 0 */
	double se_log;      /* R's fit$std.err: standard error of log S, sqrt(sum d / (n (n - d))); Inf where S = 0 */
	double ci_lower;    /* NAN where R has NA */
	double ci_upper;
};

/* A fitted curve. rows is owned by the struct (ps_km_release). */
struct ps_km {
	struct ps_km_row *rows;
	size_t n_rows;
	size_t n;           /* observations */
	size_t n_events;
	enum ps_km_ci ci;
	double conf_level;
	const char *note;   /* NULL, or why some figures are NAN */
};

/*
 * Fit the Kaplan-Meier curve of a finished table with confidence intervals of type ci at level
 * conf_level (R's default 0.95). km is filled (rows malloc'ed, owned by km; the table is not
 * referenced afterwards). An empty table gives zero rows and a note. Returns PS_EUSAGE when
 * conf_level is not in (0, 1) or ci is unknown, PS_EINTERNAL when t is not finished,
 * PS_ENOMEM. On failure km holds nothing to release.
 */
enum ps_status ps_km_fit(const struct ps_surv_table *t, enum ps_km_ci ci, double conf_level,
			 struct ps_km *km);

/* Free km's rows (km may be zero-filled or already released). */
void ps_km_release(struct ps_km *km);

/* Survival at a requested time, as a row of summary(fit, times = ...). */
struct ps_km_point {
	double time;
	size_t at_risk;     /* at risk at time: n.risk at the first observed time >= time */
	size_t events;      /* events in (previous requested time, time] */
	size_t censored;    /* censorings in the same interval */
	double survival;    /* value of the step function at time */
	double std_err;
	double ci_lower;
	double ci_upper;
	const char *note;   /* NULL, or why figures are NAN */
};

/*
 * Evaluate the curve at n requested times (finite, >= 0, non-decreasing: events and censored
 * count what happened since the previous requested time, as R does for sorted times). Before
 * the first observed time S = 1 with std_err 0 and limits 1, as R. A time after the last
 * observed time gets NAN figures, at_risk 0 and a note (R drops such times unless extend =
 * TRUE). out[0..n) is the caller's. Returns PS_EUSAGE for a bad times array.
 */
enum ps_status ps_km_at(const struct ps_km *km, const double *times, size_t n, struct ps_km_point *out);

/* A survival-time quantile and its confidence interval; NAN where not reached. */
struct ps_km_quantile {
	double p;           /* the quantile: time where the curve falls to 1 - p (median: p = 0.5) */
	double time;
	double lower;
	double upper;
	const char *note;   /* NULL, or what was not reached */
};

/*
 * The p quantile (0 <= p <= 1) as R's quantile(fit, probs = p): the first time with
 * S <= 1 - p (within sqrt(DBL_EPSILON)); where S equals 1 - p exactly on a flat stretch, the
 * midpoint of that stretch (up to the last observed time when the stretch runs to the end).
 * The confidence interval is the same rule applied to the lower and upper limit curves.
 * Returns PS_EUSAGE for p outside [0, 1], PS_ENOMEM.
 */
enum ps_status ps_km_quantile(const struct ps_km *km, double p, struct ps_km_quantile *out);

/*
 * The median and its confidence interval as print(fit) shows them (survival:::survmean). It
 * is quantile(fit, 0.5) except where S is 0.5 on a flat stretch that runs to the last observed
 * time: print gives the start of the stretch, quantile the midpoint to the last time.
 */
enum ps_status ps_km_median(const struct ps_km *km, struct ps_km_quantile *out);

/* ---------------------------------------------------------------------------------------- */
/* Restricted mean survival time.                                                             */

struct ps_rmst {
	double tau;
	double rmst;        /* area under S from 0 to tau */
	double se;          /* survival:::survmean's standard error */
	const char *note;
};

/*
 * Restricted mean survival time up to tau and its standard error as print(fit, rmean = tau):
 * rmst = integral of S from 0 to tau; var = sum over event times t_j <= tau of
 * A_j^2 d_j / (n_j (n_j - d_j)) (a term is 0 where n_j = d_j), A_j the area under S from t_j to
 * tau. Beyond the last observed time S is carried on flat (as R does; note set). An empty
 * curve gives NAN and a note. Returns PS_EUSAGE when tau is negative or not finite.
 */
enum ps_status ps_km_rmst(const struct ps_km *km, double tau, struct ps_rmst *out);

/* The last observed time (event or censoring) of the curve; NAN when it has no rows. */
double ps_km_last_time(const struct ps_km *km);

/*
 * The default tau for comparing two groups: the smaller of the two curves' last observed times
 * (so neither curve is extrapolated). NAN when either is empty. The command applies it when
 * the user gives no tau.
 */
double ps_rmst_default_tau(const struct ps_km *a, const struct ps_km *b);

/* The difference treatment - control of two restricted means at the same tau. */
struct ps_rmst_diff {
	double diff;
	double se;          /* sqrt(se_treatment^2 + se_control^2): the groups are independent */
	double ci_lower;    /* diff -/+ z se, z the normal quantile for conf_level */
	double ci_upper;
	double z;           /* diff / se */
	double p_value;     /* two-sided normal */
	double conf_level;
	const char *note;
};

/*
 * Difference of restricted means (treatment - control) with a normal confidence interval at
 * conf_level and a two-sided p-value. Returns PS_EUSAGE when the two taus differ or conf_level
 * is not in (0, 1). A zero se gives NAN z, p and a note; the interval is then [diff, diff].
 * A NAN restricted mean (empty group) gives NAN figures and that group's note.
 */
enum ps_status ps_rmst_diff(const struct ps_rmst *treatment, const struct ps_rmst *control,
			    double conf_level, struct ps_rmst_diff *out);

#endif
