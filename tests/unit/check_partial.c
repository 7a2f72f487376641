/*
 * Unit tests for the id hash (idhash.c), the partial-summary record of a roster participant
 * (roster_partial.c), the records of the waves commands (waves_input.c) and the recorded
 * options (partial_io.c). SipHash-2-4 vectors are those of the reference implementation's test
 * program (Aumasson and Bernstein, key 00..0f, message 00..len-1); the roster record round trip
 * is checked against the facts of the roster it came from, the waves round trip against the
 * table one pass over the same rows gives.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peerstat/idhash.h"
#include "peerstat/parse.h"
#include "peerstat/roster.h"
#include "golden.h"

#include "../../toolkit/cmd/common.c"
#include "../../toolkit/cmd/partial_io.c"
#include "../../toolkit/cmd/waves_input.c"

START_TEST(siphash_reference_vectors)
{
	unsigned char key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	ck_assert_uint_eq(ps_siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(ps_siphash24(key, msg, 15), 0xa129ca6149be45e5ULL); /* vectors[15]: e5 45 be 49 61 ca 29 a1 */
	ck_assert_uint_eq(ps_siphash24(key, msg, 8), 0x93f5f5799a932462ULL);  /* vectors[8]: 62 24 93 9a 79 f5 f5 93 */
}
END_TEST

START_TEST(id_hash_hex_round_trip)
{
	char hex[17];
	uint64_t h = ps_id_hash("P0001", 5), back;
	ck_assert_str_eq(ps_id_hash_hex(h, hex), "99ae4ca4c33b5776"); /* the key "peerstat-id-v1\0\0" */
	ck_assert_int_eq(ps_id_hash_parse(hex, 16, &back), 1);
	ck_assert_uint_eq(back, h);
	ck_assert_int_eq(ps_id_hash_parse("99AE4CA4C33B5776", 16, &back), 0);
	ck_assert_int_eq(ps_id_hash_parse("99ae4ca4c33b577", 15, &back), 0);
	ck_assert_uint_ne(ps_id_hash("P0001", 5), ps_id_hash("P0002", 5));
}
END_TEST

static int32_t day(const char *iso)
{
	int32_t d;
	ck_assert(ps_parse_date(iso, strlen(iso), PS_DATE_ISO, &d, NULL));
	return d;
}

START_TEST(record_format_is_documented_layout)
{
	struct ps_roster r;
	char *line;
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	int32_t d0 = day("2024-01-01");
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0 + 7, 1, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "A", 1, "peer", 4, NULL, 0, d0 + 1, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_person_format(&r, 0, "k", 1, &line), PS_OK);
	/* days 0, 1, 7 from the first: digit 0 = 1 + 2, digit 1 = 8; attended day 7 only */
	ck_assert_str_eq(line, "[\"k\",\"peer\",null,null,\"2024-01-01\",\"38\",\"08\"]");
	free(line);
	ps_roster_release(&r);
}
END_TEST

static void facts_equal(struct ps_roster *a, struct ps_roster *b)
{
	struct ps_participant_facts *fa, *fb;
	size_t na, nb;
	ck_assert_int_eq(ps_roster_finish(a, NULL, &fa, &na, NULL, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_finish(b, NULL, &fb, &nb, NULL, NULL), PS_OK);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		size_t j;
		/* b read the partial of a: its keys are the hashes of a's ids, its facts the same hashes */
		char key[17];
		ps_id_hash_hex(ps_id_hash(ps_strmap_key(&a->ids, i), ps_strmap_key_len(&a->ids, i)), key);
		ck_assert(ps_strmap_find(&b->ids, key, 16, &j));
		ck_assert(fa[i].id_hash == fb[j].id_hash);
		ck_assert_str_eq(ps_strmap_key(&a->cohorts, fa[i].cohort), ps_strmap_key(&b->cohorts, fb[j].cohort));
		ck_assert_int_eq(fa[i].site < 0, fb[j].site < 0);
		ck_assert_int_eq(fa[i].enrolled_on, fb[j].enrolled_on);
		ck_assert_int_eq(fa[i].enrolled_from_column, fb[j].enrolled_from_column);
		ck_assert_int_eq(fa[i].end_on, fb[j].end_on);
		ck_assert_uint_eq(fa[i].sessions_scheduled, fb[j].sessions_scheduled);
		ck_assert_uint_eq(fa[i].sessions_attended, fb[j].sessions_attended);
		ck_assert_int_eq(fa[i].first_attended_on, fb[j].first_attended_on);
		ck_assert_int_eq(fa[i].last_attended_on, fb[j].last_attended_on);
		ck_assert_uint_eq(fa[i].window_attended, fb[j].window_attended);
		ck_assert_int_eq(fa[i].dropped_out, fb[j].dropped_out);
		ck_assert_int_eq(fa[i].completed, fb[j].completed);
	}
	ck_assert_int_eq(ps_roster_latest_day(a), ps_roster_latest_day(b));
	free(fa);
	free(fb);
}

