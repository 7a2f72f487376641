#ifndef PEERSTAT_STRMAP_H
#define PEERSTAT_STRMAP_H

/*
 * A map from byte strings to dense indices 0, 1, 2, ... in insertion order (interning). Used
 * for participant ids (memory grows with participants, never with rows) and for labels
 * (cohorts, sites, waves). Keys are copied into the map's own arena.
 */

#include <stddef.h>
#include <stdint.h>

struct ps_strmap {
	/*
	 * Open addressing, linear probing, at most half full. A slot holds the key's 32-bit hash
	 * (high half) and its index + 1 (low half; 0 = empty), so that a probe rejects other keys
	 * without touching them: with ids in random order (a shuffled roll) every look-up misses
	 * the cache, and each array it reads costs one more miss.
	 */
	uint64_t *slots;
	size_t nslots;        /* a power of two */
	char **keys;          /* keys[i] points into the arena, NUL-terminated, its length (uint32) just before */
	size_t count, cap;
	char *arena;          /* the current arena block (blocks are chained through their first bytes) */
	size_t arena_used, arena_cap;
	size_t last;          /* the last key found or added, tried before hashing: rows come */
	int has_last;         /* grouped by participant and labels repeat, so it usually hits */
};

/* An empty map. Never fails (allocation happens on first insert). */
void ps_strmap_init(struct ps_strmap *map);

/* Free everything the map owns. */
void ps_strmap_release(struct ps_strmap *map);

/*
 * Find (s, len), adding it when absent. *index receives its index; *added (may be NULL) is 1
 * when it was new. Returns 0, or -1 when out of memory (the map is unchanged then).
 */
int ps_strmap_intern(struct ps_strmap *map, const char *s, size_t len, size_t *index, int *added);

/* Make room for n keys in all (no growth until then). Returns 0, or -1 when out of memory. */
int ps_strmap_reserve(struct ps_strmap *map, size_t n);

/* Find (s, len): returns 1 and sets *index when present, 0 when absent. */
int ps_strmap_find(struct ps_strmap *map, const char *s, size_t len, size_t *index);

/*
 * The same two with the key's hash known (ps_strmap_hash_of gives it for a key of any map: every
 * map hashes alike), so that merging shards needs no second look-up of the hash.
 */
int ps_strmap_intern_hashed(struct ps_strmap *map, const char *s, size_t len, uint32_t hash, size_t *index,
			    int *added);
int ps_strmap_find_hashed(struct ps_strmap *map, const char *s, size_t len, uint32_t hash, size_t *index);

/*
 * ps_strmap_find_hashed without the look-up cache: the map is not written, so several threads
 * may look up in one map at once (as long as nobody adds to it meanwhile).
 */
int ps_strmap_lookup_hashed(const struct ps_strmap *map, const char *s, size_t len, uint32_t hash, size_t *index);

/*
 * Ask the processor to fetch the slot where (s, len) would be, ahead of a look-up soon after:
 * ids in random order miss the cache at every look-up, and a fetch started one row early
 * overlaps that wait with the row before. Nothing changes.
 */
void ps_strmap_prefetch(const struct ps_strmap *map, const char *s, size_t len);

/* The hash of the key at index (as ps_strmap_*_hashed take it). */
uint32_t ps_strmap_hash_of(const struct ps_strmap *map, size_t index);

/* The length of the key at index. */
static inline size_t ps_strmap_key_len(const struct ps_strmap *map, size_t index)
{
	uint32_t len;
	__builtin_memcpy(&len, map->keys[index] - sizeof(len), sizeof(len));
	return len;
}

/* The key at index (NUL-terminated, owned by the map). */
const char *ps_strmap_key(const struct ps_strmap *map, size_t index);

#endif
