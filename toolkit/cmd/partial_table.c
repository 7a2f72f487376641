/* Partial summaries of compare and survival: rows of exact cell text; see partial_table.h. */
#include "partial_table.h"

#include <stdlib.h>
#include <string.h>

#include "partial.h"

void ps_table_record_put(struct ps_text_buf *out, char **scratch, size_t *scratch_cap, const char *const *cells,
			 const size_t *lens, size_t n)
{
	size_t need = ps_table_record_bound(lens, n) + 1;
	if (need > *scratch_cap) {
		char *b = realloc(*scratch, need);
		if (!b) {
			out->failed = 1;
			return;
		}
		*scratch = b;
		*scratch_cap = need;
	}
	size_t len = ps_table_record_write(*scratch, cells, lens, n);
	(*scratch)[len++] = '\n';
	ps_text_put(out, *scratch, len);
}

/* The header line of a table partial (the shape of retention's, docs/scale.md). */
static char *header_line(const struct ps_common *common, int argc, char **argv, int optind, const unsigned char *keep,
			 const char *display, unsigned long rows, unsigned long blank_lines, const struct ps_rejects *rejects)
{
	cJSON *h = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(h, "peerstat");
	cJSON_AddStringToObject(p, "version", PEERSTAT_VERSION);
	cJSON_AddStringToObject(p, "command", common->command);
	cJSON_AddNumberToObject(p, "contract", PS_JSON_CONTRACT);
	cJSON *part = cJSON_AddObjectToObject(h, "partial");
	cJSON_AddNumberToObject(part, "format", PS_PARTIAL_FORMAT);
	/* the format family's key scheme; table records carry no key at all */
	cJSON_AddStringToObject(part, "keys", "siphash24-peerstat-id-v1");
	cJSON *opts = cJSON_AddArrayToObject(part, "options");
	for (int i = 1; i < optind && i < argc; i++)
		if (keep[i])
			cJSON_AddItemToArray(opts, cJSON_CreateString(argv[i]));
	cJSON *in = cJSON_AddObjectToObject(h, "input");
	cJSON_AddStringToObject(in, "file", display);
	cJSON_AddNumberToObject(in, "rows", (double)rows);
	cJSON_AddNumberToObject(in, "blank_lines", (double)blank_lines);
	cJSON_AddNumberToObject(in, "threads", 1);
	cJSON_AddNumberToObject(in, "rejected_rows", (double)rejects->rejected_rows);
	cJSON *errors = cJSON_AddArrayToObject(in, "errors");
	for (size_t i = 0; i < rejects->kept; i++) {
		const struct ps_error *e = &rejects->errors[i];
		cJSON *item = cJSON_CreateObject();
		cJSON_AddItemToArray(errors, item);
		cJSON_AddStringToObject(item, "file", e->file);
		cJSON_AddNumberToObject(item, "line", (double)e->line);
		cJSON_AddNumberToObject(item, "column", (double)e->column);
		cJSON_AddStringToObject(item, "column_name", e->column_name);
		cJSON_AddStringToObject(item, "message", e->message);
	}
	/* cJSON's add functions return NULL on failure and leave the object short: check at the end */
	char *s = errors ? cJSON_PrintUnformatted(h) : NULL;
	cJSON_Delete(h);
	return s;
}

enum ps_status ps_table_partial_write(const struct ps_common *common, int argc, char **argv, int optind,
				      const unsigned char *keep, const char *display, unsigned long rows,
				      unsigned long blank_lines, const struct ps_rejects *rejects,
				      const struct ps_text_buf *records, size_t nrecords)
{
	struct ps_error err;
	struct ps_output out;
	ps_error_clear(&err);
	if (records->failed)
		return PS_ENOMEM;
	char *header = header_line(common, argc, argv, optind, keep, display, rows, blank_lines, rejects);
	if (!header)
		return PS_ENOMEM;
	enum ps_status st = ps_output_open(&out, common->output, &err);
	if (st != PS_OK) {
		free(header);
		ps_report_error(common, &err);
		return st;
	}
	char end[96];
	snprintf(end, sizeof(end), "{\"end\":\"partial\",\"participants\":%zu}\n", nrecords);
	if ((st = ps_output_write(&out, header, strlen(header), &err)) == PS_OK &&
	    (st = ps_output_write(&out, "\n", 1, &err)) == PS_OK &&
	    (st = ps_output_write(&out, records->buf ? records->buf : "", records->len, &err)) == PS_OK &&
	    (st = ps_output_write(&out, end, strlen(end), &err)) == PS_OK)
		st = ps_output_commit(&out, &err);
	else
		ps_output_abort(&out);
	free(header);
	if (st != PS_OK)
		ps_report_error(common, &err);
	return st;
}

/* ---------------------------------------------------------------------------------------- */
/* The merge kinds.                                                                           */

void *ps_table_kind_create(void)
{
	struct ps_table_rows *t = malloc(sizeof(*t));
	if (t)
		ps_table_rows_init(t);
	return t;
}

enum ps_status ps_table_kind_record(void *state, const char *line, size_t len, struct ps_error *err)
{
	return ps_table_record_parse(state, line, len, err);
}

enum ps_status ps_table_kind_end(void *state, struct ps_error *err)
{
	/* the records went into the total as they came: a row is whole in one partial */
	(void)state;
	(void)err;
	return PS_OK;
}

void ps_table_kind_destroy(void *state)
{
	if (state)
		ps_table_rows_release(state);
	free(state);
}