START_TEST(record_round_trip_gives_the_same_facts)
{
	struct ps_roster r, back;
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ps_roster_init(&back, PS_ROSTER_NO_DAY);
	int32_t d0 = day("2023-12-30");
	/* B: weekly for two years (a heap day set), every third attended, enrolled before */
	for (int w = 0; w < 104; w++)
		ck_assert_int_eq(ps_roster_add(&r, "B", 1, "therapy_only", 12, "north", 5, d0 + 7 * w, w % 3 == 0, d0 - 3, NULL),
				 PS_OK);
	/* C: never attended, no site; D: one session */
	ck_assert_int_eq(ps_roster_add(&r, "C", 1, "peer", 4, NULL, 0, d0 + 5, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "C", 1, "peer", 4, NULL, 0, d0 + 90, 0, PS_ROSTER_NO_DAY, NULL), PS_OK);
	ck_assert_int_eq(ps_roster_add(&r, "D", 1, "peer", 4, "a \"quoted\", site", 17, d0 + 1, 1, PS_ROSTER_NO_DAY, NULL),
			 PS_OK);
	for (size_t i = 0; i < ps_roster_count(&r); i++) {
		char *line;
		char key[17];
		ps_id_hash_hex(ps_id_hash(ps_strmap_key(&r.ids, i), 1), key);
		ck_assert_int_eq(ps_roster_person_format(&r, i, key, 16, &line), PS_OK);
		ck_assert_int_eq(ps_roster_person_parse(&back, line, strlen(line), NULL), PS_OK);
		free(line);
	}
	facts_equal(&r, &back);
	ps_roster_release(&r);
	ps_roster_release(&back);
}
END_TEST

START_TEST(parse_refuses_bad_records)
{
	static const char *bad[] = {
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"38\"]",                 /* 6 items */
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"38\",\"04\"]",          /* attended, not scheduled */
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"380\",\"\"]",           /* trailing zero digit */
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"28\",\"\"]",            /* does not start at FIRST */
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"3G\",\"\"]",            /* not hex */
		"[\"00000000000000aa\",\"peer\",null,\"2024-01-05\",\"2024-01-01\",\"1\",\"\"]",   /* a session before enrolment */
		"[\"\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]",              /* empty key */
		"[\"00000000000000aa\",\"peer\",null,null,\"2024-02-30\",\"1\",\"\"]",             /* no such day */
		"[\"P0001\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]",         /* a raw id, not a key */
		"[\"00000000000000AA\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]", /* upper case: another key */
		"[\"00000000000000a\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]",  /* 15 digits */
		"{\"k\":1}", "not json",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ps_roster r;
		struct ps_error err;
		ps_roster_init(&r, PS_ROSTER_NO_DAY);
		ps_error_clear(&err);
		ck_assert_msg(ps_roster_person_parse(&r, bad[i], strlen(bad[i]), &err) == PS_EDATA, "accepted: %s", bad[i]);
		ck_assert(err.message[0]);
		ps_roster_release(&r);
	}
	/* the same key twice in one partial */
	struct ps_roster r;
	const char *ok = "[\"00000000000000aa\",\"peer\",null,null,\"2024-01-01\",\"1\",\"\"]";
	const char *again = "[\"00000000000000aa\",\"peer\",null,null,\"2024-01-02\",\"1\",\"\"]";
	ps_roster_init(&r, PS_ROSTER_NO_DAY);
	ck_assert_int_eq(ps_roster_person_parse(&r, ok, strlen(ok), NULL), PS_OK);
	ck_assert_int_eq(ps_roster_person_parse(&r, again, strlen(again), NULL), PS_EDATA);
	ps_roster_release(&r);
}
END_TEST

