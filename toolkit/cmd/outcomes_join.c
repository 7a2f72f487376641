/* Follow-up waves joined to the participants table; see outcomes_join.h. */
#include "outcomes_join.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WAVES 64
#define FIRST_WAVES 4

static const char *const field_names[PS_JOIN_FIELDS] = { "assessed_on", "abstinent", "days_used", "isolation_score" };

enum { C_ID, C_COHORT, C_WAVE, C_FIELDS };

struct ctx {
	struct ps_outcomes_join *join;
	const struct ps_common *common;
	struct ps_cell_options cells;
	const char *const *cohort_of;
	struct ps_field_spec specs[C_FIELDS + PS_JOIN_FIELDS];
	long index[C_FIELDS + PS_JOIN_FIELDS];
	struct ps_rejects *rejects;
};

static enum ps_status on_header(void *vctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct ctx *c = vctx;
	enum ps_status st = ps_check_identifiers(c->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	return ps_schema_resolve(names, ncolumns, c->specs, C_FIELDS + PS_JOIN_FIELDS, c->index, err);
}

/*
 * Double the wave columns reserved per participant (up to MAX_WAVES), moving every
 * participant's cells to the wider layout. Studies have a handful of waves, so the table starts
 * at FIRST_WAVES columns (64 bytes a participant) and rarely widens; reserving MAX_WAVES up
 * front cost 1 KiB a participant (250 MiB at 250 000).
 */
static enum ps_status widen(struct ps_outcomes_join *j)
{
	size_t n = j->participants, old = j->max_waves, wide = old * 2 > MAX_WAVES ? MAX_WAVES : old * 2;
	uint32_t *cells = realloc(j->cells, n * wide * PS_JOIN_FIELDS * sizeof(*cells));
	if (!cells)
		return PS_ENOMEM;
	/* from the last participant down: a row only moves up, never over one not yet moved */
	for (size_t p = n; p-- > 0;) {
		memmove(&cells[p * wide * PS_JOIN_FIELDS], &cells[p * old * PS_JOIN_FIELDS],
			old * PS_JOIN_FIELDS * sizeof(*cells));
		memset(&cells[(p * wide + old) * PS_JOIN_FIELDS], 0xff, (wide - old) * PS_JOIN_FIELDS * sizeof(*cells));
	}
	j->cells = cells;
	j->max_waves = wide;
	return PS_OK;
}

static enum ps_status on_row(void *vctx, const struct ps_row *row, struct ps_error *err)
{
	struct ctx *c = vctx;
	struct ps_outcomes_join *j = c->join;
	struct ps_value v[C_FIELDS + PS_JOIN_FIELDS];
	for (int k = 0; k < C_FIELDS + PS_JOIN_FIELDS; k++) {
		long col = c->index[k];
		if (col < 0) {
			memset(&v[k], 0, sizeof(v[k]));
			v[k].missing = 1;
			continue;
		}
		if (ps_cell_parse(&c->specs[k], &c->cells, row->fields[col], row->lens[col], (size_t)col, &v[k], err) != PS_OK)
			return ps_reject_row(c->rejects, err, j->display, row->line);
	}
	size_t pid, wave;
	if (!ps_strmap_find((struct ps_strmap *)j->ids, v[C_ID].s, v[C_ID].len, &pid)) {
		j->unmatched_rows++; /* assessed but not on the roll: no row to join to */
		return PS_OK;
	}
	const char *cohort = c->cohort_of[pid];
	/* a blank cohort (REDCap fills it on the baseline row only) is the roll's; a named one must agree */
	if (!v[C_COHORT].missing &&
	    (strlen(cohort) != v[C_COHORT].len || memcmp(cohort, v[C_COHORT].s, v[C_COHORT].len) != 0)) {
		err->column = (unsigned long)c->index[C_COHORT] + 1;
		ps_error_copy(err->column_name, sizeof(err->column_name), c->specs[C_COHORT].name, strlen(c->specs[C_COHORT].name));
		ps_error_copy(err->value, sizeof(err->value), v[C_COHORT].s, v[C_COHORT].len);
		ps_error_set(err, PS_EDATA, "participant is under cohort '%s' in the attendance roll", cohort);
		return ps_reject_row(c->rejects, err, j->display, row->line);
	}
	if (!ps_strmap_find(&j->waves, v[C_WAVE].s, v[C_WAVE].len, &wave)) {
		if (j->waves.count >= MAX_WAVES) {
			err->column = (unsigned long)c->index[C_WAVE] + 1;
			ps_error_set(err, PS_EDATA, "more than %d distinct wave labels", MAX_WAVES);
			return ps_reject_row(c->rejects, err, j->display, row->line);
		}
		/* room for the new wave's columns before it is known by name */
		if (j->waves.count == j->max_waves && widen(j) != PS_OK)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		if (ps_strmap_intern(&j->waves, v[C_WAVE].s, v[C_WAVE].len, &wave, NULL) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	uint32_t *cell = &j->cells[(pid * j->max_waves + wave) * PS_JOIN_FIELDS];
	if (cell[0] != UINT32_MAX) {
		err->column = (unsigned long)c->index[C_WAVE] + 1;
		ps_error_copy(err->value, sizeof(err->value), v[C_WAVE].s, v[C_WAVE].len);
		ps_error_set(err, PS_EDATA, "participant already has a row for this wave");
		return ps_reject_row(c->rejects, err, j->display, row->line);
	}
	for (int f = 0; f < PS_JOIN_FIELDS; f++) {
		const struct ps_value *x = &v[C_FIELDS + f];
		char buf[32];
		const char *text = "NA";
		size_t len = 2;
		if (!x->missing) {
			if (f == 0) {
				text = ps_format_date(x->day, buf);
				len = 10;
			} else if (f == 1) {
				text = x->i ? "1" : "0";
				len = 1;
			} else {
				text = x->s; /* numbers as written: they parsed, so they are plain decimals */
				len = x->len;
			}
		}
		size_t index;
		if (ps_strmap_intern(&j->values, text, len, &index, NULL) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		cell[f] = (uint32_t)index;
	}
	j->rows++;
	return PS_OK;
}

enum ps_status ps_outcomes_join_read(struct ps_outcomes_join *j, const struct ps_common *common, const char *path,
				     const struct ps_strmap *ids, const char *const *cohort_of)
{
	memset(j, 0, sizeof(*j));
	ps_strmap_init(&j->waves);
	ps_strmap_init(&j->values);
	j->ids = ids;
	j->max_waves = FIRST_WAVES;
	j->participants = ids->count ? ids->count : 1;
	j->cells = malloc(j->participants * FIRST_WAVES * PS_JOIN_FIELDS * sizeof(*j->cells));
	size_t na;
	if (!j->cells || ps_strmap_intern(&j->values, "NA", 2, &na, NULL) != 0)
		return PS_ENOMEM;
	memset(j->cells, 0xff, j->participants * FIRST_WAVES * PS_JOIN_FIELDS * sizeof(*j->cells));
	struct ps_rejects rejects;
	ps_rejects_init(&rejects, common->policy);
	struct ctx c = { j, common, ps_common_cell_options(common), cohort_of, {
		{ "participant id", "participant_id", "--id", PS_TYPE_ID, 1, 1, 1, 0 },
		{ "cohort", "cohort", "--cohort", PS_TYPE_LABEL, 1, 0, 1, 0 },
		{ "assessment wave", "wave", "--wave", PS_TYPE_LABEL, 1, 1, 1, 0 },
		{ "assessment date", "assessed_on", "--assessed-on", PS_TYPE_DATE, 0, 0, 1, 0 },
		{ "abstinence flag", "abstinent", "--abstinent", PS_TYPE_BOOL, 0, 0, 1, 0 },
		{ "days used", "days_used", "--days-used", PS_TYPE_INT, 0, 0, 0, 30 },
		{ "isolation score", "isolation_score", "--score", PS_TYPE_NUMBER, 0, 0, 1, 0 },
	}, { 0 }, &rejects };
	enum ps_status st = ps_read_csv(common, path, on_header, on_row, &c, &rejects, &j->display, NULL, NULL);
	if (st == PS_OK && rejects.rejected_rows) {
		for (size_t i = 0; i < rejects.kept; i++)
			ps_report_error(common, &rejects.errors[i]);
		fprintf(stderr, "peerstat: %s: %lu outcome rows rejected and skipped (--on-error skip)\n", common->command,
			rejects.rejected_rows);
	}
	return st;
}

void ps_outcomes_join_header(const struct ps_outcomes_join *j, struct ps_text_buf *out)
{
	for (size_t w = 0; w < j->waves.count; w++)
		for (int f = 0; f < PS_JOIN_FIELDS; f++) {
			char name[256];
			snprintf(name, sizeof(name), "%s_%s", ps_strmap_key(&j->waves, w), field_names[f]);
			ps_text_put(out, ",", 1);
			ps_text_put_csv_field(out, name);
		}
}

void ps_outcomes_join_row(const struct ps_outcomes_join *j, size_t participant, struct ps_text_buf *out)
{
	for (size_t w = 0; w < j->waves.count; w++)
		for (int f = 0; f < PS_JOIN_FIELDS; f++) {
			uint32_t v = j->cells[(participant * j->max_waves + w) * PS_JOIN_FIELDS + (size_t)f];
			ps_text_put(out, ",", 1);
			ps_text_put(out, v == UINT32_MAX ? "NA" : ps_strmap_key(&j->values, v), 0);
		}
}

void ps_outcomes_join_release(struct ps_outcomes_join *j)
{
	ps_strmap_release(&j->waves);
	ps_strmap_release(&j->values);
	free(j->cells);
}
