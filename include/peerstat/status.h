#ifndef PEERSTAT_STATUS_H
#define PEERSTAT_STATUS_H

#include <stddef.h>

/*
 * Status codes shared by the whole core library. The library never prints and never exits:
 * every function that can fail returns one of these and, where it has something to say,
 * fills a struct ps_error. Only the command (toolkit/cmd/) turns a status into a message and
 * toolkit/peerstat.c into a sysexits code (ps_status_exit_code).
 */
enum ps_status {
	PS_OK = 0,
	PS_EUSAGE,      /* bad options or arguments: exit 64 */
	PS_EDATA,       /* invalid input data: exit 65 */
	PS_ENOINPUT,    /* an input cannot be opened: exit 66 */
	PS_EINTERNAL,   /* a bug or an impossible state: exit 70 */
	PS_ENOMEM,      /* out of memory: exit 70 */
	PS_ECANTCREAT,  /* an output cannot be created: exit 73 */
	PS_EIO,         /* read or write error: exit 74 */
	PS_EPIPE        /* the reader of our output went away: quiet exit 0 */
};

/* The exit code (sysexits.h values) for a status; documented in docs/peerstat.1. */
int ps_status_exit_code(enum ps_status status);

/* A short lowercase name for a status ("invalid input data"), never NULL. */
const char *ps_status_name(enum ps_status status);

/*
 * Where and what went wrong, for messages of the form
 *   <file>:<line>:<column>: <message> (column '<name>', value '<v>', expected <x>)
 * line is the physical line of the file (1-based, counting '\n'); column is the 1-based field
 * position in the record, as a spreadsheet numbers columns. 0 means "not known". All strings
 * are owned by the struct (fixed buffers, truncated if longer).
 */
struct ps_error {
	enum ps_status status;
	char file[256];
	unsigned long line;
	unsigned long column;
	char column_name[128];
	char value[64];         /* empty when the value must not be echoed (identifiers) */
	char expected[128];
	char message[256];
};

/* Reset err to "no error". */
void ps_error_clear(struct ps_error *err);

/*
 * Record an error: status and printf-style message. Location fields are left as they are, so
 * callers set file/line/column before or after. Returns status, so that
 *   return ps_error_set(err, PS_EDATA, "...");
 * reads naturally. err may be NULL (the status is still returned).
 */
enum ps_status ps_error_set(struct ps_error *err, enum ps_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy at most sizeof(dst)-1 bytes of src (not NUL-terminated, length len) into a fixed buffer. */
void ps_error_copy(char *dst, size_t dstsize, const char *src, size_t len);

/*
 * Format err as one line without the trailing newline into buf (size bufsize):
 *   file:line:column: message (column 'name', value 'v', expected x)
 * Parts that are unknown are left out. Returns buf.
 */
char *ps_error_format(const struct ps_error *err, char *buf, size_t bufsize);

#endif
