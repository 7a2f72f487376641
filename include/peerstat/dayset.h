#ifndef PEERSTAT_DAYSET_H
#define PEERSTAT_DAYSET_H

/*
 * A set of calendar days (days since 1970-01-01) for one participant, as a bitmap over the
 * span from the earliest to the latest day seen: finds a duplicated session date in any row
 * order with memory that grows with the span of a participant's dates (26 weekly sessions fit
 * in the inline 256 days), not with rows.
 */

#include <stdint.h>

#include "peerstat/status.h"

#define PS_DAYSET_INLINE_WORDS 4

/*
 * The longest span of one set (its earliest to its latest day, both included): 20 years of
 * 365.25 days. A participant's sessions spread wider (1900 and 2200 in one roll) are refused:
 * such a date is a typo, and a bitmap over centuries would cost 14 KiB a participant (3.4 GiB
 * at 250 000). So a set never holds more than about 0.9 KiB of words.
 */
#define PS_DAYSET_MAX_SPAN_DAYS 7305
#define PS_DAYSET_MAX_SPAN_YEARS 20

/* Days since 1970-01-01 of 0001-01-01 and 9999-12-31, the dates the parser accepts. */
#define PS_DAYSET_FIRST_DAY (-719162)
#define PS_DAYSET_LAST_DAY 2932896

struct ps_dayset {
	int32_t base;          /* the day of bit 0 */
	uint32_t nwords;       /* 0 = empty set */
	uint64_t *heap;        /* owned when the span outgrows the inline words */
	uint64_t inline_bits[PS_DAYSET_INLINE_WORDS];
};

/* An empty set. */
void ps_dayset_init(struct ps_dayset *set);

/* Free what the set owns. */
void ps_dayset_release(struct ps_dayset *set);

/*
 * Add day: returns 1 when new, 0 when it was already there, -2 (set unchanged) when the set's
 * days and day would span more than PS_DAYSET_MAX_SPAN_DAYS, -1 when out of memory.
 */
int ps_dayset_add(struct ps_dayset *set, int32_t day);

/* The earliest and latest day of set: returns 1 with *first and *last set, 0 when empty. */
int ps_dayset_bounds(const struct ps_dayset *set, int32_t *first, int32_t *last);

/*
 * The error for a day that ps_dayset_add refused (-2) from set: PS_EDATA, with the message, the
 * value (the date) and what was expected (the dates that would fit) in err; the caller locates
 * it (file, line, column). Returns PS_EDATA.
 */
enum ps_status ps_dayset_span_error(const struct ps_dayset *set, int32_t day, struct ps_error *err);

/* The first day in both a and b: returns 1 and sets *day, or 0 when they share none. */
int ps_dayset_first_common(const struct ps_dayset *a, const struct ps_dayset *b, int32_t *day);

/*
 * Add every day of src to dst (word by word, for merging shards). Returns 0; -2 (dst may then
 * hold src's first day) when the union would span more than PS_DAYSET_MAX_SPAN_DAYS; -1 when
 * out of memory.
 */
int ps_dayset_union(struct ps_dayset *dst, const struct ps_dayset *src);

/* Make dst (not initialised) a copy of src, owning its own words. Returns 0, or -1 (dst then empty). */
int ps_dayset_copy(struct ps_dayset *dst, const struct ps_dayset *src);

#endif
