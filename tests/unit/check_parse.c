/* Unit tests for parse.c: one strict parser per type, dates and calendars, NA sets, UTF-8. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "peerstat/parse.h"

#define S(lit) lit, strlen(lit)

START_TEST(integers)
{
	int64_t v = 7;
	ck_assert(ps_parse_int(S("42"), &v, NULL) && v == 42);
	ck_assert(ps_parse_int(S("-0"), &v, NULL) && v == 0);
	ck_assert(ps_parse_int(S("+17"), &v, NULL) && v == 17);
	ck_assert(ps_parse_int(S("9223372036854775807"), &v, NULL) && v == INT64_MAX);
	ck_assert(ps_parse_int(S("-9223372036854775808"), &v, NULL) && v == INT64_MIN);
	const char *bad[] = { "", "-", " 1", "1 ", "1.0", "1e3", "0x10", "9223372036854775808", "-9223372036854775809",
			      "99999999999999999999", "12a" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		const char *why = NULL;
		ck_assert_msg(!ps_parse_int(bad[i], strlen(bad[i]), &v, &why), "accepted '%s'", bad[i]);
		ck_assert_int_eq(v, 99); /* output untouched on failure */
		ck_assert_ptr_nonnull(why);
	}
	/* the length bounds the value: digits after it are not read */
	ck_assert(ps_parse_int("123456", 3, &v, NULL) && v == 123);
}
END_TEST

START_TEST(decimals)
{
	double v = 0;
	ck_assert(ps_parse_double(S("3.25"), &v, NULL) && v == 3.25);
	ck_assert(ps_parse_double(S("-.5"), &v, NULL) && v == -0.5);
	ck_assert(ps_parse_double(S("5."), &v, NULL) && v == 5.0);
	ck_assert(ps_parse_double(S("1e-3"), &v, NULL) && v == 1e-3);
	ck_assert(ps_parse_double(S("2.5E+2"), &v, NULL) && v == 250);
	ck_assert(ps_parse_double(S("-0"), &v, NULL) && v == 0 && !signbit(v));
	ck_assert(ps_parse_double(S("0.1"), &v, NULL) && v == 0.1);
	ck_assert(ps_parse_double(S("1.7976931348623157e308"), &v, NULL) && v == 1.7976931348623157e308);
	const char *bad[] = { "", ".", "-", "1e", "1e+", "nan", "NaN", "inf", "-Infinity", "0x1p3", " 1", "1 ",
			      "1,5", "1.2.3", "1e400", "-1e400", "1e-400", "1_000", "e5", "--1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		ck_assert_msg(!ps_parse_double(bad[i], strlen(bad[i]), &v, NULL), "accepted '%s'", bad[i]);
		ck_assert(v == 99);
	}
	/* not NUL-terminated: the parser must stop at len */
	ck_assert(ps_parse_double("2.5xyz", 3, &v, NULL) && v == 2.5);
}
END_TEST

