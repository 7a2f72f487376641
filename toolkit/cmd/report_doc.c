/* The report's blocks; see report_doc.h. */
#include "report_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_report_init(struct ps_report *r, long min_cell)
{
	memset(r, 0, sizeof(*r));
	r->min_cell = min_cell;
}

static void release_list(struct ps_rep_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct ps_rep_block *b = &list->blocks[i];
		free(b->text);
		free(b->desc);
		free(b->svg);
		if (b->table) {
			for (size_t c = 0; c < b->table->ncells; c++)
				free(b->table->cells[c]);
			free(b->table->cells);
			free(b->table->caption);
			free(b->table->note);
			free(b->table);
		}
	}
	free(list->blocks);
	memset(list, 0, sizeof(*list));
}

void ps_report_release(struct ps_report *r)
{
	release_list(&r->front);
	release_list(&r->headline);
	release_list(&r->body);
	release_list(&r->quality);
	release_list(&r->methods);
	release_list(&r->sources);
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *copy_text(const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n + 1);
	if (c)
		memcpy(c, s, n + 1);
	return c;
}

static struct ps_rep_block *new_block(struct ps_report *r, struct ps_rep_list *list, enum ps_rep_kind kind)
{
	if (r->failed)
		return NULL;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct ps_rep_block *b = realloc(list->blocks, cap * sizeof(*b));
		if (!b) {
			r->failed = 1;
			return NULL;
		}
		list->blocks = b;
		list->cap = cap;
	}
	struct ps_rep_block *b = &list->blocks[list->n++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

struct ps_rep_block *ps_rep_add(struct ps_report *r, struct ps_rep_list *list, enum ps_rep_kind kind, const char *fmt, ...)
{
	struct ps_rep_block *b = new_block(r, list, kind);
	if (!b)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(fmt, ap);
	va_end(ap);
	if (!b->text)
		r->failed = 1;
	else if ((kind == PS_REP_PARA || list == &r->headline) && b->text[0] >= 'a' && b->text[0] <= 'z')
		b->text[0] = (char)(b->text[0] - 'a' + 'A'); /* sentences that open with a group label */
	return b;
}

void ps_rep_heading(struct ps_report *r, struct ps_rep_list *list, int level, const char *fmt, ...)
{
	struct ps_rep_block *b = new_block(r, list, PS_REP_HEADING);
	if (!b)
		return;
	b->level = level;
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(fmt, ap);
	va_end(ap);
	if (!b->text)
		r->failed = 1;
}

void ps_rep_method(struct ps_report *r, const char *what, const char *method)
{
	if (!method || !*method)
		return;
	size_t wn = strlen(what), mn = strlen(method);
	for (size_t i = 0; i < r->methods.n; i++) {
		const char *t = r->methods.blocks[i].text;
		if (t && strncmp(t, what, wn) == 0 && strncmp(t + wn, ": ", 2) == 0 && strcmp(t + wn + 2, method) == 0)
			return;
	}
	(void)mn;
	ps_rep_add(r, &r->methods, PS_REP_ITEM, "%s: %s", what, method);
}

struct ps_rep_table *ps_rep_table(struct ps_report *r, struct ps_rep_list *list, size_t ncols, const char *caption)
{
	struct ps_rep_block *b = new_block(r, list, PS_REP_TABLE);
	if (!b)
		return NULL;
	struct ps_rep_table *t = calloc(1, sizeof(*t));
	if (!t || !(t->caption = copy_text(caption))) {
		free(t);
		r->failed = 1;
		return NULL;
	}
	t->ncols = ncols;
	b->table = t;
	return t;
}

void ps_rep_cell(struct ps_report *r, struct ps_rep_table *t, const char *fmt, ...)
{
	if (!t || r->failed)
		return;
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **c = realloc(t->cells, cap * sizeof(*c));
		if (!c) {
			r->failed = 1;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (!s) {
		r->failed = 1;
		return;
	}
	t->cells[t->ncells++] = s;
}

void ps_rep_table_note(struct ps_report *r, struct ps_rep_table *t, const char *note)
{
	if (!t || r->failed)
		return;
	free(t->note);
	if (!(t->note = copy_text(note)))
		r->failed = 1;
}

int ps_rep_next_figure(const struct ps_report *r)
{
	return r->nfigures + 1;
}

void ps_rep_figure(struct ps_report *r, struct ps_rep_list *list, char *svg, const char *title, const char *desc)
{
	if (!svg) {
		r->failed = 1;
		return;
	}
	struct ps_rep_block *b = new_block(r, list, PS_REP_FIGURE);
	if (!b) {
		free(svg);
		return;
	}
	b->svg = svg;
	b->figure = ++r->nfigures;
	b->text = copy_text(title);
	b->desc = copy_text(desc);
	if (!b->text || !b->desc)
		r->failed = 1;
}
