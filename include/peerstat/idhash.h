#ifndef PEERSTAT_IDHASH_H
#define PEERSTAT_IDHASH_H

/*
 * The stable 64-bit hash of a participant id (or any field value) that `peerstat shard` splits
 * by and that partial summaries (`--partial`, docs/scale.md) carry instead of the id:
 * SipHash-2-4 (Aumasson and Bernstein 2012) of the value's bytes as the CSV reader gives them
 * (quotes removed, nothing else changed), with the fixed 16-byte key "peerstat-id-v1\0\0".
 * SipHash is defined on bytes and little-endian words, so the value is the same on every
 * machine, in every run and every version that keeps the key: shards and partials made on
 * different machines combine. The key is public, so the hash is a pseudonym, not a secret: an
 * id that can be guessed can be hashed and recognised (docs/scale.md says what that means).
 */

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of (s, len) under the 16-byte key k. */
uint64_t ps_siphash24(const unsigned char k[16], const void *s, size_t len);

/* The id hash: ps_siphash24 under peerstat's fixed key. */
uint64_t ps_id_hash(const char *s, size_t len);

/* The id hash as 16 lowercase hex digits (most significant first) and a NUL: buf >= 17 bytes. */
char *ps_id_hash_hex(uint64_t h, char *buf);

/* Parse 16 lowercase hex digits (exactly) back. Returns 1 and sets *h, or 0. */
int ps_id_hash_parse(const char *s, size_t len, uint64_t *h);

#endif
