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

enum ps_status ps_table_partial_write(const struct ps_common *common, const struct ps_partial_options *options,
				      const char *display, unsigned long rows, unsigned long blank_lines,
				      const struct ps_rejects *rejects, const struct ps_text_buf *records, size_t nrecords)
{
	struct ps_partial_writer pw;
	if (records->failed)
		return PS_ENOMEM; /* nothing written yet: the command reports it */
	ps_partial_writer_begin(&pw, common, options, display, rows, blank_lines, 1, rejects);
	/* the record lines are formatted already, one after the other: one write (the writer
	 * keeps its state in the open, its count included) */
	if (pw.st == PS_OK && records->len)
		pw.st = ps_output_write(&pw.out, records->buf, records->len, &pw.err);
	pw.records = nrecords;
	return ps_partial_writer_end(&pw, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* The merge kinds.                                                                           */

/* The records of every partial, in the order read, and where each partial's end. */
struct table_merge {
	struct ps_table_rows rows;
	size_t *ends;          /* [k]: rows read when the k-th partial ended */
	size_t nends, cap;
};

void *ps_table_kind_create(void)
{
	struct table_merge *m = calloc(1, sizeof(*m));
	if (m)
		ps_table_rows_init(&m->rows);
	return m;
}

enum ps_status ps_table_kind_record(void *state, const char *line, size_t len, struct ps_error *err)
{
	struct table_merge *m = state;
	return ps_table_record_parse(&m->rows, line, len, err);
}

enum ps_status ps_table_kind_end(void *state, struct ps_error *err)
{
	/* the records went into the total as they came (a row is whole in one partial): only
	 * where the partial ends is noted, for messages */
	struct table_merge *m = state;
	if (m->nends == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		size_t *e = realloc(m->ends, cap * sizeof(*e));
		if (!e)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		m->ends = e;
		m->cap = cap;
	}
	m->ends[m->nends++] = m->rows.nrows;
	return PS_OK;
}

void ps_table_kind_destroy(void *state)
{
	struct table_merge *m = state;
	if (!m)
		return;
	ps_table_rows_release(&m->rows);
	free(m->ends);
	free(m);
}

static struct ps_table_input input_of(struct table_merge *m, struct ps_partial_meta *meta)
{
	struct ps_table_input pre = { &m->rows, meta->display, meta->rows, meta->rejects, m->ends, m->nends,
				      meta->part_files, meta->nparts };
	return pre;
}

enum ps_status ps_table_kind_run_compare(void *state, int argc, char **argv, struct ps_partial_meta *meta)
{
	struct ps_table_input pre = input_of(state, meta);
	return ps_compare_main(argc, argv, &pre);
}

enum ps_status ps_table_kind_run_survival(void *state, int argc, char **argv, struct ps_partial_meta *meta)
{
	struct ps_table_input pre = input_of(state, meta);
	return ps_survival_main(argc, argv, &pre);
}

enum ps_status ps_table_replay(const char *command, const struct ps_table_input *pre, size_t width, ps_row_fn on_row,
			       void *ctx, size_t *cells)
{
	const struct ps_table_rows *t = pre->rows;
	if (t->width && t->width != width) {
		fprintf(stderr, "peerstat: %s: %s: the partials' records have %zu cells, these options read %zu (not "
				"partials of these options?)\n",
			command, pre->display, t->width, width);
		return PS_EDATA;
	}
	const char **fields = malloc(width * sizeof(*fields));
	size_t *lens = malloc(width * sizeof(*lens));
	enum ps_status st = fields && lens ? PS_OK : PS_ENOMEM;
	struct ps_error err;
	ps_error_clear(&err);
	for (size_t i = 0; i < t->nrows && st == PS_OK; i++) {
		struct ps_row row;
		*cells = ps_table_replay_row(t, i, width, fields, lens, &row);
		if ((st = on_row(ctx, &row, &err)) != PS_OK && err.message[0])
			ps_table_replay_error(command, pre, i, &err);
	}
	free(fields);
	free(lens);
	return st;
}

void ps_table_replay_error(const char *command, const struct ps_table_input *pre, size_t i, const struct ps_error *err)
{
	size_t k = 0, first = 0;
	while (k < pre->nends && pre->ends[k] <= i)
		first = pre->ends[k++];
	const char *file = k < pre->nparts && pre->part_files ? pre->part_files[k] : pre->display;
	fprintf(stderr, "peerstat: %s: %s: partial %zu, record %zu: %s", command, file, k + 1, i - first + 1, err->message);
	if (err->column_name[0])
		fprintf(stderr, " (column '%s', value '%s')", err->column_name, err->value);
	fputc('\n', stderr);
}

enum ps_status ps_table_read(const struct ps_common *common, const char *path, const struct ps_table_input *pre,
			     size_t width, ps_header_fn on_header, ps_row_fn on_row, void *ctx, size_t *cells,
			     struct ps_rejects *rejects, const char **display, unsigned long *rows,
			     unsigned long *blank_lines)
{
	*rows = *blank_lines = 0;
	if (!pre)
		return ps_read_csv(common, path, on_header, on_row, ctx, rejects, display, rows, blank_lines);
	*display = pre->display;
	*rows = pre->rows_read;
	ps_rejects_init(rejects, PS_ON_ERROR_STOP);
	enum ps_status st = ps_table_replay(common->command, pre, width, on_row, ctx, cells);
	*rejects = pre->rejects;
	return st;
}
