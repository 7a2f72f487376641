/*
 * Streaming CSV reader on libcsv; the contract is in include/peerstat/reader.h.
 *
 * libcsv gives no positions, so input is fed to it one physical line at a time (a segment
 * ends at each '\n', or earlier at SEGMENT_MAX bytes); between segments the reader knows which
 * line it is on, whether a record is open (bytes fed since the last record ended) and whether
 * the line held anything but line-end bytes. That gives record start lines across quoted
 * newlines, blank-line counts (libcsv drops blank lines silently) and a located position for
 * quoting errors (csv_parse returns how many bytes it took before failing).
 *
 * libcsv callbacks cannot stop the parser: once the reader has stopped they do nothing, and
 * the reader checks after every segment.
 */
#include "peerstat/reader.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "peerstat/parse.h"

#define SEGMENT_MAX (64u * 1024u)
#define READ_CHUNK (256u * 1024u)

static const unsigned char utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

struct column_ref {
	const char *name;
	size_t index;
};

struct ps_reader {
	struct csv_parser parser;
	struct ps_reader_options options;
	ps_row_fn on_row;
	ps_header_fn on_header;
	void *ctx;
	struct ps_rejects *rejects;

	/* the record being assembled: field bytes back to back, each NUL-terminated */
	char *bytes;
	size_t bytes_len, bytes_cap;
	size_t *offsets, *lens;
	const char **fields;
	size_t nfields, fields_cap;
	int record_bad;                /* under skip: this record is already rejected */
	struct ps_error record_err;

	char **header;
	size_t ncolumns;

	unsigned long line;            /* the physical line being fed, 1-based */
	unsigned long record_line;     /* where the open record started */
	int in_record;                 /* bytes of an unfinished record have been fed */
	int line_has_content;          /* this line had a byte other than '\r' or '\n' */
	unsigned bom_matched;          /* 0..2: BOM bytes held back; 3: BOM logic is over */
	int resync;                    /* skipping to the next line after a quoting error */
	int mid_line;                  /* the bytes fed so far end inside a line */
	unsigned char byte_class[256]; /* for the fast path: see fast_line */
	int finished;

	unsigned long rows, blank_lines;
	struct ps_error row_err;       /* handed to the row callback; kept clear between rows */
	enum ps_status status;         /* PS_OK until the reader stops */
	struct ps_error err;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* keep spaces: libcsv would trim them around unquoted fields */
}

static void reset_record(struct ps_reader *r)
{
	r->bytes_len = 0;
	r->nfields = 0;
	r->record_bad = 0;
}

static void locate(struct ps_reader *r, struct ps_error *err, unsigned long line, unsigned long column)
{
	ps_error_copy(err->file, sizeof(err->file), r->options.display_name, strlen(r->options.display_name));
	err->line = line;
	err->column = column;
	if (column >= 1 && column <= r->ncolumns && r->header)
		ps_error_copy(err->column_name, sizeof(err->column_name), r->header[column - 1],
			      strlen(r->header[column - 1]));
}

static void stop(struct ps_reader *r, enum ps_status status, const struct ps_error *err)
{
	r->status = status == PS_OK ? PS_EINTERNAL : status;
	if (err)
		r->err = *err;
	r->err.status = r->status;
}

/*
 * A bad record found inside a libcsv callback. Under stop, the reader stops here; under
 * skip, the record is marked and rejected once, when it ends.
 */
static void record_error(struct ps_reader *r, struct ps_error *err)
{
	err->status = PS_EDATA;
	if (r->rejects->policy == PS_ON_ERROR_STOP) {
		stop(r, PS_EDATA, err);
	} else if (!r->record_bad) {
		r->record_bad = 1;
		r->record_err = *err;
	}
}

