/*
 * The report's section for an `isolation` summary: change in the isolation score by wave per
 * cohort (chart with interval bars, table), the difference in change adjusted for baseline
 * (ANCOVA) as the headline, the minimal important change when given, follow-up against the
 * 80% target (attrition), methods.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_chart.h"
#include "report_sections.h"
#include "report_words.h"

#define MAX_WAVES 16
#define FOLLOW_UP_TARGET 0.8

struct wave {
	const cJSON *json;
	const char *label;
	size_t participants[2], n_baseline[2], followed[2], missing[2], no_row[2], no_score[2], no_baseline[2];
	struct ps_rep_binary mcid;
	int has_mcid;
};

struct isolation {
	size_t rows, rejected;
	struct wave waves[MAX_WAVES];
	size_t nwaves;
};

static void register_all(struct isolation *x, struct ps_sdc *sdc, const cJSON *root, const struct ps_rep_groups *g)
{
	const cJSON *input = ps_rj(root, "input");
	x->rows = ps_sdc_cell(sdc, ps_rj_count(input, "rows"));
	x->rejected = ps_sdc_cell(sdc, ps_rj_count(input, "rejected_rows"));
	const cJSON *w;
	cJSON_ArrayForEach(w, ps_rj(root, "waves"))
	{
		if (x->nwaves == MAX_WAVES)
			break;
		struct wave *v = &x->waves[x->nwaves];
		v->json = w;
		v->label = ps_rj_str(w, "wave") ? ps_rj_str(w, "wave") : "?";
		for (int k = 0; k < 2; k++) {
			const cJSON *c = ps_rj(ps_rj(w, "cohorts"), g->label[k]);
			/* printed: the pairs and those with a baseline score; the rest can be worked out */
			v->participants[k] = ps_sdc_implicit(sdc, ps_rj_count(c, "participants"));
			v->n_baseline[k] = ps_sdc_cell(sdc, ps_rj_count(c, "n_baseline"));
			v->followed[k] = ps_sdc_cell(sdc, ps_rj_count(c, "n_followed"));
			v->missing[k] = ps_sdc_implicit(sdc, ps_rj_count(c, "n_missing"));
			v->no_row[k] = ps_sdc_implicit(sdc, ps_rj_count(c, "missing_no_row"));
			v->no_score[k] = ps_sdc_implicit(sdc, ps_rj_count(c, "missing_no_score"));
			v->no_baseline[k] = ps_sdc_implicit(sdc, ps_rj_count(c, "no_baseline_score"));
			size_t p1[2] = { v->n_baseline[k], v->no_baseline[k] };
			ps_sdc_sum(sdc, v->participants[k], p1, 2);
			size_t p2[2] = { v->followed[k], v->missing[k] };
			ps_sdc_sum(sdc, v->n_baseline[k], p2, 2);
			size_t p3[2] = { v->no_row[k], v->no_score[k] };
			ps_sdc_sum(sdc, v->missing[k], p3, 2);
			if (x->nwaves) {
				/* the cohort and its baseline are the same at every wave */
				size_t same[1] = { x->waves[0].participants[k] };
				ps_sdc_sum(sdc, v->participants[k], same, 1);
				size_t same2[1] = { x->waves[0].n_baseline[k] };
				ps_sdc_sum(sdc, v->n_baseline[k], same2, 1);
			}
		}
		const cJSON *mcid = ps_rj(w, "mcid");
		v->has_mcid = cJSON_IsObject(mcid);
		if (v->has_mcid) {
			ps_rep_binary_register(&v->mcid, sdc, mcid, g, v->participants);
			for (int k = 0; k < 2; k++) {
				size_t same[1] = { v->followed[k] };
				ps_sdc_sum(sdc, v->mcid.n[k], same, 1);
			}
		}
		x->nwaves++;
	}
}

static int wave_known(const struct ps_sdc *sdc, const struct wave *v, int k)
{
	return ps_sdc_known(sdc, v->followed[k]);
}

static char *change_text(const cJSON *c, char *buf, size_t size)
{
	char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF];
	ps_words_num(ps_rj_num(c, "change_mean"), 2, e);
	ps_words_num(ps_rj_num(c, "change_ci_lower"), 2, lo);
	ps_words_num(ps_rj_num(c, "change_ci_upper"), 2, hi);
	snprintf(buf, size, "%s (%s)", e, ps_words_ci(ps_rj_num(c, "conf_level"), lo, hi, ci));
	return buf;
}

