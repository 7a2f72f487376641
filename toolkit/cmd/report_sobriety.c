/*
 * The report's section for a `sobriety` summary: follow-up against the target, abstinence by
 * wave (completers and missing counted as use: chart with interval bars, table, headline),
 * percent days abstinent, time to relapse (the Kaplan-Meier block), data quality, methods.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_chart.h"
#include "report_sections.h"
#include "report_words.h"

#define MAX_WAVES 16

struct wave {
	const cJSON *json;
	const char *label;
	size_t n_baseline[2], assessed[2], missing[2];
	struct ps_rep_binary completers, mau;
	struct ps_rep_continuous pda;
};

struct sobriety {
	size_t rows, rejected, without_baseline;
	size_t cohort[2]; /* implicit: the cohort's participants */
	struct wave waves[MAX_WAVES];
	size_t nwaves;
	size_t eligible[2], not_abstinent[2], abstinence_missing[2];
	struct ps_rep_km km;
};

static void register_all(struct sobriety *x, struct ps_sdc *sdc, const cJSON *root, const struct ps_rep_groups *g)
{
	const cJSON *input = ps_rj(root, "input");
	x->rows = ps_sdc_cell(sdc, ps_rj_count(input, "rows"));
	x->rejected = ps_sdc_cell(sdc, ps_rj_count(input, "rejected_rows"));
	x->without_baseline = ps_sdc_cell(sdc, ps_rj_count(input, "participants_without_baseline"));
	const cJSON *w;
	cJSON_ArrayForEach(w, ps_rj(root, "waves"))
	{
		if (x->nwaves == MAX_WAVES)
			break;
		struct wave *v = &x->waves[x->nwaves];
		v->json = w;
		v->label = ps_rj_str(w, "wave") ? ps_rj_str(w, "wave") : "?";
		const cJSON *fc = ps_rj(ps_rj(w, "followup"), "cohorts");
		const cJSON *comp = ps_rj(ps_rj(w, "abstinence"), "completers");
		for (int k = 0; k < 2; k++) {
			const cJSON *c = ps_rj(fc, g->label[k]);
			if (x->nwaves == 0) {
				/* the cohort: those with a completers value + the others (missing) */
				const cJSON *grp = ps_rj(ps_rj(comp, "groups"), g->label[k]);
				long long n = ps_rj_count(grp, "n"), m = ps_rj_count(grp, "missing");
				x->cohort[k] = ps_sdc_implicit(sdc, n >= 0 && m >= 0 ? n + m : -1);
			}
			v->n_baseline[k] = ps_sdc_cell(sdc, ps_rj_count(c, "n_baseline"));
			v->assessed[k] = ps_sdc_cell(sdc, ps_rj_count(c, "assessed"));
			v->missing[k] = ps_sdc_cell(sdc, ps_rj_count(c, "missing"));
			size_t parts[2] = { v->assessed[k], v->missing[k] };
			ps_sdc_sum(sdc, v->n_baseline[k], parts, 2);
		}
		ps_rep_binary_register(&v->completers, sdc, comp, g, x->cohort);
		ps_rep_binary_register(&v->mau, sdc, ps_rj(ps_rj(w, "abstinence"), "missing_as_use"), g, x->cohort);
		for (int k = 0; k < 2; k++) {
			/* missing as use: n is those with a baseline row, its abstinent are the completers' */
			size_t same[1] = { v->n_baseline[k] };
			ps_sdc_sum(sdc, v->mau.n[k], same, 1);
			size_t same2[1] = { v->completers.events[k] };
			ps_sdc_sum(sdc, v->mau.events[k], same2, 1);
		}
		ps_rep_continuous_register(&v->pda, sdc, ps_rj(w, "percent_days_abstinent"), g, x->cohort);
		x->nwaves++;
	}
	const cJSON *ttr = ps_rj(root, "time_to_relapse");
	const cJSON *base = ps_rj(ttr, "baseline");
	ps_rep_km_register(&x->km, sdc, ttr, g);
	for (int k = 0; k < 2; k++) {
		const cJSON *b = ps_rj(base, g->label[k]);
		size_t nb = ps_sdc_cell(sdc, ps_rj_count(b, "n_baseline"));
		x->eligible[k] = ps_sdc_cell(sdc, ps_rj_count(b, "abstinent"));
		x->not_abstinent[k] = ps_sdc_cell(sdc, ps_rj_count(b, "not_abstinent"));
		x->abstinence_missing[k] = ps_sdc_cell(sdc, ps_rj_count(b, "abstinence_missing"));
		size_t parts[3] = { x->eligible[k], x->not_abstinent[k], x->abstinence_missing[k] };
		ps_sdc_sum(sdc, nb, parts, 3);
		if (x->nwaves) {
			size_t same[1] = { x->waves[0].n_baseline[k] };
			ps_sdc_sum(sdc, nb, same, 1);
		}
		long long m = ps_rj_count(ps_rj(ps_rj(ttr, "groups"), g->label[k]), "missing");
		size_t parts2[2] = { x->km.n[k], ps_sdc_implicit(sdc, m) };
		ps_sdc_sum(sdc, x->eligible[k], parts2, 2);
	}
}

