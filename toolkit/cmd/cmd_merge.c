/*
 * peerstat merge [options] PARTIAL...
 *
 * Combine partial summaries (`COMMAND --partial` on shards of one input) into the result the
 * command prints on the whole input: docs/scale.md. Each partial is read line by line (JSON
 * Lines: header, one record line per participant, end line). The header and end lines are
 * checked here, the same for every command; the record lines go to the command's partial kind
 * (partial.h: ps_partial_kinds[]), which combines them through the command's own rules (a
 * participant split between shards is combined exactly, a rule broken across shards is an
 * error, as it is in one pass) and then runs the command with the recorded options and the
 * merged total in place of its input. Partials must come from the same peerstat version,
 * command and options.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "partial.h"

const char cmd_merge_usage[] =
	"usage: peerstat merge [options] PARTIAL...\n"
	"\n"
	"Combine partial summaries written with --partial (retention, isolation, sobriety, compare,\n"
	"survival) on parts of one input into the JSON the command prints on the whole input. A\n"
	"PARTIAL file may hold several partials one after the other ('-' or none: standard input).\n"
	"All must come from the same peerstat version, command and options (in any order or\n"
	"spelling). See docs/scale.md.\n"
	"\n"
	"  --input-name NAME  input.file in the output (default: the name the partials share,\n"
	"                     else \"(merged)\")\n"
	"  -o, --output FILE  write the result to FILE atomically (default: standard output)\n"
	"  -h, --help         this help\n";

enum { OPT_INPUT_NAME = 1 };

struct merge_state {
	const struct ps_common *common;
	cJSON *first_header;          /* the first partial's header: the others must agree */
	char *first_file;             /* where it came from, for messages */
	char *command;                /* from the first header */
	char **options;               /* its options (strings owned by first_header) */
	int noptions;
	const struct ps_partial_kind *kind;   /* the command's */
	void *state;                  /* the kind's running total */
	char **part_files;            /* input.file of each partial read (owned) */
	size_t nparts, parts_cap;
	unsigned long rows, blank_lines;
	int threads;
	struct ps_rejects rejects;
	char *name;                   /* the input name the partials share, NULL when they differ */
	int name_differs;
	unsigned long partials;
	/* a digest of every partial with records read so far and where it was: the same part given
	   twice is refused by the rules of retention, isolation and sobriety (a duplicate session or
	   wave), but compare and survival rows carry no id: two equal partials are warned about */
	struct seen_partial { uint64_t digest; char *file; unsigned long line; } *seen;
	size_t nseen, seen_cap;
};

/* FNV-1a over the bytes of a partial's lines, line ends left out (CRLF and LF copies agree). */
static uint64_t digest_add(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
	return (h ^ '\n') * UINT64_C(0x100000001b3);
}

/* Remember this partial's digest; a warning when an earlier one had the same. 0, or -1 (memory). */
static int note_digest(struct merge_state *m, uint64_t digest, const char *file, unsigned long line)
{
	for (size_t i = 0; i < m->nseen; i++)
		if (m->seen[i].digest == digest)
			fprintf(stderr,
				"peerstat: merge: %s:%lu: warning: this partial summary is identical to the one ending at %s:%lu "
				"(the same part given twice? its rows then count twice)\n",
				file, line, m->seen[i].file, m->seen[i].line);
	if (m->nseen == m->seen_cap) {
		size_t cap = m->seen_cap ? m->seen_cap * 2 : 16;
		struct seen_partial *grown = realloc(m->seen, cap * sizeof(*grown));
		if (!grown)
			return -1;
		m->seen = grown;
		m->seen_cap = cap;
	}
	if (!(m->seen[m->nseen].file = strdup(file)))
		return -1;
	m->seen[m->nseen].digest = digest;
	m->seen[m->nseen++].line = line;
	return 0;
}

static enum ps_status fail(const struct merge_state *m, const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum ps_status fail(const struct merge_state *m, const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "peerstat: %s: %s:", m->common->command, file);
	if (line)
		fprintf(stderr, "%lu:", line);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PS_EDATA;
}