/*
 * A field longer than max_field_bytes. Always fatal, even under --on-error skip, and reported
 * the same way whether libcsv delivered the whole field (on_field) or the reader stopped it
 * while it was still growing (feed_segment): which of the two happens depends only on where the
 * input was cut into chunks, and the outcome must not (a pipe and a file read differently).
 * libcsv cannot drop a field it is buffering, so the record cannot be skipped and resumed; and
 * an unbalanced quote, which swallows the rest of the file into one field, looks the same.
 */
static void too_long(struct ps_reader *r)
{
	struct ps_error err;
	ps_error_clear(&err);
	locate(r, &err, r->record_line, r->nfields + 1);
	ps_error_set(&err, PS_EDATA,
		     "field is longer than the limit of %zu bytes (raise --max-field-bytes, or look for an unbalanced quote)",
		     r->options.max_field_bytes);
	stop(r, PS_EDATA, &err);
}

static int grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 1;
	size_t cap2 = *cap ? *cap : 16;
	while (cap2 < need)
		cap2 *= 2;
	void *p = realloc(*ptr, cap2 * elem);
	if (!p)
		return 0;
	*ptr = p;
	*cap = cap2;
	return 1;
}

/* The three per-field arrays always share one capacity. */
static int grow_fields(struct ps_reader *r, size_t need)
{
	if (need <= r->fields_cap)
		return 1;
	size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
	while (cap < need)
		cap *= 2;
	size_t *offsets = realloc(r->offsets, cap * sizeof(*offsets));
	if (!offsets)
		return 0;
	r->offsets = offsets;
	size_t *lens = realloc(r->lens, cap * sizeof(*lens));
	if (!lens)
		return 0;
	r->lens = lens;
	const char **fields = realloc(r->fields, cap * sizeof(*fields));
	if (!fields)
		return 0;
	r->fields = fields;
	r->fields_cap = cap;
	return 1;
}

static void on_field(void *data, size_t len, void *vr)
{
	struct ps_reader *r = vr;
	const char *s = data ? data : "";
	struct ps_error err;

	if (r->status != PS_OK)
		return;
	if (len > r->options.max_field_bytes) {
		too_long(r);
		return;
	}
	if (r->record_bad)
		return;
	if (!ps_utf8_valid(s, len)) {
		ps_error_clear(&err);
		locate(r, &err, r->line, r->nfields + 1);
		if (memchr(s, '\0', len))
			ps_error_set(&err, PS_EDATA, "NUL byte in field (is this a text CSV file?)");
		else
			ps_error_set(&err, PS_EDATA, "invalid UTF-8 in field (save the file as UTF-8)");
		record_error(r, &err);
		return;
	}
	if (!grow((void **)&r->bytes, &r->bytes_cap, r->bytes_len + len + 1, 1) || !grow_fields(r, r->nfields + 1)) {
		stop(r, PS_ENOMEM, NULL);
		ps_error_set(&r->err, PS_ENOMEM, "out of memory reading a record of %zu fields", r->nfields + 1);
		return;
	}
	memcpy(r->bytes + r->bytes_len, s, len);
	r->bytes[r->bytes_len + len] = '\0';
	r->offsets[r->nfields] = r->bytes_len;
	r->lens[r->nfields] = len;
	r->bytes_len += len + 1;
	r->nfields++;
}

