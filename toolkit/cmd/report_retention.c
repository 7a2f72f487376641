/*
 * The report's section for a `retention` summary: who stayed, retention at the checkpoints
 * (chart with interval bars, table, headline), time to dropout (the Kaplan-Meier block),
 * sessions attended (the continuous block), data quality and methods.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_chart.h"
#include "report_sections.h"
#include "report_words.h"

#define MAX_CHECKPOINTS 32

struct cohort_ids {
	const char *label;
	size_t participants, completed, dropped, active, never, engaged;
};

struct retention {
	size_t rows, rejected, participants, other;
	struct cohort_ids *cohorts;
	size_t ncohorts;
	size_t group_participants[2]; /* ids of the treatment's and the control's participants */
	struct ps_rep_binary checkpoint[MAX_CHECKPOINTS];
	const cJSON *checkpoint_json[MAX_CHECKPOINTS];
	size_t ncheckpoints;
	struct ps_rep_km km;
	struct ps_rep_continuous sessions;
};

static void register_all(struct retention *x, struct ps_sdc *sdc, const cJSON *root, const struct ps_rep_groups *g)
{
	const cJSON *input = ps_rj(root, "input");
	x->rows = ps_sdc_cell(sdc, ps_rj_count(input, "rows"));
	x->rejected = ps_sdc_cell(sdc, ps_rj_count(input, "rejected_rows"));
	x->participants = ps_sdc_cell(sdc, ps_rj_count(input, "participants"));
	x->other = ps_sdc_cell(sdc, ps_rj_count(input, "participants_other_cohorts"));
	const cJSON *cohorts = ps_rj(root, "cohorts"), *c;
	size_t n = (size_t)cJSON_GetArraySize(cohorts);
	x->cohorts = calloc(n ? n : 1, sizeof(*x->cohorts));
	if (!x->cohorts) {
		sdc->failed = 1;
		return;
	}
	size_t *all = calloc(n ? n : 1, sizeof(size_t));
	x->group_participants[0] = x->group_participants[1] = (size_t)-1;
	cJSON_ArrayForEach(c, cohorts)
	{
		struct cohort_ids *k = &x->cohorts[x->ncohorts];
		k->label = c->string;
		long long p = ps_rj_count(c, "participants");
		k->participants = ps_sdc_cell(sdc, p);
		k->completed = ps_sdc_cell(sdc, ps_rj_count(c, "completed"));
		k->dropped = ps_sdc_cell(sdc, ps_rj_count(c, "dropped_out"));
		k->active = ps_sdc_cell(sdc, ps_rj_count(c, "active"));
		size_t parts[3] = { k->completed, k->dropped, k->active };
		ps_sdc_sum(sdc, k->participants, parts, 3);
		long long nv = ps_rj_count(c, "never_attended"), en = ps_rj_count(c, "engaged");
		k->never = ps_sdc_cell(sdc, nv);
		size_t rest = ps_sdc_implicit(sdc, p >= 0 && nv >= 0 ? p - nv : -1);
		size_t parts2[2] = { k->never, rest };
		ps_sdc_sum(sdc, k->participants, parts2, 2);
		k->engaged = ps_sdc_cell(sdc, en);
		rest = ps_sdc_implicit(sdc, p >= 0 && en >= 0 ? p - en : -1);
		size_t parts3[2] = { k->engaged, rest };
		ps_sdc_sum(sdc, k->participants, parts3, 2);
		for (int i = 0; i < 2; i++)
			if (k->label && strcmp(k->label, g->label[i]) == 0)
				x->group_participants[i] = k->participants;
		if (all)
			all[x->ncohorts] = k->participants;
		x->ncohorts++;
	}
	if (all)
		ps_sdc_sum(sdc, x->participants, all, x->ncohorts);
	free(all);
	for (int i = 0; i < 2; i++)
		if (x->group_participants[i] == (size_t)-1)
			x->group_participants[i] = ps_sdc_implicit(sdc, -1);
	const cJSON *cp;
	cJSON_ArrayForEach(cp, ps_rj(root, "checkpoints"))
	{
		if (x->ncheckpoints == MAX_CHECKPOINTS)
			break;
		x->checkpoint_json[x->ncheckpoints] = cp;
		ps_rep_binary_register(&x->checkpoint[x->ncheckpoints], sdc, ps_rj(cp, "comparison"), g, x->group_participants);
		x->ncheckpoints++;
	}
	/*
	 * Later checkpoints are nested in earlier ones (observable at a later day implies at an
	 * earlier one; retained at a later day implies at an earlier one): the people between two
	 * checkpoints are counts a reader can work out, protected too.
	 */
	for (size_t i = 0; i < x->ncheckpoints; i++)
		for (size_t j = i + 1; j < x->ncheckpoints; j++)
			for (int k = 0; k < 2; k++) {
				const struct ps_rep_binary *a = &x->checkpoint[i], *b = &x->checkpoint[j];
				long long ai = ps_sdc_value(sdc, a->events[k]), bj = ps_sdc_value(sdc, b->events[k]);
				size_t between = ps_sdc_implicit(sdc, ai >= 0 && bj >= 0 ? ai - bj : -1);
				size_t parts[2] = { b->events[k], between };
				ps_sdc_sum(sdc, a->events[k], parts, 2);
				ai = ps_sdc_value(sdc, a->n[k]);
				bj = ps_sdc_value(sdc, b->n[k]);
				between = ps_sdc_implicit(sdc, ai >= 0 && bj >= 0 ? ai - bj : -1);
				size_t parts2[2] = { b->n[k], between };
				ps_sdc_sum(sdc, a->n[k], parts2, 2);
			}
	const cJSON *ttd = ps_rj(root, "time_to_dropout");
	ps_rep_km_register(&x->km, sdc, ttd, g);
	/* dropout events are the cohort's dropped out; censored its completed and still active */
	for (size_t i = 0; i < x->ncohorts; i++)
		for (int k = 0; k < 2; k++) {
			const struct cohort_ids *c = &x->cohorts[i];
			if (!c->label || strcmp(c->label, g->label[k]) != 0)
				continue;
			size_t same[1] = { x->km.events[k] };
			ps_sdc_sum(sdc, c->dropped, same, 1);
			size_t parts[2] = { c->completed, c->active };
			ps_sdc_sum(sdc, x->km.censored[k], parts, 2);
		}
	for (int i = 0; i < 2; i++) {
		long long m = ps_rj_count(ps_rj(ps_rj(ttd, "groups"), g->label[i]), "missing");
		size_t parts[2] = { x->km.n[i], ps_sdc_implicit(sdc, m) };
		ps_sdc_sum(sdc, x->group_participants[i], parts, 2);
	}
	ps_rep_continuous_register(&x->sessions, sdc, ps_rj(root, "sessions"), g, x->group_participants);
}

