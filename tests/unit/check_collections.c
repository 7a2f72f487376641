/* Unit tests for strmap.c (interning) and dayset.c (per-participant day bitmaps). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/bytes.h"
#include "peerstat/dayset.h"
#include "peerstat/strmap.h"

START_TEST(strmap_interns_in_order)
{
	struct ps_strmap map;
	ps_strmap_init(&map);
	char key[32];
	size_t index;
	int added;
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "P%06d", i);
		ck_loop_assert(ps_strmap_intern(&map, key, (size_t)n, &index, &added) == 0);
		ck_loop_assert(added == 1);
		ck_loop_assert(index == (size_t)i);
	}
	for (int i = 99999; i >= 0; i -= 7) {
		int n = snprintf(key, sizeof(key), "P%06d", i);
		ck_loop_assert(ps_strmap_intern(&map, key, (size_t)n, &index, &added) == 0);
		ck_loop_assert(added == 0);
		ck_loop_assert(index == (size_t)i);
		ck_loop_assert(strcmp(ps_strmap_key(&map, index), key) == 0);
	}
	ck_assert_uint_eq(map.count, 100000);
	ck_assert(!ps_strmap_find(&map, "P100000", 7, &index));
	/* keys with embedded prefixes and the empty key are distinct */
	ck_assert_int_eq(ps_strmap_intern(&map, "P00000", 6, &index, &added), 0);
	ck_assert_int_eq(added, 1);
	ck_assert_int_eq(ps_strmap_intern(&map, "", 0, &index, &added), 0);
	ck_assert_int_eq(added, 1);
	ck_assert(ps_strmap_find(&map, "", 0, &index) && index == 100001);
	/* a key longer than an arena block */
	char *big = malloc(100000);
	memset(big, 'k', 100000);
	ck_assert_int_eq(ps_strmap_intern(&map, big, 100000, &index, &added), 0);
	ck_assert(ps_strmap_find(&map, big, 100000, &index) && index == 100002);
	free(big);
	ps_strmap_release(&map);
}
END_TEST

START_TEST(dayset_shuffled_schedule_stays_inline)
{
	/* a shuffled roll: 26 weekly sessions first seen in the middle, then in scrambled order
	 * (7 is coprime with 26): they fit the inline bits, so no heap */
	struct ps_dayset set;
	ps_dayset_init(&set);
	for (int i = 0; i < 26; i++)
		ck_assert_int_eq(ps_dayset_add(&set, 19723 + 7 * ((13 + 7 * i) % 26)), 1);
	ck_assert_ptr_null(set.heap);
	for (int w = 0; w < 26; w++)
		ck_assert_int_eq(ps_dayset_add(&set, 19723 + 7 * w), 0);
	ck_assert_int_eq(ps_dayset_add(&set, 19723 + 1), 1);
	ck_assert_ptr_null(set.heap);
	ps_dayset_release(&set);
	/* exactly 256 days, last day first and then backwards: fits; day 257 goes to the heap
	 * with every earlier day kept */
	ps_dayset_init(&set);
	for (int d = 255; d >= 0; d--)
		ck_assert_int_eq(ps_dayset_add(&set, 1000 + d), 1);
	ck_assert_ptr_null(set.heap);
	ck_assert_int_eq(ps_dayset_add(&set, 1000 + 256), 1);
	ck_assert_ptr_nonnull(set.heap);
	for (int d = 0; d <= 256; d++)
		ck_assert_int_eq(ps_dayset_add(&set, 1000 + d), 0);
	ck_assert_int_eq(ps_dayset_add(&set, 999), 1);
	ps_dayset_release(&set);
	/* alternating ends around a middle start, negative days too */
	ps_dayset_init(&set);
	for (int k = 0; k < 128; k++) {
		ck_assert_int_eq(ps_dayset_add(&set, -5 + k), 1);
		ck_assert_int_eq(ps_dayset_add(&set, -6 - k), 1);
	}
	ck_assert_ptr_null(set.heap);
	for (int d = -133; d <= 122; d++)
		ck_assert_int_eq(ps_dayset_add(&set, d), 0);
	ps_dayset_release(&set);
}
END_TEST

START_TEST(dayset_finds_duplicates_over_any_span)
{
	struct ps_dayset set;
	ps_dayset_init(&set);
	/* weekly sessions: stay inline */
	for (int w = 0; w < 26; w++)
		ck_assert_int_eq(ps_dayset_add(&set, 19723 + 7 * w), 1);
	ck_assert_ptr_null(set.heap);
	for (int w = 0; w < 26; w++)
		ck_assert_int_eq(ps_dayset_add(&set, 19723 + 7 * w), 0);
	/* far before and far after (19 years apart): grows both ways and keeps what it had */
	ck_assert_int_eq(ps_dayset_add(&set, 16723), 1);
	ck_assert_int_eq(ps_dayset_add(&set, 23723), 1);
	ck_assert_int_eq(ps_dayset_add(&set, 19723 + 7 * 13), 0);
	ck_assert_int_eq(ps_dayset_add(&set, 16723), 0);
	ck_assert_int_eq(ps_dayset_add(&set, 23723), 0);
	ck_assert_int_eq(ps_dayset_add(&set, 23724), 1);
	ck_assert_int_eq(ps_dayset_add(&set, 16724), 1);
	/* beyond the longest span (1900 and 2200 in one roll): refused, the set unchanged */
	ck_assert_int_eq(ps_dayset_add(&set, 16723 + PS_DAYSET_MAX_SPAN_DAYS), -2);
	ck_assert_int_eq(ps_dayset_add(&set, 23724 - PS_DAYSET_MAX_SPAN_DAYS), -2);
	ck_assert_int_eq(ps_dayset_add(&set, 16723 + PS_DAYSET_MAX_SPAN_DAYS - 1), 1);
	ck_assert_int_eq(ps_dayset_add(&set, -25567), -2);
	ck_assert_int_eq(ps_dayset_add(&set, 84000), -2);
	ck_assert_int_eq(ps_dayset_add(&set, 16723), 0);
	ck_assert_uint_le(set.nwords * 64u, PS_DAYSET_MAX_SPAN_DAYS + 192u);
	/* every day in a range, in scrambled order, is new exactly once */
	struct ps_dayset dense;
	ps_dayset_init(&dense);
	for (int i = 0; i < 3000; i++)
		ck_assert_int_eq(ps_dayset_add(&dense, (i * 1237) % 3000 - 1500), 1);
	for (int i = 0; i < 3000; i++)
		ck_assert_int_eq(ps_dayset_add(&dense, i - 1500), 0);
	ps_dayset_release(&dense);
	ps_dayset_release(&set);
}
END_TEST

