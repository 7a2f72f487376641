/*
 * Unit tests for parallel.c: reading a file with two threads delivers exactly the rows of one
 * pass, with the same physical line numbers, whatever the file holds around the middle.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peerstat/parallel.h"

/* An order-independent digest of the rows a part saw. */
struct digest {
	unsigned long rows;
	uint64_t line_sum;
	uint64_t content;     /* sum of per-row hashes of line and fields */
	int headers;
};

static enum ps_status on_header(void *ctx, size_t n, const char *const *names, struct ps_error *err)
{
	(void)n;
	(void)names;
	(void)err;
	((struct digest *)ctx)->headers++;
	return PS_OK;
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	(void)err;
	struct digest *d = ctx;
	uint64_t h = 1469598103934665603ull ^ row->line;
	for (size_t i = 0; i < row->nfields; i++)
		for (size_t k = 0; k < row->lens[i]; k++)
			h = (h ^ (unsigned char)row->fields[i][k]) * 1099511628211ull;
	d->rows++;
	d->line_sum += row->line;
	d->content += h;
	return PS_OK;
}

static void read_with(const char *path, int threads, struct digest *total, int *used, unsigned long *blank)
{
	struct digest d[2];
	struct ps_rejects rejects[2];
	struct ps_parallel_part parts[2];
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 2; i++) {
		ps_rejects_init(&rejects[i], PS_ON_ERROR_STOP);
		parts[i].ctx = &d[i];
		parts[i].rejects = &rejects[i];
	}
	struct ps_reader_options opt = { ',', 0, path, NULL };
	struct ps_error err;
	ps_error_clear(&err);
	ck_assert_int_eq(ps_read_file_parallel(path, threads, &opt, on_header, on_row, parts, used, &err), PS_OK);
	memset(total, 0, sizeof(*total));
	for (int i = 0; i < *used; i++) {
		total->rows += d[i].rows;
		total->line_sum += d[i].line_sum;
		total->content += d[i].content;
		total->headers += d[i].headers;
	}
	ck_assert_int_eq(total->headers, *used);
	ck_assert_uint_eq(total->rows, parts[0].rows + (*used == 2 ? parts[1].rows : 0));
	*blank = parts[0].blank_lines + (*used == 2 ? parts[1].blank_lines : 0);
}

/* rows: how many; quoted_every: a quoted multi-line field every that many rows (0: none) */
static void write_file(const char *path, int rows, int quoted_every, int blank_every)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("\xEF\xBB\xBFparticipant_id,cohort,note\r\n", fp);
	for (int i = 0; i < rows; i++) {
		if (quoted_every && i % quoted_every == 0)
			fprintf(fp, "P%07d,peer,\"line one, \"\"quoted\"\"\nline two\n\nline four\"\r\n", i);
		else
			fprintf(fp, "P%07d,%s,plain text %d\n", i, i % 3 ? "peer" : "therapy_only", i * 7);
		if (blank_every && i % blank_every == 0)
			fputs("\n", fp);
	}
	fclose(fp);
}

START_TEST(two_threads_equal_one)
{
	char path[] = "/tmp/peerstat-parallel-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	const int quoted[] = { 0, 97, 2, 1 };
	for (size_t q = 0; q < sizeof(quoted) / sizeof(quoted[0]); q++) {
		write_file(path, 200000, quoted[q], 1000);
		struct digest one, two;
		int used1, used2;
		unsigned long blank1, blank2;
		read_with(path, 1, &one, &used1, &blank1);
		read_with(path, 2, &two, &used2, &blank2);
		ck_assert_int_eq(used1, 1);
		ck_assert_uint_eq(one.rows, 200000);
		ck_assert_uint_eq(two.rows, one.rows);
		ck_assert_uint_eq(two.line_sum, one.line_sum);
		ck_assert_uint_eq(two.content, one.content);
		ck_assert_uint_eq(blank2, blank1);
		/* a file where every record spans lines still splits (between records) or falls back */
		ck_assert_int_ge(used2, 1);
		if (quoted[q] == 0)
			ck_assert_int_eq(used2, 2);
	}
	unlink(path);
}
END_TEST

START_TEST(small_or_missing_files)
{
	struct digest d;
	int used;
	unsigned long blank;
	char path[] = "/tmp/peerstat-parallel-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	write_file(path, 10, 3, 0);
	read_with(path, 2, &d, &used, &blank);
	ck_assert_int_eq(used, 1); /* below PS_PARALLEL_MIN_BYTES */
	ck_assert_uint_eq(d.rows, 10);
	unlink(path);
	struct ps_parallel_part parts[2];
	struct ps_rejects rejects[2];
	struct digest dd[2];
	for (int i = 0; i < 2; i++) {
		ps_rejects_init(&rejects[i], PS_ON_ERROR_STOP);
		parts[i].ctx = &dd[i];
		parts[i].rejects = &rejects[i];
	}
	struct ps_reader_options opt = { ',', 0, "none", NULL };
	struct ps_error err;
	ps_error_clear(&err);
	ck_assert_int_eq(ps_read_file_parallel("/nonexistent/x.csv", 2, &opt, on_header, on_row, parts, &used, &err),
			 PS_ENOINPUT);
}
END_TEST

static Suite *parallel_suite(void)
{
	Suite *s = suite_create("parallel");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, two_threads_equal_one);
	tcase_add_test(tc, small_or_missing_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parallel_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
