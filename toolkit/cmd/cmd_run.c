/*
 * peerstat run --attendance FILE --outcomes FILE --out DIR [options]
 *
 * The grant-report batch job in one command: validate both inputs, then participants,
 * retention, isolation, sobriety and the report, each run in this process exactly as its own
 * command would run (same code, same options), writing into a fresh directory beside DIR. Only
 * when every step succeeded is that directory renamed to DIR, so DIR either holds every output
 * or does not exist: a failed run leaves nothing behind, and its exit code is the failed step's.
 * The outputs depend on the inputs and options only (no times, no paths other than the
 * inputs' names as given), so the same run gives byte-identical files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "outdir.h"

const char cmd_run_usage[] =
	"usage: peerstat run --attendance FILE --outcomes FILE --out DIR [options]\n"
	"\n"
	"Validate both inputs and write into DIR: validate-attendance.json, validate-outcomes.json,\n"
	"participants.csv, retention.json, isolation.json, sobriety.json and report.html. All or\n"
	"nothing: the files are written to a new directory beside DIR, renamed to DIR at the end;\n"
	"on any error DIR is not created and the exit code is the failing step's. DIR must not\n"
	"exist, or be an empty directory.\n"
	"\n"
	"Options passed to the steps:\n"
	"  --as-of DATE          participants, retention: the extract date\n"
	"  --instrument NAME     isolation: the score's instrument (range check)\n"
	"  --wave COL            outcomes: the wave column (REDCap: redcap_event_name)\n"
	"  --baseline LABEL      isolation, sobriety: the baseline wave\n"
	"  --wave-order L1,L2,.. isolation, sobriety: the order of wave labels\n"
	"  --min-cell N          report: small-cell threshold (default 11; 0 turns it off)\n"
	"  --date-format F       every step: iso (default), mdy or dmy\n"
	"  --delimiter C         every step\n"
	"  --na LIST             every step\n";

enum { OPT_ATTENDANCE = 1, OPT_OUTCOMES, OPT_OUT, OPT_AS_OF, OPT_INSTRUMENT, OPT_MIN_CELL, OPT_DATE_FORMAT,
       OPT_DELIMITER, OPT_NA, OPT_WAVE, OPT_BASELINE, OPT_WAVE_ORDER, OPT_HELP };

/* The options each step gets, and where the step's output goes. */
struct run_plan {
	const char *attendance, *outcomes, *out;
	const char *as_of, *instrument, *min_cell, *date_format, *delimiter, *na;
	const char *wave, *baseline, *wave_order;
	struct ps_outdir dir;      /* DIR, and the directory being filled (dir.tmp) */
};

#define MAX_ARGS 32

struct argv_builder {
	char *argv[MAX_ARGS + 1];
	int argc;
	char paths[4][PATH_MAX + 64]; /* output paths built for this step: tmp + a short name */
	int npaths;
};

static void arg(struct argv_builder *b, const char *s)
{
	if (b->argc < MAX_ARGS)
		b->argv[b->argc++] = (char *)s; /* the commands never write to their argv strings */
	b->argv[b->argc] = NULL;
}

static void opt(struct argv_builder *b, const char *name, const char *value)
{
	if (value) {
		arg(b, name);
		arg(b, value);
	}
}

/* The input options every step shares. */
static void common_opts(struct argv_builder *b, const struct run_plan *p)
{
	opt(b, "--date-format", p->date_format);
	opt(b, "--delimiter", p->delimiter);
	opt(b, "--na", p->na);
}

static const char *out_path(struct argv_builder *b, const struct run_plan *p, const char *name)
{
	char *path = b->paths[b->npaths++];
	ps_outdir_path(&p->dir, name, path, sizeof(b->paths[0]));
	return path;
}

