#ifndef PEERSTAT_JSON_H
#define PEERSTAT_JSON_H

/*
 * The JSON writer every command uses, on cJSON. What it adds to cJSON:
 *   - doubles leave through ps_format_double (shortest of %.15g/%.16g/%.17g that parses back
 *     to the same double) and are inserted raw: cJSON's own printer loses digits;
 *   - NaN and infinities become null plus an entry in the top-level "warnings" array that says
 *     which field and why (cJSON would print null silently);
 *   - allocation failures are remembered in the document instead of checked at every call:
 *     ps_doc_print fails if any add failed, so a half-built document is never printed.
 * Key order is insertion order, which the commands keep fixed (the contract in docs/json.md).
 */

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define PS_JSON_CONTRACT 1

/* Format v so that strtod gives v back exactly; "-0" prints as "0". buf: at least 32 bytes. */
char *ps_format_double(double v, char *buf);

struct ps_doc {
	cJSON *root;         /* owned */
	cJSON *warnings;     /* owned, attached to root when printed */
	int failed;          /* an add ran out of memory */
	char where[160];     /* prefix for warning field names, e.g. "groups.peer" */
};

/*
 * Start a document {"peerstat": {"version", "command", "contract"}}. Returns 0, or -1 when
 * out of memory (nothing to release then).
 */
int ps_doc_init(struct ps_doc *doc, const char *command);

/* Free everything the document owns. */
void ps_doc_release(struct ps_doc *doc);

/*
 * A part of a document built apart (by another thread, say): an empty root and its own
 * warnings. Returns 0, or -1 when out of memory (nothing to release then).
 */
int ps_doc_init_part(struct ps_doc *doc);

/*
 * Move member key of part's root to the end of parent (in doc), and part's warnings after
 * doc's, in their order: adopting parts in document order gives the document one thread
 * would have built. part is released; a failure is remembered in doc->failed.
 */
void ps_doc_adopt(struct ps_doc *doc, cJSON *parent, struct ps_doc *part, const char *key);

/* Set the prefix used to name fields in warnings (printf-style). */
void ps_doc_where(struct ps_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add a warning {"field": where.key, "message": message}; key may be NULL. */
void ps_doc_warn(struct ps_doc *doc, const char *key, const char *message);

/* Add and return an empty object or array under key (key NULL: append to an array parent). */
cJSON *ps_json_object(struct ps_doc *doc, cJSON *parent, const char *key);
cJSON *ps_json_array(struct ps_doc *doc, cJSON *parent, const char *key);

/*
 * Add a double. A non-finite value is added as null with a warning whose message is note (or
 * "not defined for these data" when note is NULL).
 */
void ps_json_number(struct ps_doc *doc, cJSON *parent, const char *key, double v, const char *note);

/* Add an integer, a string (NULL adds null), a boolean, a null. */
void ps_json_int(struct ps_doc *doc, cJSON *parent, const char *key, int64_t v);
void ps_json_string(struct ps_doc *doc, cJSON *parent, const char *key, const char *s);
void ps_json_bool(struct ps_doc *doc, cJSON *parent, const char *key, int v);
void ps_json_null(struct ps_doc *doc, cJSON *parent, const char *key);

/*
 * Print the document (warnings last) as indented JSON with a final newline. Returns a
 * malloc'ed string the caller frees, or NULL when out of memory or an earlier add failed.
 */
char *ps_doc_print(struct ps_doc *doc);

#endif
