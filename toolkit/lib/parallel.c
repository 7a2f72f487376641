/* Two-thread reading of a regular file; see include/peerstat/parallel.h. */
#include "peerstat/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
	struct ps_reader *reader;
	const char *buf;
	size_t len;
	struct ps_parallel_part *part;
};

/* Feed a mapped range in slices (no copy) and finish. */
static void *run_job(void *arg)
{
	struct job *job = arg;
	const size_t slice = 1u << 20;
	enum ps_status st = PS_OK;
	for (size_t at = 0; st == PS_OK && at < job->len; at += slice)
		st = ps_reader_feed(job->reader, job->buf + at, job->len - at < slice ? job->len - at : slice, &job->part->err);
	if (st == PS_OK)
		st = ps_reader_finish(job->reader, &job->part->err);
	job->part->status = st;
	job->part->rows = ps_reader_rows(job->reader);
	job->part->blank_lines = ps_reader_blank_lines(job->reader);
	return NULL;
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
	size_t len = (size_t)sb.st_size;
	const char *buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return single(path, options, on_header, on_row, &parts[0], err);

	enum ps_status st = PS_OK;
	struct ps_reader *r0 = ps_reader_new(options, on_row, parts[0].ctx, parts[0].rejects);
	struct ps_reader *r1 = ps_reader_new(options, on_row, parts[1].ctx, parts[1].rejects);
	size_t head = header_end(buf, len);
	if (!r0 || !r1) {
		st = ps_error_set(err, PS_ENOMEM, "out of memory");
		goto out;
	}
	ps_reader_on_header(r0, on_header);
	/* the header through reader 0: BOM, checks and the command's column lookup happen once */
	if (head == 0 || (st = ps_reader_feed(r0, buf, head, &parts[0].err)) != PS_OK || ps_reader_header(r0, NULL) == 0) {
		/* no complete header line (or a bad one): let one reader say what is wrong */
		ps_reader_free(r0);
		ps_reader_free(r1);
		munmap((void *)buf, len);
		return single(path, options, on_header, on_row, &parts[0], err);
	}
	const char *const *names;
	size_t ncolumns = ps_reader_header(r0, &names);
	unsigned long line = 0;
	size_t split = ps_reader_split_point(buf, len, head, 2, head + (len - head) / 2, &line);
	struct job jobs[2] = { { r0, buf + head, (split ? split : len) - head, &parts[0] },
			       { r1, buf + split, len - split, &parts[1] } };
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
	ps_reader_free(r0);
	ps_reader_free(r1);
	munmap((void *)buf, len);
	return st;
}
