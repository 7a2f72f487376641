#ifndef PEERSTAT_CMD_OUTCOMES_JOIN_H
#define PEERSTAT_CMD_OUTCOMES_JOIN_H

/*
 * `participants --outcomes FILE`: the follow-up assessments (the outcomes kind, one row per
 * participant per wave) joined to the participants of the attendance roll as wide columns,
 * <wave>_assessed_on, <wave>_abstinent, <wave>_days_used, <wave>_isolation_score for every
 * wave in order of first appearance, so that one table feeds `compare --value 6m_isolation_score
 * --paired-with baseline_isolation_score`. Values are kept as read (normalised: dates ISO,
 * flags 1/0, numbers as written); missing ones are NA.
 */

#include "common.h"
#include "peerstat/strmap.h"

#define PS_JOIN_FIELDS 4   /* assessed_on, abstinent, days_used, isolation_score */

struct ps_outcomes_join {
	struct ps_strmap waves;         /* wave labels in order of first appearance */
	struct ps_strmap values;        /* interned normalised values: index 0 is "NA" */
	const struct ps_strmap *ids;    /* the roster's ids (not owned) */
	uint32_t *cells;                /* [(participant * max_waves + wave) * FIELDS + field]: value index,
	                                 * UINT32_MAX when the participant has no row for the wave */
	size_t max_waves;               /* waves reserved per participant: 4, doubled as more appear (64 at most) */
	size_t participants;            /* rows of cells (the roster's participants, at least 1) */
	unsigned long rows, unmatched_rows;
	const char *display;
};

/*
 * Read path into join for the participants in ids (from the attendance roll). cohort_of
 * gives each participant's cohort label for the consistency check (a participant under another
 * cohort in the outcomes is an error). Reports errors itself.
 */
enum ps_status ps_outcomes_join_read(struct ps_outcomes_join *join, const struct ps_common *common, const char *path,
				     const struct ps_strmap *ids, const char *const *cohort_of);

/* Append ",<wave>_<field>..." header names, and one participant's values. */
void ps_outcomes_join_header(const struct ps_outcomes_join *join, struct ps_text_buf *out);
void ps_outcomes_join_row(const struct ps_outcomes_join *join, size_t participant, struct ps_text_buf *out);

void ps_outcomes_join_release(struct ps_outcomes_join *join);

#endif
