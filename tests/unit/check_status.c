/* Unit tests for status.c: exit codes and the located message format. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/status.h"

START_TEST(exit_codes_follow_sysexits)
{
	ck_assert_int_eq(ps_status_exit_code(PS_OK), 0);
	ck_assert_int_eq(ps_status_exit_code(PS_EUSAGE), 64);
	ck_assert_int_eq(ps_status_exit_code(PS_EDATA), 65);
	ck_assert_int_eq(ps_status_exit_code(PS_ENOINPUT), 66);
	ck_assert_int_eq(ps_status_exit_code(PS_EINTERNAL), 70);
	ck_assert_int_eq(ps_status_exit_code(PS_ECANTCREAT), 73);
	ck_assert_int_eq(ps_status_exit_code(PS_EIO), 74);
	ck_assert_int_eq(ps_status_exit_code(PS_EPIPE), 0);
}
END_TEST

START_TEST(format_full_location)
{
	struct ps_error err;
	char buf[512];
	ps_error_clear(&err);
	strcpy(err.file, "roll.csv");
	err.line = 12;
	err.column = 3;
	strcpy(err.column_name, "session_date");
	strcpy(err.value, "2024-02-30");
	strcpy(err.expected, "a date YYYY-MM-DD");
	ck_assert_int_eq(ps_error_set(&err, PS_EDATA, "no such day"), PS_EDATA);
	ck_assert_str_eq(ps_error_format(&err, buf, sizeof(buf)),
			 "roll.csv:12:3: no such day (column 'session_date', value '2024-02-30', expected a date YYYY-MM-DD)");
}
END_TEST

START_TEST(format_without_location_or_details)
{
	struct ps_error err;
	char buf[64];
	ps_error_clear(&err);
	ps_error_set(&err, PS_EIO, "write failed");
	ck_assert_str_eq(ps_error_format(&err, buf, sizeof(buf)), "write failed");
	strcpy(err.file, "-");
	ck_assert_str_eq(ps_error_format(&err, buf, sizeof(buf)), "-: write failed");
	/* a buffer too small truncates instead of overflowing */
	char tiny[8];
	ps_error_format(&err, tiny, sizeof(tiny));
	ck_assert_uint_eq(strlen(tiny), 7);
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, exit_codes_follow_sysexits);
	tcase_add_test(tc, format_full_location);
	tcase_add_test(tc, format_without_location_or_details);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(status_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
