/* Partial summaries: the id-hash order, the recorded options, writing a partial; see partial.h and docs/scale.md.
 * (The kinds merge knows are in partial.c: this file depends on no command, for the unit tests.) */
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

enum ps_status ps_partial_order_ids(const struct ps_strmap *ids, int hashed, size_t **order, size_t *collisions)
{
	size_t n = ids->count;
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
		const char *id = ps_strmap_key(ids, i);
		size_t len = ps_strmap_key_len(ids, i);
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

enum ps_status ps_partial_order(const struct ps_roster *r, int hashed, size_t **order, size_t *collisions)
{
	return ps_partial_order_ids(&r->ids, hashed, order, collisions);
}

void ps_partial_options_init(struct ps_partial_options *o)
{
	memset(o, 0, sizeof(*o));
}

void ps_partial_options_note(struct ps_partial_options *o, const struct option *longopts, int longindex, int opt,
			     const char *arg)
{
	/* the canonical name: the first entry with the option's id (synonyms share an id) */
	const struct option *canon = NULL;
	for (const struct option *l = longopts; l->name && !canon; l++)
		if (l->val == opt && !l->flag)
			canon = l;
	if (!canon && longindex >= 0)
		canon = &longopts[longindex];
	if (!canon)
		return; /* a short option without a long form: none decides a result today */
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct ps_partial_option *items = realloc(o->items, cap * sizeof(*items));
		if (!items) {
			o->failed = 1;
			return;
		}
		o->items = items;
		o->cap = cap;
	}
	o->items[o->n].name = canon->name;
	o->items[o->n].value = canon->has_arg == no_argument ? NULL : arg;
	o->n++;
}

void ps_partial_options_release(struct ps_partial_options *o)
{
	free(o->items);
	memset(o, 0, sizeof(*o));
}

/* The recorded options, canonical: sorted by name, stable (insertion sort: a handful of options). */
static cJSON *options_array(const struct ps_partial_options *o)
{
	size_t n = o->n;
	const struct ps_partial_option **s = malloc((n ? n : 1) * sizeof(*s));
	cJSON *a = s ? cJSON_CreateArray() : NULL;
	if (!a) {
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && strcmp(s[j - 1]->name, o->items[i].name) > 0) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = &o->items[i];
	}
	for (size_t i = 0; i < n; i++) {
		char name[128];
		snprintf(name, sizeof(name), "--%s", s[i]->name);
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		if (s[i]->value)
			cJSON_AddItemToArray(a, cJSON_CreateString(s[i]->value));
	}
	free(s);
	if (cJSON_GetArraySize(a) < (int)n) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

/* Append s and a line end to the output; the first error is kept in pw. */
static void put_line(struct ps_partial_writer *pw, char *s)
{
	if (pw->st == PS_OK && !s)
		pw->st = PS_ENOMEM;
	if (pw->st == PS_OK)
		pw->st = ps_output_write(&pw->out, s, strlen(s), &pw->err);
	if (pw->st == PS_OK)
		pw->st = ps_output_write(&pw->out, "\n", 1, &pw->err);
	free(s);
}

static char *header_line(const struct ps_common *common, const struct ps_partial_options *options, const char *display,
			 unsigned long rows, unsigned long blank_lines, int threads, const struct ps_rejects *rejects)
{
	cJSON *h = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(h, "peerstat");
	cJSON_AddStringToObject(p, "version", PEERSTAT_VERSION);
	cJSON_AddStringToObject(p, "command", common->command);
	cJSON_AddNumberToObject(p, "contract", PS_JSON_CONTRACT);
	cJSON *part = cJSON_AddObjectToObject(h, "partial");
	cJSON_AddNumberToObject(part, "format", PS_PARTIAL_FORMAT);
	cJSON_AddStringToObject(part, "keys", "siphash24-peerstat-id-v1");
	cJSON *opts = options->failed ? NULL : options_array(options);
	if (!opts || !cJSON_AddItemToObject(part, "options", opts)) {
		cJSON_Delete(opts);
		cJSON_Delete(h);
		return NULL;
	}
	cJSON *in = cJSON_AddObjectToObject(h, "input");
	cJSON_AddStringToObject(in, "file", display);
	cJSON_AddNumberToObject(in, "rows", (double)rows);
	cJSON_AddNumberToObject(in, "blank_lines", (double)blank_lines);
	cJSON_AddNumberToObject(in, "threads", threads);
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

enum ps_status ps_partial_writer_begin(struct ps_partial_writer *pw, const struct ps_common *common,
				       const struct ps_partial_options *options, const char *display, unsigned long rows,
				       unsigned long blank_lines, int threads, const struct ps_rejects *rejects)
{
	memset(pw, 0, sizeof(*pw));
	pw->common = common;
	ps_error_clear(&pw->err);
	if ((pw->st = ps_output_open(&pw->out, common->output, &pw->err)) != PS_OK)
		return pw->st;
	pw->open = 1;
	put_line(pw, header_line(common, options, display, rows, blank_lines, threads, rejects));
	return pw->st;
}

void ps_partial_writer_record(struct ps_partial_writer *pw, char *line)
{
	put_line(pw, line);
	pw->records++;
}

enum ps_status ps_partial_writer_end(struct ps_partial_writer *pw, int ok)
{
	char end[96];
	snprintf(end, sizeof(end), "{\"end\":\"partial\",\"participants\":%zu}", pw->records);
	if (ok && pw->open) {
		put_line(pw, strdup(end));
		if (pw->st == PS_OK) {
			if ((pw->st = ps_output_commit(&pw->out, &pw->err)) != PS_OK)
				ps_report_error(pw->common, &pw->err);
			return pw->st;
		}
	}
	if (pw->open)
		ps_output_abort(&pw->out);
	if (!ok)
		return pw->st != PS_OK ? pw->st : PS_EDATA;
	if (pw->st == PS_ENOMEM)
		fprintf(stderr, "peerstat: %s: out of memory\n", pw->common->command);
	else
		ps_report_error(pw->common, &pw->err);
	return pw->st;
}

enum ps_status ps_partial_write_roster(const struct ps_common *common, const struct ps_partial_options *options,
				       const struct ps_attendance *att)
{
	struct ps_partial_writer pw;
	size_t *order = NULL, collisions;
	enum ps_status st = ps_partial_order(&att->roster, 0, &order, &collisions);
	if (st == PS_OK && collisions) {
		fprintf(stderr,
			"peerstat: %s: %s: %zu pair%s of participant ids have the same 64-bit hash; a partial summary "
			"cannot tell them apart (rename one, or run without --partial)\n",
			common->command, att->display, collisions, collisions == 1 ? "" : "s");
		free(order);
		return PS_EDATA;
	}
	if (st != PS_OK) {
		fprintf(stderr, "peerstat: %s: out of memory\n", common->command);
		return st;
	}
	ps_partial_writer_begin(&pw, common, options, att->display, att->rows, att->blank_lines, att->threads_used,
				&att->rejects);
	size_t n = ps_roster_count(&att->roster);
	for (size_t k = 0; k < n && pw.st == PS_OK; k++) {
		size_t i = order[k];
		char hex[17], *line = NULL;
		ps_id_hash_hex(ps_id_hash(ps_strmap_key(&att->roster.ids, i), ps_strmap_key_len(&att->roster.ids, i)), hex);
		ps_roster_person_format(&att->roster, i, hex, 16, &line);
		ps_partial_writer_record(&pw, line);
	}
	free(order);
	return ps_partial_writer_end(&pw, 1);
}

