#ifndef PEERSTAT_DAYSET_H
#define PEERSTAT_DAYSET_H

/*
 * A set of calendar days (days since 1970-01-01) for one participant, as a bitmap over the
 * span from the earliest to the latest day seen: finds a duplicated session date in any row
 * order with memory that grows with the span of a participant's dates (26 weekly sessions fit
 * in the inline 256 days), not with rows.
 */

#include <stdint.h>

#define PS_DAYSET_INLINE_WORDS 4

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

/* Add day: returns 1 when new, 0 when it was already there, -1 when out of memory. */
int ps_dayset_add(struct ps_dayset *set, int32_t day);

/* The first day in both a and b: returns 1 and sets *day, or 0 when they share none. */
int ps_dayset_first_common(const struct ps_dayset *a, const struct ps_dayset *b, int32_t *day);

/* Add every day of src to dst (word by word, for merging shards). Returns 0, or -1 when out of memory. */
int ps_dayset_union(struct ps_dayset *dst, const struct ps_dayset *src);

/* Make dst (not initialised) a copy of src, owning its own words. Returns 0, or -1 (dst then empty). */
int ps_dayset_copy(struct ps_dayset *dst, const struct ps_dayset *src);

#endif
