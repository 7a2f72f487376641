/* A directory of outputs written all or nothing; see outdir.h. */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when dir has no entry but . and .., 0 when it has, -1 when it cannot be read. */
static int is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

enum ps_status ps_outdir_begin(struct ps_outdir *o, const struct ps_common *common, const char *dir)
{
	memset(o, 0, sizeof(*o));
	o->dir = dir;
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "peerstat: %s: %s exists and is not a directory\n", common->command, dir);
			return PS_ECANTCREAT;
		}
		int empty = is_empty(dir);
		if (empty < 0) {
			fprintf(stderr, "peerstat: %s: %s: %s\n", common->command, dir, strerror(errno));
			return PS_ECANTCREAT;
		}
		if (!empty) {
			fprintf(stderr,
				"peerstat: %s: %s is not empty (%s writes a whole new directory: give a new name or empty it)\n",
				common->command, dir, common->command);
			return PS_ECANTCREAT;
		}
		o->replace = 1;
	} else if (errno != ENOENT) {
		fprintf(stderr, "peerstat: %s: %s: %s\n", common->command, dir, strerror(errno));
		return PS_ECANTCREAT;
	}
	/* beside DIR, so that the final rename stays within one file system */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (snprintf(o->tmp, sizeof(o->tmp), "%.*s.partial-XXXXXX", (int)n, dir) >= (int)sizeof(o->tmp))
		return ps_usage_error(common, "--out names too long a path");
	if (!mkdtemp(o->tmp)) {
		fprintf(stderr, "peerstat: %s: cannot create a directory beside %s: %s\n", common->command, dir,
			strerror(errno));
		return PS_ECANTCREAT;
	}
	o->made = 1;
	mode_t mask = umask(0); /* mkdtemp makes it private; DIR gets what a mkdir would give */
	umask(mask);
	chmod(o->tmp, 0777 & ~mask);
	return PS_OK;
}

int ps_outdir_path(const struct ps_outdir *o, const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", o->tmp, name);
	return n >= 0 && (size_t)n < size;
}

enum ps_status ps_outdir_commit(struct ps_outdir *o, const struct ps_common *common)
{
	if ((o->replace && rmdir(o->dir) != 0) || rename(o->tmp, o->dir) != 0) {
		fprintf(stderr, "peerstat: %s: cannot put the outputs in %s: %s\n", common->command, o->dir, strerror(errno));
		ps_outdir_abort(o);
		return PS_ECANTCREAT;
	}
	o->made = 0;
	return PS_OK;
}

void ps_outdir_abort(struct ps_outdir *o)
{
	if (!o->made)
		return;
	DIR *d = opendir(o->tmp);
	if (d) {
		struct dirent *e;
		char path[PATH_MAX + 256]; /* the directory and one name (NAME_MAX) */
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", o->tmp, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(o->tmp);
	o->made = 0;
}
