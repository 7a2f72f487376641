/*
 * Unit tests for the CSV reader. Every case is fed at every chunk size from 1 byte to the
 * whole input (libcsv's own test_csv.c does the same): chunk boundaries inside quotes, inside
 * CRLF, inside the byte order mark must not change a single row, line number or error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/reader.h"

struct transcript {
	char text[4096];
	size_t len;
};



/* Serialise rows as "line:a|b|c;" so that one string compares a whole run. */
static enum ps_status serialise_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	(void)err;
	struct transcript *t = ctx;
	int w = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%lu:", row->line);
	t->len += (size_t)w;
	for (size_t i = 0; i < row->nfields; i++) {
		w = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s%.*s", i ? "|" : "", (int)row->lens[i],
			     row->fields[i]);
		t->len += (size_t)w;
	}
	w = snprintf(t->text + t->len, sizeof(t->text) - t->len, ";");
	t->len += (size_t)w;
	return PS_OK;
}

struct outcome {
	enum ps_status status;
	struct transcript rows;
	unsigned long blank_lines;
	unsigned long rejected;
	struct ps_error err;        /* the stopping error, or the first rejected one */
	size_t ncolumns;
};

static void run(const char *input, size_t len, size_t chunk, enum ps_error_policy policy, unsigned char delim,
		size_t max_field, struct outcome *out)
{
	struct ps_rejects rejects;
	struct ps_reader_options opt = { delim, max_field, "in.csv", NULL };
	memset(out, 0, sizeof(*out));
	ps_rejects_init(&rejects, policy);
	struct ps_reader *r = ps_reader_new(&opt, serialise_row, &out->rows, &rejects);
	ck_assert_ptr_nonnull(r);
	enum ps_status st = PS_OK;
	for (size_t at = 0; at < len && st == PS_OK; at += chunk)
		st = ps_reader_feed(r, input + at, len - at < chunk ? len - at : chunk, &out->err);
	if (st == PS_OK)
		st = ps_reader_finish(r, &out->err);
	out->status = st;
	out->blank_lines = ps_reader_blank_lines(r);
	out->rejected = rejects.rejected_rows;
	out->ncolumns = ps_reader_header(r, NULL);
	if (st == PS_OK && rejects.kept)
		out->err = rejects.errors[0];
	ps_reader_free(r);
}

struct reader_case {
	const char *name;
	const char *input;
	enum ps_error_policy policy;
	enum ps_status status;
	const char *rows;            /* serialised rows delivered */
	unsigned long blank_lines;
	unsigned long rejected;
	unsigned long err_line;      /* for failures and rejections */
	unsigned long err_column;
	const char *err_message;     /* a substring of the message */
};

