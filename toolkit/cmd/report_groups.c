/*
 * Two-group blocks of the report from the `compare` contract: a binary outcome (proportions,
 * Wilson intervals, risk difference, chi-square / Fisher) and a continuous one (means, Welch,
 * Hedges' g, Mann-Whitney, paired change, ANCOVA). Also the helpers every section uses.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_sections.h"
#include "report_words.h"

void ps_rep_groups_init(struct ps_rep_groups *g, const cJSON *options)
{
	g->label[0] = ps_rj_str(options, "treatment");
	g->label[1] = ps_rj_str(options, "control");
	if (!g->label[0])
		g->label[0] = "treatment";
	if (!g->label[1])
		g->label[1] = "control";
	for (int k = 0; k < 2; k++) {
		/* a number as a label reads badly alone: "group 1" */
		if (g->label[k][0] >= '0' && g->label[k][0] <= '9') {
			char w[PS_WORDS_BUF];
			snprintf(g->words[k], sizeof(g->words[k]), "group %.80s", ps_words_label(g->label[k], w));
		} else {
			ps_words_label(g->label[k], g->words[k]);
		}
	}
}

const char *ps_rep_suppression_note(const struct ps_report *r)
{
	static char note[200];
	if (r->min_cell <= 0)
		return NULL;
	snprintf(note, sizeof(note),
		 "<%ld: a count from 1 to %ld, hidden. *: withheld so that a hidden count cannot be worked out from the "
		 "figures shown.",
		 r->min_cell, r->min_cell - 1);
	return note;
}

void ps_rep_methods_from(struct ps_report *r, const char *what, const cJSON *o)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, o)
	{
		if (cJSON_IsString(item) && item->string &&
		    (strcmp(item->string, "method") == 0 || strcmp(item->string, "ci_method") == 0 ||
		     strcmp(item->string, "estimate_method") == 0 || strcmp(item->string, "tau_rule") == 0))
			ps_rep_method(r, what, item->valuestring);
		else if (cJSON_IsObject(item) || cJSON_IsArray(item))
			ps_rep_methods_from(r, what, item);
	}
}

/* ---- binary ---- */

void ps_rep_binary_register(struct ps_rep_binary *b, struct ps_sdc *sdc, const cJSON *cmp, const struct ps_rep_groups *g,
			    const size_t total[2])
{
	b->cmp = cmp;
	const cJSON *groups = ps_rj(cmp, "groups");
	for (int k = 0; k < 2; k++) {
		const cJSON *grp = ps_rj(groups, g->label[k]);
		long long n = ps_rj_count(grp, "n"), e = ps_rj_count(grp, "events"), m = ps_rj_count(grp, "missing");
		b->n[k] = ps_sdc_cell(sdc, n);
		b->events[k] = ps_sdc_cell(sdc, e);
		size_t non = ps_sdc_implicit(sdc, n >= 0 && e >= 0 ? n - e : -1);
		size_t parts[2] = { b->events[k], non };
		ps_sdc_sum(sdc, b->n[k], parts, 2);
		if (total) {
			b->missing[k] = ps_sdc_cell(sdc, m);
			size_t parts2[2] = { b->n[k], b->missing[k] };
			ps_sdc_sum(sdc, total[k], parts2, 2);
			b->has_missing = 1;
		}
	}
}

int ps_rep_binary_known(const struct ps_rep_binary *b, const struct ps_sdc *sdc)
{
	size_t ids[4] = { b->n[0], b->events[0], b->n[1], b->events[1] };
	return ps_sdc_all_known(sdc, ids, 4);
}

/* The p-value quoted for a 2x2 table: Pearson's chi-square, Fisher's when expected counts are small. */
static double binary_p(const cJSON *tests, const char **name)
{
	const cJSON *chi = ps_rj(tests, "chi_square");
	const cJSON *fisher = ps_rj(tests, "fisher_exact");
	const cJSON *use = chi && !ps_rj_str(chi, "note") ? chi : fisher;
	*name = use == chi ? "chi-square test" : "Fisher's exact test";
	double adj = ps_rj_num(use, "p_value_adjusted");
	if (isfinite(adj)) {
		*name = use == chi ? "chi-square test, adjusted for multiple testing" : "Fisher's exact test, adjusted for multiple testing";
		return adj;
	}
	return ps_rj_num(use, "p_value");
}

