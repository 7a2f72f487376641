#ifndef PEERSTAT_CMD_REPORT_CHART_H
#define PEERSTAT_CMD_REPORT_CHART_H

/*
 * The report's charts, drawn as self-contained SVG documents (no external assets, no script):
 * usable inline in HTML and as separate .svg files next to a Markdown report. Colours are the
 * Okabe-Ito palette (safe for the common colour-vision deficiencies) and every series also
 * differs in line dash and marker shape, so the charts read in grey print too. Each SVG carries
 * <title> and <desc> (the text alternative), with ids made from the figure number so that
 * several charts can sit inline in one page. Counts in labels that carry the report's count
 * markers (report_doc.h) are drawn in <text class="n"> for the tests.
 *
 * Every function returns a malloc'ed NUL-terminated SVG the caller owns, or NULL when out of
 * memory. Coordinates are printed with two decimals: the output is deterministic.
 */

#include <stddef.h>

#define PS_CHART_MAX_SERIES 4

/* One step of a Kaplan-Meier line: from time on, the curve is at surv (band lower..upper). */
struct ps_km_point {
	double time, surv, lower, upper;
};

struct ps_km_line {
	const char *name;                 /* legend text */
	const struct ps_km_point *points; /* points[0] is (0, 1, 1, 1) */
	size_t npoints;
	double end;                       /* the line is drawn up to this time */
	const char *withheld;             /* non-NULL: the line is not drawn; this says why */
};

/*
 * Kaplan-Meier curves of nlines groups (at most PS_CHART_MAX_SERIES) with their confidence
 * bands, time axis 0..xmax with ticks, and a numbers-at-risk table under the axis:
 * at_risk[line * nticks + tick] is the text at each tick. note (or NULL) is printed under it.
 */
char *ps_chart_km(int figure, const char *title, const char *desc, const struct ps_km_line *lines, size_t nlines,
		  double xmax, const double *ticks, size_t nticks, const char *xlabel, const char *ylabel,
		  const char *const *at_risk, const char *note);

/* One estimate with its interval; withheld (non-NULL): not drawn, the text drawn instead. */
struct ps_ci_point {
	double estimate, lower, upper;
	const char *withheld;
};

/*
 * Estimates with interval bars, grouped by category (checkpoint, wave): points[c * nseries + s].
 * percent: values are proportions, drawn as 0..100%. ymin/ymax: the axis range.
 */
char *ps_chart_ci(int figure, const char *title, const char *desc, const char *const *categories, size_t ncategories,
		  const char *const *series, size_t nseries, const struct ps_ci_point *points, double ymin, double ymax,
		  int percent, const char *ylabel, const char *note);

/* Tick positions 0, step, 2 step, ... <= max with step 1, 2 or 5 times a power of ten, at most cap. */
size_t ps_chart_ticks(double max, double *ticks, size_t cap);

#endif
