/*
 * Unit tests for the outcomes (long format) reader shared by `isolation` and `sobriety`
 * (toolkit/cmd/waves_input.c): wave order, the baseline rule, the follow-ups, REDCap names, and
 * each rule across rows (two cohorts, two sites, a duplicate participant-wave, a wave not in
 * --wave-order, a follow-up dated before the baseline), under --on-error stop and skip, and
 * blank cohorts and sites (REDCap's baseline-only fields) filled from the participant's other
 * rows in any order, with the participants never named and those of ignored cohorts. The
 * expected orders, lines and messages are worked out by hand from the small inputs below.
 *
 * The reader lives in the command layer (it reports on stderr), so its two source files are
 * compiled into this test directly; messages printed by the stop cases are expected noise.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../toolkit/cmd/common.c"
#include "../../toolkit/cmd/partial_io.c"
#include "../../toolkit/cmd/waves_input.c"

static char path[64];

static void write_input(const char *text)
{
	strcpy(path, "/tmp/check_waves_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

struct fixture {
	struct ps_common common;
	struct ps_waves w;
};

/* Read text with the score column declared, after the options in argv-like pairs. */
static enum ps_status read_text(struct fixture *f, const char *text, int skip, const int *opts, const char *const *args,
				size_t nopts)
{
	ck_assert_int_eq(ps_common_init(&f->common, "test", ""), PS_OK);
	if (skip)
		f->common.policy = PS_ON_ERROR_SKIP;
	ps_waves_init(&f->w);
	f->w.value[0] = (struct ps_field_spec){ "isolation score", "score", "--score", PS_TYPE_NUMBER, 0, 0, 3, 9 };
	f->w.nvalues = 1;
	for (size_t i = 0; i < nopts; i++) {
		int handled = 0;
		ck_assert_int_eq(ps_waves_option(&f->common, &f->w, opts[i], args[i], &handled), PS_OK);
		ck_assert(handled);
	}
	write_input(text);
	enum ps_status st = ps_waves_read(&f->w, &f->common, path);
	unlink(path);
	return st;
}

static void release(struct fixture *f)
{
	ps_waves_release(&f->w);
	ps_common_release(&f->common);
}

static const char *label_at(const struct ps_waves *w, size_t k)
{
	return ps_strmap_key(&w->labels, w->order[k]);
}

static const char *followup_at(const struct ps_waves *w, size_t k)
{
	return ps_strmap_key(&w->labels, w->followups[k]);
}

/* The score of the participant with id at wave label. */
static double score(struct ps_waves *w, const char *id, const char *label)
{
	size_t p, k;
	ck_assert(ps_strmap_find(&w->ids, id, strlen(id), &p));
	ck_assert(ps_strmap_find(&w->labels, label, strlen(label), &k));
	return ps_waves_value(w, p, k, 0);
}

START_TEST(natural_order_and_baseline)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,score\n"
			   "A,peer,12m,4\n"
			   "A,peer,baseline,7\n"
			   "B,therapy_only,3m,\n"
			   "B,therapy_only,baseline,6\n"
			   "A,peer,3m,5\n"
			   "C,peer,6m,NA\n";
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_OK);
	ck_assert_uint_eq(f.w.nwaves, 4);
	ck_assert_str_eq(label_at(&f.w, 0), "baseline");
	ck_assert_str_eq(label_at(&f.w, 1), "3m");
	ck_assert_str_eq(label_at(&f.w, 2), "6m");
	ck_assert_str_eq(label_at(&f.w, 3), "12m");
	ck_assert_str_eq(ps_strmap_key(&f.w.labels, f.w.baseline), "baseline");
	ck_assert_uint_eq(f.w.nfollowups, 3);
	ck_assert_str_eq(followup_at(&f.w, 0), "3m");
	ck_assert_str_eq(followup_at(&f.w, 2), "12m");
	ck_assert_uint_eq(f.w.nparticipants, 3);
	ck_assert_uint_eq(f.w.rows, 6);
	ck_assert_double_eq(score(&f.w, "A", "baseline"), 7);
	ck_assert_double_eq(score(&f.w, "A", "12m"), 4);
	ck_assert(isnan(score(&f.w, "B", "3m")));      /* a row with the score missing */
	ck_assert(isnan(score(&f.w, "A", "6m")));      /* no row */
	size_t a, k6;
	ps_strmap_find(&f.w.ids, "A", 1, &a);
	ps_strmap_find(&f.w.labels, "6m", 2, &k6);
	ck_assert_int_eq(f.w.present[ps_waves_cell(&f.w, a, k6)], 0);
	ck_assert_int_eq(f.w.group[a], PS_GROUP_TREATMENT);
	ck_assert_uint_eq(f.w.line[ps_waves_cell(&f.w, a, f.w.baseline)], 3);
	ck_assert_uint_eq(f.w.wave_rows[f.w.baseline], 2);
	release(&f);
}
END_TEST

