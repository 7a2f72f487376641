/*
 * End-to-end checks: run the built peerstat on the cases of tests/golden/cli_cases.tsv and
 * compare the JSON it prints with R's figures in tests/golden/cli_<command>.tsv.
 *
 * The library's statistics are unit-tested against R elsewhere (check_km.c, check_logrank.c,
 * check_cox.c); this suite checks what only the command can get wrong: which group is the
 * treatment, strata, covariates, missing values, the options and where each figure lands in
 * the JSON.
 *
 * tests/golden/cli_cases.tsv: `name<TAB>arguments`, arguments split on single spaces, the first
 * one the command. An argument holding a '/' that does not start with '-' is a file path
 * relative to tests/ (test_path()). Lines starting with '#' are comments.
 *
 * tests/golden/cli_<command>.tsv (scripts/golden_cli_<command>.R): `<case>.<json path><TAB>value`.
 * The json path is dot-separated: object members by name, array elements by index from 0, and
 * `length` on an array for its number of elements (e.g. aml_basic.groups.1.curve.3.survival,
 * aml_basic.groups.1.curve.length). A value NA must be JSON null. Counts (members named in
 * count_members[], any *_df, array lengths) and booleans (true = 1) must match exactly; other
 * numbers to 1e-9 relative: ck_assert_close's rule (relative, absolute below 1) and, in
 * addition, relative below 1 too, so that p-values and small standard errors are held to 1e-9
 * of themselves. An expected 0 must be within 1e-15.
 *
 * Every mismatch of a case is listed before the case fails, so one run shows them all. A second
 * test per case checks that each warning names a field that exists in the output.
 * To add a command: add its cases to cli_cases.tsv, a generator writing cli_<command>.tsv, and
 * its name to commands[] below.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "golden.h"

#define REL_TOL 1e-9
#define ZERO_TOL 1e-15

/* Commands whose JSON is checked against tests/golden/cli_<command>.tsv. */
static const char *const commands[] = { "survival", "compare", "retention", "isolation", "sobriety" };

/* Members holding counts: compared exactly. */
static const char *const count_members[] = {
	"n", "missing", "events", "at_risk", "censored", "rows", "missing_group", "other_groups",
	"rejected_rows", "iterations", "df",
};

struct cli_case {
	char *name;
	char *args;             /* the arguments line, command first */
	const char *command;    /* one of commands[] */
};

struct golden_line {
	char *key;              /* <case>.<json path> */
	double value;           /* NAN for NA */
};

struct golden_file {
	const char *command;
	struct golden_line *lines;
	size_t n;
};

/* Loaded once in main(), read by the loop tests, freed at the end. */
static struct cli_case *cases;
static size_t ncases;
static struct golden_file goldens[sizeof(commands) / sizeof(commands[0])];

/*
 * Set from $PS_VALGRIND by the valgrind build (tests/CMakeLists.txt), where peerstat runs under
 * memcheck (about a second a run): every other case of each command is run, for its memory
 * only (exit 0 and JSON; the figures are held to R by the plain and the sanitizer builds), and
 * the warnings test, which would run the same cases again, is left out. Valgrind computes long
 * double in double precision, so figures R itself accumulates in long double move in their last
 * digits, and a singularity decision that sits on the edge (sob_first's cox.zph) can flip.
 */
static int under_valgrind;

/* Totals over the run, printed at the end. */
static size_t total_figures;
static double total_max_rel;

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (!q) {
		fprintf(stderr, "check_cli: out of memory\n");
		exit(EXIT_FAILURE);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;
	return memcpy(xrealloc(NULL, len), s, len);
}

static void chomp(char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
}

static void load_cases(void)
{
	FILE *fp = fopen(test_path("golden/cli_cases.tsv"), "r");
	if (!fp) {
		fprintf(stderr, "check_cli: cannot open %s\n", test_path("golden/cli_cases.tsv"));
		exit(EXIT_FAILURE);
	}
	char line[8192];
	size_t cap = 0;
	while (fgets(line, sizeof(line), fp)) {
		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			fprintf(stderr, "check_cli: cli_cases.tsv: no tab in '%s'\n", line);
			exit(EXIT_FAILURE);
		}
		*tab = '\0';
		const char *command = NULL;
		size_t cmdlen = strcspn(tab + 1, " ");
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strlen(commands[i]) == cmdlen && strncmp(commands[i], tab + 1, cmdlen) == 0)
				command = commands[i];
		if (!command)
			continue;       /* a command without goldens yet */
		if (ncases == cap)
			cases = xrealloc(cases, (cap = cap ? cap * 2 : 16) * sizeof(*cases));
		cases[ncases].name = xstrdup(line);
		cases[ncases].args = xstrdup(tab + 1);
		cases[ncases].command = command;
		ncases++;
	}
	fclose(fp);
}

