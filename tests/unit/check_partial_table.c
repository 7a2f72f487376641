/*
 * Unit tests for the records of table partials (table_record.c: `compare --partial`,
 * `survival --partial`): the documented layout, the round trip of any cell text (quotes,
 * backslashes, control bytes, UTF-8, empty cells; 2000 rows of random bytes) back to the same
 * bytes, JSON escapes written by other tools (\u escapes, surrogate pairs, spaces), the width
 * rule, and bad records refused with the store left as it was.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/table_record.h"

/* The record of n NUL-terminated cells, as a malloc'ed string. */
static char *record_of(const char *const *cells, size_t n)
{
	size_t lens[16];
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(cells[i]);
	char *out = malloc(ps_table_record_bound(lens, n) + 1);
	ck_assert_ptr_nonnull(out);
	size_t len = ps_table_record_write(out, cells, lens, n);
	ck_assert_uint_le(len, ps_table_record_bound(lens, n));
	out[len] = '\0';
	return out;
}

static enum ps_status parse(struct ps_table_rows *t, const char *line, struct ps_error *err)
{
	ps_error_clear(err);
	return ps_table_record_parse(t, line, strlen(line), err);
}

START_TEST(record_is_the_documented_layout)
{
	const char *cells[] = { "peer", "12.5", "", "NA" };
	char *s = record_of(cells, 4);
	ck_assert_str_eq(s, "[\"peer\",\"12.5\",\"\",\"NA\"]");
	free(s);
	const char *odd[] = { "a\"b\\c", "tab\there\r\n", "\x01" };
	s = record_of(odd, 3);
	ck_assert_str_eq(s, "[\"a\\\"b\\\\c\",\"tab\\u0009here\\u000d\\u000a\",\"\\u0001\"]");
	free(s);
}
END_TEST

START_TEST(round_trip_gives_the_same_bytes)
{
	const char *rows[3][4] = {
		{ "therapy_only", "6", "-0", "north" },
		{ "peer", "", "1e-300", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "q\"uo\\te", "\x1f\x7f", "  spaces  ", "," },
	};
	struct ps_table_rows t;
	struct ps_error err;
	ps_table_rows_init(&t);
	for (int r = 0; r < 3; r++) {
		char *s = record_of(rows[r], 4);
		ck_assert_int_eq(parse(&t, s, &err), PS_OK);
		free(s);
	}
	/* a left-out row: the group cell alone */
	const char *left[] = { "other" };
	char *s = record_of(left, 1);
	ck_assert_int_eq(parse(&t, s, &err), PS_OK);
	free(s);
	ck_assert_uint_eq(t.nrows, 4);
	ck_assert_uint_eq(t.width, 4);
	const char *cells[4];
	size_t lens[4];
	for (int r = 0; r < 3; r++) {
		ck_assert_uint_eq(ps_table_rows_get(&t, (size_t)r, cells, lens, 4), 4);
		for (int k = 0; k < 4; k++) {
			ck_assert_uint_eq(lens[k], strlen(rows[r][k]));
			ck_assert_int_eq(memcmp(cells[k], rows[r][k], lens[k]), 0);
			ck_assert_int_eq(cells[k][lens[k]], '\0');
		}
	}
	ck_assert_uint_eq(ps_table_rows_get(&t, 3, cells, lens, 4), 1);
	ck_assert_str_eq(cells[0], "other");

	/* replayed as a reader's row: padded with empty cells up to the width */
	const char *fields[4];
	size_t flens[4];
	struct ps_row row;
	ck_assert_uint_eq(ps_table_replay_row(&t, 3, 4, fields, flens, &row), 1);
	ck_assert_uint_eq(row.nfields, 4);
	ck_assert_uint_eq(row.line, 4);
	ck_assert_str_eq(row.fields[0], "other");
	ck_assert_uint_eq(row.lens[3], 0);
	ck_assert_str_eq(row.fields[3], "");

	/* the same rows added directly are the same store */
	struct ps_table_rows u;
	ps_table_rows_init(&u);
	for (int r = 0; r < 3; r++) {
		size_t l[4];
		for (int k = 0; k < 4; k++)
			l[k] = strlen(rows[r][k]);
		ck_assert_int_eq(ps_table_rows_add(&u, rows[r], l, 4), PS_OK);
	}
	ck_assert_uint_eq(u.text_len, t.text_len - strlen("other") - 1);
	ck_assert_int_eq(memcmp(u.text, t.text, u.text_len), 0);
	ps_table_rows_release(&u);
	ps_table_rows_release(&t);
}
END_TEST

START_TEST(other_writers_escapes_are_read)
{
	struct ps_table_rows t;
	struct ps_error err;
	const char *cells[3];
	size_t lens[3];
	ps_table_rows_init(&t);
	ck_assert_int_eq(parse(&t, " [ \"caf\\u00e9\" ,\t\"\\ud83d\\ude00\", \"\\/\\b\\f\\n\\r\\t\" ] ", &err), PS_OK);
	ck_assert_uint_eq(ps_table_rows_get(&t, 0, cells, lens, 3), 3);
	ck_assert_str_eq(cells[0], "caf\xc3\xa9");
	ck_assert_str_eq(cells[1], "\xf0\x9f\x98\x80");
	ck_assert_str_eq(cells[2], "/\b\f\n\r\t");
	ck_assert_uint_eq(lens[2], 6);
	ck_assert_int_eq(parse(&t, "[\"\\u20AC\",\"\\u0041\",\"\"]", &err), PS_OK);
	ck_assert_uint_eq(ps_table_rows_get(&t, 1, cells, lens, 3), 3);
	ck_assert_str_eq(cells[0], "\xe2\x82\xac");
	ck_assert_str_eq(cells[1], "A");
	ck_assert_uint_eq(lens[2], 0);
	ps_table_rows_release(&t);
}
END_TEST

