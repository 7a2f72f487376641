/* The report's section for a `survival` summary: the Kaplan-Meier block, data quality, methods. */
#include <stdio.h>
#include <string.h>

#include "report_sections.h"
#include "report_words.h"

void ps_rep_section_survival(struct ps_report *r, const struct ps_rep_summary *s)
{
	struct ps_sdc sdc;
	struct ps_rep_groups g;
	struct ps_rep_km km;
	const cJSON *root = s->root, *options = ps_rj(root, "options"), *input = ps_rj(root, "input");
	const cJSON *left = ps_rj(input, "groups_left_out");
	ps_sdc_init(&sdc, r->min_cell);
	ps_rep_groups_init(&g, options);
	size_t rows = ps_sdc_cell(&sdc, ps_rj_count(input, "rows"));
	size_t rejected = ps_sdc_cell(&sdc, ps_rj_count(input, "rejected_rows"));
	size_t missing_group = ps_sdc_cell(&sdc, ps_rj_count(left, "missing_group"));
	size_t other = ps_sdc_cell(&sdc, ps_rj_count(left, "other_groups"));
	ps_rep_km_register(&km, &sdc, root, &g);
	size_t missing[2];
	for (int k = 0; k < 2; k++)
		missing[k] = ps_sdc_cell(&sdc, ps_rj_count(ps_rj(ps_rj(root, "groups"), g.label[k]), "missing"));
	size_t parts[6] = { km.n[0], missing[0], km.n[1], missing[1], missing_group, other };
	ps_sdc_sum(&sdc, rows, parts, 6);
	ps_sdc_solve(&sdc);

	const char *time = ps_rj_str(options, "time") ? ps_rj_str(options, "time") : "time";
	const char *event = ps_rj_str(options, "event") ? ps_rj_str(options, "event") : "event";
	char what[200], ev[200], xl[200];
	snprintf(what, sizeof(what), "Time to event ('%s')", event);
	snprintf(ev, sizeof(ev), "the event ('%s')", event);
	snprintf(xl, sizeof(xl), "Time ('%s')", time);
	struct ps_rep_km_words words = { what, ev, "without the event", "time units", xl };
	ps_rep_heading(r, &r->body, 2, "Time to event: %s", ps_rj_str(input, "file") ? ps_rj_str(input, "file") : s->display);
	ps_rep_add(r, &r->body, PS_REP_PARA,
		   "Group %s (treatment) is compared with group %s (control): time from column '%s', event from column "
		   "'%s'%s.",
		   g.words[0], g.words[1], time, event,
		   ps_rj_str(options, "strata") ? "; the tests are stratified" : "");
	ps_rep_km_render(&km, r, &sdc, &g, &words);

	char a[40], b[40], c[40], d[40];
	ps_rep_heading(r, &r->quality, 3, "Time to event (%s)", s->display);
	ps_rep_add(r, &r->quality, PS_REP_ITEM, "Rows read: %s; rows rejected as invalid: %s.", ps_sdc_text(&sdc, rows, a),
		   ps_sdc_text(&sdc, rejected, b));
	ps_rep_add(r, &r->quality, PS_REP_ITEM,
		   "Left out: %s rows without a group, %s rows of other groups; rows with a missing time or event: %s "
		   "(%s), %s (%s).",
		   ps_sdc_text(&sdc, missing_group, a), ps_sdc_text(&sdc, other, b), ps_sdc_text(&sdc, missing[0], c),
		   g.words[0], ps_sdc_text(&sdc, missing[1], d), g.words[1]);
	ps_rep_methods_from(r, "Time to event", root);
	ps_sdc_release(&sdc);
}