static double parse_value(const char *v)
{
	if (strcmp(v, "NA") == 0 || strcmp(v, "NaN") == 0)
		return NAN;
	if (strcmp(v, "Inf") == 0)
		return INFINITY;
	if (strcmp(v, "-Inf") == 0)
		return -INFINITY;
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end != '\0') {
		fprintf(stderr, "check_cli: golden value '%s' is not a number\n", v);
		exit(EXIT_FAILURE);
	}
	return d;
}

static void load_golden(struct golden_file *g, const char *command)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "golden/cli_%s.tsv", command);
	g->command = command;
	FILE *fp = fopen(test_path(rel), "r");
	if (!fp) {
		fprintf(stderr, "check_cli: cannot open %s\n", test_path(rel));
		exit(EXIT_FAILURE);
	}
	char line[4096];
	size_t cap = 0;
	while (fgets(line, sizeof(line), fp)) {
		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			fprintf(stderr, "check_cli: %s: no tab in '%s'\n", rel, line);
			exit(EXIT_FAILURE);
		}
		*tab = '\0';
		if (g->n == cap)
			g->lines = xrealloc(g->lines, (cap = cap ? cap * 2 : 1024) * sizeof(*g->lines));
		g->lines[g->n].key = xstrdup(line);
		g->lines[g->n].value = parse_value(tab + 1);
		g->n++;
	}
	fclose(fp);
}

static const struct golden_file *golden_for(const char *command)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (goldens[i].command == command)
			return &goldens[i];
	return NULL;
}

/*
 * Run peerstat with the case's arguments (no shell: execv). Returns its standard output
 * (malloc'ed, NUL-terminated, the caller frees) and its exit status in *status; its standard
 * error goes to errfp for the failure message.
 */