START_TEST(redcap_names)
{
	struct fixture f;
	const char *text = "record_id,redcap_event_name,cohort,score\n"
			   "1,baseline_arm_1,peer,5\n"
			   "1,month_12_arm_1,peer,4\n"
			   "1,month_3_arm_1,peer,3\n"
			   "2,baseline_arm_1,therapy_only,8\n"
			   "2,month_6_arm_1,therapy_only,7\n";
	static const int opts[] = { PS_OPT_WAVES_ID, PS_OPT_WAVES_WAVE };
	static const char *const args[] = { "record_id", "redcap_event_name" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 2), PS_OK);
	ck_assert_str_eq(ps_strmap_key(&f.w.labels, f.w.baseline), "baseline_arm_1");
	ck_assert_str_eq(label_at(&f.w, 1), "month_3_arm_1");
	ck_assert_str_eq(label_at(&f.w, 2), "month_6_arm_1");
	ck_assert_str_eq(label_at(&f.w, 3), "month_12_arm_1");
	ck_assert_double_eq(score(&f.w, "2", "month_6_arm_1"), 7);
	release(&f);
}
END_TEST

START_TEST(numeric_labels)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,score\n"
			   "A,peer,12,4\n"
			   "A,peer,0,7\n"
			   "A,peer,3,5\n"
			   "B,therapy_only,6,5\n"
			   "B,therapy_only,0.5,5\n"
			   "B,therapy_only,0,6\n";
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_OK);
	ck_assert_str_eq(ps_strmap_key(&f.w.labels, f.w.baseline), "0");
	ck_assert_str_eq(label_at(&f.w, 1), "0.5");
	ck_assert_str_eq(label_at(&f.w, 2), "3");
	ck_assert_str_eq(label_at(&f.w, 3), "6");
	ck_assert_str_eq(label_at(&f.w, 4), "12");
	release(&f);
	/* --baseline and --followup: the follow-ups come in wave order whatever the option's */
	static const int opts[] = { PS_OPT_WAVES_BASELINE, PS_OPT_WAVES_FOLLOWUP };
	static const char *const args[] = { "0", "12,3" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 2), PS_OK);
	ck_assert_uint_eq(f.w.nfollowups, 2);
	ck_assert_str_eq(followup_at(&f.w, 0), "3");
	ck_assert_str_eq(followup_at(&f.w, 1), "12");
	release(&f);
}
END_TEST

START_TEST(natural_cmp_digit_runs)
{
	ck_assert_int_lt(natural_cmp("3m", "12m"), 0);
	ck_assert_int_lt(natural_cmp("month_3_arm_1", "month_12_arm_1"), 0);
	ck_assert_int_gt(natural_cmp("week10", "week9"), 0);
	ck_assert_int_lt(natural_cmp("w02", "w3"), 0);
	ck_assert_int_lt(natural_cmp("w2", "w02"), 0);      /* same number: fewer zeros first */
	ck_assert_int_eq(natural_cmp("6m", "6m"), 0);
	ck_assert_int_lt(natural_cmp("6m", "6m_late"), 0);
}
END_TEST

START_TEST(wave_order_option)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,score\n"
			   "A,peer,baseline,7\n"
			   "A,peer,one_year,4\n"
			   "A,peer,3m,5\n"
			   "A,peer,9m,5\n";
	static const int opts[] = { PS_OPT_WAVES_ORDER };
	static const char *const args[] = { "baseline,3m,6m,one_year" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 1), PS_EDATA);
	release(&f);
	ck_assert_int_eq(read_text(&f, text, 1, opts, args, 1), PS_OK);
	ck_assert_uint_eq(f.w.rejects.rejected_rows, 1);
	ck_assert_uint_eq(f.w.rejects.errors[0].line, 5);
	ck_assert_uint_eq(f.w.rejects.errors[0].column, 3);
	ck_assert_str_eq(f.w.rejects.errors[0].message, "wave label not in --wave-order");
	ck_assert_str_eq(f.w.rejects.errors[0].expected, "one of baseline, 3m, 6m, one_year");
	ck_assert_uint_eq(f.w.nwaves, 3);
	ck_assert_str_eq(label_at(&f.w, 1), "3m");
	ck_assert_str_eq(label_at(&f.w, 2), "one_year");
	ck_assert_uint_eq(f.w.rows, 3);
	release(&f);
}
END_TEST