static int compare_columns(const void *a, const void *b)
{
	const struct column_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The first column (in header order) whose name an earlier column already has, and that
 * earlier column (the first of that name): the names sorted once, O(n log n), so that a header
 * of 100 000 columns is checked in milliseconds (pairwise it took seconds). Returns 1 with
 * *dup and *first set, 0 when the names are distinct, -1 when out of memory.
 */
static int duplicate_column(const struct ps_reader *r, size_t *dup, size_t *first)
{
	if (r->ncolumns < 2)
		return 0;
	struct column_ref *refs = malloc(r->ncolumns * sizeof(*refs));
	if (!refs)
		return -1;
	for (size_t i = 0; i < r->ncolumns; i++) {
		refs[i].name = r->header[i];
		refs[i].index = i;
	}
	qsort(refs, r->ncolumns, sizeof(*refs), compare_columns);
	int found = 0;
	for (size_t k = 1; k < r->ncolumns; k++) {
		/* within a run of equal names the first is the earliest, the second the first repeat */
		if (strcmp(refs[k].name, refs[k - 1].name) == 0 &&
		    (k < 2 || strcmp(refs[k - 1].name, refs[k - 2].name) != 0) && (!found || refs[k].index < *dup)) {
			*dup = refs[k].index;
			*first = refs[k - 1].index;
			found = 1;
		}
	}
	free(refs);
	return found;
}

static void take_header(struct ps_reader *r)
{
	struct ps_error err;
	ps_error_clear(&err);
	r->header = calloc(r->nfields, sizeof(*r->header));
	if (!r->header) {
		stop(r, PS_ENOMEM, NULL);
		return;
	}
	r->ncolumns = r->nfields;
	for (size_t i = 0; i < r->nfields; i++) {
		const char *name = r->bytes + r->offsets[i];
		r->header[i] = malloc(r->lens[i] + 1);
		if (!r->header[i]) {
			stop(r, PS_ENOMEM, NULL);
			return;
		}
		memcpy(r->header[i], name, r->lens[i] + 1);
	}
	/* a bad header cannot be skipped: nothing after it could be read */
	for (size_t i = 0; i < r->ncolumns; i++) {
		if (r->header[i][0] == '\0') {
			locate(r, &err, r->record_line, i + 1);
			ps_error_set(&err, PS_EDATA, "empty column name in the header");
			stop(r, PS_EDATA, &err);
			return;
		}
	}
	size_t dup = 0, first = 0;
	int found = duplicate_column(r, &dup, &first);
	if (found < 0) {
		stop(r, PS_ENOMEM, NULL);
		return;
	}
	if (found) {
		locate(r, &err, r->record_line, dup + 1);
		ps_error_set(&err, PS_EDATA, "duplicate column name in the header (also column %zu)", first + 1);
		stop(r, PS_EDATA, &err);
		return;
	}
	if (r->on_header) {
		enum ps_status st = r->on_header(r->ctx, r->ncolumns, (const char *const *)r->header, &err);
		if (st != PS_OK) {
			if (!err.file[0])
				locate(r, &err, r->record_line, err.column);
			stop(r, st, &err);
		}
	}
}

static void end_record(struct ps_reader *r);

/*
 * libcsv's end of a record. The next record, if one begins before the segment ends (after a
 * bare CR), begins on this same line: feed_segment marks it begun from libcsv's state.
 */
static void on_record(int terminator, void *vr)
{
	struct ps_reader *r = vr;
	(void)terminator;
	end_record(r);
	r->record_line = r->line;
}

static void end_record(struct ps_reader *r)
{
	r->in_record = 0;
	if (r->status != PS_OK)
		return;
	if (r->record_bad) {
		/* a bad header cannot be skipped (the next row would be taken for it): fatal */
		enum ps_status st = r->header ? ps_rejects_add(r->rejects, &r->record_err) : PS_EDATA;
		if (st != PS_OK)
			stop(r, st, &r->record_err);
		reset_record(r);
		return;
	}
	if (!r->header) {
		take_header(r);
		reset_record(r);
		return;
	}
	if (r->nfields != r->ncolumns) {
		struct ps_error err;
		ps_error_clear(&err);
		locate(r, &err, r->record_line, r->nfields < r->ncolumns ? r->nfields + 1 : r->ncolumns + 1);
		err.column_name[0] = '\0';
		snprintf(err.expected, sizeof(err.expected), "%zu fields as in the header", r->ncolumns);
		ps_error_set(&err, PS_EDATA, "row has %zu field%s", r->nfields, r->nfields == 1 ? "" : "s");
		enum ps_status st = ps_rejects_add(r->rejects, &err);
		if (st != PS_OK)
			stop(r, st, &err);
		reset_record(r);
		return;
	}
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i] = r->bytes + r->offsets[i];
	struct ps_row row = { r->nfields, r->fields, r->lens, r->record_line };
	struct ps_error *err = &r->row_err;
	unsigned long rejected_before = r->rejects->rejected_rows;
	enum ps_status st = r->on_row(r->ctx, &row, err);
	if (st != PS_OK) {
		if (!err->file[0])
			ps_error_copy(err->file, sizeof(err->file), r->options.display_name, strlen(r->options.display_name));
		if (!err->line)
			err->line = r->record_line;
		stop(r, st, err);
	} else if (r->rejects->rejected_rows == rejected_before) {
		r->rows++; /* the callback kept it (it may reject a row and still return PS_OK) */
	}
	/* the callback's error record is cleared only after it was written to: a memset of
	 * the whole struct for every row showed up in profiles */
	if (err->status != PS_OK || err->message[0] || err->column_name[0] || err->file[0] || err->line ||
	    err->column || err->value[0] || err->expected[0])
		ps_error_clear(err);
	reset_record(r);
}

