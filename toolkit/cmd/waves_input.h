#ifndef PEERSTAT_CMD_WAVES_INPUT_H
#define PEERSTAT_CMD_WAVES_INPUT_H

/*
 * Follow-up assessments in long format (the outcomes kind: one row per participant per wave)
 * read into one dense table of participants x waves, shared by `isolation` and `sobriety`.
 *
 * The command declares its value columns (the score, the abstinence flag, days used) with their
 * types and ranges; everything else is common: the column options (--id, --cohort, --site,
 * --wave, --assessed-on), the wave options (--baseline, --followup, --wave-order), the groups
 * (--treatment/--control/--ignore-other-groups over the cohort column) and the checks across
 * rows, each a data error at its line (or counted and skipped under --on-error skip):
 *   - a participant under two cohorts or two sites (two named values that differ: see below);
 *   - a second row of a participant for the same wave;
 *   - a wave label not in --wave-order (when given);
 *   - a follow-up (a wave after the baseline in wave order) dated before that participant's
 *     baseline (reported at the follow-up's line, after the whole input is read, since rows may
 *     come in any order).
 * Participants get their dense index in order of the 64-bit hash of their id (ps_partial_order_ids)
 * and wave labels theirs in byte order, so the table, and every sum over it, depends on the set
 * of rows only, not on their order or on how the input was split into partials.
 * Wave order: --wave-order when given; otherwise the baseline first, then the other labels in
 * natural order (runs of digits compared as numbers: 3m < 6m < 12m, month_3_arm_1 <
 * month_12_arm_1; numerically when every label is a number: -1 < 0 < 2.5 < 10). Baseline:
 * --baseline, else the label `baseline`, else the one label that starts with `baseline_`
 * (REDCap's `baseline_arm_1`), else the smallest label when every label is a number. Follow-up
 * waves: --followup (put in wave order), else every wave after the baseline in wave order.
 * Cohort and site are participant-level facts: a row may leave them blank (REDCap longitudinal
 * exports fill non-repeating fields such as the arm only on the baseline event's row), and a
 * blank takes the value that the participant's other rows name, whatever the row order. A
 * conflict is two named values that differ, reported at the later of the two rows. The cohort is
 * checked on every row, other cohorts' rows included (so a participant under `peer` and an
 * ignored cohort is an error); the site, and the one-row-per-wave rule, on the rows of the two
 * groups and of participants not yet named (a participant already known to be of an ignored
 * cohort gets only the cohort rule). A participant whose rows never name a cohort is left out:
 * their rows are counted in groups.missing_rows, the participants in unnamed_participants; the
 * blank rows of a participant of an ignored cohort are that cohort's (groups.other_rows). Memory
 * grows with rows and participants x waves (rows are kept until the end, since cohorts, labels
 * and the baseline are known only then).
 */

#include "common.h"
#include "peerstat/strmap.h"

struct ps_partial_meta;
struct ps_partial_options;

/*
 * What merge hands to `isolation` and `sobriety` instead of their input: the merged records of
 * their partials (the waves kind's state, below) and the summed input facts.
 */
struct ps_waves_pre {
	void *merged;                   /* from ps_waves_merge_create, filled by _record and _end */
	struct ps_partial_meta *meta;
};

enum { PS_WAVES_ID, PS_WAVES_COHORT, PS_WAVES_SITE, PS_WAVES_WAVE, PS_WAVES_DATE, PS_WAVES_NFIXED };

#define PS_WAVES_MAX_VALUES 4    /* value columns a command may declare */
#define PS_WAVES_MAX_WAVES 64    /* distinct wave labels */