char *ps_rep_binary_diff(const struct ps_rep_binary *b, char *buf, size_t size, double *p_out, double *rd_out)
{
	const cJSON *rd = ps_rj(ps_rj(b->cmp, "effects"), "risk_difference");
	const char *test;
	double p = binary_p(ps_rj(b->cmp, "tests"), &test);
	double est = ps_rj_num(rd, "estimate"), conf = ps_rj_num(rd, "conf_level");
	char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF], pw[PS_WORDS_BUF];
	ps_words_points(est, e);
	ps_words_points(ps_rj_num(rd, "ci_lower"), lo);
	ps_words_points(ps_rj_num(rd, "ci_upper"), hi);
	ps_words_ci(conf, lo, hi, ci);
	ps_words_p(p, pw);
	snprintf(buf, size, "difference %s percentage points, %s; %s, %s", e, ci, pw, test);
	if (p_out)
		*p_out = p;
	if (rd_out)
		*rd_out = est;
	return buf;
}

/* "71% (95% CI 66% to 76%)" */
static char *pct_ci(const cJSON *grp, char *buf, size_t size)
{
	char p[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF];
	ps_words_pct(ps_rj_num(grp, "proportion"), p);
	ps_words_pct(ps_rj_num(grp, "ci_lower"), lo);
	ps_words_pct(ps_rj_num(grp, "ci_upper"), hi);
	ps_words_ci(ps_rj_num(grp, "conf_level"), lo, hi, ci);
	snprintf(buf, size, "%s (%s)", p, ci);
	return buf;
}

static const char *withheld_text(const struct ps_report *r)
{
	static char text[120];
	snprintf(text, sizeof(text), "withheld (a count below %ld)", r->min_cell);
	return text;
}

void ps_rep_binary_render(const struct ps_rep_binary *b, struct ps_report *r, const struct ps_sdc *sdc,
			  const struct ps_rep_groups *g, const char *name, int headline)
{
	const cJSON *groups = ps_rj(b->cmp, "groups");
	char c1[40], c2[40], c3[40], pc[200];
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 5, name);
	ps_rep_cell(r, t, "group");
	ps_rep_cell(r, t, "with a value");
	ps_rep_cell(r, t, "yes");
	ps_rep_cell(r, t, "%% yes (interval)");
	ps_rep_cell(r, t, "missing");
	int hidden = 0;
	for (int k = 0; k < 2; k++) {
		const cJSON *grp = ps_rj(groups, g->label[k]);
		int known = ps_sdc_known(sdc, b->n[k]) && ps_sdc_known(sdc, b->events[k]);
		hidden |= !known || (b->has_missing && !ps_sdc_known(sdc, b->missing[k]));
		ps_rep_cell(r, t, "%s", g->words[k]);
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, b->n[k], c1));
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, b->events[k], c2));
		ps_rep_cell(r, t, "%s", known ? pct_ci(grp, pc, sizeof(pc)) : "*");
		ps_rep_cell(r, t, "%s", b->has_missing ? ps_sdc_text(sdc, b->missing[k], c3) : "-");
	}
	if (hidden && ps_rep_suppression_note(r))
		ps_rep_table_note(r, t, ps_rep_suppression_note(r));
	char finding[1400], diff[300];
	if (!ps_rep_binary_known(b, sdc)) {
		snprintf(finding, sizeof(finding), "%s: the comparison of %s with %s is %s.", name, g->words[0], g->words[1],
			 withheld_text(r));
	} else {
		double p, rd;
		ps_rep_binary_diff(b, diff, sizeof(diff), &p, &rd);
		char p0[PS_WORDS_BUF], p1[PS_WORDS_BUF];
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[0]), "proportion"), p0);
		ps_words_pct(ps_rj_num(ps_rj(groups, g->label[1]), "proportion"), p1);
		double conf = ps_rj_num(ps_rj(ps_rj(b->cmp, "effects"), "risk_difference"), "conf_level");
		if (ps_words_shown(p, conf))
			snprintf(finding, sizeof(finding), "%s: %s among %s versus %s among %s, %s for %s (%s).", name, p0,
				 g->words[0], p1, g->words[1], rd > 0 ? "higher" : "lower", g->words[0], diff);
		else
			snprintf(finding, sizeof(finding),
				 "%s: %s among %s versus %s among %s; a difference between the groups was not shown (%s).", name,
				 p0, g->words[0], p1, g->words[1], diff);
	}
	ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);
	if (headline)
		ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
	if (ps_rep_binary_known(b, sdc)) {
		const cJSON *effects = ps_rj(b->cmp, "effects");
		struct ps_rep_table *e = ps_rep_table(r, &r->body, 3, "Effect measures (treatment versus control)");
		ps_rep_cell(r, e, "measure");
		ps_rep_cell(r, e, "estimate");
		ps_rep_cell(r, e, "interval");
		static const char *const keys[3] = { "risk_difference", "risk_ratio", "odds_ratio" };
		static const char *const names[3] = { "risk difference (points)", "risk ratio", "odds ratio" };
		for (int i = 0; i < 3; i++) {
			const cJSON *x = ps_rj(effects, keys[i]);
			char est[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF];
			if (i == 0) {
				ps_words_points(ps_rj_num(x, "estimate"), est);
				ps_words_points(ps_rj_num(x, "ci_lower"), lo);
				ps_words_points(ps_rj_num(x, "ci_upper"), hi);
			} else {
				ps_words_num(ps_rj_num(x, "estimate"), 2, est);
				ps_words_num(ps_rj_num(x, "ci_lower"), 2, lo);
				ps_words_num(ps_rj_num(x, "ci_upper"), 2, hi);
			}
			ps_rep_cell(r, e, "%s", names[i]);
			ps_rep_cell(r, e, "%s", est);
			ps_rep_cell(r, e, "%s", ps_words_ci(ps_rj_num(x, "conf_level"), lo, hi, ci));
		}
	}
}

