/* Writing partial summaries; see partial.h and docs/scale.md. */
#include "partial.h"

#include <stdlib.h>
#include <string.h>

#include "peerstat/idhash.h"
#include "peerstat/sort.h"

struct keyed {
	uint64_t key;
	size_t index;
};

static uint64_t key_of(const void *elem, const void *ctx)
{
	(void)ctx;
	return ((const struct keyed *)elem)->key;
}

enum ps_status ps_partial_order(const struct ps_roster *r, int hashed, size_t **order, size_t *collisions)
{
	size_t n = ps_roster_count(r);
	struct keyed *k = malloc((n ? n : 1) * sizeof(*k));
	*order = malloc((n ? n : 1) * sizeof(**order));
	*collisions = 0;
	if (!k || !*order) {
		free(k);
		free(*order);
		*order = NULL;
		return PS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = ps_strmap_key(&r->ids, i);
		size_t len = ps_strmap_key_len(&r->ids, i);
		k[i].index = i;
		if (!hashed || !ps_id_hash_parse(id, len, &k[i].key))
			k[i].key = ps_id_hash(id, len);
	}
	/* by hash, ties (collisions) in index order: the radix sort is stable and O(n), where
	 * qsort took a quarter of the serial work on 250 000 participants */
	if (ps_sort_radix(k, n, sizeof(*k), key_of, NULL, 64) != PS_OK) {
		free(k);
		free(*order);
		*order = NULL;
		return PS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		(*order)[i] = k[i].index;
		*collisions += i > 0 && k[i].key == k[i - 1].key;
	}
	free(k);
	return PS_OK;
}

void ps_partial_skip(unsigned char *keep, int before, int after)
{
	for (int i = before; i < after; i++)
		keep[i] = 0;
}

/* Append s and a line end to the output; the first error is kept in *st. */
static void put_line(struct ps_output *out, char *s, enum ps_status *st, struct ps_error *err)
{
	if (*st == PS_OK && !s)
		*st = PS_ENOMEM;
	if (*st == PS_OK)
		*st = ps_output_write(out, s, strlen(s), err);
	if (*st == PS_OK)
		*st = ps_output_write(out, "\n", 1, err);
	free(s);
}

static char *header_line(const struct ps_common *common, int argc, char **argv, int optind, const unsigned char *keep,
			 const struct ps_attendance *att)
{
	cJSON *h = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(h, "peerstat");
	cJSON_AddStringToObject(p, "version", PEERSTAT_VERSION);
	cJSON_AddStringToObject(p, "command", common->command);
	cJSON_AddNumberToObject(p, "contract", PS_JSON_CONTRACT);
	cJSON *part = cJSON_AddObjectToObject(h, "partial");
	cJSON_AddNumberToObject(part, "format", PS_PARTIAL_FORMAT);
	cJSON_AddStringToObject(part, "keys", "siphash24-peerstat-id-v1");
	cJSON *opts = cJSON_AddArrayToObject(part, "options");
	for (int i = 1; i < optind && i < argc; i++)
		if (keep[i])
			cJSON_AddItemToArray(opts, cJSON_CreateString(argv[i]));
	cJSON *in = cJSON_AddObjectToObject(h, "input");
	cJSON_AddStringToObject(in, "file", att->display);
	cJSON_AddNumberToObject(in, "rows", (double)att->rows);
	cJSON_AddNumberToObject(in, "blank_lines", (double)att->blank_lines);
	cJSON_AddNumberToObject(in, "threads", att->threads_used);
	cJSON_AddNumberToObject(in, "rejected_rows", (double)att->rejects.rejected_rows);
	cJSON *errors = cJSON_AddArrayToObject(in, "errors");
	for (size_t i = 0; i < att->rejects.kept; i++) {
		const struct ps_error *e = &att->rejects.errors[i];
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

enum ps_status ps_partial_write_roster(const struct ps_common *common, int argc, char **argv, int optind,
				       const unsigned char *keep, const struct ps_attendance *att)
{
	struct ps_error err;
	struct ps_output out;
	size_t *order = NULL, collisions;
	ps_error_clear(&err);
	enum ps_status st = ps_partial_order(&att->roster, 0, &order, &collisions);
	if (st == PS_OK && collisions) {
		fprintf(stderr,
			"peerstat: %s: %s: %zu pair%s of participant ids have the same 64-bit hash; a partial summary "
			"cannot tell them apart (rename one, or run without --partial)\n",
			common->command, att->display, collisions, collisions == 1 ? "" : "s");
		free(order);
		return PS_EDATA;
	}
	if (st == PS_OK)
		st = ps_output_open(&out, common->output, &err);
	if (st != PS_OK) {
		free(order);
		if (st == PS_ENOMEM)
			fprintf(stderr, "peerstat: %s: out of memory\n", common->command);
		else
			ps_report_error(common, &err);
		return st;
	}
	put_line(&out, header_line(common, argc, argv, optind, keep, att), &st, &err);
	size_t n = ps_roster_count(&att->roster);
	for (size_t k = 0; k < n && st == PS_OK; k++) {
		size_t i = order[k];
		char hex[17], *line = NULL;
		ps_id_hash_hex(ps_id_hash(ps_strmap_key(&att->roster.ids, i), ps_strmap_key_len(&att->roster.ids, i)), hex);
		if (ps_roster_person_format(&att->roster, i, hex, 16, &line) != PS_OK)
			st = PS_ENOMEM;
		else
			put_line(&out, line, &st, &err);
	}
	char end[96];
	snprintf(end, sizeof(end), "{\"end\":\"partial\",\"participants\":%zu}", n);
	put_line(&out, strdup(end), &st, &err);
	free(order);
	if (st == PS_OK) {
		if ((st = ps_output_commit(&out, &err)) != PS_OK)
			ps_report_error(common, &err);
		return st;
	}
	ps_output_abort(&out);
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: %s: out of memory\n", common->command);
	else
		ps_report_error(common, &err);
	return st;
}
