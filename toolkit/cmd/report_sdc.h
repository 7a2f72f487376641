#ifndef PEERSTAT_CMD_REPORT_SDC_H
#define PEERSTAT_CMD_REPORT_SDC_H

/*
 * Small-cell suppression for `peerstat report` (the rules are in docs/report.md).
 *
 * A section registers every count it will print (and the counts a reader could work out from
 * them without their being printed: "implicit" cells, such as the not-retained = eligible -
 * retained) and the sums that link them (total = part + part + ...). ps_sdc_solve then marks
 *   - primary: every count from 1 to min_cell - 1 (SMALL, printed "<min_cell");
 *   - complementary: while some sum has exactly one unknown cell and that cell is protected
 *     (SMALL or already WITHHELD), the smallest known non-zero part of that sum (else its total)
 *     is WITHHELD (printed "*"), so that no protected cell can be recovered by subtraction; an
 *     implicit cell that is the one unknown of a sum is derivable and counts as known from then
 *     on (a total printed in one table recovers a part in another).
 * Figures derived from counts (percentages, intervals, means, tests) are printed only when
 * every count they come from is known (ps_sdc_known); the section checks that.
 */

#include <stddef.h>

enum ps_sdc_state { PS_SDC_SHOWN, PS_SDC_SMALL, PS_SDC_WITHHELD };

struct ps_sdc_cell {
	long long value;
	int printed;               /* 0: implicit (never printed) */
	int derived;               /* implicit, but a reader can work it out from printed cells */
	enum ps_sdc_state state;
};

struct ps_sdc {
	long min_cell;             /* counts 1..min_cell-1 are small; 0 turns suppression off */
	struct ps_sdc_cell *cells;
	size_t ncells, cap;
	size_t *members;           /* the sums, flattened: [count, total, part, part, ...] ... */
	size_t nmembers, mcap;
	int failed;                /* out of memory: ps_sdc_solve withholds everything then */
};

void ps_sdc_init(struct ps_sdc *s, long min_cell);
void ps_sdc_release(struct ps_sdc *s);

/* Register a count that will be printed; returns its id. */
size_t ps_sdc_cell(struct ps_sdc *s, long long value);

/* Register a count that is not printed but can be worked out from printed ones. */
size_t ps_sdc_implicit(struct ps_sdc *s, long long value);

/* The value a cell was registered with (-1 for an unknown id). */
long long ps_sdc_value(const struct ps_sdc *s, size_t id);

/* Declare total = parts[0] + ... + parts[nparts-1] (ids from ps_sdc_cell / ps_sdc_implicit). */
void ps_sdc_sum(struct ps_sdc *s, size_t total, const size_t *parts, size_t nparts);

/* Apply the primary and complementary rules (call once, after every cell and sum). */
void ps_sdc_solve(struct ps_sdc *s);

/* 1 when the count is printed as its value (not small, not withheld, present in the summary). */
int ps_sdc_known(const struct ps_sdc *s, size_t id);

/* 1 when all n counts are known. */
int ps_sdc_all_known(const struct ps_sdc *s, const size_t *ids, size_t n);

/*
 * The text of a count: its value, "<N" when small, "*" when withheld, wrapped in the report's
 * count markers (report_doc.h); "n/a" for a count missing from the summary (registered as -1).
 * buf: at least 40 bytes. Returns buf.
 */
char *ps_sdc_text(const struct ps_sdc *s, size_t id, char *buf);

#endif
