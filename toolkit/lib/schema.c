/* Columns by role and typed cells; see include/peerstat/schema.h. */
#include "peerstat/schema.h"

#include "peerstat/bytes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum ps_status ps_schema_resolve(const char *const *header, size_t ncolumns, const struct ps_field_spec *specs,
				 size_t nspecs, long *index, struct ps_error *err)
{
	for (size_t k = 0; k < nspecs; k++) {
		index[k] = -1;
		for (size_t c = 0; c < ncolumns; c++) {
			if (strcmp(header[c], specs[k].name) == 0) {
				index[k] = (long)c;
				break;
			}
		}
		if (index[k] < 0 && specs[k].required_column) {
			/*
			 * list the header's columns, cut short with "..." so that the whole message
			 * fits err->message (a 100 000-column header, a 5 000-byte name) and still
			 * ends with its closing parenthesis; a name too long to fit is cut itself
			 */
			char have[sizeof(err->message)];
			int fixed = snprintf(NULL, 0, "no column '%s' in the header (the %s; name another column with %s; the header has: )",
					     specs[k].name, specs[k].role, specs[k].flag);
			size_t room = fixed > 0 && (size_t)fixed + 16 < sizeof(have) ? sizeof(have) - (size_t)fixed : 16;
			size_t used = 0;
			have[0] = '\0';
			for (size_t c = 0; c < ncolumns; c++) {
				size_t len = strlen(header[c]), sep = c ? 2 : 0;
				if (used + sep + len + 5 > room) {
					/* the first name always shows (cut, at a UTF-8 character boundary) */
					size_t cut = c == 0 && room > 8 ? room - 8 : 0;
					while (cut > 0 && ((unsigned char)header[c][cut] & 0xC0) == 0x80)
						cut--;
					memcpy(have + used, ", ", sep);
					memcpy(have + used + sep, header[c], cut);
					memcpy(have + used + sep + cut, "...", 4);
					break;
				}
				memcpy(have + used, ", ", sep);
				memcpy(have + used + sep, header[c], len + 1);
				used += sep + len;
			}
			err->line = 1;
			return ps_error_set(err, PS_EDATA,
					    "no column '%s' in the header (the %s; name another column with %s; the header has: %s)",
					    specs[k].name, specs[k].role, specs[k].flag, have);
		}
		/*
		 * Two roles of one call in one column is a mistake in the options (--cohort
		 * participant_id): refused, not analysed. It would also print ids as labels in
		 * messages and outputs.
		 */
		for (size_t j = 0; j < k && index[k] >= 0; j++) {
			if (index[j] == index[k]) {
				err->line = 1;
				err->column = (unsigned long)index[k] + 1;
				return ps_error_set(err, PS_EUSAGE, "column '%s' is named for two roles: the %s (%s) and the %s (%s)",
						    specs[k].name, specs[j].role, specs[j].flag, specs[k].role, specs[k].flag);
			}
		}
	}
	return PS_OK;
}

static void format_bound(double v, char *buf, size_t size)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%g", v);
}

const char *ps_field_expected(const struct ps_field_spec *spec, enum ps_date_format format, char *buf, size_t size)
{
	char lo[32], hi[32];
	switch (spec->type) {
	case PS_TYPE_ID:
		snprintf(buf, size, "a participant id");
		break;
	case PS_TYPE_LABEL:
		snprintf(buf, size, "a label");
		break;
	case PS_TYPE_DATE:
		snprintf(buf, size, "a date %s",
			 format == PS_DATE_ISO ? "YYYY-MM-DD" : format == PS_DATE_MDY ? "M/D/YYYY" : "D/M/YYYY");
		break;
	case PS_TYPE_BOOL:
		snprintf(buf, size, "yes/no, 1/0, true/false, y/n or present/absent");
		break;
	case PS_TYPE_INT:
	case PS_TYPE_NUMBER:
		if (spec->min <= spec->max) {
			format_bound(spec->min, lo, sizeof(lo));
			format_bound(spec->max, hi, sizeof(hi));
			snprintf(buf, size, "a %s from %s to %s", spec->type == PS_TYPE_INT ? "whole number" : "number", lo, hi);
		} else {
			snprintf(buf, size, "a %s", spec->type == PS_TYPE_INT ? "whole number" : "number");
		}
		break;
	}
	return buf;
}

