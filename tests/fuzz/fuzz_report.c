/*
 * libFuzzer harness for `report`'s JSON loader (toolkit/cmd/report_load.c) and everything that
 * renders what it accepts (HTML, with and without small-count hiding), run in-process on the
 * input (see fuzz_common.h). Seeds: the JSON summaries under tests/data/report/, the CLI
 * goldens' expected_stdout, datasets/bad/summary-*.json.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	uint64_t h = fuzz_hash(data, size);
	char *argv[8];
	int argc = 0;
	argv[argc++] = "report";
	if (h & 1) {
		argv[argc++] = "--min-cell";
		argv[argc++] = "0";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc++] = fuzz_path;
	argv[argc] = NULL;
	fuzz_run(cmd_report, argc, argv);
	return 0;
}
