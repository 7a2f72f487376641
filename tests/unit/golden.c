/* Golden-value lookup for the Check suites; see golden.h for the file format. */
#include "golden.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *test_path(const char *relative)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", PS_TEST_DIR, relative);
	return path;
}

/*
 * Each golden file is read once into a sorted array and looked up by binary search: the suites
 * ask for tens of thousands of keys, and rescanning the file per key made the runs quadratic
 * (minutes under valgrind). Freed at exit so that leak checkers stay quiet.
 */
struct gentry {
	char *key;
	double value;
};

struct gfile {
	char *name;
	struct gentry *e;
	size_t n;
};

static struct gfile *gfiles;
static size_t n_gfiles;

static int gentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gentry *)a)->key, ((const struct gentry *)b)->key);
}

static void gfiles_free(void)
{
	for (size_t i = 0; i < n_gfiles; i++) {
		for (size_t k = 0; k < gfiles[i].n; k++)
			free(gfiles[i].e[k].key);
		free(gfiles[i].e);
		free(gfiles[i].name);
	}
	free(gfiles);
	gfiles = NULL;
	n_gfiles = 0;
}

static double parse_value(const char *v)
{
	if (strncmp(v, "NA", 2) == 0 || strncmp(v, "NaN", 3) == 0)
		return NAN;
	if (strncmp(v, "Inf", 3) == 0)
		return INFINITY;
	if (strncmp(v, "-Inf", 4) == 0)
		return -INFINITY;
	return strtod(v, NULL);
}

static const struct gfile *load(const char *file)
{
	for (size_t i = 0; i < n_gfiles; i++)
		if (strcmp(gfiles[i].name, file) == 0)
			return &gfiles[i];
	char rel[1024];
	snprintf(rel, sizeof(rel), "golden/%s", file);
	FILE *fp = fopen(test_path(rel), "r");
	if (!fp)
		ck_abort_msg("golden file %s cannot be opened", rel);
	struct gfile g = { strdup(file), NULL, 0 };
	size_t cap = 0;
	char line[4096];
	while (fgets(line, sizeof(line), fp)) {
		if (line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (g.n == cap) {
			cap = cap ? 2 * cap : 1024;
			g.e = realloc(g.e, cap * sizeof(*g.e));
			ck_assert_ptr_nonnull(g.e);
		}
		g.e[g.n].key = strdup(line);
		g.e[g.n].value = parse_value(tab + 1);
		g.n++;
	}
	fclose(fp);
	for (size_t i = 0; i < g.n; i++)
		ck_assert_ptr_nonnull(g.e[i].key);
	/* keys are unique in every generated file, so the sort order of equal keys never matters */
	qsort(g.e, g.n, sizeof(*g.e), gentry_cmp);
	if (n_gfiles == 0)
		atexit(gfiles_free);
	gfiles = realloc(gfiles, (n_gfiles + 1) * sizeof(*gfiles));
	ck_assert_ptr_nonnull(gfiles);
	gfiles[n_gfiles] = g;
	return &gfiles[n_gfiles++];
}

const char *test_peerstat_bin(void)
{
	const char *bin = getenv("PS_PEERSTAT_BIN");
	return bin && *bin ? bin : PS_PEERSTAT_BIN;
}

static int lookup(const char *file, const char *key, double *out)
{
	const struct gfile *g = load(file);
	struct gentry probe = { (char *)key, 0 };
	const struct gentry *hit = bsearch(&probe, g->e, g->n, sizeof(*g->e), gentry_cmp);
	if (!hit)
		return 0;
	*out = hit->value;
	return 1;
}

double golden(const char *file, const char *key)
{
	double v = 0;
	if (!lookup(file, key, &v))
		ck_abort_msg("golden value %s not in %s", key, file);
	return v;
}

int golden_has(const char *file, const char *key)
{
	double v;
	return lookup(file, key, &v);
}

void golden_assert_close(double got, double want, double rel, const char *what, const char *file, int line)
{
	if (isnan(want)) {
		ck_assert_msg(isnan(got), "%s:%d: %s = %.17g, want NA", file, line, what, got);
		return;
	}
	if (isinf(want)) {
		ck_assert_msg(got == want, "%s:%d: %s = %.17g, want %g", file, line, what, got, want);
		return;
	}
	double scale = fabs(want) < 1 ? 1 : fabs(want);
	ck_assert_msg(fabs(got - want) <= rel * scale, "%s:%d: %s = %.17g, want %.17g (rel tol %g)",
		      file, line, what, got, want, rel);
}

size_t test_load_column(const char *relative, const char *column, double **out)
{
	FILE *fp = fopen(test_path(relative), "r");
	if (!fp)
		ck_abort_msg("test data %s cannot be opened", relative);
	char line[65536];
	if (!fgets(line, sizeof(line), fp))
		ck_abort_msg("test data %s is empty", relative);
	line[strcspn(line, "\r\n")] = '\0';
	int index = -1, i = 0;
	for (char *save = NULL, *tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++)
		if (strcmp(tok, column) == 0)
			index = i;
	if (index < 0)
		ck_abort_msg("column %s not in %s", column, relative);
	size_t n = 0, cap = 64;
	double *values = malloc(cap * sizeof(*values));
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		/* walk to the index-th field by hand: strtok would merge empty fields */
		char *field = line;
		for (int k = 0; k < index && field; k++) {
			field = strchr(field, ',');
			if (field)
				field++;
		}
		if (!field)
			ck_abort_msg("%s: row %zu is short", relative, n + 1);
		size_t len = strcspn(field, ",");
		field[len] = '\0';
		if (n == cap)
			values = realloc(values, (cap *= 2) * sizeof(*values));
		values[n++] = (len == 0 || strcmp(field, "NA") == 0) ? NAN : strtod(field, NULL);
	}
	fclose(fp);
	*out = values;
	return n;
}

size_t test_load_group(const char *relative, const char *value, const char *group, double level, double **out)
{
	double *v, *g;
	size_t n = test_load_column(relative, value, &v);
	size_t m = test_load_column(relative, group, &g);
	ck_assert_uint_eq(n, m);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (g[i] == level)
			v[k++] = v[i];
	free(g);
	*out = v;
	return k;
}

void golden_assert_rel(double got, double want, double rel, const char *what, const char *file, int line)
{
	if (isnan(want) || isinf(want) || want == 0) {
		golden_assert_close(got, want, rel, what, file, line);
		return;
	}
	ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s:%d: %s = %.17g, want %.17g (rel tol %g, rel err %.3g)",
		      file, line, what, got, want, rel, fabs(got - want) / fabs(want));
}

void test_temp_file(char *path, const char *prefix, const char *text)
{
	snprintf(path, 64, "%s", prefix);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}