static void cohort_table(struct ps_report *r, const struct ps_sdc *sdc, const struct retention *x, const cJSON *root)
{
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 8, "Participants by cohort");
	static const char *const head[8] = { "cohort", "participants", "completed", "dropped out", "still active",
					     "never attended", "engaged early", "sessions attended" };
	for (int i = 0; i < 8; i++)
		ps_rep_cell(r, t, "%s", head[i]);
	int hidden = 0;
	char a[40], w[PS_WORDS_BUF];
	for (size_t i = 0; i < x->ncohorts; i++) {
		const struct cohort_ids *k = &x->cohorts[i];
		const cJSON *c = ps_rj(ps_rj(root, "cohorts"), k->label);
		size_t ids[6] = { k->participants, k->completed, k->dropped, k->active, k->never, k->engaged };
		hidden |= !ps_sdc_all_known(sdc, ids, 6);
		ps_rep_cell(r, t, "%s", ps_words_label(k->label, w));
		for (int j = 0; j < 6; j++)
			ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, ids[j], a));
		/* the pooled rate is sessions over sessions: shown when the cohort's people are */
		if (ps_sdc_known(sdc, k->participants))
			ps_rep_cell(r, t, "%s of those scheduled", ps_words_pct(ps_rj_num(c, "attendance_rate_pooled"), w));
		else
			ps_rep_cell(r, t, "*");
	}
	if (hidden && ps_rep_suppression_note(r))
		ps_rep_table_note(r, t, ps_rep_suppression_note(r));
}

