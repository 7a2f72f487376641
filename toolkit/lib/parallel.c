/* Two-thread reading of a regular file; see include/peerstat/parallel.h. */
#include "peerstat/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1u << 20)

struct job {
	struct ps_reader *reader;
	const char *path;
	off_t start, end;             /* the byte range of the file this job parses */
	struct ps_parallel_part *part;
};

/*
 * Read a byte range in chunks and feed it, then finish. Each job reads through its own
 * descriptor: no mapping, so resident memory stays one chunk per thread whatever the size.
 */
static void *run_job(void *arg)
{
	struct job *job = arg;
	enum ps_status st = PS_OK;
	char *buf = malloc(CHUNK);
	int fd = open(job->path, O_RDONLY);
	if (!buf || fd < 0) {
		st = ps_error_set(&job->part->err, buf ? PS_ENOINPUT : PS_ENOMEM, buf ? "cannot open again" : "out of memory");
	}
	for (off_t at = job->start; st == PS_OK && at < job->end;) {
		size_t want = (size_t)(job->end - at) < CHUNK ? (size_t)(job->end - at) : CHUNK;
		ssize_t got = pread(fd, buf, want, at);
		if (got <= 0) {
			st = ps_error_set(&job->part->err, PS_EIO, "read error: %s", got < 0 ? strerror(errno) : "file shrank");
			break;
		}
		st = ps_reader_feed(job->reader, buf, (size_t)got, &job->part->err);
		at += got;
	}
	if (st == PS_OK)
		st = ps_reader_finish(job->reader, &job->part->err);
	if (fd >= 0)
		close(fd);
	free(buf);
	job->part->status = st;
	job->part->rows = ps_reader_rows(job->reader);
	job->part->blank_lines = ps_reader_blank_lines(job->reader);
	return NULL;
}

/*
 * Scan [from, len) of fd for the split: quotes and newlines are counted up to target, then the
 * first '\n' at or after target with an even number of quotes before it is the split (its
 * next byte). Returns 0 when there is none. *line: the physical line starting there.
 */
static off_t find_split(int fd, off_t from, unsigned long from_line, off_t target, off_t len, unsigned long *line)
{
	char *buf = malloc(CHUNK);
	if (!buf)
		return 0;
	size_t quotes = 0;
	unsigned long lines = from_line;
	off_t result = 0;
	for (off_t at = from; at < len && result == 0;) {
		size_t want = (size_t)(len - at) < CHUNK ? (size_t)(len - at) : CHUNK;
		ssize_t got = pread(fd, buf, want, at);
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			/* before target only counts matter: skip ahead with memchr-speed scans */
			if (at + i < target) {
				size_t stop = (size_t)(target - at) < (size_t)got ? (size_t)(target - at) : (size_t)got;
				for (const char *p = buf + i; (p = memchr(p, '"', stop - (size_t)(p - buf))) != NULL; p++)
					quotes++;
				for (const char *p = buf + i; (p = memchr(p, '\n', stop - (size_t)(p - buf))) != NULL; p++)
					lines++;
				i = (ssize_t)stop - 1;
				continue;
			}
			if (buf[i] == '"') {
				quotes++;
			} else if (buf[i] == '\n') {
				if (quotes % 2 == 0 && at + i + 1 < len) {
					result = at + i + 1;
					*line = lines + 1;
				}
				break; /* odd: inside quotes, no proven split; even: found */
			}
		}
		if (result == 0 && at + got > target) {
			/* the newline after target was inside quotes, or none in this chunk */
			int found_newline = memchr(buf + (target > at ? target - at : 0), '\n',
						   (size_t)got - (size_t)(target > at ? target - at : 0)) != NULL;
			if (found_newline)
				break;
		}
		at += got;
	}
	free(buf);
	return result;
}

/* End of the header record: the first '\n' with an even number of quotes before it. */
static size_t header_end(const char *buf, size_t len)
{
	size_t quotes = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '"')
			quotes++;
		else if (buf[i] == '\n' && quotes % 2 == 0)
			return i + 1;
	}
	return 0;
}

