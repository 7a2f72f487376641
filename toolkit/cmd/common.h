#ifndef PEERSTAT_CMD_COMMON_H
#define PEERSTAT_CMD_COMMON_H

/*
 * What every subcommand shares: the input options (--delimiter, --na, --date-format,
 * --on-error, --allow-identifiers, --max-field-bytes), -o, the message format on stderr and
 * the final write of a JSON document. Only commands print; the library returns statuses.
 */

#include <getopt.h>
#include <stdio.h>

#include "peerstat/json.h"
#include "peerstat/output.h"
#include "peerstat/parse.h"
#include "peerstat/reader.h"
#include "peerstat/rejects.h"
#include "peerstat/schema.h"
#include "peerstat/status.h"

/* Long-option ids of the common options; a command's own ids stay below PS_OPT_COMMON. */
enum {
	PS_OPT_COMMON = 1000,
	PS_OPT_DELIMITER,
	PS_OPT_NA,
	PS_OPT_DATE_FORMAT,
	PS_OPT_ON_ERROR,
	PS_OPT_ALLOW_IDENTIFIERS,
	PS_OPT_MAX_FIELD,
	PS_OPT_OUTPUT = 'o',
	PS_OPT_HELP = 'h'
};

#define PS_COMMON_LONG_OPTIONS                                                      \
	{ "delimiter", required_argument, NULL, PS_OPT_DELIMITER },                 \
	{ "na", required_argument, NULL, PS_OPT_NA },                               \
	{ "date-format", required_argument, NULL, PS_OPT_DATE_FORMAT },             \
	{ "on-error", required_argument, NULL, PS_OPT_ON_ERROR },                   \
	{ "allow-identifiers", no_argument, NULL, PS_OPT_ALLOW_IDENTIFIERS },       \
	{ "max-field-bytes", required_argument, NULL, PS_OPT_MAX_FIELD },           \
	{ "output", required_argument, NULL, PS_OPT_OUTPUT },                       \
	{ "help", no_argument, NULL, PS_OPT_HELP }

#define PS_COMMON_SHORT_OPTIONS "o:h"

/* Usage text for the common options, appended to every command's help. */
extern const char ps_common_options_help[];

struct ps_common {
	const char *command;           /* for messages: "peerstat: <command>: ..." */
	const char *usage;             /* the command's usage text */
	unsigned char delimiter;
	struct ps_na_set na;           /* owned */
	int na_set;
	enum ps_date_format date_format;
	enum ps_error_policy policy;
	int policy_set;                /* --on-error was given */
	int allow_identifiers;
	size_t max_field_bytes;
	const char *output;            /* -o FILE, NULL for stdout */
	int help;                      /* --help was given: print usage, exit 0 */
};

/* Defaults for command; usage is the command's help text. Returns PS_ENOMEM or PS_OK. */
enum ps_status ps_common_init(struct ps_common *common, const char *command, const char *usage);

/* Free what common owns. */
void ps_common_release(struct ps_common *common);

/*
 * Handle one getopt_long result that is a common option (or '?' / ':' from getopt). Returns
 * PS_OK when handled, PS_EUSAGE (message printed) when the option or its value is bad.
 */
enum ps_status ps_common_option(struct ps_common *common, int opt, const char *arg);