START_TEST(rules_across_rows)
{
	struct fixture f;
	const char *text = "participant_id,cohort,site,wave,score\n"
			   "A,peer,north,baseline,7\n"
			   "A,therapy_only,north,3m,5\n"   /* line 3: two cohorts */
			   "A,peer,south,3m,5\n"           /* line 4: two sites */
			   "A,peer,,6m,5\n"                /* line 5: site blank: north (not an error) */
			   "A,peer,north,3m,4\n"
			   "A,peer,north,3m,3\n"           /* line 7: duplicate wave */
			   "B,waitlist,north,baseline,3\n"
			   "B,peer,north,3m,3\n"           /* line 9: under an ignored cohort before */
			   "C,peer,north,baseline,10\n";   /* line 10: out of range */
	static const int opts[] = { PS_OPT_WAVES_IGNORE_OTHER };
	static const char *const args[] = { NULL };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 1), PS_EDATA);
	release(&f);
	ck_assert_int_eq(read_text(&f, text, 1, opts, args, 1), PS_OK);
	const struct ps_rejects *r = &f.w.rejects;
	ck_assert_uint_eq(r->rejected_rows, 5);
	static const unsigned long lines[] = { 3, 4, 7, 9, 10 };
	static const unsigned long columns[] = { 2, 3, 4, 2, 5 };
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(r->errors[i].line, lines[i]);
		ck_assert_uint_eq(r->errors[i].column, columns[i]);
	}
	ck_assert_str_eq(r->errors[0].message, "participant is already listed under cohort 'peer'");
	ck_assert_str_eq(r->errors[0].value, "therapy_only");
	ck_assert_str_eq(r->errors[1].message, "participant is already listed under site 'north'");
	ck_assert_str_eq(r->errors[2].message, "participant already has a row for wave '3m'");
	ck_assert_str_eq(r->errors[3].message, "participant is already listed under cohort 'waitlist'");
	ck_assert_str_eq(r->errors[4].message, "value out of range");
	ck_assert_uint_eq(f.w.nparticipants, 1);
	ck_assert_uint_eq(f.w.other_participants, 1);
	ck_assert_uint_eq(f.w.groups.other_rows, 1);
	ck_assert_double_eq(score(&f.w, "A", "3m"), 4);
	ck_assert_double_eq(score(&f.w, "A", "6m"), 5);
	release(&f);
}
END_TEST

START_TEST(followup_before_baseline)
{
	struct fixture f;
	/* rows in any order: the 3m row comes before its baseline and is the one reported */
	const char *text = "participant_id,cohort,wave,assessed_on,score\n"
			   "A,peer,3m,2024-01-01,5\n"
			   "B,therapy_only,baseline,2024-02-01,6\n"
			   "A,peer,baseline,2024-03-01,7\n"
			   "B,therapy_only,3m,2024-02-01,6\n"  /* same day: not before */
			   "A,peer,6m,2024-09-01,4\n"
			   "B,therapy_only,6m,2024-01-31,4\n";
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_EDATA);
	release(&f);
	ck_assert_int_eq(read_text(&f, text, 1, NULL, NULL, 0), PS_OK);
	const struct ps_rejects *r = &f.w.rejects;
	ck_assert_uint_eq(r->rejected_rows, 2);
	ck_assert_uint_eq(r->errors[0].line, 2);
	ck_assert_uint_eq(r->errors[0].column, 4);
	ck_assert_str_eq(r->errors[0].value, "2024-01-01");
	ck_assert_str_eq(r->errors[0].message, "wave '3m' is dated before the participant's baseline (2024-03-01, line 4)");
	ck_assert_uint_eq(r->errors[1].line, 7);
	ck_assert(isnan(score(&f.w, "A", "3m")));
	ck_assert_double_eq(score(&f.w, "A", "6m"), 4);
	ck_assert_double_eq(score(&f.w, "B", "3m"), 6);
	ck_assert_uint_eq(f.w.rows, 4);
	size_t k3;
	ps_strmap_find(&f.w.labels, "3m", 2, &k3);
	ck_assert_uint_eq(f.w.wave_rows[k3], 1);
	release(&f);
}
END_TEST