static enum ps_status run_steps(struct run_plan *p)
{
	struct {
		const char *name;
		enum ps_status (*fn)(int, char **);
	} steps[] = { { "validate", cmd_validate },     { "validate", cmd_validate }, { "participants", cmd_participants },
		      { "retention", cmd_retention },   { "isolation", cmd_isolation }, { "sobriety", cmd_sobriety },
		      { "report", cmd_report } };
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct argv_builder b = { { NULL }, 0, { { 0 } }, 0 };
		arg(&b, steps[k].name);
		common_opts(&b, p);
		switch (k) {
		case 0:
			opt(&b, "--kind", "attendance");
			opt(&b, "--on-error", "stop");
			opt(&b, "-o", out_path(&b, p, "validate-attendance.json"));
			arg(&b, p->attendance);
			break;
		case 1:
			opt(&b, "--kind", "outcomes");
			opt(&b, "--on-error", "stop");
			opt(&b, "--wave", p->wave);
			opt(&b, "-o", out_path(&b, p, "validate-outcomes.json"));
			arg(&b, p->outcomes);
			break;
		case 2:
			opt(&b, "--as-of", p->as_of);
			opt(&b, "-o", out_path(&b, p, "participants.csv"));
			arg(&b, p->attendance);
			break;
		case 3:
			opt(&b, "--as-of", p->as_of);
			opt(&b, "--strata", "site");
			opt(&b, "-o", out_path(&b, p, "retention.json"));
			arg(&b, p->attendance);
			break;
		case 4:
			opt(&b, "--instrument", p->instrument);
			opt(&b, "--wave", p->wave);
			opt(&b, "--baseline", p->baseline);
			opt(&b, "--wave-order", p->wave_order);
			opt(&b, "-o", out_path(&b, p, "isolation.json"));
			arg(&b, p->outcomes);
			break;
		case 5:
			opt(&b, "--wave", p->wave);
			opt(&b, "--baseline", p->baseline);
			opt(&b, "--wave-order", p->wave_order);
			opt(&b, "-o", out_path(&b, p, "sobriety.json"));
			arg(&b, p->outcomes);
			break;
		case 6:
			/* run in the new directory, so that the report names its sources retention.json
			 * and not a temporary path (the output must not depend on it) */
			b.argc = 1; /* the report reads JSON: no CSV options */
			opt(&b, "--min-cell", p->min_cell);
			opt(&b, "-o", "report.html");
			arg(&b, "retention.json");
			arg(&b, "isolation.json");
			arg(&b, "sobriety.json");
			break;
		}
		int here = -1;
		if (k == 6 && ((here = open(".", O_RDONLY | O_DIRECTORY)) < 0 || chdir(p->dir.tmp) != 0)) {
			fprintf(stderr, "peerstat: run: cannot enter %s: %s\n", p->dir.tmp, strerror(errno));
			if (here >= 0)
				close(here);
			return PS_ECANTCREAT;
		}
		enum ps_status st = steps[k].fn(b.argc, b.argv);
		if (here >= 0) {
			if (fchdir(here) != 0 && st == PS_OK) {
				fprintf(stderr, "peerstat: run: cannot return to the working directory: %s\n", strerror(errno));
				st = PS_EIO;
			}
			close(here);
		}
		if (st != PS_OK)
			return st;
	}
	return PS_OK;
}

enum ps_status cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "attendance", required_argument, NULL, OPT_ATTENDANCE },
		{ "outcomes", required_argument, NULL, OPT_OUTCOMES },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "date-format", required_argument, NULL, OPT_DATE_FORMAT },
		{ "delimiter", required_argument, NULL, OPT_DELIMITER },
		{ "na", required_argument, NULL, OPT_NA },
		{ "wave", required_argument, NULL, OPT_WAVE },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "wave-order", required_argument, NULL, OPT_WAVE_ORDER },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct run_plan plan;
	enum ps_status st = PS_OK;
	memset(&plan, 0, sizeof(plan));
	if (ps_common_init(&common, "run", cmd_run_usage) != PS_OK)
		return PS_ENOMEM;
	optind = 0;
	opterr = 0;
	int o;
	while (st == PS_OK && (o = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (o) {
		case OPT_ATTENDANCE: plan.attendance = optarg; break;
		case OPT_OUTCOMES: plan.outcomes = optarg; break;
		case OPT_OUT: plan.out = optarg; break;
		case OPT_AS_OF: plan.as_of = optarg; break;
		case OPT_INSTRUMENT: plan.instrument = optarg; break;
		case OPT_MIN_CELL: plan.min_cell = optarg; break;
		case OPT_DATE_FORMAT: plan.date_format = optarg; break;
		case OPT_DELIMITER: plan.delimiter = optarg; break;
		case OPT_NA: plan.na = optarg; break;
		case OPT_WAVE: plan.wave = optarg; break;
		case OPT_BASELINE: plan.baseline = optarg; break;
		case OPT_WAVE_ORDER: plan.wave_order = optarg; break;
		case OPT_HELP:
		case 'h': common.help = 1; break;
		case ':': st = ps_usage_error(&common, "option '%s' needs a value", argv[optind - 1]); break;
		default: st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		ps_print_usage(&common);
		goto done;
	}
	if (optind < argc) {
		st = ps_usage_error(&common, "run takes no file arguments (use --attendance and --outcomes), not '%s'",
				    argv[optind]);
		goto done;
	}
	if (!plan.attendance || !plan.outcomes || !plan.out) {
		st = ps_usage_error(&common, "run needs --attendance FILE, --outcomes FILE and --out DIR");
		goto done;
	}
	if ((st = ps_outdir_begin(&plan.dir, &common, plan.out)) != PS_OK)
		goto done;
	st = run_steps(&plan);
	if (st == PS_OK)
		st = ps_outdir_commit(&plan.dir, &common);
	if (st != PS_OK) {
		ps_outdir_abort(&plan.dir);
		if (st != PS_EPIPE)
			fprintf(stderr, "peerstat: run: stopped; %s was not written\n", plan.out);
	}
done:
	ps_common_release(&common);
	return st;
}