/* Long options of the fixed columns and the wave selection; ids from PS_OPT_WAVES_BASE. */
#define PS_OPT_WAVES_BASE 800
enum {
	PS_OPT_WAVES_ID = PS_OPT_WAVES_BASE, PS_OPT_WAVES_COHORT, PS_OPT_WAVES_SITE, PS_OPT_WAVES_WAVE,
	PS_OPT_WAVES_DATE, PS_OPT_WAVES_BASELINE, PS_OPT_WAVES_FOLLOWUP, PS_OPT_WAVES_ORDER,
	PS_OPT_WAVES_TREATMENT, PS_OPT_WAVES_CONTROL, PS_OPT_WAVES_IGNORE_OTHER, PS_OPT_WAVES_END
};
#define PS_WAVES_LONG_OPTIONS                                                              \
	{ "id", required_argument, NULL, PS_OPT_WAVES_ID },                                \
	{ "cohort", required_argument, NULL, PS_OPT_WAVES_COHORT },                        \
	{ "site", required_argument, NULL, PS_OPT_WAVES_SITE },                            \
	{ "wave", required_argument, NULL, PS_OPT_WAVES_WAVE },                            \
	{ "assessed-on", required_argument, NULL, PS_OPT_WAVES_DATE },                     \
	{ "baseline", required_argument, NULL, PS_OPT_WAVES_BASELINE },                    \
	{ "followup", required_argument, NULL, PS_OPT_WAVES_FOLLOWUP },                    \
	{ "wave-order", required_argument, NULL, PS_OPT_WAVES_ORDER },                     \
	{ "treatment", required_argument, NULL, PS_OPT_WAVES_TREATMENT },                  \
	{ "control", required_argument, NULL, PS_OPT_WAVES_CONTROL },                      \
	{ "ignore-other-groups", no_argument, NULL, PS_OPT_WAVES_IGNORE_OTHER }

/* Usage text for those options, for the commands' help. */
extern const char ps_waves_options_help[];

struct ps_waves {
	/* Set up by ps_waves_init and the options, before ps_waves_read. */
	struct ps_field_spec fixed[PS_WAVES_NFIXED];      /* names remappable by the options */
	struct ps_field_spec value[PS_WAVES_MAX_VALUES];  /* the command's columns (type, range) */
	size_t nvalues;
	struct ps_groups groups;        /* over the cohort column */
	const char *baseline_label;     /* --baseline, or NULL for the default rule */
	char **followup_labels;         /* --followup, or NULL: every wave after the baseline */
	size_t nfollowup_labels;
	char **order_labels;            /* --wave-order, or NULL: natural order */
	size_t norder_labels;
	char *followup_storage, *order_storage;   /* what the label arrays point into (owned) */

	/* Results of ps_waves_read. Participants are those of the two groups only. */
	long fixed_index[PS_WAVES_NFIXED];        /* 0-based columns, -1 when absent (optional) */
	long value_index[PS_WAVES_MAX_VALUES];
	struct ps_strmap ids;           /* participant ids (never printed) */
	struct ps_strmap sites;         /* site labels */
	size_t nparticipants;
	int *group;                     /* [participant]: PS_GROUP_TREATMENT or PS_GROUP_CONTROL */
	size_t *site;                   /* [participant]: index into sites, SIZE_MAX when none */
	struct ps_strmap labels;        /* wave labels as first seen */
	size_t nwaves;                  /* labels.count */
	size_t *order;                  /* [k]: the label index of the k-th wave in wave order */
	size_t baseline;                /* label index of the baseline */
	size_t *followups;              /* label indices of the follow-up waves, in order */
	size_t nfollowups;
	const char *baseline_rule;      /* how the baseline was chosen (static text, for the JSON) */
	const char *order_rule;         /* how the waves were ordered (static text) */
	unsigned long wave_rows[PS_WAVES_MAX_WAVES];  /* [label]: rows kept (two groups only) */
	/* Cells, [participant * nwaves + label]: */
	unsigned char *present;         /* 1 when the participant has a row for that wave */
	int32_t *assessed_on;           /* days since 1970-01-01, PS_WAVES_NO_DAY when missing */
	double *values;                 /* [(participant * nwaves + label) * nvalues + v], NAN missing */
	unsigned long *line;            /* the row's line, for messages */