START_TEST(missing_baseline_label)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,score\n"
			   "A,peer,intake,7\n"
			   "A,peer,exit,4\n";
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_EDATA);
	release(&f);
	static const int opts[] = { PS_OPT_WAVES_BASELINE };
	static const char *const args[] = { "intake" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 1), PS_OK);
	ck_assert_str_eq(followup_at(&f.w, 0), "exit");
	release(&f);
	static const char *const wrong[] = { "screening" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, wrong, 1), PS_EDATA);
	release(&f);
	/* no rows at all (a header only, or only other cohorts) */
	ck_assert_int_eq(read_text(&f, "participant_id,cohort,wave,score\n", 0, NULL, NULL, 0), PS_EDATA);
	release(&f);
	static const int fopts[] = { PS_OPT_WAVES_BASELINE, PS_OPT_WAVES_FOLLOWUP };
	static const char *const fargs[] = { "intake", "exit,6m" };
	ck_assert_int_eq(read_text(&f, text, 0, fopts, fargs, 2), PS_EDATA);
	release(&f);
}
END_TEST

/* Dates in order (no follow-up before its baseline) and a wave before the baseline in --wave-order. */
START_TEST(dates_in_order_and_screening)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,assessed_on,score\n"
			   "A,peer,screening,2023-12-01,8\n"
			   "A,peer,baseline,2024-01-01,7\n"
			   "A,peer,3m,2024-04-01,5\n"
			   "B,therapy_only,baseline,2024-01-02,6\n"
			   "B,therapy_only,3m,,6\n";     /* no date: nothing to check */
	static const int opts[] = { PS_OPT_WAVES_ORDER };
	static const char *const args[] = { "screening,baseline,3m" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 1), PS_OK);
	ck_assert_uint_eq(f.w.rejects.rejected_rows, 0);
	ck_assert_str_eq(label_at(&f.w, 0), "screening");
	ck_assert_str_eq(ps_strmap_key(&f.w.labels, f.w.baseline), "baseline");
	ck_assert_uint_eq(f.w.nfollowups, 1);              /* the screening wave is before the baseline */
	ck_assert_str_eq(followup_at(&f.w, 0), "3m");
	size_t a;
	ps_strmap_find(&f.w.ids, "A", 1, &a);
	ck_assert_int_eq(f.w.assessed_on[ps_waves_cell(&f.w, a, f.w.baseline)], ps_days_from_civil(2024, 1, 1));
	release(&f);
	/* --followup naming the baseline is a data error */
	static const int fopts[] = { PS_OPT_WAVES_FOLLOWUP };
	static const char *const fargs[] = { "baseline" };
	ck_assert_int_eq(read_text(&f, text, 0, fopts, fargs, 1), PS_EDATA);
	release(&f);
}
END_TEST

/* The participant's site index and group, by id. */
static size_t participant(struct ps_waves *w, const char *id)
{
	size_t p;
	ck_assert(ps_strmap_find(&w->ids, id, strlen(id), &p));
	ck_assert_uint_lt(p, w->nparticipants);
	return p;
}

static const char *site_of(struct ps_waves *w, const char *id)
{
	size_t p = participant(w, id);
	return w->site[p] == SIZE_MAX ? "(none)" : ps_strmap_key(&w->sites, w->site[p]);
}

static int present(struct ps_waves *w, const char *id, const char *label)
{
	size_t k;
	ck_assert(ps_strmap_find(&w->labels, label, strlen(label), &k));
	return w->present[ps_waves_cell(w, participant(w, id), k)];
}

/*
 * REDCap longitudinal shape: cohort and site only on the baseline event's row. A blank takes the
 * participant's value whether the naming row comes before or after it; nothing is left out.
 */