static double number_of(const cJSON *obj, const char *key)
{
	/* a count: a whole number from 0 to 2^53 (a hand-edited 1e20 or 1e400 must not be cast) */
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
			       v->valuedouble == floor(v->valuedouble) ? v->valuedouble : -1;
}

static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Check a header line against the first one and take its input counts. */
static enum ps_status take_header(struct merge_state *m, cJSON *h, const char *file, unsigned long line)
{
	const cJSON *ps = cJSON_GetObjectItemCaseSensitive(h, "peerstat");
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(h, "partial");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(h, "input");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(part, "options");
	const char *version = string_of(ps, "version"), *command = string_of(ps, "command");
	if (!version || !command || !cJSON_IsArray(opts) || !cJSON_IsObject(in))
		return fail(m, file, line, "not a peerstat partial summary (write one with --partial)");
	if (strcmp(version, PEERSTAT_VERSION) != 0)
		return fail(m, file, line, "partial summary made by peerstat %s, this is %s (merge partials made by one version)",
			    version, PEERSTAT_VERSION);
	if (number_of(part, "format") != PS_PARTIAL_FORMAT || !string_of(part, "keys") ||
	    strcmp(string_of(part, "keys"), "siphash24-peerstat-id-v1") != 0)
		return fail(m, file, line, "partial summary format is not %d with siphash24-peerstat-id-v1 keys", PS_PARTIAL_FORMAT);
	const cJSON *o;
	cJSON_ArrayForEach(o, opts) if (!cJSON_IsString(o)) return fail(m, file, line, "partial options are not strings");
	if (!m->first_header) {
		for (m->kind = ps_partial_kinds; m->kind->command && strcmp(m->kind->command, command) != 0; m->kind++)
			;
		if (!m->kind->command) {
			char known[256];
			size_t len = 0;
			known[0] = '\0';
			for (const struct ps_partial_kind *k = ps_partial_kinds; k->command && len < sizeof(known); k++)
				len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", k == ps_partial_kinds ? "" : ", ",
							k->command);
			m->kind = NULL;
			return fail(m, file, line, "merge combines partials of %s, not of '%s'", known, command);
		}
		if (!(m->state = m->kind->create()))
			return PS_ENOMEM;
		m->command = (char *)command;
		m->noptions = cJSON_GetArraySize(opts);
		if (!(m->options = calloc((size_t)m->noptions + 1, sizeof(*m->options))))
			return PS_ENOMEM;
		int i = 0;
		cJSON_ArrayForEach(o, opts) m->options[i++] = o->valuestring;
	} else {
		const cJSON *ps0 = cJSON_GetObjectItemCaseSensitive(m->first_header, "peerstat");
		const cJSON *part0 = cJSON_GetObjectItemCaseSensitive(m->first_header, "partial");
		if (strcmp(command, string_of(ps0, "command")) != 0)
			return fail(m, file, line, "partial summary of '%s', but %s holds one of '%s' (merge partials of one command)",
				    command, m->first_file, string_of(ps0, "command"));
		if (!cJSON_Compare(opts, cJSON_GetObjectItemCaseSensitive(part0, "options"), 1)) {
			char *a = cJSON_PrintUnformatted(opts);
			char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(part0, "options"));
			enum ps_status st = fail(m, file, line,
						 "partial summary made with other options than %s (%s, not %s): give every part the same "
						 "options",
						 m->first_file, a ? a : "?", b ? b : "?");
			free(a);
			free(b);
			return st;
		}
	}
	double rows = number_of(in, "rows"), blank = number_of(in, "blank_lines"), threads = number_of(in, "threads");
	double rejected = number_of(in, "rejected_rows");
	const char *name = string_of(in, "file");
	if (rows < 0 || blank < 0 || threads < 0 || rejected < 0 || !name)
		return fail(m, file, line, "the partial's input counts are missing or not whole numbers from 0 (edited?)");
	m->rows += (unsigned long)rows;
	m->blank_lines += (unsigned long)blank;
	if ((int)threads > m->threads)
		m->threads = (int)threads;
	m->rejects.rejected_rows += (unsigned long)rejected;
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(in, "errors")) {
		if (m->rejects.kept >= PS_REJECTS_KEPT)
			break;
		struct ps_error *err = &m->rejects.errors[m->rejects.kept++];
		ps_error_clear(err);
		const char *s;
		if ((s = string_of(e, "file")))
			ps_error_copy(err->file, sizeof(err->file), s, strlen(s));
		err->line = number_of(e, "line") > 0 ? (unsigned long)number_of(e, "line") : 0;
		err->column = number_of(e, "column") > 0 ? (unsigned long)number_of(e, "column") : 0;
		if ((s = string_of(e, "column_name")))
			ps_error_copy(err->column_name, sizeof(err->column_name), s, strlen(s));
		if ((s = string_of(e, "message")))
			ps_error_copy(err->message, sizeof(err->message), s, strlen(s));
	}
	if (m->nparts == m->parts_cap) {
		size_t cap = m->parts_cap ? m->parts_cap * 2 : 8;
		char **more = realloc(m->part_files, cap * sizeof(*more));
		if (!more)
			return PS_ENOMEM;
		m->part_files = more;
		m->parts_cap = cap;
	}
	if (!(m->part_files[m->nparts] = strdup(name)))
		return PS_ENOMEM;
	m->nparts++;
	if (!m->name && !m->name_differs) {
		if (!(m->name = strdup(name)))
			return PS_ENOMEM;
	} else if (m->name && strcmp(m->name, name) != 0) {
		free(m->name);
		m->name = NULL;
		m->name_differs = 1;
	}
	return PS_OK;
}

