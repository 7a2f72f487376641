#ifndef PEERSTAT_CMD_PARTIAL_H
#define PEERSTAT_CMD_PARTIAL_H

/*
 * Partial summaries (`--partial`) and their merge (`peerstat merge`): docs/scale.md has the
 * contract. A partial is JSON Lines: a header line (peerstat version, command, the options that
 * decide the result, the input's counts and rejected rows), one record line per participant
 * (the participant's exact aggregates, keyed by a hash of the id, never the id) and an end line
 * with the count of record lines, so that a truncated partial is refused. Partials
 * concatenate: `cat a b | peerstat merge` is `peerstat merge a b`.
 *
 * merge reads the header and end lines itself (cmd_merge.c, the same for every command) and
 * hands the record lines to the command's partial kind (struct ps_partial_kind), which
 * combines them and then replays the recorded options through the command's own main with the
 * merged total in place of the input, so the output is the one the command prints on the
 * whole input.
 */

#include "attendance_input.h"
#include "common.h"

#define PS_PARTIAL_FORMAT 1

/* What merge knows about the input, summed over the partials (docs/scale.md "Merge rules"). */
struct ps_partial_meta {
	const char *display;            /* input.file for the output */
	unsigned long rows, blank_lines;
	int threads;
	struct ps_rejects rejects;      /* summed rejected_rows, kept errors */
	/* input.file of each partial in the order read ([k]: the partial whose records came
	 * before the k-th end call), for messages about a record found only once merged */
	const char *const *part_files;
	size_t nparts;
};

/* One command's partial records: how merge reads and combines them and replays the command. */
struct ps_partial_kind {
	const char *command;            /* "retention", "isolation", ... */
	/* a fresh merge state (the running total); NULL when out of memory */
	void *(*create)(void);
	/* one record line of the current partial (lines starting with '['); PS_EDATA with err set */
	enum ps_status (*record)(void *state, const char *line, size_t len, struct ps_error *err);
	/* the current partial ended (its end line checked): fold it into the total */
	enum ps_status (*end)(void *state, struct ps_error *err);
	/* run the command with argv (recorded options, -o) and the merged total as its input */
	enum ps_status (*run)(void *state, int argc, char **argv, struct ps_partial_meta *meta);
	void (*destroy)(void *state);
};

/* The kinds merge knows, ending with { NULL } */
extern const struct ps_partial_kind ps_partial_kinds[];

/* What merge hands to retention instead of its input. */
struct ps_partial_input {
	struct ps_roster roster;     /* merged, keys are the id hashes in hex; the command takes it over */
	const char *display;         /* the input's name for the output's input.file */
	unsigned long rows, blank_lines;
	int threads;
	struct ps_rejects rejects;
};

/*
 * The order in which a command goes through the participants of r: by the 64-bit hash of the
 * id (hashed: the keys are those hashes in hex already, as after a merge), so that the result
 * depends on the set of participants only and not on the order of rows or shards. *order
 * receives a malloc'ed array of r's participant indices (caller frees); *collisions the number
 * of adjacent pairs with equal hashes (distinct ids that a partial could not tell apart).
 * Returns PS_OK or PS_ENOMEM.
 */
enum ps_status ps_partial_order(const struct ps_roster *r, int hashed, size_t **order, size_t *collisions);

/*
 * The same for the n ids of a string map: *order receives a malloc'ed permutation of 0 .. n-1
 * by id hash (ties in index order); hashed as above.
 */
enum ps_status ps_partial_order_ids(const struct ps_strmap *ids, int hashed, size_t **order, size_t *collisions);

/*
 * The options a partial records: those that decide the result, each in a canonical form so that
 * the same options given in another order or spelling compare equal (docs/scale.md,
 * "Recorded options"): the long name (an abbreviation or a short option becomes the long name;
 * synonyms, entries of longopts with the same id, become the first such entry's name) followed
 * by its value as a second string when it takes one, sorted by name. The sort is stable, so a
 * repeated option keeps the relative order of its values (the last of a repeated setting wins,
 * a repeatable option such as compare's --value keeps its sequence).
 */
struct ps_partial_options {
	struct ps_partial_option {
		const char *name;       /* points into longopts (static) */
		const char *value;      /* optarg (argv), NULL for an option without a value */
	} *items;
	size_t n, cap;
	int failed;                     /* out of memory while noting */
};

void ps_partial_options_init(struct ps_partial_options *o);

/*
 * Note the option getopt_long just returned: opt its result, longindex the index it stored (or
 * -1 when it matched a short option), arg its optarg. Options that do not decide the result
 * (-o, --threads, --partial, --help) and getopt's errors are for the caller to leave out.
 */
void ps_partial_options_note(struct ps_partial_options *o, const struct option *longopts, int longindex, int opt,
			     const char *arg);

/* Free what o holds (not the strings). */
void ps_partial_options_release(struct ps_partial_options *o);

/* Writing a partial: the header line, the record lines, the end line, to -o FILE or stdout. */
struct ps_partial_writer {
	const struct ps_common *common;
	struct ps_output out;
	struct ps_error err;
	enum ps_status st;
	size_t records;
	int open;
};

/*
 * Open -o FILE (atomically) or stdout and write the header line: the command (common), the
 * options, the input's name and counts, its rejected rows and kept errors. Returns the status
 * (errors are reported by ps_partial_writer_end, which must be called in every case).
 */
enum ps_status ps_partial_writer_begin(struct ps_partial_writer *pw, const struct ps_common *common,
				       const struct ps_partial_options *options, const char *display, unsigned long rows,
				       unsigned long blank_lines, int threads, const struct ps_rejects *rejects);

/* Write a record line (malloc'ed, taken over; NULL: out of memory). Errors are kept in pw. */
void ps_partial_writer_record(struct ps_partial_writer *pw, char *line);

/*
 * Write the end line and commit, or on any error (ok = 0: the caller's own, already reported)
 * remove what was written. Reports errors itself; returns the status.
 */
enum ps_status ps_partial_writer_end(struct ps_partial_writer *pw, int ok);

/* Write the partial of an attendance roll read by the command. Reports its errors; returns the status. */
enum ps_status ps_partial_write_roster(const struct ps_common *common, const struct ps_partial_options *options,
				       const struct ps_attendance *att);

/* The retention command with the input given (merge) or read (pre NULL). */
enum ps_status ps_retention_main(int argc, char **argv, struct ps_partial_input *pre);

#endif
