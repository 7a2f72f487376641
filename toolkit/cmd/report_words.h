#ifndef PEERSTAT_CMD_REPORT_WORDS_H
#define PEERSTAT_CMD_REPORT_WORDS_H

/*
 * Plain-language pieces of the report: numbers rounded for reading, percentages, intervals,
 * p-values in words, and reading a summary's JSON leniently (a member that is missing or null
 * reads as NaN / -1, which the sections print as "not available"). Every function writes into
 * a caller's buffer of at least PS_WORDS_BUF bytes and returns it.
 */

#include <cjson/cJSON.h>
#include <stddef.h>

#define PS_WORDS_BUF 96

/* A group label for text: '_' as a space, control characters dropped ("therapy_only" -> "therapy only"). */
char *ps_words_label(const char *label, char *buf);

/* x with the given number of decimals ("-" for a minus); "not available" for NaN. */
char *ps_words_num(double x, int decimals, char *buf);

/* A proportion as a whole percentage ("71%"); one decimal below 1% and above 99%. */
char *ps_words_pct(double p, char *buf);

/* A proportion difference in percentage points, signed ("17", "-3"). */
char *ps_words_points(double d, char *buf);

/* "95% CI 9 to 25" from a level and limits already formatted; a NaN limit reads "not reached". */
char *ps_words_ci(double conf, const char *lo, const char *hi, char *buf);

/* "p < 0.001", "p = 0.012", "p = 0.21"; "p not available" for NaN. */
char *ps_words_p(double p, char *buf);

/* 1 when p is below 1 - conf (the interval excludes no difference), 0 otherwise or for NaN. */
int ps_words_shown(double p, double conf);

/* Decimals that suit a figure of this size for reading (2 below 10, 1 below 100, else 0). */
int ps_words_decimals(double x);

/*
 * snprintf into buf (size bytes), cut when longer: for sentences assembled from pieces whose
 * length the compiler cannot bound (the report prefers a cut sentence to an overflow).
 */
void ps_words_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Members of a summary: the child of o at key (NULL when missing). */
const cJSON *ps_rj(const cJSON *o, const char *key);

/* A number (NaN when missing, null or not a number). */
double ps_rj_num(const cJSON *o, const char *key);

/* A count (-1 when missing, null, negative or not a whole number). */
long long ps_rj_count(const cJSON *o, const char *key);

/* A string (NULL when missing or not a string). */
const char *ps_rj_str(const cJSON *o, const char *key);

#endif
