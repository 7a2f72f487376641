/* SVG charts; see report_chart.h. */
#include "report_chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "report_doc.h"

/* Okabe-Ito: blue, vermillion, bluish green, reddish purple; then dashes and markers */
static const char *const colour[PS_CHART_MAX_SERIES] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7" };
static const char *const dash[PS_CHART_MAX_SERIES] = { "none", "6 3", "2 2", "8 3 2 3" };

static void put(struct ps_text_buf *b, const char *s)
{
	if (*s)
		ps_text_put(b, s, strlen(s));
}

static void putf(struct ps_text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct ps_text_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ps_text_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* XML-escaped text without the count markers; returns 1 when s held a count. */
static int put_text(struct ps_text_buf *b, const char *s)
{
	int count = 0;
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': put(b, "&amp;"); break;
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '"': put(b, "&quot;"); break;
		case PS_REP_N_OPEN: count = 1; break;
		case PS_REP_N_CLOSE: break;
		default:
			if ((unsigned char)*p >= 0x20)
				ps_text_put(b, p, 1);
		}
	}
	return count;
}

/* <text> at x, y with anchor; class "n" when the text is a count. */
static void text_at(struct ps_text_buf *b, double x, double y, const char *anchor, const char *extra, const char *s)
{
	int count = strchr(s, PS_REP_N_OPEN) != NULL;
	putf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\"%s%s>", x, y, anchor, count ? " class=\"n\"" : "",
	     extra ? extra : "");
	put_text(b, s);
	put(b, "</text>\n");
}

static void open_svg(struct ps_text_buf *b, int figure, int width, int height, const char *title, const char *desc)
{
	putf(b,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	     "aria-labelledby=\"fig%d-title fig%d-desc\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
	     width, height, width, height, figure, figure);
	putf(b, "<title id=\"fig%d-title\">", figure);
	put_text(b, title);
	putf(b, "</title>\n<desc id=\"fig%d-desc\">", figure);
	put_text(b, desc);
	put(b, "</desc>\n");
	putf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
}

static char *close_svg(struct ps_text_buf *b)
{
	put(b, "</svg>\n");
	if (b->failed) {
		free(b->buf);
		return NULL;
	}
	return b->buf;
}

size_t ps_chart_ticks(double max, double *ticks, size_t cap)
{
	if (!(max > 0) || !isfinite(max) || cap < 2) {
		if (cap)
			ticks[0] = 0;
		return cap ? 1 : 0;
	}
	double raw = max / 6, p = pow(10, floor(log10(raw))), step = p;
	if (raw > 5 * p)
		step = 10 * p;
	else if (raw > 2 * p)
		step = 5 * p;
	else if (raw > p)
		step = 2 * p;
	size_t n = 0;
	for (double t = 0; t <= max * (1 + 1e-12) && n < cap; t = step * (double)n)
		ticks[n++] = t;
	return n;
}

static void tick_label(double t, char *buf, size_t size)
{
	if (t == floor(t) && fabs(t) < 1e15)
		snprintf(buf, size, "%.0f", t);
	else
		snprintf(buf, size, "%g", t);
}

#define LEGEND_RIGHT 700.0
#define LEGEND_ROW 18.0

/* The width a legend entry takes (a generous estimate of the text at 12px). */
static double legend_width(const char *name)
{
	return 40 + 7.0 * (double)strlen(name) + 24;
}

/* Rows the legend needs from x (entries wrap before LEGEND_RIGHT). */
static int legend_rows(double x, const char *const *names, size_t n)
{
	int rows = 1;
	double at = x;
	for (size_t s = 0; s < n; s++) {
		if (s && at + legend_width(names[s]) > LEGEND_RIGHT) {
			rows++;
			at = x;
		}
		at += legend_width(names[s]);
	}
	return rows;
}

static void legend(struct ps_text_buf *b, double x, double y, const char *const *names, size_t n)
{
	double at = x;
	for (size_t s = 0; s < n; s++) {
		if (s && at + legend_width(names[s]) > LEGEND_RIGHT) {
			y += LEGEND_ROW;
			at = x;
		}
		putf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>\n",
		     at, y - 4, at + 28, y - 4, colour[s], dash[s]);
		text_at(b, at + 34, y, "start", NULL, names[s]);
		at += legend_width(names[s]);
	}
}

