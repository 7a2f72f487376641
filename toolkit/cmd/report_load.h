#ifndef PEERSTAT_CMD_REPORT_LOAD_H
#define PEERSTAT_CMD_REPORT_LOAD_H

/*
 * Reading the summaries `peerstat report` is given: a whole file (or standard input) parsed as
 * JSON and checked to be a peerstat summary, {"peerstat": {"command": ..., "contract": N}, ...},
 * of a command the report knows, with the contract version this peerstat writes.
 */

#include <cjson/cJSON.h>

#include "peerstat/status.h"

struct ps_rep_summary {
	const char *display;   /* the name in messages ("-" for standard input); not owned */
	cJSON *root;           /* owned */
	const char *command;   /* "retention", ...: points into root */
};

/*
 * The commands whose summaries the report reads, NULL-terminated (report_sections.c). A name
 * here with no section is reported as "not supported yet".
 */
int ps_rep_command_known(const char *command);

/*
 * Read and check path (NULL or "-": standard input). On success out->root is owned by the
 * caller (ps_rep_summary_release). Errors, with err located (file, and line:column inside the
 * JSON where there is one): PS_ENOINPUT (cannot open), PS_EIO (read error), PS_EDATA (not JSON,
 * truncated JSON, not a peerstat summary, an unknown command, another contract version),
 * PS_ENOMEM.
 */
enum ps_status ps_rep_load(const char *path, struct ps_rep_summary *out, struct ps_error *err);

void ps_rep_summary_release(struct ps_rep_summary *s);

#endif