START_TEST(blank_cohort_and_site_any_order)
{
	struct fixture f;
	const char *text = "record_id,redcap_event_name,cohort,site,score\n"
			   "1,month_3_arm_1,,,4\n"                 /* line 2: before 1's naming row */
			   "1,baseline_arm_1,peer,north,5\n"
			   "1,month_6_arm_1,,,3\n"                 /* after it */
			   "2,baseline_arm_1,therapy_only,south,8\n"
			   "2,month_6_arm_1,NA,NA,7\n"             /* NA tokens are blanks too */
			   "3,month_3_arm_1,,,6\n"
			   "3,month_6_arm_1,therapy_only,,6\n"     /* named on a follow-up, no site anywhere */
			   "4,baseline_arm_1,,east,5\n"            /* site on the blank-cohort row */
			   "4,month_3_arm_1,peer,,5\n";
	static const int opts[] = { PS_OPT_WAVES_ID, PS_OPT_WAVES_WAVE };
	static const char *const args[] = { "record_id", "redcap_event_name" };
	ck_assert_int_eq(read_text(&f, text, 0, opts, args, 2), PS_OK);
	ck_assert_uint_eq(f.w.rejects.rejected_rows, 0);
	ck_assert_uint_eq(f.w.rows, 9);
	ck_assert_uint_eq(f.w.nparticipants, 4);
	ck_assert_uint_eq(f.w.unnamed_participants, 0);
	ck_assert_uint_eq(f.w.groups.missing_rows, 0);
	/* dense indices in order of the id hash (the table does not depend on the row order) */
	for (size_t p = 1; p < f.w.nparticipants; p++)
		ck_assert_uint_lt(ps_id_hash(ps_strmap_key(&f.w.ids, p - 1), ps_strmap_key_len(&f.w.ids, p - 1)),
				  ps_id_hash(ps_strmap_key(&f.w.ids, p), ps_strmap_key_len(&f.w.ids, p)));
	ck_assert_int_eq(f.w.group[participant(&f.w, "1")], PS_GROUP_TREATMENT);
	ck_assert_int_eq(f.w.group[participant(&f.w, "2")], PS_GROUP_CONTROL);
	ck_assert_int_eq(f.w.group[participant(&f.w, "3")], PS_GROUP_CONTROL);
	ck_assert_int_eq(f.w.group[participant(&f.w, "4")], PS_GROUP_TREATMENT);
	ck_assert_str_eq(site_of(&f.w, "1"), "north");
	ck_assert_str_eq(site_of(&f.w, "2"), "south");
	ck_assert_str_eq(site_of(&f.w, "3"), "(none)");
	ck_assert_str_eq(site_of(&f.w, "4"), "east");
	ck_assert_double_eq(score(&f.w, "1", "month_3_arm_1"), 4);
	ck_assert_double_eq(score(&f.w, "1", "month_6_arm_1"), 3);
	ck_assert_double_eq(score(&f.w, "2", "month_6_arm_1"), 7);
	ck_assert_double_eq(score(&f.w, "3", "month_3_arm_1"), 6);
	ck_assert_int_eq(present(&f.w, "3", "baseline_arm_1"), 0);
	ck_assert_str_eq(ps_strmap_key(&f.w.labels, f.w.baseline), "baseline_arm_1");
	ck_assert_uint_eq(f.w.nfollowups, 2);
	ck_assert_str_eq(followup_at(&f.w, 0), "month_3_arm_1");
	ck_assert_uint_eq(f.w.wave_rows[f.w.baseline], 3);
	ck_assert_uint_eq(f.w.line[ps_waves_cell(&f.w, participant(&f.w, "1"), f.w.baseline)], 3);
	release(&f);
}
END_TEST

/*
 * A conflict is two named values that differ, at the later of the two rows, however many blank
 * rows lie between; the blank rows stay with the first value.
 */
