/* Reading and checking summaries; see report_load.h. */
#include "report_load.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "peerstat/json.h"

/* The whole stream into a malloc'ed, NUL-terminated buffer. */
static enum ps_status slurp(FILE *fp, char **text, size_t *len, struct ps_error *err)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	for (;;) {
		if (cap - n < 2) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return ps_error_set(err, PS_ENOMEM, "out of memory");
			}
			buf = b;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		int e = errno;
		free(buf);
		return ps_error_set(err, PS_EIO, "read error: %s", strerror(e));
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return PS_OK;
}

/* Line and column (1-based, in bytes) of offset in text. */
static void locate(const char *text, size_t offset, struct ps_error *err)
{
	unsigned long line = 1, col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	err->line = line;
	err->column = col;
}

/*
 * Does the text end inside the document (an open string, object or array)? cJSON reports where
 * it gave up, which for a cut-off file is often well before the end: this tells the two apart.
 * *deepest receives the deepest nesting of objects and arrays on the way.
 */
static int ends_early(const char *text, size_t len, long *deepest)
{
	int in_string = 0, escape = 0;
	long depth = 0;
	*deepest = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (escape)
				escape = 0;
			else if (c == '\\')
				escape = 1;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > *deepest)
				*deepest = depth;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return 0;
		}
	}
	return in_string || depth > 0;
}

/*
 * Members that are counts wherever they stand in a summary (docs/json.md): a whole number from
 * 0 to 2^53, or null. The report reads figures leniently (a missing one shows as n/a), but a
 * count that is negative, fractional, huge or a string is an edited or damaged summary: refused,
 * rather than printed as a figure or silently hidden.
 */
static const char *const count_members[] = {
	"participants", "n", "events", "at_risk", "censored", "retained", "never_attended",
	"sessions_scheduled", "sessions_attended", "engaged", "completed", "dropped_out", "active",
	"not_yet_observable", "n_baseline", "n_followed", "n_pairs", "n_missing", "missing", "assessed",
	"not_abstinent", "rows", "blank_lines", "rejected_rows", NULL,
};

static int is_count_member(const char *name)
{
	for (size_t i = 0; name && count_members[i]; i++)
		if (strcmp(name, count_members[i]) == 0)
			return 1;
	return 0;
}

/* Check every number under item (at path, a dotted JSON path); 0 when fine, else err is set. */
static int check_numbers(const cJSON *item, char *path, size_t used, size_t size, struct ps_error *err)
{
	if (cJSON_IsNumber(item) && !isfinite(item->valuedouble)) {
		ps_error_set(err, PS_EDATA, "%s: a number out of range (expected a finite number; was the summary edited?)", path);
		return 1;
	}
	if (item->string && is_count_member(item->string) && !cJSON_IsNull(item) && !cJSON_IsArray(item) &&
	    !cJSON_IsObject(item)) {
		double v = item->valuedouble;
		if (!cJSON_IsNumber(item) || v < 0 || v != floor(v) || v > 9007199254740992.0) {
			char shown[48];
			if (cJSON_IsNumber(item))
				ps_format_double(v, shown);
			else
				snprintf(shown, sizeof(shown), "%s", cJSON_IsString(item) ? "a string" : "not a number");
			ps_error_set(err, PS_EDATA, "%s: not a count (%s; expected a whole number from 0 or null; was the summary edited?)",
				     path, shown);
			return 1;
		}
	}
	int i = 0;
	for (const cJSON *c = item->child; c; c = c->next, i++) {
		int n = c->string ? snprintf(path + used, size - used, "%s%s", used ? "." : "", c->string)
				  : snprintf(path + used, size - used, "[%d]", i);
		size_t next = n > 0 && used + (size_t)n < size ? used + (size_t)n : size - 1;
		if (check_numbers(c, path, next, size, err))
			return 1;
		path[used] = '\0';
	}
	return 0;
}

