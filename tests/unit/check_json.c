/* Unit tests for json.c: exact doubles, explained nulls, stable key order. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "peerstat/json.h"

START_TEST(doubles_round_trip)
{
	char buf[32];
	const double values[] = { 0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, DBL_MAX, -DBL_MIN, 123456789.123456789,
				  0.30000000000000004, 1e21, 100, -7.25, 9007199254740993.0 };
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ps_format_double(values[i], buf);
		ck_assert_msg(strtod(buf, NULL) == values[i], "%s does not give back %.17g", buf, values[i]);
	}
	/* shortest form when it suffices */
	ck_assert_str_eq(ps_format_double(0.1, buf), "0.1");
	ck_assert_str_eq(ps_format_double(100, buf), "100");
	ck_assert_str_eq(ps_format_double(-0.0, buf), "0");
	ck_assert_str_eq(ps_format_double(0.30000000000000004, buf), "0.30000000000000004");
}
END_TEST

START_TEST(document_shape_and_warnings)
{
	struct ps_doc doc;
	ck_assert_int_eq(ps_doc_init(&doc, "test"), 0);
	cJSON *group = ps_json_object(&doc, doc.root, "group");
	ps_doc_where(&doc, "group");
	ps_json_number(&doc, group, "mean", 2.5, NULL);
	ps_json_number(&doc, group, "sd", NAN, "one member: no standard deviation");
	ps_json_number(&doc, group, "ratio", INFINITY, NULL);
	ps_json_int(&doc, group, "n", -3);
	ps_json_string(&doc, group, "label", "caf\xC3\xA9 \"x\"");
	ps_json_bool(&doc, group, "ok", 1);
	char *text = ps_doc_print(&doc);
	ck_assert_ptr_nonnull(text);
	cJSON *back = cJSON_Parse(text);
	ck_assert_ptr_nonnull(back);
	/* key order: peerstat first, warnings last */
	ck_assert_str_eq(back->child->string, "peerstat");
	cJSON *last = back->child;
	while (last->next)
		last = last->next;
	ck_assert_str_eq(last->string, "warnings");
	ck_assert_int_eq(cJSON_GetArraySize(last), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(last, 0), "field")->valuestring, "group.sd");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(last, 0), "message")->valuestring,
			 "one member: no standard deviation");
	cJSON *g = cJSON_GetObjectItem(back, "group");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(g, "sd")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(g, "ratio")));
	ck_assert(cJSON_GetObjectItem(g, "mean")->valuedouble == 2.5);
	ck_assert_int_eq(cJSON_GetObjectItem(g, "n")->valueint, -3);
	ck_assert_str_eq(cJSON_GetObjectItem(g, "label")->valuestring, "caf\xC3\xA9 \"x\"");
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "peerstat"), "contract")->valueint, PS_JSON_CONTRACT);
	ck_assert(text[strlen(text) - 1] == '\n');
	/* printing twice gives the same text */
	char *again = ps_doc_print(&doc);
	ck_assert_str_eq(text, again);
	free(again);
	free(text);
	cJSON_Delete(back);
	ps_doc_release(&doc);
}
END_TEST

START_TEST(failed_add_blocks_printing)
{
	struct ps_doc doc;
	ck_assert_int_eq(ps_doc_init(&doc, "test"), 0);
	ps_json_number(&doc, NULL, "orphan", 1, NULL); /* a NULL parent stands for a failed allocation */
	ck_assert_ptr_null(ps_doc_print(&doc));
	ps_doc_release(&doc);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, doubles_round_trip);
	tcase_add_test(tc, document_shape_and_warnings);
	tcase_add_test(tc, failed_add_blocks_printing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
