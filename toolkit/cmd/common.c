/* Options, messages and output shared by every subcommand; see common.h. */
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "peerstat/identifiers.h"
#include "peerstat/output.h"

const char ps_common_options_help[] =
	"Input options (every command):\n"
	"  --delimiter C          field delimiter: ',' (default), ';', 'tab' or any one character\n"
	"  --na LIST              missing-value tokens, comma-separated (default: \",NA,N/A,.\" where\n"
	"                         the empty item is the empty field)\n"
	"  --date-format F        iso (YYYY-MM-DD, default), mdy (M/D/YYYY) or dmy (D/M/YYYY)\n"
	"  --on-error P           stop (default): the first bad row ends the run with exit 65;\n"
	"                         skip: bad rows are skipped, counted and listed in the output\n"
	"  --allow-identifiers    read files that have columns looking like direct identifiers\n"
	"                         (names, dates of birth, ...); their values are never read\n"
	"  --max-field-bytes N    longest field accepted (default 1048576)\n"
	"  -o, --output FILE      write the result to FILE atomically (default: standard output)\n"
	"  -h, --help             this help\n";

enum ps_status ps_common_init(struct ps_common *common, const char *command, const char *usage)
{
	memset(common, 0, sizeof(*common));
	common->command = command;
	common->usage = usage;
	common->delimiter = ',';
	common->date_format = PS_DATE_ISO;
	common->policy = PS_ON_ERROR_STOP;
	common->max_field_bytes = PS_READER_DEFAULT_MAX_FIELD;
	if (ps_na_set_init_default(&common->na) != 0)
		return PS_ENOMEM;
	return PS_OK;
}

void ps_common_release(struct ps_common *common)
{
	ps_na_set_release(&common->na);
}

enum ps_status ps_usage_error(const struct ps_common *common, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "peerstat: %s: ", common->command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'peerstat %s --help'.\n", common->command);
	return PS_EUSAGE;
}

void ps_print_usage(const struct ps_common *common)
{
	fputs(common->usage, stdout);
	fputs("\n", stdout);
	fputs(ps_common_options_help, stdout);
}

enum ps_status ps_common_option(struct ps_common *common, int opt, const char *arg)
{
	switch (opt) {
	case PS_OPT_DELIMITER:
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
			common->delimiter = '\t';
		else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
			common->delimiter = (unsigned char)arg[0];
		else
			return ps_usage_error(common, "--delimiter takes one character or 'tab', not '%s'", arg);
		return PS_OK;
	case PS_OPT_NA:
		ps_na_set_release(&common->na);
		if (ps_na_set_init_list(&common->na, arg) != 0)
			return ps_usage_error(common, "out of memory");
		return PS_OK;
	case PS_OPT_DATE_FORMAT:
		if (strcmp(arg, "iso") == 0)
			common->date_format = PS_DATE_ISO;
		else if (strcmp(arg, "mdy") == 0)
			common->date_format = PS_DATE_MDY;
		else if (strcmp(arg, "dmy") == 0)
			common->date_format = PS_DATE_DMY;
		else
			return ps_usage_error(common, "--date-format takes iso, mdy or dmy, not '%s'", arg);
		return PS_OK;
	case PS_OPT_ON_ERROR:
		if (strcmp(arg, "stop") == 0)
			common->policy = PS_ON_ERROR_STOP;
		else if (strcmp(arg, "skip") == 0)
			common->policy = PS_ON_ERROR_SKIP;
		else
			return ps_usage_error(common, "--on-error takes stop or skip, not '%s'", arg);
		common->policy_set = 1;
		return PS_OK;
	case PS_OPT_ALLOW_IDENTIFIERS:
		common->allow_identifiers = 1;
		return PS_OK;
	case PS_OPT_MAX_FIELD: {
		int64_t n;
		if (!ps_parse_int(arg, strlen(arg), &n, NULL) || n < 1 || n > (int64_t)1 << 30)
			return ps_usage_error(common, "--max-field-bytes takes a number from 1 to 1073741824, not '%s'", arg);
		common->max_field_bytes = (size_t)n;
		return PS_OK;
	}
	case PS_OPT_OUTPUT:
		common->output = arg;
		return PS_OK;
	case PS_OPT_HELP:
		common->help = 1;
		return PS_OK;
	case ':':
		return ps_usage_error(common, "option '%s' needs a value", arg ? arg : "");
	default:
		return ps_usage_error(common, "unknown option");
	}
}

