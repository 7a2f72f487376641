/*
 * peerstat participants [--as-of DATE] [--dropout-gap DAYS] [ATTENDANCE]
 *
 * Turns an attendance roll (one row per scheduled session, any order) into one CSV row per
 * participant: enrolment, end of observation, sessions, attendance rate, retention, dropped
 * out / completed / still active, early engagement. The output is the `participants` input
 * kind (docs/schema.md), so every filter can read it back (`survival --time retention_days
 * --event dropped_out`, `compare --value sessions_attended`). The definitions are in
 * docs/methods.md, "Per-participant facts from an attendance roll".
 *
 * This table holds participant ids by design (it is data for the next filter, not a summary);
 * it is written atomically with -o like every output.
 */
#include <stdlib.h>
#include <string.h>

#include "attendance_input.h"
#include "commands.h"
#include "outcomes_join.h"
#include "peerstat/output.h"

const char cmd_participants_usage[] =
	"usage: peerstat participants [options] [ATTENDANCE]\n"
	"\n"
	"Write one CSV row per participant from an attendance roll: enrolled_on, end_on,\n"
	"sessions_scheduled, sessions_attended, attendance_rate, first_attended_on,\n"
	"last_attended_on, never_attended, retention_days, dropped_out, completed, active,\n"
	"engaged, observed_days (docs/schema.md). Rows may come in any order.\n"
	"\n"
	"  --outcomes FILE      join each participant's follow-up waves (the outcomes kind) as\n"
	"                       columns <wave>_assessed_on, <wave>_abstinent, <wave>_days_used,\n"
	"                       <wave>_isolation_score (outcome columns have their default names)\n"
	"\n"
	"Options: the roster rules and attendance columns below.\n";

static void put_date(struct ps_text_buf *out, int32_t day)
{
	char buf[16];
	if (day == PS_ROSTER_NO_DAY)
		ps_text_put(out, "NA", 2);
	else
		ps_text_put(out, ps_format_date(day, buf), 10);
}

static void put_int(struct ps_text_buf *out, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", v);
	ps_text_put(out, buf, (size_t)n);
}

