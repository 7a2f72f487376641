/*
 * libFuzzer harness for `merge` (toolkit/cmd/cmd_merge.c and every partial kind's record
 * reader: retention's day sets, isolation's and sobriety's waves, compare's and survival's row
 * cells), run in-process on the input as one stream of partials (see fuzz_common.h), and then
 * the command the header names on what was merged. Seeds: tests/data/partials/ (a partial of
 * each command on a shard of the bundled study) and tests/cli/merge-* inputs.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_write(data, size);
	char *argv[8];
	int argc = 0;
	argv[argc++] = "merge";
	if (fuzz_hash(data, size) & 1) { /* the input's name given, or taken from the partials */
		argv[argc++] = "--input-name";
		argv[argc++] = "roll.csv";
	}
	argv[argc++] = "-o";
	argv[argc++] = "/dev/null";
	argv[argc++] = fuzz_path;
	argv[argc] = NULL;
	fuzz_run(cmd_merge, argc, argv);
	return 0;
}
