/* Atomic output files; see include/peerstat/output.h. */
#include "peerstat/output.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum ps_status write_error(struct ps_error *err, const char *path, int errnum)
{
	if (errnum == EPIPE)
		return ps_error_set(err, PS_EPIPE, "output closed");
	return ps_error_set(err, PS_EIO, "cannot write %s: %s", path ? path : "standard output", strerror(errnum));
}

enum ps_status ps_output_open(struct ps_output *out, const char *path, struct ps_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!path || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return PS_OK;
	}
	/*
	 * Only a regular file (or a name not yet taken) is replaced atomically. A device, a
	 * FIFO or a socket (/dev/stdout, /dev/full, a named pipe) is written in place: renaming
	 * over it would replace the device node itself. A symlink is followed, so that the file
	 * it points to is replaced and the link stays.
	 */
	struct stat st;
	char resolved[PATH_MAX];
	const char *target = path;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			out->fp = fopen(path, "w");
			if (!out->fp)
				return ps_error_set(err, PS_ECANTCREAT, "cannot open %s: %s", path, strerror(errno));
			out->direct = 1;
			return PS_OK;
		}
		if (realpath(path, resolved))
			target = resolved;
	}
	size_t n = strlen(target);
	out->path = malloc(n + 1);
	out->tmp_path = malloc(n + 16);
	if (!out->path || !out->tmp_path) {
		ps_output_abort(out);
		return ps_error_set(err, PS_ENOMEM, "out of memory");
	}
	memcpy(out->path, target, n + 1);
	/* beside the target, so that rename() stays on one file system and is atomic */
	snprintf(out->tmp_path, n + 16, "%s.tmp.XXXXXX", target);
	int fd = mkstemp(out->tmp_path);
	if (fd < 0) {
		int e = errno;
		free(out->tmp_path);
		out->tmp_path = NULL;
		ps_output_abort(out);
		return ps_error_set(err, PS_ECANTCREAT, "cannot create %s: %s", path, strerror(e));
	}
	/*
	 * mkstemp makes the file private (0600); the result gets the mode a shell redirection
	 * would give it: the target's own mode when it exists, else 0666 less the umask.
	 */
	struct stat target_st;
	mode_t mode;
	if (stat(target, &target_st) == 0) {
		mode = target_st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	(void)fchmod(fd, mode); /* best effort: a file system without modes keeps what it has */
	out->fp = fdopen(fd, "w");
	if (!out->fp) {
		int e = errno;
		close(fd);
		ps_output_abort(out);
		return ps_error_set(err, PS_ECANTCREAT, "cannot create %s: %s", path, strerror(e));
	}
	return PS_OK;
}

enum ps_status ps_output_write(struct ps_output *out, const char *data, size_t len, struct ps_error *err)
{
	/* a device named by -o has no path kept: "the output", as ps_output_commit says */
	if (len && fwrite(data, 1, len, out->fp) != len)
		return write_error(err, out->direct ? "the output" : out->path, errno);
	return PS_OK;
}

enum ps_status ps_output_commit(struct ps_output *out, struct ps_error *err)
{
	enum ps_status st = PS_OK;
	if (out->fp == stdout) {
		if (fflush(out->fp) != 0 || ferror(out->fp))
			st = write_error(err, NULL, errno);
		return st;
	}
	if (out->direct) {
		int e = 0;
		if (fflush(out->fp) != 0 || ferror(out->fp))
			e = errno ? errno : EIO;
		if (fclose(out->fp) != 0 && !e)
			e = errno ? errno : EIO;
		out->fp = NULL;
		return e ? write_error(err, "the output", e) : PS_OK;
	}
	int e = 0;
	if (fflush(out->fp) != 0 || ferror(out->fp) || fsync(fileno(out->fp)) != 0)
		e = errno ? errno : EIO;
	if (fclose(out->fp) != 0 && !e)
		e = errno ? errno : EIO;
	out->fp = NULL;
	if (!e && rename(out->tmp_path, out->path) != 0)
		e = errno;
	if (!e) {
		free(out->tmp_path); /* renamed: nothing left to remove */
		out->tmp_path = NULL;
	}
	if (e) {
		st = write_error(err, out->path, e);
		if (st == PS_EPIPE)
			st = PS_EIO;
	}
	ps_output_abort(out);
	return st;
}

void ps_output_abort(struct ps_output *out)
{
	if (out->fp && out->fp != stdout)
		fclose(out->fp);
	out->fp = NULL;
	if (out->tmp_path)
		unlink(out->tmp_path);
	free(out->tmp_path);
	free(out->path);
	out->tmp_path = out->path = NULL;
}
