/*
 * peerstat shard --by COL -n N --out DIR [FILE]
 *
 * Split a CSV stream into N files by a stable hash of one column's value, so that every row of
 * a participant lands in the same shard and each shard can be summarised on its own
 * (`--partial`) and merged (`peerstat merge`): docs/scale.md. The hash is ps_id_hash
 * (SipHash-2-4 under a fixed key, include/peerstat/idhash.h) of the field's value as the CSV
 * reader gives it (quotes removed); the shard is the hash modulo N. It depends on the value
 * only: not on the machine, the run, the file's order or its size.
 *
 * Records are copied byte for byte (quoted fields stay quoted, CRLF stays CRLF; only a last
 * record without a line end gets one), the header goes to every shard, and blank lines go to
 * the first shard so that the counts of the merged result are those of the whole input.
 * Record boundaries follow RFC 4180 (a line end inside quotes does not end a record). The
 * shard does not check the rows: the command that reads a shard does, and `peerstat
 * validate` on the whole input points at the original lines. All or nothing: the shards are
 * written to a new directory beside DIR, renamed to DIR only when every file was written.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "outdir.h"
#include "peerstat/idhash.h"

const char cmd_shard_usage[] =
	"usage: peerstat shard --by COL -n N --out DIR [FILE]\n"
	"\n"
	"Split a CSV file (or standard input) into N files DIR/shard-0000.csv ... by a stable hash\n"
	"of column COL (SipHash-2-4 of the value, modulo N: the same on every machine and run), so\n"
	"that all rows with one value (one participant) are in one shard. Every shard has the\n"
	"header; rows are copied byte for byte. All or nothing: DIR must not exist or be empty,\n"
	"and is created only when every shard was written. Then summarise each shard with\n"
	"--partial and combine with `peerstat merge` (docs/scale.md).\n"
	"\n"
	"  --by COL        the column to split by (e.g. participant_id)\n"
	"  -n, --shards N  number of shards, 1..4096\n"
	"  --out DIR       the directory to create\n"
	"  --delimiter C   field delimiter (default ',')\n"
	"  -h, --help      this help\n";

enum { OPT_BY = 1, OPT_OUT, OPT_DELIM };

#define MAX_SHARDS 4096
#define SHARD_MAX_RECORD (64u << 20) /* longest record copied: 64 MiB */

struct shard_job {
	const char *by;
	unsigned long n;
	const char *out;
	unsigned char delimiter;
	struct ps_outdir dir;     /* DIR, and the directory being filled (dir.tmp) */
	FILE **files;
	const char *display;
	long column;              /* index of --by, -1 until the header is read */
	char *value;              /* the unquoted field, reused */
	size_t value_cap;
};

/*
 * Field k of one record (rec, len: without its line end) unquoted into job->value, as the CSV
 * reader would give it. Returns its length, or -1 when the record has fewer fields, -2 when
 * out of memory.
 */
static long field_value(struct shard_job *job, const char *rec, size_t len, long k)
{
	size_t i = 0;
	for (long f = 0; f < k; f++) {
		int quoted = 0;
		while (i < len && (quoted || (unsigned char)rec[i] != job->delimiter)) {
			if (rec[i] == '"')
				quoted = !quoted;
			i++;
		}
		if (i >= len)
			return -1;
		i++; /* the delimiter */
	}
	if (job->value_cap < len + 1) {
		char *v = realloc(job->value, len + 1);
		if (!v)
			return -2;
		job->value = v;
		job->value_cap = len + 1;
	}
	size_t n = 0;
	if (i < len && rec[i] == '"') {
		for (i++; i < len; i++) {
			if (rec[i] == '"') {
				if (i + 1 < len && rec[i + 1] == '"')
					i++;
				else
					break;
			}
			job->value[n++] = rec[i];
		}
	} else {
		while (i < len && (unsigned char)rec[i] != job->delimiter)
			job->value[n++] = rec[i++];
	}
	job->value[n] = '\0';
	return (long)n;
}

/* The record without its line end (LF or CRLF). */
static size_t content_len(const char *rec, size_t len)
{
	if (len && rec[len - 1] == '\n')
		len--;
	if (len && rec[len - 1] == '\r')
		len--;
	return len;
}