static enum ps_status cell_error(const struct ps_field_spec *spec, const struct ps_cell_options *options, const char *s,
				 size_t len, size_t column, struct ps_error *err, const char *what)
{
	err->column = column + 1;
	ps_error_copy(err->column_name, sizeof(err->column_name), spec->name, strlen(spec->name));
	if (spec->type != PS_TYPE_ID)
		ps_error_copy(err->value, sizeof(err->value), s, len);
	else
		err->value[0] = '\0'; /* ids are never echoed */
	ps_field_expected(spec, options->date_format, err->expected, sizeof(err->expected));
	return ps_error_set(err, PS_EDATA, "%s", what);
}

static size_t memo_slot(const char *s, size_t len)
{
	/* the last eight bytes (the day and month of an ISO date), mixed; shorter keys byte-wise */
	uint64_t h = len;
	if (len >= 8) {
		uint64_t tail;
		memcpy(&tail, s + len - 8, sizeof(tail));
		h ^= tail;
	} else {
		for (size_t i = 0; i < len; i++)
			h = h << 8 | (unsigned char)s[i];
	}
	h *= UINT64_C(0x9E3779B97F4A7C15);
	return (size_t)(h >> 52); /* PS_DATE_MEMO_SLOTS == 4096 */
}

static int memo_find(const struct ps_date_memo *memo, const char *s, size_t len, int32_t *day)
{
	if (len == 0 || len > PS_DATE_MEMO_KEY)
		return 0;
	size_t k = memo_slot(s, len);
	if (memo->len[k] != len || !ps_same_bytes(memo->key[k], s, len))
		return 0;
	*day = memo->day[k];
	return 1;
}

static void memo_keep(struct ps_date_memo *memo, const char *s, size_t len, int32_t day)
{
	if (len == 0 || len > PS_DATE_MEMO_KEY)
		return;
	size_t k = memo_slot(s, len);
	memcpy(memo->key[k], s, len);
	memo->len[k] = (uint8_t)len;
	memo->day[k] = day;
}

enum ps_status ps_cell_parse(const struct ps_field_spec *spec, const struct ps_cell_options *options,
			     const char *s, size_t len, size_t column, struct ps_value *out, struct ps_error *err)
{
	const char *why = NULL;
	/* every member, without a memset: this runs for every cell of every row */
	out->missing = 0;
	out->i = 0;
	out->d = 0;
	out->day = 0;
	out->s = s;
	out->len = len;
	if (ps_na_set_has(options->na, s, len)) {
		if (spec->required_value)
			return cell_error(spec, options, s, len, column, err, "missing value");
		out->missing = 1;
		return PS_OK;
	}
	switch (spec->type) {
	case PS_TYPE_ID:
	case PS_TYPE_LABEL:
		return PS_OK;
	case PS_TYPE_DATE:
		if (options->date_memo && memo_find(options->date_memo, s, len, &out->day))
			return PS_OK;
		if (!ps_parse_date(s, len, options->date_format, &out->day, &why))
			return cell_error(spec, options, s, len, column, err, why);
		if (options->date_memo)
			memo_keep(options->date_memo, s, len, out->day);
		return PS_OK;
	case PS_TYPE_BOOL: {
		int b;
		if (!ps_parse_bool(s, len, &b, &why))
			return cell_error(spec, options, s, len, column, err, why);
		out->i = b;
		out->d = b;
		return PS_OK;
	}
	case PS_TYPE_INT:
		if (!ps_parse_int(s, len, &out->i, &why))
			return cell_error(spec, options, s, len, column, err, why);
		out->d = (double)out->i;
		break;
	case PS_TYPE_NUMBER:
		if (!ps_parse_double(s, len, &out->d, &why))
			return cell_error(spec, options, s, len, column, err, why);
		break;
	}
	if (spec->min <= spec->max && (out->d < spec->min || out->d > spec->max))
		return cell_error(spec, options, s, len, column, err, "value out of range");
	return PS_OK;
}
