/*
 * Unit tests for the id hash (idhash.c) and the partial-summary record of a roster participant
 * (roster_partial.c). SipHash-2-4 vectors are those of the reference implementation's test
 * program (Aumasson and Bernstein, key 00..0f, message 00..len-1); the record round trip is
 * checked against the facts of the roster it came from.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/idhash.h"
#include "peerstat/parse.h"
#include "peerstat/roster.h"

START_TEST(siphash_reference_vectors)
{
	unsigned char key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	ck_assert_uint_eq(ps_siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(ps_siphash24(key, msg, 15), 0xa129ca6149be45e5ULL); /* vectors[15]: e5 45 be 49 61 ca 29 a1 */
	ck_assert_uint_eq(ps_siphash24(key, msg, 8), 0x93f5f5799a932462ULL);  /* vectors[8]: 62 24 93 9a 79 f5 f5 93 */
}
END_TEST

START_TEST(id_hash_hex_round_trip)
{
	char hex[17];
	uint64_t h = ps_id_hash("P0001", 5), back;
	ck_assert_str_eq(ps_id_hash_hex(h, hex), "99ae4ca4c33b5776"); /* the key "peerstat-id-v1\0\0" */
	ck_assert_int_eq(ps_id_hash_parse(hex, 16, &back), 1);
	ck_assert_uint_eq(back, h);
	ck_assert_int_eq(ps_id_hash_parse("99AE4CA4C33B5776", 16, &back), 0);
	ck_assert_int_eq(ps_id_hash_parse("99ae4ca4c33b577", 15, &back), 0);
	ck_assert_uint_ne(ps_id_hash("P0001", 5), ps_id_hash("P0002", 5));
}
END_TEST

static int32_t day(const char *iso)
{
	int32_t d;
	ck_assert(ps_parse_date(iso, strlen(iso), PS_DATE_ISO, &d, NULL));
	return d;
}

START_TEST(record_format_is_documented_layout)
{
	struct ps_roster r;
	char *line;
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	int32_t d0 = day("2024-01-01");
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0 + 7, 1, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0 + 1, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_person_format(&r, 0, "k", 1, &line), PS_OK);
	/* days 0, 1, 7 from the first: digit 0 = 1 + 2, digit 1 = 8; attended day 7 only */
	ck_assert_str_eq(line, "[\"k\",\"peer\",null,null,\"2024-01-01\",\"38\",\"08\"]");
	free(line);
	ps_roster_release(&r);
}
END_TEST

static void facts_equal(struct ps_roster *a, struct ps_roster *b)
{
	struct ps_participant_facts *fa, *fb;
	size_t na, nb;
	ck_assert_int_eq(ps_roster_finish(a, NULL, &fa, &na, NULL, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_finish(b, NULL, &fb, &nb, NULL, NULL), PS_OK);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		size_t j;
		ck_assert(ps_strmap_find(&b->ids, ps_strmap_key(&a->ids, i), ps_strmap_key_len(&a->ids, i), &j));
		ck_assert_str_eq(ps_strmap_key(&a->cohorts, fa[i].cohort), ps_strmap_key(&b->cohorts, fb[j].cohort));
		ck_assert_int_eq(fa[i].site < 0, fb[j].site < 0);
		ck_assert_int_eq(fa[i].enrolled_on, fb[j].enrolled_on);
		ck_assert_int_eq(fa[i].enrolled_from_column, fb[j].enrolled_from_column);
		ck_assert_int_eq(fa[i].end_on, fb[j].end_on);
		ck_assert_uint_eq(fa[i].sessions_scheduled, fb[j].sessions_scheduled);
		ck_assert_uint_eq(fa[i].sessions_attended, fb[j].sessions_attended);
		ck_assert_int_eq(fa[i].first_attended_on, fb[j].first_attended_on);
		ck_assert_int_eq(fa[i].last_attended_on, fb[j].last_attended_on);
		ck_assert_uint_eq(fa[i].window_attended, fb[j].window_attended);
		ck_assert_int_eq(fa[i].dropped_out, fb[j].dropped_out);
		ck_assert_int_eq(fa[i].completed, fb[j].completed);
	}
	ck_assert_int_eq(ps_roster_latest_day(a), ps_roster_latest_day(b));
	free(fa);
	free(fb);
}

