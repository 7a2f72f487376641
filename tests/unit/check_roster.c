/*
 * Unit tests for roster.c: per-participant facts from attendance rolls.
 *
 * Expected facts come from scripts/golden_roster.py, an independent Python implementation of the
 * rules in docs/methods.md, which writes tests/golden/roster_<case>.csv (the rules, the as-of
 * date applied, the rows it rejected and one row of facts per participant). Every fact of every
 * participant is compared exactly (dates and counts are integers; attendance_rate is printed
 * with 17 digits, so it parses back to the same double). Hand-made rolls in tests/data/roster/
 * hit each rule; the bundled study datasets/attendance.csv is read in order, shuffled, and split
 * into shards that are merged, and its counts are checked against the generator's own summary
 * in datasets/README.md.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/idhash.h"
#include "peerstat/parse.h"
#include "peerstat/roster.h"

/* ---------- a plain CSV roll in memory (test files have no quoting) ---------- */

struct trow {
	unsigned long line;
	char *id, *cohort, *site;  /* site NULL when missing or no column */
	int32_t day, enrolled;
	int attended;
};

struct troll {
	struct trow *rows;
	size_t n;
};

static char *xstrdup(const char *s)
{
	size_t len = strlen(s);
	char *d = malloc(len + 1);
	ck_loop_assert(d != NULL);
	memcpy(d, s, len + 1);
	return d;
}

/* Split line at commas in place, keeping empty fields; returns the count. */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	for (;;) {
		ck_loop_assert(n < max);
		fields[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

static int is_na(const char *s)
{
	return s[0] == '\0' || strcmp(s, "NA") == 0 || strcmp(s, "N/A") == 0 || strcmp(s, ".") == 0;
}

static int32_t parse_day(const char *s)
{
	int32_t d;
	ck_loop_assert_msg(ps_parse_date(s, strlen(s), PS_DATE_ISO, &d, NULL), "bad date %s", s);
	return d;
}

/* path is relative to the repository root. */
static void load_roll(const char *path, struct troll *roll)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "../%s", path);
	FILE *fp = fopen(test_path(rel), "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	char line[4096];
	char *f[32];
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	line[strcspn(line, "\r\n")] = '\0';
	size_t nf = split(line, f, 32);
	int c_id = -1, c_cohort = -1, c_site = -1, c_date = -1, c_att = -1, c_enr = -1;
	for (size_t i = 0; i < nf; i++) {
		if (!strcmp(f[i], "participant_id"))
			c_id = (int)i;
		else if (!strcmp(f[i], "cohort"))
			c_cohort = (int)i;
		else if (!strcmp(f[i], "site"))
			c_site = (int)i;
		else if (!strcmp(f[i], "session_date"))
			c_date = (int)i;
		else if (!strcmp(f[i], "attended"))
			c_att = (int)i;
		else if (!strcmp(f[i], "enrolled_on"))
			c_enr = (int)i;
	}
	ck_assert(c_id >= 0 && c_cohort >= 0 && c_date >= 0);
	size_t cap = 64;
	roll->rows = malloc(cap * sizeof(*roll->rows));
	roll->n = 0;
	unsigned long lineno = 1;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		ck_loop_assert(split(line, f, 32) == nf);
		if (roll->n == cap)
			roll->rows = realloc(roll->rows, (cap *= 2) * sizeof(*roll->rows));
		struct trow *r = &roll->rows[roll->n++];
		r->line = lineno;
		r->id = xstrdup(f[c_id]);
		r->cohort = xstrdup(f[c_cohort]);
		r->site = c_site >= 0 && !is_na(f[c_site]) ? xstrdup(f[c_site]) : NULL;
		r->day = parse_day(f[c_date]);
		r->attended = 1;
		if (c_att >= 0)
			ck_loop_assert(ps_parse_bool(f[c_att], strlen(f[c_att]), &r->attended, NULL));
		r->enrolled = c_enr >= 0 && !is_na(f[c_enr]) ? parse_day(f[c_enr]) : PS_ROSTER_NO_DAY;
	}
	fclose(fp);
}

static void free_roll(struct troll *roll)
{
	for (size_t i = 0; i < roll->n; i++) {
		free(roll->rows[i].id);
		free(roll->rows[i].cohort);
		free(roll->rows[i].site);
	}
	free(roll->rows);
	roll->rows = NULL;
	roll->n = 0;
}

static enum ps_status add_row(struct ps_roster *r, const struct trow *t, struct ps_error *err)
{
	return ps_roster_add(r, t->id, strlen(t->id), t->cohort, strlen(t->cohort), t->site,
			     t->site ? strlen(t->site) : 0, t->day, t->attended, t->enrolled, err);
}

/* A fixed shuffle (Fisher-Yates on a 64-bit LCG), so that a failure reproduces. */
static void shuffle(struct trow *rows, size_t n, uint64_t seed)
{
	for (size_t i = n; i > 1; i--) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t j = (size_t)((seed >> 33) % i);
		struct trow t = rows[i - 1];
		rows[i - 1] = rows[j];
		rows[j] = t;
	}
}

/* ---------- the golden file ---------- */

#define NCOL 19
static const char *const COLUMNS[NCOL] = {
	"participant_id", "cohort", "site", "enrolled_on", "enrolled_from_column", "end_on",
	"sessions_scheduled", "sessions_attended", "attendance_rate", "first_attended_on",
	"last_attended_on", "never_attended", "retention_days", "observed_days", "window_attended",
	"dropped_out", "completed", "active", "engaged"
};

struct gold {
	char input[256];
	struct ps_roster_rules rules;
	int32_t as_of_used;
	size_t nrejected;
	unsigned long *rej_line;
	char (*rej_rule)[32];
	size_t n;
	char *(*rows)[NCOL];
};

