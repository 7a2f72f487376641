/* Per-participant day bitmaps; see include/peerstat/dayset.h. */
#include "peerstat/dayset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/parse.h"

void ps_dayset_init(struct ps_dayset *set)
{
	memset(set, 0, sizeof(*set));
}

void ps_dayset_release(struct ps_dayset *set)
{
	free(set->heap);
	memset(set, 0, sizeof(*set));
}

static uint64_t *words(struct ps_dayset *set)
{
	return set->heap ? set->heap : set->inline_bits;
}

/*
 * An inline set that day (at offset from base) falls outside of: when the days already in it
 * and day span fewer than the inline bits, move the bits so that they all fit, with the spare
 * room split evenly on both sides, and return 1. Rows in any order (a shuffled roll) start a
 * participant at any of their dates; without this, a 26-week schedule seen first in its middle
 * would go to the heap although it fits inline (17 MiB at 250 000 participants).
 */
static int rebase_inline(struct ps_dayset *set, int64_t offset)
{
	const int64_t span = PS_DAYSET_INLINE_WORDS * 64;
	int64_t first = -1, last = -1;
	for (int i = 0; i < PS_DAYSET_INLINE_WORDS; i++) {
		uint64_t w = set->inline_bits[i];
		if (!w)
			continue;
		if (first < 0)
			first = i * 64 + __builtin_ctzll(w);
		last = i * 64 + 63 - __builtin_clzll(w);
	}
	if (first < 0)
		return 0; /* cannot happen: a set with words has a day */
	int64_t lo = offset < first ? offset : first;
	int64_t hi = offset > last ? offset : last;
	if (hi - lo >= span)
		return 0;
	int64_t shift = lo - (span - (hi - lo + 1)) / 2; /* the new base, as an offset from the old */
	uint64_t moved[PS_DAYSET_INLINE_WORDS] = { 0 };
	for (int i = 0; i < PS_DAYSET_INLINE_WORDS; i++)
		for (uint64_t w = set->inline_bits[i]; w; w &= w - 1) {
			int64_t o = i * 64 + __builtin_ctzll(w) - shift;
			moved[o / 64] |= 1ull << (o % 64);
		}
	memcpy(set->inline_bits, moved, sizeof(moved));
	set->base = (int32_t)(set->base + shift);
	return 1;
}

int ps_dayset_bounds(const struct ps_dayset *set, int32_t *first, int32_t *last)
{
	const uint64_t *w = set->heap ? set->heap : set->inline_bits;
	uint32_t a = 0, b = set->nwords;
	while (a < b && !w[a])
		a++;
	if (a == b)
		return 0;
	while (!w[b - 1])
		b--;
	*first = (int32_t)((int64_t)set->base + (int64_t)a * 64 + __builtin_ctzll(w[a]));
	*last = (int32_t)((int64_t)set->base + (int64_t)(b - 1) * 64 + 63 - __builtin_clzll(w[b - 1]));
	return 1;
}

/*
 * Grow set's span, if need be, to include day (without adding it). Returns 0; -2 when the
 * days held and day would span more than PS_DAYSET_MAX_SPAN_DAYS; -1 when out of memory.
 * A grown set is laid out afresh over the days it holds (not over its old span), with
 * headroom of half the old span on the side day fell, the whole at most the longest span
 * plus 128 days: so memory stays under (PS_DAYSET_MAX_SPAN_DAYS + 192) / 8 bytes a set.
 */
static int cover(struct ps_dayset *set, int32_t day)
{
	if (set->nwords == 0) {
		set->nwords = PS_DAYSET_INLINE_WORDS;
		/* rosters run forward in time: leave a month before the first day seen and the
		 * rest (224 days, a 26-week programme) after it */
		set->base = day - 32;
	}
	int64_t offset = (int64_t)day - set->base;
	int64_t span = (int64_t)set->nwords * 64;
	int32_t held_first = day, held_last = day;
	if (offset >= 0 && offset < span) {
		/* only a set laid out wider than the longest span can hold a day too far inside it */
		if (span > PS_DAYSET_MAX_SPAN_DAYS && ps_dayset_bounds(set, &held_first, &held_last) &&
		    ((int64_t)day - held_first + 1 > PS_DAYSET_MAX_SPAN_DAYS ||
		     (int64_t)held_last - day + 1 > PS_DAYSET_MAX_SPAN_DAYS))
			return -2;
		return 0;
	}
	if (!set->heap && rebase_inline(set, offset))
		return 0;
	(void)ps_dayset_bounds(set, &held_first, &held_last);
	int64_t lo = held_first < day ? held_first : day, hi = held_last > day ? held_last : day;
	if (hi - lo + 1 > PS_DAYSET_MAX_SPAN_DAYS)
		return -2;
	int64_t room = span / 2, most = PS_DAYSET_MAX_SPAN_DAYS + 128;
	if (hi - lo + 1 + room > most)
		room = most - (hi - lo + 1);
	if (offset < 0)
		lo -= room;
	else
		hi += room;
	uint64_t nwords = (uint64_t)((hi - lo + 1 + 63) / 64);
	uint64_t *grown = calloc(nwords, sizeof(*grown));
	if (!grown)
		return -1;
	const uint64_t *w = words(set);
	for (uint32_t j = 0; j < set->nwords; j++)
		for (uint64_t bits = w[j]; bits; bits &= bits - 1) {
			int64_t at = (int64_t)set->base + (int64_t)j * 64 + __builtin_ctzll(bits) - lo;
			grown[at / 64] |= 1ull << (at % 64);
		}
	free(set->heap);
	set->heap = grown;
	set->base = (int32_t)lo;
	set->nwords = (uint32_t)nwords;
	return 0;
}

