/*
 * Shared by the command harnesses (fuzz_<input>.c): each libFuzzer input is written to one
 * temporary file and a peerstat command runs on it in-process (cmd_<name>(argc, argv), as
 * main() would call it, output to /dev/null). Commands never exit and reset getopt themselves,
 * so one process runs millions of them; any leak, crash or sanitizer report fails the run.
 * Options are chosen from the input's header and a hash of its bytes, never from extra bytes,
 * so that any CSV file under datasets/ or tests/data/ is a good seed as it is.
 */
#ifndef PEERSTAT_FUZZ_COMMON_H
#define PEERSTAT_FUZZ_COMMON_H

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"

/* The file every input is written to (made once, removed at exit). */
static char fuzz_path[64];

static void fuzz_cleanup(void)
{
	if (fuzz_path[0])
		unlink(fuzz_path);
}

/* As main() does before any command (peerstat.c). */
static void fuzz_setup(void)
{
	if (fuzz_path[0])
		return;
	setlocale(LC_NUMERIC, "C");
	gsl_set_error_handler_off();
	signal(SIGPIPE, SIG_IGN);
	const char *dir = getenv("TMPDIR");
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/peerstat-fuzz-XXXXXX", dir && strlen(dir) < 32 ? dir : "/tmp");
	int fd = mkstemp(fuzz_path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(fuzz_cleanup);
}

static void fuzz_write(const uint8_t *data, size_t size)
{
	FILE *fp = fopen(fuzz_path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
}

static uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	h ^= h >> 29;
	return h;
}

/*
 * Column names from the first line (split on ',', no quoting: a guess for choosing options
 * only; the reader itself sees the file as it is). Up to max names of up to 63 bytes.
 */
#define FUZZ_MAX_COLS 12
struct fuzz_header {
	size_t n;
	char name[FUZZ_MAX_COLS][64];
	char label[2][64];      /* the first two distinct values of column `group`, if any */
};

static inline void fuzz_field(const char *s, size_t len, char *out)
{
	if (len > 63)
		len = 63;
	memcpy(out, s, len);
	out[len] = '\0';
	char *cr = strchr(out, '\r');
	if (cr)
		*cr = '\0';
}

static inline void fuzz_header(const uint8_t *data, size_t size, size_t group, struct fuzz_header *h)
{
	memset(h, 0, sizeof(*h));
	const char *p = (const char *)data, *end = p + size;
	const char *eol = memchr(p, '\n', size);
	if (!eol)
		eol = end;
	while (p < eol && h->n < FUZZ_MAX_COLS) {
		const char *c = memchr(p, ',', (size_t)(eol - p));
		const char *e = c ? c : eol;
		fuzz_field(p, (size_t)(e - p), h->name[h->n++]);
		p = c ? c + 1 : eol;
	}
	/* labels: the group column of the following lines */
	size_t found = 0;
	for (const char *line = eol < end ? eol + 1 : end; line < end && found < 2;) {
		const char *le = memchr(line, '\n', (size_t)(end - line));
		if (!le)
			le = end;
		const char *f = line;
		for (size_t k = 0; k < group && f < le; k++) {
			const char *c = memchr(f, ',', (size_t)(le - f));
			f = c ? c + 1 : le;
		}
		const char *c = memchr(f, ',', (size_t)(le - f));
		char v[64];
		fuzz_field(f, (size_t)((c ? c : le) - f), v);
		if (v[0] && (found == 0 || strcmp(v, h->label[0]) != 0))
			strcpy(h->label[found++], v);
		line = le + 1;
	}
}

/* Run a command on argv (argv[0] its name), quietly: the status is all a harness needs. */
static enum ps_status fuzz_run(enum ps_status (*cmd)(int, char **), int argc, char **argv)
{
	enum ps_status st = cmd(argc, argv);
	fflush(stdout);
	clearerr(stdout);
	return st;
}

#endif
