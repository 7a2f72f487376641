/*
 * End-to-end checks of `peerstat report` HTML (the structure the Markdown goldens in
 * tests/cli/report-* cannot show): every chart present with its text alternative and its table,
 * every count printed through the suppression rules (no count from 1 to 10 in text, tables or
 * SVG labels; no hidden count recoverable as the difference of two printed ones), no
 * NaN/null/undefined, the notice with --min-cell 0, byte-identical output on a second run.
 * Inputs: small summaries with small cells in tests/data/report/ (made by peerstat from the
 * hand-cut inputs named in tests/data/report/README.md) and the bundled study's retention
 * summary (tests/cli/retention-study/expected_stdout).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"

#define SMALL                                                                                                  \
	"tests/data/report/compare_small.json tests/data/report/survival_aml.json tests/data/report/retention_small.json " \
	"tests/data/report/isolation_small.json tests/data/report/sobriety_small.json"
#define WAVES "tests/cli/isolation-study/expected_stdout tests/cli/sobriety-study/expected_stdout"
#define STUDY "tests/cli/retention-study/expected_stdout"

/* Run `peerstat report ARGS` from the repository root; returns its standard output (malloc'ed). */
static char *report(const char *args, int *exit_code)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cd '%s/..' && LC_ALL=C '%s' report %s", PS_TEST_DIR, test_peerstat_bin(), args);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	size_t got;
	while ((got = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2) {
			out = realloc(out, cap *= 2);
			ck_assert_ptr_nonnull(out);
		}
	}
	out[len] = '\0';
	int st = pclose(p);
	*exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The text of an element starting at p (just after its '>'), up to the next '<'. */