static char *diff_text(const cJSON *x, char *buf, size_t size, double *p_out)
{
	char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF], p[PS_WORDS_BUF];
	double padj = ps_rj_num(x, "p_value_adjusted"), pv = isfinite(padj) ? padj : ps_rj_num(x, "p_value");
	ps_words_num(ps_rj_num(x, "estimate"), 2, e);
	ps_words_num(ps_rj_num(x, "ci_lower"), 2, lo);
	ps_words_num(ps_rj_num(x, "ci_upper"), 2, hi);
	snprintf(buf, size, "%s (%s; %s%s)", e, ps_words_ci(ps_rj_num(x, "conf_level"), lo, hi, ci), ps_words_p(pv, p),
		 isfinite(padj) ? ", adjusted across waves" : "");
	if (p_out)
		*p_out = pv;
	return buf;
}

static void change_by_wave(struct ps_report *r, const struct ps_sdc *sdc, const struct isolation *x,
			   const struct ps_rep_groups *g, const cJSON *options)
{
	if (x->nwaves == 0)
		return;
	const char *cats[MAX_WAVES];
	struct ps_ci_point pts[MAX_WAVES * 2];
	char withheld[80], desc[3000];
	snprintf(withheld, sizeof(withheld), "withheld (<%ld)", r->min_cell);
	size_t dl = (size_t)snprintf(desc, sizeof(desc),
				     "Mean change in the isolation score from baseline to each follow-up wave, per cohort, with "
				     "confidence intervals; below zero is less isolated.");
	double lo = 0, hi = 0;
	int any_withheld = 0;
	for (size_t i = 0; i < x->nwaves; i++) {
		const struct wave *v = &x->waves[i];
		cats[i] = v->label;
		for (int k = 0; k < 2; k++) {
			const cJSON *c = ps_rj(ps_rj(v->json, "cohorts"), g->label[k]);
			struct ps_ci_point *p = &pts[i * 2 + (size_t)k];
			int known = wave_known(sdc, v, k);
			p->estimate = ps_rj_num(c, "change_mean");
			p->lower = ps_rj_num(c, "change_ci_lower");
			p->upper = ps_rj_num(c, "change_ci_upper");
			p->withheld = known ? NULL : withheld;
			any_withheld |= !known;
			if (!known)
				continue;
			if (isfinite(p->lower) && p->lower < lo)
				lo = p->lower;
			if (isfinite(p->upper) && p->upper > hi)
				hi = p->upper;
			char e[PS_WORDS_BUF];
			if (dl < sizeof(desc) - 300)
				dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " %s, %s: %s.", v->label, g->words[k],
						       ps_words_num(p->estimate, 2, e));
		}
	}
	if (any_withheld)
		dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " Some groups are not drawn: a count below %ld would show through.",
				       r->min_cell);
	/* a whole-number axis around zero */
	lo = floor(lo);
	hi = ceil(hi);
	if (hi - lo < 1)
		hi = lo + 1;
	const char *series[2] = { g->words[0], g->words[1] };
	char title[600];
	snprintf(title, sizeof(title), "Isolation: change from baseline by wave, %s and %s", g->words[0], g->words[1]);
	int fig = ps_rep_next_figure(r);
	ps_rep_figure(r, &r->body,
		      ps_chart_ci(fig, title, desc, cats, x->nwaves, series, 2, pts, lo, hi, 0, "Change in score",
				  any_withheld ? "Bars: confidence intervals (paired t). Withheld: small numbers would show through."
					       : "Bars: confidence intervals (paired t). Below zero: less isolated."),
		      title, desc);
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 6, "Change in the isolation score by wave");
	ps_rep_cell(r, t, "wave");
	ps_rep_cell(r, t, "%s pairs", g->words[0]);
	ps_rep_cell(r, t, "%s mean change", g->words[0]);
	ps_rep_cell(r, t, "%s pairs", g->words[1]);
	ps_rep_cell(r, t, "%s mean change", g->words[1]);
	ps_rep_cell(r, t, "difference adjusted for baseline");
	int hidden = 0;
	for (size_t i = 0; i < x->nwaves; i++) {
		const struct wave *v = &x->waves[i];
		char n[40], buf[400];
		ps_rep_cell(r, t, "%s", v->label);
		for (int k = 0; k < 2; k++) {
			const cJSON *c = ps_rj(ps_rj(v->json, "cohorts"), g->label[k]);
			int known = wave_known(sdc, v, k);
			hidden |= !known;
			ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, v->followed[k], n));
			ps_rep_cell(r, t, "%s", known ? change_text(c, buf, sizeof(buf)) : "*");
		}
		if (wave_known(sdc, v, 0) && wave_known(sdc, v, 1))
			ps_rep_cell(r, t, "%s", diff_text(ps_rj(v->json, "ancova"), buf, sizeof(buf), NULL));
		else
			ps_rep_cell(r, t, "*");
	}
	char tnote[700];
	snprintf(tnote, sizeof(tnote), "Score: %s. Pairs: participants with a baseline and a follow-up score.%s%s",
		 ps_rj_str(options, "direction") ? ps_rj_str(options, "direction") : "change = follow-up minus baseline",
		 hidden && ps_rep_suppression_note(r) ? " " : "", hidden && ps_rep_suppression_note(r) ? ps_rep_suppression_note(r) : "");
	ps_rep_table_note(r, t, tnote);
	/* the headline: the last wave that can be shown */
	size_t shown = 0;
	for (size_t i = 0; i < x->nwaves; i++)
		shown += wave_known(sdc, &x->waves[i], 0) && wave_known(sdc, &x->waves[i], 1);
	if (!shown)
		ps_rep_add(r, &r->headline, PS_REP_ITEM,
			   "Isolation: the comparison of %s with %s is withheld (a count below %ld).", g->words[0], g->words[1],
			   r->min_cell);
	for (size_t i = x->nwaves; i-- > 0;) {
		const struct wave *v = &x->waves[i];
		if (!wave_known(sdc, v, 0) || !wave_known(sdc, v, 1))
			continue;
		const cJSON *c0 = ps_rj(ps_rj(v->json, "cohorts"), g->label[0]);
		const cJSON *c1 = ps_rj(ps_rj(v->json, "cohorts"), g->label[1]);
		const cJSON *an = ps_rj(v->json, "ancova");
		char m0[PS_WORDS_BUF], m1[PS_WORDS_BUF], d[400], finding[1600];
		double p, est = ps_rj_num(an, "estimate");
		ps_words_num(ps_rj_num(c0, "change_mean"), 2, m0);
		ps_words_num(ps_rj_num(c1, "change_mean"), 2, m1);
		diff_text(an, d, sizeof(d), &p);
		if (ps_words_shown(p, ps_rj_num(an, "conf_level")))
			snprintf(finding, sizeof(finding),
				 "Isolation at %s: %s members' scores changed by %s on average and %s members' by %s; "
				 "adjusted for baseline, %s members ended %s: difference %s, below zero being less isolated.",
				 v->label, g->words[0], m0, g->words[1], m1, g->words[0],
				 est < 0 ? "less isolated" : "more isolated", d);
		else
			snprintf(finding, sizeof(finding),
				 "Isolation at %s: %s members' scores changed by %s on average and %s members' by %s; a "
				 "difference between the groups was not shown (adjusted for baseline: %s).",
				 v->label, g->words[0], m0, g->words[1], m1, d);
		ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
		ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);
		break;
	}
}

