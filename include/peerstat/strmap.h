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
	uint32_t *slots;      /* open addressing: index + 1, 0 = empty */
	size_t nslots;        /* a power of two */
	char **keys;          /* keys[i] points into the arena, NUL-terminated */
	uint32_t *key_lens;
	uint64_t *hashes;
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

/* Find (s, len): returns 1 and sets *index when present, 0 when absent. */
int ps_strmap_find(struct ps_strmap *map, const char *s, size_t len, size_t *index);

/*
 * The same two with the key's hash known: every map hashes alike, so hashes[i] of one map is
 * the hash to give for its key i in another (merging shards hashes each key once).
 */
int ps_strmap_intern_hashed(struct ps_strmap *map, const char *s, size_t len, uint64_t hash, size_t *index,
			    int *added);
int ps_strmap_find_hashed(struct ps_strmap *map, const char *s, size_t len, uint64_t hash, size_t *index);

/* The key at index (NUL-terminated, owned by the map). */
const char *ps_strmap_key(const struct ps_strmap *map, size_t index);

#endif
