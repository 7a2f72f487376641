/* Per-participant day bitmaps; see include/peerstat/dayset.h. */
#include "peerstat/dayset.h"

#include <stdlib.h>
#include <string.h>

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

int ps_dayset_add(struct ps_dayset *set, int32_t day)
{
	if (set->nwords == 0) {
		set->nwords = PS_DAYSET_INLINE_WORDS;
		/* rosters run forward in time: leave a month before the first day seen and the
		 * rest (224 days, a 26-week programme) after it */
		set->base = day - 32;
	}
	int64_t offset = (int64_t)day - set->base;
	int64_t span = (int64_t)set->nwords * 64;
	if (offset < 0 || offset >= span) {
		/* grow to cover day, with headroom on the side it fell */
		int64_t lo = offset < 0 ? offset - span / 2 : 0;
		int64_t hi = offset >= span ? offset + span / 2 + 1 : span;
		lo = lo / 64 * 64 - (lo % 64 ? 64 : 0);
		uint64_t nwords = (uint64_t)((hi - lo + 63) / 64);
		if (nwords > (1u << 26))
			return -1; /* a span of over 11 million years: refuse rather than allocate */
		uint64_t *grown = calloc(nwords, sizeof(*grown));
		if (!grown)
			return -1;
		uint64_t shift_words = (uint64_t)(-lo / 64);
		memcpy(grown + shift_words, words(set), set->nwords * sizeof(uint64_t));
		free(set->heap);
		set->heap = grown;
		set->base = (int32_t)(set->base + lo);
		set->nwords = (uint32_t)nwords;
		offset = (int64_t)day - set->base;
	}
	uint64_t *w = words(set);
	uint64_t bit = 1ull << (offset % 64);
	if (w[offset / 64] & bit)
		return 0;
	w[offset / 64] |= bit;
	return 1;
}