static void load_gold(const char *name, struct gold *g)
{
	char rel[256], line[4096];
	snprintf(rel, sizeof(rel), "golden/roster_%s.csv", name);
	FILE *fp = fopen(test_path(rel), "r");
	ck_assert_msg(fp != NULL, "cannot open %s", rel);
	memset(g, 0, sizeof(*g));
	size_t rcap = 16, cap = 16;
	g->rej_line = malloc(rcap * sizeof(*g->rej_line));
	g->rej_rule = malloc(rcap * sizeof(*g->rej_rule));
	g->rows = malloc(cap * sizeof(*g->rows));
	int header_seen = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		char as_of[32], day[32];
		int gap, emin, win;
		unsigned long ln;
		char rule[32];
		if (sscanf(line, "# generated by scripts/golden_roster.py (Python %*[^)]) from %255s", g->input) == 1)
			continue;
		if (sscanf(line, "# rules as_of=%31s dropout_gap_days=%d engaged_min=%d engaged_window_days=%d", as_of, &gap,
			   &emin, &win) == 4) {
			g->rules.as_of = strcmp(as_of, "default") ? parse_day(as_of) : PS_ROSTER_NO_DAY;
			g->rules.dropout_gap_days = gap;
			g->rules.engaged_min = emin;
			g->rules.engaged_window_days = win;
			continue;
		}
		if (sscanf(line, "# as_of_used %31s", day) == 1) {
			g->as_of_used = parse_day(day);
			continue;
		}
		if (sscanf(line, "# rejected %lu %31s", &ln, rule) == 2) {
			if (g->nrejected == rcap) {
				rcap *= 2;
				g->rej_line = realloc(g->rej_line, rcap * sizeof(*g->rej_line));
				g->rej_rule = realloc(g->rej_rule, rcap * sizeof(*g->rej_rule));
			}
			g->rej_line[g->nrejected] = ln;
			strcpy(g->rej_rule[g->nrejected++], rule);
			continue;
		}
		ck_assert_msg(line[0] != '#', "%s: unknown comment %s", rel, line);
		char *f[NCOL + 1];
		ck_assert_uint_eq(split(line, f, NCOL + 1), NCOL);
		if (!header_seen) {
			for (int i = 0; i < NCOL; i++)
				ck_assert_str_eq(f[i], COLUMNS[i]);
			header_seen = 1;
			continue;
		}
		if (g->n == cap)
			g->rows = realloc(g->rows, (cap *= 2) * sizeof(*g->rows));
		for (int i = 0; i < NCOL; i++)
			g->rows[g->n][i] = xstrdup(f[i]);
		g->n++;
	}
	fclose(fp);
	ck_assert(header_seen && g->input[0] && g->rules.engaged_window_days > 0);
}

static void free_gold(struct gold *g)
{
	for (size_t i = 0; i < g->n; i++)
		for (int k = 0; k < NCOL; k++)
			free(g->rows[i][k]);
	free(g->rows);
	free(g->rej_line);
	free(g->rej_rule);
}

static const char *rule_name(enum ps_roster_rule rule)
{
	switch (rule) {
	case PS_ROSTER_RULE_COHORT: return "cohort";
	case PS_ROSTER_RULE_SITE: return "site";
	case PS_ROSTER_RULE_DUPLICATE: return "duplicate";
	case PS_ROSTER_RULE_BEFORE_ENROL: return "before_enrolment";
	case PS_ROSTER_RULE_ENROLLED: return "enrolled_on";
	case PS_ROSTER_RULE_AFTER_AS_OF: return "after_as_of";
	case PS_ROSTER_RULE_SPAN: return "span";
	case PS_ROSTER_RULE_NONE: break;
	}
	return "none";
}

static int32_t gold_day(const char *s)
{
	return strcmp(s, "NA") ? parse_day(s) : PS_ROSTER_NO_DAY;
}

static long gold_int(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	ck_loop_assert_msg(*s && *end == '\0', "not an integer: %s", s);
	return v;
}

/* Compare one participant's facts with a golden row, by labels (not indices). */
static void compare_facts(const struct ps_roster *r, const struct ps_participant_facts *f, char *const *g)
{
	const char *id = ps_strmap_key(&r->ids, f->participant);
	ck_assert_str_eq(id, g[0]);
	ck_assert_str_eq(ps_strmap_key(&r->cohorts, f->cohort), g[1]);
	ck_assert_str_eq(f->site < 0 ? "NA" : ps_strmap_key(&r->sites, (size_t)f->site), g[2]);
#define DAY(field, col) ck_assert_msg(f->field == gold_day(g[col]), "%s: " #field " %d, want %s", id, (int)f->field, g[col])
#define INT(field, col) ck_assert_msg((long)f->field == gold_int(g[col]), "%s: " #field " %ld, want %s", id, (long)f->field, g[col])
	DAY(enrolled_on, 3);
	INT(enrolled_from_column, 4);
	DAY(end_on, 5);
	INT(sessions_scheduled, 6);
	INT(sessions_attended, 7);
	ck_assert_msg(f->attendance_rate == strtod(g[8], NULL), "%s: attendance_rate %.17g, want %s", id,
		      f->attendance_rate, g[8]);
	DAY(first_attended_on, 9);
	DAY(last_attended_on, 10);
	INT(never_attended, 11);
	INT(retention_days, 12);
	INT(observed_days, 13);
	INT(window_attended, 14);
	INT(dropped_out, 15);
	INT(completed, 16);
	INT(active, 17);
	INT(engaged, 18);
#undef DAY
#undef INT
	ck_assert_int_eq(f->dropped_out + f->completed + f->active, 1);
}

static const char *const *find_gold(const struct gold *g, const char *id)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->rows[i][0], id) == 0)
			return (const char *const *)g->rows[i];
	ck_abort_msg("participant %s not in the golden file", id);
	return NULL;
}

