/*
 * The report's section for a `compare` summary: one part per outcome column (binary: shares;
 * continuous: means), the follow-up rate of each outcome against the 80% target, methods.
 */
#include <stdio.h>
#include <string.h>

#include "report_sections.h"
#include "report_words.h"

#define MAX_VALUES 64
#define FOLLOW_UP_TARGET 0.8

struct outcome {
	const char *name;
	const cJSON *json;
	int binary;
	struct ps_rep_binary b;
	struct ps_rep_continuous c;
	size_t n[2], missing[2];
};

void ps_rep_section_compare(struct ps_report *r, const struct ps_rep_summary *s)
{
	struct ps_sdc sdc;
	struct ps_rep_groups g;
	static struct outcome out[MAX_VALUES];
	memset(out, 0, sizeof(out));
	size_t nout = 0;
	const cJSON *root = s->root, *options = ps_rj(root, "options"), *input = ps_rj(root, "input");
	const cJSON *left = ps_rj(input, "groups_left_out");
	ps_sdc_init(&sdc, r->min_cell);
	ps_rep_groups_init(&g, options);
	const cJSON *values = ps_rj(root, "values");
	if (values) {
		const cJSON *v;
		cJSON_ArrayForEach(v, values) if (nout < MAX_VALUES)
		{
			out[nout].name = v->string;
			out[nout++].json = v;
		}
	} else {
		const cJSON *names = ps_rj(options, "values");
		out[0].name = cJSON_IsArray(names) && cJSON_IsString(names->child) ? names->child->valuestring : "outcome";
		out[0].json = root;
		nout = 1;
	}
	size_t rows = ps_sdc_cell(&sdc, ps_rj_count(input, "rows"));
	size_t rejected = ps_sdc_cell(&sdc, ps_rj_count(input, "rejected_rows"));
	size_t missing_group = ps_sdc_cell(&sdc, ps_rj_count(left, "missing_group"));
	size_t other = ps_sdc_cell(&sdc, ps_rj_count(left, "other_groups"));
	/* the rows of each group: n + missing of any outcome; one cell for all outcomes */
	size_t group_rows[2];
	for (int k = 0; k < 2; k++) {
		const cJSON *grp = ps_rj(ps_rj(out[0].json, "groups"), g.label[k]);
		long long n = ps_rj_count(grp, "n"), m = ps_rj_count(grp, "missing");
		group_rows[k] = ps_sdc_implicit(&sdc, n >= 0 && m >= 0 ? n + m : -1);
	}
	size_t parts[4] = { group_rows[0], group_rows[1], missing_group, other };
	ps_sdc_sum(&sdc, rows, parts, 4);
	for (size_t i = 0; i < nout; i++) {
		const char *kind = ps_rj_str(out[i].json, "kind");
		out[i].binary = kind && strcmp(kind, "binary") == 0;
		if (out[i].binary) {
			ps_rep_binary_register(&out[i].b, &sdc, out[i].json, &g, group_rows);
			memcpy(out[i].n, out[i].b.n, sizeof(out[i].n));
			memcpy(out[i].missing, out[i].b.missing, sizeof(out[i].missing));
		} else {
			ps_rep_continuous_register(&out[i].c, &sdc, out[i].json, &g, group_rows);
			memcpy(out[i].n, out[i].c.n, sizeof(out[i].n));
			memcpy(out[i].missing, out[i].c.missing, sizeof(out[i].missing));
		}
	}
	ps_sdc_solve(&sdc);

	ps_rep_heading(r, &r->body, 2, "Outcomes compared: %s",
		       ps_rj_str(input, "file") ? ps_rj_str(input, "file") : s->display);
	ps_rep_add(r, &r->body, PS_REP_PARA, "Group %s (treatment) is compared with group %s (control)%s.", g.words[0],
		   g.words[1], ps_rj_str(options, "p_adjust") ? "; p-values are adjusted for the several outcomes" : "");
	for (size_t i = 0; i < nout; i++) {
		char name[200];
		snprintf(name, sizeof(name), "Outcome '%s'", out[i].name);
		ps_rep_heading(r, &r->body, 3, "%s", name);
		if (out[i].binary)
			ps_rep_binary_render(&out[i].b, r, &sdc, &g, name, 1);
		else
			ps_rep_continuous_render(&out[i].c, r, &sdc, &g, name, 1);
	}

	char a[40], b[40], c[40], d[40];
	ps_rep_heading(r, &r->quality, 3, "Outcomes compared (%s)", s->display);
	ps_rep_add(r, &r->quality, PS_REP_ITEM, "Rows read: %s; rows rejected as invalid: %s; left out: %s without a group, %s of other groups.",
		   ps_sdc_text(&sdc, rows, a), ps_sdc_text(&sdc, rejected, b), ps_sdc_text(&sdc, missing_group, c),
		   ps_sdc_text(&sdc, other, d));
	for (size_t i = 0; i < nout; i++)
		for (int k = 0; k < 2; k++) {
			const cJSON *grp = ps_rj(ps_rj(out[i].json, "groups"), g.label[k]);
			long long n = ps_rj_count(grp, "n"), m = ps_rj_count(grp, "missing");
			char pc[PS_WORDS_BUF], verdict[120];
			if (ps_sdc_known(&sdc, out[i].n[k]) && ps_sdc_known(&sdc, out[i].missing[k]) && n + m > 0) {
				double rate = (double)n / (double)(n + m);
				ps_words_pct(rate, pc);
				snprintf(verdict, sizeof(verdict), "%s, %s the 80%% target", pc,
					 rate >= FOLLOW_UP_TARGET ? "meeting" : "below");
			} else {
				snprintf(verdict, sizeof(verdict), "rate withheld");
			}
			ps_rep_add(r, &r->quality, PS_REP_ITEM, "Follow-up of '%s', %s: recorded for %s, missing for %s (%s).",
				   out[i].name, g.words[k], ps_sdc_text(&sdc, out[i].n[k], a), ps_sdc_text(&sdc, out[i].missing[k], b),
				   verdict);
		}
	ps_rep_methods_from(r, "Outcomes compared", values ? values : root);
	ps_sdc_release(&sdc);
}