static enum ps_status single(const char *path, const struct ps_reader_options *options, ps_header_fn on_header,
			     ps_row_fn on_row, struct ps_parallel_part *part, struct ps_error *err)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	if (fp && fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp); /* a directory: "cannot open" (exit 66), not a read error */
		fp = NULL;
		errno = EISDIR;
	}
	if (!fp) {
		int e = errno;
		ps_error_copy(err->file, sizeof(err->file), path, strlen(path));
		return ps_error_set(err, PS_ENOINPUT, "cannot open: %s", strerror(e));
	}
	struct ps_reader *r = ps_reader_new(options, on_row, part->ctx, part->rejects);
	if (!r) {
		fclose(fp);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	ps_reader_on_header(r, on_header);
	part->status = ps_reader_read_stream(r, fp, &part->err);
	part->rows = ps_reader_rows(r);
	part->blank_lines = ps_reader_blank_lines(r);
	ps_reader_free(r);
	fclose(fp);
	if (part->status != PS_OK)
		*err = part->err;
	return part->status;
}

enum ps_status ps_read_file_parallel(const char *path, int threads, const struct ps_reader_options *options,
				     ps_header_fn on_header, ps_row_fn on_row, struct ps_parallel_part parts[2], int *used,
				     struct ps_error *err)
{
	*used = 1;
	for (int i = 0; i < 2; i++) {
		parts[i].rows = parts[i].blank_lines = 0;
		parts[i].status = PS_OK;
		ps_error_clear(&parts[i].err);
	}
	struct stat sb;
	int fd = threads >= 2 ? open(path, O_RDONLY) : -1;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size < PS_PARALLEL_MIN_BYTES) {
		if (fd >= 0)
			close(fd);
		return single(path, options, on_header, on_row, &parts[0], err);
	}
	off_t len = sb.st_size;
	/* the header through reader 0: BOM, checks and the command's column lookup happen once */
	char *first = malloc(CHUNK);
	ssize_t got = first ? pread(fd, first, CHUNK, 0) : -1;
	size_t head = got > 0 ? header_end(first, (size_t)got) : 0;
	enum ps_status st = PS_OK;
	struct ps_reader *r0 = ps_reader_new(options, on_row, parts[0].ctx, parts[0].rejects);
	struct ps_reader *r1 = ps_reader_new(options, on_row, parts[1].ctx, parts[1].rejects);
	if (!first || !r0 || !r1) {
		st = ps_error_set(err, PS_ENOMEM, "out of memory");
		goto out;
	}
	ps_reader_on_header(r0, on_header);
	if (head == 0 || ps_reader_feed(r0, first, head, &parts[0].err) != PS_OK || ps_reader_header(r0, NULL) == 0) {
		/* no complete header line in the first chunk (or a bad one): one reader says what is wrong */
		free(first);
		ps_reader_free(r0);
		ps_reader_free(r1);
		close(fd);
		return single(path, options, on_header, on_row, &parts[0], err);
	}
	const char *const *names;
	size_t ncolumns = ps_reader_header(r0, &names);
	unsigned long line = 0;
	off_t split = find_split(fd, (off_t)head, 2, (off_t)head + (len - (off_t)head) / 2, len, &line);
	struct job jobs[2] = { { r0, path, (off_t)head, split ? split : len, &parts[0] },
			       { r1, path, split, len, &parts[1] } };
	if (split) {
		struct ps_error herr;
		ps_error_clear(&herr);
		if ((st = ps_reader_continue(r1, ncolumns, names, line)) != PS_OK ||
		    (st = on_header(parts[1].ctx, ncolumns, names, &herr)) != PS_OK) {
			*err = herr;
			goto out;
		}
		pthread_t tid;
		if (pthread_create(&tid, NULL, run_job, &jobs[1]) == 0) {
			run_job(&jobs[0]);
			pthread_join(tid, NULL);
			*used = 2;
		} else {
			run_job(&jobs[0]);
			run_job(&jobs[1]);
			*used = 2;
		}
	} else {
		run_job(&jobs[0]);
	}
	for (int i = 0; i < *used; i++) {
		if (parts[i].status != PS_OK) {
			st = parts[i].status;
			*err = parts[i].err;
			break;
		}
	}
out:
	free(first);
	ps_reader_free(r0);
	ps_reader_free(r1);
	close(fd);
	return st;
}