START_TEST(record_round_trip_gives_the_same_facts)
{
	struct ps_roster r, back;
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ps_roster_init(&back, PS_ROSTER_NO_DAY);
	int32_t d0 = day("2023-12-30");
	/* B: weekly for two years (a heap day set), every third attended, enrolled before */
	for (int w = 0; w < 104; w++)
		ck_assert_int_eq(ps_roster_add(&r, "B", 1, "therapy_only", 12, "north", 5, d0 + 7 * w, w % 3 == 0, d0 - 3, NULL),
				 PS_OK);
	/* C: never attended, no site; D: one session */
	ck_assert_int_eq(ps_roster_add(&r, "C", 1, "peer", 4, NULL, 0, d0 + 5, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "C", 1, "peer", 4, NULL, 0, d0 + 90, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "D", 1, "peer", 4, "a \"quoted\", site", 17, d0 + 1, 1, PS_ROSTER_NO_DAY, NULL),
			 PS_OK);
	for (size_t i = 0; i < ps_roster_count(&r); i++) {
		char *line;
		ck_assert_int_eq(ps_roster_person_format(&r, i, ps_strmap_key(&r.ids, i), 1, &line), PS_OK);
		ck_assert_int_eq(ps_roster_person_parse(&back, line, strlen(line), NULL), PS_OK);
		free(line);
	}
	facts_equal(&r, &back);
	ps_roster_release(&r);
	ps_roster_release(&back);
}
END_TEST

START_TEST(parse_refuses_bad_records)
{
	static const char *bad[] = {
		"[\"k\",\"peer\",null,null,\"2024-01-01\",\"38\"]",                 /* 6 items */
		"[\"k\",\"peer\",null,null,\"2024-01-01\",\"38\",\"04\"]",          /* attended, not scheduled */
		"[\"k\",\"peer\",null,null,\"2024-01-01\",\"380\",\"\"]",           /* trailing zero digit */
		"[\"k\",\"peer\",null,null,\"2024-01-01\",\"28\",\"\"]",            /* does not start at FIRST */
		"[\"k\",\"peer\",null,null,\"2024-01-01\",\"3G\",\"\"]",            /* not hex */
		"[\"k\",\"peer\",null,\"2024-01-05\",\"2024-01-01\",\"1\",\"\"]",   /* a session before enrolment */
		"[\"\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]",              /* empty key */
		"[\"k\",\"peer\",null,null,\"2024-02-30\",\"1\",\"\"]",             /* no such day */
		"{\"k\":1}", "not json",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ps_roster r;
		struct ps_error err;
		ps_roster_init(&r, PS_ROSTER_NO_DAY);
		ps_error_clear(&err);
		ck_assert_msg(ps_roster_person_parse(&r, bad[i], strlen(bad[i]), &err) == PS_EDATA, "accepted: %s", bad[i]);
		ck_assert(err.message[0]);
		ps_roster_release(&r);
	}
	/* the same key twice in one partial */
	struct ps_roster r;
	const char *ok = "[\"k\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]";
	const char *again = "[\"k\",\"peer\",null,null,\"2024-01-02\",\"1\",\"\"]";
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_person_parse(&r, ok, strlen(ok), NULL), PS_OK);
	ck_assert_int_eq(ps_roster_person_parse(&r, again, strlen(again), NULL), PS_EDATA);
	ps_roster_release(&r);
}
END_TEST

static Suite *partial_suite(void)
{
	Suite *s = suite_create("partial");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, siphash_reference_vectors);
	tcase_add_test(tc, id_hash_hex_round_trip);
	tcase_add_test(tc, record_format_is_documented_layout);
	tcase_add_test(tc, record_round_trip_gives_the_same_facts);
	tcase_add_test(tc, parse_refuses_bad_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(partial_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
