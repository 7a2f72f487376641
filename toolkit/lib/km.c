/*
 * Kaplan-Meier curves, quantiles and restricted means, following R's survival package 3.5-3
 * line by line where R's rules are particular (survfit_confint, findq, survmean's minmin and
 * pfun). See include/peerstat/km.h and docs/methods.md.
 */
#include "peerstat/km.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* Smallest buffer; also the bound on capacity for tables with few distinct times. */
#define TABLE_MIN_CAPACITY 64

/* ---------------------------------------------------------------------------------------- */
/* The accumulator                                                                            */

void ps_surv_table_init(struct ps_surv_table *t)
{
	memset(t, 0, sizeof(*t));
	t->finished = 1;   /* an empty table is trivially sorted */
}

void ps_surv_table_release(struct ps_surv_table *t)
{
	free(t->rows);
	free(t->hint);
	ps_surv_table_init(t);
}

static int count_cmp(const void *a, const void *b)
{
	double x = ((const struct ps_surv_count *)a)->time;
	double y = ((const struct ps_surv_count *)b)->time;
	return (x > y) - (x < y);
}

/* Sort and merge equal times in place. */
static void collapse(struct ps_surv_table *t)
{
	if (t->finished)
		return;
	qsort(t->rows, t->n_rows, sizeof(*t->rows), count_cmp);
	size_t w = 0;
	for (size_t r = 0; r < t->n_rows; r++) {
		if (w > 0 && t->rows[w - 1].time == t->rows[r].time) {
			t->rows[w - 1].n_event += t->rows[r].n_event;
			t->rows[w - 1].n_censor += t->rows[r].n_censor;
		} else {
			t->rows[w++] = t->rows[r];
		}
	}
	t->n_rows = w;
	t->n_sorted = w;
	t->finished = 1;
}

/*
 * Make room for one more entry: collapse first, and grow only when collapsing left the buffer
 * more than half full, so that capacity stays within 4 x distinct times (or the minimum).
 */
static enum ps_status make_room(struct ps_surv_table *t)
{
	if (t->n_rows < t->capacity)
		return PS_OK;
	collapse(t);
	if (t->capacity > 0 && t->n_rows <= t->capacity / 2)
		return PS_OK;
	size_t cap = t->capacity ? 2 * t->capacity : TABLE_MIN_CAPACITY;
	if (cap > ((size_t)-1) / sizeof(*t->rows))
		return PS_ENOMEM;
	struct ps_surv_count *rows = realloc(t->rows, cap * sizeof(*rows));
	if (!rows)
		return PS_ENOMEM;
	t->rows = rows;
	t->capacity = cap;
	return PS_OK;
}

/* Tables that have counted this many rows get a hint cache (HINT_SLOTS entries). */
#define HINT_MIN_OBS 4096
#define HINT_BITS 10

static size_t hint_slot(double time)
{
	uint64_t u;
	memcpy(&u, &time, sizeof(u));
	u ^= u >> 31;   /* times often differ in their high bits only */
	u *= UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(u >> (64 - HINT_BITS));
}

/*
 * The entry of time in the sorted prefix rows[0..n_sorted), or NULL. Large tables first try
 * the hint: the position where this time's hash last led, right when that entry holds the time
 * (entries are distinct, so a stale position can only miss). Else a search that halves a
 * window without branching on the comparison (a conditional move), since random times would
 * mispredict every step.
 */
static struct ps_surv_count *find_sorted(struct ps_surv_table *t, double time)
{
	size_t len = t->n_sorted;
	if (len == 0)
		return NULL;
	size_t h = 0;
	if (t->hint) {
		h = hint_slot(time);
		size_t i = t->hint[h];
		if (i < len && t->rows[i].time == time)
			return &t->rows[i];
	} else if (t->n_obs >= HINT_MIN_OBS) {
		/* a cache only: without memory for it the search below still answers */
		t->hint = calloc((size_t)1 << HINT_BITS, sizeof(*t->hint));
		h = hint_slot(time);
	}
	struct ps_surv_count *base = t->rows;
	while (len > 1) {
		size_t half = len / 2;
		base = base[half - 1].time < time ? base + half : base;
		len -= half;
	}
	if (base->time != time)
		return NULL;
	if (t->hint)
		t->hint[h] = (size_t)(base - t->rows);
	return base;
}

