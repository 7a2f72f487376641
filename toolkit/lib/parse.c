/* Strict typed parsing of field values; see include/peerstat/parse.h. */
#include "peerstat/parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(msg)                     \
	do {                          \
		if (why)              \
			*why = (msg); \
		return 0;             \
	} while (0)

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ps_parse_int(const char *s, size_t len, int64_t *out, const char **why)
{
	size_t i = 0;
	int negative = 0;
	uint64_t magnitude = 0;

	if (len == 0)
		FAIL("empty value");
	if (s[0] == '+' || s[0] == '-') {
		negative = s[0] == '-';
		i = 1;
	}
	if (i == len)
		FAIL("no digits");
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			FAIL("not a whole number");
		unsigned digit = (unsigned)(s[i] - '0');
		if (magnitude > (UINT64_MAX - digit) / 10)
			FAIL("number too large");
		magnitude = magnitude * 10 + digit;
	}
	/* INT64_MIN has one more unit of magnitude than INT64_MAX */
	if (!negative && magnitude > (uint64_t)INT64_MAX)
		FAIL("number too large");
	if (negative && magnitude > (uint64_t)INT64_MAX + 1)
		FAIL("number too large");
	if (negative)
		*out = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
	else
		*out = (int64_t)magnitude;
	return 1;
}

int ps_parse_double(const char *s, size_t len, double *out, const char **why)
{
	/* Check the grammar ourselves: strtod accepts far more (nan, inf, hex, leading space). */
	size_t i = 0, mantissa_digits = 0;
	char buf[128];

	if (len == 0)
		FAIL("empty value");
	if (len >= sizeof(buf))
		FAIL("number too long");
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < len && is_digit(s[i]))
		i++, mantissa_digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && is_digit(s[i]))
			i++, mantissa_digits++;
	}
	if (mantissa_digits == 0)
		FAIL("not a number");
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exponent_digits = 0;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && is_digit(s[i]))
			i++, exponent_digits++;
		if (exponent_digits == 0)
			FAIL("incomplete exponent");
	}
	if (i != len)
		FAIL("not a number");

	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	char *end = NULL;
	double value = strtod(buf, &end);
	if (end != buf + len)
		FAIL("not a number");
	if (errno == ERANGE || !isfinite(value)) {
		/* strtod reports underflow for subnormal results too; only a true zero-or-tiny
		 * result of a nonzero literal is out of range for us */
		if (isinf(value) || fabs(value) > 1)
			FAIL("number out of range");
		FAIL("number too small to represent");
	}
	*out = value == 0 ? 0.0 : value; /* no negative zero */
	return 1;
}