static int parser_start(struct ps_reader *r)
{
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return 0;
	csv_set_delim(&r->parser, r->options.delimiter);
	csv_set_space_func(&r->parser, no_space);
	return 1;
}

/* A quoting error at byte `at` of the current segment. */
static enum ps_status syntax_error(struct ps_reader *r, const char *seg, size_t at, size_t n, int ends_line)
{
	struct ps_error err;
	ps_error_clear(&err);
	locate(r, &err, r->line, r->nfields + 1);
	if (csv_error(&r->parser) == CSV_ENOMEM) {
		stop(r, PS_ENOMEM, NULL);
		return ps_error_set(&r->err, PS_ENOMEM, "out of memory in the CSV parser");
	}
	if (at < n && seg[at] == '"')
		ps_error_set(&err, PS_EDATA, "stray quote inside an unquoted field (quote the whole field and double the quotes inside it)");
	else
		ps_error_set(&err, PS_EDATA, "unexpected character after a closing quote (expected a delimiter or the end of the line)");
	err.status = PS_EDATA;
	/* in the header fatal under skip too: the next line would be taken for the header */
	enum ps_status st = r->header ? ps_rejects_add(r->rejects, &err) : PS_EDATA;
	if (st != PS_OK) {
		stop(r, st, &err);
		return st;
	}
	/* skip: start a fresh parser at the next line */
	csv_free(&r->parser);
	if (!parser_start(r)) {
		stop(r, PS_ENOMEM, NULL);
		return PS_ENOMEM;
	}
	reset_record(r);
	r->in_record = 0;
	if (ends_line) {
		r->line++;
		r->line_has_content = 0;
	} else {
		r->resync = 1;
	}
	return PS_OK;
}

static enum ps_status feed_segment(struct ps_reader *r, const char *seg, size_t n, int ends_line)
{
	int content = 0;
	for (size_t i = 0; i < n; i++) {
		if (seg[i] != '\r' && seg[i] != '\n') {
			content = 1;
			break;
		}
	}
	if (content) {
		if (!r->in_record) {
			r->record_line = r->line;
			r->in_record = 1;
		}
		r->line_has_content = 1;
	}
	/*
	 * Bound libcsv's buffer: the unfinished field it holds (entry_pos, its content so far, a
	 * public member of struct csv_parser) may not outgrow the limit. libcsv is given at most
	 * limit + 1 - entry_pos bytes at a time (a byte adds at most one to entry_pos), so a field
	 * is stopped at the very byte that makes it too long, and an error earlier in the same field
	 * (a stray quote) is still found first: the outcome does not depend on the chunk sizes.
	 * Fields of ordinary length take one call per segment, as before.
	 */
	size_t off = 0;
	while (off < n) {
		size_t room = r->options.max_field_bytes + 1 - r->parser.entry_pos;
		size_t piece = n - off < room ? n - off : room;
		/*
		 * libcsv grows its field buffer by blk_size at a time (128 bytes by default): a
		 * realloc that copies (ASan's, valgrind's, or glibc's below its mmap threshold) then
		 * copied a 1 MiB field 8 000 times, 131 s under ASan. Growing by the buffer's own
		 * size makes the growth geometric: a few reallocs whatever the field.
		 */
		if (r->parser.entry_size > r->parser.blk_size)
			csv_set_blk_size(&r->parser, r->parser.entry_size);
		size_t done = csv_parse(&r->parser, seg + off, piece, on_field, on_record, r);
		if (r->status != PS_OK)
			return r->status;
		if (done < piece)
			return syntax_error(r, seg, off + done, n, ends_line);
		off += piece;
		if (!r->in_record && r->parser.pstate != 0)
			r->in_record = 1; /* a record begun after a bare CR: record_line is this line (on_record) */
		if (r->in_record && r->parser.entry_pos > r->options.max_field_bytes) {
			too_long(r);
			return r->status;
		}
	}
	if (ends_line) {
		if (!r->line_has_content && !r->in_record)
			r->blank_lines++;
		r->line++;
		r->line_has_content = 0;
	}
	return PS_OK;
}


