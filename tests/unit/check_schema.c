/* Unit tests for schema.c, identifiers.c and output.c: columns by role, typed cells, the
 * identifier guard, atomic output files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golden.h"
#include "peerstat/identifiers.h"
#include "peerstat/output.h"
#include "peerstat/schema.h"

static const struct ps_field_spec specs[] = {
	{ "participant id", "participant_id", "--id", PS_TYPE_ID, 1, 1, 1, 0 },
	{ "days used", "days_used", "--days-used", PS_TYPE_INT, 0, 0, 0, 30 },
	{ "session date", "session_date", "--date", PS_TYPE_DATE, 1, 1, 1, 0 },
};

START_TEST(resolve_by_name)
{
	const char *header[] = { "x", "session_date", "participant_id" };
	long index[3];
	struct ps_error err;
	ps_error_clear(&err);
	ck_assert_int_eq(ps_schema_resolve(header, 3, specs, 3, index, &err), PS_OK);
	ck_assert_int_eq(index[0], 2);
	ck_assert_int_eq(index[1], -1);
	ck_assert_int_eq(index[2], 1);
	const char *lacking[] = { "participant_id", "days_used" };
	ck_assert_int_eq(ps_schema_resolve(lacking, 2, specs, 3, index, &err), PS_EDATA);
	ck_assert_str_eq(err.message, "no column 'session_date' in the header (the session date; name another column "
				      "with --date; the header has: participant_id, days_used)");
}
END_TEST

START_TEST(cells)
{
	struct ps_na_set na;
	ps_na_set_init_default(&na);
	struct ps_cell_options opt = { &na, PS_DATE_ISO, NULL };
	struct ps_value v;
	struct ps_error err;
	ps_error_clear(&err);
	ck_assert_int_eq(ps_cell_parse(&specs[1], &opt, "12", 2, 1, &v, &err), PS_OK);
	ck_assert(v.i == 12 && v.d == 12 && !v.missing);
	ck_assert_int_eq(ps_cell_parse(&specs[1], &opt, "NA", 2, 1, &v, &err), PS_OK);
	ck_assert(v.missing);
	ck_assert_int_eq(ps_cell_parse(&specs[1], &opt, "31", 2, 1, &v, &err), PS_EDATA);
	ck_assert_str_eq(err.message, "value out of range");
	ck_assert_str_eq(err.expected, "a whole number from 0 to 30");
	ck_assert_str_eq(err.value, "31");
	ck_assert_uint_eq(err.column, 2);
	ck_assert_int_eq(ps_cell_parse(&specs[2], &opt, "", 0, 0, &v, &err), PS_EDATA);
	ck_assert_str_eq(err.message, "missing value");
	/* an id is never echoed back in a message */
	ck_assert_int_eq(ps_cell_parse(&specs[0], &opt, "NA", 2, 0, &v, &err), PS_EDATA);
	ck_assert_str_eq(err.value, "");
	ps_na_set_release(&na);
}
END_TEST

/* The date memo must never change an answer: every day of 30 years, twice, bad dates between. */
START_TEST(date_memo_gives_the_parsers_answers)
{
	static const struct ps_field_spec date_spec = { "session date", "session_date", "--date", PS_TYPE_DATE, 1, 1, 1, 0 };
	struct ps_na_set na;
	ps_na_set_init_default(&na);
	static struct ps_date_memo memo;
	memset(&memo, 0, sizeof(memo));
	struct ps_cell_options plain = { &na, PS_DATE_ISO, NULL }, memoised = { &na, PS_DATE_ISO, &memo };
	static const char *const bad[] = { "2024-02-30", "2023-02-29", "2024-1-05", "20240105", "2024-01-05 ", "x" };
	unsigned long hits_checked = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int32_t day = 19000; day < 19000 + 30 * 366; day += 1 + pass) {
			char text[16];
			ps_format_date(day, text);
			struct ps_value a, b;
			struct ps_error e1, e2;
			ps_error_clear(&e1);
			ps_error_clear(&e2);
			ck_loop_assert(ps_cell_parse(&date_spec, &plain, text, strlen(text), 3, &a, &e1) == PS_OK);
			ck_loop_assert(ps_cell_parse(&date_spec, &memoised, text, strlen(text), 3, &b, &e2) == PS_OK);
			ck_loop_assert(a.day == day);
			ck_loop_assert(b.day == day);
			const char *wrong = bad[(size_t)day % (sizeof(bad) / sizeof(bad[0]))];
			ck_loop_assert(ps_cell_parse(&date_spec, &memoised, wrong, strlen(wrong), 3, &b, &e2) == PS_EDATA);
			ck_loop_assert(ps_cell_parse(&date_spec, &plain, wrong, strlen(wrong), 3, &a, &e1) == PS_EDATA);
			ck_loop_assert(strcmp(e1.message, e2.message) == 0);
			hits_checked++;
		}
	}
	ck_assert_uint_gt(hits_checked, 10000);
	ps_na_set_release(&na);
}
END_TEST

