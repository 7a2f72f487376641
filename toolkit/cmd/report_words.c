/* Plain-language numbers and lenient summary reading; see report_words.h. */
#include "report_words.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

char *ps_words_label(const char *label, char *buf)
{
	size_t j = 0;
	for (const char *p = label ? label : "?"; *p && j + 1 < PS_WORDS_BUF; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			continue;
		buf[j++] = c == '_' ? ' ' : (char)c;
	}
	buf[j] = '\0';
	return buf;
}

char *ps_words_num(double x, int decimals, char *buf)
{
	if (!isfinite(x)) {
		snprintf(buf, PS_WORDS_BUF, "not available");
		return buf;
	}
	double scale = pow(10, decimals);
	double r = round(x * scale) / scale;
	if (r == 0)
		r = 0; /* no "-0" */
	snprintf(buf, PS_WORDS_BUF, "%.*f", decimals, r);
	return buf;
}

char *ps_words_pct(double p, char *buf)
{
	if (!isfinite(p)) {
		snprintf(buf, PS_WORDS_BUF, "not available");
		return buf;
	}
	double pct = 100 * p;
	int dec = (pct > 0 && pct < 1) || (pct > 99 && pct < 100) ? 1 : 0;
	ps_words_num(pct, dec, buf);
	strcat(buf, "%");
	return buf;
}

char *ps_words_points(double d, char *buf)
{
	return ps_words_num(100 * d, 0, buf);
}

char *ps_words_ci(double conf, const char *lo, const char *hi, char *buf)
{
	char level[PS_WORDS_BUF];
	ps_words_num(100 * conf, fabs(100 * conf - round(100 * conf)) < 1e-9 ? 0 : 1, level);
	/* limits are short numbers; a long one is cut rather than overflowing */
	if (snprintf(buf, PS_WORDS_BUF, "%s%% CI %s to %s", level, strcmp(lo, "not available") ? lo : "not reached",
		     strcmp(hi, "not available") ? hi : "not reached") >= PS_WORDS_BUF)
		buf[PS_WORDS_BUF - 1] = '\0';
	return buf;
}

char *ps_words_p(double p, char *buf)
{
	if (!isfinite(p))
		snprintf(buf, PS_WORDS_BUF, "p not available");
	else if (p < 0.001)
		snprintf(buf, PS_WORDS_BUF, "p < 0.001");
	else if (p < 0.1)
		snprintf(buf, PS_WORDS_BUF, "p = %.3f", p);
	else
		snprintf(buf, PS_WORDS_BUF, "p = %.2f", p);
	return buf;
}

int ps_words_shown(double p, double conf)
{
	if (!isfinite(p) || !isfinite(conf))
		return 0;
	return p < 1 - conf;
}

int ps_words_decimals(double x)
{
	double a = fabs(x);
	if (!isfinite(a) || a < 10)
		return 2;
	return a < 100 ? 1 : 0;
}

const cJSON *ps_rj(const cJSON *o, const char *key)
{
	if (!o || !cJSON_IsObject(o))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

double ps_rj_num(const cJSON *o, const char *key)
{
	const cJSON *v = ps_rj(o, key);
	return v && cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

long long ps_rj_count(const cJSON *o, const char *key)
{
	double v = ps_rj_num(o, key);
	if (!isfinite(v) || v < 0 || v != floor(v) || v > 9e15)
		return -1;
	return (long long)v;
}

const char *ps_rj_str(const cJSON *o, const char *key)
{
	const cJSON *v = ps_rj(o, key);
	return v && cJSON_IsString(v) ? v->valuestring : NULL;
}

void ps_words_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}