/* Byte classes of the fast path. */
enum { BYTE_PLAIN = 0, BYTE_DELIMITER, BYTE_NEWLINE, BYTE_HIGH, BYTE_SPECIAL };

static void classify_bytes(struct ps_reader *r)
{
	memset(r->byte_class, BYTE_PLAIN, sizeof(r->byte_class));
	for (unsigned c = 0x80; c < 256; c++)
		r->byte_class[c] = BYTE_HIGH;
	r->byte_class[0] = BYTE_SPECIAL;
	r->byte_class['"'] = BYTE_SPECIAL;
	r->byte_class['\r'] = BYTE_SPECIAL;
	r->byte_class['\n'] = BYTE_NEWLINE;
	r->byte_class[r->options.delimiter] = BYTE_DELIMITER;
}

/*
 * The fast path, for the common line: whole in buf, at a record boundary, after the header,
 * without quotes, NUL bytes or a carriage return (but one just before the newline), valid UTF-8
 * and no longer than a field may be. For such a line libcsv would deliver exactly the pieces
 * between delimiters, so they are cut here in one pass straight into the record buffer, and the
 * record goes to on_record as if libcsv had delivered it: same rows, same checks, same errors.
 * libcsv is then idle between records, so it needs no news of the line. Profiles showed libcsv
 * and its per-field callback taking 40% of a retention run; this path takes a few percent.
 * Returns the bytes consumed (the line and its newline), or 0 to leave the line to libcsv.
 */
/* A field of the fast path ends at end (exclusive): its NUL goes where the delimiter was. */
static inline int fast_field(struct ps_reader *r, size_t *nfields, size_t *start, size_t end)
{
	if (*nfields == r->fields_cap && !grow_fields(r, *nfields + 1))
		return 0;
	r->bytes[end] = '\0';
	r->offsets[*nfields] = *start;
	r->lens[(*nfields)++] = end - *start;
	*start = end + 1;
	return 1;
}