static double clamp01(double v, double fallback)
{
	if (!isfinite(v))
		return fallback;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

char *ps_chart_km(int figure, const char *title, const char *desc, const struct ps_km_line *lines, size_t nlines,
		  double xmax, const double *ticks, size_t nticks, const char *xlabel, const char *ylabel,
		  const char *const *at_risk, const char *note)
{
	struct ps_text_buf b = { 0 };
	if (nlines > PS_CHART_MAX_SERIES)
		nlines = PS_CHART_MAX_SERIES;
	const char *legend_names[PS_CHART_MAX_SERIES];
	for (size_t l = 0; l < nlines; l++)
		legend_names[l] = lines[l].name;
	const double x0 = 120, x1 = 700, shift = LEGEND_ROW * (legend_rows(x0, legend_names, nlines) - 1);
	const double y0 = 44 + shift, y1 = 300 + shift;
	int height = (int)(y1 + 84 + 18 * (double)nlines + (note ? 24 : 0));
	if (!(xmax > 0))
		xmax = 1;
	open_svg(&b, figure, 720, height, title, desc);
#define X(t) (x0 + (x1 - x0) * ((t) < 0 ? 0 : (t) > xmax ? 1 : (t) / xmax))
#define Y(s) (y1 - (y1 - y0) * (s))
	const char *names[PS_CHART_MAX_SERIES];
	for (size_t l = 0; l < nlines; l++)
		names[l] = lines[l].name;
	legend(&b, x0, 20, names, nlines);
	/* axes and grid */
	for (int k = 0; k <= 5; k++) {
		double s = k / 5.0;
		char label[16];
		snprintf(label, sizeof(label), "%d%%", k * 20);
		putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>\n", x0, Y(s), x1, Y(s));
		text_at(&b, x0 - 6, Y(s) + 4, "end", NULL, label);
	}
	putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>\n", x0, y1, x1, y1);
	putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>\n", x0, y0, x0, y1);
	for (size_t k = 0; k < nticks; k++) {
		char label[32];
		tick_label(ticks[k], label, sizeof(label));
		putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>\n", X(ticks[k]), y1,
		     X(ticks[k]), y1 + 5);
		text_at(&b, X(ticks[k]), y1 + 18, "middle", NULL, label);
	}
	text_at(&b, (x0 + x1) / 2, y1 + 36, "middle", NULL, xlabel);
	char yl[160];
	snprintf(yl, sizeof(yl), " transform=\"rotate(-90 16 %.2f)\"", (y0 + y1) / 2);
	text_at(&b, 16, (y0 + y1) / 2, "middle", yl, ylabel);
	/* bands first, lines on top */
	for (size_t l = 0; l < nlines; l++) {
		const struct ps_km_line *ln = &lines[l];
		if (ln->withheld || ln->npoints == 0)
			continue;
		putf(&b, "<path class=\"band\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" d=\"", colour[l]);
		for (size_t i = 0; i < ln->npoints; i++) {
			const struct ps_km_point *p = &ln->points[i];
			double next = i + 1 < ln->npoints ? ln->points[i + 1].time : ln->end;
			double hi = clamp01(p->upper, clamp01(p->surv, 0));
			if (i == 0)
				putf(&b, "M%.2f %.2f H%.2f", X(p->time), Y(hi), X(next));
			else
				putf(&b, " V%.2f H%.2f", Y(hi), X(next));
		}
		for (size_t i = ln->npoints; i-- > 0;) {
			const struct ps_km_point *p = &ln->points[i];
			double lo = clamp01(p->lower, clamp01(p->surv, 0));
			putf(&b, " V%.2f H%.2f", Y(lo), X(p->time));
		}
		put(&b, " Z\"/>\n");
	}
	for (size_t l = 0; l < nlines; l++) {
		const struct ps_km_line *ln = &lines[l];
		if (ln->withheld || ln->npoints == 0)
			continue;
		putf(&b, "<path class=\"curve\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\" d=\"M%.2f %.2f",
		     colour[l], dash[l], X(ln->points[0].time), Y(clamp01(ln->points[0].surv, 1)));
		for (size_t i = 0; i < ln->npoints; i++) {
			double next = i + 1 < ln->npoints ? ln->points[i + 1].time : ln->end;
			if (i)
				putf(&b, " V%.2f", Y(clamp01(ln->points[i].surv, 0)));
			putf(&b, " H%.2f", X(next));
		}
		put(&b, "\"/>\n");
	}
	/* numbers at risk */
	double ry = y1 + 62;
	text_at(&b, 4, ry, "start", " font-weight=\"bold\"", "Number at risk");
	for (size_t l = 0; l < nlines; l++) {
		double y = ry + 18 * (double)(l + 1);
		putf(&b, "<line x1=\"4\" y1=\"%.2f\" x2=\"20\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"%s\"/>\n",
		     y - 4, y - 4, colour[l], dash[l]);
		text_at(&b, 24, y, "start", NULL, lines[l].name);
		for (size_t k = 0; k < nticks; k++)
			text_at(&b, X(ticks[k]), y, "middle", NULL, at_risk[l * nticks + k]);
		if (lines[l].withheld)
			text_at(&b, (x0 + x1) / 2, y0 + 20 + 16 * (double)l, "middle", " fill=\"#555555\"", lines[l].withheld);
	}
	if (note)
		text_at(&b, 4, ry + 18 * (double)(nlines + 1) + 4, "start", " fill=\"#555555\" font-size=\"11\"", note);
#undef X
#undef Y
	return close_svg(&b);
}