/* A temporary file holding text; its name into path (64 bytes). */
static void temp_file(char *path, const char *text)
{
	test_temp_file(path, "/tmp/check_partial_XXXXXX", text);
}

/* The sobriety-like columns: abstinent (yes/no), days_used (0..30), a score (any number). */
static void waves_setup(struct ps_common *common, struct ps_waves *w, const char *output)
{
	ck_assert_int_eq(ps_common_init(common, "sobriety", ""), PS_OK);
	common->output = output;
	ps_waves_init(w);
	w->value[0] = (struct ps_field_spec){ "abstinence flag", "abstinent", "--abstinent", PS_TYPE_BOOL, 1, 0, 1, 0 };
	w->value[1] = (struct ps_field_spec){ "days used", "days_used", "--days-used", PS_TYPE_INT, 1, 0, 0, 30 };
	w->value[2] = (struct ps_field_spec){ "score", "score", "--score", PS_TYPE_NUMBER, 1, 0, 1, 0 };
	w->nvalues = 3;
	w->groups.ignore_other = 1;
}

/* Write the partial of text (a CSV) and feed its record lines to the merge state m. */
static void partial_into(void *m, const char *text, char *written, size_t size)
{
	char in[64], out[64];
	struct ps_common common;
	struct ps_waves w;
	struct ps_partial_options none;
	temp_file(in, text);
	temp_file(out, "");
	waves_setup(&common, &w, out);
	ps_partial_options_init(&none);
	ck_assert_int_eq(ps_waves_write_partial(&w, &common, in, &none), PS_OK);
	FILE *fp = fopen(out, "r");
	ck_assert_ptr_nonnull(fp);
	size_t len = fread(written, 1, size - 1, fp);
	written[len] = '\0';
	fclose(fp);
	for (char *line = strchr(written, '\n') + 1, *end; (end = strchr(line, '\n')); line = end + 1)
		if (line[0] == '[')
			ck_assert_int_eq(ps_waves_merge_record(m, line, (size_t)(end - line), NULL), PS_OK);
	ck_assert_int_eq(ps_waves_merge_end(m, NULL), PS_OK);
	unlink(in);
	unlink(out);
	ps_waves_release(&w);
	ps_common_release(&common);
}

#define HEADER "participant_id,cohort,site,wave,assessed_on,abstinent,days_used,score\n"
/* A (peer) split between the parts with a blank cohort and site on its follow-up (REDCap),
 * B (control) whole, O of an ignored cohort split too, U never named */
static const char part1[] = HEADER
	"A,peer,north,baseline,2024-01-10,yes,0,53.20\n"
	"O,other,east,baseline,2024-01-01,no,3,1\n"
	"B,therapy_only,south,baseline,2024-02-01,no,4,0.1\n"
	"B,therapy_only,south,3m,2024-05-01,yes,0,1e-3\n";
static const char part2[] = HEADER
	"A,,,3m,2024-04-10,NA,12,47.2\n"
	"O,,,3m,2024-04-01,yes,0,2\n"
	"U,,,baseline,2024-03-01,no,1,3\n";