static size_t fast_line(struct ps_reader *r, const char *buf, size_t len)
{
	/*
	 * Only between records: in_record alone is not enough, since a bare CR ends a record in
	 * the middle of a segment and libcsv may already hold the start of the next one (fields
	 * in r->bytes, or an open quote): found by tests/fuzz/fuzz_reader. pstate is libcsv's
	 * public parser state, 0 (ROW_NOT_BEGUN) when no record has begun.
	 */
	if (r->in_record || r->mid_line || !r->header || r->nfields != 0 || r->bytes_len != 0 || r->parser.pstate != 0)
		return 0;
	size_t limit = len;
	if (limit > SEGMENT_MAX)
		limit = SEGMENT_MAX;
	/*
	 * content and '\n' only: no field of the line can be too long. (max + 2 let a field of
	 * max + 1 bytes through when the input came whole, found by tests/fuzz/fuzz_reader; a
	 * CRLF line of exactly max bytes now takes libcsv's path, which checks it the same way.)
	 */
	if (limit > r->options.max_field_bytes + 1)
		limit = r->options.max_field_bytes + 1;
	if (!grow((void **)&r->bytes, &r->bytes_cap, limit + 17, 1)) /* a block may be stored past the end */
		return 0;
	const unsigned char *in = (const unsigned char *)buf;
	char *out = r->bytes;
	size_t nfields = 0, start = 0, end = 0, i = 0;
	int high = 0;
#ifdef __SSE2__
	/*
	 * Sixteen bytes at a time (SSE2 is part of x86-64): a block up to its first byte that is a
	 * quote or below 0x20 or above 0x7F (signed compare: those are negative) is copied whole and
	 * only its delimiters looked at; that byte then takes the byte step below. The byte loop
	 * alone cost ten instructions a byte, a third of a retention run.
	 */
	const __m128i quote = _mm_set1_epi8('"'), space = _mm_set1_epi8(0x20);
	const __m128i delimiter = _mm_set1_epi8((char)r->options.delimiter);
#endif
	for (;;) {
#ifdef __SSE2__
		/* a block may reach past the line (not past the bytes at hand): the newline stops it */
		if (i + 16 <= len) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
			unsigned delims = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, delimiter));
			unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmplt_epi8(v, space)));
			stop &= ~delims; /* a tab delimiter is below 0x20 */
			_mm_storeu_si128((__m128i *)(void *)(out + i), v);
			unsigned upto = stop ? (unsigned)__builtin_ctz(stop) : 16;
			if (i + upto >= limit)
				return 0; /* no newline close enough */
			if (upto < 16)
				delims &= (1u << upto) - 1;
			for (; delims; delims &= delims - 1)
				if (!fast_field(r, &nfields, &start, i + (size_t)__builtin_ctz(delims)))
					return 0;
			i += upto;
			if (!stop)
				continue;
		}
#endif
		/* one byte: the end of the line, a byte the block test stopped at, or the tail */
		if (i == limit)
			return 0; /* no newline close enough */
		unsigned char c = in[i];
		unsigned char k = r->byte_class[c];
		if (k == BYTE_PLAIN) {
			out[i] = (char)c;
		} else if (k == BYTE_DELIMITER) {
			if (!fast_field(r, &nfields, &start, i))
				return 0;
		} else if (k == BYTE_HIGH) {
			out[i] = (char)c;
			high = 1;
		} else if (k == BYTE_NEWLINE) {
			end = i;
			break;
		} else if (c == '\r' && i + 1 < limit && in[i + 1] == '\n') {
			end = i++;
			break;
		} else {
			return 0;
		}
		i++;
	}
	if (end == 0)
		return 0; /* a blank line: counted on the ordinary path */
	if (high && !ps_utf8_valid(buf, end)) /* the raw line: out has NULs for delimiters */
		return 0; /* for the exact message */
	if (!fast_field(r, &nfields, &start, end))
		return 0;
	r->nfields = nfields;
	r->bytes_len = end + 1;
	r->record_line = r->line;
	r->in_record = 1;
	if (r->options.lookahead && i + 1 < len)
		r->options.lookahead(r->ctx, buf + i + 1, len - (i + 1));
	on_record(0, r);
	r->line++;
	r->line_has_content = 0;
	return i + 1;
}

static enum ps_status feed_bytes(struct ps_reader *r, const char *buf, size_t len)
{
	while (len > 0) {
		if (!r->resync) {
			size_t used = fast_line(r, buf, len);
			if (used) {
				if (r->status != PS_OK)
					return r->status;
				buf += used;
				len -= used;
				continue;
			}
		}
		const char *nl = memchr(buf, '\n', len);
		if (r->resync) {
			if (!nl)
				return PS_OK;
			len -= (size_t)(nl + 1 - buf);
			buf = nl + 1;
			r->resync = 0;
			r->mid_line = 0;
			r->line++;
			r->line_has_content = 0;
			continue;
		}
		size_t n = nl ? (size_t)(nl - buf) + 1 : len;
		int ends_line = nl != NULL;
		if (n > SEGMENT_MAX) {
			n = SEGMENT_MAX;
			ends_line = 0;
		}
		enum ps_status st = feed_segment(r, buf, n, ends_line);
		if (st != PS_OK)
			return st;
		r->mid_line = !ends_line && !r->resync;
		buf += n;
		len -= n;
	}
	return PS_OK;
}

