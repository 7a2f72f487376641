/* The stable id hash (SipHash-2-4); see include/peerstat/idhash.h. */
#include "peerstat/idhash.h"

#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* Little-endian load, whatever the machine: the hash must not depend on it. */
static uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#define SIPROUND                                                                   \
	do {                                                                       \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);          \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                             \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                             \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);          \
	} while (0)

uint64_t ps_siphash24(const unsigned char k[16], const void *s, size_t len)
{
	const unsigned char *in = s;
	uint64_t k0 = load_le(k, 8), k1 = load_le(k + 8, 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	size_t full = len - len % 8;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = load_le(in + i, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = ((uint64_t)len << 56) | load_le(in + full, len % 8);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static const unsigned char id_key[16] = { 'p', 'e', 'e', 'r', 's', 't', 'a', 't', '-', 'i', 'd', '-', 'v', '1', 0, 0 };

uint64_t ps_id_hash(const char *s, size_t len)
{
	return ps_siphash24(id_key, s, len);
}

char *ps_id_hash_hex(uint64_t h, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, h >>= 4)
		buf[i] = digits[h & 15];
	buf[16] = '\0';
	return buf;
}

int ps_id_hash_parse(const char *s, size_t len, uint64_t *h)
{
	uint64_t v = 0;
	if (len != 16)
		return 0;
	for (size_t i = 0; i < 16; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint64_t)d;
	}
	*h = v;
	return 1;
}