static char *run_peerstat(const struct cli_case *c, FILE *errfp, int *status)
{
	char *line = xstrdup(c->args);
	size_t cap = 8, argc = 0;
	char **argv = xrealloc(NULL, cap * sizeof(*argv));
	argv[argc++] = xstrdup(test_peerstat_bin());
	for (char *save = NULL, *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (argc + 2 > cap)
			argv = xrealloc(argv, (cap *= 2) * sizeof(*argv));
		argv[argc++] = xstrdup(tok[0] != '-' && strchr(tok, '/') ? test_path(tok) : tok);
	}
	argv[argc] = NULL;
	free(line);

	int fd[2];
	ck_assert_msg(pipe(fd) == 0, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		dup2(fileno(errfp), STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	size_t len = 0, size = 65536;
	char *out = xrealloc(NULL, size);
	for (;;) {
		if (len + 1 == size)
			out = xrealloc(out, size *= 2);
		ssize_t got = read(fd[0], out + len, size - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	out[len] = '\0';
	close(fd[0]);
	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return out;
}

enum found { FOUND_NONE, FOUND_ITEM, FOUND_LENGTH };

/*
 * Follow a dot-separated json path from root. Returns FOUND_ITEM with *item, FOUND_LENGTH with
 * *length when the path ends in `length` on an array, FOUND_NONE (with the failing component in
 * why) otherwise.
 */
static enum found resolve(const cJSON *root, const char *path, const cJSON **item, double *length, char *why,
			  size_t whysize)
{
	char *copy = xstrdup(path);
	const cJSON *node = root;
	enum found found = FOUND_ITEM;
	char *save = NULL;
	for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		if (cJSON_IsArray(node)) {
			if (strcmp(part, "length") == 0 && !*save) {
				*length = cJSON_GetArraySize(node);
				found = FOUND_LENGTH;
				break;
			}
			char *end;
			errno = 0;
			unsigned long index = strtoul(part, &end, 10);
			node = (*part && *end == '\0' && !errno && index < (unsigned long)cJSON_GetArraySize(node))
			     ? cJSON_GetArrayItem(node, (int)index) : NULL;
		} else if (cJSON_IsObject(node)) {
			node = cJSON_GetObjectItemCaseSensitive(node, part);
		} else {
			node = NULL;
		}
		if (!node) {
			snprintf(why, whysize, "no '%s'", part);
			found = FOUND_NONE;
			break;
		}
	}
	free(copy);
	*item = node;
	return found;
}

static int is_count(const char *path)
{
	const char *last = strrchr(path, '.');
	last = last ? last + 1 : path;
	size_t len = strlen(last);
	if (len >= 3 && strcmp(last + len - 3, "_df") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(count_members) / sizeof(count_members[0]); i++)
		if (strcmp(last, count_members[i]) == 0)
			return 1;
	return 0;
}

/* Relative difference as reported: |got - want| / |want|, or |got| when want is 0. */
static double rel_diff(double got, double want)
{
	if (isnan(want) || isinf(want))
		return got == want || (isnan(got) && isnan(want)) ? 0 : INFINITY;
	return want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
}

/*
 * Compare one figure. Returns 1 when it agrees; otherwise writes why into msg. *rel gets the
 * relative difference of a number that agrees (for the report).
 */
static int compare_one(const cJSON *root, const char *path, double want, double *rel, char *msg, size_t msgsize)
{
	const cJSON *item = NULL;
	double length = 0;
	char why[128] = "";
	*rel = 0;
	switch (resolve(root, path, &item, &length, why, sizeof(why))) {
	case FOUND_NONE:
		snprintf(msg, msgsize, "%s: not in the output (%s), want %.17g", path, why, want);
		return 0;
	case FOUND_LENGTH:
		if (length != want) {
			snprintf(msg, msgsize, "%s = %.17g, want %.17g", path, length, want);
			return 0;
		}
		return 1;
	case FOUND_ITEM:
		break;
	}
	if (cJSON_IsNull(item)) {
		if (isnan(want))
			return 1;
		snprintf(msg, msgsize, "%s = null, want %.17g", path, want);
		return 0;
	}
	if (cJSON_IsBool(item)) {
		double got = cJSON_IsTrue(item) ? 1 : 0;
		if (got != want) {
			snprintf(msg, msgsize, "%s = %s, want %.17g", path, got ? "true" : "false", want);
			return 0;
		}
		return 1;
	}
	if (!cJSON_IsNumber(item)) {
		snprintf(msg, msgsize, "%s is not a number, want %.17g", path, want);
		return 0;
	}
	double got = item->valuedouble;
	if (isnan(want)) {
		snprintf(msg, msgsize, "%s = %.17g, want null (R: NA)", path, got);
		return 0;
	}
	if (is_count(path)) {
		if (got != want) {
			snprintf(msg, msgsize, "%s = %.17g, want exactly %.17g", path, got, want);
			return 0;
		}
		return 1;
	}
	*rel = rel_diff(got, want);
	/* ck_assert_close's rule, then relative also below 1 */
	double scale = fabs(want) < 1 ? 1 : fabs(want);
	int ok = fabs(got - want) <= REL_TOL * scale && (want == 0 ? fabs(got) <= ZERO_TOL : *rel <= REL_TOL);
	if (!ok)
		snprintf(msg, msgsize, "%s = %.17g, want %.17g (relative difference %.3g)", path, got, want, *rel);
	return ok;
}

START_TEST(matches_r)
{
	const struct cli_case *c = &cases[_i];
	const struct golden_file *g = golden_for(c->command);
	FILE *errfp = tmpfile();
	ck_assert_msg(errfp != NULL, "tmpfile: %s", strerror(errno));
	int status = 0;
	char *out = run_peerstat(c, errfp, &status);
	char err[2048] = "";
	rewind(errfp);
	size_t errlen = fread(err, 1, sizeof(err) - 1, errfp);
	err[errlen] = '\0';
	fclose(errfp);
	if (status != 0)
		free(out);
	ck_assert_msg(status == 0, "case %s: peerstat %s exited with %d: %s", c->name, c->args, status, err);
	cJSON *root = cJSON_Parse(out);
	free(out);
	ck_assert_msg(root != NULL, "case %s: the output is not JSON", c->name);
	if (under_valgrind) {
		cJSON_Delete(root);
		return;
	}

	size_t namelen = strlen(c->name), figures = 0, failures = 0;
	double max_rel = 0;
	const char *max_key = "";
	for (size_t i = 0; i < g->n; i++) {
		const char *key = g->lines[i].key;
		if (strncmp(key, c->name, namelen) != 0 || key[namelen] != '.')
			continue;
		figures++;
		double rel;
		char msg[512];
		if (!compare_one(root, key + namelen + 1, g->lines[i].value, &rel, msg, sizeof(msg))) {
			fprintf(stderr, "check_cli: %s.%s\n", c->name, msg);
			failures++;
		} else if (rel > max_rel) {
			max_rel = rel;
			max_key = key;
		}
	}
	cJSON_Delete(root);
	printf("check_cli: %s %s: %zu figures, %zu mismatches, max relative difference %.3g (%s)\n", c->command,
	       c->name, figures, failures, max_rel, max_key);
	total_figures += figures;
	if (max_rel > total_max_rel)
		total_max_rel = max_rel;
	ck_assert_msg(figures > 0, "case %s has no figures in cli_%s.tsv", c->name, c->command);
	ck_assert_msg(failures == 0, "case %s: %zu of %zu figures differ from R (listed above)", c->name, failures,
		      figures);
}
END_TEST

/*
 * Every warning names a field of the output (`warnings[].field`, with [k] for array elements),
 * so that a reader can tell which null it explains. Checked on every case of every command.
 */
START_TEST(warnings_name_fields)
{
	const struct cli_case *c = &cases[_i];
	FILE *errfp = tmpfile();
	ck_assert_msg(errfp != NULL, "tmpfile: %s", strerror(errno));
	int status = 0;
	char *out = run_peerstat(c, errfp, &status);
	fclose(errfp);
	cJSON *root = status == 0 ? cJSON_Parse(out) : NULL;
	free(out);
	ck_assert_msg(root != NULL, "case %s: exit %d or no JSON", c->name, status);
	size_t failures = 0;
	const cJSON *warning;
	cJSON_ArrayForEach(warning, cJSON_GetObjectItemCaseSensitive(root, "warnings")) {
		const cJSON *field = cJSON_GetObjectItemCaseSensitive(warning, "field");
		if (!cJSON_IsString(field))
			continue;       /* a warning about the whole run */
		char path[512];
		size_t n = 0;
		for (const char *p = field->valuestring; *p && n + 2 < sizeof(path); p++)
			if (*p == '[')
				path[n++] = '.';
			else if (*p != ']')
				path[n++] = *p;
		path[n] = '\0';
		const cJSON *item = NULL;
		double length;
		char why[128];
		if (resolve(root, path, &item, &length, why, sizeof(why)) == FOUND_NONE) {
			fprintf(stderr, "check_cli: %s: warning field '%s' is not in the output (%s)\n", c->name,
				field->valuestring, why);
			failures++;
		}
	}
	cJSON_Delete(root);
	ck_assert_msg(failures == 0, "case %s: %zu warnings name no field of the output (listed above)", c->name,
		      failures);
}
END_TEST

/* Every golden key belongs to a case of the same command: a renamed case cannot go unchecked. */
START_TEST(goldens_name_known_cases)
{
	const struct golden_file *g = &goldens[_i];
	for (size_t i = 0; i < g->n; i++) {
		const char *key = g->lines[i].key;
		size_t namelen = strcspn(key, ".");
		int known = 0;
		for (size_t k = 0; k < ncases && !known; k++)
			known = cases[k].command == g->command && strlen(cases[k].name) == namelen &&
				strncmp(cases[k].name, key, namelen) == 0;
		ck_loop_assert_msg(known, "cli_%s.tsv: key %s names no case of cli_cases.tsv", g->command, key);
	}
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	size_t ncommands = sizeof(commands) / sizeof(commands[0]);
	TCase *tc = tcase_create("golden");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, goldens_name_known_cases, 0, (int)ncommands);
	suite_add_tcase(s, tc);
	for (size_t k = 0; k < ncommands; k++) {
		/* one TCase per command, its cases a loop over their (contiguous or not) indices */
		TCase *tcc = tcase_create(commands[k]);
		tcase_set_timeout(tcc, 600);
		size_t seen = 0;
		for (size_t i = 0; i < ncases; i++)
			if (cases[i].command == commands[k] && (!under_valgrind || seen++ % 2 == 0))
				tcase_add_loop_test(tcc, matches_r, (int)i, (int)i + 1);
		suite_add_tcase(s, tcc);
	}
	if (under_valgrind)
		return s;
	TCase *tcw = tcase_create("warnings");
	tcase_set_timeout(tcw, 120);
	tcase_add_loop_test(tcw, warnings_name_fields, 0, (int)ncases);
	suite_add_tcase(s, tcw);
	return s;
}

int main(void)
{
	under_valgrind = getenv("PS_VALGRIND") != NULL;
	load_cases();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		load_golden(&goldens[i], commands[i]);
	SRunner *sr = srunner_create(cli_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("check_cli: %zu figures compared, max relative difference %.3g\n", total_figures, total_max_rel);
	for (size_t i = 0; i < ncases; i++) {
		free(cases[i].name);
		free(cases[i].args);
	}
	free(cases);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		for (size_t k = 0; k < goldens[i].n; k++)
			free(goldens[i].lines[k].key);
		free(goldens[i].lines);
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
