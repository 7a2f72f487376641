#ifndef PEERSTAT_READER_H
#define PEERSTAT_READER_H

/*
 * Streaming CSV reader on libcsv. Input is pushed in chunks of any size (ps_reader_feed, then
 * ps_reader_finish) or read from a stream (ps_reader_read_stream); every complete record after
 * the header is handed to the row callback. Memory is bounded by the longest record, never by
 * the number of rows.
 *
 * What it guarantees, so that commands need not care:
 *   - the first record is the header; a UTF-8 byte order mark before it is dropped; header
 *     names must be non-empty and distinct;
 *   - quoting is strict (RFC 4180): a quote inside an unquoted field, or anything but a
 *     delimiter or line end after a closing quote, is an error located where it happens; an
 *     unterminated quote at end of input is an error at the line where its record starts;
 *   - spaces around fields are kept as they are (libcsv would trim them);
 *   - every record has as many fields as the header ("ragged" rows are errors);
 *   - blank lines between records are skipped and counted;
 *   - line numbers are physical lines of the input (counting '\n', CRLF and LF alike), correct
 *     across quoted fields that hold newlines; a row's line is the line where it starts;
 *   - fields are valid UTF-8 without NUL bytes, and at most max_field_bytes long.
 * Bad rows go through the ps_rejects log: under --on-error skip they are counted and skipped
 * (after a quoting error the reader resynchronises at the next line), otherwise the run stops.
 */

#include <stdio.h>

#include "peerstat/rejects.h"
#include "peerstat/status.h"

#define PS_READER_DEFAULT_MAX_FIELD (1u << 20)  /* 1 MiB */

/*
 * A look-ahead, optional: called with the raw text from the start of the next line to the end
 * of the bytes at hand (len bytes, the line ending at its first '\n', not yet checked in any
 * way) just before the current record goes to the row callback, with the row callback's ctx.
 * It may only prepare (prefetch what that row will touch); the rows, their checks and every
 * result are the same with it or without it. Called on the fast path (plain lines) only.
 */
typedef void (*ps_lookahead_fn)(void *ctx, const char *next, size_t len);

struct ps_reader_options {
	unsigned char delimiter;    /* ',' by default; '\t' or ';' for other exports */
	size_t max_field_bytes;     /* 0 means PS_READER_DEFAULT_MAX_FIELD */
	const char *display_name;   /* the file name used in messages ("-" for stdin) */
	ps_lookahead_fn lookahead;  /* NULL: none */
};

/* One record, valid only during the row callback. */
struct ps_row {
	size_t nfields;
	const char *const *fields;  /* NUL-terminated copies owned by the reader */
	const size_t *lens;
	unsigned long line;         /* physical line where the record starts */
};

struct ps_reader;

/*
 * Called for every data record. Return PS_OK to go on; any other status stops the reader and
 * is returned from feed/finish (fill err to say why: the reader adds the file name).
 */
typedef enum ps_status (*ps_row_fn)(void *ctx, const struct ps_row *row, struct ps_error *err);

/*
 * Make a reader. on_row and ctx receive the data records; rejects (not owned, must outlive the
 * reader) receives bad rows. Returns NULL when out of memory. Free with ps_reader_free.
 */
struct ps_reader *ps_reader_new(const struct ps_reader_options *options, ps_row_fn on_row, void *ctx,
				struct ps_rejects *rejects);

/* Free the reader and everything it owns (header names included). NULL is a no-op. */
void ps_reader_free(struct ps_reader *reader);

/*
 * Push len bytes of input. Returns PS_OK, or the status that stopped reading (a data error
 * under --on-error stop, a callback's status, PS_ENOMEM); *err then says what and where.
 * After a non-OK status the reader accepts no more input.
 */
enum ps_status ps_reader_feed(struct ps_reader *reader, const char *buf, size_t len, struct ps_error *err);

/* End of input: flush the last record (a missing final newline is fine). Same returns as feed. */
enum ps_status ps_reader_finish(struct ps_reader *reader, struct ps_error *err);

/*
 * Read fp to its end in chunks and finish. A read error gives PS_EIO. Does not close fp.
 */
enum ps_status ps_reader_read_stream(struct ps_reader *reader, FILE *fp, struct ps_error *err);

/*
 * The header, once read (after the first feed that completed it): names are NUL-terminated
 * and owned by the reader. Returns the number of columns, 0 before the header is known.
 */
size_t ps_reader_header(const struct ps_reader *reader, const char *const **names);

/*
 * Make this reader continue a file whose header another reader has read: it starts at a
 * record boundary inside the file, on physical line first_line, with the given header
 * (copied). No header callback is made and no byte order mark is looked for. Call before the
 * first feed. Returns PS_OK or PS_ENOMEM.
 */
enum ps_status ps_reader_continue(struct ps_reader *reader, size_t ncolumns, const char *const *names,
				  unsigned long first_line);

/*
 * Where a regular file can be split for a second reader. Looks at the bytes [from, len) of buf
 * (from: just after the header) and returns the offset just after the first '\n' at or after
 * target that is provably outside quotes: the number of quote characters before it is even
 * (RFC 4180 quotes come in pairs). *line receives the physical line that starts there. Returns
 * 0 when there is no such point (no newline after target, or an odd count). The caller scans
 * the whole prefix, so the proof holds for the file as written.
 */
size_t ps_reader_split_point(const char *buf, size_t len, size_t from, unsigned long from_line, size_t target,
			     unsigned long *line);

/*
 * Counters for the report: data rows accepted (delivered to the callback and not rejected by
 * it through the reject log), blank lines skipped.
 */
unsigned long ps_reader_rows(const struct ps_reader *reader);
unsigned long ps_reader_blank_lines(const struct ps_reader *reader);

/*
 * Called once, right after the header is read and checked and before any data row: a command
 * resolves its columns here. A non-OK status stops the reader. May be NULL.
 */
typedef enum ps_status (*ps_header_fn)(void *ctx, size_t ncolumns, const char *const *names, struct ps_error *err);
void ps_reader_on_header(struct ps_reader *reader, ps_header_fn on_header);

#endif
