#ifndef PEERSTAT_CMD_REPORT_SECTIONS_H
#define PEERSTAT_CMD_REPORT_SECTIONS_H

/*
 * The parts of `peerstat report`: one section per kind of summary (report_<kind>.c), built from
 * shared blocks (Kaplan-Meier: report_km.c; two-group binary and continuous comparisons:
 * report_groups.c). Each section works in two passes around one ps_sdc per summary: register
 * every count it will print and the sums that link them, ps_sdc_solve, then write its blocks,
 * printing counts through ps_sdc_text and derived figures only when their counts are known.
 * Sections add the headline findings, the body, data quality and methods items to the report.
 */

#include <cjson/cJSON.h>

#include "report_doc.h"
#include "report_load.h"
#include "report_sdc.h"

#define PS_REP_MAX_TICKS 16

/* A section: adds the parts of one summary to the report. */
typedef void (*ps_rep_section_fn)(struct ps_report *r, const struct ps_rep_summary *s);

/*
 * The section for a command, NULL when the command is known but has no section.
 */
ps_rep_section_fn ps_rep_section_for(const char *command);

void ps_rep_section_retention(struct ps_report *r, const struct ps_rep_summary *s);
void ps_rep_section_survival(struct ps_report *r, const struct ps_rep_summary *s);
void ps_rep_section_compare(struct ps_report *r, const struct ps_rep_summary *s);
void ps_rep_section_isolation(struct ps_report *r, const struct ps_rep_summary *s);
void ps_rep_section_sobriety(struct ps_report *r, const struct ps_rep_summary *s);

/* The two groups of a summary: [0] treatment, [1] control (JSON labels and words for text). */
struct ps_rep_groups {
	const char *label[2];
	char words[2][96];
};

/* From options.treatment / options.control. */
void ps_rep_groups_init(struct ps_rep_groups *g, const cJSON *options);

/* ---- Kaplan-Meier block (the `survival` contract) ---- */

struct ps_rep_km_words {
	const char *what;        /* "Time to dropout" */
	const char *event;       /* noun: "dropping out" */
	const char *still;       /* the curve: "still attending", "without the event" */
	const char *time_unit;   /* "days" or "time units" */
	const char *xlabel;      /* the chart's time axis */
};

struct ps_rep_km {
	const cJSON *surv;                   /* the survival-contract object */
	const cJSON *group[2];
	size_t n[2], events[2], censored[2];
	double ticks[PS_REP_MAX_TICKS];
	size_t nticks;
	size_t at_risk[2][PS_REP_MAX_TICKS]; /* sdc ids */
	double xmax;
};

/* Register the counts of surv (n, events, censored, numbers at risk at the ticks). */
void ps_rep_km_register(struct ps_rep_km *km, struct ps_sdc *sdc, const cJSON *surv, const struct ps_rep_groups *g);

/* Write the block: findings, table of groups, the chart with numbers at risk, methods. */
void ps_rep_km_render(struct ps_rep_km *km, struct ps_report *r, const struct ps_sdc *sdc,
		      const struct ps_rep_groups *g, const struct ps_rep_km_words *w);

/* ---- two-group comparisons (the `compare` contract) ---- */

struct ps_rep_binary {
	const cJSON *cmp;        /* the compare-contract object: groups, tests, effects */
	size_t n[2], events[2], missing[2];
	int has_missing;
};

/*
 * Register a binary comparison: n = events + non-events per group; total (an id, or
 * (size_t)-1) = n + missing when missing is printed (missing_ids non-NULL gets their ids).
 */
void ps_rep_binary_register(struct ps_rep_binary *b, struct ps_sdc *sdc, const cJSON *cmp, const struct ps_rep_groups *g,
			    const size_t total[2]);

/* Are all four cells of the 2x2 table known? */
int ps_rep_binary_known(const struct ps_rep_binary *b, const struct ps_sdc *sdc);

/* The difference sentence tail: "difference 17 points, 95% CI 9 to 25; p < 0.001" (buf >= 256). */
char *ps_rep_binary_diff(const struct ps_rep_binary *b, char *buf, size_t size, double *p_out, double *rd_out);

struct ps_rep_continuous {
	const cJSON *cmp;
	size_t n[2], missing[2];
};

void ps_rep_continuous_register(struct ps_rep_continuous *c, struct ps_sdc *sdc, const cJSON *cmp,
				const struct ps_rep_groups *g, const size_t total[2]);

/*
 * Write a continuous comparison: a table (n, mean, SD, median, quartiles), the finding
 * (Welch difference with its interval; Hedges' g; Mann-Whitney), paired change and ANCOVA when
 * present. name: what was measured ("sessions attended"). headline: add the finding there too.
 */
void ps_rep_continuous_render(const struct ps_rep_continuous *c, struct ps_report *r, const struct ps_sdc *sdc,
			      const struct ps_rep_groups *g, const char *name, int headline);

/*
 * Write a binary comparison of a compare summary: table with proportions, the finding, effects.
 */
void ps_rep_binary_render(const struct ps_rep_binary *b, struct ps_report *r, const struct ps_sdc *sdc,
			  const struct ps_rep_groups *g, const char *name, int headline);

/* Methods items for every "method" member under o (recursively), labelled with what. */
void ps_rep_methods_from(struct ps_report *r, const char *what, const cJSON *o);

/* The sentence about small numbers that tables carry as a footnote when something was hidden. */
const char *ps_rep_suppression_note(const struct ps_report *r);

#endif
