/* JSON writer on cJSON with exact doubles and explained nulls; see include/peerstat/json.h. */
#include "peerstat/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ps_format_double(double v, char *buf)
{
	if (v == 0) {
		strcpy(buf, "0");
		return buf;
	}
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(buf, 32, "%.*g", precision, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

int ps_doc_init(struct ps_doc *doc, const char *command)
{
	memset(doc, 0, sizeof(*doc));
	doc->root = cJSON_CreateObject();
	doc->warnings = cJSON_CreateArray();
	if (!doc->root || !doc->warnings) {
		ps_doc_release(doc);
		return -1;
	}
	cJSON *meta = ps_json_object(doc, doc->root, "peerstat");
	ps_json_string(doc, meta, "version", PEERSTAT_VERSION);
	ps_json_string(doc, meta, "command", command);
	ps_json_int(doc, meta, "contract", PS_JSON_CONTRACT);
	return doc->failed ? -1 : 0;
}

void ps_doc_release(struct ps_doc *doc)
{
	cJSON_Delete(doc->root);
	cJSON_Delete(doc->warnings);
	doc->root = doc->warnings = NULL;
}

void ps_doc_where(struct ps_doc *doc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(doc->where, sizeof(doc->where), fmt, ap);
	va_end(ap);
}

/* Attach item under key (or append to an array), remembering failures; frees item on failure. */
static cJSON *attach(struct ps_doc *doc, cJSON *parent, const char *key, cJSON *item)
{
	if (!item || !parent) {
		cJSON_Delete(item);
		doc->failed = 1;
		return NULL;
	}
	cJSON_bool ok = key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item);
	if (!ok) {
		cJSON_Delete(item); /* cJSON does not free it on failure */
		doc->failed = 1;
		return NULL;
	}
	return item;
}

int ps_doc_init_part(struct ps_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->root = cJSON_CreateObject();
	doc->warnings = cJSON_CreateArray();
	if (!doc->root || !doc->warnings) {
		ps_doc_release(doc);
		return -1;
	}
	return 0;
}

void ps_doc_adopt(struct ps_doc *doc, cJSON *parent, struct ps_doc *part, const char *key)
{
	cJSON *item = part->root ? cJSON_DetachItemFromObjectCaseSensitive(part->root, key) : NULL;
	if (!item)
		doc->failed = 1;
	else
		attach(doc, parent, key, item);
	cJSON *w;
	while (part->warnings && (w = cJSON_DetachItemFromArray(part->warnings, 0)) != NULL)
		attach(doc, doc->warnings, NULL, w);
	doc->failed |= part->failed;
	ps_doc_release(part);
}

void ps_doc_warn(struct ps_doc *doc, const char *key, const char *message)
{
	char field[256];
	if (doc->where[0] && key)
		snprintf(field, sizeof(field), "%s.%s", doc->where, key);
	else
		snprintf(field, sizeof(field), "%s", key ? key : doc->where);
	cJSON *w = attach(doc, doc->warnings, NULL, cJSON_CreateObject());
	ps_json_string(doc, w, "field", field);
	ps_json_string(doc, w, "message", message);
}

cJSON *ps_json_object(struct ps_doc *doc, cJSON *parent, const char *key)
{
	return attach(doc, parent, key, cJSON_CreateObject());
}

cJSON *ps_json_array(struct ps_doc *doc, cJSON *parent, const char *key)
{
	return attach(doc, parent, key, cJSON_CreateArray());
}

void ps_json_number(struct ps_doc *doc, cJSON *parent, const char *key, double v, const char *note)
{
	if (!isfinite(v)) {
		attach(doc, parent, key, cJSON_CreateNull());
		ps_doc_warn(doc, key, note ? note : "not defined for these data");
		return;
	}
	char buf[32];
	attach(doc, parent, key, cJSON_CreateRaw(ps_format_double(v, buf)));
}

void ps_json_int(struct ps_doc *doc, cJSON *parent, const char *key, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	attach(doc, parent, key, cJSON_CreateRaw(buf));
}

void ps_json_string(struct ps_doc *doc, cJSON *parent, const char *key, const char *s)
{
	attach(doc, parent, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void ps_json_bool(struct ps_doc *doc, cJSON *parent, const char *key, int v)
{
	attach(doc, parent, key, cJSON_CreateBool(v ? 1 : 0));
}

void ps_json_null(struct ps_doc *doc, cJSON *parent, const char *key)
{
	attach(doc, parent, key, cJSON_CreateNull());
}

/* A growing text buffer for the printer. */
struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->failed = 1;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

static void put_quoted(struct text *t, const char *s)
{
	put(t, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];
		switch (c) {
		case '"': put(t, "\\\"", 2); break;
		case '\\': put(t, "\\\\", 2); break;
		case '\n': put(t, "\\n", 2); break;
		case '\r': put(t, "\\r", 2); break;
		case '\t': put(t, "\\t", 2); break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				put(t, esc, 6);
			} else {
				put(t, p, 1); /* UTF-8 passes through: the reader only lets valid UTF-8 in */
			}
		}
	}
	put(t, "\"", 1);
}

static void indent(struct text *t, int depth)
{
	put(t, "\n", 1);
	for (int i = 0; i < depth; i++)
		put(t, "  ", 2);
}

/* jq's layout: two spaces a level, one member a line, empty containers as {} and []. */
static void print_item(struct text *t, const cJSON *item, int depth)
{
	if (cJSON_IsRaw(item)) {
		put_str(t, item->valuestring);
	} else if (cJSON_IsString(item)) {
		put_quoted(t, item->valuestring);
	} else if (cJSON_IsNull(item)) {
		put_str(t, "null");
	} else if (cJSON_IsTrue(item)) {
		put_str(t, "true");
	} else if (cJSON_IsFalse(item)) {
		put_str(t, "false");
	} else if (cJSON_IsNumber(item)) {
		char buf[32];
		put_str(t, ps_format_double(item->valuedouble, buf));
	} else {
		int is_object = cJSON_IsObject(item);
		const cJSON *child = item->child;
		put(t, is_object ? "{" : "[", 1);
		if (child) {
			for (; child; child = child->next) {
				indent(t, depth + 1);
				if (is_object) {
					put_quoted(t, child->string);
					put(t, ": ", 2);
				}
				print_item(t, child, depth + 1);
				if (child->next)
					put(t, ",", 1);
			}
			indent(t, depth);
		}
		put(t, is_object ? "}" : "]", 1);
	}
}

char *ps_doc_print(struct ps_doc *doc)
{
	if (doc->failed)
		return NULL;
	/* warnings go last; detach them again afterwards so print can be called twice */
	if (!cJSON_AddItemReferenceToObject(doc->root, "warnings", doc->warnings))
		return NULL;
	struct text t = { 0 };
	print_item(&t, doc->root, 0);
	put(&t, "\n", 1);
	cJSON_Delete(cJSON_DetachItemFromObject(doc->root, "warnings"));
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}