static void abstinence(struct ps_report *r, const struct ps_sdc *sdc, const struct sobriety *x,
		       const struct ps_rep_groups *g)
{
	if (x->nwaves == 0)
		return;
	ps_rep_heading(r, &r->body, 3, "Abstinence at each follow-up");
	const char *cats[MAX_WAVES];
	struct ps_ci_point pts[MAX_WAVES * 4];
	char series_text[4][200];
	const char *series[4];
	for (int k = 0; k < 2; k++) {
		snprintf(series_text[k], sizeof(series_text[k]), "%s, assessed", g->words[k]);
		snprintf(series_text[2 + k], sizeof(series_text[2 + k]), "%s, missing as use", g->words[k]);
	}
	for (int s = 0; s < 4; s++)
		series[s] = series_text[s];
	char withheld[80], desc[3000];
	snprintf(withheld, sizeof(withheld), "withheld (<%ld)", r->min_cell);
	size_t dl = (size_t)snprintf(desc, sizeof(desc),
				     "Share abstinent at each follow-up wave, with confidence intervals: among those "
				     "assessed, and counting a missing follow-up as use.");
	int any_withheld = 0;
	for (size_t i = 0; i < x->nwaves; i++) {
		const struct wave *v = &x->waves[i];
		cats[i] = v->label;
		const struct ps_rep_binary *blocks[2] = { &v->completers, &v->mau };
		for (int a = 0; a < 2; a++)
			for (int k = 0; k < 2; k++) {
				const struct ps_rep_binary *b = blocks[a];
				const cJSON *grp = ps_rj(ps_rj(b->cmp, "groups"), g->label[k]);
				int known = ps_sdc_known(sdc, b->n[k]) && ps_sdc_known(sdc, b->events[k]);
				struct ps_ci_point *p = &pts[i * 4 + (size_t)(a * 2 + k)];
				p->estimate = ps_rj_num(grp, "proportion");
				p->lower = ps_rj_num(grp, "ci_lower");
				p->upper = ps_rj_num(grp, "ci_upper");
				p->withheld = known ? NULL : withheld;
				any_withheld |= !known;
				char pc[PS_WORDS_BUF];
				if (known && dl < sizeof(desc) - 300)
					dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " %s, %s: %s.", v->label,
							       series[a * 2 + k], ps_words_pct(p->estimate, pc));
			}
	}
	if (any_withheld)
		dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " Some groups are not drawn: a count below %ld would show through.",
				       r->min_cell);
	char title[600];
	snprintf(title, sizeof(title), "Abstinence by follow-up wave: %s and %s, assessed and missing counted as use",
		 g->words[0], g->words[1]);
	int fig = ps_rep_next_figure(r);
	ps_rep_figure(r, &r->body,
		      ps_chart_ci(fig, title, desc, cats, x->nwaves, series, 4, pts, 0, 1, 1, "Abstinent",
				  any_withheld ? "Bars: confidence intervals (Wilson). Withheld: small numbers would show through."
					       : "Bars: confidence intervals (Wilson)."),
		      title, desc);
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 6, "Abstinence at each follow-up");
	ps_rep_cell(r, t, "wave");
	ps_rep_cell(r, t, "counted");
	ps_rep_cell(r, t, "%s abstinent", g->words[0]);
	ps_rep_cell(r, t, "%s abstinent", g->words[1]);
	ps_rep_cell(r, t, "difference (points)");
	ps_rep_cell(r, t, "p");
	int hidden = 0;
	for (size_t i = 0; i < x->nwaves; i++) {
		const struct wave *v = &x->waves[i];
		const struct ps_rep_binary *blocks[2] = { &v->completers, &v->mau };
		static const char *const names[2] = { "assessed", "missing as use" };
		for (int a = 0; a < 2; a++) {
			const struct ps_rep_binary *b = blocks[a];
			ps_rep_cell(r, t, "%s", v->label);
			ps_rep_cell(r, t, "%s", names[a]);
			for (int k = 0; k < 2; k++) {
				const cJSON *grp = ps_rj(ps_rj(b->cmp, "groups"), g->label[k]);
				int known = ps_sdc_known(sdc, b->n[k]) && ps_sdc_known(sdc, b->events[k]);
				char n1[40], n2[40], p[PS_WORDS_BUF];
				hidden |= !known;
				if (known)
					ps_rep_cell(r, t, "%s of %s (%s)", ps_sdc_text(sdc, b->events[k], n1), ps_sdc_text(sdc, b->n[k], n2),
						    ps_words_pct(ps_rj_num(grp, "proportion"), p));
				else
					ps_rep_cell(r, t, "%s of %s (*)", ps_sdc_text(sdc, b->events[k], n1), ps_sdc_text(sdc, b->n[k], n2));
			}
			if (ps_rep_binary_known(b, sdc)) {
				const cJSON *rd = ps_rj(ps_rj(b->cmp, "effects"), "risk_difference");
				char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], diff[300];
				double p;
				ps_rep_cell(r, t, "%s (%s to %s)", ps_words_points(ps_rj_num(rd, "estimate"), e),
					    ps_words_points(ps_rj_num(rd, "ci_lower"), lo), ps_words_points(ps_rj_num(rd, "ci_upper"), hi));
				ps_rep_binary_diff(b, diff, sizeof(diff), &p, NULL);
				ps_rep_cell(r, t, "%s", ps_words_p(p, e));
			} else {
				ps_rep_cell(r, t, "*");
				ps_rep_cell(r, t, "*");
			}
		}
	}
	char tnote[600];
	snprintf(tnote, sizeof(tnote),
		 "Assessed: participants with an abstinence value at that wave. Missing as use: everyone with a baseline "
		 "row, a missing follow-up counted as not abstinent.%s%s",
		 hidden && ps_rep_suppression_note(r) ? " " : "", hidden && ps_rep_suppression_note(r) ? ps_rep_suppression_note(r) : "");
	ps_rep_table_note(r, t, tnote);
	/* the finding: the last wave that can be shown */
	size_t shown = 0;
	for (size_t i = 0; i < x->nwaves; i++)
		shown += ps_rep_binary_known(&x->waves[i].completers, sdc);
	if (!shown)
		ps_rep_add(r, &r->headline, PS_REP_ITEM,
			   "Abstinence at follow-up: the comparison of %s with %s is withheld (a count below %ld).", g->words[0],
			   g->words[1], r->min_cell);
	for (size_t i = x->nwaves; i-- > 0;) {
		const struct wave *v = &x->waves[i];
		if (!ps_rep_binary_known(&v->completers, sdc))
			continue;
		char p0[PS_WORDS_BUF], p1[PS_WORDS_BUF], diff[300], finding[1600], extra[700] = "";
		double p, rd;
		const cJSON *groups = ps_rj(v->completers.cmp, "groups");
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[0]), "proportion"), p0);
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[1]), "proportion"), p1);
		ps_rep_binary_diff(&v->completers, diff, sizeof(diff), &p, &rd);
		double conf = ps_rj_num(ps_rj(ps_rj(v->completers.cmp, "effects"), "risk_difference"), "conf_level");
		if (ps_words_shown(p, conf))
			snprintf(finding, sizeof(finding),
				 "Abstinence at %s: %s of %s members assessed were abstinent versus %s of %s members, %s for %s "
				 "(%s).",
				 v->label, p0, g->words[0], p1, g->words[1], rd > 0 ? "higher" : "lower", g->words[0], diff);
		else
			snprintf(finding, sizeof(finding),
				 "Abstinence at %s: %s of %s members assessed were abstinent versus %s of %s members; a difference "
				 "was not shown (%s).",
				 v->label, p0, g->words[0], p1, g->words[1], diff);
		if (ps_rep_binary_known(&v->mau, sdc)) {
			const cJSON *mg = ps_rj(v->mau.cmp, "groups");
			char m0[PS_WORDS_BUF], m1[PS_WORDS_BUF], mdiff[300];
			double mp;
			ps_words_pct(ps_rj_num(ps_rj(mg, g->label[0]), "proportion"), m0);
			ps_words_pct(ps_rj_num(ps_rj(mg, g->label[1]), "proportion"), m1);
			ps_rep_binary_diff(&v->mau, mdiff, sizeof(mdiff), &mp, NULL);
			snprintf(extra, sizeof(extra), " Counting everyone not assessed as using: %s versus %s (%s).", m0, m1, mdiff);
		}
		ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s%s", finding, extra);
		ps_rep_add(r, &r->body, PS_REP_PARA, "%s%s", finding, extra);
		break;
	}
}

