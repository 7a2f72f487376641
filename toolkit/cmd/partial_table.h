#ifndef PEERSTAT_CMD_PARTIAL_TABLE_H
#define PEERSTAT_CMD_PARTIAL_TABLE_H

/*
 * Partial summaries of the one-row-per-participant commands, `compare` and `survival`
 * (docs/scale.md, "compare and survival"). Their statistics need every value (ranks, medians,
 * Kaplan-Meier, log-rank and Cox), so the sufficient statistic of a shard is its rows: per row
 * the command used or counted, the cells it reads, as their exact text (a record line
 * `["GROUP","CELL",...]`, no participant id), so that the merge parses the same doubles the
 * single run parsed. Rows left out for their group (missing group, another group under
 * --ignore-other-groups) are a record of the group cell alone, so that the merge counts them.
 *
 * The commands go through their rows in an order of the values (not of the input), so the
 * merged output is the single run's, byte for byte, whatever the sharding and merge order.
 */

#include "common.h"
#include "partial.h"
#include "peerstat/table_record.h"

/*
 * Append the record line of n cells (peerstat/table_record.h) and its line end to out;
 * scratch is a growing buffer of *scratch_cap bytes the caller frees.
 */
void ps_table_record_put(struct ps_text_buf *out, char **scratch, size_t *scratch_cap, const char *const *cells,
			 const size_t *lens, size_t n);

/*
 * Write a table partial to -o FILE (atomically) or stdout: the header line (the command, the
 * recorded options, the input's counts and rejected rows), the records (nrecords lines formatted
 * with ps_table_record_put) and the end line. Reports its errors; returns the status.
 */
enum ps_status ps_table_partial_write(const struct ps_common *common, const struct ps_partial_options *options,
				      const char *display, unsigned long rows, unsigned long blank_lines,
				      const struct ps_rejects *rejects, const struct ps_text_buf *records, size_t nrecords);

/* What merge hands compare or survival instead of their input. */
struct ps_table_input {
	const struct ps_table_rows *rows;   /* the merged records, not owned */
	const char *display;                /* input.file of the output */
	unsigned long rows_read;            /* input.rows: summed over the partials */
	struct ps_rejects rejects;          /* summed rejected rows, the partials' kept errors */
	const size_t *ends;                 /* [k]: records read when the k-th partial ended */
	size_t nends;
	const char *const *part_files;      /* input.file of each partial, for messages */
	size_t nparts;
};

/* The commands with their input given (merge) or read (pre NULL). */
enum ps_status ps_compare_main(int argc, char **argv, const struct ps_table_input *pre);
enum ps_status ps_survival_main(int argc, char **argv, const struct ps_table_input *pre);

/*
 * Replay the merged records as rows of width cells (a record's cells in its order, "" past a
 * short record's) through the command's row callback, on_row(ctx, row, err), setting *cells to
 * the record's own cell count before each call (a callback refuses a short record of a group).
 * Another width than the records' is PS_EDATA (reported); a row the callback refuses is
 * reported with ps_table_replay_error and ends the replay. Returns the status.
 */
enum ps_status ps_table_replay(const char *command, const struct ps_table_input *pre, size_t width, ps_row_fn on_row,
			       void *ctx, size_t *cells);

/*
 * The table of compare or survival: read from path (ps_read_csv), or, under merge (pre not
 * NULL), the merged records replayed through on_row with ps_table_replay (width cells a record;
 * the command has set up its column indices for records first). A record was a good row, so
 * anything wrong in the replay is an edited partial and stops it; *rejects ends as the
 * partials' summed rejects. *display, *rows and *blank_lines describe the input either way.
 */
enum ps_status ps_table_read(const struct ps_common *common, const char *path, const struct ps_table_input *pre,
			     size_t width, ps_header_fn on_header, ps_row_fn on_row, void *ctx, size_t *cells,
			     struct ps_rejects *rejects, const char **display, unsigned long *rows,
			     unsigned long *blank_lines);

/*
 * A record that a command refuses once merged (an edited partial: a good row is recorded only):
 * print "peerstat: COMMAND: FILE: partial K, record R: message (column 'C', value 'V')", FILE the
 * partial's input name, K its place among the partials read, R the record's within it.
 */
void ps_table_replay_error(const char *command, const struct ps_table_input *pre, size_t i, const struct ps_error *err);

/*
 * The merge kinds of compare and survival (struct ps_partial_kind, partial.c): the records of
 * every partial appended to one store (a row is whole in one partial: nothing to combine), run
 * replays the command over them.
 */
void *ps_table_kind_create(void);
enum ps_status ps_table_kind_record(void *state, const char *line, size_t len, struct ps_error *err);
enum ps_status ps_table_kind_end(void *state, struct ps_error *err);
enum ps_status ps_table_kind_run_compare(void *state, int argc, char **argv, struct ps_partial_meta *meta);
enum ps_status ps_table_kind_run_survival(void *state, int argc, char **argv, struct ps_partial_meta *meta);
void ps_table_kind_destroy(void *state);

#endif
