/* Reading an attendance roll into a roster; see attendance_input.h. */
#include "attendance_input.h"

#include <stdlib.h>
#include <string.h>

#include "peerstat/parallel.h"

const char ps_attendance_options_help[] =
	"Attendance columns (defaults in docs/schema.md):\n"
	"  --id COL          participant id (participant_id)\n"
	"  --cohort COL      cohort (cohort)\n"
	"  --site COL        site (site, optional)\n"
	"  --date COL        session date (session_date)\n"
	"  --attended COL    attended yes/no (attended, optional: without it every row is attended)\n"
	"  --enrolled-on COL enrolment date (enrolled_on, optional: else the first scheduled session)\n";

const char ps_roster_options_help[] =
	"Roster rules (docs/methods.md, \"Per-participant facts from an attendance roll\"):\n"
	"  --as-of DATE         the extract date (default: the latest session date in the roll);\n"
	"                       a session after it is an error\n"
	"  --dropout-gap DAYS   dropped out: nothing attended in the last DAYS days before the\n"
	"                       end of the schedule while sessions were missed (default 30)\n"
	"  --engaged-min N      engaged: at least N sessions attended in the first\n"
	"  --engaged-window D   D days from enrolment (defaults 2 and 30)\n"
	"  --threads 1|2        read a regular file with one or two threads (default 2)\n";

static const struct ps_field_spec default_specs[PS_ATT_NCOLUMNS] = {
	[PS_ATT_ID] = { "participant id", "participant_id", "--id", PS_TYPE_ID, 1, 1, 1, 0 },
	[PS_ATT_COHORT] = { "cohort", "cohort", "--cohort", PS_TYPE_LABEL, 1, 1, 1, 0 },
	[PS_ATT_SITE] = { "site", "site", "--site", PS_TYPE_LABEL, 0, 0, 1, 0 },
	[PS_ATT_DATE] = { "session date", "session_date", "--date", PS_TYPE_DATE, 1, 1, 1, 0 },
	[PS_ATT_ATTENDED] = { "attended flag", "attended", "--attended", PS_TYPE_BOOL, 0, 1, 1, 0 },
	[PS_ATT_ENROLLED] = { "enrolment date", "enrolled_on", "--enrolled-on", PS_TYPE_DATE, 0, 0, 1, 0 },
};

void ps_attendance_init(struct ps_attendance *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->specs, default_specs, sizeof(default_specs));
	a->threads = 2;
	a->as_of = PS_ROSTER_NO_DAY;
}

int ps_attendance_option(struct ps_attendance *a, int opt, const char *arg)
{
	if (opt < PS_OPT_ATT_BASE || opt >= PS_OPT_ATT_BASE + PS_ATT_NCOLUMNS)
		return 0;
	a->specs[opt - PS_OPT_ATT_BASE].name = arg;
	return 1;
}

/* One part's state: each thread has its own roster and reject log. */
struct part {
	const struct ps_attendance *a;
	const struct ps_common *common;
	struct ps_cell_options cells;
	long index[PS_ATT_NCOLUMNS];
	const char *const *header;
	struct ps_roster roster;
	struct ps_rejects rejects;
	struct ps_date_memo *date_memo;  /* session dates repeat: parsed once per thread (NULL: none) */
	unsigned char delimiter;
};

static enum ps_status on_header(void *ctx, size_t ncolumns, const char *const *names, struct ps_error *err)
{
	struct part *p = ctx;
	enum ps_status st = ps_check_identifiers(p->common, names, ncolumns, err);
	if (st != PS_OK)
		return st;
	p->header = names;
	return ps_schema_resolve(names, ncolumns, p->a->specs, PS_ATT_NCOLUMNS, p->index, err);
}