/*
 * Feed rows to a fresh roster the way the command does under --on-error skip (as_of known at
 * init when the case gives one), checking each rejection against the golden list when
 * check_rejects is set. Returns the number of rejected rows.
 */
static size_t feed(struct ps_roster *r, const struct gold *g, const struct trow *rows, size_t n, int check_rejects)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct ps_error err;
		ps_error_clear(&err);
		enum ps_status st = add_row(r, &rows[i], &err);
		if (st == PS_OK) {
			ck_loop_assert(r->broken == PS_ROSTER_RULE_NONE);
			continue;
		}
		ck_assert_int_eq(st, PS_EDATA);
		ck_assert(err.message[0] != '\0');
		/* participant ids never reach a message */
		ck_assert_ptr_null(strstr(err.message, rows[i].id));
		ck_assert_ptr_null(strstr(err.value, rows[i].id));
		ck_assert_ptr_null(strstr(err.expected, rows[i].id));
		if (check_rejects) {
			ck_assert_msg(k < g->nrejected, "line %lu rejected (%s: %s), golden rejects no more", rows[i].line,
				      rule_name(r->broken), err.message);
			ck_assert_uint_eq(rows[i].line, g->rej_line[k]);
			ck_assert_str_eq(rule_name(r->broken), g->rej_rule[k]);
		}
		k++;
	}
	if (check_rejects)
		ck_assert_uint_eq(k, g->nrejected);
	return k;
}

/* Finish and compare every participant with the golden file; in_order: same order too. */
static void check_against_gold(struct ps_roster *r, const struct gold *g, int in_order)
{
	struct ps_participant_facts *facts;
	size_t n;
	int32_t as_of;
	struct ps_error err;
	ck_assert_int_eq(ps_roster_finish(r, &g->rules, &facts, &n, &as_of, &err), PS_OK);
	ck_assert_int_eq(as_of, g->as_of_used);
	ck_assert_uint_eq(n, g->n);
	ck_assert_uint_eq(ps_roster_count(r), g->n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(facts[i].participant, i);
		const char *id = ps_strmap_key(&r->ids, i);
		compare_facts(r, &facts[i], in_order ? g->rows[i] : (char *const *)find_gold(g, id));
	}
	free(facts);
}

static void run_case(const char *name)
{
	struct gold g;
	struct troll roll;
	struct ps_roster r;
	load_gold(name, &g);
	load_roll(g.input, &roll);
	ps_roster_init(&r, g.rules.as_of);
	feed(&r, &g, roll.rows, roll.n, 1);
	check_against_gold(&r, &g, 1);
	ps_roster_release(&r);
	free_roll(&roll);
	free_gold(&g);
}

/* ---------- the cases ---------- */

START_TEST(rules_roll)
{
	run_case("rules");
}
END_TEST

START_TEST(no_attended_or_site_column)
{
	run_case("noattended");
}
END_TEST

START_TEST(enrolled_on_column)
{
	run_case("enrolled");
}
END_TEST

START_TEST(rejected_rows_leave_no_trace)
{
	run_case("errors");
	/* labels of rejected rows ('third', 'east') were not interned */
	struct troll roll;
	struct ps_roster r;
	load_roll("tests/data/roster/errors.csv", &roll);
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	for (size_t i = 0; i < roll.n; i++)
		add_row(&r, &roll.rows[i], NULL);
	ck_assert_uint_eq(r.cohorts.count, 2);
	ck_assert_uint_eq(r.sites.count, 2);
	ck_assert_str_eq(ps_strmap_key(&r.sites, 1), "south");
	ck_assert_uint_eq(r.rows, roll.n - 8);
	ps_roster_release(&r);
	free_roll(&roll);
}
END_TEST

START_TEST(as_of_known_at_add_time)
{
	run_case("asof");
}
END_TEST

START_TEST(study_in_order)
{
	run_case("study");
}
END_TEST

START_TEST(study_other_rules)
{
	run_case("study_rules");
}
END_TEST

START_TEST(study_early_as_of)
{
	run_case("study_early");
}
END_TEST