void ps_rep_section_isolation(struct ps_report *r, const struct ps_rep_summary *s)
{
	static struct isolation x;
	struct ps_sdc sdc;
	struct ps_rep_groups g;
	const cJSON *root = s->root, *options = ps_rj(root, "options"), *input = ps_rj(root, "input");
	memset(&x, 0, sizeof(x));
	ps_sdc_init(&sdc, r->min_cell);
	ps_rep_groups_init(&g, options);
	register_all(&x, &sdc, root, &g);
	ps_sdc_solve(&sdc);

	ps_rep_heading(r, &r->body, 2, "Isolation: change by wave (%s)",
		       ps_rj_str(input, "file") ? ps_rj_str(input, "file") : s->display);
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "%s participants (treatment) are compared with %s participants (control): the change in the '%s' "
		   "score from baseline to each follow-up wave%s%s.",
		   g.words[0], g.words[1], ps_rj_str(options, "score") ? ps_rj_str(options, "score") : "isolation",
		   ps_rj_str(options, "instrument_scoring") ? "; " : "",
		   ps_rj_str(options, "instrument_scoring") ? ps_rj_str(options, "instrument_scoring") : "");
	change_by_wave(r, &sdc, &x, &g, options);
	for (size_t i = 0; i < x.nwaves; i++)
		if (x.waves[i].has_mcid) {
			char name[200];
			snprintf(name, sizeof(name), "Improved by at least the minimal important change at %s", x.waves[i].label);
			ps_rep_heading(r, &r->body, 3, "%s", name);
			ps_rep_binary_render(&x.waves[i].mcid, r, &sdc, &g, name, 0);
		}

	char a[40], b[40];
	ps_rep_heading(r, &r->quality, 3, "Isolation (%s)", s->display);
	ps_rep_add(r, &r->quality, PS_REP_ITEM, "Rows read: %s; rows rejected as invalid: %s.", ps_sdc_text(&sdc, x.rows, a),
		   ps_sdc_text(&sdc, x.rejected, b));
	struct ps_rep_table *t = ps_rep_table(r, &r->quality, 4, "Isolation follow-up against the 80% target");
	ps_rep_cell(r, t, "wave");
	ps_rep_cell(r, t, "%s followed up", g.words[0]);
	ps_rep_cell(r, t, "%s followed up", g.words[1]);
	ps_rep_cell(r, t, "difference in missing (chi-square)");
	int hidden = 0;
	for (size_t i = 0; i < x.nwaves; i++) {
		const struct wave *v = &x.waves[i];
		int all_known = 1;
		ps_rep_cell(r, t, "%s", v->label);
		for (int k = 0; k < 2; k++) {
			const cJSON *c = ps_rj(ps_rj(v->json, "cohorts"), g.label[k]);
			int known = ps_sdc_known(&sdc, v->followed[k]) && ps_sdc_known(&sdc, v->n_baseline[k]);
			hidden |= !known;
			all_known &= known;
			double rate = ps_rj_num(c, "followed_proportion");
			char pc[PS_WORDS_BUF];
			if (known && isfinite(rate))
				ps_rep_cell(r, t, "%s of %s (%s, %s the target)", ps_sdc_text(&sdc, v->followed[k], a),
					    ps_sdc_text(&sdc, v->n_baseline[k], b), ps_words_pct(rate, pc),
					    rate < FOLLOW_UP_TARGET ? "below" : "meeting");
			else
				ps_rep_cell(r, t, "%s of %s (*)", ps_sdc_text(&sdc, v->followed[k], a),
					    ps_sdc_text(&sdc, v->n_baseline[k], b));
		}
		/* differential attrition: the test of the JSON's attrition block, shown only when every
		 * count behind it is (a p-value of hidden counts could give them away) */
		double p = ps_rj_num(ps_rj(ps_rj(ps_rj(v->json, "attrition"), "tests"), "chi_square"), "p_value");
		char pw[PS_WORDS_BUF];
		if (!all_known)
			ps_rep_cell(r, t, "*");
		else if (isfinite(p))
			ps_rep_cell(r, t, "%s", ps_words_p(p, pw));
		else
			ps_rep_cell(r, t, "not available");
	}
	if (hidden && ps_rep_suppression_note(r))
		ps_rep_table_note(r, t, ps_rep_suppression_note(r));
	ps_rep_method(r, "Isolation score", ps_rj_str(options, "direction"));
	ps_rep_method(r, "Isolation score", ps_rj_str(options, "instrument_scoring"));
	ps_rep_method(r, "Isolation score range", ps_rj_str(options, "range_rule"));
	if (x.nwaves) {
		ps_rep_methods_from(r, "Isolation change", ps_rj(x.waves[0].json, "change"));
		ps_rep_methods_from(r, "Isolation, adjusted for baseline", ps_rj(x.waves[0].json, "ancova"));
	}
	ps_sdc_release(&sdc);
}