int ps_dayset_add(struct ps_dayset *set, int32_t day)
{
	int covered = cover(set, day);
	if (covered != 0)
		return covered;
	int64_t offset = (int64_t)day - set->base;
	uint64_t *w = words(set);
	uint64_t bit = 1ull << (offset % 64);
	if (w[offset / 64] & bit)
		return 0;
	w[offset / 64] |= bit;
	return 1;
}

static const uint64_t *const_words(const struct ps_dayset *set)
{
	return set->heap ? set->heap : set->inline_bits;
}

/* The 64 bits of set for days day0 .. day0 + 63 (bit i: day0 + i), zeros outside its span. */
static uint64_t bits_from(const struct ps_dayset *set, int64_t day0)
{
	int64_t off = day0 - set->base, span = (int64_t)set->nwords * 64;
	if (set->nwords == 0 || off <= -64 || off >= span)
		return 0;
	const uint64_t *w = const_words(set);
	int64_t k = off >= 0 ? off / 64 : -1;           /* the word holding day0, -1 before the span */
	unsigned shift = (unsigned)(((off % 64) + 64) % 64);
	uint64_t low = k >= 0 ? w[k] : 0, high = k + 1 < (int64_t)set->nwords ? w[k + 1] : 0;
	return shift ? low >> shift | high << (64 - shift) : low;
}

int ps_dayset_first_common(const struct ps_dayset *a, const struct ps_dayset *b, int32_t *day)
{
	const uint64_t *w = const_words(b);
	for (uint32_t j = 0; j < b->nwords; j++) {
		if (!w[j])
			continue;
		int64_t day0 = (int64_t)b->base + (int64_t)j * 64;
		uint64_t both = w[j] & bits_from(a, day0);
		if (both) {
			*day = (int32_t)(day0 + __builtin_ctzll(both));
			return 1;
		}
	}
	return 0;
}

int ps_dayset_union(struct ps_dayset *dst, const struct ps_dayset *src)
{
	const uint64_t *w = const_words(src);
	uint32_t first = 0, last = src->nwords;
	while (first < src->nwords && !w[first])
		first++;
	if (first == src->nwords)
		return 0; /* src is empty */
	while (!w[last - 1])
		last--;
	int64_t lo_day = (int64_t)src->base + (int64_t)first * 64 + __builtin_ctzll(w[first]);
	int64_t hi_day = (int64_t)src->base + (int64_t)(last - 1) * 64 + 63 - __builtin_clzll(w[last - 1]);
	/* the two ends as days of their own first: the span then covers every day between (a span
	 * merely covered could be moved again by the in-place re-basing of the other end) */
	int added = ps_dayset_add(dst, (int32_t)lo_day);
	if (added >= 0)
		added = ps_dayset_add(dst, (int32_t)hi_day);
	if (added < 0)
		return added; /* -2: the union would span too long; -1: out of memory */
	uint64_t *d = words(dst);
	for (uint32_t j = first; j < last; j++) {
		if (!w[j])
			continue;
		/* every set bit of w[j] lies within dst's span now: place the word at its offset */
		int64_t off = (int64_t)src->base + (int64_t)j * 64 - dst->base;
		for (uint64_t bits = w[j]; bits; bits &= bits - 1) {
			int64_t at = off + __builtin_ctzll(bits);
			d[at / 64] |= 1ull << (at % 64);
		}
	}
	return 0;
}

int ps_dayset_copy(struct ps_dayset *dst, const struct ps_dayset *src)
{
	*dst = *src;
	if (!src->heap)
		return 0;
	dst->heap = malloc(src->nwords * sizeof(uint64_t));
	if (!dst->heap) {
		ps_dayset_init(dst);
		return -1;
	}
	memcpy(dst->heap, src->heap, src->nwords * sizeof(uint64_t));
	return 0;
}

enum ps_status ps_dayset_span_error(const struct ps_dayset *set, int32_t day, struct ps_error *err)
{
	int32_t first = day, last = day;
	(void)ps_dayset_bounds(set, &first, &last);
	/* the dates that would fit: within the longest span of both the first and the last day */
	int32_t lo = last - (PS_DAYSET_MAX_SPAN_DAYS - 1), hi = first + (PS_DAYSET_MAX_SPAN_DAYS - 1);
	char given[16], a[16], b[16], from[16], to[16];
	ps_format_date(day, given);
	ps_format_date(first, a);
	ps_format_date(last, b);
	ps_format_date(lo < PS_DAYSET_FIRST_DAY ? PS_DAYSET_FIRST_DAY : lo, from);
	ps_format_date(hi > PS_DAYSET_LAST_DAY ? PS_DAYSET_LAST_DAY : hi, to);
	ps_error_copy(err->value, sizeof(err->value), given, strlen(given));
	snprintf(err->expected, sizeof(err->expected), "a date from %s to %s", from, to);
	if (first == last)
		return ps_error_set(err, PS_EDATA,
				    "a participant's sessions would span more than %d years (the other session: %s; a typo in "
				    "the year?)",
				    PS_DAYSET_MAX_SPAN_YEARS, a);
	return ps_error_set(err, PS_EDATA,
			    "a participant's sessions would span more than %d years (the others: %s to %s; a typo in the year?)",
			    PS_DAYSET_MAX_SPAN_YEARS, a, b);
}