/* Boundaries worked out by hand (tests/data/roster/rules.csv, as_of 2024-06-30, gap 30). */
START_TEST(hand_checked_boundaries)
{
	struct troll roll;
	struct ps_roster r;
	struct ps_roster_rules rules = ps_roster_rules_default();
	rules.as_of = parse_day("2024-06-30");
	load_roll("tests/data/roster/rules.csv", &roll);
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	for (size_t i = 0; i < roll.n; i++)
		ck_assert_int_eq(add_row(&r, &roll.rows[i], NULL), PS_OK);
	struct ps_participant_facts *facts;
	size_t n;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &facts, &n, NULL, NULL), PS_OK);
	static const struct {
		const char *id;
		int dropped, completed, active, engaged;
	} want[] = {
		{ "A", 1, 0, 0, 0 }, /* never attended */
		{ "B", 0, 1, 0, 1 }, /* attended the last session, ended long before as_of */
		{ "C", 0, 1, 0, 0 }, /* last attended exactly 30 days before end_on: not dropped */
		{ "D", 1, 0, 0, 1 }, /* 31 days: dropped; 2 sessions on days 0 and 1 */
		{ "E", 0, 0, 1, 1 }, /* as_of - end_on = 30: still active */
		{ "F", 0, 1, 0, 0 }, /* as_of - end_on = 31: completed */
		{ "G", 0, 0, 1, 1 }, /* on the roll at as_of */
		{ "H", 0, 0, 1, 0 }, /* enrolled 10 days before as_of, not attended yet: active, not a dropout (the gap has not passed) */
		{ "I", 0, 0, 1, 0 }, /* enrolled 5 days before as_of, attended once */
		{ "J", 0, 1, 0, 1 }, /* second attendance on day 29 of the window: inside */
		{ "K", 0, 1, 0, 0 }, /* ... on day 30: outside */
		{ "L", 1, 0, 0, 0 }, /* one attendance, then only missed sessions until as_of */
	};
	ck_assert_uint_eq(n, sizeof(want) / sizeof(want[0]));
	for (size_t k = 0; k < n; k++) {
		size_t i;
		ck_assert(ps_strmap_find(&r.ids, want[k].id, strlen(want[k].id), &i));
		ck_assert_msg(facts[i].dropped_out == want[k].dropped && facts[i].completed == want[k].completed &&
				      facts[i].active == want[k].active && facts[i].engaged == want[k].engaged,
			      "participant %s", want[k].id);
	}
	size_t c;
	ck_assert(ps_strmap_find(&r.ids, "C", 1, &c));
	ck_assert_int_eq(facts[c].end_on - facts[c].last_attended_on, 30);
	ck_assert(ps_strmap_find(&r.ids, "I", 1, &c));
	ck_assert_int_eq(facts[c].observed_days, 5);
	/* with a gap of 31 days D is no longer a dropout, and F not yet complete */
	free(facts);
	rules.dropout_gap_days = 31;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &facts, &n, NULL, NULL), PS_OK);
	ck_assert(ps_strmap_find(&r.ids, "D", 1, &c));
	ck_assert(!facts[c].dropped_out && facts[c].completed);
	ck_assert(ps_strmap_find(&r.ids, "F", 1, &c));
	ck_assert(facts[c].active);
	free(facts);
	ps_roster_release(&r);
	free_roll(&roll);
}
END_TEST

START_TEST(study_shuffled)
{
	struct gold g;
	struct troll roll;
	load_gold("study", &g);
	load_roll(g.input, &roll);
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct ps_roster r;
		shuffle(roll.rows, roll.n, seed);
		ps_roster_init(&r, g.rules.as_of);
		ck_assert_uint_eq(feed(&r, &g, roll.rows, roll.n, 0), 0);
		check_against_gold(&r, &g, 0);
		ps_roster_release(&r);
	}
	free_roll(&roll);
	free_gold(&g);
}
END_TEST

/* Facts of a and b are identical field by field, indices and labels included. */
static void assert_same(struct ps_roster *a, struct ps_roster *b, const struct ps_roster_rules *rules)
{
	struct ps_participant_facts *fa, *fb;
	size_t na, nb;
	ck_assert_int_eq(ps_roster_finish(a, rules, &fa, &na, NULL, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_finish(b, rules, &fb, &nb, NULL, NULL), PS_OK);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_eq(a->cohorts.count, b->cohorts.count);
	ck_assert_uint_eq(a->sites.count, b->sites.count);
	for (size_t i = 0; i < a->cohorts.count; i++)
		ck_assert_str_eq(ps_strmap_key(&a->cohorts, i), ps_strmap_key(&b->cohorts, i));
	for (size_t i = 0; i < a->sites.count; i++)
		ck_assert_str_eq(ps_strmap_key(&a->sites, i), ps_strmap_key(&b->sites, i));
	for (size_t i = 0; i < na; i++) {
		ck_assert_str_eq(ps_strmap_key(&a->ids, i), ps_strmap_key(&b->ids, i));
		ck_assert_msg(memcmp(&fa[i], &fb[i], sizeof(fa[i])) == 0, "participant %zu differs", i);
	}
	ck_assert_uint_eq(a->rows, b->rows);
	ck_assert_int_eq(ps_roster_latest_day(a), ps_roster_latest_day(b));
	free(fa);
	free(fb);
}

/* Split rows at the cut points into shards, accumulate each, merge in order into the first. */
static void merge_shards(struct ps_roster *out, const struct trow *rows, size_t n, const size_t *cuts, size_t ncuts)
{
	struct ps_error err;
	ps_roster_init(out, PS_ROSTER_NO_DAY);
	size_t from = 0;
	for (size_t k = 0; k <= ncuts; k++) {
		size_t to = k < ncuts ? cuts[k] : n;
		struct ps_roster shard;
		ps_roster_init(&shard, PS_ROSTER_NO_DAY);
		for (size_t i = from; i < to; i++)
			ck_loop_assert(add_row(&shard, &rows[i], NULL) == PS_OK);
		ck_assert_int_eq(ps_roster_merge(out, &shard, &err), PS_OK);
		ps_roster_release(&shard);
		from = to;
	}
}

START_TEST(study_merged_shards)
{
	struct gold g;
	struct troll roll;
	struct ps_roster one, merged;
	load_gold("study", &g);
	load_roll(g.input, &roll);
	ps_roster_init(&one, PS_ROSTER_NO_DAY);
	feed(&one, &g, roll.rows, roll.n, 1);

	static const size_t two[] = { 5003 };
	static const size_t three[] = { 1999, 8642 };
	/* the cuts fall inside a participant's rows, so participants are split across shards */
	ck_assert_str_eq(roll.rows[two[0] - 1].id, roll.rows[two[0]].id);
	ck_assert_str_eq(roll.rows[three[0] - 1].id, roll.rows[three[0]].id);
	ck_assert_str_eq(roll.rows[three[1] - 1].id, roll.rows[three[1]].id);

	merge_shards(&merged, roll.rows, roll.n, two, 1);
	assert_same(&one, &merged, &g.rules);
	check_against_gold(&merged, &g, 1);
	ps_roster_release(&merged);

	merge_shards(&merged, roll.rows, roll.n, three, 2);
	assert_same(&one, &merged, &g.rules);
	ps_roster_release(&merged);

	/* shuffled rows in three shards: the same facts, participant by participant */
	shuffle(roll.rows, roll.n, 42);
	merge_shards(&merged, roll.rows, roll.n, three, 2);
	check_against_gold(&merged, &g, 0);
	ps_roster_release(&merged);

	ps_roster_release(&one);
	free_roll(&roll);
	free_gold(&g);
}
END_TEST

/* Rows "id,cohort,site,date,attended,enrolled_on" separated by ';' into r (and copy, unless NULL). */
static void add_listed_rows(struct ps_roster *r, struct ps_roster *copy, const char *rows)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", rows);
	for (char *save = NULL, *line = strtok_r(buf, ";", &save); line; line = strtok_r(NULL, ";", &save)) {
		char *f[6];
		ck_assert_uint_eq(split(line, f, 6), 6);
		struct trow t = { 0, f[0], f[1], is_na(f[2]) ? NULL : f[2], parse_day(f[3]),
				  is_na(f[5]) ? PS_ROSTER_NO_DAY : parse_day(f[5]), f[4][0] == '1' };
		ck_assert_int_eq(add_row(r, &t, NULL), PS_OK);
		if (copy)
			ck_assert_int_eq(add_row(copy, &t, NULL), PS_OK);
	}
}