/* The column a broken rule is about, for the message. */
static int rule_column(enum ps_roster_rule rule)
{
	switch (rule) {
	case PS_ROSTER_RULE_COHORT: return PS_ATT_COHORT;
	case PS_ROSTER_RULE_SITE: return PS_ATT_SITE;
	case PS_ROSTER_RULE_ENROLLED: return PS_ATT_ENROLLED;
	default: return PS_ATT_DATE;
	}
}

static enum ps_status on_row(void *ctx, const struct ps_row *row, struct ps_error *err)
{
	struct part *p = ctx;
	struct ps_value v[PS_ATT_NCOLUMNS];
	for (int k = 0; k < PS_ATT_NCOLUMNS; k++) {
		long c = p->index[k];
		if (c < 0) {
			memset(&v[k], 0, sizeof(v[k]));
			v[k].missing = 1;
			continue;
		}
		const struct ps_field_spec *spec = &p->a->specs[k];
		const char *s = row->fields[c];
		size_t len = row->lens[c];
		/*
		 * The usual cell without the general parser: an id or label that is not a missing
		 * token, a 0/1 flag. Anything else (a missing value, a word, a bad cell) goes through
		 * ps_cell_parse, which decides exactly as before.
		 */
		if ((spec->type == PS_TYPE_ID || spec->type == PS_TYPE_LABEL) && !ps_na_set_has(p->cells.na, s, len)) {
			v[k].missing = 0;
			v[k].s = s;
			v[k].len = len;
			continue;
		}
		if (spec->type == PS_TYPE_BOOL && len == 1 && (s[0] == '0' || s[0] == '1') &&
		    !ps_na_set_has(p->cells.na, s, len)) {
			v[k].missing = 0;
			v[k].i = s[0] == '1';
			continue;
		}
		if (ps_cell_parse(spec, &p->cells, s, len, (size_t)c, &v[k], err) != PS_OK)
			return ps_reject_row(&p->rejects, err, p->a->display, row->line);
	}
	int attended = p->index[PS_ATT_ATTENDED] < 0 ? 1 : (int)v[PS_ATT_ATTENDED].i;
	enum ps_status st = ps_roster_add(&p->roster, v[PS_ATT_ID].s, v[PS_ATT_ID].len, v[PS_ATT_COHORT].s,
					  v[PS_ATT_COHORT].len, v[PS_ATT_SITE].missing ? NULL : v[PS_ATT_SITE].s,
					  v[PS_ATT_SITE].missing ? 0 : v[PS_ATT_SITE].len, v[PS_ATT_DATE].day, attended,
					  v[PS_ATT_ENROLLED].missing ? PS_ROSTER_NO_DAY : v[PS_ATT_ENROLLED].day, err);
	if (st == PS_EDATA) {
		int k = rule_column(p->roster.broken);
		long c = p->index[k];
		if (c >= 0) {
			err->column = (unsigned long)c + 1;
			ps_error_copy(err->column_name, sizeof(err->column_name), p->header[c], strlen(p->header[c]));
			ps_error_copy(err->value, sizeof(err->value), row->fields[c], row->lens[c]);
		}
		return ps_reject_row(&p->rejects, err, p->a->display, row->line);
	}
	return st;
}

/*
 * The look-ahead of the reader (ps_lookahead_fn): find the next line's id and have its slot in
 * the id map fetched while this row is handled. In a shuffled roll each row's id look-up waits
 * for memory; this overlaps the wait with the row before. A quoted or odd id only makes the
 * fetch useless: the row itself is read and checked as always.
 */
static void lookahead(void *ctx, const char *next, size_t len)
{
	struct part *p = ctx;
	long c = p->header ? p->index[PS_ATT_ID] : -1;
	if (c < 0)
		return;
	const char *s = next, *end = next + len;
	for (long k = 0; k < c && s; k++) {
		s = memchr(s, p->delimiter, (size_t)(end - s));
		if (s)
			s++;
	}
	if (!s)
		return;
	/* ids are short: a longer field, or the last one on the line, is not worth the search */
	size_t room = (size_t)(end - s) < 64 ? (size_t)(end - s) : 64;
	const char *e = memchr(s, p->delimiter, room);
	if (e)
		ps_strmap_prefetch(&p->roster.ids, s, (size_t)(e - s));
}