static void checkpoints(struct ps_report *r, const struct ps_sdc *sdc, const struct retention *x,
			const struct ps_rep_groups *g)
{
	if (x->ncheckpoints == 0)
		return;
	ps_rep_heading(r, &r->body, 3, "Still attending at each checkpoint");
	/* the chart */
	char categories[MAX_CHECKPOINTS][40];
	const char *cats[MAX_CHECKPOINTS];
	struct ps_ci_point pts[MAX_CHECKPOINTS * 2];
	char withheld[80];
	snprintf(withheld, sizeof(withheld), "withheld (<%ld)", r->min_cell);
	char desc[2000];
	size_t dl = (size_t)snprintf(desc, sizeof(desc),
				     "Share of each cohort still attending at each checkpoint day, with confidence intervals.");
	int any_withheld = 0;
	for (size_t i = 0; i < x->ncheckpoints; i++) {
		const cJSON *cp = x->checkpoint_json[i];
		snprintf(categories[i], sizeof(categories[i]), "day %lld", ps_rj_count(cp, "day"));
		cats[i] = categories[i];
		int known = ps_rep_binary_known(&x->checkpoint[i], sdc);
		for (int k = 0; k < 2; k++) {
			const cJSON *grp = ps_rj(ps_rj(ps_rj(cp, "comparison"), "groups"), g->label[k]);
			int gk = ps_sdc_known(sdc, x->checkpoint[i].n[k]) && ps_sdc_known(sdc, x->checkpoint[i].events[k]);
			struct ps_ci_point *p = &pts[i * 2 + (size_t)k];
			p->estimate = ps_rj_num(grp, "proportion");
			p->lower = ps_rj_num(grp, "ci_lower");
			p->upper = ps_rj_num(grp, "ci_upper");
			p->withheld = gk ? NULL : withheld;
			any_withheld |= !gk;
			char pc[PS_WORDS_BUF];
			if (gk && dl < sizeof(desc) - 200)
				dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl, " %s, %s: %s.", categories[i], g->words[k],
						       ps_words_pct(p->estimate, pc));
		}
		(void)known;
	}
	if (any_withheld)
		dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl,
				       " Some groups are not drawn: a count below %ld would show through.", r->min_cell);
	const char *series[2] = { g->words[0], g->words[1] };
	char title[600], note[200];
	snprintf(title, sizeof(title), "Retention at the checkpoints: %s and %s", g->words[0], g->words[1]);
	snprintf(note, sizeof(note), "Bars: %s%% confidence intervals (Wilson).%s",
		 "95", any_withheld ? " Withheld: small numbers would show through." : "");
	double conf = ps_rj_num(ps_rj(x->checkpoint_json[0], "comparison") ? ps_rj(ps_rj(ps_rj(x->checkpoint_json[0], "comparison"), "effects"), "risk_difference") : NULL, "conf_level");
	if (isfinite(conf)) {
		char lv[PS_WORDS_BUF];
		snprintf(note, sizeof(note), "Bars: %s%% confidence intervals (Wilson).%s", ps_words_num(100 * conf, 0, lv),
			 any_withheld ? " Withheld: small numbers would show through." : "");
	}
	int fig = ps_rep_next_figure(r);
	ps_rep_figure(r, &r->body,
		      ps_chart_ci(fig, title, desc, cats, x->ncheckpoints, series, 2, pts, 0, 1, 1, "Still attending", note),
		      title, desc);
	/* the table */
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 8, "Retention at the checkpoints");
	char h[200];
	ps_rep_cell(r, t, "day");
	snprintf(h, sizeof(h), "%s retained of observable", g->words[0]);
	ps_rep_cell(r, t, "%s", h);
	ps_rep_cell(r, t, "%s %%", g->words[0]);
	snprintf(h, sizeof(h), "%s retained of observable", g->words[1]);
	ps_rep_cell(r, t, "%s", h);
	ps_rep_cell(r, t, "%s %%", g->words[1]);
	ps_rep_cell(r, t, "not yet observable");
	ps_rep_cell(r, t, "difference (points)");
	ps_rep_cell(r, t, "p");
	int hidden = 0;
	for (size_t i = 0; i < x->ncheckpoints; i++) {
		const struct ps_rep_binary *b = &x->checkpoint[i];
		const cJSON *groups = ps_rj(b->cmp, "groups");
		char n1[40], n2[40], m1[40], m2[40];
		ps_rep_cell(r, t, "%lld", ps_rj_count(x->checkpoint_json[i], "day"));
		for (int k = 0; k < 2; k++) {
			const cJSON *grp = ps_rj(groups, g->label[k]);
			int gk = ps_sdc_known(sdc, b->n[k]) && ps_sdc_known(sdc, b->events[k]);
			hidden |= !gk;
			ps_rep_cell(r, t, "%s of %s", ps_sdc_text(sdc, b->events[k], n1), ps_sdc_text(sdc, b->n[k], n2));
			if (gk) {
				char p[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF];
				ps_rep_cell(r, t, "%s (%s to %s)", ps_words_pct(ps_rj_num(grp, "proportion"), p),
					    ps_words_pct(ps_rj_num(grp, "ci_lower"), lo), ps_words_pct(ps_rj_num(grp, "ci_upper"), hi));
			} else {
				ps_rep_cell(r, t, "*");
			}
		}
		hidden |= !ps_sdc_known(sdc, b->missing[0]) || !ps_sdc_known(sdc, b->missing[1]);
		ps_rep_cell(r, t, "%s / %s", ps_sdc_text(sdc, b->missing[0], m1), ps_sdc_text(sdc, b->missing[1], m2));
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
	char tnote[600];
	snprintf(tnote, sizeof(tnote),
		 "Observable: enrolled long enough before the as-of date to be seen at that day, or dropped out before it. "
		 "Intervals in brackets.%s%s",
		 hidden && ps_rep_suppression_note(r) ? " " : "", hidden && ps_rep_suppression_note(r) ? ps_rep_suppression_note(r) : "");
	ps_rep_table_note(r, t, tnote);
	/* the finding: the latest checkpoint that can be shown */
	size_t shown = 0;
	for (size_t i = 0; i < x->ncheckpoints; i++)
		shown += ps_rep_binary_known(&x->checkpoint[i], sdc);
	if (!shown)
		ps_rep_add(r, &r->headline, PS_REP_ITEM,
			   "Retention at the checkpoints: the comparison of %s with %s is withheld (a count below %ld).",
			   g->words[0], g->words[1], r->min_cell);
	for (size_t i = x->ncheckpoints; i-- > 0;) {
		const struct ps_rep_binary *b = &x->checkpoint[i];
		if (!ps_rep_binary_known(b, sdc))
			continue;
		const cJSON *groups = ps_rj(b->cmp, "groups");
		char p0[PS_WORDS_BUF], p1[PS_WORDS_BUF], diff[300], finding[1400];
		double p, rd;
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[0]), "proportion"), p0);
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[1]), "proportion"), p1);
		ps_rep_binary_diff(b, diff, sizeof(diff), &p, &rd);
		long long day = ps_rj_count(x->checkpoint_json[i], "day");
		double conf = ps_rj_num(ps_rj(ps_rj(b->cmp, "effects"), "risk_difference"), "conf_level");
		if (ps_words_shown(p, conf))
			snprintf(finding, sizeof(finding),
				 "%s members stayed in the programme %s: %s were still attending at %lld days versus %s of %s "
				 "members (%s).",
				 g->words[0], rd > 0 ? "longer" : "less long", p0, day, p1, g->words[1], diff);
		else
			snprintf(finding, sizeof(finding),
				 "At %lld days %s of %s members and %s of %s members were still attending; a difference in "
				 "retention was not shown (%s).",
				 day, p0, g->words[0], p1, g->words[1], diff);
		ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
		ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);
		break;
	}
}