/*
 * Count n_event events and n_censor censorings at time. A time already in the sorted prefix
 * is counted there (the common case: many rows, few distinct times); a new one is appended,
 * and the prefix grows with it when it comes after the last time (input sorted by time).
 * Counts are integers, so where a row is counted never changes the table.
 */
static enum ps_status add_count(struct ps_surv_table *t, double time, size_t n_event, size_t n_censor)
{
	struct ps_surv_count *c = find_sorted(t, time);
	if (!c) {
		size_t before = t->n_sorted;
		enum ps_status st = make_room(t);
		if (st != PS_OK)
			return st;
		if (t->n_sorted != before)
			c = find_sorted(t, time);   /* the collapse may have brought time into the prefix */
	}
	if (c) {
		c->n_event += n_event;
		c->n_censor += n_censor;
	} else {
		c = &t->rows[t->n_rows];
		c->time = time;
		c->n_event = n_event;
		c->n_censor = n_censor;
		if (t->n_sorted == t->n_rows && (t->n_rows == 0 || t->rows[t->n_rows - 1].time < time))
			t->n_sorted++;
		t->n_rows++;
		t->finished = t->n_sorted == t->n_rows;
	}
	t->n_obs += n_event + n_censor;
	t->n_events += n_event;
	return PS_OK;
}

enum ps_status ps_surv_table_add(struct ps_surv_table *t, double time, double event)
{
	if (!isfinite(time) || time < 0)
		return PS_EDATA;
	if (event != 0 && event != 1)
		return PS_EDATA;
	/* + 0.0 turns -0 into +0, so that the two are one distinct time */
	return add_count(t, time + 0.0, event == 1, event == 0);
}

enum ps_status ps_surv_table_merge(struct ps_surv_table *dst, const struct ps_surv_table *src)
{
	if (dst == src)
		return PS_EINTERNAL;
	for (size_t i = 0; i < src->n_rows; i++) {
		enum ps_status st = add_count(dst, src->rows[i].time, src->rows[i].n_event, src->rows[i].n_censor);
		if (st != PS_OK)
			return st;
	}
	return PS_OK;
}

