#ifndef PEERSTAT_CMD_REPORT_DOC_H
#define PEERSTAT_CMD_REPORT_DOC_H

/*
 * The report as a list of blocks (headings, paragraphs, list items, notices, tables, figures)
 * that the sections of `peerstat report` fill and that report_render.c prints as HTML or as
 * Markdown: one content, two formats. Block text is plain text (the renderers escape it), with
 * one piece of inline markup: a count is wrapped in PS_REP_N_OPEN ... PS_REP_N_CLOSE (see
 * ps_rep_count), which HTML prints as <span class="n"> so that tests can find every count.
 *
 * Allocation failures are remembered in the report (failed) instead of checked at each call,
 * as ps_doc does for JSON: the command checks once before rendering.
 */

#include <stddef.h>

#define PS_REP_N_OPEN '\x1c'
#define PS_REP_N_CLOSE '\x1d'

enum ps_rep_kind { PS_REP_HEADING, PS_REP_PARA, PS_REP_ITEM, PS_REP_NOTICE, PS_REP_TABLE, PS_REP_FIGURE };

struct ps_rep_table {
	char *caption;        /* owned */
	size_t ncols;
	size_t ncells;        /* cells filled so far, row-major; row 0 is the header */
	size_t cap;
	char **cells;         /* owned, each owned */
	char *note;           /* owned footnote or NULL */
};

struct ps_rep_block {
	enum ps_rep_kind kind;
	int level;                  /* heading level, 2 or 3 */
	char *text;                 /* owned: heading, paragraph, item, notice, figure title */
	char *desc;                 /* owned: figure text alternative */
	char *svg;                  /* owned: figure, a complete SVG document */
	int figure;                 /* figure number (1-based) */
	struct ps_rep_table *table; /* owned: table */
};

struct ps_rep_list {
	struct ps_rep_block *blocks;
	size_t n, cap;
};

struct ps_report {
	struct ps_rep_list front;     /* what the report covers, the small-numbers notice */
	struct ps_rep_list headline;  /* items: the plain-language findings */
	struct ps_rep_list body;      /* one part per summary */
	struct ps_rep_list quality;   /* data quality, per summary */
	struct ps_rep_list methods;   /* items: the methods used, deduplicated */
	struct ps_rep_list sources;   /* items: the summaries read */
	long min_cell;                /* counts 1..min_cell-1 are suppressed; 0: off */
	int nfigures;
	int failed;                   /* an allocation failed: do not render */
};

void ps_report_init(struct ps_report *r, long min_cell);
void ps_report_release(struct ps_report *r);

/* Append a block whose text is printf-formatted. Returns the block (NULL when out of memory). */
struct ps_rep_block *ps_rep_add(struct ps_report *r, struct ps_rep_list *list, enum ps_rep_kind kind,
				const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A heading of level 2 (a part) or 3 (a section within). */
void ps_rep_heading(struct ps_report *r, struct ps_rep_list *list, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Add a methods item unless the same text is already listed. */
void ps_rep_method(struct ps_report *r, const char *what, const char *method);

/* A new table of ncols columns under list; fill it with ps_rep_cell, header row first. */
struct ps_rep_table *ps_rep_table(struct ps_report *r, struct ps_rep_list *list, size_t ncols, const char *caption);

/* Append one cell (printf-formatted) to t, row-major. t may be NULL (out of memory earlier). */
void ps_rep_cell(struct ps_report *r, struct ps_rep_table *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Set t's footnote. */
void ps_rep_table_note(struct ps_report *r, struct ps_rep_table *t, const char *note);

/* The number the next figure will get (figures are numbered in the order they are added). */
int ps_rep_next_figure(const struct ps_report *r);

/*
 * Add a figure: svg (a complete SVG document, malloc'ed: the report takes it over, also on
 * failure; NULL marks the report failed), its title and its text alternative.
 */
void ps_rep_figure(struct ps_report *r, struct ps_rep_list *list, char *svg, const char *title, const char *desc);

#endif