char *ps_chart_ci(int figure, const char *title, const char *desc, const char *const *categories, size_t ncategories,
		  const char *const *series, size_t nseries, const struct ps_ci_point *points, double ymin, double ymax,
		  int percent, const char *ylabel, const char *note)
{
	struct ps_text_buf b = { 0 };
	if (nseries > PS_CHART_MAX_SERIES)
		nseries = PS_CHART_MAX_SERIES;
	const double x0 = 80, x1 = 700, shift = LEGEND_ROW * (legend_rows(x0, series, nseries) - 1);
	const double y0 = 44 + shift, y1 = 300 + shift;
	if (!(ymax > ymin))
		ymax = ymin + 1;
	int height = (int)(y1 + 50 + (note ? 22 : 0));
	open_svg(&b, figure, 720, height, title, desc);
#define Y(v) (y1 - (y1 - y0) * (((v) < ymin ? ymin : (v) > ymax ? ymax : (v)) - ymin) / (ymax - ymin))
	legend(&b, x0, 20, series, nseries);
	double yt[16];
	size_t nyt = ps_chart_ticks(ymax - ymin, yt, 16);
	for (size_t k = 0; k < nyt; k++) {
		double v = ymin + yt[k];
		char label[32];
		if (percent)
			snprintf(label, sizeof(label), "%.0f%%", 100 * v);
		else
			tick_label(v, label, sizeof(label));
		putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>\n", x0, Y(v), x1, Y(v));
		text_at(&b, x0 - 6, Y(v) + 4, "end", NULL, label);
	}
	putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>\n", x0, y1, x1, y1);
	putf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>\n", x0, y0, x0, y1);
	char yl[160];
	snprintf(yl, sizeof(yl), " transform=\"rotate(-90 16 %.2f)\"", (y0 + y1) / 2);
	text_at(&b, 16, (y0 + y1) / 2, "middle", yl, ylabel);
	double band = (x1 - x0) / (double)(ncategories ? ncategories : 1);
	for (size_t c = 0; c < ncategories; c++) {
		double cx = x0 + band * ((double)c + 0.5);
		text_at(&b, cx, y1 + 18, "middle", NULL, categories[c]);
		for (size_t s = 0; s < nseries; s++) {
			const struct ps_ci_point *p = &points[c * nseries + s];
			double x = cx + band * 0.5 * (((double)s + 0.5) / (double)nseries - 0.5);
			if (p->withheld || !isfinite(p->estimate)) {
				text_at(&b, x, y1 - 8, "middle", " fill=\"#555555\" font-size=\"10\"",
					p->withheld ? p->withheld : "n/a");
				continue;
			}
			if (isfinite(p->lower) && isfinite(p->upper)) {
				putf(&b, "<path class=\"ci\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\" d=\"M%.2f %.2f V%.2f M%.2f %.2f H%.2f M%.2f %.2f H%.2f\"/>\n",
				     colour[s], x, Y(p->lower), Y(p->upper), x - 5, Y(p->lower), x + 5, x - 5, Y(p->upper), x + 5);
			}
			if (s % 2 == 0)
				putf(&b, "<circle class=\"point\" cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"%s\"/>\n", x, Y(p->estimate), colour[s]);
			else
				putf(&b, "<rect class=\"point\" x=\"%.2f\" y=\"%.2f\" width=\"9\" height=\"9\" fill=\"%s\"/>\n", x - 4.5,
				     Y(p->estimate) - 4.5, colour[s]);
		}
	}
	if (note)
		text_at(&b, 4, y1 + 44, "start", " fill=\"#555555\" font-size=\"11\"", note);
#undef Y
	return close_svg(&b);
}