START_TEST(waves_record_round_trip_gives_the_same_table)
{
	char whole[64], written[4096];
	struct ps_common common;
	struct ps_waves one, merged;
	temp_file(whole, HEADER "A,peer,north,baseline,2024-01-10,yes,0,53.20\n"
			     "O,other,east,baseline,2024-01-01,no,3,1\n"
			     "B,therapy_only,south,baseline,2024-02-01,no,4,0.1\n"
			     "B,therapy_only,south,3m,2024-05-01,yes,0,1e-3\n"
			     "A,,,3m,2024-04-10,NA,12,47.2\n"
			     "O,,,3m,2024-04-01,yes,0,2\n"
			     "U,,,baseline,2024-03-01,no,1,3\n");
	waves_setup(&common, &one, NULL);
	ck_assert_int_eq(ps_waves_read(&one, &common, whole), PS_OK);
	unlink(whole);
	ps_common_release(&common);

	void *m = ps_waves_merge_create();
	partial_into(m, part2, written, sizeof(written));
	partial_into(m, part1, written, sizeof(written));
	/* the documented layout: no ids, the values' text as read */
	ck_assert_ptr_null(strstr(written, "\"A\""));
	ck_assert_ptr_nonnull(strstr(written, "[2,\"2024-01-10\",\"yes\",\"0\",\"53.20\"]"));
	ck_assert_ptr_nonnull(strstr(written, "\"other\",null,1]"));
	char hex[17];
	ps_id_hash_hex(ps_id_hash("A", 1), hex);
	ck_assert_ptr_nonnull(strstr(written, hex));

	const char *files[2] = { "part2", "part1" };
	struct ps_partial_meta meta = { "(merged)", 7, 0, 1, { PS_ON_ERROR_STOP, 0, 0, { { 0 } } }, files, 2 };
	struct ps_waves_pre pre = { m, &meta };
	waves_setup(&common, &merged, NULL);
	merged.pre = &pre;
	ck_assert_int_eq(ps_waves_read(&merged, &common, NULL), PS_OK);
	ps_common_release(&common);

	ck_assert_uint_eq(merged.nparticipants, one.nparticipants);
	ck_assert_uint_eq(merged.nparticipants, 2);
	ck_assert_uint_eq(merged.nwaves, one.nwaves);
	ck_assert_uint_eq(merged.other_participants, one.other_participants);
	ck_assert_uint_eq(merged.unnamed_participants, one.unnamed_participants);
	ck_assert_uint_eq(merged.groups.other_rows, one.groups.other_rows);
	ck_assert_uint_eq(merged.groups.other_rows, 2);
	ck_assert_uint_eq(merged.groups.missing_rows, one.groups.missing_rows);
	ck_assert_uint_eq(merged.baseline, one.baseline);
	for (size_t p = 0; p < one.nparticipants; p++) {
		ck_assert_str_eq(ps_strmap_key(&merged.ids, p), ps_id_hash_hex(ps_id_hash(ps_strmap_key(&one.ids, p),
											  ps_strmap_key_len(&one.ids, p)), hex));
		ck_assert_int_eq(merged.group[p], one.group[p]);
		ck_assert_str_eq(ps_strmap_key(&merged.sites, merged.site[p]), ps_strmap_key(&one.sites, one.site[p]));
		for (size_t k = 0; k < one.nwaves; k++) {
			size_t cell = ps_waves_cell(&one, p, k);
			ck_assert_str_eq(ps_strmap_key(&merged.labels, k), ps_strmap_key(&one.labels, k));
			ck_assert_int_eq(merged.present[cell], one.present[cell]);
			ck_assert_int_eq(merged.assessed_on[cell], one.assessed_on[cell]);
			for (size_t v = 0; v < 3; v++) {
				double a = ps_waves_value(&merged, p, k, v), b = ps_waves_value(&one, p, k, v);
				ck_assert(isnan(a) == isnan(b));
				ck_assert(isnan(a) || memcmp(&a, &b, sizeof(a)) == 0); /* bit for bit */
			}
		}
	}
	for (size_t k = 0; k < one.nwaves; k++)
		ck_assert_uint_eq(merged.wave_rows[k], one.wave_rows[k]);
	ps_waves_release(&one);
	ps_waves_release(&merged);
	ps_waves_merge_destroy(m);
}
END_TEST

