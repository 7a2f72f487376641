/*
 * peerstat validate --kind attendance|outcomes|participants [FILE]
 *
 * Reads the whole input, checks every cell against the kind's schema (docs/schema.md) and the
 * rules that span rows (a participant in one cohort and one site; no session twice on a day;
 * no wave twice; one row per participant in a participants table), and prints a JSON report:
 * rows, participants per cohort and site, date range, missing values per column, duplicates
 * and the errors. Unlike the analysis commands it collects errors by default (its job is to
 * list them); --on-error stop makes it end at the first one. Exit 0 when valid, 65 when not.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "peerstat/dayset.h"
#include "peerstat/strmap.h"

const char cmd_validate_usage[] =
	"usage: peerstat validate --kind attendance|outcomes|participants [options] [FILE]\n"
	"\n"
	"Check an input file and print a JSON report of what it holds: rows, participants per\n"
	"cohort and site, date range, missing values per column, duplicates and every error\n"
	"(line, column, message). Exit 0 when the file is valid, 65 when it is not.\n"
	"Errors are collected by default; --on-error stop ends at the first.\n"
	"\n"
	"Column names (defaults in docs/schema.md):\n"
	"  --id COL          participant id (participant_id)\n"
	"  --cohort COL      cohort (cohort); --group is a synonym\n"
	"  --site COL        site (site, optional)\n"
	"  --date COL        attendance: session date (session_date)\n"
	"  --attended COL    attendance: attended yes/no (attended, optional)\n"
	"  --wave COL        outcomes: assessment wave (wave; e.g. redcap_event_name)\n"
	"  --assessed-on COL outcomes: assessment date (assessed_on, optional)\n"
	"  --abstinent COL   outcomes: past-30-day abstinence (abstinent, optional)\n"
	"  --days-used COL   outcomes: days used in the past 30 (days_used, optional)\n"
	"  --score COL       outcomes: isolation score (isolation_score, optional)\n";

enum kind { KIND_ATTENDANCE, KIND_OUTCOMES, KIND_PARTICIPANTS };

enum role {
	R_ID, R_COHORT, R_SITE, R_DATE, R_ATTENDED, R_WAVE, R_ASSESSED_ON, R_ABSTINENT, R_DAYS_USED, R_SCORE,
	R_ENROLLED_ON, R_END_ON, R_FIRST_ATTENDED, R_LAST_ATTENDED, R_SCHEDULED, R_ATTENDED_N, R_RATE,
	R_NEVER, R_RETENTION_DAYS, R_DROPPED, R_COMPLETED, NROLES
};

#define NO_RANGE 1, 0

/* Every role any kind uses; a kind picks a subset. Names are remapped by options. */
static const struct ps_field_spec all_roles[NROLES] = {
	[R_ID] = { "participant id", "participant_id", "--id", PS_TYPE_ID, 1, 1, NO_RANGE },
	[R_COHORT] = { "cohort", "cohort", "--cohort", PS_TYPE_LABEL, 1, 1, NO_RANGE },
	[R_SITE] = { "site", "site", "--site", PS_TYPE_LABEL, 0, 0, NO_RANGE },
	[R_DATE] = { "session date", "session_date", "--date", PS_TYPE_DATE, 1, 1, NO_RANGE },
	[R_ATTENDED] = { "attended flag", "attended", "--attended", PS_TYPE_BOOL, 0, 0, NO_RANGE },
	[R_WAVE] = { "assessment wave", "wave", "--wave", PS_TYPE_LABEL, 1, 1, NO_RANGE },
	[R_ASSESSED_ON] = { "assessment date", "assessed_on", "--assessed-on", PS_TYPE_DATE, 0, 0, NO_RANGE },
	[R_ABSTINENT] = { "abstinence flag", "abstinent", "--abstinent", PS_TYPE_BOOL, 0, 0, NO_RANGE },
	[R_DAYS_USED] = { "days used", "days_used", "--days-used", PS_TYPE_INT, 0, 0, 0, 30 },
	[R_SCORE] = { "isolation score", "isolation_score", "--score", PS_TYPE_NUMBER, 0, 0, NO_RANGE },
	[R_ENROLLED_ON] = { "enrolment date", "enrolled_on", "", PS_TYPE_DATE, 0, 0, NO_RANGE },
	[R_END_ON] = { "end date", "end_on", "", PS_TYPE_DATE, 0, 0, NO_RANGE },
	[R_FIRST_ATTENDED] = { "first attended date", "first_attended_on", "", PS_TYPE_DATE, 0, 0, NO_RANGE },
	[R_LAST_ATTENDED] = { "last attended date", "last_attended_on", "", PS_TYPE_DATE, 0, 0, NO_RANGE },
	[R_SCHEDULED] = { "sessions scheduled", "sessions_scheduled", "", PS_TYPE_INT, 0, 0, 0, 1e9 },
	[R_ATTENDED_N] = { "sessions attended", "sessions_attended", "", PS_TYPE_INT, 0, 0, 0, 1e9 },
	[R_RATE] = { "attendance rate", "attendance_rate", "", PS_TYPE_NUMBER, 0, 0, 0, 1 },
	[R_NEVER] = { "never attended flag", "never_attended", "", PS_TYPE_BOOL, 0, 0, NO_RANGE },
	[R_RETENTION_DAYS] = { "retention days", "retention_days", "", PS_TYPE_INT, 0, 0, 0, 1e9 },
	[R_DROPPED] = { "dropout flag", "dropped_out", "", PS_TYPE_BOOL, 0, 0, NO_RANGE },
	[R_COMPLETED] = { "completed flag", "completed", "", PS_TYPE_BOOL, 0, 0, NO_RANGE },
};