enum ps_status ps_surv_table_finish(struct ps_surv_table *t)
{
	collapse(t);
	return PS_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Kaplan-Meier                                                                               */

static const char NOTE_EMPTY[] = "no observations";
static const char NOTE_ZERO[] = "survival reaches 0: standard error and confidence limits undefined there";
static const char NOTE_NO_EVENTS[] = "no events: survival stays 1";
static const char NOTE_BEYOND[] = "time after the last observation: survival not estimated";
static const char NOTE_Q_NOT_REACHED[] = "survival does not fall to 1 - p within follow-up";
static const char NOTE_Q_CI[] = "a confidence limit of the quantile is not reached within follow-up";
static const char NOTE_RMST_EXTEND[] = "tau after the last observation: survival carried on flat to tau";
static const char NOTE_RMST_SE_ZERO[] = "zero standard error: no events before tau";

/* R: qnorm(1 - (1 - conf.int)/2), written the same way */
static double z_for(double conf_level)
{
	return gsl_cdf_ugaussian_Pinv(1 - (1 - conf_level) / 2);
}

/* R's pmin/pmax propagate NA; fmin/fmax would drop it */
static double rmin(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return a < b ? a : b;
}

static double rmax(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return a > b ? a : b;
}

/*
 * survival:::survfit_confint(p, se, logse = TRUE, conf.type, conf.int, selow = se) for one
 * point. se is the standard error of log S. selow equals se (conf.lower = "usual"), so R's
 * scale factor is 1, except that Inf/Inf gives NaN: kept so that NA falls where R's does.
 */
static void confint(double p, double se, enum ps_km_ci ci, double z, double *lower, double *upper)
{
	double scale = se == 0 ? 1 : se / se;
	switch (ci) {
	case PS_KM_CI_PLAIN: {
		double se2 = se * p * z;
		*lower = rmax(p - se2 * scale, 0);
		*upper = rmin(p + se2, 1);
		break;
	}
	case PS_KM_CI_LOG: {
		if (p == 0) {
			*lower = *upper = NAN;
			break;
		}
		double se2 = z * se;
		*lower = exp(log(p) - se2 * scale);
		*upper = rmin(exp(log(p) + se2), 1);
		break;
	}
	case PS_KM_CI_LOGLOG: {
		if (p == 0 || p == 1) {
			*lower = *upper = NAN;
			break;
		}
		double se2 = z * se / log(p);
		*lower = exp(-exp(log(-log(p)) - se2 * scale));
		*upper = exp(-exp(log(-log(p)) + se2));
		break;
	}
	}
}

enum ps_status ps_km_fit(const struct ps_surv_table *t, enum ps_km_ci ci, double conf_level, struct ps_km *km)
{
	memset(km, 0, sizeof(*km));
	if (!(conf_level > 0 && conf_level < 1))
		return PS_EUSAGE;
	if (ci != PS_KM_CI_LOG && ci != PS_KM_CI_LOGLOG && ci != PS_KM_CI_PLAIN)
		return PS_EUSAGE;
	if (!t->finished)
		return PS_EINTERNAL;
	km->ci = ci;
	km->conf_level = conf_level;
	km->n = t->n_obs;
	km->n_events = t->n_events;
	if (t->n_rows == 0) {
		km->note = NOTE_EMPTY;
		return PS_OK;
	}
	km->rows = malloc(t->n_rows * sizeof(*km->rows));
	if (!km->rows)
		return PS_ENOMEM;
	km->n_rows = t->n_rows;

