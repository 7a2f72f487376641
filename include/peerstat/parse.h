#ifndef PEERSTAT_PARSE_H
#define PEERSTAT_PARSE_H

/*
 * Strict typed parsing of CSV field values, one parser per type (redis's string2d style):
 * the whole value must be consumed, no leading or trailing space, range checked, and the
 * output is written only on success. Values are (s, len) pairs and need not be NUL-terminated.
 * Each parser returns 1 on success and 0 on failure; on failure *why (when why is not NULL)
 * points at a static string saying what was wrong ("day 30 does not exist in February 2024").
 */

#include <stddef.h>
#include <stdint.h>

/* A signed decimal integer: [+-]?[0-9]+, within int64. */
int ps_parse_int(const char *s, size_t len, int64_t *out, const char **why);

/*
 * A finite decimal number: [+-]?(digits[.digits]|.digits)([eE][+-]?digits)?. Rejects nan,
 * inf, hexadecimal, thousands separators, values that overflow or underflow a double (1e400,
 * 1e-400). Locale independent (the decimal point is always '.').
 */
int ps_parse_double(const char *s, size_t len, double *out, const char **why);

/* Date formats accepted by ps_parse_date. */
enum ps_date_format {
	PS_DATE_ISO = 0,  /* YYYY-MM-DD (the default) */
	PS_DATE_MDY,      /* M/D/YYYY or MM/DD/YYYY, as US spreadsheets export */
	PS_DATE_DMY       /* D/M/YYYY or DD/MM/YYYY, as European spreadsheets export */
};

/*
 * A calendar date in the given format, as days since 1970-01-01 (negative before). Years
 * 0001..9999 are accepted; a day that does not exist in its month (2024-02-30, 2023-02-29)
 * is rejected. Plausibility (sessions dated in 1900) is the caller's business.
 */
int ps_parse_date(const char *s, size_t len, enum ps_date_format format, int32_t *days, const char **why);

/* Format days since 1970-01-01 as YYYY-MM-DD into buf (at least 11 bytes). Returns buf. */
char *ps_format_date(int32_t days, char *buf);

/* Days since 1970-01-01 for a proleptic Gregorian year/month/day (no validation). */
int32_t ps_days_from_civil(int year, unsigned month, unsigned day);

/*
 * A boolean: 1/0, yes/no, true/false, y/n, present/absent, in any case. *out is 1 or 0.
 */
int ps_parse_bool(const char *s, size_t len, int *out, const char **why);

/*
 * Missing-value tokens. The default set is: empty, NA, N/A, "." (exact match, case
 * sensitive as R's na.strings). A set is built from a comma-separated list (--na "NA,,-99");
 * an empty list item stands for the empty field.
 */
struct ps_na_set {
	size_t count;
	char **tokens;     /* owned */
	size_t *lens;      /* owned; lengths of tokens, checked first (this runs for every cell) */
	uint64_t len_mask; /* bit k: some token has length k (k < 64); bit 63 also for longer ones */
	uint8_t first[32]; /* bit c: some token starts with byte c */
};

/* Fill set with the default tokens. Returns 0, or -1 when out of memory. */
int ps_na_set_init_default(struct ps_na_set *set);

/* Fill set from a comma-separated list. Returns 0, or -1 when out of memory. */
int ps_na_set_init_list(struct ps_na_set *set, const char *list);

/* 1 when (s, len) is one of the set's tokens (inline: it runs for every cell). */
int ps_na_set_has_slow(const struct ps_na_set *set, const char *s, size_t len);
static inline int ps_na_set_has(const struct ps_na_set *set, const char *s, size_t len)
{
	/* almost every cell is not missing: rule it out by length and first byte first */
	if (!(set->len_mask >> (len < 63 ? len : 63) & 1))
		return 0;
	if (len && !(set->first[(unsigned char)s[0] >> 3] >> ((unsigned char)s[0] & 7) & 1))
		return 0;
	return ps_na_set_has_slow(set, s, len);
}

/* Free the tokens; the set may be initialised again afterwards. */
void ps_na_set_release(struct ps_na_set *set);

/*
 * 1 when (s, len) is well-formed UTF-8 (no overlong forms, no surrogates, no code points past
 * U+10FFFF) without NUL bytes; 0 otherwise.
 */
int ps_utf8_valid(const char *s, size_t len);

#endif