/* Rows from .. to - 1 into a fresh roster. */
static void feed_range(struct ps_roster *r, const struct trow *rows, size_t from, size_t to)
{
	ps_roster_init(r, PS_ROSTER_NO_DAY);
	for (size_t i = from; i < to; i++)
		ck_loop_assert(add_row(r, &rows[i], NULL) == PS_OK);
}

/*
 * Rows cut at cut into two halves: the facts of the linked pair (ps_roster_pair_finish) equal
 * those of ps_roster_merge + ps_roster_finish, record for record, labels included.
 */
static void assert_pair_equals_merge(const struct trow *rows, size_t n, size_t cut, const struct ps_roster_rules *rules)
{
	struct ps_roster merged, half, first, second;
	struct ps_roster_pair pair;
	struct ps_participant_facts *fm, *fp;
	size_t nm, np;
	int32_t as_of_m, as_of_p;
	feed_range(&merged, rows, 0, cut);
	feed_range(&half, rows, cut, n);
	ck_assert_int_eq(ps_roster_merge(&merged, &half, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_finish(&merged, rules, &fm, &nm, &as_of_m, NULL), PS_OK);
	feed_range(&first, rows, 0, cut);
	feed_range(&second, rows, cut, n);
	ck_assert_int_eq(ps_roster_pair_link(&pair, &first, &second, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_pair_finish(&pair, rules, &fp, &np, &as_of_p, NULL), PS_OK);
	ck_assert_uint_eq(nm, np);
	ck_assert_int_eq(as_of_m, as_of_p);
	ck_assert_uint_eq(ps_roster_count(&first) + pair.nfresh, nm);
	ck_assert_uint_eq(merged.cohorts.count, first.cohorts.count);
	ck_assert_uint_eq(merged.sites.count, first.sites.count);
	for (size_t i = 0; i < merged.cohorts.count; i++)
		ck_assert_str_eq(ps_strmap_key(&merged.cohorts, i), ps_strmap_key(&first.cohorts, i));
	for (size_t i = 0; i < merged.sites.count; i++)
		ck_assert_str_eq(ps_strmap_key(&merged.sites, i), ps_strmap_key(&first.sites, i));
	size_t differ = 0, first_differ = 0;
	for (size_t i = 0; i < nm; i++) {
		if (memcmp(&fm[i], &fp[i], sizeof(fm[i])) != 0 && differ++ == 0)
			first_differ = i;
	}
	ck_assert_msg(differ == 0, "%zu participants differ, the first at %zu", differ, first_differ);
	/* the hash is SipHash-2-4 of the id */
	ck_assert(fm[0].id_hash == ps_id_hash(ps_strmap_key(&merged.ids, 0), ps_strmap_key_len(&merged.ids, 0)));
	free(fp);
	/* absorbed into one roster: the merged roster's facts again, record for record */
	ck_assert_int_eq(ps_roster_pair_absorb(&pair, NULL), PS_OK);
	ps_roster_pair_release(&pair);
	ps_roster_release(&second);
	ck_assert_uint_eq(ps_roster_count(&first), nm);
	ck_assert_uint_eq(first.rows, merged.rows);
	ck_assert_int_eq(ps_roster_finish(&first, rules, &fp, &np, &as_of_p, NULL), PS_OK);
	ck_assert_uint_eq(np, nm);
	for (size_t i = 0; i < nm; i++) {
		ck_assert_str_eq(ps_strmap_key(&merged.ids, i), ps_strmap_key(&first.ids, i));
		ck_loop_assert(memcmp(&fm[i], &fp[i], sizeof(fm[i])) == 0);
	}
	free(fm);
	free(fp);
	ps_roster_release(&merged);
	ps_roster_release(&half);
	ps_roster_release(&first);
	ps_roster_release(&second);
}

START_TEST(pair_equals_merge_study)
{
	struct gold g;
	struct troll roll;
	load_gold("study", &g);
	load_roll(g.input, &roll);
	assert_pair_equals_merge(roll.rows, roll.n, 5003, &g.rules); /* a participant split at the cut */
	assert_pair_equals_merge(roll.rows, roll.n, 0, &g.rules);
	assert_pair_equals_merge(roll.rows, roll.n, roll.n, &g.rules);
	shuffle(roll.rows, roll.n, 7);
	assert_pair_equals_merge(roll.rows, roll.n, roll.n / 2, NULL);
	free_roll(&roll);
	free_gold(&g);
}
END_TEST

/*
 * Large enough (over 65 536 participants in each part) for the link and the facts to run in
 * two threads: grouped rows cut inside a participant, then shuffled rows (almost everyone in
 * both parts). Labels: a cohort and a site that first appear in the second part.
 */
START_TEST(pair_equals_merge_two_threads)
{
	const size_t people = 140000, per = 5;
	struct trow *rows = malloc(people * per * sizeof(*rows));
	char *ids = malloc(people * 8);
	static char *cohorts[] = { "peer", "therapy_only", "late_cohort" };
	static char *sites[] = { "north", "south", "east", "west_late" };
	ck_assert(rows && ids);
	size_t n = 0;
	for (size_t i = 0; i < people; i++) {
		char *id = ids + i * 8;
		snprintf(id, 8, "S%06zu", i);
		int late = i >= people * 3 / 4;
		for (size_t k = 0; k < per - i % 3; k++) {
			struct trow t = { n + 2, id, cohorts[late ? 2 : i % 2],
					  i % 11 == 0 ? NULL : sites[late && i % 5 == 0 ? 3 : i % 3],
					  (int32_t)(19700 + i % 90 + 7 * (int32_t)k), PS_ROSTER_NO_DAY, (i * 7 + k) % 3 != 0 };
			rows[n++] = t;
		}
	}
	assert_pair_equals_merge(rows, n, n / 2 + 1, NULL);
	shuffle(rows, n, 11);
	assert_pair_equals_merge(rows, n, n / 2, NULL);
	free(rows);
	free(ids);
}
END_TEST

/* A link that breaks a rule says which, as ps_roster_merge does. */
static void expect_link_reject(const char *rows_a, const char *rows_b, enum ps_roster_rule rule)
{
	struct ps_roster a, b;
	struct ps_roster_pair pair;
	struct ps_error err;
	const char *sets[2] = { rows_a, rows_b };
	struct ps_roster *rs[2] = { &a, &b };
	for (int k = 0; k < 2; k++) {
		ps_roster_init(rs[k], PS_ROSTER_NO_DAY);
		add_listed_rows(rs[k], NULL, sets[k]);
	}
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_pair_link(&pair, &a, &b, &err), PS_EDATA);
	ck_assert_int_eq(a.broken, rule);
	ck_assert(err.message[0] != '\0');
	ps_roster_pair_release(&pair);
	ps_roster_release(&a);
	ps_roster_release(&b);
}

START_TEST(pair_link_checks_rules_across_parts)
{
	expect_link_reject("Q1,peer,north,2024-03-01,1,NA;Q1,peer,north,2024-03-08,0,NA",
			   "Q2,peer,north,2024-03-01,1,NA;Q1,peer,north,2024-03-08,1,NA", PS_ROSTER_RULE_DUPLICATE);
	expect_link_reject("Q1,peer,north,2024-03-01,1,NA", "Q2,x,north,2024-03-01,1,NA;Q1,x,north,2024-03-08,1,NA",
			   PS_ROSTER_RULE_COHORT);
	expect_link_reject("Q1,peer,north,2024-03-01,1,NA", "Q1,peer,NA,2024-03-08,1,NA", PS_ROSTER_RULE_SITE);
	expect_link_reject("Q1,peer,north,2024-03-01,1,2024-02-01", "Q1,peer,north,2024-03-08,1,2024-02-02",
			   PS_ROSTER_RULE_ENROLLED);
	expect_link_reject("Q1,peer,north,2024-03-08,1,2024-03-05", "Q1,peer,north,2024-03-01,1,NA",
			   PS_ROSTER_RULE_BEFORE_ENROL);
}
END_TEST

/* A merge that breaks a rule leaves dst exactly as it was. */
static void expect_merge_reject(const char *rows_a, const char *rows_b, enum ps_roster_rule rule)
{
	struct ps_roster a, b, copy;
	struct ps_error err;
	const char *sets[2] = { rows_a, rows_b };
	struct ps_roster *rs[2] = { &a, &b };
	ps_roster_init(&copy, PS_ROSTER_NO_DAY);
	for (int k = 0; k < 2; k++) {
		ps_roster_init(rs[k], PS_ROSTER_NO_DAY);
		add_listed_rows(rs[k], k == 0 ? &copy : NULL, sets[k]);
	}
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_merge(&a, &b, &err), PS_EDATA);
	ck_assert_int_eq(a.broken, rule);
	ck_assert(err.message[0] != '\0');
	ck_assert_ptr_null(strstr(err.message, "Q1"));
	ck_assert_uint_eq(ps_roster_count(&a), ps_roster_count(&copy));
	assert_same(&a, &copy, NULL);
	ps_roster_release(&a);
	ps_roster_release(&b);
	ps_roster_release(&copy);
}