static enum ps_status check_summary(struct ps_rep_summary *out, struct ps_error *err)
{
	const cJSON *root = out->root;
	const cJSON *first = cJSON_IsObject(root) ? root->child : NULL;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "peerstat");
	if (!cJSON_IsObject(root) || !first || !cJSON_IsObject(meta) || first != meta)
		return ps_error_set(err, PS_EDATA,
				    "not a peerstat summary (expected a JSON object whose first member is \"peerstat\")");
	const cJSON *command = cJSON_GetObjectItemCaseSensitive(meta, "command");
	const cJSON *contract = cJSON_GetObjectItemCaseSensitive(meta, "contract");
	if (!cJSON_IsString(command) || !cJSON_IsNumber(contract))
		return ps_error_set(err, PS_EDATA,
				    "not a peerstat summary (\"peerstat\" needs \"command\" and \"contract\")");
	out->command = command->valuestring;
	if (!ps_rep_command_known(out->command))
		return ps_error_set(err, PS_EDATA,
				    "a summary of '%.40s' cannot be reported (expected retention, survival, compare, isolation or "
				    "sobriety)",
				    out->command);
	if (contract->valuedouble != PS_JSON_CONTRACT) {
		char num[32];
		ps_format_double(contract->valuedouble, num);
		return ps_error_set(err, PS_EDATA,
				    "contract version %s of '%s' is not supported (expected contract %d; made by another "
				    "peerstat version)",
				    num, out->command, PS_JSON_CONTRACT);
	}
	return PS_OK;
}

enum ps_status ps_rep_load(const char *path, struct ps_rep_summary *out, struct ps_error *err)
{
	FILE *fp;
	char *text = NULL;
	size_t len = 0;
	memset(out, 0, sizeof(*out));
	enum ps_status st = ps_open_input(path, &fp, &out->display, err);
	if (st != PS_OK)
		return st;
	ps_error_copy(err->file, sizeof(err->file), out->display, strlen(out->display));
	st = slurp(fp, &text, &len, err);
	if (fp != stdin)
		fclose(fp);
	if (st != PS_OK)
		return st;
	const char *end = NULL;
	long deepest = 0;
	int early = 0;
	if (memchr(text, '\0', len)) {
		size_t at = strlen(text);
		locate(text, at, err);
		st = ps_error_set(err, PS_EDATA, "not a JSON text (a NUL byte)");
		goto done;
	}
	/* the length counts the final NUL: cJSON checks for it to refuse text after the document */
	out->root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (!out->root) {
		/* cJSON leaves end unset on failure; its global error pointer says where */
		const char *where = cJSON_GetErrorPtr();
		size_t at = where && where >= text && where <= text + len ? (size_t)(where - text) : len;
		if (len == 0 || strspn(text, " \t\r\n") == len) {
			st = ps_error_set(err, PS_EDATA, "empty input (expected a peerstat JSON summary)");
		} else if ((early = ends_early(text, len, &deepest)), deepest >= CJSON_NESTING_LIMIT) {
			locate(text, at, err);
			st = ps_error_set(err, PS_EDATA,
					  "JSON nested deeper than %d levels (a peerstat summary nests a few levels; not a summary)",
					  CJSON_NESTING_LIMIT);
		} else if (early) {
			locate(text, len, err);
			st = ps_error_set(err, PS_EDATA,
					  "truncated JSON: the text ends before the document is complete (was the file cut off?)");
		} else {
			locate(text, at, err);
			st = ps_error_set(err, PS_EDATA, "invalid JSON (expected a peerstat JSON summary)");
		}
		goto done;
	}
	st = check_summary(out, err);
	char where[256] = "";
	if (st == PS_OK && check_numbers(out->root, where, 0, sizeof(where), err))
		st = PS_EDATA;
done:
	free(text);
	if (st != PS_OK)
		ps_rep_summary_release(out);
	return st;
}

void ps_rep_summary_release(struct ps_rep_summary *s)
{
	cJSON_Delete(s->root);
	s->root = NULL;
	s->command = NULL;
}