/*
 * Union, first common day and copy (the word-wise merge of shards) against a plain array of
 * flags: random sets over short spans (inline words) and long ones (grown, either direction).
 */
#define SPAN 3000
static void random_set(struct ps_dayset *set, unsigned char *flags, int32_t lo, int32_t width, int count, unsigned *seed)
{
	ps_dayset_init(set);
	int failed = 0;
	for (int i = 0; i < count; i++) {
		int32_t day = lo + (int32_t)(rand_r(seed) % (unsigned)width);
		failed |= ps_dayset_add(set, day) < 0;
		flags[day + SPAN] = 1;
	}
	ck_assert(!failed);
}

/* Membership from the documented layout: bit i of the words is day base + i. */
static int has_day(const struct ps_dayset *set, int32_t day)
{
	int64_t off = (int64_t)day - set->base;
	if (set->nwords == 0 || off < 0 || off >= (int64_t)set->nwords * 64)
		return 0;
	const uint64_t *w = set->heap ? set->heap : set->inline_bits;
	return (int)(w[off / 64] >> (off % 64) & 1);
}

START_TEST(dayset_union_and_first_common)
{
	unsigned seed = 12345;
	for (int trial = 0; trial < 400; trial++) {
		static unsigned char fa[2 * SPAN], fb[2 * SPAN];
		memset(fa, 0, sizeof(fa));
		memset(fb, 0, sizeof(fb));
		int wide = trial % 3;
		int32_t width = wide ? 1 + (int32_t)(rand_r(&seed) % 2000) : 1 + (int32_t)(rand_r(&seed) % 200);
		struct ps_dayset a, b;
		random_set(&a, fa, -(int32_t)(rand_r(&seed) % 800), width, (int)(rand_r(&seed) % 40), &seed);
		random_set(&b, fb, -(int32_t)(rand_r(&seed) % 800), width, (int)(rand_r(&seed) % 40), &seed);
		int32_t want = 0, got = 0;
		int want_found = 0;
		for (int32_t d = -SPAN; d < SPAN && !want_found; d++)
			if (fa[d + SPAN] && fb[d + SPAN]) {
				want = d;
				want_found = 1;
			}
		int found = ps_dayset_first_common(&a, &b, &got);
		ck_assert_int_eq(found, want_found);
		if (found)
			ck_assert_int_eq(got, want);
		ck_assert_int_eq(ps_dayset_union(&a, &b), 0);
		/* one assertion per trial: Check records every assertion it passes, and that is slow */
		int32_t wrong_day = INT32_MIN;
		for (int32_t d = -SPAN; d < SPAN && wrong_day == INT32_MIN; d++)
			if (has_day(&a, d) != (fa[d + SPAN] || fb[d + SPAN]))
				wrong_day = d;
		ck_assert_msg(wrong_day == INT32_MIN, "trial %d: union wrong at day %d", trial, (int)wrong_day);
		ps_dayset_release(&a);
		ps_dayset_release(&b);
	}
}
END_TEST

/* ps_same_bytes against memcmp: every length to 40, a difference at every position. */
START_TEST(same_bytes_is_memcmp)
{
	char a[48], b[48];
	int wrong = 0;
	for (size_t n = 0; n <= 40; n++) {
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = b[i] = (char)('a' + i % 26);
		wrong |= !ps_same_bytes(a, b, n);
		for (size_t at = 0; at < n; at++) {
			b[at] ^= 0x20;
			wrong |= ps_same_bytes(a, b, n) != (memcmp(a, b, n) == 0);
			b[at] ^= 0x20;
		}
		b[n] ^= 0x20; /* a difference just past the end does not count */
		wrong |= !ps_same_bytes(a, b, n);
	}
	ck_assert(!wrong);
}
END_TEST

static Suite *collections_suite(void)
{
	Suite *s = suite_create("collections");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, strmap_interns_in_order);
	tcase_add_test(tc, dayset_finds_duplicates_over_any_span);
	tcase_add_test(tc, dayset_union_and_first_common);
	tcase_add_test(tc, dayset_shuffled_schedule_stays_inline);
	tcase_add_test(tc, same_bytes_is_memcmp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(collections_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
