#ifndef PEERSTAT_PARALLEL_H
#define PEERSTAT_PARALLEL_H

/*
 * Reading one regular file with two threads. The file is mapped, its header read once, and
 * the rest split at a record boundary that is provably outside quotes (ps_reader_split_point);
 * each half gets its own reader, row callback context and reject log, so the callbacks need no
 * locks: the command merges the two contexts afterwards (its accumulators are mergeable).
 * Where the input is not a regular file, is small, or no safe split exists, everything goes to
 * part 0 in one thread. Results must not depend on the split: rows are the same rows, with the
 * same physical line numbers.
 */

#include "peerstat/reader.h"

#define PS_PARALLEL_MIN_BYTES (4u << 20)  /* below this one thread is as fast */

struct ps_parallel_part {
	void *ctx;                    /* the command's context for this part's rows */
	struct ps_rejects *rejects;   /* this part's reject log */
	unsigned long rows;           /* rows delivered (filled on return) */
	unsigned long blank_lines;    /* filled on return */
	enum ps_status status;        /* filled on return */
	struct ps_error err;          /* filled when status is not PS_OK */
};

/*
 * Read path with at most two threads. on_header is called once per part, with that part's
 * ctx, before any row. Returns the number of parts used (1 or 2) in *used. The status returned
 * is the first failing part's (part 0 first, as its rows come first in the file), with *err;
 * PS_ENOINPUT when the file cannot be opened. A path of "-" or NULL is an error here: callers
 * read standard input with ps_reader_read_stream.
 */
enum ps_status ps_read_file_parallel(const char *path, int threads, const struct ps_reader_options *options,
				     ps_header_fn on_header, ps_row_fn on_row, struct ps_parallel_part parts[2], int *used,
				     struct ps_error *err);

#endif