static enum ps_status write_all(struct shard_job *job, unsigned long k, const char *rec, size_t len)
{
	if (fwrite(rec, 1, len, job->files[k]) != len) {
		fprintf(stderr, "peerstat: shard: cannot write to %s: %s\n", job->dir.tmp, strerror(errno));
		return PS_EIO;
	}
	return PS_OK;
}

/* The header: find --by (the first name, after a byte order mark, may be quoted too). */
static enum ps_status on_header_record(struct shard_job *job, const char *rec, size_t len)
{
	size_t skip = len >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t clen = content_len(rec, len);
	char names[512] = "";
	size_t used = 0;
	for (long k = 0;; k++) {
		long n = field_value(job, rec + skip, clen - skip, k);
		if (n == -2)
			return PS_ENOMEM;
		if (n == -1)
			break;
		if (strcmp(job->value, job->by) == 0) {
			job->column = k;
			break;
		}
		/* the names listed up to 160 bytes, a long one cut (a header of 10 000 quotes) */
		if (used + strlen(job->value) + 2 > 160) {
			snprintf(names + used, sizeof(names) - used, "%s%.*s...", k ? ", " : "", k ? 0 : 150, job->value);
			break;
		}
		int w = snprintf(names + used, sizeof(names) - used, "%s%s", k ? ", " : "", job->value);
		if (w > 0 && (size_t)w < sizeof(names) - used)
			used += (size_t)w;
	}
	if (job->column < 0) {
		fprintf(stderr, "peerstat: shard: %s:1: no column '%s' in the header (name the column to split by with --by; "
				"the header has: %s)\n", job->display, job->by, names);
		return PS_EDATA;
	}
	for (unsigned long k = 0; k < job->n; k++) {
		enum ps_status st = write_all(job, k, rec, len);
		if (st != PS_OK)
			return st;
	}
	return PS_OK;
}

static enum ps_status on_record(struct shard_job *job, const char *rec, size_t len)
{
	size_t clen = content_len(rec, len);
	if (clen == 0)
		return write_all(job, 0, rec, len); /* a blank line: counted by the first shard's reader */
	long n = field_value(job, rec, clen, job->column);
	if (n == -2)
		return PS_ENOMEM;
	/* a record too short for the column goes to shard 0, whose reader reports it */
	unsigned long k = n < 0 ? 0 : (unsigned long)(ps_id_hash(job->value, (size_t)n) % job->n);
	return write_all(job, k, rec, len);
}