/* ---- continuous ---- */

void ps_rep_continuous_register(struct ps_rep_continuous *c, struct ps_sdc *sdc, const cJSON *cmp,
				const struct ps_rep_groups *g, const size_t total[2])
{
	c->cmp = cmp;
	const cJSON *groups = ps_rj(cmp, "groups");
	for (int k = 0; k < 2; k++) {
		const cJSON *grp = ps_rj(groups, g->label[k]);
		c->n[k] = ps_sdc_cell(sdc, ps_rj_count(grp, "n"));
		c->missing[k] = ps_sdc_cell(sdc, ps_rj_count(grp, "missing"));
		size_t parts[2] = { c->n[k], c->missing[k] };
		if (total)
			ps_sdc_sum(sdc, total[k], parts, 2);
	}
}

/* "6.09 (95% CI 4.94 to 7.24; p < 0.001)" from a test block with estimate/ci/p. */
static char *estimate_ci_p(const cJSON *x, int decimals, char *buf, size_t size)
{
	char e[PS_WORDS_BUF], lo[PS_WORDS_BUF], hi[PS_WORDS_BUF], ci[PS_WORDS_BUF], p[PS_WORDS_BUF];
	ps_words_num(ps_rj_num(x, "estimate"), decimals, e);
	ps_words_num(ps_rj_num(x, "ci_lower"), decimals, lo);
	ps_words_num(ps_rj_num(x, "ci_upper"), decimals, hi);
	ps_words_ci(ps_rj_num(x, "conf_level"), lo, hi, ci);
	double padj = ps_rj_num(x, "p_value_adjusted"), pv = isfinite(padj) ? padj : ps_rj_num(x, "p_value");
	ps_words_p(pv, p);
	if (isfinite(pv))
		ps_words_fmt(buf, size, "%s (%s; %s%s)", e, ci, p, isfinite(padj) ? ", adjusted for multiple testing" : "");
	else
		snprintf(buf, size, "%s (%s)", e, ci);
	return buf;
}