START_TEST(identifier_guard)
{
	const char *flagged[] = { "name", "Name", "first_name", "LastName", "Date of Birth", "dob", "DOB", "ssn",
				  "phone_number", "Email", "e-mail", "street_address", "zip", "MRN", "medical_record_no",
				  "patient name" };
	const char *fine[] = { "participant_id", "cohort", "site", "site_name", "session_date", "attended", "wave",
			       "redcap_event_name", "assessed_on", "days_used", "isolation_score", "record_id",
			       "enrolled_on", "session", "age_group" };
	for (size_t i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++)
		ck_assert_msg(ps_identifier_kind(flagged[i]) != NULL, "'%s' not flagged", flagged[i]);
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		ck_assert_msg(ps_identifier_kind(fine[i]) == NULL, "'%s' flagged as %s", fine[i], ps_identifier_kind(fine[i]));
}
END_TEST

START_TEST(atomic_output)
{
	char dir[] = "/tmp/peerstat-out-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/result.json", dir);
	struct ps_output out;
	struct ps_error err;
	ps_error_clear(&err);
	/* an aborted write leaves nothing behind, not even a temporary file */
	ck_assert_int_eq(ps_output_open(&out, path, &err), PS_OK);
	ck_assert_int_eq(ps_output_write(&out, "partial", 7, &err), PS_OK);
	ps_output_abort(&out);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(rmdir(dir), 0); /* empty: the temporary file is gone too */
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/peerstat-out-XXXXXX")));
	snprintf(path, sizeof(path), "%s/result.json", dir);
	ck_assert_int_eq(ps_output_open(&out, path, &err), PS_OK);
	ck_assert_int_eq(ps_output_write(&out, "{}\n", 3, &err), PS_OK);
	ck_assert_int_ne(access(path, F_OK), 0); /* not there until committed */
	ck_assert_int_eq(ps_output_commit(&out, &err), PS_OK);
	FILE *fp = fopen(path, "r");
	char buf[8] = { 0 };
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), fp), 3);
	fclose(fp);
	ck_assert_str_eq(buf, "{}\n");
	unlink(path);
	rmdir(dir);
	/* a directory that does not exist */
	ck_assert_int_eq(ps_output_open(&out, "/nonexistent-dir/x.json", &err), PS_ECANTCREAT);
	/* a device is written in place, never replaced by a file (/dev/null stays a device) */
	ck_assert_int_eq(ps_output_open(&out, "/dev/null", &err), PS_OK);
	ck_assert_int_eq(ps_output_write(&out, "{}\n", 3, &err), PS_OK);
	ck_assert_int_eq(ps_output_commit(&out, &err), PS_OK);
	struct stat st;
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	/* a full device: exit 74's status, PS_EIO */
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(ps_output_open(&out, "/dev/full", &err), PS_OK);
		enum ps_status wst = ps_output_write(&out, "{}\n", 3, &err);
		enum ps_status cst = ps_output_commit(&out, &err);
		ck_assert(wst == PS_EIO || cst == PS_EIO);
	}
	/* a symlink is followed: its target is replaced, the link stays a link */
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/peerstat-out-XXXXXX")));
	char target[300], link_path[300];
	snprintf(target, sizeof(target), "%s/real.json", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.json", dir);
	fp = fopen(target, "w");
	fputs("old", fp);
	fclose(fp);
	ck_assert_int_eq(symlink("real.json", link_path), 0);
	ck_assert_int_eq(ps_output_open(&out, link_path, &err), PS_OK);
	ck_assert_int_eq(ps_output_write(&out, "new", 3, &err), PS_OK);
	ck_assert_int_eq(ps_output_commit(&out, &err), PS_OK);
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	fp = fopen(target, "r");
	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), fp), 3);
	fclose(fp);
	ck_assert_str_eq(buf, "new");
	unlink(link_path);
	unlink(target);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, resolve_by_name);
	tcase_add_test(tc, cells);
	tcase_add_test(tc, date_memo_gives_the_parsers_answers);
	tcase_add_test(tc, identifier_guard);
	tcase_add_test(tc, atomic_output);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(schema_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