START_TEST(blank_conflicts)
{
	struct fixture f;
	const char *text = "participant_id,cohort,site,wave,score\n"
			   "A,,,3m,5\n"
			   "A,peer,north,baseline,7\n"
			   "A,,,6m,4\n"
			   "A,therapy_only,,12m,4\n"     /* line 5: a second cohort after blanks */
			   "B,,south,baseline,6\n"
			   "B,,,3m,6\n"
			   "B,therapy_only,north,6m,5\n" /* line 8: a second site after blanks */
			   "B,,,12m,5\n"
			   "C,,,baseline,5\n"
			   "C,,,baseline,6\n";            /* line 11: a duplicate wave, cohort not yet known */
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_EDATA);   /* at line 5 (stderr) */
	release(&f);
	ck_assert_int_eq(read_text(&f, text, 1, NULL, NULL, 0), PS_OK);
	const struct ps_rejects *r = &f.w.rejects;
	ck_assert_uint_eq(r->rejected_rows, 3);
	ck_assert_uint_eq(r->errors[0].line, 5);
	ck_assert_uint_eq(r->errors[0].column, 2);
	ck_assert_str_eq(r->errors[0].message, "participant is already listed under cohort 'peer'");
	ck_assert_str_eq(r->errors[0].value, "therapy_only");
	ck_assert_uint_eq(r->errors[1].line, 8);
	ck_assert_uint_eq(r->errors[1].column, 3);
	ck_assert_str_eq(r->errors[1].message, "participant is already listed under site 'south'");
	ck_assert_str_eq(r->errors[1].value, "north");
	ck_assert_uint_eq(r->errors[2].line, 11);
	ck_assert_str_eq(r->errors[2].message, "participant already has a row for wave 'baseline'");
	/* A: peer, the 12m row gone; B: never named once its only naming row was rejected */
	ck_assert_uint_eq(f.w.nparticipants, 1);
	ck_assert_int_eq(f.w.group[participant(&f.w, "A")], PS_GROUP_TREATMENT);
	ck_assert_str_eq(site_of(&f.w, "A"), "north");
	ck_assert_double_eq(score(&f.w, "A", "6m"), 4);
	ck_assert_uint_eq(f.w.unnamed_participants, 2);
	ck_assert_uint_eq(f.w.groups.missing_rows, 4);   /* B's three rows left, C's one */
	ck_assert_uint_eq(f.w.rows, 7);
	ck_assert_uint_eq(f.w.nwaves, 3);                  /* 12m: only the rejected row and B's */
	release(&f);
}
END_TEST

/* A participant whose rows never name a cohort is left out and counted, with their waves. */
START_TEST(never_named)
{
	struct fixture f;
	const char *text = "participant_id,cohort,wave,score\n"
			   "Z,,baseline,5\n"
			   "A,peer,baseline,7\n"
			   "Z,NA,3m,4\n"
			   "Z,,screening,4\n"           /* a wave only Z has: not a wave of the analysis */
			   "B,therapy_only,baseline,6\n"
			   "A,,3m,5\n"
			   "B,,3m,6\n";
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_OK);
	ck_assert_uint_eq(f.w.rejects.rejected_rows, 0);
	ck_assert_uint_eq(f.w.rows, 7);
	ck_assert_uint_eq(f.w.nparticipants, 2);
	size_t z;
	ck_assert(!ps_strmap_find(&f.w.ids, "Z", 1, &z));
	ck_assert_uint_eq(participant(&f.w, "A"), 0);
	ck_assert_uint_eq(participant(&f.w, "B"), 1);
	ck_assert_uint_eq(f.w.unnamed_participants, 1);
	ck_assert_uint_eq(f.w.groups.missing_rows, 3);
	ck_assert_uint_eq(f.w.groups.other_rows, 0);
	ck_assert_uint_eq(f.w.nwaves, 2);
	ck_assert(!ps_strmap_find(&f.w.labels, "screening", 9, &z));
	ck_assert_uint_eq(f.w.wave_rows[f.w.baseline], 2);
	ck_assert_double_eq(score(&f.w, "B", "3m"), 6);
	ck_assert_uint_eq(f.w.line[ps_waves_cell(&f.w, participant(&f.w, "B"), f.w.followups[0])], 8);
	release(&f);
	/* nobody named at all: no rows of the two cohorts */
	ck_assert_int_eq(read_text(&f, "participant_id,cohort,wave,score\nZ,,baseline,5\n", 0, NULL, NULL, 0), PS_EDATA);
	ck_assert_uint_eq(f.w.unnamed_participants, 1);
	release(&f);
}
END_TEST

/*
 * --ignore-other-groups: a participant of another cohort stays left out, their blank rows too
 * (counted as that cohort's rows), whether the blanks come before or after the naming row.
 * Without the option the naming row is the error, as before.
 */