void ps_rep_continuous_render(const struct ps_rep_continuous *c, struct ps_report *r, const struct ps_sdc *sdc,
			      const struct ps_rep_groups *g, const char *name, int headline)
{
	const cJSON *groups = ps_rj(c->cmp, "groups");
	char c1[40], c2[40];
	struct ps_rep_table *t = ps_rep_table(r, &r->body, 5, name);
	ps_rep_cell(r, t, "group");
	ps_rep_cell(r, t, "with a value");
	ps_rep_cell(r, t, "missing");
	ps_rep_cell(r, t, "mean (SD)");
	ps_rep_cell(r, t, "median (quartiles)");
	int hidden = 0, known[2];
	double mean[2];
	for (int k = 0; k < 2; k++) {
		const cJSON *grp = ps_rj(groups, g->label[k]);
		known[k] = ps_sdc_known(sdc, c->n[k]);
		hidden |= !known[k] || !ps_sdc_known(sdc, c->missing[k]);
		mean[k] = ps_rj_num(grp, "mean");
		int d = ps_words_decimals(mean[k]);
		char m[PS_WORDS_BUF], sd[PS_WORDS_BUF], md[PS_WORDS_BUF], q1[PS_WORDS_BUF], q3[PS_WORDS_BUF];
		ps_rep_cell(r, t, "%s", g->words[k]);
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, c->n[k], c1));
		ps_rep_cell(r, t, "%s", ps_sdc_text(sdc, c->missing[k], c2));
		if (known[k]) {
			ps_rep_cell(r, t, "%s (%s)", ps_words_num(mean[k], d, m), ps_words_num(ps_rj_num(grp, "sd"), d, sd));
			ps_rep_cell(r, t, "%s (%s to %s)", ps_words_num(ps_rj_num(grp, "median"), d, md),
				    ps_words_num(ps_rj_num(grp, "q1"), d, q1), ps_words_num(ps_rj_num(grp, "q3"), d, q3));
		} else {
			ps_rep_cell(r, t, "*");
			ps_rep_cell(r, t, "*");
		}
	}
	if (hidden && ps_rep_suppression_note(r))
		ps_rep_table_note(r, t, ps_rep_suppression_note(r));
	char finding[1400], ecp[300];
	if (!known[0] || !known[1]) {
		snprintf(finding, sizeof(finding), "%s: the comparison of %s with %s is %s.", name, g->words[0], g->words[1],
			 withheld_text(r));
		ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);
		if (headline)
			ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
		return;
	}
	const cJSON *tests = ps_rj(c->cmp, "tests");
	const cJSON *welch = ps_rj(tests, "welch_t");
	double est = ps_rj_num(welch, "estimate"), padj = ps_rj_num(welch, "p_value_adjusted");
	double p = isfinite(padj) ? padj : ps_rj_num(welch, "p_value");
	int d = ps_words_decimals(est);
	char m0[PS_WORDS_BUF], m1[PS_WORDS_BUF];
	ps_words_num(mean[0], ps_words_decimals(mean[0]), m0);
	ps_words_num(mean[1], ps_words_decimals(mean[1]), m1);
	estimate_ci_p(welch, d, ecp, sizeof(ecp));
	if (ps_words_shown(p, ps_rj_num(welch, "conf_level")))
		snprintf(finding, sizeof(finding), "%s: %s averaged %s versus %s for %s, %s by %s.", name, g->words[0], m0, m1,
			 g->words[1], est > 0 ? "higher" : "lower", ecp);
	else
		snprintf(finding, sizeof(finding),
			 "%s: %s averaged %s versus %s for %s; a difference between the groups was not shown: difference %s.",
			 name, g->words[0], m0, m1, g->words[1], ecp);
	ps_rep_add(r, &r->body, PS_REP_PARA, "%s", finding);
	if (headline)
		ps_rep_add(r, &r->headline, PS_REP_ITEM, "%s", finding);
	const cJSON *hg = ps_rj(ps_rj(c->cmp, "effects"), "hedges_g");
	const cJSON *mw = ps_rj(tests, "mann_whitney");
	char gtext[300], pw[PS_WORDS_BUF];
	ps_words_p(ps_rj_num(mw, "p_value"), pw);
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "Standardised difference (Hedges' g): %s. The rank-based Mann-Whitney test, which does not assume "
		   "normal data, gives %s.",
		   estimate_ci_p(hg, 2, gtext, sizeof(gtext)), pw);
	/* paired change and adjusted difference, when the summary has them */
	const cJSON *paired = ps_rj(c->cmp, "paired");
	if (paired) {
		const cJSON *pg = ps_rj(paired, "groups");
		for (int k = 0; k < 2; k++) {
			const cJSON *grp = ps_rj(pg, g->label[k]);
			ps_rep_add(r, &r->body, PS_REP_PARA, "Change from %s among %s: mean change %s.",
				   ps_rj_str(paired, "baseline") ? ps_rj_str(paired, "baseline") : "baseline", g->words[k],
				   estimate_ci_p(ps_rj(grp, "paired_t"), 2, gtext, sizeof(gtext)));
		}
		const cJSON *dw = ps_rj(ps_rj(paired, "difference"), "welch_t");
		ps_rep_add(r, &r->body, PS_REP_PARA, "Difference in change, %s minus %s: %s.", g->words[0], g->words[1],
			   estimate_ci_p(dw, 2, gtext, sizeof(gtext)));
	}
	const cJSON *ancova = ps_rj(c->cmp, "ancova");
	if (ancova)
		ps_rep_add(r, &r->body, PS_REP_PARA, "Difference adjusted for the covariates (ANCOVA), %s minus %s: %s.",
			   g->words[0], g->words[1], estimate_ci_p(ancova, 2, gtext, sizeof(gtext)));
}
