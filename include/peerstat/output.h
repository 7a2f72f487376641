#ifndef PEERSTAT_OUTPUT_H
#define PEERSTAT_OUTPUT_H

/*
 * Where a command's result goes: stdout, or a file written atomically (a temporary file in the
 * same directory, renamed over the target only after everything was written, flushed and
 * closed without error). A failed or interrupted run therefore never leaves a truncated file
 * that looks complete. A target that is not a regular file (/dev/stdout, /dev/full, a FIFO)
 * is written in place, and a symlink is followed to the file it names.
 */

#include <stdio.h>

#include "peerstat/status.h"

struct ps_output {
	FILE *fp;
	char *path;       /* owned; NULL for stdout */
	char *tmp_path;   /* owned; NULL for stdout */
	int direct;       /* writing in place to a device or FIFO named by -o */
};

/* Open path ("-" or NULL: stdout). Errors: PS_ECANTCREAT. */
enum ps_status ps_output_open(struct ps_output *out, const char *path, struct ps_error *err);

/* Write len bytes. Errors: PS_EIO, PS_EPIPE (the reader went away: end quietly). */
enum ps_status ps_output_write(struct ps_output *out, const char *data, size_t len, struct ps_error *err);

/*
 * Flush and close; for a file, rename the temporary file over the target. On any error the
 * temporary file is removed and the target is left as it was. Errors: PS_EIO, PS_EPIPE.
 * The struct is released either way.
 */
enum ps_status ps_output_commit(struct ps_output *out, struct ps_error *err);

/* Give up: close and remove the temporary file (stdout is left open). Safe to call twice. */
void ps_output_abort(struct ps_output *out);

#endif
