#ifndef PEERSTAT_REJECTS_H
#define PEERSTAT_REJECTS_H

/*
 * The --on-error policy and the log of rejected rows. Every bad row, whether the reader found
 * it (ragged, bad quoting) or a command did (a value that does not parse), goes through
 * ps_rejects_add, so a skipped row is never silent: the JSON output reports the count and the
 * first PS_REJECTS_KEPT errors.
 */

#include "peerstat/status.h"

#define PS_REJECTS_KEPT 20

enum ps_error_policy {
	PS_ON_ERROR_STOP = 0,  /* the first bad row ends the run (the default) */
	PS_ON_ERROR_SKIP       /* bad rows are skipped, counted and the first ones kept */
};

struct ps_rejects {
	enum ps_error_policy policy;
	unsigned long rejected_rows;
	size_t kept;                              /* entries used in errors[] */
	struct ps_error errors[PS_REJECTS_KEPT];
};

/* Start an empty log with the given policy. */
void ps_rejects_init(struct ps_rejects *log, enum ps_error_policy policy);

/*
 * A row was found bad, as described by err. Under PS_ON_ERROR_SKIP the row is counted, the
 * error kept if there is room, and PS_OK returned (the caller skips the row and goes on).
 * Under PS_ON_ERROR_STOP nothing is counted and err->status is returned (the caller stops).
 */
enum ps_status ps_rejects_add(struct ps_rejects *log, const struct ps_error *err);

#endif