START_TEST(merge_checks_rules_across_shards)
{
	/* id,cohort,site,date,attended,enrolled_on; rows separated by ';' */
	expect_merge_reject("Q1,peer,north,2024-03-01,1,NA;Q1,peer,north,2024-03-08,0,NA",
			    "Q2,peer,north,2024-03-01,1,NA;Q1,peer,north,2024-03-08,1,NA", PS_ROSTER_RULE_DUPLICATE);
	expect_merge_reject("Q1,peer,north,2024-03-01,1,NA", "Q2,x,north,2024-03-01,1,NA;Q1,x,north,2024-03-08,1,NA",
			    PS_ROSTER_RULE_COHORT);
	expect_merge_reject("Q1,peer,north,2024-03-01,1,NA", "Q1,peer,NA,2024-03-08,1,NA", PS_ROSTER_RULE_SITE);
	expect_merge_reject("Q1,peer,NA,2024-03-01,1,NA", "Q1,peer,south,2024-03-08,1,NA", PS_ROSTER_RULE_SITE);
	expect_merge_reject("Q1,peer,north,2024-03-01,1,2024-02-01", "Q1,peer,north,2024-03-08,1,2024-02-02",
			    PS_ROSTER_RULE_ENROLLED);
	expect_merge_reject("Q1,peer,north,2024-03-01,1,NA", "Q1,peer,north,2024-03-08,1,2024-03-05",
			    PS_ROSTER_RULE_BEFORE_ENROL);
	expect_merge_reject("Q1,peer,north,2024-03-08,1,2024-03-05", "Q1,peer,north,2024-03-01,1,NA",
			    PS_ROSTER_RULE_BEFORE_ENROL);

	/* a split participant with enrolled_on in one part only is fine, either way round */
	struct ps_roster a, b;
	ps_roster_init(&a, PS_ROSTER_NO_DAY);
	ps_roster_init(&b, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_add(&a, "Q1", 2, "peer", 4, NULL, 0, parse_day("2024-03-08"), 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&b, "Q1", 2, "peer", 4, NULL, 0, parse_day("2024-03-15"), 1, parse_day("2024-03-01"), NULL), PS_OK);
	ck_assert_int_eq(ps_roster_merge(&a, &b, NULL), PS_OK);
	struct ps_participant_facts *f;
	size_t n;
	ck_assert_int_eq(ps_roster_finish(&a, NULL, &f, &n, NULL, NULL), PS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(f[0].enrolled_on, parse_day("2024-03-01"));
	ck_assert_int_eq(f[0].retention_days, 14);
	ck_assert_uint_eq(f[0].sessions_scheduled, 2);
	free(f);
	ps_roster_release(&a);
	ps_roster_release(&b);

	/* a shard with sessions after dst's as-of date */
	ps_roster_init(&a, parse_day("2024-03-31"));
	ps_roster_init(&b, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_add(&b, "Q1", 2, "peer", 4, NULL, 0, parse_day("2024-04-01"), 1, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_merge(&a, &b, NULL), PS_EDATA);
	ck_assert_int_eq(a.broken, PS_ROSTER_RULE_AFTER_AS_OF);
	ck_assert_uint_eq(ps_roster_count(&a), 0);
	/* an empty shard changes nothing; merging into an empty roster copies */
	ps_roster_release(&a);
	ps_roster_init(&a, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_merge(&b, &a, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_merge(&a, &b, NULL), PS_OK);
	assert_same(&a, &b, NULL);
	ps_roster_release(&a);
	ps_roster_release(&b);
}
END_TEST

START_TEST(finish_checks_as_of_and_rules)
{
	struct ps_roster r;
	struct ps_participant_facts *f = (struct ps_participant_facts *)&r; /* must be reset to NULL */
	size_t n = 99;
	struct ps_error err;
	int32_t as_of = 0;
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_finish(&r, NULL, &f, &n, &as_of, &err), PS_OK);
	ck_assert_ptr_null(f);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(as_of, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_latest_day(&r), PS_ROSTER_NO_DAY);

	ck_assert_int_eq(ps_roster_add(&r, "Z1", 2, "peer", 4, NULL, 0, parse_day("2024-05-01"), 1, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "Z2", 2, "peer", 4, NULL, 0, parse_day("2024-04-01"), 1, PS_ROSTER_NO_DAY, NULL), PS_OK);
	struct ps_roster_rules rules = ps_roster_rules_default();
	rules.as_of = parse_day("2024-04-30");
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &f, &n, NULL, &err), PS_EDATA);
	ck_assert_int_eq(r.broken, PS_ROSTER_RULE_AFTER_AS_OF);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err.value, "2024-05-01");
	ck_assert_ptr_nonnull(strstr(err.message, "1 participant has"));

	rules.as_of = PS_ROSTER_NO_DAY;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &f, &n, &as_of, NULL), PS_OK);
	ck_assert_int_eq(as_of, parse_day("2024-05-01"));
	ck_assert_int_eq(f[1].observed_days, 30);
	free(f);

	rules.dropout_gap_days = -1;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &f, &n, NULL, NULL), PS_EUSAGE);
	rules = ps_roster_rules_default();
	rules.engaged_min = 0;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &f, &n, NULL, NULL), PS_EUSAGE);
	rules = ps_roster_rules_default();
	rules.engaged_window_days = 0;
	ck_assert_int_eq(ps_roster_finish(&r, &rules, &f, &n, NULL, NULL), PS_EUSAGE);
	ck_assert_ptr_null(f);

	/* a day outside ps_parse_date's range is a caller's bug */
	ck_assert_int_eq(ps_roster_add(&r, "Z3", 2, "peer", 4, NULL, 0, INT32_MAX, 1, PS_ROSTER_NO_DAY, NULL), PS_EINTERNAL);
	ck_assert_uint_eq(ps_roster_count(&r), 2);
	ps_roster_release(&r);
}
END_TEST