/* Read fp to its end, record by record (RFC 4180: a line end in quotes stays in the record). */
static enum ps_status split_stream(struct shard_job *job, FILE *fp)
{
	char chunk[1 << 16];
	char *rec = NULL;
	size_t len = 0, cap = 0;
	int quoted = 0, header = 1;
	unsigned long line = 1, rec_line = 1; /* the physical line read, and where the record began */
	enum ps_status st = PS_OK;
	size_t got;
	while (st == PS_OK && (got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		for (size_t i = 0; i < got && st == PS_OK; i++) {
			if (len == SHARD_MAX_RECORD) {
				/* memory stays bounded whatever the input (a 100 MB field, a stray quote) */
				fprintf(stderr,
					"peerstat: shard: %s:%lu: record longer than %u MiB (an unbalanced quote, or not a CSV "
					"file?)\n",
					job->display, rec_line, SHARD_MAX_RECORD >> 20);
				st = PS_EDATA;
				break;
			}
			if (len == cap) {
				size_t ncap = cap ? cap * 2 : 4096;
				char *grown = realloc(rec, ncap);
				if (!grown) {
					st = PS_ENOMEM;
					break;
				}
				rec = grown;
				cap = ncap;
			}
			char c = chunk[i];
			rec[len++] = c;
			if (c == '"') {
				quoted = !quoted;
			} else if (c == '\n') {
				line++;
				if (!quoted) {
					st = header ? on_header_record(job, rec, len) : on_record(job, rec, len);
					header = 0;
					len = 0;
					rec_line = line;
				}
			}
		}
	}
	if (st == PS_OK && ferror(fp)) {
		fprintf(stderr, "peerstat: shard: %s: read error: %s\n", job->display, strerror(errno));
		st = PS_EIO;
	}
	if (st == PS_OK && quoted) {
		fprintf(stderr, "peerstat: shard: %s:%lu: quoted field is never closed (the file ends inside quotes)\n",
			job->display, rec_line);
		st = PS_EDATA;
	}
	if (st == PS_OK && len > 0) {
		/* the last record without a line end: give it one, so that shards concatenate */
		char *grown = realloc(rec, len + 1);
		if (!grown) {
			st = PS_ENOMEM;
		} else {
			rec = grown;
			rec[len++] = '\n';
			st = header ? on_header_record(job, rec, len) : on_record(job, rec, len);
			header = 0;
		}
	}
	if (st == PS_OK && header) {
		fprintf(stderr, "peerstat: shard: %s: no header row (the input is empty)\n", job->display);
		st = PS_EDATA;
	}
	free(rec);
	return st;
}

enum ps_status cmd_shard(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "shards", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "delimiter", required_argument, NULL, OPT_DELIM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct shard_job job;
	enum ps_status st = PS_OK;
	FILE *in = NULL;
	memset(&job, 0, sizeof(job));
	job.column = -1;
	if (ps_common_init(&common, "shard", cmd_shard_usage) != PS_OK)
		return PS_ENOMEM;
	optind = 0;
	opterr = 0;
	int o;
	while (st == PS_OK && (o = getopt_long(argc, argv, "+:n:h", longopts, NULL)) != -1) {
		switch (o) {
		case OPT_BY: job.by = optarg; break;
		case 'n': {
			int64_t v;
			if (!ps_parse_int(optarg, strlen(optarg), &v, NULL) || v < 1 || v > MAX_SHARDS)
				st = ps_usage_error(&common, "-n takes a number of shards from 1 to %d, not '%s'", MAX_SHARDS, optarg);
			else
				job.n = (unsigned long)v;
			break;
		}
		case OPT_OUT: job.out = optarg; break;
		case OPT_DELIM: st = ps_common_option(&common, PS_OPT_DELIMITER, optarg); break;
		case 'h': common.help = 1; break;
		case ':': st = ps_usage_error(&common, "option '%s' needs a value", argv[optind - 1]); break;
		default: st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		fputs(cmd_shard_usage, stdout);
		goto done;
	}
	if (!job.by || !job.n || !job.out) {
		st = ps_usage_error(&common, "shard needs --by COL, -n N and --out DIR");
		goto done;
	}
	if (argc - optind > 1) {
		st = ps_usage_error(&common, "shard reads one file (or standard input), not %d", argc - optind);
		goto done;
	}
	job.delimiter = common.delimiter;
	struct ps_error err;
	ps_error_clear(&err);
	if ((st = ps_open_input(optind < argc ? argv[optind] : NULL, &in, &job.display, &err)) != PS_OK) {
		ps_report_error(&common, &err);
		goto done;
	}
	if ((st = ps_outdir_begin(&job.dir, &common, job.out)) != PS_OK)
		goto done;
	if (!(job.files = calloc(job.n, sizeof(*job.files)))) {
		st = PS_ENOMEM;
		goto done;
	}
	for (unsigned long k = 0; k < job.n && st == PS_OK; k++) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof(path), "%s/shard-%04lu.csv", job.dir.tmp, k);
		if (!(job.files[k] = fopen(path, "wb"))) {
			fprintf(stderr, "peerstat: shard: cannot create %s: %s\n", path, strerror(errno));
			st = PS_ECANTCREAT;
		}
	}
	if (st == PS_OK)
		st = split_stream(&job, in);
	for (unsigned long k = 0; k < job.n; k++) {
		if (job.files[k] && fclose(job.files[k]) != 0 && st == PS_OK) {
			fprintf(stderr, "peerstat: shard: cannot write to %s: %s\n", job.dir.tmp, strerror(errno));
			st = PS_EIO;
		}
		job.files[k] = NULL;
	}
	if (st == PS_OK)
		st = ps_outdir_commit(&job.dir, &common);
done:
	if (job.dir.made) {
		ps_outdir_abort(&job.dir);
		if (st == PS_ENOMEM)
			fprintf(stderr, "peerstat: shard: out of memory\n");
		if (st != PS_EPIPE)
			fprintf(stderr, "peerstat: shard: stopped; %s was not written\n", job.out);
	}
	if (in && in != stdin)
		fclose(in);
	free(job.files);
	free(job.value);
	ps_common_release(&common);
	return st;
}
