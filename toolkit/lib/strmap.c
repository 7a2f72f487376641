/* String interning map; see include/peerstat/strmap.h. */
#include "peerstat/strmap.h"

#include "peerstat/bytes.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64u * 1024u)

/* FNV-1a, 64 bit, folded to 32: simple and good enough for ids; the table is resized at 50% load. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ h >> 32);
}

void ps_strmap_init(struct ps_strmap *map)
{
	memset(map, 0, sizeof(*map));
}

void ps_strmap_release(struct ps_strmap *map)
{
	char *block = map->arena;
	while (block) {
		char *prev;
		memcpy(&prev, block, sizeof(prev));
		free(block);
		block = prev;
	}
	free(map->slots);
	free(map->keys);
	memset(map, 0, sizeof(*map));
}

static uint64_t slot_of(uint32_t hash, size_t index)
{
	return (uint64_t)hash << 32 | (uint64_t)(index + 1);
}

/* The slot holding (s, len), or the empty slot where it would go (*found says which). */
static size_t probe(const struct ps_strmap *map, const char *s, size_t len, uint32_t h, int *found)
{
	size_t mask = map->nslots - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint64_t slot = map->slots[i];
		if (slot == 0) {
			*found = 0;
			return i;
		}
		if ((uint32_t)(slot >> 32) != h)
			continue;
		size_t k = (size_t)(uint32_t)slot - 1;
		if (ps_strmap_key_len(map, k) == len && ps_same_bytes(map->keys[k], s, len)) {
			*found = 1;
			return i;
		}
	}
}

static int is_last(const struct ps_strmap *map, const char *s, size_t len)
{
	return map->has_last && ps_strmap_key_len(map, map->last) == len && ps_same_bytes(map->keys[map->last], s, len);
}

int ps_strmap_find(struct ps_strmap *map, const char *s, size_t len, size_t *index)
{
	if (is_last(map, s, len)) {
		*index = map->last;
		return 1;
	}
	return ps_strmap_find_hashed(map, s, len, hash_bytes(s, len), index);
}

int ps_strmap_find_hashed(struct ps_strmap *map, const char *s, size_t len, uint32_t hash, size_t *index)
{
	if (map->nslots == 0)
		return 0;
	int found;
	size_t i = probe(map, s, len, hash, &found);
	if (found) {
		*index = (size_t)(uint32_t)map->slots[i] - 1;
		map->last = *index;
		map->has_last = 1;
	}
	return found;
}

int ps_strmap_lookup_hashed(const struct ps_strmap *map, const char *s, size_t len, uint32_t hash, size_t *index)
{
	if (map->nslots == 0)
		return 0;
	int found;
	size_t i = probe(map, s, len, hash, &found);
	if (found)
		*index = (size_t)(uint32_t)map->slots[i] - 1;
	return found;
}

void ps_strmap_prefetch(const struct ps_strmap *map, const char *s, size_t len)
{
	if (map->nslots == 0 || is_last(map, s, len))
		return; /* grouped rows: the next id is this one, found without hashing */
	__builtin_prefetch(&map->slots[hash_bytes(s, len) & (map->nslots - 1)]);
}

uint32_t ps_strmap_hash_of(const struct ps_strmap *map, size_t index)
{
	return hash_bytes(map->keys[index], ps_strmap_key_len(map, index));
}

static int rehash(struct ps_strmap *map, size_t nslots)
{
	uint64_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < map->nslots; i++) {
		uint64_t slot = map->slots[i];
		if (!slot)
			continue;
		size_t j = (size_t)(slot >> 32) & (nslots - 1);
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = slot;
	}
	free(map->slots);
	map->slots = slots;
	map->nslots = nslots;
	return 0;
}

int ps_strmap_reserve(struct ps_strmap *map, size_t n)
{
	if (n > UINT32_MAX - 2)
		return -1;
	if (n > map->cap) {
		char **keys = realloc(map->keys, n * sizeof(*keys));
		if (!keys)
			return -1;
		map->keys = keys;
		map->cap = n;
	}
	size_t nslots = map->nslots ? map->nslots : 64;
	while (n * 2 > nslots)
		nslots *= 2;
	return nslots != map->nslots ? rehash(map, nslots) : 0;
}

/* Copy the key into the arena after its length; returns the copy (NUL-terminated) or NULL. */
static char *arena_copy(struct ps_strmap *map, const char *s, size_t len)
{
	uint32_t len32 = (uint32_t)len;
	size_t need = sizeof(len32) + len + 1;
	if (map->arena == NULL || map->arena_used + need > map->arena_cap) {
		size_t cap = need + sizeof(char *) > ARENA_BLOCK ? need + sizeof(char *) : ARENA_BLOCK;
		char *block = malloc(cap);
		if (!block)
			return NULL;
		memcpy(block, &map->arena, sizeof(char *)); /* chain to the previous block */
		map->arena = block;
		map->arena_cap = cap;
		map->arena_used = sizeof(char *);
	}
	char *at = map->arena + map->arena_used;
	memcpy(at, &len32, sizeof(len32));
	char *copy = at + sizeof(len32);
	memcpy(copy, s, len);
	copy[len] = '\0';
	map->arena_used += need;
	return copy;
}

int ps_strmap_intern(struct ps_strmap *map, const char *s, size_t len, size_t *index, int *added)
{
	if (is_last(map, s, len)) {
		*index = map->last;
		if (added)
			*added = 0;
		return 0;
	}
	return ps_strmap_intern_hashed(map, s, len, hash_bytes(s, len), index, added);
}

int ps_strmap_intern_hashed(struct ps_strmap *map, const char *s, size_t len, uint32_t h, size_t *index, int *added)
{
	if (len > UINT32_MAX || map->count >= UINT32_MAX - 1)
		return -1;
	if (map->nslots == 0 && rehash(map, 64) != 0)
		return -1;
	int found;
	size_t i = probe(map, s, len, h, &found);
	if (found) {
		*index = (size_t)(uint32_t)map->slots[i] - 1;
		map->last = *index;
		map->has_last = 1;
		if (added)
			*added = 0;
		return 0;
	}
	if (map->count == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 64;
		char **keys = realloc(map->keys, cap * sizeof(*keys));
		if (!keys)
			return -1;
		map->keys = keys;
		map->cap = cap;
	}
	char *copy = arena_copy(map, s, len);
	if (!copy)
		return -1;
	size_t k = map->count++;
	map->keys[k] = copy;
	map->slots[i] = slot_of(h, k);
	if (map->count * 2 > map->nslots && rehash(map, map->nslots * 2) != 0) {
		/* the key is in and findable at the old size; only growth failed */
		return -1;
	}
	*index = k;
	map->last = k;
	map->has_last = 1;
	if (added)
		*added = 1;
	return 0;
}

const char *ps_strmap_key(const struct ps_strmap *map, size_t index)
{
	return map->keys[index];
}
