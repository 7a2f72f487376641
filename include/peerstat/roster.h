#ifndef PEERSTAT_ROSTER_H
#define PEERSTAT_ROSTER_H

/*
 * Per-participant facts from an attendance roll (docs/schema.md, kind attendance): rows in any
 * order go into an accumulator, ps_roster_finish turns it into one struct ps_participant_facts
 * per participant (enrolment, end of observation, sessions, attendance rate, retention,
 * dropped out / completed / still active, early engagement). The definitions are in
 * docs/methods.md, "Per-participant facts from an attendance roll".
 *
 * Memory grows with participants only, never with rows: per participant a fixed record plus two
 * day bitmaps (struct ps_dayset: scheduled days and attended days, 256 days inline, more only
 * when a participant's dates span longer), and the participant id once in a string map.
 *
 * Rules across rows are checked as rows arrive, so a command can point at the offending line;
 * a row that breaks one is rejected with PS_EDATA and leaves the roster exactly as it was, so
 * that --on-error skip can go on with the next row. Shards (parts of one input read by
 * different threads) are accumulated separately and combined with ps_roster_merge, which applies
 * the same rules across shards and gives the same facts as one pass over the whole input.
 */

#include <stddef.h>
#include <stdint.h>

#include "peerstat/dayset.h"
#include "peerstat/status.h"
#include "peerstat/strmap.h"

/* "No day": an absent date (enrolled_on not given, never attended, as_of not set). */
#define PS_ROSTER_NO_DAY INT32_MIN

/* Defaults of struct ps_roster_rules. */
#define PS_ROSTER_DEFAULT_DROPOUT_GAP 30
#define PS_ROSTER_DEFAULT_ENGAGED_MIN 2
#define PS_ROSTER_DEFAULT_ENGAGED_WINDOW 30

/* How facts are derived; every day count is in calendar days. */
struct ps_roster_rules {
	int32_t as_of;               /* the extract date; PS_ROSTER_NO_DAY: the one given to ps_roster_init,
	                              * and when none was, the latest session date in the roll */
	int32_t dropout_gap_days;    /* >= 0; dropped out when the last attendance is more than this before end_on */
	int32_t engaged_min;         /* >= 1; attended sessions needed in the first engaged_window_days */
	int32_t engaged_window_days; /* >= 1; the window is enrolled_on .. enrolled_on + window - 1, both included */
};

/* The rule a rejected row broke: the command maps it to its column (names can be remapped). */
enum ps_roster_rule {
	PS_ROSTER_RULE_NONE = 0,
	PS_ROSTER_RULE_COHORT,       /* the participant is already listed under another cohort */
	PS_ROSTER_RULE_SITE,         /* ... under another site (a missing site counts as a value) */
	PS_ROSTER_RULE_DUPLICATE,    /* a second row for the same participant and session date */
	PS_ROSTER_RULE_BEFORE_ENROL, /* a session dated before the participant's enrolled_on */
	PS_ROSTER_RULE_ENROLLED,     /* enrolled_on differs from the participant's earlier rows */
	PS_ROSTER_RULE_AFTER_AS_OF,  /* a session dated after the as-of date */
	PS_ROSTER_RULE_SPAN          /* sessions more than PS_DAYSET_MAX_SPAN_DAYS apart (dayset.h) */
};

/* One participant's record in the accumulator (internal; read the facts instead). */
struct ps_roster_person {
	uint32_t cohort;
	int32_t site;                /* -1: no site */
	int32_t enrolled;            /* from the enrolled_on column, PS_ROSTER_NO_DAY when never given */
	int32_t first, last;         /* scheduled sessions */
	int32_t first_att, last_att; /* PS_ROSTER_NO_DAY when none attended */
	uint32_t scheduled, attended;
	struct ps_dayset sched_days, att_days;
};

/* The accumulator. Fields are internal apart from the three maps, which callers may read. */
struct ps_roster {
	struct ps_strmap ids;        /* participant ids -> participant index (first appearance) */
	struct ps_strmap cohorts;    /* cohort labels -> cohort index (first appearance) */
	struct ps_strmap sites;      /* site labels -> site index (first appearance) */
	struct ps_roster_person *people;
	size_t cap;
	int32_t as_of;               /* known at add time: later sessions are rejected */
	int32_t latest;              /* latest session date seen, PS_ROSTER_NO_DAY when empty */
	unsigned long rows;          /* rows accepted */
	enum ps_roster_rule broken;  /* the rule the last rejected row (or merge) broke */
	unsigned char ids_hashed;    /* the keys are ids' hashes in hex (read from partials) */
};