/* Feed lines (NULL separates partials) to a fresh merge; the status of the last line fed. */
static enum ps_status feed(const char *const *lines, size_t n, char *message)
{
	void *m = ps_waves_merge_create();
	struct ps_error err;
	enum ps_status st = PS_OK;
	for (size_t i = 0; i < n && st == PS_OK; i++) {
		ps_error_clear(&err);
		st = lines[i] ? ps_waves_merge_record(m, lines[i], strlen(lines[i]), &err) : ps_waves_merge_end(m, &err);
	}
	snprintf(message, 256, "%s", st == PS_OK ? "" : err.message);
	ps_waves_merge_destroy(m);
	return st;
}

START_TEST(waves_refuses_bad_records_and_broken_rules)
{
	static const char *bad[] = {
		"[\"0123456789abcdef\",\"peer\",null]",                                   /* 3 items */
		"[\"0123456789ABCDEF\",\"peer\",null,{}]",                                /* not lowercase hex */
		"[\"P0001\",\"peer\",null,{}]",                                           /* an id, not a key */
		"[\"0123456789abcdef\",1,null,{}]",                                         /* cohort a number */
		"[\"0123456789abcdef\",\"peer\",null,[]]",                                /* waves an array */
		"[\"0123456789abcdef\",null,null,3]",                                       /* a count without a cohort */
		"[\"0123456789abcdef\",\"peer\",null,{\"b\":[0,null,\"1\"]}]",        /* line 0 */
		"[\"0123456789abcdef\",\"peer\",null,{\"b\":[2,\"2024-02-30\",\"1\"]}]", /* no such day */
		"[\"0123456789abcdef\",\"peer\",null,{\"b\":[2,null,1]}]",              /* a value not text */
		"[\"0123456789abcdef\",\"peer\",null,{\"b\":[2]}]",                     /* no date */
		"[\"0123456789abcdef\",\"peer\",null,{\"\":[2,null,\"1\"]}]",          /* an empty label */
		"{\"k\":1}", "not json",
	};
	char message[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(feed(&bad[i], 1, message) == PS_EDATA, "accepted: %s", bad[i]);
		ck_assert(message[0]);
	}
	/* two waves with another number of values */
	const char *arity[] = { "[\"0123456789abcdef\",\"peer\",null,{\"b\":[2,null,\"1\"],\"c\":[3,null,\"1\",\"2\"]}]" };
	ck_assert_int_eq(feed(arity, 1, message), PS_EDATA);
	/* the rules across parts, as in one pass */
	const char *dup[] = { "[\"0123456789abcdef\",\"peer\",null,{\"3m\":[2,null,\"1\"]}]", NULL,
			      "[\"0123456789abcdef\",null,null,{\"3m\":[7,null,\"2\"]}]" };
	ck_assert_int_eq(feed(dup, 3, message), PS_EDATA);
	ck_assert_str_eq(message, "duplicate wave: the participant has a row for wave '3m' in two parts of the input (one row per "
				  "participant and wave)");
	const char *cohorts[] = { "[\"0123456789abcdef\",\"peer\",null,{\"3m\":[2,null,\"1\"]}]", NULL,
				  "[\"0123456789abcdef\",\"therapy_only\",null,{\"6m\":[7,null,\"2\"]}]" };
	ck_assert_int_eq(feed(cohorts, 3, message), PS_EDATA);
	ck_assert_ptr_nonnull(strstr(message, "two cohorts"));
	const char *sites[] = { "[\"0123456789abcdef\",\"peer\",\"north\",{\"3m\":[2,null,\"1\"]}]", NULL,
				"[\"0123456789abcdef\",null,\"south\",{\"6m\":[7,null,\"2\"]}]" };
	ck_assert_int_eq(feed(sites, 3, message), PS_EDATA);
	ck_assert_ptr_nonnull(strstr(message, "two sites"));
	const char *twice[] = { "[\"0123456789abcdef\",\"peer\",null,{\"3m\":[2,null,\"1\"]}]",
				"[\"0123456789abcdef\",\"peer\",null,{\"6m\":[3,null,\"1\"]}]" };
	ck_assert_int_eq(feed(twice, 2, message), PS_EDATA);
	ck_assert_str_eq(message, "participant listed twice in one partial summary");
	/* the same in two parts, with blanks filled: fine; another cohort's rows are only counted */
	const char *fine[] = { "[\"0123456789abcdef\",\"peer\",\"north\",{\"3m\":[2,null,\"1\"]}]", NULL,
			       "[\"0123456789abcdef\",null,null,{\"6m\":[7,null,\"2\"]}]", NULL,
			       "[\"1123456789abcdef\",\"other\",null,2]", NULL,
			       "[\"1123456789abcdef\",null,null,{\"3m\":[1,null,\"2\"]}]",
			       "[\"2123456789abcdef\",\"other\",null,1]", NULL,
			       "[\"2123456789abcdef\",\"other\",null,1]" };
	ck_assert_int_eq(feed(fine, sizeof(fine) / sizeof(fine[0]), message), PS_OK);
}
END_TEST