void ps_rep_section_sobriety(struct ps_report *r, const struct ps_rep_summary *s)
{
	static struct sobriety x;
	struct ps_sdc sdc;
	struct ps_rep_groups g;
	const cJSON *root = s->root, *options = ps_rj(root, "options"), *input = ps_rj(root, "input");
	memset(&x, 0, sizeof(x));
	ps_sdc_init(&sdc, r->min_cell);
	ps_rep_groups_init(&g, options);
	register_all(&x, &sdc, root, &g);
	ps_sdc_solve(&sdc);

	ps_rep_heading(r, &r->body, 2, "Sobriety: abstinence at follow-up (%s)",
		       ps_rj_str(input, "file") ? ps_rj_str(input, "file") : s->display);
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "%s participants (treatment) are compared with %s participants (control) at each follow-up wave; "
		   "abstinent is the '%s' column, days used in a %lld-day window the '%s' column.",
		   g.words[0], g.words[1], ps_rj_str(options, "abstinent") ? ps_rj_str(options, "abstinent") : "abstinent",
		   ps_rj_count(options, "window"), ps_rj_str(options, "days_used") ? ps_rj_str(options, "days_used") : "days_used");
	abstinence(r, &sdc, &x, &g);
	for (size_t i = 0; i < x.nwaves; i++) {
		char name[200];
		snprintf(name, sizeof(name), "Percent of days abstinent at %s", x.waves[i].label);
		ps_rep_heading(r, &r->body, 3, "%s", name);
		ps_rep_continuous_render(&x.waves[i].pda, r, &sdc, &g, name, 0);
	}
	ps_rep_heading(r, &r->body, 3, "Time to relapse");
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "Among participants abstinent at baseline: time to the first follow-up at which they were not "
		   "abstinent. Relapse is only seen at the assessments, so the times are those of the assessments.");
	static const struct ps_rep_km_words words = { "Time to relapse", "relapse", "abstinent", "days", "Days since baseline" };
	ps_rep_km_render(&x.km, r, &sdc, &g, &words);

	/* data quality: follow-up against the target */
	char a[40], b[40], c[40];
	double target = ps_rj_num(options, "followup_target");
	char tg[PS_WORDS_BUF];
	ps_words_pct(isfinite(target) ? target : 0.8, tg);
	ps_rep_heading(r, &r->quality, 3, "Sobriety (%s)", s->display);
	ps_rep_add(r, &r->quality, PS_REP_ITEM,
		   "Rows read: %s; rows rejected as invalid: %s; participants without a baseline row: %s.",
		   ps_sdc_text(&sdc, x.rows, a), ps_sdc_text(&sdc, x.rejected, b), ps_sdc_text(&sdc, x.without_baseline, c));
	struct ps_rep_table *t = ps_rep_table(r, &r->quality, 3, "Follow-up against the target");
	ps_rep_cell(r, t, "wave");
	ps_rep_cell(r, t, "%s assessed", g.words[0]);
	ps_rep_cell(r, t, "%s assessed", g.words[1]);
	int hidden = 0;
	for (size_t i = 0; i < x.nwaves; i++) {
		const struct wave *v = &x.waves[i];
		ps_rep_cell(r, t, "%s", v->label);
		for (int k = 0; k < 2; k++) {
			const cJSON *fc = ps_rj(ps_rj(ps_rj(v->json, "followup"), "cohorts"), g.label[k]);
			int known = ps_sdc_known(&sdc, v->assessed[k]) && ps_sdc_known(&sdc, v->n_baseline[k]);
			hidden |= !known;
			double rate = ps_rj_num(fc, "rate");
			char pc[PS_WORDS_BUF];
			if (known && isfinite(rate))
				ps_rep_cell(r, t, "%s of %s (%s, %s the %s target)", ps_sdc_text(&sdc, v->assessed[k], a),
					    ps_sdc_text(&sdc, v->n_baseline[k], b), ps_words_pct(rate, pc),
					    rate < (isfinite(target) ? target : 0.8) ? "below" : "meeting", tg);
			else
				ps_rep_cell(r, t, "%s of %s (*)", ps_sdc_text(&sdc, v->assessed[k], a),
					    ps_sdc_text(&sdc, v->n_baseline[k], b));
		}
	}
	if (hidden && ps_rep_suppression_note(r))
		ps_rep_table_note(r, t, ps_rep_suppression_note(r));

	char def[300];
	snprintf(def, sizeof(def), "window %lld days; follow-up target %s", ps_rj_count(options, "window"), tg);
	ps_rep_method(r, "Sobriety definitions", def);
	if (x.nwaves) {
		ps_rep_method(r, "Abstinence, assessed", ps_rj_str(ps_rj(ps_rj(x.waves[0].json, "abstinence"), "completers"), "definition"));
		ps_rep_method(r, "Abstinence, missing as use",
			      ps_rj_str(ps_rj(ps_rj(x.waves[0].json, "abstinence"), "missing_as_use"), "definition"));
		ps_rep_method(r, "Percent days abstinent", ps_rj_str(ps_rj(x.waves[0].json, "percent_days_abstinent"), "definition"));
		ps_rep_methods_from(r, "Abstinence", ps_rj(ps_rj(x.waves[0].json, "abstinence"), "completers"));
		ps_rep_methods_from(r, "Percent days abstinent", ps_rj(x.waves[0].json, "percent_days_abstinent"));
	}
	const cJSON *to = ps_rj(ps_rj(root, "time_to_relapse"), "options");
	ps_rep_method(r, "Time to relapse", ps_rj_str(to, "event"));
	ps_rep_method(r, "Time to relapse", ps_rj_str(to, "discrete_time"));
	ps_rep_methods_from(r, "Time to relapse", ps_rj(root, "time_to_relapse"));
	ps_sdc_release(&sdc);
}
