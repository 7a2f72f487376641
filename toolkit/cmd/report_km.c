/*
 * The Kaplan-Meier block of the report from the `survival` contract (a `survival` summary, or
 * `time_to_dropout` of a `retention` one): the groups' table, the hazard ratio and log-rank
 * findings, the chart with confidence bands and numbers at risk, and the table behind it.
 *
 * Under small-cell suppression the chart pools steps so that each drawn drop holds at least
 * min_cell events, and ends a curve where fewer than min_cell remain at risk (docs/report.md):
 * a drop of a few events would otherwise show how many people had the event.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_chart.h"
#include "report_sections.h"
#include "report_words.h"

/* Number at risk at time t: those whose time is t or later = at_risk of the first row at or after t. */
static long long at_risk_at(const cJSON *curve, double t)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, curve)
	{
		if (ps_rj_num(row, "time") >= t)
			return ps_rj_count(row, "at_risk");
	}
	return 0;
}

void ps_rep_km_register(struct ps_rep_km *km, struct ps_sdc *sdc, const cJSON *surv, const struct ps_rep_groups *g)
{
	memset(km, 0, sizeof(*km));
	km->surv = surv;
	const cJSON *groups = ps_rj(surv, "groups");
	double xmax = 0;
	for (int k = 0; k < 2; k++) {
		km->group[k] = ps_rj(groups, g->label[k]);
		const cJSON *row;
		cJSON_ArrayForEach(row, ps_rj(km->group[k], "curve"))
		{
			double t = ps_rj_num(row, "time");
			if (isfinite(t) && t > xmax)
				xmax = t;
		}
	}
	km->xmax = xmax;
	int has_curve = cJSON_IsArray(ps_rj(km->group[0], "curve")) && cJSON_IsArray(ps_rj(km->group[1], "curve"));
	km->nticks = has_curve ? ps_chart_ticks(xmax, km->ticks, PS_REP_MAX_TICKS) : 0;
	for (int k = 0; k < 2; k++) {
		long long n = ps_rj_count(km->group[k], "n"), e = ps_rj_count(km->group[k], "events");
		km->n[k] = ps_sdc_cell(sdc, n);
		km->events[k] = ps_sdc_cell(sdc, e);
		km->censored[k] = ps_sdc_cell(sdc, n >= 0 && e >= 0 ? n - e : -1);
		size_t parts[2] = { km->events[k], km->censored[k] };
		ps_sdc_sum(sdc, km->n[k], parts, 2);
		const cJSON *curve = ps_rj(km->group[k], "curve");
		long long value[PS_REP_MAX_TICKS];
		for (size_t i = 0; i < km->nticks; i++) {
			value[i] = at_risk_at(curve, km->ticks[i]);
			km->at_risk[k][i] = ps_sdc_cell(sdc, value[i]);
		}
		/*
		 * The people who left between any two ticks (or before one) can be worked out from
		 * two numbers at risk: each such difference is a count to protect too.
		 */
		for (size_t i = 0; i < km->nticks; i++) {
			size_t left = ps_sdc_implicit(sdc, n >= 0 && value[i] >= 0 ? n - value[i] : -1);
			size_t parts2[2] = { km->at_risk[k][i], left };
			ps_sdc_sum(sdc, km->n[k], parts2, 2);
			for (size_t j = i + 1; j < km->nticks; j++) {
				left = ps_sdc_implicit(sdc, value[i] >= 0 && value[j] >= 0 ? value[i] - value[j] : -1);
				size_t parts3[2] = { km->at_risk[k][j], left };
				ps_sdc_sum(sdc, km->at_risk[k][i], parts3, 2);
			}
		}
	}
}

/* The drawn curve: steps pooled to at least min_cell events, ended where fewer than min_cell are at risk. */
static size_t km_points(const cJSON *curve, long min_cell, struct ps_km_point *pts, size_t cap, double *end)
{
	size_t n = 0;
	pts[n++] = (struct ps_km_point){ 0, 1, 1, 1 };
	*end = 0;
	long long acc = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, curve)
	{
		double t = ps_rj_num(row, "time");
		long long at = ps_rj_count(row, "at_risk"), ev = ps_rj_count(row, "events");
		if (!isfinite(t) || at < 0 || ev < 0)
			break;
		if (min_cell > 0 && at < min_cell) {
			if (t > *end)
				*end = t;
			break;
		}
		*end = t;
		acc += ev;
		if (ev > 0 && (min_cell <= 0 || acc >= min_cell) && n < cap) {
			pts[n++] = (struct ps_km_point){ t, ps_rj_num(row, "survival"), ps_rj_num(row, "ci_lower"),
							 ps_rj_num(row, "ci_upper") };
			acc = 0;
		}
	}
	if (n > 1 && pts[1].time <= 0) {
		/* events at time 0: the curve starts below 100% */
		pts[0] = pts[1];
		pts[0].time = 0;
		memmove(&pts[1], &pts[2], (n - 2) * sizeof(*pts));
		n--;
	}
	return n;
}