/* Facts about one participant; dates are days since 1970-01-01. */
struct ps_participant_facts {
	size_t participant;          /* index in roster.ids: ps_strmap_key(&roster.ids, participant) */
	uint64_t id_hash;            /* ps_id_hash of the id (the key itself when ids_hashed) */
	size_t cohort;               /* index in roster.cohorts */
	int32_t site;                /* index in roster.sites, -1 when the roll has no site for them */
	int32_t enrolled_on;         /* the enrolled_on column, else the first scheduled session */
	int enrolled_from_column;    /* 1 when enrolled_on came from the column */
	int32_t end_on;              /* the last scheduled session (never after as_of) */
	uint32_t sessions_scheduled;
	uint32_t sessions_attended;
	double attendance_rate;      /* attended / scheduled (scheduled >= 1 always) */
	int32_t first_attended_on;   /* PS_ROSTER_NO_DAY when never attended */
	int32_t last_attended_on;    /* PS_ROSTER_NO_DAY when never attended */
	int32_t retention_days;      /* last_attended_on - enrolled_on, 0 when never attended */
	int32_t observed_days;       /* as_of - enrolled_on */
	uint32_t window_attended;    /* sessions attended in the engagement window */
	unsigned char never_attended;
	unsigned char dropped_out;   /* never attended, or last attended > gap days before end_on */
	unsigned char completed;     /* not dropped out and as_of - end_on > gap */
	unsigned char active;        /* neither: still on the roll at as_of (censored) */
	unsigned char engaged;       /* window_attended >= engaged_min */
};

/* The default rules: as_of from the data, gap 30 days, engaged = 2 sessions in 30 days. */
struct ps_roster_rules ps_roster_rules_default(void);

/*
 * An empty roster. as_of is the extract date when it is known before reading (--as-of), so
 * that a later session is rejected at its row; PS_ROSTER_NO_DAY when not known. Never fails
 * (allocation happens on the first row). Free with ps_roster_release.
 */
void ps_roster_init(struct ps_roster *r, int32_t as_of);

/* Free everything the roster owns; it may be initialised again afterwards. */
void ps_roster_release(struct ps_roster *r);

/*
 * Add one row: participant id (id, id_len), cohort label, site label (site NULL when the roll
 * has no site column or the value is missing), the session date, attended (0 or 1; pass 1 when
 * the roll has no attended column) and the enrolled_on column's value (PS_ROSTER_NO_DAY when
 * the roll has no such column or the value is missing). Strings need not be NUL-terminated and
 * are copied when kept. Days are days since 1970-01-01 within ps_parse_date's years
 * 0001..9999 (PS_EINTERNAL otherwise).
 *
 * Returns PS_OK; PS_EDATA when the row breaks a rule (r->broken says which; err has a message,
 * the offending value when it is a label or a date, and what was expected; participant ids are
 * never put in err): the roster is then unchanged. PS_ENOMEM when out of memory: the roster
 * is then only fit for ps_roster_release. The caller fills err's file, line and column.
 */
enum ps_status ps_roster_add(struct ps_roster *r, const char *id, size_t id_len, const char *cohort,
			     size_t cohort_len, const char *site, size_t site_len, int32_t day, int attended,
			     int32_t enrolled_day, struct ps_error *err);

/*
 * Merge src into dst exactly: participants, labels and sessions of src are added to dst, with
 * the rules of ps_roster_add checked across the two (a participant may be split between them;
 * the same participant and date in both is a duplicate). Merging the shards of one input in
 * input order gives the same roster, indices included, as one pass. src is not changed and
 * still owned by the caller. Checks are made before anything is changed, so on PS_EDATA
 * (dst->broken says which rule; no row location is known) dst is unchanged; on PS_ENOMEM dst
 * is only fit for ps_roster_release.
 */
enum ps_status ps_roster_merge(struct ps_roster *dst, const struct ps_roster *src, struct ps_error *err);

/*
 * Derive the facts of every participant under rules (NULL: the defaults, with as_of = the one
 * given to ps_roster_init when set). *facts receives a malloc'ed array of *n records in
 * participant index order (first appearance in the input), owned by the caller (free()); NULL
 * and 0 for an empty roster. The roster is not changed: finish may be called again with other
 * rules. *as_of_used (may be NULL) receives the as-of date applied.
 *
 * Returns PS_OK; PS_EUSAGE for rules out of range; PS_EDATA (r->broken =
 * PS_ROSTER_RULE_AFTER_AS_OF) when a session is dated after an explicit as_of; PS_ENOMEM.
 * *facts is NULL unless PS_OK.
 */
enum ps_status ps_roster_finish(struct ps_roster *r, const struct ps_roster_rules *rules,
				struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				struct ps_error *err);