	double z = z_for(conf_level);
	size_t at_risk = t->n_obs;
	double s = 1, green = 0;
	for (size_t i = 0; i < t->n_rows; i++) {
		const struct ps_surv_count *c = &t->rows[i];
		struct ps_km_row *r = &km->rows[i];
		double n = (double)at_risk, d = (double)c->n_event;
		if (c->n_event > 0) {
			s *= (n - d) / n;
			/* d / 0 = Inf where everyone left dies: R's std.err is Inf there too */
			green += d / (n * (n - d));
		}
		r->time = c->time;
		r->at_risk = at_risk;
		r->events = c->n_event;
		r->censored = c->n_censor;
		r->survival = s;
		r->se_log = sqrt(green);
		/* summary.survfit: std.err * surv, and Inf * 0 is NaN there as here */
		r->std_err = r->se_log * s;
		confint(s, r->se_log, ci, z, &r->ci_lower, &r->ci_upper);
		at_risk -= c->n_event + c->n_censor;
	}
	if (s == 0)
		km->note = NOTE_ZERO;
	else if (t->n_events == 0)
		km->note = NOTE_NO_EVENTS;
	return PS_OK;
}

void ps_km_release(struct ps_km *km)
{
	free(km->rows);
	km->rows = NULL;
	km->n_rows = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Survival at requested times: summary(fit, times = ...)                                      */

enum ps_status ps_km_at(const struct ps_km *km, const double *times, size_t n, struct ps_km_point *out)
{
	for (size_t j = 0; j < n; j++) {
		if (!isfinite(times[j]) || times[j] < 0 || (j > 0 && times[j] < times[j - 1]))
			return PS_EUSAGE;
	}
	/*
	 * One walk over the rows: idx = number of rows with time <= t (R's findInterval on the curve
	 * with a row at time 0 prepended by survfit0, whose survival and limits are 1 and whose
	 * std.err is 0); cumulated events and censorings give the counts between requested times.
	 */
	size_t idx = 0, cum_event = 0, cum_censor = 0, prev_event = 0, prev_censor = 0;
	double last = ps_km_last_time(km);
	for (size_t j = 0; j < n; j++) {
		struct ps_km_point *o = &out[j];
		double t = times[j];
		memset(o, 0, sizeof(*o));
		o->time = t;
		if (km->n_rows == 0 || t > last) {
			o->survival = o->std_err = o->ci_lower = o->ci_upper = NAN;
			o->note = km->n_rows == 0 ? NOTE_EMPTY : NOTE_BEYOND;
			continue;
		}
		while (idx < km->n_rows && km->rows[idx].time <= t) {
			cum_event += km->rows[idx].events;
			cum_censor += km->rows[idx].censored;
			idx++;
		}
		/* at risk: n.risk at the first row with time >= t */
		size_t first_ge = idx;
		if (idx > 0 && km->rows[idx - 1].time == t)
			first_ge = idx - 1;
		o->at_risk = first_ge < km->n_rows ? km->rows[first_ge].at_risk : 0;
		o->events = cum_event - prev_event;
		o->censored = cum_censor - prev_censor;
		prev_event = cum_event;
		prev_censor = cum_censor;
		if (idx == 0) {
			o->survival = o->ci_lower = o->ci_upper = 1;
			/* survfit0's prepended row has limits 1 whatever the conf.type (even log-log) */
			o->std_err = 0;
			continue;
		}
		const struct ps_km_row *r = &km->rows[idx - 1];
		o->survival = r->survival;
		o->std_err = r->std_err;
		o->ci_lower = r->ci_lower;
		o->ci_upper = r->ci_upper;
		if (isnan(r->std_err))
			o->note = NOTE_ZERO;
	}
	return PS_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Quantiles                                                                                  */

struct yi {
	double y;
	size_t i;
};

/* by value, NA last, then by position: the first of equal values comes first */
static int yi_cmp(const void *a, const void *b)
{
	const struct yi *p = a, *q = b;
	int pn = isnan(p->y), qn = isnan(q->y);
	if (pn != qn)
		return pn - qn;
	if (!pn && p->y != q->y)
		return (p->y > q->y) - (p->y < q->y);
	return (p->i > q->i) - (p->i < q->i);
}

/*
 * Index (into u) of R's approx(u + shift, seq_along(u), p, method = "constant", f = 1)$y over
 * the non-NA u: the entry with the smallest key u + shift that is >= p, provided p lies within
 * [min key, max key]; otherwise -1 (NA). Keys are computed as R does (u + shift in double).
 */
static long approx_index(const double *u, size_t m, double shift, double p)
{
	long best = -1;
	double best_key = 0, kmin = INFINITY, kmax = -INFINITY;
	for (size_t j = 0; j < m; j++) {
		if (isnan(u[j]))
			continue;
		double key = u[j] + shift;
		if (key < kmin)
			kmin = key;
		if (key > kmax)
			kmax = key;
		if (key >= p && (best < 0 || key < best_key)) {
			best = (long)j;
			best_key = key;
		}
	}
	if (p < kmin || p > kmax)
		return -1;
	return best;
}

/*
 * survival:::findq(x, y, p, tol) for one p, where x = c(0, time) and y = c(0, 1 - curve).
 * ux, uy, order and dup are scratch arrays of n entries.
 */
static double findq(const double *x, const double *y, size_t n, double p, double tol,
		    double *ux, double *uy, struct yi *order, unsigned char *dup)
{
	double ymax = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (!isnan(y[i]) && y[i] > ymax)
			ymax = y[i];
	if (ymax < p)
		return NAN;
	double xmax = x[n - 1];
	/*
	 * R's duplicated(y): drop repeated values (NA equals NA), keeping the first, so that x is
	 * where each level is first reached. Found by sorting, as the limit curves need not be
	 * monotone.
	 */
	for (size_t i = 0; i < n; i++) {
		order[i].y = y[i];
		order[i].i = i;
	}
	qsort(order, n, sizeof(*order), yi_cmp);
	memset(dup, 0, n);
	for (size_t k = 1; k < n; k++) {
		int same = (isnan(order[k].y) && isnan(order[k - 1].y)) || order[k].y == order[k - 1].y;
		if (same)
			dup[order[k].i] = 1;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (dup[i])
			continue;
		ux[m] = x[i];
		uy[m] = y[i];
		m++;
	}
	long i1 = approx_index(uy, m, tol, p);
	long i2 = approx_index(uy, m, -tol, p);
	double q = (i1 < 0 || i2 < 0) ? NAN : (ux[i1] + ux[i2]) / 2;
	if (p == 0)
		q = ux[0];
	if (!isnan(uy[m - 1]) && fabs(p - uy[m - 1]) < tol)
		q = i1 < 0 ? NAN : (ux[i1] + xmax) / 2;
	return q;
}

enum ps_status ps_km_quantile(const struct ps_km *km, double p, struct ps_km_quantile *out)
{
	memset(out, 0, sizeof(*out));
	out->p = p;
	if (!(p >= 0 && p <= 1))
		return PS_EUSAGE;
	if (km->n_rows == 0) {
		out->time = out->lower = out->upper = NAN;
		out->note = NOTE_EMPTY;
		return PS_OK;
	}
	size_t n = km->n_rows + 1;
	double *buf = malloc(4 * n * sizeof(*buf));
	struct yi *order = malloc(n * sizeof(*order));
	unsigned char *dup = malloc(n);
	if (!buf || !order || !dup) {
		free(buf);
		free(order);
		free(dup);
		return PS_ENOMEM;
	}
	double *x = buf, *y = buf + n, *ux = buf + 2 * n, *uy = buf + 3 * n;
	double tol = sqrt(DBL_EPSILON);
	/* quantile.survfit: firstx = 0 (no start.time), the curves as 1 - value with 0 at time 0 */
	x[0] = 0;
	y[0] = 0;
	for (size_t i = 0; i < km->n_rows; i++)
		x[i + 1] = km->rows[i].time;

	for (size_t i = 0; i < km->n_rows; i++)
		y[i + 1] = 1 - km->rows[i].survival;
	out->time = findq(x, y, n, p, tol, ux, uy, order, dup);
	/* doquant: the lower limit of the quantile comes from the lower curve */
	for (size_t i = 0; i < km->n_rows; i++)
		y[i + 1] = 1 - km->rows[i].ci_lower;
	out->lower = findq(x, y, n, p, tol, ux, uy, order, dup);
	for (size_t i = 0; i < km->n_rows; i++)
		y[i + 1] = 1 - km->rows[i].ci_upper;
	out->upper = findq(x, y, n, p, tol, ux, uy, order, dup);
	free(buf);
	free(order);
	free(dup);

	if (isnan(out->time))
		out->note = NOTE_Q_NOT_REACHED;
	else if (isnan(out->lower) || isnan(out->upper))
		out->note = NOTE_Q_CI;
	return PS_OK;
}

/* survival:::survmean's minmin(y, x): the first time the curve y is below 0.5 (with tolerance) */
static double minmin(const struct ps_km *km, int which)
{
	const double tol = sqrt(DBL_EPSILON);
	long first = -1;
	double y1 = 0;
	for (size_t i = 0; i < km->n_rows; i++) {
		const struct ps_km_row *r = &km->rows[i];
		double y = which == 0 ? r->survival : which < 0 ? r->ci_lower : r->ci_upper;
		if (isnan(y) || !(y < 0.5 + tol))
			continue;
		if (first < 0) {
			first = (long)i;
			y1 = y;
			if (!(fabs(y1 - 0.5) < tol))
				return r->time;
			continue;
		}
		/* S is 0.5 on a flat stretch: midpoint to where it falls below */
		if (y < y1)
			return (km->rows[first].time + r->time) / 2;
	}
	return first < 0 ? NAN : km->rows[first].time;
}

enum ps_status ps_km_median(const struct ps_km *km, struct ps_km_quantile *out)
{
	memset(out, 0, sizeof(*out));
	out->p = 0.5;
	out->time = minmin(km, 0);
	out->lower = minmin(km, -1);
	out->upper = minmin(km, 1);
	if (km->n_rows == 0)
		out->note = NOTE_EMPTY;
	else if (isnan(out->time))
		out->note = NOTE_Q_NOT_REACHED;
	else if (isnan(out->lower) || isnan(out->upper))
		out->note = NOTE_Q_CI;
	return PS_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Restricted mean                                                                            */

double ps_km_last_time(const struct ps_km *km)
{
	return km->n_rows ? km->rows[km->n_rows - 1].time : NAN;
}

double ps_rmst_default_tau(const struct ps_km *a, const struct ps_km *b)
{
	double ta = ps_km_last_time(a), tb = ps_km_last_time(b);
	if (isnan(ta) || isnan(tb))
		return NAN;
	return ta < tb ? ta : tb;
}

/*
 * survival:::survmean's pfun with end.time = tau and start.time = 0:
 *   keep = time <= tau; temptime = c(time[keep], tau); tempsurv = c(surv[keep], last kept);
 *   rectangles = diff(c(0, temptime)) * c(1, tempsurv[-n]); mean = sum(rectangles)
 *   hh = d / (n (n - d)) (0 where n = d); var = sum_j hh_j (sum of rectangles after row j)^2
 * The sums run in R's order (areas accumulated from tau backwards).
 */
enum ps_status ps_km_rmst(const struct ps_km *km, double tau, struct ps_rmst *out)
{
	memset(out, 0, sizeof(*out));
	out->tau = tau;
	if (!isfinite(tau) || tau < 0)
		return PS_EUSAGE;
	if (km->n_rows == 0) {
		out->rmst = out->se = NAN;
		out->note = NOTE_EMPTY;
		return PS_OK;
	}
	size_t keep = 0;
	while (keep < km->n_rows && km->rows[keep].time <= tau)
		keep++;
	/* rectangle k (k = 0..keep) spans [t_{k-1}, t_k) with t_{-1} = 0 and t_keep = tau */
	double mean = 0;
	for (size_t k = 0; k <= keep; k++) {
		double lo = k == 0 ? 0 : km->rows[k - 1].time;
		double hi = k == keep ? tau : km->rows[k].time;
		double s = k == 0 ? 1 : km->rows[k - 1].survival;
		mean += (hi - lo) * s;
	}
	/* backwards: after row j (0-based, j < keep) lie rectangles j+1..keep */
	double area = 0, var = 0;
	for (size_t k = keep; k >= 1; k--) {
		double lo = km->rows[k - 1].time;
		double hi = k == keep ? tau : km->rows[k].time;
		area += (hi - lo) * km->rows[k - 1].survival;
		const struct ps_km_row *r = &km->rows[k - 1];
		double n = (double)r->at_risk, d = (double)r->events;
		double hh = r->at_risk == r->events ? 0 : d / (n * (n - d));
		var += area * area * hh;
	}
	out->rmst = mean;
	out->se = sqrt(var);
	if (tau > ps_km_last_time(km))
		out->note = NOTE_RMST_EXTEND;
	return PS_OK;
}

enum ps_status ps_rmst_diff(const struct ps_rmst *treatment, const struct ps_rmst *control,
			    double conf_level, struct ps_rmst_diff *out)
{
	memset(out, 0, sizeof(*out));
	out->conf_level = conf_level;
	if (!(conf_level > 0 && conf_level < 1) || treatment->tau != control->tau)
		return PS_EUSAGE;
	double z = z_for(conf_level);
	out->diff = treatment->rmst - control->rmst;
	out->se = sqrt(treatment->se * treatment->se + control->se * control->se);
	out->ci_lower = out->diff - z * out->se;
	out->ci_upper = out->diff + z * out->se;
	/* a NAN input (an empty group) propagates; its note says why */
	const char *inherited = treatment->note ? treatment->note : control->note;
	if (out->se > 0) {
		out->z = out->diff / out->se;
		out->p_value = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
		out->note = inherited;
	} else {
		out->z = out->p_value = NAN;
		if (isnan(out->se) || isnan(out->diff))
			out->note = isnan(treatment->rmst) ? treatment->note : control->note;
		else
			out->note = NOTE_RMST_SE_ZERO;
		if (!out->note)
			out->note = inherited;
	}
	return PS_OK;
}