struct ps_reader *ps_reader_new(const struct ps_reader_options *options, ps_row_fn on_row, void *ctx,
				struct ps_rejects *rejects)
{
	struct ps_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->options = *options;
	if (!r->options.delimiter)
		r->options.delimiter = ',';
	if (!r->options.max_field_bytes)
		r->options.max_field_bytes = PS_READER_DEFAULT_MAX_FIELD;
	if (!r->options.display_name)
		r->options.display_name = "-";
	r->on_row = on_row;
	r->ctx = ctx;
	r->rejects = rejects;
	r->line = 1;
	classify_bytes(r);
	if (!parser_start(r)) {
		free(r);
		return NULL;
	}
	return r;
}

void ps_reader_on_header(struct ps_reader *reader, ps_header_fn on_header)
{
	reader->on_header = on_header;
}

void ps_reader_free(struct ps_reader *r)
{
	if (!r)
		return;
	csv_free(&r->parser);
	for (size_t i = 0; i < r->ncolumns; i++)
		free(r->header ? r->header[i] : NULL);
	free(r->header);
	free(r->bytes);
	free(r->offsets);
	free(r->lens);
	free(r->fields);
	free(r);
}

static enum ps_status report(struct ps_reader *r, enum ps_status st, struct ps_error *err)
{
	if (st != PS_OK && err)
		*err = r->err;
	return st;
}

enum ps_status ps_reader_feed(struct ps_reader *r, const char *buf, size_t len, struct ps_error *err)
{
	if (r->status != PS_OK || r->finished)
		return report(r, r->status != PS_OK ? r->status : PS_EINTERNAL, err);
	/* drop a UTF-8 byte order mark at the very start, even when it comes a byte at a time */
	while (r->bom_matched < 3 && len > 0) {
		if ((unsigned char)buf[0] == utf8_bom[r->bom_matched]) {
			r->bom_matched++;
			buf++;
			len--;
			if (r->bom_matched == 3)
				break;
			continue;
		}
		unsigned held = r->bom_matched;
		r->bom_matched = 3;
		if (held) {
			enum ps_status st = feed_bytes(r, (const char *)utf8_bom, held);
			if (st != PS_OK)
				return report(r, st, err);
		}
	}
	if (len == 0)
		return PS_OK;
	r->bom_matched = 3;
	return report(r, feed_bytes(r, buf, len), err);
}

enum ps_status ps_reader_finish(struct ps_reader *r, struct ps_error *err)
{
	if (r->status != PS_OK || r->finished)
		return report(r, r->status != PS_OK ? r->status : PS_EINTERNAL, err);
	if (r->bom_matched > 0 && r->bom_matched < 3) {
		/* the input was a lone BOM prefix: those bytes are data after all */
		unsigned held = r->bom_matched;
		r->bom_matched = 3;
		enum ps_status st = feed_bytes(r, (const char *)utf8_bom, held);
		if (st != PS_OK)
			return report(r, st, err);
	}
	r->finished = 1;
	if (!r->resync && csv_fini(&r->parser, on_field, on_record, r) != 0 && r->status == PS_OK) {
		struct ps_error e;
		ps_error_clear(&e);
		locate(r, &e, r->record_line, r->nfields + 1);
		ps_error_set(&e, PS_EDATA, "quoted field is never closed (the file ends inside quotes)");
		e.status = PS_EDATA;
		/* in the header it is fatal, as every header error: skipped, the input would read
		 * as one with no header at all ("the input is empty"), which hides the cause */
		enum ps_status st = r->header ? ps_rejects_add(r->rejects, &e) : PS_EDATA;
		if (st != PS_OK)
			stop(r, st, &e);
	}
	if (r->status != PS_OK)
		return report(r, r->status, err);
	if (!r->header) {
		struct ps_error e;
		ps_error_clear(&e);
		locate(r, &e, 0, 0);
		ps_error_set(&e, PS_EDATA, "no header row (the input is empty)");
		stop(r, PS_EDATA, &e);
		return report(r, PS_EDATA, err);
	}
	return PS_OK;
}