START_TEST(bad_records_are_refused)
{
	static const char *bad[] = {
		"",                          /* nothing */
		"[]",                        /* no cell */
		"{\"a\":1}",                 /* not an array */
		"[\"a\",1]",                 /* a number */
		"[\"a\",null]",              /* null */
		"[\"a\",\"b\"",              /* no closing bracket */
		"[\"a,\"b\"]",               /* a quote missing */
		"[\"a\",\"b]",               /* a cell not closed */
		"[\"a\",]",                  /* a trailing comma */
		"[\"a\" \"b\"]",             /* no comma */
		"[\"a\"] x",                 /* text after the record */
		"[\"a\\x\"]",                /* a bad escape */
		"[\"a\\u12\"]",              /* a short \u escape */
		"[\"a\\u0000\"]",            /* a NUL */
		"[\"\\ud83d\"]",             /* a lone high surrogate */
		"[\"\\ude00\"]",             /* a lone low surrogate */
		"[\"\\ud83d\\u0041\"]",      /* a high surrogate without its low half */
		"[\"a\tb\"]",                /* a raw control byte */
		"[\"a\\",                    /* ends inside an escape */
	};
	struct ps_table_rows t;
	struct ps_error err;
	ps_table_rows_init(&t);
	ck_assert_int_eq(parse(&t, "[\"peer\",\"1\",\"0\"]", &err), PS_OK);
	size_t text_len = t.text_len;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_msg(parse(&t, bad[i], &err) == PS_EDATA, "accepted: %s", bad[i]);
		ck_assert_msg(err.message[0] != '\0', "no message for: %s", bad[i]);
		ck_assert_uint_eq(t.nrows, 1);
		ck_assert_uint_eq(t.text_len, text_len);
	}
	/* another width than the store's: refused; one cell (a left-out row) is fine */
	ck_assert_int_eq(parse(&t, "[\"peer\",\"1\"]", &err), PS_EDATA);
	ck_assert_ptr_nonnull(strstr(err.message, "2 cells"));
	ck_assert_int_eq(parse(&t, "[\"peer\",\"1\",\"0\",\"x\"]", &err), PS_EDATA);
	ck_assert_int_eq(parse(&t, "[\"NA\"]", &err), PS_OK);
	ck_assert_uint_eq(t.nrows, 2);
	ps_table_rows_release(&t);
}
END_TEST

START_TEST(many_rows_grow_the_store)
{
	struct ps_table_rows t;
	struct ps_error err;
	char line[64];
	ps_table_rows_init(&t);
	for (int i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line), "[\"%s\",\"%d.%d\"]", i % 2 ? "peer" : "therapy_only", i, i % 7);
		ck_assert_int_eq(parse(&t, line, &err), PS_OK);
	}
	const char *cells[2];
	size_t lens[2];
	ck_assert_uint_eq(ps_table_rows_get(&t, 4321, cells, lens, 2), 2);
	ck_assert_str_eq(cells[0], "peer");
	ck_assert_str_eq(cells[1], "4321.2");
	ck_assert_uint_eq(ps_table_rows_get(&t, 4999, cells, lens, 1), 2); /* only max filled */
	ck_assert_str_eq(cells[0], "peer");
	ps_table_rows_release(&t);
}
END_TEST

/* Cells of random bytes (1..255: any byte the reader can give, UTF-8 or not) come back as they were. */
START_TEST(random_bytes_round_trip)
{
	struct ps_table_rows t;
	struct ps_error err;
	uint32_t x = 12345;
	char buf[3][40];
	const char *cells[3], *got[3];
	size_t lens[3], got_lens[3];
	ps_table_rows_init(&t);
	for (int r = 0; r < 2000; r++) {
		for (int k = 0; k < 3; k++) {
			x = x * 1103515245u + 12345u;
			lens[k] = (x >> 16) % 40;
			for (size_t i = 0; i < lens[k]; i++) {
				x = x * 1103515245u + 12345u;
				buf[k][i] = (char)(1 + (x >> 16) % 255);
			}
			cells[k] = buf[k];
		}
		char *line = malloc(ps_table_record_bound(lens, 3));
		ck_assert_ptr_nonnull(line);
		size_t len = ps_table_record_write(line, cells, lens, 3);
		ps_error_clear(&err);
		ck_assert_int_eq(ps_table_record_parse(&t, line, len, &err), PS_OK);
		free(line);
		ck_assert_uint_eq(ps_table_rows_get(&t, (size_t)r, got, got_lens, 3), 3);
		for (int k = 0; k < 3; k++) {
			ck_assert_uint_eq(got_lens[k], lens[k]);
			ck_assert_int_eq(memcmp(got[k], cells[k], lens[k]), 0);
		}
	}
	ps_table_rows_release(&t);
}
END_TEST

static Suite *partial_table_suite(void)
{
	Suite *s = suite_create("partial_table");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, record_is_the_documented_layout);
	tcase_add_test(tc, round_trip_gives_the_same_bytes);
	tcase_add_test(tc, other_writers_escapes_are_read);
	tcase_add_test(tc, bad_records_are_refused);
	tcase_add_test(tc, many_rows_grow_the_store);
	tcase_add_test(tc, random_bytes_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(partial_table_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
