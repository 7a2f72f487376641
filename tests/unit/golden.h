#ifndef PEERSTAT_TEST_GOLDEN_H
#define PEERSTAT_TEST_GOLDEN_H

#include <stddef.h>

/*
 * Golden values for unit tests. A golden file is tests/golden/<name>.tsv, written by a committed
 * script under scripts/ (R or scipy), one value a line:
 *     key<TAB>value
 * value is a double printed with 17 significant digits (R: sprintf("%.17g")), "NA" for R's NA,
 * "Inf"/"-Inf". Lines starting with '#' are comments (the script names itself there).
 */

/* Value of key in tests/golden/<file>. Fails the running Check test if absent. */
double golden(const char *file, const char *key);

/* 1 when key exists in the file, else 0. */
int golden_has(const char *file, const char *key);

/*
 * Check-assert that got equals want to relative tolerance rel (absolute tolerance rel when
 * |want| < 1). NaN equals NaN (R's NA), and infinities must match exactly. what names the
 * figure in the failure message.
 */
#define ck_assert_close(got, want, rel, what) golden_assert_close((got), (want), (rel), (what), __FILE__, __LINE__)
void golden_assert_close(double got, double want, double rel, const char *what, const char *file, int line);

/*
 * Load one column of a small test CSV under tests/ (plain comma-separated, header row, no
 * quoting) as doubles into a malloc'ed array the caller frees; "NA" or empty becomes NAN.
 * Returns the number of rows; fails the running test when the file or column is missing.
 */
size_t test_load_column(const char *relative, const char *column, double **out);

/*
 * The values of column `value` in a test CSV whose column `group` equals level, as a malloc'ed
 * array the caller frees. Returns how many.
 */
size_t test_load_group(const char *relative, const char *value, const char *group, double level, double **out);

/*
 * Check-assert got against want to relative tolerance rel of |want| itself (also below 1, where
 * ck_assert_close is absolute): for p-values and small figures. NaN must match NaN, infinities
 * exactly; a want of 0 is held to |got| <= rel.
 */
#define ck_assert_rel(got, want, rel, what) golden_assert_rel((got), (want), (rel), (what), __FILE__, __LINE__)
void golden_assert_rel(double got, double want, double rel, const char *what, const char *file, int line);

/*
 * Assertions for hot loops. Check's ck_assert_* record the location of every PASSING assertion
 * with a write(2) to its control file (so that a crash can name the last assertion passed); in
 * a loop over 10^5 rows that was most of a suite's run time, and minutes under valgrind. These
 * call Check only when they fail (the message names the expression and the source line).
 */
#define ck_loop_assert(expr) do { if (!(expr)) ck_abort_msg("Assertion '%s' failed", #expr); } while (0)
#define ck_loop_assert_msg(expr, ...) do { if (!(expr)) ck_abort_msg(__VA_ARGS__); } while (0)

/*
 * The peerstat binary the end-to-end suites run: $PS_PEERSTAT_BIN when set (the valgrind build
 * points it at a wrapper that runs peerstat under memcheck), else the one built with the tests.
 */
const char *test_peerstat_bin(void);

/* Path of a file under tests/ (static buffer; valid until the next call). */
const char *test_path(const char *relative);

/* Write text to a new temporary file named from prefix ("/tmp/check_x_XXXXXX", copied into
 * path, at least 64 bytes); the test unlinks it. */
void test_temp_file(char *path, const char *prefix, const char *text);

#endif
