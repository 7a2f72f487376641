/* The partial kinds merge knows (partial.h), retention's among them; see docs/scale.md. */
#include "partial.h"

#include <stdlib.h>
#include <string.h>

#include "partial_table.h"
#include "waves_input.h"

/* retention's kind: the records are roster participants (ps_roster_person_parse), a partial's
 * roster is merged into the total with ps_roster_merge */
struct retention_merge {
	struct ps_roster total, part;
};

static void *retention_create(void)
{
	struct retention_merge *m = malloc(sizeof(*m));
	if (m) {
		ps_roster_init(&m->total, PS_ROSTER_NO_DAY);
		ps_roster_init(&m->part, PS_ROSTER_NO_DAY);
	}
	return m;
}

static enum ps_status retention_record(void *state, const char *line, size_t len, struct ps_error *err)
{
	struct retention_merge *m = state;
	return ps_roster_person_parse(&m->part, line, len, err);
}

static enum ps_status retention_end(void *state, struct ps_error *err)
{
	struct retention_merge *m = state;
	enum ps_status st = ps_roster_merge(&m->total, &m->part, err);
	if (st == PS_EDATA) {
		/* the message names what broke the rule: value and expectation folded in */
		char message[sizeof(err->message) + sizeof(err->value) + sizeof(err->expected) + 32];
		snprintf(message, sizeof(message), "%s (value '%s', expected %s)", err->message, err->value, err->expected);
		ps_error_copy(err->message, sizeof(err->message), message, strlen(message));
	}
	ps_roster_release(&m->part);
	ps_roster_init(&m->part, PS_ROSTER_NO_DAY);
	return st;
}

static enum ps_status retention_run(void *state, int argc, char **argv, struct ps_partial_meta *meta)
{
	struct retention_merge *m = state;
	struct ps_partial_input pre;
	pre.roster = m->total;
	ps_roster_init(&m->total, PS_ROSTER_NO_DAY);
	pre.display = meta->display;
	pre.rows = meta->rows;
	pre.blank_lines = meta->blank_lines;
	pre.threads = meta->threads;
	pre.rejects = meta->rejects;
	enum ps_status st = ps_retention_main(argc, argv, &pre);
	ps_roster_release(&pre.roster); /* empty unless the command stopped before taking it */
	return st;
}

static void retention_destroy(void *state)
{
	struct retention_merge *m = state;
	if (!m)
		return;
	ps_roster_release(&m->total);
	ps_roster_release(&m->part);
	free(m);
}

static enum ps_status isolation_run(void *state, int argc, char **argv, struct ps_partial_meta *meta)
{
	struct ps_waves_pre pre = { state, meta };
	return ps_isolation_main(argc, argv, &pre);
}

static enum ps_status sobriety_run(void *state, int argc, char **argv, struct ps_partial_meta *meta)
{
	struct ps_waves_pre pre = { state, meta };
	return ps_sobriety_main(argc, argv, &pre);
}

const struct ps_partial_kind ps_partial_kinds[] = {
	{ "retention", retention_create, retention_record, retention_end, retention_run, retention_destroy },
	{ "isolation", ps_waves_merge_create, ps_waves_merge_record, ps_waves_merge_end, isolation_run, ps_waves_merge_destroy },
	{ "sobriety", ps_waves_merge_create, ps_waves_merge_record, ps_waves_merge_end, sobriety_run, ps_waves_merge_destroy },
	{ "compare", ps_table_kind_create, ps_table_kind_record, ps_table_kind_end, ps_table_kind_run_compare, ps_table_kind_destroy },
	{ "survival", ps_table_kind_create, ps_table_kind_record, ps_table_kind_end, ps_table_kind_run_survival, ps_table_kind_destroy },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