int32_t ps_days_from_civil(int year, unsigned month, unsigned day)
{
	/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
	year -= month <= 2;
	const int era = (year >= 0 ? year : year - 399) / 400;
	const unsigned yoe = (unsigned)(year - era * 400);
	const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

char *ps_format_date(int32_t days, char *buf)
{
	int z = days + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int year = (int)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned day = doy - (153 * mp + 2) / 5 + 1;
	const unsigned month = mp < 10 ? mp + 3 : mp - 9;
	year += month <= 2;
	/* years are 1..9999 by construction of the parser; clamp the format anyway */
	if (year < 0)
		year = 0;
	if (year > 9999)
		year = 9999;
	buf[0] = (char)('0' + year / 1000);
	buf[1] = (char)('0' + year / 100 % 10);
	buf[2] = (char)('0' + year / 10 % 10);
	buf[3] = (char)('0' + year % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + month / 10);
	buf[6] = (char)('0' + month % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + day / 10);
	buf[9] = (char)('0' + day % 10);
	buf[10] = '\0';
	return buf;
}

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_month(int year, unsigned month)
{
	static const unsigned length[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return month == 2 && is_leap(year) ? 29 : length[month - 1];
}

/* Read 1..maxdigits digits starting at *i (exactly maxdigits when exact). */
static int read_number(const char *s, size_t len, size_t *i, unsigned mindigits, unsigned maxdigits, unsigned *out)
{
	unsigned value = 0, digits = 0;
	while (*i < len && is_digit(s[*i]) && digits < maxdigits) {
		value = value * 10 + (unsigned)(s[*i] - '0');
		(*i)++;
		digits++;
	}
	if (digits < mindigits)
		return 0;
	*out = value;
	return 1;
}

int ps_parse_date(const char *s, size_t len, enum ps_date_format format, int32_t *days, const char **why)
{
	unsigned year = 0, month = 0, day = 0;
	size_t i = 0;

	if (len == 0)
		FAIL("empty value");
	if (format == PS_DATE_ISO) {
		if (!read_number(s, len, &i, 4, 4, &year) || i >= len || s[i++] != '-' ||
		    !read_number(s, len, &i, 2, 2, &month) || i >= len || s[i++] != '-' ||
		    !read_number(s, len, &i, 2, 2, &day) || i != len)
			FAIL("not a date in the form YYYY-MM-DD");
	} else {
		unsigned first = 0, second = 0;
		if (!read_number(s, len, &i, 1, 2, &first) || i >= len || s[i++] != '/' ||
		    !read_number(s, len, &i, 1, 2, &second) || i >= len || s[i++] != '/' ||
		    !read_number(s, len, &i, 4, 4, &year) || i != len)
			FAIL(format == PS_DATE_MDY ? "not a date in the form M/D/YYYY" : "not a date in the form D/M/YYYY");
		month = format == PS_DATE_MDY ? first : second;
		day = format == PS_DATE_MDY ? second : first;
	}
	if (year < 1)
		FAIL("year 0000 does not exist");
	if (month < 1 || month > 12)
		FAIL("month out of range 1-12");
	if (day < 1 || day > days_in_month((int)year, month))
		FAIL("no such day in that month");
	*days = ps_days_from_civil((int)year, month, day);
	return 1;
}

static int equals_nocase(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (n != len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return 0;
	}
	return 1;
}

int ps_parse_bool(const char *s, size_t len, int *out, const char **why)
{
	static const char *const truthy[] = { "1", "yes", "true", "y", "present" };
	static const char *const falsy[] = { "0", "no", "false", "n", "absent" };
	if (len == 1 && (s[0] == '0' || s[0] == '1')) {
		*out = s[0] == '1'; /* what attendance rolls hold, row after row */
		return 1;
	}
	for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
		if (equals_nocase(s, len, truthy[i])) {
			*out = 1;
			return 1;
		}
		if (equals_nocase(s, len, falsy[i])) {
			*out = 0;
			return 1;
		}
	}
	FAIL("not a yes/no value");
}

static int na_set_add(struct ps_na_set *set, const char *s, size_t len)
{
	char **grown = realloc(set->tokens, (set->count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	set->tokens = grown;
	size_t *lens = realloc(set->lens, (set->count + 1) * sizeof(*lens));
	if (!lens)
		return -1;
	set->lens = lens;
	char *copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	set->lens[set->count] = len;
	set->tokens[set->count++] = copy;
	set->len_mask |= (uint64_t)1 << (len < 63 ? len : 63);
	if (len)
		set->first[(unsigned char)s[0] >> 3] |= (uint8_t)(1u << ((unsigned char)s[0] & 7));
	return 0;
}

int ps_na_set_init_default(struct ps_na_set *set)
{
	return ps_na_set_init_list(set, ",NA,N/A,.");
}

int ps_na_set_init_list(struct ps_na_set *set, const char *list)
{
	memset(set, 0, sizeof(*set));
	for (const char *p = list;;) {
		size_t len = strcspn(p, ",");
		if (na_set_add(set, p, len) != 0) {
			ps_na_set_release(set);
			return -1;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return 0;
}

int ps_na_set_has_slow(const struct ps_na_set *set, const char *s, size_t len)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->lens[i] == len && memcmp(set->tokens[i], s, len) == 0)
			return 1;
	return 0;
}

void ps_na_set_release(struct ps_na_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->tokens[i]);
	free(set->tokens);
	free(set->lens);
	set->tokens = NULL;
	set->lens = NULL;
	set->count = 0;
}

int ps_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		if (i + need >= len) /* the sequence is cut short by the end of the value */
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += need + 1;
	}
	return 1;
}
