#ifndef PEERSTAT_SORT_H
#define PEERSTAT_SORT_H

/*
 * Stable sorting by unsigned integer keys in O(n): an LSD radix sort, the one the rank tests
 * and the survival code share. Records are sorted by a key that a callback computes from each
 * record, so one routine serves arrays of records (the rank tests' value-and-tag pairs) and
 * permutations (an array of row numbers keyed by the rows' times). Because the sort is
 * stable, sorting first by a minor key and then by a major key orders by (major, minor), and
 * records with equal keys keep their order, as R's order() keeps input order for ties.
 */

#include <stddef.h>
#include <stdint.h>

#include "peerstat/status.h"

/*
 * A key that orders as the double does under <: for doubles a < b exactly when the keys are
 * <, and equal doubles (-0 and +0 included) get equal keys. v must not be NaN.
 */
uint64_t ps_sort_key_double(double v);

/* The double whose key this is (the inverse of ps_sort_key_double; 0 comes back as +0). */
double ps_sort_key_to_double(uint64_t key);

/* A key that orders as the int does (INT_MIN lowest). */
uint64_t ps_sort_key_int(int v);

/*
 * The key of one record: elem points at a record of the array being sorted, ctx is the
 * caller's pointer given to ps_sort_radix (for example the array a permutation indexes into).
 */
typedef uint64_t (*ps_sort_key_fn)(const void *elem, const void *ctx);

/*
 * Sort n records of size bytes at base stably by key(record, ctx), considering only the low
 * key_bits bits of each key (1..64; 32 for an int key saves the passes over constant high
 * bits, which are skipped anyway). Digits on which every key agrees cost one counting pass and
 * no move. Uses a scratch copy of the records (n * size bytes) and a count table, freed
 * before returning. The callback is called about (1 + passes) times per record and must give
 * the same key each time. Returns PS_OK, or PS_ENOMEM with base unchanged.
 */
enum ps_status ps_sort_radix(void *base, size_t n, size_t size, ps_sort_key_fn key, const void *ctx,
			     unsigned key_bits);

/*
 * Sort the permutation order[0..n) (row numbers below some m) stably so that
 * ps_sort_key_double(value[order[k]]) does not decrease: order by value, ties in their
 * current order. Start from the identity for R's order(value). value holds no NaN.
 * Returns PS_OK or PS_ENOMEM (order unchanged).
 */
enum ps_status ps_sort_order_double(size_t *order, size_t n, const double *value);

/* The same for int values: order by value[order[k]], ties in their current order. */
enum ps_status ps_sort_order_int(size_t *order, size_t n, const int *value);

#endif
