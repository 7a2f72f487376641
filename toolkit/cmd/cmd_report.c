/*
 * peerstat report [--format html|md] [-o FILE] [--min-cell N] SUMMARY.json...
 *
 * Turns JSON summaries (retention, isolation, sobriety, survival, compare) into a report people read: headline
 * findings in plain words, inline SVG charts, tables for every figure, data quality and
 * methods. Small counts are hidden by default (report_sdc.h, docs/report.md). Reading and
 * checking the summaries: report_load.c; the sections: report_<kind>.c; printing:
 * report_render.c; charts: report_chart.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "common.h"
#include "peerstat/json.h"
#include "peerstat/output.h"
#include "peerstat/parse.h"
#include "report_doc.h"
#include "report_load.h"
#include "report_render.h"
#include "report_sections.h"

const char cmd_report_usage[] =
	"usage: peerstat report [--format html|md] [-o FILE] [--min-cell N] SUMMARY.json...\n"
	"\n"
	"Write a report for readers who are not statisticians from peerstat JSON summaries\n"
	"(retention, isolation, sobriety, survival, compare; '-' reads one from standard input):\n"
	"headline findings in plain words with their intervals and p-values, charts (inline SVG),\n"
	"tables for every chart, data quality and methods. Counts from 1 to N-1 are hidden as <N,\n"
	"and figures that would reveal them as * (docs/report.md).\n"
	"\n"
	"  --format html|md     one self-contained HTML page (default), or GitHub Markdown with\n"
	"                       the charts as SVG files next to -o FILE, named after it\n"
	"                       (report.md: report-fig1.svg, ...)\n"
	"  --min-cell N         hide counts below N (default 11); 0 turns hiding off, and the\n"
	"                       report says so at the top\n"
	"  -o, --output FILE    write to FILE atomically (default: standard output)\n"
	"  -h, --help           this help\n";

enum { OPT_FORMAT = 1, OPT_MIN_CELL };

#define DEFAULT_MIN_CELL 11
#define MAX_SUMMARIES 64

static void front_matter(struct ps_report *r, const struct ps_rep_summary *s, size_t n)
{
	ps_rep_add(r, &r->front, PS_REP_PARA,
		   "Made by peerstat %s from %zu summar%s (listed at the end). Each finding gives the estimate, its "
		   "confidence interval (CI: the range of values the data are compatible with) and a p-value (how "
		   "surprising a difference this large would be if the groups did not differ). A difference that is not "
		   "shown is not evidence of no difference.",
		   PEERSTAT_VERSION, n, n == 1 ? "y" : "ies");
	if (r->min_cell > 0)
		ps_rep_add(r, &r->front, PS_REP_PARA,
			   "Small numbers are hidden to protect participants: counts from 1 to %ld are shown as <%ld, and "
			   "figures that would let a reader work such a count out are shown as * (the rules are in "
			   "docs/report.md).",
			   r->min_cell - 1, r->min_cell);
	else
		ps_rep_add(r, &r->front, PS_REP_NOTICE,
			   "Small-number suppression is OFF (--min-cell 0): counts from 1 to 10 are shown as they are. Do "
			   "not publish this report or share it outside the evaluation team.");
	for (size_t i = 0; i < n; i++) {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(s[i].root, "peerstat");
		const cJSON *version = cJSON_GetObjectItemCaseSensitive(meta, "version");
		ps_rep_add(r, &r->sources, PS_REP_ITEM, "%s: summary of '%s' (JSON contract %d, made by peerstat %s)",
			   s[i].display, s[i].command, PS_JSON_CONTRACT,
			   cJSON_IsString(version) ? version->valuestring : "of an unknown version");
	}
}

/* -o FILE names a file whose neighbours can hold the charts (not a device or FIFO). */
static int file_target(const char *path)
{
	struct stat st;
	if (!path || strcmp(path, "-") == 0)
		return 0;
	return stat(path, &st) != 0 || S_ISREG(st.st_mode);
}

/* "dir/report.md" -> "report" (what the Markdown links to) and "dir/report" (where the files go). */
static void figure_names(const char *path, char *link, char *base, size_t size)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	snprintf(link, size, "%.*s", (int)stem, name);
	snprintf(base, size, "%.*s", (int)(name - path + (ptrdiff_t)stem), path);
}

/*
 * Write the Markdown and its charts, all or nothing: every file is written to a temporary file
 * first; the charts are renamed into place before the Markdown that links to them.
 */