/* Read every partial of one stream into the total. */
static enum ps_status read_partials(struct merge_state *m, FILE *fp, const char *file)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t got;
	unsigned long line = 0, people = 0;
	uint64_t digest = 0;
	int in_partial = 0, any = 0;
	struct ps_error err;
	enum ps_status st = PS_OK;
	while (st == PS_OK && (got = getline(&buf, &cap, fp)) >= 0) {
		line++;
		size_t len = (size_t)got;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		digest = in_partial ? digest_add(digest, buf, len) : digest_add(UINT64_C(0xcbf29ce484222325), buf, len);
		if (in_partial && len && buf[0] == '[') {
			ps_error_clear(&err);
			if ((st = m->kind->record(m->state, buf, len, &err)) == PS_EDATA)
				fail(m, file, line, "%s", err.message);
			people++;
			continue;
		}
		cJSON *obj = cJSON_ParseWithLength(buf, len);
		if (!cJSON_IsObject(obj)) {
			st = fail(m, file, line, "not a line of a partial summary (%s)",
				  in_partial ? "a participant record or the end line" : "a header line");
		} else if (!in_partial) {
			if ((st = take_header(m, obj, file, line)) == PS_OK) {
				in_partial = any = 1;
				people = 0;
				if (!m->first_header) {
					m->first_header = obj;
					obj = NULL;
					if (!(m->first_file = strdup(file)))
						st = PS_ENOMEM;
				}
			}
		} else {
			const char *end = string_of(obj, "end");
			double count = number_of(obj, "participants");
			if (!end || strcmp(end, "partial") != 0) {
				st = fail(m, file, line, "a partial summary starts before the last one ended (truncated?)");
			} else if (count < 0) {
				st = fail(m, file, line, "the end line's participant count is not a whole number from 0 (edited?)");
			} else if (count != (double)people) {
				st = fail(m, file, line, "the end line counts %.0f participants, the partial has %lu (edited?)", count,
					  people);
			} else {
				ps_error_clear(&err);
				if (people && note_digest(m, digest, file, line) != 0)
					st = PS_ENOMEM;
				else if ((st = m->kind->end(m->state, &err)) == PS_EDATA)
					fail(m, file, line, "%s", err.message);
				in_partial = 0;
				m->partials++;
			}
		}
		cJSON_Delete(obj);
	}
	if (st == PS_OK && ferror(fp)) {
		fprintf(stderr, "peerstat: %s: %s: read error\n", m->common->command, file);
		st = PS_EIO;
	}
	if (st == PS_OK && in_partial)
		st = fail(m, file, line, "truncated partial summary: no end line");
	if (st == PS_OK && !any)
		st = fail(m, file, 0, "no partial summary in it (empty)");
	free(buf);
	return st;
}