static void element_text(const char *p, char *buf, size_t size)
{
	size_t n = 0;
	while (p[n] && p[n] != '<' && n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* A printed count: "0", ">= min" or a suppression mark. Returns its value, -1 for a mark. */
static long count_value(const char *text, long min_cell)
{
	char mark[32];
	snprintf(mark, sizeof(mark), "&lt;%ld", min_cell);
	if (strcmp(text, "*") == 0 || strcmp(text, mark) == 0)
		return -1;
	char *end;
	long v = strtol(text, &end, 10);
	ck_assert_msg(*text && *end == '\0', "count '%s' is neither a number nor a suppression mark", text);
	return v;
}

/* Every element of class "n" (spans in text and tables, <text> in SVG) holds 0, >= min or a mark. */
static size_t check_counts(const char *html, long min_cell)
{
	size_t n = 0;
	for (const char *p = strstr(html, "class=\"n\""); p; p = strstr(p + 1, "class=\"n\"")) {
		const char *gt = strchr(p, '>');
		ck_assert_ptr_nonnull(gt);
		char text[64];
		element_text(gt + 1, text, sizeof(text));
		long v = count_value(text, min_cell);
		ck_assert_msg(v == -1 || v == 0 || v >= min_cell, "count %ld printed (below %ld)", v, min_cell);
		n++;
	}
	return n;
}

/*
 * "A of B" cells (retained of observable): when both are printed, B - A (the not retained) must
 * not be a hidden count either.
 */
static size_t check_pairs(const char *html, long min_cell)
{
	size_t n = 0;
	const char *pat = "</span> of <span class=\"n\">";
	for (const char *p = strstr(html, pat); p; p = strstr(p + 1, pat)) {
		const char *a = p;
		while (a > html && *a != '>')
			a--;
		char at[64], bt[64];
		element_text(a + 1, at, sizeof(at));
		element_text(p + strlen(pat), bt, sizeof(bt));
		long av = count_value(at, min_cell), bv = count_value(bt, min_cell);
		if (av >= 0 && bv >= 0)
			ck_assert_msg(bv - av == 0 || bv - av >= min_cell, "%ld of %ld leaves %ld to be worked out", av, bv,
				      bv - av);
		n++;
	}
	return n;
}

/* In the numbers-at-risk tables, no two printed numbers of one group differ by a hidden count. */
static void check_at_risk(const char *html, long min_cell)
{
	for (const char *t = strstr(html, "<caption>Numbers at risk"); t; t = strstr(t + 1, "<caption>Numbers at risk")) {
		const char *end = strstr(t, "</table>");
		ck_assert_ptr_nonnull(end);
		long col[2][32];
		size_t rows = 0;
		for (const char *r = strstr(t, "<tr><th scope=\"row\">"); r && r < end && rows < 32;
		     r = strstr(r + 1, "<tr><th scope=\"row\">")) {
			/* cells: time, at risk, share, at risk, share */
			const char *c = r;
			for (int k = 0; k < 2; k++) {
				c = strstr(c + 1, "<td>");
				const char *span = strstr(c, "class=\"n\">");
				char text[64];
				element_text(span + strlen("class=\"n\">"), text, sizeof(text));
				col[k][rows] = count_value(text, min_cell);
				c = strstr(c + 1, "<td>");
			}
			rows++;
		}
		ck_assert_uint_gt(rows, 1);
		for (int k = 0; k < 2; k++)
			for (size_t i = 0; i < rows; i++)
				for (size_t j = i + 1; j < rows; j++)
					if (col[k][i] >= 0 && col[k][j] >= 0) {
						long d = col[k][i] - col[k][j];
						ck_assert_msg(d == 0 || d >= min_cell, "at risk %ld then %ld: %ld left, a hidden count",
							      col[k][i], col[k][j], d);
					}
	}
}

/* No table cell is a bare number from 1 to min - 1 (a count that escaped the markers). */
static void check_cells(const char *html, long min_cell)
{
	for (const char *p = strstr(html, "<td>"); p; p = strstr(p + 1, "<td>")) {
		char text[64];
		element_text(p + 4, text, sizeof(text));
		char *end;
		long v = strtol(text, &end, 10);
		if (*text && *end == '\0')
			ck_assert_msg(v == 0 || v >= min_cell, "table cell %ld", v);
	}
}

static void check_no_undefined(const char *html)
{
	static const char *const bad[] = { "NaN", "nan%", "null", "undefined", "inf%", " inf", "-nan" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(strstr(html, bad[i]) == NULL, "'%s' in the report", bad[i]);
}

/* Each figure: one SVG with <title> and <desc>, followed by the table of its figures. */
static void check_figures(const char *html, size_t expected)
{
	ck_assert_uint_eq(count(html, "<figure id=\"figure-"), expected);
	ck_assert_uint_eq(count(html, "<svg xmlns="), expected);
	ck_assert_uint_eq(count(html, "</svg>"), expected);
	for (size_t f = 1; f <= expected; f++) {
		char id[64];
		snprintf(id, sizeof(id), "<title id=\"fig%zu-title\">", f);
		ck_assert_msg(strstr(html, id) != NULL, "figure %zu has no title", f);
		snprintf(id, sizeof(id), "<desc id=\"fig%zu-desc\">", f);
		ck_assert_msg(strstr(html, id) != NULL, "figure %zu has no text alternative", f);
	}
	for (const char *p = strstr(html, "</figure>\n"); p; p = strstr(p + 1, "</figure>\n"))
		ck_assert_msg(strncmp(p + strlen("</figure>\n"), "<table>", 7) == 0, "a figure without its table");
}

START_TEST(study_report_structure)
{
	int code;
	char *html = report(STUDY, &code);
	ck_assert_int_eq(code, 0);
	ck_assert(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
	ck_assert(strstr(html, "</html>\n") != NULL);
	check_figures(html, 2);
	ck_assert_uint_eq(count(html, "<path class=\"curve\""), 2); /* both Kaplan-Meier curves drawn */
	ck_assert_uint_eq(count(html, "<path class=\"band\""), 2);
	ck_assert_uint_eq(count(html, "<circle class=\"point\""), 4); /* treatment at 4 checkpoints */
	ck_assert_uint_eq(count(html, "<rect class=\"point\""), 4);
	ck_assert(strstr(html, "@media print") && strstr(html, "@page"));
	ck_assert(strstr(html, "<script") == NULL && strstr(html, "http://") == strstr(html, "http://www.w3.org/2000/svg"));
	ck_assert_uint_gt(check_counts(html, 11), 50);
	ck_assert_uint_ge(check_pairs(html, 11), 10); /* 8 checkpoint cells, 2 attrition lines */
	check_at_risk(html, 11);
	check_cells(html, 11);
	check_no_undefined(html);
	/* the headline says who stayed longer, with its interval and p-value */
	ck_assert(strstr(html, "Peer members stayed in the programme longer: 58% were still attending at 180 days versus "
			       "28% of therapy only members (difference 30 percentage points, 95% CI 22 to 38; p &lt; 0.001"));
	free(html);
}
END_TEST

START_TEST(waves_report_structure)
{
	int code;
	char *html = report(WAVES, &code);
	ck_assert_int_eq(code, 0);
	check_figures(html, 3); /* isolation change, abstinence, time to relapse */
	ck_assert_uint_eq(count(html, "<path class=\"curve\""), 2);
	/* isolation: 2 waves x 2 cohorts; abstinence: 2 waves x 2 cohorts x 2 analyses */
	ck_assert_uint_eq(count(html, "<circle class=\"point\"") + count(html, "<rect class=\"point\""), 12);
	ck_assert_uint_gt(check_counts(html, 11), 50);
	ck_assert_uint_ge(check_pairs(html, 11), 8);
	check_at_risk(html, 11);
	check_cells(html, 11);
	check_no_undefined(html);
	ck_assert(strstr(html, "Isolation at 6m: peer members' scores changed by -1.38 on average") != NULL);
	ck_assert(strstr(html, "Abstinence at 6m: 49% of peer members assessed were abstinent versus 40% of therapy only "
			       "members; a difference was not shown") != NULL);
	free(html);
}
END_TEST

START_TEST(small_cells_suppressed)
{
	int code;
	char *html = report(SMALL, &code);
	ck_assert_int_eq(code, 0);
	check_figures(html, 6); /* survival 1, retention 2, isolation 1, sobriety 2 */
	ck_assert_uint_gt(check_counts(html, 11), 40);
	check_pairs(html, 11);
	check_at_risk(html, 11);
	check_cells(html, 11);
	check_no_undefined(html);
	/* suppression happened, and the charts of suppressed groups say so */
	ck_assert_uint_gt(count(html, "<span class=\"n\">&lt;11</span>"), 10);
	ck_assert_uint_gt(count(html, "<span class=\"n\">*</span>"), 10);
	ck_assert(strstr(html, "curve withheld (a count below 11)") != NULL);
	ck_assert(strstr(html, "withheld (&lt;11)") != NULL);
	ck_assert(strstr(html, "is not drawn.</desc>") != NULL);
	ck_assert(strstr(html, "class=\"notice\"") == NULL);
	free(html);
}
END_TEST

START_TEST(other_threshold)
{
	int code;
	char *html = report("--min-cell 20 " SMALL, &code);
	ck_assert_int_eq(code, 0);
	check_counts(html, 20);
	check_pairs(html, 20);
	check_at_risk(html, 20);
	check_cells(html, 20);
	ck_assert(strstr(html, "<span class=\"n\">&lt;20</span>") != NULL);
	free(html);
}
END_TEST

START_TEST(suppression_off_says_so)
{
	int code;
	char *html = report("--min-cell 0 " SMALL, &code);
	ck_assert_int_eq(code, 0);
	ck_assert(strstr(html, "<p class=\"notice\" role=\"note\">Small-number suppression is OFF") != NULL);
	/* the small counts are there now: peer never attended 3, dropped out 7 */
	ck_assert(strstr(html, "<span class=\"n\">7</span>") != NULL);
	ck_assert(strstr(html, "&lt;11") == NULL);
	check_no_undefined(html);
	free(html);
}
END_TEST

START_TEST(same_input_same_bytes)
{
	int c1, c2;
	char *a = report(SMALL, &c1), *b = report(SMALL, &c2);
	ck_assert_int_eq(c1, 0);
	ck_assert_int_eq(c2, 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = report("--format md " STUDY, &c1);
	b = report("--format md " STUDY, &c2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(bad_summaries_exit_65)
{
	static const char *const bad[] = { "datasets/bad/summary-not-json.json", "datasets/bad/summary-truncated.json",
					   "datasets/bad/summary-wrong-contract.json", "datasets/bad/summary-not-peerstat.json",
					   "datasets/bad/summary-other-command.json" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int code;
		char args[256];
		snprintf(args, sizeof(args), "%s 2>/dev/null", bad[i]);
		char *out = report(args, &code);
		ck_assert_int_eq(code, 65);
		ck_assert_str_eq(out, ""); /* nothing half-written */
		free(out);
	}
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("html");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, study_report_structure);
	tcase_add_test(tc, waves_report_structure);
	tcase_add_test(tc, small_cells_suppressed);
	tcase_add_test(tc, other_threshold);
	tcase_add_test(tc, suppression_off_says_so);
	tcase_add_test(tc, same_input_same_bytes);
	tcase_add_test(tc, bad_summaries_exit_65);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