START_TEST(messages_name_the_rule_not_the_participant)
{
	struct ps_roster r;
	struct ps_error err;
	int32_t d = parse_day("2024-03-01");
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_add(&r, "SECRET", 6, "peer", 4, "north", 5, d, 1, PS_ROSTER_NO_DAY, &err), PS_OK);
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_add(&r, "SECRET", 6, "peer", 4, "north", 5, d, 0, PS_ROSTER_NO_DAY, &err), PS_EDATA);
	ck_assert_str_eq(err.value, "2024-03-01");
	ck_assert_ptr_nonnull(strstr(err.message, "duplicate session"));
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_add(&r, "SECRET", 6, "therapy_only", 12, "north", 5, d + 7, 0, PS_ROSTER_NO_DAY, &err), PS_EDATA);
	ck_assert_str_eq(err.message, "participant is already listed under cohort 'peer'");
	ck_assert_str_eq(err.value, "therapy_only");
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_add(&r, "SECRET", 6, "peer", 4, NULL, 0, d + 7, 0, PS_ROSTER_NO_DAY, &err), PS_EDATA);
	ck_assert_str_eq(err.message, "participant is already listed under site 'north'");
	ps_error_clear(&err);
	ck_assert_int_eq(ps_roster_add(&r, "SECRET", 6, "peer", 4, "north", 5, d + 7, 0, d + 1, &err), PS_EDATA);
	ck_assert_int_eq(r.broken, PS_ROSTER_RULE_BEFORE_ENROL);
	ck_assert_str_eq(err.expected, "a date on or before the participant's first session 2024-03-01");
	ck_assert_ptr_null(strstr(err.message, "SECRET"));
	ck_assert_uint_eq(r.rows, 1);
	ps_roster_release(&r);
}
END_TEST