static const enum role attendance_roles[] = { R_ID, R_COHORT, R_SITE, R_DATE, R_ATTENDED };
static const enum role outcomes_roles[] = { R_ID, R_COHORT, R_SITE, R_WAVE, R_ASSESSED_ON, R_ABSTINENT, R_DAYS_USED, R_SCORE };
static const enum role participants_roles[] = { R_ID, R_COHORT, R_SITE, R_ENROLLED_ON, R_END_ON, R_FIRST_ATTENDED,
						R_LAST_ATTENDED, R_SCHEDULED, R_ATTENDED_N, R_RATE, R_NEVER,
						R_RETENTION_DAYS, R_DROPPED, R_COMPLETED };

#define MAX_WAVES 64

#define NO_COHORT UINT32_MAX      /* outcomes: no row of the participant names a cohort (yet) */

struct participant {
	uint32_t cohort;
	int32_t site;                /* -1: no site given */
	uint64_t waves;              /* outcomes: bit per wave label seen */
	struct ps_dayset days;       /* attendance: session dates seen */
};

struct validate {
	struct ps_common *common;
	enum kind kind;
	struct ps_field_spec specs[NROLES];
	const enum role *roles;
	size_t nroles;
	long index[NROLES];          /* header column of each role, -1 when absent */
	struct ps_cell_options cells;
	const char *display;
	struct ps_rejects rejects;

	size_t ncolumns;
	char **header;               /* owned: a copy, the report is built after the reader is gone */
	unsigned long *missing;      /* per header column */

	struct ps_strmap ids, cohorts, sites, waves;
	struct participant *parts;
	size_t parts_cap;
	unsigned long *cohort_rows;
	size_t cohort_rows_cap;
	unsigned long wave_rows[MAX_WAVES];
	unsigned long duplicates;
	unsigned long inconsistent_abstinence;
	unsigned long rows_without_cohort;  /* outcomes: rows with a blank cohort (filled from other rows) */
	int32_t first_day, last_day;
	int have_days;
	enum ps_status fatal;        /* out of memory inside a callback */
};

static const struct ps_field_spec *spec_of(const struct validate *v, enum role r)
{
	return &v->specs[r];
}