/*
 * A roll read in two parts at once (a thread per half of a file) is finished without merging
 * the parts: ps_roster_pair_link folds the second part into the first only where a participant
 * is in both (their day sets united into first's record, the rules across parts checked as
 * ps_roster_merge checks them) and adds second's labels to first's maps; second's other
 * participants stay where they are. ps_roster_pair_finish then gives the facts that
 * ps_roster_finish gives on ps_roster_merge(first, second), byte for byte, in the same order
 * (first's participants, then second's new ones): the copy of every record and id of the second
 * half into the first (a sixth of a two-thread run on a grouped roll) is never made.
 */
struct ps_roster_pair {
	struct ps_roster *first, *second;  /* not owned */
	size_t *where;                     /* second's participant i: index in first, SIZE_MAX when new */
	size_t *fresh;                     /* second's new participants, in their order */
	size_t nfresh;
	size_t *cohort_map, *site_map;     /* second's label index -> first's */
};

/*
 * Link second to first (both stay owned by the caller and must outlive the pair; first is
 * changed as above). Returns PS_OK; PS_EDATA with err set and first->broken when a rule is broken
 * across the parts (the same session in both, two cohorts, ...: no row location is known, read
 * again in one pass to find it); PS_ENOMEM (then only ps_roster_pair_release and the rosters'
 * release are fit). Release the pair with ps_roster_pair_release in any case.
 */
enum ps_status ps_roster_pair_link(struct ps_roster_pair *pair, struct ps_roster *first, struct ps_roster *second,
				   struct ps_error *err);

/* ps_roster_finish over a linked pair (same contract; facts[i].participant counts first's
 * participants and then second's new ones, as the merged roster's indices would). */
enum ps_status ps_roster_pair_finish(const struct ps_roster_pair *pair, const struct ps_roster_rules *rules,
				     struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				     struct ps_error *err);

/*
 * Turn a linked pair into one roster: second's new participants are copied into first (their
 * records, day sets and ids), which then is the roster ps_roster_merge(first, second) gives;
 * second may be released afterwards. Worth it when few of second's participants are new (rows
 * in random order: nearly everyone is in both halves), where keeping second would hold two
 * rosters for the whole analysis. Returns PS_OK or PS_ENOMEM (first then only fit for release).
 */
enum ps_status ps_roster_pair_absorb(struct ps_roster_pair *pair, struct ps_error *err);

/* Free what the pair owns (not the rosters). */
void ps_roster_pair_release(struct ps_roster_pair *pair);

/* Number of participants so far. */
size_t ps_roster_count(const struct ps_roster *r);

/* The latest session date so far (the default as_of), PS_ROSTER_NO_DAY when empty. */
int32_t ps_roster_latest_day(const struct ps_roster *r);

/*
 * Partial summaries (docs/scale.md): a participant's record as one JSON array on one line,
 *   ["KEY", "COHORT", "SITE" or null, "ENROLLED_ON" or null, "FIRST", "SCHEDULED", "ATTENDED"]
 * KEY stands for the id (the caller passes a hash of it: partials carry no ids); dates are
 * YYYY-MM-DD; FIRST is the first scheduled session; SCHEDULED and ATTENDED are the day sets as
 * lowercase hex digits, digit k (from the left) holding days FIRST + 4k .. FIRST + 4k + 3 with
 * value 1, 2, 4, 8 for the four days in order, no trailing zero digit (SCHEDULED ends with its
 * last session) and ATTENDED a subset of SCHEDULED ("" when none attended). Everything the
 * facts of ps_roster_finish depend on is there: counts and first/last days are those of the
 * sets, so the record is exact and merging two of the same participant is ps_roster_merge's.
 */

/*
 * Participant i of r as a partial line (no line end) under key (key_len bytes, need not be
 * NUL-terminated). *line receives a malloc'ed NUL-terminated string the caller frees.
 * Returns PS_OK or PS_ENOMEM (*line NULL then).
 */
enum ps_status ps_roster_person_format(const struct ps_roster *r, size_t i, const char *key, size_t key_len,
				       char **line);

/*
 * Add one partial line (len bytes, need not be NUL-terminated) to r as the participant named by
 * its KEY, through ps_roster_add day by day, so every rule of the roster holds. A KEY that r
 * already has is PS_EDATA ("listed twice": one partial has one line per participant; merge
 * partials with ps_roster_merge). Returns PS_OK; PS_EDATA with a message in err (no location:
 * the caller adds file and line) for a line that is not a valid record or breaks a rule (r may
 * then hold part of the record: give up on r); PS_ENOMEM (r is then only fit for
 * ps_roster_release).
 */
enum ps_status ps_roster_person_parse(struct ps_roster *r, const char *line, size_t len, struct ps_error *err);

#endif
