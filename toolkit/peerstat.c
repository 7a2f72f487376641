/*
 * peerstat: main(). The command table (git.c's shape), process-wide set-up that every command
 * relies on (C numeric locale, GSL's aborting error handler off, SIGPIPE ignored so that a
 * closed pipe surfaces as EPIPE and ends quietly), and the mapping from status to exit code.
 */
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"

struct command {
	const char *name;
	enum ps_status (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "validate", cmd_validate, cmd_validate_usage, "check an input file and report what it holds" },
	{ "participants", cmd_participants, cmd_participants_usage, "one row per participant from an attendance roll" },
	{ "retention", cmd_retention, cmd_retention_usage, "do people stay? retention by cohort from an attendance roll" },
	{ "isolation", cmd_isolation, cmd_isolation_usage, "isolation scores over follow-up waves: change, ANCOVA, attrition" },
	{ "sobriety", cmd_sobriety, cmd_sobriety_usage, "do people stay sober? abstinence and relapse over follow-up waves" },
	{ "compare", cmd_compare, cmd_compare_usage, "t, rank and 2x2 tests, effect sizes, ANCOVA: two groups" },
	{ "survival", cmd_survival, cmd_survival_usage, "Kaplan-Meier, log-rank and Cox: time to an event, two groups" },
	{ "report", cmd_report, cmd_report_usage, "a report people read (HTML or Markdown) from JSON summaries" },
	{ "shard", cmd_shard, cmd_shard_usage, "split a CSV file into N shards by a stable hash of a column" },
	{ "merge", cmd_merge, cmd_merge_usage, "combine partial summaries (--partial) into the whole input's result" },
	{ "run", cmd_run, cmd_run_usage, "the whole job: validate, participants, retention, isolation, sobriety, report" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *fp)
{
	fprintf(fp, "usage: peerstat <command> [options] [FILE...]\n"
		    "       peerstat help <command> | peerstat --help | peerstat --version\n\n"
		    "Statistics for peer-support programme evaluations: CSV in, JSON out.\n\n"
		    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nFILE absent or '-' reads standard input. Exit codes: 0 success, 64 usage error,\n"
		    "65 invalid input data, 66 input cannot be opened, 70 internal error, 73 output cannot\n"
		    "be created, 74 read/write error. See peerstat(1) and docs/.\n");
}

static int finish(int code)
{
	/* a late write error (full disk, closed pipe) must not pass as success */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (code == 0 && !ferror(stdout))
			return 74;
		return code;
	}
	return code;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* decimal points are always '.', in input and output */
	gsl_set_error_handler_off();
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		print_overview(stderr);
		return 64;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_overview(stdout);
		return finish(0);
	}
	if (strcmp(name, "--version") == 0) {
		printf("peerstat %s\n", PEERSTAT_VERSION);
		return finish(0);
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			print_overview(stdout);
			return finish(0);
		}
		const struct command *cmd = find_command(argv[2]);
		if (!cmd) {
			fprintf(stderr, "peerstat: '%s' is not a peerstat command; see 'peerstat --help'\n", argv[2]);
			return 64;
		}
		char *help_argv[] = { (char *)cmd->name, "--help", NULL };
		return finish(ps_status_exit_code(cmd->run(2, help_argv)));
	}
	const struct command *cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "peerstat: '%s' is not a peerstat command; see 'peerstat --help'\n", name);
		return 64;
	}
	enum ps_status st = cmd->run(argc - 1, argv + 1);
	int code = ps_status_exit_code(st);
	if (st == PS_EPIPE)
		return 0;
	return finish(code);
}