START_TEST(ignored_cohort_with_blanks)
{
	struct fixture f;
	const char *text = "participant_id,cohort,site,wave,score\n"
			   "W,,north,baseline,5\n"
			   "A,peer,north,baseline,7\n"
			   "W,,south,followup_only_w,4\n"  /* blank cohort, not yet known: site rule applies */
			   "W,waitlist,,3m,4\n"            /* line 5: W named: an ignored cohort */
			   "W,,east,6m,4\n"                /* known to be ignored: no site rule */
			   "A,,,3m,5\n"
			   "W,peer,,12m,4\n"               /* line 8: a second cohort */
			   "V,waitlist,,baseline,3\n"
			   "V,,,3m,3\n";
	static const int opts[] = { PS_OPT_WAVES_IGNORE_OTHER };
	static const char *const args[] = { NULL };
	ck_assert_int_eq(read_text(&f, text, 1, opts, args, 1), PS_OK);
	const struct ps_rejects *r = &f.w.rejects;
	ck_assert_uint_eq(r->rejected_rows, 2);
	ck_assert_uint_eq(r->errors[0].line, 4);
	ck_assert_str_eq(r->errors[0].message, "participant is already listed under site 'north'");
	ck_assert_uint_eq(r->errors[1].line, 8);
	ck_assert_str_eq(r->errors[1].message, "participant is already listed under cohort 'waitlist'");
	ck_assert_uint_eq(f.w.nparticipants, 1);
	ck_assert_uint_eq(f.w.other_participants, 2);
	ck_assert_uint_eq(f.w.unnamed_participants, 0);
	ck_assert_uint_eq(f.w.groups.other_rows, 5);     /* W: lines 2, 5, 6; V: 9, 10 */
	ck_assert_uint_eq(f.w.groups.missing_rows, 0);
	ck_assert_uint_eq(f.w.rows, 7);
	ck_assert_uint_eq(f.w.nwaves, 2);                /* baseline and 3m: W's waves are not */
	ck_assert_double_eq(score(&f.w, "A", "3m"), 5);
	release(&f);
	/* without --ignore-other-groups: W's naming row is the error */
	ck_assert_int_eq(read_text(&f, text, 0, NULL, NULL, 0), PS_EDATA);   /* line 4's site (stderr) */
	release(&f);
	ck_assert_int_eq(read_text(&f, text, 1, NULL, NULL, 0), PS_OK);
	ck_assert_uint_eq(f.w.rejects.errors[1].line, 5);
	ck_assert_str_eq(f.w.rejects.errors[1].value, "waitlist");
	ck_assert_uint_eq(f.w.rejects.errors[1].column, 2);
	/* W's line 6 is a site conflict (W is not known to be of another cohort: its naming row
	 * was rejected); W's peer row (line 8) then names W, with its blank row 2; V's naming
	 * row 9 is rejected, so V's blank row 10 is never named */
	ck_assert_uint_eq(f.w.rejects.rejected_rows, 4);
	ck_assert_uint_eq(f.w.rejects.errors[2].line, 6);
	ck_assert_str_eq(f.w.rejects.errors[2].message, "participant is already listed under site 'north'");
	ck_assert_uint_eq(f.w.rejects.errors[3].line, 9);
	ck_assert_uint_eq(f.w.nparticipants, 2);
	ck_assert_int_eq(f.w.group[participant(&f.w, "W")], PS_GROUP_TREATMENT);
	ck_assert_str_eq(site_of(&f.w, "W"), "north");
	ck_assert_double_eq(score(&f.w, "W", "12m"), 4);
	ck_assert_double_eq(score(&f.w, "W", "baseline"), 5);
	ck_assert_uint_eq(f.w.unnamed_participants, 1);
	ck_assert_uint_eq(f.w.groups.missing_rows, 1);
	ck_assert_uint_eq(f.w.other_participants, 0);
	release(&f);
}
END_TEST

static Suite *waves_suite(void)
{
	Suite *s = suite_create("waves");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, natural_order_and_baseline);
	tcase_add_test(tc, redcap_names);
	tcase_add_test(tc, numeric_labels);
	tcase_add_test(tc, natural_cmp_digit_runs);
	tcase_add_test(tc, wave_order_option);
	tcase_add_test(tc, rules_across_rows);
	tcase_add_test(tc, followup_before_baseline);
	tcase_add_test(tc, missing_baseline_label);
	tcase_add_test(tc, dates_in_order_and_screening);
	tcase_add_test(tc, blank_cohort_and_site_any_order);
	tcase_add_test(tc, blank_conflicts);
	tcase_add_test(tc, never_named);
	tcase_add_test(tc, ignored_cohort_with_blanks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(waves_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
