#ifndef PEERSTAT_TABLE_RECORD_H
#define PEERSTAT_TABLE_RECORD_H

/*
 * The record lines of table partials (`compare --partial`, `survival --partial`; docs/scale.md):
 * one row of a one-row-per-participant table as the exact text of the cells the command reads,
 * a JSON array of strings: `["peer","12.5","1"]`. Text both ways, never a re-printed number, so
 * that a merge parses the very doubles the single run parsed. Written with `"` and `\` escaped
 * and bytes below 0x20 as \u00XX, every other byte as it is; read with every JSON string escape
 * (\uXXXX as UTF-8, surrogate pairs joined), refusing a NUL, a lone surrogate or a raw control
 * byte. Rows are kept in a struct ps_table_rows: every cell's text in one buffer.
 */

#include <stddef.h>

#include "peerstat/reader.h"
#include "peerstat/status.h"

/* Rows of cells (text), appended one by one. */
struct ps_table_rows {
	size_t nrows;
	size_t width;          /* cells of a row of more than one cell (0 until one is added) */
	char *text;            /* every cell's bytes, each followed by a NUL, row after row; owned */
	size_t text_len, text_cap;
	size_t *first;         /* offset in text of each row, nrows + 1 entries (the last: text_len); owned */
	size_t first_cap;
};

/* An empty store. Allocates nothing. */
void ps_table_rows_init(struct ps_table_rows *t);

/* Free what t owns; t is empty again. */
void ps_table_rows_release(struct ps_table_rows *t);

/*
 * Append one row of n >= 1 cells (cells[i] of lens[i] bytes, no NUL inside). Returns PS_OK or
 * PS_ENOMEM (t unchanged).
 */
enum ps_status ps_table_rows_add(struct ps_table_rows *t, const char *const *cells, const size_t *lens, size_t n);

/*
 * Row i's cells into cells[0..max) and lens (NUL-terminated, owned by t, valid until the next
 * add or release). Returns the row's cell count (may exceed max: only max are filled).
 */
size_t ps_table_rows_get(const struct ps_table_rows *t, size_t i, const char **cells, size_t *lens, size_t max);

/*
 * Row i as a struct ps_row of width fields (a reader's row, for a command's row callback):
 * fields and lens (room for width) receive the cells, "" past the row's own. row->line is
 * i + 1. Returns the row's own cell count.
 */
size_t ps_table_replay_row(const struct ps_table_rows *t, size_t i, size_t width, const char **fields, size_t *lens,
			   struct ps_row *row);

/* The most bytes ps_table_record_write can write for cells of these lengths. */
size_t ps_table_record_bound(const size_t *lens, size_t n);

/* Write the record of n cells into out (ps_table_record_bound bytes); returns its length (no line end, no NUL). */
size_t ps_table_record_write(char *out, const char *const *cells, const size_t *lens, size_t n);

/*
 * Parse one record (a line without its line end; spaces and tabs between tokens allowed) and
 * append its row to t. A record is a JSON array of one or more strings; a record of more than
 * one cell must have t's width. PS_EDATA with err's message set for anything else (t unchanged),
 * PS_ENOMEM.
 */
enum ps_status ps_table_record_parse(struct ps_table_rows *t, const char *line, size_t len, struct ps_error *err);

#endif