enum ps_status ps_reader_read_stream(struct ps_reader *r, FILE *fp, struct ps_error *err)
{
	char *chunk = malloc(READ_CHUNK);
	if (!chunk) {
		stop(r, PS_ENOMEM, NULL);
		ps_error_set(&r->err, PS_ENOMEM, "out of memory");
		return report(r, PS_ENOMEM, err);
	}
	enum ps_status st = PS_OK;
	size_t got;
	int read_errno = 0;
	errno = 0;
	while (st == PS_OK && (got = fread(chunk, 1, READ_CHUNK, fp)) > 0)
		st = ps_reader_feed(r, chunk, got, err);
	read_errno = errno;
	free(chunk);
	if (st != PS_OK)
		return st;
	if (ferror(fp)) {
		struct ps_error e;
		ps_error_clear(&e);
		locate(r, &e, 0, 0);
		/* say why: "Is a directory" (standard input redirected from one), "Input/output error" */
		if (read_errno)
			ps_error_set(&e, PS_EIO, "read error: %s", strerror(read_errno));
		else
			ps_error_set(&e, PS_EIO, "read error");
		stop(r, PS_EIO, &e);
		return report(r, PS_EIO, err);
	}
	return ps_reader_finish(r, err);
}

size_t ps_reader_header(const struct ps_reader *r, const char *const **names)
{
	if (names)
		*names = (const char *const *)r->header;
	return r->header ? r->ncolumns : 0;
}

unsigned long ps_reader_rows(const struct ps_reader *r)
{
	return r->rows;
}

unsigned long ps_reader_blank_lines(const struct ps_reader *r)
{
	return r->blank_lines;
}

enum ps_status ps_reader_continue(struct ps_reader *r, size_t ncolumns, const char *const *names, unsigned long first_line)
{
	r->header = calloc(ncolumns ? ncolumns : 1, sizeof(*r->header));
	if (!r->header)
		return PS_ENOMEM;
	r->ncolumns = ncolumns;
	for (size_t i = 0; i < ncolumns; i++) {
		size_t n = strlen(names[i]);
		if (!(r->header[i] = malloc(n + 1)))
			return PS_ENOMEM;
		memcpy(r->header[i], names[i], n + 1);
	}
	r->line = first_line;
	r->bom_matched = 3;
	return PS_OK;
}

size_t ps_reader_split_point(const char *buf, size_t len, size_t from, unsigned long from_line, size_t target,
			     unsigned long *line)
{
	if (target < from || target >= len)
		return 0;
	/* quotes and newlines before the candidate: one pass of memchr-speed scanning */
	size_t quotes = 0;
	unsigned long lines = from_line;
	const char *p = buf + from, *end = buf + target;
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *stop = q ? q : end;
		for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(stop - nl))) != NULL; nl++)
			lines++;
		if (!q)
			break;
		quotes++;
		p = q + 1;
	}
	/* the first newline at or after target, still counting quotes on the way */
	for (size_t i = target; i < len; i++) {
		if (buf[i] == '"')
			quotes++;
		else if (buf[i] == '\n') {
			if (quotes % 2 != 0)
				return 0; /* inside a quoted field: a split here cannot be proven safe */
			*line = lines + 1;
			return i + 1 < len ? i + 1 : 0;
		}
	}
	return 0;
}
