/*
 * Unit tests for sort.c: the shared LSD radix sort. Every result is compared with qsort by the
 * full comparison (value as <, then input position), so that the radix sort is shown to give
 * exactly R's order(): ties in input order, -0 equal to +0.
 */
#include <check.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/sort.h"

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

/* the reference: qsort by (value as <, input position), which is a stable order by value */
struct ref {
	double v;
	size_t i;
};

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	if (a->v < b->v)
		return -1;
	if (a->v > b->v)
		return 1;
	return (a->i > b->i) - (a->i < b->i);
}

static void reference_order_double(size_t *order, size_t n, const double *v)
{
	struct ref *r = malloc((n ? n : 1) * sizeof(*r));
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ref){ v[i], i };
	qsort(r, n, sizeof(*r), ref_cmp);
	for (size_t i = 0; i < n; i++)
		order[i] = r[i].i;
	free(r);
}

static void check_double_order(const double *v, size_t n)
{
	size_t *got = malloc((n ? n : 1) * sizeof(*got)), *want = malloc((n ? n : 1) * sizeof(*want));
	ck_assert(got && want);
	for (size_t i = 0; i < n; i++)
		got[i] = i;
	ck_assert_int_eq(ps_sort_order_double(got, n, v), PS_OK);
	reference_order_double(want, n, v);
	for (size_t i = 0; i < n; i++)
		ck_loop_assert_msg(got[i] == want[i], "n %zu position %zu: row %zu, expected row %zu", n, i, got[i], want[i]);
	free(got);
	free(want);
}

START_TEST(keys_order_as_the_values)
{
	const double v[] = {-INFINITY, -DBL_MAX, -1e300, -2.5, -1, -DBL_MIN, -4.9e-324, 0, 4.9e-324,
			    DBL_MIN, 1, 2.5, 1e300, DBL_MAX, INFINITY};
	size_t n = sizeof(v) / sizeof(v[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			uint64_t a = ps_sort_key_double(v[i]), b = ps_sort_key_double(v[j]);
			ck_assert_int_eq(a < b, v[i] < v[j]);
			ck_assert_int_eq(a == b, v[i] == v[j]);
		}
	ck_assert(ps_sort_key_double(-0.0) == ps_sort_key_double(0.0));
	for (size_t i = 0; i < n; i++) {
		double back = ps_sort_key_to_double(ps_sort_key_double(v[i]));
		ck_assert(memcmp(&back, &v[i], sizeof(back)) == 0);
	}
	double zero = ps_sort_key_to_double(ps_sort_key_double(-0.0));
	ck_assert(zero == 0 && !signbit(zero));
	const int w[] = {INT_MIN, -70000, -1, 0, 1, 65536, INT_MAX};
	for (size_t i = 0; i < 7; i++)
		for (size_t j = 0; j < 7; j++)
			ck_assert_int_eq(ps_sort_key_int(w[i]) < ps_sort_key_int(w[j]), w[i] < w[j]);
}
END_TEST

/* small and large n (8- and 16-bit digits), heavy ties, negatives, -0 among 0 */
START_TEST(order_is_stable_and_exact)
{
	static const size_t sizes[] = {0, 1, 2, 3, 17, 1000, 16383, 16384, 40000};
	uint64_t seed = 42;
	for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++) {
		size_t n = sizes[c];
		double *v = malloc((n ? n : 1) * sizeof(*v));
		ck_assert_ptr_nonnull(v);
		/* few distinct values: ties everywhere, as follow-up days */
		for (size_t i = 0; i < n; i++)
			v[i] = (double)(lcg(&seed) % 50);
		check_double_order(v, n);
		/* signed, fractional, with both zeros */
		for (size_t i = 0; i < n; i++) {
			uint64_t r = lcg(&seed) % 7;
			v[i] = r == 0 ? 0.0 : r == 1 ? -0.0 : ((double)(lcg(&seed) % 2001) - 1000) / 7;
		}
		check_double_order(v, n);
		/* every value distinct, spread over the exponents */
		for (size_t i = 0; i < n; i++)
			v[i] = ldexp((double)(lcg(&seed) % 1000003), (int)(lcg(&seed) % 200) - 100);
		check_double_order(v, n);
		free(v);
	}
}
END_TEST

/* two stable passes, minor key first, order by (major, minor, input position) */
START_TEST(two_keys_as_r_order)
{
	size_t n = 30000;
	double *t = malloc(n * sizeof(*t));
	int *s = malloc(n * sizeof(*s));
	size_t *order = malloc(n * sizeof(*order));
	ck_assert(t && s && order);
	uint64_t seed = 7;
	for (size_t i = 0; i < n; i++) {
		t[i] = (double)(lcg(&seed) % 300);
		s[i] = (int)(lcg(&seed) % 5) - 2;
		order[i] = i;
	}
	ck_assert_int_eq(ps_sort_order_double(order, n, t), PS_OK);
	ck_assert_int_eq(ps_sort_order_int(order, n, s), PS_OK);
	for (size_t k = 1; k < n; k++) {
		size_t a = order[k - 1], b = order[k];
		int before = s[a] < s[b] || (s[a] == s[b] && (t[a] < t[b] || (t[a] == t[b] && a < b)));
		ck_assert_msg(before, "position %zu out of order", k);
	}
	free(t);
	free(s);
	free(order);
}
END_TEST

/* records of any size move whole; the key callback gets the caller's context */
struct rec {
	int id;
	char pad[13];
	unsigned char key;
};

static uint64_t rec_key(const void *elem, const void *ctx)
{
	const struct rec *r = elem;
	return (uint64_t)(r->key ^ *(const unsigned char *)ctx);
}

START_TEST(records_with_context)
{
	size_t n = 5000;
	struct rec *r = malloc(n * sizeof(*r));
	ck_assert_ptr_nonnull(r);
	uint64_t seed = 3;
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].id = (int)i;
		r[i].key = (unsigned char)(lcg(&seed) % 256);
		memset(r[i].pad, (int)(i % 251), sizeof(r[i].pad));
	}
	unsigned char flip = 0xff;   /* sorts by descending key */
	ck_assert_int_eq(ps_sort_radix(r, n, sizeof(*r), rec_key, &flip, 8), PS_OK);
	for (size_t k = 0; k < n; k++) {
		ck_assert(r[k].pad[0] == (char)(r[k].id % 251) && r[k].pad[12] == (char)(r[k].id % 251));
		if (k > 0) {
			ck_assert(r[k - 1].key >= r[k].key);
			if (r[k - 1].key == r[k].key)
				ck_assert_int_lt(r[k - 1].id, r[k].id);
		}
	}
	free(r);
}
END_TEST

static Suite *sort_suite(void)
{
	Suite *s = suite_create("sort");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, keys_order_as_the_values);
	tcase_add_test(tc, order_is_stable_and_exact);
	tcase_add_test(tc, two_keys_as_r_order);
	tcase_add_test(tc, records_with_context);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sort_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