/* Print "peerstat: <command>: <message>" for a usage error plus a hint, return PS_EUSAGE. */
enum ps_status ps_usage_error(const struct ps_common *common, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print an error in the documented format to stderr (nothing for PS_EPIPE). */
void ps_report_error(const struct ps_common *common, const struct ps_error *err);

/* Print usage to stdout (for --help). */
void ps_print_usage(const struct ps_common *common);

/*
 * Open an input: NULL or "-" is stdin. Errors: PS_ENOINPUT with a message. *display receives
 * the name used in messages. The caller closes a non-stdin stream with fclose.
 */
enum ps_status ps_open_input(const char *path, FILE **fp, const char **display, struct ps_error *err);

/* Reader options from the common options. */
struct ps_reader_options ps_common_reader_options(const struct ps_common *common, const char *display);

/* Cell options from the common options. */
struct ps_cell_options ps_common_cell_options(const struct ps_common *common);

/*
 * The identifier guard over a header: a column that looks like a direct identifier is
 * PS_EDATA (naming the column and what it seems to hold) unless --allow-identifiers.
 */
enum ps_status ps_check_identifiers(const struct ps_common *common, const char *const *header, size_t ncolumns,
				    struct ps_error *err);

/* Add "input" facts shared by all commands: rejected rows and the first errors. */
void ps_json_add_rejects(struct ps_doc *doc, cJSON *input, const struct ps_rejects *rejects);

/*
 * Print doc to -o FILE (atomically) or stdout. Returns the status (PS_EPIPE is quiet).
 * Reports errors itself.
 */
enum ps_status ps_write_doc(const struct ps_common *common, struct ps_doc *doc);

/* A row-level error: add file/line, and pass it through the --on-error policy. */
enum ps_status ps_reject_row(struct ps_rejects *rejects, struct ps_error *err, const char *display, unsigned long line);


/*
 * Parse a comma-separated list of finite numbers ("30,60,90") into a malloc'ed array the caller
 * frees. Returns the count, or -1 (usage message printed, naming option) when an item is bad.
 */
long ps_parse_number_list(const struct ps_common *common, const char *option, const char *list, double **out);

/*
 * Split a comma-separated list of names ("age,baseline") into a malloc'ed array of pointers
 * into a malloc'ed copy (*storage); the caller frees both. Returns the count, or -1 (usage
 * message printed) for an empty name.
 */
long ps_split_names(const struct ps_common *common, const char *option, const char *list, char ***names, char **storage);

/* Parse a confidence level strictly between 0 and 1 (--conf). Returns PS_OK or PS_EUSAGE. */
enum ps_status ps_parse_conf(const struct ps_common *common, const char *arg, double *conf);

/*
 * The two groups every comparison is about: --group COL (default cohort), --treatment LABEL
 * (default peer) and --control LABEL (default therapy_only) fix the direction of every
 * difference, ratio and effect. Other labels are an error unless --ignore-other-groups.
 */
enum { PS_GROUP_CONTROL = 0, PS_GROUP_TREATMENT = 1, PS_GROUP_NONE = -1 };

struct ps_groups {
	const char *column;          /* --group */
	const char *label[2];        /* [PS_GROUP_CONTROL], [PS_GROUP_TREATMENT] */
	int ignore_other;
	unsigned long other_rows;    /* rows of other groups (ignored) */
	unsigned long missing_rows;  /* rows with a missing group (excluded, counted) */
};

void ps_groups_init(struct ps_groups *groups);

/*
 * Which group a group cell is in: PS_GROUP_TREATMENT or PS_GROUP_CONTROL, or PS_GROUP_NONE for
 * a row to leave out (missing group: counted; another label under --ignore-other-groups:
 * counted). Another label without --ignore-other-groups is PS_EDATA in *status with err
 * filled (column set by the caller).
 */
int ps_groups_classify(struct ps_groups *groups, const struct ps_na_set *na, const char *s, size_t len,
		       enum ps_status *status, struct ps_error *err);

/*
 * The group of a row, for a row callback: classify the cell in column group_index; a label that
 * is neither group (without --ignore-other-groups) is rejected through rejects, located at that
 * column. Returns the status for the callback to return when *group is PS_GROUP_NONE (the row is
 * left out, counted or rejected), PS_OK with *group set otherwise.
 */
enum ps_status ps_groups_row(struct ps_groups *groups, const struct ps_na_set *na, const struct ps_row *row,
			     long group_index, struct ps_rejects *rejects, const char *display, int *group,
			     struct ps_error *err);

/* Add "groups_left_out": {"missing_group": n, "other_groups": n} to the input object. */
void ps_groups_json(struct ps_doc *doc, cJSON *input, const struct ps_groups *groups);

/*
 * Read a whole CSV input with one reader: open path (NULL or "-": standard input), hand the
 * header and every row to the callbacks, report any error on stderr, close. *display receives
 * the name used in messages; rows and blank_lines (either may be NULL) the reader's counts.
 */
enum ps_status ps_read_csv(const struct ps_common *common, const char *path, ps_header_fn on_header, ps_row_fn on_row,
			   void *ctx, struct ps_rejects *rejects, const char **display, unsigned long *rows,
			   unsigned long *blank_lines);

/*
 * Text output, built in memory (a growing buffer, written at the end with ps_write_text) or
 * streamed (ps_text_stream_open: a fixed buffer of PS_TEXT_STREAM_BYTES flushed to -o FILE or
 * stdout whenever it fills, so memory does not grow with the output). A streamed -o FILE is
 * still all or nothing: it goes to the temporary file of struct ps_output, renamed over the
 * target only by ps_text_stream_commit.
 */
#define PS_TEXT_STREAM_BYTES (64 * 1024)

struct ps_text_buf {
	char *buf;          /* owned; free() it (ps_text_stream_commit/_abort free it) */
	size_t len, cap;
	int failed;         /* an append ran out of memory */
	struct ps_output *sink;      /* streaming: where full buffers go (owned by the caller); NULL in memory */
	enum ps_status write_status; /* streaming: the first write error (PS_EIO, PS_EPIPE), later puts are dropped */
	struct ps_error write_err;   /* its message */
};

/* Append n bytes of s (n == 0: strlen(s)). Failures are remembered in out->failed (or, when
 * streaming, out->write_status). */
void ps_text_put(struct ps_text_buf *out, const char *s, size_t n);

/* Append s as one CSV field, quoted when it must be (RFC 4180). */
void ps_text_put_csv_field(struct ps_text_buf *out, const char *s);

/* Write len bytes to -o FILE (atomically) or stdout; reports errors itself. */
enum ps_status ps_write_text(const struct ps_common *common, const char *text, size_t len);

/*
 * Start streaming text to -o FILE (a temporary file beside it) or stdout: out becomes a
 * streaming buffer whose sink is *sink (caller's storage, valid until commit or abort).
 * Returns PS_OK; PS_ECANTCREAT (reported) or PS_ENOMEM (for the command to report), with
 * nothing left open or created.
 */
enum ps_status ps_text_stream_open(const struct ps_common *common, struct ps_text_buf *out, struct ps_output *sink);

/*
 * Write what is pending, then flush, close and (for -o FILE) rename into place. On any error,
 * earlier or now (a failed append included: PS_ENOMEM), the temporary file is removed and the
 * target left as it was. Reports errors itself (PS_EPIPE quietly) except PS_ENOMEM, which
 * the command reports; frees out's buffer.
 */
enum ps_status ps_text_stream_commit(const struct ps_common *common, struct ps_text_buf *out);

/* Give up streaming: remove the temporary file, free out's buffer. Prints nothing. */
void ps_text_stream_abort(struct ps_text_buf *out);

#endif
