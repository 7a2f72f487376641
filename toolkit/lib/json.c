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

char *ps_doc_print(struct ps_doc *doc)
{
	if (doc->failed)
		return NULL;
	/* warnings go last; detach them again afterwards so print can be called twice */
	if (!cJSON_AddItemReferenceToObject(doc->root, "warnings", doc->warnings))
		return NULL;
	char *text = cJSON_Print(doc->root);
	cJSON_Delete(cJSON_DetachItemFromObject(doc->root, "warnings"));
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *out = realloc(text, n + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}