static enum ps_status on_header(void *ctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct validate *v = ctx;
	enum ps_status st = ps_check_identifiers(v->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	struct ps_field_spec wanted[NROLES];
	long index[NROLES];
	for (size_t k = 0; k < v->nroles; k++)
		wanted[k] = v->specs[v->roles[k]];
	st = ps_schema_resolve(names, ncolumns, wanted, v->nroles, index, err);
	if (st != PS_OK)
		return st;
	for (size_t r = 0; r < NROLES; r++)
		v->index[r] = -1;
	for (size_t k = 0; k < v->nroles; k++)
		v->index[v->roles[k]] = index[k];
	v->missing = calloc(ncolumns, sizeof(*v->missing));
	v->header = calloc(ncolumns, sizeof(*v->header));
	if (!v->missing || !v->header)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	v->ncolumns = ncolumns;
	for (size_t c = 0; c < ncolumns; c++)
		if (!(v->header[c] = strdup(names[c])))
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	return PS_OK;
}

static int grow_parts(struct validate *v, size_t need)
{
	if (need <= v->parts_cap)
		return 0;
	size_t cap = v->parts_cap ? v->parts_cap * 2 : 256;
	struct participant *p = realloc(v->parts, cap * sizeof(*p));
	if (!p)
		return -1;
	v->parts = p;
	v->parts_cap = cap;
	return 0;
}

/* A rule across rows is broken: locate it at the role's column and show its value (not for ids). */
static enum ps_status row_error(struct validate *v, const struct ps_row *row, struct ps_error *err, enum role role,
				const char *fmt, const char *detail)
{
	ps_error_clear(err);
	if (role < NROLES && v->index[role] >= 0) {
		long c = v->index[role];
		err->column = (unsigned long)c + 1;
		ps_error_copy(err->column_name, sizeof(err->column_name), v->header[c], strlen(v->header[c]));
		if (role != R_ID)
			ps_error_copy(err->value, sizeof(err->value), row->fields[c], row->lens[c]);
	}
	ps_error_set(err, PS_EDATA, fmt, detail);
	return ps_reject_row(&v->rejects, err, v->display, row->line);
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct validate *v = ctx;
	struct ps_value val[NROLES];
	char datebuf[16];

	for (size_t k = 0; k < v->nroles; k++) {
		enum role r = v->roles[k];
		long c = v->index[r];
		if (c < 0) {
			memset(&val[r], 0, sizeof(val[r]));
			val[r].missing = 1;
			continue;
		}
		if (ps_cell_parse(spec_of(v, r), &v->cells, row->fields[c], row->lens[c], (size_t)c, &val[r], err) != PS_OK)
			return ps_reject_row(&v->rejects, err, v->display, row->line);
	}
	if (v->kind == KIND_OUTCOMES && !val[R_ABSTINENT].missing && !val[R_DAYS_USED].missing &&
	    (val[R_ABSTINENT].i == 1) != (val[R_DAYS_USED].i == 0))
		v->inconsistent_abstinence++;

	/* rules across rows: look the participant up without changing anything yet */
	size_t pid, cohort = 0, site = 0, wave = 0;
	int known = ps_strmap_find(&v->ids, val[R_ID].s, val[R_ID].len, &pid);
	int have_cohort = ps_strmap_find(&v->cohorts, val[R_COHORT].s, val[R_COHORT].len, &cohort);
	int have_site = !val[R_SITE].missing && ps_strmap_find(&v->sites, val[R_SITE].s, val[R_SITE].len, &site);
	/* outcomes: a blank cohort or site is the participant's from their other rows (docs/schema.md) */
	int fill_blanks = v->kind == KIND_OUTCOMES;
	int cohort_given = !val[R_COHORT].missing;
	if (known) {
		struct participant *p = &v->parts[pid];
		if (v->kind == KIND_PARTICIPANTS) {
			v->duplicates++;
			return row_error(v, row, err, R_ID, "participant listed twice in a participants table%s", "");
		}
		if (cohort_given && p->cohort != NO_COHORT && (!have_cohort || p->cohort != cohort))
			return row_error(v, row, err, R_COHORT,
					 "participant is already listed under cohort '%s'", ps_strmap_key(&v->cohorts, p->cohort));
		int site_conflict = fill_blanks
			? !val[R_SITE].missing && p->site >= 0 && (!have_site || (size_t)p->site != site)
			: (p->site >= 0) != !val[R_SITE].missing || (p->site >= 0 && (!have_site || (size_t)p->site != site));
		if (site_conflict)
			return row_error(v, row, err, R_SITE, "participant is already listed under site '%s'",
					 p->site >= 0 ? ps_strmap_key(&v->sites, (size_t)p->site) : "(missing)");
	}
	if (v->kind == KIND_OUTCOMES) {
		int have_wave = ps_strmap_find(&v->waves, val[R_WAVE].s, val[R_WAVE].len, &wave);
		if (!have_wave && v->waves.count >= MAX_WAVES)
			return row_error(v, row, err, R_WAVE, "more than 64 distinct wave labels%s", "");
		if (known && have_wave && (v->parts[pid].waves >> wave & 1)) {
			v->duplicates++;
			return row_error(v, row, err, R_WAVE, "participant already has a row for wave '%s'",
					 ps_strmap_key(&v->waves, wave));
		}
	}
	if (v->kind == KIND_ATTENDANCE && known) {
		int added = ps_dayset_add(&v->parts[pid].days, val[R_DATE].day);
		if (added == -2) {
			/* the message and the dates that would fit, at the date column as every row error */
			long c = v->index[R_DATE];
			ps_error_clear(err);
			err->column = (unsigned long)c + 1;
			ps_error_copy(err->column_name, sizeof(err->column_name), v->header[c], strlen(v->header[c]));
			ps_dayset_span_error(&v->parts[pid].days, val[R_DATE].day, err);
			return ps_reject_row(&v->rejects, err, v->display, row->line);
		}
		if (added < 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		if (added == 0) {
			v->duplicates++;
			return row_error(v, row, err, R_DATE, "duplicate session: participant already has a row for %s",
					 ps_format_date(val[R_DATE].day, datebuf));
		}
	}

	/* the row is good: record it */
	if ((cohort_given && ps_strmap_intern(&v->cohorts, val[R_COHORT].s, val[R_COHORT].len, &cohort, NULL) != 0) ||
	    (!val[R_SITE].missing && ps_strmap_intern(&v->sites, val[R_SITE].s, val[R_SITE].len, &site, NULL) != 0))
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	if (!known) {
		if (grow_parts(v, v->ids.count + 1) != 0 ||
		    ps_strmap_intern(&v->ids, val[R_ID].s, val[R_ID].len, &pid, NULL) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		struct participant *p = &v->parts[pid];
		p->cohort = cohort_given ? (uint32_t)cohort : NO_COHORT;
		p->site = val[R_SITE].missing ? -1 : (int32_t)site;
		p->waves = 0;
		ps_dayset_init(&p->days);
		if (v->kind == KIND_ATTENDANCE && ps_dayset_add(&p->days, val[R_DATE].day) < 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
	} else if (fill_blanks) {
		struct participant *p = &v->parts[pid];
		if (p->cohort == NO_COHORT && cohort_given)
			p->cohort = (uint32_t)cohort;
		if (p->site < 0 && !val[R_SITE].missing)
			p->site = (int32_t)site;
	}
	if (v->kind == KIND_OUTCOMES) {
		if (ps_strmap_intern(&v->waves, val[R_WAVE].s, val[R_WAVE].len, &wave, NULL) != 0)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		v->parts[pid].waves |= (uint64_t)1 << wave;
		v->wave_rows[wave]++;
	}
	if (!cohort_given) {
		v->rows_without_cohort++;
	} else if (cohort >= v->cohort_rows_cap) {
		size_t cap = v->cohort_rows_cap ? v->cohort_rows_cap * 2 : 8;
		while (cap <= cohort)
			cap *= 2;
		unsigned long *rows = realloc(v->cohort_rows, cap * sizeof(*rows));
		if (!rows)
			return ps_error_set(err, PS_ENOMEM, "out of memory");
		memset(rows + v->cohort_rows_cap, 0, (cap - v->cohort_rows_cap) * sizeof(*rows));
		v->cohort_rows = rows;
		v->cohort_rows_cap = cap;
	}
	if (cohort_given)
		v->cohort_rows[cohort]++;
	enum role date_role = v->kind == KIND_ATTENDANCE ? R_DATE : v->kind == KIND_OUTCOMES ? R_ASSESSED_ON : R_ENROLLED_ON;
	if (!val[date_role].missing) {
		int32_t d = val[date_role].day;
		if (!v->have_days || d < v->first_day)
			v->first_day = d;
		if (!v->have_days || d > v->last_day)
			v->last_day = d;
		v->have_days = 1;
	}
	for (size_t c = 0; c < v->ncolumns; c++)
		if (ps_na_set_has(v->cells.na, row->fields[c], row->lens[c]))
			v->missing[c]++;
	return PS_OK;
}

static const char *role_key(enum role r)
{
	/* the stable role names of the JSON contract */
	static const char *const keys[NROLES] = {
		"participant_id", "cohort", "site", "session_date", "attended", "wave", "assessed_on", "abstinent",
		"days_used", "isolation_score", "enrolled_on", "end_on", "first_attended_on", "last_attended_on",
		"sessions_scheduled", "sessions_attended", "attendance_rate", "never_attended", "retention_days",
		"dropped_out", "completed"
	};
	return keys[r];
}

static void build_report(struct validate *v, struct ps_doc *doc, unsigned long rows, unsigned long blank_lines)
{
	static const char *const kind_names[] = { "attendance", "outcomes", "participants" };
	cJSON *input = ps_json_object(doc, doc->root, "input");
	ps_json_string(doc, input, "file", v->display);
	ps_json_string(doc, input, "kind", kind_names[v->kind]);
	ps_json_int(doc, input, "rows", (int64_t)rows);
	ps_json_int(doc, input, "blank_lines", (int64_t)blank_lines);
	ps_json_add_rejects(doc, input, &v->rejects);
	ps_json_bool(doc, doc->root, "valid", v->rejects.rejected_rows == 0);

	cJSON *columns = ps_json_array(doc, doc->root, "columns");
	for (size_t c = 0; c < v->ncolumns; c++) {
		cJSON *col = ps_json_object(doc, columns, NULL);
		ps_json_string(doc, col, "name", v->header[c]);
		const char *role = NULL;
		for (size_t k = 0; k < v->nroles; k++)
			if (v->index[v->roles[k]] == (long)c)
				role = role_key(v->roles[k]);
		ps_json_string(doc, col, "role", role);
		ps_json_int(doc, col, "missing", (int64_t)v->missing[c]);
	}

	cJSON *parts = ps_json_object(doc, doc->root, "participants");
	ps_json_int(doc, parts, "total", (int64_t)v->ids.count);
	cJSON *by_cohort = ps_json_object(doc, parts, "cohorts");
	for (size_t k = 0; k < v->cohorts.count; k++) {
		cJSON *co = ps_json_object(doc, by_cohort, ps_strmap_key(&v->cohorts, k));
		unsigned long n = 0;
		for (size_t i = 0; i < v->ids.count; i++)
			n += v->parts[i].cohort == k;
		ps_json_int(doc, co, "participants", (int64_t)n);
		ps_json_int(doc, co, "rows", (int64_t)v->cohort_rows[k]);
		cJSON *sites = ps_json_object(doc, co, "sites");
		for (size_t s = 0; s < v->sites.count; s++) {
			unsigned long m = 0;
			for (size_t i = 0; i < v->ids.count; i++)
				m += v->parts[i].cohort == k && v->parts[i].site == (int32_t)s;
			if (m)
				ps_json_int(doc, sites, ps_strmap_key(&v->sites, s), (int64_t)m);
		}
	}
	cJSON *by_site = ps_json_object(doc, parts, "sites");
	for (size_t s = 0; s < v->sites.count; s++) {
		unsigned long m = 0;
		for (size_t i = 0; i < v->ids.count; i++)
			m += v->parts[i].site == (int32_t)s;
		ps_json_int(doc, by_site, ps_strmap_key(&v->sites, s), (int64_t)m);
	}
	unsigned long no_site = 0;
	for (size_t i = 0; i < v->ids.count; i++)
		no_site += v->parts[i].site < 0;
	ps_json_int(doc, parts, "without_site", (int64_t)no_site);
	if (v->kind == KIND_OUTCOMES) {
		unsigned long no_cohort = 0;
		for (size_t i = 0; i < v->ids.count; i++)
			no_cohort += v->parts[i].cohort == NO_COHORT;
		ps_json_int(doc, parts, "without_cohort", (int64_t)no_cohort);
		ps_json_int(doc, parts, "rows_without_cohort", (int64_t)v->rows_without_cohort);
		if (no_cohort)
			ps_doc_warn(doc, "participants.without_cohort",
				    "participants with no cohort on any row: isolation and sobriety leave them out");
	}

	cJSON *dates = ps_json_object(doc, doc->root, "dates");
	enum role date_role = v->kind == KIND_ATTENDANCE ? R_DATE : v->kind == KIND_OUTCOMES ? R_ASSESSED_ON : R_ENROLLED_ON;
	ps_json_string(doc, dates, "column", v->specs[date_role].name);
	char buf[16];
	ps_json_string(doc, dates, "first", v->have_days ? ps_format_date(v->first_day, buf) : NULL);
	ps_json_string(doc, dates, "last", v->have_days ? ps_format_date(v->last_day, buf) : NULL);
	ps_json_int(doc, doc->root, "duplicates", (int64_t)v->duplicates);
	if (v->kind == KIND_OUTCOMES) {
		cJSON *waves = ps_json_object(doc, doc->root, "waves");
		for (size_t w = 0; w < v->waves.count; w++)
			ps_json_int(doc, waves, ps_strmap_key(&v->waves, w), (int64_t)v->wave_rows[w]);
		ps_json_int(doc, doc->root, "inconsistent_abstinence", (int64_t)v->inconsistent_abstinence);
		if (v->inconsistent_abstinence)
			ps_doc_warn(doc, "inconsistent_abstinence",
				    "rows where abstinent and days_used disagree (abstinent with days used, or not abstinent with 0 days)");
	}
}

enum {
	OPT_KIND = 1, OPT_ID, OPT_COHORT, OPT_SITE, OPT_DATE, OPT_ATTENDED, OPT_WAVE, OPT_ASSESSED_ON, OPT_ABSTINENT,
	OPT_DAYS_USED, OPT_SCORE
};

enum ps_status cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "id", required_argument, NULL, OPT_ID },
		{ "cohort", required_argument, NULL, OPT_COHORT },
		{ "group", required_argument, NULL, OPT_COHORT },
		{ "site", required_argument, NULL, OPT_SITE },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "attended", required_argument, NULL, OPT_ATTENDED },
		{ "wave", required_argument, NULL, OPT_WAVE },
		{ "assessed-on", required_argument, NULL, OPT_ASSESSED_ON },
		{ "abstinent", required_argument, NULL, OPT_ABSTINENT },
		{ "days-used", required_argument, NULL, OPT_DAYS_USED },
		{ "score", required_argument, NULL, OPT_SCORE },
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const enum role rename_role[] = { [OPT_ID] = R_ID, [OPT_COHORT] = R_COHORT, [OPT_SITE] = R_SITE,
		[OPT_DATE] = R_DATE, [OPT_ATTENDED] = R_ATTENDED, [OPT_WAVE] = R_WAVE, [OPT_ASSESSED_ON] = R_ASSESSED_ON,
		[OPT_ABSTINENT] = R_ABSTINENT, [OPT_DAYS_USED] = R_DAYS_USED, [OPT_SCORE] = R_SCORE };
	struct ps_common common;
	struct validate v;
	struct ps_doc doc = { 0 };
	struct ps_error err;
	enum ps_status st;
	const char *kind = NULL;

	memset(&v, 0, sizeof(v));
	ps_error_clear(&err);
	if (ps_common_init(&common, "validate", cmd_validate_usage) != PS_OK)
		return PS_ENOMEM;
	memcpy(v.specs, all_roles, sizeof(all_roles));
	optind = 0;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == OPT_KIND) {
			kind = optarg;
		} else if (opt > OPT_KIND && opt <= OPT_SCORE) {
			if (!optarg[0]) {
				st = ps_usage_error(&common, "column names cannot be empty");
				goto done;
			}
			v.specs[rename_role[opt]].name = optarg;
		} else if (opt == '?') {
			st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]);
			goto done;
		} else if ((st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg)) != PS_OK) {
			goto done;
		}
	}
	if (common.help) {
		ps_print_usage(&common);
		st = PS_OK;
		goto done;
	}
	if (!kind) {
		st = ps_usage_error(&common, "--kind is required (attendance, outcomes or participants)");
		goto done;
	}
	if (strcmp(kind, "attendance") == 0) {
		v.kind = KIND_ATTENDANCE;
		v.roles = attendance_roles;
		v.nroles = sizeof(attendance_roles) / sizeof(attendance_roles[0]);
	} else if (strcmp(kind, "outcomes") == 0) {
		v.kind = KIND_OUTCOMES;
		v.roles = outcomes_roles;
		v.nroles = sizeof(outcomes_roles) / sizeof(outcomes_roles[0]);
		/* cohort and site are participant-level facts here (REDCap fills them on the
		 * baseline row only): a blank takes the participant's value from other rows */
		v.specs[R_COHORT].required_value = 0;
	} else if (strcmp(kind, "participants") == 0) {
		v.kind = KIND_PARTICIPANTS;
		v.roles = participants_roles;
		v.nroles = sizeof(participants_roles) / sizeof(participants_roles[0]);
	} else {
		st = ps_usage_error(&common, "--kind takes attendance, outcomes or participants, not '%s'", kind);
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "validate reads one file (or standard input), not %d", argc - optind);
		goto done;
	}

	/* validate collects errors unless told to stop: listing them is its job */
	ps_rejects_init(&v.rejects, common.policy_set ? common.policy : PS_ON_ERROR_SKIP);
	v.common = &common;
	v.cells = ps_common_cell_options(&common);
	ps_strmap_init(&v.ids);
	ps_strmap_init(&v.cohorts);
	ps_strmap_init(&v.sites);
	ps_strmap_init(&v.waves);

	unsigned long rows = 0, blank_lines = 0;
	if ((st = ps_read_csv(&common, optind < argc ? argv[optind] : NULL, on_header, on_row, &v, &v.rejects, &v.display,
			      &rows, &blank_lines)) != PS_OK)
		goto done;
	if (ps_doc_init(&doc, "validate") != 0) {
		st = PS_ENOMEM;
		goto done;
	}
	build_report(&v, &doc, rows, blank_lines);
	st = ps_write_doc(&common, &doc);
	if (st == PS_OK && v.rejects.rejected_rows) {
		for (size_t i = 0; i < v.rejects.kept; i++)
			ps_report_error(&common, &v.rejects.errors[i]);
		if (v.rejects.rejected_rows > v.rejects.kept)
			fprintf(stderr, "peerstat: validate: %lu more rows rejected (%lu in all)\n",
				v.rejects.rejected_rows - v.rejects.kept, v.rejects.rejected_rows);
		st = PS_EDATA;
	}
done:
	if (st == PS_ENOMEM && !err.message[0])
		fprintf(stderr, "peerstat: validate: out of memory\n");
	ps_doc_release(&doc);
	for (size_t i = 0; i < v.ids.count && v.parts; i++)
		ps_dayset_release(&v.parts[i].days);
	free(v.parts);
	free(v.cohort_rows);
	free(v.missing);
	for (size_t c = 0; c < v.ncolumns; c++)
		free(v.header[c]);
	free(v.header);
	ps_strmap_release(&v.ids);
	ps_strmap_release(&v.cohorts);
	ps_strmap_release(&v.sites);
	ps_strmap_release(&v.waves);
	ps_common_release(&common);
	return st;
}