static const struct reader_case cases[] = {
	{ "plain", "a,b\n1,2\n3,4\n", PS_ON_ERROR_STOP, PS_OK, "2:1|2;3:3|4;", 0, 0, 0, 0, NULL },
	{ "no final newline", "a,b\n1,2", PS_ON_ERROR_STOP, PS_OK, "2:1|2;", 0, 0, 0, 0, NULL },
	{ "crlf", "a,b\r\n1,2\r\n3,4\r\n", PS_ON_ERROR_STOP, PS_OK, "2:1|2;3:3|4;", 0, 0, 0, 0, NULL },
	{ "bom", "\xEF\xBB\xBF" "a,b\n1,2\n", PS_ON_ERROR_STOP, PS_OK, "2:1|2;", 0, 0, 0, 0, NULL },
	{ "a cut BOM is data, and not UTF-8", "\xEF\xBB" "a,b\n1,2\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 1, 1,
	  "invalid UTF-8" },
	{ "quoted comma quote newline", "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n5,6\n",
	  PS_ON_ERROR_STOP, PS_OK, "2:x,y|say \"hi\";3:two\nlines|z;5:5|6;", 0, 0, 0, 0, NULL },
	{ "quoted crlf inside", "a,b\r\n\"p\r\nq\",1\r\n2,3\r\n", PS_ON_ERROR_STOP, PS_OK, "2:p\r\nq|1;4:2|3;", 0, 0,
	  0, 0, NULL },
	{ "blank lines counted", "a,b\n\n1,2\r\n\r\n\n3,4\n\n", PS_ON_ERROR_STOP, PS_OK, "3:1|2;6:3|4;", 4, 0, 0, 0,
	  NULL },
	{ "blank line inside quotes is data", "a,b\n\"x\n\ny\",1\n", PS_ON_ERROR_STOP, PS_OK, "2:x\n\ny|1;", 0, 0, 0, 0,
	  NULL },
	{ "spaces kept", "a,b\n 1 , 2\n", PS_ON_ERROR_STOP, PS_OK, "2: 1 | 2;", 0, 0, 0, 0, NULL },
	{ "empty fields", "a,b,c\n,,\n\"\",x,\n", PS_ON_ERROR_STOP, PS_OK, "2:||;3:|x|;", 0, 0, 0, 0, NULL },
	{ "header only", "a,b\n", PS_ON_ERROR_STOP, PS_OK, "", 0, 0, 0, 0, NULL },
	{ "empty input", "", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 0, 0, "no header row" },
	{ "only blank lines", "\n\n", PS_ON_ERROR_STOP, PS_EDATA, "", 2, 0, 0, 0, "no header row" },
	{ "stray quote", "a,b\n1,2\n3,x\"y\n5,6\n", PS_ON_ERROR_STOP, PS_EDATA, "2:1|2;", 0, 0, 3, 2, "stray quote" },
	{ "junk after closing quote", "a,b\n\"1\"x,2\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 2, 1,
	  "after a closing quote" },
	{ "space after closing quote", "a,b\n\"1\" ,2\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 2, 1,
	  "after a closing quote" },
	{ "stray quote after multiline field", "a,b\n\"x\ny\",1\n2,o\"k\n", PS_ON_ERROR_STOP, PS_EDATA, "2:x\ny|1;", 0,
	  0, 4, 2, "stray quote" },
	{ "unterminated quote", "a,b\n1,2\n\"open,3\n4,5\n", PS_ON_ERROR_STOP, PS_EDATA, "2:1|2;", 0, 0, 3, 1,
	  "never closed" },
	{ "too few fields", "a,b,c\n1,2,3\n4,5\n", PS_ON_ERROR_STOP, PS_EDATA, "2:1|2|3;", 0, 0, 3, 3, "row has 2 fields" },
	{ "too many fields", "a,b\n1,2,3\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 2, 3, "row has 3 fields" },
	{ "duplicate header", "a,b,a\n1,2,3\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 1, 3, "duplicate column name" },
	{ "empty header name", "a,,c\n1,2,3\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 1, 2, "empty column name" },
	{ "invalid utf-8", "a,b\n1,\xC3\x28\n", PS_ON_ERROR_STOP, PS_EDATA, "", 0, 0, 2, 2, "invalid UTF-8" },
	{ "utf-8 kept", "a,b\n1,caf\xC3\xA9\n", PS_ON_ERROR_STOP, PS_OK, "2:1|caf\xC3\xA9;", 0, 0, 0, 0, NULL },
	{ "skip ragged", "a,b\n1,2\n3\n4,5,6\n7,8\n", PS_ON_ERROR_SKIP, PS_OK, "2:1|2;5:7|8;", 0, 2, 3, 2, "row has 1 field" },
	{ "skip stray quote resyncs", "a,b\n1,x\"y,2\n3,4\n", PS_ON_ERROR_SKIP, PS_OK, "3:3|4;", 0, 1, 2, 2, "stray quote" },
	{ "skip bad utf-8", "a,b\n1,\xFF\n3,4\n", PS_ON_ERROR_SKIP, PS_OK, "3:3|4;", 0, 1, 2, 2, "invalid UTF-8" },
	{ "skip unterminated", "a,b\n1,2\n\"3,4\n", PS_ON_ERROR_SKIP, PS_OK, "2:1|2;", 0, 1, 3, 1, "never closed" },
	/* the reader's fast path (plain lines) must agree with libcsv's at every chunk size */
	{ "bare carriage return ends a record", "a,b\n1,2\r3,4\n", PS_ON_ERROR_STOP, PS_OK, "2:1|2;2:3|4;", 0, 0, 0, 0,
	  NULL },
	{ "whitespace-only line is a row", "a\n  \n", PS_ON_ERROR_STOP, PS_OK, "2:  ;", 0, 0, 0, 0, NULL },
	{ "trailing delimiter", "a,b\n1,\n", PS_ON_ERROR_STOP, PS_OK, "2:1|;", 0, 0, 0, 0, NULL },
	/* a bare CR ends the header mid-line and libcsv starts the next record: not the fast path's
	 * (found by tests/fuzz/fuzz_reader: the fast path overwrote the record's first fields) */
	{ "record begun after a bare CR", "a,b,c\r\rP,q,\"x\r\ny\"\r\n5,6,7\r\n", PS_ON_ERROR_STOP, PS_OK,
	  "1:P|q|x\r\ny;3:5|6|7;", 0, 0, 0, 0, NULL },
	{ "plain and quoted lines mixed", "a,b\n1,2\n\"q\",3\n4,5\r\n6,caf\xC3\xA9\n7,\xC3\n8,9\n", PS_ON_ERROR_SKIP, PS_OK,
	  "2:1|2;3:q|3;4:4|5;5:6|caf\xC3\xA9;7:8|9;", 0, 1, 6, 2, "invalid UTF-8" },
};

START_TEST(every_case_every_chunk_size)
{
	const struct reader_case *c = &cases[_i];
	size_t len = strlen(c->input);
	struct outcome whole;
	run(c->input, len, len ? len : 1, c->policy, ',', 0, &whole);
	ck_assert_msg(whole.status == c->status, "%s: status %d, want %d (%s)", c->name, whole.status, c->status,
		      whole.err.message);
	ck_assert_msg(strcmp(whole.rows.text, c->rows) == 0, "%s: rows '%s', want '%s'", c->name, whole.rows.text,
		      c->rows);
	ck_assert_msg(whole.blank_lines == c->blank_lines, "%s: %lu blank lines, want %lu", c->name,
		      whole.blank_lines, c->blank_lines);
	ck_assert_msg(whole.rejected == c->rejected, "%s: %lu rejected, want %lu", c->name, whole.rejected,
		      c->rejected);
	if (c->err_message) {
		ck_assert_msg(strstr(whole.err.message, c->err_message) != NULL, "%s: message '%s', want '%s'", c->name,
			      whole.err.message, c->err_message);
		ck_assert_msg(whole.err.line == c->err_line && whole.err.column == c->err_column,
			      "%s: error at %lu:%lu, want %lu:%lu", c->name, whole.err.line, whole.err.column,
			      c->err_line, c->err_column);
		ck_assert_str_eq(whole.err.file, "in.csv");
	}
	for (size_t chunk = 1; chunk < len; chunk++) {
		struct outcome part;
		run(c->input, len, chunk, c->policy, ',', 0, &part);
		ck_assert_msg(part.status == whole.status && strcmp(part.rows.text, whole.rows.text) == 0 &&
				      part.blank_lines == whole.blank_lines && part.rejected == whole.rejected &&
				      part.err.line == whole.err.line && part.err.column == whole.err.column &&
				      strcmp(part.err.message, whole.err.message) == 0,
			      "%s: chunk size %zu differs: status %d rows '%s' blank %lu err %lu:%lu %s", c->name, chunk,
			      part.status, part.rows.text, part.blank_lines, part.err.line, part.err.column,
			      part.err.message);
	}
}
END_TEST

START_TEST(other_delimiters)
{
	struct outcome out;
	const char *semi = "a;b\n1,5;2\n";
	run(semi, strlen(semi), 3, PS_ON_ERROR_STOP, ';', 0, &out);
	ck_assert_int_eq(out.status, PS_OK);
	ck_assert_str_eq(out.rows.text, "2:1,5|2;");
	const char *tab = "a\tb\n x\t\"y\tz\"\n";
	run(tab, strlen(tab), 2, PS_ON_ERROR_STOP, '\t', 0, &out);
	ck_assert_int_eq(out.status, PS_OK);
	ck_assert_str_eq(out.rows.text, "2: x|y\tz;");
}
END_TEST

START_TEST(field_length_limit)
{
	struct outcome out;
	const char *ok = "a,b\n12345678,x\n";
	run(ok, strlen(ok), 4, PS_ON_ERROR_STOP, ',', 8, &out);
	ck_assert_int_eq(out.status, PS_OK);
	run(ok, strlen(ok), strlen(ok), PS_ON_ERROR_STOP, ',', 8, &out);
	ck_assert_int_eq(out.status, PS_OK);
	ck_assert_str_eq(out.rows.text, "2:12345678|x;");
	const char *longer = "a,b\n123456789,x\n";
	/* in pieces (libcsv's path) and whole (the fast path's limit) */
	for (size_t chunk = 4; chunk <= strlen(longer); chunk += strlen(longer) - 4) {
		run(longer, strlen(longer), chunk, PS_ON_ERROR_STOP, ',', 8, &out);
		ck_assert_int_eq(out.status, PS_EDATA);
		ck_assert_ptr_nonnull(strstr(out.err.message, "longer than the limit of 8 bytes"));
		ck_assert_uint_eq(out.err.line, 2);
		ck_assert_uint_eq(out.err.column, 1);
	}
	/* an unbalanced quote must not make libcsv buffer the rest of a large file */
	size_t big = 200000;
	char *runaway = malloc(big + 16);
	strcpy(runaway, "a,b\n\"");
	memset(runaway + 5, 'x', big);
	runaway[5 + big] = '\0';
	run(runaway, strlen(runaway), 4096, PS_ON_ERROR_STOP, ',', 1000, &out);
	ck_assert_int_eq(out.status, PS_EDATA);
	ck_assert_ptr_nonnull(strstr(out.err.message, "longer than the limit"));
	free(runaway);
}
END_TEST

/*
 * Found by tests/fuzz/fuzz_reader: a field over the limit was reported one way when libcsv
 * delivered it whole and another way (or a later error first) when the input was cut inside
 * it. The outcome must be the same in every chunk size: the quoted field of 23 bytes under a
 * limit of 16, and with ';' as delimiter an unquoted field of 29 bytes before a stray quote
 * (it was reported as the stray quote when read whole, as too long when cut).
 */
START_TEST(too_long_field_same_in_every_chunk_size)
{
	static const char input[] = "\xef\xbb\xbfpa0,peer,north,2024-01-01,1,\"first line\r\nsecond line\"\r\n\r\n"
				    "P001,peer,north,2024-01-08,1,ok\r\n";
	size_t len = sizeof(input) - 1;
	static const unsigned char delims[] = { ',', ';' };
	for (int p = 0; p < 2; p++)
		for (size_t d = 0; d < 2; d++) {
			enum ps_error_policy policy = p ? PS_ON_ERROR_SKIP : PS_ON_ERROR_STOP;
			struct outcome whole, piece;
			run(input, len, len, policy, delims[d], 16, &whole);
			ck_assert_int_eq(whole.status, PS_EDATA);
			for (size_t chunk = 1; chunk < len; chunk++) {
				run(input, len, chunk, policy, delims[d], 16, &piece);
				ck_assert_int_eq(piece.status, whole.status);
				ck_assert_uint_eq(piece.err.line, whole.err.line);
				ck_assert_uint_eq(piece.err.column, whole.err.column);
				ck_assert_str_eq(piece.err.message, whole.err.message);
				ck_assert_str_eq(piece.rows.text, whole.rows.text);
			}
			/* with ';' the first field is too long at its 17th byte, before its stray quote */
			ck_assert_ptr_nonnull(strstr(whole.err.message, "longer than the limit of 16 bytes"));
		}
}
END_TEST

/* Found by fuzz_reader: a plain line whose one field is max + 1 bytes passed the fast path. */
START_TEST(fast_path_field_one_over_limit)
{
	static const char input[] = "x\n0\n12345678901234567\n1\n";
	size_t len = sizeof(input) - 1;
	for (size_t chunk = 1; chunk <= len; chunk++) {
		struct outcome out;
		run(input, len, chunk, PS_ON_ERROR_STOP, ',', 16, &out);
		ck_assert_int_eq(out.status, PS_EDATA);
		ck_assert_uint_eq(out.err.line, 3);
		ck_assert_str_eq(out.rows.text, "2:0;");
		ck_assert_ptr_nonnull(strstr(out.err.message, "longer than the limit of 16 bytes"));
	}
}
END_TEST

START_TEST(nul_byte_whole_and_in_pieces)
{
	static const char input[] = "a,b\n1,2\n3,x\0y\n5,6\n";
	size_t len = sizeof(input) - 1;
	for (size_t chunk = 1; chunk <= len; chunk++) {
		struct outcome out;
		run(input, len, chunk, PS_ON_ERROR_SKIP, ',', 0, &out);
		ck_assert_int_eq(out.status, PS_OK);
		ck_assert_str_eq(out.rows.text, "2:1|2;4:5|6;");
		ck_assert_uint_eq(out.rejected, 1);
		ck_assert_uint_eq(out.err.line, 3);
		ck_assert_uint_eq(out.err.column, 2);
		ck_assert_ptr_nonnull(strstr(out.err.message, "NUL byte"));
	}
}
END_TEST

START_TEST(callback_status_stops_the_reader)
{
	struct ps_rejects rejects;
	struct ps_reader_options opt = { ',', 0, "x.csv", NULL };
	ps_rejects_init(&rejects, PS_ON_ERROR_STOP);
	struct ps_reader *r = ps_reader_new(&opt, serialise_row, &(struct transcript){ 0 }, &rejects);
	struct ps_error err;
	ck_assert_int_eq(ps_reader_feed(r, "a\n1\n", 4, &err), PS_OK);
	const char *const *names;
	ck_assert_uint_eq(ps_reader_header(r, &names), 1);
	ck_assert_str_eq(names[0], "a");
	ck_assert_uint_eq(ps_reader_rows(r), 1);
	ck_assert_int_eq(ps_reader_finish(r, &err), PS_OK);
	/* no more input after finish */
	ck_assert_int_ne(ps_reader_feed(r, "2\n", 2, &err), PS_OK);
	ps_reader_free(r);
}
END_TEST

/*
 * Two readers over a split file give exactly what one gives: the second continues with the
 * first's header and line count. Every target offset is tried; where no split can be proven
 * safe (inside quotes) the split point is 0 and the file stays whole.
 */
START_TEST(split_reading_equals_one_pass)
{
	const char *inputs[] = {
		"a,b\n1,2\n3,4\n5,6\n7,8\n",
		"a,b\r\n1,\"x\ny\"\r\n\r\n3,\"q\"\"\"\r\n5,6\r\n\"7\n\n\",8\r\n9,10\r\n",
		"\xEF\xBB\xBFid,v\n\"p,1\",\"a\nb\nc\"\n\n\"p2\",z\nlast,row",
	};
	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		const char *in = inputs[k];
		size_t len = strlen(in);
		struct outcome whole;
		run(in, len, len, PS_ON_ERROR_STOP, ',', 0, &whole);
		ck_assert_int_eq(whole.status, PS_OK);
		size_t header_end = (size_t)(strchr(in, '\n') - in) + 1;
		int splits = 0;
		for (size_t target = header_end; target < len; target++) {
			unsigned long line = 0;
			size_t at = ps_reader_split_point(in, len, header_end, 2, target, &line);
			if (at == 0)
				continue;
			splits++;
			struct ps_rejects rejects;
			struct ps_reader_options opt = { ',', 0, "in.csv", NULL };
			struct transcript first = { 0 }, second = { 0 };
			struct ps_error err;
			ps_rejects_init(&rejects, PS_ON_ERROR_STOP);
			struct ps_reader *r1 = ps_reader_new(&opt, serialise_row, &first, &rejects);
			ck_assert_int_eq(ps_reader_feed(r1, in, at, &err), PS_OK);
			ck_assert_int_eq(ps_reader_finish(r1, &err), PS_OK);
			const char *const *names;
			size_t ncol = ps_reader_header(r1, &names);
			struct ps_reader *r2 = ps_reader_new(&opt, serialise_row, &second, &rejects);
			ck_assert_int_eq(ps_reader_continue(r2, ncol, names, line), PS_OK);
			ck_assert_int_eq(ps_reader_feed(r2, in + at, len - at, &err), PS_OK);
			ck_assert_int_eq(ps_reader_finish(r2, &err), PS_OK);
			char joined[8192];
			snprintf(joined, sizeof(joined), "%s%s", first.text, second.text);
			ck_assert_msg(strcmp(joined, whole.rows.text) == 0, "input %zu split at %zu: '%s' != '%s'", k, at, joined,
				      whole.rows.text);
			ck_assert_uint_eq(ps_reader_blank_lines(r1) + ps_reader_blank_lines(r2), whole.blank_lines);
			ps_reader_free(r1);
			ps_reader_free(r2);
		}
		ck_assert_msg(splits > 0, "input %zu: never split", k);
	}
	/* inside quotes there is no safe point */
	unsigned long line;
	const char *quoted = "a\n\"x\ny\nz\nw\"\n";
	ck_assert_uint_eq(ps_reader_split_point(quoted, strlen(quoted), 2, 2, 4, &line), 0);
}
END_TEST

static Suite *reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, every_case_every_chunk_size, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, other_delimiters);
	tcase_add_test(tc, field_length_limit);
	tcase_add_test(tc, too_long_field_same_in_every_chunk_size);
	tcase_add_test(tc, fast_path_field_one_over_limit);
	tcase_add_test(tc, nul_byte_whole_and_in_pieces);
	tcase_add_test(tc, callback_status_stops_the_reader);
	tcase_add_test(tc, split_reading_equals_one_pass);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reader_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
