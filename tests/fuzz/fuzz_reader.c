/*
 * libFuzzer harness for the CSV reader (toolkit/lib/reader.c). The input is read twice: once in
 * one piece and once in chunks whose sizes come from a generator seeded by the input itself
 * (1 byte to a few kB, so a record, a quote, a CRLF or a UTF-8 sequence is cut at every place).
 * The two runs must agree exactly (rows, blank lines, status, and the error's line, column and
 * message): the reader's contract is that chunking changes nothing. Any difference aborts, so
 * libFuzzer reports it like a crash. The delimiter, the error policy and a small field limit are
 * chosen from a hash of the input, not from its bytes, so that seeds stay plain CSV files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/reader.h"

struct outcome {
	unsigned long rows, blank, fields, line_sum;
	enum ps_status status;
	struct ps_error err;
};

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	(void)err;
	struct outcome *o = ctx;
	o->fields += row->nfields;
	o->line_sum += row->line;
	for (size_t i = 0; i < row->nfields; i++)
		if (strlen(row->fields[i]) != row->lens[i])
			abort();        /* a NUL inside a field must have been rejected */
	return PS_OK;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static void run(const uint8_t *data, size_t size, uint64_t h, int chunked, struct outcome *o)
{
	static const unsigned char delimiters[] = { ',', ';', '\t', '|' };
	memset(o, 0, sizeof(*o));
	ps_error_clear(&o->err);
	struct ps_rejects rejects;
	ps_rejects_init(&rejects, (h >> 8) & 1 ? PS_ON_ERROR_SKIP : PS_ON_ERROR_STOP);
	struct ps_reader_options opt = { delimiters[h & 3], (h >> 9) & 1 ? 16 : 0, "fuzz.csv", NULL };
	struct ps_reader *r = ps_reader_new(&opt, on_row, o, &rejects);
	if (!r)
		abort();
	enum ps_status st = PS_OK;
	size_t at = 0;
	uint64_t g = h;
	while (st == PS_OK && at < size) {
		size_t n = size - at;
		if (chunked) {
			g = mix(g + 0x9e3779b97f4a7c15ULL);
			size_t want = (g & 7) == 0 ? 1 + (g >> 8) % 4096 : 1 + (g >> 8) % 7;
			if (want < n)
				n = want;
		}
		st = ps_reader_feed(r, (const char *)data + at, n, &o->err);
		at += n;
	}
	if (st == PS_OK)
		st = ps_reader_finish(r, &o->err);
	o->status = st;
	o->rows = ps_reader_rows(r);
	o->blank = ps_reader_blank_lines(r);
	ps_reader_free(r);
	/* the reject log of skipped rows must agree too: fold it into the outcome */
	o->line_sum += 1000003ul * rejects.rejected_rows;
	for (size_t i = 0; i < rejects.kept; i++)
		o->line_sum += rejects.errors[i].line * 31 + rejects.errors[i].column;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	h = mix(h);
	struct outcome whole, pieces;
	run(data, size, h, 0, &whole);
	run(data, size, h, 1, &pieces);
	if (whole.status != pieces.status || whole.rows != pieces.rows || whole.blank != pieces.blank ||
	    whole.fields != pieces.fields || whole.line_sum != pieces.line_sum ||
	    whole.err.line != pieces.err.line || whole.err.column != pieces.err.column ||
	    strcmp(whole.err.message, pieces.err.message) != 0) {
		fprintf(stderr, "fuzz_reader: chunked reading differs: status %d/%d rows %lu/%lu blank %lu/%lu "
				"at %lu:%lu/%lu:%lu '%s' / '%s'\n",
			whole.status, pieces.status, whole.rows, pieces.rows, whole.blank, pieces.blank, whole.err.line,
			whole.err.column, pieces.err.line, pieces.err.column, whole.err.message, pieces.err.message);
		abort();
	}
	return 0;
}