static enum ps_status write_md_with_figures(const struct ps_common *common, const struct ps_report *r,
					    const char *text, size_t len, const char *base)
{
	const struct ps_rep_block *figs[256];
	size_t nfigs = 0;
	const struct ps_rep_list *lists[] = { &r->front, &r->headline, &r->body, &r->quality, &r->methods, &r->sources };
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (lists[l]->blocks[i].kind == PS_REP_FIGURE && nfigs < 256)
				figs[nfigs++] = &lists[l]->blocks[i];
	struct ps_output outs[257];
	struct ps_error err;
	ps_error_clear(&err);
	enum ps_status st = PS_OK;
	size_t opened = 0;
	for (size_t i = 0; i <= nfigs && st == PS_OK; i++) {
		char path[4200];
		if (i < nfigs)
			snprintf(path, sizeof(path), "%s-fig%d.svg", base, figs[i]->figure);
		else
			snprintf(path, sizeof(path), "%s", common->output);
		if ((st = ps_output_open(&outs[i], path, &err)) != PS_OK)
			break;
		opened++;
		const char *data = i < nfigs ? figs[i]->svg : text;
		st = ps_output_write(&outs[i], data, i < nfigs ? strlen(data) : len, &err);
	}
	for (size_t i = 0; i < opened; i++) {
		if (st == PS_OK)
			st = ps_output_commit(&outs[i], &err);
		else
			ps_output_abort(&outs[i]);
	}
	if (st != PS_OK)
		ps_report_error(common, &err);
	return st;
}

enum ps_status cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "min-cell", required_argument, NULL, OPT_MIN_CELL },
		{ "output", required_argument, NULL, PS_OPT_OUTPUT },
		{ "help", no_argument, NULL, PS_OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct ps_common common;
	struct ps_report report;
	struct ps_rep_summary summaries[MAX_SUMMARIES];
	struct ps_text_buf text = { 0 };
	size_t nsummaries = 0;
	int markdown = 0;
	long min_cell = DEFAULT_MIN_CELL;
	enum ps_status st = PS_OK;
	struct ps_error err;

	if (ps_common_init(&common, "report", cmd_report_usage) != PS_OK)
		return PS_ENOMEM;
	ps_report_init(&report, min_cell);
	ps_error_clear(&err);
	optind = 0;
	opterr = 0;
	int opt;
	while (st == PS_OK && (opt = getopt_long(argc, argv, "+:" PS_COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (strcmp(optarg, "html") == 0)
				markdown = 0;
			else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				markdown = 1;
			else
				st = ps_usage_error(&common, "--format takes html or md, not '%s'", optarg);
			break;
		case OPT_MIN_CELL: {
			int64_t n;
			if (!ps_parse_int(optarg, strlen(optarg), &n, NULL) || n < 0 || n == 1 || n > 1000000)
				st = ps_usage_error(&common,
						    "--min-cell takes 0 (no suppression) or a threshold from 2 to 1000000, not '%s'",
						    optarg);
			else
				min_cell = (long)n;
			break;
		}
		case '?': st = ps_usage_error(&common, "unknown option '%s'", argv[optind - 1]); break;
		default: st = ps_common_option(&common, opt, opt == ':' ? argv[optind - 1] : optarg);
		}
	}
	if (st != PS_OK)
		goto done;
	if (common.help) {
		fputs(cmd_report_usage, stdout);
		goto done;
	}
	if (optind >= argc) {
		st = ps_usage_error(&common, "give one or more JSON summaries ('-' for standard input)");
		goto done;
	}
	if (argc - optind > MAX_SUMMARIES) {
		st = ps_usage_error(&common, "at most %d summaries in one report", MAX_SUMMARIES);
		goto done;
	}
	int stdin_used = 0;
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && stdin_used++) {
			st = ps_usage_error(&common, "standard input ('-') can be read only once");
			goto done;
		}
	report.min_cell = min_cell;
	for (int i = optind; i < argc; i++) {
		ps_error_clear(&err);
		if ((st = ps_rep_load(argv[i], &summaries[nsummaries], &err)) != PS_OK) {
			ps_report_error(&common, &err);
			goto done;
		}
		nsummaries++;
		if (!ps_rep_section_for(summaries[nsummaries - 1].command)) {
			ps_error_clear(&err);
			ps_error_copy(err.file, sizeof(err.file), summaries[nsummaries - 1].display,
				      strlen(summaries[nsummaries - 1].display));
			st = ps_error_set(&err, PS_EDATA,
					  "summaries of '%s' are not reported by this peerstat yet",
					  summaries[nsummaries - 1].command);
			ps_report_error(&common, &err);
			goto done;
		}
	}
	front_matter(&report, summaries, nsummaries);
	for (size_t i = 0; i < nsummaries; i++)
		ps_rep_section_for(summaries[i].command)(&report, &summaries[i]);
	if (report.failed) {
		st = PS_ENOMEM;
		goto done;
	}
	if (!markdown) {
		ps_report_html(&report, &text);
	} else {
		char link[4096], base[4096];
		int files = file_target(common.output);
		if (files)
			figure_names(common.output, link, base, sizeof(link));
		ps_report_md(&report, files ? link : NULL, &text);
		if (text.failed) {
			st = PS_ENOMEM;
			goto done;
		}
		if (files) {
			st = write_md_with_figures(&common, &report, text.buf, text.len, base);
			goto done;
		}
	}
	if (text.failed) {
		st = PS_ENOMEM;
		goto done;
	}
	st = ps_write_text(&common, text.buf, text.len);
done:
	if (st == PS_ENOMEM)
		fprintf(stderr, "peerstat: report: out of memory\n");
	free(text.buf);
	for (size_t i = 0; i < nsummaries; i++)
		ps_rep_summary_release(&summaries[i]);
	ps_report_release(&report);
	ps_common_release(&common);
	return st;
}