enum ps_status cmd_participants(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "outcomes", required_argument, NULL, 1 },
		PS_ROSTER_LONG_OPTIONS,
		PS_ATTENDANCE_LONG_OPTIONS,
		PS_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct ps_attendance att;
	struct ps_roster_rules rules = ps_roster_rules_default();
	struct ps_participant_facts *facts = NULL;
	struct ps_text_buf out = { 0 };
	struct ps_output sink;
	size_t n = 0;
	enum ps_status st = PS_OK;
	struct ps_error err;

	ps_error_clear(&err);
	if (ps_common_init(&common, "participants", cmd_participants_usage) != PS_OK)
		return PS_ENOMEM;
	ps_attendance_init(&att);
	optind = 0;
	opterr = 0;
	int opt, handled;
	/* --as-of is parsed after --date-format wherever it stands: keep it for later */
	const char *as_of_arg = NULL, *outcomes = NULL;
	struct ps_outcomes_join join;
	const char **cohort_of = NULL;
	int joined = 0;
	while (st == PS_OK && (opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (opt == PS_OPT_AS_OF) {
			as_of_arg = optarg;
		} else if (opt == 1) {
			outcomes = optarg;
		} else if (ps_attendance_option(&att, opt, optarg)) {
			continue;
		} else if (opt == '?') {
			st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]);
		} else if ((st = ps_roster_option(&common, &att, &rules, opt, optarg, &handled)) == PS_OK && !handled) {
			st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg);
		}
	}
	if (st == PS_OK && as_of_arg)
		st = ps_roster_option(&common, &att, &rules, PS_OPT_AS_OF, as_of_arg, &handled);
	if (st != PS_OK)
		goto done;
	if (common.help) {
		ps_print_usage(&common);
		fputs(ps_roster_options_help, stdout);
		fputs(ps_attendance_options_help, stdout);
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "participants reads one attendance file (or standard input), not %d", argc - optind);
		goto done;
	}
	if ((st = ps_attendance_read(&att, &common, optind < argc ? argv[optind] : NULL)) != PS_OK)
		goto done;
	int32_t as_of_used;
	if ((st = ps_roster_finish(&att.roster, &rules, &facts, &n, &as_of_used, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	if (att.rejects.rejected_rows) {
		/* a CSV has no place for them: say so on stderr, every one kept */
		for (size_t i = 0; i < att.rejects.kept; i++)
			ps_report_error(&common, &att.rejects.errors[i]);
		fprintf(stderr, "peerstat: participants: %lu rows rejected and skipped (--on-error skip)\n",
			att.rejects.rejected_rows);
	}
	if (outcomes) {
		if (!(cohort_of = calloc(n ? n : 1, sizeof(*cohort_of)))) {
			st = PS_ENOMEM;
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			cohort_of[facts[i].participant] = ps_strmap_key(&att.roster.cohorts, facts[i].cohort);
		joined = 1;
		if ((st = ps_outcomes_join_read(&join, &common, outcomes, &att.roster.ids, cohort_of)) != PS_OK)
			goto done;
		if (join.unmatched_rows)
			fprintf(stderr, "peerstat: participants: %lu outcome rows are of participants not in the attendance roll "
					"(not joined)\n", join.unmatched_rows);
	}
	/*
	 * Rows are streamed as they are formatted (to the temporary file of -o, renamed only when
	 * all is written, or to stdout), so memory stays that of the roster and the facts: the
	 * table itself is about 160 bytes a participant. Opened only now, after every input was
	 * read and checked: a data error leaves no file behind.
	 */
	if ((st = ps_text_stream_open(&common, &out, &sink)) != PS_OK)
		goto done;
	ps_text_put(&out,
		    "participant_id,cohort,site,enrolled_on,end_on,sessions_scheduled,sessions_attended,attendance_rate,"
		    "first_attended_on,last_attended_on,never_attended,retention_days,dropped_out,completed,active,engaged,"
		    "observed_days",
		    0);
	if (joined)
		ps_outcomes_join_header(&join, &out);
	ps_text_put(&out, "\n", 1);
	/* a write error (a closed pipe, a full disk) ends the loop: the rest would be dropped */
	for (size_t i = 0; i < n && out.write_status == PS_OK; i++) {
		const struct ps_participant_facts *f = &facts[i];
		char buf[32];
		ps_text_put_csv_field(&out, ps_strmap_key(&att.roster.ids, f->participant));
		ps_text_put(&out, ",", 1);
		ps_text_put_csv_field(&out, ps_strmap_key(&att.roster.cohorts, f->cohort));
		ps_text_put(&out, ",", 1);
		if (f->site >= 0)
			ps_text_put_csv_field(&out, ps_strmap_key(&att.roster.sites, (size_t)f->site));
		else
			ps_text_put(&out, "NA", 2);
		ps_text_put(&out, ",", 1);
		put_date(&out, f->enrolled_on);
		ps_text_put(&out, ",", 1);
		put_date(&out, f->end_on);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->sessions_scheduled);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->sessions_attended);
		ps_text_put(&out, ",", 1);
		ps_format_double(f->attendance_rate, buf);
		ps_text_put(&out, buf, strlen(buf));
		ps_text_put(&out, ",", 1);
		put_date(&out, f->first_attended_on);
		ps_text_put(&out, ",", 1);
		put_date(&out, f->last_attended_on);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->never_attended);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->retention_days);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->dropped_out);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->completed);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->active);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->engaged);
		ps_text_put(&out, ",", 1);
		put_int(&out, f->observed_days);
		if (joined)
			ps_outcomes_join_row(&join, f->participant, &out);
		ps_text_put(&out, "\n", 1);
	}
	st = ps_text_stream_commit(&common, &out);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: participants: out of memory\n");
	ps_text_stream_abort(&out);
	if (joined)
		ps_outcomes_join_release(&join);
	free(cohort_of);
	free(facts);
	ps_attendance_release(&att);
	ps_common_release(&common);
	return st;
}