enum ps_status cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input-name", required_argument, NULL, OPT_INPUT_NAME },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct merge_state m;
	const char *input_name = NULL;
	char **cargv = NULL;
	enum ps_status st = PS_OK;
	memset(&m, 0, sizeof(m));
	if (ps_common_init(&common, "merge", cmd_merge_usage) != PS_OK)
		return PS_ENOMEM;
	m.common = &common;
	ps_rejects_init(&m.rejects, PS_ON_ERROR_SKIP);
	optind = 0;
	opterr = 0;
	int o;
	while (st == PS_OK && (o = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
		switch (o) {
		case OPT_INPUT_NAME: {
			/* getopt takes --input or --in for --input-name, which then swallows the first
			   partial as the name: merge would go on without it. Only the full name is taken. */
			const char *last = argv[optind - 1];
			const char *eq = strncmp(last, "--", 2) == 0 ? strchr(last, '=') : NULL;
			const char *typed = eq && optarg == eq + 1 ? last : argv[optind - 2];
			if (strncmp(typed, "--input-name", 12) != 0 || (typed[12] != '\0' && typed[12] != '='))
				st = ps_usage_error(&common, "write --input-name in full, not '%s' (an abbreviation is easily a "
							     "typo that takes the first partial as the name)", typed);
			input_name = optarg;
			break;
		}
		case 'o': common.output = optarg; break;
		case 'h': common.help = 1; break;
		case ':': st = ps_usage_error(&common, "option '%s' needs a value", argv[optind - 1]); break;
		default: st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		fputs(cmd_merge_usage, stdout);
		goto done;
	}
	for (int i = optind; i < argc || (i == optind && i == argc); i++) {
		const char *path = i < argc ? argv[i] : "-";
		FILE *fp;
		const char *display;
		struct ps_error err;
		ps_error_clear(&err);
		if ((st = ps_open_input(path, &fp, &display, &err)) != PS_OK) {
			ps_report_error(&common, &err);
			goto done;
		}
		st = read_partials(&m, fp, display);
		if (fp != stdin)
			fclose(fp);
		if (st != PS_OK)
			goto done;
	}
	/* the command, with the recorded options and the merged total for its input */
	if (!(cargv = calloc((size_t)m.noptions + 4, sizeof(*cargv)))) {
		st = PS_ENOMEM;
		goto done;
	}
	int cargc = 0;
	cargv[cargc++] = m.command;
	for (int i = 0; i < m.noptions; i++)
		cargv[cargc++] = m.options[i];
	if (common.output) {
		cargv[cargc++] = "-o";
		cargv[cargc++] = (char *)common.output;
	}
	struct ps_partial_meta meta;
	meta.display = input_name ? input_name : m.name ? m.name : "(merged)";
	meta.rows = m.rows;
	meta.blank_lines = m.blank_lines;
	meta.threads = m.threads;
	meta.rejects = m.rejects;
	meta.part_files = (const char *const *)m.part_files;
	meta.nparts = m.nparts;
	st = m.kind->run(m.state, cargc, cargv, &meta);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: merge: out of memory\n");
	if (m.kind && m.state)
		m.kind->destroy(m.state);
	for (size_t i = 0; i < m.nparts; i++)
		free(m.part_files[i]);
	free(m.part_files);
	free(cargv);
	free(m.options);
	free(m.first_file);
	for (size_t i = 0; i < m.nseen; i++)
		free(m.seen[i].file);
	free(m.seen);
	free(m.name);
	cJSON_Delete(m.first_header);
	ps_common_release(&common);
	return st;
}
