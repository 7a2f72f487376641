/*
 * The records of table partials (compare, survival): a row's cells as a JSON array of strings,
 * exact text both ways; see peerstat/table_record.h and docs/scale.md.
 */
#include "peerstat/table_record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void ps_table_rows_init(struct ps_table_rows *t)
{
	memset(t, 0, sizeof(*t));
}

void ps_table_rows_release(struct ps_table_rows *t)
{
	free(t->text);
	free(t->first);
	memset(t, 0, sizeof(*t));
}

/* Make room for need elements of size bytes in *p (capacity *cap); 0, or -1 when out of memory. */
static int reserve(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*(void **)p, c * size);
	if (!q)
		return -1;
	*(void **)p = q;
	*cap = c;
	return 0;
}

/* Room for one more row of n cells of len text bytes in all. */
static int reserve_row(struct ps_table_rows *t, size_t n, size_t len)
{
	if (reserve(&t->text, &t->text_cap, t->text_len + len + n, 1) != 0)
		return -1;
	return reserve(&t->first, &t->first_cap, t->nrows + 2, sizeof(*t->first));
}

/* The row whose cells were appended since the last one is complete. */
static void close_row(struct ps_table_rows *t, size_t n)
{
	if (t->nrows == 0)
		t->first[0] = 0;
	t->first[++t->nrows] = t->text_len;
	if (n > 1 && !t->width)
		t->width = n;
}

enum ps_status ps_table_rows_add(struct ps_table_rows *t, const char *const *cells, const size_t *lens, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += lens[i];
	if (reserve_row(t, n, len) != 0)
		return PS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		memcpy(t->text + t->text_len, cells[i], lens[i]);
		t->text_len += lens[i];
		t->text[t->text_len++] = '\0';
	}
	close_row(t, n);
	return PS_OK;
}

size_t ps_table_rows_get(const struct ps_table_rows *t, size_t i, const char **cells, size_t *lens, size_t max)
{
	/* the row's cells are one after the other, each ended by its NUL */
	size_t n = 0;
	for (const char *p = t->text + t->first[i], *end = t->text + t->first[i + 1]; p < end; n++) {
		size_t len = strlen(p);
		if (n < max) {
			cells[n] = p;
			lens[n] = len;
		}
		p += len + 1;
	}
	return n;
}

size_t ps_table_replay_row(const struct ps_table_rows *t, size_t i, size_t width, const char **fields, size_t *lens,
			   struct ps_row *row)
{
	size_t n = ps_table_rows_get(t, i, fields, lens, width);
	for (size_t k = n; k < width; k++) {
		fields[k] = "";
		lens[k] = 0;
	}
	row->nfields = width;
	row->fields = fields;
	row->lens = lens;
	row->line = (unsigned long)i + 1;
	return n;
}

size_t ps_table_record_bound(const size_t *lens, size_t n)
{
	size_t len = 2 + 3 * n; /* brackets, quotes and commas */
	for (size_t i = 0; i < n; i++)
		len += 6 * lens[i]; /* a control byte is \u00XX */
	return len;
}

size_t ps_table_record_write(char *out, const char *const *cells, const size_t *lens, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	out[o++] = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			out[o++] = ',';
		out[o++] = '"';
		for (size_t k = 0; k < lens[i]; k++) {
			unsigned char ch = (unsigned char)cells[i][k];
			if (ch >= 0x20 && ch != '"' && ch != '\\') {
				out[o++] = (char)ch;
			} else if (ch >= 0x20) {
				out[o++] = '\\';
				out[o++] = (char)ch;
			} else {
				memcpy(out + o, "\\u00", 4);
				out[o + 4] = hex[ch >> 4];
				out[o + 5] = hex[ch & 15];
				o += 6;
			}
		}
		out[o++] = '"';
	}
	out[o++] = ']';
	return o;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d > 15)
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/* UTF-8 of code point u into out; returns its length. */
static size_t utf8(unsigned u, char *out)
{
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xC0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xE0 | (u >> 12));
		out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		out[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (u >> 18));
	out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	out[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * One JSON string at s[*i] (the opening quote) decoded into t's text (room for len bytes is
 * there: decoding never lengthens). Returns 0 and moves *i past the closing quote, or -1 with
 * *why set.
 */
static int parse_string(struct ps_table_rows *t, const char *s, size_t len, size_t *i, const char **why)
{
	size_t k = *i + 1;
	char *out = t->text + t->text_len;
	size_t n = 0;
	while (k < len && s[k] != '"') {
		unsigned char ch = (unsigned char)s[k];
		if (ch < 0x20) {
			*why = "a control character inside a cell";
			return -1;
		}
		if (ch != '\\') {
			out[n++] = (char)ch;
			k++;
			continue;
		}
		if (k + 1 >= len) {
			k = len; /* ends inside an escape */
			break;
		}
		char e = s[k + 1];
		k += 2;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (simple && e) {
			static const char value[] = "\"\\/\b\f\n\r\t";
			out[n++] = value[simple - "\"\\/bfnrt"];
			continue;
		}
		unsigned u, lo;
		if (e != 'u' || k + 4 > len || hex4(s + k, &u) != 0) {
			*why = "a bad escape inside a cell";
			return -1;
		}
		k += 4;
		if (u >= 0xD800 && u < 0xDC00) {
			if (k + 6 > len || s[k] != '\\' || s[k + 1] != 'u' || hex4(s + k + 2, &lo) != 0 || lo < 0xDC00 ||
			    lo > 0xDFFF) {
				*why = "a lone surrogate inside a cell";
				return -1;
			}
			k += 6;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		} else if (u >= 0xDC00 && u < 0xE000) {
			*why = "a lone surrogate inside a cell";
			return -1;
		}
		if (u == 0) {
			*why = "a NUL inside a cell";
			return -1;
		}
		n += utf8(u, out + n);
	}
	if (k >= len) {
		*why = "a cell without its closing quote";
		return -1;
	}
	t->text_len += n;
	t->text[t->text_len++] = '\0';
	*i = k + 1;
	return 0;
}

enum ps_status ps_table_record_parse(struct ps_table_rows *t, const char *line, size_t len, struct ps_error *err)
{
	/* decoded cells are never longer than their JSON text: len bytes of text and the NULs
	 * of at most len / 3 cells (each at least `""` and a separator) are room enough */
	if (reserve_row(t, len / 3 + 1, len) != 0)
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	size_t text_len = t->text_len, n = 0, i = skip_space(line, len, 0);
	const char *why = "not a record: a JSON array of strings";
	if (i >= len || line[i] != '[')
		goto bad;
	i = skip_space(line, len, i + 1);
	if (i < len && line[i] == ']') {
		why = "an empty record";
		goto bad;
	}
	for (;;) {
		if (i >= len || line[i] != '"')
			goto bad;
		n++;
		if (parse_string(t, line, len, &i, &why) != 0)
			goto bad;
		i = skip_space(line, len, i);
		if (i < len && line[i] == ',') {
			i = skip_space(line, len, i + 1);
			continue;
		}
		if (i < len && line[i] == ']')
			break;
		why = "not a record: a JSON array of strings";
		goto bad;
	}
	if (skip_space(line, len, i + 1) != len) {
		why = "text after the record";
		goto bad;
	}
	if (n > 1 && t->width && n != t->width) {
		t->text_len = text_len;
			return ps_error_set(err, PS_EDATA, "a record of %zu cells where the others have %zu", n, t->width);
	}
	close_row(t, n);
	return PS_OK;
bad:
	t->text_len = text_len;
	return ps_error_set(err, PS_EDATA, "%s", why);
}