void ps_report_error(const struct ps_common *common, const struct ps_error *err)
{
	if (err->status == PS_EPIPE)
		return;
	char line[1024];
	fprintf(stderr, "peerstat: %s: %s\n", common->command, ps_error_format(err, line, sizeof(line)));
}

enum ps_status ps_open_input(const char *path, FILE **fp, const char **display, struct ps_error *err)
{
	if (!path || strcmp(path, "-") == 0) {
		*fp = stdin;
		*display = "-";
		return PS_OK;
	}
	*display = path;
	*fp = fopen(path, "rb");
	int e = *fp ? 0 : errno;
	/* a directory opens for reading on Linux and fails only at the first read: say so here,
	 * as an input that cannot be opened (exit 66), not as a read error (74) */
	struct stat sb;
	if (*fp && fstat(fileno(*fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(*fp);
		*fp = NULL;
		e = EISDIR;
	}
	if (!*fp) {
		ps_error_copy(err->file, sizeof(err->file), path, strlen(path));
		return ps_error_set(err, PS_ENOINPUT, "cannot open: %s", strerror(e));
	}
	return PS_OK;
}

struct ps_reader_options ps_common_reader_options(const struct ps_common *common, const char *display)
{
	struct ps_reader_options o = { common->delimiter, common->max_field_bytes, display, NULL };
	return o;
}

struct ps_cell_options ps_common_cell_options(const struct ps_common *common)
{
	struct ps_cell_options o = { &common->na, common->date_format, NULL };
	return o;
}

enum ps_status ps_check_identifiers(const struct ps_common *common, const char *const *header, size_t ncolumns,
				    struct ps_error *err)
{
	if (common->allow_identifiers)
		return PS_OK;
	for (size_t c = 0; c < ncolumns; c++) {
		const char *kind = ps_identifier_kind(header[c]);
		if (kind) {
			err->line = 1;
			err->column = c + 1;
			ps_error_copy(err->column_name, sizeof(err->column_name), header[c], strlen(header[c]));
			return ps_error_set(err, PS_EDATA,
					    "column looks like a direct identifier (%s): remove it before analysis, or pass "
					    "--allow-identifiers to ignore it (its values are never read)",
					    kind);
		}
	}
	return PS_OK;
}

void ps_json_add_rejects(struct ps_doc *doc, cJSON *input, const struct ps_rejects *rejects)
{
	ps_json_int(doc, input, "rejected_rows", (int64_t)rejects->rejected_rows);
	/* an error's file is named only when it is not input.file: after a merge, the part's file */
	const cJSON *in_file = cJSON_GetObjectItemCaseSensitive(input, "file");
	const char *display = cJSON_IsString(in_file) ? in_file->valuestring : NULL;
	cJSON *errors = ps_json_array(doc, input, "errors");
	for (size_t i = 0; i < rejects->kept; i++) {
		const struct ps_error *e = &rejects->errors[i];
		cJSON *item = ps_json_object(doc, errors, NULL);
		if (e->file[0] && (!display || strcmp(e->file, display) != 0))
			ps_json_string(doc, item, "file", e->file);
		ps_json_int(doc, item, "line", (int64_t)e->line);
		if (e->column)
			ps_json_int(doc, item, "column", (int64_t)e->column);
		else
			ps_json_null(doc, item, "column");
		ps_json_string(doc, item, "column_name", e->column_name[0] ? e->column_name : NULL);
		ps_json_string(doc, item, "message", e->message);
	}
}

enum ps_status ps_write_text(const struct ps_common *common, const char *text, size_t len)
{
	struct ps_error err;
	ps_error_clear(&err);
	struct ps_output out;
	enum ps_status st = ps_output_open(&out, common->output, &err);
	if (st == PS_OK) {
		st = ps_output_write(&out, text, len, &err);
		if (st == PS_OK)
			st = ps_output_commit(&out, &err);
		else
			ps_output_abort(&out);
	}
	if (st != PS_OK)
		ps_report_error(common, &err);
	return st;
}

enum ps_status ps_write_doc(const struct ps_common *common, struct ps_doc *doc)
{
	char *text = ps_doc_print(doc);
	if (!text) {
		struct ps_error err;
		ps_error_clear(&err);
		ps_error_set(&err, PS_ENOMEM, "out of memory building the JSON output");
		ps_report_error(common, &err);
		return PS_ENOMEM;
	}
	enum ps_status st = ps_write_text(common, text, strlen(text));
	free(text);
	return st;
}

/* Streaming: hand the pending bytes to the sink. After a write error nothing more is written. */
static void stream_flush(struct ps_text_buf *out)
{
	if (out->len && out->write_status == PS_OK)
		out->write_status = ps_output_write(out->sink, out->buf, out->len, &out->write_err);
	out->len = 0;
}

void ps_text_put(struct ps_text_buf *out, const char *s, size_t n)
{
	if (n == 0)
		n = strlen(s);
	if (out->failed)
		return;
	if (out->sink) {
		if (out->write_status != PS_OK)
			return;
		if (out->len + n + 1 > out->cap) {
			stream_flush(out);
			if (n + 1 > out->cap) {
				/* longer than the whole buffer (a huge field): straight through */
				if (out->write_status == PS_OK)
					out->write_status = ps_output_write(out->sink, s, n, &out->write_err);
				return;
			}
		}
	} else if (out->len + n + 1 > out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 1 << 16;
		while (cap < out->len + n + 1)
			cap *= 2;
		char *b = realloc(out->buf, cap);
		if (!b) {
			out->failed = 1;
			return;
		}
		out->buf = b;
		out->cap = cap;
	}
	memcpy(out->buf + out->len, s, n);
	out->len += n;
	out->buf[out->len] = '\0';
}

enum ps_status ps_text_stream_open(const struct ps_common *common, struct ps_text_buf *out, struct ps_output *sink)
{
	memset(out, 0, sizeof(*out));
	ps_error_clear(&out->write_err);
	/* the buffer first: failing here leaves no temporary file behind */
	if (!(out->buf = malloc(PS_TEXT_STREAM_BYTES)))
		return PS_ENOMEM;
	out->cap = PS_TEXT_STREAM_BYTES;
	struct ps_error err;
	ps_error_clear(&err);
	enum ps_status st = ps_output_open(sink, common->output, &err);
	if (st != PS_OK) {
		free(out->buf);
		memset(out, 0, sizeof(*out));
		if (st != PS_ENOMEM)
			ps_report_error(common, &err);
		return st;
	}
	out->sink = sink;
	return PS_OK;
}

enum ps_status ps_text_stream_commit(const struct ps_common *common, struct ps_text_buf *out)
{
	enum ps_status st = PS_ENOMEM;
	if (!out->failed) {
		stream_flush(out);
		st = out->write_status;
	}
	if (st == PS_OK) {
		st = ps_output_commit(out->sink, &out->write_err);
		out->sink = NULL;
	}
	if (st != PS_OK && st != PS_ENOMEM)
		ps_report_error(common, &out->write_err);
	ps_text_stream_abort(out);
	return st;
}

void ps_text_stream_abort(struct ps_text_buf *out)
{
	if (out->sink)
		ps_output_abort(out->sink);
	out->sink = NULL;
	free(out->buf);
	out->buf = NULL;
	out->len = out->cap = 0;
}

enum ps_status ps_reject_row(struct ps_rejects *rejects, struct ps_error *err, const char *display, unsigned long line)
{
	ps_error_copy(err->file, sizeof(err->file), display, strlen(display));
	err->line = line;
	err->status = PS_EDATA;
	return ps_rejects_add(rejects, err);
}

long ps_parse_number_list(const struct ps_common *common, const char *option, const char *list, double **out)
{
	size_t count = 1;
	for (const char *p = list; *p; p++)
		count += *p == ',';
	double *values = malloc(count * sizeof(*values));
	if (!values) {
		ps_usage_error(common, "out of memory");
		return -1;
	}
	size_t n = 0;
	for (const char *p = list;;) {
		size_t len = strcspn(p, ",");
		if (!ps_parse_double(p, len, &values[n], NULL)) {
			ps_usage_error(common, "%s takes numbers separated by commas, not '%.*s'", option, (int)len, p);
			free(values);
			return -1;
		}
		n++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*out = values;
	return (long)n;
}

long ps_split_names(const struct ps_common *common, const char *option, const char *list, char ***names, char **storage)
{
	size_t count = 1;
	for (const char *p = list; *p; p++)
		count += *p == ',';
	char *copy = strdup(list);
	char **items = malloc(count * sizeof(*items));
	if (!copy || !items) {
		free(copy);
		free(items);
		ps_usage_error(common, "out of memory");
		return -1;
	}
	size_t n = 0;
	for (char *p = copy;;) {
		size_t len = strcspn(p, ",");
		int last = p[len] == '\0';
		p[len] = '\0';
		if (len == 0) {
			ps_usage_error(common, "%s has an empty name in '%s'", option, list);
			free(copy);
			free(items);
			return -1;
		}
		items[n++] = p;
		if (last)
			break;
		p += len + 1;
	}
	*names = items;
	*storage = copy;
	return (long)n;
}

enum ps_status ps_parse_conf(const struct ps_common *common, const char *arg, double *conf)
{
	double v;
	if (!ps_parse_double(arg, strlen(arg), &v, NULL) || !(v > 0 && v < 1))
		return ps_usage_error(common, "--conf takes a level between 0 and 1 (e.g. 0.95), not '%s'", arg);
	*conf = v;
	return PS_OK;
}

void ps_groups_init(struct ps_groups *groups)
{
	memset(groups, 0, sizeof(*groups));
	groups->column = "cohort";
	groups->label[PS_GROUP_TREATMENT] = "peer";
	groups->label[PS_GROUP_CONTROL] = "therapy_only";
}

int ps_groups_classify(struct ps_groups *groups, const struct ps_na_set *na, const char *s, size_t len,
		       enum ps_status *status, struct ps_error *err)
{
	*status = PS_OK;
	for (int g = 0; g < 2; g++)
		if (strlen(groups->label[g]) == len && memcmp(groups->label[g], s, len) == 0)
			return g;
	if (ps_na_set_has(na, s, len)) {
		groups->missing_rows++;
		return PS_GROUP_NONE;
	}
	if (groups->ignore_other) {
		groups->other_rows++;
		return PS_GROUP_NONE;
	}
	ps_error_copy(err->column_name, sizeof(err->column_name), groups->column, strlen(groups->column));
	ps_error_copy(err->value, sizeof(err->value), s, len);
	snprintf(err->expected, sizeof(err->expected), "'%s' or '%s'", groups->label[PS_GROUP_TREATMENT],
		 groups->label[PS_GROUP_CONTROL]);
	*status = ps_error_set(err, PS_EDATA,
			       "a group that is neither treatment nor control (set them with --treatment and --control, or "
			       "pass --ignore-other-groups)");
	return PS_GROUP_NONE;
}

enum ps_status ps_groups_row(struct ps_groups *groups, const struct ps_na_set *na, const struct ps_row *row,
			     long group_index, struct ps_rejects *rejects, const char *display, int *group,
			     struct ps_error *err)
{
	enum ps_status st;
	*group = ps_groups_classify(groups, na, row->fields[group_index], row->lens[group_index], &st, err);
	if (st != PS_OK) {
		err->column = (unsigned long)group_index + 1;
		return ps_reject_row(rejects, err, display, row->line);
	}
	return PS_OK;
}

void ps_groups_json(struct ps_doc *doc, cJSON *input, const struct ps_groups *groups)
{
	cJSON *left = ps_json_object(doc, input, "groups_left_out");
	ps_json_int(doc, left, "missing_group", (int64_t)groups->missing_rows);
	ps_json_int(doc, left, "other_groups", (int64_t)groups->other_rows);
}

enum ps_status ps_read_csv(const struct ps_common *common, const char *path, ps_header_fn on_header, ps_row_fn on_row,
			   void *ctx, struct ps_rejects *rejects, const char **display, unsigned long *rows,
			   unsigned long *blank_lines)
{
	struct ps_error err;
	FILE *fp = NULL;
	ps_error_clear(&err);
	enum ps_status st = ps_open_input(path, &fp, display, &err);
	if (st != PS_OK) {
		ps_report_error(common, &err);
		return st;
	}
	struct ps_reader_options ropt = ps_common_reader_options(common, *display);
	struct ps_reader *reader = ps_reader_new(&ropt, on_row, ctx, rejects);
	if (!reader) {
		st = ps_error_set(&err, PS_ENOMEM, "out of memory");
	} else {
		ps_reader_on_header(reader, on_header);
		st = ps_reader_read_stream(reader, fp, &err);
		if (rows)
			*rows = ps_reader_rows(reader);
		if (blank_lines)
			*blank_lines = ps_reader_blank_lines(reader);
		ps_reader_free(reader);
	}
	if (fp != stdin)
		fclose(fp);
	if (st != PS_OK)
		ps_report_error(common, &err);
	return st;
}

void ps_text_put_csv_field(struct ps_text_buf *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		ps_text_put(out, s, 0);
		return;
	}
	ps_text_put(out, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			ps_text_put(out, "\"", 1);
		ps_text_put(out, p, 1);
	}
	ps_text_put(out, "\"", 1);
}