START_TEST(recorded_options_are_canonical)
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 1 },   { "cohort", required_argument, NULL, 2 },
		{ "no-curve", no_argument, NULL, 3 },   { "value", required_argument, NULL, 4 },
		{ "group", required_argument, NULL, 2 }, /* a synonym */
		{ NULL, 0, NULL, 0 }
	};
	struct ps_partial_options a, b;
	ps_partial_options_init(&a);
	ps_partial_options_init(&b);
	/* --no-curve --value x --at 30 --group g --value y */
	ps_partial_options_note(&a, longopts, 2, 3, NULL);
	ps_partial_options_note(&a, longopts, 3, 4, "x");
	ps_partial_options_note(&a, longopts, 0, 1, "30");
	ps_partial_options_note(&a, longopts, 4, 2, "g");
	ps_partial_options_note(&a, longopts, 3, 4, "y");
	/* --value=x --cohort g --at=30 --value y --no-curve */
	ps_partial_options_note(&b, longopts, 3, 4, "x");
	ps_partial_options_note(&b, longopts, 1, 2, "g");
	ps_partial_options_note(&b, longopts, 0, 1, "30");
	ps_partial_options_note(&b, longopts, 3, 4, "y");
	ps_partial_options_note(&b, longopts, 2, 3, NULL);
	cJSON *ja = options_array(&a), *jb = options_array(&b);
	char *sa = cJSON_PrintUnformatted(ja), *sb = cJSON_PrintUnformatted(jb);
	ck_assert_str_eq(sa, "[\"--at\",\"30\",\"--cohort\",\"g\",\"--no-curve\",\"--value\",\"x\",\"--value\",\"y\"]");
	ck_assert_str_eq(sa, sb);
	free(sa);
	free(sb);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	/* a repeated option keeps its order: --value y --value x is another command line */
	ps_partial_options_release(&b);
	ps_partial_options_note(&b, longopts, 3, 4, "y");
	ps_partial_options_note(&b, longopts, 3, 4, "x");
	jb = options_array(&b);
	sb = cJSON_PrintUnformatted(jb);
	ck_assert_str_eq(sb, "[\"--value\",\"y\",\"--value\",\"x\"]");
	free(sb);
	cJSON_Delete(jb);
	ps_partial_options_release(&a);
	ps_partial_options_release(&b);
}
END_TEST

static Suite *partial_suite(void)
{
	Suite *s = suite_create("partial");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, siphash_reference_vectors);
	tcase_add_test(tc, id_hash_hex_round_trip);
	tcase_add_test(tc, record_format_is_documented_layout);
	tcase_add_test(tc, record_round_trip_gives_the_same_facts);
	tcase_add_test(tc, parse_refuses_bad_records);
	tcase_add_test(tc, waves_record_round_trip_gives_the_same_table);
	tcase_add_test(tc, waves_refuses_bad_records_and_broken_rules);
	tcase_add_test(tc, recorded_options_are_canonical);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(partial_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