	struct ps_rejects rejects;      /* rows rejected under --on-error skip, and the first errors */
	unsigned long rows;             /* rows accepted (other groups' rows included) */
	unsigned long blank_lines;
	unsigned long other_participants;   /* participants of other cohorts (--ignore-other-groups) */
	unsigned long unnamed_participants; /* participants whose rows never name a cohort (left out;
					     * their rows are groups.missing_rows) */
	const char *display;            /* the input's name in messages */
	const struct ps_waves_pre *pre; /* set before ps_waves_read: take the merged partials instead
					 * of reading (their records are used up) */
};

#define PS_WAVES_NO_DAY INT32_MIN

/*
 * Defaults: the outcomes kind's column names (docs/schema.md), groups peer vs therapy_only over
 * `cohort`, no value columns. The command then fills value[] and nvalues.
 */
void ps_waves_init(struct ps_waves *w);

/*
 * Handle a wave option (PS_OPT_WAVES_ID ... PS_OPT_WAVES_END - 1): *handled says whether opt was
 * one. Returns PS_EUSAGE (message printed) for a bad value, PS_ENOMEM, or PS_OK.
 */
enum ps_status ps_waves_option(const struct ps_common *common, struct ps_waves *w, int opt, const char *arg,
			       int *handled);

/*
 * Read path (NULL or "-": standard input) into the results, check the rules across rows,
 * resolve the baseline and the follow-up waves. Reports errors itself (messages on stderr:
 * a baseline or follow-up label that no row has is a data error naming the labels present and
 * the option to use) and returns the status.
 */
enum ps_status ps_waves_read(struct ps_waves *w, const struct ps_common *common, const char *path);

/*
 * --partial: read path as ps_waves_read does, up to the rules across rows that need the whole
 * input (cohorts and sites given on other rows, the baseline, follow-ups dated before it), and
 * write the partial summary (options: what the command records) to -o FILE or stdout instead:
 * one record line per participant in id-hash order, docs/scale.md "Records of isolation and
 * sobriety". Reports its errors; returns the status.
 */
enum ps_status ps_waves_write_partial(struct ps_waves *w, const struct ps_common *common, const char *path,
				      const struct ps_partial_options *options);

/*
 * The partial kind of the waves commands (struct ps_partial_kind, partial.h): a running total of
 * participants and their waves; a record line is checked and added at once (a participant
 * split between partials gets the union of its waves; a wave in two partials, two cohorts or
 * two sites are PS_EDATA with err's message set, as in one pass); _end closes a partial. The
 * state goes to the command through struct ps_waves_pre; _destroy frees it.
 */
void *ps_waves_merge_create(void);
enum ps_status ps_waves_merge_record(void *state, const char *line, size_t len, struct ps_error *err);
enum ps_status ps_waves_merge_end(void *state, struct ps_error *err);
void ps_waves_merge_destroy(void *state);

/* The commands with the input given (merge: pre) or read (pre NULL). */
enum ps_status ps_isolation_main(int argc, char **argv, const struct ps_waves_pre *pre);
enum ps_status ps_sobriety_main(int argc, char **argv, const struct ps_waves_pre *pre);

/* The cell of participant p at wave label index k. */
static inline size_t ps_waves_cell(const struct ps_waves *w, size_t p, size_t k)
{
	return p * w->nwaves + k;
}

/* Value v of participant p at label k (NAN when missing or no row). */
static inline double ps_waves_value(const struct ps_waves *w, size_t p, size_t k, size_t v)
{
	return w->values[ps_waves_cell(w, p, k) * w->nvalues + v];
}

/* Add the input facts (rows, rejected rows, groups left out, waves in order) to input. */
void ps_waves_json_input(const struct ps_waves *w, struct ps_doc *doc, cJSON *input);

void ps_waves_release(struct ps_waves *w);

#endif
