/* Status codes, exit-code mapping and the located error record. */
#include "peerstat/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ps_status_exit_code(enum ps_status status)
{
	switch (status) {
	case PS_OK:         return 0;
	case PS_EPIPE:      return 0;   /* `peerstat ... | head` is not an error */
	case PS_EUSAGE:     return 64;  /* EX_USAGE */
	case PS_EDATA:      return 65;  /* EX_DATAERR */
	case PS_ENOINPUT:   return 66;  /* EX_NOINPUT */
	case PS_EINTERNAL:  return 70;  /* EX_SOFTWARE */
	case PS_ENOMEM:     return 70;
	case PS_ECANTCREAT: return 73;  /* EX_CANTCREAT */
	case PS_EIO:        return 74;  /* EX_IOERR */
	}
	return 70;
}

const char *ps_status_name(enum ps_status status)
{
	switch (status) {
	case PS_OK:         return "success";
	case PS_EPIPE:      return "broken pipe";
	case PS_EUSAGE:     return "usage error";
	case PS_EDATA:      return "invalid input data";
	case PS_ENOINPUT:   return "cannot open input";
	case PS_EINTERNAL:  return "internal error";
	case PS_ENOMEM:     return "out of memory";
	case PS_ECANTCREAT: return "cannot create output";
	case PS_EIO:        return "input/output error";
	}
	return "unknown error";
}

void ps_error_clear(struct ps_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

enum ps_status ps_error_set(struct ps_error *err, enum ps_status status, const char *fmt, ...)
{
	if (!err)
		return status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->status = status;
	return status;
}

void ps_error_copy(char *dst, size_t dstsize, const char *src, size_t len)
{
	if (dstsize == 0)
		return;
	if (len > dstsize - 1)
		len = dstsize - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

char *ps_error_format(const struct ps_error *err, char *buf, size_t bufsize)
{
	size_t used = 0;
	int n;
#define PS_APPEND(...)                                                              \
	do {                                                                        \
		if (used < bufsize) {                                               \
			n = snprintf(buf + used, bufsize - used, __VA_ARGS__);      \
			if (n > 0)                                                  \
				used += (size_t)n;                                  \
		}                                                                   \
	} while (0)

	if (bufsize == 0)
		return buf;
	buf[0] = '\0';
	if (err->file[0]) {
		PS_APPEND("%s:", err->file);
		if (err->line) {
			PS_APPEND("%lu:", err->line);
			if (err->column)
				PS_APPEND("%lu:", err->column);
		}
		PS_APPEND(" ");
	}
	PS_APPEND("%s", err->message[0] ? err->message : ps_status_name(err->status));
	if (err->column_name[0] || err->value[0] || err->expected[0]) {
		const char *sep = "";
		PS_APPEND(" (");
		if (err->column_name[0]) {
			PS_APPEND("column '%s'", err->column_name);
			sep = ", ";
		}
		if (err->value[0]) {
			PS_APPEND("%svalue '%s'", sep, err->value);
			sep = ", ";
		}
		if (err->expected[0])
			PS_APPEND("%sexpected %s", sep, err->expected);
		PS_APPEND(")");
	}
#undef PS_APPEND
	return buf;
}