void ps_rep_section_retention(struct ps_report *r, const struct ps_rep_summary *s)
{
	struct ps_sdc sdc;
	struct retention x;
	struct ps_rep_groups g;
	const cJSON *root = s->root, *options = ps_rj(root, "options");
	memset(&x, 0, sizeof(x));
	ps_sdc_init(&sdc, r->min_cell);
	ps_rep_groups_init(&g, options);
	register_all(&x, &sdc, root, &g);
	ps_sdc_solve(&sdc);

	char a[40], b[40];
	ps_rep_heading(r, &r->body, 2, "Retention: do people stay? (%s)", ps_rj_str(ps_rj(root, "input"), "file") ? ps_rj_str(ps_rj(root, "input"), "file") : s->display);
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "%s participants (treatment) are compared with %s participants (control), from an attendance roll "
		   "of %s participants as of %s.",
		   g.words[0], g.words[1], ps_sdc_text(&sdc, x.participants, a),
		   ps_rj_str(options, "as_of") ? ps_rj_str(options, "as_of") : "the last session");
	cohort_table(r, &sdc, &x, root);
	checkpoints(r, &sdc, &x, &g);
	ps_rep_heading(r, &r->body, 3, "Time to dropout");
	static const struct ps_rep_km_words words = { "Time to dropout", "dropping out", "still attending", "days",
						      "Days since enrolment" };
	ps_rep_km_render(&x.km, r, &sdc, &g, &words);
	ps_rep_heading(r, &r->body, 3, "Sessions attended");
	ps_rep_continuous_render(&x.sessions, r, &sdc, &g, "Sessions attended per participant", 1);

	/* data quality */
	ps_rep_heading(r, &r->quality, 3, "Retention (%s)", s->display);
	ps_rep_add(r, &r->quality, PS_REP_ITEM, "Session rows read: %s; rows rejected as invalid: %s.",
		   ps_sdc_text(&sdc, x.rows, a), ps_sdc_text(&sdc, x.rejected, b));
	ps_rep_add(r, &r->quality, PS_REP_ITEM, "Participants in cohorts other than the two compared: %s.",
		   ps_sdc_text(&sdc, x.other, a));
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < x.ncohorts; i++) {
			const struct cohort_ids *c = &x.cohorts[i];
			if (!c->label || strcmp(c->label, g.label[k]) != 0)
				continue;
			char pc[PS_WORDS_BUF], nv[40];
			const cJSON *cj = ps_rj(ps_rj(root, "cohorts"), c->label);
			long long p = ps_rj_count(cj, "participants"), d = ps_rj_count(cj, "dropped_out");
			if (ps_sdc_known(&sdc, c->participants) && ps_sdc_known(&sdc, c->dropped) && p > 0)
				ps_words_pct((double)d / (double)p, pc);
			else
				snprintf(pc, sizeof(pc), "*");
			ps_rep_add(r, &r->quality, PS_REP_ITEM,
				   "Attrition, %s: %s of %s participants dropped out (%s); %s never attended a session.",
				   g.words[k], ps_sdc_text(&sdc, c->dropped, a), ps_sdc_text(&sdc, c->participants, b), pc,
				   ps_sdc_text(&sdc, c->never, nv));
		}
	}
	ps_rep_add(r, &r->quality, PS_REP_ITEM,
		   "Participants still active whose attendance has not yet reached a checkpoint are not counted at that "
		   "checkpoint (not yet observable): their status there is not known yet.");

	/* methods */
	char def[400];
	snprintf(def, sizeof(def),
		 "dropped out after %lld days without attending; engaged early: at least %lld sessions in the first %lld days; "
		 "as-of date %s (%s)",
		 ps_rj_count(options, "dropout_gap_days"), ps_rj_count(options, "engaged_min"),
		 ps_rj_count(options, "engaged_window_days"), ps_rj_str(options, "as_of") ? ps_rj_str(options, "as_of") : "?",
		 ps_rj_str(options, "as_of_rule") ? ps_rj_str(options, "as_of_rule") : "?");
	ps_rep_method(r, "Retention definitions", def);
	if (x.ncheckpoints)
		ps_rep_methods_from(r, "Retention at checkpoints", ps_rj(x.checkpoint_json[0], "comparison"));
	ps_rep_methods_from(r, "Time to dropout", ps_rj(root, "time_to_dropout"));
	ps_rep_methods_from(r, "Sessions attended", ps_rj(root, "sessions"));
	free(x.cohorts);
	ps_sdc_release(&sdc);
}
