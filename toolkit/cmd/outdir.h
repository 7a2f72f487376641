#ifndef PEERSTAT_CMD_OUTDIR_H
#define PEERSTAT_CMD_OUTDIR_H

/*
 * A directory of outputs written all or nothing (`run --out DIR`, `shard --out DIR`): DIR must
 * not exist or be an empty directory; the files are written into a new directory beside it
 * (DIR.partial-XXXXXX, on the same file system, with the mode a mkdir would give), which
 * ps_outdir_commit renames to DIR. On any failure ps_outdir_abort removes it and what is in it,
 * so that DIR either holds every output or does not exist.
 */

#include <limits.h>

#include "common.h"

struct ps_outdir {
	const char *dir;             /* DIR as given */
	char tmp[PATH_MAX];          /* the directory being filled */
	int replace;                 /* DIR exists (and is empty): removed just before the rename */
	int made;                    /* tmp exists */
};

/*
 * Check DIR (absent or empty, else PS_ECANTCREAT) and make the directory to fill. Messages go
 * to stderr under the command's name; what names the command's job in them ("run writes a
 * whole new directory") comes from common->command.
 */
enum ps_status ps_outdir_begin(struct ps_outdir *o, const struct ps_common *common, const char *dir);

/* The path of file name inside the directory being filled, into buf (size bytes). 0 when it does not fit. */
int ps_outdir_path(const struct ps_outdir *o, const char *name, char *buf, size_t size);

/* Rename the filled directory to DIR. Returns PS_OK or PS_ECANTCREAT (message printed; aborted). */
enum ps_status ps_outdir_commit(struct ps_outdir *o, const struct ps_common *common);

/* Remove the directory being filled and the files in it (nothing when there is none). */
void ps_outdir_abort(struct ps_outdir *o);

#endif
