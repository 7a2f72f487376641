#ifndef PEERSTAT_CMD_PARTIAL_H
#define PEERSTAT_CMD_PARTIAL_H

/*
 * Partial summaries (`--partial`) and their merge (`peerstat merge`): docs/scale.md has the
 * contract. A partial is JSON Lines: a header line (peerstat version, command, the options that
 * decide the result, the input's counts and rejected rows), one line per participant
 * (ps_roster_person_format: the participant's exact aggregates, keyed by a hash of the id,
 * never the id) and an end line with the count of participant lines, so that a truncated
 * partial is refused. Partials concatenate: `cat a b | peerstat merge` is `peerstat merge a b`.
 *
 * The command that merges is the command itself: merge replays the recorded options through
 * the command's own main with the merged roster in place of the input (struct ps_partial_input),
 * so the output is the one the command prints on the whole input.
 */

#include "attendance_input.h"
#include "common.h"

#define PS_PARTIAL_FORMAT 1

/* What merge hands to a command instead of its input. */
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
 * Keep the options of argv worth recording (those that decide the result): call with the
 * optind before and after each getopt_long call and whether the option is one to leave out
 * (the input file, -o, --partial, --threads). keep must have argc entries, all 1 at first.
 */
void ps_partial_skip(unsigned char *keep, int before, int after);

/*
 * Write the partial of an attendance roll read by command (options: argv[1 .. optind) where
 * keep[i]) to -o FILE (atomically) or stdout. Reports its errors; returns the status.
 */
enum ps_status ps_partial_write_roster(const struct ps_common *common, int argc, char **argv, int optind,
				       const unsigned char *keep, const struct ps_attendance *att);

/* The retention command with the input given (merge) or read (pre NULL). */
enum ps_status ps_retention_main(int argc, char **argv, struct ps_partial_input *pre);

#endif
