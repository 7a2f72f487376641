#ifndef PEERSTAT_SCHEMA_H
#define PEERSTAT_SCHEMA_H

/*
 * Columns by role. A command asks for roles ("the participant id", "the session date"), each
 * with a default column name the user may remap (--id record_id), a type and whether it is
 * required. ps_schema_resolve finds them in the header (other columns are ignored) and
 * ps_cell_parse turns a field into a typed value with a located, explained error. Every input
 * kind's columns are documented in docs/schema.md.
 */

#include <stddef.h>
#include <stdint.h>

#include "peerstat/parse.h"
#include "peerstat/status.h"

enum ps_value_type {
	PS_TYPE_ID,      /* a participant id: any non-empty text, never echoed in messages */
	PS_TYPE_LABEL,   /* a label (cohort, site, wave): any non-empty text */
	PS_TYPE_DATE,
	PS_TYPE_BOOL,
	PS_TYPE_INT,     /* a whole number within [min, max] */
	PS_TYPE_NUMBER   /* a decimal number within [min, max] */
};

struct ps_field_spec {
	const char *role;          /* what the command calls it, e.g. "session_date" */
	const char *name;          /* the column name to look for (default or remapped) */
	const char *flag;          /* the option that renames it, e.g. "--date" (for messages) */
	enum ps_value_type type;
	int required_column;       /* the header must have it */
	int required_value;        /* a missing value in it is an error */
	double min, max;           /* for INT and NUMBER; min > max means no range check */
};

/*
 * The largest magnitude an analysed number may have (outcomes, baselines, covariates, follow-up
 * times): squares and sums of squares of up to 1e8 such values stay finite, so a variance or a
 * standard error never overflows into a t of 0 and a p of 1 (what R prints for values near
 * 1e308). A larger value is a data error at its cell ("value out of range").
 */
#define PS_NUMBER_LIMIT 1e150

/*
 * Dates already parsed, for a reader whose rows repeat a few hundred session dates millions of
 * times: direct-mapped on the date's text, only successful parses are kept, so a hit gives the
 * day ps_parse_date would give. Owned by one reader (not shared between threads).
 */
#define PS_DATE_MEMO_SLOTS 4096   /* a roll of a few years holds ~500 distinct dates */
#define PS_DATE_MEMO_KEY 12       /* dates are at most 10 characters */
struct ps_date_memo {
	char key[PS_DATE_MEMO_SLOTS][PS_DATE_MEMO_KEY];
	uint8_t len[PS_DATE_MEMO_SLOTS];     /* 0: empty slot */
	int32_t day[PS_DATE_MEMO_SLOTS];
};

/* How cells are read: missing-value tokens, the date format and an optional date memo. */
struct ps_cell_options {
	const struct ps_na_set *na;
	enum ps_date_format date_format;
	struct ps_date_memo *date_memo;  /* NULL, or zeroed memory of the caller's for this format */
};

struct ps_value {
	int missing;               /* 1 when the cell held a missing-value token */
	int64_t i;                 /* INT, and BOOL (0/1) */
	double d;                  /* NUMBER, and INT as a double */
	int32_t day;               /* DATE: days since 1970-01-01 */
	const char *s;             /* ID and LABEL: the field (valid during the row callback) */
	size_t len;
};

/*
 * Find each spec's column in the header: index[k] receives the 0-based column of specs[k], or
 * -1 when the column is absent and optional. A required column that is absent is PS_EDATA with
 * a message naming it, the option that renames it and the columns the header has.
 */
enum ps_status ps_schema_resolve(const char *const *header, size_t ncolumns, const struct ps_field_spec *specs,
				 size_t nspecs, long *index, struct ps_error *err);

/*
 * Parse one cell of column (0-based) by spec into *out. On failure returns PS_EDATA with err's
 * column, column name, value (left empty for ids) and expected filled; the caller adds file
 * and line. A missing value is success with out->missing = 1 unless spec->required_value.
 */
enum ps_status ps_cell_parse(const struct ps_field_spec *spec, const struct ps_cell_options *options,
			     const char *s, size_t len, size_t column, struct ps_value *out, struct ps_error *err);

/* "a date YYYY-MM-DD", "a whole number from 0 to 30", ...: what a spec expects, into buf. */
const char *ps_field_expected(const struct ps_field_spec *spec, enum ps_date_format format, char *buf, size_t size);

#endif
