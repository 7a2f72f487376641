#ifndef PEERSTAT_CMD_ATTENDANCE_INPUT_H
#define PEERSTAT_CMD_ATTENDANCE_INPUT_H

/*
 * Reading an attendance roll into a roster (per-participant facts), shared by `participants`
 * and `retention`: the column options (--id, --cohort, --site, --date, --attended,
 * --enrolled-on), the checks of every row with a located message, and two-thread reading of a
 * regular file with the two rosters merged. A rule broken across the two halves (a duplicate
 * session split between them) is found by the merge without a line number: the file is then
 * read again in one pass, so that the message points at the line exactly as a one-thread run
 * would. Results never depend on the number of threads.
 */

#include "common.h"
#include "peerstat/roster.h"

enum {
	PS_ATT_ID, PS_ATT_COHORT, PS_ATT_SITE, PS_ATT_DATE, PS_ATT_ATTENDED, PS_ATT_ENROLLED, PS_ATT_NCOLUMNS
};

/* Long options for the columns; ids PS_OPT_ATT_BASE + PS_ATT_* */
#define PS_OPT_ATT_BASE 900
#define PS_ATTENDANCE_LONG_OPTIONS                                                         \
	{ "id", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_ID },                    \
	{ "cohort", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_COHORT },            \
	{ "site", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_SITE },                \
	{ "date", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_DATE },                \
	{ "attended", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_ATTENDED },        \
	{ "enrolled-on", required_argument, NULL, PS_OPT_ATT_BASE + PS_ATT_ENROLLED }

extern const char ps_attendance_options_help[];

/* The roster rules' options, shared by participants and retention. */
enum { PS_OPT_AS_OF = 950, PS_OPT_GAP, PS_OPT_ENGAGED_MIN, PS_OPT_ENGAGED_WINDOW, PS_OPT_THREADS };
#define PS_ROSTER_LONG_OPTIONS                                                   \
	{ "as-of", required_argument, NULL, PS_OPT_AS_OF },                      \
	{ "dropout-gap", required_argument, NULL, PS_OPT_GAP },                  \
	{ "engaged-min", required_argument, NULL, PS_OPT_ENGAGED_MIN },          \
	{ "engaged-window", required_argument, NULL, PS_OPT_ENGAGED_WINDOW },    \
	{ "threads", required_argument, NULL, PS_OPT_THREADS }

extern const char ps_roster_options_help[];

struct ps_attendance {
	struct ps_field_spec specs[PS_ATT_NCOLUMNS];  /* names remappable by the options */
	int threads;                  /* 1 or 2 (default 2) */
	int32_t as_of;                /* PS_ROSTER_NO_DAY unless --as-of */
	struct ps_roster roster;      /* the result, after ps_attendance_read */
	int keep_halves;              /* set before reading: two halves stay apart (see ps_attendance_finish) */
	struct ps_roster second;      /* then: the second half's participants not in roster */
	struct ps_roster_pair pair;   /* and how the two are linked (pair.first NULL: not in use) */
	struct ps_rejects rejects;    /* bad rows (merged over the parts) */
	unsigned long rows;           /* rows accepted */
	unsigned long blank_lines;
	int threads_used;
	const char *display;          /* the input's name in messages */
};

/* Defaults: the column names of docs/schema.md, two threads, no as-of. */
void ps_attendance_init(struct ps_attendance *a);

/* Handle a column option (opt in PS_OPT_ATT_BASE + PS_ATT_*). Returns 1 when it was one. */
int ps_attendance_option(struct ps_attendance *a, int opt, const char *arg);

/*
 * Read path (NULL or "-": standard input, one thread) into a->roster. Reports errors itself
 * (messages on stderr) and returns the status.
 */
enum ps_status ps_attendance_read(struct ps_attendance *a, const struct ps_common *common, const char *path);

/*
 * The facts of what was read: ps_roster_finish of a->roster, or, when a->keep_halves was set
 * and two threads read, of the linked halves (ps_roster_pair_finish: the same facts without
 * merging the halves; a->roster then holds the first half's participants and every label, so
 * use the facts, not a->roster.ids). Same contract as ps_roster_finish.
 */
enum ps_status ps_attendance_finish(struct ps_attendance *a, const struct ps_roster_rules *rules,
				    struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				    struct ps_error *err);

void ps_attendance_release(struct ps_attendance *a);

/*
 * Handle a roster option (PS_OPT_AS_OF ... PS_OPT_THREADS): *handled says whether opt was one.
 * Returns PS_EUSAGE (message printed) for a bad value. Parse --as-of after --date-format.
 */
enum ps_status ps_roster_option(const struct ps_common *common, struct ps_attendance *att,
				struct ps_roster_rules *rules, int opt, const char *arg, int *handled);

#endif