/*
 * The generator's own truth (scripts/gen_study.py, summary in datasets/README.md, "Realised
 * sample"): 302 peer and 298 therapy_only participants, 6545 and 5460 scheduled sessions, and
 *   completed (the roll ran all 26 weeks):             168 and  94
 *   discharged (stopped before week 26 and the extract): 105 and 181
 *   on roll (cut by the extract):                       29 and  23
 * From the roll alone a discharge that falls exactly on the extract's week looks like a cut
 * roll, so discharged lies between the rolls that visibly stopped early and those plus the cut
 * rolls ending in six unattended weeks. Every discharged participant has six unattended weeks
 * at the end of the roll, so every visible one must be a dropout here.
 */
START_TEST(study_matches_generator_truth)
{
	struct troll roll;
	struct ps_roster r;
	load_roll("datasets/attendance.csv", &roll);
	ps_roster_init(&r, parse_day("2025-04-30"));
	for (size_t i = 0; i < roll.n; i++)
		ck_assert_int_eq(add_row(&r, &roll.rows[i], NULL), PS_OK);
	struct ps_participant_facts *f;
	size_t n;
	int32_t as_of;
	ck_assert_int_eq(ps_roster_finish(&r, NULL, &f, &n, &as_of, NULL), PS_OK);
	ck_assert_int_eq(as_of, parse_day("2025-04-30"));
	size_t peer;
	ck_assert(ps_strmap_find(&r.cohorts, "peer", 4, &peer));
	unsigned long people[2] = { 0 }, sessions[2] = { 0 }, attended[2] = { 0 };
	unsigned long full[2] = { 0 }, stopped[2] = { 0 }, cut[2] = { 0 }, cut_idle[2] = { 0 };
	for (size_t i = 0; i < n; i++) {
		int k = f[i].cohort == peer ? 0 : 1;
		people[k]++;
		sessions[k] += f[i].sessions_scheduled;
		attended[k] += f[i].sessions_attended;
		/* rows the roll would have without dropout: 26, or fewer when the extract cuts it */
		int64_t window = (as_of - f[i].enrolled_on) / 7 + 1;
		if (window > 26)
			window = 26;
		int idle6 = f[i].sessions_scheduled >= 6 &&
			    f[i].end_on - (f[i].never_attended ? f[i].enrolled_on - 7 : f[i].last_attended_on) >= 42;
		if (f[i].sessions_scheduled == 26) {
			full[k]++;
		} else if (f[i].sessions_scheduled < window) {
			stopped[k]++;
			ck_assert(idle6);
			ck_assert(f[i].dropped_out);
		} else {
			ck_assert_int_eq(f[i].sessions_scheduled, window);
			cut[k]++;
			cut_idle[k] += idle6;
		}
	}
	static const unsigned long want_people[2] = { 302, 298 }, want_sessions[2] = { 6545, 5460 };
	static const unsigned long completed[2] = { 168, 94 }, discharged[2] = { 105, 181 }, on_roll[2] = { 29, 23 };
	for (int k = 0; k < 2; k++) {
		ck_assert_uint_eq(people[k], want_people[k]);
		ck_assert_uint_eq(sessions[k], want_sessions[k]);
		ck_assert_uint_eq(full[k], completed[k]);
		ck_assert_uint_eq(stopped[k] + cut[k], discharged[k] + on_roll[k]);
		ck_assert_uint_le(stopped[k], discharged[k]);
		ck_assert_uint_ge(stopped[k] + cut_idle[k], discharged[k]);
	}
	/* the README's attended shares, 0.7609 and 0.5676, to its 4 decimals */
	ck_assert_double_eq_tol((double)attended[0] / (double)sessions[0], 0.7609, 0.00005);
	ck_assert_double_eq_tol((double)attended[1] / (double)sessions[1], 0.5676, 0.00005);
	free(f);
	ps_roster_release(&r);
	free_roll(&roll);
}
END_TEST

static Suite *roster_suite(void)
{
	Suite *s = suite_create("roster");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, rules_roll);
	tcase_add_test(tc, no_attended_or_site_column);
	tcase_add_test(tc, enrolled_on_column);
	tcase_add_test(tc, rejected_rows_leave_no_trace);
	tcase_add_test(tc, as_of_known_at_add_time);
	tcase_add_test(tc, hand_checked_boundaries);
	tcase_add_test(tc, messages_name_the_rule_not_the_participant);
	tcase_add_test(tc, finish_checks_as_of_and_rules);
	tcase_add_test(tc, merge_checks_rules_across_shards);
	tcase_add_test(tc, pair_link_checks_rules_across_parts);
	tcase_add_test(tc, pair_equals_merge_study);
	tcase_add_test(tc, pair_equals_merge_two_threads);
	tcase_add_test(tc, study_in_order);
	tcase_add_test(tc, study_other_rules);
	tcase_add_test(tc, study_early_as_of);
	tcase_add_test(tc, study_shuffled);
	tcase_add_test(tc, study_merged_shards);
	tcase_add_test(tc, study_matches_generator_truth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(roster_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