static void part_init(struct part *p, const struct ps_attendance *a, const struct ps_common *common)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
	p->common = common;
	p->cells = ps_common_cell_options(common);
	p->delimiter = common->delimiter;
	p->date_memo = calloc(1, sizeof(*p->date_memo)); /* without it dates are parsed every time */
	p->cells.date_memo = p->date_memo;
	ps_roster_init(&p->roster, a->as_of);
	ps_rejects_init(&p->rejects, common->policy);
}

/* Rejects of part 1 come after part 0's: its rows are later in the file. */
static void merge_rejects(struct ps_rejects *dst, const struct ps_rejects *src)
{
	for (size_t i = 0; i < src->kept && dst->kept < PS_REJECTS_KEPT; i++)
		dst->errors[dst->kept++] = src->errors[i];
	dst->rejected_rows += src->rejected_rows;
}

enum ps_status ps_attendance_read(struct ps_attendance *a, const struct ps_common *common, const char *path)
{
	struct part parts[2];
	struct ps_error err;
	enum ps_status st;
	ps_error_clear(&err);
	part_init(&parts[0], a, common);
	part_init(&parts[1], a, common);
	int stdin_input = !path || strcmp(path, "-") == 0;
	a->display = stdin_input ? "-" : path;
	struct ps_reader_options ropt = ps_common_reader_options(common, a->display);
	ropt.lookahead = lookahead;
	int threads = stdin_input ? 1 : a->threads;
	for (;;) {
		if (stdin_input) {
			struct ps_reader *r = ps_reader_new(&ropt, on_row, &parts[0], &parts[0].rejects);
			if (!r) {
				st = PS_ENOMEM;
				break;
			}
			ps_reader_on_header(r, on_header);
			st = ps_reader_read_stream(r, stdin, &err);
			a->rows = ps_reader_rows(r);
			a->blank_lines = ps_reader_blank_lines(r);
			a->threads_used = 1;
			ps_reader_free(r);
		} else {
			struct ps_parallel_part pp[2] = { { &parts[0], &parts[0].rejects, 0, 0, PS_OK, { 0 } },
							   { &parts[1], &parts[1].rejects, 0, 0, PS_OK, { 0 } } };
			st = ps_read_file_parallel(path, threads, &ropt, on_header, on_row, pp, &a->threads_used, &err);
			a->rows = pp[0].rows + (a->threads_used == 2 ? pp[1].rows : 0);
			a->blank_lines = pp[0].blank_lines + (a->threads_used == 2 ? pp[1].blank_lines : 0);
		}
		if (st != PS_OK || a->threads_used < 2)
			break;
		struct ps_error merr;
		ps_error_clear(&merr);
		if (a->keep_halves) {
			/* linked where they meet, not merged: both rosters move into a (the pair points at them) */
			a->roster = parts[0].roster;
			a->second = parts[1].roster;
			ps_roster_init(&parts[0].roster, a->as_of);
			ps_roster_init(&parts[1].roster, a->as_of);
			st = ps_roster_pair_link(&a->pair, &a->roster, &a->second, &merr);
			/*
			 * Mostly the same participants in both halves (a shuffled roll): copy the few new
			 * ones and free the second roster, rather than hold two full rosters through the
			 * analysis (memory). Mostly new ones (a grouped roll): keep them where they are.
			 */
			if (st == PS_OK && a->pair.nfresh < ps_roster_count(&a->second) / 2) {
				st = ps_roster_pair_absorb(&a->pair, &merr);
				ps_roster_pair_release(&a->pair);
				ps_roster_release(&a->second);
				ps_roster_init(&a->second, a->as_of);
				parts[0].roster = a->roster; /* one roster again: taken below as without halves */
				ps_roster_init(&a->roster, a->as_of);
			} else if (st != PS_OK) {
				ps_roster_pair_release(&a->pair);
				parts[0].roster = a->roster;
				parts[1].roster = a->second;
				ps_roster_init(&a->roster, a->as_of);
				ps_roster_init(&a->second, a->as_of);
			}
		} else {
			st = ps_roster_merge(&parts[0].roster, &parts[1].roster, &merr);
		}
		if (st == PS_EDATA) {
			/* a rule broken across the halves: read again in one pass to locate it */
			ps_roster_release(&parts[0].roster);
			ps_roster_release(&parts[1].roster);
			free(parts[0].date_memo);
			free(parts[1].date_memo);
			part_init(&parts[0], a, common);
			part_init(&parts[1], a, common);
			threads = 1;
			continue;
		}
		if (st == PS_OK)
			merge_rejects(&parts[0].rejects, &parts[1].rejects);
		break;
	}
	if (!a->pair.first) {
		ps_roster_release(&a->roster);
		a->roster = parts[0].roster;
	} else {
		ps_roster_release(&parts[0].roster);
	}
	a->rejects = parts[0].rejects;
	ps_roster_release(&parts[1].roster);
	free(parts[0].date_memo);
	free(parts[1].date_memo);
	if (st != PS_OK) {
		if (st == PS_ENOMEM && !err.message[0])
			ps_error_set(&err, PS_ENOMEM, "out of memory");
		ps_report_error(common, &err);
	}
	return st;
}