START_TEST(dates)
{
	int32_t d = 0;
	char buf[16];
	ck_assert(ps_parse_date(S("1970-01-01"), PS_DATE_ISO, &d, NULL) && d == 0);
	ck_assert(ps_parse_date(S("2024-02-29"), PS_DATE_ISO, &d, NULL) && d == 19782);
	ck_assert_str_eq(ps_format_date(d, buf), "2024-02-29");
	ck_assert(ps_parse_date(S("2000-02-29"), PS_DATE_ISO, &d, NULL));
	ck_assert(ps_parse_date(S("1900-03-01"), PS_DATE_ISO, &d, NULL) && d == -25508);
	ck_assert(ps_parse_date(S("0001-01-01"), PS_DATE_ISO, &d, NULL));
	ck_assert_str_eq(ps_format_date(d, buf), "0001-01-01");
	ck_assert(ps_parse_date(S("9999-12-31"), PS_DATE_ISO, &d, NULL));
	ck_assert_str_eq(ps_format_date(d, buf), "9999-12-31");
	ck_assert(ps_parse_date(S("3/4/2024"), PS_DATE_MDY, &d, NULL));
	ck_assert_str_eq(ps_format_date(d, buf), "2024-03-04");
	ck_assert(ps_parse_date(S("03/04/2024"), PS_DATE_DMY, &d, NULL));
	ck_assert_str_eq(ps_format_date(d, buf), "2024-04-03");
	const char *bad_iso[] = { "2024-02-30", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
				  "2024-1-01", "24-01-01", "2024/01/01", "2024-01-01 ", "2024-01-01T00:00", "0000-01-01", "" };
	for (size_t i = 0; i < sizeof(bad_iso) / sizeof(bad_iso[0]); i++) {
		d = 5;
		ck_assert_msg(!ps_parse_date(bad_iso[i], strlen(bad_iso[i]), PS_DATE_ISO, &d, NULL), "accepted '%s'", bad_iso[i]);
		ck_assert_int_eq(d, 5);
	}
	ck_assert(!ps_parse_date(S("2/30/2024"), PS_DATE_MDY, &d, NULL));
	ck_assert(!ps_parse_date(S("30/2/2024"), PS_DATE_DMY, &d, NULL));
	ck_assert(!ps_parse_date(S("13/1/2024"), PS_DATE_MDY, &d, NULL));
	ck_assert(!ps_parse_date(S("2024-01-01"), PS_DATE_MDY, &d, NULL));
	/* every day of four centuries round-trips through format and parse */
	for (int32_t day = ps_days_from_civil(1900, 1, 1); day <= ps_days_from_civil(2300, 12, 31); day++) {
		int32_t back;
		ps_format_date(day, buf);
		ck_loop_assert_msg(ps_parse_date(buf, 10, PS_DATE_ISO, &back, NULL) && back == day, "day %d: %s", day, buf);
	}
}
END_TEST

START_TEST(booleans)
{
	const char *yes[] = { "1", "yes", "YES", "Yes", "true", "TRUE", "y", "Y", "present", "Present" };
	const char *no[] = { "0", "no", "No", "false", "False", "n", "N", "absent", "ABSENT" };
	const char *bad[] = { "", "2", "ja", "t", "f", "yes ", " no", "on", "off", "-1" };
	int b;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(ps_parse_bool(yes[i], strlen(yes[i]), &b, NULL) && b == 1, "%s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(ps_parse_bool(no[i], strlen(no[i]), &b, NULL) && b == 0, "%s", no[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ps_parse_bool(bad[i], strlen(bad[i]), &b, NULL), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(missing_tokens)
{
	struct ps_na_set set;
	ck_assert_int_eq(ps_na_set_init_default(&set), 0);
	ck_assert(ps_na_set_has(&set, S("")));
	ck_assert(ps_na_set_has(&set, S("NA")));
	ck_assert(ps_na_set_has(&set, S("N/A")));
	ck_assert(ps_na_set_has(&set, S(".")));
	ck_assert(!ps_na_set_has(&set, S("na")));
	ck_assert(!ps_na_set_has(&set, S("NaN")));
	ck_assert(!ps_na_set_has(&set, S("0")));
	ps_na_set_release(&set);
	ck_assert_int_eq(ps_na_set_init_list(&set, "-99,missing"), 0);
	ck_assert(ps_na_set_has(&set, S("-99")));
	ck_assert(ps_na_set_has(&set, S("missing")));
	ck_assert(!ps_na_set_has(&set, S("")));
	ck_assert(!ps_na_set_has(&set, S("NA")));
	ps_na_set_release(&set);
}
END_TEST

START_TEST(utf8)
{
	ck_assert(ps_utf8_valid(S("plain ascii")));
	ck_assert(ps_utf8_valid(S("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")));
	ck_assert(!ps_utf8_valid(S("\xC3")));              /* cut short */
	ck_assert(!ps_utf8_valid(S("\xC0\xAF")));          /* overlong */
	ck_assert(!ps_utf8_valid(S("\xE0\x80\xAF")));      /* overlong */
	ck_assert(!ps_utf8_valid(S("\xED\xA0\x80")));      /* surrogate */
	ck_assert(!ps_utf8_valid(S("\xF4\x90\x80\x80")));  /* past U+10FFFF */
	ck_assert(!ps_utf8_valid(S("\xFF")));
	ck_assert(!ps_utf8_valid("a\0b", 3));
	ck_assert(ps_utf8_valid("", 0));
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, integers);
	tcase_add_test(tc, decimals);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, missing_tokens);
	tcase_add_test(tc, utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