/* The drawn curve's value at t (-1 when t is past its end). */
static const struct ps_km_point *value_at(const struct ps_km_point *pts, size_t n, double end, double t)
{
	if (t > end)
		return NULL;
	const struct ps_km_point *v = &pts[0];
	for (size_t i = 0; i < n && pts[i].time <= t; i++)
		v = &pts[i];
	return v;
}

static char *time_text(double t, char *buf)
{
	return ps_words_num(t, t == floor(t) ? 0 : 1, buf);
}

static void quantile_text(const cJSON *q, const char *unit, char *buf, size_t size)
{
	double est = ps_rj_num(q, "estimate");
	char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF];
	if (!isfinite(est)) {
		snprintf(buf, size, "not reached");
		return;
	}
	time_text(est, e);
	time_text(ps_rj_num(q, "ci_lower"), lo);
	time_text(ps_rj_num(q, "ci_upper"), hi);
	snprintf(buf, size, "%s %s (%s)", e, unit, ps_words_ci(ps_rj_num(q, "conf_level"), lo, hi, ci));
}

void ps_rep_km_render(struct ps_rep_km *km, struct ps_report *r, const struct ps_sdc *sdc,
		      const struct ps_rep_groups *g, const struct ps_rep_km_words *w)
{
	char c1[40], c2[40], c3[40], buf[300];
	size_t counts[6] = { km->n[0], km->events[0], km->n[1], km->events[1], km->censored[0], km->censored[1] };
	int all_known = ps_sdc_all_known(sdc, counts, 6);
	int known[2] = { ps_sdc_known(sdc, km->n[0]) && ps_sdc_known(sdc, km->events[0]),
			 ps_sdc_known(sdc, km->n[1]) && ps_sdc_known(sdc, km->events[1]) };
	const char *note = ps_rep_suppression_note(r);

	/* the hazard ratio: the headline */
	const cJSON *cox = ps_rj(km->surv, "cox");
	char finding[1400];
	if (!all_known) {
		snprintf(finding, sizeof(finding), "%s: the comparison of %s with %s is withheld (a count below %ld).", w->what,
			 g->words[0], g->words[1], r->min_cell);
	} else if (cox) {
		double hr = ps_rj_num(cox, "hazard_ratio"), p = ps_rj_num(cox, "p_value");
		char h[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF], pw[PS_WORDS_BUF], pc[PS_WORDS_BUF];
		ps_words_num(hr, 2, h);
		ps_words_num(ps_rj_num(cox, "ci_lower"), 2, lo);
		ps_words_num(ps_rj_num(cox, "ci_upper"), 2, hi);
		ps_words_ci(ps_rj_num(cox, "conf_level"), lo, hi, ci);
		ps_words_p(p, pw);
		if (!isfinite(hr))
			snprintf(finding, sizeof(finding), "%s: the hazard ratio could not be estimated (%s).", w->what,
				 ps_rj_str(cox, "note") ? ps_rj_str(cox, "note") : "not defined for these data");
		else if (ps_words_shown(p, ps_rj_num(cox, "conf_level")))
			snprintf(finding, sizeof(finding),
				 "%s: %s had a %s rate of %s than %s at any given time: hazard ratio %s (%s; %s), about %s %s.",
				 w->what, g->words[0], hr < 1 ? "lower" : "higher", w->event, g->words[1], h, ci, pw,
				 ps_words_pct(fabs(1 - hr), pc), hr < 1 ? "lower" : "higher");
		else
			snprintf(finding, sizeof(finding),
				 "%s: a difference in the rate of %s between %s and %s was not shown: hazard ratio %s (%s; %s); "
				 "the data fit a lower, an equal or a higher rate.",
				 w->what, w->event, g->words[0], g->words[1], h, ci, pw);
	} else {
		snprintf(finding, sizeof(finding), "%s: no Cox model in the summary.", w->what);
	}
	ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
	ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);

	/* groups table */
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 6, "Groups, events and medians");
	ps_rep_cell(r, t, "group");
	ps_rep_cell(r, t, "participants");
	ps_rep_cell(r, t, "%s", w->event);
	ps_rep_cell(r, t, "censored");
	ps_rep_cell(r, t, "median time to %s", w->event);
	ps_rep_cell(r, t, "restricted mean time");
	for (int k = 0; k < 2; k++) {
		ps_rep_cell(r, t, "%s", g->words[k]);
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, km->n[k], c1));
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, km->events[k], c2));
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, km->censored[k], c3));
		if (known[k]) {
			quantile_text(ps_rj(km->group[k], "median"), w->time_unit, buf, sizeof(buf));
			ps_rep_cell(r, t, "%s", buf);
			const cJSON *rm = ps_rj(km->group[k], "rmst");
			char e[PS_WORDS_BUF], tau[PS_WORDS_BUF];
			ps_rep_cell(r, t, "%s %s (up to %s)", ps_words_num(ps_rj_num(rm, "estimate"), 1, e), w->time_unit,
				    time_text(ps_rj_num(rm, "tau"), tau));
		} else {
			ps_rep_cell(r, t, "*");
			ps_rep_cell(r, t, "*");
		}
	}
	if (!all_known && note)
		ps_rep_table_note(r, t, note);

	if (all_known) {
		const cJSON *rd = ps_rj(km->surv, "rmst_difference");
		const cJSON *lr = ps_rj(ps_rj(km->surv, "tests"), "logrank");
		char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF], pw[PS_WORDS_BUF], tau[PS_WORDS_BUF];
		double est = ps_rj_num(rd, "estimate");
		ps_words_num(est, 1, e);
		ps_words_num(ps_rj_num(rd, "ci_lower"), 1, lo);
		ps_words_num(ps_rj_num(rd, "ci_upper"), 1, hi);
		ps_words_ci(ps_rj_num(rd, "conf_level"), lo, hi, ci);
		ps_words_p(ps_rj_num(rd, "p_value"), pw);
		time_text(ps_rj_num(rd, "tau"), tau);
		char ae[PS_WORDS_BUF];
		if (ps_words_shown(ps_rj_num(rd, "p_value"), ps_rj_num(rd, "conf_level")))
			ps_rep_add(r, &r->body, PS_REP_PARA,
				   "Over the first %s %s, %s went on average %s %s %s without %s than %s (difference %s, %s; %s).",
				   tau, w->time_unit, g->words[0], ps_words_num(fabs(est), 1, ae), w->time_unit,
				   est > 0 ? "longer" : "less long", w->event, g->words[1], e, ci, pw);
		else
			ps_rep_add(r, &r->body, PS_REP_PARA,
				   "Over the first %s %s, a difference in the average time without %s was not shown "
				   "(%s minus %s: %s %s, %s; %s).",
				   tau, w->time_unit, w->event, g->words[0], g->words[1], e, w->time_unit, ci, pw);
		ps_words_p(ps_rj_num(lr, "p_value"), pw);
		ps_rep_add(r, &r->body, PS_REP_PARA, "The log-rank test of equal curves gives %s%s.", pw,
			   ps_rj_str(lr, "strata") ? " (stratified)" : "");
		const cJSON *ph = ps_rj(ps_rj(cox, "proportional_hazards"), "group");
		double php = ps_rj_num(ph, "p_value");
		if (isfinite(php)) {
			ps_words_p(php, pw);
			ps_rep_add(r, &r->body, PS_REP_PARA, "%s",
				   php < 0.05 ? "The hazard ratio may change over time (test of proportional hazards: see the "
						"methods); read it as an average over follow-up."
					      : "The test of proportional hazards found no sign that the hazard ratio changes over "
						"time.");
		}
	}

	/* the chart and its table */
	if (km->nticks == 0) {
		ps_rep_add(r, &r->body, PS_REP_PARA,
			   "No Kaplan-Meier curve in the summary (it was made with --no-curve): no chart.");
		return;
	}
	struct ps_km_point *pts[2] = { NULL, NULL };
	struct ps_km_line lines[2];
	char withheld[2][240];
	for (int k = 0; k < 2; k++) {
		const cJSON *curve = ps_rj(km->group[k], "curve");
		size_t cap = (size_t)cJSON_GetArraySize(curve) + 2;
		pts[k] = malloc(cap * sizeof(**pts));
		if (!pts[k]) {
			r->failed = 1;
			free(pts[0]);
			return;
		}
		lines[k].name = g->words[k];
		lines[k].points = pts[k];
		lines[k].npoints = km_points(curve, r->min_cell, pts[k], cap, &lines[k].end);
		lines[k].withheld = NULL;
		if (!known[k]) {
			snprintf(withheld[k], sizeof(withheld[k]), "%s: curve withheld (a count below %ld)", g->words[k],
				 r->min_cell);
			lines[k].withheld = withheld[k];
		}
	}
	const char *at_risk[2 * PS_REP_MAX_TICKS];
	char at_text[2 * PS_REP_MAX_TICKS][40];
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < km->nticks; i++) {
			ps_sdc_text(sdc, km->at_risk[k][i], at_text[k * km->nticks + i]);
			at_risk[k * km->nticks + i] = at_text[k * km->nticks + i];
		}
	/* the text alternative and the table behind the chart, from the same values */
	double conf = ps_rj_num(ps_rj(km->surv, "options"), "conf_level");
	char desc[2000];
	size_t dl = (size_t)snprintf(desc, sizeof(desc),
				     "Kaplan-Meier curves: the share %s over %s, with shaded confidence bands.", w->still,
				     w->time_unit);
	for (size_t i = 0; i < km->nticks; i++) {
		if (i != km->nticks / 2 && i + 1 != km->nticks)
			continue;
		for (int k = 0; k < 2; k++) {
			const struct ps_km_point *v = known[k] ? value_at(pts[k], lines[k].npoints, lines[k].end, km->ticks[i]) : NULL;
			char tt[PS_WORDS_BUF], sv[PS_WORDS_BUF];
			if (v && dl < sizeof(desc) - 200)
				dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " At %s %s: %s %s.", time_text(km->ticks[i], tt),
						       w->time_unit, g->words[k], ps_words_pct(v->surv, sv));
		}
	}
	if (!known[0] || !known[1])
		dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " A curve from a group with a count below %ld is not drawn.",
				       r->min_cell);
	char chart_note[300];
	const char *cn = NULL;
	if (r->min_cell > 0) {
		snprintf(chart_note, sizeof(chart_note),
			 "Small numbers hidden: each drawn drop holds at least %ld events; a curve ends where fewer than %ld "
			 "remain at risk.",
			 r->min_cell, r->min_cell);
		cn = chart_note;
	}
	char title[600];
	snprintf(title, sizeof(title), "%s: the share %s, %s and %s (Kaplan-Meier)", w->what, w->still, g->words[0],
		 g->words[1]);
	int fig = ps_rep_next_figure(r);
	char ylabel[120];
	snprintf(ylabel, sizeof(ylabel), "Share %s", w->still);
	ps_rep_figure(r, &r->body,
		      ps_chart_km(fig, title, desc, lines, 2, km->xmax, km->ticks, km->nticks, w->xlabel, ylabel, at_risk, cn),
		      title, desc);
	struct ps_rep_table *t2 = ps_rep_table(r, &r->body, 5, "Numbers at risk and the share of each group as drawn");
	ps_rep_cell(r, t2, "%s", w->time_unit);
	ps_rep_cell(r, t2, "%s at risk", g->words[0]);
	ps_rep_cell(r, t2, "%s %s", g->words[0], w->still);
	ps_rep_cell(r, t2, "%s at risk", g->words[1]);
	ps_rep_cell(r, t2, "%s %s", g->words[1], w->still);
	for (size_t i = 0; i < km->nticks; i++) {
		char tt[PS_WORDS_BUF];
		ps_rep_cell(r, t2, "%s", time_text(km->ticks[i], tt));
		for (int k = 0; k < 2; k++) {
			const struct ps_km_point *v = known[k] ? value_at(pts[k], lines[k].npoints, lines[k].end, km->ticks[i]) : NULL;
			ps_rep_cell(r, t2, "%s", at_text[k * km->nticks + i]);
			if (v) {
				char sv[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF];
				ps_words_pct(v->surv, sv);
				ps_words_pct(v->lower, lo);
				ps_words_pct(v->upper, hi);
				ps_rep_cell(r, t2, "%s (%s)", sv, ps_words_ci(conf, lo, hi, ci));
			} else {
				ps_rep_cell(r, t2, "%s", known[k] ? "not drawn" : "*");
			}
		}
	}
	if (cn)
		ps_rep_table_note(r, t2, cn);
	free(pts[0]);
	free(pts[1]);
}