enum ps_status ps_attendance_finish(struct ps_attendance *a, const struct ps_roster_rules *rules,
				    struct ps_participant_facts **facts, size_t *n, int32_t *as_of_used,
				    struct ps_error *err)
{
	if (a->pair.first)
		return ps_roster_pair_finish(&a->pair, rules, facts, n, as_of_used, err);
	return ps_roster_finish(&a->roster, rules, facts, n, as_of_used, err);
}

void ps_attendance_release(struct ps_attendance *a)
{
	ps_roster_pair_release(&a->pair);
	ps_roster_release(&a->roster);
	ps_roster_release(&a->second);
}

enum ps_status ps_roster_option(const struct ps_common *common, struct ps_attendance *att,
				struct ps_roster_rules *rules, int opt, const char *arg, int *handled)
{
	int64_t n;
	int32_t day;
	*handled = 1;
	switch (opt) {
	case PS_OPT_AS_OF:
		if (!ps_parse_date(arg, strlen(arg), common->date_format, &day, NULL))
			return ps_usage_error(common, "--as-of takes a date (YYYY-MM-DD unless --date-format), not '%s'", arg);
		att->as_of = day;
		rules->as_of = day;
		return PS_OK;
	case PS_OPT_GAP:
		if (!ps_parse_int(arg, strlen(arg), &n, NULL) || n < 0 || n > 100000)
			return ps_usage_error(common, "--dropout-gap takes a number of days >= 0, not '%s'", arg);
		rules->dropout_gap_days = (int32_t)n;
		return PS_OK;
	case PS_OPT_ENGAGED_MIN:
		if (!ps_parse_int(arg, strlen(arg), &n, NULL) || n < 1 || n > 100000)
			return ps_usage_error(common, "--engaged-min takes a number of sessions >= 1, not '%s'", arg);
		rules->engaged_min = (int32_t)n;
		return PS_OK;
	case PS_OPT_ENGAGED_WINDOW:
		if (!ps_parse_int(arg, strlen(arg), &n, NULL) || n < 1 || n > 100000)
			return ps_usage_error(common, "--engaged-window takes a number of days >= 1, not '%s'", arg);
		rules->engaged_window_days = (int32_t)n;
		return PS_OK;
	case PS_OPT_THREADS:
		if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0)
			return ps_usage_error(common, "--threads takes 1 or 2, not '%s'", arg);
		att->threads = arg[0] - '0';
		return PS_OK;
	}
	*handled = 0;
	return PS_OK;
}

